#define _POSIX_C_SOURCE 200809L
/* Regression tests of issue 13 (an outside review's hostile-user findings),
   one block per defect. This file compiles its own private (NEURALODE_STATIC)
   copy of the implementation with a counting allocator, so a test can see
   how many bytes a call asked for and make the n-th allocation fail. */
#define NEURALODE_STATIC
#define NEURALODE_IMPLEMENTATION
#define NDE_MALLOC(sz) th_malloc(sz)
#define NDE_REALLOC(p, sz) th_realloc(p, sz)
#define NDE_FREE(p) th_free(p)
#include <stddef.h>
static void *th_malloc(size_t n);
static void *th_realloc(void *p, size_t n);
static void th_free(void *p);
#include "../neuralode.h"
#include "check.h"
#include "problems.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__unix__) || defined(__APPLE__)
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#define TH_POSIX 1
#endif

/* ---- the counting allocator ---------------------------------------------- */
/* Each block carries its size in a 16-byte head; th_peak is the most bytes
   live at once since th_reset; th_fail_in > 0 makes the th_fail_in-th
   allocation from now on fail (once). */
static size_t th_live, th_peak;
static long th_fail_in;

static void th_reset(void)
{
    th_peak = th_live;
    th_fail_in = 0;
}

static int th_fail_now(void)
{
    return th_fail_in > 0 && --th_fail_in == 0;
}

static void *th_malloc(size_t n)
{
    unsigned char *p;
    if (th_fail_now() || n > ((size_t)-1) / 2) return NULL;
    p = (unsigned char *)malloc(n + 16);
    if (!p) return NULL;
    memcpy(p, &n, sizeof n);
    th_live += n;
    if (th_live > th_peak) th_peak = th_live;
    return p + 16;
}

static void th_free(void *q)
{
    size_t n;
    if (!q) return;
    memcpy(&n, (unsigned char *)q - 16, sizeof n);
    th_live -= n;
    free((unsigned char *)q - 16);
}

static void *th_realloc(void *q, size_t n)
{
    void *p;
    size_t old = 0;
    if (!q) return th_malloc(n);
    memcpy(&old, (unsigned char *)q - 16, sizeof old);
    p = th_malloc(n);
    if (!p) return NULL;
    memcpy(p, q, old < n ? old : n);
    th_free(q);
    return p;
}

/* ---- helpers ------------------------------------------------------------- */

static char th_dir[512];

static const char *th_path(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", th_dir, name);
    return buf;
}

/* Put u32/u64 little-endian and reseal the FNV-1a checksum of an image of n bytes. */
static void th_u32(unsigned char *p, unsigned long x)
{
    int k;
    for (k = 0; k < 4; k++) p[k] = (unsigned char)(x >> (8 * k));
}

static void th_u64(unsigned char *p, unsigned long long x)
{
    int k;
    for (k = 0; k < 8; k++) p[k] = (unsigned char)(x >> (8 * k));
}

static void th_reseal(unsigned char *img, long n)
{
    th_u64(img + n - 8, nde__file_fnv1a(img, (size_t)(n - 8)));
}

static int th_net(nde_mlp *m)
{
    int w[3] = {2, 8, 2};
    nde_rng r;
    int rc = nde_mlp_dense(m, 3, w, NDE_ACT_TANH, 0, NULL);
    nde_rng_seed(&r, 5);
    if (rc == NDE_OK) nde_mlp_init_glorot(m, &r);
    return rc;
}

/* ---- defect 1: load_new sizes checked against the chain before any allocation */
static void test_d1_chain_before_alloc(void)
{
    unsigned char img[24 + 16 + 8 + 6 * 8 + 8];
    char path[600], msg[NDE_MSG_LEN];
    nde_mlp m;
    long n = (long)sizeof img, i;
    int rc;
    memset(img, 0, sizeof img);
    memcpy(img, "NDEMODEL", 8);
    th_u32(img + 8, 1);
    th_u32(img + 12, 1ul << 20); /* in_dim 2^20 ... */
    th_u32(img + 16, 0);
    th_u32(img + 20, 1);
    th_u32(img + 24, NDE_LAYER_LINEAR); /* ... but one linear layer 2 -> 2 (P = 6: consistent) */
    th_u32(img + 28, 2);
    th_u32(img + 32, 2);
    th_u32(img + 36, 0);
    th_u64(img + 40, 6);
    for (i = 0; i < 6; i++) th_u64(img + 48 + 8 * i, 0x3ff0000000000000ULL);
    th_reseal(img, n);
    write_file(th_path(path, sizeof path, "nde_harden_d1.bin"), img, n);
    memset(&m, 0, sizeof m);
    th_reset();
    rc = nde_mlp_load_new(&m, path, msg);
    printf("     d1: %s; peak %lu bytes allocated\n", msg, (unsigned long)(th_peak - th_live));
    CHECK("d1: in_dim 2^20 against a 2-wide first layer -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT);
    CHECK_LE("d1: bytes allocated for a 104-byte file (was 16 MB: a 2 x 2^20 layer)", (double)(th_peak - th_live),
             8192.0);
    CHECK("d1: m untouched", m.params == NULL && m.nlayers == 0);
    remove(path);
}

/* ---- defects 2 and 3: a temporary of our own, created exclusively ------- */
static void test_d2_d3_tmp_exclusive(void)
{
    char path[600], tpath[700], other[700], msg[NDE_MSG_LEN];
    unsigned char buf[64];
    nde_mlp a, b;
    int rc;
    th_net(&a);
    th_net(&b);
    th_path(path, sizeof path, "nde_harden_d2.bin");
    snprintf(tpath, sizeof tpath, "%s.tmp", path);
    remove(path);
    /* another writer's file in progress at <path>.tmp must stay as it is */
    write_file(tpath, (const unsigned char *)"ANOTHER WRITER", 14);
    rc = nde_mlp_save(&a, path, msg);
    CHECK("d2: save beside another writer's <path>.tmp", rc == NDE_OK);
    CHECK("d2: the other writer's file is untouched",
          read_file(tpath, buf, sizeof buf) == 14 && memcmp(buf, "ANOTHER WRITER", 14) == 0);
    CHECK("d2: path holds a complete model", nde_mlp_load(&b, path, msg) == NDE_OK &&
                                                 memcmp(a.params, b.params, (size_t)a.nparams * sizeof(double)) == 0);
    remove(tpath);
#ifdef TH_POSIX
    {   /* defect 3: a symbolic link planted at <path>.tmp is not followed */
        struct stat sb;
        DIR *d;
        struct dirent *e;
        int left = 0;
        th_path(other, sizeof other, "nde_harden_d3_target.txt");
        write_file(other, (const unsigned char *)"PRECIOUS", 8);
        remove(tpath);
        rc = symlink(other, tpath) == 0;
        CHECK("d3: plant a symlink at <path>.tmp", rc);
        rc = nde_mlp_save(&a, path, msg);
        CHECK("d3: save with a symlink at <path>.tmp", rc == NDE_OK);
        CHECK("d3: the link's target is untouched", read_file(other, buf, sizeof buf) == 8 && memcmp(buf, "PRECIOUS", 8) == 0);
        CHECK("d3: path is a regular file, not the link", lstat(path, &sb) == 0 && S_ISREG(sb.st_mode));
        remove(tpath);
        remove(other);
        /* no temporary of ours is left behind */
        d = opendir(th_dir);
        while (d && (e = readdir(d)) != NULL)
            if (strncmp(e->d_name, "nde_harden_d2.bin.tmp.", 22) == 0) left++;
        if (d) closedir(d);
        CHECK("d2: no <path>.tmp.* file left after the saves", left == 0);
    }
#else
    (void)other;
#endif
    remove(path);
    nde_mlp_free(&a);
    nde_mlp_free(&b);
}

/* ---- defect 4: the point loss's gradient buffer arrives zeroed ----------- */
static double th_loss_fill(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    long i, n = (long)N * B * D;
    (void)ctx; (void)t; (void)y;
    for (i = 0; i < n; i++) g[i] = 1e3; /* a loss leaving garbage-like values behind */
    return 0.0;
}

/* L = sum of y at the last time only; writes only those entries */
static double th_loss_last(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    long i, n = (long)B * D, off = (long)(N - 1) * n;
    double L = 0.0;
    (void)ctx; (void)t;
    for (i = 0; i < n; i++) { L += y[off + i]; g[off + i] = 1.0; }
    return L;
}

static double th_loss_last_full(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    memset(g, 0, (size_t)N * B * D * sizeof(double));
    return th_loss_last(ctx, N, B, D, t, y, g);
}

static double th_loss_nan(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    (void)ctx; (void)N; (void)B; (void)D; (void)t; (void)y; (void)g;
    return NAN;
}

static void test_d4_loss_buffer_zeroed(void)
{
    nde_mlp m;
    nde_system sys;
    nde_loss lf, lp, lr;
    double y0[2] = {1.0, -0.5}, t[4] = {0, 0.3, 0.6, 1.0}, L, gy0[2], gy0_ref[2], *g1, *g2;
    int rc;
    th_net(&m);
    nde_mlp_system(&m, &sys, NULL);
    g1 = (double *)malloc((size_t)m.nparams * sizeof(double));
    g2 = (double *)malloc((size_t)m.nparams * sizeof(double));
    lf.point = th_loss_fill; lf.running = NULL; lf.ctx = NULL;
    lp = lf; lp.point = th_loss_last;
    lr = lf; lr.point = th_loss_last_full;
    rc = nde_grad(&sys, 1, y0, 4, t, NULL, NULL, &lf, &L, NULL, g1, gy0, NULL); /* leaves 1e3 in freed memory */
    rc |= nde_grad(&sys, 1, y0, 4, t, NULL, NULL, &lp, &L, NULL, g1, gy0, NULL);
    rc |= nde_grad(&sys, 1, y0, 4, t, NULL, NULL, &lr, &L, NULL, g2, gy0_ref, NULL);
    printf("     d4: dL/dy0 = (%.6g, %.6g), with every entry written (%.6g, %.6g)\n", gy0[0], gy0[1], gy0_ref[0], gy0_ref[1]);
    CHECK("d4: a loss writing only the rows it uses: gradients equal those of a loss writing all",
          rc == NDE_OK && memcmp(gy0, gy0_ref, sizeof gy0) == 0 &&
              memcmp(g1, g2, (size_t)m.nparams * sizeof(double)) == 0);
    free(g1);
    free(g2);
    nde_mlp_free(&m);
}

/* ---- defect 5: undefined behaviour on bad arguments ---------------------- */
static int th_f_decay(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    long i, n = (long)B * (ctx ? *(const int *)ctx : 1);
    (void)t; (void)th;
    for (i = 0; i < n; i++) dy[i] = -y[i];
    return 0;
}

static int th_vjp_decay(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                        double *gy, double *gth, double *gt)
{
    long i, n = (long)B * (ctx ? *(const int *)ctx : 1);
    (void)t; (void)y; (void)th; (void)gth; (void)gt;
    if (gy) for (i = 0; i < n; i++) gy[i] -= a[i];
    return 0;
}

static int th_run(void *ctx, double t, int B, int D, const double *y, double *g, double *gy)
{
    (void)ctx; (void)t; (void)B; (void)D; (void)y; (void)g; (void)gy;
    return 0;
}

static void test_d5_bad_arguments(void)
{
    nde_system sys;
    nde_options o;
    nde_stats st;
    nde_loss loss;
    double y0[1] = {1.0}, t[2] = {-DBL_MAX, DBL_MAX}, yout[2], A[4] = {0}, L, g;
    int piv[2], rc, method, big = 1 << 20;
    double *ybig;
    memset(&sys, 0, sizeof sys);
    sys.dim = 1;
    sys.f = th_f_decay;
    sys.vjp = th_vjp_decay;
    for (method = 0; method < NDE_METHOD_COUNT; method++) {
        char name[96];
        memset(&o, 0, sizeof o);
        o.method = method;
        rc = nde_solve(&sys, 1, y0, 2, t, &o, yout, &st);
        snprintf(name, sizeof name, "d5: t = {-DBL_MAX, DBL_MAX} -> NDE_ERR_TIMES before any step (%s)", nde_method_name(method));
        CHECK(name, rc == NDE_ERR_TIMES && st.nfe == 0);
    }
    printf("     d5: %s\n", st.msg);
    CHECK("d5: nde_system_jacobian(NULL, ...) -> NDE_ERR_ARG", nde_system_jacobian(NULL, 0.0, 1, y0, A) == NDE_ERR_ARG);
    CHECK("d5: nde_lu_factor(2, NULL, piv) -> NDE_ERR_ARG", nde_lu_factor(2, NULL, piv) == NDE_ERR_ARG);
    CHECK("d5: nde_lu_factor(2, A, NULL) -> NDE_ERR_ARG", nde_lu_factor(2, A, NULL) == NDE_ERR_ARG);
    /* D = 2^20 with a dense-matrix method: (B,D,D) blocks of 8 TB refused before anything is
       allocated (the same test keeps s*D and 2(D+1) within int) */
    ybig = (double *)calloc(3 * (size_t)big, sizeof(double)); /* y0 (D), yout (2,D) */
    sys.dim = big;
    sys.ctx = &big;
    t[0] = 0.0;
    t[1] = 1.0;
    for (method = 0; method < NDE_METHOD_COUNT; method++) {
        if (method != NDE_GAUSS2 && method != NDE_EPI2 && method != NDE_SDIRK4 && method != NDE_BACKWARD_EULER) continue;
        memset(&o, 0, sizeof o);
        o.method = method;
        th_reset();
        rc = ybig ? nde_solve(&sys, 1, ybig, 2, t, &o, ybig + big, &st) : NDE_ERR_NOMEM;
        printf("     d5: %s: %s (%s)\n", nde_method_name(method), nde_status_name(rc), st.msg);
        CHECK("d5: huge D with a dense-matrix method -> refused with 'too large', nothing allocated",
              rc == NDE_ERR_NOMEM && strstr(st.msg, "too large") != NULL && th_peak == th_live);
    }
    free(ybig);
    sys.dim = 2147483647; /* refused before y0 (1 double here) is read */
    loss.point = NULL;
    loss.running = th_run;
    loss.ctx = NULL;
    rc = nde_grad(&sys, 1, y0, 2, t, NULL, NULL, &loss, &L, NULL, &g, NULL, NULL);
    CHECK("d5: D = INT_MAX with a running loss (D + 1 columns) -> NDE_ERR_ARG", rc == NDE_ERR_ARG);
}

/* ---- defect 6: the statuses say what happened --------------------------- */
static void test_d6_statuses(void)
{
    nde_mlp m, u;
    nde_system sys;
    nde_stats st;
    nde_grad_options go;
    nde_grad_stats gs;
    nde_loss loss;
    double y0[2] = {1.0, 0.5}, t[3] = {0, 0.5, 1.0}, yout[6], E[4], A[4] = {800, 1, 0, 800}, L, *g, gy0[2];
    char path[600], msg[NDE_MSG_LEN];
    int rc, k;
    th_net(&m);
    nde_mlp_system(&m, &sys, NULL);
    /* the MLP workspace is the second allocation of a solve (after the solver's own) */
    nde_mlp_free(&m);
    th_net(&m);
    nde_mlp_system(&m, &sys, NULL);
    th_reset();
    th_fail_in = 2;
    rc = nde_solve(&sys, 1, y0, 3, t, NULL, yout, &st);
    printf("     d6: %s: %s\n", nde_status_name(rc), st.msg);
    CHECK("d6: the MLP system's workspace allocation fails -> NDE_ERR_NOMEM (was NDE_ERR_CALLBACK)",
          rc == NDE_ERR_NOMEM && strstr(st.msg, "memory") != NULL);
    th_fail_in = 0;
    rc = nde_expm(2, A, E);
    CHECK("d6: nde_expm of [[800, 1], [0, 800]] overflows -> NDE_ERR_NONFINITE", rc == NDE_ERR_NONFINITE);
    rc = nde_phi1(2, A, E);
    CHECK("d6: nde_phi1 of the same -> NDE_ERR_NONFINITE", rc == NDE_ERR_NONFINITE);
    g = (double *)malloc((size_t)m.nparams * sizeof(double));
    loss.point = th_loss_nan;
    loss.running = NULL;
    loss.ctx = NULL;
    for (k = 0; k < 3; k++) {
        char name[96];
        memset(&go, 0, sizeof go);
        go.method = k;
        rc = nde_grad(&sys, 1, y0, 3, t, NULL, &go, &loss, &L, NULL, g, gy0, &gs);
        snprintf(name, sizeof name, "d6: a NaN point loss -> NDE_ERR_NONFINITE naming the loss (method %d)", k);
        CHECK(name, rc == NDE_ERR_NONFINITE && strstr(gs.msg, "point loss") != NULL);
    }
    printf("     d6: %s\n", gs.msg);
    free(g);
    /* nde_mlp_load into a network that was never built */
    th_path(path, sizeof path, "nde_harden_d6.bin");
    nde_mlp_save(&m, path, NULL);
    nde_mlp_init(&u, 2, 0, NULL);
    nde_mlp_add_linear(&u, 8, NULL);
    rc = nde_mlp_load(&u, path, msg);
    printf("     d6: %s\n", msg);
    CHECK("d6: nde_mlp_load into an unbuilt network -> NDE_ERR_ARG (was NDE_ERR_ARCH)", rc == NDE_ERR_ARG);
    remove(path);
    nde_mlp_free(&m);
}

/* ---- defect 7: reads bounded by the header ------------------------------- */
static void test_d7_bounded_reads(void)
{
    nde_mlp m, c;
    char path[600], msg[NDE_MSG_LEN];
    unsigned char *img;
    long n, cap = (1L << 20) + 4096;
    int rc;
    th_net(&m);
    th_path(path, sizeof path, "nde_harden_d7.bin");
    nde_mlp_save(&m, path, NULL);
    img = (unsigned char *)calloc((size_t)cap, 1);
    n = read_file(path, img, cap);
    write_file(path, img, n + (1L << 20)); /* a valid model followed by 1 MB */
    memset(&c, 0, sizeof c);
    th_reset();
    rc = nde_mlp_load_new(&c, path, msg);
    printf("     d7: %s; peak %lu bytes\n", msg, (unsigned long)(th_peak - th_live));
    CHECK("d7: 1 MB of trailing bytes -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT && strstr(msg, "trailing"));
    CHECK_LE("d7: bytes allocated to find out (was the whole file, > 1 MB)", (double)(th_peak - th_live), 16384.0);
#ifdef TH_POSIX
    th_reset();
    rc = nde_mlp_load(&m, "/dev/zero", msg);
    printf("     d7: /dev/zero: %s; peak %lu bytes\n", msg, (unsigned long)(th_peak - th_live));
    CHECK("d7: /dev/zero -> NDE_ERR_FORMAT after reading its header only (was a read to 1 GB)",
          rc == NDE_ERR_FORMAT && th_peak - th_live <= 8192);
#endif
    free(img);
    remove(path);
    nde_mlp_free(&m);
}

/* ---- defect 8: fixed-step implicit defaults; pure relative control ------ */
static void test_d8_defaults(void)
{
    nde_system s;
    nde_options o;
    nde_stats st;
    double y0[2] = {1.0, 1.0}, t[2] = {0.0, 1.0}, y[4], yr[4], err, tiny[1] = {1e-12}, yd[2], theta[4];
    int rc;
    memcpy(theta, prob_lv_theta, sizeof theta);
    s = prob_lv(theta);
    memset(&o, 0, sizeof o);
    o.method = NDE_TSIT5;
    o.rtol = 1e-14;
    o.atol = 1e-16;
    nde_solve(&s, 1, y0, 2, t, &o, yr, &st);
    memset(&o, 0, sizeof o);
    o.method = NDE_GAUSS2;
    o.h = 1e-3;
    rc = nde_solve(&s, 1, y0, 2, t, &o, y, &st);
    err = fmax(fabs(y[2] - yr[2]), fabs(y[3] - yr[3]));
    printf("     d8: gauss2 h = 1e-3, zeroed options, Lotka-Volterra to t = 1: error %.3g, %ld Newton iterations\n", err,
           st.nnewton);
    CHECK_LE("d8: gauss2 at h = 1e-3 with zeroed options is near its order-4 error (was 4.3e-9)", rc == NDE_OK ? err : 1.0,
             1e-11);
    /* atol < 0: pure relative control; y' = -y from 1e-12 */
    memset(&s, 0, sizeof s);
    s.dim = 1;
    s.f = th_f_decay;
    memset(&o, 0, sizeof o);
    o.rtol = 1e-8;
    o.atol = -1.0;
    rc = nde_solve(&s, 1, tiny, 2, t, &o, yd, &st);
    err = fabs(yd[1] / (1e-12 * exp(-1.0)) - 1.0);
    printf("     d8: y' = -y from 1e-12 with rtol 1e-8 and atol < 0 (pure relative): relative error %.3g\n", err);
    CHECK_LE("d8: atol < 0 asks for pure relative control (was NDE_ERR_ARG; default atol gives a relative error of order 1)",
             rc == NDE_OK ? err : 1.0, 1e-7);
}

/* Prothero-Robinson y' = -lam (y - th sin t) + th cos t, y(0) = 0: y = th sin t, so for
   L = mean over the outputs of y^2 the gradient is dL/dth = 2 th mean(sin^2 t_k). */
static double th_pr_lam;
static int th_pr_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx;
    for (b = 0; b < B; b++) dy[b] = -th_pr_lam * (y[b] - th[0] * sin(t)) + th[0] * cos(t);
    return 0;
}

static int th_pr_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a, double *gy,
                     double *gth, double *gt)
{
    int b;
    (void)ctx;
    (void)y;
    for (b = 0; b < B; b++) {
        if (gy) gy[b] -= th_pr_lam * a[b];
        if (gth) gth[0] += a[b] * (th_pr_lam * sin(t) + cos(t));
        if (gt) gt[0] += a[b] * th[0] * (th_pr_lam * cos(t) - sin(t));
    }
    return 0;
}

static int th_pr_jvp(void *ctx, double t, int B, const double *y, const double *th, const double *v, double *out)
{
    int b;
    (void)ctx; (void)t; (void)y; (void)th;
    for (b = 0; b < B; b++) out[b] = -th_pr_lam * v[b];
    return 0;
}

/* Defect 8, the adjoints with sdirk4: their dL/dtheta rows lie outside the Newton
   matrix and were left at f of the iterate before the last Newton correction (1e-3
   relative error at rtol 1e-6, on a non-stiff problem too); now within a few rtol of
   the closed form, like backprop, stiff (lam = 1e4) or not (lam = 10). */
static void test_d8_sdirk4_adjoint(void)
{
    enum { N = 11 };
    static const double lams[2] = {10.0, 1e4};
    double th = 1.3, t[N], zero[N] = {0}, y0 = 0.0, want = 0.0, L, g;
    nde_target tg = {zero, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    nde_system s;
    nde_options o;
    nde_grad_options go;
    nde_grad_stats gs;
    char name[160];
    int k, m, q, st;
    nde_linspace(N, 0.0, 2.0, t);
    for (k = 0; k < N; k++) want += 2.0 * th * sin(t[k]) * sin(t[k]) / N;
    memset(&s, 0, sizeof s);
    s.dim = 1;
    s.nparams = 1;
    s.params = &th;
    s.f = th_pr_f;
    s.vjp = th_pr_vjp;
    s.jvp = th_pr_jvp;
    for (q = 0; q < 2; q++)
        for (m = NDE_GRAD_BACKPROP; m <= NDE_GRAD_INTERP; m++) {
            if (q == 1 && m == NDE_GRAD_BACKSOLVE) continue; /* not reversible at lam = 1e4 (chapter 07) */
            th_pr_lam = lams[q];
            memset(&o, 0, sizeof o);
            o.method = NDE_SDIRK4;
            o.rtol = 1e-6;
            o.atol = 1e-8;
            memset(&go, 0, sizeof go);
            go.method = m; /* the backward solve: the same options, sdirk4 */
            g = 0.0;
            st = nde_grad(&s, 1, &y0, N, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
            snprintf(name, sizeof name,
                     "d8: %s with sdirk4 (rtol 1e-6) on Prothero-Robinson, lam = %g: dL/dtheta against the closed form "
                     "(rel; was 4.5e-4 to 7.8e-4 for the adjoints)",
                     m == NDE_GRAD_BACKPROP ? "backprop" : m == NDE_GRAD_BACKSOLVE ? "backsolve" : "interp", lams[q]);
            CHECK_LE(name, st == NDE_OK ? fabs(g - want) / want : 1.0, 2e-6);
        }
}

void test_harden(void)
{
    const char *env = getenv("TMPDIR");
    snprintf(th_dir, sizeof th_dir, "%s", env && env[0] ? env : "/tmp");
    test_d1_chain_before_alloc();
    test_d2_d3_tmp_exclusive();
    test_d4_loss_buffer_zeroed();
    test_d8_sdirk4_adjoint();
    test_d5_bad_arguments();
    test_d6_statuses();
    test_d7_bounded_reads();
    test_d8_defaults();
}
