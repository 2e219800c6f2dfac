# Leak checks (load leaks): processes and BPF programs a test started must be
# gone. They are scoped to what the test itself started, so runs of other
# users on the same host neither fail them nor satisfy them, and they fail when
# bpftool or jq does (a check that cannot run is not a pass). Each returns
# explicitly: a `! cmd` that is not the test's last command never fails it,
# and `run` turns errexit off.

# alive PID: the process exists and is not a zombie
alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}

# gone PID...: none of them is alive (each gets up to 5 s to go)
gone() {
	local p left
	for _ in $(seq 50); do
		left=
		for p in "$@"; do alive "$p" && left="$left $p"; done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	for p in $left; do echo "still running: $p $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
	return 1
}

# descendants PID: the live processes below PID, one pid per line
descendants() {
	local c
	for c in $(pgrep -P "$1"); do
		echo "$c"
		descendants "$c"
	done
}

# named NAME PIDS...: the pids whose command name is NAME
named() {
	local n=$1 p
	shift
	for p in "$@"; do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$n" ] && echo "$p"; done
	return 0
}

# cob_prog_ids: ids of the loaded BPF programs named cob_*, one per line
cob_prog_ids() {
	local j
	j=$(bpftool prog show --json) || { echo "bpftool prog show failed"; return 1; }
	jq -r '.[] | select(.name | startswith("cob_")) | .id' <<<"$j"
}

# max_prog_id: the highest id of any loaded BPF program (0 when none); later
# programs get higher ids
max_prog_id() {
	local j
	j=$(bpftool prog show --json) || { echo "bpftool prog show failed"; return 1; }
	jq -r 'map(.id) | max // 0' <<<"$j"
}

# prog_ids_of PID...: the programs those processes hold (program or link fds)
prog_ids_of() {
	local p
	for p in "$@"; do cat "/proc/$p/fdinfo/"* 2>/dev/null; done | awk '$1 == "prog_id:" { print $2 }' | sort -un
}

# attached_progs PID: the programs PID holds once it holds at least two BPF
# links (attached: every backend has an enter and an exit program), else
# nothing; one id per line
attached_progs() {
	local links
	links=$(cat "/proc/$1/fdinfo/"* 2>/dev/null | grep -c '^link_id:')
	[ "$links" -ge 2 ] && prog_ids_of "$1"
	return 0
}

# no_orphan_progs BASE: every cob_* program loaded after id BASE is still held
# by a live process (no loader died or exited leaving its programs behind);
# gives an exiting loader's programs up to 5 s to be freed
no_orphan_progs() {
	local ids held left
	for _ in $(seq 50); do
		ids=$(cob_prog_ids) || { echo "$ids"; return 1; }
		held=$(cat /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" { print $2 }' | sort -u)
		left=$(comm -23 <(awk -v b="$1" '$1 > b' <<<"$ids" | sort -u) <(echo "$held"))
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "BPF programs left without a loader: $(paste -sd' ' <<<"$left")"
	bpftool prog show | grep -A2 -E "^($(paste -sd'|' <<<"$left")):" || true
	return 1
}

# progs_gone ID...: none of these programs is loaded any more (up to 5 s)
progs_gone() {
	local id left
	[ $# -gt 0 ] || { echo "progs_gone: no program ids"; return 1; }
	for _ in $(seq 50); do
		left=
		for id in "$@"; do bpftool prog show id "$id" >/dev/null 2>&1 && left="$left $id"; done
		[ -z "$left" ] && return 0
		sleep 0.1
	done
	echo "BPF programs still loaded:$left"
	return 1
}

# session_empty SID: no process left in session SID (a run started with
# setsid: everything it spawned that did not leave the session)
session_empty() {
	local st=0
	pgrep -a -s "$1" || st=$?
	[ "$st" -eq 1 ] || { echo "processes left in session $1 (pgrep status $st)"; return 1; }
}

# in_session FILE CMD...: run CMD in a new session (exec'd, so its pid is the
# session id), after writing that id to FILE
in_session() {
	local f=$1
	shift
	# shellcheck disable=SC2016 # the inner shell's own $$ and "$@"
	setsid -w bash -c 'echo $$ >"$1"; shift; exec "$@"' sh "$f" "$@"
}
