/* The formula and job tables.
 *
 * Each formula family (formulas/<family>/) defines a table of formula_def rows and each job
 * a job_def; formulas/catalog.c lists the families.  The registry checks arguments
 * against a row's ws_formula_info before its implementation runs, turns a failure into an
 * error cell carrying the reason, and turns NaN or infinity in a result into #NUM!.
 *
 * An implementation is thin: read the checked arguments, call the model, return a status
 * (recording the reason with diag_fail) and, on WS_OK, a new range in *out. */
#ifndef WS_REGISTRY_H
#define WS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/value.h"
#include "worldsheet.h"

/* Arguments as the implementation sees them: args[i] is NULL for an omitted optional
 * argument (also for i >= count). */
typedef struct formula_args {
    const ws_range *const *items;
    size_t count;
} formula_args;

typedef ws_status (*formula_impl)(const formula_args *args, ws_range **out);

enum {
    /* Apply the formula to each cell of its first argument separately and return a range
     * of the same shape (WS.SENTIMENT over a column).  The implementation then receives a
     * 1×1 first argument and returns a 1×1 range. */
    FORMULA_ELEMENTWISE = 1 << 0
};

typedef struct formula_def {
    ws_formula_info info;
    formula_impl impl;
    unsigned flags;
} formula_def;

typedef struct formula_family {
    const formula_def *defs;
    size_t count;
} formula_family;

/* Defined in formulas/catalog.c: every family, in the order help lists them. */
extern const formula_family *const formula_families[];
extern const size_t formula_family_count;

/* The argument, or NULL when omitted (or i out of range). */
const ws_range *formula_arg(const formula_args *args, size_t i);
/* A 1×1 number argument (checked by the registry), or `fallback` when omitted. */
double formula_arg_number(const formula_args *args, size_t i, double fallback);
/* A 1×1 text argument (checked by the registry), or `fallback` when omitted. */
const char *formula_arg_text(const formula_args *args, size_t i, const char *fallback);

const formula_def *registry_find(const char *name, size_t len);

/* Check and call; always gives a range in *out unless memory ran out (WS_ERR_NOMEM) or
 * the call itself is malformed (WS_ERR_NAME, WS_ERR_ARGS — the reason says which). */
ws_status registry_call(const formula_def *def, const ws_range *const *args, size_t count,
                        ws_range **out);

/* ----- references and sheets, for formulas' hosts and jobs ----- */

typedef struct expr_ref expr_ref;
typedef struct book_sheet book_sheet;
typedef struct book_area book_area;

/* The sheet and area a parsed reference means, unqualified references being on `home`;
 * whole columns (B:B) and rows end at the sheet's last used row or column. */
ws_status ref_area(const ws_book *book, const book_sheet *home, const expr_ref *ref,
                   const book_sheet **sheet, book_area *area);
/* The same from text ("'Sales 2024'!B2:B40"). */
ws_status ref_resolve(const ws_book *book, const book_sheet *home, const char *text,
                      const book_sheet **sheet, book_area *area);
/* A reference may not make anyone materialise more cells than this. */
#define REF_MAX_AREA_CELLS 10000000u

/* A job option's reference read into a new range (and its area, when `area` is not NULL);
 * reasons read "<job>: --<option>: ...". */
ws_status job_read_ref(const ws_book *book, const book_sheet *home, const char *job,
                       const char *option, const char *text, book_area *area,
                       ws_range **out);
/* A new sheet named `base`, or "base 2", "base 3"... when taken; marked as added. */
ws_status book_add_unique_sheet(ws_book *book, const char *base, book_sheet **out);

/* ----- jobs ----- */
typedef struct job_options {
    const ws_job_info *info;
    const ws_job_option *items;
    size_t count;
} job_options;

/* The value given for `key`, else the option's default, else NULL. */
const char *job_option(const job_options *options, const char *key);

/* The --lang option of a job whose sheets carry labels: "en", "ja", or empty / absent for
 * JOB_LANG_AUTO, which the job settles from its data (job_text_is_japanese on the names). */
typedef enum job_lang { JOB_LANG_AUTO = 0, JOB_LANG_EN, JOB_LANG_JA } job_lang;
ws_status job_lang_option(const job_options *options, const char *job, job_lang *out);

/* True when the UTF-8 text holds kana or CJK ideographs. */
bool job_text_is_japanese(const char *text);

typedef ws_status (*job_impl)(ws_book *book, size_t sheet, const job_options *options,
                              ws_progress_fn progress, void *user);

typedef struct job_def {
    ws_job_info info;
    job_impl impl;
} job_def;

/* Defined in formulas/catalog.c. */
extern const job_def *const job_defs[];
extern const size_t job_def_count;

#endif
