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

/* A read as an override leaves it when the contract holds: the result in the
 * buffer, no file bytes. */
static struct read_record overridden(void)
{
	struct read_record r = rec(1, 2);

	r.flags = REC_RESULT_BUF;
	r.copied_bytes = 0;
	r.inbuf = r.user;
	return r;
}

/* classify_read for filter-reduce in one mode. */
static enum read_status observe(const struct read_record *r, const struct cob_event *e, int64_t expect_ret,
				int *match)
{
	return classify_read(r, e, COB_FN_FILTER_REDUCE, COB_MODE_OBSERVE, expect_ret, match);
}

static enum read_status override(const struct read_record *r, const struct cob_event *e, int64_t expect_ret,
				 int *match)
{
	return classify_read(r, e, COB_FN_FILTER_REDUCE, COB_MODE_OVERRIDE, expect_ret, match);
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

/* Every classify test starts from a plain observed read, its event and an
 * unset match (a fixture: the same three lines opened each test). */
static struct read_record r;
static struct cob_event e;
static int match;

static void fresh(void)
{
	r = rec(1, 2);
	e = ev(1);
	match = -1;
}

TestSuite(classify, .init = fresh);

Test(classify, observe_ok_and_match)
{
	cr_assert_eq(observe(&r, &e, 100, &match), RS_OK);
	cr_assert_eq(match, 1);
}

Test(classify, observe_wrong_result_is_no_match)
{
	e.fr.sum = 31;
	cr_assert_eq(observe(&r, &e, 100, &match), RS_OK);
	cr_assert_eq(match, 0);
}

Test(classify, no_event_is_no_hook)
{
	match = 1;

	cr_assert_eq(observe(&r, NULL, 100, &match), RS_NO_HOOK);
	cr_assert_eq(match, 0);
}

Test(classify, override_with_file_bytes_is_copied)
{
	cr_assert_eq(override(&r, &e, 100, &match), RS_COPIED);
}

Test(classify, override_contract)
{
	r = overridden();

	cr_assert_eq(override(&r, &e, 100, &match), RS_OK);
	cr_assert_eq(override(&r, &e, 40, &match), RS_BAD_RET);
	r.inbuf.sum = 1;
	cr_assert_eq(override(&r, &e, 100, &match), RS_BAD_RET);
	r.flags = 0; /* fits a result but none was written */
	cr_assert_eq(override(&r, &e, 100, &match), RS_BAD_RET);
}

/* observe: a read that does not deliver exactly the file's bytes is bad_ret,
 * whatever the hook computed; match still says whether the hook's result
 * equals the reference */
Test(classify, observe_short_read_is_bad_ret)
{
	r.ret = 99; /* one byte short of expect_len */
	cr_assert_eq(observe(&r, &e, 100, &match), RS_BAD_RET);
	cr_assert_eq(match, 1);
	r.ret = 101; /* more than the file holds there */
	cr_assert_eq(observe(&r, &e, 100, &match), RS_BAD_RET);
}

Test(classify, observe_failed_read_is_bad_ret)
{
	r.ret = -1;
	r.err = 14;
	r.flags = 0;
	cr_assert_eq(observe(&r, &e, 100, &match), RS_BAD_RET);
	cr_assert_eq(match, 1);
	e.fr.count = 3;
	cr_assert_eq(observe(&r, &e, 100, &match), RS_BAD_RET);
	cr_assert_eq(match, 0);
}

Test(classify, observe_wrong_bytes_are_bad_ret)
{
	r.flags &= ~REC_BYTES_MATCH; /* right length, other bytes */
	cr_assert_eq(observe(&r, &e, 100, &match), RS_BAD_RET);
	cr_assert_eq(match, 1);
	/* and the same read with the right bytes is ok: the flag alone decides */
	r.flags |= REC_BYTES_MATCH;
	cr_assert_eq(observe(&r, &e, 100, &match), RS_OK);
}

Test(classify, observe_ignores_expect_ret)
{
	/* expect_ret is the override contract; observe checks against the file */
	cr_assert_eq(observe(&r, &e, 40, &match), RS_OK);
	cr_assert_eq(observe(&r, &e, -1, &match), RS_OK);
}

/* override: match is the hook's result against the reference, independent of
 * the status (a contract violation can still carry the right result) */
Test(classify, override_match)
{
	r = overridden();

	cr_assert_eq(override(&r, &e, 100, &match), RS_OK);
	cr_assert_eq(match, 1);
	/* wrong return value: bad_ret, the result still matches */
	match = -1;
	cr_assert_eq(override(&r, &e, 40, &match), RS_BAD_RET);
	cr_assert_eq(match, 1);
	/* file bytes reached the buffer: copied, the result still matches */
	r.flags = REC_COPIED | REC_RESULT_BUF;
	match = -1;
	cr_assert_eq(override(&r, &e, 100, &match), RS_COPIED);
	cr_assert_eq(match, 1);
	/* the hook computed something else: no match, each field on its own */
	r.flags = REC_RESULT_BUF;
	for (int f = 0; f < 4; f++) {
		struct cob_event w = ev(1);

		switch (f) {
		case 0: w.fr.count++; break;
		case 1: w.fr.sum++; break;
		case 2: w.fr.min++; break;
		case 3: w.fr.max++; break;
		}
		/* the buffer holds what the hook wrote: contract kept */
		r.inbuf = (struct fr_result){ w.fr.count, w.fr.sum, w.fr.min, w.fr.max };
		match = -1;
		cr_assert_eq(override(&r, &w, 100, &match), RS_OK,
			     "field %d", f);
		cr_assert_eq(match, 0, "field %d", f);
	}
}

Test(classify, override_match_needs_a_computed_result)
{
	r = overridden();

	e.flags = COB_EV_OVERRIDDEN | COB_EV_WROTE_USER; /* equal numbers, but the function never ran */
	cr_assert_eq(override(&r, &e, 100, &match), RS_OK);
	cr_assert_eq(match, 0);
	/* ... unless there was nothing to compute over (a read at EOF) */
	r.expect_len = 0;
	r.user = (struct fr_result){ 0, 0, UINT64_MAX, 0 };
	r.inbuf = r.user;
	e.fr = (struct cob_fr){ 0, 0, UINT64_MAX, 0 };
	match = -1;
	cr_assert_eq(override(&r, &e, 100, &match), RS_OK);
	cr_assert_eq(match, 1);
}

Test(classify, override_null_function_matches_when_hooked)
{
	r.flags = REC_RESULT_BUF;
	e.flags = 0;
	e.fr = (struct cob_fr){ 9, 9, 9, 9 };
	r.inbuf = (struct fr_result){ 9, 9, 9, 9 };
	cr_assert_eq(classify_read(&r, &e, COB_FN_NULL, COB_MODE_OVERRIDE, 100, &match), RS_OK);
	cr_assert_eq(match, 1);
	match = -1;
	cr_assert_eq(classify_read(&r, NULL, COB_FN_NULL, COB_MODE_OVERRIDE, 100, &match), RS_NO_HOOK);
	cr_assert_eq(match, 0);
}

/* An mmap read: no read syscall, so no event is its, even one that lies in
 * its interval (another read of the same process), and its row claims no
 * hook result. */
Test(join, a_read_without_syscall_gets_no_event)
{
	struct read_record r[3] = { rec(100, 200), rec(300, 400), rec(500, 600) };
	struct cob_event e[2] = { ev(150), ev(550) };
	const struct cob_event *out[3];

	r[1].flags |= REC_NO_SYSCALL;
	r[2].flags |= REC_NO_SYSCALL;
	join_events(r, 3, e, 2, out);
	cr_assert_eq(out[0], &e[0]);
	cr_assert_null(out[1]);
	cr_assert_null(out[2], "an event was joined to a read without a read syscall");
}

Test(classify, a_read_without_syscall_is_no_syscall_never_ok_or_match)
{
	struct read_record r = rec(1, 2);
	struct cob_event e = ev(1);
	int match;

	r.flags |= REC_NO_SYSCALL;
	for (int mode = COB_MODE_OBSERVE; mode <= COB_MODE_OVERRIDE; mode++) {
		cr_assert_eq(classify_read(&r, NULL, COB_FN_FILTER_REDUCE, mode, 100, &match), RS_NO_SYSCALL);
		cr_assert_eq(match, 0);
		/* even handed an event, it claims none */
		cr_assert_eq(classify_read(&r, &e, COB_FN_NULL, mode, 100, &match), RS_NO_SYSCALL);
		cr_assert_eq(match, 0);
	}
	cr_assert_str_eq(read_status_name(RS_NO_SYSCALL), "no_syscall");
}

Test(classify, a_read_without_syscall_with_wrong_bytes_is_bad_ret)
{
	struct read_record r = rec(1, 2);
	int match;

	r.flags = REC_NO_SYSCALL | REC_COPIED; /* bytes differ */
	cr_assert_eq(classify_read(&r, NULL, COB_FN_FILTER_REDUCE, COB_MODE_OBSERVE, 100, &match), RS_BAD_RET);
	r.flags = REC_NO_SYSCALL | REC_BYTES_MATCH;
	r.ret = 50; /* short */
	cr_assert_eq(classify_read(&r, NULL, COB_FN_FILTER_REDUCE, COB_MODE_OBSERVE, 100, &match), RS_BAD_RET);
}
