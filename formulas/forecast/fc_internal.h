/* Internals of the forecasting models, shared by forecast.c, ets.c, theta.c, thief.c, the
 * formulas, the job and the unit tests.  Everything works on clean series: no NaN,
 * already scaled to a magnitude near 1 (forecast.c does both). */
#ifndef WS_FORECAST_FC_INTERNAL_H
#define WS_FORECAST_FC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "forecast/forecast.h"
#include "worldsheet.h"

/* Seasonal ETS keeps one state per season; beyond this the heuristic initial states and
 * the likelihood surface make it unreliable and slow (R's ets stops at 24 as well), so
 * longer periods go through a classical decomposition instead. */
#define ETS_MAX_M 24

/* The longest horizon any model forecasts. */
#define FC_MAX_HORIZON 10000

enum { ETS_NONE = 0, ETS_ADD = 1, ETS_MUL = 2 };

typedef struct ets_model {
    int error;  /* ETS_ADD or ETS_MUL */
    int trend;  /* ETS_NONE or ETS_ADD */
    int season; /* ETS_NONE, ETS_ADD, ETS_MUL */
    bool damped;
} ets_model;

typedef struct ets_fit {
    ets_model model;
    size_t m; /* seasonal period (1 when non-seasonal) */
    double alpha, beta, gamma, phi;
    double l, b;            /* final level and slope */
    double s[ETS_MAX_M];    /* final seasonal states: s[t % m] serves time t */
    size_t n;               /* observations fitted */
    double sigma2;          /* residual variance (sse / (n - np)) */
    double mse;             /* sse / n */
    double aicc;            /* on the -2 log-likelihood of Hyndman et al. (2008) */
    size_t np;              /* parameters counted for AICc (incl. initial states, sigma) */
    size_t evals;           /* likelihood evaluations spent */
} ets_fit;

/* Fit one ETS model by maximum likelihood.  `fitted` (may be NULL) receives the n one-step
 * fitted values.  WS_ERR_NA when the model cannot be fitted to these data (too short,
 * non-positive data for a multiplicative form, no admissible parameters). */
ws_status ets_fit_model(const double *y, size_t n, size_t m, ets_model model, double *fitted,
                        ets_fit *out);

/* Which forms ets_select tries: non-seasonal only, all (R's default), or, when a season
 * can be fitted, seasonal only. */
enum { ETS_SEASONS_NONE = 0, ETS_SEASONS_ANY = 1, ETS_SEASONS_ONLY = 2 };

/* Fit every admissible model (as R's ets with its defaults: no multiplicative trend, no
 * additive error with multiplicative season) among `forms` and keep the one with the
 * lowest AICc.  Unlike R, a multiplicative form whose forecast level falls to 0 or below
 * within h steps is not admissible either. */
ws_status ets_select(const double *y, size_t n, size_t m, int forms, size_t h, double *fitted,
                     ets_fit *out);

/* Point forecasts 1..h. */
void ets_forecast(const ets_fit *fit, size_t h, double *mean);
/* Interval bounds at `level`: the analytic h-step variance for the linear (additive error,
 * non-multiplicative) forms, simulation with `seed` for the others.  `work` must hold
 * ETS_SIM_PATHS doubles. */
#define ETS_SIM_PATHS 1000
#define ETS_SIM_WORK (ETS_SIM_PATHS * (ETS_MAX_M + 3))
void ets_intervals(const ets_fit *fit, size_t h, double level, uint64_t seed,
                   const double *mean, double *lower, double *upper, double *work);
/* "ETS(M,Ad,M)". */
void ets_name(ets_model model, char *buf, size_t size);

/* ----- Theta (Assimakopoulos & Nikolopoulos 2000, as Hyndman & Billah 2003) ----- */
typedef struct theta_fit {
    double alpha;  /* SES smoothing */
    double level;  /* final SES level */
    double drift;  /* half the least-squares slope */
    double sigma2; /* SES one-step residual variance */
    size_t n;
} theta_fit;

/* SES with drift on (already seasonally adjusted) y.  fitted may be NULL. */
ws_status theta_fit_series(const double *y, size_t n, double *fitted, theta_fit *out);
void theta_forecast(const theta_fit *fit, size_t h, double *mean);
/* Standard error of the h-step forecast: the SES state-space form, as thetaf. */
double theta_se(const theta_fit *fit, size_t h);
/* How much wider than Theta's analytic intervals its in-sample errors at steps 1..h from
 * every origin past n/3 are: k[0..h), the root mean square of error / se, at least 1 and
 * growing with the step, except at a step with enough errors to tell (theta.c).  1 when
 * too short. */
void theta_calibration(const double *y, size_t n, size_t h, double *k);

/* ----- Dynamic optimised Theta (Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler
 * 2016, IJF 32:1151-1161): the theta line's weight, the smoothing and the initial level
 * fitted by least squares, with the trend line re-estimated at every time step. ----- */
typedef struct dotm_fit {
    double alpha;  /* SES smoothing of the data */
    double w;      /* 1 - 1/theta, in [0, 0.99] */
    double l0;     /* initial level */
    double level;  /* final level l_n */
    double a, b;   /* final intercept and slope of the least-squares line (time 1..n) */
    double sigma2; /* one-step residual variance */
    size_t n;
} dotm_fit;

ws_status dotm_fit_series(const double *y, size_t n, double *fitted, dotm_fit *out);
void dotm_forecast(const dotm_fit *fit, size_t h, double *mean);
double dotm_se(const dotm_fit *fit, size_t h);

/* ----- Complex exponential smoothing (Svetunkov, Kourentzes & Ord 2022), non-seasonal,
 * on adjusted data: level l and "information potential" c, complex smoothing a0 + i a1. */
typedef struct ces_fit {
    double a0, a1; /* the complex smoothing parameter */
    double l, c;   /* final states */
    double sigma2; /* one-step residual variance */
    size_t n;
} ces_fit;

ws_status ces_fit_series(const double *y, size_t n, double *fitted, ces_fit *out);
void ces_forecast(const ces_fit *fit, size_t h, double *mean);
/* Standard errors of the 1..h step forecasts (the linear state-space variance). */

/* ----- ARIMA(p,d,q) chosen as auto.arima chooses a non-seasonal model (arima.c), on
 * adjusted data: d by KPSS tests, p and q by the stepwise AICc search on Hannan-Rissanen
 * least squares, the chosen model fitted by conditional sum of squares. */
#define ARIMA_MAX_ORDER 5 /* p + q */
#define ARIMA_MAX_D 2
typedef struct arima_fit {
    int p, d, q;
    bool constant;                 /* a mean (d = 0) or a drift (d = 1) */
    double phi[ARIMA_MAX_ORDER];   /* y'_t - mu = sum phi_i (y'_{t-i} - mu) + e_t + ... */
    double theta[ARIMA_MAX_ORDER]; /* ... + sum theta_j e_{t-j}, y' differenced d times */
    double mu;
    double sigma2;             /* one-step residual variance */
    double aicc;               /* on the conditional sum of squares */
    double w[ARIMA_MAX_ORDER]; /* the last p differenced values, newest first */
    double e[ARIMA_MAX_ORDER]; /* the last q residuals, newest first */
    double y[ARIMA_MAX_D];     /* the last d values, newest first */
    size_t n;
} arima_fit;

/* The level-stationarity KPSS statistic with Newey-West lag trunc(3 sqrt(n) / 13), as
 * forecast::ndiffs (urca::ur.kpss, type "mu"); the 5% critical value is 0.463. */
double arima_kpss(const double *y, size_t n);
ws_status arima_fit_series(const double *y, size_t n, double *fitted, arima_fit *out);
void arima_forecast(const arima_fit *fit, size_t h, double *mean);
/* Standard errors of the 1..h step forecasts (from the psi weights). */
void arima_se(const arima_fit *fit, size_t h, double *se);
void ces_se(const ces_fit *fit, size_t h, double *se);

/* The series a model sees: inner gaps (NaN) interpolated linearly, leading and trailing
 * ones dropped; *out (mem_alloc) holds *len values.  WS_ERR_NA without numbers, WS_ERR_NUM
 * on an infinite value. */
ws_status fc_clean(const double *y, size_t n, double **out, size_t *len);
/* res's forecasts and bounds floored at 0 when res->nonneg (after anything moves them). */
void fc_result_floor(fc_result *res);

/* ----- seasonality helpers (theta.c) ----- */
/* The 90% test of thetaf / the M4 benchmarks on the raw series: is the autocorrelation at
 * lag m significant?  False when n <= 2m or the series is constant. */
bool fc_seasonal_test(const double *y, size_t n, size_t m, double z);
/* Classical decomposition indices idx[0..m) (idx[j] serves times t with t % m == j), by a
 * centred moving average; multiplicative when `mult`.  Needs n >= 2m.  WS_ERR_NA when an
 * index is not usable (a multiplicative index near 0). */
ws_status fc_decompose(const double *y, size_t n, size_t m, bool mult, double *idx);
/* fc_decompose, and *se2 the squared standard error of an index: the variance of the
 * detrended values behind each index over their count, averaged over the m indices
 * (relative to the indices' mean when multiplicative). */
ws_status fc_decompose_se(const double *y, size_t n, size_t m, bool mult, double *idx,
                          double *se2);

/* ----- temporal hierarchies (thief.c) ----- */
/* fc_forecast_parts without temporal hierarchies (forecast.c): what thief.c runs at each
 * level. */
ws_status fc_forecast_flat(const double *y, size_t n, const fc_spec *spec, unsigned parts,
                           fc_result *out);
/* The same with fc_forecast_members' members (NULL: none). */
ws_status fc_forecast_flat_members(const double *y, size_t n, const fc_spec *spec,
                                   unsigned parts, double *members, fc_result *out);
/* Temporal hierarchies for auto (thief.c): whether a clean series of len values with
 * period m gets them for horizon h (which they round up to whole periods), and the
 * forecast with them (x clean, m as fc_thief_fits allows).
 * A level joins when its aggregated series has FC_THIEF_MIN_POINTS values or more: on
 * training holdouts of the twelve sets, mean OWA 0.8059 with 20, 0.8065 with 12, 0.8085
 * with 8, 0.8095 with every level (0.8190 without hierarchies).  Periods over
 * FC_THIEF_MAX_M (168 hours, 336 half-hours) stay flat: their many levels cost more
 * than they were tried for. */
#define FC_THIEF_MAX_M 60
#define FC_THIEF_MIN_POINTS 20
bool fc_thief_fits(size_t len, size_t m, size_t h);
/* Whether a forecast f[0..h) is finite and stays within its history's range x[0..n)
 * widened by FC_PLAUSIBLE_ROOM times that range on each side.  A part of auto that fails
 * is left out (fc_add_kind), and so is a temporal level that fails (fc_thief): CES can run
 * away (at two-hour steps on a smooth M4 hourly series from 45 to -33,600 in 24 steps; on
 * the first 816 hours of M4 hourly H247 oscillating 69, 0, 105, 0, 188, ...), and while
 * the median of the parts stays clear of it, the parts' disagreement and a level's weight
 * would carry it into the result. */
#define FC_PLAUSIBLE_ROOM 10.0
bool fc_plausible(const double *x, size_t n, const double *f, size_t h);
ws_status fc_thief(const double *x, size_t len, size_t m, const fc_spec *spec, unsigned parts,
                   double *members, fc_result *out);

/* ----- learning across series (globals.c, pooled.c, boosted.c, plan.c) ----- */
/* fc_clean, except that a series without numbers is not an error: *x is NULL then. */
ws_status fc_clean_or_none(const double *y, size_t n, double **x, size_t *len);
/* own × (1 - every share) + the shares of values[g] (FC_GLOBALS each) that are numbers,
 * renormalised; used[g] (when not NULL) is set for those. */
double fc_globals_mix(double own, const double *share, const double *values, bool *used);
/* A series as the models learned across series see it: cleaned (fc_clean), with its
 * logs.  x is NULL for a series left out: no numbers, fewer than 3, a value <= 0 (no
 * logs), or all equal (nothing to learn, and a model's intercepts would make it drift). */
typedef struct fc_global_series {
    double *x, *lx;
    size_t n;
} fc_global_series;
/* Prepare gs[0..count) (zeroed first); *usable counts the series kept.  Only running out of
 * memory fails.  fc_global_free frees them. */
ws_status fc_global_prepare(const double *const *y, const size_t *n, size_t count,
                            fc_global_series *gs, size_t *usable);
void fc_global_free(fc_global_series *gs, size_t count);

/* Select the k-th smallest of x[0..n) (partially reorders x). */
double fc_select_kth(double *x, size_t n, size_t k);

#endif
