/* Formula text to tree: a recursive-descent parser over the characters, no separate token
 * list (formulas are short; one pass, no allocation but the nodes). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"
#include "expr/expr.h"

typedef struct parser {
    const char *text;  /* the whole formula, for messages */
    const char *p;     /* the next character */
    size_t depth;
    size_t max_depth;
} parser;

static ws_status parse_expr(parser *ps, expr_node **out);

static ws_status
fail_at(const parser *ps, const char *what)
{
    size_t pos = (size_t)(ps->p - ps->text) + 1;
    if (!*ps->p)
        return diag_fail(WS_ERR_SYNTAX, "formula '%.80s': %s at the end", ps->text, what);
    return diag_fail(WS_ERR_SYNTAX, "formula '%.80s': %s at character %zu ('%.12s')",
                     ps->text, what, pos, ps->p);
}

static void
skip_space(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static expr_node *
node_new(expr_kind kind)
{
    expr_node *n = mem_calloc(1, sizeof *n);
    if (n)
        n->kind = kind;
    return n;
}

void
expr_free(expr_node *node)
{
    if (!node)
        return;
    for (size_t i = 0; i < node->count; i++)
        expr_free(node->items[i]);
    mem_free(node->items);
    mem_free(node->text);
    mem_free(node->ref.sheet);
    mem_free(node);
}

static ws_status
push_item(expr_node *parent, expr_node *child, size_t *cap)
{
    if (mem_grow((void **)&parent->items, cap, parent->count + 1, sizeof *parent->items)) {
        expr_free(child);
        return diag_nomem();
    }
    parent->items[parent->count++] = child;
    return WS_OK;
}

/* A word: the characters of names, cell references and unquoted sheet names. */
static bool
is_word_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '.' || c == '$' || c >= 0x80;
}

static bool
is_call_name_char(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '.' || c >= 0x80;
}

static const struct {
    const char *text;
    ws_cell_error error;
} error_literals[] = {
    {"#NULL!", WS_CELL_ERR_NULL}, {"#DIV/0!", WS_CELL_ERR_DIV0}, {"#VALUE!", WS_CELL_ERR_VALUE},
    {"#REF!", WS_CELL_ERR_REF},   {"#NAME?", WS_CELL_ERR_NAME},  {"#NUM!", WS_CELL_ERR_NUM},
    {"#N/A", WS_CELL_ERR_NA},
};

static ws_status
parse_error_literal(parser *ps, expr_node **out)
{
    for (size_t i = 0; i < sizeof error_literals / sizeof error_literals[0]; i++) {
        size_t n = strlen(error_literals[i].text);
        if (strncasecmp(ps->p, error_literals[i].text, n) == 0) {
            expr_node *node = node_new(EXPR_ERROR);
            if (!node)
                return diag_nomem();
            node->error = error_literals[i].error;
            ps->p += n;
            *out = node;
            return WS_OK;
        }
    }
    return fail_at(ps, "an unknown error value");
}

static ws_status
parse_string(parser *ps, expr_node **out)
{
    /* "..." with "" for a quote; the parsed text is never longer than the source. */
    const char *start = ++ps->p;
    size_t len = 0;
    for (const char *q = start;; q++) {
        if (!*q)
            return fail_at(ps, "a string without its closing quote");
        if (*q == '"') {
            if (q[1] != '"')
                break;
            q++;
        }
        len++;
    }
    expr_node *node = node_new(EXPR_TEXT);
    char *text = mem_alloc(len + 1);
    if (!node || !text) {
        mem_free(node);
        mem_free(text);
        return diag_nomem();
    }
    size_t k = 0;
    const char *q = start;
    while (k < len) {
        if (*q == '"')
            q++;
        text[k++] = *q++;
    }
    text[k] = '\0';
    ps->p = q + 1;
    node->text = text;
    *out = node;
    return WS_OK;
}

static ws_status
parse_number(parser *ps, double sign, expr_node **out)
{
    char *end;
    errno = 0;
    double v = strtod(ps->p, &end);
    if (end == ps->p)
        return fail_at(ps, "a malformed number");
    if (errno == ERANGE && (v > 1.0 || v < -1.0))
        return fail_at(ps, "a number too large");
    expr_node *node = node_new(EXPR_NUMBER);
    if (!node)
        return diag_nomem();
    node->number = sign * v;
    ps->p = end;
    *out = node;
    return WS_OK;
}

size_t
expr_parse_cell(const char *text, uint32_t *row, uint32_t *col)
{
    const char *p = text;
    if (*p == '$')
        p++;
    uint64_t c = 0;
    size_t letters = 0;
    while (isalpha((unsigned char)*p) && letters < 4) {
        c = c * 26 + (uint64_t)(toupper((unsigned char)*p) - 'A' + 1);
        p++;
        letters++;
    }
    if (letters == 0 || letters > 3 || isalpha((unsigned char)*p))
        return 0;
    if (*p == '$')
        p++;
    uint64_t r = 0;
    size_t digits = 0;
    while (isdigit((unsigned char)*p) && digits < 11) {
        r = r * 10 + (uint64_t)(*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || r == 0 || isdigit((unsigned char)*p) || r > 0xFFFFFFFFull)
        return 0;
    *col = (uint32_t)(c - 1);
    *row = (uint32_t)(r - 1);
    return (size_t)(p - text);
}

/* "B" or "$B" alone: a column of a whole-column reference. */
static size_t
parse_col_only(const char *text, uint32_t *col)
{
    const char *p = text;
    if (*p == '$')
        p++;
    uint64_t c = 0;
    size_t letters = 0;
    while (isalpha((unsigned char)*p)) {
        if (++letters > 3)
            return 0;
        c = c * 26 + (uint64_t)(toupper((unsigned char)*p) - 'A' + 1);
        p++;
    }
    if (letters == 0 || isalnum((unsigned char)*p) || *p == '_' || *p == '.')
        return 0;
    *col = (uint32_t)(c - 1);
    return (size_t)(p - text);
}

/* "5" or "$5" alone: a row of a whole-row reference. */
static size_t
parse_row_only(const char *text, uint32_t *row)
{
    const char *p = text;
    if (*p == '$')
        p++;
    uint64_t r = 0;
    size_t digits = 0;
    while (isdigit((unsigned char)*p)) {
        if (++digits > 10)
            return 0;
        r = r * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (digits == 0 || r == 0 || r > 0xFFFFFFFFull || isalpha((unsigned char)*p))
        return 0;
    *row = (uint32_t)(r - 1);
    return (size_t)(p - text);
}

static void
order(uint32_t *a, uint32_t *b)
{
    if (*a > *b) {
        uint32_t t = *a;
        *a = *b;
        *b = t;
    }
}

/* The part after an optional "Sheet!": A1, A1:B2, A:B, 1:2.  Returns characters used, 0
 * when it is not a reference. */
static size_t
parse_area(const char *text, expr_ref *ref)
{
    uint32_t r0, c0, r1, c1;
    size_t n = expr_parse_cell(text, &r0, &c0);
    if (n) {
        r1 = r0;
        c1 = c0;
        if (text[n] == ':') {
            size_t m = expr_parse_cell(text + n + 1, &r1, &c1);
            if (!m)
                return 0;
            n += 1 + m;
        }
        order(&r0, &r1);
        order(&c0, &c1);
        *ref = (expr_ref){ref->sheet, r0, c0, r1, c1};
        return n;
    }
    if ((n = parse_col_only(text, &c0)) && text[n] == ':') {
        size_t m = parse_col_only(text + n + 1, &c1);
        if (!m)
            return 0;
        order(&c0, &c1);
        *ref = (expr_ref){ref->sheet, 0, c0, EXPR_ROW_MAX, c1};
        return n + 1 + m;
    }
    if ((n = parse_row_only(text, &r0)) && text[n] == ':') {
        size_t m = parse_row_only(text + n + 1, &r1);
        if (!m)
            return 0;
        order(&r0, &r1);
        *ref = (expr_ref){ref->sheet, r0, 0, r1, EXPR_COL_MAX};
        return n + 1 + m;
    }
    return 0;
}

/* 'It''s'!  or  Sheet1!  — the sheet part of a reference, or 0 when there is none. */
static size_t
parse_sheet_prefix(const char *text, char **sheet)
{
    const char *p = text;
    size_t len = 0;
    if (*p == '\'') {
        for (p++;; p++) {
            if (!*p)
                return 0;
            if (*p == '\'') {
                if (p[1] != '\'')
                    break;
                p++;
            }
            len++;
        }
        if (p[1] != '!')
            return 0;
        char *name = mem_alloc(len + 1);
        if (!name)
            return (size_t)-1;
        size_t k = 0;
        for (const char *q = text + 1; k < len; q++) {
            if (*q == '\'')
                q++;
            name[k++] = *q;
        }
        name[k] = '\0';
        *sheet = name;
        return (size_t)(p + 2 - text);
    }
    while (is_word_char((unsigned char)*p) && *p != '$')
        p++;
    if (p == text || *p != '!')
        return 0;
    char *name = mem_strndup(text, (size_t)(p - text));
    if (!name)
        return (size_t)-1;
    *sheet = name;
    return (size_t)(p + 1 - text);
}

static ws_status
parse_reference(parser *ps, expr_node **out)
{
    expr_ref ref = {0};
    size_t n = parse_sheet_prefix(ps->p, &ref.sheet);
    if (n == (size_t)-1)
        return diag_nomem();
    size_t m = parse_area(ps->p + n, &ref);
    if (!m) {
        mem_free(ref.sheet);
        if (n)
            return diag_fail(WS_ERR_REF, "formula '%.80s': '%.*s' is not a cell reference",
                             ps->text, 20, ps->p + n);
        return WS_ERR_NAME; /* not a reference: the caller decides */
    }
    expr_node *node = node_new(EXPR_REF);
    if (!node) {
        mem_free(ref.sheet);
        return diag_nomem();
    }
    node->ref = ref;
    ps->p += n + m;
    *out = node;
    return WS_OK;
}

static ws_status
parse_args(parser *ps, expr_node *call)
{
    size_t cap = 0;
    ps->p++; /* '(' */
    skip_space(ps);
    if (*ps->p == ')') {
        ps->p++;
        return WS_OK;
    }
    for (;;) {
        skip_space(ps);
        expr_node *arg = NULL;
        ws_status st;
        if (*ps->p == ',' || *ps->p == ';' || *ps->p == ')') {
            if (!(arg = node_new(EXPR_OMITTED)))
                return diag_nomem();
        } else if ((st = parse_expr(ps, &arg))) {
            return st;
        }
        if ((st = push_item(call, arg, &cap)))
            return st;
        skip_space(ps);
        if (*ps->p == ',' || *ps->p == ';') {
            ps->p++;
            continue;
        }
        if (*ps->p == ')') {
            ps->p++;
            return WS_OK;
        }
        return fail_at(ps, "expected ',' or ')'");
    }
}

static ws_status
parse_array_item(parser *ps, expr_node **out)
{
    skip_space(ps);
    double sign = 1.0;
    if (*ps->p == '-' || *ps->p == '+') {
        sign = *ps->p == '-' ? -1.0 : 1.0;
        ps->p++;
        skip_space(ps);
    }
    if (isdigit((unsigned char)*ps->p) || *ps->p == '.')
        return parse_number(ps, sign, out);
    if (sign < 0)
        return fail_at(ps, "a minus sign before a non-number in an array");
    if (*ps->p == '"')
        return parse_string(ps, out);
    if (*ps->p == '#')
        return parse_error_literal(ps, out);
    for (int b = 0; b < 2; b++) {
        const char *word = b ? "TRUE" : "FALSE";
        size_t n = strlen(word);
        if (strncasecmp(ps->p, word, n) == 0 && !is_word_char((unsigned char)ps->p[n])) {
            expr_node *node = node_new(EXPR_BOOL);
            if (!node)
                return diag_nomem();
            node->boolean = b;
            ps->p += n;
            *out = node;
            return WS_OK;
        }
    }
    return fail_at(ps, "an array may hold only numbers, strings, TRUE, FALSE and errors");
}

/* {1,2;3,4} (Excel) or {1;2|3;4} (LibreOffice's separators in some locales). */
static ws_status
parse_array(parser *ps, expr_node **out)
{
    const char *close = strchr(ps->p, '}');
    bool pipe_rows = close && memchr(ps->p, '|', (size_t)(close - ps->p)) != NULL;
    char col_sep = pipe_rows ? ';' : ',';
    char row_sep = pipe_rows ? '|' : ';';
    expr_node *arr = node_new(EXPR_ARRAY);
    if (!arr)
        return diag_nomem();
    size_t cap = 0, cols_in_row = 0;
    ws_status st = WS_OK;
    ps->p++;
    for (;;) {
        expr_node *item = NULL;
        if ((st = parse_array_item(ps, &item)) || (st = push_item(arr, item, &cap)))
            goto fail;
        cols_in_row++;
        skip_space(ps);
        char c = *ps->p;
        if (c == col_sep) {
            ps->p++;
            continue;
        }
        if (c == row_sep || c == '}') {
            if (arr->rows == 0)
                arr->cols = cols_in_row;
            else if (cols_in_row != arr->cols) {
                st = fail_at(ps, "array rows of different lengths");
                goto fail;
            }
            arr->rows++;
            cols_in_row = 0;
            ps->p++;
            if (c == '}')
                break;
            continue;
        }
        st = fail_at(ps, "expected a separator or '}' in an array");
        goto fail;
    }
    *out = arr;
    return WS_OK;
fail:
    expr_free(arr);
    return st;
}

static ws_status
parse_primary(parser *ps, expr_node **out)
{
    skip_space(ps);
    const char *c = ps->p;
    if (*c == '"')
        return parse_string(ps, out);
    if (*c == '#')
        return parse_error_literal(ps, out);
    if (*c == '{')
        return parse_array(ps, out);
    if (*c == '(') {
        ps->p++;
        ws_status st = parse_expr(ps, out);
        if (st)
            return st;
        skip_space(ps);
        if (*ps->p != ')') {
            expr_free(*out);
            *out = NULL;
            return fail_at(ps, "expected ')'");
        }
        ps->p++;
        return WS_OK;
    }
    /* A row range (2:5) starts with a digit like a number does. */
    if (isdigit((unsigned char)*c) || *c == '$' || isalpha((unsigned char)*c) || *c == '\'' ||
        *c == '_' || (unsigned char)*c >= 0x80) {
        const char *w = c;
        while (is_call_name_char((unsigned char)*w))
            w++;
        const char *after = w;
        while (*after == ' ')
            after++;
        if (w > c && *after == '(' && !isdigit((unsigned char)*c)) {
            expr_node *call = node_new(EXPR_CALL);
            if (!call)
                return diag_nomem();
            const char *name = c;
            size_t len = (size_t)(w - c);
            static const char *const prefixes[] = {"_xludf.", "_xlfn."};
            for (size_t i = 0; i < 2; i++) {
                size_t n = strlen(prefixes[i]);
                if (len > n && strncasecmp(name, prefixes[i], n) == 0) {
                    name += n;
                    len -= n;
                }
            }
            if (!(call->text = mem_strndup(name, len))) {
                expr_free(call);
                return diag_nomem();
            }
            for (char *q = call->text; *q; q++)
                *q = (char)toupper((unsigned char)*q);
            ps->p = after;
            ws_status st = parse_args(ps, call);
            if (st) {
                expr_free(call);
                return st;
            }
            *out = call;
            return WS_OK;
        }
        ws_status st = parse_reference(ps, out);
        if (st != WS_ERR_NAME)
            return st;
        if (isdigit((unsigned char)*c))
            return parse_number(ps, 1.0, out);
        size_t n = (size_t)(w - c);
        for (int b = 0; b < 2; b++) {
            const char *word = b ? "TRUE" : "FALSE";
            if (n == strlen(word) && strncasecmp(c, word, n) == 0) {
                expr_node *node = node_new(EXPR_BOOL);
                if (!node)
                    return diag_nomem();
                node->boolean = b;
                ps->p = w;
                *out = node;
                return WS_OK;
            }
        }
        return diag_fail(WS_ERR_NAME,
                         "formula '%.80s': '%.*s' is not a cell reference (named ranges are "
                         "not supported)",
                         ps->text, (int)(n ? n : 1), c);
    }
    if (*c == '.')
        return parse_number(ps, 1.0, out);
    return fail_at(ps, "expected a value, a reference or a function call");
}

static ws_status
parse_expr(parser *ps, expr_node **out)
{
    if (++ps->depth > ps->max_depth)
        return diag_fail(WS_ERR_LIMIT,
                         "formula '%.60s…': nested more than %zu levels deep (raise "
                         "max_formula_depth)",
                         ps->text, ps->max_depth);
    skip_space(ps);
    double sign = 1.0;
    bool signed_ = false;
    while (*ps->p == '-' || *ps->p == '+') {
        if (*ps->p == '-')
            sign = -sign;
        signed_ = true;
        ps->p++;
        skip_space(ps);
    }
    ws_status st = parse_primary(ps, out);
    if (st == WS_OK && signed_) {
        if ((*out)->kind != EXPR_NUMBER) {
            expr_free(*out);
            *out = NULL;
            st = fail_at(ps, "a sign is allowed only before a number");
        } else {
            (*out)->number *= sign;
        }
    }
    ps->depth--;
    return st;
}

ws_status
expr_parse(const char *text, size_t max_depth, expr_node **out)
{
    parser ps = {text, text, 0, max_depth ? max_depth : 64};
    skip_space(&ps);
    if (*ps.p == '=')
        ps.p++;
    expr_node *node = NULL;
    ws_status st = parse_expr(&ps, &node);
    if (st)
        return st;
    skip_space(&ps);
    if (*ps.p) {
        expr_free(node);
        return fail_at(&ps, "unexpected text after the formula (operators are not supported)");
    }
    *out = node;
    return WS_OK;
}

bool
expr_is_ours(const expr_node *node)
{
    return node && node->kind == EXPR_CALL && strncmp(node->text, "WS.", 3) == 0;
}

ws_status
expr_parse_ref(const char *text, expr_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    while (*text == ' ')
        text++;
    size_t n = parse_sheet_prefix(text, &ref->sheet);
    if (n == (size_t)-1)
        return diag_nomem();
    size_t m = parse_area(text + n, ref);
    const char *rest = text + n + m;
    while (*rest == ' ')
        rest++;
    if (!m || *rest) {
        expr_ref_clear(ref);
        return diag_fail(WS_ERR_REF, "'%.80s' is not a reference like B2:B40 or 'Sheet 1'!A:A",
                         text);
    }
    return WS_OK;
}

void
expr_ref_clear(expr_ref *ref)
{
    mem_free(ref->sheet);
    ref->sheet = NULL;
}
