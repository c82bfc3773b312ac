#include "io/chart.h"

#include "core/diag.h"
#include "core/mem.h"

/* Excel draws at most 255 series in one chart. */
#define CHART_MAX_SERIES 255u

static bool
area_is_none(book_area a)
{
    return a.row0 > a.row1;
}

static bool
area_fits(book_area a)
{
    return a.col0 <= a.col1 && a.row1 < BOOK_MAX_ROWS && a.col1 < BOOK_MAX_COLS;
}

static ws_status
check_area(book_area a, const char *what, bool may_be_none)
{
    if (area_is_none(a)) {
        if (may_be_none)
            return WS_OK;
        return diag_fail(WS_ERR_ARGS, "chart: no %s area", what);
    }
    if (!area_fits(a))
        return diag_fail(WS_ERR_ARGS, "chart: the %s area is off the sheet grid", what);
    return WS_OK;
}

ws_status
chart_forecast(ws_book *book, book_sheet *sheet, const char *title, const char *const legend[4],
               book_area categories, book_area actual, book_area forecast, book_area lower,
               book_area upper, uint32_t anchor_row, uint32_t anchor_col)
{
    static const char *const english[4] = {"Actual", "Forecast", "Lower", "Upper"};
    const char *const *names = legend ? legend : english;
    static const char *const whats[4] = {"actual", "forecast", "lower bound", "upper bound"};
    const book_area areas[4] = {actual, forecast, lower, upper};
    book_series series[4];
    size_t n = 0;
    ws_status st = check_area(categories, "categories", true);
    if (st)
        return st;
    if (anchor_row >= BOOK_MAX_ROWS || anchor_col >= BOOK_MAX_COLS)
        return diag_fail(WS_ERR_ARGS, "chart: the anchor cell is off the sheet grid");
    for (size_t i = 0; i < 4; i++) {
        if ((st = check_area(areas[i], whats[i], true)))
            return st;
        if (area_is_none(areas[i]))
            continue;
        series[n++] = (book_series){.name = names[i], .categories = categories,
                                    .values = areas[i], .dashed = i >= 2};
    }
    if (n == 0)
        return diag_fail(WS_ERR_ARGS, "chart_forecast: no series to draw");
    book_chart chart = {.kind = BOOK_CHART_LINE, .title = title, .row = anchor_row,
                        .col = anchor_col, .width_px = CHART_WIDTH_PX,
                        .height_px = CHART_HEIGHT_PX, .series_count = n, .series = series};
    return book_add_chart(book, sheet, &chart);
}

ws_status
chart_bars(ws_book *book, book_sheet *sheet, const char *title, book_area categories,
           const book_area *values, const char *const *names, size_t count,
           book_chart_kind kind, uint32_t anchor_row, uint32_t anchor_col)
{
    if (count == 0 || !values)
        return diag_fail(WS_ERR_ARGS, "chart_bars: no series to draw");
    if (count > CHART_MAX_SERIES)
        return diag_fail(WS_ERR_ARGS, "chart_bars: %zu series, at most %u fit in one chart",
                         count, CHART_MAX_SERIES);
    if (kind != BOOK_CHART_LINE && kind != BOOK_CHART_COLUMN && kind != BOOK_CHART_BAR)
        return diag_fail(WS_ERR_ARGS, "chart_bars: unknown chart kind %d", (int)kind);
    if (anchor_row >= BOOK_MAX_ROWS || anchor_col >= BOOK_MAX_COLS)
        return diag_fail(WS_ERR_ARGS, "chart: the anchor cell is off the sheet grid");
    ws_status st = check_area(categories, "categories", true);
    if (st)
        return st;
    for (size_t i = 0; i < count; i++)
        if ((st = check_area(values[i], "values", false)))
            return st;
    book_series *series = mem_calloc(count, sizeof *series);
    if (!series)
        return diag_nomem();
    for (size_t i = 0; i < count; i++)
        series[i] = (book_series){.name = names ? names[i] : NULL, .categories = categories,
                                  .values = values[i]};
    book_chart chart = {.kind = kind, .title = title, .row = anchor_row, .col = anchor_col,
                        .width_px = CHART_WIDTH_PX, .height_px = CHART_HEIGHT_PX,
                        .series_count = count, .series = series};
    st = book_add_chart(book, sheet, &chart);
    mem_free(series);
    return st;
}
