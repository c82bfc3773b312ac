/* Lexicon hash tables: the shipped one (built once) and users' own. */
#include <pthread.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "text/text.h"
#include "text/txt_lex.h"

struct txt_lexicon {
    txt_lex_entry *slots; /* open addressing; key_len == 0 is a free slot */
    size_t cap, count;
    char *keys;
    size_t keys_len, keys_cap;
};

uint64_t
txt_lex_hash(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ull;
    }
    return h;
}

const txt_lex_entry *
txt_lex_find_hashed(const struct txt_lexicon *lex, const char *key, size_t len, uint64_t hash)
{
    if (!lex || lex->cap == 0 || len == 0)
        return NULL;
    size_t mask = lex->cap - 1;
    for (size_t i = (size_t)hash & mask;; i = (i + 1) & mask) {
        const txt_lex_entry *e = &lex->slots[i];
        if (e->key_len == 0)
            return NULL;
        if (e->hash == hash && e->key_len == len && memcmp(lex->keys + e->key_off, key, len) == 0)
            return e;
    }
}

const txt_lex_entry *
txt_lex_find(const struct txt_lexicon *lex, const char *key, size_t len)
{
    return txt_lex_find_hashed(lex, key, len, txt_lex_hash(key, len));
}

static ws_status
rehash(txt_lexicon *lex, size_t cap)
{
    txt_lex_entry *slots = mem_calloc(cap, sizeof *slots);
    if (!slots)
        return diag_nomem();
    for (size_t i = 0; i < lex->cap; i++) {
        const txt_lex_entry *e = &lex->slots[i];
        if (e->key_len == 0)
            continue;
        size_t j = (size_t)e->hash & (cap - 1);
        while (slots[j].key_len)
            j = (j + 1) & (cap - 1);
        slots[j] = *e;
    }
    mem_free(lex->slots);
    lex->slots = slots;
    lex->cap = cap;
    return WS_OK;
}

/* The entry for key, created empty when absent. */
static ws_status
lex_slot(txt_lexicon *lex, const char *key, size_t len, txt_lex_entry **out)
{
    if ((lex->count + 1) * 2 > lex->cap) {
        ws_status st = rehash(lex, lex->cap ? lex->cap * 2 : 64);
        if (st)
            return st;
    }
    uint64_t h = txt_lex_hash(key, len);
    size_t mask = lex->cap - 1, i = (size_t)h & mask;
    for (;; i = (i + 1) & mask) {
        txt_lex_entry *e = &lex->slots[i];
        if (e->key_len == 0)
            break;
        if (e->hash == h && e->key_len == len && memcmp(lex->keys + e->key_off, key, len) == 0) {
            *out = e;
            return WS_OK;
        }
    }
    if (mem_grow((void **)&lex->keys, &lex->keys_cap, lex->keys_len + len, 1))
        return diag_nomem();
    memcpy(lex->keys + lex->keys_len, key, len);
    txt_lex_entry *e = &lex->slots[i];
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->key_off = (uint32_t)lex->keys_len;
    e->key_len = (uint32_t)len;
    lex->keys_len += len;
    lex->count++;
    *out = e;
    return WS_OK;
}

/* Mark the prefixes a phrase match walks through: word boundaries for English phrases,
 * character boundaries for Japanese (matched by concatenated base forms). */
static ws_status
add_prefixes(txt_lexicon *lex, const char *key, size_t len)
{
    bool spaced = memchr(key, ' ', len) != NULL, wide = false;
    for (size_t i = 0; i < len; i++)
        wide |= (unsigned char)key[i] >= 0x80;
    for (size_t i = 1; i < len; i++) {
        bool cut = spaced ? key[i] == ' ' : wide && ((unsigned char)key[i] & 0xC0) != 0x80;
        if (!cut)
            continue;
        txt_lex_entry *e;
        ws_status st = lex_slot(lex, key, i, &e);
        if (st)
            return st;
        e->flags |= TXT_LEX_PREFIX;
    }
    return WS_OK;
}

static ws_status
lex_put(txt_lexicon *lex, const char *key, size_t len, unsigned flags, float val, float aux)
{
    txt_lex_entry *e;
    ws_status st = lex_slot(lex, key, len, &e);
    if (st)
        return st;
    e->flags |= flags;
    if (flags & TXT_LEX_POLAR)
        e->val = val;
    if (flags & (TXT_LEX_BOOST | TXT_LEX_CONTRAST | TXT_LEX_CONCESSIVE))
        e->aux = aux;
    return add_prefixes(lex, key, len);
}

ws_status
txt_lexicon_new(txt_lexicon **out)
{
    txt_lexicon *lex = mem_calloc(1, sizeof *lex);
    if (!lex)
        return diag_nomem();
    *out = lex;
    return WS_OK;
}

void
txt_lexicon_free(txt_lexicon *lex)
{
    if (!lex)
        return;
    mem_free(lex->slots);
    mem_free(lex->keys);
    mem_free(lex);
}

size_t
txt_lexicon_size(const txt_lexicon *lex)
{
    size_t n = 0;
    for (size_t i = 0; lex && i < lex->cap; i++)
        n += lex->slots[i].key_len && (lex->slots[i].flags & ~(unsigned)TXT_LEX_PREFIX);
    return n;
}

ws_status
txt_lexicon_set(txt_lexicon *lex, const char *word, double score)
{
    if (!(score >= -1.0 && score <= 1.0))
        return diag_fail(WS_ERR_NUM, "the score of '%s' must be between -1 and 1", word);
    txt_doc doc;
    txt_doc_init(&doc);
    ws_status st = txt_normalize(&doc, word, strlen(word));
    if (st)
        goto done;
    bool wide = false;
    for (size_t i = 0; i < doc.len; i++)
        wide |= (unsigned char)doc.text[i] >= 0x80;
    /* Lower-case ASCII, one space between words; Japanese keys have no spaces. */
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < doc.len; i++) {
        char c = doc.text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = n > 0;
            continue;
        }
        if (space && !wide)
            doc.text[n++] = ' ';
        space = false;
        doc.text[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    if (n == 0) {
        st = diag_fail(WS_ERR_VALUE, "an empty word in the user lexicon");
        goto done;
    }
    st = lex_put(lex, doc.text, n, TXT_LEX_POLAR, (float)(4.0 * score), 0.0f);
done:
    txt_doc_clear(&doc);
    return st;
}

/* ----- the shipped table ------------------------------------------------------------- */

static txt_lexicon builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static ws_status builtin_status;

static void
builtin_build(void)
{
    ws_status st = rehash(&builtin, 65536);
    for (size_t i = 0; !st && i < txt_lex_seed_count; i++) {
        const txt_lex_seed *s = &txt_lex_seeds[i];
        st = lex_put(&builtin, s->key, strlen(s->key), (unsigned)s->flags, s->val, s->aux);
    }
    builtin_status = st;
}

ws_status
txt_lex_ready(void)
{
    pthread_once(&builtin_once, builtin_build);
    if (builtin_status)
        return diag_fail(builtin_status, "could not build the sentiment lexicon");
    return WS_OK;
}

const struct txt_lexicon *
txt_lex_builtin(void)
{
    return &builtin;
}

bool
txt_lex_is_emoticon(const char *key, size_t len)
{
    const txt_lex_entry *e = txt_lex_find(&builtin, key, len);
    return e && (e->flags & TXT_LEX_EMOTICON);
}

bool
txt_lex_is_stop(const char *key, size_t len)
{
    const txt_lex_entry *e = txt_lex_find(&builtin, key, len);
    return e && (e->flags & TXT_LEX_STOP);
}
