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

static const struct access_ops read_ops = { "read", "read(2) at the current position", do_read };
static const struct access_ops pread_ops = { "pread", "pread64(2) at the offset", do_pread };
static const struct access_ops readv_ops = { "readv", "readv(2) with one iovec", do_readv };

const struct access_ops *const access_methods[] = { &read_ops, &pread_ops, &readv_ops, NULL };

const struct access_ops *access_find(const char *name)
{
	for (int i = 0; access_methods[i]; i++)
		if (!strcmp(access_methods[i]->name, name))
			return access_methods[i];
	return NULL;
}
