/* libFuzzer target for the formula parser and evaluator (issue 7).
 *
 * The input is formula text.  It is parsed alone (expr_parse, the depth limit at its
 * default) and then evaluated against a small book (ws_book_eval on sheet "Data": numbers
 * in A1:C40, labels in D1:D40, comments in E1:E40), so every WS.* formula sees fuzzed
 * arguments, references and inline arrays.  A result or an error value are both fine; a
 * crash, a leak (AddressSanitizer) or a run past libFuzzer's -timeout is a finding.
 *
 * Built by tests/fuzz/meson.build with -Dfuzzing=true; run with tests/fuzz/run.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"
#include "expr/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ws_book *fuzz_book;

static ws_book *
make_book(void)
{
    ws_book *book = NULL;
    ws_range *values = NULL;
    if (ws_book_new(&book) || ws_range_new(40, 5, &values))
        goto fail;
    static const char *const words[] = {"great product", "too slow", "love it", "broken",
                                        "ok", "素晴らしい", "", "refund please"};
    for (size_t r = 0; r < 40; r++) {
        double t = (double)r;
        ws_range_set_number(values, r, 0, 100.0 + 3.0 * t + (double)(r % 7) * 2.5);
        ws_range_set_number(values, r, 1, (double)(r % 12) * 10.0 + 5.0);
        ws_range_set_number(values, r, 2, r % 5 == 0 ? -1.5 : t / 3.0);
        char label[16];
        snprintf(label, sizeof label, "item %zu", r % 9);
        ws_range_set_text(values, r, 3, label);
        ws_range_set_text(values, r, 4, words[r % 8]);
    }
    if (ws_book_add_sheet(book, "Data", values, NULL))
        goto fail;
    ws_range_free(values);
    return book;
fail:
    ws_range_free(values);
    ws_book_close(book);
    return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fuzz_book && !(fuzz_book = make_book()))
        return 0;
    if (size > 64 * 1024)
        return 0;
    char *text = mem_alloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    expr_node *tree = NULL;
    if (expr_parse(text, 0, &tree) == WS_OK)
        expr_free(tree);
    ws_range *result = NULL;
    if (ws_book_eval(fuzz_book, 0, text, &result) == WS_OK) {
        /* Touch every cell, as a host copying the result out would. */
        for (size_t r = 0; r < ws_range_rows(result); r++)
            for (size_t c = 0; c < ws_range_cols(result); c++)
                (void)strlen(ws_range_text_at(result, r, c));
        ws_range_free(result);
    }
    mem_free(text);
    return 0;
}
