/* pendulum.h: the double pendulum shared by chapters 05 and 06.

   A stopgap: two chapters need the true system, its Hamiltonian, the training
   data and the plain Neural ODE of chapter 05, so they live here once instead
   of being copied (the lead decides whether they move elsewhere). The last
   section holds three helpers that are not about the pendulum at all (timing,
   a solve that marks the rows it did not reach, saving a figure): any chapter
   could use them. Include this file after neuralode.h and ndeplot.h, with
   _POSIX_C_SOURCE >= 199309L defined first (clock_gettime); every function
   is static.

   Source: "An Implementation of Neural Ordinary Differential Equations"
   (Arrieta), section 3.4, Hamiltonian eq 3.5 with m1 = m2 = l1 = l2 = 1,
   g = 9.8, q = (theta1, theta2), p = (p_theta1, p_theta2), z = (q, p):

     H(q, p) = (p1^2 + 2 p2^2 - 2 p1 p2 cos d) / (2 (1 + sin^2 d))
               - 2 g cos q1 - g cos q2,                 d = q1 - q2

   Hamilton's equations (3.6), dq/dt = dH/dp, dp/dt = -dH/dq, with
   N = p1^2 + 2 p2^2 - 2 p1 p2 cos d and D = 2 (1 + sin^2 d):
     dq1/dt = (2 p1 - 2 p2 cos d) / D
     dq2/dt = (4 p2 - 2 p1 cos d) / D
     dT/dd  = 2 p1 p2 sin d / D - N (4 sin d cos d) / D^2
     dp1/dt = -dT/dd - 2 g sin q1
     dp2/dt = +dT/dd - g sin q2
   (derived and checked against central differences of H in
   tests/fixtures/make_refs.py). */
#ifndef CHAPTERS_PENDULUM_H
#define CHAPTERS_PENDULUM_H

#include <math.h>
#include <stdio.h>
#include <time.h>

#define DP_G 9.8
#define DP_N 26        /* observations: the report's code, 26 points on [0, 2.5] */
#define DP_T_TRAIN 2.5

/* H(z) of eq 3.5 for one state z (4) = (q1, q2, p1, p2). */
static double dp_hamiltonian(const double *z)
{
    double d = z[0] - z[1], c = cos(d), s = sin(d);
    double N = z[2] * z[2] + 2.0 * z[3] * z[3] - 2.0 * z[2] * z[3] * c;
    double D = 2.0 * (1.0 + s * s);
    return N / D - 2.0 * DP_G * cos(z[0]) - DP_G * cos(z[1]);
}

/* Hamilton's equations for B rows: dydt (B,4) = f(y (B,4)). An nde_system f. */
static int dp_rhs(void *ctx, double t, int B, const double *y, const double *theta, double *dydt)
{
    int b;
    (void)ctx; (void)t; (void)theta;
    for (b = 0; b < B; b++) {
        const double *z = y + 4 * b;
        double *f = dydt + 4 * b;
        double d = z[0] - z[1], c = cos(d), s = sin(d);
        double N = z[2] * z[2] + 2.0 * z[3] * z[3] - 2.0 * z[2] * z[3] * c;
        double D = 2.0 * (1.0 + s * s);
        double dTdd = 2.0 * z[2] * z[3] * s / D - N * 4.0 * s * c / (D * D);
        f[0] = (2.0 * z[2] - 2.0 * z[3] * c) / D;
        f[1] = (4.0 * z[3] - 2.0 * z[2] * c) / D;
        f[2] = -dTdd - 2.0 * DP_G * sin(z[0]);
        f[3] = dTdd - DP_G * sin(z[1]);
    }
    return 0;
}

/* Jacobian J (B,4,4) = df/dy of dp_rhs by central differences, step 1e-6
   (error ~1e-11). The implicit Gauss-Legendre method needs it only for its
   Newton iteration, which converges with an approximate Jacobian: the stage
   equations it solves use the exact f. */
static int dp_jac(void *ctx, double t, int B, const double *y, const double *theta, double *J)
{
    const double eps = 1e-6;
    double yp[4], ym[4], fp[4], fm[4];
    int b, i, j;
    for (b = 0; b < B; b++) {
        for (j = 0; j < 4; j++) {
            for (i = 0; i < 4; i++) yp[i] = ym[i] = y[4 * b + i];
            yp[j] += eps;
            ym[j] -= eps;
            dp_rhs(ctx, t, 1, yp, theta, fp);
            dp_rhs(ctx, t, 1, ym, theta, fm);
            for (i = 0; i < 4; i++) J[16 * b + 4 * i + j] = (fp[i] - fm[i]) / (2.0 * eps);
        }
    }
    return 0;
}

/* The true system: no parameters, f and its Jacobian (no gradients are taken
   through the truth). */
static nde_system dp_system(void)
{
    nde_system s = {4, 0, NULL, NULL, dp_rhs, NULL, NULL, dp_jac};
    return s;
}

/* n equally spaced times t (n) from t0 to t1 (both included). */
static void dp_linspace(int n, double t0, double t1, double *t)
{
    int i;
    for (i = 0; i < n; i++) t[i] = t0 + (t1 - t0) * i / (n - 1);
}

/* max over the N states y (N,4) of |H(y_n) - H(y_0)|; H (N) receives
   H(y_n) - H(y_0) when not NULL. Non-finite states give +inf. */
static double dp_energy_drift(int N, const double *y, double *H)
{
    double H0 = dp_hamiltonian(y), worst = 0.0;
    int n;
    for (n = 0; n < N; n++) {
        double dH = dp_hamiltonian(y + 4 * n) - H0;
        if (!(fabs(dH) <= worst)) worst = isfinite(dH) ? fabs(dH) : INFINITY;
        if (H) H[n] = dH;
    }
    return worst;
}

/* The training data of chapters 05 and 06: q = (0.05, -0.05), p = (0, 0),
   DP_N states ydata (DP_N,4) at tdata (DP_N) on [0, 2.5], from dopri5 at
   rtol 1e-10, atol 1e-12 (the "truth" of both chapters). Returns NDE_OK or
   the solver's status (with its message printed). */
static int dp_make_data(double *tdata, double *ydata)
{
    static const double z0[4] = {0.05, -0.05, 0.0, 0.0};
    nde_system truth = dp_system();
    nde_options o = {0};
    nde_stats st;
    int rc;
    o.rtol = 1e-10;
    o.atol = 1e-12;
    dp_linspace(DP_N, 0.0, DP_T_TRAIN, tdata);
    rc = nde_solve(&truth, 1, z0, DP_N, tdata, &o, ydata, &st);
    if (rc) printf("truth solve failed: %s: %s\n", nde_status_name(rc), st.msg);
    return rc;
}

/* ---- The plain Neural ODE of chapter 05 (chapter 06 retrains it as its baseline) ---- */

/* Options of every Neural ODE solve: tsit5 (the report's solver) at rtol
   1e-6, atol 1e-8, tight enough that what is measured is the model. */
static nde_options dp_node_options(void)
{
    nde_options o = {0};
    o.method = NDE_TSIT5;
    o.rtol = 1e-6;
    o.atol = 1e-8;
    return o;
}

static void dp_print_line(void *ctx, const char *line)
{
    printf("  %s%s\n", (const char *)ctx, line);
}

/* The 4-64-4 tanh Neural ODE dz/dt = net(z), weights N(0, 0.1^2) from seed,
   trained on the whole trajectory (tdata, ydata) from ydata[0] by Adam (lr
   1e-2) on the MSE, gradients by the interpolating adjoint (method A of the
   report: store the forward solution, read it backwards). Writes the loss
   after each step into losses (iters) when not NULL; returns the final MSE
   of the trained model, or -1 on failure (message printed). net is built
   here; the caller frees it. */
static double dp_node_train(nde_mlp *net, unsigned long long seed, int iters,
                            const double *tdata, const double *ydata, double *losses)
{
    static const int widths[3] = {4, 64, 4};
    char msg[NDE_MSG_LEN];
    nde_system sys;
    nde_rng rng;
    nde_optim adam;
    nde_progress pr;
    nde_options o = dp_node_options();
    nde_grad_options go = {0};
    nde_target tg = {NULL, NULL};
    nde_loss loss = {nde_loss_mse, NULL, NULL};
    nde_grad_stats gs;
    double g[64 * 4 + 64 + 4 * 64 + 4], L = -1.0; /* (P) */
    int it, rc;
    tg.y = ydata;
    loss.ctx = &tg;
    go.method = NDE_GRAD_INTERP;
    if (nde_mlp_dense(net, 3, widths, NDE_ACT_TANH, 0, msg) || nde_mlp_system(net, &sys, msg) ||
        nde_optim_init(&adam, NDE_OPT_ADAM, net->nparams, 1e-2, msg)) {
        printf("model setup failed: %s\n", msg);
        return -1.0;
    }
    nde_rng_seed(&rng, seed);
    nde_mlp_init_normal(net, &rng, 0.1);
    nde_progress_init(&pr, iters >= 10 ? iters / 10 : 1, dp_print_line, (void *)"node ");
    for (it = 1; it <= iters; it++) {
        rc = nde_grad(&sys, 1, ydata, DP_N, tdata, &o, &go, &loss, &L, NULL, g, NULL, &gs);
        if (rc) { printf("nde_grad failed at step %d: %s: %s\n", it, nde_status_name(rc), gs.msg); break; }
        if (losses) losses[it - 1] = L;
        nde_optim_step(&adam, net->params, g);
        nde_progress_update(&pr, it, L, gs.fwd.nfe + gs.bwd.nfe);
    }
    nde_optim_free(&adam);
    if (it <= iters) return -1.0;
    { /* the MSE of the trained parameters (the last L was before the last step) */
        double yfit[DP_N * 4]; /* (N,4) */
        nde_stats st;
        rc = nde_solve(&sys, 1, ydata, DP_N, tdata, &o, yfit, &st);
        if (rc) { printf("final solve failed: %s\n", st.msg); return -1.0; }
        return nde_mse(DP_N * 4, yfit, ydata);
    }
}

/* ---- Helpers any chapter could use -------------------------------------- */

/* Wall-clock seconds from a monotonic clock. */
static double dp_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* nde_solve of one row z0 (D) over the N times t (N) into y (N,D) with options
   o; *nfe = f evaluations (nfe may be NULL). On failure print what and why and
   fill the rows not reached with NaN (a drift over them then counts as inf).
   Returns the status. */
static int dp_solve(const char *what, const nde_system *sys, const double *z0, int N, const double *t,
                    const nde_options *o, double *y, long *nfe)
{
    nde_stats st;
    int rc = nde_solve(sys, 1, z0, N, t, o, y, &st);
    long i;
    if (rc) {
        printf("%s: %s: %s\n", what, nde_status_name(rc), st.msg);
        for (i = (long)sys->dim * st.n_out; i < (long)sys->dim * N; i++) y[i] = NAN;
    }
    if (nfe) *nfe = st.nfe;
    return rc;
}

/* Save fig as dir/name.png (.dat, .gp), print where it went or why it failed,
   free the figure. Returns 0 or the ndp_status. */
static int dp_save(ndp_figure *fig, const char *dir, const char *name)
{
    char stem[256], msg[NDP_MSG_LEN];
    int rc;
    snprintf(stem, sizeof stem, "%s/%s", dir, name);
    rc = ndp_save(fig, stem, msg);
    if (rc) printf("figure %s not written: %s: %s\n", stem, ndp_status_name(rc), msg);
    else printf("wrote %s.png (.dat, .gp)\n", stem);
    ndp_figure_free(fig);
    return rc;
}

#endif /* CHAPTERS_PENDULUM_H */
