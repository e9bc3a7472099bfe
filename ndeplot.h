/* ndeplot.h - v0.1 - figures for neuralode.h: one description, a PNG and a gnuplot script
   no warranty; public domain or MIT, see the end of the file

   A single-file plotting header in the stb style, libc + libm only. A figure is a grid of
   panels; a panel holds line series (also phase portraits), scatter points, arrows (vector
   fields) and heat maps, with a frame, ticks at "nice" values, axis labels, a title, a legend
   placed where it covers no data, log axes and a colour bar. ndp_save writes NAME.png, drawn
   here with a built-in bitmap font, and NAME.dat + NAME.gp, a gnuplot script that draws the
   same figure so a reader can restyle it.

   USAGE
     Define NDEPLOT_IMPLEMENTATION in exactly one C or C++ file before including this header,
     and link ndeplot_png.c, the PNG encoder (stb_image_write.h from Debian's libstb-dev):
         cc -std=c99 -O2 -I. prog.c ndeplot_png.c -lm

   CONTENTS
     1. Statuses, colours, styles       ndp_status_name ndp_paired
     2. Figures and panels              ndp_figure_create ndp_figure_free ndp_figure_title
                                        ndp_text_scale ndp_panel_at
     3. Series                          ndp_line ndp_scatter ndp_arrows ndp_heatmap
                                        ndp_line_strided ndp_scatter_strided ndp_mark_every
     4. Axes and decorations            ndp_title ndp_xlabel ndp_ylabel ndp_log
                                        ndp_xlim ndp_ylim ndp_clim ndp_legend
     5. Output                          ndp_render ndp_pixels ndp_panel_layout ndp_save
                                        ndp_finish
     6. Nice ticks                      ndp_nice_ticks
     7. PNG back end (ndeplot_png.c)    ndp_png_write ndp_png_read

   CONVENTIONS
     - Pixels: x right, y down, origin top-left; pixel (i, j) covers [i, i+1) x [j, j+1).
       The canvas is (H, W, 3) row-major 8-bit RGB on white.
     - Series data is copied when added; the caller keeps its arrays.
     - Non-finite points are skipped: a line has a gap there, a heat-map cell stays blank.
     - Errors: every call returns an ndp_status (NDP_OK = 0, failures negative). The first
       failure of a building call (ndp_line, ndp_xlim, ...) is also kept in its figure and
       returned again, with its message, by ndp_render and ndp_save: checking ndp_save is enough.
     - Axis ranges: automatic ranges grow to the enclosing nice ticks (1, 2, 5 x 10^k); limits
       from ndp_xlim / ndp_ylim, and the extent of panels with heat maps or arrows, are kept.
       An automatic y range also grows to the next tick when a marker would touch its top or
       bottom edge (markers at the first and last x, the usual end times, may meet the frame).
     - Paired palettes: ndp_paired(k, role) gives variable k one colour for its truth (solid),
       model (dashed) and data (marker shape k); ndp_mark_every puts markers on a line.

   OPTIONS (define before including)
     NDEPLOT_STATIC                      the functions of this header become static inline
     NDP_MALLOC, NDP_REALLOC, NDP_FREE   all three or none: replace malloc, realloc, free

   LIMITATIONS
     - Text is printable ASCII (other bytes draw as '?'), at scale 1 (5x7 glyphs) or 2
       (smoothed to 10x14); long titles and labels are not shortened: text wider than its
       space is clipped at the image edge (keep titles short, or the figure wide).
     - Legends are not capped: about 20 entries fill a 450 px panel (an outside legend then
       leaves no room and ndp_save fails with NDP_ERR_ARG; an explicit corner overflows).
     - Arrows and heat maps need linear axes; colour bars are linear.
     - A line segment with both ends beyond about 1e15 plot sizes outside a fixed range may be
       left out (its crossing cannot be located in double precision); one far end is fine.
     - ndp_save does not create directories; run NAME.gp from its own directory. gnuplot
       warns about NaN cells of a heat map (and leaves them blank, as here); gnuplot's
       "with image" draws nothing for a heat map one cell wide or high (the PNG is right).

   EXAMPLE
*/
#if 0
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"
#include <math.h>
#include <stdio.h>

int main(void)
{
    double t[200], x[200], y[200];
    char msg[NDP_MSG_LEN];
    ndp_figure *fig = ndp_figure_create(900, 450, 1, 2, msg);
    ndp_style dashed = {NDP_AUTO, NDP_DASHED, NDP_CIRCLE, 0, 0};
    int i, st;
    if (!fig) { fprintf(stderr, "%s\n", msg); return 1; }
    for (i = 0; i < 200; i++) {
        t[i] = 0.05 * i;
        x[i] = exp(-0.1 * t[i]) * cos(t[i]);
        y[i] = exp(-0.1 * t[i]) * sin(t[i]);
    }
    ndp_line(ndp_panel_at(fig, 0, 0), t, x, 200, "x(t)", NULL);
    ndp_line(ndp_panel_at(fig, 0, 0), t, y, 200, "y(t)", &dashed);
    ndp_xlabel(ndp_panel_at(fig, 0, 0), "t");
    ndp_line(ndp_panel_at(fig, 0, 1), x, y, 200, NULL, NULL);
    ndp_title(ndp_panel_at(fig, 0, 1), "phase portrait");
    st = ndp_save(fig, "spiral", msg);   /* spiral.png, spiral.dat, spiral.gp */
    if (st) fprintf(stderr, "%s: %s\n", ndp_status_name(st), msg);
    ndp_figure_free(fig);
    return st != NDP_OK;
}
#endif

#ifndef NDEPLOT_H
#define NDEPLOT_H

#ifdef NDEPLOT_STATIC
#define NDPDEF static inline   /* inline: no warning for the functions a program leaves unused */
#else
#define NDPDEF extern
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* 1. Statuses, colours, styles                                           */
/* ===================================================================== */

typedef enum ndp_status {
    NDP_OK = 0,
    NDP_ERR_ARG = -1,   /* bad argument: NULL pointer, size, range, option, panel too small */
    NDP_ERR_LOG = -2,   /* a non-positive value or limit on a log axis                    */
    NDP_ERR_NOMEM = -3, /* allocation failed                                              */
    NDP_ERR_IO = -4     /* could not write or rename a file                               */
} ndp_status;

/* Name of a status code, e.g. "NDP_ERR_LOG". Never NULL. */
NDPDEF const char *ndp_status_name(int status);

/* Size of the caller-owned message buffers (one line naming the argument). */
#define NDP_MSG_LEN 256
/* Longest stored title, label or legend entry, with its terminating zero; longer text is cut. */
#define NDP_TEXT_LEN 128

/* Colours: the Okabe-Ito palette (safe for the common colour-vision deficiencies), in the
   order NDP_AUTO hands them out, then a neutral grey for reference curves. */
enum ndp_color {
    NDP_AUTO = 0, NDP_BLUE, NDP_VERMILION, NDP_GREEN, NDP_ORANGE, NDP_SKYBLUE,
    NDP_PURPLE, NDP_BLACK, NDP_YELLOW, NDP_GREY
};
enum ndp_dash { NDP_SOLID = 0, NDP_DASHED, NDP_DOTTED };
enum ndp_marker { NDP_CIRCLE = 0, NDP_SQUARE, NDP_CROSS, NDP_PLUS, NDP_TRIANGLE, NDP_DIAMOND };

/* How a series is drawn. All zeros (or a NULL pointer) means: next palette colour, solid,
   filled circles, default width and size for the figure's text scale. */
typedef struct ndp_style {
    int color;     /* enum ndp_color                                   */
    int dash;      /* enum ndp_dash (lines)                            */
    int marker;    /* enum ndp_marker (scatter; lines: ndp_mark_every) */
    double width;  /* line width in pixels; 0: 1.25 x text scale      */
    double size;   /* marker radius in pixels; 0: 2 x text scale      */
} ndp_style;

/* Roles of a paired palette: one colour per variable k, told apart by role. */
enum ndp_role { NDP_ROLE_TRUTH = 0, NDP_ROLE_MODEL, NDP_ROLE_DATA };
/* The style of variable k (0, 1, ...) in a role: the k-th palette colour for all three
   roles (a variable's truth, model and data share it); truth solid, model dashed and
   wider, data as markers of shape k (circle, square, triangle, diamond, ...). */
NDPDEF ndp_style ndp_paired(int k, int role);

/* ===================================================================== */
/* 2. Figures and panels                                                  */
/* ===================================================================== */

typedef struct ndp_figure ndp_figure;
typedef struct ndp_panel ndp_panel;

/* A width x height pixel figure split into rows x cols equal panels (row 0 at the top).
   Returns NULL on bad sizes (width, height in [32, 16384], rows, cols in [1, 16]) or no
   memory, with the reason in msg. Free with ndp_figure_free. */
NDPDEF ndp_figure *ndp_figure_create(int width, int height, int rows, int cols, char *msg);
/* Free a figure, its panels and all copied data. NULL is ignored. */
NDPDEF void ndp_figure_free(ndp_figure *fig);
/* Title drawn above all panels. */
NDPDEF int ndp_figure_title(ndp_figure *fig, const char *title);
/* Text scale 1 (5x7 glyphs) or 2 (10x14). The default is 2 when panels are at least
   400 x 300 pixels, else 1. Line widths and marker sizes follow it. */
NDPDEF int ndp_text_scale(ndp_figure *fig, int scale);
/* The panel at (row, col), owned by the figure; NULL when out of range. */
NDPDEF ndp_panel *ndp_panel_at(ndp_figure *fig, int row, int col);

/* ===================================================================== */
/* 3. Series                                                              */
/* ===================================================================== */

/* A polyline through (x_i, y_i), i < n: curves and phase portraits. x may be NULL, meaning
   x_i = i (loss curves). label (may be NULL) goes to the legend; style may be NULL. */
NDPDEF int ndp_line(ndp_panel *p, const double *x, const double *y, int n, const char *label, const ndp_style *style);
/* Markers at (x_i, y_i), i < n; x may be NULL (x_i = i). */
NDPDEF int ndp_scatter(ndp_panel *p, const double *x, const double *y, int n, const char *label, const ndp_style *style);
/* Arrows centred on (x_i, y_i) along (u_i, v_i), i < n, all scaled by one factor so the
   longest is about the spacing of n points spread over the plot: a vector field when the
   points lie on a grid. Lengths keep their ratios. The automatic range keeps half a grid
   step around the points, without growing to ticks. Needs linear axes. */
NDPDEF int ndp_arrows(ndp_panel *p, const double *x, const double *y, const double *u, const double *v, int n, const char *label, const ndp_style *style);
/* A heat map of z (ny, nx) row-major: z[j*nx + i] fills the cell i of nx across [x0, x1]
   and j of ny across [y0, y1] (j = 0 at y0, the bottom). Colours: viridis over the range of
   z (or ndp_clim), shown in a colour bar titled label. Needs linear axes. */
NDPDEF int ndp_heatmap(ndp_panel *p, const double *z, int nx, int ny, double x0, double x1, double y0, double y1, const char *label);
/* A shaded vertical band over x0 <= x <= x1 (x0 < x1, finite), the full height of the plot,
   in a light tint of the style's colour, drawn under every curve: a training region, a
   window. It widens the automatic x range, never the y range; the legend shows a tinted box. */
NDPDEF int ndp_span(ndp_panel *p, double x0, double x1, const char *label, const ndp_style *style);
/* Markers (the style's shape) on every k-th point of the panel's last line series, k >= 1
   (0: none again): curves that share a colour, or readers who cannot tell colours apart,
   still tell them apart; the legend shows the marker on the line. */
NDPDEF int ndp_mark_every(ndp_panel *p, int k);
/* ndp_line and ndp_scatter reading every xstride-th x and ystride-th y: x_i = x[i*xstride],
   y_i = y[i*ystride], i < n, strides >= 1 (x NULL: x_i = i). Component d of batch row b of
   an (N,B,D) array is y = a + b*D + d, ystride = B*D; every k-th point of a curve is both
   strides k. Saves gathering columns into scratch arrays; the data is copied as usual. */
NDPDEF int ndp_line_strided(ndp_panel *p, const double *x, int xstride, const double *y, int ystride, int n, const char *label, const ndp_style *style);
NDPDEF int ndp_scatter_strided(ndp_panel *p, const double *x, int xstride, const double *y, int ystride, int n, const char *label, const ndp_style *style);

/* ===================================================================== */
/* 4. Axes and decorations                                                */
/* ===================================================================== */

enum ndp_legend_at {
    NDP_LEGEND_AUTO = 0,  /* the emptiest inside corner, or outside when every corner has data */
    NDP_LEGEND_NONE, NDP_LEGEND_TOP_LEFT, NDP_LEGEND_TOP_RIGHT,
    NDP_LEGEND_BOTTOM_LEFT, NDP_LEGEND_BOTTOM_RIGHT,
    NDP_LEGEND_OUTSIDE    /* above the plot area, entries side by side */
};

/* Panel title, x-axis label, y-axis label (drawn reading upwards). NULL clears. */
NDPDEF int ndp_title(ndp_panel *p, const char *title);
NDPDEF int ndp_xlabel(ndp_panel *p, const char *label);
NDPDEF int ndp_ylabel(ndp_panel *p, const char *label);
/* Log10 scale on x and/or y (non-zero = on). Non-positive data on a log axis makes
   ndp_render / ndp_save return NDP_ERR_LOG naming the series and index. */
NDPDEF int ndp_log(ndp_panel *p, int xlog, int ylog);
/* Fixed axis ranges (lo < hi, finite; positive on a log axis) and colour-bar range. */
NDPDEF int ndp_xlim(ndp_panel *p, double lo, double hi);
NDPDEF int ndp_ylim(ndp_panel *p, double lo, double hi);
NDPDEF int ndp_clim(ndp_panel *p, double lo, double hi);
/* Where the legend goes (enum ndp_legend_at); only labelled series are listed. */
NDPDEF int ndp_legend(ndp_panel *p, int where);

/* ===================================================================== */
/* 5. Output                                                              */
/* ===================================================================== */

/* Draw the figure into its canvas. Returns the first building error if any, else checks
   the data against the axes (NDP_ERR_LOG) and the panel sizes (NDP_ERR_ARG). */
NDPDEF int ndp_render(ndp_figure *fig, char *msg);
/* The canvas (H, W, 3) RGB of the last ndp_render, owned by the figure; NULL before it. */
NDPDEF const unsigned char *ndp_pixels(const ndp_figure *fig, int *width, int *height);

/* Ticks of one axis: positions and labels. */
#define NDP_MAX_TICKS 32
typedef struct ndp_ticks {
    int n;                          /* number of ticks                                */
    double lo, hi;                  /* axis range                                     */
    double v[NDP_MAX_TICKS];        /* (n) tick values, increasing, inside [lo, hi]   */
    char label[NDP_MAX_TICKS][24];  /* (n) labels: "0.25", "-3", "1.5e-7", "1e30"     */
} ndp_ticks;

/* Where things went in the last ndp_render. */
typedef struct ndp_panel_info {
    int plot[4];       /* plot area x0, y0, x1, y1 (pixels, half-open): data x lo..hi maps
                          to x0..x1, y lo..hi to y1..y0 (linear in log10 on a log axis) */
    int legend[4];     /* legend box x0, y0, x1, y1; zeros when there is none           */
    int legend_at;     /* enum ndp_legend_at actually used                              */
    ndp_ticks x, y, c; /* ticks and ranges of the x, y and colour axes                  */
} ndp_panel_info;
/* Fill info for panel p from the last ndp_render (NDP_ERR_ARG before one). */
NDPDEF int ndp_panel_layout(const ndp_panel *p, ndp_panel_info *info);

/* Render and write STEM.png, STEM.dat (the data, one gnuplot "index" block per series) and
   STEM.gp (gnuplot script: pngcairo to STEM_gnuplot.png, run it in its directory). STEM has
   no extension, e.g. "plots/ch03_spiral". Each file is written to a .tmp name then renamed,
   so a failed save never leaves a half-written file. Missing directories on the way to STEM
   are created (NDP_ERR_IO, naming the directory, when one cannot be). */
NDPDEF int ndp_save(ndp_figure *fig, const char *stem, char *msg);
/* The last call on a figure: ndp_save with the stem DIR/NAME (dir NULL or "": NAME), then
   ndp_figure_free(fig) whether or not that worked. msg receives one line for the caller to
   print, "wrote DIR/NAME.png (+ .dat, .gp)" or "DIR/NAME not written: STATUS: why". Returns
   the status of ndp_save (NDP_ERR_ARG also for a NULL fig or name). */
NDPDEF int ndp_finish(ndp_figure *fig, const char *dir, const char *name, char *msg);

/* ===================================================================== */
/* 6. Nice ticks                                                          */
/* ===================================================================== */

/* At most max_n (2..NDP_MAX_TICKS) ticks at nice values for the data range [lo, hi].
   Linear: multiples of step = {1, 2, 5} x 10^k, the smallest step that fits. Log: 1, 2, 5
   x 10^k when that fits, else every d-th decade 10^k, d in {1, 2, 5, 10, ...}. expand != 0:
   the range grows to the enclosing ticks (t->lo <= lo, t->hi >= hi, both ticks); else the
   range is [lo, hi] and the ticks lie inside. A zero-width range is widened first.
   Returns NDP_ERR_ARG (bad sizes, non-finite, lo > hi) or NDP_ERR_LOG (log and lo <= 0). */
NDPDEF int ndp_nice_ticks(double lo, double hi, int max_n, int log_axis, int expand, ndp_ticks *t, char *msg);

/* ===================================================================== */
/* 7. PNG back end, in ndeplot_png.c (stb_image_write / stb_image)        */
/* ===================================================================== */

/* Write rgb (h, w, 3) as an 8-bit RGB PNG at path. Returns 0, or -1 on failure. */
int ndp_png_write(const char *path, int w, int h, const unsigned char *rgb);
/* Read a PNG: returns its pixels (h, w, channels) as stored, to be released with free(),
   or NULL. Used by the tests to check written figures. */
unsigned char *ndp_png_read(const char *path, int *w, int *h, int *channels);

#ifdef __cplusplus
}
#endif

#endif /* NDEPLOT_H */

/* ===================================================================== */
/* ===================================================================== */
/*                          IMPLEMENTATION                               */
/* ===================================================================== */
/* ===================================================================== */

#ifdef NDEPLOT_IMPLEMENTATION
#ifndef NDEPLOT_IMPLEMENTATION_DONE
#define NDEPLOT_IMPLEMENTATION_DONE

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(_WIN32)
#include <direct.h>
#define NDP__MKDIR(path) _mkdir(path)
#else
#include <sys/stat.h>
#define NDP__MKDIR(path) mkdir(path, 0777)
#endif

#if defined(NDP_MALLOC) && defined(NDP_REALLOC) && defined(NDP_FREE)
#elif !defined(NDP_MALLOC) && !defined(NDP_REALLOC) && !defined(NDP_FREE)
#define NDP_MALLOC(sz) malloc(sz)
#define NDP_REALLOC(p, sz) realloc(p, sz)
#define NDP_FREE(p) free(p)
#else
#error "ndeplot.h: define all of NDP_MALLOC, NDP_REALLOC and NDP_FREE, or none of them"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Statuses and messages                                                  */
/* ===================================================================== */

NDPDEF const char *ndp_status_name(int status)
{
    switch (status) {
    case NDP_OK: return "NDP_OK";
    case NDP_ERR_ARG: return "NDP_ERR_ARG";
    case NDP_ERR_LOG: return "NDP_ERR_LOG";
    case NDP_ERR_NOMEM: return "NDP_ERR_NOMEM";
    case NDP_ERR_IO: return "NDP_ERR_IO";
    default: return "NDP_ERR_UNKNOWN";
    }
}

NDPDEF ndp_style ndp_paired(int k, int role)
{
    static const int colors[7] = {NDP_BLUE, NDP_VERMILION, NDP_GREEN, NDP_ORANGE, NDP_PURPLE, NDP_SKYBLUE, NDP_BLACK};
    static const int shapes[5] = {NDP_CIRCLE, NDP_SQUARE, NDP_TRIANGLE, NDP_DIAMOND, NDP_CROSS};
    ndp_style st;
    memset(&st, 0, sizeof st);
    if (k < 0) k = 0;
    st.color = colors[k % 7];
    st.dash = role == NDP_ROLE_MODEL ? NDP_DASHED : NDP_SOLID;
    st.marker = shapes[k % 5];
    return st;
}

/* Write a formatted one-line message into msg (NDP_MSG_LEN bytes), if given. */
static void ndp__vmsg(char *msg, const char *fmt, va_list ap)
{
    if (msg) vsnprintf(msg, NDP_MSG_LEN, fmt, ap);
}

static void ndp__msg(char *msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ndp__vmsg(msg, fmt, ap);
    va_end(ap);
}

static int ndp__finite(double x) { return x - x == 0.0; }
static double ndp__clamp(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static int ndp__imin(int a, int b) { return a < b ? a : b; }
static int ndp__imax(int a, int b) { return a > b ? a : b; }

/* Copy text into a fixed NDP_TEXT_LEN field, control characters (a newline would break
   the comment lines of STEM.dat) as spaces; NULL gives "". */
static void ndp__set_text(char *dst, const char *src)
{
    size_t n = src ? strlen(src) : 0, i;
    if (n > NDP_TEXT_LEN - 1) n = NDP_TEXT_LEN - 1;
    for (i = 0; i < n; i++) dst[i] = (unsigned char)src[i] < 32 ? ' ' : src[i];
    dst[n] = 0;
}

/* ===================================================================== */
/* Colours: Okabe-Ito palette and the viridis colour map                  */
/* Okabe & Ito, "Color Universal Design" (2008); viridis: van der Walt &  */
/* Smith, matplotlib (2015), sampled at 9 stops and interpolated linearly */
/* in sRGB, which stays within a few levels of the full table.            */
/* ===================================================================== */

static const unsigned char ndp__palette[10][3] = {
    {0, 0, 0},                                     /* NDP_AUTO (resolved when added) */
    {0, 114, 178}, {213, 94, 0}, {0, 158, 115}, {230, 159, 0}, {86, 180, 233},
    {204, 121, 167}, {0, 0, 0}, {240, 228, 66}, {140, 140, 140}
};

static const unsigned char ndp__viridis[9][3] = {
    {68, 1, 84}, {72, 40, 120}, {62, 74, 137}, {49, 104, 142}, {38, 130, 142},
    {31, 158, 137}, {53, 183, 121}, {109, 205, 89}, {253, 231, 37}
};

static const unsigned char ndp__white[3] = {255, 255, 255};
static const unsigned char ndp__ink[3] = {34, 34, 34};      /* text, frame, ticks */
static const unsigned char ndp__grid[3] = {230, 230, 230};  /* grid lines         */
static const unsigned char ndp__rule[3] = {190, 190, 190};  /* legend border      */

/* Colour of t in [0, 1] on the viridis map. */
static void ndp__colormap(double t, unsigned char rgb[3])
{
    double f = ndp__clamp(t, 0, 1) * 8;
    int i = (int)f, k;
    if (i > 7) i = 7;
    f -= i;
    for (k = 0; k < 3; k++)
        rgb[k] = (unsigned char)(ndp__viridis[i][k] + f * (ndp__viridis[i + 1][k] - ndp__viridis[i][k]) + 0.5);
}

/* ===================================================================== */
/* Font: 5x7 glyphs for printable ASCII, with 2 descender rows            */
/* One byte per row (bit 4 = left column), rows 0-6 above the baseline.   */
/* Drawn for this header. Scale 2 doubles each glyph by EPX (Scale2x):    */
/* a corner pixel takes its two equal neighbours' value when they agree,  */
/* which rounds diagonal strokes [E. Johnston, EPX, 1992; = Scale2x].    */
/* ===================================================================== */

#define NDP__GW 5   /* glyph width, pixels at scale 1                     */
#define NDP__GH 9   /* glyph height with descenders                       */
#define NDP__ADV 6  /* advance per character                              */

static const unsigned char ndp__font[95][NDP__GH] = {
    {0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x00}, /* space */
    {0x04,0x04,0x04,0x04,0x04,0x00,0x04,0x00,0x00}, /* ! */
    {0x0A,0x0A,0x0A,0x00,0x00,0x00,0x00,0x00,0x00}, /* " */
    {0x0A,0x0A,0x1F,0x0A,0x1F,0x0A,0x0A,0x00,0x00}, /* # */
    {0x04,0x0F,0x14,0x0E,0x05,0x1E,0x04,0x00,0x00}, /* $ */
    {0x18,0x19,0x02,0x04,0x08,0x13,0x03,0x00,0x00}, /* % */
    {0x0C,0x12,0x14,0x08,0x15,0x12,0x0D,0x00,0x00}, /* & */
    {0x0C,0x04,0x08,0x00,0x00,0x00,0x00,0x00,0x00}, /* ' */
    {0x02,0x04,0x08,0x08,0x08,0x04,0x02,0x00,0x00}, /* ( */
    {0x08,0x04,0x02,0x02,0x02,0x04,0x08,0x00,0x00}, /* ) */
    {0x00,0x04,0x15,0x0E,0x15,0x04,0x00,0x00,0x00}, /* * */
    {0x00,0x04,0x04,0x1F,0x04,0x04,0x00,0x00,0x00}, /* + */
    {0x00,0x00,0x00,0x00,0x00,0x0C,0x04,0x08,0x00}, /* , */
    {0x00,0x00,0x00,0x1F,0x00,0x00,0x00,0x00,0x00}, /* - */
    {0x00,0x00,0x00,0x00,0x00,0x0C,0x0C,0x00,0x00}, /* . */
    {0x01,0x01,0x02,0x04,0x08,0x10,0x10,0x00,0x00}, /* / */
    {0x0E,0x11,0x13,0x15,0x19,0x11,0x0E,0x00,0x00}, /* 0 */
    {0x04,0x0C,0x04,0x04,0x04,0x04,0x0E,0x00,0x00}, /* 1 */
    {0x0E,0x11,0x01,0x02,0x04,0x08,0x1F,0x00,0x00}, /* 2 */
    {0x1F,0x02,0x04,0x02,0x01,0x11,0x0E,0x00,0x00}, /* 3 */
    {0x02,0x06,0x0A,0x12,0x1F,0x02,0x02,0x00,0x00}, /* 4 */
    {0x1F,0x10,0x1E,0x01,0x01,0x11,0x0E,0x00,0x00}, /* 5 */
    {0x06,0x08,0x10,0x1E,0x11,0x11,0x0E,0x00,0x00}, /* 6 */
    {0x1F,0x01,0x02,0x04,0x08,0x08,0x08,0x00,0x00}, /* 7 */
    {0x0E,0x11,0x11,0x0E,0x11,0x11,0x0E,0x00,0x00}, /* 8 */
    {0x0E,0x11,0x11,0x0F,0x01,0x02,0x0C,0x00,0x00}, /* 9 */
    {0x00,0x0C,0x0C,0x00,0x0C,0x0C,0x00,0x00,0x00}, /* : */
    {0x00,0x0C,0x0C,0x00,0x0C,0x04,0x08,0x00,0x00}, /* ; */
    {0x02,0x04,0x08,0x10,0x08,0x04,0x02,0x00,0x00}, /* < */
    {0x00,0x00,0x1F,0x00,0x1F,0x00,0x00,0x00,0x00}, /* = */
    {0x08,0x04,0x02,0x01,0x02,0x04,0x08,0x00,0x00}, /* > */
    {0x0E,0x11,0x01,0x02,0x04,0x00,0x04,0x00,0x00}, /* ? */
    {0x0E,0x11,0x17,0x15,0x17,0x10,0x0F,0x00,0x00}, /* @ */
    {0x0E,0x11,0x11,0x11,0x1F,0x11,0x11,0x00,0x00}, /* A */
    {0x1E,0x11,0x11,0x1E,0x11,0x11,0x1E,0x00,0x00}, /* B */
    {0x0E,0x11,0x10,0x10,0x10,0x11,0x0E,0x00,0x00}, /* C */
    {0x1C,0x12,0x11,0x11,0x11,0x12,0x1C,0x00,0x00}, /* D */
    {0x1F,0x10,0x10,0x1E,0x10,0x10,0x1F,0x00,0x00}, /* E */
    {0x1F,0x10,0x10,0x1E,0x10,0x10,0x10,0x00,0x00}, /* F */
    {0x0E,0x11,0x10,0x17,0x11,0x11,0x0F,0x00,0x00}, /* G */
    {0x11,0x11,0x11,0x1F,0x11,0x11,0x11,0x00,0x00}, /* H */
    {0x0E,0x04,0x04,0x04,0x04,0x04,0x0E,0x00,0x00}, /* I */
    {0x07,0x02,0x02,0x02,0x02,0x12,0x0C,0x00,0x00}, /* J */
    {0x11,0x12,0x14,0x18,0x14,0x12,0x11,0x00,0x00}, /* K */
    {0x10,0x10,0x10,0x10,0x10,0x10,0x1F,0x00,0x00}, /* L */
    {0x11,0x1B,0x15,0x15,0x11,0x11,0x11,0x00,0x00}, /* M */
    {0x11,0x11,0x19,0x15,0x13,0x11,0x11,0x00,0x00}, /* N */
    {0x0E,0x11,0x11,0x11,0x11,0x11,0x0E,0x00,0x00}, /* O */
    {0x1E,0x11,0x11,0x1E,0x10,0x10,0x10,0x00,0x00}, /* P */
    {0x0E,0x11,0x11,0x11,0x15,0x12,0x0D,0x00,0x00}, /* Q */
    {0x1E,0x11,0x11,0x1E,0x14,0x12,0x11,0x00,0x00}, /* R */
    {0x0F,0x10,0x10,0x0E,0x01,0x01,0x1E,0x00,0x00}, /* S */
    {0x1F,0x04,0x04,0x04,0x04,0x04,0x04,0x00,0x00}, /* T */
    {0x11,0x11,0x11,0x11,0x11,0x11,0x0E,0x00,0x00}, /* U */
    {0x11,0x11,0x11,0x11,0x11,0x0A,0x04,0x00,0x00}, /* V */
    {0x11,0x11,0x11,0x15,0x15,0x15,0x0A,0x00,0x00}, /* W */
    {0x11,0x11,0x0A,0x04,0x0A,0x11,0x11,0x00,0x00}, /* X */
    {0x11,0x11,0x11,0x0A,0x04,0x04,0x04,0x00,0x00}, /* Y */
    {0x1F,0x01,0x02,0x04,0x08,0x10,0x1F,0x00,0x00}, /* Z */
    {0x0E,0x08,0x08,0x08,0x08,0x08,0x0E,0x00,0x00}, /* [ */
    {0x10,0x10,0x08,0x04,0x02,0x01,0x01,0x00,0x00}, /* backslash */
    {0x0E,0x02,0x02,0x02,0x02,0x02,0x0E,0x00,0x00}, /* ] */
    {0x04,0x0A,0x11,0x00,0x00,0x00,0x00,0x00,0x00}, /* ^ */
    {0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x1F,0x00}, /* _ */
    {0x08,0x04,0x02,0x00,0x00,0x00,0x00,0x00,0x00}, /* ` */
    {0x00,0x00,0x0E,0x01,0x0F,0x11,0x0F,0x00,0x00}, /* a */
    {0x10,0x10,0x16,0x19,0x11,0x11,0x1E,0x00,0x00}, /* b */
    {0x00,0x00,0x0E,0x10,0x10,0x11,0x0E,0x00,0x00}, /* c */
    {0x01,0x01,0x0D,0x13,0x11,0x11,0x0F,0x00,0x00}, /* d */
    {0x00,0x00,0x0E,0x11,0x1F,0x10,0x0E,0x00,0x00}, /* e */
    {0x06,0x09,0x08,0x1C,0x08,0x08,0x08,0x00,0x00}, /* f */
    {0x00,0x00,0x0F,0x11,0x11,0x11,0x0F,0x01,0x0E}, /* g */
    {0x10,0x10,0x16,0x19,0x11,0x11,0x11,0x00,0x00}, /* h */
    {0x04,0x00,0x0C,0x04,0x04,0x04,0x0E,0x00,0x00}, /* i */
    {0x02,0x00,0x06,0x02,0x02,0x02,0x02,0x12,0x0C}, /* j */
    {0x10,0x10,0x12,0x14,0x18,0x14,0x12,0x00,0x00}, /* k */
    {0x0C,0x04,0x04,0x04,0x04,0x04,0x0E,0x00,0x00}, /* l */
    {0x00,0x00,0x1A,0x15,0x15,0x15,0x15,0x00,0x00}, /* m */
    {0x00,0x00,0x16,0x19,0x11,0x11,0x11,0x00,0x00}, /* n */
    {0x00,0x00,0x0E,0x11,0x11,0x11,0x0E,0x00,0x00}, /* o */
    {0x00,0x00,0x1E,0x11,0x11,0x11,0x1E,0x10,0x10}, /* p */
    {0x00,0x00,0x0F,0x11,0x11,0x11,0x0F,0x01,0x01}, /* q */
    {0x00,0x00,0x16,0x19,0x10,0x10,0x10,0x00,0x00}, /* r */
    {0x00,0x00,0x0F,0x10,0x0E,0x01,0x1E,0x00,0x00}, /* s */
    {0x08,0x08,0x1C,0x08,0x08,0x09,0x06,0x00,0x00}, /* t */
    {0x00,0x00,0x11,0x11,0x11,0x13,0x0D,0x00,0x00}, /* u */
    {0x00,0x00,0x11,0x11,0x11,0x0A,0x04,0x00,0x00}, /* v */
    {0x00,0x00,0x11,0x11,0x15,0x15,0x0A,0x00,0x00}, /* w */
    {0x00,0x00,0x11,0x0A,0x04,0x0A,0x11,0x00,0x00}, /* x */
    {0x00,0x00,0x11,0x11,0x11,0x11,0x0F,0x01,0x0E}, /* y */
    {0x00,0x00,0x1F,0x02,0x04,0x08,0x1F,0x00,0x00}, /* z */
    {0x02,0x04,0x04,0x08,0x04,0x04,0x02,0x00,0x00}, /* { */
    {0x04,0x04,0x04,0x04,0x04,0x04,0x04,0x04,0x00}, /* | */
    {0x08,0x04,0x04,0x02,0x04,0x04,0x08,0x00,0x00}, /* } */
    {0x00,0x00,0x08,0x15,0x02,0x00,0x00,0x00,0x00}  /* ~ */
};

/* Bitmap of character ch at scale s (1 or 2): out (NDP__GH*s, NDP__GW*s), 1 = ink. */
static void ndp__glyph(int ch, int s, unsigned char out[2 * NDP__GH][2 * NDP__GW])
{
    const unsigned char *rows = ndp__font[(ch < 32 || ch > 126) ? '?' - 32 : ch - 32];
    int r, c;
    for (r = 0; r < NDP__GH; r++)
        for (c = 0; c < NDP__GW; c++) {
            /* P and its neighbours A (up), B (right), C (left), D (down); 0 outside */
            int P = (rows[r] >> (4 - c)) & 1;
            int A = r > 0 ? (rows[r - 1] >> (4 - c)) & 1 : 0;
            int D = r < NDP__GH - 1 ? (rows[r + 1] >> (4 - c)) & 1 : 0;
            int C = c > 0 ? (rows[r] >> (5 - c)) & 1 : 0;
            int B = c < NDP__GW - 1 ? (rows[r] >> (3 - c)) & 1 : 0;
            if (s == 1) { out[r][c] = (unsigned char)P; continue; }
            out[2 * r][2 * c] = (unsigned char)((C == A && C != D && A != B) ? A : P);
            out[2 * r][2 * c + 1] = (unsigned char)((A == B && A != C && B != D) ? B : P);
            out[2 * r + 1][2 * c] = (unsigned char)((D == C && D != B && C != A) ? C : P);
            out[2 * r + 1][2 * c + 1] = (unsigned char)((B == D && B != A && D != C) ? D : P);
        }
}

/* ===================================================================== */
/* Canvas: crisp pixels for text and rectangles, coverage for shapes      */
/* Lines and markers are anti-aliased analytically: a pixel centre at     */
/* distance d from a stroke of half-width w gets coverage                 */
/* clamp(w + 1/2 - d, 0, 1). Coverage of one series accumulates by max in */
/* cov, then is painted once, so overlapping segments do not darken.      */
/* ===================================================================== */

typedef struct ndp__canvas {
    int w, h;
    unsigned char *rgb;  /* (h, w, 3) */
    float *cov;          /* (h, w) coverage in [0, 1] of the shape being drawn */
    int clip[4];         /* shapes are drawn only inside x0, y0, x1, y1 (half-open) */
    int dirty[4];        /* bounding box of non-zero cov, empty when x0 >= x1 */
} ndp__canvas;

#define NDP__TEXT_BOLD 1
#define NDP__TEXT_UP 2   /* vertical, reading from bottom to top */

static void ndp__put(ndp__canvas *c, int x, int y, const unsigned char rgb[3])
{
    unsigned char *q;
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return;
    q = c->rgb + 3 * ((size_t)y * c->w + x);
    q[0] = rgb[0]; q[1] = rgb[1]; q[2] = rgb[2];
}

static int ndp__is_white(const ndp__canvas *c, int x, int y)
{
    const unsigned char *q = c->rgb + 3 * ((size_t)y * c->w + x);
    return q[0] == 255 && q[1] == 255 && q[2] == 255;
}

/* Fill [x0, x1) x [y0, y1), cut to the canvas. */
static void ndp__fill(ndp__canvas *c, int x0, int y0, int x1, int y1, const unsigned char rgb[3])
{
    int x, y;
    x0 = ndp__imax(x0, 0); y0 = ndp__imax(y0, 0);
    x1 = ndp__imin(x1, c->w); y1 = ndp__imin(y1, c->h);
    for (y = y0; y < y1; y++)
        for (x = x0; x < x1; x++) ndp__put(c, x, y, rgb);
}

/* Outline of [x0, x1) x [y0, y1), one pixel wide, inside that box. */
static void ndp__box(ndp__canvas *c, int x0, int y0, int x1, int y1, const unsigned char rgb[3])
{
    ndp__fill(c, x0, y0, x1, y0 + 1, rgb);
    ndp__fill(c, x0, y1 - 1, x1, y1, rgb);
    ndp__fill(c, x0, y0, x0 + 1, y1, rgb);
    ndp__fill(c, x1 - 1, y0, x1, y1, rgb);
}

/* Width in pixels of str at scale s, along its reading direction. */
static int ndp__text_len(const char *str, int s, int flags)
{
    int n = (int)strlen(str);
    return n ? (n * NDP__ADV - 1) * s + ((flags & NDP__TEXT_BOLD) ? 1 : 0) : 0;
}

/* Draw str so that the point (fx, fy) of its box (fractions of width and height: 0 left or
   top, 1 right or bottom) lands on pixel (x, y). The box of vertical text is turned. */
static void ndp__text(ndp__canvas *c, const char *str, int x, int y, double fx, double fy,
                      int s, int flags, const unsigned char rgb[3])
{
    unsigned char g[2 * NDP__GH][2 * NDP__GW];
    int len = ndp__text_len(str, s, flags), thick = NDP__GH * s;
    int up = (flags & NDP__TEXT_UP) != 0, bold = (flags & NDP__TEXT_BOLD) != 0;
    int bw = up ? thick : len, bh = up ? len : thick;
    int ox = x - (int)floor(fx * bw + 0.5), oy = y - (int)floor(fy * bh + 0.5);
    int i, r, k, b;
    for (i = 0; str[i]; i++) {
        ndp__glyph((unsigned char)str[i], s, g);
        for (r = 0; r < NDP__GH * s; r++)
            for (k = 0; k < NDP__GW * s; k++) {
                if (!g[r][k]) continue;
                for (b = 0; b <= bold; b++) {
                    int along = i * NDP__ADV * s + k + b;   /* position along the text */
                    if (up) ndp__put(c, ox + r, oy + len - 1 - along, rgb);
                    else ndp__put(c, ox + along, oy + r, rgb);
                }
            }
    }
}

static void ndp__cov_touch(ndp__canvas *c, int x0, int y0, int x1, int y1)
{
    if (c->dirty[0] >= c->dirty[2]) { c->dirty[0] = x0; c->dirty[1] = y0; c->dirty[2] = x1; c->dirty[3] = y1; return; }
    c->dirty[0] = ndp__imin(c->dirty[0], x0); c->dirty[1] = ndp__imin(c->dirty[1], y0);
    c->dirty[2] = ndp__imax(c->dirty[2], x1); c->dirty[3] = ndp__imax(c->dirty[3], y1);
}

/* Pixel box [x0, x1) x [y0, y1) around the real box (ax..bx, ay..by) grown by r, cut to the
   clip rectangle and marked dirty; returns 0 when empty. */
static int ndp__cov_bbox(ndp__canvas *c, double ax, double ay, double bx, double by, double r, int box[4])
{
    double lx = fmin(ax, bx) - r, hx = fmax(ax, bx) + r, ly = fmin(ay, by) - r, hy = fmax(ay, by) + r;
    if (!(hx > c->clip[0] && lx < c->clip[2] && hy > c->clip[1] && ly < c->clip[3])) return 0;
    box[0] = (int)fmax(c->clip[0], floor(lx));   /* clamped before the cast: far points are fine */
    box[1] = (int)fmax(c->clip[1], floor(ly));
    box[2] = (int)fmin(c->clip[2], ceil(hx) + 1);
    box[3] = (int)fmin(c->clip[3], ceil(hy) + 1);
    if (box[0] >= box[2] || box[1] >= box[3]) return 0;
    ndp__cov_touch(c, box[0], box[1], box[2], box[3]);
    return 1;
}

static void ndp__cov_max(ndp__canvas *c, int x, int y, double a)
{
    float *q = c->cov + (size_t)y * c->w + x;
    if (a > 1) a = 1;
    if (a > *q) *q = (float)a;
}

/* Stroke from a to b (pixels) of half-width hw with round caps. */
static void ndp__cov_segment(ndp__canvas *c, double ax, double ay, double bx, double by, double hw)
{
    double dx = bx - ax, dy = by - ay, L2 = dx * dx + dy * dy, r = hw + 0.5;
    int box[4], x, y;
    if (!ndp__cov_bbox(c, ax, ay, bx, by, r, box)) return;
    for (y = box[1]; y < box[3]; y++)
        for (x = box[0]; x < box[2]; x++) {
            double px = x + 0.5 - ax, py = y + 0.5 - ay;
            double t = L2 > 0 ? ndp__clamp((px * dx + py * dy) / L2, 0, 1) : 0;
            double ex = px - t * dx, ey = py - t * dy, a = r - sqrt(ex * ex + ey * ey);
            if (a > 0) ndp__cov_max(c, x, y, a);
        }
}

/* Filled disc (square = 0) or axis-aligned square (square = 1) of radius r at (x, y). */
static void ndp__cov_dot(ndp__canvas *c, double x0, double y0, double r, int square)
{
    int box[4], x, y;
    if (!ndp__cov_bbox(c, x0, y0, x0, y0, r + 0.5, box)) return;
    for (y = box[1]; y < box[3]; y++)
        for (x = box[0]; x < box[2]; x++) {
            double dx = x + 0.5 - x0, dy = y + 0.5 - y0;
            double a = square ? ndp__clamp(r + 0.5 - fabs(dx), 0, 1) * ndp__clamp(r + 0.5 - fabs(dy), 0, 1)
                              : r + 0.5 - sqrt(dx * dx + dy * dy);
            if (a > 0) ndp__cov_max(c, x, y, a);
        }
}

/* Filled convex polygon with n <= 8 corners (vx, vy), either orientation: coverage is the
   signed distance to the nearest edge line + 1/2, clamped (exact along edges). */
static void ndp__cov_convex(ndp__canvas *c, int n, const double *vx, const double *vy)
{
    double lx = vx[0], hx = vx[0], ly = vy[0], hy = vy[0], nx[8], ny[8], off[8], area = 0;
    int box[4], x, y, k;
    for (k = 0; k < n; k++) {
        int j = (k + 1) % n;
        lx = fmin(lx, vx[k]); hx = fmax(hx, vx[k]); ly = fmin(ly, vy[k]); hy = fmax(hy, vy[k]);
        area += vx[k] * vy[j] - vx[j] * vy[k];
    }
    for (k = 0; k < n; k++) {   /* inward unit normals and offsets of the edges */
        int j = (k + 1) % n;
        double ex = vx[j] - vx[k], ey = vy[j] - vy[k], L = hypot(ex, ey), sgn = area > 0 ? 1 : -1;
        nx[k] = L > 0 ? -sgn * ey / L : 0;
        ny[k] = L > 0 ? sgn * ex / L : 0;
        off[k] = nx[k] * vx[k] + ny[k] * vy[k];
    }
    if (!ndp__cov_bbox(c, lx, ly, hx, hy, 1, box)) return;
    for (y = box[1]; y < box[3]; y++)
        for (x = box[0]; x < box[2]; x++) {
            double a = HUGE_VAL;
            for (k = 0; k < n; k++) a = fmin(a, nx[k] * (x + 0.5) + ny[k] * (y + 0.5) - off[k]);
            if (a + 0.5 > 0) ndp__cov_max(c, x, y, a + 0.5);
        }
}

/* Blend rgb over the canvas with the accumulated coverage, then clear it. */
static void ndp__cov_paint(ndp__canvas *c, const unsigned char rgb[3])
{
    int x, y, k;
    for (y = c->dirty[1]; y < c->dirty[3]; y++)
        for (x = c->dirty[0]; x < c->dirty[2]; x++) {
            float *a = c->cov + (size_t)y * c->w + x;
            unsigned char *q = c->rgb + 3 * ((size_t)y * c->w + x);
            if (*a <= 0) continue;
            for (k = 0; k < 3; k++) q[k] = (unsigned char)(q[k] + *a * (rgb[k] - q[k]) + 0.5);
            *a = 0;
        }
    c->dirty[0] = c->dirty[2] = 0;
}

/* A pen walks a polyline, keeping its dash phase across segments and lifting at
   non-finite points. Dash pattern: on, off pixels of arc length (off = 0: solid). */
typedef struct ndp__pen {
    double hw;         /* half width, pixels                            */
    double on, off;    /* dash pattern, pixels                          */
    double phase;      /* arc length drawn so far, modulo on + off      */
    int down;          /* (x, y) holds the previous point               */
    double x, y;
} ndp__pen;

static void ndp__pen_init(ndp__pen *pen, double width, int dash)
{
    pen->hw = 0.5 * width;
    pen->on = dash == NDP_DASHED ? 3 * width + 4 : dash == NDP_DOTTED ? 0.01 : 0;
    pen->off = dash == NDP_DASHED ? 2 * width + 3 : dash == NDP_DOTTED ? 1.5 * width + 2 : 0;
    pen->phase = 0;
    pen->down = 0;
    pen->x = pen->y = 0;
}

/* Liang-Barsky: the part [t0, t1] of a + t (b - a) inside the clip rectangle grown by m. */
static int ndp__clip_segment(const ndp__canvas *c, double m, double ax, double ay, double bx, double by, double *t0, double *t1)
{
    double p[4], q[4];
    int k;
    p[0] = -(bx - ax); q[0] = ax - (c->clip[0] - m);
    p[1] = bx - ax;    q[1] = (c->clip[2] + m) - ax;
    p[2] = -(by - ay); q[2] = ay - (c->clip[1] - m);
    p[3] = by - ay;    q[3] = (c->clip[3] + m) - ay;
    *t0 = 0; *t1 = 1;
    for (k = 0; k < 4; k++) {
        if (p[k] == 0) { if (q[k] < 0) return 0; continue; }
        if (p[k] < 0) *t0 = fmax(*t0, q[k] / p[k]);
        else *t1 = fmin(*t1, q[k] / p[k]);
    }
    return *t0 < *t1;
}

static void ndp__pen_to(ndp__canvas *c, ndp__pen *pen, double x, double y)
{
    if (!ndp__finite(x) || !ndp__finite(y)) { pen->down = 0; return; }
    if (pen->down) {
        double len = hypot(x - pen->x, y - pen->y), P = pen->on + pen->off, t0, t1;
        /* clip from the end nearer the canvas (o, towards e), where the parameter keeps its
           precision when the other end is far away */
        int flip = fabs(pen->x) + fabs(pen->y) > fabs(x) + fabs(y);
        double ox = flip ? x : pen->x, oy = flip ? y : pen->y, ex = flip ? pen->x : x, ey = flip ? pen->y : y;
        int drawable = len > 0 && ndp__finite(len);
        if (drawable && ndp__clip_segment(c, pen->hw + 1, ox, oy, ex, ey, &t0, &t1)) {
            /* the visible part a..b in the pen's direction, of arc length L, starting s0 along */
            double ta = flip ? t1 : t0, tb = flip ? t0 : t1;
            double ax = ox + ta * (ex - ox), ay = oy + ta * (ey - oy), bx = ox + tb * (ex - ox), by = oy + tb * (ey - oy);
            double L = (t1 - t0) * len, s0 = flip ? (1 - t1) * len : t0 * len, u;
            if (pen->off <= 0) ndp__cov_segment(c, ax, ay, bx, by, pen->hw);
            /* dashes start every P pixels of arc; u is arc length from a (counted on the
               visible part only, so far-away points cannot make this loop long) */
            for (u = -fmod(s0 + pen->phase, P); pen->off > 0 && u < L; u += P) {
                double s = fmax(u, 0) / L, e = fmin(u + pen->on, L) / L;
                if (s <= e) ndp__cov_segment(c, ax + s * (bx - ax), ay + s * (by - ay), ax + e * (bx - ax), ay + e * (by - ay), pen->hw);
            }
        }
        if (drawable && pen->off > 0) pen->phase = fmod(pen->phase + len, P);
    }
    pen->x = x; pen->y = y; pen->down = 1;
}

/* Arrow from tail to tip (pixels) with an open head; the head is 35% of the length, at most
   3 + 3 s pixels, at +-25 degrees. */
static void ndp__arrow(ndp__canvas *c, ndp__pen *pen, double tx, double ty, double hx, double hy, int s)
{
    double dx = hx - tx, dy = hy - ty, len = sqrt(dx * dx + dy * dy);
    double head = fmin(0.35 * len, 3.0 + 3.0 * s), ca = cos(0.436), sa = sin(0.436);
    double ux, uy;
    pen->down = 0;
    if (!(len > 0)) return;
    ux = dx / len; uy = dy / len;
    ndp__pen_to(c, pen, tx, ty);
    ndp__pen_to(c, pen, hx, hy);
    ndp__pen_to(c, pen, hx - head * (ca * ux - sa * uy), hy - head * (sa * ux + ca * uy));
    pen->down = 0;
    ndp__pen_to(c, pen, hx, hy);
    ndp__pen_to(c, pen, hx - head * (ca * ux + sa * uy), hy - head * (-sa * ux + ca * uy));
    pen->down = 0;
}

/* One scatter marker of radius r at (x, y). */
static void ndp__marker(ndp__canvas *c, int marker, double x, double y, double r, double width)
{
    double d = marker == NDP_CROSS ? 0.8 * r : r;
    if (!ndp__finite(x) || !ndp__finite(y)) return;
    switch (marker) {
    case NDP_SQUARE: ndp__cov_dot(c, x, y, 0.85 * r, 1); break;
    case NDP_CROSS:
        ndp__cov_segment(c, x - d, y - d, x + d, y + d, 0.5 * width);
        ndp__cov_segment(c, x - d, y + d, x + d, y - d, 0.5 * width);
        break;
    case NDP_PLUS:
        ndp__cov_segment(c, x - d, y, x + d, y, 0.5 * width);
        ndp__cov_segment(c, x, y - d, x, y + d, 0.5 * width);
        break;
    case NDP_TRIANGLE: {   /* pointing up, centred on its centroid */
        double vx[3] = {x, x + 1.2 * r, x - 1.2 * r}, vy[3] = {y - 1.35 * r, y + 0.7 * r, y + 0.7 * r};
        ndp__cov_convex(c, 3, vx, vy);
        break;
    }
    case NDP_DIAMOND: {
        double vx[4] = {x, x + 1.2 * r, x, x - 1.2 * r}, vy[4] = {y - 1.2 * r, y, y + 1.2 * r, y};
        ndp__cov_convex(c, 4, vx, vy);
        break;
    }
    default: ndp__cov_dot(c, x, y, r, 0); break;
    }
}

/* ===================================================================== */
/* Nice ticks                                                             */
/* Linear: step = m 10^k, m in {1, 2, 5}, the smallest with at most max_n */
/* multiples of step in (or around) the range [Heckbert, "Nice numbers    */
/* for graph labels", Graphics Gems I, 1990]. Log: the same ladder on     */
/* the exponent: 1-2-5 per decade, then every 1, 2, 5, 10, ... decades.   */
/* Values are built as integer / 10^-k so 3 x 0.1 prints as 0.3.          */
/* ===================================================================== */

/* m x 10^k, exact when m 10^k is (k >= 0) and correctly rounded otherwise
   (for k < -300, where 10^-k overflows, the subnormal 10^k directly). */
static double ndp__pow10m(double m, int k)
{
    return k >= 0 ? m * pow(10.0, k) : k >= -300 ? m / pow(10.0, -k) : m * pow(10.0, k);
}

/* Shorten a printf exponent: "1.5e-07" -> "1.5e-7", "2e+201" -> "2e201". */
static void ndp__trim_exponent(char *s)
{
    char *e = strchr(s, 'e'), *d;
    if (!e) return;
    d = e + 1;
    if (*d == '+') memmove(d, d + 1, strlen(d));
    else if (*d == '-') d++;
    while (d[0] == '0' && d[1]) memmove(d, d + 1, strlen(d));
}

/* Label of a linear tick v on an axis of magnitude mag with step m 10^k: fixed point with
   the decimals of the step for 1e-3 <= mag < 1e6 (so 0.0 0.5 1.0), else scientific. */
static void ndp__linear_label(double v, int k, double mag, char out[24])
{
    if (!ndp__finite(v) || !ndp__finite(mag)) {  /* a grid past the double range: rejected later */
        strcpy(out, "?");
    } else if (mag >= 1e-3 && mag < 1e6) {
        snprintf(out, 24, "%.*f", k < 0 ? -k : 0, v);
    } else if (v == 0) {
        strcpy(out, "0");
    } else {
        int digits = (int)floor(log10(fabs(v)) + 1e-9) - k;
        snprintf(out, 24, "%.*e", digits < 0 ? 0 : digits > 15 ? 15 : digits, v);
        ndp__trim_exponent(out);
    }
}

static void ndp__log_label(int m, int k, char out[24])
{
    if (k >= -3 && k <= 5) snprintf(out, 24, "%.*f", k < 0 ? -k : 0, ndp__pow10m(m, k));
    else snprintf(out, 24, "%de%d", m, k);
}

static int ndp__linear_ticks(double lo, double hi, int max_n, int expand, ndp_ticks *t)
{
    static const int mant[3] = {1, 2, 5};
    double span = hi - lo, step = 0, i0 = 0, i1 = -1;
    int k = (int)floor(log10(span / (max_n - 1))), m = 0, j;
    for (;; k++) {
        for (m = 0; m < 3; m++) {
            step = ndp__pow10m(mant[m], k);
            i0 = expand ? floor(lo / step + 1e-9) : ceil(lo / step - 1e-9);
            i1 = expand ? ceil(hi / step - 1e-9) : floor(hi / step + 1e-9);
            if (i1 - i0 + 1 <= max_n) break;
        }
        if (m < 3) break;
    }
    t->n = (int)(i1 - i0 + 1);
    for (j = 0; j < t->n; j++) {
        double v = ndp__pow10m((i0 + j) * mant[m], k);
        t->v[j] = fabs(v) < 1e-9 * step ? 0 : v;   /* also -0 -> 0 */
    }
    t->lo = expand ? t->v[0] : lo;
    t->hi = expand ? t->v[t->n - 1] : hi;
    for (j = 0; j < t->n; j++) ndp__linear_label(t->v[j], k, fmax(fabs(t->lo), fabs(t->hi)), t->label[j]);
    return NDP_OK;
}

#define NDP__LOG_LEVELS 12

/* Log ticks at level L: L = 0 is {1, 2, 5} x 10^k; L >= 1 is 10^k for k a multiple of
   d = 1, 2, 5, 10, ... (the L-th). Returns the tick count, or max_n + 1 when there are more. */
static int ndp__log_level(double lo, double hi, int level, int max_n, int expand, ndp_ticks *t)
{
    static const int mant[3] = {1, 2, 5};
    static const int decades[NDP__LOG_LEVELS] = {1, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000};
    int nm = level == 0 ? 3 : 1, d = decades[level], n = 0, first = -1, last = -1, k, m, i;
    double cand[2 * NDP_MAX_TICKS + 8];
    int cm[2 * NDP_MAX_TICKS + 8], ck[2 * NDP_MAX_TICKS + 8];
    int k0, k1;
    k0 = (int)floor(floor(log10(lo) + 1e-9) / d) * d;
    k1 = (int)ceil(ceil(log10(hi) - 1e-9) / d) * d;
    if (((k1 - k0) / d + 1) * nm > 2 * NDP_MAX_TICKS + 8) return max_n + 1;
    for (k = k0; k <= k1; k += d)          /* candidates in increasing order */
        for (m = 0; m < nm; m++) {
            cand[n] = ndp__pow10m(mant[m], k); cm[n] = mant[m]; ck[n] = k; n++;
        }
    for (i = 0; i < n; i++) {
        if (expand ? cand[i] <= lo * (1 + 1e-12) : cand[i] >= lo * (1 - 1e-12)) { if (expand || first < 0) first = i; }
        if (expand ? (cand[i] >= hi * (1 - 1e-12) && last < 0) : cand[i] <= hi * (1 + 1e-12)) last = i;
    }
    if (first < 0 || last < first) return 0;
    if (last - first + 1 > max_n) return max_n + 1;
    t->n = last - first + 1;
    for (i = 0; i < t->n; i++) {
        t->v[i] = cand[first + i];
        ndp__log_label(cm[first + i], ck[first + i], t->label[i]);
    }
    t->lo = expand ? t->v[0] : lo;
    t->hi = expand ? t->v[t->n - 1] : hi;
    return t->n;
}

/* The ticks as computed, before the check that they are representable. */
static int ndp__nice_ticks_raw(double lo, double hi, int max_n, int log_axis, int expand, ndp_ticks *t, char *msg)
{
    int level, n;
    if (!t) { ndp__msg(msg, "ndp_nice_ticks: t is NULL"); return NDP_ERR_ARG; }
    t->n = 0;
    if (max_n < 2 || max_n > NDP_MAX_TICKS) { ndp__msg(msg, "ndp_nice_ticks: max_n = %d not in [2, %d]", max_n, NDP_MAX_TICKS); return NDP_ERR_ARG; }
    if (!ndp__finite(lo) || !ndp__finite(hi) || lo > hi) { ndp__msg(msg, "ndp_nice_ticks: bad range [%g, %g]", lo, hi); return NDP_ERR_ARG; }
    if (log_axis && lo <= 0) { ndp__msg(msg, "ndp_nice_ticks: log axis range [%g, %g] is not positive", lo, hi); return NDP_ERR_LOG; }
    if (log_axis) {
        if (hi <= lo * (1 + 1e-10)) { lo /= 2; hi *= 2; }
        if (!(lo > 0) || !ndp__finite(hi)) { /* widened past the double range */
            ndp__msg(msg, "ndp_nice_ticks: log range [%g, %g] reaches the limits of double precision", lo, hi);
            return NDP_ERR_ARG;
        }
        for (level = 0; level < NDP__LOG_LEVELS; level++) {
            n = ndp__log_level(lo, hi, level, max_n, expand, t);
            if (n <= max_n) break;
        }
        if (n >= 2 || expand) return NDP_OK;
        /* a narrow fixed log range holds fewer than two 1-2-5 values: use linear ticks */
    } else if (hi - lo <= 1e-10 * fmax(fabs(lo), fabs(hi))) {
        double mid = 0.5 * (lo + hi), d = mid != 0 ? 0.05 * fabs(mid) : 1;
        lo = mid - d; hi = mid + d;
    }
    if (!ndp__finite(hi - lo)) { ndp__msg(msg, "ndp_nice_ticks: range [%g, %g] too wide", lo, hi); return NDP_ERR_ARG; }
    if (!((hi - lo) / (max_n - 1) >= 2.2250738585072014e-308)) { /* the tick step would be subnormal */
        ndp__msg(msg, "ndp_nice_ticks: range [%g, %g] too narrow to tick", lo, hi);
        return NDP_ERR_ARG;
    }
    return ndp__linear_ticks(lo, hi, max_n, expand, t);
}

/* Near the ends of the double range the nice grid can round to 0 or
   overflow to inf (a top tick past DBL_MAX, a decade below the smallest
   subnormal): then try the range as given (no expansion), and if even that
   cannot be ticked, say so rather than draw an axis [0, inf]. */
static int ndp__ticks_ok(const ndp_ticks *t, int log_axis)
{
    int i;
    if (!ndp__finite(t->lo) || !ndp__finite(t->hi) || t->lo >= t->hi || (log_axis && !(t->lo > 0))) return 0;
    for (i = 0; i < t->n; i++)
        if (!ndp__finite(t->v[i]) || (log_axis && !(t->v[i] > 0))) return 0;
    return 1;
}

NDPDEF int ndp_nice_ticks(double lo, double hi, int max_n, int log_axis, int expand, ndp_ticks *t, char *msg)
{
    int st = ndp__nice_ticks_raw(lo, hi, max_n, log_axis, expand, t, msg);
    if (st != NDP_OK || ndp__ticks_ok(t, log_axis)) return st;
    if (expand && ndp__nice_ticks_raw(lo, hi, max_n, log_axis, 0, t, msg) == NDP_OK && ndp__ticks_ok(t, log_axis))
        return NDP_OK;
    t->n = 0;
    ndp__msg(msg, "ndp_nice_ticks: the range [%g, %g] reaches the limits of double precision; "
                  "scale the data or set the axis limits", lo, hi);
    return NDP_ERR_ARG;
}

/* ===================================================================== */
/* Figures, panels and series                                             */
/* A series owns one block of doubles with named views into it:           */
/* lines and scatter x (n), y (n); arrows also u (n), v (n);              */
/* heat map z (ny, nx).                                                   */
/* ===================================================================== */

enum { NDP__LINES, NDP__POINTS, NDP__ARROWS, NDP__IMAGE, NDP__SPAN };

typedef struct ndp__series {
    int kind;                 /* NDP__LINES, NDP__POINTS, NDP__ARROWS, NDP__IMAGE, NDP__SPAN (x: x0, x1) */
    int n;                    /* points, or cells nx * ny                          */
    int nx, ny;               /* heat-map grid                                     */
    double *x, *y, *u, *v;    /* (n) views into data; u, v for arrows              */
    double *z;                /* (ny, nx) view into data, heat map                 */
    double *data;             /* the one allocation                                */
    double extent[4];         /* heat map: x0, x1, y0, y1                          */
    double scale;             /* arrows: data units per unit of (u, v), set when drawn */
    int block;                /* index of its block in STEM.dat, set when saved    */
    int mark_every;           /* lines: a marker on every k-th point (0: none)     */
    char label[NDP_TEXT_LEN];
    ndp_style style;          /* colour resolved to a palette entry                */
} ndp__series;

struct ndp_panel {
    ndp_figure *fig;
    int row, col;
    ndp__series *series;      /* (ns) of capacity cap */
    int ns, cap;
    int next_color;           /* NDP_AUTO hands out palette entry next_color + 1 */
    char title[NDP_TEXT_LEN], label[2][NDP_TEXT_LEN];  /* label[0] x, label[1] y */
    int log[2];               /* x, y */
    int has_lim[3];           /* x, y, colour */
    double lim[3][2];
    int legend;               /* requested enum ndp_legend_at */
    /* set by rendering: pixel boxes x0, y0, x1, y1 (half-open) */
    int cell[4], plot[4], legend_box[4];
    int legend_at;            /* enum ndp_legend_at used */
    ndp_ticks tick[3];        /* x, y, colour */
};

struct ndp_figure {
    int w, h, rows, cols, scale;
    char title[NDP_TEXT_LEN];
    ndp_panel *panels;        /* (rows, cols) */
    ndp__canvas cv;           /* (h, w) pixels and coverage */
    int rendered;
    int status;               /* first failure of a building call, with its message */
    char msg[NDP_MSG_LEN];
};

/* Record the first failure of a building call in the figure; returns status. */
static int ndp__fail(ndp_figure *f, int status, const char *fmt, ...)
{
    va_list ap;
    if (f && f->status == NDP_OK) {
        f->status = status;
        va_start(ap, fmt);
        ndp__vmsg(f->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

NDPDEF ndp_figure *ndp_figure_create(int width, int height, int rows, int cols, char *msg)
{
    ndp_figure *f;
    size_t npx = (size_t)width * height;
    int i;
    if (width < 32 || height < 32 || width > 16384 || height > 16384 || rows < 1 || cols < 1 || rows > 16 || cols > 16) {
        ndp__msg(msg, "ndp_figure_create: size %dx%d with %dx%d panels is out of range", width, height, rows, cols);
        return NULL;
    }
    f = (ndp_figure *)NDP_MALLOC(sizeof *f);
    if (!f) { ndp__msg(msg, "ndp_figure_create: out of memory"); return NULL; }
    memset(f, 0, sizeof *f);
    f->w = width; f->h = height; f->rows = rows; f->cols = cols;
    f->scale = (width / cols >= 400 && height / rows >= 300) ? 2 : 1;
    f->panels = (ndp_panel *)NDP_MALLOC(sizeof(ndp_panel) * rows * cols);
    f->cv.rgb = (unsigned char *)NDP_MALLOC(3 * npx);
    f->cv.cov = (float *)NDP_MALLOC(sizeof(float) * npx);
    if (!f->panels || !f->cv.rgb || !f->cv.cov) {
        ndp__msg(msg, "ndp_figure_create: out of memory for %dx%d pixels", width, height);
        ndp_figure_free(f);
        return NULL;
    }
    memset(f->panels, 0, sizeof(ndp_panel) * rows * cols);
    for (i = 0; i < rows * cols; i++) {
        f->panels[i].fig = f;
        f->panels[i].row = i / cols;
        f->panels[i].col = i % cols;
    }
    f->cv.w = width; f->cv.h = height;
    memset(f->cv.cov, 0, sizeof(float) * npx);
    return f;
}

NDPDEF void ndp_figure_free(ndp_figure *fig)
{
    int i, k;
    if (!fig) return;
    if (fig->panels)
        for (i = 0; i < fig->rows * fig->cols; i++) {
            for (k = 0; k < fig->panels[i].ns; k++) NDP_FREE(fig->panels[i].series[k].data);
            NDP_FREE(fig->panels[i].series);
        }
    NDP_FREE(fig->panels);
    NDP_FREE(fig->cv.rgb);
    NDP_FREE(fig->cv.cov);
    NDP_FREE(fig);
}

NDPDEF int ndp_figure_title(ndp_figure *fig, const char *title)
{
    if (!fig) return NDP_ERR_ARG;
    ndp__set_text(fig->title, title);
    return NDP_OK;
}

NDPDEF int ndp_text_scale(ndp_figure *fig, int scale)
{
    if (!fig) return NDP_ERR_ARG;
    if (scale != 1 && scale != 2) return ndp__fail(fig, NDP_ERR_ARG, "ndp_text_scale: scale = %d is not 1 or 2", scale);
    fig->scale = scale;
    return NDP_OK;
}

NDPDEF ndp_panel *ndp_panel_at(ndp_figure *fig, int row, int col)
{
    if (!fig || row < 0 || col < 0 || row >= fig->rows || col >= fig->cols) return NULL;
    return &fig->panels[row * fig->cols + col];
}

/* Append a series of kind with ndata doubles of storage; NULL (and a recorded failure)
   when out of memory. */
static ndp__series *ndp__add(ndp_panel *p, const char *fn, int kind, size_t ndata, const char *label, const ndp_style *style)
{
    ndp__series *s;
    if (p->ns == p->cap) {
        int cap = p->cap ? 2 * p->cap : 4;
        ndp__series *grown = (ndp__series *)NDP_REALLOC(p->series, sizeof(ndp__series) * cap);
        if (!grown) { ndp__fail(p->fig, NDP_ERR_NOMEM, "%s: out of memory", fn); return NULL; }
        p->series = grown;
        p->cap = cap;
    }
    s = &p->series[p->ns];
    memset(s, 0, sizeof *s);
    s->data = (double *)NDP_MALLOC(sizeof(double) * (ndata ? ndata : 1));
    if (!s->data) { ndp__fail(p->fig, NDP_ERR_NOMEM, "%s: out of memory for %lu values", fn, (unsigned long)ndata); return NULL; }
    s->kind = kind;
    ndp__set_text(s->label, label);
    if (style) s->style = *style;
    if (kind != NDP__IMAGE && (s->style.color <= NDP_AUTO || s->style.color > NDP_GREY))
        s->style.color = NDP_AUTO + 1 + p->next_color++ % 8;
    p->ns++;
    return s;
}

/* Shared body of ndp_line, ndp_scatter, ndp_arrows and the strided variants: nv = 2 (x, y)
   or 4 (x, y, u, v); x_i = x[i*xs], y_i = y[i*ys] (arrows: xs = ys = 1). */
static int ndp__add_points(ndp_panel *p, const char *fn, int kind, const double *x, int xs, const double *y, int ys,
                           const double *u, const double *v, int n, const char *label, const ndp_style *style)
{
    ndp__series *s;
    int i, nv = kind == NDP__ARROWS ? 4 : 2;
    if (!p) return NDP_ERR_ARG;
    if (n < 0 || !y || (n > 0 && kind == NDP__ARROWS && (!x || !u || !v)))
        return ndp__fail(p->fig, NDP_ERR_ARG, "%s: panel (%d,%d) '%s': n = %d or a NULL array", fn, p->row, p->col, label ? label : "", n);
    if (xs < 1 || ys < 1)
        return ndp__fail(p->fig, NDP_ERR_ARG, "%s: panel (%d,%d) '%s': strides %d, %d (need >= 1)", fn, p->row, p->col, label ? label : "", xs, ys);
    if (style && (style->dash < NDP_SOLID || style->dash > NDP_DOTTED || style->marker < NDP_CIRCLE || style->marker > NDP_DIAMOND ||
                  !(style->width >= 0) || !(style->size >= 0) || !ndp__finite(style->width) || !ndp__finite(style->size)))
        return ndp__fail(p->fig, NDP_ERR_ARG, "%s: panel (%d,%d) '%s': bad style", fn, p->row, p->col, label ? label : "");
    s = ndp__add(p, fn, kind, (size_t)nv * n, label, style);
    if (!s) return NDP_ERR_NOMEM;
    s->n = n;
    s->x = s->data; s->y = s->data + n;
    for (i = 0; i < n; i++) { s->x[i] = x ? x[(size_t)i * xs] : i; s->y[i] = y[(size_t)i * ys]; }
    if (kind == NDP__ARROWS) {
        s->u = s->data + 2 * n; s->v = s->data + 3 * n;
        memcpy(s->u, u, sizeof(double) * n);
        memcpy(s->v, v, sizeof(double) * n);
    }
    return NDP_OK;
}

NDPDEF int ndp_line(ndp_panel *p, const double *x, const double *y, int n, const char *label, const ndp_style *style)
{
    return ndp__add_points(p, "ndp_line", NDP__LINES, x, 1, y, 1, NULL, NULL, n, label, style);
}

NDPDEF int ndp_scatter(ndp_panel *p, const double *x, const double *y, int n, const char *label, const ndp_style *style)
{
    return ndp__add_points(p, "ndp_scatter", NDP__POINTS, x, 1, y, 1, NULL, NULL, n, label, style);
}

NDPDEF int ndp_arrows(ndp_panel *p, const double *x, const double *y, const double *u, const double *v, int n, const char *label, const ndp_style *style)
{
    return ndp__add_points(p, "ndp_arrows", NDP__ARROWS, x, 1, y, 1, u, v, n, label, style);
}

NDPDEF int ndp_line_strided(ndp_panel *p, const double *x, int xstride, const double *y, int ystride, int n, const char *label, const ndp_style *style)
{
    return ndp__add_points(p, "ndp_line_strided", NDP__LINES, x, xstride, y, ystride, NULL, NULL, n, label, style);
}

NDPDEF int ndp_scatter_strided(ndp_panel *p, const double *x, int xstride, const double *y, int ystride, int n, const char *label, const ndp_style *style)
{
    return ndp__add_points(p, "ndp_scatter_strided", NDP__POINTS, x, xstride, y, ystride, NULL, NULL, n, label, style);
}

NDPDEF int ndp_span(ndp_panel *p, double x0, double x1, const char *label, const ndp_style *style)
{
    ndp__series *s;
    if (!p) return NDP_ERR_ARG;
    if (!ndp__finite(x0) || !ndp__finite(x1) || !(x0 < x1))
        return ndp__fail(p->fig, NDP_ERR_ARG, "ndp_span: panel (%d,%d) '%s': [%g, %g] (need finite x0 < x1)", p->row, p->col,
                         label ? label : "", x0, x1);
    s = ndp__add(p, "ndp_span", NDP__SPAN, 2, label, style);
    if (!s) return NDP_ERR_NOMEM;
    s->n = 2;
    s->x = s->data;
    s->x[0] = x0;
    s->x[1] = x1;
    return NDP_OK;
}

/* The light tint of a colour that a span is filled with: a quarter colour, the rest white. */
static void ndp__tint(const unsigned char rgb[3], unsigned char out[3])
{
    int i;
    for (i = 0; i < 3; i++) out[i] = (unsigned char)((rgb[i] + 3 * 255 + 2) / 4);
}

NDPDEF int ndp_mark_every(ndp_panel *p, int k)
{
    int i;
    if (!p) return NDP_ERR_ARG;
    for (i = p->ns - 1; i >= 0 && p->series[i].kind != NDP__LINES; i--) {}
    if (i < 0 || k < 0)
        return ndp__fail(p->fig, NDP_ERR_ARG, "ndp_mark_every: panel (%d,%d): %s", p->row, p->col,
                         i < 0 ? "no line series yet" : "k < 0");
    p->series[i].mark_every = k;
    return NDP_OK;
}

NDPDEF int ndp_heatmap(ndp_panel *p, const double *z, int nx, int ny, double x0, double x1, double y0, double y1, const char *label)
{
    ndp__series *s;
    if (!p) return NDP_ERR_ARG;
    if (!z || nx < 1 || ny < 1 || nx > 100000 || ny > 100000 || (double)nx * ny > 1e8)
        return ndp__fail(p->fig, NDP_ERR_ARG, "ndp_heatmap: panel (%d,%d): bad grid %d x %d or z NULL", p->row, p->col, nx, ny);
    if (!ndp__finite(x0) || !ndp__finite(x1) || !ndp__finite(y0) || !ndp__finite(y1) || !(x0 < x1) || !(y0 < y1))
        return ndp__fail(p->fig, NDP_ERR_ARG, "ndp_heatmap: panel (%d,%d): extent [%g, %g] x [%g, %g] is not increasing",
                         p->row, p->col, x0, x1, y0, y1);
    s = ndp__add(p, "ndp_heatmap", NDP__IMAGE, (size_t)nx * ny, label, NULL);
    if (!s) return NDP_ERR_NOMEM;
    s->n = nx * ny; s->nx = nx; s->ny = ny;
    s->z = s->data;
    memcpy(s->z, z, sizeof(double) * s->n);
    s->extent[0] = x0; s->extent[1] = x1; s->extent[2] = y0; s->extent[3] = y1;
    return NDP_OK;
}

NDPDEF int ndp_title(ndp_panel *p, const char *title) { if (!p) return NDP_ERR_ARG; ndp__set_text(p->title, title); return NDP_OK; }
NDPDEF int ndp_xlabel(ndp_panel *p, const char *label) { if (!p) return NDP_ERR_ARG; ndp__set_text(p->label[0], label); return NDP_OK; }
NDPDEF int ndp_ylabel(ndp_panel *p, const char *label) { if (!p) return NDP_ERR_ARG; ndp__set_text(p->label[1], label); return NDP_OK; }

NDPDEF int ndp_log(ndp_panel *p, int xlog, int ylog)
{
    if (!p) return NDP_ERR_ARG;
    p->log[0] = xlog != 0;
    p->log[1] = ylog != 0;
    return NDP_OK;
}

/* Shared body of ndp_xlim, ndp_ylim, ndp_clim for axis 0, 1, 2. */
static int ndp__lim(ndp_panel *p, int axis, double lo, double hi)
{
    static const char *const name[3] = {"ndp_xlim", "ndp_ylim", "ndp_clim"};
    if (!p) return NDP_ERR_ARG;
    if (!ndp__finite(lo) || !ndp__finite(hi) || !(lo < hi))
        return ndp__fail(p->fig, NDP_ERR_ARG, "%s: panel (%d,%d): need finite lo < hi, got [%g, %g]", name[axis], p->row, p->col, lo, hi);
    p->has_lim[axis] = 1;
    p->lim[axis][0] = lo;
    p->lim[axis][1] = hi;
    return NDP_OK;
}

NDPDEF int ndp_xlim(ndp_panel *p, double lo, double hi) { return ndp__lim(p, 0, lo, hi); }
NDPDEF int ndp_ylim(ndp_panel *p, double lo, double hi) { return ndp__lim(p, 1, lo, hi); }
NDPDEF int ndp_clim(ndp_panel *p, double lo, double hi) { return ndp__lim(p, 2, lo, hi); }

NDPDEF int ndp_legend(ndp_panel *p, int where)
{
    if (!p) return NDP_ERR_ARG;
    if (where < NDP_LEGEND_AUTO || where > NDP_LEGEND_OUTSIDE)
        return ndp__fail(p->fig, NDP_ERR_ARG, "ndp_legend: panel (%d,%d): where = %d is not an ndp_legend_at", p->row, p->col, where);
    p->legend = where;
    return NDP_OK;
}

/* ===================================================================== */
/* Data ranges and axis mapping                                           */
/* An axis maps t(v) linearly onto the plot area, t = log10 on a log axis.*/
/* ===================================================================== */

static double ndp__axis_t(double v, int log_axis) { return log_axis ? log10(v) : v; }

/* Pixel coordinate of data value v on axis 0 (x) or 1 (y, upwards). */
static double ndp__map(const ndp_panel *p, int axis, double v)
{
    const ndp_ticks *t = &p->tick[axis];
    int lg = p->log[axis];
    double f = (ndp__axis_t(v, lg) - ndp__axis_t(t->lo, lg)) / (ndp__axis_t(t->hi, lg) - ndp__axis_t(t->lo, lg));
    return axis == 0 ? p->plot[0] + f * (p->plot[2] - p->plot[0]) : p->plot[3] - f * (p->plot[3] - p->plot[1]);
}

/* Data value at pixel coordinate q on axis 0 or 1 (inverse of ndp__map, linear axes). */
static double ndp__unmap(const ndp_panel *p, int axis, double q)
{
    const ndp_ticks *t = &p->tick[axis];
    double f = axis == 0 ? (q - p->plot[0]) / (p->plot[2] - p->plot[0]) : (p->plot[3] - q) / (p->plot[3] - p->plot[1]);
    return t->lo + f * (t->hi - t->lo);
}

/* Grow r = [lo, hi] by value v of series s on axis (0 x, 1 y, 2 colour); checks log axes. */
static int ndp__grow(const ndp_panel *p, const ndp__series *s, int axis, int i, double v, double r[2], char *msg)
{
    static const char axis_name[3] = {'x', 'y', 'z'};
    if (!ndp__finite(v)) return NDP_OK;
    if (axis < 2 && p->log[axis] && v <= 0) {
        ndp__msg(msg, "panel (%d,%d) series '%s': %c[%d] = %g is not positive on a log %c axis",
                 p->row, p->col, s->label, axis_name[axis], i, v, axis_name[axis]);
        return NDP_ERR_LOG;
    }
    r[0] = fmin(r[0], v);
    r[1] = fmax(r[1], v);
    return NDP_OK;
}

/* Data ranges of panel p: range (3, 2) for x, y, colour, from the limits when set, else
   from the finite data (HUGE_VAL, -HUGE_VAL when there is none). */
static int ndp__ranges(const ndp_panel *p, double range[3][2], char *msg)
{
    int a, k, i, st = NDP_OK;
    for (a = 0; a < 3; a++) { range[a][0] = HUGE_VAL; range[a][1] = -HUGE_VAL; }
    for (a = 0; a < 2; a++)
        if (p->has_lim[a] && p->log[a] && p->lim[a][0] <= 0) {
            ndp__msg(msg, "panel (%d,%d): %s limit [%g, %g] is not positive on a log axis", p->row, p->col, a ? "y" : "x", p->lim[a][0], p->lim[a][1]);
            return NDP_ERR_LOG;
        }
    for (k = 0; k < p->ns && st == NDP_OK; k++) {
        const ndp__series *s = &p->series[k];
        if ((s->kind == NDP__ARROWS || s->kind == NDP__IMAGE) && (p->log[0] || p->log[1])) {
            ndp__msg(msg, "panel (%d,%d) series '%s': arrows and heat maps need linear axes", p->row, p->col, s->label);
            return NDP_ERR_ARG;
        }
        if (s->kind == NDP__SPAN) {
            for (i = 0; i < 2 && st == NDP_OK; i++) st = ndp__grow(p, s, 0, i, s->x[i], range[0], msg);
        } else if (s->kind == NDP__IMAGE) {
            for (a = 0; a < 2; a++) {
                range[a][0] = fmin(range[a][0], s->extent[2 * a]);
                range[a][1] = fmax(range[a][1], s->extent[2 * a + 1]);
            }
            for (i = 0; i < s->n && st == NDP_OK; i++) st = ndp__grow(p, s, 2, i, s->z[i], range[2], msg);
        } else {
            double box[2][2] = {{HUGE_VAL, -HUGE_VAL}, {HUGE_VAL, -HUGE_VAL}};   /* x, y of s */
            for (i = 0; i < s->n && st == NDP_OK; i++) {
                st = ndp__grow(p, s, 0, i, s->x[i], box[0], msg);
                if (st == NDP_OK) st = ndp__grow(p, s, 1, i, s->y[i], box[1], msg);
            }
            for (a = 0; a < 2 && box[a][0] <= box[a][1]; a++) {
                /* arrows: half a grid step (sqrt(n) points per side) around the points */
                double pad = s->kind == NDP__ARROWS ? 0.5 * (box[a][1] - box[a][0]) / fmax(1, sqrt((double)s->n) - 1) : 0;
                range[a][0] = fmin(range[a][0], box[a][0] - pad);
                range[a][1] = fmax(range[a][1], box[a][1] + pad);
            }
        }
    }
    for (a = 0; a < 3; a++)
        if (p->has_lim[a]) { range[a][0] = p->lim[a][0]; range[a][1] = p->lim[a][1]; }
    return st;
}

/* ===================================================================== */
/* Layout of one panel                                                    */
/* Inside its cell, from the outside in: title and an outside legend     */
/* above; y label, y tick labels and ticks on the left; ticks, x tick     */
/* labels and x label below; the colour bar on the right. Unit u = 4 s.   */
/* ===================================================================== */

typedef struct ndp__metrics {
    int s;        /* text scale                   */
    int adv, gh;  /* character advance and height */
    int u;        /* spacing unit                 */
    int tick;     /* tick length                  */
    int bar;      /* colour-bar width             */
    int ygap;     /* least distance between ticks on a vertical axis (x: label width + 2 adv) */
} ndp__metrics;

static ndp__metrics ndp__metrics_of(const ndp_figure *f)
{
    ndp__metrics m;
    m.s = f->scale;
    m.adv = NDP__ADV * m.s;
    m.gh = NDP__GH * m.s;
    m.u = 4 * m.s;
    m.tick = 2 * m.s + 2;
    m.bar = 6 * m.s + 4;
    m.ygap = 2 * m.gh + 12;
    return m;
}

static int ndp__has(const ndp_panel *p, int kind)
{
    int k;
    for (k = 0; k < p->ns; k++) if (p->series[k].kind == kind) return 1;
    return 0;
}

static const char *ndp__image_label(const ndp_panel *p)
{
    int k;
    for (k = p->ns - 1; k >= 0; k--) if (p->series[k].kind == NDP__IMAGE) return p->series[k].label;
    return "";
}

static int ndp__widest(const ndp_ticks *t, int s)
{
    int j, w = 0;
    for (j = 0; j < t->n; j++) w = ndp__imax(w, ndp__text_len(t->label[j], s, 0));
    return w;
}

/* Width right of the plot area taken by the colour bar: gap, bar, ticks, labels, title. */
static int ndp__colorbar_width(const ndp_panel *p, const ndp__metrics *m)
{
    if (!ndp__has(p, NDP__IMAGE)) return 0;
    return 2 * m->u + m->bar + m->tick + m->u / 2 + ndp__widest(&p->tick[2], m->s) + (ndp__image_label(p)[0] ? m->u + m->gh : 0);
}

static int ndp__legend_entries(const ndp_panel *p)
{
    int k, n = 0;
    for (k = 0; k < p->ns; k++) n += p->series[k].kind != NDP__IMAGE && p->series[k].label[0];
    return n;
}

/* Legend layout: each labelled series is a sample 4 characters wide and its label; entries
   flow left to right and wrap before passing max_w pixels (max_w = 0: one entry per row).
   Gives the offset (ox, oy) of series `target` from the box corner and the box size w, h. */
static void ndp__legend_flow(const ndp_panel *p, const ndp__metrics *m, int max_w, int target, int *ox, int *oy, int *w, int *h)
{
    int k, x = m->u, y = m->u / 2, rh = m->gh + m->u / 2, first = 1;
    *w = 0;
    for (k = 0; k < p->ns; k++) {
        int ew = 4 * m->adv + m->u + ndp__text_len(p->series[k].label, m->s, 0);
        if (p->series[k].kind == NDP__IMAGE || !p->series[k].label[0]) continue;
        if (!first && (max_w == 0 || x + ew + m->u > max_w)) { x = m->u; y += rh; }
        if (k == target) { *ox = x; *oy = y; }
        x += ew;
        *w = ndp__imax(*w, x + m->u);
        x += 2 * m->u;
        first = 0;
    }
    *h = y + rh + m->u / 2;
}

/* Size of the legend box inside the plot area or, outside, above it across the cell. */
static void ndp__legend_size(const ndp_panel *p, const ndp__metrics *m, int outside, int *w, int *h)
{
    int ox, oy;
    ndp__legend_flow(p, m, outside ? p->cell[2] - p->cell[0] - 2 * m->u : 0, -1, &ox, &oy, w, h);
}
/* Ticks for range r on an axis `length` pixels long: the most ticks whose labels keep a
   gap (pixels between tick centres) of at least min_gap + the widest label when widths
   count (horizontal labels), else min_gap. */
static int ndp__fit_ticks(const double r[2], int log_axis, int expand, int length, int s, int min_gap, int widths, ndp_ticks *t, char *msg)
{
    int max_n, st = NDP_ERR_ARG;
    for (max_n = NDP_MAX_TICKS; max_n >= 2; max_n--) {
        st = ndp_nice_ticks(r[0], r[1], max_n, log_axis, expand, t, msg);
        if (st != NDP_OK) return st;
        if (t->n <= 1 || (double)length / (t->n - 1) >= min_gap + (widths ? ndp__widest(t, s) : 0)) break;
    }
    return st;
}

static double ndp__marker_size(const ndp__series *s, int scale);

/* Markers are not cut by the top or bottom frame: when a marker of p lies within its
   radius (plus a pixel) of an automatic end of axis a (the y axis: on x, data at the first
   and last time is the rule and the frame there is expected), `length` pixels long, the
   range r grows by that margin (the caller then chooses the ticks again, which reach the
   next nice value). Returns 1 when r grew. */
static int ndp__marker_room(const ndp_panel *p, int a, const ndp_ticks *t, int length, double r[2])
{
    int k, i, grew = 0;
    double lo = p->log[a] ? log10(t->lo) : t->lo, hi = p->log[a] ? log10(t->hi) : t->hi;
    for (k = 0; k < p->ns; k++) {
        const ndp__series *s = &p->series[k];
        double m;
        if (s->kind != NDP__POINTS && !(s->kind == NDP__LINES && s->mark_every > 0)) continue;
        m = (ndp__marker_size(s, p->fig->scale) + 1.0) / length * (hi - lo);
        for (i = 0; i < s->n; i += s->kind == NDP__POINTS ? 1 : s->mark_every) {
            double v = a ? s->y[i] : s->x[i], u;
            if (!ndp__finite(v) || (p->log[a] && !(v > 0))) continue;
            u = p->log[a] ? log10(v) : v;
            if (u > hi - m && u <= hi) { r[1] = fmax(r[1], p->log[a] ? pow(10, u + m) : u + m); grew = 1; }
            if (u < lo + m && u >= lo) { r[0] = fmin(r[0], p->log[a] ? pow(10, u - m) : u - m); grew = 1; }
        }
    }
    return grew;
}

/* Place the plot area of p in its cell and choose its ticks; an outside legend takes a
   band above the plot area. */
static int ndp__layout(ndp_panel *p, double range[3][2], int legend_outside, char *msg)
{
    ndp__metrics m = ndp__metrics_of(p->fig);
    const int *cell = p->cell;
    int a, st, lw = 0, lh = 0, right = 0, plot_h, halfw;
    int expand = !ndp__has(p, NDP__IMAGE) && !ndp__has(p, NDP__ARROWS);
    for (a = 0; a < 3; a++)   /* an empty axis shows [0, 1] (linear) or [1, 10] (log) */
        if (range[a][0] > range[a][1]) { range[a][0] = a < 2 && p->log[a] ? 1 : 0; range[a][1] = a < 2 && p->log[a] ? 10 : 1; }
    if (legend_outside) ndp__legend_size(p, &m, 1, &lw, &lh);
    p->plot[1] = cell[1] + m.u + (p->title[0] ? m.gh + m.u : m.gh / 2) + (legend_outside ? lh + m.u : 0);
    p->plot[3] = cell[3] - m.u - (p->label[0][0] ? m.gh + m.u : 0) - m.gh - m.u / 2 - m.tick;
    plot_h = p->plot[3] - p->plot[1];
    st = ndp__fit_ticks(range[1], p->log[1], expand && !p->has_lim[1], plot_h, m.s, m.ygap, 0, &p->tick[1], msg);
    if (st == NDP_OK && expand && !p->has_lim[1] && ndp__marker_room(p, 1, &p->tick[1], plot_h, range[1]))
        st = ndp__fit_ticks(range[1], p->log[1], 1, plot_h, m.s, m.ygap, 0, &p->tick[1], msg);
    if (st != NDP_OK) return st;
    p->plot[0] = cell[0] + m.u + (p->label[1][0] ? m.gh + m.u : 0) + ndp__widest(&p->tick[1], m.s) + m.u / 2 + m.tick;
    if (ndp__has(p, NDP__IMAGE)) {
        st = ndp__fit_ticks(range[2], 0, 0, plot_h, m.s, m.ygap, 0, &p->tick[2], msg);
        if (st != NDP_OK) return st;
        right += ndp__colorbar_width(p, &m);
    }
    /* x ticks on a width estimated with room for half a label at the right end */
    p->plot[2] = cell[2] - ndp__imax(right + m.u, 3 * m.adv);
    st = ndp__fit_ticks(range[0], p->log[0], expand && !p->has_lim[0], p->plot[2] - p->plot[0], m.s, 2 * m.adv, 1, &p->tick[0], msg);
    if (st != NDP_OK) return st;
    halfw = p->tick[0].n ? ndp__text_len(p->tick[0].label[p->tick[0].n - 1], m.s, 0) / 2 : 0;
    p->plot[2] = cell[2] - ndp__imax(right + m.u, halfw + m.u);
    if (p->plot[2] - p->plot[0] < 16 || plot_h < 16) {
        ndp__msg(msg, "panel (%d,%d): %dx%d pixels leave no room for the plot inside the labels",
                 p->row, p->col, cell[2] - cell[0], cell[3] - cell[1]);
        return NDP_ERR_ARG;
    }
    return NDP_OK;
}

/* ===================================================================== */
/* Drawing one panel                                                      */
/* ===================================================================== */

static double ndp__line_width(const ndp__series *s, int scale)
{
    if (s->style.width > 0) return s->style.width;
    return s->kind == NDP__ARROWS ? 0.75 * scale + 0.25 : 1.25 * scale;
}

static double ndp__marker_size(const ndp__series *s, int scale)
{
    return s->style.size > 0 ? s->style.size : 2.0 * scale;
}

/* The pen of a line or arrow series (arrows are always solid). */
static void ndp__series_pen(const ndp__series *s, int scale, ndp__pen *pen)
{
    ndp__pen_init(pen, ndp__line_width(s, scale), s->kind == NDP__LINES ? s->style.dash : NDP_SOLID);
}

/* The marker of a scatter series at pixel (x, y). */
static void ndp__point(ndp__canvas *c, const ndp__series *s, int scale, double x, double y)
{
    ndp__marker(c, s->style.marker, x, y, ndp__marker_size(s, scale), 0.75 * scale + 0.25);
}

/* Fill the plot area with the cells of heat map s (each pixel takes the cell under its centre). */
static void ndp__draw_image(ndp_panel *p, const ndp__series *s)
{
    ndp__canvas *c = &p->fig->cv;
    const ndp_ticks *ct = &p->tick[2];
    int X, Y;
    for (Y = p->plot[1]; Y < p->plot[3]; Y++) {
        double j = floor((ndp__unmap(p, 1, Y + 0.5) - s->extent[2]) / (s->extent[3] - s->extent[2]) * s->ny);
        if (!(j >= 0 && j < s->ny)) continue;
        for (X = p->plot[0]; X < p->plot[2]; X++) {
            double i = floor((ndp__unmap(p, 0, X + 0.5) - s->extent[0]) / (s->extent[1] - s->extent[0]) * s->nx), z;
            unsigned char rgb[3];
            if (!(i >= 0 && i < s->nx)) continue;
            z = s->z[(size_t)j * s->nx + (size_t)i];
            if (!ndp__finite(z)) continue;
            ndp__colormap((z - ct->lo) / (ct->hi - ct->lo), rgb);
            ndp__put(c, X, Y, rgb);
        }
    }
}

/* Draw series s of p; arrows get their scale: the longest spans about the spacing of
   s->n points spread evenly over the plot area. */
static void ndp__draw_series(ndp_panel *p, ndp__series *s)
{
    ndp__canvas *c = &p->fig->cv;
    int sc = p->fig->scale, i;
    ndp__pen pen;
    ndp__series_pen(s, sc, &pen);
    if (s->kind == NDP__IMAGE) { ndp__draw_image(p, s); return; }
    if (s->kind == NDP__SPAN) {
        unsigned char tint[3];
        /* clamped to the plot area as doubles: an end far outside the axis must not overflow an int */
        int X0 = (int)floor(ndp__clamp(ndp__map(p, 0, s->x[0]), p->plot[0], p->plot[2]) + 0.5);
        int X1 = (int)floor(ndp__clamp(ndp__map(p, 0, s->x[1]), p->plot[0], p->plot[2]) + 0.5);
        ndp__tint(ndp__palette[s->style.color], tint);
        if (X0 < X1) ndp__fill(c, X0, p->plot[1], X1, p->plot[3], tint);
        return;
    }
    if (s->kind == NDP__ARROWS) {
        double sx = (p->plot[2] - p->plot[0]) / (p->tick[0].hi - p->tick[0].lo);   /* pixels per x unit */
        double sy = (p->plot[3] - p->plot[1]) / (p->tick[1].hi - p->tick[1].lo);
        double longest = 0, spacing = 0.9 * sqrt((double)(p->plot[2] - p->plot[0]) * (p->plot[3] - p->plot[1]) / (s->n ? s->n : 1));
        for (i = 0; i < s->n; i++)
            if (ndp__finite(s->u[i]) && ndp__finite(s->v[i])) longest = fmax(longest, hypot(s->u[i] * sx, s->v[i] * sy));
        s->scale = longest > 0 ? spacing / longest : 0;
    }
    for (i = 0; i < s->n; i++) {
        double X = ndp__map(p, 0, s->x[i]), Y = ndp__map(p, 1, s->y[i]);
        if (s->kind == NDP__LINES) {
            ndp__pen_to(c, &pen, X, Y);
            if (s->mark_every > 0 && i % s->mark_every == 0) ndp__point(c, s, sc, X, Y);
        } else if (s->kind == NDP__POINTS) ndp__point(c, s, sc, X, Y);
        else {
            double hu = 0.5 * s->scale * s->u[i], hv = 0.5 * s->scale * s->v[i];
            ndp__arrow(c, &pen, ndp__map(p, 0, s->x[i] - hu), ndp__map(p, 1, s->y[i] - hv),
                       ndp__map(p, 0, s->x[i] + hu), ndp__map(p, 1, s->y[i] + hv), sc);
        }
    }
    ndp__cov_paint(c, ndp__palette[s->style.color]);
}

/* Index of the k-th series to draw: heat maps and spans first, then the others, each in
   the order added. */
static int ndp__draw_order(const ndp_panel *p, int k)
{
    int pass, i;
    for (pass = 0; pass < 2; pass++)
        for (i = 0; i < p->ns; i++)
            if ((p->series[i].kind == NDP__IMAGE || p->series[i].kind == NDP__SPAN) == (pass == 0) && k-- == 0) return i;
    return -1;
}

/* White plot area, then the series in drawing order. */
static void ndp__draw_data(ndp_panel *p)
{
    ndp__canvas *c = &p->fig->cv;
    int k;
    ndp__fill(c, p->plot[0], p->plot[1], p->plot[2], p->plot[3], ndp__white);
    memcpy(c->clip, p->plot, sizeof c->clip);
    for (k = 0; k < p->ns; k++) ndp__draw_series(p, &p->series[ndp__draw_order(p, k)]);
}

/* Legend box of p at corner `at` inside the plot area, or outside: centred above it, kept
   inside the cell. */
static void ndp__legend_place(const ndp_panel *p, int at, int box[4])
{
    ndp__metrics m = ndp__metrics_of(p->fig);
    int w, h, left, top, outside = at == NDP_LEGEND_OUTSIDE;
    ndp__legend_size(p, &m, outside, &w, &h);
    if (outside) {
        left = ndp__imax(p->cell[0] + m.u, ndp__imin(p->cell[2] - m.u - w, (p->plot[0] + p->plot[2] - w) / 2));
        top = p->plot[1] - m.u - h;
    } else {
        left = (at == NDP_LEGEND_TOP_LEFT || at == NDP_LEGEND_BOTTOM_LEFT) ? p->plot[0] + m.u : p->plot[2] - m.u - w;
        top = (at == NDP_LEGEND_TOP_LEFT || at == NDP_LEGEND_TOP_RIGHT) ? p->plot[1] + m.u : p->plot[3] - m.u - h;
    }
    box[0] = left; box[1] = top; box[2] = left + w; box[3] = top + h;
}
/* The inside corner whose legend box, grown by a margin u, covers the fewest drawn data
   pixels; *covered gets that count (a box taller or wider than the plot counts as covered).
   Corners are tried in the order top right, top left, bottom left, bottom right. */
static int ndp__emptiest_corner(const ndp_panel *p, long *covered)
{
    static const int order[4] = {NDP_LEGEND_TOP_RIGHT, NDP_LEGEND_TOP_LEFT, NDP_LEGEND_BOTTOM_LEFT, NDP_LEGEND_BOTTOM_RIGHT};
    const ndp__canvas *c = &p->fig->cv;
    int best = order[0], k, x, y, box[4], u = ndp__metrics_of(p->fig).u;
    *covered = -1;
    for (k = 0; k < 4; k++) {
        long n = 0;
        ndp__legend_place(p, order[k], box);
        if (box[0] < p->plot[0] || box[1] < p->plot[1]) n = (long)c->w * c->h;
        for (y = ndp__imax(box[1] - u, p->plot[1]); y < ndp__imin(box[3] + u, p->plot[3]); y++)
            for (x = ndp__imax(box[0] - u, p->plot[0]); x < ndp__imin(box[2] + u, p->plot[2]); x++) n += !ndp__is_white(c, x, y);
        if (*covered < 0 || n < *covered) { *covered = n; best = order[k]; }
    }
    return best;
}
/* Legend entries: sample (line, marker or arrow) and label; inside the plot on a white
   box with a light border. */
static void ndp__draw_legend(ndp_panel *p)
{
    ndp__metrics m = ndp__metrics_of(p->fig);
    ndp__canvas *c = &p->fig->cv;
    int k, ox = 0, oy = 0, w, h, outside = p->legend_at == NDP_LEGEND_OUTSIDE, *b = p->legend_box;
    if (!outside) {
        ndp__fill(c, b[0], b[1], b[2], b[3], ndp__white);
        ndp__box(c, b[0], b[1], b[2], b[3], ndp__rule);
    }
    c->clip[0] = 0; c->clip[1] = 0; c->clip[2] = c->w; c->clip[3] = c->h;
    for (k = 0; k < p->ns; k++) {
        ndp__series *s = &p->series[k];
        double x0, x1, yc;
        ndp__pen pen;
        if (s->kind == NDP__IMAGE || !s->label[0]) continue;
        ndp__legend_flow(p, &m, outside ? p->cell[2] - p->cell[0] - 2 * m.u : 0, k, &ox, &oy, &w, &h);
        x0 = b[0] + ox; x1 = x0 + 4 * m.adv; yc = b[1] + oy + 0.5 * m.gh;
        ndp__series_pen(s, m.s, &pen);
        if (s->kind == NDP__SPAN) {
            unsigned char tint[3];
            ndp__tint(ndp__palette[s->style.color], tint);
            ndp__fill(c, (int)x0, (int)(yc - 0.45 * m.gh), (int)x1, (int)(yc + 0.45 * m.gh) + 1, tint);
        }
        if (s->kind == NDP__LINES) { ndp__pen_to(c, &pen, x0, yc); ndp__pen_to(c, &pen, x1, yc); }
        if (s->kind == NDP__POINTS || (s->kind == NDP__LINES && s->mark_every > 0)) ndp__point(c, s, m.s, 0.5 * (x0 + x1), yc);
        if (s->kind == NDP__ARROWS) ndp__arrow(c, &pen, x0, yc, x1, yc, m.s);
        ndp__cov_paint(c, ndp__palette[s->style.color]);
        ndp__text(c, s->label, (int)x1 + m.u, (int)yc, 0, 0.5, m.s, 0, ndp__ink);
    }
}
/* Pixel column (axis 0) or row (axis 1) of a tick at value v, inside the plot area. */
static int ndp__tick_pixel(const ndp_panel *p, int axis, double v)
{
    int q = (int)floor(ndp__map(p, axis, v));
    return axis == 0 ? ndp__imax(p->plot[0], ndp__imin(p->plot[2] - 1, q)) : ndp__imax(p->plot[1], ndp__imin(p->plot[3] - 1, q));
}

/* Light grid lines at the major ticks, only on white pixels so they stay behind the data. */
static void ndp__draw_grid(ndp_panel *p)
{
    ndp__canvas *c = &p->fig->cv;
    int a, j, q;
    for (a = 0; a < 2; a++)
        for (j = 0; j < p->tick[a].n; j++) {
            int pos = ndp__tick_pixel(p, a, p->tick[a].v[j]);
            for (q = p->plot[a ? 0 : 1]; q < p->plot[a ? 2 : 3]; q++) {
                int x = a ? q : pos, y = a ? pos : q;
                if (ndp__is_white(c, x, y)) ndp__put(c, x, y, ndp__grid);
            }
        }
}

/* Frame, ticks (log axes: minor ticks at 2..9 x 10^k between decade ticks) and tick labels. */
static void ndp__draw_axes(ndp_panel *p)
{
    ndp__metrics m = ndp__metrics_of(p->fig);
    ndp__canvas *c = &p->fig->cv;
    int a, j, k;
    ndp__box(c, p->plot[0] - 1, p->plot[1] - 1, p->plot[2] + 1, p->plot[3] + 1, ndp__ink);
    for (a = 0; a < 2; a++) {
        const ndp_ticks *t = &p->tick[a];
        int decades = p->log[a] && t->n >= 2 && fabs(t->v[1] / t->v[0] - 10) < 1e-6;
        for (j = 0; j < t->n; j++) {
            int q = ndp__tick_pixel(p, a, t->v[j]);
            if (a == 0) {
                ndp__fill(c, q, p->plot[3] + 1, q + 1, p->plot[3] + 1 + m.tick, ndp__ink);
                ndp__text(c, t->label[j], q, p->plot[3] + 1 + m.tick + m.u / 2, 0.5, 0, m.s, 0, ndp__ink);
            } else {
                ndp__fill(c, p->plot[0] - 1 - m.tick, q, p->plot[0] - 1, q + 1, ndp__ink);
                ndp__text(c, t->label[j], p->plot[0] - 1 - m.tick - m.u / 2, q, 1, 0.5, m.s, 0, ndp__ink);
            }
            for (k = 2; decades && j + 1 < t->n && k <= 9; k++) {
                int r = ndp__tick_pixel(p, a, k * t->v[j]);
                if (a == 0) ndp__fill(c, r, p->plot[3] + 1, r + 1, p->plot[3] + 1 + m.tick / 2, ndp__ink);
                else ndp__fill(c, p->plot[0] - 1 - m.tick / 2, r, p->plot[0] - 1, r + 1, ndp__ink);
            }
        }
    }
}

/* Axis labels, and the title centred on the plot area but kept inside the cell. */
static void ndp__draw_labels(ndp_panel *p)
{
    ndp__metrics m = ndp__metrics_of(p->fig);
    ndp__canvas *c = &p->fig->cv;
    int xc = (p->plot[0] + p->plot[2]) / 2, yc = (p->plot[1] + p->plot[3]) / 2;
    int tw = ndp__text_len(p->title, m.s, NDP__TEXT_BOLD);
    int tx = ndp__imax(p->cell[0] + m.u, ndp__imin(p->cell[2] - m.u - tw, xc - tw / 2));
    if (p->title[0]) ndp__text(c, p->title, tx, p->cell[1] + m.u, 0, 0, m.s, NDP__TEXT_BOLD, ndp__ink);
    if (p->label[0][0]) ndp__text(c, p->label[0], xc, p->plot[3] + 1 + m.tick + m.u / 2 + m.gh + m.u, 0.5, 0, m.s, 0, ndp__ink);
    if (p->label[1][0]) ndp__text(c, p->label[1], p->cell[0] + m.u, yc, 0, 0.5, m.s, NDP__TEXT_UP, ndp__ink);
}
/* Colour bar right of the plot area: the colour map bottom (lo) to top (hi), ticks, label. */
static void ndp__draw_colorbar(ndp_panel *p)
{
    ndp__metrics m = ndp__metrics_of(p->fig);
    ndp__canvas *c = &p->fig->cv;
    const ndp_ticks *t = &p->tick[2];
    int x0 = p->plot[2] + 2 * m.u, x1 = x0 + m.bar, y0 = p->plot[1], y1 = p->plot[3], y, j, lx = x1 + 1 + m.tick + m.u / 2;
    for (y = y0; y < y1; y++) {
        unsigned char rgb[3];
        ndp__colormap((y1 - (y + 0.5)) / (y1 - y0), rgb);
        ndp__fill(c, x0, y, x1, y + 1, rgb);
    }
    ndp__box(c, x0 - 1, y0 - 1, x1 + 1, y1 + 1, ndp__ink);
    for (j = 0; j < t->n; j++) {
        int q = ndp__imin(y1 - 1, (int)floor(y1 - (t->v[j] - t->lo) / (t->hi - t->lo) * (y1 - y0)));
        ndp__fill(c, x1 + 1, q, x1 + 1 + m.tick, q + 1, ndp__ink);
        ndp__text(c, t->label[j], lx, q, 0, 0.5, m.s, 0, ndp__ink);
    }
    if (ndp__image_label(p)[0])
        ndp__text(c, ndp__image_label(p), lx + ndp__widest(t, m.s) + m.u, (y0 + y1) / 2, 0, 0.5, m.s, NDP__TEXT_UP, ndp__ink);
}

/* Render panel p in its cell: lay out, draw the data, then choose the legend place (the
   emptiest corner, or above the plot after a second layout when every corner has data). */
static int ndp__render_panel(ndp_panel *p, char *msg)
{
    double range[3][2];
    int st = ndp__ranges(p, range, msg), entries = ndp__legend_entries(p);
    int outside = entries > 0 && p->legend == NDP_LEGEND_OUTSIDE;
    long covered;
    if (st != NDP_OK) return st;
    for (;;) {
        st = ndp__layout(p, range, outside, msg);
        if (st != NDP_OK) return st;
        ndp__fill(&p->fig->cv, p->cell[0], p->cell[1], p->cell[2], p->cell[3], ndp__white);
        ndp__draw_data(p);
        p->legend_at = entries == 0 ? NDP_LEGEND_NONE : outside ? NDP_LEGEND_OUTSIDE : p->legend;
        if (p->legend_at != NDP_LEGEND_AUTO) break;
        p->legend_at = ndp__emptiest_corner(p, &covered);
        if (covered == 0) break;
        outside = 1;   /* every corner has data: lay out again with the legend above */
    }
    ndp__draw_grid(p);
    ndp__draw_axes(p);
    ndp__draw_labels(p);
    if (ndp__has(p, NDP__IMAGE)) ndp__draw_colorbar(p);
    memset(p->legend_box, 0, sizeof p->legend_box);
    if (p->legend_at != NDP_LEGEND_NONE) {
        ndp__legend_place(p, p->legend_at, p->legend_box);
        ndp__draw_legend(p);
    }
    return NDP_OK;
}

NDPDEF int ndp_render(ndp_figure *fig, char *msg)
{
    ndp__metrics m;
    int i, st, top;
    if (!fig) { ndp__msg(msg, "ndp_render: fig is NULL"); return NDP_ERR_ARG; }
    fig->rendered = 0;
    if (fig->status != NDP_OK) { ndp__msg(msg, "%s", fig->msg); return fig->status; }
    m = ndp__metrics_of(fig);
    ndp__fill(&fig->cv, 0, 0, fig->w, fig->h, ndp__white);
    top = fig->title[0] ? m.u + m.gh + m.u / 2 : 0;
    if (fig->title[0]) ndp__text(&fig->cv, fig->title, fig->w / 2, m.u, 0.5, 0, m.s, NDP__TEXT_BOLD, ndp__ink);
    for (i = 0; i < fig->rows * fig->cols; i++) {
        ndp_panel *p = &fig->panels[i];
        p->cell[0] = p->col * fig->w / fig->cols;
        p->cell[2] = (p->col + 1) * fig->w / fig->cols;
        p->cell[1] = top + p->row * (fig->h - top) / fig->rows;
        p->cell[3] = top + (p->row + 1) * (fig->h - top) / fig->rows;
        st = ndp__render_panel(p, msg);
        if (st != NDP_OK) return st;
    }
    fig->rendered = 1;
    return NDP_OK;
}

NDPDEF const unsigned char *ndp_pixels(const ndp_figure *fig, int *width, int *height)
{
    if (!fig || !fig->rendered) return NULL;
    if (width) *width = fig->w;
    if (height) *height = fig->h;
    return fig->cv.rgb;
}

NDPDEF int ndp_panel_layout(const ndp_panel *p, ndp_panel_info *info)
{
    if (!p || !info || !p->fig->rendered) return NDP_ERR_ARG;
    memcpy(info->plot, p->plot, sizeof info->plot);
    memcpy(info->legend, p->legend_box, sizeof info->legend);
    info->legend_at = p->legend_at;
    info->x = p->tick[0];
    info->y = p->tick[1];
    info->c = p->tick[2];
    return NDP_OK;
}

/* ===================================================================== */
/* Saving: STEM.png, STEM.dat, STEM.gp, each through STEM.ext.tmp         */
/* ===================================================================== */

#define NDP__PATH_LEN 1024

/* Rename tmp onto path when ok, else remove tmp; returns the status. */
static int ndp__commit(const char *tmp, const char *path, int ok, char *msg)
{
    if (ok && rename(tmp, path) == 0) return NDP_OK;
    remove(tmp);
    ndp__msg(msg, ok ? "ndp_save: cannot rename %s to %s" : "ndp_save: cannot write %s", tmp, path);
    return NDP_ERR_IO;
}

/* Create every missing directory on the way to the file path (like mkdir -p of its dirname). */
static int ndp__make_parents(const char *path, char *msg)
{
    char dir[NDP__PATH_LEN];
    size_t i;
    for (i = 1; path[i] && i < sizeof dir; i++) {
        if (path[i] != '/') continue;
        memcpy(dir, path, i);
        dir[i] = 0;
        if (NDP__MKDIR(dir) != 0 && errno != EEXIST) {
            ndp__msg(msg, "ndp_save: cannot create the directory %s: %s", dir, strerror(errno));
            return NDP_ERR_IO;
        }
    }
    return NDP_OK;
}

/* A gnuplot string literal of s followed by suffix: single quotes, a quote doubled. */
static void ndp__gp_quote(FILE *out, const char *s, const char *suffix)
{
    const char *part[2];
    int k;
    part[0] = s; part[1] = suffix;
    fputc('\'', out);
    for (k = 0; k < 2; k++)
        for (s = part[k]; *s; s++) {
            if (*s == '\'') fputc('\'', out);
            fputc(*s, out);
        }
    fputc('\'', out);
}

static void ndp__gp_string(FILE *out, const char *s) { ndp__gp_quote(out, s, ""); }

static const char *ndp__kind_name(int kind)
{
    return kind == NDP__LINES ? "line" : kind == NDP__POINTS ? "scatter" : kind == NDP__ARROWS ? "arrows"
           : kind == NDP__SPAN ? "span" : "heatmap";
}

/* STEM.dat: one block per series, separated by two blank lines (gnuplot "index k").
   Lines: x y (a blank line at a non-finite point); scatter: x y; arrows: tail x, tail y,
   dx, dy in data units as drawn; heat map: the (ny, nx) matrix, row j = 0 (bottom) first;
   span: x0 and x1, one per line. */
static void ndp__write_dat(ndp_figure *f, FILE *out, const char *base)
{
    int i, k, j, col, block = 0;
    fprintf(out, "# %s.dat: data of %s.png (ndeplot.h); blocks are separated by two blank lines,\n"
                 "# gnuplot selects block k with \"index k\".\n", base, base);
    for (i = 0; i < f->rows * f->cols; i++) {
        ndp_panel *p = &f->panels[i];
        for (k = 0; k < p->ns; k++) {
            ndp__series *s = &p->series[k];
            s->block = block;
            fprintf(out, "%s# index %d: panel (%d,%d) %s '%s'\n", block ? "\n\n" : "", block, p->row, p->col, ndp__kind_name(s->kind), s->label);
            block++;
            if (s->kind == NDP__IMAGE) {
                for (j = 0; j < s->ny; j++)
                    for (col = 0; col < s->nx; col++) fprintf(out, "%.9g%c", s->z[(size_t)j * s->nx + col], col + 1 < s->nx ? ' ' : '\n');
                continue;
            }
            if (s->kind == NDP__SPAN) {
                fprintf(out, "%.9g\n%.9g\n", s->x[0], s->x[1]);
                continue;
            }
            for (j = 0; j < s->n; j++) {
                int ok = ndp__finite(s->x[j]) && ndp__finite(s->y[j]) && (s->kind != NDP__ARROWS || (ndp__finite(s->u[j]) && ndp__finite(s->v[j])));
                if (!ok) { if (s->kind == NDP__LINES) fputc('\n', out); continue; }
                if (s->kind == NDP__ARROWS) {
                    double du = s->scale * s->u[j], dv = s->scale * s->v[j];
                    fprintf(out, "%.9g %.9g %.9g %.9g\n", s->x[j] - 0.5 * du, s->y[j] - 0.5 * dv, du, dv);
                } else {
                    fprintf(out, "%.9g %.9g\n", s->x[j], s->y[j]);
                }
            }
        }
    }
}

/* gnuplot point types of the markers: circle, square, cross, plus, triangle, diamond. */
static const int ndp__gp_pt[6] = {7, 5, 2, 1, 9, 13};

/* The plot clause of series s in STEM.gp. */
static void ndp__gp_series(const ndp_figure *f, const ndp_panel *p, const ndp__series *s, FILE *out, const char *base)
{
    const unsigned char *rgb = ndp__palette[s->style.color];
    double lw = ndp__line_width(s, f->scale) / 1.5;
    ndp__gp_quote(out, base, ".dat");
    fprintf(out, " index %d ", s->block);
    switch (s->kind) {
    case NDP__IMAGE:
        fprintf(out, "matrix using (%.9g+($1+0.5)*%.9g):(%.9g+($2+0.5)*%.9g):3 with image notitle",
                s->extent[0], (s->extent[1] - s->extent[0]) / s->nx, s->extent[2], (s->extent[3] - s->extent[2]) / s->ny);
        return;
    case NDP__POINTS: {
        fprintf(out, "using 1:2 with points pt %d ps %.2f", ndp__gp_pt[s->style.marker], ndp__marker_size(s, f->scale) / (2.0 * f->scale));
        break;
    }
    case NDP__ARROWS:
        fprintf(out, "using 1:2:3:4 with vectors head size screen 0.008,25 lw %.2f", lw);
        break;
    case NDP__SPAN: {   /* the band between the plot's y limits, in the PNG's tint */
        unsigned char tint[3];
        ndp__tint(rgb, tint);
        fprintf(out, "using 1:(%.17g):(%.17g) with filledcurves fs solid 1.0 noborder lc rgb '#%02X%02X%02X' ",
                p->tick[1].lo, p->tick[1].hi, tint[0], tint[1], tint[2]);
        if (s->label[0]) { fputs("title ", out); ndp__gp_string(out, s->label); }
        else fputs("notitle", out);
        return;
    }
    default:
        if (s->mark_every > 0)   /* pi k: a point on every k-th vertex */
            fprintf(out, "using 1:2 with linespoints lw %.2f dt %d pt %d ps %.2f pi %d", lw, s->style.dash + 1,
                    ndp__gp_pt[s->style.marker], ndp__marker_size(s, f->scale) / (2.0 * f->scale), s->mark_every);
        else
            fprintf(out, "using 1:2 with lines lw %.2f dt %d", lw, s->style.dash + 1);
        break;
    }
    fprintf(out, " lc rgb '#%02X%02X%02X' ", rgb[0], rgb[1], rgb[2]);
    if (s->label[0]) { fputs("title ", out); ndp__gp_string(out, s->label); }
    else fputs("notitle", out);
}

/* The panel title and an outside legend of p in STEM.gp, each where the PNG has it (gnuplot's
   own "key above" and multiplot title would overlap: the title knows nothing of the key). */
static void ndp__gp_title_key(const ndp_figure *f, const ndp_panel *p, FILE *out)
{
    ndp__metrics m = ndp__metrics_of(f);
    int tw = ndp__text_len(p->title, m.s, NDP__TEXT_BOLD), xc = (p->plot[0] + p->plot[2]) / 2;
    int tx = ndp__imax(p->cell[0] + m.u, ndp__imin(p->cell[2] - m.u - tw, xc - tw / 2));
    int k, rows = 0, last = -1, ox, oy, w, h;
    fputs("unset label\nset title ''\n", out);
    if (p->title[0]) {
        fputs("set label 1 ", out);
        ndp__gp_string(out, p->title);
        fprintf(out, " at screen %.5f, %.5f center\n", (tx + 0.5 * tw) / f->w, 1.0 - (p->cell[1] + m.u + 0.5 * m.gh) / f->h);
    }
    if (p->legend_at != NDP_LEGEND_OUTSIDE) return;
    for (k = 0; k < p->ns; k++) {   /* rows of the PNG's legend: gnuplot fills as many, column by column */
        if (p->series[k].kind == NDP__IMAGE || !p->series[k].label[0]) continue;
        ndp__legend_flow(p, &m, p->cell[2] - p->cell[0] - 2 * m.u, k, &ox, &oy, &w, &h);
        rows += oy != last;
        last = oy;
    }
    fprintf(out, "set key default\nset key at screen %.5f, %.5f left top vertical maxrows %d reverse Left nobox samplen 2 font ',%d'\n",
            (double)p->legend_box[0] / f->w, 1.0 - (double)p->legend_box[1] / f->h, rows > 0 ? rows : 1, f->scale == 2 ? 10 : 7);
}

/* STEM.gp: a multiplot with the same panels, ranges, scales, labels and legend places. */
static void ndp__write_gp(ndp_figure *f, FILE *out, const char *base)
{
    static const char *const key[6] = {"", "", "top left", "top right", "bottom left", "bottom right"};
    int i, k, a, j;
    fprintf(out, "# %s.gp: gnuplot version of %s.png, written by ndeplot.h. Data: %s.dat.\n"
                 "# Run it in this directory: gnuplot %s.gp   (writes %s_gnuplot.png)\n", base, base, base, base, base);
    fprintf(out, "set terminal pngcairo size %d,%d font 'sans,%d' noenhanced\n", f->w, f->h, f->scale == 2 ? 12 : 8);
    fputs("set output ", out);
    ndp__gp_quote(out, base, "_gnuplot.png");
    fputc('\n', out);
    fputs("set palette defined (", out);
    for (j = 0; j < 9; j++) fprintf(out, "%s%d '#%02X%02X%02X'", j ? ", " : "", j, ndp__viridis[j][0], ndp__viridis[j][1], ndp__viridis[j][2]);
    fputs(")\nset grid lt 1 lc rgb '#E6E6E6'\nset tics out nomirror\nset format xy '%g'\nset format cb '%g'\n", out);
    fputs("set multiplot layout ", out);
    fprintf(out, "%d,%d", f->rows, f->cols);
    if (f->title[0]) { fputs(" title ", out); ndp__gp_string(out, f->title); }
    fputc('\n', out);
    for (i = 0; i < f->rows * f->cols; i++) {
        ndp_panel *p = &f->panels[i];
        fprintf(out, "\n# panel (%d,%d): the plot area where the PNG has it, so the figure title, the panel\n"
                     "# title and a legend above the plot get the room the PNG gave them\n", p->row, p->col);
        fprintf(out, "set lmargin at screen %.5f\nset rmargin at screen %.5f\nset tmargin at screen %.5f\nset bmargin at screen %.5f\n",
                (double)p->plot[0] / f->w, (double)p->plot[2] / f->w, 1.0 - (double)p->plot[1] / f->h, 1.0 - (double)p->plot[3] / f->h);
        ndp__gp_title_key(f, p, out);
        fputs("\nset xlabel ", out); ndp__gp_string(out, p->label[0]);
        fputs("\nset ylabel ", out); ndp__gp_string(out, p->label[1]);
        fputs("\nunset logscale\n", out);
        for (a = 0; a < 2; a++) {
            if (p->log[a]) fprintf(out, "set logscale %c\n", "xy"[a]);
            fprintf(out, "set %crange [%.17g:%.17g]\n", "xy"[a], p->tick[a].lo, p->tick[a].hi);
        }
        if (p->legend_at == NDP_LEGEND_NONE) fputs("unset key\n", out);
        else if (p->legend_at != NDP_LEGEND_OUTSIDE)
            fprintf(out, "set key default\nset key reverse Left %s box lc rgb '#BEBEBE' opaque\n", key[p->legend_at]);
        if (ndp__has(p, NDP__IMAGE)) {
            fprintf(out, "set colorbox\nset cbrange [%.17g:%.17g]\nset cblabel ", p->tick[2].lo, p->tick[2].hi);
            ndp__gp_string(out, ndp__image_label(p));
            fputc('\n', out);
        } else {
            fputs("unset colorbox\n", out);
        }
        fputs("plot ", out);
        if (p->ns == 0) fputs("NaN notitle", out);
        for (k = 0; k < p->ns; k++) {
            if (k) fputs(", \\\n     ", out);
            ndp__gp_series(f, p, &p->series[ndp__draw_order(p, k)], out, base);
        }
        fputc('\n', out);
    }
    fputs("\nunset multiplot\n", out);
}

/* Write STEM.ext through STEM.ext.tmp with writer. */
static int ndp__save_text(ndp_figure *f, const char *stem, const char *base, const char *ext,
                          void (*writer)(ndp_figure *, FILE *, const char *), char *msg)
{
    char path[NDP__PATH_LEN], tmp[NDP__PATH_LEN];
    FILE *out;
    int ok;
    snprintf(path, sizeof path, "%s.%s", stem, ext);
    snprintf(tmp, sizeof tmp, "%s.%s.tmp", stem, ext);
    out = fopen(tmp, "w");
    if (!out) return ndp__commit(tmp, path, 0, msg);
    writer(f, out, base);
    ok = !ferror(out);
    ok = (fclose(out) == 0) && ok;
    return ndp__commit(tmp, path, ok, msg);
}

NDPDEF int ndp_save(ndp_figure *fig, const char *stem, char *msg)
{
    char path[NDP__PATH_LEN], tmp[NDP__PATH_LEN];
    const char *base;
    int st;
    if (!fig || !stem || !stem[0] || strlen(stem) + 16 > NDP__PATH_LEN) {
        ndp__msg(msg, "ndp_save: missing figure or stem, or stem longer than %d", NDP__PATH_LEN - 16);
        return NDP_ERR_ARG;
    }
    base = strrchr(stem, '/') ? strrchr(stem, '/') + 1 : stem;
    st = ndp_render(fig, msg);
    if (st == NDP_OK) st = ndp__make_parents(stem, msg);
    if (st != NDP_OK) return st;
    st = ndp__save_text(fig, stem, base, "dat", ndp__write_dat, msg);
    if (st == NDP_OK) st = ndp__save_text(fig, stem, base, "gp", ndp__write_gp, msg);
    if (st != NDP_OK) return st;
    snprintf(path, sizeof path, "%s.png", stem);
    snprintf(tmp, sizeof tmp, "%s.png.tmp", stem);
    return ndp__commit(tmp, path, ndp_png_write(tmp, fig->w, fig->h, fig->cv.rgb) == 0, msg);
}

NDPDEF int ndp_finish(ndp_figure *fig, const char *dir, const char *name, char *msg)
{
    char stem[NDP__PATH_LEN] = "", why[NDP_MSG_LEN];
    int st = NDP_ERR_ARG, len = -1;
    if (name && name[0]) len = snprintf(stem, sizeof stem, "%s%s%s", dir ? dir : "", dir && dir[0] ? "/" : "", name);
    if (!fig || len < 0 || len >= (int)sizeof stem)
        snprintf(why, sizeof why, "ndp_finish: %s", !fig ? "fig is NULL" : len < 0 ? "no name" : "DIR/NAME is too long");
    else
        st = ndp_save(fig, stem, why);
    ndp_figure_free(fig);
    if (st == NDP_OK) ndp__msg(msg, "wrote %s.png (+ .dat, .gp)", stem);
    else ndp__msg(msg, "%s not written: %s: %s", stem[0] ? stem : "(no name)", ndp_status_name(st), why);
    return st;
}

#ifdef __cplusplus
}
#endif

#endif /* NDEPLOT_IMPLEMENTATION_DONE */
#endif /* NDEPLOT_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
This software is available under 2 licenses -- choose whichever you prefer.
ALTERNATIVE A - MIT License: Permission is hereby granted, free of charge, to any person
obtaining a copy of this software, to deal in it without restriction, subject to including
this notice. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND.
ALTERNATIVE B - Public Domain (www.unlicense.org): anyone is free to copy, modify, publish,
use, compile, sell, or distribute this software, for any purpose, by any means.
------------------------------------------------------------------------------
*/
