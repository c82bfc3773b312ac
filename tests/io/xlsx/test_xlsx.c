/* Tests of the streamed XLSX reader (src/io/xlsx_read.c) and the zip/XML layer under it.
 *
 * Golden books (tests/data/books, see make.sh there): features.xlsx was written by
 * LibreOffice 7.4 from features.fods; shared.xlsx and date1904.xlsx by make_books.py.  The
 * expected values were checked against an independent reader, openpyxl 3.0.9
 * (load_workbook, then iter_rows), except where noted: openpyxl shifts a shared formula's
 * reference past the last row to "A1048577", where Excel (and we) write #REF!, and it does
 * not decode _x000D_ (Excel does).
 *
 * Hostile inputs are generated here with minizip's zip writer into a temporary folder. */
#include <math.h>
#include <minizip/zip.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../../check.h"
#include "core/diag.h"
#include "core/mem.h"
#include "io/book.h"
#include "io/zipxml.h"

static char books[1024];
static char tmpdir[256];

/* ---------------------------------------------------------------------------------------
 * helpers
 * ------------------------------------------------------------------------------------- */

static const book_cell *
cell(const book_sheet *s, const char *ref)
{
    uint32_t col = 0, row = 0;
    const char *p = ref;
    for (; *p >= 'A' && *p <= 'Z'; p++)
        col = col * 26 + (uint32_t)(*p - 'A' + 1);
    row = (uint32_t)atoi(p);
    return book_cell_at(s, row - 1, col - 1);
}

static int
is_num(const book_sheet *s, const char *ref, double want)
{
    const book_cell *c = cell(s, ref);
    if (c && c->value.type == WS_TYPE_NUMBER && c->value.as.number == want)
        return 1;
    fprintf(stderr, "  %s: want number %.17g, got %s %.17g\n", ref, want,
            c ? (c->value.type == WS_TYPE_NUMBER ? "number" : "other") : "no cell",
            c && c->value.type == WS_TYPE_NUMBER ? c->value.as.number : 0.0);
    return 0;
}

static int
is_text(const book_sheet *s, const char *ref, const char *want)
{
    const book_cell *c = cell(s, ref);
    if (c && c->value.type == WS_TYPE_TEXT && strcmp(c->value.as.text, want) == 0)
        return 1;
    fprintf(stderr, "  %s: want text \"%s\", got %s\n", ref, want,
            c && c->value.type == WS_TYPE_TEXT ? c->value.as.text : "(not text)");
    return 0;
}

static int
is_bool(const book_sheet *s, const char *ref, bool want)
{
    const book_cell *c = cell(s, ref);
    return c && c->value.type == WS_TYPE_BOOL && c->value.as.boolean == want;
}

static int
is_error(const book_sheet *s, const char *ref, ws_cell_error want)
{
    const book_cell *c = cell(s, ref);
    return c && c->value.type == WS_TYPE_ERROR && c->value.error == want;
}

static int
has_formula(const book_sheet *s, const char *ref, const char *want)
{
    const book_cell *c = cell(s, ref);
    if (c && c->formula && strcmp(c->formula, want) == 0)
        return 1;
    fprintf(stderr, "  %s: want formula \"%s\", got \"%s\"\n", ref, want,
            c && c->formula ? c->formula : "(none)");
    return 0;
}

static const char *
fmt_of(const ws_book *b, const book_sheet *s, const char *ref)
{
    const book_cell *c = cell(s, ref);
    return c ? b->formats[c->fmt] : "(no cell)";
}

static ws_status
read_book(const char *path, const ws_limits *limits, ws_book **out)
{
    ws_book *b = NULL;
    ws_status st = book_new(limits, &b);
    if (st)
        return st;
    st = xlsx_read(b, path);
    if (st) {
        ws_book_close(b);
        return st;
    }
    *out = b;
    return WS_OK;
}

static void
book_path(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", books, name);
}

/* ---------------------------------------------------------------------------------------
 * zip writing for hostile inputs
 * ------------------------------------------------------------------------------------- */

typedef struct zpart {
    const char *name;
    const char *data; /* NULL: `repeat` bytes of `fill` between head and tail */
    const char *head, *tail;
    char fill;
    size_t repeat;
} zpart;

static int
write_zip(const char *path, const zpart *parts, size_t n)
{
    zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
    if (!z)
        return -1;
    for (size_t i = 0; i < n; i++) {
        zip_fileinfo zi;
        memset(&zi, 0, sizeof zi);
        if (zipOpenNewFileInZip64(z, parts[i].name, &zi, NULL, 0, NULL, 0, NULL, Z_DEFLATED, 9,
                                  1) != ZIP_OK)
            return -1;
        if (parts[i].data) {
            zipWriteInFileInZip(z, parts[i].data, (unsigned)strlen(parts[i].data));
        } else {
            zipWriteInFileInZip(z, parts[i].head, (unsigned)strlen(parts[i].head));
            static char chunk[1 << 20];
            memset(chunk, parts[i].fill, sizeof chunk);
            for (size_t left = parts[i].repeat; left;) {
                size_t k = left < sizeof chunk ? left : sizeof chunk;
                zipWriteInFileInZip(z, chunk, (unsigned)k);
                left -= k;
            }
            zipWriteInFileInZip(z, parts[i].tail, (unsigned)strlen(parts[i].tail));
        }
        zipCloseFileInZip(z);
    }
    return zipClose(z, NULL) == ZIP_OK ? 0 : -1;
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

static const char *ROOT_RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RNS "/officeDocument\" Target=\"xl/workbook.xml\"/>"
    "</Relationships>";
static const char *WORKBOOK = "<workbook " NS " xmlns:r=\"" RNS "\"><sheets>"
                              "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *WB_RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RNS "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" RNS "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "</Relationships>";
static const char *SST1 = "<sst " NS "><si><t>only</t></si></sst>";

/* A one-sheet book with this sheet XML (and shared strings, when given). */
static const char *
make_book(const char *name, const char *sheet, const char *sst)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    zpart parts[5] = {{"_rels/.rels", ROOT_RELS, 0, 0, 0, 0},
                      {"xl/workbook.xml", WORKBOOK, 0, 0, 0, 0},
                      {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0, 0, 0},
                      {"xl/worksheets/sheet1.xml", sheet, 0, 0, 0, 0},
                      {"xl/sharedStrings.xml", sst ? sst : SST1, 0, 0, 0, 0}};
    if (write_zip(path, parts, 5))
        fprintf(stderr, "cannot write %s\n", path);
    return path;
}

/* Reading `path` fails with `want`, and the reason mentions `needle`. */
static int
fails_with(const char *path, const ws_limits *limits, ws_status want, const char *needle)
{
    ws_book *b = NULL;
    ws_status st = read_book(path, limits, &b);
    const char *why = ws_last_reason();
    int ok = st == want && strstr(why, needle) != NULL;
    if (!ok)
        fprintf(stderr, "  %s: want %s with \"%s\", got %s: %s\n", path, ws_status_str(want),
                needle, ws_status_str(st), why);
    if (b)
        ws_book_close(b);
    return ok;
}

/* ---------------------------------------------------------------------------------------
 * golden books
 * ------------------------------------------------------------------------------------- */

static void
test_features(void)
{
    char path[1100];
    book_path(path, sizeof path, "features.xlsx");
    ws_book *b = NULL;
    CHECK_OK(read_book(path, NULL, &b));
    if (!b)
        return;
    CHECK(b->sheet_count == 4);
    CHECK(!b->date1904);
    CHECK_STR(b->sheets[0].name, "Data");
    CHECK_STR(b->sheets[1].name, "My Sheet");
    CHECK_STR(b->sheets[2].name, "Bob's");
    CHECK_STR(b->sheets[3].name, "売上 2024");

    const book_sheet *d = &b->sheets[0];
    const char *head[] = {"Name", "Value", "Flag", "When", "Formula", "Time", "Array", "Pct",
                          "Str"};
    for (int i = 0; i < 9; i++) {
        char ref[8];
        snprintf(ref, sizeof ref, "%c1", 'A' + i);
        CHECK(is_text(d, ref, head[i]));
    }
    CHECK(is_text(d, "A2", "alpha"));
    CHECK(is_num(d, "B2", 1.5));
    CHECK(is_bool(d, "C2", true));
    CHECK(is_num(d, "D2", 45306)); /* 2024-01-15 */
    CHECK_STR(fmt_of(b, d, "D2"), "yyyy\\-mm\\-dd");
    CHECK(book_format_is_date(b, cell(d, "D2")->fmt));
    CHECK(is_num(d, "E2", 3));
    CHECK(has_formula(d, "E2", "B2*2"));
    CHECK(is_num(d, "F2", 0.520833333333333));
    CHECK(book_format_is_date(b, cell(d, "F2")->fmt)); /* hh:mm:ss */
    CHECK(is_num(d, "G2", 15));
    CHECK(has_formula(d, "G2", "B2:B4*10"));
    CHECK(cell(d, "G2")->flags & BOOK_CELL_ARRAY_ANCHOR);
    const book_area *arr = book_find_array(d, 1, 6);
    CHECK(arr && arr->row0 == 1 && arr->col0 == 6 && arr->row1 == 3 && arr->col1 == 6);
    CHECK(is_num(d, "H2", 0.125));
    CHECK_STR(fmt_of(b, d, "H2"), "0.00%");
    CHECK(!book_format_is_date(b, cell(d, "H2")->fmt));
    CHECK(is_text(d, "I2", "alpha!"));
    CHECK(has_formula(d, "I2", "A2&\"!\""));

    CHECK(is_text(d, "A3", "beta"));
    CHECK(is_num(d, "B3", -2));
    CHECK(is_bool(d, "C3", false));
    CHECK(!book_format_is_date(b, cell(d, "C3")->fmt)); /* "TRUE";"TRUE";"FALSE" */
    CHECK(is_num(d, "D3", 36585)); /* 2000-02-29 */
    CHECK(is_num(d, "E3", -0.5));
    CHECK(cell(d, "F3") == NULL);
    CHECK(is_num(d, "G3", -20));
    CHECK(cell(d, "G3")->flags & BOOK_CELL_ARRAY_PART);
    CHECK(cell(d, "G3")->formula == NULL);
    CHECK(is_bool(d, "I3", true));
    CHECK(has_formula(d, "I3", "B2>1"));

    CHECK(is_text(d, "A4", "Ωmega é"));
    CHECK(is_num(d, "B4", 12345678.125));
    CHECK(is_error(d, "E4", WS_CELL_ERR_DIV0));
    CHECK(has_formula(d, "E4", "1/0"));
    CHECK(is_num(d, "G4", 123456781.25));
    CHECK(cell(d, "G4")->flags & BOOK_CELL_ARRAY_PART);
    CHECK(is_text(d, "A5", "bold and plain")); /* rich text runs joined */
    CHECK(is_error(d, "E5", WS_CELL_ERR_NA));
    CHECK(has_formula(d, "E5", "NA()"));
    CHECK(is_text(d, "A6", "  leading spaces"));
    CHECK(is_text(d, "A7", "a & b < c"));
    CHECK(is_num(d, "B7", 0.1));
    CHECK(is_num(d, "C7", 1e300));
    /* Sparse: nothing between row 7 and row 1000. */
    CHECK(d->row_count == 8);
    CHECK(is_text(d, "A1000", "far"));
    CHECK(is_num(d, "C1000", 42));
    CHECK(d->max_row == 999 && d->max_col == 8);
    /* Column widths as LibreOffice wrote them (openpyxl: A 25.54, B..I 12.76). */
    CHECK(d->width_count == 2);
    if (d->width_count == 2) {
        CHECK(d->widths[0].col0 == 0 && d->widths[0].col1 == 0);
        CHECK_NEAR(d->widths[0].width, 25.54, 1e-12);
        CHECK(d->widths[1].col0 == 1 && d->widths[1].col1 == 8);
        CHECK_NEAR(d->widths[1].width, 12.76, 1e-12);
    }
    /* Shared strings are not copied per cell. */
    CHECK(cell(d, "A2")->value.as.text != NULL);

    const book_sheet *m = &b->sheets[1];
    CHECK(is_num(m, "A1", 1));
    CHECK(is_text(m, "B1", "quote sheet"));
    CHECK(has_formula(m, "B1", "'Bob''s'!A1"));
    CHECK(is_num(m, "A3", 3));
    CHECK(has_formula(m, "A3", "SUM(A1:A2)"));
    const book_sheet *q = &b->sheets[2];
    CHECK(is_text(q, "A1", "quote sheet"));
    CHECK(is_num(q, "A2", 6));
    CHECK(has_formula(q, "A2", "'My Sheet'!A3*2"));
    const book_sheet *j = &b->sheets[3];
    CHECK(is_text(j, "A1", "月"));
    CHECK(is_text(j, "B1", "売上"));
    CHECK(is_text(j, "A2", "1月")); /* two runs in LibreOffice's output */
    CHECK(is_num(j, "B2", 100));
    CHECK(is_num(j, "B4", 300));
    CHECK(has_formula(j, "B4", "SUM(B2:B3)"));
    CHECK(is_text(j, "A5", "こんにちは世界"));
    CHECK(b->cell_count == 9 + 9 + 7 + 4 + 2 + 1 + 3 + 2 + 3 + 1 + 2 + 9);
    ws_book_close(b);
}

static void
test_shared(void)
{
    char path[1100];
    book_path(path, sizeof path, "shared.xlsx");
    ws_book *b = NULL;
    CHECK_OK(read_book(path, NULL, &b));
    if (!b)
        return;
    CHECK(b->sheet_count == 2);
    const book_sheet *s = &b->sheets[0];
    CHECK(has_formula(s, "C1", "A1+B1"));
    CHECK(has_formula(s, "C2", "A2+B2"));
    CHECK(has_formula(s, "C3", "A3+B3"));
    CHECK(has_formula(s, "C4", "A4+B4"));
    CHECK(is_num(s, "C2", 30));
    CHECK(has_formula(s, "D1", "$A$1*A1+SUM($A1:A$1)+'Sheet A1'!B2&\"A1\""));
    CHECK(has_formula(s, "E1", "$A$1*B1+SUM($A1:B$1)+'Sheet A1'!C2&\"A1\""));
    CHECK(has_formula(s, "F1", "$A$1*C1+SUM($A1:C$1)+'Sheet A1'!D2&\"A1\""));
    CHECK(has_formula(s, "G2", "SUM(A:A)+SUM(2:2)+LOG10(B2)"));
    CHECK(has_formula(s, "I1", "SUM(B:C)+SUM($A:C)"));
    /* Excel turns a reference pushed off the grid into #REF!. */
    CHECK(has_formula(s, "J2", "#REF!+Sheet2!$B2+_xlfn.STDEV.S(A2)"));
    /* Strings, structured references, external-book indexes, names that look like
     * numbers or booleans stay; unquoted Japanese and quoted sheet names keep their refs. */
    CHECK(has_formula(s, "M1", "IF(TRUE,1E+5,A1)&Table1[[#This Row],[B1]]&売上!B1+"
                               "'It''s A1'!$A1+[1]Ext!C1+SUM(A:B!C1)"));
    CHECK(has_formula(s, "N2", "IF(TRUE,1E+5,B2)&Table1[[#This Row],[B1]]&売上!C2+"
                               "'It''s A1'!$A2+[1]Ext!D2+SUM(A:B!D2)"));
    CHECK(has_formula(s, "K1", "A1:A2*2"));
    CHECK(cell(s, "K1")->flags & BOOK_CELL_ARRAY_ANCHOR);
    CHECK(cell(s, "K2")->flags & BOOK_CELL_ARRAY_PART);
    CHECK(!(cell(s, "L2")->flags & BOOK_CELL_ARRAY_PART));
    /* Cells and rows without r. */
    CHECK(is_num(s, "A6", 7));
    CHECK(is_text(s, "B6", "plain"));
    CHECK(is_num(s, "E6", 9));
    CHECK(is_num(s, "F6", 10));
    CHECK(is_num(s, "A7", 70));
    CHECK(is_text(s, "A8", "inline"));
    CHECK(is_text(s, "B8", "rich inline")); /* phonetic run skipped */
    CHECK(is_error(s, "A9", WS_CELL_ERR_REF));
    CHECK(is_error(s, "B9", WS_CELL_ERR_NA));
    CHECK_STR(cell(s, "B9")->value.as.text, "#SPILL!");
    CHECK(is_error(s, "C9", WS_CELL_ERR_NULL));
    CHECK(is_bool(s, "D9", true));
    CHECK(is_text(s, "E9", "bold run"));
    CHECK(is_text(s, "F9", "東京"));
    CHECK(is_text(s, "G9", "line\rbreak_x0041_"));
    CHECK(is_text(s, "H9", "xy"));
    CHECK(is_num(s, "I9", 45352.5));
    CHECK(is_num(s, "J9", 0.5));
    CHECK_STR(fmt_of(b, s, "J9"), "0.0%");
    CHECK(!book_format_is_date(b, cell(s, "J9")->fmt));
    CHECK_STR(fmt_of(b, s, "K9"), "mm-dd-yy");
    CHECK(book_format_is_date(b, cell(s, "K9")->fmt));
    CHECK(cell(s, "L9") == NULL); /* a formatted blank is not kept */
    CHECK(is_num(s, "A10", 1.5e-3));
    CHECK(is_num(s, "B10", 0.0));
    CHECK(is_num(s, "C10", 123456789012345678.0));
    CHECK(is_num(s, "D10", 0.30000000000000004));
    CHECK(is_num(s, "E10", 4.9406564584124654e-324));
    CHECK(is_num(s, "F10", -123.456));
    CHECK(is_num(s, "G10", 999999999999999.0));
    CHECK(is_num(s, "H10", 0.000001));
    CHECK(s->width_count == 1 && s->widths[0].col1 == 1 && s->widths[0].width == 20.5);
    const book_sheet *p = &b->sheets[1];
    CHECK_STR(p->name, "Prefixed");
    CHECK(is_text(p, "A1", "plain"));
    CHECK(is_num(p, "B1", 5));
    ws_book_close(b);
}

static void
test_1904(void)
{
    char path[1100];
    book_path(path, sizeof path, "date1904.xlsx");
    ws_book *b = NULL;
    CHECK_OK(read_book(path, NULL, &b));
    if (!b)
        return;
    CHECK(b->date1904);
    const book_sheet *s = &b->sheets[0];
    CHECK(is_num(s, "A1", 0));
    CHECK(book_format_is_date(b, cell(s, "A1")->fmt));
    CHECK(is_num(s, "B1", 43831.5)); /* 2024-01-02 12:00 in the 1904 system */
    CHECK_STR(fmt_of(b, s, "B1"), "yyyy-mm-dd hh:mm");
    CHECK(is_num(s, "A2", 1)); /* t="d" 1904-01-02 */
    ws_book_close(b);
}

/* Every allocation failing in turn: a clean WS_ERR_NOMEM, never a crash or a leak. */
static void
test_alloc_failures(void)
{
    char path[1100];
    book_path(path, sizeof path, "shared.xlsx");
    int nomem = 0, other = 0;
    long n;
    for (n = 0; n < 5000; n++) {
        ws_book *b = NULL;
        ws_status st = book_new(NULL, &b);
        if (st)
            continue;
        mem_fail_after(n, 0);
        st = xlsx_read(b, path);
        mem_fail_after(-1, 0);
        ws_book_close(b);
        if (st == WS_OK)
            break;
        if (st == WS_ERR_NOMEM)
            nomem++;
        else {
            other++;
            fprintf(stderr, "  allocation %ld failing gave %s: %s\n", n, ws_status_str(st),
                    ws_last_reason());
        }
    }
    CHECK(n < 5000);
    CHECK(nomem > 10);
    CHECK(other == 0);
}

/* ---------------------------------------------------------------------------------------
 * a 100,000-row sheet written by libxlsxwriter
 * ------------------------------------------------------------------------------------- */

static void
test_large(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/large.xlsx", tmpdir);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Big data");
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "yyyy-mm-dd");
    enum { ROWS = 100000 };
    char text[32];
    for (uint32_t r = 0; r < ROWS; r++) {
        worksheet_write_number(ws, r, 0, r * 0.25, NULL);
        snprintf(text, sizeof text, "item %u", r % 1000);
        worksheet_write_string(ws, r, 1, text, NULL);
        if (r % 7 == 0)
            worksheet_write_number(ws, r, 3, 40000 + r, date);
    }
    worksheet_write_formula_num(ws, ROWS, 0, "=SUM(A1:A100000)", NULL,
                                1249987500.0);
    CHECK(workbook_close(wb) == LXW_NO_ERROR);

    ws_book *b = NULL;
    CHECK_OK(read_book(path, NULL, &b));
    if (!b)
        return;
    const book_sheet *s = &b->sheets[0];
    CHECK_STR(s->name, "Big data");
    CHECK(s->row_count == ROWS + 1);
    int bad = 0;
    for (uint32_t r = 0; r < ROWS; r++) {
        const book_cell *a = book_cell_at(s, r, 0), *t = book_cell_at(s, r, 1);
        snprintf(text, sizeof text, "item %u", r % 1000);
        if (!a || a->value.type != WS_TYPE_NUMBER || a->value.as.number != r * 0.25)
            bad++;
        if (!t || t->value.type != WS_TYPE_TEXT || strcmp(t->value.as.text, text) != 0)
            bad++;
        const book_cell *d = book_cell_at(s, r, 3);
        if ((r % 7 == 0) != (d != NULL))
            bad++;
        if (d && (d->value.as.number != 40000 + r || !book_format_is_date(b, d->fmt)))
            bad++;
        if (book_cell_at(s, r, 2))
            bad++;
    }
    CHECK(bad == 0);
    /* One copy of each distinct string: cells of equal text share it. */
    CHECK(book_cell_at(s, 5, 1)->value.as.text == book_cell_at(s, 1005, 1)->value.as.text);
    const book_cell *sum = book_cell_at(s, ROWS, 0);
    CHECK(sum && sum->formula && strcmp(sum->formula, "SUM(A1:A100000)") == 0);
    CHECK(sum && sum->value.as.number == 1249987500.0);
    ws_book_close(b);
}

/* ---------------------------------------------------------------------------------------
 * hostile inputs
 * ------------------------------------------------------------------------------------- */

static void
test_hostile(void)
{
    ws_limits lim;
    ws_limits_default(&lim);
    char path[512];

    /* Missing, not a zip, a zip without a workbook. */
    snprintf(path, sizeof path, "%s/absent.xlsx", tmpdir);
    CHECK(fails_with(path, NULL, WS_ERR_IO, "absent.xlsx: cannot open"));
    snprintf(path, sizeof path, "%s/notzip.xlsx", tmpdir);
    FILE *f = fopen(path, "wb");
    fputs("just text", f);
    fclose(f);
    CHECK(fails_with(path, NULL, WS_ERR_FORMAT, "not a readable zip"));
    snprintf(path, sizeof path, "%s/empty.xlsx", tmpdir);
    zpart lone = {"hello.txt", "hi", 0, 0, 0, 0};
    write_zip(path, &lone, 1);
    CHECK(fails_with(path, NULL, WS_ERR_FORMAT, "no workbook part"));

    /* A zip bomb: 20 MB of spaces inside the sheet inflate ~1000x. */
    snprintf(path, sizeof path, "%s/bomb.xlsx", tmpdir);
    zpart bomb[4] = {{"_rels/.rels", ROOT_RELS, 0, 0, 0, 0},
                     {"xl/workbook.xml", WORKBOOK, 0, 0, 0, 0},
                     {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0, 0, 0},
                     {"xl/worksheets/sheet1.xml", NULL, "<worksheet " NS "><sheetData>",
                      "</sheetData></worksheet>", ' ', 20u << 20}};
    write_zip(path, bomb, 4);
    CHECK(fails_with(path, NULL, WS_ERR_LIMIT, "min_inflate_ratio"));
    CHECK(fails_with(path, NULL, WS_ERR_LIMIT, "xl/worksheets/sheet1.xml"));
    /* ... which reads once the ratio limit is lowered, and trips the size limits. */
    ws_limits loose = lim;
    loose.min_inflate_ratio = 0;
    ws_book *b = NULL;
    CHECK_OK(read_book(path, &loose, &b));
    ws_book_close(b);
    b = NULL;
    loose.max_entry_bytes = 1u << 20;
    CHECK(fails_with(path, &loose, WS_ERR_LIMIT, "max_entry_bytes"));
    loose.max_entry_bytes = 1ull << 32;
    loose.max_total_bytes = 10u << 20;
    CHECK(fails_with(path, &loose, WS_ERR_LIMIT, "max_total_bytes"));

    /* Billion laughs behind a DOCTYPE: refused before any entity is defined. */
    const char *laughs =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
        "<sst " NS "><si><t>&lol3;</t></si></sst>";
    CHECK(fails_with(make_book("laughs.xlsx", "<worksheet " NS "/>", laughs), NULL,
                     WS_ERR_FORMAT, "DOCTYPE"));
    /* XXE. */
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                      "\"file:///etc/passwd\">]><worksheet " NS "><sheetData><row r=\"1\">"
                      "<c r=\"A1\" t=\"inlineStr\"><is><t>&e;</t></is></c></row></sheetData>"
                      "</worksheet>";
    CHECK(fails_with(make_book("xxe.xlsx", xxe, NULL), NULL, WS_ERR_FORMAT, "DOCTYPE"));

    /* Duplicate entries (and duplicates that differ only in case). */
    snprintf(path, sizeof path, "%s/dup.xlsx", tmpdir);
    zpart dup[5] = {{"_rels/.rels", ROOT_RELS, 0, 0, 0, 0},
                    {"xl/workbook.xml", WORKBOOK, 0, 0, 0, 0},
                    {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0, 0, 0},
                    {"xl/worksheets/sheet1.xml", "<worksheet " NS "/>", 0, 0, 0, 0},
                    {"xl/worksheets/sheet1.xml", "<worksheet " NS "/>", 0, 0, 0, 0}};
    write_zip(path, dup, 5);
    CHECK(fails_with(path, NULL, WS_ERR_FORMAT, "two entries named xl/worksheets/sheet1.xml"));
    dup[4].name = "XL/Worksheets/Sheet1.xml";
    write_zip(path, dup, 5);
    CHECK(fails_with(path, NULL, WS_ERR_FORMAT, "two entries named"));
    /* Too many entries. */
    ws_limits few = lim;
    few.max_zip_entries = 3;
    CHECK(fails_with(make_book("many.xlsx", "<worksheet " NS "/>", NULL), &few, WS_ERR_LIMIT,
                     "max_zip_entries"));

    /* Truncated and corrupted copies of a real book. */
    char src[1100];
    book_path(src, sizeof src, "features.xlsx");
    f = fopen(src, "rb");
    static unsigned char data[1 << 16];
    size_t n = f ? fread(data, 1, sizeof data, f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 4000);
    snprintf(path, sizeof path, "%s/trunc.xlsx", tmpdir);
    f = fopen(path, "wb");
    fwrite(data, 1, n / 2, f);
    fclose(f);
    CHECK(fails_with(path, NULL, WS_ERR_FORMAT, "not a readable zip"));
    /* Corrupt every entry's compressed bytes a little past its local header. */
    int corrupted = 0;
    for (size_t i = 0; i + 30 < n; i++) {
        if (memcmp(data + i, "PK\3\4", 4) == 0) {
            size_t name_len = data[i + 26] | (size_t)data[i + 27] << 8;
            size_t extra = data[i + 28] | (size_t)data[i + 29] << 8;
            size_t at = i + 30 + name_len + extra + 10;
            if (at < n) {
                data[at] ^= 0x5A;
                corrupted++;
            }
        }
    }
    CHECK(corrupted > 5);
    snprintf(path, sizeof path, "%s/corrupt.xlsx", tmpdir);
    f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
    CHECK(fails_with(path, NULL, WS_ERR_FORMAT, "corrupt"));

    /* Bad shared-string index, named with the sheet and cell. */
    CHECK(fails_with(make_book("sst.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"3\"><c r=\"B3\" t=\"s\">"
                               "<v>99</v></c></row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "sheet 'S' (xl/worksheets/sheet1.xml), cell B3: "
                                          "shared string index '99' is out of range"));
    CHECK(fails_with(make_book("sstneg.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\">"
                               "<v>-1</v></c></row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "out of range"));
    /* Rows and references beyond the limits, or malformed. */
    CHECK(fails_with(make_book("row.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"1048577\"><c><v>1</v></c>"
                               "</row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_LIMIT, "row 1048577 is beyond the limit"));
    CHECK(fails_with(make_book("row32.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"4294967297\"><c r=\"A"
                               "4294967297\"><v>1</v></c></row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_LIMIT, "max_rows"));
    CHECK(fails_with(make_book("ref.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1"
                               "</v></c></row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_LIMIT, "cell XFE1 is beyond"));
    CHECK(fails_with(make_book("neg.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A-1\"><v>1"
                               "</v></c></row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "'A-1' is not valid"));
    ws_limits small = lim;
    small.max_rows = 100;
    CHECK(fails_with(make_book("r100.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"101\"><c r=\"A101\"><v>1"
                               "</v></c></row></sheetData></worksheet>",
                               NULL),
                     &small, WS_ERR_LIMIT, "raise max_rows"));
    small = lim;
    small.max_cells = 2;
    CHECK(fails_with(make_book("cells.xlsx",
                               "<worksheet " NS "><sheetData><row><c><v>1</v></c><c><v>2</v></c>"
                               "<c><v>3</v></c></row></sheetData></worksheet>",
                               NULL),
                     &small, WS_ERR_LIMIT, "cell C1: more than 2 cells"));
    small = lim;
    small.max_text_bytes = 10;
    CHECK(fails_with(make_book("text.xlsx",
                               "<worksheet " NS "><sheetData><row><c t=\"inlineStr\"><is><t>"
                               "0123456789AB</t></is></c></row></sheetData></worksheet>",
                               NULL),
                     &small, WS_ERR_LIMIT, "max_text_bytes"));
    small = lim;
    small.max_shared_strings = 1;
    CHECK(fails_with(make_book("sstmax.xlsx", "<worksheet " NS "/>",
                               "<sst " NS "><si><t>a</t></si><si><t>b</t></si></sst>"),
                     &small, WS_ERR_LIMIT, "max_shared_strings"));
    /* Out of order cells and rows. */
    CHECK(fails_with(make_book("order.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"B1\"><v>1</v>"
                               "</c><c r=\"A1\"><v>2</v></c></row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "cell A1: the cell comes after B1"));
    CHECK(fails_with(make_book("rows.xlsx",
                               "<worksheet " NS "><sheetData><row r=\"5\"/><row r=\"2\"/>"
                               "</sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "rows must ascend"));
    /* Invalid UTF-8 and malformed XML. */
    CHECK(fails_with(make_book("utf8.xlsx", "<worksheet " NS "/>",
                               "<sst " NS "><si><t>bad \xC3\x28 byte</t></si></sst>"),
                     NULL, WS_ERR_FORMAT, "xl/sharedStrings.xml, line 1"));
    CHECK(fails_with(make_book("xml.xlsx", "<worksheet " NS "><sheetData><row>", NULL), NULL,
                     WS_ERR_FORMAT, "xl/worksheets/sheet1.xml"));
    CHECK(fails_with(make_book("num.xlsx",
                               "<worksheet " NS "><sheetData><row><c><v>12abc</v></c></row>"
                               "</sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "'12abc' is not a number"));
    CHECK(fails_with(make_book("shared.xlsx",
                               "<worksheet " NS "><sheetData><row><c><f t=\"shared\" si=\"3\"/>"
                               "<v>1</v></c></row></sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "no master"));
    CHECK(fails_with(make_book("type.xlsx",
                               "<worksheet " NS "><sheetData><row><c t=\"zz\"><v>1</v></c></row>"
                               "</sheetData></worksheet>",
                               NULL),
                     NULL, WS_ERR_FORMAT, "unknown cell type"));
    /* A relationship target that climbs out of the package resolves inside it, and a
     * missing part is a clear error. */
    snprintf(path, sizeof path, "%s/missing.xlsx", tmpdir);
    zpart miss[3] = {{"_rels/.rels", ROOT_RELS, 0, 0, 0, 0},
                     {"xl/workbook.xml", WORKBOOK, 0, 0, 0, 0},
                     {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0, 0, 0}};
    write_zip(path, miss, 3);
    CHECK(fails_with(path, NULL, WS_ERR_FORMAT, "no part xl/worksheets/sheet1.xml"));
}

/* ---------------------------------------------------------------------------------------
 * numbers: the reader's fast decimal path must give exactly strtod's double
 * ------------------------------------------------------------------------------------- */

static const char *const number_specials[] = {
    "0", "-0", "+0", "0.0", "-0.0", "-0e5", ".5", "5.", "+.5", "-.5", "5.e3", "007",
    "0.000001", "0.1", "0.2", "0.30000000000000004", "0.3", "1E22", "1e23", "1E-22",
    "1e-23", "9007199254740992", "9007199254740993", "9007199254740991.5",
    "18014398509481985", "123456789012345678", "1234567890123456789012345",
    "0.1000000000000000000000000001", "4.9406564584124654e-324", "2.2250738585072014E-308",
    "1.7976931348623157e308", "1e-400", "123456.789e-3", "1.5E+3", "1.5e-03",
    "7.0000000000000007E-2", "0.07000000000000001", " 12 ", "\t-3.25\n", "99999999999999999999",
    "00000000000000000000001.5", "1.00000000000000000000", "3.14159265358979323846",
};

static const char *const number_bad[] = {"INF", "-INF", "NaN", "inf", "infinity", "0x1A",
                                         "1e", "1e+", "--1", "1.2.3", ".", "-", "+", "1e400",
                                         "1 2", "e5", "1,5"};

static uint64_t
xorshift(uint64_t *state) /* deterministic test strings */
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static void
test_numbers(void)
{
    enum { RANDOM = 3000 };
    size_t nspecial = sizeof number_specials / sizeof number_specials[0];
    size_t n = nspecial + RANDOM;
    char(*text)[48] = malloc(n * sizeof *text);
    char *xml = malloc(n * 96 + 256);
    if (!text || !xml)
        return;
    uint64_t state = 88172645463325252u;
#define NEXT() xorshift(&state)
    for (size_t i = 0; i < n; i++) {
        if (i < nspecial) {
            snprintf(text[i], sizeof text[i], "%s", number_specials[i]);
            continue;
        }
        unsigned kind = (unsigned)(NEXT() % 3);
        if (kind == 0) { /* a double printed to 15, 16 or 17 digits */
            double d;
            uint64_t bits;
            do {
                bits = NEXT();
                memcpy(&d, &bits, sizeof d);
            } while (!isfinite(d));
            snprintf(text[i], sizeof text[i], "%.*g", 15 + (int)(NEXT() % 3), d);
        } else { /* digits, a point somewhere, an exponent sometimes */
            char *w = text[i];
            unsigned len = 1 + (unsigned)(NEXT() % 20), point = (unsigned)(NEXT() % (len + 2));
            if (NEXT() % 4 == 0)
                *w++ = NEXT() % 2 ? '-' : '+';
            for (unsigned k = 0; k < len; k++) {
                if (k == point)
                    *w++ = '.';
                *w++ = (char)('0' + (kind == 1 && k < 3 ? 0 : NEXT() % 10));
            }
            if (NEXT() % 3 == 0)
                w += sprintf(w, "%c%s%d", NEXT() % 2 ? 'e' : 'E', NEXT() % 2 ? "-" : "",
                             (int)(NEXT() % 330));
            *w = '\0';
            if (!isfinite(strtod(text[i], NULL)))
                i--; /* an overflow is an error cell: draw again */
        }
    }
#undef NEXT
    size_t len = (size_t)sprintf(xml, "<worksheet " NS "><sheetData>");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(xml + len, "<row r=\"%zu\"><c r=\"A%zu\"><v>%s</v></c></row>",
                               i + 1, i + 1, text[i]);
    sprintf(xml + len, "</sheetData></worksheet>");
    ws_book *b = NULL;
    CHECK_OK(read_book(make_book("numbers.xlsx", xml, NULL), NULL, &b));
    int bad = 0, fast = 0;
    for (size_t i = 0; b && i < n; i++) {
        char *end;
        double want = strtod(text[i], &end);
        const book_cell *c = book_cell_at(&b->sheets[0], (uint32_t)i, 0);
        if (!isfinite(want)) { /* "1e400"-like strings are read as errors, tested below */
            bad += c != NULL && c->value.type == WS_TYPE_NUMBER;
            continue;
        }
        if (!c || c->value.type != WS_TYPE_NUMBER ||
            memcmp(&c->value.as.number, &want, sizeof want) != 0) {
            if (bad++ < 5)
                fprintf(stderr, "  '%s': want %.17g, got %.17g\n", text[i], want,
                        c ? c->value.as.number : 0.0);
        }
        fast += strlen(text[i]) < 16;
    }
    CHECK(bad == 0);
    CHECK(fast > 500); /* the fast path was exercised, not only strtod */
    if (b) {
        /* -0 stays negative zero; 0.1 + 0.2 round trips through its 17 digits. */
        const book_sheet *sh = &b->sheets[0];
        CHECK(is_num(sh, "A2", 0.0) && signbit(cell(sh, "A2")->value.as.number));
        CHECK(is_num(sh, "A16", 0.1 + 0.2));
        CHECK(is_num(sh, "A38", 12.0)); /* " 12 " */
    }
    ws_book_close(b);
    free(text);
    free(xml);

    for (size_t i = 0; i < sizeof number_bad / sizeof number_bad[0]; i++) {
        char sheet[256];
        snprintf(sheet, sizeof sheet,
                 "<worksheet " NS "><sheetData><row><c><v>%s</v></c></row></sheetData>"
                 "</worksheet>",
                 number_bad[i]);
        CHECK(fails_with(make_book("badnum.xlsx", sheet, NULL), NULL, WS_ERR_FORMAT,
                         "is not a number"));
    }
}

/* The zip layer's own contract, as the ODS reader uses it. */
static int zx_elements;
static zipxml *zx_zip;
static void
zx_start(void *user, const char *name, const char **attrs)
{
    (void)attrs;
    (void)user;
    zx_elements++;
    if (strcmp(name, "row") == 0)
        zipxml_stop(zx_zip, diag_fail(WS_ERR_VALUE, "stopped at a row"));
}

static void test_zipxml(void);

/* Big shared strings are read on a thread of their own, beside the sheets, and big parts
 * are inflated on another, ahead of expat (here every part is: the thresholds are 0). */
static void
test_sst_thread(void)
{
    /* The two zip handles share one max_total_bytes: 6 MiB of spaces in each part pass
     * alone, not together. */
    char path[1100];
    snprintf(path, sizeof path, "%s/two-halves.xlsx", tmpdir);
    zpart halves[5] = {{"_rels/.rels", ROOT_RELS, 0, 0, 0, 0},
                       {"xl/workbook.xml", WORKBOOK, 0, 0, 0, 0},
                       {"xl/_rels/workbook.xml.rels", WB_RELS, 0, 0, 0, 0},
                       {"xl/worksheets/sheet1.xml", NULL,
                        "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\">"
                        "<v>0</v></c></row>",
                        "</sheetData></worksheet>", ' ', 6u << 20},
                       {"xl/sharedStrings.xml", NULL, "<sst " NS ">",
                        "<si><t>half</t></si></sst>", ' ', 6u << 20}};
    write_zip(path, halves, 5);
    ws_limits lim;
    ws_limits_default(&lim);
    lim.min_inflate_ratio = 0;
    lim.max_total_bytes = 10u << 20;
    CHECK(fails_with(path, &lim, WS_ERR_LIMIT, "max_total_bytes"));
    lim.max_total_bytes = 13u << 20;
    ws_book *b = NULL;
    CHECK_OK(read_book(path, &lim, &b));
    if (b) {
        const book_cell *c = book_cell_at(&b->sheets[0], 0, 0);
        CHECK(c && c->value.type == WS_TYPE_TEXT && strcmp(c->value.as.text, "half") == 0);
        CHECK(c && !(c->flags & BOOK_CELL_SST_INDEX));
        ws_book_close(b);
    }
    /* Everything else holds with the threads as without them. */
    test_features();
    test_zipxml();
    test_shared();
    test_hostile();
    test_alloc_failures();
}

static void
test_zipxml(void)
{
    char path[1100];
    book_path(path, sizeof path, "features.xlsx");
    zipxml *zip = NULL;
    CHECK_OK(zipxml_open(path, NULL, &zip));
    if (!zip)
        return;
    CHECK(zipxml_has(zip, "xl/workbook.xml"));
    CHECK(zipxml_has(zip, "XL/WORKBOOK.XML"));
    CHECK(!zipxml_has(zip, "xl/nothing.xml"));
    char *data = NULL;
    size_t len = 0;
    CHECK_OK(zipxml_read(zip, "xl/workbook.xml", &data, &len));
    CHECK(data && len > 100 && strlen(data) == len && strstr(data, "売上 2024"));
    mem_free(data);
    zx_zip = zip;
    zx_elements = 0;
    ws_status st = zipxml_parse(zip, "xl/worksheets/sheet1.xml", zx_start, NULL, NULL, NULL);
    CHECK(st == WS_ERR_VALUE);
    CHECK(strstr(ws_last_reason(), "stopped at a row") != NULL);
    CHECK(zx_elements > 5 && zx_elements < 30);
    /* The zip is usable after a stopped parse. */
    zx_elements = 0;
    CHECK_OK(zipxml_parse(zip, "xl/workbook.xml", NULL, NULL, NULL, NULL));
    CHECK(zipxml_parse(zip, "nope.xml", NULL, NULL, NULL, NULL) == WS_ERR_FORMAT);
    CHECK(zipxml_claimed_size(zip, "xl/workbook.xml") > 100);
    CHECK(zipxml_claimed_size(zip, "nope.xml") == 0);
    zipxml *again = NULL;
    CHECK_OK(zipxml_reopen(zip, &again));
    CHECK_OK(zipxml_parse(again, "xl/workbook.xml", NULL, NULL, NULL, NULL));
    zipxml_close(again);
    const char *attrs[] = {"a", "1", "bb", "2", NULL};
    CHECK_STR(zipxml_attr(attrs, "bb"), "2");
    CHECK(zipxml_attr(attrs, "c") == NULL);
    zipxml_close(zip);
    zipxml_close(NULL);
}

int
main(void)
{
    const char *root = getenv("WS_SOURCE_ROOT");
    snprintf(books, sizeof books, "%s/tests/data/books", root ? root : ".");
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ws-xlsx-test.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_features();
    test_shared();
    test_1904();
    test_zipxml();
    test_hostile();
    test_alloc_failures();
    test_numbers();
    test_large();
    xlsx_read_sst_thread_min(0);
    zipxml_set_ahead_min(0);
    test_sst_thread();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return check_summary("xlsx");
}
