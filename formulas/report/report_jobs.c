/* Which jobs a report runs: rows of the "worldsheet" sheet, job lines, or defaults.
 *
 * A malformed row is never guessed at: it is logged with its place and skipped, so a typo
 * in an option name cannot silently run a job with a default the user did not choose. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/diag.h"
#include "core/mem.h"
#include "report/report.h"
#include "text/text.h"

#define REPORT_MAX_PAIRS 64

void
report_jobs_init(report_jobs *jobs)
{
    memset(jobs, 0, sizeof *jobs);
    arena_init(&jobs->strings);
}

void
report_jobs_clear(report_jobs *jobs)
{
    if (!jobs)
        return;
    mem_free(jobs->items);
    arena_clear(&jobs->strings);
    memset(jobs, 0, sizeof *jobs);
}

const char *
report_job_option(const report_job *job, const char *key)
{
    for (size_t i = job->count; i-- > 0;)
        if (strcmp(job->opts[i].key, key) == 0)
            return job->opts[i].value;
    for (size_t i = 0; i < job->info->option_count; i++)
        if (strcmp(job->info->options[i].key, key) == 0)
            return job->info->options[i].fallback;
    return NULL;
}

/* "forecast, simulate, plan, summarize" */
static void
rj_job_names(char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ws_job_count() && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                                 ws_job_at(i)->name);
}

static void
rj_option_names(const ws_job_info *info, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < info->option_count && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                                 info->options[i].key);
}

static void
rj_skip(report_jobs *jobs, const char *where, const char *fmt, const char *a, const char *b)
{
    char msg[DIAG_REASON_MAX];
    snprintf(msg, sizeof msg, fmt, a, b);
    diag_warn("%s: %s; skipped", where, msg);
    jobs->malformed++;
}

typedef struct rj_pair {
    const char *text; /* "key=value" */
    size_t len;
    const char *where; /* the cell, for messages */
} rj_pair;

/* Check a job and its pairs and append it; a malformed one is logged and counted. */
static ws_status
rj_add(report_jobs *jobs, const char *kind, size_t kind_len, const rj_pair *pairs, size_t n,
       const char *where, const char *kind_where)
{
    char name[64], list[512];
    snprintf(name, sizeof name, "%.*s", (int)(kind_len < 63 ? kind_len : 63), kind);
    const ws_job_info *info = ws_job_find(name);
    if (!info || kind_len >= sizeof name) {
        rj_job_names(list, sizeof list);
        rj_skip(jobs, kind_where, "'%s' is not a job; the jobs are %s", name, list);
        return WS_OK;
    }
    ws_job_option *opts = n ? arena_alloc(&jobs->strings, n * sizeof *opts) : NULL;
    if (n && !opts)
        return diag_nomem();
    for (size_t i = 0; i < n; i++) {
        const char *eq = memchr(pairs[i].text, '=', pairs[i].len);
        if (!eq || eq == pairs[i].text) {
            char shown[80];
            snprintf(shown, sizeof shown, "%.*s", (int)(pairs[i].len < 79 ? pairs[i].len : 79),
                     pairs[i].text);
            rj_skip(jobs, pairs[i].where, "'%s' is not key=value (e.g. %s=...)", shown,
                    info->options[0].key);
            return WS_OK;
        }
        size_t klen = (size_t)(eq - pairs[i].text);
        while (klen > 0 && (pairs[i].text[klen - 1] == ' ' || pairs[i].text[klen - 1] == '\t'))
            klen--;
        const char *v = eq + 1, *end = pairs[i].text + pairs[i].len;
        while (v < end && (*v == ' ' || *v == '\t'))
            v++;
        while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        char *key = arena_strndup(&jobs->strings, pairs[i].text, klen);
        char *value = arena_strndup(&jobs->strings, v, (size_t)(end - v));
        if (!key || !value)
            return diag_nomem();
        bool known = false;
        for (size_t k = 0; k < info->option_count; k++)
            known |= strcmp(info->options[k].key, key) == 0;
        if (!known) {
            rj_option_names(info, list, sizeof list);
            char fmt[64];
            snprintf(fmt, sizeof fmt, "'%%s' is not an option of %s; its options are %%s",
                     info->name);
            rj_skip(jobs, pairs[i].where, fmt, key, list);
            return WS_OK;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(opts[j].key, key) == 0) {
                rj_skip(jobs, pairs[i].where, "%s is given twice%s", key, "");
                return WS_OK;
            }
        opts[i] = (ws_job_option){key, value};
    }
    for (size_t k = 0; k < info->option_count; k++) {
        if (info->options[k].fallback)
            continue;
        bool given = false;
        for (size_t i = 0; i < n; i++)
            given |= strcmp(opts[i].key, info->options[k].key) == 0 && opts[i].value[0];
        if (!given) {
            char need[96];
            snprintf(need, sizeof need, "%s=%s", info->options[k].key,
                     info->options[k].value_name);
            rj_skip(jobs, where, "%s needs %s", info->name, need);
            return WS_OK;
        }
    }
    if (mem_grow((void **)&jobs->items, &jobs->cap, jobs->count + 1, sizeof *jobs->items))
        return diag_nomem();
    const char *w = arena_strndup(&jobs->strings, where, strlen(where));
    if (!w)
        return diag_nomem();
    jobs->items[jobs->count++] = (report_job){info, opts, n, w};
    return WS_OK;
}

ws_status
report_jobs_add_line(report_jobs *jobs, const char *line, const char *where)
{
    /* Split on blanks outside quotes.  Single quotes stay: they belong to sheet names in
     * references ('Sales 2024'!B2).  Double quotes only group, and are removed. */
    size_t n = strlen(line);
    char *buf = arena_alloc(&jobs->strings, n + 1);
    if (!buf)
        return diag_nomem();
    rj_pair pairs[REPORT_MAX_PAIRS];
    const char *kind = NULL;
    size_t kind_len = 0, count = 0, used = 0;
    char quote = 0;
    size_t i = 0;
    while (i < n) {
        while (i < n && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i >= n)
            break;
        size_t start = used;
        for (; i < n && (quote || (line[i] != ' ' && line[i] != '\t')); i++) {
            char c = line[i];
            if (quote && c == quote) {
                quote = 0;
                if (c == '"')
                    continue;
            } else if (!quote && (c == '\'' || c == '"')) {
                quote = c;
                if (c == '"')
                    continue;
            }
            buf[used++] = c;
        }
        if (!kind) {
            kind = buf + start;
            kind_len = used - start;
        } else if (count == REPORT_MAX_PAIRS) {
            rj_skip(jobs, where, "more than %s options%s", "64", "");
            return WS_OK;
        } else {
            pairs[count++] = (rj_pair){buf + start, used - start, where};
        }
        buf[used++] = '\0';
    }
    if (quote) {
        char q[2] = {quote, 0};
        rj_skip(jobs, where, "a %s quote is not closed%s", q, "");
        return WS_OK;
    }
    if (!kind) {
        rj_skip(jobs, where, "the line is empty%s%s", "", "");
        return WS_OK;
    }
    return rj_add(jobs, kind, kind_len, pairs, count, where, where);
}

ws_status
report_jobs_add_sheet(report_jobs *jobs, const book_sheet *sheet)
{
    char where[48], cell[16], cells[REPORT_MAX_PAIRS][48];
    rj_pair pairs[REPORT_MAX_PAIRS];
    for (size_t r = 0; r < sheet->row_count; r++) {
        const book_row *row = &sheet->rows[r];
        if (row->count == 0)
            continue;
        const book_cell *a = row->cells[0].col == 0 ? &row->cells[0] : NULL;
        bool blank = true;
        for (size_t c = 0; c < row->count; c++)
            blank &= row->cells[c].value.type == WS_TYPE_EMPTY;
        if (blank)
            continue;
        book_cell_name(row->row, 0, cell);
        snprintf(where, sizeof where, "%s!%s", REPORT_JOB_SHEET, cell);
        const char *kind = a && a->value.type == WS_TYPE_TEXT ? a->value.as.text : NULL;
        if (kind && kind[0] == '#')
            continue;
        if (row->row == 0 && kind && (strcasecmp(kind, "job") == 0 || strcmp(kind, "ジョブ") == 0))
            continue;
        if (!kind) {
            rj_skip(jobs, where, "column A must name the job (%s)", "forecast, plan, ...", "");
            continue;
        }
        size_t n = 0;
        bool bad = false;
        for (size_t c = a ? 1 : 0; c < row->count && !bad; c++) {
            const book_cell *bc = &row->cells[c];
            if (bc->value.type == WS_TYPE_EMPTY)
                continue;
            char name[16], prefixed[48];
            book_cell_name(row->row, bc->col, name);
            snprintf(prefixed, sizeof prefixed, "%s!%s", REPORT_JOB_SHEET, name);
            if (bc->value.type != WS_TYPE_TEXT) {
                char shown[48];
                if (bc->value.type == WS_TYPE_NUMBER)
                    snprintf(shown, sizeof shown, "%.15g", bc->value.as.number);
                else
                    snprintf(shown, sizeof shown, "%s",
                             bc->value.type == WS_TYPE_BOOL ? "a boolean" : "an error value");
                rj_skip(jobs, prefixed, "%s is not key=value text (e.g. horizon=13)%s", shown,
                        "");
                bad = true;
                break;
            }
            if (n == REPORT_MAX_PAIRS) {
                rj_skip(jobs, where, "more than %s options%s", "64", "");
                bad = true;
                break;
            }
            snprintf(cells[n], sizeof cells[n], "%s", prefixed);
            pairs[n] = (rj_pair){bc->value.as.text, strlen(bc->value.as.text), cells[n]};
            n++;
        }
        if (bad)
            continue;
        /* Trim the name: "forecast " typed in a cell is still the forecast job. */
        size_t klen = strlen(kind);
        while (klen && (kind[klen - 1] == ' ' || kind[klen - 1] == '\t'))
            klen--;
        while (klen && (*kind == ' ' || *kind == '\t')) {
            kind++;
            klen--;
        }
        ws_status st = rj_add(jobs, kind, klen, pairs, n, where, where);
        if (st)
            return st;
    }
    return WS_OK;
}

/* ----- defaults ----- */

/* 'Sheet name'!B1:B157, quoting always (a quote inside the name is doubled). */
static void
rj_ref(const char *sheet, uint32_t col, uint32_t row0, uint32_t row1, char *out, size_t cap)
{
    char c0[16], c1[16];
    size_t used = 0;
    book_cell_name(row0, col, c0);
    book_cell_name(row1, col, c1);
    if (used < cap)
        out[used++] = '\'';
    for (const char *p = sheet; *p && used + 2 < cap; p++) {
        if (*p == '\'')
            out[used++] = '\'';
        out[used++] = *p;
    }
    snprintf(out + used, cap - used, "'!%s:%s", c0, c1);
}

typedef struct rj_colstat {
    uint32_t numbers, dates, texts, others;
    uint32_t first, last; /* rows holding a value, below the header */
    uint64_t text_chars;  /* code points of the texts */
} rj_colstat;

static size_t
rj_codepoints(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Statistics of column `col` below the header row. */
static void
rj_column(const ws_book *book, const book_sheet *sheet, uint32_t col, rj_colstat *st)
{
    memset(st, 0, sizeof *st);
    st->first = UINT32_MAX;
    for (size_t r = 0; r < sheet->row_count; r++) {
        const book_row *row = &sheet->rows[r];
        if (row->row == 0)
            continue;
        const book_cell *c = book_cell_at(sheet, row->row, col);
        if (!c || c->value.type == WS_TYPE_EMPTY)
            continue;
        if (c->value.type == WS_TYPE_NUMBER) {
            if (book_format_is_date(book, c->fmt))
                st->dates++;
            else
                st->numbers++;
        } else if (c->value.type == WS_TYPE_TEXT) {
            st->texts++;
            st->text_chars += rj_codepoints(c->value.as.text);
        } else {
            st->others++;
        }
        if (st->first == UINT32_MAX)
            st->first = row->row;
        st->last = row->row;
    }
}

#define RJ_MIN_POINTS 8u
#define RJ_MIN_TEXTS 5u
#define RJ_MIN_TEXT_CHARS 12u

static ws_status
rj_default(report_jobs *jobs, const char *kind, const char *k1, const char *v1,
           const char *k2, const char *v2)
{
    size_t n = k2 ? 2 : 1;
    char pair1[600], pair2[600];
    snprintf(pair1, sizeof pair1, "%s=%s", k1, v1);
    rj_pair pairs[2] = {{pair1, strlen(pair1), "default"}, {NULL, 0, "default"}};
    if (k2) {
        snprintf(pair2, sizeof pair2, "%s=%s", k2, v2);
        pairs[1] = (rj_pair){pair2, strlen(pair2), "default"};
    }
    diag_info("report: no %s sheet: running %s %s%s%s", REPORT_JOB_SHEET, kind, pair1,
              k2 ? " " : "", k2 ? pair2 : "");
    return rj_add(jobs, kind, strlen(kind), pairs, n, "default", "default");
}

ws_status
report_jobs_add_defaults(report_jobs *jobs, const ws_book *book, size_t skip)
{
    bool forecast = false, summarize = false;
    char ref1[512], ref2[512];
    ws_status st;
    for (size_t s = 0; s < book->sheet_count && !(forecast && summarize); s++) {
        const book_sheet *sheet = &book->sheets[s];
        if (s == skip || sheet->row_count == 0)
            continue;
        uint32_t cols = sheet->max_col + 1 < 256 ? sheet->max_col + 1 : 256;
        int date_col = -1;
        for (uint32_t c = 0; c < cols && !forecast; c++) {
            rj_colstat cs;
            rj_column(book, sheet, c, &cs);
            uint32_t filled = cs.numbers + cs.dates + cs.texts + cs.others;
            if (date_col < 0 && cs.dates >= RJ_MIN_POINTS && cs.dates * 5 >= filled * 4) {
                date_col = (int)c;
                c = (uint32_t)-1; /* look for the numbers from column A again */
                continue;
            }
            if (date_col >= 0 && (int)c != date_col && cs.numbers >= RJ_MIN_POINTS &&
                cs.numbers * 5 >= filled * 4) {
                rj_colstat ds;
                rj_column(book, sheet, (uint32_t)date_col, &ds);
                uint32_t last = cs.last > ds.last ? cs.last : ds.last;
                rj_ref(sheet->name, c, 0, last, ref1, sizeof ref1);
                rj_ref(sheet->name, (uint32_t)date_col, 0, last, ref2, sizeof ref2);
                if ((st = rj_default(jobs, "forecast", "range", ref1, "dates", ref2)))
                    return st;
                forecast = true;
            }
        }
        for (uint32_t c = 0; c < cols && !summarize; c++) {
            rj_colstat cs;
            rj_column(book, sheet, c, &cs);
            if (cs.texts < RJ_MIN_TEXTS || cs.text_chars < (uint64_t)RJ_MIN_TEXT_CHARS * cs.texts)
                continue;
            /* Mostly texts over the rows they span: a column of scattered labels (a
             * dashboard's captions) is not a column of comments. */
            uint32_t span = cs.last - cs.first + 1;
            if (cs.texts * 5 < span * 3)
                continue;
            rj_ref(sheet->name, c, 0, cs.last, ref1, sizeof ref1);
            if ((st = rj_default(jobs, "summarize", "range", ref1, NULL, NULL)))
                return st;
            summarize = true;
        }
    }
    return WS_OK;
}

report_lang
report_detect_lang(const ws_book *book, const report_jobs *jobs, size_t default_sheet)
{
    for (size_t j = 0; j < jobs->count; j++) {
        const report_job *job = &jobs->items[j];
        if (strcmp(job->info->name, "summarize") != 0)
            continue;
        size_t sheet = default_sheet, en = 0, ja = 0;
        const char *sname = report_job_option(job, "sheet");
        if (sname && *sname && ws_book_sheet_find(book, sname, &sheet) != WS_OK)
            return REPORT_EN;
        ws_range *texts = NULL;
        const char *ref = report_job_option(job, "range");
        if (!ref || ws_book_read(book, sheet, ref, &texts) != WS_OK)
            return REPORT_EN;
        for (size_t i = 0; i < ws_range_rows(texts); i++)
            for (size_t c = 0; c < ws_range_cols(texts); c++) {
                const char *t = ws_range_text_at(texts, i, c);
                txt_lang l = *t ? txt_detect(t, strlen(t)) : TXT_LANG_NONE;
                ja += l == TXT_LANG_JA;
                en += l == TXT_LANG_EN;
            }
        ws_range_free(texts);
        return ja > en ? REPORT_JA : REPORT_EN;
    }
    return REPORT_EN;
}
