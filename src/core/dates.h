/* Calendar arithmetic on spreadsheet serial numbers (days since 1899-12-30 in the 1900
 * system, since 1904-01-01 in the 1904 system), shared by the jobs and the report. */
#ifndef WS_CORE_DATES_H
#define WS_CORE_DATES_H

#include <stdbool.h>
#include <stddef.h>

/* The step between consecutive dates: `count` days (day, week, any fixed gap) or `count`
 * months (month 1, quarter 3, half-year 6, year 12). */
typedef struct date_step {
    bool months;
    long count;
} date_step;

/* Days since 1970-01-01 of a civil date and back (H. Hinnant's algorithms). */
long date_days_from_civil(long y, long m, long d);
void date_civil_from_days(long days, long *y, long *m, long *d);
int date_month_days(long y, long m);
long date_serial_to_days(double serial, bool date1904);
double date_days_to_serial(long days, bool date1904);

/* The step from the median of the last (up to 512) gaps; one day when there is none. */
date_step date_detect_step(const double *dates, size_t n);
/* `serial` moved by k steps; a month-end stays a month-end, day 31 becomes the last day
 * of a shorter month. */
double date_add_steps(double serial, date_step step, long k, bool date1904);
/* An ISO date written as text, as CSV files hold them: "2024-03-01", "2024/03/01" or
 * "2024-03" (the first of the month), trailing spaces allowed. */
bool date_parse_iso(const char *text, bool date1904, double *out);

#endif
