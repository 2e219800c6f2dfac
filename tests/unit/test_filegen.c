#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "filegen.h"
#include "filter_reduce.h"

static unsigned char *gen(enum filegen_kind k, unsigned width, uint64_t seed, size_t size)
{
	struct filegen g;
	unsigned char *b = malloc(size + 1);

	cr_assert_eq(filegen_init(&g, k, width, seed), 0);
	/* in uneven pieces, to check the stream does not depend on them */
	for (size_t off = 0; off < size;) {
		size_t n = size - off < 777 ? size - off : 777;

		filegen_fill(&g, b + off, n, size);
		off += n;
	}
	return b;
}

Test(filegen, known_file_is_fixed_width_records)
{
	unsigned char *b = gen(FILEGEN_KNOWN, 6, 1, 600);

	for (int rec = 0; rec < 100; rec++) {
		for (int i = 0; i < 5; i++)
			cr_assert(b[rec * 6 + i] >= '0' && b[rec * 6 + i] <= '9');
		cr_assert_eq(b[rec * 6 + 5], '\n');
	}
	free(b);
}

Test(filegen, same_seed_same_bytes_other_seed_other_bytes)
{
	unsigned char *a = gen(FILEGEN_RANDOM, 6, 7, 4096), *b = gen(FILEGEN_RANDOM, 6, 7, 4096);
	unsigned char *c = gen(FILEGEN_RANDOM, 6, 8, 4096);

	cr_assert_eq(memcmp(a, b, 4096), 0);
	cr_assert_neq(memcmp(a, c, 4096), 0);
	free(a), free(b), free(c);
}

Test(filegen, filter_factor_is_exact_for_every_percentage)
{
	size_t size = 6 * 1000;
	unsigned char *b = gen(FILEGEN_KNOWN, 6, 3, size);

	for (unsigned ff = 0; ff <= 100; ff += 25) {
		struct fr_result r = fr_compute(b, size, filegen_threshold(6, ff));

		cr_assert_eq(r.count, 1000 - 10 * ff, "ff=%u kept %llu", ff, (unsigned long long)r.count);
	}
	free(b);
}

Test(filegen, tail_that_is_not_a_whole_record_is_newlines)
{
	unsigned char *b = gen(FILEGEN_KNOWN, 6, 1, 10);

	cr_assert_eq(b[5], '\n');
	for (int i = 6; i < 10; i++)
		cr_assert_eq(b[i], '\n');
	free(b);
}

Test(filegen, rejects_widths_out_of_range)
{
	struct filegen g;

	cr_assert_eq(filegen_init(&g, FILEGEN_KNOWN, 2, 1), -1);
	cr_assert_eq(filegen_init(&g, FILEGEN_KNOWN, 21, 1), -1);
	cr_assert_eq(filegen_init(&g, FILEGEN_KNOWN, 3, 1), 0);
}

Test(filegen, parse_size_units_and_errors)
{
	uint64_t v;

	cr_assert_eq(parse_size("4096", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(parse_size("4K", &v), 0);
	cr_assert_eq(v, 4096);
	cr_assert_eq(parse_size("64k", &v), 0);
	cr_assert_eq(v, 65536);
	cr_assert_eq(parse_size("1M", &v), 0);
	cr_assert_eq(v, 1 << 20);
	cr_assert_eq(parse_size("2GiB", &v), 0);
	cr_assert_eq(v, 2ull << 30);
	cr_assert_eq(parse_size("-1", &v), -1);
	cr_assert_eq(parse_size("", &v), -1);
	cr_assert_eq(parse_size("12X", &v), -1);
	cr_assert_eq(parse_size("99999999999999999999", &v), -1);
}

Test(filegen, kind_names)
{
	enum filegen_kind k;

	cr_assert_eq(filegen_kind_parse("known", &k), 0);
	cr_assert_eq(k, FILEGEN_KNOWN);
	cr_assert_eq(filegen_kind_parse("random", &k), 0);
	cr_assert_eq(k, FILEGEN_RANDOM);
	cr_assert_eq(filegen_kind_parse("other", &k), -1);
}
