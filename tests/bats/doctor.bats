#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: run sets output/status/stderr
# cob-doctor against the real kernel of this machine (the CI host, see
# KERNEL-FACTS.md section 1: tracepoints only, no kprobes/trampolines/
# probe_write_user). Needs root; COB_DOCTOR overrides the binary.

setup_file() {
	: "${COB_DOCTOR:=${BATS_TEST_DIRNAME}/../../build/bin/cob-doctor}"
	export COB_DOCTOR
	export DOCTOR_JSON="${BATS_FILE_TMPDIR}/doctor.json"
	# The host facts below are about the host; a caller's COB_WHERE must not leak in.
	unset COB_WHERE
	if [ -x "$COB_DOCTOR" ] && [ "$(id -u)" = 0 ]; then
		"$COB_DOCTOR" --json >"$DOCTOR_JSON" 2>"${BATS_FILE_TMPDIR}/doctor.err" || true
	fi
}

setup() {
	# what ./run.sh test sets up; missing, it is a failure, not a skip
	[ -x "$COB_DOCTOR" ] || { echo "no $COB_DOCTOR (run make)"; return 1; }
	[ "$(id -u)" = 0 ] || { echo "the doctor tests need root"; return 1; }
	command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)"; return 1; }
}

feature() { # feature NAME FIELD
	jq -r --arg n "$1" ".features[\$n].$2" "$DOCTOR_JSON"
}

backend() {
	jq -r --arg n "$1" ".backends[\$n].$2" "$DOCTOR_JSON"
}

# mount points with their filesystem types, one per line, sorted
mounts() {
	awk '$9 ~ /^(tracefs|debugfs|bpf|securityfs|configfs)$/ { print $5, $9 }' /proc/self/mountinfo | sort
}

@test "--help exits 0 and shows the usage" {
	run "$COB_DOCTOR" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: cob-doctor [--json] [--where host|guest-tcg|guest-kvm]"* ]]
}

@test "--json exits 0, prints one valid JSON object and nothing on stderr" {
	run "$COB_DOCTOR" --json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | jq -e 'type == "object"' >/dev/null
	[ ! -s "${BATS_FILE_TMPDIR}/doctor.err" ]
}

@test "--json has exactly the keys kernel, where, features, backends, auto, auto_by_mode in that order" {
	run jq -c 'keys_unsorted' "$DOCTOR_JSON"
	[ "$output" = '["kernel","where","features","backends","auto","auto_by_mode"]' ]
	[ "$(jq -r .kernel "$DOCTOR_JSON")" = "$(uname -r)" ]
	[ "$(jq -r .where "$DOCTOR_JSON")" = host ]
}

@test "every required feature is reported with a boolean and a non-empty reason" {
	for f in btf tracepoint raw_tracepoint kprobe kprobe_copyout override_return fentry fexit \
		fmod_ret_permission fmod_ret_copyout probe_write_user bpf_loop ringbuf brd; do
		[ "$(jq -r --arg n "$f" '.features[$n].available | type' "$DOCTOR_JSON")" = boolean ] ||
			{ echo "feature $f missing"; return 1; }
		[ -n "$(feature "$f" reason)" ] || { echo "feature $f: empty reason"; return 1; }
	done
}

@test "every backend is reported, in preference order, with a non-empty reason" {
	run jq -c '.backends | keys_unsorted' "$DOCTOR_JSON"
	[ "$output" = '["kprobe-copyout","fmodret-copyout","fexit-read","fmodret-permission","tp-read","none"]' ]
	for b in kprobe-copyout fmodret-copyout fexit-read fmodret-permission tp-read none; do
		[ "$(jq -r --arg n "$b" '.backends[$n].available | type' "$DOCTOR_JSON")" = boolean ]
		[ -n "$(backend "$b" reason)" ]
	done
}

@test "host: tracepoint, raw_tracepoint, bpf_loop and ringbuf work (and say how)" {
	for f in tracepoint raw_tracepoint bpf_loop ringbuf btf; do
		[ "$(feature "$f" available)" = true ] || { echo "$f: $(feature "$f" reason)"; return 1; }
	done
	[[ "$(feature tracepoint reason)" == *"sys_enter_read"*"fired"* ]]
}

@test "host: kprobe, kprobe_copyout, override_return are unavailable with a reason" {
	for f in kprobe kprobe_copyout override_return; do
		[ "$(feature "$f" available)" = false ]
	done
	[[ "$(feature kprobe reason)" == *"failed"* ]]
	[[ "$(feature kprobe_copyout reason)" == *"copyout"* ]]
	[[ "$(feature override_return reason)" == *"bpf_override_return"* ]]
}

@test "host: fentry, fexit and fmod_ret fail to load with EPERM" {
	for f in fentry fexit fmod_ret_permission; do
		[ "$(feature "$f" available)" = false ]
		[[ "$(feature "$f" reason)" == "load failed: EPERM"* ]] || { echo "$f: $(feature "$f" reason)"; return 1; }
	done
	[ "$(feature fmod_ret_copyout available)" = false ]
	[ -n "$(feature fmod_ret_copyout reason)" ]
}

@test "host: probe_write_user is refused (lockdown) with the helper named" {
	[ "$(feature probe_write_user available)" = false ]
	[[ "$(feature probe_write_user reason)" == *"EINVAL"*"bpf_probe_write_user"* ]]
}

@test "host: only tp-read is usable and auto picks it" {
	[ "$(backend tp-read available)" = true ]
	for b in kprobe-copyout fmodret-copyout fmodret-permission fexit-read; do
		[ "$(backend "$b" available)" = false ]
		[[ "$(backend "$b" reason)" == "missing "* ]]
	done
	[[ "$(backend fexit-read reason)" == *"fexit: load failed"* ]]
	[ "$(jq -r .auto "$DOCTOR_JSON")" = tp-read ]
}

@test "human output: kernel, where, both tables and the auto choice" {
	run "$COB_DOCTOR"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel   $(uname -r)"* ]]
	[[ "$output" == *"where    host"* ]]
	[[ "$output" =~ tracepoint\ +yes ]]
	[[ "$output" =~ fentry\ +no\ +load\ failed ]]
	[[ "$output" =~ tp-read\ +yes ]]
	[[ "${lines[-2]}" == "auto (observe)   tp-read" ]]
	[[ "${lines[-1]}" == "auto (override)  none (no backend that can do this is usable here)" ]]
}

@test "--where and COB_WHERE set where; a bad place exits 2 with one line" {
	run "$COB_DOCTOR" --json --where guest-tcg
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | jq -r .where)" = guest-tcg ]
	COB_WHERE=guest-kvm run "$COB_DOCTOR" --json
	[ "$(echo "$output" | jq -r .where)" = guest-kvm ]
	run "$COB_DOCTOR" --where moon
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "unknown options and stray arguments exit 2 with one line" {
	for args in --bogus "--json extra" --where; do
		# shellcheck disable=SC2086
		run "$COB_DOCTOR" $args
		[ "$status" -eq 2 ] || { echo "$args -> $status"; return 1; }
		[ "${#lines[@]}" -eq 1 ]
	done
}

@test "without CAP_BPF/CAP_SYS_ADMIN: one line, exit 2" {
	command -v setpriv >/dev/null || skip "needs setpriv"
	run setpriv --reuid 65534 --regid 65534 --clear-groups "$COB_DOCTOR" --json
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *"needs root"* ]]
}

# names of our probe programs/maps still loaded, if any
leftover() {
	{ bpftool prog show; bpftool map show; } | grep -o 'cob_pr_[a-z_]*' || true
}

@test "no cob_pr_ program or map is left loaded after doctor" {
	"$COB_DOCTOR" --json >/dev/null
	# Programs are gone as soon as doctor exits; the maps they used are freed
	# after an RCU grace period, so allow a moment. (A concurrent doctor run
	# by someone else is also gone within that time; a leak is not.)
	local left tries=50
	left=$(leftover)
	while [ -n "$left" ] && [ "$tries" -gt 0 ]; do
		sleep 0.1
		tries=$((tries - 1))
		left=$(leftover)
	done
	[ -z "$left" ] || { echo "still loaded after 5 s: $left"; false; }
}

@test "no mount is left behind, and brd is left as found" {
	local before after brd_before brd_after
	before=$(mounts)
	brd_before=$(test -e /sys/module/brd && echo loaded || echo absent)
	"$COB_DOCTOR" --json >/dev/null
	after=$(mounts)
	brd_after=$(test -e /sys/module/brd && echo loaded || echo absent)
	[ "$before" = "$after" ]
	[ "$brd_before" = "$brd_after" ]
}

@test "tracefs unmounted: doctor mounts it for the trial and leaves it unmounted" {
	command -v unshare >/dev/null || skip "needs unshare"
	# In a private mount namespace, so the machine's own tracefs is untouched.
	# shellcheck disable=SC2016 # expanded by the inner sh
	run unshare -m sh -c '
		umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null
		umount /sys/kernel/tracing 2>/dev/null
		grep -c " tracefs " /proc/self/mounts
		"$0" --json | jq -r .features.tracepoint.available
		grep -c " tracefs " /proc/self/mounts' "$COB_DOCTOR"
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = true ]
	[ "${lines[2]}" = 0 ]
}

# --- inside guest kernels (vm/, qemu TCG; about 5-15 s each once the
# kernels are cached). Expectations: KERNEL-FACTS.md sections 2 and 3.
# COB_SKIP_GUEST=1 skips them.

guest_doctor() { # guest_doctor KERNEL -> $DOCTOR_JSON of that guest
	[ "${COB_SKIP_GUEST:-0}" = 1 ] && skip "COB_SKIP_GUEST=1"
	command -v qemu-system-x86_64 >/dev/null || { echo "needs qemu-system-x86_64"; return 1; }
	run --separate-stderr bash "$BATS_TEST_DIRNAME/../../vm/vm.sh" --timeout 300 \
		--kernel "$1" -- doctor --json
	[ "$status" -eq 0 ] || { echo "vm.sh exit $status: $stderr"; false; }
	DOCTOR_JSON="$BATS_TEST_TMPDIR/guest.json"
	printf '%s\n' "$output" | grep '^{' | tail -n1 >"$DOCTOR_JSON"
	jq -e 'type == "object"' "$DOCTOR_JSON" >/dev/null
	[ "$(jq -r .where "$DOCTOR_JSON")" = guest-tcg ]
}

@test "guest debian 6.1: trampolines, kprobes and probe_write_user; copyout inlined; auto = fexit-read / fmodret-permission" {
	bats_require_minimum_version 1.5.0
	guest_doctor debian
	for f in btf tracepoint kprobe fentry fexit fmod_ret_permission probe_write_user bpf_loop ringbuf brd; do
		[ "$(feature "$f" available)" = true ] || { echo "$f: $(feature "$f" reason)"; false; }
	done
	for f in kprobe_copyout fmod_ret_copyout override_return; do
		[ "$(feature "$f" available)" = false ] || { echo "$f unexpectedly available"; false; }
	done
	[[ "$(feature kprobe_copyout reason)" == *"no symbol copyout"* ]]
	[[ "$(feature override_return reason)" == *"bpf_override_return"* ]]
	[[ "$(feature brd reason)" == *"removed again"* ]]
	[ "$(backend fmodret-permission available)" = true ]
	[ "$(backend fexit-read available)" = true ]
	[ "$(backend kprobe-copyout available)" = false ]
	[ "$(jq -r .auto_by_mode.observe "$DOCTOR_JSON")" = fexit-read ]
	[ "$(jq -r .auto_by_mode.override "$DOCTOR_JSON")" = fmodret-permission ]
}

@test "guest thesis kernel: every feature and backend works; auto = kprobe-copyout" {
	bats_require_minimum_version 1.5.0
	guest_doctor thesis
	for f in btf tracepoint raw_tracepoint kprobe kprobe_copyout override_return fentry fexit \
		fmod_ret_permission fmod_ret_copyout probe_write_user bpf_loop ringbuf brd; do
		[ "$(feature "$f" available)" = true ] || { echo "$f: $(feature "$f" reason)"; false; }
	done
	[[ "$(feature override_return reason)" == *"copyout overridden"* ]]
	for b in kprobe-copyout fmodret-copyout fmodret-permission fexit-read tp-read; do
		[ "$(backend "$b" available)" = true ] || { echo "$b: $(backend "$b" reason)"; false; }
	done
	[[ "$(backend kprobe-copyout reason)" == *"kprobe_copyout_write verified"* ]]
	[ "$(jq -r .auto "$DOCTOR_JSON")" = kprobe-copyout ]
}
