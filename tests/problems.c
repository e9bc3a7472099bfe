/* problems.c: the shared test problems (see problems.h). */
#include "problems.h"
#include "fixtures/refs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const double prob_lv_theta[4] = {2.0 / 3.0, 4.0 / 3.0, 1.0, 1.0};
const double prob_lin_A[4] = {-0.1, 2.0, -2.0, -0.1};

int prob_lv_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], v = y[2 * b + 1];
        dy[2 * b] = th[0] * x - th[1] * x * v;
        dy[2 * b + 1] = th[2] * x * v - th[3] * v;
    }
    return 0;
}

int prob_lv_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], v = y[2 * b + 1], *Jb = J + 4 * b;
        Jb[0] = th[0] - th[1] * v; Jb[1] = -th[1] * x;
        Jb[2] = th[2] * v;         Jb[3] = th[2] * x - th[3];
    }
    return 0;
}

int prob_lv_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                double *gy, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], v = y[2 * b + 1], a0 = a[2 * b], a1 = a[2 * b + 1];
        if (gy) {
            gy[2 * b] += a0 * (th[0] - th[1] * v) + a1 * th[2] * v;
            gy[2 * b + 1] += -a0 * th[1] * x + a1 * (th[2] * x - th[3]);
        }
        if (gth) {
            gth[0] += a0 * x;
            gth[1] -= a0 * x * v;
            gth[2] += a1 * x * v;
            gth[3] -= a1 * v;
        }
    }
    return 0;
}

/* a^T J v = a0 ((th0 - th1 y1) v0 - th1 y0 v1) + a1 (th2 y1 v0 + (th2 y0 - th3) v1). */
int prob_lv_vhp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                const double *v, double *gy, double *gth)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], w = y[2 * b + 1], a0 = a[2 * b], a1 = a[2 * b + 1], v0 = v[2 * b], v1 = v[2 * b + 1];
        double c = th[2] * a1 - th[1] * a0; /* d^2 f / dx dy contracted with a */
        if (gy) {
            gy[2 * b] += c * v1;
            gy[2 * b + 1] += c * v0;
        }
        if (gth) {
            gth[0] += a0 * v0;
            gth[1] -= a0 * (w * v0 + x * v1);
            gth[2] += a1 * (w * v0 + x * v1);
            gth[3] -= a1 * v1;
        }
    }
    return 0;
}

nde_system prob_lv(double theta[4])
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 2;
    s.nparams = 4;
    s.params = theta;
    s.f = prob_lv_f;
    s.jac = prob_lv_jac;
    s.vjp = prob_lv_vjp;
    s.vhp = prob_lv_vhp;
    return s;
}

int prob_lin_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    const double *A = (const double *)ctx;
    int b;
    (void)t; (void)th;
    for (b = 0; b < B; b++) {
        dy[2 * b] = A[0] * y[2 * b] + A[1] * y[2 * b + 1];
        dy[2 * b + 1] = A[2] * y[2 * b] + A[3] * y[2 * b + 1];
    }
    return 0;
}

int prob_lin_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    int b;
    (void)t; (void)y; (void)th;
    for (b = 0; b < B; b++) memcpy(J + 4 * b, ctx, 4 * sizeof(double));
    return 0;
}

nde_system prob_lin(const double A[4])
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 2;
    s.ctx = (void *)A;
    s.f = prob_lin_f;
    s.jac = prob_lin_jac;
    return s;
}

int prob_decay_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) dy[b] = -th[0] * y[b];
    return 0;
}

int prob_decay_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                   double *gy, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        if (gy) gy[b] -= th[0] * a[b];
        if (gth) gth[0] -= a[b] * y[b];
    }
    return 0;
}

nde_system prob_decay(double *lambda)
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 1;
    s.nparams = 1;
    s.params = lambda;
    s.f = prob_decay_f;
    s.vjp = prob_decay_vjp;
    return s;
}

int prob_pend_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        dy[2 * b] = th[0] * y[2 * b + 1];
        dy[2 * b + 1] = -th[1] * sin(y[2 * b]);
    }
    return 0;
}

int prob_pend_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                  double *gy, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        double q = y[2 * b], p = y[2 * b + 1], a0 = a[2 * b], a1 = a[2 * b + 1];
        if (gy) {
            gy[2 * b] += -a1 * th[1] * cos(q);
            gy[2 * b + 1] += a0 * th[0];
        }
        if (gth) {
            gth[0] += a0 * p;
            gth[1] -= a1 * sin(q);
        }
    }
    return 0;
}

nde_system prob_pend(double theta[2])
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 2;
    s.nparams = 2;
    s.params = theta;
    s.f = prob_pend_f;
    s.vjp = prob_pend_vjp;
    return s;
}

int prob_run_y(void *ctx, double t, int B, int D, const double *y, double *g, double *gy)
{
    int b;
    (void)ctx; (void)t;
    memset(gy, 0, (size_t)B * D * sizeof(double)); /* g = y_0: the other components do not enter */
    for (b = 0; b < B; b++) { g[b] = y[(long)b * D]; gy[(long)b * D] = 1.0; }
    return 0;
}

int prob_rober_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    const double *k = ref_rober_k;
    int b;
    (void)ctx; (void)t; (void)th;
    for (b = 0; b < B; b++) {
        const double *u = y + 3 * b;
        dy[3 * b] = -k[0] * u[0] + k[2] * u[1] * u[2];
        dy[3 * b + 1] = k[0] * u[0] - k[2] * u[1] * u[2] - k[1] * u[1] * u[1];
        dy[3 * b + 2] = k[1] * u[1] * u[1];
    }
    return 0;
}

int prob_rober_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    const double *k = ref_rober_k;
    int b;
    (void)ctx; (void)t; (void)th;
    for (b = 0; b < B; b++) {
        const double *u = y + 3 * b;
        double *Jb = J + 9 * b;
        Jb[0] = -k[0]; Jb[1] = k[2] * u[2];                    Jb[2] = k[2] * u[1];
        Jb[3] = k[0];  Jb[4] = -k[2] * u[2] - 2 * k[1] * u[1]; Jb[5] = -k[2] * u[1];
        Jb[6] = 0;     Jb[7] = 2 * k[1] * u[1];                Jb[8] = 0;
    }
    return 0;
}

nde_system prob_rober(void)
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 3;
    s.f = prob_rober_f;
    s.jac = prob_rober_jac;
    return s;
}

int prob_cubic_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t; (void)th;
    for (b = 0; b < B; b++) {
        double u = y[2 * b] * y[2 * b] * y[2 * b], v = y[2 * b + 1] * y[2 * b + 1] * y[2 * b + 1];
        dy[2 * b] = -0.1 * u - 2.0 * v;
        dy[2 * b + 1] = 2.0 * u - 0.1 * v;
    }
    return 0;
}

int prob_spiral_data(double *t, double *y)
{
    nde_system truth;
    nde_options opt;
    double y0[2] = {2.0, 0.0};
    memset(&truth, 0, sizeof truth);
    truth.dim = 2;
    truth.f = prob_cubic_f;
    memset(&opt, 0, sizeof opt);
    opt.rtol = 1e-7;
    opt.atol = 1e-9;
    nde_linspace(PROB_SPIRAL_N, 0.0, 25.0, t);
    return nde_solve(&truth, 1, y0, PROB_SPIRAL_N, t, &opt, y, NULL);
}

int prob_spiral_classic_step(const nde_system *sys, nde_rng *r, const double *t, const double *y,
                             const nde_options *opt, const nde_grad_options *gopt, nde_optim *o,
                             double *g, double *L, nde_grad_stats *gs, char *msg)
{
    double tb[10], y0b[20 * 2], yb[10 * 20 * 2];   /* (T), (B,D), (T,B,D) */
    int s[20], status;
    nde_target tg;
    nde_loss loss;
    tg.y = yb;
    tg.w = NULL;
    loss.point = nde_loss_mae;
    loss.running = NULL;
    loss.ctx = &tg;
    status = nde_sample_windows(r, PROB_SPIRAL_N, 2, t, y, 10, 20, s, tb, y0b, yb, msg);
    if (status == NDE_OK) {
        status = nde_grad(sys, 20, y0b, 10, tb, opt, gopt, &loss, L, NULL, g, NULL, gs);
        if (status != NDE_OK && msg) memcpy(msg, gs->msg, NDE_MSG_LEN);
    }
    if (status == NDE_OK) status = nde_optim_step(o, sys->params, g);
    return status;
}

static int prob_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Full-trajectory MSE of sys from y(0) against y; yp (N,2) scratch. */
static int prob_spiral_mse(const nde_system *sys, const double *t, const double *y, const nde_options *opt,
                           double *yp, double *mse, char *msg)
{
    nde_stats st;
    int status = nde_solve(sys, 1, y, PROB_SPIRAL_N, t, opt, yp, &st);
    if (status != NDE_OK && msg) memcpy(msg, st.msg, NDE_MSG_LEN);
    *mse = status == NDE_OK ? nde_mse(2L * PROB_SPIRAL_N, yp, y) : -1.0;
    return status;
}

int prob_spiral_recipe(const nde_system *sys, nde_rng *r, const double *t, const double *y,
                       const nde_options *opt, nde_grad_work *work, int stage, int whole,
                       double *curve, double *final, double *late, char *msg)
{
    static const int len[5] = {20, 50, 100, 250, 500};   /* window lengths of the curriculum */
    const long P = sys->nparams, K = 5L * stage + whole;   /* parameters, Adam steps in all */
    /* g (P) gradient, best (P) parameters, yp (N,2) scratch, yb (T,B,2) windows (T B <= N), y0b (B,2) */
    double *g = (double *)malloc(sizeof(double) * (size_t)(2 * P + 4 * PROB_SPIRAL_N + 20 * 2));
    double *best = g + P, *yp = best + P, *yb = yp + 2 * PROB_SPIRAL_N, *y0b = yb + 2 * PROB_SPIRAL_N;
    double L, mse, best_mse = HUGE_VAL, lates[10];
    int s[20], stg, i, status = NDE_OK, nc = 0, nl = 0;
    long k = 0;
    nde_optim adam;
    nde_grad_options gopt;
    nde_grad_stats gs;
    nde_target tg;
    nde_loss loss;
    if (!g) return NDE_ERR_NOMEM;
    if (nde_optim_init(&adam, NDE_OPT_ADAM, P, 1e-3, msg) != NDE_OK) { free(g); return NDE_ERR_NOMEM; }
    memset(&gopt, 0, sizeof gopt);
    gopt.work = work;
    tg.w = NULL;
    loss.point = nde_loss_mse;
    loss.running = NULL;
    loss.ctx = &tg;
    memcpy(best, sys->params, sizeof(double) * (size_t)P);
    /* The curriculum: each window is short enough that the model's phase error over it stays
       small, so the loss is nearly quadratic there; the windows grow as the phase improves. */
    for (stg = 0; stg < 5 && status == NDE_OK; stg++) {
        int T = len[stg], B = 400 / T < 1 ? 1 : 400 / T > 20 ? 20 : 400 / T;
        double *tw = (double *)malloc(sizeof(double) * (size_t)T);
        if (!tw) { status = NDE_ERR_NOMEM; break; }
        for (i = 0; i < stage && status == NDE_OK; i++, k++) {
            adam.lr = 1e-3 * 0.5 * (1.0 + cos(acos(-1.0) * (double)k / (double)K));
            tg.y = yb;
            status = nde_sample_windows(r, PROB_SPIRAL_N, 2, t, y, T, B, s, tw, y0b, yb, msg);
            if (status == NDE_OK) status = nde_grad(sys, B, y0b, T, tw, opt, &gopt, &loss, &L, NULL, g, NULL, &gs);
            if (status == NDE_OK) status = nde_optim_step(&adam, sys->params, g);
            else if (msg) memcpy(msg, gs.msg, NDE_MSG_LEN);
            if (status == NDE_OK && k % 10 == 9) {
                /* the long windows jitter: keep the best full-trajectory model seen */
                status = prob_spiral_mse(sys, t, y, opt, yp, &mse, msg);
                if (curve) curve[nc++] = mse;
                if (status == NDE_OK && mse < best_mse) {
                    best_mse = mse;
                    memcpy(best, sys->params, sizeof(double) * (size_t)P);
                }
            }
        }
        free(tw);
    }
    if (status == NDE_OK && best_mse < HUGE_VAL) memcpy(sys->params, best, sizeof(double) * (size_t)P);
    /* The whole trajectory from y(0): no phase left to slip once the curriculum has fixed it. */
    tg.y = y;
    for (i = 0; i < whole && status == NDE_OK; i++, k++) {
        adam.lr = 1e-3 * 0.5 * (1.0 + cos(acos(-1.0) * (double)k / (double)K));
        status = nde_grad(sys, 1, y, PROB_SPIRAL_N, t, opt, &gopt, &loss, &L, NULL, g, NULL, &gs);
        if (status == NDE_OK) status = nde_optim_step(&adam, sys->params, g);
        else if (msg) memcpy(msg, gs.msg, NDE_MSG_LEN);
        if (curve && i % 10 == 9) curve[nc++] = L;   /* the loss is the full MSE (before the step) */
        if (status == NDE_OK && nl < 10 && i >= whole - whole / 10 && (whole - 1 - i) % (whole / 10 / 10 > 0 ? whole / 10 / 10 : 1) == 0) {
            status = prob_spiral_mse(sys, t, y, opt, yp, &lates[nl], msg);
            nl++;
        }
    }
    if (status == NDE_OK) status = prob_spiral_mse(sys, t, y, opt, yp, final, msg);
    qsort(lates, (size_t)nl, sizeof lates[0], prob_cmp_double);
    *late = nl ? 0.5 * (lates[(nl - 1) / 2] + lates[nl / 2]) : *final;
    nde_optim_free(&adam);
    free(g);
    return status;
}
