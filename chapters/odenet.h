/* odenet.h: the image classifiers of chapter 12, shared with bench/bench_odenet.c.

   Source: "A Crash Course On Neural Ordinary Differential Equations" (Gaudreault,
   Taylor, Wei), "Example 1: Classification with MNIST": z(0) = image features,
   dz/dt = f(z(t), t, theta), z(T) fed to a classifier. The exact model (issue 10, so
   that other implementations can be compared with it):

     z0     = tanh(W0 x + b0)              x = pixel / 255 (784), z0 in R^64
     dz/dt  = W2 tanh(W1 [z, t] + b1) + b2 65 -> 128 -> 64, t in [0, 1]
     logits = W3 z(1) + b3                 64 -> 10, softmax cross-entropy
     dopri5 rtol = atol = 1e-3, Adam lr 1e-3, batch 128 shuffled by a seeded stream

   and the comparisons, trained the same way: the ResNet of 6 Euler blocks of the same f
   with separate weights, z_{k+1} = z_k + f_k(z_k, k/6) / 6, and the plain MLP 784-64-10
   (the encoder and the head with nothing between). One Adam per part (encoder, f or each
   block, head): Adam is elementwise, so this is Adam over the whole flat block.

   Only the public API of neuralode.h. Include it after neuralode.h; every function is
   static. */
#ifndef CHAPTERS_ODENET_H
#define CHAPTERS_ODENET_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ODN_PIX 784     /* 28 x 28 inputs */
#define ODN_D 64        /* state width */
#define ODN_H 128       /* hidden width of f */
#define ODN_K 10        /* classes */
#define ODN_BATCH 128
#define ODN_BLOCKS 6    /* the ResNet's Euler blocks */
#define ODN_MAXPARTS (ODN_BLOCKS + 2)

enum { ODN_ODE_BACKPROP = 0, ODN_ODE_ADJOINT, ODN_RESNET, ODN_MLP };

/* A data set: images (n, 784) and labels (n) as IDX arrays, the labels as ints. */
typedef struct odn_data {
    nde_idx x, y;
    int *label;      /* (n) */
    long n;
} odn_data;

/* One model and everything its training step needs. */
typedef struct odn_model {
    int kind;                    /* ODN_ODE_BACKPROP ... ODN_MLP */
    int nparts;
    nde_mlp part[ODN_MAXPARTS];  /* encoder, then f (ODE) or the 6 blocks (ResNet), then the head */
    double *grad[ODN_MAXPARTS];  /* (P_part) gradients */
    nde_optim adam[ODN_MAXPARTS];
    nde_system sys;              /* dz/dt = f(z, t) (ODE kinds) */
    nde_options opt;             /* dopri5, rtol = atol = 1e-3 */
    nde_grad_options gopt;
    nde_grad_work work;
    double *x, *z, *gz, *a, *ga; /* x (B,784), z (BLOCKS+1,B,D), gz, a, ga (B,D) */
    long nfe_fwd, nfe_bwd;       /* evaluations of the last training step */
} odn_model;

/* Read DIR/<stem> or DIR/<stem>.gz into x. */
static int odn_read(const char *dir, const char *stem, nde_idx *x, char *msg)
{
    char path[1024];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, stem);
    f = fopen(path, "rb");
    if (f) fclose(f);
    else snprintf(path, sizeof path, "%s/%s.gz", dir, stem);
    return nde_idx_read(path, x, msg);
}

/* Load "train" or "t10k" images and labels of an MNIST-format directory (plain or .gz). */
static int odn_load(const char *dir, const char *which, odn_data *d, char *msg)
{
    char stem[64];
    long i;
    int rc;
    memset(d, 0, sizeof *d);
    snprintf(stem, sizeof stem, "%s-images-idx3-ubyte", which);
    rc = odn_read(dir, stem, &d->x, msg);
    if (rc == NDE_OK) {
        snprintf(stem, sizeof stem, "%s-labels-idx1-ubyte", which);
        rc = odn_read(dir, stem, &d->y, msg);
    }
    if (rc == NDE_OK && d->x.row != ODN_PIX) {
        snprintf(msg, NDE_MSG_LEN, "%s images have %ld pixels each, this model reads 28 x 28 = 784", which, d->x.row);
        rc = NDE_ERR_FORMAT;
    }
    if (rc == NDE_OK) rc = nde_idx_check_labels(&d->x, &d->y, ODN_K, msg);
    if (rc == NDE_OK) {
        d->n = d->x.dims[0];
        d->label = (int *)malloc((size_t)d->n * sizeof(int));
        for (i = 0; i < d->n; i++) d->label[i] = (int)nde_idx_value(&d->y, i);
    }
    return rc;
}

static void odn_data_free(odn_data *d)
{
    nde_idx_free(&d->x);
    nde_idx_free(&d->y);
    free(d->label);
    memset(d, 0, sizeof *d);
}

/* Build a model of the given kind, Glorot-uniform weights and zero biases from seed. */
static int odn_init(odn_model *m, int kind, unsigned long long seed)
{
    int wf[3] = {ODN_D, ODN_H, ODN_D}, wh[2] = {ODN_D, ODN_K}, i, rc = NDE_OK;
    nde_rng r;
    memset(m, 0, sizeof *m);
    m->kind = kind;
    nde_rng_seed(&r, seed);
    /* encoder 784 -> 64 tanh */
    rc = nde_mlp_init(&m->part[0], ODN_PIX, 0, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_linear(&m->part[0], ODN_D, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_act(&m->part[0], NDE_ACT_TANH, NULL);
    if (rc == NDE_OK) rc = nde_mlp_build(&m->part[0], NULL);
    m->nparts = 1;
    if (kind == ODN_ODE_BACKPROP || kind == ODN_ODE_ADJOINT)
        rc = rc ? rc : nde_mlp_dense(&m->part[m->nparts++], 3, wf, NDE_ACT_TANH, NDE_INPUT_TIME, NULL);
    if (kind == ODN_RESNET)
        for (i = 0; i < ODN_BLOCKS; i++) rc = rc ? rc : nde_mlp_dense(&m->part[m->nparts++], 3, wf, NDE_ACT_TANH, NDE_INPUT_TIME, NULL);
    rc = rc ? rc : nde_mlp_dense(&m->part[m->nparts++], 2, wh, NDE_ACT_TANH, 0, NULL);
    for (i = 0; rc == NDE_OK && i < m->nparts; i++) {
        nde_mlp_init_glorot(&m->part[i], &r);
        m->grad[i] = (double *)calloc((size_t)m->part[i].nparams, sizeof(double));
        rc = nde_optim_init(&m->adam[i], NDE_OPT_ADAM, m->part[i].nparams, 1e-3, NULL);
    }
    if (rc != NDE_OK) return rc;
    if (kind == ODN_ODE_BACKPROP || kind == ODN_ODE_ADJOINT) {
        nde_mlp_system(&m->part[1], &m->sys, NULL);
        m->opt.method = NDE_DOPRI5;
        m->opt.rtol = m->opt.atol = 1e-3;
        m->gopt.method = kind == ODN_ODE_ADJOINT ? NDE_GRAD_BACKSOLVE : NDE_GRAD_BACKPROP;
        m->gopt.work = &m->work;
    }
    m->x = (double *)malloc((size_t)ODN_BATCH * ODN_PIX * sizeof(double));
    m->z = (double *)malloc((size_t)(ODN_BLOCKS + 1) * ODN_BATCH * ODN_D * sizeof(double));
    m->gz = (double *)malloc((size_t)3 * ODN_BATCH * ODN_D * sizeof(double));
    m->a = m->gz + ODN_BATCH * ODN_D;
    m->ga = m->a + ODN_BATCH * ODN_D;
    return m->x && m->z && m->gz ? NDE_OK : NDE_ERR_NOMEM;
}

static long odn_params(const odn_model *m)
{
    long P = 0;
    int i;
    for (i = 0; i < m->nparts; i++) P += m->part[i].nparams;
    return P;
}

static void odn_free(odn_model *m)
{
    int i;
    for (i = 0; i < m->nparts; i++) {
        nde_mlp_free(&m->part[i]);
        free(m->grad[i]);
        nde_optim_free(&m->adam[i]);
    }
    nde_grad_work_free(&m->work);
    free(m->x);
    free(m->z);
    free(m->gz);
}

/* The loss and the gradient of every part (into m->grad) on the B images
   rows[first .. first+B) of d. The evaluations go to nfe_fwd / nfe_bwd (ODE: the solver's
   f calls forward, vjp calls (backprop) or the adjoint solve's evaluations backward;
   ResNet: 6 and 6). */
static int odn_grad(odn_model *m, const odn_data *d, const long *rows, long first, int B, double *loss, char *msg)
{
    nde_mlp *enc = &m->part[0], *head = &m->part[m->nparts - 1];
    nde_classifier c;
    nde_loss L;
    nde_grad_stats gs;
    double t[2] = {0.0, 1.0}, one = 1.0;
    int labels[ODN_BATCH], i, k, rc;
    long j;
    for (i = 0; i < B; i++) labels[i] = d->label[rows[first + i]];
    for (i = 0; i < m->nparts; i++) memset(m->grad[i], 0, (size_t)m->part[i].nparams * sizeof(double));
    memset(&c, 0, sizeof c);
    c.head = head;
    c.labels = labels;
    c.gparams = m->grad[m->nparts - 1];
    L.point = nde_loss_classify;
    L.running = NULL;
    L.ctx = &c;
    rc = nde_idx_rows(&d->x, first, B, rows, 1.0 / 255.0, m->x, msg);
    if (rc == NDE_OK) rc = nde_mlp_forward(enc, B, m->x, 0.0, m->z);
    m->nfe_fwd = m->nfe_bwd = 0;
    if (rc == NDE_OK && (m->kind == ODN_ODE_BACKPROP || m->kind == ODN_ODE_ADJOINT)) {
        rc = nde_grad(&m->sys, B, m->z, 2, t, &m->opt, &m->gopt, &L, loss, NULL, m->grad[1], m->gz, &gs);
        if (rc != NDE_OK) snprintf(msg, NDE_MSG_LEN, "nde_grad: %.200s", c.status ? c.msg : gs.msg);
        m->nfe_fwd = gs.fwd.nfe;
        m->nfe_bwd = m->kind == ODN_ODE_ADJOINT ? gs.bwd.nfe : gs.nvjp;
    } else if (rc == NDE_OK && m->kind == ODN_RESNET) {
        /* z_{k+1} = z_k + h f_k(z_k, t_k), then back: a_k = a_{k+1} + h (df_k/dz)^T a_{k+1} */
        double h = 1.0 / ODN_BLOCKS, *zk;
        for (k = 0; rc == NDE_OK && k < ODN_BLOCKS; k++) {
            zk = m->z + (size_t)k * B * ODN_D;
            rc = nde_mlp_forward(&m->part[1 + k], B, zk, k * h, zk + (size_t)B * ODN_D);
            for (j = 0; j < (long)B * ODN_D; j++) zk[B * ODN_D + j] = zk[j] + h * zk[B * ODN_D + j];
        }
        *loss = nde_loss_classify(&c, 1, B, ODN_D, &one, m->z + (size_t)ODN_BLOCKS * B * ODN_D, m->gz);
        for (k = ODN_BLOCKS - 1; rc == NDE_OK && k >= 0; k--) {
            for (j = 0; j < (long)B * ODN_D; j++) m->a[j] = h * m->gz[j];
            rc = nde_mlp_vjp(&m->part[1 + k], B, m->z + (size_t)k * B * ODN_D, k * h, m->a, m->gz, m->grad[1 + k], NULL);
        }
        m->nfe_fwd = m->nfe_bwd = ODN_BLOCKS;
    } else if (rc == NDE_OK) {
        *loss = nde_loss_classify(&c, 1, B, ODN_D, &one, m->z, m->gz);
    }
    if (rc == NDE_OK && c.status != NDE_OK) { rc = c.status; snprintf(msg, NDE_MSG_LEN, "%.200s", c.msg); }
    /* through the encoder: z0 = tanh(W0 x + b0) */
    if (rc == NDE_OK) rc = nde_mlp_vjp(enc, B, m->x, 0.0, m->gz, NULL, m->grad[0], NULL);
    return rc;
}

/* One training step: odn_grad, then Adam on every part. */
static int odn_step(odn_model *m, const odn_data *d, const long *rows, long first, int B, double *loss, char *msg)
{
    int i, rc = odn_grad(m, d, rows, first, B, loss, msg);
    for (i = 0; rc == NDE_OK && i < m->nparts; i++) rc = nde_optim_step(&m->adam[i], m->part[i].params, m->grad[i]);
    return rc;
}

/* Logits (B,K) of x (B,784) (B <= ODN_BATCH * 8 when given here through the caller's
   buffers). ODE kinds: solved at tolerance tol through the nt times t (nt >= 2, t[0] = 0,
   t[nt-1] = 1) with the states written to zt (nt,B,D) when not NULL; *nfe gets the
   solve's evaluations. z (nt or BLOCKS+1, B, D) is scratch. */
static int odn_logits(odn_model *m, int B, const double *x, double tol, int nt, const double *t, double *z,
                      double *logits, long *nfe, char *msg)
{
    nde_options o = m->opt;
    nde_stats st;
    double h = 1.0 / ODN_BLOCKS;
    const double *zT = z;
    long j;
    int k, rc = nde_mlp_forward(&m->part[0], B, x, 0.0, z);
    *nfe = 0;
    if (rc == NDE_OK && (m->kind == ODN_ODE_BACKPROP || m->kind == ODN_ODE_ADJOINT)) {
        double *z0 = (double *)malloc((size_t)B * ODN_D * sizeof(double));
        memcpy(z0, z, (size_t)B * ODN_D * sizeof(double));
        o.rtol = o.atol = tol;
        rc = nde_solve(&m->sys, B, z0, nt, t, &o, z, &st);
        if (rc != NDE_OK) snprintf(msg, NDE_MSG_LEN, "nde_solve: %.200s", st.msg);
        *nfe = st.nfe;
        zT = z + (size_t)(nt - 1) * B * ODN_D;
        free(z0);
    } else if (rc == NDE_OK && m->kind == ODN_RESNET) {
        for (k = 0; rc == NDE_OK && k < ODN_BLOCKS; k++) {
            double *zk = z + (size_t)k * B * ODN_D;
            rc = nde_mlp_forward(&m->part[1 + k], B, zk, k * h, zk + (size_t)B * ODN_D);
            for (j = 0; j < (long)B * ODN_D; j++) zk[B * ODN_D + j] = zk[j] + h * zk[B * ODN_D + j];
        }
        zT = z + (size_t)ODN_BLOCKS * B * ODN_D;
        *nfe = ODN_BLOCKS;
    }
    if (rc == NDE_OK) rc = nde_mlp_forward(&m->part[m->nparts - 1], B, zT, 1.0, logits);
    return rc;
}

/* A seeded shuffle of 0..n-1 (Fisher-Yates). */
static void odn_shuffle(nde_rng *r, long n, long *perm)
{
    long i, j, s;
    for (i = 0; i < n; i++) perm[i] = i;
    for (i = n - 1; i > 0; i--) {
        j = nde_rng_below(r, i + 1);
        s = perm[i]; perm[i] = perm[j]; perm[j] = s;
    }
}

/* Statistics of one epoch. */
typedef struct odn_epoch {
    int iters;
    double loss;           /* mean training loss over the epoch */
    double cpu_seconds;    /* CPU time of the training steps */
    double nfe_fwd, nfe_bwd; /* per iteration, means */
} odn_epoch;

/* One epoch: shuffle with r, then every full batch of ODN_BATCH (the last partial batch
   is dropped); max_iters > 0 stops earlier. */
static int odn_train_epoch(odn_model *m, const odn_data *d, nde_rng *r, int max_iters, odn_epoch *e, char *msg)
{
    long *perm = (long *)malloc((size_t)d->n * sizeof(long)), nb = d->n / ODN_BATCH, it;
    double loss = 0.0;
    clock_t c0 = clock();
    int rc = NDE_OK;
    memset(e, 0, sizeof *e);
    odn_shuffle(r, d->n, perm);
    if (max_iters > 0 && nb > max_iters) nb = max_iters;
    for (it = 0; rc == NDE_OK && it < nb; it++) {
        rc = odn_step(m, d, perm, it * ODN_BATCH, ODN_BATCH, &loss, msg);
        e->loss += loss;
        e->nfe_fwd += (double)m->nfe_fwd;
        e->nfe_bwd += (double)m->nfe_bwd;
        e->iters++;
    }
    e->cpu_seconds = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (e->iters > 0) {
        e->loss /= e->iters;
        e->nfe_fwd /= e->iters;
        e->nfe_bwd /= e->iters;
    }
    free(perm);
    return rc;
}

#endif
