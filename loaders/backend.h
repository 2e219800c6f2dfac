/* A hook backend: one way a kernel lets BPF sit on the copy of file data to
 * user space. Each is a BPF program set (bpf/NAME.bpf.c) plus this small ops
 * entry; the loader picks one by name or by trial attach in preference order. */
#ifndef BACKEND_H
#define BACKEND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "bpf_log.h" /* bpf_log_capture, bpf_log_reason */
#include "read_record.h"

struct hook_cfg {
	pid_t tgid;          /* target process */
	uint64_t ino;        /* target file */
	uint32_t kdev;       /* its device, kernel encoding */
	uint64_t threshold;
	int mode;            /* COB_MODE_* */
	int function;        /* COB_FN_* */
};

/* Everything about a backend is declared in its own file
 * (loaders/backend_NAME.c); the registry (backends.c) only orders them.
 * cob-hook, cob-doctor, --backend auto, the config parser and every usage
 * text take their lists from here. */
struct hook_backend {
	const char *name;
	const char *help;
	const char *source;  /* where the function's bytes come from (CSV column) */
	bool can_override;   /* the modes it supports */
	bool can_observe;
	bool auto_pick;      /* --backend auto may choose it (in registry order) */
	/* Kernel features it needs (names of probe.h's feature checks, each a
	 * trial load/attach that proves it), then further trials that run once
	 * the needs hold (e.g. that an override really takes effect). */
	const char *needs[4];
	const char *checks[3];
	/* Trials that must also hold before auto picks it for override mode
	 * (doctor shows their failure as "observe only"). */
	const char *override_checks[2];
	/* The hook mechanisms one cached 4 KiB read(2) hits in observe mode (one
	 * copyout), by the names of `bench trigger` (tp, raw_tp, kprobe, fentry,
	 * fexit, fmod_ret), one per hit: the overhead report splits the backend's
	 * cost into these mechanisms and the suite's bookkeeping. */
	const char *per_read[4];
	/* Open, configure, load and attach. Returns a handle and the ring buffer
	 * map fd through *events_fd, or NULL with a one-line reason. */
	void *(*attach)(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len);
	void (*detach)(void *handle);
	/* Override contract: the value read() returns for record r when the hook
	 * overrides it (-1 for an error return; NULL when it cannot override). */
	int64_t (*override_ret)(const struct read_record *r);
	/* Why it cannot handle reads issued with the workload's access method
	 * ACCESS (workloads/access.c: read, pread, readv) in MODE, or NULL.
	 * Unset: every access method in every mode it has. */
	const char *(*refuse_access)(const char *access, int mode);
};

/* Every backend's BPF object includes bpf/target_file.bpf.h and
 * bpf/read_track.bpf.h, so they share these read-only settings. Programs
 * for one mode only carry it in their name (skel_autoload_mode): observe
 * loads neither bpf_override_return nor bpf_probe_write_user. */
#define SKEL_CONFIGURE(skel, cfg)                                        \
	do {                                                             \
		skel_autoload_mode((skel)->obj, (cfg)->mode);            \
		(skel)->rodata->targ_tgid = (__u32)(cfg)->tgid;          \
		(skel)->rodata->targ_ino = (cfg)->ino;                   \
		(skel)->rodata->targ_dev = (cfg)->kdev;                  \
		(skel)->rodata->threshold = (cfg)->threshold;            \
		(skel)->rodata->function = (__u32)(cfg)->function;       \
		(skel)->rodata->mode = (__u32)(cfg)->mode;               \
	} while (0)

/* attach and detach of a backend that is one skeleton NAME (bpf/NAME.bpf.c):
 * open, SKEL_CONFIGURE, then SETUP (a statement that may use skel, e.g. to
 * leave out programs this kernel lacks), load + attach (WHAT and HINT make
 * the failure reasons); the handle is the skeleton, the events its ring
 * buffer. Defines NAME_attach and NAME_detach. */
#define SKEL_BACKEND_OPS(NAME, WHAT, HINT, SETUP)                                                   \
	static void *NAME##_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len) \
	{                                                                                           \
		struct NAME *skel = NAME##__open();                                                 \
                                                                                                    \
		if (!skel)                                                                          \
			return skel_open_failed(errno, reason, len);                                \
		SKEL_CONFIGURE(skel, cfg);                                                          \
		SETUP;                                                                              \
		if (skel_load_attach(skel->skeleton, cfg, WHAT, HINT, reason, len)) {               \
			NAME##__destroy(skel);                                                      \
			return NULL;                                                                \
		}                                                                                   \
		*events_fd = bpf_map__fd(skel->maps.events);                                        \
		return skel;                                                                        \
	}                                                                                           \
	static void NAME##_detach(void *h)                                                          \
	{                                                                                           \
		NAME##__destroy(h);                                                                 \
	}

enum skel_step { SKEL_LOAD, SKEL_ATTACH };
/* What an error at that step means on this backend (or ""). */
typedef const char *(*skel_hint_fn)(enum skel_step step, int err, const struct hook_cfg *cfg);
struct bpf_object_skeleton;
/* Load and attach; on failure one reason naming WHAT and return -1. */
int skel_load_attach(struct bpf_object_skeleton *s, const struct hook_cfg *cfg, const char *what,
		     skel_hint_fn hint, char *reason, size_t len);
/* Programs named *_observe* load only in observe mode, *_override* only in
 * override mode; the others in both. */
struct bpf_object;
void skel_autoload_mode(struct bpf_object *obj, int mode);
/* For a failed X__open(): fills reason, returns NULL. */
void *skel_open_failed(int err, char *reason, size_t len);

/* Every backend, in preference order for auto, NULL-terminated. */
extern const struct hook_backend *const hook_backends[];
const struct hook_backend *hook_backend_find(const char *name);
/* Can it run in this mode (COB_MODE_*)? */
bool hook_backend_has_mode(const struct hook_backend *b, int mode);
/* The i-th choice of a --backend / hook = value: "auto", then every backend;
 * NULL past the end. */
const char *hook_backend_choice(size_t i);

/* Kernel encoding of a user-space dev_t. */
uint32_t kernel_dev(dev_t d);

#endif
