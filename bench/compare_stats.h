/* Statistics of ./run.sh compare (bench/cob_compare.c): the Mann-Whitney U
 * rank test with the normal approximation, and the verdict rule shared by
 * every figure. */
#ifndef COB_COMPARE_STATS_H
#define COB_COMPARE_STATS_H
#include <stddef.h>

/* Mann-Whitney U test (two-sided) of samples a (na values) and b (nb):
 * ranks over the pooled sample, ties get their average rank;
 * u = R_a - na(na+1)/2 (the number of pairs where a is above b, ties
 * counting half); mu = na nb / 2;
 * sigma^2 = na nb / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))), t the size of
 * each group of ties, n = na + nb; z = (|u - mu| - 0.5) / sigma (continuity
 * correction, 0 when |u - mu| < 0.5), p = erfc(z / sqrt 2).
 * p is 1 when every value is tied (sigma 0). Returns 0, or -1 when a sample
 * is empty (errno EINVAL) or out of memory (ENOMEM); the result is then NaN. */
struct cob_mwu {
	double u, mu, sigma, z, p;
};
int cob_mann_whitney(const double *a, size_t na, const double *b, size_t nb, struct cob_mwu *out);

/* Two-sided p of a standard normal deviate z: erfc(|z| / sqrt 2). */
double cob_normal_p2(double z);

enum cob_verdict { COB_UNCHANGED, COB_IMPROVED, COB_REGRESSED, COB_NOISE, COB_MISSING };
const char *cob_verdict_name(enum cob_verdict v);

/* The rule for a figure where lower is better (latency, overhead):
 * change = (new - base) / |base| * 100 %.
 *   |change| < min_change_pct                      -> unchanged (too small to matter)
 *   |change| >= min_change_pct, p < alpha          -> regressed (new higher) / improved
 *   |change| >= min_change_pct, p >= alpha or NaN  -> noise (within run-to-run noise)
 * A base of 0 counts any non-zero new as an infinite change. NaN base or new:
 * missing. *change gets the change in % (NaN if base or new is NaN). */
enum cob_verdict cob_verdict_lower_better(double base, double new, double p, double alpha,
					  double min_change_pct, double *change);

/* A success rate (higher is better): any drop is a regression, any rise an
 * improvement, no statistics (a lost read is a bug, not noise). */
enum cob_verdict cob_verdict_rate(double base, double new, double *change);

#endif
