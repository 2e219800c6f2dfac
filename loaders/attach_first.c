#include "attach_first.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "bpf_log.h"

struct bpf_link *attach_first(struct bpf_program *kp, bool retprobe, struct bpf_program *const *tps,
			      const struct attach_point *pts, int n, char *why, size_t len)
{
	char first[200] = "";
	size_t w = 0;

	for (int i = 0; i < n; i++) {
		struct bpf_link *l;

		bpf_log_reset();
		l = pts[i].func ? bpf_program__attach_kprobe(kp, retprobe, pts[i].func) :
				  bpf_program__attach(tps[pts[i].tp]);
		if (l)
			return l;
		/* the others usually say the same as the first */
		if (!first[0]) {
			bpf_log_summary(first, sizeof(first));
			if (!first[0])
				snprintf(first, sizeof(first), "%s", strerror(errno));
		}
		w += (size_t)snprintf(why + w, w < len ? len - w : 0, "%s%s", i ? ", " : "",
				      pts[i].func ? pts[i].func : pts[i].name);
	}
	if (w < len)
		snprintf(why + w, len - w, ": %s", first);
	return NULL;
}
