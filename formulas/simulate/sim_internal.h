/* Shared by the simulate formulas and jobs: reading the KPI/levers/kinds inputs, and the
 * cache of fitted models (thread-safe, reference counted). */
#ifndef WS_SIMULATE_SIM_INTERNAL_H
#define WS_SIMULATE_SIM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/value.h"
#include "simulate/mmm.h"

#define SIM_DRAWS 1000
#define SIM_SEED 20240611u
#define NAME_MAX_LEN 64

typedef struct sim_input {
    size_t n, k;
    double *y;       /* n, NaN for blanks */
    double *X;       /* n×k row-major */
    mmm_kind *kinds; /* k */
    char (*names)[NAME_MAX_LEN];
    bool header;     /* the levers had a header row */
} sim_input;

/* Read the KPI (a column or row, optional text header), the levers (a table whose first
 * row may name them) and the kinds (NULL: all spend).  Clear with sim_input_clear(). */
ws_status sim_read_input(const ws_range *kpi, const ws_range *levers, const ws_range *kinds,
                         sim_input *in);
void sim_input_clear(sim_input *in);

typedef struct cache_entry cache_entry;

/* The fitted model for these inputs, from the cache or fitted now; the model is
 * sim_entry_model(entry).  Release with sim_model_release(). */
ws_status sim_model_get(const sim_input *in, cache_entry **out);
void sim_model_release(cache_entry *entry);
const mmm_model *sim_entry_model(const cache_entry *entry);

#endif
