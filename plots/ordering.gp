# E4 ordering: when does the data hook run, relative to the read() as user
# space sees it and to the syscall's entry and exit?
#   gnuplot -e "results='DIR'" plots/ordering.gp
# Derives DIR/ordering.csv (plots/ordering.awk: the median of each stamp after
# t_start_ns per backend and buffer size) and writes
#   DIR/ordering_timeline.{png,svg}  one row per backend and buffer size: the
#       median stamps on one time line (µs after the user-space start)
#   DIR/ordering_per_read.{png,svg}  per read: where the hook's first entry lies
#       inside the syscall, (hook - enter) / (exit - enter): 0 at entry, 1 at exit
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/common.gp"
unset label 99 # common.gp's data note names its own series and offsets, not these

ord = results."/ordering.csv"
reads = results."/reads.csv"
rc = system(sprintf("awk -f '%s/ordering.awk' -v out='%s' '%s' && echo ok", plotdir, ord, reads))
if (rc ne "ok") { exit error "ordering.awk failed" }

sers = " "; labs = ""
stats ord using (sers = add_word(sers, strcol("backend")."|".strcol("buf_size")), 0) nooutput
nsers = words(sers)
pretty(k) = sprintf("%s, %s buffer", field(k, 1), human(field(k, 2) + 0))
sub = sprintf("%s, kernel %s, %s mode, %s, %d repetition%s per point, medians over every read", \
	where, kernel, mode, func, reps, reps == 1 ? "" : "s")
set label 98 "data: ".shown."/reads.csv (CLOCK_MONOTONIC: t_start/t_end in user space, the rest bpf_ktime_get_ns)" \
	at screen 0.01, 0.015 font ",8" tc rgb "#777777"
stamp_name(o) = word("syscall-entry hook-first-entry hook-last-exit syscall-exit user-end", o)

do for [ext in "png svg"] {
	eval term(ext)
	set output output("ordering_timeline.".ext)
	set title sprintf("%s: stamps of a read() on one time line (median after the user-space start)\n%s", exper, sub)
	set xlabel "µs after the user-space clock_gettime before read() (log scale)"
	set ylabel ""
	set logscale x 10
	set format x "%g"
	set ytics () ; set ytics nomirror
	do for [n = 1:nsers] { set ytics add (pretty(word(sers, n)) n) }
	set yrange [0.5:nsers + 0.5]
	set lmargin 28
	set key outside right top vertical title "stamp"
	plot for [o = 1:5] ord using (column("order") == o ? (column("median_us") > 0.001 ? column("median_us") : 0.001) : NaN): \
		(cat_x(sers, strcol("backend")."|".strcol("buf_size"))) with points lt o ps 2 title stamp_name(o)
	unset logscale x
	set format x "% h"
	set ytics autofreq
	set yrange [*:*]
	set lmargin
	set output output("ordering_per_read.".ext)
	set title sprintf("%s: where the data hook first runs inside the read() syscall, per read\n%s", exper, sub)
	set xlabel "read number in the run (iter)"
	set ylabel "(hook - syscall entry) / (syscall exit - entry): 0 = entry, 1 = exit"
	set yrange [-0.05:1.1]
	set key outside right top vertical title "backend, buffer"
	plot for [n = 1:nsers] reads using \
		((strcol("backend")."|".strcol("buf_size") eq word(sers, n) && column("hook_ts_ns") > 0 && column("exit_ts_ns") > column("enter_ts_ns")) ? column("iter") : NaN): \
		((column("hook_ts_ns") - column("enter_ts_ns")) / (column("exit_ts_ns") - column("enter_ts_ns"))) \
		with points lt n pt 7 ps 0.6 title pretty(word(sers, n))
	set yrange [*:*]
}
unset output
