# Kill a quick sweep at a random moment and check that the machine is as it
# was: the helpers of tests/bats/kill.bats, also run inside a guest kernel
# (bash-static and busybox there: no bpftool, pgrep or flock; only /proc).
#
#   kl_init ROOT RESULTS LOGDIR [PRIV]   once; RANDOM seeded from $KL_SEED if set
#   kl_kill I                     sweep number I, killed; one line; 1 on a problem
#
# PRIV (a directory outside /tmp, /dev/shm and /var/tmp): each sweep runs in
# a mount namespace where those three are PRIV/tmp, PRIV/shm, PRIV/vartmp,
# so every file a sweep leaves there is seen, whatever its name, and other
# developers' files never count (the host). Without PRIV the files named
# *cob* or copyout-bench* in them are compared instead (the guest).
#
# Which processes are ours: run.sh is started with COB_KILL_TOKEN=<token> in
# its environment, which every descendant inherits (cob-sweep, its guard,
# cob-hook, cob-read, the iostat monitor and its iostat, a sleep of run.sh).
# Other developers' sweeps on the same host therefore never count as ours.
#
# The machine state compared before and after each kill (kl_state):
#   - cob_ BPF programs that no process holds (a fd of the program or of a
#     link to it, from /proc/*/fdinfo): what a kill could leak. Programs that
#     a live process holds belong to it (another developer's sweep);
#   - the mount table (less the tracefs the kernel automounts in debugfs);
#   - loop devices (losetup -a), ram disks (/dev/ram*, brd loaded or not);
#   - BPF and tracing sysctls; cgroups named *cob*; kprobe and uprobe events
#     (tracefs, mounted in a private namespace when it is not mounted here);
#   - without PRIV: files named *cob* or copyout-bench* in /tmp, /dev/shm,
#     /var/tmp (with PRIV: anything in PRIV/{tmp,shm,vartmp}, see above);
# A difference counts when it is new after the kill (a line of the state that
# was not there before, e.g. a changed sysctl value) and still there a second
# later: another developer's program that is being freed or loaded right now
# is not a leak of ours.
# And after the kill: no process of ours left, run.sh's exit status (137 for its
# SIGKILL; 143/130 for TERM/INT, within seconds; non-zero when a child was
# killed), and the results directory: results/latest, if any, names a
# complete directory; every directory there is complete, except .partial-*
# directories of a SIGKILLed run.sh (their owner, in .run, is dead); with
# --out the results directory exists only if complete.

KL_SYSCTLS="kernel/bpf_stats_enabled kernel/unprivileged_bpf_disabled kernel/perf_event_paranoid
kernel/kptr_restrict kernel/ftrace_enabled net/core/bpf_jit_enable net/core/bpf_jit_harden
net/core/bpf_jit_kallsyms vm/dirty_ratio vm/dirty_background_ratio kernel/sched_schedstats"

kl_init() { # kl_init ROOT RESULTS LOGDIR [PRIV]
	KL_ROOT=$1 KL_RESULTS=$2 KL_LOGDIR=$3 KL_PRIV=${4:-}
	KL_BIN=$KL_ROOT/build/bin
	KL_TOKEN=cobkill$$x$RANDOM$RANDOM
	mkdir -p "$KL_RESULTS" "$KL_LOGDIR"
	[ -z "$KL_PRIV" ] || mkdir -p "$KL_PRIV/tmp" "$KL_PRIV/shm" "$KL_PRIV/vartmp"
	# A clone under /tmp, /dev/shm or /var/tmp stays visible at its own path
	# in kl_run's namespace: its mount point exists in the private directory
	# from the start (so it is no leftover of a kill).
	KL_ROOT_AT=""
	if [ -n "$KL_PRIV" ]; then
		case "$KL_ROOT/" in
		/tmp/*) KL_ROOT_AT=$KL_PRIV/tmp${KL_ROOT#/tmp} ;;
		/dev/shm/*) KL_ROOT_AT=$KL_PRIV/shm${KL_ROOT#/dev/shm} ;;
		/var/tmp/*) KL_ROOT_AT=$KL_PRIV/vartmp${KL_ROOT#/var/tmp} ;;
		esac
		[ -z "$KL_ROOT_AT" ] || mkdir -p "$KL_ROOT_AT"
	fi
	KL_SEED=${KL_SEED:-$((RANDOM * 32768 + RANDOM))}
	RANDOM=$KL_SEED
	KL_PROBE_NS=""
	[ -r /sys/kernel/tracing/kprobe_events ] || KL_PROBE_NS=1
}

kl_ms() { # milliseconds, monotonic enough for a test
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

kl_our_pids() { # the live processes of our sweeps (a zombie has no environment)
	grep -lzx "COB_KILL_TOKEN=$KL_TOKEN" /proc/[0-9]*/environ 2>/dev/null |
		sed 's|^/proc/||; s|/environ$||'
}

kl_our() { # kl_our NAME [ARG]: our live processes named NAME (with ARG in their command line)
	local p c
	for p in $(kl_our_pids | sort -n); do
		read -r c 2>/dev/null <"/proc/$p/comm" || continue
		[ "$c" = "$1" ] || continue
		[ -z "${2:-}" ] || { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q -- " $2 " || continue
		echo "$p"
	done
}

kl_ps() { # our processes, for messages
	local p c
	for p in $(kl_our_pids); do
		read -r c 2>/dev/null <"/proc/$p/comm" && echo "$p $c $({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | cut -c1-120)"
	done
}

kl_progs() { # "ID NAME" of every loaded cob_ program
	if command -v bpftool >/dev/null; then
		bpftool prog show 2>/dev/null | sed -n 's/^\([0-9]*\): .* name \(cob_[^ ]*\) .*/\1 \2/p'
	else
		"$KL_BIN/cob-hook" progs cob_
	fi
}

kl_orphan_progs() { # cob_ programs no process holds (listed first, holders after)
	local progs held id name
	progs=$(kl_progs)
	[ -n "$progs" ] || return 0
	held=$(grep -h '^prog_id:' /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u)
	while read -r id name; do
		grep -qx "$id" <<<"$held" || echo "$id $name"
	done <<<"$progs"
}

kl_probe_events() {
	local t=/sys/kernel/tracing
	if [ -z "$KL_PROBE_NS" ]; then
		cat "$t/kprobe_events" "$t/uprobe_events" 2>/dev/null
	elif command -v unshare >/dev/null; then
		unshare -m --propagation private sh -c \
			"mount -t tracefs nodev $t 2>/dev/null && cat $t/kprobe_events $t/uprobe_events" 2>/dev/null
	fi
	return 0
}

kl_files() { # temporary files a sweep could leave (see the top)
	local f
	if [ -n "$KL_PRIV" ]; then
		find "$KL_PRIV/tmp" "$KL_PRIV/shm" "$KL_PRIV/vartmp" -mindepth 1 -maxdepth 1 2>/dev/null | sort
		return 0
	fi
	for f in /tmp/* /tmp/.[!.]* /dev/shm/* /dev/shm/.[!.]* /var/tmp/* /var/tmp/.[!.]*; do
		case ${f,,} in */*cob* | */*copyout*) [ -e "$f" ] && echo "$f" ;; esac
	done | sort
	return 0
}

kl_state() {
	local k v
	echo "== cob_ BPF programs nobody holds"
	kl_orphan_progs
	echo "== mounts"
	grep -v ' /sys/kernel/debug/tracing tracefs ' /proc/mounts | sort
	echo "== loop devices"
	losetup -a 2>/dev/null | sort
	echo "== ram disks"
	ls /dev/ram* 2>/dev/null
	[ ! -e /sys/module/brd ] || echo "brd loaded"
	echo "== sysctls"
	for k in $KL_SYSCTLS; do
		read -r v 2>/dev/null <"/proc/sys/$k" && echo "$k=$v"
	done
	echo "== cgroups"
	find /sys/fs/cgroup -maxdepth 3 -type d -iname '*cob*' 2>/dev/null | sort
	echo "== kprobe and uprobe events"
	kl_probe_events
	echo "== temporary files"
	kl_files
}

kl_start() { # kl_start PID: its start time (as run.sh records it in .run)
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	# shellcheck disable=SC2086 # the fields after the command name
	set -- $s
	echo "${20}"
}

# kl_new BEFORE AFTER: lines of AFTER not in BEFORE that are still there
# after 0.5 and 1 s (with their section header)
kl_new() {
	local diffs again s
	diffs=$(kl_added "$1" "$2")
	for s in 0.5 0.5; do
		[ -n "$diffs" ] || return 0
		sleep "$s"
		again=$(kl_added "$1" "$(kl_state)")
		diffs=$(comm -12 <(sort <<<"$diffs") <(sort <<<"$again"))
	done
	echo "$diffs"
}

kl_added() { # kl_added BEFORE AFTER: "section: line" for each line new in AFTER
	awk 'NR == FNR { if (!/^== /) seen[$0] = 1; next }
		/^== / { sec = substr($0, 4); next }
		!($0 in seen) { print sec ": " $0 }' <(echo "$1") <(echo "$2")
}

# kl_run ENV=VALUE... CMD ARGS...: CMD with the environment, in a mount
# namespace of its own with /tmp, /dev/shm and /var/tmp from PRIV (the same
# pid all along: unshare and bash exec)
kl_run() {
	if [ -z "$KL_PRIV" ]; then
		exec env "$@"
	fi
	# shellcheck disable=SC2016 # the inner script's own $1, $p, $@
	exec unshare -m --propagation private bash -c 'p=$1 root=$2 at=$3; shift 3
		{ [ -z "$at" ] || mount --bind "$root" "$at"; } &&
		mount --rbind "$p/tmp" /tmp && mount --rbind "$p/shm" /dev/shm && mount --rbind "$p/vartmp" /var/tmp &&
		exec env "$@"' kl_run "$KL_PRIV" "$KL_ROOT" "$KL_ROOT_AT" "$@"
}

kl_ncomplete() { # complete results directories in RESULTS
	local d n=0
	for d in "$KL_RESULTS"/*/; do
		[ -L "${d%/}" ] || ! kl_complete "$d" || n=$((n + 1))
	done
	echo "$n"
}

kl_complete() { # kl_complete DIR: a finished results directory
	[ -f "$1/meta.json" ] && [ -f "$1/reads.csv" ] && [ ! -e "$1/.run" ] && [ ! -e "$1/.progress" ] &&
		grep -q '"status": *"complete"' "$1/meta.json"
}

kl_alive() { # kl_alive PID: running, not a zombie
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) }
	[ "${s%% *}" != Z ]
}

# kl_results RUNSH_PID KILLED: the results directory is sound (see the top);
# KILLED: that run.sh was SIGKILLed, so its partial directory may stay
kl_results() {
	local runsh=$1 killed=$2 d pid bad=0
	if [ -e "$KL_RESULTS/latest" ] || [ -L "$KL_RESULTS/latest" ]; then
		kl_complete "$KL_RESULTS/latest/" || { echo "results/latest -> $(readlink "$KL_RESULTS/latest") is not a complete directory"; bad=1; }
	fi
	for d in "$KL_RESULTS"/* "$KL_RESULTS"/.[!.]*; do
		[ -e "$d" ] || [ -L "$d" ] || continue
		case ${d##*/} in
		latest) ;;
		.partial-*)
			# an earlier kill's is fine (the next sweep judges it); a partial
			# directory without .run can only be this run's (the next sweep
			# removes such a one)
			pid=$(sed -n 's/^pid=//p' "$d/.run" 2>/dev/null)
			if [ -n "$pid" ] && kl_alive "$pid"; then
				echo "$d: its owner (pid $pid) still runs"; bad=1
			elif [ "$killed" != 1 ] && { [ -z "$pid" ] || [ "$pid" = "$runsh" ]; }; then
				echo "$d left by a run.sh that was not SIGKILLed"; bad=1
			fi ;;
		.*) echo "$d: a stray file"; bad=1 ;;
		*) kl_complete "$d" || { echo "$d is not a complete results directory"; bad=1; } ;;
		esac
	done
	return "$bad"
}

# kl_kill I: quick sweep number I, with one kill at a random moment. The
# target rotates: run.sh (SIGKILL, SIGTERM, SIGKILL, SIGINT), cob-sweep,
# cob-hook (SIGKILL); the delay is random, counted from when the target
# appeared, mostly within its first seconds, every 10th one later. Odd
# sweeps write to --out, even ones to results/DATE-NAME (and latest); two in
# three skip run.sh's probe of the host (--target host) to save time.
# Prints one line; KL_LANDED is 1 when the kill hit a running sweep.
kl_kill() {
	local i=$1 target sig delay out outarg=() before after="" log pid victim st=0 which=""

	local ndone t_start t_kill t_exit t_settled sweeps="" p d dead=1 problems="" new vartmp
	case $((i % 3)) in
	0) target=run.sh ;;
	1) target=cob-sweep ;;
	*) target=cob-hook ;;
	esac
	sig=KILL
	# cob-sweep: the sweep itself, not run.sh's --check runs of it; cob-hook:
	# every other one a `cob-hook run` (BPF attached, workload running),
	# the others whichever comes first (often a `cob-hook can` probe)
	case $target in
	cob-sweep) which=--parent ;;
	cob-hook) [ $((i / 3 % 2)) = 1 ] || which=run ;;
	esac
	if [ "$target" = run.sh ]; then
		case $((i / 3 % 4)) in 1) sig=TERM ;; 3) sig=INT ;; esac
	fi
	if [ $((i % 10)) = 9 ]; then
		delay=$((2000 + RANDOM % 8000))
	elif [ "$target" = run.sh ]; then # from its start: setup, probes, first runs
		delay=$((RANDOM % 5000))
	elif [ "$target" = cob-hook ]; then
		delay=$((RANDOM % 1500))
	else
		delay=$((RANDOM % 2000))
	fi
	out=$KL_RESULTS/k$i
	[ $((i % 2)) = 0 ] || outarg=(--out "$out") # odd: --out; even: results/DATE-NAME and latest
	# two in three skip run.sh's probe of the host (--target host): faster
	[ $((i / 3 % 3)) = 0 ] || outarg+=(--target host)
	log=$KL_LOGDIR/kill-$i.log
	KL_LANDED=0
	before=$(kl_state)
	ndone=$(kl_ncomplete)

	# job control: the sweep gets its own process group and SIGINT not ignored
	# (a shell starts background jobs with SIGINT ignored otherwise)
	t_start=$(kl_ms)
	set -m
	kl_run COB_KILL_TOKEN="$KL_TOKEN" COB_RESULTS="$KL_RESULTS" "$KL_ROOT/run.sh" sweep iterations --quick \
		"${outarg[@]}" >"$log" 2>&1 </dev/null 3>&- &
	pid=$!
	set +m
	victim=""
	if [ "$target" = run.sh ]; then
		victim=$pid
	else
		for ((p = 0; p < 300; p++)); do # up to 30 s for the target to appear
			victim=$(kl_our "$target" "$which" | tail -1)
			[ -n "$victim" ] || ! kl_alive "$pid" || { sleep 0.1; continue; }
			break
		done
	fi
	sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
	if [ "$target" != run.sh ]; then # the one running now (cob-hook comes and goes)
		for ((p = 0; p < 50; p++)); do
			victim=$(kl_our "$target" "$which" | tail -1)
			[ -z "$victim" ] && kl_alive "$pid" && { sleep 0.1; continue; }
			break
		done
	fi
	# the kill (a cob-hook found may end before it comes: then the next one)
	for ((p = 0; p < 50; p++)); do
		sweeps=$(kl_our cob-sweep)
		if [ -n "$victim" ] && kl_alive "$victim" && kl_alive "$pid"; then
			kill -"$sig" "$victim" 2>/dev/null && KL_LANDED=1
		fi
		if [ "$KL_LANDED" = 1 ] || [ "$target" = run.sh ] || ! kl_alive "$pid"; then break; fi
		sleep 0.1
		victim=$(kl_our "$target" "$which" | tail -1)
	done
	t_kill=$(kl_ms)
	wait "$pid" || st=$?
	t_exit=$(kl_ms)

	# settle: what dies with the killed process goes within moments (10 s)
	while [ $(($(kl_ms) - t_exit)) -lt 10000 ]; do
		if [ -z "$(kl_our_pids)" ]; then
			after=$(kl_state)
			[ -n "$(kl_added "$before" "$after")" ] || break
		fi
		sleep 0.1
	done
	[ -n "$after" ] || after=$(kl_state)
	t_settled=$(kl_ms)

	if [ "$KL_LANDED" = 1 ]; then
		case $target/$sig in
		run.sh/KILL) [ "$st" = 137 ] || problems+="run.sh exited $st, not 137; " ;;
		run.sh/TERM) [ "$st" = 143 ] || problems+="run.sh exited $st, not 143; " ;;
		run.sh/INT) [ "$st" = 130 ] || problems+="run.sh exited $st, not 130; " ;;
		*) [ "$st" != 0 ] || problems+="run.sh exited 0 although its $target was killed; " ;;
		esac
		if [ "$sig" != KILL ] && [ $((t_exit - t_kill)) -gt 10000 ]; then
			problems+="run.sh took $((t_exit - t_kill)) ms to stop after SIG$sig; "
		fi
		dead=0
		[ "$target/$sig" != run.sh/KILL ] || dead=1
	fi
	if [ "$KL_LANDED" = 0 ] && [ "$st" != 0 ]; then
		problems+="the sweep failed before the kill (exit $st): $(tail -3 "$log" | tr '\n' ';') "
	fi
	if [ -n "$(kl_our_pids)" ]; then
		problems+="processes left: $(kl_ps | tr '\n' ';') "
		# reported: end them so that the next kill starts clean
		for p in $(kl_our_pids); do kill -KILL "$p" 2>/dev/null; done
	fi
	if [ "$after" != "$before" ]; then
		new=$(kl_new "$before" "$after")
		[ -z "$new" ] || problems+="machine state changed: $(tr '\n' ';' <<<"$new") "
	fi
	vartmp=/var/tmp
	[ -z "$KL_PRIV" ] || vartmp=$KL_PRIV/vartmp # (where the files section looks too)
	for p in $sweeps; do
		for d in "$vartmp"/copyout-bench-"$p" "$vartmp"/copyout-bench-"$p".*; do
			[ ! -e "$d" ] || problems+="work directory $d left; "
		done
	done
	if ! kl_results "$pid" "$dead" >"$log.results"; then
		problems+="results: $(tr '\n' ';' <"$log.results") "
	fi
	if [ "$KL_LANDED" = 1 ] && [ "$st" != 0 ]; then
		# the kill took the sweep down: no result of it appears later, promptly
		[ ! -e "$out" ] || problems+="--out $out exists after a killed sweep; "
		[ "$(kl_ncomplete)" = "$ndone" ] || problems+="a killed sweep completed its results anyway; "
		[ $((t_settled - t_exit)) -lt 5000 ] || problems+="the sweep went on for $((t_settled - t_exit)) ms after run.sh ended; "
	fi
	[ -z "$problems" ] || problems+="(log: $(tail -3 "$log" | tr '\n' ';')) "
	printf 'kill %2d: %-9s SIG%-4s delay %4d ms, %5d ms into the sweep: %s, exit %3s in %4d ms, settled in %4d ms%s\n' \
		"$i" "$target" "$sig" "$delay" $((t_kill - t_start)) \
		"$([ "$KL_LANDED" = 1 ] && echo landed || echo 'missed (sweep over)')" \
		"$st" $((t_exit - t_kill)) $((t_settled - t_exit)) "${problems:+: PROBLEM: $problems}"
	[ -z "$problems" ]
}
