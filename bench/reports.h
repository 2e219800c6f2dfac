/* Report kinds: what a sweep writes besides reads.csv and the monitors' CSVs,
 * one ops table owned by reports.c. `summary` runs for every sweep; the
 * others are chosen by a config's `[experiment] report = NAME` (or none).
 * The config parser takes its choices and the report's own checks from here.
 * A new report kind: report_NAME.c defines `const struct cob_report
 * report_NAME` (its writer and the rest) and reports.c lists it. */
#ifndef COB_REPORTS_H
#define COB_REPORTS_H
#include <stddef.h>

struct cob_config;
struct cob_csvw;
struct sweep;
struct sweep_report;

struct cob_report {
	const char *name;
	const char *help;
	const char *file; /* DIR/FILE it writes (FILE.tmp until the sweep completes) */
	int always;       /* every sweep writes it; not a choice of report = */
	/* Is the config fit for this report? 0, or -1 with one line in why. NULL: any. */
	int (*check)(const struct cob_config *c, char *why, size_t len);
	/* Write the rows from the points' statistics (s->acc) into r->w (see
	 * cob_report_open); r->data keeps what print needs. */
	void (*write)(struct sweep *s, struct sweep_report *r);
	/* After the results are in place: a table on stdout. NULL: nothing. */
	void (*print)(struct sweep *s, struct sweep_report *r);
	/* Before the first run (not on a resume that finds it done): what the
	 * report needs measured besides the runs. NULL: nothing. */
	void (*prepare)(struct sweep *s);
};

/* The i-th entry, NULL past the end. */
const struct cob_report *cob_report_at(size_t i);
const struct cob_report *cob_report_find(const char *name);
/* Choices of [experiment] report: none, then every kind that is not always. */
const char *cob_report_choice(size_t i);

/* The reports of s's config: prepare (before the runs), write (tmp files), commit into DIR, abort
 * (remove the tmp files; on every failed exit), print. */
void cob_reports_prepare(struct sweep *s);
void cob_reports_write(struct sweep *s);
void cob_reports_commit(struct sweep *s);
void cob_reports_abort(struct sweep *s);
void cob_reports_print(struct sweep *s);

/* For writers: open DIR/FILE.tmp with these columns as r->w. */
void cob_report_open(struct sweep *s, struct sweep_report *r, const char *const *cols, size_t ncols);
/* A number as CSV text: "" for NaN, integers without decimals, else 3 places. */
const char *cob_report_num(double v, char *buf, size_t len);
/* part/whole as CSV text, "" when whole is 0. */
const char *cob_report_rate(size_t part, size_t whole, char *buf, size_t len);

#endif
