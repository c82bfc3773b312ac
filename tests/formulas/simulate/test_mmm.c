/* Unit tests of the world model (formulas/simulate/mmm.c), the non-negative QP
 * (src/num/linalg.c) and the A/B test (formulas/simulate/abtest.c).
 *
 * References are independent of the code under test: data simulated here from known
 * parameters, brute-force enumeration (QP active sets, planner grids), and numerical
 * integration of Beta densities for the A/B test. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../../check.h"
#include "core/mem.h"
#include "num/linalg.h"
#include "num/rng.h"
#include "simulate/abtest.h"
#include "simulate/mmm.h"

#define N 156
#define PERIOD 52.0

/* Truth for the recovery test: the model's own functional form, written out here. */
static const double true_rate[2] = {0.5, 0.2};
static const double true_half[2] = {0.8, 2.0};  /* in units of the lever's mean */
static const double true_beta[2] = {300.0, 150.0};

static double
sat(double a, double half)
{
    double c = half / atanh(0.5);
    return c * tanh(a / c);
}

/* The noise-free KPI at period t under spend X (N×2), spend measured in units of `mean`:
 * 1000 + 100 t/N + 80 sin(2 pi t/52) + sum beta_j sat(adstock(x_j/mean)); contrib (may be
 * NULL) gets each lever's part. */
static double
true_kpi(const double *X, const double *mean, size_t t, double *contrib)
{
    double v = 1000 + 100.0 * (double)t / N + 80 * sin(2 * M_PI * (double)t / PERIOD);
    for (size_t j = 0; j < 2; j++) {
        double w = 0, a = 0, pw = 1;
        for (size_t i = 0; i < MMM_LAGS; i++, pw *= true_rate[j])
            w += pw;
        pw = 1;
        for (size_t i = 0; i < MMM_LAGS && i <= t; i++, pw *= true_rate[j])
            a += pw / w * X[(t - i) * 2 + j] / mean[j];
        double c = true_beta[j] * sat(a, true_half[j]);
        if (contrib)
            contrib[j] = c;
        v += c;
    }
    return v;
}

/* y = true_kpi + noise, over bursty spend (always-on spend, 0.6..1.4 x its level, when
 * `steady`); mean (may be NULL) gets the spend means. */
static void
simulate_data_mean(double *y, double *X, double *contrib, double noise, uint64_t seed,
                   bool steady, double *mean_out)
{
    rng r;
    rng_seed(&r, seed);
    double mean[2] = {0, 0};
    for (size_t t = 0; t < N; t++)
        for (size_t j = 0; j < 2; j++) {
            /* Bursty spend with weeks off, so carry-over is identifiable. */
            double u = rng_uniform(&r);
            if (steady)
                X[t * 2 + j] = (j ? 50.0 : 200.0) * (0.6 + 0.8 * u);
            else
                X[t * 2 + j] = u < 0.3 ? 0.0 : (j ? 50.0 : 200.0) * (0.2 + 2 * rng_uniform(&r));
            mean[j] += X[t * 2 + j] / N;
        }
    contrib[0] = contrib[1] = 0;
    for (size_t t = 0; t < N; t++) {
        double c[2];
        y[t] = true_kpi(X, mean, t, c) + noise * rng_normal(&r);
        contrib[0] += c[0];
        contrib[1] += c[1];
    }
    if (mean_out)
        memcpy(mean_out, mean, sizeof mean);
}

static void
simulate_data(double *y, double *X, double *contrib, double noise, uint64_t seed)
{
    simulate_data_mean(y, X, contrib, noise, seed, false, NULL);
}

static mmm_model *
fit_period(const double *y, const double *X, size_t n, size_t k, const mmm_kind *kinds)
{
    mmm_options o;
    mmm_options_default(&o);
    o.period = PERIOD;
    mmm_model *m = NULL;
    CHECK_OK(mmm_fit(y, X, n, k, kinds, &o, &m));
    return m;
}

static void
test_recovery(void)
{
    double y[N], X[2 * N], contrib[2];
    simulate_data(y, X, contrib, 5.0, 11);
    mmm_kind kinds[2] = {MMM_SPEND, MMM_SPEND};
    mmm_model *m = fit_period(y, X, N, 2, kinds);
    if (!m)
        return;
    /* Stated tolerances: carry-over +-0.05, half-saturation +-35%, contribution +-5%, noise
     * sd +-25% (noise sd 5 against a KPI near 1400). */
    CHECK_NEAR(m->rate[0], true_rate[0], 0.05);
    CHECK_NEAR(m->rate[1], true_rate[1], 0.05);
    CHECK_NEAR(log(m->half[0] / true_half[0]), 0.0, 0.35);
    CHECK_NEAR(log(m->half[1] / true_half[1]), 0.0, 0.35);
    double tot[3], share[3], roi[3];
    mmm_contributions(m, tot, share, roi);
    CHECK_NEAR(tot[0] / contrib[0], 1.0, 0.05);
    CHECK_NEAR(tot[1] / contrib[1], 1.0, 0.05);
    double spent = 0;
    for (size_t t = 0; t < N; t++)
        spent += X[t * 2];
    CHECK_NEAR(roi[0], tot[0] / spent, 1e-9 * roi[0]);
    double ysum = 0;
    for (size_t t = 0; t < N; t++)
        ysum += y[t];
    CHECK_NEAR(share[0] + share[1] + share[2], 1.0, 1e-9);
    CHECK_NEAR(tot[0] + tot[1] + tot[2], ysum, 1e-6 * ysum);
    CHECK_NEAR(m->sigma * m->y_scale / 5.0, 1.0, 0.25);
    CHECK(m->r2 > 0.99);
    CHECK(m->warning[0] == '\0');

    /* Response at zero spend of lever 1 vs at 2x its mean: the difference is the true
     * steady-state curve (within the fit's tolerance). */
    double mean1 = 0;
    for (size_t t = 0; t < N; t++)
        mean1 += X[t * 2] / N;
    double spends[2] = {0, 2 * mean1}, resp[2];
    CHECK_OK(mmm_response(m, 0, spends, 2, resp));
    CHECK_NEAR((resp[1] - resp[0]) / (true_beta[0] * sat(2.0, true_half[0])), 1.0, 0.08);

    /* Counterfactual without lever 1: the fitted KPI falls by its contribution. */
    double Xa[2 * N], cf[N], base[N];
    memcpy(Xa, X, sizeof Xa);
    for (size_t t = 0; t < N; t++)
        Xa[t * 2] = 0;
    CHECK_OK(mmm_counterfactual(m, X, base));
    CHECK_OK(mmm_counterfactual(m, Xa, cf));
    double drop = 0;
    for (size_t t = 0; t < N; t++) {
        drop += base[t] - cf[t];
        CHECK_NEAR(base[t], m->fitted[t], 1e-9 * fabs(m->fitted[t]));
    }
    CHECK_NEAR(drop, tot[0], 1e-6 * tot[0]);

    /* Simulation: deterministic, interval around the mean, carry-over flows in. */
    double scen[2 * 13], mean[13], lo[13], hi[13], mean2[13], lo2[13], hi2[13];
    for (size_t t = 0; t < 13; t++) {
        scen[2 * t] = 0;
        scen[2 * t + 1] = 0;
    }
    CHECK_OK(mmm_simulate(m, scen, 13, 0.9, 1000, 5, mean, lo, hi));
    CHECK_OK(mmm_simulate(m, scen, 13, 0.9, 1000, 5, mean2, lo2, hi2));
    CHECK(memcmp(mean, mean2, sizeof mean) == 0 && memcmp(lo, lo2, sizeof lo) == 0 &&
          memcmp(hi, hi2, sizeof hi) == 0);
    for (size_t t = 0; t < 13; t++)
        CHECK(lo[t] < mean[t] && mean[t] < hi[t]);
    /* Stopping spend against keeping it at the recent level: the loss grows as carry-over
     * fades and reaches the steady-state response at the recent level. */
    double recent[2], keep[2 * 13], kmean[13];
    mmm_recent(m, recent);
    for (size_t t = 0; t < 13; t++) {
        keep[2 * t] = recent[0];
        keep[2 * t + 1] = recent[1];
    }
    CHECK_OK(mmm_simulate(m, keep, 13, 0, 0, 5, kmean, NULL, NULL));
    CHECK(kmean[0] - mean[0] < kmean[12] - mean[12] - 10);
    CHECK_NEAR(kmean[12] - mean[12], mmm_lever_response(m, 0, recent[0]) +
                                         mmm_lever_response(m, 1, recent[1]), 1e-6);
    /* Interval width: 2 x 1.645 x noise sd, widened by the parameters' uncertainty (the
     * trend's above all, 13 weeks out, and the baseline level that trades off against the
     * curves) but not by more than three quarters.  test_coverage checks calibration. */
    double widen = (hi[12] - lo[12]) / (2 * 1.645 * 5.0);
    CHECK(widen > 0.9 && widen < 1.75);
    mmm_free(m);
}

/* Calibration: over replicates simulated with known truth, the share of a 26-week
 * holdout inside the 80% and 90% intervals, for the spend that happened and for a what-if
 * the history never saw: steady spend at twice each lever's mean from the holdout on (its
 * true outcome is the truth's curve at that spend, with the replicate's own noise).
 * Pooled over 25 replicates (650 points) the binomial sd is 1.2-1.6 pp; the tolerance also
 * allows for the weeks of one replicate sharing their parameter errors.  out: coverage
 * [scenario][level]. */
static void
coverage_study(bool steady, double out[2][2])
{
    enum { R = 25, NT = 130, H = N - NT };
    double y[N], X[2 * N], Xw[2 * N], contrib[2], mean[H], lo[H], hi[H], spend_mean[2];
    mmm_kind kinds[2] = {MMM_SPEND, MMM_SPEND};
    size_t cover[2][2] = {{0, 0}, {0, 0}};
    const double levels[2] = {0.8, 0.9};
    for (int rep = 0; rep < R; rep++) {
        simulate_data_mean(y, X, contrib, 15.0, 300 + (uint64_t)rep, steady, spend_mean);
        mmm_model *m = fit_period(y, X, NT, 2, kinds);
        if (!m)
            return;
        memcpy(Xw, X, sizeof Xw);
        for (size_t t = NT; t < N; t++)
            for (size_t j = 0; j < 2; j++)
                Xw[t * 2 + j] = 2 * spend_mean[j];
        for (size_t l = 0; l < 2; l++) {
            CHECK_OK(mmm_simulate(m, X + NT * 2, H, levels[l], 1000, 7, mean, lo, hi));
            for (size_t t = 0; t < H; t++)
                cover[0][l] += y[NT + t] >= lo[t] && y[NT + t] <= hi[t];
            CHECK_OK(mmm_simulate(m, Xw + NT * 2, H, levels[l], 1000, 7, mean, lo, hi));
            for (size_t t = 0; t < H; t++) {
                double yw = y[NT + t] - true_kpi(X, spend_mean, NT + t, NULL) +
                            true_kpi(Xw, spend_mean, NT + t, NULL);
                cover[1][l] += yw >= lo[t] && yw <= hi[t];
            }
        }
        mmm_free(m);
    }
    for (size_t s = 0; s < 2; s++)
        for (size_t l = 0; l < 2; l++)
            out[s][l] = (double)cover[s][l] / (R * H);
}

static void
test_coverage(void)
{
    double c[2][2];
    /* Bursty spend (weeks off, up to 2.2 x the level): the curves are well identified and
     * both bands are calibrated. */
    coverage_study(false, c);
    for (size_t s = 0; s < 2; s++) {
        CHECK_NEAR(c[s][0], 0.80, 0.05);
        CHECK_NEAR(c[s][1], 0.90, 0.04);
    }
    /* Always-on spend (0.6..1.4 x its level): the history is calibrated, but doubling the
     * spend extrapolates the saturation curve, which the data pin down only loosely.  A
     * band that held carry-over and saturation at their fitted values covered 33% and 44%
     * here; the draws of the curves bring that to about 78% and 86%.  Still short of
     * nominal at 90% (a Gaussian approximation of a curve the data barely bend): the
     * floor below guards the improvement. */
    coverage_study(true, c);
    CHECK_NEAR(c[0][0], 0.80, 0.05);
    CHECK_NEAR(c[0][1], 0.90, 0.04);
    CHECK(c[1][0] > 0.55);
    CHECK(c[1][1] > 0.80);
}

static void
test_scale_invariance(void)
{
    double y[N], X[2 * N], contrib[2], y2[N], X2[2 * N];
    simulate_data(y, X, contrib, 5.0, 12);
    for (size_t t = 0; t < N; t++) {
        y2[t] = 1000 * y[t];
        X2[2 * t] = 1000 * X[2 * t];
        X2[2 * t + 1] = 1000 * X[2 * t + 1];
    }
    mmm_kind kinds[2] = {MMM_SPEND, MMM_SPEND};
    mmm_model *a = fit_period(y, X, N, 2, kinds), *b = fit_period(y2, X2, N, 2, kinds);
    if (!a || !b)
        return;
    double sa[2], sb[2], ca[3], cb[3];
    CHECK_OK(mmm_plan(a, 250, 1, NULL, NULL, sa, ca));
    CHECK_OK(mmm_plan(b, 250000, 1, NULL, NULL, sb, cb));
    /* The same plan to 1e-5 of the budget: here one normalised value sits on a rounding
     * boundary (see quantize() in mmm.c), so the two searches stop within their tolerance
     * of the same optimum rather than on the same bits. */
    CHECK_NEAR(sb[0] / 1000, sa[0], 1e-5 * 250);
    CHECK_NEAR(sb[1] / 1000, sa[1], 1e-5 * 250);
    CHECK_NEAR(cb[2] / 1000, ca[2], 1e-5 * fabs(ca[2]));
    CHECK_NEAR(b->rate[0], a->rate[0], 1e-5);
    mmm_free(a);
    mmm_free(b);
}

/* Brute-force maximum over a grid of the budget simplex within bounds (2 or 3 levers). */
static double
grid_best(const mmm_model *m, size_t k, double budget, const double *lo, const double *hi)
{
    double best = -HUGE_VAL;
    size_t steps = k == 2 ? 200000 : 1000;
    for (size_t a = 0; a <= steps; a++) {
        double x0 = lo[0] + (hi[0] - lo[0]) * (double)a / (double)steps;
        if (k == 2) {
            double x1 = budget - x0;
            if (x1 < lo[1] || x1 > hi[1])
                continue;
            best = fmax(best, mmm_lever_response(m, 0, x0) + mmm_lever_response(m, 1, x1));
            continue;
        }
        for (size_t b = 0; b <= steps; b++) {
            double x1 = lo[1] + (hi[1] - lo[1]) * (double)b / (double)steps;
            double x2 = budget - x0 - x1;
            if (x2 < lo[2] || x2 > hi[2])
                continue;
            best = fmax(best, mmm_lever_response(m, 0, x0) + mmm_lever_response(m, 1, x1) +
                                  mmm_lever_response(m, 2, x2));
        }
    }
    return best;
}

static void
test_planner(void)
{
    /* Three spend levers and a control. */
    size_t k = 4;
    double y[N], X[4 * N];
    rng r;
    rng_seed(&r, 3);
    for (size_t t = 0; t < N; t++) {
        double v = 500 + 30 * sin(2 * M_PI * (double)t / PERIOD);
        for (size_t j = 0; j < 3; j++) {
            X[t * k + j] = (double)(j + 1) * 100 * rng_uniform(&r);
            v += (double)(3 - j) * 40 * sat(X[t * k + j] / ((double)(j + 1) * 50), 0.7);
        }
        X[t * k + 3] = rng_uniform(&r) < 0.1;
        v += 25 * X[t * k + 3];
        y[t] = v + 3 * rng_normal(&r);
    }
    mmm_kind kinds[4] = {MMM_SPEND, MMM_SPEND, MMM_SPEND, MMM_CONTROL};
    mmm_model *m = fit_period(y, X, N, k, kinds);
    if (!m)
        return;
    CHECK_NEAR(m->beta[m->lever_col + 3] * m->y_scale / m->x_scale[3] / 25.0, 1.0, 0.2);
    for (int trial = 0; trial < 6; trial++) {
        double budget = 100 + 60 * trial;
        double lo[4] = {5.0 * trial, 0, 10, 0}, hi[4] = {budget, 150, budget, 0};
        double x[4], ch[5];
        CHECK_OK(mmm_plan(m, budget, 1, lo, hi, x, ch));
        double sum = x[0] + x[1] + x[2], val = 0;
        CHECK_NEAR(sum, budget, 1e-9 * budget);
        for (size_t j = 0; j < 3; j++) {
            CHECK(x[j] >= lo[j] - 1e-9 * budget && x[j] <= hi[j] + 1e-9 * budget);
            val += mmm_lever_response(m, j, x[j]);
        }
        CHECK(isnan(x[3]));
        CHECK(ch[3] == 0.0);
        double best = grid_best(m, 3, budget, lo, hi);
        /* The plan is at least the grid's best (the grid is coarser than the optimum). */
        CHECK(val >= best - 1e-9 * fabs(best));
        /* Two levers (the third fixed by its bounds at 10). */
        double lo2[4] = {0, 0, 10, 0}, hi2[4] = {budget, budget, 10, 0};
        CHECK_OK(mmm_plan(m, budget + 10, 1, lo2, hi2, x, ch));
        double best2 = grid_best(m, 2, budget, lo2, hi2);
        double val2 = mmm_lever_response(m, 0, x[0]) + mmm_lever_response(m, 1, x[1]);
        CHECK(val2 >= best2 - 1e-9 * fabs(best2));
        CHECK_NEAR(x[2], 10.0, 1e-12);
        /* The change column is horizon x (plan - recent) per lever, totalled. */
        double recent[4];
        mmm_recent(m, recent);
        CHECK_OK(mmm_plan(m, budget, 13, lo, hi, x, ch));
        double want = 13 * (mmm_lever_response(m, 0, x[0]) - mmm_lever_response(m, 0,
                                                                                recent[0]));
        CHECK_NEAR(ch[0], want, 1e-9 * fabs(want) + 1e-9);
        CHECK_NEAR(ch[4], ch[0] + ch[1] + ch[2], 1e-9 * fabs(ch[4]) + 1e-9);
    }
    double x[4], ch[5];
    double lo[4] = {100, 100, 100, 0};
    CHECK(mmm_plan(m, 200, 1, lo, NULL, x, ch) == WS_ERR_NUM);
    double hi[4] = {10, 10, 10, 0};
    CHECK(mmm_plan(m, 200, 1, NULL, hi, x, ch) == WS_ERR_NUM);
    CHECK(mmm_plan(m, -1, 1, NULL, NULL, x, ch) == WS_ERR_NUM);
    mmm_free(m);
}

static void
test_degenerate(void)
{
    double y[N], X[2 * N], contrib[2];
    simulate_data(y, X, contrib, 5.0, 13);
    mmm_kind spend2[2] = {MMM_SPEND, MMM_SPEND};
    mmm_model *m = NULL;
    double Xc[2 * N];
    memcpy(Xc, X, sizeof Xc);
    for (size_t t = 0; t < N; t++)
        Xc[2 * t + 1] = 7;
    CHECK(mmm_fit(y, Xc, N, 2, spend2, NULL, &m) == WS_ERR_NUM && m == NULL);
    for (size_t t = 0; t < N; t++)
        Xc[2 * t + 1] = 0;
    CHECK(mmm_fit(y, Xc, N, 2, spend2, NULL, &m) == WS_ERR_NUM && m == NULL);
    memcpy(Xc, X, sizeof Xc);
    Xc[2 * 5] = NAN;
    CHECK(mmm_fit(y, Xc, N, 2, spend2, NULL, &m) == WS_ERR_NA);
    Xc[2 * 5] = -1;
    CHECK(mmm_fit(y, Xc, N, 2, spend2, NULL, &m) == WS_ERR_NUM);
    /* More levers than periods. */
    CHECK(mmm_fit(y, X, 10, 2, spend2, NULL, &m) == WS_ERR_NA);
    CHECK(mmm_fit(y, X, 5, 2, spend2, NULL, &m) == WS_ERR_NA);
    /* Price: needs positive prices and a positive KPI. */
    mmm_kind price[2] = {MMM_SPEND, MMM_PRICE};
    memcpy(Xc, X, sizeof Xc);
    for (size_t t = 0; t < N; t++)
        Xc[2 * t + 1] = t % 3 ? 10 : 0;
    CHECK(mmm_fit(y, Xc, N, 2, price, NULL, &m) == WS_ERR_NUM);
    double yn[N];
    for (size_t t = 0; t < N; t++) {
        Xc[2 * t + 1] = 10 + (double)(t % 5);
        yn[t] = y[t] - 1300;
    }
    CHECK(mmm_fit(yn, Xc, N, 2, price, NULL, &m) == WS_ERR_NUM);
    /* Constant KPI. */
    for (size_t t = 0; t < N; t++)
        yn[t] = 4;
    CHECK(mmm_fit(yn, X, N, 2, spend2, NULL, &m) == WS_ERR_NUM);
    /* Blank KPI weeks: interior gaps are interpolated, a blank end is an error. */
    memcpy(yn, y, sizeof yn);
    yn[40] = yn[41] = NAN;
    CHECK_OK(mmm_fit(yn, X, N, 2, spend2, NULL, &m));
    if (m)
        CHECK_NEAR(m->y[40], y[39] + (y[42] - y[39]) / 3, 1e-9);
    mmm_free(m);
    m = NULL;
    yn[N - 1] = NAN;
    CHECK(mmm_fit(yn, X, N, 2, spend2, NULL, &m) == WS_ERR_NA);
}

static void
test_price(void)
{
    /* Log-log price effect: y = 1000 (p / 10)^-1.5 approximately around the mean, plus a
     * spend lever. */
    double y[N], X[2 * N];
    rng r;
    rng_seed(&r, 21);
    for (size_t t = 0; t < N; t++) {
        X[2 * t] = 100 * rng_uniform(&r);
        X[2 * t + 1] = 10 * exp(0.1 * rng_normal(&r));
        y[t] = 1000 - 1000 * 1.5 * log(X[2 * t + 1] / 10) + 50 * sat(X[2 * t] / 50, 1) +
               5 * rng_normal(&r);
    }
    mmm_kind kinds[2] = {MMM_SPEND, MMM_PRICE};
    mmm_model *m = fit_period(y, X, N, 2, kinds);
    if (!m)
        return;
    double ym = 0;
    for (size_t t = 0; t < N; t++)
        ym += y[t] / N;
    CHECK_NEAR(m->elasticity[1], -1.5 * 1000 / ym, 0.1);
    CHECK(isnan(m->elasticity[0]));
    mmm_free(m);
}

/* min 1/2 x'Ax - b'x, x >= 0 on flagged entries, by enumerating every active set. */
static double
qp_brute(const double *A, const double *b, size_t p, const unsigned char *nn, double *best_x)
{
    double best = HUGE_VAL;
    for (unsigned mask = 0; mask < (1u << p); mask++) {
        bool skip = false;
        for (size_t j = 0; j < p; j++)
            if (!nn[j] && !(mask & (1u << j)))
                skip = true;
        if (skip)
            continue;
        /* Solve on the free set by Gaussian elimination. */
        double M[8][9];
        size_t idx[8], m = 0;
        for (size_t j = 0; j < p; j++)
            if (mask & (1u << j))
                idx[m++] = j;
        for (size_t i = 0; i < m; i++) {
            for (size_t j = 0; j < m; j++)
                M[i][j] = A[idx[i] * p + idx[j]];
            M[i][m] = b[idx[i]];
        }
        for (size_t c = 0; c < m; c++)
            for (size_t i = c + 1; i < m; i++) {
                double f = M[i][c] / M[c][c];
                for (size_t j = c; j <= m; j++)
                    M[i][j] -= f * M[c][j];
            }
        double x[8] = {0}, z[8];
        for (size_t i = m; i-- > 0;) {
            double s = M[i][m];
            for (size_t j = i + 1; j < m; j++)
                s -= M[i][j] * z[j];
            z[i] = s / M[i][i];
        }
        for (size_t i = 0; i < m; i++) {
            if (nn[idx[i]] && z[i] < 0)
                skip = true;
            x[idx[i]] = z[i];
        }
        if (skip)
            continue;
        double f = 0;
        for (size_t i = 0; i < p; i++) {
            double ax = 0;
            for (size_t j = 0; j < p; j++)
                ax += A[i * p + j] * x[j];
            f += 0.5 * x[i] * ax - b[i] * x[i];
        }
        if (f < best) {
            best = f;
            memcpy(best_x, x, p * sizeof *x);
        }
    }
    return best;
}

static void
test_qp(void)
{
    rng r;
    rng_seed(&r, 99);
    for (int trial = 0; trial < 200; trial++) {
        size_t p = 2 + (size_t)trial % 5, n = 12;
        double D[12 * 6], y[12], A[36], b[6], x[6], xb[6];
        unsigned char nn[6];
        for (size_t i = 0; i < n * p; i++)
            D[i] = rng_normal(&r);
        for (size_t i = 0; i < n; i++)
            y[i] = rng_normal(&r);
        for (size_t j = 0; j < p; j++)
            nn[j] = rng_uniform(&r) < 0.7;
        linalg_gram_cols(D, n, n, p, y, A, b);
        CHECK_OK(linalg_qp_nonneg(A, b, p, nn, x));
        qp_brute(A, b, p, nn, xb);
        for (size_t j = 0; j < p; j++)
            CHECK_NEAR(x[j], xb[j], 1e-9);
    }
}

/* P(p_B > p_A) by quadrature: integral of f_B(y) F_A(y) dy on a fine grid. */
static double
prob_quadrature(double ca, double na, double cb, double nb)
{
    size_t G = 200000;
    double a1 = ca + 1, b1 = na - ca + 1, a2 = cb + 1, b2 = nb - cb + 1;
    double la = lgamma(a1 + b1) - lgamma(a1) - lgamma(b1);
    double lb = lgamma(a2 + b2) - lgamma(a2) - lgamma(b2);
    double FA = 0, P = 0, h = 1.0 / (double)G, prev_fa = 0;
    for (size_t i = 1; i < G; i++) {
        double x = (double)i * h;
        double fa = exp(la + (a1 - 1) * log(x) + (b1 - 1) * log1p(-x));
        double fb = exp(lb + (a2 - 1) * log(x) + (b2 - 1) * log1p(-x));
        FA += 0.5 * (fa + prev_fa) * h;
        prev_fa = fa;
        P += fb * FA * h;
    }
    return P;
}

static void
test_abtest(void)
{
    const double cases[][4] = {{120, 1000, 150, 1000}, {3, 20, 1, 25}, {0, 10, 0, 10},
                               {480, 5000, 530, 5200}, {7, 7, 0, 3}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const double *c = cases[i];
        abtest_result r, r2;
        CHECK_OK(abtest_run(c[0], c[1], c[2], c[3], 0.95, &r));
        CHECK_NEAR(r.p_b_beats_a, prob_quadrature(c[0], c[1], c[2], c[3]), 2e-4);
        /* Symmetry: P(B > A) + P(A > B) = 1. */
        CHECK_OK(abtest_run(c[2], c[3], c[0], c[1], 0.95, &r2));
        CHECK_NEAR(r.p_b_beats_a + r2.p_b_beats_a, 1.0, 1e-9);
        CHECK(r.lift_lower < r.lift && r.lift < r.lift_upper);
        CHECK_NEAR(r.lift, ((c[2] + 1) / (c[3] + 2)) / ((c[0] + 1) / (c[1] + 2)) - 1, 1e-12);
        CHECK_OK(abtest_run(c[0], c[1], c[2], c[3], 0.95, &r2));
        CHECK(memcmp(&r, &r2, sizeof r) == 0);
    }
    /* Equal data: exactly one half. */
    abtest_result r;
    CHECK_OK(abtest_run(40, 400, 40, 400, 0.9, &r));
    CHECK_NEAR(r.p_b_beats_a, 0.5, 1e-9);
    /* Large counts take the normal approximation path only beyond 1e7 terms; 2e5 is exact. */
    CHECK_OK(abtest_run(200000, 1000000, 201000, 1000000, 0.95, &r));
    CHECK_NEAR(r.p_b_beats_a, 0.9614, 0.002); /* normal approximation: z = 1.767 */
    CHECK(abtest_run(11, 10, 1, 10, 0.95, &r) == WS_ERR_NUM);
    CHECK(abtest_run(1.5, 10, 1, 10, 0.95, &r) == WS_ERR_NUM);
    CHECK(abtest_run(1, 0, 1, 10, 0.95, &r) == WS_ERR_NUM);
    CHECK(abtest_run(1, 10, 1, 10, 1.0, &r) == WS_ERR_NUM);
}

/* A delayed carry-over peak (weights 0.5^|i - 2|, TV-like) is found, and a geometric one is
 * not mistaken for a delay. */
static void
test_delayed_peak(void)
{
    double y[N], X[2 * N], w[MMM_LAGS], ws = 0, mean[2] = {0, 0};
    rng r;
    rng_seed(&r, 31);
    for (size_t i = 0; i < MMM_LAGS; i++) {
        w[i] = pow(0.5, fabs((double)i - 2.0));
        ws += w[i];
    }
    for (size_t t = 0; t < N; t++)
        for (size_t j = 0; j < 2; j++) {
            X[2 * t + j] = rng_uniform(&r) < 0.4 ? 0 : 100 * rng_uniform(&r);
            mean[j] += X[2 * t + j] / N;
        }
    for (size_t t = 0; t < N; t++) {
        double a = 0, g = 0, gw = 0, pw = 1;
        for (size_t i = 0; i < MMM_LAGS && i <= t; i++)
            a += w[i] / ws * X[2 * (t - i)] / mean[0];
        for (size_t i = 0; i < MMM_LAGS; i++, pw *= 0.3)
            gw += pw;
        pw = 1;
        for (size_t i = 0; i < MMM_LAGS && i <= t; i++, pw *= 0.3)
            g += pw / gw * X[2 * (t - i) + 1] / mean[1];
        y[t] = 800 + 200 * sat(a, 1.0) + 100 * sat(g, 1.5) + 4 * rng_normal(&r);
    }
    mmm_kind kinds[2] = {MMM_SPEND, MMM_SPEND};
    mmm_model *m = fit_period(y, X, N, 2, kinds);
    if (!m)
        return;
    CHECK_NEAR(m->peak[0], 2.0, 0);
    CHECK_NEAR(m->rate[0], 0.5, 0.1);
    CHECK_NEAR(m->peak[1], 0.0, 0);
    CHECK_NEAR(m->rate[1], 0.3, 0.05);
    mmm_free(m);
}

/* Spend that follows demand: x1 rises with the season and with a spiky driver z; y
 * depends on z too.  Without z among the levers the model must warn; with z as a control
 * it must not, and its estimate must then be close to the truth. */
/* Three spend levers that move together (a shared weekly budget split with noise; pairwise
 * correlation about 0.8) with different returns, simulated from known curves.  With weeks
 * of low budget in the history, the returns are recovered (each within 25%, inside its
 * 90% interval, ranked right) and no warning is given.  With always-on spend (0.6..1.4 x
 * the level, the shape of many real budgets) the same levers draw the extrapolation
 * warning, since the history then cannot measure their returns. */
static void
correlated_data(bool low_weeks, uint64_t seed, double *y, double *X, double *roi)
{
    static const double rate[3] = {0.3, 0.5, 0.1}, half[3] = {1.0, 2.0, 0.6};
    static const double beta[3] = {200, 100, 60}, scale[3] = {100, 50, 30};
    rng r;
    rng_seed(&r, seed);
    double mean[3] = {0, 0, 0}, contrib[3] = {0, 0, 0}, spent[3] = {0, 0, 0};
    for (size_t t = 0; t < N; t++) {
        double budget = low_weeks && rng_uniform(&r) < 0.2 ? 0.1 * rng_uniform(&r)
                                                           : 0.6 + 0.8 * rng_uniform(&r);
        for (size_t j = 0; j < 3; j++) {
            X[t * 3 + j] = scale[j] * budget * (0.8 + 0.4 * rng_uniform(&r));
            mean[j] += X[t * 3 + j] / N;
        }
    }
    for (size_t t = 0; t < N; t++) {
        double v = 1000 + 50.0 * (double)t / N + 60 * sin(2 * M_PI * (double)t / PERIOD);
        for (size_t j = 0; j < 3; j++) {
            double w = 0, a = 0, pw = 1;
            for (size_t i = 0; i < MMM_LAGS; i++, pw *= rate[j])
                w += pw;
            pw = 1;
            for (size_t i = 0; i < MMM_LAGS && i <= t; i++, pw *= rate[j])
                a += pw / w * X[(t - i) * 3 + j] / mean[j];
            double c = beta[j] * sat(a, half[j]);
            contrib[j] += c;
            spent[j] += X[t * 3 + j];
            v += c;
        }
        y[t] = v + 8 * rng_normal(&r);
    }
    for (size_t j = 0; j < 3; j++)
        roi[j] = contrib[j] / spent[j];
}

static void
test_correlated(void)
{
    double y[N], X[3 * N], roi_true[3];
    mmm_kind kinds[3] = {MMM_SPEND, MMM_SPEND, MMM_SPEND};
    correlated_data(true, 41, y, X, roi_true);
    double cm[3] = {0, 0, 0}, cv[3][3] = {{0}};
    for (size_t t = 0; t < N; t++)
        for (size_t j = 0; j < 3; j++)
            cm[j] += X[t * 3 + j] / N;
    for (size_t t = 0; t < N; t++)
        for (size_t a = 0; a < 3; a++)
            for (size_t b = 0; b < 3; b++)
                cv[a][b] += (X[t * 3 + a] - cm[a]) * (X[t * 3 + b] - cm[b]);
    CHECK(cv[0][1] / sqrt(cv[0][0] * cv[1][1]) > 0.7); /* the levers do move together */
    mmm_model *m = fit_period(y, X, N, 3, kinds);
    if (!m)
        return;
    double tot[4], share[4], roi[4], lo[3], hi[3];
    mmm_contributions(m, tot, share, roi);
    CHECK(mmm_roi_interval(m, 1.0, 1000, 3, lo, hi) == WS_ERR_NUM && isnan(lo[0]));
    CHECK_OK(mmm_roi_interval(m, 0.9, 1000, 3, lo, hi));
    for (size_t j = 0; j < 3; j++) {
        CHECK_NEAR(roi[j] / roi_true[j], 1.0, 0.25);
        CHECK(lo[j] <= roi_true[j] && roi_true[j] <= hi[j]);
        CHECK(lo[j] <= roi[j] && roi[j] <= hi[j]);
    }
    CHECK((roi[0] > roi[1]) == (roi_true[0] > roi_true[1]) &&
          (roi[1] > roi[2]) == (roi_true[1] > roi_true[2]) &&
          (roi[0] > roi[2]) == (roi_true[0] > roi_true[2]));
    CHECK(m->warning[0] == '\0');
    mmm_free(m);

    correlated_data(false, 41, y, X, roi_true);
    m = fit_period(y, X, N, 3, kinds);
    if (!m)
        return;
    CHECK(strstr(m->warning, "is an extrapolation") != NULL);
    CHECK(strstr(m->warning, "of levers ") != NULL); /* two or more named */
    mmm_free(m);
}

static void
test_confounding(void)
{
    double y[N], X3[3 * N], X2[2 * N], truth = 0, spent = 0;
    rng r;
    rng_seed(&r, 77);
    for (size_t t = 0; t < N; t++) {
        double season = sin(2 * M_PI * (double)t / PERIOD);
        double z = rng_uniform(&r) < 0.15 ? 1 + rng_uniform(&r) : 0.1 * rng_uniform(&r);
        double x1 = fmax(0.0, 1 + 0.5 * season + 0.6 * z + 0.2 * rng_normal(&r));
        double x2 = rng_uniform(&r);
        double c1 = 60 * x1;
        truth += c1;
        spent += x1;
        y[t] = 500 + 40 * season + 80 * z + c1 + 30 * x2 + 3 * rng_normal(&r);
        X3[3 * t] = X2[2 * t] = x1;
        X3[3 * t + 1] = X2[2 * t + 1] = x2;
        X3[3 * t + 2] = z;
    }
    mmm_kind kinds[3] = {MMM_SPEND, MMM_SPEND, MMM_CONTROL};
    mmm_model *a = fit_period(y, X2, N, 2, kinds), *b = fit_period(y, X3, N, 3, kinds);
    if (!a || !b)
        return;
    CHECK(a->warning[0] != '\0' && a->suspect == 0);
    CHECK(b->warning[0] == '\0' && b->suspect == 3);
    double tot[4], share[4], roi[4];
    mmm_contributions(b, tot, share, roi);
    CHECK_NEAR(roi[0] / (truth / spent), 1.0, 0.15);
    mmm_contributions(a, tot, share, roi);
    CHECK(roi[0] / (truth / spent) > 1.2); /* the bias the warning is about */
    mmm_free(a);
    mmm_free(b);
}

/* One failed allocation anywhere in a fit, a simulation or a plan: a clean error (or, where
 * the failure hits a trial regression of the search, a finished fit), never a crash or a
 * leak (the sanitizer build checks leaks). */
static void
test_alloc_failures(void)
{
    double y[N], X[2 * N], contrib[2];
    simulate_data(y, X, contrib, 5.0, 17);
    mmm_kind kinds[2] = {MMM_SPEND, MMM_SPEND};
    mmm_options o;
    mmm_options_default(&o);
    o.period = PERIOD;
    size_t failed = 0;
    for (long i = 0; i < 60; i++) {
        mmm_model *m = NULL;
        mem_fail_after(i, 0);
        ws_status st = mmm_fit(y, X, N, 2, kinds, &o, &m);
        mem_fail_after(-1, 0);
        CHECK((st == WS_OK) == (m != NULL));
        failed += st != WS_OK;
        if (!m)
            continue;
        double scen[4] = {10, 10, 10, 10}, mean[2], lo[2], hi[2], sp[2], ch[3];
        mem_fail_after(i % 4, 0);
        st = mmm_simulate(m, scen, 2, 0.9, 100, 1, mean, lo, hi);
        mem_fail_after(-1, 0);
        CHECK(st == WS_OK || st == WS_ERR_NOMEM);
        mem_fail_after(i % 4, 0);
        st = mmm_plan(m, 100, 1, NULL, NULL, sp, ch);
        mem_fail_after(-1, 0);
        CHECK(st == WS_OK || st == WS_ERR_NOMEM);
        mmm_free(m);
    }
    CHECK(failed >= 10); /* the setup allocations did fail and were reported */
}

int
main(void)
{
    test_alloc_failures();
    test_confounding();
    test_correlated();
    test_delayed_peak();
    test_qp();
    test_recovery();
    test_coverage();
    test_scale_invariance();
    test_planner();
    test_degenerate();
    test_price();
    test_abtest();
    return check_summary("simulate");
}
