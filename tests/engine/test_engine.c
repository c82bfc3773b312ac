/* The engine end to end, in memory: the registry's checks, ws_book_eval on references
 * and nested calls, and ws_book_run with array ranges, spills, blocked spills, a quoted
 * Japanese sheet name and a formula that is not ours. */
#include <string.h>

#include "check.h"
#include "core/diag.h"
#include "core/mem.h"
#include "io/book.h"
#include "registry.h"

static book_sheet *
add_series(ws_book *book, const char *name, const double *x, size_t n)
{
    book_sheet *s = NULL;
    CHECK_OK(book_add_sheet(book, name, strlen(name), &s));
    CHECK_OK(book_set_text(book, s, 0, 0, "sales"));
    for (size_t i = 0; i < n; i++)
        CHECK_OK(book_set_number(book, s, (uint32_t)i + 1, 0, x[i], 0));
    return s;
}

static void
set_formula(ws_book *book, book_sheet *s, uint32_t row, uint32_t col, const char *f)
{
    book_cell *c;
    CHECK_OK(book_cell_put(book, s, row, col, &c));
    c->formula = book_strndup(book, f, strlen(f));
    c->value = value_number(-1); /* a stale cached value */
}

static double
num_at(const book_sheet *s, uint32_t row, uint32_t col)
{
    const book_cell *c = book_cell_at(s, row, col);
    return c && c->value.type == WS_TYPE_NUMBER ? c->value.as.number : NAN;
}

static void
test_registry(void)
{
    CHECK(ws_formula_count() >= 1);
    CHECK(ws_formula_find("ws.describe") != NULL);
    CHECK(ws_formula_find("_xludf.WS.DESCRIBE") != NULL);
    CHECK(ws_formula_find("DESCRIBE") != NULL);
    CHECK(ws_formula_find("WS.NOPE") == NULL);
    /* Every formula documents itself completely: the add-in and help depend on it. */
    for (size_t i = 0; i < ws_formula_count(); i++) {
        const ws_formula_info *f = ws_formula_at(i);
        CHECK(f->name && strncmp(f->name, "WS.", 3) == 0);
        CHECK(f->summary && *f->summary && f->category && f->returns && f->example &&
              f->example_result && f->error_count > 0);
        for (size_t a = 0; a < f->arg_count; a++)
            CHECK(f->args[a].name && f->args[a].description && *f->args[a].description);
    }
    ws_range *out = NULL;
    CHECK(ws_formula_call("WS.NOPE", NULL, 0, &out) == WS_ERR_NAME);
    CHECK(ws_formula_call("WS.DESCRIBE", NULL, 0, &out) == WS_ERR_ARGS);
    ws_range *v = NULL;
    CHECK_OK(ws_range_new(3, 1, &v));
    ws_range_set_number(v, 0, 0, 1);
    ws_range_set_number(v, 2, 0, 3);
    const ws_range *args[] = {v};
    CHECK_OK(ws_formula_call("WS.DESCRIBE", args, 1, &out));
    CHECK(ws_range_rows(out) == 9 && ws_range_number_at(out, 1, 1) == 1); /* one missing */
    ws_range_free(out);
    /* Text in the values: an error cell naming the cell, not a failed call. */
    ws_range_set_text(v, 1, 0, "n/a");
    CHECK_OK(ws_formula_call("WS.DESCRIBE", args, 1, &out));
    CHECK(ws_range_error_at(out, 0, 0) == WS_CELL_ERR_VALUE);
    CHECK(strstr(ws_range_reason_at(out, 0, 0), "WS.DESCRIBE: values: cell 2") != NULL);
    ws_range_free(out);
    ws_range_free(v);
}

static void
test_eval(void)
{
    ws_book *book = NULL;
    CHECK_OK(ws_book_new(&book));
    const double x[] = {1, 2, 4, 8};
    add_series(book, "Sheet1", x, 4);
    add_series(book, "売上 2024", x, 3);
    ws_range *out = NULL;
    CHECK_OK(ws_book_eval(book, 0, "=WS.DESCRIBE(A2:A5)", &out));
    CHECK(ws_range_number_at(out, 2, 1) == 3.75);
    ws_range_free(out);
    CHECK_OK(ws_book_eval(book, 0, "=WS.DESCRIBE('売上 2024'!A:A)", &out));
    CHECK(ws_range_error_at(out, 0, 0) == WS_CELL_ERR_VALUE); /* the header is text */
    ws_range_free(out);
    CHECK_OK(ws_book_eval(book, 0, "=ws.describe('売上 2024'!A2:A4)", &out));
    CHECK(ws_range_number_at(out, 0, 1) == 3);
    ws_range_free(out);
    /* Nested: DESCRIBE of DESCRIBE's value column is a 9-number series. */
    CHECK_OK(ws_book_eval(book, 0, "=WS.DESCRIBE(WS.DESCRIBE({3;4;5}))", &out));
    CHECK(ws_range_error_at(out, 0, 0) == WS_CELL_ERR_VALUE); /* labels are text */
    ws_range_free(out);
    CHECK_OK(ws_book_eval(book, 0, "=WS.DESCRIBE(Nowhere!A1:A3)", &out));
    CHECK(ws_range_error_at(out, 0, 0) == WS_CELL_ERR_REF);
    CHECK(strstr(ws_range_reason_at(out, 0, 0), "Nowhere") != NULL);
    ws_range_free(out);
    CHECK_OK(ws_book_eval(book, 0, "=SUM(A2:A5)", &out));
    CHECK(ws_range_error_at(out, 0, 0) == WS_CELL_ERR_NAME);
    ws_range_free(out);
    CHECK_OK(ws_book_eval(book, 0, "=WS.DESCRIBE(A2:A5, 3)", &out));
    CHECK(ws_range_error_at(out, 0, 0) == WS_CELL_ERR_VALUE);
    CHECK(strstr(ws_range_reason_at(out, 0, 0), "at most 1") != NULL);
    ws_range_free(out);
    CHECK(ws_book_eval(book, 0, "=WS.DESCRIBE(A2:A5", &out) == WS_ERR_SYNTAX);
    CHECK(ws_book_eval(book, 0, "=WS.DESCRIBE(A1:XFD1048576)", &out) == WS_OK);
    CHECK(ws_range_error_at(out, 0, 0) == WS_CELL_ERR_VALUE); /* too large: a limit */
    ws_range_free(out);
    ws_range *r = NULL;
    CHECK_OK(ws_book_read(book, 1, "A:A", &r));
    CHECK(ws_range_rows(r) == 4 && ws_range_number_at(r, 3, 0) == 4);
    ws_range_free(r);
    CHECK(ws_book_read(book, 0, "'No such'!A1", &r) == WS_ERR_REF);
    ws_book_close(book);
}

static void
test_run(void)
{
    ws_book *book = NULL;
    CHECK_OK(ws_book_new(&book));
    const double x[] = {1, 2, 4, 8};
    book_sheet *s = add_series(book, "Data", x, 4);
    book_sheet *jp = add_series(book, "売上 '24", x, 4);
    (void)jp;
    s = &book->sheets[0];
    /* C1: spills 9×2 into empty cells. */
    set_formula(book, s, 0, 2, "WS.DESCRIBE(A2:A5)");
    /* F1: a pre-sized 3×2 array range gets the first rows. */
    set_formula(book, s, 0, 5, "WS.DESCRIBE('売上 ''24'!A2:A5)");
    CHECK_OK(book_add_array(book, s, (book_area){0, 5, 2, 6}));
    book_cell_at(s, 0, 5)->flags = BOOK_CELL_ARRAY_ANCHOR;
    /* I1: blocked by a value at J3. */
    set_formula(book, s, 0, 8, "WS.DESCRIBE(A2:A5)");
    CHECK_OK(book_set_number(book, s, 2, 9, 99, 0));
    /* E11: a 9×2 spill into E11:F19 would cross D15:E16, the array range of a formula
     * that is not ours, at E15 and E16 where it holds nothing: blocked all the same. */
    set_formula(book, s, 14, 3, "MMULT(A2:A4,A2:A4)");
    CHECK_OK(book_add_array(book, s, (book_area){14, 3, 15, 4}));
    book_cell_at(s, 14, 3)->value.type = WS_TYPE_EMPTY;
    set_formula(book, s, 10, 4, "WS.DESCRIBE(A2:A5)");
    /* L1: not ours, keeps its cached value. */
    set_formula(book, s, 0, 11, "SUM(A2:A5)");
    book_cell_at(s, 0, 11)->value = value_number(15);
    /* M1: reads the spilled results of C1 (dependency order), mean of the value column. */
    set_formula(book, s, 0, 12, "WS.DESCRIBE(D1:D9)");
    ws_run_stats stats;
    CHECK_OK(ws_book_run(book, NULL, NULL, &stats));
    s = &book->sheets[0];
    CHECK(stats.evaluated == 5 && stats.skipped == 2 && stats.spilled >= 1 &&
          stats.blocked == 2);
    const book_cell *e11 = book_cell_at(s, 10, 4);
    CHECK(e11 && e11->value.type == WS_TYPE_ERROR && e11->value.error == WS_CELL_ERR_NA);
    CHECK(e11 && e11->value.as.text && strstr(e11->value.as.text, "E15") != NULL);
    /* C1 spilled: D3 is the mean, C9 the "period" label; the formula stays at C1. */
    CHECK(num_at(s, 2, 3) == 3.75);
    const book_cell *c9 = book_cell_at(s, 8, 2);
    CHECK(c9 && c9->value.type == WS_TYPE_TEXT && strcmp(c9->value.as.text, "period") == 0);
    CHECK(book_cell_at(s, 0, 2)->formula != NULL);
    CHECK(book_find_array(s, 0, 2) && book_find_array(s, 0, 2)->row1 == 8);
    /* F1:G3 holds three rows; the rest was not written. */
    CHECK(num_at(s, 2, 6) == 3.75);
    CHECK(book_cell_at(s, 3, 6) == NULL);
    /* I1 blocked: #N/A naming the blocking cell. */
    const book_cell *i1 = book_cell_at(s, 0, 8);
    CHECK(i1->value.type == WS_TYPE_ERROR && i1->value.error == WS_CELL_ERR_NA);
    CHECK(i1->value.as.text && strstr(i1->value.as.text, "J3") != NULL);
    CHECK(num_at(s, 2, 9) == 99);
    CHECK(num_at(s, 0, 11) == 15);
    /* M1 saw the computed D1:D9 (count 4, missing 0, mean 3.75, ...), not stale values. */
    const book_cell *m1 = book_cell_at(s, 0, 13);
    CHECK(m1 && m1->value.type == WS_TYPE_NUMBER && m1->value.as.number == 9);
    ws_book_close(book);
}

static void
test_alloc_failures(void)
{
    /* Fail every allocation of a whole evaluation in turn: each attempt ends in
     * WS_ERR_NOMEM or a correct result, never a crash or a leak (ASan). */
    ws_book *book = NULL;
    CHECK_OK(ws_book_new(&book));
    const double x[] = {1, 2, 4, 8};
    add_series(book, "S", x, 4);
    int ok = 0, nomem = 0, wrong = 0;
    for (long n = 0; n < 200; n++) {
        ws_range *out = NULL;
        mem_fail_after(n, 0);
        ws_status st = ws_book_eval(book, 0, "=WS.DESCRIBE(A2:A5)", &out);
        mem_fail_after(-1, 0);
        if (st == WS_ERR_NOMEM) {
            nomem++;
        } else if (st == WS_OK) {
            /* An allocation that failed inside may surface as an error cell: never as a
             * wrong number. */
            if (ws_range_type_at(out, 2, 1) == WS_TYPE_NUMBER)
                wrong += ws_range_number_at(out, 2, 1) != 3.75;
            ok++;
        }
        ws_range_free(out);
    }
    CHECK(nomem > 0 && ok > 0 && wrong == 0);
    ws_book_close(book);
}

static void
test_date_formats(void)
{
    ws_book *book = NULL;
    CHECK_OK(ws_book_new(&book));
    const struct {
        const char *code;
        bool date;
    } cases[] = {
        {"General", false},   {"0.00E+00", false}, {"yyyy-mm-dd", true}, {"0%", false},
        {"[h]:mm:ss", true},  {"\"d\"0", false},  {"mm/dd/yy", true},   {"#,##0", false},
        {"[Red]0.00", false}, {"d-mmm", true},     {"[$-411]ge.m.d", true},
        {"0.00;[Red]-0.00", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint16_t fmt;
        CHECK_OK(book_format_intern(book, cases[i].code, strlen(cases[i].code), &fmt));
        if (book_format_is_date(book, fmt) != cases[i].date)
            fprintf(stderr, "format '%s'\n", cases[i].code);
        CHECK(book_format_is_date(book, fmt) == cases[i].date);
    }
    ws_book_close(book);
}

int
main(void)
{
    test_date_formats();
    test_registry();
    test_eval();
    test_run();
    test_alloc_failures();
    return check_summary("engine");
}
