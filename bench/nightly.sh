# shellcheck shell=bash
# shellcheck disable=SC2016 # jq programs are in single quotes: their $names are jq's
# copyout-bench: ./run.sh nightly, sourced by run.sh (uses its setup,
# need_root, stop_child, render_missing_plots, proc_start, started_at,
# die_with, switch_link, die, say, log, BIN, ROOT, BOOT_ID).
#
# One night = one history entry HIST/YYYYMMDD-HHMMSS/:
#   meta.json         night, status (running|ok|regressed|failed), reason, git commit,
#                     kernels (name, release, where, accelerator, status), baseline, owner pid
#   KERNEL/           one stage per kernel (host, debian, thesis, ...): the nightly
#                     configs' results directories (run.sh sweep --out), doctor.json,
#                     configs.csv (config,status,reason: ok|skipped|failed)
#   figures.csv       every figure of the night (the self-comparison of each results
#                     directory by cob-compare: the trend graphs' data)
#   compare/K/CONFIG/ cob-compare against the baseline's same directory
#   verdicts.csv      every compared figure and doctor feature with its verdict
#   nightly.html, trend-*.png|svg
# HIST/baseline is a symlink to the accepted entry; HIST/.lock is flock'ed for
# the whole run (HIST/.lock.holder says who holds it). A stage is a child
# process that dies with us (cob-die-with) and is killed when it runs past its
# timeout; a night whose run.sh was killed outright stays 'running' with a dead
# owner: the next run (or the supervisor, see run.sh) records it as failed.

NIGHTLY_KERNELS_DEFAULT=(debian thesis)

nightly_usage() {
	cat <<EOF
usage: ./run.sh nightly [--kernel debian|thesis|thesis-int3|PATH ...] [--quick] [--history DIR]
                        [--configs DIR] [--min-change PCT] [--trend N] [--stage-timeout S] [--no-host]
                        [--noise-nights K] [--no-graphs]
       ./run.sh nightly --accept [--history DIR]
       ./run.sh nightly --install-timer | --uninstall-timer

Runs the nightly config set (configs/nightly/*.conf: overhead per backend, filter-reduce
cost, override success) on this host and in each named guest kernel (default: debian
and thesis; --kernel may be repeated or take a comma list; a PATH is any bzImage, see
./run.sh kernel --help for what it needs), records doctor --json per kernel, keeps
everything as one entry in the history directory and compares it with the baseline:
the last accepted entry (the first complete run becomes the baseline and says so).
Writes ENTRY/nightly.html: verdict table (per figure: base, new, change %, verdict)
and trend graphs over the last N nights per kernel and figure.
  --kernel K        guest kernels (repeatable); --no-host skips the host stage
  --quick           the configs' [quick] grids (compare quick nights with quick nights)
  --history DIR     history directory (default \$COB_HISTORY, else /var/lib/copyout-bench/history)
  --configs DIR     another config set (default configs/nightly, or \$COB_NIGHTLY_CONFIGS;
                    the tests use tests/fixtures/nightly: one tiny host config)
  --min-change PCT  smallest latency/overhead change that counts (default \$COB_NIGHTLY_MIN_CHANGE
                    or 25), on top of cob-compare's rule: the repetitions of the two
                    nights must not overlap (a config of one repetition: 'unknown')
  --trend N         nights in the trend graphs (default 14)
  --noise-nights K  the night-to-night noise band: a latency/overhead regresses only when
                    it is also beyond the lowest..highest value of the last K complete
                    nights, widened by that width each way (default \$COB_NIGHTLY_NOISE_NIGHTS
                    or 7); with fewer than 2 earlier nights it is 'unknown'
  --no-graphs       no compare or trend graphs (the tables, CSVs and page are still
                    written; for tests of what is not the graphs: gnuplot is the slow part)
  --stage-timeout S kill a stage (host, one guest) after S s (default \$COB_NIGHTLY_STAGE_TIMEOUT
                    or 2400); the night is recorded as failed with the reason
  --accept          make the latest complete entry the baseline (runs nothing)
  --install-timer   install contrib/copyout-bench-nightly.{service,timer} for this clone
                    into /etc/systemd/system (\$COB_SYSTEMD_DIR), daemon-reload, enable
  --uninstall-timer disable and remove exactly those two units
A verdict: a feature or backend doctor found in the baseline and not now, a success rate
that dropped, a config that ran in the baseline and not now, or a latency/overhead change
beyond --min-change that cob-compare finds beyond the repetitions' noise (see ./run.sh compare
--help) and that also lies beyond the noise band of the last --noise-nights nights.
Warnings when the baseline and the new run differ in governor, pinning, repetitions or
accelerator (cob-compare's noise control) are printed and shown on the page.
Two runs never overlap: the second says who holds the lock and exits 3.
Exit: 0 nothing regressed, 1 regressed or the night failed, 2 bad input, 3 locked.
EOF
}

NIGHTLY_GRAPHS=1 # --no-graphs: 0

nightly_history_default() { echo "${COB_HISTORY:-/var/lib/copyout-bench/history}"; }

# nightly_entries HIST: the entries (oldest first; not the baseline link)
nightly_entries() {
	local d
	for d in "$1"/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9][0-9][0-9]; do
		[ -f "$d/meta.json" ] && [ ! -L "$d" ] && echo "$d"
	done
	return 0
}

# ------------------------------------------------------------ meta.json
# nightly_meta ENTRY JQ-FILTER [jq args]: update ENTRY/meta.json (temp + rename)
nightly_meta() {
	local e=$1 f=$2
	shift 2
	jq "$@" "$f" "$e/meta.json" >"$e/meta.json.tmp" && mv -f "$e/meta.json.tmp" "$e/meta.json"
}

# nightly_fail ENTRY REASON: the night failed (kept, with the reason)
nightly_fail() {
	nightly_meta "$1" '.status = "failed" | .reason = $r | .ended = $t' \
		--arg r "$2" --arg t "$(date -u +%FT%TZ)"
}

# nightly_recover HIST [HOW]: entries left "running" by an owner that is gone become failed
# (HOW: how it ended, when known: the supervisor passes the signal)
nightly_recover() {
	local m e pid boot start how=${2:-killed (SIGKILL), crashed or the machine rebooted}
	for e in $(nightly_entries "$1"); do
		m=$e/meta.json
		[ "$(jq -r .status "$m")" = running ] || continue
		pid=$(jq -r .pid "$m") boot=$(jq -r .boot "$m") start=$(jq -r .pid_start "$m")
		if [ "$boot" = "$BOOT_ID" ] && started_at "$pid" "$start"; then continue; fi
		nightly_fail "$e" "the run (pid $pid) ended without finishing: $how; last stage: $(jq -r '.stage // "none"' "$m")"
		say "recorded $(basename "$e") as failed: its run (pid $pid) is gone"
	done
}

# ------------------------------------------------------------ lock
NIGHTLY_LOCK_FD=""
nightly_lock() { # nightly_lock HIST COMMAND: or exit 3 naming the holder
	local h=$1
	exec {NIGHTLY_LOCK_FD}>>"$h/.lock"
	if ! flock -n "$NIGHTLY_LOCK_FD"; then
		local who
		who=$(tr '\n' ' ' <"$h/.lock.holder" 2>/dev/null || true)
		die 3 "another nightly run holds $h/.lock: ${who:-holder unknown}"
	fi
	printf 'pid=%s started=%s command=%s\n' "$BASHPID" "$(date -u +%FT%TZ)" "$2" >"$h/.lock.holder"
}

# ------------------------------------------------------------ stages
# nightly_stage NAME TIMEOUT CMD...: run CMD as a child that dies with us; kill it
# (TERM, then KILL after STOP_GRACE) past TIMEOUT seconds. Its status; 124 on timeout.
NIGHTLY_TIMED_OUT=0
# shellcheck disable=SC2034 # CHILD: run.sh's stop_child stops it on a signal
nightly_stage() {
	local name=$1 limit=$2 pid st=0 t0=$SECONDS
	shift 2
	NIGHTLY_TIMED_OUT=0
	die_with "$BASHPID"
	# the lock stays ours: a stage does not hold it (closed in the child)
	"${DIE_WITH[@]}" "$@" <&0 {NIGHTLY_LOCK_FD}>&- &
	pid=$!
	CHILD=$pid
	while alive "$pid"; do
		if ((SECONDS - t0 >= limit)); then
			NIGHTLY_TIMED_OUT=1
			log "stage $name: timed out after $limit s: stopping it"
			stop_child # (run.sh: TERM, KILL after STOP_GRACE s, waited for)
			return 124
		fi
		sleep 1 || true # (run.sh's supervisor signals our children, this sleep too)
	done
	wait "$pid" || st=$?
	CHILD=""
	return "$st"
}

# The part that runs on one machine (the host, or inside a guest):
# ./run.sh nightly --here --out DIR [--quick] --configs DIR
nightly_here() {
	local out=$1 cfgdir=$2 quick=$3 c name st why
	die_with "$BASHPID"
	mkdir -p "$out"
	echo "config,status,reason" >"$out/configs.csv.tmp"
	for c in "$cfgdir"/*.conf; do
		[ -f "$c" ] || continue
		name=$(basename "$c" .conf)
		st=0
		# its messages shown as they come and kept (the last says why it failed or was
		# skipped); it dies with us (a SIGKILL of the night takes the sweep with it)
		{ "${DIE_WITH[@]}" "$ROOT/run.sh" sweep "$c" --target host --out "$out/$name" ${quick:+--quick} 2>&1 >&3 3>&- |
			tee "$out/$name.log" >&2; } 3>&1 || st=$?
		why=$(tail -1 "$out/$name.log" | tr -d "\r")
		why=${why//,/;}
		why=${why//\"/\'}
		case $st in
		0) echo "$name,ok," ;;
		3) echo "$name,skipped,\"${why:-no backend attaches here}\"" ;;
		*) echo "$name,failed,\"exit $st: ${why}\"" ;;
		esac >>"$out/configs.csv.tmp"
	done
	mv -f "$out/configs.csv.tmp" "$out/configs.csv"
	"$ROOT/run.sh" doctor --json >"$out/doctor.json.tmp" && mv -f "$out/doctor.json.tmp" "$out/doctor.json"
}

# nightly_stage_name STAGE: the directory of a stage in an entry: host, a kernel
# name (debian, thesis, ...), or for a bzImage PATH its file name and a short
# hash of its absolute path (two kernels both called bzImage must not share a
# directory; the same path keeps its name from night to night, so a kernel
# rebuilt in place compares against its own baseline)
nightly_stage_name() {
	local s=$1
	if [[ $s != */* ]]; then
		echo "$s"
		return
	fi
	echo "$(basename "$s")-$(realpath -m "$s" | sha256sum | cut -c1-8)"
}

# ------------------------------------------------------------ comparison
# nightly_figures ENTRY: figures.csv (kernel,config,point,figure,value) of the night,
# by cob-compare of each results directory with itself (its own reading of the figures)
nightly_figures() {
	local e=$1 d k name tmp
	tmp=$(mktemp -d)
	echo "kernel,config,point,figure,value" >"$e/figures.csv.tmp"
	for d in "$e"/*/*/; do
		d=${d%/}
		[ -f "$d/summary.csv" ] || continue
		k=$(basename "$(dirname "$d")") name=$(basename "$d")
		[ "$k" != compare ] || continue
		"$BIN/cob-compare" --quiet --out "$tmp" "$d" "$d" >/dev/null 2>&1 || continue
		awk -F, -v k="$k" -v c="$name" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
			{ printf "%s,%s,%s,%s,%s\n", k, c, $h["point"], $h["figure"], $h["new"] }' "$tmp/compare.csv" >>"$e/figures.csv.tmp"
	done
	rm -rf "$tmp"
	mv -f "$e/figures.csv.tmp" "$e/figures.csv"
}

# nightly_doctor_diff BASE.json NEW.json KERNEL: verdict rows for doctor's features and backends
nightly_doctor_diff() {
	jq -rn --slurpfile b "$1" --slurpfile n "$2" --arg k "$3" '
		def av(x): if x == null then "absent" elif x.available then "available" else "unavailable" end;
		[("features", "backends") as $s | ($b[0][$s] // {} | keys[]) as $f | [$s, $f]] +
		[("features", "backends") as $s | ($n[0][$s] // {} | keys[]) as $f | [$s, $f]] | unique[] |
		. as [$s, $f] | av($b[0][$s][$f]) as $x | av($n[0][$s][$f]) as $y |
		[$k, "doctor", $s, $f, $x, $y, "",
		 (if $x == "available" and $y != "available" then "regressed"
		  elif $x != "available" and $y == "available" then "improved" else "unchanged" end)] | @csv'
}

# nightly_band HIST ENTRY K: the night-to-night noise band (as LKP and mmtests
# judge a nightly): a latency or overhead that cob-compare calls regressed
# (improved) against the baseline stays so only when its new value is above
# (below) the band of the last K complete nights before ENTRY: their lowest
# to highest value of the figure, widened by that width on both sides. With
# fewer than 2 such nights the night-to-night noise is unknown: 'unknown'.
# Rewrites ENTRY/verdicts.csv (kernel,config,point,figure,base,new,change_pct,verdict).
nightly_band() {
	local h=$1 e=$2 k=$3 m prev=()
	for m in $(nightly_entries "$h"); do
		if [ "$m" = "$e" ] || [ ! -f "$m/figures.csv" ]; then continue; fi
		case $(jq -r .status "$m/meta.json") in ok | regressed) prev+=("$m/figures.csv") ;; esac
	done
	[ ${#prev[@]} -le "$k" ] || prev=("${prev[@]: -$k}")
	awk -F, -v OFS=, -v vf="$e/verdicts.csv" '
		FILENAME != vf { if (FNR > 1) { key = $1 FS $2 FS $3 FS $4; v = $5 + 0
			if (!(key in n) || v < lo[key]) lo[key] = v
			if (!(key in n) || v > hi[key]) hi[key] = v
			n[key]++ }; next }
		FNR == 1 || $4 !~ /^(lat_median_ns|lat_mean_ns|overhead_mean_ns)$/ || $8 !~ /^(regressed|improved)$/ { print; next }
		{ key = $1 FS $2 FS $3 FS $4
		  if (n[key] < 2) { $8 = "unknown"; print; next }
		  w = hi[key] - lo[key]
		  if (($8 == "regressed" && !($6 > hi[key] + w)) || ($8 == "improved" && !($6 < lo[key] - w))) $8 = "noise"
		  print }' ${prev[@]+"${prev[@]}"} "$e/verdicts.csv" >"$e/verdicts.csv.band"
	mv -f "$e/verdicts.csv.band" "$e/verdicts.csv"
}

# nightly_compare ENTRY BASE MINCHANGE HIST K: verdicts.csv (cob-compare's verdicts
# against the baseline, then nightly_band over the last K nights), warnings.txt;
# prints the count regressed
nightly_compare() {
	local e=$1 b=$2 min=$3 h=$4 nk=$5 d k name bd st out warn
	local v=$e/verdicts.csv.tmp
	echo "kernel,config,point,figure,base,new,change_pct,verdict" >"$v"
	: >"$e/warnings.txt"
	for d in "$e"/*/configs.csv; do
		k=$(basename "$(dirname "$d")")
		if [ ! -f "$b/$k/configs.csv" ]; then
			echo "$k: not in the baseline ($(basename "$b")): nothing to compare" >>"$e/warnings.txt"
			continue
		fi
		# configs: ran in the baseline, not now = regressed
		awk -F, -v k="$k" 'NR == FNR { if (FNR > 1) was[$1] = $2; next }
			FNR > 1 && ($1 in was) && was[$1] == "ok" && $2 != "ok" { printf "%s,%s,config,ran,ok,%s,,regressed\n", k, $1, $2 }
			FNR > 1 && ($1 in was) && was[$1] != "ok" && $2 == "ok" { printf "%s,%s,config,ran,%s,ok,,improved\n", k, $1, was[$1] }' \
			"$b/$k/configs.csv" "$d" >>"$v"
		[ ! -f "$b/$k/doctor.json" ] || [ ! -f "$e/$k/doctor.json" ] ||
			nightly_doctor_diff "$b/$k/doctor.json" "$e/$k/doctor.json" "$k" | tr -d '"' >>"$v"
		for bd in "$b/$k"/*/; do
			bd=${bd%/} name=$(basename "$bd")
			{ [ -f "$bd/summary.csv" ] && [ -f "$e/$k/$name/summary.csv" ]; } || continue
			out=$e/compare/$k/$name
			mkdir -p "$out"
			st=0
			warn=$("$BIN/cob-compare" --quiet --min-change "$min" --out "$out" "$bd" "$e/$k/$name" 2>&1 >/dev/null) || st=$?
			if [ -n "$warn" ]; then awk -v p="$k/$name: " '{ print p $0 }' <<<"$warn" >>"$e/warnings.txt"; fi
			if [ "$st" -ge 2 ]; then
				echo "$k/$name: not compared (cob-compare exit $st)" >>"$e/warnings.txt"
				continue
			fi
			if [ "$NIGHTLY_GRAPHS" = 1 ] && command -v gnuplot >/dev/null; then
				gnuplot -e "results='$out'" "$ROOT/plots/compare.gp" 2>/dev/null || say "warning: no graph of $out"
			fi
			awk -F, -v k="$k" -v c="$name" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
				{ printf "%s,%s,%s,%s,%s,%s,%s,%s\n", k, c, $h["point"], $h["figure"], $h["base"], $h["new"], $h["change_pct"], $h["verdict"] }' \
				"$out/compare.csv" >>"$v"
		done
	done
	mv -f "$v" "$e/verdicts.csv"
	nightly_band "$h" "$e" "$nk"
	awk -F, 'NR > 1 && $NF == "regressed"' "$e/verdicts.csv" | wc -l
}

# ------------------------------------------------------------ trend, page
# nightly_trend HIST ENTRY N: trend-KERNEL-FIGURE.png/.svg in ENTRY over the last N entries
nightly_trend() {
	local h=$1 e=$2 n=$3 nights=() m k f dat
	for m in $(nightly_entries "$h"); do
		[ -f "$m/figures.csv" ] && nights+=("$m")
	done
	[ ${#nights[@]} -gt 0 ] || return 0
	[ ${#nights[@]} -le "$n" ] || nights=("${nights[@]: -$n}")
	dat=$e/trend.csv
	{
		echo "night_index,night,kernel,config,point,figure,value"
		local i=0 d
		for d in "${nights[@]}"; do
			awk -F, -v i="$i" -v nm="$(basename "$d")" 'NR > 1 { printf "%d,%s,%s\n", i, nm, $0 }' "$d/figures.csv"
			i=$((i + 1))
		done
	} >"$dat"
	[ "$NIGHTLY_GRAPHS" = 1 ] || return 0 # --no-graphs (trend.csv is kept)
	command -v gnuplot >/dev/null || { say "gnuplot not found: no trend graphs"; return 0; }
	awk -F, 'NR > 1 { print $3 "," $6 }' "$dat" | sort -u | while IFS=, read -r k f; do
		local block=$e/.trend-$k-$f.dat
		# one gnuplot data block per series (config point), its title first
		awk -F, -v k="$k" -v f="$f" 'NR > 1 && $3 == k && $6 == f { s = $4 " " $5; gsub(/backend=|function=[^ ]* |file_size=[^ ]* /, "", s); if (!(s in seen)) { seen[s] = ++ns; name[ns] = s } v[seen[s]] = v[seen[s]] $1 "," $7 "\n" }
			END { for (j = 1; j <= ns; j++) printf "%s\"%s\"\n%s", (j > 1 ? "\n\n" : ""), name[j], v[j] }' "$dat" >"$block"
		local labels
		labels=$(awk -F, 'NR > 1 { l[$1] = substr($2, 5, 2) "-" substr($2, 7, 2) " " substr($2, 10, 2) ":" substr($2, 12, 2) }
			END { for (i in l) printf "%s\"%s\" %d", (n++ ? ", " : ""), l[i], i }' "$dat")
		gnuplot -e "data='$block'" -e "out='$e/trend-$k-$f'" -e "kernel='$k'" -e "figure='$f'" \
			-e "xt='$labels'" -e "nnights=${#nights[@]}" -e "where='$(nightly_where "$e" "$k")'" \
			"$ROOT/plots/nightly-trend.gp" || say "warning: trend graph $k $f failed"
		rm -f "$block"
	done
}

nightly_where() { # ENTRY KERNEL: "host, kernel R" / "guest-tcg (accel), kernel R" from the stage's results
	local m
	m=$(compgen -G "$1/$2/*/meta.json" | head -1 || true)
	[ -n "$m" ] || { echo "$2"; return 0; }
	jq -r '"\(.where)\(if .guest_accel then " (" + .guest_accel + ")" else "" end), kernel \(.guest_kernel // .kernel)"' "$m"
}

nightly_page() { # nightly_page HIST ENTRY: ENTRY/nightly.html
	local h=$1 e=$2 m=$2/meta.json png
	# shellcheck source=bench/html.sh
	. "$ROOT/bench/html.sh"
	{
		html_head "copyout-bench nightly $(jq -r .night "$m")" \
			"status $(jq -r .status "$m"); commit $(jq -r .git_rev "$m"); baseline $(jq -r '.baseline // "none (this night is the first)"' "$m"); $(jq -r '.kernels | map("\(.name): \(.status)") | join(", ")' "$m")"
		local reason
		reason=$(jq -r '.reason // empty' "$m")
		[ -z "$reason" ] || printf '<p class="failed">%s</p>\n' "$(printf '%s' "$reason" | html_esc)"
		if [ -s "$e/warnings.txt" ]; then
			printf '<h2>Warnings</h2>\n<ul>\n'
			html_esc <"$e/warnings.txt" | sed 's|^|<li>|; s|$|</li>|'
			printf '</ul>\n'
		fi
		printf '<h2>Verdicts against the baseline</h2>\n'
		if [ -f "$e/verdicts.csv" ]; then
			printf '<p>A latency or overhead regresses only when its repetitions do not overlap the baseline'"'"'s (and the change is at least the minimum) <em>and</em> it lies beyond the noise band of the last nights (their lowest to highest value, widened by that width each way); <code>unknown</code>: too few repetitions or earlier nights to know the noise. A success rate that drops at all, or a doctor feature lost, regresses.</p>\n'
			# regressed first, then improved, noise, the rest
			{
				head -1 "$e/verdicts.csv"
				tail -n +2 "$e/verdicts.csv" | awk -F, '{ o = $NF == "regressed" ? 0 : $NF == "improved" ? 1 : $NF == "noise" ? 2 : 3; print o "\t" $0 }' |
					sort -s -t$'\t' -k1,1n | cut -f2-
			} >"$e/.verdicts-sorted.csv"
			html_csv_table "$e/.verdicts-sorted.csv" 2000 verdict
			rm -f "$e/.verdicts-sorted.csv"
		else
			printf '<p>No baseline to compare with: this night is the baseline.</p>\n'
		fi
		printf '<h2>Trends over the last nights</h2>\n'
		for png in "$e"/trend-*.png; do
			[ -f "$png" ] || continue
			png=$(basename "$png")
			html_figure "$png" "${png%.png}.svg" "${png%.png}: $(echo "${png#trend-}" | sed 's/\.png$//; s/-/ /')"
		done
		printf '<h2>Nights</h2>\n'
		nightly_nights_csv "$h" >"$e/nights.csv"
		html_csv_table "$e/nights.csv" 100 status
		html_foot
	} >"$e/nightly.html.tmp"
	mv -f "$e/nightly.html.tmp" "$e/nightly.html"
}

nightly_nights_csv() { # HIST: night,status,baseline,commit,kernels (release, where, accelerator)
	local m e base
	base=$(readlink "$1/baseline" 2>/dev/null || true)
	echo "night,status,baseline,commit,kernels"
	for m in $(nightly_entries "$1"); do
		e=$(basename "$m") m=$m/meta.json
		jq -r --arg b "$base" --arg e "$e" '[.night, .status, (if $e == $b then "baseline" else "" end), .git_rev,
			(.kernels | map("\(.name) \(.release // "?") \(.where // "") \(.accel // "")") | join("; "))] | @csv' "$m"
	done
}

# ------------------------------------------------------------ timer
nightly_timer() { # install|uninstall
	local dir=${COB_SYSTEMD_DIR:-/etc/systemd/system} sc=${COB_SYSTEMCTL:-systemctl} u
	local units=(copyout-bench-nightly.service copyout-bench-nightly.timer)
	command -v "$sc" >/dev/null || die 2 "no systemctl here: schedule ./run.sh nightly with cron instead (README, Nightly runs)"
	# systemd as init (its own test, sd_booted): a container or chroot has systemctl without it
	[ -n "${COB_SYSTEMCTL:-}" ] || [ -d /run/systemd/system ] ||
		die 2 "systemd is not running here: schedule ./run.sh nightly with cron instead (README, Nightly runs)"
	[ -d "$dir" ] || die 2 "no systemd unit directory $dir"
	if [ "$1" = install ]; then
		for u in "${units[@]}"; do
			if [ -e "$dir/$u" ] && ! grep -q '^# installed by copyout-bench' "$dir/$u"; then
				die 2 "$dir/$u exists and is not ours: not overwritten"
			fi
		done
		for u in "${units[@]}"; do
			{
				echo "# installed by copyout-bench ./run.sh nightly --install-timer from $ROOT"
				sed "s|@ROOT@|$ROOT|g" "$ROOT/contrib/$u"
			} >"$dir/$u.tmp" && mv -f "$dir/$u.tmp" "$dir/$u"
		done
		"$sc" daemon-reload || die 1 "systemctl daemon-reload failed"
		"$sc" enable --now copyout-bench-nightly.timer || die 1 "systemctl enable copyout-bench-nightly.timer failed"
		say "installed $dir/${units[0]} and $dir/${units[1]} (runs $ROOT/run.sh nightly daily)"
	else
		local found=0
		for u in "${units[@]}"; do
			[ -e "$dir/$u" ] || continue
			grep -q '^# installed by copyout-bench' "$dir/$u" || die 2 "$dir/$u is not ours: not removed"
			found=1
		done
		[ "$found" = 1 ] || { say "no copyout-bench nightly units in $dir: nothing to remove"; return 0; }
		"$sc" disable --now copyout-bench-nightly.timer || say "warning: systemctl disable failed"
		rm -f "$dir/${units[0]}" "$dir/${units[1]}"
		"$sc" daemon-reload || say "warning: systemctl daemon-reload failed"
		say "removed $dir/${units[0]} and $dir/${units[1]}"
	fi
}

# ------------------------------------------------------------ accept
nightly_accept() { # HIST: the latest complete (not failed, not running) entry becomes the baseline
	local h=$1 m latest=""
	for m in $(nightly_entries "$h"); do
		case $(jq -r .status "$m/meta.json") in ok | regressed) latest=$(basename "$m") ;; esac
	done
	[ -n "$latest" ] || die 2 "--accept: no complete night in $h"
	switch_link "$h" baseline "$latest"
	say "accepted: $latest is the baseline now"
}

# ------------------------------------------------------------ the command
cmd_nightly() {
	local kernels=() quick="" hist accept=0 here=0 out="" cfgdir=${COB_NIGHTLY_CONFIGS:-$ROOT/configs/nightly}
	local min=${COB_NIGHTLY_MIN_CHANGE:-25} bandn=${COB_NIGHTLY_NOISE_NIGHTS:-7} trend=14 limit=${COB_NIGHTLY_STAGE_TIMEOUT:-2400} host=1 hostonly=0 timer=""
	local cmdline="./run.sh nightly $*"
	hist=$(nightly_history_default)
	while [ $# -gt 0 ]; do
		case $1 in
		-h | --help) nightly_usage; return 0 ;;
		--kernel) [ $# -ge 2 ] || die 2 "--kernel needs debian, thesis, thesis-int3 or a bzImage path"
			IFS=, read -ra k <<<"$2"; kernels+=("${k[@]}"); shift ;;
		--quick) quick=1 ;;
		--no-graphs) NIGHTLY_GRAPHS=0 ;;
		--accept) accept=1 ;;
		--no-host) host=0 ;;
		--host-only) hostonly=1 ;;
		--history) [ $# -ge 2 ] || die 2 "--history needs a directory"; hist=$2; shift ;;
		--configs) [ $# -ge 2 ] || die 2 "--configs needs a directory"; cfgdir=$2; shift ;;
		--min-change) [[ ${2:-} =~ ^[0-9]+([.][0-9]+)?$ ]] || die 2 "--min-change needs a percentage"; min=$2; shift ;;
		--trend) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die 2 "--trend needs a number of nights"; trend=$2; shift ;;
		--noise-nights) [[ ${2:-} =~ ^[2-9]$|^[1-9][0-9]+$ ]] || die 2 "--noise-nights needs a number of nights (2 or more)"; bandn=$2; shift ;;
		--stage-timeout) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die 2 "--stage-timeout needs seconds"; limit=$2; shift ;;
		--install-timer) timer=install ;;
		--uninstall-timer) timer=uninstall ;;
		--here) here=1 ;;
		--out) [ $# -ge 2 ] || die 2 "--out needs a directory"; out=$2; shift ;;
		*) die 2 "nightly: unknown argument $1 (see ./run.sh nightly --help)" ;;
		esac
		shift
	done
	[[ $cfgdir == /* ]] || cfgdir=$PWD/$cfgdir
	compgen -G "$cfgdir/*.conf" >/dev/null || die 2 "no configs (*.conf) in $cfgdir"
	if [ "$here" = 1 ]; then
		[ -n "$out" ] || die 2 "--here needs --out"
		nightly_here "$out" "$cfgdir" "$quick"
		return 0
	fi
	need_root nightly
	if [ -n "$timer" ]; then nightly_timer "$timer"; return 0; fi
	hist=$(realpath -m "$hist")
	[[ $hist != "$(realpath "$ROOT")"/* ]] || die 2 "the history directory must be outside the clone ($hist)"
	mkdir -p "$hist" || die 2 "cannot create the history directory $hist"
	if [ "$accept" = 1 ]; then
		nightly_lock "$hist" "$cmdline"
		nightly_accept "$hist"
		return 0
	fi
	if [ "$hostonly" = 1 ]; then
		{ [ ${#kernels[@]} -eq 0 ] && [ "$host" = 1 ]; } || die 2 "--host-only takes no --kernel and no --no-host"
	elif [ ${#kernels[@]} -eq 0 ]; then
		kernels=("${NIGHTLY_KERNELS_DEFAULT[@]}")
	fi
	[ "$host" = 1 ] || [ ${#kernels[@]} -gt 0 ] || die 2 "--no-host and no --kernel: nothing to run"
	local k
	for k in "${kernels[@]}"; do
		case $k in debian | thesis | thesis-int3) ;; *) [ -f "$k" ] || die 2 "--kernel: no such kernel image or name: $k" ;; esac
	done
	setup nightly
	export COB_BUILT=$BUILD # built: the run.sh of the stages need not (run.sh, ensure_build)
	nightly_lock "$hist" "$cmdline"
	nightly_recover "$hist"

	local night e base="" t0=$SECONDS ts prev
	prev=$(nightly_entries "$hist" | tail -1)
	night=$(date -u +%Y%m%d-%H%M%S)
	e=$hist/$night
	[ ! -e "$e" ] || die 2 "history entry $e exists (two nights in one second?)"
	mkdir -p "$e"
	[ -L "$hist/baseline" ] && [ -f "$hist/baseline/meta.json" ] && base=$(readlink "$hist/baseline")
	jq -n --arg night "$night" --arg rev "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		--arg dirty "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null | head -1)" \
		--arg cmd "$cmdline" --arg t "$(date -u +%FT%TZ)" --argjson pid "$BASHPID" --arg boot "$BOOT_ID" \
		--arg start "$(proc_start "$BASHPID")" --arg base "$base" --arg cfg "$cfgdir" --argjson quick "${quick:-0}" \
		--arg min "$min" '{night: $night, status: "running", reason: null, git_rev: $rev, git_dirty: ($dirty != ""),
		command: $cmd, started: $t, ended: null, pid: $pid, boot: $boot, pid_start: $start,
		baseline: (if $base == "" then null else $base end), configs: $cfg, quick: ($quick == 1),
		min_change_pct: ($min | tonumber), kernels: [], stage: null, regressed: null}' >"$e/meta.json"
	log "night $night into $e (baseline: ${base:-none yet})"

	# the stages: host, then each guest kernel
	local stages=() s i=0 st kname rel share=()
	[ "$host" = 0 ] || stages+=(host)
	stages+=("${kernels[@]}")
	# the guest has the repository's configs/ at /cob/configs (its initramfs); another
	# config directory is shared with it at the same path
	local gcfg=$cfgdir
	if [[ $cfgdir == "$ROOT"/configs/* ]]; then gcfg=/cob/${cfgdir#"$ROOT"/}; else share=(--share "$cfgdir"); fi
	for s in "${stages[@]}"; do
		i=$((i + 1))
		kname=$(nightly_stage_name "$s")
		log "stage $i of ${#stages[@]}: $kname (elapsed $((SECONDS - t0)) s; $(nightly_eta "$prev" "${stages[@]:i-1}"); each stage at most $limit s)"
		ts=$SECONDS
		nightly_meta "$e" '.stage = $s' --arg s "$kname"
		st=0
		if [ "$s" = host ]; then
			nightly_stage "$kname" "$limit" "$ROOT/run.sh" nightly --here --out "$e/$kname" --configs "$cfgdir" ${quick:+--quick} || st=$?
		else
			nightly_stage "$kname" "$limit" bash "$ROOT/vm/vm.sh" --kernel "$s" --timeout "$limit" ${share[@]+"${share[@]}"} \
				-- nightly --here --out "$e/$kname" --configs "$gcfg" ${quick:+--quick} || st=$?
		fi
		rel=$(jq -r '.kernel // empty' "$e/$kname/doctor.json" 2>/dev/null || true)
		local where accel
		where=$(jq -r '.where // empty' "$e/$kname"/*/meta.json 2>/dev/null | head -1 || true)
		accel=$(jq -r '.guest_accel // empty' "$e/$kname"/*/meta.json 2>/dev/null | head -1 || true)
		local why=""
		if [ "$NIGHTLY_TIMED_OUT" = 1 ]; then why="stage $kname timed out after $limit s (killed)"
		elif [ "$st" = 124 ]; then why="stage $kname: the guest timed out (hung) and was killed"
		elif [ "$st" = 125 ]; then why="stage $kname: the guest crashed (no exit status: panic or oops)"
		elif [ "$st" -ge 128 ]; then why="stage $kname was killed by signal $((st - 128))"
		elif [ "$st" != 0 ]; then why="stage $kname failed (exit $st)"
		elif [ ! -f "$e/$kname/configs.csv" ] || [ ! -f "$e/$kname/doctor.json" ]; then why="stage $kname left no configs.csv or doctor.json"
		elif grep -q ',failed,' "$e/$kname/configs.csv"; then why="stage $kname: $(grep ',failed,' "$e/$kname/configs.csv" | cut -d, -f1 | paste -sd' ') failed"
		fi
		nightly_meta "$e" '.kernels += [{name: $n, path: $p, release: $r, where: $w, accel: $a, status: (if $y == "" then "ok" else "failed" end), reason: $y, seconds: ($sec | tonumber)}]' \
			--arg n "$kname" --arg p "$s" --arg r "$rel" --arg w "${where:-}" --arg a "${accel:-}" --arg y "$why" --arg sec "$((SECONDS - ts))"
		if [ -n "$why" ]; then
			say "$why"
			nightly_fail "$e" "$why"
			# a stage killed by a signal: we are being stopped (see run.sh, Signals)
			if [ "$st" -ge 128 ] && [ "$NIGHTLY_TIMED_OUT" = 0 ]; then exit "$st"; fi
		fi
		# graphs of the guest's sweeps are drawn here (no gnuplot in the guest)
		local d
		for d in "$e/$kname"/*/; do
			render_missing_plots "${d%/}" || say "warning: the graphs of ${d%/} failed"
		done
	done
	nightly_meta "$e" '.stage = null'
	nightly_figures "$e"

	local nreg=0 status
	status=$(jq -r .status "$e/meta.json")
	if [ -n "$base" ]; then
		nreg=$(nightly_compare "$e" "$hist/$base" "$min" "$hist" "$bandn")
		[ ! -s "$e/warnings.txt" ] || sed 's/^/warning: /' "$e/warnings.txt" >&2
		log "against the baseline $base: $nreg regressed (verdicts.csv)"
	fi
	if [ "$status" = running ]; then
		status=ok
		[ "$nreg" = 0 ] || status=regressed
		nightly_meta "$e" '.status = $s | .regressed = ($n | tonumber) | .ended = $t' \
			--arg s "$status" --arg n "$nreg" --arg t "$(date -u +%FT%TZ)"
		if [ -z "$base" ]; then
			switch_link "$hist" baseline "$night"
			say "first complete night: $night becomes the baseline"
		fi
	else
		nightly_meta "$e" '.regressed = ($n | tonumber)' --arg n "$nreg"
	fi
	nightly_trend "$hist" "$e" "$trend"
	nightly_page "$hist" "$e"
	say "night $night: $status$([ -z "$base" ] || echo ", $nreg regressed against $base") ($((SECONDS - t0)) s); report $e/nightly.html"
	case $status in ok) return 0 ;; *) return 1 ;; esac
}

# nightly_supervisor_recover SIGNAL ARGS...: run.sh's supervisor, after a signal
# stopped its worker: the night it left running is recorded as failed
nightly_supervisor_recover() {
	local sig=$1 hist prev=""
	shift
	hist=$(nightly_history_default)
	for a in "$@"; do
		[ "$prev" != --history ] || hist=$a
		[ "$a" != --here ] || return 0
		prev=$a
	done
	[ -d "$hist" ] || return 0
	nightly_recover "$hist" "stopped by signal $sig ($(kill -l "$sig" 2>/dev/null || echo "?"))" || true
}

# nightly_eta PREV-ENTRY STAGE...: what the stages left took the last night ("about N s left")
nightly_eta() {
	local prev=$1 names s
	shift
	if [ -z "$prev" ] || [ ! -f "$prev/meta.json" ]; then
		echo "no estimate before a first night"
		return 0
	fi
	names=$(for s in "$@"; do nightly_stage_name "$s"; done | jq -R . | jq -sc .)
	jq -r --argjson n "$names" '[.kernels[] | select(.name as $k | $n | index($k)) | .seconds // empty] |
		if length == 0 then "no estimate (the last night ran other stages)" else "about \(add) s left, as the last night" end' "$prev/meta.json"
}
