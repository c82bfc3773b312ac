/* The summarize job: read a column (or several) of comments and add a "Summary" sheet that
 * someone who never wrote a formula can read: headline figures, the summary sentences, the
 * topic table with bar charts of share and sentiment, the keyword table, and one row per
 * comment with its score, label and topic.
 *
 * Header rule: in each column of --range, the first cell is a header (skipped) when the
 * range has at least two rows and that cell is text of at most 60 bytes and 6 words, ends
 * no sentence (no . ! ? 。 ！ ？) and carries no sentiment evidence ("Comments", "Q3: what
 * could we improve", "お客様の声").  A short verdict such as "Great!" or "Love it" is a
 * comment.  In --topics, a first row whose name cell reads topic, topics, name, トピック
 * or テーマ is a header.
 *
 * Labels are English or Japanese (--lang; by default Japanese when most comments are). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"
#include "core/value.h"
#include "io/book.h"
#include "io/chart.h"
#include "registry.h"
#include "text/text.h"

#define SJ_KEYWORDS 15
#define SJ_MAX_SUMMARY 50
#define SJ_CHART_COL 6u

typedef struct sj_words {
    const char *title, *intro;
    const char *headline, *comments, *positive, *negative, *neutral, *unknown, *mean;
    const char *note_unknown, *note_mean;
    const char *summary;
    const char *topics, *topic, *share, *sentiment, *keywords, *example, *other;
    const char *kw_title, *keyword, *kw_comments;
    const char *per_comment, *cell, *comment, *score, *label;
    const char *sheet;
    const char *chart_share, *chart_sentiment;
    const char *labels[5];  /* by txt_label */
    const char *builtin[6]; /* the built-in topics, in txt_builtin_topics order */
} sj_words;

static const sj_words sj_en = {
    .title = "What the comments say",
    .intro = "Sentiment runs from -1 (very negative) to +1 (very positive).",
    .headline = "At a glance",
    .comments = "Comments",
    .positive = "Positive",
    .negative = "Negative",
    .neutral = "Neutral or mixed",
    .unknown = "Unknown",
    .mean = "Mean sentiment",
    .note_unknown = "no opinion words found",
    .note_mean = "of the comments that are not unknown",
    .summary = "Typical sentences",
    .topics = "Topics",
    .topic = "Topic",
    .share = "Share of comments",
    .sentiment = "Mean sentiment",
    .keywords = "Keywords",
    .example = "Typical comment",
    .other = "other",
    .kw_title = "Keywords",
    .keyword = "Keyword",
    .kw_comments = "Comments",
    .per_comment = "Every comment",
    .cell = "Cell",
    .comment = "Comment",
    .score = "Sentiment",
    .label = "Label",
    .sheet = "Summary",
    .chart_share = "Share of comments by topic",
    .chart_sentiment = "Mean sentiment by topic",
    .labels = {"unknown", "positive", "negative", "neutral", "mixed"},
    .builtin = {"price", "quality", "design", "delivery", "support", "usability"},
};

static const sj_words sj_ja = {
    .title = "コメントの要約",
    .intro = "感情スコアは -1（とても否定的）から +1（とても肯定的）まで。",
    .headline = "概要",
    .comments = "コメント数",
    .positive = "肯定的",
    .negative = "否定的",
    .neutral = "中立・賛否混在",
    .unknown = "判定不能",
    .mean = "平均スコア",
    .note_unknown = "評価を表す語が見つからない",
    .note_mean = "判定不能を除くコメントの平均",
    .summary = "代表的な文",
    .topics = "トピック",
    .topic = "トピック",
    .share = "コメントの割合",
    .sentiment = "平均スコア",
    .keywords = "キーワード",
    .example = "代表的なコメント",
    .other = "その他",
    .kw_title = "キーワード",
    .keyword = "キーワード",
    .kw_comments = "コメント数",
    .per_comment = "コメント一覧",
    .cell = "セル",
    .comment = "コメント",
    .score = "スコア",
    .label = "判定",
    .sheet = "コメント分析",
    .chart_share = "トピック別のコメントの割合",
    .chart_sentiment = "トピック別の平均スコア",
    .labels = {"判定不能", "肯定的", "否定的", "中立", "賛否混在"},
    .builtin = {"価格", "品質", "デザイン", "配送", "サポート", "使いやすさ"},
};

typedef struct sj_input {
    char **texts;    /* one per comment, in column-major order of the range */
    uint32_t *row;   /* its sheet cell */
    uint32_t *col;
    size_t n;
} sj_input;

static void
sj_input_clear(sj_input *in)
{
    for (size_t i = 0; in->texts && i < in->n; i++)
        mem_free(in->texts[i]);
    mem_free(in->texts);
    mem_free(in->row);
    mem_free(in->col);
    memset(in, 0, sizeof *in);
}

static bool
sj_report(ws_progress_fn progress, void *user, size_t done, size_t total)
{
    return !progress || progress(user, done, total);
}

static bool
sj_looks_like_header(const char *s, txt_doc *doc)
{
    size_t len = strlen(s), words = 1;
    if (len == 0 || len > 60)
        return false;
    for (const char *p = s; *p; p++)
        words += *p == ' ' && p[1] && p[1] != ' ';
    if (words > 6 || strpbrk(s, ".!?") || strstr(s, "。") || strstr(s, "！") ||
        strstr(s, "？"))
        return false;
    txt_sentiment_result r;
    if (txt_sentiment_text(doc, s, len, NULL, &r))
        return false; /* cannot tell (no MeCab): treat it as a comment */
    return r.hits == 0;
}

/* Comments of the range, column by column, blanks skipped; numbers become their text. */
static ws_status
sj_collect(const ws_range *r, book_area area, sj_input *in)
{
    size_t cap = range_size(r) ? range_size(r) : 1;
    txt_doc doc;
    txt_doc_init(&doc);
    ws_status st = WS_OK;
    in->texts = mem_calloc(cap, sizeof *in->texts);
    in->row = mem_alloc(cap * sizeof *in->row);
    in->col = mem_alloc(cap * sizeof *in->col);
    if (!in->texts || !in->row || !in->col) {
        st = diag_nomem();
        goto done;
    }
    for (size_t c = 0; c < r->cols && !st; c++) {
        for (size_t i = 0; i < r->rows && !st; i++) {
            const ws_value *v = range_get(r, i, c);
            char buf[VALUE_TEXT_BUF];
            const char *s = value_as_text(v, buf);
            if (v->type == WS_TYPE_ERROR) {
                char name[16];
                book_cell_name(area.row0 + (uint32_t)i, area.col0 + (uint32_t)c, name);
                st = diag_fail(WS_ERR_VALUE, "summarize: --range: cell %s holds an error",
                               name);
            }
            if (st || !s || !s[strspn(s, " \t\r\n")])
                continue;
            if (i == 0 && r->rows > 1 && v->type == WS_TYPE_TEXT &&
                sj_looks_like_header(s, &doc))
                continue;
            if (!(in->texts[in->n] = mem_strdup(s))) {
                st = diag_nomem();
                break;
            }
            in->row[in->n] = area.row0 + (uint32_t)i;
            in->col[in->n] = area.col0 + (uint32_t)c;
            in->n++;
        }
    }
done:
    txt_doc_clear(&doc);
    return st;
}

static ws_status
sj_parse_options(const job_options *options, size_t *n_sentences, int *lang)
{
    const char *n = job_option(options, "n");
    char *end = NULL;
    double v = n && *n ? strtod(n, &end) : 5;
    if (n && *n && (!end || *end || v != floor(v) || v < 1 || v > SJ_MAX_SUMMARY))
        return diag_fail(WS_ERR_NUM, "summarize: --n: '%s' is not a whole number in 1..%d", n,
                         SJ_MAX_SUMMARY);
    *n_sentences = (size_t)v;
    const char *l = job_option(options, "lang");
    if (!l || !*l)
        *lang = 0;
    else if (strcasecmp(l, "en") == 0)
        *lang = TXT_LANG_EN;
    else if (strcasecmp(l, "ja") == 0)
        *lang = TXT_LANG_JA;
    else
        return diag_fail(WS_ERR_VALUE, "summarize: --lang: '%s' is not en or ja", l);
    return WS_OK;
}

/* ----- writing ----------------------------------------------------------------------- */

typedef struct sj_writer {
    ws_book *book;
    book_sheet *sheet;
    const sj_words *w;
    uint16_t pct, score, whole;
} sj_writer;

static ws_status
sj_text(sj_writer *wr, uint32_t row, uint32_t col, const char *text)
{
    return book_set_text(wr->book, wr->sheet, row, col, text);
}

/* NaN (no scored comment) stays blank. */
static ws_status
sj_num(sj_writer *wr, uint32_t row, uint32_t col, double v, uint16_t fmt)
{
    return isfinite(v) ? book_set_number(wr->book, wr->sheet, row, col, v, fmt) : WS_OK;
}

static ws_status
sj_header(sj_writer *wr, uint32_t row, const char *const *names, size_t count)
{
    ws_status st = WS_OK;
    for (size_t c = 0; c < count && !st; c++)
        st = sj_text(wr, row, (uint32_t)c, names[c]);
    return st;
}

typedef struct sj_result {
    const sj_input *in;
    const txt_corpus *cp;
    const txt_sentiment_result **sent; /* per comment of `in`, NULL when not analysed */
    char **sentences;
    size_t nsent;
    txt_keyword *kw;
    size_t nkw;
    txt_topic *tp;
    size_t ntp;
    size_t *assign; /* per comment of `in` */
    bool builtin;   /* tp's first topics are the built-in ones */
} sj_result;

static const char *
sj_topic_name(const sj_writer *wr, const sj_result *res, size_t t)
{
    size_t nb = 0;
    txt_builtin_topics(&nb);
    if (t == SIZE_MAX)
        return wr->w->other;
    if (res->builtin && t < nb && !res->tp[t].discovered && nb <= 6)
        return wr->w->builtin[t];
    return res->tp[t].name;
}

static ws_status
sj_write_headline(sj_writer *wr, const sj_result *res, uint32_t *row)
{
    const sj_words *w = wr->w;
    size_t counts[5] = {0};
    double sum = 0;
    size_t scored = 0, n = res->in->n;
    for (size_t i = 0; i < n; i++) {
        const txt_sentiment_result *s = res->sent[i];
        txt_label l = s ? s->label : TXT_UNKNOWN;
        counts[l]++;
        if (l != TXT_UNKNOWN) {
            sum += s->score;
            scored++;
        }
    }
    double dn = n ? (double)n : 1.0;
    uint32_t r = *row;
    ws_status st;
    if ((st = sj_text(wr, r, 0, w->headline)))
        return st;
    r++;
    const char *names[] = {w->comments, w->positive, w->negative, w->neutral, w->unknown,
                           w->mean};
    double vals[] = {(double)n,
                     (double)counts[TXT_POSITIVE] / dn,
                     (double)counts[TXT_NEGATIVE] / dn,
                     (double)(counts[TXT_NEUTRAL] + counts[TXT_MIXED]) / dn,
                     (double)counts[TXT_UNKNOWN] / dn,
                     scored ? sum / (double)scored : NAN};
    uint16_t fmts[] = {wr->whole, wr->pct, wr->pct, wr->pct, wr->pct, wr->score};
    for (size_t k = 0; k < 6; k++, r++) {
        if ((st = sj_text(wr, r, 0, names[k])) || (st = sj_num(wr, r, 1, vals[k], fmts[k])))
            return st;
    }
    if ((st = sj_text(wr, r - 2, 2, w->note_unknown)) ||
        (st = sj_text(wr, r - 1, 2, w->note_mean)))
        return st;
    *row = r + 1;
    return WS_OK;
}

static ws_status
sj_write_topics(sj_writer *wr, const sj_result *res, uint32_t *row, size_t *charts)
{
    const sj_words *w = wr->w;
    size_t n = res->in->n, other = 0, other_scored = 0;
    double other_sum = 0;
    for (size_t i = 0; i < n; i++)
        if (res->assign[i] == SIZE_MAX) {
            other++;
            const txt_sentiment_result *s = res->sent[i];
            if (s && s->label != TXT_UNKNOWN) {
                other_sum += s->score;
                other_scored++;
            }
        }
    /* Topics with comments, the largest first (stable), then "other". */
    size_t *order = mem_alloc((res->ntp + 1) * sizeof *order), m = 0;
    if (!order)
        return diag_nomem();
    for (size_t t = 0; t < res->ntp; t++)
        if (res->tp[t].comments) {
            size_t j = m++;
            while (j > 0 && res->tp[order[j - 1]].comments < res->tp[t].comments) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = t;
        }
    if (other)
        order[m++] = SIZE_MAX;
    uint32_t r = *row;
    const char *head[] = {w->topic, w->share, w->sentiment, w->keywords, w->example};
    ws_status st = sj_text(wr, r++, 0, w->topics);
    if (!st)
        st = sj_header(wr, r++, head, 5);
    uint32_t first = r;
    for (size_t q = 0; q < m && !st; q++, r++) {
        size_t t = order[q];
        st = sj_text(wr, r, 0, sj_topic_name(wr, res, t));
        if (t == SIZE_MAX) {
            if (!st)
                st = sj_num(wr, r, 1, n ? (double)other / (double)n : 0, wr->pct);
            if (!st)
                st = sj_num(wr, r, 2, other_scored ? other_sum / (double)other_scored : NAN,
                            wr->score);
            continue;
        }
        const txt_topic *x = &res->tp[t];
        /* The share is of all comments in the range, so the rows add up to 100%. */
        if (!st)
            st = sj_num(wr, r, 1, n ? (double)x->comments / (double)n : 0, wr->pct);
        if (!st)
            st = sj_num(wr, r, 2, x->sentiment, wr->score);
        if (!st)
            st = sj_text(wr, r, 3, x->keywords);
        if (!st && x->example != SIZE_MAX && x->example < n)
            st = sj_text(wr, r, 4, res->in->texts[x->example]);
    }
    mem_free(order);
    if (st)
        return st;
    if (m > 0) {
        book_area cat = {first, 0, r - 1, 0};
        book_area share = {first, 1, r - 1, 1}, sent = {first, 2, r - 1, 2};
        const char *sn[] = {w->share}, *tn[] = {w->sentiment};
        if ((st = chart_bars(wr->book, wr->sheet, w->chart_share, cat, &share, sn, 1,
                             BOOK_CHART_BAR, *row, SJ_CHART_COL)) ||
            (st = chart_bars(wr->book, wr->sheet, w->chart_sentiment, cat, &sent, tn, 1,
                             BOOK_CHART_BAR, *row + 19, SJ_CHART_COL)))
            return st;
        *charts = 2;
    }
    *row = r + 1;
    return WS_OK;
}

static ws_status
sj_write(ws_book *book, const sj_words *w, const sj_result *res)
{
    sj_writer wr = {book, NULL, w, 0, 0, 0};
    ws_status st;
    if ((st = book_format_intern(book, "0%", 2, &wr.pct)) ||
        (st = book_format_intern(book, "0.00", 4, &wr.score)) ||
        (st = book_format_intern(book, "0", 1, &wr.whole)) ||
        (st = book_add_unique_sheet(book, w->sheet, &wr.sheet)))
        return st;
    uint32_t row = 0;
    size_t charts = 0;
    if ((st = sj_text(&wr, row, 0, w->title)) || (st = sj_text(&wr, row, 3, w->intro)))
        return st;
    row = 2;
    if ((st = sj_write_headline(&wr, res, &row)))
        return st;
    if ((st = sj_text(&wr, row++, 0, w->summary)))
        return st;
    for (size_t i = 0; i < res->nsent; i++)
        if ((st = sj_text(&wr, row++, 0, res->sentences[i])))
            return st;
    row++;
    uint32_t topics_row = row;
    if ((st = sj_write_topics(&wr, res, &row, &charts)))
        return st;
    /* Leave room for the two charts beside the topic table before the long tables. */
    if (charts && row < topics_row + 39)
        row = topics_row + 39;
    const char *khead[] = {w->keyword, w->kw_comments, w->sentiment};
    if ((st = sj_text(&wr, row++, 0, w->kw_title)) || (st = sj_header(&wr, row++, khead, 3)))
        return st;
    for (size_t k = 0; k < res->nkw; k++, row++) {
        if ((st = sj_text(&wr, row, 0, res->kw[k].text)) ||
            (st = sj_num(&wr, row, 1, (double)res->kw[k].comments, wr.whole)) ||
            (st = sj_num(&wr, row, 2, res->kw[k].sentiment, wr.score)))
            return st;
    }
    row++;
    const char *chead[] = {w->cell, w->score, w->label, w->topic, w->comment};
    if ((st = sj_text(&wr, row++, 0, w->per_comment)) || (st = sj_header(&wr, row++, chead, 5)))
        return st;
    for (size_t i = 0; i < res->in->n; i++, row++) {
        char cell[16];
        book_cell_name(res->in->row[i], res->in->col[i], cell);
        const txt_sentiment_result *s = res->sent[i];
        txt_label l = s ? s->label : TXT_UNKNOWN;
        if ((st = sj_text(&wr, row, 0, cell)) ||
            (l != TXT_UNKNOWN && (st = sj_num(&wr, row, 1, s->score, wr.score))) ||
            (st = sj_text(&wr, row, 2, w->labels[l])) ||
            (st = sj_text(&wr, row, 3, sj_topic_name(&wr, res, res->assign[i]))) ||
            (st = sj_text(&wr, row, 4, res->in->texts[i])))
            return st;
    }
    wr.sheet->freeze_rows = 1;
    wr.sheet->landscape = true;
    wr.sheet->fit_width = true;
    if ((st = book_set_width(book, wr.sheet, 0, 0, 24)) ||
        (st = book_set_width(book, wr.sheet, 1, 2, 14)) ||
        (st = book_set_width(book, wr.sheet, 3, 3, 36)) ||
        (st = book_set_width(book, wr.sheet, 4, 4, 80)))
        return st;
    return WS_OK;
}

/* ----- the job ----------------------------------------------------------------------- */

static ws_status
summarize_job_impl(ws_book *book, size_t sheet_index, const job_options *options,
                   ws_progress_fn progress, void *user)
{
    enum { STEPS = 5 };
    sj_input in;
    memset(&in, 0, sizeof in);
    ws_range *range = NULL, *trange = NULL;
    txt_topic_def *defs = NULL;
    size_t ndefs = 0, nsum = 5;
    int lang = 0;
    txt_corpus *cp = NULL;
    sj_result res;
    memset(&res, 0, sizeof res);
    book_area area;
    book_sheet *sheet = &book->sheets[sheet_index];
    ws_status st = sj_parse_options(options, &nsum, &lang);
    if (st)
        return st;
    const char *sname = job_option(options, "sheet");
    if (sname && *sname && !(sheet = book_find_sheet(book, sname, strlen(sname))))
        return diag_fail(WS_ERR_REF, "summarize: --sheet: no sheet named '%s'", sname);
    if ((st = job_read_ref(book, sheet, "summarize", "range", job_option(options, "range"),
                           &area, &range)))
        goto done;
    const char *tref = job_option(options, "topics");
    if (tref && *tref) {
        if ((st = job_read_ref(book, sheet, "summarize", "topics", tref, NULL, &trange)))
            goto done;
        if ((st = txt_topics_from_range(trange, &defs, &ndefs))) {
            if (st != WS_ERR_NOMEM)
                diag_prefix(st, "summarize");
            goto done;
        }
    }
    if ((st = sj_collect(range, area, &in)))
        goto done;
    if (in.n == 0) {
        st = diag_fail(WS_ERR_NA, "summarize: --range holds no comments (all blank)");
        goto done;
    }
    if (!sj_report(progress, user, 1, STEPS))
        goto cancelled;
    if (!lang) {
        size_t ja = 0, en = 0;
        for (size_t i = 0; i < in.n; i++) {
            txt_lang l = txt_detect(in.texts[i], strlen(in.texts[i]));
            ja += l == TXT_LANG_JA;
            en += l == TXT_LANG_EN;
        }
        lang = ja > en ? TXT_LANG_JA : TXT_LANG_EN;
    }
    if ((st = txt_corpus_new((const char *const *)in.texts, in.n, NULL, &cp)))
        goto done;
    if (!sj_report(progress, user, 2, STEPS))
        goto cancelled;
    res.in = &in;
    res.cp = cp;
    res.builtin = defs == NULL;
    if (!(res.sent = mem_calloc(in.n, sizeof *res.sent))) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0; i < txt_corpus_size(cp); i++)
        res.sent[txt_corpus_source(cp, i)] = txt_corpus_sentiment(cp, i);
    if ((st = txt_corpus_summary(cp, nsum, &res.sentences, &res.nsent)))
        goto done;
    if (!sj_report(progress, user, 3, STEPS))
        goto cancelled;
    if ((st = txt_corpus_keywords(cp, SJ_KEYWORDS, &res.kw, &res.nkw)) ||
        (st = txt_corpus_topics(cp, defs, ndefs, &res.tp, &res.ntp, &res.assign)))
        goto done;
    if (!sj_report(progress, user, 4, STEPS))
        goto cancelled;
    if ((st = sj_write(book, lang == TXT_LANG_JA ? &sj_ja : &sj_en, &res)))
        goto done;
    sj_report(progress, user, STEPS, STEPS);
    goto done;
cancelled:
    st = diag_fail(WS_ERR_ARGS, "summarize: cancelled");
done:
    for (size_t i = 0; res.sentences && i < res.nsent; i++)
        mem_free(res.sentences[i]);
    mem_free(res.sentences);
    txt_keywords_free(res.kw, res.nkw);
    txt_topics_free(res.tp, res.ntp);
    mem_free(res.assign);
    mem_free(res.sent);
    txt_corpus_free(cp);
    sj_input_clear(&in);
    mem_free(defs);
    ws_range_free(range);
    ws_range_free(trange);
    return st;
}

static const ws_job_option_info summarize_job_options[] = {
    {"range", "REF",
     "the comments, one per cell (several columns allowed); a short first cell without "
     "opinion words or sentence punctuation is a header",
     NULL},
    {"sheet", "NAME", "the sheet that unqualified references are on", ""},
    {"n", "N", "how many typical sentences to show", "5"},
    {"topics", "REF",
     "your topics: two columns, topic name and comma-separated seed words (default: price, "
     "quality, design, delivery, support, usability)",
     ""},
    {"lang", "en|ja", "language of the sheet's labels (default: that of most comments)", ""},
};

const job_def summarize_job = {
    .info =
        {
            .name = "summarize",
            .summary = "Summarises a column of comments and adds a Summary sheet: share "
                       "positive and negative, typical sentences, topics with charts, "
                       "keywords, and every comment with its sentiment and topic.",
            .option_count = sizeof summarize_job_options / sizeof summarize_job_options[0],
            .options = summarize_job_options,
        },
    .impl = summarize_job_impl,
};
