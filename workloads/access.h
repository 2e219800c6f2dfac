/* Access methods of the read workload, one small ops entry each (as fio's
 * engines): how a read of the target file is issued. */
#ifndef ACCESS_H
#define ACCESS_H
#include <stddef.h>
#include <sys/types.h>
#include "registry.h"

struct access_ops {
	const char *name;
	const char *help;
	/* Issue one read of n bytes at file offset off into buf. The file
	 * position is already at off (the caller repositions untimed). */
	ssize_t (*read)(int fd, void *buf, size_t n, off_t off);
};

/* access_find, access_choice, access_help */
COB_REGISTRY_DECLARE(access, struct access_ops);

#endif
