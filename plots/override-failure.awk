# E17 override-failure: per-read and per-run tables from reads.csv and
# kprobes.csv (the kprobes monitor), for plots/override-failure.gp.
#   awk -f plots/override-failure.awk -v perread=OUT1 -v perrun=OUT2 DIR/kprobes.csv DIR/reads.csv
# A run is (kernel, hook, file_kind, buf_size, iterations, rep). Time since
# attach: from the monitor's first row where copyout has a kprobe (the attach,
# 1 ms resolution); without one (fmod_ret: no kprobe) from the run's first read.
# perread: run,series,kernel,hook,buf_size,rep,iter,t_ms,mib,status,ok,kprobe_state,jmp
# perrun:  run,series,kernel,hook,buf_size,rep,reads,ok,copied,other,first_failed_iter,
#          first_failed_ms,first_failed_mib,optimized_at_ms,jmp_at_ms,probe,sysctl
# kprobe_state / optimized_at_ms: the kprobes list's [OPTIMIZED] flag, which the
# kernel sets when it queues the probe for the optimizer (kernel/kprobes.c
# optimize_kprobe), i.e. at arming; jmp / jmp_at_ms: the probe really was a jump
# when it fired for that read (flag COB_EV_KPROBE_JMP, set by the BPF program
# from copyout's first byte): the moment the optimizer installed it.
# hexval("0x83") = 131 (flags are hex; no strtonum in mawk/busybox awk)
function hexval(s,   i, v) { v = 0; s = tolower(s); sub(/^0x/, "", s)
	for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v }
# COB_EV_KPROBE_JMP (bpf/copyout_hook.h): the probe was a jump (optimized) for this read
function jmp(f) { return int(hexval(f) / 128) % 2 }
BEGIN { FS = OFS = ","; print "run", "series", "kernel", "hook", "buf_size", "rep", "iter", "t_ms", "mib", "status", "ok", "kprobe_state", "jmp" > perread }
function bytes(s,   n, u) {
	n = s + 0; u = toupper(substr(s, length(s)))
	return u == "K" ? n * 1024 : u == "M" ? n * 1048576 : u == "G" ? n * 1073741824 : n
}
# reads.csv names the backend (auto already resolved), kprobes.csv the hook axis
function key(   k) { return $(c["kernel"]) "|" $(c[("hook" in c) ? "hook" : "backend"]) "|" $(c["file_kind"]) "|" bytes($(c["buf_size"])) "|" $(c["iterations"]) "|" $(c["rep"]) }
FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; file++
	if (file == 1 && FILENAME ~ /reads\.csv$/) file = 2 # no kprobes.csv
	next }
file == 1 { # kprobes.csv: state changes
	k = key(); n = ++nst[k]; st_t[k, n] = $(c["t_ns"]); st_s[k, n] = $(c["state"])
	if (!(k in attach) && $(c["state"]) != "absent" && $(c["state"]) != "unknown" && $(c["state"]) != "disabled") { attach[k] = $(c["t_ns"]); probe[k] = $(c["state"]) }
	if ($(c["state"]) == "optimized" && !(k in opt)) opt[k] = $(c["t_ns"])
	# the sysctl while the probe was there (kprobe-copyout-unopt: 0)
	if ($(c["state"]) != "absent" && $(c["state"]) != "disabled" && (!(k in sysc) || $(c["sysctl"]) < sysc[k])) sysc[k] = $(c["sysctl"])
	next
}
{ # reads.csv
	k = key()
	if (!(k in seen)) { seen[k] = 1; order[++nrun] = k; if (!(k in attach)) { attach[k] = $(c["t_start_ns"]); probe[k] = "none" } }
	t = $(c["t_start_ns"]); cum[k] += $(c["ret"]) > 0 ? $(c["ret"]) : 0
	s = "n/a"
	for (j = 1; j <= nst[k]; j++) if (st_t[k, j] <= t) s = st_s[k, j]
	ok = $(c["status"]) == "ok"
	split(k, p, "|")
	series = p[2] " " (p[4] >= 1048576 ? p[4] / 1048576 "M" : p[4] / 1024 "K") " #" p[6]
	if (p[1] != kern1 && kern1 != "") multi = 1; if (kern1 == "") kern1 = p[1]
	if (multi) series = series " " p[1]
	# iterations in the label when they vary (iterations-thesis): per run, from the last row
	if (p[5] != it1 && it1 != "") multit = 1; if (it1 == "") it1 = p[5]
	name[k] = series; iters[k] = p[5]
	j = jmp($(c["flags"])); if (j && !(k in jat)) jat[k] = (t - attach[k]) / 1e6
	print nrun, series, p[1], p[2], p[4], p[6], $(c["iter"]), (t - attach[k]) / 1e6, cum[k] / 1048576, $(c["status"]), ok, s, j > perread
	reads[k]++; nok[k] += ok; ncop[k] += $(c["status"]) == "copied"
	if (!ok && !(k in ff)) { ff[k] = $(c["iter"]); ffms[k] = (t - attach[k]) / 1e6; ffmib[k] = cum[k] / 1048576 }
}
END {
	print "run", "series", "kernel", "hook", "buf_size", "rep", "reads", "ok", "copied", "other", "first_failed_iter", "first_failed_ms", "first_failed_mib", "optimized_at_ms", "jmp_at_ms", "probe", "sysctl" > perrun
	for (i = 1; i <= nrun; i++) {
		k = order[i]; split(k, p, "|")
		lab = name[k]; if (multit) sub(/ #/, " x" iters[k] " #", lab)
		print i, lab, p[1], p[2], p[4], p[6], reads[k], nok[k], ncop[k], reads[k] - nok[k] - ncop[k], \
			(k in ff) ? ff[k] : "", (k in ff) ? sprintf("%.3f", ffms[k]) : "", (k in ff) ? sprintf("%.3f", ffmib[k]) : "", \
			(k in opt) ? sprintf("%.3f", (opt[k] - attach[k]) / 1e6) : "", (k in jat) ? sprintf("%.3f", jat[k]) : "", probe[k], (k in sysc) ? sysc[k] : "" > perrun
	}
}
