/* ws_book_report: run the book's jobs, add the Report sheet, put the new sheets first and
 * set them up to print.  See include/worldsheet.h for the contract. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"
#include "report/report.h"

/* Print setup and frozen header of a sheet a job (or the report) added. */
static ws_status
report_setup_sheet(ws_book *book, size_t index)
{
    book_sheet *s = &book->sheets[index];
    s->landscape = true;
    s->fit_width = true;
    if (s->freeze_rows == 0 && s->row_count && s->rows[0].row == 0)
        s->freeze_rows = 1;
    if (s->width_count == 0 && s->row_count)
        return book_set_width(book, s, 0, s->max_col, 14);
    return WS_OK;
}

static const char *
report_title(const ws_book *book)
{
    if (!book->source_path)
        return "workbook";
    const char *slash = strrchr(book->source_path, '/');
    return slash ? slash + 1 : book->source_path;
}

ws_status
ws_book_report(ws_book *book, const ws_report_options *options, ws_progress_fn progress,
               void *user, ws_report_stats *stats)
{
    diag_clear();
    if (!book || book->sheet_count == 0)
        return diag_fail(WS_ERR_ARGS, "ws_book_report: no book, or a book without sheets");
    const char *lang_text = options && options->lang ? options->lang : "";
    if (*lang_text && strcmp(lang_text, "en") != 0 && strcmp(lang_text, "ja") != 0)
        return diag_fail(WS_ERR_VALUE, "report: lang '%s' is not en or ja", lang_text);
    size_t n0 = book->sheet_count, job_sheet = SIZE_MAX, dflt = 0;
    const book_sheet *js = book_find_sheet(book, REPORT_JOB_SHEET, strlen(REPORT_JOB_SHEET));
    if (js)
        job_sheet = (size_t)(js - book->sheets);
    if (job_sheet == 0 && n0 > 1)
        dflt = 1;

    report_jobs jobs;
    report_jobs_init(&jobs);
    report_done *done = NULL;
    ws_job_option *opts = NULL;
    ws_status st = WS_OK;
    bool defaults = false;
    if (options && options->job_count) {
        for (size_t i = 0; i < options->job_count && !st; i++) {
            char where[32];
            snprintf(where, sizeof where, "--job %zu", i + 1);
            st = report_jobs_add_line(&jobs, options->jobs[i] ? options->jobs[i] : "", where);
        }
    } else if (js) {
        st = report_jobs_add_sheet(&jobs, js);
    } else {
        st = report_jobs_add_defaults(&jobs, book, job_sheet);
        defaults = true;
    }
    if (st)
        goto fail;
    if (jobs.count == 0 && jobs.malformed == 0) {
        st = diag_fail(WS_ERR_NA,
                       "report: nothing to run: the book has no '%s' sheet (one job per row), "
                       "no job was given, and no sheet has a date column with numbers beside "
                       "it or a column of comments",
                       REPORT_JOB_SHEET);
        goto fail;
    }
    report_lang lang = strcmp(lang_text, "ja") == 0   ? REPORT_JA
                       : strcmp(lang_text, "en") == 0 ? REPORT_EN
                                                      : report_detect_lang(book, &jobs, dflt);
    const char *lang_code = lang == REPORT_JA ? "ja" : "en";
    if (jobs.count && !(done = mem_calloc(jobs.count, sizeof *done))) {
        st = diag_nomem();
        goto fail;
    }
    size_t failed = jobs.malformed, ran = 0;
    for (size_t i = 0; i < jobs.count; i++) {
        const report_job *job = &jobs.items[i];
        /* The summarize job's labels follow the report's language unless the row says. */
        bool has_lang = false, takes_lang = false;
        for (size_t k = 0; k < job->info->option_count; k++)
            takes_lang |= strcmp(job->info->options[k].key, "lang") == 0;
        for (size_t k = 0; k < job->count; k++)
            has_lang |= strcmp(job->opts[k].key, "lang") == 0;
        mem_free(opts);
        if (!(opts = mem_calloc(job->count + 1, sizeof *opts))) {
            st = diag_nomem();
            goto fail;
        }
        memcpy(opts, job->opts, job->count * sizeof *opts);
        size_t nopts = job->count;
        if (takes_lang && !has_lang)
            opts[nopts++] = (ws_job_option){"lang", lang_code};
        size_t before = book->sheet_count;
        st = ws_book_job(book, dflt, job->info->name, opts, nopts, NULL, NULL);
        done[i].job = job;
        if (st == WS_ERR_NOMEM)
            goto fail;
        if (st) {
            const char *reason = ws_last_reason();
            diag_warn("%s (%s): %s; skipped", job->where, job->info->name, reason);
            done[i].reason = arena_strndup(&jobs.strings, reason, strlen(reason));
            book_drop_sheets(book, before);
            failed++;
            st = WS_OK;
        } else {
            done[i].ok = true;
            ran++;
        }
        if (progress && !progress(user, i + 1, jobs.count + 1)) {
            st = diag_fail(WS_ERR_ARGS, "report: cancelled");
            goto fail;
        }
    }
    size_t report = 0;
    if ((st = report_write_sheet(book, done, jobs.count, dflt, lang, report_title(book),
                                 &report)))
        goto fail;
    for (size_t i = n0; i < book->sheet_count; i++)
        if ((st = report_setup_sheet(book, i)))
            goto fail;
    /* Report first, then the jobs' sheets in the order they were added, then the input. */
    size_t added = book->sheet_count - n0 - 1;
    book_move_sheet(book, report, 0);
    for (size_t k = 0; k < added; k++)
        book_move_sheet(book, n0 + 1 + k, 1 + k);
    if (progress)
        progress(user, jobs.count + 1, jobs.count + 1);
    if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->jobs_total = jobs.count + jobs.malformed;
        stats->jobs_done = ran;
        stats->jobs_failed = failed;
        stats->defaults = defaults;
        snprintf(stats->lang, sizeof stats->lang, "%s", lang_code);
    }
    diag_clear();
    mem_free(opts);
    mem_free(done);
    report_jobs_clear(&jobs);
    return WS_OK;
fail:
    book_drop_sheets(book, n0);
    mem_free(opts);
    mem_free(done);
    report_jobs_clear(&jobs);
    return st;
}
