#include "filter_reduce.h"

#include <string.h>

void fr_init(struct fr_state *s, uint64_t threshold)
{
	s->threshold = threshold;
	s->cur = 0;
	s->in_num = 0;
	s->r.count = 0;
	s->r.sum = 0;
	s->r.min = UINT64_MAX;
	s->r.max = 0;
}

static void fr_emit(struct fr_state *s)
{
	uint64_t v = s->cur;

	s->cur = 0;
	s->in_num = 0;
	if (v < s->threshold)
		return;
	s->r.count++;
	s->r.sum += v;
	if (v < s->r.min)
		s->r.min = v;
	if (v > s->r.max)
		s->r.max = v;
}

/* A digit run of up to 8 bytes at once (SWAR in one 64-bit register, no
 * SIMD): how many of the 8 bytes at x (little-endian, first byte lowest)
 * are digits before the first non-digit, and their value. A byte b is a
 * digit when its high nibble is 3 and that of b + 6 is 3 too; a carry out of
 * b + 6 only comes from a non-digit (b >= 0xFA) and only disturbs the bytes
 * after it, which are not looked at. */
static inline unsigned swar_digits(uint64_t x, uint64_t *val)
{
	const uint64_t ones = 0x0101010101010101ull;
	uint64_t nd = ((x & (0xF0 * ones)) ^ (0x30 * ones)) | (((x + 0x06 * ones) & (0xF0 * ones)) ^ (0x30 * ones));
	/* 0x80 in every byte of nd that is not zero: a non-digit */
	uint64_t flag = (((nd & (0x7F * ones)) + 0x7F * ones) | nd) & (0x80 * ones);
	unsigned n = flag ? (unsigned)__builtin_ctzll(flag) / 8 : 8;

	if (!n) {
		*val = 0;
		return 0;
	}
	/* the n digits to the top bytes (leading zero digits below), then
	 * pairs, quads, the eight combined by multiplication */
	uint64_t v = (x - 0x30 * ones) << (8 * (8 - n));
	v = v * 10 + (v >> 8);
	v = (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
	     (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >> 32;
	*val = v;
	return n;
}

static const uint64_t pow10_tab[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };

/* The state in registers for the whole buffer (a pointer to it would alias
 * the bytes and be stored back every byte); digits 8 at a time where 8 bytes
 * remain, one at a time near the end. */
void fr_feed(struct fr_state *s, const void *buf, size_t len)
{
	const unsigned char *p = buf, *end = p + len;
	const uint64_t thr = s->threshold;
	uint64_t cur = s->cur, count = s->r.count, sum = s->r.sum, min = s->r.min, max = s->r.max;
	int in_num = s->in_num;

	while (p < end) {
		if (!in_num) {
			while (p < end && (unsigned)(*p - '0') > 9)
				p++;
			if (p == end)
				break;
			in_num = 1;
			cur = 0;
		}
		/* inside a number: p is at one of its digits or at its end */
		for (;;) {
			uint64_t x, v;
			unsigned n;

			if (end - p < 8) {
				unsigned d;

				while (p < end && (d = (unsigned)(*p - '0')) <= 9) {
					cur = cur * 10 + d;
					p++;
				}
				break;
			}
			memcpy(&x, p, 8);
			n = swar_digits(x, &v);
			cur = cur * pow10_tab[n] + v;
			p += n;
			if (n < 8)
				break;
		}
		if (p == end)
			break;
		/* p is at the separator that ends the number */
		if (cur >= thr) {
			count++;
			sum += cur;
			min = cur < min ? cur : min;
			max = cur > max ? cur : max;
		}
		cur = 0;
		in_num = 0;
		p++;
	}
	s->cur = cur;
	s->in_num = in_num;
	s->r.count = count;
	s->r.sum = sum;
	s->r.min = min;
	s->r.max = max;
}

struct fr_result fr_finish(struct fr_state *s)
{
	if (s->in_num)
		fr_emit(s);
	return s->r;
}

struct fr_result fr_compute(const void *buf, size_t len, uint64_t threshold)
{
	struct fr_state s;

	fr_init(&s, threshold);
	fr_feed(&s, buf, len);
	return fr_finish(&s);
}

int fr_equal(const struct fr_result *a, const struct fr_result *b)
{
	return a->count == b->count && a->sum == b->sum && a->min == b->min && a->max == b->max;
}
