/* 08_memory.c: what a gradient costs in memory: backprop against the adjoint.

   You will learn
     - why backprop through the solver holds memory in proportion to the
       number of steps (it keeps every stage of every step, and with them
       the network's activations), and how many bytes that is per step;
     - that the backsolve adjoint holds the same bytes whatever the horizon,
       and what it pays instead: a second integration, backwards, with a
       vector-Jacobian product at every stage;
     - that the interpolating adjoint keeps the forward solution, so its
       memory grows with the steps too (a smaller constant than backprop's);
     - that kept activations make backprop faster only when its buffers are
       reused from call to call (fresh memory costs more than the
       arithmetic it saves), and what a byte budget for them does;
     - how far apart the three gradients are, against a tight reference.

   Sources
     "Neural ODEs" (Wiberg, 2025), §3, eqs 2-3: a layer's weight gradient is
     delta^(l) (a^(l-1))^T, "meaning back propagation needs to store all
     intermediate activations"; §4, eqs 6-7: with the adjoint "activations no
     longer need to be stored ... as they are now computed on the fly, making
     the program much less memory-intensive".
     "A Crash Course On Neural Ordinary Differential Equations" (Gaudreault,
     Taylor, Wei), slide "Training Neural ODEs (Option 1)": backpropagation
     through time is "memory intensive: must store all intermediate states",
     "often intractable for long time horizons"; Option 2, eq 13: the
     augmented backward system [z, a, dL/dtheta].
     "An Implementation of Neural Ordinary Differential Equations" (Arrieta),
     §2: method A stores the forward solution and interpolates it, method B
     solves it backwards with the adjoint.

   The experiment
     A Neural ODE dy/dt = W2 tanh(W1 y + b1) + b2 with D = 2 and 64 hidden
     units (322 parameters), whose weights are drawn so that its orbits close:
     W1, b1 random (seeded), b2 = 0 and W2 = c S W1^T with S = [[0, 1], [-1, 0]].
     Then f = c S grad Phi with Phi(y) = sum_j log cosh(w_j . y + b_j), and
     dPhi/dt = c grad Phi . S grad Phi = 0: every row circles on a level set
     of Phi forever, so the number of steps grows in proportion to the
     horizon T, which is what a long-horizon gradient looks like (a random
     tanh field instead drifts into saturation, where steps become huge and
     the point is lost). All 322 parameters are trainable; the construction
     only chooses their values.
     A batch of B = 4 initial states, the loss L = mean squared difference of
     y(T) from a fixed target, dopri5 at rtol 1e-6, atol 1e-8, horizons
     T = 1, 2, 4, ... (full: to 256, --quick: to 16). For each T, five ways to
     get dL/dtheta and dL/dy0:
       backprop (default)  through the solver, the network's activations kept
                           (up to the default budget, 64 MB: all of them here)
       backprop, 2 MB kept the first 2 MB of activations kept, later steps
                           recompute theirs
       backprop recompute  no activations kept: every vjp recomputes its
                           forward pass
       interp adjoint      method A: forward dense output kept
       backsolve adjoint   method B: y re-integrated backwards
     Measured: peak bytes held (nde_grad_stats.peak_bytes: the library counts
     every allocation of the call), forward steps, evaluations forwards and
     backwards, CPU time of a first call (fresh memory) and of later calls
     reusing the buffers (nde_grad_work, as nde_train does), and the
     gradient's relative distance ||g - g_ref|| / ||g_ref|| from a reference
     computed by backprop at rtol = atol = 1e-12.

   Claim (exit status, also in --quick mode)
     Backsolve holds the same bytes at every horizon. Fitting bytes = fixed
     + per_step x steps, backprop's and method A's per-step bytes are what
     their data layout says (record sizes below) to 30% (a store grown by a
     quarter at a time holds 1 to 1.25x what it needs). Every gradient is
     within 1e-3 of the reference up to T = 16 (relative).

   What the documents leave open, and what we chose
     - Wiberg says "much less memory-intensive" without numbers; the chapter
       gives them (bytes per step, bytes at the longest horizon) and the time
       the adjoint pays for it. "Computed on the fly" is exactly the backsolve
       adjoint's re-integration, which chapter 07 shows can fail on stiff
       problems: the memory saving is real, not free.
     - The crash course's "intractable for long time horizons" depends on the
       network and the batch: the chapter prints the horizon at which this
       network's backprop tape would reach 1 GB.
     - None of the documents weighs the choice inside backprop: keep the
       activations (as PyTorch's autograd does) or recompute them (as
       checkpointing does). Both are measured, cold and warm.

   Run
     make ch08                    (full: figures under plots/)
     build/08_memory --quick      (horizons to 16; figures under build/quick/)

   Figures (PNG + gnuplot .dat/.gp)
     ch08_memory.png   peak bytes against forward steps, log-log, the four
                       methods; the orbits of the batch over the longest T
     ch08_cost.png     CPU milliseconds per gradient (buffers reused) against
                       forward steps; each gradient's distance from the
                       reference against T
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

#define D 2
#define H 64             /* hidden units */
#define B 4              /* batch rows */
#define SEED 8
#define KMAX_FULL 8      /* horizons T = 2^0 .. 2^KMAX */
#define KMAX_QUICK 4
#define NM 5             /* gradient methods measured */
#define NORBIT 801       /* output times of the orbit panel */
#define I16 4            /* the horizon index of T = 16 = 2^4, the last one of --quick */

enum { KD, K2, KR, KI, KB }; /* the rows of mname */
static const char *mname[NM] = {"backprop (default)", "backprop, 2 MB kept", "backprop recompute", "interp adjoint",
                                "backsolve adjoint"};

/* One gradient call: what it cost and what it returned. */
typedef struct measure {
    int status;
    size_t bytes;
    long steps, fwd_nfe, bwd_nfe, nvjp;
    double ms, ms_cold, rel;        /* CPU ms (buffers reused, first call); distance from the reference */
    double g[H * D + H + D * H + D]; /* dL/dtheta (P) */
} measure;

/* ===================================================================== */
/* 1. The network with closed orbits                                      */
/* ===================================================================== */
/* Layer 0 (linear 2 -> 64) holds W1 (64,2) then b1 (64); layer 2 (linear
   64 -> 2) holds W2 (2,64) then b2 (2); m->layer[l].off locates them. */
static int build_net(nde_mlp *m, nde_rng *rng, char *msg)
{
    int widths[3] = {D, H, D}, j, i, st;
    double *W1, *b1, *W2, *b2, c = 1.5 / H;
    st = nde_mlp_dense(m, 3, widths, NDE_ACT_TANH, 0, msg);
    if (st) return st;
    W1 = m->params + m->layer[0].off;
    b1 = W1 + H * D;
    W2 = m->params + m->layer[2].off;
    b2 = W2 + D * H;
    for (i = 0; i < H * D; i++) W1[i] = nde_rng_normal(rng);
    for (j = 0; j < H; j++) b1[j] = 0.5 * nde_rng_normal(rng);
    for (j = 0; j < H; j++) {        /* W2 = c S W1^T: row 0 = c W1[:,1], row 1 = -c W1[:,0] */
        W2[0 * H + j] = c * W1[j * D + 1];
        W2[1 * H + j] = -c * W1[j * D + 0];
    }
    b2[0] = b2[1] = 0.0;
    return NDE_OK;
}

/* Phi(y) = sum_j log cosh(w_j . y + b_j): conserved along every orbit. */
static double phi(const nde_mlp *m, const double *y)
{
    const double *W1 = m->params + m->layer[0].off, *b1 = W1 + H * D;
    double s = 0.0;
    int j;
    for (j = 0; j < H; j++) {
        double z = fabs(W1[j * D] * y[0] + W1[j * D + 1] * y[1] + b1[j]);
        s += z + log1p(exp(-2.0 * z)) - log(2.0); /* log cosh z, overflow-free */
    }
    return s;
}

/* ===================================================================== */
/* 2. One gradient, measured                                              */
/* ===================================================================== */

static double cpu_ms(clock_t c0) { return 1e3 * (double)(clock() - c0) / CLOCKS_PER_SEC; }

/* ||a - ref|| / ||ref|| over the P parameters (the library's scaled 2-norm). */
static double rel_dist(int n, const double *a, const double *ref)
{
    double d[H * D + H + D * H + D];
    int i;
    for (i = 0; i < n; i++) d[i] = a[i] - ref[i];
    return nde_norm2(n, d) / nde_norm2(n, ref);
}

/* Method k of mname at horizon T with options o; the loss targets (2,B,D):
   row block 0 is y0 itself (no error at t = 0), row block 1 the target. */
static measure run_grad(const nde_system *sys, int k, double T, const nde_options *o, const double *y0,
                        const double *targets, int timed)
{
    measure r;
    double t[2] = {0.0, T}, L, gy0[B * D];
    nde_target tg = {targets, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    nde_grad_options go;
    nde_grad_work work;
    nde_grad_stats gs;
    clock_t c0;
    int rep;
    memset(&r, 0, sizeof r);
    memset(&go, 0, sizeof go);
    go.method = k == KI ? NDE_GRAD_INTERP : k == KB ? NDE_GRAD_BACKSOLVE : NDE_GRAD_BACKPROP;
    go.save_bytes = k == K2 ? 2L << 20 : k == KR ? -1 : 0; /* 0: the default budget, 64 MB */
    go.work = &work;                                      /* as a training loop: buffers reused */
    memset(&work, 0, sizeof work);
    c0 = clock();
    if (timed) nde_grad(sys, B, y0, 2, t, o, &go, &loss, &L, NULL, r.g, gy0, &gs); /* grows the buffers */
    r.ms_cold = cpu_ms(c0);
    c0 = clock();
    rep = 0;
    do { /* timed: repeat for at least 3 calls and 20 ms of CPU time */
        r.status = nde_grad(sys, B, y0, 2, t, o, &go, &loss, &L, NULL, r.g, gy0, &gs);
        rep++;
    } while (timed && !r.status && (rep < 3 || cpu_ms(c0) < 20.0));
    r.ms = cpu_ms(c0) / rep;
    nde_grad_work_free(&work);
    r.bytes = gs.peak_bytes;
    r.steps = gs.nsteps;
    r.fwd_nfe = gs.fwd.nfe;
    r.bwd_nfe = gs.bwd.nfe;
    r.nvjp = gs.nvjp;
    if (r.status) printf("   %s at T = %g: %s (%s)\n", mname[k], T, nde_status_name(r.status), gs.msg);
    return r;
}

/* Least squares y = a + b x over n points. */
static void linear_fit(int n, const double *x, const double *y, double *a, double *b)
{
    double mx = 0, my = 0, sxx = 0, sxy = 0;
    int i;
    for (i = 0; i < n; i++) { mx += x[i] / n; my += y[i] / n; }
    for (i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    *b = sxy / sxx;
    *a = my - *b * mx;
}

/* ===================================================================== */
/* 3. Figures                                                             */
/* ===================================================================== */

static void draw_memory(const char *dir, int nT, double steps[][16], double bytes[][16],
                        const nde_system *sys, const double *y0, double Tmax)
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 620, 1, 2, msg);
    ndp_panel *p;
    static double yo[NORBIT * B * D], to[NORBIT];
    nde_options o;
    nde_stats ss;
    int k, b, st;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "What a gradient holds: backprop and method A grow with the steps, backsolve does not");
    p = ndp_panel_at(fig, 0, 0);
    for (k = 0; k < NM; k++) {
        ndp_style s = {NDP_BLUE + k, k == K2 || k == KR ? NDP_DASHED : NDP_SOLID, 0, 3.0, 0};
        ndp_line(p, steps[k], bytes[k], nT, mname[k], &s);
    }
    ndp_log(p, 1, 1);
    ndp_title(p, "peak bytes of one gradient call (B = 4, 2-64-2 tanh)");
    ndp_xlabel(p, "forward steps (dopri5, rtol 1e-6)");
    ndp_ylabel(p, "bytes");
    ndp_legend(p, NDP_LEGEND_TOP_LEFT);
    p = ndp_panel_at(fig, 0, 1);
    memset(&o, 0, sizeof o);
    o.rtol = 1e-8;
    o.atol = 1e-10;
    nde_linspace(NORBIT, 0.0, Tmax, to);
    st = nde_solve(sys, B, y0, NORBIT, to, &o, yo, &ss);
    if (st != NDE_OK) printf("   orbits: %s: %s\n", nde_status_name(st), ss.msg);
    else {
        for (b = 0; b < B; b++) {
            char lab[48];
            snprintf(lab, sizeof lab, "row %d", b);
            ndp_line_strided(p, yo + b * D, B * D, yo + b * D + 1, B * D, NORBIT, lab, NULL);
        }
        ndp_scatter_strided(p, y0, D, y0 + 1, D, B, "y0", NULL);
    }
    ndp_title(p, "the batch's orbits (closed: Phi is conserved)");
    ndp_xlabel(p, "y1");
    ndp_ylabel(p, "y2");
    ndp_finish(fig, dir, "ch08_memory", msg);
    printf("   %s\n", msg);
}

static void draw_cost(const char *dir, int nT, const double *T, double steps[][16], double ms[][16],
                      double rel[][16])
{
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1500, 620, 1, 2, msg);
    ndp_panel *p, *q;
    int k;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "What the memory saving costs: time per gradient, and how far each gradient is from a tight one");
    p = ndp_panel_at(fig, 0, 0);
    q = ndp_panel_at(fig, 0, 1);
    for (k = 0; k < NM; k++) {
        ndp_style s = {NDP_BLUE + k, k == K2 || k == KR ? NDP_DASHED : NDP_SOLID, 0, 3.0, 0};
        ndp_line(p, steps[k], ms[k], nT, mname[k], &s);
        ndp_line(q, T, rel[k], nT, mname[k], &s);
    }
    ndp_log(p, 1, 1);
    ndp_title(p, "CPU time of one gradient call");
    ndp_xlabel(p, "forward steps");
    ndp_ylabel(p, "ms");
    ndp_legend(p, NDP_LEGEND_TOP_LEFT);
    ndp_log(q, 1, 1);
    ndp_title(q, "distance from backprop at rtol = atol = 1e-12");
    ndp_xlabel(q, "horizon T");
    ndp_ylabel(q, "||g - g_ref|| / ||g_ref||");
    ndp_legend(q, NDP_LEGEND_TOP_LEFT);
    ndp_finish(fig, dir, "ch08_cost", msg);
    printf("   %s\n", msg);
}

/* ===================================================================== */
/* main                                                                   */
/* ===================================================================== */

int main(int argc, char **argv)
{
    int quick = 0, args = ch_args_quick(argc, argv, &quick); /* --quick only; else usage, status 2 */
    const char *dir = quick ? "build/quick" : "plots";
    int kmax = quick ? KMAX_QUICK : KMAX_FULL, nT = kmax + 1, i, k, last, ok;
    static double T[16], steps[NM][16], bytes[NM][16], ms[NM][16], cold[NM][16], rel[NM][16];
    static measure r[NM];
    double y0[B * D], targets[2 * B * D], fixed[NM], per_step[NM], layout[NM];
    double phi_err = 0.0, worst_rel = 0.0, worst16 = 0.0;
    int flat;
    char msg[NDE_MSG_LEN];
    nde_mlp net;
    nde_system sys;
    nde_options o, tight;
    nde_rng rng;

    if (args >= 0) return args;

    printf("Chapter 08: what a gradient costs in memory: backprop against the adjoint (%s mode)\n",
           quick ? "quick" : "full");
    printf("seed %d; figures under %s/\n\n", SEED, dir);

    /* 1. The network, the batch and the loss. */
    nde_rng_seed(&rng, SEED);
    if (build_net(&net, &rng, msg) || nde_mlp_system(&net, &sys, msg)) {
        fprintf(stderr, "ch08: %s\n", msg);
        return 1;
    }
    for (i = 0; i < B * D; i++) y0[i] = nde_rng_normal(&rng);
    memcpy(targets, y0, sizeof y0);
    for (i = 0; i < B * D; i++) targets[B * D + i] = nde_rng_normal(&rng);
    printf("1. dy/dt = W2 tanh(W1 y + b1) + b2, D = %d, %d hidden units, %d parameters, W2 = c S W1^T (c = 1.5/%d)\n",
           D, H, sys.nparams, H);
    printf("   batch of %d initial states; L = mean squared distance of y(T) from a fixed target\n", B);
    printf("   saved per evaluation and row (f_save): %ld doubles (W1 y + b1 and its tanh)\n\n", sys.save_len);

    /* 2. The sweep over horizons. */
    memset(&o, 0, sizeof o);
    o.rtol = 1e-6;
    o.atol = 1e-8;
    tight = o;
    tight.rtol = tight.atol = 1e-12;
    printf("2. one gradient per method and horizon (dopri5, rtol 1e-6, atol 1e-8)\n");
    printf("   %5s  %-19s %6s %11s %8s %8s %8s %9s %9s\n", "T", "method", "steps", "peak bytes", "fwd nfe",
           "bwd nfe", "ms cold", "ms warm", "rel dist");
    for (i = 0; i < nT; i++) {
        measure ref;
        double yT[2 * B * D], t2[2];
        T[i] = ldexp(1.0, i);
        ref = run_grad(&sys, KR, T[i], &tight, y0, targets, 0);
        for (k = 0; k < NM; k++) {
            r[k] = run_grad(&sys, k, T[i], &o, y0, targets, 1);
            if (r[k].status || ref.status) return 1;
            steps[k][i] = (double)r[k].steps;
            bytes[k][i] = (double)r[k].bytes;
            ms[k][i] = r[k].ms;
            cold[k][i] = r[k].ms_cold;
            rel[k][i] = rel_dist(sys.nparams, r[k].g, ref.g);
            if (rel[k][i] > worst_rel) worst_rel = rel[k][i];
            printf("   %5g  %-19s %6ld %11zu %8ld %8ld %8.3f %9.3f %9.2e\n", T[i], mname[k], r[k].steps, r[k].bytes,
                   r[k].fwd_nfe, r[k].bwd_nfe + r[k].nvjp, r[k].ms_cold, r[k].ms, rel[k][i]);
        }
        t2[0] = 0.0;
        t2[1] = T[i];
        if (nde_solve(&sys, B, y0, 2, t2, &tight, yT, NULL) == NDE_OK)
            for (k = 0; k < B; k++) {
                double e = fabs(phi(&net, yT + B * D + k * D) - phi(&net, y0 + k * D)) / phi(&net, y0 + k * D);
                if (e > phi_err) phi_err = e;
            }
    }
    printf("   (bwd nfe: backward evaluations plus vector-Jacobian products; ms cold: a first call, fresh memory;\n"
           "   ms warm: later calls reusing the buffers; rel dist: from the reference)\n");
    printf("   largest relative change of Phi along any orbit (tight solve): %.1e: the orbits close\n\n", phi_err);
    last = nT - 1;

    /* 3. Bytes per step: the fit bytes = fixed + per_step * steps against what the layout says. */
    for (k = 0; k < NM; k++) linear_fit(nT, steps[k], bytes[k], &fixed[k], &per_step[k]);
    layout[KR] = 8.0 * (5 + 7 * B * D);                   /* t, h, t1, j0, j1, 7 stage rows */
    layout[KD] = layout[KR] + 8.0 * 7 * B * sys.save_len; /* and the 7 stages' activations */
    layout[K2] = -1.0;                                    /* the first 2 MB as KD, then as KR: two lines */
    layout[KI] = 8.0 * (3 + (2 + 7) * B * D);             /* t, h, t1, y, y1, 7 stage slopes */
    layout[KB] = 0.0;
    for (i = 1, flat = 1; i < nT; i++) flat &= bytes[KB][i] == bytes[KB][0];
    if (flat) per_step[KB] = 0.0; /* exactly, not the fit's rounding */
    printf("3. bytes held = fixed + per step x steps (least squares over the %d horizons)\n", nT);
    printf("   %-19s %12s %14s %22s\n", "method", "fixed", "per step", "the data layout says");
    for (k = 0; k < NM; k++) {
        if (layout[k] < 0) printf("   %-19s %12.0f %14.0f %22s\n", mname[k], fixed[k], per_step[k], "(two regimes)");
        else printf("   %-19s %12.0f %14.0f %22.0f\n", mname[k], fixed[k], per_step[k], layout[k]);
    }
    printf("   (a store grown by a quarter at a time holds 1 to 1.25x what it needs)\n");
    printf("   a 1 GB tape: backprop keeping activations after %.0f steps (T ~ %.0f here), recomputing after %.0f\n",
           1e9 / per_step[KD], 1e9 / per_step[KD] * T[last] / steps[KD][last], 1e9 / per_step[KR]);
    printf("   at T = %g (%g steps), bytes relative to backsolve: backprop %.0fx (2 MB kept: %.0fx, recompute:\n"
           "   %.1fx), interp %.1fx; warm CPU time relative to backprop: 2 MB kept %.2fx, recompute %.2fx,\n"
           "   interp %.2fx, backsolve %.2fx\n\n", T[last], steps[KD][last], bytes[KD][last] / bytes[KB][last],
           bytes[K2][last] / bytes[KB][last], bytes[KR][last] / bytes[KB][last], bytes[KI][last] / bytes[KB][last],
           ms[K2][last] / ms[KD][last], ms[KR][last] / ms[KD][last], ms[KI][last] / ms[KD][last],
           ms[KB][last] / ms[KD][last]);

    /* 4. Against the documents. */
    for (i = 0; i <= I16 && i < nT; i++)
        for (k = 0; k < NM; k++)
            if (rel[k][i] > worst16) worst16 = rel[k][i];
    printf("4. the documents' words against the measurement\n");
    printf("   Wiberg §4, \"much less memory-intensive\": backsolve holds %.0f bytes at every horizon, backprop\n"
           "   %.0f more per step; the price is time (backsolve %.2fx backprop's at T = %g) and reversibility\n"
           "   (chapter 07)\n", bytes[KB][last], per_step[KD], ms[KB][last] / ms[KD][last], T[last]);
    printf("   Wiberg eqs 2-3, \"store all intermediate activations\": keeping them is a choice, not a need.\n"
           "   Kept, they spare each vjp its forward pass: warm, backprop takes %.2fx the time of recomputing\n"
           "   at T = %g (%.1f MB kept); cold, %.2fx: fresh memory costs more than the arithmetic it saves,\n"
           "   so reuse the buffers (nde_grad_options.work; nde_train does)\n",
           ms[KD][last] / ms[KR][last], T[last], bytes[KD][last] / 1e6, cold[KD][last] / cold[KR][last]);
    printf("   crash course, BPTT \"must store all intermediate states\": so does method A (%.0f bytes per step)\n",
           per_step[KI]);
    printf("   the gradients' distance from the tight reference: at most %.1e up to T = 16", worst16);
    if (last > I16)
        printf(", %.1e at T = %g\n   (backprop %.1e, interp %.1e, backsolve %.1e): at a fixed tolerance a longer horizon\n"
               "   gives a less accurate gradient, whichever the method", worst_rel, T[last], rel[KD][last],
               rel[KI][last], rel[KB][last]);
    printf("\n\n");

    /* 5. Figures. */
    printf("5. figures\n");
    draw_memory(dir, nT, steps, bytes, &sys, y0, T[last]);
    draw_cost(dir, nT, T, steps, ms, rel);

    ok = flat && worst16 < 1e-3;
    for (k = 0; k < NM; k++)
        if (layout[k] > 0) ok &= fabs(per_step[k] / layout[k] - 1.0) < 0.3;
    printf("\nclaim: backsolve holds the same bytes at every horizon; backprop's and method A's bytes per step are\n"
           "the data layout's to 30%%; every gradient within 1e-3 of the reference up to T = 16: %s\n",
           ok ? "holds" : "FAILS");
    printf("RESULT chapter=08 bytes_per_step_backprop=%.6g bytes_per_step_backprop_recompute=%.6g "
           "bytes_per_step_interp=%.6g bytes_per_step_backsolve=%.6g bytes_ratio_backprop_backsolve=%.4g "
           "time_ratio_backsolve_backprop=%.4g grad_rel_diff_T16=%.3g\n",
           per_step[KD], per_step[KR], per_step[KI], per_step[KB], bytes[KD][last] / bytes[KB][last],
           ms[KB][last] / ms[KD][last], worst16);
    nde_mlp_free(&net);
    return ok ? 0 : 1;
}
