/* Sentiment of one comment: lexicon look-ups (longest phrase first, a user's own entries
 * before the shipped ones) and rules for negation, intensifiers, contrast, emphasis.
 *
 * Valences are on VADER's -4..4 scale; the comment's score is VADER's normalisation of the
 * sum, s / sqrt(s^2 + 15), which keeps it in (-1, 1). */
#include <math.h>
#include <string.h>

#include "core/diag.h"
#include "text/text.h"
#include "text/txt_lex.h"
#include "text/txt_model.h"

#define MAX_PHRASE 6
#define KEY_MAX 256
/* How a negation changes a polar word: "not good" is weakly negative, "not bad" is mildly
 * positive (people rarely mean "good" by it). */
#define NEG_FLIP_POS (-0.6)
#define NEG_FLIP_NEG (-0.5)
#define CAPS_FACTOR 1.3
#define AFTER_CONTRAST 1.5
#define EXCLAIM_STEP 0.292
#define NORM_ALPHA 15.0
#define MODEL_EVIDENCE 1.0

const char *
txt_label_name(txt_label label)
{
    switch (label) {
    case TXT_UNKNOWN:
        return "unknown";
    case TXT_POSITIVE:
        return "positive";
    case TXT_NEGATIVE:
        return "negative";
    case TXT_NEUTRAL:
        return "neutral";
    case TXT_MIXED:
        return "mixed";
    }
    return "unknown";
}

typedef struct match {
    size_t end;          /* one past the last token */
    unsigned flags;      /* without TXT_LEX_PREFIX */
    float val, aux;
    bool user;           /* the value is the user's */
} match;

static bool
lookup(const txt_lexicon *user, const char *key, size_t len, match *m, bool *more)
{
    uint64_t h = txt_lex_hash(key, len);
    const txt_lex_entry *u = user ? txt_lex_find_hashed(user, key, len, h) : NULL;
    const txt_lex_entry *b = txt_lex_find_hashed(txt_lex_builtin(), key, len, h);
    *more |= (u && (u->flags & TXT_LEX_PREFIX)) || (b && (b->flags & TXT_LEX_PREFIX));
    unsigned flags = 0;
    float val = 0, aux = 0;
    if (b) {
        flags = b->flags & ~(unsigned)TXT_LEX_PREFIX;
        val = b->val;
        aux = b->aux;
    }
    bool from_user = u && (u->flags & TXT_LEX_POLAR);
    if (from_user) {
        flags |= TXT_LEX_POLAR;
        val = u->val;
    }
    if (!flags)
        return false;
    m->user = from_user;
    m->flags = flags;
    m->val = val;
    m->aux = aux;
    return true;
}

static bool
append(char *key, size_t *len, const char *s, size_t n, bool space)
{
    if (*len + n + 1 >= KEY_MAX)
        return false;
    if (space && *len > 0)
        key[(*len)++] = ' ';
    memcpy(key + *len, s, n);
    *len += n;
    return true;
}

static bool
is_matchable(const txt_token *t)
{
    return t->kind == TXT_TOK_WORD || t->kind == TXT_TOK_EMOJI || t->kind == TXT_TOK_EMOTICON ||
           t->kind == TXT_TOK_NUMBER;
}

/* The longest lexicon entry starting at token i (within [i, end)).  Japanese keys are the
 * concatenated base forms, or the surfaces with the last word's base form. */
static bool
longest_match(const txt_doc *doc, const txt_lexicon *user, size_t i, size_t end, match *best)
{
    char key[KEY_MAX], alt[KEY_MAX];
    size_t klen = 0, alen = 0;
    bool ja = doc->lang == TXT_LANG_JA, found = false;
    for (size_t j = i; j < end && j < i + MAX_PHRASE; j++) {
        const txt_token *t = &doc->tok[j];
        if (!is_matchable(t))
            break;
        bool more = false;
        match m;
        if (!append(key, &klen, txt_base(doc, j), t->base_len, !ja))
            break;
        if (lookup(user, key, klen, &m, &more)) {
            m.end = j + 1;
            *best = m;
            found = true;
        }
        if (ja && j > i) {
            size_t save = alen;
            if (append(alt, &alen, txt_base(doc, j), t->base_len, false) &&
                lookup(user, alt, alen, &m, &more) && (!found || best->end < j + 1)) {
                m.end = j + 1;
                *best = m;
                found = true;
            }
            alen = save;
        }
        if (ja) {
            /* The surface of this word, for longer alternative keys. */
            if (!append(alt, &alen, doc->text + t->off, t->len, false))
                break;
            bool alt_more = false;
            match dummy;
            lookup(user, alt, alen, &dummy, &alt_more);
            more |= alt_more;
        }
        if (!more)
            break;
    }
    return found;
}

/* Japanese negation follows its predicate: 悪くない, 満足できませんでした, 問題はない. */
static int
ja_negations_after(const txt_doc *doc, size_t j, size_t end)
{
    static const char *const light[] = {"ある", "いる", "する", "なる", "できる", "おる",
                                        "くる", "いく", "られる", "れる", "せる", "させる"};
    int count = 0;
    for (size_t k = j; k < end && k < j + 6; k++) {
        const txt_token *t = &doc->tok[k];
        const char *b = txt_base(doc, k);
        const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), b, t->base_len);
        if (e && (e->flags & TXT_LEX_NEGATE) &&
            (t->pos == TXT_POS_AUX || t->pos == TXT_POS_ADJ || t->pos == TXT_POS_NOUN)) {
            count++;
            continue;
        }
        if (t->pos == TXT_POS_AUX || (t->pos == TXT_POS_PARTICLE && t->kind == TXT_TOK_WORD) ||
            (t->flags & TXT_TF_NONINDEP))
            continue;
        bool is_light = false;
        for (size_t q = 0; q < sizeof light / sizeof light[0]; q++)
            is_light |= strcmp(b, light[q]) == 0;
        if (is_light && t->pos == TXT_POS_VERB)
            continue;
        break;
    }
    return count;
}

static bool
is_clause_break(const txt_doc *doc, const txt_token *t)
{
    if (t->kind != TXT_TOK_PUNCT)
        return false;
    char c = doc->text[t->off];
    return c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '.' || c == '!' ||
           c == '?' || (t->len == 3 && memcmp(doc->text + t->off, "、", 3) == 0);
}

void
txt_sentiment_rules(const txt_doc *doc, const txt_lexicon *user, txt_sentiment_result *out)
{
    memset(out, 0, sizeof *out);
    bool ja = doc->lang == TXT_LANG_JA;
    /* Shouting everything is not emphasis of one word. */
    size_t caps = 0, words = 0;
    for (size_t i = 0; i < doc->ntok; i++)
        if (doc->tok[i].kind == TXT_TOK_WORD) {
            words++;
            caps += (doc->tok[i].flags & TXT_TF_CAPS) != 0;
        }
    bool caps_emphasis = caps > 0 && caps < words;

    double total = 0, pos = 0, neg = 0;
    double prev_total = 0, prev_pos = 0, prev_neg = 0; /* of earlier sentences */
    for (size_t s = 0; s < doc->nsent; s++) {
        size_t a = doc->sent[s], b = doc->sent[s + 1];
        double vals[64], raws[64];
        size_t nv = 0;
        double clause_mult = 1.0;   /* after a "but" */
        double concessive = 1.0;    /* inside an "although" clause */
        bool in_concessive = false;
        size_t neg_until = 0;       /* English: negation scope ends before this token */
        double boost = 1.0;
        size_t boost_until = 0;
        unsigned exclaim = 0;
        for (size_t i = a; i < b;) {
            const txt_token *t = &doc->tok[i];
            if (t->kind == TXT_TOK_PUNCT) {
                if (doc->text[t->off] == '!')
                    exclaim += t->count;
                if (is_clause_break(doc, t)) {
                    neg_until = 0;
                    boost = 1.0;
                    if (in_concessive && doc->text[t->off] == ',') {
                        in_concessive = false;
                        concessive = 1.0;
                    }
                }
                i++;
                continue;
            }
            match m;
            if (!longest_match(doc, user, i, b, &m)) {
                i++;
                continue;
            }
            bool single = m.end == i + 1;
            if (m.flags & TXT_LEX_CONTRAST) {
                bool applies = !ja || !single || t->pos == TXT_POS_CONJ ||
                               t->pos == TXT_POS_CONJ_PARTICLE;
                if (applies) {
                    for (size_t q = 0; q < nv; q++)
                        vals[q] *= m.aux;
                    if (i == a) /* "However, ..." opening a sentence discounts what came before */
                        prev_total *= m.aux;
                    clause_mult = AFTER_CONTRAST;
                    neg_until = 0;
                    boost = 1.0;
                    in_concessive = false;
                    concessive = 1.0;
                    if (!(m.flags & TXT_LEX_POLAR) || m.val == 0) {
                        i = m.end;
                        continue;
                    }
                }
            }
            if ((m.flags & TXT_LEX_CONCESSIVE) && !ja) {
                in_concessive = true;
                concessive = m.aux;
                i = m.end;
                continue;
            }
            if ((m.flags & TXT_LEX_NEGATE) && !ja) {
                neg_until = m.end + 4;
                if (!(m.flags & TXT_LEX_POLAR) || m.val == 0) {
                    i = m.end;
                    continue;
                }
            }
            if (m.flags & TXT_LEX_BOOST) {
                /* A booster that is also a polar word ("super") boosts when a polar word
                 * follows closely and scores on its own otherwise. */
                bool polar_next = false;
                for (size_t nx = m.end;
                     nx < b && nx < m.end + 2 && doc->tok[nx].kind != TXT_TOK_PUNCT; nx++) {
                    match m2;
                    if (longest_match(doc, user, nx, b, &m2) && (m2.flags & TXT_LEX_POLAR) &&
                        m2.val != 0) {
                        polar_next = true;
                        break;
                    }
                }
                if (polar_next) {
                    boost *= 1.0 + m.aux;
                    boost_until = m.end + 3;
                    i = m.end;
                    continue;
                }
            }
            out->user_hits += m.user;
            if (!(m.flags & TXT_LEX_POLAR) || m.val == 0) {
                i = m.end;
                continue;
            }
            double v = m.val;
            if (i < boost_until)
                v *= boost;
            boost = 1.0;
            if (caps_emphasis && !ja && (t->flags & TXT_TF_CAPS))
                v *= CAPS_FACTOR;
            bool negated;
            if (ja)
                negated = ja_negations_after(doc, m.end, b) % 2 == 1;
            else
                negated = i < neg_until;
            if (negated)
                v *= v > 0 ? NEG_FLIP_POS : NEG_FLIP_NEG;
            if (nv < sizeof vals / sizeof vals[0]) {
                raws[nv] = v;
                vals[nv++] = v * clause_mult * (in_concessive ? concessive : 1.0);
            }
            out->hits++;
            i = m.end;
        }
        double sum = 0, sp = 0, sn = 0;
        /* Mixed feelings are judged on the evidence before contrast weighting. */
        for (size_t q = 0; q < nv; q++) {
            sum += vals[q];
            if (raws[q] > 0)
                sp += raws[q];
            else
                sn -= raws[q];
        }
        if (sum != 0 && exclaim > 0) {
            double e = EXCLAIM_STEP * (exclaim > 4 ? 4 : exclaim);
            sum += sum > 0 ? e : -e;
        }
        prev_total += sum;
        prev_pos += sp;
        prev_neg += sn;
    }
    total = prev_total;
    pos = prev_pos;
    neg = prev_neg;
    out->positive = pos;
    out->negative = neg;
    if (out->hits == 0) {
        out->label = TXT_UNKNOWN;
        return;
    }
    out->score = total / sqrt(total * total + NORM_ALPHA);
    double lo = pos < neg ? pos : neg, hi = pos < neg ? neg : pos;
    if (lo >= 1.5 && lo >= 0.5 * hi)
        out->label = TXT_MIXED;
    else if (out->score >= 0.05)
        out->label = TXT_POSITIVE;
    else if (out->score <= -0.05)
        out->label = TXT_NEGATIVE;
    else
        out->label = TXT_NEUTRAL;
}

/* English: the learned model turns the rules' evidence and the words into the score.  Words
 * alone are evidence only when they move the odds by more than e (|margin| >= 1): a comment
 * of everyday words stays unknown.  The mixed label still comes from the rules' evidence.
 * A comment that uses a word of the user's own lexicon is scored by the rules alone, so
 * the user's scores are respected exactly. */
void
txt_sentiment(const txt_doc *doc, const txt_lexicon *user, txt_sentiment_result *out)
{
    txt_sentiment_rules(doc, user, out);
    if (doc->lang != TXT_LANG_EN || out->user_hits > 0)
        return;
    double words = 0;
    double z = txt_model_margin(doc, out, &words);
    if (z == 0 && words == 0)
        return; /* no model */
    if (out->hits == 0 && fabs(words) < MODEL_EVIDENCE)
        return;
    out->score = tanh(0.5 * z);
    if (out->label == TXT_MIXED)
        return;
    if (out->score >= 0.05)
        out->label = TXT_POSITIVE;
    else if (out->score <= -0.05)
        out->label = TXT_NEGATIVE;
    else
        out->label = TXT_NEUTRAL;
}

ws_status
txt_sentiment_text(txt_doc *doc, const char *text, size_t len, const txt_lexicon *user,
                   txt_sentiment_result *out)
{
    ws_status st = txt_doc_analyze(doc, text, len);
    if (st)
        return st;
    txt_sentiment(doc, user, out);
    return WS_OK;
}
