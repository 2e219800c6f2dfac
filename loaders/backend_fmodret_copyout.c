/* fmodret-copyout: fmod_ret trampoline on copyout (thesis kernel).
 * Contract and limits: see the top of bpf/fmodret_copyout.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "fmodret_copyout.skel.h"

static const char *fc_hint(enum skel_step step, int err, const struct hook_cfg *cfg)
{
	(void)cfg;
	if (step == SKEL_LOAD)
		return err == -ESRCH || err == -ENOENT ? " (no BTF for copyout: inlined in this kernel)" :
		       err == -EPERM ? " (kernel refuses trampolines)" :
		       err == -EINVAL ? " (copyout not error-injectable / no ftrace site)" : "";
	return err == -EBUSY || err == -EINVAL ? " (copyout has no ftrace site: lib/ built without ftrace)" : "";
}

SKEL_BACKEND_OPS(fmodret_copyout, "fmod_ret/copyout + read tracepoints", fc_hint, (void)0)

/* The first copyout of a read is skipped with "n bytes not copied": the read
 * stops there with EFAULT; at end of file there is no copyout and read()
 * returns 0. */
static int64_t fc_override_ret(const struct read_record *r)
{
	return r->expect_len ? -1 : 0;
}

const struct hook_backend backend_fmodret_copyout = {
	.name = "fmodret-copyout",
	.source = "kernel source of the first copyout (override) or of each copyout (observe)",
	.help = "observe|override: fmod_ret on copyout; override skips the first copy: read() fails "
		"with EFAULT, result (over that first copy) in the buffer header and the event",
	.can_override = true,
	.can_observe = true,
	.auto_pick = true,
	.needs = { "fmod_ret_copyout", "probe_write_user" },
	.per_read = { "tp", "tp", "fmod_ret" },
	.attach = fmodret_copyout_attach,
	.detach = fmodret_copyout_detach,
	.override_ret = fc_override_ret,
};
