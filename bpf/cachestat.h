/* What bpf/cachestat.bpf.c counts (index into its counts[]) and the loader
 * reads (loaders/cob_cachestat.c). */
#ifndef COB_CACHESTAT_H
#define COB_CACHESTAT_H

enum {
	CS_ACCESSED,     /* folio_mark_accessed / mark_page_accessed */
	CS_ADDED,        /* filemap_add_folio / add_to_page_cache_lru: a miss */
	CS_DIRTIED,      /* folio_account_dirtied / account_page_dirtied / writeback_dirty_* */
	CS_BUFFER_DIRTY, /* mark_buffer_dirty */
	CS_NR,
};

#endif
