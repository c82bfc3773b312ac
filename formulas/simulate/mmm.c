/* The marketing world model: fit, simulate, explain, plan.  See mmm.h for the model. */
#include "simulate/mmm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "num/linalg.h"
#include "num/optim.h"
#include "num/rng.h"
#include "num/season.h"
#include "num/stats.h"

#define ATANH_HALF 0.54930614433405484570
#define HALF_MIN 0.05
#define HALF_MAX 20.0

/* Ridge weights tried by the time-ordered validation, per row, on the normalised scale
 * (media columns are O(1), the KPI has mean 1). */
static const double ridge_grid[] = {1e-6, 1e-4, 1e-3, 1e-2, 1e-1};
static const double grid_rates[] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
static const double grid_halves[] = {0.1, 0.2, 0.35, 0.6, 1.0, 1.7, 3.0, 6.0, 20.0};

void
mmm_options_default(mmm_options *options)
{
    options->period = -1.0;
    options->harmonics = 2;
    options->trend = true;
    options->knots = 4;
    options->delays = true;
    options->valid_frac = 0.2;
    options->diagnose = true;
}

void
mmm_free(mmm_model *m)
{
    if (!m)
        return;
    mem_free(m->y);
    mem_free(m->X);
    mem_free(m->kinds);
    mem_free(m->x_scale);
    mem_free(m->x_center);
    mem_free(m->rate);
    mem_free(m->half);
    mem_free(m->peak);
    mem_free(m->elasticity);
    mem_free(m->beta);
    mem_free(m->chol);
    mem_free(m->theta_lever);
    mem_free(m->fitted);
    mem_free(m);
}

/* ----- design ----- */

/* Weights rate^|i - peak| over MMM_LAGS lags, normalised: geometric for peak 0, a delayed
 * peak otherwise (the effect builds up to lag `peak`, then decays at `rate`). */
static void
adstock_weights(double rate, double peak, double *w)
{
    double sum = 0.0;
    for (size_t i = 0; i < MMM_LAGS; i++) {
        w[i] = pow(rate, fabs((double)i - peak));
        sum += w[i];
    }
    for (size_t i = 0; i < MMM_LAGS; i++)
        w[i] /= sum;
}

static double
saturate(double a, double half)
{
    double c = half / ATANH_HALF;
    return c * tanh(a / c);
}

/* Rows [t0, t1) of a spend lever's design column: saturated adstock of its normalised
 * spend z (rows from the first period) at the given curve. */
static void
spend_rows(const double *z, size_t t0, size_t t1, double rate, double peak, double half,
           double *out)
{
    double w[MMM_LAGS];
    adstock_weights(rate, peak, w);
    for (size_t t = t0; t < t1; t++) {
        double s = 0.0;
        size_t lags = t + 1 < MMM_LAGS ? t + 1 : MMM_LAGS;
        for (size_t i = 0; i < lags; i++)
            s += w[i] * z[t - i];
        out[t - t0] = saturate(s, half);
    }
}

/* Normalised data are rounded to multiples of 2^-36.  Rescaled inputs (spend and KPI times
 * 1000) then almost always give bit-identical normalised data, hence the same search path
 * and the same plan, instead of last-bit differences that a flat objective can amplify
 * (when a value sits on a rounding boundary the plans still agree to the search tolerance,
 * about 1e-6 of the budget).  The rounding (1.5e-11) is far below statistical precision. */
static double
quantize(double v)
{
    return ldexp(nearbyint(ldexp(v, 36)), -36);
}

/* Normalised lever values, lever-major: Z[j*T + t]. */
static void
normalise_levers(const mmm_model *m, const double *X, size_t T, double *Z)
{
    for (size_t j = 0; j < m->k; j++)
        for (size_t t = 0; t < T; t++) {
            double x = X[t * m->k + j];
            Z[j * T + t] = quantize(m->kinds[j] == MMM_PRICE ? log(x) - m->x_center[j]
                                                             : x / m->x_scale[j]);
        }
}

static void
fill_lever(const mmm_model *m, size_t j, const double *Z, size_t T, double *D)
{
    double *col = D + (m->lever_col + j) * T;
    const double *z = Z + j * T;
    if (m->kinds[j] != MMM_SPEND) {
        memcpy(col, z, T * sizeof *col);
        return;
    }
    spend_rows(z, 0, T, m->rate[j], m->peak[j], m->half[j], col);
}

/* The whole design, column-major T×p, for rows t = 0..T-1 counted from the first period of
 * the history. */
static void
fill_design(const mmm_model *m, const double *Z, size_t T, double *D)
{
    size_t c = 0;
    for (size_t t = 0; t < T; t++)
        D[t] = 1.0;
    c++;
    if (m->trend) {
        for (size_t t = 0; t < T; t++)
            D[c * T + t] = (double)t / (double)m->n;
        c++;
        /* Hinges let the slope change at fixed knots (as Prophet's changepoints), ridge
         * penalised; beyond the history the trend continues with its last slope. */
        for (size_t q = 1; q <= m->knots; q++) {
            double knot = (double)q / (double)(m->knots + 1) * (double)m->n;
            for (size_t t = 0; t < T; t++)
                D[c * T + t] = fmax((double)t - knot, 0.0) / (double)m->n;
            c++;
        }
    }
    for (size_t h = 1; h <= m->harmonics; h++) {
        for (size_t t = 0; t < T; t++) {
            double w = 2.0 * M_PI * (double)h * (double)t / m->period;
            D[c * T + t] = sin(w);
            D[(c + 1) * T + t] = cos(w);
        }
        c += 2;
    }
    for (size_t j = 0; j < m->k; j++)
        fill_lever(m, j, Z, T, D);
}

/* ----- fitting ----- */

typedef struct fitctx {
    mmm_model *m;
    const double *Z;   /* k×n normalised levers */
    double *D;         /* n×p design, column-major */
    const double *yn;  /* normalised KPI */
    size_t rows;       /* regression uses rows [0, rows) */
    double lambda;
    double *pen;       /* p: 1 where the ridge applies */
    unsigned char *nonneg;
    double *A, *b, *beta;
    double yy;
    size_t *spend;     /* indices of spend levers */
    size_t ns;
    size_t evals;
} fitctx;

/* Penalised residual sum of squares at the current design; HUGE_VAL when singular. */
static double
objective(fitctx *c)
{
    size_t p = c->m->p;
    linalg_gram_cols(c->D, c->m->n, c->rows, p, c->yn, c->A, c->b);
    for (size_t j = 0; j < p; j++)
        c->A[j * p + j] += c->lambda * (double)c->rows * c->pen[j];
    c->evals++;
    if (linalg_qp_nonneg(c->A, c->b, p, c->nonneg, c->beta) != WS_OK)
        return HUGE_VAL;
    double f = c->yy;
    for (size_t i = 0; i < p; i++) {
        double ab = 0.0;
        for (size_t j = 0; j < p; j++)
            ab += c->A[i * p + j] * c->beta[j];
        f += c->beta[i] * (ab - 2.0 * c->b[i]);
    }
    return f;
}

static void
set_spend(fitctx *c, size_t s, double rate, double half)
{
    size_t j = c->spend[s];
    c->m->rate[j] = rate;
    c->m->half[j] = half;
    fill_lever(c->m, j, c->Z, c->m->n, c->D);
}

static double
theta_objective(const double *x, size_t nx, void *data)
{
    fitctx *c = data;
    for (size_t s = 0; s < nx / 2; s++)
        set_spend(c, s, x[2 * s], exp(x[2 * s + 1]));
    return objective(c);
}

/* Coordinate-wise grid over (rate, half) of each spend lever in turn. */
static double
grid_sweep(fitctx *c, size_t sweeps)
{
    double best = objective(c);
    for (size_t sweep = 0; sweep < sweeps; sweep++) {
        bool moved = false;
        for (size_t s = 0; s < c->ns; s++) {
            size_t j = c->spend[s];
            double br = c->m->rate[j], bh = c->m->half[j];
            for (size_t a = 0; a < sizeof grid_rates / sizeof grid_rates[0]; a++)
                for (size_t h = 0; h < sizeof grid_halves / sizeof grid_halves[0]; h++) {
                    set_spend(c, s, grid_rates[a], grid_halves[h]);
                    double f = objective(c);
                    if (f < best - 1e-13 * fabs(best)) {
                        best = f;
                        br = grid_rates[a];
                        bh = grid_halves[h];
                        moved = true;
                    }
                }
            set_spend(c, s, br, bh);
        }
        if (!moved)
            break;
    }
    return best;
}

/* Outer search: grid sweeps, then BOBYQA on every spend lever's (rate, log half).  The
 * ridge-weight trials stop at xtol 1e-4; the final fit goes to 1e-7, so that rescaled
 * data (spend or KPI times 1000) land on the same optimum, not merely a nearby one. */
static ws_status
search(fitctx *c, size_t sweeps, double xtol)
{
    ws_status st = WS_OK;
    size_t nx = 2 * c->ns;
    double *x = NULL;
    if (nx == 0) {
        objective(c);
        return WS_OK;
    }
    double best = grid_sweep(c, sweeps);
    if (!(x = mem_alloc(4 * nx * sizeof *x)))
        return diag_nomem();
    double *lo = x + nx, *hi = lo + nx, *start = hi + nx;
    for (size_t s = 0; s < c->ns; s++) {
        size_t j = c->spend[s];
        x[2 * s] = c->m->rate[j];
        x[2 * s + 1] = log(c->m->half[j]);
        lo[2 * s] = 0.0;
        hi[2 * s] = MMM_RATE_MAX;
        lo[2 * s + 1] = log(HALF_MIN);
        hi[2 * s + 1] = log(HALF_MAX);
    }
    memcpy(start, x, nx * sizeof *x);
    double f = HUGE_VAL;
    st = optim_bobyqa(theta_objective, c, nx, lo, hi, xtol, 100 * nx + 200, x, &f);
    if (st != WS_OK || !(f < best)) {
        /* Keep the grid point: the refinement may only improve on it. */
        st = WS_OK;
        memcpy(x, start, nx * sizeof *x);
    }
    theta_objective(x, nx, c);
    mem_free(x);
    return st;
}

/* Delayed peaks: for each spend lever try a peak at lags 1..3 over the grid of rates (the
 * half-saturation held); keep it when the penalised fit improves by more than the BIC
 * price of one parameter, n log(f1/f0) < -log n.  Then refine everything again. */
static ws_status
choose_delays(fitctx *c)
{
    mmm_model *m = c->m;
    double n = (double)c->rows, f0 = objective(c);
    bool changed = false;
    for (size_t s = 0; s < c->ns; s++) {
        size_t j = c->spend[s];
        double r0 = m->rate[j], h0 = m->half[j], br = r0, bp = 0, bf = f0;
        for (int peak = 1; peak <= 3; peak++)
            for (size_t a = 0; a < sizeof grid_rates / sizeof grid_rates[0]; a++) {
                m->peak[j] = peak;
                set_spend(c, s, grid_rates[a], h0);
                double f = objective(c);
                if (f < bf) {
                    bf = f;
                    br = grid_rates[a];
                    bp = peak;
                }
            }
        if (bp > 0 && n * log(bf / f0) < -log(n)) {
            m->peak[j] = bp;
            set_spend(c, s, br, h0);
            f0 = bf;
            changed = true;
        } else {
            m->peak[j] = 0;
            set_spend(c, s, r0, h0);
        }
    }
    return changed ? search(c, 1, 1e-7) : WS_OK;
}

/* Linear interpolation of interior NaN; WS_ERR_NA when the first or last value is NaN. */
static ws_status
fill_gaps(double *y, size_t n)
{
    if (isnan(y[0]) || isnan(y[n - 1]))
        return diag_fail(WS_ERR_NA, "kpi: the %s value is blank; trim the blank periods",
                         isnan(y[0]) ? "first" : "last");
    size_t gaps = 0;
    for (size_t t = 1; t < n; t++) {
        if (!isnan(y[t]))
            continue;
        size_t e = t;
        while (isnan(y[e]))
            e++;
        for (size_t u = t; u < e; u++)
            y[u] = y[t - 1] + (y[e] - y[t - 1]) * (double)(u - t + 1) / (double)(e - t + 1);
        gaps += e - t;
        t = e;
    }
    if (gaps)
        diag_warn("kpi: %zu blank period%s interpolated linearly", gaps, gaps > 1 ? "s" : "");
    return WS_OK;
}

static ws_status
check_levers(const double *y, const double *X, size_t n, size_t k, const mmm_kind *kinds)
{
    for (size_t j = 0; j < k; j++) {
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t t = 0; t < n; t++) {
            double x = X[t * k + j];
            if (isnan(x))
                return diag_fail(WS_ERR_NA, "levers: blank cell in period %zu of lever %zu; "
                                 "fill it (0 for no spend)", t + 1, j + 1);
            if (!isfinite(x))
                return diag_fail(WS_ERR_NUM, "levers: lever %zu is not finite in period %zu",
                                 j + 1, t + 1);
            if (kinds[j] == MMM_SPEND && x < 0)
                return diag_fail(WS_ERR_NUM, "levers: spend lever %zu is negative (%g) in "
                                 "period %zu", j + 1, x, t + 1);
            if (kinds[j] == MMM_PRICE && x <= 0)
                return diag_fail(WS_ERR_NUM, "levers: price lever %zu must be positive (it "
                                 "is %g in period %zu)", j + 1, x, t + 1);
            lo = fmin(lo, x);
            hi = fmax(hi, x);
        }
        if (!(hi > lo)) {
            if (kinds[j] == MMM_SPEND && hi == 0.0)
                return diag_fail(WS_ERR_NUM, "levers: spend lever %zu is zero in every "
                                 "period; remove it", j + 1);
            return diag_fail(WS_ERR_NUM, "levers: lever %zu never varies (always %g); its "
                             "effect cannot be told from the baseline; remove it", j + 1, lo);
        }
        if (kinds[j] == MMM_PRICE)
            for (size_t t = 0; t < n; t++)
                if (y[t] <= 0)
                    return diag_fail(WS_ERR_NUM, "kpi: period %zu is %g, but a price "
                                     "elasticity needs a positive KPI", t + 1, y[t]);
    }
    return WS_OK;
}

/* Without any control lever: does a spend lever follow the baseline (trend and seasonality
 * explain at least a quarter of its variation)?  Budgets that follow demand are the textbook
 * source of confounding: whatever drives demand and is not in the sheet then also drives
 * spend, and its effect is credited to the spend.  Warns and returns true for the lever
 * that follows most closely. */
static bool
follows_demand(fitctx *c)
{
    mmm_model *m = c->m;
    size_t n = m->n, q = m->lever_col;
    double *A = mem_alloc((q * q + 2 * q) * sizeof *A);
    bool warned = false;
    if (!A || q < 2)
        goto done;
    double *b = A + q * q, *g = b + q;
    size_t worst = m->k;
    double best = 0;
    for (size_t j = 0; j < m->k; j++) {
        if (m->kinds[j] != MMM_SPEND)
            continue;
        const double *z = c->Z + j * n;
        linalg_gram_cols(c->D, n, n, q, z, A, b);
        for (size_t i = 1; i < q; i++)
            A[i * q + i] += 1e-9 * (double)n;
        if (linalg_qp_nonneg(A, b, q, NULL, g) != WS_OK)
            continue;
        double zm = 0, sst = 0, sse = 0;
        for (size_t t = 0; t < n; t++)
            zm += z[t] / (double)n;
        for (size_t t = 0; t < n; t++) {
            double f = 0;
            for (size_t i = 0; i < q; i++)
                f += c->D[i * n + t] * g[i];
            sst += (z[t] - zm) * (z[t] - zm);
            sse += (z[t] - f) * (z[t] - f);
        }
        double r2 = sst > 0 ? 1 - sse / sst : 0;
        if (r2 > best) {
            best = r2;
            worst = j;
        }
    }
    if (worst < m->k && best >= 0.25) {
        m->suspect = worst;
        snprintf(m->warning, sizeof m->warning,
                 "the effect of lever %zu may be confounded: its spend follows the KPI's own "
                 "trend and seasonality (they explain %.0f%% of its variation) and no control "
                 "lever is given, so demand drivers missing from the sheet likely move it too "
                 "and their effect is credited to it. Add the drivers that budget decisions "
                 "follow as control levers", worst + 1, 100.0 * best);
        diag_warn("%s", m->warning);
        warned = true;
    }
done:
    mem_free(A);
    return warned;
}

/* Diagnostics for confounding: coefficient stability (Oster 2019, "Unobservable Selection
 * and Coefficient Stability", J. Business & Economic Statistics 37(2)).  Compare each spend
 * lever's effect in the full model (beta~, R~) with a model of the levers alone (beta°,
 * R°: no trend, seasonality, controls or prices).  If the observed demand drivers move the
 * estimate, unobserved ones would move it too, in proportion to the variance they leave
 * unexplained: the bias-adjusted effect is
 *     beta* = beta~ - (beta° - beta~) (Rmax - R~) / (R~ - R°),   Rmax = min(1, 1.3 R~)
 * (Oster's recommended Rmax, with equal selection, delta = 1).  When beta* differs from
 * beta~ by more than half, the estimate may be confounded; the warning names the lever. */
static void
diagnose(fitctx *c, const double *yn)
{
    mmm_model *m = c->m;
    size_t n = m->n, p = m->p, q = 0;
    size_t *cols = mem_alloc((p + 1) * sizeof *cols);
    double *W = mem_alloc(n * (p + 1) * sizeof *W), *A = mem_alloc((p + 1) * (p + 1) *
                                                                   sizeof *A);
    double *b = mem_alloc(3 * (p + 1) * sizeof *b);
    unsigned char *nn = mem_calloc(p + 1, 1);
    if (!cols || !W || !A || !b || !nn)
        goto done;
    double *beta0 = b + p + 1;
    cols[q++] = 0;
    for (size_t j = 0; j < m->k; j++)
        if (m->kinds[j] == MMM_SPEND)
            cols[q++] = m->lever_col + j;
    if (q == p || q < 2)
        goto done; /* no observed driver to compare against */
    for (size_t i = 0; i < q; i++) {
        memcpy(W + i * n, c->D + cols[i] * n, n * sizeof *W);
        nn[i] = i > 0;
    }
    linalg_gram_cols(W, n, n, q, yn, A, b);
    for (size_t i = 1; i < q; i++)
        A[i * q + i] += m->lambda * (double)n;
    if (linalg_qp_nonneg(A, b, q, nn, beta0) != WS_OK)
        goto done;
    double ym = 0, sst = 0, sse0 = 0, sse1 = 0;
    for (size_t t = 0; t < n; t++)
        ym += yn[t] / (double)n;
    for (size_t t = 0; t < n; t++) {
        double f0 = 0, f1 = 0;
        for (size_t i = 0; i < q; i++)
            f0 += W[i * n + t] * beta0[i];
        for (size_t j = 0; j < p; j++)
            f1 += c->D[j * n + t] * m->beta[j];
        sst += (yn[t] - ym) * (yn[t] - ym);
        sse0 += (yn[t] - f0) * (yn[t] - f0);
        sse1 += (yn[t] - f1) * (yn[t] - f1);
    }
    double r0 = 1 - sse0 / sst, r1 = 1 - sse1 / sst, rmax = fmin(1.0, 1.3 * r1);
    bool controls = false;
    for (size_t j = 0; j < m->k; j++)
        controls |= m->kinds[j] == MMM_CONTROL;
    if (!controls && follows_demand(c))
        goto done;
    if (!(r1 - r0 > 0.01))
        goto done;
    size_t worst = m->k, worst_i = 0;
    double change = 0.0, adjusted = 0.0;
    for (size_t i = 1; i < q; i++) {
        size_t j = cols[i] - m->lever_col;
        double bt = m->beta[cols[i]], bo = beta0[i];
        double bstar = bt - (bo - bt) * (rmax - r1) / (r1 - r0);
        double rel = fabs(bstar - bt) / fmax(fabs(bt), 1e-12);
        if (bt > 0 && rel > change) {
            change = rel;
            worst = j;
            worst_i = i;
            adjusted = bstar / bt;
        }
    }
    if (worst < m->k && change > 0.5) {
        m->suspect = worst;
        snprintf(m->warning, sizeof m->warning,
                 "the effect of lever %zu may be confounded: trend, seasonality and controls "
                 "move its estimate (%.0f%% of the full-model effect without them), so "
                 "drivers missing from the sheet likely move it too; the bias-adjusted effect "
                 "(Oster 2019) is %.0f%% of the estimate. Add the demand drivers that budget "
                 "decisions follow as control levers", worst + 1,
                 100.0 * beta0[worst_i] / m->beta[m->lever_col + worst],
                 100.0 * adjusted);
        diag_warn("%s", m->warning);
    }
done:
    mem_free(nn);
    mem_free(b);
    mem_free(A);
    mem_free(W);
    mem_free(cols);
}

/* Prior sd of the nonlinear parameters in the Laplace approximation.  Rate: the sd of a
 * uniform prior over the searched 0..0.9, width / sqrt(12).  Saturation: it is drawn in
 * curvature v = 1/half^2, not in log half: near a straight line (half at the top of the
 * box, as when spend never varies much) the fit does not move with log half, and a
 * Gaussian there would say nothing about how much the curve may bend below the data,
 * while the curvature enters the fit linearly (c tanh(a/c) = a - a^3 v atanh(1/2)^2 / 3 +
 * ...), so its Gaussian is informative and carries the trade-off between bend and
 * coefficient.  Prior sd 4: half-saturation at half the mean spend is one sd away from a
 * straight line. */
#define PRIOR_SD_RATE (MMM_RATE_MAX / 3.4641016151377546)
#define PRIOR_SD_CURV 4.0

/* One draw of the parameters' deviation from the fit, delta = L z with z standard normal
 * and L the Cholesky factor of their joint covariance (z is scratch; both hold q values). */
static void
draw_delta(const mmm_model *m, rng *r, double *z, double *delta)
{
    for (size_t i = 0; i < m->q; i++)
        z[i] = rng_normal(r);
    for (size_t i = 0; i < m->q; i++) {
        double s = 0;
        for (size_t j = 0; j <= i; j++)
            s += m->chol[i * m->q + j] * z[j];
        delta[i] = s;
    }
}

/* The half-saturation moved by d in curvature, 1/half^2 (within the searched box). */
static double
half_moved(double half, double d)
{
    double v = 1.0 / (half * half) + d;
    if (!(v > 1.0 / (HALF_MAX * HALF_MAX)))
        return HALF_MAX;
    return fmin(fmax(1.0 / sqrt(v), HALF_MIN), HALF_MAX);
}

/* The joint posterior covariance of the coefficients and of (rate, curvature 1/half^2) of
 * every spend lever with a non-zero effect (Laplace / Gauss-Newton at the fit): sigma^2
 * (J'J + P)^-1, J = [design | d fitted / d theta] (central differences), P = the ridge on
 * the coefficients and sigma^2 / prior sd^2 on theta.  Sets m->q, m->theta_lever,
 * m->chol. */
static ws_status
joint_covariance(fitctx *c)
{
    ws_status st = WS_OK;
    mmm_model *m = c->m;
    size_t n = m->n, p = m->p, nt = 0;
    for (size_t s = 0; s < c->ns; s++)
        nt += m->beta[m->lever_col + c->spend[s]] > 0;
    size_t q = p + 2 * nt;
    double *W = mem_alloc((n * q + 2 * q * q + q + 2 * n) * sizeof *W);
    size_t *lev = mem_alloc((nt + 1) * sizeof *lev);
    double *L = mem_calloc(q * q, sizeof *L);
    if (!W || !lev || !L) {
        st = diag_nomem();
        goto done;
    }
    double *A = W + n * q, *inv = A + q * q, *b = inv + q * q, *tmp = b + q;
    memcpy(W, c->D, n * p * sizeof *W);
    size_t i = 0;
    for (size_t s = 0; s < c->ns; s++) {
        size_t j = c->spend[s];
        double bj = m->beta[m->lever_col + j];
        if (!(bj > 0))
            continue;
        const double *z = c->Z + j * n;
        const double h = 1e-5;
        double *dr = W + (p + 2 * i) * n, *dh = dr + n;
        spend_rows(z, 0, n, m->rate[j] + h, m->peak[j], m->half[j], tmp);
        spend_rows(z, 0, n, m->rate[j] - h, m->peak[j], m->half[j], tmp + n);
        for (size_t t = 0; t < n; t++)
            dr[t] = bj * (tmp[t] - tmp[n + t]) / (2 * h);
        double v = 1.0 / (m->half[j] * m->half[j]), hv = 1e-4 * v;
        spend_rows(z, 0, n, m->rate[j], m->peak[j], 1.0 / sqrt(v + hv), tmp);
        spend_rows(z, 0, n, m->rate[j], m->peak[j], 1.0 / sqrt(v - hv), tmp + n);
        for (size_t t = 0; t < n; t++)
            dh[t] = bj * (tmp[t] - tmp[n + t]) / (2 * hv);
        lev[i++] = j;
    }
    linalg_gram_cols(W, n, n, q, c->yn, A, b);
    double s2 = m->sigma * m->sigma;
    for (size_t j = 0; j < p; j++)
        A[j * q + j] += m->lambda * (double)n * c->pen[j];
    for (size_t t = 0; t < nt; t++) {
        A[(p + 2 * t) * q + p + 2 * t] += s2 / (PRIOR_SD_RATE * PRIOR_SD_RATE);
        A[(p + 2 * t + 1) * q + p + 2 * t + 1] += s2 / (PRIOR_SD_CURV * PRIOR_SD_CURV);
    }
    if ((st = linalg_spd_inverse(A, q, inv)))
        goto done;
    for (size_t t = 0; t < q * q; t++)
        inv[t] *= s2;
    if ((st = linalg_cholesky(inv, q, L)))
        goto done;
    mem_free(m->chol);
    mem_free(m->theta_lever);
    m->chol = L;
    m->theta_lever = lev;
    m->q = q;
    L = NULL;
    lev = NULL;
done:
    mem_free(L);
    mem_free(lev);
    mem_free(W);
    return st;
}

/* Return per unit spent compares a lever's effect against zero spend.  When the spend
 * never comes near zero (never below EXTRAP_LOW of its mean) AND the other spend levers
 * explain most of its movement (R^2 >= EXTRAP_R2), the history shows neither the effect at
 * low spend nor the lever apart from the others: the return is then set by the shape the
 * model assumes below the data and by the ridge, not by the data.  Warn, naming those
 * levers, so a return that cannot be measured is not reported silently. */
#define EXTRAP_LOW 0.3
#define EXTRAP_R2 0.7

static void
extrapolation_check(fitctx *c)
{
    mmm_model *m = c->m;
    size_t n = m->n, ns = c->ns;
    if (ns < 2)
        return;
    double *W = mem_alloc((n * ns + ns * ns + 2 * ns) * sizeof *W);
    if (!W)
        return;
    double *A = W + n * ns, *b = A + ns * ns, *g = b + ns;
    char list[160] = "";
    size_t flagged = 0, len = 0;
    double r2_min = 1;
    for (size_t s = 0; s < ns; s++) {
        const double *z = c->Z + c->spend[s] * n;
        double low = HUGE_VAL, zm = 0;
        for (size_t t = 0; t < n; t++) {
            low = fmin(low, z[t]);
            zm += z[t] / (double)n;
        }
        if (low < EXTRAP_LOW)
            continue;
        /* R^2 of this lever's spend on the other spend levers and a constant. */
        size_t q = 0;
        for (size_t t = 0; t < n; t++)
            W[t] = 1.0;
        q++;
        for (size_t o = 0; o < ns; o++)
            if (o != s)
                memcpy(W + q++ * n, c->Z + c->spend[o] * n, n * sizeof *W);
        linalg_gram_cols(W, n, n, q, z, A, b);
        for (size_t i = 0; i < q; i++)
            A[i * q + i] += 1e-9 * (double)n;
        if (linalg_qp_nonneg(A, b, q, NULL, g) != WS_OK)
            continue;
        double sst = 0, sse = 0;
        for (size_t t = 0; t < n; t++) {
            double f = 0;
            for (size_t i = 0; i < q; i++)
                f += W[i * n + t] * g[i];
            sst += (z[t] - zm) * (z[t] - zm);
            sse += (z[t] - f) * (z[t] - f);
        }
        double r2 = sst > 0 ? 1 - sse / sst : 0;
        if (r2 < EXTRAP_R2)
            continue;
        int w = snprintf(list + len, sizeof list - len, "%s%zu", flagged ? ", " : "",
                         c->spend[s] + 1);
        if (w > 0 && (size_t)w < sizeof list - len)
            len += (size_t)w;
        flagged++;
        r2_min = fmin(r2_min, r2);
    }
    mem_free(W);
    if (!flagged)
        return;
    size_t used = strlen(m->warning);
    snprintf(m->warning + used, sizeof m->warning - used,
             "%sthe return per unit spent of lever%s %s is an extrapolation: %s spend never "
             "falls below %.0f%% of %s mean and moves with the other spend levers (they "
             "explain %.0f%% or more of it), so the history shows neither the effect near "
             "zero spend nor each lever's share of the joint effect. Marginal returns at "
             "current spend are better determined; a pause or a test of one lever would "
             "measure its return", used ? ". Also, " : "", flagged > 1 ? "s" : "", list,
             flagged > 1 ? "their" : "its", 100.0 * EXTRAP_LOW, flagged > 1 ? "their" : "its",
             100.0 * r2_min);
    diag_warn("%s", m->warning + used);
}

static ws_status
model_alloc(size_t n, size_t k, mmm_model **out)
{
    mmm_model *m = mem_calloc(1, sizeof *m);
    if (!m)
        return diag_nomem();
    m->n = n;
    m->k = k;
    m->y = mem_alloc(n * sizeof *m->y);
    m->X = mem_alloc(n * k * sizeof *m->X);
    m->kinds = mem_alloc(k * sizeof *m->kinds);
    m->x_scale = mem_alloc(k * sizeof(double));
    m->x_center = mem_alloc(k * sizeof(double));
    m->rate = mem_alloc(k * sizeof(double));
    m->half = mem_alloc(k * sizeof(double));
    m->peak = mem_calloc(k, sizeof(double));
    m->elasticity = mem_alloc(k * sizeof(double));
    m->fitted = mem_alloc(n * sizeof(double));
    if (!m->y || !m->X || !m->kinds || !m->x_scale || !m->x_center || !m->rate || !m->half ||
        !m->peak || !m->elasticity || !m->fitted) {
        mmm_free(m);
        return diag_nomem();
    }
    *out = m;
    return WS_OK;
}

ws_status
mmm_fit(const double *y, const double *X, size_t n, size_t k, const mmm_kind *kinds,
        const mmm_options *options, mmm_model **out)
{
    ws_status st = WS_OK;
    mmm_options opt;
    mmm_model *m = NULL;
    double *Z = NULL, *D = NULL, *yn = NULL, *buf = NULL, *best_rate = NULL;
    size_t *spend = NULL;
    unsigned char *nonneg = NULL;
    fitctx c = {0};
    if (options)
        opt = *options;
    else
        mmm_options_default(&opt);
    if (n < 8)
        return diag_fail(WS_ERR_NA, "kpi: %zu periods; the model needs at least 8", n);
    if (k == 0)
        return diag_fail(WS_ERR_NA, "levers: no lever given");
    if ((st = model_alloc(n, k, &m)))
        return st;
    memcpy(m->y, y, n * sizeof *y);
    memcpy(m->X, X, n * k * sizeof *X);
    memcpy(m->kinds, kinds, k * sizeof *kinds);
    if ((st = fill_gaps(m->y, n)) || (st = check_levers(m->y, X, n, k, kinds)))
        goto done;

    /* Normalisation. */
    double ysum = 0, ymin = HUGE_VAL, ymax = -HUGE_VAL;
    for (size_t t = 0; t < n; t++) {
        ysum += fabs(m->y[t]);
        ymin = fmin(ymin, m->y[t]);
        ymax = fmax(ymax, m->y[t]);
    }
    if (!(ymax > ymin)) {
        st = diag_fail(WS_ERR_NUM, "kpi: the KPI never varies (always %g)", ymin);
        goto done;
    }
    m->y_scale = ysum / (double)n;
    size_t ns = 0;
    for (size_t j = 0; j < k; j++) {
        double s = 0, s2 = 0, mu;
        for (size_t t = 0; t < n; t++) {
            double x = kinds[j] == MMM_PRICE ? log(X[t * k + j]) : X[t * k + j];
            s += x;
            s2 += x * x;
        }
        mu = s / (double)n;
        double sd = sqrt(fmax(s2 / (double)n - mu * mu, 0.0));
        m->x_center[j] = kinds[j] == MMM_PRICE ? mu : 0.0;
        m->x_scale[j] = kinds[j] == MMM_SPEND ? mu : kinds[j] == MMM_CONTROL ? sd : 1.0;
        if (!(m->x_scale[j] > 0))
            m->x_scale[j] = 1.0;
        m->rate[j] = kinds[j] == MMM_SPEND ? 0.3 : 0.0;
        m->half[j] = kinds[j] == MMM_SPEND ? 1.0 : NAN;
        m->elasticity[j] = NAN;
        ns += kinds[j] == MMM_SPEND;
    }

    /* Baseline shape. */
    m->trend = opt.trend;
    m->period = opt.period < 0 ? (double)season_detect(m->y, n) : opt.period;
    if (!(m->period >= 2.0) || m->period > (double)n)
        m->period = 0.0;
    m->harmonics = 0;
    if (m->period > 0) {
        m->harmonics = opt.harmonics ? opt.harmonics : 1;
        while (m->harmonics > 1 && 2.0 * (double)m->harmonics >= m->period)
            m->harmonics--;
        if (2.0 * (double)m->harmonics >= m->period)
            m->harmonics = 0, m->period = 0.0;
    }
    m->knots = m->trend ? (opt.knots < n / 26 ? opt.knots : n / 26) : 0;
    m->lever_col = 1 + (m->trend ? 1 + m->knots : 0) + 2 * m->harmonics;
    m->p = m->lever_col + k;
    size_t p = m->p;
    if (n < p + 2 * ns + 3) {
        st = diag_fail(WS_ERR_NA, "levers: %zu periods are too few for %zu levers and the "
                       "baseline (at least %zu needed)", n, k, p + 2 * ns + 3);
        goto done;
    }

    Z = mem_alloc(k * n * sizeof *Z);
    D = mem_alloc(n * p * sizeof *D);
    yn = mem_alloc(n * sizeof *yn);
    buf = mem_alloc((p * p + 2 * p) * sizeof *buf);
    best_rate = mem_alloc(2 * k * sizeof *best_rate);
    spend = mem_alloc((ns + 1) * sizeof *spend);
    nonneg = mem_calloc(p, 1);
    m->beta = mem_calloc(p, sizeof *m->beta);
    double *pen = mem_alloc(p * sizeof *pen);
    if (!Z || !D || !yn || !buf || !best_rate || !spend || !nonneg || !m->beta || !pen) {
        mem_free(pen);
        st = diag_nomem();
        goto done;
    }
    for (size_t t = 0; t < n; t++)
        yn[t] = quantize(m->y[t] / m->y_scale);
    normalise_levers(m, X, n, Z);
    fill_design(m, Z, n, D);
    for (size_t j = 0; j < p; j++)
        pen[j] = j == 0 || (m->trend && j == 1) ? 0.0 : 1.0;
    ns = 0;
    double spend_mean = 0;
    for (size_t j = 0; j < k; j++) {
        nonneg[m->lever_col + j] = kinds[j] == MMM_SPEND;
        if (kinds[j] == MMM_SPEND) {
            spend[ns++] = j;
            spend_mean += m->x_scale[j];
        }
    }
    /* The ridge on a spend lever weighs its coefficient by mean spend / its spend: in spend
     * units that is a penalty on (return per unit)^2 x spend share, whose minimum, for
     * levers that move together, gives them equal returns per unit spent, not equal
     * contributions (which would credit the smallest channel with the highest return). */
    for (size_t j = 0; j < k; j++)
        if (kinds[j] == MMM_SPEND)
            pen[m->lever_col + j] = quantize(spend_mean / (double)ns / m->x_scale[j]);
    c = (fitctx){.m = m, .Z = Z, .D = D, .yn = yn, .pen = pen, .nonneg = nonneg, .A = buf,
                 .b = buf + p * p, .beta = m->beta, .spend = spend, .ns = ns};

    /* Ridge weight by time-ordered validation. */
    size_t nv = (size_t)floor(opt.valid_frac * (double)n + 0.5);
    size_t nt = n - nv;
    double best_lambda = 1e-4;
    m->valid_rmse = NAN;
    if (nv >= 4 && nt >= p + 2 * ns + 3) {
        double best_err = HUGE_VAL;
        c.rows = nt;
        c.yy = 0;
        for (size_t t = 0; t < nt; t++)
            c.yy += yn[t] * yn[t];
        for (size_t g = 0; g < sizeof ridge_grid / sizeof ridge_grid[0]; g++) {
            c.lambda = ridge_grid[g];
            if ((st = search(&c, g == 0 ? 3 : 1, 1e-4)))
                goto pen_done;
            double err = 0;
            for (size_t t = nt; t < n; t++) {
                double f = 0;
                for (size_t j = 0; j < p; j++)
                    f += D[j * n + t] * m->beta[j];
                err += (yn[t] - f) * (yn[t] - f);
            }
            err = sqrt(err / (double)nv);
            if (err < best_err) {
                best_err = err;
                best_lambda = c.lambda;
                for (size_t j = 0; j < k; j++) {
                    best_rate[j] = m->rate[j];
                    best_rate[k + j] = m->half[j];
                }
            }
        }
        m->valid_rmse = best_err;
        for (size_t s = 0; s < ns; s++)
            set_spend(&c, s, best_rate[spend[s]], best_rate[k + spend[s]]);
    }
    c.lambda = m->lambda = best_lambda;
    c.rows = n;
    c.yy = 0;
    for (size_t t = 0; t < n; t++)
        c.yy += yn[t] * yn[t];
    if ((st = search(&c, 2, 1e-7)))
        goto pen_done;
    if (opt.delays && (st = choose_delays(&c)))
        goto pen_done;
    double pobj = objective(&c);
    if (!isfinite(pobj)) {
        st = diag_fail(WS_ERR_NUM, "the regression is singular: two levers may move together "
                       "exactly, or a lever may never vary");
        goto pen_done;
    }
    m->evaluations = c.evals;

    /* Fit statistics, noise and coefficient covariance. */
    double sse = 0, sst = 0, ape = 0, ymean = 0;
    bool zero = false;
    for (size_t t = 0; t < n; t++)
        ymean += m->y[t] / (double)n;
    for (size_t t = 0; t < n; t++) {
        double f = 0;
        for (size_t j = 0; j < p; j++)
            f += D[j * n + t] * m->beta[j];
        m->fitted[t] = f * m->y_scale;
        double e = m->y[t] - m->fitted[t];
        sse += e * e;
        sst += (m->y[t] - ymean) * (m->y[t] - ymean);
        if (m->y[t] == 0)
            zero = true;
        else
            ape += fabs(e / m->y[t]);
    }
    m->r2 = 1.0 - sse / sst;
    m->nrmse = sqrt(sse / (double)n) / (ymax - ymin);
    m->mape = zero ? NAN : ape / (double)n;
    size_t active = 0;
    for (size_t j = 0; j < p; j++)
        active += m->beta[j] != 0.0 || !nonneg[j];
    double dof = (double)n - (double)active - 2.0 * (double)ns;
    if (dof < 1)
        dof = 1;
    m->sigma = sqrt(sse / (m->y_scale * m->y_scale) / dof);
    if ((st = joint_covariance(&c)))
        goto pen_done;
    for (size_t j = 0; j < k; j++)
        if (kinds[j] == MMM_PRICE)
            m->elasticity[j] = m->beta[m->lever_col + j] * m->y_scale / ymean;
    m->warning[0] = '\0';
    m->suspect = k;
    if (opt.diagnose) {
        diagnose(&c, yn);
        extrapolation_check(&c);
    }
    *out = m;
    m = NULL;
pen_done:
    mem_free(pen);
done:
    mem_free(nonneg);
    mem_free(spend);
    mem_free(best_rate);
    mem_free(buf);
    mem_free(yn);
    mem_free(D);
    mem_free(Z);
    mmm_free(m);
    return st;
}

/* ----- uses ----- */

/* Design rows of the history followed by `h` future rows of levers F (h×k); D gets
 * (n+h)×p column-major. */
static ws_status
extended_design(const mmm_model *m, const double *F, size_t h, double **D_out, double **Z_out)
{
    size_t T = m->n + h;
    double *X = mem_alloc(T * m->k * sizeof *X), *Z = mem_alloc(T * m->k * sizeof *Z);
    double *D = mem_alloc(T * m->p * sizeof *D);
    if (!X || !Z || !D) {
        mem_free(X);
        mem_free(Z);
        mem_free(D);
        return diag_nomem();
    }
    memcpy(X, m->X, m->n * m->k * sizeof *X);
    if (h)
        memcpy(X + m->n * m->k, F, h * m->k * sizeof *X);
    normalise_levers(m, X, T, Z);
    fill_design(m, Z, T, D);
    mem_free(X);
    if (Z_out)
        *Z_out = Z;
    else
        mem_free(Z);
    *D_out = D;
    return WS_OK;
}

ws_status
mmm_counterfactual(const mmm_model *m, const double *Xalt, double *out)
{
    for (size_t i = 0; i < m->n * m->k; i++)
        if (!isfinite(Xalt[i]) || (m->kinds[i % m->k] == MMM_PRICE && Xalt[i] <= 0))
            return diag_fail(WS_ERR_NUM, "levers: value %zu is not usable", i + 1);
    double *Z = mem_alloc(m->n * m->k * sizeof *Z), *D = mem_alloc(m->n * m->p * sizeof *D);
    if (!Z || !D) {
        mem_free(Z);
        mem_free(D);
        return diag_nomem();
    }
    normalise_levers(m, Xalt, m->n, Z);
    fill_design(m, Z, m->n, D);
    for (size_t t = 0; t < m->n; t++) {
        double f = 0;
        for (size_t j = 0; j < m->p; j++)
            f += D[j * m->n + t] * m->beta[j];
        out[t] = f * m->y_scale;
    }
    mem_free(Z);
    mem_free(D);
    return WS_OK;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Linear-interpolated quantile of sorted v[0..n). */
static double
quantile_sorted(const double *v, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    if (i + 1 >= n)
        return v[n - 1];
    double f = pos - (double)i;
    return v[i] + f * (v[i + 1] - v[i]);
}

ws_status
mmm_simulate(const mmm_model *m, const double *scenario, size_t h, double level, size_t draws,
             uint64_t seed, double *mean, double *lower, double *upper)
{
    ws_status st = WS_OK;
    double *D = NULL, *Z = NULL, *paths = NULL, *bd = NULL;
    size_t n = m->n, p = m->p, q = m->q, k = m->k, T = n + h;
    for (size_t t = 0; t < h; t++)
        for (size_t j = 0; j < k; j++) {
            double x = scenario[t * k + j];
            if (isnan(x))
                return diag_fail(WS_ERR_NA, "scenario: blank cell in period %zu, lever %zu",
                                 t + 1, j + 1);
            if (!isfinite(x) || (m->kinds[j] == MMM_SPEND && x < 0) ||
                (m->kinds[j] == MMM_PRICE && x <= 0))
                return diag_fail(WS_ERR_NUM, "scenario: %g is not a valid %s in period %zu, "
                                 "lever %zu", x, m->kinds[j] == MMM_PRICE ? "price" : "value",
                                 t + 1, j + 1);
        }
    for (size_t j = 0; j < k; j++) {
        if (m->kinds[j] == MMM_CONTROL)
            continue;
        double lo = HUGE_VAL, hi = -HUGE_VAL, slo = HUGE_VAL, shi = -HUGE_VAL;
        for (size_t t = 0; t < n; t++) {
            lo = fmin(lo, m->X[t * k + j]);
            hi = fmax(hi, m->X[t * k + j]);
        }
        for (size_t t = 0; t < h; t++) {
            slo = fmin(slo, scenario[t * k + j]);
            shi = fmax(shi, scenario[t * k + j]);
        }
        if (h && (slo < lo || shi > hi * (m->kinds[j] == MMM_SPEND ? 1.5 : 1.0)))
            diag_warn("scenario: lever %zu goes outside the range seen in history "
                      "(%g..%g); the answer extrapolates", j + 1, lo, hi);
    }
    if ((st = extended_design(m, scenario, h, &D, &Z)))
        return st;
    for (size_t t = 0; t < h; t++) {
        double f = 0;
        for (size_t j = 0; j < p; j++)
            f += D[j * T + n + t] * m->beta[j];
        mean[t] = f * m->y_scale;
    }
    if (level > 0 && level < 1 && h > 0 && lower && upper) {
        if (draws < 2)
            draws = 2;
        paths = mem_alloc(h * draws * sizeof *paths);
        bd = mem_alloc((3 * q + 2 * h) * sizeof *bd);
        if (!paths || !bd) {
            st = diag_nomem();
            goto done;
        }
        double *z = bd + q, *delta = z + q, *f = delta + q, *col = f + h;
        size_t nt = (q - p) / 2;
        rng r;
        rng_seed(&r, seed);
        for (size_t d = 0; d < draws; d++) {
            draw_delta(m, &r, z, delta);
            for (size_t i = 0; i < q; i++) {
                double s = delta[i] + (i < p ? m->beta[i] : 0.0);
                if (i >= m->lever_col && i < p && m->kinds[i - m->lever_col] == MMM_SPEND &&
                    s < 0)
                    s = 0;
                bd[i] = s;
            }
            for (size_t t = 0; t < h; t++) {
                double v = 0;
                for (size_t j = 0; j < p; j++)
                    v += D[j * T + n + t] * bd[j];
                f[t] = v;
            }
            /* The curves of this draw, exactly: carry-over flowing in from history and the
             * saturation at the drawn rate and half (kept within the searched box). */
            for (size_t i = 0; i < nt; i++) {
                size_t j = m->theta_lever[i], cj = m->lever_col + j;
                double rate = fmin(fmax(m->rate[j] + delta[p + 2 * i], 0.0), MMM_RATE_MAX);
                double half = half_moved(m->half[j], delta[p + 2 * i + 1]);
                spend_rows(Z + j * T, n, T, rate, m->peak[j], half, col);
                for (size_t t = 0; t < h; t++)
                    f[t] += bd[cj] * (col[t] - D[cj * T + n + t]);
            }
            for (size_t t = 0; t < h; t++)
                paths[t * draws + d] = (f[t] + m->sigma * rng_normal(&r)) * m->y_scale;
        }
        for (size_t t = 0; t < h; t++) {
            double *v = paths + t * draws;
            qsort(v, draws, sizeof *v, cmp_double);
            lower[t] = quantile_sorted(v, draws, (1.0 - level) / 2.0);
            upper[t] = quantile_sorted(v, draws, (1.0 + level) / 2.0);
        }
    }
done:
    mem_free(bd);
    mem_free(paths);
    mem_free(Z);
    mem_free(D);
    return st;
}

void
mmm_contributions(const mmm_model *m, double *total, double *share, double *roi)
{
    size_t n = m->n, k = m->k;
    double *Z = mem_alloc(n * k * sizeof *Z), *D = mem_alloc(n * m->p * sizeof *D);
    double fitted = 0;
    for (size_t t = 0; t < n; t++)
        fitted += m->fitted[t];
    if (!Z || !D) {
        for (size_t j = 0; j <= k; j++)
            total[j] = share[j] = roi[j] = NAN;
        goto done;
    }
    normalise_levers(m, m->X, n, Z);
    fill_design(m, Z, n, D);
    double levers = 0;
    for (size_t j = 0; j < k; j++) {
        size_t col = m->lever_col + j;
        double s = 0, spent = 0;
        for (size_t t = 0; t < n; t++) {
            s += D[col * n + t];
            spent += m->X[t * k + j];
        }
        total[j] = s * m->beta[col] * m->y_scale;
        levers += total[j];
        roi[j] = m->kinds[j] == MMM_SPEND ? total[j] / spent : NAN;
    }
    total[k] = fitted - levers;
    roi[k] = NAN;
    for (size_t j = 0; j <= k; j++)
        share[j] = total[j] / fitted;
done:
    mem_free(Z);
    mem_free(D);
}

ws_status
mmm_roi_interval(const mmm_model *m, double level, size_t draws, uint64_t seed, double *lo,
                 double *hi)
{
    ws_status st = WS_OK;
    size_t n = m->n, k = m->k, p = m->p, q = m->q, nt = (q - p) / 2;
    double *Z = NULL, *v = NULL, *buf = NULL;
    for (size_t j = 0; j < k; j++)
        lo[j] = hi[j] = NAN;
    if (!(level > 0 && level < 1))
        return diag_fail(WS_ERR_NUM, "level: %g must be between 0 and 1", level);
    if (draws < 2)
        draws = 2;
    Z = mem_alloc(n * k * sizeof *Z);
    v = mem_alloc(k * draws * sizeof *v);
    buf = mem_alloc((2 * q + n + k) * sizeof *buf);
    if (!Z || !v || !buf) {
        st = diag_nomem();
        goto done;
    }
    double *z = buf, *delta = z + q, *col = delta + q, *spent = col + n;
    normalise_levers(m, m->X, n, Z);
    for (size_t j = 0; j < k; j++) {
        spent[j] = 0;
        for (size_t t = 0; t < n; t++)
            spent[j] += m->X[t * k + j];
    }
    rng r;
    rng_seed(&r, seed);
    for (size_t d = 0; d < draws; d++) {
        draw_delta(m, &r, z, delta);
        for (size_t j = 0; j < k; j++) {
            if (m->kinds[j] != MMM_SPEND)
                continue;
            double rate = m->rate[j], half = m->half[j];
            for (size_t i = 0; i < nt; i++)
                if (m->theta_lever[i] == j) {
                    rate = fmin(fmax(rate + delta[p + 2 * i], 0.0), MMM_RATE_MAX);
                    half = half_moved(half, delta[p + 2 * i + 1]);
                }
            double b = fmax(m->beta[m->lever_col + j] + delta[m->lever_col + j], 0.0), s = 0;
            spend_rows(Z + j * n, 0, n, rate, m->peak[j], half, col);
            for (size_t t = 0; t < n; t++)
                s += col[t];
            v[j * draws + d] = b * s * m->y_scale / spent[j];
        }
    }
    for (size_t j = 0; j < k; j++) {
        if (m->kinds[j] != MMM_SPEND)
            continue;
        qsort(v + j * draws, draws, sizeof *v, cmp_double);
        lo[j] = quantile_sorted(v + j * draws, draws, (1.0 - level) / 2.0);
        hi[j] = quantile_sorted(v + j * draws, draws, (1.0 + level) / 2.0);
    }
done:
    mem_free(buf);
    mem_free(v);
    mem_free(Z);
    return st;
}

void
mmm_recent(const mmm_model *m, double *level)
{
    size_t r = m->n < MMM_RECENT ? m->n : MMM_RECENT;
    for (size_t j = 0; j < m->k; j++) {
        double s = 0;
        for (size_t t = m->n - r; t < m->n; t++)
            s += m->X[t * m->k + j];
        level[j] = s / (double)r;
    }
}

/* Per-period contribution of lever j held at x, at steady state (KPI units). */
double
mmm_lever_response(const mmm_model *m, size_t j, double x)
{
    double b = m->beta[m->lever_col + j] * m->y_scale;
    switch (m->kinds[j]) {
    case MMM_SPEND:
        return b * saturate(x / m->x_scale[j], m->half[j]);
    case MMM_PRICE:
        return b * (log(x) - m->x_center[j]);
    case MMM_CONTROL:
        return b * x / m->x_scale[j];
    }
    return NAN;
}

/* Mean fitted baseline (intercept, trend, seasonality) of the last MMM_RECENT periods. */
static ws_status
recent_baseline(const mmm_model *m, double *out)
{
    double *D = NULL;
    ws_status st = extended_design(m, NULL, 0, &D, NULL);
    if (st)
        return st;
    size_t r = m->n < MMM_RECENT ? m->n : MMM_RECENT;
    double s = 0;
    for (size_t t = m->n - r; t < m->n; t++)
        for (size_t c = 0; c < m->lever_col; c++)
            s += D[c * m->n + t] * m->beta[c];
    mem_free(D);
    *out = s / (double)r * m->y_scale;
    return WS_OK;
}

ws_status
mmm_response(const mmm_model *m, size_t lever, const double *spends, size_t count, double *out)
{
    if (lever >= m->k)
        return diag_fail(WS_ERR_NUM, "lever: %zu is not a lever (1..%zu)", lever + 1, m->k);
    double *level = mem_alloc(m->k * sizeof *level);
    if (!level)
        return diag_nomem();
    mmm_recent(m, level);
    double base = 0;
    ws_status st = recent_baseline(m, &base);
    if (st) {
        mem_free(level);
        return st;
    }
    for (size_t j = 0; j < m->k; j++)
        if (j != lever)
            base += mmm_lever_response(m, j, level[j]);
    mem_free(level);
    for (size_t i = 0; i < count; i++) {
        double x = spends[i];
        if (isnan(x))
            return diag_fail(WS_ERR_VALUE, "spends: entry %zu is blank", i + 1);
        if ((m->kinds[lever] == MMM_SPEND && x < 0) ||
            (m->kinds[lever] == MMM_PRICE && x <= 0) || !isfinite(x))
            return diag_fail(WS_ERR_NUM, "spends: %g is not a valid level (entry %zu)", x,
                             i + 1);
    }
    for (size_t i = 0; i < count; i++)
        out[i] = base + mmm_lever_response(m, lever, spends[i]);
    return WS_OK;
}

/* ----- planning ----- */

typedef struct plan_lever {
    size_t j;
    double lo, hi;
    double d0;   /* marginal return at zero spend (KPI per unit) */
    double cx;   /* saturation scale in spend units: x/cx enters tanh */
    double b;    /* beta * y_scale * c: the ceiling in KPI units */
} plan_lever;

static double
plan_value(const plan_lever *L, double x)
{
    return L->b * tanh(x / L->cx);
}

/* The spend at which the marginal return falls to mu, clipped to the bounds. */
static double
plan_at(const plan_lever *L, double mu)
{
    if (!(L->d0 > 0))
        return L->lo;
    if (mu >= L->d0)
        return L->lo;
    if (mu <= 0)
        return L->hi;
    double x = L->cx * atanh(sqrt(1.0 - mu / L->d0));
    return fmin(fmax(x, L->lo), L->hi);
}

static double
sum_ordered(const double *x, size_t n)
{
    /* Kahan: the budget must hold to 1e-9 even for large budgets. */
    double s = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        double y = x[i] - c, t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return s;
}

static double
plan_total(const plan_lever *L, size_t ns, const double *x)
{
    double s = 0;
    for (size_t i = 0; i < ns; i++)
        s += plan_value(&L[i], x[i]);
    return s;
}

/* Move the budget gap into levers with room, largest room first, until it is closed. */
static void
plan_close_gap(const plan_lever *L, size_t ns, double budget, double *x)
{
    for (int round = 0; round < 4; round++) {
        double gap = budget - sum_ordered(x, ns);
        if (gap == 0)
            return;
        for (size_t i = 0; i < ns && gap != 0; i++) {
            double room = gap > 0 ? L[i].hi - x[i] : x[i] - L[i].lo;
            if (room <= 0)
                continue;
            double move = gap > 0 ? fmin(gap, room) : -fmin(-gap, room);
            x[i] += move;
            gap -= move;
        }
    }
}

/* Golden-section search of moving spend between two levers; keeps any improvement.  For
 * concave curves it confirms the KKT point; it guards the answer should a lever's curve
 * ever not be concave. */
static bool
plan_exchange(const plan_lever *L, size_t a, size_t b, double *x)
{
    double dmin = -fmin(x[a] - L[a].lo, L[b].hi - x[b]);
    double dmax = fmin(L[a].hi - x[a], x[b] - L[b].lo);
    if (!(dmax > dmin))
        return false;
    double base = plan_value(&L[a], x[a]) + plan_value(&L[b], x[b]);
    const double g = 0.61803398874989485;
    double lo = dmin, hi = dmax;
    for (int it = 0; it < 100 && hi - lo > 1e-13 * (fabs(x[a]) + fabs(x[b]) + 1e-300); it++) {
        double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
        double f1 = plan_value(&L[a], x[a] + m1) + plan_value(&L[b], x[b] - m1);
        double f2 = plan_value(&L[a], x[a] + m2) + plan_value(&L[b], x[b] - m2);
        if (f1 < f2)
            lo = m1;
        else
            hi = m2;
    }
    double d = 0.5 * (lo + hi);
    double f = plan_value(&L[a], x[a] + d) + plan_value(&L[b], x[b] - d);
    if (f > base + 1e-12 * fabs(base)) {
        x[a] += d;
        x[b] -= d;
        x[a] = fmin(fmax(x[a], L[a].lo), L[a].hi);
        x[b] = fmin(fmax(x[b], L[b].lo), L[b].hi);
        return true;
    }
    return false;
}

ws_status
mmm_plan(const mmm_model *m, double budget, double horizon, const double *lo, const double *hi,
         double *spend, double *change)
{
    ws_status st = WS_OK;
    size_t k = m->k, ns = 0;
    plan_lever *L = mem_alloc((k + 1) * sizeof *L);
    double *x = mem_alloc(2 * (k + 1) * sizeof *x), *level = mem_alloc((k + 1) * sizeof *level);
    if (!L || !x || !level) {
        st = diag_nomem();
        goto done;
    }
    double *alt = x + k + 1;
    if (!isfinite(budget) || budget < 0) {
        st = diag_fail(WS_ERR_NUM, "budget: %g is not a usable budget", budget);
        goto done;
    }
    if (!(horizon >= 0) || !isfinite(horizon)) {
        st = diag_fail(WS_ERR_NUM, "horizon: %g must be positive", horizon);
        goto done;
    }
    double lo_sum = 0, hi_sum = 0;
    for (size_t j = 0; j < k; j++) {
        if (m->kinds[j] != MMM_SPEND)
            continue;
        plan_lever *P = &L[ns++];
        P->j = j;
        P->lo = lo && !isnan(lo[j]) ? lo[j] : 0.0;
        P->hi = hi && !isnan(hi[j]) ? hi[j] : budget;
        if (P->lo < 0 || P->hi < P->lo || !isfinite(P->hi)) {
            st = diag_fail(WS_ERR_NUM, "min/max: the bounds of lever %zu (%g..%g) are not "
                           "usable", j + 1, P->lo, P->hi);
            goto done;
        }
        double c = m->half[j] / ATANH_HALF;
        double beta = m->beta[m->lever_col + j] * m->y_scale;
        P->cx = c * m->x_scale[j];
        P->b = beta * c;
        P->d0 = beta / m->x_scale[j];
        lo_sum += P->lo;
        hi_sum += P->hi;
    }
    if (ns == 0) {
        st = diag_fail(WS_ERR_NUM, "levers: no spend lever to plan");
        goto done;
    }
    double tol = 1e-12 * fmax(budget, 1.0);
    if (lo_sum > budget + tol || hi_sum < budget - tol) {
        st = diag_fail(WS_ERR_NUM, "budget: %g cannot be split within the bounds (minimums "
                       "sum to %g, maximums to %g)", budget, lo_sum, hi_sum);
        goto done;
    }
    /* KKT: every lever strictly inside its bounds has the same marginal return mu; the
     * summed spend falls as mu rises, so bisect mu (geometrically: it spans decades). */
    double dmax = 0;
    for (size_t i = 0; i < ns; i++)
        dmax = fmax(dmax, L[i].d0);
    double mlo = dmax * 1e-300, mhi = dmax;
    if (dmax > 0) {
        for (int it = 0; it < 2000 && mhi > mlo * (1 + 1e-15); it++) {
            double mid = it < 1000 ? sqrt(mlo * mhi) : 0.5 * (mlo + mhi);
            double s = 0;
            for (size_t i = 0; i < ns; i++)
                s += plan_at(&L[i], mid);
            if (s > budget)
                mlo = mid;
            else
                mhi = mid;
            if (it >= 1000 && mhi - mlo <= 1e-16 * mhi)
                break;
        }
    }
    for (size_t i = 0; i < ns; i++)
        x[i] = dmax > 0 ? plan_at(&L[i], mhi) : L[i].lo;
    plan_close_gap(L, ns, budget, x);
    /* Search the model beyond the local optimality conditions: start also from each
     * lever filled first, keep the best, then improve by pairwise exchanges. */
    double best = plan_total(L, ns, x);
    for (size_t first = 0; first < ns; first++) {
        for (size_t i = 0; i < ns; i++)
            alt[i] = L[i].lo;
        double room = budget - lo_sum;
        for (size_t r = 0; r < ns && room > 0; r++) {
            size_t i = (first + r) % ns;
            double add = fmin(room, L[i].hi - alt[i]);
            alt[i] += add;
            room -= add;
        }
        for (int sweep = 0; sweep < 30; sweep++) {
            bool moved = false;
            for (size_t a = 0; a < ns; a++)
                for (size_t b = a + 1; b < ns; b++)
                    moved |= plan_exchange(L, a, b, alt);
            if (!moved)
                break;
        }
        plan_close_gap(L, ns, budget, alt);
        double f = plan_total(L, ns, alt);
        if (f > best + 1e-12 * fabs(best)) {
            best = f;
            memcpy(x, alt, ns * sizeof *x);
        }
    }
    for (int sweep = 0; sweep < 10; sweep++) {
        bool moved = false;
        for (size_t a = 0; a < ns; a++)
            for (size_t b = a + 1; b < ns; b++)
                moved |= plan_exchange(L, a, b, x);
        if (!moved)
            break;
    }
    plan_close_gap(L, ns, budget, x);

    mmm_recent(m, level);
    double total = 0;
    for (size_t j = 0; j < k; j++) {
        spend[j] = NAN;
        change[j] = 0.0;
    }
    for (size_t i = 0; i < ns; i++) {
        size_t j = L[i].j;
        spend[j] = x[i];
        change[j] = horizon * (plan_value(&L[i], x[i]) - plan_value(&L[i], level[j]));
        total += change[j];
    }
    change[k] = total;
done:
    mem_free(level);
    mem_free(x);
    mem_free(L);
    return st;
}
