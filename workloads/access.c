#include "access.h"
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static ssize_t do_read(int fd, void *buf, size_t n, off_t off)
{
	(void)off;
	return read(fd, buf, n);
}

static ssize_t do_pread(int fd, void *buf, size_t n, off_t off)
{
	return pread(fd, buf, n, off);
}

static ssize_t do_readv(int fd, void *buf, size_t n, off_t off)
{
	struct iovec iov = { .iov_base = buf, .iov_len = n };

	(void)off;
	return readv(fd, &iov, 1);
}

static const struct access_ops access_methods[] = {
	{ "read", "read(2) at the current position", do_read },
	{ "pread", "pread64(2) at the offset", do_pread },
	{ "readv", "readv(2) with one iovec", do_readv },
};

COB_REGISTRY_DEFINE(access, struct access_ops, access_methods)
