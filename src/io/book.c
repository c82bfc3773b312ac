#include "io/book.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"

/* The cell pool: a reader that knows how many cells a row will hold (row_cap_hint) takes
 * them from big per-sheet blocks instead of one allocation per row.  Why: on a 1,000,000
 * cell sheet the kernel's page faults for 100,000 small allocations were a third of the
 * reading time; blocks of 2 MiB and more are advised to use huge pages (one fault per
 * 2 MiB), and blocks start small and double, so a small sheet never gets a huge page. */
typedef struct book_pool_block {
    struct book_pool_block *next;
    uint64_t pad; /* cells start 16 bytes in */
} book_pool_block;

#define BOOK_POOL_FIRST (64u << 10)
#define BOOK_POOL_MAX (8u << 20)

static book_cell *
pool_take(book_sheet *sheet, uint32_t n)
{
    if (sheet->pool_left < n) {
        size_t bytes = sheet->pool_block * 2;
        if (!sheet->pool_block) {
            /* The first block holds the cells the file announced, up to BOOK_POOL_MAX: a big
             * sheet then starts in huge pages instead of small doubling blocks. */
            bytes = BOOK_POOL_FIRST;
            while (bytes < BOOK_POOL_MAX && bytes / sizeof(book_cell) < sheet->pool_expect)
                bytes *= 2;
        }
        if (bytes > BOOK_POOL_MAX)
            bytes = BOOK_POOL_MAX;
        size_t cells = (bytes - sizeof(book_pool_block)) / sizeof(book_cell);
        if (cells < n) {
            cells = n;
            bytes = sizeof(book_pool_block) + (size_t)n * sizeof(book_cell);
        }
        book_pool_block *b = mem_alloc_huge(bytes);
        if (!b)
            return NULL;
        b->next = sheet->cell_pool;
        sheet->cell_pool = b;
        sheet->pool_block = bytes;
        sheet->pool_next = (book_cell *)(b + 1);
        sheet->pool_left = cells;
    }
    book_cell *cells = sheet->pool_next;
    sheet->pool_next += n;
    sheet->pool_left -= n;
    return cells;
}

/* Frees a sheet's rows and their cells (not the sheet's other parts). */
static void
sheet_free_rows(ws_book *book, book_sheet *s, bool count)
{
    for (size_t r = 0; r < s->row_count; r++) {
        if (count)
            book->cell_count -= s->rows[r].count;
        if (!s->rows[r].pooled)
            mem_free(s->rows[r].cells);
    }
    mem_free(s->rows);
    s->rows = NULL;
    s->row_count = s->row_cap = 0;
    for (book_pool_block *b = s->cell_pool, *next; b; b = next) {
        next = b->next;
        mem_free(b);
    }
    s->cell_pool = NULL;
    s->pool_next = NULL;
    s->pool_left = s->pool_block = 0;
}

void
ws_limits_default(ws_limits *limits)
{
    limits->max_cells = 20000000u;
    limits->max_rows = BOOK_MAX_ROWS;
    limits->max_cols = BOOK_MAX_COLS;
    limits->max_text_bytes = 32767u * 4u;
    limits->max_shared_strings = 10000000u;
    limits->max_entry_bytes = 4ull << 30;
    limits->max_total_bytes = 8ull << 30;
    limits->min_inflate_ratio = 0.01;
    limits->max_zip_entries = 1000;
    limits->max_formula_bytes = 8192u * 4u;
    limits->max_formula_depth = 64;
}

ws_status
book_new(const ws_limits *limits, ws_book **out)
{
    ws_book *book = mem_calloc(1, sizeof *book);
    if (!book)
        return diag_nomem();
    arena_init(&book->strings);
    if (limits)
        book->limits = *limits;
    else
        ws_limits_default(&book->limits);
    uint16_t general;
    if (book_format_intern(book, "General", 7, &general)) {
        ws_book_close(book);
        return diag_nomem();
    }
    *out = book;
    return WS_OK;
}

ws_status
ws_book_new(ws_book **out)
{
    return book_new(NULL, out);
}

void
ws_book_close(ws_book *book)
{
    if (!book)
        return;
    for (size_t i = 0; i < book->sheet_count; i++) {
        book_sheet *s = &book->sheets[i];
        sheet_free_rows(book, s, false);
        mem_free(s->arrays);
        mem_free(s->widths);
        mem_free(s->charts);
    }
    mem_free(book->sheets);
    mem_free(book->formats);
    mem_free(book->source_path);
    arena_clear(&book->strings);
    mem_free(book);
}

char *
book_strndup(ws_book *book, const char *text, size_t len)
{
    return arena_strndup(&book->strings, text, len);
}

book_sheet *
book_find_sheet(const ws_book *book, const char *name, size_t len)
{
    for (size_t i = 0; i < book->sheet_count; i++) {
        const char *n = book->sheets[i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return &book->sheets[i];
    }
    for (size_t i = 0; i < book->sheet_count; i++) {
        const char *n = book->sheets[i].name;
        if (strlen(n) == len && strncasecmp(n, name, len) == 0)
            return &book->sheets[i];
    }
    return NULL;
}

ws_status
book_add_sheet(ws_book *book, const char *name, size_t len, book_sheet **out)
{
    if (len == 0)
        return diag_fail(WS_ERR_ARGS, "a sheet needs a name");
    for (size_t i = 0; i < book->sheet_count; i++) {
        const char *n = book->sheets[i].name;
        if (strlen(n) == len && strncasecmp(n, name, len) == 0)
            return diag_fail(WS_ERR_ARGS, "the book already has a sheet named '%.*s'",
                             (int)len, name);
    }
    if (mem_grow((void **)&book->sheets, &book->sheet_cap, book->sheet_count + 1,
                 sizeof *book->sheets))
        return diag_nomem();
    char *copy = book_strndup(book, name, len);
    if (!copy)
        return diag_nomem();
    book_sheet *s = &book->sheets[book->sheet_count++];
    memset(s, 0, sizeof *s);
    s->name = copy;
    *out = s;
    return WS_OK;
}

ws_status
book_format_intern(ws_book *book, const char *code, size_t len, uint16_t *out)
{
    for (size_t i = 0; i < book->format_count; i++) {
        if (strlen(book->formats[i]) == len && memcmp(book->formats[i], code, len) == 0) {
            *out = (uint16_t)i;
            return WS_OK;
        }
    }
    if (book->format_count >= 65535)
        return diag_fail(WS_ERR_LIMIT, "more than 65,535 distinct number formats");
    if (mem_grow((void **)&book->formats, &book->format_cap, book->format_count + 1,
                 sizeof *book->formats))
        return diag_nomem();
    char *copy = book_strndup(book, code, len);
    if (!copy)
        return diag_nomem();
    book->formats[book->format_count] = copy;
    *out = (uint16_t)book->format_count++;
    return WS_OK;
}

bool
book_format_is_date(const ws_book *book, uint16_t fmt)
{
    if (fmt >= book->format_count)
        return false;
    const char *p = book->formats[fmt];
    bool date = false;
    for (; *p; p++) {
        switch (*p) {
        case '"': /* quoted literal */
            for (p++; *p && *p != '"'; p++)
                ;
            if (!*p)
                return date;
            break;
        case '\\':
        case '_':
        case '*': /* the next character is a literal or a fill */
            if (p[1])
                p++;
            break;
        case '[': /* [Red], [$-409], [h] elapsed time */
            if ((p[1] == 'h' || p[1] == 'H' || p[1] == 'm' || p[1] == 'M' || p[1] == 's' ||
                 p[1] == 'S'))
                date = true;
            for (p++; *p && *p != ']'; p++)
                ;
            if (!*p)
                return date;
            break;
        case ';': /* only the first section decides */
            return date;
        default: {
            /* "General" and scientific "0.0E+00" hold letters that are not date codes. */
            if (strncasecmp(p, "general", 7) == 0) {
                p += 6;
                break;
            }
            int c = tolower((unsigned char)*p);
            if (c == 'e' && (p[1] == '+' || p[1] == '-')) {
                p++;
                break;
            }
            if (c == 'd' || c == 'y' || c == 'h' || c == 's' || c == 'm' || c == 'e' ||
                c == 'g')
                date = true;
            break;
        }
        }
    }
    return date;
}

static int
row_search(const book_sheet *sheet, uint32_t row, size_t *pos)
{
    size_t lo = 0, hi = sheet->row_count;
    if (hi && sheet->rows[hi - 1].row < row) {
        *pos = hi;
        return 0;
    }
    if (hi && sheet->rows[hi - 1].row == row) { /* readers fill the last row cell by cell */
        *pos = hi - 1;
        return 1;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sheet->rows[mid].row < row)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return lo < sheet->row_count && sheet->rows[lo].row == row;
}

static int
col_search(const book_row *r, uint32_t col, size_t *pos)
{
    size_t lo = 0, hi = r->count;
    if (hi && r->cells[hi - 1].col < col) {
        *pos = hi;
        return 0;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->cells[mid].col < col)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return lo < r->count && r->cells[lo].col == col;
}

book_cell *
book_cell_at(const book_sheet *sheet, uint32_t row, uint32_t col)
{
    size_t rp, cp;
    if (!row_search(sheet, row, &rp))
        return NULL;
    const book_row *r = &sheet->rows[rp];
    if (!col_search(r, col, &cp))
        return NULL;
    return &r->cells[cp];
}

ws_status
book_cell_put(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col, book_cell **out)
{
    /* Readers append in reading order: a new last cell of the last row, with room. */
    if (sheet->row_count && col < book->limits.max_cols &&
        book->cell_count < book->limits.max_cells) {
        book_row *r = &sheet->rows[sheet->row_count - 1];
        if (r->row == row && r->count && r->count < r->cap && r->cells[r->count - 1].col < col) {
            book_cell *c = &r->cells[r->count++];
            memset(c, 0, sizeof *c);
            c->col = col;
            book->cell_count++;
            if (col > sheet->max_col)
                sheet->max_col = col;
            *out = c;
            return WS_OK;
        }
    }
    if (row >= book->limits.max_rows)
        return diag_fail(WS_ERR_LIMIT,
                         "row %u is beyond the limit of %u rows (raise max_rows to read it)",
                         row + 1, book->limits.max_rows);
    if (col >= book->limits.max_cols)
        return diag_fail(WS_ERR_LIMIT,
                         "column %u is beyond the limit of %u columns (raise max_cols)",
                         col + 1, book->limits.max_cols);
    size_t rp, cp;
    if (!row_search(sheet, row, &rp)) {
        if (mem_grow((void **)&sheet->rows, &sheet->row_cap, sheet->row_count + 1,
                     sizeof *sheet->rows))
            return diag_nomem();
        memmove(&sheet->rows[rp + 1], &sheet->rows[rp],
                (sheet->row_count - rp) * sizeof *sheet->rows);
        memset(&sheet->rows[rp], 0, sizeof *sheet->rows);
        sheet->rows[rp].row = row;
        sheet->row_count++;
    }
    book_row *r = &sheet->rows[rp];
    if (!col_search(r, col, &cp)) {
        if (book->cell_count >= book->limits.max_cells)
            return diag_fail(WS_ERR_LIMIT,
                             "more than %llu cells (raise max_cells to read this book)",
                             (unsigned long long)book->limits.max_cells);
        if (r->count == 0 && r->cap < sheet->row_cap_hint && !r->cells) {
            /* A new row of a table: exactly as many cells as the reader expects, from the
             * pool (doubling would waste up to half of a big sheet's memory). */
            book_cell *cells = pool_take(sheet, sheet->row_cap_hint);
            if (!cells)
                return diag_nomem();
            r->cells = cells;
            r->cap = sheet->row_cap_hint;
            r->pooled = true;
        }
        if (r->count == r->cap && r->pooled) {
            /* A pooled row outgrew its room: it moves to an allocation of its own. */
            size_t cap = (size_t)r->cap * 2;
            book_cell *cells = mem_alloc(cap * sizeof *cells);
            if (!cells)
                return diag_nomem();
            memcpy(cells, r->cells, r->count * sizeof *cells);
            r->cells = cells;
            r->cap = (uint32_t)cap;
            r->pooled = false;
        }
        if (r->count == r->cap) {
            size_t cap = r->cap;
            void *cells = r->cells;
            if (mem_grow(&cells, &cap, (size_t)r->count + 1, sizeof *r->cells))
                return diag_nomem();
            r->cells = cells;
            r->cap = (uint32_t)cap;
        }
        memmove(&r->cells[cp + 1], &r->cells[cp], (r->count - cp) * sizeof *r->cells);
        memset(&r->cells[cp], 0, sizeof *r->cells);
        r->cells[cp].col = col;
        r->count++;
        book->cell_count++;
        if (sheet->row_count == 1 && r->count == 1) {
            sheet->max_row = row;
            sheet->max_col = col;
        } else {
            if (row > sheet->max_row)
                sheet->max_row = row;
            if (col > sheet->max_col)
                sheet->max_col = col;
        }
    }
    *out = &r->cells[cp];
    return WS_OK;
}

static ws_status
value_into_arena(ws_book *book, ws_value *dst, const ws_value *src)
{
    *dst = *src;
    if ((src->type == WS_TYPE_TEXT || src->type == WS_TYPE_ERROR) && src->as.text) {
        dst->as.text = book_strndup(book, src->as.text, strlen(src->as.text));
        if (!dst->as.text)
            return diag_nomem();
    }
    return WS_OK;
}

ws_status
book_set_value(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col,
               const ws_value *value)
{
    ws_value v;
    ws_status st = value_into_arena(book, &v, value);
    if (st)
        return st;
    book_cell *cell;
    if ((st = book_cell_put(book, sheet, row, col, &cell)))
        return st;
    cell->value = v;
    cell->formula = NULL;
    cell->flags = 0;
    return WS_OK;
}

ws_status
book_set_number(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col, double number,
                uint16_t fmt)
{
    book_cell *cell;
    ws_status st = book_cell_put(book, sheet, row, col, &cell);
    if (st)
        return st;
    cell->value = value_number(number);
    cell->fmt = fmt;
    cell->formula = NULL;
    cell->flags = 0;
    return WS_OK;
}

ws_status
book_set_text(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col, const char *text)
{
    ws_value v = {.type = WS_TYPE_TEXT};
    v.as.text = (char *)text;
    return book_set_value(book, sheet, row, col, &v);
}

ws_status
book_put_range(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col,
               const ws_range *range)
{
    for (size_t r = 0; r < range->rows; r++) {
        for (size_t c = 0; c < range->cols; c++) {
            const ws_value *v = range_get(range, r, c);
            if (v->type == WS_TYPE_EMPTY)
                continue;
            ws_status st = book_set_value(book, sheet, row + (uint32_t)r, col + (uint32_t)c, v);
            if (st)
                return st;
        }
    }
    return WS_OK;
}

ws_status
book_read_area(const book_sheet *sheet, book_area area, ws_range **out)
{
    if (area.row1 < area.row0 || area.col1 < area.col0)
        return diag_fail(WS_ERR_REF, "an empty area");
    size_t rows = (size_t)area.row1 - area.row0 + 1;
    size_t cols = (size_t)area.col1 - area.col0 + 1;
    ws_range *range = NULL;
    ws_status st = ws_range_new(rows, cols, &range);
    if (st)
        return st;
    size_t rp;
    row_search(sheet, area.row0, &rp);
    for (; rp < sheet->row_count && sheet->rows[rp].row <= area.row1; rp++) {
        const book_row *r = &sheet->rows[rp];
        size_t cp;
        col_search(r, area.col0, &cp);
        for (; cp < r->count && r->cells[cp].col <= area.col1; cp++) {
            ws_value *dst = range_at(range, r->row - area.row0, r->cells[cp].col - area.col0);
            if (value_copy(dst, &r->cells[cp].value)) {
                ws_range_free(range);
                return diag_nomem();
            }
        }
    }
    *out = range;
    return WS_OK;
}

ws_status
book_add_array(ws_book *book, book_sheet *sheet, book_area area)
{
    (void)book;
    if (mem_grow((void **)&sheet->arrays, &sheet->array_cap, sheet->array_count + 1,
                 sizeof *sheet->arrays))
        return diag_nomem();
    sheet->arrays[sheet->array_count++] = area;
    return WS_OK;
}

const book_area *
book_find_array(const book_sheet *sheet, uint32_t row, uint32_t col)
{
    for (size_t i = 0; i < sheet->array_count; i++)
        if (sheet->arrays[i].row0 == row && sheet->arrays[i].col0 == col)
            return &sheet->arrays[i];
    return NULL;
}

ws_status
book_set_width(ws_book *book, book_sheet *sheet, uint32_t col0, uint32_t col1, double width)
{
    (void)book;
    if (mem_grow((void **)&sheet->widths, &sheet->width_cap, sheet->width_count + 1,
                 sizeof *sheet->widths))
        return diag_nomem();
    sheet->widths[sheet->width_count++] = (book_colwidth){col0, col1, width};
    return WS_OK;
}

static const char *
arena_copy_opt(ws_book *book, const char *text, bool *failed)
{
    if (!text)
        return NULL;
    char *copy = book_strndup(book, text, strlen(text));
    if (!copy)
        *failed = true;
    return copy;
}

ws_status
book_add_chart(ws_book *book, book_sheet *sheet, const book_chart *chart)
{
    book_chart c = *chart;
    bool failed = false;
    c.title = arena_copy_opt(book, chart->title, &failed);
    c.x_title = arena_copy_opt(book, chart->x_title, &failed);
    c.y_title = arena_copy_opt(book, chart->y_title, &failed);
    c.series = arena_alloc(&book->strings, chart->series_count * sizeof *c.series + 1);
    if (failed || !c.series)
        return diag_nomem();
    for (size_t i = 0; i < chart->series_count; i++) {
        c.series[i] = chart->series[i];
        c.series[i].name = arena_copy_opt(book, chart->series[i].name, &failed);
    }
    if (failed)
        return diag_nomem();
    if (mem_grow((void **)&sheet->charts, &sheet->chart_cap, sheet->chart_count + 1,
                 sizeof *sheet->charts))
        return diag_nomem();
    sheet->charts[sheet->chart_count++] = c;
    return WS_OK;
}

void
book_col_name(uint32_t col, char out[4])
{
    char tmp[4];
    int n = 0;
    uint32_t c = col + 1;
    while (c > 0 && n < 3) {
        c--;
        tmp[n++] = (char)('A' + c % 26);
        c /= 26;
    }
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = '\0';
}

void
book_cell_name(uint32_t row, uint32_t col, char out[16])
{
    char letters[4];
    book_col_name(col, letters);
    snprintf(out, 16, "%s%u", letters, row + 1);
}

size_t
ws_book_sheet_count(const ws_book *book)
{
    return book ? book->sheet_count : 0;
}

const char *
ws_book_sheet_name(const ws_book *book, size_t sheet)
{
    return book && sheet < book->sheet_count ? book->sheets[sheet].name : NULL;
}

ws_status
ws_book_sheet_find(const ws_book *book, const char *name, size_t *out)
{
    const book_sheet *s = book_find_sheet(book, name, strlen(name));
    if (!s)
        return diag_fail(WS_ERR_REF, "no sheet named '%s'", name);
    *out = (size_t)(s - book->sheets);
    return WS_OK;
}

ws_status
ws_book_add_sheet(ws_book *book, const char *name, const ws_range *values, size_t *out)
{
    book_sheet *s;
    ws_status st = book_add_sheet(book, name, strlen(name), &s);
    if (st)
        return st;
    s->added = true;
    size_t index = (size_t)(s - book->sheets);
    if (values && (st = book_put_range(book, s, 0, 0, values))) {
        /* Take the half-filled sheet back out: on failure nothing changed. */
        sheet_free_rows(book, s, true);
        book->sheet_count--;
        return st;
    }
    if (out)
        *out = index;
    return WS_OK;
}

void
book_drop_sheets(ws_book *book, size_t keep)
{
    while (book->sheet_count > keep) {
        book_sheet *s = &book->sheets[--book->sheet_count];
        sheet_free_rows(book, s, true);
        mem_free(s->arrays);
        mem_free(s->widths);
        mem_free(s->charts);
        memset(s, 0, sizeof *s);
    }
}

void
book_move_sheet(ws_book *book, size_t from, size_t to)
{
    if (from >= book->sheet_count || to >= book->sheet_count || from == to)
        return;
    book_sheet moved = book->sheets[from];
    if (from < to)
        memmove(&book->sheets[from], &book->sheets[from + 1], (to - from) * sizeof moved);
    else
        memmove(&book->sheets[to + 1], &book->sheets[to], (from - to) * sizeof moved);
    book->sheets[to] = moved;
}
