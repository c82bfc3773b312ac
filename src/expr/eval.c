/* Tree evaluation.  An argument that fails becomes an error value passed to the function,
 * as in a spreadsheet; only memory exhaustion stops the evaluation. */
#include <string.h>

#include "core/diag.h"
#include "core/mem.h"
#include "expr/expr.h"

static ws_status
literal(const expr_node *node, ws_value *v)
{
    switch (node->kind) {
    case EXPR_NUMBER: *v = value_number(node->number); return WS_OK;
    case EXPR_BOOL: *v = value_bool(node->boolean); return WS_OK;
    case EXPR_TEXT: return value_set_text(v, node->text, strlen(node->text));
    case EXPR_ERROR: return value_set_error(v, node->error, NULL);
    case EXPR_REF:
    case EXPR_ARRAY:
    case EXPR_CALL:
    case EXPR_OMITTED: break;
    }
    return WS_ERR_ARGS;
}

static ws_status
eval_array(const expr_node *node, ws_range **out)
{
    ws_range *r = NULL;
    ws_status st = ws_range_new(node->rows, node->cols, &r);
    if (st)
        return st;
    for (size_t i = 0; i < node->count; i++) {
        if ((st = literal(node->items[i], &r->cells[i]))) {
            ws_range_free(r);
            return st == WS_ERR_NOMEM ? diag_nomem() : st;
        }
    }
    *out = r;
    return WS_OK;
}

static ws_status
eval_call(const expr_node *node, const expr_env *env, ws_range **out)
{
    ws_range **args = mem_calloc(node->count ? node->count : 1, sizeof *args);
    if (!args)
        return diag_nomem();
    ws_status st = WS_OK;
    for (size_t i = 0; i < node->count; i++) {
        if (node->items[i]->kind == EXPR_OMITTED)
            continue;
        ws_status sub = expr_eval(node->items[i], env, &args[i]);
        if (sub == WS_ERR_NOMEM) {
            st = sub;
            goto done;
        }
        if (sub) {
            /* The argument's failure travels as its error value, with its reason. */
            if (!(args[i] = range_error_from_status(sub))) {
                st = diag_nomem();
                goto done;
            }
        }
    }
    st = env->call(env->user, node->text, (const ws_range *const *)args, node->count, out);
done:
    for (size_t i = 0; i < node->count; i++)
        ws_range_free(args[i]);
    mem_free(args);
    return st;
}

ws_status
expr_eval(const expr_node *node, const expr_env *env, ws_range **out)
{
    ws_range *r = NULL;
    ws_status st;
    switch (node->kind) {
    case EXPR_NUMBER:
    case EXPR_BOOL:
    case EXPR_TEXT:
    case EXPR_ERROR:
        if ((st = ws_range_new(1, 1, &r)))
            return st;
        if ((st = literal(node, &r->cells[0]))) {
            ws_range_free(r);
            return diag_nomem();
        }
        *out = r;
        return WS_OK;
    case EXPR_ARRAY: return eval_array(node, out);
    case EXPR_REF: return env->read_ref(env->user, &node->ref, out);
    case EXPR_CALL: return eval_call(node, env, out);
    case EXPR_OMITTED: break;
    }
    return diag_fail(WS_ERR_SYNTAX, "an empty argument cannot be evaluated on its own");
}
