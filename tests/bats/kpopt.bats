#!/usr/bin/env bats
# shellcheck disable=SC2154 # bats: run sets output, stderr, status
# cob-kpopt (bench/cob_kpopt.c): its usage and refusals on this host. Writing
# the sysctl is exercised in the thesis-int3 guest (tests/guest/parts/e17_pacing.sh),
# never here: it is a global setting of the host's kernel.

bats_require_minimum_version 1.5.0 # run --separate-stderr

setup() {
	cd "$BATS_TEST_DIRNAME/../.." || return
	BIN=$PWD/build/bin
	[ -x "$BIN/cob-kpopt" ] || { echo "cob-kpopt not built (run make)"; return 1; }
}

@test "cob-kpopt: --help, bad usage is one line and exit 2" {
	run "$BIN/cob-kpopt" --help
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: cob-kpopt 0|1"* ]]
	for args in "" 2 "1 1" -1 on; do
		# shellcheck disable=SC2086 # word splitting intended: the argument lists
		run "$BIN/cob-kpopt" $args
		echo "args '$args': $status $output"
		[ "$status" -eq 2 ]
		[ "${#lines[@]}" -eq 1 ]
		[[ "$output" == "cob-kpopt: usage: cob-kpopt 0|1"* ]]
	done
}

@test "cob-kpopt: a kernel without the sysctl is one line, exit 1, nothing printed on stdout" {
	sysctl=/proc/sys/debug/kprobes-optimization
	if [ -e "$sysctl" ]; then
		# this kernel has it: the refusal cannot be shown without changing a host setting
		skip "$sysctl exists here (the guest part writes it)"
	fi
	run --separate-stderr "$BIN/cob-kpopt" 1
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "cob-kpopt: $sysctl: no such sysctl (kernel without CONFIG_OPTPROBES)" ]
}
