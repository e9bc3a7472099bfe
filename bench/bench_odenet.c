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
   line when the package dataset-fashion-mnist is absent. */
#define _POSIX_C_SOURCE 199309L
#include "../neuralode.h"
#include "../chapters/odenet.h"

#include <stdio.h>
#include <time.h>

static double bo_now(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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
    odn_free(&m);
    odn_data_free(&train);
    odn_data_free(&test);
}
