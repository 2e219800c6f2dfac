/* cob-sweep's rows: each run's CSV from cob-hook appended to reads.csv and
 * added to its point's statistics (the summary and overhead reports read
 * them). */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "a,b,c": the header of r, to compare. */
char *sweep_header_string(struct sweep *s, const struct cob_csvr *r)
{
	char *h = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&h, &len);

	if (!f)
		sweep_fail(s, 1, "out of memory");
	for (size_t i = 0; i < cob_csvr_ncols(r); i++)
		fprintf(f, "%s%s", i ? "," : "", cob_csvr_name(r, i));
	fclose(f);
	return h;
}

static void keep_first(char **dst, const char *v)
{
	if (!*dst && v && *v)
		*dst = strdup(v);
}

/* The columns the statistics need; -1 when one is missing. */
int sweep_row_cols(struct cob_csvr *r, struct row_cols *c)
{
	c->lat = cob_csvr_col(r, "lat_ns");
	c->match = cob_csvr_col(r, "match");
	c->status = cob_csvr_col(r, "status");
	return c->lat < 0 || c->match < 0 || c->status < 0 ? -1 : 0;
}

/* The current row of r into the point's statistics. */
void sweep_acc_row(struct sweep *s, struct point_acc *acc, struct cob_csvr *r, const struct row_cols *c,
		    struct run_tally *t)
{
	const char *lat = cob_csvr_get(r, (size_t)c->lat);
	char *end;
	double v;

	t->rows++;
	if (!strcmp(cob_csvr_get(r, (size_t)c->match), "1"))
		t->matches++;
	if (!strcmp(cob_csvr_get(r, (size_t)c->status), "ok"))
		acc->ok++;
	v = strtod(lat, &end);
	if (*lat && !*end && !isnan(v)) {
		if (cob_stats_add(&acc->lat, v))
			sweep_fail(s, 1, "out of memory");
		t->lat_sum += v;
		t->lat_n++;
	}
	keep_first(&acc->backend, cob_csvr_field(r, "backend"));
	keep_first(&acc->mode, cob_csvr_field(r, "mode"));
	keep_first(&acc->function, cob_csvr_field(r, "function"));
	keep_first(&acc->kernel, cob_csvr_field(r, "kernel"));
}

void sweep_acc_run(struct point_acc *acc, unsigned rep, const struct run_tally *t)
{
	acc->rows += t->rows;
	acc->match += t->matches;
	acc->reps++;
	if (acc->rep_mean)
		acc->rep_mean[rep - 1] = t->lat_n ? t->lat_sum / (double)t->lat_n : NAN;
}

/* Append the rows of cob-hook's CSV to reads.csv and to the point's stats. */
void sweep_ingest_part(struct sweep *s, const char *part, struct point_acc *acc, unsigned rep, size_t run,
			size_t *rows, size_t *matches)
{
	const char *vals[COB_MAX_VALUES + 256];
	char runbuf[24];
	size_t nc;
	struct cob_csvr *r = cob_csvr_open(part);
	struct run_tally t = { 0 };
	struct row_cols cols;
	int rc;
	char *hdr;

	if (!r)
		sweep_fail(s, 1, "cob-hook wrote no readable CSV %s: %s", part,
			   errno == EBADMSG ? "malformed header" : strerror(errno));
	hdr = sweep_header_string(s, r);
	if (!s->reads_header) {
		s->reads_header = hdr;
	} else if (strcmp(s->reads_header, hdr)) {
		sweep_fail(s, 1, "cob-hook's CSV header changed between runs: was '%s', now '%s'", s->reads_header,
			   hdr);
	} else {
		free(hdr);
	}
	/* cob-hook's columns, then `run`: the run's number in the sweep, also in every monitor's CSV */
	nc = cob_csvr_ncols(r);
	if (nc + 1 > sizeof(vals) / sizeof(vals[0]))
		sweep_fail(s, 1, "%s: too many columns", part);
	if (!s->reads) {
		char *path = sweep_path(s, s->opt.out, "reads.csv");

		for (size_t i = 0; i < nc; i++)
			vals[i] = cob_csvr_name(r, i);
		vals[nc] = "run";
		s->reads = cob_csvw_open(path, vals, nc + 1);
		if (!s->reads)
			sweep_fail(s, 1, "cannot write %s.tmp: %s", path, strerror(errno));
		free(path);
	}
	snprintf(runbuf, sizeof(runbuf), "%zu", run);
	if (sweep_row_cols(r, &cols))
		sweep_fail(s, 1, "%s lacks one of the columns lat_ns, match, status", part);
	while ((rc = cob_csvr_next(r)) > 0) {
		memcpy(vals, cob_csvr_row(r), nc * sizeof(vals[0]));
		vals[nc] = runbuf;
		if (cob_csvw_row(s->reads, vals, nc + 1))
			sweep_fail(s, 1, "writing reads.csv: %s", strerror(errno));
		sweep_acc_row(s, acc, r, &cols, &t);
	}
	if (rc < 0)
		sweep_fail(s, 1, "%s: %s", part, cob_csvr_error(r));
	cob_csvr_close(r);
	if (!t.rows)
		sweep_fail(s, 1, "cob-hook exited 0 but wrote no rows to %s", part);
	sweep_acc_run(acc, rep, &t);
	*rows = t.rows;
	*matches = t.matches;
}

/* One accumulator per point, its per-repetition means NaN until a run fills them. */
void sweep_acc_init(struct sweep *s)
{
	s->acc = calloc(s->npoints, sizeof(*s->acc));
	if (!s->acc)
		sweep_fail(s, 1, "out of memory");
	for (size_t p = 0; p < s->npoints; p++) {
		cob_stats_init(&s->acc[p].lat);
		s->acc[p].rep_mean = malloc(s->cfg.repetitions * sizeof(double));
		if (!s->acc[p].rep_mean)
			sweep_fail(s, 1, "out of memory");
		for (unsigned i = 0; i < s->cfg.repetitions; i++)
			s->acc[p].rep_mean[i] = NAN;
	}
}

void sweep_acc_free(struct sweep *s)
{
	for (size_t p = 0; s->acc && p < s->npoints; p++) {
		cob_stats_free(&s->acc[p].lat);
		free(s->acc[p].backend);
		free(s->acc[p].mode);
		free(s->acc[p].function);
		free(s->acc[p].rep_mean);
		free(s->acc[p].kernel);
	}
	free(s->acc);
	s->acc = NULL;
}
