/* Per-read verification done by the workload outside the timed interval:
 * the buffer is pre-filled with the complement of the file bytes it should
 * receive, so afterwards every position equal to the file byte is a byte the
 * kernel copied, exactly, whatever the file holds. */
#ifndef READ_CHECK_H
#define READ_CHECK_H
#include <stddef.h>
#include "read_record.h"

void read_prefill(unsigned char *buf, size_t bufsize, const unsigned char *expect, size_t expect_len);
/* Fill r->flags, r->copied_bytes, r->inbuf from the buffer after a read that
 * returned r->ret; expect holds r->expect_len file bytes. */
void read_check(struct read_record *r, const unsigned char *buf, const unsigned char *expect);

#endif
