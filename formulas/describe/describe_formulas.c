/* WS.DESCRIBE: the nine numbers an analyst looks at first. */
#include <math.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "num/season.h"
#include "num/stats.h"
#include "registry.h"

static ws_status
describe_impl(const formula_args *args, ws_range **out)
{
    double *x = NULL, *work = NULL;
    size_t n = 0;
    ws_range *r = NULL;
    ws_status st = range_numbers(formula_arg(args, 0), "values", &x, &n);
    if (st)
        return st;
    size_t count = stats_count(x, n);
    if (count == 0) {
        st = diag_fail(WS_ERR_NA, "values: the range holds no numbers");
        goto done;
    }
    if (!(work = mem_alloc(n * sizeof *work))) {
        st = diag_nomem();
        goto done;
    }
    /* Leading and trailing blanks are not missing values, only gaps inside the series. */
    size_t first = 0, last = n;
    while (first < n && isnan(x[first]))
        first++;
    while (last > first && isnan(x[last - 1]))
        last--;
    size_t missing = (last - first) - count;
    const char *labels[] = {"count", "missing", "mean", "sd", "min", "median", "max",
                            "trend", "period"};
    double values[] = {
        (double)count,
        (double)missing,
        stats_mean(x, n),
        stats_sd(x, n),
        stats_min(x, n),
        stats_median(x, n, work),
        stats_max(x, n),
        stats_trend(x, n),
        (double)season_detect(x + first, last - first),
    };
    if ((st = ws_range_new(9, 2, &r)))
        goto done;
    for (size_t i = 0; i < 9; i++) {
        if ((st = ws_range_set_text(r, i, 0, labels[i])))
            goto done;
        if (isfinite(values[i]))
            st = ws_range_set_number(r, i, 1, values[i]);
        else
            st = ws_range_set_error(r, i, 1, WS_CELL_ERR_DIV0,
                                    "needs at least two values");
        if (st)
            goto done;
    }
    *out = r;
    r = NULL;
done:
    ws_range_free(r);
    mem_free(work);
    mem_free(x);
    return st;
}

static const ws_arg_info describe_args[] = {
    {"values", "a column or row of numbers; blanks are missing values", WS_ARG_NUMBERS,
     false},
};

static const char *const describe_errors[] = {
    "#VALUE!: a cell of values holds text or an error",
    "#N/A: values holds no numbers",
    "#DIV/0! (in the sd and trend rows): fewer than two numbers",
};

static const formula_def describe_defs[] = {
    {
        .info =
            {
                .name = "WS.DESCRIBE",
                .category = "Statistics",
                .summary = "Summarises a series: count, missing, mean, sd, min, median, max, "
                           "trend per period and detected seasonal period.",
                .returns = "9×2: label, value",
                .arg_count = 1,
                .args = describe_args,
                .example = "=WS.DESCRIBE({1;2;4;8})",
                .example_result = "count 4, missing 0, mean 3.75, sd 3.0957, min 1, "
                                  "median 3, max 8, trend 2.3, period 0",
                .error_count = sizeof describe_errors / sizeof describe_errors[0],
                .errors = describe_errors,
            },
        .impl = describe_impl,
    },
};

const formula_family describe_family = {describe_defs,
                                        sizeof describe_defs / sizeof describe_defs[0]};
