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

static const struct cache_ops none_ops = { "none", "leave the page cache as it is (warm after the reference read)", nothing, nothing };
static const struct cache_ops drop_ops = { "drop", "drop_caches (3) once before the first read", drop, nothing };
static const struct cache_ops drop_each_ops = { "drop-each", "drop_caches (3) before every read", drop, drop };
static const struct cache_ops dontneed_ops = { "dontneed", "fadvise(DONTNEED) on the file before every read", dontneed, dontneed };

const struct cache_ops *const cache_methods[] = { &none_ops, &drop_ops, &drop_each_ops, &dontneed_ops, NULL };

const struct cache_ops *cache_find(const char *name)
{
	for (int i = 0; cache_methods[i]; i++)
		if (!strcmp(cache_methods[i]->name, name))
			return cache_methods[i];
	return NULL;
}
