/* test_dropout.c: dropout layers with a mask fixed per solve. Evaluation
   mode is the plain network bit for bit; with a mask drawn, every product
   (forward, vjp, jvp, grad_tangent, the system's f_save/vjp_saved) is
   checked against central finite differences, and the gradient of a solve
   through a dropout network by backprop against finite differences of the
   solve and against both adjoints; masks are reproducible for a seed; model
   files keep the rate; every bad argument is NDE_ERR_ARG with a message. */
#include "check.h"
#include "../neuralode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TD_D 3      /* state dimension of the test networks */
#define TD_B 4      /* batch rows */
#define TD_H 16     /* hidden width */
#define TD_EPS 1e-6 /* central difference step */

/* D -> 16 tanh -> dropout -> residual(softplus) -> dropout -> D, with flags:
   both dropout kinds of neighbour (after an activation, after a residual).
   With p < 0 the dropout layers are left out (the plain twin). */
static int td_net(nde_mlp *m, int flags, double p)
{
    int st = nde_mlp_init(m, TD_D, flags, NULL);
    if (!st) st = nde_mlp_add_linear(m, TD_H, NULL);
    if (!st) st = nde_mlp_add_act(m, NDE_ACT_TANH, NULL);
    if (!st && p >= 0) st = nde_mlp_add_dropout(m, p, NULL);
    if (!st) st = nde_mlp_add_residual(m, NDE_ACT_SOFTPLUS, NULL);
    if (!st && p >= 0) st = nde_mlp_add_dropout(m, p, NULL);
    if (!st) st = nde_mlp_add_linear(m, TD_D, NULL);
    if (!st) st = nde_mlp_build(m, NULL);
    return st;
}

static void td_fill(nde_rng *r, long n, double *x, double s)
{
    long i;
    for (i = 0; i < n; i++) x[i] = s * nde_rng_normal(r);
}

static int td_same(long n, const double *a, const double *b)
{
    long i;
    for (i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* ---------------------------------------------------------------------- */

static void td_test_args(void)
{
    nde_mlp m;
    nde_rng r;
    char msg[NDE_MSG_LEN];
    double bad[3] = {-0.1, 1.0, NAN};
    int i, st;
    nde_rng_seed(&r, 1);
    for (i = 0; i < 3; i++) {
        char name[NDE_MSG_LEN + 64];
        nde_mlp_init(&m, 2, 0, NULL);
        nde_mlp_add_linear(&m, 4, NULL);
        msg[0] = 0;
        st = nde_mlp_add_dropout(&m, bad[i], msg);
        snprintf(name, sizeof name, "add_dropout p = %g: NDE_ERR_ARG naming p (%s)", bad[i], msg);
        CHECK(name, st == NDE_ERR_ARG && strstr(msg, "p = ") != NULL && m.nlayers == 1);
    }
    CHECK("add_dropout on a NULL net: NDE_ERR_ARG", nde_mlp_add_dropout(NULL, 0.1, msg) == NDE_ERR_ARG);
    msg[0] = 0;
    st = nde_mlp_dropout_sample(&m, &r, 1, msg);
    CHECK("dropout_sample before build: NDE_ERR_ARG with a message", st == NDE_ERR_ARG && strstr(msg, "not built"));
    nde_mlp_add_dropout(&m, 0.25, NULL);
    nde_mlp_add_linear(&m, 2, NULL);
    nde_mlp_build(&m, NULL);
    msg[0] = 0;
    st = nde_mlp_add_dropout(&m, 0.1, msg);
    CHECK("add_dropout after build: NDE_ERR_ARG with a message", st == NDE_ERR_ARG && strstr(msg, "already built"));
    msg[0] = 0;
    st = nde_mlp_dropout_sample(&m, &r, 0, msg);
    CHECK("dropout_sample rows = 0: NDE_ERR_ARG naming rows", st == NDE_ERR_ARG && strstr(msg, "rows = 0"));
    msg[0] = 0;
    st = nde_mlp_dropout_sample(&m, NULL, 1, msg);
    CHECK("dropout_sample r = NULL: NDE_ERR_ARG naming r", st == NDE_ERR_ARG && strstr(msg, "r is NULL"));
    CHECK("a failed draw leaves evaluation mode", m.mask_rows == 0);
    nde_mlp_free(&m);
    /* a layer list filled by hand with a rate outside [0, 1) */
    nde_mlp_init(&m, 2, 0, NULL);
    nde_mlp_add_dropout(&m, 0.5, NULL);
    nde_mlp_add_linear(&m, 2, NULL);
    m.layer[0].rate = 1.5;
    msg[0] = 0;
    st = nde_mlp_build(&m, msg);
    CHECK("build with a hand-set rate 1.5: NDE_ERR_ARG naming the layer", st == NDE_ERR_ARG && strstr(msg, "L0"));
    nde_mlp_free(&m);
    {   /* p is rounded to the 2^-32 grid, and 0 stays 0 */
        nde_mlp_init(&m, 2, 0, NULL);
        nde_mlp_add_dropout(&m, 0.1, NULL);
        nde_mlp_add_dropout(&m, 0.0, NULL);
        CHECK_ABS("p = 0.1 stored on the 2^-32 grid", m.layer[0].rate, 0.1, 1.2e-10);
        CHECK("p = 0.1 stored exactly as k / 2^32", m.layer[0].rate * 4294967296.0 == floor(m.layer[0].rate * 4294967296.0));
        CHECK("p = 0 stored as 0", m.layer[1].rate == 0.0);
        nde_mlp_free(&m);
    }
}

/* Evaluation mode (no mask, or p = 0 with a mask) is the plain twin bit for bit. */
static void td_test_eval(void)
{
    nde_mlp a, b, z;
    nde_rng r;
    double x[TD_B * TD_D], v[TD_B * TD_D], g[TD_B * TD_D], ya[TD_B * TD_D], yb[TD_B * TD_D];
    double ja[TD_B * TD_D], jb[TD_B * TD_D], gxa[TD_B * TD_D], gxb[TD_B * TD_D], *gpa, *gpb;
    int same = 1, n = TD_B * TD_D, pass;
    nde_rng_seed(&r, 3);
    td_net(&a, NDE_INPUT_TIME, 0.3);
    td_net(&b, NDE_INPUT_TIME, -1);
    td_net(&z, NDE_INPUT_TIME, 0.0);
    CHECK("dropout adds no parameters", a.nparams == b.nparams && z.nparams == b.nparams && a.mask_w == 2 * TD_H);
    td_fill(&r, b.nparams, b.params, 0.5);
    memcpy(a.params, b.params, (size_t)b.nparams * sizeof(double));
    memcpy(z.params, b.params, (size_t)b.nparams * sizeof(double));
    nde_mlp_dropout_sample(&z, &r, TD_B, NULL); /* p = 0: every mask entry is 1 */
    gpa = (double *)calloc((size_t)b.nparams, sizeof(double));
    gpb = (double *)calloc((size_t)b.nparams, sizeof(double));
    td_fill(&r, n, x, 0.8);
    td_fill(&r, n, v, 1.0);
    td_fill(&r, n, g, 1.0);
    for (pass = 0; pass < 2 && gpa && gpb; pass++) {
        nde_mlp *m = pass ? &z : &a;
        memset(gxa, 0, sizeof gxa); memset(gxb, 0, sizeof gxb);
        memset(gpa, 0, (size_t)b.nparams * sizeof(double));
        memset(gpb, 0, (size_t)b.nparams * sizeof(double));
        nde_mlp_forward(m, TD_B, x, 0.4, ya);
        nde_mlp_forward(&b, TD_B, x, 0.4, yb);
        same &= td_same(n, ya, yb);
        nde_mlp_jvp(m, TD_B, x, 0.4, v, ya, ja);
        nde_mlp_jvp(&b, TD_B, x, 0.4, v, yb, jb);
        same &= td_same(n, ja, jb);
        nde_mlp_vjp(m, TD_B, x, 0.4, g, gxa, gpa, NULL);
        nde_mlp_vjp(&b, TD_B, x, 0.4, g, gxb, gpb, NULL);
        same &= td_same(n, gxa, gxb) && td_same(b.nparams, gpa, gpb);
        nde_mlp_grad_tangent(m, TD_B, x, 0.4, g, v, NULL, gxa, gpa);
        nde_mlp_grad_tangent(&b, TD_B, x, 0.4, g, v, NULL, gxb, gpb);
        same &= td_same(n, gxa, gxb) && td_same(b.nparams, gpa, gpb);
    }
    CHECK("evaluation mode and p = 0 equal the plain network bit for bit (forward, jvp, vjp, grad_tangent)",
          same && gpa && gpb);
    nde_mlp_dropout_sample(&a, &r, TD_B, NULL);
    nde_mlp_forward(&a, TD_B, x, 0.4, ya);
    CHECK("a drawn mask (p = 0.3) changes the output", !td_same(n, ya, yb));
    nde_mlp_dropout_off(&a);
    nde_mlp_forward(&a, TD_B, x, 0.4, ya);
    CHECK("nde_mlp_dropout_off restores the plain network bit for bit", td_same(n, ya, yb));
    free(gpa); free(gpb);
    nde_mlp_free(&a); nde_mlp_free(&b); nde_mlp_free(&z);
}

/* Masks: the kept fraction, the 1/(1-p) scale, per-row masks, the wrap to
   another batch size, reproducibility for a seed. */
static void td_test_masks(void)
{
    nde_mlp m, m2;
    nde_rng r, r2;
    double x[TD_B * TD_D], y[TD_B * TD_D], y2[TD_B * TD_D], zeros = 0, scale_ok = 1;
    long k, nmask;
    int i, draws = 200, d;
    char name[160];
    td_net(&m, 0, 0.3);
    nde_rng_seed(&r, 11);
    for (d = 0; d < draws; d++) {
        nde_mlp_dropout_sample(&m, &r, TD_B, NULL);
        for (k = 0; k < (long)TD_B * m.mask_w; k++) {
            if (m.mask[k] == 0.0) zeros++;
            else scale_ok = scale_ok && m.mask[k] == 1.0 / (1.0 - m.layer[2].rate);
        }
    }
    nmask = (long)draws * TD_B * m.mask_w;
    snprintf(name, sizeof name, "dropped fraction %.4f over %ld units within 4 sigma of p = 0.3", zeros / nmask, nmask);
    CHECK_LE(name, fabs(zeros / nmask - 0.3), 4.0 * sqrt(0.3 * 0.7 / nmask));
    CHECK("kept units are scaled by exactly 1/(1-p)", scale_ok);

    /* every row its own mask; a batch of another size wraps around the rows */
    nde_rng_seed(&r, 12);
    td_fill(&r, m.nparams, m.params, 0.5);
    for (i = 0; i < TD_D; i++) x[i] = 0.3 + 0.1 * i;
    for (i = 1; i < TD_B; i++) memcpy(x + i * TD_D, x, TD_D * sizeof(double));
    nde_mlp_dropout_sample(&m, &r, 2, NULL);
    nde_mlp_forward(&m, TD_B, x, 0.0, y);
    CHECK("2 mask rows, 4 equal batch rows: rows 0, 2 equal and 1, 3 equal, 0 and 1 differ",
          td_same(TD_D, y, y + 2 * TD_D) && td_same(TD_D, y + TD_D, y + 3 * TD_D) && !td_same(TD_D, y, y + TD_D));

    /* reproducible: the same seed and draws give the same masks and outputs */
    td_net(&m2, 0, 0.3);
    memcpy(m2.params, m.params, (size_t)m.nparams * sizeof(double));
    nde_rng_seed(&r, 99);
    nde_rng_seed(&r2, 99);
    for (d = 0; d < 3; d++) {
        nde_mlp_dropout_sample(&m, &r, TD_B, NULL);
        nde_mlp_dropout_sample(&m2, &r2, TD_B, NULL);
    }
    nde_mlp_forward(&m, TD_B, x, 0.0, y);
    nde_mlp_forward(&m2, TD_B, x, 0.0, y2);
    CHECK("same seed, same draws: same masks and outputs bit for bit",
          td_same((long)TD_B * m.mask_w, m.mask, m2.mask) && td_same(TD_B * TD_D, y, y2));
    nde_rng_seed(&r2, 100);
    nde_mlp_dropout_sample(&m2, &r2, TD_B, NULL);
    CHECK("another seed: another mask", !td_same((long)TD_B * m.mask_w, m.mask, m2.mask));
    nde_mlp_free(&m); nde_mlp_free(&m2);
}

/* With a mask drawn, the products against central finite differences: the
   system's vjp (y, theta, t), jvp and the f_save/vjp_saved pair by
   nde_system_check; grad_tangent's hx and hp by differences of the vjp. */
static void td_test_products(void)
{
    static const int flagset[3] = {0, NDE_INPUT_CUBE, NDE_INPUT_TIME};
    static const char *flagname[3] = {"plain", "cube", "time"};
    int f, i, n = TD_B * TD_D;
    for (f = 0; f < 3; f++) {
        nde_mlp m;
        nde_system s;
        nde_rng r;
        double y[TD_B * TD_D], g[TD_B * TD_D], u[TD_B * TD_D], xp[TD_B * TD_D], hx[TD_B * TD_D];
        double gp_[TD_B * TD_D], gm_[TD_B * TD_D], fd[TD_B * TD_D], err[4], ehx = 0, ehp = 0, sx = 0, sp = 0;
        double *hp, *pp, *pm;
        long P, k;
        char name[160];
        nde_rng_seed(&r, 20 + f);
        td_net(&m, flagset[f], 0.4);
        nde_mlp_system(&m, &s, NULL);
        P = m.nparams;
        td_fill(&r, P, m.params, 0.5);
        td_fill(&r, n, y, 0.7);
        td_fill(&r, n, g, 1.0);
        td_fill(&r, n, u, 1.0);
        nde_mlp_dropout_sample(&m, &r, TD_B, NULL);
        nde_system_check(&s, 0.3, TD_B, y, 0, err);
        snprintf(name, sizeof name, "dropout %s: system vjp-y %.1e vjp-theta %.1e vjp-t %.1e jvp %.1e (f_save pair too) vs FD",
                 flagname[f], err[0], err[1], err[2], err[3]);
        CHECK_LE(name, fmax(fmax(err[0], err[1]), fmax(err[2], err[3])), 1e-8);
        hp = (double *)calloc((size_t)P, sizeof(double));
        pp = (double *)calloc((size_t)P, sizeof(double));
        pm = (double *)calloc((size_t)P, sizeof(double));
        if (!hp || !pp || !pm) { CHECK("dropout products: memory", 0); free(hp); free(pp); free(pm); nde_mlp_free(&m); return; }
        memset(hx, 0, sizeof hx);
        nde_mlp_grad_tangent(&m, TD_B, y, 0.3, g, u, NULL, hx, hp);
        for (i = 0; i < n; i++) xp[i] = y[i] + TD_EPS * u[i];
        memset(gp_, 0, sizeof gp_);
        nde_mlp_vjp(&m, TD_B, xp, 0.3, g, gp_, pp, NULL);
        for (i = 0; i < n; i++) xp[i] = y[i] - TD_EPS * u[i];
        memset(gm_, 0, sizeof gm_);
        nde_mlp_vjp(&m, TD_B, xp, 0.3, g, gm_, pm, NULL);
        for (i = 0; i < n; i++) {
            fd[i] = (gp_[i] - gm_[i]) / (2 * TD_EPS);
            ehx = fmax(ehx, fabs(hx[i] - fd[i]));
            sx = fmax(sx, fabs(fd[i]));
        }
        for (k = 0; k < P; k++) {
            double d = (pp[k] - pm[k]) / (2 * TD_EPS);
            ehp = fmax(ehp, fabs(hp[k] - d));
            sp = fmax(sp, fabs(d));
        }
        snprintf(name, sizeof name, "dropout %s: grad_tangent hx %.1e, hp %.1e (relative) vs FD of the vjp",
                 flagname[f], ehx / sx, ehp / sp);
        CHECK_LE(name, fmax(ehx / sx, ehp / sp), 1e-8);
        free(hp); free(pp); free(pm);
        nde_mlp_free(&m);
    }
}

/* dL/dtheta of a solve through a dropout network (mask fixed): backprop
   through rk4 against central differences of the same discrete solve, and
   the backsolve and interpolating adjoints (dopri5, tight tolerances)
   against backprop through the same dopri5 solve. */
static void td_test_solve_gradients(void)
{
    enum { N = 6 };
    nde_mlp m;
    nde_system s;
    nde_rng r;
    nde_options rk, dp;
    nde_grad_options go;
    nde_grad_work work;
    nde_grad_stats gs;
    double y0[TD_B * TD_D], t[N], target[N * TD_B * TD_D], L, *g, *g2, *gfd, *yo, e = 0, sc = 0;
    nde_loss loss;
    nde_target tg;
    long P, k;
    int meth, st;
    char name[160];
    nde_rng_seed(&r, 31);
    td_net(&m, NDE_INPUT_TIME, 0.2);
    nde_mlp_system(&m, &s, NULL);
    P = m.nparams;
    td_fill(&r, P, m.params, 0.4);
    td_fill(&r, TD_B * TD_D, y0, 0.8);
    td_fill(&r, N * TD_B * TD_D, target, 0.8);
    nde_linspace(N, 0.0, 1.0, t);
    nde_mlp_dropout_sample(&m, &r, TD_B, NULL);
    tg.y = target; tg.w = NULL;
    loss.point = nde_loss_mse; loss.running = NULL; loss.ctx = &tg;
    memset(&rk, 0, sizeof rk);
    rk.method = NDE_RK4;
    rk.h = 0.05;
    memset(&dp, 0, sizeof dp);
    dp.rtol = 1e-10;
    dp.atol = 1e-12;
    g = (double *)calloc((size_t)P, sizeof(double));
    g2 = (double *)calloc((size_t)P, sizeof(double));
    gfd = (double *)calloc((size_t)P, sizeof(double));
    yo = (double *)calloc((size_t)N * TD_B * TD_D, sizeof(double));
    if (!g || !g2 || !gfd || !yo) { CHECK("dropout solve gradients: memory", 0); goto done; }

    /* backprop through rk4, with saved activations (work given) and without */
    memset(&go, 0, sizeof go);
    memset(&work, 0, sizeof work);
    go.work = &work;
    st = nde_grad(&s, TD_B, y0, N, t, &rk, &go, &loss, &L, NULL, g, NULL, &gs);
    CHECK("backprop rk4 through a dropout net: saved activations used", st == NDE_OK && gs.nsaved > 0);
    go.work = NULL;
    nde_grad(&s, TD_B, y0, N, t, &rk, &go, &loss, &L, NULL, g2, NULL, &gs);
    CHECK("backprop rk4: saved-activation gradient = recomputed gradient bit for bit", td_same(P, g, g2));
    nde_grad_work_free(&work);
    for (k = 0; k < P; k++) {
        double pk = m.params[k], lp, lm;
        m.params[k] = pk + TD_EPS;
        nde_solve(&s, TD_B, y0, N, t, &rk, yo, NULL); lp = nde_mse((long)N * TD_B * TD_D, yo, target);
        m.params[k] = pk - TD_EPS;
        nde_solve(&s, TD_B, y0, N, t, &rk, yo, NULL); lm = nde_mse((long)N * TD_B * TD_D, yo, target);
        m.params[k] = pk;
        gfd[k] = (lp - lm) / (2 * TD_EPS);
        e = fmax(e, fabs(g[k] - gfd[k]));
        sc = fmax(sc, fabs(gfd[k]));
    }
    snprintf(name, sizeof name, "dropout net: backprop through rk4 vs central differences of the solve, rel %.1e", e / sc);
    CHECK_LE(name, e / sc, 1e-8);

    /* the adjoints against backprop through the same dopri5 solve */
    memset(&go, 0, sizeof go);
    nde_grad(&s, TD_B, y0, N, t, &dp, &go, &loss, &L, NULL, g, NULL, &gs);
    for (meth = NDE_GRAD_BACKSOLVE; meth <= NDE_GRAD_INTERP; meth++) {
        go.method = meth;
        st = nde_grad(&s, TD_B, y0, N, t, &dp, &go, &loss, &L, NULL, g2, NULL, &gs);
        e = sc = 0;
        for (k = 0; k < P; k++) { e = fmax(e, fabs(g2[k] - g[k])); sc = fmax(sc, fabs(g[k])); }
        snprintf(name, sizeof name, "dropout net: %s adjoint vs backprop (dopri5 rtol 1e-10), rel %.1e",
                 meth == NDE_GRAD_BACKSOLVE ? "backsolve" : "interpolating", e / sc);
        CHECK_LE(name, st == NDE_OK ? e / sc : 1.0, 1e-9);
    }
    nde_mlp_dropout_sample(&m, &r, TD_B, NULL); /* a new mask is a new function: the gradient moves */
    go.method = NDE_GRAD_BACKPROP;
    nde_grad(&s, TD_B, y0, N, t, &dp, &go, &loss, &L, NULL, g2, NULL, &gs);
    CHECK("a new mask gives another gradient", !td_same(P, g, g2));
done:
    free(g); free(g2); free(gfd); free(yo);
    nde_mlp_free(&m);
}

/* Model files keep the rate exactly; a rate mismatch is an architecture
   mismatch; a loaded network is in evaluation mode. */
static void td_test_files(void)
{
    const char *path = "build/test_dropout_model.bin";
    nde_mlp a, b, c;
    nde_rng r;
    char msg[NDE_MSG_LEN];
    double x[TD_B * TD_D], ya[TD_B * TD_D], yb[TD_B * TD_D];
    int st;
    nde_rng_seed(&r, 41);
    td_net(&a, NDE_INPUT_CUBE, 0.1);
    td_fill(&r, a.nparams, a.params, 0.5);
    td_fill(&r, TD_B * TD_D, x, 0.7);
    nde_mlp_dropout_sample(&a, &r, TD_B, NULL);
    st = nde_mlp_save(&a, path, msg);
    CHECK("save a net with dropout layers", st == NDE_OK);
    memset(&b, 0, sizeof b);
    st = nde_mlp_load_new(&b, path, msg);
    CHECK("load_new rebuilds it: dropout layers with the same rate, evaluation mode",
          st == NDE_OK && b.nlayers == a.nlayers && b.layer[2].kind == NDE_LAYER_DROPOUT &&
          b.layer[2].rate == a.layer[2].rate && b.layer[4].rate == a.layer[4].rate && b.mask_rows == 0);
    nde_mlp_dropout_off(&a);
    nde_mlp_forward(&a, TD_B, x, 0.0, ya);
    if (st == NDE_OK) nde_mlp_forward(&b, TD_B, x, 0.0, yb);
    CHECK("the loaded net evaluates as the saved one bit for bit", st == NDE_OK && td_same(TD_B * TD_D, ya, yb));
    td_net(&c, NDE_INPUT_CUBE, 0.2);
    msg[0] = 0;
    st = nde_mlp_load(&c, path, msg);
    printf("      rate mismatch: %s\n", msg);
    CHECK("loading into a net with another rate: NDE_ERR_ARCH naming the dropout layers",
          st == NDE_ERR_ARCH && strstr(msg, "dropout(0.1") && strstr(msg, "dropout(0.2"));
    nde_mlp_free(&a); nde_mlp_free(&b); nde_mlp_free(&c);
    remove(path);
}

void test_dropout(void)
{
    printf("== dropout (mask fixed per solve) ==\n");
    td_test_args();
    td_test_eval();
    td_test_masks();
    td_test_products();
    td_test_solve_gradients();
    td_test_files();
}
