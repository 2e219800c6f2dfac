# E15 filter-reduce: eBPF vs user space.
#   gnuplot -e "results='DIR'" plots/filter-reduce.gp
# Derives DIR/filter_reduce.csv from DIR/reads.csv (plots/filter-reduce.awk: one
# row per threshold, read size and BPF backend; columns there), writes
#   DIR/fr_breakdown_BACKEND_ffN.png/.svg  per filter fraction N: for each read size a stacked
#       eBPF bar (native read, load = probe_read copies, BPF exec = parser, other = hook
#       mechanism) next to a user-space bar (native read, user filter), ms per read
#   DIR/fr_ratio.png/.svg       user-space / eBPF time per read vs read size, one line per backend
#       and filter fraction, 95 % CI over repetitions
#   DIR/fr_throughput.png/.svg  bytes/ns of the user filter, the BPF filter (load + exec) and
#       the BPF parser alone vs read size
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"

table = results."/filter_reduce.csv"
rc = system(sprintf("awk -f '%s/filter-reduce.awk' '%s/reads.csv' > '%s.tmp' && mv '%s.tmp' '%s' && echo ok", \
	plotdir, results, table, table, table))
if (rc ne "ok") { exit error "filter-reduce.awk failed" }

backends = " "; ffs = " "; sizes = " "
stats table using (b = strcol("backend"), f = strcol("ff"), z = strcol("buf_size"), \
	backends = backends.(strstrt(backends, " ".b." ") ? "" : b." "), \
	ffs = ffs.(strstrt(ffs, " ".f." ") ? "" : f." "), \
	sizes = sizes.(strstrt(sizes, " ".z." ") ? "" : z." "), 0) nooutput
nb = words(backends); nff = words(ffs); nsz = words(sizes)
if (nb == 0) { print "no BPF backend with a none baseline in ".table; exit error "nothing to plot" }
# rows of one backend (and filter fraction), sorted by read size
rows(b, f) = sprintf("< awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next } $c[\"backend\"] == \"%s\" && (\"%s\" == \"\" || $c[\"ff\"] == \"%s\")' '%s' | sort -t, -k10,10n -s", b, f, f, table)
sub = sprintf("%s, kernel %s, observe mode, %s file, cache=%s, reps per point: %d", where, kernel, "known", cache, reps)
note = "data: filter_reduce.csv (from reads.csv); means over repetitions, each against the none run of the same repetition; guest-TCG and host numbers compare only within one run"
set label 99 note at screen 0.01, 0.015 font ",8" tc rgb "#777777"
ms(ns) = ns / 1e6

do for [fmt in "png svg"] {
	if (fmt eq "png") { set terminal pngcairo size 1200,750 noenhanced font "DejaVu Sans,12" linewidth 1.5 }
	if (fmt eq "svg") { set terminal svg size 1200,750 noenhanced font "DejaVu Sans,12" dynamic }

	# --- stacked breakdown, one graph per backend and filter fraction
	unset logscale
	set style fill solid 0.8 border -1
	set boxwidth 0.35
	set xrange [0.4:nsz + 0.6]
	set yrange [0:*]
	set xlabel "read size (one read() of the whole file); left bar eBPF, right bar user space"
	set ylabel "time per read (ms)"
	set key outside top center horizontal font ",10"
	tics = ""
	do for [j = 1:nsz] { tics = tics.(j > 1 ? ", " : "").sprintf("\"%s\" %d", human(word(sizes, j) + 0), j) }
	eval "set xtics (".tics.")"
	set xtics scale 0
	pos(z) = (p = 0, sum [j = 1:nsz] (word(sizes, j) + 0 == z ? j : 0))
	do for [bi = 1:nb] {
		do for [fi = 1:nff] {
			b = word(backends, bi); f = word(ffs, fi)
			set output output(sprintf("fr_breakdown_%s_ff%s.%s", b, f, fmt))
			set title sprintf("%s: eBPF (%s) vs user-space filter-reduce, %s %% filtered out\n%s", exper, b, f, sub)
			plot rows(b, f) using (pos(column("buf_size")) - 0.2):(ms(column("native_ns") + column("load_ns") + column("exec_ns") + (column("other_ns") > 0 ? column("other_ns") : 0))) with boxes lt 7 fs solid 0.25 title "other (hook mechanism, bookkeeping)", \
				'' using (pos(column("buf_size")) - 0.2):(ms(column("native_ns") + column("load_ns") + column("exec_ns"))) with boxes lt 4 title "BPF exec (parser)", \
				'' using (pos(column("buf_size")) - 0.2):(ms(column("native_ns") + column("load_ns"))) with boxes lt 2 title "load (probe_read into scratch)", \
				'' using (pos(column("buf_size")) - 0.2):(ms(column("native_ns"))) with boxes lt 1 title "native read", \
				'' using (pos(column("buf_size")) + 0.2):(ms(column("native_ns") + column("filter_ns"))) with boxes lt 3 title "user filter", \
				'' using (pos(column("buf_size")) + 0.2):(ms(column("native_ns"))) with boxes lt 1 notitle
			unset output
		}
	}
	unset xtics; set xtics autofreq; set xtics scale 1

	# --- ratio user / eBPF
	set logscale x 2
	stats table using "buf_size" nooutput
	set xrange [STATS_min / 2.0:STATS_max * 2.0]
	set format x "%.0b%B"
	set xlabel "read size (bytes, log scale)"
	set yrange [0:*]
	set ylabel "user space / eBPF time per read (above 1: eBPF faster)"
	set output output("fr_ratio.".fmt)
	set title sprintf("%s: user-space / eBPF time per read (native read + user filter) / (read with BPF filter)\n%s", exper, sub)
	set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lt 0 lw 2
	plot for [bi = 1:nb] for [fi = 1:nff] rows(word(backends, bi), word(ffs, fi)) \
		using (column("buf_size") * 10 ** (0.01 * fi)):"ratio":"ratio_ci95" with yerrorlines lt fi dt bi lw 1.5 \
		title sprintf("%s, %s %% filtered out (95 %% CI)", word(backends, bi), word(ffs, fi))
	unset output
	unset arrow 1

	# --- bytes per ns
	set logscale y 10
	set yrange [*:*]
	set ylabel "bytes per ns (log scale)"
	set output output("fr_throughput.".fmt)
	set title sprintf("%s: filter-reduce throughput, user space vs BPF (all filter fractions)\n%s", exper, sub)
	plot rows(word(backends, 1), "") using (column("buf_size")):"user_bytes_per_ns" smooth unique with linespoints lt 3 lw 2 title "user-space filter (mean over ff)", \
		for [bi = 1:nb] rows(word(backends, bi), "") using (column("buf_size")):"bpf_bytes_per_ns" smooth unique with linespoints lt 4 dt bi lw 2 title word(backends, bi).": BPF load + exec (mean over ff)", \
		for [bi = 1:nb] rows(word(backends, bi), "") using (column("buf_size")):"exec_bytes_per_ns" smooth unique with linespoints lt 2 dt bi lw 2 title word(backends, bi).": BPF exec alone (mean over ff)"
	unset output
	unset logscale
}
