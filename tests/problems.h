/* problems.h: the test problems shared by the tests and the benchmarks,
   each with the products the solvers and gradient methods use. */
#ifndef PROBLEMS_H
#define PROBLEMS_H

#include "../neuralode.h"

/* Lotka-Volterra x' = alpha x - beta x y, y' = delta x y - gamma y,
   theta = (alpha, beta, delta, gamma): f, Jacobian and reverse product. */
int prob_lv_f(void *ctx, double t, int B, const double *y, const double *th, double *dy);
int prob_lv_jac(void *ctx, double t, int B, const double *y, const double *th, double *J);
int prob_lv_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                double *gy, double *gth, double *gt);
/* Second-order product: with s = sum over rows of a^T J v, J = df/dy,
   gy (B,D) += ds/dy and gth (4) += ds/dtheta (for backprop through EPI2). */
int prob_lv_vhp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                const double *v, double *gy, double *gth);
/* The Julia report's values (2/3, 4/3, 1, 1), as a system using theta (4). */
extern const double prob_lv_theta[4];
nde_system prob_lv(double theta[4]);

/* u' = A u for a 2x2 A (row-major) given as ctx; prob_lin_A is the Julia
   report's [[-0.1, 2], [-2, -0.1]]. */
extern const double prob_lin_A[4];
int prob_lin_f(void *ctx, double t, int B, const double *y, const double *th, double *dy);
int prob_lin_jac(void *ctx, double t, int B, const double *y, const double *th, double *J);
nde_system prob_lin(const double A[4]);

/* y' = -lambda y, theta = (lambda): f and reverse product. */
int prob_decay_f(void *ctx, double t, int B, const double *y, const double *th, double *dy);
int prob_decay_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                   double *gy, double *gth, double *gt);
nde_system prob_decay(double *lambda);

/* Pendulum, separable (H = th0 p^2/2 - th1 cos q): q' = th0 p,
   p' = -th1 sin q on rows (q, p), theta (2): f and reverse product (the
   implicit methods build the Jacobian from two vjp calls). */
int prob_pend_f(void *ctx, double t, int B, const double *y, const double *th, double *dy);
int prob_pend_vjp(void *ctx, double t, int B, const double *y, const double *th, const double *a,
                  double *gy, double *gth, double *gt);
nde_system prob_pend(double theta[2]);

/* Running loss g(t, y) = y_0 of each row (L = integral of y over the solve). */
int prob_run_y(void *ctx, double t, int B, int D, const double *y, double *g, double *gy);

/* Robertson's reactions (k1, k2, k3) = ref_rober_k [Hairer-Wanner II, IV.1 (1.3)]. */
int prob_rober_f(void *ctx, double t, int B, const double *y, const double *th, double *dy);
int prob_rober_jac(void *ctx, double t, int B, const double *y, const double *th, double *J);
nde_system prob_rober(void);

/* The cubic spiral dy/dt = (y^3) A, A = [[-0.1, 2], [-2, -0.1]] in the row-vector convention
   (the tutorial's eq 30; the torchdiffeq demo), and its data: t (PROB_SPIRAL_N) uniform on
   [0, 25], y (PROB_SPIRAL_N,2) from y0 = (2, 0) by dopri5 at rtol 1e-7, atol 1e-9. */
#define PROB_SPIRAL_N 1000
int prob_cubic_f(void *ctx, double t, int B, const double *y, const double *th, double *dy);
int prob_spiral_data(double *t, double *y);

/* One iteration of the classic spiral recipe (chapter 01): 20 random windows of 10 points of
   (t, y), the mean absolute error of sys solved from each window's first point (opt), its
   gradient by nde_grad (gopt) into g (P), one step of o on sys->params. *L gets the loss, gs
   the gradient's statistics; msg (NDE_MSG_LEN) says what failed. */
int prob_spiral_classic_step(const nde_system *sys, nde_rng *r, const double *t, const double *y,
                             const nde_options *opt, const nde_grad_options *gopt, nde_optim *o,
                             double *g, double *L, nde_grad_stats *gs, char *msg);

/* The recipe that converges (chapter 01, issue 14), continuing a classically trained model:
   Adam, lr 1e-3 with cosine decay over all its steps, MSE; a curriculum of windows of 20, 50,
   100, 250 and 500 points (`stage` steps each, 400/L rows per step), the parameters with the
   lowest full-trajectory MSE (checked every 10 steps) restored at its end; then `whole` steps
   on the whole trajectory from y(0). curve (stage*5/10 + whole/10) receives the full-trajectory
   MSE every 10 steps (NULL: not kept); *final the MSE at the end, *late the median of 10
   evaluations over the last 10% of the whole-trajectory steps. */
int prob_spiral_recipe(const nde_system *sys, nde_rng *r, const double *t, const double *y,
                       const nde_options *opt, nde_grad_work *work, int stage, int whole,
                       double *curve, double *final, double *late, char *msg);

#endif
