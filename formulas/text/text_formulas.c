/* The text formulas: WS.SENTIMENT, WS.SENTIMENT_LABEL, WS.SUMMARY, WS.KEYWORDS, WS.TOPICS,
 * WS.TOPIC.  The models live in txt_*.c; these read ranges and shape results.
 *
 * Comment cells: text is analysed; a number or a boolean is read as its text (it carries no
 * sentiment, so it comes out "unknown"); a blank cell is skipped (a blank result cell for the
 * per-cell formulas); an error cell is #VALUE!.
 *
 * Optional user lexicon (WS.SENTIMENT, WS.SENTIMENT_LABEL): a two-column range, word or
 * phrase, score in [-1, 1] (the scale WS.SENTIMENT reports; 0 makes a word neutral).  A first
 * row whose score is text is a header and is skipped.
 *
 * Optional topics (WS.TOPICS, WS.TOPIC): a two-column range, topic name, comma-separated seed
 * words (English or Japanese; a seed may end in ":N", a weight from 0 to 10, default 1; a
 * comment belongs to the topic whose seeds it mentions with the largest total weight). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "core/value.h"
#include "registry.h"
#include "text/text.h"

/* ----- reading ranges ---------------------------------------------------------------- */

/* Texts of a range in reading order (NULL for blanks); numbers become their text. */
static ws_status
read_texts(const ws_range *r, const char *arg, char ***out, size_t *n_out, size_t *nonblank)
{
    size_t n = range_size(r), count = 0;
    char **t = mem_calloc(n ? n : 1, sizeof *t);
    if (!t)
        return diag_nomem();
    ws_status st = WS_OK;
    for (size_t i = 0; i < n && !st; i++) {
        const ws_value *v = &r->cells[i];
        char buf[VALUE_TEXT_BUF];
        const char *s = value_as_text(v, buf);
        if (v->type == WS_TYPE_ERROR)
            st = diag_fail(WS_ERR_VALUE, "%s: cell %zu holds an error", arg, i + 1);
        if (st || !s || !s[0])
            continue;
        if (!(t[i] = mem_strdup(s)))
            st = diag_nomem();
        count++;
    }
    if (st) {
        for (size_t i = 0; i < n; i++)
            mem_free(t[i]);
        mem_free(t);
        return st;
    }
    *out = t;
    *n_out = n;
    *nonblank = count;
    return WS_OK;
}

static void
free_texts(char **t, size_t n)
{
    for (size_t i = 0; t && i < n; i++)
        mem_free(t[i]);
    mem_free(t);
}

static ws_status
read_lexicon(const ws_range *r, txt_lexicon **out)
{
    *out = NULL;
    if (!r)
        return WS_OK;
    if (r->cols != 2)
        return diag_fail(WS_ERR_VALUE, "lexicon: needs two columns (word, score in -1..1), "
                                       "not %zu", r->cols);
    txt_lexicon *lex = NULL;
    ws_status st = txt_lexicon_new(&lex);
    for (size_t i = 0; i < r->rows && !st; i++) {
        const ws_value *w = range_get(r, i, 0), *s = range_get(r, i, 1);
        if (w->type == WS_TYPE_EMPTY && s->type == WS_TYPE_EMPTY)
            continue;
        if (i == 0 && s->type == WS_TYPE_TEXT)
            continue; /* header */
        if (w->type != WS_TYPE_TEXT || !w->as.text[0])
            st = diag_fail(WS_ERR_VALUE, "lexicon: row %zu: the word must be text", i + 1);
        else if (s->type != WS_TYPE_NUMBER)
            st = diag_fail(WS_ERR_VALUE, "lexicon: row %zu: the score of '%s' must be a number",
                           i + 1, w->as.text);
        else
            st = txt_lexicon_set(lex, w->as.text, s->as.number);
        if (st)
            diag_prefix(st, "lexicon: row %zu", i + 1);
    }
    if (st) {
        txt_lexicon_free(lex);
        return st;
    }
    *out = lex;
    return WS_OK;
}

/* User topics (optional argument): names and seeds borrowed from the range. */
static ws_status
read_topics(const ws_range *r, txt_topic_def **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    return r ? txt_topics_from_range(r, out, count) : WS_OK;
}

static ws_status
make_corpus(const formula_args *args, txt_corpus **cp, char ***texts, size_t *n)
{
    size_t nonblank = 0;
    ws_status st = read_texts(formula_arg(args, 0), "texts", texts, n, &nonblank);
    if (st)
        return st;
    if (nonblank == 0) {
        free_texts(*texts, *n);
        *texts = NULL;
        return diag_fail(WS_ERR_NA, "texts: no comments (every cell is blank)");
    }
    if ((st = txt_corpus_new((const char *const *)*texts, *n, NULL, cp))) {
        free_texts(*texts, *n);
        *texts = NULL;
    }
    return st;
}

static ws_status
count_arg(const formula_args *args, size_t i, double fallback, size_t *out)
{
    double k = formula_arg_number(args, i, fallback);
    if (!(k >= 1) || k > 1e6 || k != floor(k))
        return diag_fail(WS_ERR_NUM, "n: must be a whole number from 1, not %g", k);
    *out = (size_t)k;
    return WS_OK;
}

static ws_status
set_mean(ws_range *r, size_t row, size_t col, double v)
{
    return isnan(v) ? ws_range_set_empty(r, row, col) : ws_range_set_number(r, row, col, v);
}

/* ----- WS.SENTIMENT and WS.SENTIMENT_LABEL ------------------------------------------- */

static ws_status
sentiment_common(const formula_args *args, bool label, ws_range **out)
{
    const ws_range *in = formula_arg(args, 0);
    txt_lexicon *user = NULL;
    ws_range *r = NULL;
    txt_doc doc;
    txt_doc_init(&doc);
    ws_status st = read_lexicon(formula_arg(args, 1), &user);
    if (!st)
        st = ws_range_new(in->rows, in->cols, &r);
    for (size_t i = 0; !st && i < range_size(in); i++) {
        const ws_value *v = &in->cells[i];
        size_t row = i / in->cols, col = i % in->cols;
        char buf[VALUE_TEXT_BUF];
        const char *s = value_as_text(v, buf);
        if (v->type == WS_TYPE_ERROR) {
            st = ws_range_set_error(r, row, col, WS_CELL_ERR_VALUE, "text: the cell holds an error");
            continue;
        }
        if (!s || !s[0])
            continue;
        txt_sentiment_result res;
        ws_status e = txt_sentiment_text(&doc, s, strlen(s), user, &res);
        if (e == WS_ERR_NOMEM) {
            st = e;
        } else if (e) {
            st = ws_range_set_error(r, row, col, ws_status_cell_error(e), diag_reason());
        } else if (label) {
            st = ws_range_set_text(r, row, col, txt_label_name(res.label));
        } else {
            st = ws_range_set_number(r, row, col, res.score);
        }
    }
    txt_doc_clear(&doc);
    txt_lexicon_free(user);
    if (st) {
        ws_range_free(r);
        return st;
    }
    *out = r;
    return WS_OK;
}

static ws_status
sentiment_impl(const formula_args *args, ws_range **out)
{
    return sentiment_common(args, false, out);
}

static ws_status
sentiment_label_impl(const formula_args *args, ws_range **out)
{
    return sentiment_common(args, true, out);
}

/* ----- WS.SUMMARY -------------------------------------------------------------------- */

static ws_status
summary_impl(const formula_args *args, ws_range **out)
{
    size_t k, n = 0, count = 0;
    ws_status st = count_arg(args, 1, 3, &k);
    if (st)
        return st;
    txt_corpus *cp = NULL;
    char **texts = NULL, **sent = NULL;
    ws_range *r = NULL;
    if ((st = make_corpus(args, &cp, &texts, &n)))
        return st;
    if ((st = txt_corpus_summary(cp, k, &sent, &count)))
        goto done;
    if (count == 0) {
        st = diag_fail(WS_ERR_NA, "texts: no sentence with content words");
        goto done;
    }
    if ((st = ws_range_new(count, 1, &r)))
        goto done;
    for (size_t i = 0; i < count && !st; i++)
        st = ws_range_set_text(r, i, 0, sent[i]);
    if (!st) {
        *out = r;
        r = NULL;
    }
done:
    for (size_t i = 0; i < count; i++)
        mem_free(sent[i]);
    mem_free(sent);
    ws_range_free(r);
    txt_corpus_free(cp);
    free_texts(texts, n);
    return st;
}

/* ----- WS.KEYWORDS ------------------------------------------------------------------- */

static ws_status
keywords_impl(const formula_args *args, ws_range **out)
{
    size_t k, n = 0, count = 0;
    ws_status st = count_arg(args, 1, 10, &k);
    if (st)
        return st;
    txt_corpus *cp = NULL;
    char **texts = NULL;
    txt_keyword *kw = NULL;
    ws_range *r = NULL;
    if ((st = make_corpus(args, &cp, &texts, &n)))
        return st;
    if ((st = txt_corpus_keywords(cp, k, &kw, &count)))
        goto done;
    if (count == 0) {
        st = diag_fail(WS_ERR_NA, "texts: no keyword found");
        goto done;
    }
    if ((st = ws_range_new(count, 3, &r)))
        goto done;
    for (size_t i = 0; i < count && !st; i++) {
        st = ws_range_set_text(r, i, 0, kw[i].text);
        if (!st)
            st = ws_range_set_number(r, i, 1, (double)kw[i].comments);
        if (!st)
            st = set_mean(r, i, 2, kw[i].sentiment);
    }
    if (!st) {
        *out = r;
        r = NULL;
    }
done:
    txt_keywords_free(kw, count);
    ws_range_free(r);
    txt_corpus_free(cp);
    free_texts(texts, n);
    return st;
}

/* ----- WS.TOPICS and WS.TOPIC -------------------------------------------------------- */

static ws_status
topics_common(const formula_args *args, bool per_comment, ws_range **out)
{
    size_t n = 0, nt = 0, nd = 0;
    txt_corpus *cp = NULL;
    char **texts = NULL;
    txt_topic *tp = NULL;
    txt_topic_def *defs = NULL;
    size_t *assign = NULL;
    ws_range *r = NULL;
    ws_status st = read_topics(formula_arg(args, 1), &defs, &nd);
    if (st)
        return st;
    if ((st = make_corpus(args, &cp, &texts, &n)))
        goto done;
    if ((st = txt_corpus_topics(cp, defs, nd, &tp, &nt, &assign)))
        goto done;
    if (per_comment) {
        const ws_range *in = formula_arg(args, 0);
        if ((st = ws_range_new(in->rows, in->cols, &r)))
            goto done;
        for (size_t i = 0; i < n && !st; i++) {
            if (!texts[i])
                continue;
            const char *name = assign[i] == SIZE_MAX ? "other" : tp[assign[i]].name;
            st = ws_range_set_text(r, i / in->cols, i % in->cols, name);
        }
    } else {
        /* Topics with comments, the largest first (stable). */
        size_t *order = mem_alloc((nt ? nt : 1) * sizeof *order), m = 0;
        if (!order) {
            st = diag_nomem();
            goto done;
        }
        for (size_t t = 0; t < nt; t++)
            if (tp[t].comments) {
                size_t j = m++;
                while (j > 0 && tp[order[j - 1]].comments < tp[t].comments) {
                    order[j] = order[j - 1];
                    j--;
                }
                order[j] = t;
            }
        if (m == 0) {
            mem_free(order);
            st = diag_fail(WS_ERR_NA, "texts: no comment mentions a topic");
            goto done;
        }
        if ((st = ws_range_new(m, 5, &r))) {
            mem_free(order);
            goto done;
        }
        for (size_t q = 0; q < m && !st; q++) {
            const txt_topic *x = &tp[order[q]];
            st = ws_range_set_text(r, q, 0, x->name);
            if (!st)
                st = ws_range_set_number(r, q, 1, x->share);
            if (!st)
                st = set_mean(r, q, 2, x->sentiment);
            if (!st)
                st = ws_range_set_text(r, q, 3, x->keywords);
            if (!st && x->example != SIZE_MAX)
                st = ws_range_set_text(r, q, 4, texts[x->example]);
        }
        mem_free(order);
    }
    if (!st) {
        *out = r;
        r = NULL;
    }
done:
    ws_range_free(r);
    mem_free(assign);
    txt_topics_free(tp, nt);
    txt_corpus_free(cp);
    free_texts(texts, n);
    mem_free(defs);
    return st;
}

static ws_status
topics_impl(const formula_args *args, ws_range **out)
{
    return topics_common(args, false, out);
}

static ws_status
topic_impl(const formula_args *args, ws_range **out)
{
    return topics_common(args, true, out);
}

/* ----- the table --------------------------------------------------------------------- */

static const ws_arg_info sentiment_args[] = {
    {"text", "a comment, or a range of comments (English or Japanese)", WS_ARG_TEXTS, false},
    {"lexicon", "optional two columns: word or phrase, score from -1 to 1 (overrides the "
                "shipped lexicon; 0 makes a word neutral)", WS_ARG_ANY, true},
};

static const ws_arg_info summary_args[] = {
    {"texts", "a column or row of comments", WS_ARG_TEXTS, false},
    {"n", "how many sentences (default 3)", WS_ARG_NUMBER, true},
};

static const ws_arg_info keywords_args[] = {
    {"texts", "a column or row of comments", WS_ARG_TEXTS, false},
    {"n", "how many keywords (default 10)", WS_ARG_NUMBER, true},
};

static const ws_arg_info topics_args[] = {
    {"texts", "a column or row of comments", WS_ARG_TEXTS, false},
    {"topics", "optional two columns: topic name, comma-separated seed words, each with an "
               "optional weight (\"waiter:3\"; default: price, quality, design, delivery, "
               "support, usability)", WS_ARG_ANY, true},
};

static const char *const sentiment_errors[] = {
    "#VALUE!: a comment cell holds an error, or the lexicon is not two columns (word, number)",
    "#NUM!: a lexicon score outside -1..1",
    "#N/A (per cell): Japanese text when MeCab's IPA dictionary is not installed",
};

static const char *const corpus_errors[] = {
    "#VALUE!: a comment cell holds an error",
    "#NUM!: n is not a whole number from 1",
    "#N/A: no comments (all blank), or nothing to extract",
};

static const char *const topics_errors[] = {
    "#VALUE!: a comment cell holds an error, or topics is not two columns of text",
    "#N/A: no comments (all blank), or no comment mentions a topic",
};

static const formula_def text_defs[] = {
    {
        .info = {
            .name = "WS.SENTIMENT",
            .category = "Text",
            .summary = "Sentiment of each comment, from -1 (negative) to 1 (positive); 0 when "
                       "nothing in it carries sentiment (see WS.SENTIMENT_LABEL).",
            .returns = "number(s), the shape of text; blank cells stay blank",
            .arg_count = 2,
            .args = sentiment_args,
            .example = "=WS.SENTIMENT(\"The food was not bad, but the service was slow.\")",
            .example_result = "-0.29",
            .error_count = sizeof sentiment_errors / sizeof sentiment_errors[0],
            .errors = sentiment_errors,
        },
        .impl = sentiment_impl,
    },
    {
        .info = {
            .name = "WS.SENTIMENT_LABEL",
            .category = "Text",
            .summary = "positive, negative, neutral, mixed, or unknown when nothing in the "
                       "comment carries sentiment.",
            .returns = "text(s), the shape of text",
            .arg_count = 2,
            .args = sentiment_args,
            .example = "=WS.SENTIMENT_LABEL(\"また利用したいです。\")",
            .example_result = "positive",
            .error_count = sizeof sentiment_errors / sizeof sentiment_errors[0],
            .errors = sentiment_errors,
        },
        .impl = sentiment_label_impl,
    },
    {
        .info = {
            .name = "WS.SUMMARY",
            .category = "Text",
            .summary = "The n most representative, non-redundant sentences of the comments.",
            .returns = "n×1 sentences (fewer when there are fewer)",
            .arg_count = 2,
            .args = summary_args,
            .example = "=WS.SUMMARY(A2:A500; 3)",
            .example_result = "three sentences",
            .error_count = sizeof corpus_errors / sizeof corpus_errors[0],
            .errors = corpus_errors,
        },
        .impl = summary_impl,
    },
    {
        .info = {
            .name = "WS.KEYWORDS",
            .category = "Text",
            .summary = "Key words and phrases of the comments, with how many comments mention "
                       "each and their mean sentiment.",
            .returns = "n×3: keyword, comments mentioning it, mean sentiment (blank when none "
                       "of them scored)",
            .arg_count = 2,
            .args = keywords_args,
            .example = "=WS.KEYWORDS(A2:A500; 10)",
            .example_result = "battery life | 42 | -0.31 ...",
            .error_count = sizeof corpus_errors / sizeof corpus_errors[0],
            .errors = corpus_errors,
        },
        .impl = keywords_impl,
    },
    {
        .info = {
            .name = "WS.TOPICS",
            .category = "Text",
            .summary = "What the comments talk about: built-in or your topics plus frequent "
                       "other themes, each with its share, mean sentiment, keywords and a "
                       "typical comment.",
            .returns = "t×5: topic, share of comments, mean sentiment, top keywords, a "
                       "representative comment; largest first",
            .arg_count = 2,
            .args = topics_args,
            .example = "=WS.TOPICS(A2:A500)",
            .example_result = "delivery | 0.31 | -0.42 | late delivery, box | \"Arrived two "
                              "weeks late.\" ...",
            .error_count = sizeof topics_errors / sizeof topics_errors[0],
            .errors = topics_errors,
        },
        .impl = topics_impl,
    },
    {
        .info = {
            .name = "WS.TOPIC",
            .category = "Text",
            .summary = "The topic of each comment (as WS.TOPICS assigns them), or \"other\".",
            .returns = "text(s), the shape of text",
            .arg_count = 2,
            .args = topics_args,
            .example = "=WS.TOPIC(\"Delivery took three weeks.\")",
            .example_result = "delivery",
            .error_count = sizeof topics_errors / sizeof topics_errors[0],
            .errors = topics_errors,
        },
        .impl = topic_impl,
    },
};

const formula_family text_family = {text_defs, sizeof text_defs / sizeof text_defs[0]};
