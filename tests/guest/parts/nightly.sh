# shellcheck shell=bash disable=SC2154 # rel, out: set by tests/guest/backends.sh
# nightly: the guest side of ./run.sh nightly (run.sh nightly --here, one per
# guest kernel): a one-point override config runs where a backend can
# override (the thesis kernel: ok) and is skipped with cob-sweep's reason where
# none can (Debian's kernel has no CONFIG_BPF_KPROBE_OVERRIDE and no copyout
# symbol); doctor --json of this kernel lands next to it. About 20 s of TCG.
case "$rel" in
*-cob-thesis | *-amd64)
	section "nightly --here"
	nd=$out/nightly-here
	rm -rf "$nd"
	mkdir -p "$nd/cfg"
	cat >"$nd/cfg/ovr.conf" <<-'CONF'
		[experiment]
		name = nightly-guest
		description = guest test of nightly --here: one override point
		function = filter-reduce
		mode = override
		[sweep]
		hook = kprobe-copyout,fmodret-copyout
		buf_size = 4K
		file_size = buf
		file_kind = known
		cache = none
		reposition = seek
		threshold = 0
		iterations = 20
		repetitions = 1
	CONF
	if "${COB_ROOT:-/cob}/run.sh" nightly --here --out "$nd/res" --configs "$nd/cfg" >"$nd/log" 2>&1; then
		pass "nightly --here: exit 0"
	else
		fail "nightly --here: exit $? ($(tail -1 "$nd/log"))"
	fi
	nst=$(awk -F, '$1 == "ovr" { print $2 }' "$nd/res/configs.csv" 2>/dev/null)
	case "$rel" in
	*-cob-thesis)
		if [ "$nst" = ok ] && [ -s "$nd/res/ovr/summary.csv" ]; then
			pass "nightly --here: the override config ran (configs.csv: ok, summary.csv)"
		else
			fail "nightly --here: override config '$nst', expected ok ($(tail -2 "$nd/log" | tr '\n' ' '))"
		fi ;;
	*)
		if [ "$nst" = skipped ] && grep -q '^ovr,skipped,".*no hook backend attaches here' "$nd/res/configs.csv"; then
			pass "nightly --here: no backend can override here: skipped with the reason"
		else
			fail "nightly --here: override config '$nst', expected skipped ($(tail -2 "$nd/log" | tr '\n' ' '))"
		fi ;;
	esac
	if jq -e --arg r "$rel" '.kernel == $r and (.features | length) > 0' "$nd/res/doctor.json" >/dev/null 2>&1; then
		pass "nightly --here: doctor.json of $rel"
	else
		fail "nightly --here: no doctor.json of $rel"
	fi
	;;
esac
