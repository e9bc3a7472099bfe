/* Two translation units include the header; only nde_impl.c defines the
   implementation. Linking them proves there are no duplicate symbols. */
#include "../neuralode.h"
#include <stdio.h>

int two_tu_b(void);

int main(void)
{
    nde_rng r;
    nde_rng_seed(&r, 1);
    if (two_tu_b() != NDE_DOPRI5 || nde_rng_u64(&r) == 0) return 1;
    printf("two translation units: linked and ran\n");
    return 0;
}
