/* Formulas against books: evaluating one formula (ws_book_eval) and every WS.* formula of
 * a book in place (ws_book_run), with array results filling their ranges or spilling. */
#include <stdio.h>
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "expr/expr.h"
#include "io/book.h"
#include "registry.h"

/* Formulas feeding formulas are evaluated depth-first; the recursion stays bounded. */
#define RUN_MAX_CHAIN 256

typedef struct eval_ctx {
    const ws_book *book;
    size_t sheet;
} eval_ctx;

static ws_status
read_ref(void *user, const expr_ref *ref, ws_range **out)
{
    const eval_ctx *ctx = user;
    const book_sheet *s;
    book_area a;
    ws_status st = ref_area(ctx->book, &ctx->book->sheets[ctx->sheet], ref, &s, &a);
    if (st)
        return st;
    uint64_t cells = ((uint64_t)a.row1 - a.row0 + 1) * ((uint64_t)a.col1 - a.col0 + 1);
    if (cells > REF_MAX_AREA_CELLS)
        return diag_fail(WS_ERR_LIMIT, "a reference of %llu cells is too large (at most %u)",
                         (unsigned long long)cells, REF_MAX_AREA_CELLS);
    return book_read_area(s, a, out);
}

static ws_status
call_formula(void *user, const char *name, const ws_range *const *args, size_t count,
             ws_range **out)
{
    (void)user;
    const formula_def *def = registry_find(name, strlen(name));
    if (!def || strncmp(name, "WS.", 3) != 0) {
        diag_fail(WS_ERR_NAME, "%s is not a worldsheet formula (see 'worldsheet functions')",
                  name);
        ws_range *err = range_error_from_status(WS_ERR_NAME);
        if (!err)
            return diag_nomem();
        *out = err;
        return WS_OK;
    }
    /* An argument that is itself a failed formula or reference passes its error on, as a
     * spreadsheet does; error cells inside data ranges are the formula's to judge. */
    for (size_t i = 0; i < count; i++) {
        const ws_range *a = args[i];
        if (a && a->rows == 1 && a->cols == 1 && a->cells[0].type == WS_TYPE_ERROR &&
            a->cells[0].as.text)
            return ws_range_copy(a, out);
    }
    ws_status st = registry_call(def, args, count, out);
    if (st == WS_ERR_ARGS) {
        /* A wrong argument count is the cell's problem, not the caller's. */
        ws_range *err = range_error_from_status(WS_ERR_VALUE);
        if (!err)
            return diag_nomem();
        *out = err;
        return WS_OK;
    }
    return st;
}

static ws_status
eval_tree(const ws_book *book, size_t sheet, const expr_node *tree, ws_range **out)
{
    eval_ctx ctx = {book, sheet};
    expr_env env = {&ctx, read_ref, call_formula};
    ws_status st = expr_eval(tree, &env, out);
    if (st && st != WS_ERR_NOMEM) {
        ws_range *err = range_error_from_status(st);
        if (!err)
            return diag_nomem();
        *out = err;
        return WS_OK;
    }
    return st;
}

ws_status
ws_book_eval(const ws_book *book, size_t sheet, const char *formula, ws_range **out)
{
    diag_clear();
    if (!book || !formula || !out || sheet >= book->sheet_count)
        return diag_fail(WS_ERR_ARGS, "ws_book_eval: no book, formula or such sheet");
    if (strlen(formula) > book->limits.max_formula_bytes)
        return diag_fail(WS_ERR_LIMIT, "the formula is longer than %u bytes (max_formula_bytes)",
                         book->limits.max_formula_bytes);
    expr_node *tree = NULL;
    ws_status st = expr_parse(formula, book->limits.max_formula_depth, &tree);
    if (st)
        return st;
    st = eval_tree(book, sheet, tree, out);
    expr_free(tree);
    return st;
}

/* ----- running a whole book ----- */

typedef struct pending {
    uint32_t sheet, row, col;
    expr_node *tree;
    int state; /* 0 waiting, 1 in progress, 2 done */
} pending;

typedef struct runner {
    ws_book *book;
    pending *items;
    size_t count, cap;
    size_t done;
    size_t depth; /* of the dependency recursion, bounded */
    ws_progress_fn progress;
    void *user;
    ws_run_stats stats;
} runner;

static void
cell_label(const ws_book *book, const pending *p, char *out, size_t size)
{
    char name[16];
    book_cell_name(p->row, p->col, name);
    snprintf(out, size, "%s!%s", book->sheets[p->sheet].name, name);
}

/* Does `tree` read the cell (row, col) of sheet `sheet`, evaluated on sheet `home`? */
static bool
reads_cell(const ws_book *book, const expr_node *tree, uint32_t home, uint32_t sheet,
           uint32_t row, uint32_t col)
{
    if (tree->kind == EXPR_REF) {
        const book_sheet *s = &book->sheets[home];
        if (tree->ref.sheet)
            s = book_find_sheet(book, tree->ref.sheet, strlen(tree->ref.sheet));
        return s == &book->sheets[sheet] && row >= tree->ref.row0 && row <= tree->ref.row1 &&
               col >= tree->ref.col0 && col <= tree->ref.col1;
    }
    for (size_t i = 0; tree->kind == EXPR_CALL && i < tree->count; i++)
        if (reads_cell(book, tree->items[i], home, sheet, row, col))
            return true;
    return false;
}

/* A spill may only take cells that hold nothing and belong to no array range: a cell of
 * another formula's array range is occupied even when it is blank. */
static bool
is_free(const book_sheet *s, uint32_t row, uint32_t col)
{
    const book_cell *c = book_cell_at(s, row, col);
    if (c && (c->value.type != WS_TYPE_EMPTY || c->formula))
        return false;
    for (size_t i = 0; i < s->array_count; i++) {
        const book_area *a = &s->arrays[i];
        if (row >= a->row0 && row <= a->row1 && col >= a->col0 && col <= a->col1)
            return false;
    }
    return true;
}

/* Put a value into a cell, keeping its formula. */
static ws_status
put_value(ws_book *book, book_sheet *s, uint32_t row, uint32_t col, const ws_value *v,
          uint16_t flags)
{
    ws_value copy = *v;
    if ((v->type == WS_TYPE_TEXT || v->type == WS_TYPE_ERROR) && v->as.text &&
        !(copy.as.text = book_strndup(book, v->as.text, strlen(v->as.text))))
        return diag_nomem();
    book_cell *cell;
    ws_status st = book_cell_put(book, s, row, col, &cell);
    if (st)
        return st;
    cell->value = copy;
    cell->flags = (uint16_t)((cell->flags & ~BOOK_CELL_ARRAY_PART) | flags);
    return WS_OK;
}

static ws_status
store_result(runner *rn, const pending *p, const ws_range *result)
{
    ws_book *book = rn->book;
    book_sheet *s = &book->sheets[p->sheet];
    const ws_value na = {.type = WS_TYPE_ERROR, .error = WS_CELL_ERR_NA};
    const book_area *area = book_find_array(s, p->row, p->col);
    char where[600];
    if (area) {
        /* A pre-sized array range: cells beyond the result show #N/A, as in Calc. */
        book_area a = *area;
        for (uint32_t r = a.row0; r <= a.row1; r++) {
            for (uint32_t c = a.col0; c <= a.col1; c++) {
                size_t rr = r - a.row0, cc = c - a.col0;
                const ws_value *v = rr < result->rows && cc < result->cols
                                        ? range_get(result, rr, cc)
                                        : &na;
                uint16_t flags = BOOK_CELL_COMPUTED |
                                 (r == a.row0 && c == a.col0 ? BOOK_CELL_ARRAY_ANCHOR
                                                             : BOOK_CELL_ARRAY_PART);
                ws_status st = put_value(book, s, r, c, v, flags);
                if (st)
                    return st;
            }
        }
        return WS_OK;
    }
    if (result->rows == 1 && result->cols == 1)
        return put_value(book, s, p->row, p->col, range_get(result, 0, 0), BOOK_CELL_COMPUTED);
    /* Spill into empty cells below and to the right, then record it as an array range. */
    uint64_t last_row = (uint64_t)p->row + result->rows - 1;
    uint64_t last_col = (uint64_t)p->col + result->cols - 1;
    bool blocked = last_row >= book->limits.max_rows || last_col >= book->limits.max_cols;
    uint32_t block_r = 0, block_c = 0;
    for (uint32_t r = p->row; !blocked && r <= last_row; r++) {
        for (uint32_t c = p->col; !blocked && c <= last_col; c++) {
            if ((r != p->row || c != p->col) && !is_free(s, r, c)) {
                blocked = true;
                block_r = r;
                block_c = c;
            }
        }
    }
    if (blocked) {
        char name[16];
        book_cell_name(block_r, block_c, name);
        cell_label(book, p, where, sizeof where);
        diag_fail(WS_ERR_NA, "the %zu×%zu result cannot spill: cell %s is not empty",
                  result->rows, result->cols, name);
        diag_warn("%s: %s", where, diag_reason());
        ws_value err = {.type = WS_TYPE_ERROR, .error = WS_CELL_ERR_NA};
        err.as.text = (char *)diag_reason();
        rn->stats.blocked++;
        return put_value(book, s, p->row, p->col, &err, BOOK_CELL_COMPUTED);
    }
    book_area a = {p->row, p->col, (uint32_t)last_row, (uint32_t)last_col};
    ws_status st = book_add_array(book, s, a);
    if (st)
        return st;
    rn->stats.spilled++;
    for (uint32_t r = a.row0; r <= a.row1; r++) {
        for (uint32_t c = a.col0; c <= a.col1; c++) {
            uint16_t flags = BOOK_CELL_COMPUTED |
                             (r == a.row0 && c == a.col0 ? BOOK_CELL_ARRAY_ANCHOR
                                                         : BOOK_CELL_ARRAY_PART);
            if ((st = put_value(book, s, r, c, range_get(result, r - a.row0, c - a.col0),
                                flags)))
                return st;
        }
    }
    return WS_OK;
}

static ws_status run_one(runner *rn, size_t i);

/* Formulas that read this one's cells run first, so chained WS.* formulas see fresh
 * values.  A cycle is broken where it is found: the later formula sees the cached value. */
static ws_status
run_dependencies(runner *rn, size_t i)
{
    pending *p = &rn->items[i];
    for (size_t j = 0; j < rn->count; j++) {
        pending *q = &rn->items[j];
        if (j == i || q->state == 2)
            continue;
        if (!reads_cell(rn->book, p->tree, p->sheet, q->sheet, q->row, q->col))
            continue;
        if (q->state == 1 || rn->depth >= RUN_MAX_CHAIN) {
            char a[600];
            cell_label(rn->book, p, a, sizeof a);
            diag_warn("%s: %s; cached values used", a,
                      q->state == 1 ? "circular reference between WS formulas"
                                    : "chain of dependent WS formulas too long");
            continue;
        }
        rn->depth++;
        ws_status st = run_one(rn, j);
        rn->depth--;
        if (st)
            return st;
    }
    return WS_OK;
}

static ws_status
run_one(runner *rn, size_t i)
{
    pending *p = &rn->items[i];
    p->state = 1;
    ws_status st = run_dependencies(rn, i);
    if (st)
        return st;
    ws_range *result = NULL;
    char where[600];
    cell_label(rn->book, p, where, sizeof where);
    diag_set_context(where);
    st = eval_tree(rn->book, p->sheet, p->tree, &result);
    diag_set_context(NULL);
    if (st)
        return st;
    if (result->rows == 1 && result->cols == 1 && result->cells[0].type == WS_TYPE_ERROR) {
        const char *why = result->cells[0].as.text;
        diag_warn("%s: %s%s%s", where, ws_cell_error_str((ws_cell_error)result->cells[0].error),
                  why ? ": " : "", why ? why : "");
        rn->stats.failed++;
    }
    st = store_result(rn, p, result);
    ws_range_free(result);
    if (st)
        return st;
    p->state = 2;
    rn->stats.evaluated++;
    rn->done++;
    if (rn->progress && !rn->progress(rn->user, rn->done, rn->count))
        return diag_fail(WS_ERR_ARGS, "cancelled");
    return WS_OK;
}

static ws_status
collect(runner *rn)
{
    ws_book *book = rn->book;
    for (size_t si = 0; si < book->sheet_count; si++) {
        const book_sheet *s = &book->sheets[si];
        for (size_t r = 0; r < s->row_count; r++) {
            const book_row *row = &s->rows[r];
            for (size_t c = 0; c < row->count; c++) {
                const book_cell *cell = &row->cells[c];
                if (!cell->formula)
                    continue;
                expr_node *tree = NULL;
                ws_status st = expr_parse(cell->formula, book->limits.max_formula_depth, &tree);
                if (st == WS_ERR_NOMEM)
                    return st;
                if (st == WS_ERR_LIMIT) {
                    /* Too deep to tell whose it is: say so rather than count it silently
                     * among the formulas that are not ours. */
                    pending at = {(uint32_t)si, row->row, cell->col, NULL, 0};
                    char where[600];
                    cell_label(book, &at, where, sizeof where);
                    diag_warn("%s: not evaluated, cached value kept: %s", where, diag_reason());
                }
                if (st || !expr_is_ours(tree)) {
                    /* Not ours (or not parseable by us): keep the cached value. */
                    expr_free(tree);
                    rn->stats.skipped++;
                    continue;
                }
                if (mem_grow((void **)&rn->items, &rn->cap, rn->count + 1, sizeof *rn->items)) {
                    expr_free(tree);
                    return diag_nomem();
                }
                rn->items[rn->count++] = (pending){(uint32_t)si, row->row, cell->col, tree, 0};
            }
        }
    }
    return WS_OK;
}

ws_status
ws_book_run(ws_book *book, ws_progress_fn progress, void *user, ws_run_stats *stats)
{
    diag_clear();
    if (!book)
        return diag_fail(WS_ERR_ARGS, "ws_book_run: no book");
    runner rn = {.book = book, .progress = progress, .user = user};
    ws_status st = collect(&rn);
    if (st == WS_OK && rn.stats.skipped)
        diag_info(rn.stats.skipped == 1
                      ? "%zu formula is not a worldsheet formula; its cached value is kept"
                      : "%zu formulas are not worldsheet formulas; their cached values are kept",
                  rn.stats.skipped);
    for (size_t i = 0; st == WS_OK && i < rn.count; i++)
        if (rn.items[i].state == 0)
            st = run_one(&rn, i);
    for (size_t i = 0; i < rn.count; i++)
        expr_free(rn.items[i].tree);
    mem_free(rn.items);
    if (stats)
        *stats = rn.stats;
    return st;
}
