/* The lexicon table behind txt_lexicon: shipped seeds (generated) and user entries. */
#ifndef WS_TEXT_TXT_LEX_H
#define WS_TEXT_TXT_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldsheet.h"

enum {
    TXT_LEX_POLAR = 1,      /* val: valence on VADER's -4..4 scale */
    TXT_LEX_BOOST = 2,      /* aux: multiplier - 1 for the next polar word */
    TXT_LEX_NEGATE = 4,     /* flips the polarity in its scope */
    TXT_LEX_CONTRAST = 8,   /* aux: weight of the clause before */
    TXT_LEX_CONCESSIVE = 16, /* aux: weight of the clause it opens */
    TXT_LEX_EMOTICON = 32,
    TXT_LEX_STOP = 64,
    TXT_LEX_PREFIX = 128    /* a proper prefix of a longer key */
};

typedef struct txt_lex_seed {
    const char *key;
    float val, aux;
    int flags;
} txt_lex_seed;

extern const txt_lex_seed txt_lex_seeds[];
extern const size_t txt_lex_seed_count;

typedef struct txt_lex_entry {
    uint64_t hash;
    uint32_t key_off, key_len;
    float val, aux;
    uint32_t flags;
} txt_lex_entry;

/* Build the shipped table once; WS_ERR_NOMEM when that failed. */
ws_status txt_lex_ready(void);
/* The shipped table (after txt_lex_ready). */
const struct txt_lexicon *txt_lex_builtin(void);
/* The entry for key[0..len), or NULL. */
const txt_lex_entry *txt_lex_find(const struct txt_lexicon *lex, const char *key, size_t len);
uint64_t txt_lex_hash(const char *key, size_t len);
const txt_lex_entry *txt_lex_find_hashed(const struct txt_lexicon *lex, const char *key,
                                         size_t len, uint64_t hash);
bool txt_lex_is_emoticon(const char *key, size_t len);
bool txt_lex_is_stop(const char *key, size_t len);

#endif
