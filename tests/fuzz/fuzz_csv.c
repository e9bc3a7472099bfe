/* fuzz_csv.c: fuzz target of the table reader nde_csv_parse.

   clang -fsanitize=fuzzer,address,undefined -I. tests/fuzz/fuzz_csv.c -o build/fuzz_csv
       runs libFuzzer over LLVMFuzzerTestOneInput: any bytes, under every flag combination;
       a success must describe a consistent table (finite values unless NDE_CSV_NONFINITE,
       names present iff a header, every byte of the output written), a failure a message.
   cc -DFUZZ_WRITE_SEEDS -I. tests/fuzz/fuzz_csv.c -o build/fuzz_csv_seeds -lm
       build/fuzz_csv_seeds DIR writes a few small valid tables into DIR as seeds. */
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_WRITE_SEEDS

static void fuzz__check(int cond)
{
    if (!cond) abort();   /* libFuzzer reports the input that broke an invariant */
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const int flags[4] = {0, NDE_CSV_NONFINITE, NDE_CSV_HEADER, NDE_CSV_NO_HEADER | NDE_CSV_NONFINITE};
    char msg[NDE_MSG_LEN];
    int f, rc, j;
    long k;
    for (f = 0; f < 4; f++) {
        nde_csv c;
        memset(&c, 0, sizeof c);
        msg[0] = 0;
        rc = nde_csv_parse((const char *)data, size, "fuzz", flags[f], &c, msg);
        if (rc != NDE_OK) {
            fuzz__check(msg[0] != 0 && c.data == NULL && c.rows == 0);
            continue;
        }
        fuzz__check(c.rows >= 1 && c.cols >= 1 && c.data != NULL);
        fuzz__check(!(flags[f] & NDE_CSV_HEADER) || c.names != NULL);
        fuzz__check(!(flags[f] & NDE_CSV_NO_HEADER) || c.names == NULL);
        for (k = 0; k < (long)c.rows * c.cols; k++)
            fuzz__check((flags[f] & NDE_CSV_NONFINITE) || c.data[k] - c.data[k] == 0);
        for (j = 0; c.names && j < c.cols; j++) fuzz__check(strlen(c.names[j]) >= 1);
        fuzz__check(nde_csv_column(&c, c.names ? c.names[0] : "1") == 0);
        nde_csv_free(&c);
    }
    return 0;
}

#else

int main(int argc, char **argv)
{
    static const char *const seeds[] = {
        "t,x,y\n0,1,2\n0.5,1.5,-2e-3\n",
        "# comment\r\ntime;prey;predator\r\n0;10;5\r\n0.1;10.5;4.9\r\n",
        "t\tq\tp\n0\t1\t0\n1\t0.54\t-0.84\n",
        "0 1 2\n  3 4 5   # trailing\n\n6 7 8\n",
        "\"a\",\"b\"\nnan,inf\n1e300,-1e-300\n",
    };
    char path[4096];
    size_t k;
    if (argc != 2) { fprintf(stderr, "usage: %s SEED_DIR\n", argv[0]); return 2; }
    for (k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
        FILE *fp;
        snprintf(path, sizeof path, "%s/csv_seed_%d.csv", argv[1], (int)k);
        fp = fopen(path, "wb");
        if (!fp || fputs(seeds[k], fp) == EOF || fclose(fp) != 0) { fprintf(stderr, "cannot write %s\n", path); return 1; }
    }
    printf("wrote %d seeds into %s\n", (int)k, argv[1]);
    return 0;
}

#endif
