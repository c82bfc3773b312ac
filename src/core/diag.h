/* Failure reasons and diagnostics.
 *
 * A failing function records why with diag_fail() and returns its status in one step:
 *
 *     if (n < 3)
 *         return diag_fail(WS_ERR_NA, "values: %zu numbers, at least 3 needed", n);
 *
 * The reason is per thread (what ws_last_reason() returns); the registry copies it into the
 * error cell of a failing formula.  Warnings and notes go to the host's log callback. */
#ifndef WS_CORE_DIAG_H
#define WS_CORE_DIAG_H

#include "worldsheet.h"

#define DIAG_REASON_MAX 512

#if defined(__GNUC__)
#define DIAG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DIAG_PRINTF(a, b)
#endif

/* Record a reason for `status` and return `status`. */
ws_status diag_fail(ws_status status, const char *fmt, ...) DIAG_PRINTF(2, 3);
/* Put `prefix: ` in front of the current reason (e.g. the formula or file name), keeping
 * the status; returns it. */
ws_status diag_prefix(ws_status status, const char *fmt, ...) DIAG_PRINTF(2, 3);
/* Out of memory, with a standard reason. */
ws_status diag_nomem(void);
const char *diag_reason(void);
void diag_clear(void);

/* Where the current work is ("Dashboard!J2"), put in front of warnings from code that
 * does not know it (a model deep inside a formula).  Per thread; NULL clears it. */
void diag_set_context(const char *where);

/* To the log callback, if any. */
void diag_warn(const char *fmt, ...) DIAG_PRINTF(1, 2);
void diag_info(const char *fmt, ...) DIAG_PRINTF(1, 2);

#endif
