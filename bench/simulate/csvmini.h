/* A tiny CSV reader for the benchmark data (comma separated, optional quotes, header row).
 * Benchmark-only: the library's own reader is src/io/csv_read.c. */
#ifndef BENCH_CSVMINI_H
#define BENCH_CSVMINI_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csvmini {
    size_t rows, cols;
    char **head;  /* cols */
    char **cells; /* rows*cols */
} csvmini;

static void
csvmini_split(char *line, char **out, size_t max, size_t *count)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        char *start = p;
        if (*p == '"') {
            start = ++p;
            while (*p && *p != '"')
                p++;
            if (*p == '"')
                *p++ = '\0';
        }
        while (*p && *p != ',' && *p != '\n' && *p != '\r')
            p++;
        char end = *p;
        *p = '\0';
        out[n++] = strdup(start);
        if (end != ',')
            break;
        p++;
    }
    *count = n;
}

static int
csvmini_read(const char *path, csvmini *c)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[65536];
    char *fields[256];
    size_t n = 0, cap = 0;
    memset(c, 0, sizeof *c);
    while (fgets(line, sizeof line, f)) {
        size_t count;
        csvmini_split(line, fields, 256, &count);
        if (!c->head) {
            c->cols = count;
            c->head = malloc(count * sizeof *c->head);
            memcpy(c->head, fields, count * sizeof *fields);
            continue;
        }
        if (count != c->cols) {
            for (size_t i = 0; i < count; i++)
                free(fields[i]);
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            c->cells = realloc(c->cells, cap * c->cols * sizeof *c->cells);
        }
        memcpy(c->cells + n * c->cols, fields, count * sizeof *fields);
        n++;
    }
    fclose(f);
    c->rows = n;
    return 0;
}

static void
csvmini_free(csvmini *c)
{
    for (size_t i = 0; i < c->cols; i++)
        free(c->head[i]);
    for (size_t i = 0; i < c->rows * c->cols; i++)
        free(c->cells[i]);
    free(c->head);
    free(c->cells);
    memset(c, 0, sizeof *c);
}

static int
csvmini_col(const csvmini *c, const char *name)
{
    for (size_t j = 0; j < c->cols; j++)
        if (strcmp(c->head[j], name) == 0)
            return (int)j;
    return -1;
}

static double
csvmini_num(const csvmini *c, size_t row, int col)
{
    return col < 0 ? 0.0 : strtod(c->cells[row * c->cols + (size_t)col], NULL);
}

static const char *
csvmini_text(const csvmini *c, size_t row, int col)
{
    return c->cells[row * c->cols + (size_t)col];
}

#endif
