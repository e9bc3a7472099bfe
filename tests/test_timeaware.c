/* test_timeaware.c: chapter 09's TimeAware-64 (chapters/timeaware.h): the document's
   parameter count, its products against finite differences, the per-row clock against
   the same model driven by the solver's own absolute time, and the gradient of a
   windowed loss by backprop against the interpolating adjoint and central differences. */
#include "neuralode.h"
#include "check.h"
#include "chapters/timeaware.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The reference: the same network with phi(t) of the solver's t, on the visible state
   (B, 2) only (no clock column). ctx is a ta_model. */
static int tt_abs_f(void *ctx, double t, int B, const double *y, const double *theta, double *dydt)
{
    double y3[8 * 3] = {0}, d3[8 * 3] = {0};
    int b;
    if (B > 8) return 1;
    for (b = 0; b < B; b++) {
        y3[3 * b] = y[2 * b];
        y3[3 * b + 1] = y[2 * b + 1];
        y3[3 * b + 2] = t;
    }
    if (ta_f(ctx, t, B, y3, theta, d3)) return 1;
    for (b = 0; b < B; b++) {
        dydt[2 * b] = d3[3 * b];
        dydt[2 * b + 1] = d3[3 * b + 1];
    }
    return 0;
}

enum { B = 3, N = 9 };

/* The MSE of the visible components of a solve from y0a (B,3) on t (N) against target
   (N,B,2), as nde_loss_mse computes it (the mean over N B 2). */
static int tt_loss(ta_model *ta, const double *y0a, const double *t, const nde_options *o, const double *target,
                   double *L)
{
    double ya[N * B * 3], s = 0.0;
    int i, j, st = nde_solve(&ta->sys, B, y0a, N, t, o, ya, NULL);
    for (i = 0; i < N * B; i++)
        for (j = 0; j < 2; j++) s += (ya[3 * i + j] - target[2 * i + j]) * (ya[3 * i + j] - target[2 * i + j]);
    *L = s / (N * B * 2);
    return st;
}

void test_timeaware(void)
{
    ta_model ta;
    nde_rng r;
    nde_system ref;
    nde_options o;
    nde_augment aug;
    nde_grad_options go;
    nde_grad_stats gs;
    char msg[NDE_MSG_LEN];
    double y[B * 3], err[4], t[N], ya[N * B * 3], yr[N * 2], y0a[B * 3], tabs[N], target[N * B * 2];
    double start[B] = {0.0, 7.3, 21.9}, worst = 0.0, L, Lp, Lm, gbp[6000], gin[6000], h = 1e-4;
    double worst_fd = 0.0, worst_in = 0.0;
    nde_target tg = {target, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    int b, i, j, st, k;
    long idx[4];

    printf("== timeaware ==\n");
    nde_rng_seed(&r, 2024);
    if (ta_build(&ta, 64, &r, msg) != NDE_OK) {
        CHECK("timeaware: TimeAware-64 builds", 0);
        return;
    }
    CHECK("timeaware: TimeAware-64 has the document's 5,538 parameters (§5.3.3)", ta.P == 5538);
    for (i = 0; i < ta.P - 2 * TA_E; i++) ta.theta[i] *= 1.5; /* away from the symmetric start */
    for (i = 0; i < 2 * TA_E; i++) ta.theta[ta.P - 2 * TA_E + i] = 0.4 * nde_rng_normal(&r);

    /* 1. vjp (y, theta) against central differences, clocks at 0.3, 7 and 22 */
    for (b = 0; b < B; b++) {
        y[3 * b] = 0.8 * nde_rng_normal(&r);
        y[3 * b + 1] = 0.8 * nde_rng_normal(&r);
        y[3 * b + 2] = b == 0 ? 0.3 : b == 1 ? 7.0 : 22.0;
    }
    st = nde_system_check(&ta.sys, 0.0, B, y, 0.0, err);
    CHECK_LE("timeaware: vjp-y against central differences (rel)", st ? 1.0 : err[0], 1e-6);
    CHECK_LE("timeaware: vjp-theta against central differences (rel)", st ? 1.0 : err[1], 1e-6);

    /* 2. the per-row clock: rows started at 0, 7.3, 21.9 and solved together on one
       relative grid equal each row solved alone on its absolute grid with phi(t) */
    memset(&ref, 0, sizeof ref);
    ref.dim = 2;
    ref.nparams = ta.sys.nparams;
    ref.params = ta.theta;
    ref.ctx = &ta;
    ref.f = tt_abs_f;
    memset(&o, 0, sizeof o);
    o.rtol = 1e-11;
    o.atol = 1e-12;
    nde_linspace(N, 0.0, 0.5, t);
    for (b = 0; b < B; b++) {
        y0a[3 * b] = y[3 * b];
        y0a[3 * b + 1] = y[3 * b + 1];
        y0a[3 * b + 2] = start[b];
    }
    st = nde_solve(&ta.sys, B, y0a, N, t, &o, ya, NULL);
    for (b = 0; b < B && !st; b++) {
        for (i = 0; i < N; i++) tabs[i] = start[b] + t[i];
        st = nde_solve(&ref, 1, y0a + 3 * b, N, tabs, &o, yr, NULL);
        for (i = 0; i < N && !st; i++)
            for (j = 0; j < 2; j++) worst = fmax(worst, fabs(ya[(i * B + b) * 3 + j] - yr[2 * i + j]));
        worst = fmax(worst, fabs(ya[((N - 1) * B + b) * 3 + 2] - tabs[N - 1])); /* the clock itself */
    }
    CHECK("timeaware: both solves succeed", st == NDE_OK);
    CHECK_LE("timeaware: per-row clock = absolute time per row (max abs diff, rtol 1e-11)", worst, 1e-9);

    /* 3. the gradient of a windowed MSE on the visible components (clock ignored by the
       loss): backprop through dopri5 against the interpolating adjoint and central
       differences on network and embedding parameters */
    for (i = 0; i < N * B * 2; i++) target[i] = 0.5 * nde_rng_normal(&r);
    st = nde_augment_init(&aug, &ta.sys, 2, &loss, msg);
    CHECK("timeaware: nde_augment_init (D = 2 visible, the clock appended)", st == NDE_OK && aug.p == 1);
    memset(&go, 0, sizeof go);
    o.rtol = 1e-10;
    o.atol = 1e-12;
    memset(gbp, 0, sizeof gbp);
    memset(gin, 0, sizeof gin);
    go.method = NDE_GRAD_BACKPROP;
    st = nde_grad(&ta.sys, B, y0a, N, t, &o, &go, &aug.loss, &L, NULL, gbp, NULL, &gs);
    go.method = NDE_GRAD_INTERP;
    if (!st) st = nde_grad(&ta.sys, B, y0a, N, t, &o, &go, &aug.loss, &L, NULL, gin, NULL, &gs);
    CHECK("timeaware: backprop and interpolating adjoint run", st == NDE_OK);
    idx[0] = 3;                         /* first layer, a y^3 column */
    idx[1] = 2 * 64 + 5;                /* first layer, a phi column (row 0: columns 2..17) */
    idx[2] = ta.P - 2 * TA_E + 4;       /* W_t[4] */
    idx[3] = ta.P - 1;                  /* b_t[15] */
    for (k = 0; k < 4 && !st; k++) {
        double keep = ta.theta[idx[k]], fd;
        ta.theta[idx[k]] = keep + h;
        st |= tt_loss(&ta, y0a, t, &o, target, &Lp);
        ta.theta[idx[k]] = keep - h;
        st |= tt_loss(&ta, y0a, t, &o, target, &Lm);
        ta.theta[idx[k]] = keep;
        fd = (Lp - Lm) / (2.0 * h);
        worst_fd = fmax(worst_fd, fabs(gbp[idx[k]] - fd) / fmax(fabs(fd), 1e-8));
    }
    for (i = 0; i < ta.P; i++) worst_in = fmax(worst_in, fabs(gin[i] - gbp[i]) / fmax(fabs(gbp[i]), 1e-6));
    CHECK_LE("timeaware: backprop gradient against central differences (4 parameters, rel)", worst_fd, 1e-5);
    CHECK_LE("timeaware: interpolating adjoint against backprop (every parameter, rel, floor 1e-6)", worst_in, 1e-5);
    nde_augment_free(&aug);
    ta_free(&ta);
}
