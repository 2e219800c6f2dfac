/* Deterministic test files. A "known" file holds fixed-width records of
 * zero-padded decimal integers ending in '\n'; in every block of 100
 * consecutive records each percentile bucket (value / scale) occurs exactly
 * once, so the threshold filegen_threshold(width, ff) drops exactly ff % of
 * the numbers of any file holding a multiple of 100 records. A "random" file
 * holds bytes from a seeded PRNG. Both are reproducible from (kind, size,
 * width, seed). */
#ifndef FILEGEN_H
#define FILEGEN_H
#include <stddef.h>
#include <stdint.h>
#include "registry.h"

enum filegen_kind { FILEGEN_KNOWN, FILEGEN_RANDOM };

/* The file kinds by name (cob-mkfile --kind, the file_kind axis). */
struct filegen_kind_info {
	const char *name;
	const char *help;
	enum filegen_kind kind;
};

/* filegen_kind_find, filegen_kind_choice, filegen_kind_help */
COB_REGISTRY_DECLARE(filegen_kind, struct filegen_kind_info);

struct filegen {
	enum filegen_kind kind;
	unsigned width;  /* known: bytes per record incl. '\n' (3..20) */
	uint64_t seed;
	/* private */
	uint64_t rng, pos;
	unsigned char perm[100];
	unsigned char pending[24];
	unsigned pending_len, pending_off;
};

#define FILEGEN_MIN_WIDTH 3
#define FILEGEN_MAX_WIDTH 20
#define FILEGEN_DEFAULT_WIDTH 6

/* Returns 0, or -1 for an invalid width. */
int filegen_init(struct filegen *g, enum filegen_kind kind, unsigned width, uint64_t seed);
/* Fill the next len bytes of the file; total is the whole file size (the
 * tail that does not hold a whole record is filled with '\n'). */
void filegen_fill(struct filegen *g, void *out, size_t len, uint64_t total);
/* Threshold that drops exactly ff percent (0..100) of a known file's numbers. */
uint64_t filegen_threshold(unsigned width, unsigned ff);
/* The kind of that name: 0, or -1 when there is none. */
int filegen_kind_parse(const char *s, enum filegen_kind *k);
/* Parse "123", "4K", "64k", "1M", "2G" (binary units). Returns 0 or -1. */
int parse_size(const char *s, uint64_t *out);

#endif
