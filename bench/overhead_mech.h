/* The overhead report's split of a backend's cost into the bare hook
 * mechanisms and the suite's bookkeeping. Before the runs the sweep measures
 * each mechanism's cost per hit on this kernel (cob-bpfcost trigger into
 * DIR/trigger/: trigger.csv, meta.json with what the kernel refused); the
 * backend registry (loaders/backends.c, per_read) says which mechanisms one
 * read hits in each backend. mechanism = the sum of their costs; bookkeeping
 * = the backend's overhead (difference of medians) - mechanism. */
#ifndef COB_OVERHEAD_MECH_H
#define COB_OVERHEAD_MECH_H
#include <stddef.h>
#include "mechanisms.h" /* the mechanisms' names, COB_NMECHS */

struct sweep;

#define OM_DIR "trigger" /* DIR/trigger: cob-bpfcost trigger's results */

/* Each mechanism's cost per hit: ns (median over the trigger run's
 * repetitions), or NaN with why (refused by the kernel, or not measured). */
struct om_costs {
	int measured; /* the trigger run left its results */
	double ns[COB_NMECHS];
	char why[COB_NMECHS][160];
};

/* One backend's split. */
struct om_split {
	char hooks[64];   /* "tp tp kprobe"; "" for none */
	double mech_ns;   /* NaN when a hook's cost is missing */
	double book_ns;   /* overhead - mech_ns; NaN likewise */
	char state[200];  /* measured | refused-by-kernel: M | not-measured: why | "" (baseline) */
};

/* Run cob-bpfcost trigger into DIR/trigger unless it is there (a resume).
 * A failure is one line on stderr, not the sweep's end: the split columns
 * then say not-measured. */
void om_measure(struct sweep *s);
/* Read DIR/trigger back. */
void om_load(struct sweep *s, struct om_costs *c);
/* Backend's split of overhead_ns (NaN for the baseline: state ""). */
void om_split(const struct om_costs *c, const char *backend, double overhead_ns, struct om_split *out);

#endif
