/* Kprobe jump optimization: state, sysctl, and the guard that restores it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kprobe_opt.h"
#include "sysctl_guard.h"

int kprobe_state(const char *sym, char *flags, size_t len)
{
	FILE *f = fopen(KPROBE_LIST, "r");
	char line[512], want[128];
	int found = 0;

	if (flags && len)
		flags[0] = 0;
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s+0x0", sym);
	while (fgets(line, sizeof(line), f)) {
		char addr[40], type[8], where[160];
		int n = 0;

		/* "ffffffff8123 k  copyout+0x0    [OPTIMIZED]" */
		if (sscanf(line, "%39s %7s %159s %n", addr, type, where, &n) < 3)
			continue;
		if (strcmp(where, want) && strcmp(where, sym))
			continue;
		found = 1;
		if (flags && len) {
			char *e = line + n;

			e[strcspn(e, "\n")] = 0;
			snprintf(flags, len, "%s", e);
		}
		break;
	}
	fclose(f);
	return found;
}

int kprobe_opt_sysctl(void)
{
	int v = sysctl_read_int(KPROBE_OPT_SYSCTL);

	return v < 0 ? -1 : v ? 1 : 0;
}

static struct sysctl_guard g_opt = SYSCTL_GUARD_INIT(KPROBE_OPT_SYSCTL, "cob-kpopt-guard");

int kprobe_opt_keep_off(char *note, size_t len)
{
	int old = kprobe_opt_sysctl();

	if (old < 0) {
		snprintf(note, len, "no %s (no CONFIG_OPTPROBES): kprobes are never optimized", KPROBE_OPT_SYSCTL);
		return 0;
	}
	if (g_opt.pipe >= 0) {
		snprintf(note, len, "debug.kprobes-optimization already 0 for this process");
		return 0;
	}
	if (sysctl_guard_set(&g_opt, 0, note, len))
		return -1;
	snprintf(note, len, "debug.kprobes-optimization set to 0 for the run (was %d; a guard restores it)", old);
	return 0;
}

void kprobe_opt_restore(void)
{
	sysctl_guard_restore(&g_opt);
}
