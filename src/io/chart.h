/* Chart helpers shared by the jobs: they describe a chart in the workbook model (through
 * book_add_chart) and leave the drawing to the writer.  Every area is on `sheet`, the sheet
 * that also holds the chart.  An area whose row0 > row1 means "none".
 *
 *     book_area dates = {1, 0, 60, 0}, actual = {1, 1, 60, 1}, fc = {1, 2, 60, 2};
 *     book_area lo = {1, 3, 60, 3}, hi = {1, 4, 60, 4};
 *     st = chart_forecast(book, sheet, "Sales forecast", NULL, dates, actual, fc, lo, hi, 1, 6);
 *
 * Titles and series names are copied into the book. */
#ifndef WS_IO_CHART_H
#define WS_IO_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "io/book.h"

/* Default size of the charts these helpers add, in pixels. */
#define CHART_WIDTH_PX 720u
#define CHART_HEIGHT_PX 360u

/* A line chart of history (`actual`) and `forecast` over `categories`, with the interval
 * bounds `lower` and `upper` as dashed lines (the writer cannot shade a band: libxlsxwriter
 * 1.1.4 draws no combined charts).  Any of the four value areas may be "none", but not all.
 * The usual layout is one table with a column per series, blank where a series has no
 * value (actual blank in the future, forecast blank in the past), so all areas have the
 * same rows.  Series names: legend[0..3], or "Actual", "Forecast", "Lower", "Upper" when
 * legend is NULL.  The chart's top-left
 * corner is at anchor_row, anchor_col.  WS_ERR_ARGS for an area off the sheet grid or
 * inverted columns. */
ws_status chart_forecast(ws_book *book, book_sheet *sheet, const char *title,
                         const char *const legend[4], book_area categories,
                         book_area actual, book_area forecast, book_area lower,
                         book_area upper, uint32_t anchor_row, uint32_t anchor_col);

/* A chart of `count` series (values[i] named names[i]; names may be NULL for unnamed
 * series) over `categories`: BOOK_CHART_COLUMN (vertical bars), BOOK_CHART_BAR
 * (horizontal bars) or BOOK_CHART_LINE.  WS_ERR_ARGS when count is 0 or an area is
 * off the grid. */
ws_status chart_bars(ws_book *book, book_sheet *sheet, const char *title,
                     book_area categories, const book_area *values, const char *const *names,
                     size_t count, book_chart_kind kind, uint32_t anchor_row,
                     uint32_t anchor_col);

#endif
