/* Tests of the stiff, exponential and symplectic methods: observed orders,
   stability on y' = -lambda y, stiffness detection, Robertson, EPI2
   exactness, the matrix exponential and phi1, energy behaviour over 10^5
   steps, gradients through every method against finite differences, the
   adjoints with sdirk4 on the stiff decay, and every new status. */
#include "check.h"
#include "fixtures/refs.h"
#include "problems.h"
#include "../neuralode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- test systems -------------------------------------------------------- */

static double lv_theta[4] = {2.0 / 3.0, 4.0 / 3.0, 1.0, 1.0};

/* y' = c y^2 (c = theta[0]); c = 1, y(0) = 1 blows up at t = 1. */
static int sq_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) dy[b] = th[0] * y[b] * y[b];
    return 0;
}
static int sq_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) J[b] = 2.0 * th[0] * y[b];
    return 0;
}

/* Double pendulum, Hamilton's equations of [Arrieta, eq 3.5] with
   m1 = m2 = l1 = l2 = 1, g = 9.8; z = (q1, q2, p1, p2) (derivation in
   tests/fixtures/make_refs.py, checked there against differences of H). */
static double dp_H(const double *z)
{
    double d = z[0] - z[1], cd = cos(d), sd = sin(d);
    double N = z[2] * z[2] + 2 * z[3] * z[3] - 2 * z[2] * z[3] * cd, Dn = 2 * (1 + sd * sd);
    return N / Dn - 2 * 9.8 * cos(z[0]) - 9.8 * cos(z[1]);
}
static int dp_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t; (void)th;
    for (b = 0; b < B; b++) {
        const double *z = y + 4 * b;
        double q1 = z[0], q2 = z[1], p1 = z[2], p2 = z[3], d = q1 - q2, cd = cos(d), sd = sin(d);
        double N = p1 * p1 + 2 * p2 * p2 - 2 * p1 * p2 * cd, Dn = 2 * (1 + sd * sd);
        double dT = 2 * p1 * p2 * sd / Dn - N * 4 * sd * cd / (Dn * Dn);
        double *o = dy + 4 * b;
        o[0] = (2 * p1 - 2 * p2 * cd) / Dn;
        o[1] = (4 * p2 - 2 * p1 * cd) / Dn;
        o[2] = -dT - 2 * 9.8 * sin(q1);
        o[3] = dT - 9.8 * sin(q2);
    }
    return 0;
}
/* Its Jacobian by central differences (Newton only needs an approximation). */
static int dp_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    int b, i, j;
    double z[4], fp[4], fm[4], e = 1e-6;
    for (b = 0; b < B; b++)
        for (j = 0; j < 4; j++) {
            memcpy(z, y + 4 * b, sizeof z);
            z[j] += e;
            dp_f(ctx, t, 1, z, th, fp);
            z[j] -= 2 * e;
            dp_f(ctx, t, 1, z, th, fm);
            for (i = 0; i < 4; i++) J[16 * b + 4 * i + j] = (fp[i] - fm[i]) / (2 * e);
        }
    return 0;
}

/* The pendulum (tests/problems.h, prob_pend) and its energy. */
static double pend_H(const double *z) { return 0.5 * z[1] * z[1] - cos(z[0]); }
static double pend_theta[2] = {1.0, 1.0};

static nde_system mk(int dim, int (*f)(void *, double, int, const double *, const double *, double *),
                     int (*jac)(void *, double, int, const double *, const double *, double *), void *ctx)
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = dim;
    s.f = f;
    s.jac = jac;
    s.ctx = ctx;
    return s;
}
static nde_system mk_lv(void)
{
    return prob_lv(lv_theta);
}
static nde_system mk_pend(void)
{
    return prob_pend(pend_theta);
}

static nde_options opts(int method, double h, double rtol, double atol)
{
    nde_options o;
    memset(&o, 0, sizeof o);
    o.method = method;
    o.h = h;
    o.rtol = rtol;
    o.atol = atol;
    return o;
}

/* Max abs difference of y(1) of LV (from (1, 1)) against the reference. */
static double lv_err_at1(const nde_options *o, nde_stats *st)
{
    nde_system s = mk_lv();
    double t[2] = {0.0, 1.0}, y[4];
    int status = nde_solve(&s, 1, ref_lv_u0, 2, t, o, y, st);
    if (status) { printf("  solve failed: %s\n", st->msg); return NAN; }
    return fmax(fabs(y[2] - ref_lv_y[0][0]), fabs(y[3] - ref_lv_y[0][1]));
}

/* ---- observed orders -------------------------------------------------------- */

static void order_check(const char *name, double e1, double e2, double want)
{
    char buf[160];
    double p = log2(e1 / e2);
    printf("  %s: errors %.3e (h) %.3e (h/2), observed order %.3f\n", name, e1, e2, p);
    snprintf(buf, sizeof buf, "order: %s observed order", name);
    CHECK_ABS(buf, p, want, 0.15);
}

static void test_orders(void)
{
    nde_stats st;
    nde_options o;
    double e1, e2;
    /* backward Euler, EPI2, gauss2 on Lotka-Volterra over [0, 1] */
    o = opts(NDE_BACKWARD_EULER, 1.0 / 128, 1e-12, 1e-12);
    e1 = lv_err_at1(&o, &st);
    o.h /= 2;
    e2 = lv_err_at1(&o, &st);
    order_check("backward_euler (LV)", e1, e2, 1.0);
    o = opts(NDE_EPI2, 1.0 / 32, 0, 0);
    e1 = lv_err_at1(&o, &st);
    o.h /= 2;
    e2 = lv_err_at1(&o, &st);
    order_check("epi2 (LV, nonlinear)", e1, e2, 2.0);
    o = opts(NDE_GAUSS2, 1.0 / 8, 1e-13, 1e-13);
    e1 = lv_err_at1(&o, &st);
    o.h /= 2;
    e2 = lv_err_at1(&o, &st);
    order_check("gauss2 (LV)", e1, e2, 4.0);
    /* sdirk4 at a fixed step: huge tolerances never reject, hmax = h0 = h caps
       every step; a tight Newton tolerance (relative to atol + rtol|y| = 1 + |y|) */
    o = opts(NDE_SDIRK4, 0, 1.0, 1.0);
    o.newton_tol = 1e-13;
    o.h0 = o.hmax = 1.0 / 8;
    e1 = lv_err_at1(&o, &st);
    CHECK("order: sdirk4 at fixed h = 1/8 takes exactly 8 steps, no rejection", st.naccept == 8 && st.nreject == 0);
    o.h0 = o.hmax = 1.0 / 16;
    e2 = lv_err_at1(&o, &st);
    CHECK("order: sdirk4 at fixed h = 1/16 takes exactly 16 steps", st.naccept == 16 && st.nreject == 0);
    order_check("sdirk4 (LV, fixed step)", e1, e2, 4.0);
    /* sdirk4 adaptive: the global error follows the tolerance */
    {
        double tol[3] = {1e-4, 1e-6, 1e-8}, e[3];
        int i;
        for (i = 0; i < 3; i++) {
            o = opts(NDE_SDIRK4, 0, tol[i], tol[i]);
            e[i] = lv_err_at1(&o, &st);
            printf("  sdirk4 LV rtol = atol = %.0e: error %.3e, %ld steps, %ld rejected, nfe %ld, njac %ld, nlu %ld\n",
                   tol[i], e[i], st.naccept, st.nreject, st.nfe, st.njac, st.nlu);
        }
        CHECK_LE("order: sdirk4 error at tol 1e-6 <= 1e-6 * 10", e[1], 1e-5);
        CHECK_LE("order: sdirk4 error shrinks >= 10x per 100x tolerance (1e-4 -> 1e-6)", e[1] / e[0], 0.1);
        CHECK_LE("order: sdirk4 error shrinks >= 10x per 100x tolerance (1e-6 -> 1e-8)", e[2] / e[1], 0.1);
    }
    /* leapfrog on the pendulum q' = p, p' = -sin q against tight dopri5 */
    {
        nde_system s = mk_pend();
        double y0[2] = {1.0, 0.0}, t[2] = {0.0, 2.0}, yr[4], y[4], err[2];
        int i, status;
        o = opts(NDE_DOPRI5, 0, 1e-13, 1e-14);
        status = nde_solve(&s, 1, y0, 2, t, &o, yr, &st);
        CHECK("order: dopri5 reference for the pendulum", status == NDE_OK);
        for (i = 0; i < 2; i++) {
            o = opts(NDE_LEAPFROG, i ? 1.0 / 64 : 1.0 / 32, 0, 0);
            nde_solve(&s, 1, y0, 2, t, &o, y, &st);
            err[i] = fmax(fabs(y[2] - yr[2]), fabs(y[3] - yr[3]));
        }
        CHECK("order: leapfrog 3 evaluations per step", st.nfe == 1 + 3 * 128);
        order_check("leapfrog (pendulum)", err[0], err[1], 2.0);
    }
}

/* ---- stability, stiffness, Robertson ---------------------------------------- */

static void test_stiff_decay(void)
{
    double lam = 1e4, th[1], t[11], y[11], y0 = 1.0;
    nde_system s = mk(1, prob_decay_f, NULL, NULL);
    nde_options o;
    nde_stats st;
    int i, status, mono = 1, bounded = 1;
    long dopri_steps;
    th[0] = lam;
    s.vjp = prob_decay_vjp;
    s.nparams = 1;
    s.params = th;
    for (i = 0; i <= 10; i++) t[i] = 0.1 * i;
    o = opts(NDE_BACKWARD_EULER, 0.1, 0, 0);
    status = nde_solve(&s, 1, &y0, 11, t, &o, y, &st);
    for (i = 1; i <= 10; i++) {
        mono &= y[i] < y[i - 1] && y[i] >= 0.0;
        bounded &= fabs(y[i]) <= 1.0;
    }
    printf("  backward Euler h = 0.1, lambda = 1e4: y(0.1) = %.6e, y(1) = %.6e, %ld Newton iterations, njac %ld\n",
           y[1], y[10], st.nnewton, st.njac);
    CHECK("stiff: backward Euler h = 0.1 on lambda = 1e4 solves", status == NDE_OK);
    CHECK("stiff: backward Euler stays bounded by y0", bounded);
    CHECK("stiff: backward Euler decreases monotonically and stays >= 0", mono);
    CHECK_REL("stiff: backward Euler y(0.1) = 1/(1 + h lambda)", y[1], 1.0 / 1001.0, 1e-12);
    o = opts(NDE_RK4, 0.1, 0, 0);
    status = nde_solve(&s, 1, &y0, 11, t, &o, y, &st);
    printf("  rk4 h = 0.1, lambda = 1e4: status %s, |y(1)| = %.3e\n", nde_status_name(status), fabs(y[10]));
    CHECK("stiff: rk4 at the same h blows up (|y(1)| > 1e100 or NaN/Inf)", status == NDE_ERR_NONFINITE || !(fabs(y[10]) < 1e100));
    /* stiffness detection by the explicit adaptive method */
    memset(&o, 0, sizeof o);
    status = nde_solve(&s, 1, &y0, 11, t, &o, y, &st);
    dopri_steps = st.naccept;
    printf("  dopri5 lambda = 1e4: status %s, stiff = %d at t = %.4g, %ld steps; msg: %s\n", nde_status_name(status),
           st.stiff, st.t_stiff, st.naccept, st.msg);
    CHECK("stiff: dopri5 flags stiffness (st.stiff = 1)", status == NDE_OK && st.stiff == 1);
    CHECK("stiff: the message suggests the implicit method", strstr(st.msg, "sdirk4") != NULL);
    o.stiff_check = 1;
    status = nde_solve(&s, 1, &y0, 11, t, &o, y, &st);
    CHECK("stiff: dopri5 with stiff_check = 1 stops with NDE_ERR_STIFF", status == NDE_ERR_STIFF);
    o = opts(NDE_SDIRK4, 0, 1e-6, 1e-9);
    status = nde_solve(&s, 1, &y0, 11, t, &o, y, &st);
    printf("  sdirk4 lambda = 1e4 (rtol 1e-6, atol 1e-9): %ld steps (dopri5: %ld), nfe %ld, y(0.1) = %.3e\n",
           st.naccept, dopri_steps, st.nfe, y[1]);
    CHECK("stiff: sdirk4 on lambda = 1e4 takes 10x fewer steps than dopri5", status == NDE_OK && 10 * st.naccept < dopri_steps);
    CHECK_LE("stiff: sdirk4 |y(0.1)| (exact e^-1000 = 0)", fabs(y[1]), 1e-9);
}

static void test_robertson(void)
{
    nde_system s = prob_rober();
    double y0[3] = {1, 0, 0}, t[4] = {0.0, 0.4, 40.0, 100.0}, y[12];
    nde_options o = opts(NDE_SDIRK4, 0, 1e-7, 1e-12);
    nde_stats st;
    int status = nde_solve(&s, 1, y0, 4, t, &o, y, &st), i;
    const double stated[3] = {0.6172348816, 6.153591e-6, 0.3827589648};
    printf("  Robertson sdirk4 rtol 1e-7 atol 1e-12: %ld steps (%ld rejected), nfe %ld, njac %ld, nlu %ld, Newton %ld\n",
           st.naccept, st.nreject, st.nfe, st.njac, st.nlu, st.nnewton);
    printf("  y(100) = (%.10g, %.10g, %.10g); ref (%.10g, %.10g, %.10g)\n", y[9], y[10], y[11],
           ref_rober_y[2][0], ref_rober_y[2][1], ref_rober_y[2][2]);
    CHECK("robertson: sdirk4 solves to t = 100", status == NDE_OK);
    for (i = 0; i < 3; i++) {
        char name[96];
        snprintf(name, sizeof name, "robertson: y%d(100) vs Radau reference (rel 1e-6)", i + 1);
        CHECK_REL(name, y[9 + i], ref_rober_y[2][i], 1e-6);
        snprintf(name, sizeof name, "robertson: y%d(100) vs the issue's values (rel 1e-6)", i + 1);
        CHECK_REL(name, y[9 + i], stated[i], 1e-6);
    }
    CHECK_REL("robertson: y2(0.4) vs reference (rel 1e-5)", y[4], ref_rober_y[0][1], 1e-5);
    CHECK_REL("robertson: y1(40) vs reference (rel 1e-6)", y[6], ref_rober_y[1][0], 1e-6);
    CHECK_ABS("robertson: mass y1 + y2 + y3 = 1", y[9] + y[10] + y[11], 1.0, 1e-10);
    CHECK_LE("robertson: a modest number of steps (< 400)", (double)st.naccept, 400);
    CHECK("robertson: the Jacobian is reused across steps (njac < steps)", st.njac < st.naccept);
    /* the long run to t = 1e5 at a looser tolerance */
    {
        double t2[2] = {0.0, 1e5}, y2[6];
        o = opts(NDE_SDIRK4, 0, 1e-6, 1e-12);
        status = nde_solve(&s, 1, y0, 2, t2, &o, y2, &st);
        printf("  Robertson to t = 1e5, rtol 1e-6 atol 1e-12: %ld steps, nfe %ld, njac %ld; y = (%.6g, %.6g, %.6g)\n",
               st.naccept, st.nfe, st.njac, y2[3], y2[4], y2[5]);
        CHECK("robertson: t = 1e5 solves", status == NDE_OK);
        CHECK_LE("robertson: y(1e5) max rel error (1e-4)", max_rel_diff(3, y2 + 3, ref_rober_y[3], 1e-30), 1e-4);
    }
}

/* ---- EPI2 and the matrix functions ------------------------------------------- */

static void test_expm_phi1(void)
{
    double A[4], E[4], P[4], u[2], R[9], Ri[9], I9[9], S[9], T[9];
    int i, j, k, status;
    /* e^(10 A) u0 for the linear system of the Julia report, vs the closed form */
    for (i = 0; i < 4; i++) A[i] = 10.0 * (&ref_lin_A[0][0])[i];
    status = nde_expm(2, A, E);
    u[0] = E[0] * ref_lin_u0[0] + E[1] * ref_lin_u0[1];
    u[1] = E[2] * ref_lin_u0[0] + E[3] * ref_lin_u0[1];
    CHECK("expm: status OK", status == NDE_OK);
    CHECK_ABS("expm: e^(10A) u0 component 1 vs closed form", u[0], ref_lin_y[4][0], 1e-13);
    CHECK_ABS("expm: e^(10A) u0 component 2 vs closed form", u[1], ref_lin_y[4][1], 1e-13);
    /* singular: nilpotent N = [[0, 1], [0, 0]]: e^N = I + N, phi1(N) = I + N/2 */
    A[0] = 0; A[1] = 1; A[2] = 0; A[3] = 0;
    nde_expm(2, A, E);
    nde_phi1(2, A, P);
    CHECK("expm: nilpotent e^N = I + N exactly (to 1e-15)", fabs(E[0] - 1) + fabs(E[1] - 1) + fabs(E[2]) + fabs(E[3] - 1) < 1e-15);
    CHECK("phi1: nilpotent phi1(N) = I + N/2 (to 1e-15)", fabs(P[0] - 1) + fabs(P[1] - 0.5) + fabs(P[2]) + fabs(P[3] - 1) < 1e-15);
    /* singular symmetric [[-1, 1], [1, -1]] (eigenvalues 0, -2) scaled by 20 */
    A[0] = -20; A[1] = 20; A[2] = 20; A[3] = -20;
    nde_phi1(2, A, P);
    { /* phi1 = V diag(1, (1 - e^-40)/40) V^T with V = [[1,1],[1,-1]]/sqrt2 */
        double l2 = -expm1(-40.0) / 40.0;
        double want[4] = {0.5 * (1 + l2), 0.5 * (1 - l2), 0.5 * (1 - l2), 0.5 * (1 + l2)};
        CHECK_LE("phi1: singular symmetric (eigenvalues 0, -40) vs eigen-decomposition", max_rel_diff(4, P, want, 1.0), 1e-14);
    }
    /* 1x1: phi1(x) = expm1(x)/x, including tiny x where A^-1 (e^A - I) cancels */
    {
        double xs[4] = {1e-10, -1e-3, -50.0, 30.0};
        for (i = 0; i < 4; i++) {
            char name[80];
            nde_phi1(1, &xs[i], P);
            snprintf(name, sizeof name, "phi1: scalar x = %g vs expm1(x)/x", xs[i]);
            CHECK_REL(name, P[0], expm1(xs[i]) / xs[i], 1e-13);
        }
    }
    /* a 3x3 of norm ~0.9 against the series sum_k A^k/(k+1)! and e^A against sum_k A^k/k! */
    {
        double M[9] = {0.3, -0.2, 0.1, 0.25, -0.1, 0.3, -0.05, 0.2, 0.15}, Pk[9], Ps[9], Es[9], Ph[9], Eh[9], fac = 1.0;
        for (i = 0; i < 9; i++) { Pk[i] = (i % 4 == 0); Ps[i] = Pk[i]; Es[i] = Pk[i]; }
        for (k = 1; k < 30; k++) {
            nde_gemm(3, 3, 3, 1.0, M, Pk, 0.0, T);
            memcpy(Pk, T, sizeof T);
            fac *= k;
            for (i = 0; i < 9; i++) { Es[i] += Pk[i] / fac; Ps[i] += Pk[i] / (fac * (k + 1)); }
        }
        nde_expm(3, M, Eh);
        nde_phi1(3, M, Ph);
        CHECK_LE("expm: 3x3 vs Taylor series (max abs)", max_rel_diff(9, Eh, Es, 1.0), 1e-15);
        CHECK_LE("phi1: 3x3 vs series sum A^k/(k+1)! (max abs)", max_rel_diff(9, Ph, Ps, 1.0), 1e-15);
    }
    /* a larger norm (~30): e^R e^-R = I and R phi1(R) = e^R - I */
    for (i = 0; i < 9; i++) { R[i] = 4.0 * sin(1.0 + 2.3 * i); Ri[i] = -R[i]; I9[i] = (i % 4 == 0); }
    nde_expm(3, R, S);
    nde_expm(3, Ri, T);
    nde_gemm(3, 3, 3, 1.0, S, T, 0.0, Ri);
    CHECK_LE("expm: e^R e^-R = I for ||R|| ~ 30 (max abs)", max_rel_diff(9, Ri, I9, 1.0), 1e-11);
    nde_phi1(3, R, T);
    nde_gemm(3, 3, 3, 1.0, R, T, 0.0, Ri);
    for (i = 0; i < 9; i++) { S[i] -= I9[i]; }
    for (j = 0; j < 9; j++) Ri[j] -= S[j];
    CHECK_LE("phi1: R phi1(R) = e^R - I for ||R|| ~ 30 (rel to ||e^R||)", nde_norm_inf(9, Ri) / nde_mat_norm_inf(3, 3, S), 1e-12);
    /* statuses */
    CHECK("expm: n = 0 is NDE_ERR_ARG", nde_expm(0, R, S) == NDE_ERR_ARG);
    R[4] = NAN;
    CHECK("expm: NaN input is NDE_ERR_NONFINITE", nde_expm(3, R, S) == NDE_ERR_NONFINITE);
    CHECK("phi1: NaN input is NDE_ERR_NONFINITE", nde_phi1(3, R, S) == NDE_ERR_NONFINITE);
}

static void test_epi2_exact(void)
{
    double t[2] = {0.0, 10.0}, y[4], Alin[4], Anil[4] = {0, 1, 0, 0}, Asym[4] = {-1, 1, 1, -1};
    double y0s[2] = {1.0, 0.0}, y0n[2] = {1.0, 1.0};
    nde_options o = opts(NDE_EPI2, 10.0, 0, 0);
    nde_stats st;
    nde_system s;
    int status;
    memcpy(Alin, &ref_lin_A[0][0], sizeof Alin);
    s = mk(2, prob_lin_f, prob_lin_jac, Alin);
    status = nde_solve(&s, 1, ref_lin_u0, 2, t, &o, y, &st);
    printf("  epi2 one step h = 10 on the linear system: y = (%.17g, %.17g), %ld step\n", y[2], y[3], st.naccept);
    CHECK("epi2: linear system, one step of h = 10", status == NDE_OK && st.naccept == 1);
    CHECK_ABS("epi2: y1(10) exact to 1e-12", y[2], ref_lin_y[4][0], 1e-12);
    CHECK_ABS("epi2: y2(10) exact to 1e-12", y[3], ref_lin_y[4][1], 1e-12);
    s = mk(2, prob_lin_f, prob_lin_jac, Anil);
    status = nde_solve(&s, 1, y0n, 2, t, &o, y, &st);
    CHECK("epi2: singular J = [[0,1],[0,0]] one step h = 10 gives (11, 1)",
          status == NDE_OK && fabs(y[2] - 11.0) < 1e-12 && fabs(y[3] - 1.0) < 1e-12);
    s = mk(2, prob_lin_f, prob_lin_jac, Asym);
    status = nde_solve(&s, 1, y0s, 2, t, &o, y, &st);
    CHECK_ABS("epi2: singular J = [[-1,1],[1,-1]], y1(10) = (1 + e^-20)/2", y[2], 0.5 * (1 + exp(-20.0)), 1e-12);
    CHECK_ABS("epi2: singular J = [[-1,1],[1,-1]], y2(10) = (1 - e^-20)/2", y[3], 0.5 * (1 - exp(-20.0)), 1e-12);
    /* batch rows are independent blocks: B = 2 equals two B = 1 solves */
    {
        double y0b[4] = {2.0, 0.0, 1.0, 1.0}, yb[8];
        s = mk(2, prob_lin_f, prob_lin_jac, Alin);
        status = nde_solve(&s, 2, y0b, 2, t, &o, yb, &st);
        CHECK("epi2: batch of 2 rows, second row exact", status == NDE_OK &&
              fabs(yb[6] - exp(-1.0) * (cos(20.0) + sin(20.0))) < 1e-12 && fabs(yb[7] - exp(-1.0) * (cos(20.0) - sin(20.0))) < 1e-12);
    }
}

/* ---- energy over 10^5 steps ----------------------------------------------------- */

/* Max |H - H0| over the outputs [i0, i1) of a (N,D) trajectory. */
static double max_dH(double (*H)(const double *), const double *y, int D, int i0, int i1, double H0)
{
    double m = 0.0;
    int i;
    for (i = i0; i < i1; i++) {
        double d = fabs(H(y + (long)i * D) - H0);
        if (!(d <= m)) m = d;
    }
    return m;
}

static void test_energy(void)
{
    enum { NO = 1001 };
    static double t[NO], y[NO * 4];
    nde_system s = mk(4, dp_f, dp_jac, NULL);
    nde_options o;
    nde_stats st;
    double h = 0.05, H0 = dp_H(ref_dp_z0), g_first, g_second, g_all, r_end, r_all, r_mid;
    int i, status;
    CHECK_REL("energy: H(z0) of eq 3.5 matches the reference", H0, ref_dp_H0, 1e-15);
    /* the dynamics against the reference trajectory first (gauss2, h = 0.01, t = 10) */
    {
        double t2[2] = {0.0, 10.0}, y2[8];
        o = opts(NDE_GAUSS2, 0.01, 1e-12, 1e-12);
        status = nde_solve(&s, 1, ref_dp_z0, 2, t2, &o, y2, &st);
        CHECK_LE("energy: gauss2 h = 0.01 double pendulum y(10) vs reference (max abs)",
                 max_rel_diff(4, y2 + 4, ref_dp_y[2], 1.0), 1e-6);
        o = opts(NDE_DOPRI5, 0, 1e-12, 1e-13);
        status = nde_solve(&s, 1, ref_dp_z0, 2, t2, &o, y2, &st);
        CHECK_LE("energy: dopri5 rtol 1e-12 double pendulum y(10) vs reference (checks dp_f)",
                 max_rel_diff(4, y2 + 4, ref_dp_y[2], 1.0), 1e-10);
    }
    for (i = 0; i < NO; i++) t[i] = 5.0 * i; /* every 100 steps of h = 0.05: 10^5 steps to t = 5000 */
    o = opts(NDE_GAUSS2, h, 1e-12, 1e-12);
    status = nde_solve(&s, 1, ref_dp_z0, NO, t, &o, y, &st);
    CHECK("energy: gauss2 10^5 steps of the double pendulum", status == NDE_OK && st.naccept == 100000);
    printf("  gauss2: %ld steps, nfe %ld, Newton iterations %ld (%.2f per step), njac %ld, nlu %ld\n",
           st.naccept, st.nfe, st.nnewton, (double)st.nnewton / st.naccept, st.njac, st.nlu);
    g_first = max_dH(dp_H, y, 4, 0, NO / 2, H0);
    g_second = max_dH(dp_H, y, 4, NO / 2, NO, H0);
    g_all = g_first > g_second ? g_first : g_second;
    o = opts(NDE_RK4, h, 0, 0);
    status = nde_solve(&s, 1, ref_dp_z0, NO, t, &o, y, &st);
    CHECK("energy: rk4 10^5 steps", status == NDE_OK);
    r_all = max_dH(dp_H, y, 4, 0, NO, H0);
    r_mid = fabs(dp_H(y + 4 * (NO / 2)) - H0);
    r_end = fabs(dp_H(y + 4 * (NO - 1)) - H0);
    printf("  double pendulum h = %.2f, 10^5 steps (t = 5000), H0 = %.10f:\n", h, H0);
    printf("    gauss2 max |H - H0|: %.3e (first half), %.3e (second half)\n", g_first, g_second);
    printf("    rk4    |H - H0|: %.3e at t = 2500, %.3e at t = 5000, max %.3e (energy lost to the rk4 damping)\n",
           r_mid, r_end, r_all);
    CHECK_LE("energy: gauss2 error bounded: second half <= 2x first half", g_second, 2.0 * g_first + 1e-14);
    CHECK_LE("energy: gauss2 max |H - H0| small (< 1e-5)", g_all, 1e-5);
    CHECK("energy: rk4 drifts: |dH| grows from t = 2500 to 5000", r_end > 1.5 * r_mid);
    CHECK_LE("energy: rk4 drift exceeds the gauss2 error 100x", 100.0 * g_all, r_end);
    /* leapfrog on the separable pendulum H = p^2/2 - cos q */
    {
        nde_system sp = mk_pend();
        double z0[2] = {1.5, 0.0}, yp[NO * 2], tp[NO], E0 = pend_H(z0), l1, l2;
        for (i = 0; i < NO; i++) tp[i] = 10.0 * i; /* 10^5 steps of h = 0.1 */
        o = opts(NDE_LEAPFROG, 0.1, 0, 0);
        status = nde_solve(&sp, 1, z0, NO, tp, &o, yp, &st);
        l1 = max_dH(pend_H, yp, 2, 0, NO / 2, E0);
        l2 = max_dH(pend_H, yp, 2, NO / 2, NO, E0);
        o = opts(NDE_RK4, 0.1, 0, 0);
        nde_solve(&sp, 1, z0, NO, tp, &o, yp, &st);
        printf("  pendulum q0 = 1.5, h = 0.1, 10^5 steps: leapfrog max |H - H0| %.3e / %.3e (halves); rk4 |H - H0| at the end %.3e\n",
               l1, l2, fabs(pend_H(yp + 2 * (NO - 1)) - E0));
        CHECK("energy: leapfrog 10^5 steps", status == NDE_OK);
        CHECK_LE("energy: leapfrog error bounded: second half <= 2x first half", l2, 2.0 * l1);
        CHECK_LE("energy: leapfrog max |H - H0| = O(h^2) (< 5e-3)", l1 > l2 ? l1 : l2, 5e-3);
    }
}

/* ---- gradients through the solvers --------------------------------------------- */

typedef struct fd_problem {
    nde_system sys;
    int B, N;
    const double *y0, *t;
    nde_options o;
    nde_target tg;
} fd_problem;

static double fd_loss(fd_problem *p, const double *y0)
{
    double y[64], g[64];
    nde_stats st;
    if (nde_solve(&p->sys, p->B, y0, p->N, p->t, &p->o, y, &st)) { printf("  fd solve failed: %s\n", st.msg); return NAN; }
    return nde_loss_mse(&p->tg, p->N, p->B, p->sys.dim, p->t, y, g);
}

/* Backprop gradient vs central differences of the loss, in theta (P <= 64)
   and y0 (n <= 16): max |backprop - fd| / max |fd|, NAN when nde_grad fails
   (its status in *status). */
static double fd_err(fd_problem *p, int *status, nde_grad_stats *gs, double *L, double *an0, double *fd0)
{
    double gth[64], gy0[16], fd[80], an[80], y0[16], *th = p->sys.params, scale = 0, diff = 0;
    nde_grad_options go;
    nde_loss loss;
    int P = p->sys.nparams, n = p->B * p->sys.dim, i;
    memset(&go, 0, sizeof go);
    memset(&loss, 0, sizeof loss);
    loss.point = nde_loss_mse;
    loss.ctx = &p->tg;
    if (P > 64 || n > 16) { printf("  fd_err: P = %d or n = %d too large\n", P, n); *status = NDE_ERR_ARG; return NAN; }
    *status = nde_grad(&p->sys, p->B, p->y0, p->N, p->t, &p->o, &go, &loss, L, NULL, gth, gy0, gs);
    if (*status) return NAN;
    for (i = 0; i < P; i++) {
        double keep = th[i], e = 1e-6 * (fabs(keep) > 1 ? fabs(keep) : 1), Lp, Lm;
        th[i] = keep + e; Lp = fd_loss(p, p->y0);
        th[i] = keep - e; Lm = fd_loss(p, p->y0);
        th[i] = keep;
        fd[i] = (Lp - Lm) / (2 * e);
        an[i] = gth[i];
    }
    memcpy(y0, p->y0, (size_t)n * sizeof(double));
    for (i = 0; i < n; i++) {
        double keep = y0[i], e = 1e-6, Lp, Lm;
        y0[i] = keep + e; Lp = fd_loss(p, y0);
        y0[i] = keep - e; Lm = fd_loss(p, y0);
        y0[i] = keep;
        fd[P + i] = (Lp - Lm) / (2 * e);
        an[P + i] = gy0[i];
    }
    for (i = 0; i < P + n; i++) {
        if (fabs(fd[i]) > scale) scale = fabs(fd[i]);
        if (fabs(fd[i] - an[i]) > diff) diff = fabs(fd[i] - an[i]);
    }
    *an0 = an[0];
    *fd0 = fd[0];
    return diff / scale;
}

static void fd_check(const char *name, fd_problem *p)
{
    nde_grad_stats gs;
    double L, an0, fd0, err;
    int status;
    char buf[128];
    err = fd_err(p, &status, &gs, &L, &an0, &fd0);
    snprintf(buf, sizeof buf, "grad: backprop through %s runs", name);
    CHECK(buf, status == NDE_OK);
    if (status) { printf("  %s\n", gs.msg); return; }
    printf("  %s: L = %.6g, %ld steps, %ld vjp; dL/dtheta[0] = %.10g (fd %.10g); max |backprop - fd| / max|fd| = %.2e\n",
           name, L, gs.nsteps, gs.nvjp, an0, fd0, err);
    snprintf(buf, sizeof buf, "grad: backprop through %s vs central differences (theta and y0)", name);
    CHECK_LE(buf, err, 1e-6);
}

static void test_grad_fd(void)
{
    static const double lv_y0[4] = {1.0, 1.0, 0.5, 1.5}, tt[5] = {0.0, 0.55, 1.0, 1.33, 2.0};
    double target[20], lvth_keep[4];
    fd_problem p;
    int i;
    for (i = 0; i < 20; i++) target[i] = 1.0 + 0.1 * sin(1.0 + i);
    memcpy(lvth_keep, lv_theta, sizeof lvth_keep);
    memset(&p, 0, sizeof p);
    p.sys = mk_lv();
    p.B = 2;
    p.N = 5;
    p.y0 = lv_y0;
    p.t = tt;
    p.tg.y = target;
    p.o = opts(NDE_BACKWARD_EULER, 0.1, 1e-12, 1e-12);
    fd_check("backward_euler (LV, B = 2, h = 0.1)", &p);
    p.o = opts(NDE_GAUSS2, 0.1, 1e-12, 1e-12);
    fd_check("gauss2 (LV, B = 2, h = 0.1)", &p);
    p.o = opts(NDE_SDIRK4, 0, 1e-8, 1e-10);
    p.o.newton_tol = 1e-5;
    fd_check("sdirk4 (LV, B = 2, rtol 1e-8)", &p);
    /* a Jacobian built from vjp calls (no jac callback) gives the same */
    p.sys.jac = NULL;
    fd_check("sdirk4 (LV, Jacobian from vjp)", &p);
    memcpy(lv_theta, lvth_keep, sizeof lvth_keep);
    {
        static const double pz0[4] = {1.0, 0.0, -0.5, 0.3};
        p.sys = mk_pend();
        p.y0 = pz0;
        p.o = opts(NDE_LEAPFROG, 0.1, 0, 0);
        fd_check("leapfrog (pendulum, B = 2, h = 0.1)", &p);
        pend_theta[0] = pend_theta[1] = 1.0;
    }
    /* the adjoints with sdirk4 forward and backward (its Newton runs on the approximate
       Jacobian of the augmented system) agree with backprop on the nonlinear LV problem */
    {
        double L, gref[4], gad[4];
        nde_grad_stats gs;
        nde_grad_options go;
        nde_loss loss;
        nde_options ob = opts(NDE_SDIRK4, 0, 1e-10, 1e-12);
        int m, status;
        memset(&go, 0, sizeof go);
        memset(&loss, 0, sizeof loss);
        loss.point = nde_loss_mse;
        loss.ctx = &p.tg;
        p.sys = mk_lv();
        p.o = opts(NDE_SDIRK4, 0, 1e-10, 1e-12);
        status = nde_grad(&p.sys, 2, lv_y0, 5, tt, &p.o, &go, &loss, &L, NULL, gref, NULL, &gs);
        for (m = NDE_GRAD_BACKSOLVE; m <= NDE_GRAD_INTERP; m++) {
            char name[96];
            go.method = m;
            go.adjoint = &ob;
            status |= nde_grad(&p.sys, 2, lv_y0, 5, tt, &p.o, &go, &loss, &L, NULL, gad, NULL, &gs);
            printf("  LV %s adjoint with sdirk4 backwards: %ld backward steps, %ld Newton iterations, %ld Jacobians; "
                   "max |diff| / max |g| to backprop %.2e\n", m == NDE_GRAD_BACKSOLVE ? "backsolve" : "interp",
                   gs.bwd.naccept, gs.bwd.nnewton, gs.bwd.njac, max_rel_diff(4, gad, gref, nde_norm_inf(4, gref)));
            snprintf(name, sizeof name, "grad: %s adjoint with sdirk4 vs backprop (LV, max |diff| / max |g|)",
                     m == NDE_GRAD_BACKSOLVE ? "backsolve" : "interp");
            CHECK_LE(name, max_rel_diff(4, gad, gref, nde_norm_inf(4, gref)), 1e-8); /* 1.6e-10, 1.0e-9 */
        }
        CHECK("grad: the sdirk4 adjoint solves succeed", status == NDE_OK);
    }
    /* EPI2 without sys->vhp: backprop is NDE_ERR_UNSUPPORTED (it needs second
       derivatives); the adjoint works */
    {
        double L, gth[4];
        nde_grad_stats gs;
        nde_grad_options go;
        nde_loss loss;
        int status;
        memset(&go, 0, sizeof go);
        memset(&loss, 0, sizeof loss);
        loss.point = nde_loss_mse;
        loss.ctx = &p.tg;
        p.sys = mk_lv();
        p.sys.vhp = NULL;
        p.y0 = lv_y0;
        p.o = opts(NDE_EPI2, 0.1, 0, 0);
        status = nde_grad(&p.sys, 2, lv_y0, 5, tt, &p.o, &go, &loss, &L, NULL, gth, NULL, &gs);
        printf("  epi2 backprop without vhp: %s; %s\n", nde_status_name(status), gs.msg);
        CHECK("grad: backprop through epi2 without sys->vhp is NDE_ERR_UNSUPPORTED", status == NDE_ERR_UNSUPPORTED);
        CHECK("grad: the message names epi2 and sys->vhp", strstr(gs.msg, "epi2") != NULL && strstr(gs.msg, "sys->vhp") != NULL);
        go.method = NDE_GRAD_INTERP;
        status = nde_grad(&p.sys, 2, lv_y0, 5, tt, &p.o, &go, &loss, &L, NULL, gth, NULL, &gs);
        {   /* against central differences of the same discrete loss: the adjoint is first order under epi2 */
            double gfd[4], *th = p.sys.params, err;
            int i;
            p.B = 2;
            p.N = 5;
            p.t = tt;
            for (i = 0; i < 4; i++) {
                double keep = th[i], e = 1e-6 * (fabs(keep) > 1 ? fabs(keep) : 1), Lp, Lm;
                th[i] = keep + e; Lp = fd_loss(&p, lv_y0);
                th[i] = keep - e; Lm = fd_loss(&p, lv_y0);
                th[i] = keep;
                gfd[i] = (Lp - Lm) / (2 * e);
            }
            err = max_rel_diff(4, gth, gfd, nde_norm_inf(4, gfd));
            printf("  epi2 forward, interpolating adjoint: max |g - fd| / max |fd| = %.2e\n", err);
            CHECK("grad: the interpolating adjoint with an epi2 forward solve runs (no vhp needed)", status == NDE_OK);
            CHECK_LE("grad: ... and its dL/dtheta is within 0.1 of central differences (first order under epi2)",
                     err, 0.1);
        }
    }
}

/* ---- backprop through EPI2: the second-order products ------------------------- */

/* s(y, theta) = sum over rows of a^T J(y) v, J from nde_system_jacobian
   (sys->jac, else jvp): independent of the vhp under test. */
static double vhp_s(const nde_system *sys, int B, const double *y, const double *a, const double *v)
{
    double J[64], s = 0.0;
    int D = sys->dim, b, i, j;
    if (nde_system_jacobian(sys, 0.3, B, y, J)) return NAN;
    for (b = 0; b < B; b++)
        for (i = 0; i < D; i++)
            for (j = 0; j < D; j++) s += a[b * D + i] * J[(b * D + i) * D + j] * v[b * D + j];
    return s;
}

/* sys->vhp against central differences of s in y and theta (n <= 16, P <= 64);
   the outputs start non-zero to check that vhp ADDS. Returns the error. */
static double vhp_check(const char *name, nde_system *sys, int B, const double *y, const double *a, const double *v)
{
    double gy[16], gth[64], gth2[64], fy[16], fth[64], yp[16], scale = 0.0, diff = 0.0;
    int D = sys->dim, P = sys->nparams, n = B * D, i, status;
    char buf[160];
    for (i = 0; i < n; i++) gy[i] = 0.25;
    for (i = 0; i < P; i++) gth[i] = gth2[i] = -0.5;
    status = sys->vhp(sys->ctx, 0.3, B, y, sys->params, a, v, gy, gth);
    status |= sys->vhp(sys->ctx, 0.3, B, y, sys->params, a, v, NULL, gth2); /* gy not wanted */
    for (i = 0; i < n; i++) gy[i] -= 0.25;
    for (i = 0; i < P; i++) { gth[i] += 0.5; gth2[i] += 0.5; }
    memcpy(yp, y, (size_t)n * sizeof(double));
    for (i = 0; i < n; i++) {
        double keep = yp[i], e = 1e-5 * (fabs(keep) > 1 ? fabs(keep) : 1), sp, sm;
        yp[i] = keep + e; sp = vhp_s(sys, B, yp, a, v);
        yp[i] = keep - e; sm = vhp_s(sys, B, yp, a, v);
        yp[i] = keep;
        fy[i] = (sp - sm) / (2 * e);
    }
    for (i = 0; i < P; i++) {
        double keep = sys->params[i], e = 1e-5 * (fabs(keep) > 1 ? fabs(keep) : 1), sp, sm;
        sys->params[i] = keep + e; sp = vhp_s(sys, B, y, a, v);
        sys->params[i] = keep - e; sm = vhp_s(sys, B, y, a, v);
        sys->params[i] = keep;
        fth[i] = (sp - sm) / (2 * e);
    }
    for (i = 0; i < n; i++) {
        if (fabs(fy[i]) > scale) scale = fabs(fy[i]);
        if (fabs(fy[i] - gy[i]) > diff) diff = fabs(fy[i] - gy[i]);
    }
    for (i = 0; i < P; i++) {
        if (fabs(fth[i]) > scale) scale = fabs(fth[i]);
        if (fabs(fth[i] - gth[i]) > diff) diff = fabs(fth[i] - gth[i]);
    }
    printf("  vhp %s: ds/dy[0] = %.10g (fd %.10g), max |vhp - fd| / max |fd| = %.2e over %d + %d entries; "
           "gth with gy = NULL differs by %.1e\n", name, gy[0], fy[0], diff / scale, n, P, max_rel_diff(P, gth2, gth, 1e-300));
    snprintf(buf, sizeof buf, "vhp: %s added into gy and gth vs central differences of a^T J v", name);
    CHECK(buf, status == 0);
    CHECK_LE(buf, diff / scale, 1e-7);
    snprintf(buf, sizeof buf, "vhp: %s with gy = NULL gives the same gth", name);
    CHECK_LE(buf, max_rel_diff(P, gth2, gth, 1e-300), 0.0);
    return diff / scale;
}

/* A vhp that adds nothing: backprop through epi2 then misses d J0 / d(y, theta). */
static int zero_vhp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                    const double *v, double *gy, double *gth)
{
    (void)ctx; (void)t; (void)B; (void)y; (void)th; (void)a; (void)v; (void)gy; (void)gth;
    return 0;
}

/* y' = -lambda y: a^T J v = -lambda a v, so ds/dy = 0 and ds/dlambda = -a v. */
static int decay_vhp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                     const double *v, double *gy, double *gth)
{
    int b;
    (void)ctx; (void)t; (void)y; (void)th; (void)gy;
    for (b = 0; b < B; b++)
        if (gth) gth[0] -= a[b] * v[b];
    return 0;
}

static long lv_vhp_calls;
static int counting_lv_vhp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                           const double *v, double *gy, double *gth)
{
    lv_vhp_calls++;
    return prob_lv_vhp(ctx, t, B, y, th, a, v, gy, gth);
}

static void test_epi2_grad(void)
{
    static const double lv_y0[4] = {1.0, 1.0, 0.5, 1.5}, tt[5] = {0.0, 0.55, 1.0, 1.33, 2.0};
    static const double av[4] = {0.7, -1.3, 0.4, 0.9}, vv[4] = {-0.6, 1.1, 0.8, 0.35};
    double target[20], lvth_keep[4];
    fd_problem p;
    nde_mlp m;
    char msg[NDE_MSG_LEN];
    nde_rng rng;
    int widths[3] = {2, 8, 2}, i, flags;
    for (i = 0; i < 20; i++) target[i] = 1.0 + 0.1 * sin(1.0 + i);
    memcpy(lvth_keep, lv_theta, sizeof lvth_keep);
    memset(&p, 0, sizeof p);
    p.B = 2;
    p.N = 5;
    p.y0 = lv_y0;
    p.t = tt;
    p.tg.y = target;
    /* (iii) the vhp callbacks against differences of a^T J v */
    p.sys = mk_lv();
    vhp_check("Lotka-Volterra (hand-written, B = 2)", &p.sys, 2, lv_y0, av, vv);
    for (flags = 0; flags < 2; flags++) {
        nde_system sm;
        memset(&sm, 0, sizeof sm);
        nde_rng_seed(&rng, 7);
        if (nde_mlp_dense(&m, 3, widths, NDE_ACT_TANH, flags ? NDE_INPUT_CUBE | NDE_INPUT_TIME : 0, msg) ||
            nde_mlp_system(&m, &sm, msg)) {
            printf("  mlp: %s\n", msg);
            CHECK("vhp: the MLP system builds", 0);
            return;
        }
        nde_mlp_init_normal(&m, &rng, 0.8);
        for (i = 0; i < m.nparams; i++) m.params[i] += 0.1 * nde_rng_normal(&rng); /* non-zero biases */
        CHECK("vhp: nde_mlp_system sets sys->vhp", sm.vhp != NULL);
        vhp_check(flags ? "mlp 2-8-2 tanh, cube input + time column (B = 2)" : "mlp 2-8-2 tanh (B = 2)", &sm, 2, lv_y0, av, vv);
        nde_mlp_free(&m);
    }

    /* (i) Lotka-Volterra with its hand-written vhp */
    p.sys = mk_lv();
    p.o = opts(NDE_EPI2, 0.1, 0, 0);
    fd_check("epi2 (LV, B = 2, h = 0.1)", &p);
    p.o = opts(NDE_EPI2, 0.5, 0, 0); /* ||h J|| > 1/2: the block exponential is scaled and squared */
    fd_check("epi2 (LV, B = 2, h = 0.5, outputs inside steps)", &p);
    p.sys.jac = NULL; /* Jacobian from vjp calls, forward and reverse */
    p.o = opts(NDE_EPI2, 0.1, 0, 0);
    fd_check("epi2 (LV, Jacobian from vjp)", &p);
    memcpy(lv_theta, lvth_keep, sizeof lvth_keep);
    {   /* linear decay with ||h J|| = 4: EPI2 is exact; the block exponential is scaled and squared */
        double lam[1] = {8.0};
        static const double d0[2] = {1.0, -0.5};
        p.sys = mk(1, prob_decay_f, NULL, NULL);
        p.sys.vjp = prob_decay_vjp;
        p.sys.vhp = decay_vhp;
        p.sys.nparams = 1;
        p.sys.params = lam;
        p.y0 = d0;
        p.o = opts(NDE_EPI2, 0.5, 0, 0);
        fd_check("epi2 (y' = -8 y, B = 2, h = 0.5)", &p);
        p.y0 = lv_y0;
    }
    {   /* D vhp calls per step */
        double L, an0, fd0;
        nde_grad_stats gs;
        int status;
        p.sys = mk_lv();
        p.sys.vhp = counting_lv_vhp;
        p.o = opts(NDE_EPI2, 0.1, 0, 0);
        lv_vhp_calls = 0;
        fd_err(&p, &status, &gs, &L, &an0, &fd0);
        printf("  epi2 (LV) backprop: %ld steps, %ld vhp calls (the differences call none)\n", gs.nsteps, lv_vhp_calls);
        CHECK("grad: backprop through epi2 makes D = 2 vhp calls per step", status == NDE_OK && lv_vhp_calls == 2 * gs.nsteps);
        memcpy(lv_theta, lvth_keep, sizeof lvth_keep);
    }

    /* (ii) an MLP system, 2-8-2 tanh, B = 2 (and with cube input + time column) */
    for (flags = 0; flags < 2; flags++) {
        double err0, L, an0, fd0;
        nde_grad_stats gs;
        int status;
        memset(&p.sys, 0, sizeof p.sys);
        nde_rng_seed(&rng, 11);
        if (nde_mlp_dense(&m, 3, widths, NDE_ACT_TANH, flags ? NDE_INPUT_CUBE | NDE_INPUT_TIME : 0, msg) ||
            nde_mlp_system(&m, &p.sys, msg)) {
            printf("  mlp: %s\n", msg);
            CHECK("grad: the MLP system builds", 0);
            return;
        }
        nde_mlp_init_normal(&m, &rng, 0.8);
        for (i = 0; i < m.nparams; i++) m.params[i] += 0.1 * nde_rng_normal(&rng);
        p.o = opts(NDE_EPI2, 0.1, 0, 0);
        fd_check(flags ? "epi2 (mlp 2-8-2 tanh, cube + time input, P = 50)" : "epi2 (mlp 2-8-2 tanh, B = 2, P = 42)", &p);
        if (!flags) { /* the test sees the second-order term: without it the gradient is off */
            p.sys.vhp = zero_vhp;
            err0 = fd_err(&p, &status, &gs, &L, &an0, &fd0);
            printf("  epi2 (mlp) with a vhp that adds nothing: max |backprop - fd| / max |fd| = %.2e\n", err0);
            CHECK("grad: epi2 backprop without the dJ/d(y, theta) term is off by > 1e-3 (the check can fail)",
                  status == NDE_OK && err0 > 1e-3);
        }
        nde_mlp_free(&m);
    }
}

/* The crash course's stiff case: dy/dt = -lambda y, lambda = 10^4,
   L = integral_0^1 y dt, dL/dlambda against the closed form. */
static void test_adjoint_stiff(void)
{
    double lam[1] = {1e4}, y0 = 1.0, t[2] = {0.0, 1.0}, L, g, want = ref_decay_dL[2];
    nde_system s = mk(1, prob_decay_f, NULL, NULL);
    nde_options o = opts(NDE_SDIRK4, 0, 1e-8, 1e-12), ob = o;
    nde_grad_options go;
    nde_grad_stats gs;
    nde_loss loss;
    int status, m;
    const char *names[3] = {"backprop", "backsolve", "interp"};
    s.vjp = prob_decay_vjp;
    s.nparams = 1;
    s.params = lam;
    memset(&loss, 0, sizeof loss);
    loss.running = prob_run_y;
    for (m = 0; m < 4; m++) {
        memset(&go, 0, sizeof go);
        go.method = m < 3 ? m : NDE_GRAD_BACKSOLVE;
        ob = opts(NDE_SDIRK4, 0, m < 3 ? 1e-8 : 1e-6, m < 3 ? 1e-12 : 1e-9);
        go.adjoint = &ob;
        status = nde_grad(&s, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
        printf("  lambda = 1e4 %-9s (backward rtol %g atol %g): %s, L = %.10g (exact %.10g), dL/dlambda = %.6e "
               "(exact %.6e, rel err %.2e), drift %d, recon_err %.3g, steps fwd %ld bwd %ld\n",
               names[go.method], ob.rtol, ob.atol, nde_status_name(status), L, ref_decay_L[2], g, want,
               fabs(g - want) / fabs(want), gs.drift, gs.recon_err, gs.fwd.naccept, gs.bwd.naccept);
        if (go.method == NDE_GRAD_BACKSOLVE) {
            if (m == 1) { /* at the forward tolerance the backward solver follows e^(lambda (1 - t)) and runs out of steps */
                printf("    %s\n", gs.msg);
                CHECK("adjoint: backsolve at rtol 1e-8 fails (step limit or drift), never a silent wrong gradient",
                      status != NDE_OK || gs.drift == 1);
            } else {
                printf("    %s\n", gs.msg);
                CHECK("adjoint: backsolve with sdirk4 (rtol 1e-6) on lambda = 1e4 flags drift (gs.drift = 1)",
                      status == NDE_OK && gs.drift == 1);
            }
            continue;
        }
        CHECK("adjoint: status OK", status == NDE_OK);
        CHECK_REL("adjoint: L = (1 - e^-lambda)/lambda", L, ref_decay_L[2], 1e-6);
        if (go.method == NDE_GRAD_BACKPROP) CHECK_REL("adjoint: backprop through sdirk4, dL/dlambda vs closed form", g, want, 1e-5);
        else CHECK_REL("adjoint: interpolating adjoint with sdirk4 backwards, dL/dlambda vs closed form", g, want, 1e-4);
    }
    /* backsolve drift as an error when asked */
    go.method = NDE_GRAD_BACKSOLVE;
    go.drift_is_error = 1;
    status = nde_grad(&s, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
    CHECK("adjoint: backsolve with drift_is_error gives NDE_ERR_ADJOINT_DRIFT", status == NDE_ERR_ADJOINT_DRIFT);
    /* backward Euler as the backward solver: its damping erases the reversed growth */
    memset(&go, 0, sizeof go);
    go.method = NDE_GRAD_BACKSOLVE;
    ob = opts(NDE_BACKWARD_EULER, 1e-3, 1e-8, 1e-12);
    go.adjoint = &ob;
    status = nde_grad(&s, 1, &y0, 2, t, &o, &go, &loss, &L, NULL, &g, NULL, &gs);
    printf("  lambda = 1e4 backsolve, backward Euler h = 1e-3: %s, dL/dlambda = %.3e, drift %d, recon_err %.3g\n",
           nde_status_name(status), g, gs.drift, gs.recon_err);
    CHECK("adjoint: backsolve with backward_euler flags drift too", status == NDE_OK && gs.drift == 1);
}

/* ---- statuses ------------------------------------------------------------------ */

static void test_stiff_status(void)
{
    double one[1] = {1.0}, y0 = 1.0, t[2] = {0.0, 0.9}, y[4];
    nde_system s = mk(1, sq_f, sq_jac, NULL);
    nde_options o;
    nde_stats st;
    int status;
    s.nparams = 1;
    s.params = one;
    /* y' = y^2, y(0) = 1, h = 0.9: y1 = 1 + 0.9 y1^2 has no real root */
    o = opts(NDE_BACKWARD_EULER, 0.9, 0, 0);
    status = nde_solve(&s, 1, &y0, 2, t, &o, y, &st);
    printf("  backward Euler on y' = y^2, h = 0.9: %s: %s\n", nde_status_name(status), st.msg);
    CHECK("status: Newton failure is NDE_ERR_NEWTON", status == NDE_ERR_NEWTON);
    CHECK("status: the Newton message names the time", strstr(st.msg, "t = 0") != NULL);
    o = opts(NDE_GAUSS2, 0.9, 0, 0);
    status = nde_solve(&s, 1, &y0, 2, t, &o, y, &st);
    CHECK("status: gauss2 Newton failure is NDE_ERR_NEWTON", status == NDE_ERR_NEWTON);
    /* the adaptive method shrinks the step instead, and gets y(0.9) = 10 */
    o = opts(NDE_SDIRK4, 0, 1e-8, 1e-10);
    o.h0 = 0.9;
    status = nde_solve(&s, 1, &y0, 2, t, &o, y, &st);
    printf("  sdirk4 on y' = y^2 from h0 = 0.9: %s, y(0.9) = %.10g, %ld steps, %ld rejected\n", nde_status_name(status),
           y[1], st.naccept, st.nreject);
    CHECK("status: sdirk4 recovers from Newton failures by shrinking h", status == NDE_OK && st.nreject >= 1);
    CHECK_REL("status: sdirk4 y(0.9) = 1/(1 - 0.9)", y[1], 10.0, 1e-6);
    /* y' = y with h = 1: I - h J = 0 */
    one[0] = 1.0;
    {
        double A1[4] = {1, 0, 0, 1};
        nde_system sl = mk(2, prob_lin_f, prob_lin_jac, A1);
        double z0[2] = {1, 1}, tt[2] = {0, 1};
        o = opts(NDE_BACKWARD_EULER, 1.0, 0, 0);
        status = nde_solve(&sl, 1, z0, 2, tt, &o, y, &st);
        printf("  backward Euler y' = y, h = 1: %s: %s\n", nde_status_name(status), st.msg);
        CHECK("status: singular Newton matrix is NDE_ERR_SINGULAR", status == NDE_ERR_SINGULAR);
    }
    /* leapfrog needs even D */
    s = mk(1, prob_decay_f, NULL, NULL);
    s.nparams = 1;
    s.params = one;
    o = opts(NDE_LEAPFROG, 0.1, 0, 0);
    status = nde_solve(&s, 1, &y0, 2, t, &o, y, &st);
    printf("  leapfrog with D = 1: %s: %s\n", nde_status_name(status), st.msg);
    CHECK("status: leapfrog with odd D is NDE_ERR_ARG before any evaluation", status == NDE_ERR_ARG && st.nfe == 0);
    /* implicit methods and EPI2 need a Jacobian source */
    {
        int methods[4] = {NDE_BACKWARD_EULER, NDE_SDIRK4, NDE_EPI2, NDE_GAUSS2}, i, ok = 1;
        for (i = 0; i < 4; i++) {
            o = opts(methods[i], 0.1, 0, 0);
            status = nde_solve(&s, 1, &y0, 2, t, &o, y, &st);
            ok &= status == NDE_ERR_UNSUPPORTED && st.nfe == 0 && strstr(st.msg, "Jacobian") != NULL;
        }
        printf("  no jac/jvp/vjp: %s\n", st.msg);
        CHECK("status: implicit/EPI2 without jac, jvp or vjp is NDE_ERR_UNSUPPORTED before any evaluation", ok);
    }
    /* names */
    CHECK("status: method names select the new methods",
          nde_method_by_name("sdirk4") == NDE_SDIRK4 && nde_method_by_name("gauss2") == NDE_GAUSS2 &&
          nde_method_by_name("leapfrog") == NDE_LEAPFROG && nde_method_by_name("epi2") == NDE_EPI2 &&
          nde_method_by_name("backward_euler") == NDE_BACKWARD_EULER);
}

/* backward in time and dense output with the implicit method */
static void test_stiff_backward(void)
{
    nde_system s = mk_lv();
    double t[4] = {0.0, -1.0, -2.0, -5.0}, y[8];
    nde_options o = opts(NDE_SDIRK4, 0, 1e-9, 1e-12);
    nde_stats st;
    int status = nde_solve(&s, 1, ref_lv_u0, 4, t, &o, y, &st);
    CHECK("backward: sdirk4 integrates LV backwards to t = -5", status == NDE_OK);
    CHECK_LE("backward: sdirk4 y(-1), y(-2), y(-5) vs reference (max rel)", max_rel_diff(6, y + 2, &ref_lv_back_y[0][0], 1e-3), 1e-6);
}

void test_stiff(void)
{
    printf("== stiff, exponential and symplectic methods ==\n");
    test_orders();
    test_stiff_decay();
    test_robertson();
    test_expm_phi1();
    test_epi2_exact();
    test_energy();
    test_grad_fd();
    test_epi2_grad();
    test_adjoint_stiff();
    test_stiff_status();
    test_stiff_backward();
}
