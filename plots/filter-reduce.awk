# E15 filter-reduce: per point (threshold, read size, BPF backend) the time
# split and the user-space / eBPF ratio, from reads.csv, for plots/filter-reduce.gp.
#   awk -f plots/filter-reduce.awk DIR/reads.csv > filter_reduce.csv
# A run is (hook, threshold, buf_size, rep); its figures are the means over
# its reads. Per repetition r, against the none run of the same threshold,
# size and repetition (they ran back to back):
#   native  = none's read() latency (the copy, no hook)
#   load    = bpf_load_ns: time in the BPF program's probe_read copies into scratch
#   exec    = hook_exit_ts - hook_ts - load: the BPF parser (and its loop)
#   other   = the hooked read's latency - native - load - exec: the hook mechanism and
#             bookkeeping (noise can make it negative)
#   filter  = user_fr_ns: the user-space filter-reduce over the same bytes
#   ratio   = (native + filter) / hooked read latency: user space / eBPF, whole read
#   fratio  = filter / (load + exec): user-space filter / BPF filter, the function alone
# Each figure is the mean over repetitions; ratio and fratio with a 95 % CI
# (Student t over the per-repetition ratios). ff: % of the numbers filtered
# out (1 - count / count at threshold 0 of the same size, when the grid has it).
# bytes/ns: read size / time, for the user filter, the BPF filter (load +
# exec) and the BPF parser alone (exec): from the means, and (best_*) from
# the fastest read of the point, which a busy machine's preemptions do not
# inflate (the user filter can be preempted, a BPF program cannot); ratio_best
# likewise from the fastest reads: (native + filter) / hooked read.
function tq(df) { # Student t, 97.5 % quantile
	if (df < 1) return ""
	if (df <= 30) { split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 2.145 2.131 2.120 2.110 2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 2.052 2.048 2.045 2.042", t, " "); return t[df] + 0 }
	return 1.96 + 2.4 / df
}
function bytes(s,   n, u) {
	n = s + 0; u = toupper(substr(s, length(s)))
	return u == "K" ? n * 1024 : u == "M" ? n * 1048576 : u == "G" ? n * 1073741824 : n
}
function ci(sum, sq, n,   m, v) { # half-width of the 95 % CI of a mean of n values
	if (n < 2) return ""
	m = sum / n; v = (sq - n * m * m) / (n - 1); if (v < 0) v = 0
	return tq(n - 1) * sqrt(v / n)
}
function lo(k, v) { if (!(k in best) || v < best[k]) best[k] = v }
BEGIN { FS = OFS = "," }
FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; next }
{
	b = $(c["backend"]); thr = $(c["threshold"]); sz = bytes($(c["buf_size"])); rep = $(c["rep"])
	k = b SUBSEP thr SUBSEP sz SUBSEP rep
	n[k]++; lat[k] += $(c["lat_ns"]); filt[k] += $(c["user_fr_ns"]); cnt[thr SUBSEP sz] = $(c["user_count"])
	kp = b SUBSEP thr SUBSEP sz
	lo(kp SUBSEP "lat", $(c["lat_ns"])); lo(kp SUBSEP "filt", $(c["user_fr_ns"]))
	if (b != "none") {
		sp = $(c["hook_exit_ts_ns"]) - $(c["hook_ts_ns"])
		span[k] += sp; load[k] += $(c["bpf_load_ns"])
		lo(kp SUBSEP "span", sp); lo(kp SUBSEP "exec", sp - $(c["bpf_load_ns"]))
		matched[k] += $(c["match"]); be[b] = 1
	}
	pt[thr SUBSEP sz] = 1; reps[rep] = 1
	if (!(b in prov)) prov[b] = $(c["experiment"]) OFS $(c["kernel"]) OFS $(c["where"]) OFS $(c["storage"]) OFS $(c["cache"]) OFS $(c["file_kind"])
}
END {
	print "experiment", "kernel", "where", "storage", "cache", "file_kind", "backend", "threshold", "ff", "buf_size", \
		"reps", "reads", "match", "native_ns", "load_ns", "exec_ns", "other_ns", "filter_ns", "ebpf_ns", "user_ns", \
		"ratio", "ratio_ci95", "fratio", "fratio_ci95", "user_bytes_per_ns", "bpf_bytes_per_ns", "exec_bytes_per_ns", \
		"ratio_best", "user_best_bytes_per_ns", "bpf_best_bytes_per_ns", "exec_best_bytes_per_ns"
	for (p in pt) {
		split(p, q, SUBSEP); thr = q[1]; sz = q[2]
		ff = ((0 SUBSEP sz) in cnt && cnt[0 SUBSEP sz] > 0) ? sprintf("%.0f", 100 * (1 - cnt[p] / cnt[0 SUBSEP sz])) : ""
		for (b in be) {
			m = 0; split("", s)
			for (r in reps) {
				kb = b SUBSEP p SUBSEP r; kn = "none" SUBSEP p SUBSEP r
				if (!(kb in n) || !(kn in n)) continue
				m++
				nat = lat[kn] / n[kn]; tot = lat[kb] / n[kb]; ld = load[kb] / n[kb]; sp = span[kb] / n[kb]
				fl = filt[kn] / n[kn]
				s["nat"] += nat; s["ld"] += ld; s["ex"] += sp - ld; s["oth"] += tot - nat - sp; s["fl"] += fl
				s["tot"] += tot; s["usr"] += nat + fl; s["reads"] += n[kb]; s["match"] += matched[kb]
				x = (nat + fl) / tot; s["r"] += x; s["r2"] += x * x
				x = sp > 0 ? fl / sp : 0; s["f"] += x; s["f2"] += x * x
			}
			if (!m) continue
			print prov[b], b, thr, ff, sz, m, s["reads"], s["match"], s["nat"] / m, s["ld"] / m, s["ex"] / m, \
				s["oth"] / m, s["fl"] / m, s["tot"] / m, s["usr"] / m, s["r"] / m, ci(s["r"], s["r2"], m), \
				s["f"] / m, ci(s["f"], s["f2"], m), sz / (s["fl"] / m), sz / ((s["ld"] + s["ex"]) / m), sz / (s["ex"] / m), \
				(best["none" SUBSEP p SUBSEP "lat"] + best["none" SUBSEP p SUBSEP "filt"]) / best[b SUBSEP p SUBSEP "lat"], \
				sz / best["none" SUBSEP p SUBSEP "filt"], sz / best[b SUBSEP p SUBSEP "span"], sz / best[b SUBSEP p SUBSEP "exec"]
		}
	}
}
