/* The API is reentrant: 8 threads evaluate formulas on one shared book at once and each
 * gets exactly the single-threaded answer.  Run under ThreadSanitizer in CI. */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "worldsheet.h"

#define THREADS 8
#define ROUNDS 60

/* Every formula's own help example runs too, so each new formula is covered. */
#define MAX_FORMULAS 64
static ws_book *shared_book;
static const char *formulas[MAX_FORMULAS] = {"=WS.DESCRIBE(A1:A48)", "=WS.DESCRIBE(A1:A10)"};
static size_t formula_count = 2;
static ws_range *expected[MAX_FORMULAS];
static int mismatches[THREADS];

static bool
same(const ws_range *a, const ws_range *b)
{
    if (ws_range_rows(a) != ws_range_rows(b) || ws_range_cols(a) != ws_range_cols(b))
        return false;
    for (size_t r = 0; r < ws_range_rows(a); r++) {
        for (size_t c = 0; c < ws_range_cols(a); c++) {
            if (ws_range_type_at(a, r, c) != ws_range_type_at(b, r, c))
                return false;
            double x = ws_range_number_at(a, r, c), y = ws_range_number_at(b, r, c);
            if (memcmp(&x, &y, sizeof x) != 0 ||
                strcmp(ws_range_text_at(a, r, c), ws_range_text_at(b, r, c)) != 0)
                return false;
        }
    }
    return true;
}

static void *
worker(void *arg)
{
    int id = (int)(size_t)arg;
    for (int round = 0; round < ROUNDS; round++) {
        size_t f = (size_t)(round + id) % formula_count;
        ws_range *out = NULL;
        if (ws_book_eval(shared_book, 0, formulas[f], &out) != WS_OK || !same(out, expected[f]))
            mismatches[id]++;
        ws_range_free(out);
        /* Each thread's failure reason is its own. */
        ws_range *bad = NULL;
        if (ws_book_eval(shared_book, 0, "=WS.DESCRIBE(", &bad) == WS_OK ||
            strstr(ws_last_reason(), "WS.DESCRIBE(") == NULL)
            mismatches[id]++;
        ws_range_free(bad);
    }
    return NULL;
}

int
main(void)
{
    ws_range *data = NULL;
    CHECK_OK(ws_range_new(48, 1, &data));
    for (size_t i = 0; i < 48; i++)
        ws_range_set_number(data, i, 0, 100.0 + (double)(i % 12) * 3.0 + (double)i * 0.5);
    CHECK_OK(ws_book_new(&shared_book));
    CHECK_OK(ws_book_add_sheet(shared_book, "Data", data, NULL));
    ws_range_free(data);
    for (size_t i = 0; i < ws_formula_count() && formula_count < MAX_FORMULAS; i++)
        formulas[formula_count++] = ws_formula_at(i)->example;
    for (size_t f = 0; f < formula_count; f++)
        CHECK_OK(ws_book_eval(shared_book, 0, formulas[f], &expected[f]));
    pthread_t threads[THREADS];
    for (size_t t = 0; t < THREADS; t++)
        CHECK(pthread_create(&threads[t], NULL, worker, (void *)t) == 0);
    for (size_t t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);
    for (size_t t = 0; t < THREADS; t++)
        CHECK(mismatches[t] == 0);
    for (size_t f = 0; f < formula_count; f++)
        ws_range_free(expected[f]);
    ws_book_close(shared_book);
    return check_summary("threads");
}
