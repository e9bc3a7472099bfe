/* bench_odenet.c: one training epoch of chapter 12's ODE-Net (chapters/odenet.h) on
   Fashion-MNIST, by backprop through dopri5 (rtol = atol = 1e-3), batch 128, Adam 1e-3,
   468 iterations from the chapter's seeded initialisation and shuffle:
     BENCH name=odenet_fmnist_epoch seconds=... ms_per_iter=... nfe_fwd_per_iter=...
           nfe_bwd_per_iter=... cpu_seconds=... cpu_ms_per_iter=... iters=... params=...
           test_acc=...
   seconds, ms_per_iter: wall time of the epoch (data loading excluded); cpu_*: its
   process CPU time (what to compare on a shared machine); nfe_bwd_per_iter counts the
   vjp calls of f on the tape; test_acc after this one epoch, all 10,000 test images. The PyTorch peer of the
   same model is bench/torch_odenet_peer.py (make bench-torch). Skipped with a comment
   line when the package dataset-fashion-mnist is absent.

   With OpenBLAS linked (NDE_BENCH_OPENBLAS), the floor that any implementation built on
   it would meet: the dense products of one iteration alone, with the epoch's mean counts
   of evaluations, through cblas_dgemm on the same shapes (best of 20, one thread):
     BENCH name=odenet_openblas_products ms_per_iter=... mmacs_per_iter=... gflops=...
   Nothing else of an iteration (tanh, the solver's vector work, the loss, Adam) is in it. */
#define _POSIX_C_SOURCE 199309L
#include "../neuralode.h"
#include "../chapters/odenet.h"

#include <stdio.h>
#include <time.h>
#ifdef NDE_BENCH_OPENBLAS
#include <cblas.h>
#endif

static double bo_now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#ifdef NDE_BENCH_OPENBLAS
/* C (M,N) = beta C + op(A) op(B), row-major, op = transpose when ta / tb is set. */
static void bo_mm(int ta, int tb, int M, int N, int K, const double *A, const double *B, double *C, double beta)
{
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0, A,
                ta ? M : K, B, tb ? K : N, beta, C, N);
}

/* a (n) = values in [-0.5, 0.5): no zeros, which a BLAS may skip */
static void bo_fill(long n, double *a)
{
    long i;
    for (i = 0; i < n; i++) a[i] = 0.5 - (double)(i % 97 + 1) / 98.0;
}

/* The products of one training iteration of the ODE-Net (chapters/odenet.h) with nf
   evaluations of f forward and nb vjps backward, on OpenBLAS: the encoder forward and its
   weight gradient (the pixels need no gradient), per evaluation [z, t] W1^T then h W2^T,
   per vjp the weight gradients and the input gradients of both layers. */
static void bo_products_floor(int nf, int nb)
{
    enum { B = ODN_BATCH, P = ODN_PIX, D = ODN_D, H = ODN_H, D1 = ODN_D + 1 };
    static double x[B * P], W0[D * P], gW0[D * P]; /* (B,P) pixels; (D,P) the encoder and its gradient */
    static double z[B * D], gz[B * D], o[B * D];   /* (B,D) z(0), its gradient, f's output / cotangent */
    static double zt[B * D1], dz[B * D1];          /* (B,D1) [z, t] and its gradient */
    static double W1[H * D1], gW1[H * D1];         /* (H,D1) f's first layer */
    static double h[B * H], gh[B * H];             /* (B,H) f's hidden layer */
    static double W2[D * H], gW2[D * H];           /* (D,H) f's second layer */
    double best = 1e30, t0, t, macs;
    int rep, e;
    bo_fill(B * P, x);
    bo_fill(D * P, W0);
    bo_fill(B * D, gz);
    bo_fill(B * D, o);
    bo_fill(B * D1, zt);
    bo_fill(H * D1, W1);
    bo_fill(D * H, W2);
    for (rep = 0; rep < 20; rep++) {
        t0 = bo_now(CLOCK_MONOTONIC);
        bo_mm(0, 1, B, D, P, x, W0, z, 0.0);
        for (e = 0; e < nf; e++) {
            bo_mm(0, 1, B, H, D1, zt, W1, h, 0.0);
            bo_mm(0, 1, B, D, H, h, W2, o, 0.0);
        }
        for (e = 0; e < nb; e++) {
            bo_mm(1, 0, D, H, B, o, h, gW2, 1.0);   /* gW2 += a^T h */
            bo_mm(0, 0, B, H, D, o, W2, gh, 0.0);   /* gh = a W2 */
            bo_mm(1, 0, H, D1, B, gh, zt, gW1, 1.0); /* gW1 += g^T [z, t] */
            bo_mm(0, 0, B, D1, H, gh, W1, dz, 0.0);  /* d[z, t] = g W1 */
        }
        bo_mm(1, 0, D, P, B, gz, x, gW0, 1.0);
        t = bo_now(CLOCK_MONOTONIC) - t0;
        if (t < best) best = t;
    }
    macs = 2.0 * B * P * D + (nf + 2.0 * nb) * B * ((double)D1 * H + (double)H * D);
    printf("BENCH name=odenet_openblas_products ms_per_iter=%.2f mmacs_per_iter=%.1f gflops=%.1f nfe_fwd=%d nfe_bwd=%d\n",
           1e3 * best, 1e-6 * macs, 2e-9 * macs / best, nf, nb);
}
#endif

void bench_odenet(void)
{
    const char *dir = "/usr/share/datasets/fashion-mnist";
    static odn_model m;
    static odn_data train, test;
    static double x[1000 * ODN_PIX], z[2 * 1000 * ODN_D], logits[1000 * ODN_K];
    char msg[NDE_MSG_LEN];
    double w0, c0, w, c, t[2] = {0.0, 1.0}, correct = 0;
    odn_epoch e;
    nde_rng r;
    long first, nfe;
    if (odn_load(dir, "train", &train, msg) != NDE_OK || odn_load(dir, "t10k", &test, msg) != NDE_OK) {
        printf("# odenet_fmnist_epoch skipped: %s (apt-get install -y dataset-fashion-mnist)\n", msg);
        return;
    }
    if (odn_init(&m, ODN_ODE_BACKPROP, 12) != NDE_OK) { printf("# odenet_fmnist_epoch: setup failed\n"); return; }
    nde_rng_seed(&r, 13);
    w0 = bo_now(CLOCK_MONOTONIC);
    c0 = bo_now(CLOCK_PROCESS_CPUTIME_ID);
    if (odn_train_epoch(&m, &train, &r, 0, &e, msg) != NDE_OK) { printf("# odenet_fmnist_epoch failed: %s\n", msg); return; }
    w = bo_now(CLOCK_MONOTONIC) - w0;
    c = bo_now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    for (first = 0; first < test.n; first += 1000) {
        nde_idx_rows(&test.x, first, 1000, NULL, 1.0 / 255.0, x, msg);
        if (odn_logits(&m, 1000, x, 1e-3, 2, t, z, logits, &nfe, msg) != NDE_OK) break;
        correct += 1000 * nde_accuracy(1000, ODN_K, logits, test.label + first);
    }
    printf("BENCH name=odenet_fmnist_epoch seconds=%.2f ms_per_iter=%.2f nfe_fwd_per_iter=%.1f nfe_bwd_per_iter=%.1f "
           "cpu_seconds=%.2f cpu_ms_per_iter=%.2f iters=%d params=%ld test_acc=%.4f\n", w, 1e3 * w / e.iters, e.nfe_fwd,
           e.nfe_bwd, c, 1e3 * c / e.iters, e.iters, odn_params(&m), correct / (double)test.n);
#ifdef NDE_BENCH_OPENBLAS
    bo_products_floor((int)(e.nfe_fwd + 0.5), (int)(e.nfe_bwd + 0.5));
#endif
    odn_free(&m);
    odn_data_free(&train);
    odn_data_free(&test);
}
