/* Descriptive statistics for the sweep summary: count, mean and sample
 * standard deviation (Welford's online update), median, min, max and the
 * 95 % confidence interval of the mean (Student t). Undefined results are
 * NaN: everything when n == 0; sd and ci95 when n < 2. */
#ifndef COB_STATS_H
#define COB_STATS_H
#include <stddef.h>

struct cob_stats {
	size_t n;
	double mean, m2, min, max; /* Welford state */
	double *v;                 /* the values, kept for the median */
	size_t cap;
	int sorted;
};

struct cob_summary {
	size_t n;
	double mean, sd, median, min, max;
	double ci95; /* half-width: t(0.975, n-1) * sd / sqrt(n) */
};

void cob_stats_init(struct cob_stats *s);
/* Returns 0, or -1 (errno ENOMEM); NaN values are rejected with EINVAL. */
int cob_stats_add(struct cob_stats *s, double x);
void cob_stats_free(struct cob_stats *s);

double cob_stats_mean(const struct cob_stats *s);
double cob_stats_sd(const struct cob_stats *s);   /* sample sd, divisor n-1 */
double cob_stats_var(const struct cob_stats *s);  /* sample variance */
double cob_stats_median(struct cob_stats *s);     /* sorts the kept values */
double cob_stats_ci95(const struct cob_stats *s);
struct cob_summary cob_stats_summary(struct cob_stats *s);

/* 0.975 quantile of Student's t with df degrees of freedom (df >= 1):
 * exact table to df 30, Cornish-Fisher expansion beyond (error < 1e-5). */
double cob_t975(unsigned long df);

/* Student's t with a real number of degrees of freedom df > 0 (e.g. Welch-
 * Satterthwaite): the upper tail P(T > t) from the regularized incomplete
 * beta function, and the p quantile (0 < p < 1) found by bisection on it
 * (relative error < 1e-9; df above 1e7 counts as 1e7, within 2e-7 of the
 * normal limit). NaN for arguments outside those ranges. */
double cob_t_upper(double t, double df);
double cob_t_quantile(double p, double df);

/* Difference of two means with Welch's 95 % confidence interval (unequal
 * variances): diff = mean(b) - mean(a), se = sqrt(var_a/n_a + var_b/n_b),
 * df = se^4 / ((var_a/n_a)^2/(n_a-1) + (var_b/n_b)^2/(n_b-1)) and
 * ci95 = t(0.975, df) * se. diff is NaN when a sample is empty; se, df and
 * ci95 are NaN when one has fewer than 2 values. When both variances are 0,
 * se and ci95 are 0 and df is n_a + n_b - 2. */
struct cob_welch {
	double diff, se, df, ci95;
};
struct cob_welch cob_stats_welch(const struct cob_stats *a, const struct cob_stats *b);

#endif
