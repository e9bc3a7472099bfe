/* timeaware.h: the tutorial's TimeAware-64 with a clock per row, shared by chapter 09
   and tests/test_timeaware.c.

   Source: "Neural ODEs: A Comprehensive Tutorial on Parameter-Efficient Continuous-Depth
   Models" (2025), §3.3 eqs 21-22 and §5.3.3:

     f(y, t) = NN([y^3 ; phi(t)]),   phi(t) = tanh(W_t t + b_t) in R^16,
     NN = 18 -> 64 -> tanh -> 64 -> tanh -> 2

   which is 5,506 network parameters plus 32 for the embedding: the document's 5,538.
   (The cube is the input of every model of §5, eqs 31-34.)

   Time per row. Training samples windows from different places of one trajectory, and
   a batch shares one time grid, 0 .. window length, so the solver's t is the time inside
   the window, not the time on the trajectory that eq 22 embeds. The model therefore
   carries its own clock as a third state component tau with dtau/dt = 1 and tau(0) =
   the row's start time: row b of a batch sees phi(t_start_b + s) at solver time s. The
   dynamics ignore the solver's t. The loss looks at the first two components only
   (nde_augment with D = 2: the clock is not data); the clock's own gradient column is
   whatever the chain rule gives and is never used.

   Layout of theta (P): [ network (net.nparams) | W_t (TA_E) | b_t (TA_E) ], the network
   first as the manual's "WRITING YOUR OWN DYNAMICS" asks, so nde_mlp_forward_at and
   nde_mlp_vjp_at read their part of the solver's theta directly.

   Only the public API of neuralode.h. Include it after neuralode.h; every function is
   static. */
#ifndef CHAPTERS_TIMEAWARE_H
#define CHAPTERS_TIMEAWARE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TA_D 2   /* visible state (y1, y2); the state row is (y1, y2, tau) */
#define TA_E 16  /* width of the time embedding phi */

typedef struct ta_model {
    nde_mlp net;     /* (TA_D + TA_E) -> H -> H -> TA_D */
    long P;          /* net.nparams + 2 TA_E */
    double *theta;   /* (P) owned */
    nde_system sys;  /* dim TA_D + 1, params = theta */
    double *x, *gx;  /* (cap, TA_D + TA_E) the network's inputs [y^3, phi(tau)] and their cotangents */
    double *g;       /* (cap, TA_D) the network's outputs or their cotangents */
    int cap;         /* rows the scratch holds */
} ta_model;

/* Grow the scratch to B rows; 0 or 1 (no memory). */
static int ta_scratch(ta_model *ta, int B)
{
    const int w = TA_D + TA_E;
    if (B <= ta->cap) return 0;
    free(ta->x);
    free(ta->gx);
    free(ta->g);
    ta->x = (double *)malloc(sizeof(double) * (size_t)B * w);
    ta->gx = (double *)malloc(sizeof(double) * (size_t)B * w);
    ta->g = (double *)malloc(sizeof(double) * (size_t)B * TA_D);
    ta->cap = ta->x && ta->gx && ta->g ? B : 0;
    return ta->cap ? 0 : 1;
}

/* x (B, TA_D + TA_E) = [y^3, tanh(W_t tau + b_t)] for the state rows y (B, TA_D + 1). */
static void ta_inputs(ta_model *ta, int B, const double *y, const double *theta)
{
    const double *Wt = theta + ta->net.nparams, *bt = Wt + TA_E;
    int b, j, k;
    for (b = 0; b < B; b++) {
        const double *yr = y + (size_t)b * (TA_D + 1);
        double *xr = ta->x + (size_t)b * (TA_D + TA_E);
        for (j = 0; j < TA_D; j++) xr[j] = yr[j] * yr[j] * yr[j];
        for (k = 0; k < TA_E; k++) xr[TA_D + k] = tanh(Wt[k] * yr[TA_D] + bt[k]);
    }
}

/* dydt (B, 3) = (NN([y^3, phi(tau)]), 1). */
static int ta_f(void *ctx, double t, int B, const double *y, const double *theta, double *dydt)
{
    ta_model *ta = (ta_model *)ctx;
    int b, j, st;
    (void)t;
    if (ta_scratch(ta, B)) return 1;
    ta_inputs(ta, B, y, theta);
    st = nde_mlp_forward_at(&ta->net, theta, B, ta->x, 0.0, ta->g);
    for (b = 0; b < B; b++) {
        for (j = 0; j < TA_D; j++) dydt[b * (TA_D + 1) + j] = ta->g[b * TA_D + j];
        dydt[b * (TA_D + 1) + TA_D] = 1.0; /* the clock */
    }
    return st;
}

/* With a (B, 3): gy += a^T df/dy (the cube's 3 y^2 and the embedding's W_t (1 - phi^2)
   for the clock column), gth += the network's part, then d/dW_t = tau (1 - phi^2) gx_phi
   and d/db_t = (1 - phi^2) gx_phi. The clock's own cotangent a[.][2] meets a constant
   derivative (1) and contributes nothing. Autonomous in the solver's t: gt untouched. */
static int ta_vjp(void *ctx, double t, int B, const double *y, const double *theta, const double *a,
                  double *gy, double *gth, double *gt)
{
    ta_model *ta = (ta_model *)ctx;
    const double *Wt = theta + ta->net.nparams;
    const int w = TA_D + TA_E;
    int b, j, k, st;
    (void)t;
    (void)gt;
    if (ta_scratch(ta, B)) return 1;
    ta_inputs(ta, B, y, theta);
    for (b = 0; b < B; b++)
        for (j = 0; j < TA_D; j++) ta->g[b * TA_D + j] = a[b * (TA_D + 1) + j];
    memset(ta->gx, 0, sizeof(double) * (size_t)B * w);
    st = nde_mlp_vjp_at(&ta->net, theta, B, ta->x, 0.0, ta->g, ta->gx, gth, NULL);
    if (st) return st;
    for (b = 0; b < B; b++) {
        const double *yr = y + (size_t)b * (TA_D + 1), *xr = ta->x + (size_t)b * w, *gr = ta->gx + (size_t)b * w;
        for (j = 0; j < TA_D && gy; j++) gy[b * (TA_D + 1) + j] += gr[j] * 3.0 * yr[j] * yr[j];
        for (k = 0; k < TA_E; k++) {
            double s = gr[TA_D + k] * (1.0 - xr[TA_D + k] * xr[TA_D + k]); /* d/d(W_t tau + b_t) */
            if (gy) gy[b * (TA_D + 1) + TA_D] += s * Wt[k];
            if (gth) {
                gth[ta->net.nparams + k] += s * yr[TA_D];
                gth[ta->net.nparams + TA_E + k] += s;
            }
        }
    }
    return NDE_OK;
}

static void ta_free(ta_model *ta)
{
    nde_mlp_free(&ta->net);
    free(ta->theta);
    free(ta->x);
    free(ta->gx);
    free(ta->g);
    memset(ta, 0, sizeof *ta);
}

/* Build TimeAware-H: the network (18 -> H -> tanh -> H -> tanh -> 2) with Glorot weights
   and zero biases drawn from rng, W_t Glorot for a 1 -> TA_E layer, b_t = 0; sys ready.
   sys.ctx points at ta: keep the struct where it is while sys is in use.
   Returns NDE_OK or the library's status (msg says why); on failure ta holds nothing. */
static int ta_build(ta_model *ta, int H, nde_rng *rng, char *msg)
{
    int st, k, widths[4];
    double s = sqrt(6.0 / (1 + TA_E));
    memset(ta, 0, sizeof *ta);
    widths[0] = TA_D + TA_E;
    widths[1] = widths[2] = H;
    widths[3] = TA_D;
    st = nde_mlp_dense(&ta->net, 4, widths, NDE_ACT_TANH, 0, msg);
    if (st) return st;
    nde_mlp_init_glorot(&ta->net, rng);
    ta->P = ta->net.nparams + 2 * TA_E;
    ta->theta = (double *)calloc((size_t)ta->P, sizeof(double));
    if (!ta->theta) {
        if (msg) snprintf(msg, NDE_MSG_LEN, "TimeAware: no memory for %ld parameters", ta->P);
        ta_free(ta);
        return NDE_ERR_NOMEM;
    }
    memcpy(ta->theta, ta->net.params, sizeof(double) * (size_t)ta->net.nparams);
    for (k = 0; k < TA_E; k++) ta->theta[ta->net.nparams + k] = s * (2.0 * nde_rng_uniform(rng) - 1.0);
    ta->sys.dim = TA_D + 1;
    ta->sys.nparams = (int)ta->P;
    ta->sys.params = ta->theta;
    ta->sys.ctx = ta;
    ta->sys.f = ta_f;
    ta->sys.vjp = ta_vjp;
    return NDE_OK;
}

#endif
