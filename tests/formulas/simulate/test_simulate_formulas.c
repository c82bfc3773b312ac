/* Golden cases of WS.SIMULATE, WS.CONTRIBUTION, WS.RESPONSE, WS.PLAN and WS.ABTEST through
 * the public API: shapes, labels, consistency between the formulas, determinism, the
 * shared model cache under threads, and every error each formula documents.
 *
 * Numeric reference for WS.ABTEST(120; 1000; 150; 1000): P(B beats A) = 0.975068, from a
 * 400,000-point quadrature of f_B(x) F_A(x) written in Python (independent of the code);
 * lift = (151/1002)/(121/1002) - 1 = 0.247934 (posterior means, hand calculation). */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "worldsheet.h"

#define N 104

static ws_range *
num_range(size_t rows, size_t cols, const double *v)
{
    ws_range *r = NULL;
    ws_range_new(rows, cols, &r);
    for (size_t i = 0; i < rows * cols; i++)
        if (!isnan(v[i]))
            ws_range_set_number(r, i / cols, i % cols, v[i]);
    return r;
}

static ws_range *
text_row(size_t n, const char *const *t)
{
    ws_range *r = NULL;
    ws_range_new(1, n, &r);
    for (size_t i = 0; i < n; i++)
        ws_range_set_text(r, 0, i, t[i]);
    return r;
}

static ws_range *
num1(double v)
{
    return num_range(1, 1, &v);
}

/* KPI (with a header) and three levers TV, Search (spend) and Price, with a header row. */
static double Y[N], L[N * 3];
static ws_range *kpi, *levers, *kinds;

static void
make_data(void)
{
    uint64_t s = 12345;
    for (size_t t = 0; t < N; t++) {
        double u[3];
        for (int j = 0; j < 3; j++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            u[j] = (double)(s >> 11) * 0x1.0p-53;
        }
        L[3 * t] = u[0] < 0.25 ? 0 : 1000 * u[0];
        L[3 * t + 1] = 400 * u[1];
        L[3 * t + 2] = 9 + 2 * u[2];
        double a = L[3 * t] / 500.0;
        Y[t] = 5000 + 10 * (double)t + 300 * tanh(a) + 0.4 * L[3 * t + 1] -
               2000 * log(L[3 * t + 2] / 10) + 20 * sin((double)t);
    }
    ws_range_new(N + 1, 1, &kpi);
    ws_range_set_text(kpi, 0, 0, "sales");
    for (size_t t = 0; t < N; t++)
        ws_range_set_number(kpi, t + 1, 0, Y[t]);
    ws_range_new(N + 1, 3, &levers);
    ws_range_set_text(levers, 0, 0, "TV");
    ws_range_set_text(levers, 0, 1, "Search");
    ws_range_set_text(levers, 0, 2, "Price");
    for (size_t t = 0; t < N; t++)
        for (size_t j = 0; j < 3; j++)
            ws_range_set_number(levers, t + 1, j, L[3 * t + j]);
    const char *k[] = {"spend", "spend", "price"};
    kinds = text_row(3, k);
}

static ws_range *
call(const char *name, const ws_range *const *args, size_t n)
{
    ws_range *out = NULL;
    CHECK_OK(ws_formula_call(name, args, n, &out));
    return out;
}

/* The call gives a 1×1 error `err` whose reason contains `needle`. */
static void
expect_error(const char *name, const ws_range *const *args, size_t n, ws_cell_error err,
             const char *needle)
{
    ws_range *out = call(name, args, n);
    if (!out)
        return;
    bool ok = ws_range_rows(out) == 1 && ws_range_cols(out) == 1 &&
              ws_range_error_at(out, 0, 0) == err &&
              strstr(ws_range_reason_at(out, 0, 0), needle) != NULL;
    if (!ok)
        fprintf(stderr, "%s: got %s '%s', want %s containing '%s'\n", name,
                ws_cell_error_str(ws_range_error_at(out, 0, 0)),
                ws_range_reason_at(out, 0, 0), ws_cell_error_str(err), needle);
    CHECK(ok);
    ws_range_free(out);
}

static void
test_contribution(void)
{
    const ws_range *args[] = {kpi, levers, kinds};
    ws_range *r = call("WS.CONTRIBUTION", args, 3);
    if (!r)
        return;
    CHECK(ws_range_rows(r) == 4 && ws_range_cols(r) == 4);
    CHECK_STR(ws_range_text_at(r, 0, 0), "TV");
    CHECK_STR(ws_range_text_at(r, 1, 0), "Search");
    CHECK_STR(ws_range_text_at(r, 2, 0), "Price");
    CHECK_STR(ws_range_text_at(r, 3, 0), "baseline");
    double share = 0, total = 0, ysum = 0;
    for (size_t i = 0; i < 4; i++) {
        share += ws_range_number_at(r, i, 2);
        total += ws_range_number_at(r, i, 1);
    }
    for (size_t t = 0; t < N; t++)
        ysum += Y[t];
    CHECK_NEAR(share, 1.0, 1e-9);
    CHECK_NEAR(total, ysum, 1e-6 * ysum);
    /* Return per unit spent = contribution / spend, only for spend levers. */
    double spent = 0;
    for (size_t t = 0; t < N; t++)
        spent += L[3 * t + 1];
    CHECK_NEAR(ws_range_number_at(r, 1, 3), ws_range_number_at(r, 1, 1) / spent, 1e-9);
    /* Search has a linear true effect of 0.4 per unit. */
    CHECK_NEAR(ws_range_number_at(r, 1, 3), 0.4, 0.08);
    CHECK(ws_range_type_at(r, 2, 3) == WS_TYPE_EMPTY);
    CHECK(ws_range_type_at(r, 3, 3) == WS_TYPE_EMPTY);
    /* Without a header the levers are numbered, and the default kind is spend. */
    double *plain = malloc(N * 2 * sizeof *plain);
    for (size_t t = 0; t < N; t++) {
        plain[2 * t] = L[3 * t];
        plain[2 * t + 1] = L[3 * t + 1];
    }
    ws_range *lev2 = num_range(N, 2, plain), *y2 = num_range(N, 1, Y);
    const ws_range *args2[] = {y2, lev2};
    ws_range *r2 = call("WS.CONTRIBUTION", args2, 2);
    if (r2) {
        CHECK_STR(ws_range_text_at(r2, 0, 0), "lever 1");
        CHECK_STR(ws_range_text_at(r2, 2, 0), "baseline");
    }
    ws_range_free(r2);
    ws_range_free(lev2);
    ws_range_free(y2);
    free(plain);
    /* Determinism: the same numbers on every call. */
    ws_range *again = call("WS.CONTRIBUTION", args, 3);
    for (size_t i = 0; again && i < 4; i++)
        for (size_t j = 1; j < 3; j++)
            CHECK(ws_range_number_at(again, i, j) == ws_range_number_at(r, i, j));
    ws_range_free(again);
    ws_range_free(r);
}

static void
test_simulate_response_plan(void)
{
    /* 4 future weeks at the recent levels, with a header row. */
    double recent[3] = {0, 0, 0};
    for (size_t t = N - 8; t < N; t++)
        for (size_t j = 0; j < 3; j++)
            recent[j] += L[3 * t + j] / 8;
    ws_range *scen = NULL;
    ws_range_new(5, 3, &scen);
    ws_range_set_text(scen, 0, 0, "TV");
    ws_range_set_text(scen, 0, 1, "Search");
    ws_range_set_text(scen, 0, 2, "Price");
    for (size_t t = 1; t < 5; t++)
        for (size_t j = 0; j < 3; j++)
            ws_range_set_number(scen, t, j, recent[j]);
    const ws_range *a1[] = {kpi, levers, scen, NULL, kinds};
    ws_range *s1 = call("WS.SIMULATE", a1, 5);
    ws_range *lvl = num1(0.9);
    const ws_range *a3[] = {kpi, levers, scen, lvl, kinds};
    ws_range *s3 = call("WS.SIMULATE", a3, 5);
    if (s1 && s3) {
        CHECK(ws_range_rows(s1) == 4 && ws_range_cols(s1) == 1);
        CHECK(ws_range_rows(s3) == 4 && ws_range_cols(s3) == 3);
        for (size_t t = 0; t < 4; t++) {
            CHECK(ws_range_number_at(s1, t, 0) == ws_range_number_at(s3, t, 0));
            CHECK(ws_range_number_at(s3, t, 1) < ws_range_number_at(s3, t, 0));
            CHECK(ws_range_number_at(s3, t, 2) > ws_range_number_at(s3, t, 0));
        }
    }
    /* RESPONSE by name and by number agree; more spend never lowers the KPI. */
    double sp[3] = {0, 500, 1500};
    ws_range *spends = num_range(3, 1, sp), *name = NULL, *one = num1(1);
    ws_range_new(1, 1, &name);
    ws_range_set_text(name, 0, 0, "tv");
    const ws_range *r1a[] = {kpi, levers, name, spends, kinds};
    const ws_range *r1b[] = {kpi, levers, one, spends, kinds};
    ws_range *ra = call("WS.RESPONSE", r1a, 5), *rb = call("WS.RESPONSE", r1b, 5);
    if (ra && rb) {
        CHECK(ws_range_rows(ra) == 3 && ws_range_cols(ra) == 1);
        for (size_t i = 0; i < 3; i++)
            CHECK(ws_range_number_at(ra, i, 0) == ws_range_number_at(rb, i, 0));
        CHECK(ws_range_number_at(ra, 1, 0) > ws_range_number_at(ra, 0, 0));
        CHECK(ws_range_number_at(ra, 2, 0) >= ws_range_number_at(ra, 1, 0));
        /* True TV curve 300 tanh(x/500): 0 -> 500 adds 228.5. */
        CHECK_NEAR(ws_range_number_at(ra, 1, 0) - ws_range_number_at(ra, 0, 0), 228.5, 40);
    }
    /* PLAN: the split sums to the budget, bounds hold, the price row has no spend. */
    ws_range *budget = num1(700), *h13 = num1(13), *mx = num1(600);
    const ws_range *p1[] = {kpi, levers, budget, h13, NULL, mx, kinds};
    ws_range *pl = call("WS.PLAN", p1, 7);
    if (pl) {
        CHECK(ws_range_rows(pl) == 4 && ws_range_cols(pl) == 3);
        CHECK_STR(ws_range_text_at(pl, 3, 0), "total");
        double tv = ws_range_number_at(pl, 0, 1), se = ws_range_number_at(pl, 1, 1);
        CHECK_NEAR(tv + se, 700, 1e-9);
        CHECK(tv <= 600 + 1e-9 && se <= 600 + 1e-9 && tv >= 0 && se >= 0);
        CHECK(ws_range_type_at(pl, 2, 1) == WS_TYPE_EMPTY);
        CHECK_NEAR(ws_range_number_at(pl, 3, 1), 700, 0);
        CHECK_NEAR(ws_range_number_at(pl, 3, 2),
                   ws_range_number_at(pl, 0, 2) + ws_range_number_at(pl, 1, 2) +
                       ws_range_number_at(pl, 2, 2), 1e-6);
        /* Search is linear at 0.4 per unit, TV's margin 0.6 sech^2(x/500) falls to 0.4 at
         * x = 500 * atanh(sqrt(1/3)) = 329: the optimum puts TV near there. */
        CHECK_NEAR(tv, 329, 120);
    }
    ws_range_free(pl);
    ws_range_free(budget);
    ws_range_free(h13);
    ws_range_free(mx);
    ws_range_free(ra);
    ws_range_free(rb);
    ws_range_free(name);
    ws_range_free(one);
    ws_range_free(spends);
    ws_range_free(s1);
    ws_range_free(s3);
    ws_range_free(lvl);
    ws_range_free(scen);
}

static void
test_abtest(void)
{
    ws_range *a = num1(120), *na = num1(1000), *b = num1(150), *nb = num1(1000);
    const ws_range *args[] = {a, na, b, nb};
    ws_range *r = call("WS.ABTEST", args, 4);
    if (r) {
        CHECK(ws_range_rows(r) == 1 && ws_range_cols(r) == 4);
        CHECK_NEAR(ws_range_number_at(r, 0, 0), 0.975068, 2e-5);
        CHECK_NEAR(ws_range_number_at(r, 0, 1), 0.247934, 1e-6);
        /* Lognormal approximation of the ratio (hand calculation): log-ratio sd
         * sqrt(0.88/121 + 0.85/151) = 0.1136, so the 95% lift interval is about
         * exp(log 1.2479 -+ 0.2226) - 1 = [-0.001, 0.559]. */
        CHECK_NEAR(ws_range_number_at(r, 0, 2), -0.001, 0.01);
        CHECK_NEAR(ws_range_number_at(r, 0, 3), 0.559, 0.01);
    }
    ws_range_free(r);
    ws_range *bad = num1(1001), *frac = num1(1.5), *zero = num1(0), *txt = NULL;
    ws_range_new(1, 1, &txt);
    ws_range_set_text(txt, 0, 0, "many");
    const ws_range *e1[] = {bad, na, b, nb};
    expect_error("WS.ABTEST", e1, 4, WS_CELL_ERR_NUM, "more than");
    const ws_range *e2[] = {a, na, frac, nb};
    expect_error("WS.ABTEST", e2, 4, WS_CELL_ERR_NUM, "whole number");
    const ws_range *e3[] = {a, na, b, nb, zero};
    expect_error("WS.ABTEST", e3, 5, WS_CELL_ERR_NUM, "level");
    const ws_range *e4[] = {a, txt, b, nb};
    expect_error("WS.ABTEST", e4, 4, WS_CELL_ERR_VALUE, "n_a");
    const ws_range *e5[] = {a, zero, b, nb};
    expect_error("WS.ABTEST", e5, 4, WS_CELL_ERR_NUM, "n_a");
    ws_range_free(a);
    ws_range_free(na);
    ws_range_free(b);
    ws_range_free(nb);
    ws_range_free(bad);
    ws_range_free(frac);
    ws_range_free(zero);
    ws_range_free(txt);
}

static void
test_errors(void)
{
    /* Levers one row short of the KPI. */
    ws_range *short_lev = num_range(N - 1, 3, L);
    const ws_range *e1[] = {kpi, short_lev, kinds};
    expect_error("WS.CONTRIBUTION", e1, 3, WS_CELL_ERR_VALUE, "same periods");
    /* A lever that never varies; an all-zero spend lever. */
    double *c = malloc(N * 3 * sizeof *c);
    memcpy(c, L, N * 3 * sizeof *c);
    for (size_t t = 0; t < N; t++)
        c[3 * t + 1] = 50;
    ws_range *flat = num_range(N, 3, c);
    const ws_range *e2[] = {kpi, flat, kinds};
    expect_error("WS.CONTRIBUTION", e2, 3, WS_CELL_ERR_NUM, "never varies");
    for (size_t t = 0; t < N; t++)
        c[3 * t + 1] = 0;
    ws_range *zero = num_range(N, 3, c);
    const ws_range *e3[] = {kpi, zero, kinds};
    expect_error("WS.CONTRIBUTION", e3, 3, WS_CELL_ERR_NUM, "zero in every period");
    /* A blank lever cell; a blank last KPI. */
    memcpy(c, L, N * 3 * sizeof *c);
    c[3 * 10] = NAN;
    ws_range *blank = num_range(N, 3, c);
    const ws_range *e4[] = {kpi, blank, kinds};
    expect_error("WS.CONTRIBUTION", e4, 3, WS_CELL_ERR_NA, "blank cell");
    double *yb = malloc(N * sizeof *yb);
    memcpy(yb, Y, N * sizeof *yb);
    yb[N - 1] = NAN;
    ws_range *ykpi = num_range(N, 1, yb), *lev = num_range(N, 3, L);
    const ws_range *e5[] = {ykpi, lev, kinds};
    expect_error("WS.CONTRIBUTION", e5, 3, WS_CELL_ERR_NA, "last value is blank");
    /* More levers than periods. */
    ws_range *few_y = num_range(6, 1, Y), *few_l = num_range(6, 3, L);
    const ws_range *e6[] = {few_y, few_l, kinds};
    expect_error("WS.CONTRIBUTION", e6, 3, WS_CELL_ERR_NA, "at least");
    /* A non-positive KPI with a price lever. */
    for (size_t t = 0; t < N; t++)
        yb[t] = Y[t] - 6000;
    ws_range *neg = num_range(N, 1, yb);
    const ws_range *e7[] = {neg, lev, kinds};
    expect_error("WS.CONTRIBUTION", e7, 3, WS_CELL_ERR_NUM, "positive KPI");
    /* Wrong kinds. */
    const char *bk[] = {"spend", "tv", "price"};
    ws_range *badk = text_row(3, bk);
    const ws_range *e8[] = {kpi, levers, badk};
    expect_error("WS.CONTRIBUTION", e8, 3, WS_CELL_ERR_VALUE, "kinds");
    const char *sk[] = {"spend", "spend"};
    ws_range *shortk = text_row(2, sk);
    const ws_range *e9[] = {kpi, levers, shortk};
    expect_error("WS.CONTRIBUTION", e9, 3, WS_CELL_ERR_VALUE, "kinds");
    /* Text inside the KPI. */
    ws_range *tk = NULL;
    ws_range_copy(kpi, &tk);
    ws_range_set_text(tk, 5, 0, "n/a");
    const ws_range *e10[] = {tk, levers, kinds};
    expect_error("WS.CONTRIBUTION", e10, 3, WS_CELL_ERR_VALUE, "kpi");

    /* SIMULATE: scenario columns, level, negative spend. */
    ws_range *scen2 = num_range(3, 2, L), *scen3 = num_range(3, 3, L), *lvl = num1(1.5);
    const ws_range *s1[] = {kpi, levers, scen2, NULL, kinds};
    expect_error("WS.SIMULATE", s1, 5, WS_CELL_ERR_VALUE, "scenario");
    const ws_range *s2[] = {kpi, levers, scen3, lvl, kinds};
    expect_error("WS.SIMULATE", s2, 5, WS_CELL_ERR_NUM, "level");
    ws_range_set_number(scen3, 1, 0, -5);
    const ws_range *s3[] = {kpi, levers, scen3, NULL, kinds};
    expect_error("WS.SIMULATE", s3, 5, WS_CELL_ERR_NUM, "scenario");
    const ws_range *s4[] = {kpi, short_lev, scen2, NULL, kinds};
    expect_error("WS.SIMULATE", s4, 5, WS_CELL_ERR_VALUE, "same periods");

    /* RESPONSE: lever out of range, unknown name, negative spend. */
    double sp[2] = {0, 100}, spn[2] = {0, -100};
    ws_range *spends = num_range(2, 1, sp), *negsp = num_range(2, 1, spn), *five = num1(5);
    ws_range *radio = NULL;
    ws_range_new(1, 1, &radio);
    ws_range_set_text(radio, 0, 0, "Radio");
    const ws_range *r1[] = {kpi, levers, five, spends, kinds};
    expect_error("WS.RESPONSE", r1, 5, WS_CELL_ERR_NUM, "lever");
    const ws_range *r2[] = {kpi, levers, radio, spends, kinds};
    expect_error("WS.RESPONSE", r2, 5, WS_CELL_ERR_VALUE, "Radio");
    ws_range *one = num1(1);
    const ws_range *r3[] = {kpi, levers, one, negsp, kinds};
    expect_error("WS.RESPONSE", r3, 5, WS_CELL_ERR_NUM, "spends");
    const ws_range *r4[] = {kpi, flat, one, spends, kinds};
    expect_error("WS.RESPONSE", r4, 5, WS_CELL_ERR_NUM, "never varies");

    /* PLAN: bounds that cannot meet the budget, negative budget, wrong bound count. */
    ws_range *budget = num1(100), *negb = num1(-1), *hi = num1(10);
    double two[2] = {1, 2};
    ws_range *twob = num_range(2, 1, two);
    const ws_range *p1[] = {kpi, levers, budget, NULL, NULL, hi, kinds};
    expect_error("WS.PLAN", p1, 7, WS_CELL_ERR_NUM, "cannot be split");
    const ws_range *p2[] = {kpi, levers, negb, NULL, NULL, NULL, kinds};
    expect_error("WS.PLAN", p2, 7, WS_CELL_ERR_NUM, "budget");
    const ws_range *p3[] = {kpi, levers, budget, NULL, twob, NULL, kinds};
    expect_error("WS.PLAN", p3, 7, WS_CELL_ERR_VALUE, "min");
    const char *ck[] = {"control", "control", "price"};
    ws_range *noscale = text_row(3, ck);
    const ws_range *p4[] = {kpi, levers, budget, NULL, NULL, NULL, noscale};
    expect_error("WS.PLAN", p4, 7, WS_CELL_ERR_NUM, "no spend lever");
    const ws_range *p5[] = {kpi, zero, budget, NULL, NULL, NULL, kinds};
    expect_error("WS.PLAN", p5, 7, WS_CELL_ERR_NUM, "zero in every period");

    ws_range *objs[] = {short_lev, flat, zero, blank, ykpi, lev, few_y, few_l, neg, badk,
                        shortk, tk, scen2, scen3, lvl, spends, negsp, five, radio, one,
                        budget, negb, hi, twob, noscale};
    for (size_t i = 0; i < sizeof objs / sizeof objs[0]; i++)
        ws_range_free(objs[i]);
    free(c);
    free(yb);
}

/* Threads share the model cache: concurrent calls on two data sets give the single-thread
 * numbers. */
typedef struct job {
    const ws_range *const *args;
    double want[8];
    int bad;
} job;

static void *
worker(void *p)
{
    job *j = p;
    for (int it = 0; it < 6; it++) {
        ws_range *r = NULL;
        if (ws_formula_call("WS.CONTRIBUTION", j->args, 3, &r) != WS_OK) {
            j->bad++;
            continue;
        }
        for (size_t i = 0; i < 4; i++)
            if (ws_range_number_at(r, i, 1) != j->want[i])
                j->bad++;
        ws_range_free(r);
    }
    return NULL;
}

static void
test_threads(void)
{
    double *y2 = malloc(N * sizeof *y2);
    for (size_t t = 0; t < N; t++)
        y2[t] = Y[t] * 1.1 + 50 * cos((double)t);
    ws_range *k2 = num_range(N, 1, y2);
    const ws_range *a[] = {kpi, levers, kinds}, *b[] = {k2, levers, kinds};
    job jobs[4] = {{a, {0}, 0}, {b, {0}, 0}, {a, {0}, 0}, {b, {0}, 0}};
    for (size_t i = 0; i < 2; i++) {
        ws_range *r = call("WS.CONTRIBUTION", jobs[i].args, 3);
        for (size_t j = 0; r && j < 4; j++)
            jobs[i].want[j] = jobs[i + 2].want[j] = ws_range_number_at(r, j, 1);
        ws_range_free(r);
    }
    pthread_t th[4];
    for (size_t i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, worker, &jobs[i]);
    for (size_t i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(jobs[i].bad == 0);
    }
    ws_range_free(k2);
    free(y2);
}

/* The simulate and plan jobs add their sheets; the plan's total row holds the budget. */
static void
test_jobs(void)
{
    ws_book *book = NULL;
    ws_range *table = NULL;
    CHECK_OK(ws_book_new(&book));
    CHECK_OK(ws_range_new(N + 1, 4, &table));
    if (!book || !table)
        return;
    const char *head[] = {"sales", "TV", "Search", "Price"};
    for (size_t j = 0; j < 4; j++)
        ws_range_set_text(table, 0, j, head[j]);
    for (size_t t = 0; t < N; t++) {
        ws_range_set_number(table, t + 1, 0, Y[t]);
        for (size_t j = 0; j < 3; j++)
            ws_range_set_number(table, t + 1, j + 1, L[3 * t + j]);
    }
    CHECK_OK(ws_book_add_sheet(book, "Data", table, NULL));
    ws_job_option sim[] = {{"kpi", "A1:A105"}, {"levers", "B1:D105"},
                           {"kinds", "spend, spend, price"}, {"horizon", "8"}};
    CHECK_OK(ws_book_job(book, 0, "simulate", sim, 4, NULL, NULL));
    ws_job_option plan[] = {{"kpi", "A1:A105"}, {"levers", "B1:D105"},
                            {"kinds", "spend,spend,price"}, {"budget", "700"},
                            {"max", "600"}};
    CHECK_OK(ws_book_job(book, 0, "plan", plan, 5, NULL, NULL));
    const char *want[] = {"Data", "Model", "Contribution", "Response", "Scenario", "Plan"};
    CHECK(ws_book_sheet_count(book) == 6);
    for (size_t i = 0; i < 6 && i < ws_book_sheet_count(book); i++)
        CHECK_STR(ws_book_sheet_name(book, i), want[i]);
    ws_range *r = NULL;
    CHECK_OK(ws_book_read(book, 5, "A4:C4", &r));
    if (r) {
        CHECK_STR(ws_range_text_at(r, 0, 0), "total");
        CHECK_NEAR(ws_range_number_at(r, 0, 2), 700, 0);
    }
    ws_range_free(r);
    r = NULL;
    /* Scenario sheet: 104 history rows then 8 future rows with a band. */
    CHECK_OK(ws_book_read(book, 4, "D113:F113", &r));
    if (r)
        CHECK(ws_range_number_at(r, 0, 1) < ws_range_number_at(r, 0, 0) &&
              ws_range_number_at(r, 0, 0) < ws_range_number_at(r, 0, 2));
    ws_range_free(r);
    ws_job_option bad[] = {{"levers", "B1:D105"}, {"budget", "700"}};
    CHECK(ws_book_job(book, 0, "plan", bad, 2, NULL, NULL) != WS_OK);
    CHECK(strstr(ws_last_reason(), "kpi") != NULL);
    ws_range_free(table);
    ws_book_close(book);
}

int
main(void)
{
    make_data();
    test_jobs();
    test_contribution();
    test_simulate_response_plan();
    test_abtest();
    test_errors();
    test_threads();
    ws_range_free(kpi);
    ws_range_free(levers);
    ws_range_free(kinds);
    return check_summary("simulate formulas");
}
