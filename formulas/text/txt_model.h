/* The learned part of English sentiment: a logistic model over the rule-based result
 * (score, positive and negative evidence) and the comment's words and word pairs.
 *
 * Weights are trained by formulas/text/train/ (see its README) on VADER's human-rated
 * sentences (MIT) and shipped as data/en_model.tsv, compiled in by gen_lexicon.py.  The
 * trainer and txt_sentiment() call the same feature function, so training and scoring see
 * the same features. */
#ifndef WS_TEXT_TXT_MODEL_H
#define WS_TEXT_TXT_MODEL_H

#include <stddef.h>

#include "text/text.h"

typedef struct txt_model_seed {
    const char *key;
    float weight;
} txt_model_seed;

extern const txt_model_seed txt_model_seeds[];
extern const size_t txt_model_seed_count;

/* Japanese background: nouns with the number of chABSA documents they occur in (weight). */
extern const txt_model_seed txt_background_seeds[];
extern const size_t txt_background_seed_count;
extern const size_t txt_background_docs;

/* How specific a Japanese noun (base form) is against that background: 1 for a noun the
 * background lacks, towards 0 for one in every document; 1 when there is no background. */
double txt_background_specificity(const char *word, size_t len);

/* A feature: its key (not NUL-terminated) and value. */
typedef void (*txt_feature_fn)(void *ctx, const char *key, size_t len, double x);

/* Every feature of an English comment, given its rule-based result. */
void txt_model_features(const txt_doc *doc, const txt_sentiment_result *rules,
                        txt_feature_fn emit, void *ctx);

/* The rule-based result alone (what txt_sentiment gives for Japanese). */
void txt_sentiment_rules(const txt_doc *doc, const struct txt_lexicon *user,
                         txt_sentiment_result *out);

/* The model's log-odds of "positive" and, in *words, the part of it that comes from
 * word and word-pair features.  0 when the shipped model is empty. */
double txt_model_margin(const txt_doc *doc, const txt_sentiment_result *rules, double *words);

#endif
