# E11 helper cost, three panels (as the thesis's Fig 6.3):
#   (a) bpf_probe_read_kernel and bpf_probe_read_user, (b) bpf_probe_write_user,
#   (c) the suite's number parser: ns per call vs bytes per call.
#   gnuplot -e "results='DIR'" plots/bpfcost-helpers.gp  -> DIR/bpfcost-helpers.{png,svg}
# Reads DIR/helpers.csv (cob-bpfcost helpers). Filled points: the bpf_ktime_get_ns
# median per call of each repetition, line through their median (log scales); open points: the
# kernel's run-time statistics (run_time_ns / run_cnt, the whole program) per call.
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
csvname = "helpers.csv"
load plotdir."/bpfcost.gp"

nwrite = 0; clock = NaN
stats data using (strcol("helper") eq "probe_write_user" ? nwrite = nwrite + 1 : 0, \
	strcol("helper") eq "clock" ? clock = column("median_ns_per_call") : 0, 0) nooutput
sel(h) = (strcol("helper") eq h) ? column("size") : NaN
fig = "bpfcost-helpers"
eval footnote("open points: run_time_ns / run_cnt / 16 (the whole program); compare numbers only within one run")
do for [ext in "png svg"] {
	eval term(ext)
	set output out(ext)
	set multiplot layout 1,3 title sprintf("E11: cost of one BPF helper call vs bytes per call\n%s; median of bpf_ktime_get_ns over 16 calls per sample (clock pair: %.0f ns per sample, not subtracted)", prov, clock)
	set logscale x 2
	set xlabel "bytes per call"
	set ylabel "ns per call"
	set key top left
	set logscale y 10   # guest-TCG figures span five decades
	set title "(a) bpf_probe_read_kernel / _user"
	plot data using (sel("probe_read_kernel")):"median_ns_per_call" with points lt 1 title "probe_read_kernel", \
		med("helper", "probe_read_kernel", "size", "median_ns_per_call") using 1:2 with lines lt 1 notitle, \
		data using (sel("probe_read_kernel")):"stats_ns_per_call" with points lt 1 pt 6 title "  run-time stats", \
		data using (sel("probe_read_user")):"median_ns_per_call" with points lt 2 title "probe_read_user", \
		med("helper", "probe_read_user", "size", "median_ns_per_call") using 1:2 with lines lt 2 notitle, \
		data using (sel("probe_read_user")):"stats_ns_per_call" with points lt 2 pt 4 title "  run-time stats"
	set title "(b) bpf_probe_write_user"
	if (nwrite == 0) {
		set label 1 "not allowed by this kernel\n(lockdown or program type;\nthe reason: meta.json, skipped)" at graph 0.5, 0.5 center
		unset key
		plot [4:16384] [1:10] NaN notitle
		unset label 1
		set key top left
	} else {
		plot data using (sel("probe_write_user")):"median_ns_per_call" with points lt 3 title "probe_write_user", \
			med("helper", "probe_write_user", "size", "median_ns_per_call") using 1:2 with lines lt 3 notitle, \
			data using (sel("probe_write_user")):"stats_ns_per_call" with points lt 3 pt 8 title "  run-time stats"
	}
	set title "(c) the number parser (filter_reduce.bpf.h)"
	plot data using (sel("parser")):"median_ns_per_call" with points lt 4 title "parser: one pass over the bytes", \
		med("helper", "parser", "size", "median_ns_per_call") using 1:2 with lines lt 4 notitle, \
		data using (sel("parser")):"stats_ns_per_call" with points lt 4 pt 10 title "  run-time stats"
	unset multiplot
	unset output
}
