#include "core/value.h"

#include <stdio.h>

#include <string.h>

#include "core/diag.h"
#include "core/mem.h"

void
value_clear(ws_value *value)
{
    if (value->type == WS_TYPE_TEXT || value->type == WS_TYPE_ERROR)
        mem_free(value->as.text);
    memset(value, 0, sizeof *value);
}

ws_value
value_number(double number)
{
    ws_value v = {.type = WS_TYPE_NUMBER};
    v.as.number = number;
    return v;
}

ws_value
value_bool(bool b)
{
    ws_value v = {.type = WS_TYPE_BOOL};
    v.as.boolean = b;
    return v;
}

ws_status
value_set_text(ws_value *value, const char *text, size_t len)
{
    char *copy = mem_strndup(text, len);
    if (!copy)
        return WS_ERR_NOMEM;
    value_clear(value);
    value->type = WS_TYPE_TEXT;
    value->as.text = copy;
    return WS_OK;
}

ws_status
value_set_error(ws_value *value, ws_cell_error error, const char *reason)
{
    char *copy = NULL;
    if (reason && reason[0] && !(copy = mem_strdup(reason)))
        return WS_ERR_NOMEM;
    value_clear(value);
    value->type = WS_TYPE_ERROR;
    value->error = (uint8_t)error;
    value->as.text = copy;
    return WS_OK;
}

ws_status
value_copy(ws_value *dst, const ws_value *src)
{
    if (src->type == WS_TYPE_TEXT)
        return value_set_text(dst, src->as.text, strlen(src->as.text));
    if (src->type == WS_TYPE_ERROR)
        return value_set_error(dst, (ws_cell_error)src->error, src->as.text);
    *dst = *src;
    return WS_OK;
}

ws_status
ws_range_new(size_t rows, size_t cols, ws_range **out)
{
    if (rows == 0 || cols == 0)
        return diag_fail(WS_ERR_ARGS, "a range needs at least one row and one column");
    if (rows > SIZE_MAX / cols)
        return diag_fail(WS_ERR_LIMIT, "a %zu×%zu range is too large", rows, cols);
    ws_range *range = mem_alloc(sizeof *range);
    if (!range)
        return diag_nomem();
    range->cells = mem_calloc(rows * cols, sizeof *range->cells);
    if (!range->cells) {
        mem_free(range);
        return diag_nomem();
    }
    range->rows = rows;
    range->cols = cols;
    *out = range;
    return WS_OK;
}

void
ws_range_free(ws_range *range)
{
    if (!range)
        return;
    for (size_t i = 0; i < range_size(range); i++)
        value_clear(&range->cells[i]);
    mem_free(range->cells);
    mem_free(range);
}

ws_status
ws_range_copy(const ws_range *range, ws_range **out)
{
    ws_range *copy = NULL;
    ws_status st = ws_range_new(range->rows, range->cols, &copy);
    if (st)
        return st;
    for (size_t i = 0; i < range_size(range); i++) {
        if (value_copy(&copy->cells[i], &range->cells[i])) {
            ws_range_free(copy);
            return diag_nomem();
        }
    }
    *out = copy;
    return WS_OK;
}

size_t
ws_range_rows(const ws_range *range)
{
    return range ? range->rows : 0;
}

size_t
ws_range_cols(const ws_range *range)
{
    return range ? range->cols : 0;
}

static const ws_value *
cell_or_null(const ws_range *range, size_t row, size_t col)
{
    if (!range || row >= range->rows || col >= range->cols)
        return NULL;
    return range_get(range, row, col);
}

ws_type
ws_range_type_at(const ws_range *range, size_t row, size_t col)
{
    const ws_value *v = cell_or_null(range, row, col);
    return v ? (ws_type)v->type : WS_TYPE_EMPTY;
}

double
ws_range_number_at(const ws_range *range, size_t row, size_t col)
{
    const ws_value *v = cell_or_null(range, row, col);
    if (v && v->type == WS_TYPE_NUMBER)
        return v->as.number;
    if (v && v->type == WS_TYPE_BOOL)
        return v->as.boolean ? 1.0 : 0.0;
    return NAN;
}

const char *
ws_range_text_at(const ws_range *range, size_t row, size_t col)
{
    const ws_value *v = cell_or_null(range, row, col);
    return v && v->type == WS_TYPE_TEXT ? v->as.text : "";
}

bool
ws_range_bool_at(const ws_range *range, size_t row, size_t col)
{
    const ws_value *v = cell_or_null(range, row, col);
    return v && v->type == WS_TYPE_BOOL && v->as.boolean;
}

ws_cell_error
ws_range_error_at(const ws_range *range, size_t row, size_t col)
{
    const ws_value *v = cell_or_null(range, row, col);
    return v && v->type == WS_TYPE_ERROR ? (ws_cell_error)v->error : (ws_cell_error)0;
}

const char *
ws_range_reason_at(const ws_range *range, size_t row, size_t col)
{
    const ws_value *v = cell_or_null(range, row, col);
    return v && v->type == WS_TYPE_ERROR && v->as.text ? v->as.text : "";
}

static ws_value *
settable(ws_range *range, size_t row, size_t col)
{
    if (!range || row >= range->rows || col >= range->cols) {
        diag_fail(WS_ERR_ARGS, "cell %zu,%zu is outside the range", row, col);
        return NULL;
    }
    return range_at(range, row, col);
}

ws_status
ws_range_set_empty(ws_range *range, size_t row, size_t col)
{
    ws_value *v = settable(range, row, col);
    if (!v)
        return WS_ERR_ARGS;
    value_clear(v);
    return WS_OK;
}

ws_status
ws_range_set_number(ws_range *range, size_t row, size_t col, double number)
{
    ws_value *v = settable(range, row, col);
    if (!v)
        return WS_ERR_ARGS;
    value_clear(v);
    *v = value_number(number);
    return WS_OK;
}

ws_status
ws_range_set_bool(ws_range *range, size_t row, size_t col, bool b)
{
    ws_value *v = settable(range, row, col);
    if (!v)
        return WS_ERR_ARGS;
    value_clear(v);
    *v = value_bool(b);
    return WS_OK;
}

ws_status
ws_range_set_text(ws_range *range, size_t row, size_t col, const char *utf8)
{
    ws_value *v = settable(range, row, col);
    if (!v)
        return WS_ERR_ARGS;
    if (value_set_text(v, utf8 ? utf8 : "", utf8 ? strlen(utf8) : 0))
        return diag_nomem();
    return WS_OK;
}

ws_status
ws_range_set_error(ws_range *range, size_t row, size_t col, ws_cell_error error,
                   const char *reason)
{
    ws_value *v = settable(range, row, col);
    if (!v)
        return WS_ERR_ARGS;
    if (value_set_error(v, error, reason))
        return diag_nomem();
    return WS_OK;
}

ws_range *
range_error_from_status(ws_status status)
{
    ws_range *range = NULL;
    if (ws_range_new(1, 1, &range))
        return NULL;
    const char *why = diag_reason();
    if (value_set_error(&range->cells[0], ws_status_cell_error(status),
                        why[0] ? why : ws_status_str(status))) {
        /* Keep the error without its reason rather than lose the error. */
        range->cells[0].type = WS_TYPE_ERROR;
        range->cells[0].error = (uint8_t)ws_status_cell_error(status);
    }
    return range;
}

ws_status
range_from_doubles(const double *data, size_t rows, size_t cols, ws_range **out)
{
    ws_range *range = NULL;
    ws_status st = ws_range_new(rows, cols, &range);
    if (st)
        return st;
    for (size_t i = 0; i < rows * cols; i++) {
        if (isfinite(data[i])) {
            range->cells[i] = value_number(data[i]);
        } else {
            range->cells[i].type = WS_TYPE_ERROR;
            range->cells[i].error = WS_CELL_ERR_NUM;
        }
    }
    *out = range;
    return WS_OK;
}

ws_status
range_numbers(const ws_range *range, const char *arg_name, double **out, size_t *count)
{
    size_t n = range_size(range);
    double *x = mem_alloc(n * sizeof *x);
    if (!x)
        return diag_nomem();
    for (size_t i = 0; i < n; i++) {
        const ws_value *v = &range->cells[i];
        switch ((ws_type)v->type) {
        case WS_TYPE_EMPTY: x[i] = NAN; break;
        case WS_TYPE_NUMBER: x[i] = v->as.number; break;
        case WS_TYPE_BOOL: x[i] = v->as.boolean ? 1.0 : 0.0; break;
        case WS_TYPE_TEXT:
            mem_free(x);
            return diag_fail(WS_ERR_VALUE, "%s: cell %zu holds text ('%.40s'), not a number",
                             arg_name, i + 1, v->as.text);
        case WS_TYPE_ERROR:
            mem_free(x);
            return diag_fail(WS_ERR_VALUE, "%s: cell %zu holds the error %s", arg_name, i + 1,
                             ws_cell_error_str((ws_cell_error)v->error));
        }
    }
    *out = x;
    *count = n;
    return WS_OK;
}

const char *
value_as_text(const ws_value *value, char buf[VALUE_TEXT_BUF])
{
    switch ((ws_type)value->type) {
    case WS_TYPE_TEXT:
        return value->as.text;
    case WS_TYPE_NUMBER:
        snprintf(buf, VALUE_TEXT_BUF, "%.15g", value->as.number);
        return buf;
    case WS_TYPE_BOOL:
        return value->as.boolean ? "TRUE" : "FALSE";
    case WS_TYPE_EMPTY:
    case WS_TYPE_ERROR:
        break;
    }
    return NULL;
}
