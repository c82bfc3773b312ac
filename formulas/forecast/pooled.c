/* What the forecast job learns across many series: a pooled model, interval widths and
 * which model suits them.
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
 * fc_cross_calibrate sets the intervals' widths from how the same forecasts fared on the
 * series' own last h values (split conformal prediction, the series as exchangeable
 * draws): one factor per step ahead, the `level` quantile of error / half-width.
 *
 * fc_cross_select uses the same last h values to choose between auto's combination and
 * each of its parts alone (validation across series).
 *
 * All three were chosen on the training holdouts of the benchmark sets only (fc_tune). */
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

typedef struct pool_series {
    double *x; /* cleaned values (NULL: left out) */
    size_t n;
} pool_series;

/* fc_clean, except that a series without numbers is not an error: *x is NULL then. */
static ws_status
pool_clean(const double *y, size_t n, double **x, size_t *len)
{
    ws_status st = fc_clean(y, n, x, len);
    if (st == WS_ERR_NOMEM)
        return st;
    if (st) {
        diag_clear();
        *x = NULL;
        *len = 0;
    }
    return WS_OK;
}

size_t
fc_common_period(const size_t *periods, size_t count)
{
    enum { SLOTS = 16 }; /* distinct periods counted; rarer ones arriving later are not */
    size_t value[SLOTS], votes[SLOTS], used = 0;
    for (size_t i = 0; i < count; i++) {
        size_t k = 0;
        while (k < used && value[k] != periods[i])
            k++;
        if (k == used) {
            if (used == SLOTS)
                continue;
            value[used] = periods[i];
            votes[used++] = 0;
        }
        votes[k]++;
    }
    size_t best = 0, best_votes = 0;
    for (size_t k = 0; k < used; k++)
        if (votes[k] > best_votes || (votes[k] == best_votes && value[k] < best)) {
            best = value[k];
            best_votes = votes[k];
        }
    return best;
}

double
fc_pool_weight(size_t period)
{
    /* The mean OWA over the training holdouts of the benchmark sets (the last h values of
     * every training series held out, the rest forecast and pooled; no test file) was
     * lowest at 0.45 for the eight seasonal sets (M3, M1 and Tourism monthly and
     * quarterly, M4 weekly and hourly: 0.850 alone, 0.804 blended; weights 0.15-0.75
     * tried) and at 0.15 for the four yearly and "other" ones (0.816 alone, 0.797).
     * Since auto gained temporal hierarchies, 0.30 is best for the seasonal sets (the
     * job's holdout mean over M3, M1, Tourism monthly and quarterly and M4 hourly: 0.7759
     * at 0.15, 0.7699 at 0.30, 0.7725 at 0.45), and 0.15 stays for the others. */
    return period >= 2 ? 0.30 : 0.15;
}

/* The window of L values ending before t (padded with the series' first value where it
 * starts later), and its scale: the mean of its last `season` values. */
static double
pool_window(const double *x, size_t t, size_t L, size_t season, double *w)
{
    for (size_t k = 0; k < L; k++)
        w[k] = t + k >= L ? x[t + k - L] : x[0];
    double s = 0.0;
    for (size_t k = L - season; k < L; k++)
        s += w[k];
    return s / (double)season;
}

/* One model with L lags: coefficients B ((L+1)×h: intercept row first).  WS_ERR_NA when
 * the windows are too few for L. */
static ws_status
pool_fit(const pool_series *ps, size_t count, size_t L, size_t season, size_t h, double *B)
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
    double *w = mem_alloc(L * sizeof *w);
    ws_status st = WS_OK;
    if (!A || !Z || !T || !w) {
        st = diag_nomem();
        goto done;
    }
    memset(B, 0, p * h * sizeof *B);
    size_t rows = 0, used = 0, seen = 0;
    for (size_t i = 0; i < count; i++) {
        const double *x = ps[i].x;
        if (!x)
            continue;
        for (size_t t = 1; t + h <= ps[i].n; t++, seen++) {
            if (seen % stride)
                continue;
            double s = pool_window(x, t, L, season, w);
            double *z = Z + rows * p, *tg = T + rows * h;
            z[0] = 1.0;
            for (size_t k = 0; k < L; k++)
                z[k + 1] = log(w[k] / s);
            for (size_t j = 0; j < h; j++)
                tg[j] = log(x[t + j] / s);
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
    mem_free(w);
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
    pool_series *ps = mem_calloc(count ? count : 1, sizeof *ps);
    double *B = mem_alloc((Lmax + 1) * h * sizeof *B);
    double *w = mem_alloc(Lmax * sizeof *w);
    double *sum = mem_calloc(count ? count * h : 1, sizeof *sum);
    ws_status st = WS_OK;
    size_t usable = 0;
    if (!ps || !B || !w || !sum) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        double *x = NULL;
        size_t len = 0;
        if ((st = pool_clean(y[i], n[i], &x, &len)))
            goto done;
        if (!x)
            continue; /* no numbers: nothing to learn from or to forecast */
        bool positive = len >= 3;
        for (size_t t = 0; t < len && positive; t++)
            positive = x[t] > 0.0 && isfinite(x[t]);
        if (!positive) {
            mem_free(x);
            continue;
        }
        ps[i].x = x;
        ps[i].n = len;
        usable++;
    }
    diag_clear();
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
            double s = pool_window(ps[i].x, ps[i].n, L, sw, w);
            for (size_t j = 0; j < h; j++) {
                double v = B[j];
                for (size_t q = 0; q < L; q++)
                    v += B[(q + 1) * h + j] * log(w[q] / s);
                sum[i * h + j] += s * exp(v);
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
    for (size_t i = 0; ps && i < count; i++)
        mem_free(ps[i].x);
    mem_free(ps);
    mem_free(B);
    mem_free(w);
    mem_free(sum);
    return st;
}

void
fc_blend_pooled(fc_result *res, const double *pooled, double weight)
{
    for (size_t j = 0; j < res->horizon; j++)
        if (!isfinite(pooled[j]))
            return; /* a series the pooled model left out keeps its own forecast */
    for (size_t j = 0; j < res->horizon; j++) {
        double shift = weight * (pooled[j] - res->mean[j]);
        res->mean[j] += shift;
        if (res->lower) {
            res->lower[j] += shift;
            res->upper[j] += shift;
        }
    }
    size_t len = strlen(res->model);
    snprintf(res->model + len, sizeof res->model - len, " + pooled AR");
}

/* Evenly spaced series for the calibration, at most this many: 500 ratios per step give
 * the 95% quantile to about +-1% of coverage, at a fixed cost. */
#define CALIB_MAX_SERIES 500

void
fc_scale_interval(fc_result *res, const double *factor)
{
    if (!res->lower)
        return;
    for (size_t j = 0; j < res->horizon; j++) {
        res->lower[j] = res->mean[j] - factor[j] * (res->mean[j] - res->lower[j]);
        res->upper[j] = res->mean[j] + factor[j] * (res->upper[j] - res->mean[j]);
    }
}

ws_status
fc_cross_calibrate(const double *const *y, const size_t *n, size_t count, const fc_spec *spec,
                   bool pool, size_t pool_period, double *factor)
{
    size_t h = spec->horizon;
    for (size_t j = 0; j < h; j++)
        factor[j] = 1.0;
    if (!(spec->level > 0.0) || count < FC_CALIB_MIN_SERIES)
        return WS_OK;
    size_t picks = count < CALIB_MAX_SERIES ? count : CALIB_MAX_SERIES;
    double **xs = mem_calloc(picks, sizeof *xs);
    size_t *lens = mem_calloc(picks, sizeof *lens);
    fc_result *res = mem_calloc(picks, sizeof *res);
    double *pooled = mem_alloc(picks * h * sizeof *pooled);
    double *ratios = mem_alloc(picks * h * sizeof *ratios);
    ws_status st = WS_OK;
    if (!xs || !lens || !res || !pooled || !ratios) {
        st = diag_nomem();
        goto done;
    }
    /* Forecast each picked series from h values before its end. */
    size_t used = 0;
    for (size_t k = 0; k < picks; k++) {
        size_t i = k * count / picks;
        double *x = NULL;
        size_t len = 0;
        if ((st = pool_clean(y[i], n[i], &x, &len)))
            goto done;
        if (len < 2 * h + 3) {
            mem_free(x);
            continue;
        }
        ws_status fs = fc_forecast(x, len - h, spec, &res[used]);
        if (fs == WS_ERR_NOMEM) {
            mem_free(x);
            st = fs;
            goto done;
        }
        if (fs) {
            mem_free(x);
            continue;
        }
        xs[used] = x;
        lens[used++] = len - h;
    }
    diag_clear();
    if (used < FC_CALIB_MIN_SERIES)
        goto done;
    if (pool) {
        ws_status ps = fc_pooled((const double *const *)xs, lens, used, pool_period, h, pooled);
        if (ps == WS_ERR_NOMEM) {
            st = ps;
            goto done;
        }
        for (size_t k = 0; ps == WS_OK && k < used; k++)
            fc_blend_pooled(&res[k], pooled + k * h, fc_pool_weight(pool_period));
        diag_clear();
    }
    /* Ratio of each error to the interval's half-width on its side, per step. */
    for (size_t j = 0; j < h; j++) {
        size_t m = 0;
        double *r = ratios + j * used;
        for (size_t k = 0; k < used; k++) {
            double a = xs[k][lens[k] + j], c = res[k].mean[j];
            double d = a >= c ? res[k].upper[j] - c : c - res[k].lower[j];
            if (d > 0.0 && isfinite(a - c))
                r[m++] = fabs(a - c) / d;
        }
        if (m < FC_CALIB_MIN_SERIES)
            continue;
        /* The ceil(level (m + 1))-th smallest: split conformal's finite-sample quantile. */
        size_t q = (size_t)ceil(spec->level * (double)(m + 1));
        factor[j] = fc_select_kth(r, m, (q > m ? m : q) - 1);
    }
done:
    for (size_t k = 0; xs && res && k < picks; k++) {
        mem_free(xs[k]);
        fc_result_clear(&res[k]);
    }
    mem_free(xs);
    mem_free(lens);
    mem_free(res);
    mem_free(pooled);
    mem_free(ratios);
    return st;
}

#define SELECT_MAX_SERIES 200

ws_status
fc_cross_select(const double *const *y, const size_t *n, size_t count, const fc_spec *spec,
                unsigned *parts)
{
    static const unsigned cand[] = {FC_AUTO_PARTS, FC_PART_THETA, FC_PART_DOTM, FC_PART_CES,
                                    FC_PART_ARIMA};
    enum { NC = sizeof cand / sizeof cand[0] };
    size_t h = spec->horizon;
    *parts = FC_AUTO_PARTS;
    if (spec->method != FC_AUTO || count < FC_CALIB_MIN_SERIES)
        return WS_OK;
    fc_spec point = *spec;
    point.level = 0.0; /* point forecasts are all the score needs */
    size_t picks = count < SELECT_MAX_SERIES ? count : SELECT_MAX_SERIES, used = 0;
    double smape[NC] = {0}, mase[NC] = {0};
    for (size_t k = 0; k < picks; k++) {
        double *x = NULL;
        size_t len = 0;
        ws_status st = pool_clean(y[k * count / picks], n[k * count / picks], &x, &len);
        if (st)
            return st;
        if (len < 2 * h + 3) {
            mem_free(x);
            continue;
        }
        size_t nt = len - h;
        double scale = 0.0;
        for (size_t t = 1; t < nt; t++)
            scale += fabs(x[t] - x[t - 1]) / (double)(nt - 1);
        double s[NC], m[NC];
        bool ok = scale > 0.0;
        for (size_t c = 0; ok && c < NC; c++) {
            fc_result r;
            st = fc_forecast_parts(x, nt, &point, cand[c], &r);
            if (st) {
                ok = false;
                break;
            }
            s[c] = m[c] = 0.0;
            for (size_t j = 0; j < h; j++) {
                double a = x[nt + j], f = r.mean[j], d = fabs(a) + fabs(f);
                s[c] += d > 0.0 ? 2.0 * fabs(a - f) / d : 0.0;
                m[c] += fabs(a - f) / scale;
            }
            fc_result_clear(&r);
        }
        mem_free(x);
        if (st == WS_ERR_NOMEM)
            return st;
        if (!ok)
            continue;
        for (size_t c = 0; c < NC; c++) {
            smape[c] += s[c];
            mase[c] += m[c];
        }
        used++;
    }
    diag_clear();
    if (used < FC_CALIB_MIN_SERIES || !(smape[0] > 0.0) || !(mase[0] > 0.0))
        return WS_OK;
    double best = FC_SELECT_MARGIN;
    for (size_t c = 1; c < NC; c++) {
        double score = 0.5 * (smape[c] / smape[0] + mase[c] / mase[0]);
        if (score < best) {
            best = score;
            *parts = cand[c];
        }
    }
    return WS_OK;
}
