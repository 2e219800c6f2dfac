#!/usr/bin/env bats
# ./run.sh compare BASE NEW: verdicts from hand-made results directories
# (known latencies and success rates), bad input (exit 2, one line), and the
# acceptance test on this host: three real sweeps of a small five-repetition
# config (tests/fixtures/compare/reps.conf, tp-read: what this host can
# attach), one of them with the test-only slowdown COB_TEST_READ_DELAY_NS of
# cob-read; compare flags that regression (default --min-change) and nothing
# else, and two runs without it compare without a regression (--min-change 50,
# above this host's run-to-run drift).

bats_require_minimum_version 1.5.0
load common

# The injected slowdown: 10 ms per read, 40-1000 times the medians here
# (4 KiB cached reads ~10 us, 64 KiB ~0.1 ms). cob-compare judges the
# latencies over the five repetitions of each run (a change counts only when
# the repetitions of the two runs do not overlap and p < alpha).
DELAY_NS=10000000
REAL=tests/fixtures/compare/reps.conf

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	[ "$(id -u)" = 0 ] || return 0
	local d=$BATS_FILE_TMPDIR
	export COB_RESULTS=$d/results
	# a failed sweep fails the tests that need it, with its log (real_runs)
	./run.sh sweep "$REAL" --hook tp-read --target host --out "$d/base" >"$d/base.log" 2>&1 || true
	./run.sh sweep "$REAL" --hook tp-read --target host --out "$d/again" >"$d/again.log" 2>&1 || true
	COB_TEST_READ_DELAY_NS=$DELAY_NS ./run.sh sweep "$REAL" --hook tp-read --target host \
		--out "$d/slow" >"$d/slow.log" 2>&1 || true
}

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	ROOT=$PWD
	[ -x build/bin/cob-compare ] || { echo "build/bin/cob-compare not built (run make)"; return 1; }
	T=$BATS_TEST_TMPDIR
}

# mkrun DIR EXPERIMENT SUCCESS_4K LAT_4K LAT_64K [REPS]: a results directory of
# two sweep points (buf_size 4096 and 65536, 40 reads each: latencies
# LAT+0..39 ns, read i in repetition i % REPS + 1, REPS 4 unless given: the
# per-repetition medians are LAT+18 .. LAT+18+REPS-1) with the given success
# rate of the 4 KiB point
mkrun() {
	local dir=$1 exper=$2 succ=$3 l4=$4 l64=$5 reps=${6:-4} b l i
	mkdir -p "$dir"
	printf '{"experiment": "%s", "kernel": "6.1.0-test", "where": "host", "guest_kernel": null, "guest_accel": null, "git_rev": "abc1234", "cpu": {"model": "test cpu"}}\n' \
		"$exper" >"$dir/meta.json"
	echo "experiment,backend,mode,function,kernel,where,buf_size,iterations,n,reps,lat_median_ns,lat_mean_ns,success_rate" >"$dir/summary.csv"
	echo "experiment,backend,mode,function,buf_size,iterations,rep,lat_ns,match" >"$dir/reads.csv"
	for b in 4096 65536; do
		if [ "$b" = 4096 ]; then l=$l4; else l=$l64; fi
		echo "$exper,tp-read,observe,null,6.1.0-test,host,$b,40,40,$reps,$((l + 19)).5,$((l + 19)).5,$([ "$b" = 4096 ] && echo "$succ" || echo 1)" >>"$dir/summary.csv"
		for ((i = 0; i < 40; i++)); do
			echo "$exper,tp-read,observe,null,$b,40,$((i % reps + 1)),$((l + i)),1" >>"$dir/reads.csv"
		done
	done
}

# verdicts CSV: "point figure verdict" per row, the 4 KiB point's figures first
verdicts() { awk -F, 'NR > 1 { print $2, $3, $11 }' "$1"; }

@test "identical runs: every figure unchanged, exit 0, compare.csv with both runs' provenance" {
	mkrun "$T/a" e1 1 1000 5000
	mkrun "$T/b" e1 1 1000 5000
	run ./run.sh compare "$T/a" "$T/b"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -s "$T/b/compare.csv" ]
	[ ! -e "$T/b/compare.csv.tmp" ]
	[ "$(head -1 "$T/b/compare.csv")" = "experiment,point,figure,base,new,change_pct,p_value,test,n_base,n_new,verdict,min_change_pct,alpha,base_dir,base_kernel,base_where,base_accel,base_git_rev,new_dir,new_kernel,new_where,new_accel,new_git_rev,change_abs,reps_base,reps_new,note" ]
	[ "$(column verdict "$T/b/compare.csv" | sort -u)" = unchanged ]
	[ "$(column figure "$T/b/compare.csv" | paste -sd' ')" = "success_rate lat_median_ns lat_mean_ns success_rate lat_median_ns lat_mean_ns" ]
	[ "$(column base_kernel "$T/b/compare.csv" | sort -u)" = 6.1.0-test ]
	[ "$(column new_accel "$T/b/compare.csv" | sort -u)" = none ]
	[ "$(column experiment "$T/b/compare.csv" | sort -u)" = e1 ]
	grep -q '^6 figures: 0 regressed, 0 improved, 6 unchanged, 0 noise$' <<<"$output"
	if command -v gnuplot >/dev/null; then
		[ -s "$T/b/compare.png" ]
		[ -s "$T/b/compare.svg" ]
	fi
}

@test "a success rate that drops at all regresses (exit 1); nothing else does" {
	mkrun "$T/a" e1 1 1000 5000
	mkrun "$T/b" e1 0.975 1000 5000
	run ./run.sh compare --out "$T/o" "$T/a" "$T/b"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$T/o/compare.csv" | grep -c regressed)" -eq 1 ]
	verdicts "$T/o/compare.csv" | grep -qx "buf_size=4096 success_rate regressed"
	[ ! -e "$T/b/compare.csv" ] # --out
}

@test "latency: a significant shift beyond --min-change regresses or improves; below it, unchanged" {
	# 4 KiB: 1000..1039 -> 1500..1539 ns (+49 %, disjoint: p ~ 3e-14); 64 KiB: 5000.. -> 4000.. (-20 %)
	mkrun "$T/a" e1 1 1000 5000
	mkrun "$T/b" e1 1 1500 4000
	run build/bin/cob-compare "$T/a" "$T/b"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$(verdicts "$T/b/compare.csv" | paste -sd,)" = "buf_size=4096 success_rate unchanged,buf_size=4096 lat_median_ns regressed,buf_size=4096 lat_mean_ns regressed,buf_size=65536 success_rate unchanged,buf_size=65536 lat_median_ns improved,buf_size=65536 lat_mean_ns improved" ]
	# the p-value of the median: Welch over the 4 + 4 repetition medians (1018..1021
	# against 1518..1521), 4 repetitions each
	awk -F, '$3 == "lat_median_ns" && $2 == "buf_size=4096" { exit !($7 > 0 && $7 < 1e-6 && $8 == "welch-reps" && $25 == 4 && $26 == 4) }' "$T/b/compare.csv"
	run build/bin/cob-compare --min-change 60 "$T/a" "$T/b"
	[ "$status" -eq 0 ]
	[ "$(column verdict "$T/b/compare.csv" | sort -u)" = unchanged ]
}

@test "a change within the repetitions' spread is 'noise', not a regression" {
	# repetition medians 1018..1021 against 1020..1023: they overlap
	mkrun "$T/a" e1 1 1000 5000
	mkrun "$T/b" e1 1 1002 5000
	run build/bin/cob-compare --min-change 0.1 "$T/a" "$T/b"
	echo "$output"
	[ "$status" -eq 0 ]
	verdicts "$T/b/compare.csv" | grep -qx "buf_size=4096 lat_median_ns noise"
	[[ "$output" == *"noise (the repetitions of the two runs overlap)"* ]]
}

@test "one repetition per run: a latency change is 'unknown' with the reason, never regressed" {
	# +50 % on every read, but one repetition each: the run-to-run noise is unknown
	mkrun "$T/a" e1 1 1000 5000 1
	mkrun "$T/b" e1 1 1500 5000 1
	run build/bin/cob-compare "$T/a" "$T/b"
	echo "$output"
	[ "$status" -eq 0 ]
	verdicts "$T/b/compare.csv" | grep -qx "buf_size=4096 lat_median_ns unknown"
	verdicts "$T/b/compare.csv" | grep -qx "buf_size=4096 lat_mean_ns unknown"
	[ "$(column note "$T/b/compare.csv" | grep -c 'too few repetitions')" -eq 2 ]
	[[ "$output" == *"some unknown (too few repetitions)"* ]]
	# a success drop still regresses with one repetition
	mkrun "$T/b" e1 0.9 1000 5000 1
	run build/bin/cob-compare "$T/a" "$T/b"
	[ "$status" -eq 1 ]
}

# ovh DIR MEAN CI95 [REP_MIN REP_MAX]: an overhead.csv of none and tp-read
# (the repetitions' range MEAN-10..MEAN+10 unless given)
ovh() {
	{
		echo "experiment,kernel,where,backend,function,buf_size,n,lat_mean_ns,lat_median_ns,overhead_mean_ns,overhead_ci95_ns,overhead_median_ns,overhead_df,overhead_rep_min_ns,overhead_rep_max_ns"
		echo "e1,6.1.0-test,host,none,null,4096,40,1000,1000,,,,,,"
		echo "e1,6.1.0-test,host,tp-read,null,4096,40,2000,2000,$2,$3,$2,70,${4:-$(($2 - 10))},${5:-$(($2 + 10))}"
	} >"$1/overhead.csv"
}

@test "overhead: per backend from overhead.csv, significant when beyond both CIs' noise" {
	mkrun "$T/a" e1 1 1000 5000
	mkrun "$T/b" e1 1 1000 5000
	ovh "$T/a" 1000 50
	ovh "$T/b" 1300 50 # +30 %, z = 300 / (sqrt(2) * 50 / 1.96) = 8.3
	run build/bin/cob-compare "$T/a" "$T/b"
	echo "$output"
	[ "$status" -eq 1 ]
	verdicts "$T/b/compare.csv" | grep -qx "backend=tp-read function=null buf_size=4096 overhead_mean_ns regressed"
	ovh "$T/b" 1300 400 # the same change within wide CIs: z = 1.04
	run build/bin/cob-compare "$T/a" "$T/b"
	[ "$status" -eq 0 ]
	verdicts "$T/b/compare.csv" | grep -qx "backend=tp-read function=null buf_size=4096 overhead_mean_ns noise"
	ovh "$T/b" 1300 50 900 1400 # narrow CIs, but one repetition as low as the base's: noise
	run build/bin/cob-compare "$T/a" "$T/b"
	[ "$status" -eq 0 ]
	verdicts "$T/b/compare.csv" | grep -qx "backend=tp-read function=null buf_size=4096 overhead_mean_ns noise"
	# a base overhead <= 0 (lost in the noise): the absolute change, no per cent
	ovh "$T/a" -2000 50 -2010 -1990
	ovh "$T/b" 1300 50
	run build/bin/cob-compare "$T/a" "$T/b"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"+3300 abs"* ]]
	awk -F, '$3 == "overhead_mean_ns" { exit !($6 == "" && $24 == 3300) }' "$T/b/compare.csv"
	rm "$T/b/overhead.csv" # only one run has it: said, not compared
	run build/bin/cob-compare "$T/a" "$T/b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"only $T/a has overhead.csv"* ]]
	[ "$(column figure "$T/b/compare.csv" | grep -c overhead)" -eq 0 ]
}

@test "noise control: different governor, pinning, accelerator or repetitions: a warning each, same verdicts" {
	mkrun "$T/a" e1 1 1000 5000
	mkrun "$T/b" e1 1 1000 5000
	jq -c '. + {noise_control: {governor: "performance", cpus_allowed: "0-1", pinned: false, accelerator: "none"}}' \
		"$T/a/meta.json" >"$T/m" && mv "$T/m" "$T/a/meta.json"
	jq -c '. + {guest_accel: "tcg,thread=single", noise_control: {governor: "schedutil", cpus_allowed: "1", pinned: true, accelerator: "tcg,thread=single"}}' \
		"$T/b/meta.json" >"$T/m" && mv "$T/m" "$T/b/meta.json"
	sed -i '2,$s/,40,40,4,/,40,40,3,/' "$T/b/summary.csv"
	run --separate-stderr build/bin/cob-compare "$T/a" "$T/b"
	echo "$stderr"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^cob-compare: warning: ' <<<"$stderr")" -eq 4 ]
	grep -qx 'cob-compare: warning: the runs differ in CPU governor: performance vs schedutil' <<<"$stderr"
	grep -qx 'cob-compare: warning: the runs differ in pinning (CPUs allowed): 0-1 vs 1' <<<"$stderr"
	grep -qx 'cob-compare: warning: the runs differ in accelerator: none vs tcg,thread=single' <<<"$stderr"
	grep -qx 'cob-compare: warning: the runs differ in repetitions: 4 vs 3' <<<"$stderr"
	[ "$(column verdict "$T/b/compare.csv" | sort -u)" = unchanged ]
	# quoted: the field holds a comma
	[ "$(grep -c ',"tcg,thread=single",' "$T/b/compare.csv")" -eq 6 ]
}

@test "bad input: exit 2 with one line" {
	mkrun "$T/a" e1 1 1000 5000
	mkrun "$T/other" e2 1 1000 5000
	mkrun "$T/nosum" e1 1 1000 5000
	rm "$T/nosum/summary.csv"
	mkrun "$T/nometa" e1 1 1000 5000
	rm "$T/nometa/meta.json"
	mkrun "$T/noreads" e1 1 1000 5000
	rm "$T/noreads/reads.csv"
	mkrun "$T/axes" e1 1 1000 5000
	sed -i '1s/buf_size/bufsize/' "$T/axes/summary.csv"
	mkrun "$T/grid" e1 1 1000 5000
	sed -i 's/,40,40,4,/,41,40,4,/' "$T/grid/summary.csv" # iterations 41: no point in common
	sed -i 's/,40,\([0-9]*\),\([0-9]*\),1$/,41,\1,\2,1/' "$T/grid/reads.csv"
	local args
	for args in "$T/a $T/other" "$T/a $T/nosum" "$T/a $T/nometa" "$T/a $T/noreads" "$T/a $T/axes" \
		"$T/a $T/grid" "$T/a $T/missing" "$T/a" "" "--min-change x $T/a $T/a" "--alpha 0 $T/a $T/a" \
		"--bogus $T/a $T/a" "$T/a $T/a $T/a"; do
		# shellcheck disable=SC2086 # word splitting wanted
		run ./run.sh compare $args
		echo "[$args] -> $status: $output"
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "${lines[0]}" == run.sh:* || "${lines[0]}" == cob-compare:* ]]
	done
	run ./run.sh compare "$T/a" "$T/other"
	[[ "$output" == *"experiment 'e1'"*"is 'e2': nothing to compare"* ]]
	run ./run.sh compare "$T/a" "$T/nosum"
	[[ "$output" == *"nosum/summary.csv: missing"* ]]
	run ./run.sh compare "$T/a" "$T/grid"
	[[ "$output" == *"share no sweep point"* ]]
}

@test "--help of ./run.sh compare and cob-compare" {
	run ./run.sh compare --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: ./run.sh compare"* ]]
	[[ "$output" == *"--min-change PCT"* ]]
	[[ "$output" == *"repetitions"* ]]
	run build/bin/cob-compare --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: cob-compare"* ]]
	run ./run.sh help
	[[ "$output" == *"compare BASE NEW"* ]]
}

real_runs() {
	[ "$(id -u)" = 0 ] || skip "needs root (the sweeps load BPF programs)"
	local r
	for r in base again slow; do
		[ -f "$BATS_FILE_TMPDIR/$r/summary.csv" ] || {
			echo "the $r sweep failed:"
			cat "$BATS_FILE_TMPDIR/$r.log"
			return 1
		}
	done
}

@test "real sweeps: the injected slowdown is flagged, and nothing else" {
	real_runs
	local d=$BATS_FILE_TMPDIR
	run ./run.sh compare --out "$T/o" "$d/base" "$d/slow"
	echo "$output"
	[ "$status" -eq 1 ]
	# every latency figure regressed: 2 points x median, mean; success unchanged
	[ "$(verdicts "$T/o/compare.csv" | grep -c ' regressed$')" -eq 4 ]
	[ "$(verdicts "$T/o/compare.csv" | grep ' regressed$' | grep -vc ' lat_m')" -eq 0 ]
	[ "$(verdicts "$T/o/compare.csv" | grep ' success_rate ' | grep -vc ' unchanged$')" -eq 0 ]
	[ "$(verdicts "$T/o/compare.csv" | grep -c ' improved$')" -eq 0 ]
	[ "$(column reps_new "$T/o/compare.csv" | sort -u | grep .)" = 5 ]
	[ "$(column where "$d/slow/summary.csv" | sort -u)" = host ]
	# the noise control of both runs is recorded (and equal: no warning)
	jq -e '.noise_control | has("governor") and (.cpus_allowed | length > 0) and .accelerator == "none"' "$d/slow/meta.json"
	[[ "$output" != *warning* ]]
	if command -v gnuplot >/dev/null; then
		[ -s "$T/o/compare.png" ]
		[ -s "$T/o/compare.svg" ]
	fi
}

@test "real sweeps: two runs without the slowdown compare without a regression" {
	real_runs
	local d=$BATS_FILE_TMPDIR
	# two back-to-back runs on this shared host drift apart by up to ~30 % in
	# a median with non-overlapping repetitions (seen once at the default 5 %):
	# between two runs that is indistinguishable from a regression, so the
	# threshold is set above this host's run-to-run noise (README, compare)
	run ./run.sh compare --min-change 50 --out "$T/o" "$d/base" "$d/again"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(verdicts "$T/o/compare.csv" | grep -c ' regressed$')" -eq 0 ]
	[ "$(verdicts "$T/o/compare.csv" | wc -l)" -eq 6 ]
}
