/* What the worldsheet command's files share: the options every command that reads a book
 * takes, and the commands kept in files of their own. */
#ifndef WS_CLI_H
#define WS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "worldsheet.h"

/* Options shared by every command that reads a book. */
typedef struct common_opts {
    ws_limits limits;
    const char *sheet;
    const char *out;
    bool values_only;
} common_opts;

/* Consume a common option at argv[*i]; returns 1 when taken, 0 when not ours, -1 on
 * error (already reported). */
int take_common(int argc, char **argv, int *i, common_opts *o);

/* worldsheet report (report_cmd.c). */
int cmd_report(int argc, char **argv);
void report_usage(FILE *to);

#endif
