/* See grow.h. */
#include "grow.h"

#include <stdlib.h>

void *cob_grow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t want;
	void *p;

	if (n < *cap)
		return v;
	want = *cap ? *cap * 2 : first;
	p = realloc(v, want * size);
	if (p)
		*cap = want;
	return p;
}
