#include "num/linalg.h"

#include <cblas.h>
#include <lapacke.h>

#include "core/diag.h"
#include "core/mem.h"

double
linalg_dot(const double *x, const double *y, size_t n)
{
    return cblas_ddot((blasint)n, x, 1, y, 1);
}

ws_status
linalg_ridge(const double *X, const double *y, size_t n, size_t p, double lambda,
             const double *penalty, double *b)
{
    double *A = mem_alloc(p * p * sizeof *A);
    if (!A)
        return diag_nomem();
    /* A = X'X + lambda*diag(penalty), b = X'y; solved by Cholesky. */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (blasint)p, (blasint)n, 1.0, X,
                (blasint)p, 0.0, A, (blasint)p);
    for (size_t j = 0; j < p; j++)
        A[j * p + j] += lambda * (penalty ? penalty[j] : 1.0);
    cblas_dgemv(CblasRowMajor, CblasTrans, (blasint)n, (blasint)p, 1.0, X, (blasint)p, y, 1,
                0.0, b, 1);
    lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)p, 1, A, (lapack_int)p,
                                    b, 1);
    mem_free(A);
    if (info != 0)
        return diag_fail(WS_ERR_NUM, "the regression is singular (a lever may never vary)");
    return WS_OK;
}
