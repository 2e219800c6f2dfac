/* Access methods of the read workload, one small ops table each (as fio's
 * engines): how a read of the target file is issued. */
#ifndef ACCESS_H
#define ACCESS_H
#include <stddef.h>
#include <sys/types.h>

struct access_ops {
	const char *name;
	const char *help;
	/* Issue one read of n bytes at file offset off into buf. The file
	 * position is already at off (the caller repositions untimed). */
	ssize_t (*read)(int fd, void *buf, size_t n, off_t off);
};

const struct access_ops *access_find(const char *name);
/* NULL-terminated list for --help. */
extern const struct access_ops *const access_methods[];

#endif
