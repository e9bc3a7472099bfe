/* problems.c: the shared test problems (see problems.h). */
#include "problems.h"
#include "fixtures/refs.h"

#include <math.h>
#include <string.h>

const double prob_lv_theta[4] = {2.0 / 3.0, 4.0 / 3.0, 1.0, 1.0};
const double prob_lin_A[4] = {-0.1, 2.0, -2.0, -0.1};

int prob_lv_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], v = y[2 * b + 1];
        dy[2 * b] = th[0] * x - th[1] * x * v;
        dy[2 * b + 1] = th[2] * x * v - th[3] * v;
    }
    return 0;
}

int prob_lv_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], v = y[2 * b + 1], *Jb = J + 4 * b;
        Jb[0] = th[0] - th[1] * v; Jb[1] = -th[1] * x;
        Jb[2] = th[2] * v;         Jb[3] = th[2] * x - th[3];
    }
    return 0;
}

int prob_lv_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                double *gy, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], v = y[2 * b + 1], a0 = a[2 * b], a1 = a[2 * b + 1];
        if (gy) {
            gy[2 * b] += a0 * (th[0] - th[1] * v) + a1 * th[2] * v;
            gy[2 * b + 1] += -a0 * th[1] * x + a1 * (th[2] * x - th[3]);
        }
        if (gth) {
            gth[0] += a0 * x;
            gth[1] -= a0 * x * v;
            gth[2] += a1 * x * v;
            gth[3] -= a1 * v;
        }
    }
    return 0;
}

/* a^T J v = a0 ((th0 - th1 y1) v0 - th1 y0 v1) + a1 (th2 y1 v0 + (th2 y0 - th3) v1). */
int prob_lv_vhp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                const double *v, double *gy, double *gth)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        double x = y[2 * b], w = y[2 * b + 1], a0 = a[2 * b], a1 = a[2 * b + 1], v0 = v[2 * b], v1 = v[2 * b + 1];
        double c = th[2] * a1 - th[1] * a0; /* d^2 f / dx dy contracted with a */
        if (gy) {
            gy[2 * b] += c * v1;
            gy[2 * b + 1] += c * v0;
        }
        if (gth) {
            gth[0] += a0 * v0;
            gth[1] -= a0 * (w * v0 + x * v1);
            gth[2] += a1 * (w * v0 + x * v1);
            gth[3] -= a1 * v1;
        }
    }
    return 0;
}

nde_system prob_lv(double theta[4])
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 2;
    s.nparams = 4;
    s.params = theta;
    s.f = prob_lv_f;
    s.jac = prob_lv_jac;
    s.vjp = prob_lv_vjp;
    s.vhp = prob_lv_vhp;
    return s;
}

int prob_lin_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    const double *A = (const double *)ctx;
    int b;
    (void)t; (void)th;
    for (b = 0; b < B; b++) {
        dy[2 * b] = A[0] * y[2 * b] + A[1] * y[2 * b + 1];
        dy[2 * b + 1] = A[2] * y[2 * b] + A[3] * y[2 * b + 1];
    }
    return 0;
}

int prob_lin_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    int b;
    (void)t; (void)y; (void)th;
    for (b = 0; b < B; b++) memcpy(J + 4 * b, ctx, 4 * sizeof(double));
    return 0;
}

nde_system prob_lin(const double A[4])
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 2;
    s.ctx = (void *)A;
    s.f = prob_lin_f;
    s.jac = prob_lin_jac;
    return s;
}

int prob_decay_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) dy[b] = -th[0] * y[b];
    return 0;
}

int prob_decay_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                   double *gy, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        if (gy) gy[b] -= th[0] * a[b];
        if (gth) gth[0] -= a[b] * y[b];
    }
    return 0;
}

nde_system prob_decay(double *lambda)
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 1;
    s.nparams = 1;
    s.params = lambda;
    s.f = prob_decay_f;
    s.vjp = prob_decay_vjp;
    return s;
}

int prob_pend_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    int b;
    (void)ctx; (void)t;
    for (b = 0; b < B; b++) {
        dy[2 * b] = th[0] * y[2 * b + 1];
        dy[2 * b + 1] = -th[1] * sin(y[2 * b]);
    }
    return 0;
}

int prob_pend_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                  double *gy, double *gth, double *gt)
{
    int b;
    (void)ctx; (void)t; (void)gt;
    for (b = 0; b < B; b++) {
        double q = y[2 * b], p = y[2 * b + 1], a0 = a[2 * b], a1 = a[2 * b + 1];
        if (gy) {
            gy[2 * b] += -a1 * th[1] * cos(q);
            gy[2 * b + 1] += a0 * th[0];
        }
        if (gth) {
            gth[0] += a0 * p;
            gth[1] -= a1 * sin(q);
        }
    }
    return 0;
}

nde_system prob_pend(double theta[2])
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 2;
    s.nparams = 2;
    s.params = theta;
    s.f = prob_pend_f;
    s.vjp = prob_pend_vjp;
    return s;
}

int prob_run_y(void *ctx, double t, int B, int D, const double *y, double *g, double *gy)
{
    int b;
    (void)ctx; (void)t;
    memset(gy, 0, (size_t)B * D * sizeof(double)); /* g = y_0: the other components do not enter */
    for (b = 0; b < B; b++) { g[b] = y[(long)b * D]; gy[(long)b * D] = 1.0; }
    return 0;
}

int prob_rober_f(void *ctx, double t, int B, const double *y, const double *th, double *dy)
{
    const double *k = ref_rober_k;
    int b;
    (void)ctx; (void)t; (void)th;
    for (b = 0; b < B; b++) {
        const double *u = y + 3 * b;
        dy[3 * b] = -k[0] * u[0] + k[2] * u[1] * u[2];
        dy[3 * b + 1] = k[0] * u[0] - k[2] * u[1] * u[2] - k[1] * u[1] * u[1];
        dy[3 * b + 2] = k[1] * u[1] * u[1];
    }
    return 0;
}

int prob_rober_jac(void *ctx, double t, int B, const double *y, const double *th, double *J)
{
    const double *k = ref_rober_k;
    int b;
    (void)ctx; (void)t; (void)th;
    for (b = 0; b < B; b++) {
        const double *u = y + 3 * b;
        double *Jb = J + 9 * b;
        Jb[0] = -k[0]; Jb[1] = k[2] * u[2];                    Jb[2] = k[2] * u[1];
        Jb[3] = k[0];  Jb[4] = -k[2] * u[2] - 2 * k[1] * u[1]; Jb[5] = -k[2] * u[1];
        Jb[6] = 0;     Jb[7] = 2 * k[1] * u[1];                Jb[8] = 0;
    }
    return 0;
}

nde_system prob_rober(void)
{
    nde_system s;
    memset(&s, 0, sizeof s);
    s.dim = 3;
    s.f = prob_rober_f;
    s.jac = prob_rober_jac;
    return s;
}
