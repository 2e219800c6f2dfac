// SPDX-License-Identifier: GPL-2.0
/* Backend fmodret-permission: override on stock kernels with BPF trampolines
 * (Debian 6.1), where copyout cannot be hooked. fmod_ret on
 *   int security_file_permission(struct file *file, int mask)
 * which rw_verify_area() calls from vfs_read() BEFORE any data is read: a
 * non-zero return becomes vfs_read()'s return value and the read itself
 * (f_op->read_iter, hence every copy to user space) never runs.
 *
 * The hook sees no file bytes, so the storage function gets them from an
 * honest kernel source: the file's PAGE CACHE, read in BPF.
 * file->f_mapping->i_pages (an xarray) is walked with CO-RE reads, one lookup
 * per page (bounded descent; sibling entries of large folios resolved; node
 * fan-out taken from BTF, so 16-slot BASE_SMALL kernels work too); the folio
 * must be PG_uptodate. The page's kernel address comes from the direct map:
 * page_offset_base + ((page - vmemmap_base) / sizeof(struct page)) << 12 (typeless
 * ksyms; x86-64 SPARSEMEM_VMEMMAP). The bytes [pos, pos + len) are fed page by
 * page to the filter-reduce with bpf_probe_read_kernel, where pos = file->f_pos
 * (what read(2) and readv(2) pass down: ksys_read / do_readv copy f_pos), or
 * pread64's offset, and len = min(count, i_size - pos).
 *
 * Programs:
 *   tp/syscalls/sys_enter_{read,pread64,readv}
 *                                   a read of the target file by the target
 *                                   process starts the in-flight entry (buffer,
 *                                   count, timestamp, pread64's offset; readv:
 *                                   its one iovec; read_track.bpf.h).
 *   fmod_ret/security_file_permission
 *                                   for that read (same thread, MAY_READ, the
 *                                   target inode + device, first call of the read):
 *                                   compute over the page cache, then decide.
 *   tp/syscalls/sys_exit_{read,pread64,readv}
 *                                   emits the event.
 *
 * Contract (override), per target read:
 *   - every page of [pos, pos+len) cached and uptodate (or the null function),
 *     count >= 40: the result header (struct cob_override_result) is written at
 *     the start of the user buffer (bpf_probe_write_user, process context) and
 *     read() returns 40 = sizeof(struct cob_override_result). Also at end of
 *     file (an empty result). No file byte is copied; f_pos does not move.
 *   - same, count < 40: the header does not fit; nothing is written and read()
 *     fails with EMSGSIZE (-1). The result is in the event only. (A truncated
 *     header is not written: its bytes could equal file bytes and make the
 *     check see "copied" data.)
 *   - a page missing from the cache (NULL, value/shadow/swap entry, an internal
 *     entry that cannot be resolved, not uptodate, or a folio that no longer
 *     belongs to this mapping), a fault reading it, or a
 *     failed header write: the read is NOT overridden: it runs normally (the
 *     loader classifies it `copied`); the event has COB_EV_NOT_CACHED (or
 *     _READ_FAULT / _WRITE_FAULT) and no COB_EV_COMPUTED.
 *   override_ret = 40 if record->req >= 40, else -1.
 *   So the first read of a file that is not cached is let through, and the
 *   kernel caches it for the next one.
 * Observe mode: the same page-cache computation, then return 0: the read runs
 * unchanged; the event carries the page-cache result (match=1 shows the page
 * cache held exactly the bytes read() then delivered).
 *
 * readv(2) (one iovec): observe only. rw_verify_area() runs there too (from
 * do_iter_read), but do_iter_read() goes on with the read unless the hook
 * returns an error, so a readv cannot be answered with the 40-byte result:
 * cob-hook refuses override with access readv, and such a read, if one comes,
 * is let through untouched (COB_EV_UNSUPPORTED, classified `copied`).
 *
 * Limits: read(2), pread64(2), readv(2) with one iovec (observe); a file changed
 * between the hook and the would-be read is the page cache's view; x86-64
 * direct map only; scratch is per CPU (fine on non-preemptible kernels); no
 * readahead is triggered, so a cold file stays cold until a read is let through. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "copyout_hook.h"
#include "filter_reduce.bpf.h"
#include "target_file.bpf.h"
#include "read_track.bpf.h"

char LICENSE[] SEC("license") = "GPL";


#define MAY_READ_BIT 0x4
#define EMSGSIZE_ERR 90
#define PC_PAGE_SHIFT 12
#define PC_PAGE_SIZE (1ull << PC_PAGE_SHIFT)
#define XA_MAX_LEVELS 16 /* 64-bit index / 4-bit fan-out */
#define FOLIO_MAX_PAGES 512

/* Defaults of the x86-64 4-level layout without KASLR of the memory map. */
#define DEF_PAGE_OFFSET 0xffff888000000000ull
#define DEF_VMEMMAP 0xffffea0000000000ull

extern const void page_offset_base __ksym __weak;
extern const void vmemmap_base __ksym __weak;

static __always_inline int xa_internal(__u64 e)
{
	return (e & 3) == 2;
}

static __always_inline int xa_node_entry(__u64 e)
{
	return xa_internal(e) && e > 4096;
}

static __always_inline __u64 read_u64(__u64 addr)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (void *)addr);
	return v;
}

struct pc_walk {
	struct inflight *v;
	__u64 mapping;   /* the file's address_space */
	__u64 head;      /* i_pages.xa_head */
	__u64 pos, end;  /* byte range */
	__u64 page_off;  /* page_offset_base */
	__u64 vmemmap;   /* vmemmap_base */
	int status;      /* 0 ok, else COB_EV_* bit */
};

/* Kernel address of page `index` of the mapping, or 0 if it is not cached. */
static __always_inline __u64 pc_page_addr(struct pc_walk *w, __u64 index)
{
	__u64 slots_off = bpf_core_field_offset(struct xa_node, slots);
	__u64 nslots = bpf_core_field_size(struct xa_node, slots) / sizeof(void *);
	__u64 mask = nslots - 1;
	__u64 e = w->head, folio, findex, page, psz;

	if (xa_node_entry(e)) {
		for (int lvl = 0; lvl < XA_MAX_LEVELS; lvl++) {
			__u64 node = e - 2, off;
			unsigned char shift = BPF_CORE_READ((struct xa_node *)node, shift);

			if (shift >= 64)
				return 0;
			off = index >> shift;
			if (lvl == 0 && off > mask) /* beyond the tree */
				return 0;
			off &= mask;
			e = read_u64(node + slots_off + off * 8);
			/* sibling: points at the canonical slot of a multi-index entry */
			if (xa_internal(e) && e < (((mask) << 2) | 2))
				e = read_u64(node + slots_off + ((e >> 2) & mask) * 8);
			if (!xa_node_entry(e))
				break;
			if (!shift) /* a node below shift 0 cannot exist */
				return 0;
		}
		if (xa_node_entry(e))
			return 0;
	} else if (index) {
		return 0; /* a single entry at the head only holds index 0 */
	}
	/* NULL, value (shadow/swap) entries and unresolved internal entries */
	if (!e || (e & 1) || xa_internal(e))
		return 0;
	folio = e;
	/* still this file's (not freed and reused meanwhile) */
	if ((__u64)BPF_CORE_READ((struct folio *)folio, mapping) != w->mapping)
		return 0;
	/* flags is the first word of struct page / struct folio */
	if (!(read_u64(folio) & (1ull << bpf_core_enum_value(enum pageflags, PG_uptodate))))
		return 0;
	findex = BPF_CORE_READ((struct folio *)folio, index);
	if (index < findex || index - findex >= FOLIO_MAX_PAGES)
		return 0;
	psz = bpf_core_type_size(struct page);
	page = folio + (index - findex) * psz;
	if (!psz || page < w->vmemmap)
		return 0;
	return w->page_off + (((page - w->vmemmap) / psz) << PC_PAGE_SHIFT);
}

static long pc_page_cb(__u32 i, struct pc_walk *w)
{
	__u32 zero = 0;
	struct cob_scratch *c;
	__u64 index = (w->pos >> PC_PAGE_SHIFT) + i, start = index << PC_PAGE_SHIFT, from, n, kaddr;

	if (!w->v)
		return 1;
	from = start < w->pos ? w->pos : start;
	if (from >= w->end)
		return 1;
	n = w->end - from;
	if (n > start + PC_PAGE_SIZE - from)
		n = start + PC_PAGE_SIZE - from;
	kaddr = pc_page_addr(w, index);
	if (!kaddr) {
		w->status = COB_EV_NOT_CACHED;
		return 1;
	}
	c = bpf_map_lookup_elem(&scratch, &zero);
	if (!c)
		return 1;
	if (n == 0 || n > COB_CHUNK) {
		w->status = COB_EV_READ_FAULT;
		return 1;
	}
	__u64 t = bpf_ktime_get_ns();
	long err = bpf_probe_read_kernel(c->buf, n, (void *)(kaddr + (from - start)));

	w->v->load_ns += bpf_ktime_get_ns() - t;
	if (err) {
		w->status = COB_EV_READ_FAULT;
		return 1;
	}
	fr_bpf_parse(&w->v->st, c, n, threshold);
	return 0;
}

/* Run the function over the page cache of [pos, pos+len): 0 if done, else the
 * COB_EV_* bit saying why not. */
static __always_inline int pc_compute(struct inflight *v, struct file *file, __u64 pos, __u64 len)
{
	struct address_space *mapping = BPF_CORE_READ(file, f_mapping);
	struct pc_walk w = { .v = v, .pos = pos, .end = pos + len };
	__u64 pages;

	if (!len)
		return 0;
	if (!mapping)
		return COB_EV_NOT_CACHED;
	w.mapping = (__u64)mapping;
	w.head = (__u64)BPF_CORE_READ(mapping, i_pages.xa_head);
	w.page_off = &page_offset_base ? read_u64((__u64)&page_offset_base) : DEF_PAGE_OFFSET;
	w.vmemmap = &vmemmap_base ? read_u64((__u64)&vmemmap_base) : DEF_VMEMMAP;
	pages = ((pos + len - 1) >> PC_PAGE_SHIFT) - (pos >> PC_PAGE_SHIFT) + 1;
	bpf_loop(pages, pc_page_cb, &w, 0);
	return w.status;
}

READ_TRACK_ENTER_PROGS(cob_fp_enter)

SEC("fmod_ret/security_file_permission")
int BPF_PROG(cob_fp_perm, struct file *file, int mask)
{
	struct inflight *v;
	__u64 pos, size, len;
	int why = 0;

	if (!is_target_task() || !(v = track_lookup()) || v->calls || !(mask & MAY_READ_BIT) ||
	    !is_target_file(file))
		return 0;
	if (mode == COB_MODE_OVERRIDE && v->sys == COB_SYS_READV) {
		v->flags |= COB_EV_UNSUPPORTED; /* do_iter_read would go on reading */
		return 0;
	}
	pos = v->sys == COB_SYS_PREAD64 ? v->pos : BPF_CORE_READ(file, f_pos);
	size = BPF_CORE_READ(file, f_inode, i_size);
	len = pos < size ? size - pos : 0;
	if (len > v->count)
		len = v->count;

	v->hook_ts = bpf_ktime_get_ns();
	v->calls = 1;
	if (function == COB_FN_FILTER_REDUCE) {
		why = pc_compute(v, file, pos, len);
		if (!why) {
			v->flags |= COB_EV_COMPUTED;
			v->bytes_seen = len;
		}
	}
	v->hook_exit_ts = bpf_ktime_get_ns();
	if (why) {
		v->flags |= why;
		return 0; /* cannot vouch for the result: let the read run */
	}
	if (mode != COB_MODE_OVERRIDE)
		return 0;
	if (v->count < sizeof(struct cob_override_result)) {
		v->flags |= COB_EV_OVERRIDDEN;
		return -EMSGSIZE_ERR;
	}
	if (track_deliver(v))
		return 0;
	v->flags |= COB_EV_OVERRIDDEN;
	return sizeof(struct cob_override_result);
}

READ_TRACK_EXIT_PROGS(cob_fp_exit, track_exit_only)
