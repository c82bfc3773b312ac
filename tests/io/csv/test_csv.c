/* The CSV reader: cell-by-cell reading of small files written by the test, hostile input,
 * limits, chunk boundaries and allocation failures.  Expected values are what the file
 * says, read by hand (see the rules at the top of src/io/csv_read.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../check.h"
#include "cellcheck.h"
#include "core/mem.h"
#include "io/book.h"

static char tmpdir[64];

/* Write `len` bytes to tmpdir/name and return the path (static buffer). */
static const char *
put_file(const char *name, const char *data, size_t len)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
    fclose(f);
    return path;
}

static ws_status
read_bytes(const char *name, const char *data, size_t len, const ws_limits *limits,
           ws_book **out)
{
    const char *path = put_file(name, data, len);
    ws_book *book;
    ws_status st = book_new(limits, &book);
    if (st)
        return st;
    st = csv_read(book, path);
    unlink(path);
    if (st) {
        ws_book_close(book);
        *out = NULL;
        return st;
    }
    *out = book;
    return WS_OK;
}

static ws_status
read_text(const char *name, const char *text, ws_book **out)
{
    return read_bytes(name, text, strlen(text), NULL, out);
}

static size_t
cells_in(const ws_book *book)
{
    return (size_t)book->cell_count;
}

static void
test_values(void)
{
    ws_book *b;
    CHECK_OK(read_text("values.csv",
                       "name,amount,note,flag\n"
                       "apple,12.5,,TRUE\n"
                       "pear, -3 ,00123,FALSE\n"
                       "fig,1e3,+7,-.5\n"
                       "kiwi,1E-2,5.,=SUM(B2:B4)\n"
                       "x,1e999,inf,0x10\n"
                       "y,12a,1 000,1.2.3\n"
                       "z,=,  ,nan\n",
                       &b));
    if (!b)
        return;
    CHECK(b->sheet_count == 1);
    CHECK_STR(b->sheets[0].name, "values");
    CHECK(cc_text(b, 0, "A1", "name"));
    CHECK(cc_text(b, 0, "D1", "flag"));
    CHECK(cc_text(b, 0, "A2", "apple"));
    CHECK(cc_num(b, 0, "B2", 12.5));
    CHECK(cc_blank(b, 0, "C2"));
    CHECK(cc_text(b, 0, "D2", "TRUE"));
    CHECK(cc_num(b, 0, "B3", -3));
    CHECK(cc_num(b, 0, "C3", 123));
    CHECK(cc_text(b, 0, "D3", "FALSE"));
    CHECK(cc_num(b, 0, "B4", 1000));
    CHECK(cc_num(b, 0, "C4", 7));
    CHECK(cc_num(b, 0, "D4", -0.5));
    CHECK(cc_num(b, 0, "B5", 0.01));
    CHECK(cc_num(b, 0, "C5", 5));
    CHECK(cc_formula(b, 0, "D5", "SUM(B2:B4)"));
    const book_cell *f = cc_cell(b, 0, "D5");
    CHECK(f && f->value.type == WS_TYPE_EMPTY);
    CHECK(cc_text(b, 0, "B6", "1e999"));
    CHECK(cc_text(b, 0, "C6", "inf"));
    CHECK(cc_text(b, 0, "D6", "0x10"));
    CHECK(cc_text(b, 0, "B7", "12a"));
    CHECK(cc_text(b, 0, "C7", "1 000"));
    CHECK(cc_text(b, 0, "D7", "1.2.3"));
    CHECK(cc_text(b, 0, "B8", "="));
    CHECK(cc_text(b, 0, "C8", "  "));
    CHECK(cc_text(b, 0, "D8", "nan"));
    CHECK(cc_blank(b, 0, "A9"));
    CHECK(b->sheets[0].row_count == 8);
    CHECK(b->sheets[0].max_row == 7 && b->sheets[0].max_col == 3);
    CHECK(cells_in(b) == 31);
    ws_book_close(b);
}

static void
test_bom_semicolon_crlf(void)
{
    ws_book *b;
    /* A European export: BOM, semicolons, decimal commas (which stay text), CRLF. */
    CHECK_OK(read_text("eu.csv",
                       "\xEF\xBB\xBF"
                       "Produkt;Preis;Menge\r\n"
                       "Käse;1,5;3\r\n"
                       "Brot;2;\"4;5\"\r\n",
                       &b));
    if (!b)
        return;
    CHECK(cc_text(b, 0, "A1", "Produkt"));
    CHECK(cc_text(b, 0, "A2", "Käse"));
    CHECK(cc_text(b, 0, "B2", "1,5"));
    CHECK(cc_num(b, 0, "C2", 3));
    CHECK(cc_num(b, 0, "B3", 2));
    CHECK(cc_text(b, 0, "C3", "4;5"));
    CHECK(cc_blank(b, 0, "D1"));
    CHECK(b->sheets[0].max_row == 2 && b->sheets[0].max_col == 2);
    ws_book_close(b);
}

static void
test_tab(void)
{
    ws_book *b;
    /* Commas in text and a varying comma count: tab is the delimiter. */
    CHECK_OK(read_text("tab.tsv",
                       "city\tcomment\tn\n"
                       "Paris\tbig, old, nice\t1\n"
                       "Oslo\tcold\t2\n"
                       "Rome\ta, b\t3\n",
                       &b));
    if (!b)
        return;
    CHECK_STR(b->sheets[0].name, "tab");
    CHECK(cc_text(b, 0, "B2", "big, old, nice"));
    CHECK(cc_num(b, 0, "C4", 3));
    CHECK(cc_text(b, 0, "B4", "a, b"));
    ws_book_close(b);
}

static void
test_quotes(void)
{
    ws_book *b;
    CHECK_OK(read_text("q.csv",
                       "id,text\n"
                       "1,\"say \"\"hi\"\", then go\"\n"
                       "2,\"two\r\nlines\"\n"
                       "3,\"a,b\"\n"
                       "4,\"\"\n"
                       "5,\"ab\"c\n"
                       "6,x\"y\"\n"
                       "7,\"12\"\n"
                       "8,\"three\nlines\rhere\"\n"
                       "9, \"a\"\n",
                       &b));
    if (!b)
        return;
    CHECK(cc_text(b, 0, "B2", "say \"hi\", then go"));
    CHECK(cc_text(b, 0, "B3", "two\nlines"));
    CHECK(cc_num(b, 0, "A4", 3)); /* the embedded line break did not add a row */
    CHECK(cc_text(b, 0, "B4", "a,b"));
    CHECK(cc_blank(b, 0, "B5"));
    CHECK(cc_text(b, 0, "B6", "abc"));
    CHECK(cc_text(b, 0, "B7", "x\"y\""));
    CHECK(cc_num(b, 0, "B8", 12));
    CHECK(cc_text(b, 0, "B9", "three\nlines\nhere"));
    CHECK(cc_text(b, 0, "B10", " \"a\""));
    CHECK(b->sheets[0].max_row == 9);
    ws_book_close(b);
}

static void
test_line_ends(void)
{
    ws_book *b;
    /* CR only, a blank line in the middle, no final line break. */
    CHECK_OK(read_text("cr.csv", "a,b\r1,2\r\r3,4", &b));
    if (b) {
        CHECK(cc_num(b, 0, "A2", 1));
        CHECK(cc_blank(b, 0, "A3"));
        CHECK(cc_num(b, 0, "B4", 4));
        CHECK(b->sheets[0].row_count == 3 && b->sheets[0].max_row == 3);
        ws_book_close(b);
    }
    /* Mixed LF, CRLF, CR; trailing line breaks add no rows. */
    CHECK_OK(read_text("mixed.csv", "1\n2\r\n3\r4\n\n", &b));
    if (b) {
        CHECK(cc_num(b, 0, "A1", 1));
        CHECK(cc_num(b, 0, "A2", 2));
        CHECK(cc_num(b, 0, "A3", 3));
        CHECK(cc_num(b, 0, "A4", 4));
        CHECK(b->sheets[0].max_row == 3 && cells_in(b) == 4);
        ws_book_close(b);
    }
    /* A line of delimiters only: blank cells, nothing stored. */
    CHECK_OK(read_text("commas.csv", ",,,\n,,5\n", &b));
    if (b) {
        CHECK(cells_in(b) == 1);
        CHECK(cc_num(b, 0, "C2", 5));
        ws_book_close(b);
    }
}

static void
test_empty(void)
{
    ws_book *b;
    CHECK_OK(read_text("empty.csv", "", &b));
    if (b) {
        CHECK(b->sheet_count == 1 && b->sheets[0].row_count == 0 && cells_in(b) == 0);
        CHECK_STR(b->sheets[0].name, "empty");
        ws_book_close(b);
    }
    CHECK_OK(read_text("bom.csv", "\xEF\xBB\xBF", &b));
    if (b) {
        CHECK(b->sheet_count == 1 && cells_in(b) == 0);
        ws_book_close(b);
    }
    CHECK_OK(read_text("blank.csv", "\n\r\n\n", &b));
    if (b) {
        CHECK(b->sheet_count == 1 && cells_in(b) == 0);
        ws_book_close(b);
    }
}

static void
test_names(void)
{
    ws_book *b;
    CHECK_OK(read_text("My data.2024.csv", "1", &b));
    if (b) {
        CHECK_STR(b->sheets[0].name, "My data.2024");
        ws_book_close(b);
    }
    CHECK_OK(read_text("売上 2024.csv", "1", &b));
    if (b) {
        CHECK_STR(b->sheets[0].name, "売上 2024");
        ws_book_close(b);
    }
    CHECK_OK(read_text("a[b]c*d?e:f.csv", "1", &b));
    if (b) {
        CHECK_STR(b->sheets[0].name, "a_b_c_d_e_f");
        ws_book_close(b);
    }
    CHECK_OK(read_text("'quoted'.csv", "1", &b));
    if (b) {
        CHECK_STR(b->sheets[0].name, "_quoted_");
        ws_book_close(b);
    }
    CHECK_OK(read_text("noext", "1", &b));
    if (b) {
        CHECK_STR(b->sheets[0].name, "noext");
        ws_book_close(b);
    }
    CHECK_OK(read_text(".csv", "1", &b));
    if (b) {
        CHECK_STR(b->sheets[0].name, ".csv");
        ws_book_close(b);
    }
    /* 40 characters, 2 bytes each: cut to 31 characters, never inside one. */
    char name[128] = "";
    for (int i = 0; i < 40; i++)
        strcat(name, "é");
    strcat(name, ".csv");
    CHECK_OK(read_text(name, "1", &b));
    if (b) {
        CHECK(strlen(b->sheets[0].name) == 62);
        CHECK(strncmp(b->sheets[0].name, name, 62) == 0);
        ws_book_close(b);
    }
}

static void
test_utf8(void)
{
    ws_book *b;
    CHECK_OK(read_text("u.csv", "日本語,é,😀\n", &b));
    if (b) {
        CHECK(cc_text(b, 0, "A1", "日本語"));
        CHECK(cc_text(b, 0, "B1", "é"));
        CHECK(cc_text(b, 0, "C1", "😀"));
        ws_book_close(b);
    }
    static const struct {
        const char *name, *data, *where;
    } bad[] = {
        {"ff.csv", "a,b\nc,d\xFF\n", "line 2, column 4 (cell B2)"},
        {"overlong.csv", "\xC0\x80", "line 1, column 1"},
        {"overlong3.csv", "x\xE0\x80\x80", "line 1, column 2"},
        {"surrogate.csv", "ok\n\xED\xA0\x80", "line 2, column 1"},
        {"toobig.csv", "\xF4\x90\x80\x80", "line 1, column 1"},
        {"f5.csv", "\xF5\x80\x80\x80", "line 1, column 1"},
        {"cont.csv", "a\x80", "line 1, column 2"},
        {"cut.csv", "a,\xE6\x97", "ends inside a UTF-8 character"},
        {"cutnl.csv", "\xE6\x97\nx", "line 1, column 1"},
        {"utf16.csv", "\xFF\xFE" "a\0,\0", "UTF-16"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t len = strlen(bad[i].data);
        if (strcmp(bad[i].name, "utf16.csv") == 0)
            len = 6;
        ws_status st = read_bytes(bad[i].name, bad[i].data, len, NULL, &b);
        CHECK(st == WS_ERR_FORMAT);
        CHECK(cc_reason_has(bad[i].where));
        CHECK(cc_reason_has(bad[i].name));
    }
    ws_status st = read_bytes("nul.csv", "a,b\0c", 5, NULL, &b);
    CHECK(st == WS_ERR_FORMAT);
    CHECK(cc_reason_has("NUL"));
}

static void
test_unterminated(void)
{
    ws_book *b;
    ws_status st = read_text("open.csv", "a,b\n1,2\n3,\"never closed\n4,5\n", &b);
    CHECK(st == WS_ERR_FORMAT);
    CHECK(cc_reason_has("line 3"));
    CHECK(cc_reason_has("never closed"));
    CHECK(b == NULL);
    /* Closed on the very last byte: fine. */
    CHECK_OK(read_text("closed.csv", "1,\"x\ny\"", &b));
    if (b) {
        CHECK(cc_text(b, 0, "B1", "x\ny"));
        ws_book_close(b);
    }
}

static void
test_limits(void)
{
    ws_book *b;
    ws_limits lim;
    ws_limits_default(&lim);
    lim.max_text_bytes = 10;
    CHECK_OK(read_bytes("ten.csv", "abcdefghij,0123456789\n", 22, &lim, &b));
    if (b) {
        CHECK(cc_text(b, 0, "A1", "abcdefghij"));
        ws_book_close(b);
    }
    ws_status st = read_bytes("eleven.csv", "abcdefghijk\n", 12, &lim, &b);
    CHECK(st == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_text_bytes"));
    CHECK(cc_reason_has("line 1"));

    ws_limits_default(&lim);
    lim.max_cols = 3;
    st = read_text("cols.csv", "1,2,3\n1,2,3,4\n", &b);
    CHECK_OK(st);
    ws_book_close(b);
    st = read_bytes("cols.csv", "1,2,3\n1,2,3,4\n", 14, &lim, &b);
    CHECK(st == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_cols"));
    /* Empty fields past the limit store nothing and are fine. */
    CHECK_OK(read_bytes("cols2.csv", "1,2,3,,,,\n", 10, &lim, &b));
    ws_book_close(b);

    ws_limits_default(&lim);
    lim.max_rows = 2;
    st = read_bytes("rows.csv", "1\n2\n3\n", 6, &lim, &b);
    CHECK(st == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_rows"));

    ws_limits_default(&lim);
    lim.max_cells = 5;
    st = read_bytes("cells.csv", "1,2\n3,4\n5,6\n", 12, &lim, &b);
    CHECK(st == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_cells"));
    CHECK(cc_reason_has("line 3"));

    ws_limits_default(&lim);
    lim.max_formula_bytes = 5;
    st = read_bytes("formula.csv", "=SUM(A1)\n", 9, &lim, &b);
    CHECK(st == WS_ERR_LIMIT);
    CHECK(cc_reason_has("max_formula_bytes"));

    /* A quote opened at the start of 8 MB: the field limit stops it, memory stays
     * bounded by the limit (default 131,068 bytes), not the file. */
    size_t big = 8u << 20;
    char *data = malloc(big);
    if (data) {
        memset(data, 'x', big);
        data[0] = '"';
        st = read_bytes("bigfield.csv", data, big, NULL, &b);
        CHECK(st == WS_ERR_LIMIT);
        CHECK(cc_reason_has("max_text_bytes"));
        free(data);
    }
}

/* Rows that cross the 64 KiB chunk boundary at every offset of a CRLF and a quoted field. */
static void
test_chunks(void)
{
    size_t rows = 20000, cap = rows * 64 + 1024;
    char *data = malloc(cap);
    if (!data)
        return;
    size_t len = 0;
    len += (size_t)snprintf(data + len, cap - len, "n;half;label\r\n");
    for (size_t i = 1; i <= rows; i++)
        len += (size_t)snprintf(data + len, cap - len, "%zu;%zu.5;\"r\"\"%zu\r\nx\"\r\n", i,
                                i / 2, i);
    ws_book *b;
    CHECK_OK(read_bytes("chunks.csv", data, len, NULL, &b));
    free(data);
    if (!b)
        return;
    CHECK(cells_in(b) == 3 + 3 * rows);
    CHECK(b->sheets[0].max_row == rows);
    bool all = true;
    double sum = 0;
    char want[64];
    for (uint32_t r = 1; r <= rows && all; r++) {
        const book_cell *n = book_cell_at(&b->sheets[0], r, 0);
        const book_cell *h = book_cell_at(&b->sheets[0], r, 1);
        const book_cell *t = book_cell_at(&b->sheets[0], r, 2);
        snprintf(want, sizeof want, "r\"%u\nx", r);
        all = n && n->value.type == WS_TYPE_NUMBER && n->value.as.number == r && h &&
              h->value.type == WS_TYPE_NUMBER && h->value.as.number == r / 2 + 0.5 && t &&
              t->value.type == WS_TYPE_TEXT && strcmp(t->value.as.text, want) == 0;
        if (n && n->value.type == WS_TYPE_NUMBER)
            sum += n->value.as.number;
        if (!all)
            fprintf(stderr, "row %u differs\n", r + 1);
    }
    CHECK(all);
    CHECK(sum == (double)rows * (rows + 1) / 2);
    ws_book_close(b);
}

static void
test_sniff(void)
{
    ws_book *b;
    /* A one-line title first, then semicolon data: the count that repeats wins. */
    CHECK_OK(read_text("title.csv", "Report\na;b;c\n1;2;3\n4;5;6\n", &b));
    if (b) {
        CHECK(cc_text(b, 0, "A1", "Report"));
        CHECK(cc_num(b, 0, "C3", 3));
        ws_book_close(b);
    }
    /* Delimiters only inside quotes: one column. */
    CHECK_OK(read_text("onecol.csv", "\"a,b;c\"\n\"d,e\"\n", &b));
    if (b) {
        CHECK(cc_text(b, 0, "A1", "a,b;c"));
        CHECK(cc_text(b, 0, "A2", "d,e"));
        CHECK(b->sheets[0].max_col == 0);
        ws_book_close(b);
    }
    /* Consistent commas and semicolons: semicolon (decimal commas). */
    CHECK_OK(read_text("tie.csv", "1,5;2,5\n3,5;4,5\n", &b));
    if (b) {
        CHECK(cc_text(b, 0, "A1", "1,5"));
        CHECK(cc_text(b, 0, "B2", "4,5"));
        ws_book_close(b);
    }
}

static void
test_io_errors(void)
{
    ws_book *b;
    CHECK_OK(book_new(NULL, &b));
    char path[128];
    snprintf(path, sizeof path, "%s/missing.csv", tmpdir);
    CHECK(csv_read(b, path) == WS_ERR_IO);
    CHECK(cc_reason_has("missing.csv"));
    CHECK(csv_read(b, tmpdir) == WS_ERR_IO); /* a folder */
    ws_book_close(b);
}

/* LibreOffice's own CSV export of lo_export.fods (make.sh): all text quoted, a quoted
 * line break, UTF-8, the formula's value. */
static void
test_libreoffice_export(void)
{
    const char *root = getenv("WS_SOURCE_ROOT");
    if (!root)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/io/csv/lo_export.csv", root);
    ws_book *b;
    CHECK_OK(book_new(NULL, &b));
    CHECK_OK(csv_read(b, path));
    CHECK_STR(b->sheets[0].name, "lo_export");
    CHECK(cc_text(b, 0, "A1", "month"));
    CHECK(cc_text(b, 0, "C1", "note"));
    CHECK(cc_text(b, 0, "A2", "1月"));
    CHECK(cc_num(b, 0, "B2", 1234.5));
    CHECK(cc_text(b, 0, "C2", "said \"hi\", left"));
    CHECK(cc_num(b, 0, "B3", -0.125));
    CHECK(cc_text(b, 0, "C3", "two\nlines"));
    CHECK(cc_text(b, 0, "A4", "3月"));
    CHECK(cc_blank(b, 0, "B4"));
    CHECK(cc_text(b, 0, "C4", "semi;colon"));
    CHECK(cc_text(b, 0, "A5", "total"));
    CHECK(cc_num(b, 0, "B5", 1234.375));
    CHECK(cc_blank(b, 0, "C5"));
    CHECK(b->cell_count == 13);
    ws_book_close(b);
}

/* Every allocation in turn fails: the reader reports NOMEM, never crashes or leaks. */
static void
test_alloc_failures(void)
{
    const char *text = "a,b,c\n1,\"x\"\"y\",=A2\n2,3,4\n";
    const char *path = put_file("alloc.csv", text, strlen(text));
    int ok_runs = 0, nomem_runs = 0, other = 0;
    for (long n = 0; n < 200; n++) {
        ws_book *b = NULL;
        mem_fail_after(n, 1);
        ws_status st = book_new(NULL, &b);
        if (!st)
            st = csv_read(b, path);
        mem_fail_after(-1, 0);
        ws_book_close(b);
        if (st == WS_OK)
            ok_runs++;
        else if (st == WS_ERR_NOMEM)
            nomem_runs++;
        else
            other++;
    }
    CHECK(other == 0);
    CHECK(nomem_runs > 3);
    CHECK(ok_runs > 0);
    unlink(path);
}

/* Seeded random bytes from a small alphabet of CSV's special characters: every input
 * reads or fails cleanly (run under the sanitizers). */
static void
test_noise(void)
{
    static const char alphabet[] = "\"\",;\t\r\n a1=.e-\xC3\xA9\xFF\xE6";
    uint64_t x = 0x9E3779B97F4A7C15u;
    char buf[600];
    int fine = 0, failed = 0, bad = 0;
    for (int i = 0; i < 500; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t len = (size_t)(x % sizeof buf);
        for (size_t k = 0; k < len; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[k] = alphabet[x % (sizeof alphabet - 1)];
        }
        ws_book *b;
        ws_status st = read_bytes("noise.csv", buf, len, NULL, &b);
        if (st == WS_OK) {
            fine++;
            ws_book_close(b);
        } else if (st == WS_ERR_FORMAT) {
            failed++;
        } else {
            bad++;
        }
    }
    CHECK(bad == 0);
    CHECK(fine > 0 && failed > 0);
}

int
main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ws-csv-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_values();
    test_bom_semicolon_crlf();
    test_tab();
    test_quotes();
    test_line_ends();
    test_empty();
    test_names();
    test_utf8();
    test_unterminated();
    test_limits();
    test_chunks();
    test_sniff();
    test_io_errors();
    test_libreoffice_export();
    test_alloc_failures();
    test_noise();
    rmdir(tmpdir);
    return check_summary("csv");
}
