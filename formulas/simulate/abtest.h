/* Bayesian A/B test of two conversion rates with Beta(1, 1) priors. */
#ifndef WS_SIMULATE_ABTEST_H
#define WS_SIMULATE_ABTEST_H

#include <stddef.h>
#include <stdint.h>

#include "worldsheet.h"

#define ABTEST_DRAWS 200000

typedef struct abtest_result {
    double p_b_beats_a; /* P(p_B > p_A | data), exact */
    double lift;        /* E[p_B] / E[p_A] - 1 (posterior means) */
    double lift_lower;  /* central `level` interval of p_B/p_A - 1, seeded Monte Carlo */
    double lift_upper;
} abtest_result;

/* Exact P(p_B > p_A) for p_A ~ Beta(a1, b1), p_B ~ Beta(a2, b2) with integer a1, a2 (the
 * closed-form sum of Evan Miller, "Formulas for Bayesian A/B testing", 2015), summed over
 * the smaller of a1, a2; a normal approximation beyond 10 million terms. */
double abtest_prob_b_beats_a(double a1, double b1, double a2, double b2);

/* conv_a of n_a and conv_b of n_b conversions: whole numbers, 0 <= conv <= n, n >= 1.
 * `level` in (0, 1).  ABTEST_DRAWS draws from a fixed seed.  WS_ERR_NUM for bad counts. */
ws_status abtest_run(double conv_a, double n_a, double conv_b, double n_b, double level,
                     abtest_result *out);

#endif
