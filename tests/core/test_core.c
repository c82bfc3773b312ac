/* Core: values, ranges, statuses, reasons, the arena, the allocation wrapper, stats. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/arena.h"
#include "core/dates.h"
#include "core/diag.h"
#include "core/mem.h"
#include "core/value.h"
#include "num/rng.h"
#include "num/stats.h"

static void
test_ranges(void)
{
    ws_range *r = NULL;
    CHECK_OK(ws_range_new(2, 3, &r));
    CHECK(ws_range_rows(r) == 2 && ws_range_cols(r) == 3);
    CHECK(ws_range_type_at(r, 1, 2) == WS_TYPE_EMPTY);
    CHECK_OK(ws_range_set_number(r, 0, 0, 2.5));
    CHECK_OK(ws_range_set_text(r, 0, 1, "売上"));
    CHECK_OK(ws_range_set_bool(r, 1, 0, true));
    CHECK_OK(ws_range_set_error(r, 1, 1, WS_CELL_ERR_NA, "too short"));
    CHECK(ws_range_set_number(r, 2, 0, 1.0) == WS_ERR_ARGS);
    CHECK(ws_range_number_at(r, 0, 0) == 2.5);
    CHECK_STR(ws_range_text_at(r, 0, 1), "売上");
    CHECK(ws_range_bool_at(r, 1, 0));
    CHECK(ws_range_number_at(r, 1, 0) == 1.0);
    CHECK(isnan(ws_range_number_at(r, 0, 1)));
    CHECK(ws_range_error_at(r, 1, 1) == WS_CELL_ERR_NA);
    CHECK_STR(ws_range_reason_at(r, 1, 1), "too short");
    CHECK_STR(ws_range_text_at(r, 9, 9), "");
    /* Overwriting text with a number frees the text (ASan checks the leak). */
    CHECK_OK(ws_range_set_number(r, 0, 1, 7.0));
    ws_range *copy = NULL;
    CHECK_OK(ws_range_copy(r, &copy));
    CHECK(ws_range_number_at(copy, 0, 1) == 7.0);
    CHECK_STR(ws_range_reason_at(copy, 1, 1), "too short");
    ws_range_free(copy);
    ws_range_free(r);
    ws_range_free(NULL);
    CHECK(ws_range_new(0, 3, &r) == WS_ERR_ARGS);
}

static void
test_status_mapping(void)
{
    CHECK(ws_status_cell_error(WS_ERR_VALUE) == WS_CELL_ERR_VALUE);
    CHECK(ws_status_cell_error(WS_ERR_NUM) == WS_CELL_ERR_NUM);
    CHECK(ws_status_cell_error(WS_ERR_NA) == WS_CELL_ERR_NA);
    CHECK(ws_status_cell_error(WS_ERR_REF) == WS_CELL_ERR_REF);
    CHECK(ws_status_cell_error(WS_ERR_NAME) == WS_CELL_ERR_NAME);
    CHECK(ws_status_cell_error(WS_ERR_DIV0) == WS_CELL_ERR_DIV0);
    CHECK_STR(ws_cell_error_str(WS_CELL_ERR_DIV0), "#DIV/0!");
    CHECK_STR(ws_cell_error_str(WS_CELL_ERR_NA), "#N/A");
    for (int s = 0; s <= WS_ERR_UNSUPPORTED; s++)
        CHECK(strcmp(ws_status_str((ws_status)s), "unknown status") != 0);
    CHECK(diag_fail(WS_ERR_NA, "need %d values", 3) == WS_ERR_NA);
    CHECK_STR(ws_last_reason(), "need 3 values");
    CHECK(diag_prefix(WS_ERR_NA, "WS.X") == WS_ERR_NA);
    CHECK_STR(ws_last_reason(), "WS.X: need 3 values");
    diag_clear();
    CHECK_STR(ws_last_reason(), "");
}

static void
test_arena(void)
{
    arena a;
    arena_init(&a);
    char *first = arena_strndup(&a, "abc", 3);
    char big[100000];
    memset(big, 'x', sizeof big);
    char *large = arena_strndup(&a, big, sizeof big);
    char *after = arena_strndup(&a, "tail", 4);
    CHECK_STR(first, "abc");
    CHECK(large && strlen(large) == sizeof big);
    CHECK_STR(after, "tail");
    CHECK(((uintptr_t)arena_alloc(&a, 3) & 7) == 0);

    /* Adopting another arena's blocks: its strings live on, owned (and freed, under ASan)
     * by the adopter; the adopter's head keeps filling; an empty arena adopts whole. */
    arena b, c;
    arena_init(&b);
    arena_init(&c);
    char *theirs = arena_strndup(&b, "theirs", 6);
    char *huge = arena_strndup(&b, big, sizeof big);
    size_t total = a.total + b.total;
    arena_adopt(&a, &b);
    CHECK(b.head == NULL && b.total == 0 && a.total == total);
    CHECK_STR(theirs, "theirs");
    CHECK(huge && strlen(huge) == sizeof big);
    CHECK_STR(arena_strndup(&a, "more", 4), "more");
    arena_adopt(&a, &b); /* nothing to adopt */
    CHECK(a.total == total + 8);
    arena_adopt(&c, &a);
    CHECK(a.head == NULL && c.total == total + 8);
    CHECK_STR(first, "abc");
    arena_clear(&c);
}

static void
test_alloc_failure(void)
{
    /* Fail each allocation of ws_range_copy in turn: every attempt fails cleanly or
     * succeeds, never leaks (ASan) and never crashes. */
    ws_range *r = NULL;
    CHECK_OK(ws_range_new(2, 2, &r));
    CHECK_OK(ws_range_set_text(r, 0, 0, "a"));
    CHECK_OK(ws_range_set_error(r, 1, 1, WS_CELL_ERR_NUM, "why"));
    int failures = 0;
    for (long n = 0; n < 10; n++) {
        ws_range *copy = NULL;
        mem_fail_after(n, 0);
        ws_status st = ws_range_copy(r, &copy);
        mem_fail_after(-1, 0);
        if (st == WS_ERR_NOMEM) {
            failures++;
            CHECK(copy == NULL);
        } else {
            CHECK(st == WS_OK && copy && ws_range_error_at(copy, 1, 1) == WS_CELL_ERR_NUM);
        }
        ws_range_free(copy);
    }
    CHECK(failures == 4); /* struct, cells, two strings */
    ws_range_free(r);
}

static void
test_range_numbers(void)
{
    ws_range *r = NULL;
    CHECK_OK(ws_range_new(4, 1, &r));
    CHECK_OK(ws_range_set_number(r, 0, 0, 1.0));
    CHECK_OK(ws_range_set_bool(r, 2, 0, true));
    CHECK_OK(ws_range_set_number(r, 3, 0, 4.0));
    double *x = NULL;
    size_t n = 0;
    CHECK_OK(range_numbers(r, "values", &x, &n));
    CHECK(n == 4 && x[0] == 1.0 && isnan(x[1]) && x[2] == 1.0 && x[3] == 4.0);
    mem_free(x);
    CHECK_OK(ws_range_set_text(r, 1, 0, "n/a"));
    x = NULL;
    CHECK(range_numbers(r, "values", &x, &n) == WS_ERR_VALUE);
    CHECK(strstr(ws_last_reason(), "cell 2") != NULL);
    CHECK(x == NULL);
    ws_range_free(r);
}

static void
test_stats(void)
{
    /* Hand calculations. */
    double x[] = {1, NAN, 2, 4, 8};
    double work[5];
    CHECK(stats_count(x, 5) == 4);
    CHECK_NEAR(stats_mean(x, 5), 3.75, 1e-15);
    CHECK_NEAR(stats_sd(x, 5), sqrt(((2.75 * 2.75) + (1.75 * 1.75) + 0.25 * 0.25 +
                                    4.25 * 4.25) / 3.0), 1e-14);
    CHECK_NEAR(stats_median(x, 5, work), 3.0, 0);
    CHECK(stats_min(x, 5) == 1 && stats_max(x, 5) == 8);
    /* positions 0,2,3,4 against 1,2,4,8: slope = Sxy/Sxx with mean t 2.25, mean y 3.75 */
    CHECK_NEAR(stats_trend(x, 5), (( -2.25 * -2.75) + (-0.25 * -1.75) + (0.75 * 0.25) +
                                   (1.75 * 4.25)) / (2.25 * 2.25 + 0.0625 + 0.5625 + 3.0625),
               1e-14);
    CHECK_NEAR(stats_norm_quantile(0.975), 1.959963984540054, 1e-12);
    CHECK_NEAR(stats_norm_quantile(0.1), -1.2815515655446004, 1e-12);
    /* Student's t quantiles (R: qt(0.975, c(3, 10, 30)), qt(0.9, 5), qt(0.975, 2)). */
    CHECK_NEAR(stats_t_quantile(0.975, 3), 3.182446305284263, 0.01);
    CHECK_NEAR(stats_t_quantile(0.975, 10), 2.228138851986273, 1e-3);
    CHECK_NEAR(stats_t_quantile(0.975, 30), 2.042272456301238, 1e-4);
    CHECK_NEAR(stats_t_quantile(0.9, 5), 1.475884048824481, 1e-3);
    CHECK_NEAR(stats_t_quantile(0.975, 2), 4.302652729911275, 0.05);
    CHECK(stats_t_quantile(0.975, 1e9) - 1.959963984540054 < 1e-8);
    CHECK_NEAR(stats_norm_cdf(1.959963984540054), 0.975, 1e-12);
}

static void
test_rng(void)
{
    rng a, b;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    double sum = 0, sumsq = 0;
    int same = 1;
    for (int i = 0; i < 100000; i++) {
        double z = rng_normal(&a);
        same &= z == rng_normal(&b);
        sum += z;
        sumsq += z * z;
    }
    CHECK(same);
    CHECK_NEAR(sum / 100000, 0.0, 0.02);
    CHECK_NEAR(sumsq / 100000, 1.0, 0.02);
    double g = 0;
    for (int i = 0; i < 100000; i++)
        g += rng_gamma(&a, 2.5);
    CHECK_NEAR(g / 100000, 2.5, 0.03);
}

static void
test_dates(void)
{
    /* 2024-01-31 is serial 45322 (1900 system), checked against LibreOffice's DATE(). */
    double jan31 = 0;
    CHECK(date_parse_iso("2024-01-31", false, &jan31) && jan31 == 45322);
    CHECK(date_parse_iso("2024/01/31", true, &jan31) && jan31 == 45322 - 1462);
    double mar = 0;
    CHECK(date_parse_iso("2024-03 ", false, &mar) && mar == 45352); /* 2024-03-01 */
    CHECK(!date_parse_iso("2023-02-29", false, &mar));
    CHECK(!date_parse_iso("31/01/2024", false, &mar));
    /* A month end stays a month end: Jan 31 -> Feb 29 (leap) -> Mar 31. */
    date_step month = {true, 1};
    CHECK(date_add_steps(45322, month, 1, false) == 45351);
    CHECK(date_add_steps(45322, month, 2, false) == 45382);
    CHECK(date_add_steps(45382, (date_step){true, 12}, -1, false) == 45382 - 366);
    long y, m, d;
    date_civil_from_days(date_serial_to_days(45351, false), &y, &m, &d);
    CHECK(y == 2024 && m == 2 && d == 29);
    /* Steps from the median gap: weekly with one missing week is still weekly. */
    double weekly[] = {45292, 45299, 45306, 45320, 45327, 45334};
    date_step w = date_detect_step(weekly, 6);
    CHECK(!w.months && w.count == 7);
    double quarterly[] = {45292, 45383, 45474, 45566};
    date_step q = date_detect_step(quarterly, 4);
    CHECK(q.months && q.count == 3);
}

int
main(void)
{
    test_dates();
    test_ranges();
    test_status_mapping();
    test_arena();
    test_alloc_failure();
    test_range_numbers();
    test_stats();
    test_rng();
    return check_summary("core");
}
