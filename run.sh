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
PACKAGES=(make gcc clang llvm libbpf-dev bpftool libbpf-tools libelf-dev zlib1g-dev libinih-dev libjansson-dev
	pkg-config libcriterion-dev bats shellcheck gnuplot-nox sysstat cgroup-tools kmod
	qemu-system-x86 busybox-static bash-static cpio linux-source-6.1 bc bison flex libssl-dev
	dwarves xz-utils jq patch e2fsprogs fio curl chromium chromium-driver)

# die CODE MESSAGE, say, log, on_exit COMMAND (run at exit, last first)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
# shellcheck source=bench/nightly.sh
. "$ROOT/bench/nightly.sh"

in_guest() { [ "${COB_IN_GUEST:-0}" = 1 ]; }

need_root() {
	[ "$(id -u)" = 0 ] || die 2 "'$1' needs root: it installs packages, loads BPF programs, mounts tracefs/bpffs and drops caches (try: sudo ./run.sh $1)"
}

ensure_packages() {
	in_guest && return 0
	local missing=() p installed
	# one dpkg-query for all (one each took a second per run.sh start)
	installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null |
		awk '/ ok installed$/ { printf "%s ", $1 }' || true)"
	for p in "${PACKAGES[@]}"; do
		[[ $installed == *" $p "* ]] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing Debian packages: ${missing[*]}"
	apt-get update -q >&2 || die 1 "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
		|| die 1 "apt-get install failed for: ${missing[*]}"
}

ensure_build() {
	in_guest && return 0
	# a run.sh started by one that has just built (COB_BUILT=BUILD: nightly's stages,
	# sweeps, doctor) does not run make again (seconds each on a busy host)
	[ $# -gt 0 ] || [ "${COB_BUILT:-}" != "$BUILD" ] || return 0
	run_child make -C "$ROOT" -s -j"$(nproc)" BUILD="$BUILD" "$@" >&2 || die 1 "build failed (make -C $ROOT)"
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

unmount_ours() {
	local i
	for ((i = ${#MOUNTED[@]} - 1; i >= 0; i--)); do umount "${MOUNTED[$i]}" 2>/dev/null || true; done
}

# Signals. A TERM, INT or HUP sent to run.sh's pid (kill PID, a supervisor,
# Ctrl-C) must act at once and leave nothing. Two things in bash stand in the
# way: it runs a trap only once the foreground command has ended (so the
# trap would wait for the whole sweep), and a trap that fires while bash is
# expanding a command substitution is parsed with the substitution's parser
# state still open: the trap fails ("trap: line 2: unexpected EOF while
# looking for matching `)'", exit 2) or the signal is lost and the sweep runs
# on (both seen in the guests, a few times in a hundred). So for the long
# commands (sweep, vm) the process run.sh's pid names only supervises
# (supervise): it starts the worker (this script again, RUNSH_SUPERVISOR set)
# and waits; its traps only note the signal, and it does nothing but wait,
# read /proc and send signals (no command substitution). On a signal it sends
# SIGTERM to the worker's children (cob-sweep, vm.sh, gnuplot, make), again
# until the worker has ended (the worker has no signal traps: it exits when
# its child fails, and its EXIT trap removes what it made), removes a partial
# results directory the worker left, and exits 128+signal. The worker dies
# with the supervisor (cob-die-with, else setpriv --pdeathsig), cob-sweep with
# the worker (its --parent), cob-sweep's children with cob-sweep: a SIGKILL of
# run.sh leaves only the partial directory, for the next sweep to judge (see
# PARTIAL below). Other commands keep a trap of their own (install_traps).
CHILD=""
STOP_GRACE=${COB_STOP_GRACE:-30}

run_child() { # run_child CMD...: CMD as a background child, waited for; its status
	local st=0
	"$@" <&0 & # explicit stdin: a background job would get /dev/null
	CHILD=$!
	wait "$CHILD" || st=$?
	CHILD=""
	return "$st"
}

alive() { # alive PID: the process exists and is not a zombie
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# die_with PID: DIE_WITH, the words to put before a command so that it dies
# with PID, its parent (cob-die-with, else setpriv --pdeathsig; else none)
die_with() {
	DIE_WITH=()
	if [ -x "$BIN/cob-die-with" ]; then
		DIE_WITH=("$BIN/cob-die-with" "$1")
	elif setpriv --pdeathsig KILL true 2>/dev/null; then
		DIE_WITH=(setpriv --pdeathsig KILL)
	fi
}

signal_children() { # signal_children PID SIG: SIG to every child of PID (from /proc, no fork)
	local f line rest
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		rest=${line##*) }
		rest=${rest#* } # the state
		[ "${rest%% *}" = "$1" ] && kill -"$2" "${line%% *}" 2>/dev/null
	done
	return 0
}

remove_partials() { # remove_partials DIR PID: the partial directories in DIR that PID owns
	local d line
	for d in "$1"/.partial-*; do
		[ -f "$d/.run" ] || continue
		while IFS= read -r line; do
			if [ "$line" = "pid=$2" ]; then
				rm -rf "$d"
				break
			fi
		done <"$d/.run"
	done
	return 0
}

supervise() { # supervise ARGS...: run.sh ARGS in a worker, see Signals above; exits
	local sig=0 st=0 i worker out="" resume="" parent a prev=""
	trap 'sig=143' TERM
	trap 'sig=130' INT
	trap 'sig=129' HUP
	die_with $$
	RUNSH_SUPERVISOR=$$ "${DIE_WITH[@]}" "$BASH" "$ROOT/run.sh" "$@" <&0 &
	worker=$!
	wait "$worker" || st=$?
	[ "$sig" != 0 ] || exit "$st"
	for ((i = 0; i < STOP_GRACE * 10; i++)); do
		alive "$worker" || break
		signal_children "$worker" TERM
		sleep 0.1
	done
	if alive "$worker"; then
		say "the sweep did not stop within ${STOP_GRACE} s of SIGTERM: killing it"
		signal_children "$worker" KILL
		kill -KILL "$worker" 2>/dev/null || true
	fi
	wait "$worker" 2>/dev/null || true # (its status is not ours: set -e)
	# what a worker that could not clean up left (a sweep's, not a resumed one's)
	if [ "${1:-}" = sweep ]; then
		for a in "$@"; do
			[ "$prev" = --out ] && out=$a
			[ "$prev" = --resume ] && resume=$a
			prev=$a
		done
		if [ -z "$resume" ]; then
			parent=$RESULTS
			if [ -n "$out" ]; then
				out=${out%/}
				parent=${out%/*}
				[ "$parent" != "$out" ] || parent=.
			fi
			remove_partials "$parent" "$worker"
		fi
	fi
	# a night the worker could not close: recorded as failed now (bench/nightly.sh)
	[ "${1:-}" != nightly ] || nightly_supervisor_recover "$((sig - 128))" "$@"
	exit "$sig"
}

stop_child() {
	local pid=$CHILD i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < STOP_GRACE * 10; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		say "pid $pid did not stop within ${STOP_GRACE} s of SIGTERM: killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	CHILD=""
}

on_signal() { # on_signal STATUS
	trap '' INT TERM HUP
	stop_child
	exit "$1"
}
on_exit unmount_ours # runs last: registered first

install_traps() { # the commands that are not supervised (doctor, test, kernel, help)
	trap 'on_signal 130' INT
	trap 'on_signal 143' TERM
	trap 'on_signal 129' HUP
}

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
  doctor [--json]        what this kernel can hook and monitor, found by trial load/attach
  test                   every test suite (C, bats, guest); ends with 'N passed, N failed'
  vm [opts] -- CMD ...   run a run.sh command inside a guest kernel under qemu
  bench workload         the workload's own cost: cob-read vs a bare read loop vs fio
  bench helpers|verifier|tailcall|trigger   what BPF costs here (E11, E12, E13, hook mechanisms)
  reproduce [--quick]    every experiment of the thesis this kernel supports, one HTML page
  compare BASE NEW       compare two results directories: verdict per figure, compare.csv, graph
  nightly [opts]         the nightly config set on the host and in guest kernels, against a baseline
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
                      [--target host|vm|auto] [--kernel debian|thesis|thesis-int3|PATH] [--resume DIR]

Runs every point of the experiment's sweep; prints one progress line per point.
  --quick      the config's reduced grid (every code path, under 30 s)
  --out DIR    where results go (default results/DATE-NAME; results/latest links to it)
  --hook NAME  force a hook backend (default: the config's, usually auto)
  --mode M     observe or override (default: the config's)
  --target T   host, vm (a guest kernel), or auto: host when the host can attach the hook,
               otherwise the thesis-kernel guest (default auto)
  --kernel K   guest kernel for --target vm (default thesis)
  --resume DIR continue a sweep that was killed (SIGKILL, crash): DIR is its results
               directory (its --out, or results/DATE-NAME) or its .partial-NAME.* directory.
               Its complete runs are kept, the rest run; give the same NAME and options
               (--quick, --hook, --mode). On this host (a guest's: ./run.sh vm -- sweep ...)
Results: reads.csv (one row per read), summary.csv (one row per sweep point), iostat.csv,
meta.json and PNG graphs. A sweep works in .partial-NAME.XXXXXX next to its results
directory and renames it into place when complete (results/latest is switched only then).
A failed or interrupted (SIGTERM, SIGINT) sweep leaves nothing. After a SIGKILL or a crash
the partial directory stays; the next sweep next to it removes it once its owner is gone,
unless it holds complete runs: then it says how to --resume it (or remove it yourself).
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

render_plots() { # render_plots DIR [SHOWN]: every plots/NAME.gp the config names, into DIR
	# (each script writes its PNGs and their SVG copies: common.gp's svg_too, or a loop over style.gp's term("png"), term("svg")); SHOWN is the
	# directory named on the graphs (the final one, when DIR is staging). Returns 1 (said
	# why) when a script is missing or fails.
	local dir=$1 shown=${2:-$1} name gp
	command -v gnuplot >/dev/null || { say "gnuplot not found: no graphs"; return 0; }
	for name in $(cat "$dir/plots.txt" 2>/dev/null || true); do
		gp=$ROOT/plots/$name.gp
		[ -f "$gp" ] || { say "no plot script plots/$name.gp"; return 1; }
		run_child gnuplot -e "results='$dir'" -e "shown='$shown'" "$gp" || { say "plot $name failed"; return 1; }
	done
}

# render_missing_plots DIR: the graphs of results a guest wrote (it has no
# gnuplot: plots.txt and no PNG yet), drawn here naming DIR's real path
render_missing_plots() {
	if [ ! -f "$1/plots.txt" ] || compgen -G "$1/*.png" >/dev/null; then return 0; fi
	render_plots "$(cd "$1" && pwd -P)"
}

# Partial results. A sweep writes into PARENT/.partial-NAME.XXXXXX (PARENT:
# where its results directory goes) and renames it into place when complete;
# results/latest is switched after that, so it only ever names a complete
# directory. The partial directory's .run file says who owns it (pid, process
# start time, boot id: a reused pid or a reboot is no owner), its results
# directory and how to resume it. A run.sh that ends in any way but SIGKILL
# (or a crash) removes it. Otherwise the next sweep in PARENT judges it, under
# a lock on PARENT: owner alive, leave it; owner gone and no complete run in
# it (cob-sweep's .progress), remove it; owner gone with complete runs, keep
# it and say how to resume it (--resume). A bench (.partial-bpfcost-*) and a
# reproduce (.partial-reproduce.*) stage their results the same way, with a
# .run file but nothing to resume: the next bench, reproduce or sweep in
# PARENT removes theirs once the owner is gone. new_partial makes the
# directory, commit_partial renames it into place, partial_exit removes it.
PARTIAL="" RESUMING=0 LOCK_FD=""
BOOT_ID=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)

proc_start() { # proc_start PID: its start time (clock ticks after boot)
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	# shellcheck disable=SC2086 # the fields after the command name
	set -- $s
	echo "${20}"
}

run_field() { kv_field "$1/.run" "$2"; } # run_field DIR KEY: KEY=VALUE of DIR/.run

# started_at PID START: PID is alive and is the process that started at START
# (proc_start): not another that got its pid since
started_at() {
	alive "$1" && [ "$(proc_start "$1" || true)" = "$2" ]
}

# owner_alive DIR: the run.sh that owns partial DIR still runs (a zombie does
# not). A guest stages its results on the host's shared path, under another
# boot id: the host judges such a directory by the guest's owner on the host
# (its vm.sh, .run host_owner), and a guest leaves the host's alone (it cannot
# see the host's processes).
owner_alive() {
	local pid boot
	boot=$(run_field "$1" boot)
	if [ "$boot" = "$BOOT_ID" ]; then
		pid=$(run_field "$1" pid)
		[ -n "$pid" ] && started_at "$pid" "$(run_field "$1" start)"
	elif [ "$(run_field "$1" host_boot)" = "$BOOT_ID" ]; then
		pid=$(run_field "$1" host_owner)
		[ -n "$pid" ] && started_at "${pid%%:*}" "${pid#*:}"
	else
		in_guest && [ -n "${COB_HOST_BOOT:-}" ] && [ "$boot" = "$COB_HOST_BOOT" ]
	fi
}

write_run() { # write_run DIR FINAL LATEST RESUME-COMMAND: DIR is ours
	{
		echo "pid=$$"
		echo "start=$(proc_start $$)"
		echo "boot=$BOOT_ID"
		if in_guest && [ -n "${COB_HOST_BOOT:-}" ]; then
			echo "host_boot=$COB_HOST_BOOT"
			echo "host_owner=${COB_HOST_OWNER:-}"
		fi
		echo "final=$2"
		echo "latest=$3"
		echo "resume=$4"
	} >"$1/.run.tmp" && mv -f "$1/.run.tmp" "$1/.run"
}

runs_done() { # runs_done DIR: "K of N runs done" from cob-sweep's .progress, or nothing
	local n k
	[ -f "$1/.progress" ] || return 0
	n=$(sed -n 's/^runs //p' "$1/.progress")
	k=$(grep -c '^run ' "$1/.progress" || true)
	[ "${k:-0}" -eq 0 ] || echo "$k of $n runs done"
}

lock_dir() { # lock_dir DIR: an exclusive lock on DIR until unlock_dir (no flock: none)
	command -v flock >/dev/null || return 0
	exec {LOCK_FD}<"$1"
	flock -x "$LOCK_FD"
}

unlock_dir() {
	[ -z "$LOCK_FD" ] || exec {LOCK_FD}<&-
	LOCK_FD=""
}

clean_stale() { # clean_stale PARENT: the partial sweeps there whose owner is gone (locked)
	local d runs
	for d in "$1"/.partial-*; do
		[ -d "$d" ] || continue
		owner_alive "$d" && continue
		case $(basename "$d") in .partial-bpfcost-*)
			rm -rf "$d" # a bench cannot be resumed: whatever it left is lost
			continue ;;
		esac
		runs=$(runs_done "$d")
		if [ -n "$runs" ] || [ -f "$d/meta.json" ]; then
			say "kept $d, a sweep that was killed (${runs:-complete}): continue it with $(run_field "$d" resume), or remove it"
		else
			rm -rf "$d"
		fi
	done
	rm -f "$1/latest.tmp" # a results/latest switch cut short
}

# new_partial WANT KIND: the staging directory of results that will be WANT
# (which must not exist, or be empty): PARTIAL=PARENT/.partial-KIND.XXXXXX,
# FINAL=WANT with its parent resolved. Leaves PARENT locked, with its stale
# partial directories cleaned: the caller writes its .run, then unlock_dir.
new_partial() {
	local want=$1 kind=$2 parent
	[ ! -e "$want" ] || [ -z "$(ls -A "$want" 2>/dev/null)" ] || die 2 "output directory $want exists and is not empty"
	mkdir -p "$(dirname "$want")" || die 1 "cannot create $(dirname "$want")"
	parent=$(cd "$(dirname "$want")" && pwd -P)
	FINAL=$parent/$(basename "$want")
	lock_dir "$parent"
	clean_stale "$parent"
	PARTIAL=$(mktemp -d "$parent/.partial-$kind.XXXXXX") || die 1 "cannot create a directory in $parent"
	chmod 755 "$PARTIAL"
}

# commit_partial LATEST: PARTIAL, complete, becomes FINAL (its .run goes), under
# the lock on the parent: a FINAL that appeared meanwhile and is not empty
# stops it (exit 1; partial_exit then removes PARTIAL, or keeps a resumed
# one). LATEST=1: PARENT/latest names it afterwards. Takes PARTIAL and FINAL
# as new_partial (or --resume) set them.
commit_partial() {
	local parent
	parent=$(dirname "$FINAL")
	lock_dir "$parent"
	[ ! -e "$FINAL" ] || [ -z "$(ls -A "$FINAL")" ] || die 1 "results directory $FINAL appeared meanwhile and is not empty"
	rm -f "$PARTIAL/.run"
	rm -rf "$FINAL" # (empty: an --out DIR made beforehand)
	mv "$PARTIAL" "$FINAL"
	PARTIAL=""
	[ "$1" != 1 ] || switch_link "$parent" latest "$(basename "$FINAL")"
	unlock_dir
}

# switch_link DIR NAME TARGET: DIR/NAME becomes a symbolic link to TARGET in
# one rename (whoever reads it sees the old or the new one, never none)
switch_link() { ln -sfn "$3" "$1/$2.tmp" && mv -T "$1/$2.tmp" "$1/$2"; }

partial_exit() { # at exit: the partial directory goes, unless resumed (then it stays resumable)
	[ -n "$PARTIAL" ] && [ -d "$PARTIAL" ] || return 0
	if [ "$RESUMING" = 1 ]; then
		say "kept $PARTIAL: continue it with $(run_field "$PARTIAL" resume)"
	else
		rm -rf "$PARTIAL"
	fi
}

find_partial() { # find_partial DIR NAME: the partial directory that --resume DIR means
	local arg=${1%/} name=$2 abs d best=""
	case $(basename "$arg") in
	.partial-*)
		[ -d "$arg" ] || die 2 "--resume: no such directory $arg"
		(cd "$arg" && pwd -P)
		return 0 ;;
	esac
	[ -d "$(dirname "$arg")" ] || die 2 "--resume: no such directory $(dirname "$arg")"
	abs=$(cd "$(dirname "$arg")" && pwd -P)/$(basename "$arg")
	for d in "$(dirname "$abs")"/.partial-"$name".*; do
		if [ -d "$d" ] && [ "$(run_field "$d" final)" = "$abs" ] &&
			{ [ -z "$best" ] || [ "$d/.run" -nt "$best/.run" ]; }; then
			best=$d
		fi
	done
	[ -n "$best" ] || die 2 "--resume: no killed sweep of $name for $arg (no .partial-$name.* in $(dirname "$abs") names it)"
	echo "$best"
}

cmd_sweep() {
	local target=auto kernel=thesis out="" quick=() pass=() cfg_arg="" cmdline="./run.sh sweep $*"
	local resume=""
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) sweep_usage; return 0 ;;
		--quick) quick=(--quick) ;;
		--out) [ $# -ge 2 ] || die 2 "--out needs a directory"; out=$2; shift ;;
		--hook | --mode) [ $# -ge 2 ] || die 2 "$1 needs a value"; pass+=("$1" "$2"); shift ;;
		--target) [ $# -ge 2 ] || die 2 "--target needs host, vm or auto"; target=$2; shift ;;
		--kernel) [ $# -ge 2 ] || die 2 "--kernel needs debian, thesis, thesis-int3 or a bzImage path"; kernel=$2; shift ;;
		--resume) [ $# -ge 2 ] || die 2 "--resume needs a directory"; resume=$2; shift ;;
		-*) die 2 "sweep: unknown option $1 (see ./run.sh sweep --help)" ;;
		*) [ -z "$cfg_arg" ] || die 2 "sweep: one experiment at a time ($cfg_arg, $1)"; cfg_arg=$1 ;;
		esac
		shift
	done
	[ -n "$cfg_arg" ] || die 2 "sweep: which experiment? (experiments: $(list_experiments))"
	case $target in host | vm | auto) ;; *) die 2 "--target must be host, vm or auto: $target" ;; esac
	[ -z "$resume" ] || [ -z "$out" ] || die 2 "--resume continues into the results directory the sweep had: no --out"
	local cfg
	cfg=$(resolve_config "$cfg_arg")
	setup sweep
	# Validate the config before anything is written.
	"$BIN/cob-sweep" --config "$cfg" --check "${quick[@]}" "${pass[@]}" >/dev/null || exit $?
	local plot
	for plot in $("$BIN/cob-sweep" --config "$cfg" --describe | sed -n 's/^plots=//p'); do
		[ -f "$ROOT/plots/$plot.gp" ] || die 2 "$cfg_arg: plots = $plot, but there is no plots/$plot.gp"
	done

	if [ "$target" != host ] && ! in_guest; then
		if [ "$target" = auto ]; then
			# 3: the host cannot attach the hook; anything else but 0 is a failure
			local st=0 why
			why=$("$BIN/cob-sweep" --config "$cfg" --check-hook "${pass[@]}" 2>&1 >/dev/null) || st=$?
			case $st in
			0) target=host ;;
			3)
				say "this host cannot attach the hook $cfg_arg needs: running it in the $kernel guest"
				target=vm ;;
			*) die 1 "cannot tell whether this host can attach the hook (cob-sweep --check-hook: exit $st): ${why##*$'\n'}" ;;
			esac
		fi
	fi
	[ -z "$resume" ] || [ "$target" != vm ] ||
		die 2 "--resume runs on this host; resume a guest's sweep inside the guest (./run.sh vm --kernel $kernel -- sweep $cfg_arg ... --resume DIR)"

	local name stamp final tmp latest=0 resume_cmd
	name=$(basename "$cfg" .conf)
	on_exit partial_exit
	if [ -n "$resume" ] && [ -f "$resume/meta.json" ] && [ ! -f "$resume/.run" ]; then
		say "$resume holds a complete sweep: nothing to resume"
		return 0
	elif [ -n "$resume" ]; then
		tmp=$(find_partial "$resume" "$name")
		lock_dir "$(dirname "$tmp")"
		! owner_alive "$tmp" || die 2 "--resume: $tmp belongs to a sweep that is running (pid $(run_field "$tmp" pid))"
		final=$(run_field "$tmp" final)
		latest=$(run_field "$tmp" latest)
		resume_cmd=$(run_field "$tmp" resume)
		[ -n "$final" ] || die 2 "--resume: $tmp has no .run file (not a partial sweep of run.sh)"
		write_run "$tmp" "$final" "${latest:-0}" "$resume_cmd"
		unlock_dir
		PARTIAL=$tmp FINAL=$final RESUMING=1
		say "resuming $tmp (results go to $final)"
	else
		stamp=$(date +%Y%m%d-%H%M%S)
		[ -n "$out" ] || latest=1
		new_partial "${out:-$RESULTS/$stamp-$name}" "$name"
		final=$FINAL tmp=$PARTIAL
		resume_cmd="$(printf '%q ' ./run.sh sweep "$cfg_arg" "${quick[@]}" "${pass[@]}" --resume)$(printf '%q' "$tmp")"
		write_run "$tmp" "$final" "$latest" "$resume_cmd"
		unlock_dir
	fi

	if [ "$target" = vm ]; then
		run_child bash "$ROOT/vm/vm.sh" --kernel "$kernel" --results "$tmp" -- \
			sweep "$cfg_arg" --target host --out "$tmp/guest" "${quick[@]}" "${pass[@]}"
		# the guest wrote into a subdirectory of the shared one
		find "$tmp/guest" -mindepth 1 -maxdepth 1 -exec mv -t "$tmp" {} +
		rmdir "$tmp/guest"
	else
		local again=()
		[ -z "$resume" ] || again=(--resume)
		COB_GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
		export COB_GIT_REV
		run_child "$BIN/cob-sweep" --config "$cfg" --out "$tmp" "${quick[@]}" "${pass[@]}" "${again[@]}" \
			--where "${COB_WHERE:-host}" --command "$cmdline" --parent $$
	fi
	in_guest || render_plots "$tmp" "$(realpath -m "$final")" || die 1 "the graphs of $name failed"
	commit_partial "$latest"
	say "results in $final"
}

# ---------------------------------------------------------------- reproduce
reproduce_usage() {
	cat <<EOF
usage: ./run.sh reproduce [--quick] [--target host|vm|auto] [--only LIST] [--configs DIR] [--out DIR]

Runs every experiment of the thesis that this kernel supports, one sweep each, and writes
results/DATE-reproduce/index.html: a static page (no script, no server, no network) with every
graph (PNG, linking its SVG) captioned with what the thesis found and what this run found,
the backend, kernel and accelerator, the summary tables, links to the CSVs and meta.json,
and the thesis's headline numbers next to this run's. The experiments are the configs with
an [experiment] id (ARCHITECTURE.md, An experiment); one the kernel cannot run (its hook
backend does not attach: the same probes as doctor and --backend auto; or its target key)
is skipped with the reason, on the page too.
  --quick      every config's [quick] grid
  --target T   host: all here; vm: all in the guest kernel each config names (kernel =,
               default thesis), one boot per kernel; auto (default): each on the host when
               its config allows it and the host can attach its hook, else in its guest
  --only LIST  only these experiments: a comma list of ids or names (e.g. E1,mmap)
  --configs D  take the configs from D instead of configs/ (tests)
  --out DIR    where results go (default results/DATE-reproduce)
Each experiment's results are DIR/NAME/ (as ./run.sh sweep writes them), its output
DIR/NAME.log, its state DIR/status/NAME.status. Progress: one line per experiment with the
time elapsed and an estimate of what remains (from the seconds per run so far).
Exit: 0 every experiment ran or was skipped; 1 one or more failed (the others still ran;
the page says which and why); 2 bad usage or no experiment.
Experiments: $(list_experiments)
EOF
}

cmd_reproduce() {
	local target=auto outdir="" only="" configs=$ROOT/configs run_only=0
	REPRO_QUICK=()
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) reproduce_usage; return 0 ;;
		--quick) REPRO_QUICK=(--quick) ;;
		--target) [ $# -ge 2 ] || die 2 "--target needs host, vm or auto"; target=$2; shift ;;
		--only) [ $# -ge 2 ] || die 2 "--only needs a comma list of experiments"; only=$2; shift ;;
		--configs)
			if [ $# -lt 2 ] || [ ! -d "$2" ]; then die 2 "--configs needs a directory"; fi
			configs=$(cd "$2" && pwd); shift ;;
		--out) [ $# -ge 2 ] || die 2 "--out needs a directory"; outdir=$2; shift ;;
		--run) run_only=1 ;; # inside a guest: the run phase into --out (the host writes the page)
		*) die 2 "reproduce: unknown argument $1 (see ./run.sh reproduce --help)" ;;
		esac
		shift
	done
	case $target in host | vm | auto) ;; *) die 2 "--target must be host, vm or auto: $target" ;; esac
	# shellcheck source=bench/reproduce.sh
	. "$ROOT/bench/reproduce.sh"
	if [ "$run_only" = 1 ]; then
		[ -d "$outdir" ] || die 2 "reproduce --run needs the --out directory"
		setup reproduce
		repro_collect "$configs" "$outdir" "$only"
		repro_place "$outdir" host
		repro_count_runs "$outdir"
		repro_run_here "$outdir"
		return 0
	fi
	in_guest && die 2 "reproduce: run it on the host (--target vm runs the experiments in a guest)"
	setup reproduce
	local final tmp name st=0 k
	on_exit partial_exit
	new_partial "${outdir:-$RESULTS/$(date +%Y%m%d-%H%M%S)-reproduce}" reproduce
	final=$FINAL tmp=$PARTIAL
	# whose it is: a sweep next to it leaves it alone while we run (see Partial results)
	write_run "$tmp" "$final" 0 "./run.sh reproduce (not resumable: run it again)"
	unlock_dir
	repro_collect "$configs" "$tmp" "$only"
	repro_place "$tmp" "$target"
	repro_count_runs "$tmp"
	say "reproduce: ${#REPRO_NAMES[@]} experiments ($REPRO_RUNS_ALL runs), target $target: $(
		for name in "${REPRO_NAMES[@]}"; do printf '%s@%s ' "$name" "${REPRO_PLACE[$name]}"; done)"
	repro_run_here "$tmp"
	for k in $(printf '%s\n' "${REPRO_PLACE[@]}" | sort -u); do
		case $k in host | skip) ;; *) repro_run_guest "$tmp" "$k" ;; esac
	done
	for name in "${REPRO_NAMES[@]}"; do repro_plots "$tmp" "$name" "$final"; done
	bash "$ROOT/bench/reproduce_page.sh" --target "$target" ${REPRO_QUICK[@]+"${REPRO_QUICK[@]}"} \
		"$tmp" "${REPRO_NAMES[@]}" || die 1 "writing the page failed"
	rm -rf "$tmp"/.configs-*
	commit_partial 0
	say "reproduce: done in $(hms $((SECONDS - REPRO_T0)))"
	for name in "${REPRO_NAMES[@]}"; do
		printf '  %-18s %-8s %5s s  %s\n' "$name" "$(kv_field "$final/status/$name.status" state)" \
			"$(kv_field "$final/status/$name.status" seconds)" "$(kv_field "$final/status/$name.status" reason)" >&2
		[ "$(kv_field "$final/status/$name.status" state)" != failed ] || st=1
	done
	say "page: $final/index.html"
	return "$st"
}

# ---------------------------------------------------------------- doctor
cmd_doctor() {
	local args=() target=host kernel=thesis
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			cat <<EOF
usage: ./run.sh doctor [--json] [--target host|vm] [--kernel debian|thesis|thesis-int3|PATH]
Lists kernel features and hook backends, available or not and why, each found by a
real trial load/attach, and the monitors (works / refused: why, from each one's --probe).
--json prints {"kernel","where","features","backends","auto","auto_by_mode","monitors"}.
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
		run_child bash "$ROOT/vm/vm.sh" --kernel "$kernel" -- doctor ${args[@]+"${args[@]}"} ;;
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
The bats files run COB_TEST_JOBS at a time (default 1), as tests/bats/schedule orders them.
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

# ---------------------------------------------------------------- bench
BPFCOST_BENCHES="helpers verifier tailcall trigger"

cmd_bench() {
	case ${1:-} in
	-h | --help)
		cat <<EOF
usage: ./run.sh bench workload|helpers|verifier|tailcall|trigger [options]   (BENCH --help: its options)
Benchmarks of the suite itself and of what BPF costs on this kernel.
  workload   the workload's own cost: cob-read without a hook against a bare C read loop and
             fio --ioengine=psync, cached 4 KiB reads, per-read median; CSV and ratios
  helpers    E11: ns per call of bpf_probe_read_kernel/_user, bpf_probe_write_user and the
             suite's number parser vs size (bpf_ktime_get_ns, cross-checked with run-time stats)
  verifier   E12: load and verification time, JIT and the rest, verified insns vs program size
  tailcall   E13: one filter-reduce program vs filter -> reduce tail calls vs read size
  trigger    the bare cost of each hook mechanism (tp, raw_tp, kprobe, fentry, fexit, fmod_ret)
             on getpgid(), as the kernel's selftests 'bench trig-*'
EOF
		return 0 ;;
	workload) shift ;;
	helpers | verifier | tailcall | trigger) cmd_bench_bpfcost "$@"; return ;;
	"") die 2 "bench: which benchmark? (benchmarks: workload $BPFCOST_BENCHES; see ./run.sh bench --help)" ;;
	*) die 2 "bench: unknown benchmark '$1' (benchmarks: workload $BPFCOST_BENCHES)" ;;
	esac
	case ${1:-} in -h | --help) bash "$ROOT/workloads/bench_workload.sh" --help; return 0 ;; esac
	setup bench
	COB_BIN=$BIN COB_RESULTS=$RESULTS COB_GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) \
		run_child bash "$ROOT/workloads/bench_workload.sh" "$@"
}

# The BPF cost benchmarks (cob-bpfcost) are not sweeps: nothing in them is a
# read of a file by cob-read through a hook backend; each runs its own loop of
# getpgid() calls. Like a sweep they leave BENCH.csv, meta.json and the graph
# in results/DATE-bpfcost-BENCH (or --out), written in a staging directory and
# renamed into place when complete; results/latest then links there.
cmd_bench_bpfcost() {
	local name=$1 out="" args=() cmdline="" a final tmp latest=0
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help)
			cat <<EOF
usage: ./run.sh bench $name [--quick] [--reps N] [--runs N] [--out DIR]
What BPF costs on this kernel ($name; docs/bpf-cost.md): BPF programs on this command's own
getpgid() calls; what the kernel refuses is skipped with its reason (meta.json: skipped).
  --quick     the smallest grid, one repetition (what the tests run)
  --reps N    repetitions, the outer loop
  --runs N    program runs per point and repetition (helpers, tailcall: at most 4096;
              trigger: getpgid() calls per timed loop; verifier: loads per size)
  --out DIR   where $name.csv, meta.json and the graph go (default results/DATE-bpfcost-$name;
              results/latest then links there)
EOF
			return 0 ;;
		--out) [ $# -ge 2 ] || usage_err "--out needs a value"; out=$2; shift ;;
		--reps | --runs)
			[[ ${2:-} =~ ^[1-9][0-9]{0,8}$ ]] || usage_err "$1 needs a positive number"
			args+=("$1" "$2"); shift ;;
		--quick) args+=("$1") ;;
		*) usage_err "bench $name: unknown option $1" ;;
		esac
		shift
	done
	setup bench
	[ -n "$out" ] || latest=1
	on_exit partial_exit
	new_partial "${out:-$RESULTS/$(date +%Y%m%d-%H%M%S)-bpfcost-$name}" "bpfcost-$name"
	final=$FINAL tmp=$PARTIAL
	write_run "$tmp" "$final" "$latest" ""
	unlock_dir
	for a in ./run.sh bench "$name" "${args[@]}"; do printf -v a '%q' "$a"; cmdline+="$a "; done
	COB_GIT_REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown) \
		run_child "$BIN/cob-bpfcost" "$name" --out "$tmp" --command "${cmdline% }" "${args[@]}" ||
		exit $? # cob-bpfcost said why in one line
	in_guest || render_plots "$tmp" "$(realpath -m "$final")"
	commit_partial "$latest"
	say "results in $final"
}

# ---------------------------------------------------------------- compare
compare_usage() {
	cat <<EOF
usage: ./run.sh compare [--min-change PCT] [--alpha P] [--min-reps N] [--out DIR] [--quiet] BASE NEW

Compares two results directories of the same experiment (meta.json, summary.csv, reads.csv;
overhead.csv when both have one). For every sweep point both share (matched by its axis
values): success rate, median and mean read latency; per backend: overhead. Prints a table
(base, new, change %, p-value, verdict improved|regressed|unchanged|noise|unknown), writes
DIR/compare.csv (the provenance of both runs in every row) and DIR/compare.png + .svg.
  --min-change PCT  smallest relative change of a latency or overhead that counts (default 5)
  --alpha P         significance level (default 0.05)
  --min-reps N      repetitions each run needs for a latency/overhead verdict (default 2)
  --out DIR         where compare.csv and the graph go (default NEW)
  --quiet           no table
The rule: a latency change counts only when |change| >= PCT and it is larger than the
run-to-run noise, judged over the repetitions (a sweep runs them one after another over
the whole grid, so their spread holds the drift of a busy host, which the reads of one
repetition cannot show): the per-repetition medians (means) of the two runs do not overlap
and Welch's t over their logs gives p < P; an overhead's per-repetition range (overhead.csv
rep_min..rep_max) does not overlap and the two Welch CIs give p < P. Otherwise 'noise';
with fewer than N repetitions in a run 'unknown' (the noise cannot be known), never
'regressed'. A base <= 0 (an overhead within the noise) shows the absolute change in ns
(compare.csv change_abs), never a per cent. A success rate that drops at all regresses.
Exit status: 0 nothing regressed, 1 something regressed, 2 bad input (not a results
directory, missing files, different experiments or sweep axes), 3 the graph failed.
EOF
}

cmd_compare() {
	local args=() dirs=() out=""
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) compare_usage; return 0 ;;
		--min-change | --alpha | --min-reps) [ $# -ge 2 ] || die 2 "compare: $1 needs a value"; args+=("$1" "$2"); shift ;;
		--out) [ $# -ge 2 ] || die 2 "compare: --out needs a directory"; out=$2; shift ;;
		--quiet) args+=("$1") ;;
		-*) die 2 "compare: unknown option $1 (see ./run.sh compare --help)" ;;
		*) dirs+=("$1") ;;
		esac
		shift
	done
	[ ${#dirs[@]} -eq 2 ] || die 2 "compare: needs two results directories, BASE and NEW (see ./run.sh compare --help)"
	local d
	for d in "${dirs[@]}"; do [ -d "$d" ] || die 2 "compare: no such results directory: $d"; done
	[ -n "$out" ] || out=${dirs[1]}
	[ -d "$out" ] || mkdir -p "$out" || die 2 "compare: cannot create $out"
	[ "$(id -u)" != 0 ] || ensure_packages
	ensure_build
	local st=0
	"$BIN/cob-compare" ${args[@]+"${args[@]}"} --out "$out" "${dirs[@]}" || st=$?
	[ "$st" -le 1 ] || exit "$st"
	if command -v gnuplot >/dev/null; then
		run_child gnuplot -e "results='$out'" "$ROOT/plots/compare.gp" || die 3 "compare: drawing $out/compare.png failed"
	else
		say "gnuplot not found: no graph"
	fi
	return "$st"
}

# ---------------------------------------------------------------- vm
# Runs vm/vm.sh; a sweep run in the guest gets its graphs drawn here,
# where gnuplot is (the guest has none).
cmd_vm() {
	local a seen=0 sweep=0 out="" prev=""
	for a in "$@"; do
		case $a in -h | --help) [ "$seen" = 0 ] && { bash "$ROOT/vm/vm.sh" --help; return 0; } ;; esac
		if [ "$seen" = 1 ]; then
			[ "$sweep" = 0 ] && { [ "$a" = sweep ] || [ "$a" = bench ]; } && sweep=1
			[ "$prev" = --out ] && out=$a
			prev=$a
		fi
		[ "$a" = -- ] && seen=1
	done
	need_root vm
	ensure_packages
	ensure_build
	run_child bash "$ROOT/vm/vm.sh" "$@" || return $?
	if [ "$sweep" = 1 ]; then
		render_missing_plots "${out:-$RESULTS/latest}" || die 1 "the graphs of ${out:-$RESULTS/latest} failed"
	fi
}

# ---------------------------------------------------------------- main
main() {
	local cmd=${1:-help}
	if [ -n "${RUNSH_SUPERVISOR:-}" ]; then # the worker of a supervising run.sh
		[ "$PPID" = "$RUNSH_SUPERVISOR" ] || exit 125 # it died before we could die with it
		unset RUNSH_SUPERVISOR
		: # cleanup is the EXIT trap of bench/lib.sh (on_exit); no signal traps: see Signals
	else
		case $cmd in sweep | vm | nightly | reproduce) supervise "$@" ;; esac
		install_traps
	fi
	[ $# -gt 0 ] && shift
	case $cmd in
	sweep) cmd_sweep "$@" ;;
	doctor) cmd_doctor "$@" ;;
	test) cmd_test "$@" ;;
	vm) cmd_vm "$@" ;;
	bench) cmd_bench "$@" ;;
	compare) cmd_compare "$@" ;;
	nightly) cmd_nightly "$@" ;;
	reproduce) cmd_reproduce "$@" ;;
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
