#include "num/optim.h"

#include <math.h>
#include <nlopt.h>

#include "core/diag.h"

typedef struct optim_ctx {
    optim_fn f;
    void *data;
} optim_ctx;

static double
optim_thunk(unsigned n, const double *x, double *grad, void *data)
{
    (void)grad;
    const optim_ctx *ctx = data;
    double v = ctx->f(x, n, ctx->data);
    return isfinite(v) ? v : HUGE_VAL;
}

ws_status
optim_bobyqa(optim_fn f, void *data, size_t n, const double *lo, const double *hi,
             double xtol_abs, size_t maxeval, double *x, double *fbest)
{
    optim_ctx ctx = {f, data};
    nlopt_opt opt = nlopt_create(NLOPT_LN_BOBYQA, (unsigned)n);
    if (!opt)
        return diag_nomem();
    ws_status st = WS_OK;
    double best = HUGE_VAL;
    nlopt_set_lower_bounds(opt, lo);
    nlopt_set_upper_bounds(opt, hi);
    nlopt_set_min_objective(opt, optim_thunk, &ctx);
    nlopt_set_xtol_abs1(opt, xtol_abs);
    nlopt_set_ftol_rel(opt, 1e-12);
    nlopt_set_maxeval(opt, (int)maxeval);
    for (size_t i = 0; i < n; i++)
        x[i] = fmin(fmax(x[i], lo[i]), hi[i]);
    nlopt_result r = nlopt_optimize(opt, x, &best);
    if (r < 0 && r != NLOPT_ROUNDOFF_LIMITED)
        st = diag_fail(WS_ERR_NUM, "the optimiser failed (NLopt code %d)", (int)r);
    else
        *fbest = best;
    nlopt_destroy(opt);
    return st;
}
