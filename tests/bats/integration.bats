#!/usr/bin/env bats
# End to end on this host through the real BPF programs (tp-read): sweeps,
# filter-reduce against the user-space reference, and cleanup after success,
# Ctrl-C and SIGKILL.

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	./run.sh help >/dev/null
}

load common
load leaks

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	BIN=build/bin
	export COB_RESULTS="$BATS_TEST_TMPDIR/results"
	mounts_before=$(our_mounts)
	base=$(max_prog_id)
	SESSION=
}

# a test that fails before its sweep ends leaves no sweep running
teardown() {
	if [ -n "$SESSION" ]; then kill -KILL -- -"$SESSION" 2>/dev/null || true; fi
}


# The mount table, less the tracefs the kernel automounts inside debugfs the
# first time anything (libbpf) looks at /sys/kernel/debug/tracing: that one is
# the kernel's, not a mount of ours, and goes away with debugfs.
our_mounts() {
	grep -v ' /sys/kernel/debug/tracing tracefs ' /proc/mounts | sort
}

# Mounts that run.sh itself made are gone again; anything else is unchanged.
mounts_restored() {
	diff <(echo "$mounts_before") <(our_mounts)
}

@test "quick iterations sweep: every read matches, all result files, graphs" {
	out="$BATS_TEST_TMPDIR/r"
	run in_session "$BATS_TEST_TMPDIR/sid" ./run.sh sweep iterations --quick --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[ 1/"* ]]
	for f in reads.csv summary.csv iostat.csv meta.json; do [ -s "$out/$f" ]; done
	head -1 "$out/reads.csv" | tr , '\n' > "$BATS_TEST_TMPDIR/cols"
	for c in experiment backend kernel where storage file_kind cache buf_size iterations rep iter ret lat_ns hook_ts_ns bpf_sum user_sum match; do
		grep -qx "$c" "$BATS_TEST_TMPDIR/cols" || { echo "missing column $c"; return 1; }
	done
	rows=$(column match "$out/reads.csv" | wc -l)
	[ "$rows" -gt 100 ]
	[ "$(column match "$out/reads.csv" | grep -cvx 1)" -eq 0 ]
	[ "$(column where "$out/reads.csv" | sort -u)" = host ]
	[ "$(column backend "$out/reads.csv" | sort -u)" = tp-read ]
	# the BPF sums are real: they equal the reference and are not all zero
	[ "$(column bpf_sum "$out/reads.csv" | sort -u | wc -l)" -gt 1 ]
	jq -e '.kernel and .where == "host"' "$out/meta.json" >/dev/null
	[ "$(find "$out" -name '*.png' | wc -l)" -ge 2 ]
	# every graph also as SVG (common.gp's svg_copy: the reproduce page links it)
	for png in "$out"/*.png; do head -c 100 "${png%.png}.svg" | grep -q '<svg\|<?xml'; done
	session_empty "$(cat "$BATS_TEST_TMPDIR/sid")"
	no_orphan_progs "$base"
	mounts_restored
}

@test "sweep results land in results/DATE-NAME with results/latest pointing there" {
	run ./run.sh sweep "$BATS_TEST_DIRNAME/../fixtures/tiny.conf"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -L "$COB_RESULTS/latest" ]
	[ -s "$COB_RESULTS/latest/reads.csv" ]
	[ "$(find "$COB_RESULTS" -maxdepth 1 -name '.partial*' | wc -l)" -eq 0 ]
}

# hooked_progs SID: the BPF programs a cob-hook of session SID holds, waiting
# (up to 10 s) for one that has attached; prints them, one id per line
hooked_progs() {
	local h ids
	for _ in $(seq 200); do
		for h in $(pgrep -s "$1" -x cob-hook); do
			ids=$(attached_progs "$h")
			[ -n "$ids" ] && { echo "$ids"; return 0; }
		done
		sleep 0.05
	done
	echo "no cob-hook of session $1 ever held a BPF program"
	return 1
}

# sweep_in_session DIR: ./run.sh sweep iterations --out DIR as a session
# leader in the background, once its hook is attached at run 3: sets log,
# pid, SESSION and progs (the attached hook's BPF program ids).
sweep_in_session() {
	log="$BATS_TEST_TMPDIR/log"
	setsid ./run.sh sweep iterations --out "$1" >"$log" 2>&1 3>&- &
	pid=$!
	SESSION=$pid
	# run 3 done (its progress line) means run 4's hook is attaching or
	# attached; a loaded host takes many seconds a run, so wait for the line
	# (or run.sh's end), with a bound only against a hang
	for _ in $(seq 1500); do grep -q '\[ *3/' "$log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	grep -q '\[ *3/' "$log"
	progs=$(hooked_progs "$pid")
	[ "$(wc -l <<<"$progs")" -ge 2 ]
}

@test "Ctrl-C in the middle of a sweep: exit 130, nothing left behind" {
	# interrupted while a hook is attached (its programs are known)
	sweep_in_session "$BATS_TEST_TMPDIR/int"
	kill -INT -- -"$pid"
	wait "$pid" || st=$?
	cat "$log"
	echo "programs of the interrupted hook: $(paste -sd' ' <<<"$progs")"
	[ "${st:-0}" -eq 130 ]
	[ ! -e "$BATS_TEST_TMPDIR/int" ]
	[ "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.partial*' | wc -l)" -eq 0 ]
	# setsid made run.sh a session leader: whatever it started is in its session
	session_empty "$pid"
	# shellcheck disable=SC2086 # one id per word
	progs_gone $progs
	no_orphan_progs "$base"
	mounts_restored
}

# SIGTERM to run.sh alone (as kill(1), timeout(1) or a service manager sends
# it), not to its process group: the outcome only, however run.sh passes it on.
@test "SIGTERM to run.sh in the middle of a sweep: exits promptly, non-zero, nothing left behind" {
	sweep_in_session "$BATS_TEST_TMPDIR/term"
	t0=$(date +%s%N)
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	cat "$log"
	echo "exit status $st after $ms ms; programs of the hook: $(paste -sd' ' <<<"$progs")"
	# 143 (SIGTERM) or 130 (reported as an interruption)
	[ "$st" -eq 143 ] || [ "$st" -eq 130 ]
	[ "$ms" -lt 10000 ]
	[ ! -e "$BATS_TEST_TMPDIR/term" ]
	[ "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.partial*' | wc -l)" -eq 0 ]
	session_empty "$pid"
	# shellcheck disable=SC2086 # one id per word
	progs_gone $progs
	no_orphan_progs "$base"
	mounts_restored
}

@test "filter-reduce equals the reference for 1 B, 7 B, 4 KiB, 4 KiB+1, 1 MiB reads and straddling numbers" {
	f="$BATS_TEST_TMPDIR/known7"
	r="$BATS_TEST_TMPDIR/random"
	"$BIN"/cob-mkfile --kind known --width 7 --size 3M --out "$f"   # 7-byte records straddle every buffer and page
	"$BIN"/cob-mkfile --kind random --size 3M --out "$r"
	for file in "$f" "$r"; do
		for buf in 1 7 4096 4097 1M; do
			for repo in seek sequential; do
				"$BIN"/cob-hook run --backend tp-read --csv "$BATS_TEST_TMPDIR/o.csv" -- \
					"$BIN"/cob-read --file "$file" --buf "$buf" --iterations 40 --reposition "$repo" --threshold 1000
				n=$(column match "$BATS_TEST_TMPDIR/o.csv" | grep -cx 1)
				[ "$n" -eq 40 ] || { echo "$file buf=$buf $repo: $n/40 match"; return 1; }
				[ "$(column status "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = ok ]
			done
		done
	done
}

# The hook must act only on its own workload: another process reading the same
# file at the same time gets exact bytes and no events. The overlap is shown,
# not assumed: the other reader's reads must surround ours and many of them
# must fall inside our hooked run (else it is retried with a longer reader).
@test "a reader in another process is not traced" {
	f="$BATS_TEST_TMPDIR/k"
	"$BIN"/cob-mkfile --kind known --size 64K --out "$f"
	n=5000 other_n=25000 inside=0
	# cob-hook takes seconds to load and attach on a busy host (36 s seen with
	# the load average at 12 on 2 cores), and cob-read reads 4 KiB in about
	# 1 us: the other reader is paced (a read every >= 100 us, so its span in
	# time does not shrink with a faster CPU) and grows until it spans ours
	for attempt in 1 2 3 4; do
		"$BIN"/cob-read --file "$f" --buf 4K --iterations "$other_n" --interval-us 100 >"$BATS_TEST_TMPDIR/other.csv" 3>&- &
		other=$!
		sleep 0.2
		"$BIN"/cob-hook run --backend tp-read --csv "$BATS_TEST_TMPDIR/o.csv" -- \
			"$BIN"/cob-read --file "$f" --buf 4K --iterations "$n" 2>"$BATS_TEST_TMPDIR/hook.err"
		wait "$other"
		cat "$BATS_TEST_TMPDIR/hook.err"
		# our hooked reads ran within [first, last]; the other reader's reads in there
		first=$(column t_start_ns "$BATS_TEST_TMPDIR/o.csv" | head -1)
		last=$(column t_end_ns "$BATS_TEST_TMPDIR/o.csv" | tail -1)
		ofirst=$(column t_start_ns "$BATS_TEST_TMPDIR/other.csv" | head -1)
		olast=$(column t_end_ns "$BATS_TEST_TMPDIR/other.csv" | tail -1)
		inside=$(column t_start_ns "$BATS_TEST_TMPDIR/other.csv" | awk -v a="$first" -v b="$last" '$1 >= a && $1 <= b' | wc -l)
		echo "attempt $attempt: ours $first..$last, other $ofirst..$olast, $inside of its reads inside ours"
		[ "$ofirst" -lt "$first" ] && [ "$olast" -gt "$last" ] && [ "$inside" -ge 100 ] && break
		other_n=$((other_n * 4))
	done
	[ "$ofirst" -lt "$first" ]
	[ "$olast" -gt "$last" ]
	[ "$inside" -ge 100 ]
	# ours: every read hooked once and matching, and not one event more
	[ "$(column match "$BATS_TEST_TMPDIR/o.csv" | grep -cx 1)" -eq "$n" ]
	[ "$(column status "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = ok ]
	[ "$(column calls "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = 1 ]
	grep -q "^cob-hook: tp-read observe: $n reads, $n events, $n ok, $n match$" "$BATS_TEST_TMPDIR/hook.err"
	# when the hook was armed, on the reads' clock: before the first hooked read
	read -r a0 a1 < <(sed -n 's/^cob-hook: tp-read attached between \([0-9]*\) and \([0-9]*\) ns (CLOCK_MONOTONIC)$/\1 \2/p' \
		"$BATS_TEST_TMPDIR/hook.err")
	echo "attached $a0..$a1, first read $first"
	[ "$a0" -le "$a1" ] && [ "$a1" -lt "$first" ]
	# the other reader: every read returned exactly the file's bytes
	[ "$(column bytes_match "$BATS_TEST_TMPDIR/other.csv" | grep -cx 1)" -eq "$other_n" ]
	[ "$(column ret "$BATS_TEST_TMPDIR/other.csv" | sort -u)" = 4096 ]
	[ "$(column errno "$BATS_TEST_TMPDIR/other.csv" | sort -u)" = 0 ]
}

@test "SIGKILL of the loader: its programs are gone" {
	f="$BATS_TEST_TMPDIR/k"
	"$BIN"/cob-mkfile --kind known --size 64K --out "$f"
	"$BIN"/cob-hook run --backend tp-read --csv "$BATS_TEST_TMPDIR/o.csv" -- \
		"$BIN"/cob-read --file "$f" --buf 64K --iterations 1000000 2>/dev/null 3>&- &
	pid=$!
	# the loader holds its programs and links; the workload runs under it
	progs=
	for _ in $(seq 100); do progs=$(attached_progs "$pid") && [ -n "$progs" ] && break; sleep 0.1; done
	echo "programs: $(paste -sd' ' <<<"$progs")"
	[ "$(wc -l <<<"$progs")" -ge 2 ]
	for id in $progs; do
		[[ "$(bpftool prog show id "$id" --json | jq -r .name)" == cob_tp_e* ]]
	done
	workload=$(pgrep -P "$pid" -x cob-read)
	[ -n "$workload" ]
	kill -KILL "$pid"
	wait "$pid" || true
	# shellcheck disable=SC2086 # one id per word
	progs_gone $progs
	gone "$workload"
	no_orphan_progs "$base"
}

# median_kernel_ns CSV COLUMN VALUE: median time the kernel took to do the
# read (sys_enter_read to the hook at sys_exit_read, before the hook's own
# work) over the rows whose COLUMN is VALUE
median_kernel_ns() {
	awk -F, -v name="$2" -v val="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i
		if (!h[name] || !h["enter_ts_ns"] || !h["hook_ts_ns"]) exit 3; next }
		$h[name] == val { print $h["hook_ts_ns"] - $h["enter_ts_ns"] }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (!NR) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# sweep_conf FILE SWEEP-LINES...: a small experiment through the real pipeline
sweep_conf() {
	local f=$1
	shift
	{
		printf '[experiment]\nname = t\nhook = tp-read\nmode = observe\n[sweep]\n'
		printf 'buf_size = 64K\nfile_kind = known\niterations = 40\nrepetitions = 1\n'
		printf '%s\n' "$@"
	} >"$f"
}

@test "cache = dontneed: every read comes from the disk, not the page cache" {
	sweep_conf "$BATS_TEST_TMPDIR/c.conf" "cache = none,dontneed"
	run ./run.sh sweep "$BATS_TEST_TMPDIR/c.conf" --out "$BATS_TEST_TMPDIR/c"
	echo "$output"
	[ "$status" -eq 0 ]
	csv=$BATS_TEST_TMPDIR/c/reads.csv
	[ "$(column cache "$csv" | sort | uniq -c | awk '{ print $2 "=" $1 }' | paste -sd' ')" = "dontneed=40 none=40" ]
	[ "$(column status "$csv" | sort -u)" = ok ]
	[ "$(column match "$csv" | sort -u)" = 1 ]
	# a 64 KiB read from the page cache takes microseconds, from the disk far
	# longer: fadvise(DONTNEED) before each read must show
	none=$(median_kernel_ns "$csv" cache none)
	dontneed=$(median_kernel_ns "$csv" cache dontneed)
	echo "median read in the kernel: cached $none ns, after DONTNEED $dontneed ns"
	awk -v a="$none" -v b="$dontneed" 'BEGIN { exit !(a > 0 && b >= 4 * a) }'
}

# Every access method of cob-read reads the file's bytes through a syscall the
# hook must see: through the real pipeline, each read is hooked once and matches.
@test "access = pread, readv: hooked and matching through tp-read, like read" {
	sweep_conf "$BATS_TEST_TMPDIR/a.conf" "access = read,pread,readv" "cache = none"
	run ./run.sh sweep "$BATS_TEST_TMPDIR/a.conf" --out "$BATS_TEST_TMPDIR/a"
	echo "$output"
	[ "$status" -eq 0 ]
	csv=$BATS_TEST_TMPDIR/a/reads.csv
	for a in read pread readv; do
		got=$(awk -F, -v a="$a" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			$h["access"] == a { print $h["status"], $h["match"], $h["calls"], $h["ret"] }' "$csv" | sort | uniq -c)
		echo "$a: $got"
		[ "$(awk '{ print $1 }' <<<"$got")" = 40 ] || { echo "access=$a: not 40 hooked, matching reads"; return 1; }
		[ "$(awk '{ print $2, $3, $4, $5 }' <<<"$got")" = "ok 1 1 65536" ] || { echo "access=$a: not all ok"; return 1; }
	done
}

# observe mode: a read that does not return what the file holds is bad_ret,
# end to end (/proc/version: a regular file that stat says is empty, while
# read() returns the kernel's banner); a copy of it, read the same way, is ok
@test "observe: a read that does not return the file's bytes is bad_ret, through tp-read" {
	cp /proc/version "$BATS_TEST_TMPDIR/version"
	len=$(wc -c <"$BATS_TEST_TMPDIR/version")
	[ "$(stat -c %s /proc/version)" -eq 0 ]
	for f in /proc/version "$BATS_TEST_TMPDIR/version"; do
		"$BIN"/cob-hook run --backend tp-read --csv "$BATS_TEST_TMPDIR/o.csv" -- \
			"$BIN"/cob-read --file "$f" --buf 4K --iterations 5
		cat "$BATS_TEST_TMPDIR/o.csv"
		# every read hooked, over the bytes it returned
		[ "$(column calls "$BATS_TEST_TMPDIR/o.csv" | paste -sd' ')" = "1 1 1 1 1" ]
		[ "$(column bytes_seen "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = "$len" ]
		[ "$(column ret "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = "$len" ]
		if [ "$f" = /proc/version ]; then
			# the reference is the 0 bytes stat promised: wrong length, and the
			# hook's result (over the banner's numbers) is not the reference's
			[ "$(column status "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = bad_ret ]
			[ "$(column match "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = 0 ]
			[ "$(column user_count "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = 0 ]
		else
			[ "$(column status "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = ok ]
			[ "$(column match "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = 1 ]
		fi
	done
}

# The sweep engine's tests run on the test double tests/fixtures/fakebin/cob-hook:
# it must write what the real cob-hook writes.
@test "the cob-hook test double writes the real cob-hook's columns and row shape" {
	f="$BATS_TEST_TMPDIR/k"
	"$BIN"/cob-mkfile --kind known --size 8K --out "$f"
	args=(run --backend tp-read --mode observe --function filter-reduce --threshold 7 --where host
		--label experiment=t --label file_kind=known)
	work=("$BIN"/cob-read --file "$f" --buf 4096 --iterations 3 --threshold 7)
	"$BIN"/cob-hook "${args[@]}" --csv "$BATS_TEST_TMPDIR/real.csv" -- "${work[@]}"
	tests/fixtures/fakebin/cob-hook "${args[@]}" --csv "$BATS_TEST_TMPDIR/fake.csv" -- "${work[@]}"
	head -1 "$BATS_TEST_TMPDIR/real.csv"
	diff <(head -1 "$BATS_TEST_TMPDIR/real.csv") <(head -1 "$BATS_TEST_TMPDIR/fake.csv")
	for c in real fake; do
		[ "$(wc -l <"$BATS_TEST_TMPDIR/$c.csv")" -eq 4 ]
		[ -z "$(awk -F, 'NR == 1 { n = NF } NF != n' "$BATS_TEST_TMPDIR/$c.csv")" ]
	done
	# the same values wherever they do not depend on timing or data
	for col in experiment file_kind backend mode function kernel where buf_size iterations threshold \
		iter offset ret calls flags bytes_seen status match; do
		diff <(column "$col" "$BATS_TEST_TMPDIR/real.csv") <(column "$col" "$BATS_TEST_TMPDIR/fake.csv") ||
			{ echo "column $col differs"; return 1; }
	done
}

@test "cob-hook: bad usage is exit 2, an unusable backend exit 3" {
	run "$BIN"/cob-hook run --mode sideways -- true
	[ "$status" -eq 2 ]
	run "$BIN"/cob-hook run --backend nosuch -- "$BIN"/cob-read --file /etc/hostname --buf 1 --iterations 1
	[ "$status" -eq 2 ]
	run "$BIN"/cob-hook can --backend tp-read --mode override
	[ "$status" -eq 3 ]
	[[ "$output" == *"cannot override"* ]]
}

# The one access method a backend cannot handle is refused before anything is
# loaded, with the reason (README: which backend sees which access method).
@test "cob-hook: fmodret-permission cannot override a readv: exit 3 with why; an unknown access method exit 2" {
	run $BIN/cob-hook can --backend fmodret-permission --mode override --access readv
	echo "$output"
	[ "$status" -eq 3 ]
	[[ "$output" == *"fmodret-permission: cannot override access readv: "*"do_iter_read"* ]]
	f="$BATS_TEST_TMPDIR/k"
	$BIN/cob-mkfile --kind known --size 4K --out "$f"
	run $BIN/cob-hook run --backend fmodret-permission --mode override -- $BIN/cob-read --file "$f" --buf 4K --iterations 1 --access readv
	[ "$status" -eq 3 ]
	[[ "$output" == *"cannot override access readv"* ]]
	run $BIN/cob-hook run --backend tp-read -- $BIN/cob-read --file "$f" --access mmap
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown access method mmap"* ]]
}
