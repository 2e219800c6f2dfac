#include "reposition.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static uint64_t from_start(uint64_t end, uint64_t fsize)
{
	(void)end, (void)fsize;
	return 0;
}

static uint64_t continue_at_end(uint64_t end, uint64_t fsize)
{
	return end >= fsize ? 0 : end;
}

static int reopen(int *fd, const char *path)
{
	close(*fd);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
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
	{ "seek", "lseek to 0", from_start, NULL, one_buffer },
	{ "reopen", "close and open the file again, read from 0", from_start, reopen, one_buffer },
	{ "sequential", "continue where the last read ended (wrap at EOF)", continue_at_end, NULL, the_walk },
};

COB_REGISTRY_DEFINE(reposition, struct reposition_ops, reposition_modes)
