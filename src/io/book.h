/* The workbook model behind ws_book: sheets of sparse cells, number formats, array-formula
 * ranges, column widths, and the charts jobs add.  Readers fill it, the evaluator and jobs
 * change it, the writer saves it.
 *
 * Storage is sparse: rows that hold cells, sorted by row; each row's cells sorted by
 * column.  Nothing ever iterates a sheet's used rectangle.  All strings of a book (texts,
 * formulas, error reasons, names) live in the book's arena and are freed with it.
 *
 * Coordinates are 0-based (A1 is row 0, col 0).
 *
 * Formulas are stored as text without the leading '=' in the OOXML (Excel) syntax:
 * A1 references, ',' between arguments, 'Sheet name'!A1:B2, {1,2;3,4} arrays.  The ODS
 * reader converts "of:=" formulas to it. */
#ifndef WS_IO_BOOK_H
#define WS_IO_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/value.h"
#include "worldsheet.h"

#define BOOK_MAX_ROWS 1048576u
#define BOOK_MAX_COLS 16384u

enum {
    BOOK_CELL_ARRAY_ANCHOR = 1 << 0, /* top-left cell of an array formula (see arrays) */
    BOOK_CELL_ARRAY_PART = 1 << 1,   /* inside an array formula's range, not the anchor */
    BOOK_CELL_COMPUTED = 1 << 2,     /* value computed by worldsheet in this run */
    /* Only inside xlsx_read: value.as.number holds a shared-string index for now. */
    BOOK_CELL_SST_INDEX = 1 << 3
};

typedef struct book_cell {
    uint32_t col;
    uint16_t fmt;        /* index into book->formats; 0 is "General" */
    uint16_t flags;      /* BOOK_CELL_* */
    ws_value value;      /* literal or cached value; strings in the book's arena */
    const char *formula; /* formula text without '=', in the arena, or NULL */
} book_cell;

typedef struct book_row {
    uint32_t row;
    uint32_t count;
    uint32_t cap;
    bool pooled;      /* cells live in the sheet's cell pool (not freed on their own) */
    book_cell *cells; /* sorted by col */
} book_row;

typedef struct book_area {
    uint32_t row0, col0, row1, col1; /* inclusive */
} book_area;

typedef struct book_colwidth {
    uint32_t col0, col1; /* inclusive */
    double width;        /* in characters of the default font, as in OOXML */
} book_colwidth;

typedef enum book_chart_kind {
    BOOK_CHART_LINE = 0,
    BOOK_CHART_COLUMN = 1, /* vertical bars */
    BOOK_CHART_BAR = 2     /* horizontal bars */
} book_chart_kind;

typedef struct book_series {
    const char *name;
    book_area categories; /* on the chart's own sheet; row0 > row1 means none */
    book_area values;     /* on the chart's own sheet */
    bool dashed;          /* for interval bounds */
} book_series;

typedef struct book_chart {
    book_chart_kind kind;
    const char *title;
    const char *x_title; /* may be NULL */
    const char *y_title; /* may be NULL */
    uint32_t row, col;   /* top-left anchor cell */
    uint32_t width_px, height_px;
    size_t series_count;
    book_series *series; /* in the arena */
} book_chart;

typedef struct book_sheet {
    const char *name; /* in the arena */
    book_row *rows;   /* sorted by row */
    size_t row_count, row_cap;
    book_area *arrays; /* array-formula ranges; the anchor cell holds the formula */
    size_t array_count, array_cap;
    book_colwidth *widths;
    size_t width_count, width_cap;
    book_chart *charts;
    size_t chart_count, chart_cap;
    uint32_t max_row, max_col; /* largest row/col holding a cell (valid when row_count) */
    uint32_t row_cap_hint;     /* readers: cells a new row makes room for at once (0: few) */
    void *cell_pool;           /* blocks rows made with row_cap_hint take their cells from */
    book_cell *pool_next;      /* the free cells of the newest block */
    size_t pool_left, pool_block;
    size_t pool_expect;        /* readers: cells the file says the sheet holds (a hint) */
    uint32_t freeze_rows;      /* frozen header rows, 0 = none */
    bool landscape;            /* print setup */
    bool fit_width;            /* print: fit to one page wide */
    bool added;                /* added by a job (not from the input file) */
} book_sheet;

struct ws_book {
    book_sheet *sheets;
    size_t sheet_count, sheet_cap;
    const char **formats; /* unique number-format codes; formats[0] == "General" */
    size_t format_count, format_cap;
    bool date1904;        /* serial numbers count from 1904-01-01 (only xlsx sets this) */
    char *source_path;    /* canonical path of the file read, or NULL; mem-allocated */
    ws_limits limits;
    uint64_t cell_count;
    arena strings;
};

/* A new empty book with default limits (or `limits`, when not NULL). */
ws_status book_new(const ws_limits *limits, ws_book **out);

/* Append a sheet.  The name is copied; an existing name is WS_ERR_ARGS. */
ws_status book_add_sheet(ws_book *book, const char *name, size_t len, book_sheet **out);
/* The sheet with this name: exact, then ASCII-case-insensitive.  NULL when none. */
book_sheet *book_find_sheet(const ws_book *book, const char *name, size_t len);

/* Copy a string into the book's arena.  NULL when memory ran out. */
char *book_strndup(ws_book *book, const char *text, size_t len);

/* The index of a number-format code, added when new.  WS_ERR_LIMIT past 65,535 codes. */
ws_status book_format_intern(ws_book *book, const char *code, size_t len, uint16_t *out);
/* True when the format shows a date or time (d, m with d/y, y, h, s outside quotes and
 * brackets, not an elapsed-time or number-only code). */
bool book_format_is_date(const ws_book *book, uint16_t fmt);

/* The cell at row,col, or NULL when the sheet has none there.  O(log n). */
book_cell *book_cell_at(const book_sheet *sheet, uint32_t row, uint32_t col);
/* The cell at row,col, created empty when missing.  Appending in reading order (rising
 * rows, rising columns in a row) is O(1); anything else inserts.  Counts against
 * limits.max_cells, rows and cols. */
ws_status book_cell_put(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col,
                        book_cell **out);
/* Set a cell from a value, copying its text into the arena; formula and flags cleared. */
ws_status book_set_value(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col,
                         const ws_value *value);
ws_status book_set_number(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col,
                          double number, uint16_t fmt);
ws_status book_set_text(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col,
                        const char *text);
/* Copy a whole range with its top-left at row,col. */
ws_status book_put_range(ws_book *book, book_sheet *sheet, uint32_t row, uint32_t col,
                         const ws_range *range);

/* Read the area into a new range (empty where the sheet has no cell).  Only stored cells
 * are visited. */
ws_status book_read_area(const book_sheet *sheet, book_area area, ws_range **out);

ws_status book_add_array(ws_book *book, book_sheet *sheet, book_area area);
/* The array-formula area whose anchor is row,col, or NULL. */
const book_area *book_find_array(const book_sheet *sheet, uint32_t row, uint32_t col);
ws_status book_set_width(ws_book *book, book_sheet *sheet, uint32_t col0, uint32_t col1,
                         double width);
/* Add a chart; `chart` and its series are copied (strings into the arena). */
ws_status book_add_chart(ws_book *book, book_sheet *sheet, const book_chart *chart);

/* Take the sheets from index `keep` on out of the book (a job that failed half-way), freeing
 * what they hold; their names stay in the arena until the book is closed. */
void book_drop_sheets(ws_book *book, size_t keep);
/* Move the sheet at `from` to index `to`, shifting those between; sheet pointers taken
 * before are invalid afterwards.  Out-of-range indices change nothing. */
void book_move_sheet(ws_book *book, size_t from, size_t to);

/* Column letters <-> index ("A" = 0, "XFD" = 16383) and "B2"-style names. */
void book_col_name(uint32_t col, char out[4]);
void book_cell_name(uint32_t row, uint32_t col, char out[16]);

/* Readers, one per format.  Each fills an empty book created by book_new. */
ws_status xlsx_read(ws_book *book, const char *path);
/* Shared-strings parts at least this big (inflated) are read on a thread of their own,
 * beside the sheets; tests set 0 to take that path with small books. */
void xlsx_read_sst_thread_min(uint64_t bytes);
ws_status ods_read(ws_book *book, const char *path);
ws_status csv_read(ws_book *book, const char *path);
/* Writer: the whole book as .xlsx at `path` (the caller handles temporary names). */
ws_status xlsx_write(const ws_book *book, const char *path, const ws_save_options *options);
/* Books of more cells than this are written row by row in constant memory (xlsx_write.c);
 * tests set 0 to take that path with small books.  Returns the value before. */
uint64_t xlsx_write_stream_cells(uint64_t cells);

#endif
