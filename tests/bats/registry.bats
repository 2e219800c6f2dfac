#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: run sets output/status
# One registry per concept. The hook backend registry (loaders/backends.c)
# is the only list of backends. cob-hook list, cob-doctor, --backend auto,
# cob-sweep's usage, the config parser's choices and the shipped overhead
# experiment (every backend against none) must all name the same backends,
# and doctor's auto must be what --backend auto picks, in every mode, on the
# kernel under test (whatever it can hook). The same holds for every sweep
# axis with named values (storage, file kinds, cache, reposition, access):
# see the second half. Needs root.

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

# ---- the sweep axes with named values: one table each (README "What a
# sweep varies"), and the config parser, cob-sweep --help and the program
# that implements the axis must list the same names in the same order.

# the names in README's table whose header's first column is KEY
readme_names() {
	awk -v key="$1" '
		index($0, "| " key " |") == 1 { on = 1; next }
		on && /^\|---/ { next }
		on && /^\| `/ { split($0, f, "`"); print f[2]; next }
		on { exit }' README.md
}

# "... is not one of a, b, c" on stdin -> one name per line
one_of() {
	sed -n 's/.* is not one of //p' | sed 's/, /\n/g'
}

# the names the config parser accepts for [sweep] KEY (its error listing)
config_names() {
	local conf=$BATS_TEST_TMPDIR/$1.conf
	printf '[experiment]\nname = t\n[sweep]\nbuf_size = 4K\niterations = 1\n%s = nosuch\n' "$1" >"$conf"
	"$BIN/cob-sweep" --config "$conf" --check 2>&1 | one_of
}

# the names cob-sweep --help gives for axis KEY ("  KEY   a, b, c")
sweep_usage_names() {
	"$BIN/cob-sweep" --help | awk -v key="$1" '
		/^Axes with named values/ { on = 1; next }
		on && $1 == key { sub(/^ *[^ ]+ +/, ""); gsub(/, /, "\n"); print; exit }'
}

# the names PROG --help lists under OPTION (lines "    NAME  help")
usage_names() {
	"$BIN/$1" --help | awk -v opt="$2" '
		index($0, "  " opt " ") == 1 { on = 1; next }
		on && /^    [^ -]/ { print $1; next }
		on { exit }'
}

# same NAMES_A NAMES_B WHAT: equal lists, or say where they differ
same() {
	[ "$1" = "$2" ] && return 0
	echo "$3 differs from README:"
	diff <(echo "$1") <(echo "$2")
	return 1
}

# axis_agrees KEY [PROG OPTION]: README, config parser, cob-sweep --help and
# (when given) PROG --help and PROG's error for an unknown name agree
axis_agrees() {
	local key=$1 want
	want=$(readme_names "$key")
	[ -n "$want" ] || { echo "README has no table for $key"; return 1; }
	same "$want" "$(config_names "$key")" "$key: config parser's choices"
	same "$want" "$(sweep_usage_names "$key")" "$key: cob-sweep --help"
	[ $# -eq 3 ] || return 0
	same "$want" "$(usage_names "$2" "$3")" "$key: $2 --help under $3"
	run "$BIN/$2" "$3" nosuch
	[ "$status" -eq 2 ]
	same "$want" "$(one_of <<<"$output")" "$key: $2 $3 error"
}

@test "storage backends: README, config parser and cob-sweep --help agree" {
	axis_agrees storage
}

@test "file kinds: README, config parser, cob-sweep and cob-mkfile agree" {
	axis_agrees file_kind cob-mkfile --kind
}

@test "cache methods: README, config parser, cob-sweep and cob-read agree" {
	axis_agrees cache cob-read --cache
}

@test "reposition modes: README, config parser, cob-sweep and cob-read agree" {
	axis_agrees reposition cob-read --reposition
}

@test "access methods: README, config parser, cob-sweep and cob-read agree" {
	axis_agrees access cob-read --access
}

@test "every [sweep] axis with named values has its README table and a test here" {
	got=$("$BIN/cob-sweep" --help | awk '/^Axes with named values/ { on = 1; next } on && NF == 0 { exit } on { print $1 }')
	[ "$got" = "$(printf '%s\n' storage file_kind cache reposition access)" ]
}

@test "reproduce: the config parser's guest kernels are vm/kernel.sh's, and every id is unique" {
	conf=$BATS_TEST_TMPDIR/k.conf
	printf '[experiment]\nname = t\nid = E1\nkernel = nosuch\n[sweep]\nbuf_size = 4K\niterations = 1\n' >"$conf"
	got=$("$BIN/cob-sweep" --config "$conf" --check 2>&1 | one_of | sort)
	want=$(bash vm/kernel.sh --help | sed -n 's/^ *path \([^ ]*\)|PATH.*/\1/p' | tr '|' '\n' | sort)
	[ -n "$want" ]
	same "$want" "$got" "kernel: the config parser's choices against vm/kernel.sh"
	ids=$(for f in configs/*.conf; do "$BIN/cob-sweep" --config "$f" --describe | sed -n 's/^id=\(..*\)/\1/p'; done)
	[ -n "$ids" ]
	[ -z "$(sort <<<"$ids" | uniq -d)" ]
}
