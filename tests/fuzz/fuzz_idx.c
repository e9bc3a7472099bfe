/* fuzz_idx.c: libFuzzer target for neuralode.h's in-memory IDX parser, nde_idx_parse,
   gzip-compressed input included (so the inflate, the gzip container and the IDX header
   checks are all fuzzed). Any input must give NDE_OK with a consistent array, or an error
   status with a message; never a crash, a leak or an out-of-bounds access.

     clang -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined -I. tests/fuzz/fuzz_idx.c -lm -o build/fuzz_idx
     build/fuzz_idx -max_total_time=20 build/fuzz_idx_corpus

   Compiled with -DFUZZ_WRITE_SEEDS by a plain cc, the same file has a main(argc, argv)
   that writes a few small valid inputs into the directory argv[1] (plain ubyte, short,
   float and double files, a gzip one with fixed and one with dynamic Huffman codes) and
   runs each through the target once. */
#define NEURALODE_IMPLEMENTATION
#include "../../neuralode.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nde_idx x;
    char msg[NDE_MSG_LEN];
    long i, prod = 1;
    double s = 0.0;
    int k;
    msg[0] = 0;
    if (nde_idx_parse(data, size, &x, msg) != NDE_OK) {
        if (!msg[0]) __builtin_trap(); /* every failure names its reason */
        return 0;
    }
    for (k = 0; k < x.ndim; k++) prod *= x.dims[k];
    if (prod != x.count || x.count != x.dims[0] * x.row) __builtin_trap();
    for (i = 0; i < x.count; i++) s += nde_idx_value(&x, i); /* reads every element */
    if (s != s && x.type != NDE_IDX_F32 && x.type != NDE_IDX_F64) __builtin_trap();
    nde_idx_free(&x);
    return 0;
}

#ifdef FUZZ_WRITE_SEEDS
/* gzip -9 of a 3 x 4 ubyte file (fixed Huffman codes) and of a 1 x 16 x 16 ubyte file
   (dynamic Huffman codes), both made with Python's gzip module. */
static const unsigned char seed_gz_fixed[42] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x63, 0x60, 0xe0, 0x60, 0x62, 0x60,
    0x60, 0x60, 0x06, 0x62, 0x16, 0x06, 0x46, 0x26, 0x66, 0x16, 0x56, 0x36, 0x76, 0x0e, 0x4e, 0x2e,
    0x6e, 0x00, 0x45, 0xd3, 0xc0, 0x84, 0x18, 0x00, 0x00, 0x00};
static const unsigned char seed_gz_dynamic[227] = {
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x25, 0x8f, 0xbb, 0xb1, 0xc4, 0x20,
    0x14, 0x43, 0xb1, 0x37, 0xd9, 0x70, 0x03, 0xc0, 0x2d, 0x80, 0x69, 0x01, 0x9b, 0x16, 0x0c, 0xb4,
    0xc0, 0xa7, 0x05, 0x3e, 0x2d, 0x80, 0x69, 0xc1, 0x6b, 0x37, 0xfa, 0xee, 0xce, 0x0b, 0x14, 0x68,
    0x34, 0xd2, 0x1c, 0x21, 0xf4, 0x7e, 0x21, 0x84, 0x26, 0xd0, 0xe7, 0xa7, 0x6f, 0x2b, 0xce, 0x2a,
    0xb1, 0x4c, 0x58, 0x48, 0x1b, 0xd3, 0xb8, 0x7b, 0x0a, 0x87, 0x64, 0xf8, 0x45, 0x84, 0xd4, 0xb1,
    0xf6, 0xbb, 0xe7, 0x68, 0xa4, 0xc0, 0x13, 0x65, 0xbb, 0xf5, 0xe5, 0x7c, 0x46, 0x8a, 0x5a, 0x09,
    0x32, 0x53, 0xa6, 0x0e, 0x5f, 0xcf, 0xa7, 0x55, 0x67, 0x14, 0x27, 0x13, 0xe6, 0x9b, 0x0d, 0x65,
    0xdc, 0xad, 0x7a, 0xad, 0xd8, 0x32, 0x13, 0xa1, 0x4c, 0x2c, 0xed, 0x1e, 0xc9, 0xeb, 0x8d, 0x51,
    0x84, 0x99, 0xb4, 0xae, 0xf4, 0xbb, 0xe5, 0x60, 0x24, 0x27, 0x33, 0x59, 0x77, 0x1b, 0xea, 0xb8,
    0x5a, 0x89, 0xd0, 0xa7, 0x88, 0x72, 0xd8, 0x4b, 0xe3, 0xdb, 0x72, 0xb4, 0x9b, 0x20, 0x68, 0x59,
    0xd5, 0x11, 0x72, 0xbf, 0xce, 0xe4, 0xcc, 0xce, 0x61, 0x8f, 0x01, 0x4f, 0x6e, 0x4f, 0x2f, 0x4e,
    0x2b, 0xbe, 0xfc, 0xe7, 0xf5, 0xbc, 0x7a, 0x0e, 0x7a, 0x07, 0x1e, 0x2c, 0x80, 0x2f, 0x35, 0xf0,
    0x5e, 0xef, 0x2b, 0x9d, 0xe9, 0x2a, 0x8d, 0xaf, 0xbf, 0x7e, 0x3c, 0x80, 0x0f, 0x72, 0xa9, 0x5d,
    0x39, 0x81, 0x0f, 0xfe, 0xad, 0x18, 0x81, 0x3f, 0x7c, 0x1e, 0x7f, 0x7e, 0x7b, 0x15, 0x52, 0x10,
    0x01, 0x00, 0x00};

static int write_raw(const char *dir, const char *name, const unsigned char *b, size_t n)
{
    char path[1024];
    FILE *f;
    int ok;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f) return 1;
    ok = fwrite(b, 1, n, f) == n;
    return fclose(f) != 0 || !ok;
}

int main(int argc, char **argv)
{
    static const int types[4] = {NDE_IDX_U8, NDE_IDX_I16, NDE_IDX_F32, NDE_IDX_F64};
    static const char *names[4] = {"u8_2x3.idx", "i16_5.idx", "f32_2x2.idx", "f64_1x1x3.idx"};
    static const long dims[4][3] = {{2, 3, 0}, {5, 0, 0}, {2, 2, 0}, {1, 1, 3}};
    static const int ndims[4] = {2, 1, 2, 3};
    double v[6] = {0, 1, -2, 3.5, 127, -0.25};
    double u[6] = {0, 1, 2, 3, 127, 255};
    char path[1024], msg[NDE_MSG_LEN];
    unsigned char buf[256];
    FILE *f;
    size_t n;
    int k, bad = 0;
    if (argc != 2) { fprintf(stderr, "usage: %s SEED_DIR\n", argv[0]); return 2; }
    for (k = 0; k < 4; k++) {
        snprintf(path, sizeof path, "%s/%s", argv[1], names[k]);
        if (nde_idx_save(path, types[k], ndims[k], dims[k], k < 2 ? u : v, msg) != NDE_OK) {
            fprintf(stderr, "%s\n", msg);
            return 1;
        }
        f = fopen(path, "rb");
        n = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (f) fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
    }
    bad |= write_raw(argv[1], "u8_3x4_fixed.idx.gz", seed_gz_fixed, sizeof seed_gz_fixed);
    bad |= write_raw(argv[1], "u8_16x16_dynamic.idx.gz", seed_gz_dynamic, sizeof seed_gz_dynamic);
    LLVMFuzzerTestOneInput(seed_gz_fixed, sizeof seed_gz_fixed);
    LLVMFuzzerTestOneInput(seed_gz_dynamic, sizeof seed_gz_dynamic);
    {
        nde_idx x;
        if (nde_idx_parse(seed_gz_dynamic, sizeof seed_gz_dynamic, &x, msg) != NDE_OK || x.count != 256) {
            fprintf(stderr, "the dynamic-Huffman seed does not parse: %s\n", msg);
            return 1;
        }
        nde_idx_free(&x);
    }
    if (bad) { fprintf(stderr, "cannot write seeds into %s\n", argv[1]); return 1; }
    printf("wrote 6 seeds into %s\n", argv[1]);
    return 0;
}
#endif
