/* plot_demo.c: one 2x2 figure showing what ndeplot.h draws.

   Panels: (a) lines with a legend, (b) scatter on a log y axis, (c) a vector field with a
   phase portrait on top, (d) a heat map with a colour bar. Writes build/plot_demo.png,
   build/plot_demo.dat and build/plot_demo.gp (run it in build/ for plot_demo_gnuplot.png).

   Build and run from the repository root:
       gcc -std=c99 -O2 -I. -o build/plot_demo examples/plot_demo.c ndeplot_png.c -lm
       ./build/plot_demo && (cd build && gnuplot plot_demo.gp) */
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"

#include <math.h>
#include <stdio.h>

#define NT 400   /* time samples       */
#define NG 15    /* vector-field grid  */
#define NH 60    /* heat-map grid      */

/* Linear spiral dynamics dx/dt = A x, A = [[-0.1, -1], [1, -0.1]]. */
static void spiral(double x, double y, double *dx, double *dy)
{
    *dx = -0.1 * x - y;
    *dy = x - 0.1 * y;
}

int main(void)
{
    static double t[NT], x[NT], v[NT], env[NT];             /* (NT) each            */
    static double it[60], loss[60], fit[60];                 /* (60) each            */
    static double gx[NG * NG], gy[NG * NG], gu[NG * NG], gv[NG * NG];  /* (NG*NG)   */
    static double px[NT], py[NT];                            /* (NT) trajectory      */
    static double z[NH * NH];                                /* (NH, NH) density     */
    char msg[NDP_MSG_LEN];
    ndp_style dashed = {NDP_GREY, NDP_DASHED, NDP_CIRCLE, 0, 0};
    ndp_style line = {NDP_BLACK, NDP_SOLID, NDP_CIRCLE, 0, 0};
    ndp_figure *fig;
    ndp_panel *p;
    unsigned long long r = 12345;   /* LCG seed for the noisy losses */
    int i, j, st;

    /* 1. data */
    for (i = 0; i < NT; i++) {
        t[i] = 20.0 * i / (NT - 1);
        env[i] = exp(-0.1 * t[i]);
        x[i] = env[i] * cos(t[i]);
        v[i] = -env[i] * sin(t[i]);
    }
    for (i = 0; i < 60; i++) {
        double noise;
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        noise = ((r >> 11) * (1.0 / 9007199254740992.0) - 0.5) * 0.8;
        it[i] = 50.0 * (i + 1);
        fit[i] = 2.0 * exp(-it[i] / 600.0) + 1e-3;
        loss[i] = fit[i] * exp(noise);
    }
    for (j = 0; j < NG; j++)
        for (i = 0; i < NG; i++) {
            int k = j * NG + i;
            gx[k] = -2 + 4.0 * i / (NG - 1);
            gy[k] = -2 + 4.0 * j / (NG - 1);
            spiral(gx[k], gy[k], &gu[k], &gv[k]);
        }
    px[0] = 1.8; py[0] = 0;
    for (i = 1; i < NT; i++) {   /* explicit midpoint steps, h = 0.05 */
        double h = 0.05, k1x, k1y, k2x, k2y;
        spiral(px[i - 1], py[i - 1], &k1x, &k1y);
        spiral(px[i - 1] + 0.5 * h * k1x, py[i - 1] + 0.5 * h * k1y, &k2x, &k2y);
        px[i] = px[i - 1] + h * k2x;
        py[i] = py[i - 1] + h * k2y;
    }
    for (j = 0; j < NH; j++)
        for (i = 0; i < NH; i++) {
            double a = -3 + 6.0 * (i + 0.5) / NH, b = -3 + 6.0 * (j + 0.5) / NH;
            z[j * NH + i] = 0.6 * exp(-((a - 1) * (a - 1) + (b - 0.5) * (b - 0.5)) / 0.8)
                          + 0.4 * exp(-((a + 1.2) * (a + 1.2) + (b + 1) * (b + 1)) / 0.5);
        }

    /* 2. figure */
    fig = ndp_figure_create(1200, 900, 2, 2, msg);
    if (!fig) { fprintf(stderr, "plot_demo: %s\n", msg); return 1; }
    ndp_figure_title(fig, "ndeplot.h demo");

    p = ndp_panel_at(fig, 0, 0);
    ndp_line(p, t, x, NT, "position x(t)", NULL);
    ndp_line(p, t, v, NT, "velocity v(t)", NULL);
    ndp_line(p, t, env, NT, "envelope exp(-t/10)", &dashed);
    ndp_title(p, "(a) damped oscillator");
    ndp_xlabel(p, "time t");
    ndp_ylabel(p, "state");

    p = ndp_panel_at(fig, 0, 1);
    ndp_scatter(p, it, loss, 60, "minibatch loss", NULL);
    ndp_line(p, it, fit, 60, "trend", &line);
    ndp_log(p, 0, 1);
    ndp_title(p, "(b) training loss, log y");
    ndp_xlabel(p, "iteration");
    ndp_ylabel(p, "loss");

    p = ndp_panel_at(fig, 1, 0);
    ndp_arrows(p, gx, gy, gu, gv, NG * NG, NULL, NULL);
    ndp_line(p, px, py, NT, "trajectory from (1.8, 0)", NULL);
    ndp_title(p, "(c) vector field and phase portrait");
    ndp_xlabel(p, "x");
    ndp_ylabel(p, "y");

    p = ndp_panel_at(fig, 1, 1);
    ndp_heatmap(p, z, NH, NH, -3, 3, -3, 3, "density p(x, y)");
    ndp_title(p, "(d) heat map");
    ndp_xlabel(p, "x");
    ndp_ylabel(p, "y");

    /* 3. save */
    st = ndp_save(fig, "build/plot_demo", msg);
    if (st != NDP_OK) fprintf(stderr, "plot_demo: %s: %s\n", ndp_status_name(st), msg);
    else printf("wrote build/plot_demo.png, build/plot_demo.dat, build/plot_demo.gp\n");
    ndp_figure_free(fig);
    return st != NDP_OK;
}
