# E3 cache state: the per-read latency distribution per cache state (cached,
# dropped, DONTNEED), from every read of DIR/reads.csv.
#   gnuplot -e "results='DIR'" plots/cachestate.gp
# Writes DIR/cachestate_cdf.{png,svg}  cumulative distribution of read() latency
#        DIR/cachestate_box.{png,svg}  box plot (quartiles, whiskers 1.5 IQR, outliers)
# One series per cache state and buffer size.
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"
unset label 99 # common.gp's data note names its own series and offsets, not these

reads = results."/reads.csv"
sers = " "; storage = ""
stats summary using (sers = add_word(sers, strcol("cache")."|".strcol("buf_size")), storage = strcol("storage"), 0) nooutput
nsers = words(sers)
in_ser(n) = (strcol("cache")."|".strcol("buf_size") eq word(sers, n))
cname(c) = (c eq "none") ? "cached" : (c eq "drop") ? "dropped (drop_caches)" : (c eq "dontneed") ? "DONTNEED (fadvise)" : c
# the latencies (µs) of one series: a rejected row (NaN) would split the
# curve into pieces that smooth cnormal normalizes one by one
lat_of(k) = sprintf("< awk -F, -v c='%s' -v b='%s' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"cache\"] == c && $h[\"buf_size\"] == b { print $h[\"lat_ns\"] / 1000 }' '%s'", \
	field(k, 1), field(k, 2), reads)
pretty(k) = sprintf("%s, %s buffer", cname(field(k, 1)), human(field(k, 2) + 0))
sub = sprintf("%s, kernel %s, %s backend, %s mode\n%s, %s storage, %d repetition%s per point, every read of every run", \
	where, kernel, backend, mode, func, storage, reps, reps == 1 ? "" : "s")
set label 98 "data: ".shown."/reads.csv (lat_ns: CLOCK_MONOTONIC around each read())" \
	at screen 0.01, 0.015 font ",8" tc rgb "#777777"
set key outside right top vertical

do for [ext in "png svg"] {
	eval term(ext)
	set key outside right top vertical
	set output output("cachestate_cdf.".ext)
	set title sprintf("%s: read() latency, cumulative distribution per cache state\n%s", exper, sub)
	set xlabel "read() latency (µs, log scale)"
	set ylabel "fraction of reads at or below (CDF)"
	set logscale x 10
	set format x "%g"
	set yrange [0:1.02]
	plot for [n = 1:nsers] lat_of(word(sers, n)) using 1:(1) smooth cnormal \
		with steps lt n title pretty(word(sers, n))
	unset logscale x
	set format x "% h"
	set output output("cachestate_box.".ext)
	set title sprintf("%s: read() latency per cache state (box: quartiles, whiskers: 1.5 IQR)\n%s", exper, sub)
	set xlabel "cache state before the run"
	set ylabel "read() latency (µs, log scale)"
	set logscale y 10
	set format y "%g"
	set yrange [*:*]
	set xrange [0.3:nsers + 0.7]
	set xtics () ; set xtics nomirror
	do for [n = 1:nsers] { set xtics add (pretty(word(sers, n)) n) }
	unset key
	set style data boxplot
	set style boxplot outliers pointtype 7
	set pointsize 0.3
	set boxwidth 0.5
	plot for [n = 1:nsers] reads using (n):(in_ser(n) ? column("lat_ns") / 1000.0 : NaN) lt n notitle
	unset logscale y
	set xtics autofreq
	set xrange [*:*]
}
unset output
