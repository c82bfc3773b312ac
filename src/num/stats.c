#include "num/stats.h"

#include <math.h>
#include <stdlib.h>

size_t
stats_count(const double *x, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += !isnan(x[i]);
    return k;
}

double
stats_mean(const double *x, size_t n)
{
    double sum = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(x[i])) {
            sum += x[i];
            k++;
        }
    }
    return k ? sum / (double)k : NAN;
}

double
stats_sd(const double *x, size_t n)
{
    size_t k = stats_count(x, n);
    if (k < 2)
        return NAN;
    double mean = stats_mean(x, n), ss = 0.0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            ss += (x[i] - mean) * (x[i] - mean);
    return sqrt(ss / (double)(k - 1));
}

double
stats_min(const double *x, size_t n)
{
    double m = NAN;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (isnan(m) || x[i] < m))
            m = x[i];
    return m;
}

double
stats_max(const double *x, size_t n)
{
    double m = NAN;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]) && (isnan(m) || x[i] > m))
            m = x[i];
    return m;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double
stats_median(const double *x, size_t n, double *work)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            work[k++] = x[i];
    if (k == 0)
        return NAN;
    qsort(work, k, sizeof *work, cmp_double);
    return k % 2 ? work[k / 2] : 0.5 * (work[k / 2 - 1] + work[k / 2]);
}

double
stats_trend(const double *x, size_t n)
{
    double st = 0.0, sy = 0.0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(x[i])) {
            st += (double)i;
            sy += x[i];
            k++;
        }
    }
    if (k < 2)
        return NAN;
    double mt = st / (double)k, my = sy / (double)k, sxy = 0.0, sxx = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isnan(x[i])) {
            sxy += ((double)i - mt) * (x[i] - my);
            sxx += ((double)i - mt) * ((double)i - mt);
        }
    }
    return sxy / sxx;
}

void
stats_acf(const double *x, size_t n, size_t max_lag, double *acf)
{
    double mean = 0.0;
    for (size_t i = 0; i < n; i++)
        mean += x[i];
    mean /= (double)(n ? n : 1);
    double denom = 0.0;
    for (size_t i = 0; i < n; i++)
        denom += (x[i] - mean) * (x[i] - mean);
    for (size_t lag = 1; lag <= max_lag; lag++) {
        double num = 0.0;
        for (size_t i = lag; i < n; i++)
            num += (x[i] - mean) * (x[i - lag] - mean);
        acf[lag - 1] = denom > 0.0 ? num / denom : 0.0;
    }
}

double
stats_norm_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* Acklam's rational approximation refined by one Halley step: full double precision. */
double
stats_norm_quantile(double p)
{
    if (!(p > 0.0 && p < 1.0))
        return p == 0.0 ? -INFINITY : p == 1.0 ? INFINITY : NAN;
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    double q, x;
    if (p < 0.02425) {
        q = sqrt(-2.0 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else if (p > 1.0 - 0.02425) {
        q = sqrt(-2.0 * log(1.0 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
    } else {
        q = p - 0.5;
        double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
    }
    double e = stats_norm_cdf(x) - p;
    double u = e * sqrt(2.0 * M_PI) * exp(x * x / 2.0);
    return x - u / (1.0 + x * u / 2.0);
}

/* Abramowitz & Stegun 26.7.5: the expansion of t in powers of 1/nu around the normal
 * quantile x. */
double
stats_t_quantile(double p, double nu)
{
    double x = stats_norm_quantile(p), x2 = x * x;
    double g1 = (x2 + 1.0) * x / 4.0;
    double g2 = ((5.0 * x2 + 16.0) * x2 + 3.0) * x / 96.0;
    double g3 = (((3.0 * x2 + 19.0) * x2 + 17.0) * x2 - 15.0) * x / 384.0;
    double g4 = ((((79.0 * x2 + 776.0) * x2 + 1482.0) * x2 - 1920.0) * x2 - 945.0) * x / 92160.0;
    return x + g1 / nu + g2 / (nu * nu) + g3 / (nu * nu * nu) + g4 / (nu * nu * nu * nu);
}
