# E4 ordering: per backend and buffer size, the median time of each stamp of a
# read after the user-space start of the read() (t_start_ns), from reads.csv.
#   awk -f ordering.awk -v out=DIR/ordering.csv DIR/reads.csv
# All stamps are CLOCK_MONOTONIC ns (bpf_ktime_get_ns in BPF, clock_gettime in
# user space), so they order on one time line. A stamp of 0 (not recorded,
# e.g. no data hook ran for that read) is left out. Writes (tmp + rename)
#   series,backend,buf_size,stamp,order,median_us,n,hook_inside_pct
# hook_inside_pct: reads whose data hook ran before the syscall's exit stamp.
BEGIN { FS = ","; ns = split("enter_ts_ns hook_ts_ns hook_exit_ts_ns exit_ts_ns t_end_ns", st, " ") }
NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
{
	k = $h["backend"] "|" $h["buf_size"]
	if (!(k in seen)) { seen[k] = ++nk; key[nk] = k }
	t0 = $h["t_start_ns"]
	for (s = 1; s <= ns; s++) {
		v = $h[st[s]]
		if (v > 0) { n[k, s]++; d[k, s, n[k, s]] = (v - t0) / 1000.0 }
	}
	if ($h["hook_ts_ns"] > 0 && $h["exit_ts_ns"] > 0) {
		nh[k]++
		if ($h["hook_ts_ns"] < $h["exit_ts_ns"]) inside[k]++
	}
}
function median(k, s,    m, i, j, t, a) {
	m = n[k, s]
	for (i = 1; i <= m; i++) a[i] = d[k, s, i]
	for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
END {
	tmp = out ".tmp"
	print "series,backend,buf_size,stamp,order,median_us,n,hook_inside_pct" > tmp
	for (q = 1; q <= nk; q++) {
		k = key[q]; split(k, kb, "|")
		pct = nh[k] ? sprintf("%.1f", 100.0 * inside[k] / nh[k]) : ""
		for (s = 1; s <= ns; s++)
			if (n[k, s])
				printf "%d,%s,%s,%s,%d,%.3f,%d,%s\n", q, kb[1], kb[2], st[s], s, median(k, s), n[k, s], pct > tmp
	}
	close(tmp)
	if (system("mv -f '" tmp "' '" out "'")) exit 1
}
