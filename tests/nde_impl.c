/* The one translation unit that compiles the implementation of neuralode.h. */
#define NEURALODE_IMPLEMENTATION
#include "../neuralode.h"
