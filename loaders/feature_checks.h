/* The kernel feature checks behind probe.h: one function per feature, each
 * a trial (trial.h) that proves the feature or says why not. probe.c runs
 * them on demand and caches what they found. */
#ifndef FEATURE_CHECKS_H
#define FEATURE_CHECKS_H
#include <stdbool.h>
#include <stddef.h>

struct feature_check {
	const char *name;
	/* true when the feature works here; r gets why or why not */
	bool (*run)(char *r, size_t len);
};

/* Every check: cob_features[] in its order, then the internal ones (the
 * count is checked where the table is defined). */
#define N_FEATURE_CHECKS 17
extern const struct feature_check feature_checks[N_FEATURE_CHECKS];

/* A brd ramdisk is there or can be made (feature_brd.c). */
bool feature_brd(char *r, size_t len);

#endif
