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

#endif
