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
