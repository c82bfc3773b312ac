/* The simulate and plan jobs: fit the world model to a KPI and its levers and add sheets.
 *
 *   simulate: "Model" (parameters, fit statistics, holdout error, warnings),
 *             "Contribution" (table and bar chart), "Response" (curves and chart),
 *             "Scenario" (history, fitted, future path with its band, chart).
 *   plan:     "Plan" (current and planned spend per lever, expected KPI change, chart).
 * Labels are English or Japanese (--lang; by default Japanese when a lever name is).  The
 * model's warnings stay English: they are composed by the model, as reasons are. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "expr/expr.h"
#include "io/book.h"
#include "io/chart.h"
#include "registry.h"
#include "simulate/mmm.h"
#include "simulate/sim_internal.h"

#define RESPONSE_POINTS 21 /* 0, 0.1, ..., 2.0 times the lever's recent level */

/* The sheets' words in one language. */
typedef struct sj_words {
    bool ja;
    const char *model_sheet, *model_head[7], *kinds[3], *stats[8], *warning, *none;
    const char *contribution_sheet, *contribution_head[6], *baseline, *contribution_chart;
    const char *response_sheet, *response_axis, *response_spend, *response_chart;
    const char *scenario_sheet, *scenario_head[6], *scenario_chart;
    const char *plan_sheet, *plan_head[5], *total, *plan_series[2], *plan_chart;
} sj_words;

static const sj_words sj_en = {
    .model_sheet = "Model",
    .model_head = {"Lever", "Kind", "Carry-over rate", "Peak lag", "Half-saturation (spend)",
                   "Coefficient (KPI units)", "Elasticity"},
    .kinds = {"spend", "price", "control"},
    .stats = {"Periods", "R squared (in-sample)", "NRMSE (in-sample)", "MAPE (in-sample)",
              "Holdout MAPE (last 20%, refit on the rest)", "Noise sd (KPI units)",
              "Seasonal period", "Ridge weight"},
    .warning = "Warning",
    .none = "none",
    .contribution_sheet = "Contribution",
    .contribution_head = {"Lever", "Contribution", "Share", "Return per unit spent",
                          "Return: lower (90%)", "Return: upper (90%)"},
    .baseline = "baseline",
    .contribution_chart = "Contribution to the KPI",
    .response_sheet = "Response",
    .response_axis = "Spend / recent level",
    .response_spend = "%s spend",
    .response_chart = "Expected KPI per period by spend (others at recent level)",
    .scenario_sheet = "Scenario",
    .scenario_head = {"Period", "Actual", "Fitted", "Expected", "Lower", "Upper"},
    .scenario_chart = "KPI under the scenario",
    .plan_sheet = "Plan",
    .plan_head = {"Lever", "Recent spend", "Planned spend", "Change", "Expected KPI change"},
    .total = "total",
    .plan_series = {"Recent", "Planned"},
    .plan_chart = "Spend per period: recent and planned",
};

static const sj_words sj_ja = {
    .ja = true,
    .model_sheet = "モデル",
    .model_head = {"施策", "種類", "持ち越し率", "効果のピーク(期)", "半飽和点(支出)",
                   "係数(KPI単位)", "価格弾力性"},
    .kinds = {"支出", "価格", "統制変数"},
    .stats = {"期間数", "決定係数(学習期間)", "NRMSE(学習期間)", "MAPE(学習期間)",
              "検証MAPE(最後の20%、残りで再学習)", "ノイズの標準偏差(KPI単位)", "季節周期",
              "リッジ重み"},
    .warning = "注意",
    .none = "なし",
    .contribution_sheet = "貢献度",
    .contribution_head = {"施策", "貢献", "構成比", "支出1単位あたりの効果",
                          "効果の下限(90%)", "効果の上限(90%)"},
    .baseline = "ベースライン",
    .contribution_chart = "KPIへの貢献",
    .response_sheet = "反応曲線",
    .response_axis = "支出 / 直近水準",
    .response_spend = "%s 支出",
    .response_chart = "支出別の期あたり期待KPI(他の施策は直近水準)",
    .scenario_sheet = "シナリオ",
    .scenario_head = {"期間", "実績", "当てはめ値", "期待値", "下限", "上限"},
    .scenario_chart = "シナリオでのKPI",
    .plan_sheet = "予算配分",
    .plan_head = {"施策", "直近の支出", "計画の支出", "増減", "KPIの期待変化"},
    .total = "合計",
    .plan_series = {"直近", "計画"},
    .plan_chart = "期あたりの支出: 直近と計画",
};

typedef struct job_ctx {
    const sj_words *w;
    sim_input in;
    cache_entry *entry;
    ws_range *kinds;
    double *scenario; /* h×k */
    size_t h;
    char prefix[16];  /* "simulate" or "plan", for reasons */
} job_ctx;

/* "spend,spend,price" into a 1×k text range. */
static ws_status
sj_split_list(const char *text, ws_range **out)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',' || *p == ';';
    ws_range *r = NULL;
    ws_status st = ws_range_new(1, n, &r);
    if (st)
        return st;
    size_t i = 0;
    const char *p = text;
    while (i < n) {
        const char *e = p;
        while (*e && *e != ',' && *e != ';')
            e++;
        char item[64];
        size_t len = (size_t)(e - p) < sizeof item - 1 ? (size_t)(e - p) : sizeof item - 1;
        while (len && (*p == ' '))
            p++, len--;
        memcpy(item, p, len);
        item[len] = '\0';
        while (len && item[len - 1] == ' ')
            item[--len] = '\0';
        char *end = NULL;
        double v = strtod(item, &end);
        if (len && end && *end == '\0')
            st = ws_range_set_number(r, 0, i, v);
        else if (len)
            st = ws_range_set_text(r, 0, i, item);
        if (st) {
            ws_range_free(r);
            return st;
        }
        i++;
        p = *e ? e + 1 : e;
    }
    *out = r;
    return WS_OK;
}

static ws_status
sj_number(const char *text, const char *prefix, const char *what, double *out)
{
    char *end = NULL;
    double v = text ? strtod(text, &end) : NAN;
    if (!text || !*text || !end || *end || !isfinite(v))
        return diag_fail(WS_ERR_ARGS, "%s: --%s: '%s' is not a number", prefix, what,
                         text ? text : "");
    *out = v;
    return WS_OK;
}

static void
sj_clear(job_ctx *c)
{
    sim_model_release(c->entry);
    sim_input_clear(&c->in);
    ws_range_free(c->kinds);
    mem_free(c->scenario);
}

/* Read --kpi, --levers, --kinds and fit (or reuse) the model. */
static ws_status
sj_prepare(ws_book *book, size_t sheet_index, const job_options *options, job_ctx *c)
{
    ws_range *kpi = NULL, *lev = NULL;
    ws_status st;
    book_sheet *sheet = &book->sheets[sheet_index];
    const char *sname = job_option(options, "sheet");
    if (sname && *sname && !(sheet = book_find_sheet(book, sname, strlen(sname))))
        return diag_fail(WS_ERR_REF, "%s: no sheet named '%s'", c->prefix, sname);
    if ((st = job_read_ref(book, sheet, c->prefix, "kpi", job_option(options, "kpi"), NULL,
                           &kpi)) ||
        (st = job_read_ref(book, sheet, c->prefix, "levers", job_option(options, "levers"),
                           NULL, &lev)))
        goto done;
    const char *kinds = job_option(options, "kinds");
    if (kinds && *kinds && (st = sj_split_list(kinds, &c->kinds)))
        goto done;
    if ((st = sim_read_input(kpi, lev, c->kinds, &c->in)) ||
        (st = sim_model_get(&c->in, &c->entry))) {
        st = diag_prefix(st, "%s", c->prefix);
        goto done;
    }
    job_lang lang;
    if ((st = job_lang_option(options, c->prefix, &lang)))
        goto done;
    for (size_t j = 0; lang == JOB_LANG_AUTO && j < c->in.k; j++)
        if (job_text_is_japanese(c->in.names[j]))
            lang = JOB_LANG_JA;
    c->w = lang == JOB_LANG_JA ? &sj_ja : &sj_en;
done:
    ws_range_free(kpi);
    ws_range_free(lev);
    return st;
}

static ws_status
sj_header(ws_book *book, book_sheet *s, const char *const *head, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ws_status st = book_set_text(book, s, 0, (uint32_t)i, head[i]);
        if (st)
            return st;
    }
    s->freeze_rows = 1;
    return book_set_width(book, s, 0, (uint32_t)n - 1, 16);
}

static const char *
sj_kind(const sj_words *w, mmm_kind k)
{
    return w->kinds[k == MMM_SPEND ? 0 : k == MMM_PRICE ? 1 : 2];
}

/* A holdout check: fit on the first 80% of the periods, simulate the rest with the actual
 * levers, and give the MAPE (NaN when the KPI has zeros or the fit fails). */
static double
sj_holdout(const sim_input *in)
{
    size_t nt = in->n - in->n / 5, h = in->n - nt;
    mmm_model *m = NULL;
    double *mean = mem_alloc((h + 1) * sizeof *mean), mape = NAN;
    if (!mean || h < 2 || mmm_fit(in->y, in->X, nt, in->k, in->kinds, NULL, &m) != WS_OK)
        goto done;
    if (mmm_simulate(m, in->X + nt * in->k, h, 0, 0, 0, mean, NULL, NULL) != WS_OK)
        goto done;
    mape = 0;
    for (size_t t = 0; t < h; t++) {
        double y = in->y[nt + t];
        if (!(fabs(y) > 0) || isnan(y)) {
            mape = NAN;
            break;
        }
        mape += fabs(mean[t] - y) / fabs(y) / (double)h;
    }
done:
    mmm_free(m);
    mem_free(mean);
    return mape;
}

static ws_status
sj_model_sheet(ws_book *book, const job_ctx *c)
{
    const mmm_model *m = sim_entry_model(c->entry);
    book_sheet *s = NULL;
    ws_status st;
    const sj_words *w = c->w;
    if ((st = book_add_unique_sheet(book, w->model_sheet, &s)))
        return st;
    if ((st = sj_header(book, s, w->model_head, 7)))
        return st;
    for (size_t j = 0; j < m->k; j++) {
        uint32_t r = (uint32_t)j + 1;
        double coef = m->beta[m->lever_col + j] * m->y_scale;
        if ((st = book_set_text(book, s, r, 0, c->in.names[j])) ||
            (st = book_set_text(book, s, r, 1, sj_kind(w, m->kinds[j]))) ||
            (st = book_set_number(book, s, r, 5, coef, 0)))
            return st;
        if (m->kinds[j] == MMM_SPEND &&
            ((st = book_set_number(book, s, r, 2, m->rate[j], 0)) ||
             (st = book_set_number(book, s, r, 3, m->peak[j], 0)) ||
             (st = book_set_number(book, s, r, 4, m->half[j] * m->x_scale[j], 0))))
            return st;
        if (m->kinds[j] == MMM_PRICE && (st = book_set_number(book, s, r, 6,
                                                             m->elasticity[j], 0)))
            return st;
    }
    uint32_t r = (uint32_t)m->k + 2;
    double holdout = sj_holdout(&c->in);
    double values[8] = {(double)m->n, m->r2, m->nrmse, m->mape, holdout,
                       m->sigma * m->y_scale, m->period, m->lambda};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++, r++) {
        if ((st = book_set_text(book, s, r, 0, w->stats[i])))
            return st;
        if (isfinite(values[i]) && (st = book_set_number(book, s, r, 1, values[i], 0)))
            return st;
    }
    if ((st = book_set_text(book, s, r, 0, w->warning)) ||
        (st = book_set_text(book, s, r, 1, m->warning[0] ? m->warning : w->none)))
        return st;
    return book_set_width(book, s, 0, 0, 40);
}

static ws_status
sj_contribution_sheet(ws_book *book, const job_ctx *c)
{
    const mmm_model *m = sim_entry_model(c->entry);
    size_t k = m->k;
    book_sheet *s = NULL;
    double *v = mem_alloc(5 * (k + 1) * sizeof *v);
    ws_status st;
    if (!v)
        return diag_nomem();
    /* The return's interval draws the coefficients and the curves (conditional on the
     * curve family: the model's warning names levers whose return is extrapolated). */
    double *lo = v + 3 * (k + 1), *hi = lo + k + 1;
    if ((st = mmm_roi_interval(m, 0.9, SIM_DRAWS, SIM_SEED, lo, hi)) ||
        (st = book_add_unique_sheet(book, c->w->contribution_sheet, &s)))
        goto done;
    if ((st = sj_header(book, s, c->w->contribution_head, 6)))
        goto done;
    mmm_contributions(m, v, v + k + 1, v + 2 * (k + 1));
    for (size_t j = 0; j <= k; j++) {
        uint32_t r = (uint32_t)j + 1;
        if ((st = book_set_text(book, s, r, 0, j == k ? c->w->baseline : c->in.names[j])) ||
            (st = book_set_number(book, s, r, 1, v[j], 0)) ||
            (st = book_set_number(book, s, r, 2, v[k + 1 + j], 0)))
            goto done;
        if (isfinite(v[2 * (k + 1) + j]) &&
            (st = book_set_number(book, s, r, 3, v[2 * (k + 1) + j], 0)))
            goto done;
        if (j < k && isfinite(lo[j]) && isfinite(hi[j]) &&
            ((st = book_set_number(book, s, r, 4, lo[j], 0)) ||
             (st = book_set_number(book, s, r, 5, hi[j], 0))))
            goto done;
    }
    book_area cat = {1, 0, (uint32_t)k + 1, 0}, val = {1, 1, (uint32_t)k + 1, 1};
    st = chart_bars(book, s, c->w->contribution_chart, cat, &val, &c->w->contribution_head[1],
                    1, BOOK_CHART_COLUMN, 1, 6);
done:
    mem_free(v);
    return st;
}

static ws_status
sj_response_sheet(ws_book *book, const job_ctx *c)
{
    const mmm_model *m = sim_entry_model(c->entry);
    size_t k = m->k, ns = 0;
    book_sheet *s = NULL;
    double *level = mem_alloc((k + 1) * sizeof *level);
    book_area *areas = mem_alloc((k + 1) * sizeof *areas);
    const char **names = mem_alloc((k + 1) * sizeof *names);
    ws_status st;
    if (!level || !areas || !names) {
        st = diag_nomem();
        goto done;
    }
    if ((st = book_add_unique_sheet(book, c->w->response_sheet, &s)) ||
        (st = book_set_text(book, s, 0, 0, c->w->response_axis)))
        goto done;
    mmm_recent(m, level);
    for (size_t i = 0; i < RESPONSE_POINTS; i++)
        if ((st = book_set_number(book, s, (uint32_t)i + 1, 0, 0.1 * (double)i, 0)))
            goto done;
    for (size_t j = 0; j < k; j++) {
        if (m->kinds[j] != MMM_SPEND)
            continue;
        uint32_t col = (uint32_t)(1 + 2 * ns);
        char head[NAME_MAX_LEN + 16];
        snprintf(head, sizeof head, c->w->response_spend, c->in.names[j]);
        if ((st = book_set_text(book, s, 0, col, head)) ||
            (st = book_set_text(book, s, 0, col + 1, c->in.names[j])))
            goto done;
        /* A lever idle lately is charted against its mean spend instead. */
        double base = level[j] > 0 ? level[j] : m->x_scale[j];
        for (size_t i = 0; i < RESPONSE_POINTS; i++) {
            double x = 0.1 * (double)i * base, y;
            if ((st = mmm_response(m, j, &x, 1, &y)) ||
                (st = book_set_number(book, s, (uint32_t)i + 1, col, x, 0)) ||
                (st = book_set_number(book, s, (uint32_t)i + 1, col + 1, y, 0)))
                goto done;
        }
        areas[ns] = (book_area){1, col + 1, RESPONSE_POINTS, col + 1};
        names[ns] = c->in.names[j];
        ns++;
    }
    if ((st = book_set_width(book, s, 0, (uint32_t)(2 * ns), 16)))
        goto done;
    if (ns) {
        book_area cat = {1, 0, RESPONSE_POINTS, 0};
        st = chart_bars(book, s, c->w->response_chart, cat, areas, names, ns, BOOK_CHART_LINE,
                        1, (uint32_t)(2 * ns + 2));
    }
done:
    mem_free(names);
    mem_free(areas);
    mem_free(level);
    return st;
}

static ws_status
sj_scenario_sheet(ws_book *book, const job_ctx *c, double level)
{
    const mmm_model *m = sim_entry_model(c->entry);
    size_t n = m->n, h = c->h;
    book_sheet *s = NULL;
    double *v = mem_alloc(3 * (h + 1) * sizeof *v);
    ws_status st;
    if (!v)
        return diag_nomem();
    if ((st = mmm_simulate(m, c->scenario, h, level, SIM_DRAWS, SIM_SEED, v, v + h,
                           v + 2 * h)) ||
        (st = book_add_unique_sheet(book, c->w->scenario_sheet, &s)))
        goto done;
    const char *const *head = c->w->scenario_head;
    if ((st = sj_header(book, s, head, 6)))
        goto done;
    for (size_t t = 0; t < n + h; t++) {
        uint32_t r = (uint32_t)t + 1;
        if ((st = book_set_number(book, s, r, 0, (double)(t + 1), 0)))
            goto done;
        if (t < n) {
            if ((st = book_set_number(book, s, r, 1, m->y[t], 0)) ||
                (st = book_set_number(book, s, r, 2, m->fitted[t], 0)))
                goto done;
        } else if ((st = book_set_number(book, s, r, 3, v[t - n], 0)) ||
                   (st = book_set_number(book, s, r, 4, v[h + t - n], 0)) ||
                   (st = book_set_number(book, s, r, 5, v[2 * h + t - n], 0))) {
            goto done;
        }
    }
    uint32_t last = (uint32_t)(n + h);
    book_area cat = {1, 0, last, 0}, act = {1, 1, last, 1}, fc = {1, 3, last, 3};
    book_area lo = {1, 4, last, 4}, hi = {1, 5, last, 5};
    const char *const legend[4] = {head[1], head[3], head[4], head[5]};
    st = chart_forecast(book, s, c->w->scenario_chart, legend, cat, act, fc, lo, hi, 1, 7);
done:
    mem_free(v);
    return st;
}

static ws_status
simulate_job_impl(ws_book *book, size_t sheet_index, const job_options *options,
                  ws_progress_fn progress, void *user)
{
    job_ctx c;
    memset(&c, 0, sizeof c);
    snprintf(c.prefix, sizeof c.prefix, "simulate");
    ws_range *sr = NULL;
    double level = 0.9, hz = 13;
    ws_status st;
    if ((st = sj_number(job_option(options, "level"), "simulate", "level", &level)) ||
        (st = sj_number(job_option(options, "horizon"), "simulate", "horizon", &hz)))
        return st;
    if (!(level > 0 && level < 1))
        return diag_fail(WS_ERR_ARGS, "simulate: --level must be between 0 and 1");
    if (!(hz >= 1 && hz <= 1000 && hz == floor(hz)))
        return diag_fail(WS_ERR_ARGS, "simulate: --horizon must be a whole number 1..1000");
    if ((st = sj_prepare(book, sheet_index, options, &c)))
        goto done;
    if (progress && !progress(user, 1, 5)) {
        st = diag_fail(WS_ERR_ARGS, "simulate: cancelled");
        goto done;
    }
    const mmm_model *m = sim_entry_model(c.entry);
    const char *sref = job_option(options, "scenario");
    if (sref && *sref) {
        size_t k2 = 0;
        sim_input tmp;
        memset(&tmp, 0, sizeof tmp);
        book_sheet *sheet = &book->sheets[sheet_index];
        const char *sname = job_option(options, "sheet");
        if (sname && *sname)
            sheet = book_find_sheet(book, sname, strlen(sname));
        if ((st = job_read_ref(book, sheet, "simulate", "scenario", sref, NULL, &sr)))
            goto done;
        /* The scenario is a levers-shaped table: reuse the levers reader with a dummy KPI. */
        ws_range *dummy = NULL;
        bool head = sr->rows > 1 && range_get(sr, 0, 0)->type == WS_TYPE_TEXT;
        if ((st = ws_range_new(sr->rows - (head ? 1 : 0), 1, &dummy)))
            goto done;
        st = sim_read_input(dummy, sr, NULL, &tmp);
        ws_range_free(dummy);
        if (st) {
            st = diag_prefix(st, "simulate: --scenario");
            goto done;
        }
        k2 = tmp.k;
        c.h = tmp.n;
        c.scenario = tmp.X;
        tmp.X = NULL;
        sim_input_clear(&tmp);
        if (k2 != m->k) {
            st = diag_fail(WS_ERR_VALUE, "simulate: --scenario has %zu columns for %zu "
                           "levers", k2, m->k);
            goto done;
        }
    } else {
        /* Default scenario: every lever held at its recent level. */
        c.h = (size_t)hz;
        if (!(c.scenario = mem_alloc(c.h * m->k * sizeof *c.scenario))) {
            st = diag_nomem();
            goto done;
        }
        double *lv = mem_alloc(m->k * sizeof *lv);
        if (!lv) {
            st = diag_nomem();
            goto done;
        }
        mmm_recent(m, lv);
        for (size_t t = 0; t < c.h; t++)
            memcpy(c.scenario + t * m->k, lv, m->k * sizeof *lv);
        mem_free(lv);
    }
    if ((st = sj_model_sheet(book, &c)) || (st = sj_contribution_sheet(book, &c)) ||
        (st = sj_response_sheet(book, &c)) || (st = sj_scenario_sheet(book, &c, level)))
        goto done;
    if (progress)
        progress(user, 5, 5);
done:
    ws_range_free(sr);
    sj_clear(&c);
    return st;
}

/* --min/--max: one number for all levers or a comma-separated list, one per lever. */
static ws_status
sj_bounds(const char *text, const char *what, size_t k, double *out)
{
    for (size_t j = 0; j < k; j++)
        out[j] = NAN;
    if (!text || !*text)
        return WS_OK;
    ws_range *r = NULL;
    ws_status st = sj_split_list(text, &r);
    if (st)
        return st;
    size_t m = r->cols;
    if (m != 1 && m != k) {
        ws_range_free(r);
        return diag_fail(WS_ERR_ARGS, "plan: --%s has %zu entries for %zu levers", what, m, k);
    }
    for (size_t j = 0; j < k; j++) {
        const ws_value *v = range_get(r, 0, m == 1 ? 0 : j);
        if (v->type != WS_TYPE_NUMBER) {
            ws_range_free(r);
            return diag_fail(WS_ERR_ARGS, "plan: --%s: entry %zu is not a number", what,
                             j + 1);
        }
        out[j] = v->as.number;
    }
    ws_range_free(r);
    return WS_OK;
}

static ws_status
plan_job_impl(ws_book *book, size_t sheet_index, const job_options *options,
              ws_progress_fn progress, void *user)
{
    job_ctx c;
    memset(&c, 0, sizeof c);
    snprintf(c.prefix, sizeof c.prefix, "plan");
    double budget = 0, horizon = 1, *buf = NULL;
    book_sheet *s = NULL;
    ws_status st;
    if ((st = sj_number(job_option(options, "budget"), "plan", "budget", &budget)) ||
        (st = sj_number(job_option(options, "horizon"), "plan", "horizon", &horizon)))
        return st;
    if ((st = sj_prepare(book, sheet_index, options, &c)))
        goto done;
    const mmm_model *m = sim_entry_model(c.entry);
    size_t k = m->k;
    if (!(buf = mem_alloc(5 * (k + 1) * sizeof *buf))) {
        st = diag_nomem();
        goto done;
    }
    double *lo = buf, *hi = lo + k + 1, *spend = hi + k + 1, *change = spend + k + 1;
    double *recent = change + k + 1;
    if ((st = sj_bounds(job_option(options, "min"), "min", k, lo)) ||
        (st = sj_bounds(job_option(options, "max"), "max", k, hi)) ||
        (st = mmm_plan(m, budget, horizon, lo, hi, spend, change)))
        goto done;
    mmm_recent(m, recent);
    const sj_words *w = c.w;
    if ((st = book_add_unique_sheet(book, w->plan_sheet, &s)))
        goto done;
    if ((st = sj_header(book, s, w->plan_head, 5)))
        goto done;
    uint32_t r = 1;
    double rsum = 0;
    for (size_t j = 0; j < k; j++) {
        if (m->kinds[j] != MMM_SPEND)
            continue;
        rsum += recent[j];
        if ((st = book_set_text(book, s, r, 0, c.in.names[j])) ||
            (st = book_set_number(book, s, r, 1, recent[j], 0)) ||
            (st = book_set_number(book, s, r, 2, spend[j], 0)) ||
            (st = book_set_number(book, s, r, 3, spend[j] - recent[j], 0)) ||
            (st = book_set_number(book, s, r, 4, change[j], 0)))
            goto done;
        r++;
    }
    uint32_t last = r - 1;
    if ((st = book_set_text(book, s, r, 0, w->total)) ||
        (st = book_set_number(book, s, r, 1, rsum, 0)) ||
        (st = book_set_number(book, s, r, 2, budget, 0)) ||
        (st = book_set_number(book, s, r, 3, budget - rsum, 0)) ||
        (st = book_set_number(book, s, r, 4, change[k], 0)))
        goto done;
    r += 2;
    char note[200];
    if (w->ja)
        snprintf(note, sizeof note,
                 "%g期間のKPIの期待変化(直近%d期の平均支出を続けた場合との比較)。", horizon,
                 MMM_RECENT);
    else
        snprintf(note, sizeof note, "Expected KPI change over %g period%s against keeping the "
                 "recent spend (mean of the last %d periods).", horizon,
                 horizon == 1 ? "" : "s", MMM_RECENT);
    if ((st = book_set_text(book, s, r, 0, note)))
        goto done;
    if (m->warning[0] && (st = book_set_text(book, s, r + 1, 0, m->warning)))
        goto done;
    book_area cat = {1, 0, last, 0};
    book_area vals[2] = {{1, 1, last, 1}, {1, 2, last, 2}};
    if ((st = chart_bars(book, s, w->plan_chart, cat, vals, w->plan_series, 2,
                         BOOK_CHART_COLUMN, 1, 6)))
        goto done;
    if (progress)
        progress(user, 1, 1);
done:
    mem_free(buf);
    sj_clear(&c);
    return st;
}

#define COMMON_OPTIONS                                                                     \
    {"kpi", "REF", "the KPI history, one column (a text header is allowed)", NULL},        \
        {"levers", "REF", "one column per lever; a first row of text names them", NULL},   \
        {"kinds", "LIST", "spend, price or control per lever, comma separated", ""},       \
        {"sheet", "NAME", "the sheet that unqualified references are on", ""},             \
        {"lang", "en|ja", "language of the sheets' labels; ja when a lever name is Japanese",  \
         ""}

static const ws_job_option_info simulate_job_options[] = {
    COMMON_OPTIONS,
    {"scenario", "REF", "future lever plan (rows = periods); default: recent levels", ""},
    {"horizon", "H", "periods to simulate when no scenario is given", "13"},
    {"level", "P", "interval level of the scenario band", "0.9"},
};

const job_def simulate_job = {
    .info =
        {
            .name = "simulate",
            .summary = "Fits the world model to a KPI and its levers and adds Model, "
                       "Contribution, Response and Scenario sheets with charts.",
            .option_count = sizeof simulate_job_options / sizeof simulate_job_options[0],
            .options = simulate_job_options,
        },
    .impl = simulate_job_impl,
};

static const ws_job_option_info plan_job_options[] = {
    COMMON_OPTIONS,
    {"budget", "B", "total spend per period to split across the spend levers", NULL},
    {"horizon", "H", "periods the plan is held (multiplies the KPI change)", "1"},
    {"min", "LIST", "lowest spend: one number or one per lever", ""},
    {"max", "LIST", "highest spend: one number or one per lever", ""},
};

const job_def plan_job = {
    .info =
        {
            .name = "plan",
            .summary = "Fits the world model and adds a Plan sheet: the budget split that "
                       "maximises the expected KPI, against the recent split.",
            .option_count = sizeof plan_job_options / sizeof plan_job_options[0],
            .options = plan_job_options,
        },
    .impl = plan_job_impl,
};
