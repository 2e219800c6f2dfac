#!/usr/bin/env bash
# How much of each hook backend's overhead is the bare hook mechanism and how
# much the suite's bookkeeping: `./run.sh bench mechanisms OVERHEAD_DIR TRIGGER_DIR`.
# OVERHEAD_DIR: a `sweep overhead` result (reads.csv); TRIGGER_DIR: a `bench
# trigger` result (trigger.csv) from the same kernel and kind of run.
#   overhead     per repetition, the backend's median read latency minus the
#                `none` median of the same repetition; the median over repetitions
#   mechanism    the hooks a 4 KiB cached read hits in that backend (HITS below,
#                from bpf/*.bpf.c) x the mechanism's cost per hit (median over the
#                trigger run's repetitions)
#   bookkeeping  overhead - mechanism: the suite's per-read work (read_track.bpf.h)
# Writes OVERHEAD_DIR/mechanisms.csv (temporary file, then rename) and a table.
set -euo pipefail

PROG="run.sh bench mechanisms"
ROOT=${COB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

# hooks hit by one cached 4 KiB read(2) (one copyout), observe mode
declare -A HITS=(
	[tp-read]="tp tp"
	[fexit-read]="fentry fexit"
	[fmodret-permission]="tp tp fmod_ret"
	[fmodret-copyout]="tp tp fmod_ret"
	[kprobe-copyout]="tp tp kprobe"
	[kprobe-copyout-unopt]="tp tp kprobe"
)

case ${1:-} in -h | --help)
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
	exit 0 ;;
esac
[ $# -eq 2 ] || usage_err "usage: ./run.sh bench mechanisms OVERHEAD_DIR TRIGGER_DIR"
ov=$1 tr=$2
[ -s "$ov/reads.csv" ] || usage_err "$ov: no reads.csv (a ./run.sh sweep overhead result)"
[ -s "$tr/trigger.csv" ] || usage_err "$tr: no trigger.csv (a ./run.sh bench trigger result)"

# col FILE NAME...: the columns' numbers, by header name
cols() {
	local f=$1
	shift
	head -1 "$f" | tr ',' '\n' | awk -v want="$*" 'BEGIN { n = split(want, w, " ") } { for (i = 1; i <= n; i++) if ($0 == w[i]) c[i] = NR } END { for (i = 1; i <= n; i++) { if (!c[i]) exit 1; printf "%s%s", c[i], i < n ? " " : "\n" } }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (!NR) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

read -r cb cr cl ck cw < <(cols "$ov/reads.csv" backend rep lat_ns kernel where) || die 2 "$ov/reads.csv lacks backend, rep, lat_ns, kernel or where"
read -r tm to tk tw < <(cols "$tr/trigger.csv" mechanism overhead_ns kernel where) || die 2 "$tr/trigger.csv lacks its columns"
kov=$(awk -F, -v k="$ck" -v w="$cw" 'NR == 2 { print $k " " $w; exit }' "$ov/reads.csv")
ktr=$(awk -F, -v k="$tk" -v w="$tw" 'NR == 2 { print $k " " $w; exit }' "$tr/trigger.csv")
[ "$kov" = "$ktr" ] || say "warning: the runs differ in kernel or where ($kov vs $ktr): the split is a guess"

# per backend and repetition, the median latency
declare -A med=()
while read -r b r m; do med[$b,$r]=$m; done < <(
	awk -F, -v b="$cb" -v r="$cr" -v l="$cl" 'NR > 1 { print $b, $r, $l }' "$ov/reads.csv" | sort -k1,1 -k2n -k3n |
		awk '{ k = $1 " " $2; if (k != pk && pk != "") { print pk, a[int((n + 1) / 2)]; n = 0 } a[++n] = $3; pk = k } END { if (pk != "") print pk, a[int((n + 1) / 2)] }')
reps=$(for k in "${!med[@]}"; do echo "${k#*,}"; done | sort -un)
declare -A mech=()
for m in tp raw_tp kprobe fentry fexit fmod_ret; do
	mech[$m]=$(awk -F, -v c="$tm" -v o="$to" -v m="$m" 'NR > 1 && $c == m { print $o }' "$tr/trigger.csv" | median) || true
done

csv=$ov/mechanisms.csv
on_exit "rm -f '$csv.tmp'"
{
	echo "backend,reps,overhead_median_ns,hits,mechanism_ns,bookkeeping_ns,mechanism_share,kernel,where"
	for b in $(for k in "${!med[@]}"; do echo "${k%,*}"; done | sort -u); do
		if [ "$b" = none ] || [ -z "${HITS[$b]:-}" ]; then continue; fi
		ovh=$(for r in $reps; do [ -n "${med[$b,$r]:-}" ] && [ -n "${med[none,$r]:-}" ] && echo $((med[$b,$r] - med[none,$r])); done | median) || continue
		mns=0 missing=""
		for h in ${HITS[$b]}; do
			if [ -n "${mech[$h]:-}" ]; then mns=$(awk -v a="$mns" -v b="${mech[$h]}" 'BEGIN { print a + b }'); else missing="$missing $h"; fi
		done
		if [ -n "$missing" ]; then
			say "$b: no trigger figure for$missing: no split"
			continue
		fi
		awk -v b="$b" -v n="$(wc -w <<<"$reps")" -v o="$ovh" -v h="${HITS[$b]}" -v m="$mns" -v kw="${kov/ /,}" \
			'BEGIN { printf "%s,%d,%.0f,%s,%.0f,%.0f,%.3f,%s\n", b, n, o, h, m, o - m, o ? m / o : 0, kw }'
	done
} >"$csv.tmp"
mv "$csv.tmp" "$csv"
column -ts, "$csv"
echo "results: $csv"
