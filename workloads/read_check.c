#include "read_check.h"
#include <linux/types.h>
#include <string.h>
#include "copyout_hook.h"

void read_prefill(unsigned char *buf, size_t bufsize, const unsigned char *expect, size_t expect_len)
{
	size_t i;

	for (i = 0; i < expect_len && i < bufsize; i++)
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
	for (size_t i = skip; i < n; i++)
		r->copied_bytes += buf[i] == expect[i];
	if (r->ret >= 0 && (uint64_t)r->ret == r->expect_len && !memcmp(buf, expect, r->expect_len))
		r->flags |= REC_BYTES_MATCH;
	if (r->copied_bytes)
		r->flags |= REC_COPIED;
}
