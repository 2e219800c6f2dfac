/* Config values: sizes, counts, enum names and comma lists, checked one
 * element at a time. See config.h and config_values.h. */
#include "config.h"
#include "config_values.h"
#include "filegen.h" /* parse_size: the workloads' size grammar */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cob_parse_size(const char *s, uint64_t *out, const char **why)
{
	/* the grammar of cob-mkfile --size and cob-read --buf; only the reason is ours */
	if (!parse_size(s, out))
		return 0;
	*why = !*s ? "empty size" : *s == '-' ? "negative size" : "not a size (or too large)";
	return -1;
}

const char *cob_format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "GMK";
	static const unsigned shifts[] = { 30, 20, 10 };

	for (int i = 0; i < 3; i++) {
		uint64_t u = 1ULL << shifts[i];

		if (v && v % u == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(v / u), units[i]);
			return buf;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

int parse_count(const char *s, uint64_t *out, const char **why)
{
	uint64_t v = 0;
	const char *p = s;

	if (!*p) {
		*why = "empty value";
		return -1;
	}
	if (*p == '-') {
		*why = "negative number";
		return -1;
	}
	for (; *p; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (d > 9) {
			*why = "not a whole number";
			return -1;
		}
		if (v > (UINT64_MAX - d) / 10) {
			*why = "number too large";
			return -1;
		}
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* One list element of param P -> V. Returns 0, or -1 with a message in why. */
int parse_value(const struct cob_param *p, const char *s, struct cob_value *v, char *why,
		       size_t whylen)
{
	const char *r = NULL;
	char b[32];

	memset(v, 0, sizeof(*v));
	if (p->none_word && !strcmp(s, p->none_word)) {
		snprintf(v->text, sizeof(v->text), "%s", s);
		v->num = COB_VALUE_NONE;
		return 0;
	}
	switch (p->type) {
	case COB_PT_ENUM:
		if (!cob_choice_has(p->choices, s)) {
			cob_choice_error(p->choices, p->key, s, why, whylen);
			return -1;
		}
		snprintf(v->text, sizeof(v->text), "%s", s);
		return 0;
	case COB_PT_FILESIZE:
		if (!strcmp(s, "buf")) {
			snprintf(v->text, sizeof(v->text), "buf");
			v->num = COB_FILESIZE_BUF;
			return 0;
		}
		/* fall through */
	case COB_PT_SIZE:
		if (cob_parse_size(s, &v->num, &r)) {
			snprintf(why, whylen, "%s: %s '%s' (expected e.g. 4096, 64K, 1M%s)", p->key, r,
				 s, p->type == COB_PT_FILESIZE ? " or buf" : "");
			return -1;
		}
		break;
	case COB_PT_COUNT:
		if (parse_count(s, &v->num, &r)) {
			snprintf(why, whylen, "%s: %s '%s'%s%s", p->key, r, s, p->none_word ? " (or " : "",
				 p->none_word ? p->none_word : "");
			if (p->none_word)
				snprintf(why + strlen(why), whylen - strlen(why), ")");
			return -1;
		}
		break;
	}
	if (v->num < p->min) {
		if (v->num == 0)
			snprintf(why, whylen, "%s: must be greater than 0, got '%s'", p->key, s);
		else
			snprintf(why, whylen, "%s: '%s' is below the minimum %llu", p->key, s,
				 (unsigned long long)p->min);
		return -1;
	}
	if (v->num > p->max) {
		if (p->type == COB_PT_COUNT)
			snprintf(why, whylen, "%s: %s is above the maximum %llu", p->key, s,
				 (unsigned long long)p->max);
		else
			snprintf(why, whylen, "%s: %s is above the maximum %s", p->key, s,
				 cob_format_size(p->max, b, sizeof(b)));
		return -1;
	}
	snprintf(v->text, sizeof(v->text), "%llu", (unsigned long long)v->num);
	return 0;
}

/* Split a comma list into trimmed items, each copied into items[i] (len
 * itemlen). Returns the count or -1 with a reason in why. */
int split_list(const char *key, const char *value, char (*items)[COB_DESC_LEN], size_t max,
		      char *why, size_t whylen)
{
	size_t n = 0;
	const char *p = value;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p) {
		snprintf(why, whylen, "%s: empty value (give at least one value)", key);
		return -1;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		while (len && (p[0] == ' ' || p[0] == '\t')) {
			p++;
			len--;
		}
		while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (!len) {
			snprintf(why, whylen, "%s: empty element in list '%s'", key, value);
			return -1;
		}
		if (n == max) {
			snprintf(why, whylen, "%s: more than %zu values", key, max);
			return -1;
		}
		if (len >= COB_DESC_LEN)
			len = COB_DESC_LEN - 1;
		memcpy(items[n], p, len);
		items[n][len] = '\0';
		n++;
		if (!end)
			break;
		p = end + 1;
	}
	return (int)n;
}

int valid_name(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= COB_NAME_LEN || !isalnum((unsigned char)s[0]))
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

