/* fcbench: the forecasting benchmark of issue 3.
 *
 * For each competition set (../shared/data/forecast) it runs fc_forecast (auto and, on
 * request, its parts) and scores, with one metric code, every row of the comparison:
 * worldsheet, the M4 Naive2 benchmark (implemented here: it is the OWA denominator), a
 * seasonal naive, R's forecast package (cached CSVs written by r_baseline.R), the original
 * M3 submissions and LibreOffice's FORECAST.ETS.ADD (cached by libreoffice_ets.py).
 * worldsheet gets a set's frequency column as WS.FORECAST's seasonality argument: 12
 * means period 12, and 1 (yearly, "other" and, as M4 has it, weekly) means detect.
 *
 * Metrics as in the M4 competition (Makridakis, Spiliotis & Assimakopoulos 2020, and the
 * M4 benchmark code "Benchmarks_and_Evaluation.R"):
 *   sMAPE = mean 200 |y - f| / (|y| + |f|)                      (percent)
 *   MASE  = mean |y - f| / scale, scale = in-sample MAE of the seasonal naive at the
 *           period of the frequency column
 *   OWA   = (sMAPE / sMAPE_Naive2 + MASE / MASE_Naive2) / 2, over the same series
 *   MSIS  = mean [(U - L) + 40 (L - y) 1{y < L} + 40 (y - U) 1{y > U}] / scale, at 95%
 *   coverage = share of test points inside the interval, over all points of the set
 * sMAPE, MASE and MSIS are averaged per series, then over the series.
 *
 * This is a benchmark program, not library code: it prints and exits. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "core/mem.h"
#include "forecast/forecast.h"
#include "num/rng.h"
#include "num/season.h"

enum { KIND_MEAN, KIND_LO80, KIND_HI80, KIND_LO95, KIND_HI95, KIND_COUNT };
static const char *const kind_names[KIND_COUNT] = {"mean", "lo80", "hi80", "lo95", "hi95"};

typedef struct bench_series {
    char *id;
    int freq;
    size_t h;
    size_t n;
    double *y;
    double *test; /* h values */
    double scale; /* MASE / MSIS denominator */
} bench_series;

typedef struct bench_set {
    char name[64];
    size_t count;
    bench_series *series;
} bench_set;

typedef struct bench_out {
    double *v[KIND_COUNT]; /* v[KIND_MEAN] == NULL: no forecast for this series */
    double ms;             /* wall time; NaN: not measured */
    double cpu_ms;         /* CPU time of the thread; NaN: not measured */
} bench_out;

typedef struct bench_row {
    char name[48];
    bench_out *out; /* one per series of the set */
    size_t failed;  /* series where the method failed and a fallback was used */
    bool worldsheet;
} bench_row;

typedef struct bench_score {
    size_t n;
    double smape, mase, owa, cov80, cov95, msis, ms, cpu_ms;
} bench_score;

typedef struct bench_opts {
    const char *data_dir;
    const char *baseline_dir;
    size_t limit;
    bool detect;
    bool m3_all;
    bool smoke;
    bool trace;
    size_t group; /* > 0: also the job on each run of this many consecutive series alone */
    char methods[128];
} bench_opts;

static const char *const all_sets[] = {"m3_yearly",       "m3_quarterly",   "m3_monthly",
                                       "m3_other",        "m1_yearly",      "m1_quarterly",
                                       "m1_monthly",      "tourism_yearly", "tourism_quarterly",
                                       "tourism_monthly", "m4_weekly",      "m4_hourly"};
enum { ALL_SET_COUNT = sizeof all_sets / sizeof all_sets[0] };

static void *
xalloc(size_t size)
{
    void *p = mem_alloc(size ? size : 1);
    if (!p) {
        fprintf(stderr, "fcbench: out of memory\n");
        exit(1);
    }
    return p;
}

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The machine is shared: CPU time shows what wall time would be on an idle core. */
static double
cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- reading ragged CSV, plain or gzip (gzread reads both) ---- */

typedef struct line_reader {
    gzFile file;
    char *buf;
    size_t cap;
} line_reader;

static bool
reader_open(line_reader *r, const char *path)
{
    r->file = gzopen(path, "rb");
    r->buf = NULL;
    r->cap = 0;
    return r->file != NULL;
}

/* The next line without its newline, or NULL at the end. */
static char *
reader_next(line_reader *r)
{
    size_t len = 0;
    if (r->cap == 0) {
        r->cap = 1 << 16;
        r->buf = xalloc(r->cap);
    }
    for (;;) {
        if (!gzgets(r->file, r->buf + len, (int)(r->cap - len))) {
            if (len == 0)
                return NULL;
            break;
        }
        len += strlen(r->buf + len);
        if (len > 0 && r->buf[len - 1] == '\n')
            break;
        if (len + 1 >= r->cap) {
            if (mem_grow((void **)&r->buf, &r->cap, r->cap * 2, 1) != 0) {
                fprintf(stderr, "fcbench: out of memory\n");
                exit(1);
            }
        }
    }
    while (len > 0 && (r->buf[len - 1] == '\n' || r->buf[len - 1] == '\r'))
        r->buf[--len] = '\0';
    return r->buf;
}

static void
reader_close(line_reader *r)
{
    if (r->file)
        gzclose(r->file);
    mem_free(r->buf);
}

/* Split a line at commas in place; returns the number of fields (at most max). */
static size_t
split_fields(char *line, char **fields, size_t max)
{
    size_t count = 0;
    char *p = line;
    while (count < max) {
        fields[count++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return count;
}

static double
parse_value(const char *text)
{
    while (*text == ' ')
        text++;
    if (*text == '\0' || strcmp(text, "NA") == 0 || strcmp(text, "NaN") == 0)
        return NAN;
    char *end;
    double v = strtod(text, &end);
    return end == text ? NAN : v;
}

enum { MAX_FIELDS = 8192 };

/* Reads "id,frequency,horizon,values..." rows; with `test`, fills the test values of the
 * series already read from the train file. */
static bool
read_split(const char *path, bench_set *set, bool test, size_t limit)
{
    line_reader r;
    if (!reader_open(&r, path)) {
        fprintf(stderr, "fcbench: cannot open %s: %s\n", path, strerror(errno));
        return false;
    }
    static char *fields[MAX_FIELDS];
    size_t cap = set->count, i = 0;
    bool ok = true;
    char *line = reader_next(&r); /* header */
    while (line && (line = reader_next(&r)) != NULL) {
        if (limit && i >= limit)
            break;
        size_t nf = split_fields(line, fields, MAX_FIELDS);
        if (nf < 4) {
            fprintf(stderr, "fcbench: %s: short row %zu\n", path, i + 1);
            ok = false;
            break;
        }
        bench_series *s;
        if (test) {
            if (i >= set->count || strcmp(set->series[i].id, fields[0]) != 0) {
                fprintf(stderr, "fcbench: %s: row %zu does not match the train file\n", path,
                        i + 1);
                ok = false;
                break;
            }
            s = &set->series[i];
            if (nf - 3 < s->h) {
                fprintf(stderr, "fcbench: %s: %s has %zu test values, horizon %zu\n", path, s->id,
                        nf - 3, s->h);
                ok = false;
                break;
            }
            s->test = xalloc(s->h * sizeof(double));
            for (size_t k = 0; k < s->h; k++)
                s->test[k] = parse_value(fields[3 + k]);
        } else {
            if (mem_grow((void **)&set->series, &cap, i + 1, sizeof(bench_series)) != 0) {
                fprintf(stderr, "fcbench: out of memory\n");
                exit(1);
            }
            s = &set->series[i];
            memset(s, 0, sizeof *s);
            s->id = mem_strdup(fields[0]);
            s->freq = atoi(fields[1]);
            s->h = (size_t)atol(fields[2]);
            s->n = nf - 3;
            s->y = xalloc(s->n * sizeof(double));
            for (size_t k = 0; k < s->n; k++)
                s->y[k] = parse_value(fields[3 + k]);
            set->count = i + 1;
        }
        i++;
    }
    if (ok && test && i != set->count) {
        fprintf(stderr, "fcbench: %s: %zu rows, train has %zu\n", path, i, set->count);
        ok = false;
    }
    reader_close(&r);
    return ok;
}

/* ---- metrics ---- */

/* M4's MASE denominator: in-sample MAE of the seasonal naive at the frequency column's
 * period (1 for non-seasonal sets), falling back to lag 1 when the series is too short. */
static double
mase_scale(const double *y, size_t n, int freq)
{
    size_t m = freq > 1 ? (size_t)freq : 1;
    if (n <= m)
        m = 1;
    double sum = 0.0;
    size_t count = 0;
    for (size_t t = m; t < n; t++) {
        if (isnan(y[t]) || isnan(y[t - m]))
            continue;
        sum += fabs(y[t] - y[t - m]);
        count++;
    }
    return count ? sum / (double)count : NAN;
}

static double
smape_point(double y, double f)
{
    double den = fabs(y) + fabs(f);
    return den > 0.0 ? 200.0 * fabs(y - f) / den : 0.0;
}

/* Per-series sMAPE and MASE of one forecast. */
static void
series_errors(const bench_series *s, const double *f, double *smape, double *mase)
{
    double se = 0.0, ae = 0.0;
    for (size_t k = 0; k < s->h; k++) {
        se += smape_point(s->test[k], f[k]);
        ae += fabs(s->test[k] - f[k]);
    }
    *smape = se / (double)s->h;
    *mase = ae / (double)s->h / s->scale;
}

/* Per-series MSIS of a 95% interval (M4: alpha = 0.05, scaled like MASE). */
static double
series_msis(const bench_series *s, const double *lo, const double *hi)
{
    const double alpha = 0.05;
    double is = 0.0;
    for (size_t k = 0; k < s->h; k++) {
        double y = s->test[k];
        is += (hi[k] - lo[k]) + (y < lo[k] ? 2.0 / alpha * (lo[k] - y) : 0.0) +
              (y > hi[k] ? 2.0 / alpha * (y - hi[k]) : 0.0);
    }
    return is / (double)s->h / s->scale;
}

static bool
series_included(const bench_row *row, const bool *mask, size_t i)
{
    return row->out[i].v[KIND_MEAN] != NULL && (!mask || mask[i]);
}

/* Scores `row` on the series it forecast (and `mask` allows); OWA is relative to `naive2`
 * on exactly those series. */
static void
score_row(const bench_set *set, const bench_row *row, const bench_row *naive2, const bool *mask,
          bench_score *sc)
{
    double sm = 0.0, ma = 0.0, sm2 = 0.0, ma2 = 0.0, msis = 0.0, ms = 0.0, cpu = 0.0;
    size_t n = 0, n95 = 0, pts80 = 0, in80 = 0, pts95 = 0, in95 = 0, nms = 0, ncpu = 0;
    for (size_t i = 0; i < set->count; i++) {
        if (!series_included(row, mask, i))
            continue;
        const bench_series *s = &set->series[i];
        const bench_out *o = &row->out[i];
        double a, b;
        series_errors(s, o->v[KIND_MEAN], &a, &b);
        sm += a;
        ma += b;
        series_errors(s, naive2->out[i].v[KIND_MEAN], &a, &b);
        sm2 += a;
        ma2 += b;
        n++;
        if (o->v[KIND_LO80] && o->v[KIND_HI80]) {
            for (size_t k = 0; k < s->h; k++) {
                pts80++;
                in80 += s->test[k] >= o->v[KIND_LO80][k] && s->test[k] <= o->v[KIND_HI80][k];
            }
        }
        if (o->v[KIND_LO95] && o->v[KIND_HI95]) {
            for (size_t k = 0; k < s->h; k++) {
                pts95++;
                in95 += s->test[k] >= o->v[KIND_LO95][k] && s->test[k] <= o->v[KIND_HI95][k];
            }
            msis += series_msis(s, o->v[KIND_LO95], o->v[KIND_HI95]);
            n95++;
        }
        if (!isnan(o->ms)) {
            ms += o->ms;
            nms++;
        }
        if (!isnan(o->cpu_ms)) {
            cpu += o->cpu_ms;
            ncpu++;
        }
    }
    sc->n = n;
    sc->smape = n ? sm / (double)n : NAN;
    sc->mase = n ? ma / (double)n : NAN;
    sc->owa = n ? 0.5 * (sm / sm2 + ma / ma2) : NAN;
    sc->cov80 = pts80 ? (double)in80 / (double)pts80 : NAN;
    sc->cov95 = pts95 ? (double)in95 / (double)pts95 : NAN;
    sc->msis = n95 ? msis / (double)n95 : NAN;
    sc->ms = nms ? ms / (double)nms : NAN;
    sc->cpu_ms = ncpu ? cpu / (double)ncpu : NAN;
}

/* ---- the M4 benchmarks: Naive2 and the seasonal naive ---- */

/* M4's SeasonalityTest: the autocorrelation at lag m exceeds 1.645 times its Bartlett
 * standard error (a 90% test), on series with at least 3 full periods.  As in R, the
 * autocorrelations go up to lag floor(10 log10 n), and a period beyond it is not seasonal. */
static bool
naive2_seasonal(const double *y, size_t n, size_t m)
{
    if (m < 2 || n < 3 * m)
        return false;
    size_t lag_max = (size_t)floor(10.0 * log10((double)n));
    if (lag_max > n - 1)
        lag_max = n - 1;
    if (m > lag_max)
        return false;
    double mean = 0.0;
    for (size_t t = 0; t < n; t++)
        mean += y[t];
    mean /= (double)n;
    double c0 = 0.0;
    for (size_t t = 0; t < n; t++)
        c0 += (y[t] - mean) * (y[t] - mean);
    if (!(c0 > 0.0))
        return false;
    double sum_sq = 0.0, r_m = 0.0;
    for (size_t k = 1; k <= m; k++) {
        double ck = 0.0;
        for (size_t t = 0; t + k < n; t++)
            ck += (y[t] - mean) * (y[t + k] - mean);
        double r = ck / c0;
        if (k < m)
            sum_sq += r * r;
        else
            r_m = r;
    }
    double limit = 1.645 / sqrt((double)n) * sqrt(1.0 + 2.0 * sum_sq);
    return fabs(r_m) > limit;
}

/* Seasonal indices of R's decompose(type = "multiplicative"): a centred moving average
 * (2 x m for even m), the ratios to it averaged by position in the cycle (position 0 is the
 * first observation), normalised to mean 1.  False when they are not finite. */
static bool
naive2_indices(const double *y, size_t n, size_t m, double *figure)
{
    size_t half = m / 2;
    double sums[512];
    size_t counts[512];
    if (m > 512)
        return false;
    for (size_t j = 0; j < m; j++) {
        sums[j] = 0.0;
        counts[j] = 0;
    }
    for (size_t t = half; t + half < n; t++) {
        double trend = 0.0;
        if (m % 2 == 0) {
            trend = 0.5 * (y[t - half] + y[t + half]);
            for (size_t j = t - half + 1; j < t + half; j++)
                trend += y[j];
        } else {
            for (size_t j = t - half; j <= t + half; j++)
                trend += y[j];
        }
        trend /= (double)m;
        sums[t % m] += y[t] / trend;
        counts[t % m]++;
    }
    double total = 0.0;
    for (size_t j = 0; j < m; j++) {
        figure[j] = counts[j] ? sums[j] / (double)counts[j] : NAN;
        total += figure[j];
    }
    total /= (double)m;
    for (size_t j = 0; j < m; j++) {
        figure[j] /= total;
        if (!isfinite(figure[j]) || figure[j] == 0.0)
            return false;
    }
    return true;
}

/* M4's Naive2: the last value of the seasonally adjusted series, reseasonalised, when the
 * seasonality test passes; the naive forecast otherwise. */
static void
naive2_forecast(const bench_series *s, double *f)
{
    size_t m = s->freq > 1 ? (size_t)s->freq : 1;
    double figure[512];
    bool seasonal = naive2_seasonal(s->y, s->n, m) && naive2_indices(s->y, s->n, m, figure);
    double last = s->y[s->n - 1];
    if (seasonal)
        last /= figure[(s->n - 1) % m];
    for (size_t k = 0; k < s->h; k++)
        f[k] = seasonal ? last * figure[(s->n + k) % m] : last;
}

static void
snaive_forecast(const bench_series *s, double *f)
{
    size_t m = s->freq > 1 && (size_t)s->freq <= s->n ? (size_t)s->freq : 1;
    for (size_t k = 0; k < s->h; k++)
        f[k] = s->y[s->n - m + k % m];
}

/* ---- rows ---- */

static bench_row *
row_new(const bench_set *set, const char *name)
{
    bench_row *row = mem_calloc(1, sizeof *row);
    if (!row || !(row->out = mem_calloc(set->count ? set->count : 1, sizeof(bench_out)))) {
        fprintf(stderr, "fcbench: out of memory\n");
        exit(1);
    }
    snprintf(row->name, sizeof row->name, "%s", name);
    for (size_t i = 0; i < set->count; i++)
        row->out[i].ms = row->out[i].cpu_ms = NAN;
    return row;
}

static void
row_free(const bench_set *set, bench_row *row)
{
    if (!row)
        return;
    for (size_t i = 0; i < set->count; i++)
        for (int k = 0; k < KIND_COUNT; k++)
            mem_free(row->out[i].v[k]);
    mem_free(row->out);
    mem_free(row);
}

static double *
copy_values(const double *v, size_t h)
{
    double *c = xalloc(h * sizeof(double));
    memcpy(c, v, h * sizeof(double));
    return c;
}

static bench_row *
run_builtin(const bench_set *set, const char *name, void (*method)(const bench_series *, double *))
{
    bench_row *row = row_new(set, name);
    for (size_t i = 0; i < set->count; i++) {
        const bench_series *s = &set->series[i];
        double *f = xalloc(s->h * sizeof(double));
        double t0 = now_ms(), c0 = cpu_ms();
        method(s, f);
        row->out[i].ms = now_ms() - t0;
        row->out[i].cpu_ms = cpu_ms() - c0;
        row->out[i].v[KIND_MEAN] = f;
    }
    return row;
}

/* fc_forecast; with a plan, fc_forecast_plan; with `parts` != 0, the parts of auto alone
 * (fc_forecast_parts). */
static ws_status
call_forecast(const bench_series *s, const fc_spec *spec, unsigned parts, const fc_plan *plan,
              fc_result *out)
{
    return plan    ? fc_forecast_plan(s->y, s->n, spec, plan, out)
           : parts ? fc_forecast_parts(s->y, s->n, spec, parts, out)
                   : fc_forecast(s->y, s->n, spec, out);
}

/* Runs fc_forecast on every series: one timed call at 95% (the point forecast and the 95%
 * interval, what a user asks for), one untimed call at 80% for its interval.  A failure
 * falls back to the bench's Naive2 and is counted. */
static bench_row *
run_worldsheet(const bench_set *set, fc_method method, unsigned parts, const fc_plan *plan,
               const char *name, bool detect, bool trace)
{
    bench_row *row = row_new(set, name);
    row->worldsheet = true;
    for (size_t i = 0; i < set->count; i++) {
        const bench_series *s = &set->series[i];
        bench_out *o = &row->out[i];
        fc_spec spec;
        fc_spec_default(&spec);
        spec.method = method;
        spec.period = detect || s->freq <= 1 ? -1 : s->freq;
        spec.horizon = s->h;
        spec.level = 0.95;
        fc_result r95, r80;
        memset(&r95, 0, sizeof r95);
        memset(&r80, 0, sizeof r80);
        double t0 = now_ms(), c0 = cpu_ms();
        ws_status st = call_forecast(s, &spec, parts, plan, &r95);
        o->ms = now_ms() - t0;
        o->cpu_ms = cpu_ms() - c0;
        if (st == WS_OK) {
            spec.level = 0.80;
            st = call_forecast(s, &spec, parts, plan, &r80);
        }
        if (st == WS_OK && r95.mean && r95.lower && r95.upper && r80.lower && r80.upper) {
            o->v[KIND_MEAN] = copy_values(r95.mean, s->h);
            o->v[KIND_LO95] = copy_values(r95.lower, s->h);
            o->v[KIND_HI95] = copy_values(r95.upper, s->h);
            o->v[KIND_LO80] = copy_values(r80.lower, s->h);
            o->v[KIND_HI80] = copy_values(r80.upper, s->h);
            for (size_t k = 0; k < s->h; k++)
                if (!isfinite(o->v[KIND_MEAN][k]))
                    st = WS_ERR_NUM;
        } else if (st == WS_OK) {
            st = WS_ERR_NUM;
        }
        if (st != WS_OK) {
            for (int k = 0; k < KIND_COUNT; k++) {
                mem_free(o->v[k]);
                o->v[k] = NULL;
            }
            o->v[KIND_MEAN] = xalloc(s->h * sizeof(double));
            naive2_forecast(s, o->v[KIND_MEAN]);
            row->failed++;
        }
        if (trace) {
            double sm, ma;
            series_errors(s, o->v[KIND_MEAN], &sm, &ma);
            double msis = o->v[KIND_LO95] ? series_msis(s, o->v[KIND_LO95], o->v[KIND_HI95]) : NAN;
            fprintf(stderr,
                    "trace %s %s %s model=\"%s\" period=%zu sMAPE=%.3f MASE=%.4f MSIS=%.4g "
                    "ms=%.3f%s\n",
                    set->name, name, s->id, st == WS_OK ? r95.model : "(failed)", r95.period, sm,
                    ma, msis, o->ms, st == WS_OK ? "" : " fallback=Naive2");
        }
        fc_result_clear(&r95);
        fc_result_clear(&r80);
    }
    return row;
}

/* The forecast job's way with many series: the plan learned from the training series'
 * own last values (fc_cross_learn: which forecasts to combine, and the interval factors
 * at 95% and at 80%: the job computes its one level), each series forecast as planned
 * (fc_forecast_plan), then blended with the models learned across all of the set's
 * series (fc_globals: the pooled model and the boosted trees, fitted on the training
 * parts only, XGBoost on one thread) at the plan's shares, intervals moved with their
 * forecast and scaled by the factors.  The time of the plan at 95% and of the models'
 * fits is shared out over the series. */
static bench_row *
run_pooled(const bench_set *set, const char *name, bool detect, bool trace, bool note)
{
    if (!set->count)
        return run_worldsheet(set, FC_AUTO, 0, NULL, name, detect, trace);
    size_t h = set->series[0].h, period = set->series[0].freq > 1 ? (size_t)set->series[0].freq : 0;
    const double **ys = xalloc(set->count * sizeof *ys);
    size_t *ns = xalloc(set->count * sizeof *ns), *found = xalloc(set->count * sizeof *found);
    for (size_t i = 0; i < set->count; i++) {
        ys[i] = set->series[i].y;
        ns[i] = set->series[i].n;
        found[i] = season_detect(ys[i], ns[i]);
        found[i] = found[i] >= 2 ? found[i] : 0;
    }
    fc_spec spec;
    fc_spec_default(&spec);
    spec.period = detect || !period ? -1 : (int)period;
    if (spec.period == -1) /* the pooled model's season, as the job finds it */
        period = fc_common_period(found, set->count);
    mem_free(found);
    spec.horizon = h;
    spec.level = 0.95;
    fc_plan plan, plan80;
    double *f95 = xalloc(h * sizeof *f95), *f80 = xalloc(h * sizeof *f80);
    double t0 = now_ms(), c0 = cpu_ms();
    ws_status cs = fc_cross_learn(ys, ns, set->count, &spec, &plan, f95);
    if (cs != WS_OK)
        fprintf(stderr, "fcbench: %s: %s: %s\n", set->name, name, ws_last_reason());
    fc_globals globals = {.share = {0}};
    fc_globals_shares(&plan, period, globals.share);
    if (fc_globals_fit(ys, ns, set->count, period, h, 1, &globals) != WS_OK) {
        fprintf(stderr, "fcbench: %s: %s: %s\n", set->name, name, ws_last_reason());
        exit(1);
    }
    double ms = (now_ms() - t0) / (double)set->count, cpu = (cpu_ms() - c0) / (double)set->count;
    if (note) {
        fflush(stdout); /* the note below lands between rows, not inside one */
        fprintf(stderr, "fcbench: %s: %s: plan: parts %u, weights", set->name, name, plan.parts);
        for (int c = 0; c < FC_MIX_SIZE; c++)
            fprintf(stderr, " %.2f", plan.weight[c]);
        fprintf(stderr, " (combination, Theta, DOTM, CES, ARIMA, pooled, boosted)\n");
    }
    bench_row *row = run_worldsheet(set, FC_AUTO, 0, &plan, name, detect, trace);
    spec.level = 0.80; /* the same plan (it is chosen on point forecasts), other factors */
    if (cs == WS_OK && (cs = fc_cross_learn(ys, ns, set->count, &spec, &plan80, f80)))
        fprintf(stderr, "fcbench: %s: %s: %s\n", set->name, name, ws_last_reason());
    for (size_t i = 0; i < set->count; i++) {
        bench_out *o = &row->out[i];
        o->ms += ms;
        o->cpu_ms += cpu;
        if (!o->v[KIND_LO95])
            continue; /* a failed series keeps the bench's Naive2 */
        /* The job's own functions on views of the bench's arrays; the 80% bounds move with
         * the forecast as the 95% ones do. */
        double *mean = o->v[KIND_MEAN];
        fc_result r95 = {
            .horizon = h, .mean = mean, .lower = o->v[KIND_LO95], .upper = o->v[KIND_HI95]};
        fc_result r80 = {
            .horizon = h, .mean = mean, .lower = o->v[KIND_LO80], .upper = o->v[KIND_HI80]};
        double *before = xalloc(h * sizeof *before);
        memcpy(before, mean, h * sizeof *before);
        fc_globals_blend(&globals, i, &r95);
        for (size_t k = 0; k < h; k++) {
            r80.lower[k] += mean[k] - before[k];
            r80.upper[k] += mean[k] - before[k];
        }
        mem_free(before);
        if (cs == WS_OK && plan.learned) {
            fc_scale_interval(&r95, f95);
            fc_scale_interval(&r80, f80);
        }
    }
    mem_free(f95);
    mem_free(f80);
    mem_free(ys);
    mem_free(ns);
    fc_globals_free(&globals);
    return row;
}

/* The job as a user with `group` products runs it: on each run of that many consecutive
 * series alone (its plan, interval factors and models across series learned from them
 * only; a last run of fewer than FC_CALIB_MIN_SERIES joins the one before). */
static bench_row *
run_groups(const bench_set *set, size_t group, bool detect, bool trace)
{
    char name[48];
    snprintf(name, sizeof name, "worldsheet job, %zu series a run", group);
    bench_row *row = row_new(set, name);
    row->worldsheet = true;
    for (size_t g0 = 0; g0 < set->count;) {
        size_t n = set->count - g0 < group ? set->count - g0 : group;
        if (set->count - g0 - n < FC_CALIB_MIN_SERIES)
            n = set->count - g0;
        bench_set part = *set;
        part.series = set->series + g0;
        part.count = n;
        bench_row *r = run_pooled(&part, name, detect, trace, false);
        for (size_t i = 0; i < n; i++) {
            row->out[g0 + i] = r->out[i];
            memset(&r->out[i], 0, sizeof r->out[i]);
        }
        row->failed += r->failed;
        row_free(&part, r);
        g0 += n;
    }
    return row;
}

static int
series_index(const bench_set *set, const char *id)
{
    /* Sets hold at most a few thousand series: a linear scan is fast enough here, and
     * ids are mostly in file order, so start from the last hit. */
    static size_t last;
    for (size_t j = 0; j < set->count; j++) {
        size_t i = (last + j) % set->count;
        if (strcmp(set->series[i].id, id) == 0) {
            last = i;
            return (int)i;
        }
    }
    return -1;
}

/* A cached baseline "id,kind,ms,[cpu_ms,]v1..vh" (the header line says whether cpu_ms is
 * there; comments start with '#'). */
static bench_row *
load_baseline(const bench_set *set, const char *path, const char *name)
{
    line_reader r;
    if (!reader_open(&r, path))
        return NULL;
    static char *fields[MAX_FIELDS];
    bench_row *row = row_new(set, name);
    size_t first = 3; /* index of v1 */
    char *line;
    while ((line = reader_next(&r)) != NULL) {
        if (strncmp(line, "id,", 3) == 0) {
            first = strncmp(line, "id,kind,ms,cpu_ms,", 18) == 0 ? 4 : 3;
            continue;
        }
        if (line[0] == '#' || line[0] == '\0')
            continue;
        size_t nf = split_fields(line, fields, MAX_FIELDS);
        if (nf <= first)
            continue;
        int i = series_index(set, fields[0]);
        if (i < 0)
            continue;
        const bench_series *s = &set->series[i];
        int kind = -1;
        for (int k = 0; k < KIND_COUNT; k++)
            if (strcmp(fields[1], kind_names[k]) == 0)
                kind = k;
        if (kind < 0 || nf - first < s->h)
            continue;
        double *v = xalloc(s->h * sizeof(double));
        bool finite = true;
        for (size_t k = 0; k < s->h; k++) {
            v[k] = parse_value(fields[first + k]);
            finite = finite && isfinite(v[k]);
        }
        if (!finite) {
            mem_free(v);
            continue;
        }
        mem_free(row->out[i].v[kind]);
        row->out[i].v[kind] = v;
        row->out[i].ms = parse_value(fields[2]);
        if (first == 4)
            row->out[i].cpu_ms = parse_value(fields[3]);
    }
    reader_close(&r);
    /* A series whose interval is incomplete keeps its point forecast only. */
    for (size_t i = 0; i < set->count; i++) {
        bench_out *o = &row->out[i];
        if (!o->v[KIND_LO80] || !o->v[KIND_HI80]) {
            mem_free(o->v[KIND_LO80]);
            mem_free(o->v[KIND_HI80]);
            o->v[KIND_LO80] = o->v[KIND_HI80] = NULL;
        }
        if (!o->v[KIND_LO95] || !o->v[KIND_HI95]) {
            mem_free(o->v[KIND_LO95]);
            mem_free(o->v[KIND_HI95]);
            o->v[KIND_LO95] = o->v[KIND_HI95] = NULL;
        }
    }
    return row;
}

/* The original M3 submissions: "method,id,f1..f18" with NA padding. */
typedef struct m3_rows {
    bench_row **rows;
    size_t count;
} m3_rows;

static void
load_m3_official(const bench_set *set, const char *path, m3_rows *out)
{
    out->rows = NULL;
    out->count = 0;
    line_reader r;
    if (!reader_open(&r, path))
        return;
    static char *fields[64];
    size_t cap = 0;
    char *line = reader_next(&r);
    while (line && (line = reader_next(&r)) != NULL) {
        size_t nf = split_fields(line, fields, 64);
        if (nf < 3)
            continue;
        int i = series_index(set, fields[1]);
        if (i < 0)
            continue;
        const bench_series *s = &set->series[i];
        bench_row *row = NULL;
        for (size_t j = 0; j < out->count; j++)
            if (strcmp(out->rows[j]->name + 3, fields[0]) == 0)
                row = out->rows[j];
        if (!row) {
            char name[48];
            snprintf(name, sizeof name, "M3 %s", fields[0]);
            if (mem_grow((void **)&out->rows, &cap, out->count + 1, sizeof(bench_row *)) != 0)
                exit(1);
            row = out->rows[out->count++] = row_new(set, name);
        }
        if (nf - 2 < s->h)
            continue;
        double *v = xalloc(s->h * sizeof(double));
        bool finite = true;
        for (size_t k = 0; k < s->h; k++) {
            v[k] = parse_value(fields[2 + k]);
            finite = finite && isfinite(v[k]);
        }
        if (finite)
            row->out[i].v[KIND_MEAN] = v;
        else
            mem_free(v);
    }
    reader_close(&r);
}

/* ---- printing ---- */

static void
print_num(double v, const char *fmt, int width)
{
    if (isnan(v))
        printf("%*s", width, "-");
    else
        printf(fmt, v);
}

static size_t
row_coverage(const bench_set *set, const bench_row *row)
{
    size_t n = 0;
    for (size_t i = 0; i < set->count; i++)
        n += row->out[i].v[KIND_MEAN] != NULL;
    return n;
}

static void
print_header(void)
{
    printf("  %-40s %5s %7s %7s %7s %6s %6s %8s %9s %7s\n", "method", "n", "sMAPE", "MASE", "OWA",
           "cov80", "cov95", "MSIS", "ms/series", "cpu ms");
}

static void
print_score(const char *name, const char *note, const bench_score *sc)
{
    char label[80];
    snprintf(label, sizeof label, "%s%s", name, note);
    printf("  %-40s %5zu", label, sc->n);
    print_num(sc->smape, " %7.2f", 8);
    print_num(sc->mase, " %7.3f", 8);
    print_num(sc->owa, " %7.3f", 8);
    print_num(sc->cov80, " %6.3f", 7);
    print_num(sc->cov95, " %6.3f", 7);
    print_num(sc->msis, fabs(sc->msis) < 1e5 ? " %8.3f" : " %8.1e", 9);
    print_num(sc->ms, " %9.3f", 10);
    print_num(sc->cpu_ms, " %7.3f", 8);
    printf("\n");
}

/* Prints one row; a row that covers only part of the set is marked, and the first
 * worldsheet row is printed again on the same series so the two compare directly. */
static void
print_row(const bench_set *set, const bench_row *row, const bench_row *naive2,
          const bench_row *ws_first, bench_score *sc_out)
{
    bench_score sc;
    score_row(set, row, naive2, NULL, &sc);
    char note[40] = "";
    size_t covered = row_coverage(set, row);
    if (row->failed)
        snprintf(note, sizeof note, " (%zu failed)", row->failed);
    else if (covered < set->count)
        snprintf(note, sizeof note, " [subset]");
    print_score(row->name, note, &sc);
    if (sc_out)
        *sc_out = sc;
    if (covered < set->count && covered > 0 && ws_first) {
        bool *mask = xalloc(set->count * sizeof(bool));
        for (size_t i = 0; i < set->count; i++)
            mask[i] = row->out[i].v[KIND_MEAN] != NULL;
        bench_score ws;
        score_row(set, ws_first, naive2, mask, &ws);
        char label[64];
        snprintf(label, sizeof label, "   %s", ws_first->name);
        print_score(label, " [same subset]", &ws);
        mem_free(mask);
    }
}

/* ---- how sure: the paired bootstrap over the series ---- */

/* Sorts doubles, or arrays of doubles by their first element. */
static int
compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A difference of OWA or a coverage with its 95% interval over BOOT_REPS resamples of the
 * series (Efron's percentile interval; the series are the independent draws, their h
 * points are not).  A gap whose interval holds 0 is one the set cannot tell from chance. */
#define BOOT_REPS 2000
typedef struct boot_stat {
    double value, lo, hi; /* NaN: not measured */
} boot_stat;

/* Per series: sMAPE and MASE of rows a and b and of Naive2, and a's 95% points inside. */
typedef struct boot_terms {
    double sa, ma, sb, mb, s2, m2, in, pts;
} boot_terms;

static void
boot_sums(const boot_terms *t, const size_t *pick, size_t n, double *owa_diff, double *cov)
{
    boot_terms sum = {0};
    for (size_t i = 0; i < n; i++) {
        const boot_terms *x = &t[pick ? pick[i] : i];
        sum.sa += x->sa;
        sum.ma += x->ma;
        sum.sb += x->sb;
        sum.mb += x->mb;
        sum.s2 += x->s2;
        sum.m2 += x->m2;
        sum.in += x->in;
        sum.pts += x->pts;
    }
    *owa_diff = 0.5 * ((sum.sa - sum.sb) / sum.s2 + (sum.ma - sum.mb) / sum.m2);
    *cov = sum.pts > 0.0 ? sum.in / sum.pts : NAN;
}

/* OWA of row a minus that of row b (NULL: none) on the series both forecast, and a's 95%
 * coverage on them. */
static void
bootstrap(const bench_set *set, const bench_row *a, const bench_row *b, const bench_row *naive2,
          boot_stat *diff, boot_stat *cov)
{
    *diff = *cov = (boot_stat){NAN, NAN, NAN};
    boot_terms *t = xalloc((set->count ? set->count : 1) * sizeof *t);
    size_t *pick = xalloc((set->count ? set->count : 1) * sizeof *pick);
    double *d = xalloc(2 * BOOT_REPS * sizeof *d), *c = d + BOOT_REPS;
    size_t n = 0;
    for (size_t i = 0; i < set->count; i++) {
        const bench_series *s = &set->series[i];
        const bench_out *oa = &a->out[i], *ob = b ? &b->out[i] : oa;
        if (!oa->v[KIND_MEAN] || !ob->v[KIND_MEAN])
            continue;
        boot_terms *x = &t[n++];
        memset(x, 0, sizeof *x);
        series_errors(s, oa->v[KIND_MEAN], &x->sa, &x->ma);
        series_errors(s, ob->v[KIND_MEAN], &x->sb, &x->mb);
        series_errors(s, naive2->out[i].v[KIND_MEAN], &x->s2, &x->m2);
        for (size_t k = 0; oa->v[KIND_LO95] && oa->v[KIND_HI95] && k < s->h; k++) {
            x->pts += 1.0;
            x->in += s->test[k] >= oa->v[KIND_LO95][k] && s->test[k] <= oa->v[KIND_HI95][k];
        }
    }
    if (n > 1) {
        boot_sums(t, NULL, n, &diff->value, &cov->value);
        rng r;
        rng_seed(&r, 20261129);
        for (size_t rep = 0; rep < BOOT_REPS; rep++) {
            for (size_t i = 0; i < n; i++)
                pick[i] = (size_t)(rng_uniform(&r) * (double)n);
            boot_sums(t, pick, n, &d[rep], &c[rep]);
        }
        qsort(d, BOOT_REPS, sizeof *d, compare_double);
        qsort(c, BOOT_REPS, sizeof *c, compare_double);
        size_t lo = BOOT_REPS / 40, hi = BOOT_REPS - 1 - BOOT_REPS / 40;
        if (b) {
            diff->lo = d[lo];
            diff->hi = d[hi];
        } else {
            diff->value = NAN;
        }
        if (!isnan(cov->value)) {
            cov->lo = c[lo];
            cov->hi = c[hi];
        }
    }
    mem_free(t);
    mem_free(pick);
    mem_free(d);
}

static void
print_boot(const boot_stat *b, const char *fmt, int width)
{
    char buf[64];
    if (isnan(b->value))
        snprintf(buf, sizeof buf, "-");
    else if (isnan(b->lo))
        snprintf(buf, sizeof buf, fmt, b->value, NAN, NAN);
    else
        snprintf(buf, sizeof buf, fmt, b->value, b->lo, b->hi);
    printf(" %*s", width, buf);
}

/* ---- one set ---- */

typedef struct set_summary {
    char name[64];
    bench_score ws, pool, ets, theta, naive2;
    bool have_ws, have_pool, have_ets, have_theta;
    /* the job (else auto) minus R ets and minus R thetaf, and its 95% coverage */
    boot_stat vs_ets, vs_theta, cov95;
    bench_score group; /* the job on runs of --group series */
    bool have_group;
} set_summary;

static void
set_clear(bench_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        mem_free(set->series[i].id);
        mem_free(set->series[i].y);
        mem_free(set->series[i].test);
    }
    mem_free(set->series);
    set->series = NULL;
    set->count = 0;
}

static bool
method_wanted(const bench_opts *opts, const char *name)
{
    char list[160];
    snprintf(list, sizeof list, ",%s,", opts->methods);
    char key[40];
    snprintf(key, sizeof key, ",%s,", name);
    return strstr(list, key) != NULL;
}

/* The M3 monthly goals of issue 3 for one row. */
static void
print_goals(const char *name, const bench_score *w, bool limited)
{
    bool g_owa = w->owa <= 0.80, g_smape = w->smape <= 13.4,
         g_cov = w->cov95 >= 0.93 && w->cov95 <= 0.97, g_ms = w->ms <= 2.0;
    printf("  goals (%s%s): OWA %.3f <= 0.80 %s; sMAPE %.2f <= 13.4 %s; "
           "cov95 %.3f in [0.93, 0.97] %s;\n         %.3f ms/series wall <= 2 %s "
           "(CPU time %.3f ms: %s; the machine is shared)\n",
           name, limited ? ", on --limit" : "", w->owa, g_owa ? "met" : "NOT MET", w->smape,
           g_smape ? "met" : "NOT MET", w->cov95, g_cov ? "met" : "NOT MET", w->ms,
           g_ms ? "met" : "NOT MET", w->cpu_ms, w->cpu_ms <= 2.0 ? "met" : "NOT MET");
}

/* Returns 0 on success, 1 on error, 2 when the data is absent. */
static int
bench_one_set(const bench_opts *opts, const char *name, set_summary *sum)
{
    bench_set set;
    memset(&set, 0, sizeof set);
    snprintf(set.name, sizeof set.name, "%s", name);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_train.csv", opts->data_dir, name);
    FILE *probe = fopen(path, "r");
    if (!probe)
        return 2;
    fclose(probe);
    if (!read_split(path, &set, false, opts->limit))
        return 1;
    snprintf(path, sizeof path, "%s/%s_test.csv", opts->data_dir, name);
    if (!read_split(path, &set, true, opts->limit)) {
        set_clear(&set);
        return 1;
    }
    for (size_t i = 0; i < set.count; i++)
        set.series[i].scale = mase_scale(set.series[i].y, set.series[i].n, set.series[i].freq);

    memset(sum, 0, sizeof *sum);
    snprintf(sum->name, sizeof sum->name, "%s", name);
    bench_row *rows[96];
    size_t nrows = 0;

    bench_row *naive2 = run_builtin(&set, "Naive2 (M4 benchmark)", naive2_forecast);
    bench_row *ws_first = NULL;
    /* auto and the parts: ets and theta are methods of their own, the others parts of the
     * combination run alone through fc_forecast_parts. */
    static const struct {
        const char *key;
        fc_method method;
        unsigned parts;
        const char *label;
    } ws_methods[] = {{"auto", FC_AUTO, 0, "worldsheet auto"},
                      {"ets", FC_ETS, 0, "worldsheet ets"},
                      {"theta", FC_THETA, 0, "worldsheet theta"},
                      {"dotm", FC_AUTO, FC_PART_DOTM, "worldsheet part dotm"},
                      {"damped", FC_AUTO, FC_PART_DAMPED, "worldsheet part damped"},
                      {"ses", FC_AUTO, FC_PART_SES, "worldsheet part ses"},
                      {"holt", FC_AUTO, FC_PART_HOLT, "worldsheet part holt"},
                      {"ces", FC_AUTO, FC_PART_CES, "worldsheet part ces"},
                      {"arima", FC_AUTO, FC_PART_ARIMA, "worldsheet part arima"},
                      {"naive", FC_NAIVE, 0, "worldsheet naive"},
                      {"snaive", FC_SNAIVE, 0, "worldsheet snaive"}};
    for (size_t k = 0; k < sizeof ws_methods / sizeof ws_methods[0]; k++) {
        if (!method_wanted(opts, ws_methods[k].key))
            continue;
        char label[48];
        snprintf(label, sizeof label, "%s%s", ws_methods[k].label, opts->detect ? " (detect)" : "");
        rows[nrows] = run_worldsheet(&set, ws_methods[k].method, ws_methods[k].parts, NULL, label,
                                     opts->detect, opts->trace);
        if (!ws_first)
            ws_first = rows[nrows];
        nrows++;
    }
    bench_row *pool_row = NULL;
    if (method_wanted(opts, "pooled")) {
        pool_row = run_pooled(&set,
                              opts->detect ? "worldsheet auto+pooled (job, detect)"
                                           : "worldsheet auto+pooled (job)",
                              opts->detect, opts->trace, true);
        if (!ws_first)
            ws_first = pool_row;
        rows[nrows++] = pool_row;
    }
    bench_row *group_row = NULL;
    if (opts->group && method_wanted(opts, "pooled"))
        rows[nrows++] = group_row = run_groups(&set, opts->group, opts->detect, opts->trace);
    rows[nrows++] = naive2;
    rows[nrows++] = run_builtin(&set, "sNaive (bench)", snaive_forecast);

    static const struct {
        const char *file;
        const char *label;
    } cached[] = {{"thetaf", "R thetaf"},
                  {"ets", "R ets"},
                  {"auto.arima", "R auto.arima"},
                  {"lo_ets", "LibreOffice FORECAST.ETS.ADD"}};
    bench_row *r_ets = NULL, *r_theta = NULL;
    for (size_t k = 0; k < sizeof cached / sizeof cached[0]; k++) {
        snprintf(path, sizeof path, "%s/%s.%s.csv.gz", opts->baseline_dir, name, cached[k].file);
        bench_row *row = load_baseline(&set, path, cached[k].label);
        if (!row)
            continue;
        if (row_coverage(&set, row) == 0) {
            row_free(&set, row);
            continue;
        }
        if (k == 0 && row_coverage(&set, row) == set.count)
            r_theta = row;
        if (k == 1 && row_coverage(&set, row) == set.count)
            r_ets = row;
        rows[nrows++] = row;
    }

    m3_rows m3 = {NULL, 0};
    if (strncmp(name, "m3_", 3) == 0) {
        snprintf(path, sizeof path, "%s/m3_official_forecasts.csv", opts->data_dir);
        load_m3_official(&set, path, &m3);
    }

    printf("\n== %s: %zu series%s, horizon %zu, frequency %d ==\n", name, set.count,
           opts->limit ? " (--limit)" : "", set.count ? set.series[0].h : 0,
           set.count ? set.series[0].freq : 0);
    print_header();
    for (size_t k = 0; k < nrows; k++) {
        bench_score sc;
        print_row(&set, rows[k], naive2, ws_first, &sc);
        if (rows[k] == naive2) {
            sum->naive2 = sc;
        } else if (rows[k] == pool_row) {
            sum->pool = sc;
            sum->have_pool = true;
        } else if (rows[k] == group_row) {
            sum->group = sc;
            sum->have_group = true;
        } else if (rows[k] == ws_first) {
            sum->ws = sc;
            sum->have_ws = true;
        } else if (rows[k] == r_ets) {
            sum->ets = sc;
            sum->have_ets = true;
        } else if (rows[k] == r_theta) {
            sum->theta = sc;
            sum->have_theta = true;
        }
    }
    if (m3.count) {
        /* THETA and ForecastPro (the M3 winners), NAIVE2 (a check of the bench's Naive2),
         * then the best others by OWA. */
        double owa[64][2];
        size_t nowa = 0;
        for (size_t j = 0; j < m3.count && nowa < 64; j++) {
            bench_score sc;
            score_row(&set, m3.rows[j], naive2, NULL, &sc);
            owa[nowa][0] = sc.owa;
            owa[nowa][1] = (double)j;
            nowa++;
        }
        qsort(owa, nowa, sizeof owa[0], compare_double);
        static const char *const always[] = {"M3 THETA", "M3 ForecastPro", "M3 NAIVE2"};
        for (size_t a = 0; a < 3; a++)
            for (size_t j = 0; j < m3.count; j++)
                if (strcmp(m3.rows[j]->name, always[a]) == 0)
                    print_row(&set, m3.rows[j], naive2, ws_first, NULL);
        size_t shown = 0;
        for (size_t q = 0; q < nowa; q++) {
            const bench_row *row = m3.rows[(size_t)owa[q][1]];
            bool fixed = false;
            for (size_t a = 0; a < 3; a++)
                fixed = fixed || strcmp(row->name, always[a]) == 0;
            if (fixed || (!opts->m3_all && shown >= 3) || row_coverage(&set, row) == 0)
                continue;
            print_row(&set, row, naive2, ws_first, NULL);
            shown++;
        }
    }

    const bench_row *best = pool_row ? pool_row : ws_first;
    sum->vs_ets = sum->vs_theta = sum->cov95 = (boot_stat){NAN, NAN, NAN};
    if (best) {
        boot_stat unused; /* the coverage again, or no difference without R ets */
        bootstrap(&set, best, r_ets, naive2, &sum->vs_ets, &sum->cov95);
        if (r_theta)
            bootstrap(&set, best, r_theta, naive2, &sum->vs_theta, &unused);
    }

    if (strcmp(name, "m3_monthly") == 0) {
        if (sum->have_ws)
            print_goals(ws_first->name, &sum->ws, opts->limit != 0);
        if (sum->have_pool)
            print_goals(pool_row->name, &sum->pool, opts->limit != 0);
    }

    for (size_t j = 0; j < m3.count; j++)
        row_free(&set, m3.rows[j]);
    mem_free(m3.rows);
    for (size_t k = 0; k < nrows; k++)
        row_free(&set, rows[k]);
    set_clear(&set);
    return 0;
}

/* ---- the smoke check: real assertions of the metric code ---- */

static int smoke_failures, smoke_passes;

static void
smoke_expect(bool ok, const char *what, double got, double want)
{
    printf("  %-58s %s (got %.6f, want %.6f)\n", what, ok ? "ok" : "FAILED", got, want);
    if (!ok)
        smoke_failures++;
    else
        smoke_passes++;
}

/* Hand-calculated cases, then Naive2 on the first 20 M3 monthly series: its OWA is exactly 1
 * through the same scoring path as every row, and its forecasts equal those of the M3
 * organisers' NAIVE2 submission (rounded to their 2 decimals). */
static int
smoke(const bench_opts *opts)
{
    /* y = 1 2 3 4 | 5 5, f = 4 6, yearly: scale 1, MASE 1, sMAPE (200/9 + 200/11) / 2. */
    double y1[] = {1, 2, 3, 4}, t1[] = {5, 5}, f1[] = {4, 6};
    bench_series s1 = {"hand", 1, 2, 4, y1, t1, 0.0};
    s1.scale = mase_scale(y1, 4, 1);
    double sm, ma;
    series_errors(&s1, f1, &sm, &ma);
    smoke_expect(fabs(s1.scale - 1.0) < 1e-12, "hand: MASE scale", s1.scale, 1.0);
    smoke_expect(fabs(ma - 1.0) < 1e-12, "hand: MASE", ma, 1.0);
    double want = 100.0 * (1.0 / 9.0 + 1.0 / 11.0);
    smoke_expect(fabs(sm - want) < 1e-12, "hand: sMAPE", sm, want);
    /* Quarterly scale: |5-1|, |6-2| -> 4. */
    double y2[] = {1, 2, 3, 4, 5, 6};
    double sc2 = mase_scale(y2, 6, 4);
    smoke_expect(fabs(sc2 - 4.0) < 1e-12, "hand: seasonal MASE scale (m=4)", sc2, 4.0);
    /* MSIS: L=4, U=6 on y=5 and y=7 -> ((2) + (2 + 40*1)) / 2 / scale 1 = 22. */
    double t3[] = {5, 7}, mean3[] = {5, 5}, lo3[] = {4, 4}, hi3[] = {6, 6};
    bench_series s3 = {"msis", 1, 2, 4, y1, t3, 1.0};
    bench_set set3 = {"hand", 1, &s3};
    bench_out o3 = {{mean3, NULL, NULL, lo3, hi3}, NAN, NAN};
    bench_out o3n = {{mean3, NULL, NULL, NULL, NULL}, NAN, NAN};
    bench_row r3 = {"hand", &o3, 0, false}, r3n = {"naive2", &o3n, 0, false};
    bench_score sc3;
    score_row(&set3, &r3, &r3n, NULL, &sc3);
    smoke_expect(fabs(sc3.msis - 22.0) < 1e-12, "hand: MSIS", sc3.msis, 22.0);
    smoke_expect(fabs(sc3.cov95 - 0.5) < 1e-12, "hand: 95% coverage", sc3.cov95, 0.5);

    bench_set set;
    memset(&set, 0, sizeof set);
    char path[4096];
    snprintf(path, sizeof path, "%s/m3_monthly_train.csv", opts->data_dir);
    FILE *probe = fopen(path, "r");
    if (!probe) {
        printf("SKIP: no data at %s\n", opts->data_dir);
        return smoke_failures ? 1 : 77;
    }
    fclose(probe);
    if (!read_split(path, &set, false, 20))
        return 1;
    snprintf(path, sizeof path, "%s/m3_monthly_test.csv", opts->data_dir);
    if (!read_split(path, &set, true, 20))
        return 1;
    for (size_t i = 0; i < set.count; i++)
        set.series[i].scale = mase_scale(set.series[i].y, set.series[i].n, set.series[i].freq);
    bench_row *naive2 = run_builtin(&set, "Naive2", naive2_forecast);
    bench_score sc;
    score_row(&set, naive2, naive2, NULL, &sc);
    smoke_expect(sc.n == 20, "m3_monthly[20]: series scored", (double)sc.n, 20.0);
    smoke_expect(sc.owa == 1.0, "m3_monthly[20]: Naive2 OWA exactly 1", sc.owa, 1.0);
    smoke_expect(isfinite(sc.smape) && sc.smape > 0.0, "m3_monthly[20]: Naive2 sMAPE finite",
                 sc.smape, sc.smape);

    snprintf(path, sizeof path, "%s/m3_official_forecasts.csv", opts->data_dir);
    m3_rows m3;
    load_m3_official(&set, path, &m3);
    const bench_row *official = NULL;
    for (size_t j = 0; j < m3.count; j++)
        if (strcmp(m3.rows[j]->name, "M3 NAIVE2") == 0)
            official = m3.rows[j];
    smoke_expect(official && row_coverage(&set, official) == 20,
                 "m3_monthly[20]: M3 NAIVE2 submission found",
                 official ? (double)row_coverage(&set, official) : 0.0, 20.0);
    if (official && row_coverage(&set, official) == 20) {
        double worst = 0.0;
        for (size_t i = 0; i < set.count; i++)
            for (size_t k = 0; k < set.series[i].h; k++) {
                double a = naive2->out[i].v[KIND_MEAN][k], b = official->out[i].v[KIND_MEAN][k];
                double rel = fabs(a - b) / fmax(fabs(b), 1.0);
                worst = fmax(worst, rel);
            }
        smoke_expect(worst < 1e-3, "m3_monthly[20]: Naive2 = M3 NAIVE2 (max rel. diff)", worst,
                     0.0);
    }
    for (size_t j = 0; j < m3.count; j++)
        row_free(&set, m3.rows[j]);
    mem_free(m3.rows);
    row_free(&set, naive2);
    set_clear(&set);

    /* The whole benchmark path on the same 20 series: worldsheet auto, the cached baselines
     * and the M3 submissions, as run.sh prints them. */
    bench_opts run = *opts;
    run.limit = 20;
    snprintf(run.methods, sizeof run.methods, "auto");
    set_summary sum;
    int rc = bench_one_set(&run, "m3_monthly", &sum);
    smoke_expect(rc == 0, "m3_monthly[20]: benchmark ran", (double)rc, 0.0);
    if (rc == 0) {
        smoke_expect(sum.naive2.n == 20 && sum.naive2.owa == 1.0,
                     "m3_monthly[20]: Naive2 row OWA exactly 1", sum.naive2.owa, 1.0);
        smoke_expect(sum.have_ws && sum.ws.n == 20 && isfinite(sum.ws.owa) && sum.ws.owa > 0.0,
                     "m3_monthly[20]: worldsheet auto scored", sum.ws.owa, sum.ws.owa);
        smoke_expect(sum.have_ws && sum.ws.cov80 <= sum.ws.cov95,
                     "m3_monthly[20]: worldsheet cov80 <= cov95", sum.ws.cov80, sum.ws.cov95);
    }
    printf("%d passed, %d failed\n", smoke_passes, smoke_failures);
    return smoke_failures ? 1 : 0;
}

/* ---- main ---- */

static void
usage(void)
{
    fprintf(stderr,
            "usage: fcbench [--set NAME|all] [--limit N]\n"
            "               [--methods auto,pooled,ets,theta,dotm,damped,ses,holt,ces,arima,\n"
            "                          naive,snaive]\n"
            "               [--detect] [--m3-all] [--data DIR] [--baselines DIR] [--smoke]\n"
            "               [--trace]  (per-series model and errors of worldsheet rows on stderr)\n"
            "               [--group S]  (also the job on each run of S consecutive series)\n"
            "  data: $WS_SHARED_DATA/forecast, else ../shared/data/forecast\n"
            "  baselines: $WS_SOURCE_ROOT/bench/forecast/baselines, else "
            "bench/forecast/baselines\n");
}

int
main(int argc, char **argv)
{
    bench_opts opts;
    memset(&opts, 0, sizeof opts);
    snprintf(opts.methods, sizeof opts.methods, "auto,pooled");
    const char *set_name = "all";
    char data_buf[4096], base_buf[4096];
    const char *env = getenv("WS_SHARED_DATA");
    if (env && *env) {
        snprintf(data_buf, sizeof data_buf, "%s/forecast", env);
        opts.data_dir = data_buf;
    } else {
        opts.data_dir = "../shared/data/forecast";
    }
    env = getenv("WS_SOURCE_ROOT");
    if (env && *env) {
        snprintf(base_buf, sizeof base_buf, "%s/bench/forecast/baselines", env);
        opts.baseline_dir = base_buf;
    } else {
        opts.baseline_dir = "bench/forecast/baselines";
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (strcmp(a, "--set") == 0 && has_value) {
            set_name = argv[++i];
        } else if (strcmp(a, "--limit") == 0 && has_value) {
            opts.limit = (size_t)atol(argv[++i]);
        } else if (strcmp(a, "--methods") == 0 && has_value) {
            snprintf(opts.methods, sizeof opts.methods, "%s", argv[++i]);
        } else if (strcmp(a, "--data") == 0 && has_value) {
            opts.data_dir = argv[++i];
        } else if (strcmp(a, "--baselines") == 0 && has_value) {
            opts.baseline_dir = argv[++i];
        } else if (strcmp(a, "--detect") == 0) {
            opts.detect = true;
        } else if (strcmp(a, "--m3-all") == 0) {
            opts.m3_all = true;
        } else if (strcmp(a, "--trace") == 0) {
            opts.trace = true;
        } else if (strcmp(a, "--group") == 0 && i + 1 < argc) {
            opts.group = (size_t)atol(argv[++i]);
            if (opts.group < FC_CALIB_MIN_SERIES) {
                fprintf(stderr,
                        "fcbench: --group needs %d series or more (the job learns "
                        "across series from %d)\n",
                        FC_CALIB_MIN_SERIES, FC_CALIB_MIN_SERIES);
                return 2;
            }
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            return 0;
        } else if (strcmp(a, "--smoke") == 0) {
            opts.smoke = true;
        } else {
            usage();
            return 2;
        }
    }
    if (opts.smoke)
        return smoke(&opts);

    printf("fcbench: data %s, baselines %s, methods %s, period %s\n", opts.data_dir,
           opts.baseline_dir, opts.methods,
           opts.detect ? "detected"
                       : "= frequency column (1: detected, as WS.FORECAST's seasonality 1)");
    set_summary sums[ALL_SET_COUNT];
    size_t nsum = 0;
    int rc = 0;
    double t0 = now_ms();
    for (size_t k = 0; k < ALL_SET_COUNT; k++) {
        if (strcmp(set_name, "all") != 0 && strcmp(set_name, all_sets[k]) != 0)
            continue;
        int r = bench_one_set(&opts, all_sets[k], &sums[nsum]);
        if (r == 2) {
            printf("\n== %s: no data in %s (skipped) ==\n", all_sets[k], opts.data_dir);
            continue;
        }
        if (r != 0)
            rc = 1;
        else
            nsum++;
    }
    if (nsum == 0 && strcmp(set_name, "all") != 0 && rc == 0) {
        bool known = false;
        for (size_t k = 0; k < ALL_SET_COUNT; k++)
            known = known || strcmp(set_name, all_sets[k]) == 0;
        if (!known) {
            fprintf(stderr, "fcbench: unknown set %s\n", set_name);
            return 2;
        }
    }
    if (nsum > 1) {
        printf("\n== summary: OWA per set (goal: worldsheet below both R ets and R thetaf) ==\n");
        printf("  %-18s %9s %9s %9s %6s %9s %7s %8s %9s %6s %8s\n", "set", "ws", "R ets",
               "R thetaf", "cov95", "ms/series", "cpu ms", "goal", "ws+pool", "cov95", "goal");
        for (size_t k = 0; k < nsum; k++) {
            const set_summary *s = &sums[k];
            printf("  %-18s", s->name);
            print_num(s->have_ws ? s->ws.owa : NAN, " %9.3f", 10);
            print_num(s->have_ets ? s->ets.owa : NAN, " %9.3f", 10);
            print_num(s->have_theta ? s->theta.owa : NAN, " %9.3f", 10);
            print_num(s->have_ws ? s->ws.cov95 : NAN, " %6.3f", 7);
            print_num(s->have_ws ? s->ws.ms : NAN, " %9.3f", 10);
            print_num(s->have_ws ? s->ws.cpu_ms : NAN, " %7.3f", 8);
            const char *goal = "-";
            if (s->have_ws && s->have_ets && s->have_theta)
                goal = s->ws.owa < s->ets.owa && s->ws.owa < s->theta.owa ? "met" : "NOT MET";
            printf(" %8s", goal);
            print_num(s->have_pool ? s->pool.owa : NAN, " %9.3f", 10);
            print_num(s->have_pool ? s->pool.cov95 : NAN, " %6.3f", 7);
            goal = "-";
            if (s->have_pool && s->have_ets && s->have_theta)
                goal = s->pool.owa < s->ets.owa && s->pool.owa < s->theta.owa ? "met" : "NOT MET";
            printf(" %8s\n", goal);
        }
        printf("\n== how sure: the job (else auto) against R, paired bootstrap over the series "
               "(%d resamples; 95%% intervals) ==\n",
               BOOT_REPS);
        printf("  %-18s %24s %24s %22s\n", "set", "OWA minus R ets", "OWA minus R thetaf", "cov95");
        for (size_t k = 0; k < nsum; k++) {
            const set_summary *s = &sums[k];
            printf("  %-18s", s->name);
            print_boot(&s->vs_ets, "%+.3f [%+.3f, %+.3f]", 24);
            print_boot(&s->vs_theta, "%+.3f [%+.3f, %+.3f]", 24);
            print_boot(&s->cov95, "%.3f [%.3f, %.3f]", 22);
            printf("\n");
        }
        if (opts.group) {
            printf("\n== small jobs: the job on runs of %zu series alone, beside auto and the job "
                   "on the whole set ==\n",
                   opts.group);
            printf("  %-18s %25s %25s %25s\n", "set", "auto: OWA cov95 MSIS",
                   "whole set: OWA cov95 MSIS", "runs: OWA cov95 MSIS");
            for (size_t k = 0; k < nsum; k++) {
                const set_summary *s = &sums[k];
                const bench_score *sc[3] = {s->have_ws ? &s->ws : NULL,
                                            s->have_pool ? &s->pool : NULL,
                                            s->have_group ? &s->group : NULL};
                printf("  %-18s", s->name);
                for (int c = 0; c < 3; c++) {
                    if (sc[c])
                        printf("      %6.3f %6.3f %7.3f", sc[c]->owa, sc[c]->cov95, sc[c]->msis);
                    else
                        printf(" %25s", "-");
                }
                printf("\n");
            }
        }
    }
    printf("\nfcbench: %.1f s\n", (now_ms() - t0) / 1000.0);
    return rc;
}
