#!/usr/bin/env bats
# cob-sweep on its own: argument and config errors (one line, exit 2, nothing
# written), the sweep loop, its CSVs and cleanup, driven through test doubles
# of cob-hook / cob-mkfile / cob-read (tests/fixtures/fakebin) so no BPF runs.

load common
load leaks

setup() {
	engine_setup
}

# conf [SWEEP-LINES...]: a valid experiment with a 2x2 grid, lines appended to [sweep]
conf() {
	{
		printf '[experiment]\nname = t\nplots = iterations\n[sweep]\n'
		printf 'iterations = 1,3\nbuf_size = 4K\nfile_kind = known,random\nrepetitions = 2\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$CONF"
}


# start_sweep: cob-sweep in the background, its fake cob-hook sleeping
# 30 s; waits until that cob-hook runs (monitors start before it), and sets
# PID (cob-sweep), HOOK (the cob-hook double), KIDS (every process below
# cob-sweep then). Fails when the hook never started.
start_sweep() {
	FAKE_HOOK_SLEEP=30 FAKE_HOOK_PIDFILE=$BATS_TEST_TMPDIR/hook.pid \
		"$SWEEP" --config "$CONF" --out "$OUT" --bin "$FAKE" --workdir "$WORK" >"$BATS_TEST_TMPDIR/log" 2>&1 3>&- &
	PID=$!
	HOOK=
	for _ in $(seq 100); do
		HOOK=$(cat "$BATS_TEST_TMPDIR/hook.pid" 2>/dev/null || true)
		# shellcheck disable=SC2046 # one pid per word
		[ -n "$HOOK" ] && alive "$HOOK" && [ -n "$(named sleep $(descendants "$HOOK"))" ] && break
		sleep 0.05
	done
	[ -n "$HOOK" ] || { echo "the hook never started"; cat "$BATS_TEST_TMPDIR/log"; return 1; }
	alive "$HOOK" || { echo "the hook $HOOK is not running"; return 1; }
	mapfile -t KIDS < <(descendants "$PID")
	printf '%s\n' "${KIDS[@]}" | grep -qx "$HOOK" || { echo "the hook $HOOK is not cob-sweep's"; return 1; }
}

# signal_sweep SIG STATUS: send SIG to the sweep start_sweep started; it must
# end with STATUS (its log is shown)
signal_sweep() {
	local st=0
	kill -"$1" "$PID"
	wait "$PID" || st=$?
	cat "$BATS_TEST_TMPDIR/log"
	[ "$st" -eq "$2" ]
}

@test "--help prints the usage and exits 0" {
	run "$SWEEP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: cob-sweep --config FILE --out DIR"* ]]
	[[ "$output" == *"--quick"* ]]
}

@test "no arguments, unknown option, missing value, stray argument: exit 2, one line" {
	run "$SWEEP"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"--config FILE is required"* ]]
	run "$SWEEP" --config x --out y --bogus
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unknown option '--bogus'"* ]]
	run "$SWEEP" --config
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"needs a value"* ]]
	run "$SWEEP" --config x --out y extra
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"unexpected argument 'extra'"* ]]
	conf
	run "$SWEEP" --config "$CONF"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--out DIR is required"* ]]
}

@test "missing config file: exit 2, one line naming it, no output directory" {
	run "$SWEEP" --config "$BATS_TEST_TMPDIR/nosuch.conf" --out "$OUT" --bin "$FAKE" --workdir "$WORK"
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"nosuch.conf: cannot open: No such file or directory"* ]]
}

@test "unknown key: exit 2, FILE:LINE in one line, no output directory" {
	conf "buf_sz = 4K"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"t.conf:9: unknown key 'buf_sz' in [sweep]"* ]]
}

@test "negative buffer size: exit 2, one line, no output directory" {
	conf
	sed -i 's/^buf_size = 4K/buf_size = 4K,-64K/' "$CONF"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"t.conf:6: buf_size: negative size '-64K'"* ]]
}

@test "zero, absurd and malformed values: exit 2 each" {
	for bad in "buf_size = 0" "buf_size = 2G" "iterations = ten" "cache = warm" "file_kind =" \
		"iterations = 1,,3" "repetitions = 0" "monitors = ../x"; do
		conf
		key=${bad%% *}
		sed -i "/^$key =/d" "$CONF"
		echo "$bad" >>"$CONF"
		config_rejected "$bad"
	done
}

@test "unknown section and key outside a section: exit 2" {
	conf "[extra]"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"unknown section [extra]"* ]]
	printf 'name = t\n' >"$CONF"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
}

@test "--quick without a [quick] section, bad --hook, --mode, --where: exit 2" {
	conf
	sweep --quick
	[ "$status" -eq 2 ]
	[[ "$output" == *"no [quick] section"* ]]
	one_line_nothing_left
	sweep --hook kprobe
	[ "$status" -eq 2 ]
	[[ "$output" == *"--hook: 'kprobe' is not one of"* ]]
	one_line_nothing_left
	sweep --mode fast
	[ "$status" -eq 2 ]
	one_line_nothing_left
	sweep --where cloud
	[ "$status" -eq 2 ]
	[[ "$output" == *"--where"* ]]
	one_line_nothing_left
	COB_WHERE=moon sweep
	[ "$status" -eq 2 ]
}

@test "--check validates and writes nothing" {
	conf
	run "$SWEEP" --config "$CONF" --check --bin "$FAKE"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"4 points x 2 repetitions = 8 runs"* ]]
	sweep --check
	[ "$status" -eq 0 ]
	[ ! -e "$OUT" ]
	conf "buf_size = 8K"
	run "$SWEEP" --config "$CONF" --check --bin "$FAKE"
	[ "$status" -eq 2 ]
	[[ "$output" == *"duplicate key 'buf_size'"* ]]
}

@test "missing programs or monitor: one line, nothing written" {
	conf
	run "$SWEEP" --config "$CONF" --out "$OUT" --bin "$BATS_TEST_TMPDIR" --workdir "$WORK"
	[ "$status" -eq 1 ]
	one_line_nothing_left
	[[ "$output" == *"cob-hook"* ]]
	# a monitor's name comes from the registry (bench/monitors.c): a config error
	conf "monitors = nosuch"
	sweep
	[ "$status" -eq 2 ]
	one_line_nothing_left
	[[ "$output" == *"monitors: 'nosuch' is not one of iostat"* ]]
	# a registered monitor whose executable is missing
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	conf "monitors = iostat"
	COB_ROOT=$BATS_TEST_TMPDIR/empty sweep
	[ "$status" -eq 1 ]
	one_line_nothing_left
	[[ "$output" == *"monitor iostat: $BATS_TEST_TMPDIR/empty/bench/monitors/iostat"* ]]
}

@test "a sweep: progress per run, every result file, workdir removed" {
	conf "monitors = iostat"
	FAKE_MKFILE_LOG=$BATS_TEST_TMPDIR/mk.log sweep --where guest-tcg --command "./run.sh sweep t"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^\[[ 0-9]*/8\] kind=[a-z]* iterations=[13] rep=[12]: [0-9.]* s, [0-9]*/[0-9]* match, elapsed [0-9hms]*, \(~[0-9hms]* left\|done\)$' <<<"$output")" -eq 8 ]
	[[ "${lines[0]}" == "[ 1/8] kind=known iterations=1 rep=1: "* ]]
	[[ "${lines[7]}" == "[ 8/8] kind=random iterations=3 rep=2: "* ]]
	for f in reads.csv summary.csv iostat.csv meta.json plots.txt; do [ -s "$OUT/$f" ]; done
	[ -z "$(find "$OUT" -name '*.tmp')" ]
	[ -z "$(ls -A "$WORK")" ]
	# data files: once per (kind, size)
	[ "$(wc -l <"$BATS_TEST_TMPDIR/mk.log")" -eq 2 ]
	# reads: (1 + 3) iterations x 2 kinds x 2 reps
	[ "$(column match "$OUT/reads.csv" | wc -l)" -eq 16 ]
	[ "$(column where "$OUT/reads.csv" | sort -u)" = guest-tcg ]
	[ "$(column rep "$OUT/reads.csv" | sort -u | tr '\n' ' ')" = "1 2 " ]
	[ "$(column experiment "$OUT/reads.csv" | sort -u)" = t ]
	head -1 "$OUT/reads.csv" | grep -q '^experiment,storage,file_kind,file_size,cache,reposition,access,cpus,vfs_cache_pressure,mem_limit,rep,backend,'
	[ "$(cat "$OUT/plots.txt")" = iterations ]
	# iostat rows carry the provenance of their run, and every run left a delta row
	head -1 "$OUT/iostat.csv" | grep -q '^experiment,where,kernel,storage,file_kind,file_size,cache,reposition,access,threshold,buf_size,iterations,cpus,vfs_cache_pressure,mem_limit,function,hook,rep,run,sample,'
	[ "$(column sample "$OUT/iostat.csv" | grep -c delta)" -ge 8 ]
	jq -e '.experiment == "t" and .where == "guest-tcg" and .command == "./run.sh sweep t"
		and .runs == 8 and .points == 4 and .repetitions == 2 and .reads == 16
		and (.config.text | test("name = t")) and .status == "complete"
		and .backends == ["fake"] and (.kernel | length > 0) and (.cpu.count > 0)' "$OUT/meta.json"
}

@test "summary: one row per point, statistics over the repetitions" {
	conf
	FAKE_MISS_FIRST=1 sweep
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$OUT/summary.csv")" -eq 5 ]
	head -1 "$OUT/summary.csv" | grep -q '^experiment,backend,mode,function,kernel,where,storage,file_kind,.*,buf_size,iterations,cpus,vfs_cache_pressure,mem_limit,n,reps,lat_median_ns,lat_mean_ns,lat_sd_ns,lat_min_ns,lat_max_ns,lat_ci95_ns,success_rate,ok_rate$'
	# the iterations=3 points: latencies 1000 2000 3000 in each of 2 reps, the first read misses
	row=$(awk -F, 'NR > 1 && $8 == "known" && $15 == 3' "$OUT/summary.csv")
	echo "$row"
	IFS=, read -r -a f <<<"$row"
	[ "${f[18]}" = 6 ]        # n
	[ "${f[19]}" = 2 ]        # reps
	[ "${f[20]}" = 2000 ]     # median
	[ "${f[21]}" = 2000 ]     # mean
	[ "${f[22]}" = 894.427 ]  # sd: sqrt(4e6 / 5)
	[ "${f[23]}" = 1000 ]     # min
	[ "${f[24]}" = 3000 ]     # max
	[ "${f[25]}" = 938.644 ]  # t(0.975, 5) * sd / sqrt(6)
	[ "${f[26]}" = 0.666667 ] # success_rate
	[ "${f[27]}" = 0.666667 ] # ok_rate
}

@test "an existing output directory is used, and kept (empty) when the sweep fails" {
	conf
	mkdir -p "$OUT"
	FAKE_HOOK_EXIT=1 sweep
	[ "$status" -eq 1 ]
	[ -d "$OUT" ]
	[ -z "$(ls -A "$OUT")" ]
	sweep
	[ "$status" -eq 0 ]
	[ -s "$OUT/reads.csv" ]
}

@test "backend not available (cob-hook exit 3): exit 3, one line, nothing left" {
	conf
	FAKE_HOOK_EXIT=3 sweep --hook fmodret-copyout
	[ "$status" -eq 3 ]
	one_line_nothing_left
	[[ "$output" == *"hook backend 'fmodret-copyout' is not available here: fake cob-hook: failing on purpose with 3"* ]]
}

@test "cob-hook failure: exit 1 with its message, nothing left" {
	conf
	FAKE_HOOK_EXIT=5 sweep
	[ "$status" -eq 1 ]
	one_line_nothing_left
	[[ "$output" == *"cob-hook failed (exit 5): fake cob-hook: failing on purpose with 5"* ]]
	FAKE_BAD_CSV=1 sweep
	[ "$status" -eq 1 ]
	one_line_nothing_left
	[[ "$output" == *"lacks one of the columns lat_ns, match, status"* ]]
}

@test "the hook gets the config's options, labels and workload" {
	conf "threshold = 7" "cache = none" "reposition = reopen"
	FAKE_HOOK_LOG=$BATS_TEST_TMPDIR/hook.log sweep --hook tp-read --mode override
	[ "$status" -eq 0 ]
	# first the probe of the hook axis, then the runs
	[ "$(head -1 "$BATS_TEST_TMPDIR/hook.log")" = "can --backend tp-read --mode override --function filter-reduce" ]
	first=$(grep -m1 '^run ' "$BATS_TEST_TMPDIR/hook.log")
	echo "$first"
	[[ "$first" == "run --backend tp-read --mode override --function filter-reduce --threshold 7 --where host --csv "*"/part.csv --label experiment=t --label storage=disk --label file_kind=known --label file_size=4096 --label cache=none --label reposition=reopen --label access=read --label cpus=all --label vfs_cache_pressure=keep --label mem_limit=none --label rep=1 -- $FAKE/cob-read --file "*" --cache none --reposition reopen --access read --buf 4096 --iterations 1" ]]
	FAKE_CAN_EXIT=3 run "$SWEEP" --config "$CONF" --check-hook --bin "$FAKE"
	[ "$status" -eq 3 ]
	FAKE_CAN_EXIT=0 run "$SWEEP" --config "$CONF" --check-hook --bin "$FAKE"
	[ "$status" -eq 0 ]
}

@test "SIGINT in the middle: exit 130, children stopped, nothing left" {
	conf
	start_sweep
	# the hook's own child (the double's sleep) runs too
	[ "${#KIDS[@]}" -ge 2 ]
	signal_sweep INT 130
	grep -q 'interrupted' "$BATS_TEST_TMPDIR/log"
	gone "$HOOK" "${KIDS[@]}"
	[ ! -e "$OUT" ]
	[ -z "$(ls -A "$WORK")" ]
}

@test "SIGTERM in the middle: exit 143, nothing left" {
	conf "monitors = iostat"
	start_sweep
	# the monitor's iostat runs alongside the hook
	iostat=$(named iostat "${KIDS[@]}")
	echo "cob-sweep $PID: hook $HOOK, iostat $iostat, all: ${KIDS[*]}"
	[ -n "$iostat" ]
	signal_sweep TERM 143
	# the hook, its child, the monitor and its iostat all went with it
	gone "$HOOK" "${KIDS[@]}"
	[ ! -e "$OUT" ]
	[ -z "$(ls -A "$WORK")" ]
}

@test "a monitor that dies: exit 1, one line, nothing left" {
	mkdir -p "$BATS_TEST_TMPDIR/root/bench/monitors"
	# a broken iostat in a source tree of its own (COB_ROOT)
	# shellcheck disable=SC2016 # the script's own $1
	printf '#!/bin/sh\n[ "$1" = --header ] && { echo a,b; exit 0; }\necho a,b >"$1"\necho "broken monitor gives up" >&2\nexit 4\n' \
		>"$BATS_TEST_TMPDIR/root/bench/monitors/iostat"
	chmod +x "$BATS_TEST_TMPDIR/root/bench/monitors/iostat"
	conf "monitors = iostat"
	COB_ROOT=$BATS_TEST_TMPDIR/root sweep
	[ "$status" -eq 1 ]
	one_line_nothing_left
	[[ "$output" == *"monitor iostat exited"*"broken monitor gives up"* ]]
}

@test "iostat monitor: header, delta rows, stops cleanly on SIGTERM" {
	mon=$ROOT/bench/monitors/iostat
	run "$mon" --header
	[ "$status" -eq 0 ]
	[[ "$output" == sample,time,uptime_s,device,r_s,rkB_s,r_await,rareq_sz,* ]]
	run "$mon"
	[ "$status" -eq 2 ]
	"$mon" "$BATS_TEST_TMPDIR/io.csv" 3>&- &
	pid=$!
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/io.csv" ] && break; sleep 0.02; done
	sleep 0.3
	mapfile -t kids < <(descendants "$pid")
	[ -n "$(named iostat "${kids[@]}")" ]
	kill -TERM "$pid"
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/io.csv"
	head -1 "$BATS_TEST_TMPDIR/io.csv" | grep -qx "$("$mon" --header)"
	[ "$(column sample "$BATS_TEST_TMPDIR/io.csv" | grep -c delta)" -ge 1 ]
	# every row has the header's field count
	[ "$(awk -F, 'NR == 1 { n = NF } NF != n' "$BATS_TEST_TMPDIR/io.csv" | wc -l)" -eq 0 ]
	[ -z "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'io.csv.*')" ]
	gone "${kids[@]}"
}

@test "iostat monitor under busybox sh and awk" {
	command -v busybox >/dev/null || skip "no busybox"
	bb=$BATS_TEST_TMPDIR/bb
	mkdir -p "$bb"
	for t in sh awk cat date rm dirname sleep; do ln -s "$(command -v busybox)" "$bb/$t"; done
	if command -v iostat >/dev/null; then ln -s "$(command -v iostat)" "$bb/iostat"; fi
	PATH=$bb "$bb/sh" "$ROOT/bench/monitors/iostat" "$BATS_TEST_TMPDIR/io.csv" &
	pid=$!
	for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/io.csv" ] && break; sleep 0.02; done
	sleep 1.3
	kill -TERM "$pid"
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/io.csv"
	[ "$(column sample "$BATS_TEST_TMPDIR/io.csv" | grep -c delta)" -ge 1 ]
	if [ -e "$bb/iostat" ]; then
		[ "$(column sample "$BATS_TEST_TMPDIR/io.csv" | grep -c interval)" -ge 1 ]
	fi
	[ "$(awk -F, 'NR == 1 { n = NF } NF != n' "$BATS_TEST_TMPDIR/io.csv" | wc -l)" -eq 0 ]
}
