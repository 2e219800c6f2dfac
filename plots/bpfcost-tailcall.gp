# E13 tail calls: the same filter-reduce as one program and as filter -> reduce
# tail calls (one pair per 4 KiB chunk) vs bytes per run, two panels:
#   (a) ns per run (bpf_ktime_get_ns from the first filter to the last reduce)
#   (b) ns per 4 KiB chunk, so the tail calls' share reads off directly
#   gnuplot -e "results='DIR'" plots/bpfcost-tailcall.gp  -> DIR/bpfcost-tailcall.{png,svg}
# Reads DIR/tailcall.csv (cob-bpfcost tailcall).
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
csvname = "tailcall.csv"
load plotdir."/bpfcost.gp"

sel(v) = (strcol("variant") eq v) ? column("size") : NaN
nomatch = 0
stats data using (nomatch = nomatch + (column("match") == 0), 0) nooutput
fig = "bpfcost-tailcall"
eval footnote(sprintf("points: median of each repetition, open: run-time stats (run_time_ns / run_cnt of the entry program); lines: median; runs whose result differs from user space: %d", nomatch))
do for [ext in "png svg"] {
	eval term(ext)
	set output out(ext)
	set multiplot layout 1,2 title sprintf("E13: filter-reduce as one program vs filter -> reduce tail calls (BPF_MAP_TYPE_PROG_ARRAY)\n%s; bpf_probe_read_user of the bytes, half the numbers kept", prov)
	set logscale x 2
	set xlabel "bytes per run (4 KiB chunks; a chain holds at most 33 tail calls: 16 chunks)"
	set xrange [3400:80000]
	set xtics ("4K" 4096, "8K" 8192, "16K" 16384, "32K" 32768, "64K" 65536)
	set key top left
	set yrange [0:*]
	set title "(a) time per run"
	set ylabel "ns per run"
	plot data using (sel("single")):"median_ns" with points lt 1 pt 7 title "one program", \
		med("variant", "single", "size", "median_ns") using 1:2 with lines lt 1 notitle, \
		data using (sel("single")):"stats_ns_per_run" with points lt 1 pt 6 notitle, \
		data using (sel("tailcall")):"median_ns" with points lt 2 pt 5 title "filter -> reduce tail calls", \
		med("variant", "tailcall", "size", "median_ns") using 1:2 with lines lt 2 notitle, \
		data using (sel("tailcall")):"stats_ns_per_run" with points lt 2 pt 4 notitle
	set title "(b) time per 4 KiB chunk"
	set ylabel "ns per chunk"
	plot data using (sel("single")):(column("median_ns") / (column("size") / 4096.0)) with points lt 1 pt 7 title "one program", \
		med("variant", "single", "size", "median_ns") using 1:($2 / ($1 / 4096.0)) with lines lt 1 notitle, \
		data using (sel("tailcall")):(column("median_ns") / (column("size") / 4096.0)) with points lt 2 pt 5 title "filter -> reduce tail calls", \
		med("variant", "tailcall", "size", "median_ns") using 1:($2 / ($1 / 4096.0)) with lines lt 2 notitle
	unset multiplot
	unset output
}
