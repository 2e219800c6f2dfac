/* User-space reference of the filter-reduce storage function.
 * Semantics (shared with bpf/filter_reduce.bpf.h): a number is a maximal run
 * of ASCII digits, value accumulated modulo 2^64; numbers with
 * value >= threshold are kept; the result is count, sum (mod 2^64), min, max.
 * The unit is one read(): a number cut by the end of the bytes counts as the
 * digits present. State carries across fr_feed calls so the bytes may come
 * in any number of pieces. */
#ifndef FILTER_REDUCE_H
#define FILTER_REDUCE_H
#include <stddef.h>
#include <stdint.h>

struct fr_result {
	uint64_t count, sum, min, max; /* min == UINT64_MAX while count == 0 */
};

struct fr_state {
	uint64_t threshold;
	uint64_t cur;
	int in_num;
	struct fr_result r;
};

void fr_init(struct fr_state *s, uint64_t threshold);
void fr_feed(struct fr_state *s, const void *buf, size_t len);
struct fr_result fr_finish(struct fr_state *s);
/* One-shot helper: filter-reduce of len bytes. */
struct fr_result fr_compute(const void *buf, size_t len, uint64_t threshold);
int fr_equal(const struct fr_result *a, const struct fr_result *b);

#endif
