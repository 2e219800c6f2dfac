#!/usr/bin/env bash
# copyout-bench: run one run.sh subcommand (or any command) inside a guest
# kernel under qemu. Run as `./run.sh vm ...` or `bash bench/vm/vm.sh ...`.
set -euo pipefail

PROG="vm"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=${ROOT:-$(cd "$HERE/../.." && pwd)}
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

Boots a guest kernel under qemu with the suite in its initramfs, runs one
run.sh subcommand inside it (as COB_IN_GUEST=1 COB_WHERE=guest-tcg|guest-kvm
COB_GUEST_KERNEL=<release> /cob/run.sh <subcommand...>, using the prebuilt
binaries of build/), and exits with the guest command's exit status.
With --raw the command is run as is (busybox + bash available), e.g.
  run.sh vm --kernel debian -- --raw sh -c 'uname -r; exit 3'     # exits 3

options:
  --kernel K      thesis (default), debian, or the path of a bzImage. Fetched or
                  built on first use and cached (see 'run.sh kernel --help')
  --mem M         guest memory in MiB (default 1024)
  --cpus N        guest CPUs (default min(2, host CPUs))
  --timeout S     kill the guest after S seconds (default \${COB_VM_TIMEOUT:-1200})
  --accel A       tcg (default, \$COB_VM_ACCEL), kvm, or auto: kvm only if a probe
                  boot proves a guest boots under KVM here (result cached), else tcg
  --append STR    extra kernel command line (e.g. 'brd.rd_size=262144')
  --log FILE      where to save the console log (see below)
  --share H[:G]   also share host dir H with the guest at G (default: same path)
  --verbose       show the whole console (boot messages), not just the command
  -h, --help      this text

Results: the host directory given to the command's --out DIR (or --out=DIR) is
shared with the guest over virtio-9p at the same absolute path (a relative DIR
is made absolute against the current directory and rewritten), so run.sh writes
its files exactly where a host run would. For run.sh subcommands the repo's
results/ is also shared as /cob/results, the guest's \$ROOT/results. COB_*
variables of the host environment are passed to the guest command.

Console log: always saved; in DIR/vm-console.log when the command has --out DIR,
else under \$COB_CACHE/logs/ (path printed). The command's output is shown live.

Exit status: the guest command's status; $E_TIMEOUT if the guest timed out (hung),
$E_CRASH if it ended without reporting a status (kernel panic, crashed init),
$E_FAIL for a host-side failure (kernel, initramfs, qemu), $E_USAGE for bad usage;
each reported in one line with the console log's path.
EOF
}

die() { echo "$PROG: $*" >&2; exit "$E_FAIL"; }
usage_err() { echo "$PROG: $*  (try --help)" >&2; exit "$E_USAGE"; }
log() { echo "[$PROG] $*" >&2; }

RUN="" QPID="" FPID=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill -TERM "$QPID" 2>/dev/null || true
		sleep 0.5
		kill -KILL "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
	fi
	if [ -n "$FPID" ] && kill -0 "$FPID" 2>/dev/null; then
		kill "$FPID" 2>/dev/null || true
	fi
	[ -z "$RUN" ] || rm -rf "$RUN"
}
trap cleanup EXIT
trap 'echo "$PROG: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

# Single-quote a string for /bin/sh.
sq() { local s=${1//\'/\'\\\'\'}; printf "'%s'" "$s"; }

isnum() { case "$1" in "" | *[!0-9]*) return 1 ;; esac; }

# ------------------------------------------------------------------ options --
kernel=thesis mem=1024 cpus=$((NPROC < 2 ? NPROC : 2)) timeout=${COB_VM_TIMEOUT:-1200}
accel=${COB_VM_ACCEL:-tcg} append="" logfile="" verbose=0
shares=()
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage; exit 0 ;;
	--kernel | --mem | --cpus | --timeout | --accel | --append | --log | --share)
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
		esac
		shift 2
		;;
	--kernel=* | --mem=* | --cpus=* | --timeout=* | --accel=* | --append=* | --log=* | --share=*)
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
if ! isnum "$timeout" || [ "$timeout" -lt 1 ]; then usage_err "--timeout must be a positive number of seconds"; fi
case "$accel" in tcg | kvm | auto) ;; *) usage_err "--accel must be tcg, kvm or auto" ;; esac
command -v "$QEMU" >/dev/null || die "missing $QEMU (apt-get install qemu-system-x86)"
for t in cpio timeout; do command -v "$t" >/dev/null || die "missing tool '$t'"; done

raw=0
if [ "$1" = --raw ]; then
	raw=1; shift
	[ $# -gt 0 ] || usage_err "--raw needs a command"
fi
cmd=("$@")

# --------------------------------------------------------- kernel, initramfs --
kinfo=$(bash "$HERE/kernel.sh" info "$kernel") || die "cannot get kernel '$kernel' (see above)"
kv() { sed -n "s/^$1=//p" <<<"$kinfo"; }
kname=$(kv name) bzimage=$(kv bzimage) release=$(kv release)
initrd=$(bash "$HERE/initramfs.sh" --release "$release" --moddir "$(kv modules)" --config "$(kv config)") ||
	die "cannot build the initramfs (see above)"

# -------------------------------------------------------------------- accel --
kvm_probe() { # prints yes/no; one short boot, cached per host kernel, qemu and guest kernel
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then echo no; return; fi
	local key f
	key=$({ uname -r; "$QEMU" --version | head -n1; echo "$bzimage"; } | sha256sum | cut -c1-16)
	f="$CACHE/kvm-probe/$key"
	if [ ! -f "$f" ]; then
		log "probing KVM with one short boot (result cached in $f)"
		mkdir -p "$CACHE/kvm-probe"
		if COB_VM_ACCEL=kvm bash "$HERE/vm.sh" --kernel "$bzimage" --accel kvm --timeout 30 --log /dev/null \
			-- --raw true >/dev/null 2>&1; then
			echo yes >"$f"
		else
			echo no >"$f"
		fi
	fi
	cat "$f"
}
if [ "$accel" = auto ]; then
	if [ "$(kvm_probe)" = yes ]; then accel=kvm; else
		accel=tcg
		log "KVM cannot boot a guest here; using TCG"
	fi
fi
if [ "$accel" = kvm ]; then
	accel_args=(-accel kvm -cpu max)
else
	accel_args=(-accel "tcg,thread=multi" -cpu max)
fi
where="guest-$accel"

# ------------------------------------------------------------- shares, argv --
RUN=$(mktemp -d "${TMPDIR:-/tmp}/cob-vm.XXXXXX")
mkdir -p "$RUN/ctl" "$RUN/initrd/cob-run"
mounts=("cobctl /cob-ctl")
share_args=()
secmodel=passthrough
[ "$(id -u)" = 0 ] || secmodel=none
nshare=0
add_share() { # HOSTDIR GUESTDIR
	nshare=$((nshare + 1))
	local tag="cob$nshare"
	case "$1" in *,*) die "cannot share a path containing a comma: $1" ;; esac
	share_args+=(-virtfs "local,path=$1,mount_tag=$tag,security_model=$secmodel,id=fs$nshare")
	mounts+=("$tag $2")
}
share_args+=(-virtfs "local,path=$RUN/ctl,mount_tag=cobctl,security_model=$secmodel,id=fsctl")

abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s' "$PWD/$1" ;; esac; }
outdir=""
for i in "${!cmd[@]}"; do
	a=${cmd[$i]}
	case "$a" in
	--out)
		n=$((i + 1))
		[ "$n" -lt "${#cmd[@]}" ] || continue
		outdir=$(abspath "${cmd[$n]}")
		cmd[n]=$outdir
		;;
	--out=*)
		outdir=$(abspath "${a#--out=}")
		cmd[i]="--out=$outdir"
		;;
	esac
done
if [ -n "$outdir" ]; then
	mkdir -p "$outdir" || die "cannot create the output directory $outdir"
	outdir=$(cd "$outdir" && pwd -P)
	add_share "$outdir" "$outdir"
fi
if [ "$raw" = 0 ]; then
	mkdir -p "$ROOT/results"
	add_share "$(cd "$ROOT/results" && pwd -P)" /cob/results
fi
for s in "${shares[@]}"; do
	h=${s%%:*} g=${s#*:}
	[ "$g" != "$s" ] || g=""
	[ -d "$h" ] || die "--share: no such directory: $h"
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
	# Pass the host's COB_* settings, except those about the host-side machinery.
	while IFS='=' read -r name _; do
		case "$name" in
		COB_IN_GUEST | COB_WHERE | COB_GUEST_KERNEL* | COB_RUN_* | COB_HOST_ROOT | COB_CACHE | COB_VM_* | \
			COB_KERNEL_SRC | COB_BUSYBOX | COB_BASH_STATIC | COB_QEMU | COB_KEEP_BUILD) continue ;;
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
printf '%s\n' "${mounts[@]}" >"$RUN/initrd/cob-run/mounts"
# A small uncompressed archive first, then the cached gzip'd one: the kernel
# unpacks concatenated archives in order.
(cd "$RUN/initrd" && find . -mindepth 1 | cpio -o -H newc --quiet -R 0:0) >"$RUN/initrd.img"
cat "$initrd" >>"$RUN/initrd.img"

# ---------------------------------------------------------------- console log --
if [ -z "$logfile" ]; then
	if [ -n "$outdir" ]; then
		logfile="$outdir/vm-console.log"
	else
		mkdir -p "$CACHE/logs"
		logfile="$CACHE/logs/vm-$(date +%Y%m%d-%H%M%S)-$$.log"
		# keep the 50 newest
		find "$CACHE/logs" -maxdepth 1 -name 'vm-*.log' -printf '%T@ %p\n' | sort -rn | tail -n +50 |
			cut -d' ' -f2- | while IFS= read -r old; do rm -f "$old"; done
	fi
fi
[ "$logfile" = /dev/null ] || { mkdir -p "$(dirname "$logfile")" && : >"$logfile"; } ||
	die "cannot write the console log $logfile"
qlog="$RUN/console.raw"

# ----------------------------------------------------------------------- run --
cmdline="console=ttyS0 quiet loglevel=4 panic=-1 oops=panic rdinit=/init${append:+ $append}"
qemu_args=(
	-nodefaults -no-user-config -display none -no-reboot
	"${accel_args[@]}" -m "$mem" -smp "$cpus"
	-kernel "$bzimage" -initrd "$RUN/initrd.img" -append "$cmdline"
	-chardev "stdio,id=con,signal=off,logfile=$qlog"
	-serial chardev:con
	"${share_args[@]}"
)
mkfifo "$RUN/console.fifo"
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
start=$SECONDS
timeout -k 5 "$timeout" "$QEMU" "${qemu_args[@]}" </dev/null >"$RUN/console.fifo" 2>"$RUN/qemu.err" &
QPID=$!
set +e
wait "$QPID"
qrc=$?
set -e
QPID=""
wait "$FPID" 2>/dev/null || true
FPID=""
elapsed=$((SECONDS - start))

if [ "$logfile" != /dev/null ]; then
	tr -d '\r' <"$qlog" >"$logfile" 2>/dev/null || true
fi
status=""
if [ -f "$RUN/ctl/status" ]; then
	status=$(tr -dc '0-9' <"$RUN/ctl/status")
fi
if [ -z "$status" ]; then
	status=$(sed -n 's/^COB-GUEST-EXIT=\([0-9]*\).*/\1/p' "$qlog" 2>/dev/null | tail -n1)
fi
where_log="console log: $logfile"
if [ -n "$status" ]; then
	if [ "$status" != 0 ]; then
		echo "$PROG: guest command exited with status $status ($kname $release, $where, ${elapsed}s); $where_log" >&2
	elif [ -z "$outdir" ] && [ "$logfile" != /dev/null ]; then
		log "done in ${elapsed}s ($kname $release, $where); $where_log"
	fi
	exit "$status"
fi
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "$PROG: guest timed out after ${timeout}s and was killed (hung?) ($kname $release, $where); $where_log" >&2
	exit "$E_TIMEOUT"
fi
panic=$(grep -a -m1 -E 'Kernel panic|BUG:|Oops' "$qlog" 2>/dev/null | tr -d '\r' | sed 's/^\[[ 0-9.]*\] //' || true)
if [ -n "$panic" ]; then
	echo "$PROG: guest crashed: $panic ($kname $release, $where, ${elapsed}s); $where_log" >&2
	exit "$E_CRASH"
fi
if [ "$qrc" != 0 ]; then
	echo "$PROG: qemu failed (status $qrc): $(head -n1 "$RUN/qemu.err"); $where_log" >&2
	exit "$E_FAIL"
fi
echo "$PROG: guest ended without reporting an exit status ($kname $release, $where, ${elapsed}s); $where_log" >&2
exit "$E_CRASH"
