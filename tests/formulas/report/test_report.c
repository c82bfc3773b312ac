/* Tests of the report (ws_book_report).
 *
 * Golden: the bundled example workbook, whose "worldsheet" sheet lists a forecast, a plan
 * and a summarize job, is reported and saved with a fixed creation time; its workbook part
 * (sheet order and names), the Report sheet's part with every <v> value masked (cell
 * positions, types, styles, widths, frozen pane, print setup: structure, not digits that
 * move when the models improve) and the Report's chart parts are compared with the parts
 * in golden/, read by hand when made (WS_UPDATE_GOLDEN=1 rewrites them).  Direct checks
 * back them up: headline cells against figures taken from the input (the same week a year
 * before is Sales!B106; 30 comments; the split adds up to the budget), chart types, print
 * settings on every new sheet and none on the input sheets.
 *
 * Then the rules for job rows (malformed rows skipped with their cell named, a failing
 * job's sheets left out), --job lines with quoted sheet names, defaults, Japanese labels,
 * and failure paths that must leave the book as it was.  Last, the jobs' own sheets in
 * Japanese: by --lang, by a Japanese series or lever name, and through a Japanese report. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "zip_part.h"
#include "core/mem.h"
#include "io/book.h"

#define CREATED 1767225600 /* 2026-01-01T00:00:00Z */

static char tmpdir[] = "/tmp/ws-report-XXXXXX";
static const char *golden_dir;
static bool update;

/* ----- golden parts ----- */

/* Every <v>...</v> becomes <v>#</v>, in place. */
static void
mask_values(char *xml)
{
    char *out = xml;
    for (char *p = xml; *p;) {
        if (strncmp(p, "<v>", 3) == 0) {
            char *end = strstr(p, "</v>");
            if (end) {
                memcpy(out, "<v>#</v>", 8);
                out += 8;
                p = end + 4;
                continue;
            }
        }
        *out++ = *p++;
    }
    *out = '\0';
}

static void
compare_golden(const char *part, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", golden_dir, name);
    if (update) {
        FILE *f = fopen(path, "wb");
        CHECK(f != NULL);
        if (f) {
            fputs(part, f);
            fclose(f);
        }
        return;
    }
    char *want = file_read(path);
    CHECK(want != NULL);
    if (want && strcmp(part, want) != 0) {
        fprintf(stderr, "%s differs from the golden part (WS_UPDATE_GOLDEN=1 rewrites it)\n",
                name);
        check_failed++;
    } else if (want) {
        check_passed++;
    }
    mem_free(want);
}

/* The targets of the relationships of `rels`, e.g. "../charts/chart1.xml", in order. */
static size_t
rel_targets(const char *rels, char out[][128], size_t cap)
{
    size_t n = 0;
    for (const char *p = rels; n < cap && (p = strstr(p, "Target=\"")); n++) {
        p += 8;
        const char *end = strchr(p, '"');
        snprintf(out[n], sizeof out[n], "%.*s", (int)(end - p), p);
        p = end;
    }
    return n;
}

/* ----- logging ----- */

static char warnings[8192];

static void
capture(void *user, int level, const char *message)
{
    (void)user;
    if (level && strlen(warnings) + strlen(message) + 2 < sizeof warnings) {
        strcat(warnings, message);
        strcat(warnings, "\n");
    }
}

/* ----- reading the Report sheet ----- */

/* The row whose column A holds `label` (the first one), or -1. */
static long
find_row(const ws_book *book, size_t sheet, const char *label)
{
    const book_sheet *s = &book->sheets[sheet];
    for (size_t r = 0; r < s->row_count; r++) {
        const book_cell *c = book_cell_at(s, s->rows[r].row, 0);
        if (c && c->value.type == WS_TYPE_TEXT && strcmp(c->value.as.text, label) == 0)
            return (long)s->rows[r].row;
    }
    return -1;
}

static double
num_at(const ws_book *book, size_t sheet, long row, uint32_t col)
{
    const book_cell *c = row >= 0 ? book_cell_at(&book->sheets[sheet], (uint32_t)row, col) : NULL;
    return c && c->value.type == WS_TYPE_NUMBER ? c->value.as.number : NAN;
}

static const char *
text_at(const ws_book *book, size_t sheet, long row, uint32_t col)
{
    const book_cell *c = row >= 0 ? book_cell_at(&book->sheets[sheet], (uint32_t)row, col) : NULL;
    return c && c->value.type == WS_TYPE_TEXT ? c->value.as.text : "";
}

static bool
starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* ----- the example ----- */

static void
test_example(const char *root)
{
    char path[1024], out[1024];
    snprintf(path, sizeof path, "%s/examples/marketing.xlsx", root);
    ws_book *book = NULL;
    CHECK_OK(ws_book_open(path, NULL, &book));
    if (!book)
        return;
    ws_report_stats stats;
    warnings[0] = '\0';
    CHECK_OK(ws_book_report(book, NULL, NULL, NULL, &stats));
    CHECK(stats.jobs_total == 3 && stats.jobs_done == 3 && stats.jobs_failed == 0);
    CHECK(!stats.defaults);
    CHECK_STR(stats.lang, "en"); /* 20 of the 30 comments are English */

    static const char *const order[] = {"Report", "Forecast", "Forecast Models", "Plan",
                                        "Summary", "Dashboard", "Sales", "Comments",
                                        "顧客の声", "Truth", "worldsheet"};
    CHECK(ws_book_sheet_count(book) == 11);
    for (size_t i = 0; i < 11 && i < ws_book_sheet_count(book); i++)
        CHECK_STR(ws_book_sheet_name(book, i), order[i]);
    for (size_t i = 0; i < ws_book_sheet_count(book); i++) {
        const book_sheet *s = &book->sheets[i];
        bool fresh = i < 5;
        CHECK(s->landscape == fresh && s->fit_width == fresh && s->added == fresh);
        if (fresh)
            CHECK(s->freeze_rows == 1 && s->width_count > 0);
    }

    /* Headlines.  The weeks run from 2023-01-02 to 2025-12-22, so the next is 2025-12-29
     * (serial 46020) and the same week a year before, 52 weeks earlier, is 2024-12-30:
     * row 106 of Sales. */
    CHECK_STR(text_at(book, 0, 0, 0), "Report: marketing.xlsx");
    CHECK_STR(text_at(book, 0, 4, 0), "Forecast: Sales");
    CHECK(starts_with(text_at(book, 0, 5, 0), "Next week (2025-12-29): "));
    CHECK(starts_with(text_at(book, 0, 7, 0), "Same week last year (2024-12-30): "));
    size_t sales = 0;
    CHECK_OK(ws_book_sheet_find(book, "Sales", &sales));
    double ly_date = num_at(book, sales, 105, 0), ly_value = num_at(book, sales, 105, 1);
    CHECK(ly_date == 45656); /* 2024-12-30 */
    long r = find_row(book, 0, "Next period");
    CHECK(r > 0 && num_at(book, 0, r, 1) == 46020);
    double fc = num_at(book, 0, find_row(book, 0, "Forecast"), 1);
    double lo = num_at(book, 0, find_row(book, 0, "Lower bound (95%)"), 1);
    double hi = num_at(book, 0, find_row(book, 0, "Upper bound (95%)"), 1);
    CHECK(lo < fc && fc < hi);
    /* The data are a seasonal series around 60,000-130,000: a sane forecast is there. */
    CHECK(fc > 60000 && fc < 160000);
    CHECK(num_at(book, 0, find_row(book, 0, "Same period last year"), 1) == ly_value);
    CHECK_NEAR(num_at(book, 0, find_row(book, 0, "Change against last year"), 1),
               fc / ly_value - 1, 1e-12);

    CHECK((r = find_row(book, 0, "Budget plan")) > 0);
    CHECK(starts_with(text_at(book, 0, r + 1, 0), "Best split of 20,000 per period: TV "));
    CHECK(starts_with(text_at(book, 0, r + 2, 0), "Expected uplift: "));
    long lever = find_row(book, 0, "Lever");
    CHECK_STR(text_at(book, 0, lever, 1), "Planned spend");
    double sum = 0, share = 0;
    static const char *const levers[] = {"TV", "Search", "Social"}; /* Price is not spend */
    for (long k = 0; k < 3; k++) {
        CHECK_STR(text_at(book, 0, lever + 1 + k, 0), levers[k]);
        double s = num_at(book, 0, lever + 1 + k, 1);
        CHECK(s >= 0);
        sum += s;
        share += num_at(book, 0, lever + 1 + k, 2);
    }
    CHECK_STR(text_at(book, 0, lever + 4, 0), "Total");
    CHECK_NEAR(sum, 20000, 1e-6);
    CHECK_NEAR(share, 1, 1e-12);
    CHECK(num_at(book, 0, lever + 4, 1) == 20000);

    CHECK((r = find_row(book, 0, "Customer comments")) > 0);
    CHECK(starts_with(text_at(book, 0, r + 1, 0), "30 comments: "));
    CHECK(starts_with(text_at(book, 0, r + 2, 0), "Top complaint: "));
    long sent = find_row(book, 0, "Sentiment");
    double count = 0;
    for (long k = 1; k <= 4; k++) {
        count += num_at(book, 0, sent + k, 1);
        CHECK_NEAR(num_at(book, 0, sent + k, 2), num_at(book, 0, sent + k, 1) / 30, 1e-12);
    }
    CHECK(count == 30);
    /* The top complaint is the first topic of the table, which is sorted by complaints. */
    long topic = find_row(book, 0, "Topic");
    char want[160];
    snprintf(want, sizeof want, "Top complaint: %s (", text_at(book, 0, topic + 1, 0));
    CHECK(starts_with(text_at(book, 0, r + 2, 0), want));
    CHECK(num_at(book, 0, topic + 1, 1) >= num_at(book, 0, topic + 2, 1));
    long jobs = find_row(book, 0, "Jobs");
    CHECK_STR(text_at(book, 0, jobs + 2, 1), "worldsheet!A2");
    CHECK_STR(text_at(book, 0, jobs + 2, 2), "ran");
    CHECK_STR(text_at(book, 0, jobs + 4, 0), "summarize");
    CHECK(book->sheets[0].chart_count == 4);

    snprintf(out, sizeof out, "%s/report.xlsx", tmpdir);
    ws_save_options save = {.created_time = CREATED};
    CHECK_OK(ws_book_save(book, out, &save));
    ws_book_close(book);

    /* Part by part. */
    char *wb = zip_part(out, "xl/workbook.xml");
    CHECK(wb != NULL);
    if (wb)
        compare_golden(wb, "workbook.xml");
    mem_free(wb);
    char *sheet = zip_part(out, "xl/worksheets/sheet1.xml");
    CHECK(sheet != NULL);
    if (sheet) {
        CHECK(strstr(sheet, "<pageSetUpPr fitToPage=\"1\"/>") != NULL);
        CHECK(strstr(sheet, "<pageSetup fitToHeight=\"0\" orientation=\"landscape\"/>") != NULL);
        CHECK(strstr(sheet, "<pane ySplit=\"1\" topLeftCell=\"A2\"") != NULL);
        mask_values(sheet);
        compare_golden(sheet, "report-sheet.xml");
    }
    mem_free(sheet);
    for (int i = 2; i <= 11; i++) {
        char name[64];
        snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", i);
        char *x = zip_part(out, name);
        CHECK(x != NULL);
        bool fresh = i <= 5;
        if (x)
            CHECK((strstr(x, "orientation=\"landscape\"") != NULL) == fresh &&
                  (strstr(x, "<pageSetUpPr fitToPage=\"1\"/>") != NULL) == fresh);
        mem_free(x);
    }
    char *rels = zip_part(out, "xl/worksheets/_rels/sheet1.xml.rels");
    char targets[8][128], charts[8][128];
    size_t n = rels ? rel_targets(rels, targets, 8) : 0;
    mem_free(rels);
    CHECK(n == 1 && strstr(targets[0], "drawings/drawing") != NULL);
    size_t nc = 0;
    if (n == 1) {
        char name[256];
        const char *base = strrchr(targets[0], '/') + 1;
        snprintf(name, sizeof name, "xl/drawings/_rels/%s.rels", base);
        char *drels = zip_part(out, name);
        nc = drels ? rel_targets(drels, charts, 8) : 0;
        mem_free(drels);
    }
    CHECK(nc == 4);
    /* In the order they were added: budget split and sentiment as columns, complaints as
     * bars, and the forecast, added once its data were written below, as lines. */
    static const char *const kinds[] = {"<c:barDir val=\"col\"/>", "<c:barDir val=\"col\"/>",
                                        "<c:barDir val=\"bar\"/>", "<c:lineChart>"};
    for (size_t i = 0; i < nc && i < 4; i++) {
        char name[256], golden[64];
        snprintf(name, sizeof name, "xl/charts/%s", strrchr(charts[i], '/') + 1);
        char *x = zip_part(out, name);
        CHECK(x != NULL && strstr(x, kinds[i]) != NULL);
        if (x) {
            snprintf(golden, sizeof golden, "report-chart%zu.xml", i + 1);
            compare_golden(x, golden);
        }
        mem_free(x);
    }
}

/* ----- books made here ----- */

/* A sheet "Data": A dates (weekly, date format), B numbers, C comments, 40 rows + header. */
static ws_book *
data_book(const char *sheet_name, bool with_jobs)
{
    ws_book *book = NULL;
    book_sheet *s;
    uint16_t datefmt = 0;
    if (book_new(NULL, &book) || book_add_sheet(book, sheet_name, strlen(sheet_name), &s) ||
        book_format_intern(book, "yyyy-mm-dd", 10, &datefmt))
        return book;
    static const char *const comments[] = {
        "Fast delivery, great quality, will buy again!",
        "The price is far too high for what you get.",
        "Support never answered my emails. Very disappointed.",
        "Love the design, it looks premium.",
        "Arrived broken and the packaging was terrible.",
        "Easy to set up and good value for money.",
        "Shipping took three weeks, far too slow.",
        "Customer service solved my problem quickly."};
    book_set_text(book, s, 0, 0, "Week");
    book_set_text(book, s, 0, 1, "Visits");
    book_set_text(book, s, 0, 2, "Comment");
    for (uint32_t i = 0; i < 40; i++) {
        book_set_number(book, s, i + 1, 0, 45000 + 7.0 * i, datefmt);
        book_set_number(book, s, i + 1, 1, 100 + 2.0 * i + 10 * ((i % 4) == 0), 0);
        if (i < 8)
            book_set_text(book, s, i + 1, 2, comments[i]);
    }
    if (with_jobs) {
        book_sheet *j;
        book_add_sheet(book, "worldsheet", 10, &j);
        const char *rows[][4] = {
            {"job", "options", NULL, NULL},
            {"forecast", "range=Data!B1:B41", "dates=Data!A1:A41", "horizon=4"},
            {"forcast", "range=Data!B1:B41", NULL, NULL},
            {"forecast", "horizn=4", "range=Data!B1:B41", NULL},
            {"forecast", NULL, NULL, NULL}, /* B5 gets a number below */
            {"plan", "kpi=Data!B1:B41", NULL, NULL},
            {"# a note", "anything", NULL, NULL},
            {"summarize", "range=Data!Z1:Z5", NULL, NULL},
        };
        for (uint32_t r = 0; r < 8; r++)
            for (uint32_t c = 0; c < 4; c++)
                if (rows[r][c])
                    book_set_text(book, j, r, c, rows[r][c]);
        book_set_number(book, j, 4, 1, 13, 0);
    }
    return book;
}

static void
test_rows(void)
{
    ws_book *book = data_book("Data", true);
    CHECK(book != NULL);
    if (!book)
        return;
    ws_report_stats stats;
    warnings[0] = '\0';
    CHECK_OK(ws_book_report(book, NULL, NULL, NULL, &stats));
    /* Row 2 runs; rows 3-6 are malformed; row 7 is a comment; row 8's job fails. */
    CHECK(stats.jobs_total == 6 && stats.jobs_done == 1 && stats.jobs_failed == 5);
    CHECK(strstr(warnings, "worldsheet!A3: 'forcast' is not a job") != NULL);
    CHECK(strstr(warnings, "worldsheet!B4: 'horizn' is not an option of forecast") != NULL);
    CHECK(strstr(warnings, "worldsheet!B5: 13 is not key=value") != NULL);
    CHECK(strstr(warnings, "worldsheet!A6: plan needs levers=REF") != NULL);
    CHECK(strstr(warnings, "worldsheet!A8 (summarize): ") != NULL);
    CHECK(strstr(warnings, "A7") == NULL);
    static const char *const order[] = {"Report", "Forecast", "Forecast Models", "Data",
                                        "worldsheet"};
    CHECK(ws_book_sheet_count(book) == 5);
    for (size_t i = 0; i < 5 && i < ws_book_sheet_count(book); i++)
        CHECK_STR(ws_book_sheet_name(book, i), order[i]);
    /* 40 weeks: no week a year before, so the report says so instead of comparing. */
    CHECK_STR(text_at(book, 0, 7, 0),
              "Less than a year of history: no comparison with last year.");
    long jobs = find_row(book, 0, "Jobs");
    CHECK(starts_with(text_at(book, 0, jobs + 3, 2), "failed: "));
    ws_book_close(book);
}

static void
test_lines_defaults_lang(void)
{
    /* Job lines: a quoted sheet name with a space, and a double-quoted value. */
    ws_book *book = data_book("My Data", false);
    const char *lines[] = {"forecast range='My Data'!B1:B41 horizon=4",
                           "summarize \"range='My Data'!C1:C9\" n=2"};
    ws_report_options opts = {"ja", lines, 2};
    ws_report_stats stats;
    CHECK_OK(ws_book_report(book, &opts, NULL, NULL, &stats));
    CHECK(stats.jobs_done == 2 && stats.jobs_failed == 0 && !stats.defaults);
    CHECK_STR(stats.lang, "ja");
    CHECK_STR(ws_book_sheet_name(book, 0), "レポート");
    CHECK_STR(text_at(book, 0, 4, 0), "予測：Visits");
    /* The report's language reaches the jobs' own sheets. */
    CHECK_STR(ws_book_sheet_name(book, 1), "予測");
    CHECK_STR(ws_book_sheet_name(book, 2), "予測モデル");
    CHECK_STR(ws_book_sheet_name(book, 3), "コメント分析");
    CHECK(find_row(book, 0, "お客様の声") > 0);
    ws_book_close(book);

    /* No job sheet, no lines: forecast B beside the dates in A, summarise C. */
    book = data_book("Data", false);
    warnings[0] = '\0';
    CHECK_OK(ws_book_report(book, NULL, NULL, NULL, &stats));
    CHECK(stats.defaults && stats.jobs_done == 2 && stats.jobs_failed == 0);
    CHECK(book->sheet_count >= 4);
    CHECK_STR(text_at(book, 0, 4, 0), "Forecast: Visits");
    CHECK(find_row(book, 0, "Customer comments") > 0);
    /* Weekly dates: the headline speaks of weeks. */
    CHECK(starts_with(text_at(book, 0, 5, 0), "Next week ("));
    ws_book_close(book);

    /* A malformed line is skipped like a row. */
    book = data_book("Data", false);
    const char *bad[] = {"forecast range='Data!B1:B41"};
    ws_report_options bopts = {NULL, bad, 1};
    warnings[0] = '\0';
    CHECK_OK(ws_book_report(book, &bopts, NULL, NULL, &stats));
    CHECK(stats.jobs_failed == 1 && stats.jobs_done == 0);
    CHECK(strstr(warnings, "--job 1: a ' quote is not closed") != NULL);
    ws_book_close(book);
}

/* The index of the sheet named `name`, or -1. */
static long
sheet_named(const ws_book *book, const char *name)
{
    for (size_t i = 0; i < book->sheet_count; i++)
        if (strcmp(book->sheets[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Row 0 of sheet `s` equals head[0..n-1]. */
static void
check_header(const ws_book *book, long s, const char *const *head, uint32_t n)
{
    CHECK(s >= 0);
    for (uint32_t c = 0; s >= 0 && c < n; c++)
        CHECK_STR(text_at(book, (size_t)s, 0, c), head[c]);
}

static void
test_job_sheets_lang(const char *root)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/marketing.xlsx", root);
    ws_book *book = NULL;
    CHECK_OK(ws_book_open(path, NULL, &book));
    if (!book)
        return;
    size_t sales = (size_t)sheet_named(book, "Sales");
    ws_job_option fc[] = {{"range", "B1:B157"}, {"horizon", "4"}, {"lang", "ja"}};
    CHECK_OK(ws_book_job(book, sales, "forecast", fc, 3, NULL, NULL));
    static const char *const fc_head[] = {"系列", "期間", "実績", "予測", "下限", "上限"};
    long s = sheet_named(book, "予測");
    check_header(book, s, fc_head, 6);
    /* The chart's legend is the table's header. */
    CHECK(s >= 0 && book->sheets[s].chart_count == 1);
    if (s >= 0 && book->sheets[s].chart_count == 1) {
        const book_chart *ch = &book->sheets[s].charts[0];
        CHECK(ch->series_count == 4);
        for (size_t i = 0; i < 4 && i < ch->series_count; i++)
            CHECK_STR(ch->series[i].name, fc_head[2 + i]);
    }
    static const char *const model_head[] = {"系列", "モデル", "周期"};
    check_header(book, sheet_named(book, "予測モデル"), model_head, 3);

    /* --lang en keeps English; anything else is refused before any sheet is added. */
    fc[2].value = "EN";
    CHECK_OK(ws_book_job(book, sales, "forecast", fc, 3, NULL, NULL));
    CHECK(sheet_named(book, "Forecast") >= 0 && sheet_named(book, "Forecast Models") >= 0);
    size_t before = book->sheet_count;
    fc[2].value = "fr";
    CHECK(ws_book_job(book, sales, "forecast", fc, 3, NULL, NULL) == WS_ERR_VALUE);
    CHECK(strstr(ws_last_reason(), "--lang: 'fr' is not en or ja") != NULL);
    CHECK(book->sheet_count == before);

    ws_job_option sim[] = {{"kpi", "B1:B157"},
                           {"levers", "C1:F157"},
                           {"kinds", "spend,spend,spend,price"},
                           {"lang", "ja"}};
    CHECK_OK(ws_book_job(book, sales, "simulate", sim, 4, NULL, NULL));
    static const char *const sim_sheets[] = {"モデル", "貢献度", "反応曲線", "シナリオ"};
    for (size_t i = 0; i < 4; i++)
        CHECK(sheet_named(book, sim_sheets[i]) >= 0);
    static const char *const scenario_head[] = {"期間", "実績", "当てはめ値", "期待値"};
    check_header(book, sheet_named(book, "シナリオ"), scenario_head, 4);
    long contrib = sheet_named(book, "貢献度");
    CHECK(find_row(book, (size_t)contrib, "ベースライン") == 5); /* after 4 levers */
    /* Spend levers get a 90% interval around their return per unit spent; price none. */
    for (long r = 1; contrib >= 0 && r <= 4; r++) {
        double roi = num_at(book, (size_t)contrib, r, 3), lo = num_at(book, (size_t)contrib, r, 4);
        double hi = num_at(book, (size_t)contrib, r, 5);
        if (r < 4)
            CHECK(lo < hi && lo <= roi && roi <= hi);
        else
            CHECK(isnan(roi) && isnan(lo) && isnan(hi));
    }
    long model = sheet_named(book, "モデル");
    CHECK_STR(text_at(book, (size_t)model, 4, 1), "価格");      /* Price's kind */

    ws_job_option plan[] = {{"kpi", "B1:B157"},
                            {"levers", "C1:F157"},
                            {"kinds", "spend,spend,spend,price"},
                            {"budget", "20000"},
                            {"lang", "ja"}};
    CHECK_OK(ws_book_job(book, sales, "plan", plan, 5, NULL, NULL));
    long p = sheet_named(book, "予算配分");
    static const char *const plan_head[] = {"施策", "直近の支出", "計画の支出", "増減"};
    check_header(book, p, plan_head, 4);
    CHECK(find_row(book, (size_t)p, "合計") == 4); /* after the 3 spend levers */
    ws_book_close(book);

    /* No --lang: a Japanese series name makes the sheets Japanese, an English one not. */
    book = data_book("Data", false);
    ws_job_option auto_lang[] = {{"range", "B1:B41"}, {"horizon", "4"}};
    CHECK_OK(ws_book_job(book, 0, "forecast", auto_lang, 2, NULL, NULL));
    CHECK(sheet_named(book, "Forecast") >= 0 && sheet_named(book, "予測") < 0);
    CHECK_OK(book_set_text(book, &book->sheets[0], 0, 1, "来店数"));
    CHECK_OK(ws_book_job(book, 0, "forecast", auto_lang, 2, NULL, NULL));
    CHECK(sheet_named(book, "予測") >= 0);
    ws_book_close(book);
}

static void
test_failures(void)
{
    ws_book *book = NULL;
    CHECK_OK(ws_book_new(&book));
    CHECK_OK(ws_book_add_sheet(book, "Empty", NULL, NULL));
    ws_report_stats stats = {0};
    CHECK(ws_book_report(book, NULL, NULL, NULL, &stats) == WS_ERR_NA);
    CHECK(strstr(ws_last_reason(), "nothing to run") != NULL);
    CHECK(ws_book_sheet_count(book) == 1);
    ws_report_options fr = {"fr", NULL, 0};
    CHECK(ws_book_report(book, &fr, NULL, NULL, &stats) == WS_ERR_VALUE);
    CHECK(ws_book_report(NULL, NULL, NULL, NULL, &stats) == WS_ERR_ARGS);
    ws_book_close(book);

    /* Running out of memory anywhere leaves the book as it was: a sweep over the
     * allocations of a small report (every 7th, to keep the test quick). */
    book = data_book("Data", false);
    size_t before = book->sheet_count;
    long total = mem_alloc_count();
    CHECK_OK(ws_book_report(book, NULL, NULL, NULL, &stats));
    total = mem_alloc_count() - total;
    ws_book_close(book);
    int failures = 0, kept = 0;
    for (long k = 0; k < total; k += 7) {
        book = data_book("Data", false);
        mem_fail_after(k, 1);
        ws_status st = ws_book_report(book, NULL, NULL, NULL, &stats);
        mem_fail_after(-1, 0);
        if (st != WS_OK) {
            failures++;
            kept += book->sheet_count == before;
        }
        ws_book_close(book);
    }
    CHECK(failures > 0);
    CHECK(kept == failures);
}

int
main(void)
{
    const char *root = getenv("WS_SOURCE_ROOT");
    golden_dir = getenv("WS_REPORT_GOLDEN");
    update = getenv("WS_UPDATE_GOLDEN") != NULL;
    if (!root || !golden_dir || !mkdtemp(tmpdir)) {
        fprintf(stderr, "report: WS_SOURCE_ROOT and WS_REPORT_GOLDEN must be set\n");
        return 1;
    }
    ws_set_log(capture, NULL);
    test_example(root);
    test_rows();
    test_lines_defaults_lang();
    test_job_sheets_lang(root);
    test_failures();
    char path[1100];
    snprintf(path, sizeof path, "%s/report.xlsx", tmpdir);
    unlink(path);
    rmdir(tmpdir);
    return check_summary("report");
}
