/* The Theta method as Hyndman & Billah (2003) showed it to be: simple exponential
 * smoothing with a drift of half the least-squares slope, fitted as R's thetaf (SES by
 * least squares, initial level included); plus the classical decomposition and the
 * seasonality test it uses. */
#include <math.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "forecast/fc_internal.h"
#include "num/stats.h"

/* SSE of SES with smoothing `a`, the initial level profiled out: every one-step error is
 * e_t = e0_t - (1-a)^t l0 with e0 the errors from l0 = 0, so the best l0 is a regression
 * coefficient.  Returns the SSE and the best l0 in *l0. */
static double
ses_profile(const double *y, size_t n, double a, double *l0)
{
    double l = 0.0, d = 1.0, sed = 0.0, sdd = 0.0, see = 0.0;
    for (size_t t = 0; t < n; t++) {
        double e0 = y[t] - l;
        see += e0 * e0;
        sed += e0 * d;
        sdd += d * d;
        l += a * e0;
        d *= 1.0 - a;
    }
    double best = sdd > 0.0 ? sed / sdd : 0.0;
    *l0 = best;
    double sse = see - best * sed;
    return sse > 0.0 ? sse : 0.0;
}

ws_status
theta_fit_series(const double *y, size_t n, double *fitted, theta_fit *out)
{
    if (n < 3)
        return diag_fail(WS_ERR_NA, "Theta needs at least 3 values, got %zu", n);
    const double lo_a = 1e-4, hi_a = 0.9999;
    /* A coarse grid, then golden-section search in the bracket around its best point:
     * the profile SSE can have more than one local minimum. */
    enum { GRID = 12 };
    double best_a = lo_a, best_sse = HUGE_VAL, l0 = 0.0;
    for (int i = 0; i <= GRID; i++) {
        double a = lo_a + (hi_a - lo_a) * (double)i / GRID;
        double sse = ses_profile(y, n, a, &l0);
        if (sse < best_sse) {
            best_sse = sse;
            best_a = a;
        }
    }
    double step = (hi_a - lo_a) / GRID;
    double a = best_a - step > lo_a ? best_a - step : lo_a;
    double b = best_a + step < hi_a ? best_a + step : hi_a;
    const double g = 0.6180339887498949;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = ses_profile(y, n, c, &l0), fd = ses_profile(y, n, d, &l0);
    for (int it = 0; it < 40 && b - a > 1e-6; it++) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = ses_profile(y, n, c, &l0);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = ses_profile(y, n, d, &l0);
        }
    }
    double am = (a + b) / 2.0;
    double sse = ses_profile(y, n, am, &l0);
    if (best_sse < sse) {
        am = best_a;
        sse = ses_profile(y, n, am, &l0);
    }
    double l = l0;
    for (size_t t = 0; t < n; t++) {
        if (fitted)
            fitted[t] = l;
        l += am * (y[t] - l);
    }
    /* Drift: half the slope of the least-squares line through (0..n-1, y). */
    double mt = (double)(n - 1) / 2.0, my = 0.0;
    for (size_t t = 0; t < n; t++)
        my += y[t];
    my /= (double)n;
    double sxy = 0.0, sxx = 0.0;
    for (size_t t = 0; t < n; t++) {
        sxy += ((double)t - mt) * (y[t] - my);
        sxx += ((double)t - mt) * ((double)t - mt);
    }
    out->alpha = am;
    out->level = l;
    out->drift = sxx > 0.0 ? sxy / sxx / 2.0 : 0.0;
    /* As ets: sse / (n - number of parameters), alpha and l0. */
    out->sigma2 = sse / (double)(n > 2 ? n - 2 : 1);
    out->n = n;
    if (fitted) {
        /* thetaf's fitted values stay the SES ones (its drift is added to forecasts). */
    }
    return WS_OK;
}

void
theta_forecast(const theta_fit *fit, size_t h, double *mean)
{
    double a = fit->alpha > 1e-10 ? fit->alpha : 1e-10;
    double off = (1.0 - pow(1.0 - a, (double)fit->n)) / a;
    for (size_t i = 0; i < h; i++)
        mean[i] = fit->level + fit->drift * ((double)i + off);
}

double
theta_se(const theta_fit *fit, size_t h)
{
    return sqrt(fit->sigma2 * ((double)(h - 1) * fit->alpha * fit->alpha + 1.0));
}

bool
fc_seasonal_test(const double *y, size_t n, size_t m, double z)
{
    if (m < 2 || n <= 2 * m)
        return false;
    double lo = y[0], hi = y[0];
    for (size_t i = 1; i < n; i++) {
        lo = y[i] < lo ? y[i] : lo;
        hi = y[i] > hi ? y[i] : hi;
    }
    if (hi - lo <= 1e-12 * (fabs(hi) + fabs(lo)))
        return false;
    double acf[ETS_MAX_M * 15];
    double *r = acf;
    if (m > sizeof acf / sizeof acf[0])
        return false;
    stats_acf(y, n, m, r);
    double sum = 0.0;
    for (size_t k = 0; k + 1 < m; k++)
        sum += r[k] * r[k];
    double stat = sqrt((1.0 + 2.0 * sum) / (double)n);
    return fabs(r[m - 1]) / stat > z;
}

ws_status
fc_decompose_se(const double *y, size_t n, size_t m, bool mult, double *idx, double *se2)
{
    double sum[400], ssq[400];
    size_t cnt[400];
    if (m < 2 || m > 400 || n < 2 * m)
        return diag_fail(WS_ERR_NA, "a decomposition needs two full seasons");
    memset(sum, 0, m * sizeof sum[0]);
    memset(cnt, 0, m * sizeof cnt[0]);
    memset(ssq, 0, m * sizeof ssq[0]);
    size_t half = m / 2;
    bool even = m % 2 == 0;
    double win = 0.0;
    /* Running window sum of y[t-half .. t+half] (all m+1 terms when even). */
    for (size_t k = 0; k <= 2 * half && k < n; k++)
        win += y[k];
    for (size_t t = half; t + half < n; t++) {
        double ma = even ? (win - 0.5 * y[t - half] - 0.5 * y[t + half]) / (double)m
                         : win / (double)m;
        double r;
        if (mult) {
            if (!(fabs(ma) > 1e-300))
                return diag_fail(WS_ERR_NA, "a moving average of zero");
            r = y[t] / ma;
        } else {
            r = y[t] - ma;
        }
        sum[t % m] += r;
        ssq[t % m] += r * r;
        cnt[t % m]++;
        if (t + half + 1 < n)
            win += y[t + half + 1] - y[t - half];
    }
    double mean = 0.0;
    for (size_t j = 0; j < m; j++) {
        if (!cnt[j])
            return diag_fail(WS_ERR_NA, "a decomposition needs two full seasons");
        idx[j] = sum[j] / (double)cnt[j];
        mean += idx[j];
    }
    mean /= (double)m;
    if (se2) {
        double v = 0.0;
        size_t used = 0;
        for (size_t j = 0; j < m; j++) {
            if (cnt[j] < 2)
                continue;
            double c = (double)cnt[j];
            double var = (ssq[j] - sum[j] * sum[j] / c) / (c - 1.0);
            v += (var > 0.0 ? var : 0.0) / c;
            used++;
        }
        *se2 = used ? v / (double)used : 0.0;
        if (mult && fabs(mean) > 1e-300)
            *se2 /= mean * mean;
    }
    for (size_t j = 0; j < m; j++) {
        if (mult) {
            if (!(fabs(mean) > 1e-300))
                return diag_fail(WS_ERR_NA, "seasonal indices average to zero");
            idx[j] /= mean;
        } else {
            idx[j] -= mean;
        }
    }
    if (mult) {
        for (size_t j = 0; j < m; j++)
            if (!(fabs(idx[j]) >= 1e-4))
                return diag_fail(WS_ERR_NA, "a seasonal index near zero");
    }
    return WS_OK;
}

ws_status
fc_decompose(const double *y, size_t n, size_t m, bool mult, double *idx)
{
    return fc_decompose_se(y, n, m, mult, idx, NULL);
}

#define CAL_WELL_MEASURED 300
void
theta_calibration(const double *y, size_t n, size_t h, double *k)
{
    theta_fit fit;
    double *lev = NULL, *sum = NULL;
    size_t *cnt = NULL;
    for (size_t i = 0; i < h; i++)
        k[i] = 1.0;
    if (n < 8 || theta_fit_series(y, n, NULL, &fit) != WS_OK)
        return;
    lev = mem_alloc(n * sizeof *lev);
    sum = mem_calloc(h, sizeof *sum);
    cnt = mem_calloc(h, sizeof *cnt);
    if (!lev || !sum || !cnt)
        goto done;
    double a = fit.alpha > 1e-10 ? fit.alpha : 1e-10;
    /* Levels before each observation, from the full-sample parameters and profiled start. */
    double l0 = 0.0;
    {
        double lv = 0.0, d = 1.0, sed = 0.0, sdd = 0.0;
        for (size_t t = 0; t < n; t++) {
            double e0 = y[t] - lv;
            sed += e0 * d;
            sdd += d * d;
            lv += a * e0;
            d *= 1.0 - a;
        }
        l0 = sdd > 0.0 ? sed / sdd : 0.0;
    }
    double l = l0;
    for (size_t t = 0; t < n; t++) {
        lev[t] = l;
        l += a * (y[t] - l);
    }
    for (size_t t0 = n / 3 > 3 ? n / 3 : 3; t0 < n; t0++) {
        double off = (1.0 - pow(1.0 - a, (double)t0)) / a;
        for (size_t i = 1; i <= h && t0 + i - 1 < n; i++) {
            double f = lev[t0] + fit.drift * ((double)(i - 1) + off);
            double e = y[t0 + i - 1] - f;
            double se = theta_se(&fit, i);
            if (se > 0.0) {
                sum[i - 1] += e * e / (se * se);
                cnt[i - 1]++;
            }
        }
    }
    double ts = 0.0;
    size_t tc = 0;
    for (size_t i = 0; i < h; i++) {
        ts += sum[i];
        tc += cnt[i];
    }
    if (tc == 0)
        goto done;
    /* Per step, from the steps with at least 3 errors, never below the pooled ratio, an
     * earlier step's or 1: errors grow with the horizon faster than the SES variance on
     * trending data, and a later step has fewer origins to show it.  A step with
     * CAL_WELL_MEASURED errors or more takes its own ratio, below 1 too: a long series
     * that keeps returning to its seasonal pattern (M4 hourly, 700 values and more) has
     * errors that stop growing while the SES variance grows on.  On the training holdouts
     * at three origins, auto alone: M4 hourly's 95% coverage 0.996 / 0.995 / 0.994 ->
     * 0.971 / 0.971 / 0.952, MSIS 18.3 -> 11.1; geometric mean MSIS over the 36
     * set-origins 17.36 -> 16.66, coverage 0.0410 -> 0.0388 from 0.95 (root mean square);
     * only M4's sets change.  From 100 errors on, Tourism monthly's intervals got too
     * short (coverage 0.941 -> 0.929 at origin 0). */
    double prev = sqrt(ts / (double)tc);
    for (size_t i = 0; i < h; i++) {
        double ki = cnt[i] >= 3 ? sqrt(sum[i] / (double)cnt[i]) : prev;
        bool well = cnt[i] >= CAL_WELL_MEASURED;
        if (!(ki >= prev) && !well)
            ki = prev;
        if (!(ki >= 1.0) && !well)
            ki = 1.0;
        prev = ki;
        k[i] = isfinite(ki) ? ki : 1.0;
    }
done:
    mem_free(lev);
    mem_free(sum);
    mem_free(cnt);
}

/* ----- Dynamic optimised Theta ----- */

/* theta <= 100: the paper leaves theta >= 1 unbounded; on training holdouts 0.99 did as
 * well as 0.9 (mean OWA 0.8387 vs 0.8394) and better than 0.75 (0.8414). */
#define DOTM_W_MAX 0.99

/* One pass of DOTM with smoothing a: the one-step errors are r_t - l0 d_t - w D_t, linear
 * in the initial level l0 and the line weight w, so both are a 2x2 least-squares solve
 * (w kept in [0, DOTM_W_MAX]).  Returns the SSE; with `fit` set, also the final states and
 * fitted values for those l0 and w. */
static double
dotm_pass(const double *y, size_t n, double a, double *fitted, dotm_fit *fit)
{
    double srr = 0.0, srd = 0.0, srD = 0.0, sdd = 0.0, sdD = 0.0, sDD = 0.0;
    double c = 0.0, d = 1.0, ybar = 0.0, A = 0.0, B = 0.0, D = 0.0, q = 1.0 - a;
    for (int pass = 0; pass < (fit ? 2 : 1); pass++) {
        double l0 = 0.0, w = 0.0;
        if (pass == 1) {
            double det = sdd * sDD - sdD * sdD;
            w = det > 1e-12 * sdd * sDD && sDD > 0.0 ? (sdd * srD - sdD * srd) / det : 0.0;
            w = w < 0.0 ? 0.0 : w > DOTM_W_MAX ? DOTM_W_MAX : w;
            l0 = sdd > 0.0 ? (srd - w * sdD) / sdd : 0.0;
            fit->w = w;
            fit->l0 = l0;
        }
        c = 0.0, d = 1.0, ybar = 0.0, A = 0.0, B = 0.0, D = 0.0;
        double sse = 0.0;
        for (size_t i = 0; i < n; i++) {
            double t = (double)(i + 1);
            double r = y[i] - c;
            if (pass == 0) {
                srr += r * r;
                srd += r * d;
                srD += r * D;
                sdd += d * d;
                sdD += d * D;
                sDD += D * D;
            } else {
                double mu = c + l0 * d + w * D;
                if (fitted)
                    fitted[i] = mu;
                sse += (y[i] - mu) * (y[i] - mu);
            }
            c = a * y[i] + q * c;
            d *= q;
            double prev = ybar;
            ybar += (y[i] - ybar) / t;
            B = i == 0 ? 0.0 : ((t - 2.0) * B + 6.0 / t * (y[i] - prev)) / (t + 1.0);
            A = ybar - (t + 1.0) / 2.0 * B;
            D = d * A + (1.0 - d * q) / a * B;
        }
        if (pass == 1) {
            fit->level = c + l0 * d;
            fit->a = A;
            fit->b = B;
            return sse;
        }
    }
    double det = sdd * sDD - sdD * sdD;
    double w = det > 1e-12 * sdd * sDD && sDD > 0.0 ? (sdd * srD - sdD * srd) / det : 0.0;
    w = w < 0.0 ? 0.0 : w > DOTM_W_MAX ? DOTM_W_MAX : w;
    double l0 = sdd > 0.0 ? (srd - w * sdD) / sdd : 0.0;
    double sse = srr - 2.0 * l0 * srd - 2.0 * w * srD + l0 * l0 * sdd + 2.0 * l0 * w * sdD +
                 w * w * sDD;
    return sse > 0.0 ? sse : 0.0;
}

ws_status
dotm_fit_series(const double *y, size_t n, double *fitted, dotm_fit *out)
{
    if (n < 4)
        return diag_fail(WS_ERR_NA, "Theta needs at least 4 values, got %zu", n);
    const double lo_a = 1e-3, hi_a = 0.999;
    enum { GRID = 12 };
    double best_a = lo_a, best_sse = HUGE_VAL;
    for (int i = 0; i <= GRID; i++) {
        double a = lo_a + (hi_a - lo_a) * (double)i / GRID;
        double sse = dotm_pass(y, n, a, NULL, NULL);
        if (sse < best_sse) {
            best_sse = sse;
            best_a = a;
        }
    }
    double step = (hi_a - lo_a) / GRID;
    double a = best_a - step > lo_a ? best_a - step : lo_a;
    double b = best_a + step < hi_a ? best_a + step : hi_a;
    const double g = 0.6180339887498949;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = dotm_pass(y, n, c, NULL, NULL), fd = dotm_pass(y, n, d, NULL, NULL);
    for (int it = 0; it < 30 && b - a > 1e-5; it++) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = dotm_pass(y, n, c, NULL, NULL);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = dotm_pass(y, n, d, NULL, NULL);
        }
    }
    double am = (a + b) / 2.0;
    if (best_sse < dotm_pass(y, n, am, NULL, NULL))
        am = best_a;
    memset(out, 0, sizeof *out);
    double sse = dotm_pass(y, n, am, fitted, out);
    if (!isfinite(sse) || !isfinite(out->level))
        return diag_fail(WS_ERR_NA, "no admissible Theta parameters");
    out->alpha = am;
    out->n = n;
    /* alpha, l0 and theta */
    out->sigma2 = sse / (double)(n > 3 ? n - 3 : 1);
    return WS_OK;
}

void
dotm_forecast(const dotm_fit *fit, size_t h, double *mean)
{
    double a = fit->alpha, q = 1.0 - a;
    double qn = pow(q, (double)fit->n);
    for (size_t i = 0; i < h; i++)
        mean[i] = fit->level +
                  fit->w * (qn * fit->a + ((double)i + (1.0 - qn * q) / a) * fit->b);
}

double
dotm_se(const dotm_fit *fit, size_t h)
{
    return sqrt(fit->sigma2 * ((double)(h - 1) * fit->alpha * fit->alpha + 1.0));
}
