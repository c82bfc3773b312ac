/* worldsheet report: one workbook into a report workbook (and a PDF), or a folder of them
 * in parallel.  Only the public API; PDF rendering runs LibreOffice as a child process.
 *
 * Exit status: 0 every job of every book ran; 1 usage; 2 a book could not be read, a
 * report not written, or the PDF not made; 3 reports written, but some jobs failed or
 * were skipped (the warnings say which), or a book had nothing to report. */
/* nftw */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "worldsheet.h"

enum { RC_DONE = 0, RC_USAGE = 1, RC_IO = 2, RC_PARTIAL = 3 };

#define PROG "worldsheet"
#define MAX_THREADS 64

void
report_usage(FILE *to)
{
    fprintf(to,
            "usage:\n"
            "  " PROG " report BOOK -o OUT.xlsx [--job 'KIND key=value ...']... [--lang en|ja]\n"
            "                    [--pdf OUT.pdf] [--values]\n"
            "  " PROG " report DIR -o OUTDIR [--threads N] [--pdf PDFDIR] [same options]\n"
            "\n"
            "Runs the jobs a workbook describes and writes a report workbook: a first sheet\n"
            "'Report' with the headline figures in plain words and a chart each (next period's\n"
            "forecast and its range against the same period last year, the planned budget split\n"
            "and its expected uplift, the share of positive and negative comments and the top\n"
            "complaint topic), then each job's sheets, then the input sheets unchanged.\n"
            "\n"
            "The jobs: a sheet named 'worldsheet' with one job per row: the job in column A\n"
            "(forecast, simulate, plan, summarize), then one key=value option per cell:\n"
            "    A: forecast   B: range=Sales!B1:B157   C: dates=Sales!A1:A157   D: horizon=13\n"
            "--job lines replace that sheet: --job 'forecast range=Sales!B1:B157 horizon=13'.\n"
            "The options are those of the job's own command (" PROG " forecast --range X is\n"
            "range=X here).  A malformed row is reported with its cell and skipped.  With\n"
            "neither, the report forecasts the first numeric column beside a date column and\n"
            "summarises the first column of comments.\n"
            "\n"
            "  -o OUT        the report workbook (.xlsx); with DIR, a folder that receives\n"
            "                NAME-report.xlsx for each workbook NAME.xlsx/.ods/.csv of DIR\n"
            "  --lang en|ja  language of the report and the jobs' sheets (default: that of the\n"
            "                comments, else en)\n"
            "  --pdf OUT     also render the report as PDF with LibreOffice (soffice); with DIR,\n"
            "                a folder for NAME-report.pdf\n"
            "  --pdf-timeout SECONDS   give LibreOffice this long (default 300)\n"
            "  --threads N   workbooks reported at once with DIR (default: the cores)\n"
            "  --values      write WS.* results of the input sheets as plain values\n"
            "\n"
            "Exit status: 0 every job ran; 1 usage; 2 a book unreadable, a report or PDF not\n"
            "written; 3 reports written but some jobs failed or were skipped.\n"
            "WORLDSHEET_CREATED_TIME=SECONDS fixes the files' creation time (reproducible).\n");
}

/* ----- options ----- */

typedef struct report_cli {
    common_opts common;
    const char *in;
    const char *pdf;
    const char **jobs;
    size_t job_count;
    const char *lang;
    long threads;
    long pdf_timeout;
} report_cli;

static bool
parse_long(const char *text, long lo, long hi, long *out)
{
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int
parse_args(int argc, char **argv, report_cli *c)
{
    ws_limits_default(&c->common.limits);
    c->pdf_timeout = 300;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            report_usage(stdout);
            return -1;
        }
        bool valued = strcmp(a, "--job") == 0 || strcmp(a, "--lang") == 0 ||
                      strcmp(a, "--pdf") == 0 || strcmp(a, "--threads") == 0 ||
                      strcmp(a, "--pdf-timeout") == 0;
        if (valued && !v) {
            fprintf(stderr, PROG " report: %s needs a value\n", a);
            return RC_USAGE;
        }
        if (strcmp(a, "--job") == 0) {
            c->jobs[c->job_count++] = argv[++i];
        } else if (strcmp(a, "--lang") == 0) {
            c->lang = argv[++i];
            if (strcmp(c->lang, "en") != 0 && strcmp(c->lang, "ja") != 0) {
                fprintf(stderr, PROG " report: --lang: '%s' is not en or ja\n", c->lang);
                return RC_USAGE;
            }
        } else if (strcmp(a, "--pdf") == 0) {
            c->pdf = argv[++i];
        } else if (strcmp(a, "--threads") == 0) {
            if (!parse_long(argv[++i], 1, MAX_THREADS, &c->threads)) {
                fprintf(stderr, PROG " report: --threads: '%s' is not 1 to %d\n", argv[i],
                        MAX_THREADS);
                return RC_USAGE;
            }
        } else if (strcmp(a, "--pdf-timeout") == 0) {
            if (!parse_long(argv[++i], 1, 86400, &c->pdf_timeout)) {
                fprintf(stderr, PROG " report: --pdf-timeout: '%s' is not 1 to 86400\n",
                        argv[i]);
                return RC_USAGE;
            }
        } else if (strcmp(a, "--sheet") == 0) {
            fprintf(stderr, PROG " report: no --sheet here; give a job sheet=NAME instead\n");
            return RC_USAGE;
        } else {
            int taken = take_common(argc, argv, &i, &c->common);
            if (taken < 0)
                return RC_USAGE;
            if (taken)
                continue;
            if (a[0] == '-' || c->in) {
                fprintf(stderr, PROG " report: unexpected '%s' (see '" PROG " report --help')\n",
                        a);
                return RC_USAGE;
            }
            c->in = a;
        }
    }
    if (!c->in || !c->common.out) {
        fprintf(stderr, PROG " report: usage: " PROG " report BOOK -o OUT.xlsx [options] "
                        "(see '" PROG " report --help')\n");
        return RC_USAGE;
    }
    return RC_DONE;
}

/* ----- PDF through LibreOffice ----- */

/* soffice on PATH (or $WORLDSHEET_SOFFICE), into buf; false when absent. */
static bool
find_soffice(char *buf, size_t cap)
{
    const char *forced = getenv("WORLDSHEET_SOFFICE");
    if (forced && *forced) {
        snprintf(buf, cap, "%s", forced);
        return access(buf, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    static const char *const names[] = {"soffice", "libreoffice"};
    for (size_t k = 0; k < 2; k++) {
        for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
            const char *colon = strchr(p, ':');
            size_t len = colon ? (size_t)(colon - p) : strlen(p);
            snprintf(buf, cap, "%.*s/%s", (int)len, len ? p : ".", names[k]);
            if (access(buf, X_OK) == 0)
                return true;
            p += len + (colon != NULL);
        }
    }
    return false;
}

static int
remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static bool
copy_file(const char *from, const char *to)
{
    if (rename(from, to) == 0)
        return true;
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    bool ok = in && out;
    char buf[65536];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    if (in)
        fclose(in);
    if (out && fclose(out) != 0)
        ok = false;
    if (!ok)
        remove(to);
    return ok;
}

/* The file name without folder and extension. */
static void
stem_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    snprintf(out, cap, "%.*s", (int)len, base);
}

/* Convert `count` workbooks to PDF in one LibreOffice run with a private profile, so it
 * neither touches the user's profile nor collides with an office already open.
 * dest[i] receives the PDF of xlsx[i].  Returns how many were made; -1 when LibreOffice is
 * absent or could not run (reported). */
static long
pdf_convert(const char *const *xlsx, const char *const *dest, size_t count, long timeout)
{
    char soffice[4096];
    if (!find_soffice(soffice, sizeof soffice)) {
        fprintf(stderr,
                PROG ": --pdf needs LibreOffice, and no 'soffice' command was found on PATH; "
                     "install libreoffice-calc (Debian) or leave out --pdf\n");
        return -1;
    }
    const char *tmpenv = getenv("TMPDIR");
    char tmp[4096], profile[4200], outdir[4200], logpath[4200], env[4300];
    snprintf(tmp, sizeof tmp, "%s/worldsheet-pdf-XXXXXX", tmpenv && *tmpenv ? tmpenv : "/tmp");
    if (!mkdtemp(tmp)) {
        fprintf(stderr, PROG ": --pdf: cannot make a temporary folder: %s\n", strerror(errno));
        return -1;
    }
    snprintf(profile, sizeof profile, "%s/profile", tmp);
    snprintf(outdir, sizeof outdir, "%s/out", tmp);
    snprintf(logpath, sizeof logpath, "%s/soffice.log", tmp);
    snprintf(env, sizeof env, "-env:UserInstallation=file://%s", profile);
    long made = -1;
    const char **args = calloc(count + 12, sizeof *args);
    if (!args || mkdir(outdir, 0700) != 0) {
        fprintf(stderr, PROG ": --pdf: cannot prepare LibreOffice's folders\n");
        goto done;
    }
    size_t n = 0;
    args[n++] = soffice;
    args[n++] = "--headless";
    args[n++] = "--norestore";
    args[n++] = "--nolockcheck";
    args[n++] = "--nodefault";
    args[n++] = env;
    args[n++] = "--convert-to";
    args[n++] = "pdf";
    args[n++] = "--outdir";
    args[n++] = outdir;
    for (size_t i = 0; i < count; i++)
        args[n++] = xlsx[i];
    args[n] = NULL;
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, PROG ": --pdf: cannot start LibreOffice: %s\n", strerror(errno));
        goto done;
    }
    if (pid == 0) {
        /* Its own process group, so a timeout can end LibreOffice and every helper it
         * started, and nothing else. */
        setpgid(0, 0);
        int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nul = open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        if (nul >= 0)
            dup2(nul, 0);
        execv(soffice, (char *const *)args);
        _exit(127);
    }
    setpgid(pid, pid);
    int status = 0;
    struct timespec start, now, nap = {0, 100 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    bool timed_out = false;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - start.tv_sec >= timeout) {
            timed_out = true;
            kill(-pid, SIGTERM);
            nanosleep(&(struct timespec){2, 0}, NULL);
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        nanosleep(&nap, NULL);
    }
    kill(-pid, SIGKILL); /* any helper left behind in the group */
    made = 0;
    for (size_t i = 0; i < count; i++) {
        char stem[1024], pdf[5400];
        stem_of(xlsx[i], stem, sizeof stem);
        snprintf(pdf, sizeof pdf, "%s/%s.pdf", outdir, stem);
        struct stat sb;
        if (stat(pdf, &sb) == 0 && sb.st_size > 0 && copy_file(pdf, dest[i]))
            made++;
        else
            fprintf(stderr, PROG ": %s: LibreOffice made no PDF%s\n", dest[i],
                    timed_out ? " (timed out; raise --pdf-timeout)" : "");
    }
    if ((size_t)made < count) {
        FILE *log = fopen(logpath, "r");
        char line[512];
        while (log && fgets(line, sizeof line, log))
            fprintf(stderr, PROG ": soffice: %s", line);
        if (log)
            fclose(log);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            fprintf(stderr, PROG ": %s could not be run\n", soffice);
    }
done:
    free(args);
    nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return made;
}

/* ----- one book ----- */

typedef struct book_result {
    int rc;
    size_t done, failed;
    char message[600];
} book_result;

static void
created_time(ws_save_options *save)
{
    const char *fixed = getenv("WORLDSHEET_CREATED_TIME"); /* reproducible files in tests */
    if (fixed)
        save->created_time = strtoll(fixed, NULL, 10);
}

static void
report_one(const report_cli *c, const char *in, const char *out, ws_progress_fn progress,
           void *user, book_result *res)
{
    ws_book *book = NULL;
    ws_report_options opts = {c->lang, c->jobs, c->job_count};
    ws_report_stats stats;
    memset(res, 0, sizeof *res);
    if (ws_book_open(in, &c->common.limits, &book) != WS_OK) {
        res->rc = RC_IO;
        snprintf(res->message, sizeof res->message, "%s", ws_last_reason());
        return;
    }
    ws_status st = ws_book_report(book, &opts, progress, user, &stats);
    if (st != WS_OK) {
        res->rc = RC_PARTIAL;
        snprintf(res->message, sizeof res->message, "%s", ws_last_reason());
        ws_book_close(book);
        return;
    }
    ws_save_options save = {.values_only = c->common.values_only};
    created_time(&save);
    if (ws_book_save(book, out, &save) != WS_OK) {
        res->rc = RC_IO;
        snprintf(res->message, sizeof res->message, "%s", ws_last_reason());
    } else {
        res->done = stats.jobs_done;
        res->failed = stats.jobs_failed;
        res->rc = stats.jobs_failed ? RC_PARTIAL : RC_DONE;
        snprintf(res->message, sizeof res->message, "%zu job%s ran, %zu failed or skipped%s",
                 stats.jobs_done, stats.jobs_done == 1 ? "" : "s", stats.jobs_failed,
                 stats.defaults ? " (default jobs)" : "");
    }
    ws_book_close(book);
}

/* ----- progress and log, shared by the threads of a batch ----- */

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static bool bar_shown;
static _Thread_local const char *log_book; /* the book this thread works on, for messages */

static void
log_line(void *user, int level, const char *message)
{
    (void)user;
    pthread_mutex_lock(&out_lock);
    if (bar_shown) {
        fputs("\r\033[K", stderr);
        bar_shown = false;
    }
    fprintf(stderr, PROG ": %s%s%s%s\n", log_book ? log_book : "", log_book ? ": " : "",
            level ? "warning: " : "", message);
    pthread_mutex_unlock(&out_lock);
}

static void
draw_bar(const char *what, size_t done, size_t total, size_t bad)
{
    int width = 30, filled = total ? (int)((double)done / (double)total * width) : width;
    fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu", what, filled, "##############################",
            width - filled, "", done, total);
    if (bad)
        fprintf(stderr, "  %zu with problems", bad);
    bar_shown = true;
}

typedef struct single_progress {
    bool tty;
} single_progress;

static bool
single_bar(void *user, size_t done, size_t total)
{
    const single_progress *p = user;
    if (!p->tty || total < 2)
        return true;
    pthread_mutex_lock(&out_lock);
    draw_bar("report", done, total, 0);
    if (done == total) {
        fputc('\n', stderr);
        bar_shown = false;
    }
    pthread_mutex_unlock(&out_lock);
    return true;
}

static int
report_single(const report_cli *c)
{
    single_progress p = {isatty(2) != 0};
    book_result res;
    log_book = NULL;
    report_one(c, c->in, c->common.out, single_bar, &p, &res);
    if (res.rc == RC_IO || (res.rc == RC_PARTIAL && res.done == 0 && res.failed == 0)) {
        fprintf(stderr, PROG ": %s: %s\n", c->in, res.message);
        return res.rc;
    }
    fprintf(stderr, PROG ": %s -> %s: %s\n", c->in, c->common.out, res.message);
    if (c->pdf) {
        const char *in[] = {c->common.out}, *out[] = {c->pdf};
        if (pdf_convert(in, out, 1, c->pdf_timeout) != 1)
            return RC_IO;
        fprintf(stderr, PROG ": %s -> %s\n", c->common.out, c->pdf);
    }
    return res.rc;
}

/* ----- a folder ----- */

typedef struct batch {
    const report_cli *cli;
    char **inputs, **outputs;
    book_result *results;
    size_t count, next, finished, bad;
    pthread_mutex_t lock;
    pthread_cond_t changed;
} batch;

static void *
batch_worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next < b->count ? b->next++ : b->count;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->count)
            break;
        const char *slash = strrchr(b->inputs[i], '/');
        log_book = slash ? slash + 1 : b->inputs[i];
        report_one(b->cli, b->inputs[i], b->outputs[i], NULL, NULL, &b->results[i]);
        log_book = NULL;
        pthread_mutex_lock(&b->lock);
        b->finished++;
        b->bad += b->results[i].rc != RC_DONE;
        pthread_cond_signal(&b->changed);
        pthread_mutex_unlock(&b->lock);
    }
    return NULL;
}

static bool
is_book(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '.' || strncmp(name, "~$", 2) == 0)
        return false; /* hidden files and office lock files */
    static const char *const exts[] = {".xlsx", ".ods", ".csv"};
    for (size_t k = 0; k < 3; k++) {
        size_t e = strlen(exts[k]);
        if (n > e && strcasecmp(name + n - e, exts[k]) == 0)
            return true;
    }
    return false;
}

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
join(const char *dir, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s%s", dir, name, suffix);
    return p;
}

static int
report_batch(const report_cli *c)
{
    const char *dir = c->in, *outdir = c->common.out;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, PROG ": %s: %s\n", dir, strerror(errno));
        return RC_IO;
    }
    batch b;
    memset(&b, 0, sizeof b);
    b.cli = c;
    char **names = NULL;
    size_t cap = 0, n = 0;
    int rc = RC_IO;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_book(e->d_name))
            continue;
        char *path = join(dir, e->d_name, "");
        struct stat sb;
        bool regular = path && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
        free(path);
        if (!regular)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, PROG ": %s: no .xlsx, .ods or .csv workbooks in this folder\n", dir);
        goto done;
    }
    qsort(names, n, sizeof *names, cmp_names);
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": %s: %s\n", outdir, strerror(errno));
        goto done;
    }
    if (c->pdf && mkdir(c->pdf, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, PROG ": %s: %s\n", c->pdf, strerror(errno));
        goto done;
    }
    b.count = n;
    b.inputs = calloc(n, sizeof *b.inputs);
    b.outputs = calloc(n, sizeof *b.outputs);
    b.results = calloc(n, sizeof *b.results);
    if (!b.inputs || !b.outputs || !b.results)
        goto done;
    for (size_t i = 0; i < n; i++) {
        /* NAME-report.xlsx; when two books share a stem (a.xlsx, a.csv), the extension
         * joins the name (a-csv-report.xlsx) so neither overwrites the other. */
        char stem[1024];
        stem_of(names[i], stem, sizeof stem);
        bool shared = false;
        for (size_t j = 0; j < n; j++) {
            char other[1024];
            stem_of(names[j], other, sizeof other);
            shared |= j != i && strcmp(stem, other) == 0;
        }
        if (shared) {
            snprintf(stem, sizeof stem, "%s", names[i]);
            char *dot = strrchr(stem, '.');
            if (dot)
                *dot = '-';
        }
        b.inputs[i] = join(dir, names[i], "");
        b.outputs[i] = join(outdir, stem, "-report.xlsx");
        if (!b.inputs[i] || !b.outputs[i])
            goto done;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = c->threads > 0 ? (size_t)c->threads : cores > 0 ? (size_t)cores : 1;
    if (threads > n)
        threads = n;
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.changed, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t tids[MAX_THREADS];
    size_t started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tids[started], NULL, batch_worker, &b) != 0)
            break;
    if (started == 0)
        batch_worker(&b);
    bool tty = isatty(2) != 0;
    pthread_mutex_lock(&b.lock);
    while (b.finished < b.count) {
        if (tty) {
            pthread_mutex_lock(&out_lock);
            draw_bar("report", b.finished, b.count, b.bad);
            pthread_mutex_unlock(&out_lock);
        }
        pthread_cond_wait(&b.changed, &b.lock);
    }
    pthread_mutex_unlock(&b.lock);
    for (size_t t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (tty) {
        draw_bar("report", b.finished, b.count, b.bad);
        fputc('\n', stderr);
        bar_shown = false;
    }
    size_t ok = 0, partial = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        book_result *r = &b.results[i];
        if (r->rc == RC_DONE) {
            ok++;
            continue;
        }
        bool written = r->rc == RC_PARTIAL && (r->done || r->failed);
        partial += written;
        failed += !written;
        fprintf(stderr, PROG ": %s: %s%s\n", names[i], written ? "written, but " : "failed: ",
                r->message);
    }
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr,
            PROG " report: %zu workbook%s in %.1f s on %zu thread%s: %zu reported, %zu with "
                 "failed jobs, %zu failed\n",
            n, n == 1 ? "" : "s", secs, started ? started : 1, started == 1 ? "" : "s", ok,
            partial, failed);
    rc = failed ? RC_IO : partial ? RC_PARTIAL : RC_DONE;
    if (c->pdf && ok + partial > 0) {
        const char **ins = calloc(n, sizeof *ins), **outs = calloc(n, sizeof *outs);
        size_t m = 0;
        for (size_t i = 0; ins && outs && i < n; i++) {
            book_result *r = &b.results[i];
            if (r->rc == RC_DONE || (r->rc == RC_PARTIAL && (r->done || r->failed))) {
                char stem[1024];
                stem_of(b.outputs[i], stem, sizeof stem);
                ins[m] = b.outputs[i];
                outs[m++] = join(c->pdf, stem, ".pdf");
            }
        }
        long made = ins && outs ? pdf_convert(ins, outs, m, c->pdf_timeout) : -1;
        if (made >= 0)
            fprintf(stderr, PROG " report: %ld of %zu PDF files made in %s\n", made, m, c->pdf);
        if (made != (long)m)
            rc = RC_IO;
        for (size_t i = 0; outs && i < m; i++)
            free((void *)outs[i]);
        free(ins);
        free(outs);
    }
    pthread_mutex_destroy(&b.lock);
    pthread_cond_destroy(&b.changed);
done:
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
        if (b.inputs)
            free(b.inputs[i]);
        if (b.outputs)
            free(b.outputs[i]);
    }
    free(names);
    free(b.inputs);
    free(b.outputs);
    free(b.results);
    return rc;
}

int
cmd_report(int argc, char **argv)
{
    report_cli c;
    memset(&c, 0, sizeof c);
    c.jobs = calloc((size_t)argc + 1, sizeof *c.jobs);
    if (!c.jobs)
        return RC_IO;
    int rc = parse_args(argc, argv, &c);
    if (rc) {
        free(c.jobs);
        return rc < 0 ? RC_DONE : rc;
    }
    ws_set_log(log_line, NULL);
    struct stat sb;
    if (stat(c.in, &sb) == 0 && S_ISDIR(sb.st_mode))
        rc = report_batch(&c);
    else
        rc = report_single(&c);
    free(c.jobs);
    return rc;
}
