/* A bump allocator for the many small strings of a workbook: one free for all of them,
 * no per-cell allocation on the reading hot path. */
#ifndef WS_CORE_ARENA_H
#define WS_CORE_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
    arena_block *head;
    size_t used;  /* bytes used in head */
    size_t total; /* bytes handed out, for limits and statistics */
    size_t block; /* size of the next block (0: the first size) */
} arena;

void arena_init(arena *a);
void arena_clear(arena *a);
/* `size` bytes aligned to 8, or NULL when memory ran out. */
void *arena_alloc(arena *a, size_t size);
/* A NUL-terminated copy of text[0..len). */
char *arena_strndup(arena *a, const char *text, size_t len);
/* Moves every block of `from` into `to`, which then frees them; `from` is left empty.  For
 * strings made in an arena of another thread's own. */
void arena_adopt(arena *to, arena *from);

#endif
