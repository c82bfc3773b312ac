/* Forecasting models on plain arrays: the exponential smoothing family (ETS), Theta,
 * naive and seasonal naive, and the "auto" strategy.  Used by the WS.FORECAST* formulas,
 * the forecast job and the benchmark. */
#ifndef WS_FORECAST_FORECAST_H
#define WS_FORECAST_FORECAST_H

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
} fc_spec;

typedef struct fc_result {
    size_t horizon;
    double *mean;  /* horizon values (mem_alloc) */
    double *lower; /* horizon values, or NULL when level == 0 */
    double *upper;
    size_t period;  /* the period used (0 = none) */
    char model[64]; /* what was fitted, e.g. "ETS(M,Ad,M) m=12", "Theta m=12" */
    double aicc;    /* of the ETS model (or auto's ETS part); NaN when none */
    double mase_in; /* in-sample one-step MASE */
} fc_result;

void fc_spec_default(fc_spec *spec);

/* Forecast y[0..n) (NaN = missing: leading/trailing ignored, inner ones interpolated).
 * Fails with a reason: WS_ERR_NA (too few points), WS_ERR_NUM (bad spec).  On success
 * clear the result with fc_result_clear. */
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

/* Cross-learning for many series at once (pooled.c): one linear autoregression fitted on
 * the windows of all the series, each window in logs relative to its last season's mean
 * (Montero-Manso & Hyndman 2021), the mean of four such models with 1-4 seasons of lags.
 * y[i] holds n[i] values (NaN gaps as fc_forecast); out (count × horizon, row i for
 * series i) gets the forecasts from each series' last number, NaN for a series left out
 * (a value <= 0, fewer than 3 numbers).  WS_ERR_NA when fewer than FC_POOL_MIN_SERIES
 * series remain or they are too short to learn from. */
#define FC_POOL_MIN_SERIES 10
ws_status fc_pooled(const double *const *y, const size_t *n, size_t count, size_t period,
                    size_t horizon, double *out);
/* The season many series share, for fc_pooled when none is given: the most common of
 * periods[0..count) (what each series' own forecast used, 0 for none; the smallest on a
 * tie; among the first 16 distinct values), 0 for no series. */
size_t fc_common_period(const size_t *periods, size_t count);
/* The share of the pooled forecast in a blend with a series' own: 0.30 with a season,
 * 0.15 without (chosen on training holdouts). */
double fc_pool_weight(size_t period);
/* Move res's forecast `weight` of the way to `pooled` (horizon values), its interval by the
 * same amount, and add " + pooled AR" to its model; unchanged when pooled has a NaN. */
void fc_blend_pooled(fc_result *res, const double *pooled, double weight);

/* Interval widths learned across series (split conformal): each of up to 500 evenly
 * spaced series with 2h + 3 numbers or more is forecast (with spec) from h values before
 * its end, blended with the pooled model of those truncated series when `pool` (at
 * pool_period), and factor[j] (spec->horizon values) becomes the spec->level quantile over
 * the series of |actual - forecast| / the interval's half-width on the actual's side at
 * step j + 1.  Factors stay 1 with fewer than FC_CALIB_MIN_SERIES such series, or without
 * an interval.  fc_scale_interval applies them: the bounds move away from (factor > 1) or
 * towards the forecast. */
#define FC_CALIB_MIN_SERIES 20
ws_status fc_cross_calibrate(const double *const *y, const size_t *n, size_t count,
                             const fc_spec *spec, bool pool, size_t pool_period, double *factor);
void fc_scale_interval(fc_result *res, const double *factor);

/* Which of auto's combination and its parts alone suits these series (validation across
 * series): each of up to 200 evenly spaced series with 2h + 3 numbers or more is forecast
 * from h values before its end by each candidate, scored relative to auto as OWA is to
 * Naive2 (the mean of the sMAPE ratio and the MAE-over-naive ratio, over the series), and
 * a part alone replaces the combination when its score is below FC_SELECT_MARGIN.
 * *parts gets the choice (FC_AUTO_PARTS when none wins, or with fewer than
 * FC_CALIB_MIN_SERIES such series). */
#define FC_SELECT_MARGIN 0.90
ws_status fc_cross_select(const double *const *y, const size_t *n, size_t count,
                          const fc_spec *spec, unsigned *parts);

#endif
