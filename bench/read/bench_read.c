/* Read benchmark (issue 2): a 1,000,000-cell xlsx read by worldsheet's reader.
 *
 *     bench_read gen  FILE   write the benchmark book with libxlsxwriter: one sheet,
 *                            100,000 rows x 10 columns, 5 of numbers and 5 of strings
 *                            (50,000 distinct strings, in shared strings as Excel does)
 *     bench_read read FILE   read it with xlsx_read; print cells, seconds, cells/second and
 *                            this process's peak RSS
 *     bench_read floor FILE  the floor under any minizip + expat reader: the shared strings
 *                            and the sheet inflated and parsed by expat, which hands every
 *                            element, attribute list and text to handlers that do nothing
 *
 * run.sh runs both and openpyxl's read-only mode on the same file, side by side. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <xlsxwriter.h>

#include "core/diag.h"
#include "io/book.h"
#include "io/zipxml.h"

#define BENCH_ROWS 100000u
#define BENCH_COLS 10u

static int
generate(const char *path)
{
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return 1;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
    char text[64];
    for (uint32_t r = 0; r < BENCH_ROWS; r++) {
        for (uint32_t c = 0; c < BENCH_COLS; c++) {
            uint32_t k = (r * 7919u + c * 104729u) % 1000003u;
            if (c < BENCH_COLS / 2) {
                /* Integers, and numbers with two decimals. */
                double v = c % 2 ? k / 100.0 : (double)k;
                worksheet_write_number(ws, r, (lxw_col_t)c, v, NULL);
            } else {
                snprintf(text, sizeof text, "customer %u segment %c", k % 50000u,
                         'A' + (int)(k % 7u));
                worksheet_write_string(ws, r, (lxw_col_t)c, text, NULL);
            }
        }
    }
    return workbook_close(wb) == LXW_NO_ERROR ? 0 : 1;
}

static double
now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static double
cpu_since(const struct rusage *r0)
{
    struct rusage r1;
    getrusage(RUSAGE_SELF, &r1);
    return (double)(r1.ru_utime.tv_sec - r0->ru_utime.tv_sec) +
           (double)(r1.ru_stime.tv_sec - r0->ru_stime.tv_sec) +
           (double)(r1.ru_utime.tv_usec - r0->ru_utime.tv_usec) * 1e-6 +
           (double)(r1.ru_stime.tv_usec - r0->ru_stime.tv_usec) * 1e-6;
}

/* Handlers that do nothing, but are there: without a start handler expat skips building
 * attribute lists, which no reader can do without. */
static void
floor_start(void *user, const char *name, const char **attrs)
{
    (void)user, (void)name, (void)attrs;
}

static void
floor_end(void *user, const char *name)
{
    (void)user, (void)name;
}

static void
floor_text(void *user, const char *text, int len)
{
    (void)user, (void)text, (void)len;
}

static int
floor_pass(const char *path)
{
    struct rusage r0, ru;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = now();
    zipxml *zip = NULL;
    ws_status st = zipxml_open(path, NULL, &zip);
    if (!st)
        st = zipxml_parse(zip, "xl/sharedStrings.xml", floor_start, floor_end, floor_text,
                          NULL);
    if (!st)
        st = zipxml_parse(zip, "xl/worksheets/sheet1.xml", floor_start, floor_end,
                          floor_text, NULL);
    zipxml_close(zip);
    double t1 = now(), cpu = cpu_since(&r0);
    if (st) {
        fprintf(stderr, "bench_read: %s\n", ws_last_reason());
        return 1;
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("cells 0 seconds %.3f cells_per_s 0 peak_rss_mb %.1f cpu_s %.3f\n", t1 - t0,
           ru.ru_maxrss / 1024.0, cpu);
    return 0;
}

static int
read_book(const char *path)
{
    struct rusage r0;
    getrusage(RUSAGE_SELF, &r0);
    double t0 = now();
    ws_book *book = NULL;
    ws_status st = book_new(NULL, &book);
    if (!st)
        st = xlsx_read(book, path);
    double t1 = now(), cpu = cpu_since(&r0);
    if (st) {
        fprintf(stderr, "bench_read: %s\n", ws_last_reason());
        ws_book_close(book);
        return 1;
    }
    /* Touch the values so nothing is optimised away, and check the count. */
    double sum = 0;
    size_t texts = 0;
    for (size_t s = 0; s < book->sheet_count; s++)
        for (size_t r = 0; r < book->sheets[s].row_count; r++) {
            const book_row *row = &book->sheets[s].rows[r];
            for (uint32_t c = 0; c < row->count; c++) {
                if (row->cells[c].value.type == WS_TYPE_NUMBER)
                    sum += row->cells[c].value.as.number;
                else if (row->cells[c].value.type == WS_TYPE_TEXT)
                    texts++;
            }
        }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("cells %llu seconds %.3f cells_per_s %.0f peak_rss_mb %.1f cpu_s %.3f texts %zu "
           "sum %.2f\n",
           (unsigned long long)book->cell_count, t1 - t0, book->cell_count / (t1 - t0),
           ru.ru_maxrss / 1024.0, cpu, texts, sum);
    ws_book_close(book);
    return 0;
}

int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "gen") == 0)
        return generate(argv[2]);
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return read_book(argv[2]);
    if (argc == 3 && strcmp(argv[1], "floor") == 0)
        return floor_pass(argv[2]);
    fprintf(stderr, "usage: bench_read gen|read|floor FILE\n");
    return 2;
}
