/* Tests of the linear stability functions (nde_method_stability) against
   their closed forms, the properties the chapter's figures rest on
   (A- and L-stability, stability intervals), and every status. */
#include "check.h"
#include "../neuralode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Complex numbers as pairs (no complex.h: the header must build as C++ too). */
typedef struct cpx { double re, im; } cpx;

static cpx c_make(double re, double im) { cpx c; c.re = re; c.im = im; return c; }
static cpx c_add(cpx a, cpx b) { return c_make(a.re + b.re, a.im + b.im); }
static cpx c_mul(cpx a, cpx b) { return c_make(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re); }
static cpx c_div(cpx a, cpx b)
{
    double d = b.re * b.re + b.im * b.im;
    return c_make((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}
static double c_abs(cpx a) { return hypot(a.re, a.im); }

/* sum_k coef[k] z^k, k < n (Horner). */
static cpx c_poly(int n, const double *coef, cpx z)
{
    cpx p = c_make(coef[n - 1], 0.0);
    int k;
    for (k = n - 2; k >= 0; k--) p = c_add(c_mul(p, z), c_make(coef[k], 0.0));
    return p;
}

static cpx R_of(int method, cpx z)
{
    cpx R;
    int status = nde_method_stability(method, z.re, z.im, &R.re, &R.im, NULL);
    if (status) R = c_make(NAN, NAN);
    return R;
}

/* Largest |R_method(z) - closed(z)| / max(1, |closed(z)|) over a set of z. */
static double worst_against(int method, cpx (*closed)(cpx))
{
    static const double zs[][2] = {{0.0, 0.0}, {-1.0, 0.0}, {0.5, 0.5}, {-2.5, 1.5}, {-0.3, -2.0},
                                   {1.2, 0.7}, {-7.0, 3.0}, {0.0, 2.8}, {-40.0, -11.0}};
    double worst = 0.0;
    size_t i;
    for (i = 0; i < sizeof zs / sizeof zs[0]; i++) {
        cpx z = c_make(zs[i][0], zs[i][1]), R = R_of(method, z), C = closed(z);
        double d = c_abs(c_add(R, c_make(-C.re, -C.im))) / fmax(1.0, c_abs(C));
        if (!(d <= worst)) worst = isnan(d) ? INFINITY : d;
    }
    return worst;
}

static const double taylor[7] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 600};
static cpx cf_euler(cpx z) { return c_poly(2, taylor, z); }
static cpx cf_rk2(cpx z) { return c_poly(3, taylor, z); }
static cpx cf_rk3(cpx z) { return c_poly(4, taylor, z); }
static cpx cf_rk4(cpx z) { return c_poly(5, taylor, z); }
/* dopri5: the Taylor polynomial of order 5 plus z^6/600 [Hairer-Norsett-Wanner I, II.5; IV.2]. */
static cpx cf_dopri5(cpx z) { return c_poly(7, taylor, z); }
static cpx cf_be(cpx z) { return c_div(c_make(1.0, 0.0), c_make(1.0 - z.re, -z.im)); }
static cpx cf_gauss2(cpx z)
{
    static const double num[3] = {1.0, 0.5, 1.0 / 12}, den[3] = {1.0, -0.5, 1.0 / 12};
    return c_div(c_poly(3, num, z), c_poly(3, den, z));
}
static cpx cf_exp(cpx z) { return c_make(exp(z.re) * cos(z.im), exp(z.re) * sin(z.im)); }

/* Order p: R(z) - e^z = O(z^(p+1)): the ratio of the differences at z and z/2 is ~2^(p+1). */
static double observed_order(int method, cpx z)
{
    cpx h = c_make(0.5 * z.re, 0.5 * z.im);
    cpx d1 = c_add(R_of(method, z), c_make(-cf_exp(z).re, -cf_exp(z).im));
    cpx d2 = c_add(R_of(method, h), c_make(-cf_exp(h).re, -cf_exp(h).im));
    return log2(c_abs(d1) / c_abs(d2)) - 1.0;
}

/* The boundary of the stability interval on the negative real axis, by bisection of |R(-x)| = 1. */
static double real_interval(int method)
{
    double lo = 0.5, hi = 10.0;
    int k;
    for (k = 0; k < 60; k++) {
        double mid = 0.5 * (lo + hi);
        if (c_abs(R_of(method, c_make(-mid, 0.0))) <= 1.0) lo = mid;
        else hi = mid;
    }
    return lo;
}

static void test_closed_forms(void)
{
    CHECK_LE("stability: euler R = 1 + z", worst_against(NDE_EULER, cf_euler), 1e-14);
    CHECK_LE("stability: midpoint R = 1 + z + z^2/2", worst_against(NDE_MIDPOINT, cf_rk2), 1e-14);
    CHECK_LE("stability: heun R = 1 + z + z^2/2", worst_against(NDE_HEUN, cf_rk2), 1e-14);
    CHECK_LE("stability: bs32 R = 1 + z + z^2/2 + z^3/6 (its 4th stage has b = 0)", worst_against(NDE_BS32, cf_rk3), 1e-14);
    CHECK_LE("stability: rk4 R = 1 + z + z^2/2 + z^3/6 + z^4/24", worst_against(NDE_RK4, cf_rk4), 1e-14);
    CHECK_LE("stability: dopri5 R = sum_{k<=5} z^k/k! + z^6/600", worst_against(NDE_DOPRI5, cf_dopri5), 1e-11); /* at z = -40 - 11i: |R| ~ 7e6, 7 stages */
    CHECK_LE("stability: backward_euler R = 1/(1 - z)", worst_against(NDE_BACKWARD_EULER, cf_be), 1e-15);
    CHECK_LE("stability: gauss2 R = (1 + z/2 + z^2/12)/(1 - z/2 + z^2/12)", worst_against(NDE_GAUSS2, cf_gauss2), 1e-14);
    CHECK_LE("stability: epi2 R = e^z", worst_against(NDE_EPI2, cf_exp), 1e-15);
}

static void test_properties(void)
{
    cpx z = c_make(-0.04, 0.03);
    double worst_axis = 0.0, y;
    /* the order of R against e^z: tsit5 and sdirk4 have no closed form here */
    CHECK_ABS("stability: tsit5 R - e^z = O(z^6) (order 5)", observed_order(NDE_TSIT5, z), 5.0, 0.2);
    CHECK_ABS("stability: sdirk4 R - e^z = O(z^5) (order 4)", observed_order(NDE_SDIRK4, z), 4.0, 0.2);
    CHECK_ABS("stability: gauss2 R - e^z = O(z^5) (order 4)", observed_order(NDE_GAUSS2, z), 4.0, 0.2);
    /* A-stability of sdirk4: |R(iy)| <= 1 on the imaginary axis; L-stability: R(-inf) = 0 */
    for (y = 0.01; y < 1e4; y *= 1.3) {
        double a = c_abs(R_of(NDE_SDIRK4, c_make(0.0, y)));
        if (a > worst_axis) worst_axis = a;
    }
    printf("  sdirk4: max |R(iy)| over y in [0.01, 1e4] = %.17g\n", worst_axis);
    CHECK_LE("stability: sdirk4 |R(iy)| <= 1 (A-stable)", worst_axis, 1.0 + 1e-14);
    CHECK_LE("stability: sdirk4 |R(-1e8)| ~ 0 (L-stable)", c_abs(R_of(NDE_SDIRK4, c_make(-1e8, 0.0))), 1e-6);
    CHECK_ABS("stability: gauss2 |R(-1e8)| -> 1 (A- but not L-stable)", c_abs(R_of(NDE_GAUSS2, c_make(-1e8, 0.0))), 1.0, 1e-6);
    CHECK_ABS("stability: gauss2 |R(iy)| = 1 on the imaginary axis", c_abs(R_of(NDE_GAUSS2, c_make(0.0, 3.7))), 1.0, 1e-14);
    /* stability intervals on the negative real axis [Hairer-Wanner II, IV.2] */
    printf("  stability intervals on the negative real axis: euler %.6f rk4 %.6f dopri5 %.6f\n",
           real_interval(NDE_EULER), real_interval(NDE_RK4), real_interval(NDE_DOPRI5));
    CHECK_ABS("stability: euler interval [-2, 0]", real_interval(NDE_EULER), 2.0, 1e-9);
    CHECK_ABS("stability: rk4 interval [-2.7853, 0]", real_interval(NDE_RK4), 2.785293563, 1e-6);
}

static void test_status(void)
{
    double Rr = 0, Ri = 0;
    char msg[NDE_MSG_LEN];
    int s;
    msg[0] = 0;
    s = nde_method_stability(NDE_LEAPFROG, -1.0, 0.0, &Rr, &Ri, msg);
    printf("  leapfrog: %s: %s\n", nde_status_name(s), msg);
    CHECK("stability status: leapfrog -> NDE_ERR_UNSUPPORTED, message names it",
          s == NDE_ERR_UNSUPPORTED && strstr(msg, "leapfrog") && isnan(Rr));
    s = nde_method_stability(NDE_METHOD_COUNT, -1.0, 0.0, &Rr, &Ri, msg);
    CHECK("stability status: unknown method -> NDE_ERR_ARG", s == NDE_ERR_ARG && strstr(msg, "method"));
    s = nde_method_stability(-1, -1.0, 0.0, &Rr, &Ri, msg);
    CHECK("stability status: method -1 -> NDE_ERR_ARG", s == NDE_ERR_ARG);
    s = nde_method_stability(NDE_RK4, NAN, 0.0, &Rr, &Ri, msg);
    CHECK("stability status: NaN z -> NDE_ERR_ARG", s == NDE_ERR_ARG && strstr(msg, "finite"));
    s = nde_method_stability(NDE_RK4, -1.0, INFINITY, &Rr, &Ri, msg);
    CHECK("stability status: infinite z -> NDE_ERR_ARG", s == NDE_ERR_ARG);
    s = nde_method_stability(NDE_RK4, -1.0, 0.0, NULL, &Ri, msg);
    CHECK("stability status: NULL Rr -> NDE_ERR_ARG", s == NDE_ERR_ARG);
    s = nde_method_stability(NDE_RK4, -1.0, 0.0, &Rr, NULL, NULL);
    CHECK("stability status: NULL Ri, NULL msg -> NDE_ERR_ARG", s == NDE_ERR_ARG);
    s = nde_method_stability(NDE_BACKWARD_EULER, 1.0, 0.0, &Rr, &Ri, msg);
    printf("  backward_euler at z = 1: %s: %s\n", nde_status_name(s), msg);
    CHECK("stability status: backward_euler at its pole z = 1 -> NDE_ERR_SINGULAR, R = inf",
          s == NDE_ERR_SINGULAR && isinf(Rr) && strstr(msg, "pole"));
}

void test_tour(void)
{
    printf("# tour: linear stability functions\n");
    test_closed_forms();
    test_properties();
    test_status();
}
