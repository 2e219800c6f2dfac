#!/usr/bin/env bats
# ./run.sh nightly on this host only, with the tiny config set of
# tests/fixtures/nightly (--host-only --configs; a few seconds per night),
# into temporary history directories: the first night becomes the baseline,
# the second compares as unchanged and its page renders in headless chromium,
# an injected slowdown (cob-read's test-only COB_TEST_READ_DELAY_NS) and a
# doctor feature the baseline had are flagged; the lock refuses a second run;
# a run stopped by a signal, killed outright or past its stage timeout is kept
# as failed with the reason; the systemd timer is installed into and removed
# from a temporary unit directory with a stand-in systemctl.

bats_require_minimum_version 1.5.0
load common

# The injected 10 ms per read is 1000 times the 4 KiB cached read here
# (~10 us). No --min-change hack: the tiny config runs three repetitions and
# cob-compare judges latencies over them (the nightly default --min-change 25
# on top), which keeps two unchanged nights on this drifting host apart from
# a real slowdown.
DELAY_NS=10000000

# night HIST [ARGS...]: one tiny host-only night
night() {
	local h=$1
	shift
	./run.sh nightly --host-only --configs tests/fixtures/nightly --history "$h" "$@"
}

# entry HIST N: the N-th night (1 = oldest)
entry() { ls -d "$1"/2*-* | sed -n "${2}p"; }

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	[ "$(id -u)" = 0 ] || return 0
	local h=$BATS_FILE_TMPDIR/hist
	# three nights: baseline, unchanged, slowed down (and a doctor feature lost)
	# graphs only where they are checked (night 2's page): gnuplot is slow here
	night "$h" --no-graphs >"$BATS_FILE_TMPDIR/n1.log" 2>&1 && echo 0 >"$BATS_FILE_TMPDIR/n1.st" || echo $? >"$BATS_FILE_TMPDIR/n1.st"
	night "$h" >"$BATS_FILE_TMPDIR/n2.log" 2>&1 && echo 0 >"$BATS_FILE_TMPDIR/n2.st" || echo $? >"$BATS_FILE_TMPDIR/n2.st"
	# the baseline's doctor saw fentry: tonight's does not (this host refuses trampolines)
	local b=$h/baseline/host/doctor.json
	if [ -f "$b" ]; then jq '.features.fentry.available = true' "$b" >"$b.t" && mv "$b.t" "$b"; fi
	# and ran pinned to CPU 1 (noise control: a warning, not a verdict)
	b=$h/baseline/host/tiny/meta.json
	if [ -f "$b" ]; then jq '.noise_control.cpus_allowed = "1"' "$b" >"$b.t" && mv "$b.t" "$b"; fi
	COB_TEST_READ_DELAY_NS=$DELAY_NS night "$h" --no-graphs >"$BATS_FILE_TMPDIR/n3.log" 2>&1 && echo 0 >"$BATS_FILE_TMPDIR/n3.st" ||
		echo $? >"$BATS_FILE_TMPDIR/n3.st"
}

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	ROOT=$PWD
	T=$BATS_TEST_TMPDIR
	H=$BATS_FILE_TMPDIR/hist
}

needs_root() { [ "$(id -u)" = 0 ] || skip "needs root (the nights load BPF programs)"; }

# shows NIGHT's log; its exit status must be ST
night_status() {
	cat "$BATS_FILE_TMPDIR/n$1.log"
	[ "$(cat "$BATS_FILE_TMPDIR/n$1.st")" -eq "$2" ]
}

@test "nightly: --help, and bad input exits 2 with one line" {
	run ./run.sh nightly --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: ./run.sh nightly"* ]]
	[[ "$output" == *"--install-timer"* ]]
	run ./run.sh help
	[[ "$output" == *"nightly [opts]"* ]]
	local args
	for args in "--bogus" "--configs $T/none" "--kernel $T/no-bzImage" "--min-change x" "--trend 0" "--noise-nights 1" \
		"--host-only --kernel debian" "--no-host --host-only" "--history $ROOT/hist"; do
		# shellcheck disable=SC2086 # word splitting wanted
		run ./run.sh nightly $args
		echo "[$args] -> $status: $output"
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "${lines[0]}" == run.sh:* ]]
	done
	[ ! -e "$ROOT/hist" ]
}

@test "nightly: the first night becomes the baseline, the second compares unchanged; the page renders" {
	needs_root
	night_status 1 0
	grep -q "first complete night: .* becomes the baseline" "$BATS_FILE_TMPDIR/n1.log"
	night_status 2 0
	local e1 e2
	e1=$(entry "$H" 1) e2=$(entry "$H" 2)
	[ "$(readlink "$H/baseline")" = "$(basename "$e1")" ]
	jq -e '.status == "ok" and .baseline == null and (.kernels | length) == 1 and .kernels[0].name == "host"
		and .kernels[0].release != "" and (.git_rev | length) > 0' "$e1/meta.json"
	jq -e --arg b "$(basename "$e1")" '.status == "ok" and .baseline == $b and .regressed == 0' "$e2/meta.json"
	# every figure compared, none regressed; doctor's features and backends too
	grep -v unchanged "$e2/verdicts.csv" || true
	[ "$(column verdict "$e2/verdicts.csv" | grep -Ec "regressed|improved")" -eq 0 ]
	grep -q '^host,tiny,backend=tp-read,lat_median_ns,' "$e2/verdicts.csv"
	grep -q '^host,tiny,.*,overhead_mean_ns,' "$e2/verdicts.csv"
	grep -q '^host,doctor,backends,tp-read,available,available,,unchanged$' "$e2/verdicts.csv"
	grep -qx 'tiny,ok,' "$e2/host/configs.csv"
	# the results directories are the sweep engine's (provenance in meta.json)
	jq -e '.experiment == "nightly-tiny" and .where == "host"' "$e2/host/tiny/meta.json"
	# the page: verdict table, trend graphs of both nights, the nights table
	[ -s "$e2/trend-host-lat_median_ns.png" ] && [ -s "$e2/trend-host-lat_median_ns.svg" ]
	[ "$(awk -F, '$3 == "host" && $6 == "lat_median_ns" && $5 == "backend=tp-read"' "$e2/trend.csv" | wc -l)" -eq 2 ]
	grep -q '<tr class="unchanged"><td>host</td><td>tiny</td>' "$e2/nightly.html"
	grep -q "<td>$(basename "$e1")</td><td>ok</td><td>baseline</td>" "$e2/nightly.html"
	run bash tests/page_check.sh --min-images 4 "$e2/nightly.html"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "nightly: an injected slowdown and a doctor feature lost regress (exit 1); --accept moves the baseline" {
	needs_root
	night_status 3 1
	local e1 e3
	e1=$(entry "$H" 1) e3=$(entry "$H" 3)
	jq -e '.status == "regressed" and .regressed > 0' "$e3/meta.json"
	# every latency figure of tp-read and none regressed; success and overhead did not
	grep -qx 'host,tiny,backend=tp-read,lat_median_ns,.*,regressed' "$e3/verdicts.csv"
	grep -qx 'host,tiny,backend=none,lat_mean_ns,.*,regressed' "$e3/verdicts.csv"
	[ "$(grep -c ',success_rate,.*,regressed$' "$e3/verdicts.csv")" -eq 0 ]
	grep -qx 'host,doctor,features,fentry,available,unavailable,,regressed' "$e3/verdicts.csv"
	grep -q '<tr class="regressed"><td>host</td><td>tiny</td><td>backend=tp-read</td><td>lat_median_ns</td>' "$e3/nightly.html"
	# the noise-control difference: warned on the console and the page; none the night before
	grep -q '^warning: host/tiny: cob-compare: warning: the runs differ in pinning (CPUs allowed): 1 vs ' "$BATS_FILE_TMPDIR/n3.log"
	grep -q '<li>host/tiny: cob-compare: warning: the runs differ in pinning (CPUs allowed): 1 vs ' "$e3/nightly.html"
	[ ! -s "$(entry "$H" 2)/warnings.txt" ]
	[ "$(readlink "$H/baseline")" = "$(basename "$e1")" ] # a regressed night is not accepted by itself
	run ./run.sh nightly --accept --history "$H"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(readlink "$H/baseline")" = "$(basename "$e3")" ]
}

# wait_for COND-COMMAND...: up to 60 s
wait_for() {
	local i
	for ((i = 0; i < 600; i++)); do "$@" && return 0; sleep 0.1; done
	echo "timed out waiting for: $*"
	return 1
}
running_stage() { compgen -G "$1/2*-*/host/.partial-tiny.*" >/dev/null; }

@test "nightly: a second run is refused by the lock; stopped, killed and timed-out nights are kept as failed" {
	needs_root
	local h=$T/hist pid st
	# a slow night: 100 ms per read, 100 reads: 10 s of sweep
	# (run.sh itself in the background: $! is its pid)
	COB_TEST_READ_DELAY_NS=100000000 ./run.sh nightly --host-only --configs tests/fixtures/nightly --history "$h" >"$T/a.log" 2>&1 &
	pid=$!
	wait_for running_stage "$h"
	run night "$h"
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"another nightly run holds $h/.lock: pid="*"command=./run.sh nightly --host-only"* ]]
	# stopped by SIGTERM: recorded at once, with the reason
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	cat "$T/a.log"
	[ "$st" -eq 143 ]
	jq -e '.status == "failed" and (.reason | test("signal 15"))' "$(entry "$h" 1)/meta.json"
	! compgen -G "$h/2*-*/host/.partial-*" # the sweep's partial directory went with it
	# killed outright (SIGKILL): the next run records it
	COB_TEST_READ_DELAY_NS=100000000 ./run.sh nightly --host-only --configs tests/fixtures/nightly --history "$h" >"$T/b.log" 2>&1 &
	pid=$!
	wait_for running_stage "$h"
	kill -KILL "$pid"
	wait "$pid" || true
	jq -e '.status == "running"' "$(entry "$h" 2)/meta.json"
	wait_for eval '! pgrep -f "nightly --here --out $(entry "$h" 2)" >/dev/null' # its stage died with it
	# and its worker (the lock holder, a child of the killed run.sh that dies with it, asynchronously)
	wait_for flock -n "$h/.lock" true
	# a stage that hangs past --stage-timeout: killed, the night failed with the reason
	COB_TEST_READ_DELAY_NS=100000000 run night "$h" --stage-timeout 2 --no-graphs
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"recorded $(basename "$(entry "$h" 2)") as failed"* ]]
	jq -e '.status == "failed" and (.reason | test("ended without finishing: killed \\(SIGKILL\\)"))' "$(entry "$h" 2)/meta.json"
	jq -e '.status == "failed" and .reason == "stage host timed out after 2 s (killed)" and .kernels[0].status == "failed"' \
		"$(entry "$h" 3)/meta.json"
	[ ! -e "$h/baseline" ] # no complete night: no baseline
	[ -s "$(entry "$h" 3)/nightly.html" ]
}

@test "nightly: a --kernel PATH stage is named after the file and a hash of its path" {
	. bench/nightly.sh
	[ "$(nightly_stage_name debian)" = debian ]
	[ "$(nightly_stage_name host)" = host ]
	local a b
	a=$(nightly_stage_name /boot/x/bzImage) b=$(nightly_stage_name /boot/y/bzImage)
	[[ $a == bzImage-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f] ]]
	[ "$a" != "$b" ]                                          # two bzImages do not collide
	[ "$(cd /boot && nightly_stage_name x/bzImage)" = "$a" ] # the same file, however named
	[ "$(nightly_stage_name /boot/x/bzImage)" = "$a" ]       # stable from night to night
}

# fake_night HIST NAME STATUS VALUE: a history entry whose figures.csv has one
# latency figure of VALUE ns
fake_night() {
	mkdir -p "$1/$2"
	printf '{"status": "%s"}\n' "$3" >"$1/$2/meta.json"
	printf 'kernel,config,point,figure,value\nk,c,backend=x,lat_median_ns,%s\n' "$4" >"$1/$2/figures.csv"
}

@test "nightly: the noise band of the last nights keeps a regression only beyond it; too few nights: unknown" {
	. bench/nightly.sh
	local h=$T/h e
	e=$h/20260103-000000
	mkdir -p "$e"
	printf '{"status": "running"}\n' >"$e/meta.json"
	verdict_of() {
		printf 'kernel,config,point,figure,base,new,change_pct,verdict\nk,c,backend=x,lat_median_ns,100,%s,,%s\nk,c,backend=x,success_rate,1,0.5,-50,regressed\n' "$1" "$2" >"$e/verdicts.csv"
		nightly_band "$h" "$e" "${3:-7}"
		sed -n 2p "$e/verdicts.csv" | cut -d, -f8
	}
	fake_night "$h" 20260101-000000 ok 100
	[ "$(verdict_of 1000 regressed)" = unknown ] # one night of history: the noise between nights is unknown
	grep -q ',success_rate,1,0.5,-50,regressed$' "$e/verdicts.csv" # a success drop is never banded
	fake_night "$h" 20260102-000000 regressed 200
	# band 100..200, widened by 100 each way: 0..300
	[ "$(verdict_of 1000 regressed)" = regressed ]
	[ "$(verdict_of 250 regressed)" = noise ]
	[ "$(verdict_of 250 unchanged)" = unchanged ]
	[ "$(verdict_of 50 improved)" = noise ]
	fake_night "$h" 20260102-120000 failed 100000 # a failed night is no part of the band
	[ "$(verdict_of 1000 regressed)" = regressed ]
	[ "$(verdict_of 1000 regressed 1)" = unknown ] # --noise-nights 1: only the last night
}

@test "nightly: --install-timer and --uninstall-timer into a temporary unit directory" {
	needs_root
	mkdir "$T/units"
	printf '#!/bin/sh\necho "$*" >>"%s/calls"\n' "$T" >"$T/systemctl"
	chmod +x "$T/systemctl"
	export COB_SYSTEMD_DIR=$T/units COB_SYSTEMCTL=$T/systemctl
	run ./run.sh nightly --install-timer
	echo "$output"
	[ "$status" -eq 0 ]
	grep -qx "ExecStart=$ROOT/run.sh nightly" "$T/units/copyout-bench-nightly.service"
	grep -qx "WorkingDirectory=$ROOT" "$T/units/copyout-bench-nightly.service"
	grep -qx 'OnCalendar=\*-\*-\* 02:30:00' "$T/units/copyout-bench-nightly.timer"
	[ "$(paste -sd';' "$T/calls")" = "daemon-reload;enable --now copyout-bench-nightly.timer" ]
	[ "$(ls "$T/units" | paste -sd' ')" = "copyout-bench-nightly.service copyout-bench-nightly.timer" ]
	echo keep >"$T/units/other.service"
	run ./run.sh nightly --uninstall-timer
	[ "$status" -eq 0 ]
	[ "$(ls "$T/units")" = other.service ]
	[ "$(sed -n '3,$p' "$T/calls" | paste -sd';')" = "disable --now copyout-bench-nightly.timer;daemon-reload" ]
	# a unit of the same name that is not ours is left alone
	echo '[Unit]' >"$T/units/copyout-bench-nightly.timer"
	run ./run.sh nightly --install-timer
	[ "$status" -eq 2 ]
	[[ "$output" == *"not ours"* ]]
	run ./run.sh nightly --uninstall-timer
	[ "$status" -eq 2 ]
	[ -f "$T/units/copyout-bench-nightly.timer" ]
	# no systemctl: refused cleanly
	COB_SYSTEMCTL=$T/no-systemctl run ./run.sh nightly --install-timer
	[ "$status" -eq 2 ]
	[[ "$output" == *"no systemctl here"* ]]
}
