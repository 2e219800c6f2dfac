#!/usr/bin/env bats
# run.sh argument handling: every bad input gets one clear line, exit 2, and
# leaves no results directory behind.

bats_require_minimum_version 1.5.0

setup() {
	cd "$BATS_TEST_DIRNAME/../.."
	export COB_RESULTS="$BATS_TEST_TMPDIR/results"
	mkdir -p "$COB_RESULTS"
}

no_results_left() {
	[ -z "$(ls -A "$COB_RESULTS")" ]
}

@test "help lists the commands" {
	run ./run.sh help
	[ "$status" -eq 0 ]
	[[ "$output" == *"sweep NAME"* ]]
	[[ "$output" == *"doctor"* ]]
	[[ "$output" == *"iterations"* ]]
}

@test "an unknown command is one line and exit 2" {
	run --separate-stderr ./run.sh frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown command 'frobnicate'"* ]]
}

@test "every command has --help" {
	for c in sweep doctor test vm kernel compare nightly reproduce; do
		run ./run.sh "$c" --help
		[ "$status" -eq 0 ] || { echo "$c --help: $status $output"; return 1; }
		[[ "$output" == *usage* ]]
	done
}

@test "sweep of an unknown experiment: exit 2, names the experiments" {
	run --separate-stderr ./run.sh sweep nosuch
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no experiment 'nosuch'"* ]]
	[[ "$stderr" == *iterations* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	no_results_left
}

@test "sweep of a missing config file: exit 2" {
	run --separate-stderr ./run.sh sweep /nonexistent/x.conf
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"no such config file"* ]]
	no_results_left
}

# sweep_of_edited SED WORD: ./run.sh sweep of configs/iterations.conf edited
# by SED exits 2 with one line naming WORD, and writes no results
sweep_of_edited() {
	sed "$1" configs/iterations.conf >"$BATS_TEST_TMPDIR/edited.conf"
	run --separate-stderr ./run.sh sweep "$BATS_TEST_TMPDIR/edited.conf"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$2"* ]]
	[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
	no_results_left
}

@test "sweep with an unknown key in the config: exit 2, one line naming it" {
	sweep_of_edited 's/^\[sweep\]$/[sweep]\nfrobs = 3/' frobs
}

@test "sweep with a negative buffer size: exit 2" {
	sweep_of_edited 's/^buf_size *=.*/buf_size = -4K/' buf_size
}

@test "sweep with an unknown option or bad target: exit 2" {
	run ./run.sh sweep iterations --frob
	[ "$status" -eq 2 ]
	run ./run.sh sweep iterations --target mars
	[ "$status" -eq 2 ]
	no_results_left
}

@test "sweep without an experiment: exit 2" {
	run ./run.sh sweep
	[ "$status" -eq 2 ]
}

@test "not root: one line saying why root is needed, exit 2" {
	command -v setpriv >/dev/null || skip "setpriv missing"
	# a copy the unprivileged user can reach (bats' own temp dirs are private)
	copy=$(mktemp -d /tmp/cob-nonroot.XXXXXX)
	cp -r "$PWD/run.sh" "$PWD/configs" "$copy/"
	mkdir "$copy/bench" && cp "$PWD"/bench/*.sh "$copy/bench/" # run.sh sources them at start
	chmod -R a+rX "$copy"
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$copy/run.sh" sweep iterations
	rm -rf "$copy"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"needs root"* ]]
}
