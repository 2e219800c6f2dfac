#!/usr/bin/env bats
# The test runner itself (tests/run_all.sh) against the fixtures of
# tests/fixtures/runner: every way a suite can go wrong (crash, truncated TAP,
# hang, no test, a non-zero exit with no failing test, a guest kernel without
# its summary) makes it exit non-zero with one line naming the suite and what
# happened; healthy suites pass with the right counts. About 30 s.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	ROOT=$PWD
	FIX=$ROOT/tests/fixtures/runner
	RUNNER=$ROOT/tests/run_all.sh
	# nothing of the real suites: fixtures only, short timeouts, no kernels
	export COB_TEST_BATS_DIR=$FIX/bats
	export COB_TEST_UNIT_DIR=$FIX/unit/healthy
	export COB_TEST_GUEST_SCRIPT=$FIX/guest/healthy.sh
	export COB_TEST_PREPARE_KERNELS=0
	export COB_TEST_KILL_AFTER=2
	export HUNG_SECONDS=77.7 # the fixtures' hang, told apart from other sleeps
	unset COB_TEST_GUEST_KERNEL
	unset "${!COB_TEST_TIMEOUT_@}"
}

# runner ARGS...: the runner from another directory (it must not depend on cwd)
runner() {
	run bash -c 'cd / && exec "$@"' runner bash "$RUNNER" "$@"
	echo "$output"
}

# fails LINE: the runner failed, said LINE (a whole line), and counted it
fails() {
	[ "$status" -eq 1 ]
	printf '%s\n' "${lines[@]}" | grep -qxF -- "$1"
	[[ ${lines[-1]} =~ ^[0-9]+\ passed,\ [1-9][0-9]*\ failed(,\ [0-9]+\ skipped)?$ ]]
}

no_hang_left() { # no fixture process outlives the runner (a killed one may take a moment)
	local i
	for ((i = 0; i < 30; i++)); do
		pgrep -f "sleep $HUNG_SECONDS" >/dev/null || return 0
		sleep 0.1
	done
	pgrep -af "sleep $HUNG_SECONDS"
	return 1
}

@test "healthy bats file: passes, counts, lists the skip with its reason" {
	runner healthy
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "2 passed, 0 failed, 1 skipped" ]
	printf '%s\n' "${lines[@]}" | grep -qxF "    healthy.bats: skipped on purpose: the fixture's reason"
}

@test "a failing test fails the run and is listed, with no runner complaint" {
	runner failing
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "1 passed, 1 failed" ]
	printf '%s\n' "${lines[@]}" | grep -qxF "    failing.bats: fails on purpose"
	[[ $output != *"!!!"* ]]
}

@test "bats crashing in its 2nd test: plan 1..3 but 1 result" {
	runner crash
	fails '!!! crash.bats: plan 1..3 but 1 result (crashed?)'
	[ "${lines[-1]}" = "1 passed, 1 failed" ]
}

@test "a truncated TAP stream (fake bats: 1..3, one ok, exit 0)" {
	PATH=$FIX/fakebats/bin:$PATH COB_TEST_BATS_DIR=$FIX/fakebats runner truncated
	fails '!!! truncated.bats: plan 1..3 but 1 result (crashed?)'
}

@test "a non-zero exit with no failing test (fake bats: 2 ok, exit 3)" {
	PATH=$FIX/fakebats/bin:$PATH COB_TEST_BATS_DIR=$FIX/fakebats runner badexit
	fails '!!! badexit.bats: exit status 3 with no failing test'
	[ "${lines[-1]}" = "2 passed, 1 failed" ]
}

@test "a bats file with no test" {
	runner empty
	fails '!!! empty.bats: ran no test'
}

@test "a hung bats file is killed at its timeout" {
	SECONDS=0
	COB_TEST_TIMEOUT_HUNG=2 runner hung
	fails '!!! hung.bats: timed out after 2 s'
	[ "${lines[-1]}" = "1 passed, 1 failed" ]
	[ "$SECONDS" -lt 15 ]
	no_hang_left
}

@test "the bats timeout applies to every file, a file's own overrides it" {
	COB_TEST_TIMEOUT_BATS=1 COB_TEST_TIMEOUT_HUNG=2 runner hung
	fails '!!! hung.bats: timed out after 2 s'
	COB_TEST_TIMEOUT_BATS=1 runner hung
	fails '!!! hung.bats: timed out after 1 s'
}

@test "healthy and broken files together: every problem counted, the total last" {
	COB_TEST_TIMEOUT_HUNG=2 runner healthy crash empty hung
	fails '!!! crash.bats: plan 1..3 but 1 result (crashed?)'
	fails '!!! empty.bats: ran no test'
	fails '!!! hung.bats: timed out after 2 s'
	[ "${lines[-1]}" = "4 passed, 3 failed, 1 skipped" ]
}

@test "TAP lines are shown as they come, not when the file ends" {
	export STREAM_FLAG=$BATS_TEST_TMPDIR/flag
	cd /
	bash "$RUNNER" stream >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	seen=0
	for _ in $(seq 100); do
		grep -qx 'ok 1 first' "$BATS_TEST_TMPDIR/out" && { seen=1; break; }
		sleep 0.1
	done
	touch "$STREAM_FLAG"
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/out"
	[ "$seen" = 1 ]
	[ "$(tail -n1 "$BATS_TEST_TMPDIR/out")" = "2 passed, 0 failed" ]
}

@test "TERM to the runner stops the running suite too" {
	COB_TEST_TIMEOUT_HUNG=600 bash "$RUNNER" hung >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do pgrep -f "sleep $HUNG_SECONDS" >/dev/null && break; sleep 0.1; done
	pgrep -f "sleep $HUNG_SECONDS" >/dev/null
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	cat "$BATS_TEST_TMPDIR/out"
	[ "$st" -eq 143 ]
	no_hang_left
}

@test "the guest suite runs in the background beside the other suites; TERM stops it too" {
	# the hung thesis guest is started first, the bats file runs meanwhile
	COB_TEST_GUEST_SCRIPT=$FIX/guest/hung.sh bash "$RUNNER" healthy guest >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q '^    healthy.bats: 2 passed' "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	hung=0
	pgrep -f "sleep $HUNG_SECONDS" >/dev/null && hung=1
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	cat "$BATS_TEST_TMPDIR/out"
	[ "$hung" = 1 ]
	started=$(grep -nx '=== guest: started in the background (thesis, debian, thesis-int3), each kernel once it is ready; its results come last' "$BATS_TEST_TMPDIR/out" | cut -d: -f1)
	[ "${started:-99}" -lt "$(grep -n '^=== bats: healthy.bats' "$BATS_TEST_TMPDIR/out" | cut -d: -f1)" ]
	grep -q '^    healthy.bats: 2 passed' "$BATS_TEST_TMPDIR/out"
	[ "$st" -eq 143 ]
	no_hang_left
}

@test "unit: a healthy Criterion binary runs in the repository root" {
	runner unit
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "2 passed, 0 failed, 1 skipped" ]
	printf '%s\n' "${lines[@]}" | grep -qxF "    test_healthy: fake::disabled: Test is disabled"
}

@test "unit: a crash (no synthesis), a non-zero exit, no test, a hang" {
	COB_TEST_UNIT_DIR=$FIX/unit/crash runner unit
	fails '!!! test_crash: no Criterion synthesis, 1 result, exit status 139 (crashed?)'
	COB_TEST_UNIT_DIR=$FIX/unit/badexit runner unit
	fails '!!! test_badexit: exit status 3 with no failing test'
	COB_TEST_UNIT_DIR=$FIX/unit/empty runner unit
	fails '!!! test_empty: ran no test'
	COB_TEST_UNIT_DIR=$FIX/unit/hung COB_TEST_TIMEOUT_UNIT=2 runner unit
	fails '!!! test_hung: timed out after 2 s'
	no_hang_left
	COB_TEST_UNIT_DIR=$BATS_TEST_TMPDIR runner unit
	fails "!!! unit: no test_* binaries in $BATS_TEST_TMPDIR (make tests)"
}

@test "guest: every kernel reports and passes" {
	runner guest
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "4 passed, 0 failed" ]
}

@test "guest: a crashed guest, a wrong summary, a missing kernel, a bad exit, a hang" {
	COB_TEST_GUEST_SCRIPT=$FIX/guest/crash.sh runner guest
	fails "!!! guest: debian: no '# N passed, N failed' line after 1 result (guest crashed or hung?)"
	[ "${lines[-1]}" = "3 passed, 1 failed" ]
	COB_TEST_GUEST_SCRIPT=$FIX/guest/mismatch.sh runner guest
	fails '!!! guest: thesis: says 3 passed, 0 failed, but 2 ok and 0 not ok lines'
	COB_TEST_GUEST_SCRIPT=$FIX/guest/onlyone.sh runner guest
	fails '!!! guest: 1 of 3 guest kernels ran'
	COB_TEST_GUEST_SCRIPT=$FIX/guest/badexit.sh runner guest
	fails '!!! guest: debian: exit status 1 with no failing test'
	COB_TEST_GUEST_SCRIPT=$FIX/guest/hung.sh COB_TEST_TIMEOUT_GUEST=2 runner guest
	fails '!!! guest: timed out after 2 s (in the thesis kernel)'
	no_hang_left
}

@test "guest: a kernel that must be built is announced first; failing to get it fails the suite" {
	# an empty cache and no kernel source: the build fails at once
	COB_TEST_PREPARE_KERNELS=1 COB_CACHE=$BATS_TEST_TMPDIR/cache COB_KERNEL_SRC=$BATS_TEST_TMPDIR/none.tar.xz \
		COB_TEST_GUEST_KERNEL=thesis runner guest
	printf '%s\n' "${lines[@]}" | grep -qxF '=== building the thesis kernel in the background (first run, 5-10 min)...'
	fails '!!! thesis kernel: could not be had (kernel.sh path thesis: exit status 1)'
	fails '!!! guest: not run: no thesis kernel'
}

@test "all suites of a fixture directory: unit, every bats file, guest" {
	COB_TEST_BATS_DIR=$BATS_TEST_TMPDIR/bats
	mkdir "$COB_TEST_BATS_DIR"
	cp "$FIX/bats/healthy.bats" "$FIX/bats/failing.bats" "$COB_TEST_BATS_DIR/"
	runner
	[ "$status" -eq 1 ]
	[ "${lines[-1]}" = "9 passed, 1 failed, 2 skipped" ]
}

@test "bad usage: one line and exit 2" {
	COB_TEST_BATS_DIR=$BATS_TEST_TMPDIR COB_TEST_UNIT_DIR=$BATS_TEST_TMPDIR/none runner healthy
	[ "$status" -eq 2 ]
	[[ $output == "run_all.sh: no suite named 'healthy' (suites: unit guest)" ]]
	runner nosuch
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	COB_TEST_TIMEOUT_GUEST=soon runner guest
	[ "$status" -eq 2 ]
	[ "$output" = "run_all.sh: COB_TEST_TIMEOUT_GUEST must be whole seconds: soon" ]
	runner --list
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = unit ] && [ "${lines[-1]}" = guest ]
}

# spans_overlap A B: the runs of fixture files A and B (their start and end in
# $SPANS, ns) overlap in time
spans_overlap() {
	awk -v a="$1" -v b="$2" '{ t[$1 " " $2] = $3 }
		END { exit !(t["start " a] < t["end " b] && t["start " b] < t["end " a]) }' "$SPANS"
}

@test "bats files run two at a time, each one's output whole; two machine files never at once" {
	COB_TEST_BATS_DIR=$BATS_TEST_TMPDIR/bats
	export SPANS=$BATS_TEST_TMPDIR/spans
	mkdir "$COB_TEST_BATS_DIR"
	for n in a b c; do
		# (@test written through %s: bats would rewrite it in this file)
		printf '%s "%s first" {\n\techo "start %s $(date +%%s%%N)" >>"$SPANS"\n\tsleep 1.5\n}\n%s "%s second" {\n\techo "end %s $(date +%%s%%N)" >>"$SPANS"\n}\n' \
			@test "$n" "$n" @test "$n" "$n" >"$COB_TEST_BATS_DIR/$n.bats"
	done
	# a and b, the costliest, start together and overlap
	printf 'a 30\nb 20\nc 10\n' >"$COB_TEST_BATS_DIR/schedule"
	COB_TEST_JOBS=2 runner a b c
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "6 passed, 0 failed" ]
	spans_overlap a b
	if spans_overlap a c && spans_overlap b c; then echo "c ran beside both"; return 1; fi
	# each file's lines together, in the order the files started
	[ "$(printf '%s\n' "${lines[@]}" | grep -E '^(=== bats|ok|1\.\.)' | paste -sd' ')" = \
		"=== bats: a.bats 1..2 ok 1 a first ok 2 a second === bats: b.bats 1..2 ok 1 b first ok 2 b second === bats: c.bats 1..2 ok 1 c first ok 2 c second" ]
	# a and b machine-wide: never at once; c, costlier than b, runs beside a
	: >"$SPANS"
	printf '# a comment\na 30 machine\nb 20 machine\nc 10\n' >"$COB_TEST_BATS_DIR/schedule"
	COB_TEST_JOBS=2 runner a b c
	[ "$status" -eq 0 ]
	if spans_overlap a b; then echo "the machine files a and b ran at once"; return 1; fi
	spans_overlap a c
	[ "$(printf '%s\n' "${lines[@]}" | grep '^=== bats' | paste -sd' ')" = "=== bats: a.bats === bats: c.bats === bats: b.bats" ]
	# one at a time
	: >"$SPANS"
	COB_TEST_JOBS=1 runner a b c
	[ "$status" -eq 0 ]
	for p in "a b" "a c" "b c"; do
		# shellcheck disable=SC2086 # two names
		if spans_overlap $p; then echo "$p ran at once with COB_TEST_JOBS=1"; return 1; fi
	done
	COB_TEST_JOBS=0 runner a
	[ "$status" -eq 2 ]
	[ "$output" = "run_all.sh: COB_TEST_JOBS must be a whole number of bats files at once, 1 or more: 0" ]
}
