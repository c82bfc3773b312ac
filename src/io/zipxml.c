/* Zip entries through expat, with the safety limits checked while streaming.
 *
 * Why this shape: minizip trusts nothing we need it to (we count the inflated bytes
 * ourselves and measure the compressed bytes consumed from the stream position), and expat
 * parses straight out of its own buffer (XML_GetBuffer + XML_ParseBuffer), so an entry is
 * inflated once into a 256 KiB window and never copied. */
#include "io/zipxml.h"

#include <errno.h>
#include <expat.h>
#include <minizip/unzip.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"

#define ZIPXML_CHUNK (256u * 1024u)
/* Entries claiming to inflate to this much or more are inflated on a thread of their own,
 * ZIPXML_AHEAD chunks ahead of expat (inflating is a fifth of reading a sheet). */
#define ZIPXML_AHEAD_MIN (1u << 20)
#define ZIPXML_AHEAD 4
/* The inflate ratio is only judged past this many bytes (as Apache POI does). */
#define ZIPXML_RATIO_AFTER (100u * 1024u)

typedef struct zipxml_entry {
    char *name;
    unz64_file_pos pos;
    uint64_t claimed_size; /* what the directory says it inflates to: a hint, never trusted */
} zipxml_entry;

struct zipxml {
    unzFile uf;
    char *path;
    ws_limits limits;
    zipxml_entry *entries;
    size_t entry_count;
    /* Inflated from this archive so far, by this handle and those reopened from it. */
    _Atomic uint64_t own_total;
    _Atomic uint64_t *total_bytes;
    /* The parse in progress. */
    XML_Parser parser;
    const char *entry;
    ws_status stop_status;
    bool stopped;
};

static int
entry_cmp(const void *a, const void *b)
{
    const zipxml_entry *x = a, *y = b;
    return strcasecmp(x->name, y->name);
}

void
zipxml_close(zipxml *zip)
{
    if (!zip)
        return;
    if (zip->uf)
        unzClose(zip->uf);
    for (size_t i = 0; i < zip->entry_count; i++)
        mem_free(zip->entries[i].name);
    mem_free(zip->entries);
    mem_free(zip->path);
    mem_free(zip);
}

/* Lists the entries: names are checked here once, so a lookup later is a plain scan. */
static ws_status
list_entries(zipxml *zip)
{
    unz_global_info64 gi;
    if (unzGetGlobalInfo64(zip->uf, &gi) != UNZ_OK)
        return diag_fail(WS_ERR_FORMAT, "%s: the zip directory cannot be read", zip->path);
    if (gi.number_entry > zip->limits.max_zip_entries)
        return diag_fail(WS_ERR_LIMIT,
                         "%s: the zip has %llu entries, more than the limit of %u (raise "
                         "max_zip_entries to read it)",
                         zip->path, (unsigned long long)gi.number_entry,
                         zip->limits.max_zip_entries);
    size_t cap = 0;
    int rc = unzGoToFirstFile(zip->uf);
    while (rc == UNZ_OK) {
        if (zip->entry_count >= zip->limits.max_zip_entries)
            return diag_fail(WS_ERR_LIMIT,
                             "%s: the zip has more than %u entries (raise max_zip_entries "
                             "to read it)",
                             zip->path, zip->limits.max_zip_entries);
        char name[1024];
        unz_file_info64 info;
        if (unzGetCurrentFileInfo64(zip->uf, &info, name, sizeof name, NULL, 0, NULL, 0) !=
            UNZ_OK)
            return diag_fail(WS_ERR_FORMAT, "%s: a zip directory entry is corrupt", zip->path);
        if (info.size_filename >= sizeof name)
            return diag_fail(WS_ERR_FORMAT, "%s: a zip entry name is longer than %zu bytes",
                             zip->path, sizeof name - 1);
        name[info.size_filename] = '\0';
        if (mem_grow((void **)&zip->entries, &cap, zip->entry_count + 1, sizeof *zip->entries))
            return diag_nomem();
        zipxml_entry *e = &zip->entries[zip->entry_count];
        if (!(e->name = mem_strdup(name)))
            return diag_nomem();
        e->claimed_size = info.uncompressed_size;
        zip->entry_count++;
        if (unzGetFilePos64(zip->uf, &e->pos) != UNZ_OK)
            return diag_fail(WS_ERR_FORMAT, "%s: zip entry %s cannot be located", zip->path,
                             name);
        rc = unzGoToNextFile(zip->uf);
    }
    if (rc != UNZ_END_OF_LIST_OF_FILE)
        return diag_fail(WS_ERR_FORMAT, "%s: the zip directory is corrupt", zip->path);
    /* Readers disagree on which of two same-named entries they read, so a file could show
     * one thing to a checker and another to us: reject.  Part names are case-insensitive
     * in OPC, so "a.xml" and "A.XML" are duplicates too. */
    zipxml_entry *sorted = mem_alloc(zip->entry_count * sizeof *sorted + 1);
    if (!sorted)
        return diag_nomem();
    if (zip->entry_count)
        memcpy(sorted, zip->entries, zip->entry_count * sizeof *sorted);
    qsort(sorted, zip->entry_count, sizeof *sorted, entry_cmp);
    ws_status st = WS_OK;
    for (size_t i = 1; i < zip->entry_count && !st; i++)
        if (strcasecmp(sorted[i - 1].name, sorted[i].name) == 0)
            st = diag_fail(WS_ERR_FORMAT, "%s: the zip holds two entries named %s", zip->path,
                           sorted[i].name);
    mem_free(sorted);
    return st;
}

ws_status
zipxml_open(const char *path, const ws_limits *limits, zipxml **out)
{
    zipxml *zip = mem_calloc(1, sizeof *zip);
    if (!zip)
        return diag_nomem();
    ws_status st = WS_OK;
    if (limits)
        zip->limits = *limits;
    else
        ws_limits_default(&zip->limits);
    atomic_init(&zip->own_total, 0);
    zip->total_bytes = &zip->own_total;
    if (!(zip->path = mem_strdup(path))) {
        st = diag_nomem();
        goto done;
    }
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        st = diag_fail(WS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        goto done;
    }
    fclose(probe);
    zip->uf = unzOpen64(path);
    if (!zip->uf) {
        st = diag_fail(WS_ERR_FORMAT,
                       "%s: not a readable zip archive (truncated or corrupt, or not a "
                       "workbook)",
                       path);
        goto done;
    }
    st = list_entries(zip);
done:
    if (st) {
        zipxml_close(zip);
        return st;
    }
    *out = zip;
    return WS_OK;
}

static const zipxml_entry *
find_entry(const zipxml *zip, const char *entry)
{
    for (size_t i = 0; i < zip->entry_count; i++)
        if (strcmp(zip->entries[i].name, entry) == 0)
            return &zip->entries[i];
    /* OPC part names compare case-insensitively; duplicates that way were rejected. */
    for (size_t i = 0; i < zip->entry_count; i++)
        if (strcasecmp(zip->entries[i].name, entry) == 0)
            return &zip->entries[i];
    return NULL;
}

bool
zipxml_has(const zipxml *zip, const char *entry)
{
    return find_entry(zip, entry) != NULL;
}

uint64_t
zipxml_claimed_size(const zipxml *zip, const char *entry)
{
    const zipxml_entry *e = find_entry(zip, entry);
    return e ? e->claimed_size : 0;
}

ws_status
zipxml_reopen(zipxml *zip, zipxml **out)
{
    ws_status st = zipxml_open(zip->path, &zip->limits, out);
    if (!st)
        (*out)->total_bytes = zip->total_bytes;
    return st;
}

/* An entry being inflated, with its byte counts. */
typedef struct zipxml_stream {
    zipxml *zip;
    const char *name;
    uint64_t claimed_size; /* as the directory says: a hint */
    uint64_t inflated;
    ZPOS64_T raw_start;
} zipxml_stream;

static ws_status
stream_open(zipxml *zip, const char *entry, zipxml_stream *s)
{
    const zipxml_entry *e = find_entry(zip, entry);
    if (!e)
        return diag_fail(WS_ERR_FORMAT, "%s: the workbook has no part %s", zip->path, entry);
    if (unzGoToFilePos64(zip->uf, &e->pos) != UNZ_OK)
        return diag_fail(WS_ERR_FORMAT, "%s: zip entry %s cannot be located", zip->path,
                         entry);
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(zip->uf, &info, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
        return diag_fail(WS_ERR_FORMAT, "%s: zip entry %s is corrupt", zip->path, entry);
    if (info.flag & 1u)
        return diag_fail(WS_ERR_UNSUPPORTED, "%s: zip entry %s is encrypted", zip->path, entry);
    if (info.compression_method != 0 && info.compression_method != Z_DEFLATED)
        return diag_fail(WS_ERR_UNSUPPORTED,
                         "%s: zip entry %s uses compression method %lu (only stored and "
                         "deflate are read)",
                         zip->path, entry, (unsigned long)info.compression_method);
    if (unzOpenCurrentFile(zip->uf) != UNZ_OK)
        return diag_fail(WS_ERR_FORMAT, "%s: zip entry %s cannot be opened (corrupt header)",
                         zip->path, entry);
    s->zip = zip;
    s->name = e->name;
    s->claimed_size = e->claimed_size;
    s->inflated = 0;
    s->raw_start = unzGetCurrentFileZStreamPos64(zip->uf);
    return WS_OK;
}

/* Up to `cap` bytes of the entry into buf; *got = 0 at its end.  Every limit is checked
 * against what was actually inflated, never against the sizes the headers claim. */
static ws_status
stream_read(zipxml_stream *s, char *buf, unsigned cap, unsigned *got)
{
    zipxml *zip = s->zip;
    int n = unzReadCurrentFile(zip->uf, buf, cap);
    if (n < 0)
        return diag_fail(WS_ERR_FORMAT, "%s: zip entry %s is corrupt (inflate error %d)",
                         zip->path, s->name, n);
    s->inflated += (unsigned)n;
    uint64_t total =
        atomic_fetch_add_explicit(zip->total_bytes, (unsigned)n, memory_order_relaxed) +
        (unsigned)n;
    if (s->inflated > zip->limits.max_entry_bytes)
        return diag_fail(WS_ERR_LIMIT,
                         "%s: zip entry %s inflates to more than %llu bytes (raise "
                         "max_entry_bytes to read it)",
                         zip->path, s->name, (unsigned long long)zip->limits.max_entry_bytes);
    if (total > zip->limits.max_total_bytes)
        return diag_fail(WS_ERR_LIMIT,
                         "%s: the zip inflates to more than %llu bytes in all (raise "
                         "max_total_bytes to read it)",
                         zip->path, (unsigned long long)zip->limits.max_total_bytes);
    if (s->inflated > ZIPXML_RATIO_AFTER) {
        /* The stream position runs ahead of inflate by at most one 16 KiB read, so this
         * errs on the lenient side. */
        ZPOS64_T pos = unzGetCurrentFileZStreamPos64(zip->uf);
        double raw = pos > s->raw_start ? (double)(pos - s->raw_start) : 0.0;
        double ratio = raw / (double)s->inflated;
        if (ratio < zip->limits.min_inflate_ratio)
            return diag_fail(WS_ERR_LIMIT,
                             "%s: zip entry %s inflates %.0f times its compressed size "
                             "(%.0f bytes into %llu), beyond min_inflate_ratio %g: a zip "
                             "bomb? (lower min_inflate_ratio to read it)",
                             zip->path, s->name, raw > 0 ? (double)s->inflated / raw : 0.0,
                             raw, (unsigned long long)s->inflated,
                             zip->limits.min_inflate_ratio);
    }
    *got = (unsigned)n;
    return WS_OK;
}

/* Closes the entry; a CRC mismatch is only known here, once it was read to its end. */
static ws_status
stream_close(zipxml_stream *s, bool read_all)
{
    int rc = unzCloseCurrentFile(s->zip->uf);
    if (read_all && rc == UNZ_CRCERROR)
        return diag_fail(WS_ERR_FORMAT, "%s: zip entry %s is corrupt (CRC mismatch)",
                         s->zip->path, s->name);
    if (read_all && rc != UNZ_OK)
        return diag_fail(WS_ERR_FORMAT, "%s: zip entry %s is corrupt", s->zip->path, s->name);
    return WS_OK;
}

/* ---------------------------------------------------------------------------------------
 * Read-ahead: a thread inflates the next chunks of a big entry while expat parses.  The
 * thread owns the stream between ahead_start and ahead_stop (minizip is not shared); its
 * failure reaches the parser with its reason once the chunks before it are parsed.
 * ------------------------------------------------------------------------------------- */

static _Atomic uint64_t ahead_min = ZIPXML_AHEAD_MIN;

void
zipxml_set_ahead_min(uint64_t bytes)
{
    atomic_store(&ahead_min, bytes);
}

typedef struct zipxml_ahead {
    zipxml_stream *s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    char *chunk[ZIPXML_AHEAD];
    unsigned len[ZIPXML_AHEAD];
    size_t head, tail; /* chunks taken and filled so far; tail - head are waiting */
    bool done;         /* the thread has filled its last chunk (the empty one, or a failure) */
    bool quit;         /* the parser wants no more */
    ws_status status;
    char reason[DIAG_REASON_MAX];
} zipxml_ahead;

static void *
ahead_run(void *arg)
{
    zipxml_ahead *a = arg;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        while (a->tail - a->head == ZIPXML_AHEAD && !a->quit)
            pthread_cond_wait(&a->emptied, &a->lock);
        bool quit = a->quit;
        size_t slot = a->tail % ZIPXML_AHEAD;
        pthread_mutex_unlock(&a->lock);
        if (quit)
            return NULL;
        unsigned got = 0;
        ws_status st = stream_read(a->s, a->chunk[slot], ZIPXML_CHUNK, &got);
        pthread_mutex_lock(&a->lock);
        if (st) {
            a->status = st;
            snprintf(a->reason, sizeof a->reason, "%s", diag_reason());
        } else {
            a->len[slot] = got;
            a->tail++;
        }
        a->done = st || got == 0;
        pthread_cond_signal(&a->filled);
        pthread_mutex_unlock(&a->lock);
        if (a->done)
            return NULL;
    }
}

static void
ahead_free(zipxml_ahead *a)
{
    for (size_t i = 0; i < ZIPXML_AHEAD; i++)
        mem_free(a->chunk[i]);
    mem_free(a);
}

/* A read-ahead thread for stream s when its entry is big; NULL (read directly) when it is
 * small or no thread or memory can be had. */
static zipxml_ahead *
ahead_start(zipxml_stream *s)
{
    if (s->claimed_size < atomic_load(&ahead_min))
        return NULL;
    zipxml_ahead *a = mem_calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->s = s;
    bool ok = true;
    for (size_t i = 0; i < ZIPXML_AHEAD && ok; i++)
        ok = (a->chunk[i] = mem_alloc(ZIPXML_CHUNK)) != NULL;
    if (ok && pthread_mutex_init(&a->lock, NULL) == 0) {
        if (pthread_cond_init(&a->filled, NULL) == 0) {
            if (pthread_cond_init(&a->emptied, NULL) == 0) {
                if (pthread_create(&a->thread, NULL, ahead_run, a) == 0)
                    return a;
                pthread_cond_destroy(&a->emptied);
            }
            pthread_cond_destroy(&a->filled);
        }
        pthread_mutex_destroy(&a->lock);
    }
    ahead_free(a);
    return NULL;
}

/* The next chunk into buf (as stream_read). */
static ws_status
ahead_read(zipxml_ahead *a, char *buf, unsigned *got)
{
    pthread_mutex_lock(&a->lock);
    while (a->head == a->tail && !a->done)
        pthread_cond_wait(&a->filled, &a->lock);
    if (a->head == a->tail) {
        pthread_mutex_unlock(&a->lock);
        return diag_fail(a->status, "%s", a->reason);
    }
    size_t slot = a->head % ZIPXML_AHEAD;
    pthread_mutex_unlock(&a->lock);
    memcpy(buf, a->chunk[slot], a->len[slot]);
    *got = a->len[slot];
    pthread_mutex_lock(&a->lock);
    a->head++;
    pthread_cond_signal(&a->emptied);
    pthread_mutex_unlock(&a->lock);
    return WS_OK;
}

/* Ends the thread (mid-entry too) and hands the stream back. */
static void
ahead_stop(zipxml_ahead *a)
{
    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->quit = true;
    pthread_cond_signal(&a->emptied);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    pthread_cond_destroy(&a->emptied);
    pthread_cond_destroy(&a->filled);
    pthread_mutex_destroy(&a->lock);
    ahead_free(a);
}

/* Handlers receive the caller's user data; the doctype handler finds the zip through this
 * per-thread pointer, set for the duration of one parse (restored after, so a parse
 * started from inside a handler stays correct). */
static _Thread_local zipxml *zipxml_current;

static void XMLCALL
on_doctype(void *user, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
           int has_internal_subset)
{
    (void)user;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    zipxml *zip = zipxml_current;
    zipxml_stop(zip, diag_fail(WS_ERR_FORMAT,
                               "%s: entry %s declares a DOCTYPE (%s); workbooks must not "
                               "(DTDs and entities are refused for safety)",
                               zip->path, zip->entry, name ? name : ""));
}

ws_status
zipxml_parse(zipxml *zip, const char *entry, zipxml_start_fn start, zipxml_end_fn end,
             zipxml_text_fn text, void *user)
{
    zipxml_stream s;
    ws_status st = stream_open(zip, entry, &s);
    if (st)
        return st;
    bool read_all = false;
    /* Expat allocates through our wrapper too, so allocation-failure tests reach it. */
    static const XML_Memory_Handling_Suite mm = {mem_alloc, mem_realloc, mem_free};
    XML_Parser parser = XML_ParserCreate_MM("UTF-8", &mm, NULL);
    if (!parser) {
        stream_close(&s, false);
        return diag_nomem();
    }
    zip->parser = parser;
    zip->entry = s.name;
    zip->stopped = false;
    zip->stop_status = WS_OK;
    XML_SetUserData(parser, user);
    XML_SetElementHandler(parser, (XML_StartElementHandler)start, (XML_EndElementHandler)end);
    XML_SetCharacterDataHandler(parser, (XML_CharacterDataHandler)text);
    /* No DTD processing at all: the doctype handler stops the parse before any internal
     * subset is read, no external entity is ever fetched (no handler for them), and
     * parameter entities are never parsed.  Expat's amplification limits stay on. */
    XML_SetStartDoctypeDeclHandler(parser, on_doctype);
    XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
    zipxml *outer = zipxml_current;
    zipxml_current = zip;
    zipxml_ahead *ahead = ahead_start(&s);
    st = WS_OK;
    for (;;) {
        void *buf = XML_GetBuffer(parser, (int)ZIPXML_CHUNK);
        if (!buf) {
            st = diag_nomem();
            break;
        }
        unsigned got = 0;
        st = ahead ? ahead_read(ahead, buf, &got) : stream_read(&s, buf, ZIPXML_CHUNK, &got);
        if (st)
            break;
        if (XML_ParseBuffer(parser, (int)got, got == 0) != XML_STATUS_OK) {
            if (zip->stopped) {
                st = zip->stop_status;
            } else if (XML_GetErrorCode(parser) == XML_ERROR_NO_MEMORY) {
                st = diag_nomem();
            } else {
                st = diag_fail(WS_ERR_FORMAT, "%s: entry %s, line %lu: %s", zip->path,
                               s.name, (unsigned long)XML_GetCurrentLineNumber(parser),
                               XML_ErrorString(XML_GetErrorCode(parser)));
            }
            break;
        }
        if (zip->stopped) {
            st = zip->stop_status;
            break;
        }
        if (got == 0) {
            read_all = true;
            break;
        }
    }
    ahead_stop(ahead);
    ws_status cst = stream_close(&s, read_all);
    if (!st)
        st = cst;
    XML_ParserFree(parser);
    zipxml_current = outer;
    zip->parser = NULL;
    zip->entry = NULL;
    return st;
}

void
zipxml_stop(zipxml *zip, ws_status status)
{
    if (!zip || !zip->parser || zip->stopped)
        return;
    zip->stopped = true;
    zip->stop_status = status ? status : WS_ERR_FORMAT;
    /* Expat may still deliver a callback or two after a stop (the end of an element whose
     * start stopped it); with the handlers gone, callers need no "stopped" checks. */
    XML_SetElementHandler(zip->parser, NULL, NULL);
    XML_SetCharacterDataHandler(zip->parser, NULL);
    XML_StopParser(zip->parser, XML_FALSE);
}

ws_status
zipxml_read(zipxml *zip, const char *entry, char **data, size_t *len)
{
    zipxml_stream s;
    ws_status st = stream_open(zip, entry, &s);
    if (st)
        return st;
    char *buf = NULL;
    size_t cap = 0, used = 0;
    bool read_all = false;
    for (;;) {
        if (mem_grow((void **)&buf, &cap, used + 65536 + 1, 1)) {
            st = diag_nomem();
            break;
        }
        unsigned got = 0;
        if ((st = stream_read(&s, buf + used, 65536, &got)))
            break;
        used += got;
        if (got == 0) {
            read_all = true;
            break;
        }
    }
    ws_status cst = stream_close(&s, read_all);
    if (!st)
        st = cst;
    if (st) {
        mem_free(buf);
        return st;
    }
    buf[used] = '\0';
    *data = buf;
    *len = used;
    return WS_OK;
}

static bool
is_xml_part(const char *name)
{
    size_t n = strlen(name);
    return (n >= 4 && strcasecmp(name + n - 4, ".xml") == 0) ||
           (n >= 5 && strcasecmp(name + n - 5, ".rels") == 0);
}

ws_status
zipxml_check(const char *path)
{
    ws_limits limits;
    ws_limits_default(&limits);
    limits.max_entry_bytes = UINT64_MAX;
    limits.max_total_bytes = UINT64_MAX;
    limits.min_inflate_ratio = 0.0;
    limits.max_zip_entries = UINT32_MAX;
    zipxml *zip = NULL;
    char *chunk = NULL;
    ws_status st = zipxml_open(path, &limits, &zip);
    if (!st && !(chunk = mem_alloc(65536)))
        st = diag_nomem();
    for (size_t i = 0; zip && !st && i < zip->entry_count; i++) {
        const char *name = zip->entries[i].name;
        if (is_xml_part(name)) {
            st = zipxml_parse(zip, name, NULL, NULL, NULL, NULL);
            continue;
        }
        zipxml_stream s;
        if ((st = stream_open(zip, name, &s)))
            break;
        unsigned got = 1;
        while (!st && got)
            st = stream_read(&s, chunk, 65536, &got);
        ws_status cst = stream_close(&s, !st);
        if (!st)
            st = cst;
    }
    mem_free(chunk);
    zipxml_close(zip);
    if (st && st != WS_ERR_NOMEM)
        st = diag_prefix(WS_ERR_IO, "the file written is damaged");
    return st;
}

const char *
zipxml_attr(const char **attrs, const char *name)
{
    for (; attrs[0]; attrs += 2)
        if (strcmp(attrs[0], name) == 0)
            return attrs[1];
    return NULL;
}
