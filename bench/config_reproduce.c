/* The reproduce keys of a config's [experiment] section: a config with an id
 * joins ./run.sh reproduce and its page (ARCHITECTURE.md, An experiment).
 *
 *   id = E1                 required for reproduce: E and a number
 *   title = ...             the section heading on the page
 *   thesis = ...            what the thesis found (caption, headline table)
 *   target = both           host, vm or both: where it can run
 *   kernel = thesis         the guest kernel it needs (vm/kernel.sh's names)
 *   headline = ...          the figure compared with the thesis
 *   headline_thesis = ...   the thesis's value of it (text)
 *   headline_from = FILE.csv COLUMN STAT [KEY=VALUE ...]
 *                           this run's value: STAT (median, mean, min, max) of
 *                           COLUMN over the rows of FILE whose KEY columns
 *                           equal VALUE
 *   headline_unit = ns      the unit shown (cob_headline_units: the factor
 *                           from the CSV's ns or fraction)
 *   run = sweep             the run.sh command that makes its results: sweep
 *                           (./run.sh sweep NAME, the default) or bench NAME
 *                           (./run.sh bench NAME --out DIR [--quick]: a
 *                           benchmark that is not a sweep; its config has no
 *                           [sweep] section). Also without an id.
 * Without an id none of the others may be given; with one, title, thesis and
 * the three headline keys are required. */
#include "config.h"
#include "config_reproduce.h"
#include "config_values.h"

#include <stdio.h>
#include <string.h>

enum { RK_ID, RK_TITLE, RK_THESIS, RK_TARGET, RK_KERNEL, RK_HEADLINE, RK_HEADLINE_THESIS,
       RK_HEADLINE_FROM, RK_HEADLINE_UNIT, RK_RUN, RK_COUNT };
_Static_assert(RK_COUNT == COB_REPRODUCE_NKEYS, "config_reproduce.h counts the keys");
static const char *const reproduce_keys[] = { "id", "title", "thesis", "target", "kernel", "headline",
					      "headline_thesis", "headline_from", "headline_unit", "run" };
/* required once id is given */
static const int required[] = { RK_TITLE, RK_THESIS, RK_HEADLINE, RK_HEADLINE_THESIS, RK_HEADLINE_FROM };

void cob_reproduce_defaults(struct cob_reproduce *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->target, sizeof(r->target), "both");
	snprintf(r->kernel, sizeof(r->kernel), "thesis");
	snprintf(r->headline_unit, sizeof(r->headline_unit), "ns");
	snprintf(r->run, sizeof(r->run), "sweep");
}

int cob_reproduce_is_sweep(const struct cob_reproduce *r)
{
	return !strcmp(r->run, "sweep");
}

/* "sweep" or "bench NAME" */
static int run_key(const char *value, char *out, size_t len, char *why, size_t wlen)
{
	if (!strcmp(value, "sweep") || (!strncmp(value, "bench ", 6) && valid_name(value + 6 + strspn(value + 6, " ")))) {
		if (!strcmp(value, "sweep"))
			snprintf(out, len, "sweep");
		else
			snprintf(out, len, "bench %s", value + 6 + strspn(value + 6, " "));
		return 0;
	}
	snprintf(why, wlen, "run: '%s' is not 'sweep' or 'bench NAME' (the run.sh command that makes the results)",
		 value);
	return -1;
}

int cob_reproduce_is_key(const char *key)
{
	for (int k = 0; k < RK_COUNT; k++)
		if (!strcmp(key, reproduce_keys[k]))
			return 1;
	return 0;
}

static int text(const char *key, const char *value, char *out, size_t len, char *why, size_t wlen)
{
	if (!*value) {
		snprintf(why, wlen, "%s: empty value", key);
		return -1;
	}
	if (strlen(value) >= len) {
		snprintf(why, wlen, "%s: longer than %zu characters", key, len - 1);
		return -1;
	}
	snprintf(out, len, "%s", value);
	return 0;
}

static int choice(const char *key, const char *value, cob_choice_fn fn, char *out, size_t len, char *why,
		  size_t wlen)
{
	if (!cob_choice_has(fn, value)) {
		cob_choice_error(fn, key, value, why, wlen);
		return -1;
	}
	snprintf(out, len, "%s", value);
	return 0;
}

/* E followed by 1..4 digits */
static int valid_id(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 5 || s[0] != 'E' || s[1] == '0')
		return 0;
	return strspn(s + 1, "0123456789") == n - 1;
}

/* "FILE.csv COLUMN STAT [KEY=VALUE ...]", words separated by blanks; the
 * canonical form (single spaces) into out. */
static int headline_from(const char *value, char *out, size_t len, char *why, size_t wlen)
{
	char buf[COB_DESC_LEN], *save = NULL, *w;
	size_t off = 0;
	int n = 0;

	if (strlen(value) >= sizeof(buf)) {
		snprintf(why, wlen, "headline_from: longer than %zu characters", sizeof(buf) - 1);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	for (w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save), n++) {
		size_t wl = strlen(w);

		if (n == 0 && (!valid_name(w) || wl < 5 || strcmp(w + wl - 4, ".csv"))) {
			snprintf(why, wlen, "headline_from: '%s' is not a CSV file name of the results "
				 "(NAME.csv)", w);
			return -1;
		}
		if (n == 1 && !valid_name(w)) {
			snprintf(why, wlen, "headline_from: '%s' is not a column name", w);
			return -1;
		}
		if (n == 2 && !cob_choice_has(cob_headline_stat_choice, w)) {
			cob_choice_error(cob_headline_stat_choice, "headline_from: statistic", w, why, wlen);
			return -1;
		}
		if (n >= 3) {
			char *eq = strchr(w, '=');

			if (!eq || eq == w || !eq[1]) {
				snprintf(why, wlen, "headline_from: '%s' is not KEY=VALUE (a row filter)", w);
				return -1;
			}
			*eq = '\0';
			if (!valid_name(w)) {
				snprintf(why, wlen, "headline_from: '%s' is not a column name", w);
				return -1;
			}
			*eq = '=';
		}
		off += (size_t)snprintf(out + off, len - off, "%s%s", n ? " " : "", w);
	}
	if (n < 3) {
		snprintf(why, wlen, "headline_from: needs FILE.csv COLUMN STAT [KEY=VALUE ...], got '%s'",
			 value);
		return -1;
	}
	return 0;
}

int cob_reproduce_key(struct cob_reproduce *r, int *set, const char *key, const char *value, char *why,
		      size_t wlen)
{
	int k;

	for (k = 0; k < RK_COUNT; k++)
		if (!strcmp(key, reproduce_keys[k]))
			break;
	if (k == RK_COUNT) {
		snprintf(why, wlen, "unknown key '%s'", key);
		return -1;
	}
	if (set[k]) {
		snprintf(why, wlen, "duplicate key '%s' in [experiment]", key);
		return -1;
	}
	set[k] = 1;
	switch (k) {
	case RK_ID:
		if (!valid_id(value)) {
			snprintf(why, wlen, "id: '%s' is not an experiment id (E and a number, e.g. E1)", value);
			return -1;
		}
		snprintf(r->id, sizeof(r->id), "%s", value);
		return 0;
	case RK_TITLE: return text(key, value, r->title, sizeof(r->title), why, wlen);
	case RK_THESIS: return text(key, value, r->thesis, sizeof(r->thesis), why, wlen);
	case RK_HEADLINE: return text(key, value, r->headline, sizeof(r->headline), why, wlen);
	case RK_HEADLINE_THESIS:
		return text(key, value, r->headline_thesis, sizeof(r->headline_thesis), why, wlen);
	case RK_TARGET: return choice(key, value, cob_target_choice, r->target, sizeof(r->target), why, wlen);
	case RK_KERNEL: return choice(key, value, cob_kernel_choice, r->kernel, sizeof(r->kernel), why, wlen);
	case RK_HEADLINE_UNIT:
		return choice(key, value, cob_headline_unit_choice, r->headline_unit, sizeof(r->headline_unit),
			      why, wlen);
	case RK_HEADLINE_FROM: return headline_from(value, r->headline_from, sizeof(r->headline_from), why, wlen);
	case RK_RUN: return run_key(value, r->run, sizeof(r->run), why, wlen);
	}
	return -1;
}

int cob_reproduce_finish(const struct cob_reproduce *r, const int *set, char *why, size_t wlen)
{
	if (!set[RK_ID]) {
		for (int k = 0; k < RK_COUNT; k++)
			if (set[k] && k != RK_RUN) {
				snprintf(why, wlen, "[experiment] has '%s' but no 'id' (the reproduce keys "
					 "come with an id)", reproduce_keys[k]);
				return -1;
			}
		return 0;
	}
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!set[required[i]]) {
			snprintf(why, wlen, "[experiment] id = %s lacks the required key '%s'", r->id,
				 reproduce_keys[required[i]]);
			return -1;
		}
	return 0;
}

void cob_config_describe(const struct cob_config *c, FILE *f)
{
	const struct cob_reproduce *r = &c->repro;

	fprintf(f, "name=%s\ndescription=%s\nmode=%s\nhook=%s\nplots=", c->name, c->description, c->mode,
		c->hook);
	for (size_t i = 0; i < c->nplots; i++)
		fprintf(f, "%s%s", i ? " " : "", c->plots[i]);
	fprintf(f, "\nid=%s\ntitle=%s\nthesis=%s\ntarget=%s\nkernel=%s\nheadline=%s\nheadline_thesis=%s\n"
		"headline_from=%s\nheadline_unit=%s\nrun=%s\n",
		r->id, r->title, r->thesis, r->target, r->kernel, r->headline, r->headline_thesis,
		r->headline_from, r->headline_unit, r->run);
	for (size_t i = 0; cob_headline_units[i].name; i++)
		if (!strcmp(cob_headline_units[i].name, r->headline_unit))
			fprintf(f, "headline_factor=%g\n", cob_headline_units[i].factor);
}
