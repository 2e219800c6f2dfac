// SPDX-License-Identifier: GPL-2.0
/* Page-cache accesses, additions and dirtied pages, system-wide: the counts
 * of bcc's cachestat, for kernels where Debian's libbpf-tools cachestat
 * (0.26) cannot attach (it wants account_page_dirtied, gone since 5.16).
 * The loader (loaders/cob_cachestat.c) attaches each program to the first
 * function of its list the kernel has: the folio names first (a page name
 * of 6.1 calls the folio one, which would count twice otherwise). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "cachestat.h"

char LICENSE[] SEC("license") = "GPL";

__u64 counts[CS_NR] = {};

static __always_inline int count(int what)
{
	__sync_fetch_and_add(&counts[what], 1);
	return 0;
}

SEC("kprobe")
int cs_accessed(void *ctx)
{
	return count(CS_ACCESSED);
}

SEC("kprobe")
int cs_added(void *ctx)
{
	return count(CS_ADDED);
}

SEC("kprobe")
int cs_dirtied(void *ctx)
{
	return count(CS_DIRTIED);
}

/* where the dirtying function is static and inlined (6.x): its tracepoint */
SEC("tp/writeback/writeback_dirty_folio")
int cs_dirtied_tp_folio(void *ctx)
{
	return count(CS_DIRTIED);
}

SEC("tp/writeback/writeback_dirty_page")
int cs_dirtied_tp_page(void *ctx)
{
	return count(CS_DIRTIED);
}

SEC("kprobe")
int cs_buffer_dirty(void *ctx)
{
	return count(CS_BUFFER_DIRTY);
}
