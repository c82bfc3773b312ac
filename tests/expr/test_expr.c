/* Formula text: parsing of every construct, errors with positions, references. */
#include <string.h>

#include "check.h"
#include "core/diag.h"
#include "expr/expr.h"

static expr_node *
parse(const char *text)
{
    expr_node *n = NULL;
    ws_status st = expr_parse(text, 64, &n);
    if (st) {
        fprintf(stderr, "parse('%s'): %s\n", text, ws_last_reason());
        return NULL;
    }
    return n;
}

static void
test_calls(void)
{
    expr_node *n = parse("=ws.forecast(B2:B61; 12)");
    CHECK(n && n->kind == EXPR_CALL);
    CHECK(n && expr_is_ours(n));
    if (n) {
        CHECK_STR(n->text, "WS.FORECAST");
        CHECK(n->count == 2);
        CHECK(n->items[0]->kind == EXPR_REF && n->items[0]->ref.row0 == 1 &&
              n->items[0]->ref.row1 == 60 && n->items[0]->ref.col0 == 1);
        CHECK(n->items[1]->kind == EXPR_NUMBER && n->items[1]->number == 12);
    }
    expr_free(n);

    n = parse("_xludf.WS.PLAN(A1:A9, B1:C9, 100, , , , {\"spend\",\"price\"})");
    CHECK(n && n->count == 7);
    if (n) {
        CHECK_STR(n->text, "WS.PLAN");
        CHECK(n->items[3]->kind == EXPR_OMITTED && n->items[5]->kind == EXPR_OMITTED);
        CHECK(n->items[6]->kind == EXPR_ARRAY && n->items[6]->rows == 1 &&
              n->items[6]->cols == 2);
        CHECK_STR(n->items[6]->items[1]->text, "price");
    }
    expr_free(n);

    n = parse("SUM(WS.FORECAST(A1:A10,3))");
    CHECK(n && !expr_is_ours(n) && n->items[0]->kind == EXPR_CALL);
    expr_free(n);

    n = parse("=WS.DESCRIBE()");
    CHECK(n && n->count == 0);
    expr_free(n);
}

static void
test_references(void)
{
    expr_node *n = parse("=WS.X($B$2, B:B, 2:5, 'Sales ''24'!A1:C3, Sheet2!C7, '売上 2024'!B2:B40, "
                         "売上!A1, D4:A1)");
    CHECK(n && n->count == 8);
    if (n && n->count == 8) {
        expr_ref *r = &n->items[0]->ref;
        CHECK(r->row0 == 1 && r->col0 == 1 && r->row1 == 1 && !r->sheet);
        r = &n->items[1]->ref;
        CHECK(r->row0 == 0 && r->row1 == EXPR_ROW_MAX && r->col0 == 1 && r->col1 == 1);
        r = &n->items[2]->ref;
        CHECK(r->row0 == 1 && r->row1 == 4 && r->col1 == EXPR_COL_MAX);
        CHECK_STR(n->items[3]->ref.sheet, "Sales '24");
        CHECK(n->items[3]->ref.col1 == 2 && n->items[3]->ref.row1 == 2);
        CHECK_STR(n->items[4]->ref.sheet, "Sheet2");
        CHECK_STR(n->items[5]->ref.sheet, "売上 2024");
        CHECK_STR(n->items[6]->ref.sheet, "売上");
        r = &n->items[7]->ref; /* reversed corners are ordered */
        CHECK(r->row0 == 0 && r->col0 == 0 && r->row1 == 3 && r->col1 == 3);
    }
    expr_free(n);

    expr_ref ref;
    CHECK_OK(expr_parse_ref("'My sheet'!XFD1048576", &ref));
    CHECK(ref.col0 == 16383 && ref.row0 == 1048575);
    CHECK_STR(ref.sheet, "My sheet");
    expr_ref_clear(&ref);
    CHECK(expr_parse_ref("B2:", &ref) == WS_ERR_REF);
    CHECK(expr_parse_ref("ZZZZ1", &ref) == WS_ERR_REF);
    CHECK(expr_parse_ref("A0", &ref) == WS_ERR_REF);
    uint32_t row, col;
    CHECK(expr_parse_cell("AA10", &row, &col) == 4 && row == 9 && col == 26);
}

static void
test_literals(void)
{
    expr_node *n = parse("=WS.X(-1.5e3, \"say \"\"hi\"\"\", TRUE, false, #N/A, {1;2|3;4}, "
                         "{1,2;3,4}, -(2))");
    CHECK(n && n->count == 8);
    if (n && n->count == 8) {
        CHECK(n->items[0]->number == -1500);
        CHECK_STR(n->items[1]->text, "say \"hi\"");
        CHECK(n->items[2]->kind == EXPR_BOOL && n->items[2]->boolean);
        CHECK(n->items[3]->kind == EXPR_BOOL && !n->items[3]->boolean);
        CHECK(n->items[4]->kind == EXPR_ERROR && n->items[4]->error == WS_CELL_ERR_NA);
        /* LibreOffice's {1;2|3;4} and Excel's {1,2;3,4} are the same 2×2 array. */
        CHECK(n->items[5]->rows == 2 && n->items[5]->cols == 2);
        CHECK(n->items[6]->rows == 2 && n->items[6]->cols == 2);
        CHECK(n->items[5]->items[2]->number == 3 && n->items[6]->items[2]->number == 3);
        CHECK(n->items[7]->number == -2);
    }
    expr_free(n);
}

static void
test_errors(void)
{
    expr_node *n = NULL;
    CHECK(expr_parse("=WS.X(1,", 64, &n) == WS_ERR_SYNTAX);
    CHECK(strstr(ws_last_reason(), "at the end") != NULL);
    CHECK(expr_parse("=WS.X(\"open)", 64, &n) == WS_ERR_SYNTAX);
    CHECK(expr_parse("=WS.X(1)+2", 64, &n) == WS_ERR_SYNTAX);
    CHECK(expr_parse("=WS.X({1,2;3})", 64, &n) == WS_ERR_SYNTAX);
    CHECK(expr_parse("=WS.X(myrange)", 64, &n) == WS_ERR_NAME);
    CHECK(expr_parse("=WS.X(#BOGUS!)", 64, &n) == WS_ERR_SYNTAX);
    CHECK(expr_parse("=WS.X(-A1)", 64, &n) == WS_ERR_SYNTAX);
    CHECK(n == NULL);
    /* Nesting is bounded: no stack exhaustion on hostile formulas. */
    char deep[4000];
    size_t k = 0;
    for (int i = 0; i < 1000; i++) {
        memcpy(deep + k, "F(", 2);
        k += 2;
    }
    deep[k] = '\0';
    CHECK(expr_parse(deep, 64, &n) == WS_ERR_LIMIT);
    CHECK(strstr(ws_last_reason(), "64 levels") != NULL);
}

int
main(void)
{
    test_calls();
    test_references();
    test_literals();
    test_errors();
    return check_summary("expr");
}
