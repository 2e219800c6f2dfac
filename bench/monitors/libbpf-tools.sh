# shellcheck shell=sh
# Sourced by the monitors that run one of Debian's libbpf-tools (bcc's tools
# in their CO-RE form: cachestat, readahead, biolatency, funclatency), not a
# monitor itself. The monitor sets
#   TOOL    the program (in $COB_LIBBPF_TOOLS, default /usr/sbin: Debian's place)
#   HEADER  its CSV header
#   FALLBACK, FALLBACK_ARGS  optional: a program of this suite (in $COB_BIN or
#           build/bin) printing the same lines, run with FALLBACK_ARGS when the
#           kernel refuses TOOL (cachestat: cob-cachestat). LT_USED names the
#           program that ran, for the monitor's rows.
# defines `to_csv` (the tool's output on stdin -> CSV rows on stdout) and
# calls `lt_main "$@" -- TOOL-ARGS...`. The monitor then answers
#   NAME OUTFILE   start the tool; once it attached, OUTFILE gets the header
#                  (cob-sweep waits for it); on SIGTERM stop the tool with
#                  SIGINT (each prints what it summed when Ctrl-C comes) and
#                  append its rows. A tool the kernel refuses: one line on
#                  stderr, exit 3.
#   NAME --header  print the CSV header
#   NAME --probe   start the tool and stop it once attached: "works", exit 0;
#                  or the one line saying why it cannot run here, exit 3
# (`./run.sh doctor` and cob-sweep ask --probe; a refused monitor is skipped).
# The tools print a line once their programs are attached ("Tracing ..." or
# the column header); stdbuf makes stdout line-buffered so that line shows
# at once. POSIX sh + awk: runs under busybox in the guest.
# shellcheck source=bench/monitors/monitor.sh
. "$(dirname "$0")/monitor.sh"

LT_READY_S=${COB_MONITOR_READY_S:-60} # a TCG guest can take seconds to load
lt_pid=

lt_bin() {
	echo "${COB_LIBBPF_TOOLS:-/usr/sbin}/$TOOL"
}

# lt_fallback_bin: this suite's FALLBACK program ("" when there is none)
lt_fallback_bin() {
	for b in "${COB_BIN:-}/$FALLBACK" "$(dirname "$0")/../../build/bin/$FALLBACK"; do
		[ -x "$b" ] && echo "$b" && return 0
	done
}

# lt_reason ERRFILE: the tool's first line that says what failed, "libbpf: " dropped
lt_reason() {
	awk '/[Ff]ail|[Ee]rror|not permitted|No such|[Ii]nvalid|not supported/ {
		sub(/^libbpf: /, ""); print; found = 1; exit }
		{ last = $0 } END { if (!found) print (last == "" ? "exited without saying why" : last) }' "$1"
}

# lt_run RAW ERR NAME BIN ARGS...: start BIN; 0 once attached, 3 when it
# ended first or is missing, 1 when it said nothing within LT_READY_S (why,
# after "NAME: ", on stdout)
lt_run() {
	raw=$1 err=$2 name=$3 bin=$4
	shift 4
	if [ ! -x "$bin" ]; then
		echo "$name: no ${bin:-program $name}"
		return 3
	fi
	stdbuf -oL "$bin" "$@" >"$raw" 2>"$err" </dev/null &
	lt_pid=$!
	n=0
	while [ ! -s "$raw" ]; do
		if ! kill -0 "$lt_pid" 2>/dev/null; then
			wait "$lt_pid" 2>/dev/null
			lt_pid=
			why=$(lt_reason "$err")
			echo "$name: ${why#"$name: "}"
			return 3
		fi
		n=$((n + 1))
		if [ "$n" -gt $((LT_READY_S * 20)) ]; then
			echo "$name: not attached within $LT_READY_S s"
			return 1
		fi
		sleep 0.05
	done
	LT_USED=$name
	return 0
}

# lt_start RAW ERR ARGS...: Debian's tool with ARGS or, where the kernel
# refuses it, the FALLBACK: 0 once one attached (LT_USED names it; LT_WHY
# says why the tool did not run when the fallback did), 3 when both were
# refused, 1 when one said nothing within LT_READY_S (one line on stdout:
# TOOL: why[; FALLBACK: why])
lt_start() {
	st_raw=$1 st_err=$2 LT_WHY=
	shift 2
	lt_run "$st_raw" "$st_err" "$TOOL" "$(lt_bin)" "$@" >"$st_raw.why"
	rc=$?
	[ -x "$(lt_bin)" ] || echo "$TOOL: no $(lt_bin) (Debian package libbpf-tools)" >"$st_raw.why"
	if [ "$rc" != 3 ] || [ -z "${FALLBACK-}" ]; then
		cat "$st_raw.why"
		rm -f "$st_raw.why"
		return "$rc"
	fi
	LT_WHY=$(cat "$st_raw.why")
	# shellcheck disable=SC2086 # FALLBACK_ARGS: words
	lt_run "$st_raw" "$st_err" "$FALLBACK" "$(lt_fallback_bin)" ${FALLBACK_ARGS-} >"$st_raw.why"
	rc=$?
	[ "$rc" = 0 ] || echo "$LT_WHY; $(cat "$st_raw.why")"
	rm -f "$st_raw.why"
	return "$rc"
}

# lt_stop: SIGINT to the tool (it prints its totals and exits), waited for up
# to COB_MONITOR_STOP_S seconds (cob-sweep allows a monitor 10 s in all); a
# tool still there then is killed and lt_stop fails saying so
LT_STOP_S=${COB_MONITOR_STOP_S:-5}
lt_stop() {
	[ -n "$lt_pid" ] || return 0
	kill -INT "$lt_pid" 2>/dev/null
	n=0
	while kill -0 "$lt_pid" 2>/dev/null && [ "$(awk -v p="$lt_pid" '$1 == p { print $3 }' "/proc/$lt_pid/stat" 2>/dev/null)" != Z ]; do
		n=$((n + 1))
		if [ "$n" -gt $((LT_STOP_S * 20)) ]; then
			kill -KILL "$lt_pid" 2>/dev/null
			wait "$lt_pid" 2>/dev/null
			lt_pid=
			echo "$TOOL: did not stop within $LT_STOP_S s of SIGINT; killed" >&2
			return 1
		fi
		sleep 0.05
	done
	wait "$lt_pid" 2>/dev/null
	lt_pid=
}

# lt_probe TOOL-ARGS...: start the tool and stop it once attached ("works")
lt_probe() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/cob-$TOOL.XXXXXX") || return 1
	trap 'lt_stop; rm -rf "$tmp"' EXIT
	trap 'exit 143' TERM INT HUP
	lt_start "$tmp/raw" "$tmp/err" "$@"
	rc=$?
	if [ "$rc" = 0 ] && [ "$LT_USED" = "$TOOL" ]; then echo works
	elif [ "$rc" = 0 ]; then echo "works ($LT_USED; $LT_WHY)"; fi
	return "$rc"
}

lt_main() {
	arg=${1-}
	[ $# -gt 0 ] && shift
	[ "${1-}" = -- ] && shift
	mon_cli "$arg" lt_probe "$@"
	out=$arg
	trap 'lt_stop; rm -f "$out.raw" "$out.lterr"; exit 143' TERM INT HUP
	# not in $(...): the tool must be our child, not a subshell's
	lt_start "$out.raw" "$out.lterr" "$@" >"$out.why"
	rc=$?
	if [ "$rc" != 0 ]; then
		lt_stop
		cat "$out.why" >&2
		rm -f "$out.raw" "$out.lterr" "$out.why"
		exit "$rc"
	fi
	rm -f "$out.why"
	[ "$LT_USED" = "$TOOL" ] || echo "$TOOL: $LT_USED ran instead ($LT_WHY)" >&2
	trap lt_finish TERM INT HUP
	echo "$HEADER" >"$out"
	mon_wait "$lt_pid" # (a tool that ends by itself: the rows it printed wait for SIGTERM)
}

lt_finish() {
	trap '' TERM INT HUP
	if ! lt_stop; then
		rm -f "$out.raw" "$out.lterr"
		exit 1
	fi
	to_csv <"$out.raw" >>"$out"
	rc=$?
	rm -f "$out.raw" "$out.lterr"
	exit "$rc"
}

# hist_csv WHAT: the log2 histograms of the tools ("  512 -> 1023 : 7 |**|",
# under a "usecs : count distribution" line naming the unit) as rows
# WHAT,UNIT,LOW,HIGH,COUNT,TOOL (the HEADER of biolatency, funclatency,
# readahead; TOOL: the program that counted, LT_USED)
# shellcheck disable=SC2034 # the monitors that source this use it
HIST_HEADER=what,unit,low,high,count,tool
hist_csv() {
	awk -v what="$1" -v tool="$LT_USED" '
	$2 == ":" && $3 == "count" { unit = $1; next }
	$2 == "->" && $4 == ":" { print what "," unit "," $1 "," $3 "," $5 "," tool }'
}
