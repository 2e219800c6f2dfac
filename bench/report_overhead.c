/* Report overhead (`report = overhead`): what each hook backend adds to one
 * read() against the same pipeline with no hook (none). overhead.csv has one
 * row per point against its baseline (the point with the same values but
 * hook = none): difference of mean latencies with Welch's 95 % CI over the
 * per-read latencies pooled over the repetitions, difference of medians, and
 * the range of the per-repetition differences; and the split of the median
 * difference into the hook mechanisms a read hits and the suite's
 * bookkeeping (overhead_mech.h: the mechanisms are measured on this kernel
 * before the runs); the same as a table on stdout. */
#include "overhead_mech.h"
#include "reports.h"
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row of overhead.csv: point p against its baseline (base == p for the
 * baseline itself). */
struct overhead_row {
	size_t p, base;
	char label[96]; /* backend, and buf/fn when those vary */
	double mean, median;
	struct cob_welch w;
	double median_diff, rep_lo, rep_hi; /* rep_*: range of per-repetition overheads */
	struct om_split split;
};
struct overhead {
	struct overhead_row *rows;
	size_t n;
	struct om_costs costs;
};

static struct overhead *compute_overhead(struct sweep *s, const struct cob_config *c, struct point_acc *acc)
{
	struct overhead *o = calloc(1, sizeof(*o));
	size_t npoints = cob_config_points(c), *sel = calloc(c->naxes, sizeof(*sel));
	int kh = cob_config_axis(c, "hook"), kb = cob_config_axis(c, "buf_size");
	int kf = cob_config_axis(c, "function");
	size_t none = 0;
	char b[32];

	if (o)
		o->rows = calloc(npoints, sizeof(*o->rows));
	if (!sel || !o || !o->rows)
		sweep_fail(s, 1, "out of memory");
	om_load(s, &o->costs);
	while (strcmp(c->axes[kh].v[none].text, "none"))
		none++; /* select_hooks kept it */
	for (size_t p = 0; p < npoints; p++) {
		struct overhead_row *r = &o->rows[o->n++];
		struct point_acc *a = &acc[p], *z;
		size_t off;

		cob_config_point(c, p, sel);
		sel[kh] = none;
		r->p = p;
		r->base = cob_config_index(c, sel);
		z = &acc[r->base];
		cob_config_point(c, p, sel);
		off = (size_t)snprintf(r->label, sizeof(r->label), "%s",
				       a->backend ? a->backend : c->axes[kh].v[sel[kh]].text);
		if (c->axes[kb].n > 1)
			off += (size_t)snprintf(r->label + off, sizeof(r->label) - off, " buf=%s",
						cob_format_size(c->axes[kb].v[sel[kb]].num, b, sizeof(b)));
		if (c->axes[kf].n > 1)
			snprintf(r->label + off, sizeof(r->label) - off, " fn=%s",
				 c->axes[kf].v[sel[kf]].text);
		r->mean = cob_stats_mean(&a->lat);
		r->median = cob_stats_median(&a->lat);
		r->rep_lo = INFINITY;
		r->rep_hi = -INFINITY;
		if (r->base == p) {
			r->w = (struct cob_welch){ NAN, NAN, NAN, NAN };
			r->median_diff = r->rep_lo = r->rep_hi = NAN;
			om_split(&o->costs, "none", NAN, &r->split); /* no hook: empty */
			continue;
		}
		r->w = cob_stats_welch(&z->lat, &a->lat);
		r->median_diff = r->median - cob_stats_median(&z->lat);
		/* the same difference within each repetition: a point and its
		 * baseline ran back to back there */
		for (unsigned i = 0; i < c->repetitions; i++) {
			double d = a->rep_mean[i] - z->rep_mean[i];

			if (isnan(d))
				continue;
			r->rep_lo = fmin(r->rep_lo, d);
			r->rep_hi = fmax(r->rep_hi, d);
		}
		if (isinf(r->rep_lo))
			r->rep_lo = r->rep_hi = NAN;
		om_split(&o->costs, a->backend ? a->backend : c->axes[kh].v[sel[kh]].text, r->median_diff, &r->split);
	}
	free(sel);
	return o;
}

/* DIR/overhead.csv (tmp until commit): one row per point, the baseline's
 * with empty overhead columns. */
static void overhead_write(struct sweep *s, struct sweep_report *rep)
{
	const struct cob_config *c = &s->cfg;
	struct point_acc *acc = s->acc;
	struct overhead *o;
	static const char *const cols[] = {
		"experiment",	      "kernel",		 "where",
		"backend",	      "function",	 "buf_size",
		"n",		      "lat_mean_ns",	 "lat_median_ns",
		"overhead_mean_ns",   "overhead_ci95_ns", "overhead_median_ns",
		"overhead_df",	      "overhead_rep_min_ns", "overhead_rep_max_ns",
		"hooks_per_read",     "mechanism_ns",	 "bookkeeping_ns",
		"mechanism_state",
	};
	const size_t ncols = sizeof(cols) / sizeof(cols[0]);
	size_t *sel = calloc(c->naxes, sizeof(*sel));
	char bufs[12][32], nbuf[32];

	if (!sel)
		sweep_fail(s, 1, "out of memory");
	rep->data = o = compute_overhead(s, c, acc);
	cob_report_open(s, rep, cols, ncols);
	for (size_t i = 0; i < o->n; i++) {
		const struct overhead_row *r = &o->rows[i];
		const struct point_acc *a = &acc[r->p];
		const char *row[sizeof(cols) / sizeof(cols[0])];

		cob_config_point(c, r->p, sel);
		snprintf(nbuf, sizeof(nbuf), "%zu", a->lat.n);
		row[0] = c->name;
		row[1] = a->kernel ? a->kernel : s->kernel;
		row[2] = s->opt.where;
		row[3] = a->backend ? a->backend : cob_config_value(c, sel, "hook")->text;
		row[4] = a->function ? a->function : cob_config_value(c, sel, "function")->text;
		row[5] = cob_config_value(c, sel, "buf_size")->text;
		row[6] = nbuf;
		row[7] = cob_report_num(r->mean, bufs[0], 32);
		row[8] = cob_report_num(r->median, bufs[1], 32);
		row[9] = cob_report_num(r->w.diff, bufs[2], 32);
		row[10] = cob_report_num(r->w.ci95, bufs[3], 32);
		row[11] = cob_report_num(r->median_diff, bufs[4], 32);
		row[12] = cob_report_num(r->w.df, bufs[5], 32);
		row[13] = cob_report_num(r->rep_lo, bufs[6], 32);
		row[14] = cob_report_num(r->rep_hi, bufs[7], 32);
		row[15] = r->split.hooks;
		row[16] = cob_report_num(r->split.mech_ns, bufs[8], 32);
		row[17] = cob_report_num(r->split.book_ns, bufs[9], 32);
		row[18] = r->split.state;
		if (cob_csvw_row(rep->w, row, ncols))
			sweep_fail(s, 1, "writing overhead.csv: %s", strerror(errno));
	}
	free(sel);
}

/* The table on stdout, once the results are in place. */
static void overhead_print(struct sweep *s, struct sweep_report *rep)
{
	const struct cob_config *c = &s->cfg;
	const struct overhead *o = rep->data;
	int width = 4;
	char b[32];

	for (size_t i = 0; i < o->n; i++)
		if ((int)strlen(o->rows[i].label) > width)
			width = (int)strlen(o->rows[i].label);
	printf("overhead per read() against no hook (none): %s mode", c->mode);
	if (c->axes[cob_config_axis(c, "function")].n == 1)
		printf(", function %s", c->axes[cob_config_axis(c, "function")].v[0].text);
	if (c->axes[cob_config_axis(c, "buf_size")].n == 1)
		printf(", %s reads",
		       cob_format_size(c->axes[cob_config_axis(c, "buf_size")].v[0].num, b, sizeof(b)));
	printf(", read latencies of %u repetition%s pooled\n", c->repetitions,
	       c->repetitions == 1 ? "" : "s");
	printf("%s, kernel %s: compare these only within one run (host, guest-tcg and guest-kvm "
	       "numbers differ in kind)\n", s->opt.where, s->kernel);
	printf("hook mechanisms, ns per hit on this kernel (%s/trigger.csv):", OM_DIR);
	for (int i = 0; i < COB_NMECHS; i++) {
		if (isnan(o->costs.ns[i]))
			printf(" %s %s", cob_mech_names[i], o->costs.measured && !strncmp(o->costs.why[i], "refused", 7) ?
			       "refused-by-kernel" : "not-measured");
		else
			printf(" %s %.0f", cob_mech_names[i], o->costs.ns[i]);
		printf("%s", i + 1 < COB_NMECHS ? "," : "\n");
	}
	for (size_t i = 0; i < o->n; i++) {
		const struct overhead_row *r = &o->rows[i];

		if (r->base == r->p) {
			printf("%-*s baseline %.0f ns/read, median %.0f\n", width, r->label, r->mean,
			       r->median);
			continue;
		}
		printf("%-*s %+.0f ns/read", width, r->label, r->w.diff);
		if (isnan(r->w.ci95))
			printf(" (95%% CI n/a)");
		else
			printf(" (95%% CI \u00b1%.0f)", r->w.ci95);
		printf(", median %+.0f", r->median_diff);
		if (c->repetitions > 1 && !isnan(r->rep_lo))
			printf("; per repetition %+.0f..%+.0f", r->rep_lo, r->rep_hi);
		printf("\n");
		if (isnan(r->split.mech_ns))
			printf("%-*s   hooks %s: %s\n", width, "", r->split.hooks, r->split.state);
		else
			printf("%-*s   hooks %s: mechanism %.0f ns, bookkeeping %+.0f ns (of the median)\n", width, "",
			       r->split.hooks, r->split.mech_ns, r->split.book_ns);
	}
}

/* The axes overhead.csv has columns for: only these may take several values. */
static const char *const may_vary[] = { "hook", "function", "buf_size" };

/* 'none' and another backend in the hook axis, and only the axes
 * overhead.csv has columns for may vary. 0, or -1 with why. */
static int overhead_check(const struct cob_config *c, char *why, size_t len)
{
	int k = cob_config_axis(c, "hook");
	const struct cob_axis *hook = k < 0 ? NULL : &c->axes[k];
	size_t has_none = 0;

	for (size_t i = 0; hook && i < hook->n; i++)
		has_none += !strcmp(hook->v[i].text, "none");
	if (!hook || !has_none || hook->n < 2) {
		snprintf(why, len, "report = overhead compares hook backends with the baseline 'none': "
			 "the hook axis needs none and at least one backend (it has %s%s)",
			 hook && hook->n ? hook->v[0].text : "nothing", hook && hook->n > 1 ? ", ..." : "");
		return -1;
	}
	for (size_t a = 0; a < c->naxes; a++) {
		int ok = c->axes[a].n <= 1;

		for (size_t i = 0; !ok && i < sizeof(may_vary) / sizeof(may_vary[0]); i++)
			ok = !strcmp(c->axes[a].param->key, may_vary[i]);
		if (!ok) {
			snprintf(why, len, "report = overhead: only hook, function and buf_size may take "
				 "several values (%s has %zu)", c->axes[a].param->key, c->axes[a].n);
			return -1;
		}
	}
	return 0;
}

/* name, help, file, always, check, write, print, prepare */
const struct cob_report report_overhead = {
	"overhead", "what each hook backend adds to one read() against none (Welch 95 % CI), split into hook mechanism and bookkeeping", "overhead.csv",
	0, overhead_check, overhead_write, overhead_print, om_measure,
};
