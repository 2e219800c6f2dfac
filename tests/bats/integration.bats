#!/usr/bin/env bats
# End to end on this host through the real BPF programs (tp-read): sweeps,
# filter-reduce against the user-space reference, and cleanup after success,
# Ctrl-C and SIGKILL.

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.."
	./run.sh help >/dev/null
}

load common

setup() {
	cd "$BATS_TEST_DIRNAME/../.."
	BIN=build/bin
	export COB_RESULTS="$BATS_TEST_TMPDIR/results"
	mounts_before=$(our_mounts)
}

our_programs() {
	bpftool prog show 2>/dev/null | grep -c ' name cob_' || true
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
	run ./run.sh sweep iterations --quick --out "$out"
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
	[ "$(our_programs)" -eq 0 ]
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

@test "Ctrl-C in the middle of a sweep: exit 130, nothing left behind" {
	log="$BATS_TEST_TMPDIR/log"
	setsid ./run.sh sweep iterations --out "$BATS_TEST_TMPDIR/int" >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q '\[ *3/' "$log" && break; sleep 0.2; done
	grep -q '\[ *3/' "$log"
	kill -INT -- -"$pid"
	wait "$pid" || st=$?
	cat "$log"
	[ "${st:-0}" -eq 130 ]
	[ ! -e "$BATS_TEST_TMPDIR/int" ]
	[ "$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name '.partial*' | wc -l)" -eq 0 ]
	sleep 0.5
	[ "$(our_programs)" -eq 0 ]
	mounts_restored
	! pgrep -f "cob-read --file /var/tmp/copyout-bench" >/dev/null
}

@test "filter-reduce equals the reference for 1 B, 7 B, 4 KiB, 4 KiB+1, 1 MiB reads and straddling numbers" {
	f="$BATS_TEST_TMPDIR/known7"
	r="$BATS_TEST_TMPDIR/random"
	$BIN/cob-mkfile --kind known --width 7 --size 3M --out "$f"   # 7-byte records straddle every buffer and page
	$BIN/cob-mkfile --kind random --size 3M --out "$r"
	for file in "$f" "$r"; do
		for buf in 1 7 4096 4097 1M; do
			for repo in seek sequential; do
				$BIN/cob-hook run --backend tp-read --csv "$BATS_TEST_TMPDIR/o.csv" -- \
					$BIN/cob-read --file "$file" --buf "$buf" --iterations 40 --reposition "$repo" --threshold 1000
				n=$(column match "$BATS_TEST_TMPDIR/o.csv" | grep -cx 1)
				[ "$n" -eq 40 ] || { echo "$file buf=$buf $repo: $n/40 match"; return 1; }
				[ "$(column status "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = ok ]
			done
		done
	done
}

@test "a reader in another process is not traced" {
	f="$BATS_TEST_TMPDIR/k"
	$BIN/cob-mkfile --kind known --size 64K --out "$f"
	$BIN/cob-read --file "$f" --buf 4K --iterations 20000 > "$BATS_TEST_TMPDIR/other.csv" &
	other=$!
	$BIN/cob-hook run --backend tp-read --csv "$BATS_TEST_TMPDIR/o.csv" -- \
		$BIN/cob-read --file "$f" --buf 4K --iterations 2000
	wait "$other"
	[ "$(column match "$BATS_TEST_TMPDIR/o.csv" | grep -cx 1)" -eq 2000 ]
	# exactly one event per read of ours: the other reader's reads were not counted
	[ "$(column calls "$BATS_TEST_TMPDIR/o.csv" | sort -u)" = 1 ]
	[ "$(column bytes_match "$BATS_TEST_TMPDIR/other.csv" | grep -cx 1)" -eq 20000 ]
}

@test "SIGKILL of the loader: its programs are gone" {
	f="$BATS_TEST_TMPDIR/k"
	$BIN/cob-mkfile --kind known --size 64K --out "$f"
	$BIN/cob-hook run --backend tp-read --csv "$BATS_TEST_TMPDIR/o.csv" -- \
		$BIN/cob-read --file "$f" --buf 64K --iterations 1000000 2>/dev/null &
	pid=$!
	for _ in $(seq 50); do [ "$(our_programs)" -gt 0 ] && break; sleep 0.1; done
	[ "$(our_programs)" -gt 0 ]
	kill -KILL "$pid"
	wait "$pid" || true
	for _ in $(seq 50); do [ "$(our_programs)" -eq 0 ] && break; sleep 0.1; done
	[ "$(our_programs)" -eq 0 ]
	! pgrep -f "cob-read --file $f" >/dev/null
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

@test "cob-hook: bad usage is exit 2, an unusable backend exit 3" {
	run $BIN/cob-hook run --mode sideways -- true
	[ "$status" -eq 2 ]
	run $BIN/cob-hook run --backend nosuch -- $BIN/cob-read --file /etc/hostname --buf 1 --iterations 1
	[ "$status" -eq 2 ]
	run $BIN/cob-hook can --backend tp-read --mode override
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
