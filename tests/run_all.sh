#!/usr/bin/env bash
# Runs every test suite and ends with one line "N passed, N failed" that
# totals them all (Criterion unit tests, bats suites). Exit status: 0 only
# when something ran and nothing failed. Called by ./run.sh test after setup.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${COB_BUILD:-$ROOT/build}
passed=0 failed=0 skipped=0
want=("$@")

selected() { # selected NAME: no filter given, or NAME is in it
	[ ${#want[@]} -eq 0 ] && return 0
	local w
	for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
	return 1
}

run_criterion() {
	local t out line
	for t in "$BUILD"/tests/test_*; do
		[ -x "$t" ] || continue
		echo "=== unit: $(basename "$t")"
		out=$("$t" --jobs 1 2>&1)
		printf '%s\n' "$out" | grep -E '^\[(----|FAIL|====)\]' || true
		line=$(printf '%s\n' "$out" | grep -E 'Synthesis: Tested:' | tail -1)
		if [ -z "$line" ]; then
			echo "!!! $(basename "$t") printed no synthesis (crashed?)"
			failed=$((failed + 1))
			continue
		fi
		local p f c
		p=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$line")
		f=$(sed -E 's/.*Failing: ([0-9]+).*/\1/' <<<"$line")
		c=$(sed -E 's/.*Crashing: ([0-9]+).*/\1/' <<<"$line")
		passed=$((passed + p))
		failed=$((failed + f + c))
	done
}

run_bats() {
	local f out
	for f in "$ROOT"/tests/bats/*.bats; do
		selected "$(basename "$f" .bats)" || continue
		echo "=== bats: $(basename "$f")"
		out=$(cd "$ROOT" && bats --tap "$f" 2>&1)
		printf '%s\n' "$out" | grep -vE '^ok ' || true
		count_tap "$(basename "$f")" "$out"
	done
}

# count_tap NAME OUTPUT: add a TAP stream's results to the totals
count_tap() {
	local ok skip bad
	ok=$(grep -E '^ok ' <<<"$2" | grep -vc '# skip' || true)
	skip=$(grep -E '^ok ' <<<"$2" | grep -c '# skip' || true)
	bad=$(grep -cE '^not ok ' <<<"$2" || true)
	echo "    $1: $ok passed, $bad failed, $skip skipped"
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
}

# The hook backends inside both guest kernels (tests/guest/backends.sh): what
# this host cannot load runs there.
run_guest() {
	local out dir st=0
	echo "=== guest: backends in the thesis and Debian kernels"
	dir=$(mktemp -d /tmp/cob-guest-tests.XXXXXX)
	out=$(bash "$ROOT/tests/guest/backends.sh" --kernel both --quick --out "$dir" 2>&1) || st=$?
	printf '%s\n' "$out" | grep -vE '^ok ' || true
	count_tap guest "$out"
	if [ "$st" -ne 0 ] && ! grep -qE '^not ok ' <<<"$out"; then
		echo "!!! guest suite exited $st without a failing test"
		failed=$((failed + 1))
	fi
	rm -rf "$dir"
}

if selected unit; then run_criterion; fi
run_bats
if selected guest; then run_guest; fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
