/* What the read workload (cob-read) records per read(), written as a binary
 * array to --records so the loader can join it with the BPF events. */
#ifndef READ_RECORD_H
#define READ_RECORD_H
#include <stdint.h>
#include "filter_reduce.h"

#define REC_BYTES_MATCH (1u << 0) /* buffer[0..ret) equals the file bytes */
#define REC_COPIED      (1u << 1) /* some file byte reached the buffer */
#define REC_RESULT_BUF  (1u << 2) /* an override result header was found in the buffer */
#define REC_NO_SYSCALL  (1u << 3) /* the access method read without a read syscall (mmap) */
#define REC_FAULTS      (1u << 4) /* minflt, majflt were measured (the mmap methods) */

struct read_record {
	uint64_t iter;
	uint64_t offset;       /* file offset of this read */
	uint64_t req;          /* bytes requested */
	int64_t ret;           /* read() return value */
	int32_t err;           /* errno when ret < 0 */
	uint32_t flags;        /* REC_* */
	uint64_t t0, t1;       /* CLOCK_MONOTONIC ns right before and after read() */
	uint64_t expect_len;   /* bytes the file holds at [offset, offset+req) */
	uint64_t copied_bytes; /* positions where buffer == file byte (buffer is pre-filled with ~file) */
	struct fr_result user; /* reference over the expected file bytes */
	struct fr_result inbuf;/* override: result found in the buffer */
	uint64_t minflt, majflt;/* page faults of the workload during the read (REC_FAULTS) */
	uint64_t user_ns;      /* CLOCK_MONOTONIC ns of the user-space filter-reduce over the read's
				* bytes (fr_compute, from memory; E15's "user filter") */
};

#endif
