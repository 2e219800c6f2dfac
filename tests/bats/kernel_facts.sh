#!/usr/bin/env bash
# copyout-bench: what the running kernel can do, derived without cob-doctor, so
# that tests/bats/doctor.bats can check doctor's verdicts against it.
#
#   bash tests/bats/kernel_facts.sh [--bpf DIR]   print the facts (needs root)
#   bash tests/bats/kernel_facts.sh --build DIR   compile the trial objects into DIR
#
# Output, one fact a line, fields separated by a TAB:
#   KIND  NAME  STATE  EXPECT  EVIDENCE
# KIND is feature, backend, auto or fact. STATE is yes, no or unknown (auto:
# the backend --hook auto must pick, or none; fact: a value such as the
# lockdown mode). EXPECT is a fragment doctor's reason must contain when STATE
# is no ("-": any non-empty reason). EVIDENCE says where STATE comes from.
#
# Where each answer comes from (never from cob-doctor or loaders/probe.c):
#   lockdown            securityfs /sys/kernel/security/lockdown (mounted here
#                       if missing; no file: no lockdown LSM)
#   kprobes, override,  the kernel config (/proc/config.gz, else
#   error injection     /boot/config-$(uname -r)), /proc/kallsyms, tracefs
#                       (kprobe_events, available_filter_functions) and debugfs
#                       (error_injection/list, kprobes/blacklist)
#   trampolines,        `bpftool prog load` of the tiny objects built from
#   bpf_loop, ringbuf   tests/bats/trial.bpf.c (--bpf DIR: prebuilt ones, else
#                       compiled here with clang, else $COB_TRIAL_BPF, else
#                       build/trial-bpf, where the guest initramfs has them)
#   tracepoints         tracefs events/
#   brd                 /sys/block/ram0, /sys/module/brd, modules.dep
# It runs in a private mount namespace: what it mounts vanishes with it.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# name:compiler flags of each trial object (tests/bats/trial.bpf.c)
TRIALS=(
	'fentry_vfs_read:-DTRIAL_SEC="fentry/vfs_read"'
	'fexit_vfs_read:-DTRIAL_SEC="fexit/vfs_read"'
	'fmodret_security_file_permission:-DTRIAL_SEC="fmod_ret/security_file_permission"'
	'fmodret_copyout:-DTRIAL_SEC="fmod_ret/copyout"'
	'ringbuf:-DTRIAL_RINGBUF'
	'loop:-DTRIAL_LOOP'
)

build() { # build DIR: every trial object into DIR
	local dir=$1 t name
	command -v clang >/dev/null || { echo "kernel_facts: needs clang to build the trial objects" >&2; return 1; }
	mkdir -p "$dir" || return 1
	for t in "${TRIALS[@]}"; do
		name=${t%%:*}
		# shellcheck disable=SC2086 # the flags are one word each
		clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" ${t#*:} \
			-c "$HERE/trial.bpf.c" -o "$dir/$name.bpf.o" ||
			{ echo "kernel_facts: cannot compile trial $name" >&2; return 1; }
	done
}

bpfdir=""
while [ $# -gt 0 ]; do
	case "$1" in
	--build) [ $# -ge 2 ] || { echo "kernel_facts: --build DIR" >&2; exit 2; }; build "$2"; exit ;;
	--bpf) [ $# -ge 2 ] || { echo "kernel_facts: --bpf DIR" >&2; exit 2; }; bpfdir=$2; shift 2 ;;
	-h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "kernel_facts: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "kernel_facts: needs root" >&2; exit 2; }

# Everything below in a private mount namespace.
if [ "${KF_PRIVATE_NS:-0}" != 1 ]; then
	KF_PRIVATE_NS=1 exec unshare -m "$BASH" "$0" ${bpfdir:+--bpf "$bpfdir"}
fi
mount --make-rprivate / 2>/dev/null

T=$(mktemp -d /tmp/kernel_facts.XXXXXX) || exit 1
trap 'umount "$T/bpffs" 2>/dev/null; rm -rf "$T"' EXIT

mounted() { awk -v d="$1" '$2 == d { f = 1 } END { exit !f }' /proc/self/mounts; }
ensure() { # ensure TYPE DIR: TYPE mounted on DIR
	mounted "$2" || mount -t "$1" "$1" "$2" 2>/dev/null
}
ensure securityfs /sys/kernel/security
[ -d /sys/kernel/tracing/events ] || ensure tracefs /sys/kernel/tracing
ensure debugfs /sys/kernel/debug
TRACE=/sys/kernel/tracing
DEBUG=/sys/kernel/debug
REL=$(uname -r)

# -------------------------------------------------------------- evidence --
lockdown=unknown lockdown_ev="securityfs not mountable"
if [ -r /sys/kernel/security/lockdown ]; then
	lockdown=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' /sys/kernel/security/lockdown)
	lockdown_ev="/sys/kernel/security/lockdown: $(cat /sys/kernel/security/lockdown)"
elif mounted /sys/kernel/security; then
	lockdown=none lockdown_ev="securityfs has no lockdown file (no lockdown LSM)"
fi

config_src=""
if [ -r /proc/config.gz ] && zcat /proc/config.gz >"$T/config" 2>/dev/null; then
	config_src=/proc/config.gz
elif [ -r "/boot/config-$REL" ]; then
	cp "/boot/config-$REL" "$T/config" && config_src=/boot/config-$REL
fi
cfg() { # cfg NAME: y, m, n or ? (no config)
	local v
	[ -n "$config_src" ] || { echo '?'; return; }
	v=$(sed -n "s/^CONFIG_$1=//p" "$T/config")
	echo "${v:-n}"
}
# no securityfs to ask: a kernel built without the lockdown LSM has no lockdown
if [ "$lockdown" = unknown ] && [ "$(cfg SECURITY_LOCKDOWN_LSM)" = n ]; then
	lockdown=none lockdown_ev="no securityfs; CONFIG_SECURITY_LOCKDOWN_LSM unset ($config_src)"
fi

# the few symbols that matter: text symbols, ftrace sites, error injection,
# kprobe blacklist (grep -F first: a regex over kallsyms takes minutes under TCG)
SYMS='copyout|vfs_read|security_file_permission|__x64_sys_getpgid|__arm64_sys_getpgid'
syms() { # syms FILE OUT: FILE's lines naming them into OUT; fails if FILE is unreadable
	grep -F -e copyout -e vfs_read -e security_file_permission -e sys_getpgid "$1" >"$2" 2>/dev/null
	[ $? -le 1 ]
}
# (lists a locked-down kernel does not let root read count as absent)
have_ftrace_list=0 have_einj_list=0
syms /proc/kallsyms "$T/kallsyms"
awk -v re="^($SYMS)\$" '($2 == "t" || $2 == "T") && $3 ~ re { print $3 }' "$T/kallsyms" >"$T/text"
syms "$TRACE/available_filter_functions" "$T/aff" && have_ftrace_list=1
awk -v re="^($SYMS)\$" '$1 ~ re { print $1 }' "$T/aff" >"$T/ftrace"
syms "$DEBUG/error_injection/list" "$T/ei" && have_einj_list=1
awk -v re="^($SYMS)\$" '$1 ~ re { print $1 }' "$T/ei" >"$T/einj"
syms "$DEBUG/kprobes/blacklist" "$T/bl"
awk -v re="^($SYMS)\$" '$2 ~ re { print $2 }' "$T/bl" >"$T/kpbl"
in_file() { grep -qx "$1" "$T/$2"; }
text() { in_file "$1" text; }
site() { in_file "$1" ftrace; }
site_state() { # yes, no, or unknown when the list of ftrace sites is unreadable
	if [ "$have_ftrace_list" = 0 ]; then echo unknown; else yn site "$1"; fi
}

# ---------------------------------------------------------------- trials --
if [ -z "$bpfdir" ]; then
	if command -v clang >/dev/null; then
		bpfdir=$T/trial-bpf
		build "$bpfdir" || bpfdir=""
	elif [ -n "${COB_TRIAL_BPF:-}" ]; then
		bpfdir=$COB_TRIAL_BPF
	else
		bpfdir=${COB_BUILD:-$ROOT/build}/trial-bpf
	fi
fi
BPFFS=$T/bpffs
mkdir -p "$BPFFS" && mount -t bpf bpf "$BPFFS" 2>/dev/null

errname() { # strerror text -> errno name
	case "$1" in
	"Operation not permitted") echo EPERM ;;
	"Invalid argument") echo EINVAL ;;
	"Permission denied") echo EACCES ;;
	"No such file or directory") echo ENOENT ;;
	"No such process") echo ESRCH ;;
	"Device or resource busy") echo EBUSY ;;
	"Argument list too long") echo E2BIG ;;
	"Operation not supported") echo EOPNOTSUPP ;;
	"Cannot allocate memory") echo ENOMEM ;;
	*) echo "$1" ;;
	esac
}

trial() { # trial NAME: "ok", or "load failed: EXXX", "no BTF FUNC", "trial impossible: ..."
	local obj=$bpfdir/$1.bpf.o out line
	command -v bpftool >/dev/null || { echo "trial impossible: no bpftool"; return; }
	[ -f "$obj" ] || { echo "trial impossible: no $obj"; return; }
	mounted "$BPFFS" || { echo "trial impossible: cannot mount bpffs"; return; }
	if out=$(bpftool -d prog load "$obj" "$BPFFS/$1" 2>&1); then
		rm -f "$BPFFS/$1"
		echo ok
		return
	fi
	line=$(grep -m1 -oE "BPF program load failed: .*|failed to find kernel BTF type ID of '[^']*'" <<<"$out")
	case "$line" in
	"BPF program load failed: "*) echo "load failed: $(errname "${line#BPF program load failed: }")" ;;
	"failed to find kernel BTF type ID of "*) echo "no BTF FUNC" ;;
	*) echo "trial impossible: bpftool: $(grep -m1 -iE 'error|fail' <<<"$out")" ;;
	esac
}

# ----------------------------------------------------------------- facts --
declare -A ST=()
emit() { # emit KIND NAME STATE EXPECT EVIDENCE
	[ "$1" = feature ] || [ "$1" = backend ] && ST[$2]=$3
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:--}" "$5"
}
yn() { if "$@"; then echo yes; else echo no; fi; }

emit fact kernel "$REL" - "uname -r"
emit fact lockdown "$lockdown" - "$lockdown_ev"
emit fact config "${config_src:-none}" - "kernel config"
emit fact trials "$bpfdir" - "trial objects for bpftool prog load"

bpf_events=$(cfg BPF_EVENTS)
bpf_events_ok() { [ "$bpf_events" != n ]; }

if [ -r /sys/kernel/btf/vmlinux ]; then
	emit feature btf yes - "/sys/kernel/btf/vmlinux present"
else
	emit feature btf no btf/vmlinux "/sys/kernel/btf/vmlinux absent"
fi

for tp in tracepoint:syscalls/sys_enter_read raw_tracepoint:raw_syscalls/sys_enter; do
	ev="tracefs events/${tp#*:} $(yn test -d "$TRACE/events/${tp#*:}"), CONFIG_BPF_EVENTS=$bpf_events"
	if [ -d "$TRACE/events/${tp#*:}" ] && bpf_events_ok; then
		emit feature "${tp%%:*}" yes - "$ev"
	else
		emit feature "${tp%%:*}" no - "$ev"
	fi
done

# kprobes: config first, tracefs as the evidence when there is no config
kp=$(cfg KPROBES) kpe=$(cfg KPROBE_EVENTS)
kp_ev="CONFIG_KPROBES=$kp CONFIG_KPROBE_EVENTS=$kpe ($config_src); tracefs kprobe_events $(yn test -e "$TRACE/kprobe_events")"
if [ -z "$config_src" ]; then
	kp_ev="no kernel config; tracefs kprobe_events $(yn test -e "$TRACE/kprobe_events")"
	if [ -e "$TRACE/kprobe_events" ]; then kp=y kpe=y; elif mounted "$TRACE"; then kp=n kpe=n; fi
fi
if [ "$kp" = '?' ]; then
	emit feature kprobe unknown - "$kp_ev"
elif [ "$kp" = y ] && [ "$kpe" = y ] && text vfs_read && bpf_events_ok; then
	emit feature kprobe yes - "$kp_ev"
elif [ "$kp" != y ]; then
	emit feature kprobe no CONFIG_KPROBES "$kp_ev"
else
	emit feature kprobe no - "$kp_ev"
fi

cp_ev="copyout text symbol in /proc/kallsyms: $(yn text copyout)"
if ! text copyout; then
	emit feature kprobe_copyout no "no symbol copyout" "$cp_ev"
elif [ "${ST[kprobe]}" != yes ]; then
	emit feature kprobe_copyout "${ST[kprobe]}" - "$cp_ev; kprobe ${ST[kprobe]}"
elif in_file copyout kpbl; then
	emit feature kprobe_copyout no - "$cp_ev; copyout on the kprobe blacklist"
else
	emit feature kprobe_copyout yes - "$cp_ev; kprobe yes"
fi

# override: bpf_override_return exists with CONFIG_BPF_KPROBE_OVERRIDE; it works
# on functions in the error-injection list (copyout when patched, syscalls)
ovr=$(cfg BPF_KPROBE_OVERRIDE) fei=$(cfg FUNCTION_ERROR_INJECTION)
einj_ok=0 einj_ev="no debugfs error_injection/list"
if [ "$have_einj_list" = 1 ]; then
	einj_ev="error_injection/list: $(tr '\n' ' ' <"$T/einj")"
	[ -s "$T/einj" ] && einj_ok=1
elif [ "$fei" = y ]; then
	einj_ok=1 # syscalls are error-injectable with FUNCTION_ERROR_INJECTION
fi
ovr_ev="CONFIG_BPF_KPROBE_OVERRIDE=$ovr CONFIG_FUNCTION_ERROR_INJECTION=$fei; $einj_ev"
if [ "$ovr" = '?' ]; then
	emit feature override_return unknown - "$ovr_ev"
elif [ "$ovr" != y ]; then
	emit feature override_return no bpf_override_return "$ovr_ev"
elif [ "${ST[kprobe]}" = yes ] && [ "$einj_ok" = 1 ]; then
	emit feature override_return yes - "$ovr_ev"
else
	emit feature override_return no - "$ovr_ev; kprobe ${ST[kprobe]}"
fi
if [ "${ST[override_return]}" = yes ] && [ "${ST[kprobe_copyout]}" = yes ] && in_file copyout einj; then
	emit feature override_copyout yes - "override_return yes, copyout in error_injection/list"
else
	emit feature override_copyout no - "override_return ${ST[override_return]}, kprobe_copyout ${ST[kprobe_copyout]}, copyout in error_injection/list: $(yn in_file copyout einj)"
fi

# trampolines: the trial load, and an ftrace site on the target to attach at
tramp() { # tramp FEATURE TRIAL FUNC
	local r ev s
	r=$(trial "$2")
	s=$(site_state "$3")
	ev="bpftool prog load ${2}: $r; ftrace site on $3: $s"
	[ "$s" = unknown ] && ev="$ev (available_filter_functions unreadable: the trial decides)"
	case "$r" in
	ok) if [ "$s" != no ]; then emit feature "$1" yes - "$ev"; else emit feature "$1" no - "$ev"; fi ;;
	"load failed: "*) emit feature "$1" no "$r" "$ev" ;;
	"no BTF FUNC")
		if text "$3"; then emit feature "$1" no "no BTF FUNC $3" "$ev"
		else emit feature "$1" no "no symbol $3" "$ev; no text symbol $3"; fi ;;
	*) emit feature "$1" unknown - "$ev" ;;
	esac
}
tramp fentry fentry_vfs_read vfs_read
tramp fexit fexit_vfs_read vfs_read
tramp fmod_ret_permission fmodret_security_file_permission security_file_permission
tramp fmod_ret_copyout fmodret_copyout copyout

# bpf_probe_write_user: refused under lockdown integrity and above
case "$lockdown" in
none) emit feature probe_write_user "$(bpf_events_ok && echo yes || echo no)" - "lockdown none; CONFIG_BPF_EVENTS=$bpf_events" ;;
integrity | confidentiality) emit feature probe_write_user no bpf_probe_write_user "lockdown $lockdown" ;;
*) emit feature probe_write_user unknown - "$lockdown_ev" ;;
esac

kko=$(cfg KPROBES_ON_FTRACE)
kw_site=$(site_state copyout)
kw_ev="kprobe_copyout ${ST[kprobe_copyout]}, probe_write_user ${ST[probe_write_user]}, ftrace site on copyout: $kw_site, CONFIG_KPROBES_ON_FTRACE=$kko"
if [ "${ST[kprobe_copyout]}" = yes ] && [ "${ST[probe_write_user]}" = yes ] && [ "$kw_site" != no ] && [ "$kko" = y ]; then
	emit feature kprobe_copyout_write yes - "$kw_ev"
else
	emit feature kprobe_copyout_write no - "$kw_ev"
fi

for h in loop:bpf_loop ringbuf:ringbuf; do
	r=$(trial "${h%%:*}")
	case "$r" in
	ok) emit feature "${h#*:}" yes - "bpftool prog load ${h%%:*}: ok" ;;
	"trial impossible"*) emit feature "${h#*:}" unknown - "bpftool prog load ${h%%:*}: $r" ;;
	*) emit feature "${h#*:}" no "$([ "${h#*:}" = bpf_loop ] && echo bpf_loop || echo -)" "bpftool prog load ${h%%:*}: $r" ;;
	esac
done

if [ -e /sys/block/ram0 ] || [ -e /dev/ram0 ]; then
	emit feature brd yes - "ram0 present"
elif [ -e /sys/module/brd ]; then
	emit feature brd no ram0 "brd loaded without ram0"
elif command -v modprobe >/dev/null && grep -qE '(^|/)brd\.ko' "/lib/modules/$REL/modules.dep" 2>/dev/null; then
	emit feature brd yes - "brd.ko in /lib/modules/$REL/modules.dep"
else
	emit feature brd no ram0 "no ram0, no brd module for $REL (CONFIG_BLK_DEV_RAM=$(cfg BLK_DEV_RAM))"
fi

# ------------------------------------------------------------- backends --
# The documented requirements (README, Hook backends): NEEDS | further CHECKS
backend() { # backend NAME "NEEDS" "CHECKS"
	local n missing="" unknown="" ev=""
	for n in $2 $3; do
		ev="$ev $n=${ST[$n]}"
		case "${ST[$n]}" in yes) ;; no) missing="$missing $n" ;; *) unknown="$unknown $n" ;; esac
	done
	set -- "$1" "$2" "$3" "${missing# }"
	if [ -n "$unknown" ]; then
		emit backend "$1" unknown - "${ev# }"
	elif [ -z "$4" ]; then
		emit backend "$1" yes - "${ev# }"
	else
		n=${4%% *}
		case " $2 " in
		*" $n "*) emit backend "$1" no "missing $n" "${ev# }" ;;
		*) emit backend "$1" no "but $n" "${ev# }" ;;
		esac
	fi
}
# (the header is written at the syscall's exit, not in the kprobe: kprobe_copyout_write
# is not needed; whether the override outlives the optimizer is an override-only
# check, shown by doctor as "observe only")
backend kprobe-copyout "kprobe_copyout override_return probe_write_user" "override_copyout"
backend kprobe-copyout-unopt "kprobe_copyout override_return probe_write_user" "override_copyout"
backend fmodret-copyout "fmod_ret_copyout probe_write_user" ""
backend fmodret-permission "fmod_ret_permission probe_write_user fentry" ""
backend fexit-read "fexit" ""
backend tp-read "tracepoint bpf_loop ringbuf" ""
backend none "ringbuf" ""

# --backend auto in the default mode (observe): every backend can observe, so
# the first usable one in the registry's order (loaders/backends.c)
auto=none
for b in kprobe-copyout fmodret-copyout fexit-read fmodret-permission tp-read; do
	case "${ST[$b]}" in
	yes) auto=$b; break ;;
	no) ;;
	*) auto=unknown; break ;;
	esac
done
emit auto auto "$auto" - "the first usable backend in preference order"
