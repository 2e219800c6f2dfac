/* A loaded config: command-line overrides, dropping values (hook backends
 * that cannot attach here) and the sweep grid. See config.h. */
#include "config.h"
#include "backend.h"       /* hook_backend_choice */
#include "config_values.h" /* parse_value */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void cob_config_free(struct cob_config *c)
{
	free(c->path);
	free(c->text);
	free(c->axes);
	memset(c, 0, sizeof(*c));
}

int cob_config_override(struct cob_config *c, const char *key, const char *value, char *err,
			size_t errlen)
{
	cob_choice_fn choices;
	char *dst;
	char opt[COB_VALUE_LEN + 2];

	if (!strcmp(key, "hook")) {
		choices = hook_backend_choice;
		dst = c->hook;
	} else if (!strcmp(key, "mode")) {
		choices = cob_mode_choice;
		dst = c->mode;
	} else if (!strcmp(key, "function")) {
		choices = cob_function_choice;
		dst = c->function;
	} else {
		snprintf(err, errlen, "cannot override '%s'", key);
		return -1;
	}
	if (!cob_choice_has(choices, value)) {
		snprintf(opt, sizeof(opt), "--%s", key);
		cob_choice_error(choices, opt, value, err, errlen);
		return -1;
	}
	if (c->axes && cob_config_axis(c, key) >= 0) {
		/* an axis: this one value (with report = overhead, the baseline and it) */
		struct cob_axis *ax = &c->axes[cob_config_axis(c, key)];
		int baseline = !strcmp(key, "hook") && !strcmp(c->report, "overhead");
		char why[256];

		if (baseline && !strcmp(value, "none")) {
			snprintf(err, errlen, "--hook none: report = overhead measures a backend against "
				 "none; name a backend (or leave out --hook for all of them)");
			return -1;
		}
		ax->n = 0;
		if (baseline && parse_value(ax->param, "none", &ax->v[ax->n++], why, sizeof(why)))
			return -1;
		if (parse_value(ax->param, value, &ax->v[ax->n++], why, sizeof(why)))
			return -1; /* cannot happen: the choices are the same */
	}
	snprintf(dst, COB_VALUE_LEN, "%s", value);
	return 0;
}

int cob_config_drop(struct cob_config *c, const char *key, size_t i)
{
	int k = cob_config_axis(c, key);
	struct cob_axis *ax;

	if (k < 0 || i >= c->axes[k].n || c->axes[k].n < 2)
		return -1;
	ax = &c->axes[k];
	memmove(&ax->v[i], &ax->v[i + 1], (ax->n - i - 1) * sizeof(ax->v[0]));
	ax->n--;
	return 0;
}

/* The grid: the cartesian product of the axes, the last varying fastest. */

size_t cob_config_points(const struct cob_config *c)
{
	size_t n = 1;

	for (size_t k = 0; k < c->naxes; k++)
		n *= c->axes[k].n;
	return n;
}

void cob_config_point(const struct cob_config *c, size_t idx, size_t *sel)
{
	for (size_t k = c->naxes; k-- > 0;) {
		sel[k] = idx % c->axes[k].n;
		idx /= c->axes[k].n;
	}
}

size_t cob_config_index(const struct cob_config *c, const size_t *sel)
{
	size_t idx = 0;

	for (size_t k = 0; k < c->naxes; k++)
		idx = idx * c->axes[k].n + sel[k];
	return idx;
}

int cob_config_axis(const struct cob_config *c, const char *key)
{
	for (size_t k = 0; k < c->naxes; k++)
		if (!strcmp(c->axes[k].param->key, key))
			return (int)k;
	return -1;
}

const struct cob_value *cob_config_value(const struct cob_config *c, const size_t *sel,
					 const char *key)
{
	int k = cob_config_axis(c, key);

	return k < 0 ? NULL : &c->axes[k].v[sel[k]];
}

