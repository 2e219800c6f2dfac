# E16 iostat: what the block device did during every run.
#   gnuplot -e "results='DIR'" plots/iostat.gp
# Reads DIR/summary.csv, DIR/iostat.csv, DIR/diskstats.csv and, when the
# monitor ran, DIR/biolatency.csv; writes (PNG and SVG)
#   DIR/iostat_over_time.*   r/s, rkB/s, r_await and %util of the busiest device,
#                            iostat's 1 s reports, against seconds since the sweep's first report
#   DIR/iostat_per_run.*     MiB read and read requests of that device per run (/proc/diskstats change)
#   DIR/iostat_biolatency.*  block I/O latency histogram per run (libbpf-tools biolatency)
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

io = results."/iostat.csv"; ds = results."/diskstats.csv"; bl = results."/biolatency.csv"
has(f) = system("test -s '".f."' && awk 'NR == 2 { exit 0 } END { exit NR < 2 }' '".f."' && echo 1 || echo 0") + 0

# the device that read the most in any run: the one the sweep's reads went to
dev = ""; best = -1
if (has(ds)) {
	stats ds using (column("sectors_read") > best ? (best = column("sectors_read"), dev = strcol("device")) : 0, 0) nooutput
}
# the runs, in order, each "N" with its label
runs = " "
stats summary using 0 nooutput
run_label(r) = r
if (has(ds)) {
	stats ds using (runs = add_word(runs, strcol("run")), 0) nooutput
	labels = ""
	stats ds using (strcol("device") eq dev ? (labels = labels.sprintf("|%s:run %s: cache=%s, %s x %s", strcol("run"), strcol("run"), \
		strcol("cache"), strcol("iterations"), human(column("buf_size")))) : 0, 0) nooutput
	run_label(r) = (p_ = strstrt(labels, "|".r.":"), p_ == 0 ? "run ".r : \
		(rest_ = labels[p_ + strlen(r) + 2:], strstrt(rest_, "|") ? rest_[1:strstrt(rest_, "|") - 1] : rest_))
}
nruns = words(runs)
unset label 99
where_line = sprintf("%s\ndevice %s (the one that read most)", short_subtitle, dev eq "" ? "-" : dev)

if (has(io)) {
	tfmt = "%Y-%m-%dT%H:%M:%S"
	stats io using (strcol("sample") eq "interval" ? strptime(tfmt, strcol("time")[1:19]) : NaN) nooutput
	t0 = STATS_min
	set output output("iostat_over_time.png")
	set multiplot layout 2, 2 title sprintf("%s: the device during the sweep (iostat -dxyt 1)\n%s", exper, where_line)
	set key off
	set xlabel "seconds since the sweep's first iostat report"
	x(r) = (strcol("sample") eq "interval" && strcol("device") eq dev && strcol("run") eq r) ? strptime(tfmt, strcol("time")[1:19]) - t0 : NaN
	do for [panel in "r_s rkB_s r_await util"] {
		set ylabel panel eq "r_s" ? "reads per second (r/s)" : panel eq "rkB_s" ? "KiB read per second (rkB/s)" : \
			panel eq "r_await" ? "mean read wait (ms, r_await)" : "device busy (%util)"
		if (panel eq "util") { set key outside right top vertical font ",9" }
		plot for [j = 1:nruns] io using (x(word(runs, j))):(column(panel)) with linespoints lt j title run_label(word(runs, j))
		set key off
	}
	unset multiplot
	eval "set terminal svg size 1200,700 noenhanced font \"DejaVu Sans,12\" dynamic linewidth 1.5; set output '".output("iostat_over_time.svg")."'"
	set multiplot layout 2, 2 title sprintf("%s: the device during the sweep (iostat -dxyt 1)\n%s", exper, where_line)
	do for [panel in "r_s rkB_s r_await util"] {
		set ylabel panel eq "r_s" ? "reads per second (r/s)" : panel eq "rkB_s" ? "KiB read per second (rkB/s)" : \
			panel eq "r_await" ? "mean read wait (ms, r_await)" : "device busy (%util)"
		if (panel eq "util") { set key outside right top vertical font ",9" }
		plot for [j = 1:nruns] io using (x(word(runs, j))):(column(panel)) with linespoints lt j title run_label(word(runs, j))
		set key off
	}
	unset multiplot
	unset output
	eval png_terminal
	set key box opaque
}

if (has(ds)) {
	set output output("iostat_per_run.png")
	set title sprintf("%s: what the device read per run (/proc/diskstats, change over the run)\n%s", exper, where_line)
	set xlabel "run (the run column of reads.csv and every monitor CSV)"
	set ylabel "MiB read"
	set y2label "read requests"
	set y2tics
	set ytics nomirror
	set xrange [0.4:nruns + 0.6]
	set yrange [0:*]; set y2range [0:*]
	set xtics 1
	set key outside right top vertical font ",12"
	set boxwidth 0.35
	set style fill solid 0.6
	set label 99 sprintf("data: %s/diskstats.csv (system-wide: other I/O on the device counts too)", shown) \
		at screen 0.01, 0.015 font ",8" tc rgb "#777777"
	plot ds using (strcol("device") eq dev ? column("run") - 0.18 : NaN):(column("sectors_read") * 512 / 1048576.0) \
			with boxes lt 1 title "MiB read (sectors_read x 512 B)", \
		ds using (strcol("device") eq dev ? column("run") + 0.18 : NaN):(column("reads")) axes x1y2 \
			with boxes lt 2 title "read requests (reads)"
	eval svg_too("iostat_per_run")
	unset y2label; unset y2tics; set ytics mirror; unset label 99; set style fill empty
}

if (has(bl)) {
	set output output("iostat_biolatency.png")
	set title sprintf("%s: block I/O latency per run (libbpf-tools biolatency, all devices)\n%s", exper, short_subtitle)
	set xlabel "block I/O latency (µs, log2 buckets: low edge)"
	set ylabel "I/O requests"
	set logscale x 2
	set xrange [*:*]; set yrange [0:*]
	set xtics auto
	set format x "%g"
	set key outside right top vertical font ",12"
	set label 99 sprintf("data: %s/biolatency.csv", shown) at screen 0.01, 0.015 font ",8" tc rgb "#777777"
	plot for [j = 1:nruns] bl using (strcol("run") eq word(runs, j) ? column("low") + 0.5 : NaN):(column("count")) \
		with linespoints lt j title run_label(word(runs, j))
	eval svg_too("iostat_biolatency")
}
