/* Second translation unit of the link test. */
#include "../neuralode.h"

int two_tu_b(void) { return nde_method_by_name("dopri5"); }
