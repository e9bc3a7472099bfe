/* Tests of the gradient methods: backprop through the solver, backsolve and
   interpolating adjoints, each against independent values (forward
   sensitivities from scipy, closed forms, central finite differences). */
#include "check.h"
#include "fixtures/refs.h"
#include "problems.h"
#include "../neuralode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *gname[3] = {"backprop", "backsolve", "interp"};

/* G = sum_n (x_n^2 + y_n^2), the issue's check. */
static double sumsq_loss(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    long i, m = (long)N * B * D;
    double L = 0;
    (void)ctx; (void)t;
    for (i = 0; i < m; i++) { L += y[i] * y[i]; g[i] = 2 * y[i]; }
    return L;
}

static void test_lv_gradient(void)
{
    double th[4] = {2.0 / 3, 4.0 / 3, 1, 1}, u0[2] = {1, 1}, t[101], gth[4], gy0[2], L;
    nde_system sys;
    nde_options o;
    nde_grad_options go;
    nde_grad_stats gs;
    nde_loss loss = {sumsq_loss, NULL, NULL};
    int m, i;
    memset(&sys, 0, sizeof sys);
    sys = prob_lv(th);
    for (i = 0; i <= 100; i++) t[i] = 0.1 * i;
    memset(&o, 0, sizeof o);
    o.rtol = 1e-12;
    o.atol = 1e-12;
    {
        double err[4];
        nde_system_check(&sys, 0.3, 1, u0, 1e-6, err);
        CHECK_LE("system check: hand-written LV vjp_y vs finite differences", err[0], 1e-8);
        CHECK_LE("system check: hand-written LV vjp_theta vs finite differences", err[1], 1e-8);
    }
    for (m = 0; m < 3; m++) {
        char name[128];
        memset(&go, 0, sizeof go);
        go.method = m;
        i = nde_grad(&sys, 1, u0, 101, t, &o, &go, &loss, &L, NULL, gth, gy0, &gs);
        snprintf(name, sizeof name, "LV dG/dtheta by %s (status %s): max rel err vs forward sensitivities", gname[m], nde_status_name(i));
        CHECK_LE(name, i == NDE_OK ? max_rel_diff(4, gth, ref_lv_dG, 1e-300) : 1.0, 1e-6);
        snprintf(name, sizeof name, "LV G by %s", gname[m]);
        CHECK_REL(name, L, ref_lv_G, 1e-9);
        if (m == 1) {
            snprintf(name, sizeof name, "LV backsolve: reconstruction error (error scales) %.3g, no drift flag", gs.recon_err);
            CHECK(name, gs.recon_err >= 0 && gs.drift == 0);
        }
        printf("     %s: nfe fwd %ld bwd %ld, vjp %ld, steps %ld, peak %zu bytes\n", gname[m], gs.fwd.nfe, gs.bwd.nfe, gs.nvjp, gs.nsteps, gs.peak_bytes);
    }
    {   /* the seminorm leaves dL/dtheta out of the backward step control */
        long nfe_full;
        memset(&go, 0, sizeof go);
        go.method = NDE_GRAD_BACKSOLVE;
        nde_grad(&sys, 1, u0, 101, t, &o, &go, &loss, &L, NULL, gth, NULL, &gs);
        nfe_full = gs.bwd.nfe;
        go.seminorm = 1;
        i = nde_grad(&sys, 1, u0, 101, t, &o, &go, &loss, &L, NULL, gth, NULL, &gs);
        printf("     backsolve backward nfe: full norm %ld, seminorm %ld\n", nfe_full, gs.bwd.nfe);
        CHECK_LE("LV backsolve with seminorm: dG/dtheta vs forward sensitivities", i == NDE_OK ? max_rel_diff(4, gth, ref_lv_dG, 1e-300) : 1.0, 1e-6);
        CHECK("LV backsolve with seminorm takes no more backward evaluations", gs.bwd.nfe <= nfe_full);
    }
    {   /* the issue's rounded values */
        static const double issue[4] = {-66.3134, 7.6747, -186.5458, 123.7421};
        double worst = 0;
        for (i = 0; i < 4; i++) if (fabs(gth[i] - issue[i]) > worst) worst = fabs(gth[i] - issue[i]);
        CHECK_LE("LV dG/dtheta agrees with the issue's values to their 4 decimals (abs diff)", worst, 5e-5);
    }
    {   /* dL/dy0 against central differences */
        double fd[2], Lp, Lm, e = 1e-6, up[2];
        memset(&go, 0, sizeof go);
        nde_grad(&sys, 1, u0, 101, t, &o, &go, &loss, &L, NULL, gth, gy0, &gs);
        for (i = 0; i < 2; i++) {
            memcpy(up, u0, sizeof up);
            up[i] += e;
            nde_grad(&sys, 1, up, 101, t, &o, &go, &loss, &Lp, NULL, gth, NULL, &gs);
            up[i] -= 2 * e;
            nde_grad(&sys, 1, up, 101, t, &o, &go, &loss, &Lm, NULL, gth, NULL, &gs);
            fd[i] = (Lp - Lm) / (2 * e);
        }
        CHECK_LE("LV dG/dy0 (backprop) vs central differences", max_rel_diff(2, gy0, fd, 1e-300), 1e-6);
    }
}

static void test_running_loss(void)
{
    double lam = 1.0, y0 = 1, t[2] = {0, 1}, g, L;
    nde_system sys;
    nde_options o;
    nde_grad_options go;
    nde_grad_stats gs;
    nde_loss loss = {NULL, prob_run_y, NULL};
    int m, s;
    memset(&sys, 0, sizeof sys);
    sys = prob_decay(&lam);
    memset(&o, 0, sizeof o);
    o.rtol = 1e-12;
    o.atol = 1e-14;
    for (m = 0; m < 3; m++) {
        char name[128];
        memset(&go, 0, sizeof go);
        go.method = m;
        s = nde_grad(&sys, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
        snprintf(name, sizeof name, "running loss int_0^1 y, lambda = 1, %s: dL/dlambda vs closed form", gname[m]);
        CHECK_REL(name, s == NDE_OK ? g : 0.0, ref_decay_dL[0], 1e-8);
        snprintf(name, sizeof name, "running loss int_0^1 y, lambda = 1, %s: L = (1 - e^-1)", gname[m]);
        CHECK_REL(name, L, ref_decay_L[0], 1e-9);
    }
}

/* Backprop through fixed-step RK4 on y' = -lambda y is the exact derivative
   of the discrete map y_N = R(-lambda h)^N y0, R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24:
   d y_N / d lambda = N R^(N-1) R'(z) (-h) y0. */
static double y_last_loss(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    long i, m = (long)N * B * D;
    (void)ctx; (void)t;
    for (i = 0; i < m; i++) g[i] = 0;
    g[m - 1] = 1;
    return y[m - 1];
}

static void test_rk4_discrete(void)
{
    double lam = 3.0, y0 = 1, t[2] = {0, 1}, g, L, h = 0.1, z = -3.0 * 0.1;
    double R = 1 + z + z * z / 2 + z * z * z / 6 + z * z * z * z / 24, dR = 1 + z + z * z / 2 + z * z * z / 6;
    double exact = 10 * pow(R, 9) * dR * (-h);
    nde_system sys;
    nde_options o;
    nde_loss loss = {y_last_loss, NULL, NULL};
    memset(&sys, 0, sizeof sys);
    sys = prob_decay(&lam);
    memset(&o, 0, sizeof o);
    o.method = NDE_RK4;
    o.h = h;
    nde_grad(&sys, 1, &y0, 2, t, &o, NULL, &loss, &L, NULL, &g, NULL, NULL);
    CHECK_ABS("rk4 h = 0.1: y_N equals R^N exactly", L, pow(R, 10), 1e-14);
    CHECK_ABS("rk4 h = 0.1: backprop dy_N/dlambda equals the discrete-map derivative", g, exact, 1e-10);
}

/* Memory: backsolve holds the same bytes when the steps grow tenfold,
   backprop about ten times more. */
static void test_memory(void)
{
    double th[4] = {2.0 / 3, 4.0 / 3, 1, 1}, u0[2] = {1, 1}, t[11], gth[4], L;
    size_t peak[2][2];
    long steps[2];
    nde_system sys;
    nde_loss loss = {sumsq_loss, NULL, NULL};
    int m, k, i;
    memset(&sys, 0, sizeof sys);
    sys = prob_lv(th);
    for (i = 0; i <= 10; i++) t[i] = i;
    for (m = 0; m < 2; m++)
        for (k = 0; k < 2; k++) {
            nde_options o;
            nde_grad_options go;
            nde_grad_stats gs;
            memset(&o, 0, sizeof o);
            memset(&go, 0, sizeof go);
            o.method = NDE_RK4;
            o.h = k == 0 ? 0.01 : 0.001;
            go.method = m == 0 ? NDE_GRAD_BACKPROP : NDE_GRAD_BACKSOLVE;
            nde_grad(&sys, 1, u0, 11, t, &o, &go, &loss, &L, NULL, gth, NULL, &gs);
            peak[m][k] = gs.peak_bytes;
            steps[k] = gs.nsteps;
        }
    printf("     steps %ld -> %ld: backprop peak %zu -> %zu bytes, backsolve %zu -> %zu bytes\n",
           steps[0], steps[1], peak[0][0], peak[0][1], peak[1][0], peak[1][1]);
    CHECK("memory: backsolve peak bytes unchanged when the steps grow tenfold", peak[1][0] == peak[1][1] && steps[1] == 10 * steps[0]);
    CHECK_ABS("memory: backprop peak bytes ratio when the steps grow tenfold", (double)peak[0][1] / peak[0][0], 10.0, 3.0);
}

static void test_grad_statuses(void)
{
    double th[4] = {2.0 / 3, 4.0 / 3, 1, 1}, u0[2] = {1, 1}, t[3] = {0, 1, 2}, gth[4], L;
    nde_system sys;
    nde_grad_stats gs;
    nde_grad_options go;
    nde_loss loss = {sumsq_loss, NULL, NULL}, none = {NULL, NULL, NULL};
    int s;
    memset(&sys, 0, sizeof sys);
    sys = prob_lv(th);
    sys.vjp = NULL;
    s = nde_grad(&sys, 1, u0, 3, t, NULL, NULL, &loss, &L, NULL, gth, NULL, &gs);
    CHECK("grad status: no vjp -> NDE_ERR_UNSUPPORTED naming sys->vjp", s == NDE_ERR_UNSUPPORTED && strstr(gs.msg, "sys->vjp") != NULL);
    sys.vjp = prob_lv_vjp;
    s = nde_grad(&sys, 1, u0, 3, t, NULL, NULL, &none, &L, NULL, gth, NULL, &gs);
    CHECK("grad status: empty loss -> NDE_ERR_ARG", s == NDE_ERR_ARG && strstr(gs.msg, "loss") != NULL);
    s = nde_grad(&sys, 1, u0, 3, t, NULL, NULL, &loss, &L, NULL, NULL, NULL, &gs);
    CHECK("grad status: gth NULL with parameters -> NDE_ERR_ARG", s == NDE_ERR_ARG && strstr(gs.msg, "gth") != NULL);
    memset(&go, 0, sizeof go);
    go.method = 9;
    s = nde_grad(&sys, 1, u0, 3, t, NULL, &go, &loss, &L, NULL, gth, NULL, &gs);
    CHECK("grad status: unknown gradient method -> NDE_ERR_ARG", s == NDE_ERR_ARG && strstr(gs.msg, "gopt->method") != NULL);
}

/* lambda = 10,000: backsolve cannot reconstruct y (e^-10000 underflows),
   and says so; the interpolating adjoint stays right. */
static void test_drift(void)
{
    double lam = 10000.0, y0 = 1, t[2] = {0, 1}, g, L;
    nde_system sys;
    nde_options o;
    nde_grad_options go;
    nde_grad_stats gs;
    nde_loss loss = {NULL, prob_run_y, NULL};
    int s;
    memset(&sys, 0, sizeof sys);
    sys = prob_decay(&lam);
    memset(&o, 0, sizeof o);
    o.rtol = 1e-8;
    o.atol = 1e-10;
    memset(&go, 0, sizeof go);
    go.method = NDE_GRAD_BACKSOLVE;
    s = nde_grad(&sys, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
    printf("     lambda 1e4 backsolve: status %s, dL/dlambda %.6g (exact %.6g), recon_err %.3g\n", nde_status_name(s), g, ref_decay_dL[2], gs.recon_err);
    CHECK("drift: backsolve at lambda = 1e4 flags the reconstruction failure",
          (s == NDE_OK || s == NDE_ERR_ADJOINT_DRIFT) && gs.drift == 1 && strstr(gs.msg, "interpolating adjoint") != NULL);
    go.drift_is_error = 1;
    s = nde_grad(&sys, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
    CHECK("drift: with drift_is_error the call returns NDE_ERR_ADJOINT_DRIFT", s == NDE_ERR_ADJOINT_DRIFT);
    go.method = NDE_GRAD_INTERP;
    go.drift_is_error = 0;
    o.atol = 1e-16; /* dL/dlambda = -1e-8: the absolute tolerance must sit far below it */
    s = nde_grad(&sys, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
    CHECK_REL("drift: the interpolating adjoint at lambda = 1e4 (explicit dopri5)", s == NDE_OK ? g : 0.0, ref_decay_dL[2], 1e-4);
}

/* (i) of the issue: a tanh MLP ODE (time-aware, batch of 2) with an MSE loss
   at 5 output times: every gradient method against central differences. */
static void test_mlp_ode_fd(void)
{
    nde_mlp m;
    nde_system sys;
    nde_rng rng;
    nde_options o;
    int widths[3] = {2, 8, 2}, meth, i;
    double y0[4] = {1.0, -0.5, 0.3, 0.8}, t[5] = {0, 0.3, 0.7, 1.2, 2.0}, target[5 * 4], g[64], gy0[4], L;
    double fd[64], fdy[4], worst[3] = {0, 0, 0}, worsty[3] = {0, 0, 0}, eps = 1e-6;
    nde_target tg;
    nde_loss loss = {nde_loss_mse, NULL, NULL};
    nde_rng_seed(&rng, 3);
    nde_mlp_dense(&m, 3, widths, NDE_ACT_TANH, NDE_INPUT_TIME, NULL);
    nde_mlp_init_glorot(&m, &rng);
    nde_mlp_system(&m, &sys, NULL);
    for (i = 0; i < 20; i++) target[i] = nde_rng_normal(&rng);
    tg.y = target;
    tg.w = NULL;
    loss.ctx = &tg;
    memset(&o, 0, sizeof o);
    o.rtol = 1e-12;
    o.atol = 1e-12;
    for (i = 0; i < (int)m.nparams; i++) { /* central differences of L in every parameter */
        double keep = m.params[i], Lp, Lm;
        m.params[i] = keep + eps;
        nde_grad(&sys, 2, y0, 5, t, &o, NULL, &loss, &Lp, NULL, g, NULL, NULL);
        m.params[i] = keep - eps;
        nde_grad(&sys, 2, y0, 5, t, &o, NULL, &loss, &Lm, NULL, g, NULL, NULL);
        m.params[i] = keep;
        fd[i] = (Lp - Lm) / (2 * eps);
    }
    for (i = 0; i < 4; i++) {
        double keep = y0[i], Lp, Lm;
        y0[i] = keep + eps;
        nde_grad(&sys, 2, y0, 5, t, &o, NULL, &loss, &Lp, NULL, g, NULL, NULL);
        y0[i] = keep - eps;
        nde_grad(&sys, 2, y0, 5, t, &o, NULL, &loss, &Lm, NULL, g, NULL, NULL);
        y0[i] = keep;
        fdy[i] = (Lp - Lm) / (2 * eps);
    }
    for (meth = 0; meth < 3; meth++) {
        nde_grad_options go;
        char name[128];
        memset(&go, 0, sizeof go);
        go.method = meth;
        nde_grad(&sys, 2, y0, 5, t, &o, &go, &loss, &L, NULL, g, gy0, NULL);
        worst[meth] = max_rel_diff((int)m.nparams, g, fd, 1e-3);
        worsty[meth] = max_rel_diff(4, gy0, fdy, 1e-3);
        snprintf(name, sizeof name, "MLP ODE (2-8-2 tanh, time input, B=2): dL/dtheta by %s vs central differences", gname[meth]);
        CHECK_LE(name, worst[meth], 2e-6); /* the issue asks < 1e-5; measured 6.2e-7 */
        snprintf(name, sizeof name, "MLP ODE: dL/dy0 by %s vs central differences", gname[meth]);
        CHECK_LE(name, worsty[meth], 1e-7); /* measured 8.6e-9 */
    }
    nde_mlp_free(&m);
}

/* A universal differential equation made the manual's way: the MLP system
   with f and vjp replaced (network plus a physics term -0.3 y); the copy
   still carries the network's f_save/vjp_saved, which no longer match. */
static int ude_f(void *ctx, double t, int B, const double *y, const double *th, double *dydt)
{
    nde_system s;
    int i, r;
    nde_mlp_system((nde_mlp *)ctx, &s, NULL);
    r = s.f(ctx, t, B, y, th, dydt);
    for (i = 0; i < B * s.dim; i++) dydt[i] -= 0.3 * y[i];
    return r;
}

static int ude_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a, double *gy,
                   double *gth, double *gt)
{
    nde_system s;
    int i, r;
    nde_mlp_system((nde_mlp *)ctx, &s, NULL);
    r = s.vjp(ctx, t, B, y, th, a, gy, gth, gt);
    if (gy) for (i = 0; i < B * s.dim; i++) gy[i] -= 0.3 * a[i];
    return r;
}

/* Saved activations (sys->f_save / vjp_saved): backprop with them gives the
   gradient without them bit for bit, for FSAL, non-FSAL, fixed-step and
   running-loss solves, with the bigger tape reported in peak_bytes; the
   backsolve adjoint uses them at no memory cost, also bit for bit. */
static void test_saved_activations(void)
{
    static const int meths[5] = {NDE_DOPRI5, NDE_TSIT5, NDE_BS32, NDE_RK4, NDE_EULER};
    static const char *mname[5] = {"dopri5", "tsit5", "bs32", "rk4 h=0.05", "euler h=0.05"};
    nde_mlp m;
    nde_system sys, plain;
    nde_rng rng;
    int widths[3] = {2, 8, 2}, k, run, i;
    double y0[4] = {1.0, -0.5, 0.3, 0.8}, t[5] = {0, 0.3, 0.7, 1.2, 2.0}, target[5 * 4];
    double g1[64], g2[64], gy1[4], gy2[4], L1, L2;
    nde_target tg;
    nde_loss loss = {nde_loss_mse, NULL, NULL}, both = {nde_loss_mse, prob_run_y, NULL};
    nde_rng_seed(&rng, 5);
    nde_mlp_dense(&m, 3, widths, NDE_ACT_TANH, NDE_INPUT_TIME, NULL);
    nde_mlp_init_glorot(&m, &rng);
    nde_mlp_system(&m, &sys, NULL);
    plain = sys;
    plain.save_len = 0;
    for (i = 0; i < 20; i++) target[i] = nde_rng_normal(&rng);
    tg.y = target;
    tg.w = NULL;
    loss.ctx = both.ctx = &tg;
    for (run = 0; run < 2; run++)
        for (k = 0; k < 5; k++) {
            nde_options o;
            nde_grad_options go;
            nde_grad_stats s1, s2;
            char name[160];
            int same, st1, st2;
            const nde_loss *ls = run ? &both : &loss;
            memset(&o, 0, sizeof o);
            o.method = meths[k];
            o.rtol = 1e-8;
            o.atol = 1e-8;
            if (k >= 3) o.h = 0.05;
            memset(&go, 0, sizeof go);
            go.method = NDE_GRAD_BACKPROP;
            go.save_bytes = 1L << 40; /* every step's activations */
            st1 = nde_grad(&sys, 2, y0, 5, t, &o, &go, ls, &L1, NULL, g1, gy1, &s1);
            go.save_bytes = -1;
            st2 = nde_grad(&sys, 2, y0, 5, t, &o, &go, ls, &L2, NULL, g2, gy2, &s2);
            same = st1 == NDE_OK && st2 == NDE_OK && L1 == L2 && s1.nvjp == s2.nvjp;
            for (i = 0; i < (int)m.nparams; i++) same &= g1[i] == g2[i];
            for (i = 0; i < 4; i++) same &= gy1[i] == gy2[i];
            if (!run) { /* the kept path really ran (a refused pair falls back to recomputing) */
                snprintf(name, sizeof name, "backprop %s: all %ld steps' activations kept = recompute, bit for bit",
                         mname[k], s1.nsteps);
                CHECK(name, same && s1.nsaved == s1.nsteps && s2.nsaved == 0);
            }
            if (!run) { /* a budget of 3 steps' saves: the rest recompute; still the same bits */
                nde_grad_stats s3;
                double g3[64], gy3[4], L3;
                int st3;
                go.save_bytes = 3L * (k == 3 ? 5 : meths[k] == NDE_BS32 ? 4 : k == 4 ? 2 : 7) * 2 * sys.save_len * 8;
                st3 = nde_grad(&sys, 2, y0, 5, t, &o, &go, ls, &L3, NULL, g3, gy3, &s3);
                same = st3 == NDE_OK && L3 == L1 && s3.nsaved == 3;
                for (i = 0; i < (int)m.nparams; i++) same &= g3[i] == g1[i];
                for (i = 0; i < 4; i++) same &= gy3[i] == gy1[i];
                snprintf(name, sizeof name, "backprop %s: 3 steps saved, %ld recomputed: the same bits, bytes in between",
                         mname[k], s1.nsteps - 3);
                CHECK(name, same && s1.nsteps > 3 && s3.peak_bytes > s2.peak_bytes && s3.peak_bytes < s1.peak_bytes);
            }
            if (!run) {
                printf("     %-12s backprop peak bytes: %zu with saved activations, %zu recomputing\n", mname[k],
                       s1.peak_bytes, s2.peak_bytes);
                snprintf(name, sizeof name, "backprop %s: the tape with saved activations is larger", mname[k]);
                CHECK(name, s1.peak_bytes > s2.peak_bytes);
            } else {
                snprintf(name, sizeof name, "backprop %s + running loss: nothing kept even with an unlimited budget "
                         "(the wrapper has no f_save)", mname[k]);
                CHECK(name, same && s1.nsaved == 0 && s1.peak_bytes == s2.peak_bytes);
            }
        }
    {   /* the default keeps activations only with reused buffers; reuse gives the same bits */
        nde_grad_options go;
        nde_grad_work work;
        nde_grad_stats s0, s1, s2;
        double g0[64];
        int same, st0, st1, st2;
        memset(&go, 0, sizeof go);
        memset(&work, 0, sizeof work);
        st0 = nde_grad(&sys, 2, y0, 5, t, NULL, &go, &loss, &L1, NULL, g0, NULL, &s0);
        go.work = &work;
        st1 = nde_grad(&sys, 2, y0, 5, t, NULL, &go, &loss, &L1, NULL, g1, NULL, &s1);
        st2 = nde_grad(&sys, 2, y0, 5, t, NULL, &go, &loss, &L2, NULL, g2, NULL, &s2);
        same = st0 == NDE_OK && st1 == NDE_OK && st2 == NDE_OK && L1 == L2;
        for (i = 0; i < (int)m.nparams; i++) same &= g0[i] == g1[i] && g1[i] == g2[i];
        printf("     default backprop peak bytes: %zu without work, %zu with (first call), %zu (second)\n",
               s0.peak_bytes, s1.peak_bytes, s2.peak_bytes);
        CHECK("default backprop: activations kept only with a work, the same bits every call",
              same && s0.nsaved == 0 && s1.nsaved > 0 && s2.nsaved == s1.nsaved && s1.peak_bytes > s0.peak_bytes &&
              s2.peak_bytes == s1.peak_bytes);
        nde_grad_work_free(&work);
        CHECK("nde_grad_work_free empties the work (and takes NULL)", !work.buf[0] && !work.cap[0]);
        nde_grad_work_free(NULL);
    }
    {   /* a budget of one step's activations: exactly one record held, one step kept */
        nde_grad_options go;
        nde_grad_stats s1, s2;
        long rec = 7L * 2 * sys.save_len * (long)sizeof(double);
        memset(&go, 0, sizeof go);
        go.save_bytes = rec;
        nde_grad(&sys, 2, y0, 5, t, NULL, &go, &loss, &L1, NULL, g1, NULL, &s1);
        go.save_bytes = -1;
        nde_grad(&sys, 2, y0, 5, t, NULL, &go, &loss, &L2, NULL, g2, NULL, &s2);
        CHECK("save_bytes = one step's record: one step kept, exactly one record more held",
              s1.nsaved == 1 && s2.nsaved == 0 && s1.peak_bytes == s2.peak_bytes + (size_t)rec);
    }
    {   /* the manual's universal-differential-equation recipe on a copy of the MLP system */
        nde_system ude = sys, clean;
        nde_grad_options go;
        nde_grad_work work;
        nde_grad_stats s1, s2;
        int meth, same = 1, st1, st2, used = 0;
        ude.f = ude_f;
        ude.vjp = ude_vjp;
        clean = ude;
        clean.save_len = 0;
        clean.f_save = NULL;
        clean.vjp_saved = NULL;
        memset(&work, 0, sizeof work);
        for (meth = 0; meth < 2; meth++) {
            memset(&go, 0, sizeof go);
            go.method = meth ? NDE_GRAD_BACKSOLVE : NDE_GRAD_BACKPROP;
            go.work = &work;
            st1 = nde_grad(&ude, 2, y0, 5, t, NULL, &go, &loss, &L1, NULL, g1, gy1, &s1);
            st2 = nde_grad(&clean, 2, y0, 5, t, NULL, &go, &loss, &L2, NULL, g2, gy2, &s2);
            same &= st1 == NDE_OK && st2 == NDE_OK && L1 == L2;
            for (i = 0; i < (int)m.nparams; i++) same &= g1[i] == g2[i];
            for (i = 0; i < 4; i++) same &= gy1[i] == gy2[i];
            used += (int)s1.nsaved;
        }
        CHECK("f and vjp replaced on a copy of the mlp system: the stale f_save/vjp_saved pair is not used "
              "(backprop and backsolve give the cleared copy's bits)", same && used == 0);
        nde_grad_work_free(&work);
    }
    {
        nde_grad_options go;
        nde_grad_stats s1, s2;
        int same, st1, st2;
        memset(&go, 0, sizeof go);
        go.method = NDE_GRAD_BACKSOLVE;
        st1 = nde_grad(&sys, 2, y0, 5, t, NULL, &go, &loss, &L1, NULL, g1, gy1, &s1);
        st2 = nde_grad(&plain, 2, y0, 5, t, NULL, &go, &loss, &L2, NULL, g2, gy2, &s2);
        same = st1 == NDE_OK && st2 == NDE_OK && L1 == L2 && s1.bwd.nfe == s2.bwd.nfe;
        for (i = 0; i < (int)m.nparams; i++) same &= g1[i] == g2[i];
        for (i = 0; i < 4; i++) same &= gy1[i] == gy2[i];
        CHECK("backsolve: with saved activations = without, bit for bit", same);
        CHECK("backsolve: saved activations cost one batch of scratch (2 rows x save_len doubles)",
              s1.peak_bytes == s2.peak_bytes + 2 * (size_t)sys.save_len * sizeof(double));
    }
    nde_mlp_free(&m);
}

/* Regressions found by chapter 07: tiny atol with a running loss. */
static void test_tiny_atol(void)
{
    double lam = 100.0, y0 = 1, t[2] = {0, 1}, g, L, yy[2];
    nde_system sys = prob_decay(&lam);
    nde_options o;
    nde_grad_options go;
    nde_grad_stats gs;
    nde_loss loss = {NULL, prob_run_y, NULL};
    int s;
    memset(&o, 0, sizeof o);
    o.rtol = 1e-6;
    o.atol = 1e-21;
    memset(&go, 0, sizeof go);
    go.method = NDE_GRAD_INTERP;
    s = nde_grad(&sys, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
    CHECK("tiny atol: the backward solve's automatic first step does not underflow (atol 1e-21, interp)",
          s == NDE_OK && fabs(g / ref_decay_dL[1] - 1) < 1e-3);
    o.atol = 1e-60;
    go.method = NDE_GRAD_BACKSOLVE;
    s = nde_grad(&sys, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
    printf("     lambda 100, atol 1e-60 backsolve: %s, dL/dlambda rel err %.2e, recon_err %.3g\n", nde_status_name(s),
           fabs(g / ref_decay_dL[1] - 1), gs.recon_err);
    CHECK("tiny atol: backsolve recon_err ignores the loss quadrature (no false drift at atol 1e-60)",
          s == NDE_OK && gs.drift == 0 && fabs(g / ref_decay_dL[1] - 1) < 2e-4);
    o.atol = 1e-300;
    o.h0 = 0;
    s = nde_solve(&sys, 1, &y0, 2, t, &o, yy, NULL);
    CHECK("tiny atol: the error norm does not overflow (atol 1e-300, y(1) = e^-100 to 1e-4)",
          s == NDE_OK && fabs(yy[1] / exp(-100.0) - 1) < 1e-4);
}

/* Regressions from the review. */
static int runaway_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) dy[b] = -th[0] * (y[b] - 1.0);
    return 0;
}
static int runaway_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                       double *gy, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        if (gy) gy[b] -= th[0] * a[b];
        if (gth) gth[0] -= (y[b] - 1.0) * a[b];
    }
    return 0;
}

static void test_grad_review(void)
{
    double lam = 2000.0, y0 = 0.0, t[2] = {0, 1}, g = 12345, gy0 = 12345, L, th[4];
    nde_system sys;
    nde_options o, ao;
    nde_grad_options go;
    nde_grad_stats gs;
    nde_loss run = {NULL, prob_run_y, NULL}, sq = {sumsq_loss, NULL, NULL};
    int s;
    memset(&sys, 0, sizeof sys);
    sys.dim = 1; sys.nparams = 1; sys.params = &lam; sys.f = runaway_f; sys.vjp = runaway_vjp;
    memset(&go, 0, sizeof go);
    go.method = NDE_GRAD_BACKSOLVE;
    s = nde_grad(&sys, 1, &y0, 2, t, NULL, &go, &run, &L, NULL, &g, &gy0, &gs);
    CHECK("review: a backsolve run-away gives NaN gradients, never uninitialised memory",
          s == NDE_ERR_ADJOINT_DRIFT && g != g && gy0 != gy0 && gs.recon_err > 1e300);
    memcpy(th, prob_lv_theta, sizeof th);
    sys = prob_lv(th);
    {
        double u0[2] = {1, 1}, tt[11], gth[4];
        int i;
        for (i = 0; i <= 10; i++) tt[i] = 0.1 * i;
        memset(&o, 0, sizeof o);
        o.method = NDE_BACKWARD_EULER;
        o.h = 0.05;
        go.method = NDE_GRAD_BACKSOLVE;
        s = nde_grad(&sys, 1, u0, 11, tt, &o, &go, &sq, &L, NULL, gth, NULL, &gs);
        CHECK("review: backsolve with backward Euler both ways converges its Newton iterations", s == NDE_OK);
        ao = o;
        ao.rtol = -1;
        go.adjoint = &ao;
        s = nde_grad(&sys, 1, u0, 11, tt, &o, &go, &sq, &L, NULL, gth, NULL, &gs);
        CHECK("review: bad adjoint options -> NDE_ERR_ARG naming gopt->adjoint before any solve",
              s == NDE_ERR_ARG && strstr(gs.msg, "gopt->adjoint") != NULL && gs.fwd.nfe == 0);
        ao.rtol = 0;
        ao.method = NDE_LEAPFROG;
        s = nde_grad(&sys, 1, u0, 11, tt, &o, &go, &sq, &L, NULL, gth, NULL, &gs);
        CHECK("review: leapfrog as the adjoint's solver -> NDE_ERR_UNSUPPORTED", s == NDE_ERR_UNSUPPORTED && strstr(gs.msg, "leapfrog"));
    }
}

void test_grad(void)
{
    test_grad_review();
    test_tiny_atol();
    test_mlp_ode_fd();
    test_saved_activations();
    test_lv_gradient();
    test_running_loss();
    test_rk4_discrete();
    test_memory();
    test_grad_statuses();
    test_drift();
}
