#include "compare_stats.h"

#include <math.h>

double cob_normal_p2(double z)
{
	return isnan(z) ? NAN : erfc(fabs(z) / sqrt(2.0));
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

/* (new - base) / |base| in %; a base of 0 makes any other new an infinite change */
static double change_pct(double base, double new)
{
	if (isnan(base) || isnan(new))
		return NAN;
	if (base == 0)
		return new == 0 ? 0 : copysign(INFINITY, new);
	return (new - base) / fabs(base) * 100;
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
