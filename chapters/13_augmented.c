/* 13_augmented.c: augmented Neural ODEs. Flows cannot cross; one more dimension lets them.

   You will learn
     - why a Neural ODE on R cannot learn the flip g(-1) = 1, g(1) = -1 (two trajectories
       of dx/dt = f(x) never cross, so the order of the points is kept and the loss cannot
       go below 1), and how one extra dimension a, with a(0) = 0 and discarded at the
       output, lets the two points pass each other;
     - how the plain Neural ODE and the augmented one learn to separate concentric annuli,
       what each does to the plane, and what the contorted flow costs in evaluations;
     - that the map of a Neural ODE is invertible (integrate back from z(T)), how well the
       inputs come back at each tolerance, and where that breaks.

   Sources
     "Neural ODEs: A Comprehensive Tutorial on Parameter-Efficient Continuous-Depth Models"
     (2025), section 3.4, eq 23: the augmented state [z; a], a(0) = 0 in R^p, a discarded at
     the output; its section 6.3 says it did not evaluate augmentation: this chapter does.
     Dupont, Doucet and Teh, "Augmented Neural ODEs" (NeurIPS 2019): section 3 (flows of an
     ODE are homeomorphisms: the 1-D flip g_1d and the concentric annuli g cannot be
     represented), section 4 (ANODE: solve in R^(d+p) from [x, 0]), section 5.1 (the toy
     experiments and their evaluations during training). Settings taken from them through the
     issue: label -1 for |x| <= 0.5, +1 for 1 <= |x| <= 1.5, 1000 and 2000 points, a linear
     read-out of the state at T = 1, hidden width 32, dopri5 at 1e-3, Adam, batch 64.
     "A Comprehensive Overview of Neural ODEs" (Wiberg), section 4: the map x -> z(T) is
     invertible, z(0) is found by integrating backwards from z(T).

   What the documents leave open, and what we chose
     - The network: (d+p) -> 32 -> 32 -> (d+p) with ReLU, time-independent (our reading of
       Dupont et al.'s toy ODE function); Glorot-uniform weights, zero biases; Adam lr 1e-3
       on the network and on the read-out; T = 1; 3000 iterations (64 epochs of the 3000
       points; the paper's iteration count for this plot is not restated here).
     - The read-out: a linear map of the whole state [z; a](T) (d + p inputs), as in Dupont
       et al.'s model. The tutorial's eq 23 discards a at the output: the flip does that (its
       loss sees x(T) only, through the library's nde_augment), and one annuli run reads z
       only (p = 1, read-out of z only): it learns the annuli as well (table of step 2).
     - Loss: mean squared error of the read-out against the labels (-1, +1); accuracy: the
       sign of the read-out. Points are uniform in area on the disk and on the annulus.
     - Evaluations per iteration: f calls of the forward solve (the backward pass is backprop
       through the solver; its vector-Jacobian products are printed too, and track them).
     - rtol = atol = 1e-3 ("dopri5 at 1e-3"); the flip uses 1e-6 (two points, cheap).

   What the run shows (full mode; the numbers are printed by the run, these are from the
   committed one)
     - The flip: the plain model's loss stops at the floor 1 (1.0003: both points are sent to
       0, ch13_flip); with p = 1 the loss falls below 1e-10: in (t, x) the paths cross, in
       (x, a) they are two parallel lines that never meet.
     - The annuli: the augmented models reach accuracy 1 in every seed, and their forward
       evaluations settle at 32 per iteration (26 early on); the plain model's climb through
       training, to 55.5, 43.9 and 43.9 in the last 50 iterations of three seeds, while its
       loss stays 30-800x higher (the effect Dupont et al. report in section 5.1, smaller
       here: at rtol = atol = 1e-3 on T = 1 a solve is only 4-9 dopri5 steps).
     - The plain model also classifies the training points perfectly in 2 of 3 seeds (0.9913
       in the third): 3000 points leave gaps. The topology still holds: its -1 region is the
       preimage of a half-plane under a homeomorphism, unbounded, so it must leave the disk
       through the annulus. Pulling the ray phi(0) - s w back to t = 0 (the inverse map) finds
       that channel in every seed: on the circle |x| = 1.25 it is 0.094 wide in the seed that
       misclassifies points, 0.0023 and 0.0019 in the two that do not, 20x narrower than the
       spacing of the annulus points (about 0.044). ch13_regions shows it and the ray.
     - Invertibility (Wiberg, section 4): forward to z(T) and back returns the inputs only to
       tol x 170-1900 (tol 1e-6 .. 1e-12) even for the untrained, near-identity network: the
       error control is local, per step, and the global error is larger. The augmented model
       stays near that (tol x 240-6000); the trained plain model is 17-40x worse, as its
       flow map squeezes the plane (worst ||J^-1|| 29, against 2.9 and 1.3): the forward
       error comes back stretched. At its training tolerance 1e-3 its inputs come back wrong
       by 0.17, at 1e-2 by 1.7: lost. Integrating the learned field for longer than it was
       trained for, the squeeze compounds like e^(lambda T) and the inputs are lost (error
       > 0.1) from T = 8 (plain) and T = 16 (p = 1): chapter 07's backsolve failure again.

   Claim (exit status)
     The augmented model (p = 1) reaches accuracy >= 0.99 on the annuli and its forward
     evaluations per iteration at the end of training (mean over the last 50 iterations)
     are below the plain model's, in each of three seeds; the flip's plain loss stays above
     0.99 (the floor 1, less solver error) and the augmented one ends below 1e-3.
     --quick checks only that the numbers are finite.

   Run
     make ch13                       (full: about 90 s of CPU; figures under plots/)
     build/13_augmented --quick      (20 iterations; figures under build/quick/)

   Figures (PNG + gnuplot .dat/.gp)
     ch13_flip.png      the flip: trajectories of x = -1 and x = 1 in (t, x) for the plain
                        and the augmented model, in (x, a) for the augmented one, and the
                        training loss of both against the floor 1
     ch13_flow.png      where the plain and the augmented model send the data and a grid
                        of the plane at T = 1, with the read-out's decision line
     ch13_regions.png   decision regions (the read-out over the input plane) of the plain
                        model, p = 1, p = 5 and p = 1 read out from z only; on the plain one
                        the pulled-back ray through its channel
     ch13_training.png  loss, accuracy and forward evaluations per iteration during training
     ch13_invert.png    reconstruction error of the inputs integrated back from z(T),
                        against the tolerance and against the time span
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

#define SEED 13
#define HID 32
#define T_END 1.0
#define PMAX 5                 /* largest augmentation tried */
#define DMAX (2 + PMAX)
#define N_IN 1000              /* points of the inner disk, label -1 */
#define N_OUT 2000             /* points of the annulus, label +1 */
#define N_DATA (N_IN + N_OUT)
#define BATCH 64
#define TOL 1e-3               /* dopri5 rtol = atol while training on the annuli */
#define NSEEDS 3               /* the plain and the p = 1 model from this many seeds */
#define ITERS 3000             /* training iterations on the annuli (64 epochs) */
#define FLIP_ITERS 1000
#define EVAL_EVERY 50          /* iterations between accuracy looks */
#define NF 101                 /* output times of the figure trajectories */
#define NG 121                 /* decision-region grid: NG x NG on [-2, 2]^2 */
#define N_CIRCLE 720           /* points on the circle |x| = 1.25, inside the annulus */
#define N_TOL 7
#define N_SPAN 7

/* ===================================================================== */
/* 1. The model: dz/dt = net(z) on R^(d+p)                                */
/* ===================================================================== */

/* net: (d+p) -> 32 -> 32 -> (d+p) with ReLU, Glorot weights, zero biases. */
static int build_model(nde_mlp *m, nde_system *sys, int dim, nde_rng *rng, char *msg)
{
    int widths[4] = {dim, HID, HID, dim}, st;
    st = nde_mlp_dense(m, 4, widths, NDE_ACT_RELU, 0, msg);
    if (!st) nde_mlp_init_glorot(m, rng);
    if (!st) st = nde_mlp_system(m, sys, msg);
    return st;
}

/* ===================================================================== */
/* 2. The flip g(-1) = 1, g(1) = -1                                        */
/* ===================================================================== */
/* On R, x' = f(x) has unique solutions: two trajectories that met at some t
   would be one trajectory, so x_-1(t) < x_1(t) for all t and the map keeps
   the order. The best order-keeping answer to targets (1, -1) is
   x_-1(T) = x_1(T) = 0: mean squared error 1, a floor no training passes.
   With [x, a] in R^2 the two points can go round each other. */

typedef struct flip_run {
    int p;
    double loss_first, loss_final;
    double hist[FLIP_ITERS];       /* training loss before each step */
    int iters;
    double traj[NF * 2 * 2];       /* (NF, 2 points, 1 + p) */
} flip_run;

static int train_flip(int p, int iters, flip_run *r, char *msg)
{
    double x0[2] = {-1.0, 1.0}, xa0[4], t[2] = {0.0, T_END}, target[4] = {0, 0, 1.0, -1.0}, w[2] = {0.0, 2.0};
    double tf[NF], xT[2];
    nde_target tg = {target, w}; /* weight 0 at t = 0, 2 at T: the mean over the final time only */
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    nde_mlp m;
    nde_system sys;
    nde_augment aug;
    nde_rng rng;
    nde_optim opt;
    nde_options o;
    nde_train_options to;
    nde_train_stats ts;
    int st;
    memset(r, 0, sizeof *r);
    r->p = p;
    r->iters = iters;
    nde_rng_seed(&rng, SEED);
    st = build_model(&m, &sys, 1 + p, &rng, msg);
    if (st) return st;
    st = nde_augment_init(&aug, &sys, 1, &loss, msg); /* the loss sees x only; a is discarded */
    if (!st) st = nde_optim_init(&opt, NDE_OPT_ADAM, m.nparams, 1e-3, msg);
    if (st) { nde_mlp_free(&m); return st; }
    nde_augment_pad(&aug, 2, x0, xa0);
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = 1e-6;
    memset(&to, 0, sizeof to);
    to.iters = iters;
    to.loss_history = r->hist;
    st = nde_train(&sys, 2, xa0, 2, t, &o, NULL, &aug.loss, &opt, &to, &ts);
    if (st) snprintf(msg, NDE_MSG_LEN, "flip, p = %d: %.200s", p, ts.msg);
    if (!st) { /* the trained map's loss, and the trajectories for the figure */
        nde_linspace(NF, 0.0, T_END, tf);
        st = nde_solve(&sys, 2, xa0, NF, tf, &o, r->traj, NULL);
        nde_augment_slice(&aug, 2, r->traj + (NF - 1) * 2 * (1 + p), xT);
        r->loss_first = ts.loss_first;
        r->loss_final = 0.5 * ((xT[0] - 1.0) * (xT[0] - 1.0) + (xT[1] + 1.0) * (xT[1] + 1.0));
    }
    nde_optim_free(&opt);
    nde_augment_free(&aug);
    nde_mlp_free(&m);
    return st;
}

/* ===================================================================== */
/* 3. Concentric annuli                                                   */
/* ===================================================================== */

typedef struct annuli {
    double x[N_DATA * 2];      /* (N_DATA, 2) */
    double y[N_DATA];          /* labels -1 (inner disk) and +1 (annulus) */
} annuli;

/* n points uniform in area on r0 <= |x| <= r1 (r0 = 0: the disk). */
static void sample_ring(nde_rng *rng, int n, double r0, double r1, double label, double *x, double *y)
{
    int i;
    for (i = 0; i < n; i++) {
        double r = sqrt(r0 * r0 + (r1 * r1 - r0 * r0) * nde_rng_uniform(rng));
        double phi = 6.283185307179586 * nde_rng_uniform(rng);
        x[2 * i] = r * cos(phi);
        x[2 * i + 1] = r * sin(phi);
        y[i] = label;
    }
}

static void make_annuli(annuli *d, unsigned long long seed)
{
    nde_rng rng;
    nde_rng_seed(&rng, seed);
    sample_ring(&rng, N_IN, 0.0, 0.5, -1.0, d->x, d->y);
    sample_ring(&rng, N_OUT, 1.0, 1.5, 1.0, d->x + 2 * N_IN, d->y + N_IN);
}

/* The read-out r = w . z(T) + c on the first `dim` components of the state
   (all d + p, or only the visible d), and its loss: the batch mean of
   (r - label)^2. The loss writes dL/dz(T) into g and dL/d(w, c) into gwc. */
typedef struct readout {
    int dim;                   /* components read */
    double wc[DMAX + 1];       /* (dim + 1) w then c */
    double gwc[DMAX + 1];      /* (dim + 1) dL/d(w, c), written by the loss */
    const double *label;       /* (B) labels of the batch */
} readout;

static double readout_value(const readout *ro, const double *z)
{
    double r = ro->wc[ro->dim];
    int i;
    for (i = 0; i < ro->dim; i++) r += ro->wc[i] * z[i];
    return r;
}

/* Point loss on y (N = 2, B, D = ro->dim): only the state at T counts. */
static double readout_loss(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    readout *ro = (readout *)ctx;
    const double *z = y + (long)(N - 1) * B * D;
    double L = 0.0, *gz = g + (long)(N - 1) * B * D;
    int b, i;
    (void)t;
    memset(g, 0, sizeof(double) * (size_t)N * B * D);
    memset(ro->gwc, 0, sizeof ro->gwc);
    for (b = 0; b < B; b++) {
        double r = readout_value(ro, z + (long)b * D) - ro->label[b], s = 2.0 * r / B;
        L += r * r / B;
        for (i = 0; i < D; i++) {
            gz[(long)b * D + i] = s * ro->wc[i];
            ro->gwc[i] += s * z[(long)b * D + i];
        }
        ro->gwc[D] += s;
    }
    return L;
}

typedef struct model {
    int p;                     /* augmented components */
    nde_mlp m;
    nde_system sys;            /* dim 2 + p */
    nde_augment pad;           /* x (2) -> [x, 0] (2 + p), no loss */
    readout ro;
} model;

/* A model with p augmented components, its network drawn from rng (read-out unset). */
static int model_init(model *md, int p, nde_rng *rng, char *msg)
{
    int st;
    memset(md, 0, sizeof *md);
    md->p = p;
    st = build_model(&md->m, &md->sys, 2 + p, rng, msg);
    if (!st) st = nde_augment_init(&md->pad, &md->sys, 2, NULL, msg);
    return st;
}

static void model_free(model *md)
{
    nde_augment_free(&md->pad);
    nde_mlp_free(&md->m);
}

/* zT (n, 2+p) = the state at time T from [x, 0], x (n, 2), one batch solve
   at rtol = atol = tol; nfe (may be NULL) receives the evaluations. */
static int push(const model *md, int n, const double *x, double tol, double T, double *zT, long *nfe)
{
    int dim = 2 + md->p, st;
    double *z0 = (double *)malloc(sizeof(double) * (size_t)n * dim * 3), t[2] = {0.0, T};
    nde_options o;
    nde_stats s;
    if (!z0) return NDE_ERR_NOMEM;
    nde_augment_pad(&md->pad, n, x, z0);
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = tol;
    st = nde_solve(&md->sys, n, z0, 2, t, &o, z0 + (long)n * dim, &s);
    memcpy(zT, z0 + (long)2 * n * dim, sizeof(double) * (size_t)n * dim);
    if (nfe) *nfe = s.nfe;
    free(z0);
    return st;
}

/* The read-out at T of n inputs x (n, 2) into r (n). */
static int predict(const model *md, int n, const double *x, double *r)
{
    int dim = 2 + md->p, i, st;
    double *zT = (double *)malloc(sizeof(double) * (size_t)n * dim);
    if (!zT) return NDE_ERR_NOMEM;
    st = push(md, n, x, TOL, T_END, zT, NULL);
    for (i = 0; i < n; i++) r[i] = st ? NAN : readout_value(&md->ro, zT + (long)i * dim);
    free(zT);
    return st;
}

/* Accuracy (the sign of the read-out) and mean squared error on n labelled points. */
static int evaluate(const model *md, int n, const double *x, const double *y, double *acc, double *loss)
{
    double *r = (double *)malloc(sizeof(double) * (size_t)n), L = 0.0;
    int i, st, right = 0;
    if (!r) return NDE_ERR_NOMEM;
    st = predict(md, n, x, r);
    for (i = 0; i < n; i++) {
        right += (r[i] > 0) == (y[i] > 0);
        L += (r[i] - y[i]) * (r[i] - y[i]) / n;
    }
    *acc = (double)right / n;
    *loss = L;
    free(r);
    return st;
}

typedef struct train_log {
    int p, ro_dim, iters;
    unsigned long long seed;
    double loss[ITERS];        /* batch loss of each iteration */
    double nfe[ITERS];         /* forward evaluations of each iteration */
    double nvjp[ITERS];        /* vector-Jacobian products of each iteration's backward pass */
    int nacc;
    double acc_it[ITERS / EVAL_EVERY + 1], acc[ITERS / EVAL_EVERY + 1];
    double acc_final, loss_final, nfe_final, nvjp_final, nfe_first, seconds;
    double acc_test, acc_circle;
} train_log;

/* Mean of v over [i0, i1). */
static double mean_of(const double *v, int i0, int i1)
{
    double s = 0.0;
    int i;
    for (i = i0; i < i1; i++) s += v[i];
    return i1 > i0 ? s / (i1 - i0) : NAN;
}

/* Train a model with p augmented components, read out from its first ro_dim
   components (2 + p: the whole state; 2: z only, through nde_augment), on
   the annuli: `iters` batches of 64 from shuffled epochs, Adam 1e-3 on the
   network and on the read-out. md stays built for the figures (model_free). */
static int train_annuli(model *md, int p, int ro_dim, unsigned long long seed, int iters, const annuli *d, train_log *lg,
                        char *msg)
{
    int perm[N_DATA], pos = N_DATA, it, i, b, st;
    double x[BATCH * 2], z0[BATCH * DMAX], lab[BATCH], t[2] = {0.0, T_END}, *g, L;
    nde_rng rng;
    nde_optim opt, opt_ro;
    nde_options o;
    nde_grad_options go;
    nde_grad_work work;
    nde_grad_stats gs;
    nde_augment wrap;
    nde_loss loss = {readout_loss, NULL, NULL};
    clock_t c0 = clock();
    memset(lg, 0, sizeof *lg);
    lg->p = p;
    lg->ro_dim = ro_dim;
    lg->seed = seed;
    nde_rng_seed(&rng, seed);
    st = model_init(md, p, &rng, msg);
    md->ro.dim = ro_dim;
    md->ro.label = lab;
    loss.ctx = &md->ro;
    if (!st) st = nde_augment_init(&wrap, &md->sys, ro_dim, &loss, msg); /* ro_dim = dim: nothing sliced */
    if (st) return st;
    for (i = 0; i < ro_dim; i++) md->ro.wc[i] = (2 * nde_rng_uniform(&rng) - 1) / sqrt((double)ro_dim);
    g = (double *)malloc(sizeof(double) * (size_t)md->m.nparams);
    st = g ? nde_optim_init(&opt, NDE_OPT_ADAM, md->m.nparams, 1e-3, msg) : NDE_ERR_NOMEM;
    if (!st) st = nde_optim_init(&opt_ro, NDE_OPT_ADAM, ro_dim + 1, 1e-3, msg);
    if (st) { free(g); nde_augment_free(&wrap); return st; }
    for (i = 0; i < N_DATA; i++) perm[i] = i;
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = TOL;
    memset(&go, 0, sizeof go);
    memset(&work, 0, sizeof work);
    go.work = &work;
    for (it = 0; it < iters && !st; it++) {
        for (b = 0; b < BATCH; b++) { /* the next batch of a shuffled epoch */
            int k;
            if (pos == N_DATA) { /* Fisher-Yates */
                for (k = N_DATA - 1; k > 0; k--) {
                    int s = (int)nde_rng_below(&rng, k + 1), tmp = perm[k];
                    perm[k] = perm[s];
                    perm[s] = tmp;
                }
                pos = 0;
            }
            k = perm[pos++];
            x[2 * b] = d->x[2 * k];
            x[2 * b + 1] = d->x[2 * k + 1];
            lab[b] = d->y[k];
        }
        nde_augment_pad(&md->pad, BATCH, x, z0);
        st = nde_grad(&md->sys, BATCH, z0, 2, t, &o, &go, &wrap.loss, &L, NULL, g, NULL, &gs);
        if (st) { snprintf(msg, NDE_MSG_LEN, "p = %d, iteration %d: %.200s", p, it, gs.msg); break; }
        lg->loss[it] = L;
        lg->nfe[it] = (double)gs.fwd.nfe;
        lg->nvjp[it] = (double)gs.nvjp;
        nde_optim_step(&opt, md->m.params, g);
        nde_optim_step(&opt_ro, md->ro.wc, md->ro.gwc);
        if ((it + 1) % EVAL_EVERY == 0 || it + 1 == iters) { /* accuracy on all the data */
            double acc, l;
            clock_t c1 = clock();
            st = evaluate(md, N_DATA, d->x, d->y, &acc, &l);
            lg->acc_it[lg->nacc] = it + 1;
            lg->acc[lg->nacc++] = acc;
            c0 += clock() - c1; /* not training time */
        }
    }
    lg->iters = it;
    lg->seconds = (double)(clock() - c0) / CLOCKS_PER_SEC;
    md->ro.label = NULL;
    if (!st) {
        int last = iters > EVAL_EVERY ? iters - EVAL_EVERY : 0;
        lg->nfe_first = mean_of(lg->nfe, 0, iters < EVAL_EVERY ? iters : EVAL_EVERY);
        lg->nfe_final = mean_of(lg->nfe, last, iters);
        lg->nvjp_final = mean_of(lg->nvjp, last, iters);
        st = evaluate(md, N_DATA, d->x, d->y, &lg->acc_final, &lg->loss_final);
    }
    nde_optim_free(&opt);
    nde_optim_free(&opt_ro);
    nde_grad_work_free(&work);
    nde_augment_free(&wrap);
    free(g);
    return st;
}

/* Accuracy on fresh points from the same distribution, and the fraction of
   the circle |x| = 1.25 (the middle of the annulus) read as +1. A plain
   Neural ODE cannot get the circle right everywhere: its -1 region is the
   preimage of a half-plane under a homeomorphism of the plane, unbounded,
   so it must cut through the annulus to get out. */
static int generalisation(const model *md, const annuli *fresh, train_log *lg)
{
    double xc[N_CIRCLE * 2], rc[N_CIRCLE], l;
    int i, st, right = 0;
    st = evaluate(md, N_DATA, fresh->x, fresh->y, &lg->acc_test, &l);
    for (i = 0; i < N_CIRCLE; i++) {
        xc[2 * i] = 1.25 * cos(6.283185307179586 * i / N_CIRCLE);
        xc[2 * i + 1] = 1.25 * sin(6.283185307179586 * i / N_CIRCLE);
    }
    if (!st) st = predict(md, N_CIRCLE, xc, rc);
    for (i = 0; i < N_CIRCLE; i++) right += rc[i] > 0;
    lg->acc_circle = (double)right / N_CIRCLE;
    return st;
}


/* Where the plain model's -1 region gets out. The ray z(s) = phi(0) - s w/|w|
   (s >= 0) lies in the read-out's half-plane of -1; integrated backwards
   from T to 0 (the inverse map) it is a path of inputs all read as -1, from
   the centre to infinity, so it must cross the annulus: the channel. Its
   width: the share of a fine arc of the circle through the crossing read
   as -1, times the arc's length. Only for p = 0 (with p > 0 the pulled-back
   path leaves the plane a = 0 of real inputs). */
#define NRAY 400
#define S_RAY 40.0

typedef struct channel {
    int found;                 /* 1 when the path reached |x| >= 1.25 */
    double x[2];               /* the crossing of |x| = 1.25 (linear between path points) */
    double r_pred;             /* the classifier's read-out there (at TOL) */
    double width;              /* arc length of the -1 channel on |x| = 1.25 around x */
    int n;
    double path[NRAY * 2];     /* (n, 2) the pulled-back ray */
} channel;

static int find_channel(const model *md, channel *ch)
{
    static double z[2 * NRAY * 2], arc[4001 * 2], ra[4001];
    double origin[2] = {0.0, 0.0}, c0[2], t[2] = {T_END, 0.0}, nw, th, half = 0.1;
    nde_options o;
    int k, st, neg = 0;
    memset(ch, 0, sizeof *ch);
    st = push(md, 1, origin, 1e-8, T_END, c0, NULL);
    if (st) return st;
    nw = sqrt(md->ro.wc[0] * md->ro.wc[0] + md->ro.wc[1] * md->ro.wc[1]);
    for (k = 0; k < NRAY; k++) {
        double s = S_RAY * k * k / ((double)(NRAY - 1) * (NRAY - 1)); /* denser near the centre */
        z[2 * k] = c0[0] - s * md->ro.wc[0] / nw;
        z[2 * k + 1] = c0[1] - s * md->ro.wc[1] / nw;
    }
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = 1e-8;
    st = nde_solve(&md->sys, NRAY, z, 2, t, &o, z, NULL); /* rows 0 (z(T)) then 1 (z(0)) */
    if (st) return st;
    for (k = 0; k < NRAY; k++) {
        double *x = z + 2 * NRAY + 2 * k, r = sqrt(x[0] * x[0] + x[1] * x[1]);
        ch->path[2 * k] = x[0];
        ch->path[2 * k + 1] = x[1];
        ch->n = k + 1;
        if (!ch->found && k > 0 && r >= 1.25) { /* the crossing, between path points k-1 and k */
            double *xp = x - 2, rp = sqrt(xp[0] * xp[0] + xp[1] * xp[1]), f = (1.25 - rp) / (r - rp);
            ch->x[0] = xp[0] + f * (x[0] - xp[0]);
            ch->x[1] = xp[1] + f * (x[1] - xp[1]);
            ch->found = 1;
        }
        if (r > 2.5) break; /* out of the figure */
    }
    if (!ch->found) return NDE_OK;
    st = predict(md, 1, ch->x, &ch->r_pred);
    th = atan2(ch->x[1], ch->x[0]);
    for (k = 0; k < 4001; k++) {
        arc[2 * k] = 1.25 * cos(th - half + 2 * half * k / 4000.0);
        arc[2 * k + 1] = 1.25 * sin(th - half + 2 * half * k / 4000.0);
    }
    if (!st) st = predict(md, 4001, arc, ra);
    for (k = 0; k < 4001; k++) neg += ra[k] < 0;
    ch->width = 1.25 * 2 * half * neg / 4001.0;
    return st;
}

/* ===================================================================== */
/* 4. Invertibility: integrate back from z(T)                             */
/* ===================================================================== */
/* The flow map is invertible: z(0) = the solution from z(T) backwards to 0
   (Wiberg, section 4). Numerically the backward solve starts from the
   forward z(T), which carries the forward error e; that error comes back
   multiplied by the inverse of the flow's Jacobian J = dz(T)/dz(0). Where
   the flow squeezes (small singular values of J) the inputs come back only
   to tol * ||J^-1||, the mechanism of chapter 07's backsolve at lambda =
   10,000 in one more disguise. */

typedef struct recon {
    double err;                /* max over the points of |z_back(0) - [x, 0]| (inf-norm) */
    double jinv;               /* max over the points of ||J^-1||_2 (tol 1e-10 differences) */
} recon;

/* Point i's state at T from z0 (dim), alone, at rtol = atol = tol (forward when T > 0). */
static int flow1(const model *md, const double *z0, double T0, double T1, double tol, double *z1)
{
    double t[2], z[2 * DMAX];
    int dim = 2 + md->p, st;
    nde_options o;
    t[0] = T0;
    t[1] = T1;
    memset(&o, 0, sizeof o);
    o.rtol = o.atol = tol;
    st = nde_solve(&md->sys, 1, z0, 2, t, &o, z, NULL);
    memcpy(z1, z + dim, sizeof(double) * (size_t)dim);
    return st;
}

/* ||J^-1||_2 of the (dim, dim) matrix J (overwritten by its LU factors): the
   square root of the largest eigenvalue of (J^T J)^-1 by power iteration. */
static double inverse_norm(int dim, double *J)
{
    int piv[DMAX], i, k;
    double v[DMAX], nrm = 0.0;
    if (nde_lu_factor(dim, J, piv)) return INFINITY;
    for (i = 0; i < dim; i++) v[i] = 1.0 + 0.1 * i;
    for (k = 0; k < 100; k++) {
        nde_lu_solve_t(dim, J, piv, v); /* v <- J^-T v */
        nde_lu_solve(dim, J, piv, v);   /* v <- J^-1 v */
        nrm = nde_norm2(dim, v);
        for (i = 0; i < dim; i++) v[i] /= nrm;
    }
    return sqrt(nrm);
}

/* Reconstruction of every `stride`-th data point: forward to T and back to
   0 at rtol = atol = tol, each point solved alone (its own tolerance). With
   jac set, also the worst ||J^-1|| by central differences at tol 1e-10.
   A failed solve counts as error infinity. */
static recon reconstruct(const model *md, const annuli *d, int stride, double tol, double T, int jac)
{
    int dim = 2 + md->p, i, j, k;
    double z0[DMAX], zT[DMAX], back[DMAX], zp[DMAX], zm[DMAX], J[DMAX * DMAX], e = 1e-5;
    recon r = {0.0, 0.0};
    for (i = 0; i < N_DATA; i += stride) {
        nde_augment_pad(&md->pad, 1, d->x + 2 * i, z0);
        if (flow1(md, z0, 0.0, T, tol, zT) || flow1(md, zT, T, 0.0, tol, back)) { r.err = INFINITY; return r; }
        for (j = 0; j < dim; j++) {
            double dj = fabs(back[j] - z0[j]);
            r.err = dj == dj ? fmax(r.err, dj) : INFINITY; /* NaN: lost */
        }
        for (j = 0; jac && j < dim; j++) { /* column j of J */
            double s = z0[j];
            z0[j] = s + e; flow1(md, z0, 0.0, T, 1e-10, zp);
            z0[j] = s - e; flow1(md, z0, 0.0, T, 1e-10, zm);
            z0[j] = s;
            for (k = 0; k < dim; k++) J[k * dim + j] = (zp[k] - zm[k]) / (2 * e);
        }
        if (jac) r.jinv = fmax(r.jinv, inverse_norm(dim, J));
    }
    return r;
}

/* ===================================================================== */
/* 5. Figures                                                             */
/* ===================================================================== */

static void finish(ndp_figure *fig, const char *dir, const char *name)
{
    char msg[NDP_MSG_LEN];
    ndp_finish(fig, dir, name, msg);
    printf("   %s\n", msg);
}

/* Title, axis labels and legend place of a panel. */
static void label_panel(ndp_panel *p, const char *title, const char *xl, const char *yl, int legend_at)
{
    ndp_title(p, title);
    ndp_xlabel(p, xl);
    ndp_ylabel(p, yl);
    ndp_legend(p, legend_at);
}

static void draw_flip(const char *dir, const flip_run *fr)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1300, 1000, 2, 2, msg);
    ndp_style s0 = {NDP_BLUE, NDP_SOLID, 0, 3.0, 0}, s1 = {NDP_VERMILION, NDP_SOLID, 0, 3.0, 0};
    ndp_style tgt = {NDP_BLACK, 0, NDP_CROSS, 0, 8.0}, bound = {NDP_GREY, NDP_DASHED, 0, 2.0, 0};
    double tf[NF], tx[2] = {T_END, T_END}, ty[2] = {1.0, -1.0}, one[2] = {1.0, 1.0}, it[2] = {0, 0};
    int k, b;
    ndp_panel *p;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    nde_linspace(NF, 0.0, T_END, tf);
    it[1] = fr[0].iters;
    ndp_figure_title(fig, "The flip g(-1) = 1, g(1) = -1: plain Neural ODE on R against one extra dimension");
    for (k = 0; k < 2; k++) { /* (t, x) of both points */
        int w = 2 * (1 + fr[k].p);
        p = ndp_panel_at(fig, 0, k);
        for (b = 0; b < 2; b++)
            ndp_line_strided(p, tf, 1, fr[k].traj + b * (1 + fr[k].p), w, NF, b ? "from x = 1" : "from x = -1", b ? &s1 : &s0);
        ndp_scatter(p, tx, ty, 2, "targets", &tgt);
        label_panel(p, k ? "augmented [x, a]: x(t) (the points pass)" : "plain Neural ODE: x(t) (the paths cannot cross)",
                    "t", "x", NDP_LEGEND_BOTTOM_LEFT);
        ndp_ylim(p, -1.6, 1.6);
    }
    p = ndp_panel_at(fig, 1, 0); /* (x, a) of the augmented model */
    for (b = 0; b < 2; b++)
        ndp_line_strided(p, fr[1].traj + 2 * b, 4, fr[1].traj + 2 * b + 1, 4, NF, b ? "from (1, 0)" : "from (-1, 0)",
                         b ? &s1 : &s0);
    label_panel(p, "augmented: the same paths in (x, a)", "x", "a", NDP_LEGEND_AUTO);
    p = ndp_panel_at(fig, 1, 1);
    ndp_line(p, NULL, fr[0].hist, fr[0].iters, "plain Neural ODE", &s1);
    ndp_line(p, NULL, fr[1].hist, fr[1].iters, "augmented, p = 1", &s0);
    ndp_line(p, it, one, 2, "floor of any flow on R: 1", &bound);
    ndp_log(p, 0, 1);
    label_panel(p, "training loss (mean squared error at T)", "iteration", "loss", NDP_LEGEND_BOTTOM_LEFT);
    finish(fig, dir, "ch13_flip");
}

/* The images at T of the data and of a grid of lines of the plane, drawn in
   the panel's coordinates: (z1, z2) for the plain model; for the augmented
   one (u, a), u the read-out's direction in the (z1, z2) plane, so that the
   read-out's decision boundary is a straight line in both. */
#define GL 13                  /* grid lines each way */
#define GP 61                  /* points per grid line */

static void project(const model *md, int n, const double *zT, double *u, double *v)
{
    int dim = 2 + md->p, i;
    const double *w = md->ro.wc;
    double nw = sqrt(w[0] * w[0] + w[1] * w[1]);
    for (i = 0; i < n; i++) {
        const double *z = zT + (long)i * dim;
        if (md->p == 0) { u[i] = z[0]; v[i] = z[1]; }
        else { u[i] = (w[0] * z[0] + w[1] * z[1]) / nw; v[i] = z[2]; }
    }
}

static void flow_panel(ndp_panel *p, const model *md, const annuli *d, int mapped)
{
    static double xg[2 * GL * GP * 2], zg[2 * GL * GP * DMAX], zd[N_DATA * DMAX], u[N_DATA], v[N_DATA];
    ndp_style grid = {NDP_GREY, NDP_SOLID, 0, 1.0, 0}, sin_ = {NDP_BLUE, 0, NDP_CIRCLE, 0, 2.0};
    ndp_style sout = {NDP_VERMILION, 0, NDP_CIRCLE, 0, 2.0}, line = {NDP_BLACK, NDP_DASHED, 0, 2.5, 0};
    int i, j, n = 2 * GL * GP, dim = 2 + md->p;
    double box[4] = {HUGE_VAL, -HUGE_VAL, HUGE_VAL, -HUGE_VAL}, lx[GP], ly[GP];
    for (i = 0; i < GL; i++) /* GL vertical, then GL horizontal lines over [-1.5, 1.5]^2 */
        for (j = 0; j < GP; j++) {
            double a = -1.5 + 3.0 * i / (GL - 1), b = -1.5 + 3.0 * j / (GP - 1);
            xg[2 * (i * GP + j)] = a;
            xg[2 * (i * GP + j) + 1] = b;
            xg[2 * ((GL + i) * GP + j)] = b;
            xg[2 * ((GL + i) * GP + j) + 1] = a;
        }
    if (mapped) {
        push(md, n, xg, TOL, T_END, zg, NULL);
        push(md, N_DATA, d->x, TOL, T_END, zd, NULL);
    } else {
        dim = 2;
        memcpy(zg, xg, sizeof(double) * 2 * n);
        memcpy(zd, d->x, sizeof d->x);
    }
    for (i = 0; i < 2 * GL; i++) {
        if (mapped) project(md, GP, zg + (long)i * GP * dim, u, v);
        else for (j = 0; j < GP; j++) { u[j] = zg[2 * (i * GP + j)]; v[j] = zg[2 * (i * GP + j) + 1]; }
        ndp_line(p, u, v, GP, i ? NULL : "grid of the plane", &grid);
    }
    if (mapped) project(md, N_DATA, zd, u, v);
    else for (j = 0; j < N_DATA; j++) { u[j] = zd[2 * j]; v[j] = zd[2 * j + 1]; }
    ndp_scatter_strided(p, u, 2, v, 2, N_IN / 2, "label -1", &sin_);
    ndp_scatter_strided(p, u + N_IN, 2, v + N_IN, 2, N_OUT / 2, "label +1", &sout);
    if (!mapped) return;
    for (j = 0; j < N_DATA; j++) {
        box[0] = fmin(box[0], u[j]); box[1] = fmax(box[1], u[j]);
        box[2] = fmin(box[2], v[j]); box[3] = fmax(box[3], v[j]);
    }
    { /* the decision boundary wu u + wv v + c = 0 inside the data's box (NaN outside: not drawn) */
        const double *w = md->ro.wc;
        double wu = md->p ? sqrt(w[0] * w[0] + w[1] * w[1]) : w[0], wv = md->p ? w[2] : w[1], c = w[dim];
        int by_v = fabs(wu) > fabs(wv);
        for (j = 0; j < GP; j++) {
            double s = by_v ? box[2] + (box[3] - box[2]) * j / (GP - 1) : box[0] + (box[1] - box[0]) * j / (GP - 1);
            lx[j] = by_v ? -(c + wv * s) / wu : s;
            ly[j] = by_v ? s : -(c + wu * s) / wv;
            if (lx[j] < box[0] || lx[j] > box[1] || ly[j] < box[2] || ly[j] > box[3]) lx[j] = ly[j] = NAN;
        }
        ndp_line(p, lx, ly, GP, "read-out = 0", &line);
    }
}

static void draw_flow(const char *dir, const model *node, const model *anode, const annuli *d)
{
    static const char *title[3] = {"the inputs x (t = 0)", "plain Neural ODE: z(T)", "augmented p = 1: [z; a](T)"};
    static const char *xl[3] = {"x1", "z1", "u: (z1, z2) along the read-out's w"}, *yl[3] = {"x2", "z2", "a"};
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1800, 640, 1, 3, msg);
    int k;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Where the flow sends the plane at T = 1 (every 2nd data point, grid lines 0.25 apart)");
    for (k = 0; k < 3; k++) {
        ndp_panel *p = ndp_panel_at(fig, 0, k);
        flow_panel(p, k == 2 ? anode : node, d, k > 0);
        label_panel(p, title[k], xl[k], yl[k], NDP_LEGEND_OUTSIDE);
    }
    finish(fig, dir, "ch13_flow");
}

static void draw_regions(const char *dir, const model *const *mds, const char *const *names, int n, const annuli *d, int ng,
                         const channel *ch)
{
    static double xg[NG * NG * 2], r[NG * NG];
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(600 * n, 660, 1, n, msg);
    ndp_style sin_ = {NDP_ORANGE, 0, NDP_CIRCLE, 0, 2.0}, sout = {NDP_BLACK, 0, NDP_CROSS, 0, 2.5};
    int i, j, k;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Decision regions: the read-out at T over the input plane (clipped to [-1.5, 1.5]; its sign is the class)");
    for (j = 0; j < ng; j++)
        for (i = 0; i < ng; i++) {
            xg[2 * (j * ng + i)] = -2.0 + 4.0 * i / (ng - 1);
            xg[2 * (j * ng + i) + 1] = -2.0 + 4.0 * j / (ng - 1);
        }
    for (k = 0; k < n; k++) {
        ndp_panel *p = ndp_panel_at(fig, 0, k);
        predict(mds[k], ng * ng, xg, r);
        for (i = 0; i < ng * ng; i++) r[i] = fmax(-1.5, fmin(1.5, r[i]));
        ndp_heatmap(p, r, ng, ng, -2.0 - 2.0 / (ng - 1), 2.0 + 2.0 / (ng - 1), -2.0 - 2.0 / (ng - 1),
                    2.0 + 2.0 / (ng - 1), "read-out");
        ndp_scatter_strided(p, d->x, 8, d->x + 1, 8, N_IN / 4, "label -1", &sin_);
        ndp_scatter_strided(p, d->x + 2 * N_IN, 8, d->x + 2 * N_IN + 1, 8, N_OUT / 4, "label +1", &sout);
        if (k == 0 && ch->found) { /* the pulled-back ray, inside the panel */
            static double px[NRAY], py[NRAY];
            ndp_style sp = {NDP_VERMILION, NDP_SOLID, 0, 2.5, 0}, sx = {NDP_VERMILION, 0, NDP_CIRCLE, 0, 6.0};
            for (i = 0; i < ch->n; i++) {
                int in = fabs(ch->path[2 * i]) <= 2.0 && fabs(ch->path[2 * i + 1]) <= 2.0;
                px[i] = in ? ch->path[2 * i] : NAN;
                py[i] = in ? ch->path[2 * i + 1] : NAN;
            }
            ndp_line(p, px, py, ch->n, "ray of -1 pulled back to t = 0", &sp);
            ndp_scatter(p, ch->x, ch->x + 1, 1, "channel at |x| = 1.25", &sx);
        }
        ndp_clim(p, -1.5, 1.5);
        label_panel(p, names[k], "x1", "x2", NDP_LEGEND_OUTSIDE);
    }
    finish(fig, dir, "ch13_regions");
}

/* out (n) = the mean of v over the window of w iterations ending at each i. */
static void running_mean(const double *v, int n, int w, double *out)
{
    double s = 0.0;
    int i;
    for (i = 0; i < n; i++) {
        s += v[i] - (i >= w ? v[i - w] : 0.0);
        out[i] = s / (i + 1 < w ? i + 1 : w);
    }
}

static const char *run_name(const train_log *lg, char *buf, size_t len)
{
    if (lg->p == 0) snprintf(buf, len, "plain, seed %llu", lg->seed);
    else if (lg->ro_dim < 2 + lg->p) snprintf(buf, len, "p = %d, read-out of z only", lg->p);
    else snprintf(buf, len, "p = %d, seed %llu", lg->p, lg->seed);
    return buf;
}

static void draw_training(const char *dir, const train_log *lg, int n)
{
    static double sm[ITERS];
    char msg[NDP_MSG_LEN], name[64];
    ndp_figure *fig = ndp_figure_create(1900, 660, 1, 3, msg);
    int k, q;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Training on the annuli (dopri5, rtol = atol = 1e-3; loss and evaluations: running means over 50 iterations)");
    for (k = 0; k < n; k++) {
        int first = k == 0 || lg[k].p != lg[k - 1].p || lg[k].ro_dim != lg[k - 1].ro_dim;
        ndp_style st = {lg[k].p == 0 ? NDP_VERMILION : lg[k].ro_dim < 2 + lg[k].p ? NDP_ORANGE : lg[k].p == 1 ? NDP_BLUE : NDP_GREEN,
                        first ? NDP_SOLID : NDP_DASHED, 0, first ? 2.5 : 1.5, 0};
        run_name(&lg[k], name, sizeof name);
        for (q = 0; q < 3; q++) {
            ndp_panel *p = ndp_panel_at(fig, 0, q);
            if (q == 0) { running_mean(lg[k].loss, lg[k].iters, 50, sm); ndp_line(p, NULL, sm, lg[k].iters, name, &st); }
            if (q == 1) ndp_line(p, lg[k].acc_it, lg[k].acc, lg[k].nacc, name, &st);
            if (q == 2) { running_mean(lg[k].nfe, lg[k].iters, 50, sm); ndp_line(p, NULL, sm, lg[k].iters, name, &st); }
        }
    }
    ndp_log(ndp_panel_at(fig, 0, 0), 0, 1);
    ndp_title(ndp_panel_at(fig, 0, 0), "batch loss (MSE of the read-out)");
    ndp_title(ndp_panel_at(fig, 0, 1), "accuracy on the 3000 training points");
    ndp_ylim(ndp_panel_at(fig, 0, 1), 0.4, 1.02);
    ndp_title(ndp_panel_at(fig, 0, 2), "forward evaluations per iteration");
    for (q = 0; q < 3; q++) {
        ndp_xlabel(ndp_panel_at(fig, 0, q), "iteration");
        ndp_legend(ndp_panel_at(fig, 0, q), q == 2 ? NDP_LEGEND_TOP_LEFT : NDP_LEGEND_AUTO);
    }
    finish(fig, dir, "ch13_training");
}

static void draw_invert(const char *dir, const double *tols, const recon rt[3][N_TOL], const double *spans,
                        const recon rs[2][N_SPAN], double span_tol)
{
    char msg[NDP_MSG_LEN], lab[64];
    ndp_figure *fig = ndp_figure_create(1500, 640, 1, 2, msg);
    ndp_style s0 = {NDP_VERMILION, NDP_SOLID, NDP_CIRCLE, 2.5, 5.0}, s1 = {NDP_BLUE, NDP_SOLID, NDP_SQUARE, 2.5, 5.0};
    ndp_style ref = {NDP_GREY, NDP_DASHED, 0, 2.0, 0}, s2 = {NDP_GREEN, NDP_DOTTED, NDP_PLUS, 2.0, 5.0};
    double e[3][N_TOL > N_SPAN ? N_TOL : N_SPAN], tl[2] = {tols[0], tols[N_TOL - 1]};
    ndp_panel *p;
    int k, i;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Invertibility: inputs integrated forward to z(T) and back to t = 0 (worst point; each point alone)");
    p = ndp_panel_at(fig, 0, 0);
    for (k = 0; k < 3; k++) {
        static const char *name[3] = {"plain Neural ODE", "augmented p = 1", "plain, untrained (its start)"};
        const ndp_style *sk = k == 0 ? &s0 : k == 1 ? &s1 : &s2;
        for (i = 0; i < N_TOL; i++) e[k][i] = fmin(rt[k][i].err, 1e3); /* a lost point (inf) drawn at 1e3 */
        ndp_line(p, tols, e[k], N_TOL, name[k], sk);
        ndp_scatter(p, tols, e[k], N_TOL, NULL, sk);
    }
    ndp_line(p, tl, tl, 2, "error = tol", &ref);
    ndp_log(p, 1, 1);
    label_panel(p, "reconstruction error against rtol = atol (T = 1)", "tolerance", "max |z_back(0) - z(0)|",
                NDP_LEGEND_TOP_LEFT);
    p = ndp_panel_at(fig, 0, 1);
    for (k = 0; k < 2; k++) {
        for (i = 0; i < N_SPAN; i++) e[k][i] = fmin(rs[k][i].err, 1e3);
        ndp_line(p, spans, e[k], N_SPAN, k ? "augmented p = 1" : "plain Neural ODE", k ? &s1 : &s0);
        ndp_scatter(p, spans, e[k], N_SPAN, NULL, k ? &s1 : &s0);
    }
    snprintf(lab, sizeof lab, "reconstruction error against the span T (tol %g)", span_tol);
    ndp_log(p, 1, 1);
    label_panel(p, lab, "T (the model was trained for T = 1)", "max error (lost points drawn at 1e3)",
                NDP_LEGEND_TOP_LEFT);
    finish(fig, dir, "ch13_invert");
}

/* ===================================================================== */
/* main                                                                   */
/* ===================================================================== */

typedef struct config { int p, ro_dim, seed_off; } config;

static void print_row(const train_log *lg)
{
    char name[64];
    printf("   %-28s %8.4f %8.4f %9.4f %10.3g %8.1f %8.1f %8.1f %7.1f\n", run_name(lg, name, sizeof name), lg->acc_final,
           lg->acc_test, lg->acc_circle, lg->loss_final, lg->nfe_first, lg->nfe_final, lg->nvjp_final, lg->seconds);
}

/* The first span whose reconstruction error exceeds 0.1 (-1: none). */
static double break_span(const double *spans, const recon *rs)
{
    int i;
    for (i = 0; i < N_SPAN; i++)
        if (!(rs[i].err <= 0.1)) return spans[i];
    return -1.0;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    const char *dir = quick ? "build/quick" : "plots";
    int nseeds = quick ? 1 : NSEEDS, iters = quick ? 20 : ITERS, stride = quick ? 300 : 15;
    static flip_run fr[2];
    static annuli d, fresh;
    static train_log lg[2 * NSEEDS + 2];
    static model md[2 * NSEEDS + 2];
    static const double tols[N_TOL] = {1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12};
    static const double spans[N_SPAN] = {1, 2, 4, 8, 16, 32, 64};
    static recon rt[3][N_TOL], rs[2][N_SPAN];
    static model start;
    static channel chan[NSEEDS];
    config cfg[2 * NSEEDS + 2];
    char msg[NDE_MSG_LEN];
    int k, i, nrun = 0, node, anode, claim = 1;
    double lo[2] = {1, 1}, hi[2] = {0, 0}, nlo[2] = {1e9, 1e9}, nhi[2] = {0, 0}, brk[2];
    clock_t c_all = clock();

    printf("Chapter 13: augmented Neural ODEs (%s mode), seed %d; figures under %s/\n\n", quick ? "quick" : "full", SEED, dir);

    /* 1. The flip on R, and with one more dimension. */
    printf("1. the flip g(-1) = 1, g(1) = -1 at T = 1 (net 1+p -> 32 -> 32 -> 1+p, ReLU; Adam 1e-3; %d steps)\n",
           quick ? 20 : FLIP_ITERS);
    for (k = 0; k < 2; k++)
        if (train_flip(k, quick ? 20 : FLIP_ITERS, &fr[k], msg)) { printf("   %s\n", msg); return 1; }
    printf("   %-22s %12s %12s\n", "model", "loss before", "loss after");
    printf("   %-22s %12.4g %12.4g   (any flow on R: >= 1, trajectories cannot cross)\n", "plain Neural ODE", fr[0].loss_first,
           fr[0].loss_final);
    printf("   %-22s %12.4g %12.4g\n\n", "augmented, p = 1", fr[1].loss_first, fr[1].loss_final);

    /* 2. Concentric annuli: the plain model and the augmented ones. */
    make_annuli(&d, SEED);
    make_annuli(&fresh, SEED + 1000);
    for (i = 0; i < nseeds; i++) { cfg[nrun].p = 0; cfg[nrun].ro_dim = 2; cfg[nrun++].seed_off = i; }
    for (i = 0; i < nseeds; i++) { cfg[nrun].p = 1; cfg[nrun].ro_dim = 3; cfg[nrun++].seed_off = i; }
    cfg[nrun].p = PMAX; cfg[nrun].ro_dim = 2 + PMAX; cfg[nrun++].seed_off = 0;
    cfg[nrun].p = 1; cfg[nrun].ro_dim = 2; cfg[nrun++].seed_off = 0; /* the tutorial's eq 23 to the letter */
    node = 0;
    anode = nseeds;
    printf("2. concentric annuli: %d points |x| <= 0.5 (label -1), %d on 1 <= |x| <= 1.5 (+1); read-out of [z; a](T);\n"
           "   dopri5 rtol = atol = %g; Adam 1e-3; batch %d; %d iterations; backprop through the solver\n",
           N_IN, N_OUT, TOL, BATCH, iters);
    printf("   %-28s %8s %8s %9s %10s %8s %8s %8s %7s\n", "model", "acc", "acc new", "circle", "loss", "nfe 1st",
           "nfe last", "vjp last", "cpu s");
    for (k = 0; k < nrun; k++) {
        if (train_annuli(&md[k], cfg[k].p, cfg[k].ro_dim, SEED + 1 + cfg[k].seed_off, iters, &d, &lg[k], msg) ||
            generalisation(&md[k], &fresh, &lg[k])) {
            printf("   %s\n", msg);
            return 1;
        }
        print_row(&lg[k]);
        fflush(stdout);
    }
    for (k = 0; k < 2 * nseeds; k++) {
        int q = k >= nseeds;
        lo[q] = fmin(lo[q], lg[k].acc_final); hi[q] = fmax(hi[q], lg[k].acc_final);
        nlo[q] = fmin(nlo[q], lg[k].nfe_final); nhi[q] = fmax(nhi[q], lg[k].nfe_final);
    }
    printf("   the plain model's -1 region must get out through the annulus (a homeomorphism keeps the disk\n"
           "   enclosed): the ray phi(0) - s w pulled back to t = 0 finds the channel\n");
    for (k = 0; k < nseeds; k++) {
        if (find_channel(&md[node + k], &chan[k])) { printf("   channel: a solve failed\n"); continue; }
        if (!chan[k].found) { printf("   seed %llu: the pulled-back ray did not reach |x| = 1.25\n", lg[node + k].seed); continue; }
        printf("   seed %llu: crosses |x| = 1.25 at (%.4f, %.4f), read-out there %.3g; -1 arc around it %.3g long\n",
               lg[node + k].seed, chan[k].x[0], chan[k].x[1], chan[k].r_pred, chan[k].width);
    }
    for (k = 0; k < nseeds; k++) claim &= lg[anode + k].acc_final >= 0.99 && lg[anode + k].nfe_final < lg[node + k].nfe_final;
    printf("   (acc: the 3000 training points; acc new: 3000 fresh points; circle: share of |x| = 1.25 read as +1;\n"
           "   nfe 1st / last: forward evaluations per iteration, mean of the first / last 50 iterations;\n"
           "   vjp last: the backward pass's vector-Jacobian products, last 50)\n");
    printf("   over %d seeds: plain accuracy %.4f .. %.4f, forward evaluations %.1f .. %.1f;\n"
           "                  p = 1 accuracy %.4f .. %.4f, forward evaluations %.1f .. %.1f\n\n",
           nseeds, lo[0], hi[0], nlo[0], nhi[0], lo[1], hi[1], nlo[1], nhi[1]);

    /* 3. Invertibility: back from z(T) to the inputs. */
    printf("3. invertibility (every %d-th training point, each solved alone forward to T and back to 0)\n", stride);
    { /* the plain model of the first seed before training: the reference */
        nde_rng rng;
        nde_rng_seed(&rng, lg[node].seed);
        if (model_init(&start, 0, &rng, msg)) { printf("   %s\n", msg); return 1; }
    }
    for (k = 0; k < 3; k++) {
        const model *m = k == 2 ? &start : &md[k ? anode : node];
        for (i = 0; i < N_TOL; i++) rt[k][i] = reconstruct(m, &d, stride, tols[i], T_END, tols[i] == 1e-8);
        for (i = 0; k < 2 && i < N_SPAN; i++) rs[k][i] = reconstruct(m, &d, stride, 1e-8, spans[i], 0);
        if (k < 2) brk[k] = break_span(spans, rs[k]);
    }
    model_free(&start);
    printf("   %-10s %14s %14s %14s %14s %16s\n", "tol", "plain: error", "error / tol", "p = 1: error", "error / tol",
           "untrained / tol");
    for (i = 0; i < N_TOL; i++)
        printf("   %-10.0e %14.3g %14.3g %14.3g %14.3g %16.3g\n", tols[i], rt[0][i].err, rt[0][i].err / tols[i],
               rt[1][i].err, rt[1][i].err / tols[i], rt[2][i].err / tols[i]);
    printf("   (untrained: the plain model's network before training, a near-identity flow: what the local\n"
           "   error control gives back on its own)\n");
    printf("   worst ||J^-1|| of the flow map (J = dz(T)/dz(0)): plain %.3g, p = 1 %.3g, untrained %.3g; the\n"
           "   forward error comes back multiplied by up to ||J^-1||: the flow squeezes, the way back stretches\n",
           rt[0][4].jinv, rt[1][4].jinv, rt[2][4].jinv);
    printf("   %-10s %14s %14s   (tol 1e-8; the models were trained for T = 1)\n", "span T", "plain: error", "p = 1: error");
    for (i = 0; i < N_SPAN; i++) printf("   %-10g %14.3g %14.3g\n", spans[i], rs[0][i].err, rs[1][i].err);
    printf("   reconstruction lost (error > 0.1) from T = %g (plain) and T = %g (p = 1); -1: not up to T = 64\n\n",
           brk[0], brk[1]);

    /* 4. Figures. */
    printf("4. figures\n");
    draw_flip(dir, fr);
    draw_flow(dir, &md[node], &md[anode], &d);
    {
        const model *mds[4];
        static const char *names[4] = {"plain Neural ODE", "augmented, p = 1", "augmented, p = 5",
                                       "p = 1, read-out of z only"};
        mds[0] = &md[node]; mds[1] = &md[anode]; mds[2] = &md[nrun - 2]; mds[3] = &md[nrun - 1];
        draw_regions(dir, mds, names, 4, &d, quick ? 41 : NG, &chan[0]);
    }
    draw_training(dir, lg, nrun);
    draw_invert(dir, tols, (const recon(*)[N_TOL])rt, spans, (const recon(*)[N_SPAN])rs, 1e-8);
    for (k = 0; k < nrun; k++) model_free(&md[k]);

    claim &= fr[0].loss_final > 0.99 && fr[1].loss_final < 1e-3;
    if (quick) claim = 1; /* 20 iterations prove nothing; only the numbers are checked */
    printf("\nclaim: the augmented model (p = 1) reaches accuracy >= 0.99 and ends with fewer forward evaluations per\n"
           "iteration than the plain model, in each of %d seeds; flip loss plain > 0.99, augmented < 1e-3%s: %s\n"
           "(%.1f s CPU)\n", nseeds,
           quick ? " (not checked in --quick)" : "", claim ? "holds" : "FAILS", (double)(clock() - c_all) / CLOCKS_PER_SEC);
    printf("RESULT chapter=13 flip_loss_node=%.6g flip_loss_anode=%.6g annuli_acc_node=%.6g annuli_acc_anode=%.6g "
           "nfe_final_node=%.4g nfe_final_anode=%.4g recon_err_node=%.4g recon_err_anode=%.4g recon_break_t_node=%g "
           "recon_break_t_anode=%g\n",
           fr[0].loss_final, fr[1].loss_final, lg[node].acc_final, lg[anode].acc_final, lg[node].nfe_final,
           lg[anode].nfe_final, rt[0][4].err, rt[1][4].err, brk[0], brk[1]);
    return claim ? 0 : 1;
}
