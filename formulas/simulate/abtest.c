#include "simulate/abtest.h"

#include <math.h>
#include <stdlib.h>

#include "core/diag.h"
#include "core/mem.h"
#include "num/rng.h"
#include "num/stats.h"

/* lgamma_r, not lgamma: lgamma writes the global signgam, a data race between threads
 * (found by ThreadSanitizer in tests/engine/test_threads.c). */
static double
lbeta(double a, double b)
{
    int sign;
    return lgamma_r(a, &sign) + lgamma_r(b, &sign) - lgamma_r(a + b, &sign);
}

/* P(X > Y), X ~ Beta(ax, bx), Y ~ Beta(ay, by), ax a whole number. */
static double
prob_greater(double ax, double bx, double ay, double by)
{
    double s = 0, c = 0;
    double lb = lbeta(ay, by);
    for (double i = 0; i < ax; i++) {
        double term = exp(lbeta(ay + i, by + bx) - log(bx + i) - lbeta(1 + i, bx) - lb);
        double y = term - c, t = s + y;
        c = (t - s) - y;
        s = t;
    }
    return fmin(fmax(s, 0.0), 1.0);
}

double
abtest_prob_b_beats_a(double a1, double b1, double a2, double b2)
{
    double fewer = fmin(a1, a2);
    if (fewer > 1e7) {
        double m1 = a1 / (a1 + b1), m2 = a2 / (a2 + b2);
        double v1 = m1 * (1 - m1) / (a1 + b1 + 1), v2 = m2 * (1 - m2) / (a2 + b2 + 1);
        return stats_norm_cdf((m2 - m1) / sqrt(v1 + v2));
    }
    if (a2 <= a1)
        return prob_greater(a2, b2, a1, b1);
    return 1.0 - prob_greater(a1, b1, a2, b2);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static ws_status
check_counts(const char *conv_name, double conv, const char *n_name, double n)
{
    if (!isfinite(n) || n < 1 || n != floor(n))
        return diag_fail(WS_ERR_NUM, "%s: %g is not a positive whole number of trials",
                         n_name, n);
    if (!isfinite(conv) || conv < 0 || conv != floor(conv))
        return diag_fail(WS_ERR_NUM, "%s: %g is not a whole number of conversions",
                         conv_name, conv);
    if (conv > n)
        return diag_fail(WS_ERR_NUM, "%s: %g conversions are more than the %g trials",
                         conv_name, conv, n);
    return WS_OK;
}

ws_status
abtest_run(double conv_a, double n_a, double conv_b, double n_b, double level,
           abtest_result *out)
{
    ws_status st;
    if ((st = check_counts("conv_a", conv_a, "n_a", n_a)) ||
        (st = check_counts("conv_b", conv_b, "n_b", n_b)))
        return st;
    if (!(level > 0 && level < 1))
        return diag_fail(WS_ERR_NUM, "level: %g must be between 0 and 1", level);
    double a1 = conv_a + 1, b1 = n_a - conv_a + 1, a2 = conv_b + 1, b2 = n_b - conv_b + 1;
    double *lift = mem_alloc(ABTEST_DRAWS * sizeof *lift);
    if (!lift)
        return diag_nomem();
    rng r;
    rng_seed(&r, 0x61627465737431ull);
    for (size_t i = 0; i < ABTEST_DRAWS; i++) {
        double pa = rng_beta(&r, a1, b1), pb = rng_beta(&r, a2, b2);
        lift[i] = pb / fmax(pa, 1e-300) - 1.0;
    }
    qsort(lift, ABTEST_DRAWS, sizeof *lift, cmp_double);
    double lo_pos = (1 - level) / 2 * (ABTEST_DRAWS - 1), hi_pos = (1 + level) / 2 *
                                                                   (ABTEST_DRAWS - 1);
    size_t li = (size_t)lo_pos, hi = (size_t)hi_pos;
    abtest_result res;
    res.p_b_beats_a = abtest_prob_b_beats_a(a1, b1, a2, b2);
    res.lift = (a2 / (a2 + b2)) / (a1 / (a1 + b1)) - 1.0;
    res.lift_lower = lift[li] + (lo_pos - (double)li) * (lift[li + 1 < ABTEST_DRAWS ? li + 1 : li] -
                                                        lift[li]);
    res.lift_upper = lift[hi] + (hi_pos - (double)hi) * (lift[hi + 1 < ABTEST_DRAWS ? hi + 1 : hi] -
                                                        lift[hi]);
    mem_free(lift);
    *out = res;
    return WS_OK;
}
