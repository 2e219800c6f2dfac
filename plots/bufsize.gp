# E2 buffer size: read() latency, throughput and success vs the size of one read.
#   gnuplot -e "results='DIR'" plots/bufsize.gp
# Writes DIR/bufsize_latency.{png,svg}  median read() latency, bars min to max
#        DIR/bufsize_throughput.{png,svg}  buffer size / median latency (MiB/s)
#        DIR/bufsize_success.{png,svg}  success rate
# One series per cache state (and file kind).
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"
unset label 99 # common.gp's data note names its own series and offsets, not these

sers = " "
stats summary using (sers = add_word(sers, strcol("cache")."|".strcol("file_kind")), 0) nooutput
nsers = words(sers)
in_ser(n) = (strcol("cache")."|".strcol("file_kind") eq word(sers, n))
pretty(k) = sprintf("cache=%s, %s file", field(k, 1), field(k, 2))
dodge2(n) = 10 ** (0.015 * (n - (nsers + 1) / 2.0))
stats summary using "buf_size" nooutput
set xrange [STATS_min / 2.0:STATS_max * 2.0]
set logscale x 2
set xtics ("1 B" 1, "16 B" 16, "256 B" 256, "4 KiB" 4096, "64 KiB" 65536, "1 MiB" 1048576, "16 MiB" 16777216, "256 MiB" 268435456)
set xlabel "buffer size: bytes asked for by one read() (log scale)"
set key outside right top vertical
metric = (mode eq "override") ? "ok_rate" : "success_rate"
what = (mode eq "override") ? "override success (%): status ok" : "success rate (%): BPF result = user-space reference"
strcol_storage = ""
stats summary using (strcol_storage = strcol("storage"), 0) nooutput
sub = sprintf("%s, kernel %s, %s backend, %s mode\n%s, %s storage, %d repetition%s per point", \
	where, kernel, backend, mode, func, strcol_storage, reps, reps == 1 ? "" : "s")
set label 98 "data: ".shown."/summary.csv; series offset along x so equal values stay visible" \
	at screen 0.01, 0.015 font ",8" tc rgb "#777777"

do for [ext in "png svg"] {
	eval term(ext)
	set output output("bufsize_latency.".ext)
	set title sprintf("%s: read() latency vs buffer size (median, bars: min to max)\n%s", exper, sub)
	set ylabel "read() latency (µs, log scale)"
	set logscale y 10
	set format y "%g"
	set yrange [*:*]
	plot for [n = 1:nsers] summary using (in_ser(n) ? column("buf_size") * dodge2(n) : NaN):(column("lat_median_ns") / 1000.0): \
		(column("lat_min_ns") / 1000.0):(column("lat_max_ns") / 1000.0) with yerrorlines lt n title pretty(word(sers, n))
	set output output("bufsize_throughput.".ext)
	set title sprintf("%s: read() throughput vs buffer size (buffer / median latency)\n%s", exper, sub)
	set ylabel "MiB/s per read() (log scale)"
	plot for [n = 1:nsers] summary using (in_ser(n) ? column("buf_size") * dodge2(n) : NaN): \
		(column("buf_size") / 1048576.0 / (column("lat_median_ns") / 1e9)) with linespoints lt n title pretty(word(sers, n))
	unset logscale y
	set output output("bufsize_success.".ext)
	set title sprintf("%s: success rate vs buffer size\n%s", exper, sub)
	set ylabel what
	set yrange [-3:105]
	plot for [n = 1:nsers] summary using (in_ser(n) ? column("buf_size") * dodge2(n) : NaN):(100 * column(metric)) \
		with linespoints lt n title pretty(word(sers, n))
	set yrange [*:*]
}
unset output
