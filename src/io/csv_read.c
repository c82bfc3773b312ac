/* The CSV reader: one sheet named after the file, streamed in chunks.
 *
 * How a file reads (each choice follows what Excel and LibreOffice do by default, unless
 * said otherwise):
 *
 * - Encoding: UTF-8, with or without a byte-order mark.  Invalid UTF-8 (overlong forms,
 *   surrogates, stray continuation bytes, truncated sequences) and NUL bytes are
 *   WS_ERR_FORMAT naming the line, the character column and the cell.  A UTF-16 BOM gets
 *   its own message.
 * - Delimiter: comma, semicolon or tab, detected from the first lines (up to CSV_SNIFF_LINES
 *   lines of the first chunk), ignoring delimiters inside quotes.  For each candidate the
 *   most frequent non-zero count per line is found; the candidate whose count repeats on
 *   the most lines wins.  Ties go to tab, then semicolon, then comma, because a semicolon
 *   file with decimal commas ("a;1,5") has as many commas per line as semicolons.  A file
 *   with none of them is one column.
 * - Quoting (RFC 4180): a field that starts with '"' is quoted; inside it "" is a quote
 *   and delimiters and line breaks are data.  Leniently, text after the closing quote is
 *   kept ("ab"c reads as abc), and a quote inside an unquoted field is an ordinary
 *   character.  A quote opened and never closed is WS_ERR_FORMAT naming the line where it
 *   opened: reading on to the end of the file would hide the rest of it in one cell.
 * - Line ends: CRLF, LF or CR, mixed freely.  A line break inside a quoted field is stored
 *   as "\n".  A blank line is a blank row; a final line break adds no row.
 * - Values: an empty field (also "") is a blank cell, not stored.  A field that is
 *   completely a plain decimal number -- optional spaces, an optional sign, digits with at
 *   most one '.', an optional exponent -- is a number: "00123" reads as 123 and
 *   "+15551234" as 15551234, as in Excel.  No thousands separators, decimal commas,
 *   percentages, currencies, dates, hex, "inf" or "nan": those stay text, and so does a
 *   number beyond the range of a double.  TRUE and FALSE stay text (a CSV cannot say it
 *   meant a boolean).  Quoted fields convert the same way.  A field starting with '=' (and
 *   longer than "=") is a formula: its text without '=' is kept, its value is empty until
 *   evaluated.  Everything else is text, kept byte for byte (spaces included).
 * - Sheet name: the file name without folder and extension, with the characters a sheet
 *   name cannot hold ([ ] : * ? / \ and a leading or trailing apostrophe) replaced by '_'
 *   and cut to 31 characters (Excel's limit); "Sheet1" when nothing is left.
 * - Limits: a field longer than limits.max_text_bytes (a formula: max_formula_bytes) is
 *   WS_ERR_LIMIT; rows, columns and cells are checked by book_cell_put.  Memory is the
 *   cells kept plus one chunk and one field: never the file size.  On any failure the
 *   book may hold part of the file: the caller discards it. */
#define _GNU_SOURCE /* strtod_l: numbers read in the C locale whatever locale the host set */

#include "io/book.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"

#define CSV_CHUNK 65536
#define CSV_SNIFF_LINES 50
#define CSV_SHEET_NAME_MAX 31

typedef enum csv_field_state {
    CSV_FIELD_START,  /* nothing read in this field yet */
    CSV_UNQUOTED,     /* inside an unquoted field (or after a closing quote) */
    CSV_QUOTED,       /* inside quotes */
    CSV_QUOTE_QUOTED  /* a quote inside quotes: "" or the closing quote */
} csv_field_state;

typedef struct csv_state {
    ws_book *book;
    book_sheet *sheet;
    const char *path;
    locale_t c_locale;
    char delim;

    uint64_t line;   /* physical line of the next byte, 1-based */
    uint64_t column; /* characters before the next byte on its line */
    uint64_t row;    /* cell of the field being read, 0-based */
    uint64_t col;
    bool after_cr;   /* the previous byte was CR: a following LF belongs to it */

    csv_field_state state;
    uint64_t quote_line; /* where the open quote was */
    char *field;         /* the current field, NUL-terminated when stored */
    size_t len, cap;
    size_t field_max;

    int utf8_need;           /* continuation bytes still expected */
    unsigned char utf8_lo;   /* range of the next continuation byte */
    unsigned char utf8_hi;
} csv_state;

/* "line 3, column 7 (cell B2)" for messages. */
static ws_status
csv_fail_at(const csv_state *s, ws_status status, const char *what)
{
    char cell[16];
    if (s->row < BOOK_MAX_ROWS && s->col < BOOK_MAX_COLS)
        book_cell_name((uint32_t)s->row, (uint32_t)s->col, cell);
    else
        snprintf(cell, sizeof cell, "off the grid");
    return diag_fail(status, "%s: line %llu, column %llu (cell %s): %s", s->path,
                     (unsigned long long)s->line, (unsigned long long)s->column + 1, cell,
                     what);
}

/* A plain decimal number filling the whole field (spaces around allowed), read in the C
 * locale.  The field must have a spare byte after it for the terminating NUL. */
static bool
csv_number(char *text, size_t len, locale_t loc, double *out)
{
    size_t a = 0, b = len;
    while (a < b && (text[a] == ' ' || text[a] == '\t'))
        a++;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t'))
        b--;
    size_t i = a;
    if (i < b && (text[i] == '+' || text[i] == '-'))
        i++;
    size_t digits = 0;
    while (i < b && text[i] >= '0' && text[i] <= '9') {
        i++;
        digits++;
    }
    if (i < b && text[i] == '.') {
        i++;
        while (i < b && text[i] >= '0' && text[i] <= '9') {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return false;
    if (i < b && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        if (i < b && (text[i] == '+' || text[i] == '-'))
            i++;
        size_t exp_digits = 0;
        while (i < b && text[i] >= '0' && text[i] <= '9') {
            i++;
            exp_digits++;
        }
        if (exp_digits == 0)
            return false;
    }
    if (i != b)
        return false;
    char saved = text[b];
    text[b] = '\0';
    char *end;
    double d = strtod_l(text + a, &end, loc);
    text[b] = saved;
    if (end != text + b || !isfinite(d))
        return false;
    *out = d;
    return true;
}

/* Put the cell, naming the line when a limit of book_cell_put stops it. */
static ws_status
csv_put(csv_state *s, book_cell **cell)
{
    ws_status st = book_cell_put(s->book, s->sheet, (uint32_t)s->row, (uint32_t)s->col, cell);
    if (st && st != WS_ERR_NOMEM)
        st = diag_prefix(st, "%s: line %llu", s->path, (unsigned long long)s->line);
    return st;
}

static ws_status
csv_store_field(csv_state *s)
{
    ws_status st = WS_OK;
    book_cell *cell;
    double number;
    if (s->len == 0)
        goto done;
    if (s->row >= s->book->limits.max_rows || s->row >= BOOK_MAX_ROWS) {
        st = csv_fail_at(s, WS_ERR_LIMIT, "beyond the row limit (raise max_rows)");
        goto done;
    }
    if (s->col >= s->book->limits.max_cols || s->col >= BOOK_MAX_COLS) {
        st = csv_fail_at(s, WS_ERR_LIMIT, "beyond the column limit (raise max_cols)");
        goto done;
    }
    if (s->field[0] == '=' && s->len > 1) {
        if (s->len - 1 > s->book->limits.max_formula_bytes) {
            st = csv_fail_at(s, WS_ERR_LIMIT,
                             "a formula longer than the limit (raise max_formula_bytes)");
            goto done;
        }
        char *formula = book_strndup(s->book, s->field + 1, s->len - 1);
        if (!formula) {
            st = diag_nomem();
            goto done;
        }
        if ((st = csv_put(s, &cell)))
            goto done;
        cell->formula = formula;
    } else if (csv_number(s->field, s->len, s->c_locale, &number)) {
        if ((st = csv_put(s, &cell)))
            goto done;
        cell->value = value_number(number);
    } else {
        if (s->len > s->book->limits.max_text_bytes) {
            st = csv_fail_at(s, WS_ERR_LIMIT,
                             "a field longer than the text limit (raise max_text_bytes)");
            goto done;
        }
        char *text = book_strndup(s->book, s->field, s->len);
        if (!text) {
            st = diag_nomem();
            goto done;
        }
        if ((st = csv_put(s, &cell)))
            goto done;
        cell->value.type = WS_TYPE_TEXT;
        cell->value.as.text = text;
    }
done:
    s->len = 0;
    s->state = CSV_FIELD_START;
    return st;
}

static ws_status
csv_append(csv_state *s, char c)
{
    /* One spare byte stays free for csv_number's terminator. */
    if (s->len >= s->field_max)
        return csv_fail_at(s, WS_ERR_LIMIT,
                           "a field longer than the text limit (raise max_text_bytes)");
    if (s->len + 2 > s->cap) {
        if (mem_grow((void **)&s->field, &s->cap, s->len + 2, 1))
            return diag_nomem();
    }
    s->field[s->len++] = c;
    return WS_OK;
}

/* Check one byte of the UTF-8 stream (Unicode table 3-7: no overlongs, no surrogates,
 * nothing past U+10FFFF). */
static ws_status
csv_utf8(csv_state *s, unsigned char b)
{
    if (s->utf8_need) {
        if (b < s->utf8_lo || b > s->utf8_hi)
            goto bad;
        s->utf8_need--;
        s->utf8_lo = 0x80;
        s->utf8_hi = 0xBF;
        return WS_OK;
    }
    if (b < 0x80) {
        if (b == 0)
            return csv_fail_at(s, WS_ERR_FORMAT, "a NUL byte: this is not a text file");
        return WS_OK;
    }
    s->utf8_lo = 0x80;
    s->utf8_hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        s->utf8_need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        s->utf8_need = 2;
        if (b == 0xE0)
            s->utf8_lo = 0xA0;
        else if (b == 0xED)
            s->utf8_hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        s->utf8_need = 3;
        if (b == 0xF0)
            s->utf8_lo = 0x90;
        else if (b == 0xF4)
            s->utf8_hi = 0x8F;
    } else {
        goto bad;
    }
    return WS_OK;
bad: {
    /* A bad continuation byte belongs to the character its lead byte started. */
    char what[80];
    snprintf(what, sizeof what, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8", b);
    if (s->utf8_need)
        s->column--;
    return csv_fail_at(s, WS_ERR_FORMAT, what);
}
}

static ws_status
csv_end_record(csv_state *s)
{
    ws_status st = csv_store_field(s);
    s->row++;
    s->col = 0;
    return st;
}

static ws_status
csv_feed(csv_state *s, const unsigned char *p, size_t n)
{
    ws_status st = WS_OK;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = p[i];
        if ((st = csv_utf8(s, b)))
            return st;
        if (b == '\n' && s->after_cr) {
            s->after_cr = false; /* the LF of a CRLF: the CR already ended the line */
            continue;
        }
        s->after_cr = b == '\r';
        if (b == '\r' || b == '\n') {
            if (s->state == CSV_QUOTED)
                st = csv_append(s, '\n');
            else
                st = csv_end_record(s);
            s->line++;
            s->column = 0;
            if (st)
                return st;
            continue;
        }
        if ((b & 0xC0) != 0x80)
            s->column++;
        if (b == (unsigned char)s->delim && s->state != CSV_QUOTED) {
            if ((st = csv_store_field(s)))
                return st;
            s->col++;
            continue;
        }
        if (b == '"') {
            switch (s->state) {
            case CSV_FIELD_START:
                s->state = CSV_QUOTED;
                s->quote_line = s->line;
                continue;
            case CSV_QUOTED:
                s->state = CSV_QUOTE_QUOTED;
                continue;
            case CSV_QUOTE_QUOTED:
                s->state = CSV_QUOTED;
                break;
            case CSV_UNQUOTED:
                break;
            }
        } else if (s->state != CSV_QUOTED) {
            s->state = CSV_UNQUOTED;
        }
        if ((st = csv_append(s, (char)b)))
            return st;
    }
    return WS_OK;
}

/* The delimiter that splits the first lines most consistently; ',' when none appears. */
static char
csv_sniff(const unsigned char *p, size_t n)
{
    static const char cands[3] = {'\t', ';', ','};
    uint32_t counts[CSV_SNIFF_LINES][3];
    size_t lines = 0;
    uint32_t cur[3] = {0, 0, 0};
    bool in_quotes = false, any = false;
    for (size_t i = 0; i <= n && lines < CSV_SNIFF_LINES; i++) {
        bool eol = i == n || (!in_quotes && (p[i] == '\n' || p[i] == '\r'));
        if (eol) {
            if (any) {
                memcpy(counts[lines++], cur, sizeof cur);
            }
            memset(cur, 0, sizeof cur);
            any = false;
            continue;
        }
        any = true;
        if (p[i] == '"')
            in_quotes = !in_quotes;
        for (int k = 0; k < 3 && !in_quotes; k++)
            if (p[i] == (unsigned char)cands[k])
                cur[k]++;
    }
    char best = ',';
    size_t best_score = 0;
    for (int k = 0; k < 3; k++) {
        /* The most frequent non-zero count of this candidate, and how many lines have it. */
        size_t score = 0;
        for (size_t a = 0; a < lines; a++) {
            if (counts[a][k] == 0)
                continue;
            size_t same = 0;
            for (size_t b = 0; b < lines; b++)
                same += counts[b][k] == counts[a][k];
            if (same > score)
                score = same;
        }
        if (score > best_score) {
            best_score = score;
            best = cands[k];
        }
    }
    return best;
}

/* The sheet name for a CSV path (see the top of the file). */
static ws_status
csv_sheet_name(ws_book *book, const char *path, book_sheet **out)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        len = (size_t)(dot - base);
    char name[CSV_SHEET_NAME_MAX * 4 + 1];
    size_t out_len = 0, chars = 0;
    for (size_t i = 0; i < len && chars < CSV_SHEET_NAME_MAX;) {
        unsigned char c = (unsigned char)base[i];
        size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        bool valid = n > 0 && i + n <= len;
        for (size_t k = 1; valid && k < n; k++)
            valid = ((unsigned char)base[i + k] & 0xC0) == 0x80;
        if (!valid || (n == 1 && strchr("[]:*?/\\", c)) ||
            (c == '\'' && (chars == 0 || i + 1 == len)) || c < 0x20) {
            name[out_len++] = '_';
            i += valid ? n : 1;
        } else {
            memcpy(name + out_len, base + i, n);
            out_len += n;
            i += n;
        }
        chars++;
    }
    if (out_len && name[out_len - 1] == '\'')
        name[out_len - 1] = '_';
    if (out_len == 0)
        return book_add_sheet(book, "Sheet1", 6, out);
    return book_add_sheet(book, name, out_len, out);
}

ws_status
csv_read(ws_book *book, const char *path)
{
    ws_status st = WS_OK;
    csv_state s;
    memset(&s, 0, sizeof s);
    unsigned char *chunk = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        char buf[128];
        return diag_fail(WS_ERR_IO, "cannot open %s (%s)", path,
                         strerror_r(errno, buf, sizeof buf));
    }
    s.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    chunk = mem_alloc(CSV_CHUNK);
    if (!s.c_locale || !chunk) {
        st = diag_nomem();
        goto cleanup;
    }
    s.book = book;
    s.path = path;
    s.line = 1;
    s.state = CSV_FIELD_START;
    s.field_max = book->limits.max_text_bytes;
    if ((size_t)book->limits.max_formula_bytes + 1 > s.field_max)
        s.field_max = (size_t)book->limits.max_formula_bytes + 1;
    if ((st = csv_sheet_name(book, path, &s.sheet)))
        goto cleanup;

    bool first = true;
    for (;;) {
        size_t n = fread(chunk, 1, CSV_CHUNK, f);
        if (n == 0) {
            if (ferror(f)) {
                st = diag_fail(WS_ERR_IO, "cannot read %s", path);
                goto cleanup;
            }
            break;
        }
        const unsigned char *p = chunk;
        if (first) {
            first = false;
            if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
                st = diag_fail(WS_ERR_FORMAT, "%s: UTF-16 text; save the file as UTF-8",
                               path);
                goto cleanup;
            }
            if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
                p += 3;
                n -= 3;
            }
            s.delim = csv_sniff(p, n);
        }
        if ((st = csv_feed(&s, p, n)))
            goto cleanup;
    }
    if (s.utf8_need) {
        st = csv_fail_at(&s, WS_ERR_FORMAT, "the file ends inside a UTF-8 character");
        goto cleanup;
    }
    if (s.state == CSV_QUOTED) {
        st = diag_fail(WS_ERR_FORMAT,
                       "%s: the quote opened on line %llu is never closed (an odd number of "
                       "'\"' in that field)",
                       path, (unsigned long long)s.quote_line);
        goto cleanup;
    }
    st = csv_store_field(&s);
cleanup:
    mem_free(s.field);
    mem_free(chunk);
    if (s.c_locale)
        freelocale(s.c_locale);
    fclose(f);
    return st;
}
