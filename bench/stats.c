#include "stats.h"
#include "grow.h"

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
	double delta, *v;

	if (isnan(x)) {
		errno = EINVAL;
		return -1;
	}
	v = cob_grow(s->v, &s->cap, s->n, sizeof(*v), 64);
	if (!v)
		return -1;
	s->v = v;
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

/* ---- Student t for real df, Welch ---- */

/* Continued fraction of the incomplete beta function (modified Lentz). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 100000; m++) {
		double step[2] = {
			m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),         /* even term */
			-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)), /* odd term */
		};
		double last = 1;

		for (int i = 0; i < 2; i++) {
			d = 1 + step[i] * d;
			if (fabs(d) < tiny)
				d = tiny;
			c = 1 + step[i] / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1 / d;
			last = c * d;
			h *= last;
		}
		if (fabs(last - 1) < eps)
			break;
	}
	return h;
}

/* log(Gamma(a + b) / Gamma(a)): for large a the difference of two lgamma
 * values near a log a would lose digits, so take Stirling's series of the
 * ratio there. */
static double lgamma_ratio(double a, double b)
{
	double ab = a + b;

	if (a < 1e5)
		return lgamma(ab) - lgamma(a);
	return b * log(a) + (ab - 0.5) * log1p(b / a) - b + (1 / ab - 1 / a) / 12 -
	       (1 / (ab * ab * ab) - 1 / (a * a * a)) / 360;
}

/* Regularized incomplete beta I_x(a, b), a, b > 0, 0 <= x <= 1, with
 * y = 1 - x given by the caller (exact where x is close to 1). */
static double beta_inc(double a, double b, double x, double y)
{
	double front;

	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	/* log x and log y from the smaller of the two, which is exact */
	front = exp(lgamma_ratio(a, b) - lgamma(b) + a * (x > 0.5 ? log1p(-y) : log(x)) +
		    b * (y > 0.5 ? log1p(-x) : log(y)));
	/* the fraction converges fast below the mean of the distribution; use
	 * the symmetry I_x(a, b) = 1 - I_y(b, a) above it */
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, y) / b;
}

double cob_t_upper(double t, double df)
{
	double tail;

	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 0 : 1;
	if (df > 1e7)
		df = 1e7; /* the fraction would converge slowly; t is normal there to 1e-7 */
	/* P(|T| > |t|) = I_(df / (df + t^2))(df / 2, 1 / 2) */
	tail = beta_inc(df / 2, 0.5, df / (df + t * t), t * t / (df + t * t)) / 2;
	return t >= 0 ? tail : 1 - tail;
}

double cob_t_quantile(double p, double df)
{
	double lo = 0, hi = 1, q;

	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	if (p == 0.5)
		return 0;
	if (p < 0.5)
		return -cob_t_quantile(1 - p, df);
	q = 1 - p; /* the upper tail wanted */
	while (cob_t_upper(hi, df) > q) {
		lo = hi;
		hi *= 2;
		if (hi > 1e300)
			return INFINITY;
	}
	/* the tail falls with t: halve [lo, hi] until it is tight */
	for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
		double mid = lo + (hi - lo) / 2;

		if (cob_t_upper(mid, df) > q)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

struct cob_welch cob_stats_welch(const struct cob_stats *a, const struct cob_stats *b)
{
	struct cob_welch w = { NAN, NAN, NAN, NAN };
	double va, vb;

	if (!a->n || !b->n)
		return w;
	w.diff = cob_stats_mean(b) - cob_stats_mean(a);
	if (a->n < 2 || b->n < 2)
		return w;
	va = cob_stats_var(a) / (double)a->n;
	vb = cob_stats_var(b) / (double)b->n;
	w.se = sqrt(va + vb);
	if (w.se == 0) {
		w.df = (double)(a->n + b->n - 2);
		w.ci95 = 0;
		return w;
	}
	w.df = (va + vb) * (va + vb) / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	w.ci95 = cob_t_quantile(0.975, w.df) * w.se;
	return w;
}
