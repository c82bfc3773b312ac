#include "core/arena.h"

#include <stdint.h>
#include <string.h>

#include "core/mem.h"

/* Blocks double from ARENA_BLOCK to ARENA_BLOCK_MAX: a small book keeps small blocks, and
 * the strings of a big one fill a few large blocks that take huge pages. */
#define ARENA_BLOCK 65536
#define ARENA_BLOCK_MAX (4u << 20)

struct arena_block {
    arena_block *next;
    size_t size;
    _Alignas(max_align_t) unsigned char data[];
};

void
arena_init(arena *a)
{
    a->head = NULL;
    a->used = 0;
    a->total = 0;
    a->block = 0;
}

void
arena_clear(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        mem_free(b);
        b = next;
    }
    arena_init(a);
}

void *
arena_alloc(arena *a, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    if (size > SIZE_MAX / 2)
        return NULL;
    if (!a->head || a->used + size > a->head->size) {
        /* A block of the doubling series is a power of two with its header, so a huge one
         * fills whole 2 MiB pages. */
        size_t cap = size > ARENA_BLOCK / 4
                         ? size
                         : (a->block ? a->block : ARENA_BLOCK) - sizeof(arena_block);
        arena_block *b = mem_alloc_huge(sizeof *b + cap);
        if (!b)
            return NULL;
        b->size = cap;
        if (a->head && size > ARENA_BLOCK / 4) {
            /* A large piece gets its own block behind the head, so the head's free space
             * is not wasted. */
            b->next = a->head->next;
            a->head->next = b;
            a->total += size;
            return b->data;
        }
        b->next = a->head;
        a->head = b;
        a->used = 0;
        size_t next = a->block ? a->block : ARENA_BLOCK;
        a->block = next < ARENA_BLOCK_MAX ? 2 * next : ARENA_BLOCK_MAX;
    }
    void *p = a->head->data + a->used;
    a->used += size;
    a->total += size;
    return p;
}

char *
arena_strndup(arena *a, const char *text, size_t len)
{
    char *copy = arena_alloc(a, len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

void
arena_adopt(arena *to, arena *from)
{
    if (!from->head)
        return;
    if (!to->head) {
        *to = *from;
        arena_init(from);
        return;
    }
    /* Behind `to`'s head, so the head's free space stays in use. */
    arena_block *tail = from->head;
    while (tail->next)
        tail = tail->next;
    tail->next = to->head->next;
    to->head->next = from->head;
    to->total += from->total;
    arena_init(from);
}
