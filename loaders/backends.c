#include <string.h>
#include "backend.h"

extern const struct hook_backend backend_kprobe_copyout;
extern const struct hook_backend backend_fmodret_copyout;
extern const struct hook_backend backend_fmodret_permission;
extern const struct hook_backend backend_fexit_read;
extern const struct hook_backend backend_tp_read;
extern const struct hook_backend backend_none;

/* Preference order for --backend auto: the first that attaches (and can do
 * the mode) wins. fexit-read comes before fmodret-permission: it cannot
 * override, so override still picks fmodret-permission on stock kernels, while
 * observe there picks fexit-read, which sees the bytes read() delivered rather
 * than the page cache before the read. */
const struct hook_backend *const hook_backends[] = {
	&backend_kprobe_copyout,
	&backend_fmodret_copyout,
	&backend_fexit_read,
	&backend_fmodret_permission,
	&backend_tp_read,
	NULL,
};

const struct hook_backend *hook_backend_find(const char *name)
{
	for (int i = 0; hook_backends[i]; i++)
		if (!strcmp(hook_backends[i]->name, name))
			return hook_backends[i];
	/* not in the auto order: only by name */
	return strcmp(name, backend_none.name) ? NULL : &backend_none;
}
