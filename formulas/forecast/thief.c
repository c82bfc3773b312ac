/* Temporal hierarchies (THieF, Athanasopoulos, Hyndman, Kourentzes and Petropoulos 2017):
 * a seasonal series is also forecast at every aggregation level k that divides its period
 * m (monthly: 2, 3, 4, 6 and 12 months summed), each level by the same forecaster, and the
 * forecasts of all levels are reconciled into one coherent bottom-level forecast by
 * weighted least squares with structural scaling (a level's error variance taken as
 * proportional to k).  Trends are seen best at the top levels, seasons at the bottom ones,
 * and the reconciliation averages the noise of all of them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "forecast/fc_internal.h"
#include "forecast/forecast.h"
#include "num/linalg.h"

bool
fc_thief_fits(size_t len, size_t m, size_t h)
{
    return m >= 2 && m <= FC_THIEF_MAX_M && len / m * m / 2 >= FC_THIEF_MIN_POINTS &&
           (h + m - 1) / m * m <= FC_MAX_HORIZON;
}

ws_status
fc_thief(const double *x, size_t len, size_t m, const fc_spec *spec, unsigned parts,
         double *members, fc_result *out)
{
    size_t blocks = (spec->horizon + m - 1) / m; /* forecast top-level periods */
    size_t hb = blocks * m;                      /* bottom-level horizon */
    size_t full = len / m * m, off = len - full;
    /* One reconciliation (normal equations A, B) for the combination, and with members one
     * for each member on its own. */
    size_t sys = members ? 1 + FC_MEMBERS : 1, mb_len = members ? FC_MEMBERS * hb : 0;
    double *A = mem_calloc(sys * (m * m + m * blocks) + full + 2 * mb_len, sizeof *A);
    if (!A)
        return diag_nomem();
    double *B = A + sys * m * m, *agg = B + sys * m * blocks;
    double *bottom = agg + full, *level = bottom + mb_len; /* members at the two levels */
    fc_spec lev = *spec;
    lev.horizon = hb;
    ws_status st = fc_forecast_flat_members(x, len, &lev, parts, members ? bottom : NULL, out);
    if (st) {
        mem_free(A);
        return st;
    }
    for (size_t r = 0; r < sys; r++) {
        const double *f = r ? bottom + (r - 1) * hb : out->mean;
        for (size_t t = 0; t < hb; t++)
            B[r * m * blocks + t % m * blocks + t / m] = f[t];
        for (size_t s = 0; s < m; s++)
            A[r * m * m + s * m + s] = 1.0;
    }
    lev.level = 0.0;
    size_t joined = 0;
    for (size_t k = 2; k <= m; k++) {
        if (m % k)
            continue;
        /* Level k: sums of k consecutive values, aligned to end with the series. */
        size_t nk = full / k, hk = hb / k;
        if (nk < FC_THIEF_MIN_POINTS)
            continue;
        for (size_t i = 0; i < nk; i++) {
            double s = 0.0;
            for (size_t j = 0; j < k; j++)
                s += x[off + i * k + j];
            agg[i] = s;
        }
        lev.horizon = hk;
        lev.period = m / k >= 2 ? (int)(m / k) : 0;
        fc_result rk;
        ws_status sk = fc_forecast_flat_members(agg, nk, &lev, parts, members ? level : NULL, &rk);
        if (sk == WS_ERR_NOMEM) {
            st = sk;
            break;
        }
        if (sk) { /* a level that cannot be forecast is left out */
            diag_clear();
            continue;
        }
        /* Normal equations of min sum_k (1/k) sum_i (sum of bottom values in node i -
         * node i's forecast)^2, one right-hand side per top-level period. */
        double wk = 1.0 / (double)k;
        for (size_t r = 0; r < sys; r++) {
            const double *f = r ? level + (r - 1) * hk : rk.mean;
            if (!fc_plausible(agg, nk, f, hk))
                continue; /* a forecast that explodes (or is missing) is left out */
            double *Ar = A + r * m * m, *Br = B + r * m * blocks;
            for (size_t s = 0; s < m; s++) {
                for (size_t t = s / k * k; t < s / k * k + k; t++)
                    Ar[s * m + t] += wk;
                for (size_t b = 0; b < blocks; b++)
                    Br[s * blocks + b] += wk * f[b * (m / k) + s / k];
            }
            joined += r == 0;
        }
        fc_result_clear(&rk);
    }
    if (st == WS_OK && (st = linalg_spd_solve(A, B, m, blocks)) == WS_OK) {
        for (size_t t = 0; t < spec->horizon; t++) {
            double shift = B[t % m * blocks + t / m] - out->mean[t];
            out->mean[t] += shift;
            if (out->lower) {
                out->lower[t] += shift;
                out->upper[t] += shift;
            }
        }
        out->horizon = spec->horizon;
        size_t used = strlen(out->model);
        if (joined)
            snprintf(out->model + used, sizeof out->model - used, " + THieF");
    }
    for (size_t r = 1; st == WS_OK && r < sys; r++) {
        double *Br = B + r * m * blocks, *row = members + (r - 1) * spec->horizon;
        bool fitted = isfinite(bottom[(r - 1) * hb]);
        if (fitted && (st = linalg_spd_solve(A + r * m * m, Br, m, blocks)))
            break;
        for (size_t t = 0; t < spec->horizon; t++)
            row[t] = fitted ? Br[t % m * blocks + t / m] : NAN;
    }
    if (st)
        fc_result_clear(out);
    mem_free(A);
    return st;
}
