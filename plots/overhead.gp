# Overhead: what each hook backend adds to a read(), against no hook (none).
#   gnuplot -e "results='DIR'" plots/overhead.gp
# Reads DIR/overhead.csv (cob-sweep, report = overhead: one row per backend,
# the baseline none with empty overhead columns), writes
#   DIR/overhead.png   extra ns per read per backend, two panels: above the difference of means
#   (and .svg)         with its Welch 95 % CI; below the difference of medians stacked as the hook
#                      mechanisms a read hits (mechanism_ns, measured in the same run) and the
#                      suite's bookkeeping (the rest); a backend whose mechanism the kernel
#                      refused (or that was not measured) gets the median only, with the reason
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"   # terminal, colours, provenance of summary.csv (exper, kernel, where, ...)

data = results."/overhead.csv"
# one bar per backend (and buffer size / function when they vary), in file order
bufs = " "; funcs = " "
base_mean = NaN; base_median = NaN; base_n = 0; nbase = 0
stats data using (b = strcol("backend"), kernel = strcol("kernel"), where = strcol("where"), \
	bufs = bufs.(strstrt(bufs, " ".strcol("buf_size")." ") ? "" : strcol("buf_size")." "), \
	funcs = funcs.(strstrt(funcs, " ".strcol("function")." ") ? "" : strcol("function")." "), \
	(b eq "none") ? (base_mean = column("lat_mean_ns"), base_median = column("lat_median_ns"), \
		base_n = column("n"), nbase = nbase + 1) : 0, 0) nooutput
bar_label(b, buf, fn) = b.(words(bufs) > 1 ? "\n".human(buf) : "").(words(funcs) > 1 ? "\n".fn : "")
# bar i is the i-th row that is not the baseline: a counter, reset before each use
bar = 0
next_bar(b) = (b ne "none") ? (bar = bar + 1, bar) : NaN
tics = ""
stats data using (next_bar(strcol("backend")) == bar ? (tics = tics.(bar > 1 ? ", " : "") \
	.sprintf("\"%s\" %d", bar_label(strcol("backend"), column("buf_size"), strcol("function")), bar)) : 0, 0) nooutput
nbars = bar
if (nbars == 0) { print "no hook backend in ".data; exit error "nothing to plot" }

# Two panels, drawn once per format: means with their CI above; below the
# medians split into mechanism and bookkeeping (in a TCG guest the means carry
# long tails tens of times the medians: one axis would hide the split).
top_title = sprintf("%s: extra time per read() with each hook backend vs no hook\n%s, kernel %s: %s%s mode, function %s, cache=%s, %d repetition%s", \
	exper, where, kernel, words(bufs) == 1 ? human(word(bufs, 1) + 0)." reads, " : "", mode, \
	words(funcs) == 1 ? word(funcs, 1) : "per bar", cache, reps, reps == 1 ? "" : "s")
if (nbase == 1) {
	xl = sprintf("hook backend (baseline none: mean %.0f ns, median %.0f ns per read over %d reads)", \
		base_mean, base_median, base_n)
} else {
	xl = sprintf("hook backend (against the none run of the same %s; their latencies: lat_mean_ns in overhead.csv)", \
		words(bufs) > 1 ? (words(funcs) > 1 ? "buffer size and function" : "buffer size") : "function")
}
# multi-line tic labels: move the x label below them
extra = (words(bufs) > 1) + (words(funcs) > 1)
set xrange [0.4:nbars + 0.6]
set yrange [*<0:0<*]   # autoscaled, 0 always in view (a cheap hook can come out below 0)
set xzeroaxis lt -1
eval "set xtics (".tics.")"
set xtics scale 0 nomirror
set grid noxtics ytics
set style fill solid 0.75 border -1
set key inside top left horizontal
set offsets 0, 0, graph 0.4, 0   # room above the tallest bar for its label and the key
w = 0.5
split_ok(b) = b ne "none" && strcol("mechanism_state") eq "measured"
do for [fmt in "png svg"] {
	t = (fmt eq "png" ? png_terminal : svg_terminal)
	eval t[1:strstrt(t, "size 1200,700") - 1]."size 1200,1000".t[strstrt(t, "size 1200,700") + 13:]
	set output output("overhead.".fmt)
	set multiplot layout 2, 1 title top_title
	unset label 99
	set xlabel ""
	set bmargin 2 + extra
	set ylabel "hooked mean - none mean (ns)"
	plot bar = 0, data using (x = next_bar(strcol("backend"))):(0):(x - w / 2):(x + w / 2):(0):"overhead_mean_ns" \
			with boxxyerror lt 1 lw 1 fs solid 0.75 title "difference of means", \
		bar = 0, '' using (next_bar(strcol("backend"))):"overhead_mean_ns":"overhead_ci95_ns" \
			with yerrorbars lt -1 pt 0 lw 1.5 title "its 95 % CI (Welch, per-read latencies of all repetitions)", \
		bar = 0, '' using (next_bar(strcol("backend"))):(column("overhead_mean_ns") + column("overhead_ci95_ns")):(sprintf("%+.0f ± %.0f ns", column("overhead_mean_ns"), column("overhead_ci95_ns"))) \
			with labels offset 0, 1 font ",9" notitle
	set xlabel xl offset 0, -extra
	set bmargin 5 + extra
	set ylabel "hooked median - none median (ns)"
	set label 99 "data: overhead.csv (mechanism_state: why a split is missing), trigger/trigger.csv (the mechanisms, measured in the same run); compare only within one run" \
		at screen 0.01, 0.012 font ",8" tc rgb "#777777"
	plot bar = 0, data using (x = next_bar(b = strcol("backend")), split_ok(b) ? x : NaN):(0):(x - w / 2):(x + w / 2):(0):"mechanism_ns" \
			with boxxyerror lt 3 fs solid 0.85 title "hook mechanisms: hits per read x cost per hit (bench trigger)", \
		bar = 0, '' using (x = next_bar(b = strcol("backend")), split_ok(b) ? x : NaN):(0):(x - w / 2):(x + w / 2):"mechanism_ns":"overhead_median_ns" \
			with boxxyerror lt 2 fs pattern 4 title "the suite's bookkeeping (the rest)", \
		bar = 0, '' using (next_bar(strcol("backend"))):"overhead_median_ns" \
			with points lt 4 pt 2 ps 2.5 lw 2 title "difference of medians", \
		bar = 0, '' using (x = next_bar(b = strcol("backend")), b ne "none" ? x : NaN):"overhead_median_ns":(split_ok(b) ? sprintf("%s\nmech %.0f, book %+.0f", strcol("hooks_per_read"), column("mechanism_ns"), column("bookkeeping_ns")) : (strstrt(strcol("mechanism_state"), "refused") ? "mechanism refused\nby the kernel" : "mechanism\nnot measured")) \
			with labels offset 0, 1.6 font ",9" notitle
	unset multiplot
	unset output
}
