/* A seeded, deterministic random number generator (xoshiro256**, seeded by splitmix64).
 * Never rand(), never the clock: the same seed gives the same draws on every machine. */
#ifndef WS_NUM_RNG_H
#define WS_NUM_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
    double spare; /* second normal draw of Box–Muller, NaN when none */
} rng;

void rng_seed(rng *r, uint64_t seed);
uint64_t rng_next(rng *r);
/* Uniform on [0, 1). */
double rng_uniform(rng *r);
/* Standard normal. */
double rng_normal(rng *r);
/* Gamma(shape, 1), shape > 0 (Marsaglia–Tsang). */
double rng_gamma(rng *r, double shape);
/* Beta(a, b). */
double rng_beta(rng *r, double a, double b);

#endif
