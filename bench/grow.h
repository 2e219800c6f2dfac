/* Arrays that double as they fill (CSV buffers, latency samples, events). */
#ifndef COB_GROW_H
#define COB_GROW_H
#include <stddef.h>

/* Room for element n of V (*cap elements of SIZE bytes): when n == *cap, V
 * is reallocated to FIRST elements (when empty) or twice as many and *cap
 * updated. Returns V (possibly moved), or NULL on out of memory with V and
 * *cap unchanged. */
void *cob_grow(void *v, size_t *cap, size_t n, size_t size, size_t first);

#endif
