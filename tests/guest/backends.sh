#!/usr/bin/env bash
# copyout-bench: hook backend tests inside a guest kernel.
#
# On the host (launches the guest(s) through vm/vm.sh, sharing this
# directory and the output directory):
#   bash tests/guest/backends.sh [--kernel thesis|debian|thesis-int3|both] [--quick] [--out DIR]
# (both: all three guest kernels)
# Inside a guest (what the host side runs; needs the suite's build/ binaries):
#   bash /cob/tests/guest/backends.sh --in-guest [--quick] [--out DIR]
#
# Prints TAP ("ok N - ...", "not ok N - ..."), then "# N passed, N failed".
# Exit 0 only if nothing failed. CSVs of every run are kept in --out
# (default /tmp/cob-guest-tests, on the host and in the guest: the same path).
#
# What is checked, by the backends this kernel offers (the kernel name says
# which must be there: *-cob-thesis all five, Debian's fmodret-permission,
# fexit-read and tp-read, with kprobe-copyout / fmodret-copyout refused):
#   clock       the guest clocksource is not jiffies (per-read timestamps)
#   doctor      (not in the thesis kernels) tests/bats/doctor.bats (in the initramfs) inside this kernel:
#               cob-doctor agrees with what tests/bats/kernel_facts.sh derives
#               from the kernel (its TAP renumbered into this stream)
#   avail       cob-hook can: each expected backend attaches, the others are
#               refused with a reason; --backend auto picks the best per mode
#   basic       override on 4 KiB and 64 KiB reads (seek to 0 each time):
#               every read ok, match=1 (fmodret-copyout: ok, match only where
#               the read fits its first copyout, per its contract)
#   fr          filter-reduce vs the user-space reference, every backend and
#               mode, buffers 1, 7, 4096, 4097, 1 MiB, sequential over a
#               known file of width 7 (records straddle pages and copyouts),
#               threshold at 50 %
#   access      pread64 and readv (one iovec) through every backend and mode,
#               sequential 4 KiB + 1 reads (4 KiB for fmodret-copyout override,
#               its first copyout): every read ok, match=1, like read(2);
#               fmodret-permission override of readv is refused with the reason
#               (do_iter_read reads on after a positive return)
#   cold        fmodret-permission on a disk file (ext4 at /var/tmp): after
#               drop_caches the first read is let through (copied), the rest ok;
#               with drop_caches before every read, each read is either let
#               through (copied) or, when the pages stayed cached, ok and exact
#   conc        a second process (plain cob-read, no hook) reads the same file
#               2,000 times while an override run is active: 100 % exact bytes
#   kill        SIGKILL of cob-hook during a run: its programs, trampolines,
#               kprobes and its workload are gone within 10 s
#   ovrfail     (thesis and thesis-int3 only; on thesis-int3 the only section
#               besides clock and the parts) E17: `cob-sweep override-failure --quick`:
#               thesis-int3: kprobe-copyout ok, then copied from the read where
#               the kprobes monitor saw the probe [OPTIMIZED]; kprobe-copyout-unopt
#               100 % ok, never optimized; thesis: both 100 % ok (ftrace probe);
#               doctor names jump optimization and auto override does not pick
#               kprobe-copyout (thesis-int3); debug.kprobes-optimization is
#               back to its value after the sweep, a SIGINT and a SIGKILL of cob-hook
#   parts       tests/guest/parts/*.sh, on every kernel (each decides from uname
#               -r what it runs), e.g. e17_pacing (thesis-int3)
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
quick=0 out=/tmp/cob-guest-tests kernel=both in_guest=0
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1; shift ;;
	--out) out=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--in-guest) in_guest=1; shift ;;
	-h | --help) sed -n '2,53p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "backends.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

# ----------------------------------------------------------------- host side --
if [ "$in_guest" = 0 ]; then
	ROOT=$(cd "$HERE/../.." && pwd)
	case "$kernel" in both) kernels="thesis debian thesis-int3" ;; thesis | debian | thesis-int3) kernels=$kernel ;;
	*) echo "backends.sh: --kernel thesis|debian|thesis-int3|both (all three)" >&2; exit 2 ;; esac
	mkdir -p "$out" && out=$(cd "$out" && pwd -P)
	rc=0 child=""
	# A TERM or INT to this script alone (not its process group) must stop the
	# guest too: vm.sh runs in the background so that the trap acts at once
	# (bash runs a trap only after a foreground child ends), and vm.sh, told,
	# stops its qemu.
	# shellcheck disable=SC2317 # run by the traps
	stop() {
		[ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
		exit "$1"
	}
	trap 'stop 143' TERM
	trap 'stop 130' INT
	for k in $kernels; do
		mkdir -p "$out/$k"
		args=(--in-guest --out "$out/$k")
		[ "$quick" = 1 ] && args+=(--quick)
		echo "# guest: $k"
		bash "$ROOT/vm/vm.sh" --kernel "$k" --share "$HERE:/cob/tests/guest" --share "$out" \
			-- --raw bash /cob/tests/guest/backends.sh "${args[@]}" <&0 &
		child=$!
		wait "$child" || rc=1
		child=""
	done
	exit $rc
fi

# ---------------------------------------------------------------- guest side --
H=${COB_BIN:-/cob/build/bin}
W=/dev/shm/cob-tests
mkdir -p "$W" "$out"
n=0 npass=0 nfail=0 nskip=0
rel=$(uname -r)

pass() { n=$((n + 1)); npass=$((npass + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); nfail=$((nfail + 1)); echo "not ok $n - $*"; }
skipped() { n=$((n + 1)); nskip=$((nskip + 1)); echo "ok $n - $*"; } # "DESC # skip REASON"
note() { echo "# $*"; }
section() { note "[$SECONDS s] $1"; } # where the guest's time goes, in its log

case "$rel" in
*-cob-thesis-int3) expect_on="" expect_off="" auto_override="" auto_observe="" ;; # ovrfail only
*-cob-thesis) expect_on="kprobe-copyout fmodret-copyout fmodret-permission fexit-read tp-read" expect_off=""
	auto_override=kprobe-copyout auto_observe=kprobe-copyout ;;
*-amd64) expect_on="fmodret-permission fexit-read tp-read" expect_off="kprobe-copyout fmodret-copyout"
	auto_override=fmodret-permission auto_observe=fexit-read ;;
*) expect_on="" expect_off="" auto_override="" auto_observe="" ;;
esac
note "kernel $rel; expected backends: ${expect_on:-unknown kernel, testing what attaches}"

# the JIT'ed programs and trampolines show in kallsyms as [bpf] symbols
echo 1 >/proc/sys/net/core/bpf_jit_kallsyms 2>/dev/null
# (grep -F first: a regex over the whole of kallsyms costs ~7 s under TCG, the
# fixed string under 1 s; every line the regex takes has "[bpf]")
our_progs() { grep -F '[bpf]' /proc/kallsyms | grep -E '\sbpf_(prog_[0-9a-f]+_cob_[a-z0-9_]*|trampoline_[0-9]+)\s+\[bpf\]'; }
hooks_left() { # prints what is still hooked, if anything
	our_progs
	grep -E '(^|[^_a-z])(copyout|vfs_readv?|security_file_permission)([^_a-z]|$)' \
		/sys/kernel/debug/kprobes/list /sys/kernel/tracing/enabled_functions 2>/dev/null
	pidof cob-read cob-hook 2>/dev/null | sed 's/^/pids: /'
}
wait_for() { # wait_for SECONDS CMD...: poll until CMD succeeds
	local t=$(($1 * 10))
	shift
	while [ $t -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}
no_hooks() { [ -z "$(hooks_left)" ]; }
# hooked LOG PID: cob-hook (PID, writing LOG) has attached: its "attached
# between" line, then our programs in kallsyms (polling only the small log while
# it loads: each look at kallsyms takes the one TCG thread, which also verifies
# the programs, most of a second)
hooked() {
	local t=1200
	while [ $t -gt 0 ]; do
		grep -q ' attached between ' "$1" 2>/dev/null && { wait_for 10 our_progs; return; }
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		t=$((t - 1))
	done
	return 1
}

# csvstat FILE FSIZE: rows ok match copied bad_ret no_hook fits fits_match
# (fits: the read lies within one page, i.e. its first copyout covers it)
csvstat() {
	awk -F, -v fsize="$2" '
	NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		rows++; st[$col["status"]]++; m = $col["match"]; nm += m
		off = $col["offset"]; buf = $col["buf_size"]; el = fsize - off < buf ? fsize - off : buf
		if ((off % 4096) + el <= 4096) { nf++; if (m) mf++ }
	}
	END { printf "%d %d %d %d %d %d %d %d\n", rows, st["ok"], nm, st["copied"], st["bad_ret"], st["no_hook"], nf, mf }' "$1"
}

have=""
avail() { case " $have " in *" $1 "*) return 0 ;; esac; return 1; }

# hook B MODE CSV [cob-hook opts...] -- WORKLOAD ARGS: run, keep the log
hook() {
	local b=$1 m=$2 csv=$3
	shift 3
	"$H/cob-hook" run --backend "$b" --mode "$m" --csv "$csv" "$@" >"$csv.log" 2>&1
}

# expect_run DESC CSV FSIZE KIND: KIND all (every read ok+match) or firstcopy
expect_run() {
	local desc=$1 csv=$2 fsize=$3 kind=$4 s rows ok nm cp br nh nf mf
	if [ ! -s "$csv" ]; then
		fail "$desc: no CSV ($(tail -n1 "$csv.log" 2>/dev/null))"
		return
	fi
	s=$(csvstat "$csv" "$fsize")
	read -r rows ok nm cp br nh nf mf <<<"$s"
	local what="$rows reads, $ok ok, $nm match, $cp copied, $br bad_ret, $nh no_hook"
	if [ "$kind" = firstcopy ]; then
		what="$what; $mf/$nf of the reads within one page match"
		if [ "$rows" -gt 0 ] && [ "$ok" = "$rows" ] && [ "$mf" = "$nf" ]; then pass "$desc: $what"; else fail "$desc: $what"; fi
	else
		if [ "$rows" -gt 0 ] && [ "$ok" = "$rows" ] && [ "$nm" = "$rows" ]; then pass "$desc: $what"; else fail "$desc: $what"; fi
	fi
}

# ---------------------------------------------------------------- ovrfail --
# E17 (configs/override-failure.conf, docs/override-failure.md).
OPT=/proc/sys/debug/kprobes-optimization
# runs_of READS KPROBES: one line per run: backend buf reads ok copied
# ok_after_fail first_failed_iter first_failed_was_jmp ok_reads_via_jmp
# reads_via_jmp listed_optimized sysctl_min states (jmp: COB_EV_KPROBE_JMP, the
# probe was a jump for that read; listed_optimized: the kprobes list said
# [OPTIMIZED], which the kernel shows from queueing on)
runs_of() {
	awk -F, '
	function hexval(s,   i, v) { v = 0; s = tolower(s); sub(/^0x/, "", s)
		for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v }
	function jmp(f) { return int(hexval(f) / 128) % 2 } # COB_EV_KPROBE_JMP
	FNR == 1 { delete c; for (i = 1; i <= NF; i++) c[$i] = i; f++; next }
	f == 1 { k = $c["hook"] "|" $c["buf_size"] "|" $c["rep"]; st[k] = st[k] " " $c["state"]
		if ($c["state"] == "optimized") opt[k] = 1
		if (!(k in smin) || $c["sysctl"] < smin[k]) smin[k] = $c["sysctl"]; next }
	{ k = $c["backend"] "|" $c["buf_size"] "|" $c["rep"]
		if (!(k in n)) order[++nr] = k
		n[k]++; s = $c["status"]; j = jmp($c["flags"]); nj[k] += j
		if (s == "ok") { ok[k]++; if (k in ff) oaf[k]++; if (j) okj[k]++ } else if (!(k in ff)) { ff[k] = $c["iter"]; ffj[k] = j }
		if (s == "copied") cp[k]++ }
	END { for (i = 1; i <= nr; i++) { k = order[i]; split(k, p, "|")
		printf "%s %s %d %d %d %d %s %d %d %d %d %s %s\n", p[1], p[2], n[k], ok[k], cp[k], oaf[k], \
			(k in ff) ? ff[k] : "-", ffj[k], okj[k], nj[k], opt[k], (k in smin) ? smin[k] : "?", st[k] } }' "$2" "$1"
}
sysctl_is() { [ "$(cat "$OPT" 2>/dev/null)" = "$1" ]; }
ovrfail() {
	local int3=$1 dir=$out/ovrfail old t0 line b buf nr ok cp oaf ff ffj okj nj opt smin states r hp
	old=$(cat "$OPT" 2>/dev/null || echo none)
	note "ovrfail: debug.kprobes-optimization=$old"
	if [ "$int3" = 1 ]; then
		r=$("$H/cob-doctor" 2>&1 | grep '^kprobe-copyout ')
		case "$r" in *"override is ignored once the kprobe is jump-optimized"*)
			pass "ovrfail: doctor names jump optimization: ${r:0:220}" ;;
		*) fail "ovrfail: doctor does not name jump optimization: $r" ;; esac
		r=$("$H/cob-hook" can --mode override 2>&1)
		if [ "$r" != kprobe-copyout ]; then pass "ovrfail: auto override does not pick kprobe-copyout (picks: ${r:0:120})"
		else fail "ovrfail: auto override picks kprobe-copyout on an optimizing kernel"; fi
		if sysctl_is "$old"; then pass "ovrfail: the doctor's trial left the sysctl at $old"
		else fail "ovrfail: sysctl $(cat "$OPT") after doctor, was $old"; fi
	fi
	rm -rf "$dir"
	t0=$SECONDS
	if ! COB_ROOT=/cob "$H/cob-sweep" --config /cob/configs/override-failure.conf --quick --out "$dir" \
		>"$out/ovrfail.log" 2>&1; then
		fail "ovrfail: sweep failed: $(tail -n 3 "$out/ovrfail.log" | tr '\n' ' ')"
		return
	fi
	note "ovrfail: quick sweep took $((SECONDS - t0)) s"
	if sysctl_is "$old"; then pass "ovrfail: debug.kprobes-optimization back to $old after the sweep"
	else fail "ovrfail: debug.kprobes-optimization is $(cat "$OPT") after the sweep, was $old"; fi
	local seen=0
	while read -r b buf nr ok cp oaf ff ffj okj nj opt smin states; do
		seen=$((seen + 1))
		line="$b buf=$buf: $nr reads, $ok ok, $cp copied, first failed read ${ff} (flagged jump: $ffj), $nj reads through the jump ($okj of them ok), kprobes list:$states (optimized flag: $opt), sysctl min $smin"
		note "ovrfail: $line"
		if [ "$int3" = 1 ] && [ "$b" = kprobe-copyout ]; then
			# ok, then copied: every read after the first failure copied, no ok
			# read went through the jump, reads did go through it. How many ok
			# reads come first is up to timing: the optimizer runs 5 jiffies
			# after the probe is armed (OPTIMIZE_DELAY), and in a busy TCG
			# guest the reader's first read can come later than that (seen: 0
			# ok of 1000 with three guests and the host suites on 2 cores), so
			# the ok prefix is reported, not required. The first failed read
			# need not carry the jump flag: while text_poke_bp installs the
			# jump, copyout's first byte is still int3, and poke_int3_handler
			# sends the hit through the new jump (seen: 7 such reads).
			if [ "$cp" -ge 1 ] && [ "$oaf" = 0 ] && [ "$((ok + cp))" = "$nr" ] &&
				[ "$nj" -ge 1 ] && [ "$okj" = 0 ]; then
				pass "ovrfail: int3, optimization on: $ok ok, then copied once the jump went in: $line"
			else fail "ovrfail: int3, optimization on: want ok (if any), then copied from the flip on, no ok read through the jump: $line"; fi
		else
			if [ "$ok" = "$nr" ] && [ "$nr" -gt 0 ] && [ "$nj" = 0 ]; then pass "ovrfail: 100 % ok: $line"
			else fail "ovrfail: want 100 % ok, no read through a jump: $line"; fi
			if [ "$b" = kprobe-copyout-unopt ] && [ "$old" != none ]; then
				if [ "$smin" = 0 ]; then pass "ovrfail: $b buf=$buf ran with debug.kprobes-optimization=0"
				else fail "ovrfail: $b buf=$buf: sysctl never 0 during the run ($smin)"; fi
			fi
		fi
	done < <(runs_of "$dir/reads.csv" "$dir/kprobes.csv")
	[ "$seen" -ge 4 ] || fail "ovrfail: $seen runs in $dir/reads.csv, want 4"
	[ "$old" = none ] && return
	# the loader's guard restores the sysctl however cob-hook ends
	for sig in INT KILL; do
		"$H/cob-hook" run --backend kprobe-copyout-unopt --mode override --csv "$out/ovrfail-$sig.csv" -- \
			"$H/cob-read" --file "$SF" --buf 4096 --iterations 200000 >"$out/ovrfail-$sig.log" 2>&1 &
		hp=$!
		if ! wait_for 60 sysctl_is 0; then
			fail "ovrfail: kprobe-copyout-unopt never set the sysctl to 0 ($(tail -n1 "$out/ovrfail-$sig.log"))"
			kill "$hp" 2>/dev/null; wait "$hp" 2>/dev/null; continue
		fi
		kill -"$sig" "$hp"
		wait "$hp" 2>/dev/null
		if wait_for 10 sysctl_is "$old"; then pass "ovrfail: SIG$sig of cob-hook (kprobe-copyout-unopt): sysctl back to $old"
		else fail "ovrfail: SIG$sig of cob-hook: sysctl is $(cat "$OPT"), was $old"; fi
		wait_for 10 no_hooks || fail "ovrfail: SIG$sig: hooks left: $(hooks_left | tr '\n' ';')"
	done
}

# ------------------------------------------------------------------- clock --
section clock
# Per-read timestamps need a fine clock: an earlier thesis build (no ACPI, no
# PVH) ran on refined-jiffies, where t0 = t1 = every BPF timestamp of a read.
cs=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)
case "$cs" in
"" | jiffies | refined-jiffies) fail "clock: clocksource '$cs' is too coarse for per-read timestamps" ;;
*) pass "clock: clocksource $cs" ;;
esac

# One file per experiment's in-guest checks (tests/guest/parts/NAME.sh): each
# is sourced here, uses pass/fail/note/section and $H, $out, $rel, $quick, and
# decides from $rel what this kernel runs. Every kernel runs them, thesis-int3
# too (after its ovrfail section).
run_parts() {
	local part
	for part in "$HERE"/parts/*.sh; do
		[ -e "$part" ] || continue
		# shellcheck source=/dev/null
		. "$part"
	done
}

# ---------------------------------------------- thesis-int3: ovrfail only --
case "$rel" in *-cob-thesis-int3)
	SF=$W/small
	"$H/cob-mkfile" --kind known --size 1048576 --width 7 --out "$SF"
	ovrfail 1
	run_parts
	echo "# $npass passed, $nfail failed ($rel)"
	[ "$nfail" = 0 ] && [ "$npass" -gt 0 ]
	exit
	;;
esac

# ------------------------------------------------------------------ doctor --
section doctor
# tests/bats/doctor.bats (in the initramfs): cob-doctor's verdicts against what
# this kernel can do, derived without doctor by tests/bats/kernel_facts.sh.
# Its TAP is renumbered into this stream; its diagnostics pass through.
# Run in the Debian guest (and any kernel not named here): one kernel with
# trampolines and kprobes shows the suite holds beyond the CI host; the
# thesis kernel's verdicts are checked by doctor.bats's guest case from the
# host. (About a minute of TCG time per kernel: the test run's budget.)
DOCTOR_BATS=${COB_DOCTOR_BATS:-/cob/tests/bats/doctor.bats}
if [[ $rel == *-cob-thesis ]]; then
	note "doctor: the suite runs in the Debian guest; this kernel's verdicts: doctor.bats (guest thesis kernel)"
elif ! command -v bats >/dev/null || [ ! -f "$DOCTOR_BATS" ]; then
	fail "doctor: no bats or no $DOCTOR_BATS in this guest (see vm/initramfs.sh)"
else
	plan=0 ran=0
	while IFS= read -r line; do
		case "$line" in
		1..*) plan=${line#1..} ;;
		"not ok "*) ran=$((ran + 1)); d=${line#not ok }; fail "doctor: ${d#* }" ;;
		"ok "*"# skip"*) ran=$((ran + 1)); d=${line#ok }; skipped "doctor: ${d#* }" ;;
		"ok "*) ran=$((ran + 1)); d=${line#ok }; pass "doctor: ${d#* }" ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done < <(COB_DOCTOR=$H/cob-doctor bats --tap "$DOCTOR_BATS" 2>&1)
	if [ "$ran" = 0 ] || [ "$ran" != "$plan" ]; then
		fail "doctor: bats reported $ran of $plan planned tests"
	fi
fi

# ------------------------------------------------------------------- avail --
section avail
for b in kprobe-copyout fmodret-copyout fmodret-permission fexit-read tp-read; do
	for m in override observe; do
		[ "$m" = override ] && { [ "$b" = fexit-read ] || [ "$b" = tp-read ]; } && continue
		r=$("$H/cob-hook" can --backend "$b" --mode "$m" 2>&1)
		rc=$?
		[ "$rc" = 0 ] && [ "$m" = observe ] && have="$have $b"
		case " $expect_on " in
		*" $b "*) if [ "$rc" = 0 ]; then pass "avail: $b $m attaches"; else fail "avail: $b $m: $r"; fi ;;
		*) case " $expect_off " in
			*" $b "*) if [ "$rc" = 3 ] && [ -n "$r" ]; then pass "avail: $b $m refused: ${r#cob-hook: no usable backend: }"
				else fail "avail: $b $m should be refused (rc $rc): $r"; fi ;;
			*) note "avail: $b $m rc=$rc ${r:0:200}" ;;
			esac ;;
		esac
	done
done
if [ -n "$auto_override" ]; then
	# one doctor run for both modes (a run costs 10-15 s under TCG)
	doc_json=$("$H/cob-doctor" --json)
	for m in override observe; do
		want=$auto_override
		[ "$m" = observe ] && want=$auto_observe
		got=$("$H/cob-hook" can --mode "$m" 2>/dev/null)
		if [ "$got" = "$want" ]; then pass "auto $m picks $got"; else fail "auto $m picks '$got', want $want"; fi
		# cob-doctor must report the same pick (one registry, one probe)
		doc=$(printf '%s\n' "$doc_json" | sed -n "s/.*\"auto_by_mode\":{[^}]*\"$m\":\"\([^\"]*\)\".*/\1/p")
		if [ "$doc" = "$got" ]; then pass "doctor's auto $m agrees: $doc"; else fail "doctor's auto $m is '$doc', cob-hook picks '$got'"; fi
	done
fi
note "backends here:$have"
ovr_backends=""
for b in kprobe-copyout fmodret-copyout fmodret-permission; do avail "$b" && ovr_backends="$ovr_backends $b"; done
is_ovr() { case " $ovr_backends " in *" $1 "*) return 0 ;; esac; return 1; }

# --------------------------------------------------------------- test files --
section test-files
KF=$W/known7            # known file, width 7, 4 MiB + 5 bytes: records straddle pages
KSIZE=4194309
"$H/cob-mkfile" --kind known --size "$KSIZE" --width 7 --out "$KF" || { fail "cob-mkfile"; exit 1; }
THR=$("$H/cob-mkfile" --threshold 50 --width 7)
SF=$W/small             # 1 MiB for the 4 KiB / 64 KiB / concurrency runs
SSIZE=1048576
"$H/cob-mkfile" --kind known --size "$SSIZE" --width 7 --out "$SF"

# ------------------------------------------------------------------- basic --
section basic
for b in $ovr_backends; do
	for buf in 4096 65536; do
		it=500
		[ "$quick" = 1 ] && it=100
		csv=$out/basic-$b-$buf.csv
		hook "$b" override "$csv" -- "$H/cob-read" --file "$SF" --buf "$buf" --iterations "$it"
		kind=all
		[ "$b" = fmodret-copyout ] && kind=firstcopy
		expect_run "basic: $b override buf=$buf x$it (seek 0)" "$csv" "$SSIZE" "$kind"
	done
done

# ---------------------------------------------------------------------- fr --
section fr
iters_for() { # buffer size -> iterations (sequential)
	case "$1" in
	1) [ "$quick" = 1 ] && echo 40 || echo 300 ;;
	7) [ "$quick" = 1 ] && echo 600 || echo 1200 ;;   # 600 * 7 > 4096: crosses a page
	4096 | 4097) [ "$quick" = 1 ] && echo 8 || echo 64 ;;
	*) echo 6 ;;                                      # 1 MiB: the whole file, then wrap
	esac
}
for b in $have; do
	for m in observe override; do
		[ "$m" = override ] && ! is_ovr "$b" && continue
		for buf in 1 7 4096 4097 1048576; do
			it=$(iters_for "$buf")
			csv=$out/fr-$b-$m-$buf.csv
			hook "$b" "$m" "$csv" --threshold "$THR" -- "$H/cob-read" --file "$KF" --buf "$buf" \
				--iterations "$it" --reposition sequential
			kind=all
			[ "$b" = fmodret-copyout ] && [ "$m" = override ] && kind=firstcopy
			expect_run "fr: $b $m buf=$buf x$it sequential, threshold $THR" "$csv" "$KSIZE" "$kind"
		done
	done
done

# ------------------------------------------------------------------ access --
section access
for b in $have; do
	for m in observe override; do
		[ "$m" = override ] && ! is_ovr "$b" && continue
		for a in pread readv; do
			if [ "$b" = fmodret-permission ] && [ "$m" = override ] && [ "$a" = readv ]; then
				r=$("$H/cob-hook" can --backend "$b" --mode "$m" --access "$a" 2>&1)
				rc=$?
				if [ "$rc" = 3 ] && [[ "$r" == *"cannot override access readv: "* ]]; then
					pass "access: $b $m $a refused: ${r#cob-hook: no usable backend: }"
				else
					fail "access: $b $m $a should be refused (rc $rc): $r"
				fi
				continue
			fi
			buf=4097 kind=all
			[ "$b" = fmodret-copyout ] && [ "$m" = override ] && buf=4096
			it=$(iters_for "$buf")
			csv=$out/access-$b-$m-$a.csv
			hook "$b" "$m" "$csv" --threshold "$THR" -- "$H/cob-read" --file "$KF" --buf "$buf" \
				--iterations "$it" --reposition sequential --access "$a"
			expect_run "access: $b $m $a buf=$buf x$it sequential" "$csv" "$KSIZE" "$kind"
		done
	done
done

# -------------------------------------------------------------------- cold --
section cold
if avail fmodret-permission; then
	fst=$(stat -f -c %T /var/tmp 2>/dev/null)
	case "$fst" in
	ext2/ext3 | ext4 | ext2 | xfs | btrfs)
		DF=/var/tmp/cob-cold
		"$H/cob-mkfile" --kind known --size 262144 --width 7 --out "$DF"
		csv=$out/cold-drop.csv
		hook fmodret-permission override "$csv" -- "$H/cob-read" --file "$DF" --buf 4096 --iterations 50 --cache drop
		s=$(csvstat "$csv" 262144)
		read -r rows ok nm cp br nh nf mf <<<"$s"
		first=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } NR == 2 { print $col["status"] }' "$csv")
		if [ "$rows" = 50 ] && [ "$first" = copied ] && [ "$ok" = 49 ] && [ "$nm" -ge 49 ]; then
			pass "cold: fmodret-permission after drop_caches on $fst: first read let through (copied), then $ok ok, $nm match"
		else
			fail "cold: fmodret-permission after drop_caches on $fst: first=$first; $rows reads, $ok ok, $nm match, $cp copied"
		fi
		# drop-each: drop_caches before every read, so the cold path is taken again and again
		csv=$out/cold-drop-each.csv
		hook fmodret-permission override "$csv" -- "$H/cob-read" --file "$DF" --buf 4096 --iterations 20 --cache drop-each
		# drop_caches cannot always evict (Debian 6.1 kept the pages after ~10
		# rounds): every read must be either let through (copied) or ok with
		# the exact result, and the cold path must have been taken
		read -r rows ok nm cp br nh nf mf <<<"$(csvstat "$csv" 262144)"
		okm=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
			$col["status"] == "ok" && $col["match"] == 1 { k++ } END { print k + 0 }' "$csv")
		if [ "$rows" = 20 ] && [ "$cp" -ge 1 ] && [ $((cp + ok)) = 20 ] && [ "$okm" = "$ok" ]; then
			pass "cold: fmodret-permission with drop_caches before every read: $cp cold reads let through (copied), $ok cached reads ok with the exact result"
		else
			fail "cold: fmodret-permission with drop_caches before every read: $rows reads, $ok ok, $cp copied, $br bad_ret"
		fi
		rm -f "$DF"
		;;
	*) note "cold: /var/tmp is '$fst', not a disk file system: skipped" ;;
	esac
fi

# -------------------------------------------------------------------- conc --
section conc
# conc_once B HOOKED_ITERS: sets prows pmatch hrows hok hrc overlap what
conc_once() {
	local b=$1 hit=$2 hp pfirst plast hfirst hlast
	csv=$out/conc-$b-hook.csv pcsv=$out/conc-$b-plain.csv
	rm -f "$csv" "$pcsv"
	"$H/cob-hook" run --backend "$b" --mode override --csv "$csv" -- \
		"$H/cob-read" --file "$SF" --buf 4096 --iterations "$hit" >"$csv.log" 2>&1 &
	hp=$!
	if ! hooked "$csv.log" "$hp"; then
		kill "$hp" 2>/dev/null
		wait "$hp" 2>/dev/null
		what="the hook never attached ($(tail -n1 "$csv.log"))"
		return 1
	fi
	"$H/cob-read" --file "$SF" --buf 4096 --iterations "$pit" >"$pcsv" 2>"$pcsv.log"
	wait "$hp"
	hrc=$?
	# plain: iter,offset,req,ret,errno,lat_ns,t_start_ns,t_end_ns,bytes_match,...
	read -r prows pmatch pfirst plast <<<"$(awk -F, 'NR > 1 { n++; m += $9; if (!f) f = $7; l = $8 } END { print n + 0, m + 0, f + 0, l + 0 }' "$pcsv")"
	read -r hrows hok hfirst hlast <<<"$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ n++; if ($col["status"] == "ok") k++; if (!f) f = $col["t_start_ns"]; l = $col["t_end_ns"] } END { print n + 0, k + 0, f + 0, l + 0 }' "$csv" 2>/dev/null)"
	what="plain reader: $pmatch/$prows exact; hooked: $hok/$hrows ok (rc $hrc); hooked ${hfirst}..${hlast} ns, plain ${pfirst}..${plast} ns"
	overlap=0
	[ "$hrows" -gt 0 ] && [ "$hfirst" -lt "$pfirst" ] && [ "$hlast" -gt "$plast" ] && overlap=1
	return 0
}
# enough reads for both runs to overlap for seconds; the hooked run is longer
pit=2000
for b in $ovr_backends; do
	# the hooked run must outlast the plain one: retry longer if it did not
	hit=8000
	for _ in 1 2 3; do
		conc_once "$b" "$hit" || break
		[ "$overlap" = 1 ] && break
		note "conc: $b: the hooked run ($hit reads) ended before the plain reader; again with $((hit * 2))"
		hit=$((hit * 2))
	done
	if [ "$overlap" != 1 ]; then
		fail "conc: $b: override not shown active during all plain reads: $what"
	elif [ "$prows" = "$pit" ] && [ "$pmatch" = "$pit" ] && [ "$hrc" = 0 ] && [ "$hok" = "$hrows" ]; then
		pass "conc: $b override active throughout: $what"
	else
		fail "conc: $b: $what"
	fi
done

# -------------------------------------------------------------------- kill --
section kill
for b in $have; do
	m=override
	is_ovr "$b" || m=observe
	"$H/cob-hook" run --backend "$b" --mode "$m" --csv "$out/kill-$b.csv" -- \
		"$H/cob-read" --file "$SF" --buf 4096 --iterations 200000 >"$out/kill-$b.log" 2>&1 &
	hp=$!
	if ! hooked "$out/kill-$b.log" "$hp"; then
		fail "kill: $b: the hook never attached ($(tail -n1 "$out/kill-$b.log"))"
		kill "$hp" 2>/dev/null
		wait "$hp" 2>/dev/null
		continue
	fi
	before=$(our_progs | wc -l)
	kill -KILL "$hp"
	wait "$hp" 2>/dev/null
	if wait_for 10 no_hooks; then
		pass "kill: $b $m: SIGKILL of cob-hook: its $before programs/trampolines, hooks and workload are gone"
	else
		fail "kill: $b $m: still there 10 s after SIGKILL: $(hooks_left | tr '\n' ';')"
	fi
done

case "$rel" in *-cob-thesis) ovrfail 0 ;; esac

run_parts

skips=""
[ "$nskip" -gt 0 ] && skips=", $nskip skipped"
echo "# $npass passed, $nfail failed ($rel$skips)"
[ "$nfail" = 0 ] && [ "$npass" -gt 0 ]
