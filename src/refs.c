/* References against a book: the one place that decides which sheet a reference means and
 * where a whole column or row ends. */
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "expr/expr.h"
#include "io/book.h"
#include "registry.h"

ws_status
ref_area(const ws_book *book, const book_sheet *home, const expr_ref *ref,
         const book_sheet **sheet, book_area *area)
{
    const book_sheet *s = home;
    if (ref->sheet && !(s = book_find_sheet(book, ref->sheet, strlen(ref->sheet))))
        return diag_fail(WS_ERR_REF, "no sheet named '%s'", ref->sheet);
    book_area a = {ref->row0, ref->col0, ref->row1, ref->col1};
    /* Whole columns and rows stop at the sheet's last used row or column. */
    if (a.row1 == EXPR_ROW_MAX)
        a.row1 = s->row_count && s->max_row >= a.row0 ? s->max_row : a.row0;
    if (a.col1 == EXPR_COL_MAX)
        a.col1 = s->row_count && s->max_col >= a.col0 ? s->max_col : a.col0;
    *sheet = s;
    *area = a;
    return WS_OK;
}

ws_status
ref_resolve(const ws_book *book, const book_sheet *home, const char *text,
            const book_sheet **sheet, book_area *area)
{
    expr_ref ref;
    ws_status st = expr_parse_ref(text, &ref);
    if (st)
        return st;
    st = ref_area(book, home, &ref, sheet, area);
    expr_ref_clear(&ref);
    return st;
}

ws_status
book_add_unique_sheet(ws_book *book, const char *base, book_sheet **out)
{
    char name[128];
    snprintf(name, sizeof name, "%s", base);
    for (int k = 2; book_find_sheet(book, name, strlen(name)); k++)
        snprintf(name, sizeof name, "%.100s %d", base, k);
    ws_status st = book_add_sheet(book, name, strlen(name), out);
    if (st == WS_OK)
        (*out)->added = true;
    return st;
}

ws_status
job_read_ref(const ws_book *book, const book_sheet *home, const char *job, const char *option,
             const char *text, book_area *area, ws_range **out)
{
    if (!text || !*text)
        return diag_fail(WS_ERR_ARGS, "%s: --%s is required", job, option);
    const book_sheet *s;
    book_area a;
    ws_status st = ref_resolve(book, home, text, &s, &a);
    if (st)
        return diag_prefix(st, "%s: --%s", job, option);
    uint64_t cells = ((uint64_t)a.row1 - a.row0 + 1) * ((uint64_t)a.col1 - a.col0 + 1);
    if (cells > REF_MAX_AREA_CELLS)
        return diag_fail(WS_ERR_LIMIT, "%s: --%s: '%s' spans %llu cells (at most %u)", job,
                         option, text, (unsigned long long)cells, REF_MAX_AREA_CELLS);
    if (area)
        *area = a;
    return book_read_area(s, a, out);
}
