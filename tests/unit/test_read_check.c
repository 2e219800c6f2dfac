#include <criterion/criterion.h>
#include <linux/types.h>
#include <string.h>
#include "copyout_hook.h"
#include "read_check.h"

static const unsigned char file[16] = "0123456789abcdef";

Test(read_check, a_full_copy_matches)
{
	unsigned char buf[16];
	struct read_record r = { .req = 16, .expect_len = 16, .ret = 16 };

	read_prefill(buf, sizeof(buf), file, 16);
	cr_assert_eq(memcmp(buf, file, 16) == 0, 0, "prefill must differ from the file everywhere");
	memcpy(buf, file, 16);
	read_check(&r, buf, file);
	cr_assert(r.flags & REC_BYTES_MATCH);
	cr_assert(r.flags & REC_COPIED);
	cr_assert_eq(r.copied_bytes, 16);
}

Test(read_check, untouched_buffer_has_no_copied_byte)
{
	unsigned char buf[16];
	struct read_record r = { .req = 16, .expect_len = 16, .ret = 16 };

	read_prefill(buf, sizeof(buf), file, 16);
	read_check(&r, buf, file);
	cr_assert_eq(r.copied_bytes, 0);
	cr_assert_not(r.flags & (REC_BYTES_MATCH | REC_COPIED));
}

Test(read_check, one_copied_byte_is_seen)
{
	unsigned char buf[16];
	struct read_record r = { .req = 16, .expect_len = 16, .ret = 16 };

	read_prefill(buf, sizeof(buf), file, 16);
	buf[9] = file[9];
	read_check(&r, buf, file);
	cr_assert_eq(r.copied_bytes, 1);
	cr_assert(r.flags & REC_COPIED);
}

Test(read_check, short_return_does_not_match)
{
	unsigned char buf[16];
	struct read_record r = { .req = 16, .expect_len = 16, .ret = 8 };

	memcpy(buf, file, 16);
	read_check(&r, buf, file);
	cr_assert_not(r.flags & REC_BYTES_MATCH);
}

Test(read_check, override_result_header_is_parsed_and_not_counted_as_copied)
{
	unsigned char buf[64], ref[64];
	struct cob_override_result res = { .magic = COB_RESULT_MAGIC, .fr = { 3, 60, 10, 30 } };
	struct read_record r = { .req = 64, .expect_len = 64, .ret = 64 };

	memset(ref, '7', sizeof(ref));
	read_prefill(buf, sizeof(buf), ref, 64);
	memcpy(buf, &res, sizeof(res));
	read_check(&r, buf, ref);
	cr_assert(r.flags & REC_RESULT_BUF);
	cr_assert_eq(r.inbuf.count, 3);
	cr_assert_eq(r.inbuf.sum, 60);
	cr_assert_eq(r.inbuf.min, 10);
	cr_assert_eq(r.inbuf.max, 30);
	cr_assert_eq(r.copied_bytes, 0);
}
