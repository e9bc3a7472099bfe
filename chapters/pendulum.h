/* pendulum.h: the double pendulum shared by chapters 05 and 06.

   Two chapters need the true system, its Hamiltonian, the training data, the
   energy measurements and the plain Neural ODE of chapter 05, so they live here
   once instead of being copied. Only pendulum content: general helpers come
   from neuralode.h and ndeplot.h. Include this file after both; every function
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
    nde_system s = {4, 0, NULL, NULL, dp_rhs, NULL, NULL, dp_jac, NULL, 0, NULL, NULL};
    return s;
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

/* Running max over [t_0, t_n] of |dH|, for the N energy errors dH (N) of
   dp_energy_drift, into run (N), floored at 1e-12 for a log axis. A NaN (a
   blow-up: the rows after a failed solve) replaces the max, so a drawn curve
   ends there. */
static void dp_running_max(int N, const double *dH, double *run)
{
    double m = 1e-12;
    int n;
    for (n = 0; n < N; n++) {
        if (!(fabs(dH[n]) <= m)) m = fabs(dH[n]);
        run[n] = m;
    }
}

/* One trajectory of the pendulum, the truth or a model of it: y (N,4) from z0
   (4) over the N times t (N) with options o, and its energy drift into *drift
   (dp_energy_drift; dH (N) as there; either may be NULL). A failed solve is
   printed after `what` and the rows it did not reach become NaN, so the drift
   is +inf and a drawn curve ends there. *nfe (may be NULL) gets the f
   evaluations. Returns the solver's status. */
static int dp_trajectory(const char *what, const nde_system *sys, const double *z0, int N, const double *t,
                         const nde_options *o, double *y, double *dH, double *drift, long *nfe)
{
    nde_stats st;
    int rc = nde_solve(sys, 1, z0, N, t, o, y, &st);
    double d;
    long i;
    if (rc) {
        printf("%s: %s: %s\n", what, nde_status_name(rc), st.msg);
        for (i = 4L * st.n_out; i < 4L * N; i++) y[i] = NAN;
    }
    if (nfe) *nfe = st.nfe;
    d = dp_energy_drift(N, y, dH);
    if (drift) *drift = d;
    return rc;
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
    nde_linspace(DP_N, 0.0, DP_T_TRAIN, tdata);
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

/* Fit a model of the pendulum, sys (its params are trained), to the whole
   trajectory of the data: nde_train, Adam with step lr for iters steps on the
   MSE of the DP_N states ydata (DP_N,4) at tdata (DP_N) from ydata[0], solved
   with options o, gradients by method (an NDE_GRAD_*). losses (iters) gets
   the loss before each step, progress reports (both may be NULL). Returns the
   MSE of the trained parameters, or -1 on failure (message printed). */
static double dp_fit_trajectory(const nde_system *sys, const nde_options *o, int method, double lr, int iters,
                                const double *tdata, const double *ydata, double *losses, nde_progress *progress)
{
    char msg[NDE_MSG_LEN];
    nde_optim adam;
    nde_grad_options go = {0};
    nde_target tg = {NULL, NULL};
    nde_loss loss = {nde_loss_mse, NULL, NULL};
    nde_train_options to = {0};
    nde_train_stats ts;
    nde_stats st;
    double yfit[DP_N * 4]; /* (N,4) */
    int rc;
    tg.y = ydata;
    loss.ctx = &tg;
    go.method = method;
    to.iters = iters;
    to.progress = progress;
    to.loss_history = losses;
    if (nde_optim_init(&adam, NDE_OPT_ADAM, sys->nparams, lr, msg)) { printf("%s\n", msg); return -1.0; }
    rc = nde_train(sys, 1, ydata, DP_N, tdata, o, &go, &loss, &adam, &to, &ts);
    nde_optim_free(&adam);
    if (rc) { printf("training failed: %s\n", ts.msg); return -1.0; }
    /* the MSE of the trained parameters (the last loss was measured before the last step) */
    rc = nde_solve(sys, 1, ydata, DP_N, tdata, o, yfit, &st);
    if (rc) { printf("final solve failed: %s\n", st.msg); return -1.0; }
    return nde_mse(DP_N * 4, yfit, ydata);
}

/* The 4-64-4 tanh Neural ODE dz/dt = net(z), weights N(0, 0.1^2) from seed,
   fitted by dp_fit_trajectory: Adam (lr 1e-2), tsit5 (dp_node_options),
   gradients by the interpolating adjoint (method A of the report: store the
   forward solution, read it backwards). losses and progress as there.
   Returns the MSE of the trained model, or -1 on failure (message printed).
   net is built here; the caller frees it. */
static double dp_node_train(nde_mlp *net, unsigned long long seed, int iters, const double *tdata,
                            const double *ydata, double *losses, nde_progress *progress)
{
    static const int widths[3] = {4, 64, 4};
    char msg[NDE_MSG_LEN];
    nde_system sys;
    nde_rng rng;
    nde_options o = dp_node_options();
    if (nde_mlp_dense(net, 3, widths, NDE_ACT_TANH, 0, msg) || nde_mlp_system(net, &sys, msg)) {
        printf("model setup failed: %s\n", msg);
        return -1.0;
    }
    nde_rng_seed(&rng, seed);
    nde_mlp_init_normal(net, &rng, 0.1);
    return dp_fit_trajectory(&sys, &o, NDE_GRAD_INTERP, 1e-2, iters, tdata, ydata, losses, progress);
}

#endif /* CHAPTERS_PENDULUM_H */
