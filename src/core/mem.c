#include "core/mem.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static atomic_long fail_countdown = -1;
static atomic_int fail_sticky = 0;
static atomic_long alloc_count = 0;

static int
should_fail(void)
{
    atomic_fetch_add(&alloc_count, 1);
    long left = atomic_load(&fail_countdown);
    if (left < 0)
        return 0;
    if (left == 0) {
        if (!atomic_load(&fail_sticky))
            atomic_store(&fail_countdown, -1);
        return 1;
    }
    atomic_fetch_sub(&fail_countdown, 1);
    return 0;
}

void *
mem_alloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *
mem_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    if (should_fail())
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void *
mem_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

int
mem_grow(void **array, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    if (size && n > SIZE_MAX / size)
        return -1;
    void *p = mem_realloc(*array, n * size);
    if (!p)
        return -1;
    *array = p;
    *cap = n;
    return 0;
}

void
mem_free(void *ptr)
{
    free(ptr);
}

char *
mem_strndup(const char *text, size_t len)
{
    char *copy = mem_alloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

char *
mem_strdup(const char *text)
{
    return mem_strndup(text, strlen(text));
}

long
mem_fail_after(long n, int sticky)
{
    atomic_store(&fail_sticky, sticky);
    atomic_store(&fail_countdown, n);
    return atomic_load(&alloc_count);
}

long
mem_alloc_count(void)
{
    return atomic_load(&alloc_count);
}

void *
mem_alloc_huge(size_t size)
{
    if (size < MEM_HUGE_MIN)
        return mem_alloc(size);
    if (size > SIZE_MAX - MEM_HUGE_MIN)
        return NULL;
    if (should_fail())
        return NULL;
    /* aligned_alloc wants a multiple of the alignment; the tail past `size` is never
     * touched, so it costs address space, not memory. */
    size_t whole = (size + MEM_HUGE_MIN - 1) & ~(size_t)(MEM_HUGE_MIN - 1);
    void *block = aligned_alloc(MEM_HUGE_MIN, whole);
#ifdef MADV_HUGEPAGE
    if (block)
        madvise(block, whole, MADV_HUGEPAGE);
#endif
    return block;
}
