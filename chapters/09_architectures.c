/* 09_architectures.c: architecture study on the cubic spiral.

   You will learn
     - how to count a Neural ODE's parameters layer by layer, and that the
       document's counts (33,666; 162; 4,482; 9,794) follow from its layers;
     - how the document's training recipe is put together from the library
       (Adam with L2 weight decay, global-norm clipping, reduce-on-plateau,
       time-weighted MSE, windows of 20 or 40 points, keep the best model);
     - how to read an architecture table when each entry is one training run:
       the same configuration trained from three seeds spreads as much as many
       of the differences the table is built on;
     - what the numbers of §5.5 and §6.1 are when measured: iterations to a
       loss of 0.05, extrapolation error as a multiple of the training error,
       parameter memory (the document counts 4 bytes, float32, per
       parameter), training time, and the §2.2 Lipschitz bound (the product
       of the layers' spectral norms, by power iteration) beside the drift.

   Sources
     "Neural ODEs: A Comprehensive Tutorial on Parameter-Efficient
     Continuous-Depth Models" (2025), §5: the cubic spiral dy/dt = (y^3) A,
     A = [[-0.1, 2], [-2, -0.1]], y0 = [2, 0], t in [0, 25], 1000 points;
     §5.2 (eqs 31-34) the dense baseline 128 x 4 with 33,666 parameters, Adam
     lr 5e-4, weight decay 1e-5, batch 32, sequence length 20, 3000 iterations,
     "test loss 0.024051 (MSE)"; §5.3 and Table 1 (1000 iterations): Compact-
     32-L2 162 parameters 0.498, Compact-64-L3 4,482 0.335, Compact-96-L3 9,794
     0.428, Residual-64 4,482 0.295, TimeAware-64 5,538 0.602, Residual-64
     (Extended, 3000 iterations) 0.035; §5.4: sequence length 40, time-weighted
     loss w(t) = 1 + t/T (eq 25), weight decay 1e-5, clipping 1.0,
     ReduceLROnPlateau with patience 5; dopri5 rtol 1e-5 atol 1e-7 (§4.2); §5.5
     extrapolation to [0, 35]; Table 2, the ablation of the full model; §5.5
     "reaching test loss 0.05 at iteration 1500 versus 2100", memory "17.9KB
     versus 134.7KB"; §6.1 and Fig 5, extrapolation error "0.18x the training
     error" (baseline 1.4x); §2.2, the Lipschitz constant "bounded by the
     product of the weight matrix norms across layers".

   What the documents leave open, and what we chose
     - "Test loss" is not defined; it is the mean squared error of the model's
       trajectory from y0 against the data at the 1000 points (the only data
       there is: the "test" trajectory is the training trajectory). The drift
       ratio ("late-time error / early-time error") is the RMS error over the
       last third of [0, 25] divided by that over the first third.
     - How often the plateau scheduler and the best-model tracker look, and
       at what: every 50 iterations (our "epoch"); the scheduler at the summed
       training loss of those 50 iterations (factor 0.5, patience 5), the
       tracker at a validation loss, the trajectory's MSE at every 10th
       point. (In an earlier version of this chapter, not kept as an option,
       the scheduler stepped on that validation loss cut the rate early and
       often: the full-trajectory error sits near 0.3 for hundreds of
       iterations before the late spiral is learned, and the full model ended
       near 0.3 in every configuration that had the scheduler.)
     - Time weights w = 1 + t/T: t is the position inside each window (the
       windows all start at time 0 of their own), T the window's span.
     - TimeAware-64 as eqs 21-22 write it: f = NN([y^3; phi(t)]), phi(t) =
       tanh(W_t t + b_t) in R^16, NN 18-64-64-2: 5,538 parameters, the
       document's count (chapters/timeaware.h). The time it embeds is the
       time on the trajectory, but a batch of windows taken from different
       places shares one time grid (0 to 0.475), so each row carries its
       own clock as a third state component, dtau/dt = 1, started at its
       window's start time; the loss sees (y1, y2) only (nde_augment). The
       test solve from y0 runs the clock from 0 to 25 (35 when
       extrapolating): every time it sees was in some training window up to
       25, none beyond. Eq 22 feeds raw t (not t/T) to tanh, and with Glorot
       weights most of the 16 components saturate within a few time units:
       ch09_embedding shows how little of the clock is left by t = 25.
     - Compact-32-L2: the text says "each with 3 layers", but 162 parameters
       are two linear layers (2-32-2); three would be 1,218. We use two.
     - "Residual-64 (Extended)": §5.3.2 says only "extended training for 3000
       iterations", §5.4.2 credits its 0.035 / 0.13 to longer windows plus time
       weights; we take it to be the full §5.4 recipe, Table 2's first row.
     - Table 2's "without residual connection" row (0.335, 0.75) is Table 1's
       Compact-64-L3 row, a 1000-iteration run of the baseline recipe: the
       document's "857%" compares it with the 3000-iteration full model. Our
       row trains the dense network with the full recipe for 3000 iterations.
     - "Reaching test loss 0.05 at iteration N": our first validation look
       (every 50 iterations) at or below 0.05. "Extrapolation error x times
       the training error": the MAE over (25, 35] divided by the MAE over
       [0, 25], one solve from y0. Training time: CPU seconds of the
       training iterations (validation looks excluded); wall time on a
       shared machine would measure the other users.
     - Evaluation (test, validation, extrapolation) integrates at rtol 1e-7,
       atol 1e-9. A training run that fails (a blown-up solve) is recorded as
       diverged (test loss infinite) and the chapter goes on.
     - "Adam ... weight decay 1e-5" is read as PyTorch's Adam: L2 added to the
       gradient. Gradients by backprop through dopri5 (the document uses the
       adjoint; both give the gradient to the tolerance, chapter 08).
     - Initialisation: Glorot uniform weights, zero biases (PyTorch's default
       differs in detail). One seed per run, as in the document, plus the
       full model from three seeds to show how far one run is from another.
     - The document contradicts itself: §5.3.2 calls the move from 0.024
       (baseline) to 0.035 (Residual-64 extended) "a 45% improvement" (it is
       46% worse), and Fig. 2, §6.1 and §7 repeat it; the abstract says the
       residual model "outperforms" the baseline.

   Claim (exit status, also in --quick mode)
     The parameter counts of the baseline and the five architectures of
     Table 1 equal the document's, and every trained model's test loss is
     below its untrained one.

   Run
     make ch09                          (full: 15 trainings, 2.5 CPU minutes: about 1.3 on two cores; plots/)
     build/09_architectures --quick     (a few iterations per model; build/quick/)

   Figures (PNG + gnuplot .dat/.gp)
     ch09_architectures.png  the tutorial's Figs 2 and 8: test loss against
                             parameter count for every model of Table 1 and
                             the full model (its "Residual-64 (Extended)"),
                             ours and the document's, each with its Pareto
                             front; the baseline's kept best beside its last
                             iterate; and the validation curves with the
                             baseline's best and last looks marked
     ch09_ablation.png       Table 2: test loss and drift ratio of the full
                             model with one component removed at a time, ours
                             beside the document's, with the seed spread
     ch09_extrapolation.png  Fig 3: phase portraits of the truth, the full
                             model and the baseline from y0, over [0, 25] and
                             [0, 35]
     ch09_timeseries.png     Fig 4: y1 and y2 against t over [0, 25], and over
                             [0, 35] with the training region shaded
     ch09_error.png          Fig 5: their error |y_model(t) - y(t)| against t
                             over [0, 35], log scale, both regions shaded
     ch09_embedding.png      TimeAware-64's learned clock phi(t) (eq 22): its
                             16 components against t, and how fast they still
                             move, over [0, 35] with the training region shaded
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
#include "timeaware.h"
#ifdef _OPENMP
#include <omp.h>
#endif

#define D 2
#define N_DATA 1000          /* points on [0, 25] */
#define N_EXT 1400           /* the same spacing on [0, 35] */
#define T_END 25.0
#define BATCH 32
#define VAL_EVERY 50         /* iterations between validation looks */
#define VAL_STRIDE 10        /* validation: every 10th point of the trajectory */
#define SEED 9
#define MAXCURVE 64          /* validation points kept per run */

/* ===================================================================== */
/* 1. The models and the recipes                                          */
/* ===================================================================== */

enum arch { DENSE, RESIDUAL, TIMEAWARE };

typedef struct config {
    const char *name;
    int arch, hidden, layers;  /* DENSE: `layers` linear layers of width `hidden` (tanh between) */
    int iters, seq;            /* iterations; window length in points */
    int time_weights, wd, clip, plateau;
    double doc_loss, doc_drift; /* the document's numbers (-1: none given) */
    int doc_params;
    double doc_seconds;         /* Table 1's training time, seconds (-1: none given) */
} config;

/* Table 1 of the document (1000 iterations, the baseline recipe: windows of
   20, no time weights, Adam 5e-4, weight decay 1e-5), the baseline (§5.2,
   3000 iterations), and the full model (§5.4: windows of 40, time weights,
   weight decay, clipping, plateau; 3000 iterations) with Table 2's ablations. */
static const config table1[] = {
    {"Dense-128x4 (baseline, 3000 it)", DENSE, 128, 4, 3000, 20, 0, 1, 0, 0, 0.024051, -1, 33666, -1},
    {"Compact-32-L2", DENSE, 32, 2, 1000, 20, 0, 1, 0, 0, 0.498, 0.59, 162, 279},
    {"Compact-64-L3", DENSE, 64, 3, 1000, 20, 0, 1, 0, 0, 0.335, 0.75, 4482, 512},
    {"Compact-96-L3", DENSE, 96, 3, 1000, 20, 0, 1, 0, 0, 0.428, 0.78, 9794, 615},
    {"Residual-64", RESIDUAL, 64, 3, 1000, 20, 0, 1, 0, 0, 0.295, 1.25, 4482, 510},
    {"TimeAware-64 (eqs 21-22)", TIMEAWARE, 64, 3, 1000, 20, 0, 1, 0, 0, 0.602, 2.05, 5538, 656},
};
#define N1 (int)(sizeof table1 / sizeof table1[0])

static const config table2[] = {
    {"Full model (Residual-64, extended)", RESIDUAL, 64, 3, 3000, 40, 1, 1, 1, 1, 0.035, 0.13, 4482, 1391},
    {"without residual connection", DENSE, 64, 3, 3000, 40, 1, 1, 1, 1, 0.335, 0.75, 4482, -1},
    {"without time-weighted loss", RESIDUAL, 64, 3, 3000, 40, 0, 1, 1, 1, 0.089, 0.48, 4482, -1},
    {"without longer sequences", RESIDUAL, 64, 3, 3000, 20, 1, 1, 1, 1, 0.156, 1.08, 4482, -1},
    {"without weight decay", RESIDUAL, 64, 3, 3000, 40, 1, 0, 1, 1, 0.071, 0.23, 4482, -1},
    {"without gradient clipping", RESIDUAL, 64, 3, 3000, 40, 1, 1, 0, 1, 0.098, 0.31, 4482, -1},
    {"without LR scheduling", RESIDUAL, 64, 3, 3000, 40, 1, 1, 1, 0, 0.052, 0.16, 4482, -1},
};
#define N2 (int)(sizeof table2 / sizeof table2[0])
#define NSEEDS 3 /* the full model from this many seeds */

/* A model under training: its dynamics, its parameters and the network whose
   layers the Lipschitz bound reads. TimeAware-64 (chapters/timeaware.h) is the
   network 18-64-64-2 behind a learned time embedding, with a clock per row as a
   third state component; the others are chains of layers (nde_mlp_system). */
typedef struct model {
    nde_mlp m;           /* DENSE, RESIDUAL */
    ta_model ta;         /* TIMEAWARE (ta.sys.ctx points here: a model is never copied) */
    nde_system sys;      /* dim D, or D + 1 with the clock */
    double *theta;       /* (P) what the optimizer updates */
    long P;
    const nde_mlp *net;  /* m or ta.net */
} model;

/* Build the model of a configuration (cube input as in eqs 31-34). */
static int build(model *md, const config *c, nde_rng *rng, char *msg)
{
    nde_mlp *m = &md->m;
    int st, l;
    memset(md, 0, sizeof *md);
    if (c->arch == TIMEAWARE) {
        st = ta_build(&md->ta, c->hidden, rng, msg);
        if (st) return st;
        md->sys = md->ta.sys;
        md->theta = md->ta.theta;
        md->P = md->ta.P;
        md->net = &md->ta.net;
        return NDE_OK;
    }
    st = nde_mlp_init(m, D, NDE_INPUT_CUBE, msg);
    if (!st) st = nde_mlp_add_linear(m, c->hidden, msg);
    if (!st) st = nde_mlp_add_act(m, NDE_ACT_TANH, msg);
    if (c->arch == RESIDUAL) { /* linear 64, tanh, residual(tanh) 64, linear 2: the tutorial's eqs 18-20 */
        if (!st) st = nde_mlp_add_residual(m, NDE_ACT_TANH, msg);
    } else {
        for (l = 2; l < c->layers && !st; l++) {
            st = nde_mlp_add_linear(m, c->hidden, msg);
            if (!st) st = nde_mlp_add_act(m, NDE_ACT_TANH, msg);
        }
    }
    if (!st) st = nde_mlp_add_linear(m, D, msg);
    if (!st) st = nde_mlp_build(m, msg);
    if (!st) st = nde_mlp_system(m, &md->sys, msg);
    if (st) return st;
    nde_mlp_init_glorot(m, rng);
    md->theta = m->params;
    md->P = m->nparams;
    md->net = m;
    return NDE_OK;
}

static void model_free(model *md)
{
    nde_mlp_free(&md->m);
    ta_free(&md->ta);
}

/* ===================================================================== */
/* 2. Data and measures                                                   */
/* ===================================================================== */

static int cubic_f(void *ctx, double t, int B, const double *y, const double *th, double *dydt)
{
    int b;
    (void)ctx; (void)t; (void)th;
    for (b = 0; b < B; b++) { /* dy/dt = (y^3) A as a row vector times A */
        double u = y[2 * b] * y[2 * b] * y[2 * b], v = y[2 * b + 1] * y[2 * b + 1] * y[2 * b + 1];
        dydt[2 * b] = -0.1 * u - 2.0 * v;
        dydt[2 * b + 1] = 2.0 * u - 0.1 * v;
    }
    return 0;
}

typedef struct measure {
    double test, drift, ext_mae; /* MSE on [0, 25]; late/early RMS; MAE on [0, 35] */
    double ext_ratio;            /* MAE on (25, 35] / MAE on [0, 25] (§5.5, §6.1: "0.18x the training error") */
} measure;

/* The model from y0 over the first n data times (a clock, if the model has one,
   starts at t[0]); yp (n,D); unreached rows stay NaN. */
static int trajectory(const nde_system *s, const double *t, const double *y0, int n, double *yp)
{
    double ya[N_EXT * (D + 1)], y0a[D + 1];
    nde_options o;
    nde_stats st;
    int i, status, clock = s->dim == D + 1;
    memset(&o, 0, sizeof o);
    o.rtol = 1e-7;
    o.atol = 1e-9;
    y0a[0] = y0[0];
    y0a[1] = y0[1];
    y0a[D] = t[0];
    status = nde_solve(s, 1, clock ? y0a : y0, n, t, &o, clock ? ya : yp, &st);
    for (i = 0; clock && i < st.n_out; i++) memcpy(yp + D * i, ya + (D + 1) * i, sizeof(double) * D);
    if (status) for (i = st.n_out * D; i < n * D; i++) yp[i] = NAN; /* a blow-up: no value, not a stale one */
    return status;
}

/* One solve from y0 to t = 35 (t_ext (N_EXT), truth y_ext (N_EXT,D)): its
   first N_DATA rows are the data times on [0, 25]. yp (N_EXT,D) scratch. */
static measure measure_model(const nde_system *s, const double *t_ext, const double *y_ext, double *yp)
{
    measure r;
    double ae = 0.0, ae_train = 0.0;
    int i, third = N_DATA / 3, late = (N_DATA - third) * D;
    trajectory(s, t_ext, y_ext, N_EXT, yp);
    r.test = nde_mse(N_DATA * D, yp, y_ext);
    r.drift = sqrt(nde_mse(third * D, yp + late, y_ext + late) / nde_mse(third * D, yp, y_ext));
    for (i = 0; i < N_EXT * D; i++) {
        ae += fabs(yp[i] - y_ext[i]);
        if (i == N_DATA * D - 1) ae_train = ae;
    }
    r.ext_mae = ae / (N_EXT * D);
    r.ext_ratio = (ae - ae_train) / ((N_EXT - N_DATA) * D) / (ae_train / (N_DATA * D));
    if (!isfinite(r.test)) r.test = HUGE_VAL;
    return r;
}

/* ===================================================================== */
/* 3. One training run                                                    */
/* ===================================================================== */

typedef struct run {
    long params;
    measure before, after, last; /* untrained; the kept (best validated) model; the last iterate */
    double ms_per_iter, nfe_per_iter;
    double lipschitz;    /* product of the layers' Lipschitz constants, the kept model (§2.2) */
    int nval, best_iter, lr_cuts;
    int first_05;        /* first validation look with MSE <= 0.05 (0: never) */
    double val_it[MAXCURVE], val[MAXCURVE];
    double emb[2 * TA_E];  /* TimeAware: W_t then b_t of the kept model */
} run;

typedef struct data {
    double t[N_DATA], y[N_DATA * D], tv[N_DATA / VAL_STRIDE], yv[N_DATA / VAL_STRIDE * D];
    double t_ext[N_EXT], y_ext[N_EXT * D];
} data;

static double validation(const nde_system *s, const data *d)
{
    double yp[N_DATA / VAL_STRIDE * D];
    if (trajectory(s, d->tv, d->y, N_DATA / VAL_STRIDE, yp) != NDE_OK) return HUGE_VAL;
    return nde_mse(N_DATA / VAL_STRIDE * D, yp, d->yv);
}

/* Largest singular value of W (rows, cols) by power iteration on W^T W
   from a fixed start; v (cols), u (rows) scratch. */
static double spectral_norm(int rows, int cols, const double *W, double *v, double *u)
{
    double s = 0.0, nv;
    int it, j;
    for (j = 0; j < cols; j++) v[j] = 1.0 + 0.01 * j; /* not orthogonal to the top singular vector, generically */
    for (it = 0; it < 200; it++) {
        nde_gemv(rows, cols, 1.0, W, v, 0.0, u);   /* u = W v */
        nde_gemv_t(rows, cols, 1.0, W, u, 0.0, v); /* v = W^T u */
        nv = nde_norm2(cols, v);
        if (nv == 0.0) return 0.0;
        for (j = 0; j < cols; j++) v[j] /= nv;
        s = sqrt(nv); /* ||W^T W v_prev|| -> sigma^2 */
    }
    return s;
}

/* The tutorial's §2.2 bound on the network's Lipschitz constant in its
   input: the product over layers of ||W||_2 (linear), 1 (tanh) and
   1 + ||W||_2 (residual x + tanh(W x + b)), the weights read from theta
   (the network's part first). TimeAware: the bound in the whole input
   [y^3, phi(t)], so also one in y^3. */
static double lipschitz_bound(const nde_mlp *m, const double *theta)
{
    double v[256], u[256], L = 1.0;
    int l;
    for (l = 0; l < m->nlayers; l++) {
        const nde_layer *y = &m->layer[l];
        if (y->kind == NDE_LAYER_LINEAR) L *= spectral_norm(y->out, y->in, theta + y->off, v, u);
        if (y->kind == NDE_LAYER_RESIDUAL) L *= 1.0 + spectral_norm(y->out, y->in, theta + y->off, v, u);
    }
    return L;
}

/* Seconds for a training's time: the CPU time of the process (clock) when
   trainings run one after the other; wall time when they run side by side
   (OpenMP with more than one thread), where clock() would add up every
   thread. side_by_side is set once in main, before the trainings start. */
static int side_by_side;

static double seconds_now(void)
{
#ifdef _OPENMP
    if (side_by_side) return omp_get_wtime();
#endif
    return (double)clock() / CLOCKS_PER_SEC;
}

/* Train configuration c from a seed; r receives the measures, ext (N_EXT,D) the best model's
   trajectory over [0, 35] (may be NULL). */
static int train(const config *c, unsigned long long seed, int iters, const data *d, run *r, double *ext, char *msg)
{
    double yp[N_EXT * D], tb[40], y0b[BATCH * D], y0a[BATCH * (D + 1)], yb[40 * BATCH * D], w[40], *g = NULL, L = 0.0;
    double block_loss = 0.0;
    int s[BATCH], it, b, status;
    long nfe = 0;
    double c0, cval = 0.0;
    model md;
    nde_augment aug; /* TimeAware: the loss on (y1, y2), the clock column appended */
    nde_rng rng;
    nde_optim opt;
    nde_plateau plat;
    nde_early_stop best;
    nde_options o;
    nde_grad_options go;
    nde_grad_work work;
    nde_grad_stats gs;
    nde_target tg = {yb, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    memset(r, 0, sizeof *r);
    memset(&aug, 0, sizeof aug);
    nde_rng_seed(&rng, seed);
    status = build(&md, c, &rng, msg);
    if (status) { model_free(&md); return status; }
    r->params = md.P;
    r->before = measure_model(&md.sys, d->t_ext, d->y_ext, yp);
    g = (double *)malloc(sizeof(double) * (size_t)md.P);
    status = g ? nde_optim_init(&opt, NDE_OPT_ADAM, md.P, 5e-4, msg) : NDE_ERR_NOMEM;
    if (!status) status = nde_early_init(&best, md.P, iters, msg);
    if (!status) status = nde_augment_init(&aug, &md.sys, D, &loss, msg);
    if (status) { free(g); model_free(&md); return status; }
    opt.weight_decay = c->wd ? 1e-5 : 0.0;
    nde_plateau_init(&plat, 0.5, 5, NULL);
    memset(&o, 0, sizeof o);
    o.rtol = 1e-5;
    o.atol = 1e-7;
    memset(&go, 0, sizeof go);
    memset(&work, 0, sizeof work);
    go.work = &work;
    c0 = seconds_now();
    for (it = 1; it <= iters && !status; it++) {
        status = nde_sample_windows(&rng, N_DATA, D, d->t, d->y, c->seq, BATCH, s, tb, y0b, yb, msg);
        if (status) break;
        if (c->time_weights) nde_time_weights(c->seq, tb, 1.0, w); /* w = 1 + t/T inside the window */
        tg.w = c->time_weights ? w : NULL;
        nde_augment_pad(&aug, BATCH, y0b, y0a); /* p = 0 (no clock): y0a = y0b */
        for (b = 0; b < BATCH && aug.p; b++) y0a[b * (D + 1) + D] = d->t[s[b]]; /* each row's clock: its start */
        status = nde_grad(&md.sys, BATCH, y0a, c->seq, tb, &o, &go, &aug.loss, &L, NULL, g, NULL, &gs);
        if (status) { snprintf(msg, NDE_MSG_LEN, "iteration %d: %.200s", it, gs.msg); break; }
        nfe += gs.fwd.nfe + gs.nvjp;
        block_loss += L;
        if (c->clip) nde_clip_grad_norm(md.P, g, 1.0);
        nde_optim_step(&opt, md.theta, g);
        if (it % VAL_EVERY == 0 || it == iters) { /* validation: plateau scheduler and best model */
            double v0 = seconds_now();
            double v = validation(&md.sys, d);
            if (c->plateau) r->lr_cuts += nde_plateau_step(&plat, &opt, block_loss); /* an "epoch" of 50 */
            block_loss = 0.0;
            nde_early_update(&best, v, md.theta);
            if (v <= 0.05 && !r->first_05) r->first_05 = it;
            if (r->nval < MAXCURVE) {
                r->val_it[r->nval] = it;
                r->val[r->nval++] = v;
            }
            cval += seconds_now() - v0; /* not training time */
        }
    }
    r->ms_per_iter = 1e3 * (seconds_now() - c0 - cval) / iters;
    r->nfe_per_iter = (double)nfe / iters;
    r->best_iter = best.best_iter >= 0 && best.best_iter < r->nval ? (int)r->val_it[best.best_iter] : 0;
    if (!status) {
        r->last = measure_model(&md.sys, d->t_ext, d->y_ext, yp);
        nde_early_restore(&best, md.theta); /* the document: "save the best model rather than final" */
        r->after = measure_model(&md.sys, d->t_ext, d->y_ext, yp);
        r->lipschitz = lipschitz_bound(md.net, md.theta);
        if (c->arch == TIMEAWARE) memcpy(r->emb, md.theta + md.ta.net.nparams, sizeof r->emb);
        if (ext) memcpy(ext, yp, sizeof(double) * N_EXT * D); /* measure_model's last trajectory */
    }
    nde_early_free(&best);
    nde_optim_free(&opt);
    nde_grad_work_free(&work);
    nde_augment_free(&aug);
    free(g);
    model_free(&md);
    return status;
}

/* ===================================================================== */
/* 4. Figures                                                             */
/* ===================================================================== */

/* The Pareto front of n points (x, y): those no other point beats in both (fewer or as
   many parameters and a lower loss), by increasing x, into px, py; returns how many. */
static int pareto(int n, const double *x, const double *y, double *px, double *py)
{
    int i, j, k = 0, idx[16];
    double best = HUGE_VAL;
    for (i = 0; i < n; i++) idx[i] = i;
    for (i = 1; i < n; i++) /* insertion sort by x, then y */
        for (j = i; j > 0 && (x[idx[j]] < x[idx[j - 1]] || (x[idx[j]] == x[idx[j - 1]] && y[idx[j]] < y[idx[j - 1]])); j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    for (i = 0; i < n; i++)
        if (y[idx[i]] < best) {
            best = y[idx[i]];
            px[k] = x[idx[i]];
            py[k++] = best;
        }
    return k;
}

/* The tutorial's Figs 2 and 8 (test loss against parameters, Pareto front dashed) with
   ours beside it, and the validation curves. */
static void draw_architectures(const char *dir, const run *r1, const run *r2, const run *full, int nseeds)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 700, 1, 2, msg);
    ndp_panel *p;
    double ox[N1 + 1], oy[N1 + 1], dx[N1 + 1], dy[N1 + 1], fx[N1 + 1], fy[N1 + 1];
    ndp_style front_ours = {NDP_GREY, NDP_SOLID, 0, 2.0, 0}, front_doc = {NDP_GREY, NDP_DASHED, 0, 2.0, 0};
    ndp_style last = {NDP_BLUE, 0, NDP_TRIANGLE, 0, 7.0};
    int k, nf;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Architecture search on the cubic spiral: circles ours, crosses the document's Tables 1-2");
    p = ndp_panel_at(fig, 0, 0);
    for (k = 0; k <= N1; k++) { /* Table 1, then the full model: Table 2's first row, the "Residual-64 (Extended)" */
        const config *c = k < N1 ? &table1[k] : &table2[0];
        const run *r = k < N1 ? &r1[k] : &r2[0];
        ndp_style ours = {NDP_BLUE + k, 0, NDP_CIRCLE, 0, 7.0}, doc = {NDP_BLUE + k, 0, NDP_CROSS, 0, 7.0};
        ox[k] = (double)r->params;
        oy[k] = r->after.test;
        dx[k] = c->doc_params;
        dy[k] = c->doc_loss;
        ndp_scatter(p, &ox[k], &oy[k], 1, k < N1 ? c->name : "Residual-64 (Extended) = full model", &ours);
        ndp_scatter(p, &dx[k], &dy[k], 1, NULL, &doc);
    }
    ndp_scatter(p, &ox[0], &r1[0].last.test, 1, "baseline's last iterate (not the kept best)", &last);
    nf = pareto(N1 + 1, ox, oy, fx, fy);
    ndp_line(p, fx, fy, nf, "Pareto front, ours", &front_ours);
    nf = pareto(N1 + 1, dx, dy, fx, fy);
    ndp_line(p, fx, fy, nf, "Pareto front, the document's", &front_doc);
    ndp_log(p, 1, 1);
    ndp_title(p, "test loss (full-trajectory MSE) against parameters");
    ndp_xlabel(p, "parameters");
    ndp_ylabel(p, "test MSE");
    ndp_legend(p, NDP_LEGEND_OUTSIDE);
    p = ndp_panel_at(fig, 0, 1);
    {
        ndp_style sb = {NDP_BLUE, NDP_SOLID, 0, 3.0, 0}, best = {NDP_BLUE, 0, NDP_CIRCLE, 0, 7.0};
        ndp_style lastm = {NDP_BLUE, 0, NDP_TRIANGLE, 0, 7.0};
        const run *b = &r1[0];
        int i, ib = 0;
        for (i = 1; i < b->nval; i++) ib = b->val[i] < b->val[ib] ? i : ib;
        ndp_line(p, b->val_it, b->val, b->nval, "baseline Dense-128x4 (3000 iterations)", &sb);
        if (b->nval > 0) {
            ndp_scatter(p, &b->val_it[ib], &b->val[ib], 1, "its best look: the model kept", &best);
            ndp_scatter(p, &b->val_it[b->nval - 1], &b->val[b->nval - 1], 1, "its last look", &lastm);
        }
    }
    for (k = 0; k < nseeds; k++) {
        ndp_style sf = {k == 0 ? NDP_GREEN : k == 1 ? NDP_ORANGE : NDP_PURPLE, k ? NDP_DASHED : NDP_SOLID, 0,
                        k ? 2.0 : 3.0, 0};
        char lab[64];
        snprintf(lab, sizeof lab, "full model, seed %d", SEED + k);
        ndp_line(p, full[k].val_it, full[k].val, full[k].nval, lab, &sf);
    }
    ndp_log(p, 0, 1);
    ndp_title(p, "validation MSE (every 10th point) during training");
    ndp_xlabel(p, "iteration");
    ndp_ylabel(p, "MSE");
    ndp_legend(p, NDP_LEGEND_OUTSIDE);
    ndp_finish(fig, dir, "ch09_architectures", msg);
    printf("   %s\n", msg);
}

static void draw_ablation(const char *dir, const run *r2, const run *full, int nseeds)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 640, 1, 2, msg);
    int k, q;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Table 2, one component removed at a time: circles ours, crosses the document, dots other seeds");
    for (q = 0; q < 2; q++) {
        ndp_panel *p = ndp_panel_at(fig, 0, q);
        for (k = 0; k < N2; k++) {
            ndp_style ours = {NDP_BLUE + k, 0, NDP_CIRCLE, 0, 7.0}, doc = {NDP_BLUE + k, 0, NDP_CROSS, 0, 7.0};
            double x = k + 1, y = q ? r2[k].after.drift : r2[k].after.test;
            double yd = q ? table2[k].doc_drift : table2[k].doc_loss;
            char label[NDP_TEXT_LEN];   /* numbered as on the x axis: no colour needed to decode */
            snprintf(label, sizeof label, "%d = %s", k + 1, table2[k].name);
            ndp_scatter(p, &x, &y, 1, q ? NULL : label, &ours);
            ndp_scatter(p, &x, &yd, 1, NULL, &doc);
        }
        for (k = 1; k < nseeds; k++) {
            ndp_style dot = {NDP_BLUE, 0, NDP_CIRCLE, 0, 3.0};
            double x = 1, y = q ? full[k].after.drift : full[k].after.test;
            ndp_scatter(p, &x, &y, 1, NULL, &dot);
        }
        ndp_log(p, 0, 1);
        ndp_xlim(p, 0.5, N2 + 0.5);
        if (!q) ndp_ylim(p, 3e-3, 5.0); /* room above the points for the legend */
        ndp_title(p, q ? "drift ratio: RMS error last third / first third" : "test loss (full-trajectory MSE)");
        ndp_xlabel(p, "configuration (numbered as in the legend)");
        ndp_ylabel(p, q ? "drift ratio" : "test MSE");
        if (!q) ndp_legend(p, NDP_LEGEND_TOP_RIGHT);
    }
    ndp_finish(fig, dir, "ch09_ablation", msg);
    printf("   %s\n", msg);
}

/* The tutorial's Fig 3: phase portraits of the truth and the models from y0 over the
   training range [0, 25] and the extrapolation range [0, 35]. */
static void draw_extrapolation(const char *dir, const data *d, const double *yb, const double *yf)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 700, 1, 2, msg);
    ndp_style st = {NDP_BLUE, NDP_SOLID, 0, 3.0, 0}, sf = {NDP_VERMILION, NDP_DASHED, 0, 2.5, 0};
    ndp_style sb = {NDP_GREEN, NDP_DOTTED, 0, 2.0, 0};
    int q;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Phase portraits (the tutorial's Fig 3): truth against the models, solved once from y0 = (2, 0)");
    for (q = 0; q < 2; q++) {
        ndp_panel *p = ndp_panel_at(fig, 0, q);
        int n = q ? N_EXT : N_DATA;
        ndp_line_strided(p, d->y_ext, D, d->y_ext + 1, D, n, "truth", &st);
        ndp_line_strided(p, yf, D, yf + 1, D, n, "full model (Residual-64, extended)", &sf);
        ndp_line_strided(p, yb, D, yb + 1, D, n, "baseline Dense-128x4 (best checkpoint)", &sb);
        ndp_title(p, q ? "extrapolation range, t in [0, 35]" : "training range, t in [0, 25]");
        ndp_xlabel(p, "y1");
        ndp_ylabel(p, "y2");
        ndp_legend(p, NDP_LEGEND_TOP_LEFT);
    }
    ndp_finish(fig, dir, "ch09_extrapolation", msg);
    printf("   %s\n", msg);
}

/* The tutorial's Fig 4: y1 and y2 against t, over [0, 25] (top) and [0, 35] with the
   training region shaded (bottom). */
static void draw_timeseries(const char *dir, const data *d, const double *yb, const double *yf)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 1000, 2, 2, msg);
    ndp_style st = {NDP_BLUE, NDP_SOLID, 0, 3.0, 0}, sf = {NDP_VERMILION, NDP_DASHED, 0, 2.5, 0};
    ndp_style sb = {NDP_GREEN, NDP_DOTTED, 0, 2.0, 0}, band = {NDP_GREEN, 0, 0, 0, 0};
    char title[NDP_TEXT_LEN];
    int q, c;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Time series (the tutorial's Fig 4): top the training range, bottom the extrapolation range");
    for (q = 0; q < 2; q++)
        for (c = 0; c < D; c++) {
            ndp_panel *p = ndp_panel_at(fig, q, c);
            int n = q ? N_EXT : N_DATA;
            if (q) ndp_span(p, 0.0, T_END, "training region", &band);
            ndp_line_strided(p, d->t_ext, 1, d->y_ext + c, D, n, "truth", &st);
            ndp_line_strided(p, d->t_ext, 1, yf + c, D, n, "full model", &sf);
            ndp_line_strided(p, d->t_ext, 1, yb + c, D, n, "baseline (best checkpoint)", &sb);
            snprintf(title, sizeof title, "y%d(t), t in [0, %.0f]", c + 1, q ? d->t_ext[N_EXT - 1] : T_END);
            ndp_title(p, title);
            ndp_xlabel(p, "t");
            ndp_ylabel(p, c ? "y2" : "y1");
            ndp_legend(p, NDP_LEGEND_OUTSIDE);
        }
    ndp_finish(fig, dir, "ch09_timeseries", msg);
    printf("   %s\n", msg);
}

/* TimeAware-64's learned clock phi(t) = tanh(W_t t + b_t) (eq 22) over [0, 35]
   (N_EXT times t_ext): its 16 components (left), and how fast the whole
   embedding still moves, max_k |dphi_k/dt| = max_k |W_t,k| (1 - phi_k^2)
   (right), and what the two show in numbers. */
static void draw_embedding(const char *dir, const data *d, const run *ta)
{
    static double phi[TA_E][N_EXT], speed[N_EXT];
    const double *Wt = ta->emb, *bt = ta->emb + TA_E;
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 650, 1, 2, msg);
    ndp_style band = {NDP_GREEN, 0, 0, 0, 0}, sp = {NDP_VERMILION, NDP_SOLID, 0, 2.5, 0};
    ndp_style sk = {NDP_BLUE, NDP_SOLID, 0, 1.8, 0}; /* one colour: the point is how many saturate */
    double v_end;
    int i, k, sat = 0;
    for (i = 0; i < N_EXT; i++) {
        speed[i] = 0.0;
        for (k = 0; k < TA_E; k++) {
            phi[k][i] = tanh(Wt[k] * d->t_ext[i] + bt[k]);
            speed[i] = fmax(speed[i], fabs(Wt[k]) * (1.0 - phi[k][i] * phi[k][i]));
        }
    }
    for (k = 0; k < TA_E; k++) sat += fabs(phi[k][N_DATA - 1]) > 0.99; /* t_ext[N_DATA - 1] = T_END */
    v_end = speed[N_DATA - 1];
    printf("   TimeAware-64's clock (ch09_embedding): at t = %.0f, %d of its %d components are within 0.01 of +-1,\n",
           T_END, sat, TA_E);
    if (v_end > 0.0)
        printf("   and the embedding moves %.0fx slower than at t = 0 (max_k |dphi_k/dt| %.2g against %.2g): eq 22\n"
               "   feeds raw t to tanh, so late times look alike to the network\n", speed[0] / v_end, v_end, speed[0]);
    else
        printf("   and the embedding no longer moves at all (every component is +-1 or flat in double precision)\n");
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "TimeAware-64's time embedding phi(t) = tanh(W_t t + b_t) (eq 22), the kept model");
    {
        ndp_panel *p = ndp_panel_at(fig, 0, 0);
        ndp_span(p, 0.0, T_END, "training region", &band);
        for (k = 0; k < TA_E; k++)
            ndp_line(p, d->t_ext, phi[k], N_EXT, k == 0 ? "phi_k(t), k = 1..16" : NULL, &sk);
        ndp_xlim(p, 0.0, d->t_ext[N_EXT - 1]);
        ndp_title(p, "the 16 components");
        ndp_xlabel(p, "t");
        ndp_ylabel(p, "phi_k(t)");
        ndp_legend(p, NDP_LEGEND_OUTSIDE);
    }
    {
        ndp_panel *p = ndp_panel_at(fig, 0, 1);
        ndp_span(p, 0.0, T_END, "training region", &band);
        ndp_line(p, d->t_ext, speed, N_EXT, "max_k |d phi_k / dt|", &sp);
        for (i = 0; i < N_EXT && speed[i] > 0.0; i++) continue;
        if (i == N_EXT) ndp_log(p, 0, 1); /* a clock frozen in double precision (speed 0) stays linear */
        ndp_xlim(p, 0.0, d->t_ext[N_EXT - 1]);
        ndp_title(p, "how fast the clock the network sees still moves");
        ndp_xlabel(p, "t");
        ndp_ylabel(p, "max_k |W_t,k| (1 - phi_k^2)");
        ndp_legend(p, NDP_LEGEND_OUTSIDE);
    }
    ndp_finish(fig, dir, "ch09_embedding", msg);
    printf("   %s\n", msg);
}

/* The document's Fig 5: the error |y_model(t) - y(t)| against t over [0, 35]. */
static void draw_error(const char *dir, const data *d, const double *yb, const double *yf)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 640, 1, 1, msg);
    ndp_panel *p;
    static double eb[N_EXT], ef[N_EXT];
    ndp_style sb = {NDP_BLUE, NDP_SOLID, 0, 2.0, 0}, sf = {NDP_VERMILION, NDP_SOLID, 0, 2.0, 0};
    ndp_style train_band = {NDP_GREEN, 0, 0, 0, 0}, ext_band = {NDP_ORANGE, 0, 0, 0, 0};
    double vy[2] = {HUGE_VAL, 0.0};
    int i;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    for (i = 0; i < N_EXT; i++) {
        eb[i] = hypot(yb[D * i] - d->y_ext[D * i], yb[D * i + 1] - d->y_ext[D * i + 1]);
        ef[i] = hypot(yf[D * i] - d->y_ext[D * i], yf[D * i + 1] - d->y_ext[D * i + 1]);
    }
    for (i = 1; i < N_EXT; i++) { /* the y range: the errors after t = 0 (0 there), a factor 2 around */
        vy[0] = fmin(vy[0], fmin(eb[i] > 0 ? eb[i] : HUGE_VAL, ef[i] > 0 ? ef[i] : HUGE_VAL));
        vy[1] = fmax(vy[1], fmax(eb[i], ef[i]));
    }
    vy[0] = vy[0] < HUGE_VAL ? 0.5 * vy[0] : 1e-5;
    vy[1] = vy[1] > 0.0 ? 2.0 * vy[1] : 10.0;
    for (i = 1; i < N_EXT; i++) { /* an error of exactly 0 sits on the floor of the log axis */
        eb[i] = fmax(eb[i], vy[0]);
        ef[i] = fmax(ef[i], vy[0]);
    }
    ndp_figure_title(fig, "Prediction error against t (the tutorial's Fig 5): trained on [0, 25], extrapolated to 35");
    p = ndp_panel_at(fig, 0, 0);
    ndp_span(p, 0.0, T_END, "training region", &train_band);
    ndp_span(p, T_END, d->t_ext[N_EXT - 1], "extrapolation region", &ext_band);
    ndp_line(p, d->t_ext + 1, eb + 1, N_EXT - 1, "baseline Dense-128x4 (best checkpoint)", &sb); /* 0 at t = 0 */
    ndp_line(p, d->t_ext + 1, ef + 1, N_EXT - 1, "full model (Residual-64)", &sf);
    ndp_log(p, 0, 1);
    ndp_ylim(p, vy[0], vy[1]);
    ndp_title(p, "|y_model(t) - y(t)| (Euclidean), the model solved once from y0");
    ndp_xlabel(p, "t");
    ndp_ylabel(p, "error");
    ndp_legend(p, NDP_LEGEND_BOTTOM_RIGHT);
    ndp_finish(fig, dir, "ch09_error", msg);
    printf("   %s\n", msg);
}

/* ===================================================================== */
/* main                                                                   */
/* ===================================================================== */

static void print_row(const char *name, const run *r, const config *c)
{
    printf("   %-36s %6ld %5d %10.4g %8.3g %7.3g %9.4g %9.4g %6.2f %6.0f  %7.3g %5.3g\n", name, r->params, c->iters,
           r->after.test, r->nval ? r->val[r->nval - 1] : NAN, r->after.drift, r->after.ext_mae, r->before.test,
           r->ms_per_iter, r->nfe_per_iter, c->doc_loss, c->doc_drift);
}

static void print_header(const char *first)
{
    printf("   %-36s %6s %5s %10s %8s %7s %9s %9s %6s %6s  %7s %5s\n", first, "params", "iters", "test MSE",
           "last val", "drift", "MAE 0-35", "untrained", "ms/it", "nfe/it", "doc MSE", "drift");
}

static int iters_of(const config *c, int quick) { return quick ? 10 : c->iters; }

/* The lowest validation MSE of a run. */
static double best_val(const run *r)
{
    double b = HUGE_VAL;
    int i;
    for (i = 0; i < r->nval; i++) b = fmin(b, r->val[i]);
    return b;
}

/* "iteration N" of a run's first look at or below 0.05, or "never"; into buf (64). */
static const char *first_05_text(const run *r, char *buf)
{
    if (r->first_05) snprintf(buf, 64, "iteration %d", r->first_05);
    else snprintf(buf, 64, "never (best %.3g)", best_val(r));
    return buf;
}

/* Wall-clock seconds (whole seconds without OpenMP: time()). */
static double wall_now(void)
{
#ifdef _OPENMP
    return omp_get_wtime();
#else
    return (double)time(NULL);
#endif
}

/* Threads the trainings run on (1 without OpenMP). */
static int threads_used(void)
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

/* One training to run: a configuration, a seed, where its measures and its
   trajectory over [0, 35] (may be NULL) go; its status and message after. */
typedef struct job {
    const config *cfg;
    unsigned long long seed;
    run *r;
    double *ext;
    int status;
    char msg[NDE_MSG_LEN];
} job;

static void job_set(job *j, const config *cfg, unsigned long long seed, run *r, double *ext)
{
    j->cfg = cfg;
    j->seed = seed;
    j->r = r;
    j->ext = ext;
    j->status = 0;
    j->msg[0] = 0;
}

/* A run that failed: said, and recorded as diverged (no test loss). */
static void diverged(const char *name, run *r, const char *msg)
{
    printf("   %s: diverged: %s\n", name, msg);
    r->after.test = r->after.drift = r->after.ext_mae = HUGE_VAL;
}

int main(int argc, char **argv)
{
    int quick = 0, args = ch_args_quick(argc, argv, &quick); /* --quick only; else usage, status 2 */
    const char *dir = quick ? "build/quick" : "plots";
    static data d;
    static run r1[N1], r2[N2], full[NSEEDS];
    static double yb[N_EXT * D], yf[N_EXT * D];
    char msg[NDE_MSG_LEN];
    nde_system truth;
    nde_options o;
    double y0[D] = {2.0, 0.0}, lo, hi;
    static job jobs[N1 + N2 + NSEEDS];
    int order[N1 + N2 + NSEEDS];
    int i, k, inside, ok = 1, counts_ok = 1, trained_ok = 1, nseeds = quick ? 1 : NSEEDS, nj = 0;
    clock_t c_all = clock();
    double w_all = wall_now();

    if (args >= 0) return args;

    printf("Chapter 09: architecture study on the cubic spiral (%s mode)\n", quick ? "quick" : "full");
    printf("seed %d (full model also %d, %d); figures under %s/\n\n", SEED, SEED + 1, SEED + 2, dir);

    /* 1. The data: the cubic spiral, 1000 points on [0, 25], and its continuation to 35. */
    memset(&truth, 0, sizeof truth);
    truth.dim = D;
    truth.f = cubic_f;
    memset(&o, 0, sizeof o);
    o.rtol = 1e-10;
    o.atol = 1e-12;
    for (i = 0; i < N_EXT; i++) d.t_ext[i] = T_END * i / (N_DATA - 1);
    if (nde_solve(&truth, 1, y0, N_EXT, d.t_ext, &o, d.y_ext, NULL) != NDE_OK) return 1;
    memcpy(d.t, d.t_ext, sizeof d.t);
    memcpy(d.y, d.y_ext, sizeof d.y);
    for (i = 0; i < N_DATA / VAL_STRIDE; i++) {
        d.tv[i] = d.t[i * VAL_STRIDE];
        d.yv[2 * i] = d.y[2 * i * VAL_STRIDE];
        d.yv[2 * i + 1] = d.y[2 * i * VAL_STRIDE + 1];
    }
    printf("1. the cubic spiral dy/dt = (y^3) A, y0 = (2, 0): %d points on [0, %g], %d to t = %.0f\n\n", N_DATA,
           T_END, N_EXT, d.t_ext[N_EXT - 1]);

    /* 2-3. Every training of Tables 1 and 2, and the full model from more seeds: 15
       independent runs, each deterministic. Built with OpenMP (make does when the
       compiler has it) they run side by side, one per core, the longest first; the
       numbers are the same with any number of threads. */
    for (k = 0; k < N1; k++) job_set(&jobs[nj++], &table1[k], SEED, &r1[k], k == 0 ? yb : NULL);
    for (k = 0; k < N2; k++) job_set(&jobs[nj++], &table2[k], SEED, &r2[k], k == 0 ? yf : NULL);
    for (k = 1; k < nseeds; k++) job_set(&jobs[nj++], &table2[0], SEED + k, &full[k], NULL);
    side_by_side = threads_used() > 1;
    for (k = 0; k < nj; k++) order[k] = k == 0 ? 0 : k < nj - (N1 - 1) ? k + N1 - 1 : k - (nj - N1); /* the
        baseline (3000 iterations of the widest net), the 3000-iteration runs, then Table 1's 1000-iteration
        ones: the longest first, so that the threads finish together */
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 1)
#endif
    for (k = 0; k < nj; k++) {
        job *jb = &jobs[order[k]];
        config c = *jb->cfg;
        c.iters = iters_of(jb->cfg, quick);
        jb->status = train(&c, jb->seed, c.iters, &d, jb->r, jb->ext, jb->msg);
    }

    /* 2. Table 1: the architectures under the baseline recipe. */
    printf("2. Table 1 (Adam 5e-4, weight decay 1e-5, batch 32, windows of 20, plain MSE; best validated model)\n");
    print_header("model");
    for (k = 0; k < N1; k++) {
        config c = table1[k];
        c.iters = iters_of(&table1[k], quick);
        if (jobs[k].status) diverged(c.name, &r1[k], jobs[k].msg);
        print_row(c.name, &r1[k], &c);
        counts_ok &= r1[k].params == table1[k].doc_params;
        trained_ok &= r1[k].after.test < r1[k].before.test;
    }
    printf("   (test MSE: the best validated model; last val: the validation MSE after the last iteration)\n");
    printf("   (the document's baseline: 3000 iterations, test loss 0.024051; TimeAware-64: %ld parameters, a clock\n"
           "   per row feeding its time embedding; the document: 0.602, \"minimal benefit\" for an autonomous system)\n\n",
           r1[N1 - 1].params);

    /* 3. Table 2: the full model and its ablations, and the full model from more seeds. */
    printf("3. Table 2: the full model (windows of 40, time-weighted MSE, weight decay, clipping 1.0,\n"
           "   reduce-on-plateau) with one component removed at a time\n");
    print_header("configuration");
    for (k = 0; k < N2; k++) {
        config c = table2[k];
        c.iters = iters_of(&table2[k], quick);
        if (jobs[N1 + k].status) diverged(c.name, &r2[k], jobs[N1 + k].msg);
        print_row(c.name, &r2[k], &c);
        trained_ok &= r2[k].after.test < r2[k].before.test;
    }
    full[0] = r2[0];
    lo = hi = full[0].after.test;
    for (k = 1; k < nseeds; k++) {
        config c = table2[0];
        c.iters = iters_of(&table2[0], quick);
        if (jobs[N1 + N2 + k - 1].status) diverged("full model, another seed", &full[k], jobs[N1 + N2 + k - 1].msg);
        snprintf(msg, sizeof msg, "full model, seed %d", SEED + k);
        print_row(msg, &full[k], &c);
        lo = fmin(lo, full[k].after.test);
        hi = fmax(hi, full[k].after.test);
    }
    printf("   the full model over %d seeds: test MSE %.3g .. %.3g (a factor %.1f)\n\n", nseeds, lo, hi, hi / lo);

    /* 4. Against the document. */
    printf("4. against the document\n");
    printf("   parameter counts (baseline, Compact-32/64/96, Residual-64, TimeAware-64): %s the document's\n",
           counts_ok ? "equal to" : "DIFFERENT from");
    printf("   baseline vs full model: test MSE %.3g vs %.3g; the document: 0.024 vs 0.035, which it calls\n"
           "   \"a 45%% improvement\" (§5.3.2; also Fig. 2, §6.1, §7): by its own numbers it is 46%% worse\n",
           r1[0].after.test, r2[0].after.test);
    printf("   extrapolation MAE on [0, 35]: baseline %.3g, full model %.3g; the document: 0.332 and 0.022\n",
           r1[0].after.ext_mae, r2[0].after.ext_mae);
    if (r1[0].after.ext_mae < r2[0].after.ext_mae)
        printf("   (ours reverses the order: our baseline is its best checkpoint, and most of the full model's\n"
               "   error is already there before t = 25: ch09_extrapolation)\n");
    printf("   residual vs compact at equal parameters (%d iterations): %.3g vs %.3g; the document: 0.295 vs 0.335\n",
           iters_of(&table1[4], quick), r1[4].after.test, r1[2].after.test);
    for (k = 1, inside = 0; k < N2; k++) inside += r2[k].after.test >= lo && r2[k].after.test <= hi;
    printf("   the full model from %d seeds spans %.3g .. %.3g (a factor %.1f); %d of the %d ablations land\n"
           "   inside that range, so with one run each their differences from the full model are not\n"
           "   evidence; the others lie outside it\n", nseeds, lo, hi, hi / lo, inside, N2 - 1);
    if (r1[0].nval > 1)
        printf("   the baseline's best of %d validation looks (iteration %d) is a low draw: its validation MSE\n"
               "   after the last iteration is %.3g, at the best look %.3g (the curves in ch09_architectures jump\n"
               "   by 100x between looks); with one trajectory to train, validate and test on, as in the\n"
               "   document, keeping the best model is selection on the test data\n", r1[0].nval, r1[0].best_iter,
               r1[0].val[r1[0].nval - 1], best_val(&r1[0]));
    printf("   learning-rate cuts of the full model: %d; its best look at iteration %d\n\n", r2[0].lr_cuts,
           r2[0].best_iter);

    /* 5. The numbers of §5.5 and §6.1, and the Lipschitz bound of §2.2. */
    printf("5. the numbers of §5.5 and §6.1, and the Lipschitz bound of §2.2\n");
    printf("   first validation look (every %d iterations) with MSE <= 0.05: baseline %s, full model %s;\n"
           "   the document: 2100 and 1500 (\"30%% fewer iterations\")\n", VAL_EVERY,
           first_05_text(&r1[0], msg), first_05_text(&r2[0], msg + NDE_MSG_LEN / 2));
    printf("   extrapolation error as a multiple of the training error (MAE on (25, 35] / MAE on [0, 25]):\n"
           "   baseline %.2fx, full model %.2fx; the document: 1.4x and 0.18x (ch09_error: the error against t)\n",
           r1[0].after.ext_ratio, r2[0].after.ext_ratio);
    if (r2[0].first_05 == 0 || (r1[0].first_05 && r1[0].first_05 < r2[0].first_05))
        printf("   (here the full model reaches 0.05 no sooner than the baseline: the document's \"30%% fewer\n"
               "   iterations\" does not reproduce in this run)\n");
    if (r2[0].after.ext_ratio > r1[0].after.ext_ratio)
        printf("   (here the full model's extrapolation error grows more than the baseline's, the reverse of the\n"
               "   document's 0.18x vs 1.4x)\n");
    printf("   parameter memory: the document's 134.7 KB and 17.9 KB are 4 bytes (float32) per parameter:\n"
           "   %ld x 4 = %.1f KB, %ld x 4 = %.1f KB; ours holds doubles, 8 bytes: %.1f KB and %.1f KB\n", r1[0].params,
           4e-3 * r1[0].params, r2[0].params, 4e-3 * r2[0].params, 8e-3 * r1[0].params, 8e-3 * r2[0].params);
    printf("   training time (%s;\n   validation looks excluded) beside Table 1's, and the §2.2 bound prod_l ||W_l||_2 (a residual\n"
           "   layer 1 + ||W||_2, tanh 1) on the network's Lipschitz constant in its input y^3, beside the drift ratio\n",
           threads_used() > 1 ? "wall seconds of each training, the trainings side by side, one per thread"
                              : "CPU seconds: on a shared machine CPU time, not wall time, is the training's own");
    printf("   %-36s %6s %9s %9s %11s %7s %7s\n", "model", "iters", threads_used() > 1 ? "wall s" : "CPU s", "doc s",
           "Lipschitz", "drift", "doc");
    for (k = 0; k < N1 + N2; k++) {
        const config *c = k < N1 ? &table1[k] : &table2[k - N1];
        const run *r = k < N1 ? &r1[k] : &r2[k - N1];
        int it = iters_of(c, quick);
        char doc_s[16] = "-", doc_d[16] = "-";
        if (c->doc_seconds >= 0) snprintf(doc_s, sizeof doc_s, "%.0f", c->doc_seconds);
        if (c->doc_drift >= 0) snprintf(doc_d, sizeof doc_d, "%.3g", c->doc_drift);
        printf("   %-36s %6d %9.1f %9s %11.4g %7.3g %7s\n", c->name, it, r->ms_per_iter * it / 1e3, doc_s,
               r->lipschitz, r->after.drift, doc_d);
    }
    printf("   (the cube input adds a factor 3 max|y|^2 = 12 on |y| <= 2; a bound, not the constant: the\n"
           "   document's \"weight regularization ... ensures well-posed dynamics\" is about this bound)\n\n");

    /* 6. Figures. */
    printf("6. figures\n");
    draw_architectures(dir, r1, r2, full, nseeds);
    draw_ablation(dir, r2, full, nseeds);
    draw_extrapolation(dir, &d, yb, yf);
    draw_timeseries(dir, &d, yb, yf);
    draw_error(dir, &d, yb, yf);
    if (jobs[N1 - 1].status == 0) draw_embedding(dir, &d, &r1[N1 - 1]);
    else printf("   ch09_embedding not drawn: the TimeAware-64 training failed\n");

    ok = counts_ok && (quick || trained_ok);
    printf("\nclaim: parameter counts equal the document's%s: %s (%.1f s CPU, %.1f s wall on %d thread%s)\n",
           quick ? "" : "; every trained model below its untrained test loss", ok ? "holds" : "FAILS",
           (double)(clock() - c_all) / CLOCKS_PER_SEC, wall_now() - w_all, threads_used(), threads_used() > 1 ? "s" : "");
    printf("RESULT chapter=09 params_baseline=%ld params_residual64=%ld test_mse_baseline=%.6g "
           "test_mse_residual64=%.6g test_mse_full=%.6g drift_ratio_full=%.6g seed_spread_full=%.4g "
           "first_iter_005_baseline=%d first_iter_005_full=%d ext_ratio_baseline=%.4g ext_ratio_full=%.4g "
           "lipschitz_baseline=%.4g lipschitz_full=%.4g params_timeaware=%ld test_mse_timeaware=%.6g\n",
           r1[0].params, r1[4].params, r1[0].after.test, r1[4].after.test, r2[0].after.test, r2[0].after.drift,
           hi / lo, r1[0].first_05, r2[0].first_05, r1[0].after.ext_ratio, r2[0].after.ext_ratio, r1[0].lipschitz,
           r2[0].lipschitz, r1[N1 - 1].params, r1[N1 - 1].after.test);
    return ok ? 0 : 1;
}
