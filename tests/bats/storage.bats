#!/usr/bin/env bats
# The storage backends and conditions for real on this host (observe: the
# host loads tracepoint programs only, so the hook is tp-read or none): every
# quick config of E2, E3, E4, E7, E8, E9 through ./run.sh with CSV invariants,
# and what a sweep sets up (mounts, loop/zram/ram devices, modules, sysctl,
# cgroup) compared before and after: after a sweep, after SIGINT at a random
# point and after SIGKILL (the guard undoes it).

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	./run.sh help >/dev/null
}

load common
load leaks

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	export COB_RESULTS="$BATS_TEST_TMPDIR/results"
	WORK=$BATS_TEST_TMPDIR/work
	mkdir -p "$WORK"
	SESSION=
}

teardown() {
	if [ -n "$SESSION" ]; then kill -KILL -- -"$SESSION" 2>/dev/null || true; fi
}

# What a sweep with --workdir $WORK may change, scoped to it where the thing
# has a path (other users' mounts and loop devices are not ours): mounts and
# loop backing files under $WORK, zram and ram devices, the brd/zram modules,
# vm.vfs_cache_pressure, cob-sweep cgroups (v1 and v2).
machine_state() {
	echo "mounts:"
	awk -v w="$WORK" 'index($2, w) == 1 { print $1, $2, $3 }' /proc/mounts | sort
	echo "loop:"
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] && grep -H "^$WORK" "$f"
	done
	echo "devices:" /sys/block/zram[0-9]* /sys/block/ram[0-9]*
	echo "modules: $(awk '$1 == "brd" || $1 == "zram" { print $1 }' /proc/modules 2>/dev/null | paste -sd' ')"
	echo "vfs_cache_pressure: $(cat /proc/sys/vm/vfs_cache_pressure)"
	echo "cgroups: $(find /sys/fs/cgroup -maxdepth 3 -name 'cob-sweep-*' 2>/dev/null | sort | paste -sd' ')"
	return 0
}

# restored BEFORE: the state equals BEFORE within 5 s (a killed sweep's guard
# undoes what it set up while the killed processes close their files)
restored() {
	for _ in $(seq 50); do
		[ "$(machine_state)" = "$1" ] && return 0
		sleep 0.1
	done
	diff <(echo "$1") <(machine_state)
}

# check_results DIR NAME: the invariants every quick sweep of ours keeps
check_results() {
	local d=$1 name=$2 k rows
	for f in reads.csv summary.csv meta.json plots.txt; do [ -s "$d/$f" ] || { echo "no $f"; return 1; }; done
	head -1 "$d/reads.csv" | tr , '\n' >"$BATS_TEST_TMPDIR/cols"
	for c in experiment storage cache cpus vfs_cache_pressure mem_limit rep backend kernel where buf_size lat_ns t_start_ns t_end_ns match; do
		grep -qx "$c" "$BATS_TEST_TMPDIR/cols" || { echo "missing column $c"; return 1; }
	done
	rows=$(column match "$d/reads.csv" | wc -l)
	[ "$rows" -gt 0 ] || { echo "no reads"; return 1; }
	[ "$(column experiment "$d/reads.csv" | sort -u)" = "$name" ] || { echo "experiment column"; return 1; }
	[ "$(column where "$d/reads.csv" | sort -u)" = host ] || { echo "where column"; return 1; }
	[ "$(column match "$d/reads.csv" | grep -cvx 1)" -eq 0 ] || { echo "a read did not match"; return 1; }
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		!($h["lat_ns"] > 0 && $h["t_end_ns"] >= $h["t_start_ns"]) { print "bad latency row " NR; bad = 1 }
		END { exit bad }' "$d/reads.csv" || return 1
	# meta.json: the reads and points it counts are the files' rows
	[ "$(jq .reads "$d/meta.json")" -eq "$rows" ] || { echo "meta reads"; return 1; }
	[ "$(($(wc -l <"$d/summary.csv") - 1))" -eq "$(jq .points "$d/meta.json")" ] || { echo "summary rows"; return 1; }
	[ "$(column n "$d/summary.csv" | paste -sd+ | bc)" -eq "$rows" ] || { echo "summary n"; return 1; }
	# every value of a storage or condition axis ran, and nothing else
	for k in storage cache cpus vfs_cache_pressure mem_limit buf_size; do
		[ "$(column "$k" "$d/reads.csv" | sort -u)" = "$(jq -r --arg k "$k" '.axes[$k][]' "$d/meta.json" | sort -u)" ] ||
			{ echo "axis $k: $(column "$k" "$d/reads.csv" | sort -u | paste -sd' ') vs meta $(jq -c --arg k "$k" '.axes[$k]' "$d/meta.json")"; return 1; }
	done
	# each graph as PNG and SVG
	[ "$(find "$d" -name '*.png' | wc -l)" -ge 2 ] || { echo "no graphs"; return 1; }
	for p in "$d"/*.png; do [ -s "${p%.png}.svg" ] || { echo "no SVG for $p"; return 1; }; done
}

# quick NAME: ./run.sh sweep NAME --quick with tp-read into $out, state checked
quick() {
	out=$BATS_TEST_TMPDIR/$1
	before=$(machine_state)
	run ./run.sh sweep "$1" --quick --hook tp-read --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	check_results "$out" "$1"
	[ "$(column backend "$out/reads.csv" | sort -u)" = tp-read ]
	restored "$before"
}

@test "E7 storage --quick: every storage the kernel gives, set up and removed; one line for each it cannot" {
	quick storage
	# each storage of the config either ran (meta.json storage) or was skipped with its reason
	for s in disk tmpfs brd loop zram; do
		ran=$(jq -r --arg s "$s" '.storage | has($s)' "$out/meta.json")
		skipped=$(jq -r --arg s "$s" '.storage_skipped | has($s)' "$out/meta.json")
		[ "$ran" != "$skipped" ] || { echo "$s: ran $ran, skipped $skipped"; return 1; }
		if [ "$skipped" = true ]; then
			[[ "$output" == *"skipping storage $s: "* ]]
			! column storage "$out/reads.csv" | grep -qx "$s"
		fi
	done
	jq -e '.storage.tmpfs.fs == "tmpfs"' "$out/meta.json"
	jq -e '.storage.loop.fs == "ext4" and (.storage.loop.device | startswith("/dev/loop"))' "$out/meta.json"
	# zram is the RAM disk where brd is missing: one of them ran here
	jq -e '(.storage | has("brd")) or (.storage.zram.device | startswith("/dev/zram"))' "$out/meta.json"
	# every storage that ran has the same number of reads
	[ "$(column storage "$out/reads.csv" | sort | uniq -c | awk '{ print $1 }' | sort -u | wc -l)" -eq 1 ]
	# a storage this kernel cannot give, alone in a config: one line, exit 3, nothing written
	for s in $(jq -r '.storage_skipped | keys[]' "$out/meta.json"); do
		sed "s/^storage = .*/storage = $s/" configs/storage.conf >"$BATS_TEST_TMPDIR/one.conf"
		run build/bin/cob-sweep --config "$BATS_TEST_TMPDIR/one.conf" --quick --hook none \
			--out "$BATS_TEST_TMPDIR/one" --workdir "$WORK"
		echo "$output"
		[ "$status" -eq 3 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == "cob-sweep: storage '$s' is not available here: "* ]]
		[ ! -e "$BATS_TEST_TMPDIR/one" ]
		[ -z "$(ls -A "$WORK")" ]
	done
}

@test "E2 bufsize --quick: 1 B to 16 MiB reads, each returns its buffer size" {
	quick bufsize
	[ "$(column buf_size "$out/reads.csv" | sort -nu | paste -sd' ')" = "1 4096 16777216" ]
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["ret"] != $h["buf_size"] { print "row " NR ": ret " $h["ret"] " for a " $h["buf_size"] " B buffer"; bad = 1 }
		END { exit bad }' "$out/reads.csv"
}

@test "E3 cachestate --quick: cached, dropped and DONTNEED, latency CDF and box plot" {
	quick cachestate
	[ "$(column cache "$out/reads.csv" | sort -u | paste -sd' ')" = "dontneed drop none" ]
	for g in cachestate_cdf cachestate_box; do [ -s "$out/$g.png" ] && [ -s "$out/$g.svg" ]; done
}

@test "E4 ordering --quick: user and BPF stamps of each read are in order on one clock" {
	quick ordering
	# the backends this kernel cannot attach are skipped with one line each
	[ "$(jq -r '.hooks_skipped | length' "$out/meta.json")" -ge 0 ]
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["hook_ts_ns"] > 0 { n++
			if (!($h["t_start_ns"] <= $h["enter_ts_ns"] && $h["enter_ts_ns"] <= $h["hook_ts_ns"] &&
			      $h["hook_ts_ns"] <= $h["hook_exit_ts_ns"] && $h["hook_exit_ts_ns"] <= $h["exit_ts_ns"] &&
			      $h["exit_ts_ns"] <= $h["t_end_ns"])) { print "row " NR " out of order"; bad = 1 } }
		END { if (!n) { print "no read with a hook stamp"; bad = 1 }; exit bad }' "$out/reads.csv"
	[ -s "$out/ordering.csv" ]
	[ "$(column stamp "$out/ordering.csv" | sort -u | wc -l)" -eq 5 ]
}

@test "E8 cpus --quick: one CPU and all of them; cpus beyond this machine are skipped with one line" {
	quick cpus
	[ "$(column cpus "$out/reads.csv" | sort -u | paste -sd' ')" = "1 all" ]
	[ "$(jq .conditions.cpus_allowed_at_start "$out/meta.json")" -eq "$(nproc)" ]
	# a value above the CPUs allowed: skipped in a list, refused alone
	cp configs/cpus.conf "$BATS_TEST_TMPDIR/c.conf"
	sed -i "s/^cpus = 1,all$/cpus = 1,$(($(nproc) + 1))/; s/^cache = drop$/cache = none/; s/^iterations = 20$/iterations = 2/" "$BATS_TEST_TMPDIR/c.conf"
	run build/bin/cob-sweep --config "$BATS_TEST_TMPDIR/c.conf" --quick --hook none --out "$BATS_TEST_TMPDIR/c" --workdir "$WORK"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"skipping cpus = $(($(nproc) + 1)): only $(nproc) CPUs are allowed here"* ]]
	sed -i "s/^cpus = 1,.*/cpus = $(($(nproc) + 1))/" "$BATS_TEST_TMPDIR/c.conf"
	run build/bin/cob-sweep --config "$BATS_TEST_TMPDIR/c.conf" --quick --hook none --out "$BATS_TEST_TMPDIR/c2" --workdir "$WORK"
	echo "$output"
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/c2" ]
}

@test "E9 pressure --quick: vfs_cache_pressure set and restored, the memory cgroup made and removed" {
	was=$(cat /proc/sys/vm/vfs_cache_pressure)
	quick pressure
	[ "$(cat /proc/sys/vm/vfs_cache_pressure)" = "$was" ]
	[ "$(jq .conditions.vfs_cache_pressure_before "$out/meta.json")" = "$was" ]
	jq -e '.conditions.cgroup_version == 1 or .conditions.cgroup_version == 2' "$out/meta.json"
	[ "$(column mem_limit "$out/reads.csv" | sort -u | paste -sd' ')" = "67108864 none" ]
}

# A sweep of everything that changes the machine: every storage, the sysctl,
# a memory cgroup and one CPU; hook none (no BPF: only the set-up is tested).
leak_conf() {
	cat >"$BATS_TEST_TMPDIR/leak.conf" <<-'CONF'
	[experiment]
	name = leak
	description = what a sweep sets up, undone
	function = filter-reduce
	mode = observe
	hook = none
	plots = none
	[sweep]
	storage = tmpfs,brd,loop,zram
	cache = none
	file_kind = known
	file_size = 1M
	buf_size = 4K
	iterations = 200
	reposition = sequential
	cpus = 1
	vfs_cache_pressure = 1234
	mem_limit = 512M
	repetitions = 1
	monitors = none
	CONF
}

# start_leak_sweep LOG: cob-sweep on leak.conf in a session of its own (pid);
# each read takes 5 ms more (the test-only slowdown), so a run lasts about 1 s
start_leak_sweep() {
	leak_conf
	COB_TEST_READ_DELAY_NS=5000000 setsid build/bin/cob-sweep --config "$BATS_TEST_TMPDIR/leak.conf" \
		--out "$BATS_TEST_TMPDIR/leak" --workdir "$WORK" >"$1" 2>&1 3>&- &
	pid=$!
	SESSION=$pid
}

# during: while the sweep runs, its reader runs on one CPU in the cgroup,
# with the sysctl set and a storage of ours mounted (so the state check sees
# what the sweep changes: it can fail)
during() {
	local r st="" cg="" mnt=""
	for _ in $(seq 300); do
		r=$(pgrep -f "cob-read --file $WORK" | head -1)
		if [ -n "$r" ]; then
			# a reader that ends between pgrep and here is skipped
			st=$(cat "/proc/$r/status" 2>/dev/null) && cg=$(cat "/proc/$r/cgroup" 2>/dev/null) &&
				mnt=$(cat "/proc/$r/mounts" 2>/dev/null) && [ -n "$st" ] && [ -n "$mnt" ] && break
		fi
		sleep 0.1
	done
	[ -n "$st" ] || { echo "no cob-read seen"; cat "$1"; return 1; }
	echo "cob-read $r: cpus $(awk '/^Cpus_allowed_list/ { print $2 }' <<<"$st"), $(grep cob-sweep- <<<"$cg")"
	[ "$(awk '/^Cpus_allowed_list/ { print $2 }' <<<"$st")" = "$(taskset -pc $$ | sed 's/.*: //' | cut -d, -f1 | cut -d- -f1)" ]
	grep -q "cob-sweep-" <<<"$cg"
	[ "$(cat /proc/sys/vm/vfs_cache_pressure)" = 1234 ]
	# its storage is mounted where it runs (the sweep's own mount namespace), not here
	[ -n "$(awk -v w="$WORK" 'index($2, w) == 1' <<<"$mnt")" ]
	[ -z "$(awk -v w="$WORK" 'index($2, w) == 1' /proc/mounts)" ]
}

@test "leaks: a complete sweep over every storage and condition leaves the machine as it found it" {
	before=$(machine_state)
	start_leak_sweep "$BATS_TEST_TMPDIR/log"
	during "$BATS_TEST_TMPDIR/log"
	wait "$pid"
	cat "$BATS_TEST_TMPDIR/log"
	restored "$before"
	[ -z "$(ls -A "$WORK")" ]
}

@test "leaks: SIGINT at a random point of the sweep, then SIGKILL: nothing left either time" {
	before=$(machine_state)
	for sig in INT KILL; do
		start_leak_sweep "$BATS_TEST_TMPDIR/log-$sig"
		during "$BATS_TEST_TMPDIR/log-$sig"
		# a random point: after 0, 1 or 2 of the 3 runs, then 0-0.3 s into the
		# next (a run takes about a second: loading the hook alone does), so
		# the sweep is still running however fast the machine (a random
		# delay of up to 4 s once came after the sweep had ended)
		k=$((RANDOM % 3))
		delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.1f", r % 4 / 10 }')
		for _ in $(seq 600); do
			[ "$k" = 0 ] || grep -q "^\[ *$k/3\]" "$BATS_TEST_TMPDIR/log-$sig" && break
			sleep 0.1
		done
		sleep "$delay"
		echo "SIG$sig after run $k + $delay s, at: $(tail -1 "$BATS_TEST_TMPDIR/log-$sig")"
		kill -0 "$pid" || { echo "the sweep ended before the signal: no random point tested"; return 1; }
		# Ctrl-C: the terminal signals the process group; SIGKILL: cob-sweep alone
		if [ "$sig" = INT ]; then kill -INT -- -"$pid"; else kill -KILL "$pid"; fi
		st=0
		wait "$pid" || st=$?
		cat "$BATS_TEST_TMPDIR/log-$sig"
		if [ "$sig" = INT ]; then [ "$st" -eq 130 ]; else [ "$st" -eq 137 ]; fi
		restored "$before"
		# a SIGKILLed sweep's children die with it: zombies until init reaps them
		for _ in $(seq 50); do pgrep -s "$SESSION" >/dev/null || break; sleep 0.1; done
		session_empty "$SESSION"
		[ -z "$(ls -A "$WORK")" ]
		# Ctrl-C removes the partial results; after SIGKILL they stay for --resume
		if [ "$sig" = INT ]; then [ ! -e "$BATS_TEST_TMPDIR/leak" ]; else rm -rf "$BATS_TEST_TMPDIR/leak"; fi
	done
}
