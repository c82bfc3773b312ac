/* WS.FORECAST, WS.FORECAST_PI, WS.FORECAST_MODEL, WS.SEASONALITY: thin wrappers over
 * fc_forecast and season_detect. */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"
#include "forecast/forecast.h"
#include "num/season.h"
#include "registry.h"

static ws_status
fc_arg_horizon(const formula_args *args, size_t i, size_t *out)
{
    double h = formula_arg_number(args, i, NAN);
    if (!(h >= 1.0 && h <= 10000.0))
        return diag_fail(WS_ERR_NUM, "horizon: %g is outside 1..10000", h);
    *out = (size_t)floor(h);
    return WS_OK;
}

/* omitted or 1: detect; 0: none; n >= 2: that period. */
static ws_status
fc_arg_period(const formula_args *args, size_t i, int *out)
{
    double p = formula_arg_number(args, i, 1.0);
    if (!(p >= 0.0 && p <= 100000.0) || p != floor(p))
        return diag_fail(WS_ERR_NUM,
                         "seasonality: %g is not 0 (none), 1 (detect) or a whole period", p);
    *out = p == 1.0 ? -1 : (int)p;
    return WS_OK;
}

static ws_status
fc_arg_method(const formula_args *args, size_t i, fc_method *out)
{
    static const struct {
        const char *name;
        fc_method method;
    } names[] = {{"auto", FC_AUTO},   {"ets", FC_ETS},       {"theta", FC_THETA},
                 {"naive", FC_NAIVE}, {"snaive", FC_SNAIVE}};
    const char *text = formula_arg_text(args, i, "auto");
    if (!*text) {
        *out = FC_AUTO;
        return WS_OK;
    }
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (strcasecmp(text, names[k].name) == 0) {
            *out = names[k].method;
            return WS_OK;
        }
    }
    return diag_fail(WS_ERR_VALUE,
                     "model: '%s' is not auto, ets, theta, naive or snaive", text);
}

/* Read the values and run the model; the caller clears *res. */
static ws_status
fc_run(const formula_args *args, const fc_spec *spec, fc_result *res)
{
    double *y = NULL;
    size_t n = 0;
    ws_status st = range_numbers(formula_arg(args, 0), "values", &y, &n);
    if (st)
        return st;
    st = fc_forecast(y, n, spec, res);
    mem_free(y);
    return st;
}

static ws_status
forecast_impl(const formula_args *args, ws_range **out)
{
    fc_spec spec;
    fc_result res;
    memset(&res, 0, sizeof res);
    fc_spec_default(&spec);
    spec.level = 0.0;
    ws_status st;
    if ((st = fc_arg_horizon(args, 1, &spec.horizon)) ||
        (st = fc_arg_period(args, 2, &spec.period)) || (st = fc_arg_method(args, 3, &spec.method)))
        return st;
    if ((st = fc_run(args, &spec, &res)))
        return st;
    st = range_from_doubles(res.mean, res.horizon, 1, out);
    fc_result_clear(&res);
    return st;
}

static ws_status
forecast_pi_impl(const formula_args *args, ws_range **out)
{
    fc_spec spec;
    fc_result res;
    double *table = NULL;
    memset(&res, 0, sizeof res);
    fc_spec_default(&spec);
    ws_status st;
    if ((st = fc_arg_horizon(args, 1, &spec.horizon)))
        return st;
    spec.level = formula_arg_number(args, 2, 0.95);
    if (!(spec.level > 0.0 && spec.level < 1.0))
        return diag_fail(WS_ERR_NUM, "level: %g is outside (0, 1)", spec.level);
    if ((st = fc_arg_period(args, 3, &spec.period)) ||
        (st = fc_arg_method(args, 4, &spec.method)))
        return st;
    if ((st = fc_run(args, &spec, &res)))
        return st;
    if (!(table = mem_alloc(3 * res.horizon * sizeof *table))) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0; i < res.horizon; i++) {
        table[3 * i] = res.mean[i];
        table[3 * i + 1] = res.lower[i];
        table[3 * i + 2] = res.upper[i];
    }
    st = range_from_doubles(table, res.horizon, 3, out);
done:
    mem_free(table);
    fc_result_clear(&res);
    return st;
}

static ws_status
forecast_model_impl(const formula_args *args, ws_range **out)
{
    fc_spec spec;
    fc_result res;
    ws_range *r = NULL;
    memset(&res, 0, sizeof res);
    fc_spec_default(&spec);
    spec.level = 0.0;
    spec.horizon = 1;
    ws_status st;
    if ((st = fc_arg_period(args, 1, &spec.period)))
        return st;
    if ((st = fc_run(args, &spec, &res)))
        return st;
    if (!(st = ws_range_new(1, 1, &r)) && !(st = ws_range_set_text(r, 0, 0, res.model))) {
        *out = r;
        r = NULL;
    }
    ws_range_free(r);
    fc_result_clear(&res);
    return st;
}

static ws_status
seasonality_impl(const formula_args *args, ws_range **out)
{
    double *y = NULL;
    size_t n = 0, count = 0;
    ws_status st = range_numbers(formula_arg(args, 0), "values", &y, &n);
    if (st)
        return st;
    for (size_t i = 0; i < n; i++)
        count += !isnan(y[i]);
    if (count == 0) {
        st = diag_fail(WS_ERR_NA, "values: the range holds no numbers");
    } else {
        double p = (double)season_detect(y, n);
        st = range_from_doubles(&p, 1, 1, out);
    }
    mem_free(y);
    return st;
}

#define FC_VALUES_ARG                                                                      \
    {"values", "the history, oldest first: a column or row of numbers; blanks inside are "  \
               "interpolated, leading and trailing blanks ignored; without a negative "     \
               "number, forecasts and bounds stay at 0 or above",                           \
     WS_ARG_NUMBERS, false}
#define FC_SEASON_ARG                                                                      \
    {"seasonality", "omitted or 1: detect the period; 0: no season; n >= 2: period n",     \
     WS_ARG_NUMBER, true}
#define FC_MODEL_ARG                                                                       \
    {"model", "\"auto\" (default: the median of Theta, optimised Theta, complex "          \
              "exponential smoothing and ARIMA, for a seasonal series reconciled across "  \
              "time scales: \"+ THieF\"), \"ets\", \"theta\", \"naive\" or \"snaive\"",    \
     WS_ARG_TEXT, true}

static const ws_arg_info forecast_args[] = {
    FC_VALUES_ARG,
    {"horizon", "how many periods ahead, 1 to 10000", WS_ARG_NUMBER, false},
    FC_SEASON_ARG,
    FC_MODEL_ARG,
};

static const ws_arg_info forecast_pi_args[] = {
    FC_VALUES_ARG,
    {"horizon", "how many periods ahead, 1 to 10000", WS_ARG_NUMBER, false},
    {"level", "interval probability, between 0 and 1 (default 0.95)", WS_ARG_NUMBER, true},
    FC_SEASON_ARG,
    FC_MODEL_ARG,
};

static const ws_arg_info forecast_model_args[] = {
    FC_VALUES_ARG,
    FC_SEASON_ARG,
};

static const ws_arg_info seasonality_args[] = {
    {"values", "a column or row of numbers, oldest first; blanks are missing values",
     WS_ARG_NUMBERS, false},
};

static const char *const forecast_errors[] = {
    "#VALUE!: a cell of values holds text or an error (the reason names the cell), or "
    "model is not one of auto, ets, theta, naive, snaive",
    "#NUM!: horizon is below 1 or above 10000, seasonality is negative or not whole, or "
    "values hold an infinite number",
    "#N/A: values hold fewer than 2 numbers",
};

static const char *const forecast_pi_errors[] = {
    "#VALUE!: a cell of values holds text or an error (the reason names the cell), or "
    "model is not one of auto, ets, theta, naive, snaive",
    "#NUM!: horizon is below 1 or above 10000, level is not strictly between 0 and 1, "
    "seasonality is negative or not whole, or values hold an infinite number",
    "#N/A: values hold fewer than 2 numbers",
};

static const char *const forecast_model_errors[] = {
    "#VALUE!: a cell of values holds text or an error (the reason names the cell)",
    "#NUM!: seasonality is negative or not whole, or values hold an infinite number",
    "#N/A: values hold fewer than 2 numbers",
};

static const char *const seasonality_errors[] = {
    "#VALUE!: a cell of values holds text or an error (the reason names the cell)",
    "#N/A: values hold no numbers",
};

static const formula_def forecast_defs[] = {
    {
        .info =
            {
                .name = "WS.FORECAST",
                .category = "Forecasting",
                .summary = "Forecasts the next periods of a series with a combination of "
                           "Theta, CES and ARIMA, exponential smoothing, Theta or naive methods.",
                .returns = "horizon×1: point forecasts",
                .arg_count = sizeof forecast_args / sizeof forecast_args[0],
                .args = forecast_args,
                .example = "=WS.FORECAST({1;2;3;4;5;6;7;8};2;0;\"theta\")",
                .example_result = "8.5; 9",
                .error_count = sizeof forecast_errors / sizeof forecast_errors[0],
                .errors = forecast_errors,
            },
        .impl = forecast_impl,
    },
    {
        .info =
            {
                .name = "WS.FORECAST_PI",
                .category = "Forecasting",
                .summary = "Forecasts the next periods of a series with a prediction "
                           "interval at the given level.",
                .returns = "horizon×3: forecast, lower bound, upper bound",
                .arg_count = sizeof forecast_pi_args / sizeof forecast_pi_args[0],
                .args = forecast_pi_args,
                .example = "=WS.FORECAST_PI({10;12;11;13;12;14};1;0.95;0;\"naive\")",
                .example_result = "14, 10.72, 17.28",
                .error_count = sizeof forecast_pi_errors / sizeof forecast_pi_errors[0],
                .errors = forecast_pi_errors,
            },
        .impl = forecast_pi_impl,
    },
    {
        .info =
            {
                .name = "WS.FORECAST_MODEL",
                .category = "Forecasting",
                .summary = "Names the model that WS.FORECAST's auto mode uses for a series, "
                           "with the seasonal period.",
                .returns = "text, e.g. \"Comb(Theta+DOTM+CES+ARIMA) m=12 + THieF\"",
                .arg_count = sizeof forecast_model_args / sizeof forecast_model_args[0],
                .args = forecast_model_args,
                .example = "=WS.FORECAST_MODEL({5;5;5;5})",
                .example_result = "Constant",
                .error_count = sizeof forecast_model_errors / sizeof forecast_model_errors[0],
                .errors = forecast_model_errors,
            },
        .impl = forecast_model_impl,
    },
    {
        .info =
            {
                .name = "WS.SEASONALITY",
                .category = "Forecasting",
                .summary = "Detects the seasonal period of a series by a significance test "
                           "on its autocorrelation (0 when there is none).",
                .returns = "1×1: the period, or 0",
                .arg_count = 1,
                .args = seasonality_args,
                .example = "=WS.SEASONALITY({1;5;9;5;1;5;9;5;1;5;9;5;1;5;9;5;1;5;9;5;1;5;9;5})",
                .example_result = "4",
                .error_count = sizeof seasonality_errors / sizeof seasonality_errors[0],
                .errors = seasonality_errors,
            },
        .impl = seasonality_impl,
    },
};

const formula_family forecast_family = {forecast_defs,
                                        sizeof forecast_defs / sizeof forecast_defs[0]};
