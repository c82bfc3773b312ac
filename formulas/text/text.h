/* Text analysis of customer comments, English and Japanese: the internal API of
 * formulas/text.
 *
 * A comment goes through txt_doc_analyze(): NFKC normalisation (utf8proc), language
 * detection, tokens (English: lower-cased words, contractions kept whole, emoji and
 * emoticons as tokens; Japanese: MeCab with the IPA dictionary, base forms and parts of
 * speech) and sentences.  txt_sentiment() scores an analysed comment with the shipped
 * lexicons and rules, optionally overridden by a user lexicon; English scores then go
 * through a learned model (txt_model.h).  The summarize job (txt_job.c) writes the
 * "Summary" sheet from a txt_corpus.  txt_corpus_* work on a
 * column of comments: summary sentences, keywords, topics.
 *
 * Thread safety: the shipped lexicon is built once (pthread_once) and then read-only; each
 * thread gets its own MeCab tagger, created on first use and freed when the thread ends.
 * A txt_doc or txt_lexicon belongs to one thread at a time. */
#ifndef WS_TEXT_TEXT_H
#define WS_TEXT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldsheet.h"

/* ----- analysis -------------------------------------------------------------------- */

typedef enum txt_lang { TXT_LANG_NONE = 0, TXT_LANG_EN = 1, TXT_LANG_JA = 2 } txt_lang;

typedef enum txt_kind {
    TXT_TOK_WORD = 0,
    TXT_TOK_NUMBER,
    TXT_TOK_PUNCT,    /* one punctuation character, or a run of ! / ? */
    TXT_TOK_EMOJI,    /* one emoji (modifiers and variation selectors dropped) */
    TXT_TOK_EMOTICON  /* ":)", ":-(", "<3" ... */
} txt_kind;

/* Coarse part of speech; English words are TXT_POS_OTHER (no tagger). */
typedef enum txt_pos {
    TXT_POS_OTHER = 0,
    TXT_POS_NOUN,
    TXT_POS_VERB,
    TXT_POS_ADJ,      /* 形容詞 */
    TXT_POS_ADV,
    TXT_POS_AUX,      /* 助動詞 */
    TXT_POS_PARTICLE, /* 助詞 other than the conjunctive ones */
    TXT_POS_CONJ_PARTICLE, /* 接続助詞: が, けど, のに ... */
    TXT_POS_CONJ,     /* 接続詞 */
    TXT_POS_SYMBOL,
    TXT_POS_PREFIX,
    TXT_POS_INTERJ
} txt_pos;

enum {
    TXT_TF_CAPS = 1 << 0,     /* an English word of 2+ letters, all upper case */
    TXT_TF_NL = 1 << 1,       /* a line break precedes the token */
    TXT_TF_NONINDEP = 1 << 2, /* Japanese 非自立 / 接尾: not a content word of its own */
    TXT_TF_STOP = 1 << 3,     /* an English stop word */
    TXT_TF_ADJ_NOUN = 1 << 4, /* Japanese 形容動詞語幹 (きれい, 便利) */
    TXT_TF_GENERIC = 1 << 5,  /* Japanese 副詞可能 noun (場合, 今日, 全部): no topic of its own */
    TXT_TF_PERSON = 1 << 6    /* Japanese 固有名詞,人名: part of a person's name */
};

typedef struct txt_token {
    uint32_t off, len;           /* surface, in doc->text */
    uint32_t base_off, base_len; /* lower-cased word or Japanese base form, in doc->pool */
    uint8_t kind;                /* txt_kind */
    uint8_t pos;                 /* txt_pos */
    uint8_t flags;               /* TXT_TF_* */
    uint8_t count;               /* for a ! or ? run: how many */
} txt_token;

typedef struct txt_doc {
    char *text; /* normalised text, NUL-terminated */
    size_t len, text_cap;
    char *pool; /* base forms, each NUL-terminated */
    size_t pool_len, pool_cap;
    txt_token *tok;
    size_t ntok, tok_cap;
    size_t *sent; /* sentence i is tokens [sent[i], sent[i + 1]); nsent + 1 entries */
    size_t nsent, sent_cap;
    txt_lang lang;
    uint32_t *cps; /* scratch for normalisation */
    size_t cps_cap;
} txt_doc;

void txt_doc_init(txt_doc *doc);
void txt_doc_clear(txt_doc *doc);
/* Analyse `len` bytes of UTF-8 (invalid bytes are dropped).  Reuses doc's buffers.
 * WS_ERR_UNSUPPORTED when the text is Japanese and MeCab or its dictionary is missing. */
ws_status txt_doc_analyze(txt_doc *doc, const char *text, size_t len);

static inline const char *
txt_base(const txt_doc *doc, size_t i)
{
    return doc->pool + doc->tok[i].base_off;
}

/* NFKC into doc->text (curly quotes become straight ones). */
ws_status txt_normalize(txt_doc *doc, const char *text, size_t len);
/* Language by script: Japanese when kana and kanji are at least a third of the letters. */
txt_lang txt_detect(const char *text, size_t len);
/* Byte range of sentence i in doc->text. */
void txt_sentence_span(const txt_doc *doc, size_t i, size_t *start, size_t *end);

/* The calling thread's MeCab tagger, or NULL with a reason (WS_ERR_UNSUPPORTED). */
ws_status txt_mecab_available(void);

/* ----- lexicons -------------------------------------------------------------------- */

/* A word list keyed by the lower-cased words of a phrase joined by single spaces (English)
 * or by the concatenated base forms (Japanese: 「使い やすい」 is 使いやすい). */
typedef struct txt_lexicon txt_lexicon;

ws_status txt_lexicon_new(txt_lexicon **out);
void txt_lexicon_free(txt_lexicon *lex);
/* Add or replace an entry; `score` in [-1, 1] as WS.SENTIMENT reports (0 makes a shipped
 * word neutral).  The key is normalised like comment text. */
ws_status txt_lexicon_set(txt_lexicon *lex, const char *word, double score);
size_t txt_lexicon_size(const txt_lexicon *lex);

/* ----- sentiment ------------------------------------------------------------------- */

typedef enum txt_label {
    TXT_UNKNOWN = 0,
    TXT_POSITIVE,
    TXT_NEGATIVE,
    TXT_NEUTRAL,
    TXT_MIXED
} txt_label;

typedef struct txt_sentiment_result {
    double score;    /* [-1, 1]; 0 when unknown */
    double positive; /* positive evidence in valence units (after negation and intensifiers,
                        before contrast weighting) */
    double negative; /* negative evidence, as a positive number */
    size_t hits;     /* lexicon entries that scored */
    size_t user_hits; /* entries of the user's lexicon that matched (scored or made neutral) */
    txt_label label;
} txt_sentiment_result;

const char *txt_label_name(txt_label label);
/* Score an analysed comment.  `user` may be NULL; its entries take precedence. */
void txt_sentiment(const txt_doc *doc, const txt_lexicon *user, txt_sentiment_result *out);
/* Analyse and score in one step (doc is scratch). */
ws_status txt_sentiment_text(txt_doc *doc, const char *text, size_t len,
                             const txt_lexicon *user, txt_sentiment_result *out);

/* ----- a column of comments ---------------------------------------------------------- */

typedef struct txt_topic_def {
    const char *name;
    const char *seeds; /* comma-separated seed words (phrases allowed), each optionally with
                        * a weight suffix ":N", 0 < N <= 10 (default 1) */
} txt_topic_def;

/* User topics from a two-column range (name, comma-separated seeds), a first row naming
 * the columns skipped; names and seeds are borrowed from the range.  Free *out with
 * mem_free.  Reasons start "topics: ". */
typedef struct ws_range ws_range;
ws_status txt_topics_from_range(const ws_range *r, txt_topic_def **out, size_t *count);

typedef struct txt_keyword {
    char *text;      /* display form */
    size_t comments; /* comments mentioning it */
    double sentiment; /* mean score of those comments that are not unknown (NaN when none) */
    double weight;   /* ranking weight */
} txt_keyword;

typedef struct txt_topic {
    char *name;
    size_t comments;
    double share;     /* comments / comments with text */
    double sentiment; /* mean over its comments that are not unknown (NaN when none) */
    char *keywords;   /* "a, b, c" */
    size_t example;   /* index of the representative comment */
    bool discovered;  /* found in the keywords, not a built-in or user topic */
} txt_topic;

typedef struct txt_corpus txt_corpus;

/* Analyse `n` comments (NULL entries are skipped).  `user` may be NULL. */
ws_status txt_corpus_new(const char *const *texts, size_t n, const txt_lexicon *user,
                         txt_corpus **out);
void txt_corpus_free(txt_corpus *corpus);
size_t txt_corpus_size(const txt_corpus *corpus);        /* comments with text */
const txt_sentiment_result *txt_corpus_sentiment(const txt_corpus *corpus, size_t i);
/* The index in the caller's `texts` of the corpus's comment i (blank or token-less texts
 * have no corpus comment). */
size_t txt_corpus_source(const txt_corpus *corpus, size_t i);

/* The k most representative non-redundant sentences (fewer when there are fewer); each
 * string is allocated with mem_alloc, the array too. */
ws_status txt_corpus_summary(const txt_corpus *corpus, size_t k, char ***out, size_t *count);
/* The k best keywords. Free with txt_keywords_free. */
ws_status txt_corpus_keywords(const txt_corpus *corpus, size_t k, txt_keyword **out,
                              size_t *count);
void txt_keywords_free(txt_keyword *kw, size_t count);

/* Topics: `defs` (NULL: the built-in marketing topics) plus discovered themes.  Each
 * comment gets one topic index in *assign (SIZE_MAX: none), allocated when assign != NULL. */
ws_status txt_corpus_topics(const txt_corpus *corpus, const txt_topic_def *defs, size_t ndefs,
                            txt_topic **out, size_t *count, size_t **assign);
void txt_topics_free(txt_topic *topics, size_t count);

/* The built-in topics (static). */
const txt_topic_def *txt_builtin_topics(size_t *count);

#endif
