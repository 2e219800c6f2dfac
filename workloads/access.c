#include "access.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

static ssize_t do_read(int fd, void *buf, size_t n, off_t off, uint64_t fsize)
{
	(void)off, (void)fsize;
	return read(fd, buf, n);
}

static ssize_t do_pread(int fd, void *buf, size_t n, off_t off, uint64_t fsize)
{
	(void)fsize;
	return pread(fd, buf, n, off);
}

static ssize_t do_readv(int fd, void *buf, size_t n, off_t off, uint64_t fsize)
{
	struct iovec iov = { .iov_base = buf, .iov_len = n };

	(void)off, (void)fsize;
	return readv(fd, &iov, 1);
}

/* One read through a mapping made for it: map the pages holding
 * [off, off+n) (clamped at EOF: touching a page past it would be SIGBUS),
 * copy them into buf, which touches every page, and unmap. All of it is the
 * timed read, so the latency holds the page faults (minor when the page is
 * cached, major when not) as read() holds its copyout; and as nothing stays
 * mapped between reads, a cache method can still evict the pages (neither
 * drop_caches nor DONTNEED drops a mapped page). */
static ssize_t map_copy(int fd, void *buf, size_t n, off_t off, uint64_t fsize, int flags)
{
	off_t base = off & ~((off_t)getpagesize() - 1);
	size_t want, len;
	void *m;

	if ((uint64_t)off >= fsize)
		return 0;
	want = fsize - (uint64_t)off < n ? (size_t)(fsize - (uint64_t)off) : n;
	len = (size_t)(off - base) + want;
	m = mmap(NULL, len, PROT_READ, flags, fd, base);
	if (m == MAP_FAILED)
		return -1;
	memcpy(buf, (char *)m + (off - base), want);
	munmap(m, len);
	return (ssize_t)want;
}

static ssize_t do_mmap_shared(int fd, void *buf, size_t n, off_t off, uint64_t fsize)
{
	return map_copy(fd, buf, n, off, fsize, MAP_SHARED);
}

static ssize_t do_mmap_private(int fd, void *buf, size_t n, off_t off, uint64_t fsize)
{
	return map_copy(fd, buf, n, off, fsize, MAP_PRIVATE);
}

/* F_SETFL rather than O_DIRECT at open: the workload and its reposition
 * modes open the file once for every method. A filesystem without direct
 * I/O refuses it here (EINVAL: ramfs, tmpfs before 6.6). */
static int set_direct(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_DIRECT) < 0)
		return -errno;
	return 0;
}

static const struct access_ops access_methods[] = {
	/* name, help, read, prepare, syscall, at_offset */
	{ "read", "read(2) at the current position", do_read, NULL, 1, 0 },
	{ "pread", "pread64(2) at the offset", do_pread, NULL, 1, 1 },
	{ "readv", "readv(2) with one iovec", do_readv, NULL, 1, 0 },
	{ "mmap-shared", "MAP_SHARED mapping per read, copied out: page faults, no read syscall", do_mmap_shared,
	  NULL, 0, 1 },
	{ "mmap-private", "MAP_PRIVATE mapping per read, copied out: page faults, no read syscall",
	  do_mmap_private, NULL, 0, 1 },
	{ "direct", "read(2) with O_DIRECT (no page cache; buffer page-aligned, buf a block multiple)", do_read,
	  set_direct, 1, 0 },
};

COB_REGISTRY_DEFINE(access, struct access_ops, access_methods)
