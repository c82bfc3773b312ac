/* Train the English sentiment model shipped as formulas/text/data/en_model.tsv.
 *
 *   train_en VADER_DIR UCI_DIR OUT.tsv
 *       (VADER_DIR = .../text/en/vader_icwsm2014, UCI_DIR = .../uci_sentiment_labelled_sentences)
 *
 * Data: VADER's human-rated sentences (Hutto & Gilbert, ICWSM 2014; MIT): tweets, movie-review
 * snippets, NYT editorial snippets, and the Amazon review snippets with an ODD id (the even
 * ids are held out for bench/text's correlation figure), plus the even lines of the three
 * UCI sentiment files (Kotzias et al., KDD 2015; CC BY 4.0: review sentences of phones,
 * restaurants and films, the domains of customer comments; the odd lines are held out for
 * bench/text's accuracy figures).  A VADER sentence counts as positive when
 * its mean rating is > 0; ratings within 0.5 of zero are left out as neither.  Each sentence
 * weighs min(|rating|, 2.5): clear verdicts teach more than lukewarm ones.  The UCI
 * sentences the benchmark reports on (odd lines) are never read.
 *
 * Model: logistic regression over txt_model_features() (the rule-based result, words and
 * word pairs, negation-marked words), trained by AdaGrad in a seeded order, with an L2 penalty
 * on the word features only: the rules carry the lexicons' knowledge, words correct them.
 * The L2 strength and the number of epochs are chosen among a few values on every tenth
 * training sentence, then the model is retrained on all of them.  Deterministic: the same data give the
 * same file.  A build-time tool: it prints, and it exits on bad input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num/rng.h"
#include "text/text.h"
#include "text/txt_lex.h"
#include "text/txt_model.h"

#define RATE 0.2
#define MIN_COUNT 2

typedef struct feat_map {
    char **keys;
    size_t *count;
    uint32_t *slot; /* id + 1, 0 = free */
    size_t n, cap, nslot;
} feat_map;

typedef struct example {
    uint32_t *id;
    float *x;
    size_t n;
    int y;
    float weight;
} example;

static feat_map fm;

static void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fprintf(stderr, "train_en: out of memory\n");
        exit(2);
    }
    return q;
}

static uint32_t
intern(const char *key, size_t len)
{
    if ((fm.n + 1) * 2 > fm.nslot) {
        size_t ns = fm.nslot ? fm.nslot * 2 : 1 << 16;
        uint32_t *slot = calloc(ns, sizeof *slot);
        if (!slot)
            exit(2);
        for (size_t i = 0; i < fm.n; i++) {
            size_t j = txt_lex_hash(fm.keys[i], strlen(fm.keys[i])) & (ns - 1);
            while (slot[j])
                j = (j + 1) & (ns - 1);
            slot[j] = (uint32_t)i + 1;
        }
        free(fm.slot);
        fm.slot = slot;
        fm.nslot = ns;
    }
    size_t j = txt_lex_hash(key, len) & (fm.nslot - 1);
    for (; fm.slot[j]; j = (j + 1) & (fm.nslot - 1)) {
        const char *k = fm.keys[fm.slot[j] - 1];
        if (strlen(k) == len && memcmp(k, key, len) == 0)
            return fm.slot[j] - 1;
    }
    if (fm.n == fm.cap) {
        fm.cap = fm.cap ? fm.cap * 2 : 4096;
        fm.keys = xrealloc(fm.keys, fm.cap * sizeof *fm.keys);
        fm.count = xrealloc(fm.count, fm.cap * sizeof *fm.count);
    }
    fm.keys[fm.n] = strndup(key, len);
    fm.count[fm.n] = 0;
    fm.slot[j] = (uint32_t)fm.n + 1;
    return (uint32_t)fm.n++;
}

static void
collect(void *ctx, const char *key, size_t len, double x)
{
    example *e = ctx;
    e->id = xrealloc(e->id, (e->n + 1) * sizeof *e->id);
    e->x = xrealloc(e->x, (e->n + 1) * sizeof *e->x);
    e->id[e->n] = intern(key, len);
    e->x[e->n] = (float)x;
    e->n++;
}

static example *ex;
static size_t nex, capex;

/* Lines "id<TAB>rating<TAB>text"; keep(id) decides which ids are used. */
static void
read_vader(const char *dir, const char *name, int parity)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "train_en: cannot read %s\n", path);
        exit(2);
    }
    txt_doc doc;
    txt_doc_init(&doc);
    char line[65536];
    size_t used = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2)
            continue;
        long id = strtol(line, NULL, 10);
        double rating = strtod(t1 + 1, NULL);
        if (parity >= 0 && id % 2 != parity)
            continue;
        if (fabs(rating) < 0.5)
            continue;
        const char *text = t2 + 1;
        if (txt_doc_analyze(&doc, text, strlen(text)) || doc.lang != TXT_LANG_EN)
            continue;
        txt_sentiment_result r;
        txt_sentiment_rules(&doc, NULL, &r);
        if (nex == capex) {
            capex = capex ? capex * 2 : 1024;
            ex = xrealloc(ex, capex * sizeof *ex);
        }
        example *e = &ex[nex++];
        memset(e, 0, sizeof *e);
        e->y = rating > 0;
        e->weight = (float)fmin(fabs(rating), 2.5);
        txt_model_features(&doc, &r, collect, e);
        used++;
    }
    fclose(f);
    txt_doc_clear(&doc);
    fprintf(stderr, "%-40s %6zu sentences\n", name, used);
}

/* UCI "text<TAB>label" lines (Kotzias et al., KDD 2015; CC BY 4.0): the even lines
 * (0, 2, 4 ... counting from 0) train; bench/text reports on the odd ones. */
static void
read_uci(const char *dir, const char *name)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "train_en: cannot read %s\n", path);
        exit(2);
    }
    txt_doc doc;
    txt_doc_init(&doc);
    char line[65536];
    size_t used = 0;
    for (size_t ln = 0; fgets(line, sizeof line, f); ln++) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strrchr(line, '\t');
        if (!tab || ln % 2 != 0)
            continue;
        *tab = '\0';
        if (txt_doc_analyze(&doc, line, strlen(line)) || doc.lang != TXT_LANG_EN)
            continue;
        txt_sentiment_result r;
        txt_sentiment_rules(&doc, NULL, &r);
        if (nex == capex) {
            capex = capex ? capex * 2 : 1024;
            ex = xrealloc(ex, capex * sizeof *ex);
        }
        example *e = &ex[nex++];
        memset(e, 0, sizeof *e);
        e->y = tab[1] == '1';
        e->weight = 2.0f; /* a clear binary verdict, like a VADER rating of +-2 */
        txt_model_features(&doc, &r, collect, e);
        used++;
    }
    fclose(f);
    txt_doc_clear(&doc);
    fprintf(stderr, "%-40s %6zu sentences\n", name, used);
}

static double
margin(const double *w, const example *e, const char *keep)
{
    double z = 0;
    for (size_t k = 0; k < e->n; k++)
        if (!keep || keep[e->id[k]])
            z += w[e->id[k]] * e->x[k];
    return z;
}

/* Train on the examples where use[i] (all when NULL). */
static void
train(double *w, const char *keep, const unsigned char *use, double lambda, int epochs)
{
    size_t V = fm.n;
    double *g2 = calloc(V, sizeof *g2);
    size_t *order = malloc(nex * sizeof *order), m = 0;
    memset(w, 0, V * sizeof *w);
    for (size_t i = 0; i < nex; i++)
        if (!use || use[i])
            order[m++] = i;
    rng r;
    rng_seed(&r, 20261128);
    for (int ep = 0; ep < epochs; ep++) {
        for (size_t i = m; i > 1; i--) { /* Fisher-Yates with the seeded generator */
            size_t j = (size_t)(rng_uniform(&r) * (double)i);
            size_t t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        for (size_t q = 0; q < m; q++) {
            const example *e = &ex[order[q]];
            double z = margin(w, e, keep);
            double p = 1.0 / (1.0 + exp(-z));
            double err = (p - e->y) * e->weight;
            for (size_t k = 0; k < e->n; k++) {
                uint32_t f = e->id[k];
                if (keep && !keep[f])
                    continue;
                double g = err * e->x[k] + (fm.keys[f][0] == '=' ? 0 : lambda) * w[f];
                g2[f] += g * g;
                w[f] -= RATE * g / sqrt(g2[f] + 1e-8);
            }
        }
    }
    free(g2);
    free(order);
}

int
main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: train_en VADER_DIR UCI_DIR OUT.tsv\n");
        return 1;
    }
    if (txt_lex_ready()) {
        fprintf(stderr, "train_en: lexicon: %s\n", ws_last_reason());
        return 2;
    }
    read_vader(argv[1], "tweets_GroundTruth.txt", -1);
    read_vader(argv[1], "movieReviewSnippets_GroundTruth.txt", -1);
    read_vader(argv[1], "nytEditorialSnippets_GroundTruth.txt", -1);
    read_vader(argv[1], "amazonReviewSnippets_GroundTruth.txt", 1);
    read_uci(argv[2], "amazon_cells_labelled.txt");
    read_uci(argv[2], "yelp_labelled.txt");
    read_uci(argv[2], "imdb_labelled.txt");
    size_t V = fm.n;
    char *keep = calloc(V, 1);
    for (size_t i = 0; i < nex; i++)
        for (size_t k = 0; k < ex[i].n; k++)
            fm.count[ex[i].id[k]]++;
    size_t kept = 0;
    for (size_t f = 0; f < V; f++) {
        keep[f] = fm.keys[f][0] == '=' || fm.count[f] >= MIN_COUNT;
        kept += keep[f];
    }
    fprintf(stderr, "%zu examples, %zu features, %zu seen at least %d times\n", nex, V, kept,
            MIN_COUNT);
    /* Choose the L2 strength on every tenth sentence. */
    unsigned char *use = malloc(nex);
    for (size_t i = 0; i < nex; i++)
        use[i] = i % 10 != 0;
    double *w = malloc(V * sizeof *w);
    static const double lambdas[] = {1e-3, 3e-3, 1e-2, 3e-2};
    static const int epoch_grid[] = {2, 3, 5, 8};
    double best_lambda = lambdas[0], best_acc = -1;
    int best_epochs = epoch_grid[0];
    for (size_t l = 0; l < sizeof lambdas / sizeof lambdas[0]; l++) {
        for (size_t q = 0; q < sizeof epoch_grid / sizeof epoch_grid[0]; q++) {
            train(w, keep, use, lambdas[l], epoch_grid[q]);
            size_t ok = 0, n = 0;
            for (size_t i = 0; i < nex; i += 10, n++)
                ok += (margin(w, &ex[i], keep) > 0) == ex[i].y;
            double acc = (double)ok / (double)n;
            fprintf(stderr, "lambda %g, %d epochs: validation accuracy %.4f\n", lambdas[l],
                    epoch_grid[q], acc);
            if (acc > best_acc) {
                best_acc = acc;
                best_lambda = lambdas[l];
                best_epochs = epoch_grid[q];
            }
        }
    }
    train(w, keep, NULL, best_lambda, best_epochs);
    FILE *out = fopen(argv[3], "w");
    if (!out) {
        fprintf(stderr, "train_en: cannot write %s\n", argv[3]);
        return 2;
    }
    fprintf(out, "# English sentiment model: generated by formulas/text/train/train_en; do not "
                 "edit.\n# Trained on VADER's human-rated sentences (MIT, Hutto & Gilbert 2014) "
                 "and the even lines of the\n# UCI sentiment sentences (CC BY 4.0, Kotzias et al. "
                 "2015): %zu sentences,\n# L2 %g, %d epochs (validation accuracy %.4f).\n",
            nex, best_lambda, best_epochs, best_acc);
    size_t written = 0;
    for (size_t f = 0; f < V; f++)
        if (keep[f] && fabs(w[f]) >= 5e-4) {
            fprintf(out, "%s\t%.5f\n", fm.keys[f], w[f]);
            written++;
        }
    fclose(out);
    fprintf(stderr, "wrote %zu weights to %s\n", written, argv[3]);
    return 0;
}
