/* Opening and saving books: format detection, read-only input, atomic output. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/mem.h"
#include "expr/expr.h"
#include "io/book.h"
#include "io/zipxml.h"
#include "registry.h"

typedef enum book_format { FORMAT_XLSX, FORMAT_ODS, FORMAT_CSV } book_format;

static bool
has_extension(const char *path, const char *ext)
{
    size_t n = strlen(path), e = strlen(ext);
    return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* By content first: a zip is xlsx unless its first entry is an ODF mimetype. */
static ws_status
detect_format(const char *path, book_format *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_fail(WS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char head[96] = {0};
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 4 && memcmp(head, "PK\3\4", 4) == 0) {
        const char *odf = "application/vnd.oasis.opendocument.spreadsheet";
        *out = FORMAT_XLSX;
        for (size_t i = 30; i + strlen(odf) <= n; i++)
            if (memcmp(head + i, odf, strlen(odf)) == 0)
                *out = FORMAT_ODS;
        if (*out == FORMAT_XLSX && has_extension(path, ".ods"))
            *out = FORMAT_ODS;
        return WS_OK;
    }
    if (has_extension(path, ".xlsx") || has_extension(path, ".ods"))
        return diag_fail(WS_ERR_FORMAT, "%s: not a zip archive, so not a workbook", path);
    *out = FORMAT_CSV;
    return WS_OK;
}

ws_status
ws_book_open(const char *path, const ws_limits *limits, ws_book **out)
{
    diag_clear();
    if (!path || !out)
        return diag_fail(WS_ERR_ARGS, "ws_book_open: no path");
    struct stat sb;
    if (stat(path, &sb) != 0)
        return diag_fail(WS_ERR_IO, "%s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return diag_fail(WS_ERR_IO, "%s: is a folder, not a workbook", path);
    book_format format = FORMAT_CSV;
    ws_status st = detect_format(path, &format);
    if (st)
        return st;
    ws_book *book = NULL;
    if ((st = book_new(limits, &book)))
        return st;
    char *real = realpath(path, NULL);
    if (real) {
        book->source_path = mem_strdup(real);
        free(real);
        if (!book->source_path) {
            ws_book_close(book);
            return diag_nomem();
        }
    }
    switch (format) {
    case FORMAT_XLSX: st = xlsx_read(book, path); break;
    case FORMAT_ODS: st = ods_read(book, path); break;
    case FORMAT_CSV: st = csv_read(book, path); break;
    }
    if (st == WS_OK && book->sheet_count == 0)
        st = diag_fail(WS_ERR_FORMAT, "%s: the workbook has no sheets", path);
    if (st) {
        ws_book_close(book);
        return st;
    }
    *out = book;
    return WS_OK;
}

ws_status
ws_book_read(const ws_book *book, size_t sheet, const char *ref, ws_range **out)
{
    diag_clear();
    if (!book || !ref || sheet >= book->sheet_count)
        return diag_fail(WS_ERR_ARGS, "ws_book_read: no such sheet");
    const book_sheet *s;
    book_area area;
    ws_status st = ref_resolve(book, &book->sheets[sheet], ref, &s, &area);
    if (st)
        return st;
    return book_read_area(s, area, out);
}

static bool
same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

ws_status
ws_book_save(const ws_book *book, const char *path, const ws_save_options *options)
{
    diag_clear();
    if (!book || !path)
        return diag_fail(WS_ERR_ARGS, "ws_book_save: no book or path");
    if (book->source_path && same_file(book->source_path, path))
        return diag_fail(WS_ERR_IO,
                         "%s: refusing to write over the input workbook; choose another name",
                         path);
    size_t n = strlen(path);
    char *tmp = mem_alloc(n + 32);
    if (!tmp)
        return diag_nomem();
    /* The temporary file sits in the target folder so the rename cannot cross devices. */
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    /* O_EXCL with mode 0666 lets the umask decide the final permissions, as for any new
     * file; the name only has to be unused, so a counter and the pid suffice. */
    static _Atomic unsigned counter;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(tmp, n + 32, "%.*s.%s.%ld-%u.tmp", (int)dir, path, path + dir, (long)getpid(),
                 counter++);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        ws_status st = diag_fail(WS_ERR_IO, "%s: cannot create a file in its folder: %s", path,
                                 strerror(errno));
        mem_free(tmp);
        return st;
    }
    close(fd);
    /* A file-size limit (ulimit -f) raises SIGXFSZ on the write that passes it, and its
     * default action kills the process: the host, with its unsaved work.  Block it on this
     * thread while writing, so the write fails with EFBIG instead, and take back the one
     * it raised (a SIGXFSZ the host had pending before is left alone). */
    sigset_t xfsz, old, pending;
    sigemptyset(&xfsz);
    sigaddset(&xfsz, SIGXFSZ);
    pthread_sigmask(SIG_BLOCK, &xfsz, &old);
    bool was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGXFSZ) == 1;
    ws_status st = xlsx_write(book, tmp, options);
    /* libxlsxwriter does not check its writes: prove the file whole before it replaces
     * anything. */
    if (st == WS_OK)
        st = zipxml_check(tmp);
    /* A write that failed, or a part found cut short afterwards, is nearly always a full
     * disk or a file-size limit; the reason that follows says what was seen. */
    if (st == WS_ERR_IO || st == WS_ERR_FORMAT)
        st = diag_prefix(WS_ERR_IO,
                         "%s: not saved (is the disk full, or a file-size limit reached?)",
                         path);
    if (!was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGXFSZ) == 1) {
        const struct timespec now = {0, 0};
        sigtimedwait(&xfsz, NULL, &now);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (st == WS_OK && rename(tmp, path) != 0)
        st = diag_fail(WS_ERR_IO, "%s: cannot rename the finished file into place: %s", path,
                       strerror(errno));
    if (st)
        unlink(tmp);
    mem_free(tmp);
    return st;
}
