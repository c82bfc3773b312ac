/* libFuzzer target for the whole `worldsheet run` pipeline (issue 7): the input bytes are a
 * file, opened by content (a zip is xlsx, or ODS when its mimetype says so; anything else
 * is CSV), every WS.* formula evaluated (ws_book_run), and the book saved as .xlsx to a
 * private temporary folder, then removed.  Limits are lowered so every input runs in
 * bounded time; a save failure is fine (it must leave nothing behind, which is checked:
 * any file left in the folder aborts, so libFuzzer reports it).
 *
 * Built by tests/fuzz/meson.build with -Dfuzzing=true; run with tests/fuzz/run.sh. */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "worldsheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char folder[64];

static size_t
files_in(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!folder[0]) {
        snprintf(folder, sizeof folder, "/tmp/ws-fuzz-run-%d", (int)getpid());
        mkdir(folder, 0700);
    }
    char in[96], out[96];
    snprintf(in, sizeof in, "%s.in", folder);
    snprintf(out, sizeof out, "%s/out.xlsx", folder);
    FILE *f = fopen(in, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    ws_limits limits;
    ws_limits_default(&limits);
    limits.max_cells = 20000;
    limits.max_entry_bytes = 16u << 20;
    limits.max_total_bytes = 32u << 20;
    ws_book *book = NULL;
    if (ws_book_open(in, &limits, &book) == WS_OK) {
        ws_run_stats stats;
        if (ws_book_run(book, NULL, NULL, &stats) == WS_OK) {
            ws_save_options opt = {.values_only = size % 2 == 1, .created_time = 1};
            ws_book_save(book, out, &opt);
            unlink(out);
        }
        ws_book_close(book);
    }
    if (files_in(folder) != 0)
        abort(); /* a failed save left a temporary file behind */
    unlink(in);
    return 0;
}
