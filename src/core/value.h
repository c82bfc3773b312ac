/* Cell values and ranges: the representation behind ws_range.
 *
 * A value is 16 bytes.  Text and error reasons are owned NUL-terminated strings (freed by
 * value_clear) unless the value lives in a book, whose strings belong to the book's arena;
 * book code never calls value_clear on its cells. */
#ifndef WS_CORE_VALUE_H
#define WS_CORE_VALUE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "worldsheet.h"

typedef struct ws_value {
    uint8_t type;  /* ws_type */
    uint8_t error; /* ws_cell_error when type == WS_TYPE_ERROR */
    union {
        double number;  /* WS_TYPE_NUMBER */
        bool boolean;   /* WS_TYPE_BOOL */
        char *text;     /* WS_TYPE_TEXT: the text; WS_TYPE_ERROR: reason or NULL */
    } as;
} ws_value;

struct ws_range {
    size_t rows;
    size_t cols;
    ws_value *cells; /* rows*cols, row-major */
};

static inline ws_value *
range_at(ws_range *range, size_t row, size_t col)
{
    return &range->cells[row * range->cols + col];
}

static inline const ws_value *
range_get(const ws_range *range, size_t row, size_t col)
{
    return &range->cells[row * range->cols + col];
}

static inline size_t
range_size(const ws_range *range)
{
    return range->rows * range->cols;
}

/* Release what a value owns and make it empty. */
void value_clear(ws_value *value);
/* Deep copy of `src` into `dst` (which must be empty or cleared). */
ws_status value_copy(ws_value *dst, const ws_value *src);
ws_value value_number(double number);
ws_value value_bool(bool b);
/* These copy the text; the returned status is WS_ERR_NOMEM when that fails. */
ws_status value_set_text(ws_value *value, const char *text, size_t len);
ws_status value_set_error(ws_value *value, ws_cell_error error, const char *reason);

/* A value as the text a comment reader sees: text as is, a number as "%.15g" (written in
 * buf), TRUE / FALSE; NULL for an empty cell or an error. */
#define VALUE_TEXT_BUF 32
const char *value_as_text(const ws_value *value, char buf[VALUE_TEXT_BUF]);

/* A 1×1 range holding an error for `status` with the current diag reason.  NULL when
 * memory ran out. */
ws_range *range_error_from_status(ws_status status);
/* A rows×cols range of numbers copied from `data` (row-major), NaN and ±inf becoming
 * #NUM!.  Returns WS_ERR_NOMEM or WS_OK. */
ws_status range_from_doubles(const double *data, size_t rows, size_t cols, ws_range **out);

/* Numbers of a one-column or one-row range, in reading order.  Blanks become NaN (missing
 * values) and booleans 1/0.  Text or an error cell is WS_ERR_VALUE with a reason naming
 * the cell (1-based position in the range).  *out is allocated with mem_alloc. */
ws_status range_numbers(const ws_range *range, const char *arg_name, double **out,
                        size_t *count);

#endif
