/* Statistics of ./run.sh compare (bench/cob_compare.c): the verdict rules
 * (a latency or overhead over the repetitions of two runs, a success rate),
 * the change they judge, and the normal p-value of the overhead's test. */
#ifndef COB_COMPARE_STATS_H
#define COB_COMPARE_STATS_H
#include <stddef.h>

/* Two-sided p of a standard normal deviate z: erfc(|z| / sqrt 2). */
double cob_normal_p2(double z);

enum cob_verdict { COB_UNCHANGED, COB_IMPROVED, COB_REGRESSED, COB_NOISE, COB_UNKNOWN, COB_MISSING };
const char *cob_verdict_name(enum cob_verdict v);

/* The run-to-run rule (what ./run.sh compare uses): a latency or overhead
 * is judged on its repetitions, each a separate pass over the grid at a
 * different time of the run, so their spread holds the drift of a busy host
 * that the reads of one repetition cannot show. rep_* are the lowest and
 * highest per-repetition value of each run, n_* how many repetitions.
 *   change (see cob_change)                         < min_change_pct: unchanged
 *   fewer than min_reps repetitions in either run   -> unknown (*why says so)
 *   the two ranges of repetitions overlap, or p >= alpha (or NaN) -> noise
 *   every new repetition above every base one (and p < alpha) -> regressed;
 *   below -> improved.
 * p is the test over the repetitions (Welch's t on their values, or the
 * overhead's CIs). *why (may be NULL) gets a static reason for unknown/noise,
 * else "". */
struct cob_reps {
	size_t n_base, n_new;
	double base_lo, base_hi, new_lo, new_hi;
};
enum cob_verdict cob_verdict_reps(double base, double new, double p, double alpha,
				  double min_change_pct, const struct cob_reps *r, size_t min_reps,
				  double *change, int *absolute, const char **why);

/* The change of a lower-is-better figure: (new - base) / base * 100 % when
 * base > 0. A base <= 0 (an overhead lost in the noise, or negative) makes a
 * per cent meaningless: *absolute is set, the returned change is new - base
 * (in the figure's unit) and *rel_pct (for --min-change) is
 * |new - base| / max(|base|, |new|) * 100. NaN when either is NaN. */
double cob_change(double base, double new, int *absolute, double *rel_pct);

/* A success rate (higher is better): any drop is a regression, any rise an
 * improvement, no statistics (a lost read is a bug, not noise). */
enum cob_verdict cob_verdict_rate(double base, double new, double *change);

#endif
