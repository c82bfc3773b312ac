/* Gradient-boosted trees learned across many series: the forecast job's second model of
 * the whole table, beside fc_pooled's linear one.
 *
 * Trees see what a linear autoregression cannot: a series that behaves one way near its
 * peak and another after a fall, or small series that move differently from large ones.
 * XGBoost (Chen & Guestrin 2016, "XGBoost: a scalable tree boosting system", KDD; Debian's
 * libxgboost) fits them; this file only makes the windows and runs the forecast.
 *
 * Each window is L values in logs relative to its scale (the mean log of its last season,
 * the last value without one), plus the scale itself (the trees may split on a series'
 * size, which the ratios alone hide, and a split on it is unchanged when every series is
 * multiplied by the same number) and the window's mean absolute change in logs (how
 * noisy it is, which a tree would need many splits to find from the lags).  The target
 * is the next value in the same units, and the forecast runs one step at a time, each
 * step's forecast joining the window (one model instead of one per step: on the M3
 * monthly holdout the recursive model blended with auto did as well as h direct ones, at
 * a twentieth of the time).  Series with a value <= 0 are left out, as in fc_pooled.
 *
 * Settings chosen on the training holdouts of the benchmark sets only (a prototype over
 * the same windows; see bench/forecast/README.md): depth 6, 80% of the rows and columns
 * per tree, at most 20,000 windows (each series' latest), 50 rounds at rate 0.2 (the same
 * job mean holdout OWA as 100 at 0.1, 0.7603 against 0.7601, in half the time).  The
 * noise feature took that mean from 0.7623 to 0.7601; the history's length as a further
 * one, to 0.7671 (M4 weekly 0.785 -> 0.831). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "core/diag.h"
#include "core/mem.h"
#include "forecast/fc_internal.h"
#include "forecast/forecast.h"

#define BOOST_ROUNDS 50
#define BOOST_MAX_WINDOWS 20000
/* ... and at most this many features in all (windows × features): a period of 336
 * (half-hours in a week) has 338 features, so 5,900 windows (the forecast job on 24 such
 * series of 1,400 values, at 100 rounds: 10.3 -> 8.2 s on two cores, most of it XGBoost's
 * search for splits over the 338 features; 5.2 s at 50 rounds; --pool no: 0.8 s).  The benchmark sets have at most 106
 * features, and keep 20,000 windows. */
#define BOOST_MAX_CELLS 2000000
/* Lags: two seasons (one beyond 60), or 6 without a season. */
#define BOOST_PLAIN_LAGS 6
#define BOOST_TWO_SEASONS_UP_TO 60

/* XGBoost logs through its own logger; a library never prints. */
static void
boost_quiet(const char *message)
{
    (void)message;
}

/* XGBoost 1.7 keeps its log callback and verbosity per thread: both are set on the calling
 * thread at each fit (its OpenMP workers keep their own, and log nothing at verbosity 0
 * in what we call). */
static void
boost_silence(void)
{
    XGBRegisterLogCallback(boost_quiet);
    XGBSetGlobalConfig("{\"verbosity\": 0}");
}

/* Whether series s is long enough for L lags (and was kept). */
static bool
boost_fits(const fc_global_series *s, size_t L)
{
    return s->x && s->n > L;
}

static ws_status
boost_error(void)
{
    const char *why = XGBGetLastError();
    if (why && strstr(why, "bad_alloc"))
        return diag_nomem();
    return diag_fail(WS_ERR_NA, "boosted: %s", why ? why : "XGBoost failed");
}

/* Features after the L lags: the scale, the noise. */
#define BOOST_EXTRA 2

/* z[L + 1]: the mean absolute change between the lags z[0..L). */
static void
boost_noise(float *z, size_t L)
{
    double v = 0.0;
    for (size_t k = 1; k < L; k++)
        v += fabs((double)z[k] - (double)z[k - 1]);
    z[L + 1] = (float)(v / (double)(L - 1));
}

/* The window before t (t >= L) in logs relative to the mean log of its last `season`
 * values, then that mean and the noise: z[0..L + 1].  Returns the mean. */
static double
boost_window(const fc_global_series *gs, size_t t, size_t L, size_t season, float *z)
{
    double s = 0.0;
    for (size_t k = t - season; k < t; k++)
        s += gs->lx[k];
    s /= (double)season;
    for (size_t k = 0; k < L; k++)
        z[k] = (float)(gs->lx[t - L + k] - s);
    z[L] = (float)s;
    boost_noise(z, L);
    return s;
}

/* Train on the latest windows of every series in gs with more than L values (of every
 * stride-th such series, one window each, when they are more than the windows allowed). */
static ws_status
boost_train(const fc_global_series *gs, size_t count, size_t L, size_t season,
            size_t threads, BoosterHandle *booster)
{
    size_t eligible = 0;
    for (size_t i = 0; i < count; i++)
        eligible += boost_fits(&gs[i], L);
    if (eligible < FC_POOL_MIN_SERIES)
        return diag_fail(WS_ERR_NA, "boosted: %zu series longer than %zu values, at least %d "
                                    "needed", eligible, L, FC_POOL_MIN_SERIES);
    size_t p = L + BOOST_EXTRA, rows = 0, k = 0;
    size_t most = BOOST_MAX_CELLS / p;
    most = most < BOOST_MAX_WINDOWS ? most : BOOST_MAX_WINDOWS;
    size_t per = most / eligible, stride = per ? 1 : (eligible + most - 1) / most;
    per = per ? per : 1;
    for (size_t i = 0; i < count; i++)
        if (boost_fits(&gs[i], L) && (k++ % stride) == 0)
            rows += gs[i].n - L < per ? gs[i].n - L : per;
    if (rows < 10 * p)
        return diag_fail(WS_ERR_NA, "boosted: %zu windows for %zu lags", rows, L);
    float *X = mem_alloc(rows * p * sizeof *X), *target = mem_alloc(rows * sizeof *target);
    DMatrixHandle train = NULL;
    ws_status st = WS_OK;
    if (!X || !target) {
        st = diag_nomem();
        goto done;
    }
    size_t r = 0;
    k = 0;
    for (size_t i = 0; i < count; i++) {
        if (!boost_fits(&gs[i], L) || (k++ % stride) != 0)
            continue;
        size_t from = gs[i].n - L > per ? gs[i].n - per : L;
        for (size_t t = from; t < gs[i].n; t++, r++)
            target[r] = (float)(gs[i].lx[t] - boost_window(&gs[i], t, L, season, X + r * p));
    }
    char nthread[24];
    snprintf(nthread, sizeof nthread, "%zu", threads);
    const char *params[][2] = {
        {"verbosity", "0"},        {"objective", "reg:squarederror"},
        {"tree_method", "hist"},   {"max_depth", "6"},
        {"eta", "0.2"},            {"subsample", "0.8"},
        {"colsample_bytree", "0.8"}, {"seed", "1"},
        {"nthread", nthread}, /* last: left at XGBoost's default (every core) for 0 */
    };
    size_t nparams = sizeof params / sizeof params[0] - (threads == 0);
    if (XGDMatrixCreateFromMat(X, rows, p, NAN, &train) ||
        XGDMatrixSetFloatInfo(train, "label", target, rows) ||
        XGBoosterCreate(&train, 1, booster)) {
        st = boost_error();
        goto done;
    }
    for (size_t q = 0; q < nparams; q++)
        if (XGBoosterSetParam(*booster, params[q][0], params[q][1])) {
            st = boost_error();
            goto done;
        }
    for (int round = 0; round < BOOST_ROUNDS; round++)
        if (XGBoosterUpdateOneIter(*booster, round, train)) {
            st = boost_error();
            goto done;
        }
done:
    if (st && *booster) {
        XGBoosterFree(*booster);
        *booster = NULL;
    }
    if (train)
        XGDMatrixFree(train);
    mem_free(X);
    mem_free(target);
    return st;
}

/* Forecast h steps for every series with more than L values, one step at a time: out
 * (count × h) gets them, the rest stay NaN. */
static ws_status
boost_forecast(BoosterHandle booster, const fc_global_series *gs, size_t count, size_t L,
               size_t season, size_t h, double *out)
{
    size_t m = 0, p = L + BOOST_EXTRA;
    for (size_t i = 0; i < count; i++)
        m += boost_fits(&gs[i], L);
    float *Z = mem_alloc(m * p * sizeof *Z);
    double *start = mem_alloc(m * sizeof *start), *moved = mem_calloc(m, sizeof *moved);
    size_t *row = mem_alloc(m * sizeof *row);
    ws_status st = WS_OK;
    if (!Z || !start || !moved || !row) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0, k = 0; i < count; i++)
        if (boost_fits(&gs[i], L)) {
            start[k] = boost_window(&gs[i], gs[i].n, L, season, Z + k * p);
            row[k++] = i;
        }
    for (size_t j = 0; j < h; j++) {
        DMatrixHandle d = NULL;
        bst_ulong len = 0;
        const float *f = NULL;
        if (XGDMatrixCreateFromMat(Z, m, p, NAN, &d) ||
            XGBoosterPredict(booster, d, 0, 0, 0, &len, &f) || len != m) {
            st = len != m && f ? diag_fail(WS_ERR_NA, "boosted: %zu forecasts for %zu series",
                                           (size_t)len, m)
                               : boost_error();
            if (d)
                XGDMatrixFree(d);
            goto done;
        }
        for (size_t k = 0; k < m; k++) {
            float *z = Z + k * p;
            double v = exp(start[k] + moved[k] + (double)f[k]);
            out[row[k] * h + j] = isfinite(v) ? v : NAN;
            /* The forecast joins the window, which is taken relative to its new scale. */
            memmove(z, z + 1, (L - 1) * sizeof *z);
            z[L - 1] = f[k];
            double shift = 0.0;
            for (size_t q = L - season; q < L; q++)
                shift += z[q];
            shift /= (double)season;
            for (size_t q = 0; q < L; q++)
                z[q] = (float)(z[q] - shift);
            z[L] = (float)(z[L] + shift);
            boost_noise(z, L);
            moved[k] += shift;
        }
        XGDMatrixFree(d);
    }
done:
    mem_free(Z);
    mem_free(start);
    mem_free(moved);
    mem_free(row);
    return st;
}

ws_status
fc_boosted(const double *const *y, const size_t *n, size_t count, size_t period, size_t h,
           size_t threads, double *out)
{
    if (h < 1 || h > FC_MAX_HORIZON)
        return diag_fail(WS_ERR_NUM, "boosted: horizon %zu is outside 1..%d", h,
                         FC_MAX_HORIZON);
    for (size_t i = 0; i < count * h; i++)
        out[i] = NAN;
    boost_silence();
    size_t L = period < 2                          ? BOOST_PLAIN_LAGS
               : period <= BOOST_TWO_SEASONS_UP_TO ? 2 * period
                                                   : period;
    size_t season = period >= 2 ? period : 1;
    fc_global_series *gs = mem_calloc(count ? count : 1, sizeof *gs);
    BoosterHandle booster = NULL;
    size_t usable; /* boost_train counts those long enough */
    ws_status st = gs ? fc_global_prepare(y, n, count, gs, &usable) : diag_nomem();
    if (!st)
        st = boost_train(gs, count, L, season, threads, &booster);
    if (!st)
        st = boost_forecast(booster, gs, count, L, season, h, out);
    if (booster)
        XGBoosterFree(booster);
    fc_global_free(gs, count);
    mem_free(gs);
    return st;
}
