#include "num/linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdbool.h>

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

void
linalg_normal_add(const double *Z, const double *T, size_t r, size_t p, size_t k, double *A,
                  double *B)
{
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (blasint)p, (blasint)r, 1.0, Z,
                (blasint)p, 1.0, A, (blasint)p);
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (blasint)p, (blasint)k, (blasint)r,
                1.0, Z, (blasint)p, T, (blasint)k, 1.0, B, (blasint)k);
}

ws_status
linalg_spd_solve(double *A, double *B, size_t p, size_t k)
{
    lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)p, (lapack_int)k, A,
                                    (lapack_int)p, B, (lapack_int)k);
    if (info != 0)
        return diag_fail(WS_ERR_NUM, "the least-squares system is singular");
    return WS_OK;
}

void
linalg_gram_cols(const double *D, size_t ld, size_t n, size_t p, const double *y, double *A,
                 double *b)
{
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (blasint)p, (blasint)n, 1.0, D,
                (blasint)ld, 0.0, A, (blasint)p);
    /* Column-major upper triangle: A[j*p + i] for i <= j; mirror it. */
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < j; i++)
            A[i * p + j] = A[j * p + i];
    if (y && b)
        cblas_dgemv(CblasColMajor, CblasTrans, (blasint)n, (blasint)p, 1.0, D, (blasint)ld, y,
                    1, 0.0, b, 1);
}

/* Solve A[P,P] z[P] = b[P] for the index set P (count m); z is zero elsewhere. */
static ws_status
solve_subset(const double *A, const double *b, size_t p, const size_t *P, size_t m,
             double *work, double *z)
{
    double *S = work, *r = work + m * m;
    for (size_t i = 0; i < m; i++) {
        for (size_t j = 0; j < m; j++)
            S[i * m + j] = A[P[i] * p + P[j]];
        r[i] = b[P[i]];
    }
    for (size_t j = 0; j < p; j++)
        z[j] = 0.0;
    if (m == 0)
        return WS_OK;
    lapack_int info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 'U', (lapack_int)m, 1, S, (lapack_int)m,
                                    r, 1);
    if (info != 0)
        return diag_fail(WS_ERR_NUM, "the regression is singular (a lever may never vary)");
    for (size_t i = 0; i < m; i++)
        z[P[i]] = r[i];
    return WS_OK;
}

ws_status
linalg_qp_nonneg(const double *A, const double *b, size_t p, const unsigned char *nonneg,
                 double *x)
{
    ws_status st = WS_OK;
    size_t *P = mem_alloc((p + 1) * sizeof *P);
    unsigned char *in = mem_calloc(p + 1, 1);
    double *work = mem_alloc((p * p + 3 * p + 1) * sizeof *work);
    if (!P || !in || !work) {
        st = diag_nomem();
        goto done;
    }
    double *z = work + p * p + p, *w = z + p;
    /* The unconstrained optimum is the answer whenever it is feasible (the usual case). */
    size_t m = 0;
    for (size_t j = 0; j < p; j++) {
        P[m++] = j;
        in[j] = 1;
    }
    if ((st = solve_subset(A, b, p, P, m, work, z)))
        goto done;
    bool feasible = true;
    for (size_t j = 0; j < p && nonneg; j++)
        if (nonneg[j] && z[j] < 0.0)
            feasible = false;
    if (feasible) {
        for (size_t j = 0; j < p; j++)
            x[j] = z[j];
        goto done;
    }
    /* Lawson–Hanson from the feasible point where every constrained variable is zero. */
    m = 0;
    for (size_t j = 0; j < p; j++) {
        in[j] = !nonneg[j];
        if (in[j])
            P[m++] = j;
    }
    if ((st = solve_subset(A, b, p, P, m, work, x)))
        goto done;
    double scale = 0.0;
    for (size_t j = 0; j < p; j++)
        scale = fmax(scale, fabs(b[j]));
    double tol = 1e-12 * (scale > 0 ? scale : 1.0);
    for (size_t outer = 0; outer < 3 * p + 10; outer++) {
        size_t best = p;
        double wbest = tol;
        for (size_t j = 0; j < p; j++) {
            if (in[j])
                continue;
            double g = b[j];
            for (size_t i = 0; i < p; i++)
                g -= A[j * p + i] * x[i];
            w[j] = g;
            if (g > wbest) {
                wbest = g;
                best = j;
            }
        }
        if (best == p)
            break;
        in[best] = 1;
        for (size_t inner = 0; inner < 3 * p + 10; inner++) {
            m = 0;
            for (size_t j = 0; j < p; j++)
                if (in[j])
                    P[m++] = j;
            if ((st = solve_subset(A, b, p, P, m, work, z)))
                goto done;
            double alpha = 1.0;
            bool clipped = false;
            for (size_t j = 0; j < p; j++) {
                if (in[j] && nonneg[j] && z[j] <= 0.0) {
                    double a = x[j] / (x[j] - z[j]);
                    if (!clipped || a < alpha)
                        alpha = a;
                    clipped = true;
                }
            }
            if (!clipped) {
                for (size_t j = 0; j < p; j++)
                    x[j] = z[j];
                break;
            }
            for (size_t j = 0; j < p; j++) {
                x[j] += alpha * (z[j] - x[j]);
                if (in[j] && nonneg[j] && x[j] <= 1e-15 * (1.0 + fabs(z[j]))) {
                    x[j] = 0.0;
                    in[j] = 0;
                }
            }
        }
    }
done:
    mem_free(work);
    mem_free(in);
    mem_free(P);
    return st;
}

ws_status
linalg_spd_inverse(const double *A, size_t p, double *inv)
{
    for (size_t i = 0; i < p * p; i++)
        inv[i] = A[i];
    if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'U', (lapack_int)p, inv, (lapack_int)p) != 0 ||
        LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'U', (lapack_int)p, inv, (lapack_int)p) != 0)
        return diag_fail(WS_ERR_NUM, "the regression is singular (a lever may never vary)");
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < i; j++)
            inv[i * p + j] = inv[j * p + i];
    return WS_OK;
}

ws_status
linalg_cholesky(const double *A, size_t p, double *L)
{
    double diag = 0.0;
    for (size_t i = 0; i < p; i++)
        diag = fmax(diag, A[i * p + i]);
    for (int attempt = 0; attempt < 4; attempt++) {
        double jitter = attempt ? diag * pow(10.0, -12.0 + 3.0 * attempt) : 0.0;
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++)
                L[i * p + j] = j <= i ? A[i * p + j] + (i == j ? jitter : 0.0) : 0.0;
        if (p == 0 || LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', (lapack_int)p, L, (lapack_int)p) == 0)
            return WS_OK;
    }
    return diag_fail(WS_ERR_NUM, "the coefficient covariance is not positive semi-definite");
}
