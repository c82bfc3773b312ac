/* Placeholder until the reader lands. */
#include "core/diag.h"
#include "io/book.h"

ws_status
xlsx_read(ws_book *book, const char *path)
{
    (void)book;
    return diag_fail(WS_ERR_UNSUPPORTED, "%s: this reader is not built yet", path);
}
