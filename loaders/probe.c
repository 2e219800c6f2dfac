/* Capability probing, the public API (probe.h): the feature checks
 * (feature_checks.c) run on demand, once per process, and backend availability
 * and --backend auto follow from them and the backend registry. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "copyout_hook.h"
#include "feature_checks.h"
#include "ksyms.h"
#include "probe.h"

/* What each check of feature_checks[] found, same index. */
static struct found {
	bool done, ok;
	char reason[200];
} found[N_FEATURE_CHECKS];

static const struct found *feature_run(const char *name)
{
	for (size_t i = 0; i < N_FEATURE_CHECKS; i++) {
		struct found *f = &found[i];

		if (strcmp(feature_checks[i].name, name))
			continue;
		if (!f->done) {
			f->reason[0] = '\0';
			f->ok = feature_checks[i].run(f->reason, sizeof(f->reason));
			f->done = true;
		}
		return f;
	}
	return NULL;
}

bool cob_probe_feature(const char *feature, char *reason, size_t len)
{
	const struct found *f = feature_run(feature);

	if (!f) {
		if (reason && len)
			snprintf(reason, len, "unknown feature %s", feature);
		return false;
	}
	if (reason && len)
		snprintf(reason, len, "%s", f->reason);
	return f->ok;
}

static void append(char *dst, size_t len, const char *name)
{
	size_t used = strlen(dst);

	snprintf(dst + used, len - used, "%s%s", used ? ", " : "", name);
}

bool cob_probe_backend(const struct hook_backend *b, char *reason, size_t len)
{
	char missing[120] = "", first[200] = "", have[120] = "", checks[120] = "";
	const char *first_name = NULL;
	char tmp[200];

	for (int i = 0; i < (int)(sizeof(b->needs) / sizeof(b->needs[0])) && b->needs[i]; i++) {
		if (cob_probe_feature(b->needs[i], tmp, sizeof(tmp))) {
			append(have, sizeof(have), b->needs[i]);
			continue;
		}
		append(missing, sizeof(missing), b->needs[i]);
		if (!first_name) {
			first_name = b->needs[i];
			snprintf(first, sizeof(first), "%s", tmp);
		}
	}
	if (first_name) {
		snprintf(reason, len, "missing %s; %s: %s", missing, first_name, first);
		return false;
	}
	for (int i = 0; i < (int)(sizeof(b->checks) / sizeof(b->checks[0])) && b->checks[i]; i++) {
		if (!cob_probe_feature(b->checks[i], tmp, sizeof(tmp))) {
			snprintf(reason, len, "%s available, but %s: %s", have, b->checks[i], tmp);
			return false;
		}
		append(checks, sizeof(checks), b->checks[i]);
	}
	if (!have[0])
		snprintf(have, sizeof(have), "nothing needed");
	if (checks[0])
		snprintf(reason, len, "%s available; %s verified", have, checks);
	else
		snprintf(reason, len, "%s available", have);
	return true;
}

bool cob_probe_backend_override(const struct hook_backend *b, char *reason, size_t len)
{
	char tmp[200];

	for (int i = 0; i < (int)(sizeof(b->override_checks) / sizeof(b->override_checks[0])) &&
			b->override_checks[i]; i++)
		if (!cob_probe_feature(b->override_checks[i], tmp, sizeof(tmp))) {
			snprintf(reason, len, "%s", tmp);
			return false;
		}
	if (len)
		reason[0] = 0;
	return true;
}

const struct hook_backend *cob_probe_auto(int mode, char *reason, size_t len)
{
	char tmp[200];

	for (int i = 0; hook_backends[i]; i++) {
		const struct hook_backend *b = hook_backends[i];

		if (!b->auto_pick || !hook_backend_has_mode(b, mode))
			continue;
		if (cob_probe_backend(b, tmp, sizeof(tmp)) &&
		    (mode != COB_MODE_OVERRIDE || cob_probe_backend_override(b, tmp, sizeof(tmp)))) {
			if (reason && len)
				snprintf(reason, len, "%s: %s", b->name, tmp);
			return b;
		}
	}
	if (reason && len)
		snprintf(reason, len, "no backend that can %s is usable on this kernel",
			 mode == COB_MODE_OVERRIDE ? "override" : "observe");
	return NULL;
}

void cob_probe_forget(void)
{
	memset(found, 0, sizeof(found));
	ksyms_forget();
}
