/* Chapter 04: Lotka-Volterra from noisy observations

   You will learn
     - to fit a Neural ODE to one trajectory whose every observation carries Gaussian noise,
       starting the model from the clean initial state;
     - to tell two errors apart: against the data (what the loss sees) and against the truth
       (what we care about), and to compare the second with the noise level sigma^2;
     - to measure whether training has converged before believing a figure: the report's
       300 updates leave this model on a plateau; 3000 updates do not.

   Source: "An Implementation of Neural Ordinary Differential Equations" (Arrieta), section
   3.3 (the Lotka-Volterra eqs (3.3)-(3.4) of section 3.2), Figs 5 and 6; loss eq (2.2).
     dx/dt = alpha x - beta x y,   dy/dt = delta x y - gamma y,
     (alpha, beta, delta, gamma) = (2/3, 4/3, 1, 1), (x0, y0) = (1, 1),
     41 observations t = 0, 0.25, ..., 10, each (also t = 0) plus noise N(0, sigma^2), sigma = 0.1.
     Model: du/dt = W2 tanh(W1 u + b1) + b2, 2-64-2 (as in 3.2), Glorot init, started from the
     clean u0 = (1, 1) as the report's code does; Adam lr 1e-2.

   Where the report is ambiguous, what this chapter chose:
     - "N(mu = 0, sigma = 0.1)": sigma is the standard deviation (its code adds 0.1*randn), so
       the noise variance is 0.01.
     - Training length: the report's code (examples/lotka_volterra_noisy) makes 300 Adam
       updates. Measured here, 300 updates leave the network on the usual early plateau (it
       fits a damped average of the cycle; Fig (a)): mse_vs_truth is about 9 sigma^2, and 1.5
       to 13 sigma^2 for seeds 4-8. The report's figure shows a converged fit, so its run was
       longer or started elsewhere (its script saves and reloads the network between
       interactive cells; the starting state is unknown). We therefore train 3000 updates
       (the count the report's code used for
       section 3.2, there at lr 1e-3) at the same lr, measure the model after 300 too,
       and print both. Adam at a constant lr 1e-2 has occasional loss spikes, so we keep the
       parameters of the lowest TRAINING loss (nde_train's keep_best; the truth is never used to choose).
     - Loss scale: eq (2.2) sums ||.||^2 over the 2 components; nde_loss_mse takes the mean.
       Every MSE here is the per-component mean, the quantity to compare with sigma^2.
     - The report gives no numbers for this example (figures only); the table says so.
     - The truth is integrated by Tsit5 at rtol 1e-10, atol 1e-12. The model uses Tsit5 at
       rtol 1e-6, atol 1e-8 (the report ran OrdinaryDiffEq's defaults in single precision).
       Gradients by the interpolating adjoint, the report's own "method (A)" (store the forward
       solution, interpolate it backwards). Backprop through the solver (NDE_GRAD_BACKPROP)
       is about 3x faster on this problem and, when we tried it, kept the claim (mse_vs_truth
       2.5e-3 for sigma = 0.1): the choice is fidelity to the report, not necessity.
     - The sigma table reuses one set of standard normal draws z (41 x 2) for every sigma
       (data = truth + sigma z) and one initialisation, so the rows differ only in sigma.
     - mse_vs_truth and mse_vs_data are measured at the 41 observation times; the realised
       noise MSE (data against truth) is printed beside sigma^2.
     What the table shows: after 3000 updates mse_vs_truth is about 2.5e-3 for every sigma;
     it is the network's own fitting error, not the noise, so it beats sigma^2 only for
     sigma >= about 0.05.

   Claim (exit status): for sigma = 0.1, mse_vs_truth < sigma^2: the fitted model is closer to
     the truth than the noisy observations are. In --quick mode (40 updates, snapshot after
     20) the claim is only that the training loss decreased.

   Run:  make ch04      or  build/04_lv_noise --quick
   Figures: plots/ch04_fit.png (report Fig 5: after 300 updates and after 3000),
     plots/ch04_extrapolation.png (report Fig 6), plots/ch04_sigma.png (the sigma table),
     each with .dat/.gp; under build/quick/ with --quick.
*/
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"

#define SEED 4           /* one seed for the noise draws and the initialisation */
#define D 2              /* state (x, y): prey, predator */
#define NOBS 41          /* t = 0, 0.25, ..., 10 */
#define NFIT 201         /* plotting grid on [0, 10] */
#define NEXT 1001        /* grid on [0, 50] */
#define NSIGMA 6
#define REPORT_UPDATES 300   /* the report's code: "for _ in 1:300" */

static const double ALPHA = 2.0 / 3.0, BETA = 4.0 / 3.0, DELTA = 1.0, GAMMA = 1.0;

/* ---------------------------------------------------------------------- */
/* The true system                                                         */
/* ---------------------------------------------------------------------- */

/* dydt (B,D) = Lotka-Volterra field of y (B,D), eqs (3.3)-(3.4). No parameters to train,
   so only f is given (nde_solve needs nothing else). */
static int lotka_volterra(void *ctx, double t, int B, const double *y, const double *theta, double *dydt)
{
    int b;
    (void)ctx; (void)t; (void)theta;
    for (b = 0; b < B; b++) {
        double x = y[b * D], p = y[b * D + 1];
        dydt[b * D] = ALPHA * x - BETA * x * p;
        dydt[b * D + 1] = DELTA * x * p - GAMMA * p;
    }
    return 0;
}

/* Solve sys from y0 (D) through the N times t into y (N,D); report failures. */
static int solve(const nde_system *sys, const double *y0, int N, const double *t, const nde_options *opt, double *y)
{
    nde_stats st;
    int s = nde_solve(sys, 1, y0, N, t, opt, y, &st);
    if (s != NDE_OK) fprintf(stderr, "ch04: solve to t = %g failed: %s: %s\n", t[N - 1], nde_status_name(s), st.msg);
    return s;
}

/* ---------------------------------------------------------------------- */
/* One training run                                                        */
/* ---------------------------------------------------------------------- */

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("  %s\n", line);
}

/* Glorot weights from seed into net, and a fresh Adam (lr 1e-2) over them. */
static int restart(nde_mlp *net, unsigned long long seed, nde_optim *adam, char *msg)
{
    nde_rng rng;
    nde_rng_seed(&rng, seed);
    nde_mlp_init_glorot(net, &rng);
    return nde_optim_init(adam, NDE_OPT_ADAM, net->nparams, 1e-2, msg);
}

/* Reinitialise net from seed and train it by nde_train for iters Adam updates (lr 1e-2) on
   the observations data (NOBS,D) at t_obs, the model started from u0 (D), in two stages:
   snap_at updates, after which the parameters are copied into snap (P), then the rest.
   hist (iters) gets the loss of every update (that of the parameters before the step).
   One best-loss tracker spans both stages: net ends with the parameters of the lowest
   training loss, and *best_iter says how many updates they had. Returns NDE_OK or a status. */
static int train(nde_mlp *net, const nde_system *sys, unsigned long long seed, const double *u0,
                 const double *t_obs, const double *data, int iters, int every, int snap_at,
                 double *snap, double *hist, long *best_iter)
{
    nde_options opt;
    nde_grad_options gopt;
    nde_target target = {NULL, NULL};
    nde_loss loss = {nde_loss_mse, NULL, NULL};
    nde_optim adam;
    nde_progress pr;
    nde_early_stop best;
    nde_train_options to;
    nde_train_stats ts;
    int s;
    memset(&opt, 0, sizeof opt);
    opt.method = NDE_TSIT5;
    opt.rtol = 1e-6;
    opt.atol = 1e-8;
    memset(&gopt, 0, sizeof gopt);
    gopt.method = NDE_GRAD_INTERP;
    target.y = data;
    loss.ctx = &target;
    nde_progress_init(&pr, every, print_line, NULL);
    memset(&to, 0, sizeof to);
    to.progress = &pr;
    to.best = &best;
    s = restart(net, seed, &adam, ts.msg);
    if (s == NDE_OK) s = nde_early_init(&best, net->nparams, iters + 1, ts.msg);
    if (s != NDE_OK) {
        fprintf(stderr, "ch04: %s\n", ts.msg);
        nde_optim_free(&adam);
        return s;
    }
    to.iters = snap_at;
    to.loss_history = hist;
    s = nde_train(sys, 1, u0, NOBS, t_obs, &opt, &gopt, &loss, &adam, &to, &ts);
    if (s == NDE_OK) {
        memcpy(snap, net->params, sizeof(double) * net->nparams);
        to.iters = iters - snap_at;
        to.iter0 = snap_at;
        to.keep_best = 1;
        to.loss_history = hist + snap_at;
        s = nde_train(sys, 1, u0, NOBS, t_obs, &opt, &gopt, &loss, &adam, &to, &ts);
    }
    *best_iter = best.best_iter;
    if (s != NDE_OK) fprintf(stderr, "ch04: %s\n", ts.msg);
    nde_early_free(&best);
    nde_optim_free(&adam);
    return s;
}

/* ---------------------------------------------------------------------- */
/* Figures                                                                 */
/* ---------------------------------------------------------------------- */

/* Truth (solid), model (dashed) over the N times t, and the noisy observations (markers). */
static void draw_fit(ndp_panel *p, int N, const double *t, const double *truth, const double *model,
                     const double *t_obs, const double *data)
{
    ndp_style truth_st[2] = {{NDP_BLUE, NDP_SOLID, 0, 0, 0}, {NDP_VERMILION, NDP_SOLID, 0, 0, 0}};
    ndp_style model_st[2] = {{NDP_BLUE, NDP_DASHED, 0, 3.0, 0}, {NDP_VERMILION, NDP_DASHED, 0, 3.0, 0}};
    ndp_style obs_st[2] = {{NDP_BLUE, 0, NDP_CIRCLE, 0, 0}, {NDP_VERMILION, 0, NDP_SQUARE, 0, 0}};
    const char *lt[2] = {"truth prey x", "truth predator y"};
    const char *lm[2] = {"Neural ODE x", "Neural ODE y"};
    const char *lo[2] = {"noisy observations x", "noisy observations y"};
    int d;
    for (d = 0; d < D; d++) {
        ndp_line_strided(p, t, 1, truth + d, D, N, lt[d], &truth_st[d]);
        ndp_line_strided(p, t, 1, model + d, D, N, lm[d], &model_st[d]);
        ndp_scatter_strided(p, t_obs, 1, data + d, D, NOBS, lo[d], &obs_st[d]);
    }
    ndp_xlabel(p, "time t");
    ndp_ylabel(p, "population");
}

/* ---------------------------------------------------------------------- */
/* The story                                                               */
/* ---------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    static const double sigmas[NSIGMA] = {0.01, 0.02, 0.04, 0.06, 0.08, 0.1};
    int quick = 0, args = ch_args_quick(argc, argv, &quick); /* --quick only; else usage, status 2 */
    int iters = quick ? 40 : 3000, snap_at = quick ? 20 : REPORT_UPDATES, every = quick ? 20 : 900;
    const char *dir = quick ? "build/quick" : "plots";
    static double t_obs[NOBS], t_fit[NFIT], t_ext[NEXT];
    static double truth[NOBS * D], z[NOBS * D], data[NOBS * D], model[NOBS * D];   /* (NOBS,D) */
    static double fit_t[NFIT * D], fit_m[NFIT * D], fit_s[NFIT * D];               /* (NFIT,D) */
    static double ext_t[NEXT * D], ext_m[NEXT * D];                                /* (NEXT,D) */
    static double tab_s2[NSIGMA], tab_noise[NSIGMA], tab_snap[NSIGMA], tab_truth[NSIGMA], tab_data[NSIGMA];
    static long tab_best[NSIGMA];
    double u0[D] = {1.0, 1.0}, *hist = NULL, *snap = NULL;
    double sigma = sigmas[NSIGMA - 1], mse_truth, mse_data, fit_mse, ext_mse;
    int widths[3] = {2, 64, 2};
    char msg[NDE_MSG_LEN];
    nde_system lv, sys, sys_snap;
    nde_options tight, opt;
    nde_rng rng;
    nde_mlp net;
    int i, k, ok = 1;

    if (args >= 0) return args;

    printf("Chapter 04: Lotka-Volterra with noisy observations (the Julia report, section 3.3)%s\n",
           quick ? "  [--quick]" : "");
    printf("seed %d; %d observations on [0, 10]; 2-64-2 tanh; Adam lr 1e-2, %d updates per sigma\n"
           "(measured also after %d updates, the report's setting)\n\n", SEED, NOBS, iters, snap_at);

    /* 1. Data: the true trajectory at t = 0, 0.25, ..., 10 and one set of draws z ~ N(0, I);
          the observations for noise level sigma are truth + sigma z. */
    memset(&lv, 0, sizeof lv);
    lv.dim = D;
    lv.f = lotka_volterra;
    memset(&tight, 0, sizeof tight);
    tight.method = NDE_TSIT5;
    tight.rtol = 1e-10;
    tight.atol = 1e-12;
    nde_linspace(NOBS, 0.0, 10.0, t_obs);
    nde_linspace(NFIT, 0.0, 10.0, t_fit);
    nde_linspace(NEXT, 0.0, 50.0, t_ext);
    if (solve(&lv, u0, NOBS, t_obs, &tight, truth) || solve(&lv, u0, NFIT, t_fit, &tight, fit_t) ||
        solve(&lv, u0, NEXT, t_ext, &tight, ext_t)) return 1;
    nde_rng_seed(&rng, SEED);
    for (i = 0; i < NOBS * D; i++) z[i] = nde_rng_normal(&rng);

    /* 2. Model: du/dt = net(u), the same initialisation (seed SEED + 1) for every sigma.
          sys_snap is the same system evaluated at the snapshot parameters. */
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, 0, msg) || nde_mlp_system(&net, &sys, msg)) {
        fprintf(stderr, "ch04: %s\n", msg);
        return 1;
    }
    memset(&opt, 0, sizeof opt);
    opt.method = NDE_TSIT5;
    opt.rtol = 1e-6;
    opt.atol = 1e-8;
    hist = (double *)malloc(sizeof(double) * iters);
    snap = (double *)malloc(sizeof(double) * net.nparams);
    if (!hist || !snap) { fprintf(stderr, "ch04: out of memory\n"); return 1; }
    sys_snap = sys;
    sys_snap.params = snap;

    /* 3. Train one model per sigma, the report's sigma = 0.1 last (its model is kept for the
          figures), and 4. measure each at the 41 observation times. */
    for (k = 0; k < NSIGMA; k++) {
        double s = sigmas[k];
        for (i = 0; i < NOBS * D; i++) data[i] = truth[i] + s * z[i];
        printf("sigma = %g\n", s);
        if (train(&net, &sys, SEED + 1, u0, t_obs, data, iters, every, snap_at, snap, hist, &tab_best[k])) return 1;
        if (solve(&sys_snap, u0, NOBS, t_obs, &opt, model)) return 1;
        tab_snap[k] = nde_mse(NOBS * D, model, truth);
        if (solve(&sys, u0, NOBS, t_obs, &opt, model)) return 1;
        tab_s2[k] = s * s;
        tab_truth[k] = nde_mse(NOBS * D, model, truth);
        tab_data[k] = nde_mse(NOBS * D, model, data);
        tab_noise[k] = nde_mse(NOBS * D, data, truth);
    }
    mse_truth = tab_truth[NSIGMA - 1];
    mse_data = tab_data[NSIGMA - 1];
    if (solve(&sys, u0, NFIT, t_fit, &opt, fit_m) || solve(&sys_snap, u0, NFIT, t_fit, &opt, fit_s) ||
        solve(&sys, u0, NEXT, t_ext, &opt, ext_m)) return 1;
    fit_mse = nde_mse(NFIT * D, fit_m, fit_t);
    ext_mse = nde_mse((NEXT - NEXT / 5) * D, ext_m + (NEXT / 5) * D, ext_t + (NEXT / 5) * D);  /* t in [10, 50] */

    printf("\nMSE per component at the 41 observation times (the report gives no numbers for 3.3):\n");
    printf("%6s %8s %10s %14s %14s %12s %12s %14s\n", "sigma", "sigma^2", "noise MSE", "vs truth @snap",
           "mse_vs_truth", "mse_vs_data", "kept update", "truth/sigma^2");
    for (k = 0; k < NSIGMA; k++)
        printf("%6g %8.2g %10.4g %14.4g %14.4g %12.4g %12ld %14.3f\n", sigmas[k], tab_s2[k], tab_noise[k],
               tab_snap[k], tab_truth[k], tab_data[k], tab_best[k], tab_truth[k] / tab_s2[k]);
    printf("(@snap: after %d updates; the other columns: the parameters of the lowest training loss in %d updates)\n",
           snap_at, iters);
    printf("\n%-46s %12s   %s\n", "quantity (sigma = 0.1)", "measured", "the report");
    snprintf(msg, sizeof msg, "mse_vs_truth after %d updates", snap_at);
    printf("%-46s %12.6g   %s\n", msg, tab_snap[NSIGMA - 1], "\"follows closely\" (Fig 5)");
    printf("%-46s %12.6g   %s\n", "mse_vs_truth (kept parameters)", mse_truth, "\"follows closely\" (Fig 5)");
    printf("%-46s %12.6g   %s\n", "mse_vs_data (kept parameters)", mse_data, "not given");
    printf("%-46s %12.6g   %s\n", "noise MSE, data vs truth (expected sigma^2)", tab_noise[NSIGMA - 1], "sigma^2 = 0.01");
    printf("%-46s %12.6g   %s\n", "MSE vs truth on [0, 10], 201 points", fit_mse, "-");
    printf("%-46s %12.6g   %s\n", "MSE vs truth on [10, 50] (extrapolation)", ext_mse,
           "\"replicates its periodic behavior\" (Fig 6)");
    printf("%-46s %12.6g   %s\n", "training loss at the first update", hist[0], "-");
    printf("%-46s %12.6g   %s\n\n", "training loss at the last update", hist[iters - 1], "-");

    /* 5. Draw. */
    {
        ndp_figure *fig = ndp_figure_create(1300, 1000, 2, 1, msg);
        ndp_panel *p;
        char title[128];
        if (!fig) { fprintf(stderr, "ch04: %s\n", msg); return 1; }
        ndp_figure_title(fig, "Chapter 04: Lotka-Volterra, observations with noise sigma = 0.1 (report Fig 5)");
        p = ndp_panel_at(fig, 0, 0);
        draw_fit(p, NFIT, t_fit, fit_t, fit_s, t_obs, data);
        snprintf(title, sizeof title, "(a) after %d Adam updates (the report's setting)", snap_at);
        ndp_title(p, title);
        ndp_legend(p, NDP_LEGEND_OUTSIDE);
        p = ndp_panel_at(fig, 1, 0);
        draw_fit(p, NFIT, t_fit, fit_t, fit_m, t_obs, data);
        snprintf(title, sizeof title, "(b) lowest training loss in %d updates (update %ld)", iters, tab_best[NSIGMA - 1]);
        ndp_title(p, title);
        ndp_legend(p, NDP_LEGEND_OUTSIDE);
        if (ndp_finish(fig, dir, "ch04_fit", msg)) ok = 0;
        printf("%s\n", msg);
    }
    {
        ndp_figure *fig = ndp_figure_create(1400, 600, 1, 1, msg);
        ndp_panel *p;
        if (!fig) { fprintf(stderr, "ch04: %s\n", msg); return 1; }
        ndp_figure_title(fig, "Chapter 04: forward extrapolation to t = 50 (report Fig 6)");
        p = ndp_panel_at(fig, 0, 0);
        draw_fit(p, NEXT, t_ext, ext_t, ext_m, t_obs, data);
        ndp_title(p, "trained on [0, 10] only (the model of Fig 5 (b))");
        ndp_legend(p, NDP_LEGEND_OUTSIDE);
        if (ndp_finish(fig, dir, "ch04_extrapolation", msg)) ok = 0;
        printf("%s\n", msg);
    }
    {
        ndp_figure *fig = ndp_figure_create(1000, 620, 1, 1, msg);
        ndp_style grey = {NDP_GREY, NDP_DASHED, 0, 3.0, 0}, blue = {NDP_BLUE, NDP_SOLID, 0, 0, 0};
        ndp_style red = {NDP_VERMILION, NDP_SOLID, 0, 0, 0}, green = {NDP_GREEN, NDP_SOLID, 0, 0, 0};
        ndp_style black = {NDP_BLACK, NDP_SOLID, 0, 3.0, 0}, dots = {NDP_BLACK, 0, NDP_CIRCLE, 0, 5.0};
        ndp_panel *p;
        char label[64];
        if (!fig) { fprintf(stderr, "ch04: %s\n", msg); return 1; }
        ndp_figure_title(fig, "Chapter 04: error of the fit against the noise level");
        p = ndp_panel_at(fig, 0, 0);
        snprintf(label, sizeof label, "mse_vs_truth after %d updates", snap_at);
        ndp_line(p, sigmas, tab_snap, NSIGMA, label, &red);
        ndp_line(p, sigmas, tab_data, NSIGMA, "mse_vs_data (kept parameters)", &green);
        ndp_line(p, sigmas, tab_noise, NSIGMA, "noise MSE (data vs truth)", &blue);
        ndp_line(p, sigmas, tab_s2, NSIGMA, "sigma^2 (the claim's bound)", &grey);
        ndp_line(p, sigmas, tab_truth, NSIGMA, "mse_vs_truth (kept parameters)", &black);
        ndp_scatter(p, sigmas, tab_truth, NSIGMA, NULL, &dots);
        ndp_log(p, 1, 1);
        ndp_title(p, "one model per sigma: same draws z, same initialisation");
        ndp_xlabel(p, "noise standard deviation sigma");
        ndp_ylabel(p, "MSE per component at the 41 times");
        ndp_legend(p, NDP_LEGEND_OUTSIDE);
        if (ndp_finish(fig, dir, "ch04_sigma", msg)) ok = 0;
        printf("%s\n", msg);
    }

    /* The claim. */
    if (tab_snap[NSIGMA - 1] >= sigma * sigma)
        printf("note: after %d updates mse_vs_truth = %g is not below sigma^2 = %g\n", snap_at, tab_snap[NSIGMA - 1],
               sigma * sigma);
    if (quick) {
        if (!(hist[iters - 1] < hist[0])) { printf("claim failed: the loss did not decrease\n"); ok = 0; }
        else printf("claim holds (--quick): the loss decreased from %g to %g\n", hist[0], hist[iters - 1]);
    } else if (!(mse_truth < sigma * sigma)) {
        printf("claim failed: mse_vs_truth = %g is not below sigma^2 = %g\n", mse_truth, sigma * sigma);
        ok = 0;
    } else {
        printf("claim holds: mse_vs_truth = %g < sigma^2 = %g (the fit is closer to the truth than the data)\n",
               mse_truth, sigma * sigma);
    }
    nde_mlp_free(&net);
    free(hist);
    free(snap);
    printf("RESULT chapter=04 sigma=%.6g mse_vs_truth=%.6g mse_vs_data=%.6g\n", sigma, mse_truth, mse_data);
    return ok ? 0 : 1;
}
