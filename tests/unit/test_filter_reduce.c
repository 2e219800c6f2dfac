/* The user-space filter-reduce reference: its results are what every BPF
 * result is compared with, so its semantics are pinned down here. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include "filter_reduce.h"

static struct fr_result fr_str(const char *s, uint64_t thr)
{
	return fr_compute(s, strlen(s), thr);
}

/* Input, threshold and the whole result: one row per rule of the semantics. */
static const struct {
	const char *why, *in;
	uint64_t thr;
	struct fr_result want;
} cases[] = {
	{ "sums plain numbers", "12\n7\n100\n", 0, { .count = 3, .sum = 119, .min = 7, .max = 100 } },
	{ "threshold keeps values at or above", "5 10 15 20", 10,
	  { .count = 3, .sum = 45, .min = 10, .max = 20 } },
	{ "empty input has no numbers", "", 0, { .count = 0, .sum = 0, .min = UINT64_MAX, .max = 0 } },
	{ "number at end without separator counts", "1\n23", 0, { .count = 2, .sum = 24, .min = 1, .max = 23 } },
	{ "leading zeros are digits", "00042\n", 0, { .count = 1, .sum = 42, .min = 42, .max = 42 } },
	{ "non-digits separate numbers", "a1b22c-333", 0, { .count = 3, .sum = 356, .min = 1, .max = 333 } },
	/* 10^20 mod 2^64 */
	{ "long digit runs wrap modulo 2^64", "100000000000000000000", 0,
	  { .count = 1, .sum = 7766279631452241920ULL, .min = 7766279631452241920ULL,
	    .max = 7766279631452241920ULL } },
};

Test(filter_reduce, semantics)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fr_result r = fr_str(cases[i].in, cases[i].thr);

		cr_assert(fr_equal(&r, &cases[i].want),
			  "%s: count %llu sum %llu min %llu max %llu", cases[i].why,
			  (unsigned long long)r.count, (unsigned long long)r.sum, (unsigned long long)r.min,
			  (unsigned long long)r.max);
	}
}

Test(filter_reduce, pieces_give_the_same_result_as_the_whole)
{
	const char *s = "123 4567\n89\n0\n55555 1";
	struct fr_result whole = fr_str(s, 50);

	for (size_t cut = 0; cut <= strlen(s); cut++) {
		struct fr_state st;

		fr_init(&st, 50);
		fr_feed(&st, s, cut);
		fr_feed(&st, s + cut, strlen(s) - cut);
		struct fr_result r = fr_finish(&st);

		cr_assert(fr_equal(&r, &whole), "split at %zu differs", cut);
	}
}

Test(filter_reduce, fr_equal_detects_each_field)
{
	struct fr_result a = { 1, 2, 3, 4 }, b = a;

	cr_assert(fr_equal(&a, &b));
	b.max = 5;
	cr_assert_not(fr_equal(&a, &b));
	b = a;
	b.count = 9;
	cr_assert_not(fr_equal(&a, &b));
}

/* The semantics byte by byte, as plainly as they can be written: the oracle
 * for the fast parser (fr_feed: state in registers, branchless keep). */
static struct fr_result fr_bytewise(const unsigned char *p, size_t len, uint64_t thr)
{
	struct fr_result r = { 0, 0, UINT64_MAX, 0 };
	uint64_t cur = 0;
	int in = 0;

	for (size_t i = 0; i <= len; i++) {
		unsigned d = i < len ? (unsigned)p[i] - '0' : 10;

		if (d <= 9) {
			cur = cur * 10 + d;
			in = 1;
			continue;
		}
		if (in && cur >= thr) {
			r.count++;
			r.sum += cur;
			r.min = cur < r.min ? cur : r.min;
			r.max = cur > r.max ? cur : r.max;
		}
		cur = 0;
		in = 0;
	}
	return r;
}

/* Random bytes weighted to digits, with the bytes next to them ('/', ':')
 * and the top bytes, thresholds that keep some numbers and not others: at
 * cuts into two pieces (state carried across fr_feed calls). */
Test(filter_reduce, fast_parser_equals_bytewise_on_random_input)
{
	static const unsigned char odd[] = { '/', ':', '\n', ' ', 0x00, 0x7F, 0x80, 0xF9, 0xFA, 0xFF, '0' - 6, '9' + 6 };
	unsigned char buf[200];
	uint64_t rng = 88172645463325252ull;

	for (int round = 0; round < 3000; round++) {
		size_t len = round % sizeof(buf);
		uint64_t thr;

		for (size_t i = 0; i < len; i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			buf[i] = rng % 5 ? (unsigned char)('0' + rng / 5 % 10) : odd[rng / 5 % sizeof(odd)];
		}
		thr = round % 3 == 0 ? 0 : rng % 1000000;
		struct fr_result want = fr_bytewise(buf, len, thr), got = fr_compute(buf, len, thr);

		cr_assert(fr_equal(&got, &want), "round %d, len %zu: count %llu want %llu", round, len,
			  (unsigned long long)got.count, (unsigned long long)want.count);
		for (size_t cut = 0; cut <= len; cut += 1 + round % 7) {
			struct fr_state st;

			fr_init(&st, thr);
			fr_feed(&st, buf, cut);
			fr_feed(&st, buf + cut, len - cut);
			got = fr_finish(&st);
			cr_assert(fr_equal(&got, &want), "round %d, len %zu, cut at %zu differs", round, len, cut);
		}
	}
}
