#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: run sets output/status
# One registry per concept: the hook backend registry (loaders/backends.c)
# is the only list of backends. cob-hook list, cob-doctor, --backend auto,
# cob-sweep's usage, the config parser's choices and the shipped overhead
# experiment (every backend against none) must all name the same backends,
# and doctor's auto must be what --backend auto picks, in every mode, on the
# kernel under test (whatever it can hook). Needs root.

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	BIN=$PWD/build/bin
	[ -x "$BIN/cob-hook" ] && [ -x "$BIN/cob-doctor" ] || { echo "not built (run make)"; return 1; }
	[ "$(id -u)" = 0 ] || { echo "needs root"; return 1; }
	unset COB_WHERE
}

# the registry as cob-hook list prints it: one name per backend, in order
registry() {
	"$BIN/cob-hook" list | awk '/^[a-z]/ { print $1 }'
}

# run CMD in a private mount namespace with tracefs mounted, as run.sh does
with_tracefs() {
	unshare -m --propagation private sh -c \
		'mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing; exec "$@"' sh "$@"
}

@test "the registry lists each backend once, with its modes and needs" {
	run registry
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 2 ]
	[ -z "$(registry | sort | uniq -d)" ]
	run "$BIN/cob-hook" list
	[ "$(grep -c '^ *modes: ' <<<"$output")" -eq "$(registry | wc -l)" ]
}

@test "cob-doctor reports exactly the registry's backends, in its order" {
	run "$BIN/cob-doctor" --json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.backends | keys_unsorted[]' <<<"$output")" = "$(registry)" ]
}

@test "cob-sweep --help and the config parser offer auto and the registry's backends" {
	want="auto, $(registry | paste -sd, | sed 's/,/, /g')"
	run "$BIN/cob-sweep" --help
	[[ "$output" == *"run this one hook backend ($want)"* ]]
	conf=$BATS_TEST_TMPDIR/t.conf
	printf '[experiment]\nname = t\nhook = nosuch\n[sweep]\nbuf_size = 4K\niterations = 1\n' >"$conf"
	run "$BIN/cob-sweep" --config "$conf" --check
	[ "$status" -eq 2 ]
	[[ "$output" == *"hook: 'nosuch' is not one of $want"* ]]
}

@test "the overhead experiment measures every backend of the registry against none" {
	run grep -E '^hook *=' configs/overhead.conf
	[ "$status" -eq 0 ]
	got=$(sed -E 's/^hook *= *//; s/ //g' <<<"$output" | tr , '\n' | sort)
	[ "$got" = "$(registry | sort)" ]
}

@test "doctor's auto is what --backend auto picks, in every mode" {
	run with_tracefs "$BIN/cob-doctor" --json
	[ "$status" -eq 0 ]
	json=$output
	[ "$(jq -r .auto <<<"$json")" = "$(jq -r .auto_by_mode.observe <<<"$json")" ]
	for m in observe override; do
		want=$(jq -r ".auto_by_mode.$m" <<<"$json")
		run with_tracefs "$BIN/cob-hook" can --backend auto --mode "$m"
		if [ "$want" = none ]; then
			echo "$m: doctor none, cob-hook: $output"
			[ "$status" -eq 3 ]
		else
			echo "$m: doctor $want, cob-hook: $output"
			[ "$status" -eq 0 ]
			[ "$output" = "$want" ]
		fi
	done
}
