#!/usr/bin/env bats
# E14 override-gain and E15 filter-reduce: each experiment's config run for real
# at its smallest point through ./run.sh sweep on this host, and the
# invariants of its CSVs (tests/guest/fr_checks.awk, which the guest part
# tests/guest/parts/fr.sh uses too).

load common
load leaks

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	export COB_RESULTS="$BATS_TEST_TMPDIR/results"
	base=$(max_prog_id)
}

# smallest NAME LINES...: configs/NAME.conf with its [quick] grid replaced by LINES
smallest() {
	awk '/^\[quick\]/ { skip = 1; next } /^\[/ { skip = 0 } !skip' "configs/$1.conf" >"$BATS_TEST_TMPDIR/$1.conf"
	printf '[quick]\n' >>"$BATS_TEST_TMPDIR/$1.conf"
	printf '%s\n' "${@:2}" >>"$BATS_TEST_TMPDIR/$1.conf"
}

@test "E15 filter-reduce: the smallest point runs here; every BPF result matches, the time split and ratio are consistent, graphs drawn" {
	smallest filter-reduce "threshold = 0,100000" "buf_size = 4K" "iterations = 2" "repetitions = 2"
	out=$BATS_TEST_TMPDIR/fr
	run ./run.sh sweep "$BATS_TEST_TMPDIR/filter-reduce.conf" --quick --out "$out"
	echo "$output" | tail -n 5
	[ "$status" -eq 0 ]
	run awk -f tests/guest/fr_checks.awk -v experiment=filter-reduce -v reps=2 -v iters=2 \
		"$out/reads.csv" "$out/filter_reduce.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	# every backend that attaches here has both filter fractions
	for b in $(column backend "$out/reads.csv" | sort -u | grep -vx none); do
		[ "$(awk -F, -v b="$b" '$7 == b' "$out/filter_reduce.csv" | wc -l)" -eq 2 ]
		for f in fr_breakdown_"$b"_ff0 fr_breakdown_"$b"_ff100 fr_ratio fr_throughput; do
			[ -s "$out/$f.png" ] && [ -s "$out/$f.svg" ] || { echo "no $f graph"; return 1; }
		done
	done
	no_orphan_progs "$base"
}

# On this host (--target host; auto would take it to the thesis guest, where
# tests/guest/parts/fr.sh runs it)
@test "E14 override-gain: the smallest point runs where a backend can override; elsewhere one line, exit 3, no results" {
	smallest override-gain "buf_size = 4K" "iterations = 3" "repetitions = 1"
	out=$BATS_TEST_TMPDIR/og
	can=""
	for b in kprobe-copyout fmodret-copyout fmodret-permission; do
		build/bin/cob-hook can --backend "$b" --mode override >/dev/null 2>&1 && can="$can $b"
	done
	run ./run.sh sweep "$BATS_TEST_TMPDIR/override-gain.conf" --quick --target host --out "$out"
	echo "override here:${can:- none}; sweep: $(echo "$output" | tail -n 3)"
	if [ -z "$can" ]; then
		[ "$status" -eq 3 ]
		[[ "$output" == *"override-gain: no hook backend to compare with none attaches here"* ]]
		[ ! -e "$out" ]
		return
	fi
	[ "$status" -eq 0 ]
	run awk -f tests/guest/fr_checks.awk -v experiment=override-gain "$out/reads.csv" "$out/overhead.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	for b in $can; do grep -q "^override-gain,.*,$b,filter-reduce,4096," "$out/overhead.csv"; done
	[ -s "$out/override_gain.png" ] && [ -s "$out/override_latency.svg" ]
	no_orphan_progs "$base"
}
