/* Capability probing by trial: load + attach (+ trigger + detach) a tiny BPF
 * program per kernel feature (bpf/probe.bpf.c), and derive which copyout-hook
 * backends can run here. Used by cob-doctor and by `--backend auto`.
 *
 * Every probe acts only on the calling thread (the programs filter on its
 * thread id), destroys what it loaded before returning, and unmounts tracefs
 * again if it had to mount it. Results are cached per process; call
 * cob_probe_forget() to probe again.
 *
 * libbpf's messages are captured while a probe runs (they feed the reason
 * strings; COB_BPF_VERBOSE=1 copies them to stderr) and the caller's libbpf
 * print function is restored afterwards (bpf_log.h).
 */
#ifndef COB_PROBE_H
#define COB_PROBE_H

#include <stdbool.h>
#include <stddef.h>

struct cob_probe {
	const char *name;
	bool available;
	char reason[200];
};

/* Runs one feature probe (cached). Unknown names return false with a reason.
 * Besides cob_features[], two internal features are accepted:
 *   override_copyout      bpf_override_return attached on copyout (set by the
 *                         override_return probe)
 *   kprobe_copyout_write  bpf_probe_write_user works inside a kprobe on copyout
 *                         (fails with -EPERM when the kprobe is int3-based)
 *   override_copyout_lasting
 *                         the override on copyout still works once the kernel's
 *                         optimizer had its chance: fails when the copyout kprobe
 *                         is int3-based and becomes [OPTIMIZED] (kprobe_opt.h) */
bool cob_probe_feature(const char *feature, char *reason, size_t len);

struct hook_backend;
/* Backend availability derived from the features it declares (needs, then
 * checks); the reason names the missing feature(s) and why each is missing. */
bool cob_probe_backend(const struct hook_backend *b, char *reason, size_t len);
/* Its override_checks (only for override mode): false with the first failure's reason. */
bool cob_probe_backend_override(const struct hook_backend *b, char *reason, size_t len);

/* What --backend auto picks for a mode (COB_MODE_*): the first backend of
 * the registry that auto may pick, can do the mode and is available; NULL
 * with the reason when none is. cob-hook and cob-doctor both ask this. */
const struct hook_backend *cob_probe_auto(int mode, char *reason, size_t len);

/* Drop cached results. */
void cob_probe_forget(void);

extern const char *const cob_features[];  /* NULL-terminated */

#endif
