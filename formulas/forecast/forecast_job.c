/* The forecast job: forecast every column of a range, on all cores (with the auto model
 * and ten or more series, blended with a model learned across them, and from twenty
 * series on as the series' own last values teach: which forecasts to combine with which
 * weights, boosted trees learned across the series among them, and how wide the
 * intervals should be: plan.c, globals.c), and add
 * a "Forecast" sheet (history and forecasts, one block of rows per series, with a chart
 * per series for the first 20), and a "Forecast Models" sheet.  Labels are English or
 * Japanese (--lang; by default Japanese when a series name is). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/dates.h"
#include "core/diag.h"
#include "core/mem.h"
#include "expr/expr.h"
#include "forecast/forecast.h"
#include "io/book.h"
#include "io/chart.h"
#include "registry.h"

#define JOB_MAX_CHARTS 20
#define JOB_MAX_THREADS 64

typedef struct job_series {
    char name[128];
    double *y;    /* the column, NaN for blanks */
    size_t n;     /* rows of data (header excluded) */
    size_t first; /* first row holding a number */
    size_t last;  /* one past the last */
    fc_result res;
    ws_status status;
    char reason[DIAG_REASON_MAX];
} job_series;

/* The sheets' words in one language. */
typedef struct job_words {
    const char *sheet, *models_sheet, *unnamed, *error;
    const char *head[6], *models_head[5];
} job_words;

static const job_words job_en = {
    .sheet = "Forecast",
    .models_sheet = "Forecast Models",
    .unnamed = "Series %zu",
    .error = "error: %s",
    .head = {"Series", "Period", "Actual", "Forecast", "Lower", "Upper"},
    .models_head = {"Series", "Model", "Period", "AICc", "In-sample MASE"},
};

static const job_words job_ja = {
    .sheet = "予測",
    .models_sheet = "予測モデル",
    .unnamed = "系列 %zu",
    .error = "エラー: %s",
    .head = {"系列", "期間", "実績", "予測", "下限", "上限"},
    .models_head = {"系列", "モデル", "周期", "AICc", "学習期間のMASE"},
};

/* Tasks run on all cores: first the plan's validation forecasts (learn), then the
 * series' own forecasts; the progress counts both. */
typedef struct job_pool {
    job_series *series;
    fc_spec spec;
    fc_plan plan;
    fc_learn *learn;
    void (*run)(struct job_pool *pool, size_t i);
    size_t count;            /* tasks of this phase */
    size_t before, total;    /* tasks done in earlier phases, and in all */
    pthread_mutex_t lock;
    size_t next, done;
    bool cancel;
    bool out_of_memory;      /* a learn task ran out of memory */
} job_pool;

static void
job_forecast_one(job_pool *pool, size_t i)
{
    job_series *s = &pool->series[i];
    if (s->status) /* found bad while reading */
        return;
    s->status = fc_forecast_plan(s->y, s->n, &pool->spec, &pool->plan, &s->res);
    if (s->status)
        snprintf(s->reason, sizeof s->reason, "%s", diag_reason());
}

static void
job_learn_one(job_pool *pool, size_t k)
{
    if (fc_learn_forecast(pool->learn, k)) {
        pthread_mutex_lock(&pool->lock);
        pool->out_of_memory = true;
        pool->cancel = true;
        pthread_mutex_unlock(&pool->lock);
    }
}

/* Take tasks until none are left; the thread that reports (`progress` non-NULL) says how
 * far the job is after each and stops the others when the host cancels. */
static void
job_take(job_pool *pool, ws_progress_fn progress, void *user)
{
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        size_t i = pool->next < pool->count && !pool->cancel ? pool->next++ : pool->count;
        pthread_mutex_unlock(&pool->lock);
        if (i >= pool->count)
            break;
        pool->run(pool, i);
        pthread_mutex_lock(&pool->lock);
        size_t done = ++pool->done;
        pthread_mutex_unlock(&pool->lock);
        if (progress && !progress(user, pool->before + done, pool->total)) {
            pthread_mutex_lock(&pool->lock);
            pool->cancel = true;
            pthread_mutex_unlock(&pool->lock);
        }
    }
}

static void *
job_worker(void *arg)
{
    job_take(arg, NULL, NULL);
    return NULL;
}

/* The threads a phase runs on: one per core, at most JOB_MAX_THREADS + 1. */
static size_t
job_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cores > 1 ? (size_t)cores : 1;
    return threads > JOB_MAX_THREADS + 1 ? JOB_MAX_THREADS + 1 : threads;
}

/* Run the phase's `count` tasks: worker threads plus this thread, which alone reports
 * progress (hosts need not be thread-safe).  Results land in their own slots, so output
 * order does not depend on scheduling. */
static ws_status
job_run_all(job_pool *pool, size_t count, void (*run)(job_pool *, size_t),
            ws_progress_fn progress, void *user)
{
    pool->run = run;
    pool->count = count;
    pool->next = pool->done = 0;
    size_t nthreads = job_threads() - 1;
    if (nthreads + 1 > count)
        nthreads = count > 0 ? count - 1 : 0;
    pthread_t threads[JOB_MAX_THREADS];
    size_t started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&threads[started], NULL, job_worker, pool) != 0)
            break;
    job_take(pool, progress, user);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pool->before += count;
    if (pool->out_of_memory)
        return diag_nomem();
    if (pool->cancel || (progress && !progress(user, pool->before, pool->total)))
        return diag_fail(WS_ERR_ARGS, "forecast: cancelled");
    return WS_OK;
}

/* One step of work outside the task phases (fitting the models learned across series)
 * done: counted and reported like a task, and the host may cancel after it. */
static ws_status
job_step(job_pool *pool, ws_progress_fn progress, void *user)
{
    pool->before++;
    if (progress && !progress(user, pool->before, pool->total))
        return diag_fail(WS_ERR_ARGS, "forecast: cancelled");
    return WS_OK;
}

/* With the auto model and FC_CALIB_MIN_SERIES series or more, the plan learned from the
 * series' own last values (fc_learn_*, as fc_cross_learn, its validation forecasts on all
 * cores): which forecasts to combine, and the factors for the intervals' widths. */
static ws_status
job_plan(job_pool *pool, size_t count, double *factor, ws_progress_fn progress, void *user)
{
    const double **ys = mem_alloc(count * sizeof *ys);
    size_t *ns = mem_alloc(count * sizeof *ns);
    ws_status st = !ys || !ns ? diag_nomem() : WS_OK;
    for (size_t i = 0; !st && i < count; i++) {
        ys[i] = pool->series[i].y;
        ns[i] = pool->series[i].status ? 0 : pool->series[i].n; /* a bad one takes no part */
    }
    if (!st)
        st = fc_learn_new(ys, ns, count, &pool->spec, 0, &pool->learn);
    size_t picks = !st ? fc_learn_picks(pool->learn) : 0;
    if (picks) /* the validation forecasts, then the fits and choices as one step */
        pool->total += picks + 1;
    if (!st)
        st = job_run_all(pool, picks, job_learn_one, progress, user);
    if (!st)
        st = fc_learn_finish(pool->learn, &pool->plan, factor);
    if (!st && picks)
        st = job_step(pool, progress, user);
    fc_learn_free(pool->learn);
    pool->learn = NULL;
    mem_free(ys);
    mem_free(ns);
    return st;
}

/* From FC_POOL_MIN_SERIES series on, blend in the models learned across them (fc_globals:
 * the pooled model, and the boosted trees when the plan weighs them; their season is the
 * --seasonality given, else fc_common_period of the series' own models, where none counts
 * too) at the plan's shares (the pooled model at fc_pool_weight when not learned), and with
 * a learned plan, scale the intervals by its factors.  Series the models cannot learn from
 * keep their own forecasts.  XGBoost runs while the job's workers are idle, on OpenMP's
 * default threads (OMP_NUM_THREADS, else the cores this process may run on). */
static ws_status
job_blend_globals(job_series *series, size_t count, const fc_spec *spec, const fc_plan *plan,
                  const double *factor)
{
    size_t ok = 0;
    for (size_t i = 0; i < count; i++)
        ok += !series[i].status;
    if (ok < FC_POOL_MIN_SERIES)
        return WS_OK;
    const double **ys = mem_alloc(ok * sizeof *ys);
    size_t *ns = mem_alloc(ok * sizeof *ns);
    size_t *used = mem_alloc(ok * sizeof *used);
    fc_globals g = {.share = {0}};
    ws_status st = WS_OK;
    if (!ys || !ns || !used) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0, k = 0; i < count; i++)
        if (!series[i].status) {
            ys[k] = series[i].y;
            used[k] = series[i].res.period;
            ns[k++] = series[i].n;
        }
    size_t period = spec->period >= 2 ? (size_t)spec->period : fc_common_period(used, ok);
    fc_globals_shares(plan, period, g.share);
    if ((st = fc_globals_fit(ys, ns, ok, period, spec->horizon, 0, &g)))
        goto done;
    for (size_t i = 0, k = 0; i < count; i++)
        if (!series[i].status) {
            fc_globals_blend(&g, k++, &series[i].res);
            if (plan->learned)
                fc_scale_interval(&series[i].res, factor);
        }
done:
    fc_globals_free(&g);
    mem_free(ys);
    mem_free(ns);
    mem_free(used);
    return st;
}

/* The series not forecast, counted in one warning that names the first and its reason
 * (all are on the models sheet). */
static void
job_warn_failed(const job_series *series, size_t count)
{
    size_t failed = 0, first = 0;
    for (size_t i = 0; i < count; i++)
        if (series[i].status && !failed++)
            first = i;
    if (failed)
        diag_warn("forecast: %zu of %zu series not forecast ('%s': %s%s)", failed, count,
                  series[first].name, series[first].reason,
                  failed > 1 ? "; the others' reasons are on the models sheet" : "");
}

/* ----- reading ----- */

static ws_status
job_find_sheet(ws_book *book, const char *name, size_t fallback, book_sheet **out)
{
    if (name && *name) {
        book_sheet *s = book_find_sheet(book, name, strlen(name));
        if (!s)
            return diag_fail(WS_ERR_REF, "forecast: no sheet named '%s'", name);
        *out = s;
        return WS_OK;
    }
    *out = &book->sheets[fallback];
    return WS_OK;
}

static ws_status
job_parse_number(const char *text, const char *what, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (!end || end == text || *end || !(v >= lo && v <= hi))
        return diag_fail(WS_ERR_NUM, "forecast: --%s: '%s' is not a number in %g..%g", what, text,
                         lo, hi);
    *out = v;
    return WS_OK;
}

static ws_status
job_spec(const job_options *options, fc_spec *spec)
{
    double v;
    ws_status st;
    fc_spec_default(spec);
    if ((st = job_parse_number(job_option(options, "horizon"), "horizon", 1, 10000, &v)))
        return st;
    spec->horizon = (size_t)v;
    if ((st = job_parse_number(job_option(options, "level"), "level", 1e-9, 1 - 1e-9, &v)))
        return st;
    spec->level = v;
    const char *season = job_option(options, "seasonality");
    if (season && *season) {
        if ((st = job_parse_number(season, "seasonality", 0, 100000, &v)))
            return st;
        if (v != floor(v))
            return diag_fail(WS_ERR_NUM, "forecast: --seasonality: '%s' is not whole", season);
        spec->period = v == 1.0 ? -1 : (int)v;
    }
    const char *model = job_option(options, "model");
    static const char *const names[] = {"auto", "ets", "theta", "naive", "snaive"};
    static const fc_method methods[] = {FC_AUTO, FC_ETS, FC_THETA, FC_NAIVE, FC_SNAIVE};
    bool found = !model || !*model;
    for (size_t i = 0; i < 5 && !found; i++) {
        if (strcmp(model, names[i]) == 0) {
            spec->method = methods[i];
            found = true;
        }
    }
    if (!found)
        return diag_fail(WS_ERR_VALUE,
                         "forecast: --model: '%s' is not auto, ets, theta, naive or snaive", model);
    return WS_OK;
}

/* A new Forecast sheet (the `part`-th, 1 for the first: "Forecast", "Forecast (2)", ...)
 * with its header, frozen, and its columns' widths. */
static ws_status
job_forecast_sheet(ws_book *book, const job_words *w, size_t part, book_sheet **out)
{
    char name[128];
    if (part > 1)
        snprintf(name, sizeof name, "%s (%zu)", w->sheet, part);
    else
        snprintf(name, sizeof name, "%s", w->sheet);
    ws_status st = book_add_unique_sheet(book, name, out);
    for (uint32_t c = 0; !st && c < 6; c++)
        st = book_set_text(book, *out, 0, c, w->head[c]);
    if (!st && !(st = book_set_width(book, *out, 0, 0, 18)) &&
        !(st = book_set_width(book, *out, 1, 1, 12)))
        st = book_set_width(book, *out, 2, 5, 12);
    if (!st)
        (*out)->freeze_rows = 1;
    return st;
}

static ws_status
job_write(ws_book *book, job_series *series, size_t count, const job_words *w, const double *dates,
          bool have_dates)
{
    book_sheet *fs = NULL, *ms = NULL;
    uint16_t datefmt = 0;
    ws_status st;
    size_t parts = 1;
    if ((st = job_forecast_sheet(book, w, parts, &fs)))
        return st;
    if (have_dates && (st = book_format_intern(book, "yyyy-mm-dd", 10, &datefmt)))
        return st;
    date_step step = {false, 1};
    if (have_dates)
        step = date_detect_step(dates, series[0].n);
    uint32_t row = 1;
    size_t charts = 0;
    for (size_t i = 0; i < count; i++) {
        job_series *s = &series[i];
        /* A series' rows stay on one sheet: when they would pass the sheet's last row, they
         * start the next sheet (10,000 monthly series of 300 values fill four). */
        uint64_t rows = (uint64_t)(s->last - s->first) + (s->status == WS_OK ? s->res.horizon : 0);
        if (row > 1 && row + rows > book->limits.max_rows) {
            if ((st = job_forecast_sheet(book, w, ++parts, &fs)))
                return st;
            row = 1;
        }
        uint32_t row0 = row;
        for (size_t t = s->first; t < s->last; t++, row++) {
            if ((st = book_set_text(book, fs, row, 0, s->name)))
                return st;
            double period = have_dates ? dates[t] : (double)(t + 1);
            if (have_dates && !isfinite(period))
                st = WS_OK;
            else
                st = book_set_number(book, fs, row, 1, period, have_dates ? datefmt : 0);
            if (st)
                return st;
            if (!isnan(s->y[t]) && (st = book_set_number(book, fs, row, 2, s->y[t], 0)))
                return st;
        }
        if (s->status == WS_OK) {
            double lastdate = NAN;
            if (have_dates)
                for (size_t t = s->last; t-- > 0;)
                    if (isfinite(dates[t])) {
                        /* The date of the series' last row, stepping over trailing blanks. */
                        lastdate =
                            date_add_steps(dates[t], step, (long)(s->last - 1 - t), book->date1904);
                        break;
                    }
            for (size_t k = 0; k < s->res.horizon; k++, row++) {
                if ((st = book_set_text(book, fs, row, 0, s->name)))
                    return st;
                double period = have_dates && isfinite(lastdate)
                                    ? date_add_steps(lastdate, step, (long)k + 1, book->date1904)
                                    : (double)(s->last + k + 1);
                if ((st = book_set_number(book, fs, row, 1, period, have_dates ? datefmt : 0)) ||
                    (st = book_set_number(book, fs, row, 3, s->res.mean[k], 0)))
                    return st;
                if (s->res.lower && ((st = book_set_number(book, fs, row, 4, s->res.lower[k], 0)) ||
                                     (st = book_set_number(book, fs, row, 5, s->res.upper[k], 0))))
                    return st;
            }
        }
        if (charts < JOB_MAX_CHARTS && row > row0 && s->status == WS_OK) {
            book_area cat = {row0, 1, row - 1, 1}, act = {row0, 2, row - 1, 2};
            book_area fc = {row0, 3, row - 1, 3}, lo = {row0, 4, row - 1, 4};
            book_area hi = {row0, 5, row - 1, 5};
            if ((st = chart_forecast(book, fs, s->name, &w->head[2], cat, act, fc, lo, hi,
                                     1 + (uint32_t)charts * 20, 7)))
                return st;
            charts++;
        }
    }
    if ((st = book_add_unique_sheet(book, w->models_sheet, &ms)))
        return st;
    for (uint32_t c = 0; c < 5; c++)
        if ((st = book_set_text(book, ms, 0, c, w->models_head[c])))
            return st;
    for (size_t i = 0; i < count; i++) {
        job_series *s = &series[i];
        uint32_t r = (uint32_t)i + 1;
        if ((st = book_set_text(book, ms, r, 0, s->name)))
            return st;
        if (s->status) {
            char msg[DIAG_REASON_MAX + 16];
            snprintf(msg, sizeof msg, w->error, s->reason);
            if ((st = book_set_text(book, ms, r, 1, msg)))
                return st;
            continue;
        }
        if ((st = book_set_text(book, ms, r, 1, s->res.model)) ||
            (st = book_set_number(book, ms, r, 2, (double)s->res.period, 0)))
            return st;
        if (isfinite(s->res.aicc) && (st = book_set_number(book, ms, r, 3, s->res.aicc, 0)))
            return st;
        if (isfinite(s->res.mase_in) && (st = book_set_number(book, ms, r, 4, s->res.mase_in, 0)))
            return st;
    }
    ms->freeze_rows = 1;
    if ((st = book_set_width(book, ms, 0, 0, 18)) || (st = book_set_width(book, ms, 1, 1, 40)) ||
        (st = book_set_width(book, ms, 2, 4, 14)))
        return st;
    return WS_OK;
}

static ws_status
forecast_job_impl(ws_book *book, size_t sheet_index, const job_options *options,
                  ws_progress_fn progress, void *user)
{
    ws_range *range = NULL, *dr = NULL;
    job_series *series = NULL;
    double *dates = NULL, *factor = NULL;
    size_t count = 0;
    book_sheet *sheet = NULL;
    book_area area = {0, 0, 0, 0}, darea = {0, 0, 0, 0};
    fc_spec spec;
    job_pool pool;
    job_lang lang;
    bool lock_ready = false;
    ws_status st;
    if ((st = job_spec(options, &spec)) || (st = job_lang_option(options, "forecast", &lang)))
        return st;
    const char *pool_opt = job_option(options, "pool");
    bool cross = spec.method == FC_AUTO;
    if (pool_opt && *pool_opt) {
        if (strcmp(pool_opt, "no") != 0 && strcmp(pool_opt, "yes") != 0)
            return diag_fail(WS_ERR_VALUE, "forecast: --pool: '%s' is not yes or no", pool_opt);
        cross = cross && strcmp(pool_opt, "yes") == 0;
    }
    if ((st = job_find_sheet(book, job_option(options, "sheet"), sheet_index, &sheet)))
        return st;
    if ((st = job_read_ref(book, sheet, "forecast", "range", job_option(options, "range"), &area,
                           &range)))
        return st;
    size_t rows = range->rows, cols = range->cols;
    bool header = false;
    for (size_t c = 0; c < cols; c++)
        header |= range_get(range, 0, c)->type == WS_TYPE_TEXT;
    size_t r0 = header ? 1 : 0;
    if (rows <= r0) {
        st = diag_fail(WS_ERR_NA, "forecast: --range holds no data rows");
        goto done;
    }
    size_t n = rows - r0;
    const char *dref = job_option(options, "dates");
    if (dref && *dref) {
        if ((st = job_read_ref(book, sheet, "forecast", "dates", dref, &darea, &dr)))
            goto done;
        size_t dn = dr->rows * dr->cols;
        size_t off = dn == rows && header ? 1 : 0;
        if (dn - off < n) {
            st = diag_fail(WS_ERR_REF, "forecast: --dates has %zu cells for %zu rows of data",
                           dn - off, n);
            goto done;
        }
        if (!(dates = mem_alloc(n * sizeof *dates))) {
            st = diag_nomem();
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            const ws_value *v = &dr->cells[i + off];
            if (v->type == WS_TYPE_NUMBER)
                dates[i] = v->as.number;
            else if (v->type == WS_TYPE_EMPTY)
                dates[i] = NAN;
            else if (v->type != WS_TYPE_TEXT ||
                     !date_parse_iso(v->as.text, book->date1904, &dates[i])) {
                char cell[16];
                size_t rr = dr->cols == 1 ? i + off : 0, cc = dr->cols == 1 ? 0 : i + off;
                book_cell_name(darea.row0 + (uint32_t)rr, darea.col0 + (uint32_t)cc, cell);
                st = diag_fail(WS_ERR_VALUE, "forecast: --dates: cell %s is not a date", cell);
                goto done;
            }
        }
    }
    if (!(series = mem_calloc(cols, sizeof *series))) {
        st = diag_nomem();
        goto done;
    }
    for (size_t c = 0; lang == JOB_LANG_AUTO && header && c < cols; c++) {
        const ws_value *h = range_get(range, 0, c);
        if (h->type == WS_TYPE_TEXT && job_text_is_japanese(h->as.text))
            lang = JOB_LANG_JA;
    }
    const job_words *w = lang == JOB_LANG_JA ? &job_ja : &job_en;
    for (size_t c = 0; c < cols; c++, count++) {
        job_series *s = &series[c];
        const ws_value *h = range_get(range, 0, c);
        if (header && h->type == WS_TYPE_TEXT)
            snprintf(s->name, sizeof s->name, "%s", h->as.text);
        else
            snprintf(s->name, sizeof s->name, w->unnamed, c + 1);
        if (!(s->y = mem_alloc(n * sizeof *s->y))) {
            st = diag_nomem();
            goto done;
        }
        s->n = n;
        for (size_t i = 0; i < n; i++) {
            const ws_value *v = range_get(range, i + r0, c);
            if (v->type == WS_TYPE_NUMBER)
                s->y[i] = v->as.number;
            else if (v->type == WS_TYPE_BOOL)
                s->y[i] = v->as.boolean ? 1.0 : 0.0;
            else if (v->type == WS_TYPE_EMPTY)
                s->y[i] = NAN;
            else {
                /* Text or an error: this series is not forecast, and says why (as the
                 * formula's #VALUE!); the others are. */
                s->y[i] = NAN;
                if (s->status)
                    continue;
                char cell[16];
                book_cell_name(area.row0 + (uint32_t)(i + r0), area.col0 + (uint32_t)c, cell);
                s->status = WS_ERR_VALUE;
                if (v->type == WS_TYPE_TEXT)
                    snprintf(s->reason, sizeof s->reason,
                             "values: cell %s holds text ('%.40s'), not a number", cell,
                             v->as.text);
                else
                    snprintf(s->reason, sizeof s->reason, "values: cell %s holds an error",
                             cell);
            }
        }
        s->first = 0;
        s->last = n;
        while (s->first < n && isnan(s->y[s->first]))
            s->first++;
        while (s->last > s->first && isnan(s->y[s->last - 1]))
            s->last--;
    }
    memset(&pool, 0, sizeof pool);
    pool.series = series;
    pool.spec = spec;
    /* The series' forecasts, and with FC_POOL_MIN_SERIES or more, the models learned across
     * them as one more step. */
    pool.total = count + (cross && count >= FC_POOL_MIN_SERIES);
    if (pthread_mutex_init(&pool.lock, NULL) != 0) {
        st = diag_fail(WS_ERR_NOMEM, "forecast: cannot create a lock");
        goto done;
    }
    lock_ready = true;
    fc_plan_default(&pool.plan, spec.parts);
    factor = mem_alloc(spec.horizon * sizeof *factor);
    if (!factor) {
        st = diag_nomem();
        goto done;
    }
    if (cross && (st = job_plan(&pool, count, factor, progress, user)))
        goto done;
    if ((st = job_run_all(&pool, count, job_forecast_one, progress, user)))
        goto done;
    if (cross && (st = job_blend_globals(series, count, &spec, &pool.plan, factor)))
        goto done;
    if (cross && count >= FC_POOL_MIN_SERIES && (st = job_step(&pool, progress, user)))
        goto done;
    job_warn_failed(series, count);
    st = job_write(book, series, count, w, dates, dates != NULL);
done:
    if (lock_ready)
        pthread_mutex_destroy(&pool.lock);
    for (size_t c = 0; series && c < count; c++) {
        mem_free(series[c].y);
        fc_result_clear(&series[c].res);
    }
    mem_free(series);
    mem_free(dates);
    mem_free(factor);
    ws_range_free(range);
    ws_range_free(dr);
    return st;
}

static const ws_job_option_info forecast_job_options[] = {
    {"range", "REF",
     "the series, one per column; a text first row names them; a column with text below "
     "it is not forecast (its reason is on the models sheet)",
     NULL},
    {"dates", "REF", "the dates of the rows (day, week, month, quarter or year apart)", ""},
    {"horizon", "H", "periods to forecast", "12"},
    {"level", "P", "prediction interval level, between 0 and 1", "0.95"},
    {"sheet", "NAME", "the sheet that unqualified references are on", ""},
    {"seasonality", "N", "1 or empty: detect; 0: none; n >= 2: period n", ""},
    {"model", "NAME", "auto, ets, theta, naive or snaive", "auto"},
    {"lang", "en|ja", "language of the sheets' labels; ja when a series name is Japanese", ""},
    {"pool", "yes|no",
     "auto model, 10 or more series: blend in a model learned across all of them (20 or "
     "more: boosted trees across them too, and learn from their own last values which "
     "forecasts to combine, and the intervals' widths)",
     "yes"},
};

const job_def forecast_job = {
    .info =
        {
            .name = "forecast",
            .summary = "Forecasts each column of a range and adds a Forecast sheet with "
                       "intervals and charts and a Forecast Models sheet (the AICc is an "
                       "ETS model's; the auto combination has none).",
            .option_count = sizeof forecast_job_options / sizeof forecast_job_options[0],
            .options = forecast_job_options,
        },
    .impl = forecast_job_impl,
};
