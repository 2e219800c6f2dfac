#!/usr/bin/env bash
# copyout-bench: the page of ./run.sh reproduce (DIR/index.html), from what the
# run left in DIR (bench/reproduce.sh: status/NAME.describe, status/NAME.status,
# NAME/ results directories with meta.json, CSVs and graphs). Static: the
# pieces of bench/html.sh, no script.
#
#   bash bench/reproduce_page.sh [--target T] [--quick] DIR NAME...
#
# NAME... are the experiments in page order. Every one appears: with its
# graphs when it ran, with the reason when it was skipped or failed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROG=reproduce_page
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
# shellcheck source=bench/html.sh
. "$HERE/html.sh"

target=auto quick=0
while [ $# -gt 0 ]; do
	case $1 in
	--target) target=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	-h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
if [ $# -lt 2 ] || [ ! -d "$1" ]; then echo "reproduce_page: usage: DIR NAME..." >&2; exit 2; fi
dir=$1
shift
names=("$@")

desc() { kv_field "$dir/status/$1.describe" "$2"; }
stat() { kv_field "$dir/status/$1.status" "$2"; }
meta() { jq -r "$2 // empty" "$dir/$1/meta.json" 2>/dev/null || true; }
esc() { printf '%s' "$1" | html_esc; }

# where NAME ran, for people: "host" or "guest (tcg)", the kernel, the accelerator
where_of() {
	local w acc
	w=$(meta "$1" .where)
	acc=$(meta "$1" '.guest_accel // .noise_control.accelerator')
	case $w in
	host) echo "host" ;;
	guest-*) echo "guest, ${acc:-${w#guest-}}" ;;
	*) echo "${w:-?}" ;;
	esac
}

# place_of NAME: where it was to run: host, "KERNEL guest", or - (skipped before)
place_of() {
	case $(stat "$1" place) in
	host | here) echo host ;;
	vm) echo guest ;;
	skip | "") echo - ;;
	*) echo "$(stat "$1" place) guest" ;;
	esac
}

# headline NAME: this run's value of the config's headline (headline_from over
# the results' CSV), with its unit, or a dash and why
headline() {
	local name=$1 from unit factor file col statname filters
	from=$(desc "$name" headline_from)
	unit=$(desc "$name" headline_unit)
	factor=$(desc "$name" headline_factor)
	[ "$(stat "$name" state)" = ran ] || { echo "- ($(stat "$name" state))"; return; }
	read -r file col statname filters <<<"$from"
	[ -f "$dir/$name/$file" ] || { echo "- (no $file)"; return; }
	awk -v col="$col" -v st="$statname" -v filters="$filters" -v factor="${factor:-1}" -v unit="$unit" '
	BEGIN { FS = ","; nf = split(filters, fl, " ") }
	NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i
		if (!(col in h)) { print "- (no column " col ")"; bad = 1; exit }
		for (j = 1; j <= nf; j++) { split(fl[j], kv, "="); fk[j] = kv[1]; fv[j] = kv[2]
			if (!(kv[1] in h)) { print "- (no column " kv[1] ")"; bad = 1; exit } }
		next }
	{ for (j = 1; j <= nf; j++) if ($h[fk[j]] != fv[j]) next
	  if ($h[col] == "") next
	  v[++n] = $h[col] + 0 }
	END { if (bad) exit
		if (!n) { print "- (no row matches)"; exit }
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		if (st == "min") r = v[1]; else if (st == "max") r = v[n]
		else if (st == "mean") { for (i = 1; i <= n; i++) s += v[i]; r = s / n }
		else r = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		r *= factor
		# three significant digits, but no exponent for large values
		printf ((r >= 1000 || r <= -1000) ? "%.0f" : "%.3g"), r
		printf " %s (%s of %d row%s)\n", unit, st, n, n == 1 ? "" : "s" }' "$dir/$name/$file"
}

ran=0 skipped=0 failed=0
for n in "${names[@]}"; do
	case $(stat "$n" state) in ran) ran=$((ran + 1)) ;; skipped) skipped=$((skipped + 1)) ;; *) failed=$((failed + 1)) ;; esac
done

{
	html_head "copyout-bench: the thesis reproduced" \
		"$(date -u '+%Y-%m-%d %H:%M UTC'), $( ((quick)) && echo "quick grids" || echo "full grids"), --target $target; host kernel $(uname -r); $ran ran, $skipped skipped, $failed failed"

	echo '<h2>Headline numbers: the thesis and this run</h2>'
	echo '<table><tr><th>id</th><th>experiment</th><th>figure</th><th>thesis</th><th>this run</th><th>where</th><th>state</th></tr>'
	for n in "${names[@]}"; do
		printf '<tr class="%s"><td><a href="#%s">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n' \
			"$(stat "$n" state)" "$(esc "$n")" "$(esc "$(desc "$n" id)")" "$(esc "$(desc "$n" title)")" \
			"$(esc "$(desc "$n" headline)")" "$(esc "$(desc "$n" headline_thesis)")" "$(esc "$(headline "$n")")" \
			"$(esc "$(place_of "$n")")" "$(esc "$(stat "$n" state)")"
	done
	echo '</table>'

	if [ -s "$dir/status/without-id.txt" ]; then
		printf '<p class="sub">Configs without an [experiment] id, not part of this page: %s.</p>\n' \
			"$(sort -u "$dir/status/without-id.txt" | paste -sd, | sed 's/,/, /g' | html_esc)"
	fi
	echo '<h2>Runs</h2>'
	echo '<table><tr><th>id</th><th>name</th><th>state</th><th>reason</th><th>ran on</th><th>kernel</th><th>backends</th><th>runs</th><th>seconds</th></tr>'
	for n in "${names[@]}"; do
		printf '<tr class="%s"><td>%s</td><td><a href="#%s">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n' \
			"$(stat "$n" state)" "$(esc "$(desc "$n" id)")" "$(esc "$n")" "$(esc "$n")" "$(esc "$(stat "$n" state)")" \
			"$(esc "$(stat "$n" reason)")" "$(esc "$(place_of "$n")")" "$(esc "$(meta "$n" .kernel)")" \
			"$(esc "$(meta "$n" '(.backends // []) | join(" ")')")" "$(esc "$(stat "$n" runs)")" "$(esc "$(stat "$n" seconds)")"
	done
	echo '</table>'

	for n in "${names[@]}"; do
		state=$(stat "$n" state)
		printf '<h2 id="%s">%s %s</h2>\n' "$(esc "$n")" "$(esc "$(desc "$n" id)")" "$(esc "$(desc "$n" title)")"
		printf '<p>%s</p>\n' "$(esc "$(desc "$n" description)")"
		printf '<p><b>Thesis:</b> %s</p>\n' "$(esc "$(desc "$n" thesis)")"
		if [ "$state" != ran ]; then
			printf '<p class="%s"><b>%s:</b> %s</p>\n' "$state" "$state" "$(esc "$(stat "$n" reason)")"
			[ ! -f "$dir/$n.log" ] || printf '<p>Output: <a href="%s.log">%s.log</a></p>\n' "$n" "$n"
			continue
		fi
		kernel=$(meta "$n" .kernel) where=$(where_of "$n") backends=$(meta "$n" '(.backends // []) | join(", ")')
		found="$(desc "$n" headline): $(headline "$n")"
		printf '<p><b>This run:</b> %s. Backend %s, kernel %s, %s; %s runs in %s s.</p>\n' "$(esc "$found")" \
			"$(esc "${backends:-none}")" "$(esc "$kernel")" "$(esc "$where")" "$(esc "$(stat "$n" runs)")" "$(esc "$(stat "$n" seconds)")"
		pngs=()
		for png in "$dir/$n"/*.png; do [ -e "$png" ] && pngs+=("$png"); done
		if [ ${#pngs[@]} -eq 0 ]; then
			printf '<p class="skipped">No graph: the config draws none (plots = %s).</p>\n' "$(esc "$(desc "$n" plots)")"
		fi
		for png in "${pngs[@]}"; do
			b=$(basename "$png" .png) svg=
			# link the SVG only when it is one
			if [ -f "$dir/$n/$b.svg" ] && head -c 200 "$dir/$n/$b.svg" | grep -q '<svg\|<?xml'; then svg=$n/$b.svg; fi
			html_figure "$n/$b.png" ${svg:+"$svg"} "$b: thesis: $(desc "$n" thesis). This run: $found (backend ${backends:-none}, kernel $kernel, $where)."
		done
		for csv in summary.csv overhead.csv; do
			[ -f "$dir/$n/$csv" ] || continue
			printf '<p>%s:</p>\n' "$csv"
			html_csv_table "$dir/$n/$csv" 40
		done
		printf '<p>Files:'
		for f in "$dir/$n"/*.csv "$dir/$n"/meta.json; do
			[ -e "$f" ] && printf ' <a href="%s">%s</a>' "$n/$(basename "$f")" "$(basename "$f")"
		done
		printf ' <a href="%s.log">output</a></p>\n' "$n"
	done
	html_foot
} >"$dir/index.html.tmp"
mv -f "$dir/index.html.tmp" "$dir/index.html"
