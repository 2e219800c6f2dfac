# The bare trigger cost per hook mechanism: what an empty BPF program that
# counts adds to one getpgid() through each mechanism the kernel allowed.
#   gnuplot -e "results='DIR'" plots/bpfcost-trigger.gp  -> DIR/bpfcost-trigger.{png,svg}
# Reads DIR/trigger.csv (cob-bpfcost trigger): bars, the median over repetitions of
# (ns per call with the program - ns per call without, each the median of 10
# batches); points, each repetition.
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
csvname = "trigger.csv"
load plotdir."/bpfcost.gp"

mechs = "tp raw_tp kprobe fentry fexit fmod_ret"
idx(m) = sum [i = 1:words(mechs)] (word(mechs, i) eq m ? i : 0)
base = 0; nbase = 0; reps = 0
stats data using (base = base + column("base_ns_per_call"), nbase = nbase + 1, \
	reps = column("rep") > reps ? column("rep") : reps, 0) nooutput
# the median over repetitions per mechanism, as a CSV datablock (index,median)
set print $MEDIANS
print "idx,median"
do for [i = 1:words(mechs)] {
	stats data using (strcol("mechanism") eq word(mechs, i) ? column("overhead_ns") : NaN) nooutput
	# a mechanism with no rows leaves STATS_* undefined
	if (exists("STATS_records")) { if (STATS_records > 0) { print sprintf("%d,%g", i, STATS_median) } }
}
unset print
fig = "bpfcost-trigger"
eval footnote("bars: median over repetitions, points: each repetition; a mechanism without a bar was refused here (meta.json, skipped)")
do for [ext in "png svg"] {
	eval term(ext)
	set output out(ext)
	set title sprintf("Bare trigger cost per hook mechanism: an empty counting program on getpgid()\n%s; without a program %.0f ns per call (mean of the baselines), %d repetition%s", \
		prov, base / nbase, reps, reps == 1 ? "" : "s")
	set xlabel "mechanism (attach point: trigger.csv)"
	set ylabel "extra ns per getpgid() call"
	set xrange [0.4:words(mechs) + 0.6]
	set yrange [*<0:0<*]
	set xzeroaxis lt -1
	set xtics ("tp" 1, "raw_tp" 2, "kprobe" 3, "fentry" 4, "fexit" 5, "fmod_ret" 6) scale 0
	set grid noxtics ytics
	set boxwidth 0.5
	set style fill solid 0.6 border -1
	set key top left
	plot $MEDIANS using 1:2 with boxes lt 1 title "median over repetitions", \
		$MEDIANS using 1:2:(sprintf("%+.0f", $2)) with labels offset 0, 1 notitle, \
		data using (idx(strcol("mechanism"))):"overhead_ns" with points lt 4 pt 7 ps 1.2 title "each repetition"
	unset output
}
