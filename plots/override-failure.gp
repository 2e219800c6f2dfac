# E17 override-failure: does the override hold, read by read, as time since
# attach and data read grow; where does the kprobe optimizer convert the probe?
#   gnuplot -e "results='DIR'" plots/override-failure.gp
# Derives (plots/override-failure.awk) DIR/override_reads.csv (one row per
# read: time since attach, cumulative MiB, status, the kprobe's state then) and
# DIR/override_runs.csv (one row per run: ok/copied counts, first failed read:
# iteration, ms and MiB after attach; when the kprobe became [OPTIMIZED]), and
# writes
#   DIR/override_vs_time.png   one row per run: green ok, red not ok, vs ms since attach;
#                              grey x: the kprobes list shows [OPTIMIZED] (queued);
#                              black o: first read that went through the jump
#   DIR/override_vs_mib.png    the same against the MiB read so far
# and each as .svg too
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

reads = results."/override_reads.csv"
runs = results."/override_runs.csv"
kp = results."/kprobes.csv"
if (system(sprintf("test -s '%s' && echo y", kp)) ne "y") { kp = "/dev/null" }
rc = system(sprintf("awk -f '%s/override-failure.awk' -v perread='%s' -v perrun='%s' '%s' '%s/reads.csv' && echo ok", \
	plotdir, reads, runs, kp, results))
if (rc ne "ok") { exit error "override-failure.awk failed" }

stats runs using "run" nooutput
nruns = STATS_max
set ytics () ; set ytics nomirror
do for [i = 1:nruns] {
	stats runs using ((column("run") == i) ? (lab = strcol("series"), 0) : 0) nooutput
	set ytics add (lab i)
}
set yrange [0.5:nruns + 0.5]
set key at screen 0.5, 0.005 center bottom horizontal maxrows 2 font ",10"
set bmargin 9
set terminal pngcairo size 1200,800 noenhanced font "DejaVu Sans,12" linewidth 1.5
set grid x
set logscale x 10
set format x "%g"
set lmargin 30
unset label 99

set output output("override_vs_time.png")
set title sprintf("%s: override status of every read vs time since attach\n%s, kernel %s, %s mode, %s, cache=%s", exper, where, kernel, mode, func, cache)
set xlabel "ms since the kprobe was attached (log scale; kprobes monitor, 1 ms resolution)"
plot reads using (column("ok") == 1 ? column("t_ms") > 0.01 ? column("t_ms") : 0.01 : NaN):(column("run") + 0.15) \
		with points pt 7 ps 0.5 lc rgb "#1a9850" title "ok (override held)", \
	reads using (column("ok") == 0 ? column("t_ms") > 0.01 ? column("t_ms") : 0.01 : NaN):(column("run") - 0.15) \
		with points pt 7 ps 0.5 lc rgb "#d73027" title "not ok (copied: file bytes reached the buffer)", \
	runs using (strcol("optimized_at_ms") ne "" ? column("optimized_at_ms") > 0.01 ? column("optimized_at_ms") : 0.01 : NaN):"run" \
		with points pt 2 ps 2 lw 2 lc rgb "#777777" title "[OPTIMIZED] in the kprobes list (queued)", \
	runs using (strcol("jmp_at_ms") ne "" ? column("jmp_at_ms") : NaN):"run" \
		with points pt 6 ps 2.5 lw 2 lc rgb "black" title "first read through the jump (optimizer done)"
eval svg_too("override_vs_time")

set terminal pngcairo size 1200,800 noenhanced font "DejaVu Sans,12" linewidth 1.5 # svg_too left common.gp's
set output output("override_vs_mib.png")
set title sprintf("%s: override status of every read vs data read since attach\n%s, kernel %s, %s mode, %s, cache=%s", exper, where, kernel, mode, func, cache)
set xlabel "MiB read so far in the run (log scale)"
plot reads using (column("ok") == 1 ? column("mib") > 0.001 ? column("mib") : 0.001 : NaN):(column("run") + 0.15) \
		with points pt 7 ps 0.5 lc rgb "#1a9850" title "ok", \
	reads using (column("ok") == 0 ? column("mib") > 0.001 ? column("mib") : 0.001 : NaN):(column("run") - 0.15) \
		with points pt 7 ps 0.5 lc rgb "#d73027" title "not ok"
eval svg_too("override_vs_mib")
