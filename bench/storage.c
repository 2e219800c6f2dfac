#include "storage.h"

static const struct storage_ops storages[] = {
	{ "disk", "the work directory's filesystem (cob-sweep --workdir, default /var/tmp)" },
};

COB_REGISTRY_DEFINE(storage, struct storage_ops, storages)
