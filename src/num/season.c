/* Seasonal period detection: the classical significance test on the autocorrelation at
 * the usual calendar periods (as forecast::thetaf and the M4 benchmarks test the one
 * known period), on the series with its trend removed by a centred moving average over
 * the candidate period (as a classical decomposition does: the average removes a season
 * of that period from the trend estimate, so the remainder keeps it).
 *
 * The rule, deterministic:
 *  1. trim leading/trailing gaps, interpolate inner ones linearly;
 *  2. candidates: 4, 5, 6, 7, 12, 24, 48, 52, 168, 336, 365 with at least three full
 *     cycles in the series;
 *  3. for candidate p, d = y - (centred moving average of order p, 2xp when p is even),
 *     r(k) its autocorrelations; p is significant when r(p) is a local peak
 *     (r(p) >= r(p-1), r(p) >= r(p+1)) and
 *     r(p) > 2.576 min(sqrt(1 + 2 sum_{k<p} r(k)^2), 1.2) sqrt(N - p) / N
 *     and the first differences are positively autocorrelated at lag p too:
 *     Bartlett's standard error at the one-sided 99.5% level (about ten candidates are
 *     tested), its factor capped at 1.2 because a strong season makes every r(k) large
 *     and the uncapped formula then rejects the very season it should find;
 *  4. the significant candidate with the largest r(p) wins, except that a significant
 *     divisor of it with at least 0.9 of its r(p) is preferred (24 over 168, 12 over 24);
 *     0 when none is. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "core/mem.h"
#include "num/season.h"
#include "num/stats.h"

/* One-sided 99.5%: about ten candidates are tested, and white noise must come out 0
 * (thetaf's 90% is for one known period). */
#define SEASON_Z 2.576
#define SEASON_BARTLETT_CAP 1.2
/* Guards against tiny but "significant" peaks on very long series, where any lag passes
 * the test and a forecaster gains nothing from a season that weak. */
#define SEASON_MIN_R 0.15

static const size_t season_candidates[] = {4, 5, 6, 7, 12, 24, 48, 52, 168, 336, 365};

/* Autocorrelations r[0..lags) (lag 1..lags) of y minus its centred moving average of
 * order p; N (the remainder's length) in *len.  work holds n doubles. */
static void
season_remainder_acf(const double *y, size_t n, size_t p, size_t lags, double *work,
                     double *r, size_t *len)
{
    size_t half = p / 2;
    bool even = p % 2 == 0;
    double win = 0.0;
    for (size_t k = 0; k <= 2 * half; k++)
        win += y[k];
    size_t m = 0;
    for (size_t t = half; t + half < n; t++) {
        double ma = even ? (win - 0.5 * y[t - half] - 0.5 * y[t + half]) / (double)p
                         : win / (double)p;
        work[m++] = y[t] - ma;
        if (t + half + 1 < n)
            win += y[t + half + 1] - y[t - half];
    }
    *len = m;
    stats_acf(work, m, lags, r);
}

/* Autocorrelation at lag p of the first differences: a random walk's moving-average
 * remainder can show a spurious peak, its differences (white noise) rarely agree. */
static double
season_diff_acf(const double *x, size_t n, size_t p)
{
    if (n < p + 3)
        return 0.0;
    double mean = (x[n - 1] - x[0]) / (double)(n - 1), num = 0.0, den = 0.0;
    for (size_t t = 1; t < n; t++) {
        double a = x[t] - x[t - 1] - mean;
        den += a * a;
        if (t + p < n)
            num += a * (x[t + p] - x[t + p - 1] - mean);
    }
    return den > 0.0 ? num / den : 0.0;
}

size_t
season_detect(const double *y, size_t n)
{
    size_t first = 0, last = n;
    while (first < n && isnan(y[first]))
        first++;
    while (last > first && isnan(y[last - 1]))
        last--;
    size_t k = last - first;
    if (k < 12)
        return 0;
    size_t maxp = 0;
    for (size_t c = 0; c < sizeof season_candidates / sizeof season_candidates[0]; c++)
        if (3 * season_candidates[c] <= k)
            maxp = season_candidates[c];
    if (maxp == 0)
        return 0;
    double *x = mem_alloc(k * sizeof *x);
    double *d = mem_alloc(k * sizeof *d);
    double *r = mem_alloc((maxp + 1) * sizeof *r);
    size_t best = 0;
    size_t sig[sizeof season_candidates / sizeof season_candidates[0]];
    double sig_r[sizeof season_candidates / sizeof season_candidates[0]];
    size_t nsig = 0;
    if (!x || !d || !r)
        goto done;
    memcpy(x, y + first, k * sizeof *x);
    for (size_t i = 0; i < k; i++) {
        if (!isnan(x[i]))
            continue;
        size_t j = i;
        while (isnan(x[j]))
            j++;
        double a = x[i - 1], b = x[j];
        for (size_t t = i; t < j; t++)
            x[t] = a + (b - a) * (double)(t - i + 1) / (double)(j - i + 1);
        i = j;
    }
    for (size_t c = 0; c < sizeof season_candidates / sizeof season_candidates[0]; c++) {
        size_t p = season_candidates[c];
        if (3 * p > k)
            break;
        size_t len = 0;
        season_remainder_acf(x, k, p, p + 1, d, r, &len);
        if (len < p + 4)
            continue;
        double rp = r[p - 1];
        if (!(rp > SEASON_MIN_R) || rp < r[p - 2] || rp < r[p])
            continue;
        double sum2 = 0.0;
        for (size_t i = 0; i + 1 < p; i++)
            sum2 += r[i] * r[i];
        double bartlett = sqrt(1.0 + 2.0 * sum2);
        if (bartlett > SEASON_BARTLETT_CAP)
            bartlett = SEASON_BARTLETT_CAP;
        /* r(p) sums only N - p products: its null standard deviation is about
         * sqrt(N - p) / N, not 1 / sqrt(N), which matters on series of three seasons. */
        double sd = sqrt((double)(len - p)) / (double)len;
        if (rp > SEASON_Z * bartlett * sd && season_diff_acf(x, k, p) > 0.0) {
            sig[nsig] = p;
            sig_r[nsig++] = rp;
        }
    }
    double best_r = 0.0;
    for (size_t i = 0; i < nsig; i++) {
        if (sig_r[i] > best_r) {
            best_r = sig_r[i];
            best = sig[i];
        }
    }
    for (size_t i = 0; i < nsig; i++) {
        if (sig[i] < best && best % sig[i] == 0 && sig_r[i] >= 0.9 * best_r) {
            best = sig[i];
            break;
        }
    }
done:
    mem_free(x);
    mem_free(d);
    mem_free(r);
    return best;
}
