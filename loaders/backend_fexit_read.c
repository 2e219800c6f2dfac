/* fexit-read: observe-only, fentry + fexit on vfs_read and vfs_readv.
 * Contract and limits: see the top of bpf/fexit_read.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "fexit_read.skel.h"

/* readv goes through vfs_readv, a static function: a kernel whose compiler
 * inlined it has no BTF for it, and then only vfs_read is hooked. */
static bool fr_have_readv(void)
{
	return libbpf_find_vmlinux_btf_id("vfs_readv", BPF_TRACE_FEXIT) > 0;
}

static const char *fr_refuse_access(const char *access, int mode)
{
	(void)mode;
	return !strcmp(access, "readv") && !fr_have_readv() ? "vfs_readv is not a BTF function in this kernel (inlined)"
							    : NULL;
}

static const char *fr_hint(enum skel_step step, int err, const struct hook_cfg *cfg)
{
	(void)cfg;
	return step == SKEL_LOAD && err == -EPERM ? " (kernel refuses trampolines: fentry/fexit)" : "";
}

/* vfs_readv is traced only where this kernel's BTF has it */
static void fr_setup(struct fexit_read *skel)
{
	if (!fr_have_readv()) {
		bpf_program__set_autoload(skel->progs.cob_fr_enter_readv, false);
		bpf_program__set_autoload(skel->progs.cob_fr_exit_readv, false);
	}
}

SKEL_BACKEND_OPS(fexit_read, "fentry/fexit vfs_read(v)", fr_hint, fr_setup(skel))

const struct hook_backend backend_fexit_read = {
	.name = "fexit-read",
	.source = "user buffer after the copy",
	.help = "observe: fentry/fexit on vfs_read and vfs_readv, bytes read back from the user buffer at fexit",
	.can_observe = true,
	.auto_pick = true,
	.needs = { "fexit" },
	.per_read = { "fentry", "fexit" },
	.attach = fexit_read_attach,
	.detach = fexit_read_detach,
	.refuse_access = fr_refuse_access,
};
