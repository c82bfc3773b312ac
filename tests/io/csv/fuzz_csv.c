/* libFuzzer target for the CSV reader (issue 7): the input is the file.  max_cells is
 * lowered so every input runs in bounded time.
 *
 *   CC=clang meson setup build-fuzz -Db_sanitize=address,undefined -Db_lundef=false \
 *       -Dc_args=-fsanitize=fuzzer-no-link   # coverage of the readers, not only this file
 *   ninja -C build-fuzz tests/io/csv/fuzz_csv
 *   build-fuzz/tests/io/csv/fuzz_csv -dict=tests/io/csv/csv.dict CORPUS_DIR */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "io/book.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_csv-%d.csv", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    ws_limits lim;
    ws_limits_default(&lim);
    lim.max_cells = 100000;
    ws_book *book;
    if (book_new(&lim, &book) == WS_OK) {
        csv_read(book, path);
        ws_book_close(book);
    }
    unlink(path);
    return 0;
}
