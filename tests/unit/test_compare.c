/* The statistics of ./run.sh compare (bench/compare_stats.c): the verdict
 * rules and the normal p-value, against values worked out by hand. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "compare_stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void near(double got, double want, double tol)
{
	cr_assert(fabs(got - want) <= tol, "got %.10g, want %.10g (+-%g)", got, want, tol);
}

/* erfc(|z| / sqrt 2): 1 at 0, 0.05 at the 97.5 % quantile 1.959964, the same
 * either side, NaN for NaN */
Test(normal, two_sided_p)
{
	near(cob_normal_p2(0), 1, 1e-12);
	near(cob_normal_p2(1.959964), 0.05, 1e-6);
	near(cob_normal_p2(-1.959964), 0.05, 1e-6);
	near(cob_normal_p2(3), 0.0026998, 1e-6);
	cr_assert(isnan(cob_normal_p2(NAN)));
}

Test(verdict, any_success_drop_regresses)
{
	double c;

	cr_assert_eq(cob_verdict_rate(1, 0.999999, &c), COB_REGRESSED);
	cr_assert_eq(cob_verdict_rate(0.5, 0.75, &c), COB_IMPROVED);
	near(c, 50, 1e-12);
	cr_assert_eq(cob_verdict_rate(1, 1, &c), COB_UNCHANGED);
	cr_assert_eq(cob_verdict_rate(0, 0, &c), COB_UNCHANGED);
	cr_assert_eq(cob_verdict_rate(1, NAN, &c), COB_MISSING);
}

Test(verdict, names)
{
	cr_assert_str_eq(cob_verdict_name(COB_IMPROVED), "improved");
	cr_assert_str_eq(cob_verdict_name(COB_REGRESSED), "regressed");
	cr_assert_str_eq(cob_verdict_name(COB_UNCHANGED), "unchanged");
	cr_assert_str_eq(cob_verdict_name(COB_NOISE), "noise");
}

Test(verdict, over_repetitions)
{
	struct cob_reps apart = { 3, 3, 95, 105, 130, 140 }, overlap = { 3, 3, 95, 105, 100, 140 },
			few = { 1, 3, 100, 100, 130, 140 }, below = { 3, 3, 95, 105, 60, 70 };
	const char *why;
	double c;
	int abs;

	cr_assert_eq(cob_verdict_reps(100, 135, 0.001, 0.05, 5, &apart, 2, &c, &abs, &why), COB_REGRESSED);
	cr_assert_float_eq(c, 35, 1e-9);
	cr_assert_eq(abs, 0);
	cr_assert_str_eq(why, "");
	cr_assert_eq(cob_verdict_reps(100, 65, 0.001, 0.05, 5, &below, 2, &c, &abs, &why), COB_IMPROVED);
	/* ranges overlap: noise however small p is */
	cr_assert_eq(cob_verdict_reps(100, 135, 1e-9, 0.05, 5, &overlap, 2, &c, &abs, &why), COB_NOISE);
	cr_assert(strstr(why, "overlap"));
	/* apart but not significant over the repetitions */
	cr_assert_eq(cob_verdict_reps(100, 135, 0.2, 0.05, 5, &apart, 2, &c, &abs, &why), COB_NOISE);
	/* too few repetitions: unknown, never regressed */
	cr_assert_eq(cob_verdict_reps(100, 135, 0.001, 0.05, 5, &few, 2, &c, &abs, &why), COB_UNKNOWN);
	cr_assert(strstr(why, "too few repetitions"));
	/* below --min-change: unchanged whatever the repetitions */
	cr_assert_eq(cob_verdict_reps(100, 135, 0.001, 0.05, 50, &few, 2, &c, &abs, &why), COB_UNCHANGED);
	cr_assert_eq(cob_verdict_reps(NAN, 135, 0.001, 0.05, 5, &apart, 2, &c, &abs, &why), COB_MISSING);
	cr_assert_str_eq(cob_verdict_name(COB_UNKNOWN), "unknown");
}

Test(verdict, base_at_or_below_zero_gives_an_absolute_change)
{
	struct cob_reps apart = { 3, 3, -2010, -1990, 1290, 1310 };
	double c, rel;
	int abs;

	/* an overhead of -1978205 ns to +3000000 ns: +4978205 ns, no % */
	c = cob_change(-1978205, 3000000, &abs, &rel);
	cr_assert_eq(abs, 1);
	cr_assert_float_eq(c, 4978205, 1e-6);
	cr_assert_float_eq(rel, 4978205.0 / 3000000 * 100, 1e-6);
	c = cob_change(0, 0, &abs, &rel);
	cr_assert_eq(abs, 1);
	cr_assert_float_eq(c, 0, 1e-12);
	cr_assert_float_eq(rel, 0, 1e-12);
	c = cob_change(200, 300, &abs, &rel);
	cr_assert_eq(abs, 0);
	cr_assert_float_eq(c, 50, 1e-9);
	cr_assert_eq(cob_verdict_reps(-2000, 1300, 0.001, 0.05, 5, &apart, 2, &c, &abs, NULL), COB_REGRESSED);
	cr_assert_eq(abs, 1);
	cr_assert_float_eq(c, 3300, 1e-9);
}
