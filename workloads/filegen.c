#include "filegen.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t xorshift64s(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint64_t pow10u(unsigned n)
{
	uint64_t v = 1;

	while (n--)
		v *= 10;
	return v;
}

/* Values span [0, 10^(width-1)); bucket b covers [b*scale, (b+1)*scale). */
static uint64_t bucket_scale(unsigned width)
{
	uint64_t span = pow10u(width - 1);

	return span >= 100 ? span / 100 : 1;
}

static void shuffle_block(struct filegen *g)
{
	for (int i = 0; i < 100; i++)
		g->perm[i] = (unsigned char)i;
	for (int i = 99; i > 0; i--) {
		int j = (int)(xorshift64s(&g->rng) % (uint64_t)(i + 1));
		unsigned char t = g->perm[i];

		g->perm[i] = g->perm[j];
		g->perm[j] = t;
	}
}

int filegen_init(struct filegen *g, enum filegen_kind kind, unsigned width, uint64_t seed)
{
	memset(g, 0, sizeof(*g));
	if (kind == FILEGEN_KNOWN && (width < FILEGEN_MIN_WIDTH || width > FILEGEN_MAX_WIDTH))
		return -1;
	g->kind = kind;
	g->width = width;
	g->seed = seed;
	g->rng = seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL;
	if (!g->rng)
		g->rng = 1;
	return 0;
}

static void next_record(struct filegen *g)
{
	uint64_t rec = g->pos / g->width;
	uint64_t scale = bucket_scale(g->width);
	unsigned digits = g->width - 1;
	uint64_t v;

	if (rec % 100 == 0)
		shuffle_block(g);
	v = (uint64_t)g->perm[rec % 100] * scale + xorshift64s(&g->rng) % scale;
	for (unsigned i = digits; i-- > 0;) {
		g->pending[i] = (unsigned char)('0' + v % 10);
		v /= 10;
	}
	g->pending[digits] = '\n';
	g->pending_len = g->width;
	g->pending_off = 0;
}

void filegen_fill(struct filegen *g, void *out, size_t len, uint64_t total)
{
	unsigned char *p = out;

	if (g->kind == FILEGEN_RANDOM) {
		for (size_t i = 0; i < len; i++, g->pos++) {
			if (g->pos % 8 == 0)
				g->pending_len = 0;
			if (!g->pending_len) {
				uint64_t r = xorshift64s(&g->rng);

				memcpy(g->pending, &r, 8);
				g->pending_len = 8;
			}
			p[i] = g->pending[g->pos % 8];
		}
		return;
	}
	uint64_t full = total / g->width * g->width; /* bytes held by whole records */

	for (size_t i = 0; i < len; i++, g->pos++) {
		if (g->pos >= full) {
			p[i] = '\n';
			continue;
		}
		if (g->pos % g->width == 0)
			next_record(g);
		p[i] = g->pending[g->pos % g->width];
	}
}

uint64_t filegen_threshold(unsigned width, unsigned ff)
{
	return (uint64_t)ff * bucket_scale(width);
}

static const struct filegen_kind_info file_kinds[] = {
	{ "known", "fixed-width zero-padded integers, one per line", FILEGEN_KNOWN },
	{ "random", "bytes from a seeded PRNG", FILEGEN_RANDOM },
};

COB_REGISTRY_DEFINE(filegen_kind, struct filegen_kind_info, file_kinds)

int filegen_kind_parse(const char *s, enum filegen_kind *k)
{
	const struct filegen_kind_info *info = filegen_kind_find(s);

	if (!info)
		return -1;
	*k = info->kind;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end)
		return -1;
	if (shift && v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}
