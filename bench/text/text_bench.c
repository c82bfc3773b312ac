/* Benchmark of the text models against the baselines of issue 5.  Usage:
 *   text_bench DATA_DIR      (DATA_DIR = .../shared/data/text)
 * Prints each figure beside its baseline.  Nothing here is tuned on what it reports. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/mem.h"
#include "text/text.h"
#include "text/txt_lex.h"

typedef struct line_set {
    char **text;
    double *label;
    size_t n;
} line_set;

/* CPU time of this thread: the machine is shared, and the goal is per core. */
static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[n] = '\0';
        if (len)
            *len = (size_t)n;
    }
    return buf;
}

static void
add(line_set *s, const char *text, size_t len, double label)
{
    s->text = realloc(s->text, (s->n + 1) * sizeof *s->text);
    s->label = realloc(s->label, (s->n + 1) * sizeof *s->label);
    s->text[s->n] = strndup(text, len);
    s->label[s->n] = label;
    s->n++;
}

static void
free_set(line_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->text[i]);
    free(s->text);
    free(s->label);
    memset(s, 0, sizeof *s);
}

/* Lines "text<TAB>label" (UCI) or "id<TAB>rating<TAB>text" (VADER) or JRTE's
 * "id<TAB>label<TAB>text<TAB>...". */
static int
read_tsv(const char *path, int text_col, int label_col, line_set *out)
{
    char *buf = slurp(path, NULL);
    if (!buf)
        return -1;
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\r'))
            line[--l] = '\0';
        char *cols[8] = {0};
        int nc = 0;
        char *p = line;
        while (nc < 8) {
            cols[nc++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = '\0';
            p = t + 1;
        }
        if (nc <= text_col || nc <= label_col)
            continue;
        char *end;
        double lab = strtod(cols[label_col], &end);
        if (end == cols[label_col])
            continue;
        add(out, cols[text_col], strlen(cols[text_col]), lab);
    }
    free(buf);
    return 0;
}

/* A plain lexicon baseline: the sum of one shipped source's word scores, no rules. */
typedef struct plain_lex {
    char **word;
    double *score;
    size_t n;
} plain_lex;

static int
plain_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
plain_load(const char *path, plain_lex *lx)
{
    line_set s = {0};
    read_tsv(path, 0, 1, &s);
    lx->n = s.n;
    lx->word = s.text;
    lx->score = s.label;
    /* sort pairs by word */
    size_t *idx = malloc(s.n * sizeof *idx);
    char **w = malloc(s.n * sizeof *w);
    double *sc = malloc(s.n * sizeof *sc);
    for (size_t i = 0; i < s.n; i++)
        idx[i] = i;
    for (size_t i = 1; i < s.n; i++) { /* insertion sort is fine for 7k? use qsort on copies */
        (void)i;
        break;
    }
    for (size_t i = 0; i < s.n; i++)
        w[i] = s.text[i];
    qsort(w, s.n, sizeof *w, plain_cmp);
    for (size_t i = 0; i < s.n; i++) {
        for (size_t j = 0; j < s.n; j++)
            if (s.text[j] == w[i]) {
                sc[i] = s.label[j];
                break;
            }
    }
    free(idx);
    free(s.label);
    free(s.text);
    lx->word = w;
    lx->score = sc;
}

static double
plain_score(const plain_lex *lx, const txt_doc *doc)
{
    double sum = 0;
    for (size_t i = 0; i < doc->ntok; i++) {
        const char *b = txt_base(doc, i);
        char **hit = bsearch(&b, lx->word, lx->n, sizeof *lx->word, plain_cmp);
        if (hit)
            sum += lx->score[hit - lx->word];
    }
    return sum;
}

static void
plain_free(plain_lex *lx)
{
    for (size_t i = 0; i < lx->n; i++)
        free(lx->word[i]);
    free(lx->word);
    free(lx->score);
}

static double
pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / sqrt(sxx * syy);
}

static void
bench_uci(const char *dir, plain_lex *vader, plain_lex *afinn)
{
    static const char *const files[] = {"amazon_cells_labelled.txt", "yelp_labelled.txt",
                                        "imdb_labelled.txt"};
    static const char *const names[] = {"Amazon", "Yelp", "IMDB"};
    printf("\n## English sentiment, UCI binary accuracy (score >= 0 counts as positive)\n");
    printf("%-8s %8s %9s %11s %11s   issue baselines\n", "set", "ours", "unknown", "VADER-lex",
           "AFINN-lex");
    txt_doc doc;
    txt_doc_init(&doc);
    for (size_t f = 0; f < 3; f++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/en/uci_sentiment_labelled_sentences/%s", dir, files[f]);
        line_set s = {0};
        if (read_tsv(path, 0, 1, &s)) {
            printf("%-8s (missing)\n", names[f]);
            continue;
        }
        size_t ok = 0, unknown = 0, okv = 0, oka = 0;
        for (size_t i = 0; i < s.n; i++) {
            txt_sentiment_result r;
            if (txt_sentiment_text(&doc, s.text[i], strlen(s.text[i]), NULL, &r))
                continue;
            bool pos = s.label[i] > 0.5;
            ok += (r.score >= 0) == pos;
            unknown += r.label == TXT_UNKNOWN;
            okv += (plain_score(vader, &doc) >= 0) == pos;
            oka += (plain_score(afinn, &doc) >= 0) == pos;
        }
        printf("%-8s %7.1f%% %8.1f%% %10.1f%% %10.1f%%   goal >= 85%%%s\n", names[f],
               100.0 * (double)ok / (double)s.n, 100.0 * (double)unknown / (double)s.n,
               100.0 * (double)okv / (double)s.n, 100.0 * (double)oka / (double)s.n,
               f == 0 ? "; VADER lexicon+rules 68.9%, AFINN 65.3%" : "");
        free_set(&s);
    }
    txt_doc_clear(&doc);
}

static void
bench_vader_corr(const char *dir, plain_lex *vader)
{
    printf("\n## Correlation with VADER's human ratings, amazonReviewSnippets (3,708)\n");
    char path[1024];
    snprintf(path, sizeof path, "%s/en/vader_icwsm2014/amazonReviewSnippets_GroundTruth.txt",
             dir);
    line_set s = {0};
    if (read_tsv(path, 2, 1, &s)) {
        printf("(missing)\n");
        return;
    }
    double *ours = malloc(s.n * sizeof *ours), *base = malloc(s.n * sizeof *base);
    txt_doc doc;
    txt_doc_init(&doc);
    for (size_t i = 0; i < s.n; i++) {
        txt_sentiment_result r;
        ours[i] = 0;
        if (!txt_sentiment_text(&doc, s.text[i], strlen(s.text[i]), NULL, &r))
            ours[i] = r.score;
        double v = plain_score(vader, &doc);
        base[i] = v / sqrt(v * v + 15);
    }
    printf("ours r = %.3f   VADER lexicon sum (no rules) r = %.3f   goal >= 0.60; VADER paper "
           "0.565\n",
           pearson(ours, s.label, s.n), pearson(base, s.label, s.n));
    free(ours);
    free(base);
    txt_doc_clear(&doc);
    free_set(&s);
}

static void
bench_jrte(const char *dir)
{
    printf("\n## Japanese sentiment, JRTE pn.tsv (evaluation only)\n");
    char path[1024];
    snprintf(path, sizeof path, "%s/ja/jrte_pn/pn.tsv", dir);
    line_set s = {0};
    if (read_tsv(path, 2, 1, &s)) {
        printf("(missing)\n");
        return;
    }
    txt_doc doc;
    txt_doc_init(&doc);
    size_t pn = 0, pn_ok = 0, ok3 = 0, unknown = 0;
    for (size_t i = 0; i < s.n; i++) {
        txt_sentiment_result r;
        if (txt_sentiment_text(&doc, s.text[i], strlen(s.text[i]), NULL, &r)) {
            printf("error: %s\n", ws_last_reason());
            break;
        }
        int gold = (int)s.label[i];
        int pred3 = r.label == TXT_POSITIVE ? 1 : r.label == TXT_NEGATIVE ? -1
                    : r.label == TXT_MIXED ? (r.score >= 0 ? 1 : -1) : 0;
        ok3 += pred3 == gold;
        unknown += r.label == TXT_UNKNOWN;
        if (gold != 0) {
            pn++;
            pn_ok += (r.score >= 0 ? 1 : -1) == gold;
        }
    }
    printf("pos vs neg accuracy %.1f%% (goal >= 85%%)   three-class %.3f (goal >= 0.75; "
           "MeCab+Tohoku dictionary 0.656)   unknown %.1f%%\n",
           100.0 * (double)pn_ok / (double)pn, (double)ok3 / (double)s.n,
           100.0 * (double)unknown / (double)s.n);
    txt_doc_clear(&doc);
    free_set(&s);
}

static void
bench_speed(const char *dir)
{
    printf("\n## Speed, one core\n");
    char path[1024];
    line_set en = {0}, ja = {0};
    snprintf(path, sizeof path, "%s/en/uci_sentiment_labelled_sentences/yelp_labelled.txt", dir);
    read_tsv(path, 0, 1, &en);
    snprintf(path, sizeof path, "%s/ja/jrte_pn/pn.tsv", dir);
    read_tsv(path, 2, 1, &ja);
    txt_doc doc;
    txt_doc_init(&doc);
    line_set *sets[] = {&en, &ja};
    const char *names[] = {"English (Yelp sentences)", "Japanese (JRTE sentences)"};
    const char *goals[] = {">= 100,000/s", ">= 30,000/s"};
    for (int k = 0; k < 2; k++) {
        line_set *s = sets[k];
        if (!s->n)
            continue;
        size_t done = 0;
        double t0 = now(), t;
        double sink = 0;
        do {
            for (size_t i = 0; i < s->n; i++) {
                txt_sentiment_result r;
                if (!txt_sentiment_text(&doc, s->text[i], strlen(s->text[i]), NULL, &r))
                    sink += r.score;
            }
            done += s->n;
            t = now() - t0;
        } while (t < 1.0);
        printf("%-28s %9.0f comments/s   goal %s  (checksum %.1f)\n", names[k],
               (double)done / t, goals[k], sink);
    }
    txt_doc_clear(&doc);
    free_set(&en);
    free_set(&ja);
}


/* ----- ROUGE-1 F (lower-case alphanumeric tokens, no stemming) ----- */
static size_t
rouge_tokens(const char *s, char ***out)
{
    size_t n = 0, cap = 16;
    char **t = malloc(cap * sizeof *t);
    while (*s) {
        while (*s && !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            s++;
        const char *b = s;
        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9'))
            s++;
        if (s > b) {
            if (n == cap)
                t = realloc(t, (cap *= 2) * sizeof *t);
            char *w = strndup(b, (size_t)(s - b));
            for (char *p = w; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p += 32;
            t[n++] = w;
        }
    }
    *out = t;
    return n;
}

static double
rouge1_f(char **cand, size_t nc, char **ref, size_t nr)
{
    if (!nc || !nr)
        return 0;
    char *used = calloc(nr, 1);
    size_t overlap = 0;
    for (size_t i = 0; i < nc; i++)
        for (size_t j = 0; j < nr; j++)
            if (!used[j] && strcmp(cand[i], ref[j]) == 0) {
                used[j] = 1;
                overlap++;
                break;
            }
    free(used);
    double p = (double)overlap / (double)nc, r = (double)overlap / (double)nr;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static void
free_tokens(char **t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i]);
    free(t);
}

static void
bench_opinosis(const char *dir)
{
    printf("\n## Summaries, Opinosis (51 topics), ROUGE-1 F, same word budget as each gold\n");
    char path[1024];
    snprintf(path, sizeof path, "%s/en/opinosis/topics", dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "ls '%s'", path);
    FILE *ls = popen(cmd, "r");
    if (!ls)
        return;
    char name[512];
    double total = 0;
    size_t topics = 0;
    while (fgets(name, sizeof name, ls)) {
        name[strcspn(name, "\n")] = '\0';
        char *dot = strstr(name, ".txt.data");
        if (!dot)
            continue;
        char file[2048];
        snprintf(file, sizeof file, "%s/%s", path, name);
        char *buf = slurp(file, NULL);
        if (!buf)
            continue;
        size_t nl = 0;
        char **lines = NULL, *save = NULL;
        for (char *l = strtok_r(buf, "\r\n", &save); l; l = strtok_r(NULL, "\r\n", &save)) {
            lines = realloc(lines, (nl + 1) * sizeof *lines);
            lines[nl++] = l;
        }
        txt_corpus *cp = NULL;
        char **sum = NULL;
        size_t ns = 0;
        if (txt_corpus_new((const char *const *)lines, nl, NULL, &cp) ||
            txt_corpus_summary(cp, 10, &sum, &ns)) {
            printf("error: %s\n", ws_last_reason());
            exit(1);
        }
        size_t blen = 0;
        for (size_t i = 0; i < ns; i++)
            blen += strlen(sum[i]) + 2;
        char *joined = calloc(blen + 1, 1);
        for (size_t i = 0; i < ns; i++) {
            strcat(joined, sum[i]);
            strcat(joined, " ");
            mem_free(sum[i]);
        }
        mem_free(sum);
        char **cand;
        size_t nc = rouge_tokens(joined, &cand);
        *dot = '\0';
        double acc = 0;
        size_t golds = 0;
        for (int g = 1; g <= 9; g++) {
            snprintf(file, sizeof file, "%s/en/opinosis/summaries-gold/%s/%s.%d.gold", dir, name,
                     name, g);
            char *gold = slurp(file, NULL);
            if (!gold)
                continue;
            char **ref;
            size_t nr = rouge_tokens(gold, &ref);
            acc += rouge1_f(cand, nc < nr ? nc : nr, ref, nr);
            golds++;
            free_tokens(ref, nr);
            free(gold);
        }
        if (golds) {
            total += acc / (double)golds;
            topics++;
        }
        free_tokens(cand, nc);
        free(joined);
        txt_corpus_free(cp);
        free(lines);
        free(buf);
    }
    pclose(ls);
    printf("ours ROUGE-1 F = %.3f over %zu topics   goal >= 0.27; LexRank 0.246, random 0.198, "
           "human 0.295\n", topics ? total / (double)topics : 0, topics);
}

static int
semeval_class(const char *cat)
{
    if (strstr(cat, "#PRICES"))
        return 0; /* price */
    if (strncmp(cat, "FOOD#", 5) == 0 || strncmp(cat, "DRINKS#", 7) == 0)
        return 1; /* quality */
    if (strncmp(cat, "AMBIENCE#", 9) == 0)
        return 2; /* design */
    if (strncmp(cat, "SERVICE#", 8) == 0)
        return 4; /* support */
    return -1;
}

static void
bench_semeval(const char *dir)
{
    printf("\n## Topics, SemEval-2016 restaurants (test), built-in seeds, no tuning\n");
    char path[1024];
    snprintf(path, sizeof path, "%s/en/semeval2016_absa_restaurants/test_sentences.tsv", dir);
    char *buf = slurp(path, NULL);
    if (!buf) {
        printf("(missing)\n");
        return;
    }
    char **texts = NULL;
    int *gold = NULL;
    size_t n = 0;
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *f[5];
        int nf = 0;
        char *p = l;
        while (nf < 5) {
            f[nf++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = '\0';
            p = t + 1;
        }
        if (nf < 5 || strcmp(f[0], "sentence_id") == 0)
            continue;
        /* one class per sentence: all its categories must map to the same class */
        int cls = -2;
        char *cs = NULL;
        for (char *c = strtok_r(f[1], "|", &cs); c; c = strtok_r(NULL, "|", &cs)) {
            int k = semeval_class(c);
            cls = cls == -2 ? k : (cls == k ? cls : -1);
        }
        if (cls < 0)
            continue;
        texts = realloc(texts, (n + 1) * sizeof *texts);
        gold = realloc(gold, (n + 1) * sizeof *gold);
        texts[n] = f[4];
        gold[n] = cls;
        n++;
    }
    txt_corpus *cp = NULL;
    txt_topic *tp = NULL;
    size_t nt = 0, *assign = NULL;
    if (txt_corpus_new((const char *const *)texts, n, NULL, &cp) ||
        txt_corpus_topics(cp, NULL, 0, &tp, &nt, &assign)) {
        printf("error: %s\n", ws_last_reason());
        exit(1);
    }
    size_t ok = 0, none = 0;
    for (size_t i = 0; i < n; i++) {
        ok += assign[i] == (size_t)gold[i];
        none += assign[i] == SIZE_MAX || assign[i] >= 6;
    }
    printf("accuracy %.3f on %zu single-class sentences (price/food+drinks=quality/ambience="
           "design/service=support); %.1f%% got no built-in topic   goal >= 0.75; hand seeds "
           "0.669\n", (double)ok / (double)n, n, 100.0 * (double)none / (double)n);
    mem_free(assign);
    txt_topics_free(tp, nt);
    txt_corpus_free(cp);
    free(texts);
    free(gold);
    free(buf);
}

static void
bench_corpus_speed(const char *dir)
{
    char path[1024];
    line_set all = {0};
    static const char *const files[] = {"amazon_cells_labelled.txt", "yelp_labelled.txt",
                                        "imdb_labelled.txt"};
    for (int f = 0; f < 3; f++) {
        snprintf(path, sizeof path, "%s/en/uci_sentiment_labelled_sentences/%s", dir, files[f]);
        read_tsv(path, 0, 1, &all);
    }
    if (!all.n)
        return;
    size_t sizes[] = {10000, 100000};
    for (int k = 0; k < 2; k++) {
        size_t n = sizes[k];
        const char **t = malloc(n * sizeof *t);
        for (size_t i = 0; i < n; i++)
            t[i] = all.text[i % all.n];
        double t0 = now();
        txt_corpus *cp = NULL;
        char **sum = NULL;
        size_t ns = 0, nt = 0, *assign = NULL;
        txt_topic *tp = NULL;
        if (txt_corpus_new(t, n, NULL, &cp) || txt_corpus_summary(cp, 3, &sum, &ns) ||
            txt_corpus_topics(cp, NULL, 0, &tp, &nt, &assign)) {
            printf("error: %s\n", ws_last_reason());
            exit(1);
        }
        printf("summary + topics of %6zu comments: %.2f s CPU   goal <= 1 s for 10,000\n", n,
               now() - t0);
        for (size_t i = 0; i < ns; i++)
            mem_free(sum[i]);
        mem_free(sum);
        mem_free(assign);
        txt_topics_free(tp, nt);
        txt_corpus_free(cp);
        free(t);
    }
    free_set(&all);
}

int
main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("WS_TEXT_DATA");
    if (!dir) {
        fprintf(stderr, "usage: text_bench DATA_DIR (the shared data/text folder)\n");
        return 1;
    }
    char path[1024];
    plain_lex vader = {0}, afinn = {0};
    snprintf(path, sizeof path, "%s/lexicons/en/vader_lexicon.txt", dir);
    plain_load(path, &vader);
    snprintf(path, sizeof path, "%s/lexicons/en/AFINN-en-165.txt", dir);
    plain_load(path, &afinn);
    double t0 = now();
    bench_uci(dir, &vader, &afinn);
    bench_vader_corr(dir, &vader);
    bench_jrte(dir);
    bench_speed(dir);
    bench_corpus_speed(dir);
    bench_opinosis(dir);
    bench_semeval(dir);
    printf("\n(total %.1f s)\n", now() - t0);
    plain_free(&vader);
    plain_free(&afinn);
    return 0;
}
