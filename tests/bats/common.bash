# Helpers shared by the bats suites (load common).

# column NAME FILE: the values of one CSV column, found by its header name
column() {
	awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; if (!c) exit 3; next } { print $c }' "$2"
}

# sweep ARGS...: cob-sweep on $CONF into $OUT with the test doubles in $FAKE
sweep() {
	run "$SWEEP" --config "$CONF" --out "$OUT" --bin "$FAKE" --workdir "$WORK" "$@"
}

# the run failed with exactly one line and left nothing behind
one_line_nothing_left() {
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == cob-sweep:* ]]
	[ ! -e "$OUT" ]
	[ -z "$(ls -A "$WORK")" ]
}

# config_rejected WHAT: sweep (on the config WHAT made) exited 2 with one line
# naming the config's file and line, and left nothing behind
config_rejected() {
	sweep
	echo "$1 -> $output"
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"t.conf:"[0-9]*": "* ]]
}

# engine_setup: cob-sweep with the test doubles of tests/fixtures/fakebin;
# sets ROOT SWEEP FAKE OUT WORK CONF (a missing build is a failure, not a skip)
engine_setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	ROOT=$PWD
	SWEEP=$ROOT/build/bin/cob-sweep
	FAKE=$ROOT/tests/fixtures/fakebin
	[ -x "$SWEEP" ] || { echo "build/bin/cob-sweep not built (run make)"; return 1; }
	export COB_ROOT=$ROOT
	unset COB_WHERE
	OUT=$BATS_TEST_TMPDIR/out
	WORK=$BATS_TEST_TMPDIR/work
	CONF=$BATS_TEST_TMPDIR/t.conf
	mkdir -p "$WORK"
}
