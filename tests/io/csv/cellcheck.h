/* Cell-by-cell checks on a book read by a reader, shared by the csv and ods tests.
 *
 *     CHECK(cc_num(book, 0, "B2", 12.5));
 *
 * Each helper prints what it found when it disagrees, and the CHECK around it gives the
 * line. */
#ifndef WS_TESTS_IO_CELLCHECK_H
#define WS_TESTS_IO_CELLCHECK_H

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "io/book.h"

static inline const book_cell *
cc_cell(const ws_book *book, size_t sheet, const char *ref)
{
    uint32_t col = 0, row = 0;
    const char *p = ref;
    while (*p >= 'A' && *p <= 'Z')
        col = col * 26 + (uint32_t)(*p++ - 'A' + 1);
    while (*p >= '0' && *p <= '9')
        row = row * 10 + (uint32_t)(*p++ - '0');
    if (sheet >= book->sheet_count || col == 0 || row == 0)
        return NULL;
    return book_cell_at(&book->sheets[sheet], row - 1, col - 1);
}

static inline void
cc_describe(const book_cell *c, const char *ref)
{
    if (!c) {
        fprintf(stderr, "  %s: no cell\n", ref);
        return;
    }
    switch (c->value.type) {
    case WS_TYPE_NUMBER:
        fprintf(stderr, "  %s: number %.17g", ref, c->value.as.number);
        break;
    case WS_TYPE_TEXT:
        fprintf(stderr, "  %s: text \"%s\"", ref, c->value.as.text);
        break;
    case WS_TYPE_BOOL:
        fprintf(stderr, "  %s: bool %d", ref, c->value.as.boolean);
        break;
    case WS_TYPE_ERROR:
        fprintf(stderr, "  %s: error %d", ref, c->value.error);
        break;
    default:
        fprintf(stderr, "  %s: empty", ref);
        break;
    }
    fprintf(stderr, " formula %s%s%s flags %u fmt %u\n", c->formula ? "\"" : "",
            c->formula ? c->formula : "(none)", c->formula ? "\"" : "", c->flags, c->fmt);
}

static inline bool
cc_num(const ws_book *book, size_t sheet, const char *ref, double want)
{
    const book_cell *c = cc_cell(book, sheet, ref);
    bool ok = c && c->value.type == WS_TYPE_NUMBER &&
              (c->value.as.number == want ||
               fabs(c->value.as.number - want) <= 1e-12 * fabs(want));
    if (!ok) {
        fprintf(stderr, "want %s = %.17g\n", ref, want);
        cc_describe(c, ref);
    }
    return ok;
}

static inline bool
cc_text(const ws_book *book, size_t sheet, const char *ref, const char *want)
{
    const book_cell *c = cc_cell(book, sheet, ref);
    bool ok = c && c->value.type == WS_TYPE_TEXT && strcmp(c->value.as.text, want) == 0;
    if (!ok) {
        fprintf(stderr, "want %s = \"%s\"\n", ref, want);
        cc_describe(c, ref);
    }
    return ok;
}

static inline bool
cc_bool(const ws_book *book, size_t sheet, const char *ref, bool want)
{
    const book_cell *c = cc_cell(book, sheet, ref);
    bool ok = c && c->value.type == WS_TYPE_BOOL && c->value.as.boolean == want;
    if (!ok) {
        fprintf(stderr, "want %s = %s\n", ref, want ? "TRUE" : "FALSE");
        cc_describe(c, ref);
    }
    return ok;
}

static inline bool
cc_error(const ws_book *book, size_t sheet, const char *ref, ws_cell_error want)
{
    const book_cell *c = cc_cell(book, sheet, ref);
    bool ok = c && c->value.type == WS_TYPE_ERROR && c->value.error == want;
    if (!ok) {
        fprintf(stderr, "want %s = error %d\n", ref, want);
        cc_describe(c, ref);
    }
    return ok;
}

/* No cell stored at all. */
static inline bool
cc_blank(const ws_book *book, size_t sheet, const char *ref)
{
    const book_cell *c = cc_cell(book, sheet, ref);
    if (c) {
        fprintf(stderr, "want %s blank\n", ref);
        cc_describe(c, ref);
    }
    return c == NULL;
}

static inline bool
cc_formula(const ws_book *book, size_t sheet, const char *ref, const char *want)
{
    const book_cell *c = cc_cell(book, sheet, ref);
    bool ok = c && c->formula && strcmp(c->formula, want) == 0;
    if (!ok) {
        fprintf(stderr, "want %s formula \"%s\"\n", ref, want);
        cc_describe(c, ref);
    }
    return ok;
}

/* The reason of the last failure contains `part`. */
static inline bool
cc_reason_has(const char *part)
{
    bool ok = strstr(ws_last_reason(), part) != NULL;
    if (!ok)
        fprintf(stderr, "reason \"%s\" lacks \"%s\"\n", ws_last_reason(), part);
    return ok;
}

#endif
