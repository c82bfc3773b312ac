/* Normalisation, language detection, tokens and sentences of one comment. */
#include <mecab.h>
#include <pthread.h>
#include <string.h>
#include <utf8proc.h>

#include "core/diag.h"
#include "core/mem.h"
#include "text/text.h"
#include "text/txt_lex.h"

/* ----- buffers ----------------------------------------------------------------------- */

void
txt_doc_init(txt_doc *doc)
{
    memset(doc, 0, sizeof *doc);
}

void
txt_doc_clear(txt_doc *doc)
{
    if (!doc)
        return;
    mem_free(doc->text);
    mem_free(doc->pool);
    mem_free(doc->tok);
    mem_free(doc->sent);
    mem_free(doc->cps);
    txt_doc_init(doc);
}

static ws_status
pool_add(txt_doc *doc, const char *s, size_t len, uint32_t *off)
{
    if (mem_grow((void **)&doc->pool, &doc->pool_cap, doc->pool_len + len + 1, 1))
        return diag_nomem();
    *off = (uint32_t)doc->pool_len;
    memcpy(doc->pool + doc->pool_len, s, len);
    doc->pool[doc->pool_len + len] = '\0';
    doc->pool_len += len + 1;
    return WS_OK;
}

static ws_status
push_token(txt_doc *doc, const txt_token *t)
{
    if (mem_grow((void **)&doc->tok, &doc->tok_cap, doc->ntok + 1, sizeof *doc->tok))
        return diag_nomem();
    doc->tok[doc->ntok++] = *t;
    return WS_OK;
}

/* ----- normalisation ----------------------------------------------------------------- */

static bool
is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

static bool
is_katakana(utf8proc_int32_t c)
{
    return c >= 0x30A1 && c <= 0x30FC && c != 0x30FB;
}

ws_status
txt_normalize(txt_doc *doc, const char *text, size_t len)
{
    if (is_ascii(text, len)) {
        /* ASCII is already NFKC: skip utf8proc on the common English path. */
        if (mem_grow((void **)&doc->text, &doc->text_cap, len + 1, 1))
            return diag_nomem();
        memcpy(doc->text, text, len);
        doc->text[len] = '\0';
        doc->len = len;
        return WS_OK;
    }
    const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
    /* Decompose with invalid bytes dropped: copy valid code points first. */
    size_t need = len + 1;
    for (;;) {
        if (mem_grow((void **)&doc->cps, &doc->cps_cap, need, sizeof *doc->cps))
            return diag_nomem();
        utf8proc_ssize_t n = 0;
        size_t pos = 0;
        bool fits = true;
        while (pos < len) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k =
                utf8proc_iterate((const utf8proc_uint8_t *)text + pos, (utf8proc_ssize_t)(len - pos), &cp);
            if (k <= 0) {
                pos++;
                continue;
            }
            pos += (size_t)k;
            if (cp == 0)
                continue;
            utf8proc_int32_t *dst = (utf8proc_int32_t *)doc->cps + n;
            utf8proc_ssize_t room = (utf8proc_ssize_t)doc->cps_cap - n;
            int last = 0;
            utf8proc_ssize_t m = utf8proc_decompose_char(cp, dst, room, opt, &last);
            if (m < 0)
                continue;
            if (m > room) {
                need = doc->cps_cap * 2 + (size_t)m;
                fits = false;
                break;
            }
            n += m;
        }
        if (!fits)
            continue;
        utf8proc_int32_t *buf = (utf8proc_int32_t *)doc->cps;
        n = utf8proc_normalize_utf32(buf, n, opt);
        if (n < 0)
            return diag_fail(WS_ERR_VALUE, "text: not valid Unicode");
        for (utf8proc_ssize_t i = 0; i < n; i++) {
            /* Curly quotes and the Japanese long tilde read as their ASCII forms. */
            if (buf[i] == 0x2018 || buf[i] == 0x2019 || buf[i] == 0x2032)
                buf[i] = '\'';
            else if (buf[i] == 0x201C || buf[i] == 0x201D)
                buf[i] = '"';
            /* A hyphen or dash after katakana is a long vowel mark typed with the wrong
             * key (メインセ－ル): MeCab would split the word at it. */
            else if ((buf[i] == '-' || (buf[i] >= 0x2010 && buf[i] <= 0x2015) ||
                      buf[i] == 0x2212) && i > 0 && is_katakana(buf[i - 1]) &&
                     (i + 1 == n || buf[i + 1] >= 0x3000))
                buf[i] = 0x30FC;
        }
        size_t bytes = 0;
        for (utf8proc_ssize_t i = 0; i < n; i++)
            bytes += buf[i] < 0x80 ? 1 : buf[i] < 0x800 ? 2 : buf[i] < 0x10000 ? 3 : 4;
        if (mem_grow((void **)&doc->text, &doc->text_cap, bytes + 1, 1))
            return diag_nomem();
        size_t at = 0;
        for (utf8proc_ssize_t i = 0; i < n; i++)
            at += (size_t)utf8proc_encode_char(buf[i], (utf8proc_uint8_t *)doc->text + at);
        doc->text[at] = '\0';
        doc->len = at;
        return WS_OK;
    }
}

/* ----- scripts ----------------------------------------------------------------------- */

static bool
is_kana(int32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
           (c >= 0xFF66 && c <= 0xFF9F);
}

static bool
is_kanji(int32_t c)
{
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || c == 0x3005;
}

static bool
is_emoji(int32_t c)
{
    return (c >= 0x1F300 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) ||
           (c >= 0x1F000 && c <= 0x1F2FF) || c == 0x2B50 || c == 0x2764 || c == 0x203C;
}

static bool
is_emoji_modifier(int32_t c)
{
    return c == 0xFE0F || c == 0xFE0E || c == 0x200D || (c >= 0x1F3FB && c <= 0x1F3FF);
}

txt_lang
txt_detect(const char *text, size_t len)
{
    size_t ja = 0, latin = 0, pos = 0;
    while (pos < len) {
        int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)text + pos,
                                              (utf8proc_ssize_t)(len - pos), &c);
        if (k <= 0) {
            pos++;
            continue;
        }
        pos += (size_t)k;
        if (c < 0x80) {
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                latin++;
        } else if (is_kana(c) || is_kanji(c)) {
            ja++;
        } else if (utf8proc_category(c) <= UTF8PROC_CATEGORY_LO) {
            latin++;
        }
    }
    if (ja == 0 && latin == 0)
        return TXT_LANG_NONE;
    /* A Japanese character carries about as much as a short English word. */
    return ja * 3 >= latin ? TXT_LANG_JA : TXT_LANG_EN;
}

/* ----- English ----------------------------------------------------------------------- */

static bool
is_space(int32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
           (c >= 0x80 && (utf8proc_category(c) == UTF8PROC_CATEGORY_ZS ||
                          utf8proc_category(c) == UTF8PROC_CATEGORY_ZL ||
                          utf8proc_category(c) == UTF8PROC_CATEGORY_ZP));
}

static bool
is_wordchar(int32_t c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
    utf8proc_category_t cat = utf8proc_category(c);
    return cat <= UTF8PROC_CATEGORY_NO;
}

static int32_t
cp_at(const char *s, size_t len, size_t pos, size_t *k)
{
    int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + pos,
                                          (utf8proc_ssize_t)(len - pos), &c);
    if (n <= 0) {
        *k = 1;
        return -1;
    }
    *k = (size_t)n;
    return c;
}

static ws_status
emit_word(txt_doc *doc, size_t start, size_t end, uint8_t flags)
{
    char small[256];
    char *low = small;
    size_t n = end - start;
    size_t cap = n * 2 + 8; /* lower case can be longer than upper case */
    bool big = cap > sizeof small;
    if (big && !(low = mem_alloc(cap)))
        return diag_nomem();
    size_t at = 0, letters = 0, upper = 0, digits = 0, pos = start;
    while (pos < end) {
        size_t k;
        int32_t c = cp_at(doc->text, end, pos, &k);
        pos += k;
        if (c < 0)
            continue;
        if (c >= '0' && c <= '9')
            digits++;
        int32_t l = utf8proc_tolower(c);
        if (utf8proc_category(c) == UTF8PROC_CATEGORY_LU || utf8proc_category(c) == UTF8PROC_CATEGORY_LL) {
            letters++;
            if (l != c)
                upper++;
        }
        if (at + 4 > cap)
            break;
        at += (size_t)utf8proc_encode_char(l, (utf8proc_uint8_t *)low + at);
    }
    txt_token t = {.off = (uint32_t)start, .len = (uint32_t)n, .kind = TXT_TOK_WORD,
                   .flags = flags};
    if (letters >= 2 && upper == letters)
        t.flags |= TXT_TF_CAPS;
    if (digits > 0 && letters == 0)
        t.kind = TXT_TOK_NUMBER;
    ws_status st = pool_add(doc, low, at, &t.base_off);
    t.base_len = (uint32_t)at;
    if (!st && t.kind == TXT_TOK_WORD && txt_lex_is_stop(low, at))
        t.flags |= TXT_TF_STOP;
    if (!st)
        st = push_token(doc, &t);
    if (big)
        mem_free(low);
    return st;
}

static ws_status
emit_other(txt_doc *doc, size_t start, size_t end, txt_kind kind, uint8_t flags, uint8_t count)
{
    txt_token t = {.off = (uint32_t)start, .len = (uint32_t)(end - start), .kind = (uint8_t)kind,
                   .pos = kind == TXT_TOK_PUNCT ? TXT_POS_SYMBOL : TXT_POS_OTHER,
                   .flags = flags, .count = count};
    ws_status st = pool_add(doc, doc->text + start, end - start, &t.base_off);
    t.base_len = (uint32_t)(end - start);
    return st ? st : push_token(doc, &t);
}

static ws_status
tokenize_chunk(txt_doc *doc, size_t start, size_t end, uint8_t flags)
{
    const char *s = doc->text;
    if (end - start <= 8 && txt_lex_is_emoticon(s + start, end - start))
        return emit_other(doc, start, end, TXT_TOK_EMOTICON, flags, 1);
    size_t pos = start;
    ws_status st = WS_OK;
    while (pos < end && !st) {
        size_t k;
        int32_t c = cp_at(s, end, pos, &k);
        if (c < 0 || is_emoji_modifier(c)) {
            pos += k;
            continue;
        }
        if (is_wordchar(c)) {
            size_t w = pos;
            pos += k;
            while (pos < end) {
                size_t k2, k3;
                int32_t d = cp_at(s, end, pos, &k2);
                if (d >= 0 && is_wordchar(d) && !is_emoji(d)) {
                    pos += k2;
                    continue;
                }
                /* don't, 3.5, 1,000: keep the joiner when a word character follows. */
                if ((d == '\'' || d == '.' || d == ',') && pos + k2 < end) {
                    int32_t e = cp_at(s, end, pos + k2, &k3);
                    int32_t prev = (unsigned char)s[pos - 1];
                    bool digit_join = (d == '.' || d == ',') && prev >= '0' && prev <= '9' &&
                                      e >= '0' && e <= '9';
                    if ((d == '\'' && e >= 0 && is_wordchar(e)) || digit_join) {
                        pos += k2;
                        continue;
                    }
                }
                break;
            }
            st = emit_word(doc, w, pos, flags);
        } else if (is_emoji(c)) {
            st = emit_other(doc, pos, pos + k, TXT_TOK_EMOJI, flags, 1);
            pos += k;
        } else if (c == '!' || c == '?') {
            size_t p = pos;
            unsigned count = 0;
            while (p < end && (s[p] == '!' || s[p] == '?')) {
                p++;
                count++;
            }
            st = emit_other(doc, pos, p, TXT_TOK_PUNCT, flags, (uint8_t)(count > 255 ? 255 : count));
            pos = p;
        } else {
            /* '-' between words joins nothing and ends nothing: drop it like a space. */
            if (c != '-' && c != '"' && c != '\'' && c != '*' && c != '_')
                st = emit_other(doc, pos, pos + k, TXT_TOK_PUNCT, flags, 1);
            pos += k;
        }
        flags &= (uint8_t)~TXT_TF_NL;
    }
    return st;
}

static ws_status
tokenize_en(txt_doc *doc)
{
    const char *s = doc->text;
    size_t len = doc->len, pos = 0;
    uint8_t flags = 0;
    while (pos < len) {
        size_t k;
        int32_t c = cp_at(s, len, pos, &k);
        if (c >= 0 && is_space(c)) {
            if (c == '\n' || c == '\r')
                flags = TXT_TF_NL;
            pos += k;
            continue;
        }
        size_t start = pos;
        while (pos < len) {
            c = cp_at(s, len, pos, &k);
            if (c >= 0 && is_space(c))
                break;
            pos += k;
        }
        size_t before = doc->ntok;
        ws_status st = tokenize_chunk(doc, start, pos, flags);
        if (st)
            return st;
        if (doc->ntok > before)
            flags = 0;
    }
    return WS_OK;
}

/* ----- Japanese: MeCab --------------------------------------------------------------- */

static pthread_key_t mecab_key;
static pthread_once_t mecab_once = PTHREAD_ONCE_INIT;
static int mecab_key_ok;
static char mecab_failed_marker;

static void
mecab_release(void *p)
{
    if (p && p != &mecab_failed_marker)
        mecab_destroy((mecab_t *)p);
}

static void
mecab_key_init(void)
{
    mecab_key_ok = pthread_key_create(&mecab_key, mecab_release) == 0;
}

static ws_status
mecab_get(mecab_t **out)
{
    pthread_once(&mecab_once, mecab_key_init);
    if (!mecab_key_ok)
        return diag_fail(WS_ERR_UNSUPPORTED, "Japanese text: cannot set up a MeCab tagger");
    void *p = pthread_getspecific(mecab_key);
    if (!p) {
        mecab_t *m = mecab_new2("");
        p = m ? (void *)m : (void *)&mecab_failed_marker;
        pthread_setspecific(mecab_key, p);
    }
    if (p == &mecab_failed_marker)
        return diag_fail(WS_ERR_UNSUPPORTED,
                         "Japanese text needs MeCab with its IPA dictionary (Debian packages "
                         "libmecab2 and mecab-ipadic-utf8); MeCab could not start");
    *out = (mecab_t *)p;
    return WS_OK;
}

ws_status
txt_mecab_available(void)
{
    mecab_t *m;
    return mecab_get(&m);
}

/* The n-th comma-separated field of a MeCab feature string. */
static const char *
feature_field(const char *f, int n, size_t *len)
{
    for (int i = 0; i < n && f; i++) {
        f = strchr(f, ',');
        if (f)
            f++;
    }
    if (!f) {
        *len = 0;
        return "";
    }
    const char *e = strchr(f, ',');
    *len = e ? (size_t)(e - f) : strlen(f);
    return f;
}

static bool
field_is(const char *f, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(f, want, len) == 0;
}

static ws_status
tokenize_ja(txt_doc *doc)
{
    mecab_t *m;
    ws_status st = mecab_get(&m);
    if (st)
        return st;
    const mecab_node_t *node = mecab_sparse_tonode2(m, doc->text, doc->len);
    if (!node)
        return diag_fail(WS_ERR_UNSUPPORTED, "MeCab failed on the text: %s",
                         mecab_strerror(m));
    for (; node; node = node->next) {
        if (node->stat != MECAB_NOR_NODE && node->stat != MECAB_UNK_NODE)
            continue;
        if (node->length == 0)
            continue;
        size_t off = (size_t)(node->surface - doc->text);
        txt_token t = {.off = (uint32_t)off, .len = node->length, .kind = TXT_TOK_WORD};
        for (size_t i = off - (node->rlength - node->length); i < off; i++)
            if (doc->text[i] == '\n' || doc->text[i] == '\r')
                t.flags |= TXT_TF_NL;
        size_t l0, l1, lb;
        const char *p0 = feature_field(node->feature, 0, &l0);
        const char *p1 = feature_field(node->feature, 1, &l1);
        const char *base = feature_field(node->feature, 6, &lb);
        if (field_is(p0, l0, "名詞")) {
            t.pos = TXT_POS_NOUN;
            if (field_is(p1, l1, "非自立") || field_is(p1, l1, "接尾") ||
                field_is(p1, l1, "代名詞"))
                t.flags |= TXT_TF_NONINDEP;
            if (field_is(p1, l1, "形容動詞語幹"))
                t.flags |= TXT_TF_ADJ_NOUN;
            if (field_is(p1, l1, "副詞可能"))
                t.flags |= TXT_TF_GENERIC;
            if (field_is(p1, l1, "固有名詞")) {
                size_t l2;
                const char *p2 = feature_field(node->feature, 2, &l2);
                if (field_is(p2, l2, "人名"))
                    t.flags |= TXT_TF_PERSON;
            }
            if (field_is(p1, l1, "数"))
                t.kind = TXT_TOK_NUMBER;
        } else if (field_is(p0, l0, "動詞")) {
            t.pos = TXT_POS_VERB;
            if (field_is(p1, l1, "非自立") || field_is(p1, l1, "接尾"))
                t.flags |= TXT_TF_NONINDEP;
        } else if (field_is(p0, l0, "形容詞")) {
            t.pos = TXT_POS_ADJ;
            if (field_is(p1, l1, "非自立") || field_is(p1, l1, "接尾"))
                t.flags |= TXT_TF_NONINDEP;
        } else if (field_is(p0, l0, "副詞")) {
            t.pos = TXT_POS_ADV;
        } else if (field_is(p0, l0, "助動詞")) {
            t.pos = TXT_POS_AUX;
        } else if (field_is(p0, l0, "助詞")) {
            t.pos = field_is(p1, l1, "接続助詞") ? TXT_POS_CONJ_PARTICLE : TXT_POS_PARTICLE;
        } else if (field_is(p0, l0, "接続詞")) {
            t.pos = TXT_POS_CONJ;
        } else if (field_is(p0, l0, "記号")) {
            t.pos = TXT_POS_SYMBOL;
            t.kind = TXT_TOK_PUNCT;
        } else if (field_is(p0, l0, "接頭詞")) {
            t.pos = TXT_POS_PREFIX;
        } else if (field_is(p0, l0, "感動詞")) {
            t.pos = TXT_POS_INTERJ;
        }
        size_t k;
        int32_t c0 = cp_at(doc->text, doc->len, off, &k);
        if (is_emoji(c0)) {
            t.kind = TXT_TOK_EMOJI;
            t.pos = TXT_POS_SYMBOL;
            t.len = (uint32_t)k;
        } else if (c0 == '!' || c0 == '?') {
            t.kind = TXT_TOK_PUNCT;
            t.pos = TXT_POS_SYMBOL;
            unsigned count = 0;
            for (size_t i = off; i < off + node->length; i++)
                count += doc->text[i] == '!' || doc->text[i] == '?';
            t.count = (uint8_t)(count > 255 ? 255 : count ? count : 1);
        }
        if (lb == 0 || field_is(base, lb, "*")) {
            base = doc->text + off;
            lb = t.len;
        }
        /* ASCII words inside Japanese text are looked up like English ones. */
        char low[64];
        if (lb < sizeof low && is_ascii(base, lb)) {
            for (size_t i = 0; i < lb; i++)
                low[i] = (char)((base[i] >= 'A' && base[i] <= 'Z') ? base[i] + 32 : base[i]);
            base = low;
        }
        if ((st = pool_add(doc, base, lb, &t.base_off)))
            return st;
        t.base_len = (uint32_t)lb;
        if ((st = push_token(doc, &t)))
            return st;
        /* The rest of an emoji run that MeCab kept as one node: one token each. */
        if (t.kind == TXT_TOK_EMOJI) {
            size_t p = off + k, end = off + node->length;
            while (p < end) {
                int32_t c = cp_at(doc->text, end, p, &k);
                if (is_emoji(c) && (st = emit_other(doc, p, p + k, TXT_TOK_EMOJI, 0, 1)))
                    return st;
                p += k;
            }
        }
    }
    return WS_OK;
}

/* ----- sentences --------------------------------------------------------------------- */

static bool
is_abbreviation(const txt_doc *doc, size_t i)
{
    if (i == 0 || doc->tok[i - 1].kind != TXT_TOK_WORD)
        return false;
    const txt_token *w = &doc->tok[i - 1];
    if (w->off + w->len != doc->tok[i].off)
        return false;
    if (w->base_len == 1)
        return true;
    static const char *const abbr[] = {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "jr",
                                       "sr", "inc", "approx", "no", "prof"};
    for (size_t k = 0; k < sizeof abbr / sizeof abbr[0]; k++)
        if (strcmp(txt_base(doc, i - 1), abbr[k]) == 0)
            return true;
    return false;
}

static ws_status
push_sentence(txt_doc *doc, size_t start)
{
    if (mem_grow((void **)&doc->sent, &doc->sent_cap, doc->nsent + 2, sizeof *doc->sent))
        return diag_nomem();
    doc->sent[doc->nsent++] = start;
    return WS_OK;
}

static bool
ends_sentence(const txt_doc *doc, size_t i)
{
    const txt_token *t = &doc->tok[i];
    if (t->kind != TXT_TOK_PUNCT)
        return false;
    const char *s = doc->text + t->off;
    if (s[0] == '!' || s[0] == '?')
        return true;
    if (t->len == 1 && s[0] == '.')
        return doc->lang == TXT_LANG_JA || !is_abbreviation(doc, i);
    return (t->len == 3 && (memcmp(s, "。", 3) == 0 || memcmp(s, "…", 3) == 0));
}

static ws_status
split_sentences(txt_doc *doc)
{
    doc->nsent = 0;
    size_t start = 0;
    ws_status st = WS_OK;
    for (size_t i = 0; i < doc->ntok && !st; i++) {
        if ((doc->tok[i].flags & TXT_TF_NL) && i > start) {
            st = push_sentence(doc, start);
            start = i;
        }
        if (!st && ends_sentence(doc, i)) {
            /* Keep a run of closing punctuation ("...", "!)") with its sentence. */
            while (i + 1 < doc->ntok && doc->tok[i + 1].kind == TXT_TOK_PUNCT &&
                   !(doc->tok[i + 1].flags & TXT_TF_NL))
                i++;
            st = push_sentence(doc, start);
            start = i + 1;
        }
    }
    if (!st && start < doc->ntok)
        st = push_sentence(doc, start);
    if (!st) {
        if (mem_grow((void **)&doc->sent, &doc->sent_cap, doc->nsent + 1, sizeof *doc->sent))
            return diag_nomem();
        doc->sent[doc->nsent] = doc->ntok;
    }
    return st;
}

void
txt_sentence_span(const txt_doc *doc, size_t i, size_t *start, size_t *end)
{
    const txt_token *a = &doc->tok[doc->sent[i]];
    const txt_token *b = &doc->tok[doc->sent[i + 1] - 1];
    *start = a->off;
    *end = b->off + b->len;
}

ws_status
txt_doc_analyze(txt_doc *doc, const char *text, size_t len)
{
    doc->ntok = 0;
    doc->nsent = 0;
    doc->pool_len = 0;
    doc->lang = TXT_LANG_NONE;
    ws_status st = txt_lex_ready();
    if (!st)
        st = txt_normalize(doc, text, len);
    if (st)
        return st;
    doc->lang = txt_detect(doc->text, doc->len);
    if (doc->lang == TXT_LANG_JA)
        st = tokenize_ja(doc);
    else
        st = tokenize_en(doc);
    if (!st)
        st = split_sentences(doc);
    return st;
}
