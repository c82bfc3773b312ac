#include "core/dates.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

long
date_days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void
date_civil_from_days(long z, long *y, long *m, long *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

int
date_month_days(long y, long m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[(m - 1) % 12];
}

/* 25569 is 1970-01-01 in the 1900 system; the 1904 system starts 1462 days later. */
long
date_serial_to_days(double serial, bool date1904)
{
    return (long)floor(serial) + (date1904 ? 1462 : 0) - 25569;
}

double
date_days_to_serial(long days, bool date1904)
{
    return (double)(days + 25569 - (date1904 ? 1462 : 0));
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

date_step
date_detect_step(const double *dates, size_t n)
{
    double gaps[512];
    size_t k = 0;
    for (size_t i = n; i-- > 1 && k < sizeof gaps / sizeof gaps[0];)
        if (isfinite(dates[i]) && isfinite(dates[i - 1]))
            gaps[k++] = dates[i] - dates[i - 1];
    date_step s = {false, 1};
    if (k == 0)
        return s;
    qsort(gaps, k, sizeof gaps[0], cmp_double);
    double g = gaps[k / 2];
    if (g >= 27.5 && g <= 31.5)
        s = (date_step){true, 1};
    else if (g >= 88.5 && g <= 92.5)
        s = (date_step){true, 3};
    else if (g >= 180.5 && g <= 184.5)
        s = (date_step){true, 6};
    else if (g >= 364.5 && g <= 366.5)
        s = (date_step){true, 12};
    else
        s.count = g >= 1.0 ? (long)floor(g + 0.5) : 1;
    return s;
}

double
date_add_steps(double serial, date_step step, long k, bool date1904)
{
    if (!step.months)
        return serial + (double)(step.count * k);
    long y, m, d;
    date_civil_from_days(date_serial_to_days(serial, date1904), &y, &m, &d);
    bool month_end = d == date_month_days(y, m);
    long total = y * 12 + (m - 1) + step.count * k;
    long ny = total / 12, nm = total % 12 + 1;
    int md = date_month_days(ny, nm);
    long nd = month_end || d > md ? md : d;
    return date_days_to_serial(date_days_from_civil(ny, nm, nd), date1904);
}

bool
date_parse_iso(const char *text, bool date1904, double *out)
{
    int y = 0, m = 0, d = 1, used = 0;
    char sep = 0;
    if (sscanf(text, "%4d%c%2d%n", &y, &sep, &m, &used) != 3 || (sep != '-' && sep != '/'))
        return false;
    if (text[used] == sep) {
        int more = 0;
        if (sscanf(text + used + 1, "%2d%n", &d, &more) != 1)
            return false;
        used += 1 + more;
    }
    while (text[used] == ' ')
        used++;
    if (text[used] || m < 1 || m > 12 || d < 1 || d > date_month_days(y, m) || y < 1900)
        return false;
    *out = date_days_to_serial(date_days_from_civil(y, m, d), date1904);
    return true;
}
