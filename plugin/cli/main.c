/* The worldsheet command.  It uses only the public API; its help comes from the formula
 * and job tables, never from a list kept here.
 *
 * Exit status: 0 done (even when a cell holds an error value), 1 usage, 2 unreadable input
 * or unwritable output. */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "worldsheet.h"

enum { EXIT_DONE = 0, EXIT_USAGE = 1, EXIT_IO = 2 };

static const char *program = "worldsheet";

static void
usage(FILE *to)
{
    fprintf(to,
            "usage:\n"
            "  %s calc [-w BOOK] [--sheet NAME] FORMULA   evaluate one formula, print TSV\n"
            "  %s run BOOK -o OUT.xlsx [--values]         evaluate every WS.* formula\n",
            program, program);
    for (size_t i = 0; i < ws_job_count(); i++) {
        const ws_job_info *job = ws_job_at(i);
        int pad = 20 - (int)strlen(job->name);
        fprintf(to, "  %s %s BOOK [options] -o OUT.xlsx%*s%s\n", program, job->name,
                pad > 1 ? pad : 1, "", job->summary);
    }
    fprintf(to, "  %s report BOOK|DIR -o OUT [options]         a report workbook (--help)\n",
            program);
    fprintf(to,
            "  %s functions                               list the formulas\n"
            "  %s help NAME                               help for a formula or a job\n"
            "\n"
            "BOOK is .xlsx, .ods or .csv; it is never modified.  OUT holds every sheet of BOOK\n"
            "plus the new ones.  Options for reading untrusted files: --max-cells N,\n"
            "--max-rows N, --max-cols N, --max-text N, --max-shared-strings N,\n"
            "--max-zip-ratio R, --max-entry-bytes N, --max-total-bytes N, --max-zip-entries N,\n"
            "--max-formula-bytes N, --max-formula-depth N.  --version prints the version.\n",
            program, program);
}

static void
log_to_stderr(void *user, int level, const char *message)
{
    (void)user;
    fprintf(stderr, "%s: %s%s\n", program, level ? "warning: " : "", message);
}

typedef struct progress_state {
    const char *what;
    bool tty;
} progress_state;

static bool
show_progress(void *user, size_t done, size_t total)
{
    const progress_state *ps = user;
    if (!ps->tty || total < 2)
        return true;
    int width = 30;
    int filled = (int)((double)done / (double)total * width);
    fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu", ps->what, filled,
            "##############################", width - filled, "", done, total);
    if (done == total)
        fputc('\n', stderr);
    return true;
}

static void
print_value(const ws_range *r, size_t row, size_t col)
{
    switch (ws_range_type_at(r, row, col)) {
    case WS_TYPE_EMPTY: break;
    case WS_TYPE_NUMBER: printf("%.15g", ws_range_number_at(r, row, col)); break;
    case WS_TYPE_TEXT: fputs(ws_range_text_at(r, row, col), stdout); break;
    case WS_TYPE_BOOL: fputs(ws_range_bool_at(r, row, col) ? "TRUE" : "FALSE", stdout); break;
    case WS_TYPE_ERROR: fputs(ws_cell_error_str(ws_range_error_at(r, row, col)), stdout); break;
    }
}

static bool
parse_u64(const char *text, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (!*text || *end || text[0] == '-')
        return false;
    *out = v;
    return true;
}

int
take_common(int argc, char **argv, int *i, common_opts *o)
{
    const char *a = argv[*i];
    const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    static const char *const with_value[] = {
        "-o", "--sheet", "--max-cells", "--max-rows", "--max-cols", "--max-text",
        "--max-zip-ratio", "--max-entry-bytes", "--max-formula-depth", "-w",
        "--max-total-bytes", "--max-shared-strings", "--max-zip-entries", "--max-formula-bytes"};
    bool needs_value = false;
    for (size_t k = 0; k < sizeof with_value / sizeof with_value[0]; k++)
        needs_value |= strcmp(a, with_value[k]) == 0;
    if (strcmp(a, "--values") == 0) {
        o->values_only = true;
        return 1;
    }
    if (!needs_value)
        return 0;
    if (!v) {
        fprintf(stderr, "%s: %s needs a value\n", program, a);
        return -1;
    }
    uint64_t n = 0;
    bool ok = true;
    if (strcmp(a, "-o") == 0)
        o->out = v;
    else if (strcmp(a, "--sheet") == 0)
        o->sheet = v;
    else if (strcmp(a, "-w") == 0)
        return 0; /* calc's own */
    else if (strcmp(a, "--max-zip-ratio") == 0) {
        char *end;
        o->limits.min_inflate_ratio = strtod(v, &end);
        ok = *v && !*end && o->limits.min_inflate_ratio >= 0;
    } else if ((ok = parse_u64(v, &n))) {
        if (strcmp(a, "--max-cells") == 0)
            o->limits.max_cells = n;
        else if (strcmp(a, "--max-rows") == 0)
            o->limits.max_rows = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        else if (strcmp(a, "--max-cols") == 0)
            o->limits.max_cols = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        else if (strcmp(a, "--max-text") == 0)
            o->limits.max_text_bytes = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        else if (strcmp(a, "--max-entry-bytes") == 0)
            o->limits.max_entry_bytes = n;
        else if (strcmp(a, "--max-total-bytes") == 0)
            o->limits.max_total_bytes = n;
        else if (strcmp(a, "--max-shared-strings") == 0)
            o->limits.max_shared_strings = n;
        else if (strcmp(a, "--max-zip-entries") == 0)
            o->limits.max_zip_entries = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        else if (strcmp(a, "--max-formula-bytes") == 0)
            o->limits.max_formula_bytes = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        else
            o->limits.max_formula_depth = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
    }
    if (!ok) {
        fprintf(stderr, "%s: %s: '%s' is not a valid number\n", program, a, v);
        return -1;
    }
    (*i)++;
    return 1;
}

/* The library names a limit by its ws_limits field; tell the user the flag that raises
 * it.  Call right after printing ws_last_reason() for a WS_ERR_LIMIT. */
static void
limit_hint(void)
{
    static const char *const names[][2] = {
        {"max_cells", "--max-cells N"},
        {"max_rows", "--max-rows N"},
        {"max_cols", "--max-cols N"},
        {"max_text_bytes", "--max-text N"},
        {"max_shared_strings", "--max-shared-strings N"},
        {"max_entry_bytes", "--max-entry-bytes N"},
        {"max_total_bytes", "--max-total-bytes N"},
        {"min_inflate_ratio", "--max-zip-ratio R (a smaller R, 0 to turn the check off)"},
        {"max_zip_entries", "--max-zip-entries N"},
        {"max_formula_bytes", "--max-formula-bytes N"},
        {"max_formula_depth", "--max-formula-depth N"}};
    const char *reason = ws_last_reason();
    const char *sep = "";
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strstr(reason, names[k][0])) {
            if (!*sep)
                fprintf(stderr, "%s: this is a safety limit for untrusted files; if you trust "
                                "this one, raise it with ",
                        program);
            fprintf(stderr, "%s%s", sep, names[k][1]);
            sep = " or ";
        }
    if (*sep)
        fputc('\n', stderr);
}

static int
open_book(const char *path, const common_opts *o, ws_book **book, size_t *sheet)
{
    ws_status st = ws_book_open(path, &o->limits, book);
    if (st != WS_OK) {
        fprintf(stderr, "%s: %s\n", program, ws_last_reason());
        if (st == WS_ERR_LIMIT)
            limit_hint();
        return EXIT_IO;
    }
    *sheet = 0;
    if (o->sheet && ws_book_sheet_find(*book, o->sheet, sheet) != WS_OK) {
        fprintf(stderr, "%s: %s: %s\n", program, path, ws_last_reason());
        ws_book_close(*book);
        *book = NULL;
        return EXIT_USAGE;
    }
    return EXIT_DONE;
}

static int
save_book(const ws_book *book, const common_opts *o)
{
    ws_save_options save = {.values_only = o->values_only};
    const char *fixed = getenv("WORLDSHEET_CREATED_TIME"); /* reproducible files in tests */
    if (fixed)
        save.created_time = strtoll(fixed, NULL, 10);
    /* A big book takes seconds to write (10,000 forecast series: about 5): say so on a
     * terminal, after the progress bar has reached its end. */
    bool tty = isatty(2) != 0;
    if (tty)
        fprintf(stderr, "writing %s ...", o->out);
    ws_status st = ws_book_save(book, o->out, &save);
    if (tty)
        fprintf(stderr, st == WS_OK ? " done\n" : "\n");
    if (st != WS_OK) {
        fprintf(stderr, "%s: %s\n", program, ws_last_reason());
        return EXIT_IO;
    }
    return EXIT_DONE;
}

static int
cmd_calc(int argc, char **argv)
{
    common_opts o = {0};
    ws_limits_default(&o.limits);
    const char *book_path = NULL, *formula = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-w") == 0 && i + 1 < argc) {
            book_path = argv[++i];
            continue;
        }
        int taken = take_common(argc, argv, &i, &o);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken)
            continue;
        if (formula) {
            fprintf(stderr, "%s calc: one formula only (quote it)\n", program);
            return EXIT_USAGE;
        }
        formula = argv[i];
    }
    if (!formula) {
        fprintf(stderr, "%s calc: which formula? e.g. %s calc '=WS.DESCRIBE({1;2;3})'\n",
                program, program);
        return EXIT_USAGE;
    }
    ws_book *book = NULL;
    size_t sheet = 0;
    if (book_path) {
        int rc = open_book(book_path, &o, &book, &sheet);
        if (rc)
            return rc;
    } else if (ws_book_new(&book) || ws_book_add_sheet(book, "Sheet1", NULL, NULL)) {
        fprintf(stderr, "%s: %s\n", program, ws_last_reason());
        ws_book_close(book);
        return EXIT_IO;
    }
    ws_range *result = NULL;
    ws_status st = ws_book_eval(book, sheet, formula, &result);
    int rc = EXIT_DONE;
    if (st != WS_OK) {
        fprintf(stderr, "%s: %s\n", program, ws_last_reason());
        if (st == WS_ERR_LIMIT)
            limit_hint();
        rc = st == WS_ERR_SYNTAX || st == WS_ERR_LIMIT ? EXIT_USAGE : EXIT_IO;
    } else {
        for (size_t r = 0; r < ws_range_rows(result); r++) {
            for (size_t c = 0; c < ws_range_cols(result); c++) {
                if (c)
                    putchar('\t');
                print_value(result, r, c);
                if (ws_range_type_at(result, r, c) == WS_TYPE_ERROR &&
                    *ws_range_reason_at(result, r, c))
                    fprintf(stderr, "%s: %s\n", program, ws_range_reason_at(result, r, c));
            }
            putchar('\n');
        }
    }
    ws_range_free(result);
    ws_book_close(book);
    return rc;
}

static int
cmd_run(int argc, char **argv)
{
    common_opts o = {0};
    ws_limits_default(&o.limits);
    const char *in = NULL;
    for (int i = 0; i < argc; i++) {
        int taken = take_common(argc, argv, &i, &o);
        if (taken < 0)
            return EXIT_USAGE;
        if (taken)
            continue;
        if (argv[i][0] == '-' || in) {
            fprintf(stderr, "%s run: unexpected '%s'\n", program, argv[i]);
            return EXIT_USAGE;
        }
        in = argv[i];
    }
    if (!in || !o.out) {
        fprintf(stderr, "%s run: usage: %s run BOOK -o OUT.xlsx [--values]\n", program,
                program);
        return EXIT_USAGE;
    }
    ws_book *book = NULL;
    size_t sheet;
    int rc = open_book(in, &o, &book, &sheet);
    if (rc)
        return rc;
    progress_state ps = {"evaluating", isatty(2) != 0};
    ws_run_stats stats = {0};
    if (ws_book_run(book, show_progress, &ps, &stats) != WS_OK) {
        fprintf(stderr, "%s: %s: %s\n", program, in, ws_last_reason());
        ws_book_close(book);
        return EXIT_IO;
    }
    rc = save_book(book, &o);
    if (rc == EXIT_DONE)
        fprintf(stderr,
                "%s: %s -> %s: %zu formulas evaluated (%zu with errors), %zu not ours kept, "
                "%zu spilled, %zu blocked\n",
                program, in, o.out, stats.evaluated, stats.failed, stats.skipped,
                stats.spilled, stats.blocked);
    ws_book_close(book);
    return rc;
}

static int
cmd_job(const ws_job_info *job, int argc, char **argv)
{
    common_opts o = {0};
    ws_limits_default(&o.limits);
    const char *in = NULL;
    ws_job_option *opts = calloc((size_t)argc + 1, sizeof *opts);
    size_t n = 0;
    int rc = EXIT_USAGE;
    if (!opts)
        return EXIT_IO;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        /* A job's own option wins over a common one of the same name (--sheet). */
        bool own = false;
        if (strncmp(a, "--", 2) == 0)
            for (size_t k = 0; k < job->option_count; k++)
                own |= strncmp(a + 2, job->options[k].key, strlen(job->options[k].key)) == 0 &&
                       (a[2 + strlen(job->options[k].key)] == '\0' ||
                        a[2 + strlen(job->options[k].key)] == '=');
        if (!own) {
            int taken = take_common(argc, argv, &i, &o);
            if (taken < 0)
                goto done;
            if (taken)
                continue;
        }
        if (strncmp(a, "--", 2) == 0) {
            const char *eq = strchr(a, '=');
            if (eq) {
                argv[i][eq - a] = '\0';
                opts[n++] = (ws_job_option){a + 2, eq + 1};
            } else if (i + 1 < argc) {
                opts[n++] = (ws_job_option){a + 2, argv[++i]};
            } else {
                fprintf(stderr, "%s %s: %s needs a value\n", program, job->name, a);
                goto done;
            }
            continue;
        }
        if (in) {
            fprintf(stderr, "%s %s: unexpected '%s'\n", program, job->name, a);
            goto done;
        }
        in = a;
    }
    if (!in || !o.out) {
        fprintf(stderr, "%s %s: usage: %s %s BOOK [options] -o OUT.xlsx ('%s help %s')\n",
                program, job->name, program, job->name, program, job->name);
        goto done;
    }
    ws_book *book = NULL;
    size_t sheet;
    if ((rc = open_book(in, &o, &book, &sheet)))
        goto done;
    progress_state ps = {job->name, isatty(2) != 0};
    ws_status st = ws_book_job(book, sheet, job->name, opts, n, show_progress, &ps);
    if (st != WS_OK) {
        fprintf(stderr, "%s: %s: %s\n", program, in, ws_last_reason());
        rc = st == WS_ERR_ARGS || st == WS_ERR_NAME || st == WS_ERR_REF || st == WS_ERR_SYNTAX
                 ? EXIT_USAGE
                 : EXIT_IO;
    } else {
        rc = save_book(book, &o);
    }
    ws_book_close(book);
done:
    free(opts);
    return rc;
}

static int
cmd_functions(void)
{
    const char *category = "";
    for (size_t i = 0; i < ws_formula_count(); i++) {
        const ws_formula_info *f = ws_formula_at(i);
        if (strcmp(category, f->category) != 0) {
            category = f->category;
            printf("%s%s\n", i ? "\n" : "", category);
        }
        printf("  %-20s %s\n", f->name, f->summary);
    }
    return EXIT_DONE;
}

static const char *const kind_names[] = {"", "numbers", "number", "text", "texts", "range"};

static int
cmd_help(const char *name)
{
    if (strcmp(name, "report") == 0) {
        report_usage(stdout);
        return EXIT_DONE;
    }
    /* A bare job name ("forecast") means the job; "WS.FORECAST" the formula. */
    const ws_job_info *job = ws_job_find(name);
    const ws_formula_info *f = job ? NULL : ws_formula_find(name);
    if (f) {
        printf("%s(", f->name);
        for (size_t i = 0; i < f->arg_count; i++)
            printf("%s%s%s%s", i ? "; " : "", f->args[i].optional ? "[" : "", f->args[i].name,
                   f->args[i].optional ? "]" : "");
        printf(")\n\n%s\nReturns: %s\n\nArguments:\n", f->summary, f->returns);
        for (size_t i = 0; i < f->arg_count; i++)
            printf("  %-12s %s (%s%s)\n", f->args[i].name, f->args[i].description,
                   kind_names[f->args[i].kind], f->args[i].optional ? ", optional" : "");
        printf("\nExample:\n  %s\n  -> %s\n", f->example, f->example_result);
        if (f->error_count)
            printf("\nErrors:\n");
        for (size_t i = 0; i < f->error_count; i++)
            printf("  %s\n", f->errors[i]);
        return EXIT_DONE;
    }
    if (job) {
        printf("%s %s BOOK [options] -o OUT.xlsx\n\n%s\n\nOptions:\n", program, job->name,
               job->summary);
        int width = 0; /* of "--key VALUE", so the descriptions line up */
        for (size_t i = 0; i < job->option_count; i++) {
            int w = (int)(strlen(job->options[i].key) + strlen(job->options[i].value_name));
            width = w > width ? w : width;
        }
        for (size_t i = 0; i < job->option_count; i++) {
            const ws_job_option_info *o = &job->options[i];
            int pad = width - (int)(strlen(o->key) + strlen(o->value_name));
            printf("  --%s %s%*s  %s", o->key, o->value_name, pad, "", o->description);
            if (!o->fallback)
                printf(" (required)");
            else if (*o->fallback)
                printf(" (default %s)", o->fallback);
            else
                printf(" (optional)");
            putchar('\n');
        }
        char formula[64];
        snprintf(formula, sizeof formula, "WS.%s", job->name);
        const ws_formula_info *same = ws_formula_find(formula);
        if (same)
            printf("\nThe formula of the same name: %s help %s\n", program, same->name);
        return EXIT_DONE;
    }
    fprintf(stderr, "%s: no formula or job named '%s'; see '%s functions'\n", program, name,
            program);
    return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
    ws_set_log(log_to_stderr, NULL);
    /* A full disk quota (ulimit -f) must be a write error the library reports, with its
     * temporary file removed, not a signal that kills us half-way. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return EXIT_DONE;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("worldsheet %s\n", ws_version());
        return EXIT_DONE;
    }
    if (strcmp(cmd, "calc") == 0)
        return cmd_calc(argc - 2, argv + 2);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "functions") == 0)
        return cmd_functions();
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return EXIT_DONE;
        }
        return cmd_help(argv[2]);
    }
    const ws_job_info *job = ws_job_find(cmd);
    if (job)
        return cmd_job(job, argc - 2, argv + 2);
    fprintf(stderr, "%s: unknown command '%s'\n\n", program, cmd);
    usage(stderr);
    return EXIT_USAGE;
}
