#!/usr/bin/env bats
# shellcheck disable=SC2030,SC2031,SC2154 # bats: run sets output/status/stderr
# cob-doctor against the real kernel it runs on. What that kernel can do is
# derived without doctor by tests/bats/kernel_facts.sh (lockdown from
# securityfs, kprobes/override/error injection from the kernel config and
# kallsyms/tracefs/debugfs, trampolines, bpf_loop and ring buffers from
# bpftool trial loads of tests/bats/trial.bpf.c), and every verdict of doctor
# must agree with it: yes where the kernel can, no with the cause named where
# it cannot. Runs on any kernel: the CI host (tracepoints only), and inside
# the Debian and thesis guests (tests/guest/backends.sh runs it there).
# Needs root; COB_DOCTOR overrides the binary, KERNEL_FACTS the facts file.
# Doctor's JSON is read once into a TSV (jq takes ~2 s to start in a TCG guest).

setup_file() {
	: "${COB_DOCTOR:=${BATS_TEST_DIRNAME}/../../build/bin/cob-doctor}"
	export COB_DOCTOR
	export DOCTOR_JSON="${BATS_FILE_TMPDIR}/doctor.json"
	export DOCTOR_TSV="${BATS_FILE_TMPDIR}/doctor.tsv"
	export FACTS="${BATS_FILE_TMPDIR}/facts.tsv"
	# doctor reports where it runs from COB_WHERE; these tests expect the default
	unset COB_WHERE
	if [ -x "$COB_DOCTOR" ] && [ "$(id -u)" = 0 ]; then
		local st=0
		# what the leak test below compares: the mounts and brd before and after this run
		mounts >"${BATS_FILE_TMPDIR}/mounts.before"
		brd_state >"${BATS_FILE_TMPDIR}/brd.before"
		"$COB_DOCTOR" --json >"$DOCTOR_JSON" 2>"${BATS_FILE_TMPDIR}/doctor.err" || st=$?
		mounts >"${BATS_FILE_TMPDIR}/mounts.after"
		brd_state >"${BATS_FILE_TMPDIR}/brd.after"
		echo "$st" >"${BATS_FILE_TMPDIR}/doctor.status"
		verdicts "$DOCTOR_JSON" >"$DOCTOR_TSV" || true
		if [ -n "${KERNEL_FACTS:-}" ]; then
			cp "$KERNEL_FACTS" "$FACTS"
		else
			bash "$BATS_TEST_DIRNAME/kernel_facts.sh" >"$FACTS" 2>"${BATS_FILE_TMPDIR}/facts.err" || true
		fi
	fi
}

setup() {
	# what ./run.sh test sets up; missing, it is a failure, not a skip
	[ -x "$COB_DOCTOR" ] || { echo "no $COB_DOCTOR (run make)"; return 1; }
	# the backend registry as cob-hook (next to cob-doctor) lists it: a new
	# backend needs no edit here
	BACKENDS=$("$(dirname "$COB_DOCTOR")/cob-hook" list | awk '/^[a-z]/ { printf "%s%s", sep, $1; sep = " " }')
	[ -n "$BACKENDS" ] || { echo "cob-hook list printed no backend"; return 1; }
	[ "$(id -u)" = 0 ] || { echo "the doctor tests need root"; return 1; }
	command -v jq >/dev/null || { echo "needs jq (apt-get install -y jq)"; return 1; }
}

FEATURES="btf tracepoint raw_tracepoint kprobe kprobe_copyout override_return fentry fexit"
FEATURES+=" fmod_ret_permission fmod_ret_copyout probe_write_user bpf_loop ringbuf brd"
US=$'\037' # field separator of one-line results (keeps empty fields, unlike a TAB)

# verdicts JSON: doctor's JSON as TSV lines KIND NAME AVAILABLE TYPE REASON
# (KIND feature, backend, auto; and top for the keys, kernel and where)
verdicts() {
	jq -r '
		(.features // {} | to_entries[] | ["feature", .key, (.value.available | tostring),
			(.value.available | type), (.value.reason // "")]),
		(.backends // {} | to_entries[] | ["backend", .key, (.value.available | tostring),
			(.value.available | type), (.value.reason // "")]),
		["auto", "auto", (.auto | tostring), (.auto | type), ""],
		["top", "keys", (keys_unsorted | join(",")), "", ""],
		["top", "backends", (.backends // {} | keys_unsorted | join(",")), "", ""],
		["top", "kernel", (.kernel | tostring), "", ""],
		["top", "where", (.where | tostring), "", ""]
		| @tsv' "$1"
}

# verdict KIND NAME FIELD [TSV]: available (true/false), type or reason
verdict() {
	awk -F'\t' -v k="$1" -v n="$2" -v f="$3" '$1 == k && $2 == n {
		print (f == "available" ? $3 : f == "type" ? $4 : $5); exit }' "${4:-$DOCTOR_TSV}"
}
feature() { verdict feature "$@"; } # feature NAME FIELD
backend() { verdict backend "$@"; }

# fact KIND NAME FIELD: a field of the derived facts (state, expect, evidence)
fact() {
	awk -F'\t' -v k="$1" -v n="$2" -v f="$3" '$1 == k && $2 == n {
		print (f == "state" ? $3 : f == "expect" ? $4 : $5); exit }' "$FACTS"
}

# agree KIND NAME [TSV]: doctor's verdict on feature/backend NAME (default
# $DOCTOR_TSV) is the derived one; a "no" names the derived cause
agree() {
	local kind=$1 name=$2 want expect ev got reason
	IFS=$US read -r want expect ev got reason < <(awk -F'\t' -v k="$kind" -v n="$name" -v facts="$FACTS" -v s="$US" '
		$1 == k && $2 == n { if (FILENAME == facts) { w = $3; x = $4; e = $5 } else { g = $3; r = $5 } }
		END { print w s x s e s g s r }' "$FACTS" "${3:-$DOCTOR_TSV}")
	case "$want" in
	yes) want=true ;;
	no) want=false ;;
	*) echo "$kind $name: cannot derive what this kernel can do (${want:-no fact}: $ev)"; return 1 ;;
	esac
	[ "$got" = "$want" ] ||
		{ echo "$kind $name: doctor says available=${got:-nothing} ($reason); this kernel: $want ($ev)"; return 1; }
	[ -n "$reason" ] || { echo "$kind $name: empty reason"; return 1; }
	if [ "$want" = false ] && [ "$expect" != - ]; then
		[[ "$reason" == *"$expect"* ]] ||
			{ echo "$kind $name: reason '$reason' does not name the cause '$expect' ($ev)"; return 1; }
	fi
}

# agree_all KIND NAME...: agree on each, reporting every disagreement
agree_all() {
	local kind=$1 n rc=0
	shift
	for n in "$@"; do agree "$kind" "$n" || rc=1; done
	return $rc
}

# agree_auto [TSV]: doctor's auto choice is this kernel's first usable backend
agree_auto() {
	local want got
	want=$(fact auto auto state)
	got=$(verdict auto auto available "${1:-$DOCTOR_TSV}")
	[ "$got" = "$want" ] || { echo "doctor's auto is $got, this kernel's first usable backend: $want"; return 1; }
}

# well_formed KIND NAME...: each has a boolean verdict and a non-empty reason
well_formed() {
	local kind=$1
	shift
	awk -F'\t' -v k="$kind" -v want="$*" '
		BEGIN { n = split(want, w, " ") }
		$1 == k { t[$2] = $4; r[$2] = $5 }
		END {
			for (i = 1; i <= n; i++) {
				if (!(w[i] in t)) print k " " w[i] ": missing"
				else if (t[w[i]] != "boolean") print k " " w[i] ": available is a " t[w[i]]
				else if (r[w[i]] == "") print k " " w[i] ": empty reason"
			}
		}' "$DOCTOR_TSV" | grep . && return 1
	return 0
}

# mount points with their filesystem types, one per line, sorted
mounts() {
	awk '$9 ~ /^(tracefs|debugfs|bpf|securityfs|configfs)$/ { print $5, $9 }' /proc/self/mountinfo | sort
}
brd_state() { test -e /sys/module/brd && echo loaded || echo absent; }

@test "--help exits 0 and shows the usage" {
	run "$COB_DOCTOR" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"usage: cob-doctor [--json] [--where host|guest-tcg|guest-kvm]"* ]]
}

@test "--json exits 0, prints one valid JSON object and nothing on stderr" {
	# the run of setup_file (a doctor run costs 10-15 s in a TCG guest)
	[ "$(cat "${BATS_FILE_TMPDIR}/doctor.status")" -eq 0 ]
	[ "$(wc -l <"$DOCTOR_JSON")" -eq 1 ]
	[ -s "$DOCTOR_TSV" ] # jq parsed it
	[ ! -s "${BATS_FILE_TMPDIR}/doctor.err" ]
}

@test "--json has exactly the keys kernel, where, features, backends, auto, auto_by_mode in that order" {
	[ "$(verdict top keys available)" = kernel,where,features,backends,auto,auto_by_mode,monitors ]
	[ "$(verdict top kernel available)" = "$(uname -r)" ]
	[ "$(verdict top where available)" = host ]
}

@test "every required feature is reported with a boolean and a non-empty reason" {
	# shellcheck disable=SC2086
	well_formed feature $FEATURES
}

@test "every backend is reported, in preference order, with a non-empty reason" {
	[ "$(verdict top backends available)" = "${BACKENDS// /,}" ]
	# shellcheck disable=SC2086
	well_formed backend $BACKENDS
	[ "$(verdict auto auto type)" = string ]
}

# --- doctor against what this kernel can do (tests/bats/kernel_facts.sh) ---

@test "this kernel: every feature, backend and the auto choice is derived without doctor" {
	[ -s "$FACTS" ] || { echo "kernel_facts.sh printed nothing:"; cat "${BATS_FILE_TMPDIR}/facts.err"; return 1; }
	run awk -F'\t' -v want="$FEATURES $BACKENDS override_copyout kprobe_copyout_write" '
		BEGIN { n = split(want, w, " ") }
		$1 == "feature" || $1 == "backend" {
			seen[$2] = 1
			if ($3 != "yes" && $3 != "no") print $1 " " $2 ": " $3 " (" $5 ")"
		}
		$1 == "auto" { a = $3 }
		END {
			for (i = 1; i <= n; i++) if (!(w[i] in seen)) print "no fact for " w[i]
			if (a == "" || a == "unknown") print "auto: " (a == "" ? "no fact" : a)
		}' "$FACTS"
	[ -z "$output" ]
	# one summary in the TAP stream: what this kernel is
	awk -F'\t' '
		$1 == "fact" && $2 != "trials" { f = f " " $2 "=" $3 }
		$1 == "feature" { s[$3] = s[$3] " " $2 }
		$1 == "backend" { b[$3] = b[$3] " " $2 }
		$1 == "auto" { a = $3 }
		END {
			print "# kernel facts:" f
			print "# features yes:" s["yes"] "; no:" s["no"]
			print "# backends yes:" b["yes"] "; no:" b["no"] "; auto " a
		}' "$FACTS" >&3
}

@test "this kernel: btf, tracepoint and raw_tracepoint agree with sysfs and tracefs" {
	agree_all feature btf tracepoint raw_tracepoint
	if [ "$(fact feature tracepoint state)" = yes ]; then
		[[ "$(feature tracepoint reason)" == *"sys_enter_read"*"fired"* ]]
	fi
}

@test "this kernel: kprobe, kprobe_copyout, override_return agree with the config, kallsyms and error-injection list" {
	agree_all feature kprobe kprobe_copyout override_return
}

@test "this kernel: fentry, fexit, fmod_ret agree with bpftool trial loads and the ftrace sites" {
	agree_all feature fentry fexit fmod_ret_permission fmod_ret_copyout
}

@test "this kernel: probe_write_user agrees with the lockdown mode in securityfs" {
	agree feature probe_write_user
}

@test "this kernel: bpf_loop and ringbuf agree with bpftool trial loads, brd with sysfs and the modules" {
	agree_all feature bpf_loop ringbuf brd
}

@test "this kernel: each backend and the auto choice follow from the derived features" {
	# shellcheck disable=SC2086
	agree_all backend $BACKENDS
	agree_auto
}

@test "human output: kernel, where, both tables and the auto choice agree with this kernel" {
	run "$COB_DOCTOR"
	[ "$status" -eq 0 ]
	[[ "$output" == *"kernel   $(uname -r)"* ]]
	[[ "$output" == *"where    host"* ]]
	local kind n st auto rc=0 nl=$'\n'
	while read -r kind n st; do
		case "$kind" in
		feature | backend) [[ "$nl$output" =~ $nl$n\ +$st\  ]] || { echo "no line '$n $st'"; rc=1; } ;;
		auto) auto=$n ;;
		esac
	done < <(awk -F'\t' -v want="$FEATURES $BACKENDS" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
		($1 == "feature" || $1 == "backend") && ($2 in keep) { print $1, $2, $3 }
		$1 == "auto" { print "auto", $3 }' "$FACTS")
	[ "$auto" = none ] && auto="none (no backend that can do this is usable here)"
	[ "${lines[-2]}" = "auto (observe)   $auto" ] || { echo "line '${lines[-2]}', want 'auto (observe)   $auto'"; rc=1; }
	[ "$rc" -eq 0 ]
}

@test "the checks can fail: a doctor wrong about any one feature, backend, cause or auto is caught" {
	local wrong=$BATS_TEST_TMPDIR/wrong.tsv kind n st expect caught=0 tried=0
	# wrong KIND NAME AVAILABLE [REASON]: doctor's verdicts with one changed, into $wrong
	wrong() {
		awk -F'\t' -v OFS='\t' -v k="$1" -v n="$2" -v v="$3" -v r="${4:-}" \
			'$1 == k && $2 == n { $3 = v; if (r != "") $5 = r } 1' "$DOCTOR_TSV" >"$wrong"
		tried=$((tried + 1))
	}
	while read -r kind n st expect; do
		# the verdict flipped against this kernel
		wrong "$kind" "$n" "$([ "$st" = yes ] && echo false || echo true)"
		if agree "$kind" "$n" "$wrong" >/dev/null; then echo "flipped $kind $n not caught"; else caught=$((caught + 1)); fi
		# the right "no" for the wrong reason
		if [ "$st" = no ] && [ "$expect" != - ]; then
			wrong "$kind" "$n" false "load failed: EXDEV"
			if agree "$kind" "$n" "$wrong" >/dev/null; then echo "$kind $n: wrong cause not caught"; else caught=$((caught + 1)); fi
		fi
	done < <(awk -F'\t' -v want="$FEATURES $BACKENDS" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) keep[w[i]] = 1 }
		($1 == "feature" || $1 == "backend") && ($2 in keep) { print $1, $2, $3, ($4 ~ / / ? "x" : $4) }' "$FACTS")
	wrong auto auto "$([ "$(fact auto auto state)" = tp-read ] && echo none || echo tp-read)"
	if agree_auto "$wrong" >/dev/null; then echo "wrong auto not caught"; else caught=$((caught + 1)); fi
	echo "caught $caught of $tried wrong verdicts"
	[ "$caught" -eq "$tried" ] && [ "$tried" -ge 20 ]
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
	# after the run of setup_file (and those of the tests before)
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
	# around the run of setup_file
	[ -s "${BATS_FILE_TMPDIR}/brd.before" ] && [ -s "${BATS_FILE_TMPDIR}/brd.after" ] || { echo "setup_file did not record the state around its doctor run"; false; }
	diff "${BATS_FILE_TMPDIR}/mounts.before" "${BATS_FILE_TMPDIR}/mounts.after"
	diff "${BATS_FILE_TMPDIR}/brd.before" "${BATS_FILE_TMPDIR}/brd.after"
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

# --- inside guest kernels (vm, qemu TCG; about 5-15 s each once the
# kernels are cached): the two named kernels, booted from this host, against
# what they are known to offer (README: Guest kernels). COB_SKIP_GUEST=1
# skips them; inside a guest (COB_IN_GUEST=1) there is no qemu to boot them.

guest_doctor() { # guest_doctor KERNEL -> $DOCTOR_JSON of that guest
	[ "${COB_SKIP_GUEST:-0}" = 1 ] && skip "COB_SKIP_GUEST=1"
	[ "${COB_IN_GUEST:-0}" = 1 ] && skip "inside a guest: the named guest kernels boot from the host"
	command -v qemu-system-x86_64 >/dev/null || { echo "needs qemu-system-x86_64"; return 1; }
	run --separate-stderr bash "$BATS_TEST_DIRNAME/../../vm/vm.sh" --timeout 300 \
		--kernel "$1" -- doctor --json
	[ "$status" -eq 0 ] || { echo "vm.sh exit $status: $stderr"; false; }
	DOCTOR_JSON="$BATS_TEST_TMPDIR/guest.json"
	printf '%s\n' "$output" | grep '^{' | tail -n1 >"$DOCTOR_JSON"
	jq -e 'type == "object"' "$DOCTOR_JSON" >/dev/null
	DOCTOR_TSV="$BATS_TEST_TMPDIR/guest.tsv"
	verdicts "$DOCTOR_JSON" >"$DOCTOR_TSV"
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
	[[ "$(backend kprobe-copyout reason)" == *"override_copyout verified"* ]]
	[ "$(jq -r .auto "$DOCTOR_JSON")" = kprobe-copyout ]
}
