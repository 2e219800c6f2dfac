#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

void cob_stats_init(struct cob_stats *s)
{
	s->n = 0;
	s->mean = s->m2 = 0;
	s->min = INFINITY;
	s->max = -INFINITY;
	s->v = NULL;
	s->cap = 0;
	s->sorted = 1;
}

int cob_stats_add(struct cob_stats *s, double x)
{
	double delta;

	if (isnan(x)) {
		errno = EINVAL;
		return -1;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		double *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	s->sorted = 0;
	delta = x - s->mean;
	s->mean += delta / (double)s->n;
	s->m2 += delta * (x - s->mean);
	if (x < s->min)
		s->min = x;
	if (x > s->max)
		s->max = x;
	return 0;
}

void cob_stats_free(struct cob_stats *s)
{
	free(s->v);
	cob_stats_init(s);
}

double cob_stats_mean(const struct cob_stats *s)
{
	return s->n ? s->mean : NAN;
}

double cob_stats_var(const struct cob_stats *s)
{
	return s->n > 1 ? s->m2 / (double)(s->n - 1) : NAN;
}

double cob_stats_sd(const struct cob_stats *s)
{
	return sqrt(cob_stats_var(s));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double cob_stats_median(struct cob_stats *s)
{
	if (!s->n)
		return NAN;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_double);
		s->sorted = 1;
	}
	if (s->n % 2)
		return s->v[s->n / 2];
	/* halfway without overflowing for huge values */
	return s->v[s->n / 2 - 1] + (s->v[s->n / 2] - s->v[s->n / 2 - 1]) / 2;
}

double cob_t975(unsigned long df)
{
	static const double table[31] = {
		NAN,	     12.70620474, 4.30265273, 3.18244631, 2.77644511, 2.57058184,
		2.44691185,  2.36462425,  2.30600414, 2.26215716, 2.22813885, 2.20098516,
		2.17881283,  2.16036866,  2.14478669, 2.13144955, 2.11990530, 2.10981558,
		2.10092204,  2.09302405,  2.08596345, 2.07961384, 2.07387307, 2.06865761,
		2.06389856,  2.05953855,  2.05552944, 2.05183052, 2.04840714, 2.04522964,
		2.04227246,
	};
	const double z = 1.959963984540054, z2 = z * z;
	double v = (double)df;

	if (df < sizeof(table) / sizeof(table[0]))
		return table[df];
	/* Cornish-Fisher expansion of t in powers of 1/df */
	return z + z * (z2 + 1) / (4 * v) + z * ((5 * z2 + 16) * z2 + 3) / (96 * v * v) +
	       z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * v * v * v) +
	       z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / (92160 * v * v * v * v);
}

double cob_stats_ci95(const struct cob_stats *s)
{
	if (s->n < 2)
		return NAN;
	return cob_t975(s->n - 1) * cob_stats_sd(s) / sqrt((double)s->n);
}

struct cob_summary cob_stats_summary(struct cob_stats *s)
{
	struct cob_summary r = {
		.n = s->n,
		.mean = cob_stats_mean(s),
		.sd = cob_stats_sd(s),
		.median = cob_stats_median(s),
		.min = s->n ? s->min : NAN,
		.max = s->n ? s->max : NAN,
		.ci95 = cob_stats_ci95(s),
	};
	return r;
}
