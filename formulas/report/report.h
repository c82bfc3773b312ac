/* The report: which jobs to run (from a "worldsheet" sheet, from job lines, or chosen by
 * default), and the Report sheet of headline figures built from their inputs.  The public
 * entry point is ws_book_report (include/worldsheet.h); this is the internal API behind it.
 *
 * The headline figures are computed with the formulas (WS.FORECAST_PI, WS.PLAN,
 * WS.SENTIMENT_LABEL, WS.TOPIC) on the same inputs and options as the jobs, rather than
 * read back from the sheets the jobs wrote: the formulas' results have a documented,
 * stable shape, while a job's sheet layout and labels may change (or be translated). */
#ifndef WS_REPORT_REPORT_H
#define WS_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "io/book.h"
#include "worldsheet.h"

/* The name of the sheet that lists a book's jobs. */
#define REPORT_JOB_SHEET "worldsheet"

typedef struct report_job {
    const ws_job_info *info;
    ws_job_option *opts; /* keys and values in the list's arena */
    size_t count;
    const char *where; /* "worldsheet!A3", "--job 2" or "default", for messages */
} report_job;

typedef struct report_jobs {
    report_job *items;
    size_t count, cap;
    size_t malformed; /* rows or lines skipped (each logged) */
    arena strings;
} report_jobs;

void report_jobs_init(report_jobs *jobs);
void report_jobs_clear(report_jobs *jobs);

/* Parse one job line ("forecast range=Sales!B1:B157 horizon=13").  A malformed line is
 * logged as a warning naming `where`, counted in jobs->malformed and skipped: WS_OK.
 * Only running out of memory fails. */
ws_status report_jobs_add_line(report_jobs *jobs, const char *line, const char *where);
/* Parse the rows of the job sheet (see worldsheet.h for its layout), same rules. */
ws_status report_jobs_add_sheet(report_jobs *jobs, const book_sheet *sheet);
/* The default jobs for a book without job rows: forecast the first numeric column of the
 * first sheet with a date column, summarise the first column of long texts.  Sheet
 * `skip` (the job sheet, or SIZE_MAX) is not looked at.  Adds nothing when nothing fits. */
ws_status report_jobs_add_defaults(report_jobs *jobs, const ws_book *book, size_t skip);

/* The value of option `key` of a job (its own, else the job's default), or NULL. */
const char *report_job_option(const report_job *job, const char *key);

typedef enum report_lang { REPORT_EN = 0, REPORT_JA = 1 } report_lang;

/* The language of most texts of the first summarize job's range, or REPORT_EN. */
report_lang report_detect_lang(const ws_book *book, const report_jobs *jobs,
                               size_t default_sheet);

/* One job as the Report sheet sees it: the job and whether it ran. */
typedef struct report_done {
    const report_job *job;
    bool ok;
    const char *reason; /* why it failed, or NULL */
} report_done;

/* Add the Report sheet (appended; the caller moves it to the front) with a section per
 * headline: from the first forecast, plan and summarize job that ran.  A headline that
 * cannot be computed says why in its section and in a warning.  `title` is the book's
 * name for the first line. */
ws_status report_write_sheet(ws_book *book, const report_done *done, size_t count,
                             size_t default_sheet, report_lang lang, const char *title,
                             size_t *sheet_out);

#endif
