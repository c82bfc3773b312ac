/* The marketing world model (a media-mix model) on plain arrays.
 *
 * From a KPI history y (n) and levers X (n×k, row-major) it learns
 *
 *   y_t = b0 + b1 t/n + sum_q g_q (t - t_q)+/n                                  trend
 *         + sum_h (a_h sin(2 pi h t/P) + c_h cos(2 pi h t/P))                  seasonality
 *         + sum_spend   beta_j s_j(adstock_j(x_j / mean x_j)_t)               beta_j >= 0
 *         + sum_price   g_j (log p_jt - mean log p_j)                          elasticity
 *         + sum_control d_j z_jt / sd z_j                                      linear
 *         + noise.
 *
 * Carry-over is a normalised geometric adstock over MMM_LAGS periods (weights r^i / sum r^i,
 * rate r in [0, 0.9], zero spend before the first period), so spend held at a level x
 * settles at x; or, when it fits better by BIC, a delayed peak: weights r^|i - d| peaking
 * at lag d in 1..3.  Diminishing returns are the logistic (tanh) curve s(a) = c tanh(a/c) with
 * c = half / atanh(1/2): s rises with slope 1 at zero and reaches half of its ceiling at
 * `half`, the half-saturation point in units of the lever's mean spend.  Everything is
 * normalised (KPI by its mean, spend by its mean), so rescaling KPI or spend changes no
 * decision, only the units of the answers.
 *
 * Fitting: an outer deterministic search over (r, log half) of every spend lever — a
 * coordinate-wise grid, then BOBYQA (NLopt) on all of them — around an inner ridge
 * regression with non-negative media coefficients (active-set QP on the normal equations,
 * OpenBLAS/LAPACKE).  The ridge weight is chosen by time-ordered validation: fit on the
 * first 80%, score the last 20%, refit on everything with the best weight.
 *
 * Uncertainty: the residual variance and a Laplace (Gauss-Newton) approximation of the
 * joint posterior of the coefficients AND the carry-over rate and saturation curvature
 * (1/half^2) of every spend lever with a non-zero effect: covariance sigma^2 (J'J + P)^-1,
 * J the Jacobian of the fitted KPI in all of them (finite differences in the nonlinear
 * ones), P the ridge on the coefficients and a weak prior on the nonlinear parameters (sd
 * 0.26 on the rate, the sd of a uniform prior over the searched box; sd 4 on the
 * curvature), which keeps a curve the data cannot pin down from producing absurd draws.
 * Intervals are seeded simulations of parameters and noise; each draw recomputes
 * carry-over and saturation exactly at its own rate and half (kept within the searched
 * box), so the band includes the uncertainty of the curves, not only of the coefficients.
 *
 * The trend is linear with slope changes at `knots` evenly spaced points (hinges, ridge
 * penalised like Prophet's changepoints); the future continues the last slope.
 *
 * Elasticity of a price lever: g_j / mean(y), the log-log elasticity at the mean KPI.
 *
 * Confounding diagnostics (mmm_model.warning, also sent to diag_warn): (1) with no control
 * lever, a spend lever whose spend the trend and seasonality explain by a quarter or more
 * follows demand, and whatever drives demand is credited to it; (2) otherwise coefficient
 * stability (Oster 2019): the bias-adjusted effect beta* = beta~ - (beta° - beta~)(Rmax -
 * R~)/(R~ - R°), Rmax = min(1, 1.3 R~), from the levers-only fit (°) and the full fit (~);
 * beta* more than 50% away from beta~ warns.  (3) Extrapolated returns: a spend lever whose
 * spend never falls below 30% of its mean and that the other spend levers explain at R^2 >=
 * 0.7 has a return per unit spent that the history cannot measure (it is set by the curve
 * assumed below the data and by the ridge); the warning names such levers. */
#ifndef WS_SIMULATE_MMM_H
#define WS_SIMULATE_MMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldsheet.h"

#define MMM_LAGS 13        /* carry-over window, periods */
#define MMM_RATE_MAX 0.9   /* largest carry-over rate searched */
#define MMM_RECENT 8       /* "recent level" = mean of the last 8 periods */
#define MMM_WARNING_MAX 512

typedef enum mmm_kind { MMM_SPEND = 0, MMM_PRICE = 1, MMM_CONTROL = 2 } mmm_kind;

typedef struct mmm_options {
    double period;    /* seasonal period in rows (may be fractional: 52.18); 0 none; < 0 detect */
    size_t harmonics; /* Fourier pairs (default 2) */
    bool trend;       /* linear trend (default true) */
    size_t knots;     /* slope changes of the trend, evenly spaced, ridge penalised (4) */
    double valid_frac;/* share of the latest rows used to choose the ridge weight (0.2) */
    bool diagnose;    /* run the confounding checks (default true) */
    bool delays;      /* try delayed carry-over peaks at lags 1..3 (default true) */
} mmm_options;

void mmm_options_default(mmm_options *options);

typedef struct mmm_model {
    size_t n, k;        /* periods, levers */
    double *y;          /* n: the KPI as fitted (interior blanks interpolated) */
    double *X;          /* n×k row-major: the levers */
    mmm_kind *kinds;    /* k */
    double y_scale;     /* KPI normaliser (mean |y|) */
    double *x_scale;    /* k: mean of a spend lever, sd of a control, 1 for a price */
    double *x_center;   /* k: mean log price of a price lever, 0 otherwise */
    double *rate;       /* k: carry-over rate of a spend lever (0 otherwise) */
    double *half;       /* k: half-saturation in units of the lever's mean (NaN if not spend) */
    double *peak;       /* k: lag of the carry-over peak (0: geometric; 1..3: delayed) */
    double *elasticity; /* k: price elasticity at the mean KPI (NaN if not price) */
    double period;      /* seasonal period used (0 none) */
    size_t harmonics;
    bool trend;
    size_t knots;       /* trend slope changes */
    size_t p;           /* regression columns */
    size_t lever_col;   /* column of lever 0; lever j is column lever_col + j */
    double *beta;       /* p, normalised units */
    size_t q;           /* parameters drawn: p coefficients, then (rate, curvature) pairs */
    size_t *theta_lever;/* (q - p) / 2: the spend lever of each (rate, curvature) pair */
    double *chol;       /* q×q lower Cholesky factor of their joint covariance */
    double sigma;       /* residual sd, normalised units */
    double lambda;      /* chosen ridge weight */
    double valid_rmse;  /* validation RMSE of the chosen weight (normalised), NaN if none */
    double r2;          /* in-sample R^2 */
    double nrmse;       /* in-sample RMSE / (max y - min y) */
    double mape;        /* in-sample mean absolute percentage error (NaN if y has zeros) */
    double *fitted;     /* n, KPI units */
    size_t evaluations; /* inner regressions solved while fitting */
    size_t suspect;     /* the lever whose estimate may be confounded, k when none */
    char warning[MMM_WARNING_MAX]; /* "" or the diagnostic warnings, also sent to diag_warn */
} mmm_model;

/* Fit the model.  y has n entries (NaN = missing: interior gaps are interpolated with a
 * warning; missing first or last values are WS_ERR_NA), X is n×k row-major (NaN is
 * WS_ERR_NA).  Errors: WS_ERR_NUM for a lever that never varies, a non-positive price, a
 * KPI that never varies, or a price lever with a non-positive KPI; WS_ERR_NA for too few
 * periods (fewer than regression columns + 4).  `options` may be NULL.  Free with
 * mmm_free(). */
ws_status mmm_fit(const double *y, const double *X, size_t n, size_t k, const mmm_kind *kinds,
                  const mmm_options *options, mmm_model **out);
void mmm_free(mmm_model *model);

/* The fitted KPI over history with the levers replaced by Xalt (n×k), e.g. one lever set to
 * zero for a counterfactual.  out has n entries. */
ws_status mmm_counterfactual(const mmm_model *model, const double *Xalt, double *out);

/* Roll the model forward h periods under the lever plan `scenario` (h×k row-major,
 * continuing the history: carry-over flows in).  mean gets h values; when level is in
 * (0, 1), lower and upper get the central `level` interval from `draws` seeded
 * simulations of coefficients and noise (lower/upper may be NULL when level is 0). */
ws_status mmm_simulate(const mmm_model *model, const double *scenario, size_t h, double level,
                       size_t draws, uint64_t seed, double *mean, double *lower,
                       double *upper);

/* Contribution of each lever over the history and of the baseline (last entry): total
 * (KPI units; a spend lever against zero spend, a price against its mean log price, a
 * control against zero), share of the summed fitted KPI, and return per unit spent (spend
 * levers; NaN otherwise).  Each array has k + 1 entries. */
void mmm_contributions(const mmm_model *model, double *total, double *share, double *roi);

/* Central `level` interval (in (0, 1)) of each spend lever's return per unit spent, as in
 * mmm_contributions, from `draws` seeded draws of the joint posterior of coefficients and
 * curves.  lo and hi get k values (NaN for levers that are not spend).  WS_ERR_NUM for a
 * level outside (0, 1).  The intervals are conditional on the model's curves (concave from
 * zero spend): where the history never shows spend near zero (the extrapolation warning)
 * they measure the noise, not the assumption, and can miss a true return. */
ws_status mmm_roi_interval(const mmm_model *model, double level, size_t draws, uint64_t seed,
                           double *lo, double *hi);

/* Recent level of each lever: the mean of its last MMM_RECENT periods (k values). */
void mmm_recent(const mmm_model *model, double *level);

/* Expected KPI per period, at steady state, with lever `lever` held at each of spends[0..m)
 * and every other lever at its recent level.  The baseline is the mean fitted baseline of
 * the last MMM_RECENT periods. */
ws_status mmm_response(const mmm_model *model, size_t lever, const double *spends, size_t m,
                       double *out);

/* Steady-state contribution per period of spend lever j held at x (KPI units). */
double mmm_lever_response(const mmm_model *model, size_t j, double x);

/* The split of `budget` per period across the spend levers that maximises the expected
 * steady-state KPI, each within [lo[j], hi[j]] (k entries; entries of non-spend levers are
 * ignored; NULL lo = 0, NULL hi = budget).  spend gets k values (NaN for non-spend levers);
 * change gets k + 1 values: horizon × (contribution at the plan − at the recent level) per
 * lever, then the total.  The budget equality and the bounds hold to rounding.
 * WS_ERR_NUM when the bounds cannot meet the budget or there is no spend lever. */
ws_status mmm_plan(const mmm_model *model, double budget, double horizon, const double *lo,
                   const double *hi, double *spend, double *change);

#endif
