# shellcheck shell=sh
# Sourced by the monitors that compare a /proc file at the start and at the
# end of a run (diskstats, vmstat), not a monitor itself. The monitor sets
# SRC (the file) and HEADER, defines `to_csv START END ELAPSED_S` (CSV rows on
# stdout) and calls `snap_main "$@"`:
#   NAME OUTFILE   read SRC now; on SIGTERM read it again and write the rows
#   NAME --header  print the CSV header
#   NAME --probe   "works" (exit 0) when SRC is readable, else why (exit 3)
# POSIX sh + awk: runs under busybox in the guest.
# shellcheck source=bench/monitors/monitor.sh
. "$(dirname "$0")/monitor.sh"

snap_probe() {
	if [ -r "$SRC" ]; then echo works; return 0; fi
	echo "${0##*/}: cannot read $SRC"
	return 3
}

snap_finish() {
	trap '' TERM INT HUP
	up1=$(mon_uptime)
	cat "$SRC" >"$out.s1"
	to_csv "$out.s0" "$out.s1" "$(awk -v a="$up0" -v b="$up1" 'BEGIN { printf "%.2f", b - a }')" >>"$out"
	rc=$?
	rm -f "$out.s0" "$out.s1"
	exit "$rc"
}

snap_main() {
	mon_cli "${1-}" snap_probe
	out=$1
	trap snap_finish TERM INT HUP
	up0=$(mon_uptime)
	cat "$SRC" >"$out.s0" || exit 1
	echo "$HEADER" >"$out"
	mon_wait "" # no child of its own to wait on
}
