/* 12_ode_classifier.c: classifying images with an ODE block.

   You will learn
     - how a Neural ODE becomes a classifier: an encoder maps the image to z(0),
       the ODE block carries z(0) to z(1), a linear head reads the class from z(1);
       the loss sits at the last time only, so nde_grad returns dL/dz(0) too and
       the encoder is trained through it (nde_classifier is the point loss);
     - what the ODE block costs against a ResNet of the same f and a plain MLP:
       evaluations per iteration forward and backward, seconds per epoch, and how
       the evaluations grow while the model trains;
     - "adaptive computation": the trained model solved at looser or tighter
       tolerances at test time trades accuracy for evaluations.

   Sources
     "A Crash Course On Neural Ordinary Differential Equations" (Gaudreault, Taylor,
     Wei, 2025), "Example 1: Classification with MNIST": input z(0) = image features,
     evolution dz/dt = f(z(t), t, theta) (their eq 1), z(T) fed to a classifier; 28 x 28
     images, 60,000 training and 10,000 test images. The crash course gives no network,
     solver or result; the exact model is issue 10's (chapters/odenet.h): a 784-64 tanh
     encoder, f: [z, t] 65 -> 128 tanh -> 64, a 64 -> 10 head (67,594 parameters),
     dopri5 at rtol = atol = 1e-3 (the ODE-Net paper's classification tolerance: Chen,
     Rubanova, Bettencourt, Duvenaud, "Neural Ordinary Differential Equations", 2018,
     section 3 and its Fig. 3 on evaluations during training), Adam 1e-3, batch 128.
     Anchors on Fashion-MNIST (issue 10): scikit-learn's MLPClassifier benchmark about
     0.877; an independent PyTorch + torchdiffeq run of exactly this ODE-Net, float64:
     0.869 after 5 epochs, 0.878 after 10, about 20 forward evaluations per iteration.

   What we chose
     - Data: Fashion-MNIST (Debian package dataset-fashion-mnist), the crash course's
       MNIST format; --data DIR reads any MNIST-format directory (plain or .gz files:
       neuralode.h's own inflate). Pixels / 255.
     - Each epoch is 468 iterations of 128 images of a fresh seeded shuffle (the last
       96 images dropped). Test accuracy on all 10,000 test images after each epoch,
       solved in batches of 1000 at the training tolerance.
     - The adjoint is the backsolve adjoint (the ODE-Net paper's: the state solved
       backwards with the adjoint); backprop differentiates the dopri5 steps.
       "Backward evaluations": for backprop the vjp calls of f on the tape, for the
       adjoint the evaluations of the backward (augmented) solve.
     - The ResNet: 6 Euler blocks z += f_k(z, k/6)/6 of the same shape as f, separate
       weights (151,114 parameters); the MLP: the encoder and the head (50,890).
     - Full run: the ODE-Net by backprop for 10 epochs; the comparisons train fewer
       (ADJ_EPOCHS, RES_EPOCHS, MLP_EPOCHS below) to keep the run inside its budget.
     - Glorot-uniform weights, zero biases, seed 12 for every model.

   What it measures (full run, seed 12; numbers reproduce bit for bit, times do not)
     - ODE-Net by backprop: 0.8367 after one epoch, 0.8748 after ten, between the issue's
       torchdiffeq anchors (0.869 at 5, 0.878 at 10). The epoch-to-epoch wobble is about
       0.01 (0.8717 at epoch 4, 0.8610 at 5), so one run's 10th epoch is one draw.
     - The plain MLP 784-64-10 does as well or better at a fraction of the cost: 0.8772
       after 10 epochs, 2.4 s per epoch against the ODE-Net's 19 (both CPU, before issue
       12's kernels). On this data the ODE block buys no accuracy.
     - Evaluations: 20 forward per iteration (3 dopri5 steps and the first-step guess)
       and 18 vjps backward, 20.4 / 18.4 by epoch 10: at rtol 1e-3 the paper's growth of
       evaluations during training (its Fig. 3) barely starts in 10 epochs. The adjoint's
       backward solve takes 20 evaluations, as many as the forward, not "about half".
     - Backprop and adjoint gradients on the same batch differ by 2.3e-4 relative (the
       tolerance's order); two epochs of each give the same test accuracy to 4 digits.
     - Adaptive computation: the trained model keeps 0.8747-0.8748 from rtol 1e-1 (14
       evaluations per test batch) to 1e-6 (50): a 3.6x range of cost for the same answer.
     - z(t) on its two leading principal components: a nearest-class-mean rule in that
       plane gets 58% of 1000 test images at t = 0 and 65% at t = 1.

   Claim (exit status, full run only)
     test accuracy of the ODE-Net (backprop, 10 epochs) >= 0.87 on Fashion-MNIST.

   Run
     make ch12                              (full: 328 s of CPU with the plain kernels, an
                                             ODE-Net epoch 18.5 s; 168 s with issue 12's
                                             kernels (branch speed, -march=native, measured
                                             before it landed), an epoch 8.3 s, the same
                                             results to every printed digit)
     build/12_ode_classifier --quick        (512 + 512 images of t10k, or a synthetic
                                             IDX set it writes when the package is absent)
     build/12_ode_classifier --data DIR     (MNIST digits or any MNIST-format directory)

   Figures (PNG + gnuplot .dat/.gp)
     ch12_samples.png     16 test images with the predicted and the true label
     ch12_training.png    test accuracy and evaluations per iteration, per epoch
     ch12_tolerance.png   test accuracy and evaluations against the solver tolerance
     ch12_pca.png         z(t) of 1000 test images on the first two principal
                          components of each t: the classes pull apart as t grows
*/
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"
#include "odenet.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SEED 12
#define EPOCHS 10       /* the ODE-Net by backprop */
#define ADJ_EPOCHS 2    /* the ODE-Net by the adjoint */
#define RES_EPOCHS 5    /* the ResNet */
#define MLP_EPOCHS 10   /* the MLP */
#define EVAL_B 1000     /* test batch */
#define NTOL 6          /* tolerances 1e-1 .. 1e-6 */
#define NPCA 4          /* times of the PCA figure */
#define NPCA_IMG 1000

static const char *const class_name[ODN_K] = {"T-shirt", "Trouser", "Pullover", "Dress", "Coat",
                                              "Sandal", "Shirt", "Sneaker", "Bag", "Boot"};
static const char *const model_name[4] = {"ODE-Net backprop", "ODE-Net adjoint", "ResNet 6 blocks", "MLP 784-64-10"};

/* What one model measured. */
typedef struct result {
    int epochs;
    long params;
    double acc[EPOCHS + 1];      /* test accuracy after each epoch (index 1..) */
    double nfe_fwd[EPOCHS + 1], nfe_bwd[EPOCHS + 1];
    double seconds[EPOCHS + 1];  /* CPU seconds of each epoch's training */
} result;

/* ---------------------------------------------------------------------- */
/* Data                                                                   */
/* ---------------------------------------------------------------------- */

/* A view of items [first, first + n) of d (shares d's memory: free only d). */
static odn_data view(const odn_data *d, long first, long n)
{
    odn_data v = *d;
    v.x.data = d->x.data + first * ODN_PIX;
    v.x.dims[0] = n;
    v.x.count = n * ODN_PIX;
    v.y.data = d->y.data + first;
    v.y.dims[0] = n;
    v.y.count = n;
    v.label = d->label + first;
    v.n = n;
    return v;
}

/* A synthetic 10-class IDX set for --quick without the package: class k is a bright
   stroke through the centre at angle 18k degrees, with a random offset and noise. */
static int write_synthetic(const char *dir, const char *which, long n, unsigned long long seed, char *msg)
{
    double *img = (double *)malloc((size_t)n * ODN_PIX * sizeof(double)), *lab = (double *)malloc((size_t)n * sizeof(double));
    long dims[3] = {n, 28, 28}, i;
    char path[1024];
    nde_rng r;
    int p, q, rc;
    nde_rng_seed(&r, seed);
    for (i = 0; i < n; i++) {
        int k = (int)nde_rng_below(&r, ODN_K);
        double th = 3.141592653589793 * k / ODN_K, off = 3 * (nde_rng_uniform(&r) - 0.5);
        lab[i] = k;
        for (p = 0; p < 28; p++)
            for (q = 0; q < 28; q++) {
                double dist = -(q - 13.5) * sin(th) + (p - 13.5) * cos(th) - off;
                double v = 230 * exp(-dist * dist / 3) + 25 * nde_rng_uniform(&r);
                img[i * ODN_PIX + p * 28 + q] = floor(v < 255 ? v : 255);
            }
    }
    snprintf(path, sizeof path, "%s/%s-images-idx3-ubyte", dir, which);
    rc = nde_idx_save(path, NDE_IDX_U8, 3, dims, img, msg);
    snprintf(path, sizeof path, "%s/%s-labels-idx1-ubyte", dir, which);
    if (rc == NDE_OK) rc = nde_idx_save(path, NDE_IDX_U8, 1, dims, lab, msg);
    free(img);
    free(lab);
    return rc;
}

/* Full: DIR's train and t10k sets. Quick: 512 + 512 images of DIR's t10k set, or of a
   synthetic set written to $TMPDIR when DIR has none. *all owns the memory. */
static int load_data(const char *dir, int quick, odn_data *all, odn_data *train, odn_data *test, char *msg)
{
    int rc;
    if (!quick) {
        rc = odn_load(dir, "train", train, msg);
        if (rc == NDE_OK) rc = odn_load(dir, "t10k", test, msg);
        memset(all, 0, sizeof *all);
        return rc;
    }
    rc = odn_load(dir, "t10k", all, msg);
    if (rc != NDE_OK) {
        const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
        printf("no data in %s (%s):\n  --quick uses a synthetic set written to %s\n", dir, msg, tmp);
        rc = write_synthetic(tmp, "nde_ch12_synthetic", 1024, SEED, msg);
        if (rc == NDE_OK) rc = odn_load(tmp, "nde_ch12_synthetic", all, msg);
    }
    if (rc == NDE_OK && all->n < 1024) {
        snprintf(msg, NDE_MSG_LEN, "--quick needs 1024 images, the set has %ld", all->n);
        rc = NDE_ERR_FORMAT;
    }
    if (rc == NDE_OK) {
        *train = view(all, 0, 512);
        *test = view(all, 512, 512);
    }
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Measuring                                                              */
/* ---------------------------------------------------------------------- */

/* Test accuracy of m over d at tolerance tol; *nfe_per_batch: mean solver evaluations
   per batch of EVAL_B. Writes the logits of the first min(n, EVAL_B) images when given. */
static double accuracy(odn_model *m, const odn_data *d, double tol, double *nfe_per_batch, double *logits0, char *msg)
{
    static double x[EVAL_B * ODN_PIX], z[(ODN_BLOCKS + 1) * EVAL_B * ODN_D], logits[EVAL_B * ODN_K];
    double t[2] = {0.0, 1.0}, correct = 0, nfe = 0;
    long first, nb = 0, f;
    int B;
    for (first = 0; first < d->n; first += B, nb++) {
        B = (int)(d->n - first < EVAL_B ? d->n - first : EVAL_B);
        nde_idx_rows(&d->x, first, B, NULL, 1.0 / 255.0, x, msg);
        if (odn_logits(m, B, x, tol, 2, t, z, logits, &f, msg) != NDE_OK) return NAN;
        correct += B * nde_accuracy(B, ODN_K, logits, d->label + first);
        nfe += (double)f;
        if (first == 0 && logits0) memcpy(logits0, logits, (size_t)B * ODN_K * sizeof(double));
    }
    if (nfe_per_batch) *nfe_per_batch = nfe / (double)nb;
    return correct / (double)d->n;
}

/* Train model kind for `epochs` epochs (at most max_iters iterations each when > 0),
   measuring test accuracy after each. The trained model stays in m. */
static int train(odn_model *m, int kind, int epochs, int max_iters, const odn_data *tr, const odn_data *te, result *res,
                 char *msg)
{
    nde_rng r;
    odn_epoch e;
    int ep, rc = odn_init(m, kind, SEED);
    memset(res, 0, sizeof *res);
    if (rc != NDE_OK) { snprintf(msg, NDE_MSG_LEN, "model setup failed: %s", nde_status_name(rc)); return rc; }
    nde_rng_seed(&r, SEED + 1);
    res->params = odn_params(m);
    printf("\n%s: %ld parameters, %d epoch%s\n", model_name[kind], res->params, epochs, epochs > 1 ? "s" : "");
    for (ep = 1; ep <= epochs; ep++) {
        rc = odn_train_epoch(m, tr, &r, max_iters, &e, msg);
        if (rc != NDE_OK) return rc;
        res->acc[ep] = accuracy(m, te, 1e-3, NULL, NULL, msg);
        res->nfe_fwd[ep] = e.nfe_fwd;
        res->nfe_bwd[ep] = e.nfe_bwd;
        res->seconds[ep] = e.cpu_seconds;
        res->epochs = ep;
        printf("  epoch %2d  loss %.4f  test acc %.4f  nfe fwd %5.1f bwd %5.1f per iter  %6.1f s CPU (%d iters, %.1f ms/iter)\n",
               ep, e.loss, res->acc[ep], e.nfe_fwd, e.nfe_bwd, e.cpu_seconds, e.iters, 1e3 * e.cpu_seconds / e.iters);
        fflush(stdout);
        if (res->acc[ep] != res->acc[ep]) { snprintf(msg, NDE_MSG_LEN, "test solve failed"); return NDE_ERR_NONFINITE; }
    }
    return NDE_OK;
}

/* Backprop and the adjoint on the same first batch from the same initial model: the
   largest difference of their gradients relative to the largest backprop entry. */
static double gradient_agreement(const odn_data *tr, char *msg)
{
    static odn_model a, b;
    long rows[ODN_BATCH], i;
    double La, Lb, worst = 0, big = 0;
    int k;
    for (i = 0; i < ODN_BATCH; i++) rows[i] = i;
    if (odn_init(&a, ODN_ODE_BACKPROP, SEED) != NDE_OK || odn_init(&b, ODN_ODE_ADJOINT, SEED) != NDE_OK ||
        odn_grad(&a, tr, rows, 0, ODN_BATCH, &La, msg) != NDE_OK || odn_grad(&b, tr, rows, 0, ODN_BATCH, &Lb, msg) != NDE_OK)
        return NAN;
    for (k = 0; k < a.nparts; k++)
        for (i = 0; i < a.part[k].nparams; i++) {
            worst = fmax(worst, fabs(a.grad[k][i] - b.grad[k][i]));
            big = fmax(big, fabs(a.grad[k][i]));
        }
    odn_free(&a);
    odn_free(&b);
    return worst / big;
}

/* The two leading eigenvectors of the covariance of z (n, D) (power iteration with
   deflation, 300 sweeps each), and the projections pc (n, 2) of the centred rows. */
static void pca2(int n, const double *z, double *pc)
{
    static double C[ODN_D * ODN_D], mean[ODN_D], v[2][ODN_D];
    double w[ODN_D], s, lam0 = 0;
    int i, j, k, c, it;
    memset(mean, 0, sizeof mean);
    memset(C, 0, sizeof C);
    for (k = 0; k < n; k++)
        for (i = 0; i < ODN_D; i++) mean[i] += z[k * ODN_D + i] / n;
    for (k = 0; k < n; k++)
        for (i = 0; i < ODN_D; i++)
            for (j = 0; j < ODN_D; j++) C[i * ODN_D + j] += (z[k * ODN_D + i] - mean[i]) * (z[k * ODN_D + j] - mean[j]) / n;
    for (c = 0; c < 2; c++) {
        for (i = 0; i < ODN_D; i++) v[c][i] = 1.0 + 0.01 * i;
        for (it = 0; it < 300; it++) {
            nde_gemv(ODN_D, ODN_D, 1.0, C, v[c], 0.0, w);
            if (c == 1) /* deflate: remove the first component */
                for (s = 0, i = 0; i < ODN_D; i++) s += v[0][i] * v[c][i];
            if (c == 1)
                for (i = 0; i < ODN_D; i++) w[i] -= lam0 * s * v[0][i];
            s = nde_norm2(ODN_D, w);
            for (i = 0; i < ODN_D; i++) v[c][i] = w[i] / s;
        }
        if (c == 0) lam0 = s;
    }
    for (k = 0; k < n; k++)
        for (c = 0; c < 2; c++) {
            for (s = 0, i = 0; i < ODN_D; i++) s += (z[k * ODN_D + i] - mean[i]) * v[c][i];
            pc[k * 2 + c] = s;
        }
}

/* Accuracy of the nearest class mean in the plane pc (n, 2): how well the classes
   separate in the first two principal components. */
static double centroid_accuracy(int n, const double *pc, const int *label)
{
    double mu[ODN_K][2] = {{0}}, cnt[ODN_K] = {0}, best, dd;
    int k, c, arg, ok = 0;
    for (k = 0; k < n; k++) {
        mu[label[k]][0] += pc[2 * k];
        mu[label[k]][1] += pc[2 * k + 1];
        cnt[label[k]] += 1;
    }
    for (c = 0; c < ODN_K; c++)
        if (cnt[c] > 0) { mu[c][0] /= cnt[c]; mu[c][1] /= cnt[c]; }
    for (k = 0; k < n; k++) {
        for (best = INFINITY, arg = 0, c = 0; c < ODN_K; c++) {
            if (cnt[c] == 0) continue;
            dd = pow(pc[2 * k] - mu[c][0], 2) + pow(pc[2 * k + 1] - mu[c][1], 2);
            if (dd < best) { best = dd; arg = c; }
        }
        ok += arg == label[k];
    }
    return (double)ok / n;
}

/* ---------------------------------------------------------------------- */
/* Figures                                                                */
/* ---------------------------------------------------------------------- */

static int predicted(const double *logits, int k)
{
    int p, pred = 0;
    for (p = 1; p < ODN_K; p++)
        if (logits[k * ODN_K + p] > logits[k * ODN_K + pred]) pred = p;
    return pred;
}

/* The first 12 test images, then the first 4 the model gets wrong (logits of the first
   n images). */
static void draw_samples(const char *dir, const odn_data *te, const double *logits, int n)
{
    static double img[ODN_PIX];
    char msg[NDP_MSG_LEN], title[64];
    ndp_figure *fig = ndp_figure_create(1000, 1060, 4, 4, msg);
    int show[16], ns = 0, k, i, p, q, pred;
    if (!fig) return;
    for (k = 0; k < 12 && k < n; k++) show[ns++] = k;
    for (; k < n && ns < 16; k++)
        if (predicted(logits, k) != te->label[k]) show[ns++] = k;
    ndp_figure_title(fig, "Test images: predicted label (true label); first 12, then the first 4 mistakes (X)");
    for (i = 0; i < ns; i++) {
        ndp_panel *pa = ndp_panel_at(fig, i / 4, i % 4);
        k = show[i];
        pred = predicted(logits, k);
        for (p = 0; p < 28; p++) /* image row 0 is the top; heat-map row 0 the bottom */
            for (q = 0; q < 28; q++) img[(27 - p) * 28 + q] = te->x.data[k * ODN_PIX + p * 28 + q] / 255.0;
        ndp_heatmap(pa, img, 28, 28, 0, 28, 0, 28, "pixel");
        snprintf(title, sizeof title, "%s (%s)%s", class_name[pred], class_name[te->label[k]], pred == te->label[k] ? "" : " X");
        ndp_title(pa, title);
    }
    ndp_finish(fig, dir, "ch12_samples", msg);
    printf("%s\n", msg);
}

static void draw_training(const char *dir, const result *res)
{
    char msg[NDP_MSG_LEN], lab[64];
    ndp_figure *fig = ndp_figure_create(1400, 560, 1, 2, msg);
    ndp_panel *pa, *pb;
    ndp_style dashed = {0, NDP_DASHED, 0, 0, 0};
    double ep[EPOCHS + 1];
    int k, i;
    if (!fig) return;
    for (i = 0; i <= EPOCHS; i++) ep[i] = i;
    pa = ndp_panel_at(fig, 0, 0);
    pb = ndp_panel_at(fig, 0, 1);
    for (k = 0; k < 4; k++) {
        ndp_style s = {k + 1, NDP_SOLID, 0, 0, 0};
        if (res[k].epochs < 1) continue;
        ndp_line(pa, ep + 1, res[k].acc + 1, res[k].epochs, model_name[k], &s);
        ndp_scatter(pa, ep + 1, res[k].acc + 1, res[k].epochs, NULL, &s);
        if (k > ODN_ODE_ADJOINT) continue;
        snprintf(lab, sizeof lab, "%s forward", k == 0 ? "backprop" : "adjoint");
        ndp_line(pb, ep + 1, res[k].nfe_fwd + 1, res[k].epochs, lab, &s);
        ndp_scatter(pb, ep + 1, res[k].nfe_fwd + 1, res[k].epochs, NULL, &s);
        snprintf(lab, sizeof lab, "%s backward", k == 0 ? "backprop (vjp)" : "adjoint");
        dashed.color = k + 1;
        dashed.marker = NDP_SQUARE;
        ndp_line(pb, ep + 1, res[k].nfe_bwd + 1, res[k].epochs, lab, &dashed);
        ndp_scatter(pb, ep + 1, res[k].nfe_bwd + 1, res[k].epochs, NULL, &dashed);
    }
    {   /* issue 10's anchors: torchdiffeq's run of this ODE-Net after 5 and 10 epochs */
        double ax[2] = {5, 10}, ay[2] = {0.869, 0.878};
        ndp_style g = {NDP_GREY, 0, NDP_CROSS, 0, 6};
        if (res[0].epochs >= 5) ndp_scatter(pa, ax, ay, res[0].epochs >= 10 ? 2 : 1, "torchdiffeq ODE-Net (issue 10)", &g);
    }
    ndp_title(pa, "Test accuracy after each epoch");
    ndp_xlabel(pa, "epoch");
    ndp_ylabel(pa, "test accuracy");
    ndp_legend(pa, NDP_LEGEND_BOTTOM_RIGHT);
    ndp_title(pb, "ODE-Net: evaluations of f per iteration (epoch mean)");
    ndp_xlabel(pb, "epoch");
    ndp_ylabel(pb, "evaluations per iteration");
    ndp_legend(pb, NDP_LEGEND_AUTO);
    ndp_finish(fig, dir, "ch12_training", msg);
    printf("%s\n", msg);
}

static void draw_tolerance(const char *dir, const double *tol, const double *acc, const double *nfe)
{
    static const char *const title[2] = {"Trained ODE-Net solved at other tolerances",
                                         "Accuracy against evaluations per test batch"};
    static const char *const xlabel[2] = {"rtol = atol at test time (trained at 1e-3)",
                                          "evaluations of f per batch of 1000"};
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(1400, 560, 1, 2, msg);
    double lo = acc[0], hi = acc[0];
    int k;
    if (!fig) return;
    for (k = 1; k < NTOL; k++) {
        lo = fmin(lo, acc[k]);
        hi = fmax(hi, acc[k]);
    }
    for (k = 0; k < 2; k++) {
        ndp_panel *pa = ndp_panel_at(fig, 0, k);
        ndp_style s = {k ? NDP_VERMILION : NDP_BLUE, 0, 0, 0, 0};
        ndp_line(pa, k ? nfe : tol, acc, NTOL, NULL, &s);
        ndp_scatter(pa, k ? nfe : tol, acc, NTOL, NULL, &s);
        ndp_log(pa, 1, 0);
        ndp_ylim(pa, lo - 0.01, hi + 0.01);
        ndp_title(pa, title[k]);
        ndp_xlabel(pa, xlabel[k]);
        ndp_ylabel(pa, "test accuracy");
    }
    ndp_finish(fig, dir, "ch12_tolerance", msg);
    printf("%s\n", msg);
}

/* z(t) of the first NPCA_IMG test images at NPCA times, each on its own two leading
   principal components, coloured by class. Prints the nearest-class-mean accuracy in
   each plane. */
static int draw_pca(const char *dir, odn_model *m, const odn_data *te, char *msg)
{
    static double x[NPCA_IMG * ODN_PIX], z[NPCA * NPCA_IMG * ODN_D], logits[NPCA_IMG * ODN_K], pc[NPCA_IMG * 2];
    static double px[NPCA_IMG], py[NPCA_IMG];
    double t[NPCA] = {0.0, 1.0 / 3, 2.0 / 3, 1.0};
    char title[64], pmsg[NDP_MSG_LEN];
    ndp_figure *fig;
    long nfe;
    int n = te->n < NPCA_IMG ? (int)te->n : NPCA_IMG, i, k, c, np;
    int rc = nde_idx_rows(&te->x, 0, n, NULL, 1.0 / 255.0, x, msg);
    if (rc == NDE_OK) rc = odn_logits(m, n, x, 1e-3, NPCA, t, z, logits, &nfe, msg);
    if (rc != NDE_OK) return rc;
    fig = ndp_figure_create(1600, 470, 1, NPCA, pmsg);
    if (!fig) return NDE_ERR_NOMEM;
    ndp_figure_title(fig, "z(t) of 1000 test images on the first two principal components at each t");
    printf("\nclasses in the PC1-PC2 plane of z(t) (nearest class mean, %d test images):\n", n);
    for (i = 0; i < NPCA; i++) {
        ndp_panel *pa = ndp_panel_at(fig, 0, i);
        pca2(n, z + (size_t)i * n * ODN_D, pc);
        for (c = 0; c < ODN_K; c++) {
            ndp_style s = {c % 9 + 1, 0, c < 9 ? NDP_CIRCLE : NDP_CROSS, 0, 1.5};
            for (np = 0, k = 0; k < n; k++)
                if (te->label[k] == c) { px[np] = pc[2 * k]; py[np] = pc[2 * k + 1]; np++; }
            if (np > 0) ndp_scatter(pa, px, py, np, i == NPCA - 1 ? class_name[c] : NULL, &s);
        }
        snprintf(title, sizeof title, "t = %.2f: %.0f%% by class mean", t[i], 100 * centroid_accuracy(n, pc, te->label));
        printf("  t = %.2f  %.3f\n", t[i], centroid_accuracy(n, pc, te->label));
        ndp_title(pa, title);
        ndp_xlabel(pa, "PC1");
        ndp_ylabel(pa, "PC2");
        ndp_legend(pa, i == NPCA - 1 ? NDP_LEGEND_AUTO : NDP_LEGEND_NONE);
    }
    ndp_text_scale(fig, 1);
    ndp_finish(fig, dir, "ch12_pca", pmsg);
    printf("%s\n", pmsg);
    return NDE_OK;
}

/* ---------------------------------------------------------------------- */
/* The story                                                              */
/* ---------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    static odn_model m[4];
    static result res[4];
    static double logits0[EVAL_B * ODN_K];
    const char *data_dir = "/usr/share/datasets/fashion-mnist", *dir;
    double tol[NTOL], tacc[NTOL], tnfe[NTOL];
    int quick = 0, i, k, rc = NDE_OK, ok = 1;
    int epochs[4] = {EPOCHS, ADJ_EPOCHS, RES_EPOCHS, MLP_EPOCHS}, iters = 0;
    odn_data all, train_set, test_set;
    char msg[NDE_MSG_LEN] = "";
    clock_t c_all = clock();

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--data") && i + 1 < argc) data_dir = argv[++i];
        else { fprintf(stderr, "usage: %s [--quick] [--data DIR]\n", argv[0]); return 2; }
    }
    dir = quick ? "build/quick" : "plots";
    if (quick) {
        for (k = 0; k < 4; k++) epochs[k] = 1;
        iters = 3;
    }
    printf("Chapter 12: classifying images with an ODE block (%s mode), seed %d, figures under %s/\n",
           quick ? "quick" : "full", SEED, dir);

    /* 1. Data. */
    if (load_data(data_dir, quick, &all, &train_set, &test_set, msg) != NDE_OK) {
        printf("cannot load the data: %s\n", msg);
        if (!quick) printf("install it with: apt-get install -y dataset-fashion-mnist (or pass --data DIR)\n");
        return 1;
    }
    printf("data: %ld training and %ld test images of 28 x 28 from %s\n", train_set.n, test_set.n,
           all.n ? (quick && all.n == 1024 ? "a synthetic set" : "t10k") : data_dir);

    /* 2. Train the four models: the ODE-Net (backprop, adjoint), the ResNet, the MLP. */
    printf("first batch, same initial model: adjoint gradient vs backprop, max |difference| / max |entry| = %.2e\n"
           "(both at rtol = atol = 1e-3: they agree to about the tolerance, not to round-off)\n",
           gradient_agreement(&train_set, msg));
    for (k = 0; k < 4 && rc == NDE_OK; k++) {
        rc = train(&m[k], k, epochs[k], iters, &train_set, &test_set, &res[k], msg);
        if (k == 0 && res[0].params != 67594) {
            printf("the ODE-Net has %ld parameters, the issue's model 67,594\n", res[0].params);
            ok = 0;
        }
    }
    if (rc != NDE_OK) { printf("training failed: %s\n", msg); return 1; }

    /* 3. Adaptive computation: the trained ODE-Net at tolerances 1e-1 .. 1e-6. */
    printf("\ntest-time tolerance of the trained ODE-Net (backprop): accuracy, evaluations per batch of %d\n", EVAL_B);
    for (i = 0; i < NTOL; i++) {
        tol[i] = pow(10.0, -(i + 1));
        tacc[i] = accuracy(&m[0], &test_set, tol[i], &tnfe[i], i == 2 ? logits0 : NULL, msg);
        printf("  tol %.0e  acc %.4f  nfe %.1f\n", tol[i], tacc[i], tnfe[i]);
    }

    /* 4. Figures. */
    draw_samples(dir, &test_set, logits0, test_set.n < EVAL_B ? (int)test_set.n : EVAL_B);
    draw_training(dir, res);
    draw_tolerance(dir, tol, tacc, tnfe);
    if (draw_pca(dir, &m[0], &test_set, msg) != NDE_OK) printf("PCA figure failed: %s\n", msg);

    /* 5. Results. */
    printf("\n%-18s %9s %7s %10s %10s %10s %9s\n", "model", "params", "epochs", "test acc", "nfe fwd", "nfe bwd", "s/epoch");
    for (k = 0; k < 4; k++) {
        double s = 0;
        for (i = 1; i <= res[k].epochs; i++) s += res[k].seconds[i];
        printf("%-18s %9ld %7d %10.4f %10.1f %10.1f %9.1f\n", model_name[k], res[k].params, res[k].epochs,
               res[k].acc[res[k].epochs], res[k].nfe_fwd[res[k].epochs], res[k].nfe_bwd[res[k].epochs], s / res[k].epochs);
    }
    printf("(nfe: per training iteration, mean over the last epoch; s/epoch: CPU seconds of training)\n");
    printf("anchors (issue 10, Fashion-MNIST): torchdiffeq ODE-Net 0.869 after 5 epochs, 0.878 after 10, ~20 "
           "forward evaluations; scikit-learn MLPClassifier ~0.877\n");
    printf("total CPU time %.1f s\n", (double)(clock() - c_all) / CLOCKS_PER_SEC);
    if (!quick && res[0].acc[res[0].epochs] < 0.87) {
        printf("claim FAILED: test accuracy %.4f < 0.87\n", res[0].acc[res[0].epochs]);
        ok = 0;
    }
    {
        double s = 0;
        for (i = 1; i <= res[0].epochs; i++) s += res[0].seconds[i];
        printf("RESULT chapter=12 test_acc_odenet=%.4f test_acc_resnet=%.4f test_acc_mlp=%.4f params_odenet=%ld "
               "nfe_fwd_per_iter=%.1f nfe_bwd_per_iter=%.1f seconds_per_epoch=%.2f epochs=%d\n",
               res[0].acc[res[0].epochs], res[2].acc[res[2].epochs], res[3].acc[res[3].epochs], res[0].params,
               res[0].nfe_fwd[res[0].epochs], res[0].nfe_bwd[res[0].epochs], s / res[0].epochs, res[0].epochs);
    }
    for (k = 0; k < 4; k++) odn_free(&m[k]);
    if (all.n) odn_data_free(&all);
    else { odn_data_free(&train_set); odn_data_free(&test_set); }
    return ok ? 0 : 1;
}
