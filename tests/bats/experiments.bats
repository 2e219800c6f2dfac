#!/usr/bin/env bats
# E5 readahead, E6 mmap, E10 bigread and E16 iostat: each quick config runs
# for real on this host (through run.sh: the real hook backend, monitors and
# graphs), and its CSVs are checked: reads and summary rows for every point,
# every monitor the config names either with a CSV (the sweep's provenance
# columns, rep and run in front; its runs those of reads.csv) or skipped with
# one line and named in meta.json, and every graph its plots script promises,
# as PNG and SVG.

load common
load leaks

setup_file() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	./run.sh help >/dev/null
}

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	export COB_RESULTS="$BATS_TEST_TMPDIR/results"
	mounts_before=$(grep -v ' /sys/kernel/debug/tracing tracefs ' /proc/mounts | sort)
}

# config KEY FILE: the value of KEY in a config (comment and spaces dropped)
config() {
	awk -v k="$1" '{ sub(/;.*/, "") } $1 == k && $2 == "=" { $1 = $2 = ""; gsub(/[ \t]/, ""); print; exit }' "$2"
}

# quick NAME GRAPH...: ./run.sh sweep NAME --quick, then the checks; GRAPH: the
# graphs (without extension) that must be there
quick() {
	local name=$1 out=$BATS_TEST_TMPDIR/$1 conf=configs/$1.conf m g runs
	shift
	run ./run.sh sweep "$name" --quick --out "$out"
	echo "$output"
	[ "$status" -eq 0 ]
	# a progress line per run with elapsed time
	grep -Eq '^\[ *1/[0-9]+\] .*: [0-9.]+ s, [0-9]+/[0-9]+ match, elapsed [0-9hms]+, (~[0-9hms]+ left|done)$' <<<"$output"
	[ "$(column experiment "$out/reads.csv" | sort -u)" = "$name" ]
	[ "$(jq -r .quick "$out/meta.json")" = true ]
	[ "$(jq -r .points "$out/meta.json")" -eq $(($(wc -l <"$out/summary.csv") - 1)) ]
	runs=$(column run "$out/reads.csv" | sort -n -u | tr '\n' ' ')
	[ "$runs" = "$(seq -s ' ' 1 "$(jq -r .runs "$out/meta.json")") " ]
	for m in $(config monitors "$conf" | tr , ' '); do
		if [ "$(jq -r --arg m "$m" '.monitors_skipped[$m] // empty' "$out/meta.json")" != "" ]; then
			# skipped: said once, why, and no CSV
			[ "$(grep -c "^cob-sweep: monitor $m skipped: $m: " <<<"$output")" -eq 1 ]
			[ ! -e "$out/$m.csv" ]
			continue
		fi
		jq -e --arg m "$m" '.monitors | index($m)' "$out/meta.json" >/dev/null
		[[ "$(head -1 "$out/$m.csv")" == experiment,where,kernel,*,cache,*,rep,run,"$(bench/monitors/"$m" --header)" ]]
		# every row names a run of reads.csv, and the monitors that report each run have all
		column run "$out/$m.csv" | sort -n -u | while read -r r; do [[ " $runs" == *" $r "* ]]; done
		case $m in vmstat | diskstats | iostat) [ "$(column run "$out/$m.csv" | sort -n -u | tr '\n' ' ')" = "$runs" ] ;; esac
	done
	for g in "$@"; do
		[ -s "$out/$g.png" ] && [ -s "$out/$g.svg" ] || { echo "no $g.png/.svg in $out"; return 1; }
		grep -q "$(uname -r)" "$out/$g.svg"
	done
	[ "$(grep -v ' /sys/kernel/debug/tracing tracefs ' /proc/mounts | sort)" = "$mounts_before" ]
}

@test "E5 readahead --quick: every hint, CSVs, monitors, graphs" {
	quick readahead readahead_success readahead_latency readahead_pgpgin
	[ "$(column cache "$BATS_TEST_TMPDIR/readahead/summary.csv" | sort -u | wc -l)" -eq 8 ]
}

@test "E6 mmap --quick: every access method, page faults only for mmap, graphs" {
	quick mmap mmap_latency mmap_faults
	local out=$BATS_TEST_TMPDIR/mmap
	[ "$(column access "$out/summary.csv" | sort -u | tr '\n' ' ')" = "direct mmap-private mmap-shared pread read " ]
	[ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["access"] ~ /^mmap/ && $c["minflt"] == "" { n++ } END { print n + 0 }' "$out/reads.csv")" -eq 0 ]
}

@test "E10 bigread --quick: one read per run of the whole file, graphs" {
	quick bigread bigread_latency bigread_success
	local out=$BATS_TEST_TMPDIR/bigread
	[ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["ret"] != $c["buf_size"] { n++ } END { print n + 0 }' "$out/reads.csv")" -eq 0 ]
}

@test "E16 iostat --quick: device monitors per run, graphs" {
	quick iostat iostat_over_time iostat_per_run
	local out=$BATS_TEST_TMPDIR/iostat
	# the cold run read the file from the device: its diskstats show sectors read
	[ "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["cache"] == "drop" && $c["sectors_read"] > 0 { n++ } END { print n + 0 }' "$out/diskstats.csv")" -ge 1 ]
}
