#!/usr/bin/env bats
# Static checks of the shell code.

@test "shellcheck finds nothing in the shell scripts" {
	cd "$BATS_TEST_DIRNAME/../.."
	mapfile -t files < <(git ls-files '*.sh' run.sh .ci/run 'bench/monitors/*' vm/init 2>/dev/null | sort -u)
	[ "${#files[@]}" -gt 3 ]
	run shellcheck -x "${files[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
}
