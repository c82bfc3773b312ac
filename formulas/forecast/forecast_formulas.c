/* Placeholder: the forecast formulas land with their issue. */
#include "registry.h"

const formula_family forecast_family = {NULL, 0};
