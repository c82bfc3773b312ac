/* WS.SIMULATE, WS.CONTRIBUTION, WS.RESPONSE, WS.PLAN, WS.ABTEST: the world model in cells.
 *
 * Levers are a table (WS_ARG_ANY): when every cell of its first row is text, that row
 * names the levers ("TV", "Search") and the data start on the next row; otherwise the
 * levers are called "lever 1", "lever 2", ...  The KPI may carry a text header too.
 *
 * Fitting is the costly part and formulas over the same ranges repeat it, so fitted models
 * are kept in a small cache (MODEL_CACHE entries, least recently used evicted), keyed by
 * the data and the kinds, and shared between threads under a mutex with reference
 * counts. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"
#include "registry.h"
#include "simulate/abtest.h"
#include "simulate/mmm.h"
#include "simulate/sim_internal.h"

#define MODEL_CACHE 8

/* ----- inputs ----- */

void
sim_input_clear(sim_input *in)
{
    mem_free(in->y);
    mem_free(in->X);
    mem_free(in->kinds);
    mem_free(in->names);
    memset(in, 0, sizeof *in);
}

static ws_status
cell_number(const ws_value *v, const char *arg, size_t row, size_t col, double *out)
{
    switch ((ws_type)v->type) {
    case WS_TYPE_NUMBER:
        *out = v->as.number;
        return WS_OK;
    case WS_TYPE_BOOL:
        *out = v->as.boolean ? 1.0 : 0.0;
        return WS_OK;
    case WS_TYPE_EMPTY:
        *out = NAN;
        return WS_OK;
    case WS_TYPE_TEXT:
        return diag_fail(WS_ERR_VALUE, "%s: text '%s' in row %zu, column %zu", arg,
                         v->as.text, row + 1, col + 1);
    case WS_TYPE_ERROR:
        return diag_fail(WS_ERR_VALUE, "%s: the cell in row %zu, column %zu holds an error",
                         arg, row + 1, col + 1);
    }
    return diag_fail(WS_ERR_VALUE, "%s: unreadable cell", arg);
}

static bool
row_is_text(const ws_range *r, size_t row)
{
    for (size_t c = 0; c < r->cols; c++)
        if (range_get(r, row, c)->type != WS_TYPE_TEXT)
            return false;
    return r->cols > 0;
}

/* A table of numbers (rows×cols) with an optional text header row. */
static ws_status
read_table(const ws_range *r, const char *arg, size_t *rows, size_t *cols, bool *header,
           double **out)
{
    bool head = r->rows > 1 && row_is_text(r, 0);
    size_t n = r->rows - (head ? 1 : 0), k = r->cols;
    double *X = mem_alloc((n * k + 1) * sizeof *X);
    if (!X)
        return diag_nomem();
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < k; j++) {
            ws_status st = cell_number(range_get(r, t + head, j), arg, t + head, j,
                                       &X[t * k + j]);
            if (st) {
                mem_free(X);
                return st;
            }
        }
    *rows = n;
    *cols = k;
    if (header)
        *header = head;
    *out = X;
    return WS_OK;
}

/* A column or row of numbers with an optional leading text header. */
static ws_status
read_series(const ws_range *r, const char *arg, double **out, size_t *count)
{
    if (r->rows != 1 && r->cols != 1)
        return diag_fail(WS_ERR_VALUE, "%s: must be one column or one row, not %zu×%zu", arg,
                         r->rows, r->cols);
    size_t n = range_size(r);
    size_t skip = n > 1 && r->cells[0].type == WS_TYPE_TEXT ? 1 : 0;
    double *y = mem_alloc((n + 1) * sizeof *y);
    if (!y)
        return diag_nomem();
    for (size_t i = skip; i < n; i++) {
        ws_status st = cell_number(&r->cells[i], arg, r->cols == 1 ? i : 0,
                                   r->cols == 1 ? 0 : i, &y[i - skip]);
        if (st) {
            mem_free(y);
            return st;
        }
    }
    *out = y;
    *count = n - skip;
    return WS_OK;
}

static ws_status
read_kinds(const ws_range *r, size_t k, mmm_kind *kinds)
{
    for (size_t j = 0; j < k; j++)
        kinds[j] = MMM_SPEND;
    if (!r)
        return WS_OK;
    size_t m = range_size(r);
    if ((r->rows != 1 && r->cols != 1) || m != k)
        return diag_fail(WS_ERR_VALUE, "kinds: %zu entries for %zu levers; give one row of "
                         "\"spend\", \"price\" or \"control\" per lever", m, k);
    for (size_t j = 0; j < k; j++) {
        const ws_value *v = &r->cells[j];
        if (v->type == WS_TYPE_EMPTY)
            continue;
        const char *s = v->type == WS_TYPE_TEXT ? v->as.text : "";
        if (strcasecmp(s, "spend") == 0)
            kinds[j] = MMM_SPEND;
        else if (strcasecmp(s, "price") == 0)
            kinds[j] = MMM_PRICE;
        else if (strcasecmp(s, "control") == 0)
            kinds[j] = MMM_CONTROL;
        else
            return diag_fail(WS_ERR_VALUE, "kinds: entry %zu is '%s'; use \"spend\", "
                             "\"price\" or \"control\"", j + 1, s);
    }
    return WS_OK;
}

ws_status
sim_read_input(const ws_range *kpi, const ws_range *lev, const ws_range *kinds, sim_input *in)
{
    ws_status st;
    size_t ny = 0;
    memset(in, 0, sizeof *in);
    if ((st = read_series(kpi, "kpi", &in->y, &ny)))
        goto fail;
    if ((st = read_table(lev, "levers", &in->n, &in->k, &in->header, &in->X)))
        goto fail;
    if (ny != in->n) {
        st = diag_fail(WS_ERR_VALUE, "kpi has %zu periods but levers has %zu rows; they must "
                       "cover the same periods", ny, in->n);
        goto fail;
    }
    in->kinds = mem_alloc((in->k + 1) * sizeof *in->kinds);
    in->names = mem_alloc((in->k + 1) * sizeof *in->names);
    if (!in->kinds || !in->names) {
        st = diag_nomem();
        goto fail;
    }
    for (size_t j = 0; j < in->k; j++) {
        if (in->header)
            snprintf(in->names[j], NAME_MAX_LEN, "%s", range_get(lev, 0, j)->as.text);
        else
            snprintf(in->names[j], NAME_MAX_LEN, "lever %zu", j + 1);
    }
    if ((st = read_kinds(kinds, in->k, in->kinds)))
        goto fail;
    return WS_OK;
fail:
    sim_input_clear(in);
    return st;
}

/* ----- the model cache ----- */

struct cache_entry {
    uint64_t hash;
    size_t n, k;
    double *raw_y;   /* the KPI as given (blanks NaN), to confirm a hit */
    mmm_model *model;
    int refs;        /* users outside the cache */
    bool cached;
    uint64_t used;   /* LRU clock */
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *cache[MODEL_CACHE];
static uint64_t cache_clock;

static uint64_t
fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static void
entry_free(cache_entry *e)
{
    if (!e)
        return;
    mmm_free(e->model);
    mem_free(e->raw_y);
    mem_free(e);
}

static bool
entry_matches(const cache_entry *e, uint64_t hash, const sim_input *in)
{
    return e->hash == hash && e->n == in->n && e->k == in->k &&
           memcmp(e->raw_y, in->y, in->n * sizeof *in->y) == 0 &&
           memcmp(e->model->X, in->X, in->n * in->k * sizeof *in->X) == 0 &&
           memcmp(e->model->kinds, in->kinds, in->k * sizeof *in->kinds) == 0;
}

void
sim_model_release(cache_entry *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&cache_lock);
    bool drop = --e->refs == 0 && !e->cached;
    pthread_mutex_unlock(&cache_lock);
    if (drop)
        entry_free(e);
}

ws_status
sim_model_get(const sim_input *in, cache_entry **out)
{
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv(h, &in->n, sizeof in->n);
    h = fnv(h, &in->k, sizeof in->k);
    h = fnv(h, in->y, in->n * sizeof *in->y);
    h = fnv(h, in->X, in->n * in->k * sizeof *in->X);
    h = fnv(h, in->kinds, in->k * sizeof *in->kinds);
    pthread_mutex_lock(&cache_lock);
    for (size_t i = 0; i < MODEL_CACHE; i++) {
        cache_entry *e = cache[i];
        if (e && entry_matches(e, h, in)) {
            e->refs++;
            e->used = ++cache_clock;
            pthread_mutex_unlock(&cache_lock);
            if (e->model->warning[0])
                diag_warn("%s", e->model->warning);
            *out = e;
            return WS_OK;
        }
    }
    pthread_mutex_unlock(&cache_lock);

    /* Fit outside the lock: two threads may fit the same data once each; both answers are
     * identical and one is kept. */
    cache_entry *e = mem_calloc(1, sizeof *e);
    if (!e)
        return diag_nomem();
    e->hash = h;
    e->n = in->n;
    e->k = in->k;
    e->refs = 1;
    if (!(e->raw_y = mem_alloc(in->n * sizeof *e->raw_y))) {
        entry_free(e);
        return diag_nomem();
    }
    memcpy(e->raw_y, in->y, in->n * sizeof *in->y);
    ws_status st = mmm_fit(in->y, in->X, in->n, in->k, in->kinds, NULL, &e->model);
    if (st) {
        entry_free(e);
        return st;
    }
    cache_entry *evicted = NULL;
    pthread_mutex_lock(&cache_lock);
    size_t slot = 0;
    for (size_t i = 0; i < MODEL_CACHE; i++) {
        if (!cache[i]) {
            slot = i;
            break;
        }
        if (cache[i]->used < cache[slot]->used)
            slot = i;
    }
    if (cache[slot]) {
        cache[slot]->cached = false;
        if (cache[slot]->refs == 0)
            evicted = cache[slot];
    }
    e->cached = true;
    e->used = ++cache_clock;
    cache[slot] = e;
    pthread_mutex_unlock(&cache_lock);
    entry_free(evicted);
    *out = e;
    return WS_OK;
}

static ws_status
read_input(const formula_args *args, size_t kinds_arg, sim_input *in)
{
    return sim_read_input(formula_arg(args, 0), formula_arg(args, 1),
                          formula_arg(args, kinds_arg), in);
}

/* ----- formulas ----- */

static ws_status
simulate_impl(const formula_args *args, ws_range **out)
{
    sim_input in;
    cache_entry *e = NULL;
    double *S = NULL, *res = NULL;
    size_t h = 0, k2 = 0;
    double level = formula_arg_number(args, 3, 0.0);
    bool band = formula_arg(args, 3) != NULL;
    ws_status st = read_input(args, 4, &in);
    if (st)
        return st;
    if (band && !(level > 0 && level < 1)) {
        st = diag_fail(WS_ERR_NUM, "level: %g must be between 0 and 1 (e.g. 0.9)", level);
        goto done;
    }
    if ((st = read_table(formula_arg(args, 2), "scenario", &h, &k2, NULL, &S)))
        goto done;
    if (k2 != in.k || h == 0) {
        st = diag_fail(WS_ERR_VALUE, "scenario: %zu columns for %zu levers; give one row per "
                       "future period and one column per lever", k2, in.k);
        goto done;
    }
    if ((st = sim_model_get(&in, &e)))
        goto done;
    if (!(res = mem_alloc(3 * h * sizeof *res))) {
        st = diag_nomem();
        goto done;
    }
    if ((st = mmm_simulate(e->model, S, h, band ? level : 0.0, SIM_DRAWS, SIM_SEED, res,
                           res + h, res + 2 * h)))
        goto done;
    if (band) {
        ws_range *r = NULL;
        if ((st = ws_range_new(h, 3, &r)))
            goto done;
        for (size_t t = 0; t < h; t++) {
            *range_at(r, t, 0) = value_number(res[t]);
            *range_at(r, t, 1) = value_number(res[h + t]);
            *range_at(r, t, 2) = value_number(res[2 * h + t]);
        }
        *out = r;
    } else {
        st = range_from_doubles(res, h, 1, out);
    }
done:
    mem_free(res);
    mem_free(S);
    sim_model_release(e);
    sim_input_clear(&in);
    return st;
}

static ws_status
contribution_impl(const formula_args *args, ws_range **out)
{
    sim_input in;
    cache_entry *e = NULL;
    ws_range *r = NULL;
    double *v = NULL;
    ws_status st = read_input(args, 2, &in);
    if (st)
        return st;
    if ((st = sim_model_get(&in, &e)))
        goto done;
    size_t k = in.k;
    if (!(v = mem_alloc(3 * (k + 1) * sizeof *v))) {
        st = diag_nomem();
        goto done;
    }
    mmm_contributions(e->model, v, v + k + 1, v + 2 * (k + 1));
    if ((st = ws_range_new(k + 1, 4, &r)))
        goto done;
    for (size_t j = 0; j <= k; j++) {
        char label[NAME_MAX_LEN + 32];
        if (j == k)
            snprintf(label, sizeof label, "baseline");
        else
            snprintf(label, sizeof label, "%s%s", in.names[j],
                     e->model->suspect == j ? " (may be confounded)" : "");
        if ((st = ws_range_set_text(r, j, 0, label)))
            goto done;
        *range_at(r, j, 1) = value_number(v[j]);
        *range_at(r, j, 2) = value_number(v[k + 1 + j]);
        double roi = v[2 * (k + 1) + j];
        if (!isnan(roi))
            *range_at(r, j, 3) = value_number(roi);
    }
    *out = r;
    r = NULL;
done:
    ws_range_free(r);
    mem_free(v);
    sim_model_release(e);
    sim_input_clear(&in);
    return st;
}

/* The lever argument: a 1-based position or a header name. */
static ws_status
read_lever(const ws_range *r, const sim_input *in, size_t *out)
{
    if (r->rows != 1 || r->cols != 1)
        return diag_fail(WS_ERR_VALUE, "lever: give one number or one name");
    const ws_value *v = range_get(r, 0, 0);
    if (v->type == WS_TYPE_NUMBER) {
        double x = v->as.number;
        if (!(x >= 1 && x <= (double)in->k && x == floor(x)))
            return diag_fail(WS_ERR_NUM, "lever: %g is not a lever number (1..%zu)", x,
                             in->k);
        *out = (size_t)x - 1;
        return WS_OK;
    }
    if (v->type == WS_TYPE_TEXT) {
        for (size_t j = 0; j < in->k; j++)
            if (strcasecmp(in->names[j], v->as.text) == 0) {
                *out = j;
                return WS_OK;
            }
        return diag_fail(WS_ERR_VALUE, "lever: no lever is named '%s'", v->as.text);
    }
    return diag_fail(WS_ERR_VALUE, "lever: give a lever number or a header name");
}

static ws_status
response_impl(const formula_args *args, ws_range **out)
{
    sim_input in;
    cache_entry *e = NULL;
    double *spends = NULL, *res = NULL;
    size_t m = 0, lever = 0;
    ws_status st = read_input(args, 4, &in);
    if (st)
        return st;
    if ((st = read_lever(formula_arg(args, 2), &in, &lever)))
        goto done;
    if ((st = read_series(formula_arg(args, 3), "spends", &spends, &m)))
        goto done;
    if (m == 0) {
        st = diag_fail(WS_ERR_NA, "spends: no spend level given");
        goto done;
    }
    if ((st = sim_model_get(&in, &e)))
        goto done;
    if (!(res = mem_alloc(m * sizeof *res))) {
        st = diag_nomem();
        goto done;
    }
    if ((st = mmm_response(e->model, lever, spends, m, res)))
        goto done;
    st = range_from_doubles(res, m, 1, out);
done:
    mem_free(res);
    mem_free(spends);
    sim_model_release(e);
    sim_input_clear(&in);
    return st;
}

/* min/max: one number for every lever, or one per lever (k entries). */
static ws_status
read_bounds(const ws_range *r, const char *arg, size_t k, double *out)
{
    for (size_t j = 0; j < k; j++)
        out[j] = NAN;
    if (!r)
        return WS_OK;
    double *v = NULL;
    size_t m = 0;
    ws_status st = read_series(r, arg, &v, &m);
    if (st)
        return st;
    if (m != 1 && m != k) {
        mem_free(v);
        return diag_fail(WS_ERR_VALUE, "%s: %zu entries for %zu levers; give one number or "
                         "one per lever", arg, m, k);
    }
    for (size_t j = 0; j < k; j++)
        out[j] = v[m == 1 ? 0 : j];
    mem_free(v);
    return WS_OK;
}

static ws_status
plan_impl(const formula_args *args, ws_range **out)
{
    sim_input in;
    cache_entry *e = NULL;
    ws_range *r = NULL;
    double *buf = NULL;
    ws_status st = read_input(args, 6, &in);
    if (st)
        return st;
    size_t k = in.k;
    double budget = formula_arg_number(args, 2, NAN);
    double horizon = formula_arg_number(args, 3, 1.0);
    if (!(buf = mem_alloc(4 * (k + 1) * sizeof *buf))) {
        st = diag_nomem();
        goto done;
    }
    double *lo = buf, *hi = buf + k + 1, *spend = hi + k + 1, *change = spend + k + 1;
    if ((st = read_bounds(formula_arg(args, 4), "min", k, lo)) ||
        (st = read_bounds(formula_arg(args, 5), "max", k, hi)))
        goto done;
    if (!(horizon > 0)) {
        st = diag_fail(WS_ERR_NUM, "horizon: %g must be at least 1 period", horizon);
        goto done;
    }
    if ((st = sim_model_get(&in, &e)))
        goto done;
    if ((st = mmm_plan(e->model, budget, horizon, lo, hi, spend, change)))
        goto done;
    if ((st = ws_range_new(k + 1, 3, &r)))
        goto done;
    for (size_t j = 0; j <= k; j++) {
        if ((st = ws_range_set_text(r, j, 0, j == k ? "total" : in.names[j])))
            goto done;
        double s = j == k ? budget : spend[j];
        if (!isnan(s))
            *range_at(r, j, 1) = value_number(s);
        *range_at(r, j, 2) = value_number(change[j]);
    }
    *out = r;
    r = NULL;
done:
    ws_range_free(r);
    mem_free(buf);
    sim_model_release(e);
    sim_input_clear(&in);
    return st;
}

static ws_status
abtest_impl(const formula_args *args, ws_range **out)
{
    abtest_result res;
    ws_status st = abtest_run(formula_arg_number(args, 0, NAN), formula_arg_number(args, 1, NAN),
                              formula_arg_number(args, 2, NAN), formula_arg_number(args, 3, NAN),
                              formula_arg_number(args, 4, 0.95), &res);
    if (st)
        return st;
    double v[4] = {res.p_b_beats_a, res.lift, res.lift_lower, res.lift_upper};
    return range_from_doubles(v, 1, 4, out);
}

/* ----- the table ----- */

#define KPI_ARG {"kpi", "the KPI history, one column (a text header is allowed); blanks "    \
                 "inside are interpolated", WS_ARG_NUMBERS, false}
#define LEVERS_ARG {"levers", "one column per lever, same periods as kpi; a first row of "   \
                    "text names the levers", WS_ARG_ANY, false}
#define KINDS_ARG {"kinds", "one row of \"spend\" (default), \"price\" or \"control\" per "   \
                   "lever", WS_ARG_TEXTS, true}

#define COMMON_ERRORS                                                                      \
    "#VALUE!: kpi and levers cover different numbers of periods, a cell holds text, or "   \
    "kinds has a wrong entry",                                                             \
        "#N/A: a blank lever cell, a blank first or last KPI, or too few periods for the " \
        "levers (at least baseline columns + 3 per spend lever + 3)",                      \
        "#NUM!: a lever that never varies or is always zero, a negative spend, a "         \
        "non-positive price, or a non-positive KPI with a price lever"

static const ws_arg_info simulate_args[] = {
    KPI_ARG,
    LEVERS_ARG,
    {"scenario", "the future lever plan: one row per future period, one column per lever",
     WS_ARG_ANY, false},
    {"level", "interval level, e.g. 0.9; given, the result has mean, lower, upper",
     WS_ARG_NUMBER, true},
    KINDS_ARG,
};
static const char *const simulate_errors[] = {
    COMMON_ERRORS,
    "#VALUE!: scenario has a different number of columns than levers",
    "#NUM!: level outside (0, 1), or a negative spend in scenario",
};

static const ws_arg_info contribution_args[] = {KPI_ARG, LEVERS_ARG, KINDS_ARG};
static const char *const contribution_errors[] = {COMMON_ERRORS};

static const ws_arg_info response_args[] = {
    KPI_ARG,
    LEVERS_ARG,
    {"lever", "which lever: its number (1 = first column) or its header name", WS_ARG_ANY,
     false},
    {"spends", "the spend levels per period to evaluate", WS_ARG_NUMBERS, false},
    KINDS_ARG,
};
static const char *const response_errors[] = {
    COMMON_ERRORS,
    "#NUM!: lever is not a lever number, or a negative spend level",
    "#VALUE!: lever names no header",
};

static const ws_arg_info plan_args[] = {
    KPI_ARG,
    LEVERS_ARG,
    {"budget", "the total spend per period to split across the spend levers", WS_ARG_NUMBER,
     false},
    {"horizon", "periods the plan is held; the KPI change is multiplied by it (default 1)",
     WS_ARG_NUMBER, true},
    {"min", "lowest spend per lever: one number or one per lever (default 0)", WS_ARG_NUMBERS,
     true},
    {"max", "highest spend per lever: one number or one per lever (default budget)",
     WS_ARG_NUMBERS, true},
    KINDS_ARG,
};
static const char *const plan_errors[] = {
    COMMON_ERRORS,
    "#NUM!: the bounds cannot meet the budget, a negative budget, or no spend lever",
};

static const ws_arg_info abtest_args[] = {
    {"conv_a", "conversions of variant A", WS_ARG_NUMBER, false},
    {"n_a", "trials (visitors) of variant A", WS_ARG_NUMBER, false},
    {"conv_b", "conversions of variant B", WS_ARG_NUMBER, false},
    {"n_b", "trials (visitors) of variant B", WS_ARG_NUMBER, false},
    {"level", "interval level for the lift (default 0.95)", WS_ARG_NUMBER, true},
};
static const char *const abtest_errors[] = {
    "#NUM!: counts that are not whole numbers, conversions above trials, no trials, or a "
    "level outside (0, 1)",
    "#VALUE!: an argument is not a number",
};

static const formula_def simulate_defs[] = {
    {
        .info =
            {
                .name = "WS.SIMULATE",
                .category = "Marketing",
                .summary = "Learns the market from the KPI and lever history (baseline, "
                           "carry-over, diminishing returns, price elasticity) and rolls "
                           "it forward under a future lever plan.",
                .returns = "h×1 expected KPI per future period, or h×3 mean, lower, upper "
                           "when level is given",
                .arg_count = sizeof simulate_args / sizeof simulate_args[0],
                .args = simulate_args,
                .example = "=WS.SIMULATE(B2:B157; C1:E157; C158:E170; 0.9)",
                .example_result = "13×3: expected KPI and its 90% interval per week",
                .error_count = sizeof simulate_errors / sizeof simulate_errors[0],
                .errors = simulate_errors,
            },
        .impl = simulate_impl,
    },
    {
        .info =
            {
                .name = "WS.CONTRIBUTION",
                .category = "Marketing",
                .summary = "Splits the KPI history into the contribution of each lever and "
                           "of the baseline, with the return per unit spent.",
                .returns = "(k+1)×4: label, total contribution, share of the KPI, return "
                           "per unit spent (spend levers); last row baseline.  A lever whose "
                           "estimate may be confounded is labelled \"(may be confounded)\"",
                .arg_count = sizeof contribution_args / sizeof contribution_args[0],
                .args = contribution_args,
                .example = "=WS.CONTRIBUTION(B1:B157; C1:E157)",
                .example_result = "4×4: TV, Search, Price, baseline with totals, shares, "
                                  "returns",
                .error_count = sizeof contribution_errors / sizeof contribution_errors[0],
                .errors = contribution_errors,
            },
        .impl = contribution_impl,
    },
    {
        .info =
            {
                .name = "WS.RESPONSE",
                .category = "Marketing",
                .summary = "Expected KPI per period at each spend level of one lever, the "
                           "others held at their recent level (mean of the last 8 periods).",
                .returns = "m×1 expected KPI per period, one per spend level",
                .arg_count = sizeof response_args / sizeof response_args[0],
                .args = response_args,
                .example = "=WS.RESPONSE(B1:B157; C1:E157; \"TV\"; {0;1000;2000})",
                .example_result = "3×1: the KPI at each TV spend level",
                .error_count = sizeof response_errors / sizeof response_errors[0],
                .errors = response_errors,
            },
        .impl = response_impl,
    },
    {
        .info =
            {
                .name = "WS.PLAN",
                .category = "Marketing",
                .summary = "The split of a per-period budget across the spend levers, within "
                           "bounds, that maximises the expected KPI.",
                .returns = "(k+1)×3: lever, planned spend per period, expected KPI change "
                           "against the recent level over the horizon; last row total",
                .arg_count = sizeof plan_args / sizeof plan_args[0],
                .args = plan_args,
                .example = "=WS.PLAN(B1:B157; C1:E157; 50000; 13)",
                .example_result = "4×3: planned spend per lever and the KPI gain over 13 weeks",
                .error_count = sizeof plan_errors / sizeof plan_errors[0],
                .errors = plan_errors,
            },
        .impl = plan_impl,
    },
    {
        .info =
            {
                .name = "WS.ABTEST",
                .category = "Marketing",
                .summary = "Bayesian A/B test of two conversion rates (Beta(1,1) priors): the "
                           "probability that B beats A and the relative lift.",
                .returns = "1×4: P(B beats A), relative lift, lift lower, lift upper",
                .arg_count = sizeof abtest_args / sizeof abtest_args[0],
                .args = abtest_args,
                .example = "=WS.ABTEST(120; 1000; 150; 1000)",
                .example_result = "0.97507, 0.24793, 0.00036, 0.56181",
                .error_count = sizeof abtest_errors / sizeof abtest_errors[0],
                .errors = abtest_errors,
            },
        .impl = abtest_impl,
    },
};

const formula_family simulate_family = {simulate_defs,
                                        sizeof simulate_defs / sizeof simulate_defs[0]};

const mmm_model *
sim_entry_model(const cache_entry *entry)
{
    return entry->model;
}
