# Grouped points per category (E7 storage, E8 cpus, E9 pressure), loaded by
# their scripts after they set:
#   catcol     the summary.csv column on the x axis (its values in order of appearance)
#   catlabel   the x axis label
#   sercol     the column that, with buf_size, makes a series ("cache" or "mem_limit")
#   name       file name prefix: NAME_latency.{png,svg}, NAME_success.{png,svg}
# One point per (category, series): the median read() latency with bars from
# the minimum to the maximum over all reads and repetitions, and the success rate.
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"
unset label 99 # common.gp's data note names its own series and offsets, not these

cats = " "; sers = " "
stats summary using (cats = add_word(cats, strcol(catcol)), \
	sers = add_word(sers, strcol(sercol)."|".strcol("buf_size")), 0) nooutput
ncats = words(cats); nsers = words(sers)
skey(n) = word(sers, n)
# a size (mem_limit) as 64 MiB, a word (cache, none) as it is
sval(v) = (sercol eq "mem_limit" && v ne "none") ? human(v + 0) : v
pretty(k) = sprintf("%s=%s, %s buffer", sercol, sval(field(k, 1)), human(field(k, 2) + 0))
in_ser(n) = (strcol(sercol)."|".strcol("buf_size") eq skey(n))
# series side by side inside a category
xpos(n) = cat_x(cats, strcol(catcol)) + 0.5 * ((n - 0.5) / nsers - 0.5)
metric = (mode eq "override") ? "ok_rate" : "success_rate"
what = (mode eq "override") ? "override success (%): status ok" : "success rate (%): BPF result = user-space reference"
sub = sprintf("%s, kernel %s, %s backend, %s mode, %s, %d repetition%s per point", \
	where, kernel, backend, mode, func, reps, reps == 1 ? "" : "s")
set label 98 "data: ".shown."/summary.csv" at screen 0.01, 0.015 font ",8" tc rgb "#777777"

set xtics () ; set xtics nomirror
do for [i = 1:ncats] { set xtics add (word(cats, i) i) }
set xrange [0.4:ncats + 0.6]
set xlabel catlabel
set key outside right top vertical

do for [ext in "png svg"] {
	eval term(ext)
	set output output(name."_latency.".ext)
	set title sprintf("%s: read() latency per %s (median, bars: min to max)\n%s", exper, catcol, sub)
	set ylabel "read() latency (µs, log scale)"
	set logscale y 10
	set format y "%g"
	set yrange [*:*]
	plot for [n = 1:nsers] summary using (in_ser(n) ? xpos(n) : NaN):(column("lat_median_ns") / 1000.0): \
		(column("lat_min_ns") / 1000.0):(column("lat_max_ns") / 1000.0) with yerrorbars lt n title pretty(skey(n))
	unset logscale y
	set output output(name."_success.".ext)
	set title sprintf("%s: success rate per %s\n%s", exper, catcol, sub)
	set ylabel what
	set yrange [-3:105]
	plot for [n = 1:nsers] summary using (in_ser(n) ? xpos(n) : NaN):(100 * column(metric)) \
		with points lt n title pretty(skey(n))
	set yrange [*:*]
}
unset output
