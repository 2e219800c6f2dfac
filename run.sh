#!/usr/bin/env bash
# copyout-bench: the one entry point. See ./run.sh help.
#
# On a fresh Debian 12 machine, as root, the first run installs the Debian
# packages it needs, builds, and mounts tracefs/debugfs/bpffs for the duration
# of the command (and unmounts what it mounted when it ends, however it ends).
# Inside a guest (COB_IN_GUEST=1, set by the guest's /init) nothing is
# installed or built: the prebuilt static binaries are used.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${COB_BUILD:-$ROOT/build}
BIN=$BUILD/bin
RESULTS=${COB_RESULTS:-$ROOT/results}
export COB_ROOT=$ROOT
PROG=run.sh

# Debian packages the suite needs on the host (build, run, plot, test, guests).
PACKAGES=(make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libinih-dev libjansson-dev
	pkg-config libcriterion-dev bats shellcheck gnuplot-nox sysstat cgroup-tools kmod
	qemu-system-x86 busybox-static bash-static cpio linux-source-6.1 bc bison flex libssl-dev
	dwarves xz-utils jq patch e2fsprogs)

die() { # die CODE MESSAGE: one line, non-zero exit
	local code=$1
	shift
	echo "$PROG: $*" >&2
	exit "$code"
}

say() { echo "$PROG: $*" >&2; }

in_guest() { [ "${COB_IN_GUEST:-0}" = 1 ]; }

need_root() {
	[ "$(id -u)" = 0 ] || die 2 "'$1' needs root: it installs packages, loads BPF programs, mounts tracefs/bpffs and drops caches (try: sudo ./run.sh $1)"
}

ensure_packages() {
	in_guest && return 0
	local missing=() p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing Debian packages: ${missing[*]}"
	apt-get update -q >&2 || die 1 "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
		|| die 1 "apt-get install failed for: ${missing[*]}"
}

ensure_build() {
	in_guest && return 0
	make -C "$ROOT" -s -j"$(nproc)" BUILD="$BUILD" "$@" >&2 || die 1 "build failed (make -C $ROOT)"
}

# BPF tracing needs tracefs (and debugfs/bpffs for some tools). run.sh runs in
# a private mount namespace of its own (see main), so what it mounts exists
# only for it and its children and disappears with them, however they end;
# two run.sh at once cannot unmount each other's mounts. Without a namespace
# (unshare refused) it unmounts what it mounted on exit.
MOUNTED=()
ensure_mounts() {
	local fs dir
	while read -r fs dir; do
		mountpoint -q "$dir" && continue
		mount -t "$fs" nodev "$dir" 2>/dev/null || { say "warning: cannot mount $fs on $dir"; continue; }
		[ "${COB_MNTNS:-0}" = 1 ] || MOUNTED+=("$dir")
	done <<-EOF
		tracefs /sys/kernel/tracing
		debugfs /sys/kernel/debug
		bpf /sys/fs/bpf
	EOF
}

CLEANUP=()
cleanup() {
	local i
	for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do eval "${CLEANUP[$i]}" || true; done
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount "${MOUNTED[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

setup() { # setup SUBCOMMAND: everything a command needs before it runs
	need_root "$1"
	ensure_packages
	ensure_build
	ensure_mounts
}

usage() {
	cat <<EOF
usage: ./run.sh COMMAND [options]     (each command takes --help)

  sweep NAME|FILE.conf   run an experiment from configs/ (e.g. iterations); results in results/latest/
  doctor [--json]        what this kernel can hook, found by trial load/attach
  test                   every test suite (C, bats, guest); ends with 'N passed, N failed'
  vm [opts] -- CMD ...   run a run.sh command inside a guest kernel under qemu
  kernel fetch|build|path  guest kernels (Debian's stock kernel, the thesis kernel)
  help                   this text

Experiments: $(list_experiments)
EOF
}

list_experiments() {
	local f names=()
	for f in "$ROOT"/configs/*.conf; do [ -e "$f" ] && names+=("$(basename "$f" .conf)"); done
	echo "${names[*]:-none}"
}

# ---------------------------------------------------------------- sweep
sweep_usage() {
	cat <<EOF
usage: ./run.sh sweep NAME|FILE.conf [--quick] [--out DIR] [--hook NAME] [--mode observe|override]
                      [--target host|vm|auto] [--kernel debian|thesis|PATH]

Runs every point of the experiment's sweep; prints one progress line per point.
  --quick      the config's reduced grid (every code path, under 30 s)
  --out DIR    where results go (default results/DATE-NAME; results/latest links to it)
  --hook NAME  force a hook backend (default: the config's, usually auto)
  --mode M     observe or override (default: the config's)
  --target T   host, vm (a guest kernel), or auto: host when the host can attach the hook,
               otherwise the thesis-kernel guest (default auto)
  --kernel K   guest kernel for --target vm (default thesis)
Results: reads.csv (one row per read), summary.csv (one row per sweep point), iostat.csv,
meta.json and PNG graphs. Nothing is left behind when a run fails or is interrupted.
Experiments: $(list_experiments)
EOF
}

resolve_config() { # NAME|PATH -> config path, or exit 2
	local arg=$1
	if [[ $arg == */* || $arg == *.conf ]]; then
		[ -f "$arg" ] || die 2 "no such config file: $arg"
		realpath "$arg"
	elif [ -f "$ROOT/configs/$arg.conf" ]; then
		echo "$ROOT/configs/$arg.conf"
	else
		die 2 "no experiment '$arg' (experiments: $(list_experiments))"
	fi
}

render_plots() { # render_plots DIR [SHOWN]: every plots/NAME.gp the config names, into DIR;
	# SHOWN is the directory named on the graphs (the final one, when DIR is staging)
	local dir=$1 shown=${2:-$1} name gp
	command -v gnuplot >/dev/null || { say "gnuplot not found: no graphs"; return 0; }
	for name in $(cat "$dir/plots.txt" 2>/dev/null || true); do
		gp=$ROOT/plots/$name.gp
		[ -f "$gp" ] || { say "warning: no plot script $gp"; continue; }
		gnuplot -e "results='$dir'" -e "shown='$shown'" "$gp" || die 1 "plot $name failed"
	done
}

cmd_sweep() {
	local target=auto kernel=thesis out="" quick=() pass=() cfg_arg="" cmdline="./run.sh sweep $*"
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) sweep_usage; return 0 ;;
		--quick) quick=(--quick) ;;
		--out) [ $# -ge 2 ] || die 2 "--out needs a directory"; out=$2; shift ;;
		--hook | --mode) [ $# -ge 2 ] || die 2 "$1 needs a value"; pass+=("$1" "$2"); shift ;;
		--target) [ $# -ge 2 ] || die 2 "--target needs host, vm or auto"; target=$2; shift ;;
		--kernel) [ $# -ge 2 ] || die 2 "--kernel needs debian, thesis or a bzImage path"; kernel=$2; shift ;;
		-*) die 2 "sweep: unknown option $1 (see ./run.sh sweep --help)" ;;
		*) [ -z "$cfg_arg" ] || die 2 "sweep: one experiment at a time ($cfg_arg, $1)"; cfg_arg=$1 ;;
		esac
		shift
	done
	[ -n "$cfg_arg" ] || die 2 "sweep: which experiment? (experiments: $(list_experiments))"
	case $target in host | vm | auto) ;; *) die 2 "--target must be host, vm or auto: $target" ;; esac
	local cfg
	cfg=$(resolve_config "$cfg_arg")
	setup sweep
	# Validate the config before anything is written.
	"$BIN/cob-sweep" --config "$cfg" --check "${quick[@]}" "${pass[@]}" >/dev/null || exit $?

	if [ "$target" != host ] && ! in_guest; then
		if [ "$target" = auto ]; then
			if "$BIN/cob-sweep" --config "$cfg" --check-hook "${pass[@]}" >/dev/null 2>&1; then
				target=host
			else
				say "this host cannot attach the hook $cfg_arg needs: running it in the $kernel guest"
				target=vm
			fi
		fi
	fi

	local name stamp final tmp
	name=$(basename "$cfg" .conf)
	stamp=$(date +%Y%m%d-%H%M%S)
	final=${out:-$RESULTS/$stamp-$name}
	[ ! -e "$final" ] || [ -z "$(ls -A "$final")" ] || die 2 "output directory $final exists and is not empty"
	mkdir -p "$(dirname "$final")"
	tmp=$(mktemp -d "$(dirname "$final")/.partial-$name.XXXXXX")
	chmod 755 "$tmp"
	CLEANUP+=("rm -rf '$tmp'")

	if [ "$target" = vm ]; then
		bash "$ROOT/vm/vm.sh" --kernel "$kernel" --results "$tmp" -- \
			sweep "$cfg_arg" --target host --out "$tmp/guest" "${quick[@]}" "${pass[@]}"
		# the guest wrote into a subdirectory of the shared one
		find "$tmp/guest" -mindepth 1 -maxdepth 1 -exec mv -t "$tmp" {} +
		rmdir "$tmp/guest"
	else
		COB_GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) \
			"$BIN/cob-sweep" --config "$cfg" --out "$tmp" "${quick[@]}" "${pass[@]}" \
			--where "${COB_WHERE:-host}" --command "$cmdline"
	fi
	in_guest || render_plots "$tmp" "$(realpath -m "$final")"
	rm -rf "$final"
	mv "$tmp" "$final"
	if [ -z "$out" ]; then
		ln -sfn "$(basename "$final")" "$RESULTS/latest.tmp" && mv -T "$RESULTS/latest.tmp" "$RESULTS/latest"
	fi
	say "results in $final"
}

# ---------------------------------------------------------------- doctor
cmd_doctor() {
	local args=() target=host kernel=thesis
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			cat <<EOF
usage: ./run.sh doctor [--json] [--target host|vm] [--kernel debian|thesis|PATH]
Lists kernel features and hook backends, available or not and why, each found by a
real trial load/attach. --json prints {"kernel","where","features","backends","auto"}.
--target vm asks the same inside a guest kernel (default thesis).
EOF
			return 0 ;;
		--target) [ $# -ge 2 ] || die 2 "--target needs host or vm"; target=$2; shift ;;
		--kernel) [ $# -ge 2 ] || die 2 "--kernel needs a value"; kernel=$2; shift ;;
		*) args+=("$1") ;;
		esac
		shift
	done
	case $target in
	host) setup doctor; "$BIN/cob-doctor" ${args[@]+"${args[@]}"} ;;
	vm) need_root doctor; ensure_packages; ensure_build
		bash "$ROOT/vm/vm.sh" --kernel "$kernel" -- doctor ${args[@]+"${args[@]}"} ;;
	*) die 2 "--target must be host or vm: $target" ;;
	esac
}

# ---------------------------------------------------------------- test
cmd_test() {
	case ${1:-} in
	-h | --help)
		cat <<EOF
usage: ./run.sh test [SUITE...]
Builds and runs every suite: Criterion unit tests (build/tests/test_*), bats tests
(tests/bats/*.bats: run.sh, engine, doctor, integration sweeps on this host, guest kernels,
runner: the self-test of this runner) and the hook backends inside the thesis and Debian
guests (tests/guest/backends.sh). SUITE narrows to unit, guest, or bats files by name
(e.g. ./run.sh test unit doctor). Runs from any directory; suites run in the repository root.
Output is streamed as it comes. Guest kernels come from /var/cache/copyout-bench (\$COB_CACHE);
one that must first be fetched or built is announced (building the thesis kernel: 5-10 min).
Besides failed tests, a suite that crashes (fewer results than its TAP plan, no Criterion
synthesis, a guest without its summary line), ran no test, exits non-zero with no failing
test or times out counts as a failure, with one line: '!!! NAME: what happened'.
Skipped tests are listed with their reasons at the end. The last line is
'N passed, N failed' (', N skipped' when any); exits non-zero on any failure or when no test ran.
Timeouts (seconds, kill 30 s after TERM): COB_TEST_TIMEOUT_UNIT (each binary, 300),
COB_TEST_TIMEOUT_BATS (each file, 900), COB_TEST_TIMEOUT_<FILE> (e.g. _RUN_SH),
COB_TEST_TIMEOUT_GUEST (2400), COB_TEST_TIMEOUT_KERNEL (fetching or building one, 3600).
More in tests/run_all.sh --help.
EOF
		return 0 ;;
	esac
	local s suites
	suites=$(bash "$ROOT/tests/run_all.sh" --list)
	for s in "$@"; do
		grep -qxF -- "$s" <<<"$suites" || die 2 "test: no suite named '$s' (suites: ${suites//$'\n'/ })"
	done
	setup test
	ensure_build tests
	bash "$ROOT/tests/run_all.sh" "$@"
}

# ---------------------------------------------------------------- vm
# Runs vm/vm.sh; a sweep run in the guest gets its graphs drawn here,
# where gnuplot is (the guest has none).
cmd_vm() {
	local a seen=0 sweep=0 out="" prev=""
	for a in "$@"; do
		case $a in -h | --help) [ "$seen" = 0 ] && { bash "$ROOT/vm/vm.sh" --help; return 0; } ;; esac
		if [ "$seen" = 1 ]; then
			[ "$sweep" = 0 ] && [ "$a" = sweep ] && sweep=1
			[ "$prev" = --out ] && out=$a
			prev=$a
		fi
		[ "$a" = -- ] && seen=1
	done
	need_root vm
	ensure_packages
	ensure_build
	bash "$ROOT/vm/vm.sh" "$@" || return $?
	if [ "$sweep" = 1 ]; then
		local dir=${out:-$RESULTS/latest}
		if [ -f "$dir/plots.txt" ] && ! compgen -G "$dir/*.png" >/dev/null; then
			render_plots "$(cd "$dir" && pwd -P)"
		fi
	fi
}

# ---------------------------------------------------------------- main
main() {
	local cmd=${1:-help}
	[ $# -gt 0 ] && shift
	case $cmd in
	sweep) cmd_sweep "$@" ;;
	doctor) cmd_doctor "$@" ;;
	test) cmd_test "$@" ;;
	vm) cmd_vm "$@" ;;
	kernel) need_root kernel; ensure_packages; bash "$ROOT/vm/kernel.sh" "$@" ;;
	help | -h | --help) usage ;;
	*) usage >&2; die 2 "unknown command '$cmd'" ;;
	esac
}

# Re-run in a private mount namespace (root only, not in a guest, once).
if [ "$(id -u)" = 0 ] && ! in_guest && [ "${COB_MNTNS:-0}" != 1 ] && command -v unshare >/dev/null \
	&& unshare --mount --propagation private true 2>/dev/null; then
	trap - EXIT
	COB_MNTNS=1 exec unshare --mount --propagation private "$0" "$@"
fi
main "$@"
