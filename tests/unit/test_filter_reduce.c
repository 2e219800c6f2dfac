/* The user-space filter-reduce reference: its results are what every BPF
 * result is compared with, so its semantics are pinned down here. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "filter_reduce.h"

static struct fr_result fr_str(const char *s, uint64_t thr)
{
	return fr_compute(s, strlen(s), thr);
}

Test(filter_reduce, sums_plain_numbers)
{
	struct fr_result r = fr_str("12\n7\n100\n", 0);

	cr_assert_eq(r.count, 3);
	cr_assert_eq(r.sum, 119);
	cr_assert_eq(r.min, 7);
	cr_assert_eq(r.max, 100);
}

Test(filter_reduce, threshold_keeps_values_at_or_above)
{
	struct fr_result r = fr_str("5 10 15 20", 10);

	cr_assert_eq(r.count, 3);
	cr_assert_eq(r.sum, 45);
	cr_assert_eq(r.min, 10);
}

Test(filter_reduce, empty_input_has_no_numbers)
{
	struct fr_result r = fr_compute("", 0, 0);

	cr_assert_eq(r.count, 0);
	cr_assert_eq(r.sum, 0);
	cr_assert_eq(r.min, UINT64_MAX);
	cr_assert_eq(r.max, 0);
}

Test(filter_reduce, number_at_end_without_separator_counts)
{
	struct fr_result r = fr_str("1\n23", 0);

	cr_assert_eq(r.count, 2);
	cr_assert_eq(r.sum, 24);
}

Test(filter_reduce, leading_zeros_are_digits)
{
	struct fr_result r = fr_str("00042\n", 0);

	cr_assert_eq(r.count, 1);
	cr_assert_eq(r.sum, 42);
}

Test(filter_reduce, non_digits_separate_numbers)
{
	struct fr_result r = fr_str("a1b22c-333", 0);

	cr_assert_eq(r.count, 3);
	cr_assert_eq(r.sum, 356);
}

Test(filter_reduce, long_digit_runs_wrap_modulo_2_64)
{
	/* 10^20 mod 2^64 */
	struct fr_result r = fr_str("100000000000000000000", 0);

	cr_assert_eq(r.count, 1);
	cr_assert_eq(r.sum, (uint64_t)7766279631452241920ULL);
}

Test(filter_reduce, pieces_give_the_same_result_as_the_whole)
{
	const char *s = "123 4567\n89\n0\n55555 1";
	struct fr_result whole = fr_str(s, 50);

	for (size_t cut = 0; cut <= strlen(s); cut++) {
		struct fr_state st;

		fr_init(&st, 50);
		fr_feed(&st, s, cut);
		fr_feed(&st, s + cut, strlen(s) - cut);
		struct fr_result r = fr_finish(&st);

		cr_assert(fr_equal(&r, &whole), "split at %zu differs", cut);
	}
}

Test(filter_reduce, fr_equal_detects_each_field)
{
	struct fr_result a = { 1, 2, 3, 4 }, b = a;

	cr_assert(fr_equal(&a, &b));
	b.max = 5;
	cr_assert_not(fr_equal(&a, &b));
	b = a;
	b.count = 9;
	cr_assert_not(fr_equal(&a, &b));
}
