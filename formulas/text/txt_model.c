/* The learned English sentiment model: features and scoring (see txt_model.h). */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "core/mem.h"
#include "text/txt_lex.h"
#include "text/txt_model.h"

#define KEY_MAX 200
/* A negator's scope: this many following words, up to a clause break. */
#define NEG_SCOPE 3
#define FLAG_CACHE 128

/* Slots are small so that the table stays in cache: the weight and the high half of the key's
 * 64-bit hash, which with the slot position identifies the key: a word outside the model
 * takes a weight only if it agrees with a model key on the slot and 32 more bits of hash. */
typedef struct model_slot {
    uint32_t tag; /* the hash's high half; 0: free (a real 0 is stored as 1) */
    float weight;
} model_slot;

static uint32_t
model_tag(uint64_t h)
{
    uint32_t t = (uint32_t)(h >> 32);
    return t ? t : 1;
}

static model_slot *model_slots, *bg_slots;
static size_t model_cap, bg_cap;
static pthread_once_t model_once = PTHREAD_ONCE_INIT, bg_once = PTHREAD_ONCE_INIT;

static model_slot *
table_build(const txt_model_seed *seeds, size_t count, size_t *cap_out)
{
    size_t cap = 64;
    while (cap < 2 * count + 2)
        cap *= 2;
    model_slot *slots = mem_calloc(cap, sizeof *slots);
    if (!slots)
        return NULL; /* no table: lookups give 0 */
    for (size_t i = 0; i < count; i++) {
        const txt_model_seed *s = &seeds[i];
        uint64_t h = txt_lex_hash(s->key, strlen(s->key));
        size_t j = (size_t)h & (cap - 1);
        while (slots[j].tag)
            j = (j + 1) & (cap - 1);
        slots[j] = (model_slot){model_tag(h), s->weight};
    }
    *cap_out = cap;
    return slots;
}

static void
model_build(void)
{
    model_slots = table_build(txt_model_seeds, txt_model_seed_count, &model_cap);
    if (!model_slots)
        model_cap = 0;
}

static void
bg_build(void)
{
    bg_slots = table_build(txt_background_seeds, txt_background_seed_count, &bg_cap);
    if (!bg_slots)
        bg_cap = 0;
}

static double
table_weight(const model_slot *slots, size_t cap, const char *key, size_t len)
{
    uint64_t h = txt_lex_hash(key, len);
    for (size_t j = (size_t)h & (cap - 1);; j = (j + 1) & (cap - 1)) {
        const model_slot *s = &slots[j];
        if (!s->tag)
            return 0;
        if (s->tag == model_tag(h))
            return s->weight;
    }
}

static double
model_weight(const char *key, size_t len)
{
    return table_weight(model_slots, model_cap, key, len);
}

double
txt_background_specificity(const char *word, size_t len)
{
    pthread_once(&bg_once, bg_build);
    if (!bg_cap || txt_background_docs == 0)
        return 1.0;
    double n = (double)txt_background_docs;
    double df = table_weight(bg_slots, bg_cap, word, len);
    return log((n + 1.0) / (df + 1.0)) / log(n + 1.0);
}

static bool
is_term(const txt_token *t)
{
    return t->kind == TXT_TOK_WORD || t->kind == TXT_TOK_EMOJI || t->kind == TXT_TOK_EMOTICON;
}

static bool
is_break(const txt_doc *doc, const txt_token *t)
{
    if (t->kind != TXT_TOK_PUNCT)
        return false;
    char c = doc->text[t->off];
    return c == ',' || c == ';' || c == ':' || c == '.' || c == '!' || c == '?' || c == '(' ||
           c == ')';
}

/* A crude English stem (for words the training data saw in another form): the length of
 * the word without one of -ing, -ed, -ly, -es, -s, keeping at least three letters. */
static size_t
stem_len(const char *w, size_t n)
{
    static const char *const suffixes[] = {"ing", "ed", "ly", "es", "s"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n >= k + 3 && memcmp(w + n - k, suffixes[i], k) == 0)
            return n - k;
    }
    return n;
}

static void
emit_key(txt_feature_fn emit, void *ctx, const char *prefix, const char *a, size_t alen,
         const char *b, size_t blen)
{
    char key[KEY_MAX];
    size_t p = strlen(prefix), n = p + alen + (b ? blen + 1 : 0);
    if (n >= KEY_MAX)
        return;
    memcpy(key, prefix, p);
    memcpy(key + p, a, alen);
    if (b) {
        key[p + alen] = ' ';
        memcpy(key + p + alen + 1, b, blen);
    }
    emit(ctx, key, n, 1.0);
}

/* The clause of each token that a contrast or concession discounts: words before the last
 * "but" of a sentence and words of an "although ..." clause weigh differently from the
 * same words in the clause that carries the verdict, so they get their own features. */
static bool
is_discounted(size_t i, size_t last_contrast, size_t conc_end)
{
    return (last_contrast != SIZE_MAX && i < last_contrast) || i < conc_end;
}

void
txt_model_features(const txt_doc *doc, const txt_sentiment_result *rules, txt_feature_fn emit,
                   void *ctx)
{
    emit(ctx, "=bias", 5, 1.0);
    emit(ctx, "=score", 6, rules->score);
    emit(ctx, "=pos", 4, fmin(rules->positive, 8.0) / 4.0);
    emit(ctx, "=neg", 4, fmin(rules->negative, 8.0) / 4.0);
    if (rules->hits == 0)
        emit(ctx, "=nohit", 6, 1.0);
    for (size_t s = 0; s < doc->nsent; s++) {
        size_t a = doc->sent[s], z = doc->sent[s + 1], last_contrast = SIZE_MAX;
        uint8_t lexf[FLAG_CACHE]; /* the shipped lexicon's flags of the sentence's tokens */
        for (size_t i = a; i < z; i++) {
            const txt_token *t = &doc->tok[i];
            unsigned f = 0;
            if (is_term(t)) {
                const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), txt_base(doc, i),
                                                      t->base_len);
                f = e ? e->flags : 0;
            }
            if (i - a < FLAG_CACHE)
                lexf[i - a] = (uint8_t)(f & (TXT_LEX_CONTRAST | TXT_LEX_CONCESSIVE |
                                             TXT_LEX_NEGATE));
            if ((f & TXT_LEX_CONTRAST) && i > a)
                last_contrast = i;
        }
        size_t prev = SIZE_MAX, conc_end = 0; /* the previous term of the clause */
        int scope = 0;
        for (size_t i = a; i < z; i++) {
            const txt_token *t = &doc->tok[i];
            if (is_break(doc, t)) {
                if (doc->text[t->off] == '!' || doc->text[t->off] == '?')
                    emit_key(emit, ctx, "u:", doc->text + t->off, 1, NULL, 0);
                prev = SIZE_MAX;
                scope = 0;
                continue;
            }
            if (!is_term(t))
                continue;
            const char *b = txt_base(doc, i);
            unsigned f;
            if (i - a < FLAG_CACHE) {
                f = lexf[i - a];
            } else {
                const txt_lex_entry *e = txt_lex_find(txt_lex_builtin(), b, t->base_len);
                f = e ? e->flags : 0;
            }
            if ((f & TXT_LEX_CONCESSIVE) && conc_end <= i) {
                /* the concession runs to the next comma */
                conc_end = z;
                for (size_t k = i + 1; k < z; k++)
                    if (doc->tok[k].kind == TXT_TOK_PUNCT && doc->text[doc->tok[k].off] == ',') {
                        conc_end = k;
                        break;
                    }
            }
            bool disc = is_discounted(i, last_contrast, conc_end);
            const char *uni = disc ? (scope > 0 ? "d:" : "c:") : (scope > 0 ? "n:" : "u:");
            emit_key(emit, ctx, uni, b, t->base_len, NULL, 0);
            size_t sl = stem_len(b, t->base_len);
            if (sl < t->base_len)
                emit_key(emit, ctx, scope > 0 ? "m:" : "s:", b, sl, NULL, 0);
            if (prev != SIZE_MAX)
                emit_key(emit, ctx, disc ? "e:" : "b:", txt_base(doc, prev),
                         doc->tok[prev].base_len, b, t->base_len);
            prev = i;
            if (scope > 0)
                scope--;
            if (f & TXT_LEX_NEGATE)
                scope = NEG_SCOPE;
        }
    }
}

typedef struct margin_acc {
    double total, words;
} margin_acc;

static void
add_weight(void *ctx, const char *key, size_t len, double x)
{
    margin_acc *m = ctx;
    double w = model_weight(key, len) * x;
    m->total += w;
    if (key[0] != '=')
        m->words += w;
}

double
txt_model_margin(const txt_doc *doc, const txt_sentiment_result *rules, double *words)
{
    pthread_once(&model_once, model_build);
    margin_acc m = {0, 0};
    if (model_cap)
        txt_model_features(doc, rules, add_weight, &m);
    *words = m.words;
    return m.total;
}
