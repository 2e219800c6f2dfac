/* The monitor registry. See monitors.h. A new monitor is one entry here
 * and its executable in bench/monitors/. */
#include "monitors.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const iostat_version[] = { "iostat", "-V", NULL };
/* libbpf-tools' programs all say "0.1" to -V: the package version says more
 * (the host's; a guest has no dpkg and leaves it out) */
static const char *const libbpf_tools_version[] = { "dpkg-query", "-W", "-f=libbpf-tools ${Version}\n", "libbpf-tools",
						     NULL };

static const struct cob_monitor monitors[] = {
	{ "iostat", "block device activity (iostat -dxyt 1, /proc/diskstats)", "iostat", "iostat", "sysstat",
	  iostat_version, false },
	/* ours (bench/cob_kpmon.c): its version is meta.json's git revision */
	{ "kprobes", "the copyout kprobe's state (absent, ftrace, int3, optimized) and debug.kprobes-optimization, every ms",
	  "kprobes", "cob-kpmon", "copyout-bench", NULL, false },
	{ "diskstats", "per block device: the change of every /proc/diskstats counter over the run", "diskstats",
	  "cat", "coreutils", NULL, true },
	{ "vmstat", "every /proc/vmstat counter at the start and the end of the run, and its change", "vmstat", "cat",
	  "coreutils", NULL, true },
	/* Debian's libbpf-tools: bcc's tools in their CO-RE form; the kernel may refuse their programs */
	/* cachestat falls back to ours, cob-cachestat, where the tool cannot attach
	 * (its rows' tool column says which counted) */
	{ "cachestat", "page-cache hits, misses and dirtied pages per second (libbpf-tools cachestat, else cob-cachestat: kprobes or fentry)",
	  "cachestat", "cachestat", "libbpf-tools", libbpf_tools_version, true },
	{ "readahead", "pages read ahead, those never used, and the time to their first access (libbpf-tools readahead, else cob-readahead: fentry or kprobes)",
	  "readahead", "readahead", "libbpf-tools", libbpf_tools_version, true },
	{ "biolatency", "block I/O latency histogram (libbpf-tools biolatency: block tracepoints)", "biolatency",
	  "biolatency", "libbpf-tools", libbpf_tools_version, true },
	{ "funclatency", "copyout() latency histogram (libbpf-tools funclatency copyout: kprobe + kretprobe)",
	  "funclatency", "funclatency", "libbpf-tools", libbpf_tools_version, true },
};

COB_REGISTRY_DEFINE(cob_monitor, struct cob_monitor, monitors)

void cob_monitor_path(const struct cob_monitor *m, const char *bin, char *buf, size_t len)
{
	const char *root = getenv("COB_ROOT");

	if (root && *root)
		snprintf(buf, len, "%s/bench/monitors/%s", root, m->exec);
	else
		snprintf(buf, len, "%s/../../bench/monitors/%s", bin, m->exec);
}
