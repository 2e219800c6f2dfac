#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154,SC2016 # bats: run sets output/status; sh -c scripts in single quotes
# The access methods, cache hints and the workload benchmark for real on
# this host: cob-read with each new method against read(2) on the same file,
# what the CSV says of mmap reads under a real hook (tp-read), O_DIRECT
# refused in one line, the E5/E6/E10 quick sweeps, and `./run.sh bench
# workload` (ratios computed, CSV well-formed; its figures are not asserted:
# timings on a shared host would make the test flaky). Needs root.

load common

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	BIN=$PWD/build/bin
	for p in cob-read cob-mkfile cob-hook cob-bare-read; do
		[ -x "$BIN/$p" ] || { echo "$p not built (run make)"; return 1; }
	done
	[ "$(id -u)" = 0 ] || { echo "needs root"; return 1; }
	unset COB_WHERE
	# a disk filesystem: tmpfs cannot evict, and the hints must
	DATA=$(mktemp -d /var/tmp/cob-workloads-bats.XXXXXX)
	"$BIN/cob-mkfile" --kind known --size 300K --out "$DATA/f"
}

teardown() {
	rm -rf "$DATA"
}

# cob-read's CSV of N reads of BUF bytes (default 4K) walking the file with ACCESS and CACHE
walk() {
	"$BIN/cob-read" --file "$DATA/f" --buf "${4:-4K}" --iterations "${3:-80}" --reposition sequential \
		--access "$1" --cache "$2"
}

# the columns that say what a read delivered (not when)
delivered() {
	cut -d, -f1-4,9-14
}

@test "every new access method delivers what read(2) delivers, byte for byte" {
	# 3000 bytes: reads that start and end inside pages (O_DIRECT cannot)
	for buf in 4K 3000; do
		walk read none 80 "$buf" | delivered >"$BATS_TEST_TMPDIR/read"
		[ "$(column bytes_match <(walk read none 80 "$buf") | sort -u)" = 1 ]
		for a in mmap-shared mmap-private direct pread readv; do
			[ "$a,$buf" != direct,3000 ] || continue
			run walk "$a" none 80 "$buf"
			[ "$status" -eq 0 ]
			echo "$a, buf $buf"
			diff "$BATS_TEST_TMPDIR/read" <(delivered <<<"$output")
		done
	done
}

@test "every cache hint runs before each read and the reads stay exact" {
	for c in fsync-dontneed readahead fadvise-willneed madvise-willneed fadvise-sequential fadvise-random; do
		for a in read mmap-shared; do
			run walk "$a" "$c" 20
			echo "$a $c: $output" | tail -2
			[ "$status" -eq 0 ]
			[ "$(column bytes_match <(echo "$output") | sort -u)" = 1 ]
			[ "$(column bytes_match <(echo "$output") | wc -l)" -eq 20 ]
		done
	done
}

@test "--interval-us paces the reads: gaps of at least N us, untimed; bad values are one line, exit 2" {
	# 6 reads 50 ms apart: every start is >= 50 ms after the previous one,
	# and the sleeps are outside the timed interval (the 6 warm 4 KiB reads
	# take far less than the 250 ms slept)
	run "$BIN/cob-read" --file "$DATA/f" --buf 4K --iterations 6 --interval-us 50000
	[ "$status" -eq 0 ]
	echo "$output"
	[ "$(column bytes_match <(echo "$output") | sort -u)" = 1 ]
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ t = $c["t_start_ns"]; if (NR > 2 && t - p < 50000000) bad++; p = t; lat += $c["lat_ns"]; n++ }
		END { print n, bad + 0, lat; exit !(n == 6 && bad == 0 && lat < 250000000) }' <<<"$output"
	# back to back by default: the same 6 reads take less than one pause
	run "$BIN/cob-read" --file "$DATA/f" --buf 4K --iterations 6
	[ "$status" -eq 0 ]
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 { t0 = $c["t_start_ns"] }
		{ t = $c["t_end_ns"] } END { print t - t0; exit !(t - t0 < 50000000) }' <<<"$output"
	for bad in 1K -1 x 10000001 ''; do
		run "$BIN/cob-read" --file "$DATA/f" --buf 4K --iterations 2 --interval-us "$bad"
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == "cob-read: --interval-us must be a number of microseconds"* ]]
	done
}

@test "mmap reads carry their page faults, syscall reads leave the columns empty" {
	run walk mmap-private fsync-dontneed 10
	[ "$status" -eq 0 ]
	# evicted before every read: each read faults its page in from the disk
	[ "$(column majflt <(echo "$output") | grep -c '^[1-9]')" -eq 10 ]
	run walk read none 10
	[ "$(column minflt <(echo "$output") | sort -u)" = "" ]
}

# cob-hook run with tracefs mounted in a private mount namespace (as run.sh)
hooked() {
	unshare -m --propagation private sh -c \
		'mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing; exec "$@"' sh \
		"$BIN/cob-hook" run --backend tp-read --csv "$BATS_TEST_TMPDIR/hook.csv" -- \
		"$BIN/cob-read" --file "$DATA/f" --buf 4K --iterations 12 --reposition sequential "$@"
}

@test "under a real hook, mmap rows say no_syscall and claim no hook result" {
	run hooked --access read
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(column status "$BATS_TEST_TMPDIR/hook.csv" | sort -u)" = ok ]
	[ "$(column match "$BATS_TEST_TMPDIR/hook.csv" | sort -u)" = 1 ]
	for a in mmap-shared mmap-private; do
		run hooked --access "$a"
		echo "$a: $output"
		[ "$status" -eq 0 ]
		[[ "$output" == *"12 reads, 0 events, 0 ok, 0 match"* ]]
		csv=$BATS_TEST_TMPDIR/hook.csv
		[ "$(column status "$csv" | sort -u)" = no_syscall ]
		[ "$(column match "$csv" | sort -u)" = 0 ]
		for c in enter_ts_ns hook_ts_ns exit_ts_ns calls flags bytes_seen bpf_count bpf_sum; do
			[ -z "$(column "$c" "$csv" | sort -u)" ] || { echo "$a: column $c claims a hook result"; return 1; }
		done
		[ "$(column user_sum "$csv" | sort -u | wc -l)" -gt 1 ] # the reference is still computed
		[ "$(column minflt "$csv" | grep -c '^[0-9]')" -eq 12 ]
	done
}

@test "direct where the filesystem refuses O_DIRECT: one line, exit 2, no read" {
	run unshare -m --propagation private sh -c '
		mount -t ramfs none "$1" && "$2/cob-mkfile" --kind known --size 8K --out "$1/f" &&
		exec "$2/cob-read" --file "$1/f" --buf 4K --iterations 2 --access direct' sh "$BATS_TEST_TMPDIR" "$BIN"
	echo "$output"
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "cob-read: --access direct: "*"refuses it (Invalid argument)" ]]
	# and a buffer size the device cannot do directly
	run "$BIN/cob-read" --file "$DATA/f" --buf 100 --iterations 2 --access direct
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"multiple of the device's logical block size"* ]]
}

@test "E5, E6, E10 quick sweeps run on this host and say what they measured" {
	export COB_RESULTS=$BATS_TEST_TMPDIR/results
	for e in readahead mmap bigread; do
		run ./run.sh sweep "$e" --quick --out "$BATS_TEST_TMPDIR/$e"
		echo "$e: ${output##*$'\n'}"
		[ "$status" -eq 0 ]
		[ -s "$BATS_TEST_TMPDIR/$e/reads.csv" ] && [ -s "$BATS_TEST_TMPDIR/$e/summary.csv" ]
	done
	reads=$BATS_TEST_TMPDIR/mmap/reads.csv
	# mmap rows: no_syscall; the syscall methods: ok, every one
	got=$(paste -d' ' <(column access "$reads") <(column status "$reads") | sort -u)
	[ "$got" = "$(printf '%s\n' 'direct ok' 'mmap-private no_syscall' 'mmap-shared no_syscall' 'pread ok' 'read ok')" ]
	[ "$(column cache "$BATS_TEST_TMPDIR/readahead/reads.csv" | sort -u | wc -l)" -eq 8 ]
	[ "$(column match "$BATS_TEST_TMPDIR/readahead/reads.csv" | sort -u)" = 1 ]
	# E10: one read of the whole file per run
	[ "$(paste -d, <(column ret "$BATS_TEST_TMPDIR/bigread/reads.csv") <(column buf_size "$BATS_TEST_TMPDIR/bigread/reads.csv") |
		awk -F, '$1 != $2' | wc -l)" -eq 0 ]
}

@test "bench workload: a table with both ratios and a well-formed CSV" {
	out=$BATS_TEST_TMPDIR/bench
	run ./run.sh bench workload --reads 2000 --reps 2 --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" =~ "cob-read / bare loop: "[0-9]+\.[0-9]{3}" of the bare loop's speed" ]]
	[[ "$output" =~ "cob-read vs fio psync: "[0-9]+\.[0-9]{3}" x fio's speed" ]]
	csv=$out/workload.csv
	[ "$(head -1 "$csv")" = "experiment,tool,access,file_size,buf_size,reads,rep,median_ns,speed_vs_bare,clock,kernel,where,cpu,cpu_model,git_rev,date" ]
	# 3 programs x (2 repetitions + their median + the paired ratio), every row as wide as the header
	[ "$(tail -n +2 "$csv" | wc -l)" -eq 12 ]
	[ "$(awk -F, '{ print NF }' "$csv" | sort -u)" = 16 ]
	[ "$(column tool "$csv" | sort -u | paste -sd' ')" = "bare cob-read fio" ]
	[ "$(column rep "$csv" | sort | uniq -c | awk '{ print $1 "x" $2 }' | paste -sd' ')" = "3x1 3x2 3xmedian 3xpaired" ]
	# the medians are numbers of nanoseconds, the ratios follow from them
	column median_ns "$csv" | grep -qvE '^[0-9]+(\.[0-9]+)?$' && return 1
	awk -F, 'NR > 1 && $2 == "bare" && $9 != "1.000" { exit 1 }' "$csv"
	# the paired row is the median of the per-repetition ratios (2 here: their
	# mean, to the rounding of 3 decimals)
	awk -F, '$2 == "cob-read" && $7 ~ /^[0-9]+$/ { s += $9; n++ } $2 == "cob-read" && $7 == "paired" { p = $9; seen = 1 }
		END { d = s / n - p; exit !(seen && d < 0.0011 && d > -0.0011) }' "$csv"
	[ "$(column kernel "$csv" | sort -u)" = "$(uname -r)" ]
	[ "$(column where "$csv" | sort -u)" = host ]
	[ -z "$(find "$out" -name '*.tmp*')" ]
	[ -z "$(find /var/tmp -maxdepth 1 -name 'cob-bench-workload.*' -newer "$DATA/f")" ]
}

@test "bench: bad usage is one line and exit 2" {
	run ./run.sh bench
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	run ./run.sh bench nosuch
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown benchmark 'nosuch'"* ]]
	run ./run.sh bench workload --reps 0 --out "$BATS_TEST_TMPDIR/x"
	[ "$status" -eq 2 ]
	[[ "${lines[-1]}" == *"--reps must be a positive number"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/x/workload.csv" ]
	run ./run.sh bench workload --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: ./run.sh bench workload"* ]]
}

@test "bench workload interrupted: exit 143, no CSV, no directory, no work files" {
	out=$BATS_TEST_TMPDIR/killed
	./run.sh bench workload --reads 200000 --reps 5 --out "$out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for _ in $(seq 100); do grep -q 'median ns/read' "$BATS_TEST_TMPDIR/err" && break; sleep 0.2; done
	grep -q 'median ns/read' "$BATS_TEST_TMPDIR/err" # inside the measurement
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	cat "$BATS_TEST_TMPDIR/err"
	[ "$st" -eq 143 ]
	[ ! -e "$out" ]
	[ -z "$(find /var/tmp -maxdepth 1 -name 'cob-bench-workload.*' -newer "$DATA/f")" ]
}
