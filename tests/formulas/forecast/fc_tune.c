/* Strategy evaluation on the TRAINING parts of the competition sets only: the last h
 * values of each training series are held out, the rest is forecast.  This is how the
 * "auto" combination was chosen without looking at any test file.  Not a test.
 *
 *     fc_tune SET [PARTS|auto|ets|theta|naive|snaive] [limit]
 * e.g. fc_tune m3_monthly 226 ; PARTS is the FC_PART_* mask for auto (ETS 1, Theta 2,
 * damped 4, SES 8, Holt 16, DOTM 32, CES 64, ARIMA 128; auto = FC_AUTO_PARTS = 226).
 * FC_BACK=B holds out the h values before the last B × h instead (an earlier origin; a
 * series too short for it is left out).  The frequency column is the period, except that
 * 1 means detect it (as WS.FORECAST's seasonality argument); FC_PERIOD=N overrides a
 * period >= 2, FC_DETECT=1 detects all.
 * FC_POOL=W blends every forecast with the pooled one (fc_pooled, fitted on the same
 * truncated series) at weight W, or at fc_pool_weight with FC_POOL=auto; FC_JOB=1 does
 * what the forecast job does: fc_cross_learn's plan on the same truncated series (its
 * members, the shares of the models learned across series, the interval factors), then
 * fc_forecast_plan and fc_globals_blend; FC_GROUP=S with it runs the job on each run of S
 * consecutive series alone (a user with S products) and sums the scores.
 * FC_LEVEL=P sets the interval's level (default 0.95).
 * Prints sMAPE, MASE, OWA (against Naive2), the interval's coverage (cov95 at 0.95), CPU
 * ms a series (the plan's learning not counted) and MSIS at the level (M4's scaled
 * interval score). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "forecast/fc_internal.h"
#include "forecast/forecast.h"
#include "num/season.h"

static double
smape1(double a, double f)
{
    double d = fabs(a) + fabs(f);
    return d > 0 ? 200.0 * fabs(a - f) / d : 0.0;
}

/* Naive2: naive on data adjusted by a multiplicative decomposition when the 90% test
 * passes (the M4 benchmark). */
static void
naive2(const double *y, size_t n, size_t m, size_t h, double *f)
{
    double idx[400];
    bool seas =
        m >= 2 && fc_seasonal_test(y, n, m, 1.645) && fc_decompose(y, n, m, true, idx) == WS_OK;
    double last = seas ? y[n - 1] / idx[(n - 1) % m] : y[n - 1];
    for (size_t i = 0; i < h; i++)
        f[i] = seas ? last * idx[(n + i) % m] : last;
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fc_tune SET [PARTS|ets|theta|naive|snaive] [limit]\n");
        return 2;
    }
    const char *dir = getenv("WS_SHARED_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/forecast/%s_train.csv", dir ? dir : "../shared/data", argv[1]);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", path);
        return 77;
    }
    fc_spec spec;
    fc_spec_default(&spec);
    if (getenv("FC_LEVEL"))
        spec.level = atof(getenv("FC_LEVEL"));
    unsigned parts = FC_AUTO_PARTS;
    if (argc > 2) {
        if (!strcmp(argv[2], "ets"))
            spec.method = FC_ETS;
        else if (!strcmp(argv[2], "theta"))
            spec.method = FC_THETA;
        else if (!strcmp(argv[2], "naive"))
            spec.method = FC_NAIVE;
        else if (!strcmp(argv[2], "snaive"))
            spec.method = FC_SNAIVE;
        else if (strcmp(argv[2], "auto") != 0)
            parts = (unsigned)atoi(argv[2]);
    }
    long limit = argc > 3 ? atol(argv[3]) : 1000000;
    int detect = getenv("FC_DETECT") != NULL;
    size_t back = getenv("FC_BACK") ? (size_t)atol(getenv("FC_BACK")) : 0;
    static char line[1 << 20];
    /* Every series first (the pooled model needs them all), then the forecasts. */
    size_t cap = 0, ns = 0;
    double **ys = NULL;
    size_t *lens = NULL, *hs = NULL, *periods = NULL;
    fgets(line, sizeof line, fp);
    while (fgets(line, sizeof line, fp) && (long)ns < limit) {
        char *tok = strtok(line, ",");
        tok = strtok(NULL, ",");
        int freq = atoi(tok);
        tok = strtok(NULL, ",");
        size_t h = (size_t)atoi(tok);
        double *y = malloc(100000 * sizeof *y);
        size_t n = 0;
        while ((tok = strtok(NULL, ",\n")))
            y[n++] = strtod(tok, NULL);
        n = n > back * h ? n - back * h : 0; /* an earlier origin */
        if (n < h + 3) {
            free(y);
            continue;
        }
        if (ns == cap) {
            cap = cap ? 2 * cap : 1024;
            ys = realloc(ys, cap * sizeof *ys);
            lens = realloc(lens, cap * sizeof *lens);
            hs = realloc(hs, cap * sizeof *hs);
            periods = realloc(periods, cap * sizeof *periods);
        }
        ys[ns] = y;
        lens[ns] = n - h; /* the last h values are the holdout */
        hs[ns] = h;
        periods[ns] = freq > 1 ? (size_t)freq : 0;
        ns++;
    }
    fclose(fp);
    /* FC_GROUP=S: the job on each run of S consecutive series alone (a user with S
     * products), the scores summed over the runs. */
    double sm = 0, ms = 0, sm2 = 0, ms2 = 0, cov = 0, covn = 0, secs = 0, msis = 0;
    long count = 0;
    size_t all = ns, group = getenv("FC_GROUP") ? (size_t)atol(getenv("FC_GROUP")) : 0;
    double **ys_all = ys;
    size_t *lens_all = lens, *hs_all = hs, *periods_all = periods;
    for (size_t g0 = 0; g0 < all; g0 += ns) {
        ys = ys_all + g0;
        lens = lens_all + g0;
        hs = hs_all + g0;
        periods = periods_all + g0;
        ns = group && all - g0 > group ? group : all - g0;
        /* The job's settings for the whole set: the period given, or detected (each series)
         * and the most common one for the pooled model. */
        int set_period = periods[0] >= 2 && !detect ? (int)periods[0] : -1;
        size_t pool_period = set_period > 0 ? (size_t)set_period : 0;
        if (set_period < 0 && ns) {
            size_t *found = malloc(ns * sizeof *found);
            for (size_t i = 0; i < ns; i++) {
                found[i] = season_detect(ys[i], lens[i]);
                found[i] = found[i] >= 2 ? found[i] : 0;
            }
            pool_period = fc_common_period(found, ns);
            free(found);
        }
        /* FC_JOB=1: the plan fc_cross_learn makes of the same truncated series, as the
         * forecast job does. */
        fc_plan plan;
        fc_plan_default(&plan, parts);
        double *factor = NULL;
        const char *pool = getenv("FC_POOL");
        if (getenv("FC_JOB") && ns && spec.method == FC_AUTO) {
            factor = malloc(hs[0] * sizeof *factor);
            spec.horizon = hs[0];
            spec.period = set_period;
            spec.parts = parts;
            struct timespec l0, l1;
            clock_gettime(CLOCK_MONOTONIC, &l0);
            fc_cross_learn((const double *const *)ys, lens, ns, &spec, &plan, factor);
            clock_gettime(CLOCK_MONOTONIC, &l1);
            fprintf(stderr, "%s: learned in %.2f s; plan parts %u weights", argv[1],
                    (double)(l1.tv_sec - l0.tv_sec) + 1e-9 * (double)(l1.tv_nsec - l0.tv_nsec),
                    plan.parts);
            for (int c = 0; c < FC_MIX_SIZE; c++)
                fprintf(stderr, " %.3f", plan.weight[c]);
            fprintf(stderr, "\n");
            pool = "auto";
        }
        fc_globals globals = {.share = {0}};
        if (plan.learned || (pool && strcmp(pool, "auto") == 0))
            fc_globals_shares(&plan, pool_period, globals.share);
        else if (pool)
            globals.share[0] = atof(pool);
        if (ns && fc_globals_fit((const double *const *)ys, lens, ns, pool_period, hs[0], 1,
                                 &globals) != WS_OK)
            fprintf(stderr, "globals: %s\n", ws_last_reason());
        for (size_t si = 0; si < ns; si++) {
            double *y = ys[si];
            size_t h = hs[si], nt = lens[si], m = periods[si];
            spec.horizon = h;
            /* The frequency column as WS.FORECAST's seasonality argument: 1 means detect. */
            spec.period = detect || m <= 1                ? -1
                          : getenv("FC_PERIOD") ? atoi(getenv("FC_PERIOD"))
                                                : (int)m;
            fc_result r;
            struct timespec t0, t1;
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
            ws_status st = fc_forecast_plan(y, nt, &spec, &plan, &r);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
            secs += (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
            if (st) {
                fprintf(stderr, "series %zu: failed\n", si);
                continue;
            }
            fc_globals_blend(&globals, si, &r);
            if (factor)
                fc_scale_interval(&r, factor);
            double f2[20000];
            naive2(y, nt, m, h, f2);
            size_t lag = m >= 2 && nt > m ? m : 1;
            double den = 0;
            for (size_t t = lag; t < nt; t++)
                den += fabs(y[t] - y[t - lag]);
            den /= (double)(nt - lag);
            double s1 = 0, s2 = 0, a1 = 0, a2 = 0, is = 0;
            for (size_t i = 0; i < h; i++) {
                double a = y[nt + i];
                s1 += smape1(a, r.mean[i]);
                s2 += smape1(a, f2[i]);
                a1 += fabs(a - r.mean[i]);
                a2 += fabs(a - f2[i]);
                cov += a >= r.lower[i] && a <= r.upper[i];
                /* MSIS at the interval's level (M4): width plus 2/alpha times the miss. */
                double alpha = 1.0 - spec.level;
                is += r.upper[i] - r.lower[i] +
                      (a < r.lower[i] ? 2.0 / alpha * (r.lower[i] - a) : 0.0) +
                      (a > r.upper[i] ? 2.0 / alpha * (a - r.upper[i]) : 0.0);
                if (getenv("FC_RATIO")) {
                    double hw = (r.upper[i] - r.lower[i]) / 2.0;
                    double c = (r.upper[i] + r.lower[i]) / 2.0;
                    fprintf(stderr, "R %zu %zu %.6g %zu\n", i, h,
                            hw > 0 ? fabs(a - c) / hw : 0.0, nt);
                }
                covn++;
            }
            if (getenv("FC_DUMP"))
                fprintf(stderr, "%ld %s %.3f\n", count, r.model, s1 / (double)h);
            sm += s1 / (double)h;
            sm2 += s2 / (double)h;
            if (den > 0) {
                msis += is / (double)h / den;
                ms += a1 / (double)h / den;
                ms2 += a2 / (double)h / den;
            }
            count++;
            fc_result_clear(&r);
        }
        fc_globals_free(&globals);
        free(factor);
    }
    ys = ys_all;
    lens = lens_all;
    hs = hs_all;
    periods = periods_all;
    ns = all;
    for (size_t si = 0; si < ns; si++)
        free(ys[si]);
    free(ys);
    free(lens);
    free(hs);
    free(periods);
    double owa = 0.5 * (sm / sm2 + ms / ms2);
    printf("%s parts=%s n=%ld sMAPE %.3f MASE %.4f OWA %.4f cov%02.0f %.3f  ms/series %.3f MSIS "
           "%.3f\n",
           argv[1], argc > 2 ? argv[2] : "auto", count, sm / count, ms / count, owa,
           100.0 * spec.level, cov / covn, 1000 * secs / count, msis / count);
    return 0;
}
