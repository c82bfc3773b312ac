/* The ODS reader: content.xml (and the number styles of styles.xml) streamed through
 * zipxml into the workbook model.
 *
 * What is read, and how:
 *
 * - Sheets: every table:table of office:spreadsheet, in order, with its name.  Rows and
 *   cells may sit inside row groups and header rows.  A table nested in a cell is skipped.
 * - Repeats: a run of empty rows or cells (number-rows-repeated, number-columns-repeated)
 *   only moves the position: a trailing million empty rows or 16,384 empty columns costs
 *   nothing.  A repeated non-empty cell is stored once per position; when that would pass
 *   limits.max_cells (or the row/column limits) the read fails with WS_ERR_LIMIT before
 *   anything is allocated for it.  Formatting of empty cells is not kept.
 * - Values: float, percentage and currency are numbers (office:value); date is a serial
 *   number counted from 1899-12-30 (office:date-value, time of day as the fraction, any
 *   time zone ignored); time is a fraction of a day (office:time-value, ISO 8601
 *   "PT13H30M00S", days allowed, years and months refused); boolean; string from
 *   office:string-value or else the text:p paragraphs, joined with "\n", with text:s
 *   (text:c spaces), text:tab, text:line-break and the text of text:span / text:a kept.
 *   Whitespace inside text:p is kept as written (LibreOffice writes runs of spaces
 *   literally).  Annotations (comments), drawings and notes inside a cell are not text.
 *   A cell without a value type but with text is text.  Covered cells (under a merge)
 *   are read like any other: LibreOffice keeps hidden content there.
 * - Errors: LibreOffice writes an error result as calcext:value-type="error" with the
 *   error's text as the paragraph; #NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A map to
 *   their codes, anything else to #VALUE! with that text as the reason ("Err:502"), but
 *   "Err:523" (no convergence) to #NUM!.
 *   Without calcext (other producers) such a cell reads as its text.
 * - Formulas: table:formula "of:=..." (also "oooc:") is converted to the OOXML syntax of
 *   book.h by ods_formula(); "msoxl:=" is already in that syntax.  The cached value comes
 *   from the office:* value attributes.  A matrix formula (number-matrix-columns/rows-
 *   spanned) adds an array area: its anchor gets BOOK_CELL_ARRAY_ANCHOR and the stored
 *   cells inside BOOK_CELL_ARRAY_PART.  Spans on a repeated cell are ignored.
 * - Number formats: data styles (number:number-style, percentage, currency, date, time,
 *   text) from styles.xml and content.xml are turned into OOXML-like codes, reached from a
 *   cell's style (or its row's, then its column's default cell style) through
 *   style:parent-style-name.  Exact for the usual dates, times, percentages and fixed
 *   decimals; approximated: currencies (the symbol becomes a quoted literal), fractions,
 *   quarters, eras and week numbers (dropped), colours and conditions other than the
 *   "value()>=0" split of negative formats (ignored).  A date, time or percentage cell
 *   whose style gives no such format gets "yyyy-mm-dd" (with " hh:mm:ss" when it has a
 *   time), "[hh]:mm:ss" or "0%", so dates are always recognised.
 * - Column widths: style:column-width (cm, mm, in, pt, pc, px) becomes characters of
 *   Excel's default font: (points × 96/72 − 5) / 7, the inverse of Excel's (and
 *   libxlsxwriter's) "7 pixels per character plus 5 of padding", so a column keeps its
 *   physical width when written as xlsx.
 * - Hostile input: the zip and XML limits are zipxml's (no DTD, sizes, ratios); repeat
 *   counts and spans must be plain decimal numbers (anything else is WS_ERR_FORMAT naming
 *   the sheet and cell); text and formulas obey max_text_bytes and max_formula_bytes; at
 *   most ODS_MAX_STYLES styles of each kind and ODS_MAX_ACTIVE_ARRAYS array formulas side
 *   by side.  Element names are compared with their usual prefixes (office:, table:,
 *   text:, number:, style:), which every producer writes.  At most ODS_MAX_SHEETS sheets
 *   (LibreOffice's own maximum); two sheets whose names differ only in case are
 *   WS_ERR_FORMAT.  A password-protected file is WS_ERR_UNSUPPORTED.  On any failure the
 *   book may hold part of the file: the caller discards it. */
#define _GNU_SOURCE /* strtod_l: numbers read in the C locale whatever locale the host set */

#include "io/book.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/mem.h"
#include "io/zipxml.h"

#define ODS_MAX_STYLES 1000000u
#define ODS_MAX_SHEETS 10000u /* LibreOffice's own maximum */
#define ODS_MAX_ACTIVE_ARRAYS 1024u
#define ODS_MAX_CODE 1024u     /* bytes of one built format code */
#define ODS_MAX_PARENTS 32     /* style:parent-style-name chain */
#define ODS_REPEAT_CAP (1ull << 40) /* repeats saturate here: far past any grid */

/* A growable byte buffer with a hard cap. */
typedef struct ods_buf {
    char *p;
    size_t len, cap;
} ods_buf;

/* One named style: a data style (code), a cell style (parent, data style, fmt) or a
 * column style (width). */
typedef struct ods_style {
    const char *name;
    const char *parent;
    const char *data_style;
    const char *code;
    double width; /* characters; < 0 when none */
    int fmt;      /* interned format, -1 until resolved */
} ods_style;

typedef struct ods_map {
    ods_style *items;
    size_t count, cap;
    uint32_t *slots; /* index + 1 into items; 0 = free */
    size_t nslots;   /* a power of two */
} ods_map;

typedef struct ods_coldef {
    uint32_t col0, col1;
    int style; /* cell style index */
} ods_coldef;

typedef enum ods_vtype {
    ODS_V_NONE,
    ODS_V_NUMBER,
    ODS_V_DATE,
    ODS_V_TIME,
    ODS_V_PERCENT,
    ODS_V_BOOL,
    ODS_V_STRING,
    ODS_V_ERROR
} ods_vtype;

typedef enum ods_dkind {
    ODS_D_NUMBER,
    ODS_D_PERCENT,
    ODS_D_CURRENCY,
    ODS_D_DATE,
    ODS_D_TIME,
    ODS_D_TEXT,
    ODS_D_OTHER
} ods_dkind;

typedef struct ods_reader {
    ws_book *book;
    zipxml *zip;
    const char *path;
    locale_t c_locale;
    arena scratch; /* style names and codes: freed when the read ends */
    ods_map data_styles, cell_styles, col_styles;
    ws_status st;
    int skip_depth; /* > 0 inside a subtree that is ignored */

    /* Styles being read. */
    bool in_data_style;
    ods_dkind dkind;
    const char *dname;
    const char *map_apply; /* style:map apply-style-name for value()>=0 */
    bool elapsed;          /* number:truncate-on-overflow="false" */
    bool code_overflow;
    ods_buf code;
    bool in_literal; /* inside number:text or number:currency-symbol */
    ods_buf literal;
    int cur_col_style; /* style:style of family table-column being read, or -1 */

    /* The body. */
    bool in_body, spreadsheet;
    book_sheet *sheet;
    bool in_table;
    uint64_t row, col, row_repeat, next_col_def;
    int row_style; /* row default cell style, or -1 */
    ods_coldef *coldefs;
    size_t coldef_count, coldef_cap;
    book_area *active;
    size_t active_count, active_cap;

    /* The cell being read. */
    bool in_cell;
    uint64_t col_repeat;
    int cell_style;
    ods_vtype vtype;
    double number;
    bool boolean;
    bool collect;     /* paragraphs are the value */
    int paragraphs;
    int text_depth;
    ods_buf text;
    bool has_formula;
    ods_buf formula;
    uint32_t span_cols, span_rows;
    bool date_has_time;

    /* Style lookups repeat: cells of a column share theirs. */
    const char *last_style_name;
    int last_style;
} ods_reader;

/* ---------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------- */

static ws_status
buf_put(ods_buf *b, const char *s, size_t n, size_t max)
{
    if (n > max || b->len > max - n)
        return WS_ERR_LIMIT;
    if (b->len + n + 1 > b->cap && mem_grow((void **)&b->p, &b->cap, b->len + n + 1, 1))
        return diag_nomem();
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return WS_OK;
}

static ws_status
buf_putc(ods_buf *b, char c, size_t max)
{
    return buf_put(b, &c, 1, max);
}

static void
ods_fail(ods_reader *r, ws_status st)
{
    if (!r->st)
        r->st = st ? st : WS_ERR_FORMAT;
    zipxml_stop(r->zip, r->st);
}

/* "Sheet 1, cell B7" or "Sheet 1, row 2,000,000" for messages. */
static void
ods_where(const ods_reader *r, char *out, size_t size)
{
    const char *sheet = r->sheet ? r->sheet->name : "?";
    if (r->row < BOOK_MAX_ROWS && r->col < BOOK_MAX_COLS) {
        char cell[16];
        book_cell_name((uint32_t)r->row, (uint32_t)r->col, cell);
        snprintf(out, size, "sheet '%s', cell %s", sheet, cell);
    } else {
        snprintf(out, size, "sheet '%s', row %llu, column %llu", sheet,
                 (unsigned long long)r->row + 1, (unsigned long long)r->col + 1);
    }
}

static void
ods_fail_at(ods_reader *r, ws_status st, const char *what)
{
    char where[160];
    ods_where(r, where, sizeof where);
    ods_fail(r, diag_fail(st, "%s: %s: %s", r->path, where, what));
}

static uint64_t
hash_name(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int
map_find(const ods_map *m, const char *name)
{
    if (!m->nslots || !name)
        return -1;
    size_t mask = m->nslots - 1;
    for (size_t i = (size_t)hash_name(name) & mask;; i = (i + 1) & mask) {
        uint32_t s = m->slots[i];
        if (!s)
            return -1;
        if (strcmp(m->items[s - 1].name, name) == 0)
            return (int)(s - 1);
    }
}

/* The style named `name`, added (cleared) when new; replaced fields otherwise. */
static ws_status
map_add(ods_reader *r, ods_map *m, const char *name, int *out)
{
    int found = map_find(m, name);
    if (found >= 0) {
        ods_style *s = &m->items[found];
        s->parent = s->data_style = s->code = NULL;
        s->width = -1;
        s->fmt = -1;
        *out = found;
        return WS_OK;
    }
    if (m->count >= ODS_MAX_STYLES)
        return diag_fail(WS_ERR_LIMIT, "%s: more than %u styles of one kind", r->path,
                         ODS_MAX_STYLES);
    if ((m->count + 1) * 2 > m->nslots) {
        size_t n = m->nslots ? m->nslots * 2 : 64;
        uint32_t *slots = mem_calloc(n, sizeof *slots);
        if (!slots)
            return diag_nomem();
        for (size_t i = 0; i < m->count; i++) {
            size_t j = (size_t)hash_name(m->items[i].name) & (n - 1);
            while (slots[j])
                j = (j + 1) & (n - 1);
            slots[j] = (uint32_t)i + 1;
        }
        mem_free(m->slots);
        m->slots = slots;
        m->nslots = n;
    }
    if (mem_grow((void **)&m->items, &m->cap, m->count + 1, sizeof *m->items))
        return diag_nomem();
    char *copy = arena_strndup(&r->scratch, name, strlen(name));
    if (!copy)
        return diag_nomem();
    ods_style *s = &m->items[m->count];
    memset(s, 0, sizeof *s);
    s->name = copy;
    s->width = -1;
    s->fmt = -1;
    size_t j = (size_t)hash_name(copy) & (m->nslots - 1);
    while (m->slots[j])
        j = (j + 1) & (m->nslots - 1);
    m->slots[j] = (uint32_t)m->count + 1;
    *out = (int)m->count++;
    return WS_OK;
}

static void
map_clear(ods_map *m)
{
    mem_free(m->items);
    mem_free(m->slots);
}

static const char *
scratch_dup(ods_reader *r, const char *s)
{
    if (!s)
        return NULL;
    const char *copy = arena_strndup(&r->scratch, s, strlen(s));
    if (!copy)
        ods_fail(r, diag_nomem());
    return copy;
}

/* A plain unsigned decimal ("1048576"); false for anything else.  Saturates at `cap`. */
static bool
parse_count(const char *s, uint64_t cap, uint64_t *out)
{
    if (!s || !*s)
        return false;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > cap)
            v = cap;
    }
    *out = v;
    return true;
}

/* A decimal number as ODF writes it, in the C locale; no hex, inf or nan. */
static bool
parse_double(const ods_reader *r, const char *s, double *out)
{
    if (!s || !*s)
        return false;
    for (const char *p = s; *p; p++)
        if (!strchr("0123456789+-.eE", *p))
            return false;
    char *end;
    double d = strtod_l(s, &end, r->c_locale);
    if (*end || !isfinite(d))
        return false;
    *out = d;
    return true;
}

/* Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* Up to `max` digits as an integer; the count read in *n. */
static int64_t
read_digits(const char **s, int max, int *n)
{
    int64_t v = 0;
    *n = 0;
    while (**s >= '0' && **s <= '9' && *n < max) {
        v = v * 10 + (**s - '0');
        (*s)++;
        (*n)++;
    }
    return v;
}

/* office:date-value: [-]YYYY-MM-DD[Thh:mm:ss[.f]][Z|+hh:mm] -> serial from 1899-12-30. */
static bool
parse_date(const char *s, double *out, bool *has_time)
{
    int n;
    bool neg = *s == '-';
    if (neg)
        s++;
    int64_t y = read_digits(&s, 6, &n);
    if (n < 4 || *s++ != '-')
        return false;
    int64_t mo = read_digits(&s, 2, &n);
    if (n != 2 || *s++ != '-' || mo < 1 || mo > 12)
        return false;
    int64_t d = read_digits(&s, 2, &n);
    if (n != 2 || d < 1 || d > 31)
        return false;
    double frac = 0;
    *has_time = false;
    if (*s == 'T') {
        s++;
        int64_t h = read_digits(&s, 2, &n);
        if (n != 2 || *s++ != ':' || h > 24)
            return false;
        int64_t mi = read_digits(&s, 2, &n);
        if (n != 2 || mi > 59)
            return false;
        double sec = 0;
        if (*s == ':') {
            s++;
            sec = (double)read_digits(&s, 2, &n);
            if (n != 2 || sec > 60)
                return false;
            if (*s == '.' || *s == ',') {
                s++;
                double scale = 0.1;
                if (!(*s >= '0' && *s <= '9'))
                    return false;
                for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
                    sec += (*s - '0') * scale;
            }
        }
        frac = ((double)h * 3600 + (double)mi * 60 + sec) / 86400.0;
        *has_time = frac != 0;
    }
    /* A zone suffix is ignored: spreadsheets hold local wall-clock time. */
    if (*s && *s != 'Z' && *s != '+' && *s != '-')
        return false;
    if (neg)
        y = -y;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d) - days_from_civil(1899, 12, 30);
    *out = (double)days + frac;
    return true;
}

/* office:time-value: [-]P[nD][T[nH][nM][n[.f]S]] -> fraction of a day. */
static bool
parse_duration(const char *s, double *out)
{
    bool neg = *s == '-';
    if (neg)
        s++;
    if (*s++ != 'P')
        return false;
    double secs = 0;
    bool in_time = false, any = false;
    while (*s) {
        if (*s == 'T' && !in_time) {
            in_time = true;
            s++;
            continue;
        }
        int n;
        double v = (double)read_digits(&s, 12, &n);
        if (*s == '.' || *s == ',') {
            s++;
            double scale = 0.1;
            for (; *s >= '0' && *s <= '9'; s++, scale /= 10) {
                v += (*s - '0') * scale;
                n++;
            }
        }
        if (n == 0)
            return false;
        char unit = *s++;
        if (!in_time && unit == 'D')
            secs += v * 86400;
        else if (in_time && unit == 'H')
            secs += v * 3600;
        else if (in_time && unit == 'M')
            secs += v * 60;
        else if (in_time && unit == 'S')
            secs += v;
        else
            return false; /* years and months have no fixed length */
        any = true;
    }
    if (!any)
        return false;
    *out = (neg ? -secs : secs) / 86400.0;
    return true;
}

/* ---------------------------------------------------------------------------------------
 * Formulas: ODF "of:" syntax to the OOXML syntax of book.h
 * ------------------------------------------------------------------------------------- */

/* Unquoted sheet names that OOXML could misread need quotes. */
static bool
sheet_needs_quotes(const char *s, size_t n)
{
    if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
        return true;
    size_t letters = 0;
    while (letters < n && ((s[letters] >= 'A' && s[letters] <= 'Z') ||
                           (s[letters] >= 'a' && s[letters] <= 'z')))
        letters++;
    size_t digits = letters;
    while (digits < n && s[digits] >= '0' && s[digits] <= '9')
        digits++;
    if (letters >= 1 && letters <= 3 && digits == n && digits > letters)
        return true; /* looks like a cell: "AB12" */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || (unsigned char)c >= 0x80))
            return true;
    }
    return false;
}

/* The sheet name without its quotes, '' undoubled, into `out`. */
static ws_status
sheet_unquote(const char *s, size_t n, ods_buf *out, size_t max)
{
    ws_status st = WS_OK;
    if (n >= 2 && s[0] == '\'') {
        for (size_t i = 1; i + 1 < n && !st; i++) {
            if (s[i] == '\'' && s[i + 1] == '\'')
                i++;
            st = buf_putc(out, s[i], max);
        }
        return st;
    }
    return buf_put(out, s, n, max);
}

static ws_status
put_quoted_name(ods_buf *out, const char *name, size_t n, size_t max)
{
    ws_status st = buf_putc(out, '\'', max);
    for (size_t i = 0; i < n && !st; i++) {
        if (name[i] == '\'')
            st = buf_putc(out, '\'', max);
        if (!st)
            st = buf_putc(out, name[i], max);
    }
    if (!st)
        st = buf_putc(out, '\'', max);
    return st;
}

typedef struct ods_refpart {
    const char *sheet; /* as written (quoted or not), or NULL */
    size_t sheet_len;
    const char *cell;
    size_t cell_len;
} ods_refpart;

/* "$'Sheet 1'.$A$1", ".B2", "Sheet2.C" -> its sheet and cell. */
static void
split_ref_part(const char *s, size_t n, ods_refpart *part)
{
    part->sheet = NULL;
    part->sheet_len = 0;
    size_t i = 0;
    if (i < n && s[i] == '$' && i + 1 < n && (s[i + 1] == '\'' || s[i + 1] == '.'))
        i++;
    size_t start = i;
    if (i < n && s[i] == '\'') {
        for (i++; i < n; i++) {
            if (s[i] == '\'') {
                if (i + 1 < n && s[i + 1] == '\'')
                    i++;
                else
                    break;
            }
        }
        i++;
    } else {
        while (i < n && s[i] != '.')
            i++;
    }
    if (i < n && s[i] == '.') {
        if (i > start) {
            part->sheet = s + start;
            part->sheet_len = i - start;
        }
        part->cell = s + i + 1;
        part->cell_len = n - i - 1;
    } else { /* no sheet separator: all of it is the cell */
        part->cell = s;
        part->cell_len = n;
    }
    /* A "$" in front of an unquoted sheet name marks it absolute; OOXML has no such mark. */
    if (part->sheet && part->sheet[0] == '$') {
        part->sheet++;
        part->sheet_len--;
    }
}

static ws_status
put_sheet(ods_buf *out, const char *s, size_t n, size_t max)
{
    if (s[0] == '\'' || !sheet_needs_quotes(s, n))
        return buf_put(out, s, n, max);
    return put_quoted_name(out, s, n, max);
}

/* The inside of one [...] reference. */
static ws_status
convert_ref(const char *s, size_t n, ods_buf *out, size_t max)
{
    bool in_q = false;
    size_t colon = n;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'')
            in_q = !in_q;
        else if (!in_q && s[i] == '#') /* #REF! inside, or an external file */
            return buf_put(out, "#REF!", 5, max);
        else if (!in_q && s[i] == ':' && colon == n)
            colon = i;
    }
    ods_refpart a, b;
    split_ref_part(s, colon, &a);
    bool range = colon < n;
    if (range)
        split_ref_part(s + colon + 1, n - colon - 1, &b);
    ws_status st = WS_OK;
    bool three_d = range && a.sheet && b.sheet &&
                   !(a.sheet_len == b.sheet_len && memcmp(a.sheet, b.sheet, a.sheet_len) == 0);
    if (three_d) {
        ods_buf names = {0};
        st = sheet_unquote(a.sheet, a.sheet_len, &names, max);
        if (!st)
            st = buf_putc(&names, ':', max);
        if (!st)
            st = sheet_unquote(b.sheet, b.sheet_len, &names, max);
        if (!st)
            st = put_quoted_name(out, names.p, names.len, max);
        mem_free(names.p);
    } else if (a.sheet) {
        st = put_sheet(out, a.sheet, a.sheet_len, max);
    }
    if (!st && a.sheet)
        st = buf_putc(out, '!', max);
    if (!st)
        st = buf_put(out, a.cell, a.cell_len, max);
    if (!st && range) {
        st = buf_putc(out, ':', max);
        if (!st)
            st = buf_put(out, b.cell, b.cell_len, max);
    }
    return st;
}

/* An ODF formula ("of:=SUM([.B2:.B9];1)") as OOXML text without '=' ("SUM(B2:B9,1)"):
 * references lose their brackets and dots ('Sheet 1'!A1 for other sheets), ';' becomes
 * ',', inline arrays {1;2|3;4} become {1,2;3,4}, '~' (union) ',' and '!' (intersection)
 * a space.  Strings, names and error literals are copied unchanged. */
static ws_status
ods_formula(const char *src, ods_buf *out, size_t max)
{
    out->len = 0;
    const char *p = src;
    bool verbatim = false;
    const char *q = src;
    while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))
        q++;
    if (strncmp(p, "msoxl:", 6) == 0) {
        verbatim = true;
        p += 6;
    } else if (*q == ':' && q > src) {
        p = q + 1; /* of:, oooc: and any other namespace prefix */
    }
    if (*p == '=')
        p++;
    ws_status st = buf_put(out, "", 0, max);
    if (verbatim)
        return st ? st : buf_put(out, p, strlen(p), max);
    bool in_array = false;
    while (*p && !st) {
        char c = *p;
        if (c == '"') {
            const char *q = p + 1;
            while (*q) {
                if (*q == '"' && q[1] == '"')
                    q += 2;
                else if (*q == '"')
                    break;
                else
                    q++;
            }
            if (*q == '"')
                q++;
            st = buf_put(out, p, (size_t)(q - p), max);
            p = q;
        } else if (c == '[') {
            const char *q = p + 1;
            bool in_q = false;
            while (*q && (in_q || *q != ']')) {
                if (*q == '\'')
                    in_q = !in_q;
                q++;
            }
            if (!*q) { /* unbalanced: keep the rest as it is */
                st = buf_put(out, p, strlen(p), max);
                break;
            }
            st = convert_ref(p + 1, (size_t)(q - p - 1), out, max);
            p = q + 1;
        } else if (c == '#') {
            const char *q = p + 1;
            while (*q && (strchr("/!?", *q) || (*q >= 'A' && *q <= 'Z') ||
                          (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9')))
                q++;
            st = buf_put(out, p, (size_t)(q - p), max);
            p = q;
        } else {
            if (c == '{')
                in_array = true;
            else if (c == '}')
                in_array = false;
            else if (c == ';' || c == '~')
                c = ',';
            else if (c == '|' && in_array)
                c = ';';
            else if (c == '!')
                c = ' ';
            st = buf_putc(out, c, max);
            p++;
        }
    }
    return st;
}

/* ---------------------------------------------------------------------------------------
 * Number styles
 * ------------------------------------------------------------------------------------- */

static void
code_add(ods_reader *r, const char *s)
{
    if (!r->code_overflow && buf_put(&r->code, s, strlen(s), ODS_MAX_CODE))
        r->code_overflow = true;
}

/* Literal text of a format: separators as they are, a quote as \", the rest quoted. */
static void
code_add_literal(ods_reader *r, const char *s, size_t n)
{
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        bool plain = (s[i] && strchr(" -/.:,()", s[i])) ||
                     (s[i] == '%' && r->dkind == ODS_D_PERCENT);
        if ((plain || s[i] == '"') && quoted) {
            code_add(r, "\"");
            quoted = false;
        }
        if (s[i] == '"') {
            code_add(r, "\\\"");
            continue;
        }
        if (!plain && !quoted) {
            code_add(r, "\"");
            quoted = true;
        }
        char c[2] = {s[i], '\0'};
        code_add(r, c);
    }
    if (quoted)
        code_add(r, "\"");
}

static bool
attr_is(const char **attrs, const char *name, const char *value)
{
    const char *v = zipxml_attr(attrs, name);
    return v && strcmp(v, value) == 0;
}

static void
code_number(ods_reader *r, const char **attrs, bool general_without_decimals)
{
    const char *dp = zipxml_attr(attrs, "number:decimal-places");
    if (!dp && general_without_decimals) {
        code_add(r, "General");
        return;
    }
    uint64_t decimals = 0, min_decimals, min_int = 1;
    parse_count(dp, 30, &decimals);
    if (!parse_count(zipxml_attr(attrs, "number:min-decimal-places"), 30, &min_decimals))
        min_decimals = decimals;
    parse_count(zipxml_attr(attrs, "number:min-integer-digits"), 30, &min_int);
    if (attr_is(attrs, "number:grouping", "true")) {
        code_add(r, "#,##");
        code_add(r, "0");
        for (uint64_t i = 1; i < min_int && i < 4; i++)
            code_add(r, "0");
    } else {
        code_add(r, min_int ? "0" : "#");
        for (uint64_t i = 1; i < min_int; i++)
            code_add(r, "0");
    }
    if (decimals) {
        code_add(r, ".");
        for (uint64_t i = 0; i < decimals; i++)
            code_add(r, i < min_decimals ? "0" : "#");
    }
}

static void
style_start(ods_reader *r, const char *name, const char **attrs)
{
    if (strncmp(name, "number:", 7) == 0) {
        const char *n = name + 7;
        size_t len = strlen(n);
        if (len > 6 && strcmp(n + len - 6, "-style") == 0) {
            r->in_data_style = true;
            r->dname = scratch_dup(r, zipxml_attr(attrs, "style:name"));
            r->dkind = strcmp(n, "number-style") == 0       ? ODS_D_NUMBER
                       : strcmp(n, "percentage-style") == 0 ? ODS_D_PERCENT
                       : strcmp(n, "currency-style") == 0   ? ODS_D_CURRENCY
                       : strcmp(n, "date-style") == 0       ? ODS_D_DATE
                       : strcmp(n, "time-style") == 0       ? ODS_D_TIME
                       : strcmp(n, "text-style") == 0       ? ODS_D_TEXT
                                                            : ODS_D_OTHER;
            r->elapsed = attr_is(attrs, "number:truncate-on-overflow", "false");
            r->map_apply = NULL;
            r->code.len = 0;
            r->code_overflow = false;
            code_add(r, "");
            return;
        }
        if (!r->in_data_style)
            return;
        bool lng = attr_is(attrs, "number:style", "long");
        if (strcmp(n, "number") == 0) {
            code_number(r, attrs, r->dkind == ODS_D_NUMBER);
        } else if (strcmp(n, "scientific-number") == 0) {
            code_number(r, attrs, false);
            uint64_t e = 2;
            parse_count(zipxml_attr(attrs, "number:min-exponent-digits"), 5, &e);
            code_add(r, "E+");
            for (uint64_t i = 0; i < (e ? e : 1); i++)
                code_add(r, "0");
        } else if (strcmp(n, "fraction") == 0) {
            code_add(r, "# ?/?");
        } else if (strcmp(n, "year") == 0) {
            code_add(r, lng ? "yyyy" : "yy");
        } else if (strcmp(n, "month") == 0) {
            if (attr_is(attrs, "number:textual", "true"))
                code_add(r, lng ? "mmmm" : "mmm");
            else
                code_add(r, lng ? "mm" : "m");
        } else if (strcmp(n, "day") == 0) {
            code_add(r, lng ? "dd" : "d");
        } else if (strcmp(n, "day-of-week") == 0) {
            code_add(r, lng ? "dddd" : "ddd");
        } else if (strcmp(n, "hours") == 0) {
            if (r->elapsed)
                code_add(r, lng ? "[hh]" : "[h]");
            else
                code_add(r, lng ? "hh" : "h");
        } else if (strcmp(n, "minutes") == 0) {
            code_add(r, lng ? "mm" : "m");
        } else if (strcmp(n, "seconds") == 0) {
            code_add(r, lng ? "ss" : "s");
            uint64_t dp = 0;
            if (parse_count(zipxml_attr(attrs, "number:decimal-places"), 9, &dp) && dp) {
                code_add(r, ".");
                for (uint64_t i = 0; i < dp; i++)
                    code_add(r, "0");
            }
        } else if (strcmp(n, "am-pm") == 0) {
            code_add(r, "AM/PM");
        } else if (strcmp(n, "text-content") == 0) {
            code_add(r, "@");
        } else if (strcmp(n, "text") == 0 || strcmp(n, "currency-symbol") == 0) {
            r->in_literal = true;
            r->literal.len = 0;
        }
        return;
    }
    if (r->in_data_style && strcmp(name, "style:map") == 0) {
        const char *cond = zipxml_attr(attrs, "style:condition");
        if (cond && strcmp(cond, "value()>=0") == 0)
            r->map_apply = scratch_dup(r, zipxml_attr(attrs, "style:apply-style-name"));
        return;
    }
    if (strcmp(name, "style:style") == 0) {
        const char *sname = zipxml_attr(attrs, "style:name");
        const char *family = zipxml_attr(attrs, "style:family");
        if (!sname || !family)
            return;
        int idx;
        ws_status st;
        if (strcmp(family, "table-cell") == 0) {
            if ((st = map_add(r, &r->cell_styles, sname, &idx))) {
                ods_fail(r, st);
                return;
            }
            ods_style *s = &r->cell_styles.items[idx];
            s->parent = scratch_dup(r, zipxml_attr(attrs, "style:parent-style-name"));
            s->data_style = scratch_dup(r, zipxml_attr(attrs, "style:data-style-name"));
        } else if (strcmp(family, "table-column") == 0) {
            if ((st = map_add(r, &r->col_styles, sname, &idx))) {
                ods_fail(r, st);
                return;
            }
            r->cur_col_style = idx;
        }
        return;
    }
    if (r->cur_col_style >= 0 && strcmp(name, "style:table-column-properties") == 0) {
        const char *w = zipxml_attr(attrs, "style:column-width");
        if (!w)
            return;
        char *end;
        double v = strtod_l(w, &end, r->c_locale);
        static const struct {
            const char *unit;
            double points;
        } units[] = {{"in", 72.0}, {"cm", 72.0 / 2.54}, {"mm", 72.0 / 25.4},
                     {"pt", 1.0},  {"pc", 12.0},        {"px", 0.75}};
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
            if (end != w && isfinite(v) && v >= 0 && strcmp(end, units[i].unit) == 0) {
                double chars = (v * units[i].points * 96.0 / 72.0 - 5.0) / 7.0;
                r->col_styles.items[r->cur_col_style].width = chars > 0 ? chars : 0;
            }
        }
    }
}

static void
style_end(ods_reader *r, const char *name)
{
    if (strncmp(name, "number:", 7) == 0) {
        const char *n = name + 7;
        size_t len = strlen(n);
        if (r->in_literal && (strcmp(n, "text") == 0 || strcmp(n, "currency-symbol") == 0)) {
            r->in_literal = false;
            if (r->literal.len)
                code_add_literal(r, r->literal.p, r->literal.len);
            return;
        }
        if (r->in_data_style && len > 6 && strcmp(n + len - 6, "-style") == 0) {
            r->in_data_style = false;
            if (!r->dname || r->code_overflow || r->code.len == 0)
                return;
            int idx;
            ws_status st = map_add(r, &r->data_styles, r->dname, &idx);
            if (st) {
                ods_fail(r, st);
                return;
            }
            /* LibreOffice writes a negative format as the style and the positive one as
             * a style mapped on value()>=0: OOXML puts the positive section first. */
            int pos = map_find(&r->data_styles, r->map_apply);
            const char *code;
            if (pos >= 0 && pos != idx && r->data_styles.items[pos].code) {
                const char *p = r->data_styles.items[pos].code;
                size_t pl = strlen(p);
                char *c = arena_alloc(&r->scratch, pl + r->code.len + 2);
                if (c) {
                    memcpy(c, p, pl);
                    c[pl] = ';';
                    memcpy(c + pl + 1, r->code.p, r->code.len + 1);
                }
                code = c;
            } else {
                code = arena_strndup(&r->scratch, r->code.p, r->code.len);
            }
            if (!code) {
                ods_fail(r, diag_nomem());
                return;
            }
            r->data_styles.items[idx].code = code;
        }
        return;
    }
    if (strcmp(name, "style:style") == 0)
        r->cur_col_style = -1;
}

/* The number format of a cell style (interned on first use), 0 for General. */
static int
style_fmt(ods_reader *r, int idx)
{
    if (idx < 0)
        return 0;
    ods_style *s = &r->cell_styles.items[idx];
    if (s->fmt >= 0)
        return s->fmt;
    const ods_style *t = s;
    for (int depth = 0; t && !t->data_style && t->parent && depth < ODS_MAX_PARENTS; depth++) {
        int p = map_find(&r->cell_styles, t->parent);
        t = p >= 0 ? &r->cell_styles.items[p] : NULL;
    }
    int fmt = 0;
    int d = t ? map_find(&r->data_styles, t->data_style) : -1;
    if (d >= 0 && r->data_styles.items[d].code) {
        const char *code = r->data_styles.items[d].code;
        uint16_t f;
        ws_status st = book_format_intern(r->book, code, strlen(code), &f);
        if (st) {
            ods_fail(r, st);
            return 0;
        }
        fmt = f;
    }
    s = &r->cell_styles.items[idx];
    s->fmt = fmt;
    return fmt;
}

static int
cell_style_index(ods_reader *r, const char *name)
{
    if (r->last_style_name && strcmp(r->last_style_name, name) == 0)
        return r->last_style;
    int idx = map_find(&r->cell_styles, name);
    if (idx >= 0) {
        r->last_style_name = r->cell_styles.items[idx].name;
        r->last_style = idx;
    }
    return idx;
}

/* ---------------------------------------------------------------------------------------
 * The body
 * ------------------------------------------------------------------------------------- */

static void
table_start(ods_reader *r, const char **attrs)
{
    const char *name = zipxml_attr(attrs, "table:name");
    char fallback[32];
    if (!name || !*name) {
        snprintf(fallback, sizeof fallback, "Sheet%zu", r->book->sheet_count + 1);
        name = fallback;
    }
    if (r->book->sheet_count >= ODS_MAX_SHEETS) {
        ods_fail(r, diag_fail(WS_ERR_LIMIT, "%s: more than %u sheets", r->path, ODS_MAX_SHEETS));
        return;
    }
    if (book_find_sheet(r->book, name, strlen(name))) {
        ods_fail(r, diag_fail(WS_ERR_FORMAT, "%s: two sheets are named '%s'", r->path, name));
        return;
    }
    ws_status st = book_add_sheet(r->book, name, strlen(name), &r->sheet);
    if (st) {
        ods_fail(r, st);
        return;
    }
    r->row = 0;
    r->col = 0;
    r->row_repeat = 1;
    r->row_style = -1;
    r->next_col_def = 0;
    r->coldef_count = 0;
    r->active_count = 0;
}

static void
column_start(ods_reader *r, const char **attrs)
{
    uint64_t rep = 1;
    const char *rs = zipxml_attr(attrs, "table:number-columns-repeated");
    if (rs && (!parse_count(rs, ODS_REPEAT_CAP, &rep) || rep == 0)) {
        ods_fail(r, diag_fail(WS_ERR_FORMAT,
                              "%s: sheet '%s': a column repeat count of \"%.40s\"", r->path,
                              r->sheet->name, rs));
        return;
    }
    uint64_t c0 = r->next_col_def, c1 = c0 + rep - 1;
    r->next_col_def += rep;
    if (c0 >= BOOK_MAX_COLS)
        return;
    if (c1 >= BOOK_MAX_COLS)
        c1 = BOOK_MAX_COLS - 1;
    int cs = map_find(&r->col_styles, zipxml_attr(attrs, "table:style-name"));
    if (cs >= 0 && r->col_styles.items[cs].width >= 0) {
        double w = r->col_styles.items[cs].width;
        book_sheet *sh = r->sheet;
        book_colwidth *last = sh->width_count ? &sh->widths[sh->width_count - 1] : NULL;
        if (last && last->width == w && last->col1 + 1 == c0) {
            last->col1 = (uint32_t)c1;
        } else {
            ws_status st = book_set_width(r->book, sh, (uint32_t)c0, (uint32_t)c1, w);
            if (st) {
                ods_fail(r, st);
                return;
            }
        }
    }
    const char *def = zipxml_attr(attrs, "table:default-cell-style-name");
    int ds = def ? map_find(&r->cell_styles, def) : -1;
    if (ds >= 0 && style_fmt(r, ds) != 0) {
        if (mem_grow((void **)&r->coldefs, &r->coldef_cap, r->coldef_count + 1,
                     sizeof *r->coldefs)) {
            ods_fail(r, diag_nomem());
            return;
        }
        r->coldefs[r->coldef_count++] = (ods_coldef){(uint32_t)c0, (uint32_t)c1, ds};
    }
}

static int
column_default_style(const ods_reader *r, uint64_t col)
{
    size_t lo = 0, hi = r->coldef_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->coldefs[mid].col1 < col)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < r->coldef_count && r->coldefs[lo].col0 <= col && col <= r->coldefs[lo].col1)
        return r->coldefs[lo].style;
    return -1;
}

static void
row_start(ods_reader *r, const char **attrs)
{
    r->row_repeat = 1;
    r->row_style = -1;
    r->col = 0;
    for (const char **a = attrs; a[0]; a += 2) {
        if (strcmp(a[0], "table:number-rows-repeated") == 0) {
            if (!parse_count(a[1], ODS_REPEAT_CAP, &r->row_repeat) || r->row_repeat == 0) {
                char what[80];
                snprintf(what, sizeof what, "a row repeat count of \"%.40s\"", a[1]);
                ods_fail_at(r, WS_ERR_FORMAT, what);
                return;
            }
        } else if (strcmp(a[0], "table:default-cell-style-name") == 0) {
            r->row_style = map_find(&r->cell_styles, a[1]);
        }
    }
}

static void
row_end(ods_reader *r)
{
    r->row += r->row_repeat;
    if (r->row > ODS_REPEAT_CAP)
        r->row = ODS_REPEAT_CAP;
    r->row_repeat = 1;
    r->row_style = -1;
    /* Array areas that ended above the next row need no more checks. */
    size_t k = 0;
    for (size_t i = 0; i < r->active_count; i++)
        if (r->active[i].row1 >= r->row)
            r->active[k++] = r->active[i];
    r->active_count = k;
}

static void
cell_start(ods_reader *r, const char **attrs)
{
    r->in_cell = true;
    r->col_repeat = 1;
    r->cell_style = -1;
    r->vtype = ODS_V_NONE;
    r->collect = true;
    r->paragraphs = 0;
    r->text_depth = 0;
    r->text.len = 0;
    r->has_formula = false;
    r->span_cols = r->span_rows = 0;
    r->date_has_time = false;
    const char *value = NULL, *date = NULL, *time = NULL, *boolean = NULL;
    const char *string = NULL, *formula = NULL, *vtype = NULL;
    bool error = false;
    for (const char **a = attrs; a[0]; a += 2) {
        const char *n = a[0];
        if (strncmp(n, "office:", 7) == 0) {
            n += 7;
            if (strcmp(n, "value-type") == 0)
                vtype = a[1];
            else if (strcmp(n, "value") == 0)
                value = a[1];
            else if (strcmp(n, "date-value") == 0)
                date = a[1];
            else if (strcmp(n, "time-value") == 0)
                time = a[1];
            else if (strcmp(n, "boolean-value") == 0)
                boolean = a[1];
            else if (strcmp(n, "string-value") == 0)
                string = a[1];
        } else if (strncmp(n, "table:", 6) == 0) {
            n += 6;
            uint64_t v;
            if (strcmp(n, "number-columns-repeated") == 0) {
                if (!parse_count(a[1], ODS_REPEAT_CAP, &r->col_repeat) || !r->col_repeat) {
                    char what[80];
                    snprintf(what, sizeof what, "a column repeat count of \"%.40s\"", a[1]);
                    ods_fail_at(r, WS_ERR_FORMAT, what);
                    return;
                }
            } else if (strcmp(n, "style-name") == 0) {
                r->cell_style = cell_style_index(r, a[1]);
            } else if (strcmp(n, "formula") == 0) {
                formula = a[1];
            } else if (strcmp(n, "number-matrix-columns-spanned") == 0 ||
                       strcmp(n, "number-matrix-rows-spanned") == 0) {
                if (!parse_count(a[1], BOOK_MAX_ROWS + 1ull, &v) || v == 0) {
                    ods_fail_at(r, WS_ERR_FORMAT, "a bad array formula span");
                    return;
                }
                if (n[14] == 'c')
                    r->span_cols = (uint32_t)v;
                else
                    r->span_rows = (uint32_t)v;
            }
        } else if (strcmp(n, "calcext:value-type") == 0 && strcmp(a[1], "error") == 0) {
            error = true;
        }
    }
    if (error) {
        r->vtype = ODS_V_ERROR;
    } else if (vtype) {
        bool ok = true;
        if (strcmp(vtype, "float") == 0 || strcmp(vtype, "currency") == 0) {
            r->vtype = ODS_V_NUMBER;
            ok = parse_double(r, value, &r->number);
        } else if (strcmp(vtype, "percentage") == 0) {
            r->vtype = ODS_V_PERCENT;
            ok = parse_double(r, value, &r->number);
        } else if (strcmp(vtype, "date") == 0) {
            r->vtype = ODS_V_DATE;
            ok = date && parse_date(date, &r->number, &r->date_has_time);
        } else if (strcmp(vtype, "time") == 0) {
            r->vtype = ODS_V_TIME;
            ok = time && parse_duration(time, &r->number);
        } else if (strcmp(vtype, "boolean") == 0) {
            r->vtype = ODS_V_BOOL;
            ok = boolean && (strcmp(boolean, "true") == 0 || strcmp(boolean, "false") == 0 ||
                             strcmp(boolean, "1") == 0 || strcmp(boolean, "0") == 0);
            r->boolean = ok && (boolean[0] == 't' || boolean[0] == '1');
        } else if (strcmp(vtype, "string") == 0) {
            r->vtype = ODS_V_STRING;
        } else if (strcmp(vtype, "void") != 0) {
            char what[96];
            snprintf(what, sizeof what, "an unknown value type \"%.40s\"", vtype);
            ods_fail_at(r, WS_ERR_FORMAT, what);
            return;
        }
        if (!ok) {
            char what[128];
            snprintf(what, sizeof what, "a %s value that does not parse", vtype);
            ods_fail_at(r, WS_ERR_FORMAT, what);
            return;
        }
    }
    if (r->vtype == ODS_V_STRING && string) {
        r->collect = false;
        ws_status st = buf_put(&r->text, string, strlen(string), r->book->limits.max_text_bytes);
        if (st) {
            ods_fail_at(r, st, st == WS_ERR_LIMIT ? "a text longer than the limit (raise "
                                                    "max_text_bytes)"
                                                  : "out of memory");
            return;
        }
    } else if (r->vtype != ODS_V_STRING && r->vtype != ODS_V_NONE && r->vtype != ODS_V_ERROR) {
        r->collect = false; /* the paragraphs only show the value */
    }
    if (formula) {
        r->has_formula = true;
        ws_status st = ods_formula(formula, &r->formula, r->book->limits.max_formula_bytes);
        if (st) {
            ods_fail_at(r, st, st == WS_ERR_LIMIT ? "a formula longer than the limit (raise "
                                                    "max_formula_bytes)"
                                                  : "out of memory");
            return;
        }
    }
}

static bool
cell_in_array(const ods_reader *r, uint32_t row, uint32_t col)
{
    for (size_t i = 0; i < r->active_count; i++) {
        const book_area *a = &r->active[i];
        if (a->row0 <= row && row <= a->row1 && a->col0 <= col && col <= a->col1)
            return true;
    }
    return false;
}

static ws_cell_error
error_code(const char *text)
{
    static const struct {
        const char *text;
        ws_cell_error code;
    } codes[] = {{"#NULL!", WS_CELL_ERR_NULL}, {"#DIV/0!", WS_CELL_ERR_DIV0},
                 {"#VALUE!", WS_CELL_ERR_VALUE}, {"#REF!", WS_CELL_ERR_REF},
                 {"#NAME?", WS_CELL_ERR_NAME},  {"#NUM!", WS_CELL_ERR_NUM},
                 {"#N/A", WS_CELL_ERR_NA}};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(text, codes[i].text) == 0)
            return codes[i].code;
    return 0;
}

/* The default format a date, time or percentage needs when its style gives none. */
static int
typed_fmt(ods_reader *r, int fmt)
{
    const char *code = NULL;
    if (r->vtype == ODS_V_DATE || r->vtype == ODS_V_TIME) {
        if (fmt && book_format_is_date(r->book, (uint16_t)fmt))
            return fmt;
        code = r->vtype == ODS_V_TIME ? "[hh]:mm:ss"
               : r->date_has_time    ? "yyyy-mm-dd hh:mm:ss"
                                     : "yyyy-mm-dd";
    } else if (r->vtype == ODS_V_PERCENT && fmt == 0) {
        code = "0%";
    }
    if (!code)
        return fmt;
    uint16_t f;
    ws_status st = book_format_intern(r->book, code, strlen(code), &f);
    if (st) {
        ods_fail(r, st);
        return 0;
    }
    return f;
}

static void
cell_end(ods_reader *r)
{
    r->in_cell = false;
    uint64_t cols = r->col_repeat, rows = r->row_repeat;
    bool empty = !r->has_formula && r->text.len == 0 &&
                 (r->vtype == ODS_V_NONE || r->vtype == ODS_V_STRING);
    if (empty) {
        r->col += cols;
        if (r->col > ODS_REPEAT_CAP)
            r->col = ODS_REPEAT_CAP;
        return;
    }
    const ws_limits *lim = &r->book->limits;
    uint64_t max_rows = lim->max_rows < BOOK_MAX_ROWS ? lim->max_rows : BOOK_MAX_ROWS;
    uint64_t max_cols = lim->max_cols < BOOK_MAX_COLS ? lim->max_cols : BOOK_MAX_COLS;
    if (r->row + rows > max_rows) {
        ods_fail_at(r, WS_ERR_LIMIT, "a value beyond the row limit (raise max_rows)");
        return;
    }
    if (r->col + cols > max_cols) {
        ods_fail_at(r, WS_ERR_LIMIT, "a value beyond the column limit (raise max_cols)");
        return;
    }
    uint64_t total = rows * cols;
    if (total > lim->max_cells || r->book->cell_count > lim->max_cells - total) {
        char what[160];
        snprintf(what, sizeof what,
                 "a value repeated %llu times makes more than %llu cells (raise max_cells)",
                 (unsigned long long)total, (unsigned long long)lim->max_cells);
        ods_fail_at(r, WS_ERR_LIMIT, what);
        return;
    }
    /* The value, copied into the book once and shared by every repeat. */
    ws_value v = {.type = WS_TYPE_EMPTY};
    switch (r->vtype) {
    case ODS_V_NUMBER:
    case ODS_V_DATE:
    case ODS_V_TIME:
    case ODS_V_PERCENT:
        v = value_number(r->number);
        break;
    case ODS_V_BOOL:
        v = value_bool(r->boolean);
        break;
    case ODS_V_ERROR: {
        v.type = WS_TYPE_ERROR;
        const char *t = r->text.len ? r->text.p : "";
        v.error = (uint8_t)error_code(t);
        if (!v.error) {
            /* Err:523 is "no convergence", which Excel calls #NUM!. */
            v.error = strcmp(t, "Err:523") == 0 ? WS_CELL_ERR_NUM : WS_CELL_ERR_VALUE;
            if (r->text.len && !(v.as.text = book_strndup(r->book, t, r->text.len))) {
                ods_fail(r, diag_nomem());
                return;
            }
        }
        break;
    }
    case ODS_V_STRING:
    case ODS_V_NONE:
        if (r->text.len || r->vtype == ODS_V_STRING) {
            v.type = WS_TYPE_TEXT;
            if (!(v.as.text = book_strndup(r->book, r->text.len ? r->text.p : "",
                                           r->text.len))) {
                ods_fail(r, diag_nomem());
                return;
            }
        }
        break;
    }
    const char *formula = NULL;
    if (r->has_formula && !(formula = book_strndup(r->book, r->formula.p, r->formula.len))) {
        ods_fail(r, diag_nomem());
        return;
    }
    int style = r->cell_style;
    if (style < 0)
        style = r->row_style;
    int fmt = 0;
    if (style >= 0) {
        fmt = typed_fmt(r, style_fmt(r, style));
        if (r->st)
            return;
    }
    bool anchor = r->has_formula && (r->span_cols > 1 || r->span_rows > 1) && rows == 1 &&
                  cols == 1;
    if (anchor) {
        uint64_t c1 = r->col + (r->span_cols ? r->span_cols : 1) - 1;
        uint64_t r1 = r->row + (r->span_rows ? r->span_rows : 1) - 1;
        if (c1 >= BOOK_MAX_COLS || r1 >= BOOK_MAX_ROWS) {
            ods_fail_at(r, WS_ERR_FORMAT, "an array formula reaching off the grid");
            return;
        }
        if (r->active_count >= ODS_MAX_ACTIVE_ARRAYS) {
            ods_fail_at(r, WS_ERR_LIMIT, "too many array formulas side by side");
            return;
        }
        book_area area = {(uint32_t)r->row, (uint32_t)r->col, (uint32_t)r1, (uint32_t)c1};
        ws_status st = book_add_array(r->book, r->sheet, area);
        if (!st && mem_grow((void **)&r->active, &r->active_cap, r->active_count + 1,
                            sizeof *r->active))
            st = diag_nomem();
        if (st) {
            ods_fail(r, st);
            return;
        }
        r->active[r->active_count++] = area;
    }
    for (uint64_t i = 0; i < rows; i++) {
        for (uint64_t j = 0; j < cols; j++) {
            uint32_t row = (uint32_t)(r->row + i), col = (uint32_t)(r->col + j);
            if (style < 0) { /* the column's default cell style, if any */
                fmt = typed_fmt(r, style_fmt(r, column_default_style(r, col)));
                if (r->st)
                    return;
            }
            book_cell *cell;
            ws_status st = book_cell_put(r->book, r->sheet, row, col, &cell);
            if (st) {
                ods_fail(r, st);
                return;
            }
            cell->value = v;
            cell->formula = formula;
            cell->fmt = (uint16_t)fmt;
            if (anchor && i == 0 && j == 0)
                cell->flags = BOOK_CELL_ARRAY_ANCHOR;
            else if (r->active_count && cell_in_array(r, row, col))
                cell->flags = BOOK_CELL_ARRAY_PART;
        }
    }
    r->col += cols;
}

static void
text_add(ods_reader *r, const char *s, size_t n)
{
    ws_status st = buf_put(&r->text, s, n, r->book->limits.max_text_bytes);
    if (st)
        ods_fail_at(r, st,
                    st == WS_ERR_LIMIT ? "a text longer than the limit (raise max_text_bytes)"
                                       : "out of memory");
}

static void
cell_text_start(ods_reader *r, const char *name, const char **attrs)
{
    const char *n = name + 5;
    if (strcmp(n, "p") == 0 || strcmp(n, "h") == 0) {
        if (r->paragraphs++ > 0)
            text_add(r, "\n", 1);
        r->text_depth++;
    } else if (r->text_depth == 0) {
        return;
    } else if (strcmp(n, "s") == 0) {
        uint64_t c = 1;
        const char *cs = zipxml_attr(attrs, "text:c");
        if (cs && !parse_count(cs, (uint64_t)r->book->limits.max_text_bytes + 1, &c))
            c = 1;
        if (c > r->book->limits.max_text_bytes) {
            ods_fail_at(r, WS_ERR_LIMIT, "a text longer than the limit (raise max_text_bytes)");
            return;
        }
        char spaces[64];
        memset(spaces, ' ', sizeof spaces);
        while (c && !r->st) {
            size_t k = c < sizeof spaces ? (size_t)c : sizeof spaces;
            text_add(r, spaces, k);
            c -= k;
        }
    } else if (strcmp(n, "tab") == 0) {
        text_add(r, "\t", 1);
    } else if (strcmp(n, "line-break") == 0) {
        text_add(r, "\n", 1);
    } else if (strcmp(n, "note") == 0) {
        r->skip_depth = 1;
    }
}

/* ---------------------------------------------------------------------------------------
 * The handlers
 * ------------------------------------------------------------------------------------- */

static void
on_start(void *user, const char *name, const char **attrs)
{
    ods_reader *r = user;
    if (r->skip_depth) {
        r->skip_depth++;
        return;
    }
    if (r->in_cell) {
        if (strncmp(name, "text:", 5) == 0) {
            if (r->collect)
                cell_text_start(r, name, attrs);
        } else if (strcmp(name, "office:annotation") == 0 || strncmp(name, "draw:", 5) == 0 ||
                   strncmp(name, "table:", 6) == 0) {
            r->skip_depth = 1; /* comments, drawings, and tables or cells nested in a cell */
        }
        return;
    }
    if (!r->in_body) {
        if (strcmp(name, "office:body") == 0)
            r->in_body = true;
        else
            style_start(r, name, attrs);
        return;
    }
    if (strncmp(name, "table:", 6) != 0) {
        if (strcmp(name, "office:spreadsheet") == 0)
            r->spreadsheet = true;
        return;
    }
    const char *n = name + 6;
    if (strcmp(n, "table") == 0) {
        if (!r->spreadsheet || r->in_table) {
            r->skip_depth = 1; /* a table outside the spreadsheet or inside another */
        } else {
            r->in_table = true;
            table_start(r, attrs);
        }
        return;
    }
    if (!r->in_table)
        return;
    if (strcmp(n, "table-row") == 0)
        row_start(r, attrs);
    else if (strcmp(n, "table-cell") == 0 || strcmp(n, "covered-table-cell") == 0)
        cell_start(r, attrs);
    else if (strcmp(n, "table-column") == 0)
        column_start(r, attrs);
    else if (strcmp(n, "shapes") == 0 || strcmp(n, "named-expressions") == 0)
        r->skip_depth = 1;
}

static void
on_end(void *user, const char *name)
{
    ods_reader *r = user;
    if (r->skip_depth) {
        r->skip_depth--;
        return;
    }
    if (r->in_cell) {
        if (strcmp(name, "table:table-cell") == 0 ||
            strcmp(name, "table:covered-table-cell") == 0)
            cell_end(r);
        else if (r->collect && r->text_depth &&
                 (strcmp(name, "text:p") == 0 || strcmp(name, "text:h") == 0))
            r->text_depth--;
        return;
    }
    if (!r->in_body) {
        style_end(r, name);
        return;
    }
    if (strcmp(name, "table:table-row") == 0 && r->in_table)
        row_end(r);
    else if (strcmp(name, "table:table") == 0)
        r->in_table = false;
    else if (strcmp(name, "office:body") == 0)
        r->in_body = false;
}

static void
on_text(void *user, const char *text, int len)
{
    ods_reader *r = user;
    if (r->skip_depth || len <= 0)
        return;
    if (r->in_cell) {
        if (r->collect && r->text_depth)
            text_add(r, text, (size_t)len);
    } else if (r->in_literal) {
        if (buf_put(&r->literal, text, (size_t)len, ODS_MAX_CODE))
            r->code_overflow = true;
    }
}

/* manifest.xml: a password-protected file lists encryption data for its parts. */
static void
on_manifest(void *user, const char *name, const char **attrs)
{
    (void)attrs;
    ods_reader *r = user;
    if (strcmp(name, "manifest:encryption-data") == 0)
        ods_fail(r, diag_fail(WS_ERR_UNSUPPORTED,
                              "%s: the file is password-protected; save it without a "
                              "password to read it",
                              r->path));
}

static void
reader_reset_parse(ods_reader *r)
{
    r->skip_depth = 0;
    r->in_body = false;
    r->in_cell = false;
    r->in_data_style = false;
    r->in_literal = false;
    r->cur_col_style = -1;
}

ws_status
ods_read(ws_book *book, const char *path)
{
    ods_reader r;
    memset(&r, 0, sizeof r);
    arena_init(&r.scratch);
    r.book = book;
    r.path = path;
    r.cur_col_style = -1;
    r.last_style = -1;
    ws_status st = zipxml_open(path, &book->limits, &r.zip);
    if (st)
        goto cleanup;
    if (!zipxml_has(r.zip, "content.xml")) {
        st = diag_fail(WS_ERR_FORMAT, "%s: not an OpenDocument file (no content.xml)", path);
        goto cleanup;
    }
    r.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (!r.c_locale) {
        st = diag_nomem();
        goto cleanup;
    }
    if (zipxml_has(r.zip, "META-INF/manifest.xml")) {
        st = zipxml_parse(r.zip, "META-INF/manifest.xml", on_manifest, NULL, NULL, &r);
        if (st)
            goto cleanup;
    }
    if (zipxml_has(r.zip, "styles.xml")) {
        reader_reset_parse(&r);
        st = zipxml_parse(r.zip, "styles.xml", on_start, on_end, on_text, &r);
        if (!st)
            st = r.st;
        if (st)
            goto cleanup;
    }
    reader_reset_parse(&r);
    st = zipxml_parse(r.zip, "content.xml", on_start, on_end, on_text, &r);
    if (!st)
        st = r.st;
    if (st)
        goto cleanup;
    if (!r.spreadsheet) {
        st = diag_fail(WS_ERR_FORMAT,
                       "%s: content.xml holds no spreadsheet (a text document or a "
                       "presentation?)",
                       path);
        goto cleanup;
    }
    if (book->sheet_count == 0) {
        book_sheet *sheet;
        st = book_add_sheet(book, "Sheet1", 6, &sheet);
    }
cleanup:
    zipxml_close(r.zip);
    if (r.c_locale)
        freelocale(r.c_locale);
    map_clear(&r.data_styles);
    map_clear(&r.cell_styles);
    map_clear(&r.col_styles);
    mem_free(r.code.p);
    mem_free(r.literal.p);
    mem_free(r.text.p);
    mem_free(r.formula.p);
    mem_free(r.coldefs);
    mem_free(r.active);
    arena_clear(&r.scratch);
    return st;
}
