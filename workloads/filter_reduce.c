#include "filter_reduce.h"

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

void fr_feed(struct fr_state *s, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)p[i] - '0';

		if (d <= 9) {
			s->cur = s->cur * 10 + d;
			s->in_num = 1;
		} else if (s->in_num) {
			fr_emit(s);
		}
	}
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
