/* test_kernels.c: the dense products behind the MLP (issue 12). Every path of
   the linear map's kernels (the small-shape tile, the blocked kernel with its
   edges and K blocks, the wide forward's register tiles, and CBLAS when built with
   NDE_USE_CBLAS) against a naive triple loop, on odd sizes 1..67, B = 1,
   transposed operands and accumulation; the same bits from every path, from
   repeated runs and from 1 and 2 OpenMP threads (built with -fopenmp).
   This file compiles its own private copy of the implementation
   (NEURALODE_STATIC) to reach the kernels, which are static. */
#define NEURALODE_STATIC
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include "check.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define TK_N 67 /* sizes 1..TK_N */
#ifdef NDE_USE_CBLAS
#define TK_MM_TOL 1e-13 /* CBLAS sums in its own order */
#else
#define TK_MM_TOL 1e-14
#endif

/* The reference: C (M,N) = C0 + A (M,K) B (K,N) by the triple loop, A and B
   through (row, column) strides. Error of C against it, relative to the size
   of the terms: max over elements of |C - ref| / (|C0| + sum |a b|). */
static double tk_err(int M, int N, int K, const double *A, long am, long ak, const double *Bm, long bk,
                     long bn, const double *C0, const double *C, long cm, long cn)
{
    double worst = 0.0;
    int m, n, k;
    for (m = 0; m < M; m++)
        for (n = 0; n < N; n++) {
            double s = C0 ? C0[m * cm + n * cn] : 0.0, mag = fabs(s), e;
            for (k = 0; k < K; k++) {
                double t = A[m * am + k * ak] * Bm[k * bk + n * bn];
                s += t;
                mag += fabs(t);
            }
            e = fabs(C[m * cm + n * cn] - s) / (mag > 1e-300 ? mag : 1e-300);
            if (!(e <= worst)) worst = e; /* NaN propagates */
        }
    return worst;
}

static void tk_fill(nde_rng *r, long n, double *x)
{
    long i;
    for (i = 0; i < n; i++) x[i] = nde_rng_normal(r);
}

static int tk_same(long n, const double *a, const double *b)
{
    return memcmp(a, b, (size_t)n * sizeof(double)) == 0;
}

/* Both kernels and the dispatcher on every M, N in a set of odd and edge
   sizes (around the tiles' 4, 8 and 16) and K in a smaller set, with A plain (am = K, ak = 1) and transposed (am = 1, ak = M), C
   written and accumulated: each within 1e-14 of the triple loop, and the
   blocked kernel's bits equal to the small one's. */
static void tk_test_gemm(void)
{
    static const int sz[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 67};
    static const int ks[] = {1, 2, 3, 8, 9, 33, 67};
    int ns = (int)(sizeof sz / sizeof sz[0]), nk = (int)(sizeof ks / sizeof ks[0]);
    static const int kbig[] = {256, 257, 300}, mnbig[][2] = {{4, 16}, {9, 17}, {65, 67}, {67, 33}};
    int im, in, ik, tr, add, wide_runs = 0, same = 1, rows_runs = 0, rows_same = 1;
    double worst_small = 0.0, worst_wide = 0.0, worst_mm = 0.0;
    size_t cap = (size_t)TK_N * 300; /* up to (67, 300) and (300, 67) */
    double *A = (double *)malloc(cap * sizeof(double)), *Bm = (double *)malloc(cap * sizeof(double));
    double *C0 = (double *)malloc(cap * sizeof(double)), *C1 = (double *)malloc(cap * sizeof(double));
    double *C2 = (double *)malloc(cap * sizeof(double)), *C3 = (double *)malloc(cap * sizeof(double));
    nde_rng r;
    if (!A || !Bm || !C0 || !C1 || !C2 || !C3) { CHECK("test_kernels: allocation", 0); goto done; }
    nde_rng_seed(&r, 12);
    tk_fill(&r, (long)cap, A);
    tk_fill(&r, (long)cap, Bm);
    tk_fill(&r, (long)cap, C0);
    for (im = 0; im < ns; im++)
        for (in = 0; in < ns; in++)
            for (ik = 0; ik < nk; ik++)
                for (tr = 0; tr < 2; tr++)
                    for (add = 0; add < 2; add++) {
                        int M = sz[im], N = sz[in], K = ks[ik];
                        long am = tr ? 1 : K, ak = tr ? M : 1, n = (long)M * N;
                        double e;
                        memcpy(C1, C0, (size_t)n * sizeof(double));
                        memcpy(C2, C0, (size_t)n * sizeof(double));
                        memcpy(C3, C0, (size_t)n * sizeof(double));
                        nde__mlp_gemm(M, N, K, A, am, ak, Bm, N, 1, C1, N, 1, add);
                        e = tk_err(M, N, K, A, am, ak, Bm, N, 1, add ? C0 : NULL, C1, N, 1);
                        if (!(e <= worst_small)) worst_small = e;
                        nde__mlp_mm(M, N, K, A, am, ak, Bm, N, 1, C3, N, 1, add);
                        e = tk_err(M, N, K, A, am, ak, Bm, N, 1, add ? C0 : NULL, C3, N, 1);
                        if (!(e <= worst_mm)) worst_mm = e;
                        if (M >= NDE__MR && N >= NDE__NR) {
                            nde__mlp_gemm_wide(M, N, K, A, am, ak, Bm, N, C2, N, add);
                            e = tk_err(M, N, K, A, am, ak, Bm, N, 1, add ? C0 : NULL, C2, N, 1);
                            if (!(e <= worst_wide)) worst_wide = e;
                            same &= tk_same(n, C1, C2);
                            wide_runs++;
                        } else { /* the row kernel: C as it is, and (A transposed, am = 1) on
                            C^T (N,M) = B^T A^T with C^T's columns N apart */
                            memcpy(C2, C0, (size_t)n * sizeof(double));
                            nde__mlp_gemm_rows(M, N, K, A, am, ak, Bm, N, C2, N, 1, add);
                            rows_same &= tk_same(n, C1, C2);
                            if (tr) {
                                memcpy(C2, C0, (size_t)n * sizeof(double));
                                nde__mlp_gemm_rows(N, M, K, Bm, 1, N, A, ak, C2, 1, N, add);
                                rows_same &= tk_same(n, C1, C2);
                            }
                            rows_runs++;
                        }
#ifndef NDE_USE_CBLAS
                        same &= tk_same(n, C1, C3);
#endif
                    }
    /* K past one block of NDE__KC = 256 (a second, partial block that adds to the first's C) */
    for (im = 0; im < 4; im++)
        for (ik = 0; ik < 3; ik++)
            for (tr = 0; tr < 2; tr++)
                for (add = 0; add < 2; add++) {
                    int M = mnbig[im][0], N = mnbig[im][1], K = kbig[ik];
                    long am = tr ? 1 : K, ak = tr ? M : 1, n = (long)M * N;
                    double e;
                    memcpy(C1, C0, (size_t)n * sizeof(double));
                    memcpy(C2, C0, (size_t)n * sizeof(double));
                    nde__mlp_gemm(M, N, K, A, am, ak, Bm, N, 1, C1, N, 1, add);
                    nde__mlp_gemm_wide(M, N, K, A, am, ak, Bm, N, C2, N, add);
                    e = tk_err(M, N, K, A, am, ak, Bm, N, 1, add ? C0 : NULL, C2, N, 1);
                    if (!(e <= worst_wide)) worst_wide = e;
                    same &= tk_same(n, C1, C2);
                }
    CHECK_LE("small-shape kernel (4x2 tiles, strided) vs triple loop, sizes 1..67, A plain/transposed, "
             "C written/accumulated: max relative error", worst_small, 1e-14);
    CHECK_LE("blocked kernel (register tiles + packed panels of B + K/M blocks + edges) vs triple loop, K up "
             "to 300: max relative error",
             worst_wide, 1e-14);
    CHECK_LE("dispatcher nde__mlp_mm (kernel chosen by shape; CBLAS for large ones when built with "
             "NDE_USE_CBLAS) vs triple loop: max relative error", worst_mm, TK_MM_TOL);
    CHECK("blocked kernel ran on every shape that fills a tile", wide_runs > 1000);
    CHECK("row kernel (as it is, and on the transpose with C strided) = small-shape kernel bit for bit",
          rows_same && rows_runs > 1000);
#ifdef NDE_USE_CBLAS
    CHECK("blocked kernel = small-shape kernel bit for bit (CBLAS build: the dispatcher is CBLAS's)", same);
#else
    CHECK("blocked kernel = small-shape kernel = dispatcher, bit for bit, on every shape", same);
#endif
    /* K beyond one K block (NDE__KC) and M beyond one M block (NDE__MC), accumulated */
    {
        int M = 2 * NDE__MC + 5, N = 2 * NDE__NR + 3, K = NDE__KC + 37;
        double *a = (double *)malloc((size_t)M * K * sizeof(double));
        double *b = (double *)malloc((size_t)K * N * sizeof(double));
        double *c = (double *)malloc((size_t)3 * M * N * sizeof(double));
        if (a && b && c) {
            tk_fill(&r, (long)M * K, a);
            tk_fill(&r, (long)K * N, b);
            tk_fill(&r, (long)M * N, c);
            memcpy(c + M * N, c, (size_t)M * N * sizeof(double));
            memcpy(c + 2 * M * N, c, (size_t)M * N * sizeof(double));
            nde__mlp_gemm_wide(M, N, K, a, 1, M, b, N, c + M * N, N, 1);
            nde__mlp_gemm(M, N, K, a, 1, M, b, N, 1, c + 2 * M * N, N, 1, 1);
            CHECK_LE("blocked kernel across K and M blocks (M 133, K 293, transposed A, accumulated): rel error",
                     tk_err(M, N, K, a, 1, M, b, N, 1, c, c + M * N, N, 1), 1e-14);
            CHECK("... and the same bits as the small-shape kernel", tk_same((long)M * N, c + M * N, c + 2 * M * N));
        } else {
            CHECK("test_kernels: allocation", 0);
        }
        free(a); free(b); free(c);
    }
done:
    free(A); free(Bm); free(C0); free(C1); free(C2); free(C3);
}

/* The linear layer's forward (y = x W^T + b, and the tangent without b) on
   every path: narrow inputs, the dot loop, the wide forward's packed
   products. Against the triple loop; and B rows at once = one row at a time
   (B = 1 takes the dot loop), bit for bit; and the backward products. */
static void tk_test_linear(void)
{
    static const int ins[] = {1, 2, 3, 4, 5, 31, 32, 33, 64, 67, 127, 128, 131, 263}, outs[] = {1, 7, 8, 16, 17, 67};
    static const int Bs[] = {1, 3, 8, 9, 33, 67};
    int ii, io, ib, wb, rows_same = 1, back_same = 1, gb_same = 1, wide_seen = 0;
    double worst = 0.0, worst_back = 0.0;
    nde_rng r;
    size_t cap = (size_t)67 * 263; /* B, out <= 67, in <= 263 */
    double *W = (double *)malloc(cap * sizeof(double)), *b = (double *)malloc(67 * sizeof(double));
    double *x = (double *)malloc(cap * sizeof(double)), *y = (double *)malloc(cap * sizeof(double));
    double *y1 = (double *)malloc(67 * sizeof(double)), *ws = (double *)malloc(cap * sizeof(double));
    double *gy = (double *)malloc(cap * sizeof(double)), *gx = (double *)malloc(2 * cap * sizeof(double));
    double *gW = (double *)malloc(3 * cap * sizeof(double));
    double *gb = (double *)malloc(2 * 67 * sizeof(double)); /* gb, then its reference */
    if (!W || !b || !x || !y || !y1 || !ws || !gy || !gx || !gW || !gb) { CHECK("test_kernels: allocation", 0); goto done; }
    nde_rng_seed(&r, 13);
    tk_fill(&r, (long)cap, W);
    tk_fill(&r, 67, b);
    tk_fill(&r, (long)cap, x);
    tk_fill(&r, (long)cap, gy);
    for (ii = 0; ii < (int)(sizeof ins / sizeof ins[0]); ii++)
        for (io = 0; io < (int)(sizeof outs / sizeof outs[0]); io++)
            for (ib = 0; ib < (int)(sizeof Bs / sizeof Bs[0]); ib++)
                for (wb = 0; wb < 2; wb++) {
                    int in = ins[ii], out = outs[io], B = Bs[ib], rr, o;
                    const double *bias = wb ? b : NULL;
                    double e;
                    long nW = (long)out * in;
                    wide_seen += B >= 2 * NDE__MR && out >= NDE__NR && in >= 32;
                    nde__mlp_linear_forward(B, in, out, W, bias, x, y, ws);
                    /* reference: y = b + x W^T, i.e. C0 = b per row, A = x, B = W^T */
                    for (rr = 0; rr < B; rr++) {
                        double c0[67];
                        for (o = 0; o < out; o++) c0[o] = bias ? bias[o] : 0.0;
                        e = tk_err(1, out, in, x + (long)rr * in, in, 1, W, 1, in, c0, y + (long)rr * out, out, 1);
                        if (!(e <= worst)) worst = e;
                        nde__mlp_linear_forward(1, in, out, W, bias, x + (long)rr * in, y1, ws);
                        rows_same &= tk_same(out, y1, y + (long)rr * out);
                    }
                    if (!wb) continue;
                    /* backward: gx = gy W, gW += gy^T x, gb += column sums, against the
                       triple loop and (bits) the small-shape kernel */
                    memcpy(gW, W, (size_t)nW * sizeof(double));         /* some start value to add to */
                    memcpy(gW + nW, W, (size_t)nW * sizeof(double));
                    memcpy(gb, b, (size_t)out * sizeof(double));
                    nde__mlp_linear_backward(B, in, out, W, x, gy, gx, gW + nW, gb);
                    e = tk_err(B, in, out, gy, out, 1, W, in, 1, NULL, gx, in, 1);
                    if (!(e <= worst_back)) worst_back = e;
                    e = tk_err(out, in, B, gy, 1, out, x, in, 1, gW, gW + nW, in, 1);
                    if (!(e <= worst_back)) worst_back = e;
                    for (o = 0; o < out; o++) { /* gb: b plus the rows of gy one by one, in order */
                        double sb = b[o];
                        for (rr = 0; rr < B; rr++) sb += gy[(long)rr * out + o];
                        gb[67 + o] = sb;
                    }
                    gb_same &= tk_same(out, gb, gb + 67);
                    memcpy(gW + 2 * nW, W, (size_t)nW * sizeof(double));
                    nde__mlp_gemm(B, in, out, gy, out, 1, W, in, 1, gx + cap, in, 1, 0);
                    nde__mlp_gemm(out, in, B, gy, 1, out, x, in, 1, gW + 2 * nW, in, 1, 1);
#ifndef NDE_USE_CBLAS
                    back_same &= tk_same((long)B * in, gx, gx + cap) && tk_same(nW, gW + nW, gW + 2 * nW);
#endif
                }
    CHECK("the wide forward (register tiles over packed panels of W^T) ran, in up to 263", wide_seen > 10);
    CHECK_LE("linear forward on every path (in 1..263, out 1..67, B 1..67, with/without b) vs triple loop: "
             "max relative error", worst, TK_MM_TOL);
    CHECK_LE("linear backward gx = gy W, gW += gy^T x vs triple loop: max relative error", worst_back, TK_MM_TOL);
    CHECK("linear backward gb += column sums of gy: the bits of adding the rows one by one, on every shape",
          gb_same);
#ifdef NDE_USE_CBLAS
    (void)rows_same; /* CBLAS sums the large products in its own order: no bit-for-bit claims */
    (void)back_same;
#else
    CHECK("linear forward: B rows at once = one row at a time, bit for bit, on every shape", rows_same);
    CHECK("linear backward: the bits of the small-shape kernel on every shape", back_same);
#endif
done:
    free(W); free(b); free(x); free(y); free(y1); free(ws); free(gy); free(gx); free(gW); free(gb);
}

/* A wide network's products (forward, vjp, jvp, grad_tangent), run twice and
   (with OpenMP) on 1 and 2 threads: the same bits every time. */
static void tk_products(nde_mlp *m, int B, const double *x, const double *g, double *res, long n)
{
    long P = m->nparams, D = (long)B * m->in_dim;
    memset(res, 0, (size_t)n * sizeof(double));
    nde_mlp_forward(m, B, x, 0.0, res);
    nde_mlp_vjp(m, B, x, 0.0, g, res + D, res + 2 * D, NULL);
    nde_mlp_jvp(m, B, x, 0.0, g, NULL, res + 2 * D + P);
    nde_mlp_grad_tangent(m, B, x, 0.0, g, x, res + 3 * D + P, res + 4 * D + P, res + 5 * D + P);
}

static void tk_test_threads(void)
{
    int widths[4] = {96, 160, 130, 96}, B = 150, same_runs;
    nde_mlp m;
    nde_rng r;
    long D, n;
    double *x, *g, *r1, *r2, *r3;
    if (nde_mlp_dense(&m, 4, widths, NDE_ACT_TANH, 0, NULL) != NDE_OK) { CHECK("test_kernels: net", 0); return; }
    nde_rng_seed(&r, 14);
    nde_mlp_init_glorot(&m, &r);
    D = (long)B * 96;
    n = 5 * D + 2 * m.nparams;
    x = (double *)malloc((size_t)(2 * D + 3 * n) * sizeof(double));
    if (!x) { CHECK("test_kernels: allocation", 0); nde_mlp_free(&m); return; }
    g = x + D; r1 = g + D; r2 = r1 + n; r3 = r2 + n;
    tk_fill(&r, D, x);
    tk_fill(&r, D, g);
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
    tk_products(&m, B, x, g, r1, n);
    tk_products(&m, B, x, g, r2, n);
    same_runs = tk_same(n, r1, r2);
#ifdef _OPENMP
    omp_set_num_threads(2);
    tk_products(&m, B, x, g, r3, n);
    omp_set_num_threads(omp_get_num_procs());
#endif
    CHECK("96-160-130-96 net, B = 150: forward, vjp, jvp, grad_tangent identical bits on a repeated run", same_runs);
#ifdef _OPENMP
    CHECK("... and identical bits on 1 and 2 OpenMP threads", tk_same(n, r1, r3));
#else
    (void)r3;
    printf("note test_kernels: built without -fopenmp; the 1-vs-2-thread comparison runs in make check\n");
#endif
    free(x);
    nde_mlp_free(&m);
}

void test_kernels(void)
{
    tk_test_gemm();
    tk_test_linear();
    tk_test_threads();
}
