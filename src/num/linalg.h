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

/* Normal equations of a least squares with k outputs, accumulated block by block: for a
 * row-major block Z (r×p) and its targets T (r×k), A += Z'Z (p×p, upper triangle only)
 * and B += Z'T (p×k, row-major). */
void linalg_normal_add(const double *Z, const double *T, size_t r, size_t p, size_t k,
                       double *A, double *B);

/* Solve A X = B for a symmetric positive definite A (p×p, upper triangle read; destroyed)
 * and k right-hand sides B (p×k, row-major), overwritten by X.  WS_ERR_NUM when A is not
 * positive definite. */
ws_status linalg_spd_solve(double *A, double *B, size_t p, size_t k);

/* Gram matrix of the first n rows of a column-major n×p block D (leading dimension ld):
 * A = D'D (p×p, both triangles filled) and, when y and b are not NULL, b = D'y. */
void linalg_gram_cols(const double *D, size_t ld, size_t n, size_t p, const double *y,
                      double *A, double *b);

/* Minimise 1/2 x'A x - b'x subject to x[j] >= 0 wherever nonneg[j] is nonzero (`nonneg`
 * may be NULL: no constraint), for a symmetric positive definite A (p×p, full).  An
 * active-set method (Lawson–Hanson on the normal equations): exact, finite.  Writes x
 * (p).  WS_ERR_NUM when a sub-system is singular. */
ws_status linalg_qp_nonneg(const double *A, const double *b, size_t p,
                           const unsigned char *nonneg, double *x);

/* Inverse of a symmetric positive definite matrix (p×p, full) into inv (full).
 * WS_ERR_NUM when it is not positive definite. */
ws_status linalg_spd_inverse(const double *A, size_t p, double *inv);

/* Lower Cholesky factor L (p×p, row-major, upper part zero) of a symmetric positive
 * semi-definite matrix; a tiny ridge is added when it is only semi-definite.
 * WS_ERR_NUM when it cannot be factored. */
ws_status linalg_cholesky(const double *A, size_t p, double *L);
