/* A hook backend: one way a kernel lets BPF sit on the copy of file data to
 * user space. Each is a BPF program set (bpf/NAME.bpf.c) plus this small ops
 * entry; the loader picks one by name or by trial attach in preference order. */
#ifndef BACKEND_H
#define BACKEND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "read_record.h"

struct hook_cfg {
	pid_t tgid;          /* target process */
	uint64_t ino;        /* target file */
	uint32_t kdev;       /* its device, kernel encoding */
	uint64_t threshold;
	int mode;            /* COB_MODE_* */
	int function;        /* COB_FN_* */
};

struct hook_backend {
	const char *name;
	const char *help;
	bool can_override;
	bool can_observe;
	/* Open, configure, load and attach. Returns a handle and the ring buffer
	 * map fd through *events_fd, or NULL with a one-line reason. */
	void *(*attach)(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len);
	void (*detach)(void *handle);
	/* Override contract: the value read() returns for record r when the hook
	 * overrides it (-1 for an error return; NULL when it cannot override). */
	int64_t (*override_ret)(const struct read_record *r);
};

/* Preference order, NULL-terminated. */
extern const struct hook_backend *const hook_backends[];
const struct hook_backend *hook_backend_find(const char *name);

/* Capture libbpf's messages while attaching, to turn them into reasons. */
void bpf_log_capture(bool on);
/* The most telling captured line (or "" if none). */
const char *bpf_log_reason(void);
/* Kernel encoding of a user-space dev_t. */
uint32_t kernel_dev(dev_t d);

#endif
