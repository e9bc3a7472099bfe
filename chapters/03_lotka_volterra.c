/* Chapter 03 - Lotka-Volterra: a Neural ODE, and parameter discovery
   =====================================================================

   You will learn
     - how a Neural ODE learns a nonlinear periodic system from one
       trajectory, and why it keeps cycling forward in time but runs away
       backward (the learned field contracts phase-space area);
     - how to write your own dynamics: an nde_system with f and a
       hand-written vector-Jacobian product, checked by nde_system_check;
     - how to recover physical parameters with the adjoint, why fitting the
       whole trajectory from a far guess gets trapped, and how fitting short
       windows of the same data gets out.

   Sources
     "An Implementation of Neural Ordinary Differential Equations" (Arrieta),
     section 3.2, eqs 3.3-3.4, Figs 3 and 4:
         dx/dt = alpha x - beta x y        (prey)
         dy/dt = delta x y - gamma y       (predator)
     (alpha, beta, delta, gamma) = (2/3, 4/3, 1, 1), (x0, y0) = (1, 1),
     101 uniform observations on [0, 10], a 2-64-2 tanh network, MSE (its
     eq 2.2), Tsit5, adjoint with the stored forward solution (its method A,
     section 2).
     "A Crash Course On Neural Ordinary Differential Equations" (Gaudreault,
     Taylor, Wei), example 2 "Discovering Lotka-Volterra parameters" (eqs 2-3)
     and the adjoint's augmented backward system (eq 13).

   Part 1 (Neural ODE): dy/dt = W2 tanh(W1 y + b1) + b2, Glorot init,
     Adam lr 1e-3, 3000 full-batch steps, Tsit5 at rtol 1e-6, atol 1e-8.
     Gradients: the interpolating adjoint (NDE_GRAD_INTERP), because it is
     the report's method A. The chapter first times all three nde_grad
     methods on the untrained model and prints how closely they agree
     (about 1e-8 here); backprop through the solver is several times
     cheaper at this size and would do as well.
     Then: the fit (Fig 3), the solution forward to t = 50 and backward to
     t = -50 (Fig 4), and a measurement the report lacks: the mean
     divergence of the learned field over one true cycle. The true field's
     is exactly 0 (div f = d/dt ln(x y)); a negative value means the learned
     flow contracts area (Liouville), so forward it settles and backward it
     expands, which is why backward extrapolation fails. A failed model
     solve is reported with the time it stopped, and only the rows computed
     are measured and drawn.
   Part 1b (the remedy the report suggests, section 3.2: "we believe this
     issue can be addressed by increasing the length of the training
     interval"): a fresh network of the same size, the same 3000 steps, on
     [0, 30] (about 3.7 cycles; reached in stages [0, 10], [0, 20], [0, 30]
     because a full-trajectory loss over several cycles from random weights
     starts badly). It fits better (loss 1.6e-3 on [0, 30] against 1.0e-2
     on [0, 10]) and extrapolates backward WORSE: MSE on [-50, 0) 1.99
     against 0.275 (seed 1); in development runs with seeds 2 and 3, 0.70
     against 0.24 and 0.34 against 0.24. The divergence explains it: on the
     true cycle it goes from -0.025 to -0.081. One orbit's observations say
     nothing about the field across the orbit, and a full-trajectory loss
     over many cycles rewards a field whose orbit attracts (it damps phase
     and amplitude errors); what attracts forward repels backward. (A
     variant observing four orbits on [0, 10] underfit in the same 3000
     steps, loss 0.042, and did not do better: 1.19; not kept.)
   Part 2 (discovery): the same 101 observations; the model is the
     Lotka-Volterra system itself with theta = (alpha, beta, delta, gamma)
     unknown, started at all 1.5; f and its vjp are written by hand below
     and checked against central differences before training.
     Trained with the backsolve adjoint (NDE_GRAD_BACKSOLVE: the crash
     course's eq 13, y re-integrated backwards with a and dL/dtheta) and
     Adam lr 0.05, 400 steps, in two runs from the same start:
       (a) loss on the whole trajectory [0, 10]: trapped (see below);
       (b) loss on all 90 windows of 11 observations (1 time unit each, each
           started from its observed first point): converges.
     Why (a) fails: the all-1.5 model has its equilibrium (gamma/delta,
     alpha/beta) = (1, 1) exactly at u0, so its first trajectory is
     constant; against a periodic signal the MSE of an out-of-phase guess is
     lowest for a small, fast oscillation around the mean, and gradient
     descent walks towards ever faster cycles (delta and gamma grow). Over a
     window of one time unit the phase cannot drift far, so the loss is
     nearly quadratic in theta and the same gradient finds the truth.

   Claim (exit status): the parameters recovered by run (b) are within 1e-2
     relative error of the truth (param_max_rel_err < 1e-2), in full and
     --quick mode alike (part 2 is identical in both). Part 1 prints its
     numbers but makes no pass/fail claim: the report gives only figures.
     --quick shortens part 1 to 200 steps; its fit is then poor, which is
     expected and not checked.

   Where the documents are ambiguous or wrong (what we chose)
     - The report says the solutions have period T = 2 pi / sqrt(alpha gamma)
       ~ 7.7. That is the period of small oscillations about the equilibrium
       (1, 0.5); this orbit is large and its period, measured here, is ~8.03.
     - The report's loss is sum over components / N (twice our mean over
       N*D numbers). Adam is invariant to that factor (up to eps): same steps.
     - The report does not give tolerances; its code ran Tsit5 at Julia's
       defaults (rtol 1e-3, atol 1e-6) in single precision. We use double
       precision, rtol 1e-6, atol 1e-8.
     - Its script (examples/lotka_volterra/lotka_volterra.jl in the report's
       repository) loads a saved model before its 3000 Adam steps, so its
       figure may show more training than 3000 steps from scratch. We train
       3000 steps from a fresh Glorot initialisation (seed printed); the fit
       is visibly rougher than the report's Fig 3. In development runs over
       seeds 1-8 the MSE after 3000 steps was 4e-3 to 1.2e-2 for seven seeds
       and 0.11 for one, and one seed continued to 12000 steps reached
       1.2e-4: the loss is still falling at 3000.
     - The crash course gives no data, start, optimiser or step count for
       its example: we use the report's data, the start (all 1.5),
       Adam lr 0.05, 400 steps per run, and add the windows of run (b).
     - The truth is computed with Dormand-Prince at rtol 1e-10, atol 1e-12;
       the models use Tsit5 (a different method: no "inverse crime").

   Run
     make ch03                          (full: figures under plots/)
     build/03_lotka_volterra --quick    (under 2 s: figures under build/quick/)

   Figures (PNG + gnuplot .dat/.gp)
     ch03_fit.png         Fig 3: data and Neural ODE on [0, 10], phase
                          portrait to t = 50, training loss
     ch03_extrap.png      Fig 4: truth and Neural ODE on [-50, 50]
     ch03_remedy.png      the same for the network trained on [0, 30]
     ch03_discovery.png   parameter trajectories of runs (a) and (b), their
                          relative errors, and both models against the data
*/
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "args.h"

#define SEED 1ULL
#define N_OBS 101             /* observations at t = 0, 0.1, ..., 10 */
#define N_EXT 501             /* extrapolation grid t = 0, +-0.1, ..., +-50 */
#define D 2                   /* state (x, y) */
#define NP 4                  /* Lotka-Volterra parameters */
#define WIN_T 11              /* discovery windows: 11 observations = 1 time unit */
#define N_WIN (N_OBS - WIN_T) /* 90 windows (every start the sampler allows) */
#define N_CYC 201             /* one true period, for the divergence diagnostic */
#define NODE_ITERS 3000        /* part 1 Adam steps (the report's code) */
#define T_LONG 30.0            /* the remedy's training interval [0, 30] ... */
#define N_LONG 301             /* ... observed at t = 0, 0.1, ..., 30 */
#define STAGES 3               /* ... reached in stages [0, 10], [0, 20], [0, 30] */
#define QUICK_ITERS 200        /* ... in --quick mode */
#define DISC_ITERS 400
#define DISC_LR 0.05

static const double THETA_TRUE[NP] = {2.0 / 3.0, 4.0 / 3.0, 1.0, 1.0};
static const char *PNAME[NP] = {"alpha", "beta", "delta", "gamma"};

/* ===================================================================== */
/* Lotka-Volterra as a hand-written nde_system                            */
/* ===================================================================== */
/* f(u; theta) for each batch row u = (x, y) of the state (B,D):
     f1 = alpha x - beta x y,   f2 = delta x y - gamma y
   Jacobians (what the vjp needs):
     df/du     = [[alpha - beta y, -beta x], [delta y, delta x - gamma]]
     df/dtheta = [[x, -x y, 0, 0], [0, 0, x y, -y]]
   so for a cotangent a = (a1, a2):
     a^T df/du     = (a1 (alpha - beta y) + a2 delta y,  -a1 beta x + a2 (delta x - gamma))
     a^T df/dtheta = (a1 x, -a1 x y, a2 x y, -a2 y)
   The system is autonomous: a^T df/dt = 0, so gt gets nothing added. */

static int lv_f(void *ctx, double t, int B, const double *u, const double *th, double *dudt)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double x = u[b * D], y = u[b * D + 1];
        dudt[b * D] = th[0] * x - th[1] * x * y;
        dudt[b * D + 1] = th[2] * x * y - th[3] * y;
    }
    return 0;
}

/* The products of a (B,D) with the Jacobians, ADDED into gu (B,D) and
   gth (P, summed over rows); either may be NULL (not wanted). */
static int lv_vjp(void *ctx, double t, int B, const double *u, const double *th,
                  const double *a, double *gu, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        double x = u[b * D], y = u[b * D + 1], a1 = a[b * D], a2 = a[b * D + 1];
        if (gu) {
            gu[b * D] += a1 * (th[0] - th[1] * y) + a2 * th[2] * y;
            gu[b * D + 1] += -a1 * th[1] * x + a2 * (th[2] * x - th[3]);
        }
        if (gth) {
            gth[0] += a1 * x;
            gth[1] -= a1 * x * y;
            gth[2] += a2 * x * y;
            gth[3] -= a2 * y;
        }
    }
    return 0;
}

/* An nde_system for Lotka-Volterra with parameters theta (4), owned by the caller. */
static nde_system lv_system(double *theta)
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = D;
    s.nparams = NP;
    s.params = theta;
    s.f = lv_f;
    s.vjp = lv_vjp;
    return s;
}

/* ===================================================================== */
/* Small helpers                                                          */
/* ===================================================================== */

static double seconds_since(clock_t c0) { return (double)(clock() - c0) / CLOCKS_PER_SEC; }

static void print_progress(void *ctx, const char *line)
{
    (void)ctx;
    printf("  %s\n", line);
}

/* max_k |theta_k - true_k| / |true_k| */
static double max_rel_err(const double *theta)
{
    double m = 0.0;
    int k;
    for (k = 0; k < NP; k++) {
        double e = fabs(theta[k] - THETA_TRUE[k]) / fabs(THETA_TRUE[k]);
        if (e > m) m = e;
    }
    return m;
}

/* Solve one trajectory from u0 (D) through t (N) into y (N,D). On a fault,
   say where and return the number of rows computed (the solver leaves the
   last good state, at st.t_last, in row n_out); N on success. */
static int solve_rows(const nde_system *sys, const double *u0, int N, const double *t,
                      const nde_options *o, double *y, const char *what)
{
    nde_stats st;
    int s = nde_solve(sys, 1, u0, N, t, o, y, &st);
    if (s == NDE_OK) return N;
    printf("  %s: solve stopped (%s) at t = %.4g: %s\n", what, nde_status_name(s), st.t_last, st.msg);
    return st.n_out;
}

/* Period of the true orbit through u0: the first return of the prey x to
   x0 = 1 while falling (as at t = 0). Bracketed on the sampled truth
   ytf (N_EXT,D) at tf, then refined by Newton's method on x(t) - 1 with
   dx/dt = f1 from tight solves. Returns NAN when no return is found. */
static double orbit_period(const nde_system *truth, const double *u0, const double *tf,
                           const double *ytf, const nde_options *tight)
{
    double tt[2] = {0.0, 0.0}, yy[2 * D], f[D], T = NAN;
    int k, it;
    for (k = 2; k < N_EXT; k++)
        if (ytf[(k - 1) * D] > u0[0] && ytf[k * D] <= u0[0]) {
            T = tf[k - 1] + (tf[k] - tf[k - 1]) * (ytf[(k - 1) * D] - u0[0]) / (ytf[(k - 1) * D] - ytf[k * D]);
            break;
        }
    for (it = 0; it < 4 && !isnan(T); it++) {
        tt[1] = T;
        if (nde_solve(truth, 1, u0, 2, tt, tight, yy, NULL) != NDE_OK) return NAN;
        truth->f(truth->ctx, T, 1, yy + D, truth->params, f);
        T -= (yy[D] - u0[0]) / f[0];
    }
    return T;
}

/* Mean of div f = trace(df/du) along a trajectory y (n,D) sampled on a
   uniform time grid (trapezoid rule: spectrally accurate over a period).
   By Liouville's formula a small patch of phase space carried by the flow
   changes its area by exp(integral of div f dt): a negative mean means the
   flow contracts forward in time and expands backward. For Lotka-Volterra div f = (alpha - beta y) +
   (delta x - gamma) = d/dt ln(x y), so its mean over whole cycles is 0.
   The Jacobians come from nde_system_jacobian (for the hand-written system
   it builds them from D vjp calls); the autonomous f lets the n points be
   one batch. Returns NAN on failure. */
static double mean_divergence(const nde_system *sys, int n, const double *y)
{
    double *J = (double *)malloc((size_t)n * D * D * sizeof(double)); /* (n,D,D) */
    double sum = 0.0;
    int i;
    if (!J || nde_system_jacobian(sys, 0.0, n, y, J) != NDE_OK) {
        free(J);
        return NAN;
    }
    for (i = 0; i < n; i++) {
        double tr = J[(long)i * D * D] + J[(long)i * D * D + D + 1];
        sum += (i == 0 || i == n - 1) ? 0.5 * tr : tr;
    }
    free(J);
    return sum / (n - 1);
}

/* Time one gradient method on the untrained Neural ODE: milliseconds per
   call over `reps` calls, peak memory, and max|g - gref| / max|gref|
   against gref (P) (NULL: only fill g). */
static int time_gradient(const nde_system *sys, int method, const double *u0, const double *t,
                         const nde_options *so, const nde_loss *loss, int reps, double *g,
                         const double *gref)
{
    nde_grad_options go;
    nde_grad_stats gs;
    double L, num = 0.0, den = 0.0;
    clock_t c0 = clock();
    int r, s = NDE_OK;
    long k;
    memset(&go, 0, sizeof go);
    go.method = method;
    for (r = 0; r < reps && s == NDE_OK; r++)
        s = nde_grad(sys, 1, u0, N_OBS, t, so, &go, loss, &L, NULL, g, NULL, &gs);
    if (s != NDE_OK) {
        printf("  gradient failed: %s: %s\n", nde_status_name(s), gs.msg);
        return s;
    }
    for (k = 0; gref && k < sys->nparams; k++) {
        if (fabs(g[k] - gref[k]) > num) num = fabs(g[k] - gref[k]);
        if (fabs(gref[k]) > den) den = fabs(gref[k]);
    }
    printf(" %8.3f ms %9ld bytes  %5ld + %5ld f/vjp calls   ",
           1000.0 * seconds_since(c0) / reps, (long)gs.peak_bytes, gs.fwd.nfe, gs.bwd.nfe + gs.nvjp);
    if (gref) printf("%.2e\n", num / den); else printf("(reference)\n");
    return NDE_OK;
}

/* Part 1: `iters` full-batch Adam steps (nde_train) on the Neural ODE sys
   (its params are the network's) from the B rows of u0 (B,D) against the
   observations y (N,B,D) at t (N), gradients by the interpolating adjoint.
   Writes the loss of every step into loss_hist (iters). Returns NDE_OK or
   the failing status. */
static int train_node(nde_system *sys, int B, const double *u0, int N, const double *t, const double *y,
                      const nde_options *so, int iters, int every, double *loss_hist)
{
    nde_target tg = {y, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    nde_grad_options go;
    nde_optim opt;
    nde_progress pr;
    nde_train_options to;
    nde_train_stats ts;
    int s;
    memset(&go, 0, sizeof go);
    go.method = NDE_GRAD_INTERP;
    memset(&to, 0, sizeof to);
    to.iters = iters;
    to.progress = &pr;
    to.loss_history = loss_hist;
    nde_optim_init(&opt, NDE_OPT_ADAM, sys->nparams, 1e-3, NULL);
    nde_progress_init(&pr, every, print_progress, NULL);
    s = nde_train(sys, B, u0, N, t, so, &go, &loss, &opt, &to, &ts);
    if (s != NDE_OK) printf("  %s\n", ts.msg);
    nde_optim_free(&opt);
    return s;
}

/* Part 2: Adam on theta = lv->params (4) with the backsolve adjoint, on B
   trajectories from y0 (B,D) observed at t (N) as target (N,B,D), one
   nde_train step at a time (the optimizer state carries over) so that
   hist (iters+1, NP) receives theta before each step and after the last;
   err_hist (iters+1) its max relative error. Returns NDE_OK or a status. */
static int discover(nde_system *lv, int B, const double *y0, int N, const double *t,
                    const double *target, const nde_options *so, int iters, double lr,
                    double *hist, double *err_hist, double *worst_recon)
{
    nde_target tg = {target, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    nde_grad_options go;
    nde_optim opt;
    nde_train_options to;
    nde_train_stats ts;
    int it, s = NDE_OK;
    memset(&go, 0, sizeof go);
    go.method = NDE_GRAD_BACKSOLVE;
    memset(&to, 0, sizeof to);
    to.iters = 1;
    *worst_recon = 0.0;
    nde_optim_init(&opt, NDE_OPT_ADAM, NP, lr, NULL);
    printf("  %5s  %12s  %8s %8s %8s %8s  %10s  %6s\n", "iter", "loss", PNAME[0], PNAME[1],
           PNAME[2], PNAME[3], "max relerr", "nfe");
    for (it = 0; it <= iters; it++) {
        double *th = hist + (long)it * NP;   /* theta before this step */
        memcpy(th, lv->params, NP * sizeof(double));
        err_hist[it] = max_rel_err(lv->params);
        if (it == iters) break;
        s = nde_train(lv, B, y0, N, t, so, &go, &loss, &opt, &to, &ts);
        if (s != NDE_OK) {
            printf("  step %d: %s\n", it + 1, ts.msg);
            break;
        }
        if (ts.last.recon_err > *worst_recon) *worst_recon = ts.last.recon_err;
        if (it % 50 == 0)
            printf("  %5d  %12.6e  %8.5f %8.5f %8.5f %8.5f  %10.3e  %6ld\n", it, ts.loss_first, th[0],
                   th[1], th[2], th[3], err_hist[it], ts.nfe);
    }
    printf("  %5d  %12s  %8.5f %8.5f %8.5f %8.5f  %10.3e\n", iters, "(final)", lv->params[0],
           lv->params[1], lv->params[2], lv->params[3], err_hist[iters]);
    nde_optim_free(&opt);
    return s;
}

/* A fault that stops the chapter: say why, print the RESULT line with
   every value unknown, and give the exit status. */
static int fail(const char *why)
{
    printf("FAILED: %s\n", why);
    printf("RESULT chapter=03 train_mse=nan extrap_forward_mse=nan alpha=nan beta=nan delta=nan gamma=nan param_max_rel_err=nan"
           " extrap_backward_mse=nan extrap_backward_mse_fixed=nan\n");
    return 1;
}

/* Save fig as dir/name (ndp_finish frees it) and say where it went or why not. */
static void save_figure(ndp_figure *fig, const char *dir, const char *name)
{
    char msg[NDP_MSG_LEN];
    ndp_finish(fig, dir, name, msg);
    printf("  %s\n", msg);
}

/* ===================================================================== */
/* Figures                                                                */
/* ===================================================================== */

static const ndp_style PREY = {NDP_BLUE, NDP_SOLID, NDP_CIRCLE, 0, 0};
static const ndp_style PRED = {NDP_VERMILION, NDP_SOLID, NDP_CIRCLE, 0, 0};
static const ndp_style PREY_DASH = {NDP_BLUE, NDP_DASHED, NDP_CIRCLE, 0, 0};
static const ndp_style PRED_DASH = {NDP_VERMILION, NDP_DASHED, NDP_CIRCLE, 0, 0};
static const ndp_style OBS_PREY = {NDP_SKYBLUE, NDP_SOLID, NDP_CIRCLE, 0, 3};
static const ndp_style OBS_PRED = {NDP_ORANGE, NDP_SOLID, NDP_SQUARE, 0, 3};
static const ndp_style TRUTH = {NDP_GREY, NDP_SOLID, NDP_CIRCLE, 3, 0};
static const ndp_style MARK = {NDP_BLACK, NDP_DOTTED, NDP_CIRCLE, 0, 0};

/* Fig 3: observations and the Neural ODE on [0, 10]; phase portrait; loss. */
static void draw_fit(const char *dir, const double *t, const double *yobs, int n_fwd,
                     const double *ymod, const double *ytrue, const double *loss, int iters)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1650, 560, 1, 3, msg);
    ndp_panel *p;
    int n_train = n_fwd < N_OBS ? n_fwd : N_OBS;
    if (!fig) { printf("  figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Chapter 03: Neural ODE on Lotka-Volterra (the Julia report, Fig 3)");

    p = ndp_panel_at(fig, 0, 0);
    ndp_scatter_strided(p, t, 1, yobs, D, N_OBS, "observed prey x", &OBS_PREY);
    ndp_scatter_strided(p, t, 1, yobs + 1, D, N_OBS, "observed predator y", &OBS_PRED);
    ndp_line_strided(p, t, 1, ymod, D, n_train, "Neural ODE x", &PREY);
    ndp_line_strided(p, t, 1, ymod + 1, D, n_train, "Neural ODE y", &PRED);
    ndp_ylim(p, 0.0, 2.6);
    ndp_legend(p, NDP_LEGEND_TOP_RIGHT);
    ndp_title(p, "(a) training interval [0, 10]");
    ndp_xlabel(p, "t");
    ndp_ylabel(p, "population");

    p = ndp_panel_at(fig, 0, 1);
    ndp_line_strided(p, ytrue, D, ytrue + 1, D, N_EXT, "true orbit", &TRUTH);
    ndp_line_strided(p, ymod, D, ymod + 1, D, n_fwd, "Neural ODE, t in [0, 50]", &PREY);
    ndp_title(p, "(b) phase portrait");
    ndp_xlabel(p, "prey x");
    ndp_ylabel(p, "predator y");

    p = ndp_panel_at(fig, 0, 2);
    ndp_line(p, NULL, loss, iters, "MSE on the 101 points", NULL);
    ndp_log(p, 0, 1);
    ndp_title(p, "(c) training loss (Adam 1e-3)");
    ndp_xlabel(p, "Adam step");
    ndp_ylabel(p, "MSE");
    save_figure(fig, dir, "ch03_fit");
}

/* Draw state component c of the truth and the model on [-50, 50] in panel
   p, titled `title`. The y range is the truth's widened to [-0.5, 2.5] x max:
   a model that leaves it is clipped, and the title says so. */
static void extrap_panel(ndp_panel *p, int c, const double *tf, const double *tb,
                         const double *ytf, const double *ytb, const double *ymf, int nf,
                         const double *ymb, int nb, double t_train, const char *name, const char *title)
{
    double hi = 0.0, lo_m = 0.0, hi_m = 0.0, mx[2], my[2];
    char label[64], full[160];
    int i;
    const ndp_style *model = c == 0 ? &PREY_DASH : &PRED_DASH;
    for (i = 0; i < N_EXT; i++) {
        if (ytf[i * D + c] > hi) hi = ytf[i * D + c];
        if (ytb[i * D + c] > hi) hi = ytb[i * D + c];
    }
    for (i = 0; i < nf + nb; i++) {
        double v = i < nf ? ymf[i * D + c] : ymb[(i - nf) * D + c];
        if (v < lo_m) lo_m = v;
        if (v > hi_m) hi_m = v;
    }
    ndp_line_strided(p, tf, 1, ytf + c, D, N_EXT, "truth", &TRUTH);
    ndp_line_strided(p, tb, 1, ytb + c, D, N_EXT, NULL, &TRUTH);
    snprintf(label, sizeof label, "Neural ODE %s", name);
    ndp_line_strided(p, tf, 1, ymf + c, D, nf, label, model);
    ndp_line_strided(p, tb, 1, ymb + c, D, nb, NULL, model);
    my[0] = -0.5 * hi; my[1] = 2.5 * hi;
    mx[0] = mx[1] = 0.0;
    snprintf(label, sizeof label, "training window [0, %g]", t_train);
    ndp_line(p, mx, my, 2, label, &MARK);
    mx[0] = mx[1] = t_train;
    ndp_line(p, mx, my, 2, NULL, &MARK);
    ndp_xlim(p, -50, 50);
    ndp_ylim(p, -0.5 * hi, 2.5 * hi);
    ndp_legend(p, NDP_LEGEND_TOP_RIGHT);
    if (lo_m < -0.5 * hi || hi_m > 2.5 * hi)
        snprintf(full, sizeof full, "%s (model clipped: it reaches [%.3g, %.3g])", title, lo_m, hi_m);
    else
        snprintf(full, sizeof full, "%s", title);
    ndp_title(p, full);
    ndp_xlabel(p, "t");
    ndp_ylabel(p, name);
}

/* Fig 4: truth and Neural ODE forward to t = 50 and backward to t = -50;
   nf, nb rows of the model were computed (fewer when a solve failed). */
static void draw_extrap(const char *dir, const char *name, const char *what, double t_train, const double *tf, const double *tb,
                        const double *ytf, const double *ytb, const double *ymf, int nf, const double *ymb, int nb)
{
    char msg[NDP_MSG_LEN], title[128];
    ndp_figure *fig = ndp_figure_create(1500, 900, 2, 1, msg);
    if (!fig) { printf("  figure: %s\n", msg); return; }
    if (nb < N_EXT || nf < N_EXT)
        snprintf(title, sizeof title, "Chapter 03: extrapolation (model solve failed: drawn from %.3g to %.3g)",
                 tb[nb > 0 ? nb - 1 : 0], tf[nf > 0 ? nf - 1 : 0]);
    else
        snprintf(title, sizeof title, "Chapter 03: %s", what);
    ndp_figure_title(fig, title);
    extrap_panel(ndp_panel_at(fig, 0, 0), 0, tf, tb, ytf, ytb, ymf, nf, ymb, nb, t_train, "prey x",
                 "(a) prey, forward to t = 50 and backward to t = -50");
    extrap_panel(ndp_panel_at(fig, 1, 0), 1, tf, tb, ytf, ytb, ymf, nf, ymb, nb, t_train, "predator y",
                 "(b) predator");
    save_figure(fig, dir, name);
}

/* Parameter trajectories of one discovery run, true values dashed. */
static void param_panel(ndp_panel *p, const double *hist, int iters, const char *title)
{
    static const int colors[NP] = {NDP_BLUE, NDP_VERMILION, NDP_GREEN, NDP_PURPLE};
    double flat[2], ends[2] = {0.0, DISC_ITERS};
    char label[48];
    int k;
    for (k = 0; k < NP; k++) {
        ndp_style solid = {0, NDP_SOLID, NDP_CIRCLE, 0, 0};
        ndp_style dashed = {0, NDP_DASHED, NDP_CIRCLE, 0, 0};
        solid.color = dashed.color = colors[k];
        snprintf(label, sizeof label, "%s (true %.4g)", PNAME[k], THETA_TRUE[k]);
        ndp_line_strided(p, NULL, 1, hist + k, NP, iters + 1, label, &solid);
        flat[0] = flat[1] = THETA_TRUE[k];
        ndp_line(p, ends, flat, 2, NULL, &dashed);
    }
    ndp_title(p, title);
    ndp_xlabel(p, "Adam step");
    ndp_ylabel(p, "parameter value");
}

/* Discovery: both runs' parameters, their errors, and the discovered fit. */
static void draw_discovery(const char *dir, const double *hist_a, const double *err_a,
                           const double *hist_b, const double *err_b, const double *t,
                           const double *yobs, const double *ydisc, const double *ytrap)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 1050, 2, 2, msg);
    ndp_panel *p;
    if (!fig) { printf("  figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Chapter 03: discovering (alpha, beta, delta, gamma) with the adjoint");
    param_panel(ndp_panel_at(fig, 0, 0), hist_a, DISC_ITERS, "(a) loss on the whole trajectory: trapped");
    param_panel(ndp_panel_at(fig, 0, 1), hist_b, DISC_ITERS, "(b) loss on 90 windows of 1 time unit");

    p = ndp_panel_at(fig, 1, 0);
    ndp_line(p, NULL, err_a, DISC_ITERS + 1, "(a) whole trajectory", NULL);
    ndp_line(p, NULL, err_b, DISC_ITERS + 1, "(b) windows", NULL);
    {
        double ends[2] = {0.0, DISC_ITERS}, claim[2] = {1e-2, 1e-2};
        ndp_line(p, ends, claim, 2, "claim: 1e-2", &MARK);
    }
    ndp_log(p, 0, 1);
    ndp_title(p, "(c) max relative parameter error");
    ndp_xlabel(p, "Adam step");
    ndp_ylabel(p, "max_k |theta_k - true_k| / true_k");

    p = ndp_panel_at(fig, 1, 1);
    ndp_line_strided(p, t, 1, ytrap, D, N_OBS, "trapped (a) x", &PREY_DASH);
    ndp_line_strided(p, t, 1, ytrap + 1, D, N_OBS, "trapped (a) y", &PRED_DASH);
    ndp_line_strided(p, t, 1, ydisc, D, N_OBS, "discovered (b) x", &PREY);
    ndp_line_strided(p, t, 1, ydisc + 1, D, N_OBS, "discovered (b) y", &PRED);
    ndp_scatter_strided(p, t, 1, yobs, D, N_OBS, "observed x", &OBS_PREY);
    ndp_scatter_strided(p, t, 1, yobs + 1, D, N_OBS, "observed y", &OBS_PRED);
    ndp_ylim(p, 0.0, 3.0);
    ndp_legend(p, NDP_LEGEND_TOP_RIGHT);
    ndp_title(p, "(d) models after training vs data");
    ndp_xlabel(p, "t");
    ndp_ylabel(p, "population");
    save_figure(fig, dir, "ch03_discovery");
}

/* ===================================================================== */
/* The story                                                              */
/* ===================================================================== */

int main(int argc, char **argv)
{
    int quick = 0, args = ch_args_quick(argc, argv, &quick); /* --quick only; else usage, status 2 */
    const char *dir = quick ? "build/quick" : "plots";
    const int iters = quick ? QUICK_ITERS : NODE_ITERS, every = quick ? 50 : 250;
    static double tf[N_EXT], tb[N_EXT];            /* forward 0..50, backward 0..-50 */
    static double ytf[N_EXT * D], ytb[N_EXT * D];  /* (N_EXT,D) truth */
    static double ymf[N_EXT * D], ymb[N_EXT * D];  /* (N_EXT,D) Neural ODE */
    static double ymf2[N_EXT * D], ymb2[N_EXT * D]; /* (N_EXT,D) Neural ODE trained on [0, 30] */
    static double loss_hist[NODE_ITERS], loss_hist2[NODE_ITERS];
    static double hist_a[(DISC_ITERS + 1) * NP], hist_b[(DISC_ITERS + 1) * NP];
    static double err_a[DISC_ITERS + 1], err_b[DISC_ITERS + 1];
    static double ydisc[N_OBS * D], ytrap[N_OBS * D];           /* (N_OBS,D) */
    static double tw[WIN_T], y0w[N_WIN * D], yw[WIN_T * N_WIN * D]; /* windows */
    static double tc[N_CYC], yc[N_CYC * D];                         /* one true cycle */
    int sidx[N_WIN];
    const double u0[D] = {1.0, 1.0};
    const double *yobs = ytf; /* the observations are the first N_OBS rows of the truth */
    double theta_true[NP], theta_a[NP], theta_b[NP], check_err[4];
    double train_mse, fwd_mse, bwd_mse, disc_mse, recon_a, recon_b, err_final, div_true, div_node;
    nde_options tight, so;
    nde_system truth, node, node2, lv_a, lv_b;
    nde_mlp net, net2;
    nde_rng rng;
    char msg[NDE_MSG_LEN];
    int widths[3] = {D, 64, D};
    int i, nf, nb, nf2, nb2, s;
    clock_t c_all = clock(), c0;
    double t_part1, t_part1b, t_part2, period, bwd_mse2, div_node2;

    if (args >= 0) return args;

    printf("Chapter 03: Lotka-Volterra, a Neural ODE and parameter discovery (%s mode)\n",
           quick ? "quick" : "full");
    printf("seed %llu; figures under %s/\n\n", SEED, dir);

    /* 1. Data: the true system solved tightly forward to t = 50 and backward
          to t = -50 on a 0.1 grid; the 101 observations are its rows at
          t = 0, 0.1, ..., 10. */
    printf("1. data: (alpha, beta, delta, gamma) = (2/3, 4/3, 1, 1), u0 = (1, 1), %d observations on [0, 10]\n", N_OBS);
    for (i = 0; i < N_EXT; i++) { tf[i] = 0.1 * i; tb[i] = -0.1 * i; }
    memcpy(theta_true, THETA_TRUE, sizeof theta_true);
    truth = lv_system(theta_true);
    memset(&tight, 0, sizeof tight);   /* Dormand-Prince */
    tight.rtol = 1e-10;
    tight.atol = 1e-12;
    if (solve_rows(&truth, u0, N_EXT, tf, &tight, ytf, "truth forward") < N_EXT ||
        solve_rows(&truth, u0, N_EXT, tb, &tight, ytb, "truth backward") < N_EXT)
        return fail("the true solution could not be computed");
    period = orbit_period(&truth, u0, tf, ytf, &tight);
    nde_linspace(N_CYC, 0.0, period, tc);
    if (!(period > 0.0) || solve_rows(&truth, u0, N_CYC, tc, &tight, yc, "truth, one cycle") < N_CYC)
        return fail("no period found for the true orbit");
    printf("   period of this orbit (measured: first return to x = 1) %.4f; the report's\n"
           "   T = 2 pi / sqrt(alpha gamma) = %.4f is the small-oscillation period about the\n"
           "   equilibrium (gamma/delta, alpha/beta) = (1, 0.5), not this orbit's\n\n",
           period, 2.0 * acos(-1.0) / sqrt(THETA_TRUE[0] * THETA_TRUE[3]));

    /* 2. Models: the Neural ODE dy/dt = W2 tanh(W1 y + b1) + b2, and the
          hand-written Lotka-Volterra system, checked by finite differences. */
    memset(&so, 0, sizeof so);
    so.method = NDE_TSIT5;
    so.rtol = 1e-6;
    so.atol = 1e-8;
    nde_rng_seed(&rng, SEED);
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, 0, msg) != NDE_OK ||
        nde_mlp_system(&net, &node, msg) != NDE_OK)
        return fail(msg);
    nde_mlp_init_glorot(&net, &rng);
    printf("2. models\n   Neural ODE 2-64-2 tanh, %ld parameters, Glorot init (seed %llu); Tsit5 rtol %g atol %g\n",
           net.nparams, SEED, so.rtol, so.atol);
    {
        /* Which gradient method? All three on the untrained model, 20 calls each. */
        nde_target tg = {yobs, NULL};
        nde_loss loss = {nde_loss_mse, NULL, &tg};
        static const int method[3] = {NDE_GRAD_BACKPROP, NDE_GRAD_BACKSOLVE, NDE_GRAD_INTERP};
        static const char *name[3] = {"backprop", "backsolve", "interp"};
        double *g = (double *)malloc((size_t)net.nparams * 2 * sizeof(double)); /* (2,P): backprop, other */
        if (!g) return fail("out of memory");
        printf("   gradient of the MSE at the initial weights (ms per call, peak memory, forward +\n"
               "   backward f/vjp calls, max |g - g_backprop| / max |g_backprop|):\n");
        for (i = 0; i < 3; i++) {
            printf("   %-10s", name[i]);
            if (time_gradient(&node, method[i], u0, tf, &so, &loss, 20, i ? g + net.nparams : g, i ? g : NULL)) {
                free(g);
                return fail("a gradient method failed on the untrained model");
            }
        }
        free(g);
        printf("   -> training uses interp: the report's method A (store the forward solution,\n"
               "      interpolate it backwards); backprop would be cheaper at this size.\n");
    }
    {
        /* The hand-written vjp against central differences, two rows at once. */
        double ychk[2 * D] = {1.0, 1.0, 0.4, 2.1}, start[NP] = {1.5, 1.5, 1.5, 1.5};
        nde_system chk = lv_system(start);
        if (nde_system_check(&chk, 0.0, 2, ychk, 0.0, check_err) != NDE_OK)
            return fail("nde_system_check could not run");
        printf("   Lotka-Volterra system: nde_system_check relative errors vs central differences:\n"
               "     a^T df/du %.2e   a^T df/dtheta %.2e   a^T df/dt %.2e   jvp %g (-1: none written;\n"
               "     explicit solvers and adjoints need only f and vjp)\n\n",
               check_err[0], check_err[1], check_err[2], check_err[3]);
        if (check_err[0] > 1e-6 || check_err[1] > 1e-6)
            return fail("the hand-written vjp disagrees with finite differences: fix lv_vjp");
    }

    /* 3. Train. Part 1: the Neural ODE, full batch, Adam lr 1e-3. */
    printf("3a. training the Neural ODE: %d Adam steps, lr 1e-3, interpolating adjoint\n", iters);
    c0 = clock();
    if (train_node(&node, 1, u0, N_OBS, tf, yobs, &so, iters, every, loss_hist) != NDE_OK)
        return fail("Neural ODE training stopped");
    t_part1 = seconds_since(c0);
    printf("   %.2f s\n\n", t_part1);

    /* Part 1b: the remedy the report suggests and does not try (section 3.2: "we believe
       this issue can be addressed by increasing the length of the training interval"): a
       fresh network of the same size, the same number of Adam steps, observed on [0, 30]
       (about 3.7 cycles). A full-trajectory loss over several cycles from random weights
       is a hard start (phase errors compound), so the interval grows in stages: a third of
       the steps on [0, 10], then [0, 20], then [0, 30]. */
    printf("3b. the remedy: a fresh network trained on [0, %g] (stages [0, 10], [0, 20], [0, 30];\n"
           "    %d Adam steps in all)\n", T_LONG, quick ? 60 : iters);
    c0 = clock();
    if (nde_mlp_dense(&net2, 3, widths, NDE_ACT_TANH, 0, msg) != NDE_OK || nde_mlp_system(&net2, &node2, msg) != NDE_OK)
        return fail(msg);
    nde_mlp_init_glorot(&net2, &rng);
    for (i = 1; i <= STAGES; i++) {
        int n_i = 1 + (N_LONG - 1) * i / STAGES;
        if (train_node(&node2, 1, u0, n_i, tf, ytf, &so, (quick ? 60 : iters) / STAGES, every, loss_hist2) != NDE_OK)
            return fail("the remedy's training stopped");
    }
    t_part1b = seconds_since(c0);
    printf("   %.2f s\n\n", t_part1b);


    /* Part 2: discovery from all 1.5, backsolve adjoint, Adam lr 0.05.
       (a) the whole trajectory; (b) all 90 windows of 11 observations. */
    c0 = clock();
    for (i = 0; i < NP; i++) theta_a[i] = theta_b[i] = 1.5;
    lv_a = lv_system(theta_a);
    lv_b = lv_system(theta_b);
    printf("3c. discovery (a): loss on the whole trajectory, start all 1.5, Adam lr %g, backsolve adjoint\n", DISC_LR);
    if (discover(&lv_a, 1, u0, N_OBS, tf, yobs, &so, DISC_ITERS, DISC_LR, hist_a, err_a, &recon_a) != NDE_OK)
        return fail("discovery run (a) stopped");
    printf("\n3d. discovery (b): loss on %d windows of %d observations, same start and optimiser\n", N_WIN, WIN_T);
    if (nde_sample_windows(&rng, N_OBS, D, tf, yobs, WIN_T, N_WIN, sidx, tw, y0w, yw, msg) != NDE_OK)
        return fail(msg);
    if (discover(&lv_b, N_WIN, y0w, WIN_T, tw, yw, &so, DISC_ITERS, DISC_LR, hist_b, err_b, &recon_b) != NDE_OK)
        return fail("discovery run (b) stopped");
    t_part2 = seconds_since(c0);
    printf("   both runs: %.2f s; worst backsolve reconstruction error (units of atol + rtol|y|): (a) %.2g, (b) %.2g\n\n",
           t_part2, recon_a, recon_b);

    /* 4. Measure: the Neural ODE against the truth on [0, 10], [10, 50] and
          [-50, 0); the discovered parameters against the truth. */
    nf = solve_rows(&node, u0, N_EXT, tf, &so, ymf, "Neural ODE forward to t = 50");
    nb = solve_rows(&node, u0, N_EXT, tb, &so, ymb, "Neural ODE backward to t = -50");
    train_mse = nde_mse((long)(nf < N_OBS ? nf : N_OBS) * D, ymf, ytf);
    fwd_mse = nf > N_OBS - 1 ? nde_mse((long)(nf - (N_OBS - 1)) * D, ymf + (N_OBS - 1) * D, ytf + (N_OBS - 1) * D) : NAN;
    bwd_mse = nb > 1 ? nde_mse((long)(nb - 1) * D, ymb + D, ytb + D) : NAN;
    if (solve_rows(&lv_b, u0, N_OBS, tf, &so, ydisc, "discovered model") < N_OBS ||
        solve_rows(&lv_a, u0, N_OBS, tf, &so, ytrap, "trapped model") < N_OBS)
        return fail("the discovered models could not be solved");
    disc_mse = nde_mse(N_OBS * D, ydisc, yobs);
    div_true = mean_divergence(&truth, N_CYC, yc);
    div_node = mean_divergence(&node, N_CYC, yc);
    nf2 = solve_rows(&node2, u0, N_EXT, tf, &so, ymf2, "remedy model forward to t = 50");
    nb2 = solve_rows(&node2, u0, N_EXT, tb, &so, ymb2, "remedy model backward to t = -50");
    bwd_mse2 = nb2 > 1 ? nde_mse((long)(nb2 - 1) * D, ymb2 + D, ytb + D) : NAN;
    div_node2 = mean_divergence(&node2, N_CYC, yc);
    err_final = max_rel_err(theta_b);

    printf("4. results (measured in this run; the documents give figures, not numbers, for these)\n");
    printf("   %-44s %-12s %s\n", "quantity", "measured", "document");
    printf("   %-44s %-12.4g %s\n", "Neural ODE MSE vs truth on [0, 10]", train_mse,
           "report Fig 3: follows the truth");
    printf("   %-44s %-12.4g %s\n", nf == N_EXT ? "Neural ODE MSE vs truth on [10, 50]" : "Neural ODE MSE on [10, t_fail]",
           fwd_mse, "report Fig 4: keeps up forward");
    printf("   %-44s %-12.4g %s\n", nb == N_EXT ? "Neural ODE MSE vs truth on [-50, 0)" : "Neural ODE MSE on (t_fail, 0)",
           bwd_mse, "report Fig 4: fails backward");
    printf("   %-44s %-12.3g %s\n", "mean div f over one true cycle: truth", div_true,
           "exactly 0 (div f = d/dt ln(x y))");
    printf("   %-44s %-12.3g %s\n", "  ... Neural ODE field on the same cycle", div_node,
           "report: backward failure \"causes unknown\"");
    printf("   %-44s %-12.4g %s\n", nb2 == N_EXT ? "trained on [0, 30]: MSE vs truth on [-50, 0)" : "trained on [0, 30]: MSE on (t_fail, 0)",
           bwd_mse2, "report: \"can be addressed\" (not tried)");
    printf("   %-44s %-12.3g\n", "  ... mean div f over the true cycle", div_node2);
    for (i = 0; i < NP; i++) {
        char q[64];
        snprintf(q, sizeof q, "%s: discovered (b) / trapped (a)", PNAME[i]);
        printf("   %-44s %-12.6g true %.6g; rel err %.2e; (a) %.4g\n", q, theta_b[i], THETA_TRUE[i],
               fabs(theta_b[i] - THETA_TRUE[i]) / THETA_TRUE[i], theta_a[i]);
    }
    printf("   %-44s %-12.3e %s\n", "max relative parameter error (b)", err_final,
           "crash course: no number; claim < 1e-2");
    printf("   %-44s %-12.3e %s\n", "max relative parameter error (a)", err_a[DISC_ITERS], "(trapped)");
    printf("   %-44s %-12.3g\n", "discovered model MSE vs data on [0, 10]", disc_mse);
    printf("   %-44s %-12.2f %s\n", "time: Neural ODE training (s)", t_part1, quick ? "(quick)" : "");
    printf("   %-44s %-12.2f\n", "time: the remedy's training (s)", t_part1b);
    printf("   %-44s %-12.2f\n", "time: discovery, both runs (s)", t_part2);
    if (div_node < 0.0)
        printf("   On the true cycle the learned field contracts phase-space area (mean divergence\n"
               "   %.3g; the truth's is 0). Forward in time contraction damps errors and the\n"
               "   orbit settles inwards; backward the same field expands area, about\n"
               "   exp(%.3g |t|), so errors grow and the backward solution runs away.\n",
               div_node, -div_node);
    printf("\n");

    /* 5. Draw. */
    printf("5. figures\n");
    draw_fit(dir, tf, yobs, nf, ymf, ytf, loss_hist, iters);
    draw_extrap(dir, "ch03_extrap", "extrapolation outside [0, 10] (the Julia report, Fig 4)", 10.0, tf, tb, ytf, ytb, ymf, nf, ymb, nb);
    draw_extrap(dir, "ch03_remedy", "trained on [0, 30], the report's suggested remedy", T_LONG, tf, tb, ytf, ytb, ymf2, nf2, ymb2, nb2);
    draw_discovery(dir, hist_a, err_a, hist_b, err_b, tf, yobs, ydisc, ytrap);
    printf("   total %.2f s CPU\n\n", seconds_since(c_all));

    nde_mlp_free(&net);
    nde_mlp_free(&net2);
    s = err_final < 1e-2 ? 0 : 1;
    if (s) printf("CLAIM FAILED: max relative parameter error %.3e is not below 1e-2\n", err_final);
    else printf("claim holds: max relative parameter error %.3e < 1e-2\n", err_final);
    printf("RESULT chapter=03 train_mse=%.6g extrap_forward_mse=%.6g alpha=%.6g beta=%.6g delta=%.6g gamma=%.6g param_max_rel_err=%.6g"
           " extrap_backward_mse=%.6g extrap_backward_mse_fixed=%.6g\n",
           train_mse, fwd_mse, theta_b[0], theta_b[1], theta_b[2], theta_b[3], err_final, bwd_mse, bwd_mse2);
    return s;
}
