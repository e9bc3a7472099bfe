/* 01_spiral.c - Chapter 01: the spiral. A residual network is Euler's method, and a Neural
   ODE learns the cubic spiral from short windows of one trajectory.

   YOU WILL LEARN
     - why a residual network h_{l+1} = h_l + dt f(h_l) is Euler's method for dy/dt = f(y),
       and that its error shrinks like 1/L as the number of blocks L grows (first order);
     - how the classic Neural ODE demo trains dy/dt = NN(y^3) on random windows of one
       trajectory, with the gradient by backprop through the solver (or by an adjoint);
     - why the error of the whole trajectory after such training is a noisy number.

   SOURCES (by title; what this program follows)
     "Neural Ordinary Differential Equations: Theory and Implementation on Spiral datasets"
       (Padmanabhan, 2025): section 1 (the ResNet block h2 = x + f(h1)); section 2, eqs 1-4
       (the ODE limit dh/dt = f(h, t; theta)); sections 3.2-3.3, eqs 15-29 (the adjoint state in
       3.2, its parameter gradient, eqs 28-29, in 3.3; used by --method backsolve and
       --method interp).
     "Neural ODEs: A Comprehensive Tutorial on Parameter-Efficient Continuous-Depth Models"
       (2025): section 2.1, eqs 2-3 (residual blocks become an ODE as L -> infinity with
       dt = T/L); eq 8 (forward Euler); eq 16 (the cubic input y^3); section 5.1, eq 30 (the
       spiral dy/dt = (y^3) A, A = [[-0.1, 2], [-2, -0.1]], y0 = (2, 0), 1000 points on [0, 25]).
     Neither document says where its spiral comes from; the tutorial's section 5.1 matches
     the setting of the classic torchdiffeq demo (examples/ode_demo.py), which this chapter
     repeats: a 2-50-2 tanh network on y^3, weights N(0, 0.1^2), zero biases; each
     iteration 20 random windows of 10 consecutive points; mean absolute error; RMSprop
     lr 1e-3 (alpha 0.99, eps 1e-8); dopri5 at rtol 1e-7, atol 1e-9; 2000 iterations.

   WHERE THE DOCUMENTS DIFFER, AND WHAT THIS CHAPTER CHOSE
     - The tutorial trains its spiral with Adam 5e-4, batch 32 x 20 points and dopri5 at
       rtol 1e-5, atol 1e-7; the demo uses RMSprop 1e-3, batch 20 x 10 points, rtol 1e-7,
       atol 1e-9. We run the demo's settings.
     - The tutorial's "test loss" (Table 1: baseline 128x4 at 0.024051 MSE) is not defined
       precisely and belongs to a different model and optimizer; it is printed for context
       only. Its conclusion calls going from 0.024 to 0.035 an improvement: a larger loss.
     - Row-vector convention (as the demo's torch.mm(y**3, A)):
         dy1/dt = -0.1 y1^3 - 2 y2^3,   dy2/dt = 2 y1^3 - 0.1 y2^3.
     - The spiral report writes eq 2 without a step size (dt = 1, as a ResNet has); the
       residual network of step 2 below uses dt = T/L so that every depth covers [0, T].

   CLAIM (the exit status)
     The Euler error decays with slope 1 +- 0.1 on a log-log plot, and training lowers the
     full-trajectory MSE (the model's trajectory from y0 against the truth at all 1000 points)
     at least 5x below the untrained model's (--quick, 100 iterations: it decreased). In the
     full run also: the recipe that converges (below) ends every seed of 0-9 below 0.01, late
     median below 0.01 too, in at most 5x the classic recipe's CPU time. The
     torchdiffeq run of the same job reached 0.029; final_mse is printed beside it, with the
     spread over the last quarter of training, but the exit status does not hang on it,
     because that number is a draw (next paragraph). Also printed: train_seconds (CPU time of
     the training steps) and nfe_per_iter (evaluations of the network per iteration: f calls
     of the forward solve plus vector-Jacobian products of the backward pass).

   WHY final_mse IS A NOISY NUMBER (read the loss panel)
     The training loss sees windows of 10 points (0.225 time units); final_mse follows one
     trajectory over 25 time units, where a small error in the learned rotation speed grows
     into a phase error. RMSprop at a constant rate with the mean absolute error never
     settles: every step moves each weight by about lr, so the full-trajectory MSE keeps
     jumping by an order of magnitude long after the training loss has flattened (the loss
     panel shows it). The value after iteration 2000 is one draw from that spread; `make
     bench` trains seeds 0, 1, 2 with each gradient method and prints all three values and
     their median, and seeds 0-19 by backprop: median 0.065, 6 of 20 at or below 0.03. The
     same recipe in PyTorch (bench/torch_spiral_peer.py, sharing no code with this library)
     gives median 0.24 over seeds 0-19, 2 of 20 at or below 0.03. The torchdiffeq run's
     0.029 is one draw of the same kind.

   FROM ONE LUCKY DRAW TO A RECIPE THAT CONVERGES (step 6; tests/problems.c, prob_spiral_recipe)
     What a student should do instead, found by measuring (seeds 0-9, continuing each classic
     run): Adam at lr 1e-3 with cosine decay, on the mean SQUARED error, over windows that
     grow 20 -> 50 -> 100 -> 250 -> 500 points (100 steps each, 400/length windows per step),
     keeping the parameters with the best full-trajectory MSE seen (checked every 10 steps),
     then 500 steps on the whole trajectory from y0. Every piece is there for a measured reason:
       - decay: a constant-rate optimizer keeps jumping (the noise above); the decay lets
         it settle. Cosine decay on the classic 10-point windows alone stalls near 0.03:
         those windows never see the phase error that builds up over 25 time units.
       - the whole trajectory: it is what final_mse measures. But straight after the classic
         run, 1000 Adam steps on it bring 8 of 10 seeds to 0.006-0.008 and leave seeds 1 and
         7 in a phase-slipped minimum (0.51, 0.34): when the model's turn lags by a fraction
         of a revolution over [0, 25], the gradient of the whole-trajectory loss pulls the
         spiral's tail onto the wrong arm.
       - growing windows (a curriculum): over a window short enough that the phase error
         stays small the loss is nearly quadratic, so each stage corrects the rotation speed
         a little further out before the next one asks for more. The rate matters as much:
         at lr 2e-3 nine of ten seeds slipped (0.30-0.40).
       - keeping the best: even at lr 5e-4 the full-trajectory MSE jumps between 0.02 and
         0.8 from one check to the next during the long-window stages; a run entering the
         last stage from a slipped state stays there (seed 7 entered at 0.77 and ended at
         0.58). Entering from the best checkpoint removed the last slips.
     The chapter prints both recipes side by side for seeds 0-9 and draws ch01_recipe.png;
     `make bench` prints BENCH name=spiral_recipe over the same seeds.

   RUN
     make ch01                      full run (2000 iterations), figures under plots/
     build/01_spiral --quick        under 2 s, figures under build/quick/
     options: --method backprop|backsolve|interp (default backprop), --seed N (default 0)

   FIGURES
     ch01_euler.png   left: the L-block residual network against the exact spiral in the
                      phase plane; right: its error at t = 25 against L, log-log, with the
                      fitted slope.
     ch01_recipe.png  the full-trajectory MSE of seeds 0-9 during the classic recipe (left)
                      and during the recipe that converges (right).
     ch01_spiral.png  the demo's three panels (x and y against t, truth and model; the phase
                      portrait; the learned vector field on [-2, 2]^2 as arrows of unit
                      length) and the loss curve (log y).
     Each also as .dat + .gp (gnuplot).
*/
#define _POSIX_C_SOURCE 199309L
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"
#include "tests/problems.c"   /* prob_cubic_f, prob_spiral_classic_step, prob_spiral_recipe */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "args.h"

#define N_DATA 1000        /* points of the true trajectory on [0, T_END]          */
#define T_END 25.0
#define D 2                /* state dimension                                      */
#define WIN_T 10           /* points per window (the demo's batch_time)            */
#define WIN_B 20           /* windows per iteration (the demo's batch_size)        */
#define HIDDEN 50
#define LR 1e-3
#define RTOL 1e-7
#define ATOL 1e-9
#define ITERS_FULL 2000
#define ITERS_QUICK 100
#define TEST_EVERY 20      /* full-trajectory evaluation, as the demo's test_freq   */
#define TORCH_MSE 0.029    /* the torchdiffeq run's final MSE (issue 3), for comparison */
#define EULER_K0 7         /* residual networks of L = 2^7 ... 2^18 blocks          */
#define EULER_K1 18
#define EULER_FIT 5        /* the slope is fitted over the EULER_FIT largest L      */
#define KEEP 512           /* states kept along a residual network for the figure   */
#define GRID 21            /* vector-field arrows per axis, as the demo's 21 x 21   */
#define NSEEDS 10          /* seeds 0..9 of the classic recipe and the one that converges */
#define STAGE 100          /* the recipe: Adam steps per window length (20 ... 500)      */
#define WHOLE 500          /* ... then steps on the whole trajectory                    */
#define CURVE_EVERY 100    /* full-trajectory MSE of the seed sweep every 100 classic steps */

/* ===================================================================== */
/* The true field and a clock                                             */
/* ===================================================================== */

/* CPU seconds of this process: what the training costs, even on a shared machine. */
static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ===================================================================== */
/* Step 2 helpers: a residual network is Euler's method                   */
/* ===================================================================== */
/*
   A residual block adds a correction to its input: h_{l+1} = h_l + g(h_l). With
   g = dt f and dt = T/L, L blocks carry h_0 = y(0) to h_L, and this is exactly forward
   Euler (tutorial eq 8) for dy/dt = f(y) on [0, T]. Its global error is O(dt) = O(1/L):
   double the depth, halve the error. A shallow network fails outright: near y0 = (2, 0)
   the spiral turns at about 8 radians per unit time, each Euler step on a rotation of
   angle w dt scales the radius by sqrt(1 + (w dt)^2), and with a cubic field a larger
   radius turns even faster, so for dt above about 0.02 the state runs off to infinity.
*/

/* Forward pass of the L-block network from y0 (D): writes h_L (D) and, when keep is not
   NULL, every (L/KEEP)-th state into keep (KEEP+1, D). Returns 0, or 1 when the state
   stopped being finite (too few blocks: dt too large for Euler to stay stable). */
static int resnet_forward(long L, double T, const double *y0, double *hL, double *keep)
{
    double h[D], f[D], dt = T / (double)L;
    long l, every = L / KEEP > 0 ? L / KEEP : 1;
    h[0] = y0[0];
    h[1] = y0[1];
    for (l = 0; l < L; l++) {
        if (keep && l % every == 0 && l / every <= KEEP) memcpy(keep + (l / every) * D, h, sizeof h);
        prob_cubic_f(NULL, l * dt, 1, h, NULL, f);
        h[0] += dt * f[0];
        h[1] += dt * f[1];
        if (!(fabs(h[0]) + fabs(h[1]) < 1e100)) return 1;
    }
    if (keep) memcpy(keep + KEEP * D, h, sizeof h);
    hL[0] = h[0];
    hL[1] = h[1];
    return 0;
}

/* Least-squares slope of log(y) against log(x) over n points. */
static double loglog_slope(int n, const double *x, const double *y)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int i;
    for (i = 0; i < n; i++) {
        double a = log(x[i]), b = log(y[i]);
        sx += a; sy += b; sxx += a * a; sxy += a * b;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* ===================================================================== */
/* Steps 3-5 helpers: measuring a model                                   */
/* ===================================================================== */

/* The model's trajectory from y0 at the N_DATA times t (yp (N_DATA,D)) and its mean squared
   error against the truth y (N_DATA,D); the demo's "Total Loss" (mean absolute error) in
   *mae when not NULL. Returns -1 when the solve fails. */
static double full_mse(const nde_system *sys, const double *t, const double *y, const nde_options *opt,
                       double *yp, double *mae)
{
    nde_stats st;
    long i;
    if (nde_solve(sys, 1, y, N_DATA, t, opt, yp, &st) != NDE_OK) {
        printf("full-trajectory solve failed: %s\n", st.msg);
        return -1.0;
    }
    if (mae) {
        *mae = 0.0;
        for (i = 0; i < N_DATA * D; i++) *mae += fabs(yp[i] - y[i]) / (N_DATA * D);
    }
    return nde_mse(N_DATA * D, yp, y);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ===================================================================== */
/* Step 6 helpers: the figures                                            */
/* ===================================================================== */

/* Save fig as dir/name (ndp_finish frees it) and say where it went or why not. */
static int save_figure(ndp_figure *fig, const char *dir, const char *name)
{
    char msg[NDP_MSG_LEN];
    int st = ndp_finish(fig, dir, name, msg);
    printf("%s\n", msg);
    return st;
}

/* ch01_euler: residual networks of depth Ls[i] (kept states keep (3, KEEP+1, D)) against
   the exact spiral y (N_DATA,D); error err (n) against L (n) with the fitted line. */
static int draw_euler(const char *dir, const double *y, const long *Ls, const double *keep,
                      int n, const double *L, const double *err, int nfit, double slope)
{
    static double kx[KEEP + 1], ky[KEEP + 1], ex[N_DATA], ey[N_DATA];
    ndp_style truth = {NDP_BLACK, NDP_SOLID, NDP_CIRCLE, 2.5, 0}, fit = {NDP_VERMILION, NDP_DASHED, NDP_CIRCLE, 0, 0};
    ndp_style pts = {NDP_BLUE, NDP_SOLID, NDP_CIRCLE, 0, 0};
    char lab[64];
    double fx[2], fy[2];
    int i, j;
    ndp_figure *fig = ndp_figure_create(1300, 560, 1, 2, NULL);
    ndp_panel *p;
    if (!fig) return NDP_ERR_NOMEM;
    ndp_figure_title(fig, "A residual network h(l+1) = h(l) + dt f(h(l)), dt = 25/L, is Euler's method");
    p = ndp_panel_at(fig, 0, 0);
    for (i = 0; i < N_DATA; i++) { ex[i] = y[i * D]; ey[i] = y[i * D + 1]; }
    ndp_line(p, ex, ey, N_DATA, "exact (dopri5)", &truth);
    for (j = 0; j < 3; j++) {
        ndp_style s = {NDP_VERMILION + j, NDP_SOLID, NDP_CIRCLE, 0, 0};
        for (i = 0; i <= KEEP; i++) { kx[i] = keep[(j * (KEEP + 1) + i) * D]; ky[i] = keep[(j * (KEEP + 1) + i) * D + 1]; }
        snprintf(lab, sizeof lab, "L = %ld blocks", Ls[j]);
        ndp_line(p, kx, ky, KEEP + 1, lab, &s);
    }
    ndp_title(p, "phase plane, t in [0, 25]");
    ndp_xlabel(p, "y1");
    ndp_ylabel(p, "y2");
    ndp_xlim(p, -2.5, 2.5);
    ndp_ylim(p, -2.5, 2.5);
    p = ndp_panel_at(fig, 0, 1);
    ndp_scatter(p, L, err, n, "|h(L) - y(25)|", &pts);
    ndp_line(p, L, err, n, NULL, &pts);
    fx[0] = L[n - nfit];
    fx[1] = L[n - 1];
    fy[0] = err[n - nfit];
    fy[1] = err[n - nfit] * pow(fx[1] / fx[0], slope);
    snprintf(lab, sizeof lab, "fit over L >= %.0f: slope %.3f", fx[0], slope);
    ndp_line(p, fx, fy, 2, lab, &fit);
    ndp_log(p, 1, 1);
    ndp_title(p, "error at t = 25 against depth L");
    ndp_xlabel(p, "blocks L (Euler steps)");
    ndp_ylabel(p, "error");
    return save_figure(fig, dir, "ch01_euler");
}

/* ch01_spiral: the demo's three panels plus the loss curve. y, yp (N_DATA,D) truth and
   model at t; net the trained network; loss (iters) minibatch losses; test_it, test_mse
   (ntest) full-trajectory MSE. */
static int draw_spiral(const char *dir, const double *t, const double *y, const double *yp, nde_mlp *net,
                       int iters, const double *loss, int ntest, const double *test_it, const double *test_mse)
{
    static double its[ITERS_FULL], c[4][N_DATA], gx[GRID * GRID], gy[GRID * GRID], gu[GRID * GRID], gv[GRID * GRID];
    static double grid[GRID * GRID * D], fld[GRID * GRID * D];
    ndp_style tx = {NDP_GREEN, NDP_SOLID, NDP_CIRCLE, 0, 0}, ty = {NDP_ORANGE, NDP_SOLID, NDP_CIRCLE, 0, 0};
    ndp_style mx = {NDP_BLUE, NDP_DASHED, NDP_CIRCLE, 0, 0}, my = {NDP_PURPLE, NDP_DASHED, NDP_CIRCLE, 0, 0};
    ndp_style arrow = {NDP_BLACK, NDP_SOLID, NDP_CIRCLE, 0, 0}, mb = {NDP_GREY, NDP_SOLID, NDP_CIRCLE, 1.0, 0};
    ndp_style tm = {NDP_BLUE, NDP_SOLID, NDP_CIRCLE, 0, 0}, torch = {NDP_VERMILION, NDP_DASHED, NDP_CIRCLE, 0, 0};
    double cx[2], cy[2] = {TORCH_MSE, TORCH_MSE};
    int i, j, k;
    ndp_figure *fig = ndp_figure_create(1300, 1050, 2, 2, NULL);
    ndp_panel *p;
    if (!fig) return NDP_ERR_NOMEM;
    ndp_figure_title(fig, "Neural ODE dy/dt = NN(y^3) on the cubic spiral (the classic torchdiffeq demo)");
    for (i = 0; i < N_DATA; i++) {
        c[0][i] = y[i * D]; c[1][i] = y[i * D + 1]; c[2][i] = yp[i * D]; c[3][i] = yp[i * D + 1];
    }
    p = ndp_panel_at(fig, 0, 0);
    ndp_line(p, t, c[0], N_DATA, "y1 true", &tx);
    ndp_line(p, t, c[1], N_DATA, "y2 true", &ty);
    ndp_line(p, t, c[2], N_DATA, "y1 model", &mx);
    ndp_line(p, t, c[3], N_DATA, "y2 model", &my);
    ndp_title(p, "trajectories from y0 = (2, 0)");
    ndp_xlabel(p, "t");
    ndp_ylabel(p, "y1, y2");
    ndp_xlim(p, 0, T_END);
    ndp_ylim(p, -2, 2.6);
    ndp_legend(p, NDP_LEGEND_TOP_RIGHT);
    p = ndp_panel_at(fig, 0, 1);
    ndp_line(p, c[0], c[1], N_DATA, "true", &tx);
    ndp_line(p, c[2], c[3], N_DATA, "model", &mx);
    ndp_title(p, "phase portrait");
    ndp_xlabel(p, "y1");
    ndp_ylabel(p, "y2");
    ndp_xlim(p, -2, 2);
    ndp_ylim(p, -2, 2);
    /* the learned field on a GRID x GRID grid of [-2, 2]^2, drawn at unit length as the demo does */
    for (j = 0; j < GRID; j++)
        for (i = 0; i < GRID; i++) {
            k = j * GRID + i;
            grid[k * D] = gx[k] = -2.0 + 4.0 * i / (GRID - 1);
            grid[k * D + 1] = gy[k] = -2.0 + 4.0 * j / (GRID - 1);
        }
    nde_mlp_forward(net, GRID * GRID, grid, 0.0, fld);
    for (k = 0; k < GRID * GRID; k++) {
        double r = hypot(fld[k * D], fld[k * D + 1]);
        gu[k] = r > 0 ? fld[k * D] / r : 0.0;
        gv[k] = r > 0 ? fld[k * D + 1] / r : 0.0;
    }
    p = ndp_panel_at(fig, 1, 0);
    ndp_arrows(p, gx, gy, gu, gv, GRID * GRID, NULL, &arrow);
    ndp_title(p, "learned vector field (directions)");
    ndp_xlabel(p, "y1");
    ndp_ylabel(p, "y2");
    ndp_xlim(p, -2.2, 2.2);
    ndp_ylim(p, -2.2, 2.2);
    p = ndp_panel_at(fig, 1, 1);
    for (i = 0; i < iters; i++) its[i] = i + 1;
    ndp_line(p, its, loss, iters, "minibatch MAE (training loss)", &mb);
    ndp_line(p, test_it, test_mse, ntest, "full-trajectory MSE", &tm);
    cx[0] = 0;
    cx[1] = iters;
    ndp_line(p, cx, cy, 2, "torchdiffeq run: MSE 0.029", &torch);
    ndp_log(p, 0, 1);
    ndp_xlim(p, 0, iters);
    ndp_title(p, "loss");
    ndp_xlabel(p, "iteration");
    ndp_ylabel(p, "loss");
    return save_figure(fig, dir, "ch01_spiral");
}

/* ===================================================================== */
/* Step 6 helpers: from one lucky draw to a recipe that converges          */
/* ===================================================================== */

/* One seed of the sweep: the classic recipe (iters RMSprop steps on windows of 10 points, the
   full-trajectory MSE every CURVE_EVERY steps into ccurve (iters/CURVE_EVERY)), then the recipe
   that converges (prob_spiral_recipe: stage steps per window length, whole steps on the whole
   trajectory, its curve into rcurve (stage/2 + whole/10)). CPU seconds of each phase (the
   classic one without its curve evaluations) into secs[2], final MSEs into mse[2], the
   recipe's late median into *late. Returns 0, or 1 after printing what failed. */
static int sweep_seed(unsigned long long seed, int iters, int stage, int whole, const double *t, const double *y,
                      const nde_options *opt, double *ccurve, double *rcurve, double secs[2], double mse[2],
                      double *late)
{
    int widths[3] = {D, HIDDEN, D}, it, status;
    static double yp[N_DATA * D];
    double *g, L, c0;
    char msg[NDE_MSG_LEN] = "";
    nde_mlp net;
    nde_system sys;
    nde_optim rms;
    nde_rng rng;
    nde_grad_options gopt;
    nde_grad_work work;
    nde_grad_stats gs;
    nde_rng_seed(&rng, seed);
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, NDE_INPUT_CUBE, msg) != NDE_OK ||
        nde_mlp_system(&net, &sys, msg) != NDE_OK || nde_optim_init(&rms, NDE_OPT_RMSPROP, net.nparams, LR, msg) != NDE_OK) {
        printf("seed %llu: %s\n", seed, msg);
        return 1;
    }
    nde_mlp_init_normal(&net, &rng, 0.1);
    g = (double *)malloc((size_t)net.nparams * sizeof(double));
    memset(&work, 0, sizeof work);
    memset(&gopt, 0, sizeof gopt);
    gopt.work = &work;
    status = g ? NDE_OK : NDE_ERR_NOMEM;
    secs[0] = 0.0;
    for (it = 1; it <= iters && status == NDE_OK; it++) {
        c0 = cpu_seconds();
        status = prob_spiral_classic_step(&sys, &rng, t, y, opt, &gopt, &rms, g, &L, &gs, msg);
        secs[0] += cpu_seconds() - c0;
        if (status == NDE_OK && it % CURVE_EVERY == 0) ccurve[it / CURVE_EVERY - 1] = full_mse(&sys, t, y, opt, yp, NULL);
    }
    if (status == NDE_OK) mse[0] = full_mse(&sys, t, y, opt, yp, NULL);
    c0 = cpu_seconds();
    if (status == NDE_OK) status = prob_spiral_recipe(&sys, &rng, t, y, opt, &work, stage, whole, rcurve, &mse[1], late, msg);
    secs[1] = cpu_seconds() - c0;
    if (status != NDE_OK) printf("seed %llu: %s: %s\n", seed, nde_status_name(status), msg);
    free(g);
    nde_optim_free(&rms);
    nde_grad_work_free(&work);
    nde_mlp_free(&net);
    return status != NDE_OK;
}

/* ch01_recipe: the full-trajectory MSE of every seed, (a) under the classic recipe
   (cc (nseeds, nc)), (b) under the recipe that continues it (rc (nseeds, nr)). */
static int draw_recipe(const char *dir, int nseeds, int iters, int nc, const double *cc, int nr, const double *rc)
{
    static double xc[ITERS_FULL / CURVE_EVERY], xr[(5 * STAGE) / 10 + WHOLE / 10];
    ndp_style goal = {NDP_BLACK, NDP_DASHED, NDP_CIRCLE, 0, 0};
    double gx[2], gy[2] = {0.01, 0.01};
    char lab[32];
    int k, i;
    ndp_figure *fig = ndp_figure_create(1400, 600, 1, 2, NULL);
    ndp_panel *p;
    if (!fig) return NDP_ERR_NOMEM;
    ndp_figure_title(fig, "Chapter 01: the full-trajectory MSE of seeds 0-9, classic recipe and the one that converges");
    for (i = 0; i < nc; i++) xc[i] = (double)(i + 1) * CURVE_EVERY;
    for (i = 0; i < nr; i++) xr[i] = iters + 10.0 * (i + 1);
    for (k = 0; k < 2; k++) {
        p = ndp_panel_at(fig, 0, k);
        for (i = 0; i < nseeds; i++) {
            snprintf(lab, sizeof lab, "seed %d", i);
            if (k == 0) ndp_line(p, xc, cc + i * nc, nc, lab, NULL);
            else ndp_line(p, xr, rc + i * nr, nr, lab, NULL);
        }
        gx[0] = k == 0 ? xc[0] : xr[0];
        gx[1] = k == 0 ? xc[nc - 1] : xr[nr - 1];
        ndp_line(p, gx, gy, 2, "MSE 0.01", &goal);
        ndp_log(p, 0, 1);
        ndp_ylabel(p, "full-trajectory MSE");
    }
    p = ndp_panel_at(fig, 0, 0);
    ndp_title(p, "(a) classic: RMSprop, 10-point windows, MAE");
    ndp_legend(p, NDP_LEGEND_NONE);
    ndp_xlabel(p, "iteration");
    p = ndp_panel_at(fig, 0, 1);
    ndp_title(p, "(b) then: Adam, windows 20 to 500, whole");
    ndp_xlabel(p, "iteration (continuing the classic run)");
    ndp_legend(p, NDP_LEGEND_BOTTOM_LEFT);
    return save_figure(fig, dir, "ch01_recipe");
}

/* ===================================================================== */
/* main: the story                                                        */
/* ===================================================================== */

int main(int argc, char **argv)
{
    static double t[N_DATA], y[N_DATA * D], yp[N_DATA * D];   /* (N_DATA), (N_DATA,D) x2 */
    static double keep[3 * (KEEP + 1) * D];                    /* (3,KEEP+1,D)           */
    static double loss_hist[ITERS_FULL];                       /* (iters)                */
    static double test_it[ITERS_FULL / TEST_EVERY + 1], test_mse[ITERS_FULL / TEST_EVERY + 1];
    double eL[EULER_K1 - EULER_K0 + 1], eerr[EULER_K1 - EULER_K0 + 1], late[ITERS_FULL / TEST_EVERY + 1];
    double y0[D] = {2.0, 0.0}, te[2] = {0.0, T_END}, yend[2 * D], hL[D], *g;
    long Ls[3] = {2048, 8192, 65536}, nfe_total = 0, cmp_L = 4096;
    int widths[3] = {D, HIDDEN, D};
    int quick = 0, gmethod = NDE_GRAD_BACKPROP, iters, it, i, k, ne = 0, nlate = 0, ntest = 0, ok = 1;
    unsigned long long seed = 0;
    const char *dir, *mnames[3] = {"backprop", "backsolve", "interp"};
    char msg[NDE_MSG_LEN];
    double slope, mse0, mae, final_mse, final_mae, train_s = 0.0, nfe_per_iter;
    static double ccurve[NSEEDS * (ITERS_FULL / CURVE_EVERY)], rcurve[NSEEDS * ((5 * STAGE) / 10 + WHOLE / 10)];
    double secs[2], rmse[2 * NSEEDS], rlate[NSEEDS], tratio[NSEEDS], cls[NSEEDS], rec[NSEEDS], rec_median;
    int nseeds, sw_iters, sw_stage, sw_whole, nc, nr;
    nde_system truth = {D, 0, NULL, NULL, prob_cubic_f, NULL, NULL, NULL, NULL, 0, NULL, NULL}, sys;
    nde_options opt, ref_opt, eul_opt;
    nde_grad_options gopt;
    nde_grad_work work;
    nde_grad_stats gs;
    nde_stats st;
    nde_mlp net;
    nde_optim rms;
    nde_rng rng;

    {   /* the command line: anything else is a usage error (status 2) */
        const ch_opt opts[] = {
            {"--quick", CH_FLAG, &quick, NULL, 0, 0, "a short run (under 2 s; figures under build/quick/)"},
            {"--method", CH_CHOICE, &gmethod, "backprop|backsolve|interp", 0, 0, "gradient method (backprop)"},
            {"--seed", CH_U64, &seed, NULL, 0, 0, "random seed (0)"},
        };
        int rc = ch_args(argc, argv, opts, CH_NOPTS(opts));
        if (rc >= 0) return rc;
    }
    iters = quick ? ITERS_QUICK : ITERS_FULL;
    dir = quick ? "build/quick" : "plots";
    printf("Chapter 01: the spiral (%s run: %d iterations, gradient by %s, seed %llu)\n\n",
           quick ? "quick" : "full", iters, mnames[gmethod], seed);

    /* 1. Data: the true spiral at N_DATA times, by dopri5 at the demo's tolerances. */
    memset(&opt, 0, sizeof opt);
    opt.method = NDE_DOPRI5;
    opt.rtol = RTOL;
    opt.atol = ATOL;
    for (i = 0; i < N_DATA; i++) t[i] = T_END * i / (N_DATA - 1);
    if (nde_solve(&truth, 1, y0, N_DATA, t, &opt, y, &st) != NDE_OK) {
        printf("truth solve failed: %s\n", st.msg);
        return 1;
    }
    printf("1. data: dy/dt = (y^3) A from y0 = (2, 0), %d points on [0, %g], dopri5 rtol %g atol %g: "
           "%ld steps, %ld evaluations; y(25) = (%.6f, %.6f)\n\n",
           N_DATA, T_END, RTOL, ATOL, st.naccept, st.nfe, y[(N_DATA - 1) * D], y[(N_DATA - 1) * D + 1]);

    /* 2. The idea: a residual network of L blocks with the true field as its block is Euler's
          method. Its output h_L approaches y(25) as L grows, with error ~ 1/L. The reference
          y(25) is a much tighter dopri5 solve. */
    ref_opt = opt;
    ref_opt.rtol = 1e-12;
    ref_opt.atol = 1e-14;
    nde_solve(&truth, 1, y0, 2, te, &ref_opt, yend, &st);
    printf("2. a residual network is Euler's method: h_{l+1} = h_l + dt f(h_l), dt = 25/L\n");
    printf("   %9s  %-12s  %s\n", "blocks L", "|h_L - y(25)|", "ratio to the previous L");
    for (k = EULER_K0; k <= EULER_K1; k++) {
        long L = 1L << k;
        int j;
        for (j = 0; j < 3 && Ls[j] != L; j++) {}
        if (resnet_forward(L, T_END, y0, hL, j < 3 ? keep + j * (KEEP + 1) * D : NULL)) {
            printf("   %9ld  diverged (dt = %.3g is too large for Euler on this spiral)\n", L, T_END / L);
            continue;
        }
        eL[ne] = (double)L;
        eerr[ne] = hypot(hL[0] - yend[D], hL[1] - yend[D + 1]);
        if (ne > 0) printf("   %9ld  %.4e    %.3f\n", L, eerr[ne], eerr[ne - 1] / eerr[ne]);
        else printf("   %9ld  %.4e\n", L, eerr[ne]);
        ne++;
    }
    slope = -loglog_slope(EULER_FIT, eL + ne - EULER_FIT, eerr + ne - EULER_FIT);
    memset(&eul_opt, 0, sizeof eul_opt);
    eul_opt.method = NDE_EULER;
    eul_opt.h = T_END / (double)cmp_L;
    eul_opt.max_steps = 2 * cmp_L;
    resnet_forward(cmp_L, T_END, y0, hL, NULL);
    nde_solve(&truth, 1, y0, 2, te, &eul_opt, yp, &st);
    printf("   error ~ C / L^p with p = %.3f (least squares over the %d largest L; Euler's order is 1)\n",
           slope, EULER_FIT);
    printf("   the same network is nde_solve with method NDE_EULER, h = 25/%ld: %ld steps, "
           "max |difference| = %.1e\n\n", cmp_L, st.naccept,
           fmax(fabs(yp[D] - hL[0]), fabs(yp[D + 1] - hL[1])));

    /* 3. Model: dy/dt = W2 tanh(W1 y^3 + b1) + b2, weights N(0, 0.1^2), biases 0. */
    nde_rng_seed(&rng, seed);
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, NDE_INPUT_CUBE, msg) != NDE_OK ||
        nde_mlp_system(&net, &sys, msg) != NDE_OK ||
        nde_optim_init(&rms, NDE_OPT_RMSPROP, net.nparams, LR, msg) != NDE_OK) {
        printf("model setup failed: %s\n", msg);
        return 1;
    }
    nde_mlp_init_normal(&net, &rng, 0.1);
    g = (double *)malloc((size_t)net.nparams * sizeof(double));   /* (P) gradient */
    if (!g) { printf("out of memory\n"); return 1; }
    printf("3. model: %d-%d-%d tanh on y^3, %ld parameters, weights N(0, 0.1^2), zero biases; "
           "RMSprop lr %g alpha %g eps %g\n", D, HIDDEN, D, net.nparams, LR, rms.alpha, rms.eps);
    mse0 = full_mse(&sys, t, y, &opt, yp, &mae);
    printf("   untrained: full-trajectory MSE %.4f (MAE %.4f)\n\n", mse0, mae);

    /* 4. Train: each iteration draws WIN_B windows of WIN_T points (random starts, without
          replacement), solves the model from each window's first point over the window's
          times, and descends the mean absolute error. The gradient: backprop through the
          dopri5 steps (default), or the backsolve / interpolating adjoint. */
    memset(&gopt, 0, sizeof gopt);
    gopt.method = gmethod;
    gopt.work = &work; /* the tape reused from one iteration to the next (and, so, activations kept) */
    memset(&work, 0, sizeof work);
    printf("4. train: %d windows x %d points per iteration, MAE loss, dopri5 rtol %g atol %g, gradient by %s\n",
           WIN_B, WIN_T, RTOL, ATOL, mnames[gmethod]);
    printf("   %5s  %-13s  %-12s  %-8s  %s\n", "iter", "minibatch MAE", "full MSE", "nfe/iter", "ms/iter");
    for (it = 1; it <= iters; it++) {
        double t0 = cpu_seconds(), L;
        int status = prob_spiral_classic_step(&sys, &rng, t, y, &opt, &gopt, &rms, g, &L, &gs, msg);
        if (status != NDE_OK) {
            printf("iteration %d failed: %s: %s\n", it, nde_status_name(status), msg);
            return 1;
        }
        train_s += cpu_seconds() - t0;
        nfe_total += gs.fwd.nfe + gs.nvjp;
        loss_hist[it - 1] = L;
        if (it % TEST_EVERY == 0) {
            test_it[ntest] = it;
            test_mse[ntest] = full_mse(&sys, t, y, &opt, yp, NULL);
            if (it > iters - iters / 4) late[nlate++] = test_mse[ntest];
            ntest++;
        }
        if (it % (quick ? TEST_EVERY : 5 * TEST_EVERY) == 0)
            printf("   %5d  %-13.4e  %-12.4e  %-8.1f  %.3f\n", it, L, test_mse[ntest - 1],
                   (double)nfe_total / it, 1e3 * train_s / it);
    }
    nfe_per_iter = (double)nfe_total / iters;

    /* 5. Measure: the whole trajectory from y0, as the demo's test does. */
    final_mse = full_mse(&sys, t, y, &opt, yp, &final_mae); /* yp: the trajectory drawn in step 6 */
    qsort(late, (size_t)nlate, sizeof late[0], cmp_double);
    printf("\n5. results (seed %llu, gradient by %s)\n", seed, mnames[gmethod]);
    printf("   %-52s  %-12s  %s\n", "quantity", "this run", "reference");
    printf("   %-52s  %-12.3f  1 (Euler is first order; tutorial eq 8)\n",
           "Euler error slope p in error ~ 1/L^p", slope);
    printf("   %-52s  %-12.4g  0.029 (torchdiffeq run of this job, issue 3)\n",
           "final_mse: full trajectory, 1000 points", final_mse);
    printf("   %-52s  %-12.4g  (the demo prints this as Total Loss)\n", "final full-trajectory MAE", final_mae);
    if (nlate > 0)
        printf("   %-52s  %.3g / %.3g / %.3g\n", "full MSE over the last quarter: min / median / max",
               late[0], late[nlate / 2], late[nlate - 1]);
    printf("   %-52s  %-12.3f  %s\n", "train_seconds (CPU: sampling + gradient + update)", train_s,
           gmethod == NDE_GRAD_BACKPROP ? "21.7 (torchdiffeq, backprop, this machine kind)"
                                        : "90.6 (torchdiffeq adjoint, this machine kind)");
    printf("   %-52s  %-12.1f  (f evaluations + vector-Jacobian products)\n", "nfe_per_iter", nfe_per_iter);
    printf("   %-52s  %-12s  0.024051 (tutorial Table 1: a 128x4 model, Adam)\n", "tutorial's baseline test loss", "-");

    /* 6. From one lucky draw to a recipe that converges. Seeds 0-9 of the classic recipe, each
          continued by prob_spiral_recipe (tests/problems.c): Adam with cosine decay on the MSE
          of windows that grow from 20 to 500 points, the best full-trajectory model of that
          curriculum kept, then the whole trajectory from y0. */
    nseeds = quick ? 2 : NSEEDS;
    sw_iters = quick ? ITERS_QUICK : ITERS_FULL;
    sw_stage = quick ? 10 : STAGE;
    sw_whole = quick ? 20 : WHOLE;
    nc = sw_iters / CURVE_EVERY;
    nr = 5 * sw_stage / 10 + sw_whole / 10;
    printf("\n6. seeds 0-%d: the classic recipe, then the recipe that converges (%d steps per window\n"
           "   length 20, 50, 100, 250, 500; best kept; %d steps on the whole trajectory)\n", nseeds - 1, sw_stage, sw_whole);
    printf("   %4s  %-14s  %-14s  %-12s  %-9s  %s\n", "seed", "classic final", "recipe final", "recipe late",
           "classic s", "recipe s (total / classic)");
    for (k = 0; k < nseeds; k++) {
        if (sweep_seed((unsigned long long)k, sw_iters, sw_stage, sw_whole, t, y, &opt, ccurve + k * nc, rcurve + k * nr,
                       secs, rmse + 2 * k, &rlate[k]))
            return 1;
        tratio[k] = (secs[0] + secs[1]) / secs[0];
        printf("   %4d  %-14.4g  %-14.4g  %-12.4g  %-9.2f  %.2f (%.1fx)\n", k, rmse[2 * k], rmse[2 * k + 1], rlate[k],
               secs[0], secs[1], tratio[k]);
    }
    for (k = 0; k < nseeds; k++) {
        cls[k] = rmse[2 * k];
        rec[k] = rmse[2 * k + 1];
    }
    qsort(cls, (size_t)nseeds, sizeof cls[0], cmp_double);
    qsort(rec, (size_t)nseeds, sizeof rec[0], cmp_double);
    qsort(rlate, (size_t)nseeds, sizeof rlate[0], cmp_double);
    qsort(tratio, (size_t)nseeds, sizeof tratio[0], cmp_double);
    rec_median = 0.5 * (rec[(nseeds - 1) / 2] + rec[nseeds / 2]);
    printf("   classic: median %.4g, max %.4g;  recipe: median %.4g, max %.4g, worst late median %.4g;\n"
           "   time of both phases over the classic one: at most %.1fx (the issue allows 5x)\n",
           0.5 * (cls[(nseeds - 1) / 2] + cls[nseeds / 2]), cls[nseeds - 1], rec_median, rec[nseeds - 1],
           rlate[nseeds - 1], tratio[nseeds - 1]);

    /* 7. Draw. */
    printf("\n7. figures\n");
    if (draw_euler(dir, y, Ls, keep, ne, eL, eerr, EULER_FIT, -slope) != NDP_OK) ok = 0;
    if (draw_spiral(dir, t, y, yp, &net, iters, loss_hist, ntest, test_it, test_mse) != NDP_OK) ok = 0;
    if (draw_recipe(dir, nseeds, sw_iters, nc, ccurve, nr, rcurve) != NDP_OK) ok = 0;

    /* The claim. */
    if (fabs(slope - 1.0) > 0.1) {
        printf("\nCLAIM FAILED: the Euler error slope %.3f is not 1 +- 0.1\n", slope);
        ok = 0;
    }
    if (!(final_mse * (quick ? 1.0 : 5.0) < mse0)) {
        printf("\nCLAIM FAILED: the full-trajectory MSE fell from %.4g to %.4g, not %s\n", mse0, final_mse,
               quick ? "at all" : "5x");
        ok = 0;
    }
    if (!quick && !(rec[nseeds - 1] < 0.01 && rlate[nseeds - 1] < 0.01 && tratio[nseeds - 1] <= 5.0)) {
        printf("\nCLAIM FAILED: the recipe's worst seed ends at %.4g (late median %.4g) in %.1fx the classic time;\n"
               "wanted every seed below 0.01 within 5x\n", rec[nseeds - 1], rlate[nseeds - 1], tratio[nseeds - 1]);
        ok = 0;
    }
    printf("\nfinal_mse %.4g is %s the torchdiffeq run's 0.029 (last quarter of training: %.3g to %.3g):\n"
           "constant-rate RMSprop on short windows never settles, and a small error in the field's\n"
           "rotation speed grows into a phase error over 25 time units.\n",
           final_mse, final_mse <= TORCH_MSE ? "at or below" : "above", nlate ? late[0] : final_mse,
           nlate ? late[nlate - 1] : final_mse);
    if (ok) printf("\nclaim holds: Euler slope %.3f in [0.9, 1.1]; the full-trajectory MSE fell %.1fx%s\n", slope,
                   mse0 / final_mse, quick ? "" : "; the recipe brings every seed below 0.01 within 5x the time");
    free(g);
    nde_optim_free(&rms);
    nde_grad_work_free(&work);
    nde_mlp_free(&net);
    printf("RESULT chapter=01 final_mse=%.6g train_seconds=%.6g nfe_per_iter=%.6g recipe_median_final_mse=%.6g "
           "recipe_max_final_mse=%.6g\n", final_mse, train_s, nfe_per_iter, rec_median, rec[nseeds - 1]);
    return ok ? 0 : 1;
}
