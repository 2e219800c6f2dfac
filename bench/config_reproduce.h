/* The reproduce keys of [experiment] (bench/config_reproduce.c), for the
 * config parser (config.c); not for other modules. */
#ifndef COB_CONFIG_REPRODUCE_H
#define COB_CONFIG_REPRODUCE_H
#include "config.h"

#define COB_REPRODUCE_NKEYS 10 /* the keys' count: the parser's "set" array */
void cob_reproduce_defaults(struct cob_reproduce *r);
int cob_reproduce_is_key(const char *key);
/* Check KEY = VALUE into R; SET (COB_REPRODUCE_NKEYS) records what was given.
 * 0, or -1 with a one-line reason in why. */
int cob_reproduce_key(struct cob_reproduce *r, int *set, const char *key, const char *value, char *why,
		      size_t wlen);
/* After the section: the keys that go together. 0, or -1 with why. */
int cob_reproduce_finish(const struct cob_reproduce *r, const int *set, char *why, size_t wlen);
#endif
