# shellcheck shell=bash
# Shell helpers shared by run.sh, the guest runner (vm/*.sh) and
# bench/reproduce_page.sh; sourced by bash. The caller sets PROG, the name
# its messages start with.
#   die CODE MESSAGE   one line on stderr ("PROG: MESSAGE"), exit CODE
#   usage_err MESSAGE  the same for bad usage: exit 2, pointing at --help
#   say MESSAGE        a note for the user ("PROG: MESSAGE" on stderr)
#   log MESSAGE        progress ("[PROG] MESSAGE" on stderr)
#   on_exit COMMAND    run COMMAND (a string, eval'd) when the shell exits,
#                      however it exits; the last registered runs first
#   kv_field FILE KEY  VALUE of the first KEY=VALUE line of FILE (nothing when
#                      there is none or no FILE)

die() {
	local code=$1
	shift
	echo "$PROG: $*" >&2
	exit "$code"
}

usage_err() { die 2 "$*  (try --help)"; }

say() { echo "$PROG: $*" >&2; }

log() { echo "[$PROG] $*" >&2; }

# hms SECONDS: 1m05s (progress lines: elapsed, what is left)
hms() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

kv_field() { sed -n "s/^$2=//p" "$1" 2>/dev/null | head -n1; }

COB_ON_EXIT=()
on_exit() { COB_ON_EXIT+=("$1"); }

# The EXIT trap of every script that sources this file.
cob_run_on_exit() {
	local i
	for ((i = ${#COB_ON_EXIT[@]} - 1; i >= 0; i--)); do eval "${COB_ON_EXIT[$i]}" || true; done
	COB_ON_EXIT=()
}
trap cob_run_on_exit EXIT
