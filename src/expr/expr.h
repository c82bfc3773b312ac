/* Formula text: parsing into a tree, references, and evaluation.
 *
 * The language is what WS.* formulas need: numbers, "strings", TRUE/FALSE, error
 * literals (#N/A), references (B2, $B$2, B2:D40, B:B, 2:5, Sheet1!A1, 'My sheet'!A1:B2),
 * inline arrays ({1,2;3,4}, LibreOffice's {1;2|3;4} too), unary minus and plus, and calls
 * NAME(arg, arg, ...) with ',' or ';' between arguments and empty arguments meaning
 * "omitted".  Function names keep their dots (WS.FORECAST); "_xludf." and "_xlfn."
 * prefixes are dropped; names compare case-insensitively.  Evaluation knows nothing of
 * books or formulas: the caller's environment reads references and calls functions. */
#ifndef WS_EXPR_EXPR_H
#define WS_EXPR_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/value.h"
#include "worldsheet.h"

#define EXPR_ROW_MAX 0xFFFFFFFFu /* row1 of a whole-column reference (B:B) */
#define EXPR_COL_MAX 0xFFFFFFFFu /* col1 of a whole-row reference (2:5) */

typedef struct expr_ref {
    char *sheet; /* NULL: the formula's own sheet */
    uint32_t row0, col0, row1, col1; /* 0-based, inclusive, ordered */
} expr_ref;

typedef enum expr_kind {
    EXPR_NUMBER,
    EXPR_TEXT,
    EXPR_BOOL,
    EXPR_ERROR,
    EXPR_REF,
    EXPR_ARRAY,
    EXPR_CALL,
    EXPR_OMITTED /* an empty argument */
} expr_kind;

typedef struct expr_node expr_node;
struct expr_node {
    expr_kind kind;
    double number;        /* EXPR_NUMBER */
    bool boolean;         /* EXPR_BOOL */
    ws_cell_error error;  /* EXPR_ERROR */
    char *text;           /* EXPR_TEXT: the string; EXPR_CALL: upper-case name */
    expr_ref ref;         /* EXPR_REF */
    size_t rows, cols;    /* EXPR_ARRAY: shape; items are its cells, row-major */
    expr_node **items;    /* EXPR_CALL: arguments; EXPR_ARRAY: cells */
    size_t count;
};

/* Parse formula text (a leading '=' is skipped).  WS_ERR_SYNTAX with a reason that says
 * where; WS_ERR_LIMIT past max_depth nesting levels.  Free with expr_free(). */
ws_status expr_parse(const char *text, size_t max_depth, expr_node **out);
void expr_free(expr_node *node);

/* True when the outermost function is ours: a call whose name starts with "WS.". */
bool expr_is_ours(const expr_node *node);

/* Parse a reference alone ("B2:B40", "'Sales 2024'!B:B").  The sheet, if any, is
 * allocated into ref->sheet: free it with expr_ref_clear(). */
ws_status expr_parse_ref(const char *text, expr_ref *ref);
void expr_ref_clear(expr_ref *ref);

/* Parse "B", "AA" (col) and "B12" (row, col).  Return the number of characters used, 0 on
 * failure. */
size_t expr_parse_cell(const char *text, uint32_t *row, uint32_t *col);

typedef struct expr_env {
    void *user;
    /* Read a reference; whole-column/row references are the callee's to bound. */
    ws_status (*read_ref)(void *user, const expr_ref *ref, ws_range **out);
    /* Call a function by its upper-case name; omitted arguments are NULL. */
    ws_status (*call)(void *user, const char *name, const ws_range *const *args,
                      size_t count, ws_range **out);
} expr_env;

/* Evaluate a tree.  The result of an argument that failed is passed on as an error range
 * (a spreadsheet function sees error values, it does not abort); statuses are for
 * failures of the evaluation itself (memory, an unreadable reference). */
ws_status expr_eval(const expr_node *node, const expr_env *env, ws_range **out);

#endif
