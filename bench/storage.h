/* Storage backends: where a sweep's data files live (the storage axis). One
 * entry each; a backend that needs setting up (tmpfs, brd, loop, zram) adds
 * its operations here as one more entry. */
#ifndef STORAGE_H
#define STORAGE_H
#include "registry.h"

struct storage_ops {
	const char *name;
	const char *help;
};

/* storage_find, storage_choice, storage_help */
COB_REGISTRY_DECLARE(storage, struct storage_ops);

#endif
