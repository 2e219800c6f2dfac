/* What bpf/readahead.bpf.c sums and the loader (loaders/cob_readahead.c)
 * prints. */
#ifndef COB_READAHEAD_H
#define COB_READAHEAD_H

#define RA_SLOTS 20 /* log2 buckets of ms from readahead to first access: 0..2^19 ms */

struct ra_hist {
	__u32 total;  /* pages allocated by readahead */
	__u32 unused; /* of those, not yet accessed */
	__u32 slots[RA_SLOTS];
};

#endif
