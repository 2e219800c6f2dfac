# shellcheck shell=bash disable=SC2154 # $out, $rel, $H, $SF: set by tests/guest/backends.sh, which sources this
# E17, "same bytes, different pacing" (docs/override-failure.md): on the
# thesis-int3 kernel the override on the copyout kprobe stops holding once the
# kernel's optimizer has turned the int3 probe into a jump, OPTIMIZE_DELAY
# (5 jiffies, kernel/kprobes.c) or later after the probe is armed. So the flip
# tracks time since attach, and the amount read before it depends on the pace.
# Two runs read the same bytes (PACE_N reads of 4 KiB of the 1 MiB $SF), one
# with cob-read --interval-us PACE_FAST_US, one with PACE_SLOW_US.
# The optimizer's clock starts when the probe becomes optimizable: at arming
# with debug.kprobes-optimization=1, or, for an armed probe, when the sysctl
# goes from 0 to 1 (optimize_all_kprobes -> optimize_kprobe ->
# kick_kprobe_optimizer, the same OPTIMIZE_DELAY). Attaching under the default
# setting leaves the start of that clock to the loader's start-up: in a busy
# TCG guest the reader's first read came 50-150 ms after the attach call
# returned, after the flip, and neither run had an ok read to compare. So each
# run attaches with the sysctl at 0 and, once the reader is reading, cob-kpopt
# sets it to 1 and prints CLOCK_MONOTONIC (the reads' clock) just before and
# after the write. Asserted:
#   - each run: ok reads, then only copied reads (the flip happens);
#   - each run: the first failed read ended at least OPTIMIZE_DELAY after the
#     write returned (5 jiffies at this kernel's HZ, /proc/config.gz);
#   - the paced run read fewer bytes between the write and the flip than the
#     fast run: same bytes in all, the flip comes at a time, not an amount.
#     Only when the runs really had different paces (ms per read up to the
#     flip at least 2x apart): on a starved host TCG guest the vCPU's own stalls
#     set the pace (7-10 ms per read at both settings seen at host load ~20),
#     and the comparison is reported as a skip with those figures.
# The sysctl is restored after each run. Sourced by tests/guest/backends.sh;
# thesis-int3 only; ~15 s of guest time.
# Both runs are paced, so that their lengths do not depend much on how fast
# the guest reads (0.15 to 1.4 ms per 4 KiB read seen): the fast run must
# still be reading ~0.5 s after the attach, when the sysctl flips, and the
# slow one must not take long.
PACE_N=1500        # 6 MiB per run
PACE_FAST_US=400   # the fast run: > 0.8 s
PACE_SLOW_US=5000  # the slow run: > 7.5 s, <= 4 reads in OPTIMIZE_DELAY (20 ms at HZ=250); a
                   # loaded guest reads 4 KiB in up to 3 ms, and the fast run must stay faster
PACE_OPT=/proc/sys/debug/kprobes-optimization

# pace_run NAME US: one run; prints
# "reads ok copied ok_after_fail first_failed_iter first_failed_end_ms first_read_ms
#  ok_reads_after_write write_ms period_ms" (period: ms per read up to the flip, the
#  pace the run really had)
# (ms since the sysctl write returned; - when no read failed; write_ms: how
# long the write took)
pace_run() {
	local name=$1 us=$2 old hp t=""
	old=$(cat "$PACE_OPT")
	"$H/cob-kpopt" 0 >/dev/null || return 1
	"$H/cob-hook" run --backend kprobe-copyout --mode override --csv "$pdir/reads-$name.csv" \
		--label pace_us="$us" -- "$H/cob-read" --file "$SF" --buf 4096 --iterations "$PACE_N" \
		--interval-us "$us" >"$pdir/$name.log" 2>&1 &
	hp=$!
	# the reader starts reading 50-150 ms after the attach: then flip the sysctl
	wait_for 60 grep -q 'attached between' "$pdir/$name.log" && sleep 0.2 && t=$("$H/cob-kpopt" 1)
	wait "$hp"
	local rc=$?
	echo "$old" >"$PACE_OPT"
	[ "$rc" = 0 ] && [ -n "$t" ] || return 1
	awk -F, -v t0="${t% *}" -v t1="${t#* }" '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ n++; s = $c["status"]
		if (n == 1) tf = $c["t_start_ns"]
		if (s == "ok") { ok++; if (ff != "") oaf++; if ($c["t_start_ns"] >= t1) after++ }
		else if (ff == "") { ff = $c["iter"]; ffe = $c["t_end_ns"]; ffs = $c["t_start_ns"] }
		if (s == "copied") cp++ }
	END { printf "%d %d %d %d %s %s %.1f %d %.3f %s\n", n, ok, cp, oaf, ff == "" ? "-" : ff, \
			ff == "" ? "-" : sprintf("%.1f", (ffe - t1) / 1e6), (tf - t1) / 1e6, after, (t1 - t0) / 1e6, \
			(ff > 0 ? sprintf("%.2f", (ffs - tf) / 1e6 / ff) : "-") }' \
		"$pdir/reads-$name.csv"
}

e17_pacing() {
	local pdir=$out/e17_pacing hz delay_ms r name nr ok cp oaf ff ffms tf after wms per fast_after="" slow_after="" fast_per="" slow_per=""
	section e17_pacing
	rm -rf "$pdir" && mkdir -p "$pdir"
	hz=$(zcat /proc/config.gz 2>/dev/null | sed -n 's/^CONFIG_HZ=//p')
	if [ -z "$hz" ]; then
		fail "e17_pacing: no CONFIG_HZ in /proc/config.gz: cannot derive OPTIMIZE_DELAY"
		return
	fi
	delay_ms=$((5000 / hz)) # OPTIMIZE_DELAY = 5 jiffies
	for name in fast slow; do
		local us=$PACE_FAST_US
		[ "$name" = slow ] && us=$PACE_SLOW_US
		if ! r=$(pace_run "$name" "$us"); then
			fail "e17_pacing: $name run failed: $(tail -n 1 "$pdir/$name.log" 2>/dev/null)"
			return
		fi
		read -r nr ok cp oaf ff ffms tf after wms per <<<"$r"
		local what="$name (--interval-us $us): $nr reads of 4 KiB, $ok ok, $cp copied, first failed read $ff, ended $ffms ms after the sysctl write (which took $wms ms; first read at $tf ms); $after ok reads began after the write; $per ms per read"
		note "e17_pacing: $what"
		if [ "$ff" != - ] && [ "$oaf" = 0 ] && [ "$((ok + cp))" = "$nr" ]; then
			pass "e17_pacing: $name: ok, then copied from read $ff on"
		else fail "e17_pacing: $name: want ok reads, then only copied: $what"; fi
		if [ "$ff" != - ] && awk -v t="$ffms" -v d="$delay_ms" 'BEGIN { exit !(t >= d) }'; then
			pass "e17_pacing: $name: the first failed read ended $ffms ms after optimization was enabled, past OPTIMIZE_DELAY ($delay_ms ms at HZ=$hz)"
		else fail "e17_pacing: $name: first failed read ended $ffms ms after optimization was enabled, before OPTIMIZE_DELAY ($delay_ms ms at HZ=$hz)"; fi
		[ "$ff" = - ] && continue
		if [ "$name" = fast ]; then fast_after=$after fast_per=$per; else slow_after=$after slow_per=$per; fi
	done
	if [ -z "$fast_after" ] || [ -z "$slow_after" ]; then
		fail "e17_pacing: a run never flipped: nothing to compare"
	elif [ "$fast_per" = - ] || [ "$slow_per" = - ] ||
		! awk -v f="$fast_per" -v s="$slow_per" 'BEGIN { exit !(s >= 2 * f) }'; then
		# the precondition, measured: a starved TCG guest (host load ~20) read
		# every 7-10 ms whatever the pause, and then both runs have the same pace
		skipped "e17_pacing: same bytes, different pacing # skip the guest's own pace ruled: $fast_per ms per read at --interval-us $PACE_FAST_US, $slow_per at $PACE_SLOW_US (want 2x apart); the host is too busy"
	elif [ "$fast_after" = 0 ]; then
		fail "e17_pacing: the fast run read nothing between enabling optimization and the flip: no amount to compare"
	elif [ "$slow_after" -lt "$fast_after" ]; then
		pass "e17_pacing: same bytes, slower pace ($slow_per vs $fast_per ms per read): between enabling optimization and the flip the paced run read $slow_after x 4 KiB, the fast run $fast_after x 4 KiB"
	else
		fail "e17_pacing: the paced run read $slow_after x 4 KiB before the flip, not fewer than the fast run's $fast_after: the flip does not track time"
	fi
}

case "$rel" in *-cob-thesis-int3) e17_pacing ;; esac
