# E5 readahead: do readahead and cache hints change success and latency?
#   gnuplot -e "results='DIR'" plots/readahead.gp
# Reads DIR/summary.csv (one row per hint x iterations) and, when the vmstat
# monitor ran, DIR/vmstat.csv; writes (PNG and SVG)
#   DIR/readahead_success.*   success rate per hint, one series per iterations value
#   DIR/readahead_latency.*   median read() latency per hint (bars: min to max)
#   DIR/readahead_pgpgin.*    KiB the kernel read in from the device per run (vmstat pgpgin), per hint
#   DIR/readahead_pages.*     pages read ahead per run and those never accessed, per hint (the
#                             readahead monitor, where it ran: readahead.csv)
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

hints = " "; iters = " "
stats summary using (hints = add_word(hints, strcol("cache")), iters = add_word(iters, strcol("iterations")), \
	fsz = column("file_size"), bsz = column("buf_size"), 0) nooutput
nh = words(hints); ni = words(iters)
xt = ""
do for [i = 1:nh] { xt = xt.sprintf("%s\"%s\" %d", i > 1 ? ", " : "", word(hints, i), i) }
eval "set xtics (".xt.") rotate by -30 left"
set xrange [0.4:nh + 0.6]
set xlabel "cache hint before every read (cob-read --cache)"
set grid noxtics
unset label 99
set label 99 sprintf("data: %s/summary.csv; a %s file, %s reads, sequential walk; series offset along x", \
	shown, human(fsz), human(bsz)) at screen 0.01, 0.015 font ",8" tc rgb "#777777"
off(i) = (i - (ni + 1) / 2.0) * 0.12
set key outside right top vertical title "iterations"
set bmargin 8

metric = (mode eq "override") ? "ok_rate" : "success_rate"
what = (mode eq "override") ? "override success (%): status ok" : "success rate (%): BPF result = reference"
set output output("readahead_success.png")
set title sprintf("%s: success rate per readahead / cache hint\n%s", exper, short_subtitle)
set ylabel what
set yrange [-3:105]
plot for [j = 1:ni] summary using (strcol("iterations") eq word(iters, j) ? cat_x(hints, strcol("cache")) + off(j) : NaN):(100 * column(metric)) \
	with points lt j ps 2 title word(iters, j)
eval svg_too("readahead_success")

set output output("readahead_latency.png")
set title sprintf("%s: read() latency per readahead / cache hint (median, bars: min to max)\n%s", exper, short_subtitle)
set ylabel "read() latency (µs, log scale)"
set yrange [*:*]
set logscale y 10
set format y "%g"
plot for [j = 1:ni] summary using (strcol("iterations") eq word(iters, j) ? cat_x(hints, strcol("cache")) + off(j) : NaN):(column("lat_median_ns") / 1000):(column("lat_min_ns") / 1000):(column("lat_max_ns") / 1000) \
	with yerrorbars lt j ps 2 title word(iters, j)
eval svg_too("readahead_latency")

vm = results."/vmstat.csv"
# pgpgin needs CONFIG_VM_EVENT_COUNTERS (the thesis kernel has none): no graph then
if (system("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"counter\") c = i } c && $c == \"pgpgin\" { f = 1; exit } END { print f + 0 }' '".vm."' 2>/dev/null") + 0 == 0) {
	print "no pgpgin in ".vm." (no vmstat monitor, or a kernel without VM event counters): no readahead_pgpgin graph"
} else {
	set output output("readahead_pgpgin.png")
	set title sprintf("%s: data the kernel read in from the device per run, per hint (vmstat pgpgin)\n%s", exper, short_subtitle)
	set ylabel "read in per run (KiB, log scale)"
	set label 99 sprintf("data: %s/vmstat.csv (monitor vmstat: /proc/vmstat at the start and end of each run; system-wide, other I/O included)", shown)
	plot for [j = 1:ni] vm using (strcol("counter") eq "pgpgin" && strcol("iterations") eq word(iters, j) ? cat_x(hints, strcol("cache")) + off(j) : NaN):(column("delta") + 1) \
		with points lt j ps 2 title word(iters, j)
	eval svg_too("readahead_pgpgin")
}

ra = results."/readahead.csv"
# the readahead monitor (libbpf-tools readahead, or cob-readahead): where the
# kernel refused both there is no readahead.csv, and no graph
ra_tool = system("awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next } $h[\"what\"] == \"readahead_pages\" { print $h[\"tool\"]; exit }' '".ra."' 2>/dev/null")
if (strlen(ra_tool) == 0) {
	print "no readahead_pages rows in ".ra." (readahead monitor not run or refused): no readahead_pages graph"
} else {
	set output output("readahead_pages.png")
	set title sprintf("%s: pages read ahead per run, per hint (filled), and of those never accessed (open)\n%s", exper, short_subtitle)
	set ylabel "pages per run + 1 (log scale)"
	set label 99 sprintf("data: %s/readahead.csv (monitor readahead, by %s: pages allocated by readahead during the run, system-wide)", shown, ra_tool)
	plot for [j = 1:ni] ra using (strcol("what") eq "readahead_pages" && strcol("iterations") eq word(iters, j) ? cat_x(hints, strcol("cache")) + off(j) : NaN):(column("count") + 1) \
		with points lt j pt 7 ps 2 title word(iters, j), \
		for [j = 1:ni] ra using (strcol("what") eq "readahead_unused" && strcol("iterations") eq word(iters, j) ? cat_x(hints, strcol("cache")) + off(j) : NaN):(column("count") + 1) \
		with points lt j pt 6 ps 2 notitle
	eval svg_too("readahead_pages")
}
