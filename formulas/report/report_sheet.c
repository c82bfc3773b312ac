/* The Report sheet: headline figures in plain words, each with a native chart.
 *
 * Layout: a title block, then one section per headline (title; two or three short
 * sentences in column A; a small table of the figures in columns A..C; its chart to the
 * right from column E), then a list of the jobs that ran, then the forecast chart's data
 * (history and forecast), which is too long to sit in its section.  Sentences are short
 * so they fit column A when printed one page wide. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dates.h"
#include "core/diag.h"
#include "core/mem.h"
#include "core/value.h"
#include "io/chart.h"
#include "registry.h"
#include "report/report.h"

#define RS_COL_CHART 4u        /* charts start in column E */
#define RS_CHART_W 560u
#define RS_CHART_H 260u
#define RS_CHART_ROWS 14u      /* rows a chart covers at the default row height, plus one */
#define RS_HISTORY 104u        /* periods of history in the forecast chart */
#define RS_RECENT 8u           /* the plan's "recent level": mean of the last 8 periods */
#define RS_MAX_TOPICS 64u

/* ----- labels ----- */

enum { RS_DAY, RS_WEEK, RS_MONTH, RS_QUARTER, RS_YEAR, RS_PERIOD, RS_UNITS };

typedef struct rs_labels {
    const char *sheet, *report_of, *made, *next_sheets;
    const char *fc_title, *fc_next[RS_UNITS], *fc_last_year[RS_UNITS];
    const char *fc_expected, *fc_range, *fc_vs_year, *fc_no_year, *fc_cycle;
    const char *fc_rows[6], *fc_chart, *fc_data, *fc_data_head[5], *higher, *lower;
    const char *plan_title, *plan_split, *plan_uplift, *plan_pct, *plan_head[4], *plan_total;
    const char *plan_chart;
    const char *cv_title, *cv_shares, *cv_top, *cv_none, *cv_head[3], *cv_kinds[4];
    const char *cv_chart, *cv_topic_head[3], *cv_topic_chart;
    const char *jobs_title, *jobs_head[3], *ran, *failed, *not_available;
} rs_labels;

static const rs_labels rs_en = {
    .sheet = "Report",
    .report_of = "Report: %s",
    .made = "Made by worldsheet %s from %zu job%s.",
    .next_sheets = "The sheets after this one hold each job's tables and charts, then the "
                   "input sheets, unchanged.",
    .fc_title = "Forecast: %s",
    .fc_next = {"Next day", "Next week", "Next month", "Next quarter", "Next year",
                "Next period"},
    .fc_last_year = {"Same day last year", "Same week last year", "Same month last year",
                     "Same quarter last year", "Last year", "Same period last year"},
    .fc_expected = "%s (%s): %s expected.",
    .fc_range = "Likely between %s and %s (%s range).",
    .fc_vs_year = "%s (%s): %s, so %s %s than a year before.",
    .fc_no_year = "Less than a year of history: no comparison with last year.",
    .fc_cycle = "One season earlier",
    .fc_rows = {"Next period", "Forecast", "Lower bound", "Upper bound",
                "Same period last year", "Change against last year"},
    .fc_chart = "%s: history and forecast",
    .fc_data = "Chart data: %s, history and forecast",
    .fc_data_head = {"Period", "Actual", "Forecast", "Lower", "Upper"},
    .higher = "higher",
    .lower = "lower",
    .plan_title = "Budget plan",
    .plan_split = "Best split of %s per period: %s.",
    .plan_uplift = "Expected uplift: %s %s over %s period%s, against the recent spend.",
    .plan_pct = "Per period: %s against recent %s.",
    .plan_head = {"Lever", "Planned spend", "Share", "Expected change"},
    .plan_total = "Total",
    .plan_chart = "Planned spend per period",
    .cv_title = "Customer comments",
    .cv_shares = "%zu comments: %s positive, %s negative (%s mixed, %s neutral).",
    .cv_top = "Top complaint: %s (%zu of %zu negative or mixed comments).",
    .cv_none = "No negative or mixed comments.",
    .cv_head = {"Sentiment", "Comments", "Share"},
    .cv_kinds = {"Positive", "Negative", "Mixed", "Neutral"},
    .cv_chart = "Share of comments by sentiment",
    .cv_topic_head = {"Topic", "Complaints", "Comments"},
    .cv_topic_chart = "Complaints (negative or mixed comments) by topic",
    .jobs_title = "Jobs",
    .jobs_head = {"Job", "From", "Result"},
    .ran = "ran",
    .failed = "failed: %s",
    .not_available = "Not available: %s",
};

static const rs_labels rs_ja = {
    .sheet = "レポート",
    .report_of = "%s レポート",
    .made = "worldsheet %s で %zu 件のジョブから作成しました%s。",
    .next_sheets = "次のシートから各ジョブの表とグラフ、その後に入力シートがそのまま続きます。",
    .fc_title = "予測：%s",
    .fc_next = {"翌日", "来週", "来月", "次の四半期", "来年", "次の期間"},
    .fc_last_year = {"前年同日", "前年同週", "前年同月", "前年同期", "前年", "前年同期"},
    .fc_expected = "%s（%s）の予測は %s です。",
    .fc_range = "見込みの範囲は %s 〜 %s（%s 区間）です。",
    .fc_vs_year = "%s（%s）は %s で、予測はそれより %s %sです。",
    .fc_no_year = "履歴が1年に満たないため、前年との比較はありません。",
    .fc_cycle = "1周期前",
    .fc_rows = {"次の期間", "予測", "下限", "上限", "前年同期", "前年比"},
    .fc_chart = "%s：実績と予測",
    .fc_data = "グラフのデータ：%s の実績と予測",
    .fc_data_head = {"期間", "実績", "予測", "下限", "上限"},
    .higher = "高い",
    .lower = "低い",
    .plan_title = "予算配分",
    .plan_split = "1期間あたり %s の最適な配分：%s。",
    .plan_uplift = "期待される効果：%s が %s 期間で %s（直近の支出と比べて）。",
    .plan_pct = "1期間あたり、直近の %s に対して %s です。",
    .plan_head = {"施策", "計画支出", "割合", "期待される変化"},
    .plan_total = "合計",
    .plan_chart = "1期間あたりの計画支出",
    .cv_title = "お客様の声",
    .cv_shares = "コメント %zu 件：肯定的 %s、否定的 %s（混在 %s、中立 %s）。",
    .cv_top = "最も多い不満：%1$s（否定的・混在のコメント %3$zu 件中 %2$zu 件）。",
    .cv_none = "否定的・混在のコメントはありません。",
    .cv_head = {"感情", "件数", "割合"},
    .cv_kinds = {"肯定的", "否定的", "混在", "中立"},
    .cv_chart = "感情別のコメントの割合",
    .cv_topic_head = {"トピック", "不満", "コメント"},
    .cv_topic_chart = "トピック別の不満（否定的・混在のコメント）",
    .jobs_title = "ジョブ",
    .jobs_head = {"ジョブ", "定義", "結果"},
    .ran = "実行済み",
    .failed = "失敗：%s",
    .not_available = "計算できませんでした：%s",
};

/* ----- writing cells ----- */

typedef struct rs_ctx {
    ws_book *book;
    size_t sheet; /* index of the Report sheet */
    const rs_labels *l;
    report_lang lang;
    uint32_t row; /* next free row of the sections */
    uint16_t fmt_int, fmt_dec, fmt_pct, fmt_date;
    ws_status st; /* first failure; later writes are skipped */
} rs_ctx;

static book_sheet *
rs_sheet(rs_ctx *c)
{
    return &c->book->sheets[c->sheet];
}

static void
rs_text(rs_ctx *c, uint32_t row, uint32_t col, const char *text)
{
    if (!c->st)
        c->st = book_set_text(c->book, rs_sheet(c), row, col, text);
}

static void
rs_textf(rs_ctx *c, uint32_t row, uint32_t col, const char *fmt, ...) DIAG_PRINTF(4, 5);

static void
rs_textf(rs_ctx *c, uint32_t row, uint32_t col, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    rs_text(c, row, col, buf);
}

static void
rs_num(rs_ctx *c, uint32_t row, uint32_t col, double v, uint16_t fmt)
{
    if (!c->st && isfinite(v))
        c->st = book_set_number(c->book, rs_sheet(c), row, col, v, fmt);
}

static uint16_t
rs_fmt_for(const rs_ctx *c, double magnitude)
{
    return fabs(magnitude) >= 100 ? c->fmt_int : c->fmt_dec;
}

/* 1234567.8 -> "1,234,568"; 12.345 -> "12.35"; `sign` puts "+" before positives. */
static void
rs_fmt(double v, bool sign, char *out, size_t cap)
{
    if (!isfinite(v)) {
        snprintf(out, cap, "-");
        return;
    }
    if (fabs(v) < 100) {
        snprintf(out, cap, sign ? "%+.2f" : "%.2f", v);
        return;
    }
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits), used = 0;
    if (v < 0 && used + 1 < cap)
        out[used++] = '-';
    else if (sign && used + 1 < cap)
        out[used++] = '+';
    for (size_t i = 0; i < n && used + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0)
            out[used++] = ',';
        out[used++] = digits[i];
    }
    out[used] = '\0';
}

static void
rs_pct(double share, bool sign, char *out, size_t cap)
{
    snprintf(out, cap, sign ? "%+.1f%%" : "%.1f%%", 100 * share);
}

/* ----- dates ----- */

/* The unit a date step is named by in the headline ("next week", "next month"). */
static int
rs_unit(date_step s)
{
    if (s.months)
        return s.count == 1 ? RS_MONTH : s.count == 3 ? RS_QUARTER : s.count == 12 ? RS_YEAR
                                                                                    : RS_PERIOD;
    return s.count == 1 ? RS_DAY : s.count == 7 ? RS_WEEK : RS_PERIOD;
}

/* A year before `serial`: the same weekday 52 weeks earlier for weekly or daily data (so a
 * Monday compares with a Monday), the same calendar day otherwise. */
static double
rs_year_before(double serial, date_step s, bool d1904)
{
    if (!s.months && s.count > 0 && 7 % s.count == 0)
        return serial - 364;
    if (!s.months)
        return serial - 365;
    return date_add_steps(serial, (date_step){true, 12}, -1, d1904);
}

static void
rs_date_text(double serial, bool d1904, report_lang lang, char *out, size_t cap)
{
    long y, m, d;
    date_civil_from_days(date_serial_to_days(serial, d1904), &y, &m, &d);
    if (lang == REPORT_JA)
        snprintf(out, cap, "%ld年%ld月%ld日", y, m, d);
    else
        snprintf(out, cap, "%04ld-%02ld-%02ld", y, m, d);
}

/* ----- inputs ----- */

/* The sheet a job's unqualified references are on. */
static ws_status
rs_job_sheet(const ws_book *book, const report_job *job, size_t dflt, size_t *out)
{
    const char *name = report_job_option(job, "sheet");
    *out = dflt;
    if (name && *name)
        return ws_book_sheet_find(book, name, out);
    return WS_OK;
}

static ws_status
rs_read(const ws_book *book, size_t sheet, const report_job *job, const char *key,
        ws_range **out)
{
    const char *ref = report_job_option(job, key);
    if (!ref || !*ref)
        return diag_fail(WS_ERR_ARGS, "%s: no %s", job->info->name, key);
    ws_status st = ws_book_read(book, sheet, ref, out);
    return st ? diag_prefix(st, "%s=%s", key, ref) : WS_OK;
}

/* A 1×1 range holding a number or a text. */
static ws_status
rs_scalar(double number, const char *text, ws_range **out)
{
    ws_status st = ws_range_new(1, 1, out);
    if (!st)
        st = text ? ws_range_set_text(*out, 0, 0, text) : ws_range_set_number(*out, 0, 0, number);
    return st;
}

/* "spend, price" -> a 1×k row of texts (or numbers). */
static ws_status
rs_list(const char *text, bool numbers, ws_range **out)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == ',';
    ws_status st = ws_range_new(1, n, out);
    const char *p = text;
    for (size_t i = 0; i < n && !st; i++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[128];
        while (len && *p == ' ') {
            p++;
            len--;
        }
        while (len && p[len - 1] == ' ')
            len--;
        snprintf(item, sizeof item, "%.*s", (int)(len < 127 ? len : 127), p);
        if (numbers) {
            char *stop = NULL;
            double v = strtod(item, &stop);
            if (!*item || *stop)
                st = diag_fail(WS_ERR_VALUE, "'%s' is not a number", item);
            else
                st = ws_range_set_number(*out, 0, i, v);
        } else {
            st = ws_range_set_text(*out, 0, i, item);
        }
        p = end ? end + 1 : p + len;
    }
    return st;
}

/* Call a formula; an error result becomes a failure with its reason. */
static ws_status
rs_call(const char *name, const ws_range *const *args, size_t n, ws_range **out)
{
    ws_range *r = NULL;
    ws_status st = ws_formula_call(name, args, n, &r);
    if (st)
        return st;
    if (ws_range_rows(r) == 1 && ws_range_cols(r) == 1 &&
        ws_range_type_at(r, 0, 0) == WS_TYPE_ERROR) {
        st = diag_fail(WS_ERR_NA, "%s", *ws_range_reason_at(r, 0, 0)
                                            ? ws_range_reason_at(r, 0, 0)
                                            : ws_cell_error_str(ws_range_error_at(r, 0, 0)));
        ws_range_free(r);
        return st;
    }
    *out = r;
    return WS_OK;
}

/* ----- sections ----- */

static void
rs_not_available(rs_ctx *c, const char *title, const report_job *job)
{
    char reason[DIAG_REASON_MAX];
    snprintf(reason, sizeof reason, "%s", diag_reason());
    diag_warn("%s (%s): the report's headline could not be computed: %s", job->where,
              job->info->name, reason);
    rs_text(c, c->row, 0, title);
    rs_textf(c, c->row + 1, 0, c->l->not_available, reason);
    c->row += 3;
}

/* The section's figures go in a table from row r; returns the first row after the chart
 * or the table, whichever ends lower, plus a blank row. */
static uint32_t
rs_section_end(uint32_t start, uint32_t table_end, uint32_t charts)
{
    uint32_t chart_end = start + charts * RS_CHART_ROWS;
    return (table_end > chart_end ? table_end : chart_end) + 1;
}

static void
rs_chart_size(rs_ctx *c)
{
    book_sheet *s = rs_sheet(c);
    if (!c->st && s->chart_count) {
        s->charts[s->chart_count - 1].width_px = RS_CHART_W;
        s->charts[s->chart_count - 1].height_px = RS_CHART_H;
    }
}

typedef struct rs_forecast {
    char name[128];
    ws_range *pi;         /* horizon×3 */
    double *y, *dates;    /* n values (NaN blank), dates or NULL */
    size_t n, last;       /* last: one past the last number */
    date_step step;
    double next_date;     /* NaN without dates */
    double level;
    uint32_t section_row; /* where its chart goes */
} rs_forecast;

static void
rs_forecast_clear(rs_forecast *f)
{
    ws_range_free(f->pi);
    mem_free(f->y);
    mem_free(f->dates);
    memset(f, 0, sizeof *f);
}

static ws_status
rs_forecast_compute(const ws_book *book, const report_job *job, size_t dflt, rs_forecast *f)
{
    ws_range *range = NULL, *dr = NULL, *vals = NULL, *h = NULL, *lv = NULL, *sea = NULL,
             *model = NULL;
    size_t sheet;
    ws_status st;
    if ((st = rs_job_sheet(book, job, dflt, &sheet)) ||
        (st = rs_read(book, sheet, job, "range", &range)))
        goto done;
    size_t rows = ws_range_rows(range);
    bool header = ws_range_type_at(range, 0, 0) == WS_TYPE_TEXT;
    snprintf(f->name, sizeof f->name, "%s", header ? ws_range_text_at(range, 0, 0) : "Series 1");
    size_t r0 = header ? 1 : 0;
    if (rows <= r0) {
        st = diag_fail(WS_ERR_NA, "range holds no data rows");
        goto done;
    }
    f->n = rows - r0;
    if (!(f->y = mem_alloc(f->n * sizeof *f->y)) || (st = ws_range_new(f->n, 1, &vals))) {
        st = st ? st : diag_nomem();
        goto done;
    }
    for (size_t i = 0; i < f->n; i++) {
        ws_type t = ws_range_type_at(range, i + r0, 0);
        f->y[i] = t == WS_TYPE_NUMBER ? ws_range_number_at(range, i + r0, 0) : NAN;
        if (t == WS_TYPE_NUMBER && (st = ws_range_set_number(vals, i, 0, f->y[i])))
            goto done;
        if (t != WS_TYPE_NUMBER && t != WS_TYPE_EMPTY) {
            st = diag_fail(WS_ERR_VALUE, "range: row %zu is not a number", i + r0 + 1);
            goto done;
        }
        if (t == WS_TYPE_NUMBER)
            f->last = i + 1;
    }
    const char *dref = report_job_option(job, "dates");
    f->next_date = NAN;
    if (dref && *dref) {
        if ((st = rs_read(book, sheet, job, "dates", &dr)))
            goto done;
        size_t dn = ws_range_rows(dr) * ws_range_cols(dr);
        size_t off = dn == rows && header ? 1 : 0;
        if (dn - off >= f->n && (f->dates = mem_alloc(f->n * sizeof *f->dates))) {
            size_t dc = ws_range_cols(dr);
            for (size_t i = 0; i < f->n; i++) {
                size_t k = i + off, rr = dc == 1 ? k : 0, cc = dc == 1 ? 0 : k;
                ws_type t = ws_range_type_at(dr, rr, cc);
                f->dates[i] = NAN;
                if (t == WS_TYPE_NUMBER)
                    f->dates[i] = ws_range_number_at(dr, rr, cc);
                else if (t == WS_TYPE_TEXT)
                    date_parse_iso(ws_range_text_at(dr, rr, cc), book->date1904, &f->dates[i]);
            }
            f->step = date_detect_step(f->dates, f->last);
            for (size_t t = f->last; t-- > 0;)
                if (isfinite(f->dates[t])) {
                    f->next_date = date_add_steps(f->dates[t], f->step, (long)(f->last - t),
                                                book->date1904);
                    break;
                }
        } else if (dn - off < f->n) {
            st = diag_fail(WS_ERR_REF, "dates has %zu cells for %zu rows of data", dn - off,
                           f->n);
            goto done;
        }
    }
    if (!f->dates)
        f->step = (date_step){false, 1};
    double horizon = atof(report_job_option(job, "horizon"));
    f->level = atof(report_job_option(job, "level"));
    const char *season = report_job_option(job, "seasonality");
    const char *mname = report_job_option(job, "model");
    if ((st = rs_scalar(horizon, NULL, &h)) || (st = rs_scalar(f->level, NULL, &lv)) ||
        (season && *season && (st = rs_scalar(atof(season), NULL, &sea))) ||
        (mname && *mname && (st = rs_scalar(0, mname, &model))))
        goto done;
    const ws_range *args[] = {vals, h, lv, sea, model};
    st = rs_call("WS.FORECAST_PI", args, model ? 5 : sea ? 4 : 3, &f->pi);
done:
    ws_range_free(range);
    ws_range_free(dr);
    ws_range_free(vals);
    ws_range_free(h);
    ws_range_free(lv);
    ws_range_free(sea);
    ws_range_free(model);
    return st;
}

/* The value a year (or a season) before the next period, and its date; false when the
 * history is too short. */
static bool
rs_forecast_last_year(const ws_book *book, const rs_forecast *f, double *value, double *when,
                      size_t *season)
{
    *season = 0;
    if (f->dates && isfinite(f->next_date)) {
        double target = rs_year_before(f->next_date, f->step, book->date1904);
        double tol = f->step.months ? 15.0 : fmax(0.5, (double)f->step.count / 2);
        size_t best = SIZE_MAX;
        for (size_t t = 0; t < f->last; t++)
            if (isfinite(f->dates[t]) && fabs(f->dates[t] - target) <= tol &&
                (best == SIZE_MAX || fabs(f->dates[t] - target) < fabs(f->dates[best] - target)))
                best = t;
        if (best == SIZE_MAX || isnan(f->y[best]))
            return false;
        *value = f->y[best];
        *when = f->dates[best];
        return true;
    }
    /* Without dates, a year is unknown: compare with one season earlier when the series
     * has a detected season. */
    ws_range *vals = NULL, *m = NULL;
    bool found = false;
    if (ws_range_new(f->last, 1, &vals) == WS_OK) {
        for (size_t i = 0; i < f->last; i++)
            if (!isnan(f->y[i]))
                ws_range_set_number(vals, i, 0, f->y[i]);
        const ws_range *args[] = {vals};
        if (rs_call("WS.SEASONALITY", args, 1, &m) == WS_OK &&
            ws_range_type_at(m, 0, 0) == WS_TYPE_NUMBER) {
            double p = ws_range_number_at(m, 0, 0);
            if (p >= 2 && p <= (double)f->last && !isnan(f->y[f->last - (size_t)p])) {
                *season = (size_t)p;
                *value = f->y[f->last - (size_t)p];
                *when = NAN;
                found = true;
            }
        }
    }
    ws_range_free(vals);
    ws_range_free(m);
    return found;
}

static void
rs_forecast_section(rs_ctx *c, const report_job *job, size_t dflt, rs_forecast *f)
{
    const rs_labels *l = c->l;
    char title[256];
    ws_status st = rs_forecast_compute(c->book, job, dflt, f);
    snprintf(title, sizeof title, l->fc_title, f->name[0] ? f->name : job->where);
    if (st) {
        rs_forecast_clear(f);
        if (st == WS_ERR_NOMEM)
            c->st = st;
        else
            rs_not_available(c, title, job);
        return;
    }
    bool d1904 = c->book->date1904;
    double fc = ws_range_number_at(f->pi, 0, 0), lo = ws_range_number_at(f->pi, 0, 1);
    double hi = ws_range_number_at(f->pi, 0, 2), ly = NAN, when = NAN;
    size_t season = 0;
    bool have_ly = rs_forecast_last_year(c->book, f, &ly, &when, &season);
    char a[64], b[64], d[64], lvl[16], date[64];
    uint32_t r = c->row;
    f->section_row = r;
    rs_text(c, r, 0, title);
    /* Without dates the next row is just "the next period". */
    int unit = isfinite(f->next_date) ? rs_unit(f->step) : RS_PERIOD;
    if (isfinite(f->next_date))
        rs_date_text(f->next_date, d1904, c->lang, date, sizeof date);
    else
        snprintf(date, sizeof date, "%zu", f->last + 1);
    rs_fmt(fc, false, a, sizeof a);
    rs_textf(c, r + 1, 0, l->fc_expected, l->fc_next[unit], date, a);
    rs_fmt(lo, false, a, sizeof a);
    rs_fmt(hi, false, b, sizeof b);
    snprintf(lvl, sizeof lvl, "%g%%", 100 * f->level);
    rs_textf(c, r + 2, 0, l->fc_range, a, b, lvl);
    double change = have_ly && ly != 0 ? fc / ly - 1 : NAN;
    if (have_ly) {
        char lydate[64];
        if (isfinite(when))
            rs_date_text(when, d1904, c->lang, lydate, sizeof lydate);
        else
            snprintf(lydate, sizeof lydate, "%zu", f->last + 1 - season);
        rs_fmt(ly, false, a, sizeof a);
        rs_pct(fabs(change), false, d, sizeof d);
        rs_textf(c, r + 3, 0, l->fc_vs_year, season ? l->fc_cycle : l->fc_last_year[unit],
                 lydate, a, isfinite(change) ? d : "-", change >= 0 ? l->higher : l->lower);
    } else {
        rs_text(c, r + 3, 0, l->fc_no_year);
    }
    uint32_t t = r + 5;
    uint16_t vf = rs_fmt_for(c, fc);
    for (uint32_t k = 0; k < 6; k++) {
        if (k == 2 || k == 3) {
            char label[96];
            snprintf(label, sizeof label, "%s (%s)", l->fc_rows[k], lvl);
            rs_text(c, t + k, 0, label);
        } else {
            rs_text(c, t + k, 0, k == 4 && season ? l->fc_cycle : l->fc_rows[k]);
        }
    }
    if (isfinite(f->next_date))
        rs_num(c, t, 1, f->next_date, c->fmt_date);
    else
        rs_num(c, t, 1, (double)(f->last + 1), 0);
    rs_num(c, t + 1, 1, fc, vf);
    rs_num(c, t + 2, 1, lo, vf);
    rs_num(c, t + 3, 1, hi, vf);
    if (have_ly) {
        rs_num(c, t + 4, 1, ly, vf);
        rs_num(c, t + 5, 1, change, c->fmt_pct);
    }
    c->row = rs_section_end(r, t + 6, 1);
}

/* The forecast chart's data goes below everything else; the chart sits in its section. */
static void
rs_forecast_chart(rs_ctx *c, rs_forecast *f)
{
    if (!f->pi || c->st)
        return;
    const rs_labels *l = c->l;
    bool d1904 = c->book->date1904;
    size_t h = ws_range_rows(f->pi);
    size_t first = f->last > RS_HISTORY ? f->last - RS_HISTORY : 0;
    uint32_t r = c->row;
    rs_textf(c, r, 0, l->fc_data, f->name);
    for (uint32_t k = 0; k < 5; k++)
        rs_text(c, r + 1, k, l->fc_data_head[k]);
    uint32_t row0 = r + 2, row = row0;
    uint16_t vf = rs_fmt_for(c, f->y[f->last - 1]);
    for (size_t t = first; t < f->last; t++, row++) {
        if (f->dates && isfinite(f->dates[t]))
            rs_num(c, row, 0, f->dates[t], c->fmt_date);
        else if (!f->dates)
            rs_num(c, row, 0, (double)(t + 1), 0);
        rs_num(c, row, 1, f->y[t], vf);
    }
    /* The forecast line starts at the last actual value, so the two lines join. */
    rs_num(c, row - 1, 2, f->y[f->last - 1], vf);
    for (size_t k = 0; k < h; k++, row++) {
        if (isfinite(f->next_date))
            rs_num(c, row, 0, date_add_steps(f->next_date, f->step, (long)k, d1904),
                   c->fmt_date);
        else
            rs_num(c, row, 0, (double)(f->last + k + 1), 0);
        rs_num(c, row, 2, ws_range_number_at(f->pi, k, 0), vf);
        rs_num(c, row, 3, ws_range_number_at(f->pi, k, 1), vf);
        rs_num(c, row, 4, ws_range_number_at(f->pi, k, 2), vf);
    }
    c->row = row + 1;
    if (c->st)
        return;
    char title[256];
    snprintf(title, sizeof title, l->fc_chart, f->name);
    book_area cat = {row0, 0, row - 1, 0}, act = {row0, 1, row - 1, 1};
    book_area fc = {row0, 2, row - 1, 2}, lo = {row0, 3, row - 1, 3}, hi = {row0, 4, row - 1, 4};
    /* The legend is the chart data's own header: Actual, Forecast, Lower, Upper. */
    c->st = chart_forecast(c->book, rs_sheet(c), title, &l->fc_data_head[1], cat, act, fc, lo,
                           hi, f->section_row, RS_COL_CHART);
    rs_chart_size(c);
}

/* The plan: WS.PLAN on the job's inputs. */
static ws_status
rs_plan_compute(const ws_book *book, const report_job *job, size_t dflt, ws_range **plan,
                double *recent, char *kpi_name, size_t cap)
{
    ws_range *kpi = NULL, *levers = NULL, *budget = NULL, *h = NULL, *mn = NULL, *mx = NULL,
             *kinds = NULL;
    size_t sheet;
    ws_status st;
    if ((st = rs_job_sheet(book, job, dflt, &sheet)) ||
        (st = rs_read(book, sheet, job, "kpi", &kpi)) ||
        (st = rs_read(book, sheet, job, "levers", &levers)))
        goto done;
    const char *text = report_job_option(job, "budget");
    char *end = NULL;
    double b = strtod(text, &end);
    if (!*text || *end) {
        st = diag_fail(WS_ERR_VALUE, "budget: '%s' is not a number", text);
        goto done;
    }
    if ((st = rs_scalar(b, NULL, &budget)) ||
        (st = rs_scalar(atof(report_job_option(job, "horizon")), NULL, &h)))
        goto done;
    const char *mins = report_job_option(job, "min"), *maxs = report_job_option(job, "max");
    const char *ks = report_job_option(job, "kinds");
    if ((mins && *mins && (st = rs_list(mins, true, &mn))) ||
        (maxs && *maxs && (st = rs_list(maxs, true, &mx))) ||
        (ks && *ks && (st = rs_list(ks, false, &kinds))))
        goto done;
    const ws_range *args[] = {kpi, levers, budget, h, mn, mx, kinds};
    if ((st = rs_call("WS.PLAN", args, 7, plan)))
        goto done;
    /* The recent level the plan's change is measured against. */
    size_t n = ws_range_rows(kpi), used = 0;
    double sum = 0;
    for (size_t i = n; i-- > 0 && used < RS_RECENT;)
        if (ws_range_type_at(kpi, i, 0) == WS_TYPE_NUMBER) {
            sum += ws_range_number_at(kpi, i, 0);
            used++;
        }
    *recent = used ? sum / (double)used : NAN;
    snprintf(kpi_name, cap, "%s",
             ws_range_type_at(kpi, 0, 0) == WS_TYPE_TEXT ? ws_range_text_at(kpi, 0, 0) : "KPI");
done:
    ws_range_free(kpi);
    ws_range_free(levers);
    ws_range_free(budget);
    ws_range_free(h);
    ws_range_free(mn);
    ws_range_free(mx);
    ws_range_free(kinds);
    return st;
}

static void
rs_plan_section(rs_ctx *c, const report_job *job, size_t dflt)
{
    const rs_labels *l = c->l;
    ws_range *plan = NULL;
    double recent = NAN;
    char kpi[128];
    ws_status st = rs_plan_compute(c->book, job, dflt, &plan, &recent, kpi, sizeof kpi);
    if (st) {
        if (st == WS_ERR_NOMEM)
            c->st = st;
        else
            rs_not_available(c, l->plan_title, job);
        return;
    }
    size_t rows = ws_range_rows(plan);
    double budget = ws_range_number_at(plan, rows - 1, 1);
    double total = ws_range_number_at(plan, rows - 1, 2);
    double horizon = atof(report_job_option(job, "horizon"));
    uint32_t r = c->row;
    rs_text(c, r, 0, l->plan_title);
    char split[768], a[64], b[64];
    size_t used = 0, shown = 0;
    split[0] = '\0';
    for (size_t i = 0; i + 1 < rows && used < sizeof split - 80; i++) {
        if (ws_range_type_at(plan, i, 1) != WS_TYPE_NUMBER)
            continue; /* not a spend lever */
        double s = ws_range_number_at(plan, i, 1);
        rs_fmt(s, false, a, sizeof a);
        rs_pct(budget > 0 ? s / budget : 0, false, b, sizeof b);
        if (shown++ == 4) {
            used += (size_t)snprintf(split + used, sizeof split - used, ", ...");
            break;
        }
        used += (size_t)snprintf(split + used, sizeof split - used, "%s%s %s (%s)",
                                 shown > 1 ? ", " : "", ws_range_text_at(plan, i, 0), a, b);
    }
    rs_fmt(budget, false, a, sizeof a);
    rs_textf(c, r + 1, 0, l->plan_split, a, split);
    rs_fmt(total, true, a, sizeof a);
    snprintf(b, sizeof b, "%g", horizon);
    if (c->lang == REPORT_JA)
        rs_textf(c, r + 2, 0, l->plan_uplift, kpi, b, a);
    else
        rs_textf(c, r + 2, 0, l->plan_uplift, a, kpi, b, horizon == 1 ? "" : "s");
    if (isfinite(recent) && recent != 0 && horizon > 0) {
        rs_pct(total / horizon / recent, true, a, sizeof a);
        if (c->lang == REPORT_JA)
            rs_textf(c, r + 3, 0, l->plan_pct, kpi, a);
        else
            rs_textf(c, r + 3, 0, l->plan_pct, a, kpi);
    }
    uint32_t t = r + 5;
    for (uint32_t k = 0; k < 4; k++)
        rs_text(c, t, k, l->plan_head[k]);
    uint32_t row = t + 1;
    uint16_t sf = rs_fmt_for(c, budget), cf = rs_fmt_for(c, total);
    for (size_t i = 0; i + 1 < rows; i++) {
        if (ws_range_type_at(plan, i, 1) != WS_TYPE_NUMBER)
            continue;
        double s = ws_range_number_at(plan, i, 1);
        rs_text(c, row, 0, ws_range_text_at(plan, i, 0));
        rs_num(c, row, 1, s, sf);
        rs_num(c, row, 2, budget > 0 ? s / budget : NAN, c->fmt_pct);
        rs_num(c, row, 3, ws_range_number_at(plan, i, 2), cf);
        row++;
    }
    uint32_t last = row - 1;
    rs_text(c, row, 0, l->plan_total);
    rs_num(c, row, 1, budget, sf);
    rs_num(c, row, 2, 1.0, c->fmt_pct);
    rs_num(c, row, 3, total, cf);
    if (!c->st && last > t) {
        book_area cat = {t + 1, 0, last, 0}, vals[1] = {{t + 1, 1, last, 1}};
        const char *names[] = {l->plan_head[1]};
        c->st = chart_bars(c->book, rs_sheet(c), l->plan_chart, cat, vals, names, 1,
                           BOOK_CHART_COLUMN, r, RS_COL_CHART);
        rs_chart_size(c);
    }
    ws_range_free(plan);
    c->row = rs_section_end(r, row + 1, 1);
}

/* The comments: WS.SENTIMENT_LABEL and WS.TOPIC on each comment. */
typedef struct rs_topic {
    const char *name; /* in the topics range */
    size_t complaints, comments;
} rs_topic;

static int
rs_cmp_topic(const void *a, const void *b)
{
    const rs_topic *x = a, *y = b;
    if (x->complaints != y->complaints)
        return x->complaints < y->complaints ? 1 : -1;
    if (x->comments != y->comments)
        return x->comments < y->comments ? 1 : -1;
    return strcmp(x->name, y->name);
}

/* A first cell that is short, without sentence punctuation and without opinion is a
 * header ("Comment"), as the summarize job reads it. */
static bool
rs_is_header(const char *text, const char *label)
{
    if (strlen(text) > 40 || strcmp(label, "unknown") != 0)
        return false;
    static const char *const punct[] = {".", "!", "?", "。", "！", "？"};
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++)
        if (strstr(text, punct[i]))
            return false;
    return true;
}

static ws_status
rs_comments_compute(const ws_book *book, const report_job *job, size_t dflt, ws_range **texts,
                    ws_range **labels, ws_range **topics, size_t *first)
{
    ws_range *range = NULL, *seeds = NULL;
    size_t sheet, n = 0;
    ws_status st;
    if ((st = rs_job_sheet(book, job, dflt, &sheet)) ||
        (st = rs_read(book, sheet, job, "range", &range)))
        goto done;
    const char *tref = report_job_option(job, "topics");
    if (tref && *tref && (st = rs_read(book, sheet, job, "topics", &seeds)))
        goto done;
    for (size_t i = 0; i < ws_range_rows(range); i++)
        for (size_t c = 0; c < ws_range_cols(range); c++)
            n += ws_range_type_at(range, i, c) == WS_TYPE_TEXT &&
                 *ws_range_text_at(range, i, c);
    if (n == 0) {
        st = diag_fail(WS_ERR_NA, "range holds no comments");
        goto done;
    }
    if ((st = ws_range_new(n, 1, texts)))
        goto done;
    size_t k = 0;
    for (size_t i = 0; i < ws_range_rows(range); i++)
        for (size_t c = 0; c < ws_range_cols(range); c++)
            if (ws_range_type_at(range, i, c) == WS_TYPE_TEXT && *ws_range_text_at(range, i, c) &&
                (st = ws_range_set_text(*texts, k++, 0, ws_range_text_at(range, i, c))))
                goto done;
    const ws_range *args[] = {*texts, seeds};
    if ((st = rs_call("WS.SENTIMENT_LABEL", args, 1, labels)) ||
        (st = rs_call("WS.TOPIC", args, seeds ? 2 : 1, topics)))
        goto done;
    *first = ws_range_type_at(range, 0, 0) == WS_TYPE_TEXT &&
             rs_is_header(ws_range_text_at(*texts, 0, 0), ws_range_text_at(*labels, 0, 0));
    if (*first >= n)
        st = diag_fail(WS_ERR_NA, "range holds no comments");
done:
    ws_range_free(range);
    ws_range_free(seeds);
    return st;
}

static void
rs_comments_section(rs_ctx *c, const report_job *job, size_t dflt)
{
    const rs_labels *l = c->l;
    ws_range *texts = NULL, *labels = NULL, *topics = NULL;
    rs_topic *tops = NULL;
    size_t first = 0;
    ws_status st = rs_comments_compute(c->book, job, dflt, &texts, &labels, &topics, &first);
    if (st) {
        if (st == WS_ERR_NOMEM)
            c->st = st;
        else
            rs_not_available(c, l->cv_title, job);
        goto done;
    }
    size_t n = ws_range_rows(texts) - first, counts[4] = {0, 0, 0, 0}, ntop = 0, complaints = 0;
    if (!(tops = mem_calloc(RS_MAX_TOPICS, sizeof *tops))) {
        c->st = diag_nomem();
        goto done;
    }
    for (size_t i = first; i < ws_range_rows(texts); i++) {
        const char *lab = ws_range_text_at(labels, i, 0);
        int kind = strcmp(lab, "positive") == 0   ? 0
                   : strcmp(lab, "negative") == 0 ? 1
                   : strcmp(lab, "mixed") == 0    ? 2
                                                  : 3;
        counts[kind]++;
        const char *topic = ws_range_text_at(topics, i, 0);
        if (!*topic || strcmp(topic, "other") == 0)
            continue;
        size_t j = 0;
        while (j < ntop && strcmp(tops[j].name, topic) != 0)
            j++;
        if (j == ntop) {
            if (ntop == RS_MAX_TOPICS)
                continue;
            tops[ntop++].name = topic;
        }
        tops[j].comments++;
        if (kind == 1 || kind == 2) {
            tops[j].complaints++;
            complaints++;
        }
    }
    qsort(tops, ntop, sizeof *tops, rs_cmp_topic);
    uint32_t r = c->row;
    char p[4][32];
    for (int k = 0; k < 4; k++)
        rs_pct((double)counts[k] / (double)n, false, p[k], sizeof p[k]);
    rs_text(c, r, 0, l->cv_title);
    rs_textf(c, r + 1, 0, l->cv_shares, n, p[0], p[1], p[2], p[3]);
    if (ntop && tops[0].complaints)
        rs_textf(c, r + 2, 0, l->cv_top, tops[0].name, tops[0].complaints, counts[1] + counts[2]);
    else
        rs_text(c, r + 2, 0, l->cv_none);
    uint32_t t = r + 4;
    for (uint32_t k = 0; k < 3; k++)
        rs_text(c, t, k, l->cv_head[k]);
    for (uint32_t k = 0; k < 4; k++) {
        rs_text(c, t + 1 + k, 0, l->cv_kinds[k]);
        rs_num(c, t + 1 + k, 1, (double)counts[k], 0);
        rs_num(c, t + 1 + k, 2, (double)counts[k] / (double)n, c->fmt_pct);
    }
    if (!c->st) {
        book_area cat = {t + 1, 0, t + 4, 0}, vals[1] = {{t + 1, 2, t + 4, 2}};
        const char *names[] = {l->cv_head[2]};
        c->st = chart_bars(c->book, rs_sheet(c), l->cv_chart, cat, vals, names, 1,
                           BOOK_CHART_COLUMN, r, RS_COL_CHART);
        rs_chart_size(c);
    }
    uint32_t t2 = t + 6;
    for (uint32_t k = 0; k < 3; k++)
        rs_text(c, t2, k, l->cv_topic_head[k]);
    for (size_t j = 0; j < ntop; j++) {
        rs_text(c, t2 + 1 + (uint32_t)j, 0, tops[j].name);
        rs_num(c, t2 + 1 + (uint32_t)j, 1, (double)tops[j].complaints, 0);
        rs_num(c, t2 + 1 + (uint32_t)j, 2, (double)tops[j].comments, 0);
    }
    if (!c->st && ntop) {
        uint32_t last = t2 + (uint32_t)ntop;
        book_area cat = {t2 + 1, 0, last, 0}, vals[1] = {{t2 + 1, 1, last, 1}};
        const char *names[] = {l->cv_topic_head[1]};
        c->st = chart_bars(c->book, rs_sheet(c), l->cv_topic_chart, cat, vals, names, 1,
                           BOOK_CHART_BAR, r + RS_CHART_ROWS, RS_COL_CHART);
        rs_chart_size(c);
    }
    c->row = rs_section_end(r, t2 + 2 + (uint32_t)ntop, 2);
done:
    mem_free(tops);
    ws_range_free(texts);
    ws_range_free(labels);
    ws_range_free(topics);
}

static const report_job *
rs_first(const report_done *done, size_t count, const char *kind)
{
    for (size_t i = 0; i < count; i++)
        if (done[i].ok && strcmp(done[i].job->info->name, kind) == 0)
            return done[i].job;
    return NULL;
}

ws_status
report_write_sheet(ws_book *book, const report_done *done, size_t count, size_t default_sheet,
                   report_lang lang, const char *title, size_t *sheet_out)
{
    rs_ctx c = {.book = book, .l = lang == REPORT_JA ? &rs_ja : &rs_en, .lang = lang};
    rs_forecast f;
    memset(&f, 0, sizeof f);
    book_sheet *s = NULL;
    ws_status st;
    if ((st = book_add_unique_sheet(book, c.l->sheet, &s)))
        return st;
    c.sheet = (size_t)(s - book->sheets);
    if ((st = book_format_intern(book, "#,##0", 5, &c.fmt_int)) ||
        (st = book_format_intern(book, "#,##0.00", 8, &c.fmt_dec)) ||
        (st = book_format_intern(book, "0.0%", 4, &c.fmt_pct)) ||
        (st = book_format_intern(book, "yyyy-mm-dd", 10, &c.fmt_date)))
        goto fail;
    rs_textf(&c, 0, 0, c.l->report_of, title);
    if (lang == REPORT_JA)
        rs_textf(&c, 1, 0, c.l->made, ws_version(), count, "");
    else
        rs_textf(&c, 1, 0, c.l->made, ws_version(), count, count == 1 ? "" : "s");
    rs_text(&c, 2, 0, c.l->next_sheets);
    c.row = 4;
    const report_job *job;
    if ((job = rs_first(done, count, "forecast")))
        rs_forecast_section(&c, job, default_sheet, &f);
    if (!c.st && (job = rs_first(done, count, "plan")))
        rs_plan_section(&c, job, default_sheet);
    if (!c.st && (job = rs_first(done, count, "summarize")))
        rs_comments_section(&c, job, default_sheet);
    /* The jobs, with how each went: the reader sees what the figures rest on. */
    uint32_t r = c.row;
    rs_text(&c, r, 0, c.l->jobs_title);
    for (uint32_t k = 0; k < 3; k++)
        rs_text(&c, r + 1, k, c.l->jobs_head[k]);
    for (size_t i = 0; i < count; i++) {
        uint32_t row = r + 2 + (uint32_t)i;
        rs_text(&c, row, 0, done[i].job->info->name);
        rs_text(&c, row, 1, done[i].job->where);
        if (done[i].ok)
            rs_text(&c, row, 2, c.l->ran);
        else
            rs_textf(&c, row, 2, c.l->failed, done[i].reason ? done[i].reason : "");
    }
    c.row = r + 3 + (uint32_t)count;
    rs_forecast_chart(&c, &f);
    if ((st = c.st))
        goto fail;
    s = rs_sheet(&c);
    s->freeze_rows = 1;
    if ((st = book_set_width(book, s, 0, 0, 62)) || (st = book_set_width(book, s, 1, 3, 15)))
        goto fail;
    rs_forecast_clear(&f);
    *sheet_out = c.sheet;
    return WS_OK;
fail:
    rs_forecast_clear(&f);
    book_drop_sheets(book, c.sheet);
    return st;
}
