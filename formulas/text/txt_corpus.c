/* A column of comments: sentiment per comment, summary sentences, keywords and topics.
 *
 * Terms are content-word base forms (English words that are not stop words; Japanese nouns,
 * verbs and adjectives that stand on their own).  Keywords are English phrases between stop
 * words and punctuation (RAKE-like, up to 3 words) and Japanese noun runs (up to 4 nouns).
 *
 * Summary: sentences are TF-IDF vectors; each is scored by LexRank (power iteration on the
 * cosine graph) when there are at most LEXRANK_MAX sentences, else by its cosine to the
 * centroid (linear); then maximal marginal relevance picks k non-redundant ones. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "core/diag.h"
#include "core/mem.h"
#include "core/value.h"
#include "text/text.h"
#include "text/txt_lex.h"
#include "text/txt_model.h"

#define LEXRANK_MAX 2000
#define MMR_LAMBDA 0.7
#define MMR_POOL 300
#define MIN_SENT_WORDS 4
#define MAX_SENT_WORDS 40

/* ----- a string -> id map ------------------------------------------------------------ */

typedef struct strmap {
    uint32_t *slots; /* id + 1; 0 is free */
    size_t cap;
    char **keys;
    size_t count, keys_cap;
} strmap;

static void
strmap_clear(strmap *m)
{
    for (size_t i = 0; i < m->count; i++)
        mem_free(m->keys[i]);
    mem_free(m->keys);
    mem_free(m->slots);
    memset(m, 0, sizeof *m);
}

static ws_status
strmap_id(strmap *m, const char *key, size_t len, uint32_t *id)
{
    if ((m->count + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 1024;
        uint32_t *slots = mem_calloc(cap, sizeof *slots);
        if (!slots)
            return diag_nomem();
        for (size_t i = 0; i < m->count; i++) {
            size_t j = (size_t)txt_lex_hash(m->keys[i], strlen(m->keys[i])) & (cap - 1);
            while (slots[j])
                j = (j + 1) & (cap - 1);
            slots[j] = (uint32_t)i + 1;
        }
        mem_free(m->slots);
        m->slots = slots;
        m->cap = cap;
    }
    size_t j = (size_t)txt_lex_hash(key, len) & (m->cap - 1);
    for (; m->slots[j]; j = (j + 1) & (m->cap - 1)) {
        const char *k = m->keys[m->slots[j] - 1];
        if (strncmp(k, key, len) == 0 && k[len] == '\0') {
            *id = m->slots[j] - 1;
            return WS_OK;
        }
    }
    if (mem_grow((void **)&m->keys, &m->keys_cap, m->count + 1, sizeof *m->keys))
        return diag_nomem();
    if (!(m->keys[m->count] = mem_strndup(key, len)))
        return diag_nomem();
    m->slots[j] = (uint32_t)m->count + 1;
    *id = (uint32_t)m->count++;
    return WS_OK;
}

/* ----- the corpus -------------------------------------------------------------------- */

typedef struct u32vec {
    uint32_t *v;
    size_t n, cap;
} u32vec;

static ws_status
u32_push(u32vec *a, uint32_t x)
{
    if (mem_grow((void **)&a->v, &a->cap, a->n + 1, sizeof *a->v))
        return diag_nomem();
    a->v[a->n++] = x;
    return WS_OK;
}

typedef struct sentence {
    char *text;
    size_t comment;
    size_t term0, nterm; /* in corpus->sterms (sorted ids, with counts in sweights) */
    size_t words;
} sentence;

typedef struct comment {
    size_t source;        /* index in the caller's array */
    txt_sentiment_result sent;
    size_t sent0, nsent;  /* sentences */
    size_t phr0, nphr;    /* distinct keyword ids, in corpus->cphr */
    size_t term0, nterm;  /* distinct term ids, in corpus->cterms */
    char *joined;         /* " base base ... " (English) or normalised text (Japanese) */
    txt_lang lang;
    bool heading;         /* a Markdown heading ("# ...", "## ...") of a pasted document */
} comment;

struct txt_corpus {
    comment *c;
    size_t nc, n_in;
    sentence *s;
    size_t ns, s_cap;
    u32vec sterms, cphr, cterms;
    float *sweights;
    size_t sweights_cap;
    strmap terms, phrases;
    uint32_t *phrase_words; /* words per phrase */
    size_t phrase_words_cap;
    float *phrase_spec; /* how specific the phrase is against the background (0..1] */
    size_t phrase_spec_cap;
    bool *phrase_ja; /* a Japanese compound (its words are MeCab's, finer than English ones) */
    size_t phrase_ja_cap;
};

size_t
txt_corpus_size(const txt_corpus *corpus)
{
    return corpus->nc;
}

const txt_sentiment_result *
txt_corpus_sentiment(const txt_corpus *corpus, size_t i)
{
    return &corpus->c[i].sent;
}

size_t
txt_corpus_source(const txt_corpus *corpus, size_t i)
{
    return corpus->c[i].source;
}

void
txt_corpus_free(txt_corpus *cp)
{
    if (!cp)
        return;
    for (size_t i = 0; i < cp->nc; i++)
        mem_free(cp->c[i].joined);
    for (size_t i = 0; i < cp->ns; i++)
        mem_free(cp->s[i].text);
    mem_free(cp->c);
    mem_free(cp->s);
    mem_free(cp->sterms.v);
    mem_free(cp->cphr.v);
    mem_free(cp->cterms.v);
    mem_free(cp->sweights);
    mem_free(cp->phrase_words);
    mem_free(cp->phrase_spec);
    mem_free(cp->phrase_ja);
    strmap_clear(&cp->terms);
    strmap_clear(&cp->phrases);
    mem_free(cp);
}

static bool
is_term(const txt_doc *doc, size_t i)
{
    const txt_token *t = &doc->tok[i];
    if (t->kind != TXT_TOK_WORD || (t->flags & TXT_TF_STOP))
        return false;
    if (doc->lang == TXT_LANG_JA) {
        if (t->flags & TXT_TF_NONINDEP)
            return false;
        if (t->pos != TXT_POS_NOUN && t->pos != TXT_POS_VERB && t->pos != TXT_POS_ADJ)
            return false;
        const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), txt_base(doc, i), t->base_len);
        if (e && (e->flags & TXT_LEX_STOP))
            return false;
        /* One kana alone (する, ある, なる as nouns) says nothing. */
        return t->base_len > 3 || t->pos == TXT_POS_NOUN;
    }
    return t->base_len > 1;
}

/* An English keyword word (Japanese compounds: ja_phrases). */
static bool
is_keyword_word(const txt_doc *doc, size_t i)
{
    const txt_token *t = &doc->tok[i];
    if (t->kind != TXT_TOK_WORD || (t->flags & TXT_TF_STOP))
        return false;
    /* No contractions, no negators, letters only. */
    const char *b = txt_base(doc, i);
    if (t->base_len < 2)
        return false;
    for (size_t k = 0; k < t->base_len; k++)
        if (b[k] == '\'' || (b[k] >= '0' && b[k] <= '9'))
            return false;
    const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), b, t->base_len);
    return !(e && (e->flags & (TXT_LEX_NEGATE | TXT_LEX_BOOST | TXT_LEX_CONTRAST |
                               TXT_LEX_CONCESSIVE)));
}

/* Currency signs (they stay in the text topics are matched against: "$20" is about price). */
static bool
is_currency(const txt_doc *doc, size_t i)
{
    static const char *const signs[] = {"$", "\xe2\x82\xac", "\xc2\xa3", "\xc2\xa5"};
    const char *b = txt_base(doc, i);
    for (size_t k = 0; k < sizeof signs / sizeof signs[0]; k++)
        if (doc->tok[i].base_len == strlen(signs[k]) &&
            memcmp(b, signs[k], doc->tok[i].base_len) == 0)
            return true;
    return false;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Sort and count duplicates in place: ids[0..n) becomes distinct ids; counts beside. */
static size_t
uniq_count(uint32_t *ids, size_t n, float *counts)
{
    if (n == 0)
        return 0;
    qsort(ids, n, sizeof *ids, cmp_u32);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && ids[m - 1] == ids[i]) {
            if (counts)
                counts[m - 1] += 1;
            continue;
        }
        ids[m] = ids[i];
        if (counts)
            counts[m] = 1;
        m++;
    }
    return m;
}

/* The part a Japanese token plays in a compound noun (a keyword). */
typedef enum ja_part {
    JA_NONE = 0,
    JA_HEAD,   /* an independent noun: every compound needs one */
    JA_ATTACH, /* a suffix (型, 的, 回) or a number: inside or after a head */
    JA_INNER,  /* 形容動詞語幹 / 副詞可能 noun: inside a compound (重要舞台), not at its edge */
    JA_PREFIX, /* 接頭詞 (非, 第, 各): before the rest */
    JA_JOIN    /* "・" between two parts (マーケティング・リサーチ) */
} ja_part;

/* MeCab tags symbols it does not know ("(", ")、", "#" after NFKC) as nouns. */
static bool
is_symbol_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0)
            return true;
        utf8proc_category_t cat = utf8proc_category(c);
        if (cat < UTF8PROC_CATEGORY_PC || cat > UTF8PROC_CATEGORY_ZP)
            return false;
        i += (size_t)k;
    }
    return true;
}

/* Whether the code point that ends (end) or starts (!end) the token is katakana. */
static bool
katakana_edge(const txt_doc *doc, size_t i, bool end)
{
    const txt_token *t = &doc->tok[i];
    const unsigned char *s = (const unsigned char *)doc->text + t->off;
    if (t->len < 3)
        return false;
    if (end)
        s += t->len - 3;
    utf8proc_int32_t c;
    if (utf8proc_iterate(s, 3, &c) != 3)
        return false;
    return c >= 0x30A1 && c <= 0x30FC && c != 0x30FB;
}

/* Prefixes that pick out instances (各店舗, 全世界, 同社) or are honorific (ご利用): the
 * keyword is the noun after them. */
static bool
is_determiner_prefix(const txt_doc *doc, size_t i)
{
    static const char *const p[] = {"各", "全", "同", "本", "当", "両", "諸", "某", "毎",
                                    "約", "計", "お", "ご", "御", "今", "前", "翌", "現", "元"};
    const txt_token *t = &doc->tok[i];
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        if (t->len == strlen(p[k]) && memcmp(doc->text + t->off, p[k], t->len) == 0)
            return true;
    return false;
}

static ja_part
ja_part_of(const txt_doc *doc, size_t i)
{
    const txt_token *t = &doc->tok[i];
    const char *sf = doc->text + t->off;
    /* "・" joins katakana words (マーケティング・リサーチ); between kanji it lists them. */
    if (t->kind == TXT_TOK_PUNCT)
        return t->len == 3 && memcmp(sf, "\xe3\x83\xbb", 3) == 0 && i > 0 &&
                       i + 1 < doc->ntok && katakana_edge(doc, i - 1, true) &&
                       katakana_edge(doc, i + 1, false) ? JA_JOIN : JA_NONE;
    if (t->pos == TXT_POS_PREFIX)
        return is_determiner_prefix(doc, i) ? JA_NONE : JA_PREFIX;
    if (t->pos != TXT_POS_NOUN || is_symbol_text(sf, t->len))
        return JA_NONE;
    if (t->kind == TXT_TOK_NUMBER)
        return JA_ATTACH;
    if (t->kind != TXT_TOK_WORD || (t->flags & TXT_TF_STOP))
        return JA_NONE;
    if (t->flags & TXT_TF_NONINDEP)
        return JA_ATTACH;
    const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), txt_base(doc, i), t->base_len);
    if (e && (e->flags & TXT_LEX_STOP))
        return JA_NONE;
    if (t->flags & (TXT_TF_ADJ_NOUN | TXT_TF_GENERIC))
        return JA_INNER;
    return JA_HEAD;
}

static ws_status
add_phrase(txt_corpus *cp, const txt_doc *doc, size_t a, size_t b, u32vec *out)
{
    char buf[256];
    size_t len = 0;
    bool ja = doc->lang == TXT_LANG_JA;
    for (size_t i = a; i < b; i++) {
        const txt_token *t = &doc->tok[i];
        const char *s = ja ? doc->text + t->off : txt_base(doc, i);
        size_t n = ja ? t->len : t->base_len;
        if (len + n + 2 >= sizeof buf)
            return WS_OK;
        if (!ja && len)
            buf[len++] = ' ';
        memcpy(buf + len, s, n);
        len += n;
    }
    uint32_t id;
    ws_status st = strmap_id(&cp->phrases, buf, len, &id);
    if (st)
        return st;
    if (mem_grow((void **)&cp->phrase_words, &cp->phrase_words_cap, cp->phrases.count,
                 sizeof *cp->phrase_words))
        return diag_nomem();
    cp->phrase_words[id] = (uint32_t)(b - a);
    if (mem_grow((void **)&cp->phrase_spec, &cp->phrase_spec_cap, cp->phrases.count,
                 sizeof *cp->phrase_spec))
        return diag_nomem();
    /* A Japanese phrase is as specific as its most specific noun (the background is
     * Japanese only). */
    double spec = ja ? 0.0 : 1.0;
    for (size_t i = a; i < b && ja; i++)
        if (ja_part_of(doc, i) == JA_HEAD)
            spec = fmax(spec, txt_background_specificity(txt_base(doc, i), doc->tok[i].base_len));
    cp->phrase_spec[id] = (float)spec;
    if (mem_grow((void **)&cp->phrase_ja, &cp->phrase_ja_cap, cp->phrases.count,
                 sizeof *cp->phrase_ja))
        return diag_nomem();
    cp->phrase_ja[id] = ja;
    return u32_push(out, id);
}

/* Suffixes that place, time or address what they follow (勤労基準法上, 大戦中, 佐々木さん,
 * ツバメたち): the keyword is what comes before them. */
static bool
is_relational_suffix(const txt_doc *doc, size_t i)
{
    static const char *const p[] = {"上", "中", "後", "内", "等", "ら", "たち", "達", "さん",
                                    "ちゃん", "くん", "様", "氏", "側", "時", "前"};
    const txt_token *t = &doc->tok[i];
    if (!(t->flags & TXT_TF_NONINDEP))
        return false;
    for (size_t k = 0; k < sizeof p / sizeof p[0]; k++)
        if (t->len == strlen(p[k]) && memcmp(doc->text + t->off, p[k], t->len) == 0)
            return true;
    return false;
}

/* Whether tokens [a, b) spell one of the n words in p. */
static bool
span_is(const txt_doc *doc, size_t a, size_t b, const char *const *p, size_t n)
{
    size_t s0 = doc->tok[a].off, s1 = doc->tok[b - 1].off + doc->tok[b - 1].len;
    for (size_t k = 0; k < n; k++)
        if (s1 - s0 == strlen(p[k]) && memcmp(doc->text + s0, p[k], s1 - s0) == 0)
            return true;
    return false;
}

static bool
has_person(const txt_doc *doc, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++)
        if (doc->tok[k].flags & TXT_TF_PERSON)
            return true;
    return false;
}

/* A title or role beside a person's name is no part of the name (コッポラ監督, 西林仁昭准教授,
 * 田中靖浩著, 創業者スティーブ・ジョブズ): the keyword is the person.  Only next to a name
 * MeCab knows as one (人名): 京都大学教授 stays whole.  The longest title goes first
 * (准教授 before 教授). */
static void
trim_person_roles(const txt_doc *doc, size_t *pa, size_t *pb)
{
    static const char *const after[] = {
        "監督", "教授", "准教授", "助教", "講師", "先生", "社長", "会長", "選手", "博士", "著",
        "編", "訳", "代表", "代表取締役", "取締役", "議員", "知事", "市長", "首相", "大統領",
        "記者", "理事長", "所長", "院長", "部長", "課長", "長官", "大臣", "総裁", "委員長",
        "師", "画伯", "名誉教授", "特任教授", "主任", "研究員", "作", "選"};
    static const char *const before[] = {
        "創業者", "監督", "作家", "俳優", "女優", "歌手", "選手", "教授", "博士", "社長",
        "会長", "著者", "記者", "画家", "詩人", "首相", "大統領", "代表", "代表取締役",
        "准教授", "名誉教授", "研究員", "司会", "作者", "演出家", "脚本家", "指揮者"};
    size_t a = *pa, b = *pb;
    for (bool again = true; again && b > a + 1;) {
        again = false;
        for (size_t k = a + 1; k < b && !again; k++)
            if (span_is(doc, k, b, after, sizeof after / sizeof after[0]) &&
                has_person(doc, a, k)) {
                b = k;
                again = true;
            }
    }
    for (bool again = true; again && b > a + 1;) {
        again = false;
        for (size_t k = b - 1; k > a && !again; k--)
            if (span_is(doc, a, k, before, sizeof before / sizeof before[0]) &&
                has_person(doc, k, b)) {
                a = k;
                again = true;
            }
    }
    *pa = a;
    *pb = b;
}

/* Japanese keywords: maximal compound nouns (prefix, nouns, suffixes, numbers, joined by
 * "・"), trimmed of parts that cannot open or close one; a compound without an independent
 * noun (三年, 2つ) or of more than JA_MAX_PARTS parts is no keyword. */
#define JA_MAX_PARTS 8

static ws_status
ja_phrases(txt_corpus *cp, const txt_doc *doc, u32vec *out)
{
    ws_status st = WS_OK;
    for (size_t i = 0; i < doc->ntok && !st;) {
        ja_part p = ja_part_of(doc, i);
        if (p == JA_NONE || p == JA_JOIN) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < doc->ntok && !(doc->tok[j].flags & TXT_TF_NL)) {
            ja_part q = ja_part_of(doc, j);
            /* A number inside a run starts a new one (ベルリン12日ロイター is a place, a
             * date and a name) unless a prefix counts with it (第32回カンヌ国際映画祭). */
            if (doc->tok[j].kind == TXT_TOK_NUMBER && doc->tok[j - 1].kind != TXT_TOK_NUMBER &&
                ja_part_of(doc, j - 1) != JA_PREFIX)
                break;
            if (q == JA_NONE || (q == JA_JOIN && (j + 1 >= doc->ntok ||
                                                  ja_part_of(doc, j + 1) == JA_NONE ||
                                                  ja_part_of(doc, j + 1) == JA_JOIN)))
                break;
            j++;
        }
        size_t a = i, b = j;
        /* A compound opens with a head or a prefix, and closes with a head or a suffix. */
        while (a < b && ja_part_of(doc, a) != JA_HEAD && ja_part_of(doc, a) != JA_PREFIX)
            a++;
        while (b > a && ja_part_of(doc, b - 1) != JA_HEAD && ja_part_of(doc, b - 1) != JA_ATTACH)
            b--;
        while (b > a + 1 && is_relational_suffix(doc, b - 1))
            b--;
        /* A date or count at the end is no part of the name (安永2年, 部品3点). */
        for (size_t k = b; k > a + 1; k--)
            if (doc->tok[k - 1].kind == TXT_TOK_NUMBER) {
                bool counter = true;
                for (size_t q = k; q < b; q++)
                    counter &= ja_part_of(doc, q) == JA_ATTACH;
                if (counter)
                    b = k - 1;
                break;
            }
        trim_person_roles(doc, &a, &b);
        size_t heads = 0;
        for (size_t k = a; k < b; k++)
            heads += ja_part_of(doc, k) == JA_HEAD;
        if (heads > 0 && b - a <= JA_MAX_PARTS)
            st = add_phrase(cp, doc, a, b, out);
        i = j;
    }
    return st;
}

/* A Markdown heading: "#" to "######", then a space ("#tag" is a hashtag, not a heading). */
static bool
is_heading(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = 0;
    while (s[n] == '#')
        n++;
    return n >= 1 && n <= 6 && (s[n] == ' ' || s[n] == '\t');
}

static ws_status
collect_comment(txt_corpus *cp, const txt_doc *doc, comment *c)
{
    ws_status st = WS_OK;
    u32vec tmp = {0};
    bool ja = doc->lang == TXT_LANG_JA;
    /* sentences and their terms */
    c->sent0 = cp->ns;
    for (size_t s = 0; s < doc->nsent && !st; s++) {
        size_t a = doc->sent[s], b = doc->sent[s + 1], words = 0;
        tmp.n = 0;
        for (size_t i = a; i < b && !st; i++) {
            words += doc->tok[i].kind == TXT_TOK_WORD;
            if (is_term(doc, i)) {
                uint32_t id;
                st = strmap_id(&cp->terms, txt_base(doc, i), doc->tok[i].base_len, &id);
                if (!st)
                    st = u32_push(&tmp, id);
            }
        }
        if (st || tmp.n == 0)
            continue;
        if (mem_grow((void **)&cp->s, &cp->s_cap, cp->ns + 1, sizeof *cp->s) ||
            mem_grow((void **)&cp->sweights, &cp->sweights_cap, cp->sterms.n + tmp.n,
                     sizeof *cp->sweights)) {
            st = diag_nomem();
            break;
        }
        size_t m = uniq_count(tmp.v, tmp.n, cp->sweights + cp->sterms.n);
        sentence *se = &cp->s[cp->ns];
        memset(se, 0, sizeof *se);
        se->comment = (size_t)(c - cp->c);
        se->term0 = cp->sterms.n;
        se->nterm = m;
        se->words = ja ? words / 2 + 1 : words;
        size_t start, end;
        txt_sentence_span(doc, s, &start, &end);
        if (!(se->text = mem_strndup(doc->text + start, end - start))) {
            st = diag_nomem();
            break;
        }
        for (size_t k = 0; k < m && !st; k++)
            st = u32_push(&cp->sterms, tmp.v[k]);
        cp->ns++;
    }
    c->nsent = cp->ns - c->sent0;
    /* distinct terms of the comment */
    tmp.n = 0;
    for (size_t i = 0; i < doc->ntok && !st; i++)
        if (is_term(doc, i)) {
            uint32_t id;
            st = strmap_id(&cp->terms, txt_base(doc, i), doc->tok[i].base_len, &id);
            if (!st)
                st = u32_push(&tmp, id);
        }
    if (!st) {
        size_t m = uniq_count(tmp.v, tmp.n, NULL);
        c->term0 = cp->cterms.n;
        c->nterm = m;
        for (size_t k = 0; k < m && !st; k++)
            st = u32_push(&cp->cterms, tmp.v[k]);
    }
    /* keyword phrases */
    tmp.n = 0;
    if (ja)
        st = ja_phrases(cp, doc, &tmp);
    for (size_t i = 0; i < doc->ntok && !st && !ja;) {
        if (!is_keyword_word(doc, i)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < doc->ntok && is_keyword_word(doc, j) &&
               !(j > i && (doc->tok[j].flags & TXT_TF_NL)))
            j++;
        /* A long English run is split into its last words (the head noun phrase). */
        if (j - i <= 3)
            st = add_phrase(cp, doc, i, j, &tmp);
        else
            st = add_phrase(cp, doc, j - 3, j, &tmp);
        i = j;
    }
    if (!st) {
        size_t m = uniq_count(tmp.v, tmp.n, NULL);
        c->phr0 = cp->cphr.n;
        c->nphr = m;
        for (size_t k = 0; k < m && !st; k++)
            st = u32_push(&cp->cphr, tmp.v[k]);
    }
    /* text for seed matching */
    if (!st) {
        size_t cap = 2, len = 0;
        if (ja) {
            c->joined = mem_strndup(doc->text, doc->len);
        } else {
            for (size_t i = 0; i < doc->ntok; i++)
                cap += doc->tok[i].base_len + 1;
            if ((c->joined = mem_alloc(cap + 1))) {
                c->joined[len++] = ' ';
                for (size_t i = 0; i < doc->ntok; i++) {
                    /* Currency signs stay: "$20" is about price. */
                    if (doc->tok[i].kind == TXT_TOK_PUNCT && !is_currency(doc, i))
                        continue;
                    memcpy(c->joined + len, txt_base(doc, i), doc->tok[i].base_len);
                    len += doc->tok[i].base_len;
                    c->joined[len++] = ' ';
                }
                c->joined[len] = '\0';
            }
        }
        if (!c->joined)
            st = diag_nomem();
    }
    mem_free(tmp.v);
    return st;
}

ws_status
txt_corpus_new(const char *const *texts, size_t n, const txt_lexicon *user, txt_corpus **out)
{
    txt_corpus *cp = mem_calloc(1, sizeof *cp);
    txt_doc doc;
    txt_doc_init(&doc);
    ws_status st = cp ? WS_OK : diag_nomem();
    if (!st && n && !(cp->c = mem_calloc(n, sizeof *cp->c)))
        st = diag_nomem();
    if (!st)
        cp->n_in = n;
    for (size_t i = 0; i < n && !st; i++) {
        if (!texts[i] || !texts[i][0])
            continue;
        if ((st = txt_doc_analyze(&doc, texts[i], strlen(texts[i]))))
            break;
        if (doc.ntok == 0)
            continue;
        comment *c = &cp->c[cp->nc++];
        c->source = i;
        c->lang = doc.lang;
        c->heading = is_heading(doc.text);
        txt_sentiment(&doc, user, &c->sent);
        st = collect_comment(cp, &doc, c);
    }
    txt_doc_clear(&doc);
    if (st) {
        txt_corpus_free(cp);
        return st;
    }
    *out = cp;
    return WS_OK;
}

/* ----- summary ----------------------------------------------------------------------- */

/* TF-IDF weights of every sentence, L2-normalised, in place of the counts. */
static ws_status
sentence_vectors(const txt_corpus *cp, float *w)
{
    size_t V = cp->terms.count;
    uint32_t *df = mem_calloc(V ? V : 1, sizeof *df);
    if (!df)
        return diag_nomem();
    for (size_t k = 0; k < cp->sterms.n; k++)
        df[cp->sterms.v[k]]++;
    for (size_t i = 0; i < cp->ns; i++) {
        const sentence *s = &cp->s[i];
        double norm = 0;
        for (size_t k = 0; k < s->nterm; k++) {
            size_t at = s->term0 + k;
            double idf = log(((double)cp->ns + 1.0) / ((double)df[cp->sterms.v[at]] + 0.5));
            w[at] = (float)((1.0 + log(cp->sweights[at])) * idf);
            norm += (double)w[at] * w[at];
        }
        norm = norm > 0 ? 1.0 / sqrt(norm) : 0;
        for (size_t k = 0; k < s->nterm; k++)
            w[s->term0 + k] = (float)(w[s->term0 + k] * norm);
    }
    mem_free(df);
    return WS_OK;
}

static double
cosine(const txt_corpus *cp, const float *w, size_t a, size_t b)
{
    const sentence *x = &cp->s[a], *y = &cp->s[b];
    size_t i = 0, j = 0;
    double dot = 0;
    while (i < x->nterm && j < y->nterm) {
        uint32_t p = cp->sterms.v[x->term0 + i], q = cp->sterms.v[y->term0 + j];
        if (p == q)
            dot += (double)w[x->term0 + i++] * w[y->term0 + j++];
        else if (p < q)
            i++;
        else
            j++;
    }
    return dot;
}

static bool
summary_candidate(const sentence *s)
{
    return s->words >= MIN_SENT_WORDS && s->words <= MAX_SENT_WORDS;
}

ws_status
txt_corpus_summary(const txt_corpus *cp, size_t k, char ***out, size_t *count)
{
    size_t n = cp->ns;
    float *w = mem_alloc((cp->sterms.n ? cp->sterms.n : 1) * sizeof *w);
    double *score = mem_calloc(n ? n : 1, sizeof *score);
    size_t *pool = mem_alloc((n ? n : 1) * sizeof *pool);
    size_t *chosen = mem_alloc((k ? k : 1) * sizeof *chosen);
    double *tmp = NULL;
    char **res = NULL;
    ws_status st = (w && score && pool && chosen) ? WS_OK : diag_nomem();
    if (!st)
        st = sentence_vectors(cp, w);
    if (st)
        goto done;
    size_t np = 0;
    for (size_t i = 0; i < n; i++)
        if (summary_candidate(&cp->s[i]))
            pool[np++] = i;
    if (np == 0) /* only short or long sentences: take them all */
        for (size_t i = 0; i < n; i++)
            pool[np++] = i;
    if (np <= LEXRANK_MAX) {
        /* LexRank: stationary distribution of the thresholded cosine graph. */
        double *deg = mem_calloc(np ? np : 1, sizeof *deg);
        tmp = mem_alloc((np ? np : 1) * sizeof *tmp);
        float *sim = mem_alloc((np > 0 ? np * np : 1) * sizeof *sim);
        if (!deg || !tmp || !sim) {
            mem_free(deg);
            mem_free(sim);
            st = diag_nomem();
            goto done;
        }
        for (size_t a = 0; a < np; a++)
            for (size_t b = a; b < np; b++) {
                double c = a == b ? 1.0 : cosine(cp, w, pool[a], pool[b]);
                float v = c >= 0.1 ? (float)c : 0.0f;
                sim[a * np + b] = sim[b * np + a] = v;
            }
        for (size_t a = 0; a < np; a++) {
            for (size_t b = 0; b < np; b++)
                deg[a] += sim[a * np + b];
            score[pool[a]] = 1.0 / (double)np;
        }
        for (int it = 0; it < 50; it++) {
            double delta = 0;
            for (size_t a = 0; a < np; a++) {
                double sum = 0;
                for (size_t b = 0; b < np; b++)
                    if (sim[b * np + a] != 0)
                        sum += sim[b * np + a] / deg[b] * score[pool[b]];
                tmp[a] = 0.15 / (double)np + 0.85 * sum;
            }
            for (size_t a = 0; a < np; a++) {
                delta += fabs(tmp[a] - score[pool[a]]);
                score[pool[a]] = tmp[a];
            }
            if (delta < 1e-7)
                break;
        }
        mem_free(deg);
        mem_free(sim);
    } else {
        /* Linear: cosine to the centroid of all sentences. */
        size_t V = cp->terms.count;
        tmp = mem_calloc(V ? V : 1, sizeof *tmp);
        if (!tmp) {
            st = diag_nomem();
            goto done;
        }
        for (size_t k2 = 0; k2 < cp->sterms.n; k2++)
            tmp[cp->sterms.v[k2]] += w[k2];
        for (size_t a = 0; a < np; a++) {
            const sentence *s = &cp->s[pool[a]];
            double dot = 0;
            for (size_t q = 0; q < s->nterm; q++)
                dot += w[s->term0 + q] * tmp[cp->sterms.v[s->term0 + q]];
            score[pool[a]] = dot;
        }
    }
    /* Keep the MMR_POOL best (stable by position) and pick with MMR. */
    for (size_t a = 1; a < np; a++) { /* insertion sort by score desc on the pool */
        size_t x = pool[a], b = a;
        while (b > 0 && score[pool[b - 1]] < score[x]) {
            pool[b] = pool[b - 1];
            b--;
        }
        pool[b] = x;
        if (a >= 4 * MMR_POOL)
            break;
    }
    if (np > MMR_POOL)
        np = MMR_POOL;
    double top = np ? score[pool[0]] : 1;
    if (top <= 0)
        top = 1;
    size_t nc = 0;
    while (nc < k && nc < np) {
        double best = -1e300;
        size_t bi = SIZE_MAX;
        for (size_t a = 0; a < np; a++) {
            size_t i = pool[a];
            bool used = false;
            double red = 0;
            for (size_t q = 0; q < nc; q++) {
                used |= chosen[q] == i;
                double c = cosine(cp, w, i, chosen[q]);
                if (c > red)
                    red = c;
                used |= strcmp(cp->s[i].text, cp->s[chosen[q]].text) == 0;
            }
            if (used)
                continue;
            double v = MMR_LAMBDA * score[i] / top - (1 - MMR_LAMBDA) * red;
            if (v > best) {
                best = v;
                bi = i;
            }
        }
        if (bi == SIZE_MAX)
            break;
        chosen[nc++] = bi;
    }
    if (!(res = mem_calloc(nc ? nc : 1, sizeof *res))) {
        st = diag_nomem();
        goto done;
    }
    for (size_t q = 0; q < nc; q++)
        if (!(res[q] = mem_strdup(cp->s[chosen[q]].text))) {
            for (size_t r = 0; r < q; r++)
                mem_free(res[r]);
            mem_free(res);
            res = NULL;
            st = diag_nomem();
            goto done;
        }
    *out = res;
    *count = nc;
done:
    mem_free(tmp);
    mem_free(w);
    mem_free(score);
    mem_free(pool);
    mem_free(chosen);
    return st;
}

/* ----- keywords ---------------------------------------------------------------------- */

void
txt_keywords_free(txt_keyword *kw, size_t count)
{
    for (size_t i = 0; kw && i < count; i++)
        mem_free(kw[i].text);
    mem_free(kw);
}

typedef struct ranked {
    size_t id;
    double weight;
} ranked;

static int
cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Rank the phrases of the comments selected by `member` (NULL: all). */
static ws_status
rank_phrases(const txt_corpus *cp, const size_t *member, size_t which, ranked **out,
             size_t *count, double **sum_out, size_t **scored_out, size_t **df_out)
{
    size_t P = cp->phrases.count;
    size_t *df = mem_calloc(P ? P : 1, sizeof *df);
    size_t *scored = mem_calloc(P ? P : 1, sizeof *scored);
    double *sum = mem_calloc(P ? P : 1, sizeof *sum);
    ranked *r = mem_alloc((P ? P : 1) * sizeof *r);
    uint8_t *heading = mem_calloc(P ? P : 1, 1);
    if (!df || !scored || !sum || !r || !heading) {
        mem_free(heading);
        mem_free(df);
        mem_free(scored);
        mem_free(sum);
        mem_free(r);
        return diag_nomem();
    }
    size_t members = 0;
    for (size_t i = 0; i < cp->nc; i++) {
        if (member && member[i] != which)
            continue;
        members++;
        const comment *c = &cp->c[i];
        for (size_t k = 0; k < c->nphr; k++) {
            uint32_t id = cp->cphr.v[c->phr0 + k];
            df[id]++;
            heading[id] |= c->heading;
            if (c->sent.label != TXT_UNKNOWN) {
                scored[id]++;
                sum[id] += c->sent.score;
            }
        }
    }
    size_t n = 0;
    size_t min_df = members >= 20 ? 2 : 1;
    for (size_t id = 0; id < P; id++) {
        if (df[id] < min_df)
            continue;
        const char *key = cp->phrases.keys[id];
        const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), key, strlen(key));
        uint32_t words = cp->phrase_words[id];
        /* Everyday words (場合, 情報) give way to the words a text is about.  A Japanese
         * compound counts MeCab's words (自動車|優良|部品), which are shorter than English
         * ones, so its length weighs in fully rather than by its square root, and half its
         * characters besides: a katakana or unknown word is one MeCab word however long
         * (キュウリモザイクウイルス).  (Checked on the even documents of the flatton set
         * only.) */
        double len = sqrt((double)words);
        if (cp->phrase_ja[id]) {
            size_t chars = 0;
            for (const char *q = key; *q; q++)
                chars += ((unsigned char)*q & 0xC0) != 0x80;
            len = (double)words + 0.5 * (double)chars;
        }
        double wgt = (double)df[id] * len * (0.3 + 0.7 * cp->phrase_spec[id]);
        /* What a heading of a pasted document names is what the text is about (checked on
         * the even flatton documents as the rest). */
        if (cp->phrase_ja[id] && heading[id])
            wgt *= 3;
        /* One kanji alone (手, 図, 森) is seldom what a text is about. */
        if (cp->phrase_ja[id] && strlen(key) <= 3)
            wgt *= 0.5;
        /* A bare opinion word ("great") is how people feel, not what they talk about. */
        if (e && (e->flags & TXT_LEX_POLAR) && e->val != 0 && words == 1)
            wgt *= 0.3;
        r[n].id = id;
        r[n].weight = wgt;
        n++;
    }
    mem_free(heading);
    qsort(r, n, sizeof *r, cmp_ranked);
    *out = r;
    *count = n;
    if (sum_out)
        *sum_out = sum;
    else
        mem_free(sum);
    if (scored_out)
        *scored_out = scored;
    else
        mem_free(scored);
    if (df_out)
        *df_out = df;
    else
        mem_free(df);
    return WS_OK;
}

ws_status
txt_corpus_keywords(const txt_corpus *cp, size_t k, txt_keyword **out, size_t *count)
{
    ranked *r = NULL;
    size_t n = 0, *scored = NULL, *df = NULL;
    double *sum = NULL;
    txt_keyword *kw = NULL;
    ws_status st = rank_phrases(cp, NULL, 0, &r, &n, &sum, &scored, &df);
    if (st)
        return st;
    size_t m = n < k ? n : k;
    if (!(kw = mem_calloc(m ? m : 1, sizeof *kw))) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0; i < m; i++) {
        size_t id = r[i].id;
        if (!(kw[i].text = mem_strdup(cp->phrases.keys[id]))) {
            txt_keywords_free(kw, i);
            kw = NULL;
            st = diag_nomem();
            goto done;
        }
        kw[i].comments = df[id];
        kw[i].sentiment = scored[id] ? sum[id] / (double)scored[id] : NAN;
        kw[i].weight = r[i].weight;
    }
    *out = kw;
    *count = m;
done:
    mem_free(r);
    mem_free(sum);
    mem_free(scored);
    mem_free(df);
    return st;
}

/* ----- topics ------------------------------------------------------------------------ */

/* Seed words written for worldsheet from general knowledge of reviews of products, shops,
 * restaurants and hotels; their weights (":N", 1 without) were checked on SemEval-2016's
 * restaurant TRAINING file only (bench/text: TEXT_BENCH_ONLY=semeval-dev), never on its test
 * file.  3 = the word names the aspect ("price", "waiter", "decor"), 2 = a word that judges
 * it ("overpriced", "rude", "tasty"), 1 = a thing or act the aspect is often about, 0.5 = a
 * word that leans to the aspect but is common elsewhere.  English seeds match whole words
 * (and their plural in -s); Japanese seeds match anywhere in the comment, so short ones are
 * written with a following particle where they would otherwise match inside unrelated
 * words (味 in 意味, 興味); a Japanese seed weighs what its English counterpart does.
 * Waiting is service (queues, tables, food that is slow to come) before it is delivery; a
 * delivery word decides for delivery. */
static const txt_topic_def builtin_topics[] = {
    {"price",
     "price:3,prices:3,priced:3,pricing:3,cost:2,costs:2,costly:3,expensive:3,inexpensive:3,"
     "cheap:2,cheaper:2,affordable:3,value:2,money:2,worth,overpriced:3,over priced:3,pricey:3,"
     "deal,bargain:2,discount:2,fee:2,fees:2,charge,charged,bill:0.5,budget:2,refund,"
     "paid:0.5,pay:0.5,bucks:2,dollars:2,$:2,reasonable,reasonably priced:3,"
     "値段:3,価格:3,料金:3,費用:3,安い:2,安く:2,高すぎ:2,コスパ:3,割高:3,割安:3,格安:3,"
     "お得:2,値引き:2,値上げ:2,金額:3,お値打ち:3,リーズナブル:3,会計,支払,税込:2,円"},
    {"quality",
     "quality:3,durable:2,sturdy:2,flimsy:2,broke,broken,defective:2,reliable,works,material,"
     "materials,build,made:0.5,performance:2,sound,battery,"
     "food:2,dish,dishes,meal,meals,menu,taste:2,tasted:2,tasty:2,tasteless:2,flavor:2,"
     "flavour:2,flavors:2,flavorful:2,delicious:2,yummy:2,fresh:2,stale:2,bland:2,salty:2,"
     "greasy:2,crispy:2,juicy:2,tender:2,overcooked:2,undercooked:2,cooked,portion,portions,"
     "ingredients,chef,cuisine,recipe,breakfast,lunch,dinner,brunch,appetizer,appetizers,"
     "entree,entrees,dessert,desserts,salad,soup,sauce,rice,noodles,bread,pizza,pasta,burger,"
     "sandwich,fries,steak,chicken,beef,pork,lamb,veal,duck,fish,seafood,shrimp,salmon,tuna,"
     "lobster,crab,oysters,mussels,clams,scallops,calamari,sushi,sashimi,roll,rolls,ramen,"
     "curry,tacos,dumplings,cheese,eggs,vegetables,veggies,cake,pie,pastries,chocolate,"
     "ice cream,drink,drinks,wine,wines,beer,beers,cocktail,cocktails,martini,coffee,"
     "espresso,tea,juice,sake,"
     "品質:3,質が,質は,丈夫:2,壊れ,故障,不良:2,耐久:2,性能:2,電池,音質:2,画質:2,"
     "料理:2,味付け:2,味が:2,味は:2,味も:2,美味:2,風味:2,食事,新鮮:2,鮮度:2,食材,メニュー,"
     "ボリューム,量が,量は,朝食,夕食,昼食,ランチ,ディナー,飲み物,ドリンク,ビール,ワイン,"
     "コーヒー,紅茶,デザート,肉,魚,野菜,寿司,ラーメン,パン,食感:2,おいしい:2,まずい:2,"
     "うまい:2"},
    {"design",
     "design:3,designed:3,look,looks,style:2,stylish:2,color,colour,colors,beautiful,ugly,"
     "appearance:2,size,shape,elegant:2,cute,decor:3,decorated:2,decoration:3,atmosphere:3,"
     "ambience:3,ambiance:3,interior:2,space,room,rooms,view:2,music:2,noise:2,noisy:2,loud:2,"
     "quiet:2,cozy:2,romantic:2,lighting:2,vibe:2,setting:2,crowded,cramped:2,spacious:2,"
     "patio:2,garden:2,terrace:2,outdoor:2,outside,seating,seats,booth,booths,bathroom,"
     "bathrooms,restroom,lounge,entertainment:2,jazz:2,band,dj:2,charm:2,charming:2,relax,"
     "relaxing,"
     "デザイン:3,見た目:2,色,形,外観:3,おしゃれ:2,かわいい,雰囲気:3,内装:3,店内:2,部屋,"
     "景色:2,眺め:2,サイズ,音楽:2,照明:2,静か:2,うるさい:2,落ち着,広々:2,狭い"},
    {"delivery",
     "delivery:3,deliver:2,delivered:2,shipping:3,shipped:3,ship:2,arrived,arrive,arrival:2,"
     "package:2,packaging:2,courier:3,late,delay,delayed,tracking:2,wait:0.5,waited:0.5,"
     "waiting:0.5,"
     "配送:3,配達:3,発送:3,到着:2,届く,届い,梱包:2,遅延,宅配:3,送料:3,待ち:0.5,待た:0.5"},
    {"support",
     "service:3,support:3,customer service:3,staff:3,wait staff:3,waitstaff:3,waiter:3,"
     "waiters:3,waitress:3,server:3,servers:3,manager:3,host:2,hostess:3,owner:2,bartender:3,"
     "employee:3,employees:3,help,helpful:2,rude:3,friendly:2,attentive:3,polite:3,courteous:3,"
     "welcoming:2,professional:2,attitude:2,response:2,replied:2,reply:2,answer,answered,call,"
     "called,email,warranty:2,reservation:2,seated:2,seat,served,ignored:2,rushed:2,rush,"
     "apologize:2,apologized:2,apology:2,tip,asked,ask,requested,brought,forgot,greeted:2,"
     "prompt,slow,wait,waited,waiting,she:0.5,he:0.5,offered,asking,rudeness:3,smiling,smile,"
     "サポート:3,対応:3,接客:3,スタッフ:3,店員:3,従業員:3,問い合わせ:2,問合せ:2,返信:2,"
     "サービス:3,フロント:3,親切:2,丁寧:2,態度:2,愛想:2,笑顔,案内,予約:2,待ち,待た"},
    {"usability",
     "easy,easier,difficult,hard to use:3,use:0.5,using:0.5,usable:3,user,interface:2,setup:2,"
     "set up:2,install:2,installation:2,instructions:2,manual,convenient,intuitive:3,"
     "confusing:2,complicated:2,app,software,buttons,使いやすい:3,使いにくい:3,使い方:3,操作:2,"
     "設定:2,簡単,便利,不便,わかりやすい:2,分かりやすい:2,説明書:2,アプリ"},
};

const txt_topic_def *
txt_builtin_topics(size_t *count)
{
    *count = sizeof builtin_topics / sizeof builtin_topics[0];
    return builtin_topics;
}

void
txt_topics_free(txt_topic *topics, size_t count)
{
    for (size_t i = 0; topics && i < count; i++) {
        mem_free(topics[i].name);
        mem_free(topics[i].keywords);
    }
    mem_free(topics);
}

/* One seed word of a topic: the text between commas, trimmed, with its weight (an optional
 * ":N" suffix, 0 < N <= 10; 1 without one). */
typedef struct seed_ref {
    size_t topic;
    const char *p;
    size_t n;
    double weight;
} seed_ref;

/* The weight suffix of a seed ("waiter:3"), or 0 when the seed has none (the colon then
 * belongs to the seed, as in "16:9"). */
static double
seed_weight(const char *p, size_t *len)
{
    size_t n = *len, k = n;
    while (k > 0 && ((p[k - 1] >= '0' && p[k - 1] <= '9') || p[k - 1] == '.'))
        k--;
    if (k == n || k < 2 || p[k - 1] != ':' || (p[k - 2] >= '0' && p[k - 2] <= '9'))
        return 0;
    char num[16];
    if (n - k >= sizeof num)
        return 0;
    memcpy(num, p + k, n - k);
    num[n - k] = '\0';
    char *end = NULL;
    double w = strtod(num, &end);
    if (*end || !(w > 0 && w <= 10))
        return 0;
    *len = k - 1;
    return w;
}

static ws_status
parse_seeds(const txt_topic_def *defs, size_t ndefs, seed_ref **out, size_t *count)
{
    seed_ref *v = NULL;
    size_t n = 0, cap = 0;
    for (size_t t = 0; t < ndefs; t++) {
        const char *p = defs[t].seeds;
        while (*p) {
            while (*p == ',' || *p == ' ')
                p++;
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            while (len && p[len - 1] == ' ')
                len--;
            double w = seed_weight(p, &len);
            while (len && p[len - 1] == ' ')
                len--;
            if (len > 0 && len < 120) {
                if (mem_grow((void **)&v, &cap, n + 1, sizeof *v)) {
                    mem_free(v);
                    return diag_nomem();
                }
                v[n++] = (seed_ref){t, p, len, w > 0 ? w : 1.0};
            }
            p = e ? e : p + strlen(p);
        }
    }
    *out = v;
    *count = n;
    return WS_OK;
}

/* Where the comment mentions the seed, as a byte span of c->joined: English seeds as whole
 * words (or their plural in -s, the span then covering the s), Japanese ones anywhere. */
static bool
seed_at(const comment *c, const seed_ref *sd, size_t *start, size_t *end)
{
    char seed[128];
    memcpy(seed, sd->p, sd->n);
    seed[sd->n] = '\0';
    if ((unsigned char)seed[0] >= 0x80 || c->lang == TXT_LANG_JA) {
        const char *m = strstr(c->joined, seed);
        if (!m)
            return false;
        *start = (size_t)(m - c->joined);
        *end = *start + sd->n;
        return true;
    }
    char pat[132];
    size_t n = sd->n;
    pat[0] = ' ';
    for (size_t i = 0; i < n; i++)
        pat[i + 1] = (char)(seed[i] >= 'A' && seed[i] <= 'Z' ? seed[i] + 32 : seed[i]);
    pat[n + 1] = ' ';
    pat[n + 2] = '\0';
    const char *m = strstr(c->joined, pat);
    if (!m) {
        pat[n + 1] = 's';
        pat[n + 2] = ' ';
        pat[n + 3] = '\0';
        m = strstr(c->joined, pat);
    }
    if (!m)
        return false;
    *start = (size_t)(m - c->joined) + 1;
    *end = *start + strlen(pat) - 2;
    return true;
}

typedef struct seed_hit {
    size_t topic, start, end;
    double weight;
} seed_hit;

/* A hit counts unless a longer hit covers it ("wait staff" hides "wait", "hard to use"
 * hides "use") or the same words already count for its topic ("drink" and "drinks" both
 * match "drinks": the larger weight counts, once). */
static bool
hit_hidden(const seed_hit *h, size_t nh, size_t i)
{
    const seed_hit *x = &h[i];
    for (size_t j = 0; j < nh; j++) {
        const seed_hit *y = &h[j];
        if (j == i || y->start > x->start || y->end < x->end)
            continue;
        if (y->end - y->start > x->end - x->start)
            return true;
        if (y->topic == x->topic && (y->weight > x->weight || (y->weight == x->weight && j < i)))
            return true;
    }
    return false;
}

/* Each comment's topic: the one with the largest weight of seeds it mentions.  Seeds are
 * aspect cues of unequal strength: a word that names the aspect itself ("waiter", "decor",
 * "price") outweighs the things an aspect is about ("wine" is the object of many a service
 * complaint), so built-in seeds carry weights.  SIZE_MAX when no seed occurs; ties go to
 * the earlier topic. */
static ws_status
assign_by_seeds(const txt_corpus *cp, const txt_topic_def *defs, size_t ndefs, size_t *assign)
{
    seed_ref *sd = NULL;
    size_t ns = 0;
    ws_status st = parse_seeds(defs, ndefs, &sd, &ns);
    if (st)
        return st;
    seed_hit *hits = mem_alloc((ns ? ns : 1) * sizeof *hits);
    double *score = mem_alloc((ndefs ? ndefs : 1) * sizeof *score);
    if (!hits || !score) {
        st = diag_nomem();
        goto done;
    }
    for (size_t i = 0; i < cp->nc; i++) {
        size_t nh = 0;
        for (size_t k = 0; k < ns; k++) {
            size_t a, b;
            if (seed_at(&cp->c[i], &sd[k], &a, &b))
                hits[nh++] = (seed_hit){sd[k].topic, a, b, sd[k].weight};
        }
        for (size_t t = 0; t < ndefs; t++)
            score[t] = 0;
        for (size_t q = 0; q < nh; q++)
            if (!hit_hidden(hits, nh, q))
                score[hits[q].topic] += hits[q].weight;
        size_t best = SIZE_MAX;
        for (size_t t = 0; t < ndefs; t++)
            if (score[t] > 0 && (best == SIZE_MAX || score[t] > score[best]))
                best = t;
        assign[i] = best;
    }
done:
    mem_free(sd);
    mem_free(hits);
    mem_free(score);
    return st;
}

/* Comments that mention no seed join the topic whose seed-matched comments share their
 * words (one round of self-training): a term votes for topic t with p(t | term) among the
 * seed-matched comments that use it, when at least EXPAND_MIN_DF of them do and p is at
 * least EXPAND_MIN_P; opinion words do not vote (they say how, not what).  A comment takes
 * the topic with the largest vote when it reaches EXPAND_MIN_VOTE, so one strongly
 * associated word ("sashimi" among food comments) is enough and scattered weak ones are not. */
#define EXPAND_MIN_DF 3
#define EXPAND_MIN_P 0.6
#define EXPAND_MIN_VOTE 0.6

static ws_status
expand_topics(const txt_corpus *cp, size_t ndefs, size_t *assign)
{
    size_t V = cp->terms.count;
    if (V == 0 || ndefs == 0 || V > SIZE_MAX / 8 / (ndefs + 1) || V * (ndefs + 1) > 50000000)
        return WS_OK;
    uint32_t *n = mem_calloc(V * (ndefs + 1), sizeof *n); /* [term][topic], then the total */
    double *vote = mem_alloc(ndefs * sizeof *vote);
    if (!n || !vote) {
        mem_free(n);
        mem_free(vote);
        return diag_nomem();
    }
    for (size_t i = 0; i < cp->nc; i++) {
        if (assign[i] >= ndefs)
            continue;
        for (size_t k = 0; k < cp->c[i].nterm; k++) {
            uint32_t v = cp->cterms.v[cp->c[i].term0 + k];
            n[v * (ndefs + 1) + assign[i]]++;
            n[v * (ndefs + 1) + ndefs]++;
        }
    }
    for (size_t i = 0; i < cp->nc; i++) {
        if (assign[i] != SIZE_MAX)
            continue;
        for (size_t t = 0; t < ndefs; t++)
            vote[t] = 0;
        for (size_t k = 0; k < cp->c[i].nterm; k++) {
            uint32_t v = cp->cterms.v[cp->c[i].term0 + k];
            const uint32_t *row = &n[v * (ndefs + 1)];
            if (row[ndefs] < EXPAND_MIN_DF)
                continue;
            const char *key = cp->terms.keys[v];
            const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), key, strlen(key));
            if (e && (e->flags & TXT_LEX_POLAR) && e->val != 0)
                continue;
            for (size_t t = 0; t < ndefs; t++) {
                double p = (double)row[t] / (double)row[ndefs];
                if (p >= EXPAND_MIN_P)
                    vote[t] += p;
            }
        }
        size_t best = SIZE_MAX;
        for (size_t t = 0; t < ndefs; t++)
            if (vote[t] >= EXPAND_MIN_VOTE && (best == SIZE_MAX || vote[t] > vote[best]))
                best = t;
        assign[i] = best;
    }
    mem_free(n);
    mem_free(vote);
    return WS_OK;
}

/* The member comment closest to the topic's term centroid. */
static size_t
representative(const txt_corpus *cp, const size_t *assign, size_t t, double *cent)
{
    size_t V = cp->terms.count;
    memset(cent, 0, V * sizeof *cent);
    for (size_t i = 0; i < cp->nc; i++)
        if (assign[i] == t)
            for (size_t k = 0; k < cp->c[i].nterm; k++)
                cent[cp->cterms.v[cp->c[i].term0 + k]] += 1;
    size_t best = SIZE_MAX;
    double bv = -1;
    for (size_t i = 0; i < cp->nc; i++) {
        if (assign[i] != t || cp->c[i].nterm == 0)
            continue;
        double dot = 0;
        for (size_t k = 0; k < cp->c[i].nterm; k++)
            dot += cent[cp->cterms.v[cp->c[i].term0 + k]];
        double v = dot / sqrt((double)cp->c[i].nterm + 4.0);
        if (v > bv) {
            bv = v;
            best = i;
        }
    }
    if (best == SIZE_MAX)
        for (size_t i = 0; i < cp->nc && best == SIZE_MAX; i++)
            if (assign[i] == t)
                best = i;
    return best;
}

ws_status
txt_corpus_topics(const txt_corpus *cp, const txt_topic_def *defs, size_t ndefs,
                  txt_topic **out, size_t *count, size_t **assign_out)
{
    enum { MAX_DISCOVERED = 5 };
    if (!defs)
        defs = txt_builtin_topics(&ndefs);
    size_t cap = ndefs + MAX_DISCOVERED;
    size_t *assign = mem_alloc((cp->nc ? cp->nc : 1) * sizeof *assign);
    txt_topic *tp = mem_calloc(cap, sizeof *tp);
    double *cent = mem_alloc((cp->terms.count ? cp->terms.count : 1) * sizeof *cent);
    ranked *r = NULL;
    size_t nr = 0, nt = 0;
    ws_status st = (assign && tp && cent) ? WS_OK : diag_nomem();
    if (st)
        goto fail;
    if ((st = assign_by_seeds(cp, defs, ndefs, assign)) ||
        (st = expand_topics(cp, ndefs, assign)))
        goto fail;
    for (size_t t = 0; t < ndefs; t++)
        if (!(tp[t].name = mem_strdup(defs[t].name))) {
            st = diag_nomem();
            goto fail;
        }
    nt = ndefs;
    /* Discovered themes: frequent keywords of the comments no topic claimed. */
    if ((st = rank_phrases(cp, assign, SIZE_MAX, &r, &nr, NULL, NULL, NULL)))
        goto fail;
    size_t min_comments = cp->nc / 50 > 3 ? cp->nc / 50 : 3;
    for (size_t q = 0; q < nr && nt < cap; q++) {
        const char *key = cp->phrases.keys[r[q].id];
        size_t members = 0;
        for (size_t i = 0; i < cp->nc; i++) {
            if (assign[i] != SIZE_MAX)
                continue;
            const comment *c = &cp->c[i];
            for (size_t k = 0; k < c->nphr; k++)
                if (cp->cphr.v[c->phr0 + k] == r[q].id)
                    members++;
        }
        if (members < min_comments)
            continue;
        for (size_t i = 0; i < cp->nc; i++) {
            if (assign[i] != SIZE_MAX)
                continue;
            const comment *c = &cp->c[i];
            for (size_t k = 0; k < c->nphr; k++)
                if (cp->cphr.v[c->phr0 + k] == r[q].id)
                    assign[i] = nt;
        }
        if (!(tp[nt].name = mem_strdup(key))) {
            st = diag_nomem();
            goto fail;
        }
        tp[nt].discovered = true;
        nt++;
    }
    mem_free(r);
    r = NULL;
    for (size_t t = 0; t < nt; t++) {
        txt_topic *x = &tp[t];
        size_t scored = 0;
        double sum = 0;
        for (size_t i = 0; i < cp->nc; i++) {
            if (assign[i] != t)
                continue;
            x->comments++;
            if (cp->c[i].sent.label != TXT_UNKNOWN) {
                scored++;
                sum += cp->c[i].sent.score;
            }
        }
        x->share = cp->nc ? (double)x->comments / (double)cp->nc : 0;
        x->sentiment = scored ? sum / (double)scored : NAN;
        x->example = SIZE_MAX;
        if (x->comments) {
            size_t e = representative(cp, assign, t, cent);
            x->example = e == SIZE_MAX ? SIZE_MAX : cp->c[e].source;
            size_t nk = 0;
            if ((st = rank_phrases(cp, assign, t, &r, &nk, NULL, NULL, NULL)))
                goto fail;
            size_t len = 0;
            char buf[256];
            for (size_t q = 0; q < nk && q < 3; q++) {
                const char *key = cp->phrases.keys[r[q].id];
                size_t n = strlen(key);
                if (len + n + 3 >= sizeof buf)
                    break;
                if (len) {
                    memcpy(buf + len, ", ", 2);
                    len += 2;
                }
                memcpy(buf + len, key, n);
                len += n;
            }
            mem_free(r);
            r = NULL;
            if (!(x->keywords = mem_strndup(buf, len))) {
                st = diag_nomem();
                goto fail;
            }
        } else if (!(x->keywords = mem_strdup(""))) {
            st = diag_nomem();
            goto fail;
        }
    }
    mem_free(cent);
    /* The caller sees comment indices of its own array. */
    if (assign_out) {
        size_t *by_source = NULL;
        size_t nsrc = cp->n_in;
        if (!(by_source = mem_alloc((nsrc ? nsrc : 1) * sizeof *by_source))) {
            txt_topics_free(tp, nt);
            mem_free(assign);
            return diag_nomem();
        }
        for (size_t i = 0; i < nsrc; i++)
            by_source[i] = SIZE_MAX;
        for (size_t i = 0; i < cp->nc; i++)
            by_source[cp->c[i].source] = assign[i];
        *assign_out = by_source;
    }
    mem_free(assign);
    *out = tp;
    *count = nt;
    return WS_OK;
fail:
    mem_free(r);
    mem_free(cent);
    mem_free(assign);
    txt_topics_free(tp, tp ? cap : 0);
    return st;
}

/* A first cell that names the column ("Topic", "テーマ") is a header, not a topic. */
static bool
is_topic_header(const char *s)
{
    static const char *const names[] = {"topic", "topics", "name", "トピック", "テーマ"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i]) == 0)
            return true;
    return false;
}

ws_status
txt_topics_from_range(const ws_range *r, txt_topic_def **out, size_t *count)
{
    if (r->cols != 2)
        return diag_fail(WS_ERR_VALUE, "topics: needs two columns (name, comma-separated "
                                       "seed words), not %zu", r->cols);
    txt_topic_def *d = mem_calloc(r->rows ? r->rows : 1, sizeof *d);
    if (!d)
        return diag_nomem();
    size_t n = 0;
    for (size_t i = 0; i < r->rows; i++) {
        const ws_value *a = range_get(r, i, 0), *b = range_get(r, i, 1);
        if (a->type == WS_TYPE_EMPTY && b->type == WS_TYPE_EMPTY)
            continue;
        if (i == 0 && a->type == WS_TYPE_TEXT && is_topic_header(a->as.text))
            continue;
        if (a->type != WS_TYPE_TEXT || b->type != WS_TYPE_TEXT || !a->as.text[0]) {
            mem_free(d);
            return diag_fail(WS_ERR_VALUE, "topics: row %zu: a name and its seed words (text) "
                                           "are needed", i + 1);
        }
        d[n].name = a->as.text;
        d[n].seeds = b->as.text;
        n++;
    }
    if (n == 0) {
        mem_free(d);
        return diag_fail(WS_ERR_VALUE, "topics: the range defines no topic");
    }
    *out = d;
    *count = n;
    return WS_OK;
}
