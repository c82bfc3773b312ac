/* The one allocation wrapper: every allocation of the library goes through here, so tests
 * can make the Nth allocation fail and check that every caller copes. */
#ifndef WS_CORE_MEM_H
#define WS_CORE_MEM_H

#include <stddef.h>

void *mem_alloc(size_t size);
/* Zeroed array; NULL on overflow of count*size. */
void *mem_calloc(size_t count, size_t size);
void *mem_realloc(void *ptr, size_t size);
/* Grow an array to hold at least `need` elements of `size` bytes (doubling); *cap is
 * updated.  Returns 0 on success, -1 when memory ran out (the array is unchanged). */
int mem_grow(void **array, size_t *cap, size_t need, size_t size);
void mem_free(void *ptr);
char *mem_strdup(const char *text);
char *mem_strndup(const char *text, size_t len);

/* mem_alloc for a large block filled at once (a big sheet's cells or strings): a block of
 * MEM_HUGE_MIN or more starts on a 2 MiB boundary and is advised to use huge pages where the
 * system allows, so filling it takes one page fault per 2 MiB instead of one per 4 KiB
 * (faults were a third of the read time of a million-cell sheet; a huge page is only used
 * for an aligned 2 MiB, so an unaligned block got none when small, a quarter less when
 * large).  Smaller blocks are plain mem_alloc.  Freed with mem_free. */
#define MEM_HUGE_MIN (2u << 20)
void *mem_alloc_huge(size_t size);

/* Tests: make the allocation after `n` more succeed fail (and every later one while
 * `sticky`); n < 0 turns failures off.  Returns the number of allocations so far. */
long mem_fail_after(long n, int sticky);
long mem_alloc_count(void);

#endif
