/* Golden cases for the forecast formulas through the public API: every error each formula
 * documents, with its reason, and the registry examples' results.  Sources: the examples
 * are hand calculations (naive: differences 2,-1,2,-1,2 give sigma^2 = 14/5, bounds
 * 14 -+ 1.959964 sqrt(2.8)); Theta on 1..8 has alpha at its bound 0.9999 and drift 0.5,
 * so its forecasts are 8.5 and 9 to 4 decimals. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "worldsheet.h"

static ws_range *
column(const double *v, size_t n)
{
    ws_range *r = NULL;
    ws_range_new(n, 1, &r);
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        ws_range_set_number(r, i, 0, v[i]);
    }
    return r;
}

static ws_range *
num(double v)
{
    ws_range *r = NULL;
    ws_range_new(1, 1, &r);
    ws_range_set_number(r, 0, 0, v);
    return r;
}

static ws_range *
text(const char *t)
{
    ws_range *r = NULL;
    ws_range_new(1, 1, &r);
    ws_range_set_text(r, 0, 0, t);
    return r;
}

/* Call and expect a 1×1 error with `err` whose reason contains `needle`. */
static void
expect_error(const char *name, ws_range **args, size_t n, ws_cell_error err,
             const char *needle)
{
    ws_range *out = NULL;
    CHECK_OK(ws_formula_call(name, (const ws_range *const *)args, n, &out));
    CHECK(out && ws_range_rows(out) == 1 && ws_range_error_at(out, 0, 0) == err);
    if (out && !strstr(ws_range_reason_at(out, 0, 0), needle)) {
        fprintf(stderr, "%s: reason '%s' lacks '%s'\n", name, ws_range_reason_at(out, 0, 0),
                needle);
        CHECK(0);
    }
    ws_range_free(out);
    for (size_t i = 0; i < n; i++)
        ws_range_free(args[i]);
}

int
main(void)
{
    const double y[] = {10, 12, 11, 13, 12, 14};
    ws_range *out = NULL;

    /* Examples */
    {
        double v[] = {10, 12, 11, 13, 12, 14};
        ws_range *a[] = {column(v, 6), num(1), num(0.95), num(0), text("naive")};
        CHECK_OK(ws_formula_call("WS.FORECAST_PI", (const ws_range *const *)a, 5, &out));
        CHECK(ws_range_rows(out) == 1 && ws_range_cols(out) == 3);
        CHECK_NEAR(ws_range_number_at(out, 0, 0), 14, 1e-12);
        CHECK_NEAR(ws_range_number_at(out, 0, 1), 10.72035296, 1e-6);
        CHECK_NEAR(ws_range_number_at(out, 0, 2), 17.27964704, 1e-6);
        ws_range_free(out);
        for (int i = 0; i < 5; i++)
            ws_range_free(a[i]);
    }
    {
        double v[] = {1, 2, 3, 4, 5, 6, 7, 8};
        ws_range *a[] = {column(v, 8), num(2), num(0), text("theta")};
        CHECK_OK(ws_formula_call("WS.FORECAST", (const ws_range *const *)a, 4, &out));
        CHECK(ws_range_rows(out) == 2 && ws_range_cols(out) == 1);
        CHECK_NEAR(ws_range_number_at(out, 0, 0), 8.5, 1e-4);
        CHECK_NEAR(ws_range_number_at(out, 1, 0), 9.0, 1e-4);
        ws_range_free(out);
        for (int i = 0; i < 4; i++)
            ws_range_free(a[i]);
    }
    {
        double v[] = {5, 5, 5, 5};
        ws_range *a[] = {column(v, 4)};
        CHECK_OK(ws_formula_call("WS.FORECAST_MODEL", (const ws_range *const *)a, 1, &out));
        CHECK_STR(ws_range_text_at(out, 0, 0), "Constant");
        ws_range_free(out);
        ws_range_free(a[0]);
    }
    {
        double v[24];
        for (int i = 0; i < 24; i++)
            v[i] = (double[]){1, 5, 9, 5}[i % 4];
        ws_range *a[] = {column(v, 24)};
        CHECK_OK(ws_formula_call("WS.SEASONALITY", (const ws_range *const *)a, 1, &out));
        CHECK_NEAR(ws_range_number_at(out, 0, 0), 4, 0);
        ws_range_free(out);
        ws_range_free(a[0]);
    }
    /* Every formula documents an example and its errors. */
    const char *names[] = {"WS.FORECAST", "WS.FORECAST_PI", "WS.FORECAST_MODEL",
                           "WS.SEASONALITY"};
    for (int i = 0; i < 4; i++) {
        const ws_formula_info *info = ws_formula_find(names[i]);
        CHECK(info && info->example && info->example_result && info->error_count >= 2);
    }

    /* #VALUE!: text in values names the cell */
    {
        ws_range *v = column(y, 6);
        ws_range_set_text(v, 3, 0, "n/a");
        ws_range *a[] = {v, num(3)};
        expect_error("WS.FORECAST", a, 2, WS_CELL_ERR_VALUE, "cell 4");
    }
    {
        ws_range *v = column(y, 6);
        ws_range_set_text(v, 2, 0, "x");
        ws_range *a[] = {v, num(3)};
        expect_error("WS.FORECAST_PI", a, 2, WS_CELL_ERR_VALUE, "cell 3");
    }
    {
        ws_range *v = column(y, 6);
        ws_range_set_text(v, 0, 0, "x");
        ws_range *a[] = {v};
        expect_error("WS.FORECAST_MODEL", a, 1, WS_CELL_ERR_VALUE, "cell 1");
    }
    {
        ws_range *v = column(y, 6);
        ws_range_set_text(v, 5, 0, "x");
        ws_range *a[] = {v};
        expect_error("WS.SEASONALITY", a, 1, WS_CELL_ERR_VALUE, "cell 6");
    }
    /* #VALUE!: unknown model */
    {
        ws_range *a[] = {column(y, 6), num(3), num(0), text("arima")};
        expect_error("WS.FORECAST", a, 4, WS_CELL_ERR_VALUE, "model");
    }
    {
        ws_range *a[] = {column(y, 6), num(3), num(0.9), num(0), text("prophet")};
        expect_error("WS.FORECAST_PI", a, 5, WS_CELL_ERR_VALUE, "model");
    }
    /* #NUM!: horizon */
    {
        ws_range *a[] = {column(y, 6), num(0)};
        expect_error("WS.FORECAST", a, 2, WS_CELL_ERR_NUM, "horizon");
    }
    {
        ws_range *a[] = {column(y, 6), num(10001)};
        expect_error("WS.FORECAST", a, 2, WS_CELL_ERR_NUM, "horizon");
    }
    {
        ws_range *a[] = {column(y, 6), num(-2)};
        expect_error("WS.FORECAST_PI", a, 2, WS_CELL_ERR_NUM, "horizon");
    }
    /* #NUM!: level */
    {
        ws_range *a[] = {column(y, 6), num(3), num(1)};
        expect_error("WS.FORECAST_PI", a, 3, WS_CELL_ERR_NUM, "level");
    }
    {
        ws_range *a[] = {column(y, 6), num(3), num(0)};
        expect_error("WS.FORECAST_PI", a, 3, WS_CELL_ERR_NUM, "level");
    }
    /* #NUM!: seasonality */
    {
        ws_range *a[] = {column(y, 6), num(3), num(-1)};
        expect_error("WS.FORECAST", a, 3, WS_CELL_ERR_NUM, "seasonality");
    }
    {
        ws_range *a[] = {column(y, 6), num(2.5)};
        expect_error("WS.FORECAST_MODEL", a, 2, WS_CELL_ERR_NUM, "seasonality");
    }
    {
        ws_range *a[] = {column(y, 6), num(3), num(0.9), num(-4)};
        expect_error("WS.FORECAST_PI", a, 4, WS_CELL_ERR_NUM, "seasonality");
    }
    /* #N/A: too little data */
    {
        double one[] = {NAN, 3, NAN};
        ws_range *a[] = {column(one, 3), num(3)};
        expect_error("WS.FORECAST", a, 2, WS_CELL_ERR_NA, "at least 2");
    }
    {
        double one[] = {3};
        ws_range *a[] = {column(one, 1), num(3)};
        expect_error("WS.FORECAST_PI", a, 2, WS_CELL_ERR_NA, "at least 2");
    }
    {
        double none[] = {NAN, NAN};
        ws_range *a[] = {column(none, 2)};
        expect_error("WS.FORECAST_MODEL", a, 1, WS_CELL_ERR_NA, "no numbers");
    }
    {
        double none[] = {NAN, NAN};
        ws_range *a[] = {column(none, 2)};
        expect_error("WS.SEASONALITY", a, 1, WS_CELL_ERR_NA, "no numbers");
    }
    /* Determinism through the API: identical results twice. */
    {
        double v[60];
        for (int i = 0; i < 60; i++)
            v[i] = 100 + i + 10 * sin(i * 0.5236) + (i * 37 % 11);
        ws_range *a[] = {column(v, 60), num(12)};
        ws_range *o1 = NULL, *o2 = NULL;
        CHECK_OK(ws_formula_call("WS.FORECAST_PI", (const ws_range *const *)a, 2, &o1));
        CHECK_OK(ws_formula_call("WS.FORECAST_PI", (const ws_range *const *)a, 2, &o2));
        int same = ws_range_rows(o1) == 12 && ws_range_cols(o1) == 3;
        for (size_t r = 0; same && r < 12; r++)
            for (size_t c = 0; c < 3; c++) {
                double x1 = ws_range_number_at(o1, r, c), x2 = ws_range_number_at(o2, r, c);
                same &= memcmp(&x1, &x2, sizeof x1) == 0 && isfinite(x1);
            }
        CHECK(same);
        ws_range_free(o1);
        ws_range_free(o2);
        ws_range_free(a[0]);
        ws_range_free(a[1]);
    }
    return check_summary("forecast-golden");
}
