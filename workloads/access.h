/* Access methods of the read workload, one small ops entry each (as fio's
 * engines): how a read of the target file is issued. */
#ifndef ACCESS_H
#define ACCESS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "registry.h"

struct access_ops {
	const char *name;
	const char *help;
	/* Issue one read of n bytes at file offset off into buf; the file is
	 * fsize bytes long. The file position is already at off (the caller
	 * repositions untimed). Returns the bytes read, or -1 with errno. */
	ssize_t (*read)(int fd, void *buf, size_t n, off_t off, uint64_t fsize);
	/* Optional: fit a freshly opened descriptor of the file to the method
	 * (direct: O_DIRECT). 0 or -errno. Called after every open. */
	int (*prepare)(int fd);
	/* 1 when each read is a read syscall (read, pread64, readv), which is
	 * what the hook backends see; 0 when it is not (mmap: the data arrives
	 * by page faults, no read syscall and no copyout, so no backend sees
	 * it and its CSV row says so: status no_syscall). */
	int syscall;
	/* 1 when it reads at the offset it is given, whatever the file
	 * position (pread, mmap): the workload then does not lseek before each
	 * read, a syscall that would only lengthen the time between reads. */
	int at_offset;
};

/* access_find, access_choice, access_help */
COB_REGISTRY_DECLARE(access, struct access_ops);

#endif
