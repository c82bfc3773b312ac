/* Placeholder: the simulate formulas land with their issue. */
#include "registry.h"

const formula_family simulate_family = {NULL, 0};
