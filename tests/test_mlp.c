/* test_mlp.c: the MLP and its products (micrograd style: every product
   against central finite differences, the forward against a naive
   reference written straight from the layer equations), parameter counts
   of the tutorial's architectures, initialisation statistics, the Neural
   ODE and Hamiltonian systems, and the error statuses. */
#include "neuralode.h"
#include "check.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TM_EPS 1e-6 /* central difference step */
#define TM_TOL 1e-6 /* relative error allowed against finite differences */
#define TM_MAX 256  /* largest B*width used by the small test networks */

/* max |a - b| / max |b|: the error of a product measured against its size */
static double tm_rel(int n, const double *a, const double *b)
{
    double num = 0.0, den = 0.0;
    int i;
    for (i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]);
        if (d != d) return INFINITY;
        if (d > num) num = d;
        if (fabs(b[i]) > den) den = fabs(b[i]);
    }
    return num / (den > 1e-12 ? den : 1e-12);
}

static double tm_max(double a, double b) { return a > b ? a : b; }

static void tm_fill(nde_rng *r, long n, double *x, double s)
{
    long i;
    for (i = 0; i < n; i++) x[i] = s * nde_rng_normal(r);
}

static double *tm_alloc(long n)
{
    double *p = (double *)calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    if (!p) { fprintf(stderr, "test_mlp: out of memory\n"); exit(2); }
    return p;
}

/* ---------------------------------------------------------------------- */
/* A reference forward pass, one row at a time, from the layer equations   */
/* ---------------------------------------------------------------------- */

static double tm_act(int act, double z)
{
    switch (act) {
    case NDE_ACT_TANH: return tanh(z);
    case NDE_ACT_SOFTPLUS: return log(1.0 + exp(z)); /* fine for the |z| < 30 used here */
    case NDE_ACT_RELU: return z > 0 ? z : 0.0;
    case NDE_ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    default: return z;
    }
}

/* out (B,out_dim) = net(x, t); returns the smallest |input| of any activation
   (to keep relu away from its kink). */
static double tm_ref_forward(const nde_mlp *m, int B, const double *x, double t, double *out)
{
    double a[TM_MAX], b[TM_MAX], zmin = INFINITY;
    int r, l, i, o, w;
    for (r = 0; r < B; r++) {
        w = m->in_dim;
        for (i = 0; i < m->in_dim; i++) {
            double xi = x[r * m->in_dim + i];
            a[i] = (m->flags & NDE_INPUT_CUBE) ? xi * xi * xi : xi;
        }
        if (m->flags & NDE_INPUT_TIME) a[w++] = t;
        for (l = 0; l < m->nlayers; l++) {
            const nde_layer *L = &m->layer[l];
            for (o = 0; o < L->out; o++) {
                double z;
                if (L->kind == NDE_LAYER_ACT) {
                    z = a[o];
                    b[o] = tm_act(L->act, z);
                } else {
                    z = L->b[o];
                    for (i = 0; i < L->in; i++) z += L->W[o * L->in + i] * a[i];
                    b[o] = L->kind == NDE_LAYER_LINEAR ? z : a[o] + tm_act(L->act, z);
                }
                if (L->kind != NDE_LAYER_LINEAR && fabs(z) < zmin) zmin = fabs(z);
            }
            w = L->out;
            memcpy(a, b, (size_t)w * sizeof(double));
        }
        memcpy(out + r * w, a, (size_t)w * sizeof(double));
    }
    return zmin;
}

/* ---------------------------------------------------------------------- */
/* Parameter counts of the tutorial's architectures, and the views         */
/* ---------------------------------------------------------------------- */

/* Residual-64 of the tutorial (eqs 18-20): f = W3 (z + tanh(W2 z + b2)) + b3,
   z = tanh(W1 h^3 + b1). */
static int tm_residual64(nde_mlp *m, char *msg)
{
    int st = nde_mlp_init(m, 2, NDE_INPUT_CUBE, msg);
    if (!st) st = nde_mlp_add_linear(m, 64, msg);
    if (!st) st = nde_mlp_add_act(m, NDE_ACT_TANH, msg);
    if (!st) st = nde_mlp_add_residual(m, NDE_ACT_TANH, msg);
    if (!st) st = nde_mlp_add_linear(m, 2, msg);
    if (!st) st = nde_mlp_build(m, msg);
    return st;
}

static void tm_test_counts(void)
{
    nde_mlp m;
    char msg[NDE_MSG_LEN] = "";
    /* the dense baseline, eqs 31-34: three tanh layers of 128 on h^3, then linear */
    int base[5] = {2, 128, 128, 128, 2}, c64[4] = {2, 64, 64, 2}, c96[4] = {2, 96, 96, 2};
    int st = tm_residual64(&m, msg);
    CHECK("Residual-64 builds", st == NDE_OK);
    CHECK_ABS("Residual-64 parameter count (tutorial: 4,482)", (double)m.nparams, 4482, 0);
    CHECK("Residual-64 views: L0.W at 0, L0.b at 128, L2.W at 192, L3.W at 4352",
          m.layer[0].W == m.params && m.layer[0].b == m.params + 128 && m.layer[1].W == NULL &&
          m.layer[1].off == -1 && m.layer[2].off == 192 && m.layer[2].b == m.params + 192 + 4096 &&
          m.layer[3].off == 4352 && m.layer[3].b == m.params + 4352 + 128);
    CHECK("layer names L0..L3", !strcmp(m.layer[0].name, "L0") && !strcmp(m.layer[3].name, "L3"));
    CHECK("Residual-64 out_dim 2", m.out_dim == 2);
    nde_mlp_free(&m);

    st = nde_mlp_dense(&m, 5, base, NDE_ACT_TANH, NDE_INPUT_CUBE, msg);
    CHECK("dense 2-128-128-128-2 builds", st == NDE_OK);
    CHECK_ABS("dense baseline 128x4 (4 linear layers) parameter count (tutorial: 33,666)",
              (double)m.nparams, 33666, 0);
    CHECK("dense baseline has 7 layers (linear, tanh alternating)", m.nlayers == 7 &&
          m.layer[1].kind == NDE_LAYER_ACT && m.layer[6].kind == NDE_LAYER_LINEAR);
    nde_mlp_free(&m);
    st = nde_mlp_dense(&m, 4, c64, NDE_ACT_TANH, NDE_INPUT_CUBE, msg);
    CHECK_ABS("Compact-64 2-64-64-2 parameter count (tutorial: 4,482)", (double)m.nparams, 4482, 0);
    nde_mlp_free(&m);
    st = nde_mlp_dense(&m, 4, c96, NDE_ACT_TANH, NDE_INPUT_CUBE, msg);
    CHECK_ABS("Compact-96 2-96-96-2 parameter count (tutorial: 9,794)", (double)m.nparams, 9794, 0);
    nde_mlp_free(&m);
    (void)st;
}

/* ---------------------------------------------------------------------- */
/* Initialisation statistics                                              */
/* ---------------------------------------------------------------------- */

static void tm_test_init(void)
{
    nde_mlp m, m2;
    nde_rng r;
    int widths[2] = {300, 200}, i, bias_zero = 1, same = 1;
    long n = 300L * 200, k;
    double s = sqrt(6.0 / 500.0), mx = 0, mean = 0, var = 0;
    nde_mlp_dense(&m, 2, widths, NDE_ACT_TANH, 0, NULL);
    for (i = 0; i < 200; i++) m.layer[0].b[i] = 1.0; /* must be reset */
    nde_rng_seed(&r, 42);
    nde_mlp_init_glorot(&m, &r);
    for (k = 0; k < n; k++) {
        double w = m.layer[0].W[k];
        if (fabs(w) > mx) mx = fabs(w);
        mean += w;
    }
    mean /= n;
    for (k = 0; k < n; k++) var += (m.layer[0].W[k] - mean) * (m.layer[0].W[k] - mean);
    var /= n - 1;
    for (i = 0; i < 200; i++) bias_zero &= m.layer[0].b[i] == 0.0;
    printf("      glorot 300->200: s = %.6f max|W| = %.6f mean = %.2e var = %.6e (s^2/3 = %.6e)\n",
           s, mx, mean, var, s * s / 3);
    CHECK_LE("glorot: max |W| <= s = sqrt(6/(in+out))", mx, s);
    CHECK("glorot: max |W| > 0.999 s (the bound is reached)", mx > 0.999 * s);
    CHECK_ABS("glorot: mean of 60000 weights ~ 0 (4 standard errors)", mean, 0.0, 4 * s / sqrt(3.0 * n));
    CHECK_REL("glorot: variance = s^2/3", var, s * s / 3, 0.03);
    CHECK("glorot: biases zero", bias_zero);

    nde_rng_seed(&r, 7);
    nde_mlp_init_normal(&m, &r, 0.3);
    mean = var = 0;
    for (k = 0; k < n; k++) mean += m.layer[0].W[k];
    mean /= n;
    for (k = 0; k < n; k++) var += (m.layer[0].W[k] - mean) * (m.layer[0].W[k] - mean);
    var /= n - 1;
    printf("      normal(0, 0.3): mean = %.2e std = %.6f\n", mean, sqrt(var));
    CHECK_ABS("normal: mean of 60000 weights ~ 0 (4 standard errors)", mean, 0.0, 4 * 0.3 / sqrt((double)n));
    CHECK_REL("normal: std = sigma = 0.3", sqrt(var), 0.3, 0.02);

    nde_mlp_dense(&m2, 2, widths, NDE_ACT_TANH, 0, NULL);
    nde_rng_seed(&r, 7);
    nde_mlp_init_normal(&m2, &r, 0.3);
    for (k = 0; k < m.nparams; k++) same &= m.params[k] == m2.params[k];
    CHECK("normal: same seed, same parameters", same);
    nde_mlp_free(&m);
    nde_mlp_free(&m2);
}

/* ---------------------------------------------------------------------- */
/* Every product against central finite differences                        */
/* ---------------------------------------------------------------------- */

/* gout . net(x, t) */
static double tm_loss(nde_mlp *m, int B, const double *x, double t, const double *gout)
{
    double y[TM_MAX], s = 0;
    int i;
    nde_mlp_forward(m, B, x, t, y);
    for (i = 0; i < B * m->out_dim; i++) s += gout[i] * y[i];
    return s;
}

/* g = (dnet/dx)^T gout, written */
static void tm_grad_x(nde_mlp *m, int B, const double *x, double t, const double *gout, double *g)
{
    memset(g, 0, (size_t)B * m->in_dim * sizeof(double));
    nde_mlp_vjp(m, B, x, t, gout, g, NULL, NULL);
}

/* err[0..5]: vjp-x, vjp-p, vjp-t, jvp, grad_tangent hx, grad_tangent hp;
   err[6]: grad_tangent gx against the vjp (should be ~ 0). */
static void tm_products(nde_mlp *m, int B, const double *x, double t, nde_rng *r, double err[7])
{
    int D = m->in_dim, O = m->out_dim, n = B * D, no = B * O, i;
    long P = m->nparams, k;
    double gout[TM_MAX], v[TM_MAX], u[TM_MAX], xp[TM_MAX], gx[TM_MAX], fd[TM_MAX];
    double y0[TM_MAX], yp[TM_MAX], ym[TM_MAX], jv[TM_MAX], out[TM_MAX];
    double g2[TM_MAX], gp2[TM_MAX], hx[TM_MAX], gt = 0, fdt;
    double *gp = tm_alloc(P), *fdp = tm_alloc(P), *hp = tm_alloc(P), *gpp = tm_alloc(P), *gpm = tm_alloc(P);
    tm_fill(r, no, gout, 1.0);
    tm_fill(r, n, v, 1.0);
    tm_fill(r, n, u, 1.0);
    (void)gp2;

    /* vjp */
    memset(gx, 0, sizeof gx);
    nde_mlp_vjp(m, B, x, t, gout, gx, gp, &gt);
    memcpy(xp, x, (size_t)n * sizeof(double));
    for (i = 0; i < n; i++) {
        double lp, lm;
        xp[i] = x[i] + TM_EPS; lp = tm_loss(m, B, xp, t, gout);
        xp[i] = x[i] - TM_EPS; lm = tm_loss(m, B, xp, t, gout);
        xp[i] = x[i];
        fd[i] = (lp - lm) / (2 * TM_EPS);
    }
    err[0] = tm_rel(n, gx, fd);
    for (k = 0; k < P; k++) {
        double pk = m->params[k], lp, lm;
        m->params[k] = pk + TM_EPS; lp = tm_loss(m, B, x, t, gout);
        m->params[k] = pk - TM_EPS; lm = tm_loss(m, B, x, t, gout);
        m->params[k] = pk;
        fdp[k] = (lp - lm) / (2 * TM_EPS);
    }
    err[1] = tm_rel((int)P, gp, fdp);
    fdt = (tm_loss(m, B, x, t + TM_EPS, gout) - tm_loss(m, B, x, t - TM_EPS, gout)) / (2 * TM_EPS);
    if (m->flags & NDE_INPUT_TIME) err[2] = tm_rel(1, &gt, &fdt);
    else err[2] = fabs(gt); /* no time column: exactly zero */

    /* jvp */
    nde_mlp_forward(m, B, x, t, y0);
    nde_mlp_jvp(m, B, x, t, v, out, jv);
    for (i = 0; i < n; i++) xp[i] = x[i] + TM_EPS * v[i];
    nde_mlp_forward(m, B, xp, t, yp);
    for (i = 0; i < n; i++) xp[i] = x[i] - TM_EPS * v[i];
    nde_mlp_forward(m, B, xp, t, ym);
    for (i = 0; i < no; i++) fd[i] = (yp[i] - ym[i]) / (2 * TM_EPS);
    err[3] = tm_max(tm_rel(no, jv, fd), tm_rel(no, out, y0) * 1e6); /* out must equal forward */

    /* grad_tangent: hx against the vjp moved along u */
    memset(hx, 0, sizeof hx);
    memset(hp, 0, (size_t)P * sizeof(double));
    nde_mlp_grad_tangent(m, B, x, t, gout, u, g2, hx, hp);
    err[6] = tm_rel(n, g2, gx);
    {
        double gpl[TM_MAX], gmi[TM_MAX];
        for (i = 0; i < n; i++) xp[i] = x[i] + TM_EPS * u[i];
        tm_grad_x(m, B, xp, t, gout, gpl);
        memset(gpp, 0, (size_t)P * sizeof(double));
        nde_mlp_vjp(m, B, xp, t, gout, NULL, gpp, NULL);
        for (i = 0; i < n; i++) xp[i] = x[i] - TM_EPS * u[i];
        tm_grad_x(m, B, xp, t, gout, gmi);
        memset(gpm, 0, (size_t)P * sizeof(double));
        nde_mlp_vjp(m, B, xp, t, gout, NULL, gpm, NULL);
        for (i = 0; i < n; i++) fd[i] = (gpl[i] - gmi[i]) / (2 * TM_EPS);
        err[4] = tm_rel(n, hx, fd);
        /* hp two ways: (a) d/dp (g . u) one parameter at a time;
           (b) the parameter gradient moved along u (mixed partials commute) */
        for (k = 0; k < P; k++) {
            double pk = m->params[k], sp = 0, sm = 0;
            m->params[k] = pk + TM_EPS; tm_grad_x(m, B, x, t, gout, gpl);
            m->params[k] = pk - TM_EPS; tm_grad_x(m, B, x, t, gout, gmi);
            m->params[k] = pk;
            for (i = 0; i < n; i++) { sp += gpl[i] * u[i]; sm += gmi[i] * u[i]; }
            fdp[k] = (sp - sm) / (2 * TM_EPS);
        }
        err[5] = tm_rel((int)P, hp, fdp);
        for (k = 0; k < P; k++) fdp[k] = (gpp[k] - gpm[k]) / (2 * TM_EPS);
        err[5] = tm_max(err[5], tm_rel((int)P, hp, fdp));
    }
    free(gp); free(fdp); free(hp); free(gpp); free(gpm);
}

/* D -> linear 6 -> act -> residual(act) -> residual(act) -> linear O: every
   layer kind, and every layer but the last followed by a nonlinear one (so
   the tangents of the cotangents are non-zero where they enter each rule) */
static int tm_net(nde_mlp *m, int D, int flags, const int act[3], int O, nde_rng *r)
{
    int st = nde_mlp_init(m, D, flags, NULL);
    if (!st) st = nde_mlp_add_linear(m, 6, NULL);
    if (!st) st = nde_mlp_add_act(m, act[0], NULL);
    if (!st) st = nde_mlp_add_residual(m, act[1], NULL);
    if (!st) st = nde_mlp_add_residual(m, act[2], NULL);
    if (!st) st = nde_mlp_add_linear(m, O, NULL);
    if (!st) st = nde_mlp_build(m, NULL);
    if (!st) tm_fill(r, m->nparams, m->params, 0.6); /* biases too */
    return st;
}

static void tm_test_products(void)
{
    /* one network per activation, then two mixing them (a relu before a
       curved activation is the only place its s' meets a non-zero dgy) */
    static const char *actname[NDE_ACT_COUNT + 3] = {"identity", "tanh", "softplus", "relu", "sigmoid",
                                                     "mix-rts", "mix-srt", "mix-isr"};
    static const int acts[NDE_ACT_COUNT + 3][3] = {
        {NDE_ACT_IDENTITY, NDE_ACT_IDENTITY, NDE_ACT_IDENTITY}, {NDE_ACT_TANH, NDE_ACT_TANH, NDE_ACT_TANH},
        {NDE_ACT_SOFTPLUS, NDE_ACT_SOFTPLUS, NDE_ACT_SOFTPLUS}, {NDE_ACT_RELU, NDE_ACT_RELU, NDE_ACT_RELU},
        {NDE_ACT_SIGMOID, NDE_ACT_SIGMOID, NDE_ACT_SIGMOID}, {NDE_ACT_RELU, NDE_ACT_TANH, NDE_ACT_SOFTPLUS},
        {NDE_ACT_SIGMOID, NDE_ACT_RELU, NDE_ACT_TANH}, {NDE_ACT_IDENTITY, NDE_ACT_SIGMOID, NDE_ACT_RELU}};
    static const char *flagname[4] = {"plain", "cube", "time", "cube+time"};
    static const char *errname[7] = {"vjp-x", "vjp-p", "vjp-t", "jvp", "hvp-x", "hvp-p", "gx"};
    double worst[7] = {0, 0, 0, 0, 0, 0, 0};
    int act, flags, B = 3, D = 3, O = 2, j;
    nde_rng r;
    nde_rng_seed(&r, 2025);
    for (act = 0; act < NDE_ACT_COUNT + 3; act++) {
        for (flags = 0; flags < 4; flags++) {
            nde_mlp m;
            double x[TM_MAX], ref[TM_MAX], y[TM_MAX], err[7], zmin = 0, e = 0, t = 0.7;
            char name[128];
            int tries = 0;
            /* redraw until every activation input is away from 0 (the relu kink) */
            do {
                if (tries) nde_mlp_free(&m);
                tm_net(&m, D, flags, acts[act], O, &r);
                tm_fill(&r, B * D, x, 0.9);
                zmin = tm_ref_forward(&m, B, x, t, ref);
            } while (zmin < 1e-3 && ++tries < 100);
            nde_mlp_forward(&m, B, x, t, y);
            snprintf(name, sizeof name, "forward %s %s = reference", actname[act], flagname[flags]);
            CHECK_LE(name, tm_rel(B * O, y, ref), 1e-13);
            tm_products(&m, B, x, t, &r, err);
            for (j = 0; j < 6; j++) e = tm_max(e, err[j]);
            for (j = 0; j < 7; j++) worst[j] = tm_max(worst[j], err[j]);
            printf("      %-8s %-9s |z|min %.1e  vjp-x %.1e vjp-p %.1e vjp-t %.1e jvp %.1e hvp-x %.1e hvp-p %.1e\n",
                   actname[act], flagname[flags], zmin, err[0], err[1], err[2], err[3], err[4], err[5]);
            snprintf(name, sizeof name, "products %s %s: max rel err against finite differences",
                     actname[act], flagname[flags]);
            CHECK_LE(name, e, TM_TOL);
            nde_mlp_free(&m);
        }
    }
    for (j = 0; j < 6; j++) {
        char name[96];
        snprintf(name, sizeof name, "all nets: max FD rel err of %s", errname[j]);
        CHECK_LE(name, worst[j], TM_TOL);
    }
    CHECK_LE("all nets: grad_tangent gx = vjp gx", worst[6], 1e-14);
}

/* Softplus and sigmoid stay finite far out; relu and identity are exact. */
static void tm_test_act_range(void)
{
    nde_mlp m;
    double x[6] = {-1000, -40, 0, 1e-3, 40, 1000}, y[6], g[6] = {0}, one[6] = {1, 1, 1, 1, 1, 1};
    int ok, i;
    nde_mlp_init(&m, 1, 0, NULL);
    nde_mlp_add_act(&m, NDE_ACT_SOFTPLUS, NULL);
    nde_mlp_build(&m, NULL);
    CHECK("activation-only network has no parameters", m.nparams == 0);
    nde_mlp_forward(&m, 6, x, 0, y);
    nde_mlp_vjp(&m, 6, x, 0, one, g, NULL, NULL);
    ok = 1;
    for (i = 0; i < 6; i++) ok &= y[i] - y[i] == 0 && g[i] - g[i] == 0;
    CHECK("softplus and its derivative finite at +-1000", ok);
    CHECK_REL("softplus(1000) = 1000", y[5], 1000.0, 1e-15);
    CHECK_REL("softplus(-40) = log1p(e^-40)", y[1], log1p(exp(-40.0)), 1e-14);
    CHECK_REL("softplus(0) = log 2", y[2], log(2.0), 1e-15);
    CHECK_ABS("softplus'(-1000) = 0", g[0], 0.0, 1e-300);
    CHECK_REL("softplus'(1000) = 1", g[5], 1.0, 1e-15);
    nde_mlp_free(&m);
    nde_mlp_init(&m, 1, 0, NULL);
    nde_mlp_add_act(&m, NDE_ACT_SIGMOID, NULL);
    nde_mlp_build(&m, NULL);
    nde_mlp_forward(&m, 6, x, 0, y);
    memset(g, 0, sizeof g);
    nde_mlp_vjp(&m, 6, x, 0, one, g, NULL, NULL);
    ok = 1;
    for (i = 0; i < 6; i++) ok &= y[i] - y[i] == 0 && g[i] - g[i] == 0;
    CHECK("sigmoid and its derivative finite at +-1000", ok);
    CHECK_REL("sigmoid(-40) = e^-40 / (1 + e^-40)", y[1], exp(-40.0) / (1 + exp(-40.0)), 1e-14);
    CHECK_REL("sigmoid'(0) = 1/4", g[2], 0.25, 1e-15);
    nde_mlp_free(&m);
}

/* ---------------------------------------------------------------------- */
/* The Neural ODE system dy/dt = net(y, t)                                */
/* ---------------------------------------------------------------------- */

/* a . f(t, y, theta) */
static double tm_sys_dot(const nde_system *s, double t, int B, const double *y, const double *th,
                         const double *a)
{
    double f[TM_MAX], sum = 0;
    int i;
    s->f(s->ctx, t, B, y, th, f);
    for (i = 0; i < B * s->dim; i++) sum += a[i] * f[i];
    return sum;
}

/* Every product of a system against finite differences of its f, at theta.
   err: vjp-y, vjp-theta, vjp-t, jvp, jac. */
static void tm_system_fd(const nde_system *s, double t, int B, const double *y, const double *theta,
                         nde_rng *r, double err[5])
{
    int D = s->dim, n = B * D, i, j, b;
    long P = s->nparams, k;
    double a[TM_MAX] = {0}, v[TM_MAX] = {0}, gy[TM_MAX] = {0}, gt = 0, fdt, fd[TM_MAX], yp[TM_MAX];
    double fp[TM_MAX], fm[TM_MAX], jv[TM_MAX], J[TM_MAX * 8], Jfd[TM_MAX * 8];
    double *gth = tm_alloc(P), *fdp = tm_alloc(P), *th = tm_alloc(P);
    tm_fill(r, n, a, 1.0);
    tm_fill(r, n, v, 1.0);
    s->vjp(s->ctx, t, B, y, theta, a, gy, gth, &gt);
    memcpy(yp, y, (size_t)n * sizeof(double));
    for (i = 0; i < n; i++) {
        double lp, lm;
        yp[i] = y[i] + TM_EPS; lp = tm_sys_dot(s, t, B, yp, theta, a);
        yp[i] = y[i] - TM_EPS; lm = tm_sys_dot(s, t, B, yp, theta, a);
        yp[i] = y[i];
        fd[i] = (lp - lm) / (2 * TM_EPS);
    }
    err[0] = tm_rel(n, gy, fd);
    memcpy(th, theta, (size_t)P * sizeof(double));
    for (k = 0; k < P; k++) {
        double lp, lm;
        th[k] = theta[k] + TM_EPS; lp = tm_sys_dot(s, t, B, y, th, a);
        th[k] = theta[k] - TM_EPS; lm = tm_sys_dot(s, t, B, y, th, a);
        th[k] = theta[k];
        fdp[k] = (lp - lm) / (2 * TM_EPS);
    }
    err[1] = tm_rel((int)P, gth, fdp);
    fdt = (tm_sys_dot(s, t + TM_EPS, B, y, theta, a) - tm_sys_dot(s, t - TM_EPS, B, y, theta, a)) / (2 * TM_EPS);
    err[2] = fabs(fdt) > 1e-9 ? tm_rel(1, &gt, &fdt) : fabs(gt - fdt);
    s->jvp(s->ctx, t, B, y, theta, v, jv);
    for (i = 0; i < n; i++) yp[i] = y[i] + TM_EPS * v[i];
    s->f(s->ctx, t, B, yp, theta, fp);
    for (i = 0; i < n; i++) yp[i] = y[i] - TM_EPS * v[i];
    s->f(s->ctx, t, B, yp, theta, fm);
    for (i = 0; i < n; i++) fd[i] = (fp[i] - fm[i]) / (2 * TM_EPS);
    err[3] = tm_rel(n, jv, fd);
    s->jac(s->ctx, t, B, y, theta, J);
    memcpy(yp, y, (size_t)n * sizeof(double));
    for (b = 0; b < B; b++)
        for (j = 0; j < D; j++) {
            yp[b * D + j] = y[b * D + j] + TM_EPS;
            s->f(s->ctx, t, B, yp, theta, fp);
            yp[b * D + j] = y[b * D + j] - TM_EPS;
            s->f(s->ctx, t, B, yp, theta, fm);
            yp[b * D + j] = y[b * D + j];
            for (i = 0; i < D; i++) Jfd[(b * D + i) * D + j] = (fp[b * D + i] - fm[b * D + i]) / (2 * TM_EPS);
        }
    err[4] = tm_rel(n * D, J, Jfd);
    free(gth); free(fdp); free(th);
}

static void tm_test_system(void)
{
    nde_mlp m;
    nde_system s;
    nde_rng r;
    char msg[NDE_MSG_LEN];
    int B = 4, D = 3, n = B * D, i, st;
    long k, P;
    double y[TM_MAX], f[TM_MAX], ref[TM_MAX], err[5], cerr[4], t = 0.4;
    double *theta2, *save;
    nde_rng_seed(&r, 11);
    nde_mlp_init(&m, D, NDE_INPUT_CUBE | NDE_INPUT_TIME, NULL);
    nde_mlp_add_linear(&m, 7, NULL);
    nde_mlp_add_act(&m, NDE_ACT_TANH, NULL);
    nde_mlp_add_residual(&m, NDE_ACT_SIGMOID, NULL);
    nde_mlp_add_linear(&m, D, NULL);
    nde_mlp_build(&m, NULL);
    tm_fill(&r, m.nparams, m.params, 0.5);
    tm_fill(&r, n, y, 0.8);
    st = nde_mlp_system(&m, &s, msg);
    CHECK("nde_mlp_system fills the system", st == NDE_OK && s.dim == D && s.nparams == m.nparams &&
          s.params == m.params && s.ctx == &m && s.f && s.vjp && s.jvp && s.jac);
    P = m.nparams;
    s.f(s.ctx, t, B, y, s.params, f);
    nde_mlp_forward(&m, B, y, t, ref);
    CHECK_LE("mlp system: f = forward", tm_rel(n, f, ref), 0.0);
    tm_system_fd(&s, t, B, y, s.params, &r, err);
    printf("      mlp system: vjp-y %.1e vjp-theta %.1e vjp-t %.1e jvp %.1e jac %.1e\n",
           err[0], err[1], err[2], err[3], err[4]);
    CHECK_LE("mlp system: vjp-y against FD of f", err[0], TM_TOL);
    CHECK_LE("mlp system: vjp-theta against FD of f", err[1], TM_TOL);
    CHECK_LE("mlp system: vjp-t against FD of f", err[2], TM_TOL);
    CHECK_LE("mlp system: jvp against FD of f", err[3], TM_TOL);
    CHECK_LE("mlp system: jac against FD of f", err[4], TM_TOL);

    /* a theta that is not m->params: the callbacks must use it */
    theta2 = tm_alloc(P);
    save = tm_alloc(P);
    for (k = 0; k < P; k++) theta2[k] = m.params[k] + 0.2 * nde_rng_normal(&r);
    memcpy(save, m.params, (size_t)P * sizeof(double));
    s.f(s.ctx, t, B, y, theta2, f);
    memcpy(m.params, theta2, (size_t)P * sizeof(double));
    nde_mlp_forward(&m, B, y, t, ref);
    memcpy(m.params, save, (size_t)P * sizeof(double));
    CHECK_LE("mlp system: f(theta2) = forward with params = theta2", tm_rel(n, f, ref), 0.0);
    nde_mlp_forward(&m, B, y, t, f);
    CHECK("mlp system: theta2 differs from params (the check can fail)", tm_rel(n, f, ref) > 1e-3);
    tm_system_fd(&s, t, B, y, theta2, &r, err);
    printf("      mlp system at theta2: vjp-y %.1e vjp-theta %.1e vjp-t %.1e jvp %.1e jac %.1e\n",
           err[0], err[1], err[2], err[3], err[4]);
    for (i = 1; i < 5; i++) err[0] = tm_max(err[0], err[i]);
    CHECK_LE("mlp system at theta2 != params: all products against FD", err[0], TM_TOL);
    for (k = 0, i = 1; k < P; k++) i &= m.params[k] == save[k];
    CHECK("mlp system: callbacks at theta2 leave params untouched", i);
    st = nde_system_check(&s, t, B, y, 0, cerr);
    printf("      nde_system_check: %.1e %.1e %.1e %.1e\n", cerr[0], cerr[1], cerr[2], cerr[3]);
    CHECK("nde_system_check on the mlp system runs", st == NDE_OK);
    CHECK_LE("nde_system_check: max error", tm_max(tm_max(cerr[0], cerr[1]), tm_max(cerr[2], cerr[3])), TM_TOL);
    free(theta2);
    free(save);
    nde_mlp_free(&m);
}

/* The library's tanh against libm's over [-40, 40] (step 1e-3, through an
   activation-only network): within 2 ulp, as the manual says. */
static void tm_test_tanh_ulp(void)
{
    enum { NX = 80001 };
    static double x[NX], y[NX];
    nde_mlp m;
    double worst = 0.0, at = 0.0;
    int i;
    for (i = 0; i < NX; i++) x[i] = -40.0 + 1e-3 * i;
    nde_mlp_init(&m, 1, 0, NULL);
    nde_mlp_add_act(&m, NDE_ACT_TANH, NULL);
    nde_mlp_build(&m, NULL);
    nde_mlp_forward(&m, NX, x, 0.0, y);
    for (i = 0; i < NX; i++) {
        double ref = tanh(x[i]), a = fabs(ref), ulp = nextafter(a, INFINITY) - a, e = fabs(y[i] - ref) / ulp;
        if (e > worst) { worst = e; at = x[i]; }
    }
    printf("      tanh: worst %.2f ulp from libm at x = %.3f over [-40, 40]\n", worst, at);
    CHECK_LE("tanh within 2 ulp of libm's over [-40, 40]", worst, 2.0);
    {   /* the batch (vector lanes where the build has them) against one element at a time
           (the scalar code), bit for bit, with the special values among them */
        static const double sp[12] = {0.0, -0.0, 0.625, -0.625, 22.0, -22.0000001, 1e300, -1e300, 4.9e-324,
                                      HUGE_VAL, -HUGE_VAL, NAN};
        nde_rng r;
        int same = 1, nan_ok;
        nde_rng_seed(&r, 5);
        for (i = 0; i < NX; i++) x[i] = i < 12 ? sp[i] : nde_rng_normal(&r) * (i % 3 ? 1.0 : 10.0);
        nde_mlp_forward(&m, NX, x, 0.0, y);
        for (i = 0; i < NX; i++) {
            double yi;
            nde_mlp_forward(&m, 1, x + i, 0.0, &yi);
            same &= !memcmp(&yi, &y[i], sizeof yi);
        }
        nan_ok = isnan(y[11]) && y[9] == 1.0 && y[10] == -1.0 && y[6] == 1.0 && y[7] == -1.0 && y[8] == 4.9e-324 &&
                 y[0] == 0.0 && !signbit(y[0]) && y[1] == 0.0 && signbit(y[1]);
        CHECK("tanh of a batch = tanh one element at a time, bit for bit (80,001 values)", same);
        CHECK("tanh(NaN) = NaN, tanh(+-inf) = +-1, tanh(+-1e300) = +-1, tanh of the least subnormal is itself, "
              "tanh(-0) = -0", nan_ok);
    }
    nde_mlp_free(&m);
}

/* A broken vjp_saved for nde_system_check to catch: the MLP's, with gy off by 10%. */
static int tm_bad_vjp_saved(void *ctx, double t, int B, const double *y, const double *th, const double *save,
                            const double *a, double *gy, double *gth, double *gt)
{
    nde_system s;
    double keep[TM_MAX];
    int i, r;
    nde_mlp_system((nde_mlp *)ctx, &s, NULL);
    memcpy(keep, gy, sizeof(double) * (size_t)B * s.dim);
    r = s.vjp_saved(ctx, t, B, y, th, save, a, gy, gth, gt);
    for (i = 0; i < B * s.dim; i++) gy[i] = keep[i] + 1.1 * (gy[i] - keep[i]);
    return r;
}

/* f_save / vjp_saved: the same numbers as f / vjp, bit for bit, for every
   layer kind, input transform and a last layer of each kind, at a theta
   that is not m->params; the vjp outputs are ADDED into what is there. */
static void tm_test_saved(void)
{
    static const int acts[3][3] = {{NDE_ACT_TANH, NDE_ACT_SIGMOID, NDE_ACT_SOFTPLUS},
                                   {NDE_ACT_RELU, NDE_ACT_TANH, NDE_ACT_IDENTITY},
                                   {NDE_ACT_SOFTPLUS, NDE_ACT_RELU, NDE_ACT_SIGMOID}};
    int B = 4, D = 3, n = B * D, flags, a, last, same_f = 1, same_v = 1, nets = 0;
    long k;
    nde_rng r;
    nde_rng_seed(&r, 77);
    for (last = 0; last < 3; last++)
        for (a = 0; a < 3; a++)
            for (flags = 0; flags < 4; flags++) {
                nde_mlp m;
                nde_system s;
                double y[TM_MAX], f1[TM_MAX], f2[TM_MAX], av[TM_MAX], gy1[TM_MAX], gy2[TM_MAX], gt1 = 0.25, gt2 = 0.25;
                double *th, *gp1, *gp2, *sv, t = 0.3;
                int st = nde_mlp_init(&m, D, flags, NULL);
                if (!st) st = nde_mlp_add_linear(&m, 5, NULL);
                if (!st) st = nde_mlp_add_act(&m, acts[a][0], NULL);
                if (!st) st = nde_mlp_add_residual(&m, acts[a][1], NULL);
                if (!st) st = nde_mlp_add_linear(&m, D, NULL);
                if (!st && last == 1) st = nde_mlp_add_act(&m, acts[a][2], NULL);       /* last: activation */
                if (!st && last == 2) st = nde_mlp_add_residual(&m, acts[a][2], NULL);  /* last: residual */
                if (!st) st = nde_mlp_build(&m, NULL);
                if (!st) st = nde_mlp_system(&m, &s, NULL);
                if (st) { CHECK("saved-activation nets build", 0); return; }
                th = tm_alloc(m.nparams);
                gp1 = tm_alloc(m.nparams);
                gp2 = tm_alloc(m.nparams);
                sv = tm_alloc(B * s.save_len);
                tm_fill(&r, m.nparams, th, 0.6);
                tm_fill(&r, m.nparams, gp1, 1.0);
                memcpy(gp2, gp1, (size_t)m.nparams * sizeof(double));
                tm_fill(&r, n, y, 0.9);
                tm_fill(&r, n, av, 1.0);
                tm_fill(&r, n, gy1, 1.0);
                memcpy(gy2, gy1, (size_t)n * sizeof(double));
                s.f(s.ctx, t, B, y, th, f1);
                s.f_save(s.ctx, t, B, y, th, f2, sv);
                for (k = 0; k < n; k++) same_f &= f1[k] == f2[k];
                s.vjp(s.ctx, t, B, y, th, av, gy1, gp1, &gt1);
                s.f(s.ctx, t + 1.0, B, y, m.params, f1); /* clobber the workspace in between */
                s.vjp_saved(s.ctx, t, B, y, th, sv, av, gy2, gp2, &gt2);
                for (k = 0; k < n; k++) same_v &= gy1[k] == gy2[k];
                for (k = 0; k < m.nparams; k++) same_v &= gp1[k] == gp2[k];
                same_v &= gt1 == gt2;
                nets++;
                free(th); free(gp1); free(gp2); free(sv);
                nde_mlp_free(&m);
            }
    printf("      saved activations: %d nets (3 last-layer kinds x 3 activation mixes x 4 inputs)\n", nets);
    CHECK("f_save = f bit for bit on every net", same_f && nets == 36);
    CHECK("vjp_saved = vjp bit for bit (gy, gtheta, gt added) on every net", same_v && nets == 36);
    {   /* what a 2-50-2 tanh net on y^3 keeps per row: y^3 (2), W1 u + b1 (50), tanh (50) */
        nde_mlp m;
        nde_system s;
        int w[3] = {2, 50, 2};
        nde_mlp_dense(&m, 3, w, NDE_ACT_TANH, NDE_INPUT_CUBE, NULL);
        nde_mlp_system(&m, &s, NULL);
        CHECK("2-50-2 cube net: save_len = 102 doubles per row", s.save_len == 102);
        {
            double y[4] = {0.3, -0.7, 1.1, 0.2}, err[4];
            nde_rng_seed(&r, 5);
            nde_mlp_init_normal(&m, &r, 0.5);
            nde_system_check(&s, 0.0, 2, y, 0, err);
            CHECK_LE("nde_system_check passes the mlp's f_save/vjp_saved", err[0] + err[1], 1e-6);
            s.vjp_saved = tm_bad_vjp_saved;
            nde_system_check(&s, 0.0, 2, y, 0, err);
            printf("      a vjp_saved with gy 10%% off: nde_system_check vjp-y error %.3f\n", err[0]);
            CHECK("nde_system_check catches a wrong vjp_saved (vjp-y error near 0.1)", err[0] > 0.05 && err[0] < 0.2);
        }
        nde_mlp_free(&m);
    }
}

/* ---------------------------------------------------------------------- */
/* The Hamiltonian network: f = (dH/dp, -dH/dq)                            */
/* ---------------------------------------------------------------------- */

static void tm_test_hnn(void)
{
    static const int flagset[3] = {0, NDE_INPUT_TIME, NDE_INPUT_CUBE | NDE_INPUT_TIME};
    static const char *flagname[3] = {"plain", "time", "cube+time"};
    nde_rng r;
    int c, B = 3, D = 4, h = 2, n = B * D, i, b;
    nde_rng_seed(&r, 99);
    for (c = 0; c < 3; c++) {
        nde_mlp m;
        nde_system s;
        double y[TM_MAX], f[TM_MAX], fd[TM_MAX], yp[TM_MAX], Hp[TM_MAX], Hm[TM_MAX], err[5], cerr[4];
        double t = 0.3, e = 0;
        char name[128];
        int st;
        nde_mlp_init(&m, D, flagset[c], NULL);
        nde_mlp_add_linear(&m, 8, NULL);
        nde_mlp_add_act(&m, NDE_ACT_TANH, NULL);
        nde_mlp_add_residual(&m, NDE_ACT_SOFTPLUS, NULL);
        nde_mlp_add_linear(&m, 1, NULL);
        nde_mlp_build(&m, NULL);
        tm_fill(&r, m.nparams, m.params, 0.5);
        tm_fill(&r, n, y, 0.8);
        s.save_len = 7; /* left over from an earlier use of the struct */
        st = nde_hnn_system(&m, &s, NULL);
        CHECK("nde_hnn_system fills the system", st == NDE_OK && s.dim == D && s.f && s.vjp && s.jvp && s.jac);
        CHECK("nde_hnn_system offers no saved activations (clears a stale save_len)",
              s.save_len == 0 && !s.f_save && !s.vjp_saved);
        /* f against finite differences of H: dq/dt = dH/dp, dp/dt = -dH/dq */
        s.f(s.ctx, t, B, y, s.params, f);
        memcpy(yp, y, sizeof y);
        for (b = 0; b < B; b++)
            for (i = 0; i < D; i++) {
                double dH;
                yp[b * D + i] = y[b * D + i] + TM_EPS;
                nde_mlp_forward(&m, B, yp, t, Hp);
                yp[b * D + i] = y[b * D + i] - TM_EPS;
                nde_mlp_forward(&m, B, yp, t, Hm);
                yp[b * D + i] = y[b * D + i];
                dH = (Hp[b] - Hm[b]) / (2 * TM_EPS);
                if (i < h) fd[b * D + h + i] = -dH; /* dp/dt = -dH/dq */
                else fd[b * D + i - h] = dH;        /* dq/dt = dH/dp */
            }
        e = tm_rel(n, f, fd);
        snprintf(name, sizeof name, "hnn %s: f = (dH/dp, -dH/dq) against FD of H", flagname[c]);
        CHECK_LE(name, e, TM_TOL);
        tm_system_fd(&s, t, B, y, s.params, &r, err);
        printf("      hnn %-9s: f %.1e vjp-y %.1e vjp-theta %.1e vjp-t %.1e jvp %.1e jac %.1e\n",
               flagname[c], e, err[0], err[1], err[2], err[3], err[4]);
        snprintf(name, sizeof name, "hnn %s: vjp-y, vjp-theta, jvp, jac against FD of f", flagname[c]);
        CHECK_LE(name, tm_max(tm_max(err[0], err[1]), tm_max(err[3], err[4])), TM_TOL);
        snprintf(name, sizeof name, "hnn %s: vjp-t against FD of f", flagname[c]);
        CHECK_LE(name, err[2], flagset[c] & NDE_INPUT_TIME ? TM_TOL : 1e-9);
        st = nde_system_check(&s, t, B, y, 0, cerr);
        snprintf(name, sizeof name, "hnn %s: nde_system_check", flagname[c]);
        CHECK_LE(name, st == NDE_OK ? tm_max(tm_max(cerr[0], cerr[1]), cerr[3]) : 1.0, TM_TOL);
        {
            /* the Hamiltonian is conserved along f to first order: grad H . f = 0 */
            double g[TM_MAX] = {0}, one[TM_MAX], dot = 0, scale = 0;
            for (b = 0; b < B; b++) one[b] = 1;
            nde_mlp_vjp(&m, B, y, t, one, g, NULL, NULL);
            for (i = 0; i < n; i++) { dot += g[i] * f[i]; scale += g[i] * g[i]; }
            snprintf(name, sizeof name, "hnn %s: grad H . f = 0 (H conserved)", flagname[c]);
            CHECK_LE(name, fabs(dot) / scale, 1e-15);
        }
        nde_mlp_free(&m);
    }
}

/* ---------------------------------------------------------------------- */
/* Batches, workspace growth, accumulation                                */
/* ---------------------------------------------------------------------- */

/* The kernels branch on shape (4x2 tiles of outputs with the longer side
   along the 4, an odd last column as a 4x1 tile, leftover rows one element
   at a time; inputs of 1 to 3 columns unrolled; tanh two at a time plus an
   odd last one): narrow inputs, an odd width and batches that are not
   multiples of 4 reach every branch. */
static void tm_test_shapes(void)
{
    static const int Ds[4] = {1, 1, 2, 3}, flags[4] = {0, NDE_INPUT_TIME, NDE_INPUT_CUBE, 0};
    static const int Bs[3] = {1, 5, 8};
    double worst_fwd = 0, worst = 0;
    int c, k, j;
    nde_rng r;
    nde_rng_seed(&r, 77);
    for (c = 0; c < 4; c++)
        for (k = 0; k < 3; k++) {
            int widths[3] = {Ds[c], 9, Ds[c]}, B = Bs[k];
            double x[TM_MAX], ref[TM_MAX], y[TM_MAX], err[7];
            nde_mlp m;
            if (nde_mlp_dense(&m, 3, widths, NDE_ACT_TANH, flags[c], NULL) != NDE_OK) {
                CHECK("shapes: dense net builds", 0);
                return;
            }
            tm_fill(&r, m.nparams, m.params, 0.6);
            tm_fill(&r, B * Ds[c], x, 0.9);
            tm_ref_forward(&m, B, x, 0.4, ref);
            nde_mlp_forward(&m, B, x, 0.4, y);
            worst_fwd = tm_max(worst_fwd, tm_rel(B * Ds[c], y, ref));
            tm_products(&m, B, x, 0.4, &r, err);
            for (j = 0; j < 6; j++) worst = tm_max(worst, err[j]);
            nde_mlp_free(&m);
        }
    CHECK_LE("shapes (in 1..3, B 1/5/8, width 9): forward = reference", worst_fwd, 1e-13);
    CHECK_LE("shapes (in 1..3, B 1/5/8, width 9): max FD rel err of every product", worst, TM_TOL);
}

static void tm_test_batch(void)
{
    nde_mlp m;
    nde_rng r;
    double x[40 * 2], y[40 * 2], row[2], g1[TM_MAX] = {0}, gout[40 * 2];
    double *gp1, *gp2;
    int i, same = 1, st, twice = 1;
    long k;
    nde_rng_seed(&r, 5);
    tm_residual64(&m, NULL);
    nde_mlp_init_glorot(&m, &r);
    tm_fill(&r, 80, x, 0.7);
    tm_fill(&r, 80, gout, 1.0);
    nde_mlp_forward(&m, 3, x, 0, y);
    CHECK("workspace holds the first batch (3 rows)", m.cap == 3 && m.work != NULL);
    nde_mlp_forward(&m, 40, x, 0, y);
    CHECK("workspace grows to 40 rows", m.cap == 40);
    for (i = 0; i < 40; i++) {
        nde_mlp_forward(&m, 1, x + 2 * i, 0, row);
        same &= row[0] == y[2 * i] && row[1] == y[2 * i + 1];
    }
    CHECK("batch of 40 = 40 single rows (bit for bit)", same);
    CHECK("workspace is kept for smaller batches", m.cap == 40);
    gp1 = tm_alloc(m.nparams);
    gp2 = tm_alloc(m.nparams);
    st = nde_mlp_vjp(&m, 40, x, 0, gout, g1, gp1, NULL);
    st |= nde_mlp_vjp(&m, 40, x, 0, gout, g1, gp1, NULL);
    st |= nde_mlp_vjp(&m, 40, x, 0, gout, NULL, gp2, NULL);
    for (k = 0; k < m.nparams; k++) twice &= fabs(gp1[k] - 2 * gp2[k]) <= 1e-14 * (1 + fabs(gp1[k]));
    CHECK("vjp adds into gp (two calls = twice one call)", st == NDE_OK && twice);
    CHECK("B = 0 is a no-op", nde_mlp_forward(&m, 0, NULL, 0, NULL) == NDE_OK);
    free(gp1);
    free(gp2);
    nde_mlp_free(&m);
    nde_mlp_free(&m); /* twice is harmless */
    CHECK("nde_mlp_free clears", m.params == NULL && m.work == NULL && m.cap == 0);
}

/* ---------------------------------------------------------------------- */
/* Error statuses                                                         */
/* ---------------------------------------------------------------------- */

static void tm_test_errors(void)
{
    nde_mlp m;
    nde_system s;
    char msg[NDE_MSG_LEN];
    double x[4] = {1, 2, 3, 4}, y[4];
    int st, i, w[3] = {2, 3, 2};

    st = nde_mlp_init(&m, 0, 0, msg);
    CHECK("init in_dim = 0 -> NDE_ERR_ARG naming in_dim", st == NDE_ERR_ARG && strstr(msg, "in_dim"));
    st = nde_mlp_init(&m, 2, 8, msg);
    CHECK("init flags = 8 -> NDE_ERR_ARG naming flags", st == NDE_ERR_ARG && strstr(msg, "flags"));
    CHECK("init with m = NULL -> NDE_ERR_ARG", nde_mlp_init(NULL, 2, 0, msg) == NDE_ERR_ARG);

    memset(&m, 0, sizeof m);
    st = nde_mlp_add_linear(&m, 3, msg);
    CHECK("add_linear before init -> NDE_ERR_ARG", st == NDE_ERR_ARG && strstr(msg, "nde_mlp_init"));
    nde_mlp_init(&m, 2, 0, NULL);
    st = nde_mlp_build(&m, msg);
    CHECK("build before layers -> NDE_ERR_ARG naming nlayers", st == NDE_ERR_ARG && strstr(msg, "nlayers"));
    st = nde_mlp_add_linear(&m, 0, msg);
    CHECK("add_linear out = 0 -> NDE_ERR_ARG naming out", st == NDE_ERR_ARG && strstr(msg, "out = 0"));
    st = nde_mlp_add_act(&m, NDE_ACT_COUNT, msg);
    CHECK("add_act act = NDE_ACT_COUNT -> NDE_ERR_ARG naming act", st == NDE_ERR_ARG && strstr(msg, "act"));
    st = nde_mlp_add_residual(&m, -1, msg);
    CHECK("add_residual act = -1 -> NDE_ERR_ARG naming act", st == NDE_ERR_ARG && strstr(msg, "act"));
    st = NDE_OK;
    for (i = 0; i < NDE_MLP_MAX_LAYERS && st == NDE_OK; i++) st = nde_mlp_add_act(&m, NDE_ACT_TANH, NULL);
    CHECK("32 layers fit", st == NDE_OK && m.nlayers == NDE_MLP_MAX_LAYERS);
    st = nde_mlp_add_linear(&m, 2, msg);
    CHECK("layer 33 -> NDE_ERR_ARG naming NDE_MLP_MAX_LAYERS", st == NDE_ERR_ARG && strstr(msg, "NDE_MLP_MAX_LAYERS"));

    CHECK("forward before build -> NDE_ERR_ARG", nde_mlp_forward(&m, 1, x, 0, y) == NDE_ERR_ARG);
    CHECK("nde_mlp_system before build -> NDE_ERR_ARG", nde_mlp_system(&m, &s, msg) == NDE_ERR_ARG &&
          strstr(msg, "built"));

    nde_mlp_init(&m, 2, 0, NULL);
    nde_mlp_add_residual(&m, NDE_ACT_TANH, NULL);
    m.layer[0].out = 3; /* a hand-edited, non-square residual layer */
    st = nde_mlp_build(&m, msg);
    CHECK("residual on a non-square width -> NDE_ERR_ARG", st == NDE_ERR_ARG && strstr(msg, "not square"));
    m.layer[0].out = 2;
    m.layer[0].in = 5;
    st = nde_mlp_build(&m, msg);
    CHECK("layer widths not chained -> NDE_ERR_ARG naming the layer", st == NDE_ERR_ARG && strstr(msg, "L0"));
    m.layer[0].in = 2;
    CHECK("fixed layer list builds", nde_mlp_build(&m, msg) == NDE_OK);
    CHECK("build twice -> NDE_ERR_ARG", nde_mlp_build(&m, msg) == NDE_ERR_ARG && strstr(msg, "already built"));
    CHECK("add after build -> NDE_ERR_ARG", nde_mlp_add_linear(&m, 2, msg) == NDE_ERR_ARG &&
          strstr(msg, "already built"));
    CHECK("forward with B = -1 -> NDE_ERR_ARG", nde_mlp_forward(&m, -1, x, 0, y) == NDE_ERR_ARG);
    CHECK("forward with x = NULL -> NDE_ERR_ARG", nde_mlp_forward(&m, 1, NULL, 0, y) == NDE_ERR_ARG);
    CHECK("vjp with gout = NULL -> NDE_ERR_ARG", nde_mlp_vjp(&m, 1, x, 0, NULL, y, NULL, NULL) == NDE_ERR_ARG);
    CHECK("jvp with v = NULL -> NDE_ERR_ARG", nde_mlp_jvp(&m, 1, x, 0, NULL, NULL, y) == NDE_ERR_ARG);
    CHECK("grad_tangent with u = NULL -> NDE_ERR_ARG",
          nde_mlp_grad_tangent(&m, 1, x, 0, x, NULL, y, NULL, NULL) == NDE_ERR_ARG);
    CHECK("hnn on in_dim = 2, out_dim = 2 -> NDE_ERR_ARG naming out_dim",
          nde_hnn_system(&m, &s, msg) == NDE_ERR_ARG && strstr(msg, "out_dim"));
    nde_mlp_free(&m);

    st = nde_mlp_dense(&m, 3, w, NDE_ACT_TANH, 0, msg);
    w[2] = 3;
    nde_mlp_free(&m);
    st = nde_mlp_dense(&m, 3, w, NDE_ACT_TANH, 0, msg);
    CHECK("nde_mlp_system on 2 -> 3 -> NDE_ERR_ARG naming out_dim",
          st == NDE_OK && nde_mlp_system(&m, &s, msg) == NDE_ERR_ARG && strstr(msg, "out_dim"));
    nde_mlp_free(&m);
    w[0] = 3; w[2] = 1;
    nde_mlp_dense(&m, 3, w, NDE_ACT_TANH, 0, NULL);
    CHECK("hnn on odd in_dim = 3 -> NDE_ERR_ARG naming in_dim",
          nde_hnn_system(&m, &s, msg) == NDE_ERR_ARG && strstr(msg, "in_dim"));
    CHECK("errors with msg = NULL are safe", nde_hnn_system(&m, &s, NULL) == NDE_ERR_ARG);
    nde_mlp_free(&m);
    CHECK("dense with n = 1 -> NDE_ERR_ARG naming n", nde_mlp_dense(&m, 1, w, NDE_ACT_TANH, 0, msg) == NDE_ERR_ARG &&
          strstr(msg, "n = 1"));
    CHECK("dense with widths = NULL -> NDE_ERR_ARG", nde_mlp_dense(&m, 3, NULL, NDE_ACT_TANH, 0, msg) == NDE_ERR_ARG &&
          strstr(msg, "widths"));
    w[1] = 0;
    CHECK("dense with a zero width -> NDE_ERR_ARG, nothing allocated",
          nde_mlp_dense(&m, 3, w, NDE_ACT_TANH, 0, msg) == NDE_ERR_ARG && m.params == NULL);
}

/* The _at products at a theta other than m->params: a copy gives the same bits,
   another theta the same bits as copying it into m->params first. */
static void tm_test_at(void)
{
    static const int widths[4] = {3, 11, 7, 3};
    double x[4 * 3], a[4 * 3], y1[4 * 3], y2[4 * 3], gx1[4 * 3], gx2[4 * 3], gt1 = 0, gt2 = 0;
    double *th = NULL, *own = NULL, *gp1 = NULL, *gp2 = NULL;
    int same = 1, st = 0;
    long i, P;
    nde_mlp m;
    nde_rng r;
    nde_rng_seed(&r, 91);
    if (nde_mlp_dense(&m, 4, widths, NDE_ACT_TANH, NDE_INPUT_TIME, NULL) != NDE_OK) {
        CHECK("at: dense net builds", 0);
        return;
    }
    P = m.nparams;
    th = (double *)calloc((size_t)P, sizeof(double));
    own = (double *)calloc((size_t)P, sizeof(double));
    gp1 = (double *)calloc((size_t)P, sizeof(double));
    gp2 = (double *)calloc((size_t)P, sizeof(double));
    if (!th || !own || !gp1 || !gp2) {
        CHECK("at: allocation", 0);
        free(th); free(own); free(gp1); free(gp2);
        nde_mlp_free(&m);
        return;
    }
    tm_fill(&r, P, m.params, 0.6);
    tm_fill(&r, P, th, 0.6);
    tm_fill(&r, 12, x, 0.9);
    tm_fill(&r, 12, a, 1.0);
    memcpy(own, m.params, (size_t)P * sizeof(double));
    memset(gx1, 0, sizeof gx1);
    memset(gx2, 0, sizeof gx2);
    st |= nde_mlp_forward_at(&m, th, 4, x, 0.3, y1);
    st |= nde_mlp_vjp_at(&m, th, 4, x, 0.3, a, gx1, gp1, &gt1);
    for (i = 0; i < P; i++) same &= m.params[i] == own[i]; /* m->params untouched */
    memcpy(m.params, th, (size_t)P * sizeof(double));
    st |= nde_mlp_forward(&m, 4, x, 0.3, y2);
    st |= nde_mlp_vjp(&m, 4, x, 0.3, a, gx2, gp2, &gt2);
    CHECK("at: nde_mlp_forward_at / vjp_at leave m->params as they were", same);
    CHECK("at: forward_at(theta) = forward after copying theta in, bit for bit", !st && !memcmp(y1, y2, sizeof y1));
    CHECK("at: vjp_at(theta) = vjp after copying theta in (gx, gp, gt), bit for bit",
          !memcmp(gx1, gx2, sizeof gx1) && !memcmp(gp1, gp2, (size_t)P * sizeof(double)) && gt1 == gt2);
    CHECK("at: theta NULL is NDE_ERR_ARG", nde_mlp_forward_at(&m, NULL, 4, x, 0.3, y1) == NDE_ERR_ARG &&
                                               nde_mlp_vjp_at(&m, NULL, 4, x, 0.3, a, gx1, NULL, NULL) == NDE_ERR_ARG);
    free(th); free(own); free(gp1); free(gp2);
    nde_mlp_free(&m);
}

void test_mlp(void)
{
    printf("== mlp ==\n");
    tm_test_counts();
    tm_test_init();
    tm_test_products();
    tm_test_act_range();
    tm_test_tanh_ulp();
    tm_test_system();
    tm_test_saved();
    tm_test_hnn();
    tm_test_batch();
    tm_test_shapes();
    tm_test_at();
    tm_test_errors();
}
