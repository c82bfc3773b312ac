/* Forecasting models on plain arrays: the exponential smoothing family (ETS), Theta,
 * naive and seasonal naive, and the "auto" strategy.  Used by the WS.FORECAST* formulas,
 * the forecast job and the benchmark. */
#ifndef WS_FORECAST_FORECAST_H
#define WS_FORECAST_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldsheet.h"

typedef enum fc_method {
    FC_AUTO = 0,
    FC_ETS = 1,
    FC_THETA = 2,
    FC_NAIVE = 3,
    FC_SNAIVE = 4
} fc_method;

typedef struct fc_spec {
    fc_method method;
    int period;     /* -1: detect; 0: none; >= 2: this period */
    size_t horizon; /* >= 1 */
    double level;   /* interval level in (0,1); 0: no interval */
    uint64_t seed;  /* for simulated intervals; fixed default in fc_spec_default */
    unsigned parts; /* FC_AUTO: the FC_PART_* it combines; 0 = FC_AUTO_PARTS */
    bool learned_widths; /* the widths are learned across series (a learned fc_plan's
                          * factors): auto's interval gets no Student's t widening for a
                          * short series nor tail shape at levels other than 95% */
} fc_spec;

typedef struct fc_result {
    size_t horizon;
    double *mean;  /* horizon values (mem_alloc) */
    double *lower; /* horizon values, or NULL when level == 0 */
    double *upper;
    size_t period;  /* the period used (0 = none) */
    char model[96]; /* what was fitted, e.g. "ETS(M,Ad,M) m=12", "Theta m=12" */
    double aicc;    /* of the ETS model (or auto's ETS part); NaN when none */
    double mase_in; /* in-sample one-step MASE */
    bool nonneg;    /* no value of the history was below 0: forecasts and bounds are >= 0 */
} fc_result;

void fc_spec_default(fc_spec *spec);

/* Forecast y[0..n) (NaN = missing: leading/trailing ignored, inner ones interpolated).
 * A series with no value below 0 (sales, visits, spend) is one that cannot go below 0: its
 * forecasts and bounds are floored at 0, which moves no bound an actual >= 0 could cross
 * and no forecast but closer to such an actual.  Fails with a reason: WS_ERR_NA (too few
 * points), WS_ERR_NUM (bad spec).  On success clear the result with fc_result_clear. */
ws_status fc_forecast(const double *y, size_t n, const fc_spec *spec, fc_result *out);
void fc_result_clear(fc_result *result);

/* The parts "auto" may combine: the forecast is their median (the mean of the middle two
 * when even; the mean of one or two), the interval the median forecast plus and minus the
 * parts' mean half-widths, widened by a calibration on the series' own past errors.  Each
 * part that needs a season works on data adjusted by a classical decomposition (of the
 * last 10 seasons, the indices shrunk towards none) when an autocorrelation test at the
 * period passes; a seasonal series is forecast at its coarser time scales too, and the
 * scales reconciled (temporal hierarchies, thief.c). */
enum {
    FC_PART_ETS = 1 << 0,    /* ETS selected by AICc (seasonal forms when period <= 24) */
    FC_PART_THETA = 1 << 1,  /* Theta (SES with drift), as R's thetaf */
    FC_PART_DAMPED = 1 << 2, /* ETS(A,Ad,N) on adjusted data */
    FC_PART_SES = 1 << 3,    /* ETS(A,N,N) on adjusted data */
    FC_PART_HOLT = 1 << 4,   /* ETS(A,A,N) on adjusted data */
    FC_PART_DOTM = 1 << 5,   /* dynamic optimised Theta (Fiorucci et al. 2016), adjusted */
    FC_PART_CES = 1 << 6,    /* complex exponential smoothing (Svetunkov et al.), adjusted */
    FC_PART_ARIMA = 1 << 7   /* ARIMA chosen as auto.arima (non-seasonal), adjusted */
};
#define FC_COMPONENTS_MAX 8
/* What FC_AUTO combines: on training holdouts (the last h values of every training series
 * of the twelve sets, no test file) the median of these four had the lowest mean OWA
 * (0.822; ETS, Theta, damped, DOTM and CES 0.829; the same with ARIMA 0.827, with ARIMA
 * in place of damped 0.824), and without ETS it is four times faster. */
#define FC_AUTO_PARTS (FC_PART_THETA | FC_PART_DOTM | FC_PART_CES | FC_PART_ARIMA)

/* fc_forecast with FC_AUTO meaning the combination of `parts` (spec->parts ignored);
 * other methods ignore `parts`. */
ws_status fc_forecast_parts(const double *y, size_t n, const fc_spec *spec, unsigned parts,
                            fc_result *out);

/* The parts whose own forecasts fc_forecast_members gives, in this order. */
#define FC_MEMBERS 4
extern const unsigned fc_member_parts[FC_MEMBERS]; /* Theta, DOTM, CES, ARIMA */
/* fc_forecast_parts, and members (FC_MEMBERS rows of spec->horizon values) each of
 * fc_member_parts' own forecast as fitted within it, reconciled over the temporal
 * hierarchy on its own: what fc_forecast_parts of that part alone gives, except that a
 * part that cannot be fitted (or is not in `parts`, or the method is not auto) gives NaN
 * rather than a fallback.  One pass instead of five. */
ws_status fc_forecast_members(const double *y, size_t n, const fc_spec *spec, unsigned parts,
                              double *members, fc_result *out);

/* Cross-learning for many series at once (pooled.c): one linear autoregression fitted on
 * the windows of all the series, each window in logs relative to its last season's mean
 * (Montero-Manso & Hyndman 2021), the mean of four such models with 1-4 seasons of lags.
 * y[i] holds n[i] values (NaN gaps as fc_forecast); out (count × horizon, row i for
 * series i) gets the forecasts from each series' last number, NaN for a series left out
 * (a value <= 0, fewer than 3 numbers, all of them equal).  WS_ERR_NA when fewer than
 * FC_POOL_MIN_SERIES series remain or they are too short to learn from. */
#define FC_POOL_MIN_SERIES 10
ws_status fc_pooled(const double *const *y, const size_t *n, size_t count, size_t period,
                    size_t horizon, double *out);
/* Gradient-boosted trees learned across the series (boosted.c, XGBoost): the next value
 * from the last 2 seasons (one for periods over 60; 6 values without a season) in logs
 * relative to their scale, the scale and their mean absolute change, forecast one step
 * at a time.  Same contract as
 * fc_pooled; series with no more values than lags are left out too.  `threads` is
 * XGBoost's (0: every core). */
ws_status fc_boosted(const double *const *y, const size_t *n, size_t count, size_t period,
                     size_t horizon, size_t threads, double *out);
/* The season many series share, for fc_pooled when none is given: the most common of
 * periods[0..count) (what each series' own forecast used, 0 for none; the smallest on a
 * tie; among the first 16 distinct values), 0 for no series. */
size_t fc_common_period(const size_t *periods, size_t count);
/* The share of the pooled forecast in a blend with a series' own: 0.30 with a season,
 * 0.15 without (chosen on training holdouts). */
double fc_pool_weight(size_t period);
/* Interval factors (fc_cross_learn) applied: each bound moves away from (factor[j] > 1)
 * or towards the forecast at step j + 1 (and stays >= 0 when res->nonneg). */
void fc_scale_interval(fc_result *res, const double *factor);

/* What the forecast job learns from the series' own last values before it forecasts
 * them (fc_cross_learn, plan.c): which forecasts to combine, with which weights.  The members:
 * auto's combination of `parts`, then Theta, DOTM, CES and ARIMA alone (each as auto
 * forecasts it, with its own temporal hierarchies), then the models learned across the
 * series: the pooled one and the boosted trees. */
enum {
    FC_MIX_COMBINED,
    FC_MIX_THETA,
    FC_MIX_DOTM,
    FC_MIX_CES,
    FC_MIX_ARIMA,
    FC_MIX_POOLED,
    FC_MIX_BOOSTED,
    FC_MIX_SIZE
};
typedef struct fc_plan {
    unsigned parts;             /* what the first member combines: FC_AUTO_PARTS or one part */
    double weight[FC_MIX_SIZE]; /* the members' shares, summing to 1 */
    bool learned;               /* false: the combination alone, blended as the caller sees fit */
} fc_plan;

/* The combination of `parts` (0: FC_AUTO_PARTS) alone, not learned. */
void fc_plan_default(fc_plan *plan, unsigned parts);

/* The models learned across a batch of series (fc_pooled, fc_boosted: FC_MIX_POOLED + g),
 * as a plan blends them into each series' own forecast (globals.c). */
#define FC_GLOBALS (FC_MIX_SIZE - FC_MIX_POOLED)
typedef struct fc_globals {
    size_t count, horizon;
    double share[FC_GLOBALS];  /* each model's share of a series' forecast */
    double *value[FC_GLOBALS]; /* count × horizon (NaN: a series left out); NULL: not fitted */
} fc_globals;
/* The shares a plan gives them: its weights when learned, else fc_pool_weight(period) for
 * the pooled model alone. */
void fc_globals_shares(const fc_plan *plan, size_t period, double *share);
/* Fit every model whose g->share is positive to y[0..count) (g->value[k] is NULL for a
 * model that cannot learn from them; values held before are overwritten, not freed);
 * threads as fc_boosted.  Fails only when out of memory or on a horizon outside
 * 1..FC_MAX_HORIZON (WS_ERR_NUM).  fc_globals_free frees the values. */
ws_status fc_globals_fit(const double *const *y, const size_t *n, size_t count, size_t period,
                         size_t horizon, size_t threads, fc_globals *g);
/* Series i's forecast res (its own, weighing 1 - the shares) blended with the models' at
 * their shares, at each step those with a number there (renormalised), its interval moved
 * by the same amount (floored at 0 when res->nonneg); " + pooled AR" / " + boosted trees"
 * added to its model. */
void fc_globals_blend(const fc_globals *g, size_t i, fc_result *res);
void fc_globals_free(fc_globals *g);

/* Validation across series: each of up to 500 evenly spaced series with h + 6 numbers or
 * more is forecast from h values before its end by every member, the models learned across
 * series being fitted on every series without its last h numbers (at spec->period, or the
 * season most of the picked series used).
 * The plan: a part alone when its score (the mean of the sMAPE ratio and the
 * MAE-over-naive ratio to the combination's, over the series, as OWA is to Naive2) is
 * below FC_SELECT_MARGIN, blended with the pooled model at fc_pool_weight; otherwise the
 * blend of the combination and the models learned across series (each at 0.75 ×
 * fc_pool_weight, or at fc_pool_weight alone), reweighted by ensemble selection on the
 * same values.  factor (spec->horizon values) gets the interval factors for the plan's
 * forecasts: the spec->level quantile over the series of |actual - forecast| / the
 * interval's half-width on the actual's side, per step with its neighbours, as many as
 * give 1,000 ratios (split conformal prediction).
 * Without the auto method or with fewer than FC_CALIB_MIN_SERIES such series: the
 * default plan (spec->parts), factors 1. */
#define FC_SELECT_MARGIN 0.90
#define FC_CALIB_MIN_SERIES 20
ws_status fc_cross_learn(const double *const *y, const size_t *n, size_t count,
                         const fc_spec *spec, fc_plan *plan, double *factor);

/* fc_cross_learn in steps, for callers that forecast the validation on several threads:
 * fc_learn_new notes the series (y and n are not copied: keep them until fc_learn_free) and
 * the threads fc_learn_finish may give fc_boosted,
 * fc_learn_forecast forecasts pick k, 0 <= k < fc_learn_picks (0 when nothing is to be
 * learned; different picks may be forecast at once on different threads), and
 * fc_learn_finish makes the plan and factors once every pick is forecast.  Only running
 * out of memory fails a pick. */
typedef struct fc_learn fc_learn;
ws_status fc_learn_new(const double *const *y, const size_t *n, size_t count,
                       const fc_spec *spec, size_t threads, fc_learn **out);
size_t fc_learn_picks(const fc_learn *l);
ws_status fc_learn_forecast(fc_learn *l, size_t k);
ws_status fc_learn_finish(fc_learn *l, fc_plan *plan, double *factor);
void fc_learn_free(fc_learn *l);

/* fc_forecast_parts of the plan's combination, its forecast replaced by the plan's local
 * members' weighted mean (their weights renormalised without the pooled model's; a member
 * that cannot forecast the series leaves its share to the others) and its interval moved
 * with it; " weighted" is added to the model when other members take part.  A plan of one
 * part alone forecasts with auto's combination where that part cannot be fitted.  The
 * shares of the models learned across series are the caller's to blend in
 * (fc_globals_blend). */
ws_status fc_forecast_plan(const double *y, size_t n, const fc_spec *spec, const fc_plan *plan,
                           fc_result *out);

#endif
