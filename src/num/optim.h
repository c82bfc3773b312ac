/* Bounded local minimisation without derivatives: the one module that includes nlopt.h. */
#ifndef WS_NUM_OPTIM_H
#define WS_NUM_OPTIM_H

#include <stddef.h>

#include "worldsheet.h"

typedef double (*optim_fn)(const double *x, size_t n, void *data);

/* Minimise f over the box [lo, hi] from x (updated in place) with BOBYQA, at most
 * `maxeval` evaluations, stopping when steps shrink below xtol_abs (absolute, per
 * coordinate: a relative tolerance alone stops at once from x = 0).  *fbest gets f(x).
 * Deterministic.  WS_ERR_NUM when NLopt fails outright; running out of evaluations is not
 * a failure (the best point so far is kept). */
ws_status optim_bobyqa(optim_fn f, void *data, size_t n, const double *lo, const double *hi,
                       double xtol_abs, size_t maxeval, double *x, double *fbest);

#endif
