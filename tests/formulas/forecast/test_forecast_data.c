/* Forecasts on real competition series that once broke the intervals: simulated
 * multiplicative ETS parts gave bounds of 1e9..1e291 (M4 hourly H130 and H132, Tourism
 * monthly M42 and M100), which the auto combination averaged in; a CES part ran away on
 * the first 816 values of M4 hourly H247 (a bound of 2.2e6 at step 48 through the parts'
 * disagreement).  ETS alone: simulated paths of ETS(M,*,M) blew up to infinite bounds once
 * their level neared 0 (H130, H132, H133, M100), and ETS(M,Ad,M) forecast 0 for M1
 * quarterly QRF1 (values 0.3 to 8.3) with an upper bound of 2e46.  Reads the data from
 * $WS_SHARED_DATA at run time (evaluation data is never copied here); skips without it. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/mem.h"
#include "forecast/forecast.h"

/* The training values of series `id` in a "id,frequency,horizon,values..." file. */
static size_t
read_series(const char *path, const char *id, double *y, size_t cap, size_t *period)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    static char line[1 << 20];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(id);
        if (strncmp(line, id, len) != 0 || line[len] != ',')
            continue;
        char *p = line + len + 1;
        *period = (size_t)strtoul(p, &p, 10);
        strtoul(p + 1, &p, 10); /* horizon */
        while (*p == ',' && n < cap) {
            y[n++] = strtod(p + 1, &p);
        }
        break;
    }
    fclose(f);
    return n;
}

int
main(void)
{
    const char *data = getenv("WS_SHARED_DATA");
    if (!data)
        return 77;
    const struct {
        const char *file, *id;
        size_t h, first; /* the first `first` values (0: all) */
        fc_method method;
    } cases[] = {
        {"m4_hourly_train.csv", "H130", 48, 0, FC_AUTO},
        {"m4_hourly_train.csv", "H132", 48, 0, FC_AUTO},
        {"tourism_monthly_train.csv", "M42", 24, 0, FC_AUTO},
        {"tourism_monthly_train.csv", "M100", 24, 0, FC_AUTO},
        {"m4_hourly_train.csv", "H247", 48, 816, FC_AUTO},
        {"m4_hourly_train.csv", "H130", 48, 0, FC_ETS},
        {"m4_hourly_train.csv", "H132", 48, 0, FC_ETS},
        {"m4_hourly_train.csv", "H133", 48, 0, FC_ETS},
        {"tourism_monthly_train.csv", "M100", 24, 0, FC_ETS},
        {"m1_quarterly_train.csv", "QRF1", 8, 0, FC_ETS},
    };
    static double y[20000];
    int found = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/forecast/%s", data, cases[c].file);
        size_t period = 0;
        size_t n = read_series(path, cases[c].id, y, sizeof y / sizeof y[0], &period);
        if (n == 0)
            continue;
        if (cases[c].first && n > cases[c].first)
            n = cases[c].first;
        found++;
        double lo = y[0], hi = y[0];
        for (size_t i = 0; i < n; i++) {
            lo = y[i] < lo ? y[i] : lo;
            hi = y[i] > hi ? y[i] : hi;
        }
        fc_spec spec;
        fc_spec_default(&spec);
        spec.horizon = cases[c].h;
        spec.period = (int)period;
        spec.level = 0.95;
        spec.method = cases[c].method;
        fc_result r;
        CHECK_OK(fc_forecast(y, n, &spec, &r));
        /* Bounds are finite and within a few ranges of the history: wide is allowed,
         * absurd is not. */
        double range = hi - lo, worst = 0.0;
        for (size_t i = 0; i < r.horizon; i++) {
            CHECK(isfinite(r.lower[i]) && isfinite(r.upper[i]));
            CHECK(r.lower[i] <= r.mean[i] && r.mean[i] <= r.upper[i]);
            double width = r.upper[i] - r.lower[i];
            worst = width > worst ? width : worst;
        }
        if (!(worst < 10.0 * range))
            fprintf(stderr, "%s (%s): widest interval %g, history range %g\n", cases[c].id,
                    cases[c].method == FC_ETS ? "ets" : "auto", worst, range);
        CHECK(worst < 10.0 * range);
        /* A positive history's forecast stays above 0 (QRF1's went to 0 by step 3). */
        if (lo > 0.0)
            for (size_t i = 0; i < r.horizon; i++)
                CHECK(r.mean[i] > 0.0);
        fc_result_clear(&r);
    }
    if (!found)
        return 77;
    return check_summary("forecast-data");
}
