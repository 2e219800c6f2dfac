# The invariants of an E14 (override-gain) or E15 (filter-reduce) results
# directory, for tests/bats/experiments_fr.bats (host) and
# tests/guest/parts/fr.sh (in the guests):
#   awk -f fr_checks.awk -v experiment=override-gain DIR/reads.csv DIR/overhead.csv
#   awk -f fr_checks.awk -v experiment=filter-reduce -v reps=R -v iters=I DIR/reads.csv DIR/filter_reduce.csv
# Every hooked read must match the reference: run E14 on one page (fmodret-copyout
# computes over its first copyout only). Prints one line per broken invariant and a last line "checked: ..."; exit 1
# when something is broken or a file has no rows.
function bad(msg) { nbad++; if (nbad <= 20) print FILENAME ":" FNR ": " msg }
BEGIN { FS = "," }
FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; file++
	if (file == 1) { n = split("backend mode status match ret buf_size user_fr_ns bpf_load_ns hook_ts_ns hook_exit_ts_ns bytes_seen", need, " ")
		for (i = 1; i <= n; i++) if (!(need[i] in c)) bad("no column " need[i]) }
	next }
function v(name) { return $(c[name]) }
# reads.csv: every read
file == 1 {
	rows++; b = v("backend")
	if (b == "none") {
		nnone++
		if (v("mode") != "observe") bad("none runs in mode " v("mode") ", want observe (the plain read)")
		if (v("status") != "no_hook") bad("none read has status " v("status"))
		if (v("ret") != v("buf_size")) bad("none read returned " v("ret") " of " v("buf_size"))
	} else {
		nhooked++; seen[b] = 1
		if (v("status") != "ok") bad(b " read has status " v("status"))
		if (v("match") != 1) bad(b " result differs from the user-space reference")
		if (experiment == "override-gain" && v("mode") != "override") bad(b " runs in mode " v("mode"))
		if (experiment == "filter-reduce") {
			span = v("hook_exit_ts_ns") - v("hook_ts_ns")
			if (v("bpf_load_ns") == "" || v("bpf_load_ns") < 0 || v("bpf_load_ns") > span)
				bad(b " bpf_load_ns " v("bpf_load_ns") " outside 0..hook span " span)
			if (v("bytes_seen") != v("ret")) bad(b " saw " v("bytes_seen") " bytes of " v("ret"))
		}
	}
	if (v("user_fr_ns") == "" || v("user_fr_ns") <= 0) bad("user_fr_ns " v("user_fr_ns") ", want > 0")
}
# overhead.csv (E14): the baseline none per read size, every backend against it
file == 2 && experiment == "override-gain" {
	out++
	if (v("backend") == "none") { if (v("overhead_mean_ns") != "") bad("none has an overhead") }
	else if (v("overhead_mean_ns") == "" || v("lat_mean_ns") <= 0) bad(v("backend") " has no overhead or latency")
}
# filter_reduce.csv (E15): one row per BPF backend and point
file == 2 && experiment == "filter-reduce" {
	out++
	if (v("reps") != reps) bad(v("backend") " threshold " v("threshold") ": " v("reps") " repetitions, want " reps)
	if (v("reads") != reps * iters || v("match") != v("reads")) bad("reads " v("reads") ", match " v("match") ", want " reps * iters)
	if (v("threshold") == 0 && v("ff") != 0) bad("threshold 0 filters out " v("ff") " %")
	if (v("threshold") == 100000 && v("ff") != 100) bad("threshold 100000 filters out " v("ff") " %")
	if (!(v("native_ns") > 0 && v("exec_ns") > 0 && v("load_ns") >= 0 && v("filter_ns") > 0 && v("ratio") > 0))
		bad("a time or the ratio is not positive")
	if (!(v("user_bytes_per_ns") > 0 && v("bpf_bytes_per_ns") > 0 && v("exec_bytes_per_ns") >= v("bpf_bytes_per_ns")))
		bad("bytes/ns: user " v("user_bytes_per_ns") ", bpf " v("bpf_bytes_per_ns") ", exec " v("exec_bytes_per_ns"))
	if (reps > 1 && v("ratio_ci95") == "") bad("no CI with " reps " repetitions")
}
END {
	if (!nnone) bad("no none read")
	if (!nhooked) bad("no hooked read")
	if (!out) bad("no row in the second file")
	nb = 0; for (b in seen) nb++
	printf "checked: %d reads (%d none, %d hooked by %d backend%s), %d result rows, %d broken\n", \
		rows, nnone, nhooked, nb, nb == 1 ? "" : "s", out, nbad
	exit nbad > 0
}
