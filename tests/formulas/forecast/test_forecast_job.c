/* The forecast job through the public API: sheets, headers, rows, continued dates, models,
 * identical output on a second run (threads must not change the order), --pool, its
 * progress and cancelling, and Forecast sheets continued when one is full. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "worldsheet.h"

static ws_book *
make_book(void)
{
    ws_book *book = NULL;
    ws_range *data = NULL;
    if (ws_book_new(&book) || ws_range_new(37, 4, &data))
        return NULL;
    ws_range_set_text(data, 0, 0, "Month");
    ws_range_set_text(data, 0, 1, "Sales");
    ws_range_set_text(data, 0, 2, "Visits");
    ws_range_set_text(data, 0, 3, "Flat");
    /* 2021-01-31 is serial 44227: month ends, so the next ones are month ends too. */
    static const double month_end[] = {44227, 44255, 44286, 44316, 44347, 44377, 44408,
                                       44439, 44469, 44500, 44530, 44561};
    for (int i = 0; i < 36; i++) {
        ws_range_set_number(data, (size_t)i + 1, 0, month_end[i % 12] + 365.0 * (i / 12));
        ws_range_set_number(data, (size_t)i + 1, 1, 100 + 2 * i + 15 * sin(i * M_PI / 6));
        if (i != 10)
            ws_range_set_number(data, (size_t)i + 1, 2, 50 + (i * 7) % 5);
        ws_range_set_number(data, (size_t)i + 1, 3, 4);
    }
    ws_book_add_sheet(book, "Data", data, NULL);
    ws_range_free(data);
    return book;
}

/* A book whose sheet "Data" holds `cols` named series ("<prefix><k>") of `rows` values,
 * value(t, u, state) each, u a fresh draw in [-0.5, 0.5) of a fixed generator and state the
 * column's own (set by value at t = 0).  NULL when out of memory. */
static ws_book *
make_series(size_t cols, size_t rows, const char *prefix, uint64_t seed,
            double (*value)(size_t c, size_t t, double u, double *state))
{
    ws_book *book = NULL;
    ws_range *data = NULL;
    if (ws_book_new(&book) || ws_range_new(rows + 1, cols, &data)) {
        ws_book_close(book);
        return NULL;
    }
    for (size_t c = 0; c < cols; c++) {
        char name[32];
        snprintf(name, sizeof name, "%s%zu", prefix, c + 1);
        ws_range_set_text(data, 0, c, name);
        double state = 0.0;
        for (size_t t = 0; t < rows; t++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            double u = (double)(seed >> 11) / 9007199254740992.0 - 0.5;
            ws_range_set_number(data, t + 1, c, value(c, t, u, &state));
        }
    }
    ws_book_add_sheet(book, "Data", data, NULL);
    ws_range_free(data);
    return book;
}

static bool
count_rows(void *user, size_t done, size_t total)
{
    size_t *calls = user;
    (*calls)++;
    return done <= total;
}

/* What the progress callback saw; it cancels after `stop_at` calls (0: never), or at the
 * report that all is done when `stop_at_end`. */
typedef struct progress_log {
    size_t calls, last_done, total, stop_at;
    bool ordered, stop_at_end;
} progress_log;

static bool
log_progress(void *user, size_t done, size_t total)
{
    progress_log *p = user;
    if (p->calls && (done < p->last_done || total != p->total))
        p->ordered = false;
    p->calls++;
    p->last_done = done;
    p->total = total;
    if (p->stop_at_end && done == total)
        return false;
    return !p->stop_at || p->calls < p->stop_at;
}

/* Twenty-four monthly series of one seasonal shape at different sizes: the auto model
 * blends in the pooled one ("+ pooled AR" in every model) and rescales the intervals by
 * the widths learned across the series (so they differ from --pool no's), --pool no keeps
 * each series' own, and three series are too few to pool. */
static void
test_pool_option(void)
{
    enum { COLS = 24 };
    ws_book *book = NULL;
    ws_range *data = NULL;
    CHECK_OK(ws_book_new(&book));
    CHECK_OK(ws_range_new(49, COLS, &data));
    if (!book || !data) {
        ws_range_free(data);
        ws_book_close(book);
        return;
    }
    for (size_t c = 0; c < COLS; c++) {
        char name[16];
        snprintf(name, sizeof name, "S%zu", c + 1);
        ws_range_set_text(data, 0, c, name);
        for (size_t t = 0; t < 48; t++)
            ws_range_set_number(data, t + 1, c,
                                (10.0 + (double)c) * (1 + 0.4 * sin((double)t * M_PI / 6)) +
                                    (double)((t * 7 + c * 3) % 5) * 0.1);
    }
    ws_book_add_sheet(book, "Data", data, NULL);
    ws_range_free(data);
    static const char *const pools[] = {"", "no", "yes"};
    static const char *const ranges[] = {"A1:X49", "A1:X49", "A1:C49"};
    static const size_t series[] = {COLS, COLS, 3}, want[] = {COLS, 0, 0};
    double width[3] = {0, 0, 0};
    for (size_t k = 0; k < 3; k++) {
        ws_job_option o[] = {{"range", ranges[k]}, {"horizon", "6"}, {"pool", pools[k]}};
        progress_log log = {.ordered = true};
        CHECK_OK(ws_book_job(book, 0, "forecast", o, 3, log_progress, &log));
        /* The progress counts the learning's 24 validation forecasts too, and the fits
         * of the models learned across series as a step each: one total, never going
         * back, ending at it. */
        CHECK(log.ordered && log.last_done == log.total);
        CHECK(log.total == (k == 0 ? 2 * series[k] + 2 : series[k]));
        size_t ms = 0, fs = 0;
        char sheet[32];
        snprintf(sheet, sizeof sheet, k ? "Forecast Models %zu" : "Forecast Models", k + 1);
        CHECK_OK(ws_book_sheet_find(book, sheet, &ms));
        snprintf(sheet, sizeof sheet, k ? "Forecast %zu" : "Forecast", k + 1);
        CHECK_OK(ws_book_sheet_find(book, sheet, &fs));
        ws_range *r = NULL;
        CHECK_OK(ws_book_read(book, ms, "A2:B25", &r));
        size_t pooled = 0;
        for (size_t i = 0; r && i < series[k]; i++) {
            const char *model = ws_range_text_at(r, i, 1);
            pooled += model && strstr(model, "+ pooled AR") != NULL;
        }
        CHECK(pooled == want[k]);
        ws_range_free(r);
        r = NULL;
        /* S1's first forecast: row 50 (a header and 48 rows of history above it). */
        CHECK_OK(ws_book_read(book, fs, "A50:F50", &r));
        if (r) {
            double f = ws_range_number_at(r, 0, 3), lo = ws_range_number_at(r, 0, 4),
                   hi = ws_range_number_at(r, 0, 5);
            CHECK(lo <= f && f <= hi);
            width[k] = hi - lo;
        }
        ws_range_free(r);
    }
    CHECK(fabs(width[0] - width[1]) > 1e-9 * width[1]);
    /* Cancelled while learning (the third of 50 steps): no sheet, a reason. */
    size_t before = ws_book_sheet_count(book);
    ws_job_option all[] = {{"range", "A1:X49"}, {"horizon", "6"}};
    progress_log stop = {.ordered = true, .stop_at = 3};
    CHECK(ws_book_job(book, 0, "forecast", all, 2, log_progress, &stop) == WS_ERR_ARGS);
    CHECK(strstr(ws_last_reason(), "cancelled") != NULL);
    CHECK(stop.calls == 3 && stop.total == 2 * COLS + 2 && ws_book_sheet_count(book) == before);
    /* Cancelled at the report that all is done (after the fit of the models learned across
     * series, before the sheets are written): no sheet either. */
    progress_log last = {.ordered = true, .stop_at_end = true};
    CHECK(ws_book_job(book, 0, "forecast", all, 2, log_progress, &last) == WS_ERR_ARGS);
    CHECK(last.last_done == 2 * COLS + 2 && ws_book_sheet_count(book) == before);
    ws_job_option bad[] = {{"range", "A1:X49"}, {"pool", "maybe"}};
    CHECK(ws_book_job(book, 0, "forecast", bad, 2, NULL, NULL) == WS_ERR_VALUE);
    CHECK(strstr(ws_last_reason(), "--pool") != NULL);
    ws_book_close(book);
}

/* Twenty-four intermittent series of units sold (0 to 4 a month): the job learns its plan
 * and interval factors from them and blends in what it learned across them, and still no
 * forecast or bound goes below 0, while some lower bounds are 0 (a model's own would be
 * negative there). */
/* Units sold: 0 six times in ten, else 1 to 4. */
static double
units_sold(size_t c, size_t t, double u, double *state)
{
    (void)c, (void)t, (void)state;
    return u < 0.1 ? 0.0 : floor((u - 0.1) / 0.1) + 1.0;
}

static void
test_job_nonneg(void)
{
    enum { COLS = 24 };
    ws_book *book = make_series(COLS, 30, "Item ", 99, units_sold);
    CHECK(book != NULL);
    if (!book)
        return;
    ws_job_option o[] = {{"range", "A1:X31"}, {"horizon", "4"}};
    CHECK_OK(ws_book_job(book, 0, "forecast", o, 2, NULL, NULL));
    size_t fs = 0, forecasts = 0, zeros = 0, below = 0;
    CHECK_OK(ws_book_sheet_find(book, "Forecast", &fs));
    ws_range *r = NULL;
    CHECK_OK(ws_book_read(book, fs, "D2:F817", &r));
    for (size_t i = 0; r && i < ws_range_rows(r); i++) {
        if (ws_range_type_at(r, i, 1) != WS_TYPE_NUMBER)
            continue;
        forecasts++;
        for (size_t c = 0; c < 3; c++)
            below += ws_range_number_at(r, i, c) < 0.0;
        zeros += ws_range_number_at(r, i, 1) == 0.0;
    }
    CHECK(forecasts == COLS * 4);
    CHECK(below == 0);
    CHECK(zeros > 0);
    ws_range_free(r);
    ws_book_close(book);
}

/* Text or an error inside a column: that series is not forecast and the models sheet says
 * why, naming the cell; the other 22 of 24 are forecast and learned from as usual, and one
 * warning counts the two. */
static void
keep_warning(void *user, int level, const char *message)
{
    if (level == 1)
        snprintf(user, 256, "%s", message);
}

static void
test_job_bad_cells(void)
{
    enum { COLS = 24, ROWS = 30 };
    ws_book *book = make_series(COLS, ROWS, "Item ", 7, units_sold);
    ws_range *data = NULL, *r = NULL;
    CHECK(book != NULL);
    if (!book)
        return;
    CHECK_OK(ws_book_read(book, 0, "A1:X31", &data));
    if (!data) {
        ws_book_close(book);
        return;
    }
    ws_range_set_text(data, 8, 2, "n/a");                    /* C9 */
    ws_range_set_error(data, 20, 5, WS_CELL_ERR_DIV0, NULL); /* F21 */
    CHECK_OK(ws_book_add_sheet(book, "Typos", data, NULL));
    ws_range_free(data);
    char warning[256] = "";
    ws_set_log(keep_warning, warning);
    ws_job_option o[] = {{"range", "Typos!A1:X31"}, {"horizon", "4"}};
    CHECK_OK(ws_book_job(book, 0, "forecast", o, 2, NULL, NULL));
    ws_set_log(NULL, NULL);
    CHECK(strstr(warning, "2 of 24 series not forecast") != NULL);
    CHECK(strstr(warning, "'Item 3'") != NULL && strstr(warning, "cell C9") != NULL);
    size_t ms = 0, fs = 0, models = 0;
    CHECK_OK(ws_book_sheet_find(book, "Forecast Models", &ms));
    CHECK_OK(ws_book_read(book, ms, "B2:B25", &r));
    for (size_t i = 0; r && i < COLS; i++) {
        const char *model = ws_range_text_at(r, i, 0);
        models += model && strncmp(model, "error", 5) != 0;
    }
    CHECK(models == COLS - 2);
    CHECK(r && strcmp(ws_range_text_at(r, 2, 0),
                      "error: values: cell C9 holds text ('n/a'), not a number") == 0);
    CHECK(r && strcmp(ws_range_text_at(r, 5, 0), "error: values: cell F21 holds an error") == 0);
    ws_range_free(r);
    r = NULL;
    /* Each good series' 4 forecasts; a bad one keeps its numbers as actuals, none forecast. */
    size_t forecasts = 0, actuals = 0;
    CHECK_OK(ws_book_sheet_find(book, "Forecast", &fs));
    CHECK_OK(ws_book_read(book, fs, "C2:D900", &r));
    for (size_t i = 0; r && i < ws_range_rows(r); i++) {
        forecasts += ws_range_type_at(r, i, 1) == WS_TYPE_NUMBER;
        actuals += ws_range_type_at(r, i, 0) == WS_TYPE_NUMBER;
    }
    CHECK(forecasts == (COLS - 2) * 4);
    CHECK(actuals == COLS * ROWS - 2);
    ws_range_free(r);
    ws_book_close(book);
}

/* A sheet holds limits.max_rows rows: five series of 40 values with 6 forecasts each (46
 * rows) under a 100-row limit fill "Forecast" and "Forecast (2)" with two series each and
 * "Forecast (3)" with the fifth; no series is split between sheets. */
/* Thirty noisy seasonal series where no part alone wins: the plan is the combination's,
 * its prior weighs the boosted trees as well as the pooled model, and every model says
 * so ("+ pooled AR + boosted trees"). */
/* A level moving by up to 4% a month, with a season of 12. */
static double
seasonal_walk(size_t c, size_t t, double u, double *level)
{
    if (t == 0)
        *level = 20.0 + 3.0 * (double)c;
    *level *= 1.0 + 0.08 * u;
    return *level * (1 + 0.3 * sin((double)t * M_PI / 6));
}

static void
test_boosted_in_job(void)
{
    enum { COLS = 30 };
    ws_book *book = make_series(COLS, 60, "B", 12345, seasonal_walk);
    CHECK(book != NULL);
    if (!book)
        return;
    ws_job_option o[] = {{"range", "A1:AD61"}, {"horizon", "6"}};
    CHECK_OK(ws_book_job(book, 0, "forecast", o, 2, NULL, NULL));
    size_t ms = 0, both = 0;
    CHECK_OK(ws_book_sheet_find(book, "Forecast Models", &ms));
    ws_range *r = NULL;
    CHECK_OK(ws_book_read(book, ms, "B2:B31", &r));
    for (size_t i = 0; r && i < COLS; i++) {
        const char *model = ws_range_text_at(r, i, 0);
        both += model && strncmp(model, "Comb(", 5) == 0 &&
                strstr(model, " + pooled AR + boosted trees") != NULL;
    }
    CHECK(both == COLS);
    ws_range_free(r);
    ws_book_close(book);
}

static void
test_sheet_split(void)
{
    char path[] = "/tmp/ws_fcjob_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return;
    fprintf(f, "A,B,C,D,E\n");
    for (int t = 0; t < 40; t++)
        for (int c = 0; c < 5; c++)
            fprintf(f, "%g%c", 10.0 + c + 0.3 * t + (t * 7 + c) % 4, c < 4 ? ',' : '\n');
    fclose(f);
    ws_limits lim;
    ws_limits_default(&lim);
    lim.max_rows = 100;
    ws_book *book = NULL;
    CHECK_OK(ws_book_open(path, &lim, &book));
    unlink(path);
    if (!book)
        return;
    ws_job_option o[] = {{"range", "A1:E41"}, {"horizon", "6"}};
    CHECK_OK(ws_book_job(book, 0, "forecast", o, 2, NULL, NULL));
    static const char *const sheets[] = {"Forecast", "Forecast (2)", "Forecast (3)"};
    static const char *const first[] = {"A", "C", "E"}, *const last[] = {"B", "D", "E"};
    static const size_t rows[] = {93, 93, 47};
    for (size_t k = 0; k < 3; k++) {
        size_t idx = 0;
        ws_range *r = NULL;
        CHECK_OK(ws_book_sheet_find(book, sheets[k], &idx));
        CHECK_OK(ws_book_read(book, idx, "A1:F100", &r));
        if (!r)
            continue;
        CHECK_STR(ws_range_text_at(r, 0, 0), "Series");
        CHECK_STR(ws_range_text_at(r, 1, 0), first[k]);
        CHECK_STR(ws_range_text_at(r, rows[k] - 1, 0), last[k]);
        CHECK(ws_range_type_at(r, rows[k], 0) == WS_TYPE_EMPTY);
        ws_range_free(r);
    }
    size_t idx;
    CHECK(ws_book_sheet_find(book, "Forecast (4)", &idx) != WS_OK);
    ws_book_close(book);
}

int
main(void)
{
    ws_book *book = make_book();
    CHECK(book != NULL);
    if (!book)
        return check_summary("forecast-job");
    ws_job_option opts[] = {{"range", "B1:D37"}, {"dates", "A1:A37"}, {"horizon", "3"}};
    size_t calls = 0;
    CHECK_OK(ws_book_job(book, 0, "forecast", opts, 3, count_rows, &calls));
    CHECK(calls >= 1);
    size_t fs = 0, ms = 0;
    CHECK_OK(ws_book_sheet_find(book, "Forecast", &fs));
    CHECK_OK(ws_book_sheet_find(book, "Forecast Models", &ms));
    ws_range *r = NULL;
    CHECK_OK(ws_book_read(book, fs, "A1:F40", &r));
    if (r) {
        CHECK_STR(ws_range_text_at(r, 0, 0), "Series");
        CHECK_STR(ws_range_text_at(r, 0, 5), "Upper");
        CHECK_STR(ws_range_text_at(r, 1, 0), "Sales");
        CHECK_NEAR(ws_range_number_at(r, 1, 1), 44227, 0);
        CHECK_NEAR(ws_range_number_at(r, 1, 2), 100, 1e-9);
        /* rows 37..39: the three forecasts; dates continue at month ends:
         * 2024-01-31 = 45322, 2024-02-29 = 45351, 2024-03-31 = 45382 */
        CHECK_NEAR(ws_range_number_at(r, 37, 1), 45322, 0);
        CHECK_NEAR(ws_range_number_at(r, 38, 1), 45351, 0);
        CHECK_NEAR(ws_range_number_at(r, 39, 1), 45382, 0);
        CHECK(ws_range_type_at(r, 37, 2) == WS_TYPE_EMPTY);
        double f = ws_range_number_at(r, 37, 3), lo = ws_range_number_at(r, 37, 4),
               hi = ws_range_number_at(r, 37, 5);
        CHECK(isfinite(f) && lo < f && f < hi);
    }
    ws_range_free(r);
    r = NULL;
    CHECK_OK(ws_book_read(book, ms, "A1:E4", &r));
    if (r) {
        CHECK_STR(ws_range_text_at(r, 0, 1), "Model");
        CHECK_STR(ws_range_text_at(r, 1, 0), "Sales");
        CHECK_STR(ws_range_text_at(r, 2, 0), "Visits");
        CHECK_STR(ws_range_text_at(r, 3, 1), "Constant");
        CHECK(strstr(ws_range_text_at(r, 1, 1), "m=12") != NULL);
    }
    ws_range_free(r);

    /* A second book, same job: identical Forecast sheet. */
    ws_book *again = make_book();
    CHECK_OK(ws_book_job(again, 0, "forecast", opts, 3, NULL, NULL));
    ws_range *a = NULL, *b = NULL;
    CHECK_OK(ws_book_read(book, fs, "A1:F120", &a));
    CHECK_OK(ws_book_read(again, fs, "A1:F120", &b));
    int same = a && b;
    for (size_t i = 0; same && i < 120; i++)
        for (size_t c = 0; c < 6; c++) {
            double x = ws_range_number_at(a, i, c), y = ws_range_number_at(b, i, c);
            same &= (isnan(x) && isnan(y)) || memcmp(&x, &y, sizeof x) == 0;
        }
    CHECK(same);
    ws_range_free(a);
    ws_range_free(b);

    /* Errors: a bad horizon; a missing sheet; an unknown model. */
    ws_job_option bad2[] = {{"range", "B1:B37"}, {"horizon", "0"}};
    CHECK(ws_book_job(again, 0, "forecast", bad2, 2, NULL, NULL) == WS_ERR_NUM);
    ws_job_option bad3[] = {{"range", "'Nope'!B1:B37"}};
    CHECK(ws_book_job(again, 0, "forecast", bad3, 1, NULL, NULL) == WS_ERR_REF);
    ws_job_option bad4[] = {{"range", "B1:B37"}, {"dates", "B1:B37"}, {"model", "arima"}};
    CHECK(ws_book_job(again, 0, "forecast", bad4, 3, NULL, NULL) == WS_ERR_VALUE);
    ws_book_close(again);
    ws_book_close(book);
    test_pool_option();
    test_sheet_split();
    test_job_nonneg();
    test_job_bad_cells();
    test_boosted_in_job();
    return check_summary("forecast-job");
}
