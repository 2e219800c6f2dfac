/* What every registry's names are used for: membership, lists in messages,
 * usage lines. See registry.h. */
#include "registry.h"

int cob_choice_has(cob_choice_fn names, const char *s)
{
	const char *c;

	for (size_t i = 0; (c = names(i)); i++)
		if (!strcmp(c, s))
			return 1;
	return 0;
}

const char *cob_choice_join(cob_choice_fn names, const char *sep, char *buf, size_t len)
{
	size_t off = 0;
	const char *c;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; (c = names(i)) && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? sep : "", c);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

const char *cob_choice_error(cob_choice_fn names, const char *what, const char *value, char *buf,
			     size_t len)
{
	char list[256];

	snprintf(buf, len, "%s: '%s' is not one of %s", what, value,
		 cob_choice_join(names, ", ", list, sizeof(list)));
	return buf;
}

void cob_choice_usage(FILE *f, cob_choice_fn names, cob_choice_fn helps, const char *dflt)
{
	const char *c;

	for (size_t i = 0; (c = names(i)); i++)
		fprintf(f, "    %-12s %s%s\n", c, helps(i), dflt && !strcmp(c, dflt) ? " (default)" : "");
}
