# ./run.sh compare: the change of every compared figure, coloured by verdict.
#   gnuplot -e "results='DIR'" plots/compare.gp
# Reads DIR/compare.csv (cob-compare: one row per figure of a sweep point or
# backend), writes DIR/compare.png and DIR/compare.svg: one bar per figure
# (change in % against the base run, on a signed log scale so a +2000 %
# regression and a +3 % wobble both stay readable), its verdict written on it;
# a figure whose base is <= 0 has no % (compare.csv change_abs): no bar.
if (!exists("results")) results = "."
if (!exists("shown")) shown = results
data = results."/compare.csv"

set datafile separator comma
set datafile columnheaders

exper = ""; bdir = ""; ndir = ""; bwhere = ""; nwhere = ""; bkernel = ""; nkernel = ""
minchg = 0; alpha = 0; nbars = 0; nreg = 0
stats data using (exper = strcol("experiment"), bdir = strcol("base_dir"), ndir = strcol("new_dir"), \
	bwhere = strcol("base_where"), nwhere = strcol("new_where"), bkernel = strcol("base_kernel"), \
	nkernel = strcol("new_kernel"), minchg = column("min_change_pct"), alpha = column("alpha"), \
	nbars = nbars + 1, nreg = nreg + (strcol("verdict") eq "regressed"), 0) nooutput
if (nbars == 0) { print "no rows in ".data; exit error "nothing to plot" }

# signed log: 0 -> 0, +-c -> +-log10(1 + |c|)
slog(c) = c != c ? NaN : (c > 1e300 ? 7 : (c < -1e300 ? -7 : sgn(c) * log10(1 + abs(c))))
vcolor(v) = v eq "regressed" ? 0xD55E00 : v eq "improved" ? 0x009E73 : v eq "noise" ? 0xE69F00 : \
	v eq "unknown" ? 0x56B4E9 : v eq "unchanged" ? 0x999999 : 0x000000
short(f) = f eq "success_rate" ? "success" : f eq "lat_median_ns" ? "median" : \
	f eq "lat_mean_ns" ? "mean" : f eq "overhead_mean_ns" ? "overhead" : f

set tmargin 6
set title sprintf("%s: new against base, per figure (%d regressed of %d)\nbase %s (%s, %s)\nnew %s (%s, %s)", \
	exper, nreg, nbars, bdir, bwhere, bkernel, ndir, nwhere, nkernel) noenhanced
set ylabel "change against base (%, signed log scale)"
set ytics ("-1000 %%" -log10(1001), "-100 %%" -log10(101), "-10 %%" -log10(11), "-1 %%" -log10(2), "0" 0, \
	"+1 %%" log10(2), "+10 %%" log10(11), "+100 %%" log10(101), "+1000 %%" log10(1001), "+10000 %%" log10(10001), "+100000 %%" log10(100001))
set xtics rotate by 90 right font ",8" noenhanced
set grid ytics lc rgb "#dddddd"
set border 3
set tics nomirror
set xrange [0:nbars + 1]
ylo = -log10(11); yhi = log10(11)
stats data using (c = column("change_pct"), c == c ? slog(c) : 0) nooutput
if (exists("STATS_min") && STATS_min == STATS_min) { ylo = (STATS_min < ylo ? STATS_min : ylo) - 0.3; yhi = (STATS_max > yhi ? STATS_max : yhi) + 1.6 }
set yrange [ylo:yhi]
set style fill solid 0.8 border -1
set boxwidth 0.7
set bmargin 26
set lmargin 14
set xzeroaxis lt -1
set key outside right top box
set label 1 sprintf("a change counts when |change| >= %g %%, the repetitions do not overlap and p < %g over them; any success-rate drop regresses; data: %s", \
	minchg, alpha, shown."/compare.csv") at screen 0.01, 0.985 font ",8" tc rgb "#777777" noenhanced

do for [term = 1:2] {
	if (term == 1) {
		set terminal pngcairo size 1400,800 noenhanced font "DejaVu Sans,11"
		set output results."/compare.png"
	} else {
		set terminal svg size 1400,800 noenhanced font "DejaVu Sans,11" dynamic
		set output results."/compare.svg"
	}
	plot data using ($0 + 1):(slog(column("change_pct"))):(0.7):(vcolor(strcol("verdict"))):xtic(strcol("point")." ".short(strcol("figure"))) \
		with boxes lc rgb variable notitle, \
	     data using ($0 + 1):(slog(column("change_pct"))):(strcol("verdict")) with labels rotate by 90 left offset 0,0.5 font ",8" notitle, \
	     keyentry with boxes lc rgb "#D55E00" title "regressed", \
	     keyentry with boxes lc rgb "#009E73" title "improved", \
	     keyentry with boxes lc rgb "#E69F00" title "noise (within run-to-run noise)", \
	     keyentry with boxes lc rgb "#56B4E9" title "unknown (too few repetitions)", \
	     keyentry with boxes lc rgb "#999999" title "unchanged"
	unset output
}
