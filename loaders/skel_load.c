/* The load-and-attach step every skeleton-based backend shares, turning a
 * failure into one reason: the step, the error, libbpf's own first message
 * of this attempt and the backend's hint about what that error means here. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "backend.h"
#include "copyout_hook.h"

int skel_load_attach(struct bpf_object_skeleton *s, const struct hook_cfg *cfg, const char *what,
		     skel_hint_fn hint, char *reason, size_t len)
{
	int err = bpf_object__load_skeleton(s);
	enum skel_step step = SKEL_LOAD;

	if (!err) {
		step = SKEL_ATTACH;
		err = bpf_object__attach_skeleton(s);
	}
	if (!err)
		return 0;
	const char *h = hint ? hint(step, err, cfg) : "";

	snprintf(reason, len, "%s%s failed: %s %s%s", step == SKEL_LOAD ? "load of " : "attach of ", what,
		 strerror(-err), bpf_log_reason(), h ? h : "");
	return -1;
}

void *skel_open_failed(int err, char *reason, size_t len)
{
	snprintf(reason, len, "open failed: %s", strerror(err));
	return NULL;
}

void skel_autoload_mode(struct bpf_object *obj, int mode)
{
	const char *other = mode == COB_MODE_OVERRIDE ? "_observe" : "_override";
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		if (strstr(bpf_program__name(p), other))
			bpf_program__set_autoload(p, false);
}
