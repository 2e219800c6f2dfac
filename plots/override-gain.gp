# E14 override gain: read latency with override vs a plain read, per read size.
#   gnuplot -e "results='DIR'" plots/override-gain.gp
# Reads DIR/overhead.csv (report = overhead: one row per backend and read size,
# the baseline none with empty overhead columns), writes
#   DIR/override_latency.png/.svg  mean read() latency vs read size: none (the copy happens) and
#                                  each override backend (the copy is skipped, the function runs)
#   DIR/override_gain.png/.svg     time gained per read = none mean - override mean, Welch 95 % CI
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

data = results."/overhead.csv"
backends = " "
stats data using (b = strcol("backend"), kernel = strcol("kernel"), where = strcol("where"), \
	backends = backends.(strstrt(backends, " ".b." ") ? "" : b." "), 0) nooutput
nb = words(backends)
if (nb < 2 || word(backends, 1) ne "none") { print "no none row or no override backend in ".data; exit error "nothing to plot" }
stats data using "buf_size" nooutput
xlo = STATS_min / 2.0; xhi = STATS_max * 2.0
# one backend's rows (a skipped row would break its line)
rows(b) = sprintf("< awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == \"backend\") k = i } NR == 1 || $k == \"%s\"' '%s'", b, data)
sub = sprintf("%s, kernel %s, mode %s, function %s, cache=%s, %d repetition%s; file = one read", \
	where, kernel, mode, func, cache, reps, reps == 1 ? "" : "s")
note = "data: overhead.csv; fmodret-copyout override stops the read after its first copyout (-EFAULT): its rows cover one page, not the read size; guest-TCG and host numbers compare only within one run"
bdodge(i) = 10 ** (0.015 * (i - (nb + 1) / 2.0))

set terminal pngcairo size 1200,850 noenhanced font "DejaVu Sans,12" linewidth 1.5
set logscale x 2
set xrange [xlo:xhi]
set format x "%.0b%B"
set xlabel "read size (bytes per read(), log scale; the file is that size)"
set key outside top center horizontal maxcols 2 font ",10"
set label 99 note at screen 0.01, 0.015 font ",8" tc rgb "#777777"

do for [fmt in "png svg"] {
	if (fmt eq "svg") { set terminal svg size 1200,850 noenhanced font "DejaVu Sans,12" dynamic }
	set output output("override_latency.".fmt)
	set title sprintf("%s: read() latency with override vs a plain read (none)\n%s", exper, sub)
	set logscale y 10
	set ylabel "mean read() latency (µs, log scale)"
	set yrange [*:*]
	unset xzeroaxis
	plot for [i = 1:nb] rows(word(backends, i)) using (column("buf_size") * bdodge(i)):(column("lat_mean_ns") / 1000) \
		with linespoints lt i lw 2 title (word(backends, i) eq "none" ? "none (plain read, no hook)" : word(backends, i)." override")
	unset output

	set output output("override_gain.".fmt)
	set title sprintf("%s: time gained per read by override (none mean - override mean)\n%s", exper, sub)
	unset logscale y
	set ylabel "time gained per read (µs; below 0: override is slower)"
	set yrange [*<0:0<*]
	set xzeroaxis lt -1
	plot for [i = 2:nb] rows(word(backends, i)) using (column("buf_size") * bdodge(i)):(-column("overhead_mean_ns") / 1000):(column("overhead_ci95_ns") / 1000) \
		with yerrorlines lt i lw 2 title word(backends, i)." override: difference of means, 95 % CI (Welch)", \
		for [i = 2:nb] rows(word(backends, i)) using (column("buf_size") * bdodge(i)):(-column("overhead_median_ns") / 1000) \
		with points lt i pt 2 ps 2 title word(backends, i)." override: difference of medians"
	unset output
}
