# shellcheck shell=bash
# BPF cost benchmarks in the guest (sourced by tests/guest/backends.sh): what
# the CI host cannot load (kprobe, fentry, fexit, fmod_ret, probe_write_user)
# is measured here. cob-bpfcost's smallest grids: trigger (every mechanism
# doctor says attaches must be measured, hits = calls), helpers (every helper
# doctor allows measured), tailcall (both variants equal to the user-space
# result). Not on thesis-int3 (its suite is the E17 checks only).
bpfcost() {
	local d=$W/bpfcost doc m f b rows reason sym=""
	section bpfcost
	rm -rf "$d"
	mkdir -p "$d"
	doc=$d/doctor.json
	"$H/cob-doctor" --json >"$doc" 2>/dev/null
	jq -e .features "$doc" >/dev/null || { fail "bpfcost: cob-doctor --json gave no features"; return; }
	for b in trigger helpers tailcall; do
		# the quick grid with few runs: what is checked here is what ran, not its speed
		if "$H/cob-bpfcost" "$b" --quick --runs 20 --out "$d/$b" >"$d/$b.log" 2>&1; then
			pass "bpfcost $b --quick ran"
		else
			fail "bpfcost $b --quick: $(tail -1 "$d/$b.log")"
			continue
		fi
		cp "$d/$b/$b.csv" "${out:?}/bpfcost-$b.csv" 2>/dev/null
	done
	# measured where doctor says the mechanism works, skipped with a reason elsewhere
	for m in tp:tracepoint raw_tp:raw_tracepoint kprobe:kprobe fentry:fentry fexit:fexit fmod_ret:fmod_ret_permission \
		probe_read_user:tracepoint probe_write_user:probe_write_user; do
		f=${m#*:} m=${m%%:*}
		case $m in probe_*) b=helpers ;; *) b=trigger ;; esac
		[ -s "$d/$b/$b.csv" ] || continue
		rows=$(awk -F, -v m="$m" '$5 == m' "$d/$b/$b.csv" | wc -l)
		reason=$(jq -r --arg n "$m" '.skipped[$n] // ""' "$d/$b/meta.json")
		if [ "$m" = fmod_ret ]; then # needs trampolines and getpgid in the error-injection list
			f="fentry + ${sym:=$(grep -F _sys_getpgid /proc/kallsyms | awk '$3 ~ /^__(x64|arm64|se)_sys_getpgid$/ { print $3; exit }')} in error_injection/list"
			if [ "$(jq -r '.features.fentry.available' "$doc")" = true ] &&
				grep -qw "${sym:-none}" /sys/kernel/debug/error_injection/list 2>/dev/null; then
				bc_check "bpfcost $b: $m measured ($f; skipped: $reason)" [ "$rows" -gt 0 ]
			else
				bc_check "bpfcost $b: $m skipped with a reason, no $f ($reason)" [ "$rows" -eq 0 -a -n "$reason" ]
			fi
		elif [ "$(jq -r --arg f "$f" '.features[$f].available' "$doc")" = true ]; then
			bc_check "bpfcost $b: $m measured (doctor: $f available; skipped: $reason)" [ "$rows" -gt 0 ]
		else
			bc_check "bpfcost $b: $m measured or skipped with a reason ($reason)" [ "$rows" -gt 0 -o -n "$reason" ]
		fi
	done
	# shellcheck disable=SC2016 # awk programs
	[ -s "$d/trigger/trigger.csv" ] && bc_check "bpfcost trigger: every program ran once per call" \
		awk -F, 'NR > 1 && ($5 == "raw_tp" ? $12 < $8 : $12 != $8) { print; bad = 1 } END { exit bad }' "$d/trigger/trigger.csv"
	# shellcheck disable=SC2016 # awk programs
	[ -s "$d/tailcall/tailcall.csv" ] && bc_check "bpfcost tailcall: both variants give the user-space result" \
		awk -F, 'NR > 1 && ($16 != 1 || $17 != 0) { print; bad = 1 } END { exit bad }' "$d/tailcall/tailcall.csv"
	bc_check "bpfcost: kernel.bpf_stats_enabled off again" [ "$(cat /proc/sys/kernel/bpf_stats_enabled)" = 0 ]
	bc_check "bpfcost: no program left loaded" wait_for 5 sh -c '! grep -F _cob_ /proc/kallsyms | grep -qE "bpf_prog_[0-9a-f]+_cob_(bc|tc|trig)_"'
}

# bc_check DESC CMD...: pass when CMD succeeds, else fail showing its output
bc_check() {
	local desc=$1 o
	shift
	if o=$("$@" 2>&1); then pass "$desc"; else fail "$desc: $(head -3 <<<"$o" | tr '\n' ' ')"; fi
}

case "${rel:?}" in
*-cob-thesis-int3) ;;
*) bpfcost ;;
esac
