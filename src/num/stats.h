/* Descriptive statistics on arrays of doubles.  NaN entries are missing values and are
 * skipped unless a function says otherwise. */
#ifndef WS_NUM_STATS_H
#define WS_NUM_STATS_H

#include <stddef.h>

size_t stats_count(const double *x, size_t n);
double stats_mean(const double *x, size_t n);
/* Sample standard deviation (n-1), as STDEV; NaN with fewer than 2 values. */
double stats_sd(const double *x, size_t n);
double stats_min(const double *x, size_t n);
double stats_max(const double *x, size_t n);
/* Median of the non-missing values; `work` must hold n doubles.  NaN when none. */
double stats_median(const double *x, size_t n, double *work);
/* Least-squares slope of x[i] against i (0-based positions, missing skipped); NaN with
 * fewer than 2 values. */
double stats_trend(const double *x, size_t n);
/* Autocorrelation of a complete series (no NaN) at lags 1..max_lag into acf[0..max_lag-1]. */
void stats_acf(const double *x, size_t n, size_t max_lag, double *acf);
/* Quantile function of the standard normal. */
double stats_norm_quantile(double p);
/* Cumulative distribution of the standard normal. */
double stats_norm_cdf(double z);
/* Quantile function of Student's t with nu > 0 degrees of freedom (Cornish-Fisher, four
 * terms: at 0.975 within 0.2% for nu >= 3, 0.7% at nu = 2). */
double stats_t_quantile(double p, double nu);

#endif
