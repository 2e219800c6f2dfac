# ./run.sh nightly: one figure of one kernel over the last nights.
#   gnuplot -e "data='F.dat'" -e "out='DIR/trend-K-FIG'" -e "kernel='K'" -e "figure='FIG'" \
#           -e "xt='\"11-30 22:10\" 0, ...'" -e "nnights=N" -e "where='host, kernel R'" plots/nightly-trend.gp
# data: one block per series (a config's sweep point), its quoted title on the
# first line, then "night_index,value" rows; blocks separated by two blank lines.
# Writes out.png and out.svg.
set datafile separator comma
stats data using 1 nooutput
nblocks = STATS_blocks
# one value in all (a first night): a range around it, not gnuplot's "empty y range" warning
stats data using 2 nooutput
if (STATS_min == STATS_max && figure ne "success_rate") { v = STATS_min; set yrange [v == 0 ? -1 : v - abs(v) * 0.1 : v == 0 ? 1 : v + abs(v) * 0.1] }

islat = strstrt(figure, "_ns") > 0
unit = islat ? "ns per read" : (figure eq "success_rate" ? "fraction of reads" : "")
title_of(f) = f eq "lat_median_ns" ? "median read() latency" : f eq "lat_mean_ns" ? "mean read() latency" : \
	f eq "success_rate" ? "success rate" : f eq "overhead_mean_ns" ? "overhead against no hook (mean)" : f

set title sprintf("nightly trend: %s, %s\n%s; last %d night%s; one line per config and sweep point", \
	title_of(figure), kernel, where, nnights, nnights == 1 ? "" : "s") noenhanced
set xlabel "night (UTC, month-day hour:minute)"
set ylabel sprintf("%s (%s)", figure, unit) noenhanced
eval "set xtics (".xt.") rotate by 30 right"
set xrange [-0.5:nnights - 0.5]
if (islat && figure ne "overhead_mean_ns") { set logscale y 10 }
if (figure eq "success_rate") { set yrange [0:1.05] }
set grid xtics ytics lc rgb "#dddddd"
set border 3
set tics nomirror
set key below left noenhanced font ",8" maxcols 3

do for [t in "png svg"] {
	if (t eq "png") {
		set terminal pngcairo size 1200,800 noenhanced font "DejaVu Sans,11" linewidth 1.5
	} else {
		set terminal svg size 1200,800 noenhanced font "DejaVu Sans,11" linewidth 1.5
	}
	set output out.".".t
	plot for [i = 0:nblocks - 1] data index i using 1:2 with linespoints pt 7 title columnheader(1)
}
