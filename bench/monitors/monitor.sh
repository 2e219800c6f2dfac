# shellcheck shell=sh
# Sourced by the monitors (through libbpf-tools.sh and snapshot.sh, or
# directly): what every monitor does the same way. Not a monitor itself.
# POSIX sh: runs under busybox in the guest.
#   mon_cli ARG [PROBE-COMMAND...]
#       the monitor's first argument: --header prints HEADER, -h/--help the
#       usage (exit 0); --probe, for a monitor given a PROBE-COMMAND, runs it
#       and exits with its status ("works", exit 0; one line why not, exit 3);
#       nothing or another option: the usage on stderr, exit 2. An OUTFILE
#       returns: the monitor starts recording into it.
#   mon_uptime       seconds since boot, 10 ms resolution (/proc/uptime)
#   mon_wait PID     wait for the signal that stops the monitor (its trap
#                    runs and exits): on PID (may be "") while it runs, then
#                    in 1 s naps (wait returns as soon as the signal comes; a
#                    bare sleep would delay the trap to its end)

mon_cli() {
	mon_arg=${1-}
	[ $# -gt 0 ] && shift
	mon_name=${0##*/}
	mon_usage="$mon_name OUTFILE (record until SIGTERM) | $mon_name --header"
	[ $# -eq 0 ] || mon_usage="$mon_usage | $mon_name --probe"
	case $mon_arg in
	--header)
		echo "$HEADER"
		exit 0
		;;
	-h | --help)
		echo "usage: $mon_usage"
		exit 0
		;;
	--probe)
		if [ $# -gt 0 ]; then
			"$@"
			exit $?
		fi
		;;
	'' | -*) ;;
	*) return 0 ;;
	esac
	echo "usage: $mon_usage" >&2
	exit 2
}

mon_uptime() {
	read -r up _ </proc/uptime && echo "$up"
}

mon_wait() {
	while [ -n "${1-}" ] && kill -0 "$1" 2>/dev/null; do
		wait "$1"
	done
	while :; do
		sleep 1 &
		wait $!
	done
}
