/* cob-compare: compare two results directories of the same experiment
 * (./run.sh compare BASE NEW). For every sweep point both share (matched by
 * the point's axis values in summary.csv) it compares the success rate, the
 * median and the mean read latency; for every backend both overhead.csv
 * files share, the overhead. Each figure gets base, new, change in % (or
 * absolute when the base is <= 0), a p-value and a verdict (improved /
 * regressed / unchanged / noise / unknown). Latencies and overheads are
 * judged on run-to-run noise, not on the reads of one pass: a sweep runs its
 * repetitions one after another over the whole grid, so the spread of the
 * per-repetition values holds the drift of a busy host:
 *   latency median  the per-repetition medians: ranges apart + Welch's t
 *   latency mean    the per-repetition means: the same
 *   overhead        overhead.csv's rep_min..rep_max apart + z of the two CIs
 * and a change counts only when p < alpha and |change| >= --min-change
 * (cob_verdict_reps in bench/compare_stats.h); fewer than --min-reps
 * repetitions: 'unknown'. A success rate that drops at all regresses.
 * Writes OUT/compare.csv (atomically: .tmp + rename) with the provenance of
 * both runs in every row and prints the table on stdout.
 * Exit 0: nothing regressed; 1: something regressed; 2: bad input. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "compare_stats.h"
#include "csv.h"
#include "stats.h"

static struct {
	double min_change, alpha;
	size_t min_reps;
	const char *out;
	int quiet;
} opt = { 5.0, 0.05, 2, NULL, 0 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cob-compare [--min-change PCT] [--alpha P] [--min-reps N] [--out DIR] [--quiet] BASE NEW\n"
		"Compares two results directories of the same experiment (each with meta.json,\n"
		"summary.csv, reads.csv; overhead.csv when both have one).\n"
		"  --min-change PCT  smallest relative change of a latency or overhead that counts\n"
		"                    (default 5): smaller changes are 'unchanged'\n"
		"  --alpha P         significance level of the tests (default 0.05): a change of at\n"
		"                    least PCT with p >= P is 'noise'\n"
		"  --min-reps N      repetitions each run needs for a latency/overhead verdict\n"
		"                    (default 2): with fewer the run-to-run noise is unknown and\n"
		"                    a change of at least PCT is 'unknown', never 'regressed'\n"
		"  --out DIR         where compare.csv goes (default NEW)\n"
		"  --quiet           no table, only compare.csv and the exit status\n"
		"Per sweep point: success rate (any drop is a regression); median and mean latency\n"
		"judged over the repetitions (reads.csv's rep): the per-repetition medians (means)\n"
		"of the two runs must not overlap and Welch's t over their logs must give p < P; per\n"
		"backend: overhead, its per-repetition range (overhead.csv rep_min..rep_max) must\n"
		"not overlap and the z of the two Welch CIs must give p < P. A base <= 0 (an\n"
		"overhead within the noise) shows the absolute change (change_abs), no %%.\n"
		"Exit status: 0 nothing regressed, 1 something regressed, 2 bad input.\n");
}

static void __attribute__((noreturn, format(printf, 1, 2))) bad(const char *fmt, ...)
{
	va_list ap;

	fputs("cob-compare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		bad("out of memory");
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		bad("out of memory");
	return p;
}

static char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xrealloc(NULL, n);

	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* ---- one results directory ---- */

/* summary.csv columns that are no axis of a point */
static const char *const not_key[] = { "experiment", "kernel", "where", "n", "reps",
				       "lat_median_ns", "lat_mean_ns", "lat_sd_ns", "lat_min_ns",
				       "lat_max_ns", "lat_ci95_ns", "success_rate", "ok_rate", NULL };

struct rep {
	long id; /* reads.csv's rep */
	struct cob_stats lat;
};

struct point {
	char **vals; /* one per key column */
	double succ, median, mean;
	size_t match; /* reads with match=1 */
	struct cob_stats lat;
	struct rep *reps; /* the reads of each repetition */
	size_t nreps;
	/* one value per repetition, its log: a busy host slows reads by a
	 * factor, so the spread of a slower run's repetitions grows with it and
	 * Welch's t on the logs compares ratios (the ranges are the same either way) */
	struct cob_stats rep_median, rep_mean;
};

struct ovh {
	char *key; /* backend function buf_size */
	double mean, ci95, median, rep_min, rep_max;
};

struct run {
	const char *dir;
	char *experiment, *kernel, *where, *accel, *git_rev, *cpu;
	char *governor, *cpus_allowed; /* meta.json noise_control; NULL: not recorded */
	long long reps;
	char **keys;
	size_t nkeys;
	struct point *pts;
	size_t npts;
	struct ovh *ovh;
	size_t novh;
	int has_ovh;
	size_t nreps; /* repetitions in reads.csv (the most of any point) */
};

static int is_key(const char *col)
{
	for (const char *const *k = not_key; *k; k++)
		if (!strcmp(*k, col))
			return 0;
	return 1;
}

static double field_num(const char *s)
{
	char *end;
	double v;

	if (!s || !*s)
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}

static char *json_text(json_t *m, const char *key, const char *dflt)
{
	json_t *v = json_object_get(m, key);

	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v)) {
		char b[32];

		snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(v));
		return xstrdup(b);
	}
	if (v && !json_is_null(v)) {
		char *s = json_dumps(v, JSON_COMPACT);
		char *d = xstrdup(s);

		free(s);
		return d;
	}
	return xstrdup(dflt);
}

static void load_meta(struct run *r)
{
	char *path = path_join(r->dir, "meta.json");
	json_error_t err;
	json_t *m = json_load_file(path, 0, &err), *cpu, *noise;

	if (!m)
		bad("%s: %s", path, access(path, F_OK) ? "missing (not a results directory?)" : err.text);
	r->experiment = json_text(m, "experiment", "");
	r->kernel = json_text(m, "guest_kernel", "");
	if (!*r->kernel) {
		free(r->kernel);
		r->kernel = json_text(m, "kernel", "?");
	}
	r->where = json_text(m, "where", "?");
	r->accel = json_text(m, "guest_accel", "none");
	r->git_rev = json_text(m, "git_rev", "?");
	cpu = json_object_get(m, "cpu");
	r->cpu = json_text(cpu, "model", "?");
	noise = json_object_get(m, "noise_control");
	if (json_is_object(noise)) {
		r->governor = json_text(noise, "governor", "none");
		r->cpus_allowed = json_text(noise, "cpus_allowed", "?");
	}
	r->reps = -1;
	json_decref(m);
	free(path);
}

static struct cob_csvr *open_csv(const char *dir, const char *name, int required)
{
	char *path = path_join(dir, name);
	struct cob_csvr *c = cob_csvr_open(path);

	if (!c && (required || errno != ENOENT))
		bad("%s: %s", path, errno == ENOENT ? "missing" : strerror(errno));
	free(path);
	return c;
}

static int col(struct cob_csvr *c, const char *dir, const char *file, const char *name, int required)
{
	int i = cob_csvr_col(c, name);

	if (i < 0 && required)
		bad("%s/%s: no column %s", dir, file, name);
	return i;
}

static void read_error(struct cob_csvr *c, const char *dir, const char *file)
{
	bad("%s/%s line %zu: %s", dir, file, cob_csvr_line(c), cob_csvr_error(c));
}

static void load_summary(struct run *r)
{
	struct cob_csvr *c = open_csv(r->dir, "summary.csv", 1);
	int *kc, ce, cs, cm, cmean, creps, rc;

	for (size_t i = 0; i < cob_csvr_ncols(c); i++)
		if (is_key(cob_csvr_name(c, i))) {
			r->keys = xrealloc(r->keys, (r->nkeys + 1) * sizeof(*r->keys));
			r->keys[r->nkeys++] = xstrdup(cob_csvr_name(c, i));
		}
	if (!r->nkeys)
		bad("%s/summary.csv: no axis columns", r->dir);
	kc = xrealloc(NULL, r->nkeys * sizeof(*kc));
	for (size_t k = 0; k < r->nkeys; k++)
		kc[k] = cob_csvr_col(c, r->keys[k]);
	ce = col(c, r->dir, "summary.csv", "experiment", 1);
	cs = col(c, r->dir, "summary.csv", "success_rate", 0);
	cm = col(c, r->dir, "summary.csv", "lat_median_ns", 0);
	cmean = col(c, r->dir, "summary.csv", "lat_mean_ns", 0);
	creps = col(c, r->dir, "summary.csv", "reps", 0);
	while ((rc = cob_csvr_next(c)) == 1) {
		struct point *p;

		if (strcmp(cob_csvr_get(c, ce), r->experiment))
			bad("%s: summary.csv is experiment '%s', meta.json says '%s'", r->dir,
			    cob_csvr_get(c, ce), r->experiment);
		r->pts = xrealloc(r->pts, (r->npts + 1) * sizeof(*r->pts));
		p = &r->pts[r->npts++];
		p->vals = xrealloc(NULL, r->nkeys * sizeof(*p->vals));
		for (size_t k = 0; k < r->nkeys; k++)
			p->vals[k] = xstrdup(cob_csvr_get(c, kc[k]));
		p->succ = cs >= 0 ? field_num(cob_csvr_get(c, cs)) : NAN;
		p->median = cm >= 0 ? field_num(cob_csvr_get(c, cm)) : NAN;
		p->mean = cmean >= 0 ? field_num(cob_csvr_get(c, cmean)) : NAN;
		p->match = 0;
		p->reps = NULL;
		p->nreps = 0;
		if (creps >= 0 && r->reps < 0)
			r->reps = (long long)field_num(cob_csvr_get(c, creps));
		cob_stats_init(&p->lat);
	}
	if (rc < 0)
		read_error(c, r->dir, "summary.csv");
	if (!r->npts)
		bad("%s/summary.csv: no sweep point", r->dir);
	free(kc);
	cob_csvr_close(c);
}

static struct point *find_point(struct run *r, const char *const *vals)
{
	for (size_t i = 0; i < r->npts; i++) {
		size_t k;

		for (k = 0; k < r->nkeys && !strcmp(r->pts[i].vals[k], vals[k]); k++)
			;
		if (k == r->nkeys)
			return &r->pts[i];
	}
	return NULL;
}

/* The repetition ID of point p (a new one at its first read). */
static struct rep *point_rep(struct point *p, long id)
{
	for (size_t j = p->nreps; j-- > 0;)
		if (p->reps[j].id == id)
			return &p->reps[j];
	p->reps = xrealloc(p->reps, (p->nreps + 1) * sizeof(*p->reps));
	p->reps[p->nreps].id = id;
	cob_stats_init(&p->reps[p->nreps].lat);
	return &p->reps[p->nreps++];
}

/* Per-read latencies of every point (and what the summary lacks). */
static void load_reads(struct run *r)
{
	struct cob_csvr *c = open_csv(r->dir, "reads.csv", 1);
	int *kc = xrealloc(NULL, r->nkeys * sizeof(*kc)), cl, cmatch, crep, rc;
	const char **vals = xrealloc(NULL, r->nkeys * sizeof(*vals));
	struct point *last = NULL;

	for (size_t k = 0; k < r->nkeys; k++)
		kc[k] = col(c, r->dir, "reads.csv", r->keys[k], 1);
	cl = col(c, r->dir, "reads.csv", "lat_ns", 1);
	cmatch = col(c, r->dir, "reads.csv", "match", 0);
	crep = col(c, r->dir, "reads.csv", "rep", 0);
	while ((rc = cob_csvr_next(c)) == 1) {
		struct point *p = last;
		size_t k;
		double lat;

		for (k = 0; k < r->nkeys; k++)
			vals[k] = cob_csvr_get(c, kc[k]);
		/* rows come point by point: try the last one first */
		for (k = 0; p && k < r->nkeys && !strcmp(p->vals[k], vals[k]); k++)
			;
		if (!p || k < r->nkeys)
			p = find_point(r, vals);
		if (!p)
			bad("%s/reads.csv line %zu: a read of no sweep point in summary.csv", r->dir,
			    cob_csvr_line(c));
		last = p;
		lat = field_num(cob_csvr_get(c, cl));
		if (isnan(lat))
			bad("%s/reads.csv line %zu: bad lat_ns '%s'", r->dir, cob_csvr_line(c),
			    cob_csvr_get(c, cl));
		if (cob_stats_add(&p->lat, lat))
			bad("out of memory");
		if (cob_stats_add(&point_rep(p, crep >= 0 ? (long)field_num(cob_csvr_get(c, crep)) : 1)->lat, lat))
			bad("out of memory");
		if (cmatch >= 0 && !strcmp(cob_csvr_get(c, cmatch), "1"))
			p->match++;
	}
	if (rc < 0)
		read_error(c, r->dir, "reads.csv");
	for (size_t i = 0; i < r->npts; i++) {
		struct point *p = &r->pts[i];

		if (isnan(p->median))
			p->median = cob_stats_median(&p->lat);
		if (isnan(p->mean))
			p->mean = cob_stats_mean(&p->lat);
		if (isnan(p->succ) && cmatch >= 0 && p->lat.n)
			p->succ = (double)p->match / (double)p->lat.n;
		cob_stats_init(&p->rep_median);
		cob_stats_init(&p->rep_mean);
		for (size_t j = 0; j < p->nreps; j++)
			if (cob_stats_add(&p->rep_median, log(fmax(1, cob_stats_median(&p->reps[j].lat)))) ||
			    cob_stats_add(&p->rep_mean, log(fmax(1, cob_stats_mean(&p->reps[j].lat)))))
				bad("out of memory");
		if (p->nreps > r->nreps)
			r->nreps = p->nreps;
	}
	free(kc);
	free(vals);
	cob_csvr_close(c);
}

static void load_overhead(struct run *r)
{
	struct cob_csvr *c = open_csv(r->dir, "overhead.csv", 0);
	int cb, cf, cbuf, cm, cci, cmed, cmin, cmax, rc;

	if (!c)
		return;
	r->has_ovh = 1;
	cb = col(c, r->dir, "overhead.csv", "backend", 1);
	cf = col(c, r->dir, "overhead.csv", "function", 1);
	cbuf = col(c, r->dir, "overhead.csv", "buf_size", 1);
	cm = col(c, r->dir, "overhead.csv", "overhead_mean_ns", 1);
	cci = col(c, r->dir, "overhead.csv", "overhead_ci95_ns", 1);
	cmed = col(c, r->dir, "overhead.csv", "overhead_median_ns", 0);
	cmin = col(c, r->dir, "overhead.csv", "overhead_rep_min_ns", 0);
	cmax = col(c, r->dir, "overhead.csv", "overhead_rep_max_ns", 0);
	while ((rc = cob_csvr_next(c)) == 1) {
		struct ovh *o;
		char key[512];
		double mean = field_num(cob_csvr_get(c, cm));

		if (isnan(mean)) /* the baseline (none): no overhead of its own */
			continue;
		snprintf(key, sizeof(key), "backend=%s function=%s buf_size=%s", cob_csvr_get(c, cb),
			 cob_csvr_get(c, cf), cob_csvr_get(c, cbuf));
		r->ovh = xrealloc(r->ovh, (r->novh + 1) * sizeof(*r->ovh));
		o = &r->ovh[r->novh++];
		o->key = xstrdup(key);
		o->mean = mean;
		o->ci95 = field_num(cob_csvr_get(c, cci));
		o->median = cmed >= 0 ? field_num(cob_csvr_get(c, cmed)) : NAN;
		o->rep_min = cmin >= 0 ? field_num(cob_csvr_get(c, cmin)) : NAN;
		o->rep_max = cmax >= 0 ? field_num(cob_csvr_get(c, cmax)) : NAN;
	}
	if (rc < 0)
		read_error(c, r->dir, "overhead.csv");
	cob_csvr_close(c);
}

static void load_run(struct run *r, const char *dir)
{
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->dir = dir;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		bad("%s: no such results directory", dir);
	load_meta(r);
	load_summary(r);
	load_reads(r);
	load_overhead(r);
}

/* ---- comparison ---- */

struct row {
	char *point;
	const char *figure, *test, *why;
	double base, new, change, p;
	size_t nb, nn, rb, rn; /* reads, repetitions */
	int absolute; /* change is new - base, not % */
	enum cob_verdict v;
};

static struct row *rows;
static size_t nrows;

static struct row *add_row(const char *point, const char *figure, const char *test)
{
	struct row *w;

	rows = xrealloc(rows, (nrows + 1) * sizeof(*rows));
	w = &rows[nrows++];
	memset(w, 0, sizeof(*w));
	w->point = xstrdup(point);
	w->figure = figure;
	w->test = test;
	w->why = "";
	return w;
}

/* The point's name: the axes whose values differ between points (all of
 * them when there is one point). */
static void point_label(const struct run *r, const struct point *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < r->nkeys; k++) {
		int varies = 0;

		for (size_t i = 0; i < r->npts && !varies; i++)
			varies = strcmp(r->pts[i].vals[k], r->pts[0].vals[k]) != 0;
		if (!varies && r->npts > 1)
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s=%s",
					 used ? " " : "", r->keys[k], p->vals[k]);
	}
}

static double welch_p(const struct cob_stats *a, const struct cob_stats *b)
{
	struct cob_welch w = cob_stats_welch(a, b);

	if (isnan(w.diff))
		return NAN;
	if (w.se == 0)
		return w.diff == 0 ? 1 : 0;
	if (isnan(w.se) || isnan(w.df))
		return NAN;
	return fmin(1, 2 * cob_t_upper(fabs(w.diff) / w.se, w.df));
}

/* A latency figure over the repetitions: the per-repetition values of both
 * runs (the logs of their medians or means), Welch's t over them and their ranges. */
static void judge_reps(struct row *w, const struct point *pb, const struct point *pn,
		       const struct cob_stats *vb, const struct cob_stats *vn)
{
	struct cob_reps r = { vb->n, vn->n, vb->min, vb->max, vn->min, vn->max };

	w->nb = pb->lat.n;
	w->nn = pn->lat.n;
	w->rb = vb->n;
	w->rn = vn->n;
	w->p = vb->n >= 2 && vn->n >= 2 ? welch_p(vb, vn) : NAN;
	w->v = cob_verdict_reps(w->base, w->new, w->p, opt.alpha, opt.min_change, &r, opt.min_reps,
				&w->change, &w->absolute, &w->why);
}

static void compare_points(struct run *b, struct run *n)
{
	const char **vals = xrealloc(NULL, b->nkeys * sizeof(*vals));
	size_t shared = 0;

	for (size_t i = 0; i < b->npts; i++) {
		struct point *pb = &b->pts[i], *pn;
		struct row *w;
		char label[1024];

		for (size_t k = 0; k < b->nkeys; k++)
			vals[k] = pb->vals[k];
		pn = find_point(n, vals);
		if (!pn)
			continue;
		shared++;
		point_label(b, pb, label, sizeof(label));

		w = add_row(label, "success_rate", "any-drop");
		w->base = pb->succ;
		w->new = pn->succ;
		w->nb = pb->lat.n;
		w->nn = pn->lat.n;
		w->p = NAN;
		w->v = cob_verdict_rate(w->base, w->new, &w->change);

		w = add_row(label, "lat_median_ns", "welch-reps");
		w->base = pb->median;
		w->new = pn->median;
		judge_reps(w, pb, pn, &pb->rep_median, &pn->rep_median);

		w = add_row(label, "lat_mean_ns", "welch-reps");
		w->base = pb->mean;
		w->new = pn->mean;
		judge_reps(w, pb, pn, &pb->rep_mean, &pn->rep_mean);
	}
	if (!shared)
		bad("%s and %s share no sweep point (different grids: --quick and full?)", b->dir,
		    n->dir);
	if (shared < b->npts || shared < n->npts)
		fprintf(stderr,
			"cob-compare: note: %zu of %zu base and %zu new sweep points are shared; the others are not compared\n",
			shared, b->npts, n->npts);
	free(vals);
}

static void compare_overhead(struct run *b, struct run *n)
{
	if (b->has_ovh != n->has_ovh) {
		fprintf(stderr, "cob-compare: note: only %s has overhead.csv: overhead not compared\n",
			b->has_ovh ? b->dir : n->dir);
		return;
	}
	for (size_t i = 0; i < b->novh; i++)
		for (size_t j = 0; j < n->novh; j++) {
			struct ovh *ob = &b->ovh[i], *on = &n->ovh[j];
			struct row *w;
			double se;

			if (strcmp(ob->key, on->key))
				continue;
			w = add_row(ob->key, "overhead_mean_ns", "welch-ci");
			w->base = ob->mean;
			w->new = on->mean;
			/* each CI is t * se with t near 1.96 for these sample sizes */
			se = sqrt(ob->ci95 * ob->ci95 + on->ci95 * on->ci95) / 1.96;
			w->p = se > 0 ? cob_normal_p2((on->mean - ob->mean) / se)
				      : (on->mean == ob->mean ? 1 : NAN);
			{
				struct cob_reps r = { b->nreps, n->nreps, ob->rep_min, ob->rep_max,
						      on->rep_min, on->rep_max };

				if (isnan(r.base_lo) || isnan(r.base_hi) || isnan(r.new_lo) ||
				    isnan(r.new_hi))
					r.n_base = r.n_new = 0; /* an older overhead.csv */
				w->rb = r.n_base;
				w->rn = r.n_new;
				w->v = cob_verdict_reps(w->base, w->new, w->p, opt.alpha, opt.min_change,
							&r, opt.min_reps, &w->change, &w->absolute,
							&w->why);
			}
		}
}

/* ---- output ---- */

static const char *fmt_num(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "%s", "");
	else if (isinf(v))
		snprintf(buf, len, "%s", v > 0 ? "inf" : "-inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else if (fabs(v) >= 1)
		snprintf(buf, len, "%.3f", v);
	else
		snprintf(buf, len, "%.6g", v);
	return buf;
}

static void write_csv(const struct run *b, const struct run *n, const char *dir)
{
	static const char *const cols[] = {
		"experiment", "point",	    "figure",	 "base",       "new",	     "change_pct",
		"p_value",    "test",	    "n_base",	 "n_new",      "verdict",    "min_change_pct",
		"alpha",      "base_dir",   "base_kernel", "base_where", "base_accel", "base_git_rev",
		"new_dir",    "new_kernel", "new_where", "new_accel",  "new_git_rev",
		"change_abs", "reps_base",  "reps_new",	 "note",
	};
	const size_t nc = sizeof(cols) / sizeof(cols[0]);
	char *path = path_join(dir, "compare.csv");
	struct cob_csvw *w = cob_csvw_open(path, cols, nc);
	char bb[14][48];

	if (!w)
		bad("cannot write %s.tmp: %s", path, strerror(errno));
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		const char *f[sizeof(cols) / sizeof(cols[0])] = {
			b->experiment, r->point, r->figure, fmt_num(r->base, bb[0], 48),
			fmt_num(r->new, bb[1], 48), fmt_num(r->change, bb[2], 48),
			fmt_num(r->p, bb[3], 48), r->test, fmt_num((double)r->nb, bb[4], 48),
			fmt_num((double)r->nn, bb[5], 48), cob_verdict_name(r->v),
			fmt_num(opt.min_change, bb[6], 48), fmt_num(opt.alpha, bb[7], 48), b->dir,
			b->kernel, b->where, b->accel, b->git_rev, n->dir, n->kernel, n->where,
			n->accel, n->git_rev, fmt_num(r->new - r->base, bb[8], 48),
			fmt_num((double)r->rb, bb[9], 48), fmt_num((double)r->rn, bb[10], 48), r->why,
		};

		if (!r->nb)
			f[8] = "";
		if (!r->nn)
			f[9] = "";
		if (r->absolute)
			f[5] = ""; /* no meaningful %: change_abs */
		if (!r->rb)
			f[24] = "";
		if (!r->rn)
			f[25] = "";
		if (cob_csvw_row(w, f, nc)) {
			cob_csvw_abort(w);
			bad("writing %s.tmp: %s", path, strerror(errno));
		}
	}
	if (cob_csvw_commit(w))
		bad("writing %s: %s", path, strerror(errno));
	free(path);
}

static const char *short_fig(const char *f)
{
	if (!strcmp(f, "success_rate"))
		return "success";
	if (!strcmp(f, "lat_median_ns"))
		return "median ns";
	if (!strcmp(f, "lat_mean_ns"))
		return "mean ns";
	if (!strcmp(f, "overhead_mean_ns"))
		return "overhead ns";
	return f;
}

static void print_table(const struct run *b, const struct run *n, const size_t count[])
{
	size_t wp = 5;
	char x[4][48];

	printf("compare %s: base %s (%s, kernel %s, accel %s, rev %s)\n", b->experiment, b->dir,
	       b->where, b->kernel, b->accel, b->git_rev);
	printf("%*s new %s (%s, kernel %s, accel %s, rev %s)\n", (int)strlen(b->experiment) + 8, "",
	       n->dir, n->where, n->kernel, n->accel, n->git_rev);
	printf("rule: a latency/overhead change counts when |change| >= %g %%, the repetitions of the two runs do not overlap\n"
	       "      and p < %g over them (at least %zu repetitions each, else 'unknown'); any drop of success rate regresses.\n"
	       "      'abs': the base is <= 0, the change is new - base in ns (a %% would mean nothing)\n",
	       opt.min_change, opt.alpha, opt.min_reps);
	for (size_t i = 0; i < nrows; i++)
		if (strlen(rows[i].point) > wp)
			wp = strlen(rows[i].point);
	printf("%-*s  %-11s %12s %12s %12s %9s  %s\n", (int)wp, "point", "figure", "base", "new",
	       "change", "p", "verdict");
	for (size_t i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		if (isnan(r->change))
			snprintf(x[2], 48, "-");
		else if (r->absolute)
			snprintf(x[2], 48, "%+.0f abs", r->change);
		else if (isinf(r->change))
			snprintf(x[2], 48, "%sinf %%", r->change > 0 ? "+" : "-");
		else
			snprintf(x[2], 48, "%+.1f %%", r->change);
		if (isnan(r->p))
			snprintf(x[3], 48, "-");
		else
			snprintf(x[3], 48, r->p < 1e-4 ? "%.1e" : "%.4f", r->p);
		printf("%-*s  %-11s %12s %12s %12s %9s  %s%s%s%s\n", (int)wp, r->point,
		       short_fig(r->figure), isnan(r->base) ? "-" : fmt_num(r->base, x[0], 48),
		       isnan(r->new) ? "-" : fmt_num(r->new, x[1], 48), x[2], x[3],
		       cob_verdict_name(r->v), *r->why ? " (" : "", r->why, *r->why ? ")" : "");
	}
	printf("%zu figures: %zu regressed, %zu improved, %zu unchanged, %zu noise%s%s\n", nrows,
	       count[COB_REGRESSED], count[COB_IMPROVED], count[COB_UNCHANGED], count[COB_NOISE],
	       count[COB_UNKNOWN] ? ", some unknown (too few repetitions)" : "",
	       count[COB_MISSING] ? " (some missing)" : "");
}

/* Noise control: what should be equal between the two runs. */
static void warn_differences(const struct run *b, const struct run *n)
{
	static const char *const what[] = { "where", "kernel", "accelerator", "cpu" };
	const char *bv[] = { b->where, b->kernel, b->accel, b->cpu };
	const char *nv[] = { n->where, n->kernel, n->accel, n->cpu };

	for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++)
		if (strcmp(bv[i], nv[i]))
			fprintf(stderr, "cob-compare: warning: the runs differ in %s: %s vs %s\n", what[i],
				bv[i], nv[i]);
	if (!b->governor != !n->governor)
		fprintf(stderr,
			"cob-compare: warning: %s has no noise_control in meta.json (an older run): governor and pinning not checked\n",
			b->governor ? n->dir : b->dir);
	else if (b->governor && strcmp(b->governor, n->governor))
		fprintf(stderr, "cob-compare: warning: the runs differ in CPU governor: %s vs %s\n",
			b->governor, n->governor);
	if (b->cpus_allowed && n->cpus_allowed && strcmp(b->cpus_allowed, n->cpus_allowed))
		fprintf(stderr,
			"cob-compare: warning: the runs differ in pinning (CPUs allowed): %s vs %s\n",
			b->cpus_allowed, n->cpus_allowed);
	if (b->reps != n->reps)
		fprintf(stderr, "cob-compare: warning: the runs differ in repetitions: %lld vs %lld\n",
			b->reps, n->reps);
}

static double parse_num_opt(const char *name, const char *arg, double lo, double hi)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !(v >= lo && v <= hi))
		bad("%s takes a number from %g to %g: '%s'", name, lo, hi, arg);
	return v;
}

int main(int argc, char **argv)
{
	enum { O_MIN = 1, O_ALPHA, O_REPS, O_OUT, O_QUIET, O_HELP };
	static const struct option lo[] = {
		{ "min-change", required_argument, NULL, O_MIN },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "min-reps", required_argument, NULL, O_REPS },
		{ "out", required_argument, NULL, O_OUT },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "help", no_argument, NULL, O_HELP },
		{ 0 },
	};
	struct run b, n;
	size_t count[COB_MISSING + 1] = { 0 };
	int o;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":", lo, NULL)) != -1) {
		switch (o) {
		case O_MIN: opt.min_change = parse_num_opt("--min-change", optarg, 0, 1e9); break;
		case O_ALPHA: opt.alpha = parse_num_opt("--alpha", optarg, 1e-12, 1); break;
		case O_REPS: opt.min_reps = (size_t)parse_num_opt("--min-reps", optarg, 2, 1000); break;
		case O_OUT: opt.out = optarg; break;
		case O_QUIET: opt.quiet = 1; break;
		case O_HELP: usage(stdout); return 0;
		case ':': bad("%s needs a value (see --help)", argv[optind - 1]);
		default: bad("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		bad("needs two results directories, BASE and NEW (see --help)");
	load_run(&b, argv[optind]);
	load_run(&n, argv[optind + 1]);
	if (strcmp(b.experiment, n.experiment))
		bad("%s is experiment '%s', %s is '%s': nothing to compare", b.dir, b.experiment, n.dir,
		    n.experiment);
	if (b.nkeys != n.nkeys)
		bad("%s and %s have different sweep axes in summary.csv", b.dir, n.dir);
	for (size_t k = 0; k < b.nkeys; k++)
		if (strcmp(b.keys[k], n.keys[k]))
			bad("%s and %s have different sweep axes in summary.csv (%s, %s)", b.dir, n.dir,
			    b.keys[k], n.keys[k]);
	warn_differences(&b, &n);
	compare_points(&b, &n);
	compare_overhead(&b, &n);
	write_csv(&b, &n, opt.out ? opt.out : n.dir);
	for (size_t i = 0; i < nrows; i++)
		count[rows[i].v]++;
	if (!opt.quiet)
		print_table(&b, &n, count);
	return count[COB_REGRESSED] ? 1 : 0;
}
