/* ndeplot_png.c: the PNG back end of ndeplot.h, the one translation unit that holds
   third-party code. It compiles stb_image_write (encoder) and stb_image (decoder, PNG only,
   used by the tests to read figures back) from Debian's libstb-dev, installed as
   <stb/stb_image_write.h> and <stb/stb_image.h>; run tools/deps.sh when they are missing. */
#include "ndeplot.h"

/* stb's functions are static here (no exported symbols); it declares some it never defines
   when only PNG is enabled, reported at the end of the file, so this warning stays off. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>

int ndp_png_write(const char *path, int w, int h, const unsigned char *rgb)
{
    if (!path || !rgb || w <= 0 || h <= 0) return -1;
    return stbi_write_png(path, w, h, 3, rgb, 3 * w) ? 0 : -1;
}

unsigned char *ndp_png_read(const char *path, int *w, int *h, int *channels)
{
    int dummy_w, dummy_h, dummy_c;
    if (!path) return NULL;
    return stbi_load(path, w ? w : &dummy_w, h ? h : &dummy_h, channels ? channels : &dummy_c, 0);
}
