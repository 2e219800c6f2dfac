#!/usr/bin/env bash
# The workload's own cost (`./run.sh bench workload`): the same cached 4 KiB
# sequential read loop (pread64 walking a 1 MiB file, wrapping at its end)
# through three programs, in one run, on one CPU:
#   cob-read       the workload of every sweep, without a hook
#   cob-bare-read  the least a C program can do: pread in a loop
#   fio            --ioengine=psync (pread), --rw=read, the same file and size
# cob-read and cob-bare-read time each read with CLOCK_MONOTONIC right before
# and after it; fio is told to use the same clock (--clocksource=clock_gettime)
# and its completion latency (clat) is the same interval. The figure per
# program and repetition is the median per-read latency (fio's is from its
# latency histogram, within about 1.5 %); the repetitions run the three back
# to back so that they share the machine's state. The verdict is paired: per
# repetition, bare median / cob-read median (and fio's / cob-read's), and the
# median of those ratios. This host's speed changes on a scale of
# milliseconds (per-process medians of the same loop at ~650 or ~900 ns), so
# a ratio between two processes that ran seconds apart measures the host;
# many short repetitions, each a few milliseconds, pair runs that shared it.
# The ratio of the medians over all repetitions is printed too.
# Writes DIR/workload.csv (temporary file, then rename) and prints a table.
set -euo pipefail

PROG="run.sh bench workload"
ROOT=${COB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
BIN=${COB_BIN:-$ROOT/build/bin}

usage() {
	cat <<EOF
usage: ./run.sh bench workload [--reads N] [--reps N] [--cpu N] [--out DIR]
The workload's own cost: a cached 4 KiB sequential pread loop over a 1 MiB file through
cob-read (no hook), a bare C loop (cob-bare-read) and fio --ioengine=psync, timed the same
way (CLOCK_MONOTONIC per read; per-read median). Prints a table and the ratios
cob-read / bare (speed; the target is >= 0.95) and cob-read against fio (target > 1), each
the median of the per-repetition ratios (programs that ran back to back share the host's
state, which on a shared machine changes within milliseconds); the ratio of the medians too.
  --reads N   reads per program and repetition (default 3000: a few ms, see below)
  --reps N    repetitions, the three programs back to back in each (default 101)
  --cpu N     the CPU all three run on (default: the last one)
  --out DIR   where workload.csv goes (default \$COB_RESULTS or results/, DATE-workload)
EOF
}

reads=3000 reps=101 cpu=$(($(nproc) - 1)) out=""
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--reads | --reps | --cpu | --out) [ $# -ge 2 ] || usage_err "$1 needs a value" ;;&
	--reads) reads=$2; shift ;;
	--reps) reps=$2; shift ;;
	--cpu) cpu=$2; shift ;;
	--out) out=$2; shift ;;
	*) usage_err "unknown option $1" ;;
	esac
	shift
done
[[ $reads =~ ^[1-9][0-9]*$ ]] || usage_err "--reads must be a positive number: $reads"
[[ $reps =~ ^[1-9][0-9]*$ ]] || usage_err "--reps must be a positive number: $reps"
if ! [[ $cpu =~ ^[0-9]+$ ]] || ! taskset -c "$cpu" true 2>/dev/null; then usage_err "--cpu: no CPU $cpu here"; fi
for p in cob-read cob-bare-read cob-mkfile; do [ -x "$BIN/$p" ] || die 1 "$BIN/$p is not built (make)"; done
command -v fio >/dev/null || die 1 "fio is not installed (Debian package fio; ./run.sh installs it)"
command -v jq >/dev/null || die 1 "jq is not installed"

FILE_SIZE=$((1024 * 1024)) BUF=4096
[ -n "$out" ] || out=${COB_RESULTS:-$ROOT/results}/$(date +%Y%m%d-%H%M%S)-workload
if [ ! -d "$out" ]; then
	mkdir -p "$out" || die 1 "cannot create $out"
	on_exit "rmdir '$out' 2>/dev/null" # only if it stayed empty (a failed or interrupted run)
fi
work=$(mktemp -d "${TMPDIR:-/var/tmp}/cob-bench-workload.XXXXXX") || die 1 "cannot create a work directory"
on_exit "rm -rf '$work'"
csv=$out/workload.csv
on_exit "rm -f '$csv.tmp'"

"$BIN/cob-mkfile" --kind known --size "$FILE_SIZE" --out "$work/data" || die 1 "cob-mkfile failed"
cat "$work/data" >/dev/null # cached before the first read of any program

median() { # median < numbers, one a line
	sort -n | awk '{ v[NR] = $1 } END { if (!NR) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

run_cob_read() {
	taskset -c "$cpu" "$BIN/cob-read" --file "$work/data" --buf "$BUF" --iterations "$reads" \
		--reposition sequential --access pread --cache none >"$work/cob.csv" || die 1 "cob-read failed"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "lat_ns") c = i; next } { print $c }' \
		"$work/cob.csv" | median
}

run_bare() {
	taskset -c "$cpu" "$BIN/cob-bare-read" --file "$work/data" --buf "$BUF" --iterations "$reads" \
		>"$work/bare.txt" || die 1 "cob-bare-read failed"
	median <"$work/bare.txt"
}

run_fio() {
	# size x loops covers at least as many reads as the others; no cache
	# invalidation before the job (it would make the first pass cold)
	local loops=$(((reads * BUF + FILE_SIZE - 1) / FILE_SIZE))
	taskset -c "$cpu" fio --name=workload --filename="$work/data" --readonly --rw=read --bs="$BUF" \
		--size="$FILE_SIZE" --loops="$loops" --ioengine=psync --invalidate=0 \
		--clocksource=clock_gettime --output-format=json >"$work/fio.json" 2>"$work/fio.err" ||
		die 1 "fio failed: $(tail -1 "$work/fio.err")"
	jq -er '.jobs[0].read.clat_ns.percentile["50.000000"]' "$work/fio.json" ||
		die 1 "fio's JSON has no clat median (.jobs[0].read.clat_ns.percentile)"
}

kernel=$(uname -r)
where=${COB_WHERE:-host}
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo | tr -d ',')
git_rev=${COB_GIT_REV:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
declare -A per_rep=()
tools=(cob-read bare fio)

log "cob-read vs a bare pread loop vs fio psync: $reads cached ${BUF}-byte reads each, $reps repetitions, CPU $cpu"
# The three run back to back, each repetition starting with the next program
# (cob-read, bare, fio; then bare, fio, cob-read; ...): whatever the first of
# a round pays (the first process after the shell's own work and the last
# one's exit) is spread over all three instead of always falling on cob-read.
t0=$SECONDS
for ((r = 1; r <= reps; r++)); do
	for ((k = 0; k < ${#tools[@]}; k++)); do
		t=${tools[(r - 1 + k) % ${#tools[@]}]}
		case $t in
		cob-read) per_rep[cob-read,$r]=$(run_cob_read) ;;
		bare) per_rep[bare,$r]=$(run_bare) ;;
		fio) per_rep[fio,$r]=$(run_fio) ;;
		esac
	done
	# a line for the first repetition, every tenth and the last: elapsed, and
	# what is left at this run's pace
	if [ "$r" = 1 ] || [ $((r % 10)) = 0 ] || [ "$r" = "$reps" ]; then
		el=$((SECONDS - t0))
		log "[$r/$reps] median ns/read: cob-read ${per_rep[cob-read,$r]}, bare ${per_rep[bare,$r]}, fio ${per_rep[fio,$r]} (elapsed $(hms "$el"), ~$(hms $(((reps - r) * el / r))) left)"
	fi
done

declare -A med=()
for t in "${tools[@]}"; do
	med[$t]=$(for ((r = 1; r <= reps; r++)); do echo "${per_rep[$t,$r]}"; done | median)
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
# Paired by repetition: the programs of one repetition ran back to back, so
# a slow spell of the shared machine hits them alike.
paired() { # paired A B: median over repetitions of A's median / B's median
	for ((r = 1; r <= reps; r++)); do
		ratio "${per_rep[$1,$r]}" "${per_rep[$2,$r]}"
		echo
	done | median | awk '{ printf "%.3f", $1 }'
}
# each program's paired speed against the bare loop, once (the CSV and the table use it)
declare -A pr=()
for t in "${tools[@]}"; do pr[$t]=$(paired bare "$t"); done

{
	echo "experiment,tool,access,file_size,buf_size,reads,rep,median_ns,speed_vs_bare,clock,kernel,where,cpu,cpu_model,git_rev,date"
	for t in "${tools[@]}"; do
		for ((r = 1; r <= reps; r++)); do
			echo "workload,$t,pread,$FILE_SIZE,$BUF,$reads,$r,${per_rep[$t,$r]},$(ratio "${per_rep[bare,$r]}" "${per_rep[$t,$r]}"),CLOCK_MONOTONIC,$kernel,$where,$cpu,$cpu_model,$git_rev,$date"
		done
		echo "workload,$t,pread,$FILE_SIZE,$BUF,$reads,median,${med[$t]},$(ratio "${med[bare]}" "${med[$t]}"),CLOCK_MONOTONIC,$kernel,$where,$cpu,$cpu_model,$git_rev,$date"
		# median_ns as above; speed_vs_bare the median of the per-repetition ratios
		echo "workload,$t,pread,$FILE_SIZE,$BUF,$reads,paired,${med[$t]},${pr[$t]},CLOCK_MONOTONIC,$kernel,$where,$cpu,$cpu_model,$git_rev,$date"
	done
} >"$csv.tmp"
mv "$csv.tmp" "$csv"

verdict() { awk -v x="$1" -v min="$2" -v strict="$3" 'BEGIN { print (x > min || (!strict && x == min)) ? "met" : "NOT met" }'; }
cob_bare=${pr[cob-read]} cob_fio=$(paired fio cob-read)
printf '%-10s %14s %14s %14s\n' program "median ns/read" "speed vs bare" "paired"
for t in "${tools[@]}"; do
	printf '%-10s %14s %14s %14s\n' "$t" "${med[$t]}" "$(ratio "${med[bare]}" "${med[$t]}")" "${pr[$t]}"
done
echo "cob-read / bare loop: $cob_bare of the bare loop's speed (target >= 0.95: $(verdict "$cob_bare" 0.95 0))"
echo "cob-read vs fio psync: $cob_fio x fio's speed (target > 1: $(verdict "$cob_fio" 1 1))"
echo "(medians of the $reps per-repetition ratios; the ratios of the medians over all repetitions: $(ratio "${med[bare]}" "${med[cob-read]}") and $(ratio "${med[fio]}" "${med[cob-read]}") x)"
echo "results: $csv"
