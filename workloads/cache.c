#include "cache.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int cache_drop_all(void)
{
	int fd, err = 0;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, "3\n", 2) != 2)
		err = -errno;
	close(fd);
	return err;
}

static int nothing(int fd)
{
	(void)fd;
	return 0;
}

static int drop(int fd)
{
	(void)fd;
	return cache_drop_all();
}

static int dontneed(int fd)
{
	return -posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

/* The hints (E5). Each first evicts the file's clean pages (fsync, so that
 * dirty ones are clean and go too, then DONTNEED), so that the hint, not an
 * earlier read, decides what is cached when the timed read comes. */
static int evict(int fd)
{
	if (fsync(fd) && errno != EINVAL) /* EINVAL: a file that cannot sync has nothing dirty */
		return -errno;
	return dontneed(fd);
}

static int file_size(int fd, off_t *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*size = st.st_size;
	return 0;
}

/* Evict, then have the kernel read the whole file ahead: the read finds
 * what readahead(2) brought in (or waits on the I/O still under way). */
static int evict_readahead(int fd)
{
	off_t size;
	int rc = evict(fd);

	if (!rc)
		rc = file_size(fd, &size);
	if (!rc && readahead(fd, 0, (size_t)size))
		rc = -errno;
	return rc;
}

static int evict_willneed(int fd)
{
	int rc = evict(fd);

	return rc ? rc : -posix_fadvise(fd, 0, 0, POSIX_FADV_WILLNEED);
}

/* madvise(WILLNEED) on a mapping of the whole file made for the hint: on a
 * file mapping it starts the same page-cache readahead as fadvise, the
 * mapping itself is not populated (so it is unmapped at once). */
static int evict_madvise_willneed(int fd)
{
	off_t size;
	void *m;
	int rc = evict(fd);

	if (!rc)
		rc = file_size(fd, &size);
	if (rc || !size)
		return rc;
	m = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	if (madvise(m, (size_t)size, MADV_WILLNEED))
		rc = -errno;
	munmap(m, (size_t)size);
	return rc;
}

/* SEQUENTIAL and RANDOM change how a read that misses the cache reads
 * ahead (a doubled window; none), so the file is evicted once, before the
 * run, and the advice given again before every read: it belongs to the open
 * file, which the reposition mode reopen replaces. */
static int advise_sequential(int fd)
{
	return -posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
}

static int advise_random(int fd)
{
	return -posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
}

static int evict_sequential(int fd)
{
	int rc = evict(fd);

	return rc ? rc : advise_sequential(fd);
}

static int evict_random(int fd)
{
	int rc = evict(fd);

	return rc ? rc : advise_random(fd);
}

/* In the order the config parser has always listed them (drop, the
 * experiments' default, first). */
static const struct cache_ops cache_methods[] = {
	{ "drop", "drop_caches (3) once before the first read", drop, nothing },
	{ "none", "leave the page cache as it is: warm after the reference read", nothing, nothing },
	{ "drop-each", "drop_caches (3) before every read", drop, drop },
	{ "dontneed", "fadvise(DONTNEED) on the file before every read", dontneed, dontneed },
	{ "fsync-dontneed", "fsync + fadvise(DONTNEED) on the file before every read", evict, evict },
	{ "readahead", "evict the file, then readahead(2) of all of it, before every read", nothing,
	  evict_readahead },
	{ "fadvise-willneed", "evict the file, then fadvise(WILLNEED), before every read", nothing, evict_willneed },
	{ "madvise-willneed", "evict the file, then madvise(WILLNEED) on a mapping of it, before every read",
	  nothing, evict_madvise_willneed },
	{ "fadvise-sequential", "evict the file once, fadvise(SEQUENTIAL) before every read", evict_sequential,
	  advise_sequential },
	{ "fadvise-random", "evict the file once, fadvise(RANDOM) before every read", evict_random, advise_random },
};

COB_REGISTRY_DEFINE(cache, struct cache_ops, cache_methods)
