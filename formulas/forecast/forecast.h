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
} fc_spec;

typedef struct fc_result {
    size_t horizon;
    double *mean;  /* horizon values (mem_alloc) */
    double *lower; /* horizon values, or NULL when level == 0 */
    double *upper;
    size_t period;   /* the period used (0 = none) */
    char model[64];  /* what was fitted, e.g. "ETS(M,Ad,M) m=12", "Theta m=12" */
    double aicc;     /* NaN when the model has no likelihood */
    double mase_in;  /* in-sample one-step MASE */
} fc_result;

void fc_spec_default(fc_spec *spec);

/* Forecast y[0..n) (NaN = missing: leading/trailing ignored, inner ones interpolated).
 * Fails with a reason: WS_ERR_NA (too few points), WS_ERR_NUM (bad spec).  On success
 * clear the result with fc_result_clear. */
ws_status fc_forecast(const double *y, size_t n, const fc_spec *spec, fc_result *out);
void fc_result_clear(fc_result *result);

#endif
