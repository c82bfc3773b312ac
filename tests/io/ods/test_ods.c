/* The ODS reader, cell by cell:
 *  - odsread.ods, saved by LibreOffice 7.4 from odsread.fods (make.sh): the values below
 *    are worked out by hand from the .fods source (date serials counted from 1899-12-30;
 *    cached formula results as LibreOffice computed them);
 *  - the files in hostile/, written by make_hostile.py: hand-made details, repeat bombs, broken
 *    zips and XML.
 * Files are found through WS_SOURCE_ROOT (set by meson). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../check.h"
#include "../csv/cellcheck.h"
#include "core/mem.h"
#include "io/book.h"

static char root[1024];

static const char *
path_of(const char *name)
{
    static char path[2048];
    snprintf(path, sizeof path, "%s/tests/io/ods/%s", root, name);
    return path;
}

static ws_status
read_ods(const char *name, const ws_limits *limits, ws_book **out)
{
    ws_book *book;
    *out = NULL;
    ws_status st = book_new(limits, &book);
    if (st)
        return st;
    st = ods_read(book, path_of(name));
    if (st) {
        ws_book_close(book);
        return st;
    }
    *out = book;
    return WS_OK;
}

static const char *
fmt_of(const ws_book *b, size_t sheet, const char *ref)
{
    const book_cell *c = cc_cell(b, sheet, ref);
    return c ? b->formats[c->fmt] : "(no cell)";
}

static bool
cc_flags(const ws_book *b, size_t sheet, const char *ref, unsigned flags)
{
    const book_cell *c = cc_cell(b, sheet, ref);
    bool ok = c && c->flags == flags;
    if (!ok) {
        fprintf(stderr, "want %s flags %u\n", ref, flags);
        cc_describe(c, ref);
    }
    return ok;
}

static double
seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

static void
test_libreoffice_file(void)
{
    ws_book *b;
    CHECK_OK(read_ods("odsread.ods", NULL, &b));
    if (!b)
        return;
    CHECK(b->sheet_count == 3);
    CHECK_STR(b->sheets[0].name, "Sheet 1");
    CHECK_STR(b->sheets[1].name, "売上 2024");
    CHECK_STR(b->sheets[2].name, "Bob's");

    CHECK(cc_text(b, 0, "A1", "label"));
    CHECK(cc_text(b, 0, "B1", "value"));
    CHECK(cc_blank(b, 0, "C1"));
    CHECK(cc_num(b, 0, "B2", 12.5));
    CHECK(cc_num(b, 0, "B3", 0.25));
    CHECK_STR(fmt_of(b, 0, "B3"), "0%");
    CHECK(cc_num(b, 0, "B4", 9.99));
    /* 2024-03-15: 45,366 days after 1899-12-30 (Excel shows the same serial). */
    CHECK(cc_num(b, 0, "B5", 45366));
    CHECK_STR(fmt_of(b, 0, "B5"), "yyyy-mm-dd");
    CHECK(book_format_is_date(b, cc_cell(b, 0, "B5")->fmt));
    CHECK(cc_num(b, 0, "C5", 1.75)); /* 1899-12-31 18:00 */
    CHECK_STR(fmt_of(b, 0, "C5"), "d.m.yyyy hh:mm");
    CHECK(cc_num(b, 0, "B6", 13.5 / 24));
    CHECK_STR(fmt_of(b, 0, "B6"), "hh:mm");
    CHECK(cc_bool(b, 0, "B7", true));
    CHECK(cc_bool(b, 0, "C7", false));
    /* LibreOffice itself dropped the tab and line break of the source on import. */
    CHECK(cc_text(b, 0, "B8", "line one\na   bcd span link "));

    CHECK(cc_formula(b, 0, "B9", "SUM(B2:B4)"));
    CHECK(cc_num(b, 0, "B9", 22.74));
    CHECK(cc_formula(b, 0, "B10", "'売上 2024'!A1*2"));
    CHECK(cc_num(b, 0, "B10", 200));
    CHECK(cc_formula(b, 0, "B11", "SUM({1,2;3,4})"));
    CHECK(cc_num(b, 0, "B11", 10));
    CHECK(cc_formula(b, 0, "B12", "1/0"));
    CHECK(cc_error(b, 0, "B12", WS_CELL_ERR_DIV0));
    CHECK(cc_formula(b, 0, "B13", "NA()"));
    CHECK(cc_error(b, 0, "B13", WS_CELL_ERR_NA));
    CHECK(cc_formula(b, 0, "B14", "CONCATENATE(\"a;b\",\"[.x]\",\"\"\"q\"\"\",A1)"));
    CHECK(cc_text(b, 0, "B14", "a;b[.x]\"q\"label"));
    /* LibreOffice lower-cases a function it does not know. */
    CHECK(cc_formula(b, 0, "B15", "ws.describe(B2:B4)"));
    CHECK(cc_error(b, 0, "B15", WS_CELL_ERR_NAME));

    /* The matrix formula {={1;2|3;4}*2} over A16:B17. */
    CHECK(cc_formula(b, 0, "A16", "{1,2;3,4}*2"));
    CHECK(cc_num(b, 0, "A16", 2));
    CHECK(cc_flags(b, 0, "A16", BOOK_CELL_ARRAY_ANCHOR));
    CHECK(cc_num(b, 0, "B16", 4));
    CHECK(cc_flags(b, 0, "B16", BOOK_CELL_ARRAY_PART));
    CHECK(cc_num(b, 0, "A17", 6));
    CHECK(cc_flags(b, 0, "A17", BOOK_CELL_ARRAY_PART));
    CHECK(cc_num(b, 0, "B17", 8));
    CHECK(cc_flags(b, 0, "B17", BOOK_CELL_ARRAY_PART));
    CHECK(cc_text(b, 0, "C16", "matrix"));
    CHECK(cc_flags(b, 0, "C16", 0));
    const book_area *area = book_find_array(&b->sheets[0], 15, 0);
    CHECK(area && area->row1 == 16 && area->col1 == 1);
    CHECK(b->sheets[0].array_count == 1);

    /* One cell repeated over three columns, then empty rows. */
    CHECK(cc_num(b, 0, "A18", 7));
    CHECK(cc_num(b, 0, "B18", 7));
    CHECK(cc_num(b, 0, "C18", 7));
    CHECK(cc_blank(b, 0, "D18"));
    CHECK(cc_blank(b, 0, "A19"));
    CHECK(cc_blank(b, 0, "A21"));
    CHECK(cc_text(b, 0, "A22", "abs"));
    CHECK(cc_formula(b, 0, "B22", "$B$2+B$3+SUM($B$2:$B$4)"));
    CHECK(cc_num(b, 0, "B22", 35.49));
    CHECK_STR(fmt_of(b, 0, "B22"), "0.00%");
    CHECK(cc_text(b, 0, "A23", "merged"));
    CHECK(cc_blank(b, 0, "B23"));
    CHECK(cc_text(b, 0, "C23", "noted")); /* the comment is not text */
    CHECK(cc_num(b, 0, "B24", 0.1234));
    CHECK_STR(fmt_of(b, 0, "B24"), "0.00%");
    CHECK(!book_format_is_date(b, cc_cell(b, 0, "B24")->fmt));
    CHECK(cc_num(b, 0, "C24", 1234.5));
    CHECK_STR(fmt_of(b, 0, "C24"), "#,##0.00");
    CHECK(cc_formula(b, 0, "D24", "A1&\"!\""));
    CHECK(cc_text(b, 0, "D24", "label!"));
    CHECK(b->sheets[0].max_row == 23 && b->sheets[0].max_col == 3);

    /* Widths: A:C 1 in = 96 px -> (96 - 5) / 7 = 13 characters; D 2 in -> 26.71. */
    const book_sheet *s0 = &b->sheets[0];
    CHECK(s0->width_count == 2);
    if (s0->width_count == 2) {
        CHECK(s0->widths[0].col0 == 0 && s0->widths[0].col1 == 2);
        CHECK_NEAR(s0->widths[0].width, 13.0, 1e-9);
        CHECK(s0->widths[1].col0 == 3 && s0->widths[1].col1 == 3);
        CHECK_NEAR(s0->widths[1].width, 187.0 / 7.0, 1e-9);
    }

    CHECK(cc_num(b, 1, "A1", 100));
    CHECK(cc_text(b, 1, "B1", "日本語"));
    CHECK(cc_num(b, 1, "A2", -0.0025));
    /* Written by LibreOffice as "a <text:s text:c="2"/>b<text:line-break/> <text:s .../>c". */
    CHECK(cc_text(b, 1, "A3", "a   b\n   c"));
    CHECK(b->sheets[1].width_count == 1);
    if (b->sheets[1].width_count == 1) /* LibreOffice's default 0.889 in */
        CHECK_NEAR(b->sheets[1].widths[0].width, (0.889 * 96 - 5) / 7, 1e-9);

    CHECK(cc_formula(b, 2, "A1", "SUM('Sheet 1'!B2:B3)"));
    CHECK(cc_num(b, 2, "A1", 12.75));
    CHECK_STR(fmt_of(b, 2, "A1"), "0.00%"); /* the column's default cell style */
    CHECK(cc_formula(b, 2, "B1", "SUM(C:C)"));
    CHECK(cc_num(b, 2, "B1", 5));
    CHECK_STR(fmt_of(b, 2, "B1"), "General");
    CHECK(cc_formula(b, 2, "A2", "'Bob''s'!C1+'Sheet 1'!$B$2"));
    CHECK(cc_num(b, 2, "A2", 17.5));
    CHECK_STR(fmt_of(b, 2, "A2"), "General");
    CHECK(cc_formula(b, 2, "B2", "IF(C1>1,\"big\",\"small\")"));
    CHECK(cc_text(b, 2, "B2", "big"));
    ws_book_close(b);
}

static void
test_details(void)
{
    ws_book *b;
    CHECK_OK(read_ods("hostile/details.ods", NULL, &b));
    if (!b)
        return;
    CHECK(b->sheet_count == 3);
    CHECK_STR(b->sheets[0].name, "Details");
    CHECK_STR(b->sheets[1].name, "Grouped");
    CHECK_STR(b->sheets[2].name, "Empty");

    CHECK(cc_text(b, 0, "A1", "a   b\tc\nd span link \n\nthird"));
    CHECK(cc_text(b, 0, "B1", "no type"));
    CHECK(cc_text(b, 0, "C1", "attr"));
    CHECK(cc_num(b, 0, "D1", -1.5));
    const char *money = "\"€\" #,##0.00;-\"€\" #,##0.00";
    CHECK_STR(fmt_of(b, 0, "D1"), money); /* column default */
    CHECK_STR(fmt_of(b, 0, "A1"), "General");

    /* 1900-03-01 06:00:00.5 = serial 61 (as in Excel) plus a quarter day and 0.5 s. */
    CHECK(cc_num(b, 0, "A2", 61 + 0.25 + 0.5 / 86400));
    CHECK_STR(fmt_of(b, 0, "A2"), "mmmm d, yyyy"); /* through the parent style */
    CHECK(cc_num(b, 0, "B2", (86400 + 2 * 3600 + 30 * 60 + 15.25) / 86400));
    CHECK_STR(fmt_of(b, 0, "B2"), "[h]:mm:ss.00");
    CHECK(cc_num(b, 0, "C2", -1234.5));
    CHECK_STR(fmt_of(b, 0, "C2"), money);
    CHECK(cc_num(b, 0, "D2", 1.5e300));
    CHECK_STR(fmt_of(b, 0, "D2"), "0.000E+00");
    CHECK(cc_num(b, 0, "E2", 2));
    CHECK_STR(fmt_of(b, 0, "E2"), "\\\"\"x\"\\\"0.0");
    CHECK(cc_num(b, 0, "F2", 3));
    CHECK_STR(fmt_of(b, 0, "F2"), "General"); /* a parent loop ends in no format */
    CHECK(cc_num(b, 0, "G2", 45351));          /* 2024-02-29 */
    CHECK_STR(fmt_of(b, 0, "G2"), "yyyy-mm-dd");
    CHECK(cc_num(b, 0, "H2", 45351.5));
    CHECK_STR(fmt_of(b, 0, "H2"), "yyyy-mm-dd hh:mm:ss");
    CHECK(cc_num(b, 0, "I2", -0.25));
    CHECK_STR(fmt_of(b, 0, "I2"), "[hh]:mm:ss");
    CHECK(cc_num(b, 0, "J2", 0.5));
    CHECK(cc_bool(b, 0, "K2", false));
    CHECK(cc_num(b, 0, "L2", 4));
    CHECK_STR(fmt_of(b, 0, "L2"), money);

    CHECK(cc_error(b, 0, "A3", WS_CELL_ERR_DIV0));
    CHECK(cc_formula(b, 0, "A3", "1/0"));
    CHECK(cc_error(b, 0, "B3", WS_CELL_ERR_VALUE));
    const book_cell *e = cc_cell(b, 0, "B3");
    CHECK(e && e->value.as.text && strcmp(e->value.as.text, "Err:502") == 0);
    CHECK(cc_text(b, 0, "C3", ""));
    CHECK(cc_formula(b, 0, "C3", "\"\""));
    CHECK(cc_formula(b, 0, "D3", "Z99"));
    const book_cell *d3 = cc_cell(b, 0, "D3");
    CHECK(d3 && d3->value.type == WS_TYPE_EMPTY);
    CHECK(cc_num(b, 0, "E3", 9)); /* covered cells keep their content */
    CHECK(cc_blank(b, 0, "F3"));  /* a table nested in a cell is skipped */
    CHECK(cc_num(b, 0, "G3", 10));
    CHECK(cc_error(b, 0, "H3", WS_CELL_ERR_NUM)); /* Err:523: no convergence */
    CHECK(cc_formula(b, 0, "H3", "WS.FIT(A1:A9)"));

    static const char *const want[] = {
        "SUM(A1:B2,{1,2;3,4},\"x;y|z\")",
        "'Bob''s:Other'!A1:B2+'It''s'!$C$3",
        "Sheet2!A1:B2+'AB12'!A1+'Sheet 1'!A1:A9",
        "#REF!+#REF!+#REF!",
        "IF(ISNA(#N/A),1,0)+SUM(A1 B2)+SUM(A1,B2)",
        "A:A+SUM(2:3)",
        "SUM(A1:B2,1)",
        "SUM(A1,2)",
        "SUM([.A1",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char ref[8];
        snprintf(ref, sizeof ref, "A%zu", i + 4);
        CHECK(cc_formula(b, 0, ref, want[i]));
        CHECK(cc_num(b, 0, ref, 1));
    }
    const book_sheet *s0 = &b->sheets[0];
    CHECK(s0->width_count == 1);
    if (s0->width_count == 1) { /* 50 mm = 188.98 px */
        CHECK(s0->widths[0].col0 == 0 && s0->widths[0].col1 == 1);
        CHECK_NEAR(s0->widths[0].width, (50 / 25.4 * 96 - 5) / 7, 1e-9);
    }

    CHECK(cc_text(b, 1, "A1", "head"));
    CHECK(cc_num(b, 1, "A2", 1));
    CHECK(cc_num(b, 1, "A3", 2));
    CHECK(b->sheets[2].row_count == 0);
    ws_book_close(b);
}

static void
test_repeats(void)
{
    ws_book *b;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(read_ods("hostile/bomb_rows.ods", NULL, &b));
    double secs = seconds_since(&t0);
    CHECK(secs < 1.0);
    if (b) {
        CHECK(b->cell_count == 3);
        CHECK(cc_num(b, 0, "A1", 1));
        CHECK(cc_num(b, 0, "XFA2", 2));
        CHECK(cc_text(b, 0, "A1048003", "end"));
        CHECK(b->sheets[0].row_count == 3);
        CHECK(b->sheets[0].width_count == 0);
        ws_book_close(b);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(read_ods("hostile/bomb_far.ods", NULL, &b));
    CHECK(seconds_since(&t0) < 1.0);
    if (b) {
        CHECK(b->cell_count == 1);
        CHECK(cc_num(b, 0, "A1", 5));
        ws_book_close(b);
    }
    CHECK(read_ods("hostile/bomb_far_value.ods", NULL, &b) == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_rows"));

    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK(read_ods("hostile/bomb_value.ods", NULL, &b) == WS_ERR_LIMIT);
    CHECK(seconds_since(&t0) < 1.0);
    CHECK(cc_reason_has("max_cells"));
    CHECK(cc_reason_has("17179869184 times"));
    CHECK(cc_reason_has("sheet 'Full', cell A1"));

    CHECK_OK(read_ods("hostile/repeat_value.ods", NULL, &b));
    if (b) {
        CHECK(b->cell_count == 13);
        CHECK(cc_num(b, 0, "A1", 7));
        CHECK(cc_num(b, 0, "D3", 7));
        CHECK(cc_blank(b, 0, "E1"));
        CHECK(cc_text(b, 0, "A4", "after"));
        ws_book_close(b);
    }
    ws_limits lim;
    ws_limits_default(&lim);
    lim.max_cells = 12;
    CHECK(read_ods("hostile/repeat_value.ods", &lim, &b) == WS_ERR_LIMIT);
    lim.max_cells = 11;
    CHECK(read_ods("hostile/repeat_value.ods", &lim, &b) == WS_ERR_LIMIT);
    CHECK(cc_reason_has("12 times"));
    ws_limits_default(&lim);
    lim.max_cols = 3;
    CHECK(read_ods("hostile/repeat_value.ods", &lim, &b) == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_cols"));
}

static void
test_hostile(void)
{
    static const struct {
        const char *file;
        ws_status status;
        const char *reason;
    } cases[] = {
        {"hostile/doctype.ods", WS_ERR_FORMAT, "DOCTYPE"},
        {"hostile/bad_repeat.ods", WS_ERR_FORMAT, "row repeat count of \"-5\""},
        {"hostile/bad_value.ods", WS_ERR_FORMAT, "sheet 'X', cell A1: a float value"},
        {"hostile/bad_date.ods", WS_ERR_FORMAT, "a date value"},
        {"hostile/bomb_spaces.ods", WS_ERR_LIMIT, "max_text_bytes"},
        {"hostile/dup_sheet.ods", WS_ERR_FORMAT, "two sheets"},
        {"hostile/text_doc.ods", WS_ERR_FORMAT, "no spreadsheet"},
        {"hostile/no_content.ods", WS_ERR_FORMAT, "no content.xml"},
        {"hostile/encrypted.ods", WS_ERR_UNSUPPORTED, "password"},
        {"hostile/not_zip.ods", WS_ERR_FORMAT, "not_zip.ods"},
        {"hostile/truncated.ods", WS_ERR_FORMAT, "truncated.ods"},
        {"hostile/missing.ods", WS_ERR_IO, "missing.ods"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ws_book *b;
        ws_status st = read_ods(cases[i].file, NULL, &b);
        CHECK(st == cases[i].status);
        if (st != cases[i].status)
            fprintf(stderr, "  %s: status %d (%s)\n", cases[i].file, st, ws_last_reason());
        CHECK(cc_reason_has(cases[i].reason));
        CHECK(b == NULL);
    }
    ws_limits lim;
    ws_limits_default(&lim);
    lim.max_formula_bytes = 10;
    ws_book *b;
    CHECK(read_ods("odsread.ods", &lim, &b) == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_formula_bytes"));
}

/* The golden workbook shared with the other readers (tests/data/books, made by the xlsx
 * helper's make.sh from features.fods): expected values read by hand from that source.
 * Skipped when it is absent. */
static void
test_shared_features(void)
{
    ws_book *b;
    char path[2048];
    snprintf(path, sizeof path, "%s/tests/data/books/features.ods", root);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    fclose(f);
    CHECK_OK(book_new(NULL, &b));
    CHECK_OK(ods_read(b, path));
    CHECK(b->sheet_count == 4);
    if (b->sheet_count != 4) {
        ws_book_close(b);
        return;
    }
    CHECK_STR(b->sheets[0].name, "Data");
    CHECK_STR(b->sheets[1].name, "My Sheet");
    CHECK_STR(b->sheets[2].name, "Bob's");
    CHECK_STR(b->sheets[3].name, "売上 2024");
    CHECK(cc_text(b, 0, "A1", "Name"));
    CHECK(cc_num(b, 0, "B2", 1.5));
    CHECK(cc_bool(b, 0, "C2", true));
    CHECK(cc_num(b, 0, "D2", 45306)); /* 2024-01-15 */
    CHECK(book_format_is_date(b, cc_cell(b, 0, "D2")->fmt));
    CHECK(cc_formula(b, 0, "E2", "B2*2"));
    CHECK(cc_num(b, 0, "E2", 3));
    CHECK(cc_num(b, 0, "F2", 12.5 / 24));
    CHECK(cc_formula(b, 0, "G2", "B2:B4*10"));
    CHECK(cc_flags(b, 0, "G2", BOOK_CELL_ARRAY_ANCHOR));
    CHECK(cc_num(b, 0, "G2", 15));
    CHECK(cc_num(b, 0, "G3", -20));
    CHECK(cc_flags(b, 0, "G3", BOOK_CELL_ARRAY_PART));
    CHECK(cc_num(b, 0, "G4", 123456781.25));
    CHECK(cc_flags(b, 0, "G4", BOOK_CELL_ARRAY_PART));
    CHECK(cc_num(b, 0, "H2", 0.125));
    CHECK_STR(fmt_of(b, 0, "H2"), "0.00%");
    CHECK(cc_text(b, 0, "I2", "alpha!"));
    CHECK(cc_num(b, 0, "D3", 36585)); /* 2000-02-29 */
    CHECK(cc_formula(b, 0, "I3", "B2>1"));
    CHECK(cc_bool(b, 0, "I3", true));
    CHECK(cc_text(b, 0, "A4", "Ωmega é"));
    CHECK(cc_num(b, 0, "B4", 12345678.125));
    CHECK(cc_error(b, 0, "E4", WS_CELL_ERR_DIV0));
    CHECK(cc_text(b, 0, "A5", "bold and plain"));
    CHECK(cc_error(b, 0, "E5", WS_CELL_ERR_NA));
    CHECK(cc_text(b, 0, "A6", "  leading spaces"));
    CHECK(cc_text(b, 0, "A7", "a & b < c"));
    CHECK(cc_num(b, 0, "C7", 1e300));
    CHECK(cc_text(b, 0, "A1000", "far"));
    CHECK(cc_num(b, 0, "C1000", 42));
    CHECK(cc_formula(b, 1, "B1", "'Bob''s'!A1"));
    CHECK(cc_text(b, 1, "B1", "quote sheet"));
    CHECK(cc_num(b, 1, "A3", 3));
    CHECK(cc_formula(b, 2, "A2", "'My Sheet'!A3*2"));
    CHECK(cc_num(b, 2, "A2", 6));
    CHECK(cc_formula(b, 3, "B4", "SUM(B2:B3)"));
    CHECK(cc_num(b, 3, "B4", 300));
    CHECK(cc_text(b, 3, "A5", "こんにちは世界"));
    ws_book_close(b);
}

/* Every allocation in turn fails: NOMEM (or success), never a crash or a leak. */
static void
test_alloc_failures(void)
{
    int ok_runs = 0, nomem = 0, other = 0;
    long total;
    {
        ws_book *b;
        long before = mem_alloc_count();
        CHECK_OK(read_ods("hostile/details.ods", NULL, &b));
        total = mem_alloc_count() - before;
        ws_book_close(b);
    }
    for (long n = 0; n <= total + 2; n++) {
        ws_book *b = NULL;
        mem_fail_after(n, 1);
        ws_status st = read_ods("hostile/details.ods", NULL, &b);
        mem_fail_after(-1, 0);
        ws_book_close(b);
        if (st == WS_OK)
            ok_runs++;
        else if (st == WS_ERR_NOMEM)
            nomem++;
        else {
            other++;
            fprintf(stderr, "  failing allocation %ld: status %d (%s)\n", n, st,
                    ws_last_reason());
        }
    }
    CHECK(other == 0);
    CHECK(nomem > 10);
    CHECK(ok_runs > 0);
}

int
main(void)
{
    const char *src = getenv("WS_SOURCE_ROOT");
    if (!src) {
        fprintf(stderr, "WS_SOURCE_ROOT is not set\n");
        return 77;
    }
    snprintf(root, sizeof root, "%s", src);
    test_libreoffice_file();
    test_details();
    test_repeats();
    test_hostile();
    test_shared_features();
    test_alloc_failures();
    return check_summary("ods");
}
