/* Cache methods: what the workload does to the page cache before the run and
 * before each read, always outside the timed interval. */
#ifndef CACHE_H
#define CACHE_H
#include "registry.h"

struct cache_ops {
	const char *name;
	const char *help;
	int (*before_run)(int fd);  /* 0 or -errno */
	int (*before_read)(int fd); /* 0 or -errno */
};

/* cache_find, cache_choice, cache_help */
COB_REGISTRY_DECLARE(cache, struct cache_ops);
/* sync + echo 3 > /proc/sys/vm/drop_caches */
int cache_drop_all(void);

#endif
