/* The pooled model: one linear autoregression learned across many series.
 *
 * A model fitted to one series learns from that series alone; the series of one table
 * share much (seasons, reactions to the same calendar, shapes of growth).  fc_pooled fits
 * one linear model on the windows of all of them, as in Montero-Manso & Hyndman (2021),
 * "Principles and algorithms for forecasting groups of time series: locality and
 * globality", IJF 37:1632-1653.  Each window of L values is taken in logs relative to the
 * mean of its last season (so series of any size share one model), and each of the next h
 * values, in the same units, is regressed on them (direct, one ridge regression per step,
 * solved together).  The forecast is the mean of POOL_MODELS such models with 1 to 4
 * seasons of lags.  Series with a value <= 0 have no logs and are left out.
 *
 * Chosen on the training holdouts of the benchmark sets only (fc_tune). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "forecast/fc_internal.h"
#include "forecast/forecast.h"
#include "num/linalg.h"

#define POOL_MODELS 4
#define POOL_MAX_LAGS 120
/* Ridge penalty per window on the lag weights (not the intercept): 0.01 was best of
 * 1e-4..1 on the M3 monthly holdout, and flat between 1e-3 and 1e-2. */
#define POOL_LAMBDA 0.01
/* Windows kept at most, spread evenly over the series' windows (the fit is linear in
 * their number: 400,000 windows of 121 lags take about a second). */
#define POOL_MAX_WINDOWS 400000
#define POOL_BLOCK 256

/* The window of L values ending before t (padded with the series' first value where it
 * starts later) in logs relative to its scale, the mean of its last `season` values:
 * z[0..L).  Returns the scale's log.  (The series' logs are taken once: a log per lag
 * and window was most of the fit's time.) */
static double
pool_window(const fc_global_series *ps, size_t t, size_t L, size_t season, double *z)
{
    double s = 0.0;
    for (size_t k = L - season; k < L; k++)
        s += t + k >= L ? ps->x[t + k - L] : ps->x[0];
    double ls = log(s / (double)season);
    for (size_t k = 0; k < L; k++)
        z[k] = (t + k >= L ? ps->lx[t + k - L] : ps->lx[0]) - ls;
    return ls;
}

/* One model with L lags: coefficients B ((L+1)×h: intercept row first).  WS_ERR_NA when
 * the windows are too few for L. */
static ws_status
pool_fit(const fc_global_series *ps, size_t count, size_t L, size_t season, size_t h, double *B)
{
    size_t p = L + 1, total = 0;
    for (size_t i = 0; i < count; i++)
        if (ps[i].x && ps[i].n > h)
            total += ps[i].n - h;
    if (total < 10 * p)
        return diag_fail(WS_ERR_NA, "pooled: %zu windows for %zu lags", total, L);
    size_t stride =
        total > POOL_MAX_WINDOWS ? (total + POOL_MAX_WINDOWS - 1) / POOL_MAX_WINDOWS : 1;
    double *A = mem_calloc(p * p, sizeof *A);
    double *Z = mem_alloc(POOL_BLOCK * p * sizeof *Z);
    double *T = mem_alloc(POOL_BLOCK * h * sizeof *T);
    ws_status st = WS_OK;
    if (!A || !Z || !T) {
        st = diag_nomem();
        goto done;
    }
    memset(B, 0, p * h * sizeof *B);
    size_t rows = 0, used = 0, seen = 0;
    for (size_t i = 0; i < count; i++) {
        if (!ps[i].x)
            continue;
        for (size_t t = 1; t + h <= ps[i].n; t++, seen++) {
            if (seen % stride)
                continue;
            double *z = Z + rows * p, *tg = T + rows * h;
            z[0] = 1.0;
            double ls = pool_window(&ps[i], t, L, season, z + 1);
            for (size_t j = 0; j < h; j++)
                tg[j] = ps[i].lx[t + j] - ls;
            if (++rows == POOL_BLOCK) {
                linalg_normal_add(Z, T, rows, p, h, A, B);
                used += rows;
                rows = 0;
            }
        }
    }
    if (rows)
        linalg_normal_add(Z, T, rows, p, h, A, B);
    used += rows;
    for (size_t k = 1; k < p; k++)
        A[k * p + k] += POOL_LAMBDA * (double)used;
    st = linalg_spd_solve(A, B, p, h);
done:
    mem_free(A);
    mem_free(Z);
    mem_free(T);
    return st;
}

ws_status
fc_pooled(const double *const *y, const size_t *n, size_t count, size_t period, size_t h,
          double *out)
{
    if (h < 1 || h > FC_MAX_HORIZON)
        return diag_fail(WS_ERR_NUM, "pooled: horizon %zu is outside 1..%d", h, FC_MAX_HORIZON);
    for (size_t i = 0; i < count * h; i++)
        out[i] = NAN;
    size_t base = period >= 2 ? period : 3;
    size_t season = period >= 2 ? period : 4;
    size_t Lmax = POOL_MODELS * base < POOL_MAX_LAGS ? POOL_MODELS * base : POOL_MAX_LAGS;
    fc_global_series *ps = mem_calloc(count ? count : 1, sizeof *ps);
    double *B = mem_alloc((Lmax + 1) * h * sizeof *B);
    double *w = mem_alloc(Lmax * sizeof *w);
    double *sum = mem_calloc(count ? count * h : 1, sizeof *sum);
    ws_status st = WS_OK;
    size_t usable = 0;
    if (!ps || !B || !w || !sum) {
        st = diag_nomem();
        goto done;
    }
    if ((st = fc_global_prepare(y, n, count, ps, &usable)))
        goto done;
    if (usable < FC_POOL_MIN_SERIES) {
        st = diag_fail(WS_ERR_NA, "pooled: %zu series with positive values, at least %d needed",
                       usable, FC_POOL_MIN_SERIES);
        goto done;
    }
    size_t models = 0, prevL = 0;
    for (size_t k = 1; k <= POOL_MODELS; k++) {
        size_t L = k * base < POOL_MAX_LAGS ? k * base : POOL_MAX_LAGS;
        if (L == prevL)
            break;
        prevL = L;
        size_t sw = season < L ? season : L;
        ws_status fs = pool_fit(ps, count, L, sw, h, B);
        if (fs == WS_ERR_NOMEM) {
            st = fs;
            goto done;
        }
        if (fs)
            break; /* longer windows have fewer rows still */
        for (size_t i = 0; i < count; i++) {
            if (!ps[i].x)
                continue;
            double ls = pool_window(&ps[i], ps[i].n, L, sw, w);
            for (size_t j = 0; j < h; j++) {
                double v = B[j];
                for (size_t q = 0; q < L; q++)
                    v += B[(q + 1) * h + j] * w[q];
                sum[i * h + j] += exp(ls + v);
            }
        }
        models++;
    }
    if (!models) {
        st = diag_fail(WS_ERR_NA, "pooled: the series are too short to learn from");
        goto done;
    }
    diag_clear();
    for (size_t i = 0; i < count; i++) {
        if (!ps[i].x)
            continue;
        for (size_t j = 0; j < h; j++) {
            double v = sum[i * h + j] / (double)models;
            out[i * h + j] = isfinite(v) ? v : NAN;
        }
    }
done:
    fc_global_free(ps, count);
    mem_free(ps);
    mem_free(B);
    mem_free(w);
    mem_free(sum);
    return st;
}
