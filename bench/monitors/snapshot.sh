# shellcheck shell=sh
# Sourced by the monitors that compare a /proc file at the start and at the
# end of a run (diskstats, vmstat), not a monitor itself. The monitor sets
# SRC (the file) and HEADER, defines `to_csv START END ELAPSED_S` (CSV rows on
# stdout) and calls `snap_main "$@"`:
#   NAME OUTFILE   read SRC now; on SIGTERM read it again and write the rows
#   NAME --header  print the CSV header
#   NAME --probe   "works" (exit 0) when SRC is readable, else why (exit 3)
# POSIX sh + awk: runs under busybox in the guest.

snap_uptime() { # seconds since boot, 10 ms resolution
	read -r up _ </proc/uptime && echo "$up"
}

snap_finish() {
	trap '' TERM INT HUP
	up1=$(snap_uptime)
	cat "$SRC" >"$out.s1"
	to_csv "$out.s0" "$out.s1" "$(awk -v a="$up0" -v b="$up1" 'BEGIN { printf "%.2f", b - a }')" >>"$out"
	rc=$?
	rm -f "$out.s0" "$out.s1"
	exit "$rc"
}

snap_main() {
	case ${1-} in
	--header)
		echo "$HEADER"
		exit 0
		;;
	--probe)
		if [ -r "$SRC" ]; then echo works; exit 0; fi
		echo "${0##*/}: cannot read $SRC"
		exit 3
		;;
	-h | --help)
		echo "usage: ${0##*/} OUTFILE (record until SIGTERM) | ${0##*/} --header | ${0##*/} --probe"
		exit 0
		;;
	'' | -*)
		echo "usage: ${0##*/} OUTFILE | ${0##*/} --header | ${0##*/} --probe" >&2
		exit 2
		;;
	esac
	out=$1
	trap snap_finish TERM INT HUP
	up0=$(snap_uptime)
	cat "$SRC" >"$out.s0" || exit 1
	echo "$HEADER" >"$out"
	while :; do # wait returns early when the signal comes, and the trap runs
		sleep 1 &
		wait $!
	done
}
