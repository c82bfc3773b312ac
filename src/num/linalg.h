/* Dense linear algebra: the only module that includes cblas.h and lapacke.h.  Matrices are
 * row-major. */
#ifndef WS_NUM_LINALG_H
#define WS_NUM_LINALG_H

#include <stddef.h>

#include "worldsheet.h"

/* Ridge least squares: minimise |y - X b|^2 + lambda |b|^2 over the columns of X (n×p)
 * whose penalty[j] is nonzero (lambda*penalty[j]).  `penalty` may be NULL (all ones).
 * Writes b (p).  WS_ERR_NUM when the system is singular. */
ws_status linalg_ridge(const double *X, const double *y, size_t n, size_t p, double lambda,
                       const double *penalty, double *b);
double linalg_dot(const double *x, const double *y, size_t n);

#endif
