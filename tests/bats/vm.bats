#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2016,SC2030,SC2031 # bats sets $stderr; guest scripts in single quotes; COB_CACHE per test
# Guest kernels under qemu (vm/): both kernels boot and run a command, exit
# codes come back, a panic and a hang are reported within the timeout with a
# console log, and nothing is left behind (qemu processes, temp dirs).
#
# Caches: the thesis kernel comes from the shared cache ($COB_CACHE, default
# /var/cache/copyout-bench) and is built there when missing (about 5-8 min, once:
# that is the cold-cache path CI takes). The Debian kernel, the initramfs and
# the logs are exercised from an empty cache in a temporary COB_CACHE.
# Guest time: about 1-2 min with the thesis kernel cached.

bats_require_minimum_version 1.5.0
load common
VM_TIMEOUT=180

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	export SHARED_CACHE=${COB_CACHE:-/var/cache/copyout-bench}
	# Build (or find) the thesis kernel once, before the tests (progress on fd 3).
	COB_CACHE="$SHARED_CACHE" bash vm/kernel.sh path thesis 2>&3 >/dev/null
}

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	export COB_CACHE="$SHARED_CACHE"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
	unset COB_VM_ACCEL COB_VM_TIMEOUT
}

# No qemu left running with our files, no cob-vm.* temp dir left in TMPDIR.
# Every check returns explicitly: a `! cmd` that is not a function's or test's
# last command never fails a bats test (and `run` turns errexit off).
nothing_left() {
	local st=0 left
	pgrep -af "qemu-system.*$BATS_TEST_TMPDIR" || st=$?
	# pgrep: 1 = no such process; 0 = found (printed above); 2, 3 = pgrep failed
	[ "$st" -eq 1 ] || { echo "nothing_left: qemu still running, or pgrep failed (status $st)"; return 1; }
	[ -d "$TMPDIR" ] || { echo "nothing_left: no TMPDIR $TMPDIR"; return 1; }
	left=$(find "$TMPDIR" -maxdepth 1 -name 'cob-vm.*' -print)
	[ -z "$left" ] || { echo "nothing_left: left behind: $left"; return 1; }
}

vm() { bash vm/vm.sh --timeout "$VM_TIMEOUT" "$@"; }

# The helper every guest test ends with must be able to fail (no guest needed).
@test "nothing_left fails on a leftover qemu process and on a leftover temp dir" {
	run nothing_left
	[ "$status" -eq 0 ]
	# a process whose command line looks like one of our qemus
	bash -c 'exec -a "qemu-system-x86_64 -pidfile $1/cob-vm.x/qemu.pid" sleep 60' sh "$TMPDIR" 3>&- &
	fake=$!
	for _ in $(seq 50); do pgrep -f "qemu-system.*$BATS_TEST_TMPDIR" >/dev/null && break; sleep 0.1; done
	run nothing_left
	kill "$fake"
	wait "$fake" || true
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"qemu still running"* ]]
	run nothing_left
	[ "$status" -eq 0 ]
	mkdir "$TMPDIR/cob-vm.left"
	run nothing_left
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"left behind: $TMPDIR/cob-vm.left"* ]]
}

@test "vm, kernel, initramfs: --help works, bad usage is one line and exit 2" {
	for s in vm kernel initramfs; do
		run bash "vm/$s.sh" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *usage:* ]]
	done
	for s in "fetch --help" "build --help" "path --help" "info --help"; do
		# shellcheck disable=SC2086
		run bash vm/kernel.sh $s
		[ "$status" -eq 0 ]
		[[ "$output" == *usage:* ]]
	done
	run --separate-stderr bash vm/vm.sh --mem lots -- true
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run --separate-stderr bash vm/vm.sh --kernel thesis
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no command"* ]]
	run --separate-stderr bash vm/vm.sh --accel warp -- true
	[ "$status" -eq 2 ]
	run --separate-stderr bash vm/kernel.sh frobnicate
	[ "$status" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	run --separate-stderr bash vm/kernel.sh path /nonexistent/bzImage
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"no such kernel image"* ]]
}

@test "thesis kernel: the fragment survived and copyout is a function in System.map" {
	run bash vm/kernel.sh info thesis
	[ "$status" -eq 0 ]
	cfg=$(sed -n 's/^config=//p' <<<"$output")
	for o in KPROBES BPF_KPROBE_OVERRIDE FUNCTION_ERROR_INJECTION DEBUG_INFO_BTF BLK_DEV_RAM 9P_FS FTRACE_SYSCALLS ACPI HPET_TIMER; do
		grep -qx "CONFIG_$o=y" "$cfg" || { echo "CONFIG_$o missing"; return 1; }
	done
	dir=$(sed -n 's/^dir=//p' <<<"$output")
	# a text symbol named exactly copyout (not copyout_mc, not a data symbol)
	[ "$(awk '$3 == "copyout" { print $2 }' "$dir/System.map")" = t ]
}

# What a guest kernel makes of copyout, one key=value per line: its kallsyms
# type, its error-injection type, whether ftrace can trace it, and how often a
# kprobe on it fired while a file was read in 4 KiB read()s (or "refused").
COPYOUT_PROBE='t=/sys/kernel/tracing
echo "kallsyms=$(awk '"'"'$3 == "copyout" { printf "%s", $2 }'"'"' /proc/kallsyms)"
echo "errinj=$(awk '"'"'$1 == "copyout" { print $2 }'"'"' /sys/kernel/debug/error_injection/list 2>/dev/null)"
echo "ftrace=$(grep -cx copyout $t/available_filter_functions)"
if echo "p:cobprobe/copyout copyout" >>$t/kprobe_events 2>/dev/null; then
	echo 1 >$t/events/cobprobe/copyout/enable
	dd if=/cob/run.sh of=/dev/null bs=4k 2>/dev/null # read(2); busybox cat would sendfile
	echo "reads=$((($(wc -c </cob/run.sh) + 4095) / 4096))"
	echo 0 >$t/events/cobprobe/copyout/enable
	echo "kprobe_hits=$(awk '"'"'$1 == "copyout" { print $2 }'"'"' $t/kprobe_profile)"
	echo "-:cobprobe/copyout" >>$t/kprobe_events
else
	echo kprobe_hits=refused
fi'

# The patch (configs/kernel/copyout-error-injection.patch) took effect: copyout
# is a real function, error-injectable with ERRNO (bpf_override_return may
# override it), has an ftrace site, and a kprobe on it fires when files are read.
@test "thesis guest: copyout is patched (function, ERRNO error injection, ftrace site, kprobe fires)" {
	run --separate-stderr vm --kernel thesis -- --raw sh -c "$COPYOUT_PROBE"
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(sed -n 's/^kallsyms=//p' <<<"$output")" = t ]
	[ "$(sed -n 's/^errinj=//p' <<<"$output")" = ERRNO ]
	[ "$(sed -n 's/^ftrace=//p' <<<"$output")" = 1 ]
	# at least one copyout per 4 KiB read of the file (other processes may add some)
	hits=$(sed -n 's/^kprobe_hits=//p' <<<"$output")
	reads=$(sed -n 's/^reads=//p' <<<"$output")
	[[ "$hits" =~ ^[0-9]+$ ]]
	[ "$reads" -gt 0 ]
	[ "$hits" -ge "$reads" ]
	nothing_left
}

# The same probe on a stock kernel finds none of it: the check above tells a
# patched copyout from an unpatched one.
@test "debian guest: the copyout probe finds no patch (control)" {
	run --separate-stderr vm --kernel debian -- --raw sh -c "$COPYOUT_PROBE"
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(sed -n 's/^errinj=//p' <<<"$output")" = "" ]
	[ "$(sed -n 's/^ftrace=//p' <<<"$output")" = 0 ]
	[ "$(sed -n 's/^kprobe_hits=//p' <<<"$output")" = refused ]
	nothing_left
}

@test "thesis guest: runs a raw command and returns its exit code" {
	start=$SECONDS
	run --separate-stderr vm --kernel thesis -- --raw sh -c 'uname -r; echo "where=$COB_WHERE kernel=$COB_GUEST_KERNEL"
		echo "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"; exit 3'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 3 ]
	# a fine clock for per-read timestamps (not jiffies)
	[[ "$output" == *clocksource=* ]]
	[[ "$output" != *clocksource=*jiffies* ]]
	[[ "$output" == *-cob-thesis* ]]
	[[ "$output" == *"where=guest-tcg kernel="*-cob-thesis* ]]
	[[ "$stderr" == *"exited with status 3"* ]]
	echo "# thesis boot + command: $((SECONDS - start)) s" >&3
	nothing_left
}

@test "a failing run.sh subcommand in the guest propagates its exit code" {
	run --separate-stderr vm --kernel thesis -- sweep no-such-experiment
	echo "$output"; echo "$stderr"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no experiment 'no-such-experiment'"* ]]
	nothing_left
}

@test "results come back through the --out directory's share" {
	out="$BATS_TEST_TMPDIR/res/run1"
	# the command sees --out as "$1" and the (rewritten, absolute) path as "$2"
	run vm --kernel thesis -- --raw sh -c 'mkdir "$2" && uname -r >"$2/release" && df /var/tmp >"$2/df"' sh --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$(cat "$out/release")" == *-cob-thesis ]]
	grep -q /dev/vda "$out/df"
	[ -s "$out/vm-console.log" ]
	grep -q COB-GUEST-EXIT=0 "$out/vm-console.log"
	nothing_left
}

@test "a guest kernel panic is reported within the timeout with its console log" {
	start=$SECONDS
	run --separate-stderr bash vm/vm.sh --kernel thesis --timeout 60 -- --raw sh -c 'echo c >/proc/sysrq-trigger; sleep 100'
	echo "$stderr"
	[ "$status" -eq 125 ]
	[ $((SECONDS - start)) -lt 60 ]
	# one report line (other stderr lines: an initramfs rebuild, if any)
	report=$(printf '%s\n' "$stderr" | grep '^vm: ')
	[ "$(printf '%s\n' "$report" | wc -l)" -eq 1 ]
	[[ "$report" == *"guest crashed: "*"Kernel panic"* ]]
	log=${report##*console log: }
	[ -s "$log" ]
	grep -q sysrq "$log"
	nothing_left
}

@test "a hung guest is killed at the timeout and reported (exit 124)" {
	start=$SECONDS
	run --separate-stderr bash vm/vm.sh --kernel thesis --timeout 10 -- --raw sleep 1000
	echo "$stderr"
	[ "$status" -eq 124 ]
	[ $((SECONDS - start)) -lt 30 ]
	report=$(printf '%s\n' "$stderr" | grep '^vm: ')
	[ "$(printf '%s\n' "$report" | wc -l)" -eq 1 ]
	[[ "$report" == *"timed out after 10s"* ]]
	log=${report##*console log: }
	[ -f "$log" ]
	# before the kill, qemu's monitor said what each vCPU was doing
	grep -q "^cob-vm: guest still running after 10s; what qemu's vCPUs are doing:" "$log"
	[ "$(grep -c '^RIP=[0-9a-f]\{16\} ' "$log")" -eq 2 ]
	grep -qE '^[0-9a-f]{16}: 0x[0-9a-f]{2}' "$log"
	grep -qE '^ +[0-9]+ v=[0-9a-f]+ pc=[0-9a-f]+$' "$log"
	nothing_left
}

@test "debian kernel from a cold cache: fetch, boot, exit code, modules" {
	export COB_CACHE="$BATS_TEST_TMPDIR/cache"
	start=$SECONDS
	run --separate-stderr vm --kernel debian -- --raw sh -c 'uname -r; modprobe brd rd_nr=1 rd_size=1024 && ls /dev/ram0
		echo "clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"; exit 5'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 5 ]
	[[ "$output" != *clocksource=*jiffies* ]]
	[[ "$output" == *-amd64* ]]
	[[ "$output" == */dev/ram0* ]]
	ls "$COB_CACHE"/kernels/debian-*/.complete
	echo "# debian cold cache (fetch + initramfs + boot): $((SECONDS - start)) s" >&3
	# warm: no fetch, no initramfs build
	start=$SECONDS
	run --separate-stderr vm --kernel debian -- --raw true
	[ "$status" -eq 0 ]
	[[ "$stderr" != *fetching* ]]
	echo "# debian warm boot: $((SECONDS - start)) s" >&3
	nothing_left
}

@test "the fragment check lists options missing from a .config" {
	cfg=$(bash vm/kernel.sh info thesis | sed -n 's/^config=//p')
	run --separate-stderr bash vm/kernel.sh check-config "$cfg"
	[ "$status" -eq 0 ]
	{ cat configs/kernel/thesis.config; echo CONFIG_COB_NO_SUCH_OPTION=y; echo '# CONFIG_KPROBES is not set'; } >"$BATS_TEST_TMPDIR/bad.config"
	run --separate-stderr bash vm/kernel.sh check-config "$BATS_TEST_TMPDIR/bad.config" "$cfg"
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"CONFIG_COB_NO_SUCH_OPTION=y (got: nothing"* ]]
	[[ "$stderr" == *"# CONFIG_KPROBES is not set (got: CONFIG_KPROBES=y)"* ]]
}

@test "thesis-int3: the thesis patch minus its lib/Makefile hunk, cached under a key of its own" {
	# shellcheck disable=SC2016
	run bash -c '. vm/kernel.sh --help >/dev/null; makefile_hunk "$PATCH"'
	[ "$status" -eq 0 ]
	[ "$(grep -c '^--- ' <<<"$output")" -eq 1 ]
	[[ "$output" == *"--- a/lib/Makefile"* ]]
	[[ "$output" == *'+CFLAGS_iov_iter.o += $(CC_FLAGS_FTRACE)'* ]]
	[[ "$output" != *"a/lib/iov_iter.c"* ]]
	# shellcheck disable=SC2016
	run bash -c '. vm/kernel.sh --help >/dev/null; thesis_key; thesis_int3_key; basename "$(thesis_int3_dir)"'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" != "${lines[1]}" ]
	[ "${lines[2]}" = "thesis-int3-${lines[1]}" ]
	run --separate-stderr bash vm/kernel.sh build thesis-int3 --bad
	[ "$status" -eq 2 ]
	run --separate-stderr bash vm/kernel.sh fetch thesis-int3
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"kernel build thesis-int3"* ]]
}

# End to end (unpack, tinyconfig, merge, olddefconfig, check): 1-3 min.
@test "kernel build thesis fails listing a fragment option Kconfig dropped" {
	export COB_CACHE="$BATS_TEST_TMPDIR/cache-bad"
	export COB_KERNEL_FRAGMENT="$BATS_TEST_TMPDIR/bad.config"
	# an unknown option, and one whose dependency (KUNIT) is off
	{ cat configs/kernel/thesis.config; echo CONFIG_COB_NO_SUCH_OPTION=y; echo CONFIG_KPROBES_SANITY_TEST=y; } >"$COB_KERNEL_FRAGMENT"
	run --separate-stderr bash vm/kernel.sh build thesis
	echo "$stderr"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"dropped by Kconfig"* ]]
	[[ "$stderr" == *CONFIG_COB_NO_SUCH_OPTION=y* ]]
	[[ "$stderr" == *CONFIG_KPROBES_SANITY_TEST=y* ]]
	[ -z "$(find "$COB_CACHE/kernels" -maxdepth 1 -name 'thesis-*' -print -quit)" ]
	[ -z "$(find "$COB_CACHE/kernels" -maxdepth 1 -name '.build-*' -print -quit)" ]
}

# reads CSV: "where backend mode status match" of every row, counted
read_kinds() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		{ print $h["where"], $h["backend"], $h["mode"], $h["status"], $h["match"] }' "$1" | sort | uniq -c |
		awk '{ c = $1; $1 = ""; print substr($0, 2) "=" c }'
}

# the host side of a guest sweep: graphs drawn, the console log kept, no
# partial directory next to the results, no qemu
guest_sweep_done() {
	local out=$1
	for f in reads.csv summary.csv iostat.csv meta.json vm-console.log; do
		[ -s "$out/$f" ] || { echo "no $f in $out"; return 1; }
	done
	[ "$(find "$out" -maxdepth 1 -name '*.png' | wc -l)" -ge 2 ] || { echo "no graphs in $out"; return 1; }
	[ -z "$(find "$(dirname "$out")" -maxdepth 1 -name '.partial*' -print -quit)" ] || { echo "partial dir left"; return 1; }
	jq -e '.where == "guest-tcg" and .status == "complete" and (.guest_accel | length > 0)' "$out/meta.json" ||
		{ echo "meta.json does not say guest-tcg, complete"; return 1; }
	nothing_left
}

@test "sweep --target vm: a quick sweep in the thesis guest, results and graphs on the host" {
	out="$BATS_TEST_TMPDIR/res/vm"
	run --separate-stderr ./run.sh sweep iterations --quick --target vm --out "$out"
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	guest_sweep_done "$out"
	kinds=$(read_kinds "$out/reads.csv")
	echo "$kinds"
	# auto picks kprobe-copyout in the thesis guest: (1 + 100) reads x 4 points, all ok and matching
	[ "$kinds" = "guest-tcg kprobe-copyout observe ok 1=404" ]
	[ "$(column kernel "$out/reads.csv" | sort -u)" = "$(jq -r .guest_kernel "$out/meta.json")" ]
	[[ "$(column kernel "$out/reads.csv" | sort -u)" == *-cob-thesis ]]
}

# --target auto (the default) sends what the host cannot hook to a guest: here
# override mode, which no backend on this host can do, to the Debian guest.
@test "sweep --target auto: override mode goes to the guest (Debian: fmodret-permission)" {
	out="$BATS_TEST_TMPDIR/res/auto"
	run --separate-stderr ./run.sh sweep iterations --quick --mode override --target auto --kernel debian --out "$out"
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"this host cannot attach the hook iterations needs: running it in the debian guest"* ]]
	guest_sweep_done "$out"
	[[ "$(column kernel "$out/reads.csv" | sort -u)" == *-amd64 ]]
	kinds=$(read_kinds "$out/reads.csv")
	echo "$kinds"
	# override: every read ok and matching, except the first of each point,
	# whose pages were dropped from the cache (cache = drop): let through,
	# copied, flag NOT_CACHED (0x20)
	[ "$(grep -cv '^guest-tcg fmodret-permission override ' <<<"$kinds")" -eq 0 ]
	ok=$(sed -n 's/^guest-tcg fmodret-permission override ok 1=//p' <<<"$kinds")
	[ "${ok:-0}" -ge 396 ]
	[ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["status"] != "ok" && !($h["status"] == "copied" && $h["iter"] == 0 && $h["flags"] == "0x20")' "$out/reads.csv" | wc -l)" -eq 0 ]
	[ "$(column match "$out/reads.csv" | wc -l)" -eq 404 ]
}
