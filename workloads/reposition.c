#include "reposition.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static int from_start(int *fd, const char *path, uint64_t end, uint64_t fsize, uint64_t *off)
{
	(void)fd, (void)path, (void)end, (void)fsize;
	*off = 0;
	return 0;
}

static int reopen(int *fd, const char *path, uint64_t end, uint64_t fsize, uint64_t *off)
{
	close(*fd);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -errno;
	return from_start(fd, path, end, fsize, off);
}

static int continue_at_end(int *fd, const char *path, uint64_t end, uint64_t fsize, uint64_t *off)
{
	(void)fd, (void)path;
	*off = end >= fsize ? 0 : end;
	return 0;
}

static uint64_t one_buffer(uint64_t buf, uint64_t n, uint64_t fsize)
{
	(void)n;
	return buf < fsize ? buf : fsize;
}

static uint64_t the_walk(uint64_t buf, uint64_t n, uint64_t fsize)
{
	return buf * n < fsize ? buf * n : fsize;
}

static const struct reposition_ops reposition_modes[] = {
	{ "seek", "lseek to 0", from_start, one_buffer },
	{ "reopen", "close and open the file again, read from 0", reopen, one_buffer },
	{ "sequential", "continue where the last read ended (wrap at EOF)", continue_at_end, the_walk },
};

COB_REGISTRY_DEFINE(reposition, struct reposition_ops, reposition_modes)
