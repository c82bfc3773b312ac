/* Exponential smoothing in its innovations state-space form (Hyndman, Koehler, Ord &
 * Snyder 2008), fitted by maximum likelihood, as R's forecast::ets.
 *
 * Two choices differ from R, both for speed (R's ets takes about 1.6 s per monthly series):
 *  - seasonal states live in a circular buffer indexed by t mod m, so a step costs O(1)
 *    instead of shifting m values;
 *  - only the smoothing parameters and the level/slope start are optimised; the initial
 *    seasonal states come from a classical decomposition of the first three seasons (R's
 *    own starting values) and stay there.  They are still counted in AICc, so seasonal
 *    forms pay for them as in R. */
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "forecast/fc_internal.h"
#include "num/rng.h"
#include "num/stats.h"

#define ETS_TINY 1e-10
#define ETS_BAD 1e300

typedef struct ets_ctx {
    const double *y;
    size_t n, m;
    ets_model model;
    double x0[2 + ETS_MAX_M]; /* heuristic initial l, b, s[0..m) */
    double state[2 + ETS_MAX_M];
    size_t evals;
} ets_ctx;

typedef struct ets_par {
    double alpha, beta, gamma, phi, l0, b0;
} ets_par;

/* One pass of the filter from state (l, b, s) in `state` (updated to the final state).
 * Returns -2 log-likelihood up to a constant (n log SSE, plus 2 sum log|f| for
 * multiplicative errors), or ETS_BAD when the path leaves the admissible region. */
static double
ets_run(const ets_model *md, size_t m, const double *y, size_t n, const ets_par *p,
        double *state, double *fitted, double *sse_out)
{
    double l = state[0], b = state[1];
    double *s = state + 2;
    const int trend = md->trend, season = md->season;
    const bool mul_err = md->error == ETS_MUL;
    const double phi = md->damped ? p->phi : 1.0;
    const double bstar = trend ? p->beta / p->alpha : 0.0;
    const double alpha = p->alpha, gamma = p->gamma;
    double sse = 0.0, slog = 0.0;
    size_t j = 0;
    for (size_t t = 0; t < n; t++) {
        double phib = trend ? phi * b : 0.0;
        double q = l + phib;
        double sj = season ? s[j] : 0.0;
        double f = season == ETS_NONE ? q : season == ETS_ADD ? q + sj : q * sj;
        double e;
        if (mul_err) {
            if (!(f > ETS_TINY))
                return ETS_BAD;
            e = (y[t] - f) / f;
            slog += log(f);
        } else {
            e = y[t] - f;
        }
        sse += e * e;
        if (fitted)
            fitted[t] = f;
        double pv;
        if (season == ETS_MUL) {
            if (!(sj > ETS_TINY) || !(q > ETS_TINY))
                return ETS_BAD;
            pv = y[t] / sj;
            s[j] = sj + gamma * (y[t] / q - sj);
        } else if (season == ETS_ADD) {
            pv = y[t] - sj;
            s[j] = sj + gamma * (y[t] - q - sj);
        } else {
            pv = y[t];
        }
        double lnew = q + alpha * (pv - q);
        if (trend)
            b = phib + bstar * (lnew - l - phib);
        l = lnew;
        if (++j == m)
            j = 0;
    }
    state[0] = l;
    state[1] = b;
    if (sse_out)
        *sse_out = sse;
    if (!isfinite(sse) || !isfinite(l))
        return ETS_BAD;
    /* An exact fit (a constant or perfectly linear series) has SSE 0: keep the criterion
     * finite so selection still works. */
    double crit = (double)n * log(sse + 1e-300 + 1e-20 * (double)n) + 2.0 * slog;
    return crit;
}

static size_t
ets_nvars(const ets_model *md)
{
    return 2 + (md->trend ? 2 : 0) + (md->season ? 1 : 0) + (md->damped ? 1 : 0);
}

static void
ets_decode(const ets_ctx *c, const double *v, ets_par *p)
{
    size_t k = 0;
    p->alpha = v[k++];
    p->beta = c->model.trend ? v[k++] * p->alpha : 0.0;
    p->gamma = c->model.season ? v[k++] * (1.0 - p->alpha) : 0.0;
    p->phi = c->model.damped ? v[k++] : 1.0;
    p->l0 = v[k++];
    p->b0 = c->model.trend ? v[k++] : 0.0;
}

static double
ets_objective(unsigned nv, const double *v, double *grad, void *data)
{
    (void)nv;
    (void)grad;
    ets_ctx *c = data;
    ets_par p;
    ets_decode(c, v, &p);
    c->evals++;
    memcpy(c->state, c->x0, (2 + c->m) * sizeof(double));
    c->state[0] = p.l0;
    c->state[1] = p.b0;
    return ets_run(&c->model, c->m, c->y, c->n, &p, c->state, NULL, NULL);
}

/* Least-squares line through (1..k, x[0..k)): intercept at time 0 and slope. */
static void
ets_line(const double *x, size_t k, double *icept, double *slope)
{
    double mt = (double)(k + 1) / 2.0, mx = 0.0;
    for (size_t i = 0; i < k; i++)
        mx += x[i];
    mx /= (double)k;
    double sxy = 0.0, sxx = 0.0;
    for (size_t i = 0; i < k; i++) {
        double dt = (double)(i + 1) - mt;
        sxy += dt * (x[i] - mx);
        sxx += dt * dt;
    }
    *slope = sxx > 0.0 ? sxy / sxx : 0.0;
    *icept = mx - *slope * mt;
}

/* R's initstate: seasonal indices from a decomposition of the first three seasons, then
 * the level (and slope) from the first max(10, 2m) seasonally adjusted values. */
static ws_status
ets_init_states(const double *y, size_t n, size_t m, const ets_model *md, double *x0)
{
    double sa[2 * ETS_MAX_M + 10];
    size_t maxn = m > 1 ? 2 * m : 10;
    if (maxn < 10)
        maxn = 10;
    if (maxn > n)
        maxn = n;
    for (size_t i = 0; i < m && md->season; i++)
        x0[2 + i] = md->season == ETS_MUL ? 1.0 : 0.0;
    if (md->season) {
        size_t k = n < 3 * m ? n : 3 * m;
        ws_status st = fc_decompose(y, k, m, md->season == ETS_MUL, x0 + 2);
        if (st)
            return st;
        if (md->season == ETS_MUL) {
            double sum = 0.0;
            for (size_t i = 0; i < m; i++) {
                if (x0[2 + i] < 1e-2)
                    x0[2 + i] = 1e-2;
                sum += x0[2 + i];
            }
            if (sum > (double)m)
                for (size_t i = 0; i < m; i++)
                    x0[2 + i] /= sum / (double)m;
        }
    }
    for (size_t i = 0; i < maxn; i++) {
        double si = md->season ? x0[2 + i % m] : (md->season == ETS_MUL ? 1.0 : 0.0);
        sa[i] = md->season == ETS_MUL ? y[i] / si : md->season == ETS_ADD ? y[i] - si : y[i];
    }
    if (md->trend) {
        ets_line(sa, maxn, &x0[0], &x0[1]);
        if (fabs(x0[0] + x0[1]) < 1e-8) {
            x0[0] *= 1.0 + 1e-3;
            x0[1] *= 1.0 - 1e-3;
        }
    } else {
        double sum = 0.0;
        for (size_t i = 0; i < maxn; i++)
            sum += sa[i];
        x0[0] = sum / (double)maxn;
        x0[1] = 0.0;
    }
    if (md->error == ETS_MUL || md->season == ETS_MUL) {
        if (!(x0[0] > ETS_TINY))
            return diag_fail(WS_ERR_NA, "no positive starting level for a multiplicative form");
    }
    return WS_OK;
}

static size_t
ets_param_count(const ets_model *md, size_t m)
{
    size_t np = 1 + 1 + 1; /* alpha, l0, sigma */
    if (md->trend)
        np += 2;
    if (md->damped)
        np += 1;
    if (md->season)
        np += 1 + (m - 1);
    return np;
}

ws_status
ets_fit_model(const double *y, size_t n, size_t m, ets_model model, double *fitted,
              ets_fit *out)
{
    ws_status st = WS_OK;
    nlopt_opt opt = NULL;
    ets_ctx c;
    memset(&c, 0, sizeof c);
    if (!model.season)
        m = 1;
    if (model.season && (m < 2 || m > ETS_MAX_M || n < 2 * m))
        return diag_fail(WS_ERR_NA, "a seasonal ETS needs 2 <= m <= %d and two seasons",
                         ETS_MAX_M);
    if (!model.trend)
        model.damped = false;
    size_t np = ets_param_count(&model, m);
    if (n <= np + 1)
        return diag_fail(WS_ERR_NA, "%zu values are too few for %zu parameters", n, np);
    if (model.error == ETS_MUL || model.season == ETS_MUL) {
        for (size_t i = 0; i < n; i++)
            if (!(y[i] > 0.0))
                return diag_fail(WS_ERR_NA, "multiplicative forms need positive data");
    }
    c.y = y;
    c.n = n;
    c.m = m;
    c.model = model;
    if ((st = ets_init_states(y, n, m, &model, c.x0)))
        return st;

    size_t nv = ets_nvars(&model);
    double v[8], lo[8], hi[8], step[8];
    size_t k = 0;
    double mm = model.season ? (double)m : 1.0;
    /* R's starting values (forecast:::initparam). */
    v[k] = 1e-4 + 0.2 * (0.9999 - 1e-4) / mm, lo[k] = 1e-4, hi[k] = 0.9999, step[k++] = 0.1;
    if (model.trend)
        v[k] = 0.1, lo[k] = 1e-4, hi[k] = 0.9999, step[k++] = 0.1;
    if (model.season)
        v[k] = 0.05, lo[k] = 1e-4, hi[k] = 0.9999, step[k++] = 0.1;
    if (model.damped)
        v[k] = 0.978, lo[k] = 0.8, hi[k] = 0.98, step[k++] = 0.05;
    double scale = fabs(c.x0[0]) > 1e-3 ? fabs(c.x0[0]) : 1.0;
    v[k] = c.x0[0], lo[k] = -HUGE_VAL, hi[k] = HUGE_VAL, step[k++] = 0.05 * scale;
    if (model.trend)
        v[k] = c.x0[1], lo[k] = -HUGE_VAL, hi[k] = HUGE_VAL, step[k++] = 0.01 * scale;

    double best = ets_objective((unsigned)nv, v, NULL, &c);
    if (best >= ETS_BAD)
        return diag_fail(WS_ERR_NA, "the starting values are not admissible");
    opt = nlopt_create(NLOPT_LN_NELDERMEAD, (unsigned)nv);
    if (!opt)
        return diag_nomem();
    nlopt_set_lower_bounds(opt, lo);
    nlopt_set_upper_bounds(opt, hi);
    nlopt_set_initial_step(opt, step);
    nlopt_set_min_objective(opt, ets_objective, &c);
    /* Not xtol_rel alone: with a start at 0 it stops at once (see dependencies.md). */
    nlopt_set_ftol_abs(opt, 1e-4);
    /* 20 evaluations per variable: on M3 monthly training holdouts accuracy was the same
     * as with 60 (OWA 0.8631 vs 0.8627) at half the time. */
    nlopt_set_maxeval(opt, 20 * (int)nv);
    double fmin = best;
    nlopt_result res = nlopt_optimize(opt, v, &fmin);
    if (res < 0 && res != NLOPT_ROUNDOFF_LIMITED && res != NLOPT_FORCED_STOP) {
        if (res == NLOPT_OUT_OF_MEMORY) {
            st = diag_nomem();
            goto done;
        }
    }
    /* Recompute at the returned point: NLopt hands back its best vertex. */
    ets_par p;
    ets_decode(&c, v, &p);
    memcpy(c.state, c.x0, (2 + m) * sizeof(double));
    c.state[0] = p.l0;
    c.state[1] = p.b0;
    double sse = 0.0;
    double crit = ets_run(&model, m, y, n, &p, c.state, fitted, &sse);
    if (crit >= ETS_BAD || !isfinite(crit)) {
        st = diag_fail(WS_ERR_NA, "no admissible parameters for this model");
        goto done;
    }
    memset(out, 0, sizeof *out);
    out->model = model;
    out->m = m;
    out->alpha = p.alpha;
    out->beta = p.beta;
    out->gamma = p.gamma;
    out->phi = p.phi;
    out->l = c.state[0];
    out->b = c.state[1];
    if (model.season)
        memcpy(out->s, c.state + 2, m * sizeof(double));
    out->n = n;
    out->np = np;
    /* R: sum(e^2) / (n - length(par)), par without sigma. */
    out->sigma2 = sse / (double)(n > np - 1 ? n - (np - 1) : 1);
    out->mse = sse / (double)n;
    double dn = (double)n, dp = (double)np;
    out->aicc = crit + 2.0 * dp + 2.0 * dp * (dp + 1.0) / (dn - dp - 1.0);
    out->evals = c.evals;
done:
    nlopt_destroy(opt);
    return st;
}

/* Whether a multiplicative form's forecast level stays in the region its equations are
 * defined on (above 0) for h steps: a damped downward slope can take it below, where the
 * forecast of a positive series is 0 or less. */
static bool
ets_stays_positive(const ets_fit *fit, size_t h)
{
    if (fit->model.error != ETS_MUL && fit->model.season != ETS_MUL)
        return true;
    double phi = fit->model.damped ? fit->phi : 1.0, phik = 1.0, phistar = 0.0;
    for (size_t i = 0; i < h; i++) {
        phik *= phi;
        phistar += phik;
        if (!(fit->l + (fit->model.trend ? phistar * fit->b : 0.0) > ETS_TINY))
            return false;
    }
    return true;
}

ws_status
ets_select(const double *y, size_t n, size_t m, int forms, size_t h, double *fitted,
           ets_fit *out)
{
    bool positive = true;
    for (size_t i = 0; i < n; i++)
        if (!(y[i] > 0.0))
            positive = false;
    bool seasonal = forms != ETS_SEASONS_NONE && m >= 2 && m <= ETS_MAX_M && n >= 2 * m;
    static const int errors[] = {ETS_ADD, ETS_MUL};
    static const int seasons[] = {ETS_NONE, ETS_ADD, ETS_MUL};
    ets_fit best, cur;
    bool have = false;
    memset(&best, 0, sizeof best);
    for (size_t ei = 0; ei < 2; ei++) {
        for (int tr = 0; tr < 3; tr++) {
            for (size_t si = 0; si < 3; si++) {
                ets_model md = {errors[ei], tr ? ETS_ADD : ETS_NONE, seasons[si], tr == 2};
                if (md.season && !seasonal)
                    continue;
                if (!md.season && seasonal && forms == ETS_SEASONS_ONLY)
                    continue;
                if (!positive && (md.error == ETS_MUL || md.season == ETS_MUL))
                    continue;
                /* R's restrict = TRUE: additive errors with a multiplicative season are
                 * numerically unstable. */
                if (md.error == ETS_ADD && md.season == ETS_MUL)
                    continue;
                if (ets_fit_model(y, n, m, md, NULL, &cur) != WS_OK ||
                    !ets_stays_positive(&cur, h))
                    continue;
                if (!have || cur.aicc < best.aicc) {
                    best = cur;
                    have = true;
                }
            }
        }
    }
    diag_clear();
    if (!have)
        return diag_fail(WS_ERR_NA, "no exponential smoothing model fits %zu values", n);
    if (fitted) {
        ets_fit again;
        ws_status st = ets_fit_model(y, n, m, best.model, fitted, &again);
        if (st)
            return st;
    }
    *out = best;
    return WS_OK;
}

/* The k-step state prediction without noise: mean forecast of step k (1-based) given a
 * state, with damped sums accumulated by the caller. */
void
ets_forecast(const ets_fit *fit, size_t h, double *mean)
{
    const ets_model *md = &fit->model;
    double phi = md->damped ? fit->phi : 1.0;
    double phistar = 0.0, phik = 1.0;
    for (size_t i = 0; i < h; i++) {
        phik *= phi;
        phistar += phik;
        double f = fit->l + (md->trend ? phistar * fit->b : 0.0);
        if (md->season) {
            double sj = fit->s[(fit->n + i) % fit->m];
            f = md->season == ETS_ADD ? f + sj : f * sj;
        }
        mean[i] = f;
    }
}

static void
ets_analytic(const ets_fit *fit, size_t h, double z, const double *mean, double *lower,
             double *upper)
{
    double phi = fit->model.damped ? fit->phi : 1.0;
    double sum = 0.0, phisum = 0.0, phik = 1.0;
    for (size_t i = 0; i < h; i++) {
        if (i > 0) {
            /* c_j for j = i: alpha + beta (phi + ... + phi^j) + gamma [j mod m == 0] */
            phik *= phi;
            phisum += phik;
            double cj = fit->alpha;
            if (fit->model.trend)
                cj += fit->beta * phisum;
            if (fit->model.season && i % fit->m == 0)
                cj += fit->gamma;
            sum += cj * cj;
        }
        double sd = sqrt(fit->sigma2 * (1.0 + sum));
        lower[i] = mean[i] - z * sd;
        upper[i] = mean[i] + z * sd;
    }
}

double
fc_select_kth(double *x, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = x[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] < pivot)
                i++;
            while (x[j] > pivot)
                j--;
            if (i <= j) {
                double t = x[i];
                x[i] = x[j];
                x[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    return x[k];
}

void
ets_intervals(const ets_fit *fit, size_t h, double level, uint64_t seed, const double *mean,
              double *lower, double *upper, double *work)
{
    double z = stats_norm_quantile(0.5 + level / 2.0);
    const ets_model *md = &fit->model;
    if (md->error == ETS_ADD && md->season != ETS_MUL) {
        ets_analytic(fit, h, z, mean, lower, upper);
        return;
    }
    /* Simulate sample paths one horizon at a time, every path's state kept in work:
     * memory is ETS_SIM_PATHS * (m + 3) doubles whatever the horizon. */
    rng r;
    rng_seed(&r, seed);
    const size_t P = ETS_SIM_PATHS, m = fit->m, stride = m + 2;
    double *states = work, *draws = work + P * stride;
    double sigma = sqrt(fit->sigma2);
    double phi = md->damped ? fit->phi : 1.0;
    double bstar = md->trend ? fit->beta / fit->alpha : 0.0;
    double alo = (1.0 - level) / 2.0;
    size_t klo = (size_t)floor(alo * (double)(P - 1) + 0.5);
    size_t khi = P - 1 - klo;
    for (size_t k = 0; k < P; k++) {
        double *st = states + k * stride;
        st[0] = fit->l;
        st[1] = fit->b;
        if (md->season)
            memcpy(st + 2, fit->s, m * sizeof(double));
    }
    size_t j = fit->n % m;
    for (size_t i = 0; i < h; i++) {
        for (size_t k = 0; k < P; k++) {
            double *st = states + k * stride;
            double l = st[0], b = st[1];
            double *s = st + 2;
            double phib = md->trend ? phi * b : 0.0;
            double q = l + phib;
            double sj = md->season ? s[j] : 0.0;
            double f = md->season == ETS_NONE ? q : md->season == ETS_ADD ? q + sj : q * sj;
            double e = sigma * rng_normal(&r);
            double yv = md->error == ETS_MUL ? f * (1.0 + e) : f + e;
            draws[k] = yv;
            double pv;
            if (md->season == ETS_MUL && md->error == ETS_MUL) {
                /* The error-correction form (Hyndman et al. 2008, table 2.3): the same
                 * states as dividing by q and s, without the division that blows a path
                 * up to 1e40 once its level nears 0 (a damped downward trend). */
                pv = q * (1.0 + e);
                s[j] = sj * (1.0 + fit->gamma * e);
            } else if (md->season == ETS_MUL) {
                double qq = q > ETS_TINY ? q : ETS_TINY;
                double ss = sj > ETS_TINY ? sj : ETS_TINY;
                pv = yv / ss;
                s[j] = sj + fit->gamma * (yv / qq - sj);
            } else if (md->season == ETS_ADD) {
                pv = yv - sj;
                s[j] = sj + fit->gamma * (yv - q - sj);
            } else {
                pv = yv;
            }
            double lnew = q + fit->alpha * (pv - q);
            if (md->trend)
                st[1] = phib + bstar * (lnew - l - phib);
            st[0] = lnew;
        }
        if (++j == m)
            j = 0;
        double a = fc_select_kth(draws, P, klo);
        double c = fc_select_kth(draws, P, khi);
        /* Keep the point forecast inside its own interval. */
        lower[i] = a < mean[i] ? a : mean[i];
        upper[i] = c > mean[i] ? c : mean[i];
    }
}

void
ets_name(ets_model model, char *buf, size_t size)
{
    const char *t = model.trend ? (model.damped ? "Ad" : "A") : "N";
    const char *s = model.season == ETS_ADD ? "A" : model.season == ETS_MUL ? "M" : "N";
    snprintf(buf, size, "ETS(%s,%s,%s)", model.error == ETS_MUL ? "M" : "A", t, s);
}
