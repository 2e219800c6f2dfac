#!/usr/bin/env bats
# The overhead experiment: the hook backend as a sweep axis (parsing,
# validation, backends that cannot attach skipped before the sweep), the
# overhead report (overhead.csv, the table, the plot) from known latencies
# through the test doubles in tests/fixtures/fakebin, and one real quick run
# of ./run.sh sweep overhead on this host.

load common
load leaks

setup() {
	engine_setup
	unset FAKE_CAN_UNAVAILABLE FAKE_LAT_ADD
	LOG=$BATS_TEST_TMPDIR/hook.log
}

# conf [LINES...]: an overhead experiment over three backends (3 reads a run,
# 2 repetitions); each line replaces the line of the key it names, in place,
# or is appended to [sweep]
conf() {
	{
		printf '[experiment]\nname = t\nfunction = null\nreport = overhead\n[sweep]\n'
		printf 'hook = none,tp-read,fexit-read\nbuf_size = 4K\ncache = none\niterations = 3\nrepetitions = 2\n'
	} >"$CONF"
	local l key
	for l in "$@"; do
		key=${l%% =*}
		if grep -q "^$key =" "$CONF"; then
			L=$l awk -v key="$key" 'index($0, key " =") == 1 { print ENVIRON["L"]; next } { print }' \
				"$CONF" >"$CONF.new" && mv "$CONF.new" "$CONF"
		else
			printf '%s\n' "$l" >>"$CONF"
		fi
	done
}




field() { # field BACKEND COLUMN FILE: one value of overhead.csv
	awk -F, -v b="$1" -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; if (!c) exit 3; next } $4 == b { print $c }' "$3"
}

# the backends of the runs, in order
runs() { grep '^run ' "$LOG" | sed -E 's/^run --backend ([^ ]+) .*/\1/' | tr '\n' ' '; }

@test "hook axis: bad value, duplicate, empty element, bad report: exit 2, one line, nothing written" {
	for bad in "hook = none,kprobe" "hook = none,tp-read,none" "hook = none,,tp-read" "hook =" \
		"function = sum" "report = fast"; do
		conf "$bad"
		config_rejected "$bad"
	done
	conf "hook = none,kprobe"
	sweep
	# the choices are auto and the backend registry, in its order
	want="auto, $("$ROOT/build/bin/cob-hook" list | awk '/^[a-z]/ { print $1 }' | paste -sd, | sed 's/,/, /g')"
	[[ "$output" == *"hook: 'kprobe' is not one of $want"* ]]
}

@test "report = overhead needs the baseline none and another backend, and only hook, function, buf_size varying" {
	conf "hook = tp-read,fexit-read"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"the hook axis needs none and at least one backend"* ]]
	conf "hook = none"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
	conf "file_kind = known,random"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"only hook, function and buf_size may take several values (file_kind has 2)"* ]]
	conf "buf_size = 4K,64K"
	echo "function = null,filter-reduce" >>"$CONF"
	sweep --check
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"12 points x 2 repetitions = 24 runs"* ]]
}

@test "the hook axis defaults to [experiment] hook; --hook means that one backend" {
	printf '[experiment]\nname = t\nhook = tp-read\n[sweep]\nbuf_size = 4K\niterations = 1\n' >"$CONF"
	FAKE_HOOK_LOG=$LOG sweep
	[ "$status" -eq 0 ]
	[ "$(runs)" = "tp-read " ]
	rm -rf "$OUT" "$LOG"
	conf "report = none"
	FAKE_HOOK_LOG=$LOG sweep --hook fexit-read
	[ "$status" -eq 0 ]
	[ "$(runs)" = "fexit-read fexit-read " ]
	[ ! -e "$OUT/overhead.csv" ]
	jq -e '.hook == "fexit-read" and .hooks == ["fexit-read"] and .report == "none"' "$OUT/meta.json"
	# an overhead experiment keeps its baseline
	rm -rf "$OUT" "$LOG"
	conf
	FAKE_HOOK_LOG=$LOG sweep --hook fexit-read
	[ "$status" -eq 0 ]
	[ "$(runs)" = "none fexit-read none fexit-read " ]
	sweep --hook none
	[ "$status" -eq 2 ]
	[[ "$output" == *"--hook none: report = overhead"* ]]
}

@test "backends that cannot attach are skipped with one line each; the rest run interleaved" {
	conf "hook = none,tp-read,fexit-read,kprobe-copyout,fmodret-copyout"
	FAKE_CAN_UNAVAILABLE=fexit-read,kprobe-copyout FAKE_HOOK_LOG=$LOG sweep
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^t: skipping' <<<"$output")" -eq 2 ]
	grep -qx "t: skipping fexit-read: fake: fexit-read cannot attach here" <<<"$output"
	grep -qx "t: skipping kprobe-copyout: fake: kprobe-copyout cannot attach here" <<<"$output"
	# asked once each before the sweep, then repetitions outside, backends inside
	[ "$(grep -c '^can ' "$LOG")" -eq 5 ]
	[ "$(runs)" = "none tp-read fmodret-copyout none tp-read fmodret-copyout " ]
	[[ "$output" == *"[ 1/6] hook=none rep=1: "* ]]
	[[ "$output" == *"[ 6/6] hook=fmodret-copyout rep=2: "* ]]
	[ "$(column backend "$OUT/summary.csv" | tr '\n' ' ')" = "none tp-read fmodret-copyout " ]
	[ "$(column backend "$OUT/overhead.csv" | tr '\n' ' ')" = "none tp-read fmodret-copyout " ]
	jq -e '.hooks == ["none", "tp-read", "fmodret-copyout"] and .runs == 6
		and (.hooks_skipped | keys) == ["fexit-read", "kprobe-copyout"]
		and (.hooks_skipped["fexit-read"] | test("cannot attach"))
		and (.files | index("overhead.csv"))' "$OUT/meta.json"
}

@test "nothing left to run: exit 3 with one line, nothing written" {
	conf "report = none" "hook = tp-read,fexit-read"
	FAKE_CAN_UNAVAILABLE=tp-read,fexit-read sweep
	[ "$status" -eq 3 ]
	one_line_nothing_left
	[[ "$output" == *"t: no hook backend attaches here: tp-read: fake: tp-read cannot attach here; fexit-read: "* ]]
	# overhead: nothing to compare with none
	conf
	FAKE_CAN_UNAVAILABLE=tp-read,fexit-read sweep
	[ "$status" -eq 3 ]
	one_line_nothing_left
	[[ "$output" == *"t: no hook backend to compare with none attaches here"* ]]
	FAKE_CAN_UNAVAILABLE=none sweep
	[ "$status" -eq 3 ]
	one_line_nothing_left
	[[ "$output" == *"the baseline 'none' cannot run here"* ]]
	# one backend asked for: the same line as when it fails at run time
	conf "report = none"
	FAKE_CAN_UNAVAILABLE=kprobe-copyout sweep --hook kprobe-copyout
	[ "$status" -eq 3 ]
	one_line_nothing_left
	[[ "$output" == *"hook backend 'kprobe-copyout' is not available here: fake: kprobe-copyout cannot attach here"* ]]
}

@test "--check-hook: 0 when a backend besides none attaches, 3 when not" {
	conf
	run "$SWEEP" --config "$CONF" --check-hook --bin "$FAKE"
	[ "$status" -eq 0 ]
	FAKE_CAN_UNAVAILABLE=tp-read run "$SWEEP" --config "$CONF" --check-hook --bin "$FAKE"
	[ "$status" -eq 0 ]
	FAKE_CAN_UNAVAILABLE=tp-read,fexit-read run "$SWEEP" --config "$CONF" --check-hook --bin "$FAKE"
	[ "$status" -eq 3 ]
	conf "report = none"
	FAKE_CAN_UNAVAILABLE=tp-read,fexit-read run "$SWEEP" --config "$CONF" --check-hook --bin "$FAKE"
	[ "$status" -eq 3 ]
	conf "report = none" "hook = none"
	run "$SWEEP" --config "$CONF" --check-hook --bin "$FAKE"
	[ "$status" -eq 0 ]
}

# The fake's reads take 1000, 2000, 3000 ns (+ FAKE_LAT_ADD) in each of 2
# repetitions: n = 6 per backend, variance 800000 each, so Welch's df is
# 2 (n - 1) = 10, se = sqrt(2 * 800000 / 6) = 516.398 and the 95 % CI
# half-width t(0.975, 10) * se = 2.2281389 * 516.398 = 1150.606.
@test "overhead.csv and the table: Welch CI and median difference against none" {
	conf
	FAKE_LAT_ADD=tp-read=500,fexit-read=-100 sweep --where guest-tcg
	echo "$output"
	[ "$status" -eq 0 ]
	[ -s "$OUT/overhead.csv" ]
	[ -z "$(find "$OUT" -name '*.tmp')" ]
	[ "$(head -1 "$OUT/overhead.csv")" = "experiment,kernel,where,backend,function,buf_size,n,lat_mean_ns,lat_median_ns,overhead_mean_ns,overhead_ci95_ns,overhead_median_ns,overhead_df,overhead_rep_min_ns,overhead_rep_max_ns,hooks_per_read,mechanism_ns,bookkeeping_ns,mechanism_state" ]
	# the baseline: its latencies, no overhead
	[ "$(field none lat_mean_ns "$OUT/overhead.csv")" = 2000 ]
	[ "$(field none overhead_mean_ns "$OUT/overhead.csv")" = "" ]
	[ "$(field tp-read n "$OUT/overhead.csv")" = 6 ]
	[ "$(field tp-read where "$OUT/overhead.csv")" = guest-tcg ]
	[ "$(field tp-read function "$OUT/overhead.csv")" = null ]
	[ "$(field tp-read buf_size "$OUT/overhead.csv")" = 4096 ]
	[ "$(field tp-read lat_mean_ns "$OUT/overhead.csv")" = 2500 ]
	[ "$(field tp-read lat_median_ns "$OUT/overhead.csv")" = 2500 ]
	[ "$(field tp-read overhead_mean_ns "$OUT/overhead.csv")" = 500 ]
	[ "$(field tp-read overhead_ci95_ns "$OUT/overhead.csv")" = 1150.606 ]
	[ "$(field tp-read overhead_median_ns "$OUT/overhead.csv")" = 500 ]
	[ "$(field tp-read overhead_df "$OUT/overhead.csv")" = 10 ]
	[ "$(field tp-read overhead_rep_min_ns "$OUT/overhead.csv")" = 500 ]
	[ "$(field fexit-read overhead_mean_ns "$OUT/overhead.csv")" = -100 ]
	[ "$(field fexit-read overhead_median_ns "$OUT/overhead.csv")" = -100 ]
	# the split, from the fake trigger run (tp: median of 100 and 300; fentry
	# 30, fexit 50) and the hooks the registry gives each backend
	[ -s "$OUT/trigger/trigger.csv" ] && [ -s "$OUT/trigger/meta.json" ]
	[ "$(field none hooks_per_read "$OUT/overhead.csv")/$(field none mechanism_ns "$OUT/overhead.csv")/$(field none bookkeeping_ns "$OUT/overhead.csv")/$(field none mechanism_state "$OUT/overhead.csv")" = /// ]
	[ "$(field tp-read hooks_per_read "$OUT/overhead.csv")" = "tp tp" ]
	[ "$(field tp-read mechanism_ns "$OUT/overhead.csv")" = 400 ]
	[ "$(field tp-read bookkeeping_ns "$OUT/overhead.csv")" = 100 ]
	[ "$(field tp-read mechanism_state "$OUT/overhead.csv")" = measured ]
	[ "$(field fexit-read hooks_per_read "$OUT/overhead.csv")" = "fentry fexit" ]
	[ "$(field fexit-read mechanism_ns "$OUT/overhead.csv")" = 80 ]
	[ "$(field fexit-read bookkeeping_ns "$OUT/overhead.csv")" = -180 ]
	grep -qx 'hook mechanisms, ns per hit on this kernel (trigger/trigger.csv): tp 200, raw_tp refused-by-kernel, kprobe refused-by-kernel, fentry 30, fexit 50, fmod_ret refused-by-kernel' <<<"$output"
	grep -qx '             hooks tp tp: mechanism 400 ns, bookkeeping +100 ns (of the median)' <<<"$output"
	# the table, before the last line
	[[ "$output" == *"guest-tcg, kernel "*"compare these only within one run"* ]]
	grep -qx 'none       baseline 2000 ns/read, median 2000' <<<"$output"
	grep -qx 'tp-read    +500 ns/read (95% CI ±1151), median +500; per repetition +500..+500' <<<"$output"
	grep -qx 'fexit-read -100 ns/read (95% CI ±1151), median -100; per repetition -100..-100' <<<"$output"
	[[ "${lines[-1]}" == "6 runs, 18 reads -> $OUT" ]]
	# the plot script draws it
	command -v gnuplot >/dev/null || skip "no gnuplot"
	gnuplot -e "results='$OUT'" plots/overhead.gp
	[ -s "$OUT/overhead.png" ] && [ -s "$OUT/overhead.svg" ]
}

@test "overhead with two buffer sizes: a baseline per size, labels name the size" {
	conf "buf_size = 4K,64K" "hook = none,tp-read"
	FAKE_LAT_ADD=tp-read=300 sweep
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(column buf_size "$OUT/overhead.csv" | tr '\n' ' ')" = "4096 4096 65536 65536 " ]
	[ "$(column overhead_mean_ns "$OUT/overhead.csv" | tr '\n' ' ')" = " 300  300 " ]
	grep -q '^tp-read buf=64K +300 ns/read' <<<"$output"
	command -v gnuplot >/dev/null || skip "no gnuplot"
	gnuplot -e "results='$OUT'" plots/overhead.gp
	[ -s "$OUT/overhead.png" ]
}

@test "overhead split: a refused mechanism is said, not zero; no trigger run: not-measured" {
	conf "hook = none,tp-read,fmodret-copyout"
	FAKE_LAT_ADD=tp-read=500,fmodret-copyout=700 FAKE_HOOK_LOG=$LOG sweep
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^bpfcost trigger ' "$LOG")" -eq 1 ]
	[ "$(field fmodret-copyout hooks_per_read "$OUT/overhead.csv")" = "tp tp fmod_ret" ]
	[ "$(field fmodret-copyout mechanism_ns "$OUT/overhead.csv")" = "" ]
	[ "$(field fmodret-copyout bookkeeping_ns "$OUT/overhead.csv")" = "" ]
	[ "$(field fmodret-copyout mechanism_state "$OUT/overhead.csv")" = "refused-by-kernel: fmod_ret: fake: not modifiable" ]
	grep -qx '                  hooks tp tp fmod_ret: refused-by-kernel: fmod_ret: fake: not modifiable' <<<"$output"
	# the trigger run fails: the sweep goes on, the split says why it is missing
	rm -rf "$OUT"
	FAKE_TRIGGER_EXIT=1 sweep
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"t: no mechanism costs (cob-bpfcost trigger: exit 1): the overhead report has no split"* ]]
	[ "$(field tp-read mechanism_ns "$OUT/overhead.csv")" = "" ]
	[ "$(field tp-read mechanism_state "$OUT/overhead.csv")" = "not-measured: cob-bpfcost trigger left no results" ]
	[[ "$output" == *"per hit on this kernel (trigger/trigger.csv): tp not-measured, raw_tp not-measured,"* ]]
}

@test "real quick run on this host: what attaches here (none, tp-read) measured, the others skipped, a graph" {
	[ "$(id -u)" = 0 ] || skip "needs root (loads BPF programs)"
	out=$BATS_TEST_TMPDIR/real
	export COB_RESULTS=$BATS_TEST_TMPDIR/results
	base=$(max_prog_id)
	# in a session of its own, so whatever it leaves running can be found
	run in_session "$BATS_TEST_TMPDIR/sid" ./run.sh sweep overhead --quick --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -s "$out/overhead.csv" ]
	# every backend of the config either ran (a row of overhead.csv) or was
	# skipped with its line; jq failing fails the test (no empty loops)
	config=$(sed -n 's/^hook *= *\([^ ;]*\).*/\1/p' configs/overhead.conf | tr ',' '\n' | sort | paste -sd' ')
	axis=$(jq -r '.axes.hook | join(" ")' "$out/meta.json")
	ran=$(jq -r '.hooks | join(" ")' "$out/meta.json")
	skipped=$(jq -r '.hooks_skipped | keys | join(" ")' "$out/meta.json")
	# what attaches here, by doctor (the trials behind `cob-hook can`), in the
	# config's order: none and tp-read on the CI host
	avail=$(./run.sh doctor --json | jq -r '.backends | to_entries[] | select(.value.available) | .key')
	want=$(sed -n 's/^hook *= *\([^ ;]*\).*/\1/p' configs/overhead.conf | tr ',' '\n' | grep -Fx -f <(echo "$avail") | paste -sd' ')
	echo "config: $config; axis: $axis; ran: $ran; skipped: $skipped; available here: $want"
	[ "$(wc -w <<<"$config")" -ge 2 ]
	[ "$ran" = "$want" ]
	[[ " $ran " == *" tp-read "* ]]
	[ "$axis" = "$ran" ]
	[ "$(column backend "$out/overhead.csv" | paste -sd' ')" = "$ran" ]
	[ "$(tr ' ' '\n' <<<"$ran $skipped" | sort | paste -sd' ')" = "$config" ]
	for b in $skipped; do
		grep -q "^overhead: skipping $b: " <<<"$output" || { echo "no skip line for $b"; return 1; }
	done
	[ "$(grep -c '^overhead: skipping ' <<<"$output")" -eq "$(wc -w <<<"$skipped")" ]
	for b in $ran; do
		[ "$(field "$b" n "$out/overhead.csv")" -eq 4000 ] || { echo "$b: not 4000 reads"; return 1; }
	done
	# tp-read attaches here: a finite overhead with a finite, positive CI
	awk -v m="$(field tp-read overhead_mean_ns "$out/overhead.csv")" \
		-v c="$(field tp-read overhead_ci95_ns "$out/overhead.csv")" \
		-v d="$(field tp-read overhead_median_ns "$out/overhead.csv")" \
		'BEGIN { exit !(m ~ /^-?[0-9.]+$/ && c ~ /^[0-9.]+$/ && c > 0 && d ~ /^-?[0-9.]+$/) }'
	grep -Eq '^tp-read +[-+][0-9]+ ns/read \(95% CI ±[0-9]+\), median [-+][0-9]+' <<<"$output"
	# the split: the mechanisms measured in the same run (trigger/), each a
	# figure where doctor says the kernel gives it, refused-by-kernel where not
	[ -s "$out/trigger/trigger.csv" ]
	[ "$(field tp-read hooks_per_read "$out/overhead.csv")" = "tp tp" ]
	[ "$(field tp-read mechanism_state "$out/overhead.csv")" = measured ]
	awk -v m="$(field tp-read mechanism_ns "$out/overhead.csv")" -v b="$(field tp-read bookkeeping_ns "$out/overhead.csv")" \
		-v d="$(field tp-read overhead_median_ns "$out/overhead.csv")" \
		'BEGIN { exit !(m ~ /^[0-9.]+$/ && m > 0 && b ~ /^-?[0-9.]+$/ && (m + b - d) ^ 2 < 1) }'
	mechs=$(grep '^hook mechanisms, ns per hit on this kernel' <<<"$output")
	echo "$mechs"
	doctor=$(./run.sh doctor --json)
	for mf in tp:tracepoint raw_tp:raw_tracepoint kprobe:kprobe fentry:fentry fexit:fexit; do
		avail=$(jq -r --arg f "${mf#*:}" '.features[$f].available' <<<"$doctor")
		if [ "$avail" = true ]; then
			[[ "$mechs" =~ [:,]\ ${mf%:*}\ [0-9]+(,|$) ]] || { echo "${mf%:*}: no figure"; return 1; }
		else
			[[ "$mechs" == *" ${mf%:*} refused-by-kernel"* ]] || { echo "${mf%:*}: not said refused"; return 1; }
		fi
	done
	[ -s "$out/overhead.png" ] && [ -s "$out/overhead.svg" ]
	# nothing of the run is left: no process, no BPF program without its loader
	session_empty "$(cat "$BATS_TEST_TMPDIR/sid")"
	no_orphan_progs "$base"
}
