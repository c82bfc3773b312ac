/*
 * worldsheet — spreadsheet formulas for forecasting, marketing simulation and
 * customer-voice analysis.  The one public header of libworldsheet.
 *
 * Conventions
 *   - Every fallible function returns ws_status (WS_OK == 0) and hands its result back
 *     through the last parameter; on failure that parameter is left untouched.
 *   - Only functions named *_new, *_open, *_read and *_copy hand ownership to the caller;
 *     each says how to free.  Every *_free / *_close accepts NULL.
 *   - Arguments are borrowed: the library never keeps a pointer you passed in.
 *   - When a call fails, ws_last_reason() gives a sentence saying what was wrong (which
 *     file, sheet, cell or argument).  It is per thread, valid until the next call.
 *   - The library is reentrant: distinct objects may be used from distinct threads at once;
 *     one object must not be mutated from two threads at once.  It never prints, never
 *     exits, never aborts.
 *
 * Example: evaluate a formula against a workbook.
 *
 *     ws_book *book = NULL;
 *     ws_range *result = NULL;
 *     if (ws_book_open("sales.xlsx", NULL, &book) != WS_OK) {
 *         fprintf(stderr, "%s\n", ws_last_reason());
 *         return 1;
 *     }
 *     if (ws_book_eval(book, 0, "=WS.DESCRIBE(B2:B60)", &result) == WS_OK) {
 *         for (size_t r = 0; r < ws_range_rows(result); r++)
 *             printf("%s\t%g\n", ws_range_text_at(result, r, 0),
 *                    ws_range_number_at(result, r, 1));
 *     }
 *     ws_range_free(result);
 *     ws_book_close(book);
 */
#ifndef WORLDSHEET_H
#define WORLDSHEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WS_VERSION_MAJOR 0
#define WS_VERSION_MINOR 1
#define WS_VERSION_PATCH 0
#define WS_VERSION_STRING "0.1.0"

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *ws_version(void);

/* ---------------------------------------------------------------------------------------
 * Status codes.  The numbers never change meaning once released.
 * ------------------------------------------------------------------------------------- */
typedef enum ws_status {
    WS_OK = 0,
    WS_ERR_NOMEM = 1,       /* memory allocation failed */
    WS_ERR_VALUE = 2,       /* an argument has the wrong type (text where a number belongs) */
    WS_ERR_NUM = 3,         /* an impossible number (negative horizon, level outside (0,1)) */
    WS_ERR_NA = 4,          /* not enough data to compute the result */
    WS_ERR_DIV0 = 5,        /* division by zero */
    WS_ERR_REF = 6,         /* a reference that points nowhere (unknown sheet, off the grid) */
    WS_ERR_NAME = 7,        /* an unknown formula name */
    WS_ERR_SYNTAX = 8,      /* formula text that does not parse */
    WS_ERR_IO = 9,          /* a file that cannot be read or written */
    WS_ERR_FORMAT = 10,     /* a file that is not a well-formed workbook */
    WS_ERR_LIMIT = 11,      /* a safety limit was exceeded (see ws_limits) */
    WS_ERR_ARGS = 12,       /* wrong number of arguments, or a misuse of the API */
    WS_ERR_UNSUPPORTED = 13 /* valid input that this version cannot handle */
} ws_status;

/* Static English text for a status, e.g. "not enough data".  Never NULL. */
const char *ws_status_str(ws_status status);

/* The reason for the last failure on this thread: a full sentence, never NULL
 * ("" when there is none).  Valid until the next library call on this thread. */
const char *ws_last_reason(void);

/* Diagnostics (warnings, progress notes) go to this callback, never to a stream.  Pass
 * NULL to silence.  `level` is 0 for info, 1 for warnings.  Process-wide. */
typedef void (*ws_log_fn)(void *user, int level, const char *message);
void ws_set_log(ws_log_fn fn, void *user);

/* ---------------------------------------------------------------------------------------
 * Cell values and ranges.  A range is a rectangular, row-major block of cells; a single
 * value is a 1×1 range.
 * ------------------------------------------------------------------------------------- */
typedef enum ws_type {
    WS_TYPE_EMPTY = 0,
    WS_TYPE_NUMBER = 1,
    WS_TYPE_TEXT = 2,
    WS_TYPE_BOOL = 3,
    WS_TYPE_ERROR = 4
} ws_type;

/* Spreadsheet error values, as they appear in a cell. */
typedef enum ws_cell_error {
    WS_CELL_ERR_NULL = 1,  /* #NULL!  */
    WS_CELL_ERR_DIV0 = 2,  /* #DIV/0! */
    WS_CELL_ERR_VALUE = 3, /* #VALUE! */
    WS_CELL_ERR_REF = 4,   /* #REF!   */
    WS_CELL_ERR_NAME = 5,  /* #NAME?  */
    WS_CELL_ERR_NUM = 6,   /* #NUM!   */
    WS_CELL_ERR_NA = 7     /* #N/A    */
} ws_cell_error;

/* "#VALUE!" etc.; "#N/A" for anything unknown. */
const char *ws_cell_error_str(ws_cell_error error);

/* The cell error a status becomes when a formula fails (WS_ERR_VALUE -> #VALUE!, ...). */
ws_cell_error ws_status_cell_error(ws_status status);

typedef struct ws_range ws_range;

/* A new rows×cols range of empty cells.  Free with ws_range_free(). */
ws_status ws_range_new(size_t rows, size_t cols, ws_range **out);
/* A deep copy.  Free with ws_range_free(). */
ws_status ws_range_copy(const ws_range *range, ws_range **out);
void ws_range_free(ws_range *range);

size_t ws_range_rows(const ws_range *range);
size_t ws_range_cols(const ws_range *range);

/* Getters never fail: outside the range a cell reads as empty. */
ws_type ws_range_type_at(const ws_range *range, size_t row, size_t col);
/* The number of a number cell, 1/0 for a boolean, NaN otherwise. */
double ws_range_number_at(const ws_range *range, size_t row, size_t col);
/* UTF-8 text of a text cell, "" otherwise; owned by the range. */
const char *ws_range_text_at(const ws_range *range, size_t row, size_t col);
bool ws_range_bool_at(const ws_range *range, size_t row, size_t col);
/* The error value of an error cell (0 for any other cell)... */
ws_cell_error ws_range_error_at(const ws_range *range, size_t row, size_t col);
/* ...and its reason, e.g. "WS.FORECAST: values: text in cell 5 ('n/a')"; "" when none. */
const char *ws_range_reason_at(const ws_range *range, size_t row, size_t col);

/* Setters copy what they are given.  Outside the range: WS_ERR_ARGS. */
ws_status ws_range_set_empty(ws_range *range, size_t row, size_t col);
ws_status ws_range_set_number(ws_range *range, size_t row, size_t col, double number);
ws_status ws_range_set_text(ws_range *range, size_t row, size_t col, const char *utf8);
ws_status ws_range_set_bool(ws_range *range, size_t row, size_t col, bool value);
/* `reason` may be NULL. */
ws_status ws_range_set_error(ws_range *range, size_t row, size_t col, ws_cell_error error,
                             const char *reason);

/* ---------------------------------------------------------------------------------------
 * Formulas.  Every WS.* formula is a row of one registry; help, the CLI and the Calc
 * add-in are generated from it.
 * ------------------------------------------------------------------------------------- */

/* What an argument accepts. */
typedef enum ws_arg_kind {
    WS_ARG_NUMBERS = 1, /* a range of numbers; blanks are missing values */
    WS_ARG_NUMBER = 2,  /* one number */
    WS_ARG_TEXT = 3,    /* one text */
    WS_ARG_TEXTS = 4,   /* a range of texts (comments); blanks are skipped */
    WS_ARG_ANY = 5      /* a range of anything (a table of numbers and labels) */
} ws_arg_kind;

typedef struct ws_arg_info {
    const char *name;        /* "values" */
    const char *description; /* one line */
    ws_arg_kind kind;
    bool optional;
} ws_arg_info;

typedef struct ws_formula_info {
    const char *name;        /* "WS.FORECAST" */
    const char *category;    /* "Forecasting", "Marketing", "Text", "Statistics" */
    const char *summary;     /* one sentence */
    const char *returns;     /* shape and meaning: "horizon×1 point forecasts" */
    size_t arg_count;
    const ws_arg_info *args;
    const char *example;        /* "=WS.DESCRIBE({1;2;3;4})" */
    const char *example_result; /* what it gives, as text */
    size_t error_count;
    const char *const *errors; /* "#N/A: fewer than 3 values" ... */
} ws_formula_info;

/* How many formulas there are, and each one's description (static, never freed). */
size_t ws_formula_count(void);
const ws_formula_info *ws_formula_at(size_t index);
/* Look a formula up by name, case-insensitively, with or without "WS." or the
 * "_xludf."/"_xlfn." prefixes.  NULL when unknown. */
const ws_formula_info *ws_formula_find(const char *name);

/* Call a formula with argument values; an omitted optional argument is NULL.  A formula
 * that fails on its input still returns WS_OK, with a 1×1 error range whose reason says
 * why — that is what a cell shows.  Other statuses mean the call itself was wrong (unknown
 * name, too many arguments) or memory ran out.  Free the result with ws_range_free(). */
ws_status ws_formula_call(const char *name, const ws_range *const *args, size_t arg_count,
                          ws_range **out);

/* ---------------------------------------------------------------------------------------
 * Workbooks.
 * ------------------------------------------------------------------------------------- */
typedef struct ws_book ws_book;

/* Safety limits for reading untrusted files.  ws_limits_default() fills the defaults;
 * raise a field to accept larger files. */
typedef struct ws_limits {
    uint64_t max_cells;             /* cells kept in a book (default 20,000,000: about
                                       650 MB; a row of Excel holds 16,384) */
    uint32_t max_rows;              /* 1,048,576 */
    uint32_t max_cols;              /* 16,384 */
    uint32_t max_text_bytes;        /* one cell's text (default 32,767 characters × 4) */
    uint64_t max_shared_strings;    /* default 10,000,000 */
    uint64_t max_entry_bytes;       /* uncompressed bytes of one zip entry (4 GiB) */
    uint64_t max_total_bytes;       /* uncompressed bytes read from one zip (8 GiB) */
    double min_inflate_ratio;       /* compressed/uncompressed, once an entry passes
                                       100 KiB (0.01, as Apache POI) */
    uint32_t max_zip_entries;       /* 1,000 */
    uint32_t max_formula_bytes;     /* 8,192 characters × 4 */
    uint32_t max_formula_depth;     /* 64 nesting levels */
} ws_limits;

void ws_limits_default(ws_limits *limits);

/* Open a workbook (.xlsx, .ods or .csv, chosen by content then extension) for reading.
 * `limits` may be NULL for the defaults.  The file is never modified.  Close with
 * ws_book_close(). */
ws_status ws_book_open(const char *path, const ws_limits *limits, ws_book **out);
/* A new, empty workbook.  Close with ws_book_close(). */
ws_status ws_book_new(ws_book **out);
void ws_book_close(ws_book *book);

size_t ws_book_sheet_count(const ws_book *book);
/* UTF-8 sheet name; NULL when the index is out of range. */
const char *ws_book_sheet_name(const ws_book *book, size_t sheet);
/* The index of a sheet by name (exact match first, then case-insensitive). */
ws_status ws_book_sheet_find(const ws_book *book, const char *name, size_t *out);

/* Read a range by reference: "B2:B40", "$B$2", "B:B" (bounded to the used rows),
 * "'売上 2024'!B2:B40".  An unqualified reference is read from sheet `sheet`.  Free the
 * result with ws_range_free(). */
ws_status ws_book_read(const ws_book *book, size_t sheet, const char *ref, ws_range **out);

/* Evaluate formula text ("=WS.DESCRIBE(B2:B40)", leading '=' optional) with unqualified
 * references on sheet `sheet`.  As ws_formula_call, a formula that fails on its data
 * gives WS_OK with an error range.  Free the result with ws_range_free(). */
ws_status ws_book_eval(const ws_book *book, size_t sheet, const char *formula,
                       ws_range **out);

/* What ws_book_run did, for messages and reports. */
typedef struct ws_run_stats {
    size_t evaluated;  /* WS.* formulas computed */
    size_t failed;     /* of those, how many gave an error value */
    size_t skipped;    /* formulas that are not ours: their cached values kept */
    size_t spilled;    /* array results spilled into empty cells */
    size_t blocked;    /* spills blocked by non-empty cells (#N/A written) */
} ws_run_stats;

/* Progress callback for long operations: `done` of `total` steps.  Return false to
 * cancel (the operation then fails with WS_ERR_ARGS and changes nothing it had not). */
typedef bool (*ws_progress_fn)(void *user, size_t done, size_t total);

/* Evaluate every WS.* formula of the book in place: each cell gets its computed value, an
 * array result fills its array-formula range or spills into empty cells.  Diagnostics
 * (skipped formulas, blocked spills) go to the log callback.  `progress` and `stats` may
 * be NULL. */
ws_status ws_book_run(ws_book *book, ws_progress_fn progress, void *user,
                      ws_run_stats *stats);

/* Append a new sheet holding `values` (NULL for an empty sheet) from its cell A1.  Its
 * index is written to *out (which may be NULL).  The name must be new. */
ws_status ws_book_add_sheet(ws_book *book, const char *name, const ws_range *values,
                            size_t *out);

/* Options for ws_book_save. */
typedef struct ws_save_options {
    bool values_only;      /* write WS.* results as plain values, not formulas */
    int64_t created_time;  /* document creation time (Unix seconds); 0 = now.  Fix it for
                              reproducible files. */
} ws_save_options;

/* Write the book as .xlsx to `path`: every sheet with values, formulas and their cached
 * results, number formats and column widths, plus tables and charts added by jobs.  The
 * file is written to a temporary name in the same folder and renamed when complete; on
 * failure nothing is left behind.  Writing over the file the book was read from is
 * refused.  `options` may be NULL. */
ws_status ws_book_save(const ws_book *book, const char *path, const ws_save_options *options);

/* ---------------------------------------------------------------------------------------
 * Jobs: whole analyses that add sheets with tables and charts to a book (forecast every
 * column of a range, simulate a plan, summarise comments).  Like formulas, jobs are rows
 * of one table; the CLI's options and help are generated from it.
 * ------------------------------------------------------------------------------------- */
typedef struct ws_job_option_info {
    const char *key;         /* "range" (the CLI spells it --range) */
    const char *value_name;  /* "REF" */
    const char *description; /* one line */
    const char *fallback;    /* the default as text, or NULL when required */
} ws_job_option_info;

typedef struct ws_job_info {
    const char *name;    /* "forecast" */
    const char *summary; /* one sentence */
    size_t option_count;
    const ws_job_option_info *options;
} ws_job_info;

size_t ws_job_count(void);
const ws_job_info *ws_job_at(size_t index);
const ws_job_info *ws_job_find(const char *name);

typedef struct ws_job_option {
    const char *key;
    const char *value;
} ws_job_option;

/* Run a job on the book, adding its sheets.  `sheet` is the sheet unqualified references
 * in the options refer to.  Unknown keys are WS_ERR_ARGS.  `progress` may be NULL. */
ws_status ws_book_job(ws_book *book, size_t sheet, const char *job,
                      const ws_job_option *options, size_t option_count,
                      ws_progress_fn progress, void *user);

/* ---------------------------------------------------------------------------------------
 * Reports: run a book's jobs and put a first sheet of headline figures in front of them.
 *
 * The jobs come from, in this order of precedence:
 *   1. options->jobs: lines such as "forecast range=Sales!B1:B157 dates=Sales!A1:A157
 *      horizon=13" (the job's name, then key=value options, separated by spaces; a space
 *      inside '...' or "..." does not separate, and double quotes are removed);
 *   2. a sheet named "worldsheet" in the book: one job per row, the job's name in column A
 *      and one key=value option per cell from column B on.  A first row whose A1 is "job"
 *      is a header; rows whose A cell starts with '#' are comments; blank rows are skipped;
 *   3. otherwise defaults: forecast the first numeric column of the first sheet that has a
 *      date column (with those dates), and summarise the first column of long texts.
 * A malformed row or line (an unknown job or option, a cell that is not key=value, a
 * missing required option) and a job that fails are reported through the log callback
 * with the row ("worldsheet!A3") or line number and skipped; the other jobs still run.
 * Unqualified references are on the first sheet other than "worldsheet" unless the job's
 * sheet=NAME option says otherwise.
 *
 * Afterwards the book's sheets are, in order: "Report" ("レポート" in Japanese) with the
 * headline figures in plain words and a chart each (next period's forecast and its range
 * against the same period a year earlier, from the first forecast job; the budget split
 * and expected uplift, from the first plan job; the share of positive and negative
 * comments and the top complaint topic, from the first summarize job); then the sheets
 * the jobs added, in job order; then the input sheets, unchanged.  Every new sheet has a
 * frozen header row and prints landscape, one page wide.
 *
 *     ws_report_stats stats;
 *     if (ws_book_report(book, NULL, NULL, NULL, &stats) == WS_OK && stats.jobs_failed == 0)
 *         ws_book_save(book, "report.xlsx", NULL);
 * ------------------------------------------------------------------------------------- */
typedef struct ws_report_options {
    const char *lang;               /* labels: "en" or "ja"; NULL or "" for the language of
                                       most comments of the first summarize job, else en */
    const char *const *jobs;        /* job lines (see above); when job_count > 0 they
                                       replace the book's "worldsheet" sheet */
    size_t job_count;
} ws_report_options;

typedef struct ws_report_stats {
    size_t jobs_total;  /* rows or lines found, malformed ones included */
    size_t jobs_done;   /* jobs that ran and added their sheets */
    size_t jobs_failed; /* malformed rows plus jobs that failed (each one logged) */
    bool defaults;      /* the jobs were chosen by default */
    char lang[4];       /* "en" or "ja": the language of the labels */
} ws_report_stats;

/* Make the report in `book` (see above).  `options`, `progress` (one step per job) and
 * `stats` may be NULL.  WS_OK once the Report sheet is made, even when some jobs failed
 * (stats->jobs_failed says how many); WS_ERR_NA when there is nothing to run (no job rows
 * and no default found), WS_ERR_VALUE for a `lang` other than en or ja, WS_ERR_ARGS when
 * cancelled.  On failure the book is as it was. */
ws_status ws_book_report(ws_book *book, const ws_report_options *options,
                         ws_progress_fn progress, void *user, ws_report_stats *stats);

#ifdef __cplusplus
}
#endif
#endif /* WORLDSHEET_H */
