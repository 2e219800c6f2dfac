/* The backend registry: one line per backend, in preference order for
 * --backend auto (the first usable one that can do the mode wins). Each
 * backend declares everything else about itself in loaders/backend_NAME.c.
 *
 * fexit-read comes before fmodret-permission: it cannot override, so override
 * still picks fmodret-permission on stock kernels, while observe there picks
 * fexit-read, which sees the bytes read() delivered rather than the page
 * cache before the read. */
#include <string.h>
#include <sys/sysmacros.h>
#include "backend.h"
#include "copyout_hook.h"

extern const struct hook_backend backend_kprobe_copyout, backend_kprobe_copyout_unopt, backend_fmodret_copyout, backend_fexit_read,
	backend_fmodret_permission, backend_tp_read, backend_none;

const struct hook_backend *const hook_backends[] = {
	&backend_kprobe_copyout,
	&backend_fmodret_copyout,
	&backend_fexit_read,
	&backend_fmodret_permission,
	&backend_tp_read,
	&backend_none,
	&backend_kprobe_copyout_unopt, /* never auto: an explicit, recorded choice */
	NULL,
};

const struct hook_backend *hook_backend_find(const char *name)
{
	for (int i = 0; hook_backends[i]; i++)
		if (!strcmp(hook_backends[i]->name, name))
			return hook_backends[i];
	return NULL;
}

bool hook_backend_has_mode(const struct hook_backend *b, int mode)
{
	return mode == COB_MODE_OVERRIDE ? b->can_override : b->can_observe;
}

const char *hook_backend_choice(size_t i)
{
	if (i == 0)
		return "auto";
	for (size_t k = 0; hook_backends[k]; k++)
		if (k == i - 1)
			return hook_backends[k]->name;
	return NULL;
}

uint32_t kernel_dev(dev_t d)
{
	return (uint32_t)(major(d) << 20 | minor(d));
}
