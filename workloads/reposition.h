/* Reposition modes of the read workload, one small ops entry each: where
 * every read starts, set before it, outside the timed interval. */
#ifndef REPOSITION_H
#define REPOSITION_H
#include <stdint.h>
#include "registry.h"

struct reposition_ops {
	const char *name;
	const char *help;
	/* Where a read starts, given where the previous read ended (end; 0
	 * before the first) and the file size: a pure function, so the workload
	 * can lay out a few reads ahead (see cob_read.c). */
	uint64_t (*offset)(uint64_t end, uint64_t fsize);
	/* Optional, right before each read: may replace *fd with a new
	 * descriptor of PATH (reopen). The caller then seeks *fd to the offset
	 * unless the access method reads at an offset. Returns 0 or -errno. */
	int (*before)(int *fd, const char *path);
	/* The bytes [0, span) that n reads of buf bytes may touch. */
	uint64_t (*span)(uint64_t buf, uint64_t n, uint64_t fsize);
};

/* reposition_find, reposition_choice, reposition_help */
COB_REGISTRY_DECLARE(reposition, struct reposition_ops);

#endif
