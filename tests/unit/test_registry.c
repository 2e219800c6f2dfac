#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "access.h"
#include "backend.h"
#include "cache.h"
#include "filegen.h"
#include "mechanisms.h"
#include "registry.h"
#include "reposition.h"
#include "storage.h"

/* Every table: names unique, each with help, NULL past the end. */
static void check_table(cob_choice_fn names, cob_choice_fn helps)
{
	size_t n = 0;

	for (; names(n); n++) {
		cr_assert(helps(n) && *helps(n), "%s has no help", names(n));
		for (size_t j = 0; j < n; j++)
			cr_assert_str_neq(names(j), names(n));
	}
	cr_assert_gt(n, 0);
	cr_assert_null(helps(n));
}

/* ... and find returns the entry of each name, NULL for others. */
#define CHECK(prefix)                                                                    \
	do {                                                                             \
		check_table(prefix##_choice, prefix##_help);                             \
		for (size_t i = 0; prefix##_choice(i); i++)                              \
			cr_assert_str_eq(prefix##_find(prefix##_choice(i))->name, prefix##_choice(i)); \
		cr_assert_null(prefix##_find("nosuch"));                                 \
	} while (0)

Test(registry, every_table_is_consistent)
{
	CHECK(access);
	CHECK(cache);
	CHECK(reposition);
	CHECK(filegen_kind);
	CHECK(storage);
}

/* The helpers on a table of the test's own: the real tables' names are
 * checked against the README by registry.bats, so a new entry there does
 * not touch this file. */
static const char *const colours[] = { "red", "green", "blue", NULL };

static const char *colour(size_t i)
{
	return colours[i];
}

Test(registry, lists_and_errors)
{
	char buf[128], want[160];

	cr_assert_str_eq(cob_choice_join(colour, ", ", buf, sizeof(buf)), "red, green, blue");
	cr_assert_str_eq(cob_choice_join(colour, "|", buf, sizeof(buf)), "red|green|blue");
	cr_assert_str_eq(cob_choice_error(colour, "--colour", "pink", buf, sizeof(buf)),
			 "--colour: 'pink' is not one of red, green, blue");
	cr_assert(cob_choice_has(colour, "green"));
	cr_assert_not(cob_choice_has(colour, "Green"));
	cr_assert_str_eq(cob_choice_join(colour, ", ", buf, 3), "re");
	/* a real table's error lists that table */
	snprintf(want, sizeof(want), "--access: 'mmap' is not one of %s",
		 cob_choice_join(access_choice, ", ", buf, sizeof(buf)));
	cr_assert_str_eq(cob_choice_error(access_choice, "--access", "mmap", buf, sizeof(buf)), want);
	cr_assert(cob_choice_has(cache_choice, "drop-each"));
	cr_assert_not(cob_choice_has(cache_choice, "drop_each"));
}

Test(registry, reposition_modes)
{
	const struct reposition_ops *seek = reposition_find("seek"), *seq = reposition_find("sequential"),
				    *reopen = reposition_find("reopen");
	int fd = open("/dev/null", O_RDONLY);

	cr_assert_eq(seek->offset(4096, 10000), 0);
	cr_assert_eq(seq->offset(4096, 10000), 4096);
	cr_assert_eq(seq->offset(10000, 10000), 0, "sequential wraps at EOF");
	cr_assert_eq(reopen->offset(4096, 10000), 0);
	cr_assert_null(seek->before);
	cr_assert_null(seq->before);
	cr_assert_eq(reopen->before(&fd, "/dev/null"), 0);
	cr_assert_geq(fd, 0, "reopen gives a new descriptor of the file");
	cr_assert_eq(reopen->before(&fd, "/nonexistent/x"), -ENOENT);
	cr_assert_eq(fd, -1);
	cr_assert_eq(seek->span(4096, 100, 10000), 4096);
	cr_assert_eq(seek->span(4096, 100, 100), 100);
	cr_assert_eq(seq->span(4096, 2, 10000), 8192);
	cr_assert_eq(seq->span(4096, 100, 10000), 10000);
}

/* A backend's per_read names hook mechanisms of mechanisms.h: the ones bench
 * trigger measures and the overhead report adds up (a name it does not know
 * would leave that backend's split not-measured). */
Test(registry, per_read_names_known_mechanisms)
{
	size_t n = 0;

	for (size_t i = 0; hook_backends[i]; i++) {
		const struct hook_backend *b = hook_backends[i];

		for (size_t k = 0; k < sizeof(b->per_read) / sizeof(b->per_read[0]) && b->per_read[k]; k++, n++)
			cr_assert_geq(cob_mech_find(b->per_read[k]), 0, "%s: per_read '%s' is no mechanism",
				      b->name, b->per_read[k]);
	}
	cr_assert_gt(n, 0);
	for (int m = 0; m < COB_NMECHS; m++)
		cr_assert_eq(cob_mech_find(cob_mech_names[m]), m);
	cr_assert_eq(cob_mech_find("nosuch"), -1);
}
