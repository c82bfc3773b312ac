/* The streamed XLSX reader: workbook, relationships, shared strings, styles, then each
 * worksheet, through zipxml (minizip + expat, limits checked while streaming).
 *
 * Memory grows with the cells kept, never with the file: sheet XML is parsed in 256 KiB
 * windows, a cell's value text is gathered in one reused buffer, shared strings live once
 * in the book's arena and cells point at them.  A big shared-strings part is parsed on a
 * second thread while the sheets are (a large book reads about a quarter faster on two
 * cores); text cells keep their string's index until both are done.
 *
 * Documented readings of odd but harmless input (issue 7 asks for "an error or a
 * documented, deterministic reading"):
 *   - Elements are matched by local name: any namespace prefix ("x:c") is ignored.
 *   - A <row> without r is the row after the previous one; a <c> without r is the column
 *     after the previous cell of its row (the first column in a new row).
 *   - Cells must come in reading order (rows rising, columns rising in a row), as Excel
 *     requires; a cell at or before an earlier one is WS_ERR_FORMAT, so hostile ordering
 *     cannot make reading quadratic.
 *   - A cell with neither value nor formula (a formatted blank) is not kept.
 *   - A style index beyond cellXfs reads as "General".
 *   - Error codes beyond the seven classic ones (#SPILL!, #CALC!, ...) read as #N/A with
 *     the code as the reason.
 */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/mem.h"
#include "io/book.h"
#include "io/zipxml.h"

/* ---------------------------------------------------------------------------------------
 * Private types
 * ------------------------------------------------------------------------------------- */

typedef struct xr_buf {
    char *data;
    size_t len, cap;
} xr_buf;

typedef struct xr_rel {
    const char *id, *type, *target; /* target resolved to an entry name; in tmp arena */
} xr_rel;

typedef struct xr_sheetref {
    const char *name, *rid; /* tmp arena */
    const char *entry;      /* its part, once read (tmp arena) */
    size_t index;           /* its place among the book's sheets, once read */
} xr_sheetref;

typedef struct xr_numfmt {
    uint32_t id;
    const char *code; /* tmp arena */
} xr_numfmt;

/* The master of a shared formula: the cell whose <f> holds the text. */
typedef struct xr_master {
    uint32_t si;
    uint32_t row, col;
    const char *text; /* book arena (it is also the master cell's formula) */
} xr_master;

/* The shared strings, read by a parse of their own: on a second thread when the part is
 * big, so a large book's strings and cells are read at the same time.  They go into an
 * arena of their own, which the book adopts at the end; until then a sheet's text cell
 * keeps its string's index (BOOK_CELL_SST_INDEX). */
typedef struct xr_sst {
    zipxml *zip; /* the handle parsing them: the reader's own, or one reopened for the thread */
    const char *path, *part;
    uint64_t max_count;
    size_t max_bytes;
    arena strings;
    const char **items;
    size_t count, cap;
    xr_buf text;
    bool capture, in_si;
    int rph_depth;
    ws_status status;
    char reason[DIAG_REASON_MAX]; /* a failure's reason, from the thread that had it */
} xr_sst;

enum { CAP_NONE = 0, CAP_V, CAP_F, CAP_T };
enum { FT_NORMAL = 0, FT_SHARED, FT_ARRAY, FT_OTHER };

typedef struct xr {
    ws_book *book;
    zipxml *zip;
    const char *path;
    arena tmp; /* names and targets, freed at the end */
    ws_status status;

    /* Text being gathered: value or string text (v) and formula text (f). */
    xr_buf v, f;
    int cap;

    /* Relationships and workbook. */
    xr_rel *rels;
    size_t rel_count, rel_cap;
    xr_sheetref *sheets;
    size_t sheet_count, sheet_cap;

    int rph_depth; /* inside phonetic runs (<rPh>), whose text is not the cell's */

    /* Styles. */
    xr_numfmt *numfmts;
    size_t numfmt_count, numfmt_cap;
    uint16_t *xf_fmt;
    size_t xf_count, xf_cap;
    bool in_cellxfs, in_numfmts;

    /* The worksheet being read. */
    book_sheet *sheet;
    const char *entry;
    bool in_data, in_cell, in_is, have_cell, have_row;
    uint32_t row;             /* current row */
    uint32_t last_row, last_col; /* last cell kept or seen */
    uint32_t crow, ccol;      /* the cell being read */
    uint16_t cfmt;
    char ctype;               /* 'n', 's', 'b', 'e', 'i' (inlineStr), 'r' (str), 'd' */
    bool has_v, has_f;
    int ftype;
    bool f_has_ref;
    uint32_t f_si;
    bool f_has_si;
    book_area f_ref;
    xr_master *masters;
    size_t master_count, master_cap;
    uint32_t *master_index; /* open addressing: index+1 into masters, 0 = free */
    size_t master_slots;
    book_area *active; /* array formula areas that still reach the current row */
    size_t active_count, active_cap;
    xr_buf shifted;

    locale_t c_locale;

    xr_sst sst;
    pthread_t sst_thread;
    bool sst_threaded;  /* sst is being read on sst_thread, to be joined */
    size_t sst_pending; /* text cells holding a string's index (BOOK_CELL_SST_INDEX) */
} xr;

/* ---------------------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------------------- */

static inline const char *
local_name(const char *name)
{
    if (name[0] && (name[1] == '\0' || (name[1] != ':' && name[2] == '\0')))
        return name; /* "c", "v", "is": the hot path */
    const char *colon = strchr(name, ':');
    return colon ? colon + 1 : name;
}

static void
xr_stop(xr *x, ws_status st)
{
    if (!x->status)
        x->status = st;
    zipxml_stop(x->zip, st);
}

/* A failure located at the current cell of the current sheet. */
static ws_status DIAG_PRINTF(3, 4)
xr_cell_fail(xr *x, ws_status st, const char *fmt, ...)
{
    char msg[DIAG_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char cell[16];
    book_cell_name(x->crow, x->ccol, cell);
    return diag_fail(st, "%s: sheet '%s' (%s), cell %s: %s", x->path, x->sheet->name,
                     x->entry, cell, msg);
}

static ws_status DIAG_PRINTF(3, 4)
xr_sheet_fail(xr *x, ws_status st, const char *fmt, ...)
{
    char msg[DIAG_REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return diag_fail(st, "%s: sheet '%s' (%s): %s", x->path, x->sheet->name, x->entry, msg);
}

static int
buf_append(xr_buf *b, const char *text, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap;
        if (mem_grow((void **)&b->data, &cap, b->len + len + 1, 1))
            return -1;
        b->cap = cap;
    }
    memcpy(b->data + b->len, text, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

static void
buf_free(xr_buf *b)
{
    mem_free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static inline void
buf_reset(xr_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static const char *
tmp_dup(xr *x, const char *text)
{
    return arena_strndup(&x->tmp, text, strlen(text));
}

/* Decode OOXML's _xHHHH_ escapes (ST_Xstring) in place; "_x005F_" escapes an underscore.
 * Only called when the text holds "_x". */
static size_t
decode_xstring(char *s, size_t len)
{
    size_t r = 0, w = 0;
    while (r < len) {
        if (s[r] == '_' && r + 6 < len && s[r + 1] == 'x' && s[r + 6] == '_') {
            unsigned cp = 0;
            bool hex = true;
            for (size_t k = 2; k < 6; k++) {
                char c = s[r + k];
                unsigned d;
                if (c >= '0' && c <= '9')
                    d = (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                    d = (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                    d = (unsigned)(c - 'A' + 10);
                else {
                    hex = false;
                    break;
                }
                cp = cp * 16 + d;
            }
            /* A lone surrogate half cannot be UTF-8: keep the escape as text. */
            if (hex && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0) {
                if (cp < 0x80) {
                    s[w++] = (char)cp;
                } else if (cp < 0x800) {
                    s[w++] = (char)(0xC0 | (cp >> 6));
                    s[w++] = (char)(0x80 | (cp & 0x3F));
                } else {
                    s[w++] = (char)(0xE0 | (cp >> 12));
                    s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    s[w++] = (char)(0x80 | (cp & 0x3F));
                }
                r += 7;
                continue;
            }
        }
        s[w++] = s[r++];
    }
    s[w] = '\0';
    return w;
}

/* The text of buffer `b` into arena `a`, escapes decoded. */
static const char *
decoded_copy(arena *a, xr_buf *b)
{
    if (!b->data)
        return arena_strndup(a, "", 0);
    size_t len = b->len;
    if (memchr(b->data, '_', len) && strstr(b->data, "_x"))
        len = decode_xstring(b->data, len);
    return arena_strndup(a, b->data, len);
}

/* A number as OOXML writes it (xsd:double in decimal: [+-] digits [. digits] [e [+-]
 * digits], white space around it tolerated), bit-identical to strtod in the C locale.
 * Hex, "INF", "NaN" and anything strtod would take beyond decimal are not numbers.
 *
 * Clinger's fast path covers what spreadsheets write: when the digits, without the point,
 * make an integer m <= 2^53 and the power of ten p is within +-22, both are exact doubles
 * and one IEEE multiplication or division rounds m * 10^p correctly, as strtod does.
 * Everything else (17 significant digits, big exponents) goes to strtod. */
static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static bool
parse_number(xr *x, const char *s, size_t n, double *out)
{
    const char *p = s, *end = s + n;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    const char *num = p;
    bool neg = false;
    if (p < end && (*p == '-' || *p == '+'))
        neg = *p++ == '-';
    uint64_t m = 0;
    int digits = 0, frac = 0; /* significant digits kept in m; of them after the point */
    bool any = false;
    for (; p < end && (unsigned)(*p - '0') < 10; p++) {
        any = true;
        if (digits || *p != '0') { /* leading zeros add nothing */
            if (digits < 19)
                m = m * 10 + (uint64_t)(*p - '0');
            digits++;
        }
    }
    if (p < end && *p == '.') {
        for (p++; p < end && (unsigned)(*p - '0') < 10; p++) {
            any = true;
            if (digits || *p != '0') {
                if (digits < 19)
                    m = m * 10 + (uint64_t)(*p - '0');
                digits++;
            }
            frac++;
        }
    }
    if (!any)
        return false;
    int64_t exp = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < end && (*p == '-' || *p == '+'))
            eneg = *p++ == '-';
        if (p == end || (unsigned)(*p - '0') >= 10)
            return false;
        for (; p < end && (unsigned)(*p - '0') < 10; p++)
            if (exp < 100000)
                exp = exp * 10 + (*p - '0');
        if (eneg)
            exp = -exp;
    }
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p != end)
        return false;
    /* frac counts every digit after the point, leading zeros too: "0.05" is 5e-2. */
    int64_t pow10 = exp - frac;
    if (digits <= 19 && m <= (UINT64_C(1) << 53) && pow10 >= -22 && pow10 <= 22) {
        double v = (double)m;
        if (pow10 < 0)
            v /= pow10_tab[-pow10];
        else
            v *= pow10_tab[pow10];
        *out = neg ? -v : v;
        return true;
    }
    /* strtod needs a terminated string: the value buffer always is, and it stops at the
     * trailing white space checked above. */
    locale_t old = uselocale(x->c_locale);
    double v = strtod(num, NULL);
    uselocale(old);
    if (!isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Unsigned decimal without sign; false when empty, not digits, or beyond `max`. */
static bool
parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if ((unsigned)(*s - '0') >= 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max)
            return false;
    }
    *out = v;
    return true;
}

typedef enum ref_parse { REF_OK, REF_BAD, REF_HUGE } ref_parse;

/* "B12" -> row 11, col 1.  No '$', nothing after.  REF_HUGE when well formed but beyond
 * the sheet's grid (the caller names the limit). */
static ref_parse
parse_cell_ref(const char *s, uint64_t *row, uint64_t *col)
{
    uint64_t c = 0, r = 0; /* may wrap on absurd lengths: those are REF_HUGE below */
    const char *p = s;
    for (; (unsigned)((*p | 0x20) - 'a') < 26; p++)
        c = c * 26 + (uint64_t)((*p | 0x20) - 'a' + 1);
    const char *d = p;
    for (; (unsigned)(*p - '0') < 10; p++)
        r = r * 10 + (uint64_t)(*p - '0');
    if (*p || d == s || p == d)
        return REF_BAD;
    if (d - s > 7 || p - d > 15)
        return REF_HUGE;
    if (r == 0)
        return REF_BAD;
    *row = r - 1;
    *col = c - 1;
    return REF_OK;
}

/* "A1:C3" or "B2" (with optional '$'), into an area; false when malformed. */
static bool
parse_area(const char *s, book_area *out)
{
    char a[64], b[64];
    const char *colon = strchr(s, ':');
    size_t la = colon ? (size_t)(colon - s) : strlen(s);
    if (la == 0 || la >= sizeof a)
        return false;
    size_t w = 0;
    for (size_t i = 0; i < la; i++)
        if (s[i] != '$')
            a[w++] = s[i];
    a[w] = '\0';
    if (colon) {
        w = 0;
        for (const char *p = colon + 1; *p && w + 1 < sizeof b; p++)
            if (*p != '$')
                b[w++] = *p;
        b[w] = '\0';
    } else {
        memcpy(b, a, w + 1);
    }
    uint64_t r0, c0, r1, c1;
    if (parse_cell_ref(a, &r0, &c0) != REF_OK || parse_cell_ref(b, &r1, &c1) != REF_OK)
        return false;
    if (r0 >= BOOK_MAX_ROWS || r1 >= BOOK_MAX_ROWS || c0 >= BOOK_MAX_COLS ||
        c1 >= BOOK_MAX_COLS || r1 < r0 || c1 < c0)
        return false;
    *out = (book_area){(uint32_t)r0, (uint32_t)c0, (uint32_t)r1, (uint32_t)c1};
    return true;
}

/* ---------------------------------------------------------------------------------------
 * Shared formulas: shifting relative references
 * ------------------------------------------------------------------------------------- */

static inline bool
is_name_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '$' || c == '\\' || c >= 0x80;
}

/* A token split as [$]letters[$]digits; `letters` and `digits` count them (0 = none). */
typedef struct ref_tok {
    bool col_abs, row_abs;
    int letters, digits;
    uint64_t col, row; /* col 0-based, row 1-based as written */
} ref_tok;

static bool
split_ref(const char *t, size_t n, ref_tok *r)
{
    size_t i = 0;
    memset(r, 0, sizeof *r);
    if (i < n && t[i] == '$')
        r->col_abs = true, i++;
    while (i < n && ((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z'))) {
        if (++r->letters > 3)
            return false;
        r->col = r->col * 26 + (uint64_t)((t[i] | 0x20) - 'a' + 1);
        i++;
    }
    if (r->letters == 0 && r->col_abs) {
        /* "$5": an absolute row of a row range. */
        r->col_abs = false;
        r->row_abs = true;
    } else if (i < n && t[i] == '$') {
        if (r->letters == 0)
            return false;
        r->row_abs = true, i++;
    }
    while (i < n && t[i] >= '0' && t[i] <= '9') {
        if (++r->digits > 7)
            return false;
        r->row = r->row * 10 + (uint64_t)(t[i] - '0');
        i++;
    }
    if (i != n || (r->letters == 0 && r->digits == 0))
        return false;
    if (r->row_abs && r->digits == 0)
        return false;
    if (r->letters) {
        r->col -= 1;
        if (r->col >= BOOK_MAX_COLS)
            return false;
    }
    if (r->digits && (r->row == 0 || r->row > BOOK_MAX_ROWS))
        return false;
    return true;
}

/* Appends a reference part shifted by drow/dcol; false when it falls off the grid. */
static bool
emit_ref(xr_buf *out, const ref_tok *r, int64_t drow, int64_t dcol, bool *nomem)
{
    char tmp[32];
    size_t w = 0;
    if (r->letters) {
        int64_t c = (int64_t)r->col + (r->col_abs ? 0 : dcol);
        if (c < 0 || c >= (int64_t)BOOK_MAX_COLS)
            return false;
        if (r->col_abs)
            tmp[w++] = '$';
        char letters[4];
        book_col_name((uint32_t)c, letters);
        for (char *p = letters; *p; p++)
            tmp[w++] = *p;
    }
    if (r->digits) {
        int64_t row = (int64_t)r->row + (r->row_abs ? 0 : drow);
        if (row < 1 || row > (int64_t)BOOK_MAX_ROWS)
            return false;
        if (r->row_abs)
            tmp[w++] = '$';
        w += (size_t)snprintf(tmp + w, sizeof tmp - w, "%lld", (long long)row);
    }
    if (buf_append(out, tmp, w))
        *nomem = true;
    return true;
}

/* The formula `src` as it reads drow rows and dcol columns away from its master: relative
 * references move, '$' parts stay, strings, quoted sheet names and bracketed parts are
 * copied untouched.  A reference pushed off the grid becomes #REF!, as in Excel. */
static ws_status
shift_formula(xr *x, const char *src, int64_t drow, int64_t dcol)
{
    xr_buf *out = &x->shifted;
    buf_reset(out);
    bool nomem = false;
    const char *p = src;
    while (*p && !nomem) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\'') {
            const char *q = p + 1;
            while (*q && *q != (char)c)
                q++;
            if (*q)
                q++;
            nomem |= buf_append(out, p, (size_t)(q - p)) != 0;
            p = q;
        } else if (c == '[') {
            int depth = 0;
            const char *q = p;
            for (; *q; q++) {
                if (*q == '[')
                    depth++;
                else if (*q == ']' && --depth == 0) {
                    q++;
                    break;
                }
            }
            nomem |= buf_append(out, p, (size_t)(q - p)) != 0;
            p = q;
        } else if (is_name_char(c)) {
            const char *q = p;
            while (*q && is_name_char((unsigned char)*q))
                q++;
            size_t n = (size_t)(q - p);
            ref_tok a, b;
            bool done = false;
            if (*q != '(' && *q != '!' && split_ref(p, n, &a)) {
                if (a.letters && a.digits) {
                    /* A cell reference. */
                    if (!emit_ref(out, &a, drow, dcol, &nomem))
                        nomem |= buf_append(out, "#REF!", 5) != 0;
                    done = true;
                } else if (*q == ':') {
                    /* A whole-column (A:C) or whole-row (1:3) range. */
                    const char *r = q + 1;
                    while (*r && is_name_char((unsigned char)*r))
                        r++;
                    /* Not "A:B!C1", a 3-D reference across sheets named A and B. */
                    if (*r != '!' && split_ref(q + 1, (size_t)(r - q - 1), &b) &&
                        ((a.letters && !a.digits && b.letters && !b.digits) ||
                         (!a.letters && a.digits && !b.letters && b.digits))) {
                        size_t mark = out->len;
                        if (emit_ref(out, &a, drow, dcol, &nomem) &&
                            !buf_append(out, ":", 1) && emit_ref(out, &b, drow, dcol, &nomem)) {
                        } else {
                            out->len = mark;
                            nomem |= buf_append(out, "#REF!", 5) != 0;
                        }
                        q = r;
                        done = true;
                    }
                }
            }
            if (!done)
                nomem |= buf_append(out, p, n) != 0;
            p = q;
        } else {
            nomem |= buf_append(out, p, 1) != 0;
            p++;
        }
        if (out->len > x->book->limits.max_formula_bytes)
            return xr_cell_fail(x, WS_ERR_LIMIT,
                                "the shared formula grows beyond %u bytes (raise "
                                "max_formula_bytes)",
                                x->book->limits.max_formula_bytes);
    }
    if (nomem || buf_append(out, "", 0))
        return diag_nomem();
    return WS_OK;
}

static const xr_master *
master_find(const xr *x, uint32_t si)
{
    if (!x->master_slots)
        return NULL;
    size_t mask = x->master_slots - 1;
    for (size_t h = (si * 2654435761u) & mask;; h = (h + 1) & mask) {
        uint32_t k = x->master_index[h];
        if (!k)
            return NULL;
        if (x->masters[k - 1].si == si)
            return &x->masters[k - 1];
    }
}

static ws_status
master_add(xr *x, uint32_t si, uint32_t row, uint32_t col, const char *text)
{
    xr_master *m = (xr_master *)master_find(x, si);
    if (m) { /* a later master with the same si replaces the earlier, as in Excel */
        *m = (xr_master){si, row, col, text};
        return WS_OK;
    }
    if (x->master_count >= UINT32_MAX - 1)
        return diag_fail(WS_ERR_LIMIT, "too many shared formulas");
    if (mem_grow((void **)&x->masters, &x->master_cap, x->master_count + 1, sizeof *x->masters))
        return diag_nomem();
    x->masters[x->master_count++] = (xr_master){si, row, col, text};
    if (x->master_count * 2 > x->master_slots) {
        size_t slots = x->master_slots ? x->master_slots * 2 : 64;
        uint32_t *index = mem_calloc(slots, sizeof *index);
        if (!index) {
            x->master_count--;
            return diag_nomem();
        }
        mem_free(x->master_index);
        x->master_index = index;
        x->master_slots = slots;
        for (size_t i = 0; i < x->master_count; i++) {
            size_t h = (x->masters[i].si * 2654435761u) & (slots - 1);
            while (index[h])
                h = (h + 1) & (slots - 1);
            index[h] = (uint32_t)(i + 1);
        }
        return WS_OK;
    }
    size_t mask = x->master_slots - 1;
    size_t h = (si * 2654435761u) & mask;
    while (x->master_index[h])
        h = (h + 1) & mask;
    x->master_index[h] = (uint32_t)x->master_count;
    return WS_OK;
}

/* ---------------------------------------------------------------------------------------
 * Relationships, workbook
 * ------------------------------------------------------------------------------------- */

/* Resolve a relationship target against the folder of the part that owns it. */
static const char *
resolve_target(xr *x, const char *base_dir, const char *target)
{
    char path[1024];
    size_t w = 0;
    if (target[0] == '/') {
        target++;
    } else {
        size_t n = strlen(base_dir);
        if (n >= sizeof path)
            return NULL;
        memcpy(path, base_dir, n);
        w = n;
    }
    /* Append segment by segment, folding "." and "..". */
    const char *p = target;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (w > 0)
                w--;
            while (w > 0 && path[w - 1] != '/')
                w--;
        } else {
            if (w + n + 2 >= sizeof path)
                return NULL;
            memcpy(path + w, p, n);
            w += n;
            if (slash)
                path[w++] = '/';
        }
        p += n + (slash ? 1 : 0);
    }
    path[w] = '\0';
    return arena_strndup(&x->tmp, path, w);
}

typedef struct rels_ctx {
    xr *x;
    const char *base_dir;
} rels_ctx;

static void
rels_start(void *user, const char *name, const char **attrs)
{
    rels_ctx *c = user;
    xr *x = c->x;
    if (strcmp(local_name(name), "Relationship") != 0)
        return;
    const char *id = zipxml_attr(attrs, "Id");
    const char *type = zipxml_attr(attrs, "Type");
    const char *target = zipxml_attr(attrs, "Target");
    const char *mode = zipxml_attr(attrs, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
        return;
    if (mem_grow((void **)&x->rels, &x->rel_cap, x->rel_count + 1, sizeof *x->rels)) {
        xr_stop(x, diag_nomem());
        return;
    }
    xr_rel r = {tmp_dup(x, id), tmp_dup(x, type), resolve_target(x, c->base_dir, target)};
    if (!r.id || !r.type || !r.target) {
        xr_stop(x, r.target || !r.id || !r.type
                       ? diag_nomem()
                       : diag_fail(WS_ERR_FORMAT, "%s: relationship %s has a target too long",
                                   x->path, id));
        return;
    }
    x->rels[x->rel_count++] = r;
}

static ws_status
read_rels(xr *x, const char *entry, const char *base_dir)
{
    x->rel_count = 0;
    if (!zipxml_has(x->zip, entry))
        return WS_OK;
    rels_ctx c = {x, base_dir};
    x->status = WS_OK;
    ws_status st = zipxml_parse(x->zip, entry, rels_start, NULL, NULL, &c);
    return st;
}

static bool
type_is(const char *type, const char *suffix)
{
    size_t n = strlen(type), m = strlen(suffix);
    return n >= m && strcmp(type + n - m, suffix) == 0;
}

static const xr_rel *
rel_by_type(const xr *x, const char *suffix)
{
    for (size_t i = 0; i < x->rel_count; i++)
        if (type_is(x->rels[i].type, suffix))
            return &x->rels[i];
    return NULL;
}

static const xr_rel *
rel_by_id(const xr *x, const char *id)
{
    for (size_t i = 0; i < x->rel_count; i++)
        if (strcmp(x->rels[i].id, id) == 0)
            return &x->rels[i];
    return NULL;
}

static void
workbook_start(void *user, const char *name, const char **attrs)
{
    xr *x = user;
    name = local_name(name);
    if (strcmp(name, "sheet") == 0) {
        const char *sname = zipxml_attr(attrs, "name");
        /* r:id, whatever the relationships namespace's prefix is. */
        const char *rid = NULL;
        for (const char **a = attrs; a[0]; a += 2)
            if (strchr(a[0], ':') && strcmp(local_name(a[0]), "id") == 0)
                rid = a[1];
        if (!sname || !rid) {
            xr_stop(x, diag_fail(WS_ERR_FORMAT, "%s: workbook: a <sheet> without name or id",
                                 x->path));
            return;
        }
        if (mem_grow((void **)&x->sheets, &x->sheet_cap, x->sheet_count + 1,
                     sizeof *x->sheets)) {
            xr_stop(x, diag_nomem());
            return;
        }
        xr_sheetref s = {.name = tmp_dup(x, sname), .rid = tmp_dup(x, rid)};
        if (!s.name || !s.rid) {
            xr_stop(x, diag_nomem());
            return;
        }
        x->sheets[x->sheet_count++] = s;
    } else if (strcmp(name, "workbookPr") == 0) {
        const char *d = zipxml_attr(attrs, "date1904");
        if (d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0))
            x->book->date1904 = true;
    }
}

/* ---------------------------------------------------------------------------------------
 * Shared strings
 * ------------------------------------------------------------------------------------- */

static void
text_gather(void *user, const char *text, int len)
{
    xr *x = user;
    if (x->cap == CAP_NONE)
        return;
    xr_buf *b = x->cap == CAP_F ? &x->f : &x->v;
    size_t limit = x->cap == CAP_F ? x->book->limits.max_formula_bytes
                                   : x->book->limits.max_text_bytes;
    if (b->len + (size_t)len > limit) {
        xr_stop(x, xr_cell_fail(x, WS_ERR_LIMIT,
                                "%s longer than %zu bytes (raise %s to read it)",
                                x->cap == CAP_F ? "a formula" : "a text", limit,
                                x->cap == CAP_F ? "max_formula_bytes" : "max_text_bytes"));
        return;
    }
    if (buf_append(b, text, (size_t)len))
        xr_stop(x, diag_nomem());
}

static void
sst_text(void *user, const char *text, int len)
{
    xr_sst *t = user;
    if (!t->capture)
        return;
    if (t->text.len + (size_t)len > t->max_bytes) {
        zipxml_stop(t->zip, diag_fail(WS_ERR_LIMIT,
                                      "%s: shared string %zu is longer than %zu bytes (raise "
                                      "max_text_bytes to read it)",
                                      t->path, t->count, t->max_bytes));
        return;
    }
    if (buf_append(&t->text, text, (size_t)len))
        zipxml_stop(t->zip, diag_nomem());
}

static void
sst_start(void *user, const char *name, const char **attrs)
{
    xr_sst *t = user;
    name = local_name(name);
    if (name[0] == 't' && name[1] == '\0') {
        if (t->in_si && t->rph_depth == 0)
            t->capture = true;
    } else if (strcmp(name, "si") == 0) {
        t->in_si = true;
        t->rph_depth = 0;
        buf_reset(&t->text);
    } else if (strcmp(name, "rPh") == 0) {
        t->rph_depth++;
    } else if (strcmp(name, "sst") == 0) {
        /* Pre-size from the claimed count, trusting it only up to a modest size. */
        const char *u = zipxml_attr(attrs, "uniqueCount");
        uint64_t n;
        if (u && parse_uint(u, 1u << 20, &n) &&
            mem_grow((void **)&t->items, &t->cap, (size_t)n + 1, sizeof *t->items))
            zipxml_stop(t->zip, diag_nomem());
    }
}

static void
sst_end(void *user, const char *name)
{
    xr_sst *t = user;
    name = local_name(name);
    if (name[0] == 't' && name[1] == '\0') {
        t->capture = false;
    } else if (strcmp(name, "rPh") == 0) {
        if (t->rph_depth > 0)
            t->rph_depth--;
    } else if (strcmp(name, "si") == 0) {
        t->in_si = false;
        if (t->count >= t->max_count) {
            zipxml_stop(t->zip, diag_fail(WS_ERR_LIMIT,
                                          "%s: more than %llu shared strings (raise "
                                          "max_shared_strings to read it)",
                                          t->path, (unsigned long long)t->max_count));
            return;
        }
        if (mem_grow((void **)&t->items, &t->cap, t->count + 1, sizeof *t->items)) {
            zipxml_stop(t->zip, diag_nomem());
            return;
        }
        const char *text = decoded_copy(&t->strings, &t->text);
        if (!text) {
            zipxml_stop(t->zip, diag_nomem());
            return;
        }
        t->items[t->count++] = text;
    }
}

/* The whole parse of the shared strings; a failure's reason is kept with the status, as
 * the thread that reads them is not the one that reports it. */
static void *
sst_read(void *arg)
{
    xr_sst *t = arg;
    t->status = zipxml_parse(t->zip, t->part, sst_start, sst_end, sst_text, t);
    if (t->status)
        snprintf(t->reason, sizeof t->reason, "%s", diag_reason());
    return NULL;
}

/* Shared-strings parts this big (as the zip directory claims, inflated) are read on a
 * thread of their own: below it a thread costs more than it saves. */
#define SST_THREAD_MIN (256u * 1024u)
static _Atomic uint64_t sst_thread_min = SST_THREAD_MIN;

void
xlsx_read_sst_thread_min(uint64_t bytes)
{
    atomic_store(&sst_thread_min, bytes);
}

/* Starts reading the shared strings: on a thread when the part is big and a thread and a
 * second zip handle can be had, else here and now. */
static ws_status
sst_begin(xr *x, const char *part)
{
    xr_sst *t = &x->sst;
    t->path = x->path;
    t->part = part;
    t->max_count = x->book->limits.max_shared_strings;
    t->max_bytes = x->book->limits.max_text_bytes;
    t->zip = x->zip;
    if (zipxml_claimed_size(x->zip, part) >= atomic_load(&sst_thread_min) &&
        zipxml_reopen(x->zip, &t->zip) == WS_OK) {
        if (pthread_create(&x->sst_thread, NULL, sst_read, t) == 0) {
            x->sst_threaded = true;
            return WS_OK;
        }
        zipxml_close(t->zip);
        t->zip = x->zip;
    }
    diag_clear(); /* a failed reopen only means no thread */
    sst_read(t);
    return t->status;
}

/* Waits for a threaded read of the shared strings to end. */
static void
sst_wait(xr *x)
{
    if (!x->sst_threaded)
        return;
    pthread_join(x->sst_thread, NULL);
    x->sst_threaded = false;
    zipxml_close(x->sst.zip);
    x->sst.zip = NULL;
}

/* Points every text cell of the sheets read at its shared string, now that all are read;
 * sheets after the last such cell are not walked. */
static ws_status
sst_resolve(xr *x)
{
    const xr_sst *t = &x->sst;
    for (size_t i = 0; x->sst_pending && i < x->sheet_count; i++) {
        const xr_sheetref *ref = &x->sheets[i];
        if (!ref->entry)
            continue;
        book_sheet *sheet = &x->book->sheets[ref->index];
        for (size_t r = 0; r < sheet->row_count; r++) {
            book_row *row = &sheet->rows[r];
            for (uint32_t c = 0; c < row->count; c++) {
                book_cell *cell = &row->cells[c];
                if (!(cell->flags & BOOK_CELL_SST_INDEX))
                    continue;
                uint64_t idx = (uint64_t)cell->value.as.number;
                if (idx >= t->count) {
                    char name[16];
                    book_cell_name(row->row, cell->col, name);
                    return diag_fail(WS_ERR_FORMAT,
                                     "%s: sheet '%s' (%s), cell %s: shared string index "
                                     "'%llu' is out of range (the book has %zu shared "
                                     "strings)",
                                     x->path, sheet->name, ref->entry, name,
                                     (unsigned long long)idx, t->count);
                }
                cell->value.as.text = (char *)t->items[idx];
                cell->flags &= (uint16_t)~BOOK_CELL_SST_INDEX;
                x->sst_pending--;
            }
        }
    }
    return WS_OK;
}

/* ---------------------------------------------------------------------------------------
 * Styles: cell format index -> number format code
 * ------------------------------------------------------------------------------------- */

/* Built-in number formats (ECMA-376 Part 1, 18.8.30), plus the Japanese-locale dates Excel
 * writes as ids 27-36 and 50-58, so dates in them are recognised. */
static const char *
builtin_format(uint32_t id)
{
    switch (id) {
    case 0: return "General";
    case 1: return "0";
    case 2: return "0.00";
    case 3: return "#,##0";
    case 4: return "#,##0.00";
    case 5: return "\"$\"#,##0_);(\"$\"#,##0)";
    case 6: return "\"$\"#,##0_);[Red](\"$\"#,##0)";
    case 7: return "\"$\"#,##0.00_);(\"$\"#,##0.00)";
    case 8: return "\"$\"#,##0.00_);[Red](\"$\"#,##0.00)";
    case 9: return "0%";
    case 10: return "0.00%";
    case 11: return "0.00E+00";
    case 12: return "# ?/?";
    case 13: return "# ?\?/??";
    case 14: return "mm-dd-yy";
    case 15: return "d-mmm-yy";
    case 16: return "d-mmm";
    case 17: return "mmm-yy";
    case 18: return "h:mm AM/PM";
    case 19: return "h:mm:ss AM/PM";
    case 20: return "h:mm";
    case 21: return "h:mm:ss";
    case 22: return "m/d/yy h:mm";
    case 27: case 36: case 50: case 57: return "[$-411]ge.m.d";
    case 28: case 29: case 51: case 54: case 58: return "[$-411]ggge\"年\"m\"月\"d\"日\"";
    case 30: return "m/d/yy";
    case 31: case 52: case 55: return "yyyy\"年\"m\"月\"d\"日\"";
    case 32: return "h\"時\"mm\"分\"";
    case 33: return "h\"時\"mm\"分\"ss\"秒\"";
    case 34: case 53: return "yyyy\"年\"m\"月\"";
    case 35: case 56: return "m\"月\"d\"日\"";
    case 37: return "#,##0 ;(#,##0)";
    case 38: return "#,##0 ;[Red](#,##0)";
    case 39: return "#,##0.00;(#,##0.00)";
    case 40: return "#,##0.00;[Red](#,##0.00)";
    case 41: return "_(* #,##0_);_(* \\(#,##0\\);_(* \"-\"_);_(@_)";
    case 42: return "_(\"$\"* #,##0_);_(\"$\"* \\(#,##0\\);_(\"$\"* \"-\"_);_(@_)";
    case 43: return "_(* #,##0.00_);_(* \\(#,##0.00\\);_(* \"-\"??_);_(@_)";
    case 44: return "_(\"$\"* #,##0.00_)_(\"$\"* \\(#,##0.00\\)_(\"$\"* \"-\"??_)_(@_)";
    case 45: return "mm:ss";
    case 46: return "[h]:mm:ss";
    case 47: return "mmss.0";
    case 48: return "##0.0E+0";
    case 49: return "@";
    default: return "General";
    }
}

static void
styles_start(void *user, const char *name, const char **attrs)
{
    xr *x = user;
    name = local_name(name);
    if (strcmp(name, "numFmt") == 0 && x->in_numfmts) {
        const char *id = zipxml_attr(attrs, "numFmtId");
        const char *code = zipxml_attr(attrs, "formatCode");
        uint64_t n;
        if (!id || !code || !parse_uint(id, UINT32_MAX, &n))
            return;
        if (mem_grow((void **)&x->numfmts, &x->numfmt_cap, x->numfmt_count + 1,
                     sizeof *x->numfmts)) {
            xr_stop(x, diag_nomem());
            return;
        }
        const char *c = tmp_dup(x, code);
        if (!c) {
            xr_stop(x, diag_nomem());
            return;
        }
        x->numfmts[x->numfmt_count++] = (xr_numfmt){(uint32_t)n, c};
    } else if (strcmp(name, "xf") == 0 && x->in_cellxfs) {
        const char *id = zipxml_attr(attrs, "numFmtId");
        uint64_t n = 0;
        if (!id || !parse_uint(id, UINT32_MAX, &n))
            n = 0;
        const char *code = NULL;
        for (size_t i = x->numfmt_count; i-- > 0;)
            if (x->numfmts[i].id == n) {
                code = x->numfmts[i].code;
                break;
            }
        if (!code)
            code = builtin_format((uint32_t)n);
        uint16_t fmt;
        ws_status st = book_format_intern(x->book, code, strlen(code), &fmt);
        if (!st && mem_grow((void **)&x->xf_fmt, &x->xf_cap, x->xf_count + 1,
                            sizeof *x->xf_fmt))
            st = diag_nomem();
        if (st) {
            xr_stop(x, st);
            return;
        }
        x->xf_fmt[x->xf_count++] = fmt;
    } else if (strcmp(name, "numFmts") == 0) {
        x->in_numfmts = true;
    } else if (strcmp(name, "cellXfs") == 0) {
        x->in_cellxfs = true;
    }
}

static void
styles_end(void *user, const char *name)
{
    xr *x = user;
    name = local_name(name);
    if (strcmp(name, "numFmts") == 0)
        x->in_numfmts = false;
    else if (strcmp(name, "cellXfs") == 0)
        x->in_cellxfs = false;
}

/* ---------------------------------------------------------------------------------------
 * Worksheets
 * ------------------------------------------------------------------------------------- */

static ws_cell_error
error_code(const char *s, bool *known)
{
    static const struct {
        const char *text;
        ws_cell_error error;
    } map[] = {{"#NULL!", WS_CELL_ERR_NULL}, {"#DIV/0!", WS_CELL_ERR_DIV0},
               {"#VALUE!", WS_CELL_ERR_VALUE}, {"#REF!", WS_CELL_ERR_REF},
               {"#NAME?", WS_CELL_ERR_NAME},   {"#NUM!", WS_CELL_ERR_NUM},
               {"#N/A", WS_CELL_ERR_NA}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i].text) == 0) {
            *known = true;
            return map[i].error;
        }
    *known = false;
    return WS_CELL_ERR_NA;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

/* An ISO 8601 date-time (t="d" cells) as a serial number of the book's date system. */
static bool
parse_iso_date(const char *s, bool date1904, double *out)
{
    int y, mo, d, h = 0, mi = 0, n = 0;
    double sec = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || mo < 1 || mo > 12 || d < 1 ||
        d > 31)
        return false;
    const char *t = s + n;
    if (*t == 'T') {
        int k = 0;
        if (sscanf(t + 1, "%2d:%2d%n", &h, &mi, &k) != 2)
            return false;
        t += 1 + k;
        if (*t == ':') {
            char *e;
            sec = strtod(t + 1, &e);
            t = e;
        }
    }
    if (*t && *t != 'Z')
        return false;
    int64_t days = days_from_civil(y, (unsigned)mo, (unsigned)d);
    /* 1899-12-30 is serial 0 in the 1900 system (Excel's fictitious 1900-02-29 makes
     * earlier dates off by one; they are rare and not represented here). */
    int64_t epoch = date1904 ? days_from_civil(1904, 1, 1) : days_from_civil(1899, 12, 30);
    *out = (double)(days - epoch) + (h * 3600.0 + mi * 60.0 + sec) / 86400.0;
    return true;
}

static void
row_start(xr *x, const char **attrs)
{
    const char *r = NULL;
    for (const char **a = attrs; a[0]; a += 2)
        if (a[0][0] == 'r' && a[0][1] == '\0')
            r = a[1];
    uint64_t row;
    if (r) {
        uint64_t n;
        if (!parse_uint(r, UINT64_MAX / 10, &n) || n == 0) {
            xr_stop(x, xr_sheet_fail(x, WS_ERR_FORMAT, "row number '%s' is not valid", r));
            return;
        }
        row = n - 1;
    } else {
        row = x->have_row ? (uint64_t)x->row + 1 : 0;
    }
    if (row >= x->book->limits.max_rows) {
        xr_stop(x, xr_sheet_fail(x, WS_ERR_LIMIT,
                                 "row %llu is beyond the limit of %u rows (raise max_rows to "
                                 "read it)",
                                 (unsigned long long)row + 1, x->book->limits.max_rows));
        return;
    }
    if (x->have_row && row <= x->row) {
        xr_stop(x, xr_sheet_fail(x, WS_ERR_FORMAT,
                                 "row %llu comes after row %u; rows must ascend",
                                 (unsigned long long)row + 1, x->row + 1));
        return;
    }
    if (x->sheet->row_count) {
        /* A new row gets room for as many cells as the row before had, so a table is one
         * allocation per row, sized exactly. */
        uint32_t n = x->sheet->rows[x->sheet->row_count - 1].count;
        x->sheet->row_cap_hint = n > 1 ? n : 0;
    }
    x->row = (uint32_t)row;
    x->have_row = true;
    /* Array areas that ended above this row need no more checks. */
    size_t w = 0;
    for (size_t i = 0; i < x->active_count; i++)
        if (x->active[i].row1 >= x->row)
            x->active[w++] = x->active[i];
    x->active_count = w;
}

static void
cell_start(xr *x, const char **attrs)
{
    const char *r = NULL, *s = NULL, *t = NULL;
    for (const char **a = attrs; a[0]; a += 2) {
        const char *n = a[0];
        if (n[1] != '\0')
            continue;
        if (n[0] == 'r')
            r = a[1];
        else if (n[0] == 's')
            s = a[1];
        else if (n[0] == 't')
            t = a[1];
    }
    uint64_t row, col;
    if (r) {
        ref_parse rp = parse_cell_ref(r, &row, &col);
        if (rp == REF_BAD) {
            xr_stop(x, xr_sheet_fail(x, WS_ERR_FORMAT, "cell reference '%.40s' is not valid",
                                     r));
            return;
        }
        if (rp == REF_HUGE || row >= x->book->limits.max_rows ||
            col >= x->book->limits.max_cols) {
            xr_stop(x, xr_sheet_fail(x, WS_ERR_LIMIT,
                                     "cell %.40s is beyond the limits of %u rows and %u "
                                     "columns (raise max_rows / max_cols to read it)",
                                     r, x->book->limits.max_rows, x->book->limits.max_cols));
            return;
        }
    } else {
        if (!x->have_row) {
            x->row = 0;
            x->have_row = true;
        }
        row = x->row;
        col = x->have_cell && x->last_row == x->row ? (uint64_t)x->last_col + 1 : 0;
        if (col >= x->book->limits.max_cols) {
            xr_stop(x, xr_sheet_fail(x, WS_ERR_LIMIT,
                                     "row %u has more than %u columns (raise max_cols)",
                                     x->row + 1, x->book->limits.max_cols));
            return;
        }
    }
    x->crow = (uint32_t)row;
    x->ccol = (uint32_t)col;
    if (x->have_cell && (x->crow < x->last_row ||
                         (x->crow == x->last_row && x->ccol <= x->last_col))) {
        char prev[16];
        book_cell_name(x->last_row, x->last_col, prev);
        xr_stop(x, xr_cell_fail(x, WS_ERR_FORMAT,
                                "the cell comes after %s; cells must be in row and column "
                                "order",
                                prev));
        return;
    }
    if (x->crow > x->row || !x->have_row) {
        /* A cell's own reference wins over its row's. */
        x->row = x->crow;
        x->have_row = true;
    }
    x->last_row = x->crow;
    x->last_col = x->ccol;
    x->have_cell = true;

    x->cfmt = 0;
    if (s) {
        uint64_t xf;
        if (parse_uint(s, UINT32_MAX, &xf) && xf < x->xf_count)
            x->cfmt = x->xf_fmt[xf];
    }
    x->ctype = 'n';
    if (t) {
        switch (t[0]) {
        case 's': x->ctype = t[1] == '\0' ? 's' : (strcmp(t, "str") == 0 ? 'r' : '?'); break;
        case 'n': x->ctype = t[1] == '\0' ? 'n' : '?'; break;
        case 'b': x->ctype = t[1] == '\0' ? 'b' : '?'; break;
        case 'e': x->ctype = t[1] == '\0' ? 'e' : '?'; break;
        case 'd': x->ctype = t[1] == '\0' ? 'd' : '?'; break;
        case 'i': x->ctype = strcmp(t, "inlineStr") == 0 ? 'i' : '?'; break;
        default: x->ctype = '?'; break;
        }
        if (x->ctype == '?') {
            xr_stop(x, xr_cell_fail(x, WS_ERR_FORMAT, "unknown cell type t=\"%.20s\"", t));
            return;
        }
    }
    x->in_cell = true;
    x->has_v = x->has_f = false;
    x->ftype = FT_NORMAL;
    x->f_has_ref = x->f_has_si = false;
    buf_reset(&x->v);
    buf_reset(&x->f);
}

static void
formula_start(xr *x, const char **attrs)
{
    x->has_f = true;
    x->cap = CAP_F;
    buf_reset(&x->f);
    for (const char **a = attrs; a[0]; a += 2) {
        const char *n = a[0], *v = a[1];
        if (strcmp(n, "t") == 0) {
            x->ftype = strcmp(v, "shared") == 0  ? FT_SHARED
                       : strcmp(v, "array") == 0 ? FT_ARRAY
                       : strcmp(v, "normal") == 0 ? FT_NORMAL
                                                  : FT_OTHER;
        } else if (strcmp(n, "ref") == 0) {
            x->f_has_ref = parse_area(v, &x->f_ref);
            if (!x->f_has_ref) {
                xr_stop(x, xr_cell_fail(x, WS_ERR_FORMAT,
                                        "formula range ref=\"%.40s\" is not valid", v));
                return;
            }
        } else if (strcmp(n, "si") == 0) {
            uint64_t si;
            if (!parse_uint(v, UINT32_MAX - 1, &si)) {
                xr_stop(x, xr_cell_fail(x, WS_ERR_FORMAT,
                                        "shared formula index si=\"%.20s\" is not valid", v));
                return;
            }
            x->f_si = (uint32_t)si;
            x->f_has_si = true;
        }
    }
}

static ws_status
cell_formula(xr *x, book_cell *cell)
{
    const char *text = x->f.data ? x->f.data : "";
    size_t len = x->f.len;
    if (len && text[0] == '=')
        text++, len--;
    switch (x->ftype) {
    case FT_SHARED: {
        if (!x->f_has_si)
            return xr_cell_fail(x, WS_ERR_FORMAT, "a shared formula without si");
        if (len) {
            if (!(cell->formula = book_strndup(x->book, text, len)))
                return diag_nomem();
            return master_add(x, x->f_si, x->crow, x->ccol, cell->formula);
        }
        const xr_master *m = master_find(x, x->f_si);
        if (!m)
            return xr_cell_fail(x, WS_ERR_FORMAT, "shared formula si=%u has no master cell "
                                                  "before it",
                                x->f_si);
        ws_status st = shift_formula(x, m->text, (int64_t)x->crow - m->row,
                                     (int64_t)x->ccol - m->col);
        if (st)
            return st;
        if (!(cell->formula = book_strndup(x->book, x->shifted.data, x->shifted.len)))
            return diag_nomem();
        return WS_OK;
    }
    case FT_ARRAY: {
        book_area a = x->f_has_ref ? x->f_ref
                                   : (book_area){x->crow, x->ccol, x->crow, x->ccol};
        if (a.row0 != x->crow || a.col0 != x->ccol)
            return xr_cell_fail(x, WS_ERR_FORMAT,
                                "an array formula's range must start at its own cell");
        if (a.row1 >= x->book->limits.max_rows || a.col1 >= x->book->limits.max_cols)
            return xr_cell_fail(x, WS_ERR_LIMIT,
                                "an array formula's range reaches beyond the limits (raise "
                                "max_rows / max_cols)");
        ws_status st = book_add_array(x->book, x->sheet, a);
        if (st)
            return st;
        if (mem_grow((void **)&x->active, &x->active_cap, x->active_count + 1,
                     sizeof *x->active))
            return diag_nomem();
        x->active[x->active_count++] = a;
        cell->flags |= BOOK_CELL_ARRAY_ANCHOR;
        break;
    }
    case FT_OTHER: /* data tables and the like: no formula text of their own */
        if (!len)
            return WS_OK;
        break;
    default:
        break;
    }
    if (!(cell->formula = book_strndup(x->book, text, len)))
        return diag_nomem();
    return WS_OK;
}

static void
cell_end(xr *x)
{
    x->in_cell = false;
    x->cap = CAP_NONE;
    if (!x->has_v && !x->has_f)
        return; /* a formatted blank */
    book_cell *cell;
    ws_status st = book_cell_put(x->book, x->sheet, x->crow, x->ccol, &cell);
    if (st) {
        char name[16];
        book_cell_name(x->crow, x->ccol, name);
        xr_stop(x, diag_prefix(st, "%s: sheet '%s' (%s), cell %s", x->path, x->sheet->name,
                               x->entry, name));
        return;
    }
    cell->fmt = x->cfmt;
    cell->flags = 0;
    cell->formula = NULL;
    ws_value *v = &cell->value;
    v->type = WS_TYPE_EMPTY;
    const char *s = x->v.data ? x->v.data : "";
    if (x->has_v || x->ctype == 'i') {
        switch (x->ctype) {
        case 'n':
            if (x->v.len == 0)
                break;
            if (!parse_number(x, s, x->v.len, &v->as.number)) {
                st = xr_cell_fail(x, WS_ERR_FORMAT, "'%.40s' is not a number", s);
                break;
            }
            v->type = WS_TYPE_NUMBER;
            break;
        case 's': {
            /* The index for now (exact in a double); sst_resolve makes it the text. */
            uint64_t idx;
            if (!parse_uint(s, (uint64_t)1 << 53, &idx)) {
                st = xr_cell_fail(x, WS_ERR_FORMAT,
                                  "shared string index '%.30s' is out of range (not a whole "
                                  "number up to 2^53)",
                                  s);
                break;
            }
            v->type = WS_TYPE_TEXT;
            v->as.number = (double)idx;
            cell->flags |= BOOK_CELL_SST_INDEX;
            x->sst_pending++;
            break;
        }
        case 'i':
        case 'r': {
            const char *text = decoded_copy(&x->book->strings, &x->v);
            if (!text) {
                st = diag_nomem();
                break;
            }
            v->type = WS_TYPE_TEXT;
            v->as.text = (char *)text;
            break;
        }
        case 'b':
            if (x->v.len == 0)
                break;
            v->type = WS_TYPE_BOOL;
            if (strcmp(s, "1") == 0 || strcmp(s, "true") == 0)
                v->as.boolean = true;
            else if (strcmp(s, "0") == 0 || strcmp(s, "false") == 0)
                v->as.boolean = false;
            else
                st = xr_cell_fail(x, WS_ERR_FORMAT, "'%.20s' is not a boolean", s);
            break;
        case 'e': {
            bool known;
            v->type = WS_TYPE_ERROR;
            v->error = (uint8_t)error_code(s, &known);
            v->as.text = NULL;
            if (!known && !(v->as.text = book_strndup(x->book, s, x->v.len)))
                st = diag_nomem();
            break;
        }
        case 'd':
            if (x->v.len == 0)
                break;
            if (!parse_iso_date(s, x->book->date1904, &v->as.number)) {
                st = xr_cell_fail(x, WS_ERR_FORMAT, "'%.40s' is not an ISO 8601 date", s);
                break;
            }
            v->type = WS_TYPE_NUMBER;
            break;
        default:
            break;
        }
    }
    if (!st && x->has_f)
        st = cell_formula(x, cell);
    if (!st && x->active_count && !(cell->flags & BOOK_CELL_ARRAY_ANCHOR)) {
        for (size_t i = 0; i < x->active_count; i++) {
            const book_area *a = &x->active[i];
            if (x->crow >= a->row0 && x->crow <= a->row1 && x->ccol >= a->col0 &&
                x->ccol <= a->col1) {
                cell->flags |= BOOK_CELL_ARRAY_PART;
                break;
            }
        }
    }
    if (st)
        xr_stop(x, st);
}

static void
col_start(xr *x, const char **attrs)
{
    const char *mn = zipxml_attr(attrs, "min"), *mx = zipxml_attr(attrs, "max");
    const char *w = zipxml_attr(attrs, "width");
    uint64_t c0, c1;
    if (!mn || !mx || !w || !parse_uint(mn, UINT32_MAX, &c0) ||
        !parse_uint(mx, UINT32_MAX, &c1) || c0 == 0 || c1 < c0)
        return; /* a column record without a usable width changes nothing we keep */
    if (c0 > x->book->limits.max_cols)
        return;
    if (c1 > x->book->limits.max_cols)
        c1 = x->book->limits.max_cols;
    locale_t old = uselocale(x->c_locale);
    char *end;
    double width = strtod(w, &end);
    uselocale(old);
    if (*end || !isfinite(width) || width < 0 || width > 65535)
        return;
    ws_status st = book_set_width(x->book, x->sheet, (uint32_t)c0 - 1, (uint32_t)c1 - 1, width);
    if (st)
        xr_stop(x, st);
}

static void
sheet_start(void *user, const char *name, const char **attrs)
{
    xr *x = user;
    name = local_name(name);
    switch (name[0]) {
    case 'c':
        if (name[1] == '\0') {
            if (x->in_data)
                cell_start(x, attrs);
        } else if (strcmp(name, "col") == 0) {
            col_start(x, attrs);
        }
        break;
    case 'v':
        if (name[1] == '\0' && x->in_cell) {
            x->has_v = true;
            x->cap = CAP_V;
            buf_reset(&x->v);
        }
        break;
    case 'f':
        if (name[1] == '\0' && x->in_cell)
            formula_start(x, attrs);
        break;
    case 'r':
        if (strcmp(name, "row") == 0) {
            if (x->in_data)
                row_start(x, attrs);
        } else if (strcmp(name, "rPh") == 0) {
            x->rph_depth++;
        }
        break;
    case 'i':
        if (name[1] == 's' && name[2] == '\0' && x->in_cell) {
            x->in_is = true;
            x->has_v = true;
            x->rph_depth = 0;
            buf_reset(&x->v);
        }
        break;
    case 't':
        if (name[1] == '\0' && x->in_is && x->rph_depth == 0)
            x->cap = CAP_T;
        break;
    case 's':
        if (strcmp(name, "sheetData") == 0)
            x->in_data = true;
        break;
    case 'd':
        if (strcmp(name, "dimension") == 0) {
            /* The used range, as the writer claims it: only a hint for sizing memory. */
            const char *ref = zipxml_attr(attrs, "ref");
            book_area a;
            if (ref && parse_area(ref, &a))
                x->sheet->pool_expect = (size_t)(a.row1 - a.row0 + 1) * (a.col1 - a.col0 + 1);
        }
        break;
    case 'p':
        if (strcmp(name, "pane") == 0) {
            const char *state = zipxml_attr(attrs, "state");
            const char *ys = zipxml_attr(attrs, "ySplit");
            uint64_t n;
            if (state && strncmp(state, "frozen", 6) == 0 && ys &&
                parse_uint(ys, BOOK_MAX_ROWS, &n))
                x->sheet->freeze_rows = (uint32_t)n;
        }
        break;
    default:
        break;
    }
}

static void
sheet_end(void *user, const char *name)
{
    xr *x = user;
    name = local_name(name);
    switch (name[0]) {
    case 'c':
        if (name[1] == '\0' && x->in_cell)
            cell_end(x);
        break;
    case 'v':
    case 'f':
    case 't':
        if (name[1] == '\0')
            x->cap = CAP_NONE;
        break;
    case 'i':
        if (name[1] == 's' && name[2] == '\0')
            x->in_is = false;
        break;
    case 'r':
        if (strcmp(name, "rPh") == 0 && x->rph_depth > 0)
            x->rph_depth--;
        break;
    case 's':
        if (strcmp(name, "sheetData") == 0)
            x->in_data = false;
        break;
    default:
        break;
    }
}

static ws_status
read_sheet(xr *x, xr_sheetref *ref, const char *entry)
{
    book_sheet *sheet;
    ws_status st = book_add_sheet(x->book, ref->name, strlen(ref->name), &sheet);
    if (st == WS_ERR_ARGS)
        return diag_fail(WS_ERR_FORMAT, "%s: the workbook names two sheets '%s'", x->path,
                         ref->name);
    if (st)
        return st;
    x->sheet = sheet;
    x->entry = entry;
    ref->entry = entry;
    ref->index = x->book->sheet_count - 1;
    x->in_data = x->in_cell = x->in_is = x->have_cell = x->have_row = false;
    x->row = x->last_row = x->last_col = 0;
    x->cap = CAP_NONE;
    x->rph_depth = 0;
    x->master_count = 0;
    if (x->master_index)
        memset(x->master_index, 0, x->master_slots * sizeof *x->master_index);
    x->active_count = 0;
    x->status = WS_OK;
    st = zipxml_parse(x->zip, entry, sheet_start, sheet_end, text_gather, x);
    sheet->row_cap_hint = 0;
    x->sheet = NULL;
    return st;
}

static void
xr_clear(xr *x)
{
    buf_free(&x->v);
    buf_free(&x->f);
    buf_free(&x->shifted);
    mem_free(x->rels);
    mem_free(x->sheets);
    sst_wait(x);
    mem_free(x->sst.items);
    buf_free(&x->sst.text);
    arena_clear(&x->sst.strings);
    mem_free(x->numfmts);
    mem_free(x->xf_fmt);
    mem_free(x->masters);
    mem_free(x->master_index);
    mem_free(x->active);
    arena_clear(&x->tmp);
    if (x->c_locale)
        freelocale(x->c_locale);
    zipxml_close(x->zip);
}

static void
dir_of(const char *part, char *out, size_t cap)
{
    const char *slash = strrchr(part, '/');
    size_t n = slash ? (size_t)(slash - part) + 1 : 0;
    if (n >= cap)
        n = 0;
    memcpy(out, part, n);
    out[n] = '\0';
}

ws_status
xlsx_read(ws_book *book, const char *path)
{
    xr x;
    memset(&x, 0, sizeof x);
    x.book = book;
    x.path = path;
    arena_init(&x.tmp);
    arena_init(&x.sst.strings);
    ws_status st = WS_OK;
    x.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (!x.c_locale) {
        st = diag_nomem();
        goto done;
    }
    if ((st = zipxml_open(path, &book->limits, &x.zip)))
        goto done;

    /* The package relationships name the workbook part. */
    const char *wb_part = "xl/workbook.xml";
    if ((st = read_rels(&x, "_rels/.rels", "")))
        goto done;
    const xr_rel *doc = rel_by_type(&x, "/officeDocument");
    if (doc && zipxml_has(x.zip, doc->target))
        wb_part = doc->target;
    if (!zipxml_has(x.zip, wb_part)) {
        st = diag_fail(WS_ERR_FORMAT, "%s: no workbook part (%s) in the zip: not an xlsx file",
                       path, wb_part);
        goto done;
    }
    char wb_dir[512], rels_entry[1024];
    dir_of(wb_part, wb_dir, sizeof wb_dir);
    snprintf(rels_entry, sizeof rels_entry, "%s_rels/%s.rels", wb_dir,
             wb_part + strlen(wb_dir));

    x.status = WS_OK;
    if ((st = zipxml_parse(x.zip, wb_part, workbook_start, NULL, NULL, &x)))
        goto done;
    if ((st = read_rels(&x, rels_entry, wb_dir)))
        goto done;

    const xr_rel *rel = rel_by_type(&x, "/sharedStrings");
    const char *sst_part = rel ? rel->target : NULL;
    if (!sst_part && zipxml_has(x.zip, "xl/sharedStrings.xml"))
        sst_part = "xl/sharedStrings.xml";
    if (sst_part && zipxml_has(x.zip, sst_part) && (st = sst_begin(&x, sst_part)))
        goto done;

    rel = rel_by_type(&x, "/styles");
    if (rel && zipxml_has(x.zip, rel->target)) {
        if ((st = zipxml_parse(x.zip, rel->target, styles_start, styles_end, NULL, &x)))
            goto done;
    }

    for (size_t i = 0; i < x.sheet_count; i++) {
        rel = rel_by_id(&x, x.sheets[i].rid);
        if (!rel) {
            st = diag_fail(WS_ERR_FORMAT, "%s: sheet '%s' has no relationship %s", path,
                           x.sheets[i].name, x.sheets[i].rid);
            goto done;
        }
        if (!type_is(rel->type, "/worksheet")) {
            /* Chart sheets and dialog sheets hold no cells. */
            diag_info("%s: sheet '%s' is not a worksheet; skipped", path, x.sheets[i].name);
            continue;
        }
        if ((st = read_sheet(&x, &x.sheets[i], rel->target)))
            goto done;
    }
    sst_wait(&x);
    if (x.sst.status) {
        st = diag_fail(x.sst.status, "%s", x.sst.reason);
        goto done;
    }
    if ((st = sst_resolve(&x)))
        goto done;
    arena_adopt(&book->strings, &x.sst.strings);
done:
    xr_clear(&x);
    return st;
}
