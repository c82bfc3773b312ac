/* libFuzzer target for the ODS reader (issue 7).
 *
 * Input: content.xml, optionally followed by a NUL byte and styles.xml.  The parts are
 * packed into a stored (uncompressed) zip, so mutations reach the XML handling instead of
 * dying in inflate or the CRC check.  max_cells is lowered so that a repeated value runs
 * in bounded time (a legitimate repeat up to the default 50 million cells is slow, not a
 * bug).
 *
 *   CC=clang meson setup build-fuzz -Db_sanitize=address,undefined -Db_lundef=false \
 *       -Dc_args=-fsanitize=fuzzer-no-link   # coverage of the readers, not only this file
 *   ninja -C build-fuzz tests/io/ods/fuzz_ods
 *   mkdir corpus && for f in tests/io/ods/odsread.ods tests/io/ods/hostile/details.ods; do
 *       unzip -p "$f" content.xml > corpus/$(basename "$f").xml; done
 *   build-fuzz/tests/io/ods/fuzz_ods -dict=tests/io/ods/ods.dict corpus */
#include <minizip/zip.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/book.h"

static void
add(zipFile z, const char *name, const uint8_t *data, size_t len)
{
    zip_fileinfo zi;
    memset(&zi, 0, sizeof zi);
    if (zipOpenNewFileInZip(z, name, &zi, NULL, 0, NULL, 0, NULL, 0, 0) != ZIP_OK)
        return;
    zipWriteInFileInZip(z, data, (unsigned)len);
    zipCloseFileInZip(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_ods-%d.ods", (int)getpid());
    zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
    if (!z)
        return 0;
    const uint8_t *nul = memchr(data, 0, size);
    size_t content = nul ? (size_t)(nul - data) : size;
    add(z, "content.xml", data, content);
    if (nul)
        add(z, "styles.xml", nul + 1, size - content - 1);
    zipClose(z, NULL);
    ws_limits lim;
    ws_limits_default(&lim);
    lim.max_cells = 100000;
    ws_book *book;
    if (book_new(&lim, &book) == WS_OK) {
        ods_read(book, path);
        ws_book_close(book);
    }
    unlink(path);
    return 0;
}
