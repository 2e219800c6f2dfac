/* none: attaches nothing. The same workload and pipeline without any hook,
 * the baseline of the overhead experiment (every read is then no_hook). Only
 * chosen by name, never by auto; it needs only a ring buffer map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "backend.h"

static void *none_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	/* an empty ring buffer keeps the loader's event loop identical */
	int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "cob_none_rb", 0, 0, 4096, NULL);
	int *h;

	(void)cfg;
	if (fd < 0) {
		snprintf(reason, len, "cannot create a ring buffer: %s", strerror(errno));
		return NULL;
	}
	h = malloc(sizeof(*h));
	if (!h) {
		close(fd);
		snprintf(reason, len, "out of memory");
		return NULL;
	}
	*h = fd;
	*events_fd = fd;
	return h;
}

static void none_detach(void *h)
{
	close(*(int *)h);
	free(h);
}

const struct hook_backend backend_none = {
	.name = "none",
	.source = "none",
	.help = "no hook at all: the baseline for overhead measurements",
	.can_observe = true,
	.needs = { "ringbuf" },
	.attach = none_attach,
	.detach = none_detach,
};
