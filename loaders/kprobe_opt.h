/* Kprobe jump optimization (README: Hook backends, docs/override-failure.md).
 * An int3 kprobe (one at a function without an ftrace site) is converted by
 * the kernel's optimizer into a jump to a detour buffer a few jiffies after it
 * is registered (CONFIG_OPTPROBES, sysctl debug.kprobes-optimization=1). From
 * then on bpf_override_return is silently ignored: the detour goes on in the
 * copied instructions whatever the handler set regs->ip to. */
#ifndef KPROBE_OPT_H
#define KPROBE_OPT_H
#include <stddef.h>

#define KPROBE_OPT_SYSCTL "/proc/sys/debug/kprobes-optimization"
#define KPROBE_LIST "/sys/kernel/debug/kprobes/list"

/* The state of the kprobe on SYM in the kprobes list: 1 found (its flags,
 * e.g. "[FTRACE]", "[OPTIMIZED]", or "" for a plain int3 probe, in flags),
 * 0 no kprobe on SYM, -1 list unreadable (no debugfs / no KPROBES). */
int kprobe_state(const char *sym, char *flags, size_t len);
/* debug.kprobes-optimization: 0 or 1, -1 when the kernel has no such sysctl
 * (no CONFIG_OPTPROBES: kprobes are never optimized). */
int kprobe_opt_sysctl(void);
/* Keep kprobes unoptimized for the life of this process: set the sysctl to 0
 * and start a guard process (own session, "cob-kpopt-guard") that writes the
 * old value back once this process's end of a pipe closes, i.e. when it exits
 * however it exits (SIGKILL too), or at kprobe_opt_restore(). Returns 0 (with
 * what it did in note), -1 with a reason. No-op when the sysctl is absent. */
int kprobe_opt_keep_off(char *note, size_t len);
/* Restore now: close the pipe and wait for the guard to write the value back. */
void kprobe_opt_restore(void);

#endif
