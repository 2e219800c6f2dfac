#include "compare_stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

struct ranked {
	double v;
	int from_a;
};

static int cmp_ranked(const void *x, const void *y)
{
	double a = ((const struct ranked *)x)->v, b = ((const struct ranked *)y)->v;

	return (a > b) - (a < b);
}

double cob_normal_p2(double z)
{
	return isnan(z) ? NAN : erfc(fabs(z) / sqrt(2.0));
}

int cob_mann_whitney(const double *a, size_t na, const double *b, size_t nb, struct cob_mwu *out)
{
	size_t n = na + nb, i, j;
	struct ranked *r;
	double ra = 0, ties = 0, d;

	out->u = out->mu = out->sigma = out->z = out->p = NAN;
	if (!na || !nb) {
		errno = EINVAL;
		return -1;
	}
	r = malloc(n * sizeof(*r));
	if (!r)
		return -1;
	for (i = 0; i < na; i++)
		r[i] = (struct ranked){ a[i], 1 };
	for (i = 0; i < nb; i++)
		r[na + i] = (struct ranked){ b[i], 0 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (i = 0; i < n; i = j) {
		double t, rank;

		for (j = i + 1; j < n && r[j].v == r[i].v; j++)
			;
		t = (double)(j - i);
		rank = ((double)i + 1 + (double)j) / 2; /* average of ranks i+1 .. j */
		for (size_t k = i; k < j; k++)
			if (r[k].from_a)
				ra += rank;
		ties += t * t * t - t;
	}
	free(r);
	out->u = ra - (double)na * ((double)na + 1) / 2;
	out->mu = (double)na * (double)nb / 2;
	out->sigma = n > 1 ? sqrt((double)na * (double)nb / 12 *
				  (((double)n + 1) - ties / ((double)n * ((double)n - 1))))
			   : 0;
	if (!(out->sigma > 0)) {
		out->sigma = 0;
		out->z = 0;
		out->p = 1;
		return 0;
	}
	d = fabs(out->u - out->mu) - 0.5;
	if (d < 0)
		d = 0;
	out->z = (out->u >= out->mu ? d : -d) / out->sigma;
	out->p = cob_normal_p2(out->z);
	return 0;
}

const char *cob_verdict_name(enum cob_verdict v)
{
	switch (v) {
	case COB_UNCHANGED: return "unchanged";
	case COB_IMPROVED: return "improved";
	case COB_REGRESSED: return "regressed";
	case COB_NOISE: return "noise";
	case COB_UNKNOWN: return "unknown";
	case COB_MISSING: return "missing";
	}
	return "?";
}

static double change_pct(double base, double new)
{
	if (isnan(base) || isnan(new))
		return NAN;
	if (base == 0)
		return new == 0 ? 0 : copysign(INFINITY, new);
	return (new - base) / fabs(base) * 100;
}

enum cob_verdict cob_verdict_lower_better(double base, double new, double p, double alpha,
					  double min_change_pct, double *change)
{
	double c = change_pct(base, new);

	if (change)
		*change = c;
	if (isnan(c))
		return COB_MISSING;
	if (fabs(c) < min_change_pct)
		return COB_UNCHANGED;
	if (!(p < alpha))
		return COB_NOISE;
	return c > 0 ? COB_REGRESSED : COB_IMPROVED;
}

enum cob_verdict cob_verdict_rate(double base, double new, double *change)
{
	double c = change_pct(base, new);

	if (change)
		*change = c;
	if (isnan(c))
		return COB_MISSING;
	if (new < base)
		return COB_REGRESSED;
	return new > base ? COB_IMPROVED : COB_UNCHANGED;
}

double cob_change(double base, double new, int *absolute, double *rel_pct)
{
	double m;

	*absolute = 0;
	*rel_pct = NAN;
	if (isnan(base) || isnan(new))
		return NAN;
	if (base > 0) {
		*rel_pct = (new - base) / base * 100;
		return *rel_pct;
	}
	*absolute = 1;
	m = fmax(fabs(base), fabs(new));
	*rel_pct = m > 0 ? fabs(new - base) / m * 100 : 0;
	return new - base;
}

enum cob_verdict cob_verdict_reps(double base, double new, double p, double alpha,
				  double min_change_pct, const struct cob_reps *r, size_t min_reps,
				  double *change, int *absolute, const char **why)
{
	double rel;
	double c = cob_change(base, new, absolute, &rel);

	if (change)
		*change = c;
	if (why)
		*why = "";
	if (isnan(c))
		return COB_MISSING;
	if (fabs(rel) < min_change_pct)
		return COB_UNCHANGED;
	if (r->n_base < min_reps || r->n_new < min_reps) {
		if (why)
			*why = "too few repetitions to know the run-to-run noise";
		return COB_UNKNOWN;
	}
	if (r->new_lo > r->base_hi || r->new_hi < r->base_lo) {
		if (!(p < alpha)) {
			if (why)
				*why = "repetitions apart but the test over them is not significant";
			return COB_NOISE;
		}
		return r->new_lo > r->base_hi ? COB_REGRESSED : COB_IMPROVED;
	}
	if (why)
		*why = "the repetitions of the two runs overlap";
	return COB_NOISE;
}
