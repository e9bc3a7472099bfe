/* The API bad-input matrix (issue 13): every public function called with
   each required pointer NULL, each size out of range and non-finite
   inputs. A function with a status must return the documented one (and,
   where it has a message buffer, say something); a void or value-returning
   function must neither crash nor write through the bad argument. Runs
   under ASan+UBSan and valgrind in make check. */
#include "../neuralode.h"
#include "check.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static char bi_msg[NDE_MSG_LEN];
static int bi_rows; /* matrix rows checked */

/* One row of the matrix: call returned want, and a message buffer (when the
   function has one: msg_used) was filled. */
static void bi_row(const char *fn, const char *what, int got, int want, int msg_used)
{
    char name[200];
    snprintf(name, sizeof name, "bad input: %s, %s -> %s", fn, what, nde_status_name(want));
    bi_rows++;
    CHECK(name, got == want && (!msg_used || bi_msg[0]));
    if (got != want || (msg_used && !bi_msg[0])) printf("     got %s, msg \"%s\"\n", nde_status_name(got), bi_msg);
    bi_msg[0] = 0;
}

#define ROW(fn, what, call, want) bi_row(fn, what, (call), (want), 1)
#define ROWS(fn, what, call, want) bi_row(fn, what, (call), (want), 0) /* no message buffer */

static int bi_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int i;
    (void)ctx; (void)t; (void)th;
    for (i = 0; i < 2 * B; i++) dy[i] = -y[i];
    return 0;
}

static int bi_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a, double *gy,
                  double *gth, double *gt)
{
    int i;
    (void)ctx; (void)t; (void)y; (void)th; (void)gth; (void)gt;
    if (gy) for (i = 0; i < 2 * B; i++) gy[i] -= a[i];
    return 0;
}

/* y' = -y on rows of 2, with its reverse product. */
static nde_system bi_sys(void)
{
    nde_system s = {2, 0, NULL, NULL, bi_f, bi_vjp, NULL, NULL, NULL, 0, NULL, NULL};
    return s;
}

static void bi_linalg(void)
{
    double A[4] = {1, 2, 3, 4}, E[4], b[2] = {1, 1}, x[2] = {1, NAN}, big[4] = {800, 0, 0, 800};
    int piv[2];
    nde_rng r;
    ROWS("nde_lu_factor", "n < 0", nde_lu_factor(-1, A, piv), NDE_ERR_ARG);
    ROWS("nde_lu_factor", "A NULL", nde_lu_factor(2, NULL, piv), NDE_ERR_ARG);
    ROWS("nde_lu_factor", "piv NULL", nde_lu_factor(2, A, NULL), NDE_ERR_ARG);
    memcpy(A, (double[4]){NAN, 0, 0, 1}, sizeof A);
    ROWS("nde_lu_factor", "NaN entry", nde_lu_factor(2, A, piv), NDE_ERR_SINGULAR);
    ROWS("nde_expm", "n = 0", nde_expm(0, A, E), NDE_ERR_ARG);
    ROWS("nde_expm", "A NULL", nde_expm(2, NULL, E), NDE_ERR_ARG);
    ROWS("nde_expm", "E NULL", nde_expm(2, A, NULL), NDE_ERR_ARG);
    ROWS("nde_expm", "NaN entry", nde_expm(2, A, E), NDE_ERR_NONFINITE);
    ROWS("nde_expm", "e^A overflows", nde_expm(2, big, E), NDE_ERR_NONFINITE);
    ROWS("nde_phi1", "n < 0", nde_phi1(-3, A, E), NDE_ERR_ARG);
    ROWS("nde_phi1", "P NULL", nde_phi1(2, A, NULL), NDE_ERR_ARG);
    ROWS("nde_phi1", "NaN entry", nde_phi1(2, A, E), NDE_ERR_NONFINITE);
    /* void and value-returning kernels: no crash, nothing written, on NULL or negative sizes */
    E[0] = 7.0;
    nde_gemm(-1, 2, 2, 1.0, A, A, 0.0, E);
    nde_gemm(2, 2, 2, 1.0, NULL, A, 0.0, E);
    nde_gemm(2, 2, 2, 1.0, A, A, 0.0, NULL);
    nde_gemm_nt(2, -2, 2, 1.0, A, A, 0.0, E);
    nde_gemm_nt(2, 2, 2, 1.0, A, NULL, 0.0, E);
    nde_gemm_tn(2, 2, -2, 1.0, A, A, 0.0, E);
    nde_gemm_tn(2, 2, 2, 1.0, A, A, 0.0, NULL);
    nde_gemv(-2, 2, 1.0, A, b, 0.0, E);
    nde_gemv(2, 2, 1.0, NULL, b, 0.0, E);
    nde_gemv_t(2, 2, 1.0, A, NULL, 0.0, E);
    nde_lu_solve(2, NULL, piv, b);
    nde_lu_solve(-2, A, piv, b);
    nde_lu_solve_t(2, A, NULL, b);
    nde_lu_solve_t(2, A, piv, NULL);
    nde_linspace(-3, 0.0, 1.0, E);
    nde_linspace(3, 0.0, 1.0, NULL);
    CHECK("bad input: gemm/gemv/lu_solve/linspace with NULL or negative sizes write nothing", E[0] == 7.0);
    CHECK("bad input: norms of NULL or n <= 0 are 0",
          nde_norm2(3, NULL) == 0.0 && nde_norm_inf(-1, b) == 0.0 && nde_mat_norm_inf(-1, 2, A) == 0.0 &&
              nde_mat_norm1(2, 2, NULL) == 0.0);
    CHECK("bad input: a NaN entry makes both vector norms NaN", isnan(nde_norm2(2, x)) && isnan(nde_norm_inf(2, x)));
    nde_rng_seed(&r, 1);
    nde_rng_seed(NULL, 1);
    CHECK("bad input: nde_rng_below(r, n <= 0) is 0; NULL generators give 0",
          nde_rng_below(&r, 0) == 0 && nde_rng_below(&r, -5) == 0 && nde_rng_below(NULL, 5) == 0 &&
              nde_rng_u64(NULL) == 0 && nde_rng_uniform(NULL) == 0.0 && nde_rng_normal(NULL) == 0.0);
    CHECK("bad input: names of unknown statuses and methods, and of NULL",
          strcmp(nde_status_name(12345), "NDE_ERR_UNKNOWN") == 0 && strcmp(nde_method_name(-1), "?") == 0 &&
              nde_method_by_name(NULL) == -1 && nde_method_by_name("nope") == -1 && nde_method_tableau(99) == NULL);
}

static void bi_solve(void)
{
    nde_system s = bi_sys(), z;
    nde_stats st;
    nde_options o;
    double y0[2] = {1, 0}, t[3] = {0, 0.5, 1}, y[6], tb[3] = {0, 1, 0.5}, tn[3] = {0, NAN, 1}, yn[2] = {INFINITY, 0};
    double J[4], err[4];
    struct { const char *what; size_t off; double v; int want; } opts[] = {
        {"opt.rtol NaN", offsetof(nde_options, rtol), NAN, NDE_ERR_ARG},
        {"opt.rtol < 0", offsetof(nde_options, rtol), -1e-6, NDE_ERR_ARG},
        {"opt.atol Inf", offsetof(nde_options, atol), INFINITY, NDE_ERR_ARG},
        {"opt.h0 NaN", offsetof(nde_options, h0), NAN, NDE_ERR_ARG},
        {"opt.h < 0", offsetof(nde_options, h), -0.1, NDE_ERR_ARG},
        {"opt.hmin NaN", offsetof(nde_options, hmin), NAN, NDE_ERR_ARG},
        {"opt.hmax < 0", offsetof(nde_options, hmax), -1.0, NDE_ERR_ARG},
        {"opt.safety > 1", offsetof(nde_options, safety), 2.0, NDE_ERR_ARG},
        {"opt.fac_min >= 1", offsetof(nde_options, fac_min), 1.0, NDE_ERR_ARG},
        {"opt.fac_max in (0, 1]", offsetof(nde_options, fac_max), 0.5, NDE_ERR_ARG},
        {"opt.beta >= 0.2", offsetof(nde_options, beta), 0.3, NDE_ERR_ARG},
        {"opt.newton_tol NaN", offsetof(nde_options, newton_tol), NAN, NDE_ERR_ARG},
    };
    size_t k;
    ROW("nde_solve", "sys NULL", (nde_solve(NULL, 1, y0, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(NULL, 1, y0, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    z = s; z.f = NULL;
    ROW("nde_solve", "sys->f NULL", (nde_solve(&z, 1, y0, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&z, 1, y0, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    z = s; z.dim = 0;
    ROW("nde_solve", "sys->dim 0", (nde_solve(&z, 1, y0, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&z, 1, y0, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    z = s; z.nparams = 3;
    ROW("nde_solve", "nparams 3, params NULL", (nde_solve(&z, 1, y0, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&z, 1, y0, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    z = s; z.nparams = -1;
    ROW("nde_solve", "nparams < 0", (nde_solve(&z, 1, y0, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&z, 1, y0, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    ROW("nde_solve", "B 0", (nde_solve(&s, 0, y0, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 0, y0, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    ROW("nde_solve", "B < 0", (nde_solve(&s, -4, y0, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, -4, y0, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    ROW("nde_solve", "y0 NULL", (nde_solve(&s, 1, NULL, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, NULL, 3, t, NULL, y, &st)), NDE_ERR_ARG);
    ROW("nde_solve", "N 0", (nde_solve(&s, 1, y0, 0, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 0, t, NULL, y, &st)), NDE_ERR_ARG);
    ROW("nde_solve", "t NULL", (nde_solve(&s, 1, y0, 3, NULL, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, NULL, NULL, y, &st)), NDE_ERR_ARG);
    ROW("nde_solve", "yout NULL", (nde_solve(&s, 1, y0, 3, t, NULL, NULL, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, t, NULL, NULL, &st)), NDE_ERR_ARG);
    ROW("nde_solve", "t not monotonic", (nde_solve(&s, 1, y0, 3, tb, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, tb, NULL, y, &st)), NDE_ERR_TIMES);
    ROW("nde_solve", "t NaN", (nde_solve(&s, 1, y0, 3, tn, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, tn, NULL, y, &st)), NDE_ERR_TIMES);
    ROW("nde_solve", "y0 Inf", (nde_solve(&s, 1, yn, 3, t, NULL, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, yn, 3, t, NULL, y, &st)), NDE_ERR_NONFINITE);
    for (k = 0; k < sizeof opts / sizeof opts[0]; k++) {
        memset(&o, 0, sizeof o);
        memcpy((char *)&o + opts[k].off, &opts[k].v, sizeof(double));
        nde_solve(&s, 1, y0, 3, t, &o, y, &st);
        memcpy(bi_msg, st.msg, NDE_MSG_LEN);
        ROW("nde_solve", opts[k].what, nde_solve(&s, 1, y0, 3, t, &o, y, &st), opts[k].want);
    }
    memset(&o, 0, sizeof o); o.method = -1;
    ROW("nde_solve", "opt.method -1", (nde_solve(&s, 1, y0, 3, t, &o, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, t, &o, y, &st)), NDE_ERR_ARG);
    o.method = NDE_METHOD_COUNT;
    ROW("nde_solve", "opt.method COUNT", (nde_solve(&s, 1, y0, 3, t, &o, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, t, &o, y, &st)), NDE_ERR_ARG);
    memset(&o, 0, sizeof o); o.stiff_check = 2;
    ROW("nde_solve", "opt.stiff_check 2", (nde_solve(&s, 1, y0, 3, t, &o, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, t, &o, y, &st)), NDE_ERR_ARG);
    memset(&o, 0, sizeof o); o.max_steps = -1;
    ROW("nde_solve", "opt.max_steps < 0", (nde_solve(&s, 1, y0, 3, t, &o, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, t, &o, y, &st)), NDE_ERR_ARG);
    memset(&o, 0, sizeof o); o.hmin = 1.0; o.hmax = 0.1;
    ROW("nde_solve", "opt.hmin > hmax", (nde_solve(&s, 1, y0, 3, t, &o, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&s, 1, y0, 3, t, &o, y, &st)), NDE_ERR_ARG);
    memset(&o, 0, sizeof o); o.method = NDE_LEAPFROG;
    z = s; z.dim = 2;
    memset(&o, 0, sizeof o); o.method = NDE_SDIRK4;
    z = s; z.vjp = NULL;
    ROW("nde_solve", "sdirk4 without any product", (nde_solve(&z, 1, y0, 3, t, &o, y, &st), memcpy(bi_msg, st.msg, NDE_MSG_LEN), nde_solve(&z, 1, y0, 3, t, &o, y, &st)), NDE_ERR_UNSUPPORTED);
    /* nde_system_jacobian and nde_system_check have no message buffer */
    ROWS("nde_system_jacobian", "sys NULL", nde_system_jacobian(NULL, 0, 1, y0, J), NDE_ERR_ARG);
    ROWS("nde_system_jacobian", "y NULL", nde_system_jacobian(&s, 0, 1, NULL, J), NDE_ERR_ARG);
    ROWS("nde_system_jacobian", "J NULL", nde_system_jacobian(&s, 0, 1, y0, NULL), NDE_ERR_ARG);
    ROWS("nde_system_jacobian", "B 0", nde_system_jacobian(&s, 0, 0, y0, J), NDE_ERR_ARG);
    z = s; z.vjp = NULL;
    ROWS("nde_system_jacobian", "no product", nde_system_jacobian(&z, 0, 1, y0, J), NDE_ERR_UNSUPPORTED);
    ROWS("nde_system_check", "sys NULL", nde_system_check(NULL, 0, 1, y0, 0, err), NDE_ERR_ARG);
    ROWS("nde_system_check", "err NULL", nde_system_check(&s, 0, 1, y0, 0, NULL), NDE_ERR_ARG);
    ROWS("nde_system_check", "B < 0", nde_system_check(&s, 0, -1, y0, 0, err), NDE_ERR_ARG);
    ROWS("nde_system_check", "y NULL", nde_system_check(&s, 0, 1, NULL, 0, err), NDE_ERR_ARG);
}

static double bi_loss_nan(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    (void)ctx; (void)N; (void)B; (void)D; (void)t; (void)y;
    g[0] = NAN;
    return 1.0;
}

static void bi_grad(void)
{
    nde_system s = bi_sys(), z;
    double y0[2] = {1, 0}, t[3] = {0, 0.5, 1}, tgt[6] = {0}, th[1] = {0.5}, L, g[1], gy[2];
    nde_target tg = {tgt, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg}, none = {NULL, NULL, NULL}, lnan = {bi_loss_nan, NULL, NULL};
    nde_grad_options go;
    nde_grad_stats gs;
    nde_options ao;
    nde_optim opt;
    nde_train_options to;
    nde_train_stats ts;
#define GRAD(what, sys, gopt, ls, Lp, gth, want) \
    do { nde_grad(sys, 1, y0, 3, t, NULL, gopt, ls, Lp, NULL, gth, gy, &gs); \
         memcpy(bi_msg, gs.msg, NDE_MSG_LEN); \
         ROW("nde_grad", what, nde_grad(sys, 1, y0, 3, t, NULL, gopt, ls, Lp, NULL, gth, gy, &gs), want); } while (0)
    GRAD("sys NULL", NULL, NULL, &loss, &L, g, NDE_ERR_ARG);
    GRAD("loss NULL", &s, NULL, NULL, &L, g, NDE_ERR_ARG);
    GRAD("loss with neither part", &s, NULL, &none, &L, g, NDE_ERR_ARG);
    GRAD("L NULL", &s, NULL, &loss, NULL, g, NDE_ERR_ARG);
    z = s; z.nparams = 1; z.params = th;
    GRAD("gth NULL with P = 1", &z, NULL, &loss, &L, NULL, NDE_ERR_ARG);
    z = s; z.vjp = NULL;
    GRAD("sys->vjp NULL", &z, NULL, &loss, &L, g, NDE_ERR_UNSUPPORTED);
    memset(&go, 0, sizeof go); go.method = 7;
    GRAD("gopt->method 7", &s, &go, &loss, &L, g, NDE_ERR_ARG);
    memset(&ao, 0, sizeof ao); ao.rtol = NAN;
    memset(&go, 0, sizeof go); go.method = NDE_GRAD_BACKSOLVE; go.adjoint = &ao;
    GRAD("gopt->adjoint->rtol NaN", &s, &go, &loss, &L, g, NDE_ERR_ARG);
    memset(&go, 0, sizeof go); go.method = NDE_GRAD_BACKSOLVE; go.drift_limit = NAN;
    GRAD("gopt->drift_limit NaN", &s, &go, &loss, &L, g, NDE_ERR_ARG);
    memset(&go, 0, sizeof go); go.method = NDE_GRAD_INTERP;
    GRAD("a loss with a NaN gradient", &s, &go, &lnan, &L, g, NDE_ERR_NONFINITE);
#undef GRAD
    /* nde_train: optimizer and options */
    z = s; z.nparams = 1; z.params = th;
    nde_optim_init(&opt, NDE_OPT_ADAM, 1, 0.0, NULL);
    memset(&to, 0, sizeof to);
    ROW("nde_train", "to NULL", (nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, &opt, NULL, &ts), memcpy(bi_msg, ts.msg, NDE_MSG_LEN),
                                 nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, &opt, NULL, &ts)), NDE_ERR_ARG);
    to.iters = 0;
    ROW("nde_train", "to->iters 0", (nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, &opt, &to, &ts), memcpy(bi_msg, ts.msg, NDE_MSG_LEN),
                                     nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, &opt, &to, &ts)), NDE_ERR_ARG);
    to.iters = 2;
    to.clip = NAN;
    ROW("nde_train", "to->clip NaN", (nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, &opt, &to, &ts), memcpy(bi_msg, ts.msg, NDE_MSG_LEN),
                                      nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, &opt, &to, &ts)), NDE_ERR_ARG);
    to.clip = 0;
    ROW("nde_train", "o NULL", (nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, NULL, &to, &ts), memcpy(bi_msg, ts.msg, NDE_MSG_LEN),
                                nde_train(&z, 1, y0, 3, t, NULL, NULL, &loss, NULL, &to, &ts)), NDE_ERR_ARG);
    ROW("nde_train", "o over another P", (nde_train(&s, 1, y0, 3, t, NULL, NULL, &loss, &opt, &to, &ts), memcpy(bi_msg, ts.msg, NDE_MSG_LEN),
                                          nde_train(&s, 1, y0, 3, t, NULL, NULL, &loss, &opt, &to, &ts)), NDE_ERR_ARG);
    nde_optim_free(&opt);
    nde_grad_work_free(NULL);
}

static void bi_mlp(void)
{
    nde_mlp m, u;
    nde_system sys;
    nde_rng r;
    int w[3] = {2, 4, 2}, wbad[3] = {2, -4, 2};
    double x[2] = {1, 2}, out[2], g[2], v[2] = {1, 0};
    nde_rng_seed(&r, 1);
    ROW("nde_mlp_init", "m NULL", nde_mlp_init(NULL, 2, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_init", "in_dim 0", nde_mlp_init(&m, 0, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_init", "in_dim huge", nde_mlp_init(&m, 2147483647, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_init", "unknown flags", nde_mlp_init(&m, 2, 64, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_add_linear", "m NULL", nde_mlp_add_linear(NULL, 3, bi_msg), NDE_ERR_ARG);
    nde_mlp_init(&m, 2, 0, NULL);
    ROW("nde_mlp_add_linear", "out 0", nde_mlp_add_linear(&m, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_add_linear", "out huge", nde_mlp_add_linear(&m, 2147483647, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_add_act", "act -1", nde_mlp_add_act(&m, -1, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_add_act", "act COUNT", nde_mlp_add_act(&m, NDE_ACT_COUNT, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_add_residual", "act 99", nde_mlp_add_residual(&m, 99, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_add_residual", "m NULL", nde_mlp_add_residual(NULL, 1, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_build", "no layers", nde_mlp_build(&m, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_build", "m NULL", nde_mlp_build(NULL, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_dense", "m NULL", nde_mlp_dense(NULL, 3, w, NDE_ACT_TANH, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_dense", "widths NULL", nde_mlp_dense(&m, 3, NULL, NDE_ACT_TANH, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_dense", "n 1", nde_mlp_dense(&m, 1, w, NDE_ACT_TANH, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_dense", "a negative width", nde_mlp_dense(&m, 3, wbad, NDE_ACT_TANH, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_dense", "act 42", nde_mlp_dense(&m, 3, w, 42, 0, bi_msg), NDE_ERR_ARG);
    /* an unbuilt network everywhere */
    memset(&u, 0, sizeof u);
    ROWS("nde_mlp_forward", "unbuilt", nde_mlp_forward(&u, 1, x, 0, out), NDE_ERR_ARG);
    ROW("nde_mlp_system", "unbuilt", nde_mlp_system(&u, &sys, bi_msg), NDE_ERR_ARG);
    ROW("nde_hnn_system", "unbuilt", nde_hnn_system(&u, &sys, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_save", "unbuilt", nde_mlp_save(&u, "/tmp/nde_badinput_never.bin", bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_load", "unbuilt", nde_mlp_load(&u, "/tmp/nde_badinput_never.bin", bi_msg), NDE_ERR_ARG);
    nde_mlp_init_glorot(&u, &r);
    nde_mlp_init_normal(&u, &r, 1.0);
    nde_mlp_init_glorot(NULL, &r);
    nde_mlp_free(&u);
    nde_mlp_free(NULL);
    /* a built one with bad buffers and sizes */
    nde_mlp_dense(&m, 3, w, NDE_ACT_TANH, 0, NULL);
    nde_mlp_init_glorot(&m, NULL);
    nde_mlp_init_normal(&m, &r, NAN);
    nde_mlp_init_glorot(&m, &r);
    ROWS("nde_mlp_forward", "m NULL", nde_mlp_forward(NULL, 1, x, 0, out), NDE_ERR_ARG);
    ROWS("nde_mlp_forward", "B < 0", nde_mlp_forward(&m, -1, x, 0, out), NDE_ERR_ARG);
    ROWS("nde_mlp_forward", "x NULL", nde_mlp_forward(&m, 1, NULL, 0, out), NDE_ERR_ARG);
    ROWS("nde_mlp_forward", "out NULL", nde_mlp_forward(&m, 1, x, 0, NULL), NDE_ERR_ARG);
    ROWS("nde_mlp_forward_at", "theta NULL", nde_mlp_forward_at(&m, NULL, 1, x, 0, out), NDE_ERR_ARG);
    ROWS("nde_mlp_forward_at", "m NULL", nde_mlp_forward_at(NULL, m.params, 1, x, 0, out), NDE_ERR_ARG);
    ROWS("nde_mlp_vjp_at", "theta NULL", nde_mlp_vjp_at(&m, NULL, 1, x, 0, v, g, NULL, NULL), NDE_ERR_ARG);
    ROWS("nde_mlp_vjp", "gout NULL", nde_mlp_vjp(&m, 1, x, 0, NULL, g, NULL, NULL), NDE_ERR_ARG);
    ROWS("nde_mlp_vjp", "B < 0", nde_mlp_vjp(&m, -2, x, 0, v, g, NULL, NULL), NDE_ERR_ARG);
    ROWS("nde_mlp_jvp", "v NULL", nde_mlp_jvp(&m, 1, x, 0, NULL, out, g), NDE_ERR_ARG);
    ROWS("nde_mlp_jvp", "jv NULL", nde_mlp_jvp(&m, 1, x, 0, v, out, NULL), NDE_ERR_ARG);
    ROWS("nde_mlp_grad_tangent", "u NULL", nde_mlp_grad_tangent(&m, 1, x, 0, v, NULL, g, NULL, NULL), NDE_ERR_ARG);
    ROWS("nde_mlp_grad_tangent", "x NULL", nde_mlp_grad_tangent(&m, 1, NULL, 0, v, v, g, NULL, NULL), NDE_ERR_ARG);
    ROW("nde_mlp_system", "sys NULL", nde_mlp_system(&m, NULL, bi_msg), NDE_ERR_ARG);
    ROW("nde_hnn_system", "out_dim 2 (needs 1)", nde_hnn_system(&m, &sys, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_save", "path NULL", nde_mlp_save(&m, NULL, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_save", "path empty", nde_mlp_save(&m, "", bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_save", "m NULL", nde_mlp_save(NULL, "/tmp/x.bin", bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_save", "a directory that does not exist", nde_mlp_save(&m, "/nonexistent-nde/x.bin", bi_msg), NDE_ERR_IO);
    ROW("nde_mlp_load", "path NULL", nde_mlp_load(&m, NULL, bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_load", "missing file", nde_mlp_load(&m, "/nonexistent-nde/x.bin", bi_msg), NDE_ERR_IO);
    ROW("nde_mlp_load_new", "m NULL", nde_mlp_load_new(NULL, "/tmp/x.bin", bi_msg), NDE_ERR_ARG);
    ROW("nde_mlp_load_new", "a directory", nde_mlp_load_new(&u, "/", bi_msg), NDE_ERR_IO);
    nde_mlp_free(&m);
}

static void bi_train_tools(void)
{
    nde_optim o;
    nde_plateau p;
    nde_early_stop e;
    nde_progress pr;
    nde_rng r;
    double th[2] = {1, 2}, g[2] = {NAN, 0}, tt[5] = {0, 1, 2, 3, 4}, yy[10] = {0}, w[5], tb[2], y0[2], yb[4];
    int s[2];
    nde_rng_seed(&r, 2);
    ROW("nde_optim_init", "o NULL", nde_optim_init(NULL, NDE_OPT_ADAM, 2, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_optim_init", "kind 9", nde_optim_init(&o, 9, 2, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_optim_init", "P < 0", nde_optim_init(&o, NDE_OPT_SGD, -2, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_optim_init", "lr NaN", nde_optim_init(&o, NDE_OPT_SGD, 2, NAN, bi_msg), NDE_ERR_ARG);
    ROW("nde_optim_init", "lr < 0", nde_optim_init(&o, NDE_OPT_SGD, 2, -1.0, bi_msg), NDE_ERR_ARG);
    nde_optim_init(&o, NDE_OPT_ADAM, 2, 0, NULL);
    ROWS("nde_optim_step", "o NULL", nde_optim_step(NULL, th, g), NDE_ERR_ARG);
    ROWS("nde_optim_step", "theta NULL", nde_optim_step(&o, NULL, g), NDE_ERR_ARG);
    ROWS("nde_optim_step", "g NULL", nde_optim_step(&o, th, NULL), NDE_ERR_ARG);
    ROWS("nde_optim_step", "g NaN", nde_optim_step(&o, th, g), NDE_ERR_NONFINITE);
    CHECK("bad input: theta unchanged after a NaN gradient", th[0] == 1.0 && th[1] == 2.0);
    nde_optim_reset(NULL);
    nde_optim_free(&o);
    nde_optim_free(NULL);
    CHECK("bad input: nde_clip_grad_norm of NaN returns NaN, leaves g; NULL g gives 0",
          isnan(nde_clip_grad_norm(2, g, 1.0)) && isnan(g[0]) && nde_clip_grad_norm(2, NULL, 1.0) == 0.0);
    CHECK("bad input: nde_lr_step_decay with every <= 0 returns lr0", nde_lr_step_decay(0.1, 5, 0, 0.5) == 0.1);
    ROW("nde_plateau_init", "factor 1", nde_plateau_init(&p, 1.0, 3, bi_msg), NDE_ERR_ARG);
    ROW("nde_plateau_init", "factor NaN", nde_plateau_init(&p, NAN, 3, bi_msg), NDE_ERR_ARG);
    ROW("nde_plateau_init", "patience < 0", nde_plateau_init(&p, 0.5, -1, bi_msg), NDE_ERR_ARG);
    ROW("nde_plateau_init", "s NULL", nde_plateau_init(NULL, 0.5, 1, bi_msg), NDE_ERR_ARG);
    CHECK("bad input: nde_plateau_step with NULL is 0", nde_plateau_step(NULL, NULL, 1.0) == 0);
    ROW("nde_early_init", "e NULL", nde_early_init(NULL, 2, 3, bi_msg), NDE_ERR_ARG);
    ROW("nde_early_init", "patience 0", nde_early_init(&e, 2, 0, bi_msg), NDE_ERR_ARG);
    ROW("nde_early_init", "P < 0", nde_early_init(&e, -2, 3, bi_msg), NDE_ERR_ARG);
    nde_early_init(&e, 2, 3, NULL);
    CHECK("bad input: nde_early_update(NaN) says stop; NULL tracker says stop",
          nde_early_update(&e, NAN, th) == 1 && nde_early_update(NULL, 1.0, th) == 1);
    ROWS("nde_early_restore", "no finite loss yet", nde_early_restore(&e, th), NDE_ERR_ARG);
    ROWS("nde_early_restore", "theta NULL", nde_early_restore(&e, NULL), NDE_ERR_ARG);
    nde_early_free(&e);
    nde_early_free(NULL);
    ROW("nde_sample_windows", "r NULL", nde_sample_windows(NULL, 5, 2, tt, yy, 2, 1, s, tb, y0, yb, bi_msg), NDE_ERR_ARG);
    ROW("nde_sample_windows", "T = N", nde_sample_windows(&r, 5, 2, tt, yy, 5, 1, s, tb, y0, yb, bi_msg), NDE_ERR_ARG);
    ROW("nde_sample_windows", "B > N - T", nde_sample_windows(&r, 5, 2, tt, yy, 2, 4, s, tb, y0, yb, bi_msg), NDE_ERR_ARG);
    ROW("nde_sample_windows", "s NULL", nde_sample_windows(&r, 5, 2, tt, yy, 2, 1, NULL, tb, y0, yb, bi_msg), NDE_ERR_ARG);
    ROW("nde_sample_windows", "D 0", nde_sample_windows(&r, 5, 0, tt, yy, 2, 1, s, tb, y0, yb, bi_msg), NDE_ERR_ARG);
    ROW("nde_sample_windows", "y NULL", nde_sample_windows(&r, 5, 2, tt, NULL, 2, 1, s, tb, y0, yb, bi_msg), NDE_ERR_ARG);
    nde_progress_init(NULL, 1, NULL, NULL);
    nde_progress_init(&pr, -3, NULL, NULL);
    CHECK("bad input: progress with every < 0 or NULL reports nothing",
          nde_progress_update(&pr, 3, 1.0, 0) == 0 && nde_progress_update(NULL, 3, 1.0, 0) == 0);
    nde_time_weights(5, NULL, 1.0, w);
    nde_time_weights(-1, tt, 1.0, w);
    nde_time_weights(5, tt, 1.0, NULL);
    CHECK("bad input: nde_mse of NULL or n <= 0 is 0", nde_mse(3, NULL, yy) == 0.0 && nde_mse(-1, yy, yy) == 0.0);
}

void test_badinput(void)
{
    int before = check_pass + check_fail;
    bi_linalg();
    bi_solve();
    bi_grad();
    bi_mlp();
    bi_train_tools();
    printf("ok   bad-input matrix: %d status rows and %d no-crash checks over the public API\n", bi_rows,
           check_pass + check_fail - before - bi_rows);
}
