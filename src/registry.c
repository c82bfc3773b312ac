#include "registry.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"

const ws_range *
formula_arg(const formula_args *args, size_t i)
{
    return i < args->count ? args->items[i] : NULL;
}

double
formula_arg_number(const formula_args *args, size_t i, double fallback)
{
    const ws_range *r = formula_arg(args, i);
    return r ? ws_range_number_at(r, 0, 0) : fallback;
}

const char *
formula_arg_text(const formula_args *args, size_t i, const char *fallback)
{
    const ws_range *r = formula_arg(args, i);
    return r ? ws_range_text_at(r, 0, 0) : fallback;
}

/* Drop "=", "_xludf.", "_xlfn." and "WS." so "ws.forecast", "_xludf.WS.FORECAST" and
 * "FORECAST" all name WS.FORECAST. */
static const char *
bare_name(const char *name, size_t *len)
{
    static const char *const prefixes[] = {"_xludf.", "_xlfn.", "ws."};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t n = strlen(prefixes[i]);
        if (*len >= n && strncasecmp(name, prefixes[i], n) == 0) {
            name += n;
            *len -= n;
        }
    }
    return name;
}

const formula_def *
registry_find(const char *name, size_t len)
{
    name = bare_name(name, &len);
    for (size_t f = 0; f < formula_family_count; f++) {
        const formula_family *fam = formula_families[f];
        for (size_t i = 0; i < fam->count; i++) {
            size_t n = strlen(fam->defs[i].info.name);
            const char *def_name = bare_name(fam->defs[i].info.name, &n);
            if (n == len && strncasecmp(def_name, name, len) == 0)
                return &fam->defs[i];
        }
    }
    return NULL;
}

size_t
ws_formula_count(void)
{
    size_t n = 0;
    for (size_t f = 0; f < formula_family_count; f++)
        n += formula_families[f]->count;
    return n;
}

const ws_formula_info *
ws_formula_at(size_t index)
{
    for (size_t f = 0; f < formula_family_count; f++) {
        if (index < formula_families[f]->count)
            return &formula_families[f]->defs[index].info;
        index -= formula_families[f]->count;
    }
    return NULL;
}

const ws_formula_info *
ws_formula_find(const char *name)
{
    const formula_def *def = name ? registry_find(name, strlen(name)) : NULL;
    return def ? &def->info : NULL;
}

/* A 1×1 cell as a scalar argument: its error, or a type check. */
static ws_status
check_scalar(const ws_formula_info *info, size_t i, const ws_range *r)
{
    const ws_arg_info *a = &info->args[i];
    if (r->rows != 1 || r->cols != 1)
        return diag_fail(WS_ERR_VALUE, "%s: %s must be a single value, not a %zu×%zu range",
                         info->name, a->name, r->rows, r->cols);
    const ws_value *v = range_get(r, 0, 0);
    if (v->type == WS_TYPE_ERROR)
        return diag_fail(WS_ERR_VALUE, "%s: %s holds the error %s%s%s", info->name, a->name,
                         ws_cell_error_str((ws_cell_error)v->error), v->as.text ? ": " : "",
                         v->as.text ? v->as.text : "");
    if (a->kind == WS_ARG_NUMBER && v->type != WS_TYPE_NUMBER && v->type != WS_TYPE_BOOL)
        return diag_fail(WS_ERR_VALUE, "%s: %s must be a number%s%s%s", info->name, a->name,
                         v->type == WS_TYPE_TEXT ? ", not the text '" : "",
                         v->type == WS_TYPE_TEXT ? v->as.text : "",
                         v->type == WS_TYPE_TEXT ? "'" : " (the cell is empty)");
    if (a->kind == WS_ARG_TEXT && v->type != WS_TYPE_TEXT)
        return diag_fail(WS_ERR_VALUE, "%s: %s must be text", info->name, a->name);
    return WS_OK;
}

static ws_status
check_args(const formula_def *def, const ws_range *const *args, size_t count)
{
    const ws_formula_info *info = &def->info;
    size_t required = 0;
    for (size_t i = 0; i < info->arg_count; i++)
        if (!info->args[i].optional)
            required = i + 1;
    if (count > info->arg_count)
        return diag_fail(WS_ERR_ARGS, "%s takes at most %zu arguments, %zu given", info->name,
                         info->arg_count, count);
    for (size_t i = 0; i < info->arg_count; i++) {
        const ws_range *r = i < count ? args[i] : NULL;
        if (!r) {
            if (i < required)
                return diag_fail(WS_ERR_ARGS, "%s: the argument %s is required", info->name,
                                 info->args[i].name);
            continue;
        }
        /* An empty single cell passed for an optional scalar counts as omitted only when
         * the caller passes NULL; here it is checked like any value. */
        if (info->args[i].kind == WS_ARG_NUMBER || info->args[i].kind == WS_ARG_TEXT) {
            ws_status st = check_scalar(info, i, r);
            if (st)
                return st;
        }
    }
    return WS_OK;
}

/* NaN or infinity in a result becomes #NUM!, once, for every formula. */
static void
finite_or_num(ws_range *range)
{
    for (size_t i = 0; i < range_size(range); i++) {
        ws_value *v = &range->cells[i];
        if (v->type == WS_TYPE_NUMBER && !isfinite(v->as.number)) {
            v->type = WS_TYPE_ERROR;
            v->error = WS_CELL_ERR_NUM;
            v->as.text = NULL;
        }
    }
}

static ws_status
call_checked(const formula_def *def, const ws_range *const *args, size_t count,
             ws_range **out)
{
    formula_args fa = {args, count};
    ws_range *result = NULL;
    diag_clear();
    ws_status st = def->impl(&fa, &result);
    if (st == WS_OK && !result)
        st = diag_fail(WS_ERR_NA, "no result");
    if (st) {
        ws_range_free(result);
        return st;
    }
    finite_or_num(result);
    *out = result;
    return WS_OK;
}

static ws_status
call_elementwise(const formula_def *def, const ws_range *const *args, size_t count,
                 ws_range **out)
{
    const ws_range *first = args[0];
    ws_range *result = NULL, *cell = NULL, *one = NULL;
    ws_status st = ws_range_new(first->rows, first->cols, &result);
    if (st)
        return st;
    if ((st = ws_range_new(1, 1, &one)))
        goto done;
    const ws_range **each = mem_alloc(count * sizeof *each);
    if (!each) {
        st = diag_nomem();
        goto done;
    }
    memcpy(each, args, count * sizeof *each);
    each[0] = one;
    for (size_t i = 0; i < range_size(first); i++) {
        one->cells[0] = first->cells[i]; /* borrowed; `one` never frees it */
        st = call_checked(def, each, count, &cell);
        ws_value *dst = &result->cells[i];
        if (st == WS_ERR_NOMEM)
            break;
        if (st) {
            if (value_set_error(dst, ws_status_cell_error(st), diag_reason())) {
                st = diag_nomem();
                break;
            }
            st = WS_OK;
            continue;
        }
        *dst = cell->cells[0]; /* move */
        cell->cells[0].type = WS_TYPE_EMPTY;
        ws_range_free(cell);
        cell = NULL;
    }
    one->cells[0].type = WS_TYPE_EMPTY;
    mem_free(each);
done:
    ws_range_free(one);
    if (st) {
        ws_range_free(result);
        return st;
    }
    *out = result;
    return WS_OK;
}

ws_status
registry_call(const formula_def *def, const ws_range *const *args, size_t count,
              ws_range **out)
{
    diag_clear();
    ws_status st = check_args(def, args, count);
    if (st == WS_ERR_ARGS)
        return st;
    if (st == WS_OK) {
        if ((def->flags & FORMULA_ELEMENTWISE) && count > 0 && args[0])
            st = call_elementwise(def, args, count, out);
        else
            st = call_checked(def, args, count, out);
        if (st == WS_OK || st == WS_ERR_NOMEM)
            return st;
        if (strncmp(diag_reason(), def->info.name, strlen(def->info.name)) != 0)
            diag_prefix(st, "%s", def->info.name);
    }
    /* The formula failed on its input: that is a result, an error cell with its reason. */
    ws_range *err = range_error_from_status(st);
    if (!err)
        return diag_nomem();
    *out = err;
    return WS_OK;
}

ws_status
ws_formula_call(const char *name, const ws_range *const *args, size_t arg_count,
                ws_range **out)
{
    const formula_def *def = name ? registry_find(name, strlen(name)) : NULL;
    if (!def)
        return diag_fail(WS_ERR_NAME, "no formula named '%s' (see ws_formula_at)",
                         name ? name : "(null)");
    return registry_call(def, args, arg_count, out);
}

/* ----- jobs ----- */

size_t
ws_job_count(void)
{
    return job_def_count;
}

const ws_job_info *
ws_job_at(size_t index)
{
    return index < job_def_count ? &job_defs[index]->info : NULL;
}

static const job_def *
job_find(const char *name)
{
    for (size_t i = 0; i < job_def_count; i++)
        if (strcasecmp(job_defs[i]->info.name, name) == 0)
            return job_defs[i];
    return NULL;
}

const ws_job_info *
ws_job_find(const char *name)
{
    const job_def *def = name ? job_find(name) : NULL;
    return def ? &def->info : NULL;
}

const char *
job_option(const job_options *options, const char *key)
{
    for (size_t i = options->count; i-- > 0;)
        if (strcmp(options->items[i].key, key) == 0)
            return options->items[i].value;
    for (size_t i = 0; i < options->info->option_count; i++)
        if (strcmp(options->info->options[i].key, key) == 0)
            return options->info->options[i].fallback;
    return NULL;
}

ws_status
job_lang_option(const job_options *options, const char *job, job_lang *out)
{
    const char *l = job_option(options, "lang");
    *out = !l || !*l ? JOB_LANG_AUTO : strcasecmp(l, "en") == 0 ? JOB_LANG_EN
                     : strcasecmp(l, "ja") == 0                ? JOB_LANG_JA
                                                           : JOB_LANG_AUTO;
    if (*out == JOB_LANG_AUTO && l && *l)
        return diag_fail(WS_ERR_VALUE, "%s: --lang: '%s' is not en or ja", job, l);
    return WS_OK;
}

bool
job_text_is_japanese(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; p && *p; p++) {
        /* Kana (U+3040..U+30FF) and CJK ideographs (U+4E00..U+9FFF) are 3-byte sequences. */
        if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            continue;
        unsigned cp = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
        if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x4E00 && cp <= 0x9FFF))
            return true;
    }
    return false;
}

ws_status
ws_book_job(ws_book *book, size_t sheet, const char *job, const ws_job_option *options,
            size_t option_count, ws_progress_fn progress, void *user)
{
    diag_clear();
    const job_def *def = job ? job_find(job) : NULL;
    if (!def)
        return diag_fail(WS_ERR_NAME, "no job named '%s' (see 'worldsheet help')",
                         job ? job : "(null)");
    if (!book || sheet >= ws_book_sheet_count(book))
        return diag_fail(WS_ERR_ARGS, "%s: no sheet %zu in the book", job, sheet + 1);
    for (size_t i = 0; i < option_count; i++) {
        bool known = false;
        for (size_t k = 0; k < def->info.option_count; k++)
            known |= strcmp(def->info.options[k].key, options[i].key) == 0;
        if (!known)
            return diag_fail(WS_ERR_ARGS, "%s: unknown option '%s'", job, options[i].key);
    }
    job_options opts = {&def->info, options, option_count};
    for (size_t k = 0; k < def->info.option_count; k++) {
        if (!def->info.options[k].fallback && !job_option(&opts, def->info.options[k].key))
            return diag_fail(WS_ERR_ARGS, "%s: the option --%s is required", job,
                             def->info.options[k].key);
    }
    return def->impl(book, sheet, &opts, progress, user);
}
