/* Zip entries read with minizip and parsed with expat, shared by the xlsx and ods readers.
 *
 * Safe by construction: the entry count, each entry's and the total uncompressed size and
 * the inflate ratio are checked against ws_limits while streaming (never trusting the
 * sizes a zip header claims); duplicate entry names are an error; any DOCTYPE stops the
 * parse (no DTD processing, no entities); documents are parsed without namespace
 * processing, so handlers see qualified names ("table:table-cell") and compare them as
 * plain strings.  Parsing streams: memory does not grow with the entry's size.
 *
 *     typedef struct { zipxml *zip; ... } my_state;
 *     static void start(void *user, const char *name, const char **attrs) {
 *         my_state *s = user;
 *         if (bad) zipxml_stop(s->zip, diag_fail(WS_ERR_FORMAT, "..."));
 *     }
 *     zipxml *zip;
 *     if ((st = zipxml_open(path, &book->limits, &zip))) return st;
 *     st = zipxml_parse(zip, "xl/workbook.xml", start, end, text, &state);
 *     zipxml_close(zip);
 */
#ifndef WS_IO_ZIPXML_H
#define WS_IO_ZIPXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldsheet.h"

typedef struct zipxml zipxml;

typedef void (*zipxml_start_fn)(void *user, const char *name, const char **attrs);
typedef void (*zipxml_end_fn)(void *user, const char *name);
/* Character data, in pieces: a text node may arrive in several calls. */
typedef void (*zipxml_text_fn)(void *user, const char *text, int len);

/* Open a zip for reading (read-only; the file is never modified).  Lists its entries and
 * rejects too many or duplicate names (names differing only in ASCII case are duplicates,
 * as OPC part names compare that way).  `limits` NULL means the defaults.  WS_ERR_IO when
 * the file cannot be opened, WS_ERR_FORMAT when it is not a readable zip.  Close with
 * zipxml_close(). */
ws_status zipxml_open(const char *path, const ws_limits *limits, zipxml **out);
void zipxml_close(zipxml *zip);

/* True when the archive has an entry with this name (exact, else ASCII-case-insensitive;
 * every lookup below matches the same way). */
bool zipxml_has(const zipxml *zip, const char *entry);

/* The size the zip directory claims the entry inflates to (0 when there is no such
 * entry).  Only a hint for planning work: limits are checked against what is inflated. */
uint64_t zipxml_claimed_size(const zipxml *zip, const char *entry);

/* A second handle on the same archive, for parsing another entry on another thread (one
 * handle is one parse at a time).  It counts its inflated bytes against the first one's
 * max_total_bytes, so two handles together read no more than one may; close it before
 * the first. */
ws_status zipxml_reopen(zipxml *zip, zipxml **out);

/* Stream an entry through expat with these handlers (any may be NULL).  Returns the
 * status given to zipxml_stop, or WS_ERR_FORMAT for malformed XML / zip data (the reason
 * names the entry and line), WS_ERR_LIMIT for a size or ratio limit. */
ws_status zipxml_parse(zipxml *zip, const char *entry, zipxml_start_fn start,
                       zipxml_end_fn end, zipxml_text_fn text, void *user);

/* Entries claiming to inflate to at least this many bytes are inflated on a second thread
 * while expat parses (default 1 MiB); tests set 0 to take that path with small entries. */
void zipxml_set_ahead_min(uint64_t bytes);

/* From inside a handler: stop the current parse, which then returns `status`.  The
 * handlers are detached at once, so no handler runs after the one that stopped (no
 * "stopped" checks needed); the first stop's status wins.  One parse at a time per zip. */
void zipxml_stop(zipxml *zip, ws_status status);

/* Read a whole (small) entry into memory, NUL-terminated; free with mem_free.  The same
 * size and ratio limits apply. */
ws_status zipxml_read(zipxml *zip, const char *entry, char **data, size_t *len);

/* Check a zip this library has just written, before it is put in place: every entry
 * inflates to its end with a matching CRC, and every .xml and .rels part is well-formed
 * XML.  libxlsxwriter does not check its writes to its own temporary files, so a disk
 * that fills up (or a file-size limit) would otherwise give a zip that opens but holds
 * parts cut short.  No size or ratio limits apply (the file is ours).  WS_ERR_IO with the
 * entry and what is wrong. */
ws_status zipxml_check(const char *path);

/* The value of attribute `name` in an expat attribute list, or NULL. */
const char *zipxml_attr(const char **attrs, const char *name);

#endif
