#include "read_check.h"
#include <linux/types.h>
#include <string.h>
#include "copyout_hook.h"

/* Sixteen bytes at a time (a vector type the compiler maps to SSE2 on
 * x86-64, to plain words elsewhere): this runs between two timed reads, and
 * the time between reads slows the next one (see cob_read.c). */
typedef unsigned char v16 __attribute__((vector_size(16)));

void read_prefill(unsigned char *buf, size_t bufsize, const unsigned char *expect, size_t expect_len)
{
	size_t i = 0, n = expect_len < bufsize ? expect_len : bufsize;

	for (; i + 16 <= n; i += 16) {
		v16 w;

		memcpy(&w, expect + i, 16);
		w = ~w;
		memcpy(buf + i, &w, 16);
	}
	for (; i < n; i++)
		buf[i] = (unsigned char)~expect[i];
	memset(buf + i, 0xAA, bufsize - i);
}

void read_check(struct read_record *r, const unsigned char *buf, const unsigned char *expect)
{
	size_t skip = 0, n = r->expect_len < r->req ? r->expect_len : r->req;
	struct cob_override_result res;

	r->flags = 0;
	r->copied_bytes = 0;
	memset(&r->inbuf, 0, sizeof(r->inbuf));
	if (r->req >= sizeof(res)) {
		memcpy(&res, buf, sizeof(res));
		if (res.magic == COB_RESULT_MAGIC) {
			r->flags |= REC_RESULT_BUF;
			r->inbuf.count = res.fr.count;
			r->inbuf.sum = res.fr.sum;
			r->inbuf.min = res.fr.min;
			r->inbuf.max = res.fr.max;
			skip = sizeof(res);
		}
	}
	/* all of [0, n) equal (the usual case, n = expect_len): every position
	 * from skip on is a copied byte, no need to count them one by one */
	int same = !memcmp(buf, expect, n);

	if (same)
		r->copied_bytes = n - skip;
	else
		for (size_t i = skip; i < n; i++)
			r->copied_bytes += buf[i] == expect[i];
	if (r->ret >= 0 && (uint64_t)r->ret == r->expect_len && n == r->expect_len && same)
		r->flags |= REC_BYTES_MATCH;
	if (r->copied_bytes)
		r->flags |= REC_COPIED;
}
