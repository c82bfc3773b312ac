/* The xlsx writer: the whole workbook model through libxlsxwriter 1.1.4, then a second
 * pass over the zip that libxlsxwriter cannot make itself.
 *
 * What libxlsxwriter 1.1.4 cannot write, and what we do instead:
 *   - Error cells, boolean formula results, error formula results, and a text, boolean or
 *     error result at an array formula's anchor (it writes every array anchor with a
 *     numeric <v>).  We write a placeholder (number 0 or a numeric formula), remember the
 *     cell, and rewrite those <c> elements of the sheet XML when copying the zip once
 *     more: `<c t="e"><v>#N/A</v></c>`, `<c t="b"><f>..</f><v>1</v></c>`,
 *     `<c t="str"><f t="array" ..>..</f><v>count</v></c>`, exactly as Excel writes them.
 *     Only books that have such cells pay for the second pass.  An error cell's reason is
 *     not stored (xlsx has no place for it; the CLI prints it).
 *   - 1904-date books: libxlsxwriter always writes the 1900 system, so a date-formatted
 *     serial (a literal or a formula's cached value) is moved by 1462 days to show the
 *     same date.  Numbers without a date format are not touched (durations stay right).
 *   - Precision: libxlsxwriter writes numbers with 16 significant digits ("%.16G"), so a
 *     double that needs 17 digits to round-trip may change in its last bits (about a
 *     quarter of random doubles do, by ~1e-16 relative); numbers of up to 15 significant
 *     digits, Excel's own limit and what users type, come back exactly (checked on a
 *     million random 15-digit decimals).  NaN or infinity is written as #NUM!.
 *   - Sheet names: at most 31 characters, none of []:*?/\ (and no control characters),
 *     no apostrophe at either end, unique regardless of ASCII case, not "History".  Any
 *     other name is changed deterministically: each bad character becomes '_', an end
 *     apostrophe becomes '_', the name is cut to 31 characters (whole UTF-8 characters),
 *     and a clash gets "~2", "~3", ... in its last characters.  References to a renamed
 *     sheet in formulas ('Long name'!A1, Name!A1) and in charts follow the new name.
 *   - Text longer than 32,767 characters (Excel's limit) is cut, with a warning.
 *   - fullCalcOnLoad is always set: Excel recalculates on open.  LibreOffice 7.4 shows the
 *     cached values of plain formulas, but recalculates every array formula on load
 *     whatever the file holds (checked: {=SUM(1)} over two cells with cached 9 and 8 shows
 *     1 and 1), so without the add-in a WS.* array range shows #NAME? there; values_only
 *     is the way to hand such a file to readers without the add-in.
 *   - A literal error cell is written as a real error cell (t="e"), not as a formula that
 *     makes the error, so nothing changes on recalculation.
 *   - Charts: line, column and bar; no combined charts or secondary axes, so a forecast
 *     band is drawn as two dashed bound lines.  book_chart.x_title names the category axis
 *     and y_title the value axis in all three kinds.  A chart title, axis title or series
 *     name starting with '=' (which libxlsxwriter would read as a reference) gets a
 *     zero-width space in front.  A chart with no series inside the grid is left out with
 *     a warning.
 *   - libxlsxwriter writes the first pass to `<path>.lxw` (removed afterwards) and keeps
 *     its own temporary files in the system's temporary folder.  Zip entries are stamped
 *     1980-01-01, so a fixed created_time gives byte-identical files.
 *   - Big books (more than XW_STREAM_CELLS cells) are written in libxlsxwriter's
 *     constant-memory mode: each row goes to its temporary file as the next one starts
 *     (the book's rows are sorted, as that mode needs), instead of every cell being held
 *     in its tree until the end: the forecast job on 10,000 series (13 million cells)
 *     takes 13.6 s instead of 20 s, and half the memory.  The file differs in two ways:
 *     text is written in the cells (inline strings) rather than in a shared table, and
 *     charts carry no cached values, which Excel and LibreOffice recompute from the cells
 *     on opening (libxlsxwriter cannot read cells back once written).
 *
 * libxlsxwriter prints some warnings to stderr itself; we check our input first (grid,
 * names, lengths, chart series) so that it has nothing to complain about. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <minizip/unzip.h>
#include <minizip/zip.h>
#include <xlsxwriter.h>

#include "core/diag.h"
#include "core/mem.h"
#include "io/book.h"

#define XW_SHEETNAME_MAX 31u
#define XW_TEXT_MAX 32767u
#define XW_DATE1904_SHIFT 1462.0
#define XW_WIDTH_MAX 255.0
#define XW_COPY_CHUNK 65536u
#define XW_CHART_WIDTH 480.0 /* libxlsxwriter's default chart size in pixels */
#define XW_CHART_HEIGHT 288.0
#define XW_STREAM_CELLS 1000000u /* see the file comment */

/* A cell whose <c> element the second pass rewrites. */
typedef struct xw_patch {
    uint32_t row, col;
    char type;         /* 'e' error, 'b' boolean, 's' string (t="str") */
    bool keep_formula; /* keep the <f> element */
    const char *text;  /* the <v> content, unescaped; borrowed or `owned` */
    char *owned;
} xw_patch;

typedef struct xw_patches {
    xw_patch *items;
    size_t count, cap;
} xw_patches;

/* A growable string. */
typedef struct xw_buf {
    char *data;
    size_t len, cap;
} xw_buf;

typedef struct xw_state {
    const ws_book *book;
    bool values_only;
    lxw_workbook *wb;
    lxw_format **formats; /* by book format index; NULL until first used */
    char **names;         /* the sheet names written (mem-allocated) */
    bool renamed;         /* some name differs from the book's */
    xw_patches *patches;  /* per sheet */
    size_t patch_total;
    xw_buf formula; /* scratch for rewritten formulas */
    xw_buf text;    /* scratch for cut text */
    xw_buf wrap;    /* scratch for array formulas */
} xw_state;

/* ---------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------- */

static ws_status
buf_reserve(xw_buf *b, size_t extra)
{
    if (mem_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1))
        return diag_nomem();
    return WS_OK;
}

static ws_status
buf_add(xw_buf *b, const char *text, size_t len)
{
    ws_status st = buf_reserve(b, len);
    if (st)
        return st;
    memcpy(b->data + b->len, text, len);
    b->len += len;
    b->data[b->len] = '\0';
    return WS_OK;
}

static ws_status
buf_adds(xw_buf *b, const char *text)
{
    return buf_add(b, text, strlen(text));
}

/* Bytes of the first `max` UTF-8 characters of `s` (continuation bytes do not count, as
 * libxlsxwriter counts). */
static size_t
utf8_prefix(const char *s, size_t max, size_t *chars)
{
    size_t n = 0, i = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (n == max)
                break;
            n++;
        }
    }
    if (chars)
        *chars = n;
    return i;
}

static ws_status
from_lxw(lxw_error err, const char *what)
{
    switch (err) {
    case LXW_NO_ERROR:
        return WS_OK;
    case LXW_ERROR_MEMORY_MALLOC_FAILED:
        return diag_nomem();
    case LXW_ERROR_CREATING_XLSX_FILE:
    case LXW_ERROR_CREATING_TMPFILE:
    case LXW_ERROR_READING_TMPFILE:
    case LXW_ERROR_ZIP_FILE_OPERATION:
    case LXW_ERROR_ZIP_PARAMETER_ERROR:
    case LXW_ERROR_ZIP_BAD_ZIP_FILE:
    case LXW_ERROR_ZIP_INTERNAL_ERROR:
    case LXW_ERROR_ZIP_FILE_ADD:
    case LXW_ERROR_ZIP_CLOSE:
        return diag_fail(WS_ERR_IO, "%s: %s", what, lxw_strerror(err));
    default:
        return diag_fail(WS_ERR_UNSUPPORTED, "%s: %s", what, lxw_strerror(err));
    }
}

static bool
formula_is_ours(const char *f)
{
    while (*f == ' ' || *f == '=')
        f++;
    if (strncasecmp(f, "_xludf.", 7) == 0)
        f += 7;
    return strncasecmp(f, "WS.", 3) == 0;
}

/* ---------------------------------------------------------------------------------------
 * Sheet names
 * ------------------------------------------------------------------------------------- */

static bool
name_taken(char *const *names, size_t count, const char *name)
{
    if (strcasecmp(name, "History") == 0) /* reserved by Excel */
        return true;
    for (size_t i = 0; i < count; i++)
        if (strcasecmp(names[i], name) == 0)
            return true;
    return false;
}

/* The name written for `name`, given the names already chosen: see the file comment. */
static ws_status
sheet_name_make(const char *name, char *const *taken, size_t count, char **out)
{
    size_t len = utf8_prefix(name, XW_SHEETNAME_MAX, NULL);
    char *base = mem_alloc(len + 1);
    char *cand = mem_alloc(len + 16);
    ws_status st = WS_OK;
    if (!base || !cand) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        bool bad = c < 0x20 || c == 0x7F || strchr("[]:*?/\\", c) != NULL;
        base[i] = bad ? '_' : (char)c;
    }
    base[len] = '\0';
    if (len && base[0] == '\'')
        base[0] = '_';
    if (len && base[len - 1] == '\'')
        base[len - 1] = '_';
    memcpy(cand, base, len + 1);
    for (unsigned n = 2; name_taken(taken, count, cand); n++) {
        char suffix[16];
        int slen = snprintf(suffix, sizeof suffix, "~%u", n);
        size_t keep = utf8_prefix(base, XW_SHEETNAME_MAX - (size_t)slen, NULL);
        memcpy(cand, base, keep);
        memcpy(cand + keep, suffix, (size_t)slen + 1);
    }
    *out = cand;
    cand = NULL;
done:
    mem_free(base);
    mem_free(cand);
    return st;
}

static ws_status
sheet_names_make(xw_state *s)
{
    const ws_book *book = s->book;
    s->names = mem_calloc(book->sheet_count ? book->sheet_count : 1, sizeof *s->names);
    if (!s->names)
        return diag_nomem();
    for (size_t i = 0; i < book->sheet_count; i++) {
        ws_status st = sheet_name_make(book->sheets[i].name, s->names, i, &s->names[i]);
        if (st)
            return st;
        if (strcmp(s->names[i], book->sheets[i].name) != 0) {
            s->renamed = true;
            diag_warn("sheet '%s' is written as '%s' (xlsx sheet-name rules)",
                      book->sheets[i].name, s->names[i]);
        }
    }
    return WS_OK;
}

/* The written name of the sheet the book calls `name` (exact match), or NULL. */
static const char *
sheet_new_name(const xw_state *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->book->sheet_count; i++) {
        const char *n = s->book->sheets[i].name;
        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return s->names[i];
    }
    return NULL;
}

static ws_status
buf_add_quoted_name(xw_buf *b, const char *name)
{
    ws_status st = buf_add(b, "'", 1);
    for (const char *p = name; !st && *p; p++)
        st = *p == '\'' ? buf_add(b, "''", 2) : buf_add(b, p, 1);
    return st ? st : buf_add(b, "'", 1);
}

static bool
is_name_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c >= 0x80;
}

/* The formula with references to renamed sheets following the new names; `f` itself
 * when no sheet was renamed. */
static ws_status
formula_text(xw_state *s, const char *f, const char **out)
{
    if (!s->renamed) {
        *out = f;
        return WS_OK;
    }
    xw_buf *b = &s->formula;
    b->len = 0;
    ws_status st = buf_reserve(b, strlen(f));
    size_t i = 0;
    while (!st && f[i]) {
        unsigned char c = (unsigned char)f[i];
        if (c == '"') { /* a string literal: copied as is ("" is two literals) */
            size_t j = i + 1;
            while (f[j] && f[j] != '"')
                j++;
            if (f[j])
                j++;
            st = buf_add(b, f + i, j - i);
            i = j;
        } else if (c == '\'') { /* 'Sheet name'! */
            xw_buf name = {0};
            size_t j = i + 1;
            while (!st && f[j]) {
                if (f[j] == '\'' && f[j + 1] == '\'') {
                    st = buf_add(&name, "'", 1);
                    j += 2;
                } else if (f[j] == '\'') {
                    break;
                } else {
                    st = buf_add(&name, f + j, 1);
                    j++;
                }
            }
            const char *to = NULL;
            if (!st && f[j] == '\'' && f[j + 1] == '!' && name.data)
                to = sheet_new_name(s, name.data, name.len);
            if (!st && to) {
                st = buf_add_quoted_name(b, to);
                i = j + 1;
            } else if (!st) {
                size_t end = f[j] ? j + 1 : j;
                st = buf_add(b, f + i, end - i);
                i = end;
            }
            mem_free(name.data);
        } else if (is_name_char(c) && (i == 0 || !is_name_char((unsigned char)f[i - 1]))) {
            size_t j = i;
            while (is_name_char((unsigned char)f[j]))
                j++;
            const char *to = f[j] == '!' ? sheet_new_name(s, f + i, j - i) : NULL;
            st = to ? buf_add_quoted_name(b, to) : buf_add(b, f + i, j - i);
            i = j;
        } else {
            st = buf_add(b, f + i, 1);
            i++;
        }
    }
    if (!st)
        *out = b->data;
    return st;
}

/* ---------------------------------------------------------------------------------------
 * Cells
 * ------------------------------------------------------------------------------------- */

static ws_status
format_for(xw_state *s, uint16_t fmt, lxw_format **out)
{
    *out = NULL;
    if (fmt == 0 || fmt >= s->book->format_count)
        return WS_OK;
    if (!s->formats[fmt]) {
        lxw_format *f = workbook_add_format(s->wb);
        if (!f)
            return diag_nomem();
        format_set_num_format(f, s->book->formats[fmt]);
        s->formats[fmt] = f;
    }
    *out = s->formats[fmt];
    return WS_OK;
}

static ws_status
patch_add(xw_state *s, size_t sheet, uint32_t row, uint32_t col, char type, bool keep_formula,
          const char *text)
{
    xw_patches *p = &s->patches[sheet];
    if (mem_grow((void **)&p->items, &p->cap, p->count + 1, sizeof *p->items))
        return diag_nomem();
    char *owned = NULL;
    if (text == s->text.data && !(owned = mem_strdup(text)))
        return diag_nomem();
    p->items[p->count++] = (xw_patch){row, col, type, keep_formula, owned ? owned : text, owned};
    s->patch_total++;
    return WS_OK;
}

/* Text cut to Excel's cell limit (in s->text when cut). */
static ws_status
cell_text(xw_state *s, const char *sheet, uint32_t row, uint32_t col, const char *text,
          const char **out)
{
    size_t chars;
    size_t bytes = utf8_prefix(text, XW_TEXT_MAX, &chars);
    if (!text[bytes]) {
        *out = text;
        return WS_OK;
    }
    char ref[16];
    book_cell_name(row, col, ref);
    diag_warn("%s!%s: text longer than %u characters cut to fit an xlsx cell", sheet, ref,
              XW_TEXT_MAX);
    s->text.len = 0;
    ws_status st = buf_add(&s->text, text, bytes);
    if (!st)
        *out = s->text.data;
    return st;
}

static double
cell_number(const xw_state *s, const book_cell *cell)
{
    double v = cell->value.as.number;
    /* Format 0 is "General", never a date (book_format_is_date reads its 'e' as an era). */
    if (s->book->date1904 && cell->fmt != 0 && book_format_is_date(s->book, cell->fmt))
        v += XW_DATE1904_SHIFT;
    return v;
}

/* A literal value (also the cells inside an array range, and WS.* results under
 * values_only). */
static ws_status
write_value(xw_state *s, lxw_worksheet *ws, size_t si, uint32_t row, uint32_t col,
            const book_cell *cell, lxw_format *fmt)
{
    const ws_value *v = &cell->value;
    const char *sheet = s->book->sheets[si].name;
    lxw_error err = LXW_NO_ERROR;
    ws_status st = WS_OK;
    switch ((ws_type)v->type) {
    case WS_TYPE_EMPTY:
        if (fmt)
            err = worksheet_write_blank(ws, row, col, fmt);
        break;
    case WS_TYPE_NUMBER: {
        double x = cell_number(s, cell);
        if (isfinite(x)) {
            err = worksheet_write_number(ws, row, col, x, fmt);
        } else {
            err = worksheet_write_number(ws, row, col, 0, fmt);
            st = patch_add(s, si, row, col, 'e', false, ws_cell_error_str(WS_CELL_ERR_NUM));
        }
        break;
    }
    case WS_TYPE_TEXT: {
        const char *text;
        if ((st = cell_text(s, sheet, row, col, v->as.text ? v->as.text : "", &text)))
            return st;
        err = worksheet_write_string(ws, row, col, text, fmt);
        break;
    }
    case WS_TYPE_BOOL:
        err = worksheet_write_boolean(ws, row, col, v->as.boolean, fmt);
        break;
    case WS_TYPE_ERROR:
        err = worksheet_write_number(ws, row, col, 0, fmt);
        st = patch_add(s, si, row, col, 'e', false, ws_cell_error_str(v->error));
        break;
    default:
        return diag_fail(WS_ERR_FORMAT, "%s: a cell of unknown type %d", sheet, v->type);
    }
    if (st)
        return st;
    return from_lxw(err, sheet);
}

static bool
array_area_ok(const book_area *a, uint32_t row, uint32_t col)
{
    return a && a->row0 == row && a->col0 == col && a->row1 >= a->row0 &&
           a->col1 >= a->col0 && a->row1 < BOOK_MAX_ROWS && a->col1 < BOOK_MAX_COLS;
}

static ws_status
write_formula(xw_state *s, lxw_worksheet *ws, size_t si, uint32_t row, uint32_t col,
              const book_cell *cell, lxw_format *fmt)
{
    const book_sheet *sheet = &s->book->sheets[si];
    const ws_value *v = &cell->value;
    const char *f;
    ws_status st = formula_text(s, cell->formula, &f);
    if (st)
        return st;
    /* What the cached value needs beyond a number: a patch type and its text. */
    char type = 0;
    const char *text = NULL;
    double num = 0;
    switch ((ws_type)v->type) {
    case WS_TYPE_NUMBER:
        num = cell_number(s, cell);
        if (!isfinite(num)) {
            num = 0;
            type = 'e';
            text = ws_cell_error_str(WS_CELL_ERR_NUM);
        }
        break;
    case WS_TYPE_BOOL:
        num = v->as.boolean ? 1 : 0;
        type = 'b';
        text = v->as.boolean ? "1" : "0";
        break;
    case WS_TYPE_ERROR:
        type = 'e';
        text = ws_cell_error_str(v->error);
        break;
    case WS_TYPE_TEXT:
        type = 's';
        if ((st = cell_text(s, sheet->name, row, col, v->as.text ? v->as.text : "", &text)))
            return st;
        break;
    case WS_TYPE_EMPTY:
        /* An empty string result makes LibreOffice recalculate the cell on load. */
        type = 's';
        text = "";
        break;
    default:
        return diag_fail(WS_ERR_FORMAT, "%s: a cell of unknown type %d", sheet->name, v->type);
    }
    lxw_error err;
    const book_area *area = (cell->flags & BOOK_CELL_ARRAY_ANCHOR)
                                ? book_find_array(sheet, row, col)
                                : NULL;
    if (array_area_ok(area, row, col)) {
        /* libxlsxwriter strips a leading '{', a leading '=' and a trailing '}' from array
         * formulas; wrapping keeps a formula that itself starts or ends with a brace. */
        xw_buf *b = &s->wrap;
        b->len = 0;
        if ((st = buf_adds(b, "{=")) || (st = buf_adds(b, f)) || (st = buf_adds(b, "}")))
            return st;
        err = worksheet_write_array_formula_num(ws, area->row0, area->col0, area->row1,
                                                area->col1, b->data, fmt, num);
        if (!err && type)
            st = patch_add(s, si, row, col, type, true, text);
    } else if (type == 's') {
        err = worksheet_write_formula_str(ws, row, col, f, fmt, text);
    } else {
        err = worksheet_write_formula_num(ws, row, col, f, fmt, num);
        if (!err && type)
            st = patch_add(s, si, row, col, type, true, text);
    }
    if (st)
        return st;
    return from_lxw(err, sheet->name);
}

static ws_status
write_cells(xw_state *s, lxw_worksheet *ws, size_t si)
{
    const book_sheet *sheet = &s->book->sheets[si];
    for (size_t r = 0; r < sheet->row_count; r++) {
        const book_row *br = &sheet->rows[r];
        for (size_t c = 0; c < br->count; c++) {
            const book_cell *cell = &br->cells[c];
            if (br->row >= BOOK_MAX_ROWS || cell->col >= BOOK_MAX_COLS) {
                char ref[16];
                book_cell_name(br->row, cell->col, ref);
                return diag_fail(WS_ERR_LIMIT,
                                 "%s: cell row %u, column %u is beyond the xlsx grid of "
                                 "1,048,576 rows and 16,384 columns",
                                 sheet->name, br->row + 1, cell->col + 1);
            }
            lxw_format *fmt;
            ws_status st = format_for(s, cell->fmt, &fmt);
            if (st)
                return st;
            bool formula = cell->formula && cell->formula[0] &&
                           !(cell->flags & BOOK_CELL_ARRAY_PART) &&
                           !(s->values_only && ((cell->flags & BOOK_CELL_COMPUTED) ||
                                                formula_is_ours(cell->formula)));
            st = formula ? write_formula(s, ws, si, br->row, cell->col, cell, fmt)
                         : write_value(s, ws, si, br->row, cell->col, cell, fmt);
            if (st)
                return st;
        }
    }
    return WS_OK;
}

/* The OOXML width (characters including padding, what readers store) to libxlsxwriter's
 * unit, which adds the padding again: through whole pixels, as Excel does, so the width
 * read back is the width that was read. */
static double
width_from_ooxml(double w)
{
    double px = floor(w * 7.0 + 0.5);
    return px >= 12.0 ? (px - 5.0) / 7.0 : px / 12.0;
}

static ws_status
write_layout(lxw_worksheet *ws, const book_sheet *sheet)
{
    for (size_t i = 0; i < sheet->width_count; i++) {
        const book_colwidth *w = &sheet->widths[i];
        if (w->col0 > w->col1 || w->col0 >= BOOK_MAX_COLS || !(w->width >= 0))
            continue;
        uint32_t col1 = w->col1 < BOOK_MAX_COLS ? w->col1 : BOOK_MAX_COLS - 1;
        double width = w->width > XW_WIDTH_MAX ? XW_WIDTH_MAX : w->width;
        lxw_error err = worksheet_set_column(ws, (lxw_col_t)w->col0, (lxw_col_t)col1,
                                             width_from_ooxml(width), NULL);
        if (err)
            return from_lxw(err, sheet->name);
    }
    if (sheet->freeze_rows > 0 && sheet->freeze_rows < BOOK_MAX_ROWS)
        worksheet_freeze_panes(ws, sheet->freeze_rows, 0);
    if (sheet->landscape)
        worksheet_set_landscape(ws);
    if (sheet->fit_width)
        worksheet_fit_to_pages(ws, 1, 0);
    return WS_OK;
}

/* ---------------------------------------------------------------------------------------
 * Charts
 * ------------------------------------------------------------------------------------- */

static bool
chart_area_ok(book_area a)
{
    return a.row0 <= a.row1 && a.col0 <= a.col1 && a.row1 < BOOK_MAX_ROWS &&
           a.col1 < BOOK_MAX_COLS;
}

/* The date format of the first category cell of the chart's first series, or NULL. */
static const char *
category_date_format(const xw_state *s, size_t si, const book_chart *ch)
{
    const book_sheet *sheet = &s->book->sheets[si];
    for (size_t i = 0; i < ch->series_count; i++) {
        book_area a = ch->series[i].categories;
        if (!chart_area_ok(a))
            continue;
        const book_cell *cell = book_cell_at(sheet, a.row0, a.col0);
        if (cell && cell->value.type == WS_TYPE_NUMBER && cell->fmt != 0 &&
            book_format_is_date(s->book, cell->fmt))
            return s->book->formats[cell->fmt];
        return NULL;
    }
    return NULL;
}

/* Chart text as libxlsxwriter will show it: it reads a name that starts with '=' as a
 * reference, so such a name gets a zero-width space (U+200B) in front. */
static const char *
chart_text(xw_buf *b, const char *text)
{
    if (text[0] != '=')
        return text;
    b->len = 0;
    if (buf_adds(b, "\xE2\x80\x8B") || buf_adds(b, text))
        return NULL;
    return b->data;
}

/* ='Sheet name'!$A$2:$A$20 into b (from its start). */
static ws_status
chart_ref(xw_buf *b, const char *sheet, book_area a)
{
    char c0[4], c1[4], tail[64];
    book_col_name(a.col0, c0);
    book_col_name(a.col1, c1);
    snprintf(tail, sizeof tail, "!$%s$%u:$%s$%u", c0, a.row0 + 1, c1, a.row1 + 1);
    b->len = 0;
    ws_status st = buf_add(b, "=", 1);
    if (!st)
        st = buf_add_quoted_name(b, sheet);
    if (!st)
        st = buf_adds(b, tail);
    return st;
}

static ws_status
write_chart(xw_state *s, lxw_worksheet *ws, size_t si, const book_chart *ch)
{
    const char *sheet = s->names[si];
    const char *book_sheet_name = s->book->sheets[si].name;
    size_t usable = 0;
    for (size_t i = 0; i < ch->series_count; i++)
        usable += chart_area_ok(ch->series[i].values);
    if (!usable || ch->row >= BOOK_MAX_ROWS || ch->col >= BOOK_MAX_COLS) {
        diag_warn("%s: a chart with no drawable series or off the grid was left out",
                  book_sheet_name);
        return WS_OK;
    }
    uint8_t type = ch->kind == BOOK_CHART_BAR      ? LXW_CHART_BAR
                   : ch->kind == BOOK_CHART_COLUMN ? LXW_CHART_COLUMN
                                                   : LXW_CHART_LINE;
    lxw_chart *chart = workbook_add_chart(s->wb, type);
    if (!chart)
        return diag_nomem();
    xw_buf cats = {0}, vals = {0};
    ws_status st = WS_OK;
    for (size_t i = 0; i < ch->series_count && !st; i++) {
        const book_series *se = &ch->series[i];
        if (!chart_area_ok(se->values))
            continue;
        bool has_cats = chart_area_ok(se->categories);
        if ((has_cats && (st = chart_ref(&cats, sheet, se->categories))) ||
            (st = chart_ref(&vals, sheet, se->values)))
            break;
        lxw_chart_series *ser = chart_add_series(chart, has_cats ? cats.data : NULL,
                                                 vals.data);
        if (!ser) {
            st = diag_nomem();
            break;
        }
        const char *name = se->name && se->name[0] ? chart_text(&s->text, se->name) : "";
        if (!name) {
            st = diag_nomem();
            break;
        }
        if (name[0])
            chart_series_set_name(ser, name);
        if (se->dashed) {
            lxw_chart_line line = {.dash_type = LXW_CHART_LINE_DASH_DASH, .width = 1.25f};
            chart_series_set_line(ser, &line);
        }
    }
    mem_free(cats.data);
    mem_free(vals.data);
    if (st)
        return st;
    const char *title = ch->title && ch->title[0] ? chart_text(&s->text, ch->title) : "";
    if (title && title[0])
        chart_title_set_name(chart, title);
    /* x_title names the category axis and y_title the value axis, whichever way they run:
     * in libxlsxwriter's bar charts x_axis is the horizontal (value) axis. */
    lxw_chart_axis *cat_axis = ch->kind == BOOK_CHART_BAR ? chart->y_axis : chart->x_axis;
    lxw_chart_axis *val_axis = ch->kind == BOOK_CHART_BAR ? chart->x_axis : chart->y_axis;
    const char *xt = ch->x_title && ch->x_title[0] ? chart_text(&s->text, ch->x_title) : "";
    if (xt && xt[0])
        chart_axis_set_name(cat_axis, xt);
    const char *yt = ch->y_title && ch->y_title[0] ? chart_text(&s->text, ch->y_title) : "";
    if (yt && yt[0])
        chart_axis_set_name(val_axis, yt);
    if (!title || !xt || !yt)
        return diag_nomem();
    /* The series caches carry "General", so dates on the category axis would show as
     * serial numbers: give the axis the categories' own date format. */
    const char *cat_format = category_date_format(s, si, ch);
    if (cat_format)
        chart_axis_set_num_format(cat_axis, cat_format);
    lxw_chart_options opt = {0};
    opt.x_scale = ch->width_px ? ch->width_px / XW_CHART_WIDTH : 1.0;
    opt.y_scale = ch->height_px ? ch->height_px / XW_CHART_HEIGHT : 1.0;
    lxw_error err = worksheet_insert_chart_opt(ws, ch->row, (lxw_col_t)ch->col, chart, &opt);
    return from_lxw(err, book_sheet_name);
}

/* ---------------------------------------------------------------------------------------
 * Second pass: copy the zip, rewriting the <c> elements of the recorded cells
 * ------------------------------------------------------------------------------------- */

static ws_status
xml_escape_add(xw_buf *b, const char *text)
{
    ws_status st = WS_OK;
    for (const unsigned char *p = (const unsigned char *)text; !st && *p; p++) {
        switch (*p) {
        case '&':
            st = buf_adds(b, "&amp;");
            break;
        case '<':
            st = buf_adds(b, "&lt;");
            break;
        case '>':
            st = buf_adds(b, "&gt;");
            break;
        case '"':
            st = buf_adds(b, "&quot;");
            break;
        default:
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') {
                char esc[16]; /* control characters as OOXML writes them */
                snprintf(esc, sizeof esc, "_x%04X_", *p);
                st = buf_adds(b, esc);
            } else {
                st = buf_add(b, (const char *)p, 1);
            }
        }
    }
    return st;
}

static ws_status
patch_sheet_xml(const char *xml, const xw_patches *patches, const char *entry, xw_buf *out)
{
    const char *cur = xml;
    ws_status st = WS_OK;
    out->len = 0;
    for (size_t i = 0; i < patches->count && !st; i++) {
        const xw_patch *p = &patches->items[i];
        char ref[16], needle[32];
        book_cell_name(p->row, p->col, ref);
        snprintf(needle, sizeof needle, "<c r=\"%s\"", ref);
        const char *start = strstr(cur, needle);
        const char *tag_end = start ? strchr(start, '>') : NULL;
        if (!tag_end)
            return diag_fail(WS_ERR_FORMAT, "%s: cell %s missing from the XML written", entry,
                             ref);
        bool empty = tag_end[-1] == '/';
        const char *end = empty ? tag_end + 1 : strstr(tag_end, "</c>");
        if (!end)
            return diag_fail(WS_ERR_FORMAT, "%s: cell %s unterminated", entry, ref);
        if (!empty)
            end += 4;
        st = buf_add(out, cur, (size_t)(start - cur));
        if (!st)
            st = buf_adds(out, needle);
        /* Keep the style attribute. */
        const char *sattr = strstr(start, " s=\"");
        if (!st && sattr && sattr < tag_end) {
            const char *q = strchr(sattr + 4, '"');
            if (q && q < tag_end)
                st = buf_add(out, sattr, (size_t)(q + 1 - sattr));
        }
        if (!st)
            st = buf_adds(out, p->type == 'e' ? " t=\"e\">" : p->type == 'b' ? " t=\"b\">"
                                                                            : " t=\"str\">");
        if (!st && p->keep_formula && !empty) {
            const char *f0 = strstr(tag_end, "<f");
            const char *f1 = f0 ? strstr(f0, "</f>") : NULL;
            if (f0 && f1 && f1 < end)
                st = buf_add(out, f0, (size_t)(f1 + 4 - f0));
        }
        if (!st)
            st = buf_adds(out, "<v>");
        if (!st)
            st = xml_escape_add(out, p->text);
        if (!st)
            st = buf_adds(out, "</v></c>");
        cur = end;
    }
    if (!st)
        st = buf_adds(out, cur);
    return st;
}

/* The patches for a zip entry named xl/worksheets/sheetN.xml, or NULL. */
static const xw_patches *
entry_patches(const xw_state *s, const char *name)
{
    static const char prefix[] = "xl/worksheets/sheet";
    if (strncmp(name, prefix, sizeof prefix - 1) != 0)
        return NULL;
    char *endp;
    unsigned long n = strtoul(name + sizeof prefix - 1, &endp, 10);
    if (strcmp(endp, ".xml") != 0 || n == 0 || n > s->book->sheet_count)
        return NULL;
    const xw_patches *p = &s->patches[n - 1];
    return p->count ? p : NULL;
}

static ws_status
zip_write_all(zipFile zf, const char *data, size_t len)
{
    while (len) {
        unsigned part = len > XW_COPY_CHUNK ? XW_COPY_CHUNK : (unsigned)len;
        if (zipWriteInFileInZip(zf, data, part) != ZIP_OK)
            return diag_fail(WS_ERR_IO, "cannot write to the zip: %s", strerror(errno));
        data += part;
        len -= part;
    }
    return WS_OK;
}

static ws_status
copy_patched(const xw_state *s, const char *raw, const char *path)
{
    unzFile uz = unzOpen64(raw);
    zipFile zf = NULL;
    char *chunk = NULL;
    xw_buf whole = {0}, out = {0};
    ws_status st = WS_OK;
    if (!uz) {
        st = diag_fail(WS_ERR_IO, "cannot reopen the side file %s", raw);
        goto done;
    }
    if (!(zf = zipOpen64(path, APPEND_STATUS_CREATE))) {
        st = diag_fail(WS_ERR_IO, "cannot create: %s", strerror(errno));
        goto done;
    }
    if (!(chunk = mem_alloc(XW_COPY_CHUNK))) {
        st = diag_nomem();
        goto done;
    }
    int rc = unzGoToFirstFile(uz);
    while (rc == UNZ_OK && !st) {
        char name[512];
        unz_file_info64 info;
        if (unzGetCurrentFileInfo64(uz, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK ||
            unzOpenCurrentFile(uz) != UNZ_OK) {
            st = diag_fail(WS_ERR_IO, "cannot read back an entry of %s", raw);
            break;
        }
        const xw_patches *patches = entry_patches(s, name);
        zip_fileinfo zi = {0};
        zi.dosDate = info.dosDate;
        zi.internal_fa = info.internal_fa;
        zi.external_fa = info.external_fa;
        if (zipOpenNewFileInZip64(zf, name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED,
                                  Z_DEFAULT_COMPRESSION,
                                  info.uncompressed_size >= 0xFFFFFFFFu) != ZIP_OK) {
            unzCloseCurrentFile(uz);
            st = diag_fail(WS_ERR_IO, "cannot add %s to the zip", name);
            break;
        }
        whole.len = 0;
        int n;
        while (!st && (n = unzReadCurrentFile(uz, chunk, XW_COPY_CHUNK)) > 0)
            st = patches ? buf_add(&whole, chunk, (size_t)n)
                         : zip_write_all(zf, chunk, (size_t)n);
        if (!st && n < 0)
            st = diag_fail(WS_ERR_IO, "cannot read back %s from %s", name, raw);
        if (unzCloseCurrentFile(uz) != UNZ_OK && !st)
            st = diag_fail(WS_ERR_IO, "%s read back damaged from %s", name, raw);
        if (!st && patches) {
            if (!whole.data && (st = buf_reserve(&whole, 0)) == WS_OK)
                whole.data[0] = '\0';
            if (!st)
                st = patch_sheet_xml(whole.data, patches, name, &out);
            if (!st)
                st = zip_write_all(zf, out.data, out.len);
        }
        if (zipCloseFileInZip(zf) != ZIP_OK && !st)
            st = diag_fail(WS_ERR_IO, "cannot finish %s in the zip", name);
        if (!st)
            rc = unzGoToNextFile(uz);
    }
    if (!st && rc != UNZ_END_OF_LIST_OF_FILE)
        st = diag_fail(WS_ERR_IO, "cannot list the entries of %s", raw);
done:
    if (zf && zipClose(zf, NULL) != ZIP_OK && !st)
        st = diag_fail(WS_ERR_IO, "cannot finish the zip: %s", strerror(errno));
    if (uz)
        unzClose(uz);
    mem_free(chunk);
    mem_free(whole.data);
    mem_free(out.data);
    return st;
}

/* ---------------------------------------------------------------------------------------
 * The writer
 * ------------------------------------------------------------------------------------- */

static _Atomic uint64_t stream_cells = XW_STREAM_CELLS;

uint64_t
xlsx_write_stream_cells(uint64_t cells)
{
    return atomic_exchange(&stream_cells, cells);
}

static ws_status
write_book(xw_state *s, const char *path, const ws_save_options *options)
{
    const ws_book *book = s->book;
    lxw_workbook_options wo = {.constant_memory = book->cell_count > atomic_load(&stream_cells),
                               .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    s->wb = workbook_new_opt(path, &wo);
    if (!s->wb)
        return diag_nomem();
    if (options && options->created_time) {
        lxw_doc_properties props = {0};
        props.created = (time_t)options->created_time;
        lxw_error err = workbook_set_properties(s->wb, &props);
        if (err)
            return from_lxw(err, "document properties");
    }
    lxw_worksheet **sheets = mem_calloc(book->sheet_count ? book->sheet_count : 1,
                                        sizeof *sheets);
    if (!sheets)
        return diag_nomem();
    ws_status st = WS_OK;
    for (size_t i = 0; i < book->sheet_count && !st; i++)
        if (!(sheets[i] = workbook_add_worksheet(s->wb, s->names[i])))
            st = diag_fail(WS_ERR_UNSUPPORTED, "libxlsxwriter refused the sheet name '%s'",
                           s->names[i]);
    if (!st && book->sheet_count == 0 && !workbook_add_worksheet(s->wb, NULL))
        st = diag_nomem(); /* an xlsx needs one sheet */
    for (size_t i = 0; i < book->sheet_count && !st; i++) {
        const book_sheet *sheet = &book->sheets[i];
        st = write_cells(s, sheets[i], i);
        if (!st)
            st = write_layout(sheets[i], sheet);
        for (size_t c = 0; c < sheet->chart_count && !st; c++)
            st = write_chart(s, sheets[i], i, &sheet->charts[c]);
    }
    mem_free(sheets);
    return st;
}

ws_status
xlsx_write(const ws_book *book, const char *path, const ws_save_options *options)
{
    if (!book || !path)
        return diag_fail(WS_ERR_ARGS, "xlsx_write: no book or path");
    xw_state s = {.book = book, .values_only = options && options->values_only};
    char *raw = NULL;
    ws_status st = WS_OK;
    /* Check the path ourselves: libxlsxwriter would print its own message to stderr. */
    bool existed = access(path, F_OK) == 0, probed = false;
    FILE *probe = fopen(path, "wb");
    if (!probe) {
        st = diag_fail(WS_ERR_IO, "cannot write: %s", strerror(errno));
        goto done;
    }
    fclose(probe);
    probed = true;
    s.formats = mem_calloc(book->format_count ? book->format_count : 1, sizeof *s.formats);
    s.patches = mem_calloc(book->sheet_count ? book->sheet_count : 1, sizeof *s.patches);
    raw = mem_alloc(strlen(path) + 8);
    if (raw)
        snprintf(raw, strlen(path) + 8, "%s.lxw", path); /* named before any unlink */
    if (!s.formats || !s.patches || !raw) {
        st = diag_nomem();
        goto done;
    }
    if ((st = sheet_names_make(&s)))
        goto done;
    /* libxlsxwriter writes to a side file first; only books with cells it cannot express
     * go through the second pass into `path`. */
    st = write_book(&s, raw, options);
    if (st) {
        lxw_workbook_free(s.wb);
        s.wb = NULL;
        goto done;
    }
    lxw_error err = workbook_close(s.wb);
    s.wb = NULL;
    if ((st = from_lxw(err, "writing the workbook")))
        goto done;
    if (s.patch_total) {
        st = copy_patched(&s, raw, path);
    } else if (rename(raw, path) != 0) {
        st = diag_fail(WS_ERR_IO, "cannot rename the written file into place: %s",
                       strerror(errno));
    }
done:
    if (raw)
        unlink(raw);
    if (st && probed && !existed)
        unlink(path); /* nothing of ours left behind */
    if (st)
        diag_prefix(st, "%s", path);
    for (size_t i = 0; s.names && i < book->sheet_count; i++)
        mem_free(s.names[i]);
    mem_free(s.names);
    for (size_t i = 0; s.patches && i < book->sheet_count; i++) {
        for (size_t j = 0; j < s.patches[i].count; j++)
            mem_free(s.patches[i].items[j].owned);
        mem_free(s.patches[i].items);
    }
    mem_free(s.patches);
    mem_free(s.formats);
    mem_free(s.formula.data);
    mem_free(s.text.data);
    mem_free(s.wrap.data);
    mem_free(raw);
    return st;
}
