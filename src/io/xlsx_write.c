/* Placeholder until the writer lands. */
#include "core/diag.h"
#include "io/book.h"

ws_status
xlsx_write(const ws_book *book, const char *path, const ws_save_options *options)
{
    (void)book;
    (void)options;
    return diag_fail(WS_ERR_UNSUPPORTED, "%s: the writer is not built yet", path);
}
