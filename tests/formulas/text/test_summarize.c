/* Golden test of the summarize job: a small book built here, the job run through the public
 * API, and the Summary sheet checked cell by cell where the expected value follows by hand:
 *
 * Column A of "Reviews" holds a header ("Customer comments"), nine comments and a blank:
 *   positive (clear opinion words): 1 "I love it, excellent quality and great value."
 *                                   2 "Delivery was fast and the staff were friendly."
 *                                   3 "Beautiful design, easy to use."
 *                                   4 "Great price, I am happy with it."
 *   negative:                       5 "Terrible support, the staff were rude."
 *                                   6 "The package arrived broken and late. Awful."
 *   unknown (no opinion word):      7 "I bought it on Tuesday."
 *                                   8 "The box is blue."
 *   mixed:                          9 "Great screen, but the battery is terrible."
 *       (VADER valences great 3.1, terrible -2.1: both sides >= 1.5 and the smaller at
 *        least half the larger, txt_sentiment's rule for "mixed")
 * So: 9 comments; positive 4/9, negative 2/9, unknown 2/9, neutral+mixed 1/9. */
#include <string.h>

#include "check.h"
#include "core/value.h"
#include "io/book.h"
#include "text/text.h"
#include "worldsheet.h"

static const char *const comments[] = {
    "I love it, excellent quality and great value.",
    "Delivery was fast and the staff were friendly.",
    "Beautiful design, easy to use.",
    "Great price, I am happy with it.",
    "Terrible support, the staff were rude.",
    "The package arrived broken and late. Awful.",
    "I bought it on Tuesday.",
    "The box is blue.",
    "Great screen, but the battery is terrible.",
};
#define NCOMMENTS (sizeof comments / sizeof comments[0])

static const book_cell *
cell(const book_sheet *s, uint32_t row, uint32_t col)
{
    return book_cell_at(s, row, col);
}

static const char *
text_at(const book_sheet *s, uint32_t row, uint32_t col)
{
    const book_cell *c = cell(s, row, col);
    return c && c->value.type == WS_TYPE_TEXT ? c->value.as.text : NULL;
}

static double
number_at(const book_sheet *s, uint32_t row, uint32_t col)
{
    const book_cell *c = cell(s, row, col);
    return c && c->value.type == WS_TYPE_NUMBER ? c->value.as.number : NAN;
}

static const char *
format_at(const ws_book *b, const book_sheet *s, uint32_t row, uint32_t col)
{
    const book_cell *c = cell(s, row, col);
    return c ? b->formats[c->fmt] : NULL;
}

/* The row whose column A reads `label`, from `from` on; UINT32_MAX when none. */
static uint32_t
find_row(const book_sheet *s, const char *label, uint32_t from)
{
    for (uint32_t r = from; r <= s->max_row; r++) {
        const char *t = text_at(s, r, 0);
        if (t && strcmp(t, label) == 0)
            return r;
    }
    return UINT32_MAX;
}

static ws_book *
make_book(const char *const *texts, size_t n, const char *header)
{
    ws_book *b = NULL;
    book_sheet *s = NULL;
    if (ws_book_new(&b) || book_add_sheet(b, "Reviews", 7, &s))
        return b;
    uint32_t r = 0;
    if (header)
        book_set_text(b, s, r++, 0, header);
    for (size_t i = 0; i < n; i++)
        book_set_text(b, s, r++, 0, texts[i]);
    /* a blank row, then a trailing cell in another column so A:A has a blank to skip */
    book_set_number(b, s, r + 1, 1, 42, 0);
    return b;
}

static size_t progress_calls, progress_last, progress_total;

static bool
on_progress(void *user, size_t done, size_t total)
{
    (void)user;
    progress_calls++;
    progress_last = done;
    progress_total = total;
    return true;
}

static bool
cancel_at_two(void *user, size_t done, size_t total)
{
    (void)user;
    (void)total;
    return done < 2;
}

static void
test_english_sheet(void)
{
    ws_book *b = make_book(comments, NCOMMENTS, "Customer comments");
    ws_job_option opts[] = {{"range", "A:A"}, {"n", "3"}};
    CHECK_OK(ws_book_job(b, 0, "summarize", opts, 2, on_progress, NULL));
    CHECK(progress_calls >= 2 && progress_last == progress_total);
    CHECK(ws_book_sheet_count(b) == 2);
    const book_sheet *s = book_find_sheet(b, "Summary", 7);
    CHECK(s != NULL);
    if (!s) {
        ws_book_close(b);
        return;
    }
    CHECK(s->added);
    CHECK(s->freeze_rows == 1);
    CHECK(s->landscape && s->fit_width);
    CHECK(s->width_count >= 3);

    /* headline: labels in A, values in B, from row 3 (A3) */
    uint32_t h = find_row(s, "At a glance", 0);
    CHECK(h == 2);
    CHECK_STR(text_at(s, h + 1, 0), "Comments");
    CHECK_NEAR(number_at(s, h + 1, 1), 9, 0); /* the header and the blank are not comments */
    CHECK_STR(text_at(s, h + 2, 0), "Positive");
    CHECK_NEAR(number_at(s, h + 2, 1), 4.0 / 9.0, 1e-12);
    CHECK_STR(format_at(b, s, h + 2, 1), "0%");
    CHECK_STR(text_at(s, h + 3, 0), "Negative");
    CHECK_NEAR(number_at(s, h + 3, 1), 2.0 / 9.0, 1e-12);
    CHECK_STR(text_at(s, h + 4, 0), "Neutral or mixed");
    CHECK_NEAR(number_at(s, h + 4, 1), 1.0 / 9.0, 1e-12);
    CHECK_STR(text_at(s, h + 5, 0), "Unknown");
    CHECK_NEAR(number_at(s, h + 5, 1), 2.0 / 9.0, 1e-12);
    CHECK_STR(text_at(s, h + 6, 0), "Mean sentiment");
    CHECK(number_at(s, h + 6, 1) > -1 && number_at(s, h + 6, 1) < 1);
    CHECK_STR(format_at(b, s, h + 6, 1), "0.00");

    /* three summary sentences, each one of the comments' sentences */
    uint32_t t = find_row(s, "Typical sentences", h);
    CHECK(t != UINT32_MAX);
    for (uint32_t k = 1; t != UINT32_MAX && k <= 3; k++) {
        const char *sent = text_at(s, t + k, 0);
        bool found = false;
        for (size_t i = 0; sent && i < NCOMMENTS; i++)
            found |= strstr(comments[i], sent) != NULL;
        CHECK(found);
    }
    CHECK(t != UINT32_MAX && text_at(s, t + 4, 0) == NULL);

    /* topic table and its two bar charts over it */
    uint32_t tp = find_row(s, "Topics", 0);
    CHECK(tp != UINT32_MAX);
    if (tp == UINT32_MAX) {
        ws_book_close(b);
        return;
    }
    CHECK_STR(text_at(s, tp + 1, 0), "Topic");
    CHECK_STR(text_at(s, tp + 1, 1), "Share of comments");
    CHECK_STR(text_at(s, tp + 1, 2), "Mean sentiment");
    CHECK_STR(text_at(s, tp + 1, 3), "Keywords");
    CHECK_STR(text_at(s, tp + 1, 4), "Typical comment");
    uint32_t r = tp + 2;
    double share = 0;
    while (text_at(s, r, 0)) {
        CHECK_STR(format_at(b, s, r, 1), "0%");
        share += number_at(s, r, 1);
        r++;
    }
    CHECK(r > tp + 2);
    CHECK_NEAR(share, 1.0, 1e-12); /* every comment is in one topic or "other" */
    CHECK(s->chart_count == 2);
    for (size_t c = 0; c < s->chart_count && c < 2; c++) {
        const book_chart *ch = &s->charts[c];
        CHECK(ch->kind == BOOK_CHART_BAR);
        CHECK(ch->series_count == 1);
        CHECK(ch->series[0].categories.row0 == tp + 2 && ch->series[0].categories.row1 == r - 1);
        CHECK(ch->series[0].categories.col0 == 0);
        CHECK(ch->series[0].values.col0 == 1 + c); /* share, then sentiment */
    }
    CHECK_STR(s->charts[0].title, "Share of comments by topic");

    /* keywords */
    uint32_t kw = find_row(s, "Keywords", r);
    CHECK(kw != UINT32_MAX);
    CHECK_STR(text_at(s, kw + 1, 0), "Keyword");
    CHECK_STR(text_at(s, kw + 1, 1), "Comments");
    CHECK(number_at(s, kw + 2, 1) >= 1);

    /* one row per comment, in sheet order, with its cell */
    uint32_t pc = find_row(s, "Every comment", kw);
    CHECK(pc != UINT32_MAX);
    if (pc != UINT32_MAX) {
        CHECK_STR(text_at(s, pc + 1, 0), "Cell");
        CHECK_STR(text_at(s, pc + 1, 1), "Sentiment");
        CHECK_STR(text_at(s, pc + 1, 2), "Label");
        CHECK_STR(text_at(s, pc + 1, 3), "Topic");
        CHECK_STR(text_at(s, pc + 1, 4), "Comment");
        CHECK_STR(text_at(s, pc + 2, 0), "A2");
        CHECK_STR(text_at(s, pc + 2, 4), comments[0]);
        CHECK_STR(text_at(s, pc + 2, 2), "positive");
        CHECK_STR(format_at(b, s, pc + 2, 1), "0.00");
        CHECK_STR(text_at(s, pc + 6, 2), "negative");
        CHECK_STR(text_at(s, pc + 8, 2), "unknown");
        CHECK(cell(s, pc + 8, 1) == NULL); /* no score for an unknown comment */
        CHECK_STR(text_at(s, pc + 10, 0), "A10");
        CHECK(text_at(s, pc + 11, 0) == NULL);
        CHECK_STR(text_at(s, pc + 2 + 4, 3), "support"); /* "Terrible support ..." */
    }

    /* a second run gets its own sheet */
    CHECK_OK(ws_book_job(b, 0, "summarize", opts, 2, NULL, NULL));
    CHECK(book_find_sheet(b, "Summary 2", 9) != NULL);
    ws_book_close(b);
}

static void
test_header_rule(void)
{
    /* "Great!" is a comment: it has an opinion word and sentence punctuation. */
    const char *short_ones[] = {"Great!", "Awful product."};
    ws_book *b = make_book(short_ones, 2, NULL);
    ws_job_option opts[] = {{"range", "Reviews!A1:A2"}};
    CHECK_OK(ws_book_job(b, 0, "summarize", opts, 1, NULL, NULL));
    const book_sheet *s = book_find_sheet(b, "Summary", 7);
    CHECK(s && number_at(s, 3, 1) == 2);
    ws_book_close(b);
}

static void
test_japanese_and_topics(void)
{
    static const char *const ja[] = {
        "配送がとても早くて満足です。", "値段が高すぎると思います。", "デザインがかわいい。",
        "スタッフの対応が悪かった。", "使いやすくて便利です。",
    };
    ws_book *b = make_book(ja, 5, "お客様の声");
    book_sheet *rv = book_find_sheet(b, "Reviews", 7);
    book_set_text(b, rv, 0, 3, "Topic");
    book_set_text(b, rv, 0, 4, "Seeds");
    book_set_text(b, rv, 1, 3, "送料と配送");
    book_set_text(b, rv, 1, 4, "配送,送料,届く");
    ws_job_option opts[] = {{"range", "A1:A6"}, {"topics", "D1:E2"}};
    CHECK_OK(ws_book_job(b, 0, "summarize", opts, 2, NULL, NULL));
    const book_sheet *s = book_find_sheet(b, "コメント分析", strlen("コメント分析"));
    CHECK(s != NULL && !book_find_sheet(b, "Summary", 7));
    if (s) {
        CHECK_STR(text_at(s, 2, 0), "概要");
        CHECK_STR(text_at(s, 3, 0), "コメント数");
        CHECK_NEAR(number_at(s, 3, 1), 5, 0);
        uint32_t tp = find_row(s, "トピック", 0);
        CHECK(tp != UINT32_MAX && tp + 2 <= s->max_row);
        if (tp != UINT32_MAX) {
            CHECK_STR(text_at(s, tp + 1, 1), "コメントの割合");
            CHECK_STR(text_at(s, tp + 2, 0), "送料と配送"); /* the user's topic, 1 comment */
            CHECK_NEAR(number_at(s, tp + 2, 1), 0.2, 1e-12);
        }
    }
    /* lang=en overrides the detected language */
    ws_job_option en[] = {{"range", "A1:A6"}, {"lang", "en"}};
    CHECK_OK(ws_book_job(b, 0, "summarize", en, 2, NULL, NULL));
    s = book_find_sheet(b, "Summary", 7);
    CHECK(s && text_at(s, 2, 0) && strcmp(text_at(s, 2, 0), "At a glance") == 0);
    ws_book_close(b);
}

static void
test_errors(void)
{
    ws_book *b = make_book(comments, 3, NULL);
    ws_job_option none[] = {{"n", "3"}};
    CHECK(ws_book_job(b, 0, "summarize", none, 1, NULL, NULL) == WS_ERR_ARGS);
    ws_job_option blank[] = {{"range", "C1:C9"}};
    CHECK(ws_book_job(b, 0, "summarize", blank, 1, NULL, NULL) == WS_ERR_NA);
    ws_job_option badn[] = {{"range", "A:A"}, {"n", "0"}};
    CHECK(ws_book_job(b, 0, "summarize", badn, 2, NULL, NULL) == WS_ERR_NUM);
    ws_job_option badlang[] = {{"range", "A:A"}, {"lang", "fr"}};
    CHECK(ws_book_job(b, 0, "summarize", badlang, 2, NULL, NULL) == WS_ERR_VALUE);
    ws_job_option badtopics[] = {{"range", "A:A"}, {"topics", "A1:C2"}};
    CHECK(ws_book_job(b, 0, "summarize", badtopics, 2, NULL, NULL) == WS_ERR_VALUE);
    ws_job_option badsheet[] = {{"range", "Nope!A:A"}};
    CHECK(ws_book_job(b, 0, "summarize", badsheet, 1, NULL, NULL) == WS_ERR_REF);
    ws_job_option badref[] = {{"range", "A1:"}};
    CHECK(ws_book_job(b, 0, "summarize", badref, 1, NULL, NULL) != WS_OK);
    ws_job_option ok[] = {{"range", "A:A"}};
    CHECK(ws_book_job(b, 0, "summarize", ok, 1, cancel_at_two, NULL) == WS_ERR_ARGS);
    CHECK(ws_book_sheet_count(b) == 1); /* nothing added by failures or a cancel */
    ws_book_close(b);
}

int
main(void)
{
    if (txt_mecab_available() != WS_OK) {
        printf("summarize: MeCab with the IPA dictionary is not installed: skipped\n");
        return 77;
    }
    test_english_sheet();
    test_header_rule();
    test_japanese_and_topics();
    test_errors();
    return check_summary("summarize");
}
