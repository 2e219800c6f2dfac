/* The report kinds. See reports.h. */
#include "reports.h"
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each defined in its report_NAME.c; in the order they are written. */
extern const struct cob_report report_summary, report_overhead;

static const struct cob_report *const reports[] = {
	&report_summary,
	&report_overhead,
};
#define NREPORTS (sizeof(reports) / sizeof(reports[0]))

const struct cob_report *cob_report_at(size_t i)
{
	return i < NREPORTS ? reports[i] : NULL;
}

const struct cob_report *cob_report_find(const char *name)
{
	for (size_t i = 0; i < NREPORTS; i++)
		if (!strcmp(reports[i]->name, name))
			return reports[i];
	return NULL;
}

const char *cob_report_choice(size_t i)
{
	if (i == 0)
		return "none";
	for (size_t k = 0; k < NREPORTS; k++)
		if (!reports[k]->always && --i == 0)
			return reports[k]->name;
	return NULL;
}

void cob_reports_prepare(struct sweep *s)
{
	for (size_t i = 0; i < NREPORTS; i++)
		if (reports[i]->prepare && (reports[i]->always || !strcmp(reports[i]->name, s->cfg.report)))
			reports[i]->prepare(s);
}

void cob_reports_write(struct sweep *s)
{
	for (size_t i = 0; i < NREPORTS && s->nreport < MAX_REPORTS; i++)
		if (reports[i]->always || !strcmp(reports[i]->name, s->cfg.report)) {
			struct sweep_report *r = &s->report[s->nreport++];

			r->ops = reports[i];
			r->ops->write(s, r);
		}
}

void cob_reports_commit(struct sweep *s)
{
	for (size_t i = 0; i < s->nreport; i++)
		if (s->report[i].w)
			sweep_commit_writer(s, &s->report[i].w, s->report[i].ops->file);
}

void cob_reports_abort(struct sweep *s)
{
	for (size_t i = 0; i < s->nreport; i++) {
		cob_csvw_abort(s->report[i].w);
		s->report[i].w = NULL;
	}
}

void cob_reports_print(struct sweep *s)
{
	for (size_t i = 0; i < s->nreport; i++)
		if (s->report[i].ops->print)
			s->report[i].ops->print(s, &s->report[i]);
}

void cob_report_open(struct sweep *s, struct sweep_report *r, const char *const *cols, size_t ncols)
{
	char *path = sweep_path(s, s->opt.out, r->ops->file);

	r->w = cob_csvw_open(path, cols, ncols);
	if (!r->w)
		sweep_fail(s, 1, "cannot write %s.tmp: %s", path, strerror(errno));
	free(path);
}

const char *cob_report_num(double v, char *buf, size_t len)
{
	if (isnan(v))
		buf[0] = '\0';
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3f", v);
	return buf;
}

const char *cob_report_rate(size_t part, size_t whole, char *buf, size_t len)
{
	if (!whole)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%.6g", (double)part / (double)whole);
	return buf;
}
