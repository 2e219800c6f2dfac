/* Experiment config parser: libinih does the INI syntax, this file checks
 * every section and key and assembles the config (values: config_values.c;
 * the choice tables: config_tables.c; the grid: config_grid.c). See config.h. */
#include "config.h"
#include "backend.h"       /* hook_backend_choice */
#include "config_reproduce.h"
#include "config_values.h"
#include "monitors.h"      /* cob_monitor_choice */
#include "reports.h"       /* cob_report_choice, the report's own checks */

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SEC_NONE, SEC_EXPERIMENT, SEC_SWEEP, SEC_QUICK };
static const char *const section_names[] = { "", "experiment", "sweep", "quick" };

/* [experiment] keys */
enum { EK_NAME, EK_DESCRIPTION, EK_FUNCTION, EK_MODE, EK_HOOK, EK_PLOTS, EK_REPORT, EK_COUNT };
static const char *const experiment_keys[] = { "name", "description", "function", "mode", "hook", "plots",
					       "report" };

/* What [sweep] or [quick] said. Index: one per sweep param, then these two. */
#define SK_REPETITIONS (cob_sweep_nparams)
#define SK_MONITORS    (cob_sweep_nparams + 1)
#define SK_MAX         16

struct names {
	size_t n;
	char v[COB_MAX_NAMES][COB_NAME_LEN];
};

struct sweep_section {
	int set[SK_MAX];
	struct cob_axis axis[SK_MAX]; /* sweep params */
	unsigned repetitions;
	struct names monitors;
};

struct pstate {
	struct cob_config *c;
	const char *file;
	const char *pos;   /* reader position in the text */
	int line;          /* line the reader handed out last */
	int section;
	int seen[4];
	int exp_set[EK_COUNT];
	int repro_set[COB_REPRODUCE_NKEYS];
	struct sweep_section sec[2]; /* [sweep], [quick] */
	int failed;
	int err_line;
	char *err;
	size_t errlen;
};

static int failf(struct pstate *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(struct pstate *st, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st->failed)
		return 0;
	st->failed = 1;
	st->err_line = st->line;
	n = snprintf(st->err, st->errlen, "%s:%d: ", st->file, st->line);
	if (n >= 0 && (size_t)n < st->errlen) {
		va_start(ap, fmt);
		vsnprintf(st->err + n, st->errlen - n, fmt, ap);
		va_end(ap);
	}
	return 0;
}

static void file_error(char *err, size_t errlen, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void file_error(char *err, size_t errlen, const char *file, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", file);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
}

/* A list of names (plots, monitors); 'none' alone means an empty list.
 * choices (NULL: any valid name): the registry the names come from. */
static int parse_names(struct pstate *st, const char *key, const char *value, cob_choice_fn choices,
		       struct names *out)
{
	char items[COB_MAX_NAMES][COB_DESC_LEN];
	char why[512];
	int n = split_list(key, value, items, COB_MAX_NAMES, why, sizeof(why));

	if (n < 0)
		return failf(st, "%s", why);
	out->n = 0;
	if (n == 1 && !strcmp(items[0], "none"))
		return 1;
	for (int i = 0; i < n; i++) {
		if (!valid_name(items[i]) || !strcmp(items[i], "none"))
			return failf(st, "%s: '%s' is not a valid name (letters, digits, '-', '_', '.')",
				     key, items[i]);
		if (choices && !cob_choice_has(choices, items[i]))
			return failf(st, "%s", cob_choice_error(choices, key, items[i], why, sizeof(why)));
		for (int j = 0; j < i; j++)
			if (!strcmp(items[i], items[j]))
				return failf(st, "%s: duplicate value '%s'", key, items[i]);
		memcpy(out->v[out->n++], items[i], strlen(items[i]) + 1); /* valid_name: < COB_NAME_LEN */
	}
	return 1;
}

static int parse_enum_key(struct pstate *st, const char *key, const char *value,
			  cob_choice_fn choices, char *out, size_t outlen)
{
	char why[512];

	if (!cob_choice_has(choices, value)) {
		if (!*value)
			return failf(st, "%s: empty value (one of %s)", key,
				     cob_choice_join(choices, ", ", why, sizeof(why)));
		return failf(st, "%s", cob_choice_error(choices, key, value, why, sizeof(why)));
	}
	snprintf(out, outlen, "%s", value);
	return 1;
}

/* ---- handler ---- */

static int experiment_key(struct pstate *st, const char *key, const char *value)
{
	struct cob_config *c = st->c;
	struct names plots;
	int k;

	for (k = 0; k < EK_COUNT; k++)
		if (!strcmp(key, experiment_keys[k]))
			break;
	if (k == EK_COUNT && cob_reproduce_is_key(key)) {
		char why[512];

		if (cob_reproduce_key(&c->repro, st->repro_set, key, value, why, sizeof(why)))
			return failf(st, "%s", why);
		return 1;
	}
	if (k == EK_COUNT)
		return failf(st, "unknown key '%s' in [experiment] (known: name, description, "
			     "function, mode, hook, plots, report; reproduce: id, title, thesis, target, kernel, "
			     "headline, headline_thesis, headline_from, headline_unit)", key);
	if (st->exp_set[k])
		return failf(st, "duplicate key '%s' in [experiment]", key);
	st->exp_set[k] = 1;
	switch (k) {
	case EK_NAME:
		if (!valid_name(value))
			return failf(st, "name: '%s' is not a valid name (letters, digits, '-', '_', '.'; "
				     "at most %d characters)", value, COB_NAME_LEN - 1);
		snprintf(c->name, sizeof(c->name), "%s", value);
		return 1;
	case EK_DESCRIPTION:
		if (strlen(value) >= sizeof(c->description))
			return failf(st, "description: longer than %zu characters",
				     sizeof(c->description) - 1);
		snprintf(c->description, sizeof(c->description), "%s", value);
		return 1;
	case EK_FUNCTION:
		return parse_enum_key(st, key, value, cob_function_choice, c->function, sizeof(c->function));
	case EK_MODE:
		return parse_enum_key(st, key, value, cob_mode_choice, c->mode, sizeof(c->mode));
	case EK_HOOK:
		return parse_enum_key(st, key, value, hook_backend_choice, c->hook, sizeof(c->hook));
	case EK_REPORT:
		return parse_enum_key(st, key, value, cob_report_choice, c->report, sizeof(c->report));
	case EK_PLOTS:
		if (!parse_names(st, key, value, NULL, &plots))
			return 0;
		c->nplots = plots.n;
		memcpy(c->plots, plots.v, sizeof(plots.v));
		return 1;
	}
	return 0;
}

static int parse_axis(struct pstate *st, const struct cob_param *p, const char *value,
		      struct cob_axis *ax)
{
	char items[COB_MAX_VALUES][COB_DESC_LEN];
	char why[512];
	int n = split_list(p->key, value, items, COB_MAX_VALUES, why, sizeof(why));

	if (n < 0)
		return failf(st, "%s", why);
	ax->param = p;
	ax->n = 0;
	for (int i = 0; i < n; i++) {
		struct cob_value *v = &ax->v[ax->n];

		if (parse_value(p, items[i], v, why, sizeof(why)))
			return failf(st, "%s", why);
		for (size_t j = 0; j < ax->n; j++)
			if (!strcmp(ax->v[j].text, v->text))
				return failf(st, "%s: duplicate value '%s'", p->key, items[i]);
		ax->n++;
	}
	return 1;
}

static int sweep_key(struct pstate *st, int section, const char *key, const char *value)
{
	struct sweep_section *s = &st->sec[section == SEC_QUICK];
	const char *sname = section_names[section];
	size_t k;

	for (k = 0; k < cob_sweep_nparams; k++)
		if (!strcmp(key, cob_sweep_params[k].key))
			break;
	if (k == cob_sweep_nparams) {
		if (!strcmp(key, "repetitions"))
			k = SK_REPETITIONS;
		else if (!strcmp(key, "monitors"))
			k = SK_MONITORS;
		else
			return failf(st, "unknown key '%s' in [%s] (known: %s)", key, sname,
				     "storage, file_kind, file_size, cache, reposition, access, threshold, "
				     "buf_size, iterations, function, hook, repetitions, monitors");
	}
	if (s->set[k])
		return failf(st, "duplicate key '%s' in [%s]", key, sname);
	s->set[k] = 1;
	if (k == SK_MONITORS)
		return parse_names(st, key, value, cob_monitor_choice, &s->monitors);
	if (k == SK_REPETITIONS) {
		uint64_t v;
		const char *why;

		if (parse_count(value, &v, &why))
			return failf(st, "repetitions: %s '%s'", why, value);
		if (v < 1 || v > COB_MAX_REPS)
			return failf(st, "repetitions: %s is outside 1..%d", value, COB_MAX_REPS);
		s->repetitions = (unsigned)v;
		return 1;
	}
	return parse_axis(st, &cob_sweep_params[k], value, &s->axis[k]);
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct pstate *st = user;

	if (st->failed)
		return 0;
	switch (st->section) {
	case SEC_EXPERIMENT:
		return experiment_key(st, key, value);
	case SEC_SWEEP:
	case SEC_QUICK:
		return sweep_key(st, st->section, key, value);
	default:
		(void)section;
		return failf(st, "'%s' outside a section (start with [experiment])", key);
	}
}

/* fgets-style reader over the text; counts lines, checks section headers
 * and line lengths, so the handler knows where it is. */
static char *reader(char *str, int num, void *stream)
{
	struct pstate *st = stream;
	const char *nl, *p;
	size_t len;

	if (st->failed || !*st->pos)
		return NULL;
	nl = strchr(st->pos, '\n');
	len = nl ? (size_t)(nl - st->pos) : strlen(st->pos);
	st->line++;
	if (len + 2 > (size_t)num) {
		failf(st, "line longer than %d characters", num - 3);
		return NULL;
	}
	memcpy(str, st->pos, len);
	str[len] = '\n';
	str[len + 1] = '\0';
	st->pos += len + (nl ? 1 : 0);

	p = str;
	if (st->line == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[') {
		const char *end = strchr(p, ']');
		size_t slen;
		int s;

		if (!end) {
			failf(st, "unterminated section header (missing ']')");
			return NULL;
		}
		slen = (size_t)(end - p - 1);
		for (s = SEC_EXPERIMENT; s <= SEC_QUICK; s++)
			if (strlen(section_names[s]) == slen && !strncmp(p + 1, section_names[s], slen))
				break;
		if (s > SEC_QUICK) {
			failf(st, "unknown section [%.*s] (known: [experiment], [sweep], [quick])",
			      (int)(slen > 64 ? 64 : slen), p + 1);
			return NULL;
		}
		for (end++; *end == ' ' || *end == '\t' || *end == '\r'; end++)
			;
		if (*end != '\n' && *end != ';' && *end != '#') {
			failf(st, "unexpected text after [%s]", section_names[s]);
			return NULL;
		}
		st->section = s;
		st->seen[s] = 1;
	}
	return str;
}

/* The [experiment] value an axis defaults to (from_experiment), or NULL. */
static const char *experiment_value(const struct cob_config *c, const char *key)
{
	if (!strcmp(key, "hook"))
		return c->hook;
	if (!strcmp(key, "function"))
		return c->function;
	return NULL;
}

static int default_axis(const struct cob_config *c, const struct cob_param *p, struct cob_axis *ax)
{
	const char *v = p->from_experiment ? experiment_value(c, p->key) : p->dflt;
	char why[256];

	ax->param = p;
	ax->n = 1;
	return v ? parse_value(p, v, &ax->v[0], why, sizeof(why)) : -1;
}

/* The config's report kind may have its own demands (overhead: its axes). */
static int check_report(const struct cob_config *c, char *why, size_t len)
{
	const struct cob_report *r = cob_report_find(c->report);

	return r && r->check ? r->check(c, why, len) : 0;
}

static int finish(struct pstate *st, int quick)
{
	struct cob_config *c = st->c;
	struct sweep_section *sw = &st->sec[0], *qk = &st->sec[1];
	uint64_t runs;

	if (!st->seen[SEC_EXPERIMENT] || !st->exp_set[EK_NAME]) {
		file_error(st->err, st->errlen, st->file, "[experiment] lacks the required key 'name'");
		return -1;
	}
	{
		char why[512];

		if (cob_reproduce_finish(&c->repro, st->repro_set, why, sizeof(why))) {
			file_error(st->err, st->errlen, st->file, "%s", why);
			return -1;
		}
	}
	if (!cob_reproduce_is_sweep(&c->repro)) {
		/* made by another run.sh command: no grid */
		if (st->seen[SEC_SWEEP] || st->seen[SEC_QUICK]) {
			file_error(st->err, st->errlen, st->file, "run = %s: no [sweep] or [quick] section "
				   "(the grid is the benchmark's own)", c->repro.run);
			return -1;
		}
		return 0;
	}
	if (!st->seen[SEC_SWEEP]) {
		file_error(st->err, st->errlen, st->file, "no [sweep] section");
		return -1;
	}
	if (quick && !st->seen[SEC_QUICK]) {
		file_error(st->err, st->errlen, st->file, "no [quick] section (needed by --quick)");
		return -1;
	}
	c->naxes = cob_sweep_nparams;
	c->axes = calloc(c->naxes, sizeof(*c->axes));
	if (!c->axes) {
		file_error(st->err, st->errlen, st->file, "out of memory");
		return -1;
	}
	for (size_t k = 0; k < cob_sweep_nparams; k++) {
		const struct cob_param *p = &cob_sweep_params[k];

		if (quick && qk->set[k])
			c->axes[k] = qk->axis[k];
		else if (sw->set[k])
			c->axes[k] = sw->axis[k];
		else if (!p->dflt && !p->from_experiment) {
			file_error(st->err, st->errlen, st->file, "[sweep] lacks the required key '%s'",
				   p->key);
			return -1;
		} else if (default_axis(c, p, &c->axes[k])) {
			file_error(st->err, st->errlen, st->file, "bad built-in default for %s", p->key);
			return -1;
		}
	}
	c->repetitions = quick && qk->set[SK_REPETITIONS] ? qk->repetitions
			 : sw->set[SK_REPETITIONS]        ? sw->repetitions
							  : 1;
	{
		const struct names *m = quick && qk->set[SK_MONITORS] ? &qk->monitors
					: sw->set[SK_MONITORS]        ? &sw->monitors
								      : NULL;

		c->nmonitors = m ? m->n : 0;
		if (m)
			memcpy(c->monitors, m->v, sizeof(m->v));
	}
	{
		char why[512];

		if (check_report(c, why, sizeof(why))) {
			file_error(st->err, st->errlen, st->file, "%s", why);
			return -1;
		}
	}
	runs = c->repetitions;
	for (size_t k = 0; k < c->naxes; k++) {
		runs *= c->axes[k].n;
		if (runs > COB_MAX_RUNS) {
			file_error(st->err, st->errlen, st->file,
				   "the %s grid has more than %d runs (points x repetitions)",
				   quick ? "[quick]" : "[sweep]", COB_MAX_RUNS);
			return -1;
		}
	}
	return 0;
}

int cob_config_parse(struct cob_config *c, const char *text, const char *name, int quick,
		     char *err, size_t errlen)
{
	struct pstate *st;
	int rc, ret = -1;

	memset(c, 0, sizeof(*c));
	snprintf(c->function, sizeof(c->function), "filter-reduce");
	snprintf(c->mode, sizeof(c->mode), "observe");
	snprintf(c->hook, sizeof(c->hook), "auto");
	snprintf(c->report, sizeof(c->report), "none");
	cob_reproduce_defaults(&c->repro);
	c->quick = quick;
	c->path = strdup(name);
	c->text = strdup(text);
	st = calloc(1, sizeof(*st));
	if (!c->path || !c->text || !st) {
		file_error(err, errlen, name, "out of memory");
		goto out;
	}
	st->c = c;
	st->file = name;
	st->pos = text;
	st->err = err;
	st->errlen = errlen;

	/* Debian's libinih exposes its options at run time: no continuation
	 * lines (an indented key is a key), stop at the first error. */
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	rc = ini_parse_stream(reader, st, handler, st);
	if (rc > 0 && (!st->failed || rc < st->err_line)) {
		snprintf(err, errlen, "%s:%d: syntax error (expected 'key = value' or '[section]')",
			 name, rc);
		goto out;
	}
	if (st->failed)
		goto out;
	if (rc) {
		file_error(err, errlen, name, "cannot parse (inih error %d)", rc);
		goto out;
	}
	ret = finish(st, quick);
out:
	free(st);
	if (ret)
		cob_config_free(c);
	return ret;
}

int cob_config_load(struct cob_config *c, const char *path, int quick, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n;
	int ret;

	memset(c, 0, sizeof(*c));
	if (!f) {
		file_error(err, errlen, path, "cannot open: %s", strerror(errno));
		return -1;
	}
	text = malloc(COB_CONFIG_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		file_error(err, errlen, path, "out of memory");
		return -1;
	}
	n = fread(text, 1, COB_CONFIG_MAX_BYTES + 1, f);
	if (ferror(f)) {
		file_error(err, errlen, path, "cannot read: %s", strerror(errno));
		ret = -1;
	} else if (n > COB_CONFIG_MAX_BYTES) {
		file_error(err, errlen, path, "larger than %d bytes", COB_CONFIG_MAX_BYTES);
		ret = -1;
	} else if (memchr(text, '\0', n)) {
		file_error(err, errlen, path, "contains a NUL byte (not a text file)");
		ret = -1;
	} else {
		text[n] = '\0';
		ret = cob_config_parse(c, text, path, quick, err, errlen);
	}
	fclose(f);
	free(text);
	return ret;
}

