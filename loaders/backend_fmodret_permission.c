/* fmodret-permission: fmod_ret on security_file_permission, result computed
 * from the page cache in BPF (stock kernels with trampolines).
 * Contract and limits: see the top of bpf/fmodret_permission.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "fmodret_permission.skel.h"

static const char *fp_hint(enum skel_step step, int err, const struct hook_cfg *cfg)
{
	(void)cfg;
	return step == SKEL_LOAD && err == -EPERM ? " (kernel refuses trampolines, or lockdown forbids bpf_probe_write_user)" : "";
}

SKEL_BACKEND_OPS(fmodret_permission, "fmod_ret/security_file_permission", fp_hint, (void)0)

/* read() returns the result header's size when the buffer holds it, else
 * fails with EMSGSIZE. */
static int64_t fp_override_ret(const struct read_record *r)
{
	return r->req >= sizeof(struct cob_override_result) ? (int64_t)sizeof(struct cob_override_result) : -1;
}

/* do_iter_read() (readv) carries on with the read after a positive return
 * from security_file_permission: no 40-byte answer there. */
static const char *fp_refuse_access(const char *access, int mode)
{
	return mode == COB_MODE_OVERRIDE && !strcmp(access, "readv")
		       ? "readv goes on reading after a positive security_file_permission return (do_iter_read), "
			 "so it cannot be answered with the result; observe can"
		       : NULL;
}

const struct hook_backend backend_fmodret_permission = {
	.name = "fmodret-permission",
	.source = "page cache before the read",
	.help = "observe|override: fmod_ret on security_file_permission, result from the page cache read "
		"in BPF; override: read() returns 40 with the result header (EMSGSIZE if buf < 40), "
		"uncached reads let through",
	.can_override = true,
	.can_observe = true,
	.auto_pick = true,
	.needs = { "fmod_ret_permission", "probe_write_user", "fentry" },
	.per_read = { "tp", "tp", "fmod_ret" },
	.attach = fmodret_permission_attach,
	.detach = fmodret_permission_detach,
	.override_ret = fp_override_ret,
	.refuse_access = fp_refuse_access,
};
