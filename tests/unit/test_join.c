#include <criterion/criterion.h>
#include <linux/types.h>
#include "join.h"

static struct read_record rec(uint64_t t0, uint64_t t1)
{
	struct read_record r = { .t0 = t0, .t1 = t1, .req = 100, .expect_len = 100, .ret = 100,
				 .flags = REC_BYTES_MATCH | REC_COPIED, .copied_bytes = 100 };
	r.user = (struct fr_result){ 2, 30, 10, 20 };
	return r;
}

static struct cob_event ev(uint64_t enter)
{
	struct cob_event e = { .enter_ts = enter, .calls = 1, .flags = COB_EV_COMPUTED };
	e.fr = (struct cob_fr){ 2, 30, 10, 20 };
	return e;
}

Test(join, each_read_gets_the_event_inside_its_interval)
{
	struct read_record r[3] = { rec(100, 200), rec(300, 400), rec(500, 600) };
	struct cob_event e[3] = { ev(150), ev(310), ev(599) };
	const struct cob_event *out[3];

	join_events(r, 3, e, 3, out);
	cr_assert_eq(out[0], &e[0]);
	cr_assert_eq(out[1], &e[1]);
	cr_assert_eq(out[2], &e[2]);
}

Test(join, a_missing_event_leaves_a_hole_not_a_shift)
{
	struct read_record r[3] = { rec(100, 200), rec(300, 400), rec(500, 600) };
	struct cob_event e[2] = { ev(150), ev(550) };
	const struct cob_event *out[3];

	join_events(r, 3, e, 2, out);
	cr_assert_eq(out[0], &e[0]);
	cr_assert_null(out[1]);
	cr_assert_eq(out[2], &e[1]);
}

Test(join, events_outside_every_read_are_ignored)
{
	struct read_record r[1] = { rec(100, 200) };
	struct cob_event e[2] = { ev(50), ev(250) };
	const struct cob_event *out[1];

	join_events(r, 1, e, 2, out);
	cr_assert_null(out[0]);
}

Test(classify, observe_ok_and_match)
{
	struct read_record r = rec(1, 2);
	struct cob_event e = ev(1);
	int match;

	cr_assert_eq(classify_read(&r, &e, COB_FN_FILTER_REDUCE, COB_MODE_OBSERVE, 100, &match), RS_OK);
	cr_assert_eq(match, 1);
}

Test(classify, observe_wrong_result_is_no_match)
{
	struct read_record r = rec(1, 2);
	struct cob_event e = ev(1);
	int match;

	e.fr.sum = 31;
	cr_assert_eq(classify_read(&r, &e, COB_FN_FILTER_REDUCE, COB_MODE_OBSERVE, 100, &match), RS_OK);
	cr_assert_eq(match, 0);
}

Test(classify, no_event_is_no_hook)
{
	struct read_record r = rec(1, 2);
	int match = 1;

	cr_assert_eq(classify_read(&r, NULL, COB_FN_FILTER_REDUCE, COB_MODE_OBSERVE, 100, &match), RS_NO_HOOK);
	cr_assert_eq(match, 0);
}

Test(classify, override_with_file_bytes_is_copied)
{
	struct read_record r = rec(1, 2);
	struct cob_event e = ev(1);
	int match;

	cr_assert_eq(classify_read(&r, &e, COB_FN_FILTER_REDUCE, COB_MODE_OVERRIDE, 100, &match), RS_COPIED);
}

Test(classify, override_contract)
{
	struct read_record r = rec(1, 2);
	struct cob_event e = ev(1);
	int match;

	r.flags = REC_RESULT_BUF;
	r.copied_bytes = 0;
	r.inbuf = r.user;
	cr_assert_eq(classify_read(&r, &e, COB_FN_FILTER_REDUCE, COB_MODE_OVERRIDE, 100, &match), RS_OK);
	cr_assert_eq(classify_read(&r, &e, COB_FN_FILTER_REDUCE, COB_MODE_OVERRIDE, 40, &match), RS_BAD_RET);
	r.inbuf.sum = 1;
	cr_assert_eq(classify_read(&r, &e, COB_FN_FILTER_REDUCE, COB_MODE_OVERRIDE, 100, &match), RS_BAD_RET);
	r.flags = 0; /* fits a result but none was written */
	cr_assert_eq(classify_read(&r, &e, COB_FN_FILTER_REDUCE, COB_MODE_OVERRIDE, 100, &match), RS_BAD_RET);
}
