# E1 iterations: does the hook keep working as a program reads more?
#   gnuplot -e "results='DIR'" plots/iterations.gp
# Reads DIR/summary.csv (one row per sweep point), writes
#   DIR/success_vs_iterations.png   success rate vs iterations, per file kind and buffer size
#   DIR/success_vs_megabytes.png    the same against the data read per run
#   DIR/latency_vs_iterations.png   median read() latency with min/max bars vs iterations
# and each as .svg too
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

stats summary using "iterations" nooutput
xlo = STATS_min / 2.0; xhi = STATS_max * 2.0
set logscale x 10
set format x "%g"

# Success as the thesis meant it: in override mode a read succeeds when the
# override held (status ok: right return value, result in the buffer, no file
# byte copied); in observe mode when the BPF result equals the reference.
metric = (mode eq "override") ? "ok_rate" : "success_rate"
what = (mode eq "override") ? "override success (%): status ok" : "success rate (%): BPF result = user-space reference"

# overlapping lines at 100 % hide each other: say so
stats summary using metric nooutput
if (STATS_min == 1) {
	set label 2 sprintf("all %d series: %s (100 %%) at every point", nseries, \
		(mode eq "override") ? "every read overridden" : "every read matched") at graph 0.5, 0.9 center
}

# --- success rate vs iterations
set output output("success_vs_iterations.png")
set title sprintf("%s: success rate vs iterations\n%s", exper, subtitle)
set xlabel "iterations (read() calls per run, log scale)"
set ylabel what
set xrange [xlo:xhi]
set yrange [-3:105]
set key outside right top vertical
plot for [i = 1:nseries] summary \
	using (is(word(series, i)) ? column("iterations") * dodge(i) : NaN):(100 * column(metric)) \
	with linespoints lt i title label(word(series, i))
eval svg_too("success_vs_iterations")

# --- success rate vs data read per run
set autoscale xy # stats drops values outside the current ranges (a lone column is y: [-3:105])
stats summary using (column("iterations") * column("buf_size") / 1048576.0) nooutput
set output output("success_vs_megabytes.png")
set title sprintf("%s: success rate vs data read per run\n%s", exper, subtitle)
set xlabel "data read per run (MiB, iterations x buffer size, log scale)"
set xrange [STATS_min / 2.0:STATS_max * 2.0]
set yrange [-3:105]
plot for [i = 1:nseries] summary \
	using (is(word(series, i)) ? column("iterations") * column("buf_size") / 1048576.0 * dodge(i) : NaN):(100 * column(metric)) \
	with linespoints lt i title label(word(series, i))
eval svg_too("success_vs_megabytes")

# --- latency vs iterations
unset label 2
set output output("latency_vs_iterations.png")
set title sprintf("%s: read() latency vs iterations (median, bars: min to max)\n%s", exper, subtitle)
set xlabel "iterations (read() calls per run, log scale)"
set ylabel "read() latency (µs, log scale)"
set xrange [xlo:xhi]
set yrange [*:*]
set logscale y 10
set format y "%g"
set key outside right top vertical
plot for [i = 1:nseries] summary \
	using (is(word(series, i)) ? column("iterations") * dodge(i) : NaN):(column("lat_median_ns") / 1000.0):(column("lat_min_ns") / 1000.0):(column("lat_max_ns") / 1000.0) \
	with yerrorlines lt i title label(word(series, i))
eval svg_too("latency_vs_iterations")
unset output
