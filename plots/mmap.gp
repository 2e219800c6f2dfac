# E6 mmap: mmap shared vs private vs read(), pread() and O_DIRECT.
#   gnuplot -e "results='DIR'" plots/mmap.gp
# Reads DIR/summary.csv and DIR/reads.csv; writes (PNG and SVG)
#   DIR/mmap_latency.*   median latency of one access per method (bars: min to max),
#                        one series per cache method and buffer size
#   DIR/mmap_faults.*    page faults per access of the mmap methods (mean minflt, majflt
#                        from reads.csv; the read syscalls take none in the buffer)
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

reads = results."/reads.csv"
methods = " "; conds = " "
stats summary using (methods = add_word(methods, strcol("access")), \
	conds = add_word(conds, strcol("cache")."/".strcol("buf_size")), 0) nooutput
nm = words(methods); nc = words(conds)
cond_label(w) = sprintf("cache=%s, %s", w[1:strstrt(w, "/") - 1], human(w[strstrt(w, "/") + 1:] + 0))
xt = ""
do for [i = 1:nm] { xt = xt.sprintf("%s\"%s\" %d", i > 1 ? ", " : "", word(methods, i), i) }
eval "set xtics (".xt.")"
set xrange [0.4:nm + 0.6]
set xlabel "access method (cob-read --access)"
set grid noxtics
off(j, n) = (j - (n + 1) / 2.0) * 0.12
set key outside right top vertical
unset label 99
set label 99 sprintf("data: %s/summary.csv; mmap rows are page faults, not read() calls: no hook sees them (status no_syscall); series offset along x", \
	shown) at screen 0.01, 0.015 font ",8" tc rgb "#777777"

set output output("mmap_latency.png")
set title sprintf("%s: latency of one access per method (median, bars: min to max)\n%s", exper, short_subtitle)
set ylabel "latency per access (µs, log scale)"
set logscale y 10
set format y "%g"
plot for [j = 1:nc] summary \
	using (strcol("cache")."/".strcol("buf_size") eq word(conds, j) ? cat_x(methods, strcol("access")) + off(j, nc) : NaN):(column("lat_median_ns") / 1000):(column("lat_min_ns") / 1000):(column("lat_max_ns") / 1000) \
	with yerrorbars lt j ps 2 title cond_label(word(conds, j))
eval svg_too("mmap_latency")

# mean page faults per access, per method and condition (empty cells: read syscalls)
array minf[nm * nc]; array majf[nm * nc]
do for [i = 1:nm] {
	do for [j = 1:nc] {
		minf[(i - 1) * nc + j] = NaN; majf[(i - 1) * nc + j] = NaN
		n_ = 0; smin = 0; smaj = 0
		stats reads using ((strcol("access") eq word(methods, i) && strcol("cache")."/".strcol("buf_size") eq word(conds, j) \
			&& strcol("minflt") ne "") ? (n_ = n_ + 1, smin = smin + column("minflt"), smaj = smaj + column("majflt")) : 0) nooutput
		if (n_ > 0) { minf[(i - 1) * nc + j] = smin / n_; majf[(i - 1) * nc + j] = smaj / n_ }
	}
}
set output output("mmap_faults.png")
set title sprintf("%s: page faults per access (mean; filled: minor, open: major)\n%s", exper, short_subtitle)
set ylabel "page faults per access (log scale; +0.01 so 0 shows)"
set label 99 sprintf("data: %s/reads.csv (minflt, majflt: getrusage around each mmap access; the read syscalls have none)", shown)
plot for [j = 1:nc] minf using (i = int($1) - 1, cat_x(methods, word(methods, i / nc + 1)) + off(j, nc) + (i % nc + 1 == j ? 0 : NaN)):(minf[int($1)] + 0.01) \
		with points lt j pt 7 ps 2 title "minor, ".cond_label(word(conds, j)), \
	for [j = 1:nc] majf using (i = int($1) - 1, cat_x(methods, word(methods, i / nc + 1)) + off(j, nc) + (i % nc + 1 == j ? 0 : NaN)):(majf[int($1)] + 0.01) \
		with points lt j pt 6 ps 2 title "major, ".cond_label(word(conds, j))
eval svg_too("mmap_faults")
