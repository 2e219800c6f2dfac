#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr: set by bats' run --separate-stderr
# Kills at random moments. 50 quick host sweeps (./run.sh sweep iterations
# --quick), each killed once: SIGKILL of run.sh, cob-sweep or cob-hook in
# turn, and SIGTERM/SIGINT of run.sh, after a random delay counted from when
# the target appeared (mostly within its first seconds). Each one must leave
# the machine as it was: no cob_ BPF program, mount, loop or ram device,
# sysctl change, cgroup, process, temporary file or work directory, and no
# partial results that results/latest could name (tests/bats/kill_lib.bash
# says exactly what is compared). The sweep after the kills works, a
# SIGKILLed sweep is resumed (--resume). The 10 kills inside the Debian guest are
# tests/bats/kill_guest.bats. KL_SEED=N reproduces the random delays (printed with each batch).

bats_require_minimum_version 1.5.0

load common
load kill_lib

# The kills' sweeps see /tmp, /dev/shm and /var/tmp of their own (kl_run), so
# their results live outside those: under /run.
setup_file() {
	if [ -d /run ] && [ -w /run ] && command -v unshare >/dev/null; then
		KILL_BASE=$(mktemp -d /run/cob-kill.XXXXXX)
		KILL_PRIV=$KILL_BASE/priv
	else
		KILL_BASE=$BATS_FILE_TMPDIR/base KILL_PRIV=""
	fi
	export KILL_BASE KILL_PRIV
}

teardown_file() {
	[[ $KILL_BASE != /run/cob-kill.* ]] || rm -rf "$KILL_BASE"
}

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	[ -x build/bin/cob-sweep ] || { echo "build/bin/cob-sweep not built (run make)"; return 1; }
	RES=$KILL_BASE/results
	LOGS=$BATS_FILE_TMPDIR/logs
	export COB_RESULTS=$RES
}

# kill_batch FROM TO: kills FROM..TO, one line each on the TAP stream
kill_batch() {
	local i fails=0 f=$BATS_TEST_TMPDIR/line
	KL_SEED=${KL_SEED_BASE:+$((KL_SEED_BASE + $1))}
	kl_init "$PWD" "$RES" "$LOGS" "$KILL_PRIV"
	echo "# kills $1-$2: KL_SEED=$KL_SEED" >&3
	for ((i = $1; i <= $2; i++)); do
		kl_kill "$i" >"$f" || fails=$((fails + 1))
		sed 's/^/# /' "$f" >&3
		cat "$f" >>"$BATS_FILE_TMPDIR/kills"
	done
	[ "$fails" -eq 0 ]
}

# start_sweep LOG ARGS...: ./run.sh sweep in the background as a supervisor
# would start it (own process group, SIGINT not ignored); sets PID
start_sweep() {
	local log=$1
	shift
	set -m
	COB_KILL_TOKEN=$KL_TOKEN ./run.sh sweep "$@" >"$log" 2>&1 </dev/null 3>&- &
	PID=$!
	set +m
}

wait_for_line() { # wait_for_line LOG REGEX [SECONDS]
	local i
	for ((i = 0; i < ${3:-60} * 10; i++)); do
		grep -qE "$2" "$1" && return 0
		kl_alive "$PID" || break
		sleep 0.1
	done
	grep -qE "$2" "$1"
}

nothing_of_ours_left() {
	local i
	for ((i = 0; i < 50; i++)); do
		[ -z "$(kl_our_pids)" ] && [ -z "$(kl_orphan_progs)" ] && return 0
		sleep 0.1
	done
	kl_ps
	kl_orphan_progs
	return 1
}

@test "SIGTERM and SIGINT to run.sh's pid mid-sweep: acted on at once, exit 143/130, nothing left" {
	kl_init "$PWD" "$RES" "$LOGS"
	local sig st t0 ms out i
	for sig in TERM INT; do
		out=$BATS_TEST_TMPDIR/$sig
		start_sweep "$BATS_TEST_TMPDIR/$sig.log" iterations --quick --out "$out"
		wait_for_line "$BATS_TEST_TMPDIR/$sig.log" '\[ *2/8\]'
		for ((i = 0; i < 50; i++)); do # mid-run: a cob-hook runs
			[ -z "$(kl_our cob-hook run)" ] || break
			sleep 0.1
		done
		[ -n "$(kl_our cob-hook run)" ]
		t0=$(kl_ms)
		kill -"$sig" "$PID" # run.sh alone, as `kill PID` or a supervisor does
		st=0
		wait "$PID" || st=$?
		ms=$(($(kl_ms) - t0))
		cat "$BATS_TEST_TMPDIR/$sig.log"
		echo "# SIG$sig: run.sh exited $st after $ms ms" >&3
		[ "$st" -eq "$([ "$sig" = TERM ] && echo 143 || echo 130)" ]
		[ "$ms" -lt 5000 ]
		grep -q 'cob-sweep: interrupted by SIGTERM' "$BATS_TEST_TMPDIR/$sig.log"
		[ ! -e "$out" ]
		[ -z "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.partial-*')" ]
		nothing_of_ours_left
	done
}

@test "kills 0-9 of 50 at random moments leave nothing behind" {
	kill_batch 0 9
}

@test "kills 10-19 of 50" {
	kill_batch 10 19
}

@test "kills 20-29 of 50" {
	kill_batch 20 29
}

@test "kills 30-39 of 50" {
	kill_batch 30 39
}

@test "kills 40-49 of 50" {
	kill_batch 40 49
	local landed
	landed=$(grep -c ' landed' "$BATS_FILE_TMPDIR/kills")
	echo "# $landed of $(wc -l <"$BATS_FILE_TMPDIR/kills") kills landed in a running sweep" >&3
	[ "$landed" -ge 40 ]
}

@test "after the kills the next sweep works; stale partial directories: removed, kept for --resume, or left to their live owner" {
	kl_init "$PWD" "$RES" "$LOGS"
	local dead boot
	true &
	dead=$!
	wait "$dead"
	boot=$(cat /proc/sys/kernel/random/boot_id)
	mkdir -p "$RES"/.partial-iterations.{norun,dead,deadruns,live,reboot,guestlive,guestdead}
	# staged by a guest on this host's shared path: its own boot id, and its
	# owner on this host (vm.sh) alive or gone
	printf 'pid=1\nstart=1\nboot=guest\nhost_boot=%s\nhost_owner=%s:%s\n' "$boot" "$$" "$(kl_start $$)" \
		>"$RES/.partial-iterations.guestlive/.run"
	printf 'pid=1\nstart=1\nboot=guest\nhost_boot=%s\nhost_owner=%s:1\n' "$boot" "$dead" \
		>"$RES/.partial-iterations.guestdead/.run"
	printf 'pid=%s\nstart=1\nboot=%s\n' "$dead" "$boot" >"$RES/.partial-iterations.dead/.run"
	printf 'pid=%s\nstart=1\nboot=%s\nresume=./run.sh sweep iterations --quick --resume X\n' "$dead" "$boot" \
		>"$RES/.partial-iterations.deadruns/.run"
	printf 'cob-sweep progress 1\nruns 8\nrun 1 0 1 1 reads.csv.tmp 10\n' >"$RES/.partial-iterations.deadruns/.progress"
	printf 'pid=%s\nstart=%s\nboot=%s\n' "$$" "$(kl_start $$)" "$boot" >"$RES/.partial-iterations.live/.run"
	printf 'pid=%s\nstart=%s\nboot=other\n' "$$" "$(kl_start $$)" >"$RES/.partial-iterations.reboot/.run"
	start_sweep "$BATS_TEST_TMPDIR/log" iterations --quick
	wait "$PID"
	cat "$BATS_TEST_TMPDIR/log"
	kl_complete "$RES/latest/"
	[ "$(column iterations "$RES/latest/summary.csv" | wc -l)" -eq 8 ]
	[ ! -e "$RES/.partial-iterations.norun" ]
	[ ! -e "$RES/.partial-iterations.dead" ]
	[ ! -e "$RES/.partial-iterations.reboot" ]
	[ -d "$RES/.partial-iterations.live" ]
	[ -d "$RES/.partial-iterations.guestlive" ]
	[ ! -e "$RES/.partial-iterations.guestdead" ]
	[ -d "$RES/.partial-iterations.deadruns" ]
	grep -q "kept $RES/.partial-iterations.deadruns, a sweep that was killed (1 of 8 runs done): continue it with ./run.sh sweep iterations --quick --resume X" \
		"$BATS_TEST_TMPDIR/log"
	rm -rf "$RES"/.partial-iterations.{live,deadruns,guestlive}
	# what the kills left: only resumable partial directories of dead owners
	local d
	for d in "$RES"/.partial-*; do
		[ -e "$d" ] || continue
		grep -q '^run ' "$d/.progress" || { echo "$d: nothing to resume, yet not removed"; return 1; }
		! kl_alive "$(sed -n 's/^pid=//p' "$d/.run")"
	done
	nothing_of_ours_left
}

@test "--resume: a SIGKILLed sweep continues from its last complete run, keeping only complete rows" {
	kl_init "$PWD" "$RES" "$LOGS"
	local out=$BATS_TEST_TMPDIR/r/res partial k st log=$BATS_TEST_TMPDIR/log
	start_sweep "$log" iterations --quick --out "$out"
	wait_for_line "$log" '\[ *3/8\]'
	sleep 0.7 # into run 4
	kill -KILL "$PID"
	wait "$PID" || true
	nothing_of_ours_left
	partial=$(echo "$BATS_TEST_TMPDIR"/r/.partial-iterations.*)
	[ -d "$partial" ]
	[ ! -e "$out" ]
	k=$(grep -c '^run ' "$partial/.progress")
	[ "$k" -ge 3 ]
	# not the same sweep (no --quick): refused, state untouched
	run --separate-stderr ./run.sh sweep iterations --resume "$out"
	echo "$stderr"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"holds another sweep"* ]]
	[ "$(grep -c '^run ' "$partial/.progress")" -eq "$k" ]
	# a resumed sweep stopped by SIGTERM stays resumable
	start_sweep "$log" iterations --quick --resume "$out"
	wait_for_line "$log" "\\[ *$((k + 1))/8\\]"
	kill -TERM "$PID"
	st=0
	wait "$PID" || st=$?
	cat "$log"
	[ "$st" -eq 143 ]
	grep -q "kept $partial" "$log"
	[ "$(grep -c '^run ' "$partial/.progress")" -ge "$((k + 1))" ]
	nothing_of_ours_left
	# and then to the end
	run ./run.sh sweep iterations --quick --resume "$partial"
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$partial" ]
	kl_complete "$out"
	[ ! -e "$BATS_TEST_TMPDIR/r/latest" ] # --out: results/latest is not touched
	# every run's rows exactly once: iterations rows per point
	[ "$(awk -F, 'NR > 1' "$out/reads.csv" | wc -l)" -eq 404 ]
	paste -d' ' <(column file_kind "$out/reads.csv") <(column buf_size "$out/reads.csv") \
		<(column iterations "$out/reads.csv") | sort | uniq -c | awk '$1 != $4 { print; bad = 1 } END { exit bad }'
	[ "$(column n "$out/summary.csv" | tr '\n' ' ')" = "$(column iterations "$out/summary.csv" | tr '\n' ' ')" ]
	[ "$(column match "$out/reads.csv" | sort -u)" = 1 ]
	jq -e '.resumed_after_runs | length == 2' "$out/meta.json"
	nothing_of_ours_left
}

@test "cob-sweep --resume drops the rows of a run cut short and refuses another sweep's state" {
	engine_setup
	printf '[experiment]\nname = t\nplots = iterations\n[sweep]\niterations = 1,3\nbuf_size = 4K\nfile_kind = known,random\nrepetitions = 2\nmonitors = iostat\n' >"$CONF"
	"$SWEEP" --config "$CONF" --out "$BATS_TEST_TMPDIR/ref" --bin "$FAKE" --workdir "$WORK" >/dev/null
	FAKE_HOOK_SLEEP=0.2 "$SWEEP" --config "$CONF" --out "$OUT" --bin "$FAKE" --workdir "$WORK" \
		>"$BATS_TEST_TMPDIR/log" 2>&1 3>&- &
	PID=$!
	wait_for_line "$BATS_TEST_TMPDIR/log" '\[ *5/8\]' 30
	kill -KILL "$PID"
	wait "$PID" || true
	sleep 0.3
	[ -z "$(ls -A "$WORK")" ] # the guard removed the work directory
	# as if killed between a run's rows and its line in .progress, and mid-line
	local row
	row=$(awk -F, 'NR == 2' "$OUT/reads.csv.tmp")
	echo "$row" >>"$OUT/reads.csv.tmp"
	printf '1,2,3' >>"$OUT/reads.csv.tmp"
	printf 'run 99 0 1 5 reads.csv.tmp 1' >>"$OUT/.progress"
	# another config: refused, nothing touched
	sed 's/repetitions = 2/repetitions = 3/' "$CONF" >"$BATS_TEST_TMPDIR/other.conf"
	cp "$OUT/reads.csv.tmp" "$BATS_TEST_TMPDIR/before"
	run "$SWEEP" --config "$BATS_TEST_TMPDIR/other.conf" --out "$OUT" --bin "$FAKE" --workdir "$WORK" --resume
	[ "$status" -eq 2 ]
	[[ "$output" == *"holds another sweep"* ]]
	cmp "$OUT/reads.csv.tmp" "$BATS_TEST_TMPDIR/before"
	run "$SWEEP" --config "$CONF" --out "$BATS_TEST_TMPDIR/none" --bin "$FAKE" --workdir "$WORK" --resume
	[ "$status" -eq 2 ]
	# the same config: the result is the uninterrupted sweep's
	run "$SWEEP" --config "$CONF" --out "$OUT" --bin "$FAKE" --workdir "$WORK" --resume
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"t: resuming $OUT after run "[45]" of 8"* ]]
	cmp "$OUT/reads.csv" "$BATS_TEST_TMPDIR/ref/reads.csv"
	cmp "$OUT/summary.csv" "$BATS_TEST_TMPDIR/ref/summary.csv"
	# the monitor's rows: one header, rows of all 8 runs
	[ "$(grep -c '^experiment,' "$OUT/iostat.csv")" -eq 1 ]
	[ "$(paste -d' ' <(column file_kind "$OUT/iostat.csv") <(column iterations "$OUT/iostat.csv") \
		<(column rep "$OUT/iostat.csv") | sort -u | wc -l)" -eq 8 ]
	[ ! -e "$OUT/.progress" ]
	[ -z "$(find "$OUT" -name '*.tmp')" ]
	[ -z "$(ls -A "$WORK")" ]
}
