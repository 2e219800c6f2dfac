# shellcheck shell=bash disable=SC2154 # out, rel, H: set by tests/guest/backends.sh
# In-guest checks of the monitors (bench/monitors.c, bench/monitors/*), in the
# thesis and Debian guests: each libbpf-tools monitor's --probe (doctor's
# verdict) agrees with what the kernel has (biolatency: block tracepoints, everywhere;
# funclatency: a kprobe on copyout, only where copyout is a symbol; cachestat
# and readahead, through cob-cachestat and cob-readahead where Debian's tools
# are refused: kprobes), and one
# small sweep (one cold run of 16 x 64 KiB reads) with every monitor gives
# rows from each one that works (with the run's number, as in
# reads.csv) and one skip line and no CSV for each refused one.
# Sourced by tests/guest/backends.sh (pass/fail/note/section, $H, $out, $rel).

monitors_guest() {
	local dir=$out/monitors m works t0 rows expect reason log=$out/monitors.log cnt other tool
	section monitors
	# each monitor's own --probe (what cob-doctor and cob-sweep ask; doctor's
	# backend trials would cost minutes of TCG time here, and
	# tests/bats/monitors.bats checks doctor's listing against --probe)
	declare -A state=()
	for m in diskstats vmstat cachestat readahead biolatency funclatency; do
		reason=$(/cob/bench/monitors/$m --probe 2>&1) && state[$m]=true || state[$m]=false
		note "monitors: $m --probe: $reason"
	done
	# what the kernel has decides two verdicts; the others are reported
	# (grep -F first: -w over the whole of kallsyms costs ~6 s under TCG)
	if grep -F copyout /proc/kallsyms | grep -w copyout >/dev/null; then expect=true; else expect=false; fi
	if [ "${state[funclatency]}" = "$expect" ]; then pass "monitors: funclatency works=${state[funclatency]}, copyout in kallsyms: $expect"
	else fail "monitors: funclatency works=${state[funclatency]} but copyout in kallsyms: $expect"; fi
	if [ "${state[biolatency]}" = true ]; then pass "monitors: biolatency works (block tracepoints)"
	else fail "monitors: biolatency refused"; fi
	# (the kprobe PMU: what libbpf attaches kprobes through)
	if [ -d /sys/bus/event_source/devices/kprobe ]; then expect=true; else expect=false; fi
	for m in cachestat readahead; do
		if [ "${state[$m]}" = "$expect" ]; then pass "monitors: $m works=${state[$m]}, kprobes here: $expect"
		else fail "monitors: $m works=${state[$m]} but kprobes here: $expect"; fi
	done

	rm -rf "$dir"
	printf '[experiment]\nname = monitors\nplots = none\n[sweep]\niterations = 16\nbuf_size = 64K\nfile_size = 1M\nfile_kind = known\nreposition = sequential\ncache = drop\nrepetitions = 1\nmonitors = diskstats,vmstat,cachestat,readahead,biolatency,funclatency\n' >"$out/monitors.conf"
	t0=$SECONDS
	if ! COB_ROOT=/cob "$H/cob-sweep" --config "$out/monitors.conf" --out "$dir" >"$log" 2>&1; then
		fail "monitors: sweep failed: $(tail -n 3 "$log" | tr '\n' ' ')"
		return
	fi
	note "monitors: one run with six monitors took $((SECONDS - t0)) s"
	for m in diskstats vmstat cachestat readahead biolatency funclatency; do
		works=${state[$m]}
		if [ "$works" = true ]; then
			# rows, every one from run 1 (the run of every row of reads.csv)
			rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "run") c = i; next } c && $c == 1 { n++ } END { print n + 0 }' "$dir/$m.csv" 2>/dev/null)
			if [ "${rows:-0}" -ge 1 ] && ! grep -q "monitor $m skipped" "$log"; then pass "monitors: $m wrote $rows rows of run 1"
			else fail "monitors: $m works (--probe) but wrote no rows ($(grep "$m" "$log" | head -1))"; fi
		elif [ ! -e "$dir/$m.csv" ] && [ "$(grep -c "^cob-sweep: monitor $m skipped: $m: " "$log")" = 1 ]; then
			pass "monitors: $m refused: skipped with one line, no CSV"
		else
			fail "monitors: $m refused (--probe), but the sweep did not skip it once ($(ls "$dir"))"
		fi
	done
	# the cold run went to the disk: biolatency counted I/O, funclatency copyout calls
	if [ -s "$dir/biolatency.csv" ]; then
		rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "count") c = i; next } { s += $c } END { print s + 0 }' "$dir/biolatency.csv")
		if [ "$rows" -ge 1 ]; then pass "monitors: biolatency counted $rows block I/Os in the cold run"
		else fail "monitors: biolatency counted no block I/O in a cold run"; fi
	fi
	# cachestat (Debian's or cob-cachestat): the cold run read 1 MiB after
	# drop_caches, so at least 256 pages of 4 KiB were added to the cache.
	# Its misses are bcc's "added - dirtied" per interval (at least 0): a page
	# the sweep dirties meanwhile (its records, written while the run reads)
	# takes one off (seen: 255), so added <= misses + dirties is what holds.
	if [ -s "$dir/cachestat.csv" ]; then
		rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			{ m += $h["misses"]; d += $h["dirties"]; t[$h["tool"]] = 1 }
			END { for (k in t) tools = tools (tools == "" ? "" : " ") k; print m + 0, d + 0, tools }' "$dir/cachestat.csv")
		read -r cnt other tool <<<"$rows"
		if [ $((cnt + other)) -ge 256 ]; then pass "monitors: cachestat counted $cnt misses + $other dirtied pages in a cold 1 MiB run (by $tool)"
		else fail "monitors: cachestat counted $cnt misses + $other dirtied pages in a cold 1 MiB run, want >= 256 (by $tool)"; fi
	fi
	# readahead: every page of the cold sequential 1 MiB came in by readahead
	if [ -s "$dir/readahead.csv" ]; then
		rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$h["what"] == "readahead_pages" { p += $h["count"] } $h["what"] == "readahead_unused" { u += $h["count"] }
			{ t = $h["tool"] } END { print p + 0, u + 0, t }' "$dir/readahead.csv")
		read -r cnt other tool <<<"$rows"
		if [ "$cnt" -ge 256 ] && [ "$other" -le "$cnt" ]; then pass "monitors: readahead counted $cnt pages read ahead, $other unused, in a cold 1 MiB run (by $tool)"
		else fail "monitors: readahead counted $cnt pages read ahead ($other unused) in a cold 1 MiB run, want >= 256 (by $tool)"; fi
	fi
	if [ -s "$dir/funclatency.csv" ]; then
		rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "count") c = i; next } { s += $c } END { print s + 0 }' "$dir/funclatency.csv")
		# 16 reads of 64 KiB: at least one copyout per read
		if [ "$rows" -ge 16 ]; then pass "monitors: funclatency timed $rows copyout calls (16 reads of 64 KiB)"
		else fail "monitors: funclatency timed $rows copyout calls, want >= 16"; fi
	fi
}

case "$rel" in
*-cob-thesis-int3) ;; # E17 only
*) monitors_guest ;;
esac
