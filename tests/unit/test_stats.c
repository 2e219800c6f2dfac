#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include "stats.h"

static struct cob_stats s;

static void add_all(const double *v, size_t n)
{
	cob_stats_init(&s);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(cob_stats_add(&s, v[i]), 0);
}

Test(stats, empty_is_undefined)
{
	cob_stats_init(&s);
	struct cob_summary r = cob_stats_summary(&s);

	cr_assert_eq(r.n, 0);
	cr_assert(isnan(r.mean) && isnan(r.sd) && isnan(r.median) && isnan(r.min) && isnan(r.max) &&
		  isnan(r.ci95));
	cob_stats_free(&s);
}

Test(stats, one_value_has_no_spread)
{
	const double v[] = { 42.5 };

	add_all(v, 1);
	cr_assert_float_eq(cob_stats_mean(&s), 42.5, 1e-12);
	cr_assert_float_eq(cob_stats_median(&s), 42.5, 1e-12);
	cr_assert(isnan(cob_stats_sd(&s)), "sample sd needs two values");
	cr_assert(isnan(cob_stats_ci95(&s)));
	cr_assert_float_eq(s.min, 42.5, 0);
	cr_assert_float_eq(s.max, 42.5, 0);
	cob_stats_free(&s);
}

/* 2 4 4 4 5 5 7 9: mean 5, squared deviations sum to 32, sample variance
 * 32/7, sd 2.1380899, median (4+5)/2, 95 % CI half-width
 * t(0.975,7) * sd / sqrt(8) = 2.3646243 * 0.7559289 = 1.7874879 */
Test(stats, hand_computed_set)
{
	const double v[] = { 9, 4, 2, 5, 4, 7, 4, 5 };
	struct cob_summary r;

	add_all(v, 8);
	r = cob_stats_summary(&s);
	cr_assert_eq(r.n, 8);
	cr_assert_float_eq(r.mean, 5.0, 1e-12);
	cr_assert_float_eq(cob_stats_var(&s), 32.0 / 7.0, 1e-12);
	cr_assert_float_eq(r.sd, 2.1380899, 1e-6);
	cr_assert_float_eq(r.median, 4.5, 1e-12);
	cr_assert_float_eq(r.min, 2.0, 0);
	cr_assert_float_eq(r.max, 9.0, 0);
	cr_assert_float_eq(r.ci95, 1.7874879, 1e-6);
	cob_stats_free(&s);
}

Test(stats, median_of_odd_count_unsorted)
{
	const double v[] = { 3, -1, 2, 10, 0 };

	add_all(v, 5);
	cr_assert_float_eq(cob_stats_median(&s), 2.0, 0);
	cr_assert_float_eq(s.min, -1.0, 0);
	/* adding after a median re-sorts */
	cr_assert_eq(cob_stats_add(&s, -5), 0);
	cr_assert_float_eq(cob_stats_median(&s), 1.0, 1e-12);
	cob_stats_free(&s);
}

Test(stats, welford_is_stable_with_a_large_offset)
{
	/* deviations -6 -3 3 6 around 1e9+10: sample variance 90/3 = 30 */
	const double v[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };

	add_all(v, 4);
	cr_assert_float_eq(cob_stats_mean(&s), 1e9 + 10, 1e-6);
	cr_assert_float_eq(cob_stats_var(&s), 30.0, 1e-6);
	cr_assert_float_eq(cob_stats_median(&s), 1e9 + 10, 1e-6);
	cob_stats_free(&s);
}

Test(stats, student_t_quantiles)
{
	cr_assert_float_eq(cob_t975(1), 12.7062047, 1e-6);
	cr_assert_float_eq(cob_t975(2), 4.3026527, 1e-6);
	cr_assert_float_eq(cob_t975(10), 2.2281389, 1e-6);
	cr_assert_float_eq(cob_t975(30), 2.0422725, 1e-6);
	/* beyond the table: the expansion */
	cr_assert_float_eq(cob_t975(31), 2.0395134, 1e-5);
	cr_assert_float_eq(cob_t975(40), 2.0210754, 1e-5);
	cr_assert_float_eq(cob_t975(60), 2.0002978, 1e-5);
	cr_assert_float_eq(cob_t975(120), 1.9799304, 1e-5);
	cr_assert_float_eq(cob_t975(1000000), 1.959966, 1e-5);
	for (unsigned long df = 1; df < 200; df++)
		cr_assert_gt(cob_t975(df), cob_t975(df + 1), "t must fall with df (df=%lu)", df);
}

Test(stats, ci_shrinks_with_n)
{
	const double a[] = { 1, 2, 3, 4 };
	double ci4;

	add_all(a, 4);
	/* sd = sqrt(5/3) = 1.2909944, t(3) = 3.1824463: 3.1824463 * 1.2909944 / 2 = 2.0542603 */
	ci4 = cob_stats_ci95(&s);
	cr_assert_float_eq(ci4, 2.0542603, 1e-6);
	for (int i = 0; i < 4; i++)
		cob_stats_add(&s, a[i]);
	cr_assert_lt(cob_stats_ci95(&s), ci4);
	cob_stats_free(&s);
}

Test(stats, nan_is_rejected_and_extremes_do_not_overflow)
{
	const double v[] = { DBL_MAX, DBL_MAX };

	cob_stats_init(&s);
	cr_assert_eq(cob_stats_add(&s, NAN), -1);
	cr_assert_eq(s.n, 0, "a NaN is not counted");
	cob_stats_free(&s);
	add_all(v, 2);
	cr_assert_float_eq(cob_stats_median(&s), DBL_MAX, 0);
	cr_assert(isfinite(cob_stats_median(&s)));
	cob_stats_free(&s);
}

Test(stats, many_values_grow_the_store)
{
	cob_stats_init(&s);
	for (int i = 1000; i >= 1; i--)
		cr_assert_eq(cob_stats_add(&s, i), 0);
	cr_assert_eq(s.n, 1000);
	cr_assert_float_eq(cob_stats_mean(&s), 500.5, 1e-9);
	cr_assert_float_eq(cob_stats_median(&s), 500.5, 1e-9);
	/* variance of 1..n is n(n+1)/12 */
	cr_assert_float_eq(cob_stats_var(&s), 1000.0 * 1001.0 / 12.0, 1e-6);
	cob_stats_free(&s);
}

/* ---- Student t with real df, Welch ---- */

Test(stats, t_quantile_agrees_with_the_table)
{
	for (unsigned long df = 1; df <= 30; df++)
		cr_assert_float_eq(cob_t_quantile(0.975, (double)df), cob_t975(df), 1e-7, "df=%lu", df);
	for (unsigned long df = 31; df <= 2000; df += 7)
		cr_assert_float_eq(cob_t_quantile(0.975, (double)df), cob_t975(df), 1e-5, "df=%lu", df);
	cr_assert_float_eq(cob_t_quantile(0.975, 1e6), cob_t975(1000000), 1e-6);
}

/* Reference values: bisection on the t density integrated with Simpson's
 * rule (an independent computation, 40000 panels). */
Test(stats, t_quantile_for_fractional_df)
{
	cr_assert_float_eq(cob_t_quantile(0.975, 1.5), 6.0166631, 1e-6);
	cr_assert_float_eq(cob_t_quantile(0.975, 2.5), 3.5746548, 1e-6);
	cr_assert_float_eq(cob_t_quantile(0.975, 6.97225573), 2.3665330, 1e-6);
	cr_assert_float_eq(cob_t_quantile(0.9, 3.5), 1.5765766, 1e-6);
	cr_assert_float_eq(cob_t_quantile(0.995, 12.25), 3.0432283, 1e-6);
	cr_assert_float_eq(cob_t_upper(2.0, 4.5), 0.0541290, 1e-6);
	cr_assert_float_eq(cob_t_upper(0.0, 4.5), 0.5, 1e-12);
	cr_assert_float_eq(cob_t_upper(-2.0, 4.5), 1 - 0.0541290, 1e-6);
	/* between neighbouring integers, and symmetric */
	cr_assert(cob_t_quantile(0.975, 6.5) < cob_t975(6) && cob_t_quantile(0.975, 6.5) > cob_t975(7));
	cr_assert_float_eq(cob_t_quantile(0.025, 6.5), -cob_t_quantile(0.975, 6.5), 1e-12);
	cr_assert_float_eq(cob_t_quantile(0.5, 3), 0, 0);
	/* huge df: the normal quantile */
	cr_assert_float_eq(cob_t_quantile(0.975, 1e12), 1.959963985, 1e-6);
}

Test(stats, t_quantile_rejects_bad_arguments)
{
	cr_assert(isnan(cob_t_quantile(0, 5)));
	cr_assert(isnan(cob_t_quantile(1, 5)));
	cr_assert(isnan(cob_t_quantile(0.975, 0)));
	cr_assert(isnan(cob_t_quantile(0.975, -1)));
	cr_assert(isnan(cob_t_quantile(NAN, 5)));
	cr_assert(isnan(cob_t_upper(1, NAN)));
	cr_assert(isnan(cob_t_upper(NAN, 3)));
}

/* a = 1..5: mean 3, variance 2.5; b = 2, 4, .., 12: mean 7, variance 14.
 * se^2 = 2.5/5 + 14/6 = 2.8333333, se = 1.6832508;
 * df = 2.8333333^2 / (0.5^2/4 + 2.3333333^2/5) = 8.0277778 / 1.1513889 = 6.9722557;
 * t(0.975, 6.9722557) = 2.3665330; ci95 = 2.3665330 * 1.6832508 = 3.9834687 */
Test(stats, welch_hand_computed)
{
	const double va[] = { 1, 2, 3, 4, 5 }, vb[] = { 2, 4, 6, 8, 10, 12 };
	struct cob_stats a, b;
	struct cob_welch w;

	cob_stats_init(&a);
	cob_stats_init(&b);
	for (int i = 0; i < 5; i++)
		cob_stats_add(&a, va[i]);
	for (int i = 0; i < 6; i++)
		cob_stats_add(&b, vb[i]);
	w = cob_stats_welch(&a, &b);
	cr_assert_float_eq(w.diff, 4.0, 1e-12);
	cr_assert_float_eq(w.se, 1.6832508, 1e-6);
	cr_assert_float_eq(w.df, 6.9722557, 1e-6);
	cr_assert_float_eq(w.ci95, 3.9834687, 1e-6);
	/* the other way round: the sign flips, the interval does not */
	w = cob_stats_welch(&b, &a);
	cr_assert_float_eq(w.diff, -4.0, 1e-12);
	cr_assert_float_eq(w.ci95, 3.9834687, 1e-6);
	cob_stats_free(&a);
	cob_stats_free(&b);
}

/* Equal sizes and variances: df = 2 (n - 1), like Student's pooled test.
 * 1000 2000 3000 twice vs the same + 500: variance 800000 each,
 * se = sqrt(2 * 800000 / 6) = 516.39778, ci95 = t(0.975, 10) * se = 1150.60596 */
Test(stats, welch_equal_samples)
{
	struct cob_stats a, b;
	struct cob_welch w;

	cob_stats_init(&a);
	cob_stats_init(&b);
	for (int r = 0; r < 2; r++)
		for (int i = 1; i <= 3; i++) {
			cob_stats_add(&a, 1000.0 * i);
			cob_stats_add(&b, 1000.0 * i + 500);
		}
	w = cob_stats_welch(&a, &b);
	cr_assert_float_eq(w.diff, 500, 1e-9);
	cr_assert_float_eq(w.df, 10, 1e-9);
	cr_assert_float_eq(w.se, 516.39778, 1e-5);
	cr_assert_float_eq(w.ci95, 1150.60596, 1e-4);
	cob_stats_free(&a);
	cob_stats_free(&b);
}

Test(stats, welch_degenerate_samples)
{
	struct cob_stats a, b;
	struct cob_welch w;

	cob_stats_init(&a);
	cob_stats_init(&b);
	w = cob_stats_welch(&a, &b);
	cr_assert(isnan(w.diff) && isnan(w.se) && isnan(w.df) && isnan(w.ci95), "empty");
	cob_stats_add(&a, 10);
	cob_stats_add(&b, 15);
	w = cob_stats_welch(&a, &b);
	cr_assert_float_eq(w.diff, 5, 0);
	cr_assert(isnan(w.se) && isnan(w.ci95), "one value each: no spread");
	/* no spread at all: an exact difference */
	cob_stats_add(&a, 10);
	cob_stats_add(&b, 15);
	cob_stats_add(&b, 15);
	w = cob_stats_welch(&a, &b);
	cr_assert_float_eq(w.diff, 5, 0);
	cr_assert_float_eq(w.se, 0, 0);
	cr_assert_float_eq(w.ci95, 0, 0);
	cr_assert_float_eq(w.df, 3, 0);
	cob_stats_free(&a);
	cob_stats_free(&b);
}
