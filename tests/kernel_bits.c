/* kernel_bits.c: one 64-bit fingerprint (FNV-1a over the bytes) of the MLP's
   products on a wide and a narrow network and of a backprop gradient through
   dopri5. make check builds it with the portable flags and with
   -march=native -ffp-contract=off and requires the two prints to agree: the
   vector width the compiler picks must not change a single bit. */
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long kb_hash(unsigned long long h, long n, const double *x)
{
    const unsigned char *p = (const unsigned char *)x;
    size_t i;
    for (i = 0; i < (size_t)n * sizeof(double); i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* Every product of net at batch B, hashed into h. */
static unsigned long long kb_net(unsigned long long h, nde_mlp *m, int B, nde_rng *r)
{
    long D = (long)B * m->in_dim, O = (long)B * m->out_dim, P = m->nparams, i;
    double *x = (double *)calloc((size_t)(4 * D + 2 * O + 2 * P), sizeof(double));
    double *g, *out, *gx, *gp, *jv, *hx, *hp;
    if (!x) return 0;
    g = x + D; out = g + O; gx = out + O; gp = gx + D; jv = gp + P; hx = jv + D; hp = hx + D;
    for (i = 0; i < D; i++) x[i] = nde_rng_normal(r);
    for (i = 0; i < O; i++) g[i] = nde_rng_normal(r);
    nde_mlp_forward(m, B, x, 0.5, out);
    nde_mlp_vjp(m, B, x, 0.5, g, gx, gp, NULL);
    h = kb_hash(kb_hash(kb_hash(h, O, out), D, gx), P, gp);
    if (m->in_dim == m->out_dim) {
        nde_mlp_jvp(m, B, x, 0.5, x, NULL, jv);
        nde_mlp_grad_tangent(m, B, x, 0.5, g, x, gx, hx, hp);
        h = kb_hash(kb_hash(kb_hash(kb_hash(h, D, jv), D, gx), D, hx), P, hp);
    }
    free(x);
    return h;
}

int main(void)
{
    int wide[4] = {96, 160, 130, 96}, narrow[3] = {2, 50, 2}, k;
    double t[3] = {0.0, 0.5, 1.0}, y0[8 * 2], yt[3 * 8 * 2], gth[256], gy0[16];
    unsigned long long h = 14695981039346656037ULL;
    nde_mlp m;
    nde_rng r;
    nde_system sys;
    nde_grad_stats gs;
    nde_target tg;
    nde_loss loss;
    double L;
    nde_rng_seed(&r, 7);
    if (nde_mlp_dense(&m, 4, wide, NDE_ACT_TANH, 0, NULL)) return 1;
    nde_mlp_init_glorot(&m, &r);
    h = kb_net(h, &m, 150, &r);
    h = kb_net(h, &m, 1, &r);
    nde_mlp_free(&m);
    if (nde_mlp_dense(&m, 3, narrow, NDE_ACT_TANH, NDE_INPUT_CUBE, NULL)) return 1;
    nde_mlp_init_glorot(&m, &r);
    h = kb_net(h, &m, 20, &r);
    /* backprop through dopri5 on the narrow net: solver, loss and gradient bits */
    nde_mlp_system(&m, &sys, NULL);
    for (k = 0; k < 16; k++) y0[k] = nde_rng_normal(&r);
    for (k = 0; k < 48; k++) yt[k] = nde_rng_normal(&r);
    memset(&tg, 0, sizeof tg);
    tg.y = yt;
    memset(&loss, 0, sizeof loss);
    loss.point = nde_loss_mse;
    loss.ctx = &tg;
    if (nde_grad(&sys, 8, y0, 3, t, NULL, NULL, &loss, &L, NULL, gth, gy0, &gs) != NDE_OK) return 1;
    h = kb_hash(kb_hash(kb_hash(h, 1, &L), 16, gy0), m.nparams, gth);
    printf("%016llx\n", h);
    nde_mlp_free(&m);
    return 0;
}
