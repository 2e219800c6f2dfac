#!/usr/bin/env bats
# The monitors (bench/monitors.c registry, bench/monitors/*): each answers
# --header; those the kernel may refuse answer --probe with "works" or one line
# and exit 3; the snapshot monitors record a run; the libbpf-tools wrapper
# turns a tool's histogram into rows; a sweep skips a refused monitor with one
# line, writes no CSV for it and names it in meta.json. The real tools' verdict
# is derived from this kernel: a monitor doctor calls working writes rows.

load common

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	DOCTOR_JSON=$(build/bin/cob-doctor --json)
	export DOCTOR_JSON
	# the libbpf-tools test double, as biolatency
	export FAKE_TOOLS=$BATS_FILE_TMPDIR/tools
	mkdir -p "$FAKE_TOOLS"
	cc -O1 -o "$FAKE_TOOLS/biolatency" tests/fixtures/faketools/faketool.c
	cp "$FAKE_TOOLS/biolatency" "$FAKE_TOOLS/cachestat"
	# the suite's fallback for cachestat, where COB_BIN points
	export FAKE_BIN=$BATS_FILE_TMPDIR/bin
	mkdir -p "$FAKE_BIN"
	cp "$FAKE_TOOLS/biolatency" "$FAKE_BIN/cob-cachestat"
}

setup() {
	engine_setup
	MON=$ROOT/bench/monitors
	# the registry's names, from doctor's JSON (one trial of each tool)
	[ -x "$ROOT/build/bin/cob-doctor" ] || { echo "build/bin/cob-doctor not built"; return 1; }
}


@test "every monitor in the registry has an executable that prints a CSV header, --help, and exit 2 without OUTFILE" {
	local n=0 m
	while read -r m; do
		[ -x "$MON/$m" ] || { echo "no $MON/$m"; return 1; }
		run "$MON/$m" --header
		[ "$status" -eq 0 ]
		[[ "$output" =~ ^[a-z_]+(,[a-zA-Z_0-9]+)+$ ]] || { echo "$m: header '$output'"; return 1; }
		run "$MON/$m" --help
		[ "$status" -eq 0 ] && [[ "$output" == "usage: "*"--header"* ]] || { echo "$m --help: $status '$output'"; return 1; }
		run "$MON/$m"
		[ "$status" -eq 2 ] || { echo "$m without OUTFILE: exit $status"; return 1; }
		n=$((n + 1))
	done < <(jq -r '.monitors | keys_unsorted[]' <<<"$DOCTOR_JSON")
	[ "$n" -ge 8 ]
}


@test "doctor lists every monitor: works, or refused with one line that names the tool" {
	local m works reason
	while IFS=$'\t' read -r m works reason; do
		echo "$m $works $reason"
		if [ "$works" = true ]; then
			[ "$reason" = works ]
		else
			[[ "$reason" == "$m: "* ]] && [[ "$reason" != *$'\n'* ]]
		fi
	done < <(jq -r '.monitors | to_entries[] | [.key, (.value.works | tostring), .value.reason] | @tsv' <<<"$DOCTOR_JSON")
	run "$ROOT/build/bin/cob-doctor"
	[[ "$output" == *$'\nMONITOR               STATE\n'* ]]
	[[ "$output" == *$'\nbiolatency            '* ]]
}

@test "--probe agrees with doctor; a refused tool: one line, exit 3" {
	local m works
	while IFS=$'\t' read -r m works; do
		run "$MON/$m" --probe
		echo "$m: doctor $works, probe $status: $output"
		[ "${#lines[@]}" -eq 1 ]
		if [ "$works" = true ]; then [ "$status" -eq 0 ] && [ "$output" = works ]; else [ "$status" -eq 3 ]; fi
	done < <(jq -r '.monitors | to_entries[] | select(.key != "iostat" and .key != "kprobes") | [.key, (.value.works | tostring)] | @tsv' <<<"$DOCTOR_JSON")
}

@test "diskstats and vmstat: header at start, the change of each counter at SIGTERM" {
	local m
	for m in diskstats vmstat; do
		"$MON/$m" "$BATS_TEST_TMPDIR/$m.csv" 3>&- &
		pid=$!
		for _ in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/$m.csv" ] && break; sleep 0.02; done
		dd if=/dev/zero of="$WORK/x" bs=64k count=16 conv=fsync 2>/dev/null
		t0=$SECONDS
		kill -TERM "$pid"
		wait "$pid"
		# at once: the signal ends its wait (cob-sweep gives a monitor 10 s in all)
		[ $((SECONDS - t0)) -le 5 ] || { echo "$m took $((SECONDS - t0)) s to stop"; return 1; }
		[ "$(head -1 "$BATS_TEST_TMPDIR/$m.csv")" = "$("$MON/$m" --header)" ]
		[ "$(wc -l <"$BATS_TEST_TMPDIR/$m.csv")" -ge 2 ]
		[ -z "$(ls "$BATS_TEST_TMPDIR" | grep "^$m.csv.")" ]
	done
	# the file written and synced shows as a positive change
	[ "$(awk -F, '$1 == "pgpgout" { print ($4 > 0) }' "$BATS_TEST_TMPDIR/vmstat.csv")" = 1 ]
	[ "$(awk -F, 'NR > 1 && $6 > 0 { n++ } END { print n + 0 }' "$BATS_TEST_TMPDIR/diskstats.csv")" -ge 1 ]
}

@test "libbpf-tools wrapper: header once attached, the tool's histogram as rows at SIGTERM" {
	export COB_LIBBPF_TOOLS=$FAKE_TOOLS
	"$MON/biolatency" "$BATS_TEST_TMPDIR/bl.csv" 3>&- &
	pid=$!
	for _ in $(seq 200); do [ -s "$BATS_TEST_TMPDIR/bl.csv" ] && break; sleep 0.02; done
	[ "$(cat "$BATS_TEST_TMPDIR/bl.csv")" = what,unit,low,high,count,tool ]
	kill -TERM "$pid"
	wait "$pid"
	run cat "$BATS_TEST_TMPDIR/bl.csv"
	[ "${lines[1]}" = bio_latency,usecs,0,1,0,biolatency ]
	[ "${lines[2]}" = bio_latency,usecs,64,127,7,biolatency ]
	[ "${lines[3]}" = bio_latency,usecs,128,255,3,biolatency ]
	[ "${#lines[@]}" -eq 4 ]
	# the tool went with it, and its files
	! pgrep -f "$FAKE_TOOLS/biolatency" >/dev/null
	[ "$(ls "$BATS_TEST_TMPDIR" | grep -c '^bl.csv')" -eq 1 ]
}

@test "libbpf-tools wrapper: a tool that does not stop on SIGINT is killed, and the monitor fails saying so" {
	export COB_LIBBPF_TOOLS=$FAKE_TOOLS FAKE_TOOL_DEAF=1 COB_MONITOR_STOP_S=1
	"$MON/biolatency" "$BATS_TEST_TMPDIR/bl.csv" 3>&- 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 200); do [ -s "$BATS_TEST_TMPDIR/bl.csv" ] && break; sleep 0.02; done
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	cat "$BATS_TEST_TMPDIR/err"
	[ "$st" -eq 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "biolatency: did not stop within 1 s of SIGINT; killed" ]
	! pgrep -f "$FAKE_TOOLS/biolatency" >/dev/null
}

@test "libbpf-tools wrapper: a tool the kernel refuses gives one line naming why, exit 3, no CSV" {
	export COB_LIBBPF_TOOLS=$FAKE_TOOLS FAKE_TOOL_REFUSE=1
	run "$MON/biolatency" --probe
	[ "$status" -eq 3 ]
	[ "$output" = "biolatency: prog 'block_rq_issue': BPF program load failed: Operation not permitted" ]
	run "$MON/biolatency" "$BATS_TEST_TMPDIR/bl.csv"
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/bl.csv" ]
	COB_LIBBPF_TOOLS=$BATS_TEST_TMPDIR/none run "$MON/biolatency" --probe
	[ "$status" -eq 3 ]
	[ "$output" = "biolatency: no $BATS_TEST_TMPDIR/none/biolatency (Debian package libbpf-tools)" ]
}

@test "cachestat: Debian's tool where it attaches, else cob-cachestat; the tool column says which; both refused: one line" {
	export COB_LIBBPF_TOOLS=$FAKE_TOOLS COB_BIN=$FAKE_BIN
	run "$MON/cachestat" --probe
	[ "$status" -eq 0 ]
	[ "$output" = works ]
	FAKE_TOOL_REFUSE=cachestat run "$MON/cachestat" --probe
	[ "$status" -eq 0 ]
	[ "$output" = "works (cob-cachestat; cachestat: prog 'block_rq_issue': BPF program load failed: Operation not permitted)" ]
	for refuse in none cachestat; do
		FAKE_TOOL_REFUSE=$refuse "$MON/cachestat" "$BATS_TEST_TMPDIR/cs-$refuse.csv" 3>&- 2>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		for _ in $(seq 200); do [ -s "$BATS_TEST_TMPDIR/cs-$refuse.csv" ] && break; sleep 0.02; done
		kill -TERM "$pid"
		wait "$pid"
	done
	[ "$(cat "$BATS_TEST_TMPDIR/cs-none.csv")" = "time,hits,misses,dirties,hit_ratio_pct,buffers_mb,cached_mb,tool
12:00:00,10,5,0,66.67,1,100,cachestat" ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/cs-cachestat.csv")" = 12:00:00,10,5,0,66.67,1,100,cob-cachestat ]
	# the fallback ran in the sweep: one line on stderr says so and why
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "cachestat: cob-cachestat ran instead (cachestat: prog 'block_rq_issue': BPF program load failed: Operation not permitted)" ]
	FAKE_TOOL_REFUSE=1 run "$MON/cachestat" --probe
	[ "$status" -eq 3 ]
	[ "$output" = "cachestat: prog 'block_rq_issue': BPF program load failed: Operation not permitted; cob-cachestat: prog 'block_rq_issue': BPF program load failed: Operation not permitted" ]
	! pgrep -f "$FAKE_BIN/cob-cachestat" >/dev/null
}

@test "a sweep skips a refused monitor: one line, no CSV, meta.json monitors_skipped; the others share the run column" {
	export COB_LIBBPF_TOOLS=$FAKE_TOOLS FAKE_TOOL_REFUSE=1
	printf '[experiment]\nname = t\nplots = none\n[sweep]\niterations = 1,3\nbuf_size = 4K\nfile_kind = known\nrepetitions = 1\nmonitors = vmstat,biolatency\n' >"$CONF"
	sweep
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'monitor biolatency skipped' <<<"$output")" -eq 1 ]
	[[ "$output" == *"cob-sweep: monitor biolatency skipped: biolatency: prog 'block_rq_issue': BPF program load failed: Operation not permitted"* ]]
	[ ! -e "$OUT/biolatency.csv" ]
	[ "$(jq -r '.monitors_skipped.biolatency' "$OUT/meta.json")" = "biolatency: prog 'block_rq_issue': BPF program load failed: Operation not permitted" ]
	[ "$(jq -c .monitors "$OUT/meta.json")" = '["vmstat"]' ]
	[[ "$(head -1 "$OUT/vmstat.csv")" == experiment,where,kernel,*,rep,run,counter,start,end,delta,elapsed_s ]]
	[ "$(column run "$OUT/reads.csv" | sort -u | tr '\n' ' ')" = "1 2 " ]
	[ "$(column run "$OUT/vmstat.csv" | sort -u | tr '\n' ' ')" = "1 2 " ]
}

@test "a sweep with a working libbpf-tools monitor: its rows carry each run's number" {
	export COB_LIBBPF_TOOLS=$FAKE_TOOLS
	printf '[experiment]\nname = t\nplots = none\n[sweep]\niterations = 1,3\nbuf_size = 4K\nfile_kind = known\nrepetitions = 1\nmonitors = biolatency\n' >"$CONF"
	sweep
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *skipped* ]]
	[[ "$(head -1 "$OUT/biolatency.csv")" == experiment,where,kernel,*,rep,run,what,unit,low,high,count,tool ]]
	[ "$(awk -F, 'NR > 1 && $(NF - 1) == 7 { n++ } END { print n }' "$OUT/biolatency.csv")" -eq 2 ]
	[ "$(column run "$OUT/biolatency.csv" | sort -u | tr '\n' ' ')" = "1 2 " ]
}
