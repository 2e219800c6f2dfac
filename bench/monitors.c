/* The monitor registry. See monitors.h. A new monitor is one entry here
 * and its executable in bench/monitors/. */
#include "monitors.h"

static const char *const iostat_version[] = { "iostat", "-V", NULL };

static const struct cob_monitor monitors[] = {
	{ "iostat", "block device activity (iostat -dxyt 1, /proc/diskstats)", "iostat", "iostat", "sysstat",
	  iostat_version },
	/* ours (bench/cob_kpmon.c): its version is meta.json's git revision */
	{ "kprobes", "the copyout kprobe's state (absent, ftrace, int3, optimized) and debug.kprobes-optimization, every ms",
	  "kprobes", "cob-kpmon", "copyout-bench", NULL },
};

COB_REGISTRY_DEFINE(cob_monitor, struct cob_monitor, monitors)
