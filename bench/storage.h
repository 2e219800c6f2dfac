/* Storage backends: where a sweep's data files live (the storage axis). One
 * entry each: check (can this kernel give it? cheap, before the sweep),
 * setup (make and mount it, in the sweep's work directory) and what undoes
 * it, as undo actions (undo.h) handed to the sweep, which runs them at its
 * end, on Ctrl-C and on failure, and whose guard runs them if it is killed. */
#ifndef STORAGE_H
#define STORAGE_H
#include "registry.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

/* What a storage gets from the sweep. */
struct storage_env {
	const char *workdir; /* the sweep's (a disk filesystem), removed at its end */
	uint64_t bytes;      /* room the data files need */
	/* register an undo action (undo.h) before the change it undoes is made */
	void (*undo)(void *arg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
	/* run argv, its first line of output in out; its exit status or -1 */
	int (*run)(void *arg, char *const argv[], char *out, size_t len);
	void *arg;
};

/* What a storage made: where the data files go, and for meta.json. */
struct storage_made {
	char dir[PATH_MAX];
	char device[64];     /* e.g. /dev/loop3, /dev/ram0, /dev/zram1; "" none */
	char fs[16];         /* ext4, ext2, tmpfs, or the work directory's */
	uint64_t size;       /* bytes of the device or mount; 0: the disk's */
};

struct storage_ops {
	const char *name;
	const char *help;
	/* 0: available; -1 with a one-line reason */
	int (*check)(char *why, size_t len);
	/* 0: made (and undo actions registered); -1 with a one-line reason */
	int (*setup)(const struct storage_env *env, struct storage_made *m, char *why, size_t len);
};

/* storage_find, storage_choice, storage_help */
COB_REGISTRY_DECLARE(storage, struct storage_ops);

#endif
