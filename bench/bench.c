/* bench.c - the benchmarks of neuralode.h (make bench).

   Prints only lines "BENCH name=<name> key=value ..." and comment lines starting with '#'.
   Speeds are given as ratios against references measured in the same run (a plain
   hand-written loop) or quoted from the issue for programs that are not run here
   (torchdiffeq, CVODES: see bench/cvodes_peer.c, `make bench-peer`, for a measured CVODES).

     mlp_forward, mlp_forward_vjp   2-50-2 tanh on y^3 at batch 20, against a hand-written
                                    loop of the same forward pass (and of forward + reverse)
     libm_tanh                      tanh over one forward's 1000 pre-activations, per call
                                    and as a share of the hand-written forward loop
     lv_dopri5                      Lotka-Volterra (2/3, 4/3, 1, 1), u0 = (1, 1) to t = 10 at
                                    rtol 1e-8, atol 1e-10, error against the reference fixture
     spiral_train_<method>          the classic spiral demo (chapter 01's job), 2000
                                    iterations, seeds 0, 1, 2, for backprop / backsolve / interp
     bench_stiff()                  the stiff solvers' lines (bench/bench_stiff.c)
     bench_odenet()                 one epoch of chapter 12's ODE-Net (bench/bench_odenet.c)
   Usage: build/bench [mlp|lv|spiral|stiff|odenet]   (no argument: everything)

   Times: the minimum over repeats of CLOCK_MONOTONIC wall time (the least disturbed
   measurement); the training runs also report process CPU time, which other processes on a
   shared machine do not inflate. This is the one translation unit that defines
   NEURALODE_IMPLEMENTATION; bench_stiff.c only includes the header. */
#define _POSIX_C_SOURCE 199309L
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include "tests/fixtures/refs.h"
#include "tests/problems.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void bench_stiff(void);
void bench_odenet(void);

#define REPEATS 15    /* timing repeats of short chunks; the minimum is reported */

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static volatile double sink; /* results land here so no timed work is optimised away */

/* ===================================================================== */
/* MLP 2-50-2 tanh on y^3, batch 20                                       */
/* ===================================================================== */
/*
   The reference is the forward pass written out by hand for exactly this shape, with the
   weights read from the library's flat block: W1 (50,2), b1 (50), W2 (2,50), b2 (2).
     c = x^3,  h = tanh(W1 c + b1),  out = W2 h + b2
   and its reverse pass for a cotangent g (B,2):
     gW2 += g h^T, gb2 += g, gz = (1 - h^2) (W2^T g), gW1 += gz c^T, gb1 += gz,
     gx += 3 x^2 (W1^T gz)
   Both are called through volatile function pointers, as the library is called through
   nde_mlp_forward, so the compiler cannot hoist the repeated work.
*/

#define MB 20   /* batch rows */
#define MH 50   /* hidden width */

static void loop_forward(const double *p, int B, const double *x, double *out)
{
    const double *W1 = p, *b1 = p + 2 * MH, *W2 = p + 3 * MH, *b2 = p + 5 * MH;
    int r, j;
    for (r = 0; r < B; r++) {
        double c0 = x[2 * r] * x[2 * r] * x[2 * r], c1 = x[2 * r + 1] * x[2 * r + 1] * x[2 * r + 1];
        double o0 = b2[0], o1 = b2[1];
        for (j = 0; j < MH; j++) {
            double h = tanh(W1[2 * j] * c0 + W1[2 * j + 1] * c1 + b1[j]);
            o0 += W2[j] * h;
            o1 += W2[MH + j] * h;
        }
        out[2 * r] = o0;
        out[2 * r + 1] = o1;
    }
}

static void loop_vjp(const double *p, int B, const double *x, const double *g, double *gx, double *gp)
{
    const double *W1 = p, *b1 = p + 2 * MH, *W2 = p + 3 * MH;
    double *gW1 = gp, *gb1 = gp + 2 * MH, *gW2 = gp + 3 * MH, *gb2 = gp + 5 * MH;
    int r, j;
    for (r = 0; r < B; r++) {
        double c0 = x[2 * r] * x[2 * r] * x[2 * r], c1 = x[2 * r + 1] * x[2 * r + 1] * x[2 * r + 1];
        double g0 = g[2 * r], g1 = g[2 * r + 1], gc0 = 0.0, gc1 = 0.0;
        for (j = 0; j < MH; j++) {
            double h = tanh(W1[2 * j] * c0 + W1[2 * j + 1] * c1 + b1[j]);
            double gz = (1.0 - h * h) * (W2[j] * g0 + W2[MH + j] * g1);
            gW2[j] += g0 * h;
            gW2[MH + j] += g1 * h;
            gW1[2 * j] += gz * c0;
            gW1[2 * j + 1] += gz * c1;
            gb1[j] += gz;
            gc0 += W1[2 * j] * gz;
            gc1 += W1[2 * j + 1] * gz;
        }
        gb2[0] += g0;
        gb2[1] += g1;
        gx[2 * r] += 3.0 * x[2 * r] * x[2 * r] * gc0;
        gx[2 * r + 1] += 3.0 * x[2 * r + 1] * x[2 * r + 1] * gc1;
    }
}

static void (*volatile loop_forward_p)(const double *, int, const double *, double *) = loop_forward;
static void (*volatile loop_vjp_p)(const double *, int, const double *, const double *, double *, double *) = loop_vjp;

/* The four timed kernels, one signature: 0 library forward, 1 loop forward,
   2 library vjp, 3 loop vjp. */
typedef struct mlp_case {
    nde_mlp *net;
    double x[MB * 2], g[MB * 2], out[MB * 2], gx[MB * 2], gt;
    double *gp;
} mlp_case;

static void mlp_kernel(mlp_case *c, int which, long reps)
{
    long i;
    for (i = 0; i < reps; i++) {
        switch (which) {
        case 0: nde_mlp_forward(c->net, MB, c->x, 0.0, c->out); break;
        case 1: loop_forward_p(c->net->params, MB, c->x, c->out); break;
        case 2: nde_mlp_vjp(c->net, MB, c->x, 0.0, c->g, c->gx, c->gp, &c->gt); break;
        default: loop_vjp_p(c->net->params, MB, c->x, c->g, c->gx, c->gp); break;
        }
    }
    sink += c->out[0] + c->gx[0];
}

static void bench_mlp(void)
{
    int widths[3] = {2, MH, 2}, i, k, which;
    double best[4], out_lib[MB * 2], out_loop[MB * 2], gx_lib[MB * 2], gx_loop[MB * 2], diff = 0.0;
    double z[MB * MH], h[MB * MH], *gp_lib, *gp_loop, t0;
    long reps = 2000, P;
    nde_mlp net;
    nde_rng rng;
    mlp_case c;
    nde_rng_seed(&rng, 1);
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, NDE_INPUT_CUBE, NULL) != NDE_OK) return;
    nde_mlp_init_normal(&net, &rng, 0.1);
    for (i = 0; i < net.nparams; i++) net.params[i] += 0.1 * nde_rng_normal(&rng); /* biases nonzero too */
    P = net.nparams;
    memset(&c, 0, sizeof c);
    c.net = &net;
    for (i = 0; i < MB * 2; i++) {
        c.x[i] = 2.0 * nde_rng_uniform(&rng) - 1.0;
        c.g[i] = nde_rng_normal(&rng);
    }
    gp_lib = (double *)calloc((size_t)(2 * P), sizeof(double));
    if (!gp_lib) return;
    gp_loop = gp_lib + P;
    /* the two forwards and the two reverse passes agree */
    nde_mlp_forward(&net, MB, c.x, 0.0, out_lib);
    loop_forward(net.params, MB, c.x, out_loop);
    memset(gx_lib, 0, sizeof gx_lib);
    memset(gx_loop, 0, sizeof gx_loop);
    nde_mlp_vjp(&net, MB, c.x, 0.0, c.g, gx_lib, gp_lib, NULL);
    loop_vjp(net.params, MB, c.x, c.g, gx_loop, gp_loop);
    for (i = 0; i < MB * 2; i++) diff = fmax(diff, fmax(fabs(out_lib[i] - out_loop[i]), fabs(gx_lib[i] - gx_loop[i])));
    for (i = 0; i < P; i++) diff = fmax(diff, fabs(gp_lib[i] - gp_loop[i]));
    c.gp = gp_lib;
    for (k = 0; k < 4; k++) best[k] = 1e30;
    for (k = 0; k < REPEATS; k++)          /* interleaved, so a disturbance hits all four alike */
        for (which = 0; which < 4; which++) {
            t0 = wall_now();
            mlp_kernel(&c, which, reps);
            best[which] = fmin(best[which], (wall_now() - t0) / reps);
        }
    printf("BENCH name=mlp_forward ns_per_call=%.0f loop_ns_per_call=%.0f ratio_vs_loop=%.3f batch=%d\n",
           1e9 * best[0], 1e9 * best[1], best[0] / best[1], MB);
    printf("BENCH name=mlp_forward_vjp ns_per_call=%.0f ratio_vs_loop=%.3f loop_vjp_ns_per_call=%.0f "
           "ratio_vs_loop_vjp=%.3f max_diff_vs_loop=%.1e\n",
           1e9 * best[2], best[2] / best[1], 1e9 * best[3], best[2] / best[3], diff);
    /* the unit of cost: tanh over the batch's 1000 pre-activations, as the forward does it */
    for (i = 0; i < MB; i++)
        for (k = 0; k < MH; k++) {
            double c0 = pow(c.x[2 * i], 3), c1 = pow(c.x[2 * i + 1], 3);
            z[i * MH + k] = net.params[2 * k] * c0 + net.params[2 * k + 1] * c1 + net.params[2 * MH + k];
        }
    best[0] = 1e30;
    for (k = 0; k < REPEATS; k++) {
        long r;
        t0 = wall_now();
        for (r = 0; r < reps; r++) {
            for (i = 0; i < MB * MH; i++) h[i] = tanh(z[i]);
            sink += h[r % (MB * MH)];
        }
        best[0] = fmin(best[0], (wall_now() - t0) / reps);
    }
    printf("BENCH name=libm_tanh ns_per_call=%.2f tanh_per_forward=%d share_of_loop_forward=%.2f\n",
           1e9 * best[0] / (MB * MH), MB * MH, best[0] / best[1]);
    free(gp_lib);
    nde_mlp_free(&net);
}

/* ===================================================================== */
/* Wide networks: H-H-H-H tanh (two hidden layers) against OpenBLAS dgemm */
/* ===================================================================== */
/*
   The net: widths {H, H, H, H}, tanh after the first two linear layers: three (H,H) weight
   matrices, so nearly all the work is three dense products per pass. Per call:
     forward          3 products  y = x W^T (B,H,H)
     forward + vjp    11 products: the forward (3), the vjp's own forward (2: it skips the last
                      layer's output), gx = gy W (3) and gW += gy^T x (3)
   gflops counts 2*B*H*H per product. openblas_gflops: cblas_dgemm on the same shapes and
   transposes, the same number of calls, one OpenBLAS thread, in the same run (dgemm only: our
   time also holds tanh and the biases). ratio = gflops / openblas_gflops. speedup_2threads:
   our wall time on 1 OpenMP thread over our wall time on 2 (bench built with -fopenmp; "na"
   without); it needs both cores free, so on a shared machine it reads low.
   build=: the flags of this binary (native: -march=native -ffp-contract=off, the same bits as
   portable; portable: PORTABLE_CFLAGS). The one-thread times (gflops, openblas_gflops) are
   the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), which other processes on a shared machine
   inflate far less than wall time; best of 5 repeats of >= 20 ms chunks.
*/

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef NDE_BENCH_OPENBLAS
#include <cblas.h>
#endif
#ifndef NDE_BENCH_BUILD
#define NDE_BENCH_BUILD "portable"
#endif

typedef struct wide_case {
    nde_mlp *net;
    int B, H, vjp;
    double *x, *g, *out, *gx, *gp, *h1, *h2; /* h1, h2 (B,H): dgemm scratch */
} wide_case;

/* One call of the timed job: ours (which = 0) or the dgemm sequence (which = 1). */
static void wide_job(wide_case *c, int which)
{
    int B = c->B, H = c->H, l;
    if (which == 0) {
        nde_mlp_forward(c->net, B, c->x, 0.0, c->out);
        if (c->vjp) nde_mlp_vjp(c->net, B, c->x, 0.0, c->g, c->gx, c->gp, NULL);
        return;
    }
#ifdef NDE_BENCH_OPENBLAS
    {
        const double *W = c->net->params;
        long stride = (long)H * H + H;
        int nt = c->vjp ? 5 : 3;
        for (l = 0; l < nt; l++) /* forward products (the vjp's own forward included) */
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, H, H, 1.0, l % 3 ? c->h1 : c->x, H,
                        W + (l % 3) * stride, H, 0.0, l % 2 ? c->h2 : c->out, H);
        if (c->vjp)
            for (l = 2; l >= 0; l--) {
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, H, 1.0, c->g, H, W + l * stride, H,
                            0.0, c->gx, H);
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, H, B, 1.0, c->g, H, l ? c->h1 : c->x, H,
                            1.0, c->gp + l * stride, H);
            }
    }
#else
    (void)l; (void)B; (void)H;
#endif
}

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best seconds per call over 5 repeats of chunks of reps calls, by the clock clk. */
static double wide_time(wide_case *c, int which, long reps, double (*clk)(void))
{
    double best = 1e30, t0;
    long i;
    int k;
    for (k = 0; k < 5; k++) {
        t0 = clk();
        for (i = 0; i < reps; i++) wide_job(c, which);
        best = fmin(best, (clk() - t0) / reps);
    }
    sink += c->out[0] + c->gx[0];
    return best;
}

static void bench_mlp_wide(void)
{
    static const int Bs[3] = {32, 128, 512}, Hs[3] = {64, 128, 256};
    int ib, ih, v;
#ifdef NDE_BENCH_OPENBLAS
    openblas_set_num_threads(1);
#else
    printf("# mlp_wide: built without OpenBLAS (libopenblas-dev absent): openblas_gflops and ratio are na\n");
#endif
    for (ih = 0; ih < 3; ih++)
        for (ib = 0; ib < 3; ib++)
            for (v = 0; v < 2; v++) {
                int B = Bs[ib], H = Hs[ih], widths[4], i;
                double flops = (v ? 11.0 : 3.0) * 2.0 * B * H * H, t1, t2 = 0.0, tb = 0.0;
                long reps, n = (long)B * H;
                nde_mlp net;
                nde_rng rng;
                wide_case c;
                char sp[32] = "na", ob[32] = "na", ra[32] = "na";
                for (i = 0; i < 4; i++) widths[i] = H;
                if (nde_mlp_dense(&net, 4, widths, NDE_ACT_TANH, 0, NULL) != NDE_OK) return;
                nde_rng_seed(&rng, 3);
                nde_mlp_init_glorot(&net, &rng);
                memset(&c, 0, sizeof c);
                c.net = &net; c.B = B; c.H = H; c.vjp = v;
                c.x = (double *)calloc((size_t)(6 * n + net.nparams), sizeof(double));
                if (!c.x) { nde_mlp_free(&net); return; }
                c.g = c.x + n; c.out = c.g + n; c.gx = c.out + n; c.h1 = c.gx + n; c.h2 = c.h1 + n;
                c.gp = c.h2 + n;
                for (i = 0; i < n; i++) {
                    c.x[i] = nde_rng_normal(&rng);
                    c.g[i] = nde_rng_normal(&rng);
                    c.h1[i] = tanh(c.x[i]);
                }
                reps = (long)(2e7 / flops) + 1; /* >= ~20 ms at 1 GFLOP/s */
#ifdef _OPENMP
                omp_set_num_threads(1);
#endif
                wide_job(&c, 0);
                t1 = wide_time(&c, 0, reps, thread_cpu_now);
#ifdef _OPENMP
                omp_set_num_threads(2);
                wide_job(&c, 0);
                t2 = wide_time(&c, 0, reps, wall_now);
                omp_set_num_threads(1);
                snprintf(sp, sizeof sp, "%.2f", wide_time(&c, 0, reps, wall_now) / t2);
#endif
#ifdef NDE_BENCH_OPENBLAS
                wide_job(&c, 1);
                tb = wide_time(&c, 1, reps, thread_cpu_now);
                snprintf(ob, sizeof ob, "%.2f", 1e-9 * flops / tb);
                snprintf(ra, sizeof ra, "%.2f", tb / t1);
#endif
                (void)t2; (void)tb;
                printf("BENCH name=mlp_wide pass=%s B=%d H=%d net=H-H-H-H_tanh build=%s gflops=%.2f "
                       "openblas_gflops=%s ratio=%s speedup_2threads=%s us_per_call=%.1f\n",
                       v ? "forward_vjp" : "forward", B, H, NDE_BENCH_BUILD, 1e-9 * flops / t1, ob, ra, sp,
                       1e6 * t1);
                fflush(stdout);
                free(c.x);
                nde_mlp_free(&net);
            }
}

/* ===================================================================== */
/* Lotka-Volterra by dopri5                                               */
/* ===================================================================== */

static void bench_lv(void)
{
    double p[4], tt[2] = {0.0, 10.0}, y[4], best = 1e30, err, t0;
    nde_system sys;
    nde_options opt;
    nde_stats st;
    long i, reps = 200;
    int k;
    memcpy(p, ref_lv_p, sizeof p);
    sys = prob_lv(p);
    sys.jac = NULL; /* what an explicit solver sees: f only */
    sys.vjp = NULL;
    memset(&opt, 0, sizeof opt);
    opt.method = NDE_DOPRI5;
    opt.rtol = 1e-8;
    opt.atol = 1e-10;
    if (nde_solve(&sys, 1, ref_lv_u0, 2, tt, &opt, y, &st) != NDE_OK) {
        printf("# lv_dopri5: solve failed: %s\n", st.msg);
        return;
    }
    err = fmax(fabs(y[2] - ref_lv_y[9][0]), fabs(y[3] - ref_lv_y[9][1]));
    for (k = 0; k < REPEATS; k++) {
        t0 = wall_now();
        for (i = 0; i < reps; i++) nde_solve(&sys, 1, ref_lv_u0, 2, tt, &opt, y, NULL);
        best = fmin(best, (wall_now() - t0) / reps);
        sink += y[2];
    }
    printf("# lv_dopri5: CVODES Adams/Newton at the same tolerances took ~160 us, 170 evaluations, "
           "max error 1.7e-7 (issue 2, this machine kind; measured by make bench-peer when libsundials-dev is installed)\n");
    printf("BENCH name=lv_dopri5 us_per_solve=%.2f steps=%ld rejected=%ld nfe=%ld max_err=%.2e "
           "rtol=1e-8 atol=1e-10\n", 1e6 * best, st.naccept, st.nreject, st.nfe, err);
}

/* ===================================================================== */
/* The spiral demo, once per gradient method (chapter 01's job)           */
/* ===================================================================== */
/*
   Truth dy/dt = (y^3) A, y0 = (2, 0), 1000 points on [0, 25] by dopri5 rtol 1e-7 atol 1e-9;
   model 2-50-2 tanh on y^3, weights N(0, 0.1^2), zero biases; per iteration 20 windows of 10
   points, mean absolute error, one RMSprop step (lr 1e-3); dopri5 rtol 1e-7 atol 1e-9.
   final_mse: the model's trajectory from y0 against the truth at all 1000 points.
   late_median_mse: the same MSE evaluated 10 times over the last 10% of iterations, median per
   seed, then median over the seeds: a steadier number than the value after the last step.
   The same loop, with its story, is chapter 01 (chapters/01_spiral.c).
   A timing wrapper around the network's f and vjp splits the time of one short run.
*/

#define SN 1000
#define SITERS 2000

typedef struct spiral_data { double t[SN], y[SN * 2]; } spiral_data;

#define SLATE 10   /* full-trajectory MSE evaluations over the last 10% of training */
#define SSPREAD 20 /* seeds for the spread of final_mse (backprop) */

typedef struct spiral_run {
    double wall, cpu, nfe_per_iter, final_mse, f_s, vjp_s; /* f_s, vjp_s: timed runs only */
    double late_median_mse; /* median of SLATE evaluations over the last 10% of iterations */
    double recipe_mse, recipe_late, recipe_cpu; /* the recipe that converges (chapter 01), when asked */
} spiral_run;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A system that forwards to another and adds up the time spent in its f and vjp. */
typedef struct timed_sys { nde_system in; double f_s, vjp_s; } timed_sys;

static int timed_f(void *ctx, double t, int B, const double *y, const double *th, double *dydt)
{
    timed_sys *s = (timed_sys *)ctx;
    double t0 = wall_now();
    int r = s->in.f(s->in.ctx, t, B, y, th, dydt);
    s->f_s += wall_now() - t0;
    return r;
}

static int timed_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                     double *gy, double *gth, double *gt)
{
    timed_sys *s = (timed_sys *)ctx;
    double t0 = wall_now();
    int r = s->in.vjp(s->in.ctx, t, B, y, th, a, gy, gth, gt);
    s->vjp_s += wall_now() - t0;
    return r;
}

static int timed_f_save(void *ctx, double t, int B, const double *y, const double *th, double *dydt, double *save)
{
    timed_sys *s = (timed_sys *)ctx;
    double t0 = wall_now();
    int r = s->in.f_save(s->in.ctx, t, B, y, th, dydt, save);
    s->f_s += wall_now() - t0;
    return r;
}

static int timed_vjp_saved(void *ctx, double t, int B, const double *y, const double *th, const double *save,
                           const double *a, double *gy, double *gth, double *gt)
{
    timed_sys *s = (timed_sys *)ctx;
    double t0 = wall_now();
    int r = s->in.vjp_saved(s->in.ctx, t, B, y, th, save, a, gy, gth, gt);
    s->vjp_s += wall_now() - t0;
    return r;
}

static int train_spiral(const spiral_data *d, int method, unsigned long long seed, int iters, int timed,
                        int recipe, spiral_run *out)
{
    int widths[3] = {2, 50, 2}, it, status = NDE_OK;
    double *g = NULL, L, w0, c0, late[SLATE], pw = 0.0, pc = 0.0;
    char msg[NDE_MSG_LEN] = "";
    int nlate = 0;
    static double yp[SN * 2];
    long nfe = 0;
    nde_mlp net;
    nde_system sys;
    timed_sys ts;
    nde_options opt;
    nde_grad_options gopt;
    nde_grad_work work;
    nde_grad_stats gs;
    nde_optim rms;
    nde_rng rng;
    memset(&opt, 0, sizeof opt);
    opt.rtol = 1e-7;
    opt.atol = 1e-9;
    memset(&gopt, 0, sizeof gopt);
    gopt.method = method;
    gopt.work = &work; /* tape and dense store reused from one iteration to the next */
    memset(&work, 0, sizeof work);
    nde_rng_seed(&rng, seed);
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, NDE_INPUT_CUBE, NULL) != NDE_OK) return NDE_ERR_NOMEM;
    nde_mlp_init_normal(&net, &rng, 0.1);
    nde_mlp_system(&net, &sys, NULL);
    memset(&ts, 0, sizeof ts);
    if (timed) {
        ts.in = sys;
        sys.ctx = &ts;
        sys.f = timed_f;
        sys.vjp = timed_vjp;
        sys.f_save = timed_f_save;
        sys.vjp_saved = timed_vjp_saved;
    }
    g = (double *)malloc((size_t)net.nparams * sizeof(double));
    if (!g || nde_optim_init(&rms, NDE_OPT_RMSPROP, net.nparams, 1e-3, NULL) != NDE_OK) {
        free(g);
        nde_mlp_free(&net);
        return NDE_ERR_NOMEM;
    }
    w0 = wall_now();
    c0 = cpu_now();
    for (it = 1; it <= iters && status == NDE_OK; it++) {
        status = prob_spiral_classic_step(&sys, &rng, d->t, d->y, &opt, &gopt, &rms, g, &L, &gs, msg);
        nfe += gs.fwd.nfe + gs.nvjp;
        if (status == NDE_OK && nlate < SLATE && it > iters - iters / 10 && (iters - it) % (iters / 10 / SLATE) == 0) {
            double pw0 = wall_now(), pc0 = cpu_now(); /* not part of the training time */
            if (nde_solve(&sys, 1, d->y, SN, d->t, &opt, yp, NULL) == NDE_OK) late[nlate++] = nde_mse(SN * 2, yp, d->y);
            pw += wall_now() - pw0;
            pc += cpu_now() - pc0;
        }
    }
    out->wall = wall_now() - w0 - pw;
    out->cpu = cpu_now() - c0 - pc;
    qsort(late, (size_t)nlate, sizeof late[0], cmp_double);
    out->late_median_mse = nlate ? 0.5 * (late[(nlate - 1) / 2] + late[nlate / 2]) : -1.0;
    out->nfe_per_iter = (double)nfe / iters;
    out->f_s = ts.f_s;
    out->vjp_s = ts.vjp_s;
    if (status == NDE_OK) status = nde_solve(&sys, 1, d->y, SN, d->t, &opt, yp, NULL);
    out->final_mse = status == NDE_OK ? nde_mse(SN * 2, yp, d->y) : -1.0;
    if (recipe && status == NDE_OK) { /* chapter 01's recipe that converges, continuing this model */
        c0 = cpu_now();
        status = prob_spiral_recipe(&sys, &rng, d->t, d->y, &opt, &work, 100, 500, NULL, &out->recipe_mse,
                                    &out->recipe_late, msg);
        out->recipe_cpu = cpu_now() - c0;
    }
    if (status != NDE_OK) printf("# spiral_train %s seed %llu: %s\n", nde_status_name(status), seed, msg);
    free(g);
    nde_grad_work_free(&work);
    nde_optim_free(&rms);
    nde_mlp_free(&net);
    return status;
}

static double median3(double a, double b, double c)
{
    return fmax(fmin(a, b), fmin(fmax(a, b), c));
}

static void bench_spiral(void)
{
    static spiral_data d;
    const char *names[3] = {"backprop", "backsolve", "interp"};
    const double torch_s[3] = {21.7, 90.6, 90.6};
    spiral_run r[3], prof;
    int m, k;
    if (prob_spiral_data(d.t, d.y) != NDE_OK) return;
    printf("# spiral_train: torchdiffeq (PyTorch CPU, float64) took 21.7 s with backprop and 90.6 s with its\n"
           "# adjoint for this job, ending at full-trajectory MSE 0.029 (issue 3); targets: median final_mse <= 0.03\n"
           "# over seeds 0,1,2 and <= 1.1 s (backprop) / 4.5 s (adjoint) per seed. seconds = median wall time of one seed.\n");
    for (m = 0; m < 3; m++) {
        double w[3], c[3];
        for (k = 0; k < 3; k++) {
            if (train_spiral(&d, m, (unsigned long long)k, SITERS, 0, 0, &r[k]) != NDE_OK) return;
            w[k] = r[k].wall;
            c[k] = r[k].cpu;
        }
        {
            double sec = median3(w[0], w[1], w[2]), cpu = median3(c[0], c[1], c[2]);
            printf("BENCH name=spiral_train_%s iters=%d seconds=%.3f cpu_seconds=%.3f ms_per_iter=%.3f "
                   "nfe_per_iter=%.1f final_mse=%.4g seeds_mse=%.4g,%.4g,%.4g late_median_mse=%.4g "
                   "torch_seconds=%.1f speedup=%.1f\n",
                   names[m], SITERS, sec, cpu, 1e3 * sec / SITERS,
                   median3(r[0].nfe_per_iter, r[1].nfe_per_iter, r[2].nfe_per_iter),
                   median3(r[0].final_mse, r[1].final_mse, r[2].final_mse),
                   r[0].final_mse, r[1].final_mse, r[2].final_mse,
                   median3(r[0].late_median_mse, r[1].late_median_mse, r[2].late_median_mse), torch_s[m], torch_s[m] / sec);
        }
        if (m == 0) { /* the spread behind one seed's number: backprop over seeds 0..SSPREAD-1 */
            double v[SSPREAD];
            int below = 0;
            spiral_run rs;
            for (k = 0; k < SSPREAD; k++) {
                if (train_spiral(&d, m, (unsigned long long)k, SITERS, 0, 0, &rs) != NDE_OK) return;
                v[k] = rs.final_mse;
                below += v[k] <= 0.03;
            }
            qsort(v, SSPREAD, sizeof v[0], cmp_double);
            printf("BENCH name=spiral_seed_spread method=backprop seeds=%d min_final_mse=%.4g median_final_mse=%.4g "
                   "max_final_mse=%.4g seeds_at_or_below_0.03=%d\n", SSPREAD, v[0],
                   0.5 * (v[(SSPREAD - 1) / 2] + v[SSPREAD / 2]), v[SSPREAD - 1], below);
        }
        if (m == 0) { /* chapter 01's recipe that converges, continuing the classic run, seeds 0..9 */
            double fin[10], lat[10], ratio = 0.0;
            spiral_run rs;
            for (k = 0; k < 10; k++) {
                if (train_spiral(&d, m, (unsigned long long)k, SITERS, 0, 1, &rs) != NDE_OK) return;
                fin[k] = rs.recipe_mse;
                lat[k] = rs.recipe_late;
                ratio = fmax(ratio, (rs.cpu + rs.recipe_cpu) / rs.cpu);
            }
            qsort(fin, 10, sizeof fin[0], cmp_double);
            qsort(lat, 10, sizeof lat[0], cmp_double);
            printf("BENCH name=spiral_recipe seeds=10 median_final_mse=%.4g max_final_mse=%.4g median_late_mse=%.4g "
                   "max_late_mse=%.4g max_time_ratio=%.2f\n", 0.5 * (fin[4] + fin[5]), fin[9], 0.5 * (lat[4] + lat[5]),
                   lat[9], ratio);
        }
        /* where the time goes: a short timed run (seed 0, 200 iterations) */
        if (train_spiral(&d, m, 0, 200, 1, 0, &prof) == NDE_OK)
            printf("# spiral_train_%s time split (200 iterations): network f %.0f%%, network vjp %.0f%%, "
                   "solver + loss + optimizer + sampling %.0f%%\n", names[m], 100 * prof.f_s / prof.wall,
                   100 * prof.vjp_s / prof.wall, 100 * (prof.wall - prof.f_s - prof.vjp_s) / prof.wall);
    }
}

/* ===================================================================== */
/* Threads: where a second thread starts to pay                           */
/* ===================================================================== */
/*
   Built as build/bench_threads with NDE__THREAD_MIN=0, so that every blocked product may
   split over OpenMP threads: square products C (n,n) = A (n,n) B (n,n) through the MLP's
   product dispatcher (the blocked kernel), wall time of 1 and of 2 threads, best of 15
   chunks of >= ~5 ms. The crossover is the smallest product from which on 2 threads are
   faster at every larger size measured; the library splits products from
   NDE__THREAD_MIN_DEFAULT multiply-adds on, which should sit there. Needs both cores free.
*/
static void bench_threads(void)
{
#ifdef _OPENMP
    static const int ns[] = {24, 32, 40, 48, 56, 64, 80, 96, 128, 160, 192, 256};
    const int nn = (int)(sizeof ns / sizeof ns[0]);
    double sp[sizeof ns / sizeof ns[0]];
    long cross = -1;
    int i, k;
    for (i = 0; i < nn; i++) {
        int n = ns[i], th;
        long j, reps = (long)(1e7 / (2.0 * n * n * n)) + 1, len = (long)n * n;
        double *A = (double *)malloc(sizeof(double) * 3 * (size_t)len), t[2];
        if (!A) return;
        for (j = 0; j < 3 * len; j++) A[j] = 1.0 / (1.0 + (double)(j % 97));
        for (th = 0; th < 2; th++) {
            omp_set_num_threads(th + 1);
            t[th] = 1e30;
            for (k = 0; k < REPEATS; k++) {
                double t0 = wall_now();
                for (j = 0; j < reps; j++)
                    nde__mlp_mm(n, n, n, A, n, 1, A + len, n, 1, A + 2 * len, n, 1, 0);
                t[th] = fmin(t[th], (wall_now() - t0) / reps);
            }
        }
        sink += A[2 * len];
        free(A);
        sp[i] = t[0] / t[1];
        printf("BENCH name=gemm_threads n=%d madds=%ld us_1thread=%.2f us_2threads=%.2f speedup_2threads=%.2f\n", n,
               (long)n * n * n, 1e6 * t[0], 1e6 * t[1], sp[i]);
    }
    for (i = nn - 1; i >= 0 && sp[i] > 1.0; i--) cross = (long)ns[i] * ns[i] * ns[i];
    printf("BENCH name=gemm_threads_crossover madds=%ld library_thread_min=%ld\n", cross,
           (long)NDE__THREAD_MIN_DEFAULT);
#else
    printf("# gemm_threads: built without OpenMP, nothing to measure\n");
#endif
}

/* With an argument, only the sections whose name starts with it: mlp (mlp_wide too), mlp_wide,
   lv, spiral, stiff, odenet, threads (meant for build/bench_threads). */
int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";
    printf("# neuralode.h benchmarks (times: best of %d repeats unless said; wall clock, CLOCK_MONOTONIC)\n", REPEATS);
    if (!strncmp("mlp", only, strlen(only))) bench_mlp();
    if (!strncmp("mlp_wide", only, strlen(only))) bench_mlp_wide();
    if (!strncmp("lv", only, strlen(only))) bench_lv();
    if (!strncmp("spiral", only, strlen(only))) bench_spiral();
    if (!strncmp("stiff", only, strlen(only))) bench_stiff();
    if (!strncmp("odenet", only, strlen(only))) bench_odenet();
    if (only[0] && !strncmp("threads", only, strlen(only))) bench_threads(); /* by name only */
    return 0;
}
