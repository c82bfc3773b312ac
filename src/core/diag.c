#include "core/diag.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char reason[DIAG_REASON_MAX];
static _Thread_local char context[128];

/* The callback and its argument change together; a reader may see an old pair, never a
 * torn one, because both are set before the function pointer is published. */
static void *_Atomic log_user;
static _Atomic(ws_log_fn) log_fn;

ws_status
diag_fail(ws_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return status;
}

ws_status
diag_prefix(ws_status status, const char *fmt, ...)
{
    char tail[DIAG_REASON_MAX];
    memcpy(tail, reason, sizeof tail);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof reason - 3)
        return status;
    /* Truncation of a long reason is fine: it is a message, not data. */
    size_t used = (size_t)n;
    memcpy(reason + used, ": ", 3);
    used += 2;
    const char *rest = tail[0] ? tail : ws_status_str(status);
    size_t len = strlen(rest);
    if (len > sizeof reason - 1 - used)
        len = sizeof reason - 1 - used;
    memcpy(reason + used, rest, len);
    reason[used + len] = '\0';
    return status;
}

ws_status
diag_nomem(void)
{
    return diag_fail(WS_ERR_NOMEM, "out of memory");
}

const char *
diag_reason(void)
{
    return reason;
}

void
diag_clear(void)
{
    reason[0] = '\0';
}

void
diag_set_context(const char *where)
{
    snprintf(context, sizeof context, "%s", where ? where : "");
}

static void
diag_log(int level, const char *fmt, va_list ap)
{
    ws_log_fn fn = atomic_load(&log_fn);
    if (!fn)
        return;
    char text[1024];
    int n = context[0] ? snprintf(text, sizeof text, "%s: ", context) : 0;
    vsnprintf(text + n, sizeof text - (size_t)n, fmt, ap);
    fn(atomic_load(&log_user), level, text);
}

void
diag_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_log(1, fmt, ap);
    va_end(ap);
}

void
diag_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_log(0, fmt, ap);
    va_end(ap);
}

void
ws_set_log(ws_log_fn fn, void *user)
{
    atomic_store(&log_fn, NULL);
    atomic_store(&log_user, user);
    atomic_store(&log_fn, fn);
}

const char *
ws_last_reason(void)
{
    return reason;
}

const char *
ws_version(void)
{
    return WS_VERSION_STRING;
}

const char *
ws_status_str(ws_status status)
{
    switch (status) {
    case WS_OK: return "ok";
    case WS_ERR_NOMEM: return "out of memory";
    case WS_ERR_VALUE: return "wrong type of value";
    case WS_ERR_NUM: return "impossible number";
    case WS_ERR_NA: return "not enough data";
    case WS_ERR_DIV0: return "division by zero";
    case WS_ERR_REF: return "invalid reference";
    case WS_ERR_NAME: return "unknown formula";
    case WS_ERR_SYNTAX: return "formula syntax error";
    case WS_ERR_IO: return "file cannot be read or written";
    case WS_ERR_FORMAT: return "malformed workbook";
    case WS_ERR_LIMIT: return "safety limit exceeded";
    case WS_ERR_ARGS: return "wrong arguments";
    case WS_ERR_UNSUPPORTED: return "not supported";
    }
    return "unknown status";
}

/* The one mapping from a status to what a cell shows.  No default: a new status must be
 * given its cell error here. */
ws_cell_error
ws_status_cell_error(ws_status status)
{
    switch (status) {
    case WS_OK: return WS_CELL_ERR_VALUE; /* not an error; callers never ask */
    case WS_ERR_NOMEM: return WS_CELL_ERR_VALUE;
    case WS_ERR_VALUE: return WS_CELL_ERR_VALUE;
    case WS_ERR_NUM: return WS_CELL_ERR_NUM;
    case WS_ERR_NA: return WS_CELL_ERR_NA;
    case WS_ERR_DIV0: return WS_CELL_ERR_DIV0;
    case WS_ERR_REF: return WS_CELL_ERR_REF;
    case WS_ERR_NAME: return WS_CELL_ERR_NAME;
    case WS_ERR_SYNTAX: return WS_CELL_ERR_VALUE;
    case WS_ERR_IO: return WS_CELL_ERR_VALUE;
    case WS_ERR_FORMAT: return WS_CELL_ERR_VALUE;
    case WS_ERR_LIMIT: return WS_CELL_ERR_VALUE;
    case WS_ERR_ARGS: return WS_CELL_ERR_VALUE;
    case WS_ERR_UNSUPPORTED: return WS_CELL_ERR_VALUE;
    }
    return WS_CELL_ERR_VALUE;
}

const char *
ws_cell_error_str(ws_cell_error error)
{
    switch (error) {
    case WS_CELL_ERR_NULL: return "#NULL!";
    case WS_CELL_ERR_DIV0: return "#DIV/0!";
    case WS_CELL_ERR_VALUE: return "#VALUE!";
    case WS_CELL_ERR_REF: return "#REF!";
    case WS_CELL_ERR_NAME: return "#NAME?";
    case WS_CELL_ERR_NUM: return "#NUM!";
    case WS_CELL_ERR_NA: return "#N/A";
    }
    return "#N/A";
}
