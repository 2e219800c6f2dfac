/* The config parser's value checks, shared by its parts (config.c,
 * config_grid.c, config_values.c); not for other modules. */
#ifndef COB_CONFIG_VALUES_H
#define COB_CONFIG_VALUES_H
#include "config.h"

/* A decimal count -> out. 0, or -1 with a static reason in why. */
int parse_count(const char *s, uint64_t *out, const char **why);
/* One list element of param P -> V. Returns 0, or -1 with a message in why. */
int parse_value(const struct cob_param *p, const char *s, struct cob_value *v, char *why, size_t whylen);
/* Split a comma list into trimmed items. Returns the count or -1 with a reason in why. */
int split_list(const char *key, const char *value, char (*items)[COB_DESC_LEN], size_t max, char *why,
	       size_t whylen);
/* Letters, digits, '-', '_', '.'; starting with a letter or digit; shorter than COB_NAME_LEN. */
int valid_name(const char *s);

#endif
