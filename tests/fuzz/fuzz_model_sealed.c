/* Fuzz target: model files with the checksum recomputed over the fuzzed
   bytes, so that mutations reach the field, size and chain checks behind
   it (see fuzz_model.c, which this is with FUZZ_SEAL set). */
#define FUZZ_SEAL 1
#include "fuzz_model.c"
