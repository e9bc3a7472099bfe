/* Tests of the augmentation wrapper (nde_augment_*): gradients through it
   against central finite differences of the plain pipeline (solve, slice,
   the caller's loss), across the three gradient methods and several
   solvers; p = 0 against the plain system bit for bit; bad arguments. */
#include "check.h"
#include "../neuralode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AD 2   /* visible dimension */
#define AB 3   /* batch rows */
#define AN 3   /* output times */

static const char *gname[3] = {"backprop", "backsolve", "interp"};

/* Visible point loss: mean squared distance to fixed targets (N,B,D). */
static double target_loss(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    const double *tg = (const double *)ctx;
    long i, n = (long)N * B * D;
    double L = 0;
    (void)t;
    for (i = 0; i < n; i++) {
        double r = y[i] - tg[i];
        L += r * r / (double)n;
        g[i] = 2.0 * r / (double)n;
    }
    return L;
}

/* Visible running loss g(t, y_b) = (1 + t) |y_b|^2. */
static int run_loss(void *ctx, double t, int B, int D, const double *y, double *g, double *gy)
{
    int b, d;
    (void)ctx;
    for (b = 0; b < B; b++) {
        g[b] = 0;
        for (d = 0; d < D; d++) {
            g[b] += (1 + t) * y[b * D + d] * y[b * D + d];
            gy[b * D + d] = 2 * (1 + t) * y[b * D + d];
        }
    }
    return 0;
}

/* The independent value: solve the augmented system from [y0, 0], slice,
   apply the caller's loss directly (point), or integrate the running loss
   as one more solve of the caller's integrand (trapezoid on a fine grid
   would be inexact, so it is not used: only point losses are differenced). */
static double plain_loss(const nde_system *sys, int p, const double *y0, const double *t, const nde_options *o,
                         const double *targets)
{
    int Da = AD + p, b, k, d;
    double ya0[AB * (AD + 8)], ya[AN * AB * (AD + 8)], y[AN * AB * AD], g[AN * AB * AD];
    for (b = 0; b < AB; b++)
        for (d = 0; d < Da; d++) ya0[b * Da + d] = d < AD ? y0[b * AD + d] : 0.0;
    if (nde_solve(sys, AB, ya0, AN, t, o, ya, NULL) != NDE_OK) return NAN;
    for (k = 0; k < AN * AB; k++)
        for (d = 0; d < AD; d++) y[k * AD + d] = ya[k * Da + d];
    return target_loss((void *)targets, AN, AB, AD, t, y, g);
}

typedef struct aug_case {
    nde_mlp m;
    nde_system sys;
    nde_augment aug;
    double y0[AB * AD], t[AN], targets[AN * AB * AD];
} aug_case;

static int case_init(aug_case *c, int p, unsigned long long seed)
{
    int widths[3], i;
    nde_rng r;
    nde_loss loss = {target_loss, NULL, NULL};
    memset(c, 0, sizeof *c);
    widths[0] = AD + p; widths[1] = 8; widths[2] = AD + p;
    nde_rng_seed(&r, seed);
    if (nde_mlp_dense(&c->m, 3, widths, NDE_ACT_TANH, 0, NULL)) return 1;
    nde_mlp_init_glorot(&c->m, &r);
    for (i = 0; i < c->m.nparams; i++) c->m.params[i] += 0.1 * nde_rng_normal(&r); /* biases nonzero too */
    nde_mlp_system(&c->m, &c->sys, NULL);
    for (i = 0; i < AB * AD; i++) c->y0[i] = 2 * nde_rng_uniform(&r) - 1;
    for (i = 0; i < AN * AB * AD; i++) c->targets[i] = 2 * nde_rng_uniform(&r) - 1;
    nde_linspace(AN, 0.0, 1.0, c->t);
    loss.ctx = c->targets;
    return nde_augment_init(&c->aug, &c->sys, AD, &loss, NULL);
}

static void case_free(aug_case *c)
{
    nde_augment_free(&c->aug);
    nde_mlp_free(&c->m);
}

/* A case with the given loss wrapped in aug, options o at (rtol, atol) and
   the padded initial state ya0 (B, D+p). Returns 0, or 1 when it failed. */
static int case_wrapped(aug_case *c, int p, unsigned long long seed, nde_loss *loss, nde_augment *aug,
                        nde_options *o, double rtol, double atol, double *ya0)
{
    if (case_init(c, p, seed)) { CHECK("augment case built", 0); return 1; }
    loss->ctx = c->targets;
    nde_augment_init(aug, &c->sys, AD, loss, NULL);
    memset(o, 0, sizeof *o);
    o->rtol = rtol;
    o->atol = atol;
    nde_augment_pad(aug, AB, c->y0, ya0);
    return 0;
}

/* dL/dtheta and dL/dy0 through the wrapper against central differences of
   plain_loss, for one solver and one gradient method. */
static void test_fd(int p, int method, int gmethod, double tol)
{
    aug_case c;
    nde_options o;
    nde_grad_options go;
    nde_grad_stats gs;
    double ya0[AB * 8], gya0[AB * 8], gy0[AB * AD], gth[256], fd[256], fdy[AB * AD], L, e = 1e-6, Lp, Lm, save;
    int i, st, P;
    char name[200];
    if (case_init(&c, p, 11 + p)) { CHECK("augment case built", 0); return; }
    P = (int)c.m.nparams;
    memset(&o, 0, sizeof o);
    o.method = method;
    o.rtol = 1e-11;
    o.atol = 1e-11;
    o.h = 0.01;
    memset(&go, 0, sizeof go);
    go.method = gmethod;
    nde_augment_pad(&c.aug, AB, c.y0, ya0);
    st = nde_grad(&c.sys, AB, ya0, AN, c.t, &o, &go, &c.aug.loss, &L, NULL, gth, gya0, &gs);
    nde_augment_slice(&c.aug, AB, gya0, gy0);
    for (i = 0; i < P; i++) {
        save = c.m.params[i];
        c.m.params[i] = save + e; Lp = plain_loss(&c.sys, p, c.y0, c.t, &o, c.targets);
        c.m.params[i] = save - e; Lm = plain_loss(&c.sys, p, c.y0, c.t, &o, c.targets);
        c.m.params[i] = save;
        fd[i] = (Lp - Lm) / (2 * e);
    }
    for (i = 0; i < AB * AD; i++) {
        save = c.y0[i];
        c.y0[i] = save + e; Lp = plain_loss(&c.sys, p, c.y0, c.t, &o, c.targets);
        c.y0[i] = save - e; Lm = plain_loss(&c.sys, p, c.y0, c.t, &o, c.targets);
        c.y0[i] = save;
        fdy[i] = (Lp - Lm) / (2 * e);
    }
    snprintf(name, sizeof name, "augment p=%d %s %s (status %s): L equals the plain pipeline's", p,
             nde_method_name(method), gname[gmethod], nde_status_name(st));
    CHECK_REL(name, L, plain_loss(&c.sys, p, c.y0, c.t, &o, c.targets), 1e-12);
    snprintf(name, sizeof name, "augment p=%d %s %s: dL/dtheta vs central differences (max rel, floor 1e-3)", p,
             nde_method_name(method), gname[gmethod]);
    CHECK_LE(name, st == NDE_OK ? max_rel_diff(P, gth, fd, 1e-3) : 1.0, tol);
    snprintf(name, sizeof name, "augment p=%d %s %s: sliced dL/dy0 vs central differences", p,
             nde_method_name(method), gname[gmethod]);
    CHECK_LE(name, st == NDE_OK ? max_rel_diff(AB * AD, gy0, fdy, 1e-3) : 1.0, tol);
    case_free(&c);
}

/* The three gradient methods through the wrapper, with a point and a running
   loss, agree with each other (adaptive dopri5 at 1e-10). */
static void test_methods_agree(void)
{
    aug_case c;
    nde_options o;
    nde_grad_options go;
    nde_loss both = {target_loss, run_loss, NULL};
    nde_augment aug;
    double ya0[AB * 3], g[3][256], gy[3][AB * 3], L[3];
    int m, st[3], P;
    char name[200];
    if (case_wrapped(&c, 1, 5, &both, &aug, &o, 1e-10, 1e-10, ya0)) return;
    P = (int)c.m.nparams;
    for (m = 0; m < 3; m++) {
        memset(&go, 0, sizeof go);
        go.method = m;
        st[m] = nde_grad(&c.sys, AB, ya0, AN, c.t, &o, &go, &aug.loss, &L[m], NULL, g[m], gy[m], NULL);
    }
    for (m = 1; m < 3; m++) {
        snprintf(name, sizeof name, "augment p=1, point + running loss: %s dL/dtheta vs backprop (status %s)", gname[m],
                 nde_status_name(st[m]));
        CHECK_LE(name, st[0] == NDE_OK && st[m] == NDE_OK ? max_rel_diff(P, g[m], g[0], 1e-3) : 1.0, 1e-6);
        snprintf(name, sizeof name, "augment p=1, point + running loss: %s dL/dy0 (all D+p) vs backprop", gname[m]);
        CHECK_LE(name, max_rel_diff(AB * 3, gy[m], gy[0], 1e-3), 1e-6);
    }
    { /* the wrapped point gradient is exactly zero on the augmented component */
        double ya[AN * AB * 3], ga[AN * AB * 3];
        int k, zero = 1, nonzero = 0;
        nde_solve(&c.sys, AB, ya0, AN, c.t, &o, ya, NULL);
        aug.loss.point(aug.loss.ctx, AN, AB, 3, c.t, ya, ga);
        for (k = 0; k < AN * AB; k++) {
            zero &= ga[k * 3 + 2] == 0.0;
            nonzero += ga[k * 3] != 0.0;
        }
        CHECK("augment: the wrapped loss's gradient is 0 on a and nonzero on the visible part", zero && nonzero > 0);
    }
    nde_augment_free(&aug);
    case_free(&c);
}

/* p = 0: the wrapper changes nothing, bit for bit, for every gradient method. */
static void test_p0_bitwise(void)
{
    aug_case c;
    nde_options o;
    nde_grad_options go;
    nde_loss plain = {target_loss, run_loss, NULL};
    nde_augment aug;
    double ya0[AB * AD], g1[256], g2[256], gy1[AB * AD], gy2[AB * AD], y1[AN * AB * AD], y2[AN * AB * AD], L1, L2;
    int m, s1, s2, P;
    char name[160];
    if (case_wrapped(&c, 0, 3, &plain, &aug, &o, 1e-6, 1e-8, ya0)) return;
    CHECK("augment p = 0: aug.p is 0", aug.p == 0);
    P = (int)c.m.nparams;
    for (m = 0; m < 3; m++) {
        memset(&go, 0, sizeof go);
        go.method = m;
        s1 = nde_grad(&c.sys, AB, c.y0, AN, c.t, &o, &go, &plain, &L1, y1, g1, gy1, NULL);
        s2 = nde_grad(&c.sys, AB, ya0, AN, c.t, &o, &go, &aug.loss, &L2, y2, g2, gy2, NULL);
        snprintf(name, sizeof name, "augment p = 0, %s: L, dL/dtheta, dL/dy0 and y equal the plain system's bit for bit",
                 gname[m]);
        CHECK(name, s1 == NDE_OK && s2 == NDE_OK && L1 == L2 && !memcmp(g1, g2, sizeof(double) * P) &&
                        !memcmp(gy1, gy2, sizeof gy1) && !memcmp(y1, y2, sizeof y1));
    }
    nde_augment_free(&aug);
    case_free(&c);
}

/* nde_train takes the wrapped loss as it is. */
static void test_train(void)
{
    aug_case c;
    nde_options o;
    nde_optim opt;
    nde_train_options to;
    nde_train_stats ts;
    double ya0[AB * 3];
    int st;
    if (case_init(&c, 1, 7)) { CHECK("augment case built", 0); return; }
    memset(&o, 0, sizeof o);
    o.rtol = 1e-6;
    o.atol = 1e-8;
    memset(&to, 0, sizeof to);
    to.iters = 50;
    nde_optim_init(&opt, NDE_OPT_ADAM, c.m.nparams, 1e-2, NULL);
    nde_augment_pad(&c.aug, AB, c.y0, ya0);
    st = nde_train(&c.sys, AB, ya0, AN, c.t, &o, NULL, &c.aug.loss, &opt, &to, &ts);
    CHECK("augment: nde_train with the wrapped loss runs and lowers the loss",
          st == NDE_OK && ts.loss_best < 0.5 * ts.loss_first);
    printf("     nde_train, augmented p = 1: loss %.4g -> %.4g in 50 steps\n", ts.loss_first, ts.loss_best);
    nde_optim_free(&opt);
    case_free(&c);
}

static void test_bad_args(void)
{
    aug_case c;
    nde_augment aug;
    nde_loss none = {NULL, NULL, NULL}, both = {target_loss, run_loss, NULL};
    nde_options o;
    char msg[NDE_MSG_LEN];
    double y[4] = {1, 2, 3, 4}, ya[6], back[4], ya0[AB * 3], gth[256], L = 0;
    int st;
    if (case_init(&c, 1, 9)) { CHECK("augment case built", 0); return; }
    msg[0] = 0;
    CHECK("augment_init: NULL aug is NDE_ERR_ARG", nde_augment_init(NULL, &c.sys, AD, NULL, msg) == NDE_ERR_ARG && msg[0]);
    msg[0] = 0;
    CHECK("augment_init: NULL sys is NDE_ERR_ARG", nde_augment_init(&aug, NULL, AD, NULL, msg) == NDE_ERR_ARG && msg[0]);
    msg[0] = 0;
    st = nde_augment_init(&aug, &c.sys, 0, NULL, msg);
    printf("     D = 0: %s\n", msg);
    CHECK("augment_init: D = 0 is NDE_ERR_ARG, the message names D", st == NDE_ERR_ARG && strstr(msg, "D = 0"));
    st = nde_augment_init(&aug, &c.sys, 4, NULL, msg);
    printf("     D = 4 > dim 3: %s\n", msg);
    CHECK("augment_init: D > sys->dim is NDE_ERR_ARG", st == NDE_ERR_ARG && strstr(msg, "sys->dim = 3"));
    CHECK("augment_init: a loss without parts is NDE_ERR_ARG", nde_augment_init(&aug, &c.sys, AD, &none, msg) == NDE_ERR_ARG);
    CHECK("augment_init: D = dim (p = 0) and no loss is fine",
          nde_augment_init(&aug, &c.sys, 3, NULL, msg) == NDE_OK && aug.p == 0 && !aug.loss.point && !aug.loss.running);
    nde_augment_free(&aug);
    nde_augment_free(&aug); /* twice: safe */
    nde_augment_init(&aug, &c.sys, AD, NULL, msg);
    nde_augment_pad(&aug, 2, y, ya);
    nde_augment_slice(&aug, 2, ya, back);
    CHECK("augment pad then slice gives the rows back, a(0) = 0",
          !memcmp(y, back, sizeof y) && ya[2] == 0.0 && ya[5] == 0.0 && ya[3] == 3.0);
    /* the wrapped loss used with a system of another width: its NaN is NDE_ERR_NONFINITE
       (point), NDE_ERR_CALLBACK (running) */
    memset(&o, 0, sizeof o);
    both.ctx = c.targets;
    nde_augment_init(&aug, &c.sys, AD, &both, msg);
    aug.p = 0; /* pretend it was set up for rows of width 2 */
    nde_augment_pad(&c.aug, AB, c.y0, ya0);
    st = nde_grad(&c.sys, AB, ya0, AN, c.t, &o, NULL, &aug.loss, &L, NULL, gth, NULL, NULL);
    CHECK("augment: the wrapped running loss on rows of the wrong width stops nde_grad (NDE_ERR_CALLBACK)",
          st == NDE_ERR_CALLBACK && !aug.nomem);
    aug.loss.running = NULL;
    st = nde_grad(&c.sys, AB, ya0, AN, c.t, &o, NULL, &aug.loss, &L, NULL, gth, NULL, NULL);
    printf("     wrong width, point loss only: status %s, L = %g\n", nde_status_name(st), L);
    CHECK("augment: the wrapped point loss on rows of the wrong width stops nde_grad (NDE_ERR_NONFINITE)",
          st == NDE_ERR_NONFINITE);
    nde_augment_free(&aug);
    case_free(&c);
}

void test_augment(void)
{
    static const int methods[] = {NDE_DOPRI5, NDE_RK4, NDE_TSIT5, NDE_BS32, NDE_SDIRK4};
    int i, g;
    printf("-- augmented Neural ODEs (nde_augment) --\n");
    for (i = 0; i < (int)(sizeof methods / sizeof methods[0]); i++)
        for (g = 0; g < 3; g++) test_fd(1, methods[i], g, methods[i] == NDE_SDIRK4 ? 1e-4 : 1e-5);
    test_fd(3, NDE_DOPRI5, NDE_GRAD_BACKPROP, 1e-5);
    test_methods_agree();
    test_p0_bitwise();
    test_train();
    test_bad_args();
}
