/* 14_cnf.c: continuous normalizing flows, densities learned from samples.

   You will learn
     - how an ODE dz/dt = f(z, t) carries a density along with its points: the
       instantaneous change of variables d log p(z(t))/dt = -tr(df/dz), integrated
       beside z as one more state, turns a Neural ODE into a density model that is
       trained by maximum likelihood;
     - what the log-likelihood's gradient needs (the trace's own derivative in z and
       theta: second-order products of the network), and that the exact trace and
       Hutchinson's estimate eps^T (df/dz) eps both go through the same solvers and
       gradient methods;
     - how to check that a learned density is one: integrate it over a grid.

   Sources
     "Neural ODEs for spirals" (the spiral report), section 3.1, eqs 5-14: the
     instantaneous change of variables; Wiberg's overview, section 4: FFJORD and
     Hutchinson's trace estimator (Grathwohl et al., "FFJORD", ICLR 2019).
     The settings of the circles follow torchdiffeq's examples/cnf.py (Chen et al.):
     512 points per batch from sklearn's make_circles(noise 0.06, factor 0.5), base
     density N(0, 0.1 I), dopri5 at rtol = atol = 1e-5, Adam. (The stored copy we
     read has defaults factor 0.001 and lr 0.1; the factor 0.5 is used.)

   What we chose (and why)
     - Flow direction: data x at t = 0, base at t = T = 1. A row is (z, l) with
       dl/dt = -tr(df/dz), l(0) = 0, so log p(x) = log N(z(1); 0, 0.1 I) - l(1)
       (nde_cnf_system, nde_cnf_nll, nde_cnf_log_density).
     - Base N(0, 0.1 I) for all three densities (torchdiffeq's), so the data are
       scaled to about [-1.2, 1.2]^2.
     - Time dependence: t is a third input of the network (NDE_INPUT_TIME), not
       torchdiffeq's hypernetwork. f = 3-32-32-2 tanh (1,250 parameters), Glorot
       init with the last layer scaled by 0.1: the flow starts near the identity,
       so the untrained density is near the base and lies inside the grid.
       Wider (64) learned no faster per iteration and cost 3x the time.
     - Adam lr 3e-2, 1e-2 for the last third (3e-2 beat 1e-2 in a 200-iteration
       trial on the circles); 300 iterations per density, to keep the chapter
       under 3 minutes of CPU; torchdiffeq's 1000 at lr 1e-3 would not fit.
     - Training set: 2048 fixed samples, minibatches of 512 drawn from it; the
       held-out NLL is on 2048 fresh samples. The "best single Gaussian" is the
       maximum-likelihood Gaussian of the training set (sample mean, covariance),
       scored on the same held-out samples.
     - dopri5 at rtol = atol = 1e-5 (torchdiffeq's setting) for every number
       reported (NLL, the grid, samples), 1e-4 in training: the steps per solve
       grow as the flow learns (moons: 3 -> 17 at 1e-5 over 500 iterations in
       a first version), and at 1e-4 a training iteration takes fewer of them.
       Backprop through the solver, exact trace (D = 2: two tangent passes).
     - Densities: "circles" (radii 1 and 0.5, angle uniform: make_circles draws
       equally spaced angles), "moons" (sklearn's two moons with noise 0.1,
       centred and scaled by 0.6), "8gauss" (eight Gaussians of sd 0.08 at radius
       1, FFJORD's toy set rescaled).

   What happened (full run; the trials below were separate runs, not repeated here)
     The moons are learned: held-out NLL 0.16 nats against the best Gaussian's
     0.91 (the true density: -0.02). The eight Gaussians partly: 0.54 against
     2.16 (true: -0.17); the flow has made the ring, the eight modes show only as
     bumps on it. The circles are not: the batch NLL drops from 2.6 to 1.55 in 50 iterations and
     stays there; the flow makes one smeared ring, the true density scores 0.76.
     In 200-300-iteration trials neither width 64, nor three hidden layers, nor
     T = 3 or 5, nor lr 1e-2 got below 1.53. The flow has to squeeze the empty
     disc inside the small ring and the gap between the rings to almost nothing
     (a large negative divergence there), and Adam had not grown the weights for
     that in this budget; torchdiffeq's example trains 1000 iterations with a
     hypernetwork. Evaluations grow with training, as FFJORD reports: moons from
     14 to 56 per forward solve, the eight Gaussians to 98, the circles stay at 20.
     At D = 2 Hutchinson saves only a tangent pass: 26 ms against 40 ms per
     gradient call (34 against 48 in another run: the machine was shared), and
     its loss noise on one batch (sd 0.018) is the size of the minibatch noise
     of the exact trace (0.014).

   Claim (exit status): every learned density integrates to 1 within 0.03 over its
   grid ([-2, 2]^2, midpoint rule), and every held-out NLL is below the best single
   Gaussian's. --quick runs a few iterations on small batches: the claim there is
   only the integral (a barely trained flow is still a density).

   Run:  make ch14          (or: make build/14_cnf && build/14_cnf)
         build/14_cnf --quick
   Figures (plots/, or build/quick/ with --quick; PNG + .dat + .gp):
     ch14_circles, ch14_moons, ch14_8gauss   target samples, learned density,
                       samples from the base pushed back through the flow, the
                       training NLL, and the samples at t = 1, 0.75, 0.5, 0.25
     ch14_nfe          evaluations per iteration during training; exact vs
                       Hutchinson: the loss of one batch over repeated draws */
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEED 14ULL
#define D 2              /* dimension of the data */
#define E (D + 1)        /* a flow row: (z, l) */
#define T_END 1.0        /* data at t = 0, base at t = T_END */
#define SIGMA2 0.1       /* base N(0, SIGMA2 I) (torchdiffeq's) */
#define HIDDEN 32
#define LR 3e-2          /* Adam, the first two thirds of training */
#define LR_LATE 1e-2     /* the last third */
#define TOL 1e-5         /* dopri5 rtol = atol of every measurement (torchdiffeq's) */
#define TOL_TRAIN 1e-4   /* and of training: fewer steps, for the CPU budget */
#define GRID_HALF 2.0    /* density grid [-2, 2]^2 */
#define NDENS 3
#define NSNAP 5          /* sample snapshots t = 1, 0.75, 0.5, 0.25, 0 */
#define NREP 20          /* repeated gradient calls of the exact/Hutchinson comparison */
#define TWO_PI 6.283185307179586

/* Sizes of one run (full or quick). */
typedef struct settings {
    int iters, batch, ntrain, ntest, grid, nsamples, nrep;
} settings;

/* What one density's run measured. */
typedef struct result {
    double nll_train, nll_test, nll_gauss, nll_true, integral, secs;
    int nfe_first, nfe_last;
} result;

static const char *dens_name[NDENS] = {"circles", "moons", "8gauss"};

static double seconds_since(clock_t c0) { return (double)(clock() - c0) / CLOCKS_PER_SEC; }

/* ---- 1. The three densities ------------------------------------------------ */

/* n points (n,D) of density k from r. */
static void sample_density(int k, nde_rng *r, int n, double *x)
{
    int i;
    for (i = 0; i < n; i++) {
        double *p = x + (size_t)i * D, a;
        if (k == 0) { /* circles: make_circles(noise 0.06, factor 0.5), half on each */
            double rad = (i % 2) ? 0.5 : 1.0;
            a = TWO_PI * nde_rng_uniform(r);
            p[0] = rad * cos(a) + 0.06 * nde_rng_normal(r);
            p[1] = rad * sin(a) + 0.06 * nde_rng_normal(r);
        } else if (k == 1) { /* moons: make_moons(noise 0.1), centred, scaled by 0.6 */
            double u, v;
            a = 0.5 * TWO_PI * nde_rng_uniform(r);
            if (i % 2) { u = cos(a); v = sin(a); }
            else { u = 1.0 - cos(a); v = 0.5 - sin(a); }
            p[0] = 0.6 * (u + 0.1 * nde_rng_normal(r) - 0.5);
            p[1] = 0.6 * (v + 0.1 * nde_rng_normal(r) - 0.25);
        } else { /* eight Gaussians, sd 0.08, centres on the unit circle */
            a = TWO_PI / 8 * (double)nde_rng_below(r, 8);
            p[0] = cos(a) + 0.08 * nde_rng_normal(r);
            p[1] = sin(a) + 0.08 * nde_rng_normal(r);
        }
    }
}

/* The true density of k at x (D), for reference: the noise kernel N(., c, s^2 I)
   averaged over the curve of centres c (angle quadrature at NQ points: spacing
   below 0.01, far under the noise sd), or the eight-Gaussian mixture. */
#define NQ 720
static double true_density(int k, const double *x)
{
    double sum = 0, s = k == 0 ? 0.06 : k == 1 ? 0.06 : 0.08, c[2];
    int n = k == 2 ? 8 : NQ, part, i;
    for (part = 0; part < 2; part++)
        for (i = 0; i < n; i++) {
            double a = (i + 0.5) / n, dx, dy;
            if (k == 0) { /* circles: radius 1 or 0.5 */
                double rad = part ? 0.5 : 1.0;
                c[0] = rad * cos(TWO_PI * a); c[1] = rad * sin(TWO_PI * a);
            } else if (k == 1) { /* moons, in the scaled coordinates */
                double u = part ? 1.0 - cos(0.5 * TWO_PI * a) : cos(0.5 * TWO_PI * a);
                double v = part ? 0.5 - sin(0.5 * TWO_PI * a) : sin(0.5 * TWO_PI * a);
                c[0] = 0.6 * (u - 0.5); c[1] = 0.6 * (v - 0.25);
            } else { /* the eight centres, counted once */
                if (part) break;
                c[0] = cos(TWO_PI * i / 8.0); c[1] = sin(TWO_PI * i / 8.0);
            }
            dx = x[0] - c[0]; dy = x[1] - c[1];
            sum += exp(-0.5 * (dx * dx + dy * dy) / (s * s)) / (TWO_PI * s * s);
        }
    return sum / (k == 2 ? 8.0 : 2.0 * NQ);
}

/* Mean -log p_true over x (m,D). */
static double true_nll(int k, int m, const double *x)
{
    double L = 0;
    int i;
    for (i = 0; i < m; i++) L -= log(true_density(k, x + (size_t)i * D)) / m;
    return L;
}

/* The maximum-likelihood Gaussian of train (n,D), its mean NLL on test (m,D). */
static double gaussian_nll(int n, const double *train, int m, const double *test)
{
    double mu[2] = {0, 0}, S[3] = {0, 0, 0}, det, L = 0; /* S = (s00, s01, s11) */
    int i;
    for (i = 0; i < n; i++) { mu[0] += train[2 * i] / n; mu[1] += train[2 * i + 1] / n; }
    for (i = 0; i < n; i++) {
        double a = train[2 * i] - mu[0], b = train[2 * i + 1] - mu[1];
        S[0] += a * a / n; S[1] += a * b / n; S[2] += b * b / n;
    }
    det = S[0] * S[2] - S[1] * S[1];
    for (i = 0; i < m; i++) { /* (x - mu)^T S^-1 (x - mu) with the 2x2 inverse */
        double a = test[2 * i] - mu[0], b = test[2 * i + 1] - mu[1];
        L += 0.5 * (S[2] * a * a - 2 * S[1] * a * b + S[0] * b * b) / det;
    }
    return L / m + log(TWO_PI) + 0.5 * log(det);
}

/* ---- 2. Model ------------------------------------------------------------------ */

static nde_options dopri5(double tol)
{
    nde_options o;
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = tol;
    return o;
}

/* f(z, t): 3-32-32-2 tanh, Glorot from seed, the last layer scaled by 0.1: the
   flow starts near the identity, so the untrained density is near the base. */
static int make_net(nde_mlp *net, unsigned long long seed, char *msg)
{
    static const int widths[4] = {D, HIDDEN, HIDDEN, D};
    const nde_layer *last;
    nde_rng r;
    long i;
    if (nde_mlp_dense(net, 4, widths, NDE_ACT_TANH, NDE_INPUT_TIME, msg)) return 1;
    nde_rng_seed(&r, seed);
    nde_mlp_init_glorot(net, &r);
    last = &net->layer[net->nlayers - 1];
    for (i = last->off; i < net->nparams; i++) net->params[i] *= 0.1;
    return 0;
}

/* Rows (x, 0) (B,E) from points x (B,D). */
static void flow_rows(int B, const double *x, double *y)
{
    int b;
    for (b = 0; b < B; b++) {
        y[b * E] = x[b * D];
        y[b * E + 1] = x[b * D + 1];
        y[b * E + 2] = 0.0;
    }
}

/* ---- 3. Training: maximum likelihood on minibatches ------------------------ */

/* Adam on the NLL of minibatches of s->batch rows from train (ntrain,D).
   Writes the batch NLL and the forward evaluations of every iteration into
   loss (iters) and nfe (iters). Returns 0, or 1 when a gradient call failed. */
static int train_flow(const nde_system *sys, nde_cnf *cnf, const settings *s, const double *train,
                      nde_rng *r, double *loss, double *nfe)
{
    nde_options o = dopri5(TOL_TRAIN);
    nde_grad_options go;
    nde_grad_work work;
    nde_grad_stats gs;
    nde_optim adam;
    nde_loss nll = {nde_cnf_nll, NULL, NULL};
    double t[2] = {0.0, T_END}, *y0 = malloc(sizeof(double) * s->batch * E);
    double *g = malloc(sizeof(double) * sys->nparams), *x = malloc(sizeof(double) * s->batch * D);
    int it, b, st = 0;
    char msg[NDE_MSG_LEN];
    nll.ctx = cnf;
    memset(&go, 0, sizeof go);
    memset(&work, 0, sizeof work);
    go.work = &work;
    if (!y0 || !g || !x || nde_optim_init(&adam, NDE_OPT_ADAM, sys->nparams, LR, msg)) return 1;
    for (it = 0; it < s->iters && !st; it++) {
        if (it == 2 * s->iters / 3) adam.lr = LR_LATE;
        for (b = 0; b < s->batch; b++) memcpy(x + b * D, train + D * nde_rng_below(r, s->ntrain), sizeof(double) * D);
        flow_rows(s->batch, x, y0);
        st = nde_grad(sys, s->batch, y0, 2, t, &o, &go, &nll, &loss[it], NULL, g, NULL, &gs);
        if (st) { printf("  iteration %d: %s: %s\n", it, nde_status_name(st), gs.msg); break; }
        nde_optim_step(&adam, sys->params, g);
        nfe[it] = (double)gs.fwd.nfe;
        if (it % (s->iters / 10 > 0 ? s->iters / 10 : 1) == 0 || it == s->iters - 1)
            printf("  iter %4d  batch NLL %8.4f  nfe %3ld fwd + %3ld vjp  (%ld steps)\n", it, loss[it], gs.fwd.nfe,
                   gs.nvjp, gs.nsteps);
    }
    nde_optim_free(&adam);
    nde_grad_work_free(&work);
    free(y0); free(g); free(x);
    return st != 0;
}

/* ---- 4. Measuring: NLL, the density on a grid, samples ------------------ */

/* Mean -log p over x (n,D), exact trace; NAN when the solve fails. */
static double mean_nll(const nde_system *sys, int n, const double *x)
{
    nde_options o = dopri5(TOL);
    nde_stats st;
    double *lp = malloc(sizeof(double) * n), L = 0;
    int i;
    if (!lp || nde_cnf_log_density(sys, n, x, T_END, &o, lp, NULL, &st)) {
        printf("  log density: %s\n", st.msg);
        free(lp);
        return NAN;
    }
    for (i = 0; i < n; i++) L -= lp[i] / n;
    free(lp);
    return L;
}

/* p (G,G) = the learned density at the centres of a G x G grid over
   [-GRID_HALF, GRID_HALF]^2 (row j at y_j, column i at x_i); returns the
   midpoint-rule integral h^2 sum p, NAN when the solve fails. */
static double grid_density(const nde_system *sys, int G, double *p)
{
    nde_options o = dopri5(TOL);
    nde_stats st;
    double h = 2 * GRID_HALF / G, *x = malloc(sizeof(double) * G * G * D), sum = 0;
    int i, j;
    if (!x) return NAN;
    for (j = 0; j < G; j++)
        for (i = 0; i < G; i++) {
            x[(j * G + i) * D] = -GRID_HALF + (i + 0.5) * h;
            x[(j * G + i) * D + 1] = -GRID_HALF + (j + 0.5) * h;
        }
    if (nde_cnf_log_density(sys, G * G, x, T_END, &o, p, NULL, &st)) {
        printf("  grid density: %s\n", st.msg);
        free(x);
        return NAN;
    }
    for (i = 0; i < G * G; i++) { p[i] = exp(p[i]); sum += p[i]; }
    free(x);
    return sum * h * h;
}

/* Samples of the model: n base points z ~ N(0, SIGMA2 I) pushed from t = 1 back
   to t = 0 through dz/dt = f(z, t) alone; snap (NSNAP,n,D) at t = 1, 0.75, ..., 0. */
static int flow_samples(nde_mlp *net, nde_rng *r, int n, double *snap)
{
    nde_system plain;
    nde_options o = dopri5(TOL);
    nde_stats st;
    double t[NSNAP];
    int i;
    nde_linspace(NSNAP, T_END, 0.0, t);
    for (i = 0; i < n * D; i++) snap[i] = sqrt(SIGMA2) * nde_rng_normal(r);
    if (nde_mlp_system(net, &plain, NULL) || nde_solve(&plain, n, snap, NSNAP, t, &o, snap, &st)) {
        printf("  sampling: %s\n", st.msg);
        return 1;
    }
    return 0;
}

/* ---- 5. Exact trace against Hutchinson's estimate -------------------------- */

/* On the trained flow: nrep gradient calls with the exact trace on nrep different
   batches (the spread of the loss from the minibatch alone), and nrep with fresh
   Rademacher probes on the first batch (the spread from the estimator alone).
   ms (2) per call, nfe (2) mean forward evaluations, sd (2), hutch (nrep) losses. */
static int compare_traces(nde_mlp *net, const settings *s, const double *train, nde_rng *r, double ms[2],
                          double nfe[2], double sd[2], double *loss_exact, double *loss_hutch)
{
    nde_options o = dopri5(TOL_TRAIN);
    nde_grad_options go;
    nde_grad_work work;
    nde_grad_stats gs;
    nde_cnf cnf;
    nde_system sys;
    nde_loss nll = {nde_cnf_nll, NULL, NULL};
    double t[2] = {0.0, T_END}, *y0 = malloc(sizeof(double) * s->batch * E), *g = malloc(sizeof(double) * net->nparams);
    double *x = malloc(sizeof(double) * s->batch * D);
    int k, rep, b;
    if (!y0 || !g || !x) return 1;
    memset(&go, 0, sizeof go);
    memset(&work, 0, sizeof work);
    go.work = &work;
    for (k = 0; k < 2; k++) {
        double *L = k ? loss_hutch : loss_exact, mean = 0, var = 0;
        clock_t c0;
        nde_cnf_system(&cnf, net, k ? NDE_TRACE_RADEMACHER : NDE_TRACE_EXACT, sqrt(SIGMA2), &sys, NULL);
        nll.ctx = &cnf;
        nfe[k] = 0;
        c0 = clock();
        for (rep = 0; rep < s->nrep; rep++) {
            if (k == 0 || rep == 0) { /* the exact trace: a new batch each time; Hutchinson: one batch */
                for (b = 0; b < s->batch; b++) memcpy(x + b * D, train + D * nde_rng_below(r, s->ntrain), sizeof(double) * D);
                flow_rows(s->batch, x, y0);
            }
            if (k) nde_cnf_draw(&cnf, r, s->batch, NULL);
            if (nde_grad(&sys, s->batch, y0, 2, t, &o, &go, &nll, &L[rep], NULL, g, NULL, &gs)) {
                printf("  trace comparison: %s\n", gs.msg);
                return 1;
            }
            nfe[k] += (double)gs.fwd.nfe / s->nrep;
        }
        ms[k] = 1e3 * seconds_since(c0) / s->nrep;
        for (rep = 0; rep < s->nrep; rep++) mean += L[rep] / s->nrep;
        for (rep = 0; rep < s->nrep; rep++) var += (L[rep] - mean) * (L[rep] - mean) / (s->nrep - 1);
        sd[k] = sqrt(var);
        nde_cnf_free(&cnf);
    }
    nde_grad_work_free(&work);
    free(y0); free(g); free(x);
    return 0;
}

/* ---- 6. Figures ------------------------------------------------------------------ */

static void square_axes(ndp_panel *p)
{
    ndp_xlim(p, -GRID_HALF, GRID_HALF);
    ndp_ylim(p, -GRID_HALF, GRID_HALF);
}

/* Target samples, learned density, model samples, training NLL; samples at 4 times. */
static int draw_density(const char *dir, int k, const settings *s, const double *test, const double *p,
                        const double *snap, const double *loss, double nll_gauss)
{
    ndp_figure *fig = ndp_figure_create(1600, 820, 2, 4, NULL);
    ndp_style dots = {NDP_BLUE, NDP_SOLID, NDP_CIRCLE, 0, 1.0}, gauss = {NDP_GREY, NDP_DASHED, NDP_CIRCLE, 0, 0};
    ndp_style train = {NDP_BLUE, NDP_SOLID, NDP_CIRCLE, 0, 0};
    char title[128], name[64], msg[NDP_MSG_LEN];
    double ref[2], it[2] = {0, (double)(s->iters - 1)};
    int n = s->nsamples < s->ntest ? s->nsamples : s->ntest, i, st;
    ndp_panel *p0 = ndp_panel_at(fig, 0, 0), *p1 = ndp_panel_at(fig, 0, 1), *p2 = ndp_panel_at(fig, 0, 2);
    ndp_panel *p3 = ndp_panel_at(fig, 0, 3);
    if (!fig) return 1;
    snprintf(title, sizeof title, "Continuous normalizing flow: %s (base N(0, 0.1 I) at t = 1, data at t = 0)", dens_name[k]);
    ndp_figure_title(fig, title);
    ndp_scatter_strided(p0, test, 2, test + 1, 2, n, NULL, &dots);
    ndp_title(p0, "target samples (held out)");
    square_axes(p0);
    ndp_heatmap(p1, p, s->grid, s->grid, -GRID_HALF, GRID_HALF, -GRID_HALF, GRID_HALF, "p(x)");
    ndp_title(p1, "learned density exp(log p)");
    ndp_scatter_strided(p2, snap + (size_t)(NSNAP - 1) * s->nsamples * D, 2,
                        snap + (size_t)(NSNAP - 1) * s->nsamples * D + 1, 2, s->nsamples, NULL, &dots);
    ndp_title(p2, "model samples (t = 0)");
    square_axes(p2);
    ndp_line(p3, NULL, loss, s->iters, "batch NLL", &train);
    ref[0] = ref[1] = nll_gauss;
    ndp_line(p3, it, ref, 2, "best Gaussian", &gauss);
    ndp_title(p3, "training");
    ndp_xlabel(p3, "iteration");
    for (i = 0; i < 4; i++) {
        ndp_panel *q = ndp_panel_at(fig, 1, i);
        const double *z = snap + (size_t)i * s->nsamples * D;
        snprintf(title, sizeof title, "samples at t = %.2f", T_END * (1.0 - 0.25 * i));
        ndp_scatter_strided(q, z, 2, z + 1, 2, s->nsamples, NULL, &dots);
        ndp_title(q, title);
        square_axes(q);
    }
    snprintf(name, sizeof name, "ch14_%s", dens_name[k]);
    st = ndp_finish(fig, dir, name, msg);
    printf("%s\n", msg);
    return st != NDP_OK;
}

/* Evaluations per iteration for the three densities; exact vs Hutchinson losses. */
static int draw_nfe(const char *dir, const settings *s, const double *nfe, const double *loss_exact,
                    const double *loss_hutch)
{
    ndp_figure *fig = ndp_figure_create(1400, 560, 1, 2, NULL);
    ndp_style ex = {NDP_BLUE, NDP_SOLID, NDP_CIRCLE, 0, 0}, hu = {NDP_VERMILION, NDP_SOLID, NDP_CROSS, 0, 0};
    char msg[NDP_MSG_LEN];
    ndp_panel *p0 = ndp_panel_at(fig, 0, 0), *p1 = ndp_panel_at(fig, 0, 1);
    int k, st;
    if (!fig) return 1;
    ndp_figure_title(fig, "Cost and noise of the trace (dopri5, rtol = atol = 1e-4 as in training, 512 rows)");
    for (k = 0; k < NDENS; k++) ndp_line(p0, NULL, nfe + (size_t)k * s->iters, s->iters, dens_name[k], NULL);
    ndp_title(p0, "forward evaluations per training iteration");
    ndp_xlabel(p0, "iteration");
    ndp_scatter(p1, NULL, loss_exact, s->nrep, "exact trace, a new batch each call", &ex);
    ndp_scatter(p1, NULL, loss_hutch, s->nrep, "Hutchinson (Rademacher), one batch, new eps", &hu);
    ndp_title(p1, "circles, trained: batch NLL of repeated calls");
    ndp_xlabel(p1, "call");
    st = ndp_finish(fig, dir, "ch14_nfe", msg);
    printf("%s\n", msg);
    return st != NDP_OK;
}

/* ---- 7. One density, start to finish ------------------------------------------ */

static int run_density(int k, const settings *s, const char *dir, nde_mlp *net, double *nfe, result *res)
{
    nde_rng r;
    nde_cnf cnf;
    nde_system sys;
    char msg[NDE_MSG_LEN];
    double *train = malloc(sizeof(double) * s->ntrain * D), *test = malloc(sizeof(double) * s->ntest * D);
    double *loss = malloc(sizeof(double) * s->iters), *p = malloc(sizeof(double) * s->grid * s->grid);
    double *snap = malloc(sizeof(double) * NSNAP * s->nsamples * D);
    clock_t c0 = clock();
    int fails = 0;
    if (!train || !test || !loss || !p || !snap) { printf("out of memory\n"); return 1; }
    nde_rng_seed(&r, SEED + (unsigned long long)k);
    sample_density(k, &r, s->ntrain, train);
    sample_density(k, &r, s->ntest, test);
    res->nll_gauss = gaussian_nll(s->ntrain, train, s->ntest, test);
    res->nll_true = true_nll(k, s->ntest, test);
    if (make_net(net, SEED, msg) || nde_cnf_system(&cnf, net, NDE_TRACE_EXACT, sqrt(SIGMA2), &sys, msg)) {
        printf("model: %s\n", msg);
        return 1;
    }
    printf("\n%s: %d training samples, %d held out; %d Adam steps (lr %g, then %g) on batches of %d\n",
           dens_name[k], s->ntrain, s->ntest, s->iters, LR, LR_LATE, s->batch);
    if (train_flow(&sys, &cnf, s, train, &r, loss, nfe)) return 1;
    res->nfe_first = (int)nfe[0];
    res->nfe_last = (int)nfe[s->iters - 1];
    res->nll_train = mean_nll(&sys, s->ntrain, train);
    res->nll_test = mean_nll(&sys, s->ntest, test);
    res->integral = grid_density(&sys, s->grid, p);
    fails += flow_samples(net, &r, s->nsamples, snap);
    res->secs = seconds_since(c0);
    printf("  NLL train %.4f  held out %.4f  best Gaussian (held out) %.4f  integral over the grid %.5f  (%.1f s CPU)\n",
           res->nll_train, res->nll_test, res->nll_gauss, res->integral, res->secs);
    if (!fails) fails += draw_density(dir, k, s, test, p, snap, loss, res->nll_gauss);
    nde_cnf_free(&cnf);
    free(train); free(test); free(loss); free(p); free(snap);
    return fails;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    const char *dir = quick ? "build/quick" : "plots";
    settings s = {300, 512, 2048, 2048, 120, 2000, NREP};
    settings q = {4, 48, 96, 96, 24, 96, 3};
    result res[NDENS];
    nde_mlp net[NDENS];
    double *nfe, loss_exact[NREP], loss_hutch[NREP], ms[2], nfe_tr[2], sd[2], worst = 0;
    int k, ok = 1, fails = 0, worst_k = 0;
    nde_rng r;
    if (quick) s = q;
    setvbuf(stdout, NULL, _IOLBF, 0); /* progress lines as they happen, also into a log */
    printf("14 Continuous normalizing flows (%s mode), seed %llu\n", quick ? "quick" : "full", SEED);
    printf("flow: dz/dt = f(z, t), f = 3-%d-%d-2 tanh with t as input; dl/dt = -tr(df/dz), exact trace;\n"
           "base N(0, %g I) at t = %g; dopri5 rtol = atol = %g in training (backprop through the\n"
           "solver), %g in every measurement\n", HIDDEN, HIDDEN, SIGMA2, T_END, TOL_TRAIN, TOL);
    nfe = malloc(sizeof(double) * NDENS * s.iters);
    if (!nfe) return 1;

    /* 1-4. Each density: data, model, training, measurements, figure. */
    for (k = 0; k < NDENS; k++) {
        fails += run_density(k, &s, dir, &net[k], nfe + (size_t)k * s.iters, &res[k]);
        if (!(fabs(res[k].integral - 1) <= worst)) { worst = fabs(res[k].integral - 1); worst_k = k; }
    }

    /* 5. Exact trace against Hutchinson's estimate, on the trained circles flow. */
    {
        double *train = malloc(sizeof(double) * s.ntrain * D);
        nde_rng_seed(&r, SEED);
        if (!train) return 1;
        sample_density(0, &r, s.ntrain, train);
        fails += compare_traces(&net[0], &s, train, &r, ms, nfe_tr, sd, loss_exact, loss_hutch);
        free(train);
    }
    printf("\nexact trace vs Hutchinson (Rademacher), trained circles flow, %d calls of nde_grad on %d rows:\n", s.nrep, s.batch);
    printf("  %-10s %12s %12s %s\n", "trace", "ms per call", "fwd nfe", "sd of the batch NLL");
    printf("  %-10s %12.1f %12.1f %.4f (over different batches: minibatch noise)\n", "exact", ms[0], nfe_tr[0], sd[0]);
    printf("  %-10s %12.1f %12.1f %.4f (one batch, new eps each call: estimator noise)\n", "hutchinson", ms[1], nfe_tr[1], sd[1]);
    printf("  in D = 2 the exact trace costs two tangent passes and Hutchinson's one (plus the same\n"
           "  forward and reverse passes): the saving FFJORD reports grows with D, here it is at most 2x\n");

    /* 6. Results table and figures. */
    printf("\n%-8s %10s %10s %12s %10s %10s %9s %9s %7s\n", "density", "NLL train", "held out", "best Gauss.",
           "true p", "integral", "nfe first", "nfe last", "CPU s");
    for (k = 0; k < NDENS; k++)
        printf("%-8s %10.4f %10.4f %12.4f %10.4f %10.5f %9d %9d %7.1f\n", dens_name[k], res[k].nll_train,
               res[k].nll_test, res[k].nll_gauss, res[k].nll_true, res[k].integral, res[k].nfe_first,
               res[k].nfe_last, res[k].secs);
    printf("NLL: mean -log p (nats); held out, best Gauss. and true p on the same %d fresh samples (true p:\n"
           "the generating density itself, the floor no model can beat on average); integral: the learned\n"
           "density over [-%g, %g]^2 on a %d x %d grid (midpoint rule); nfe: forward evaluations of the first and\n"
           "last training iteration\n", s.ntest, GRID_HALF, GRID_HALF, s.grid, s.grid);
    for (k = 0; k < NDENS; k++)
        if (res[k].nll_test - res[k].nll_true > 0.5)
            printf("%s: after %d iterations the flow is still %.2f nats above the true density: its shape is\n"
                   "only partly learned (see plots/ch14_%s.png and the note at the top of this file)\n", dens_name[k],
                   s.iters, res[k].nll_test - res[k].nll_true, dens_name[k]);
    fails += draw_nfe(dir, &s, nfe, loss_exact, loss_hutch);

    /* The claim. */
    for (k = 0; k < NDENS; k++) {
        if (!(fabs(res[k].integral - 1) <= 0.03)) {
            printf("claim fails: the %s density integrates to %.5f over the grid\n", dens_name[k], res[k].integral);
            ok = 0;
        }
        if (!quick && !(res[k].nll_test < res[k].nll_gauss)) {
            printf("claim fails: %s held-out NLL %.4f is not below the best Gaussian's %.4f\n", dens_name[k],
                   res[k].nll_test, res[k].nll_gauss);
            ok = 0;
        }
    }
    if (fails) { printf("%d step(s) failed (see above)\n", fails); ok = 0; }
    printf("claim %s\n", ok ? "holds" : "does not hold");
    for (k = 0; k < NDENS; k++) nde_mlp_free(&net[k]);
    free(nfe);
    printf("RESULT chapter=14 nll_train_circles=%.6g nll_test_circles=%.6g nll_gauss_circles=%.6g "
           "nll_train_moons=%.6g nll_test_moons=%.6g nll_gauss_moons=%.6g "
           "nll_train_8gauss=%.6g nll_test_8gauss=%.6g nll_gauss_8gauss=%.6g "
           "density_integral=%.6g trace_exact_ms=%.4g trace_hutch_ms=%.4g\n",
           res[0].nll_train, res[0].nll_test, res[0].nll_gauss, res[1].nll_train, res[1].nll_test, res[1].nll_gauss,
           res[2].nll_train, res[2].nll_test, res[2].nll_gauss, res[worst_k].integral, ms[0], ms[1]);
    return ok ? 0 : 1;
}
