/* The forecast job's plan: what the series' own last values teach.
 *
 * fc_cross_learn forecasts the series' own last h values from h values before their end,
 * and learns two things from how the forecasts fared: which to combine, and with which
 * weights (auto's combination, its parts alone, the models learned across series), and how
 * wide the intervals should be (split conformal prediction, the series as exchangeable
 * draws: one factor per step ahead).  fc_forecast_plan then forecasts each series as
 * planned.
 *
 * Chosen on the training holdouts of the benchmark sets only (fc_tune). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "forecast/fc_internal.h"
#include "forecast/forecast.h"

void
fc_scale_interval(fc_result *res, const double *factor)
{
    if (!res->lower)
        return;
    for (size_t j = 0; j < res->horizon; j++) {
        res->lower[j] = res->mean[j] - factor[j] * (res->mean[j] - res->lower[j]);
        res->upper[j] = res->mean[j] + factor[j] * (res->upper[j] - res->mean[j]);
    }
    fc_result_floor(res);
}

/* ----- the plan: what the series' own last values teach (fc_cross_learn) ----- */

/* Series for the validation, at most this many, evenly spaced: 500 ratios per step give
 * the 95% quantile to about +-1% of coverage, at a fixed cost. */
#define LEARN_MAX_SERIES 500
/* Ensemble selection (Caruana, Niculescu-Mizil, Crew & Ksikes 2004, "Ensemble selection
 * from libraries of models", ICML): the blend of auto and the pooled model counts as
 * MIX_PRIOR members, then MIX_ROUNDS members are added one at a time, each time the one
 * (auto, a part alone or the pooled model, repeats allowed) that forecasts the validation
 * values best.  The learned part can thus move at most MIX_ROUNDS / (MIX_PRIOR +
 * MIX_ROUNDS) of the weight: with one validation origin, more overfits it.  On the
 * training holdouts of the twelve benchmark sets, the job's mean OWA was 0.7728 with the
 * blend alone and 0.7690 with this.  A prototype on the same holdouts chose the settings:
 * prior 20 / 40 members with 10 rounds, 0.7689 / 0.7686; 40 with 20 rounds, 0.7690; ETS,
 * damped and SES as further members changed the mean by under 0.001 at three times the
 * cost; without the pooled model as a member (its share fixed), 0.7716. */
/* A series takes part when this many numbers or more come before its last h: on the
 * training holdouts the job's mean OWA was 0.7690 with 6, 0.7712 with 10, and 0.7718 when
 * only series of 2h + 3 numbers or more took part: without the short ones the plan suits
 * the long ones (M3 yearly: the pooled model's share 0.32 instead of 0.16, OWA 0.8638 ->
 * 0.8885). */
#define LEARN_MIN_ORIGIN 6
#define MIX_PRIOR 40
#define MIX_ROUNDS 10
/* In the prior, each model learned across series weighs pool_weight when it is the only
 * one, MIX_GLOBAL_SHARE × pool_weight when both are (the boosted trees joining, on the
 * training holdouts: mean OWA 0.7689 without them, 0.7645 with the two sharing
 * pool_weight, 0.7631 / 0.7623 / 0.7624 with 0.625 / 0.75 / 1 of it each). */
#define MIX_GLOBAL_SHARE 0.75

/* fc_plan's members after the combination are fc_forecast_members' members. */
_Static_assert(FC_MIX_POOLED == 1 + FC_MEMBERS, "fc_plan's local members");

void
fc_plan_default(fc_plan *plan, unsigned parts)
{
    memset(plan, 0, sizeof *plan);
    plan->parts = parts ? parts : FC_AUTO_PARTS;
    plan->weight[FC_MIX_COMBINED] = 1.0;
}

/* The validation: each series forecast by every local member from h values before its
 * end, and the pooled model of those truncated series. */
typedef struct learn_set {
    size_t used, h;
    double *const *x; /* cleaned series; x[k][len[k] + j] is the actual at step j + 1 */
    size_t *len;      /* the origin */
    double *scale;    /* mean absolute one-step change before the origin */
    fc_result *res;   /* used: the combination, with its interval */
    double *members;  /* used × FC_MEMBERS × h: the parts alone (NaN: not fitted) */
    fc_result *base;  /* used: the chosen part alone with its interval, or NULL */
    double *global[FC_GLOBALS]; /* used × h each (NaN: a series left out); NULL: none */
} learn_set;

/* Member c of fc_plan (FC_MIX_COMBINED .. FC_MIX_ARIMA) for series k at step j. */
static double
learn_member(const learn_set *ls, size_t k, size_t c, size_t j)
{
    return c == FC_MIX_COMBINED ? ls->res[k].mean[j]
                                : ls->members[(k * FC_MEMBERS + c - 1) * ls->h + j];
}

/* Series k's forecast at step j under weights w (as fc_forecast_plan then
 * fc_globals_blend make it). */
static double
mix_value(const learn_set *ls, const double *w, size_t k, size_t j)
{
    double local = 0.0, wl = 0.0, all = 0.0;
    for (size_t c = 0; c < FC_MIX_POOLED; c++) {
        double v = learn_member(ls, k, c, j);
        all += w[c];
        if (w[c] > 0.0 && isfinite(v)) {
            local += w[c] * v;
            wl += w[c];
        }
    }
    if (!(all > 0.0))
        return ls->res[k].mean[j];
    /* A part not fitted leaves its share to the others; with none fitted, the combination
     * takes it (as fc_forecast_plan does). */
    local = wl > 0.0 ? local / wl : ls->res[k].mean[j];
    double values[FC_GLOBALS];
    for (size_t g = 0; g < FC_GLOBALS; g++)
        values[g] = ls->global[g] ? ls->global[g][k * ls->h + j] : NAN;
    return fc_globals_mix(local, w + FC_MIX_POOLED, values, NULL);
}

/* How far weights w miss the validation values: sums of sMAPE terms and of absolute error
 * over the naive in-sample error, the two halves of OWA. */
static void
mix_score(const learn_set *ls, const double *w, double *smape, double *mase)
{
    double s = 0.0, m = 0.0;
    for (size_t k = 0; k < ls->used; k++)
        for (size_t j = 0; j < ls->h; j++) {
            double a = ls->x[k][ls->len[k] + j], f = mix_value(ls, w, k, j);
            double d = fabs(a) + fabs(f);
            s += d > 0.0 ? 2.0 * fabs(a - f) / d : 0.0;
            m += fabs(a - f) / ls->scale[k];
        }
    *smape = s;
    *mase = m;
}

/* Weights w's score relative to (s0, m0), as OWA is relative to Naive2. */
static double
mix_relative(const learn_set *ls, const double *w, double s0, double m0)
{
    double s, m;
    mix_score(ls, w, &s, &m);
    return 0.5 * (s / s0 + m / m0);
}

/* Choose the plan: a part alone when it beats the combination by FC_SELECT_MARGIN (both
 * unblended), blended with the pooled model at pool_weight; else ensemble selection from
 * the blend of the combination and the models learned across series (MIX_GLOBAL_SHARE).
 * val gets the weights in the validation's terms (the chosen part's own slot) and *base
 * the member whose interval the plan's forecasts carry. */
static void
learn_choose(const learn_set *ls, double pool_weight, fc_plan *plan, double *val, size_t *base)
{
    double w[FC_MIX_SIZE] = {0}, s0, m0;
    w[FC_MIX_COMBINED] = 1.0;
    mix_score(ls, w, &s0, &m0);
    *base = FC_MIX_COMBINED;
    if (s0 > 0.0 && m0 > 0.0) {
        double best = FC_SELECT_MARGIN;
        for (size_t c = 1; c < FC_MIX_POOLED; c++) {
            memset(w, 0, sizeof w);
            w[c] = 1.0;
            double score = mix_relative(ls, w, s0, m0);
            if (score < best) {
                best = score;
                *base = c;
            }
        }
    }
    plan->parts = *base == FC_MIX_COMBINED ? FC_AUTO_PARTS : fc_member_parts[*base - 1];
    memset(val, 0, FC_MIX_SIZE * sizeof *val);
    if (*base != FC_MIX_COMBINED) {
        double wp = ls->global[0] ? pool_weight : 0.0;
        val[*base] = 1.0 - wp;
        val[FC_MIX_POOLED] = wp;
    } else {
        size_t fitted = 0;
        for (size_t g = 0; g < FC_GLOBALS; g++)
            fitted += ls->global[g] != NULL;
        double each = fitted > 1 ? MIX_GLOBAL_SHARE * pool_weight : pool_weight;
        val[FC_MIX_COMBINED] = 1.0;
        for (size_t g = 0; g < FC_GLOBALS; g++)
            if (ls->global[g]) {
                val[FC_MIX_POOLED + g] = each;
                val[FC_MIX_COMBINED] -= each;
            }
    }
    memcpy(plan->weight, val, sizeof plan->weight);
    if (*base != FC_MIX_COMBINED) {
        plan->weight[FC_MIX_COMBINED] = val[*base];
        plan->weight[*base] = 0.0;
        return;
    }
    mix_score(ls, val, &s0, &m0);
    if (!(s0 > 0.0 && m0 > 0.0))
        return;
    double count[FC_MIX_SIZE], total = MIX_PRIOR;
    for (size_t i = 0; i < FC_MIX_SIZE; i++)
        count[i] = MIX_PRIOR * val[i];
    for (int round = 0; round < MIX_ROUNDS; round++) {
        double best = INFINITY;
        size_t pick = FC_MIX_COMBINED;
        for (size_t c = 0; c < FC_MIX_SIZE; c++) {
            if (c >= FC_MIX_POOLED && !ls->global[c - FC_MIX_POOLED])
                continue;
            for (size_t i = 0; i < FC_MIX_SIZE; i++)
                w[i] = (count[i] + (i == c)) / (total + 1.0);
            double score = mix_relative(ls, w, s0, m0);
            if (score < best) {
                best = score;
                pick = c;
            }
        }
        count[pick] += 1.0;
        total += 1.0;
    }
    for (size_t i = 0; i < FC_MIX_SIZE; i++)
        plan->weight[i] = val[i] = count[i] / total;
}

/* factor[j]: the `level` quantile over the series of |actual - forecast| / the interval's
 * half-width on the actual's side at step j and its neighbours, the forecast being the
 * plan's and the interval that of the plan's first member (ls->base where it has one, else
 * the combination) moved with it (split conformal prediction, the series as exchangeable
 * draws).  The neighbours: the steps either side, and further ones until at least
 * FACTOR_MIN_RATIOS ratios are behind the quantile (every step when there are fewer).
 * One step on each side on the training holdouts: MSIS 0.8% lower, better on all twelve
 * sets, coverage as close to nominal; two, 1.0% lower, coverage further.  The minimum
 * count is for small jobs: a step's ratios come from the same series, so with 20 series
 * and three steps one series' shock could set the 95% quantile (a factor of 3.25 on one
 * group of M3 other).  The job on runs of 20 / 30 / 100 consecutive series of each
 * holdout (FC_GROUP=S fc_tune), geometric mean of the twelve sets' MSIS with one step on
 * each side -> at least 300 / 1,000 / 2,000 ratios: 16.64 -> 15.64 / 15.69 / 15.69,
 * 16.31 -> 15.18 / 15.21 / 15.25, 15.73 -> 15.64 / 15.55 / 15.60; whole sets 15.61 ->
 * 15.61 / 15.57 / 15.50; 95% coverage as close to nominal or closer.  ratios holds h ×
 * used values, near as many, count h. */
#define FACTOR_NEIGHBOURS 1
#define FACTOR_MIN_RATIOS 1000
static void
learn_factors(const learn_set *ls, const double *val, double level, double *ratios,
              double *near, size_t *count, double *factor)
{
    for (size_t j = 0; j < ls->h; j++) {
        size_t m = 0;
        double *r = ratios + j * ls->used;
        for (size_t k = 0; k < ls->used; k++) {
            const fc_result *b = ls->base && ls->base[k].mean ? &ls->base[k] : &ls->res[k];
            double a = ls->x[k][ls->len[k] + j], c = mix_value(ls, val, k, j);
            double d = a >= c ? b->upper[j] - b->mean[j] : b->mean[j] - b->lower[j];
            if (d > 0.0 && isfinite(a - c))
                r[m++] = fabs(a - c) / d;
        }
        count[j] = m;
    }
    for (size_t j = 0; j < ls->h; j++) {
        if (count[j] < FC_CALIB_MIN_SERIES)
            continue;
        size_t wide = FACTOR_NEIGHBOURS, from, to, m;
        for (;; wide++) {
            from = j > wide ? j - wide : 0;
            to = j + wide < ls->h ? j + wide : ls->h - 1;
            m = 0;
            for (size_t i = from; i <= to; i++)
                m += count[i];
            if (m >= FACTOR_MIN_RATIOS || (from == 0 && to == ls->h - 1))
                break;
        }
        m = 0;
        for (size_t i = from; i <= to; i++) {
            memcpy(near + m, ratios + i * ls->used, count[i] * sizeof *near);
            m += count[i];
        }
        /* The ceil(level (m + 1))-th smallest: split conformal's finite-sample quantile. */
        size_t q = (size_t)ceil(level * (double)(m + 1));
        factor[j] = fc_select_kth(near, m, (q > m ? m : q) - 1);
    }
}

struct fc_learn {
    const double *const *y;
    const size_t *n;
    size_t count, picks, threads;
    fc_spec spec;
    /* per pick (pick k is series k * count / picks): */
    double **x;        /* cleaned, NULL when the pick takes no part */
    size_t *len;       /* its origin: the numbers before its last h */
    double *scale;     /* mean absolute one-step change before the origin */
    fc_result *res;    /* the combination */
    double *members;   /* picks × FC_MEMBERS × h */
    ws_status *status; /* WS_ERR_NOMEM when its forecasts ran out of memory */
};

ws_status
fc_learn_new(const double *const *y, const size_t *n, size_t count, const fc_spec *spec,
             size_t threads, fc_learn **out)
{
    *out = NULL;
    fc_learn *l = mem_calloc(1, sizeof *l);
    if (!l)
        return diag_nomem();
    l->y = y;
    l->n = n;
    l->count = count;
    l->threads = threads;
    l->spec = *spec;
    l->spec.learned_widths = true; /* the validation's widths are what the factors scale */
    if (spec->method == FC_AUTO && count >= FC_CALIB_MIN_SERIES)
        l->picks = count < LEARN_MAX_SERIES ? count : LEARN_MAX_SERIES;
    size_t p = l->picks ? l->picks : 1;
    l->x = mem_calloc(p, sizeof *l->x);
    l->len = mem_calloc(p, sizeof *l->len);
    l->scale = mem_calloc(p, sizeof *l->scale);
    l->res = mem_calloc(p, sizeof *l->res);
    size_t row = FC_MEMBERS * (spec->horizon ? spec->horizon : 1);
    l->members = mem_alloc(p * row * sizeof *l->members);
    l->status = mem_calloc(p, sizeof *l->status);
    if (!l->x || !l->len || !l->scale || !l->res || !l->members || !l->status) {
        fc_learn_free(l);
        return diag_nomem();
    }
    *out = l;
    return WS_OK;
}

size_t
fc_learn_picks(const fc_learn *l)
{
    return l->picks;
}

ws_status
fc_learn_forecast(fc_learn *l, size_t k)
{
    size_t i = k * l->count / l->picks, h = l->spec.horizon;
    double *x = NULL;
    size_t len = 0;
    ws_status st = fc_clean_or_none(l->y[i], l->n[i], &x, &len);
    if (!st && len >= h + LEARN_MIN_ORIGIN) {
        size_t origin = len - h;
        double scale = 0.0;
        for (size_t t = 1; t < origin; t++)
            scale += fabs(x[t] - x[t - 1]) / (double)(origin - 1);
        if (scale > 0.0 &&
            (st = fc_forecast_members(x, origin, &l->spec, FC_AUTO_PARTS,
                                      l->members + k * FC_MEMBERS * h, &l->res[k])) == WS_OK) {
            l->x[k] = x;
            l->len[k] = origin;
            l->scale[k] = scale;
            x = NULL;
        }
    }
    mem_free(x);
    diag_clear();
    l->status[k] = st == WS_ERR_NOMEM ? st : WS_OK;
    return l->status[k] ? diag_nomem() : WS_OK;
}

/* Member `first` (a part alone) with its interval, for each pick it was fitted to: the
 * forecast the plan gives there (fc_forecast_plan), whose interval its forecasts carry.
 * Where the part was not fitted, base[k] stays empty: the plan gives the combination. */
static ws_status
learn_base(const fc_learn *l, const learn_set *ls, size_t first, fc_result *base)
{
    for (size_t k = 0; k < ls->used; k++) {
        if (!isfinite(learn_member(ls, k, first, 0)))
            continue;
        ws_status st = fc_forecast_parts(ls->x[k], ls->len[k], &l->spec,
                                         fc_member_parts[first - 1], &base[k]);
        if (st)
            return st;
    }
    return WS_OK;
}

ws_status
fc_learn_finish(fc_learn *l, fc_plan *plan, double *factor)
{
    size_t h = l->spec.horizon;
    for (size_t j = 0; j < h; j++)
        factor[j] = 1.0;
    fc_plan_default(plan, l->spec.parts);
    /* The picks that take part, moved to the front; from[u] is the series of the u-th. */
    size_t used = 0, row = FC_MEMBERS * h;
    size_t *from = mem_alloc((l->picks ? l->picks : 1) * sizeof *from);
    if (!from)
        return diag_nomem();
    for (size_t k = 0; k < l->picks; k++) {
        if (l->status[k]) {
            mem_free(from);
            return diag_nomem();
        }
        if (!l->x[k])
            continue;
        if (used != k) {
            l->x[used] = l->x[k];
            l->len[used] = l->len[k];
            l->scale[used] = l->scale[k];
            l->res[used] = l->res[k];
            memcpy(l->members + used * row, l->members + k * row, row * sizeof *l->members);
            memset(&l->res[k], 0, sizeof l->res[k]);
            l->x[k] = NULL;
        }
        from[used++] = k * l->count / l->picks;
    }
    if (used < FC_CALIB_MIN_SERIES) {
        mem_free(from);
        return WS_OK;
    }
    learn_set ls = {.used = used, .h = h, .x = l->x, .len = l->len, .scale = l->scale,
                    .res = l->res, .members = l->members};
    double *global = mem_alloc(FC_GLOBALS * used * h * sizeof *global);
    double *ratios = mem_alloc(used * h * sizeof *ratios);
    double *near = mem_alloc(used * h * sizeof *near);
    size_t *count = mem_alloc(h * sizeof *count);
    size_t *periods = mem_alloc(used * sizeof *periods);
    size_t *cut = mem_alloc(l->count * sizeof *cut);
    fc_result *base = mem_calloc(used, sizeof *base);
    fc_globals all = {.share = {0}};
    ws_status st = WS_OK;
    if (!global || !ratios || !near || !count || !periods || !cut || !base) {
        st = diag_nomem();
        goto done;
    }
    /* The models learned across series, of every series without its last h numbers
     * (fitted on the picks alone, the pooled model's share on M3 yearly's holdout came
     * out twice as large, and wrong), at the season most picks used. */
    for (size_t k = 0; k < used; k++)
        periods[k] = ls.res[k].period;
    size_t period = l->spec.period >= 2 ? (size_t)l->spec.period
                                        : fc_common_period(periods, used);
    for (size_t i = 0; i < l->count; i++) {
        size_t last = l->n[i];
        while (last > 0 && isnan(l->y[i][last - 1]))
            last--;
        cut[i] = last > h ? last - h : 0;
    }
    for (size_t g = 0; g < FC_GLOBALS; g++)
        all.share[g] = 1.0;
    if ((st = fc_globals_fit(l->y, cut, l->count, period, h, l->threads, &all)))
        goto done;
    for (size_t g = 0; g < FC_GLOBALS; g++) {
        if (!all.value[g])
            continue;
        ls.global[g] = global + g * used * h;
        for (size_t k = 0; k < used; k++)
            memcpy(ls.global[g] + k * h, all.value[g] + from[k] * h, h * sizeof *global);
    }
    double val[FC_MIX_SIZE];
    size_t first;
    learn_choose(&ls, fc_pool_weight(period), plan, val, &first);
    plan->learned = true;
    if (l->spec.level > 0.0) {
        if (first != FC_MIX_COMBINED) {
            if ((st = learn_base(l, &ls, first, base)))
                goto done;
            ls.base = base;
        }
        learn_factors(&ls, val, l->spec.level, ratios, near, count, factor);
    }
done:
    for (size_t k = 0; base && k < used; k++)
        fc_result_clear(&base[k]);
    mem_free(base);
    fc_globals_free(&all);
    mem_free(from);
    mem_free(global);
    mem_free(ratios);
    mem_free(near);
    mem_free(count);
    mem_free(periods);
    mem_free(cut);
    return st;
}

void
fc_learn_free(fc_learn *l)
{
    if (!l)
        return;
    for (size_t k = 0; k < l->picks; k++) {
        if (l->x)
            mem_free(l->x[k]);
        if (l->res)
            fc_result_clear(&l->res[k]);
    }
    mem_free(l->x);
    mem_free(l->len);
    mem_free(l->scale);
    mem_free(l->res);
    mem_free(l->members);
    mem_free(l->status);
    mem_free(l);
}

ws_status
fc_cross_learn(const double *const *y, const size_t *n, size_t count, const fc_spec *spec,
               fc_plan *plan, double *factor)
{
    fc_learn *l;
    ws_status st = fc_learn_new(y, n, count, spec, 1, &l);
    for (size_t k = 0; !st && k < fc_learn_picks(l); k++)
        st = fc_learn_forecast(l, k);
    if (!st)
        st = fc_learn_finish(l, plan, factor);
    fc_learn_free(l);
    return st;
}

ws_status
fc_forecast_plan(const double *y, size_t n, const fc_spec *spec, const fc_plan *plan,
                 fc_result *out)
{
    fc_spec own;
    if (plan->learned) { /* its interval factors set the widths */
        own = *spec;
        own.learned_widths = true;
        spec = &own;
    }
    bool others = false;
    for (size_t c = 1; c < FC_MIX_POOLED; c++)
        others = others || plan->weight[c] > 0.0;
    if (spec->method != FC_AUTO || (!others && plan->parts == FC_AUTO_PARTS))
        return fc_forecast_parts(y, n, spec, plan->parts, out);
    size_t h = spec->horizon, alone = FC_MEMBERS;
    for (size_t r = 0; r < FC_MEMBERS; r++)
        if (plan->parts == fc_member_parts[r])
            alone = r;
    double *members = mem_alloc(FC_MEMBERS * (h ? h : 1) * sizeof *members);
    if (!members)
        return diag_nomem();
    if (!others) {
        /* A part alone; where it cannot be fitted, the combination, as the validation
         * scored it (not the naive forecast the part alone falls back to). */
        ws_status st = fc_forecast_members(y, n, spec, plan->parts, members, out);
        if (st == WS_OK && alone < FC_MEMBERS && !isfinite(members[alone * h])) {
            fc_result_clear(out);
            st = fc_forecast_parts(y, n, spec, FC_AUTO_PARTS, out);
        }
        mem_free(members);
        return st;
    }
    ws_status st = fc_forecast_members(y, n, spec, plan->parts, members, out);
    if (st) {
        mem_free(members);
        return st;
    }
    for (size_t j = 0; j < h; j++) {
        double sum = plan->weight[FC_MIX_COMBINED], mix = sum * out->mean[j];
        for (size_t c = 1; c < FC_MIX_POOLED; c++) {
            double v = members[(c - 1) * h + j];
            if (plan->weight[c] > 0.0 && isfinite(v)) { /* else its share goes to the rest */
                mix += plan->weight[c] * v;
                sum += plan->weight[c];
            }
        }
        double shift = sum > 0.0 ? mix / sum - out->mean[j] : 0.0;
        out->mean[j] += shift;
        if (out->lower) {
            out->lower[j] += shift;
            out->upper[j] += shift;
        }
    }
    fc_result_floor(out);
    mem_free(members);
    size_t len = strlen(out->model);
    snprintf(out->model + len, sizeof out->model - len, " weighted");
    return WS_OK;
}
