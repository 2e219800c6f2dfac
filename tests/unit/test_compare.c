/* The statistics of ./run.sh compare (bench/compare_stats.c): the
 * Mann-Whitney U test against values worked out by hand, and the verdict
 * rule. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>
#include "compare_stats.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void near(double got, double want, double tol)
{
	cr_assert(fabs(got - want) <= tol, "got %.10g, want %.10g (+-%g)", got, want, tol);
}

/* a = {1,2,3}, b = {4,5,6}: a is below b in all 9 pairs, U = 0, mu = 4.5,
 * sigma = sqrt(3*3/12 * 7) = sqrt(5.25) = 2.2912878, z = -(4.5-0.5)/sigma =
 * -1.7457431, p = erfc(1.7457431/sqrt 2) = 0.0808556 (scipy's mannwhitneyu,
 * method asymptotic, gives the same). */
Test(mann_whitney, separated_samples)
{
	const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	struct cob_mwu u;

	cr_assert_eq(cob_mann_whitney(a, N(a), b, N(b), &u), 0);
	near(u.u, 0, 0);
	near(u.mu, 4.5, 0);
	near(u.sigma, 2.2912878475, 1e-9);
	near(u.z, -1.7457431219, 1e-9);
	near(u.p, 0.0808555984, 1e-9);
}

/* The order of the samples only flips the sign: U_b = na nb - U_a. */
Test(mann_whitney, symmetric)
{
	const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	struct cob_mwu u;

	cr_assert_eq(cob_mann_whitney(b, N(b), a, N(a), &u), 0);
	near(u.u, 9, 0);
	near(u.z, 1.7457431219, 1e-9);
	near(u.p, 0.0808555984, 1e-9);
}

/* Ties: a = {1,2,2}, b = {2,3,4}. Pooled ranks: 1 -> 1, the three 2s -> 3
 * each (average of 2,3,4), 3 -> 5, 4 -> 6. R_a = 1+3+3 = 7, U = 7 - 6 = 1.
 * Tie term: one group of 3, 3^3-3 = 24; sigma^2 = 9/12 * (7 - 24/30) = 4.65,
 * sigma = 2.1563859; z = -(3.5-0.5)/sigma = -1.3912167; p = 0.1641597. */
Test(mann_whitney, ties_get_average_ranks_and_correct_sigma)
{
	const double a[] = { 2, 1, 2 }, b[] = { 4, 2, 3 };
	struct cob_mwu u;

	cr_assert_eq(cob_mann_whitney(a, N(a), b, N(b), &u), 0);
	near(u.u, 1, 0);
	near(u.sigma, sqrt(4.65), 1e-12);
	near(u.z, -3 / sqrt(4.65), 1e-12);
	near(u.p, 0.1641597285, 1e-9);
}

/* 1..20 against 11..30: U counts a > b pairs, ties half: for a = k in
 * 11..20, k-11 values of b are below and one is equal: sum (k - 10.5) = 50.
 * mu = 200; ten tie pairs: sum t^3-t = 60; sigma^2 = 400/12 * (41 - 60/1560)
 * = 1365.3846; z = -149.5/36.951111 = -4.0458865; p = 5.2125496e-05. */
Test(mann_whitney, shifted_samples_are_significant)
{
	double a[20], b[20];
	struct cob_mwu u;

	for (int i = 0; i < 20; i++) {
		a[i] = i + 1;
		b[i] = i + 11;
	}
	cr_assert_eq(cob_mann_whitney(a, 20, b, 20, &u), 0);
	near(u.u, 50, 0);
	near(u.sigma * u.sigma, 400.0 / 12 * (41 - 60.0 / 1560), 1e-9);
	near(u.z, -4.0458864521, 1e-9);
	near(u.p, 5.212549621e-05, 1e-12);
}

/* Equal samples: U = mu, z = 0 (continuity correction), p = 1. */
Test(mann_whitney, same_samples_p_is_one)
{
	const double a[] = { 5, 1, 3, 8 }, b[] = { 8, 3, 1, 5 };
	struct cob_mwu u;

	cr_assert_eq(cob_mann_whitney(a, N(a), b, N(b), &u), 0);
	near(u.u, 8, 0);
	near(u.z, 0, 0);
	near(u.p, 1, 0);
}

/* All values tied: no spread at all, sigma 0, p = 1; one value each: p = 1. */
Test(mann_whitney, all_tied_and_single_values)
{
	const double a[] = { 7, 7 }, b[] = { 7, 7, 7 }, x[] = { 1 }, y[] = { 100 };
	struct cob_mwu u;

	cr_assert_eq(cob_mann_whitney(a, N(a), b, N(b), &u), 0);
	near(u.sigma, 0, 0);
	near(u.p, 1, 0);
	cr_assert_eq(cob_mann_whitney(x, 1, y, 1, &u), 0);
	near(u.u, 0, 0);
	near(u.p, 1, 0); /* |U - mu| = 0.5: the continuity correction leaves 0 */
}

Test(mann_whitney, empty_sample_is_an_error)
{
	const double a[] = { 1 };
	struct cob_mwu u;

	cr_assert_eq(cob_mann_whitney(a, 1, a, 0, &u), -1);
	cr_assert(isnan(u.p));
}

Test(verdict, lower_is_better)
{
	double c;

	/* +10 %, significant: regressed; -10 %: improved */
	cr_assert_eq(cob_verdict_lower_better(100, 110, 0.01, 0.05, 5, &c), COB_REGRESSED);
	near(c, 10, 1e-12);
	cr_assert_eq(cob_verdict_lower_better(100, 90, 0.01, 0.05, 5, &c), COB_IMPROVED);
	near(c, -10, 1e-12);
	/* large but not significant: noise; NaN p (cannot tell): noise */
	cr_assert_eq(cob_verdict_lower_better(100, 150, 0.2, 0.05, 5, &c), COB_NOISE);
	cr_assert_eq(cob_verdict_lower_better(100, 150, NAN, 0.05, 5, &c), COB_NOISE);
	/* significant but under --min-change: unchanged */
	cr_assert_eq(cob_verdict_lower_better(100, 104, 1e-9, 0.05, 5, &c), COB_UNCHANGED);
	/* p exactly alpha is not below it */
	cr_assert_eq(cob_verdict_lower_better(100, 200, 0.05, 0.05, 5, &c), COB_NOISE);
	/* base 0 */
	cr_assert_eq(cob_verdict_lower_better(0, 0, 1, 0.05, 5, &c), COB_UNCHANGED);
	cr_assert_eq(cob_verdict_lower_better(0, 5, 0.001, 0.05, 5, &c), COB_REGRESSED);
	cr_assert(isinf(c) && c > 0);
	/* a negative base (an overhead below none's): change relative to |base| */
	cr_assert_eq(cob_verdict_lower_better(-100, -50, 0.001, 0.05, 5, &c), COB_REGRESSED);
	near(c, 50, 1e-12);
	cr_assert_eq(cob_verdict_lower_better(NAN, 5, 0.001, 0.05, 5, &c), COB_MISSING);
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
