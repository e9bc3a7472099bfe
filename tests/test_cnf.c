/* test_cnf.c: continuous normalizing flows. The exact trace against finite
   differences of f; Hutchinson's estimate against the exact trace over many
   draws; a linear flow's log-density against its closed form (log p changes
   by -T tr(A)) with every solver; the flow's vjp against finite differences;
   gradients of the negative log-likelihood against central differences for
   both trace kinds and the three gradient methods; the error statuses. */
#include "neuralode.h"
#include "check.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define TC_MAXP 128 /* parameters of the small test networks */

static const char *tc_gname[3] = {"backprop", "backsolve", "interp"};
static const char *tc_tname[3] = {"exact", "rademacher", "gaussian"};

static void tc_fill(nde_rng *r, long n, double *x, double s)
{
    long i;
    for (i = 0; i < n; i++) x[i] = s * nde_rng_normal(r);
}

/* A small time-dependent tanh network D -> 8 -> 8 -> D (flags as given). */
static int tc_net(nde_mlp *m, int D, int flags, nde_rng *r)
{
    int widths[4] = {D, 8, 8, D};
    if (nde_mlp_dense(m, 4, widths, NDE_ACT_TANH, flags, NULL) != NDE_OK) return 0;
    tc_fill(r, m->nparams, m->params, 0.5);
    return 1;
}

/* Rows (z, 0) of D+1 from points z (B,D). */
static void tc_rows(int B, int D, const double *z, double *y)
{
    int b;
    for (b = 0; b < B; b++) {
        memcpy(y + b * (D + 1), z + b * D, D * sizeof(double));
        y[b * (D + 1) + D] = 0.0;
    }
}

/* ---------------------------------------------------------------------- */
/* The trace: exact against finite differences, Hutchinson's mean          */
/* ---------------------------------------------------------------------- */

static void tc_test_trace(void)
{
    static const int flagset[3] = {0, NDE_INPUT_TIME, NDE_INPUT_CUBE | NDE_INPUT_TIME};
    static const char *flagname[3] = {"plain", "time", "cube+time"};
    nde_rng r;
    int c;
    nde_rng_seed(&r, 14);
    for (c = 0; c < 3; c++) {
        enum { B = 3, D = 3, E = D + 1 };
        double z[B * D], y[B * E], dy[B * E], zp[B * D], fp[B * D], fm[B * D], fdtr[B], worst = 0;
        double t = 0.4, h = 1e-6;
        nde_mlp m;
        nde_cnf cnf;
        nde_system s;
        char name[160];
        int b, j;
        if (!tc_net(&m, D, flagset[c], &r)) { CHECK("trace: network builds", 0); return; }
        tc_fill(&r, B * D, z, 0.8);
        tc_rows(B, D, z, y);
        CHECK("nde_cnf_system on a D -> D network", nde_cnf_system(&cnf, &m, NDE_TRACE_EXACT, 1.0, &s, NULL) == NDE_OK && s.dim == D + 1);
        s.f(s.ctx, t, B, y, s.params, dy);
        memcpy(zp, z, sizeof z);
        for (b = 0; b < B; b++) fdtr[b] = 0;
        for (j = 0; j < D; j++) { /* tr(df/dz) = sum_j d f_j / d z_j by central differences */
            for (b = 0; b < B; b++) zp[b * D + j] = z[b * D + j] + h;
            nde_mlp_forward(&m, B, zp, t, fp);
            for (b = 0; b < B; b++) zp[b * D + j] = z[b * D + j] - h;
            nde_mlp_forward(&m, B, zp, t, fm);
            for (b = 0; b < B; b++) {
                zp[b * D + j] = z[b * D + j];
                fdtr[b] += (fp[b * D + j] - fm[b * D + j]) / (2 * h);
            }
        }
        nde_mlp_forward(&m, B, z, t, fp);
        for (b = 0; b < B; b++) {
            double e = fabs(-dy[b * E + D] - fdtr[b]) / (fabs(fdtr[b]) > 1e-3 ? fabs(fdtr[b]) : 1e-3);
            if (e > worst) worst = e;
            for (j = 0; j < D; j++) if (dy[b * E + j] != fp[b * D + j]) worst = INFINITY; /* dz/dt = f bit for bit */
        }
        snprintf(name, sizeof name, "cnf %s: dz/dt = net, dl/dt = -tr(df/dz) against central differences (rel)", flagname[c]);
        CHECK_LE(name, worst, 1e-7);
        nde_cnf_free(&cnf);
        nde_mlp_free(&m);
    }

    { /* Hutchinson: one point, many rows, each row its own eps */
        enum { D = 3, E = D + 1, NR = 20000 };
        static double y[NR * E], dy[NR * E];
        double z[D], exact, t = 0.2;
        nde_mlp m;
        nde_cnf cnf;
        nde_system s;
        int b, k;
        if (!tc_net(&m, D, NDE_INPUT_TIME, &r)) { CHECK("hutchinson: network builds", 0); return; }
        tc_fill(&r, D, z, 0.8);
        for (b = 0; b < NR; b++) tc_rows(1, D, z, y + b * E);
        nde_cnf_system(&cnf, &m, NDE_TRACE_EXACT, 1.0, &s, NULL);
        s.f(s.ctx, t, 1, y, s.params, dy);
        exact = -dy[D];
        nde_cnf_free(&cnf);
        for (k = NDE_TRACE_RADEMACHER; k <= NDE_TRACE_GAUSSIAN; k++) {
            double mean = 0, var = 0, se;
            char name[160];
            nde_cnf_system(&cnf, &m, k, 1.0, &s, NULL);
            CHECK("nde_cnf_draw for 20000 rows", nde_cnf_draw(&cnf, &r, NR, NULL) == NDE_OK);
            s.f(s.ctx, t, NR, y, s.params, dy);
            for (b = 0; b < NR; b++) mean += -dy[b * E + D];
            mean /= NR;
            for (b = 0; b < NR; b++) var += (-dy[b * E + D] - mean) * (-dy[b * E + D] - mean);
            var /= NR - 1;
            se = sqrt(var / NR);
            printf("      hutchinson %-10s: mean %.6f exact %.6f, per-draw sd %.4f, standard error %.1e\n",
                   tc_tname[k], mean, exact, sqrt(var), se);
            snprintf(name, sizeof name, "hutchinson %s: mean of 20000 draws within 4 standard errors of the exact trace",
                     tc_tname[k]);
            CHECK_LE(name, fabs(mean - exact), 4 * se);
            snprintf(name, sizeof name, "hutchinson %s: the estimate varies (sd > 0.01: it is an estimate)", tc_tname[k]);
            CHECK(name, sqrt(var) > 0.01);
            nde_cnf_free(&cnf);
        }
        nde_mlp_free(&m);
    }

    { /* D = 1 with Rademacher probes: eps^2 = 1, the estimate is exact */
        int widths[3] = {1, 6, 1};
        double y[4] = {0.3, 0, -0.7, 0}, de[4], dh[4];
        nde_mlp m;
        nde_cnf cnf;
        nde_system s;
        nde_mlp_dense(&m, 3, widths, NDE_ACT_TANH, NDE_INPUT_TIME, NULL);
        tc_fill(&r, m.nparams, m.params, 0.7);
        nde_cnf_system(&cnf, &m, NDE_TRACE_EXACT, 1.0, &s, NULL);
        s.f(s.ctx, 0.1, 2, y, s.params, de);
        nde_cnf_free(&cnf);
        nde_cnf_system(&cnf, &m, NDE_TRACE_RADEMACHER, 1.0, &s, NULL);
        nde_cnf_draw(&cnf, &r, 2, NULL);
        s.f(s.ctx, 0.1, 2, y, s.params, dh);
        CHECK("rademacher in one dimension equals the exact trace bit for bit", de[1] == dh[1] && de[3] == dh[3]);
        nde_cnf_free(&cnf);
        nde_mlp_free(&m);
    }
}

/* ---------------------------------------------------------------------- */
/* A linear flow f = A z: l(T) = -T tr(A), z(T) = e^{AT} z0, every solver   */
/* ---------------------------------------------------------------------- */

static void tc_test_linear(void)
{
    enum { B = 3, D = 2, E = D + 1 };
    int widths[2] = {D, D}, meth;
    double A[4] = {-0.3, 0.8, -0.5, 0.2}, AT[4], eAT[4], T = 1.5, tt[2] = {0, 1.5};
    double z0[B * D] = {0.5, -0.2, 1.0, 0.7, -1.2, 0.3}, y0[B * E], y[2 * B * E], logp[B], zT[B * D];
    double trA = A[0] + A[3], worst_z = 0, worst_lp = 0;
    nde_mlp m;
    nde_cnf cnf;
    nde_system s;
    nde_options o;
    nde_stats st;
    int b, i, k;
    nde_mlp_dense(&m, 2, widths, NDE_ACT_TANH, 0, NULL); /* one linear layer: f = W z + b */
    memcpy(m.params, A, sizeof A);                        /* W = A, b = 0 */
    nde_cnf_system(&cnf, &m, NDE_TRACE_EXACT, 0.5, &s, NULL);
    for (k = 0; k < 4; k++) AT[k] = A[k] * T;
    nde_expm(2, AT, eAT);
    tc_rows(B, D, z0, y0);
    for (meth = 0; meth < NDE_METHOD_COUNT; meth++) {
        double el = 0, ez = 0;
        int status;
        char name[160];
        memset(&o, 0, sizeof o);
        o.method = meth;
        o.rtol = o.atol = 1e-12;
        o.h = 1.5 / 400;
        status = nde_solve(&s, B, y0, 2, tt, &o, y, &st);
        if (meth == NDE_LEAPFROG) { /* needs rows (q, p) of even length: D + 1 = 3 is refused */
            CHECK("linear flow with leapfrog (odd row width 3) -> NDE_ERR_ARG naming the width",
                  status == NDE_ERR_ARG && strstr(st.msg, "even"));
            continue;
        }
        for (b = 0; b < B; b++) {
            const double *yT = y + B * E + b * E;
            el = fmax(el, fabs(yT[D] - (-T * trA)));
            for (i = 0; i < D; i++) {
                double want = eAT[i * 2] * z0[b * D] + eAT[i * 2 + 1] * z0[b * D + 1];
                ez = fmax(ez, fabs(yT[i] - want));
            }
        }
        snprintf(name, sizeof name, "linear flow, %s (status %s): l(T) = -T tr(A) (abs)", nde_method_name(meth), nde_status_name(status));
        CHECK_LE(name, status == NDE_OK ? el : 1.0, 1e-8);
        printf("      %-14s |l(T) + T tr A| %.1e  |z(T) - e^{AT} z0| %.1e\n", nde_method_name(meth), el, ez);
        if (meth == NDE_DOPRI5 || meth == NDE_TSIT5) worst_z = fmax(worst_z, ez);
    }
    CHECK_LE("linear flow, dopri5 and tsit5 at 1e-12: z(T) = e^{AT} z0 (abs)", worst_z, 1e-9);
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = 1e-12;
    CHECK("nde_cnf_log_density of the linear flow", nde_cnf_log_density(&s, B, z0, T, &o, logp, zT, &st) == NDE_OK);
    for (b = 0; b < B; b++) { /* log p(x) = log N(e^{AT} x; 0, 0.25 I) + T tr(A) */
        double q = 0, want;
        for (i = 0; i < D; i++) {
            double zi = eAT[i * 2] * z0[b * D] + eAT[i * 2 + 1] * z0[b * D + 1];
            q += zi * zi;
        }
        want = -0.5 * q / 0.25 - log(2 * 3.14159265358979323846 * 0.25) + T * trA;
        worst_lp = fmax(worst_lp, fabs(logp[b] - want));
    }
    CHECK_LE("nde_cnf_log_density of the linear flow = log N(e^{AT} x) + T tr(A) (abs)", worst_lp, 1e-8);
    nde_cnf_free(&cnf);
    nde_mlp_free(&m);
}

/* ---------------------------------------------------------------------- */
/* The flow's vjp, and the NLL's gradients against central differences     */
/* ---------------------------------------------------------------------- */

static void tc_test_vjp(void)
{
    static const int flagset[2] = {NDE_INPUT_TIME, NDE_INPUT_CUBE | NDE_INPUT_TIME};
    nde_rng r;
    int c, k;
    nde_rng_seed(&r, 15);
    for (c = 0; c < 2; c++)
        for (k = 0; k < 3; k++) {
            enum { B = 4, D = 2, E = D + 1 };
            double z[B * D], y[B * E], err[4];
            nde_mlp m;
            nde_cnf cnf;
            nde_system s;
            char name[160];
            int st;
            if (!tc_net(&m, D, flagset[c], &r)) { CHECK("vjp: network builds", 0); return; }
            tc_fill(&r, B * D, z, 0.8);
            tc_rows(B, D, z, y);
            nde_cnf_system(&cnf, &m, k, 1.0, &s, NULL);
            if (k != NDE_TRACE_EXACT) nde_cnf_draw(&cnf, &r, B, NULL);
            st = nde_system_check(&s, 0.3, B, y, 0, err);
            printf("      flow vjp, %s trace, %s: vjp-y %.1e vjp-theta %.1e vjp-t %.1e\n", tc_tname[k],
                   c ? "cube+time" : "time", err[0], err[1], err[2]);
            snprintf(name, sizeof name, "flow vjp (%s trace, %s input) against central differences (nde_system_check)",
                     tc_tname[k], c ? "cube+time" : "time");
            CHECK_LE(name, st == NDE_OK ? fmax(fmax(err[0], err[1]), err[2]) : 1.0, 1e-6);
            nde_cnf_free(&cnf);
            nde_mlp_free(&m);
        }
}

/* NLL at theta by a tight solve (for the differences). */
static double tc_nll(const nde_system *s, nde_cnf *cnf, int B, const double *y0, double T)
{
    double t[2] = {0, T}, y[2 * 8 * 3], g[2 * 8 * 3];
    nde_options o;
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = 1e-12;
    if (nde_solve(s, B, y0, 2, t, &o, y, NULL) != NDE_OK) return NAN;
    return nde_cnf_nll(cnf, 2, B, s->dim, t, y, g);
}

static void tc_test_nll_grad(void)
{
    enum { B = 5, D = 2, E = D + 1 };
    double z[B * D], y0[B * E], t[2] = {0, 1.0}, fd[TC_MAXP], g[TC_MAXP], gy0[B * E], fdy[B * E];
    nde_rng r;
    nde_mlp m;
    int k, gm, j;
    nde_rng_seed(&r, 16);
    if (!tc_net(&m, D, NDE_INPUT_TIME, &r) || m.nparams > TC_MAXP) { CHECK("nll: network builds", 0); return; }
    tc_fill(&r, B * D, z, 0.7);
    tc_rows(B, D, z, y0);
    for (k = NDE_TRACE_EXACT; k <= NDE_TRACE_RADEMACHER; k++) {
        nde_cnf cnf;
        nde_system s;
        nde_loss loss;
        double h = 1e-5, L0; /* step of the differences: round-off ~1e-16 L / h */
        nde_cnf_system(&cnf, &m, k, 0.8, &s, NULL);
        if (k != NDE_TRACE_EXACT) nde_cnf_draw(&cnf, &r, B, NULL); /* one eps for every solve below */
        loss.point = nde_cnf_nll;
        loss.running = NULL;
        loss.ctx = &cnf;
        L0 = tc_nll(&s, &cnf, B, y0, 1.0);
        for (j = 0; j < m.nparams; j++) {
            double keep = m.params[j], Lp, Lm;
            m.params[j] = keep + h;
            Lp = tc_nll(&s, &cnf, B, y0, 1.0);
            m.params[j] = keep - h;
            Lm = tc_nll(&s, &cnf, B, y0, 1.0);
            m.params[j] = keep;
            fd[j] = (Lp - Lm) / (2 * h);
        }
        for (j = 0; j < B * E; j++) {
            double keep = y0[j], Lp, Lm;
            y0[j] = keep + h;
            Lp = tc_nll(&s, &cnf, B, y0, 1.0);
            y0[j] = keep - h;
            Lm = tc_nll(&s, &cnf, B, y0, 1.0);
            y0[j] = keep;
            fdy[j] = (Lp - Lm) / (2 * h);
        }
        CHECK("nll: dNLL/dl(0) = 1/B (l enters the loss linearly)", fabs(fdy[D] - 1.0 / B) < 1e-8);
        for (gm = 0; gm < 3; gm++) {
            nde_options o;
            nde_grad_options go;
            nde_grad_stats gs;
            double L, eg, ey;
            char name[200];
            int st;
            memset(&o, 0, sizeof o);
            o.rtol = o.atol = 1e-12;
            memset(&go, 0, sizeof go);
            go.method = gm;
            st = nde_grad(&s, B, y0, 2, t, &o, &go, &loss, &L, NULL, g, gy0, &gs);
            eg = max_rel_diff((int)m.nparams, g, fd, 1e-3);
            ey = max_rel_diff(B * E, gy0, fdy, 1e-3);
            printf("      nll %-10s %-9s: L %.6f (FD run %.6f), dL/dtheta %.1e, dL/dy0 %.1e, nfe fwd %ld bwd %ld\n",
                   tc_tname[k], tc_gname[gm], L, L0, eg, ey, gs.fwd.nfe, gs.bwd.nfe);
            snprintf(name, sizeof name, "nll gradient, %s trace, %s (status %s): dL/dtheta and dL/dy0 against central differences",
                     tc_tname[k], tc_gname[gm], nde_status_name(st));
            CHECK_LE(name, st == NDE_OK ? fmax(eg, ey) : 1.0, 3e-7);
        }
        { /* a fixed-step solver: backprop is the exact gradient of the discrete flow */
            nde_options o;
            nde_grad_options go;
            double L, e, fdr[TC_MAXP];
            memset(&o, 0, sizeof o);
            o.method = NDE_RK4;
            o.h = 0.1;
            memset(&go, 0, sizeof go);
            for (j = 0; j < m.nparams; j++) {
                double keep = m.params[j], Lp, Lm, yy[2 * B * E], gg[2 * B * E];
                m.params[j] = keep + h;
                nde_solve(&s, B, y0, 2, t, &o, yy, NULL);
                Lp = nde_cnf_nll(&cnf, 2, B, E, t, yy, gg);
                m.params[j] = keep - h;
                nde_solve(&s, B, y0, 2, t, &o, yy, NULL);
                Lm = nde_cnf_nll(&cnf, 2, B, E, t, yy, gg);
                m.params[j] = keep;
                fdr[j] = (Lp - Lm) / (2 * h);
            }
            nde_grad(&s, B, y0, 2, t, &o, &go, &loss, &L, NULL, g, NULL, NULL);
            e = max_rel_diff((int)m.nparams, g, fdr, 1e-3);
            CHECK_LE(k ? "nll gradient, rademacher trace, rk4 h = 0.1, backprop = differences of the discrete flow"
                       : "nll gradient, exact trace, rk4 h = 0.1, backprop = differences of the discrete flow", e, 1e-7);
        }
        { /* an implicit solver through the interpolating adjoint (Jacobian from D+1 vjps) */
            nde_options o;
            nde_grad_options go;
            double L, e;
            int st;
            memset(&o, 0, sizeof o);
            o.method = NDE_SDIRK4;
            o.rtol = o.atol = 1e-9;
            memset(&go, 0, sizeof go);
            go.method = NDE_GRAD_INTERP;
            st = nde_grad(&s, B, y0, 2, t, &o, &go, &loss, &L, NULL, g, NULL, NULL);
            e = max_rel_diff((int)m.nparams, g, fd, 1e-3);
            printf("      nll %-10s sdirk4 interp: dL/dtheta %.1e\n", tc_tname[k], e);
            CHECK_LE(k ? "nll gradient, rademacher trace, sdirk4 + interpolating adjoint against differences"
                       : "nll gradient, exact trace, sdirk4 + interpolating adjoint against differences",
                     st == NDE_OK ? e : 1.0, 1e-4);
            o.method = NDE_EPI2;
            o.h = 0.05;
            go.method = NDE_GRAD_BACKPROP;
            st = nde_grad(&s, B, y0, 2, t, &o, &go, &loss, &L, NULL, g, NULL, NULL);
            CHECK("backprop through epi2 needs vhp, which a flow lacks: NDE_ERR_UNSUPPORTED", st == NDE_ERR_UNSUPPORTED);
        }
        nde_cnf_free(&cnf);
    }
    nde_mlp_free(&m);
}

/* ---------------------------------------------------------------------- */
/* Bad arguments                                                          */
/* ---------------------------------------------------------------------- */

static void tc_test_errors(void)
{
    int w22[2] = {2, 2}, w23[2] = {2, 3};
    double y[6] = {0.1, 0.2, 0, 0.3, 0.4, 0}, dy[6], x[4] = {0.1, 0.2, 0.3, 0.4}, lp[2], g[6];
    double t01[2] = {0, 1}, yout[12];
    nde_mlp m, m23;
    nde_cnf cnf;
    nde_system s, plain;
    nde_stats st;
    nde_rng r;
    char msg[NDE_MSG_LEN];
    nde_rng_seed(&r, 1);
    nde_mlp_dense(&m, 2, w22, NDE_ACT_TANH, 0, NULL);
    nde_mlp_dense(&m23, 2, w23, NDE_ACT_TANH, 0, NULL);
    CHECK("nde_cnf_system(NULL net) -> NDE_ERR_ARG naming net",
          nde_cnf_system(&cnf, NULL, 0, 1.0, &s, msg) == NDE_ERR_ARG && strstr(msg, "net"));
    CHECK("nde_cnf_system on a 2 -> 3 network -> NDE_ERR_ARG naming out_dim",
          nde_cnf_system(&cnf, &m23, 0, 1.0, &s, msg) == NDE_ERR_ARG && strstr(msg, "out_dim"));
    CHECK("nde_cnf_system with trace = 7 -> NDE_ERR_ARG naming trace",
          nde_cnf_system(&cnf, &m, 7, 1.0, &s, msg) == NDE_ERR_ARG && strstr(msg, "trace"));
    CHECK("nde_cnf_system with sigma = 0 -> NDE_ERR_ARG naming sigma",
          nde_cnf_system(&cnf, &m, 0, 0.0, &s, msg) == NDE_ERR_ARG && strstr(msg, "sigma"));
    CHECK("nde_cnf_system with sigma = NaN -> NDE_ERR_ARG", nde_cnf_system(&cnf, &m, 0, NAN, &s, NULL) == NDE_ERR_ARG);
    nde_cnf_system(&cnf, &m, NDE_TRACE_EXACT, 1.0, &s, NULL);
    CHECK("nde_cnf_draw on an exact-trace flow -> NDE_ERR_ARG naming the exact trace",
          nde_cnf_draw(&cnf, &r, 2, msg) == NDE_ERR_ARG && strstr(msg, "exact"));
    nde_cnf_system(&cnf, &m, NDE_TRACE_GAUSSIAN, 1.0, &s, NULL);
    CHECK("nde_cnf_draw with B = 0 -> NDE_ERR_ARG naming B", nde_cnf_draw(&cnf, &r, 0, msg) == NDE_ERR_ARG && strstr(msg, "B"));
    CHECK("hutchinson f before any draw -> non-zero (the solve stops)", s.f(s.ctx, 0, 2, y, s.params, dy) != 0);
    CHECK("nde_cnf_log_density before a draw -> NDE_ERR_ARG naming nde_cnf_draw",
          nde_cnf_log_density(&s, 2, x, 1.0, NULL, lp, NULL, &st) == NDE_ERR_ARG && strstr(st.msg, "nde_cnf_draw"));
    nde_cnf_draw(&cnf, &r, 1, NULL);
    CHECK("a solve of 2 rows with eps for 1 -> NDE_ERR_CALLBACK",
          nde_solve(&s, 2, y, 2, t01, NULL, yout, &st) == NDE_ERR_CALLBACK);
    nde_cnf_free(&cnf);
    nde_cnf_free(&cnf);
    CHECK("nde_cnf_free twice is safe", cnf.eps == NULL && cnf.work == NULL);
    nde_cnf_system(&cnf, &m, NDE_TRACE_EXACT, 1.0, &s, NULL);
    CHECK("nde_cnf_log_density with T = 0 -> NDE_ERR_ARG naming T",
          nde_cnf_log_density(&s, 2, x, 0.0, NULL, lp, NULL, &st) == NDE_ERR_ARG && strstr(st.msg, "T ="));
    CHECK("nde_cnf_log_density with x = NULL -> NDE_ERR_ARG naming x",
          nde_cnf_log_density(&s, 2, NULL, 1.0, NULL, lp, NULL, &st) == NDE_ERR_ARG && strstr(st.msg, "x is NULL"));
    nde_mlp_system(&m, &plain, NULL);
    CHECK("nde_cnf_log_density of a plain Neural ODE system -> NDE_ERR_ARG",
          nde_cnf_log_density(&plain, 2, x, 1.0, NULL, lp, NULL, &st) == NDE_ERR_ARG && strstr(st.msg, "not a flow"));
    CHECK("nde_cnf_nll with rows of width 2 (not D+1 = 3) -> NaN", isnan(nde_cnf_nll(&cnf, 1, 2, 2, NULL, x, g)));
    nde_cnf_free(&cnf);
    nde_mlp_free(&m);
    nde_mlp_free(&m23);
}

void test_cnf(void)
{
    tc_test_trace();
    tc_test_linear();
    tc_test_vjp();
    tc_test_nll_grad();
    tc_test_errors();
}
