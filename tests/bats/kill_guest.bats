#!/usr/bin/env bats
# shellcheck disable=SC2154 # $stderr: set by bats' run --separate-stderr
# Kills at random moments inside the Debian guest: the guest half of
# tests/bats/kill.bats (its helpers, tests/bats/kill_lib.bash, run in the
# guest). A file of its own because it touches nothing on the host but a qemu
# process, so the runner may run it beside kill.bats, which checks the whole
# host's state. KL_SEED_BASE=N reproduces the random delays.

bats_require_minimum_version 1.5.0

load common

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	[ -x build/bin/cob-sweep ] || { echo "build/bin/cob-sweep not built (run make)"; return 1; }
}

@test "10 kills inside the Debian guest leave nothing behind" {
	local seed=${KL_SEED_BASE:-$((RANDOM * 32768 + RANDOM))} start=$SECONDS
	run --separate-stderr timeout 400 ./run.sh vm --kernel debian --share "$PWD/tests" --timeout 360 -- \
		--raw bash -c "source '$PWD/tests/bats/kill_lib.bash'; KL_SEED=$seed; kl_init /cob /var/tmp/kr /var/tmp/kl
			fails=0; for i in 0 1 2 3 4 5 6 7 8 9; do kl_kill \$i || fails=\$((fails + 1)); done; exit \$fails"
	echo "$output"
	echo "$stderr" | tail -5
	grep '^kill' <<<"$output" | while IFS= read -r l; do echo "# guest: $l"; done >&3
	echo "# guest: 10 kills in $((SECONDS - start)) s (KL_SEED_BASE=$seed)" >&3
	[ "$status" -eq 0 ]
	[ "$(grep -c '^kill .* landed' <<<"$output")" -ge 8 ]
}
