/* Joining what user space saw (read_record) with what the hook saw
 * (cob_event), and classifying each read. Both sides timestamp with the same
 * clock (CLOCK_MONOTONIC == bpf_ktime_get_ns), so the event of a read is the
 * one whose sys_enter_read time lies inside [t0, t1] of that read. */
#ifndef JOIN_H
#define JOIN_H
#include <linux/types.h>
#include <stddef.h>
#include <stdint.h>
#include "copyout_hook.h"
#include "read_record.h"

/* out[i] = event of recs[i] or NULL (always NULL for REC_NO_SYSCALL). Events must be in time order (they are:
 * one thread, one ring buffer). */
void join_events(const struct read_record *recs, size_t nrec, const struct cob_event *evs,
		 size_t nev, const struct cob_event **out);

/* RS_NO_SYSCALL: the access method read without a read syscall (mmap: page
 * faults, no copyout), so no backend could hook it, and the read delivered
 * exactly the file's bytes (else RS_BAD_RET). Such a row claims no hook
 * result: no event is joined to it and match=0. */
enum read_status { RS_OK, RS_COPIED, RS_BAD_RET, RS_NO_HOOK, RS_NO_SYSCALL };
const char *read_status_name(enum read_status s);

/* mode is COB_MODE_*; in override mode expect_ret is what the backend's
 * contract says read() returns. *match: the BPF result equals the user-space
 * reference (for the null function: the hook ran). */
enum read_status classify_read(const struct read_record *r, const struct cob_event *e, int function,
			       int mode, int64_t expect_ret, int *match);

#endif
