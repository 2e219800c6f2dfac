#include "cache.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

/* In the order the config parser has always listed them (drop, the
 * experiments' default, first). */
static const struct cache_ops cache_methods[] = {
	{ "drop", "drop_caches (3) once before the first read", drop, nothing },
	{ "none", "leave the page cache as it is: warm after the reference read", nothing, nothing },
	{ "drop-each", "drop_caches (3) before every read", drop, drop },
	{ "dontneed", "fadvise(DONTNEED) on the file before every read", dontneed, dontneed },
};

COB_REGISTRY_DEFINE(cache, struct cache_ops, cache_methods)
