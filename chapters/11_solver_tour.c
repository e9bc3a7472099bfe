/* 11_solver_tour.c: a tour of the solvers.

   You will learn
     - what a method's linear stability region is, how it follows from the
       method's own coefficients (R(z) = 1 + z b^T (I - zA)^-1 1), and why
       the exponential integrator EPI2 has the exact one;
     - how to measure a method's order (error against step size, log-log)
       and what it buys: error against function evaluations and CPU time,
       on a non-stiff problem and on a stiff one;
     - what stiffness does to an explicit solver's step count, where the
       library's stiffness detector fires, and what a gradient through
       each solver costs.

   Sources
     "A Crash Course On Neural Ordinary Differential Equations" (Gaudreault,
     Taylor, Wei), slide "Solving Neural ODEs": explicit Runge-Kutta methods,
     backward Euler z_{n+1} = z_n + h f(z_{n+1}, t_{n+1}, theta), the
     exponential integrator EPI2 z_1 = z_0 + phi_1(dt J_0) f(z_0, t_0, theta) dt
     with phi_1(A) = A^-1 (e^A - I), and adaptive Dormand-Prince 5(4); slide
     "Stiffness, Non-Reversibility: A Critical Warning": stiffness is
     eigenvalues of df/dz of very different magnitudes, eq 14 dy/dt = -lambda y.
     Slides "Training Neural ODEs (Option 1)" and "(Option 2)", eq 13:
     backpropagation through time against the adjoint.
     Stability functions and regions [Hairer-Wanner II, IV.2-IV.3]; the
     stiffness test [Hairer-Wanner II, IV.2]; Robertson [Hairer-Wanner II, IV.1].

   The experiments
     1. Stability regions |R(z)| <= 1 of euler, midpoint (= heun), rk4,
        dopri5, backward Euler, sdirk4, gauss2 and epi2, each R(z) from
        nde_method_stability (the library computes it from the same tables
        its steps use); leapfrog has no scalar R: its step matrix on the
        harmonic oscillator is measured instead.
     2. Convergence on the pendulum q' = p, p' = -sin q from (1, 0), over one
        period T = 4 K(sin 1/2): the exact end state is the start (K from
        the arithmetic-geometric mean), so no reference solver enters. Every
        method, the adaptive ones at fixed steps (h0 = hmax = h, tolerances
        rtol = atol = 1 that accept every step: checked), the implicit ones
        with their Newton iteration run to convergence (newton_tol 1e-20:
        stop when the increment vanishes). Order = least-squares slope of
        log error against log h over the finest 4 steps whose error is above
        1e-12 and above 10 n eps (rounding: errors stop falling near 1e-13
        after a few hundred steps, higher after more).
     3. Work-precision: error against evaluations of f and against CPU time,
        (i) the pendulum (fixed steps / tolerances swept, production Newton
        settings), (ii) Robertson to t = 40, rtol swept (atol = 1e-6 rtol: y2
        is ~1e-5), relative error against the Radau IIA reference in
        tests/fixtures/refs.h. The stated accuracy of the RESULT keys: max
        relative error 1e-5 over the three components at t = 40; nfe is that of
        the loosest setting from which every tighter setting of the sweep
        reaches it.
     4. Stiffness: u' = -lambda (u - cos s), s' = 1 (t carried as a state so
        EPI2 sees the whole Jacobian), u(0) = 0 on [0, 10], exact
        u = A cos t + B sin t - A e^(-lambda t), A = lambda^2/(1 + lambda^2),
        B = lambda/(1 + lambda^2); lambda = 1 .. 1e4.
     5. A Neural ODE dy/dt = net(y), net 2-16-2 tanh (seed 11), B = 16 rows,
        loss MSE of y(1) against fixed targets: backprop and interpolating
        adjoint through every method but leapfrog.

   Claim (exit status, also with --quick): every fitted order within 0.15 of
   the method's order.

   What the documents leave open, and what we chose
     - The crash course lists the methods without orders, stability or costs;
       all are measured here. Its "Dormand-Prince: 5th order with 4th order
       error estimate" holds: 5.01 at fixed steps (tsit5, the same order, is
       above 5 until errors ~1e-10: pre-asymptotic, not a wrong order).
     - Its EPI2 formula is the library's step. The order 2 needs an
       autonomous problem: EPI2 freezes t over the step (order 1 when f
       depends on t), so step 4 carries t as a state. On a linear constant-
       coefficient problem EPI2 is exact at any h: its stability function is
       e^z, the true solution's.
     - Backward Euler as written needs a nonlinear solve per step: the
       library's simplified Newton (Jacobian at the step start) is what fails
       on Robertson at large fixed h (step 3), not the formula.
     - Stiffness, "eigenvalues of very different magnitudes": measured as the
       explicit solvers' steps following lambda T / (stability interval) while
       the solution is smooth, and where the library's detector fires.
     - The stability functions come from a library call, nde_method_stability
       (tests/test_tour.c checks it against the closed forms), because the
       implicit tables are private to the steps: one function keeps every R
       tied to the coefficients the steps use, EPI2 included.

   Run
     make ch11                      (full: figures under plots/)
     build/11_solver_tour --quick   (coarser grids; figures under build/quick/)

   Figures (PNG + gnuplot .dat/.gp)
     ch11_stability.png    log10 |R(z)| and the boundary |R(z)| = 1, 8 methods
     ch11_convergence.png  error at T against h, log-log, fitted orders
     ch11_work.png         error against evaluations: pendulum, Robertson
     build/ch11_work_time.png  the same against CPU time (never committed: timings change
                           from run to run)
     ch11_stiffness.png    steps against lambda; steps along t at lambda = 1000
                           with the detector's time; |R| on the negative real axis
*/
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"
#include "args.h"
#include "tests/fixtures/refs.h" /* ref_rober_t, ref_rober_y */
#include "tests/problems.c"      /* prob_pend, prob_rober (one translation unit) */

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SEED 11
#define NM NDE_METHOD_COUNT
#define MAXPTS 40           /* points of one sweep */
#define FIT_FLOOR 1e-12     /* convergence fits use errors above this (10x the rounding floor) */
#define FIT_POINTS 4        /* ... the finest this many */
#define ORDER_TOL 0.15      /* the claim */
#define STIFF_ACC 1e-5      /* accuracy of the nfe_*_stiff keys (max relative error at t = 40) */
#define ROB_T 40.0
#define NLAM_MAX 9

static double cpu_ms(clock_t c0) { return 1e3 * (double)(clock() - c0) / CLOCKS_PER_SEC; }

static nde_options options(int method)
{
    nde_options o;
    memset(&o, 0, sizeof o);
    o.method = method;
    o.max_steps = 10000000;
    return o;
}

/* One look per method in every figure: six colours, solid for the first six methods, dashed after. */
static ndp_style method_style(int m)
{
    static const int palette[6] = {NDP_BLUE, NDP_VERMILION, NDP_GREEN, NDP_ORANGE, NDP_SKYBLUE, NDP_PURPLE};
    ndp_style st = {0, 0, NDP_CIRCLE, 0, 0};
    st.color = palette[m % 6];
    st.dash = m >= 6 ? NDP_DASHED : NDP_SOLID;
    return st;
}

/* Title, axis labels, legend place and log axes of one panel (loglog: both axes log10). */
static void decorate(ndp_panel *p, const char *title, const char *xl, const char *yl, int legend, int loglog)
{
    if (loglog) ndp_log(p, 1, 1);
    ndp_title(p, title);
    ndp_xlabel(p, xl);
    ndp_ylabel(p, yl);
    ndp_legend(p, legend);
}

static int is_adaptive(int m) { return m == NDE_DOPRI5 || m == NDE_BS32 || m == NDE_TSIT5 || m == NDE_SDIRK4; }
static int is_implicit(int m) { return m == NDE_BACKWARD_EULER || m == NDE_SDIRK4 || m == NDE_GAUSS2; }

/* The theoretical order of the propagated solution. */
static int method_order(int m)
{
    const nde_tableau *tb = nde_method_tableau(m);
    if (tb) return tb->order;
    switch (m) {
    case NDE_BACKWARD_EULER: return 1;
    case NDE_SDIRK4: case NDE_GAUSS2: return 4;
    default: return 2; /* epi2, leapfrog */
    }
}

/* ===================================================================== */
/* 1. Stability regions                                                   */
/* ===================================================================== */
/* A method applied to y' = lambda y multiplies y by R(z), z = h lambda, at
   every step; the numerical solution stays bounded when |R(z)| <= 1.
   Explicit Runge-Kutta: R is a polynomial (bounded region). Implicit: a
   rational function; A-stable when the whole left half-plane is inside.
   EPI2: with J = lambda, y1 = y0 + h phi1(h lambda) lambda y0 = e^z y0: the
   exact solution's factor, so its region is exactly Re z <= 0, where the
   problem itself does not grow. (Exact only while J is constant: on a
   nonlinear problem J changes along the solution and EPI2 is order 2.) */

static const int stab_methods[8] = {NDE_EULER, NDE_MIDPOINT, NDE_RK4, NDE_DOPRI5,
                                    NDE_BACKWARD_EULER, NDE_SDIRK4, NDE_GAUSS2, NDE_EPI2};

/* |R(z)|; a pole counts as infinitely unstable. */
static double absR(int m, double x, double y)
{
    double Rr, Ri;
    int s = nde_method_stability(m, x, y, &Rr, &Ri, NULL);
    return s == NDE_OK ? hypot(Rr, Ri) : INFINITY;
}

/* Stability interval [-b, 0] on the negative real axis: bisection of |R(-x)| = 1
   in [0, xmax]; returns xmax when all of it is stable. */
static double real_bound(int m, double xmax)
{
    double lo = 0.0, hi = xmax;
    int k;
    if (absR(m, -xmax, 0.0) <= 1.0) return xmax;
    for (k = 0; k < 80; k++) {
        double mid = 0.5 * (lo + hi);
        if (absR(m, -mid, 0.0) <= 1.0) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* Points on the level set g = 0 of a grid g (ny,nx) at cell centres xs (nx),
   ys (ny): where it crosses the cell edges (marching squares), drawn as dots
   (a line with NaN gaps between segments would break the gnuplot script's
   later heat maps: blank lines there count as block ends). Returns the
   number of points written into px, py (capacity cap). */
static int contour0(int nx, int ny, const double *xs, const double *ys, const double *g, double *px, double *py, int cap)
{
    int i, j, n = 0;
    for (j = 0; j + 1 < ny; j++)
        for (i = 0; i + 1 < nx; i++) {
            double v[4], ex[4], ey[4];
            int c, k = 0;
            v[0] = g[j * nx + i]; v[1] = g[j * nx + i + 1];
            v[2] = g[(j + 1) * nx + i + 1]; v[3] = g[(j + 1) * nx + i];
            for (c = 0; c < 4; c++) { /* edges 0-1, 1-2, 2-3, 3-0 of the cell */
                int d = (c + 1) % 4;
                double xa = xs[i + (c == 1 || c == 2)], ya = ys[j + (c >= 2)];
                double xb = xs[i + (d == 1 || d == 2)], yb = ys[j + (d >= 2)];
                if ((v[c] <= 0.0) != (v[d] <= 0.0) && isfinite(v[c]) && isfinite(v[d]) && k < 4) {
                    double s = v[c] / (v[c] - v[d]);
                    ex[k] = xa + s * (xb - xa);
                    ey[k] = ya + s * (yb - ya);
                    k++;
                }
            }
            for (c = 0; c < k && n < cap; c++) {
                px[n] = ex[c];
                py[n] = ey[c];
                n++;
            }
        }
    return n;
}

/* Spectral radius of leapfrog's step matrix on q' = p, p' = -w^2 q at step h
   (w = 1): its columns are one step from (1, 0) and from (0, 1). */
static double leapfrog_radius(double h)
{
    static const double A[4] = {0.0, 1.0, -1.0, 0.0};
    nde_system s = prob_lin(A);
    nde_options o = options(NDE_LEAPFROG);
    double e[2][2] = {{1.0, 0.0}, {0.0, 1.0}}, t[2] = {0.0, h}, y[4], M[4], tr, det, disc;
    int c;
    o.h = h;
    for (c = 0; c < 2; c++) {
        nde_solve(&s, 1, e[c], 2, t, &o, y, NULL);
        M[c] = y[2];     /* column c: M[0][c], M[1][c] */
        M[2 + c] = y[3];
    }
    tr = M[0] + M[3];
    det = M[0] * M[3] - M[1] * M[2];
    disc = tr * tr / 4.0 - det;
    if (disc < 0.0) return sqrt(det); /* complex pair: |mu|^2 = det */
    return fmax(fabs(tr / 2.0 + sqrt(disc)), fabs(tr / 2.0 - sqrt(disc)));
}

static void stability_table(void)
{
    int i, m;
    printf("   %-15s %16s %16s %12s %14s\n", "method", "real interval", "max|R(iy)|,y<1e4", "A-stable", "|R(-1e6)|");
    for (i = 0; i < 8; i++) {
        double worst_iy = 0.0, worst_left = 0.0, y, x;
        m = stab_methods[i];
        for (y = 1e-3; y < 1e4; y *= 1.1) worst_iy = fmax(worst_iy, absR(m, 0.0, y));
        for (x = -1e4; x < 0.0; x = x * 0.9 + (x > -1e-3 ? 1.0 : 0.0))
            for (y = 0.0; y < 1e4; y = y * 1.5 + 1e-3) worst_left = fmax(worst_left, absR(m, x, y));
        double b = real_bound(m, 1e6);
        char iv[32];
        if (b >= 1e6) snprintf(iv, sizeof iv, "(-inf, 0]");
        else snprintf(iv, sizeof iv, "[%.6f, 0]", -b);
        printf("   %-15s %16s %16.6g %12s %14.3g\n", nde_method_name(m), iv, worst_iy,
               worst_left <= 1.0 + 1e-12 ? "yes" : "no", absR(m, -1e6, 0.0));
    }
    printf("   leapfrog: no scalar R (it splits y into (q, p)). Its step matrix on q' = p, p' = -q:\n");
    printf("   spectral radius %.6f at h = 1.9, %.6f at h = 1.99, %.6f at h = 2.01, %.6f at h = 2.1\n",
           leapfrog_radius(1.9), leapfrog_radius(1.99), leapfrog_radius(2.01), leapfrog_radius(2.1));
    printf("   (stable, eigenvalues on the unit circle, for h w < 2: an interval of the imaginary axis)\n");
}

static void draw_stability(const char *dir, int quick)
{
    int nx = quick ? 64 : 161, ny = quick ? 48 : 121, i, j, k;
    double x0, x1, y0, y1;
    static double xs[161], ys[121], val[161 * 121], g[161 * 121], px[20000], py[20000]; /* (nx), (ny), (ny,nx) */
    char msg[NDP_MSG_LEN], title[96];
    ndp_figure *fig = ndp_figure_create(1800, 860, 2, 4, msg);
    ndp_style edge = {NDP_VERMILION, 0, NDP_CIRCLE, 0, 1.6}, ax = {NDP_GREY, NDP_DOTTED, 0, 0, 0};
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Linear stability: log10 |R(z)|, z = h lambda (clipped to [-2, 2]); line: |R(z)| = 1; stable where log10 |R| <= 0 (dark)");
    for (k = 0; k < 8; k++) {
        int m = stab_methods[k], n;
        ndp_panel *p = ndp_panel_at(fig, k / 4, k % 4);
        double lx[2], ly[2] = {0.0, 0.0}, vx[2] = {0.0, 0.0}, vy[2];
        /* explicit methods: bounded stable regions near 0 (top row); implicit ones: bounded
           unstable sets in the right half-plane, wider window (bottom row) */
        x0 = k < 4 ? -6.0 : -15.0; x1 = k < 4 ? 6.0 : 35.0;
        y0 = k < 4 ? -4.5 : -18.75; y1 = -y0;
        for (i = 0; i < nx; i++) xs[i] = x0 + (x1 - x0) * (i + 0.5) / nx;
        for (j = 0; j < ny; j++) ys[j] = y0 + (y1 - y0) * (j + 0.5) / ny;
        lx[0] = x0; lx[1] = x1; vy[0] = y0; vy[1] = y1;
        for (j = 0; j < ny; j++)
            for (i = 0; i < nx; i++) {
                double a = absR(m, xs[i], ys[j]);
                val[j * nx + i] = fmax(-2.0, fmin(2.0, log10(a)));
                g[j * nx + i] = isfinite(a) ? log(a) : 50.0;
            }
        ndp_heatmap(p, val, nx, ny, x0, x1, y0, y1, "log10|R|");
        ndp_clim(p, -2.0, 2.0);
        ndp_line(p, lx, ly, 2, NULL, &ax);
        ndp_line(p, vx, vy, 2, NULL, &ax);
        n = contour0(nx, ny, xs, ys, g, px, py, 20000);
        if (n > 0) ndp_scatter(p, px, py, n, NULL, &edge);
        if (m == NDE_MIDPOINT) snprintf(title, sizeof title, "midpoint = heun (1 + z + z^2/2)");
        else if (m == NDE_EPI2) snprintf(title, sizeof title, "epi2: R = e^z (exact)");
        else if (m == NDE_GAUSS2) snprintf(title, sizeof title, "gauss2: stable for Re z <= 0");
        else if (k >= 4) snprintf(title, sizeof title, "%s: unstable inside", nde_method_name(m));
        else snprintf(title, sizeof title, "%s: stable inside", nde_method_name(m));
        decorate(p, title, "Re z", "Im z", NDP_LEGEND_NONE, 0);
    }
    ndp_finish(fig, dir, "ch11_stability", msg);
    printf("   %s\n", msg);
}

/* ===================================================================== */
/* 2. Convergence at fixed steps on the pendulum                          */
/* ===================================================================== */
/* The period of q'' = -sin q from rest at q0: T = 4 K(k), k = sin(q0/2),
   K(k) = pi / (2 AGM(1, sqrt(1 - k^2))) [Abramowitz-Stegun 17.6]. */

#define Q0 1.0

static double agm(double a, double b)
{
    int i;
    for (i = 0; i < 60 && a != b; i++) {
        double m = 0.5 * (a + b);
        b = sqrt(a * b);
        a = m;
    }
    return a;
}

static double pendulum_period(void)
{
    double k = sin(0.5 * Q0);
    return 2.0 * acos(-1.0) / agm(1.0, sqrt(1.0 - k * k));
}

/* One run of a sweep: error, cost, the step it used (h) or the tolerance. */
typedef struct run {
    double h, tol;      /* fixed step, or rtol (0 when not used) */
    double err;
    long nfe, njac, steps, nreject;
    double ms;          /* CPU ms per solve */
    int status;
    char msg[NDE_MSG_LEN];
} run;

/* Solve once, then again until min_ms of CPU has passed; time per solve. */
static run timed_solve(const nde_system *s, int D, const double *y0, double T, const nde_options *o, double min_ms,
                       double *yT)
{
    double t[2] = {0.0, T}, y[2 * 8];
    nde_stats st;
    run r;
    clock_t c0 = clock();
    int reps = 0;
    memset(&r, 0, sizeof r);
    do {
        r.status = nde_solve(s, 1, y0, 2, t, o, y, &st);
        reps++;
    } while (r.status == NDE_OK && cpu_ms(c0) < min_ms);
    r.ms = cpu_ms(c0) / reps;
    r.nfe = st.nfe;
    r.njac = st.njac;
    r.steps = st.naccept;
    r.nreject = st.nreject;
    memcpy(r.msg, st.msg, sizeof r.msg);
    memcpy(yT, y + D, (size_t)D * sizeof(double));
    return r;
}

/* Fixed-step options for the order measurement (see the header). */
static nde_options fixed_options(int m, double h)
{
    nde_options o = options(m);
    if (is_adaptive(m)) {
        o.rtol = o.atol = 1.0;
        o.h0 = o.hmax = h;
    } else {
        o.h = h;
    }
    if (is_implicit(m)) {
        o.rtol = o.atol = 1.0;
        o.newton_tol = 1e-20;
        o.newton_max = 50;
    }
    return o;
}

typedef struct sweep {
    int n;
    run r[MAXPTS];
} sweep;

/* Least-squares slope of log err against log h over points [i0, i1). */
static double fit_slope(const run *r, int i0, int i1)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int i, n = i1 - i0;
    for (i = i0; i < i1; i++) {
        double x = log(r[i].h), y = log(r[i].err);
        sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* Where rounding may matter: n steps each add ~eps to |y| ~ 1, so errors below
   10 n eps (and below FIT_FLOOR) are not the method's. */
static double fit_floor(long n) { return fmax(FIT_FLOOR, 10.0 * (double)n * DBL_EPSILON); }

/* Steps per period n = 8 * 2^(i/2) until the error drops below the floor or n > nmax;
   fit the finest FIT_POINTS above it. */
static double convergence(int m, double T, long nmax, sweep *sw, int *i0, int *i1, long *rejected)
{
    double th[2] = {1.0, 1.0}, y0[2] = {Q0, 0.0}, yT[2];
    nde_system s = prob_pend(th);
    int i;
    sw->n = 0;
    *rejected = 0;
    for (i = 0; sw->n < MAXPTS; i++) {
        long n = (long)floor(8.0 * pow(2.0, 0.5 * i) + 0.5);
        nde_options o;
        run r;
        if (n > nmax) break;
        o = fixed_options(m, T / n);
        r = timed_solve(&s, 2, y0, T, &o, 0.0, yT);
        r.h = T / n;
        r.err = fmax(fabs(yT[0] - Q0), fabs(yT[1]));
        if (r.status != NDE_OK) continue;   /* too large a step for Newton: not a point */
        if (r.steps != n || r.nreject != 0) { /* an error estimate above 1 at this h: not a fixed step */
            *rejected = n;
            continue;
        }
        sw->r[sw->n++] = r;
        if (r.err < fit_floor(n)) break;
    }
    *i1 = sw->n;
    while (*i1 > 0 && !(sw->r[*i1 - 1].err >= fit_floor(sw->r[*i1 - 1].steps))) (*i1)--;
    *i0 = *i1 - FIT_POINTS > 0 ? *i1 - FIT_POINTS : 0;
    return *i1 - *i0 >= 3 ? fit_slope(sw->r, *i0, *i1) : NAN;
}

/* sdirk4 at fixed steps with a Newton tolerance just above the rounding level
   against the converged one: the same steps, different stage solves. */
static void sdirk4_newton(double T)
{
    static const double tols[2] = {1e-14, 1e-20};
    static const long ns[4] = {181, 362, 724, 1448};
    double th[2] = {1.0, 1.0}, y0[2] = {Q0, 0.0}, yT[2];
    nde_system s = prob_pend(th);
    int i, k;
    printf("   sdirk4, error at T by Newton tolerance (rtol = atol = 1, newton_max 50):\n");
    printf("   %-12s", "newton_tol");
    for (k = 0; k < 4; k++) printf("   n = %-6ld", ns[k]);
    printf("\n");
    for (i = 0; i < 2; i++) {
        printf("   %-12.0e", tols[i]);
        for (k = 0; k < 4; k++) {
            nde_options o = fixed_options(NDE_SDIRK4, T / ns[k]);
            run r;
            o.newton_tol = tols[i];
            r = timed_solve(&s, 2, y0, T, &o, 0.0, yT);
            printf("   %.3e%s", fmax(fabs(yT[0] - Q0), fabs(yT[1])), r.nreject || r.status ? "*" : " ");
        }
        printf("\n");
    }
}

static void draw_convergence(const char *dir, const sweep *sw, const double *order)
{
    char msg[NDP_MSG_LEN], lab[64];
    ndp_figure *fig = ndp_figure_create(1700, 720, 1, 2, msg);
    int m, i, k;
    double x[MAXPTS], y[MAXPTS];
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Pendulum over one period: error at T against the step h (fixed steps); legend: fitted order (method's order)");
    for (k = 0; k < 2; k++) {
        ndp_panel *p = ndp_panel_at(fig, 0, k);
        for (m = 0; m < NM; m++) {
            ndp_style st = method_style(m);
            int explicit_rk = nde_method_tableau(m) != NULL;
            if (explicit_rk != (k == 0)) continue;
            for (i = 0; i < sw[m].n; i++) { x[i] = sw[m].r[i].h; y[i] = fmax(sw[m].r[i].err, 1e-16); }
            snprintf(lab, sizeof lab, "%s %.2f (%d)", nde_method_name(m), order[m], method_order(m));
            ndp_line(p, x, y, sw[m].n, lab, &st);
            ndp_scatter(p, x, y, sw[m].n, NULL, &st);
        }
        ndp_ylim(p, 1e-14, 1e4);
        decorate(p, k == 0 ? "explicit Runge-Kutta (adaptive ones at fixed h)" : "implicit, exponential, symplectic", "h",
                 "max |y(T) - y(0)|", NDP_LEGEND_TOP_LEFT, 1);
    }
    ndp_finish(fig, dir, "ch11_convergence", msg);
    printf("   %s\n", msg);
}

/* ===================================================================== */
/* 3. Work-precision                                                      */
/* ===================================================================== */
/* Production settings: adaptive methods at rtol = atol = tol (the sweep
   variable), fixed-step ones at h with the Newton tolerance relative to
   rtol = atol = 1e-10 (far below the errors measured). */

static void work_nonstiff(double T, double min_ms, int quick, sweep *wp)
{
    double th[2] = {1.0, 1.0}, y0[2] = {Q0, 0.0}, yT[2];
    nde_system s = prob_pend(th);
    int m, i;
    for (m = 0; m < NM; m++) {
        wp[m].n = 0;
        for (i = 0; wp[m].n < MAXPTS; i++) {
            nde_options o = options(m);
            run r;
            if (is_adaptive(m)) {
                double tol = pow(10.0, -3.0 - (quick ? 1.0 : 0.5) * i);
                if (tol < 1e-13) break;
                o.rtol = o.atol = tol;
                r = timed_solve(&s, 2, y0, T, &o, min_ms, yT);
                r.tol = tol;
            } else {
                long n = (long)floor(16.0 * pow(2.0, (quick ? 1.0 : 0.5) * i) + 0.5);
                if (n > (quick ? 4096 : 65536)) break;
                o.h = T / n;
                o.rtol = o.atol = 1e-10;
                r = timed_solve(&s, 2, y0, T, &o, min_ms, yT);
                r.h = o.h;
            }
            r.err = fmax(fabs(yT[0] - Q0), fabs(yT[1]));
            if (r.status == NDE_OK) wp[m].r[wp[m].n++] = r;
        }
    }
}

/* Robertson to t = 40: max relative error of the 3 components against the reference. */
static double rober_err(const double *y)
{
    double e = 0.0;
    int j;
    for (j = 0; j < 3; j++) e = fmax(e, fabs(y[j] - ref_rober_y[1][j]) / ref_rober_y[1][j]);
    return e;
}

static const int stiff_methods[4] = {NDE_DOPRI5, NDE_SDIRK4, NDE_EPI2, NDE_BACKWARD_EULER};

static void work_stiff(double min_ms, int quick, sweep *ws)
{
    nde_system s = prob_rober();
    double y0[3] = {1.0, 0.0, 0.0}, yT[3];
    int k, i;
    for (k = 0; k < 4; k++) {
        int m = stiff_methods[k], nfail = 0;
        sweep *w = &ws[k];
        run fail;
        w->n = 0;
        for (i = 0; w->n < MAXPTS; i++) {
            nde_options o = options(m);
            run r;
            if (is_adaptive(m)) {
                double tol = pow(10.0, -2.0 - (quick ? 1.0 : 0.5) * i);
                if (tol < (m == NDE_DOPRI5 ? 1e-7 : 1e-9)) break;
                o.rtol = tol;
                o.atol = 1e-6 * tol;
                r = timed_solve(&s, 3, y0, ROB_T, &o, min_ms, yT);
                r.tol = tol;
            } else {
                long n = (long)floor(10.0 * pow(2.0, (quick ? 1.0 : 0.5) * i) + 0.5);
                if (n > (quick ? 5120 : (m == NDE_EPI2 ? 40960 : 655360))) break;
                o.h = ROB_T / n;
                o.rtol = 1e-8;
                o.atol = 1e-14;
                r = timed_solve(&s, 3, y0, ROB_T, &o, min_ms, yT);
                r.h = o.h;
            }
            r.err = rober_err(yT);
            if (r.status == NDE_OK) w->r[w->n++] = r;
            else { nfail++; fail = r; } /* keep the last (smallest setting) failure */
        }
        if (nfail)
            printf("   %s: %d of its settings failed, down to %s = %.3g: %s: %s\n", nde_method_name(m), nfail,
                   is_adaptive(m) ? "rtol" : "h", is_adaptive(m) ? fail.tol : fail.h, nde_status_name(fail.status), fail.msg);
    }
}

/* nfe of the loosest setting from which every tighter one reaches acc; -1: none. */
static long nfe_at(const sweep *w, double acc)
{
    int i = w->n;
    while (i > 0 && w->r[i - 1].err <= acc) i--;
    return i < w->n ? w->r[i].nfe : -1;
}

static void print_sweep(const char *name, const sweep *w)
{
    int i;
    for (i = 0; i < w->n; i++)
        printf("   %-15s %-5s %9.3g %11.3e %9ld %8ld %8ld %10.4f\n", i == 0 ? name : "", w->r[i].tol > 0 ? "rtol" : "h",
               w->r[i].tol > 0 ? w->r[i].tol : w->r[i].h, w->r[i].err, w->r[i].nfe, w->r[i].njac, w->r[i].steps, w->r[i].ms);
}

static void work_panel(ndp_panel *p, const sweep *w, int by_time, int m)
{
    double x[MAXPTS], y[MAXPTS];
    ndp_style st = method_style(m);
    int i;
    if (w->n == 0) return;
    for (i = 0; i < w->n; i++) {
        x[i] = by_time ? fmax(w->r[i].ms, 1e-4) : (double)w->r[i].nfe;
        y[i] = fmax(w->r[i].err, 1e-16);
    }
    ndp_line(p, x, y, w->n, nde_method_name(m), &st);
    ndp_scatter(p, x, y, w->n, NULL, &st);
}

/* Work-precision against evaluations (k = 0: ch11_work, under dir) or against CPU time (k = 1:
   ch11_work_time, under tdir: build/, never committed, since timings change from run to run). */
static void draw_work_one(const char *dir, int k, const sweep *wp, const sweep *ws)
{
    char msg[NDP_MSG_LEN];
    const char *xl[2] = {"evaluations of f (Jacobians not counted)", "CPU ms per solve"};
    ndp_figure *fig = ndp_figure_create(1000, 1300, 2, 1, msg);
    int m;
    double ax[2], ay[2] = {STIFF_ACC, STIFF_ACC};
    ndp_style acc = {NDP_GREY, NDP_DOTTED, 0, 0, 0};
    ndp_panel *p;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, k ? "Work-precision against CPU time (dotted: the stated accuracy 1e-5)"
                            : "Work-precision against evaluations (dotted: the stated accuracy 1e-5)");
    p = ndp_panel_at(fig, 0, 0);
    for (m = 0; m < NM; m++) work_panel(p, &wp[m], k, m);
    decorate(p, k ? "pendulum over one period: error against CPU time" : "pendulum over one period: error against evaluations of f",
             xl[k], "max |y(T) - y(0)|", NDP_LEGEND_OUTSIDE, 1);
    p = ndp_panel_at(fig, 1, 0);
    for (m = 0; m < 4; m++) work_panel(p, &ws[m], k, stiff_methods[m]);
    ax[0] = k ? 1e-3 : 10.0;
    ax[1] = k ? 1e3 : 1e7;
    ndp_line(p, ax, ay, 2, NULL, &acc);
    decorate(p, k ? "Robertson to t = 40: error against CPU time" : "Robertson to t = 40: error against evaluations of f", xl[k],
             "max relative error at t = 40", NDP_LEGEND_BOTTOM_LEFT, 1);
    ndp_finish(fig, dir, k ? "ch11_work_time" : "ch11_work", msg);
    printf("   %s\n", msg);
}

static void draw_work(const char *dir, const char *tdir, const sweep *wp, const sweep *ws)
{
    draw_work_one(dir, 0, wp, ws);
    draw_work_one(tdir, 1, wp, ws);
}

/* ===================================================================== */
/* 4. Stiffness made visible                                              */
/* ===================================================================== */
/* y = (u, s): u' = -lambda (u - cos s), s' = 1; theta = (lambda).
   Jacobian [[-lambda, -lambda sin s], [0, 0]]. After the initial layer of
   width ~1/lambda, u ~ cos t: smooth, yet an explicit method must keep
   h lambda inside its stability interval (dopri5: 3.31) at every step. */

static int tr_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        dy[2 * b] = -th[0] * (y[2 * b] - cos(y[2 * b + 1]));
        dy[2 * b + 1] = 1.0;
    }
    return 0;
}

static int tr_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double *Jb = J + 4 * b;
        Jb[0] = -th[0]; Jb[1] = -th[0] * sin(y[2 * b + 1]);
        Jb[2] = 0.0;    Jb[3] = 0.0;
    }
    return 0;
}

static double tr_exact(double lam, double t)
{
    double A = lam * lam / (1.0 + lam * lam), B = lam / (1.0 + lam * lam);
    return A * cos(t) + B * sin(t) - A * exp(-lam * t);
}

#define TR_T 10.0
#define TR_TOL 1e-6

static const int tr_methods[5] = {NDE_DOPRI5, NDE_TSIT5, NDE_BS32, NDE_SDIRK4, NDE_EPI2};

typedef struct tr_row {
    double lam;
    long steps[5], nfe[5];
    double err[5];
    int stiff[5];
    double t_stiff[5];
} tr_row;

static void stiffness_run(double lam, tr_row *row)
{
    double th = lam, y0[2] = {0.0, 0.0}, t[2] = {0.0, TR_T}, y[4];
    nde_system s;
    int k;
    memset(&s, 0, sizeof s);
    s.dim = 2; s.nparams = 1; s.params = &th; s.f = tr_f; s.jac = tr_jac;
    row->lam = lam;
    for (k = 0; k < 5; k++) {
        nde_options o = options(tr_methods[k]);
        nde_stats st;
        int status;
        if (tr_methods[k] == NDE_EPI2) { /* the fewest steps 10 * 2^j reaching the adaptive methods' tolerance */
            long n;
            for (n = 10; n <= 1310720; n *= 2) {
                o.h = TR_T / n;
                status = nde_solve(&s, 1, y0, 2, t, &o, y, &st);
                if (status == NDE_OK && fabs(y[2] - tr_exact(lam, TR_T)) <= TR_TOL) break;
            }
        } else {
            o.rtol = o.atol = TR_TOL;
            status = nde_solve(&s, 1, y0, 2, t, &o, y, &st);
        }
        row->steps[k] = status == NDE_OK ? st.naccept : -1;
        row->nfe[k] = st.nfe;
        row->err[k] = fabs(y[2] - tr_exact(lam, TR_T));
        row->stiff[k] = st.stiff;
        row->t_stiff[k] = st.t_stiff;
    }
}

/* Steps taken up to each time tk (K of them) by method m at lambda: one solve
   per tk (output times never change the steps, so this counts the steps to tk). */
static void steps_along(int m, double lam, int K, const double *tk, double *steps, double *t_stiff)
{
    double th = lam, y0[2] = {0.0, 0.0}, t[2] = {0.0, 0.0}, y[4];
    nde_system s;
    int i;
    memset(&s, 0, sizeof s);
    s.dim = 2; s.nparams = 1; s.params = &th; s.f = tr_f; s.jac = tr_jac;
    *t_stiff = NAN;
    for (i = 0; i < K; i++) {
        nde_options o = options(m);
        nde_stats st;
        o.rtol = o.atol = TR_TOL;
        t[1] = tk[i];
        nde_solve(&s, 1, y0, 2, t, &o, y, &st);
        steps[i] = (double)st.naccept;
        if (st.stiff && isnan(*t_stiff)) *t_stiff = st.t_stiff;
    }
}

static void draw_stiffness(const char *dir, int nl, const tr_row *rows, double bound_dopri5)
{
    char msg[NDP_MSG_LEN], lab[96];
    ndp_figure *fig = ndp_figure_create(1900, 640, 1, 3, msg);
    ndp_panel *p;
    double x[NLAM_MAX], y[NLAM_MAX], tk[61], sd[61], ss[61], pred[61], t_st, t_dummy;
    int k, i, K = 61;
    if (!fig) { printf("   figure: %s\n", msg); return; }
    ndp_figure_title(fig, "Stiffness: u' = -lambda (u - cos t), u(0) = 0, t in [0, 10], rtol = atol = 1e-6 (epi2: fewest steps reaching 1e-6)");
    p = ndp_panel_at(fig, 0, 0);
    for (k = 0; k < 5; k++) {
        ndp_style st = method_style(tr_methods[k]);
        int nf = 0;
        for (i = 0; i < nl; i++) { x[i] = rows[i].lam; y[i] = (double)rows[i].steps[k]; }
        ndp_line(p, x, y, nl, nde_method_name(tr_methods[k]), &st);
        for (i = 0; i < nl; i++)
            if (rows[i].stiff[k]) { x[nf] = rows[i].lam; y[nf] = (double)rows[i].steps[k]; nf++; }
        if (nf) {
            ndp_style ring = method_style(tr_methods[k]);
            ring.marker = NDP_SQUARE;
            ring.size = 7.0;
            ndp_scatter(p, x, y, nf, k == 0 ? "squares: stiffness flagged" : NULL, &ring);
        }
    }
    for (i = 0; i < nl; i++) { x[i] = rows[i].lam; y[i] = rows[i].lam * TR_T / bound_dopri5; }
    {
        ndp_style dl = {NDP_GREY, NDP_DASHED, 0, 0, 0};
        snprintf(lab, sizeof lab, "lambda T / %.2f (dopri5 interval)", bound_dopri5);
        ndp_line(p, x, y, nl, lab, &dl);
    }
    decorate(p, "accepted steps against lambda", "lambda", "steps", NDP_LEGEND_BOTTOM_RIGHT, 1);

    p = ndp_panel_at(fig, 0, 1);
    nde_linspace(K, 0.0, TR_T, tk);
    tk[0] = 1e-6;
    steps_along(NDE_DOPRI5, 1000.0, K, tk, sd, &t_st);
    steps_along(NDE_SDIRK4, 1000.0, K, tk, ss, &t_dummy);
    for (i = 0; i < K; i++) pred[i] = 1000.0 * tk[i] / bound_dopri5;
    {
        ndp_style a = method_style(NDE_DOPRI5), b = method_style(NDE_SDIRK4), c = {NDP_GREY, NDP_DASHED, 0, 0, 0},
                  v = {NDP_BLACK, NDP_DOTTED, 0, 0, 0};
        double vx[2], vy[2] = {0.0, 3500.0};
        ndp_line(p, tk, sd, K, "dopri5", &a);
        ndp_line(p, tk, ss, K, "sdirk4", &b);
        snprintf(lab, sizeof lab, "1000 t / %.2f (stability limit)", bound_dopri5);
        ndp_line(p, tk, pred, K, lab, &c);
        if (isfinite(t_st)) {
            vx[0] = vx[1] = t_st;
            snprintf(lab, sizeof lab, "stiffness detected, t = %.3g", t_st);
            ndp_line(p, vx, vy, 2, lab, &v);
        }
    }
    decorate(p, "lambda = 1000: steps taken up to t", "t", "steps", NDP_LEGEND_TOP_LEFT, 0);

    p = ndp_panel_at(fig, 0, 2);
    {
        static const int ms[7] = {NDE_EULER, NDE_RK4, NDE_DOPRI5, NDE_BACKWARD_EULER, NDE_SDIRK4, NDE_GAUSS2, NDE_EPI2};
        double xs[200], rs[200];
        for (k = 0; k < 7; k++) {
            ndp_style st = method_style(ms[k]);
            for (i = 0; i < 200; i++) {
                xs[i] = pow(10.0, -2.0 + 6.0 * i / 199.0);
                rs[i] = fmax(1e-12, fmin(1e12, absR(ms[k], -xs[i], 0.0)));
            }
            ndp_line(p, xs, rs, 200, nde_method_name(ms[k]), &st);
        }
        {
            ndp_style one = {NDP_GREY, NDP_DOTTED, 0, 0, 0};
            double ox[2] = {1e-2, 1e4}, oy[2] = {1.0, 1.0};
            ndp_line(p, ox, oy, 2, NULL, &one);
        }
        ndp_ylim(p, 1e-12, 1e12);
        decorate(p, "|R(-x)| on the negative real axis", "x = h lambda", "|R(-x)| (clipped)", NDP_LEGEND_BOTTOM_LEFT, 1);
    }
    ndp_finish(fig, dir, "ch11_stiffness", msg);
    printf("   %s\n", msg);
}

/* ===================================================================== */
/* 5. What a gradient costs through each solver                           */
/* ===================================================================== */

#define GB 16
#define GH 16

typedef struct grad_row {
    int status;
    long fwd_nfe, bwd_nfe, nvjp, steps;
    double ms, rel;
    char msg[NDE_MSG_LEN];
} grad_row;

static grad_row grad_once(const nde_system *sys, const double *y0, const nde_options *o, int gmethod,
                          const nde_loss *loss, const double *gref, double min_ms)
{
    double t[2] = {0.0, 1.0}, L, g[4 * GH + GH + 2 * GH + 2 + 64];
    nde_grad_options go;
    nde_grad_stats gs;
    grad_row r;
    clock_t c0 = clock();
    int reps = 0, i, P = sys->nparams;
    memset(&go, 0, sizeof go);
    memset(&r, 0, sizeof r);
    go.method = gmethod;
    do {
        r.status = nde_grad(sys, GB, y0, 2, t, o, &go, loss, &L, NULL, g, NULL, &gs);
        reps++;
    } while (r.status == NDE_OK && cpu_ms(c0) < min_ms);
    r.ms = cpu_ms(c0) / reps;
    r.fwd_nfe = gs.fwd.nfe;
    r.bwd_nfe = gs.bwd.nfe;
    r.nvjp = gs.nvjp;
    r.steps = gs.nsteps;
    memcpy(r.msg, gs.msg, sizeof r.msg);
    {
        double num = 0.0, den = 0.0;
        for (i = 0; i < P; i++) { num += (g[i] - gref[i]) * (g[i] - gref[i]); den += gref[i] * gref[i]; }
        r.rel = sqrt(num / den);
    }
    return r;
}

static void gradient_table(double min_ms)
{
    nde_mlp net;
    nde_system sys;
    nde_rng rng;
    char msg[NDE_MSG_LEN];
    int widths[3] = {2, GH, 2}, m, k, i, P;
    double y0[GB * 2], target[2 * GB * 2], gref[4 * GH + GH + 2 * GH + 2 + 64], t[2] = {0.0, 1.0}, L;
    nde_target tg = {target, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &tg};
    nde_grad_options go;
    nde_grad_stats gs;
    nde_options o;
    nde_rng_seed(&rng, SEED);
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, 0, msg) || nde_mlp_system(&net, &sys, msg)) {
        printf("   network: %s\n", msg);
        return;
    }
    nde_mlp_init_glorot(&net, &rng);
    P = (int)net.nparams;
    for (i = 0; i < GB * 2; i++) {
        y0[i] = nde_rng_normal(&rng);
        target[i] = y0[i];               /* row 0 (t = 0): y0 itself, no loss there */
        target[GB * 2 + i] = 0.5 * nde_rng_normal(&rng);
    }
    /* reference: backprop through dopri5 at rtol = atol = 1e-12 */
    o = options(NDE_DOPRI5);
    o.rtol = o.atol = 1e-12;
    memset(&go, 0, sizeof go);
    if (nde_grad(&sys, GB, y0, 2, t, &o, &go, &loss, &L, NULL, gref, NULL, &gs)) {
        printf("   reference gradient failed: %s\n", gs.msg);
        nde_mlp_free(&net);
        return;
    }
    printf("   network 2-%d-2 tanh, %d parameters, B = %d, loss %.6f; reference: backprop, dopri5 1e-12\n", GH, P, GB, L);
    printf("   fixed-step methods h = 1/20; adaptive ones rtol 1e-6, atol 1e-8; the adjoint's backward\n"
           "   solve uses the same method and options. rel diff = ||g - g_ref|| / ||g_ref||.\n");
    printf("   %-15s %-9s %6s %8s %8s %8s %10s %11s\n", "method", "gradient", "steps", "fwd nfe", "bwd nfe", "vjps",
           "CPU ms", "rel diff");
    for (m = 0; m < NM; m++)
        for (k = 0; k < 2; k++) {
            grad_row r;
            if (m == NDE_LEAPFROG) { /* it would run, but as a different method: f is not separable */
                if (!k) printf("   %-15s not applicable: the network's f is not separable (dq/dt = F(p), dp/dt = G(q))\n", "leapfrog");
                continue;
            }
            o = options(m);
            if (is_adaptive(m)) { o.rtol = 1e-6; o.atol = 1e-8; }
            else o.h = 1.0 / 20;
            r = grad_once(&sys, y0, &o, k ? NDE_GRAD_INTERP : NDE_GRAD_BACKPROP, &loss, gref, min_ms);
            if (r.status != NDE_OK) {
                printf("   %-15s %-9s %s: %.70s\n", k ? "" : nde_method_name(m), k ? "interp" : "backprop",
                       nde_status_name(r.status), r.msg);
                continue;
            }
            printf("   %-15s %-9s %6ld %8ld %8ld %8ld %10.3f %11.3e\n", k ? "" : nde_method_name(m), k ? "interp" : "backprop",
                   r.steps, r.fwd_nfe, r.bwd_nfe, r.nvjp, r.ms, r.rel);
        }
    nde_mlp_free(&net);
}

/* ===================================================================== */
/* main                                                                   */
/* ===================================================================== */

int main(int argc, char **argv)
{
    int quick = 0, args = ch_args_quick(argc, argv, &quick); /* --quick only; else usage, status 2 */
    const char *dir = quick ? "build/quick" : "plots";
    static sweep conv[NM], wp[NM], ws[4];
    static tr_row rows[NLAM_MAX];
    double T = pendulum_period(), order[NM], bound_dopri5, min_ms = quick ? 0.0 : 20.0;
    long nfe_stiff[3];
    int m, i, nl = 0, ok = 1;
    clock_t c_all = clock();

    if (args >= 0) return args;

    printf("Chapter 11: a tour of the solvers (%s mode)\n", quick ? "quick" : "full");
    printf("seed %d (the network of step 5); figures under %s/\n\n", SEED, dir);

    /* 1. Stability */
    printf("1. linear stability: R(z) from each method's coefficients (nde_method_stability)\n");
    stability_table();
    bound_dopri5 = real_bound(NDE_DOPRI5, 100.0);
    printf("   dopri5's real interval %.4f against the stiffness test's bound in its tableau %.2f\n",
           bound_dopri5, nde_method_tableau(NDE_DOPRI5)->stiff_bound);
    draw_stability(dir, quick);
    printf("   Explicit methods: bounded regions (|R| grows like |z|^S), so h |lambda| must stay inside\n"
           "   them whatever accuracy is asked. Backward Euler and sdirk4 are A-stable and L-stable\n"
           "   (R(-inf) = 0: a stiff component dies in one step); gauss2 is A-stable but |R(-inf)| = 1:\n"
           "   stiff components are kept, not damped (right for a symplectic method, poor for a stiff\n"
           "   one). EPI2: R = e^z, stable exactly where y' = lambda y does not grow.\n");
    printf("\n");

    /* 2. Convergence */
    printf("2. convergence: pendulum q0 = %g over one period T = 4K = %.15f, fixed steps\n", Q0, T);
    printf("   %-15s %5s %7s %7s %9s %16s %16s\n", "method", "order", "fitted", "|diff|", "fit pts", "h range",
           "error range");
    for (m = 0; m < NM; m++) {
        int i0, i1;
        long rej;
        order[m] = convergence(m, T, quick ? 8192 : 262144, &conv[m], &i0, &i1, &rej);
        printf("   %-15s %5d %7.3f %7.3f %4d of %-2d [%5.0e, %5.0e] [%5.0e, %5.0e] %s\n", nde_method_name(m), method_order(m),
               order[m], fabs(order[m] - method_order(m)), i1 - i0, conv[m].n, conv[m].r[i1 - 1].h, conv[m].r[i0].h,
               conv[m].r[i1 - 1].err, conv[m].r[i0].err, fabs(order[m] - method_order(m)) <= ORDER_TOL ? "" : "OFF");
        if (rej) printf("   %-15s (n <= %ld steps per period left out: an error estimate above 1 rejected a step)\n", "", rej);
        if (!(fabs(order[m] - method_order(m)) <= ORDER_TOL)) ok = 0;
    }
    draw_convergence(dir, conv, order);
    printf("   The adaptive methods ran at fixed steps (h0 = hmax = h, rtol = atol = 1: every step\n"
           "   accepted, checked by the step counts); the implicit ones with Newton to convergence\n"
           "   (newton_tol 1e-20, newton_max 50). Fits: the finest %d steps with error above %.0e and\n"
           "   above 10 n eps (rounding: n steps each add ~eps on |y| ~ 1; errors stop falling near\n"
           "   1e-13 at a few hundred steps, higher with more steps). tsit5 and dopri5\n"
           "   are above order 5 at larger h (pre-asymptotic: their leading error terms are small).\n",
           FIT_POINTS, FIT_FLOOR);
    sdirk4_newton(T);
    printf("   With newton_tol 1e-14 the error stops following h^4 and grows again as h shrinks, with\n"
           "   no step rejected: the stages are solved less well than the method needs (a Newton\n"
           "   stopping test trusting a contraction estimate near rounding); at 1e-20 Newton runs until\n"
           "   its increment vanishes and the order is clean. (* = a rejected step or a failed solve)\n");
    printf("\n");

    /* 3. Work-precision */
    printf("3. work-precision (CPU ms per solve: repeated for >= %.0f ms; other jobs share the machine)\n", min_ms);
    work_nonstiff(T, min_ms, quick, wp);
    printf("   pendulum, cheapest run of each method with error <= 1e-8:\n");
    printf("   %-15s %-5s %9s %11s %9s %8s %8s %10s\n", "method", "", "setting", "error", "nfe", "njac", "steps", "CPU ms");
    for (m = 0; m < NM; m++) {
        int best = -1;
        for (i = 0; i < wp[m].n; i++)
            if (wp[m].r[i].err <= 1e-8 && (best < 0 || wp[m].r[i].nfe < wp[m].r[best].nfe)) best = i;
        if (best >= 0) {
            sweep one;
            one.n = 1;
            one.r[0] = wp[m].r[best];
            print_sweep(nde_method_name(m), &one);
        } else printf("   %-15s none of its runs reached 1e-8\n", nde_method_name(m));
    }
    work_stiff(min_ms, quick, ws);
    printf("   Robertson to t = %g, every run:\n", ROB_T);
    printf("   %-15s %-5s %9s %11s %9s %8s %8s %10s\n", "method", "", "setting", "max rel err", "nfe", "njac", "steps", "CPU ms");
    for (i = 0; i < 4; i++) print_sweep(nde_method_name(stiff_methods[i]), &ws[i]);
    for (i = 0; i < 3; i++) nfe_stiff[i] = nfe_at(&ws[i], STIFF_ACC);
    printf("   at max relative error <= %g: nfe dopri5 %ld, sdirk4 %ld, epi2 %ld (+ one Jacobian per epi2 step)\n",
           STIFF_ACC, nfe_stiff[0], nfe_stiff[1], nfe_stiff[2]);
    draw_work(dir, quick ? "build/quick" : "build", wp, ws);
    printf("   Robertson: dopri5 pays ~2e5 evaluations at every tolerance (its steps are set by the\n"
           "   stability interval, h ~ 3.3/|lambda_max|, not by rtol); sdirk4 follows the tolerance;\n"
           "   EPI2 (fixed steps, exact on the frozen linearisation) is stable at every h tried and\n"
           "   converges at order 2, at one Jacobian and one small matrix exponential per step.\n"
           "   backward_euler with fixed h fails in its first step unless h is below ~2e-4 (--quick: every h\n"
           "   tried fails): its simplified Newton uses the Jacobian at the step start, where y2 = 0 hides\n"
           "   the stiff -2 k2 y2 term (contraction ~ 2 k2 (0.04 h) h = 2.4e6 h^2), and a fixed-step\n"
           "   method cannot shrink h. On the pendulum, gauss2's and sdirk4's curves level off near\n"
           "   1e-12 .. 1e-9: their Newton iterations stop at tolerances relative to rtol, atol.\n");
    printf("\n");

    /* 4. Stiffness */
    printf("4. stiffness: u' = -lambda (u - cos t), [0, %g], rtol = atol = %g; epi2 fixed steps\n", TR_T, TR_TOL);
    printf("   %-8s", "lambda");
    for (i = 0; i < 5; i++) printf(" %8s %8s", nde_method_name(tr_methods[i]), "err");
    printf("  dopri5 stiffness flag\n");
    for (i = 0; i < NLAM_MAX; i++) {
        double lam = pow(10.0, 0.5 * i);
        int k;
        if (quick && i % 2) continue;
        stiffness_run(lam, &rows[nl]);
        printf("   %-8.3g", lam);
        for (k = 0; k < 5; k++) printf(" %8ld %8.1e", rows[nl].steps[k], rows[nl].err[k]);
        if (rows[nl].stiff[0]) printf("  at t = %.3g\n", rows[nl].t_stiff[0]);
        else printf("  no\n");
        nl++;
    }
    printf("   dopri5 at lambda = 1e4: %ld steps, lambda T / %.3f = %.0f predicted by the stability interval\n",
           rows[nl - 1].steps[0], bound_dopri5, 1e4 * TR_T / bound_dopri5);
    draw_stiffness(dir, nl, rows, bound_dopri5);
    printf("   Once the initial layer (width 1/lambda) has passed, u ~ cos t is smooth: accuracy would\n"
           "   allow about the same steps at every lambda: sdirk4 takes 85 .. 975. The explicit methods\n"
           "   take ~lambda T / (stability interval) steps; the detector (Hairer's test: h |lambda|\n"
           "   estimated from two stages, above the interval 15 accepted steps in a row) fires only once\n"
           "   the steps are pinned there (lambda >= 1000 here). EPI2 needs 5120 .. 10240 steps at every\n"
           "   lambda: it treats the stiff linear part exactly (t carried as a state, so its Jacobian sees\n"
           "   cos t moving), and its order 2 sets the steps for 1e-6.\n");
    printf("\n");

    /* 5. Gradients */
    printf("5. the cost of a gradient through each solver\n");
    gradient_table(quick ? 0.0 : 10.0);
    printf("   Backprop replays the recorded steps (one vjp per stage, no backward solve); the\n"
           "   interpolating adjoint solves the adjoint system backwards with the same method, at its\n"
           "   own steps. The implicit methods and EPI2 pay for Jacobians of the backward system too;\n"
           "   EPI2's interpolating adjoint exponentiates the whole augmented system (2 B D + P = %d\n"
           "   states in one row) at every step: by far the slowest here. Backprop through EPI2 uses\n"
           "   second-order products (vhp) of the network.\n", 2 * GB * 2 + (2 * GH + GH + GH * 2 + 2));
    printf("   total %.2f s CPU\n\n", (double)(clock() - c_all) / CLOCKS_PER_SEC);

    /* Results */
    printf("results\n");
    printf("   %-40s %-12s %s\n", "quantity", "measured", "claim / theory");
    for (m = 0; m < NM; m++) {
        char q[64];
        snprintf(q, sizeof q, "fitted order, %s", nde_method_name(m));
        printf("   %-40s %-12.3f %d +- %.2f\n", q, order[m], method_order(m), ORDER_TOL);
    }
    printf("   %-40s %-12ld %s\n", "Robertson nfe at 1e-5, dopri5", nfe_stiff[0], "");
    printf("   %-40s %-12ld %s\n", "Robertson nfe at 1e-5, sdirk4", nfe_stiff[1], "");
    printf("   %-40s %-12ld %s\n", "Robertson nfe at 1e-5, epi2", nfe_stiff[2], "");
    if (ok) printf("claim holds: every fitted order within %.2f of the method's order\n", ORDER_TOL);
    else printf("CLAIM FAILED: a fitted order is more than %.2f from the method's order (OFF above)\n", ORDER_TOL);
    printf("RESULT chapter=11");
    for (m = 0; m < NM; m++) printf(" order_%s=%.4f", nde_method_name(m), order[m]);
    printf(" nfe_dopri5_stiff=%ld nfe_sdirk4_stiff=%ld nfe_epi2_stiff=%ld\n", nfe_stiff[0], nfe_stiff[1], nfe_stiff[2]);
    return ok ? 0 : 1;
}
