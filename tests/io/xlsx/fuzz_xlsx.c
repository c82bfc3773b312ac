/* libFuzzer target for the xlsx reader (issue 7).
 *
 * Input: either a whole zip (starting "PK"), or XML parts separated by NUL bytes:
 * sheet XML, then optionally shared strings, styles and workbook XML.  Parts are packed
 * into a stored (uncompressed) zip, so mutations reach the XML handling instead of dying in
 * inflate or the CRC check.  Limits are lowered so every input runs in bounded time.
 * Inputs of odd length read their shared strings on a thread beside the sheet and inflate
 * every part on another, as big books do; even ones read in turn.
 *
 *   clang build:  meson setup build-fuzz -Dc_args=... with CC=clang (see meson.build), or
 *   ninja -C build-fuzz tests/io/xlsx/fuzz_xlsx && \
 *       build-fuzz/tests/io/xlsx/fuzz_xlsx -dict=tests/io/xlsx/xlsx.dict CORPUS_DIR */
#include <minizip/zip.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/book.h"
#include "io/zipxml.h"

static const char *ROOT_RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char *WB_RELS =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"x/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"x/styles\" Target=\"/xl/styles.xml\"/>"
    "</Relationships>";
static const char *WORKBOOK = "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" r:id=\"rId1\"/>"
                              "</sheets></workbook>";

static void
add(zipFile z, const char *name, const char *data, size_t len)
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
    snprintf(path, sizeof path, "/tmp/ws-fuzz-xlsx-%d.xlsx", (int)getpid());
    if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
        FILE *f = fopen(path, "wb");
        if (!f)
            return 0;
        fwrite(data, 1, size, f);
        fclose(f);
    } else {
        const char *parts[4] = {"", "<sst/>", "<styleSheet/>", WORKBOOK};
        size_t lens[4] = {0, 6, 13, strlen(WORKBOOK)};
        const char *p = (const char *)data, *end = p + size;
        for (int i = 0; i < 4 && p <= end; i++) {
            const char *nul = memchr(p, '\0', (size_t)(end - p));
            size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
            parts[i] = p;
            lens[i] = n;
            p += n + 1;
            if (!nul)
                break;
        }
        zipFile z = zipOpen(path, APPEND_STATUS_CREATE);
        if (!z)
            return 0;
        add(z, "_rels/.rels", ROOT_RELS, strlen(ROOT_RELS));
        add(z, "xl/workbook.xml", parts[3], lens[3]);
        add(z, "xl/_rels/workbook.xml.rels", WB_RELS, strlen(WB_RELS));
        add(z, "xl/worksheets/sheet1.xml", parts[0], lens[0]);
        add(z, "xl/sharedStrings.xml", parts[1], lens[1]);
        add(z, "xl/styles.xml", parts[2], lens[2]);
        zipClose(z, NULL);
    }
    xlsx_read_sst_thread_min(size % 2 ? 0 : UINT64_MAX);
    zipxml_set_ahead_min(size % 2 ? 0 : UINT64_MAX);
    ws_limits limits;
    ws_limits_default(&limits);
    limits.max_cells = 200000;
    limits.max_entry_bytes = 64u << 20;
    limits.max_total_bytes = 128u << 20;
    ws_book *book = NULL;
    if (book_new(&limits, &book) == WS_OK) {
        xlsx_read(book, path);
        ws_book_close(book);
    }
    unlink(path);
    return 0;
}
