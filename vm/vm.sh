#!/usr/bin/env bash
# copyout-bench: run one run.sh subcommand (or any command) inside a guest
# kernel under qemu. Run as `./run.sh vm ...` or `bash vm/vm.sh ...`.
set -euo pipefail

# shellcheck disable=SC2034 # used by bench/lib.sh
PROG="vm"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${ROOT:-${COB_ROOT:-$(cd "$HERE/.." && pwd)}}
# shellcheck source=bench/lib.sh disable=SC1091
. "$ROOT/bench/lib.sh"
export ROOT
CACHE=${COB_CACHE:-/var/cache/copyout-bench}
QEMU=${COB_QEMU:-qemu-system-x86_64}
NPROC=$(nproc 2>/dev/null || echo 2)

# Exit codes of our own (everything else is the guest command's status).
E_FAIL=1 E_USAGE=2 E_TIMEOUT=124 E_CRASH=125

usage() {
	cat <<EOF
usage: run.sh vm [options] -- <run.sh subcommand> [args...]
       run.sh vm [options] -- --raw <command> [args...]

Boots a guest kernel under qemu with the suite in its initramfs, runs one run.sh
subcommand in it as
  COB_IN_GUEST=1 COB_WHERE=guest-tcg|guest-kvm COB_GUEST_KERNEL=<release> /cob/run.sh ...
(prebuilt binaries from build/, nothing installed or built in the guest), shows
its output live and exits with its exit status. With --raw the command runs as
is (busybox, bash, iostat available), e.g.
  ./run.sh vm --kernel debian -- --raw sh -c 'uname -r; exit 3'     # exits 3
  ./run.sh vm -- doctor                                   # thesis kernel

options:
  --kernel K      thesis (default), thesis-int3, debian, or a bzImage path. Built/fetched and
                  cached on first use (thesis: ~5-8 min once; see run.sh kernel --help)
  --mem M         guest memory in MiB (default 1024)
  --cpus N        guest CPUs (default min(2, host CPUs))
  --timeout S     kill the guest after S seconds (default \${COB_VM_TIMEOUT:-1200})
  --accel A       tcg (default, or \$COB_VM_ACCEL): qemu's TCG with one host thread
                  for all vCPUs; tcg-mt: one host thread per vCPU (faster with
                  several busy vCPUs, but qemu 7.2 can then livelock a vCPU on
                  a stale translation of kernel text the guest patches, e.g. a
                  BPF trampoline attach/detach: see README, Guest kernels);
                  kvm; or auto: KVM only when a probe boot proves a guest boots
                  under it here (cached), else tcg
  --append STR    extra kernel command line, e.g. 'brd.rd_nr=1 brd.rd_size=262144'
                  (brd.rd_size defaults to half of --mem, in KiB: brd storage)
  --disk MB       scratch disk: a fresh ext4 of MB MiB (default 2048, 0: none) on a
                  virtio disk, mounted at /var/tmp in the guest (the work directory
                  of sweeps, so 'disk' storage and drop_caches behave as on a host)
  --results DIR   share DIR (created) with the guest and set COB_RESULTS=DIR there
  --share H[:G]   also share host directory H with the guest, at G (default H)
  --log FILE      save the console log to FILE (default: see below)
  --verbose       show the whole console (boot messages), not just the command
  -h, --help      this text

Results come back over virtio-9p; each shared host directory is mounted in the
guest at the same absolute path, so run.sh writes where a host run would:
  - the command's --out DIR (or --out=DIR): DIR's parent is shared (a relative
    DIR is made absolute against the current directory and rewritten);
  - for run.sh subcommands, the results root (--results DIR, else \$COB_RESULTS,
    else ROOT/results) is shared and passed as COB_RESULTS.
The host's COB_* variables are passed to the guest (except host paths and the
vm machinery). Kernel modules: 9p/virtio are loaded at boot; brd, loop, ext4,
virtio_blk are in the Debian guest for modprobe (thesis: built in). Add more
with COB_VM_MODULES="m1 m2".

Console log: always saved. On success in OUT/vm-console.log when the command
had --out OUT, else in \$COB_CACHE/logs/ (path printed); on any failure in
\$COB_CACHE/logs/ (path printed in the one-line report) and OUT/ if it exists.

Exit status: the guest command's status; $E_TIMEOUT if the guest timed out (hung)
and was killed; $E_CRASH if it ended without a status (kernel panic, oops,
crashed init); $E_FAIL host-side failure (kernel, initramfs, qemu); $E_USAGE bad usage.
Environment: COB_CACHE (default /var/cache/copyout-bench), COB_VM_TIMEOUT,
COB_VM_ACCEL, COB_VM_MODULES, COB_QEMU, BUILD/COB_BUILD (default ROOT/build).
EOF
}


RUN="" QPID="" FPID="" MPID="" WPID="" SAVED_LOG=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	if [ -n "$QPID" ] && [ -z "$SAVED_LOG" ] && [ -s "$RUN/console.raw" ]; then
		save_log 0
		echo "$PROG: guest stopped; console log: $SAVED_LOG" >&2
	fi
	local qpid="" i
	[ -z "$RUN" ] || qpid=$(cat "$RUN/qemu.pid" 2>/dev/null || true)
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		# TERM to qemu; then make sure.
		kill -TERM "$QPID" 2>/dev/null || true
		for i in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$QPID" 2>/dev/null || break
			sleep 0.3
		done
		kill -KILL "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
	fi
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null &&
		grep -q qemu "/proc/$qpid/cmdline" 2>/dev/null; then
		kill -KILL "$qpid" 2>/dev/null || true
	fi
	local p
	for p in "$FPID" "$MPID" "$WPID"; do
		[ -z "$p" ] || kill "$p" 2>/dev/null || true
	done
	[ -z "$RUN" ] || rm -rf "$RUN"
}
on_exit cleanup
trap 'echo "$PROG: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# Single-quote a string for /bin/sh.
sq() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }

isnum() { case "$1" in "" | *[!0-9]*) return 1 ;; esac; }

# ----------------------------------------------------------------- helpers --
kv() { sed -n "s/^$1=//p" <<<"$kinfo"; }

kvm_probe() { # prints yes/no; one short boot, cached per host kernel, qemu and guest kernel
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then echo no; return; fi
	local key f
	key=$({ uname -r; "$QEMU" --version | head -n1; echo "$bzimage"; } | sha256sum | cut -c1-16)
	f="$CACHE/kvm-probe/$key"
	if [ ! -f "$f" ]; then
		log "probing KVM with one short boot (result cached in $f)"
		mkdir -p "$CACHE/kvm-probe"
		if bash "$HERE/vm.sh" --kernel "$kernel" --accel kvm --timeout 30 --disk 0 --log /dev/null \
			-- --raw true >/dev/null 2>&1; then
			echo yes >"$f"
		else
			echo no >"$f"
		fi
	fi
	cat "$f"
}

add_share() { # HOSTDIR GUESTDIR (HOSTDIR absolute and physical)
	local n=$((${#SH_HOST[@]} + 1))
	case "$1" in *,*) die 1 "cannot share a path containing a comma: $1" ;; esac
	[ "$1" != / ] || die 1 "refusing to share / with the guest"
	SH_HOST+=("$1") SH_GUEST+=("$2")
	share_args+=(-virtfs "local,path=$1,mount_tag=cob$n,security_model=$secmodel,multidevs=remap,id=fs$n")
	mounts+=("cob$n $2")
}

covered() { # PATH: inside a directory shared at its own path?
	local i
	for i in "${!SH_HOST[@]}"; do
		[ "${SH_HOST[$i]}" = "${SH_GUEST[$i]}" ] || continue
		case "$1/" in "${SH_HOST[$i]}"/*) return 0 ;; esac
	done
	return 1
}

physdir() { mkdir -p "$1" && (cd "$1" && pwd -P); } # create, print physical path

abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }

save_log() { # OK(0|1): copy the console log where it belongs, set SAVED_LOG
	local ok=$1 dst
	[ "$logfile" != /dev/null ] || { SAVED_LOG=/dev/null; return 0; }
	if [ -n "$logfile" ]; then
		dst=$logfile
	elif [ "$ok" = 1 ] && [ -n "$outdir" ] && [ -d "$outdir" ]; then
		dst="$outdir/vm-console.log"
	else
		mkdir -p "$CACHE/logs" 2>/dev/null || true
		dst="$CACHE/logs/vm-$(date +%Y%m%d-%H%M%S)-$$-$kname.log"
		find "$CACHE/logs" -maxdepth 1 -name 'vm-*.log' -printf '%T@ %p\n' 2>/dev/null | sort -rn |
			tail -n +50 | cut -d' ' -f2- | while IFS= read -r old; do rm -f "$old"; done
	fi
	mkdir -p "$(dirname "$dst")" 2>/dev/null || true
	if tr -d '\r' <"$qlog" >"$dst" 2>/dev/null; then SAVED_LOG=$dst; else
		SAVED_LOG="(could not write $dst)"
	fi
	# On failure also leave a copy next to the results when they exist.
	if [ "$ok" = 0 ] && [ -z "$logfile" ] && [ -n "$outdir" ] && [ -d "$outdir" ]; then
		tr -d '\r' <"$qlog" >"$outdir/vm-console.log" 2>/dev/null || true
	fi
}

mon() { # mon COMMAND: one monitor command; its answer lands in mon.log
	printf '%s\n' "$1" >"$RUN/mon.in"
	sleep 0.3
}

# hang_report: before a hung guest is killed, ask qemu what each vCPU is
# doing (registers, the bytes at its instruction pointer, and which
# exceptions it takes in one second) and append that to the console log.
# A vCPU that takes thousands of the same exception at one address while
# memory there holds another instruction is looping in qemu, not the guest.
hang_report() {
	local rip n=0
	mon "info registers -a"
	for rip in $(tr -d '\r' <"$RUN/mon.log" | sed -n 's/^RIP=\([0-9a-f]*\) .*/\1/p'); do
		mon "cpu $n"
		mon "x /8xb 0x$rip"
		n=$((n + 1))
	done
	mon "logfile $RUN/exceptions.log"
	mon "log int"
	sleep 1
	mon "log none"
	{
		echo "cob-vm: guest still running after ${timeout}s; what qemu's vCPUs are doing:"
		tr -d '\r' <"$RUN/mon.log" | grep -aE '^(CPU#|RIP=|[0-9a-f]{16}: 0x)' || true
		echo "cob-vm: exceptions and interrupts in 1 s (count, vector, pc):"
		sed -n 's/^ *[0-9]*: v=\([0-9a-f]*\) .* pc=\([0-9a-f]*\) .*/v=\1 pc=\2/p' "$RUN/exceptions.log" 2>/dev/null |
			sort | uniq -c | sort -rn | head -n 5
	} >>"$qlog"
}

# ------------------------------------------------------------------ options --
parse_args() {
	kernel=thesis mem=1024 cpus=$((NPROC < 2 ? NPROC : 2)) timeout=${COB_VM_TIMEOUT:-1200}
	accel=${COB_VM_ACCEL:-tcg} append="" logfile="" verbose=0 results="" disk_mb=${COB_VM_DISK_MB:-2048}
	shares=()
	while [ $# -gt 0 ]; do
		case "$1" in
		-h | --help) usage; exit 0 ;;
		--kernel | --mem | --cpus | --timeout | --accel | --append | --log | --share | --results | --disk)
			[ $# -ge 2 ] || usage_err "$1 needs a value"
			case "$1" in
			--kernel) kernel=$2 ;;
			--mem) mem=$2 ;;
			--cpus) cpus=$2 ;;
			--timeout) timeout=$2 ;;
			--accel) accel=$2 ;;
			--append) append=$2 ;;
			--log) logfile=$2 ;;
			--share) shares+=("$2") ;;
			--results) results=$2 ;;
			--disk) disk_mb=$2 ;;
			esac
			shift 2
			;;
		--kernel=* | --mem=* | --cpus=* | --timeout=* | --accel=* | --append=* | --log=* | --share=* | --results=* | --disk=*)
			set -- "${1%%=*}" "${1#*=}" "${@:2}"
			;;
		--verbose) verbose=1; shift ;;
		--) shift; break ;;
		*) usage_err "unknown option '$1' (the guest command goes after --)" ;;
		esac
	done
	[ $# -gt 0 ] || usage_err "no command: run.sh vm [options] -- <subcommand ...>"
	if ! isnum "$mem" || [ "$mem" -lt 128 ]; then usage_err "--mem must be a number of MiB >= 128"; fi
	if ! isnum "$cpus" || [ "$cpus" -lt 1 ]; then usage_err "--cpus must be a positive number"; fi
	if ! isnum "$disk_mb"; then usage_err "--disk must be a size in MiB (0: none)"; fi
	if ! isnum "$timeout" || [ "$timeout" -lt 1 ]; then usage_err "--timeout must be a positive number of seconds"; fi
	case "$accel" in tcg | tcg-mt | kvm | auto) ;; *) usage_err "--accel must be tcg, tcg-mt, kvm or auto" ;; esac
	command -v "$QEMU" >/dev/null || die 1 "missing $QEMU (apt-get install qemu-system-x86)"
	for t in cpio timeout; do command -v "$t" >/dev/null || die 1 "missing tool '$t'"; done

	raw=0
	if [ "$1" = --raw ]; then
		raw=1; shift
		[ $# -gt 0 ] || usage_err "--raw needs a command"
	fi
	cmd=("$@")
}

# --------------------------------------------------------- kernel, initramfs --
prepare_kernel() {
	kinfo=$(bash "$HERE/kernel.sh" info "$kernel") || die 1 "cannot get kernel '$kernel' (see above)"
	kname=$(kv name) bzimage=$(kv bzimage) boot=$(kv boot) release=$(kv release)
	[ -n "$boot" ] || boot=$bzimage
	initrd=$(bash "$HERE/initramfs.sh" --release "$release" --moddir "$(kv modules)" --config "$(kv config)") ||
		die 1 "cannot build the initramfs (see above)"
}

# -------------------------------------------------------------------- accel --
choose_accel() {
	if [ "$accel" = auto ]; then
		if [ "$(kvm_probe)" = yes ]; then accel=kvm; else
			accel=tcg
			log "KVM cannot boot a guest here; using TCG"
		fi
	fi
	# TCG runs every vCPU on one host thread unless tcg-mt is asked for. With one
	# thread per vCPU (qemu 7.2, Debian 12), a vCPU that translates a piece of
	# kernel text while another vCPU rewrites it (text_poke_bp: int3, tail, first
	# byte, as every BPF trampoline, ftrace or kprobe attach/detach does) can keep
	# the translation of the transient int3 after memory holds the final
	# instruction: the kernel's int3 handler sees no int3 in memory, backs up and
	# retries, forever (soft lockup / RCU stall at the patched function's entry).
	# With one thread, translation and guest stores never interleave.
	case "$accel" in
	kvm) accel_args=(-accel kvm -cpu max) accel_desc=kvm ;;
	tcg-mt)
		accel_args=(-accel "tcg,thread=multi" -cpu max) accel_desc="tcg,thread=multi"
		[ "$cpus" -lt 2 ] || log "warning: tcg-mt: $cpus vCPUs on their own threads can livelock when the guest patches kernel text (BPF attach/detach)"
		;;
	*) accel_args=(-accel "tcg,thread=single" -cpu max) accel_desc="tcg,thread=single" ;;
	esac
	where="guest-${accel%-mt}"
}

# ------------------------------------------------------------- shares, argv --
prepare_shares() {
	# Results come back over virtio-9p, each host directory mounted in the guest at
	# the SAME absolute path: run.sh inside the guest then writes, renames (its
	# .partial-* -> final dance) and records paths exactly as a host run would, and
	# no command line needs translating beyond making relative --out paths absolute.
	# (A virtio disk would need an image and a copy back; the serial line is slow and
	# mixes with the console. 9p is built into the thesis kernel and a module in
	# Debian's.) The exit status travels in a separate control share, so the user's
	# output directory only ever holds what the command wrote (plus vm-console.log).
	RUN=$(mktemp -d "${TMPDIR:-/tmp}/cob-vm.XXXXXX")
	mkdir -p "$RUN/ctl" "$RUN/initrd/cob-run"
	secmodel=passthrough
	[ "$(id -u)" = 0 ] || secmodel=none
	share_args=(-virtfs "local,path=$RUN/ctl,mount_tag=cobctl,security_model=$secmodel,multidevs=remap,id=fsctl")
	mounts=("cobctl /cob-ctl")
	SH_HOST=() SH_GUEST=()

	# 1. the results root: --results DIR, else run.sh's own (COB_RESULTS or results/)
	res=""
	if [ -n "$results" ]; then
		res=$(physdir "$(abspath "$results")") || die 1 "cannot create the results directory $results"
	elif [ "$raw" = 0 ]; then
		res=$(physdir "${COB_RESULTS:-$ROOT/results}") || die 1 "cannot create the results directory ${COB_RESULTS:-$ROOT/results}"
	fi
	[ -z "$res" ] || add_share "$res" "$res"
	# 2. the command's --out DIR: its parent is shared (run.sh creates DIR itself, by
	#    renaming a sibling .partial-* directory), unless already inside a share.
	outdir=""
	for i in "${!cmd[@]}"; do
		a=${cmd[$i]} n=$((i + 1)) o=""
		case "$a" in
		--out) [ "$n" -lt "${#cmd[@]}" ] && o=${cmd[$n]} ;;
		--out=*) o=${a#--out=} ;;
		esac
		[ -n "$o" ] || continue
		o=$(abspath "$o")
		o=${o%/}
		parent=$(physdir "$(dirname "$o")") || die 1 "cannot create $(dirname "$o")"
		outdir="${parent%/}/$(basename "$o")"
		if [ "$a" = --out ]; then cmd[n]=$outdir; else cmd[i]="--out=$outdir"; fi
		covered "$parent" || add_share "$parent" "$parent"
	done
	# 3. --share H[:G]
	for s in ${shares[@]+"${shares[@]}"}; do
		h=${s%%:*} g=${s#*:}
		[ "$g" != "$s" ] || g=""
		[ -d "$h" ] || die 1 "--share: no such directory: $h"
		h=$(cd "$h" && pwd -P)
		add_share "$h" "${g:-$h}"
	done

	# The guest's working directory mirrors the host's when it is inside the repo.
	rootp=$(cd "$ROOT" && pwd -P) herep=$(pwd -P)
	case "$herep/" in
	"$rootp"/*) gcwd="/cob${herep#"$rootp"}" ;;
	*) gcwd=/cob ;;
	esac

	{
		printf 'export COB_IN_GUEST=1 COB_WHERE=%s COB_GUEST_KERNEL=%s COB_GUEST_KERNEL_NAME=%s\n' \
			"$(sq "$where")" "$(sq "$release")" "$(sq "$kname")"
		printf 'export COB_RUN_CWD=%s COB_RUN_CTL=/cob-ctl COB_HOST_ROOT=%s\n' "$(sq "$gcwd")" "$(sq "$rootp")"
		printf 'export COB_GUEST_ACCEL=%s COB_GUEST_CPUS=%s\n' "$(sq "$accel_desc")" "$cpus"
		[ -z "$res" ] || printf 'export COB_RESULTS=%s\n' "$(sq "$res")"
		# Pass the host's COB_* settings, except host-side paths and machinery.
		while IFS='=' read -r name _; do
			case "$name" in
			COB_IN_GUEST | COB_WHERE | COB_GUEST_* | COB_RUN_* | COB_HOST_ROOT | COB_CACHE | COB_VM_* | \
				COB_KERNEL_SRC | COB_BUSYBOX | COB_BASH_STATIC | COB_QEMU | COB_KEEP_BUILD | COB_RESULTS | \
				COB_ROOT | COB_BUILD) continue ;;
			esac
			printf 'export %s=%s\n' "$name" "$(sq "${!name}")"
		done < <(env | grep -E '^COB_[A-Za-z0-9_]*=' || true)
	} >"$RUN/initrd/cob-run/env"
	{
		printf 'set --'
		if [ "$raw" = 0 ]; then printf ' /bin/bash /cob/run.sh'; fi
		for a in "${cmd[@]}"; do printf ' %s' "$(sq "$a")"; done
		printf '\n'
	} >"$RUN/initrd/cob-run/argv"
	# parents before children
	printf '%s\n' "${mounts[@]}" | sort -k2 >"$RUN/initrd/cob-run/mounts"
}

# --------------------------------------------------------------- scratch disk --
prepare_disk() {
	# The initramfs root is RAM: files there are always "cached". A real block
	# device under /var/tmp gives 'disk' storage and drop_caches their meaning.
	disk_args=()
	if [ "$disk_mb" -gt 0 ]; then
		command -v mkfs.ext4 >/dev/null || die 1 "missing mkfs.ext4 (apt-get install e2fsprogs)"
		truncate -s "${disk_mb}M" "$RUN/disk.img"
		# non-lazy init: no ext4lazyinit writes in the guest while it measures
		mkfs.ext4 -q -F -L cobscratch -E lazy_itable_init=0,lazy_journal_init=0 "$RUN/disk.img" ||
			die 1 "mkfs.ext4 of the scratch disk failed"
		# cache=none (O_DIRECT): the guest's reads reach the host disk, not the host's
		# page cache; writeback where O_DIRECT is unsupported (tmpfs).
		dcache=none
		dd if=/dev/zero of="$RUN/odirect" bs=4096 count=1 oflag=direct 2>/dev/null || dcache=writeback
		rm -f "$RUN/odirect"
		disk_args=(-drive "file=$RUN/disk.img,if=virtio,format=raw,cache=$dcache")
		printf 'export COB_GUEST_DISK=/dev/vda COB_GUEST_DISK_MOUNT=/var/tmp\n' >>"$RUN/initrd/cob-run/env"
	fi

	# The small per-run archive, then the cached one: the kernel unpacks
	# concatenated archives in order.
	(cd "$RUN/initrd" && find . -mindepth 1 | cpio -o -H newc --quiet -R 0:0) >"$RUN/initrd.img"
	cat "$initrd" >>"$RUN/initrd.img"
}

# ---------------------------------------------------------------- console log --
prepare_console_log() {
	# qemu writes the console to $qlog; it is copied (CRs removed) when the guest
	# ends: to --log FILE; else, on success, to OUT/vm-console.log when the command's
	# --out directory exists; else, and always on failure (a failing run.sh may
	# delete its output directory), to $COB_CACHE/logs/ (newest 50 kept).
	qlog="$RUN/console.raw"
	: >"$qlog"
}

# ----------------------------------------------------------------------- run --
run_guest() {
	# brd.rd_size: a built-in brd's ram0 (the thesis kernels) is as large as half
	# the guest's memory, so that 'brd' storage holds the data files; brd
	# allocates its pages only when written. --append may say otherwise.
	# no_timer_check: at boot the kernel checks that the IO-APIC timer ticks
	# (check_timer: a few ticks within a short busy wait); a TCG vCPU that the
	# busy host leaves unscheduled misses them, and the kernel gives up with
	# "..MP-BIOS bug: 8254 timer not connected to IO-APIC" and "Kernel panic -
	# not syncing: IO-APIC + timer doesn't work!" (seen 3 times in 10 minutes
	# with the load average at 17 on 2 cores). The parameter is the kernel's
	# own for virtual machines: the timer is qemu's and works.
	cmdline="console=ttyS0 quiet loglevel=4 panic=-1 oops=panic no_timer_check rdinit=/init brd.rd_size=$((mem * 512))${append:+ $append}"
	qemu_args=(
		-nodefaults -no-user-config -display none -no-reboot -pidfile "$RUN/qemu.pid"
		"${accel_args[@]}" -m "$mem" -smp "$cpus"
		-kernel "$boot" -initrd "$RUN/initrd.img" -append "$cmdline"
		-chardev "stdio,id=con,signal=off,logfile=$qlog"
		-serial chardev:con
		-chardev "pipe,id=mon,path=$RUN/mon" -mon "chardev=mon,mode=readline"
		"${share_args[@]}" ${disk_args[@]+"${disk_args[@]}"}
	)
	mkfifo "$RUN/console.fifo" "$RUN/mon.in" "$RUN/mon.out"
	# Live display: the command's output (between the markers), or everything.
	(
		shown=$verbose
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line%$'\r'}
			case "$line" in
			COB-GUEST-BEGIN) shown=1; [ "$verbose" = 1 ] && echo "$line"; continue ;;
			COB-GUEST-END) [ "$verbose" = 1 ] && echo "$line"; shown=$verbose; continue ;;
			esac
			[ "$shown" = 1 ] && printf '%s\n' "$line"
		done
		exit 0
	) <"$RUN/console.fifo" &
	FPID=$!
	# qemu's monitor (a pipe chardev: no extra tools) answers only when asked;
	# its output is drained into mon.log so it can never block qemu.
	cat "$RUN/mon.out" >"$RUN/mon.log" 2>/dev/null &
	MPID=$!
	start=$SECONDS
	"$QEMU" "${qemu_args[@]}" </dev/null >"$RUN/console.fifo" 2>"$RUN/qemu.err" &
	QPID=$!
	# The watchdog: at the timeout, report and kill (TERM, then KILL 5 s later).
	(
		end=$((SECONDS + timeout))
		while [ "$SECONDS" -lt "$end" ]; do
			kill -0 "$QPID" 2>/dev/null || exit 0
			sleep 1
		done
		: >"$RUN/timed-out"
		hang_report 2>/dev/null
		kill -TERM "$QPID" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$QPID" 2>/dev/null || exit 0; sleep 0.5; done
		kill -KILL "$QPID" 2>/dev/null
	) &
	WPID=$!
	set +e
	wait "$QPID" 2>/dev/null # no "Aborted" job notice: reported below
	qrc=$?
	set -e
	QPID=""
	wait "$WPID" 2>/dev/null || true
	kill "$MPID" 2>/dev/null || true
	wait "$FPID" 2>/dev/null || true
	FPID=""
	elapsed=$((SECONDS - start))

	status=""
	if [ -f "$RUN/ctl/status" ]; then
		status=$(tr -dc '0-9' <"$RUN/ctl/status")
	fi
	if [ -z "$status" ]; then # no 9p share (custom kernel?): the console marker
		status=$(sed -n 's/^COB-GUEST-EXIT=\([0-9]*\).*/\1/p' "$qlog" 2>/dev/null | tail -n1)
	fi
	info="$kname $release, $where ($accel_desc), ${elapsed}s"
	if [ -n "$status" ]; then
		if [ "$status" = 0 ]; then
			save_log 1
			case "$SAVED_LOG" in "$CACHE"/logs/*) log "done ($info); console log: $SAVED_LOG" ;; esac
		else
			save_log 0
			echo "$PROG: guest command exited with status $status ($info); console log: $SAVED_LOG" >&2
		fi
		exit "$status"
	fi
	save_log 0
	if [ -e "$RUN/timed-out" ]; then
		echo "$PROG: guest timed out after ${timeout}s and was killed (hung?) ($info); console log: $SAVED_LOG" >&2
		exit "$E_TIMEOUT"
	fi
	panic=$(grep -a -m1 -E 'Kernel panic|BUG:|Oops' "$qlog" 2>/dev/null | tr -d '\r' | sed 's/^\[[ 0-9.]*\] //' || true)
	if [ -n "$panic" ]; then
		echo "$PROG: guest crashed: $panic ($info); console log: $SAVED_LOG" >&2
		exit "$E_CRASH"
	fi
	if [ "$qrc" != 0 ]; then
		echo "$PROG: qemu failed (status $qrc): $(grep -m1 . "$RUN/qemu.err" || true); console log: $SAVED_LOG" >&2
		exit "$E_FAIL"
	fi
	echo "$PROG: guest ended without reporting an exit status ($info); console log: $SAVED_LOG" >&2
	exit "$E_CRASH"
}

main() {
	parse_args "$@"
	prepare_kernel
	choose_accel
	prepare_shares
	prepare_disk
	prepare_console_log
	run_guest
}

main "$@"
