/* Fuzz target: model files through both loaders, nde_mlp_load (into a
   built network) and nde_mlp_load_new. Built by `make fuzz` with clang's
   libFuzzer + ASan + UBSan; with -DFUZZ_WRITE_SEEDS (any C compiler) it is
   instead a program writing valid seed files into the directory argv[1].
   fuzz_model_sealed.c is this target with the checksum recomputed, so the
   fuzzer also reaches the field checks behind it. Any crash, leak, or an
   allocation beyond -malloc_limit_mb is a failure. */
#define _POSIX_C_SOURCE 200809L
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_SEAL
#define FUZZ_SEAL 0
#endif

/* The networks of the seeds (and the load target): small, of every layer kind. */
static int fuzz_net(nde_mlp *m, int which)
{
    int rc = nde_mlp_init(m, 2, which ? NDE_INPUT_CUBE | NDE_INPUT_TIME : 0, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_linear(m, 4, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_act(m, which ? NDE_ACT_SOFTPLUS : NDE_ACT_TANH, NULL);
    if (rc == NDE_OK && which) rc = nde_mlp_add_residual(m, NDE_ACT_TANH, NULL);
    if (rc == NDE_OK) rc = nde_mlp_add_linear(m, 2, NULL);
    if (rc == NDE_OK) rc = nde_mlp_build(m, NULL);
    return rc;
}

#ifdef FUZZ_WRITE_SEEDS
int main(int argc, char **argv)
{
    char path[4096];
    int which;
    if (argc < 2) { fprintf(stderr, "usage: %s SEED_DIR\n", argv[0]); return 2; }
    for (which = 0; which < 2; which++) {
        nde_mlp m;
        nde_rng r;
        char msg[NDE_MSG_LEN];
        if (fuzz_net(&m, which) != NDE_OK) return 1;
        nde_rng_seed(&r, (unsigned long long)which);
        nde_mlp_init_glorot(&m, &r);
        snprintf(path, sizeof path, "%s/model%d.bin", argv[1], which);
        if (nde_mlp_save(&m, path, msg) != NDE_OK) { fprintf(stderr, "%s\n", msg); return 1; }
        nde_mlp_free(&m);
    }
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    nde_mlp m, c;
    FILE *f;
    char msg[NDE_MSG_LEN];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/nde_fuzz_model_%ld.bin", (long)getpid());
    f = fopen(path, "wb");
    if (!f) return 0;
    if (size) fwrite(data, 1, size, f);
    if (FUZZ_SEAL && size >= 8) { /* FNV-1a 64 of all but the last 8 bytes, in their place */
        unsigned long long h = 14695981039346656037ULL;
        size_t i;
        unsigned char tail[8];
        for (i = 0; i < size - 8; i++) h = (h ^ data[i]) * 1099511628211ULL;
        for (i = 0; i < 8; i++) tail[i] = (unsigned char)(h >> (8 * i));
        fseek(f, (long)(size - 8), SEEK_SET);
        fwrite(tail, 1, 8, f);
    }
    fclose(f);
    if (fuzz_net(&m, size % 2) == NDE_OK) {
        nde_mlp_load(&m, path, msg);
        nde_mlp_free(&m);
    }
    memset(&c, 0, sizeof c);
    if (nde_mlp_load_new(&c, path, msg) == NDE_OK) {
        double x[3] = {0.5, -0.25, 0.1}, y[64];
        if (c.out_dim <= 64 && c.in_dim <= 2) nde_mlp_forward(&c, 1, x, 0.0, y); /* the loaded net runs */
        nde_mlp_free(&c);
    }
    return 0;
}
#endif
