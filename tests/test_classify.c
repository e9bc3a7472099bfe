/* test_classify.c: data files and classification.
   The softmax cross-entropy and the classification head against central
   differences (alone and as the point loss of nde_grad through an ODE), IDX
   round trips for every element type, every error of the reader provoked
   with a hand-made bad file, and gzip files (our own stored-block writer and
   the system's gzip) read to the same bits as the plain file. */
#include "neuralode.h"
#include "check.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char dir[512];
static unsigned long run_id; /* in every file name: runs in parallel never share a file */

static const char *tmp_path(char *buf, const char *name)
{
    snprintf(buf, 1024, "%s/nde_classify_%08lx_%s", dir, run_id, name);
    return buf;
}

/* ---------------------------------------------------------------------- */
/* Softmax cross-entropy                                                   */
/* ---------------------------------------------------------------------- */

static void test_softmax_ce(void)
{
    enum { B = 5, K = 7 };
    double z[B * K], g[B * K], fd[B * K], zs[B * K], h = 1e-6, L, Ls, Lp, Lm, lse;
    int y[B] = {0, 3, 6, 2, 2}, i, b, k;
    long nc;
    nde_rng r;
    nde_rng_seed(&r, 12);
    for (i = 0; i < B * K; i++) z[i] = 3 * nde_rng_normal(&r);
    L = nde_softmax_ce(B, K, z, y, g, &nc);
    for (i = 0; i < B * K; i++) {
        double s = z[i];
        z[i] = s + h; Lp = nde_softmax_ce(B, K, z, y, NULL, NULL);
        z[i] = s - h; Lm = nde_softmax_ce(B, K, z, y, NULL, NULL);
        z[i] = s;
        fd[i] = (Lp - Lm) / (2 * h);
    }
    CHECK_LE("softmax CE gradient vs central differences (max abs diff)", max_rel_diff(B * K, g, fd, 1.0), 1e-8);
    /* by hand for row 0 */
    for (lse = 0, k = 0; k < K; k++) lse += exp(z[k]);
    Lp = log(lse) - z[0];
    for (b = 1; b < B; b++) {
        for (lse = 0, k = 0; k < K; k++) lse += exp(z[b * K + k]);
        Lp += log(lse) - z[b * K + y[b]];
    }
    CHECK_REL("softmax CE equals mean(log sum exp - z_label) computed directly", L, Lp / B, 1e-14);
    CHECK("softmax CE: accuracy from the same pass equals nde_accuracy", fabs((double)nc / B - nde_accuracy(B, K, z, y)) == 0);
    /* stability: a shift by 1000 (exp would overflow) changes nothing */
    for (i = 0; i < B * K; i++) zs[i] = z[i] + 1000.0;
    Ls = nde_softmax_ce(B, K, zs, y, NULL, NULL);
    CHECK_REL("softmax CE with logits + 1000 (log-sum-exp: no overflow)", Ls, L, 1e-12);
    y[2] = K;
    CHECK("softmax CE with a label out of range -> NaN", isnan(nde_softmax_ce(B, K, z, y, NULL, NULL)));
    {
        double z2[4] = {5, 5, 2, 2};
        int y2[2] = {0, 1};
        CHECK_ABS("accuracy: ties go to the first maximum", nde_accuracy(2, 2, z2, y2), 0.5, 0);
    }
}

/* ---------------------------------------------------------------------- */
/* The classification head as a point loss                                 */
/* ---------------------------------------------------------------------- */

static void classifier_init(nde_classifier *c, nde_mlp *head, const int *labels, double *gparams)
{
    memset(c, 0, sizeof *c);
    c->head = head;
    c->labels = labels;
    c->gparams = gparams;
}

/* The head alone: dL/dz(T) and dL/dtheta_head against central differences. */
static void test_classifier_head(void)
{
    enum { B = 4, D = 6, K = 5, N = 2 };
    nde_mlp head;
    nde_classifier c;
    nde_rng r;
    int widths[2] = {D, K}, labels[B] = {4, 0, 2, 2}, i;
    double t[N] = {0, 1}, y[N * B * D], g[N * B * D], fdy[B * D], h = 1e-6, Lp, Lm, zero_ok = 1;
    double *gp, *fdp;
    nde_rng_seed(&r, 3);
    nde_mlp_dense(&head, 2, widths, NDE_ACT_TANH, 0, NULL);
    nde_mlp_init_normal(&head, &r, 0.7);
    for (i = 0; i < (int)head.nparams; i++) head.params[i] += 0.1 * nde_rng_normal(&r);
    for (i = 0; i < N * B * D; i++) y[i] = nde_rng_normal(&r);
    gp = (double *)calloc((size_t)head.nparams, sizeof(double));
    fdp = (double *)calloc((size_t)head.nparams, sizeof(double));
    classifier_init(&c, &head, labels, gp);
    nde_loss_classify(&c, N, B, D, t, y, g);
    CHECK("classifier: status NDE_OK", c.status == NDE_OK);
    for (i = 0; i < B * D; i++) zero_ok = zero_ok && g[i] == 0.0;
    CHECK("classifier: dL/dy is zero at every time but the last", zero_ok);
    c.gparams = NULL;
    for (i = 0; i < B * D; i++) {
        double *v = &y[B * D + i], s = *v;
        *v = s + h; Lp = nde_loss_classify(&c, N, B, D, t, y, NULL);
        *v = s - h; Lm = nde_loss_classify(&c, N, B, D, t, y, NULL);
        *v = s;
        fdy[i] = (Lp - Lm) / (2 * h);
    }
    for (i = 0; i < (int)head.nparams; i++) {
        double *v = &head.params[i], s = *v;
        *v = s + h; Lp = nde_loss_classify(&c, N, B, D, t, y, NULL);
        *v = s - h; Lm = nde_loss_classify(&c, N, B, D, t, y, NULL);
        *v = s;
        fdp[i] = (Lp - Lm) / (2 * h);
    }
    CHECK_LE("classifier: dL/dz(T) vs central differences", max_rel_diff(B * D, g + B * D, fdy, 1.0), 1e-8);
    CHECK_LE("classifier: dL/dtheta_head vs central differences", max_rel_diff((int)head.nparams, gp, fdp, 1.0), 1e-8);
    /* gparams is ADDED into: a second call doubles it */
    memcpy(fdp, gp, (size_t)head.nparams * sizeof(double));
    c.gparams = gp;
    nde_loss_classify(&c, N, B, D, t, y, g);
    for (i = 0; i < (int)head.nparams; i++) fdp[i] *= 2;
    CHECK_LE("classifier: the head's gradient accumulates (+=): a second call doubles it",
             max_rel_diff((int)head.nparams, gp, fdp, 1e-12), 1e-14);
    labels[1] = K;
    CHECK("classifier: label out of range -> NaN, NDE_ERR_ARG, message names labels[1]",
          isnan(nde_loss_classify(&c, N, B, D, t, y, g)) && c.status == NDE_ERR_ARG && strstr(c.msg, "labels[1]"));
    labels[1] = 0;
    CHECK("classifier: head in_dim != D -> NaN, NDE_ERR_ARG",
          isnan(nde_loss_classify(&c, N, B, D + 1, t, y, g)) && c.status == NDE_ERR_ARG);
    free(gp);
    free(fdp);
    nde_mlp_free(&head);
}

/* The whole chain of the chapter's model at small size: z(1) of a time-aware
   tanh MLP ODE from z0, head, softmax CE, through nde_grad (backprop, rk4 at
   fixed steps: the discrete gradient is exact) against central differences
   in the ODE's parameters and in z0. */
static void test_classify_through_ode(void)
{
    enum { B = 3, D = 4, K = 3 };
    nde_mlp f, head;
    nde_system sys;
    nde_classifier c;
    nde_loss loss;
    nde_options o;
    nde_rng r;
    int wf[3] = {D, 8, D}, wh[2] = {D, K}, labels[B] = {2, 0, 1}, i, rc;
    double t[2] = {0, 1}, z0[B * D], gz0[B * D], fdz[B * D], L, Lp, Lm, h = 1e-6;
    double *gth, *fdth, *ghead, *scratch;
    nde_rng_seed(&r, 7);
    nde_mlp_dense(&f, 3, wf, NDE_ACT_TANH, NDE_INPUT_TIME, NULL);
    nde_mlp_dense(&head, 2, wh, NDE_ACT_TANH, 0, NULL);
    nde_mlp_init_glorot(&f, &r);
    nde_mlp_init_glorot(&head, &r);
    nde_mlp_system(&f, &sys, NULL);
    for (i = 0; i < B * D; i++) z0[i] = nde_rng_normal(&r);
    gth = (double *)calloc((size_t)f.nparams, sizeof(double));
    fdth = (double *)calloc((size_t)f.nparams, sizeof(double));
    ghead = (double *)calloc((size_t)head.nparams, sizeof(double));
    scratch = (double *)calloc((size_t)f.nparams, sizeof(double));
    classifier_init(&c, &head, labels, ghead);
    loss.point = nde_loss_classify;
    loss.running = NULL;
    loss.ctx = &c;
    memset(&o, 0, sizeof o);
    o.method = NDE_RK4;
    o.h = 0.125;
    rc = nde_grad(&sys, B, z0, 2, t, &o, NULL, &loss, &L, NULL, gth, gz0, NULL);
    CHECK("classify through an ODE: nde_grad NDE_OK", rc == NDE_OK && c.status == NDE_OK);
    c.gparams = NULL;
    for (i = 0; i < (int)f.nparams; i++) {
        double s = f.params[i];
        f.params[i] = s + h; nde_grad(&sys, B, z0, 2, t, &o, NULL, &loss, &Lp, NULL, scratch, NULL, NULL);
        f.params[i] = s - h; nde_grad(&sys, B, z0, 2, t, &o, NULL, &loss, &Lm, NULL, scratch, NULL, NULL);
        f.params[i] = s;
        fdth[i] = (Lp - Lm) / (2 * h);
    }
    for (i = 0; i < B * D; i++) {
        double s = z0[i];
        z0[i] = s + h; nde_grad(&sys, B, z0, 2, t, &o, NULL, &loss, &Lp, NULL, scratch, NULL, NULL);
        z0[i] = s - h; nde_grad(&sys, B, z0, 2, t, &o, NULL, &loss, &Lm, NULL, scratch, NULL, NULL);
        z0[i] = s;
        fdz[i] = (Lp - Lm) / (2 * h);
    }
    CHECK_LE("classify through an ODE: dL/dtheta_f vs central differences", max_rel_diff((int)f.nparams, gth, fdth, 1.0), 1e-8);
    CHECK_LE("classify through an ODE: dL/dz0 vs central differences", max_rel_diff(B * D, gz0, fdz, 1.0), 1e-8);
    free(gth);
    free(fdth);
    free(ghead);
    free(scratch);
    nde_mlp_free(&f);
    nde_mlp_free(&head);
}

/* ---------------------------------------------------------------------- */
/* IDX files                                                               */
/* ---------------------------------------------------------------------- */

static void test_idx_round_trips(void)
{
    static const int types[6] = {NDE_IDX_U8, NDE_IDX_I8, NDE_IDX_I16, NDE_IDX_I32, NDE_IDX_F32, NDE_IDX_F64};
    static const char *names[6] = {"ubyte", "byte", "short", "int", "float", "double"};
    static const double vals[6][6] = {
        {0, 1, 127, 128, 254, 255},
        {-128, -1, 0, 1, 100, 127},
        {-32768, -1, 0, 1, 300, 32767},
        {-2147483648.0, -65536, -1, 0, 70000, 2147483647.0},
        {-1.5, 0.0, 3.25, 1e-30 * 0 + 0.1f, -65504.0, 3.0e38f},
        {-1e300, 0.1, 3.141592653589793, -0.0, 5e-324, 1.7976931348623157e308}};
    long dims[3] = {3, 1, 2};
    char path[1024], msg[NDE_MSG_LEN], name[64];
    nde_idx x;
    int k, i, rc, same;
    for (k = 0; k < 6; k++) {
        snprintf(name, sizeof name, "nde_test_idx_%s.idx", names[k]);
        tmp_path(path, name);
        rc = nde_idx_save(path, types[k], 3, dims, vals[k], msg);
        if (rc == NDE_OK) rc = nde_idx_read(path, &x, msg);
        same = rc == NDE_OK && x.type == types[k] && x.ndim == 3 && x.dims[0] == 3 && x.dims[1] == 1 && x.dims[2] == 2 &&
               x.count == 6 && x.row == 2;
        for (i = 0; same && i < 6; i++) {
            double want = types[k] == NDE_IDX_F32 ? (double)(float)vals[k][i] : vals[k][i];
            double got = nde_idx_value(&x, i);
            same = got == want && signbit(got) == signbit(want);
        }
        snprintf(name, sizeof name, "IDX round trip of %s (3 x 1 x 2), bit for bit", names[k]);
        CHECK(name, same);
        if (!same) printf("     status %s: %s\n", nde_status_name(rc), msg);
        if (rc == NDE_OK) nde_idx_free(&x);
        remove(path);
    }
    {   /* rows: a scaled, permuted gather */
        double v[6] = {0, 51, 102, 153, 204, 255}, out[4];
        long d[2] = {3, 2}, rows[3] = {2, 0, 1};
        tmp_path(path, "nde_test_idx_rows.idx");
        rc = nde_idx_save(path, NDE_IDX_U8, 2, d, v, msg);
        if (rc == NDE_OK) rc = nde_idx_read(path, &x, msg);
        if (rc == NDE_OK) rc = nde_idx_rows(&x, 1, 2, rows, 1.0 / 255, out, msg);
        CHECK("nde_idx_rows gathers rows 0 and 1 of a permutation, scaled by 1/255",
              rc == NDE_OK && out[0] == 0 && out[1] == 0.2 && out[2] == 0.4 && out[3] == 0.6);
        rows[2] = 3;
        CHECK("nde_idx_rows with an item out of range -> NDE_ERR_ARG",
              nde_idx_rows(&x, 1, 2, rows, 1.0, out, msg) == NDE_ERR_ARG && strstr(msg, "item 3"));
        nde_idx_free(&x);
        remove(path);
    }
    {   /* save refuses values the type cannot hold */
        double v[2] = {1, 2.5};
        long d[1] = {2};
        tmp_path(path, "nde_test_idx_bad.idx");
        rc = nde_idx_save(path, NDE_IDX_U8, 1, d, v, msg);
        CHECK("nde_idx_save of 2.5 as ubyte -> NDE_ERR_ARG naming values[1]", rc == NDE_ERR_ARG && strstr(msg, "values[1]"));
        v[1] = -129;
        rc = nde_idx_save(path, NDE_IDX_I8, 1, d, v, msg);
        CHECK("nde_idx_save of -129 as byte -> NDE_ERR_ARG", rc == NDE_ERR_ARG);
        CHECK("nde_idx_save of an unknown type 0x0A -> NDE_ERR_ARG", nde_idx_save(path, 0x0A, 1, d, v, msg) == NDE_ERR_ARG);
    }
}

/* A hand-made file: header (type, dims) followed by nbody bytes of 7s. */
static size_t make_idx(unsigned char *b, int type, int nd, const unsigned long *dims, size_t nbody)
{
    size_t n = 4, i;
    int k;
    b[0] = 0; b[1] = 0; b[2] = (unsigned char)type; b[3] = (unsigned char)nd;
    for (k = 0; k < nd; k++, n += 4) {
        b[n] = (unsigned char)(dims[k] >> 24); b[n + 1] = (unsigned char)(dims[k] >> 16);
        b[n + 2] = (unsigned char)(dims[k] >> 8); b[n + 3] = (unsigned char)dims[k];
    }
    for (i = 0; i < nbody; i++) b[n++] = 7;
    return n;
}

/* Each error of the reader, provoked with a hand-made file: the status and
   a message naming what is wrong. */
static void test_idx_errors(void)
{
    unsigned char b[256];
    unsigned long d[4];
    char path[1024], msg[NDE_MSG_LEN];
    nde_idx x, y;
    size_t n;
    int rc;
    tmp_path(path, "nde_test_idx_err.idx");

    d[0] = 2; d[1] = 3;
    n = make_idx(b, NDE_IDX_U8, 2, d, 6);
    CHECK("hand-made valid file parses (2 x 3 ubyte)", nde_idx_parse(b, n, &x, msg) == NDE_OK && x.count == 6);
    nde_idx_free(&x);

    b[0] = 1;
    rc = nde_idx_parse(b, n, &x, msg);
    CHECK("wrong magic (first byte 1) -> NDE_ERR_FORMAT, 'bad magic'", rc == NDE_ERR_FORMAT && strstr(msg, "bad magic"));
    b[0] = 0; b[2] = 0x0A;
    rc = nde_idx_parse(b, n, &x, msg);
    CHECK("unknown element type 0x0A -> NDE_ERR_FORMAT, 'unknown element type'",
          rc == NDE_ERR_FORMAT && strstr(msg, "unknown element type"));
    b[2] = NDE_IDX_U8; b[3] = 0;
    CHECK("zero dimensions -> NDE_ERR_FORMAT, '0 dimensions'",
          nde_idx_parse(b, n, &x, msg) == NDE_ERR_FORMAT && strstr(msg, "0 dimensions"));
    b[3] = 2;
    CHECK("truncated elements (5 of 6 bytes) -> NDE_ERR_FORMAT, 'truncated'",
          nde_idx_parse(b, n - 1, &x, msg) == NDE_ERR_FORMAT && strstr(msg, "truncated") && strstr(msg, "2 x 3"));
    CHECK("truncated header (7 bytes) -> NDE_ERR_FORMAT, 'truncated'",
          nde_idx_parse(b, 7, &x, msg) == NDE_ERR_FORMAT && strstr(msg, "truncated"));
    CHECK("3 bytes -> NDE_ERR_FORMAT", nde_idx_parse(b, 3, &x, msg) == NDE_ERR_FORMAT);
    b[n] = 7;
    CHECK("trailing byte -> NDE_ERR_FORMAT, 'trailing'",
          nde_idx_parse(b, n + 1, &x, msg) == NDE_ERR_FORMAT && strstr(msg, "trailing"));

    d[0] = 0xFFFFFFFFul; d[1] = 0xFFFFFFFFul; d[2] = 0xFFFFFFFFul;
    n = make_idx(b, NDE_IDX_F64, 3, d, 16);
    CHECK("sizes 2^32-1 cubed of doubles -> NDE_ERR_FORMAT, 'overflow', nothing allocated",
          nde_idx_parse(b, n, &x, msg) == NDE_ERR_FORMAT && strstr(msg, "overflow") && x.data == NULL);
    d[0] = 0xFFFFFFFFul; d[1] = 0xFFFFFFFFul;
    n = make_idx(b, NDE_IDX_F64, 2, d, 16);
    CHECK("sizes (2^32-1)^2 of doubles in 28 bytes -> NDE_ERR_FORMAT before any allocation",
          nde_idx_parse(b, n, &x, msg) == NDE_ERR_FORMAT && x.data == NULL);
    d[0] = 0; d[1] = 0xFFFFFFFFul; d[2] = 0xFFFFFFFFul;
    n = make_idx(b, NDE_IDX_U8, 3, d, 0);
    CHECK("zero items of (2^32-1)^2 bytes each -> NDE_ERR_FORMAT (an item's size overflows)",
          nde_idx_parse(b, n, &x, msg) == NDE_ERR_FORMAT && strstr(msg, "overflow"));
    d[0] = 0; d[1] = 28; d[2] = 28;
    n = make_idx(b, NDE_IDX_U8, 3, d, 0);
    CHECK("zero items of 28 x 28: a valid empty array (count 0, row 784)",
          nde_idx_parse(b, n, &x, msg) == NDE_OK && x.count == 0 && x.row == 784);
    nde_idx_free(&x);

    /* count mismatch and bad labels */
    d[0] = 3; d[1] = 2;
    n = make_idx(b, NDE_IDX_U8, 2, d, 6);
    nde_idx_parse(b, n, &x, msg);
    d[0] = 4;
    n = make_idx(b, NDE_IDX_U8, 1, d, 4);
    nde_idx_parse(b, n, &y, msg);
    rc = nde_idx_check_labels(&x, &y, 10, msg);
    CHECK("3 images, 4 labels -> NDE_ERR_FORMAT, 'count mismatch'", rc == NDE_ERR_FORMAT && strstr(msg, "count mismatch"));
    nde_idx_free(&y);
    d[0] = 3;
    n = make_idx(b, NDE_IDX_U8, 1, d, 3);
    nde_idx_parse(b, n, &y, msg);
    CHECK("labels 7 with 10 classes pass", nde_idx_check_labels(&x, &y, 10, msg) == NDE_OK);
    rc = nde_idx_check_labels(&x, &y, 5, msg);
    CHECK("label 7 with 5 classes -> NDE_ERR_FORMAT naming label 0", rc == NDE_ERR_FORMAT && strstr(msg, "label 0 is 7"));
    nde_idx_free(&x);
    nde_idx_free(&y);

    /* through the file reader: the path is in the message */
    d[0] = 2; d[1] = 3;
    n = make_idx(b, NDE_IDX_U8, 2, d, 5);
    write_file(path, b, n);
    rc = nde_idx_read(path, &x, msg);
    CHECK("truncated file -> NDE_ERR_FORMAT, message names the file", rc == NDE_ERR_FORMAT && strstr(msg, path));
    remove(path);
    rc = nde_idx_read(path, &x, msg);
    CHECK("missing file -> NDE_ERR_IO", rc == NDE_ERR_IO);
}

/* A gzip file with the deflate data in stored blocks (RFC 1951 3.2.4), the
   optional header fields FEXTRA, FNAME, FCOMMENT and FHCRC, and the trailer. */
static size_t make_gzip_stored(unsigned char *out, const unsigned char *in, size_t n)
{
    static const unsigned char head[10] = {0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 255};
    size_t o = 0, i, len;
    unsigned long crc = 0xFFFFFFFFul;
    int k;
    memcpy(out, head, 10); o = 10;
    out[o++] = 3; out[o++] = 0; out[o++] = 'a'; out[o++] = 'b'; out[o++] = 'c'; /* FEXTRA */
    memcpy(out + o, "x.idx", 6); o += 6;                                          /* FNAME */
    memcpy(out + o, "hi", 3); o += 3;                                             /* FCOMMENT */
    out[o++] = 0; out[o++] = 0;                                                   /* FHCRC (not checked) */
    for (i = 0; i == 0 || i < n; i += len) {
        len = n - i < 40 ? n - i : 40; /* small blocks: several of them */
        out[o++] = i + len >= n ? 1 : 0;
        out[o++] = (unsigned char)len; out[o++] = (unsigned char)(len >> 8);
        out[o++] = (unsigned char)~len; out[o++] = (unsigned char)(~len >> 8);
        memcpy(out + o, in + i, len); o += len;
        if (len == 0) break;
    }
    for (i = 0; i < n; i++) {
        crc ^= in[i];
        for (k = 0; k < 8; k++) crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320ul : crc >> 1;
    }
    crc ^= 0xFFFFFFFFul;
    for (k = 0; k < 4; k++) out[o++] = (unsigned char)(crc >> (8 * k));
    for (k = 0; k < 4; k++) out[o++] = (unsigned char)(n >> (8 * k));
    return o;
}

static int idx_equal(const nde_idx *a, const nde_idx *b)
{
    size_t bytes = (size_t)a->count * (size_t)(a->type == NDE_IDX_F64 ? 8 : a->type >= NDE_IDX_I32 ? 4 : a->type == NDE_IDX_I16 ? 2 : 1);
    return a->type == b->type && a->ndim == b->ndim && a->count == b->count &&
           !memcmp(a->dims, b->dims, sizeof a->dims) && !memcmp(a->data, b->data, bytes);
}

static void test_idx_gzip(void)
{
    enum { NV = 300 };
    double v[NV];
    long dims[2] = {30, 10};
    unsigned char *plain = (unsigned char *)malloc(4096), *gz = (unsigned char *)malloc(8192);
    char path[1024], gpath[1024], cmd[2300], msg[NDE_MSG_LEN];
    nde_idx a, b;
    long n, ng;
    int i, rc;
    for (i = 0; i < NV; i++) v[i] = (i * 37) % 256;
    tmp_path(path, "nde_test_idx_gz.idx");
    tmp_path(gpath, "nde_test_idx_gz.idx.gz");
    nde_idx_save(path, NDE_IDX_U8, 2, dims, v, msg);
    rc = nde_idx_read(path, &a, msg);
    n = read_file(path, plain, 4096);
    CHECK("gzip: the plain file reads", rc == NDE_OK && n == 4 + 8 + NV);

    ng = (long)make_gzip_stored(gz, plain, (size_t)n);
    write_file(gpath, gz, ng);
    rc = nde_idx_read(gpath, &b, msg);
    CHECK("gzip (stored blocks, FEXTRA/FNAME/FCOMMENT/FHCRC) reads to the plain file's bits", rc == NDE_OK && idx_equal(&a, &b));
    if (rc == NDE_OK) nde_idx_free(&b);
    {   /* the same bytes in memory, after trailing garbage, and as two members */
        unsigned char *two = (unsigned char *)malloc(2 * (size_t)ng);
        rc = nde_idx_parse(gz, (size_t)ng, &b, msg);
        CHECK("gzip image parsed in memory reads to the plain file's bits", rc == NDE_OK && idx_equal(&a, &b));
        if (rc == NDE_OK) nde_idx_free(&b);
        memcpy(two, gz, (size_t)ng);
        memcpy(two + ng, gz, (size_t)ng);
        rc = nde_idx_parse(two, 2 * (size_t)ng, &b, msg);
        CHECK("two gzip members -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT);
        free(two);
    }
    gz[ng - 6] ^= 1;
    write_file(gpath, gz, ng);
    rc = nde_idx_read(gpath, &b, msg);
    CHECK("gzip with a damaged CRC-32 -> NDE_ERR_FORMAT, 'CRC-32'", rc == NDE_ERR_FORMAT && strstr(msg, "CRC-32"));
    gz[ng - 6] ^= 1;
    gz[ng - 1] = 0x7f; /* ISIZE claims 2 GB */
    write_file(gpath, gz, ng);
    rc = nde_idx_read(gpath, &b, msg);
    CHECK("gzip whose ISIZE claims 2 GB from 400 bytes -> NDE_ERR_FORMAT before allocating", rc == NDE_ERR_FORMAT && strstr(msg, "claims"));
    gz[ng - 1] = 0;
    gz[ng - 4] ^= 1; /* ISIZE one byte off */
    write_file(gpath, gz, ng);
    rc = nde_idx_read(gpath, &b, msg);
    CHECK("gzip whose ISIZE is one byte off -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT);
    gz[ng - 4] ^= 1;
    write_file(gpath, gz, ng / 2);
    rc = nde_idx_read(gpath, &b, msg);
    CHECK("truncated gzip file -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT);
    gz[2] = 9;
    write_file(gpath, gz, ng);
    rc = nde_idx_read(gpath, &b, msg);
    CHECK("gzip compression method 9 -> NDE_ERR_FORMAT naming the method", rc == NDE_ERR_FORMAT && strstr(msg, "method"));

    /* real deflate data from the system's gzip (Huffman blocks) */
    remove(gpath);
    snprintf(cmd, sizeof cmd, "gzip -9 -c '%s' > '%s'", path, gpath);
    rc = system(cmd);
    CHECK("the system's gzip ran (Debian: essential package gzip)", rc == 0);
    rc = nde_idx_read(gpath, &b, msg);
    CHECK("gzip -9 file reads to the plain file's bits", rc == NDE_OK && idx_equal(&a, &b));
    if (rc == NDE_OK) nde_idx_free(&b);
    ng = read_file(gpath, gz, 8192);
    if (ng > 20) {
        gz[ng / 2] ^= 0x55; /* corrupt the compressed data */
        write_file(gpath, gz, ng);
        rc = nde_idx_read(gpath, &b, msg);
        CHECK("gzip with corrupted deflate data -> NDE_ERR_FORMAT", rc == NDE_ERR_FORMAT);
        if (rc == NDE_OK) nde_idx_free(&b);
    }
    nde_idx_free(&a);
    remove(path);
    remove(gpath);
    free(plain);
    free(gz);

    {   /* the real Fashion-MNIST test labels when the package is installed */
        /* (stb_image's inflate rejects this valid file: "bad huffman code") */
        const char *lab = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
        FILE *f = fopen(lab, "rb");
        if (f) {
            fclose(f);
            rc = nde_idx_read(lab, &a, msg);
            CHECK("Fashion-MNIST t10k labels (.gz): 10000 labels in 0..9",
                  rc == NDE_OK && a.ndim == 1 && a.dims[0] == 10000 && nde_idx_check_labels(&a, &a, 10, msg) == NDE_OK);
            if (rc == NDE_OK) {
                for (n = 0, i = 0; i < 10000; i++) n += nde_idx_value(&a, i) == 0;
                CHECK("Fashion-MNIST t10k labels: exactly 1000 of class 0 (balanced test set)", n == 1000);
                nde_idx_free(&a);
            }
        }
    }
}

void test_classify(void)
{
    const char *env = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s", env && env[0] ? env : "/tmp");
    run_id = ((unsigned long)time(NULL) ^ (unsigned long)clock() << 12 ^ (unsigned long)(size_t)&env) & 0xfffffffful;
    test_softmax_ce();
    test_classifier_head();
    test_classify_through_ode();
    test_idx_round_trips();
    test_idx_errors();
    test_idx_gzip();
}
