/* test_train.c: the training toolkit and model files.
   Optimizer steps against values worked out by hand, clipping, schedules,
   early stopping, the window sampler, and model files: bit-exact round trip
   and every kind of damaged file rejected with the network untouched. */
#include "neuralode.h"
#include "check.h"
#include "problems.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Optimizers                                                              */
/* ---------------------------------------------------------------------- */

/* Adam on L(p) = |p|^2 / 2 (so g = p), p0 = (1, -2), lr 0.1, b1 0.9,
   b2 0.999, eps 1e-8. With mh = m/(1-b1^k), vh = v/(1-b2^k),
   p -= lr*mh/(sqrt(vh)+eps):
   param 1 (p0 = 1):
     k=1: g=1, m=0.1, v=0.001, mh=1, vh=1,
          p1 = 1 - 0.1/(1+1e-8) = 0.900000000999999990
     k=2: g=p1, m=0.09+0.1*p1=0.1800000001, v=0.000999+0.001*p1^2=0.0018090000018,
          mh=m/0.19=0.947368421578947, vh=v/0.001999=0.904952477138569,
          p2 = p1 - 0.1*mh/(sqrt(vh)+1e-8) = 0.800412229712337391
     k=3: g=p2, m=0.9*m+0.1*p2=0.242041223061234, v=0.999*v+0.001*p2^2=0.00244785073927128,
          mh=m/0.271=0.893141044506398, vh=v/0.002997001=0.816766740909087,
          p3 = p2 - 0.1*mh/(sqrt(vh)+1e-8) = 0.701586274504414214
   param 2 (p0 = -2):
     k=1: p1 = -2 + 0.1*2/(2+1e-8) = -1.90000000049999999750
     k=2: m=-0.37000000005, v=0.0076060000019, mh=-1.94736842131579, vh=3.80490245217609,
          p2 = -1.80016648662109213641
     k=3: m=-0.513016648707109, v=0.0108389933814518, mh=-1.89305036423288, vh=3.61661320148102,
          p3 = -1.70062339281211318428 */
static void test_adam_by_hand(void)
{
    static const double want[3][2] = {
        {0.900000000999999990, -1.90000000049999999750},
        {0.800412229712337391, -1.80016648662109213641},
        {0.701586274504414214, -1.70062339281211318428}};
    nde_optim o;
    double p[2] = {1.0, -2.0}, g[2];
    char msg[NDE_MSG_LEN], name[64];
    int k, rc;
    rc = nde_optim_init(&o, NDE_OPT_ADAM, 2, 0.1, msg);
    CHECK("adam init", rc == NDE_OK);
    CHECK("adam defaults b1 0.9 b2 0.999 eps 1e-8 wd 0",
          o.beta1 == 0.9 && o.beta2 == 0.999 && o.eps == 1e-8 && o.weight_decay == 0.0);
    for (k = 0; k < 3; k++) {
        g[0] = p[0];
        g[1] = p[1];
        nde_optim_step(&o, p, g);
        snprintf(name, sizeof name, "adam step %d p[0]", k + 1);
        CHECK_REL(name, p[0], want[k][0], 1e-14);
        snprintf(name, sizeof name, "adam step %d p[1]", k + 1);
        CHECK_REL(name, p[1], want[k][1], 1e-14);
    }
    CHECK_REL("adam m after 3 steps", o.m[0], 0.242041223061234, 1e-13);
    CHECK_REL("adam v after 3 steps", o.v[0], 0.00244785073927128, 1e-13);
    CHECK("adam step count 3", o.t == 3);
    nde_optim_free(&o);

    /* defaults with lr = 0 */
    nde_optim_init(&o, NDE_OPT_ADAM, 1, 0.0, NULL);
    CHECK_REL("adam default lr 1e-3", o.lr, 1e-3, 0);
    nde_optim_free(&o);
    rc = nde_optim_init(&o, 99, 1, 0.0, msg);
    CHECK("unknown optimizer kind -> NDE_ERR_ARG", rc == NDE_ERR_ARG && o.m == NULL);
    rc = nde_optim_init(&o, NDE_OPT_ADAM, 0, 0.0, msg);
    CHECK("P = 0 -> NDE_ERR_ARG", rc == NDE_ERR_ARG);
    rc = nde_optim_init(&o, NDE_OPT_ADAM, 1, -1.0, msg);
    CHECK("lr < 0 -> NDE_ERR_ARG", rc == NDE_ERR_ARG);
}

/* AdamW decays theta directly: with the same gradients (independent of
   theta) its moments equal Adam's, so each AdamW step is exactly
   p_k = (1 - lr*wd) p_{k-1} - u_k where u_k is plain Adam's update. Adam's
   L2 decay instead goes through the moments and gets normalised away: with
   g = 0 it moves theta by ~lr*sign(theta), AdamW by lr*wd*theta. */
static void test_adamw(void)
{
    nde_optim a, w;
    double pa[3] = {1.0, -2.0, 0.5}, pw[3] = {1.0, -2.0, 0.5}, g[3], prev[3], pz[3], zero[3] = {0, 0, 0};
    double lr = 0.01, wd = 0.1, err = 0.0;
    int k, i;
    nde_optim_init(&a, NDE_OPT_ADAM, 3, lr, NULL);
    nde_optim_init(&w, NDE_OPT_ADAMW, 3, lr, NULL);
    CHECK_REL("adamw default weight_decay 0.01", w.weight_decay, 0.01, 0);
    w.weight_decay = wd;
    for (k = 1; k <= 5; k++) {
        double qa[3];
        for (i = 0; i < 3; i++) {
            g[i] = 0.3 * k * (i + 1) * (i == 1 ? -1.0 : 1.0) + 0.05 * k * k;
            qa[i] = pa[i];
            prev[i] = pw[i];
        }
        nde_optim_step(&a, pa, g);
        nde_optim_step(&w, pw, g);
        for (i = 0; i < 3; i++) {
            double u = qa[i] - pa[i];                    /* Adam's update */
            double want = (1.0 - lr * wd) * prev[i] - u;
            double e = fabs(pw[i] - want);
            if (e > err) err = e;
        }
    }
    CHECK_LE("adamw - adam = decoupled decay, 5 steps, max |diff|", err, 1e-15);
    CHECK("adamw differs from adam", fabs(pw[0] - pa[0]) > 1e-4);
    nde_optim_free(&a);
    nde_optim_free(&w);

    /* zero gradient */
    nde_optim_init(&w, NDE_OPT_ADAMW, 3, lr, NULL);
    w.weight_decay = wd;
    memcpy(pz, pw, sizeof pz);
    nde_optim_step(&w, pz, zero);
    CHECK_REL("adamw, g = 0: p1 = p0 (1 - lr wd)", pz[1], pw[1] * (1.0 - lr * wd), 1e-15);
    nde_optim_free(&w);
    nde_optim_init(&a, NDE_OPT_ADAM, 3, lr, NULL);
    a.weight_decay = wd;
    memcpy(pz, pw, sizeof pz);
    nde_optim_step(&a, pz, zero);
    /* g_eff = wd p0, first Adam step moves by lr*g/(|g|+eps) ~ lr sign(p0) */
    CHECK_REL("adam L2, g = 0: p1 = p0 - lr sign(p0)", pz[1], pw[1] + lr, 1e-6);
    nde_optim_free(&a);
}

/* SGD on g = p, p0 = 1, lr 0.1.
   heavy ball mu 0.9: b1 = 1, p1 = 0.9; b2 = 0.9+0.9 = 1.8, p2 = 0.72;
                      b3 = 1.62+0.72 = 2.34, p3 = 0.72-0.234 = 0.486
   Nesterov mu 0.9:   b1 = 1, d = 1+0.9 = 1.9, p1 = 0.81;
                      b2 = 0.9+0.81 = 1.71, d = 0.81+1.539 = 2.349, p2 = 0.5751;
                      b3 = 1.539+0.5751 = 2.1141, d = 0.5751+1.90269 = 2.47779,
                      p3 = 0.5751-0.247779 = 0.327321
   RMSprop lr 0.01, alpha 0.99, eps 1e-8:
     k=1: v = 0.01*1 = 0.01, p1 = 1 - 0.01/(0.1+1e-8) = 0.900000009999999
     k=2: v = 0.0099+0.01*p1^2 = 0.018000000180, p2 = p1 - 0.01 p1/(sqrt(v)+1e-8)
          = 0.832917975265059190
     k=3: v = 0.99 v + 0.01 p2^2 = 0.0247575237133964, p3 = 0.779982281982353993 */
static void test_sgd_rmsprop_by_hand(void)
{
    static const double hb[3] = {0.9, 0.72, 0.486}, nv[3] = {0.81, 0.5751, 0.327321};
    static const double rm[3] = {0.900000009999999000, 0.832917975265059190, 0.779982281982353993};
    nde_optim o;
    double p, g, th[2], gg[2];
    char name[64];
    int k, rc;

    nde_optim_init(&o, NDE_OPT_SGD, 1, 0.1, NULL);
    CHECK_REL("sgd default momentum 0.9", o.momentum, 0.9, 0);
    for (p = 1.0, k = 0; k < 3; k++) {
        g = p;
        nde_optim_step(&o, &p, &g);
        snprintf(name, sizeof name, "sgd momentum step %d", k + 1);
        CHECK_REL(name, p, hb[k], 1e-14);
    }
    nde_optim_free(&o);

    nde_optim_init(&o, NDE_OPT_SGD, 1, 0.1, NULL);
    o.nesterov = 1;
    for (p = 1.0, k = 0; k < 3; k++) {
        g = p;
        nde_optim_step(&o, &p, &g);
        snprintf(name, sizeof name, "sgd nesterov step %d", k + 1);
        CHECK_REL(name, p, nv[k], 1e-14);
    }
    nde_optim_free(&o);

    /* plain SGD with L2: g = 0, wd = 0.5 -> p1 = 1 - 0.1*0.5*1 = 0.95 */
    nde_optim_init(&o, NDE_OPT_SGD, 1, 0.1, NULL);
    o.momentum = 0.0;
    o.weight_decay = 0.5;
    p = 1.0;
    g = 0.0;
    nde_optim_step(&o, &p, &g);
    CHECK_REL("sgd L2 weight decay step", p, 0.95, 1e-15);
    nde_optim_free(&o);

    nde_optim_init(&o, NDE_OPT_RMSPROP, 1, 0.01, NULL);
    CHECK("rmsprop defaults alpha 0.99 eps 1e-8", o.alpha == 0.99 && o.eps == 1e-8 && o.momentum == 0.0);
    for (p = 1.0, k = 0; k < 3; k++) {
        g = p;
        nde_optim_step(&o, &p, &g);
        snprintf(name, sizeof name, "rmsprop step %d", k + 1);
        CHECK_REL(name, p, rm[k], 1e-14);
    }
    nde_optim_free(&o);

    /* a NaN gradient leaves everything as it was */
    nde_optim_init(&o, NDE_OPT_ADAM, 2, 0.1, NULL);
    th[0] = 1.0; th[1] = 2.0; gg[0] = 0.5; gg[1] = NAN;
    rc = nde_optim_step(&o, th, gg);
    CHECK("NaN gradient -> NDE_ERR_NONFINITE, theta and state unchanged",
          rc == NDE_ERR_NONFINITE && th[0] == 1.0 && th[1] == 2.0 && o.t == 0 && o.m[0] == 0.0);
    nde_optim_free(&o);
}

static void test_clip(void)
{
    double g[2] = {3.0, 4.0}, h[3] = {1.0, NAN, 2.0}, g2[2], n;
    n = nde_clip_grad_norm(2, g, 1.0);
    CHECK_REL("clip returns norm before clipping", n, 5.0, 1e-15);
    CHECK_REL("clip: norm after = max_norm", sqrt(g[0] * g[0] + g[1] * g[1]), 1.0, 1e-15);
    CHECK_REL("clip keeps direction", g[0], 0.6, 1e-15);
    g2[0] = g[0];
    g2[1] = g[1];
    n = nde_clip_grad_norm(2, g, 10.0);
    CHECK("clip below max_norm leaves g alone", n == sqrt(g2[0] * g2[0] + g2[1] * g2[1]) && g[0] == g2[0] && g[1] == g2[1]);
    n = nde_clip_grad_norm(3, h, 1.0);
    CHECK("clip: NaN norm returned, g untouched", n != n && h[0] == 1.0 && h[2] == 2.0);
}

/* ---------------------------------------------------------------------- */
/* Schedules and early stopping                                            */
/* ---------------------------------------------------------------------- */

static void test_schedules(void)
{
    /* step decay, lr0 0.1, every 3, gamma 0.5 */
    static const double sd[8] = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025};
    /* plateau: factor 0.5, patience 2, threshold 0.1 (relative), cooldown 1,
       min_lr 0.02, lr0 0.1. Trace (better means metric < 0.9*best):
        1: 1.00 best=1.00            2: 0.95 bad 1     3: 0.85 best=0.85
        4: 0.80 bad 1  5: 0.80 bad 2  6: 0.79 bad 3 > 2 -> lr 0.05, cooldown 1
        7: 0.78 bad 1, cooldown -> 0, bad 0   8, 9: bad 1, 2
       10: bad 3 -> lr 0.025, cooldown 1     11: 0.50 best=0.50, cooldown -> 0
       12, 13: bad 1, 2  14: bad 3 -> lr max(0.0125, 0.02) = 0.02, cooldown 1
       15: cooldown -> 0  16, 17: bad 1, 2
       18: bad 3 -> max(0.01, 0.02) = 0.02: no change (not counted) */
    static const double metric[18] = {1.0, 0.95, 0.85, 0.80, 0.80, 0.79, 0.78, 0.78, 0.78, 0.78,
                                      0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    static const double lr[18] = {0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025,
                                  0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02};
    static const int red[18] = {0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0};
    nde_plateau s;
    nde_optim o;
    double errd = 0.0, errp = 0.0;
    int k, rc, redok = 1;
    for (k = 0; k < 8; k++) errd = fmax(errd, fabs(nde_lr_step_decay(0.1, k, 3, 0.5) - sd[k]));
    CHECK_LE("step decay sequence (8 steps), max |lr - want|", errd, 1e-17);

    nde_optim_init(&o, NDE_OPT_ADAM, 1, 0.1, NULL);
    rc = nde_plateau_init(&s, 0.5, 2, NULL);
    CHECK("plateau init", rc == NDE_OK && s.threshold == 1e-4 && s.cooldown == 0);
    s.threshold = 0.1;
    s.cooldown = 1;
    s.min_lr = 0.02;
    for (k = 0; k < 18; k++) {
        int r = nde_plateau_step(&s, &o, metric[k]);
        errp = fmax(errp, fabs(o.lr - lr[k]));
        if (r != red[k]) redok = 0;
    }
    CHECK_LE("plateau lr sequence (18 steps), max |lr - want|", errp, 1e-17);
    CHECK("plateau reductions at steps 6, 10, 14 only", redok && s.nreduce == 3);
    nde_optim_free(&o);
    CHECK("plateau factor 1 -> NDE_ERR_ARG", nde_plateau_init(&s, 1.0, 2, NULL) == NDE_ERR_ARG);
}

/* patience 3; losses 5 4 3 3.5 3.0 2.9 3.1 2.9 3.3 1.0 with theta = (k, -k)
   at update k: best 2.9 at k = 5; k = 6, 7, 8 do not improve, so update 8
   is the first to say stop (ties, 3.0 at k = 4 and 2.9 at k = 7, are not
   improvements). */
static void test_early_stop(void)
{
    static const double loss[10] = {5, 4, 3, 3.5, 3.0, 2.9, 3.1, 2.9, 3.3, 1.0};
    nde_early_stop e;
    double th[2], out[2] = {0, 0};
    int k, first = -1, rc;
    rc = nde_early_init(&e, 2, 3, NULL);
    CHECK("early init", rc == NDE_OK);
    CHECK("restore before any update -> NDE_ERR_ARG", nde_early_restore(&e, out) == NDE_ERR_ARG);
    for (k = 0; k < 10; k++) {
        th[0] = k;
        th[1] = -k;
        if (nde_early_update(&e, loss[k], th) && first < 0) first = k;
    }
    CHECK_ABS("early stop first says stop at update", first, 8, 0);
    CHECK_ABS("early stop best loss", e.best_loss, 1.0, 0); /* k = 9 improved again */
    nde_early_free(&e);

    nde_early_init(&e, 2, 3, NULL);
    for (k = 0; k < 10; k++) {
        th[0] = k;
        th[1] = -k;
        if (nde_early_update(&e, loss[k], th)) break;
    }
    rc = nde_early_restore(&e, out);
    CHECK("stopped at 8, restore gives theta of update 5",
          k == 8 && rc == NDE_OK && out[0] == 5.0 && out[1] == -5.0 && e.best_iter == 5 && e.best_loss == 2.9);
    CHECK("NaN loss says stop", nde_early_update(&e, NAN, th) == 1 && e.best_loss == 2.9);
    nde_early_free(&e);

    /* min_delta 0.5: 5 -> 4 improves, 3.8 does not, 3.4 does */
    nde_early_init(&e, 1, 5, NULL);
    e.min_delta = 0.5;
    th[0] = 0;
    nde_early_update(&e, 5.0, th);
    nde_early_update(&e, 4.0, th);
    nde_early_update(&e, 3.8, th);
    CHECK("min_delta: 3.8 is not an improvement on 4", e.best_loss == 4.0 && e.bad == 1);
    nde_early_update(&e, 3.4, th);
    CHECK("min_delta: 3.4 is", e.best_loss == 3.4 && e.bad == 0);
    nde_early_free(&e);
}

/* ---------------------------------------------------------------------- */
/* Window sampler                                                          */
/* ---------------------------------------------------------------------- */

static void test_windows(void)
{
    enum { N = 60, D = 2, T = 6, B = 12, M = N - T };
    double t[N], y[N * D], tb[T], y0[B * D], yb[T * B * D];
    int s[B], s2[B], all[M], i, b, j, rc, ok, seen[M];
    long count[10];
    nde_rng r, r2;
    char msg[NDE_MSG_LEN];
    for (i = 0; i < N; i++) {
        t[i] = 0.25 * i;
        y[i * D] = sin(0.3 * i);
        y[i * D + 1] = 100.0 + i;
    }
    nde_rng_seed(&r, 7);
    rc = nde_sample_windows(&r, N, D, t, y, T, B, s, tb, y0, yb, msg);
    CHECK("sample windows ok", rc == NDE_OK);
    printf("     starts:");
    for (b = 0; b < B; b++) printf(" %d", s[b]);
    printf("\n");
    ok = 1;
    for (b = 0; b < B; b++) {
        if (s[b] < 0 || s[b] >= M) ok = 0;
        for (j = 0; j < b; j++) if (s[j] == s[b]) ok = 0;
    }
    CHECK("starts in [0, N-T) and distinct", ok);
    ok = 1;
    for (b = 0; b < B; b++) {
        if (y0[b * D] != y[s[b] * D] || y0[b * D + 1] != y[s[b] * D + 1]) ok = 0;
        for (i = 0; i < T; i++)
            for (j = 0; j < D; j++)
                if (yb[(i * B + b) * D + j] != y[(s[b] + i) * D + j]) ok = 0;
    }
    for (i = 0; i < T; i++) if (tb[i] != t[i] - t[0]) ok = 0;
    CHECK("y0 (B,D), yb (T,B,D) and tb (T) match the trajectory", ok);

    nde_rng_seed(&r2, 7);
    nde_sample_windows(&r2, N, D, t, y, T, B, s2, NULL, NULL, NULL, NULL);
    CHECK("same seed, same starts", memcmp(s, s2, sizeof s) == 0);
    nde_rng_seed(&r2, 8);
    nde_sample_windows(&r2, N, D, t, y, T, B, s2, NULL, NULL, NULL, NULL);
    CHECK("other seed, other starts", memcmp(s, s2, sizeof s) != 0);

    /* B = N - T: a permutation of all starts */
    rc = nde_sample_windows(&r, N, D, t, y, T, M, all, NULL, NULL, NULL, msg);
    memset(seen, 0, sizeof seen);
    ok = rc == NDE_OK;
    for (b = 0; ok && b < M; b++) {
        if (all[b] < 0 || all[b] >= M || seen[all[b]]) ok = 0;
        else seen[all[b]] = 1;
    }
    CHECK("B = N - T draws every start once", ok);
    rc = nde_sample_windows(&r, N, D, t, y, T, M + 1, all, NULL, NULL, NULL, msg);
    CHECK("B > N - T -> NDE_ERR_ARG", rc == NDE_ERR_ARG);
    printf("     msg: %s\n", msg);
    rc = nde_sample_windows(&r, N, D, t, y, N, 1, all, NULL, NULL, NULL, msg);
    CHECK("T = N -> NDE_ERR_ARG", rc == NDE_ERR_ARG);

    /* uniform starts: N = 15, T = 5 -> 10 starts, 100000 single draws */
    {
        double worst = 0.0;
        memset(count, 0, sizeof count);
        nde_rng_seed(&r, 1);
        for (i = 0; i < 100000; i++) {
            nde_sample_windows(&r, 15, D, t, y, 5, 1, s2, NULL, NULL, NULL, NULL);
            count[s2[0]]++;
        }
        for (i = 0; i < 10; i++) worst = fmax(worst, fabs(count[i] - 10000.0) / 10000.0);
        CHECK_LE("start frequencies, max relative deviation from 1/10", worst, 0.05);
    }
}

/* ---------------------------------------------------------------------- */
/* Progress lines                                                          */
/* ---------------------------------------------------------------------- */

typedef struct { int n; char last[NDE_MSG_LEN]; } line_log;

static void collect(void *ctx, const char *line)
{
    line_log *l = (line_log *)ctx;
    l->n++;
    strcpy(l->last, line);
}

static void test_progress(void)
{
    nde_progress p;
    line_log l;
    int it, n = 0, iter = -1;
    double loss = -1, ms = -1;
    long nfe = -1;
    memset(&l, 0, sizeof l);
    nde_progress_init(&p, 10, collect, &l);
    for (it = 1; it <= 35; it++) n += nde_progress_update(&p, it, 1.0 / it, 100 + it);
    CHECK("progress: 3 lines in 35 iterations every 10", n == 3 && l.n == 3);
    printf("     line: %s\n", l.last);
    sscanf(l.last, "iter %d  loss %lf  nfe %ld  %lf ms/iter", &iter, &loss, &nfe, &ms);
    CHECK("progress line fields (iter 30, loss 1/30, nfe 130, ms >= 0)",
          iter == 30 && fabs(loss - 1.0 / 30) < 1e-7 && nfe == 130 && ms >= 0.0);
    CHECK("progress line also in p.line", strcmp(p.line, l.last) == 0);
    nde_progress_init(&p, 0, NULL, NULL);
    for (n = 0, it = 0; it < 20; it++) n += nde_progress_update(&p, it, 1.0, 0);
    CHECK("progress every 0: never", n == 0 && p.line[0] == 0);
}

/* ---------------------------------------------------------------------- */
/* Model files                                                             */
/* ---------------------------------------------------------------------- */

static char dir[512];

static const char *tmp_path(char *buf, const char *name)
{
    snprintf(buf, 1024, "%s/%s", dir, name);
    return buf;
}

static int file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* the checksum, written again from its definition */
static unsigned long long fnv1a(const unsigned char *p, long n)
{
    unsigned long long h = 0xcbf29ce484222325ULL;
    long i;
    for (i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static void reseal(unsigned char *buf, long n)
{
    unsigned long long h = fnv1a(buf, n - 8);
    int k;
    for (k = 0; k < 8; k++) buf[n - 8 + k] = (unsigned char)(h >> (8 * k));
}

/* 2 inputs (cubed, plus time) -> linear 3xH -> act -> residual tanh H -> linear Hx2 */
enum { HID = 4 };
static int build_net(nde_mlp *m, int hidden, int act)
{
    int rc = nde_mlp_init(m, 2, NDE_INPUT_CUBE | NDE_INPUT_TIME, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_linear(m, hidden, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_act(m, act, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_residual(m, NDE_ACT_TANH, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_linear(m, 2, NULL);
    if (rc == NDE_OK) rc = nde_mlp_build(m, NULL);
    return rc;
}

static void test_model_files(void)
{
    enum { CAP = 1 << 16 };
    nde_mlp a, b, c, snap;
    char path[1024], cpath[1024], tpath[1100], msg[NDE_MSG_LEN];
    unsigned char *img = (unsigned char *)malloc(CAP), *bad = (unsigned char *)malloc(CAP);
    double *keep;
    long n, i, P, nfail, nflip, ntrunc, nnew;
    int rc, k, same;
    nde_rng r;
    const char *env = getenv("TMPDIR");
    unsigned long long bits;

    snprintf(dir, sizeof dir, "%s", env && env[0] ? env : "/tmp");
    tmp_path(path, "nde_test_train_model.bin");
    tmp_path(cpath, "nde_test_train_corrupt.bin");
    snprintf(tpath, sizeof tpath, "%s.tmp", path);

    rc = build_net(&a, HID, NDE_ACT_TANH);
    CHECK("build the test network", rc == NDE_OK && img && bad);
    if (rc != NDE_OK || !img || !bad) return;
    P = a.nparams;
    nde_rng_seed(&r, 3);
    for (i = 0; i < P; i++) a.params[i] = nde_rng_normal(&r);
    a.params[0] = -0.0;              /* values that must survive bit-exactly */
    a.params[1] = 4.9e-324;          /* smallest subnormal */
    a.params[2] = -1.7976931348623157e308;
    a.params[3] = 1.0 / 3.0;

    remove(path);
    rc = nde_mlp_save(&a, path, msg);
    CHECK("save", rc == NDE_OK);
    CHECK("no .tmp file left after save", !file_exists(tpath));
    n = read_file(path, img, CAP);
    printf("     %s: %ld bytes, P = %ld\n", path, n, P);
    CHECK_ABS("file size = 40 + 16 L + 8 P", (double)n, 40.0 + 16 * a.nlayers + 8.0 * P, 0);
    /* little-endian layout, independent of the host */
    bits = 0;
    memcpy(&bits, &a.params[3], 8);
    same = memcmp(img, "NDEMODEL", 8) == 0 && img[8] == 1 && img[9] == 0 && img[10] == 0 && img[11] == 0 &&
           img[20] == (unsigned char)a.nlayers && img[24 + 16 * a.nlayers] == (unsigned char)(P & 0xff);
    for (k = 0; k < 8; k++)
        if (img[24 + 16 * a.nlayers + 8 + 3 * 8 + k] != (unsigned char)(bits >> (8 * k))) same = 0;
    for (k = 0; k < 8; k++)
        if (img[n - 8 + k] != (unsigned char)(fnv1a(img, n - 8) >> (8 * k))) same = 0;
    CHECK("layout: magic, version 1 LE, L, P, param 3 as LE bits, FNV-1a 64 at the end", same);

    /* round trip into a network of the same architecture */
    build_net(&b, HID, NDE_ACT_TANH);
    rc = nde_mlp_load(&b, path, msg);
    CHECK("load into same architecture", rc == NDE_OK);
    CHECK("save/load bit-exact (memcmp of P params)", memcmp(a.params, b.params, (size_t)P * sizeof(double)) == 0);

    /* rebuild from the file */
    memset(&c, 0, sizeof c);
    rc = nde_mlp_load_new(&c, path, msg);
    same = rc == NDE_OK && c.in_dim == a.in_dim && c.flags == a.flags && c.nlayers == a.nlayers &&
           c.out_dim == a.out_dim && c.nparams == P;
    for (k = 0; same && k < a.nlayers; k++)
        same = c.layer[k].kind == a.layer[k].kind && c.layer[k].in == a.layer[k].in &&
               c.layer[k].out == a.layer[k].out && c.layer[k].off == a.layer[k].off &&
               (c.layer[k].kind == NDE_LAYER_LINEAR || c.layer[k].act == a.layer[k].act);
    CHECK("load_new rebuilds the same architecture", same);
    CHECK("load_new params bit-exact", same && memcmp(a.params, c.params, (size_t)P * sizeof(double)) == 0);
    if (rc == NDE_OK) nde_mlp_free(&c);

    /* the target of every failing load below: sentinel params */
    keep = (double *)malloc((size_t)P * sizeof(double));
    for (i = 0; i < P; i++) b.params[i] = keep[i] = 1000.0 + i;

    /* missing file */
    remove(cpath);
    rc = nde_mlp_load(&b, cpath, msg);
    printf("     msg: %s\n", msg);
    CHECK("missing file -> NDE_ERR_IO", rc == NDE_ERR_IO && strstr(msg, cpath) != NULL);

    /* every proper prefix */
    nfail = ntrunc = nnew = 0;
    memset(&c, 0x5a, sizeof c);
    memcpy(&snap, &c, sizeof c);
    for (i = 0; i < n; i++) {
        write_file(cpath, img, i);
        rc = nde_mlp_load(&b, cpath, msg);
        if (rc != NDE_ERR_FORMAT) nfail++;
        if (strstr(msg, "truncated")) ntrunc++;
        if (nde_mlp_load_new(&c, cpath, NULL) != NDE_ERR_FORMAT) nnew++;
    }
    printf("     msg (prefix of %ld bytes): %s\n", n - 1, msg);
    CHECK_ABS("truncations at every length 0..n-1 not giving NDE_ERR_FORMAT (load)", (double)nfail, 0, 0);
    CHECK_ABS("  ... (load_new)", (double)nnew, 0, 0);
    CHECK_ABS("truncations whose message says 'truncated'", (double)ntrunc, (double)n, 0);
    CHECK("target params unchanged after all truncations", memcmp(b.params, keep, (size_t)P * sizeof(double)) == 0);
    CHECK("load_new target untouched", memcmp(&c, &snap, sizeof c) == 0);

    /* one changed byte anywhere: a one-bit flip and a full-byte flip */
    nfail = nflip = nnew = 0;
    for (i = 0; i < n; i++) {
        for (k = 0; k < 2; k++) {
            memcpy(bad, img, (size_t)n);
            bad[i] ^= k ? 0xff : 0x01;
            write_file(cpath, bad, n);
            rc = nde_mlp_load(&b, cpath, msg);
            if (rc != NDE_ERR_FORMAT) nfail++;
            if (strstr(msg, "checksum mismatch")) nflip++;
            if (nde_mlp_load_new(&c, cpath, NULL) != NDE_ERR_FORMAT) nnew++;
        }
    }
    printf("     msg (last byte flipped): %s\n", msg);
    CHECK_ABS("byte flips (2 per byte) not giving NDE_ERR_FORMAT (load)", (double)nfail, 0, 0);
    CHECK_ABS("  ... (load_new)", (double)nnew, 0, 0);
    /* every flip outside magic, version, L and P must be caught by the checksum itself */
    CHECK_ABS("flips reported as checksum mismatch (all but magic/version/L/P bytes)", (double)nflip, 2.0 * (n - 24), 0);
    CHECK("target params unchanged after all flips", memcmp(b.params, keep, (size_t)P * sizeof(double)) == 0);
    CHECK("load_new target untouched after flips", memcmp(&c, &snap, sizeof c) == 0);

    /* wrong magic, wrong version, trailing byte: resealed, so only the field is wrong */
    memcpy(bad, img, (size_t)n);
    bad[0] = 'X';
    reseal(bad, n);
    write_file(cpath, bad, n);
    rc = nde_mlp_load(&b, cpath, msg);
    printf("     msg: %s\n", msg);
    CHECK("wrong magic -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT && strstr(msg, "magic"));
    memcpy(bad, img, (size_t)n);
    bad[8] = 2;
    reseal(bad, n);
    write_file(cpath, bad, n);
    rc = nde_mlp_load(&b, cpath, msg);
    printf("     msg: %s\n", msg);
    CHECK("wrong version -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT && strstr(msg, "version 2"));
    rc = nde_mlp_load_new(&c, cpath, msg);
    CHECK("wrong version -> NDE_ERR_FORMAT (load_new)", rc == NDE_ERR_FORMAT);
    memcpy(bad, img, (size_t)n);
    bad[n] = 0;
    write_file(cpath, bad, n + 1);
    rc = nde_mlp_load(&b, cpath, msg);
    printf("     msg: %s\n", msg);
    CHECK("trailing byte -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT);
    /* a well-sealed file whose layer table names an unknown activation */
    memcpy(bad, img, (size_t)n);
    bad[24 + 16 + 12] = 77;
    reseal(bad, n);
    write_file(cpath, bad, n);
    rc = nde_mlp_load_new(&c, cpath, msg);
    printf("     msg: %s\n", msg);
    CHECK("unknown activation in the file -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT);
    /* a sealed layer table whose widths do not chain (last layer claims in = 9) */
    memcpy(bad, img, (size_t)n);
    bad[24 + 16 * 3 + 4] = 9;
    reseal(bad, n);
    write_file(cpath, bad, n);
    rc = nde_mlp_load_new(&c, cpath, msg);
    printf("     msg: %s\n", msg);
    CHECK("widths that do not chain -> NDE_ERR_FORMAT (load_new)", rc == NDE_ERR_FORMAT);
    rc = nde_mlp_load(&b, cpath, msg);
    CHECK("  ... and NDE_ERR_FORMAT for load too: the widths do not chain", rc == NDE_ERR_FORMAT && strstr(msg, "chain") != NULL);
    CHECK("target params unchanged after sealed bad fields", memcmp(b.params, keep, (size_t)P * sizeof(double)) == 0);
    CHECK("load_new target untouched", memcmp(&c, &snap, sizeof c) == 0);

    /* wrong architecture: other width (other P), same P but other activation, other flags */
    {
        nde_mlp w;
        double wk;
        build_net(&w, 2 * HID, NDE_ACT_TANH);
        wk = w.params[0] = 42.0;
        rc = nde_mlp_load(&w, path, msg);
        printf("     msg: %s\n", msg);
        CHECK("wider network -> NDE_ERR_ARCH, unchanged", rc == NDE_ERR_ARCH && w.params[0] == wk);
        nde_mlp_free(&w);
        build_net(&w, HID, NDE_ACT_RELU);
        w.params[0] = 42.0;
        rc = nde_mlp_load(&w, path, msg);
        printf("     msg: %s\n", msg);
        CHECK("same P, other activation -> NDE_ERR_ARCH, unchanged", rc == NDE_ERR_ARCH && w.params[0] == 42.0 && w.nparams == P);
        nde_mlp_free(&w);
        nde_mlp_init(&w, 2, NDE_INPUT_CUBE, NULL);
        nde_mlp_add_linear(&w, HID, NULL);
        nde_mlp_build(&w, NULL);
        w.params[0] = 42.0;
        rc = nde_mlp_load(&w, path, msg);
        printf("     msg: %s\n", msg);
        CHECK("other flags -> NDE_ERR_ARCH, unchanged", rc == NDE_ERR_ARCH && w.params[0] == 42.0);
        nde_mlp_free(&w);
    }

    /* saving over an existing model replaces it */
    for (i = 0; i < P; i++) a.params[i] = -(double)i;
    rc = nde_mlp_save(&a, path, msg);
    rc = rc == NDE_OK ? nde_mlp_load(&b, path, msg) : rc;
    CHECK("save over an existing file, load the new values", rc == NDE_OK && b.params[P - 1] == -(double)(P - 1));

    /* unwritable destinations */
    rc = nde_mlp_save(&a, "/nonexistent-nde-dir/model.bin", msg);
    printf("     msg: %s\n", msg);
    CHECK("save into a missing directory -> NDE_ERR_IO, no file",
          rc == NDE_ERR_IO && !file_exists("/nonexistent-nde-dir/model.bin") &&
          !file_exists("/nonexistent-nde-dir/model.bin.tmp"));
    snprintf(cpath, sizeof cpath, "%s/", dir);  /* the path is a directory: rename fails */
    rc = nde_mlp_save(&a, cpath, msg);
    printf("     msg: %s\n", msg);
    snprintf(tpath, sizeof tpath, "%s/.tmp", dir);
    CHECK("save onto a directory -> NDE_ERR_IO, .tmp removed", rc == NDE_ERR_IO && !file_exists(tpath));

    remove(path);
    remove(tmp_path(cpath, "nde_test_train_corrupt.bin"));
    nde_mlp_free(&a);
    nde_mlp_free(&b);
    free(keep);
    free(img);
    free(bad);
}

/* nde_train: Lotka-Volterra parameters from a wrong start, fitted to the
   true trajectory with Adam; continuing in a second call keeps the Adam
   state (the two calls equal one call of the summed length). */
static void test_train_loop(void)
{
    double th[4] = {1.0, 1.0, 1.0, 1.0}, th2[4] = {1.0, 1.0, 1.0, 1.0}, t[21], target[21 * 2], u0[2] = {1, 1};
    double hist[60], theta_true[4];
    nde_system sys, sys2, truth;
    nde_optim o, o2;
    nde_train_options to;
    nde_train_stats ts;
    nde_target tg;
    nde_loss loss = {nde_loss_mse, NULL, NULL};
    int s, i, monotone_best = 1, best60;
    memcpy(theta_true, prob_lv_theta, sizeof theta_true);
    truth = prob_lv(theta_true);
    nde_linspace(21, 0.0, 4.0, t);
    CHECK("linspace: ends exact, even spacing", t[0] == 0.0 && t[20] == 4.0 && fabs(t[7] - 1.4) < 1e-15);
    nde_solve(&truth, 1, u0, 21, t, NULL, target, NULL);
    tg.y = target;
    tg.w = NULL;
    loss.ctx = &tg;
    sys = prob_lv(th);
    sys2 = prob_lv(th2);
    nde_optim_init(&o, NDE_OPT_ADAM, 4, 0.05, NULL);
    nde_optim_init(&o2, NDE_OPT_ADAM, 4, 0.05, NULL);
    memset(&to, 0, sizeof to);
    to.iters = 60;
    to.keep_best = 1;
    to.loss_history = hist;
    s = nde_train(&sys, 1, u0, 21, t, NULL, NULL, &loss, &o, &to, &ts);
    printf("     nde_train LV: loss %.3e -> best %.3e at step %d, theta (%.4f, %.4f, %.4f, %.4f), nfe %ld\n",
           ts.loss_first, ts.loss_best, ts.best_iter, th[0], th[1], th[2], th[3], ts.nfe);
    CHECK("nde_train: 60 Adam steps run and the loss falls 10x", s == NDE_OK && ts.iters == 60 && ts.loss_best < 0.1 * ts.loss_first);
    best60 = ts.best_iter;
    for (i = 1; i < 60; i++) if (hist[i] < ts.loss_best) monotone_best = 0;
    CHECK("nde_train: loss_history filled and loss_best is its minimum", monotone_best && hist[0] == ts.loss_first && hist[ts.best_iter] == ts.loss_best);
    {   /* keep_best: the returned parameters reproduce the best loss */
        double L, g[4];
        nde_grad(&sys, 1, u0, 21, t, NULL, NULL, &loss, &L, NULL, g, NULL, NULL);
        CHECK_REL("nde_train: keep_best leaves the parameters of the best loss", L, ts.loss_best, 1e-12);
    }
    to.keep_best = 0;
    to.loss_history = NULL;
    to.iters = 25;
    s = nde_train(&sys2, 1, u0, 21, t, NULL, NULL, &loss, &o2, &to, NULL);
    to.iters = 35;
    s |= nde_train(&sys2, 1, u0, 21, t, NULL, NULL, &loss, &o2, &to, &ts);
    {
        double th3[4] = {1.0, 1.0, 1.0, 1.0};
        nde_system sys3 = prob_lv(th3);
        nde_optim o3;
        nde_optim_init(&o3, NDE_OPT_ADAM, 4, 0.05, NULL);
        to.iters = 60;
        s |= nde_train(&sys3, 1, u0, 21, t, NULL, NULL, &loss, &o3, &to, NULL);
        CHECK("nde_train: 25 + 35 steps in two calls equal 60 in one (optimizer state carries over; all run, "
              "the parameters moved)", s == NDE_OK && ts.iters == 35 && th2[0] != 1.0 &&
              memcmp(th2, th3, sizeof th2) == 0);
        nde_optim_free(&o3);
    }
    {   /* a caller-owned tracker spans calls: 30 + 30 steps keep the best of all 60 */
        double th4[4] = {1.0, 1.0, 1.0, 1.0}, L, g[4];
        nde_system sys4 = prob_lv(th4);
        nde_optim o4;
        nde_early_stop best;
        nde_optim_init(&o4, NDE_OPT_ADAM, 4, 0.05, NULL);
        nde_early_init(&best, 4, 1000, NULL);
        to.best = &best;
        to.iters = 30;
        s = nde_train(&sys4, 1, u0, 21, t, NULL, NULL, &loss, &o4, &to, &ts);
        to.iter0 = 30;
        to.keep_best = 1;
        s |= nde_train(&sys4, 1, u0, 21, t, NULL, NULL, &loss, &o4, &to, &ts);
        s |= nde_grad(&sys4, 1, u0, 21, t, NULL, NULL, &loss, &L, NULL, g, NULL, NULL);
        CHECK("nde_train: a shared tracker keeps the best over both calls (the same step and loss as one call of 60)",
              s == NDE_OK && ts.best_iter == best60 && L == hist[best60]);
        to.best = NULL;
        to.iter0 = 0;
        to.keep_best = 0;
        nde_early_free(&best);
        nde_optim_free(&o4);
    }
    to.iters = 0;
    s = nde_train(&sys2, 1, u0, 21, t, NULL, NULL, &loss, &o2, &to, &ts);
    CHECK("nde_train: iters = 0 -> NDE_ERR_ARG naming to->iters", s == NDE_ERR_ARG && strstr(ts.msg, "to->iters") != NULL);
    to.iters = 5;
    u0[0] = NAN;
    s = nde_train(&sys2, 1, u0, 21, t, NULL, NULL, &loss, &o2, &to, &ts);
    CHECK("nde_train: a failing gradient stops it with the step named", s == NDE_ERR_NONFINITE && strstr(ts.msg, "step 0") != NULL);
    nde_optim_free(&o);
    nde_optim_free(&o2);
}

/* Regressions from the review: a global norm with no overflow or underflow;
   an empty model path. */
static void test_train_review(void)
{
    double big[2] = {1e200, 1e200}, tiny[2] = {1e-200, 1e-200}, nb, nt;
    nde_mlp m;
    int w[3] = {2, 3, 2};
    char msg[NDE_MSG_LEN];
    nb = nde_clip_grad_norm(2, big, 1.0);
    nt = nde_clip_grad_norm(2, tiny, 1.0);
    CHECK_REL("review: clip norm of (1e200, 1e200) is finite and clips", nb, sqrt(2.0) * 1e200, 1e-15);
    CHECK("review: ... and the clipped gradient has norm 1", fabs(big[0] - sqrt(0.5)) < 1e-15);
    CHECK_REL("review: clip norm of (1e-200, 1e-200) is not 0", nt, sqrt(2.0) * 1e-200, 1e-15);
    nde_mlp_dense(&m, 3, w, NDE_ACT_TANH, 0, NULL);
    CHECK("review: nde_mlp_save to an empty path -> NDE_ERR_ARG", nde_mlp_save(&m, "", msg) == NDE_ERR_ARG && strstr(msg, "empty"));
    nde_mlp_free(&m);
}

void test_train(void)
{
    test_train_review();
    test_train_loop();
    test_adam_by_hand();
    test_adamw();
    test_sgd_rmsprop_by_hand();
    test_clip();
    test_schedules();
    test_early_stop();
    test_windows();
    test_progress();
    test_model_files();
}
