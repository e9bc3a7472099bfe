/* The one translation unit that compiles the implementation of neuralode.h: for the unit
   tests, and (build/nde_impl.o, build/nde_impl_omp.o) for the chapters, which the Makefile
   compiles with NEURALODE_NO_IMPLEMENTATION. */
#define NEURALODE_IMPLEMENTATION
#include "../neuralode.h"
