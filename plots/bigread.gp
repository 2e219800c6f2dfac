# E10 big read: one read() of a whole file, 4 KiB..1 GiB.
#   gnuplot -e "results='DIR'" plots/bigread.gp
# Reads DIR/summary.csv (one row per size x cache method); writes (PNG and SVG)
#   DIR/bigread_latency.*   latency of the one read vs file size (median over repetitions,
#                           bars: min to max), one line per cache method (drop: cold, none: warm)
#   DIR/bigread_success.*   success rate vs file size, the same lines
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

caches = " "
stats summary using (caches = add_word(caches, strcol("cache")), 0) nooutput
ncache = words(caches)
cache_label(w) = w eq "drop" ? "cold (drop_caches before the read)" : w eq "none" ? "warm (page cache kept)" : "cache=".w
stats summary using "buf_size" nooutput
set logscale x 2
set xrange [STATS_min / 2.0:STATS_max * 2.0]
set xtics () 
do for [e = 10:30:2] { if (2 ** e >= STATS_min / 2.0 && 2 ** e <= STATS_max * 2.0) { set xtics add (human(2 ** e) 2 ** e) } }
set xlabel "file size = read() size (log scale)"
set key outside right top vertical
unset label 99
set label 99 sprintf("data: %s/summary.csv; one read() per run of the whole file (iterations = 1); series offset along x", \
	shown) at screen 0.01, 0.015 font ",8" tc rgb "#777777"
odge(i) = 2 ** (0.08 * (i - (ncache + 1) / 2.0))

set output output("bigread_latency.png")
set title sprintf("%s: latency of one read() of a whole file vs its size (median, bars: min to max)\n%s", exper, short_subtitle)
set ylabel "read() latency (ms, log scale)"
set logscale y 10
set format y "%g"
plot for [j = 1:ncache] summary \
	using (strcol("cache") eq word(caches, j) ? column("buf_size") * odge(j) : NaN):(column("lat_median_ns") / 1e6):(column("lat_min_ns") / 1e6):(column("lat_max_ns") / 1e6) \
	with yerrorlines lt j title cache_label(word(caches, j))
eval svg_too("bigread_latency")

metric = (mode eq "override") ? "ok_rate" : "success_rate"
set output output("bigread_success.png")
set title sprintf("%s: success of one read() of a whole file vs its size\n%s", exper, short_subtitle)
set ylabel (mode eq "override") ? "override success (%): status ok" : "success rate (%): BPF result = reference"
unset logscale y
set yrange [-3:105]
plot for [j = 1:ncache] summary \
	using (strcol("cache") eq word(caches, j) ? column("buf_size") * odge(j) : NaN):(100 * column(metric)) \
	with linespoints lt j title cache_label(word(caches, j))
eval svg_too("bigread_success")
