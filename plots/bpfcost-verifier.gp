# E12 verifier and JIT cost vs program size, two panels:
#   (a) time to load one program: the whole bpf_prog_load(), the verifier's own
#       time, and the difference (JIT and the rest of the load), log-log
#   (b) what the verifier walked (processed insns) and the JIT's output size
#   gnuplot -e "results='DIR'" plots/bpfcost-verifier.gp  -> DIR/bpfcost-verifier.{png,svg}
# Reads DIR/verifier.csv (cob-bpfcost verifier): one row per load, shapes alu
# (straight line) and branch (a helper call and a conditional jump every 4 insns).
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
csvname = "verifier.csv"
load plotdir."/bpfcost.gp"

sel(s) = (strcol("shape") eq s) ? column("insns") : NaN
fig = "bpfcost-verifier"
eval footnote("points: each load; lines: the median per size; a size a shape could not load at is listed in meta.json (skipped)")
do for [ext in "png svg"] {
	eval term(ext)
	set output out(ext)
	set multiplot layout 1,2 title sprintf("E12: verifier and JIT cost vs program size (generated programs)\n%s", prov)
	set logscale xy 10
	set xlabel "program size (BPF instructions)"
	set format x "%g"
	set format y "%g"
	set key top left
	set title "(a) time per load"
	set key bottom right font ",10"
	set ylabel "ms"
	plot for [s in "alu branch"] data using (sel(s)):(column("load_ns") / 1e6) with points lt (s eq "alu" ? 1 : 2) pt 7 title s.": bpf_prog_load()", \
		for [s in "alu branch"] med("shape", s, "insns", "load_ns") using 1:($2 / 1e6) with lines lt (s eq "alu" ? 1 : 2) notitle, \
		for [s in "alu branch"] data using (sel(s)):(column("verify_ns") / 1e6) with points lt (s eq "alu" ? 3 : 4) pt 6 title s.": verification (log stats)", \
		for [s in "alu branch"] data using (sel(s)):(column("load_minus_verify_ns") / 1e6) with points lt (s eq "alu" ? 5 : 6) pt 2 title s.": load - verification (JIT and the rest)", \
		for [s in "alu branch"] med("shape", s, "insns", "load_minus_verify_ns") using 1:($2 / 1e6) with lines lt (s eq "alu" ? 5 : 6) dt 2 notitle
	set title "(b) instructions processed by the verifier, JIT output"
	set key top left font ",10"
	set ylabel "instructions / bytes"
	plot for [s in "alu branch"] data using (sel(s)):"verified_insns" with linespoints lt (s eq "alu" ? 1 : 2) pt 7 title s.": verified insns", \
		for [s in "alu branch"] data using (sel(s)):"jited_bytes" with linespoints lt (s eq "alu" ? 3 : 4) pt 4 title s.": JITed bytes", \
		x with lines lt 7 dt 3 title "y = program size"
	unset multiplot
	unset output
}
