/* neuralode.h - v0.1 - Neural Ordinary Differential Equations in one C header.
   No warranty implied; use at your own risk. MIT licence at the end of the file.

   WHAT IT IS
     Everything numerical a Neural ODE needs, in plain C99 on doubles, with
     only libc and libm: small dense linear algebra, a seeded random generator,
     an MLP with reverse-mode, forward-mode and second-order products, explicit
     Runge-Kutta solvers (fixed and adaptive, with dense output), implicit,
     exponential and symplectic solvers, three gradient methods (backprop
     through the solver, backsolve adjoint, interpolating adjoint), losses,
     optimizers, minibatches, model files, and IDX data files (plain or
     gzip) with a softmax classification head. It never prints, never exits
     and keeps no global state: every failure is a status and a message.

   HOW TO USE IT
     In exactly one C (or C++) file:
         #define NEURALODE_IMPLEMENTATION
         #include "neuralode.h"
     Every other file just includes it. Link with -lm.

   OPTIONS (define before including)
     NEURALODE_STATIC      all functions static: private to one translation unit
     NDE_MALLOC(sz), NDE_REALLOC(p, sz), NDE_FREE(p)
                           your allocator; define all three or none
     NDE_USE_CBLAS         the MLP's large dense products (at least
                           NDE_CBLAS_MIN = 262144 multiply-adds; define it
                           to change) go to cblas_dgemm: include <cblas.h>
                           and link a CBLAS (e.g. -lopenblas). Results agree
                           with the built-in kernels to rounding, not bit
                           for bit. Off by default: no dependency.
     -fopenmp              (a compiler flag, not a define) the MLP's wide
                           products split over OpenMP threads (OMP_NUM_THREADS)
                           with the same bits as one thread; products under
                           400,000 multiply-adds stay on one. Without it the
                           header is single-threaded ISO C.
     -march=native         safe with -ffp-contract=off (GCC's default in
                           -std=c99): wider vectors, the same bits.
     NEURALODE_NO_IMPLEMENTATION
                           (usually -D on the command line) ignore
                           NEURALODE_IMPLEMENTATION in this file: for programs
                           written standalone, each with its own
                           implementation, linked instead against one compiled
                           once (the Makefile builds the chapters so: each
                           compiles in 2 s instead of 7).

   CONTENTS (declarations below, then the implementation in the same order)
     1. Status codes and messages ........ nde_status, nde_status_name, NDE_MSG_LEN
     2. Random numbers ................... nde_rng_seed, _uniform, _normal, _below
     3. Linear algebra ................... nde_gemm*, nde_gemv*, nde_lu_*, norms, nde_linspace
     4. Systems .......................... nde_system, nde_system_jacobian, nde_system_check
     5. Solvers .......................... nde_method, nde_tableau, nde_options, nde_stats, nde_solve
     6. MLP and Hamiltonian networks ..... nde_mlp_*, nde_mlp_system, nde_hnn_system,
                                           dropout: nde_mlp_add_dropout, _dropout_sample, _off
        Continuous normalizing flows ..... nde_cnf_system (exact or Hutchinson trace),
                                           nde_cnf_draw, nde_cnf_nll, nde_cnf_log_density
     7. Losses and gradients ............. nde_loss, nde_loss_mse/_mae, nde_grad, nde_grad_work
                                           nde_augment_* (augmented Neural ODEs: pad, wrap, slice)
     8. Stiff, exponential, symplectic ... nde_expm, nde_phi1 (methods via nde_options.method)
        Linear stability functions ....... nde_method_stability (R(z) of every method but leapfrog)
     9. Training ......................... nde_optim_*, nde_clip_grad_norm, schedules,
                                           nde_early_*, nde_sample_windows, nde_progress_*,
                                           nde_train (the loop), nde_mlp_save / _load / _load_new
    10. Data tables (CSV) ................ nde_csv, nde_csv_read, nde_csv_parse, nde_csv_column,
                                           nde_csv_free, nde_csv_write
    11. Data files and classification ... nde_idx_parse / _read / _save / _rows (IDX, plain
                                           or gzip), nde_softmax_ce, nde_accuracy,
                                           nde_classifier + nde_loss_classify (a point loss)

   METHODS (nde_options.method; every one through nde_solve and nde_grad)
     explicit Runge-Kutta, fixed step: euler, midpoint, heun, rk4
     explicit Runge-Kutta, adaptive:   bs32, dopri5 (default), tsit5
     implicit:                         backward_euler (fixed), sdirk4 (adaptive)
     exponential:                      epi2 (fixed)
     symplectic:                       leapfrog (separable), gauss2 (any Hamiltonian)

   CONVENTIONS
     - Row-major arrays of double. Shape comments use: B batch rows, D state
       dimension, H hidden width, P parameters, N output times, S stages.
     - A state of B rows is integrated as one vector of B*D numbers with one
       step size (as torchdiffeq does); dynamics are evaluated on the batch.
     - Gradient buffers are ADDED into by the products (vjp, vhp: callers
       zero them first), as in llm.c; nde_grad overwrites its outputs.
     - Zero-initialised option structs mean documented defaults.
     - Every fallible call returns NDE_OK (0) or a negative nde_status, and
       writes a one-line message naming the argument or time into a
       caller-owned buffer (nde_stats.msg, nde_grad_stats.msg, or a msg
       argument of NDE_MSG_LEN bytes that may be NULL).
     - Random streams are xoshiro256** seeded by splitmix64: identical on
       every platform for a given seed.

   WRITING YOUR OWN DYNAMICS
     Fill an nde_system: dim, nparams, params, ctx and the callback f. For
     gradients add vjp (a^T df/dy, a^T df/dtheta, a^T df/dt, each ADDED into
     its output, any output may be NULL). Implicit solvers also use jvp or
     jac; without them the Jacobian is built from D vjp calls. To mix known
     physics with a network ("universal differential equation"), call
     nde_mlp_forward_at inside f and nde_mlp_vjp_at inside vjp with the theta
     they are passed, and add the physics term and its derivatives by hand;
     put the physics parameters after the network's in one flat theta block.
     Check every hand-written product with nde_system_check before training:
     it compares them with central finite differences. Backprop through EPI2
     also needs vhp (second-order products); nde_mlp_system provides every
     product, vhp included, and the optional f_save/vjp_saved pair: backprop
     keeps the network's activations on its tape so their vjps skip the
     forward pass. By default it does so when buffers are reused across calls
     (nde_grad_options.work; nde_train does), up to 64 MB, later steps
     recomputing (nde_grad_options.save_bytes). A system struct from an
     initializer list or memset leaves the pair unset: fine.

   LIMITATIONS (honest ones)
     - Dense linear algebra only: implicit methods factor (B*D)x(B*D)
       matrices (block-diagonal per row), fine up to a few hundred states.
     - One step size for the whole batch; no per-row adaptivity.
     - Backprop through adaptive solvers treats the accepted step sizes as
       constants (the standard discretize-then-optimize gradient).
     - Backprop through EPI2 needs sys->vhp, the second-order product
       d/d(y, theta) of a^T (df/dy) v: nde_mlp_system provides it, hand-
       written systems must add it (HNN and flow systems and running losses
       lack it: NDE_ERR_UNSUPPORTED). The adjoint methods run with EPI2 without it,
       but at first order only (EPI2 freezes t at the step start, and the
       backward system depends on t).
     - Leapfrog needs a separable Hamiltonian and a (q, p) state: not with
       running losses, not as the adjoint's backward solver (use gauss2).
     - The Hermite dense output of the non-Runge-Kutta methods is third
       order: between sdirk4's steps it is far less accurate than at them;
       the interpolating adjoint with a running loss over a stiff transient
       reads it there (1e-5 relative, where backprop gives 1e-15).
     - Model files survive a crashed process and concurrent saves (an own,
       exclusively created temp file + rename; fopen mode "x", C11) but ISO C
       has no fsync, so not necessarily a power cut.
     - Tables (nde_csv_read) are numeric: no quoted separators, no decimal
       commas, no missing values; numbers are read by strtod, so a program
       that switches LC_NUMERIC away from "C" reads them in that locale.
     - Double precision only; no SIMD intrinsics (the dense kernels are
       vectorised by the compiler); threads only with -fopenmp, and only
       inside the MLP's wide products.
     - IDX files of at most 16 dimensions (the format allows 255); gzip files
       of one member, at most 4 GB uncompressed (ISIZE is 32 bits). The
       inflate decodes a bit at a time: 0.8 s for Fashion-MNIST's 47 MB.

   EXAMPLE (a complete program; see also examples/ and chapters/)
*/
#if 0
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include <stdio.h>

int main(void)
{
    nde_mlp net;                      /* dy/dt = W2 tanh(W1 y + b1) + b2 */
    nde_system sys;
    nde_rng rng;
    nde_stats st;
    int widths[3] = {2, 16, 2};
    double y0[2] = {2.0, 0.0}, t[5] = {0, 0.25, 0.5, 0.75, 1.0}, y[5 * 2];
    nde_rng_seed(&rng, 0);
    nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, 0, NULL);
    nde_mlp_init_glorot(&net, &rng);
    nde_mlp_system(&net, &sys, NULL);
    if (nde_solve(&sys, 1, y0, 5, t, NULL, y, &st) != NDE_OK) {
        printf("solve failed: %s\n", st.msg);
        return 1;
    }
    printf("y(1) = (%.6f, %.6f) after %ld steps, %ld evaluations\n", y[8], y[9], st.naccept, st.nfe);
    nde_mlp_free(&net);
    return 0;
}
#endif
#ifndef NEURALODE_H
#define NEURALODE_H

#include <stddef.h>

#ifdef NEURALODE_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define NDEDEF static __attribute__((unused))
#else
#define NDEDEF static
#endif
#else
#define NDEDEF extern
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================== */
/* Status codes and messages                                              */
/* ===================================================================== */

typedef enum nde_status {
    NDE_OK = 0,
    NDE_ERR_ARG = -1,            /* bad argument: NULL pointer, size, tolerance, option   */
    NDE_ERR_TIMES = -2,          /* output times not strictly monotonic or not finite     */
    NDE_ERR_NONFINITE = -3,      /* NaN/Inf in the initial state or from the dynamics     */
    NDE_ERR_STEP_UNDERFLOW = -4, /* step size fell below the minimum                      */
    NDE_ERR_MAX_STEPS = -5,      /* step limit reached before the last output time        */
    NDE_ERR_STIFF = -6,          /* stiffness detected (when asked to stop on it)         */
    NDE_ERR_NEWTON = -7,         /* Newton iteration of an implicit method did not converge */
    NDE_ERR_SINGULAR = -8,       /* singular matrix in an LU factorisation                */
    NDE_ERR_NOMEM = -9,          /* allocation failed                                     */
    NDE_ERR_IO = -10,            /* could not open, read, write or rename a file          */
    NDE_ERR_FORMAT = -11,        /* file truncated, corrupt, wrong magic/version/checksum */
    NDE_ERR_ARCH = -12,          /* file holds a different architecture than expected     */
    NDE_ERR_CALLBACK = -13,      /* a user callback returned non-zero                     */
    NDE_ERR_UNSUPPORTED = -14,   /* method/option combination not available               */
    NDE_ERR_ADJOINT_DRIFT = -15  /* backsolve adjoint could not reconstruct y0: gradient unreliable */
} nde_status;

/* Name of a status code, e.g. "NDE_ERR_TIMES". Never NULL. */
NDEDEF const char *nde_status_name(int status);

/* Every fallible call writes a one-line message (which argument, which
   time) into a caller-owned buffer of this size when one is given. */
#define NDE_MSG_LEN 256

/* ===================================================================== */
/* Random numbers: xoshiro256** seeded by splitmix64                      */
/* ===================================================================== */

typedef struct nde_rng { unsigned long long s[4]; } nde_rng;

/* Seed a generator; the same seed gives the same stream on every platform. */
NDEDEF void nde_rng_seed(nde_rng *r, unsigned long long seed);
/* Next 64 random bits. */
NDEDEF unsigned long long nde_rng_u64(nde_rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
NDEDEF double nde_rng_uniform(nde_rng *r);
/* Standard normal N(0, 1) by the Box-Muller transform (no cached state). */
NDEDEF double nde_rng_normal(nde_rng *r);
/* Uniform integer in [0, n), n > 0, without modulo bias (0 for n <= 1).
   A NULL generator gives 0 from every call (no crash, no randomness). */
NDEDEF long nde_rng_below(nde_rng *r, long n);

/* ===================================================================== */
/* Dense linear algebra, row-major double                                 */
/* ===================================================================== */

/* C (m,n) = alpha * A (m,k) B (k,n) + beta * C. */
NDEDEF void nde_gemm(int m, int n, int k, double alpha, const double *A, const double *B, double beta, double *C);
/* C (m,n) = alpha * A (m,k) B^T (B is (n,k)) + beta * C. */
NDEDEF void nde_gemm_nt(int m, int n, int k, double alpha, const double *A, const double *B, double beta, double *C);
/* C (m,n) = alpha * A^T (A is (k,m)) B (k,n) + beta * C. */
NDEDEF void nde_gemm_tn(int m, int n, int k, double alpha, const double *A, const double *B, double beta, double *C);
/* y (m) = alpha * A (m,n) x (n) + beta * y. */
NDEDEF void nde_gemv(int m, int n, double alpha, const double *A, const double *x, double beta, double *y);
/* y (n) = alpha * A^T x (A is (m,n), x is (m)) + beta * y. */
NDEDEF void nde_gemv_t(int m, int n, double alpha, const double *A, const double *x, double beta, double *y);
/* LU factorisation with partial pivoting, in place: A (n,n) -> L\U, piv (n).
   Returns NDE_OK, NDE_ERR_SINGULAR (exact zero pivot) or NDE_ERR_ARG
   (n < 0, NULL A or piv). The void products here do nothing for a
   negative size or a NULL array they would touch. */
NDEDEF int nde_lu_factor(int n, double *A, int *piv);
/* Solve A x = b with the factors from nde_lu_factor; b (n) is overwritten by x. */
NDEDEF void nde_lu_solve(int n, const double *LU, const int *piv, double *b);
/* Solve A^T x = b with the same factors; b (n) is overwritten by x. */
NDEDEF void nde_lu_solve_t(int n, const double *LU, const int *piv, double *b);
/* t (n) = n equally spaced values from a to b, both included (t[n-1] = b exactly). */
NDEDEF void nde_linspace(int n, double a, double b, double *t);
/* Norms of a vector x (n): Euclidean (scaled: no overflow or underflow of
   the squares), max-abs (NaN if any entry is NaN). */
NDEDEF double nde_norm2(long n, const double *x);
NDEDEF double nde_norm_inf(long n, const double *x);
/* Matrix norms of A (m,n): max row sum (inf-norm) and max column sum (1-norm). */
NDEDEF double nde_mat_norm_inf(int m, int n, const double *A);
NDEDEF double nde_mat_norm1(int m, int n, const double *A);
/* ===================================================================== */
/* Dynamics: the system an ODE solver integrates                          */
/* ===================================================================== */
/*
   Letters used in shape comments: B batch rows, D state dimension per row,
   P parameters, N output times, S stages, H hidden width.

   A system is dy/dt = f(t, y, theta) applied row by row to a batch y (B,D).
   The solver treats the batch as one state of n = B*D numbers (one step size
   for all rows, as torchdiffeq does). Only f is required; the products are
   needed by the gradient methods (vjp) and by implicit solvers (jac or jvp).
   Every callback returns 0, or non-zero to stop the solve (NDE_ERR_CALLBACK;
   NDE_ERR_NOMEM when its own allocation failed is reported as NDE_ERR_NOMEM).
*/
typedef struct nde_system {
    int dim;        /* D: state dimension of one row */
    int nparams;    /* P: number of trainable parameters (0 for none) */
    double *params; /* (P) theta, owned by the caller; may be NULL when P = 0 */
    void *ctx;      /* passed unchanged to every callback */

    /* dydt (B,D) = f(t, y (B,D), theta (P)). */
    int (*f)(void *ctx, double t, int B, const double *y, const double *theta, double *dydt);

    /* Reverse-mode products with a cotangent a (B,D), ADDED into the outputs:
         gy (B,D)  += a^T df/dy     (per row)
         gth (P)   += sum over rows of a^T df/dtheta
         gt (1)    += sum over rows of a^T df/dt
       Any output pointer may be NULL (not wanted). */
    int (*vjp)(void *ctx, double t, int B, const double *y, const double *theta,
               const double *a, double *gy, double *gth, double *gt);

    /* Forward-mode product: out (B,D) = (df/dy) v, v (B,D), per row. Optional. */
    int (*jvp)(void *ctx, double t, int B, const double *y, const double *theta,
               const double *v, double *out);

    /* Jacobian of one batch: J (B,D,D), J[b][i][j] = d f_i / d y_j of row b.
       Optional: when NULL the library builds it from jvp (or from vjp). */
    int (*jac)(void *ctx, double t, int B, const double *y, const double *theta, double *J);

    /* Second-order products: with a, v (B,D), the derivatives of the scalar
       s = sum over rows of a^T (df/dy) v, ADDED into gy (B,D) += ds/dy and
       gth (P) += ds/dtheta (either may be NULL). Optional: only backprop
       through the exponential integrator EPI2 needs it (its step uses df/dy). */
    int (*vhp)(void *ctx, double t, int B, const double *y, const double *theta,
               const double *a, const double *v, double *gy, double *gth);

    /* Optional pair that spares a vjp its forward recompute (a network's
       activations): f_save is f that also writes save_len doubles per row
       into save (B,save_len), and its dydt must equal f's bit for bit;
       vjp_saved is vjp reading them back. save_len = 0: not offered. The
       MLP system provides both. Used by backprop through the explicit
       Runge-Kutta methods when buffers are reused (nde_grad_options.work)
       or save_bytes > 0, and by the backsolve adjoint unless save_bytes < 0;
       never by the interpolating adjoint or with a running loss. nde_grad
       compares the pair with f and vjp on the first row of y0 at t0 and
       ignores it when they differ (a copy of an MLP system whose f or vjp
       was replaced still carries the network's pair). */
    long save_len;
    int (*f_save)(void *ctx, double t, int B, const double *y, const double *theta, double *dydt,
                  double *save);
    int (*vjp_saved)(void *ctx, double t, int B, const double *y, const double *theta,
                     const double *save, const double *a, double *gy, double *gth, double *gt);
} nde_system;

/* Jacobian J (B,D,D) of sys at (t, y): from sys->jac, else D calls of jvp,
   else D calls of vjp. Returns NDE_OK, NDE_ERR_ARG (NULL sys, y or J,
   B < 1, dim < 1), NDE_ERR_UNSUPPORTED (no product given), NDE_ERR_NOMEM
   or NDE_ERR_CALLBACK. */
NDEDEF int nde_system_jacobian(const nde_system *sys, double t, int B, const double *y, double *J);

/* Check a system's products against central finite differences of f at
   (t, y) with step eps (0: 1e-6). Writes the largest relative error of
   vjp-y, vjp-theta, vjp-t and jvp into err[4] (-1 where a product is
   missing). When the system offers f_save/vjp_saved, those are checked
   against the same differences too (and f_save's dydt against f's): each
   err is the worse of the two. Use it on every hand-written system before
   training. Returns
   NDE_OK, NDE_ERR_ARG, NDE_ERR_NOMEM or NDE_ERR_CALLBACK. */
NDEDEF int nde_system_check(const nde_system *sys, double t, int B, const double *y, double eps, double err[4]);

/* ===================================================================== */
/* Solvers                                                                */
/* ===================================================================== */

typedef enum nde_method {
    NDE_DOPRI5 = 0,       /* Dormand-Prince 5(4), FSAL, 4th-order dense output (default) */
    NDE_EULER,            /* explicit Euler, fixed step, order 1 */
    NDE_MIDPOINT,         /* explicit midpoint, fixed step, order 2 */
    NDE_HEUN,             /* Heun (explicit trapezoid), fixed step, order 2 */
    NDE_RK4,              /* classic Runge-Kutta, fixed step, order 4 */
    NDE_BS32,             /* Bogacki-Shampine 3(2), FSAL, adaptive */
    NDE_TSIT5,            /* Tsitouras 5(4), FSAL, adaptive */
    NDE_BACKWARD_EULER,   /* implicit Euler + Newton, fixed step, order 1 */
    NDE_SDIRK4,           /* adaptive stiff method (see its section) */
    NDE_EPI2,             /* exponential integrator EPI2, fixed step, order 2 */
    NDE_LEAPFROG,         /* Stormer-Verlet, separable Hamiltonians, fixed step, order 2 */
    NDE_GAUSS2,           /* 2-stage Gauss-Legendre, symplectic, fixed step, order 4 */
    NDE_METHOD_COUNT
} nde_method;

/* Name of a method ("dopri5", "rk4", ...), or "?" for an unknown value. */
NDEDEF const char *nde_method_name(int method);
/* Method by name; returns -1 for an unknown name. */
NDEDEF int nde_method_by_name(const char *name);

/* Butcher tableau of an explicit Runge-Kutta method: a method is this
   table plus one registry line. a is (S,S) row-major, strictly lower
   triangular. e = b - bhat (embedded error weights) or NULL for fixed-step
   methods. Dense output: y(t0 + th*h) = y0 + h * sum_i bi_i(th) k_i with
   bi_i(th) = sum_k P[i*deg + k] th^(k+1) over the S stages; when P is NULL
   the cubic Hermite interpolant through (y0, f0, y1, f1) is used. FSAL
   methods have k_S = f(t0+h, y1). */
typedef struct nde_tableau {
    const char *name;
    int S;              /* number of stages */
    int order;          /* order of the propagated solution */
    int err_order;      /* order of the embedded solution (0: none) */
    int fsal;           /* 1 when the last stage is f(t0 + h, y1) */
    const double *c;    /* (S) */
    const double *a;    /* (S,S) */
    const double *b;    /* (S) */
    const double *e;    /* (S) b - bhat, or NULL */
    int dense_deg;      /* degree of the dense-output polynomials (0: Hermite) */
    const double *P;    /* (S, dense_deg) or NULL */
    int stiff_i, stiff_j; /* stages compared by the stiffness test [Hairer-Wanner II, IV.2] */
    double stiff_bound; /* stability boundary on the negative real axis; 0: no test */
} nde_tableau;

/* The tableau of an explicit Runge-Kutta method, or NULL for other methods. */
NDEDEF const nde_tableau *nde_method_tableau(int method);

/* Solver options. A zero-initialised struct gives the documented defaults:
   method DOPRI5, rtol 1e-6, atol 1e-9, automatic first step, safety 0.9,
   step factor in [0.2, 10], PI coefficient beta 0.04, hmin 0 (only the
   underflow test 1e-14*|t|), hmax |t_end - t0|, max_steps 100000,
   h = (t_end - t0)/100 for fixed-step methods.
   The fixed-step implicit methods (backward_euler, gauss2) have no error
   control: rtol and atol only stop their Newton iteration. With both left
   0 they default to 1e-12 there (Newton converged below any step's own
   error: gauss2 at h = 1e-3 on Lotka-Volterra 1.7e-13 off, not 4.3e-9 as
   with 1e-6/1e-9); set them to trade accuracy for fewer iterations.
   atol < 0 asks for atol = 0, pure relative control (components that are
   exactly 0 then demand exact steps: use it when no component nears 0). */
typedef struct nde_options {
    int method;          /* nde_method */
    double rtol, atol;   /* mixed error norm: sc_i = atol + rtol*max(|y0_i|, |y1_i|); atol < 0: 0 */
    double h0;           /* first step (adaptive) ; 0 = automatic [Hairer HINIT] */
    double h;            /* step size of fixed-step methods (magnitude); 0 = span/100 */
    double hmin, hmax;   /* step bounds (magnitudes); 0 = defaults above */
    long max_steps;      /* accepted + rejected steps allowed; 0 = 100000 */
    double safety;       /* 0 = 0.9 */
    double fac_min;      /* 0 = 0.2 : smallest step change factor */
    double fac_max;      /* 0 = 10  : largest step change factor */
    double beta;         /* PI controller coefficient; 0 = 0.04, negative = plain I controller */
    int stiff_check;     /* 0: detect and flag stiffness (default); 1: stop with NDE_ERR_STIFF; -1: off */
    int norm_n;          /* error norm over the first norm_n components only (0 = all); the seminorm */
    double newton_tol;   /* implicit methods: Newton tolerance relative to the error scale
                            atol + rtol|y| (see above for fixed-step methods); 0 = 0.03 */
    int newton_max;      /* implicit methods: Newton iterations per stage; 0 = 10 */
} nde_options;

/* Counters and diagnostics of one solve. */
typedef struct nde_stats {
    long nfe;            /* right-hand-side evaluations (batch calls of f) */
    long naccept;        /* accepted steps */
    long nreject;        /* rejected steps */
    long njac;           /* Jacobian evaluations */
    long nlu;            /* LU factorisations */
    long nnewton;        /* Newton iterations */
    int  n_out;          /* output rows written (index of the first time not reached) */
    double t_last;       /* last time at which the state is known good */
    double h_last;       /* last step size tried */
    int stiff;           /* 1 when stiffness was detected */
    double t_stiff;      /* time of the first stiffness detection */
    char msg[NDE_MSG_LEN]; /* what went wrong (or a warning), "" when all is well */
} nde_stats;

/* Integrate dy/dt = f(t, y, theta) from t[0] through the N output times
   t (N), strictly increasing or strictly decreasing; y0 is (B,D), the state
   at t[0]; yout (N,B,D) receives y(t[n]) (yout row 0 = y0). Output times
   are met through dense output and never change the steps taken.
   opt and st may be NULL (defaults, no statistics). On a fault met while
   integrating, rows [0, st->n_out) hold the outputs reached and row n_out
   (when n_out < N) holds the last good state, at time st->t_last.
   Returns NDE_OK or a negative nde_status; st->msg says what and where. */
NDEDEF int nde_solve(const nde_system *sys, int B, const double *y0, int N, const double *t,
                     const nde_options *opt, double *yout, nde_stats *st);

/* ===================================================================== */
/* MLP: a stack of layers with reverse, forward and second-order products */
/* ===================================================================== */
/*
   A network maps a batch x (B,in_dim) at time t to net(x, t) (B,out_dim),
   row by row. Build it with nde_mlp_init, nde_mlp_add_* and nde_mlp_build
   (or nde_mlp_dense), initialise it, then use the products below or wrap it
   as an nde_system. All parameters live in one flat block params (P): per
   layer with parameters, W (out,in) row-major then b (out), in layer order.
   Every product recomputes its own forward pass (no state between calls)
   except for the dropout masks, which stay fixed until the next
   nde_mlp_dropout_sample (or nde_mlp_dropout_off), so that f is one
   deterministic function for the length of a solve and its gradient.
   An nde_mlp owns a workspace reused by every call: one nde_mlp per thread.
*/

typedef enum nde_act {
    NDE_ACT_IDENTITY = 0,
    NDE_ACT_TANH,
    NDE_ACT_SOFTPLUS,   /* log(1 + e^x), computed without overflow */
    NDE_ACT_RELU,
    NDE_ACT_SIGMOID,
    NDE_ACT_COUNT
} nde_act;

typedef enum nde_layer_kind {
    NDE_LAYER_LINEAR = 0,  /* y = W x + b,           W (out,in), b (out)          */
    NDE_LAYER_ACT,         /* y = act(x) elementwise, no parameters                */
    NDE_LAYER_RESIDUAL,    /* y = x + act(W x + b),   W (w,w), b (w): tutorial eqs 18-20 */
    NDE_LAYER_DROPOUT      /* y = mask * x elementwise (inverted dropout), no parameters */
} nde_layer_kind;

/* Input flags of an MLP. */
#define NDE_INPUT_CUBE 1   /* feed y^3 (elementwise) instead of y: the spiral documents */
#define NDE_INPUT_TIME 2   /* append t as one more input column: time-aware models */

#define NDE_MLP_MAX_LAYERS 32  /* activation layers count as layers */

typedef struct nde_layer {
    int kind;        /* nde_layer_kind */
    int in, out;     /* widths */
    int act;         /* nde_act (ACT and RESIDUAL layers) */
    long off;        /* offset of W in the flat parameter block (-1: no parameters) */
    double *W;       /* (out,in) view into params, or NULL */
    double *b;       /* (out) view into params, or NULL */
    char name[16];   /* "L0.W"-style name stem: "L<index>" */
    double rate;     /* dropout probability p (DROPOUT layers; 0 otherwise) */
    long moff;       /* DROPOUT: first column of this layer in a mask row */
} nde_layer;

typedef struct nde_mlp {
    int in_dim;      /* features of y given to the network (before the time column) */
    int flags;       /* NDE_INPUT_CUBE | NDE_INPUT_TIME */
    int out_dim;     /* width of the last layer (while building: of the last layer added) */
    int nlayers;
    nde_layer layer[NDE_MLP_MAX_LAYERS];
    long nparams;    /* P */
    double *params;  /* (P) one flat block; owned; layer W/b point into it */
    /* workspace for the activations of a batch (owned, grown on demand) */
    int cap;         /* rows the workspace holds */
    double *work;
    long work_len;
    /* dropout masks (owned): row r of a batch uses mask row r % mask_rows;
       mask_rows = 0 is evaluation mode (every dropout layer is the identity) */
    double *mask;    /* (mask_cap, mask_w) entries 0 or 1/(1-p) */
    int mask_rows;   /* rows of the current draw; 0: no mask */
    int mask_cap;    /* rows allocated */
    int mask_w;      /* sum of the widths of the dropout layers (set by nde_mlp_build) */
} nde_mlp;

/* Start an empty network with in_dim inputs and NDE_INPUT_* flags (m is
   zeroed first: free a built network before reusing its struct). Then add
   layers and call nde_mlp_build. The first layer sees in_dim + 1 columns
   with NDE_INPUT_TIME. Returns NDE_OK or NDE_ERR_ARG (msg names the argument). */
NDEDEF int nde_mlp_init(nde_mlp *m, int in_dim, int flags, char *msg);
/* Append y = W x + b with out outputs (W is (out, current width)). */
NDEDEF int nde_mlp_add_linear(nde_mlp *m, int out, char *msg);
/* Append the elementwise activation act (an nde_act); no parameters. */
NDEDEF int nde_mlp_add_act(nde_mlp *m, int act, char *msg);
/* Append y = x + act(W x + b) at the current width w: W (w,w), b (w).
   The tutorial's Residual-64 (eqs 18-20) is: init(2, NDE_INPUT_CUBE),
   linear 64, act tanh, residual tanh, linear 2 (4,482 parameters). */
NDEDEF int nde_mlp_add_residual(nde_mlp *m, int act, char *msg);
/* Append dropout with probability p in [0, 1) at the current width: y = mask * x
   elementwise, mask entries 0 (probability p) or 1/(1-p) (inverted dropout, so
   evaluation mode, no mask, is the identity). p is rounded to a multiple of
   2^-32 (what model files store exactly). The mask is fixed between calls of
   nde_mlp_dropout_sample: within one solve the dynamics stay one function. */
NDEDEF int nde_mlp_add_dropout(nde_mlp *m, double p, char *msg);
/* Check the layer list (widths chained, act/residual/dropout square, at most
   NDE_MLP_MAX_LAYERS), allocate the flat parameter block (zeroed) and set
   the views. The add_* calls return NDE_ERR_ARG after a build.
   Returns NDE_OK, NDE_ERR_ARG or NDE_ERR_NOMEM. */
NDEDEF int nde_mlp_build(nde_mlp *m, char *msg);
/* Shortcut for the common dense network widths[0]-widths[1]-...-widths[n-1]
   with activation act after every linear layer but the last; init + add +
   build in one call (on failure m holds nothing to free). The tutorial's
   baseline 128x4 is {2, 128, 128, 128, 2}, tanh, NDE_INPUT_CUBE: 33,666 parameters. */
NDEDEF int nde_mlp_dense(nde_mlp *m, int n, const int *widths, int act, int flags, char *msg);
/* Free the parameter block and the workspace; m keeps its layer list but
   is no longer built. Safe on a zeroed or already freed struct. */
NDEDEF void nde_mlp_free(nde_mlp *m);

/* Initialisations: Glorot/Xavier uniform U(-s, s), s = sqrt(6/(in+out)),
   and normal N(0, sigma^2) for the weights; biases zero in both. */
NDEDEF void nde_mlp_init_glorot(nde_mlp *m, nde_rng *r);
NDEDEF void nde_mlp_init_normal(nde_mlp *m, nde_rng *r, double sigma);

/* Draw new dropout masks for `rows` batch rows from r (training mode): every
   dropout unit of every row is kept with probability 1-p. Row b of any later
   batch uses mask row b % rows, so rows = B gives each row (trajectory) its
   own mask and rows = 1 one mask shared by all. Every product (forward, vjp,
   jvp, grad_tangent, the system callbacks) uses the mask until the next
   draw: call it between solves, never inside one. Returns NDE_OK,
   NDE_ERR_ARG (not built, r NULL, rows < 1) or NDE_ERR_NOMEM. */
NDEDEF int nde_mlp_dropout_sample(nde_mlp *m, nde_rng *r, int rows, char *msg);
/* Evaluation mode: forget the mask (mask_rows = 0); every dropout layer
   passes its input through unchanged. Keeps the buffer for the next draw. */
NDEDEF void nde_mlp_dropout_off(nde_mlp *m);

/* out (B,out_dim) = net(x (B,in_dim), t). t is used only with NDE_INPUT_TIME.
   out must not overlap x. No allocation once the workspace holds B rows.
   Returns NDE_OK, NDE_ERR_ARG (not built, B < 0, NULL buffer) or NDE_ERR_NOMEM. */
NDEDEF int nde_mlp_forward(nde_mlp *m, int B, const double *x, double t, double *out);

/* Reverse mode, with a cotangent gout (B,out_dim); ADDS into
   gx (B,in_dim), gp (P) and gt (1); any of them may be NULL. Recomputes the
   forward pass itself (stateless). gt is sum over rows of gout . dnet/dt
   (zero without NDE_INPUT_TIME). Returns as nde_mlp_forward. */
NDEDEF int nde_mlp_vjp(nde_mlp *m, int B, const double *x, double t, const double *gout,
                       double *gx, double *gp, double *gt);

/* The same two products at a parameter block theta (P), laid out as m->params,
   instead of m->params: what a custom system's f and vjp need, since the
   solver hands them its theta (a copy in a gradient check, or the network's
   part of a larger flat block). theta NULL is NDE_ERR_ARG. */
NDEDEF int nde_mlp_forward_at(nde_mlp *m, const double *theta, int B, const double *x, double t, double *out);
NDEDEF int nde_mlp_vjp_at(nde_mlp *m, const double *theta, int B, const double *x, double t,
                          const double *gout, double *gx, double *gp, double *gt);

/* Forward mode: out (B,out_dim) = net(x, t) and jv (B,out_dim) = (d net/dx) v,
   v (B,in_dim) (the t column is not a direction); out may be NULL. */
NDEDEF int nde_mlp_jvp(nde_mlp *m, int B, const double *x, double t, const double *v,
                       double *out, double *jv);

/* Forward-over-reverse second-order products. With g(x, p) = (d net/dx)^T gout
   (the input gradient for a fixed cotangent gout (B,out_dim)) and a tangent
   u (B,in_dim) in input space:
     gx  (B,in_dim) = g                          (written)
     hx  (B,in_dim) += (dg/dx) u                 (Hessian-vector product)
     hp  (P)        += d/dp (g . u) summed over rows  (= (d gp / dx) u)
   gx, hx or hp may be NULL; t is held fixed. One forward pass carrying the
   tangent u, then one reverse pass carrying the tangents of the cotangents.
   This is what a Hamiltonian network's gradients need. */
NDEDEF int nde_mlp_grad_tangent(nde_mlp *m, int B, const double *x, double t, const double *gout,
                                const double *u, double *gx, double *hx, double *hp);

/* Fill sys with the Neural ODE dy/dt = net(y, t) (needs in_dim == out_dim):
   f, vjp, jvp and jac all come from the network; ctx = m, sys->params =
   m->params. The callbacks evaluate at the theta they are passed (a solver
   or a gradient check may pass a copy); jac costs one forward pass plus D
   tangent passes. m must outlive sys. Returns NDE_OK or NDE_ERR_ARG. */
NDEDEF int nde_mlp_system(nde_mlp *m, nde_system *sys, char *msg);

/* Fill sys with the Hamiltonian network dynamics on y = (q, p), D = in_dim
   even, H = net(y) scalar (out_dim == 1):
     dq/dt = dH/dp,  dp/dt = -dH/dq        (the Julia report, eqs 4.1-4.2)
   f is one reverse pass with gout = 1; vjp is one forward-over-reverse pass
   along u = (-a_p, a_q) (gy += Hess(H) u, gth, and gt with NDE_INPUT_TIME);
   jvp is Jsym Hess(H) v; jac is D such columns. ctx = m. Returns NDE_OK or
   NDE_ERR_ARG (odd in_dim, out_dim != 1, not built). */
NDEDEF int nde_hnn_system(nde_mlp *m, nde_system *sys, char *msg);

/* ===================================================================== */
/* Continuous normalizing flows: [z, log p] with the trace of df/dz       */
/* ===================================================================== */
/*
   The instantaneous change of variables (the spiral report, section 3.1,
   eqs 5-14): along dz/dt = f(z, t), d log p(z(t))/dt = -tr(df/dz). A flow
   row is y = (z (D), l) with dl/dt = -tr(df/dz) and l(0) = 0; solving from
   z(0) = x to time T gives  log p_data(x) = log p_base(z(T)) - l(T)  with
   the base density N(0, sigma^2 I). The trace is exact (D tangent passes of
   the network) or Hutchinson's unbiased estimate eps^T (df/dz) eps with
   E[eps eps^T] = I (FFJORD, Grathwohl et al. 2019; Wiberg, section 4), one
   eps per row held fixed for a whole solve and its gradient.
*/

typedef enum nde_cnf_trace {
    NDE_TRACE_EXACT = 0,   /* sum_j e_j^T (df/dz) e_j: D tangent passes per evaluation */
    NDE_TRACE_RADEMACHER,  /* eps^T (df/dz) eps, eps_i = +-1 equally likely: one pass */
    NDE_TRACE_GAUSSIAN     /* eps^T (df/dz) eps, eps_i ~ N(0, 1): one pass */
} nde_cnf_trace;

typedef struct nde_cnf {
    nde_mlp *net;    /* f(z, t): in_dim = out_dim = D; not owned, must outlive the flow */
    int trace;       /* nde_cnf_trace */
    double sigma;    /* base density N(0, sigma^2 I) at time T */
    int neps;        /* rows of eps drawn by nde_cnf_draw */
    double *eps;     /* (neps,D) Hutchinson's probes; owned */
    int cap;         /* rows the scratch holds */
    double *work;    /* (cap,4D) scratch of the callbacks; owned */
} nde_cnf;

/* Set up c (zeroed first: free a used one before) for the network net
   with a trace kind and base sigma > 0, and fill sys with the flow on rows
   (z, l) of D+1 numbers: f, and vjp (the trace's derivatives in z, theta and t by forward-over-reverse
   passes, as the Hamiltonian network's). ctx = c, params = net->params. No
   jvp/jac (implicit solvers build the Jacobian from D+1 vjps) and no vhp
   (backprop through EPI2: NDE_ERR_UNSUPPORTED). Hutchinson kinds need
   nde_cnf_draw before the first solve. Free with nde_cnf_free.
   Returns NDE_OK or NDE_ERR_ARG (msg names the argument). */
NDEDEF int nde_cnf_system(nde_cnf *c, nde_mlp *net, int trace, double sigma, nde_system *sys, char *msg);
/* Draw Hutchinson's eps (B,D) from r for solves of up to B rows: keep it
   fixed for one solve and its gradient, draw anew for the next. With fewer
   rows drawn than a solve has, f and vjp return NDE_ERR_ARG (the solve
   stops with NDE_ERR_CALLBACK). Returns NDE_OK, NDE_ERR_ARG (exact trace,
   B < 1, NULL) or NDE_ERR_NOMEM. */
NDEDEF int nde_cnf_draw(nde_cnf *c, nde_rng *r, int B, char *msg);
/* Free eps and the scratch; c keeps net, trace and sigma. Safe twice. */
NDEDEF void nde_cnf_free(nde_cnf *c);
/* Negative log-likelihood, a point loss (ctx = the nde_cnf*) of the LAST
   output time of y (N,B,D+1):
     NLL = mean_b [ |z_b|^2 / (2 sigma^2) + (D/2) log(2 pi sigma^2) + l_b ]
   g (N,B,D+1) = dNLL/dy, zero at the earlier times. Returns NaN (and g = 0)
   when the row width is not D+1 of the flow. */
NDEDEF double nde_cnf_nll(void *ctx, int N, int B, int D, const double *t, const double *y, double *g);
/* logp (B) = log p_data(x) of the flow sys (from nde_cnf_system) at the
   points x (B,D): one solve of the rows (x, 0) from t = 0 to T with opt
   (may be NULL); z (B,D) = z(T) when not NULL. Uses the flow's trace kind
   (the exact one for densities you report). Returns NDE_OK, NDE_ERR_ARG,
   NDE_ERR_NOMEM or the solver's status; st (may be NULL) as nde_solve. */
NDEDEF int nde_cnf_log_density(const nde_system *sys, int B, const double *x, double T,
                               const nde_options *opt, double *logp, double *z, nde_stats *st);

/* ===================================================================== */
/* Losses on the solution                                                 */
/* ===================================================================== */
/*
   A loss is a function of the states at the N output times (a point loss)
   plus, optionally, a running loss G = integral of sum_rows g(t, y) dt over
   the solve (the Julia report, eq 2.1). Its gradients dL/dy(t_n) are the
   jumps of the adjoint; the running loss enters as the source term of the
   adjoint equation (eq 2.4a) and, for backprop, as a quadrature state.
*/
typedef struct nde_loss {
    /* Point loss: returns L and writes g (N,B,D) = dL/dy(t_n) for y (N,B,D). NULL: none.
       nde_grad hands g over zeroed (write only the entries the loss uses);
       a NaN/Inf L or g stops it with NDE_ERR_NONFINITE. */
    double (*point)(void *ctx, int N, int B, int D, const double *t, const double *y, double *g);
    /* Running integrand per row: g (B) = g(t, y_b) and gy (B,D) = dg/dy_b. NULL: none. */
    int (*running)(void *ctx, double t, int B, int D, const double *y, double *g, double *gy);
    void *ctx;
} nde_loss;

/* Targets of the built-in point losses: y (N,B,D) and per-time weights
   w (N) (NULL: all 1). */
typedef struct nde_target {
    const double *y;   /* (N,B,D) */
    const double *w;   /* (N) or NULL */
} nde_target;

/* Mean squared error mean_{n,b,d} w_n (y - target)^2 (the tutorial's eq 25
   with weights); ctx is an nde_target*. Writes its gradient into g. */
NDEDEF double nde_loss_mse(void *ctx, int N, int B, int D, const double *t, const double *y, double *g);
/* Mean absolute error mean_{n,b,d} w_n |y - target| (subgradient 0 at 0). */
NDEDEF double nde_loss_mae(void *ctx, int N, int B, int D, const double *t, const double *y, double *g);
/* Time weights of the tutorial's eq 25: w_n = 1 + alpha (t_n - t_0)/(t_{N-1} - t_0). */
NDEDEF void nde_time_weights(int N, const double *t, double alpha, double *w);
/* Plain mean squared difference of two arrays of n numbers. */
NDEDEF double nde_mse(long n, const double *a, const double *b);

/* ===================================================================== */
/* Augmented Neural ODEs: zeros appended to the state                     */
/* ===================================================================== */
/*
   The tutorial's eq 23 (section 3.4): integrate [z; a] with a(0) = 0 in R^p
   and discard a at the output (Dupont, Doucet and Teh, "Augmented Neural
   ODEs", 2019). Any nde_system of dim D + p is the augmented dynamics; an
   nde_augment adapts the data around it: pad y0 (B,D) -> (B,D+p), wrap a
   loss on the D visible components into one on D+p (zero gradient on the
   augmented ones), slice outputs and dL/dy0 back. The wrapped loss goes to
   nde_grad or nde_train unchanged: every solver and gradient method.
     nde_augment aug; nde_augment_init(&aug, &sys, D, &loss, msg);
     nde_augment_pad(&aug, B, y0, ya0);
     nde_grad(&sys, B, ya0, N, t, &o, &go, &aug.loss, &L, yaout, gth, gya0, &gs);
     nde_augment_slice(&aug, (long)N * B, yaout, yout);  (and B rows of gya0)
*/
typedef struct nde_augment {
    int D;              /* visible components of a row */
    int p;              /* appended components: the system's dim is D + p */
    nde_loss inner;     /* the caller's loss on (N,B,D) (a copy of the struct) */
    nde_loss loss;      /* the same loss on (N,B,D+p): hand this one to nde_grad / nde_train */
    double *buf;        /* scratch (owned): visible states and their loss gradients */
    long cap;           /* doubles allocated in buf */
    int nomem;          /* 1 after a failed scratch allocation inside a loss callback */
} nde_augment;

/* Set up the augmentation of sys (dim D + p, p = sys->dim - D >= 0) for a
   loss on the first D components of each row; loss may be NULL (padding
   and slicing only: aug.loss then has no parts). p = 0 is the plain model,
   bit for bit. aug.loss's callbacks copy the visible states into a scratch
   that grows on demand; if it cannot, aug->nomem is set and the point part
   returns NaN, the running part 1 (NDE_ERR_CALLBACK from nde_grad); so
   they do, with nomem clear, on rows that are not D + p wide.
   Returns NDE_OK or NDE_ERR_ARG (msg names the argument). */
NDEDEF int nde_augment_init(nde_augment *aug, const nde_system *sys, int D, const nde_loss *loss, char *msg);
/* Release the scratch; safe on a zeroed or already freed struct. */
NDEDEF void nde_augment_free(nde_augment *aug);
/* ya (rows,D+p) = [y (rows,D), 0 (rows,p)]: the augmented initial state. */
NDEDEF void nde_augment_pad(const nde_augment *aug, long rows, const double *y, double *ya);
/* y (rows,D) = the first D components of every row of ya (rows,D+p): use
   rows = N*B for a solution (N,B,D+p), rows = B for dL/dy0 (B,D+p). */
NDEDEF void nde_augment_slice(const nde_augment *aug, long rows, const double *ya, double *y);

/* ===================================================================== */
/* Gradients: backprop through the solver, backsolve and interpolating    */
/* adjoints                                                               */
/* ===================================================================== */

typedef enum nde_grad_method {
    NDE_GRAD_BACKPROP = 0, /* exact gradient of the discrete solution; memory grows with steps */
    NDE_GRAD_BACKSOLVE,    /* adjoint solved backwards with y re-integrated: memory O(1) in steps */
    NDE_GRAD_INTERP        /* adjoint solved backwards with y read from the stored dense output */
} nde_grad_method;

/* Default budget of saved activations on the backprop tape (bytes), used
   when nde_grad_options.work is given. */
#define NDE_SAVE_BYTES_DEFAULT (64L << 20)

/* Buffers nde_grad keeps between calls when given one (nde_grad_options.work):
   the backprop tape, its saved activations and the interpolating adjoint's
   dense store grow to the largest size needed and are reused, so a training
   loop stops allocating (and touching fresh memory) for them after its first
   steps; a few small per-call buffers are still allocated each call.
   Zero-initialise; release with nde_grad_work_free; one per thread. */
typedef struct nde_grad_work {
    double *buf[3];
    long cap[3];                /* doubles allocated in buf[i] */
} nde_grad_work;

NDEDEF void nde_grad_work_free(nde_grad_work *w);

/* Gradient options; zero-initialised = backprop, adjoint solves with the
   forward options, full error norm, drift threshold 100. */
typedef struct nde_grad_options {
    int method;                 /* nde_grad_method */
    const nde_options *adjoint; /* options of the backward solve; NULL: the forward ones */
    int seminorm;               /* 1: dL/dtheta left out of the backward step-size control */
    double drift_limit;         /* backsolve: reconstruction error (in units of the error
                                   scale atol + rtol|y|) above which the gradient is flagged; 0 = 100 */
    int drift_is_error;         /* 1: return NDE_ERR_ADJOINT_DRIFT when flagged (else only flag) */
    long save_bytes;            /* backprop: most bytes of saved activations (sys->f_save) kept;
                                   later steps' vjps recompute their forward pass. < 0: none.
                                   0: NDE_SAVE_BYTES_DEFAULT when `work` is given, else none:
                                   kept activations pay off only in reused buffers (fresh memory
                                   costs more than the forward passes they save; chapter 08,
                                   measured on a virtual machine with slow page faults).
                                   (Backsolve uses the pair at O(1) memory regardless.) */
    nde_grad_work *work;        /* optional buffers reused across calls (nde_train keeps its own) */
} nde_grad_options;

/* Diagnostics of one gradient call. */
typedef struct nde_grad_stats {
    nde_stats fwd;         /* forward solve */
    nde_stats bwd;         /* backward solve(s) of the adjoint methods (zero for backprop) */
    long nvjp;             /* vector-Jacobian products (batch calls of sys->vjp or vjp_saved) */
    long nsaved;           /* backprop: steps whose activations were kept (sys->f_save) */
    long nsteps;           /* accepted forward steps */
    size_t peak_bytes;     /* most bytes the method held at once (buffers, tape, dense store;
                              reused nde_grad_work buffers count at their full size) */
    double recon_err;      /* backsolve: worst |y_reconstructed - y_forward| / (atol + rtol|y|)
                              at the output times down to t0; -1 for the other methods */
    int drift;             /* 1 when recon_err > drift_limit: do not trust the gradient */
    char msg[NDE_MSG_LEN];
} nde_grad_stats;

/* Solve from y0 (B,D) through the output times t (N), evaluate the loss and
   its gradients: L (1), gth (P) = dL/dtheta, gy0 (B,D) = dL/dy0 (may be
   NULL), yout (N,B,D) the forward solution (may be NULL). gth and gy0 are
   overwritten. opt as for nde_solve; gopt and gs may be NULL. Returns
   NDE_OK or a status. NDE_ERR_ADJOINT_DRIFT: the backsolve adjoint could
   not reconstruct the forward states; with drift_is_error set whenever
   recon_err > drift_limit (the gradient is then computed but unreliable),
   and always when the re-integrated state ran away to NaN/Inf (then there
   is no gradient: gth and gy0 are NaN, recon_err is inf). */
NDEDEF int nde_grad(const nde_system *sys, int B, const double *y0, int N, const double *t,
                    const nde_options *opt, const nde_grad_options *gopt, const nde_loss *loss,
                    double *L, double *yout, double *gth, double *gy0, nde_grad_stats *gs);

/* ===================================================================== */
/* Stiff, exponential and symplectic solvers: matrix functions            */
/* ===================================================================== */
/*
   The methods themselves are selected through nde_options.method like the
   explicit ones (NDE_BACKWARD_EULER, NDE_SDIRK4, NDE_EPI2, NDE_LEAPFROG,
   NDE_GAUSS2); see their section in the implementation. The implicit ones
   and EPI2 need the Jacobian of f (sys->jac, or jvp, or vjp). Leapfrog needs
   rows y = (q, p) of even length D with dq/dt = F(p) and dp/dt = G(q) (a
   separable Hamiltonian system). Below: the matrix functions of EPI2.
*/

/* E (n,n) = e^A for A (n,n), by scaling and squaring with the (6,6) Pade
   approximant [Golub-Van Loan, Alg. 11.3.1; Moler-Van Loan 2003]. E may be
   the same array as A. Returns NDE_OK, NDE_ERR_ARG (n < 1 or NULL),
   NDE_ERR_NONFINITE (NaN/Inf in A, or e^A overflows a double) or NDE_ERR_NOMEM. */
NDEDEF int nde_expm(int n, const double *A, double *E);

/* P (n,n) = phi1(A) = sum_k A^k / (k+1)!  (= A^-1 (e^A - I) when A is
   invertible), computed for any A, singular included, as the top-right
   block of exp([[A, I], [0, 0]]) [Higham, Functions of Matrices, 10.7.4].
   P may be the same array as A. Returns as nde_expm. */
NDEDEF int nde_phi1(int n, const double *A, double *P);

/* ===================================================================== */
/* Linear stability functions                                             */
/* ===================================================================== */
/*
   One step of a method on the test equation y' = lambda y is y1 = R(z) y0
   with z = h lambda; the method is stable for that z when |R(z)| <= 1.
   R is computed from the method's own coefficients, the ones its step uses,
   so it cannot drift from them (chapter 11 draws the regions).
*/

/* R(z) = Rr + i Ri of a method at z = zr + i zi. Runge-Kutta methods,
   explicit and implicit (the explicit tables, backward Euler, sdirk4,
   gauss2): R(z) = 1 + z b^T (I - z A)^-1 1 [Hairer-Wanner II, IV.3 (3.2)],
   the complex system solved as a real one of twice the size. epi2:
   R(z) = 1 + z phi1(z) = e^z (exact on linear problems). Returns NDE_OK,
   NDE_ERR_ARG (unknown method, NULL output, non-finite z), NDE_ERR_SINGULAR
   (z is a pole: I - z A singular; R set to inf), NDE_ERR_UNSUPPORTED
   (leapfrog: it splits y into (q, p) and has no scalar R). */
NDEDEF int nde_method_stability(int method, double zr, double zi, double *Rr, double *Ri, char *msg);

/* ===================================================================== */
/* Training toolkit: optimizers, clipping, schedules, early stopping,     */
/* trajectory minibatches, progress lines                                 */
/* ===================================================================== */
/*
   Everything here works on one flat parameter block theta (P), the way
   nde_mlp and nde_system store it, so each tool is a single loop. All state
   lives in caller-visible structs; nothing is global. The usual loop:

     nde_optim opt; nde_optim_init(&opt, NDE_OPT_ADAM, P, 1e-3, msg);
     for (it = 1; it <= iters; it++) {
         nde_sample_windows(&rng, N, D, t, y, T, B, s, tb, y0b, yb, msg);
         ... loss and gradient g (P) of the model on (tb, y0b, yb) ...
         nde_clip_grad_norm(P, g, 1.0);
         nde_optim_step(&opt, theta, g);
         if (nde_progress_update(&pr, it, loss, nfe)) printf("%s\n", pr.line);
     }
     nde_optim_free(&opt);
*/

typedef enum nde_optim_kind {
    NDE_OPT_SGD = 0,   /* SGD with (heavy-ball or Nesterov) momentum */
    NDE_OPT_ADAM,      /* Adam [Kingma & Ba 2015], L2 weight decay added to the gradient */
    NDE_OPT_ADAMW,     /* Adam with decoupled weight decay [Loshchilov & Hutter 2019] */
    NDE_OPT_RMSPROP,   /* RMSprop, PyTorch convention (see nde_optim_step) */
    NDE_OPT_COUNT
} nde_optim_kind;

/* One optimizer over a flat parameter block. nde_optim_init fills every
   field with the documented default of its kind; change a field afterwards
   to override it (e.g. opt.weight_decay = 1e-4). */
typedef struct nde_optim {
    int kind;            /* nde_optim_kind */
    long P;              /* parameters */
    double lr;           /* learning rate; schedules write here */
    double beta1, beta2; /* Adam(W) moment decays: 0.9, 0.999 */
    double eps;          /* Adam(W), RMSprop: 1e-8 */
    double alpha;        /* RMSprop smoothing constant: 0.99 */
    double momentum;     /* SGD: 0.9 ; RMSprop: 0 (set > 0 for momentum RMSprop) */
    int nesterov;        /* SGD: 1 for Nesterov momentum, 0 (default) for heavy ball */
    double weight_decay; /* SGD/Adam/RMSprop: L2, g += wd*theta (0) ; AdamW: decoupled (0.01) */
    long t;              /* steps taken so far */
    double *m;           /* (P) first moment (Adam) or momentum buffer; owned */
    double *v;           /* (P) second moment (Adam, RMSprop); owned; NULL for SGD */
} nde_optim;

/* Set up an optimizer of the given kind for P parameters with learning rate
   lr (0 = the kind's default: SGD 1e-2, Adam/AdamW 1e-3, RMSprop 1e-2) and
   zeroed state. Defaults: beta1 0.9, beta2 0.999, eps 1e-8, alpha 0.99,
   SGD momentum 0.9, AdamW weight_decay 0.01. Returns NDE_OK, NDE_ERR_ARG
   or NDE_ERR_NOMEM; on failure o holds no memory. */
NDEDEF int nde_optim_init(nde_optim *o, int kind, long P, double lr, char *msg);

/* One update of theta (P) in place from the gradient g (P) (g is not
   changed). With gw = g + weight_decay*theta (not for AdamW), step k = t+1:
     SGD:     b = mu*b + gw ; theta -= lr*b   (Nesterov: theta -= lr*(gw + mu*b))
     Adam:    m = b1*m + (1-b1)*gw ; v = b2*v + (1-b2)*gw^2 ;
              theta -= lr * (m/(1-b1^k)) / (sqrt(v/(1-b2^k)) + eps)
     AdamW:   theta *= 1 - lr*weight_decay, then Adam with g (no L2 term)
     RMSprop: v = alpha*v + (1-alpha)*gw^2 ; theta -= lr*gw/(sqrt(v) + eps)
              (PyTorch's convention: eps outside the root, v starts at 0;
              with momentum: b = mu*b + gw/(sqrt(v)+eps), theta -= lr*b)
   These match torch.optim (SGD dampening 0). Returns NDE_OK, NDE_ERR_ARG,
   or NDE_ERR_NONFINITE when g holds a NaN/Inf: then theta and the state are
   left unchanged and the step is not counted. */
NDEDEF int nde_optim_step(nde_optim *o, double *theta, const double *g);

/* Forget the state (moments, step count) but keep the hyperparameters. */
NDEDEF void nde_optim_reset(nde_optim *o);

/* Release the state buffers; o may then be initialised again. */
NDEDEF void nde_optim_free(nde_optim *o);

/* Global-norm clipping: with n = ||g||_2 over all P entries, when
   max_norm > 0 and n > max_norm, scale g (P) in place by max_norm/n, so that
   ||g|| = max_norm afterwards. Returns n, the norm BEFORE clipping (a NaN or
   Inf norm is returned as is and g is left alone: check it). */
NDEDEF double nde_clip_grad_norm(long P, double *g, double max_norm);

/* ===================================================================== */
/* Learning-rate schedules                                                */
/* ===================================================================== */

/* Step decay: lr0 * gamma^floor(step / every) (torch StepLR); step counts
   from 0. Use as opt.lr = nde_lr_step_decay(lr0, it, 500, 0.5).
   every <= 0 returns lr0. */
NDEDEF double nde_lr_step_decay(double lr0, long step, long every, double gamma);

/* Reduce-on-plateau, mode "min" with a relative threshold, exactly the
   rules of torch.optim.lr_scheduler.ReduceLROnPlateau:
     better    : metric < best * (1 - threshold)  -> best = metric, bad = 0
     otherwise : bad += 1
     cooldown  : while cooldown_left > 0, it counts down and bad = 0
     bad > patience : lr = max(lr*factor, min_lr) (only when the change
                      exceeds eps), cooldown_left = cooldown, bad = 0 */
typedef struct nde_plateau {
    double factor;       /* multiply lr by this on a plateau (0.1) */
    int patience;        /* non-improving steps tolerated before reducing */
    double threshold;    /* relative improvement needed (1e-4) */
    int cooldown;        /* steps to wait after a reduction (0) */
    double min_lr;       /* lower bound on lr (0) */
    double eps;          /* ignore reductions smaller than this (1e-8) */
    double best;         /* best metric so far (+inf at start) */
    int bad;             /* consecutive non-improving steps */
    int cooldown_left;   /* cooldown steps remaining */
    int nreduce;         /* reductions made so far */
} nde_plateau;

/* Set the defaults above with the given factor (0 = 0.1; must be in (0,1))
   and patience (>= 0; torch's default is 10). Returns NDE_OK or NDE_ERR_ARG. */
NDEDEF int nde_plateau_init(nde_plateau *s, double factor, int patience, char *msg);

/* Feed one value of the monitored metric (e.g. validation loss); may lower
   o->lr. Returns 1 when lr was reduced at this call, else 0. A NaN metric
   counts as not improving. */
NDEDEF int nde_plateau_step(nde_plateau *s, nde_optim *o, double metric);

/* ===================================================================== */
/* Early stopping, keeping the best parameters                            */
/* ===================================================================== */

/* Watches a validation loss: remembers the lowest value and a copy of the
   parameters that gave it, and says stop after `patience` consecutive
   updates without an improvement larger than min_delta. */
typedef struct nde_early_stop {
    int patience;        /* non-improving updates allowed before stopping */
    double min_delta;    /* improvement must exceed this (absolute; 0) */
    long P;
    double best_loss;    /* +inf before the first update */
    double *best;        /* (P) copy of theta at best_loss; owned */
    long best_iter;      /* update index (0-based) of best_loss, -1 before any */
    long n;              /* updates so far */
    int bad;             /* consecutive non-improving updates */
} nde_early_stop;

/* Allocate the best-parameter copy for P parameters. patience >= 1.
   Returns NDE_OK, NDE_ERR_ARG or NDE_ERR_NOMEM. */
NDEDEF int nde_early_init(nde_early_stop *e, long P, int patience, char *msg);

/* Record the loss of theta (P). When loss < best_loss - min_delta, copy
   theta into e->best. Returns 1 when training should stop (patience
   exhausted, or the loss is NaN/Inf), else 0. */
NDEDEF int nde_early_update(nde_early_stop *e, double loss, const double *theta);

/* Copy the best parameters seen into theta (P). Returns NDE_OK, or
   NDE_ERR_ARG when no finite loss has been recorded (theta unchanged). */
NDEDEF int nde_early_restore(const nde_early_stop *e, double *theta);

/* Release the tracker's copy of the best parameters (safe to call twice). */
NDEDEF void nde_early_free(nde_early_stop *e);

/* ===================================================================== */
/* Minibatches of trajectory windows                                      */
/* ===================================================================== */

/* The spiral demo's sampler (torchdiffeq examples/ode_demo.py, get_batch):
   B distinct start indices s drawn uniformly without replacement from
   [0, N-T) (partial Fisher-Yates on r), each the start of a window of T
   consecutive points of the trajectory y (N,D) at times t (N):
     s   (B)      start indices, in the order drawn
     tb  (T)      tb[i] = t[i] - t[0], the times every window is solved at
     y0  (B,D)    y0[b] = y[s[b]]
     yb  (T,B,D)  yb[i][b] = y[s[b] + i]
   One time vector serves the whole batch, so t should be a uniform grid
   (then tb[i] = t[s[b]+i] - t[s[b]] for every b). tb, y0 and yb may be
   NULL. Needs 2 <= T < N and 1 <= B <= N - T. Allocates (N-T) ints of
   scratch. Returns NDE_OK, NDE_ERR_ARG or NDE_ERR_NOMEM. */
NDEDEF int nde_sample_windows(nde_rng *r, int N, int D, const double *t, const double *y,
                              int T, int B, int *s, double *tb, double *y0, double *yb,
                              char *msg);

/* ===================================================================== */
/* Progress lines for a training loop                                     */
/* ===================================================================== */

/* Library code never prints: this formats the line and hands it to the
   caller's callback, or leaves it in p->line for the caller to print. */
typedef struct nde_progress {
    int every;           /* report when iter % every == 0 (0 = never) */
    void (*log)(void *ctx, const char *line); /* called with each line, or NULL */
    void *ctx;           /* passed to log */
    char line[NDE_MSG_LEN]; /* the last line formatted */
    long calls;          /* updates since the last line */
    double c_last;       /* CPU seconds at the last line (or at init) */
    double c_start;      /* CPU seconds at init */
    double ms_per_iter;  /* CPU ms per update over the last interval */
    double seconds;      /* CPU seconds since init, at the last update */
} nde_progress;

/* Start a reporter: a line every `every` iterations, passed to log(ctx,
   line) when log is not NULL. Times are CPU time from clock() (not wall
   time: they exclude sleeping and count all threads of the process). */
NDEDEF void nde_progress_init(nde_progress *p, int every, void (*log)(void *ctx, const char *line), void *ctx);

/* Call once per iteration. When iter % every == 0, formats
     "iter %5d  loss %.6e  nfe %ld  %.1f ms/iter"
   (nfe as given, e.g. the evaluations of this iteration; ms/iter = mean CPU
   milliseconds per update since the previous line) into p->line, calls
   p->log, and returns 1; else returns 0. */
NDEDEF int nde_progress_update(nde_progress *p, int iter, double loss, long nfe);

/* ===================================================================== */
/* Model files                                                            */
/* ===================================================================== */

/* Format version written by nde_mlp_save and the only one read. */
#define NDE_MODEL_VERSION 1

/* Save the architecture and parameters of m to path in the documented
   binary format (see "Model files" in the implementation: magic, version,
   architecture, parameters, FNV-1a 64 checksum; little-endian on every
   platform). Writes a new file "<path>.tmp.<16 hex digits>", created
   exclusively (an existing name, a symbolic link included, is never
   opened), and renames it over path, so neither an interrupted save nor
   two saves of one path at once leave a half-written model at path.
   Returns NDE_OK, NDE_ERR_ARG, NDE_ERR_NOMEM or NDE_ERR_IO (no file left). */
NDEDEF int nde_mlp_save(const nde_mlp *m, const char *path, char *msg);

/* Load parameters into an already built network m whose architecture must
   equal the file's (in_dim, flags, every layer's kind/in/out/act, P).
   The whole file is read and validated first; on any failure m is left
   unchanged. Returns NDE_OK, NDE_ERR_ARG, NDE_ERR_NOMEM, NDE_ERR_IO (cannot
   open/read), NDE_ERR_FORMAT (truncated, bad magic, version or checksum,
   invalid fields) or NDE_ERR_ARCH (a different architecture). */
NDEDEF int nde_mlp_load(nde_mlp *m, const char *path, char *msg);

/* Build a new network from the architecture stored in path and load its
   parameters. m is overwritten only on success (free it with nde_mlp_free);
   on failure it is left untouched and owns nothing new. Statuses as for
   nde_mlp_load (no NDE_ERR_ARCH). */
NDEDEF int nde_mlp_load_new(nde_mlp *m, const char *path, char *msg);

/* ===================================================================== */
/* Data tables: numeric CSV and whitespace-separated files                */
/* ===================================================================== */
/*
   Here, not in a module of its own: a table is how measurements reach
   nde_train, it needs only libc and the library's statuses and messages,
   and whoever installs neuralode.h alone can read their data. The format:
   one row per line (LF or CRLF), cells split by the first of ';' ',' TAB
   found on the first row, else by runs of blanks; '#' starts a comment to
   the end of its line; blank lines are skipped; an optional first row of
   column names. No quoting: a name may be wrapped in one pair of "".
*/

#define NDE_CSV_NONFINITE 1  /* accept nan / inf / infinity cells (refused by default) */
#define NDE_CSV_HEADER    2  /* the first row is a header (default: a header when a cell of it is no number) */
#define NDE_CSV_NO_HEADER 4  /* every row is data: a name in the first row is an error */
#define NDE_CSV_CELL_MAX  128 /* longest number cell, characters (a name may be any length) */

typedef struct nde_csv {
    int rows;       /* R data rows */
    int cols;       /* C columns */
    double *data;   /* (R,C) row-major; owned: nde_csv_free */
    char **names;   /* (C) column names from the header row; NULL when there is none; owned */
    char sep;       /* separator found: ';' ',' '\t', or ' ' for runs of blanks */
} nde_csv;

/* Parse the table in text (len bytes; need not end in a zero) into *out.
   name labels the messages ("name:line:column: what"). flags: NDE_CSV_*.
   Every malformed input is NDE_ERR_FORMAT with line and column (a non-
   number, empty cell, short or long row, NUL byte, empty input, header
   without data); NDE_ERR_NOMEM; NDE_ERR_ARG. On failure *out is untouched. */
NDEDEF int nde_csv_parse(const char *text, size_t len, const char *name, int flags, nde_csv *out, char *msg);
/* nde_csv_parse of the whole file at path (NDE_ERR_IO when it cannot be
   opened or read, the message naming path). On failure *out is untouched. */
NDEDEF int nde_csv_read(const char *path, int flags, nde_csv *out, char *msg);
/* Index of the column called name, or of a 1-based number written as
   text ("3": column index 2); -1 when there is no such column. */
NDEDEF int nde_csv_column(const nde_csv *c, const char *name);
/* Release the data and names; c is zeroed (safe to call twice). */
NDEDEF void nde_csv_free(nde_csv *c);
/* Write data (rows,cols) to path as comma-separated text: "# comment"
   (when not NULL), a header of names (cols strings, or NULL for none), then
   one line per row, each value in the fewest of 15-17 significant digits
   that nde_csv_read gets back bit for bit. Written to a temporary file of
   its own next to path (as nde_mlp_save), then renamed over path. Returns NDE_OK, NDE_ERR_ARG (sizes; a name empty or holding , ; # " or a control byte),
   NDE_ERR_NOMEM or NDE_ERR_IO. */
NDEDEF int nde_csv_write(const char *path, int rows, int cols, const double *data, const char *const *names,
                         const char *comment, char *msg);

/* ===================================================================== */
/* Data files and classification                                          */
/* ===================================================================== */
/*
   IDX files (the MNIST format: LeCun, Cortes, Burges, "The MNIST database
   of handwritten digits", section "File formats"): a big-endian header of
   two zero bytes, an element type byte, a dimension count byte, one uint32
   per dimension, then the elements row-major, big-endian. The parser works
   on a buffer in memory (the fuzz target calls it directly), reads the
   header first and allocates only after checking that the buffer holds
   every element. gzip-compressed files (RFC 1952) are decoded by the
   header's own inflate (RFC 1951), with the CRC-32 and length checked: the
   header stays libc-only, and stb_image's inflate (which the plotting unit
   compiles) rejects a valid Fashion-MNIST file (see the implementation).
   Then the softmax cross-entropy, accuracy and a classification head that
   is a point loss for nde_grad (the crash course, example 1).
*/

/* Element types of the IDX format (the third header byte). */
typedef enum nde_idx_type {
    NDE_IDX_U8 = 0x08,   /* unsigned byte */
    NDE_IDX_I8 = 0x09,   /* signed byte */
    NDE_IDX_I16 = 0x0B,  /* short, 2 bytes */
    NDE_IDX_I32 = 0x0C,  /* int, 4 bytes */
    NDE_IDX_F32 = 0x0D,  /* IEEE-754 binary32 */
    NDE_IDX_F64 = 0x0E   /* IEEE-754 binary64 */
} nde_idx_type;

/* Most dimensions an IDX file may have here (the format allows 255). */
#define NDE_IDX_MAX_DIMS 16

/* One IDX array: item i is row i of (dims[0], dims[1]*...*dims[ndim-1]). */
typedef struct nde_idx {
    int type;                      /* nde_idx_type */
    int ndim;                      /* 1..NDE_IDX_MAX_DIMS */
    long dims[NDE_IDX_MAX_DIMS];   /* (ndim) sizes, dims[0] = items */
    long count;                    /* elements: product of dims */
    long row;                      /* elements per item: count / dims[0] (1 when ndim = 1) */
    unsigned char *data;           /* (count * element size) the elements as stored
                                      (big-endian); owned, free with nde_idx_free */
} nde_idx;

/* Parse an IDX image buf (n) held in memory into x (overwritten; on
   failure x owns nothing). A gzip image (first bytes 1f 8b) is inflated
   first: its output is sized from the trailer's ISIZE, bounded by
   deflate's 1032:1 ratio, and checked against the CRC-32; one member.
   Then, before allocating: the magic (two zero bytes, a known type,
   1..NDE_IDX_MAX_DIMS dimensions), that the sizes fit in memory, that the
   data is exactly header + elements (truncated or trailing bytes).
   Returns NDE_OK, NDE_ERR_ARG, NDE_ERR_FORMAT or NDE_ERR_NOMEM; msg
   names what was wrong. */
NDEDEF int nde_idx_parse(const unsigned char *buf, size_t n, nde_idx *x, char *msg);

/* Read the IDX file at path, plain or gzip-compressed (recognised by its
   first two bytes, whatever the name), as nde_idx_parse; the message
   starts with the path. Returns as nde_idx_parse, plus NDE_ERR_IO. */
NDEDEF int nde_idx_read(const char *path, nde_idx *x, char *msg);

/* Write values (count) as a plain IDX file of the given type and shape
   dims (ndim); integer types need integral values in their range. Written
   to "<path>.tmp" then renamed. Returns NDE_OK, NDE_ERR_ARG (naming the
   first bad value or argument), NDE_ERR_NOMEM or NDE_ERR_IO. */
NDEDEF int nde_idx_save(const char *path, int type, int ndim, const long *dims, const double *values, char *msg);

/* Release x's elements (safe on a zeroed or already freed struct). */
NDEDEF void nde_idx_free(nde_idx *x);

/* Element i (0 <= i < count) of x as a double (every type is exact). */
NDEDEF double nde_idx_value(const nde_idx *x, long i);

/* out (n, x->row) = scale * items rows[first .. first+n) of x (rows NULL:
   items first .. first+n), e.g. a shuffled minibatch of images with scale
   1/255. Returns NDE_OK or NDE_ERR_ARG (an item out of range). */
NDEDEF int nde_idx_rows(const nde_idx *x, long first, long n, const long *rows, double scale, double *out, char *msg);

/* Check that labels (1-D, integral values in [0, nclass)) belong to images:
   the same number of items. Returns NDE_OK, or NDE_ERR_FORMAT naming the
   mismatch or the first bad label. */
NDEDEF int nde_idx_check_labels(const nde_idx *images, const nde_idx *labels, int nclass, char *msg);

/* Mean softmax cross-entropy of logits (B,K) against labels (B) in [0,K):
   L = mean_b [logsumexp(logits_b) - logits_b[label_b]], computed stably
   (the maximum subtracted first). g (B,K) = dL/dlogits = (softmax - onehot)/B
   is written when not NULL; *correct (may be NULL) counts the rows whose
   arg-max is the label (ties: the first maximum). */
NDEDEF double nde_softmax_ce(int B, int K, const double *logits, const int *labels, double *g, long *correct);

/* Fraction of rows of logits (B,K) whose arg-max equals the label (B). */
NDEDEF double nde_accuracy(int B, int K, const double *logits, const int *labels);

/* A classification head as a point loss (nde_loss.point with ctx = this):
   logits (B,K) = head(y(t_{N-1})) and the mean softmax cross-entropy. It
   writes g = dL/dy (zero except at the last time) and ADDS dL/dtheta_head
   into gparams (head->nparams; zero it first). The head is any built
   nde_mlp with in_dim D and out_dim K, e.g. the single linear layer
   logits = W z(T) + b. */
typedef struct nde_classifier {
    nde_mlp *head;        /* logits = head(z(T)) */
    const int *labels;    /* (B) class of each row */
    double *gparams;      /* (head->nparams) ADDED into; NULL: not wanted */
    long correct;         /* written: rows classified right at the last call */
    int status;           /* written: NDE_OK, or why the loss is NaN */
    char msg[NDE_MSG_LEN];
} nde_classifier;

/* The point loss of an nde_classifier (see above). Returns L, or NaN with
   c->status and c->msg set (wrong widths, labels out of range, no memory). */
NDEDEF double nde_loss_classify(void *ctx, int N, int B, int D, const double *t, const double *y, double *g);

/* ===================================================================== */
/* The training loop                                                      */
/* ===================================================================== */

/* What nde_train does besides gradient steps; zero-initialised = no
   clipping, last parameters kept, silent. */
typedef struct nde_train_options {
    int iters;               /* optimizer steps (>= 1) */
    double clip;             /* clip the gradient to this global norm (0: no clipping) */
    int keep_best;           /* 1: finish with the parameters of the lowest training loss seen */
    nde_progress *progress;  /* progress reporter (its line is due every progress->every steps), or NULL */
    double *loss_history;    /* (iters) the training loss before every step, or NULL */
    int iter0;               /* steps taken before this call: progress lines count on from it */
    nde_early_stop *best;    /* caller-owned tracker (nde_early_init) of the best loss and its
                                parameters, so that keep_best can span several calls; NULL:
                                nde_train keeps its own for this call */
} nde_train_options;

typedef struct nde_train_stats {
    int iters;               /* steps taken */
    double loss_first;       /* loss at the starting parameters */
    double loss_last;        /* loss before the last step */
    double loss_best;        /* lowest loss seen */
    int best_iter;           /* 0-based step at which loss_best was measured (counted by the
                                tracker: across calls when to->best is given) */
    long nfe;                /* forward + backward evaluations over all steps */
    nde_grad_stats last;     /* diagnostics of the last gradient call */
    char msg[NDE_MSG_LEN];
} nde_train_stats;

/* Fit sys->params to one fixed batch: iters times {L, dL/dtheta = nde_grad(...);
   clip; report progress; step o}. Same problem arguments as nde_grad; o is an
   initialised optimizer over sys->nparams parameters (its state carries over
   between calls, so training can continue in stages). Unless gopt->work is
   given it reuses its own buffers from step to step (so backprop keeps up to
   64 MB of activations while it runs; gopt->save_bytes < 0 keeps none).
   Returns NDE_OK, or the first failing status with ts->msg saying at which
   step. ts may be NULL. */
NDEDEF int nde_train(const nde_system *sys, int B, const double *y0, int N, const double *t,
                     const nde_options *opt, const nde_grad_options *gopt, const nde_loss *loss,
                     nde_optim *o, const nde_train_options *to, nde_train_stats *ts);

#ifdef __cplusplus
}
#endif

#endif /* NEURALODE_H */

#if defined(NEURALODE_IMPLEMENTATION) && !defined(NEURALODE_NO_IMPLEMENTATION)
#ifndef NEURALODE_IMPLEMENTATION_DONE
#define NEURALODE_IMPLEMENTATION_DONE

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef NDE_USE_CBLAS
#include <cblas.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

/* Allocator overrides: define all three of NDE_MALLOC, NDE_REALLOC, NDE_FREE, or none. */
#if defined(NDE_MALLOC) && defined(NDE_REALLOC) && defined(NDE_FREE)
#elif !defined(NDE_MALLOC) && !defined(NDE_REALLOC) && !defined(NDE_FREE)
#define NDE_MALLOC(sz) malloc(sz)
#define NDE_REALLOC(p, sz) realloc(p, sz)
#define NDE_FREE(p) free(p)
#else
#error "neuralode.h: define all of NDE_MALLOC, NDE_REALLOC and NDE_FREE, or none of them"
#endif

/* ===================================================================== */
/* Status names and messages                                              */
/* ===================================================================== */

NDEDEF const char *nde_status_name(int status)
{
    switch (status) {
    case NDE_OK: return "NDE_OK";
    case NDE_ERR_ARG: return "NDE_ERR_ARG";
    case NDE_ERR_TIMES: return "NDE_ERR_TIMES";
    case NDE_ERR_NONFINITE: return "NDE_ERR_NONFINITE";
    case NDE_ERR_STEP_UNDERFLOW: return "NDE_ERR_STEP_UNDERFLOW";
    case NDE_ERR_MAX_STEPS: return "NDE_ERR_MAX_STEPS";
    case NDE_ERR_STIFF: return "NDE_ERR_STIFF";
    case NDE_ERR_NEWTON: return "NDE_ERR_NEWTON";
    case NDE_ERR_SINGULAR: return "NDE_ERR_SINGULAR";
    case NDE_ERR_NOMEM: return "NDE_ERR_NOMEM";
    case NDE_ERR_IO: return "NDE_ERR_IO";
    case NDE_ERR_FORMAT: return "NDE_ERR_FORMAT";
    case NDE_ERR_ARCH: return "NDE_ERR_ARCH";
    case NDE_ERR_CALLBACK: return "NDE_ERR_CALLBACK";
    case NDE_ERR_UNSUPPORTED: return "NDE_ERR_UNSUPPORTED";
    case NDE_ERR_ADJOINT_DRIFT: return "NDE_ERR_ADJOINT_DRIFT";
    default: return "NDE_ERR_UNKNOWN";
    }
}

/* Write a formatted one-line message into msg (NDE_MSG_LEN bytes), if given. */
static void nde__msg(char *msg, const char *fmt, ...)
{
    va_list ap;
    if (!msg) return;
    va_start(ap, fmt);
    vsnprintf(msg, NDE_MSG_LEN, fmt, ap);
    va_end(ap);
}

static int nde__finite(double x) { return x - x == 0.0; }

static int nde__all_finite(long n, const double *x)
{
    long i;
    double s = 0.0;
    for (i = 0; i < n; i++) s += x[i] - x[i];
    return s == 0.0;
}

/* ===================================================================== */
/* Random numbers                                                         */
/* ===================================================================== */
/* xoshiro256** [Blackman & Vigna 2018], seeded through splitmix64 so that
   any 64-bit seed gives a well-mixed state. Integer arithmetic only: the
   same stream on every platform. Normals by Box-Muller. */

static unsigned long long nde__rotl(unsigned long long x, int k)
{
    return (x << k) | (x >> (64 - k));
}

NDEDEF void nde_rng_seed(nde_rng *r, unsigned long long seed)
{
    int i;
    if (!r) return;
    for (i = 0; i < 4; i++) {
        unsigned long long z = (seed += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        r->s[i] = (z ^ (z >> 31)) & 0xFFFFFFFFFFFFFFFFULL;
    }
}

NDEDEF unsigned long long nde_rng_u64(nde_rng *r)
{
    unsigned long long *s, out, t;
    if (!r) return 0; /* no generator: a constant stream (the bad-input matrix) */
    s = r->s;
    out = (nde__rotl((s[1] * 5) & 0xFFFFFFFFFFFFFFFFULL, 7) * 9) & 0xFFFFFFFFFFFFFFFFULL;
    t = (s[1] << 17) & 0xFFFFFFFFFFFFFFFFULL;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = nde__rotl(s[3], 45) & 0xFFFFFFFFFFFFFFFFULL;
    return out;
}

NDEDEF double nde_rng_uniform(nde_rng *r)
{
    return (double)(nde_rng_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

NDEDEF double nde_rng_normal(nde_rng *r)
{
    double u1 = 1.0 - nde_rng_uniform(r); /* (0, 1] */
    double u2 = nde_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

NDEDEF long nde_rng_below(nde_rng *r, long n)
{
    unsigned long long un = (unsigned long long)n, lim, x;
    if (n <= 1 || !r) return 0;
    lim = (0xFFFFFFFFFFFFFFFFULL / un) * un; /* reject the incomplete last block */
    do x = nde_rng_u64(r); while (x >= lim);
    return (long)(x % un);
}

/* ===================================================================== */
/* Dense linear algebra (row-major)                                       */
/* ===================================================================== */
/* Plain loops ordered so that the innermost loop runs over contiguous
   memory. LU with partial pivoting [Golub & Van Loan, Alg. 3.4.1]. */

static void nde__scale_or_zero(long len, double beta, double *C)
{
    long i;
    if (beta == 0.0) memset(C, 0, (size_t)len * sizeof(double));
    else if (beta != 1.0) for (i = 0; i < len; i++) C[i] *= beta;
}

/* The products do nothing for a negative size or a NULL matrix they would read or write. */
static int nde__gemm_bad(int m, int n, int k, const double *A, const double *B, const double *C)
{
    return m < 0 || n < 0 || k < 0 || (m > 0 && n > 0 && (!C || (k > 0 && (!A || !B))));
}

NDEDEF void nde_gemm(int m, int n, int k, double alpha, const double *A, const double *B, double beta, double *C)
{
    int i, j, p;
    if (nde__gemm_bad(m, n, k, A, B, C)) return;
    nde__scale_or_zero((long)m * n, beta, C);
    for (i = 0; i < m; i++) {
        double *c = C + (long)i * n;
        for (p = 0; p < k; p++) {
            double aip = alpha * A[(long)i * k + p];
            const double *b = B + (long)p * n;
            for (j = 0; j < n; j++) c[j] += aip * b[j];
        }
    }
}

NDEDEF void nde_gemm_nt(int m, int n, int k, double alpha, const double *A, const double *B, double beta, double *C)
{
    int i, j, p;
    if (nde__gemm_bad(m, n, k, A, B, C)) return;
    for (i = 0; i < m; i++) {
        const double *a = A + (long)i * k;
        for (j = 0; j < n; j++) {
            const double *b = B + (long)j * k;
            double s = 0.0;
            for (p = 0; p < k; p++) s += a[p] * b[p];
            C[(long)i * n + j] = alpha * s + (beta == 0.0 ? 0.0 : beta * C[(long)i * n + j]);
        }
    }
}

NDEDEF void nde_gemm_tn(int m, int n, int k, double alpha, const double *A, const double *B, double beta, double *C)
{
    int i, j, p;
    if (nde__gemm_bad(m, n, k, A, B, C)) return;
    nde__scale_or_zero((long)m * n, beta, C);
    for (p = 0; p < k; p++) {
        const double *a = A + (long)p * m;
        const double *b = B + (long)p * n;
        for (i = 0; i < m; i++) {
            double api = alpha * a[i];
            double *c = C + (long)i * n;
            for (j = 0; j < n; j++) c[j] += api * b[j];
        }
    }
}

NDEDEF void nde_gemv(int m, int n, double alpha, const double *A, const double *x, double beta, double *y)
{
    nde_gemm_nt(m, 1, n, alpha, A, x, beta, y);
}

NDEDEF void nde_gemv_t(int m, int n, double alpha, const double *A, const double *x, double beta, double *y)
{
    nde_gemm_tn(n, 1, m, alpha, A, x, beta, y);
}

NDEDEF int nde_lu_factor(int n, double *A, int *piv)
{
    int i, j, k;
    if (n < 0 || (n > 0 && (!A || !piv))) return NDE_ERR_ARG;
    for (k = 0; k < n; k++) {
        int p = k;
        double amax = fabs(A[(long)k * n + k]);
        for (i = k + 1; i < n; i++)
            if (fabs(A[(long)i * n + k]) > amax) { amax = fabs(A[(long)i * n + k]); p = i; }
        piv[k] = p;
        if (amax == 0.0 || !nde__finite(amax)) return NDE_ERR_SINGULAR;
        if (p != k)
            for (j = 0; j < n; j++) {
                double tmp = A[(long)k * n + j];
                A[(long)k * n + j] = A[(long)p * n + j];
                A[(long)p * n + j] = tmp;
            }
        for (i = k + 1; i < n; i++) {
            double l = A[(long)i * n + k] /= A[(long)k * n + k];
            if (l != 0.0)
                for (j = k + 1; j < n; j++) A[(long)i * n + j] -= l * A[(long)k * n + j];
        }
    }
    return NDE_OK;
}

NDEDEF void nde_lu_solve(int n, const double *LU, const int *piv, double *b)
{
    int i, j;
    if (n <= 0 || !LU || !piv || !b) return;
    for (i = 0; i < n; i++) { /* P b, then L z = P b */
        double tmp = b[piv[i]];
        b[piv[i]] = b[i];
        b[i] = tmp;
    }
    for (i = 1; i < n; i++)
        for (j = 0; j < i; j++) b[i] -= LU[(long)i * n + j] * b[j];
    for (i = n - 1; i >= 0; i--) { /* U x = z */
        for (j = i + 1; j < n; j++) b[i] -= LU[(long)i * n + j] * b[j];
        b[i] /= LU[(long)i * n + i];
    }
}

NDEDEF void nde_lu_solve_t(int n, const double *LU, const int *piv, double *b)
{
    int i, j;
    if (n <= 0 || !LU || !piv || !b) return;
    for (i = 0; i < n; i++) { /* U^T z = b */
        for (j = 0; j < i; j++) b[i] -= LU[(long)j * n + i] * b[j];
        b[i] /= LU[(long)i * n + i];
    }
    for (i = n - 1; i >= 0; i--) /* L^T w = z */
        for (j = i + 1; j < n; j++) b[i] -= LU[(long)j * n + i] * b[j];
    for (i = n - 1; i >= 0; i--) { /* x = P^T w */
        double tmp = b[piv[i]];
        b[piv[i]] = b[i];
        b[i] = tmp;
    }
}

NDEDEF void nde_linspace(int n, double a, double b, double *t)
{
    int i;
    if (!t) return;
    for (i = 0; i < n; i++) t[i] = n > 1 ? a + (b - a) * (double)i / (double)(n - 1) : a;
    if (n > 1) t[n - 1] = b;
}

/* sqrt(sum x_i^2), scaled by the largest |x_i| so that neither the squares
   of huge entries overflow nor those of tiny ones underflow to 0. */
NDEDEF double nde_norm2(long n, const double *x)
{
    double big = nde_norm_inf(n, x), s = 0.0;
    long i;
    if (!(big > 0.0) || !nde__finite(big)) return big;
    for (i = 0; i < n; i++) s += (x[i] / big) * (x[i] / big);
    return big * sqrt(s);
}

NDEDEF double nde_norm_inf(long n, const double *x)
{
    double m = 0.0;
    long i;
    if (!x) return 0.0;
    for (i = 0; i < n; i++) if (!(fabs(x[i]) <= m) && m == m) m = fabs(x[i]); /* a NaN stays */
    return m;
}

/* max over the `outer` lines of A of the sum of |a| along the line: lines
   start `so` apart, their entries are `si` apart. */
static double nde__mat_norm(int outer, int inner, long so, long si, const double *A)
{
    double best = 0.0;
    int o, i;
    if (!A) return 0.0;
    for (o = 0; o < outer; o++) {
        double s = 0.0;
        for (i = 0; i < inner; i++) s += fabs(A[o * so + i * si]);
        if (!(s <= best) && best == best) best = s; /* a NaN stays */
    }
    return best;
}

NDEDEF double nde_mat_norm_inf(int m, int n, const double *A) { return nde__mat_norm(m, n, n, 1, A); }

NDEDEF double nde_mat_norm1(int m, int n, const double *A) { return nde__mat_norm(n, m, 1, n, A); }

/* ===================================================================== */
/* Systems: Jacobians and a finite-difference check of the products       */
/* ===================================================================== */

/* The status of a callback's return value r: a callback that could not
   allocate its own memory says NDE_ERR_NOMEM (the MLP systems do), any
   other non-zero value is NDE_ERR_CALLBACK. */
static int nde__cb_status(int r)
{
    return r == 0 ? NDE_OK : r == NDE_ERR_NOMEM ? NDE_ERR_NOMEM : NDE_ERR_CALLBACK;
}

/* nde_system_jacobian with caller scratch v, out (B*D each; unused with sys->jac). */
static int nde__jacobian_ws(const nde_system *sys, double t, int B, const double *y, double *J, double *v,
                            double *out)
{
    int D = sys->dim, b, i, j, status = NDE_OK;
    long n = (long)B * D;
    if (sys->jac) return nde__cb_status(sys->jac(sys->ctx, t, B, y, sys->params, J));
    if (!sys->jvp && !sys->vjp) return NDE_ERR_UNSUPPORTED;
    /* Column j of every row block at once (jvp), or row i (vjp). */
    for (j = 0; j < D && status == NDE_OK; j++) {
        memset(v, 0, (size_t)n * sizeof(double));
        for (b = 0; b < B; b++) v[(long)b * D + j] = 1.0;
        if (sys->jvp) {
            status = nde__cb_status(sys->jvp(sys->ctx, t, B, y, sys->params, v, out));
            for (b = 0; b < B; b++)
                for (i = 0; i < D; i++) J[((long)b * D + i) * D + j] = out[(long)b * D + i];
        } else {
            memset(out, 0, (size_t)n * sizeof(double));
            status = nde__cb_status(sys->vjp(sys->ctx, t, B, y, sys->params, v, out, NULL, NULL));
            for (b = 0; b < B; b++)
                for (i = 0; i < D; i++) J[((long)b * D + j) * D + i] = out[(long)b * D + i];
        }
    }
    return status;
}

NDEDEF int nde_system_jacobian(const nde_system *sys, double t, int B, const double *y, double *J)
{
    long n;
    double *v;
    int status;
    if (!sys || !y || !J || B < 1 || sys->dim < 1 || (sys->nparams > 0 && !sys->params) ||
        (double)B * sys->dim * sys->dim > (double)LONG_MAX / 16)
        return NDE_ERR_ARG;
    n = (long)B * sys->dim;
    if (sys->jac) return nde__jacobian_ws(sys, t, B, y, J, NULL, NULL);
    v = (double *)NDE_MALLOC(2 * (size_t)n * sizeof(double));
    if (!v) return NDE_ERR_NOMEM;
    status = nde__jacobian_ws(sys, t, B, y, J, v, v + n);
    NDE_FREE(v);
    return status;
}

/* Relative error of a against b, scaled by the largest |b| (a product error
   measured against the size of the product). */
static double nde__rel_err(long n, const double *a, const double *b)
{
    double num = 0.0, den = 0.0;
    long i;
    for (i = 0; i < n; i++) {
        if (fabs(a[i] - b[i]) > num) num = fabs(a[i] - b[i]);
        if (fabs(b[i]) > den) den = fabs(b[i]);
    }
    return num / (den > 1e-12 ? den : 1e-12);
}

NDEDEF int nde_system_check(const nde_system *sys, double t, int B, const double *y, double eps, double err[4])
{
    int D, P, i;
    long n;
    double *buf, *yp, *fp, *fm, *a, *gy, *gp, *fd, *v, *jv, gt = 0.0, fdt = 0.0;
    int status = NDE_ERR_CALLBACK;
    if (!sys || !sys->f || !y || !err || B < 1 || sys->dim < 1) return NDE_ERR_ARG;
    D = sys->dim;
    P = sys->nparams;
    n = (long)B * D;
    if (eps <= 0.0) eps = 1e-6;
    buf = (double *)NDE_MALLOC((size_t)(8 * n + 3 * (long)P + 8) * sizeof(double));
    if (!buf) return NDE_ERR_NOMEM;
    yp = buf; fp = yp + n; fm = fp + n; a = fm + n; gy = a + n; fd = gy + n; v = fd + n; jv = v + n;
    gp = jv + n; /* (P) gradient, then (P) finite differences, then (P) theta copy */
    err[0] = err[1] = err[2] = err[3] = -1.0;
    for (i = 0; i < n; i++) { a[i] = cos(1.0 + 0.7 * i); v[i] = sin(0.3 + 1.3 * i); }
    if (sys->vjp) {
        double *gpf = gp + P, *th = gp + 2 * P;
        long k;
        memset(gy, 0, (size_t)n * sizeof(double));
        memset(gp, 0, (size_t)P * sizeof(double));
        if (sys->vjp(sys->ctx, t, B, y, sys->params, a, gy, gp, &gt)) goto done;
        /* d/dy_k of a . f, one coordinate at a time */
        memcpy(yp, y, (size_t)n * sizeof(double));
        for (k = 0; k < n; k++) {
            double s = 0.0;
            long j;
            yp[k] = y[k] + eps;
            if (sys->f(sys->ctx, t, B, yp, sys->params, fp)) goto done;
            yp[k] = y[k] - eps;
            if (sys->f(sys->ctx, t, B, yp, sys->params, fm)) goto done;
            yp[k] = y[k];
            for (j = 0; j < n; j++) s += a[j] * (fp[j] - fm[j]);
            fd[k] = s / (2 * eps);
        }
        err[0] = nde__rel_err(n, gy, fd);
        if (P > 0) {
            memcpy(th, sys->params, (size_t)P * sizeof(double));
            for (k = 0; k < P; k++) {
                double s = 0.0;
                long j;
                th[k] = sys->params[k] + eps;
                if (sys->f(sys->ctx, t, B, y, th, fp)) goto done;
                th[k] = sys->params[k] - eps;
                if (sys->f(sys->ctx, t, B, y, th, fm)) goto done;
                th[k] = sys->params[k];
                for (j = 0; j < n; j++) s += a[j] * (fp[j] - fm[j]);
                gpf[k] = s / (2 * eps);
            }
            err[1] = nde__rel_err(P, gp, gpf);
        }
        {
            double s = 0.0;
            long j;
            if (sys->f(sys->ctx, t + eps, B, y, sys->params, fp)) goto done;
            if (sys->f(sys->ctx, t - eps, B, y, sys->params, fm)) goto done;
            for (j = 0; j < n; j++) s += a[j] * (fp[j] - fm[j]);
            fdt = s / (2 * eps);
            err[2] = nde__rel_err(1, &gt, &fdt);
        }
        if (sys->save_len > 0 && sys->f_save && sys->vjp_saved) { /* the pair, against the same numbers */
            double *sv = (double *)NDE_MALLOC((size_t)((long)B * sys->save_len) * sizeof(double)), gt2 = 0.0, e;
            if (!sv) { status = NDE_ERR_NOMEM; goto done; }
            memset(gy, 0, (size_t)n * sizeof(double));
            memset(gp, 0, (size_t)P * sizeof(double));
            if (sys->f(sys->ctx, t, B, y, sys->params, fm) || sys->f_save(sys->ctx, t, B, y, sys->params, fp, sv) ||
                sys->vjp_saved(sys->ctx, t, B, y, sys->params, sv, a, gy, gp, &gt2)) {
                NDE_FREE(sv);
                goto done;
            }
            NDE_FREE(sv);
            e = nde__rel_err(n, fp, fm); /* f_save's dydt must be f's */
            err[0] = fmax(err[0], fmax(e, nde__rel_err(n, gy, fd)));
            if (P > 0) err[1] = fmax(err[1], nde__rel_err(P, gp, gpf));
            err[2] = fmax(err[2], nde__rel_err(1, &gt2, &fdt));
        }
    }
    if (sys->jvp) {
        if (sys->jvp(sys->ctx, t, B, y, sys->params, v, jv)) goto done;
        for (i = 0; i < n; i++) yp[i] = y[i] + eps * v[i];
        if (sys->f(sys->ctx, t, B, yp, sys->params, fp)) goto done;
        for (i = 0; i < n; i++) yp[i] = y[i] - eps * v[i];
        if (sys->f(sys->ctx, t, B, yp, sys->params, fm)) goto done;
        for (i = 0; i < n; i++) fd[i] = (fp[i] - fm[i]) / (2 * eps);
        err[3] = nde__rel_err(n, jv, fd);
    }
    status = NDE_OK;
done:
    NDE_FREE(buf);
    return status;
}

/* ===================================================================== */
/* Butcher tableaux                                                       */
/* ===================================================================== */
/* Each explicit Runge-Kutta method is data: c (S), a (S,S), b (S), the
   error weights e = b - bhat (S), optional dense-output polynomials, and
   the two stages the stiffness test compares. One generic step below
   integrates all of them [Hairer-Norsett-Wanner I, II.1 and II.4]. */

static const double nde__euler_c[1] = {0};
static const double nde__euler_a[1] = {0};
static const double nde__euler_b[1] = {1};

static const double nde__midpoint_c[2] = {0, 0.5};
static const double nde__midpoint_a[4] = {0, 0, 0.5, 0};
static const double nde__midpoint_b[2] = {0, 1};

static const double nde__heun_c[2] = {0, 1};
static const double nde__heun_a[4] = {0, 0, 1, 0};
static const double nde__heun_b[2] = {0.5, 0.5};

static const double nde__rk4_c[4] = {0, 0.5, 0.5, 1};
static const double nde__rk4_a[16] = {
    0,   0,   0, 0,
    0.5, 0,   0, 0,
    0,   0.5, 0, 0,
    0,   0,   1, 0};
static const double nde__rk4_b[4] = {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6};

/* Bogacki & Shampine, "A 3(2) pair of Runge-Kutta formulas", Appl. Math.
   Lett. 2 (1989) 321-325. FSAL; Hermite dense output is its natural one. */
static const double nde__bs32_c[4] = {0, 0.5, 0.75, 1};
static const double nde__bs32_a[16] = {
    0,         0,         0,         0,
    0.5,       0,         0,         0,
    0,         0.75,      0,         0,
    2.0 / 9,   1.0 / 3,   4.0 / 9,   0};
static const double nde__bs32_b[4] = {2.0 / 9, 1.0 / 3, 4.0 / 9, 0};
static const double nde__bs32_e[4] = {2.0 / 9 - 7.0 / 24, 1.0 / 3 - 1.0 / 4, 4.0 / 9 - 1.0 / 3, -1.0 / 8};

/* Dormand & Prince, "A family of embedded Runge-Kutta formulae", J. Comp.
   Appl. Math. 6 (1980) 19-26; [Hairer-Norsett-Wanner I, Table II.5.2].
   Dense output: Hairer's continuous extension of order 4 (dopri5 CONTD5),
   rewritten as bi(th) = P[i][0] th + P[i][1] th^2 + P[i][2] th^3 + P[i][3] th^4. */
static const double nde__dopri5_c[7] = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
static const double nde__dopri5_a[49] = {
    0, 0, 0, 0, 0, 0, 0,
    1.0 / 5, 0, 0, 0, 0, 0, 0,
    3.0 / 40, 9.0 / 40, 0, 0, 0, 0, 0,
    44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0, 0, 0,
    19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0, 0, 0,
    9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656, 0, 0,
    35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0};
static const double nde__dopri5_b[7] = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0};
static const double nde__dopri5_e[7] = {
    35.0 / 384 - 5179.0 / 57600, 0, 500.0 / 1113 - 7571.0 / 16695, 125.0 / 192 - 393.0 / 640,
    -2187.0 / 6784 + 92097.0 / 339200, 11.0 / 84 - 187.0 / 2100, -1.0 / 40};
static const double nde__dopri5_P[28] = {
    1, -2.8535800653862835, 3.0717434641059005, -1.1270175653862835,
    0, 0, 0, 0,
    0, 4.0231333792303046, -6.2493215652889997, 2.675424484351598,
    0, -3.7324019615885042, 10.068970589843675, -5.6855269615885042,
    0, 2.5548038301849423, -6.3991123773510168, 3.5219323679207912,
    0, -1.3744241142186024, 3.2726577522467291, -1.7672812570757455,
    0, 1.3824689317781436, -3.7649378635562871, 2.3824689317781438};

static const nde_tableau nde__tab_euler = {"euler", 1, 1, 0, 0, nde__euler_c, nde__euler_a, nde__euler_b, NULL, 0, NULL, 0, 0, 0};
static const nde_tableau nde__tab_midpoint = {"midpoint", 2, 2, 0, 0, nde__midpoint_c, nde__midpoint_a, nde__midpoint_b, NULL, 0, NULL, 0, 0, 0};
static const nde_tableau nde__tab_heun = {"heun", 2, 2, 0, 0, nde__heun_c, nde__heun_a, nde__heun_b, NULL, 0, NULL, 0, 0, 0};
static const nde_tableau nde__tab_rk4 = {"rk4", 4, 4, 0, 0, nde__rk4_c, nde__rk4_a, nde__rk4_b, NULL, 0, NULL, 0, 0, 0};
static const nde_tableau nde__tab_bs32 = {"bs32", 4, 3, 2, 1, nde__bs32_c, nde__bs32_a, nde__bs32_b, nde__bs32_e, 0, NULL, 3, 2, 2.5};
static const nde_tableau nde__tab_dopri5 = {"dopri5", 7, 5, 4, 1, nde__dopri5_c, nde__dopri5_a, nde__dopri5_b, nde__dopri5_e, 4, nde__dopri5_P, 6, 5, 3.25};

/* Tsitouras, "Runge-Kutta pairs of order 5(4) satisfying only the first
   column simplifying assumption", Comput. Math. Appl. 62 (2011) 770-775;
   coefficients (and the degree-4 interpolant) as tabulated in
   OrdinaryDiffEq.jl, verified by tests/fixtures/check_tables.py. */
static const double nde__tsit5_c[7] = { /* (7) */
    0.0, 161.0/1000.0, 327.0/1000.0, 9.0/10.0, 0.98002554090450966, 1.0, 1.0
};
static const double nde__tsit5_a[49] = { /* (7,7) row-major */
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    161.0/1000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    -0.0084806554923569887, 0.335480655492357, 0.0, 0.0, 0.0, 0.0, 0.0,
    2.8971530571054935, -6.3594484899750752, 4.3622954328695815, 0.0, 0.0, 0.0, 0.0,
    5.3258648284392569, -11.748883564062828, 7.4955393428898365, -0.092495066361755252, 0.0, 0.0, 0.0,
    5.8614554429464203, -12.92096931784711, 8.1593678985761589, -0.071584973281400996, -0.028269050394068383, 0.0, 0.0,
    0.09646076681806523, 1.0/100.0, 0.4798896504144996, 1.3790085741037419, -3.2900695154360808, 2.3247105240997739, 0.0
};
static const double nde__tsit5_b[7] = { /* (7) */
    0.09646076681806523, 1.0/100.0, 0.4798896504144996, 1.3790085741037419, -3.2900695154360808, 2.3247105240997739, 0.0
};
static const double nde__tsit5_e[7] = { /* (7) b - bhat */
    0.0017800110522257714, 0.00081643445965674691, -0.0078808780102619953, 0.14471100717326291, -0.58235716545255523, 0.45808210592918697, -1.0/66.0
};
static const double nde__tsit5_P[28] = { /* (7,4) row-major */
    1.0, -2.7637061972748258, 2.9132554618219126, -1.0530884977290216,
    0.0, 0.13169999999999998, -0.22339999999999999, 0.1017,
    0.0, 3.9302962368947516, -5.9410338721315048, 2.4906272856512528,
    0.0, -12.411077166933676, 30.338188630282321, -16.548102889244902,
    0.0, 37.509313416511041, -88.178904894766404, 47.379521962819283,
    0.0, -27.896526289197286, 65.091894674793664, -34.870657861496611,
    0.0, 3.0/2.0, -4.0, 5.0/2.0
};

static const nde_tableau nde__tab_tsit5 = {"tsit5", 7, 5, 4, 1, nde__tsit5_c, nde__tsit5_a, nde__tsit5_b, nde__tsit5_e, 4, nde__tsit5_P, 6, 5, 3.5};

/* ===================================================================== */
/* Method registry                                                        */
/* ===================================================================== */

enum { NDE__KIND_RK = 0, NDE__KIND_OTHER = 1 };

typedef struct nde__method_info {
    const char *name;
    int kind;                /* NDE__KIND_RK: explicit table; OTHER: see the stiff section */
    const nde_tableau *tab;  /* explicit RK only */
    int adaptive;            /* has an error estimate */
    int order;               /* order of the propagated solution */
    int err_order;           /* order of the error estimator's solution (adaptive) */
    int nstage;              /* rows of stage storage the step needs (k and Y) */
} nde__method_info;

/* In nde_method order: one line per method. */
static const nde__method_info nde__methods[NDE_METHOD_COUNT] = {
    {"dopri5", NDE__KIND_RK, &nde__tab_dopri5, 1, 5, 4, 7},
    {"euler", NDE__KIND_RK, &nde__tab_euler, 0, 1, 0, 2},
    {"midpoint", NDE__KIND_RK, &nde__tab_midpoint, 0, 2, 0, 3},
    {"heun", NDE__KIND_RK, &nde__tab_heun, 0, 2, 0, 3},
    {"rk4", NDE__KIND_RK, &nde__tab_rk4, 0, 4, 0, 5},
    {"bs32", NDE__KIND_RK, &nde__tab_bs32, 1, 3, 2, 4},
    {"tsit5", NDE__KIND_RK, &nde__tab_tsit5, 1, 5, 4, 7},
    {"backward_euler", NDE__KIND_OTHER, NULL, 0, 1, 0, 2},
    {"sdirk4", NDE__KIND_OTHER, NULL, 1, 4, 3, 6},
    {"epi2", NDE__KIND_OTHER, NULL, 0, 2, 0, 2},
    {"leapfrog", NDE__KIND_OTHER, NULL, 0, 2, 0, 3},
    {"gauss2", NDE__KIND_OTHER, NULL, 0, 4, 0, 4},
};

NDEDEF const char *nde_method_name(int method)
{
    return method >= 0 && method < NDE_METHOD_COUNT ? nde__methods[method].name : "?";
}

NDEDEF int nde_method_by_name(const char *name)
{
    int m;
    if (!name) return -1;
    for (m = 0; m < NDE_METHOD_COUNT; m++)
        if (strcmp(name, nde__methods[m].name) == 0) return m;
    return -1;
}

NDEDEF const nde_tableau *nde_method_tableau(int method)
{
    return method >= 0 && method < NDE_METHOD_COUNT ? nde__methods[method].tab : NULL;
}

/* ===================================================================== */
/* The integrator state shared by every method                           */
/* ===================================================================== */
/* One accepted step maps (t, y) to (t + h, y1). Its stage derivatives k
   and stage inputs Y stay readable until the next attempt: dense output,
   backprop through the solver and the interpolating adjoint read them.
   Row `end` of k always holds f(t + h, y1) after acceptance. */

typedef struct nde__integ {
    const nde_system *sys;
    int B, D;
    long n;                  /* state length B*D */
    nde_options o;           /* options with the defaults filled in */
    const nde__method_info *info;
    double dir;              /* +1 forward in time, -1 backward */
    double t, h;             /* current time; next step to attempt (signed) */
    double t1;               /* end of the step being attempted (exactly t_end on the last) */
    double *mem;             /* the one allocation behind the buffers below */
    double *y;               /* (n) state at t */
    double *y1;              /* (n) state at t + h after an attempt */
    double *k;               /* (R,n) stage derivatives, R = info->nstage */
    double *Y;               /* (R,n) stage inputs */
    double *scr;             /* (n) scratch (error estimate) */
    int end;                 /* row of k with f(t + h, y1) */
    int f0_ok;               /* k row 0 holds f(t, y) */
    double err_old;          /* last accepted error norm (PI controller) */
    int last_rejected;
    int stiff_run, nonstiff_run; /* counters of the stiffness test */
    nde_stats *st;
    void *impl;              /* workspace of the implicit/exponential/symplectic methods */
    size_t bytes;            /* bytes allocated for this integrator (all methods add theirs) */
    long newton_n;           /* components Newton's convergence test measures (0: as the error norm) */
    double *sv;              /* (R,svn) what f_save keeps for each stage row (explicit RK under
                                backprop, when the system offers it), else NULL: borrowed, it
                                points into the backprop tape's next record */
    long svn;                /* B * sys->save_len */
} nde__integ;

/* Attempt one step of size h from (ig->t, ig->y) into ig->y1, k and Y;
   *err = error norm (0 for fixed-step methods). Returns NDE_OK, the
   positive NDE__STEP_NONFINITE when the step produced NaN/Inf (the caller
   shrinks h), or a negative status. Defined by every method family. */
#define NDE__STEP_NONFINITE 1
static int nde__rk_attempt(nde__integ *ig, double h, double *err);
static int nde__other_attempt(nde__integ *ig, double h, double *err);
static int nde__other_init(nde__integ *ig, char *msg);
static int nde__is_implicit(int method);
static void nde__other_free(nde__integ *ig);

/* Backprop through the solver records each accepted step as t, h, t1, the
   output indices j0, j1 and the stage rows Y (R,n); every method family
   provides the reverse of its step map on such a record (ybar: dL/dy1 in,
   dL/dy out; gth += the parameter adjoint). */
#define NDE__TAPE_HEAD 5 /* t, h, t1, j0, j1 */
static int nde__other_step_vjp(const nde__integ *ig, const double *rec, double *ybar, double *gth, long *nvjp);

static int nde__all_zero(long n, const double *a)
{
    long i;
    for (i = 0; i < n && a[i] == 0.0; i++) {}
    return i == n;
}

/* ybar (n) += a^T df/dy at (t, Y); gth += a^T df/dtheta; skipped when a = 0.
   With sv (what f_save kept at (t, Y)) the product reads it, else recomputes. */
static int nde__vjp_add(const nde_system *sys, int B, long n, double t, const double *Y, const double *sv,
                        const double *a, double *ybar, double *gth, long *nvjp)
{
    if (nde__all_zero(n, a)) return NDE_OK;
    ++*nvjp;
    if (sv) return nde__cb_status(sys->vjp_saved(sys->ctx, t, B, Y, sys->params, sv, a, ybar, gth, NULL));
    return nde__cb_status(sys->vjp(sys->ctx, t, B, Y, sys->params, a, ybar, gth, NULL));
}

/* dydt (n) = f(t, y); counts the evaluation; non-zero return -> CALLBACK.
   Stage row i (>= 0) of a recording integrator also keeps f_save's output;
   i < 0: an evaluation that is no stage (the starting-step estimate). */
static int nde__eval(nde__integ *ig, int i, double t, const double *y, double *dydt)
{
    const nde_system *sys = ig->sys;
    int r;
    ig->st->nfe++;
    if (ig->sv && i >= 0) r = sys->f_save(sys->ctx, t, ig->B, y, sys->params, dydt, ig->sv + (long)i * ig->svn);
    else r = sys->f(sys->ctx, t, ig->B, y, sys->params, dydt);
    if (r) {
        nde__msg(ig->st->msg, "the dynamics callback f %s at t = %.17g",
                 r == NDE_ERR_NOMEM ? "ran out of memory" : "returned non-zero", t);
        return nde__cb_status(r);
    }
    return NDE_OK;
}

/* sqrt(mean_i (e_i / sc_i)^2) over m components, sc_i = atol + rtol
   max(|ya_i|, |yb_i|). When the squares overflow (atol below ~1e-154 with
   e of ordinary size) the sum is redone scaled by the largest ratio. */
static double nde__wrms(long m, const double *e, const double *ya, const double *yb, double atol, double rtol)
{
    long i;
    double s = 0.0, big = 0.0;
    for (i = 0; i < m; i++) {
        double a0 = fabs(ya[i]), a1 = fabs(yb[i]);
        double r = e[i] == 0.0 ? 0.0 : e[i] / (atol + rtol * (a0 > a1 ? a0 : a1)); /* atol 0, y 0 */
        s += r * r;
    }
    if (s - s == 0.0 || s != s) return sqrt(s / (double)m); /* finite, or NaN from NaN data */
    for (i = 0; i < m; i++) {
        double a0 = fabs(ya[i]), a1 = fabs(yb[i]);
        double r = e[i] == 0.0 ? 0.0 : fabs(e[i] / (atol + rtol * (a0 > a1 ? a0 : a1)));
        if (r > big) big = r;
    }
    if (!nde__finite(big)) return big;
    for (s = 0.0, i = 0; i < m; i++) {
        double a0 = fabs(ya[i]), a1 = fabs(yb[i]);
        double r = e[i] == 0.0 ? 0.0 : e[i] / (atol + rtol * (a0 > a1 ? a0 : a1)) / big;
        s += r * r;
    }
    return big * sqrt(s / (double)m);
}

/* Mixed error norm [Hairer-Norsett-Wanner I, II.4 (4.11)]:
   sc_i = atol + rtol max(|y0_i|, |y1_i|), err = sqrt(mean((e_i/sc_i)^2)),
   over the first norm_n components (the seminorm of the adjoint). */
static double nde__err_norm(const nde__integ *ig, const double *e, const double *y0, const double *y1)
{
    long m = ig->o.norm_n > 0 && ig->o.norm_n < ig->n ? ig->o.norm_n : ig->n;
    return nde__wrms(m, e, y0, y1, ig->o.atol, ig->o.rtol);
}

/* The norm of a Newton correction d (n) for the convergence test of the
   implicit methods: the error norm at y, over the first newton_n components
   when set (the adjoint leaves out dL/dtheta, whose rows its Newton matrix
   does not carry). */
static double nde__newton_norm(const nde__integ *ig, const double *d)
{
    long m = ig->newton_n > 0 && ig->newton_n < ig->n ? ig->newton_n
             : ig->o.norm_n > 0 && ig->o.norm_n < ig->n ? ig->o.norm_n : ig->n;
    return nde__wrms(m, d, ig->y, ig->y, ig->o.atol, ig->o.rtol);
}

/* Rows newton_n .. n-1 (the adjoint's dL/dtheta) are outside the Newton matrix: f does
   not depend on them, they depend on the others. A simplified Newton iteration leaves
   them at f of the iterate before the last correction, which a converged test can
   accept after one iteration with a large correction (the predictor's error): their
   stage values are recomputed from f at the solved stage (measured: the sdirk4
   adjoint's dL/dtheta went from 1e-3 to 1e-7 relative error at rtol 1e-6). Returns
   the first such row, n when there is none. */
static long nde__newton_rows(const nde__integ *ig)
{
    return ig->newton_n > 0 && ig->newton_n < ig->n ? ig->newton_n : ig->n;
}

/* Default Newton scale of the fixed-step implicit methods when rtol = atol = 0. */
#define NDE__FIXED_NEWTON_RTOL 1e-12

/* Fill zero options with the documented defaults and validate them. */
static int nde__resolve_options(const nde_options *in, double span, nde_options *o, char *msg)
{
    if (in) *o = *in;
    else memset(o, 0, sizeof *o);
    if (o->method < 0 || o->method >= NDE_METHOD_COUNT) {
        nde__msg(msg, "opt.method = %d is not a method (0 .. %d)", o->method, NDE_METHOD_COUNT - 1);
        return NDE_ERR_ARG;
    }
#define NDE__CHECK_OPT(field, cond, what)                                                   \
    if (!(nde__finite(o->field) && (cond))) {                                               \
        nde__msg(msg, "opt." #field " = %g: " what, o->field);                              \
        return NDE_ERR_ARG;                                                                  \
    }
    NDE__CHECK_OPT(rtol, o->rtol >= 0, "must be positive and finite (0 for the default 1e-6)")
    NDE__CHECK_OPT(atol, 1, "must be finite (0 for the default 1e-9, negative for 0: pure relative control)")
    NDE__CHECK_OPT(h0, 1, "must be finite")
    NDE__CHECK_OPT(h, o->h >= 0, "must be a non-negative step size")
    NDE__CHECK_OPT(hmin, o->hmin >= 0, "must be non-negative")
    NDE__CHECK_OPT(hmax, o->hmax >= 0, "must be non-negative")
    NDE__CHECK_OPT(safety, o->safety >= 0 && o->safety <= 1, "must lie in (0, 1]")
    NDE__CHECK_OPT(fac_min, o->fac_min >= 0 && o->fac_min < 1, "must lie in (0, 1)")
    NDE__CHECK_OPT(fac_max, o->fac_max == 0 || o->fac_max > 1, "must exceed 1")
    NDE__CHECK_OPT(beta, o->beta < 0.2, "must be below 0.2")
    NDE__CHECK_OPT(newton_tol, o->newton_tol >= 0, "must be non-negative")
#undef NDE__CHECK_OPT
    if (o->hmax > 0 && o->hmin > o->hmax) {
        nde__msg(msg, "opt.hmin = %g exceeds opt.hmax = %g", o->hmin, o->hmax);
        return NDE_ERR_ARG;
    }
    if (o->stiff_check < -1 || o->stiff_check > 1) {
        nde__msg(msg, "opt.stiff_check = %d: use -1 (off), 0 (flag) or 1 (stop)", o->stiff_check);
        return NDE_ERR_ARG;
    }
    if (o->max_steps < 0 || o->newton_max < 0 || o->norm_n < 0) {
        nde__msg(msg, "opt.max_steps, opt.newton_max and opt.norm_n must be non-negative");
        return NDE_ERR_ARG;
    }
    if (o->rtol == 0 && o->atol == 0 && (o->method == NDE_BACKWARD_EULER || o->method == NDE_GAUSS2)) {
        /* fixed-step implicit methods: no error control, the tolerances only stop Newton;
           by default at a level below any step's own error (near rounding) */
        o->rtol = NDE__FIXED_NEWTON_RTOL;
        o->atol = NDE__FIXED_NEWTON_RTOL;
    }
    if (o->rtol == 0) o->rtol = 1e-6;
    if (o->atol == 0) o->atol = 1e-9;
    if (o->atol < 0) o->atol = 0.0; /* asked for: pure relative control */
    if (o->hmax == 0) o->hmax = fabs(span);
    if (o->h == 0) o->h = fabs(span) / 100;
    if (o->max_steps == 0) o->max_steps = 100000;
    if (o->safety == 0) o->safety = 0.9;
    if (o->fac_min == 0) o->fac_min = 0.2;
    if (o->fac_max == 0) o->fac_max = 10;
    if (o->beta == 0) o->beta = 0.04;
    if (o->beta < 0) o->beta = 0;
    if (o->newton_tol == 0) o->newton_tol = 0.03;
    if (o->newton_max == 0) o->newton_max = 10;
    return NDE_OK;
}

static void nde__integ_free(nde__integ *ig)
{
    if (ig->info && ig->info->kind == NDE__KIND_OTHER) nde__other_free(ig);
    NDE_FREE(ig->mem);
    ig->mem = NULL;
}

/* Prepare an integrator for sys over a span (t_end - t0, used for the
   defaults). st receives the counters; opt may be NULL. */
static int nde__integ_init(nde__integ *ig, const nde_system *sys, int B, const nde_options *opt,
                           double span, nde_stats *st)
{
    long n = (long)B * sys->dim;
    int R, status;
    memset(ig, 0, sizeof *ig);
    ig->st = st;
    status = nde__resolve_options(opt, span, &ig->o, st->msg);
    if (status) return status;
    ig->sys = sys;
    ig->B = B;
    ig->D = sys->dim;
    ig->n = n;
    ig->info = &nde__methods[ig->o.method];
    ig->dir = span < 0 ? -1.0 : 1.0;
    R = ig->info->nstage;
    if ((nde__is_implicit(ig->o.method) || ig->o.method == NDE_EPI2) &&
        (double)B * ig->D * (ig->D + 1.0) > 1e12) { /* dense blocks of over 8 TB; keeps 2(D+1) within int */
        nde__msg(st->msg, "method %s with B = %d rows of sys->dim = %d: its dense %d x %d matrices per row are too large",
                 ig->info->name, B, ig->D, ig->D, ig->D);
        return NDE_ERR_NOMEM;
    }
    ig->end = ig->info->tab && ig->info->tab->fsal ? ig->info->tab->S - 1 : ig->info->nstage - 1;
    ig->mem = ig->y = (double *)NDE_MALLOC((size_t)(n * (3 + 2 * (long)R)) * sizeof(double));
    if (!ig->mem) {
        nde__msg(st->msg, "out of memory for the solver workspace (%ld doubles)", n * (3 + 2 * (long)R));
        return NDE_ERR_NOMEM;
    }
    ig->bytes = (size_t)(n * (3 + 2 * (long)R)) * sizeof(double);
    ig->y1 = ig->y + n;
    ig->scr = ig->y1 + n;
    ig->k = ig->scr + n;
    ig->Y = ig->k + (long)R * n;
    if (ig->info->kind == NDE__KIND_OTHER) {
        status = nde__other_init(ig, st->msg);
        if (status) {
            NDE_FREE(ig->mem);
            ig->mem = NULL;
        }
    }
    return status;
}

/* Start (or restart) at (t, y): the next step recomputes f(t, y). */
static void nde__integ_reset(nde__integ *ig, double t, const double *y)
{
    ig->t = t;
    memcpy(ig->y, y, (size_t)ig->n * sizeof(double));
    ig->f0_ok = 0;
    ig->err_old = 1e-4;
    ig->last_rejected = 0;
    ig->stiff_run = ig->nonstiff_run = 0;
}

/* f(t, y) into k row 0 (once per accepted step; FSAL methods copy it). */
static int nde__ensure_f0(nde__integ *ig)
{
    int status;
    if (ig->f0_ok) return NDE_OK;
    memcpy(ig->Y, ig->y, (size_t)ig->n * sizeof(double));
    status = nde__eval(ig, 0, ig->t, ig->y, ig->k);
    if (status) return status;
    if (!nde__all_finite(ig->n, ig->k)) {
        nde__msg(ig->st->msg, "the dynamics returned NaN/Inf at t = %.17g from a finite state", ig->t);
        return NDE_ERR_NONFINITE;
    }
    ig->f0_ok = 1;
    return NDE_OK;
}

/* ===================================================================== */
/* The explicit Runge-Kutta step                                          */
/* ===================================================================== */
/* Y_i = y + h sum_{j<i} a_ij k_j,  k_i = f(t + c_i h, Y_i),
   y1 = y + h sum_i b_i k_i,        err = h sum_i e_i k_i.
   FSAL methods have a_Sj = b_j, so their last stage input is y1. */

/* out (n) = base (n) + h * sum_j w_j k_j over the first m stages. */
static void nde__axpy_stages(long n, int m, const double *base, double h, const double *w, const double *k, double *out)
{
    long i;
    int j;
    memcpy(out, base, (size_t)n * sizeof(double));
    for (j = 0; j < m; j++) {
        double hw = h * w[j];
        const double *kj = k + (long)j * n;
        if (hw == 0.0) continue;
        for (i = 0; i < n; i++) out[i] += hw * kj[i];
    }
}

static int nde__rk_attempt(nde__integ *ig, double h, double *err)
{
    const nde_tableau *tab = ig->info->tab;
    long n = ig->n;
    int i, status, S = tab->S;
    double *k = ig->k, *Y = ig->Y;
    status = nde__ensure_f0(ig);
    if (status) return status;
    for (i = 1; i < S; i++) {
        nde__axpy_stages(n, i, ig->y, h, tab->a + (long)i * S, k, Y + (long)i * n);
        status = nde__eval(ig, i, tab->c[i] == 1.0 ? ig->t1 : ig->t + tab->c[i] * h, Y + (long)i * n, k + (long)i * n);
        if (status) return status;
    }
    if (tab->fsal) memcpy(ig->y1, Y + (long)(S - 1) * n, (size_t)n * sizeof(double));
    else nde__axpy_stages(n, S, ig->y, h, tab->b, k, ig->y1);
    *err = 0.0;
    if (tab->e) {
        memset(ig->scr, 0, (size_t)n * sizeof(double));
        nde__axpy_stages(n, S, ig->scr, h, tab->e, k, ig->scr);
        *err = nde__err_norm(ig, ig->scr, ig->y, ig->y1);
        if (!nde__finite(*err)) return NDE__STEP_NONFINITE;
    }
    if (!nde__all_finite(n, ig->y1)) return NDE__STEP_NONFINITE;
    return NDE_OK;
}

/* After acceptance: make k row `end` = f(t + h, y1) (non-FSAL methods
   evaluate it here; it is the next step's first stage anyway). */
static int nde__finish_step(nde__integ *ig)
{
    double *kend = ig->k + (long)ig->end * ig->n;
    if (ig->info->tab && !ig->info->tab->fsal) {
        memcpy(ig->Y + (long)ig->end * ig->n, ig->y1, (size_t)ig->n * sizeof(double));
        return nde__eval(ig, ig->end, ig->t1, ig->y1, kend);
    }
    return NDE_OK;
}

/* ===================================================================== */
/* Dense output                                                           */
/* ===================================================================== */
/* With polynomials P: y(t + th h) = y + h sum_i bi_i(th) k_i.
   Otherwise the cubic Hermite interpolant through (y, f0) and (y1, f1):
   y(th) = y + (3th^2 - 2th^3)(y1 - y) + h th (th-1)^2 f0 + h th^2 (th-1) f1
   [Hairer-Norsett-Wanner I, II.6]. Linear in y, y1 and the k rows, which
   is what backprop through the solver differentiates. */

/* Weights of y (wy), y1 (wy1) and of each k row (wk (R)) at th. */
static void nde__dense_weights(const nde__integ *ig, double h, double th, double *wy, double *wy1, double *wk)
{
    const nde_tableau *tab = ig->info->tab;
    int i, R = ig->info->nstage;
    for (i = 0; i < R; i++) wk[i] = 0.0;
    if (tab && tab->P) {
        int d;
        *wy = 1.0;
        *wy1 = 0.0;
        for (i = 0; i < tab->S; i++) {
            double s = 0.0, p = th;
            for (d = 0; d < tab->dense_deg; d++, p *= th) s += tab->P[i * tab->dense_deg + d] * p;
            wk[i] = h * s;
        }
    } else {
        double s = th * th * (3.0 - 2.0 * th);
        *wy = 1.0 - s;
        *wy1 = s;
        wk[0] = h * th * (th - 1.0) * (th - 1.0);
        wk[ig->end] += h * th * th * (th - 1.0);
    }
}

#define NDE__MAX_ROWS 16

/* out (n) = the dense output at time tq inside the step [t, t1] of size h
   that maps y (n) to y1 (n) with stage derivatives k (R,n). */
static void nde__dense_at(const nde__integ *ig, double t, double t1, double h, const double *y, const double *y1,
                          const double *k, double tq, double *out)
{
    double wk[NDE__MAX_ROWS], wy, wy1;
    long i, n = ig->n;
    int j, R = ig->info->nstage;
    if (tq == t1) { /* the step end itself: exactly y1 */
        memcpy(out, y1, (size_t)n * sizeof(double));
        return;
    }
    nde__dense_weights(ig, h, (tq - t) / h, &wy, &wy1, wk);
    for (i = 0; i < n; i++) out[i] = wy * y[i] + wy1 * y1[i];
    for (j = 0; j < R; j++) {
        const double *kj = k + (long)j * n;
        if (wk[j] == 0.0) continue;
        for (i = 0; i < n; i++) out[i] += wk[j] * kj[i];
    }
}

/* ===================================================================== */
/* Step-size control                                                      */
/* ===================================================================== */

/* Initial step [Hairer-Norsett-Wanner I, II.4, HINIT]: from the sizes of
   y, f and an estimate of the second derivative. Costs one evaluation. */
static int nde__initial_step(nde__integ *ig, double *h_out)
{
    long i, n = ig->n;
    double d0, d1, d2, h0, h1, hmax = ig->o.hmax, hfloor;
    double *y1 = ig->y1, *f1 = ig->scr, *f0 = ig->k;
    int status, order = ig->info->order;
    d0 = nde__wrms(n, ig->y, ig->y, ig->y, ig->o.atol, ig->o.rtol);
    d1 = nde__wrms(n, f0, ig->y, ig->y, ig->o.atol, ig->o.rtol);
    h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    if (h0 > hmax) h0 = hmax;
    for (i = 0; i < n; i++) y1[i] = ig->y[i] + ig->dir * h0 * f0[i];
    status = nde__eval(ig, -1, ig->t + ig->dir * h0, y1, f1);
    if (status) return status;
    for (i = 0; i < n; i++) f1[i] -= f0[i];
    d2 = nde__wrms(n, f1, ig->y, ig->y, ig->o.atol, ig->o.rtol) / h0;
    if (!nde__finite(d2)) d2 = 1e300;
    {
        double dm = d1 > d2 ? d1 : d2;
        h1 = dm <= 1e-15 ? (h0 * 1e-3 > 1e-6 ? h0 * 1e-3 : 1e-6) : pow(0.01 / dm, 1.0 / order);
    }
    *h_out = 100 * h0 < h1 ? 100 * h0 : h1;
    if (*h_out > hmax) *h_out = hmax;
    /* never start at the rounding level of t: with tiny atol and a state
       component leaving 0, the estimate above can fall there; the step
       controller grows a small start by fac_max per step */
    hfloor = 1e3 * DBL_EPSILON * (fabs(ig->t) > hmax ? fabs(ig->t) : hmax);
    if (hfloor < ig->o.hmin) hfloor = ig->o.hmin;
    if (!(*h_out >= hfloor)) *h_out = hfloor;
    *h_out *= ig->dir;
    return NDE_OK;
}

/* Hairer's stiffness test on an accepted step: h*|lambda| estimated from
   |k_i - k_j| / |Y_i - Y_j| for two stages at (nearly) the same time; 15
   estimates beyond the stability boundary in a row mean stiffness
   [Hairer-Wanner II, IV.2; dopri5.f]. Returns NDE_ERR_STIFF only when the
   options ask to stop on it. */
static int nde__stiffness_test(nde__integ *ig, double h)
{
    const nde_tableau *tab = ig->info->tab;
    long i, n = ig->n;
    double num = 0.0, den = 0.0;
    const double *ki, *kj, *Yi, *Yj;
    if (ig->o.stiff_check < 0 || !tab || tab->stiff_bound <= 0.0) return NDE_OK;
    ki = ig->k + (long)tab->stiff_i * n;
    kj = ig->k + (long)tab->stiff_j * n;
    Yi = ig->Y + (long)tab->stiff_i * n;
    Yj = ig->Y + (long)tab->stiff_j * n;
    for (i = 0; i < n; i++) {
        num += (ki[i] - kj[i]) * (ki[i] - kj[i]);
        den += (Yi[i] - Yj[i]) * (Yi[i] - Yj[i]);
    }
    if (den > 0.0 && fabs(h) * sqrt(num / den) > tab->stiff_bound) {
        ig->nonstiff_run = 0;
        if (++ig->stiff_run == 15 && !ig->st->stiff) {
            ig->st->stiff = 1;
            ig->st->t_stiff = ig->t;
            nde__msg(ig->st->msg,
                     "stiffness detected at t = %.10g (h*|lambda| ~ %.3g above the stability boundary %.3g "
                     "for 15 steps): use an implicit method (sdirk4 or backward_euler)",
                     ig->t, fabs(h) * sqrt(num / den), tab->stiff_bound);
            if (ig->o.stiff_check == 1) return NDE_ERR_STIFF;
        }
    } else if (++ig->nonstiff_run == 6) {
        ig->stiff_run = 0;
    }
    return NDE_OK;
}

/* ===================================================================== */
/* The driver                                                             */
/* ===================================================================== */

/* Called after every accepted step, before the state moves on: outputs
   [j0, j1) of the current output list fell inside this step. */
typedef int (*nde__step_hook)(void *ctx, nde__integ *ig, double h, int j0, int j1);

/* Integrate from (ig->t, ig->y) through the output times tout (N) (tout[0]
   must equal ig->t) writing yout (N,n); yout row 0 = y. */
static int nde__integrate(nde__integ *ig, int N, const double *tout, double *yout, nde__step_hook hook, void *hctx)
{
    const nde__method_info *info = ig->info;
    nde_stats *st = ig->st;
    long n = ig->n, nsteps_fixed = 0, kstep = 0;
    double t0 = ig->t, t_end = tout[N - 1], hfix = 0.0;
    int j = 1, status = NDE_OK, q = info->err_order + 1, nan_run = 0;
    memcpy(yout, ig->y, (size_t)n * sizeof(double));
    st->n_out = 1;
    st->t_last = ig->t;
    if (N == 1) return NDE_OK;
    if (info->adaptive) {
        if (ig->o.h0 != 0.0) ig->h = ig->dir * fabs(ig->o.h0);
        else if (ig->h * ig->dir <= 0.0) { /* no step carried over from an earlier segment */
            status = nde__ensure_f0(ig);
            if (!status) status = nde__initial_step(ig, &ig->h);
        }
    } else {
        double steps = ceil(fabs(t_end - t0) / ig->o.h - 1e-9); /* in double: no integer overflow */
        hfix = ig->dir * ig->o.h;
        if (steps > (double)ig->o.max_steps) {
            nde__msg(st->msg, "opt.h = %g needs %.3g steps from t = %.17g to %.17g, more than opt.max_steps = %ld",
                     ig->o.h, steps, t0, t_end, ig->o.max_steps);
            return NDE_ERR_MAX_STEPS;
        }
        if (t0 + hfix == t0 && steps > 100.5) { /* a grid finer than the rounding of t */
            nde__msg(st->msg, "opt.h = %g is below the rounding level of t = %.17g", ig->o.h, t0);
            return NDE_ERR_STEP_UNDERFLOW;
        }
        nsteps_fixed = steps < 1.0 || t0 + hfix == t0 ? 1 : (long)steps; /* a span at the rounding
                                                                           level: one landing step */
    }
    while (status == NDE_OK && j < N) {
        double h, err = 0.0;
        if (st->naccept + st->nreject >= ig->o.max_steps) {
            nde__msg(st->msg, "step limit opt.max_steps = %ld reached at t = %.17g before t = %.17g",
                     ig->o.max_steps, ig->t, tout[j]);
            status = NDE_ERR_MAX_STEPS;
            break;
        }
        if (info->adaptive) {
            h = ig->h;
            if (fabs(h) > ig->o.hmax) h = ig->dir * ig->o.hmax;
            ig->t1 = ig->t + h;
            if ((ig->t + 1.01 * h - t_end) * ig->dir >= 0.0) { /* land on the last output time,
                                                                  never leaving a sliver [dopri5.f] */
                ig->t1 = t_end;
                h = t_end - ig->t;
            }
        } else { /* grid t0 + k*h, computed without accumulating rounding */
            ig->t1 = kstep + 1 == nsteps_fixed ? t_end : t0 + (double)(kstep + 1) * hfix;
            h = ig->t1 - ig->t;
        }
        st->h_last = h;
        /* the step that lands on t_end may be as short as it must be; others may not */
        if (ig->t1 != t_end && (fabs(h) < ig->o.hmin || fabs(h) <= 8.0 * DBL_EPSILON * fabs(ig->t))) {
            if (nan_run) {
                nde__msg(st->msg, "the solution is NaN/Inf for every step tried from t = %.17g (down to |h| = %.3g)", ig->t, fabs(h));
                status = NDE_ERR_NONFINITE;
                break;
            }
            nde__msg(st->msg, "step size underflow at t = %.17g: |h| = %.3g %s", ig->t, fabs(h),
                     ig->o.hmin > 0 ? "is below opt.hmin" : "is at the rounding level of t");
            status = NDE_ERR_STEP_UNDERFLOW;
            break;
        }
        status = info->kind == NDE__KIND_RK ? nde__rk_attempt(ig, h, &err) : nde__other_attempt(ig, h, &err);
        if (status == NDE__STEP_NONFINITE) {
            status = NDE_OK;
            st->nreject++;
            if (!info->adaptive) {
                nde__msg(st->msg, "the solution became NaN/Inf in the step from t = %.17g to %.17g", ig->t, ig->t + h);
                status = NDE_ERR_NONFINITE;
                break;
            }
            ig->h = h * ig->o.fac_min; /* a step too large for the dynamics: shrink and retry */
            ig->last_rejected = 1;
            nan_run = 1;
            continue;
        }
        if (status) break;
        if (info->adaptive && err > 1.0) { /* reject: shrink by the error, at least fac_min */
            double fac = ig->o.safety * pow(err, -1.0 / q);
            ig->h = h * (fac > ig->o.fac_min ? fac : ig->o.fac_min);
            ig->last_rejected = 1;
            st->nreject++;
            continue;
        }
        /* accept */
        nan_run = 0;
        st->naccept++;
        status = nde__finish_step(ig);
        if (!status && !nde__all_finite(n, ig->k + (long)ig->end * n)) {
            nde__msg(st->msg, "the dynamics returned NaN/Inf at t = %.17g (the end of an accepted step)", ig->t1);
            status = NDE_ERR_NONFINITE;
        }
        if (!status) status = nde__stiffness_test(ig, h);
        if (status) break;
        {
            int j0 = j;
            while (j < N && (tout[j] - ig->t1) * ig->dir <= 0.0) {
                nde__dense_at(ig, ig->t, ig->t1, h, ig->y, ig->y1, ig->k, tout[j], yout + (long)j * n);
                j++;
            }
            if (hook) status = hook(hctx, ig, h, j0, j);
            if (status) break;
        }
        if (info->adaptive) { /* PI controller [Hairer-Norsett-Wanner I, IV.2 (2.43c); dopri5.f] */
            double e = err > 1e-10 ? err : 1e-10;
            double fac = ig->o.safety * pow(e, -1.0 / q + 0.75 * ig->o.beta) * pow(ig->err_old, ig->o.beta);
            if (fac < ig->o.fac_min) fac = ig->o.fac_min;
            if (fac > ig->o.fac_max) fac = ig->o.fac_max;
            if (ig->last_rejected && fac > 1.0) fac = 1.0;
            ig->h = h * fac;
            ig->err_old = err > 1e-4 ? err : 1e-4;
            ig->last_rejected = 0;
        }
        kstep++;
        ig->t = ig->t1;
        {   /* the step end becomes the new start; f(t, y) is known (row end) */
            double *tmp = ig->y;
            ig->y = ig->y1;
            ig->y1 = tmp;
            memcpy(ig->k, ig->k + (long)ig->end * n, (size_t)n * sizeof(double));
            memcpy(ig->Y, ig->y, (size_t)n * sizeof(double));
            ig->f0_ok = 1;
        }
        st->t_last = ig->t;
        st->n_out = j;
    }
    st->n_out = j;
    if (status && j < N) memcpy(yout + (long)j * n, ig->y, (size_t)n * sizeof(double));
    return status;
}

/* Validate the arguments common to nde_solve and the gradient calls. */
static int nde__check_problem(const nde_system *sys, int B, const double *y0, int N, const double *t, char *msg)
{
    long i, n;
    if (!sys) { nde__msg(msg, "sys is NULL"); return NDE_ERR_ARG; }
    if (!sys->f) { nde__msg(msg, "sys->f is NULL: the dynamics callback is required"); return NDE_ERR_ARG; }
    if (sys->dim < 1) { nde__msg(msg, "sys->dim = %d must be at least 1", sys->dim); return NDE_ERR_ARG; }
    if (sys->nparams < 0 || (sys->nparams > 0 && !sys->params)) {
        nde__msg(msg, "sys->nparams = %d but sys->params is %s", sys->nparams, sys->params ? "set" : "NULL");
        return NDE_ERR_ARG;
    }
    if (B < 1) { nde__msg(msg, "B = %d: the batch needs at least 1 row", B); return NDE_ERR_ARG; }
    if ((double)B * sys->dim > (double)LONG_MAX / 64) {
        nde__msg(msg, "B = %d rows of sys->dim = %d: the state is too large", B, sys->dim);
        return NDE_ERR_ARG;
    }
    if (!y0) { nde__msg(msg, "y0 is NULL"); return NDE_ERR_ARG; }
    if (N < 1) { nde__msg(msg, "N = %d: at least one output time (t[0], the start) is needed", N); return NDE_ERR_ARG; }
    if (!t) { nde__msg(msg, "t (the output times) is NULL"); return NDE_ERR_ARG; }
    for (i = 0; i < N; i++)
        if (!nde__finite(t[i])) { nde__msg(msg, "t[%ld] = %g is not finite", i, t[i]); return NDE_ERR_TIMES; }
    for (i = 2; i < N; i++)
        if ((t[i] - t[i - 1]) * (t[1] - t[0]) <= 0.0) {
            nde__msg(msg, "t[%ld] = %.17g does not continue the direction of t[0] -> t[1]: "
                          "output times must be strictly increasing or strictly decreasing", i, t[i]);
            return NDE_ERR_TIMES;
        }
    if (N > 1 && t[1] == t[0]) { nde__msg(msg, "t[1] = t[0] = %.17g: output times must be strictly monotonic", t[0]); return NDE_ERR_TIMES; }
    if (!nde__finite(t[N - 1] - t[0])) {
        nde__msg(msg, "t[0] = %g to t[%d] = %g: the span overflows a double", t[0], N - 1, t[N - 1]);
        return NDE_ERR_TIMES;
    }
    n = (long)B * sys->dim;
    for (i = 0; i < n; i++)
        if (!nde__finite(y0[i])) {
            nde__msg(msg, "y0[%ld] (row %ld, component %ld) = %g is not finite", i, i / sys->dim, i % sys->dim, y0[i]);
            return NDE_ERR_NONFINITE;
        }
    return NDE_OK;
}

NDEDEF int nde_solve(const nde_system *sys, int B, const double *y0, int N, const double *t,
                     const nde_options *opt, double *yout, nde_stats *st)
{
    nde_stats local;
    nde__integ ig;
    int status;
    if (!st) st = &local;
    memset(st, 0, sizeof *st);
    status = nde__check_problem(sys, B, y0, N, t, st->msg);
    if (status) return status;
    if (!yout) { nde__msg(st->msg, "yout is NULL"); return NDE_ERR_ARG; }
    st->t_last = t[0];
    status = nde__integ_init(&ig, sys, B, opt, t[N - 1] - t[0], st);
    if (status) return status;
    nde__integ_reset(&ig, t[0], y0);
    status = nde__integrate(&ig, N, t, yout, NULL, NULL);
    nde__integ_free(&ig);
    return status;
}

/* ===================================================================== */
/* MLP: activations                                                       */
/* ===================================================================== */
/*
   s(x)        s'(x)                  s''(x)
   tanh x      1 - y^2                -2 y (1 - y^2)          (y = tanh x)
   sigmoid x   y (1 - y)              y (1 - y)(1 - 2y)       (y = sigmoid x)
   softplus x  sigmoid x = q          q (1 - q)               (log(1 + e^x))
   relu x      [x > 0]                0
   x           1                      0
   Derivatives take both the input x and the output y = s(x), whichever is
   cheaper; the second derivatives serve forward-over-reverse products.
*/

/* sigmoid without overflow: only exp of a non-positive number. */
static double nde__mlp_sigmoid(double x)
{
    double e;
    if (x >= 0.0) return 1.0 / (1.0 + exp(-x));
    e = exp(x);
    return e / (1.0 + e);
}

/* softplus log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, no
   cancellation for large negative x. */
static double nde__mlp_softplus(double x)
{
    return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* tanh within 2 ulp of libm's and several times faster (tanh is half of a
   small network's time). Two branches, both ending in c + n / d:
     |x| < 0.625   x + (x z P(z)) / Q(z), z = x^2: the rational
                   approximation of Cephes' tanh.c (S. L. Moshier);
     else          sign(x) (1 - 2 / (e^{2|x|} + 1)), with e^v = 2^k e^r,
                   k = round(v / ln 2), r = v - k ln 2 (ln 2 in two parts,
                   Cody-Waite), e^r = P6(r) / P6(-r) the [6/6] Pade
                   approximant of exp (error below 1e-18 for |r| <= ln2/2):
                   1 - 2 / (2^k P/Q + 1) = 1 - 2 Q / (2^k P + Q), one
                   division. k by the 1.5 * 2^52 rounding trick, 2^k
                   written into the exponent bits (IEEE doubles, rounding
                   to nearest: as everywhere in this library).
   |x| > 22 or NaN: sign(x) (|tanh x| = 1 in double beyond 22) or NaN.
   nde__mlp_tanh_lanes computes NDE__VW of them at once without a branch,
   both branches per lane and a select by bit mask (written lane by lane,
   so that GCC and Clang emit vector instructions at -O2); the scalar
   nde__mlp_tanh does the same arithmetic, bit for bit. */
#if defined(__AVX512F__)
#define NDE__VW 8
#elif defined(__AVX__)
#define NDE__VW 4
#else
#define NDE__VW 2
#endif
#if defined(__cplusplus)
#if defined(__GNUC__) || defined(_MSC_VER)
#define NDE__RESTRICT __restrict
#else
#define NDE__RESTRICT
#endif
#else
#define NDE__RESTRICT restrict /* C99 */
#endif

static double nde__mlp_tanh_small(double x)
{
    double z = x * x;
    double p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
    double q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
    if (z == 0.0) return x; /* tanh x = x, and tanh(-0) = -0 (x + (+0) would lose the sign) */
    return x + x * z * p / q;
}

#define NDE__TANH_MAGIC 6755399441055744.0 /* 1.5 * 2^52: s = v + magic rounds v to an integer k, s's low bits */

/* The second branch's numerator (*num) and denominator (*den) for a = |x|,
   sg = sign(x): tanh = sg + num / den. */
static inline void nde__mlp_tanh_big(double a, double sg, double *num, double *den)
{
    double v = a + a, s = v * 1.4426950408889634 + NDE__TANH_MAGIC, kd = s - NDE__TANH_MAGIC;
    double r = (v - kd * 6.93147180369123816490e-01) - kd * 1.90821492927058770002e-10, r2 = r * r;
    double ev = 1.0 + r2 * (5.0 / 44 + r2 * (1.0 / 792 + r2 * (1.0 / 665280)));
    double od = r * (0.5 + r2 * (1.0 / 66 + r2 * (1.0 / 15840)));
    double P = ev + od, Q = ev - od, p2;
    unsigned long long bits;
    memcpy(&bits, &s, sizeof bits);
    bits = (bits << 52) + (1023ULL << 52); /* 2^k */
    memcpy(&p2, &bits, sizeof p2);
    *num = -2.0 * sg * Q;
    *den = p2 * P + Q;
}

static double nde__mlp_tanh(double x)
{
    double a = fabs(x), sg = x > 0.0 ? 1.0 : -1.0, num, den;
    if (a < 0.625) return nde__mlp_tanh_small(x);
    if (!(a <= 22.0)) return x == x ? sg : x; /* NaN stays NaN */
    nde__mlp_tanh_big(a, sg, &num, &den);
    return sg + num / den;
}

#if NDE__VW >= 4
/* y (NDE__VW) = tanh x for |x| < 0.625 (the rational branch). */
static void nde__mlp_tanh_small_lanes(const double *NDE__RESTRICT x, double *NDE__RESTRICT y)
{
    int l;
    for (l = 0; l < NDE__VW; l++) y[l] = nde__mlp_tanh_small(x[l]);
}

/* y (NDE__VW) = tanh x, the values of nde__mlp_tanh for |x| <= 22 (the
   caller fixes the others). */
static void nde__mlp_tanh_lanes(const double *NDE__RESTRICT x, double *NDE__RESTRICT y)
{
    int l;
    for (l = 0; l < NDE__VW; l++) {
        double xv = x[l], a = fabs(xv), z = xv * xv, sg = xv > 0.0 ? 1.0 : -1.0, nb, db, c, nn, dd, lo = a - 0.625;
        double p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
        double q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
        double ns = xv * z * p, inf = HUGE_VAL;
        unsigned long long m, mz, u0, u1, v0, v1, w0, w1, xb, ib;
        nde__mlp_tanh_big(a, sg, &nb, &db);
        memcpy(&m, &lo, sizeof m);
        m = 0ULL - (m >> 63); /* all ones where |x| < 0.625 */
        memcpy(&mz, &z, sizeof mz);
        mz = 0ULL - ((mz - 1ULL) >> 63); /* all ones where z = x^2 = +0: then x + x/inf = x, sign kept */
        memcpy(&u0, &xv, 8); memcpy(&u1, &sg, 8);
        memcpy(&v0, &ns, 8); memcpy(&v1, &nb, 8);
        memcpy(&w0, &q, 8);  memcpy(&w1, &db, 8);
        memcpy(&xb, &xv, 8); memcpy(&ib, &inf, 8);
        v0 = (v0 & ~mz) | (xb & mz);
        w0 = (w0 & ~mz) | (ib & mz);
        u0 = (u0 & m) | (u1 & ~m);
        v0 = (v0 & m) | (v1 & ~m);
        w0 = (w0 & m) | (w1 & ~m);
        memcpy(&c, &u0, 8); memcpy(&nn, &v0, 8); memcpy(&dd, &w0, 8);
        y[l] = c + nn / dd;
    }
}
#endif

/* y (n) = s(x) elementwise; y must not overlap x. The switch sits outside
   the loop. tanh: with vectors of 4 or more doubles, NDE__VW lanes at a
   time and a pass fixing |x| > 22 and NaN; with 2 (a portable SSE2 build,
   where the lanes cost more than they save) the rational branch for
   every element two at a time, then the second branch where |x| >= 0.625.
   Either way the values of nde__mlp_tanh, bit for bit. */
static void nde__mlp_act_forward(int act, long n, const double *x, double *y)
{
    long i;
    switch (act) {
    case NDE_ACT_TANH:
#if NDE__VW >= 4
        for (i = 0; i + NDE__VW <= n; i += NDE__VW) {
            int l, big = 0;
            for (l = 0; l < NDE__VW; l++) big |= !(fabs(x[i + l]) < 0.625);
            if (big) nde__mlp_tanh_lanes(x + i, y + i);
            else nde__mlp_tanh_small_lanes(x + i, y + i); /* the rational branch alone: cheaper */
        }
        for (; i < n; i++) y[i] = nde__mlp_tanh(x[i]);
        for (i = 0; i < n; i++)
            if (!(fabs(x[i]) <= 22.0)) y[i] = nde__mlp_tanh(x[i]);
#else
        for (i = 0; i + 2 <= n; i += 2) {
            double x0 = x[i], x1 = x[i + 1];
            y[i] = nde__mlp_tanh_small(x0);
            y[i + 1] = nde__mlp_tanh_small(x1);
        }
        if (i < n) y[i] = nde__mlp_tanh_small(x[i]);
        for (i = 0; i < n; i++)
            if (!(fabs(x[i]) < 0.625)) y[i] = nde__mlp_tanh(x[i]);
#endif
        break;
    case NDE_ACT_SOFTPLUS:
        for (i = 0; i < n; i++) y[i] = nde__mlp_softplus(x[i]);
        break;
    case NDE_ACT_RELU:
        for (i = 0; i < n; i++) y[i] = x[i] > 0.0 ? x[i] : 0.0;
        break;
    case NDE_ACT_SIGMOID:
        for (i = 0; i < n; i++) y[i] = nde__mlp_sigmoid(x[i]);
        break;
    default: /* identity */
        memcpy(y, x, (size_t)n * sizeof(double));
        break;
    }
}

/* s'(x), from the input x and the output y = s(x). */
static double nde__mlp_act_d1(int act, double x, double y)
{
    switch (act) {
    case NDE_ACT_TANH: return 1.0 - y * y;
    case NDE_ACT_SOFTPLUS: return nde__mlp_sigmoid(x);
    case NDE_ACT_RELU: return x > 0.0 ? 1.0 : 0.0;
    case NDE_ACT_SIGMOID: return y * (1.0 - y);
    default: return 1.0;
    }
}

/* s''(x), from the input x and the output y = s(x). */
static double nde__mlp_act_d2(int act, double x, double y)
{
    double q;
    switch (act) {
    case NDE_ACT_TANH: return -2.0 * y * (1.0 - y * y);
    case NDE_ACT_SOFTPLUS: q = nde__mlp_sigmoid(x); return q * (1.0 - q);
    case NDE_ACT_SIGMOID: return y * (1.0 - y) * (1.0 - 2.0 * y);
    default: return 0.0; /* relu (away from its kink) and identity */
    }
}

/* out (n) = s'(x) * g elementwise. With g = gy this is the backward of
   y = s(x) (gx = s'(x) gy); with g = dx it is its tangent (dy = s'(x) dx).
   out may alias g. */
static void nde__mlp_act_mul_d1(int act, long n, const double *x, const double *y,
                                const double *g, double *out)
{
    long i;
    switch (act) {
    case NDE_ACT_TANH:
        for (i = 0; i < n; i++) out[i] = (1.0 - y[i] * y[i]) * g[i];
        break;
    case NDE_ACT_SOFTPLUS:
        for (i = 0; i < n; i++) out[i] = nde__mlp_sigmoid(x[i]) * g[i];
        break;
    case NDE_ACT_RELU:
        for (i = 0; i < n; i++) out[i] = x[i] > 0.0 ? g[i] : 0.0;
        break;
    case NDE_ACT_SIGMOID:
        for (i = 0; i < n; i++) out[i] = y[i] * (1.0 - y[i]) * g[i];
        break;
    default:
        if (out != g) memcpy(out, g, (size_t)n * sizeof(double));
        break;
    }
}

/* Tangent of the backward gx = s'(x) gy along dx (gy moving by dgy):
     dgx (n) = s''(x) dx gy + s'(x) dgy                 (product rule) */
static void nde__mlp_act_tangent_backward(int act, long n, const double *x, const double *y,
                                          const double *dx, const double *gy,
                                          const double *dgy, double *dgx)
{
    long i;
    for (i = 0; i < n; i++)
        dgx[i] = nde__mlp_act_d2(act, x[i], y[i]) * dx[i] * gy[i]
               + nde__mlp_act_d1(act, x[i], y[i]) * dgy[i];
}

/* ===================================================================== */
/* MLP: the linear map y = W x + b and its products                       */
/* ===================================================================== */
/*
   forward   y (B,out) = x (B,in) W^T + b       W (out,in) row-major
   tangent   dy = W dx                          (the forward without b)
   backward  gx = W^T gy,  gW += gy x^T,  gb += gy   (summed over rows)
   tangent of the backward (W fixed, x and gy moving):
             dgx = W^T dgy,  dgW += dgy x^T + gy dx^T,  dgb += dgy
   i.e. the backward applied twice: (x, dgy) and (dx, gy).
*/

/* C (M,N) = C0 + A (M,K) B (K,N), C0 = C when add is set, else 0. Every
   operand is addressed through a row and a column stride, so this one
   kernel serves gx = gy W, gW += gy^T x and gb += gy^T 1: a transpose is
   a swap of strides. The layers are narrow and the batches short, so the
   time goes into loop overhead and add latency, not cache misses. The
   kernel therefore holds a 4x2 tile of C in eight accumulators (eight
   independent add chains; six loads feed eight multiply-adds) and turns
   the product around (C^T = B^T A^T) when N fills the tile's 4 better
   than M does (e.g. gW (2,50) of a 50 -> 2 layer). Every accumulator
   adds its K terms in the order k = 0..K-1, starting from C0: the
   rounding of the plain triple loop, whatever the tiling. C must not
   overlap A or B. This is the small-shape path; nde__mlp_mm below sends
   wide products to the blocked kernel, which keeps the same order. */
static void nde__mlp_gemm(int M, int N, int K, const double *A, long am, long ak,
                          const double *Bm, long bk, long bn, double *C, long cm, long cn, int add)
{
    int m, n, k;
    if (N >= 4 && (M < 4 || (M % 4 && N % 4 == 0))) {
        const double *T = A;
        long s;
        A = Bm; Bm = T;
        k = M; M = N; N = k;
        s = am; am = bn; bn = s;
        s = ak; ak = bk; bk = s;
        s = cm; cm = cn; cn = s;
    }
    for (m = 0; m + 4 <= M; m += 4) {
        const double *a = A + m * am;
        double *c = C + m * cm;
        long am2 = 2 * am, am3 = 3 * am, cm2 = 2 * cm, cm3 = 3 * cm;
        for (n = 0; n + 2 <= N; n += 2) {
            const double *pa = a, *pb = Bm + n * bn;
            double *c0 = c + n * cn, *c1 = c0 + cn;
            double s00 = 0.0, s01 = 0.0, s10 = 0.0, s11 = 0.0;
            double s20 = 0.0, s21 = 0.0, s30 = 0.0, s31 = 0.0;
            if (add) {
                s00 = c0[0]; s10 = c0[cm]; s20 = c0[cm2]; s30 = c0[cm3];
                s01 = c1[0]; s11 = c1[cm]; s21 = c1[cm2]; s31 = c1[cm3];
            }
            for (k = 0; k < K; k++, pa += ak, pb += bk) {
                double a0 = pa[0], a1 = pa[am], a2 = pa[am2], a3 = pa[am3], b0 = pb[0], b1 = pb[bn];
                s00 += a0 * b0; s01 += a0 * b1;
                s10 += a1 * b0; s11 += a1 * b1;
                s20 += a2 * b0; s21 += a2 * b1;
                s30 += a3 * b0; s31 += a3 * b1;
            }
            c0[0] = s00; c0[cm] = s10; c0[cm2] = s20; c0[cm3] = s30;
            c1[0] = s01; c1[cm] = s11; c1[cm2] = s21; c1[cm3] = s31;
        }
        if (n < N) { /* odd N: the last column as a 4x1 tile */
            const double *pa = a, *pb = Bm + n * bn;
            double *c0 = c + n * cn;
            double s0 = add ? c0[0] : 0.0, s1 = add ? c0[cm] : 0.0;
            double s2 = add ? c0[cm2] : 0.0, s3 = add ? c0[cm3] : 0.0;
            for (k = 0; k < K; k++, pa += ak, pb += bk) {
                double b0 = pb[0];
                s0 += pa[0] * b0; s1 += pa[am] * b0; s2 += pa[am2] * b0; s3 += pa[am3] * b0;
            }
            c0[0] = s0; c0[cm] = s1; c0[cm2] = s2; c0[cm3] = s3;
        }
    }
    for (; m < M; m++) /* the last M % 4 rows, one element at a time */
        for (n = 0; n < N; n++) {
            const double *pa = A + m * am, *pb = Bm + n * bn;
            double *cc = C + m * cm + n * cn, s = add ? *cc : 0.0;
            for (k = 0; k < K; k++, pa += ak, pb += bk) s += pa[0] * pb[0];
            *cc = s;
        }
}

/* The blocked kernel for wide products (the BLAS layout: a micro-kernel on
   a tile of C held in registers, cache blocks around it). NDE__VW (defined
   with tanh) is the vector width, in doubles, that the compiler targets: 2
   in a portable x86-64 build (SSE2), 4 with AVX, 8 with AVX-512. A tile is
   NDE__MR rows by NDE__NR = 2 NDE__VW columns of C, held in eight arrays
   of NDE__VW accumulators; each "for l < NDE__VW" loop is one vector
   operation, which GCC and Clang emit at -O2 without intrinsics. K runs in
   blocks of NDE__KC (the packed panel of B stays in L1) and M in blocks of NDE__MC
   rows (the block of A stays in L2). Between K blocks the accumulators go
   through C unchanged, so every element still adds its K terms in the
   order k = 0..K-1 from C0: the same bits as nde__mlp_gemm, with any tile
   size, vector width or thread count. */
#define NDE__MR 4
#define NDE__NR (2 * NDE__VW)
#define NDE__KC 256
#define NDE__MC 64
/* Products with at least this many multiply-adds are split over OpenMP
   threads (when compiled with -fopenmp); below it one thread is faster:
   the crossover that make bench measures (gemm_threads lines). */
#define NDE__THREAD_MIN_DEFAULT 400000L
#ifndef NDE__THREAD_MIN
#define NDE__THREAD_MIN NDE__THREAD_MIN_DEFAULT
#endif

/* One NDE__MR x NDE__NR tile: C (MR,NR) = C0 + A (MR,K) B (K,NR) with
   A strided (am, ak), B rows bk apart with unit columns, C rows cm apart. */
static void nde__mlp_tile(int K, const double *A, long am, long ak, const double *Bm, long bk,
                          double *C, long cm, int add)
{
    double c00[NDE__VW], c01[NDE__VW], c10[NDE__VW], c11[NDE__VW];
    double c20[NDE__VW], c21[NDE__VW], c30[NDE__VW], c31[NDE__VW];
    double *C1 = C + cm, *C2 = C1 + cm, *C3 = C2 + cm;
    int k, l;
    for (l = 0; l < NDE__VW; l++) {
        c00[l] = add ? C[l] : 0.0;  c01[l] = add ? C[NDE__VW + l] : 0.0;
        c10[l] = add ? C1[l] : 0.0; c11[l] = add ? C1[NDE__VW + l] : 0.0;
        c20[l] = add ? C2[l] : 0.0; c21[l] = add ? C2[NDE__VW + l] : 0.0;
        c30[l] = add ? C3[l] : 0.0; c31[l] = add ? C3[NDE__VW + l] : 0.0;
    }
    for (k = 0; k < K; k++, A += ak, Bm += bk) {
        double a0 = A[0], a1 = A[am], a2 = A[2 * am], a3 = A[3 * am];
        const double *b1 = Bm + NDE__VW;
        for (l = 0; l < NDE__VW; l++) {
            c00[l] += a0 * Bm[l]; c10[l] += a1 * Bm[l]; c20[l] += a2 * Bm[l]; c30[l] += a3 * Bm[l];
        }
        for (l = 0; l < NDE__VW; l++) {
            c01[l] += a0 * b1[l]; c11[l] += a1 * b1[l]; c21[l] += a2 * b1[l]; c31[l] += a3 * b1[l];
        }
    }
    for (l = 0; l < NDE__VW; l++) {
        C[l] = c00[l];  C[NDE__VW + l] = c01[l];
        C1[l] = c10[l]; C1[NDE__VW + l] = c11[l];
        C2[l] = c20[l]; C2[NDE__VW + l] = c21[l];
        C3[l] = c30[l]; C3[NDE__VW + l] = c31[l];
    }
}

/* Rows [m0, m1) (multiples of NDE__MR) and tile columns [n0, n1) of the
   blocked product: one thread's share. Each (kc, NDE__NR) panel of B is
   copied into bp before its tiles run: read in place, rows bk apart (a
   power of two for most layers) fell into a few cache sets and missed
   (the forward + vjp ran 1.3-1.6x slower at 128-256 wide layers). */
static void nde__mlp_blocks(int m0, int m1, int n0, int n1, int K, const double *A, long am, long ak,
                            const double *Bm, long bk, double *C, long cm, int add)
{
    double bp[NDE__KC * NDE__NR]; /* (kc, NDE__NR) the panel of B that the tiles share, packed */
    int k0, mb, m, n, k, l;
    for (k0 = 0; k0 < K; k0 += NDE__KC) {
        int kc = K - k0 < NDE__KC ? K - k0 : NDE__KC, addk = add || k0 > 0;
        for (mb = m0; mb < m1; mb += NDE__MC) {
            int me = mb + NDE__MC < m1 ? mb + NDE__MC : m1;
            for (n = n0; n < n1; n += NDE__NR) {
                for (k = 0; k < kc; k++)
                    for (l = 0; l < NDE__NR; l++) bp[k * NDE__NR + l] = Bm[(long)(k0 + k) * bk + n + l];
                for (m = mb; m < me; m += NDE__MR)
                    nde__mlp_tile(kc, A + m * am + k0 * ak, am, ak, bp, NDE__NR, C + m * cm + n, cm, addk);
            }
        }
    }
}

/* C (M,N) = C0 + A (M,K) B (K,N) with B and C unit-stride along N, on
   the blocked kernel: full tiles there (split over threads when the
   product is large), the M % NDE__MR last rows and N % NDE__NR last
   columns on nde__mlp_gemm. Needs M >= NDE__MR and N >= NDE__NR. */
static void nde__mlp_gemm_wide(int M, int N, int K, const double *A, long am, long ak,
                               const double *Bm, long bk, double *C, long cm, int add)
{
    int Mt = M - M % NDE__MR, Nt = N - N % NDE__NR;
#ifdef _OPENMP
    if ((double)M * N * K >= NDE__THREAD_MIN) {
        /* jobs: blocks of NDE__MC rows when there are at least two per thread, else the
           tile columns cut into one even share per thread */
        int nt = omp_get_max_threads(), ntile = Nt / NDE__NR, nmb = (Mt + NDE__MC - 1) / NDE__MC;
        int split_n = nmb < 2 * nt, nj = split_n ? (ntile < nt ? ntile : nt) : nmb, j;
#pragma omp parallel for schedule(static)
        for (j = 0; j < nj; j++) {
            if (split_n) {
                int n0 = (int)((long)j * ntile / nj) * NDE__NR, n1 = (int)((long)(j + 1) * ntile / nj) * NDE__NR;
                nde__mlp_blocks(0, Mt, n0, n1, K, A, am, ak, Bm, bk, C, cm, add);
            } else {
                int m0 = j * NDE__MC, m1 = m0 + NDE__MC < Mt ? m0 + NDE__MC : Mt;
                nde__mlp_blocks(m0, m1, 0, Nt, K, A, am, ak, Bm, bk, C, cm, add);
            }
        }
    } else
#endif
        nde__mlp_blocks(0, Mt, 0, Nt, K, A, am, ak, Bm, bk, C, cm, add);
    if (Nt < N) nde__mlp_gemm(Mt, N - Nt, K, A, am, ak, Bm + Nt, bk, 1, C + Nt, cm, 1, add);
    if (Mt < M) nde__mlp_gemm(M - Mt, N, K, A + Mt * am, am, ak, Bm, bk, 1, C + Mt * cm, cm, 1, add);
}

/* NDE_USE_CBLAS: products of at least NDE_CBLAS_MIN multiply-adds go to
   cblas_dgemm (link a CBLAS, e.g. -lopenblas). Its summation order is its
   own: results agree with the built-in kernels to rounding, not bit for
   bit, and whether they repeat across thread counts is the library's. */
#ifdef NDE_USE_CBLAS
#ifndef NDE_CBLAS_MIN
#define NDE_CBLAS_MIN 262144L
#endif
#define NDE__CBLAS_WANTED(M, N, K) ((double)(M) * (N) * (K) >= NDE_CBLAS_MIN)
#endif

/* C (M,N) = C0 + A (M,K) B (K,N) for B unit-stride along N, a row of C at
   a time: strips of 2 NDE__VW (then NDE__VW) elements of the row stay in
   registers while k runs 0..K-1, one vector multiply-add per term and
   strip; the N % NDE__VW last ones one by one. For the products that the
   tiles do not fit and that are wide in one direction: the weight gradient
   of a layer with 1-3 outputs (gW += gy^T x, M = out), gx = gy W of a layer
   with 1-7 outputs (K = out), a batch of 1 (K = 1), and, on the transpose,
   the weight and bias gradients of a layer with 1-7 inputs. 1.2-4.2x the
   small-shape kernel at widths 50-128 and batches 1-32 (AVX-512; with SSE2
   0.83-1.96x). The order is nde__mlp_gemm's: the same bits. C's columns
   may be cn apart. The strip is a function called with literal two and cn
   so that each call unrolls into plain vector code (a strip width or a
   stride known only at run time kept the strip in memory: 2x slower). */
static inline void nde__mlp_rows_strip(int two, int K, const double *a, long ak, const double *b, long bk, double *c,
                                       long cn, int add)
{
    double s0[NDE__VW], s1[NDE__VW]; /* the strip's vectors (s1 only when two) */
    int k, l;
    for (l = 0; l < NDE__VW; l++) s0[l] = s1[l] = 0.0;
    if (add) {
        for (l = 0; l < NDE__VW; l++) s0[l] = c[l * cn];
        if (two)
            for (l = 0; l < NDE__VW; l++) s1[l] = c[(NDE__VW + l) * cn];
    }
    for (k = 0; k < K; k++, b += bk) {
        double ak0 = a[k * ak];
        for (l = 0; l < NDE__VW; l++) s0[l] += ak0 * b[l];
        if (two)
            for (l = 0; l < NDE__VW; l++) s1[l] += ak0 * b[NDE__VW + l];
    }
    for (l = 0; l < NDE__VW; l++) c[l * cn] = s0[l];
    if (two)
        for (l = 0; l < NDE__VW; l++) c[(NDE__VW + l) * cn] = s1[l];
}

static void nde__mlp_gemm_rows(int M, int N, int K, const double *A, long am, long ak,
                               const double *Bm, long bk, double *C, long cm, long cn, int add)
{
    int m, n, k;
    for (m = 0; m < M; m++) {
        const double *a = A + m * am;
        double *c = C + m * cm;
        /* strips of two vectors, then one; literal arguments, so that each call unrolls */
        for (n = 0; n + 2 * NDE__VW <= N; n += 2 * NDE__VW) {
            if (cn == 1) nde__mlp_rows_strip(1, K, a, ak, Bm + n, bk, c + n, 1, add);
            else nde__mlp_rows_strip(1, K, a, ak, Bm + n, bk, c + n * cn, cn, add);
        }
        if (n + NDE__VW <= N) {
            if (cn == 1) nde__mlp_rows_strip(0, K, a, ak, Bm + n, bk, c + n, 1, add);
            else nde__mlp_rows_strip(0, K, a, ak, Bm + n, bk, c + n * cn, cn, add);
            n += NDE__VW;
        }
        for (; n < N; n++) {
            double t = add ? c[n * cn] : 0.0;
            for (k = 0; k < K; k++) t += a[k * ak] * Bm[k * bk + n];
            c[n * cn] = t;
        }
    }
}

/* C (M,N) = C0 + A (M,K) B (K,N) (as nde__mlp_gemm), choosing the kernel
   by shape: the blocked one when B and C run along N with unit stride and
   the product fills its tiles; the row kernel when N is wide with unit
   stride and M is below NDE__MR or K below 8, or on the transpose C^T =
   B^T A^T when M is wide with unit stride and N or K is below 8; else the
   small-shape one. Same bits on every path; with NDE_USE_CBLAS large
   products go to cblas_dgemm. */
static void nde__mlp_mm(int M, int N, int K, const double *A, long am, long ak,
                        const double *Bm, long bk, long bn, double *C, long cm, long cn, int add)
{
#ifdef NDE_USE_CBLAS
    if (bn == 1 && cn == 1 && (ak == 1 || am == 1) && NDE__CBLAS_WANTED(M, N, K)) {
        cblas_dgemm(CblasRowMajor, ak == 1 ? CblasNoTrans : CblasTrans, CblasNoTrans, M, N, K, 1.0, A,
                    (int)(ak == 1 ? am : ak), Bm, (int)bk, add ? 1.0 : 0.0, C, (int)cm);
        return;
    }
#endif
    if (bn == 1 && cn == 1 && M >= NDE__MR && N >= NDE__NR && K >= 8)
        nde__mlp_gemm_wide(M, N, K, A, am, ak, Bm, bk, C, cm, add);
    else if (bn == 1 && N >= NDE__VW && (M < NDE__MR || K < 8))
        nde__mlp_gemm_rows(M, N, K, A, am, ak, Bm, bk, C, cm, cn, add);
    else if (am == 1 && M >= NDE__VW && (N < 8 || K < 8))
        nde__mlp_gemm_rows(N, M, K, Bm, bn, bk, A, ak, C, cn, cm, add);
    else
        nde__mlp_gemm(M, N, K, A, am, ak, Bm, bk, bn, C, cm, cn, add);
}

/* y (B,out) = x (B,in) W^T + b for a narrow input, in = 1, 2 or 3 (the D
   or D + 1 columns of a first layer). Called with a literal in, so that
   the compiler unrolls the terms: a loop of two terms per output costs
   more in overhead than in arithmetic. Same sums as the dot form below. */
static void nde__mlp_linear_narrow(int B, int in, int out, const double *W, const double *b,
                                   const double *x, double *y)
{
    int r, o;
    for (r = 0; r < B; r++) {
        const double *xr = x + (size_t)r * in, *Wo = W;
        double *yr = y + (size_t)r * out;
        double x0 = xr[0], x1 = in > 1 ? xr[1] : 0.0, x2 = in > 2 ? xr[2] : 0.0; /* read once */
        for (o = 0; o < out; o++, Wo += in) {
            double s = Wo[0] * x0;
            if (in > 1) s += Wo[1] * x1;
            if (in > 2) s += Wo[2] * x2;
            yr[o] = b ? b[o] + s : s;
        }
    }
}

/* Rows [r0, r1) and outputs [o0, o1) of y = x W^T + b (b may be NULL) as
   dot products along the rows of W with four partial sums (independent add
   chains): output (r,o) is b_o + ((s0 + s1) + (s2 + s3)), s_j the sum over
   i = j mod 4 in increasing i, the last in % 4 terms added to s0. */
static void nde__mlp_linear_dot(int r0, int r1, int o0, int o1, int in, int out, const double *W,
                                const double *b, const double *x, double *y)
{
    int r, o, i;
    for (r = r0; r < r1; r++) {
        const double *xr = x + (size_t)r * in;
        double *yr = y + (size_t)r * out;
        for (o = o0; o < o1; o++) {
            const double *Wo = W + (size_t)o * in;
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            for (i = 0; i + 4 <= in; i += 4) {
                s0 += Wo[i] * xr[i];
                s1 += Wo[i + 1] * xr[i + 1];
                s2 += Wo[i + 2] * xr[i + 2];
                s3 += Wo[i + 3] * xr[i + 3];
            }
            for (; i < in; i++) s0 += Wo[i] * xr[i];
            yr[o] = (b ? b[o] : 0.0) + ((s0 + s1) + (s2 + s3));
        }
    }
}

/* One NDE__MR x NDE__VW tile of the wide forward with its four partial sums
   held in registers (sRJ: row R, lane J): lane j adds x's columns j, j+4,
   ... times the rows of its packed panel of W^T (Wt: (in, NDE__VW)) in
   increasing order, lane 0 then the remainder columns; y (rows out apart)
   = b + ((s0 + s1) + (s2 + s3)), the dot form's sums. */
static void nde__mlp_fwd_tile4(int q, int rem, const double *x, long in, const double *Wt, long out,
                               const double *b, double *y)
{
    const long ow = NDE__VW; /* Wt's row stride */
    double s00[NDE__VW], s01[NDE__VW], s02[NDE__VW], s03[NDE__VW], s10[NDE__VW], s11[NDE__VW], s12[NDE__VW], s13[NDE__VW], s20[NDE__VW], s21[NDE__VW], s22[NDE__VW], s23[NDE__VW], s30[NDE__VW], s31[NDE__VW], s32[NDE__VW], s33[NDE__VW];
    const double *x0 = x, *x1 = x0 + in, *x2 = x1 + in, *x3 = x2 + in;
    const double *W0 = Wt, *Wr = Wt + (long)q * ow, *W1 = Wr + (long)rem * ow;
    const double *W2 = W1 + (long)q * ow, *W3 = W2 + (long)q * ow;
    int k, l;
    for (l = 0; l < NDE__VW; l++) {
        s00[l] = s01[l] = s02[l] = s03[l] = 0.0;
        s10[l] = s11[l] = s12[l] = s13[l] = 0.0;
        s20[l] = s21[l] = s22[l] = s23[l] = 0.0;
        s30[l] = s31[l] = s32[l] = s33[l] = 0.0;
    }
    for (k = 0; k < q; k++) {
        const double *w0 = W0 + (long)k * ow, *w1 = W1 + (long)k * ow;
        const double *w2 = W2 + (long)k * ow, *w3 = W3 + (long)k * ow;
        int c = 4 * k;
        for (l = 0; l < NDE__VW; l++) {
            s00[l] += x0[c] * w0[l];
            s10[l] += x1[c] * w0[l];
            s20[l] += x2[c] * w0[l];
            s30[l] += x3[c] * w0[l];
        }
        for (l = 0; l < NDE__VW; l++) {
            s01[l] += x0[c + 1] * w1[l];
            s11[l] += x1[c + 1] * w1[l];
            s21[l] += x2[c + 1] * w1[l];
            s31[l] += x3[c + 1] * w1[l];
        }
        for (l = 0; l < NDE__VW; l++) {
            s02[l] += x0[c + 2] * w2[l];
            s12[l] += x1[c + 2] * w2[l];
            s22[l] += x2[c + 2] * w2[l];
            s32[l] += x3[c + 2] * w2[l];
        }
        for (l = 0; l < NDE__VW; l++) {
            s03[l] += x0[c + 3] * w3[l];
            s13[l] += x1[c + 3] * w3[l];
            s23[l] += x2[c + 3] * w3[l];
            s33[l] += x3[c + 3] * w3[l];
        }
    }
    for (k = 0; k < rem; k++) {
        const double *wr = Wr + (long)k * ow;
        int c = 4 * q + k;
        for (l = 0; l < NDE__VW; l++) {
            s00[l] += x0[c] * wr[l];
            s10[l] += x1[c] * wr[l];
            s20[l] += x2[c] * wr[l];
            s30[l] += x3[c] * wr[l];
        }
    }
    for (l = 0; l < NDE__VW; l++) {
        double bl = b ? b[l] : 0.0;
        y[0 * out + l] = bl + ((s00[l] + s01[l]) + (s02[l] + s03[l]));
        y[1 * out + l] = bl + ((s10[l] + s11[l]) + (s12[l] + s13[l]));
        y[2 * out + l] = bl + ((s20[l] + s21[l]) + (s22[l] + s23[l]));
        y[3 * out + l] = bl + ((s30[l] + s31[l]) + (s32[l] + s33[l]));
    }
}

/* Rows [m0, m1) (multiples of NDE__MR) of the wide forward, full tiles of
   NDE__VW outputs: nde__mlp_fwd_tile4 each. */
static void nde__mlp_fwd_rows(int m0, int m1, int in, int out, const double *Wt, const double *b,
                              const double *x, double *y)
{
    int q = in / 4, rem = in - 4 * q, Nt = out - out % NDE__VW, mb, m, n;
    for (mb = m0; mb < m1; mb += NDE__MC) {
        int me = mb + NDE__MC < m1 ? mb + NDE__MC : m1;
        for (n = 0; n < Nt; n += NDE__VW)
            for (m = mb; m < me; m += NDE__MR)
                nde__mlp_fwd_tile4(q, rem, x + (size_t)m * in, in, Wt + (size_t)n * in, out, b ? b + n : NULL,
                                   y + (size_t)m * out + n);
    }
}

/* The wide forward: the dot form's sums in the dot form's order on
   register tiles. W^T is packed into ws (in*out doubles) as panels of
   NDE__VW output columns, each panel (in, NDE__VW) contiguous with its rows
   in the order s0's (x's columns 0, 4, ..., then the remainder's), s1's,
   s2's, s3's: a tile reads its panel front to back (an unpacked W^T, rows
   a power of two apart, kept only a few cache sets busy: 2x slower at
   256 outputs). The last B % NDE__MR rows and the outputs past the last
   full panel take the dot loop. */
static void nde__mlp_linear_wide(int B, int in, int out, const double *W, const double *b,
                                 const double *x, double *y, double *ws)
{
    int q = in / 4, o, Mt = B - B % NDE__MR, Nt = out - out % NDE__VW;
    double *Wt = ws;
    for (o = 0; o < Nt; o += NDE__VW) { /* pack the panel of outputs o..o+VW-1: its row r holds
                                           column c(r) of those rows of W, c = j, j+4, ... for
                                           lane j = 0..3, the remainder columns after lane 0's */
        const double *Wo = W + (size_t)o * in;
        double *P = Wt + (size_t)o * in;
        int j, c, l;
        for (j = 0; j < 4; j++) {
            for (c = j; c < 4 * q; c += 4, P += NDE__VW)
                for (l = 0; l < NDE__VW; l++) P[l] = Wo[(size_t)l * in + c];
            for (c = 4 * q; j == 0 && c < in; c++, P += NDE__VW)
                for (l = 0; l < NDE__VW; l++) P[l] = Wo[(size_t)l * in + c];
        }
    }
#ifdef _OPENMP
    if ((double)B * out * in >= 2.0 * NDE__THREAD_MIN && Mt >= 2 * NDE__MC) { /* the forward's tiles
        are quicker than a product's: 2 threads lost at 524,288 multiply-adds (0.80x), gained from 2 million */
        int nj = (Mt + NDE__MC - 1) / NDE__MC, j;
#pragma omp parallel for schedule(static)
        for (j = 0; j < nj; j++)
            nde__mlp_fwd_rows(j * NDE__MC, (j + 1) * NDE__MC < Mt ? (j + 1) * NDE__MC : Mt, in, out, Wt, b, x, y);
    } else
#endif
        nde__mlp_fwd_rows(0, Mt, in, out, Wt, b, x, y);
    nde__mlp_linear_dot(0, Mt, Nt, out, in, out, W, b, x, y);
    nde__mlp_linear_dot(Mt, B, 0, out, in, out, W, b, x, y);
}

/* y (B,out) = x (B,in) W^T + b; b may be NULL (then this is the tangent
   dy = W dx). Inputs of 1 to 3 columns go to the unrolled loop above,
   wider ones to the dot loop, or (same sums in the same order) to the
   blocked kernel when the batch and the layer fill its tiles; ws is
   scratch of in*out doubles. The results do not depend on the path taken:
   a batch gives the bits of its rows one at a time. */
static void nde__mlp_linear_forward(int B, int in, int out, const double *W, const double *b,
                                    const double *x, double *y, double *ws)
{
    switch (in) {
    case 1: nde__mlp_linear_narrow(B, 1, out, W, b, x, y); return;
    case 2: nde__mlp_linear_narrow(B, 2, out, W, b, x, y); return;
    case 3: nde__mlp_linear_narrow(B, 3, out, W, b, x, y); return;
    default: break;
    }
#ifdef NDE_USE_CBLAS
    if (NDE__CBLAS_WANTED(B, out, in)) {
        int r, o;
        for (r = 0; r < B; r++)
            for (o = 0; o < out; o++) y[(size_t)r * out + o] = b ? b[o] : 0.0;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, out, in, 1.0, x, in, W, in, 1.0, y, out);
        return;
    }
#endif
    if (B >= 2 * NDE__MR && out >= NDE__NR && in >= 32) nde__mlp_linear_wide(B, in, out, W, b, x, y, ws);
    else nde__mlp_linear_dot(0, B, 0, out, in, out, W, b, x, y);
}

/* Backward of y = W x + b for a cotangent gy (B,out):
     gx (B,in)   = gy W                 written; skipped when gx is NULL
     gW (out,in) += gy^T x              when gW is not NULL
     gb (out)    += sum over rows of gy when gb is not NULL
   All three are tiled products, so gW and gb are summed over the rows in
   registers and written once; gb is gy^T times a column of ones (exact
   multiplications: the same sums as adding the rows one by one). */
static void nde__mlp_linear_backward(int B, int in, int out, const double *W, const double *x,
                                     const double *gy, double *gx, double *gW, double *gb)
{
    static const double one = 1.0;
    if (gx) nde__mlp_mm(B, in, out, gy, out, 1, W, in, 1, gx, in, 1, 0); /* gy (B,out) W (out,in) */
    if (gW) nde__mlp_mm(out, in, B, gy, 1, out, x, in, 1, gW, in, 1, 1); /* gy^T (out,B) x (B,in) */
    if (gb) nde__mlp_mm(out, 1, B, gy, 1, out, &one, 0, 0, gb, 1, 0, 1); /* gy^T (out,B) 1 (B,1) */
}

/* ===================================================================== */
/* MLP: construction and initialisation                                   */
/* ===================================================================== */
/*
   Layers are appended to a list, then nde_mlp_build lays all W and b out
   in one flat block (W before b, layer after layer) so that optimizers,
   gradient checks and files see a single vector theta (P).
   Glorot/Xavier uniform: W ~ U(-s, s), s = sqrt(6 / (in + out))
   [Glorot & Bengio 2010, eq 16]; biases start at zero.
*/

#define NDE__MLP_MAX_WIDTH (1 << 24)

/* Layers with a weight matrix and a bias in the flat block. */
static int nde__layer_has_params(int kind)
{
    return kind == NDE_LAYER_LINEAR || kind == NDE_LAYER_RESIDUAL;
}

/* Width of the network input: y, plus one column for t with NDE_INPUT_TIME. */
static int nde__mlp_n0(const nde_mlp *m)
{
    return m->in_dim + ((m->flags & NDE_INPUT_TIME) ? 1 : 0);
}

NDEDEF int nde_mlp_init(nde_mlp *m, int in_dim, int flags, char *msg)
{
    if (!m) { nde__msg(msg, "nde_mlp_init: m is NULL"); return NDE_ERR_ARG; }
    memset(m, 0, sizeof *m);
    if (in_dim < 1 || in_dim > NDE__MLP_MAX_WIDTH) {
        nde__msg(msg, "nde_mlp_init: in_dim = %d must be in [1, %d]", in_dim, NDE__MLP_MAX_WIDTH);
        return NDE_ERR_ARG;
    }
    if (flags & ~(NDE_INPUT_CUBE | NDE_INPUT_TIME)) {
        nde__msg(msg, "nde_mlp_init: flags = %d has bits other than NDE_INPUT_CUBE | NDE_INPUT_TIME", flags);
        return NDE_ERR_ARG;
    }
    m->in_dim = in_dim;
    m->flags = flags;
    m->out_dim = nde__mlp_n0(m); /* the width the next layer receives */
    return NDE_OK;
}

/* Common checks of the nde_mlp_add_* calls; returns the new layer or NULL. */
static nde_layer *nde__mlp_append(nde_mlp *m, int kind, const char *fn, char *msg)
{
    nde_layer *L;
    if (!m) { nde__msg(msg, "%s: m is NULL", fn); return NULL; }
    if (m->in_dim < 1) { nde__msg(msg, "%s: m is not initialised (call nde_mlp_init first)", fn); return NULL; }
    if (m->params) { nde__msg(msg, "%s: m is already built; add layers before nde_mlp_build", fn); return NULL; }
    if (m->nlayers >= NDE_MLP_MAX_LAYERS) {
        nde__msg(msg, "%s: too many layers (NDE_MLP_MAX_LAYERS = %d)", fn, NDE_MLP_MAX_LAYERS);
        return NULL;
    }
    L = &m->layer[m->nlayers];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->in = m->out_dim;
    L->out = m->out_dim;
    L->act = NDE_ACT_IDENTITY;
    L->off = -1;
    snprintf(L->name, sizeof L->name, "L%d", m->nlayers);
    return L;
}

NDEDEF int nde_mlp_add_linear(nde_mlp *m, int out, char *msg)
{
    nde_layer *L;
    if (out < 1 || out > NDE__MLP_MAX_WIDTH) {
        nde__msg(msg, "nde_mlp_add_linear: out = %d must be in [1, %d]", out, NDE__MLP_MAX_WIDTH);
        return NDE_ERR_ARG;
    }
    L = nde__mlp_append(m, NDE_LAYER_LINEAR, "nde_mlp_add_linear", msg);
    if (!L) return NDE_ERR_ARG;
    L->out = out;
    m->out_dim = out;
    m->nlayers++;
    return NDE_OK;
}

/* An activation or residual layer: both carry an activation. */
static int nde__mlp_add_with_act(nde_mlp *m, int kind, int act, const char *fn, char *msg)
{
    nde_layer *L;
    if (act < 0 || act >= NDE_ACT_COUNT) {
        nde__msg(msg, "%s: act = %d is not an nde_act", fn, act);
        return NDE_ERR_ARG;
    }
    L = nde__mlp_append(m, kind, fn, msg);
    if (!L) return NDE_ERR_ARG;
    L->act = act;
    m->nlayers++;
    return NDE_OK;
}

NDEDEF int nde_mlp_add_act(nde_mlp *m, int act, char *msg)
{
    return nde__mlp_add_with_act(m, NDE_LAYER_ACT, act, "nde_mlp_add_act", msg);
}

NDEDEF int nde_mlp_add_residual(nde_mlp *m, int act, char *msg)
{
    return nde__mlp_add_with_act(m, NDE_LAYER_RESIDUAL, act, "nde_mlp_add_residual", msg);
}

/* Dropout rates live on a grid of 2^-32 so that a model file (a u32 per layer
   field) stores them exactly. */
#define NDE__DROPOUT_GRID 4294967296.0

NDEDEF int nde_mlp_add_dropout(nde_mlp *m, double p, char *msg)
{
    nde_layer *L;
    double k = floor(p * NDE__DROPOUT_GRID + 0.5);
    if (!(p >= 0.0 && p < 1.0) || k >= NDE__DROPOUT_GRID) {
        nde__msg(msg, "nde_mlp_add_dropout: p = %g must be in [0, 1)", p);
        return NDE_ERR_ARG;
    }
    L = nde__mlp_append(m, NDE_LAYER_DROPOUT, "nde_mlp_add_dropout", msg);
    if (!L) return NDE_ERR_ARG;
    L->rate = k / NDE__DROPOUT_GRID;
    m->nlayers++;
    return NDE_OK;
}

NDEDEF int nde_mlp_build(nde_mlp *m, char *msg)
{
    int l, w;
    double P = 0.0; /* counted in double first: no overflow on the way */
    if (!m) { nde__msg(msg, "nde_mlp_build: m is NULL"); return NDE_ERR_ARG; }
    if (m->in_dim < 1) { nde__msg(msg, "nde_mlp_build: m is not initialised (call nde_mlp_init first)"); return NDE_ERR_ARG; }
    if (m->params) { nde__msg(msg, "nde_mlp_build: m is already built"); return NDE_ERR_ARG; }
    if (m->nlayers < 1 || m->nlayers > NDE_MLP_MAX_LAYERS) {
        nde__msg(msg, "nde_mlp_build: nlayers = %d: add 1 to %d layers before building",
                 m->nlayers, NDE_MLP_MAX_LAYERS);
        return NDE_ERR_ARG;
    }
    /* validate the chain of widths (the list may have been filled by hand) */
    w = nde__mlp_n0(m);
    for (l = 0; l < m->nlayers; l++) {
        nde_layer *L = &m->layer[l];
        if (L->in != w || L->out < 1 || L->out > NDE__MLP_MAX_WIDTH) {
            nde__msg(msg, "nde_mlp_build: layer L%d has in = %d, out = %d; expected in = %d, out >= 1",
                     l, L->in, L->out, w);
            return NDE_ERR_ARG;
        }
        if (L->kind < NDE_LAYER_LINEAR || L->kind > NDE_LAYER_DROPOUT) {
            nde__msg(msg, "nde_mlp_build: layer L%d has kind = %d, not an nde_layer_kind", l, L->kind);
            return NDE_ERR_ARG;
        }
        if (L->kind != NDE_LAYER_LINEAR && L->out != L->in) {
            nde__msg(msg, "nde_mlp_build: layer L%d (%s) is not square: in = %d, out = %d", l,
                     L->kind == NDE_LAYER_ACT ? "activation" : L->kind == NDE_LAYER_DROPOUT ? "dropout" : "residual",
                     L->in, L->out);
            return NDE_ERR_ARG;
        }
        if (L->kind != NDE_LAYER_LINEAR && (L->act < 0 || L->act >= NDE_ACT_COUNT)) {
            nde__msg(msg, "nde_mlp_build: layer L%d has act = %d, not an nde_act", l, L->act);
            return NDE_ERR_ARG;
        }
        if (L->kind == NDE_LAYER_DROPOUT && !(L->rate >= 0.0 && L->rate < 1.0)) {
            nde__msg(msg, "nde_mlp_build: layer L%d has dropout rate %g, not in [0, 1)", l, L->rate);
            return NDE_ERR_ARG;
        }
        if (nde__layer_has_params(L->kind)) P += (double)L->out * (L->in + 1);
        w = L->out;
    }
    if (P > 2147483647.0) {
        nde__msg(msg, "nde_mlp_build: %.0f parameters exceed the limit 2^31 - 1", P);
        return NDE_ERR_ARG;
    }
    m->out_dim = w;
    m->nparams = (long)P;
    m->params = (double *)NDE_MALLOC((size_t)(m->nparams > 0 ? m->nparams : 1) * sizeof(double));
    if (!m->params) {
        nde__msg(msg, "nde_mlp_build: out of memory for %ld parameters", m->nparams);
        m->nparams = 0;
        return NDE_ERR_NOMEM;
    }
    memset(m->params, 0, (size_t)m->nparams * sizeof(double));
    /* views: W (out,in) then b (out), layer after layer; dropout columns */
    {
        long off = 0;
        m->mask_w = 0;
        for (l = 0; l < m->nlayers; l++) {
            nde_layer *L = &m->layer[l];
            if (!nde__layer_has_params(L->kind)) {
                L->off = -1; L->W = NULL; L->b = NULL;
                if (L->kind == NDE_LAYER_DROPOUT) { L->moff = m->mask_w; m->mask_w += L->out; }
                continue;
            }
            L->off = off;
            L->W = m->params + off;
            L->b = L->W + (long)L->out * L->in;
            off += (long)L->out * (L->in + 1);
        }
    }
    return NDE_OK;
}

NDEDEF int nde_mlp_dense(nde_mlp *m, int n, const int *widths, int act, int flags, char *msg)
{
    int k, st;
    if (!m) { nde__msg(msg, "nde_mlp_dense: m is NULL"); return NDE_ERR_ARG; }
    memset(m, 0, sizeof *m);
    if (!widths) { nde__msg(msg, "nde_mlp_dense: widths is NULL"); return NDE_ERR_ARG; }
    if (n < 2 || n > NDE_MLP_MAX_LAYERS / 2 + 1) {
        nde__msg(msg, "nde_mlp_dense: n = %d widths; need 2 to %d", n, NDE_MLP_MAX_LAYERS / 2 + 1);
        return NDE_ERR_ARG;
    }
    if (act < 0 || act >= NDE_ACT_COUNT) {
        nde__msg(msg, "nde_mlp_dense: act = %d is not an nde_act", act);
        return NDE_ERR_ARG;
    }
    st = nde_mlp_init(m, widths[0], flags, msg);
    for (k = 1; st == NDE_OK && k < n; k++) {
        st = nde_mlp_add_linear(m, widths[k], msg);
        if (st == NDE_OK && k < n - 1) st = nde_mlp_add_act(m, act, msg);
    }
    if (st == NDE_OK) st = nde_mlp_build(m, msg);
    if (st != NDE_OK) nde_mlp_free(m);
    return st;
}

NDEDEF void nde_mlp_free(nde_mlp *m)
{
    int l;
    if (!m) return;
    if (m->params) NDE_FREE(m->params);
    if (m->work) NDE_FREE(m->work);
    if (m->mask) NDE_FREE(m->mask);
    m->params = NULL;
    m->work = NULL;
    m->mask = NULL;
    m->mask_rows = m->mask_cap = 0;
    m->nparams = 0;
    m->cap = 0;
    m->work_len = 0;
    for (l = 0; l < m->nlayers && l < NDE_MLP_MAX_LAYERS; l++) {
        m->layer[l].W = NULL;
        m->layer[l].b = NULL;
    }
}

NDEDEF void nde_mlp_init_glorot(nde_mlp *m, nde_rng *r)
{
    int l;
    long k;
    if (!m || !m->params || !r) return;
    for (l = 0; l < m->nlayers; l++) {
        nde_layer *L = &m->layer[l];
        long nW = (long)L->out * L->in;
        double s = sqrt(6.0 / (double)(L->in + L->out));
        if (L->off < 0) continue;
        for (k = 0; k < nW; k++) L->W[k] = s * (2.0 * nde_rng_uniform(r) - 1.0);
        for (k = 0; k < L->out; k++) L->b[k] = 0.0;
    }
}

NDEDEF void nde_mlp_init_normal(nde_mlp *m, nde_rng *r, double sigma)
{
    int l;
    long k;
    if (!m || !m->params || !r) return;
    for (l = 0; l < m->nlayers; l++) {
        nde_layer *L = &m->layer[l];
        long nW = (long)L->out * L->in;
        if (L->off < 0) continue;
        for (k = 0; k < nW; k++) L->W[k] = sigma * nde_rng_normal(r);
        for (k = 0; k < L->out; k++) L->b[k] = 0.0;
    }
}

/* ===================================================================== */
/* MLP: dropout with a mask fixed per solve                               */
/* ===================================================================== */
/*
   forward   y = m * x,  m_i = 0 with probability p, else 1/(1-p)   (E[y] = x)
   tangent   dy = m * dx;  backward  gx = m * gy;  tangent of backward  dgx = m * dgy
   [Srivastava et al. 2014, "Dropout", JMLR 15, section 10: the inverted form].
   A mask redrawn at every evaluation (as torch's nn.Dropout in an ODE
   function does) makes f a different function at every stage of every step,
   so an adaptive solver's error estimate and the adjoint's backward solve see
   noise; one mask per solve keeps f a smooth deterministic function and
   every product below exact for it. Masks are per row (each trajectory its
   own subnetwork); a batch of another size wraps around the drawn rows.
*/

NDEDEF int nde_mlp_dropout_sample(nde_mlp *m, nde_rng *r, int rows, char *msg)
{
    int l, i;
    long k;
    if (!m || !r) { nde__msg(msg, "nde_mlp_dropout_sample: %s is NULL", !m ? "m" : "r"); return NDE_ERR_ARG; }
    if (!m->params) { nde__msg(msg, "nde_mlp_dropout_sample: m is not built (call nde_mlp_build)"); return NDE_ERR_ARG; }
    if (rows < 1) { nde__msg(msg, "nde_mlp_dropout_sample: rows = %d must be >= 1", rows); return NDE_ERR_ARG; }
    if (m->mask_w == 0) { m->mask_rows = rows; return NDE_OK; } /* no dropout layer: nothing to draw */
    if (rows > m->mask_cap) {
        double *nm;
        if ((size_t)rows > ((size_t)-1 / sizeof(double)) / (size_t)m->mask_w) {
            nde__msg(msg, "nde_mlp_dropout_sample: rows = %d: mask too large", rows);
            return NDE_ERR_NOMEM;
        }
        nm = (double *)NDE_MALLOC((size_t)rows * m->mask_w * sizeof(double));
        if (!nm) { nde__msg(msg, "nde_mlp_dropout_sample: out of memory for %d mask rows", rows); return NDE_ERR_NOMEM; }
        if (m->mask) NDE_FREE(m->mask);
        m->mask = nm;
        m->mask_cap = rows;
    }
    for (i = 0; i < rows; i++)
        for (l = 0; l < m->nlayers; l++) {
            const nde_layer *L = &m->layer[l];
            double keep, *mr;
            if (L->kind != NDE_LAYER_DROPOUT) continue;
            keep = 1.0 / (1.0 - L->rate);
            mr = m->mask + (size_t)i * m->mask_w + L->moff;
            for (k = 0; k < L->out; k++) mr[k] = nde_rng_uniform(r) < L->rate ? 0.0 : keep;
        }
    m->mask_rows = rows;
    return NDE_OK;
}

NDEDEF void nde_mlp_dropout_off(nde_mlp *m)
{
    if (m) m->mask_rows = 0;
}

/* y (B,w) = mask * x (B,w) for dropout layer L, the product rule of every
   pass (forward, tangent, cotangent and its tangent); a copy in evaluation
   mode. y must not overlap x. */
static void nde__mlp_dropout_apply(const nde_mlp *m, const nde_layer *L, int B, const double *x, double *y)
{
    int r, w = L->out;
    long k;
    if (m->mask_rows < 1 || !m->mask) { memcpy(y, x, (size_t)B * w * sizeof(double)); return; }
    for (r = 0; r < B; r++) {
        const double *mr = m->mask + (size_t)(r % m->mask_rows) * m->mask_w + L->moff;
        const double *xr = x + (size_t)r * w;
        double *yr = y + (size_t)r * w;
        for (k = 0; k < w; k++) yr[k] = mr[k] * xr[k];
    }
}

/* ===================================================================== */
/* MLP: workspace (the tape of one batch)                                 */
/* ===================================================================== */
/*
   One block of doubles, grown on demand to B rows and reused by every call
   (no allocation in the steady state). For a batch of B rows it holds:
     a0, da0       (B,n0)          network input y or y^3 (+ t) and its tangent
     Y[l], dY[l]   (B,out_l)       output of layer l and its tangent
     Z[l], S[l]    (B,w)           residual layers: z = W x + b and s(z)
     dZ[l]         (B,w)           tangent of z
     G[3], dG[3]   (B,maxw)        reverse-mode cotangents and their tangents
     scratch       (B,4*n0)        for the nde_system callbacks
     fw            (in*out)        for the widest layer: the wide forward's packed W^T
   The layer input X[l] is X[0] = a0 (or the caller's x when there is no
   input transform) and X[l+1] = Y[l]. Not thread-safe: one nde_mlp per thread.
*/

typedef struct nde__mlp_tape {
    const double *X[NDE_MLP_MAX_LAYERS + 1];  /* (B,in_l) layer inputs */
    double *Y[NDE_MLP_MAX_LAYERS];            /* (B,out_l) layer outputs */
    double *Z[NDE_MLP_MAX_LAYERS];            /* (B,w) residual pre-activations */
    double *S[NDE_MLP_MAX_LAYERS];            /* (B,w) residual s(z) */
    const double *dX[NDE_MLP_MAX_LAYERS + 1]; /* tangents of X, Y, Z */
    double *dY[NDE_MLP_MAX_LAYERS];
    double *dZ[NDE_MLP_MAX_LAYERS];
    double *a0, *da0;                         /* (B,n0) */
    double *G[3], *dG[3];                     /* (B,maxw) */
    double *scratch;                          /* (B,4*n0) */
    double *fw;                               /* (in*out) of the widest layer */
} nde__mlp_tape;

/* Ensure the workspace holds B rows and point the tape into it.
   Returns NDE_OK or NDE_ERR_NOMEM (the old workspace is kept). */
static int nde__mlp_setup(nde_mlp *m, int B, nde__mlp_tape *tp)
{
    int l, n0 = nde__mlp_n0(m), maxw = n0;
    size_t row = 0, Bs = (size_t)B, wt = 0, len;
    double *w;
    for (l = 0; l < m->nlayers; l++) {
        const nde_layer *L = &m->layer[l];
        row += (size_t)L->out * (L->kind == NDE_LAYER_RESIDUAL ? 5 : 2); /* Y dY (Z S dZ) */
        if (L->out > maxw) maxw = L->out;
        if (L->kind != NDE_LAYER_ACT && (size_t)L->in * L->out > wt) wt = (size_t)L->in * L->out;
    }
    row += 2 * (size_t)n0 + 6 * (size_t)maxw + 4 * (size_t)n0;
    if (B > m->cap || !m->work) {
        double *nw;
        if (Bs > ((size_t)-1 / sizeof(double) - wt) / row) return NDE_ERR_NOMEM;
        len = Bs * row + wt;
        nw = (double *)NDE_MALLOC(len * sizeof(double));
        if (!nw) return NDE_ERR_NOMEM;
        if (m->work) NDE_FREE(m->work);
        m->work = nw;
        m->cap = B;
        m->work_len = (long)len;
    }
    w = m->work;
    tp->a0 = w; w += Bs * n0;
    tp->da0 = w; w += Bs * n0;
    for (l = 0; l < m->nlayers; l++) {
        const nde_layer *L = &m->layer[l];
        size_t n = Bs * L->out;
        tp->Y[l] = w; w += n;
        tp->dY[l] = w; w += n;
        if (L->kind == NDE_LAYER_RESIDUAL) {
            tp->Z[l] = w; w += n;
            tp->S[l] = w; w += n;
            tp->dZ[l] = w; w += n;
        } else {
            tp->Z[l] = tp->S[l] = tp->dZ[l] = NULL;
        }
    }
    for (l = 0; l < 3; l++) { tp->G[l] = w; w += Bs * maxw; }
    for (l = 0; l < 3; l++) { tp->dG[l] = w; w += Bs * maxw; }
    tp->scratch = w; w += Bs * 4 * n0;
    tp->fw = w;
    return NDE_OK;
}

/* ===================================================================== */
/* MLP: the input layer a0 = (y or y^3, t)                                */
/* ===================================================================== */
/*
   forward   a0 = y^3 (NDE_INPUT_CUBE, else y), then t (NDE_INPUT_TIME)
   tangent   da0 = 3 y^2 u, then 0       (t is not a direction of u)
   backward  gy += 3 y^2 ga0,  gt += sum over rows of ga0[t column]
   tangent of the backward: hy += 6 y u ga0 + 3 y^2 dga0,  ht += dga0[t]
   Source: the tutorial's cubic input (eq 18, h^3); the chain rule.
*/

/* a0 (B,n0) from x (B,D) and t; returns x itself when there is no transform. */
static const double *nde__mlp_input_forward(const nde_mlp *m, int B, const double *x, double t,
                                            double *a0)
{
    int r, i, D = m->in_dim, n0 = nde__mlp_n0(m), cube = m->flags & NDE_INPUT_CUBE;
    if (!m->flags) return x;
    for (r = 0; r < B; r++) {
        const double *xr = x + (size_t)r * D;
        double *ar = a0 + (size_t)r * n0;
        if (cube) for (i = 0; i < D; i++) ar[i] = xr[i] * xr[i] * xr[i];
        else for (i = 0; i < D; i++) ar[i] = xr[i];
        if (n0 > D) ar[D] = t;
    }
    return a0;
}

/* da0 (B,n0) = d a0 / dx along u (B,D); returns u itself without a transform. */
static const double *nde__mlp_input_tangent(const nde_mlp *m, int B, const double *x,
                                            const double *u, double *da0)
{
    int r, i, D = m->in_dim, n0 = nde__mlp_n0(m), cube = m->flags & NDE_INPUT_CUBE;
    if (!m->flags) return u;
    for (r = 0; r < B; r++) {
        const double *xr = x + (size_t)r * D, *ur = u + (size_t)r * D;
        double *dr = da0 + (size_t)r * n0;
        if (cube) for (i = 0; i < D; i++) dr[i] = 3.0 * xr[i] * xr[i] * ur[i];
        else for (i = 0; i < D; i++) dr[i] = ur[i];
        if (n0 > D) dr[D] = 0.0;
    }
    return da0;
}

/* Backward of the input layer for ga0 (B,n0): gx (B,D) += ..., gt += ...
   With tangents (dga0 and u not NULL): hx (B,D) += ..., ht += ...
   Any output may be NULL. */
static void nde__mlp_input_backward(const nde_mlp *m, int B, const double *x, const double *ga0,
                                    double *gx, double *gt, const double *u, const double *dga0,
                                    double *hx, double *ht)
{
    int r, i, D = m->in_dim, n0 = nde__mlp_n0(m), cube = m->flags & NDE_INPUT_CUBE;
    for (r = 0; r < B; r++) {
        const double *xr = x + (size_t)r * D, *gr = ga0 + (size_t)r * n0;
        if (gx) {
            double *gxr = gx + (size_t)r * D;
            if (cube) for (i = 0; i < D; i++) gxr[i] += 3.0 * xr[i] * xr[i] * gr[i];
            else for (i = 0; i < D; i++) gxr[i] += gr[i];
        }
        if (gt && n0 > D) *gt += gr[D];
        if (dga0) {
            const double *ur = u + (size_t)r * D, *dr = dga0 + (size_t)r * n0;
            if (hx) {
                double *hxr = hx + (size_t)r * D;
                if (cube)
                    for (i = 0; i < D; i++)
                        hxr[i] += 6.0 * xr[i] * ur[i] * gr[i] + 3.0 * xr[i] * xr[i] * dr[i];
                else for (i = 0; i < D; i++) hxr[i] += dr[i];
            }
            if (ht && n0 > D) *ht += dr[D];
        }
    }
}

/* ===================================================================== */
/* MLP: forward, tangent and reverse passes over the layers               */
/* ===================================================================== */
/*
   layer      forward                 tangent (dx -> dy)          backward (gy -> gx)
   linear     y = W x + b             dy = W dx                   gx = W^T gy
   act        y = s(x)                dy = s'(x) dx               gx = s'(x) gy
   residual   z = W x + b             dz = W dx                   gz = s'(z) gy
              y = x + s(z)            dy = dx + s'(z) dz          gx = gy + W^T gz
   Parameter gradients: gW += gz x^T (gy x^T for linear), gb += gz.
   Forward-over-reverse differentiates each backward along the tangent
   (product rule; gout is fixed so its tangent is zero):
     act       dgx = s''(x) dx gy + s'(x) dgy
     residual  dgz = s''(z) dz gy + s'(z) dgy,  dgx = dgy + W^T dgz,
               dgW += dgz x^T + gz dx^T,  dgb += dgz
   Every kernel takes the parameter block p (P) explicitly, so a solver may
   evaluate the network at any theta without touching m->params.
*/

/* Forward only, keeping nothing: the layers alternate between two buffers
   (a residual's z goes to a third); the last layer writes into out
   (B,out_dim) directly. out must not overlap x. */
static void nde__mlp_forward_lean(const nde_mlp *m, const double *p, int B, const double *x,
                                  double t, nde__mlp_tape *tp, double *out)
{
    const double *cur = nde__mlp_input_forward(m, B, x, t, tp->a0);
    double *own = cur == x ? NULL : tp->a0; /* cur when it is a workspace buffer */
    int l;
    for (l = 0; l < m->nlayers; l++) {
        const nde_layer *L = &m->layer[l];
        long n = (long)B * L->out, k;
        double *dst;
        if (l == m->nlayers - 1) dst = out;
        else dst = own == tp->G[0] ? tp->G[1] : tp->G[0];
        switch (L->kind) {
        case NDE_LAYER_LINEAR:
            nde__mlp_linear_forward(B, L->in, L->out, p + L->off, p + L->off + (long)L->out * L->in, cur, dst, tp->fw);
            break;
        case NDE_LAYER_ACT:
            nde__mlp_act_forward(L->act, n, cur, dst);
            break;
        case NDE_LAYER_DROPOUT:
            nde__mlp_dropout_apply(m, L, B, cur, dst);
            break;
        default: /* residual: G[2] = z, then dst = x + s(z) */
            nde__mlp_linear_forward(B, L->in, L->out, p + L->off, p + L->off + (long)L->out * L->in, cur, tp->G[2], tp->fw);
            nde__mlp_act_forward(L->act, n, tp->G[2], dst);
            for (k = 0; k < n; k++) dst[k] += cur[k];
            break;
        }
        cur = own = dst;
    }
}

/* Forward, keeping every activation on the tape for the products. With
   want_out = 0 a last linear layer is skipped: the tangent and reverse
   passes read its input X, never its output (for the 2-50-2 net that is a
   quarter of the multiply-adds of a vjp). */
static void nde__mlp_primal(const nde_mlp *m, const double *p, int B, const double *x, double t,
                            nde__mlp_tape *tp, int want_out)
{
    int l, nl = m->nlayers;
    if (!want_out && m->layer[nl - 1].kind == NDE_LAYER_LINEAR) nl--;
    tp->X[0] = nde__mlp_input_forward(m, B, x, t, tp->a0);
    for (l = 0; l < nl; l++) {
        const nde_layer *L = &m->layer[l];
        long n = (long)B * L->out, k;
        const double *W = p + L->off, *b = p + L->off + (long)L->out * L->in;
        const double *X = tp->X[l];
        double *Y = tp->Y[l];
        switch (L->kind) {
        case NDE_LAYER_LINEAR:
            nde__mlp_linear_forward(B, L->in, L->out, W, b, X, Y, tp->fw);
            break;
        case NDE_LAYER_ACT:
            nde__mlp_act_forward(L->act, n, X, Y);
            break;
        case NDE_LAYER_DROPOUT:
            nde__mlp_dropout_apply(m, L, B, X, Y);
            break;
        default:
            nde__mlp_linear_forward(B, L->in, L->out, W, b, X, tp->Z[l], tp->fw);
            nde__mlp_act_forward(L->act, n, tp->Z[l], tp->S[l]);
            for (k = 0; k < n; k++) Y[k] = X[k] + tp->S[l][k];
            break;
        }
        tp->X[l + 1] = Y;
    }
}

/* Tangent pass along u (B,D) after nde__mlp_primal: fills dX, dY, dZ. */
static void nde__mlp_tangent(const nde_mlp *m, const double *p, int B, const double *x,
                             const double *u, nde__mlp_tape *tp)
{
    int l;
    tp->dX[0] = nde__mlp_input_tangent(m, B, x, u, tp->da0);
    for (l = 0; l < m->nlayers; l++) {
        const nde_layer *L = &m->layer[l];
        long n = (long)B * L->out, k;
        const double *W = p + L->off;
        const double *dX = tp->dX[l];
        double *dY = tp->dY[l];
        switch (L->kind) {
        case NDE_LAYER_LINEAR:
            nde__mlp_linear_forward(B, L->in, L->out, W, NULL, dX, dY, tp->fw);
            break;
        case NDE_LAYER_ACT:
            nde__mlp_act_mul_d1(L->act, n, tp->X[l], tp->Y[l], dX, dY);
            break;
        case NDE_LAYER_DROPOUT:
            nde__mlp_dropout_apply(m, L, B, dX, dY);
            break;
        default:
            nde__mlp_linear_forward(B, L->in, L->out, W, NULL, dX, tp->dZ[l], tp->fw);
            nde__mlp_act_mul_d1(L->act, n, tp->Z[l], tp->S[l], tp->dZ[l], dY);
            for (k = 0; k < n; k++) dY[k] += dX[k];
            break;
        }
        tp->dX[l + 1] = dY;
    }
}

/* Reverse pass for the cotangent gout (B,out_dim) after nde__mlp_primal,
   ADDING into gx (B,D), gp (P), gt (1). With tangent set (after
   nde__mlp_tangent along u) it also carries the tangents of every
   cotangent and ADDS hx (B,D) = (dg/dx) u, hp (P) = d/dp (g . u) and
   ht (1) = d/dx (dnet/dt . gout) u. Any output may be NULL. */
static void nde__mlp_reverse(const nde_mlp *m, const double *p, int B, const double *x,
                             const double *gout, int tangent, const double *u, nde__mlp_tape *tp,
                             double *gx, double *gp, double *gt, double *hx, double *hp, double *ht)
{
    const double *gy = gout, *dgy = NULL;
    int l, c = 0;
    int need_in = gx || gt || (tangent && (hx || ht));
    if (tangent) {
        memset(tp->dG[1], 0, (size_t)B * m->out_dim * sizeof(double)); /* d gout = 0 */
        dgy = tp->dG[1];
    }
    for (l = m->nlayers - 1; l >= 0; l--) {
        const nde_layer *L = &m->layer[l];
        long n = (long)B * L->out, k;
        long offb = L->off + (long)L->out * L->in;
        const double *W = p + L->off, *X = tp->X[l];
        double *gxb = (l > 0 || need_in) ? tp->G[c] : NULL;
        double *dgxb = (tangent && gxb) ? tp->dG[c] : NULL;
        double *gW = gp && L->off >= 0 ? gp + L->off : NULL, *gb = gW ? gp + offb : NULL;
        double *hW = tangent && hp && L->off >= 0 ? hp + L->off : NULL, *hb = hW ? hp + offb : NULL;
        switch (L->kind) {
        case NDE_LAYER_LINEAR:
            nde__mlp_linear_backward(B, L->in, L->out, W, X, gy, gxb, gW, gb);
            if (tangent) {
                nde__mlp_linear_backward(B, L->in, L->out, W, X, dgy, dgxb, hW, hb);
                if (hW) nde__mlp_linear_backward(B, L->in, L->out, W, tp->dX[l], gy, NULL, hW, NULL);
            }
            break;
        case NDE_LAYER_ACT:
            if (gxb) nde__mlp_act_mul_d1(L->act, n, X, tp->Y[l], gy, gxb);
            if (dgxb)
                nde__mlp_act_tangent_backward(L->act, n, X, tp->Y[l], tp->dX[l], gy, dgy, dgxb);
            break;
        case NDE_LAYER_DROPOUT: /* linear in x: the mask times each cotangent */
            if (gxb) nde__mlp_dropout_apply(m, L, B, gy, gxb);
            if (dgxb) nde__mlp_dropout_apply(m, L, B, dgy, dgxb);
            break;
        default: { /* residual */
            double *gz = tp->G[2], *dgz = tp->dG[2];
            nde__mlp_act_mul_d1(L->act, n, tp->Z[l], tp->S[l], gy, gz);
            nde__mlp_linear_backward(B, L->in, L->out, W, X, gz, gxb, gW, gb);
            if (gxb) for (k = 0; k < n; k++) gxb[k] += gy[k];
            if (tangent && (dgxb || hW)) {
                nde__mlp_act_tangent_backward(L->act, n, tp->Z[l], tp->S[l], tp->dZ[l], gy, dgy, dgz);
                nde__mlp_linear_backward(B, L->in, L->out, W, X, dgz, dgxb, hW, hb);
                if (dgxb) for (k = 0; k < n; k++) dgxb[k] += dgy[k];
                if (hW) nde__mlp_linear_backward(B, L->in, L->out, W, tp->dX[l], gz, NULL, hW, NULL);
            }
            break;
        }
        }
        if (!gxb) return; /* first layer, input gradient not wanted */
        gy = gxb;
        dgy = dgxb;
        c ^= 1;
    }
    nde__mlp_input_backward(m, B, x, gy, gx, gt, tangent ? u : NULL, dgy, hx, ht);
}

/* ===================================================================== */
/* MLP: public products                                                   */
/* ===================================================================== */

/* Common argument checks of the products: NDE_ERR_ARG, or NDE_OK. */
static int nde__mlp_check(const nde_mlp *m, int B, const double *x)
{
    if (!m || !m->params || m->nlayers < 1 || B < 0 || (B > 0 && !x)) return NDE_ERR_ARG;
    return NDE_OK;
}

static int nde__mlp_forward_p(nde_mlp *m, const double *p, int B, const double *x, double t, double *out)
{
    nde__mlp_tape tp;
    int st;
    if (B == 0) return NDE_OK;
    st = nde__mlp_setup(m, B, &tp);
    if (st) return st;
    nde__mlp_forward_lean(m, p, B, x, t, &tp, out);
    return NDE_OK;
}

static int nde__mlp_vjp_p(nde_mlp *m, const double *p, int B, const double *x, double t,
                          const double *gout, double *gx, double *gp, double *gt)
{
    nde__mlp_tape tp;
    int st;
    if (B == 0 || (!gx && !gp && !gt)) return NDE_OK;
    st = nde__mlp_setup(m, B, &tp);
    if (st) return st;
    nde__mlp_primal(m, p, B, x, t, &tp, 0);
    nde__mlp_reverse(m, p, B, x, gout, 0, NULL, &tp, gx, gp, gt, NULL, NULL, NULL);
    return NDE_OK;
}

static int nde__mlp_jvp_p(nde_mlp *m, const double *p, int B, const double *x, double t,
                          const double *v, double *out, double *jv)
{
    nde__mlp_tape tp;
    int st;
    size_t n = (size_t)B * m->out_dim;
    if (B == 0) return NDE_OK;
    st = nde__mlp_setup(m, B, &tp);
    if (st) return st;
    nde__mlp_primal(m, p, B, x, t, &tp, out != NULL);
    nde__mlp_tangent(m, p, B, x, v, &tp);
    if (out) memcpy(out, tp.Y[m->nlayers - 1], n * sizeof(double));
    memcpy(jv, tp.dY[m->nlayers - 1], n * sizeof(double));
    return NDE_OK;
}

/* grad_tangent with every output ADDED, including ht (the t column). */
static int nde__mlp_grad_tangent_p(nde_mlp *m, const double *p, int B, const double *x, double t,
                                   const double *gout, const double *u, double *gx, double *hx,
                                   double *hp, double *ht)
{
    nde__mlp_tape tp;
    int st;
    if (B == 0) return NDE_OK;
    st = nde__mlp_setup(m, B, &tp);
    if (st) return st;
    nde__mlp_primal(m, p, B, x, t, &tp, 0);
    nde__mlp_tangent(m, p, B, x, u, &tp);
    nde__mlp_reverse(m, p, B, x, gout, 1, u, &tp, gx, NULL, NULL, hx, hp, ht);
    return NDE_OK;
}

NDEDEF int nde_mlp_forward_at(nde_mlp *m, const double *theta, int B, const double *x, double t, double *out)
{
    if (nde__mlp_check(m, B, x) || !theta || (B > 0 && !out)) return NDE_ERR_ARG;
    return nde__mlp_forward_p(m, theta, B, x, t, out);
}

NDEDEF int nde_mlp_forward(nde_mlp *m, int B, const double *x, double t, double *out)
{
    return nde_mlp_forward_at(m, m ? m->params : NULL, B, x, t, out);
}

NDEDEF int nde_mlp_vjp_at(nde_mlp *m, const double *theta, int B, const double *x, double t,
                          const double *gout, double *gx, double *gp, double *gt)
{
    if (nde__mlp_check(m, B, x) || !theta || (B > 0 && !gout)) return NDE_ERR_ARG;
    return nde__mlp_vjp_p(m, theta, B, x, t, gout, gx, gp, gt);
}

NDEDEF int nde_mlp_vjp(nde_mlp *m, int B, const double *x, double t, const double *gout,
                       double *gx, double *gp, double *gt)
{
    return nde_mlp_vjp_at(m, m ? m->params : NULL, B, x, t, gout, gx, gp, gt);
}

NDEDEF int nde_mlp_jvp(nde_mlp *m, int B, const double *x, double t, const double *v,
                       double *out, double *jv)
{
    if (nde__mlp_check(m, B, x) || (B > 0 && (!v || !jv))) return NDE_ERR_ARG;
    return nde__mlp_jvp_p(m, m->params, B, x, t, v, out, jv);
}

NDEDEF int nde_mlp_grad_tangent(nde_mlp *m, int B, const double *x, double t, const double *gout,
                                const double *u, double *gx, double *hx, double *hp)
{
    if (nde__mlp_check(m, B, x) || (B > 0 && (!gout || !u))) return NDE_ERR_ARG;
    if (gx && B > 0) memset(gx, 0, (size_t)B * m->in_dim * sizeof(double));
    return nde__mlp_grad_tangent_p(m, m->params, B, x, t, gout, u, gx, hx, hp, NULL);
}

/* ===================================================================== */
/* MLP as an nde_system: the Neural ODE dy/dt = net(y, t)                 */
/* ===================================================================== */
/*
   f = net, vjp = reverse pass, jvp = tangent pass, and the Jacobian from
   one forward pass plus D tangent passes along the unit vectors e_j
   (column j of J for every row at once). ctx is the nde_mlp; theta is
   the parameter block the solver passes (normally m->params).
*/

static int nde__mlp_sys_f(void *ctx, double t, int B, const double *y, const double *theta, double *dydt)
{
    nde_mlp *m = (nde_mlp *)ctx;
    return nde__mlp_forward_p(m, theta ? theta : m->params, B, y, t, dydt);
}

static int nde__mlp_sys_vjp(void *ctx, double t, int B, const double *y, const double *theta,
                            const double *a, double *gy, double *gth, double *gt)
{
    nde_mlp *m = (nde_mlp *)ctx;
    return nde__mlp_vjp_p(m, theta ? theta : m->params, B, y, t, a, gy, gth, gt);
}

/* f_save / vjp_saved: the activations the reverse pass reads, kept per
   call in save (B rows), laid out array after array:
     a0 (B,n0)           when there is an input transform
     Y[l] (B,out_l)      every layer but the last, and a last activation layer
     Z[l], S[l] (B,w)    every residual layer
   nde__mlp_save_len is that per row; nde__mlp_bind points the tape there. */
static int nde__mlp_keeps_y(const nde_mlp *m, int l)
{
    return l < m->nlayers - 1 || m->layer[l].kind == NDE_LAYER_ACT;
}

static long nde__mlp_save_len(const nde_mlp *m)
{
    long len = m->flags ? nde__mlp_n0(m) : 0;
    int l;
    for (l = 0; l < m->nlayers; l++) {
        const nde_layer *L = &m->layer[l];
        if (nde__mlp_keeps_y(m, l)) len += L->out;
        if (L->kind == NDE_LAYER_RESIDUAL) len += 2L * L->out;
    }
    return len;
}

static void nde__mlp_bind(const nde_mlp *m, int B, nde__mlp_tape *tp, double *save)
{
    size_t Bs = (size_t)B;
    int l;
    if (m->flags) { tp->a0 = save; save += Bs * nde__mlp_n0(m); }
    for (l = 0; l < m->nlayers; l++) {
        const nde_layer *L = &m->layer[l];
        if (nde__mlp_keeps_y(m, l)) { tp->Y[l] = save; save += Bs * L->out; }
        if (L->kind == NDE_LAYER_RESIDUAL) {
            tp->Z[l] = save; save += Bs * L->out;
            tp->S[l] = save; save += Bs * L->out;
        }
    }
}

static int nde__mlp_sys_f_save(void *ctx, double t, int B, const double *y, const double *theta, double *dydt,
                               double *save)
{
    nde_mlp *m = (nde_mlp *)ctx;
    nde__mlp_tape tp;
    int st;
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    st = nde__mlp_setup(m, B, &tp);
    if (st) return st;
    nde__mlp_bind(m, B, &tp, save);
    if (!nde__mlp_keeps_y(m, m->nlayers - 1)) tp.Y[m->nlayers - 1] = dydt; /* the output, written in place */
    nde__mlp_primal(m, theta ? theta : m->params, B, y, t, &tp, 1); /* the same kernels as f: equal bits */
    if (tp.Y[m->nlayers - 1] != dydt) memcpy(dydt, tp.Y[m->nlayers - 1], (size_t)B * m->out_dim * sizeof(double));
    return NDE_OK;
}

static int nde__mlp_sys_vjp_saved(void *ctx, double t, int B, const double *y, const double *theta,
                                  const double *save, const double *a, double *gy, double *gth, double *gt)
{
    nde_mlp *m = (nde_mlp *)ctx;
    nde__mlp_tape tp;
    int st, l;
    (void)t; /* the saved activations already hold t's effect */
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    st = nde__mlp_setup(m, B, &tp);
    if (st) return st;
    nde__mlp_bind(m, B, &tp, (double *)save); /* the reverse pass only reads the tape */
    tp.X[0] = m->flags ? tp.a0 : y;
    for (l = 0; l + 1 < m->nlayers; l++) tp.X[l + 1] = tp.Y[l];
    nde__mlp_reverse(m, theta ? theta : m->params, B, y, a, 0, NULL, &tp, gy, gth, gt, NULL, NULL, NULL);
    return NDE_OK;
}

static int nde__mlp_sys_jvp(void *ctx, double t, int B, const double *y, const double *theta,
                            const double *v, double *out)
{
    nde_mlp *m = (nde_mlp *)ctx;
    return nde__mlp_jvp_p(m, theta ? theta : m->params, B, y, t, v, NULL, out);
}

static int nde__mlp_sys_jac(void *ctx, double t, int B, const double *y, const double *theta, double *J)
{
    nde_mlp *m = (nde_mlp *)ctx;
    const double *p = theta ? theta : m->params;
    nde__mlp_tape tp;
    int st, D = m->in_dim, r, i, j;
    double *u; /* (B,D) unit direction e_j in every row */
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    st = nde__mlp_setup(m, B, &tp);
    if (st) return st;
    u = tp.scratch;
    nde__mlp_primal(m, p, B, y, t, &tp, 0);
    memset(u, 0, (size_t)B * D * sizeof(double));
    for (j = 0; j < D; j++) {
        const double *col;
        for (r = 0; r < B; r++) {
            if (j > 0) u[(size_t)r * D + j - 1] = 0.0;
            u[(size_t)r * D + j] = 1.0;
        }
        nde__mlp_tangent(m, p, B, y, u, &tp);
        col = tp.dY[m->nlayers - 1];
        for (r = 0; r < B; r++)
            for (i = 0; i < D; i++) J[((size_t)r * D + i) * D + j] = col[(size_t)r * D + i];
    }
    return NDE_OK;
}

/* Second-order product for backprop through EPI2: with s = sum over rows of
   a^T J v (J = d net/dy), ds/dy = d/dy (J^T a) . v because the Hessian of
   a^T net is symmetric, and ds/dtheta = d/dtheta (J^T a . v): exactly
   grad_tangent with gout = a and tangent u = v, hx -> gy, hp -> gth (both
   ADDED); the time column is held fixed. */
static int nde__mlp_sys_vhp(void *ctx, double t, int B, const double *y, const double *theta,
                            const double *a, const double *v, double *gy, double *gth)
{
    nde_mlp *m = (nde_mlp *)ctx;
    if (!gy && !gth) return NDE_OK;
    return nde__mlp_grad_tangent_p(m, theta ? theta : m->params, B, y, t, a, v, NULL, gy, gth, NULL);
}

NDEDEF int nde_mlp_system(nde_mlp *m, nde_system *sys, char *msg)
{
    if (!m || !sys) { nde__msg(msg, "nde_mlp_system: %s is NULL", m ? "sys" : "m"); return NDE_ERR_ARG; }
    if (!m->params) { nde__msg(msg, "nde_mlp_system: m is not built (call nde_mlp_build)"); return NDE_ERR_ARG; }
    if (m->out_dim != m->in_dim) {
        nde__msg(msg, "nde_mlp_system: out_dim = %d must equal in_dim = %d for dy/dt = net(y, t)",
                 m->out_dim, m->in_dim);
        return NDE_ERR_ARG;
    }
    sys->dim = m->in_dim;
    sys->nparams = (int)m->nparams;
    sys->params = m->params;
    sys->ctx = m;
    sys->f = nde__mlp_sys_f;
    sys->vjp = nde__mlp_sys_vjp;
    sys->jvp = nde__mlp_sys_jvp;
    sys->jac = nde__mlp_sys_jac;
    sys->vhp = nde__mlp_sys_vhp;
    sys->save_len = nde__mlp_save_len(m);
    sys->f_save = nde__mlp_sys_f_save;
    sys->vjp_saved = nde__mlp_sys_vjp_saved;
    return NDE_OK;
}

/* ===================================================================== */
/* Hamiltonian network as an nde_system                                   */
/* ===================================================================== */
/*
   H = net(q, p), y = (q, p), D = 2h:   f = Jsym grad H,  Jsym = [[0, I], [-I, 0]]
     dq/dt = dH/dp,  dp/dt = -dH/dq           (the Julia report, eqs 4.1-4.2)
   f:    one reverse pass with gout = 1 gives grad H.
   vjp:  a . f = grad H . u with u = Jsym^T a = (-a_p, a_q), so
         gy += (Hess H) u, gth += d/dtheta (grad H . u), gt += d/dt (grad H . u),
         all three from one forward-over-reverse pass along u.
   jvp:  (df/dy) v = Jsym (Hess H) v;  jac: D such columns, one forward pass.
*/

/* Scratch of the HNN callbacks, inside the workspace: g, u, h (B,D), ones (B). */
static int nde__hnn_setup(nde_mlp *m, int B, nde__mlp_tape *tp, double **g, double **u,
                          double **h, double **ones)
{
    int st = nde__mlp_setup(m, B, tp), r;
    size_t n = (size_t)B * m->in_dim;
    if (st) return st;
    *g = tp->scratch;
    *u = *g + n;
    *h = *u + n;
    *ones = *h + n;
    for (r = 0; r < B; r++) (*ones)[r] = 1.0;
    return NDE_OK;
}

/* out (B,D) = Jsym g (B,D) row by row: (g_p, -g_q). */
static void nde__hnn_jsym(int B, int D, const double *g, double *out)
{
    int r, i, h = D / 2;
    for (r = 0; r < B; r++) {
        const double *gr = g + (size_t)r * D;
        double *o = out + (size_t)r * D;
        for (i = 0; i < h; i++) {
            o[i] = gr[h + i];
            o[h + i] = -gr[i];
        }
    }
}

static int nde__hnn_f(void *ctx, double t, int B, const double *y, const double *theta, double *dydt)
{
    nde_mlp *m = (nde_mlp *)ctx;
    const double *p = theta ? theta : m->params;
    nde__mlp_tape tp;
    double *g, *u, *h, *ones;
    int st, D = m->in_dim;
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    st = nde__hnn_setup(m, B, &tp, &g, &u, &h, &ones);
    if (st) return st;
    memset(g, 0, (size_t)B * D * sizeof(double));
    nde__mlp_primal(m, p, B, y, t, &tp, 0);
    nde__mlp_reverse(m, p, B, y, ones, 0, NULL, &tp, g, NULL, NULL, NULL, NULL, NULL);
    nde__hnn_jsym(B, D, g, dydt);
    return NDE_OK;
}

static int nde__hnn_vjp(void *ctx, double t, int B, const double *y, const double *theta,
                        const double *a, double *gy, double *gth, double *gt)
{
    nde_mlp *m = (nde_mlp *)ctx;
    const double *p = theta ? theta : m->params;
    nde__mlp_tape tp;
    double *g, *u, *h, *ones;
    int st, D = m->in_dim, hD = D / 2, r, i;
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    if (!gy && !gth && !gt) return NDE_OK;
    st = nde__hnn_setup(m, B, &tp, &g, &u, &h, &ones);
    if (st) return st;
    for (r = 0; r < B; r++) { /* u = Jsym^T a = (-a_p, a_q) */
        const double *ar = a + (size_t)r * D;
        double *ur = u + (size_t)r * D;
        for (i = 0; i < hD; i++) {
            ur[i] = -ar[hD + i];
            ur[hD + i] = ar[i];
        }
    }
    return nde__mlp_grad_tangent_p(m, p, B, y, t, ones, u, NULL, gy, gth, gt);
}

static int nde__hnn_jvp(void *ctx, double t, int B, const double *y, const double *theta,
                        const double *v, double *out)
{
    nde_mlp *m = (nde_mlp *)ctx;
    const double *p = theta ? theta : m->params;
    nde__mlp_tape tp;
    double *g, *u, *h, *ones;
    int st, D = m->in_dim;
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    st = nde__hnn_setup(m, B, &tp, &g, &u, &h, &ones);
    if (st) return st;
    memset(h, 0, (size_t)B * D * sizeof(double));
    st = nde__mlp_grad_tangent_p(m, p, B, y, t, ones, v, NULL, h, NULL, NULL);
    if (st) return st;
    nde__hnn_jsym(B, D, h, out); /* Jsym (Hess H) v */
    return NDE_OK;
}

static int nde__hnn_jac(void *ctx, double t, int B, const double *y, const double *theta, double *J)
{
    nde_mlp *m = (nde_mlp *)ctx;
    const double *p = theta ? theta : m->params;
    nde__mlp_tape tp;
    double *g, *u, *h, *ones;
    int st, D = m->in_dim, r, i, j;
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    st = nde__hnn_setup(m, B, &tp, &g, &u, &h, &ones);
    if (st) return st;
    nde__mlp_primal(m, p, B, y, t, &tp, 0);
    memset(u, 0, (size_t)B * D * sizeof(double));
    for (j = 0; j < D; j++) {
        for (r = 0; r < B; r++) {
            if (j > 0) u[(size_t)r * D + j - 1] = 0.0;
            u[(size_t)r * D + j] = 1.0;
        }
        memset(h, 0, (size_t)B * D * sizeof(double));
        nde__mlp_tangent(m, p, B, y, u, &tp);
        nde__mlp_reverse(m, p, B, y, ones, 1, u, &tp, NULL, NULL, NULL, h, NULL, NULL);
        nde__hnn_jsym(B, D, h, g); /* column j of df/dy for every row */
        for (r = 0; r < B; r++)
            for (i = 0; i < D; i++) J[((size_t)r * D + i) * D + j] = g[(size_t)r * D + i];
    }
    return NDE_OK;
}

NDEDEF int nde_hnn_system(nde_mlp *m, nde_system *sys, char *msg)
{
    if (!m || !sys) { nde__msg(msg, "nde_hnn_system: %s is NULL", m ? "sys" : "m"); return NDE_ERR_ARG; }
    if (!m->params) { nde__msg(msg, "nde_hnn_system: m is not built (call nde_mlp_build)"); return NDE_ERR_ARG; }
    if (m->in_dim < 2 || m->in_dim % 2) {
        nde__msg(msg, "nde_hnn_system: in_dim = %d must be even, y = (q, p)", m->in_dim);
        return NDE_ERR_ARG;
    }
    if (m->out_dim != 1) {
        nde__msg(msg, "nde_hnn_system: out_dim = %d must be 1 (the network is the scalar H)", m->out_dim);
        return NDE_ERR_ARG;
    }
    sys->dim = m->in_dim;
    sys->nparams = (int)m->nparams;
    sys->params = m->params;
    sys->ctx = m;
    sys->f = nde__hnn_f;
    sys->vjp = nde__hnn_vjp;
    sys->jvp = nde__hnn_jvp;
    sys->jac = nde__hnn_jac;
    sys->vhp = NULL; /* would need third derivatives of H */
    sys->save_len = 0;
    sys->f_save = NULL;
    sys->vjp_saved = NULL;
    return NDE_OK;
}

/* ===================================================================== */
/* Continuous normalizing flows                                           */
/* ===================================================================== */
/*
   Row y = (z, l):  dz/dt = f(z, t),  dl/dt = -sum_k u_k^T (df/dz) u_k
   with u_k = e_k, k < D (exact trace) or u_0 = eps (Hutchinson): one primal
   pass, then a tangent pass per direction (the spiral report, eq 14).
   vjp with a = (a_z, a_l):  a_z^T df/d(z,theta,t) by one reverse pass, and
   -a_l d/d(z,theta,t) (u_k^T J u_k) by forward-over-reverse passes with
   gout = -a_l u_k along u_k: the symmetric Hessian of gout . f turns
   (dg/dz) u into d/dz (gout^T J u), as in the Hamiltonian network.
*/

/* Scratch z, u, g, h (B,D) each; z = the rows' first D columns. Returns
   NDE_OK, NDE_ERR_ARG (too few eps rows) or NDE_ERR_NOMEM. */
static int nde__cnf_setup(nde_cnf *c, int B, const double *y, nde__mlp_tape *tp, double **z,
                          double **u, double **g, double **h)
{
    int D = c->net->in_dim, r, st;
    size_t n = (size_t)B * D;
    if (c->trace != NDE_TRACE_EXACT && B > c->neps) return NDE_ERR_ARG;
    if (B > c->cap || !c->work) {
        double *w = (double *)NDE_MALLOC(4 * n * sizeof(double));
        if (!w) return NDE_ERR_NOMEM;
        if (c->work) NDE_FREE(c->work);
        c->work = w;
        c->cap = B;
    }
    st = nde__mlp_setup(c->net, B, tp);
    if (st) return st;
    *z = c->work;
    *u = *z + n;
    *g = *u + n;
    *h = *g + n;
    for (r = 0; r < B; r++) memcpy(*z + (size_t)r * D, y + (size_t)r * (D + 1), (size_t)D * sizeof(double));
    return NDE_OK;
}

/* Number of trace directions, and direction k in every row: u (B,D). */
static int nde__cnf_ndir(const nde_cnf *c) { return c->trace == NDE_TRACE_EXACT ? c->net->in_dim : 1; }

static void nde__cnf_dir(const nde_cnf *c, int k, int B, double *u)
{
    int D = c->net->in_dim, r;
    if (c->trace != NDE_TRACE_EXACT) {
        memcpy(u, c->eps, (size_t)B * D * sizeof(double));
        return;
    }
    memset(u, 0, (size_t)B * D * sizeof(double));
    for (r = 0; r < B; r++) u[(size_t)r * D + k] = 1.0;
}

static int nde__cnf_f(void *ctx, double t, int B, const double *y, const double *theta, double *dydt)
{
    nde_cnf *c = (nde_cnf *)ctx;
    nde_mlp *m = c->net;
    const double *p = theta ? theta : m->params, *out, *Ju;
    nde__mlp_tape tp;
    double *z, *u, *g, *h;
    int st, D = m->in_dim, r, i, k;
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    st = nde__cnf_setup(c, B, y, &tp, &z, &u, &g, &h);
    if (st) return st;
    nde__mlp_primal(m, p, B, z, t, &tp, 1);
    out = tp.Y[m->nlayers - 1];
    for (r = 0; r < B; r++) {
        memcpy(dydt + (size_t)r * (D + 1), out + (size_t)r * D, (size_t)D * sizeof(double));
        dydt[(size_t)r * (D + 1) + D] = 0.0;
    }
    for (k = 0; k < nde__cnf_ndir(c); k++) { /* dl/dt -= u_k^T J u_k */
        nde__cnf_dir(c, k, B, u);
        nde__mlp_tangent(m, p, B, z, u, &tp);
        Ju = tp.dY[m->nlayers - 1];
        for (r = 0; r < B; r++) {
            double s = 0.0;
            for (i = 0; i < D; i++) s += u[(size_t)r * D + i] * Ju[(size_t)r * D + i];
            dydt[(size_t)r * (D + 1) + D] -= s;
        }
    }
    return NDE_OK;
}

static int nde__cnf_vjp(void *ctx, double t, int B, const double *y, const double *theta,
                        const double *a, double *gy, double *gth, double *gt)
{
    nde_cnf *c = (nde_cnf *)ctx;
    nde_mlp *m = c->net;
    const double *p = theta ? theta : m->params;
    nde__mlp_tape tp;
    double *z, *u, *g, *h, *hz;
    int st, D = m->in_dim, r, i, k, any_l = 0;
    if (B <= 0) return B < 0 ? NDE_ERR_ARG : NDE_OK;
    if (!gy && !gth && !gt) return NDE_OK;
    st = nde__cnf_setup(c, B, y, &tp, &z, &u, &g, &h);
    if (st) return st;
    hz = gy ? h : NULL; /* (B,D) d/dz of everything, added into gy's z columns at the end */
    if (hz) memset(hz, 0, (size_t)B * D * sizeof(double));
    nde__mlp_primal(m, p, B, z, t, &tp, 0);
    for (r = 0; r < B; r++) { /* a_z^T df: one reverse pass */
        memcpy(g + (size_t)r * D, a + (size_t)r * (D + 1), (size_t)D * sizeof(double));
        any_l |= a[(size_t)r * (D + 1) + D] != 0.0;
    }
    if (!nde__all_zero((long)B * D, g)) nde__mlp_reverse(m, p, B, z, g, 0, NULL, &tp, hz, gth, gt, NULL, NULL, NULL);
    for (k = 0; any_l && k < nde__cnf_ndir(c); k++) { /* -a_l d(u_k^T J u_k): forward over reverse */
        nde__cnf_dir(c, k, B, u);
        for (r = 0; r < B; r++) {
            double s = -a[(size_t)r * (D + 1) + D];
            for (i = 0; i < D; i++) g[(size_t)r * D + i] = s * u[(size_t)r * D + i];
        }
        nde__mlp_tangent(m, p, B, z, u, &tp);
        nde__mlp_reverse(m, p, B, z, g, 1, u, &tp, NULL, NULL, NULL, hz, gth, gt);
    }
    if (hz)
        for (r = 0; r < B; r++)
            for (i = 0; i < D; i++) gy[(size_t)r * (D + 1) + i] += hz[(size_t)r * D + i];
    return NDE_OK;
}

NDEDEF int nde_cnf_system(nde_cnf *c, nde_mlp *net, int trace, double sigma, nde_system *sys, char *msg)
{
    if (!c || !net || !sys) {
        nde__msg(msg, "nde_cnf_system: %s is NULL", !c ? "c" : !net ? "net" : "sys");
        return NDE_ERR_ARG;
    }
    memset(c, 0, sizeof *c);
    if (!net->params) { nde__msg(msg, "nde_cnf_system: net is not built (call nde_mlp_build)"); return NDE_ERR_ARG; }
    if (net->out_dim != net->in_dim) {
        nde__msg(msg, "nde_cnf_system: net out_dim = %d must equal in_dim = %d for dz/dt = f(z, t)",
                 net->out_dim, net->in_dim);
        return NDE_ERR_ARG;
    }
    if (trace < NDE_TRACE_EXACT || trace > NDE_TRACE_GAUSSIAN) {
        nde__msg(msg, "nde_cnf_system: trace = %d is not an nde_cnf_trace (0 .. 2)", trace);
        return NDE_ERR_ARG;
    }
    if (!(sigma > 0.0) || !nde__finite(sigma)) {
        nde__msg(msg, "nde_cnf_system: sigma = %g must be positive and finite", sigma);
        return NDE_ERR_ARG;
    }
    c->net = net;
    c->trace = trace;
    c->sigma = sigma;
    memset(sys, 0, sizeof *sys);
    sys->dim = net->in_dim + 1;
    sys->nparams = (int)net->nparams;
    sys->params = net->params;
    sys->ctx = c;
    sys->f = nde__cnf_f;
    sys->vjp = nde__cnf_vjp;
    return NDE_OK;
}

NDEDEF int nde_cnf_draw(nde_cnf *c, nde_rng *r, int B, char *msg)
{
    size_t n, i;
    if (!c || !r || !c->net) { nde__msg(msg, "nde_cnf_draw: %s", !c ? "c is NULL" : !r ? "r is NULL" : "c has no network (call nde_cnf_system)"); return NDE_ERR_ARG; }
    if (c->trace == NDE_TRACE_EXACT) { nde__msg(msg, "nde_cnf_draw: the flow uses the exact trace (no eps to draw)"); return NDE_ERR_ARG; }
    if (B < 1) { nde__msg(msg, "nde_cnf_draw: B = %d must be at least 1", B); return NDE_ERR_ARG; }
    n = (size_t)B * c->net->in_dim;
    if (B > c->neps || !c->eps) {
        double *e = (double *)NDE_MALLOC(n * sizeof(double));
        if (!e) { nde__msg(msg, "nde_cnf_draw: out of memory for %d rows", B); return NDE_ERR_NOMEM; }
        if (c->eps) NDE_FREE(c->eps);
        c->eps = e;
    }
    c->neps = B;
    for (i = 0; i < n; i++)
        c->eps[i] = c->trace == NDE_TRACE_GAUSSIAN ? nde_rng_normal(r) : (nde_rng_u64(r) >> 63 ? 1.0 : -1.0);
    return NDE_OK;
}

NDEDEF void nde_cnf_free(nde_cnf *c)
{
    if (!c) return;
    if (c->eps) NDE_FREE(c->eps);
    if (c->work) NDE_FREE(c->work);
    c->eps = c->work = NULL;
    c->neps = c->cap = 0;
}

/* log N(z; 0, sigma^2 I) of one point z (D). */
static double nde__cnf_log_base(double sigma, int D, const double *z)
{
    double q = 0.0, s2 = sigma * sigma;
    int i;
    for (i = 0; i < D; i++) q += z[i] * z[i];
    return -0.5 * q / s2 - 0.5 * D * log(2.0 * 3.14159265358979323846 * s2);
}

NDEDEF double nde_cnf_nll(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    const nde_cnf *c = (const nde_cnf *)ctx;
    const double *yl;
    double *gl, L = 0.0;
    int b, i;
    (void)t;
    if (N < 1 || B < 1 || D < 2) return NAN;
    memset(g, 0, (size_t)N * B * D * sizeof(double));
    if (!c || !c->net || D != c->net->in_dim + 1) return NAN;
    yl = y + (size_t)(N - 1) * B * D;
    gl = g + (size_t)(N - 1) * B * D;
    for (b = 0; b < B; b++) { /* -log p_data = -log p_base(z(T)) + l(T) */
        const double *yb = yl + (size_t)b * D;
        double *gb = gl + (size_t)b * D;
        L += yb[D - 1] - nde__cnf_log_base(c->sigma, D - 1, yb);
        for (i = 0; i < D - 1; i++) gb[i] = yb[i] / (c->sigma * c->sigma * B);
        gb[D - 1] = 1.0 / B;
    }
    return L / B;
}

NDEDEF int nde_cnf_log_density(const nde_system *sys, int B, const double *x, double T,
                               const nde_options *opt, double *logp, double *z, nde_stats *st)
{
    nde_stats local;
    nde_stats *s = st ? st : &local;
    const nde_cnf *c;
    double t[2] = {0.0, T}, *y;
    int D, E, b, status;
    memset(s, 0, sizeof *s);
    if (!sys || sys->f != nde__cnf_f) { nde__msg(s->msg, "nde_cnf_log_density: sys is %s", sys ? "not a flow from nde_cnf_system" : "NULL"); return NDE_ERR_ARG; }
    c = (const nde_cnf *)sys->ctx;
    if (B < 1 || !x || !logp) { nde__msg(s->msg, "nde_cnf_log_density: %s", B < 1 ? "B must be at least 1" : !x ? "x is NULL" : "logp is NULL"); return NDE_ERR_ARG; }
    if (!nde__finite(T) || T == 0.0) { nde__msg(s->msg, "nde_cnf_log_density: T = %g must be finite and non-zero", T); return NDE_ERR_ARG; }
    if (c->trace != NDE_TRACE_EXACT && c->neps < B) {
        nde__msg(s->msg, "nde_cnf_log_density: %d rows of eps drawn for B = %d (call nde_cnf_draw)", c->neps, B);
        return NDE_ERR_ARG;
    }
    D = c->net->in_dim;
    E = D + 1;
    y = (double *)NDE_MALLOC(3 * (size_t)B * E * sizeof(double)); /* y0 (B,E), then yout (2,B,E) */
    if (!y) { nde__msg(s->msg, "nde_cnf_log_density: out of memory for %d rows", B); return NDE_ERR_NOMEM; }
    for (b = 0; b < B; b++) {
        memcpy(y + (size_t)b * E, x + (size_t)b * D, (size_t)D * sizeof(double));
        y[(size_t)b * E + D] = 0.0;
    }
    status = nde_solve(sys, B, y, 2, t, opt, y + (size_t)B * E, s);
    if (status == NDE_OK) {
        const double *yT = y + 2 * (size_t)B * E;
        for (b = 0; b < B; b++) {
            const double *yb = yT + (size_t)b * E;
            logp[b] = nde__cnf_log_base(c->sigma, D, yb) - yb[D];
            if (z) memcpy(z + (size_t)b * D, yb, (size_t)D * sizeof(double));
        }
    }
    NDE_FREE(y);
    return status;
}

/* ===================================================================== */
/* Implicit, exponential and symplectic methods                           */
/* ===================================================================== */
/* backward_euler y1 = y + h f(t1, y1)   sdirk4 L-stable SDIRK 4(3), adaptive
   epi2 y1 = y + h phi1(h J(y)) f(y)      leapfrog Stormer-Verlet (separable H)
   gauss2 2-stage Gauss-Legendre (symplectic, order 4). They share the driver,
   options, statistics and statuses through nde__other_init/_attempt/_free and
   the backprop sweep through nde__other_step_vjp. Rows of k and Y: row 0 =
   (f(t, y), y), then the stages, then row `end` = (f(t1, y1), y1), so the
   Hermite dense output and the next step's f(t, y) cost nothing extra
   [Hairer-Wanner II, IV.6-IV.8; Hairer-Lubich-Wanner, VI]. */

/* ---- matrix exponential and phi1 --------------------------------------- */
/* e^A = (e^(A/2^s))^(2^s) with e^X ~ D(X)^-1 N(X), the (q,q) Pade
   approximant: N(X) = sum_k c_k X^k, D(X) = sum_k c_k (-X)^k,
   c_k = (2q-k)! q! / ((2q)! k! (q-k)!), s such that ||A/2^s||_inf <= 1/2:
   backward error below 3.4e-16 for q = 6 [Golub-Van Loan, Alg. 11.3.1].
   phi1 comes from the augmented matrix: exp([[A, v], [0, 0]]) =
   [[e^A, phi1(A) v], [0, 1]], so A is never inverted (singular A is fine). */

#define NDE__PADE_Q 6

/* E (m,m) = e^A (A and E may alias); work (5m^2 + m) doubles, piv (m). */
static int nde__expm(int m, const double *A, double *E, double *work, int *piv)
{
    long mm = (long)m * m, i;
    double *X = work, *N = X + mm, *Dq = N + mm, *T = Dq + mm, *As = T + mm, *col = As + mm;
    double norm, c = 1.0, scale = 1.0;
    int s = 0, k, j, r;
    if (!nde__all_finite(mm, A)) return NDE_ERR_NONFINITE;
    norm = nde_mat_norm_inf(m, m, A);
    if (norm > 0.5) { /* norm = f 2^e with f in [1/2, 1): 2^(e+1) brings it below 1/2 */
        frexp(norm, &s);
        s += 1;
        scale = ldexp(1.0, -s);
    }
    for (i = 0; i < mm; i++) { As[i] = A[i] * scale; X[i] = N[i] = Dq[i] = 0.0; }
    for (j = 0; j < m; j++) X[(long)j * m + j] = N[(long)j * m + j] = Dq[(long)j * m + j] = 1.0;
    for (k = 1; k <= NDE__PADE_Q; k++) { /* X = As^k; c = c_k */
        c *= (double)(NDE__PADE_Q - k + 1) / ((double)(2 * NDE__PADE_Q - k + 1) * k);
        nde_gemm(m, m, m, 1.0, As, X, 0.0, T);
        memcpy(X, T, (size_t)mm * sizeof(double));
        for (i = 0; i < mm; i++) {
            N[i] += c * X[i];
            Dq[i] += (k % 2 ? -c : c) * X[i];
        }
    }
    if (nde_lu_factor(m, Dq, piv)) return NDE_ERR_SINGULAR;
    for (j = 0; j < m; j++) { /* E = D^-1 N, column by column */
        for (r = 0; r < m; r++) col[r] = N[(long)r * m + j];
        nde_lu_solve(m, Dq, piv, col);
        for (r = 0; r < m; r++) E[(long)r * m + j] = col[r];
    }
    for (k = 0; k < s; k++) { /* undo the scaling: s squarings */
        nde_gemm(m, m, m, 1.0, E, E, 0.0, T);
        memcpy(E, T, (size_t)mm * sizeof(double));
    }
    return nde__all_finite(mm, E) ? NDE_OK : NDE_ERR_NONFINITE; /* e^A overflowed */
}

NDEDEF int nde_expm(int n, const double *A, double *E)
{
    double *work;
    int *piv, status = NDE_ERR_NOMEM;
    if (n < 1 || !A || !E) return NDE_ERR_ARG;
    work = (double *)NDE_MALLOC((size_t)(5 * (long)n * n + n) * sizeof(double));
    piv = (int *)NDE_MALLOC((size_t)n * sizeof(int));
    if (work && piv) status = nde__expm(n, A, E, work, piv);
    NDE_FREE(work);
    NDE_FREE(piv);
    return status;
}

NDEDEF int nde_phi1(int n, const double *A, double *P)
{
    long m = 2 * (long)n, i, j;
    double *G;
    int status;
    if (n < 1 || !A || !P) return NDE_ERR_ARG;
    G = (double *)NDE_MALLOC((size_t)(m * m) * sizeof(double)); /* (2n,2n) [[A, I], [0, 0]] */
    if (!G) return NDE_ERR_NOMEM;
    memset(G, 0, (size_t)(m * m) * sizeof(double));
    for (i = 0; i < n; i++) {
        for (j = 0; j < n; j++) G[i * m + j] = A[i * n + j];
        G[i * m + n + i] = 1.0;
    }
    status = nde_expm((int)m, G, G);
    if (!status)
        for (i = 0; i < n; i++)
            for (j = 0; j < n; j++) P[i * n + j] = G[i * m + n + j];
    NDE_FREE(G);
    return status;
}

/* ---- tables -------------------------------------------------------------- */
/* A DIRK method is data: Y_i = y + h sum_{j<=i} a_ij k_j, k_i = f(t + c_i h, Y_i),
   a_ii = gamma for all i, stiffly accurate (b = last row of a, y1 = Y_S),
   e = b - bhat (NULL: fixed step). Backward Euler is the 1-stage member. */
typedef struct nde__dirk {
    int S;
    double gamma;
    const double *c;  /* (S) */
    const double *a;  /* (S,S) lower triangular, diagonal gamma */
    const double *e;  /* (S) or NULL */
} nde__dirk;

static const double nde__be_c[1] = {1.0};
static const double nde__be_a[1] = {1.0};
static const nde__dirk nde__dirk_be = {1, 1.0, nde__be_c, nde__be_a, NULL};

/* SDIRK4: [Hairer-Wanner II, IV.6, Table 6.5], gamma = 1/4; order 4,
   embedded order 3, L-stable; verified in tables.txt (order residuals
   <= 1.2e-15, R(inf) = 0). Same values in SUNDIALS ARKODE_SDIRK_5_3_4. */
static const double nde__sdirk4_c[5] = {1.0 / 4.0, 3.0 / 4.0, 11.0 / 20.0, 1.0 / 2.0, 1.0};
static const double nde__sdirk4_a[25] = { /* (5,5) row-major */
    1.0 / 4.0, 0.0, 0.0, 0.0, 0.0,
    1.0 / 2.0, 1.0 / 4.0, 0.0, 0.0, 0.0,
    17.0 / 50.0, -1.0 / 25.0, 1.0 / 4.0, 0.0, 0.0,
    371.0 / 1360.0, -137.0 / 2720.0, 15.0 / 544.0, 1.0 / 4.0, 0.0,
    25.0 / 24.0, -49.0 / 48.0, 125.0 / 16.0, -85.0 / 12.0, 1.0 / 4.0};
static const double nde__sdirk4_e[5] = { /* (5) b - bhat, bhat = (59/48, -17/96, 225/32, -85/12, 0) */
    -3.0 / 16.0, -27.0 / 32.0, 25.0 / 32.0, 0.0, 1.0 / 4.0};
static const nde__dirk nde__dirk_sdirk4 = {5, 0.25, nde__sdirk4_c, nde__sdirk4_a, nde__sdirk4_e};

/* Gauss-Legendre, s = 2 [Hairer-Wanner II, IV.5, Table 5.1]: c = 1/2 -+ sqrt3/6,
   a = [[1/4, 1/4 - sqrt3/6], [1/4 + sqrt3/6, 1/4]], b = (1/2, 1/2); order 4,
   A-stable, symplectic. d = b^T A^-1 = (-sqrt3, sqrt3) gives y1 = y + sum d_i Z_i
   from the stage increments Z_i = Y_i - y without evaluating f. */
#define NDE__SQRT3 1.7320508075688772935
static const double nde__gauss2_c[2] = {0.5 - NDE__SQRT3 / 6.0, 0.5 + NDE__SQRT3 / 6.0};
static const double nde__gauss2_a[4] = {0.25, 0.25 - NDE__SQRT3 / 6.0, 0.25 + NDE__SQRT3 / 6.0, 0.25};
static const double nde__gauss2_b[2] = {0.5, 0.5};
static const double nde__gauss2_d[2] = {-NDE__SQRT3, NDE__SQRT3};
static const double nde__gauss2_ainv[4] = {3.0, -3.0 + 2.0 * NDE__SQRT3, -3.0 - 2.0 * NDE__SQRT3, 3.0};

/* ---- workspace ------------------------------------------------------------ */

typedef struct nde__ows {
    int s;            /* implicit stages solved together: 1 (DIRK), 2 (gauss2) */
    int m;            /* order of one row block's Newton matrix: s*D */
    double *J;        /* (B,D,D) Jacobian; gauss2 (2,B,D,D): the reverse needs one per stage */
    double *LU;       /* (B,m,m) factors of the Newton matrix, one block per batch row */
    int *piv;         /* (B,m) pivots; EPI2: (2(D+1)) */
    double *gb;       /* (m) one row block gathered */
    double *F, *d, *Z, *u; /* (s,n) each: f at the stages, Newton increment, stage increments, cotangents */
    double *base, *v, *pt; /* (n) each: stage base, vjp result, an evaluation point */
    double *kbar;     /* (R,n) reverse: adjoints of the stage derivatives */
    double *ex;       /* EPI2: (24,D+1,D+1) + 2(D+1): forward: augmented matrix G, e^G, Pade work
                         (7 (D+1)^2 + D+1); reverse: the (2(D+1),2(D+1)) block matrix and its Pade work */
    double lu_h;      /* step size the factors belong to; 0: none */
    int jac_ok;       /* J holds a usable Jacobian (possibly from an earlier step) */
    int jac_fresh;    /* J was evaluated at the current (t, y) */
    double t_start;   /* start of the step being attempted */
    double eta;       /* Newton rate estimate carried between solves [Hairer-Wanner II, IV.8] */
    double theta;     /* worst Newton contraction seen in the current step */
    double *mem;
    int *imem;
} nde__ows;

/* Re-evaluate the Jacobian for the next step when Newton contracted slower than this. */
#define NDE__THETA_REUSE 0.1
/* Outcomes of the implicit stage solve besides success. */
#define NDE__NEWTON_FAIL 1
#define NDE__NEWTON_SINGULAR 2
#define NDE__NEWTON_NONFINITE 3  /* the iterates became NaN/Inf: the solution itself runs away */

static int nde__is_implicit(int method)
{
    return method == NDE_BACKWARD_EULER || method == NDE_SDIRK4 || method == NDE_GAUSS2;
}

static int nde__other_init(nde__integ *ig, char *msg)
{
    const nde_system *sys = ig->sys;
    int method = ig->o.method, D = ig->D, B = ig->B, R = ig->info->nstage;
    int impl = nde__is_implicit(method), s = method == NDE_GAUSS2 ? 2 : 1, m, m1;
    long n = ig->n, nJ = method == NDE_GAUSS2 ? 2 : (impl || method == NDE_EPI2) ? 1 : 0;
    long nd, ni;
    nde__ows *w;
    double *p;
    m = s * D; /* within int: nde__integ_init refused larger dense blocks */
    m1 = D + 1;
    if (method == NDE_LEAPFROG && D % 2) {
        nde__msg(msg, "leapfrog needs rows y = (q, p) of even length: sys->dim = %d is odd", D);
        return NDE_ERR_ARG;
    }
    if ((impl || method == NDE_EPI2) && !sys->jac && !sys->jvp && !sys->vjp) {
        nde__msg(msg, "method %s needs the Jacobian of f: give sys->jac, sys->jvp or sys->vjp", ig->info->name);
        return NDE_ERR_UNSUPPORTED;
    }
    nd = nJ * B * (long)D * D + (impl ? B * (long)m * m : 0) + m + 4 * s * n + 3 * n + (long)R * n +
         (method == NDE_EPI2 ? 24 * (long)m1 * m1 + 2 * m1 : 0);
    ni = B * (long)m + 2 * m1;
    w = (nde__ows *)NDE_MALLOC(sizeof(nde__ows));
    if (w) {
        memset(w, 0, sizeof *w);
        w->mem = (double *)NDE_MALLOC((size_t)nd * sizeof(double));
        w->imem = (int *)NDE_MALLOC((size_t)ni * sizeof(int));
    }
    if (!w || !w->mem || !w->imem) {
        if (w) { NDE_FREE(w->mem); NDE_FREE(w->imem); }
        NDE_FREE(w);
        nde__msg(msg, "out of memory for the %s workspace (%ld doubles)", ig->info->name, nd);
        return NDE_ERR_NOMEM;
    }
    memset(w->mem, 0, (size_t)nd * sizeof(double));
    w->s = s;
    w->m = m;
    p = w->mem;
    w->J = p; p += nJ * B * (long)D * D;
    w->LU = p; p += impl ? B * (long)m * m : 0;
    w->gb = p; p += m;
    w->F = p; p += s * n;
    w->d = p; p += s * n;
    w->Z = p; p += s * n;
    w->u = p; p += s * n;
    w->base = p; p += n;
    w->v = p; p += n;
    w->pt = p; p += n;
    w->kbar = p; p += (long)R * n;
    w->ex = p;
    w->piv = w->imem;
    w->eta = 1.0;
    ig->impl = w;
    ig->bytes += sizeof(nde__ows) + (size_t)nd * sizeof(double) + (size_t)ni * sizeof(int);
    return NDE_OK;
}

static void nde__other_free(nde__integ *ig)
{
    nde__ows *w = (nde__ows *)ig->impl;
    if (!w) return;
    NDE_FREE(w->mem);
    NDE_FREE(w->imem);
    NDE_FREE(w);
    ig->impl = NULL;
}

/* ---- simplified Newton ---------------------------------------------------- */
/* The stage equations of an implicit Runge-Kutta method, Z = h (A (x) I) F(y + Z),
   are solved by simplified Newton: (I - h A (x) J) dZ = h (A (x) I) F - Z with one
   Jacobian J frozen over the step (reused across steps while Newton contracts
   fast) [Hairer-Wanner II, IV.8]. The matrix is block diagonal over the batch
   rows, so each row's (sD, sD) block is factored and solved on its own. */

/* Factor M_b[(i,r),(j,c)] = delta - h G_ij Js[i]_b[r][c] for every row block b;
   G (s,s), Js[i] (B,D,D) the Jacobian stage i is linearised at.
   Returns NDE_OK or NDE_ERR_SINGULAR. */
static int nde__newton_factor(const nde__integ *ig, nde__ows *w, const double *G, double h, const double *const *Js)
{
    int B = ig->B, D = ig->D, s = w->s, m = w->m, b, i, j, r, c;
    for (b = 0; b < B; b++) {
        double *M = w->LU + (long)b * m * m;
        for (i = 0; i < s; i++) {
            const double *Jb = Js[i] + (long)b * D * D;
            for (j = 0; j < s; j++) {
                double hg = h * G[i * s + j];
                for (r = 0; r < D; r++)
                    for (c = 0; c < D; c++)
                        M[(long)(i * D + r) * m + j * D + c] = (i == j && r == c ? 1.0 : 0.0) - hg * Jb[(long)r * D + c];
            }
        }
        if (nde_lu_factor(m, M, w->piv + (long)b * m)) return NDE_ERR_SINGULAR;
    }
    return NDE_OK;
}

/* v (s,n) <- M^-1 v, or M^-T v when trans, one row block at a time. */
static void nde__newton_solve(const nde__integ *ig, nde__ows *w, double *v, int trans)
{
    int B = ig->B, D = ig->D, s = w->s, m = w->m, b, i, r;
    long n = ig->n;
    for (b = 0; b < B; b++) {
        const double *LU = w->LU + (long)b * m * m;
        const int *piv = w->piv + (long)b * m;
        for (i = 0; i < s; i++)
            for (r = 0; r < D; r++) w->gb[i * D + r] = v[i * n + (long)b * D + r];
        if (trans) nde_lu_solve_t(m, LU, piv, w->gb);
        else nde_lu_solve(m, LU, piv, w->gb);
        for (i = 0; i < s; i++)
            for (r = 0; r < D; r++) v[i * n + (long)b * D + r] = w->gb[i * D + r];
    }
}

/* J = df/dy at (t, y) of the step being attempted. */
static int nde__ows_jacobian(nde__integ *ig, nde__ows *w)
{
    int status = nde__jacobian_ws(ig->sys, ig->t, ig->B, ig->y, w->J, w->v, w->pt); /* both free here */
    ig->st->njac++;
    if (status) {
        nde__msg(ig->st->msg, "%s: the Jacobian of f could not be formed at t = %.17g (%s)", ig->info->name, ig->t,
                 status == NDE_ERR_CALLBACK ? "a jac/jvp/vjp callback returned non-zero" : nde_status_name(status));
        return status;
    }
    w->jac_ok = w->jac_fresh = 1;
    w->lu_h = 0.0;
    return NDE_OK;
}

/* Convergence control [Hairer-Wanner II, IV.8]: with scaled
   increment norms |d_k| (units of atol + rtol|y|), theta_k = |d_k|/|d_{k-1}|,
   eta_k = theta_k/(1 - theta_k) (eta_1 = max(eta_old, eps)^0.8): converged when
   eta_k |d_k| <= newton_tol; failed when theta_k >= 1 or when
   theta_k^(kmax-k)/(1 - theta_k) |d_k| > newton_tol predicts a miss at kmax.
   Returns 1 converged, 0 go on, -1 failed, -2 the norm is NaN/Inf. */
static int nde__newton_test(const nde__integ *ig, nde__ows *w, int k, double nrm, double *nrm_old, double *eta)
{
    double tol = ig->o.newton_tol;
    int kmax = ig->o.newton_max;
    if (!nde__finite(nrm)) return -2;
    if (k > 1) {
        double theta = *nrm_old > 0.0 ? nrm / *nrm_old : 0.0;
        if (theta > w->theta) w->theta = theta;
        if (theta >= 1.0) return -1;
        *eta = theta / (1.0 - theta);
        if (k < kmax && pow(theta, kmax - k) / (1.0 - theta) * nrm > tol) return -1;
    }
    *nrm_old = nrm;
    if (*eta * nrm <= tol) {
        w->eta = *eta;
        return 1;
    }
    return k >= kmax ? -1 : 0;
}

static double nde__eta_start(const nde__ows *w)
{
    return pow(w->eta > DBL_EPSILON ? w->eta : DBL_EPSILON, 0.8);
}

/* Solve the stages of one implicit step into the k and Y rows; returns
   NDE_OK, a negative status, or NDE__NEWTON_FAIL. */
typedef int (*nde__stage_solver)(nde__integ *ig, nde__ows *w, double h);

/* The implicit step around a stage solver: Jacobian and factors made ready
   (a stale Jacobian is refreshed once when Newton fails with it), then the
   stages. *failed = NDE__NEWTON_FAIL / _SINGULAR when even a Jacobian at
   (t, y) does not let Newton converge. G (s,s) is the method's A. */
static int nde__implicit_step(nde__integ *ig, nde__ows *w, const double *G, double h, nde__stage_solver solve, int *failed)
{
    int status;
    *failed = 0;
    if (!ig->f0_ok || ig->t != w->t_start) { /* a new step (or a restart): J may be reused, not trusted */
        w->t_start = ig->t;
        w->jac_fresh = 0;
        if (w->theta > NDE__THETA_REUSE) w->jac_ok = 0;
        w->theta = 0.0;
    }
    status = nde__ensure_f0(ig);
    if (status) return status;
    for (;;) {
        const double *Js[2];
        status = NDE_OK;
        if (!w->jac_ok) status = nde__ows_jacobian(ig, w);
        if (status) return status;
        if (!(fabs(h - w->lu_h) <= 1e-9 * fabs(h))) { /* new factors unless h only moved by rounding */
            Js[0] = Js[1] = w->J;
            ig->st->nlu++;
            w->lu_h = h;
            if (nde__newton_factor(ig, w, G, h, Js)) {
                w->lu_h = 0.0;
                status = NDE__NEWTON_SINGULAR;
            }
        }
        if (status == NDE_OK) status = solve(ig, w, h);
        if (status <= 0) return status; /* converged, or a hard error */
        if (status == NDE__NEWTON_NONFINITE) return NDE__STEP_NONFINITE; /* the driver shrinks h, and
                                                                   reports NaN/Inf if that never helps */
        if (!w->jac_fresh) {            /* retry with the Jacobian at (t, y) */
            w->jac_ok = 0;
            continue;
        }
        *failed = status;
        return NDE_OK;
    }
}

/* ---- backward Euler and SDIRK4 ------------------------------------------- */
/* Why SDIRK4 as the adaptive stiff method: L-stable (R(inf) = 0: stiff
   components die in one step), stiffly accurate (y1 = Y_S, f(t1, y1) free),
   an embedded order-3 estimate, and stages solved one at a time with one
   (D,D) matrix I - h gamma J per batch row: one LU serves all five stages. */
/* Stage i (rows i = 1..S): Y_i = b_i + h gamma k_i with b_i = y + h sum_{j<i} a_ij k_j,
   solved for Y_i by simplified Newton from the predictor b_i + h gamma k_{i-1};
   then k_i = (Y_i - b_i)/(h gamma), not f(Y_i), so that the Newton error is not
   amplified by a stiff J [Hairer-Wanner II, IV.8]. Stiffly accurate: y1 = Y_S and
   k_S = f(t1, y1). Error of SDIRK4: h sum e_i k_i filtered by (I - h gamma J)^-1,
   which keeps stiff components from inflating it (Shampine's filter, same section). */

static const nde__dirk *nde__dirk_of(const nde__integ *ig)
{
    return ig->o.method == NDE_SDIRK4 ? &nde__dirk_sdirk4 : &nde__dirk_be;
}

static int nde__dirk_stages(nde__integ *ig, nde__ows *w, double h)
{
    const nde__dirk *tb = nde__dirk_of(ig);
    long n = ig->n, r;
    int S = tb->S, i, j, k, status;
    double hg = h * tb->gamma, *base = w->base;
    for (i = 1; i <= S; i++) {
        double *Yi = ig->Y + i * n, *ki = ig->k + i * n;
        const double *kp = ig->k + (i - 1) * n;
        double ti = tb->c[i - 1] == 1.0 ? ig->t1 : ig->t + tb->c[i - 1] * h;
        double nrm_old = 0.0, eta = nde__eta_start(w);
        memcpy(base, ig->y, (size_t)n * sizeof(double));
        for (j = 1; j < i; j++) {
            double ha = h * tb->a[(i - 1) * S + j - 1];
            const double *kj = ig->k + j * n;
            if (ha != 0.0)
                for (r = 0; r < n; r++) base[r] += ha * kj[r];
        }
        for (r = 0; r < n; r++) Yi[r] = base[r] + hg * kp[r];
        for (k = 1;; k++) {
            int conv;
            ig->st->nnewton++;
            status = nde__eval(ig, -1, ti, Yi, w->F);
            if (status) return status;
            for (r = 0; r < n; r++) w->d[r] = base[r] + hg * w->F[r] - Yi[r];
            nde__newton_solve(ig, w, w->d, 0);
            for (r = 0; r < n; r++) Yi[r] += w->d[r];
            conv = nde__newton_test(ig, w, k, nde__newton_norm(ig, w->d), &nrm_old, &eta);
            if (conv < 0) return conv == -2 ? NDE__NEWTON_NONFINITE : NDE__NEWTON_FAIL;
            if (conv > 0) break;
        }
        if (nde__newton_rows(ig) < n) { /* rows outside the Newton matrix: f at the solved stage */
            status = nde__eval(ig, -1, ti, Yi, w->F);
            if (status) return status;
            for (r = nde__newton_rows(ig); r < n; r++) Yi[r] = base[r] + hg * w->F[r];
        }
        for (r = 0; r < n; r++) ki[r] = (Yi[r] - base[r]) / hg;
    }
    return NDE_OK;
}

static int nde__dirk_attempt(nde__integ *ig, nde__ows *w, double h, double *err, int *failed)
{
    const nde__dirk *tb = nde__dirk_of(ig);
    long n = ig->n, r;
    int i, status = nde__implicit_step(ig, w, &tb->gamma, h, nde__dirk_stages, failed);
    if (status || *failed) return status;
    memcpy(ig->y1, ig->Y + (long)tb->S * n, (size_t)n * sizeof(double));
    if (!nde__all_finite(n, ig->y1)) return NDE__STEP_NONFINITE;
    if (tb->e) {
        memset(w->d, 0, (size_t)n * sizeof(double));
        for (i = 0; i < tb->S; i++) {
            double he = h * tb->e[i];
            const double *ki = ig->k + (long)(i + 1) * n;
            if (he != 0.0)
                for (r = 0; r < n; r++) w->d[r] += he * ki[r];
        }
        nde__newton_solve(ig, w, w->d, 0);
        *err = nde__err_norm(ig, w->d, ig->y, ig->y1);
        if (!nde__finite(*err)) return NDE__STEP_NONFINITE;
    }
    return NDE_OK;
}

/* J (B,D,D) at (t, y) for the reverse sweep; built from vjp calls, it counts them. */
static int nde__rev_jacobian(const nde__integ *ig, double t, const double *y, double *J, long *nvjp)
{
    const nde_system *sys = ig->sys;
    nde__ows *w = (nde__ows *)ig->impl;
    int status;
    if (!sys->jac && !sys->jvp) *nvjp += sys->dim;
    status = nde__jacobian_ws(sys, t, ig->B, y, J, w->v, w->pt); /* both free at every caller */
    if (status) nde__msg(ig->st->msg, "%s reverse: the Jacobian of f could not be formed at t = %.17g", ig->info->name, t);
    return status;
}

/* Reverse of a DIRK step, from the implicit function theorem on each stage:
   (I - h gamma J_i) dk_i = J_i (dy + h sum_{j<i} a_ij dk_j) + f_theta,i dtheta,
   J_i = df/dy(t_i, Y_i). With kbar_i = h b_i ybar1, for i = S..1:
   u_i = (I - h gamma J_i)^-T kbar_i, v_i = J_i^T u_i (one vjp, which also adds
   f_theta,i^T u_i to gth), ybar += v_i, kbar_j += h a_ij v_i (j < i). */
static int nde__dirk_vjp(const nde__integ *ig, nde__ows *w, const double *rec, double *ybar, double *gth, long *nvjp)
{
    const nde__dirk *tb = nde__dirk_of(ig);
    const double *Y = rec + NDE__TAPE_HEAD, *Js[1];
    double t = rec[0], h = rec[1], t1 = rec[2], *kbar = w->kbar;
    long n = ig->n, r;
    int S = tb->S, i, j, status;
    Js[0] = w->J;
    w->jac_ok = 0; /* the Newton workspace is borrowed */
    w->lu_h = 0.0;
    for (i = 0; i < S; i++) {
        double hb = h * tb->a[(S - 1) * S + i];
        for (r = 0; r < n; r++) kbar[i * n + r] = hb * ybar[r];
    }
    for (i = S; i >= 1; i--) {
        const double *Yi = Y + i * n, *kb = kbar + (long)(i - 1) * n;
        double ti = tb->c[i - 1] == 1.0 ? t1 : t + tb->c[i - 1] * h;
        if (nde__all_zero(n, kb)) continue;
        status = nde__rev_jacobian(ig, ti, Yi, w->J, nvjp);
        if (status) return status;
        if (nde__newton_factor(ig, w, &tb->gamma, h, Js)) {
            nde__msg(ig->st->msg, "%s reverse: I - h*gamma*J is singular at t = %.17g", ig->info->name, ti);
            return NDE_ERR_SINGULAR;
        }
        memcpy(w->u, kb, (size_t)n * sizeof(double));
        nde__newton_solve(ig, w, w->u, 1);
        memset(w->v, 0, (size_t)n * sizeof(double));
        status = nde__vjp_add(ig->sys, ig->B, n, ti, Yi, NULL, w->u, w->v, gth, nvjp);
        if (status) return status;
        for (r = 0; r < n; r++) ybar[r] += w->v[r];
        for (j = 1; j < i; j++) {
            double ha = h * tb->a[(i - 1) * S + j - 1];
            double *kj = kbar + (long)(j - 1) * n;
            if (ha != 0.0)
                for (r = 0; r < n; r++) kj[r] += ha * w->v[r];
        }
    }
    return NDE_OK;
}

/* ---- 2-stage Gauss-Legendre ----------------------------------------------- */
/* Z_i = h sum_j a_ij f(t + c_j h, y + Z_j), i = 1, 2, by simplified Newton on
   the 2n unknowns from Z_i = c_i h f(t, y); y1 = y + d_1 Z_1 + d_2 Z_2. Rows:
   1, 2 = stages (Y_i = y + Z_i, k_i = (A^-1 Z)_i / h), 3 = (y1, f(t1, y1)).
   Symplectic when the stage equations are solved: the Newton tolerance
   (newton_tol in units of atol + rtol|y|) bounds the energy behaviour over
   long runs, so give tight rtol/atol for conservation tests. */

/* F (2,n) = f at the stages Y_i = y + Z_i (kept in ig->Y rows 1, 2). */
static int nde__gauss2_eval(nde__integ *ig, const double *Z, double h, double *F)
{
    long n = ig->n, r;
    int i, status;
    for (i = 0; i < 2; i++) {
        double *Yi = ig->Y + (long)(i + 1) * n;
        for (r = 0; r < n; r++) Yi[r] = ig->y[r] + Z[i * n + r];
        status = nde__eval(ig, -1, ig->t + nde__gauss2_c[i] * h, Yi, F + i * n);
        if (status) return status;
    }
    return NDE_OK;
}

static int nde__gauss2_stages(nde__integ *ig, nde__ows *w, double h)
{
    long n = ig->n, r;
    int i, k, status;
    double *Z = w->Z, *F = w->F, *d = w->d, nrm_old = 0.0, eta = nde__eta_start(w);
    for (i = 0; i < 2; i++)
        for (r = 0; r < n; r++) Z[i * n + r] = nde__gauss2_c[i] * h * ig->k[r];
    for (k = 1;; k++) {
        double n1, n2;
        int conv;
        ig->st->nnewton++;
        status = nde__gauss2_eval(ig, Z, h, F);
        if (status) return status;
        for (i = 0; i < 2; i++)
            for (r = 0; r < n; r++)
                d[i * n + r] = h * (nde__gauss2_a[2 * i] * F[r] + nde__gauss2_a[2 * i + 1] * F[n + r]) - Z[i * n + r];
        nde__newton_solve(ig, w, d, 0);
        for (r = 0; r < 2 * n; r++) Z[r] += d[r];
        n1 = nde__newton_norm(ig, d);
        n2 = nde__newton_norm(ig, d + n);
        conv = nde__newton_test(ig, w, k, sqrt(0.5 * (n1 * n1 + n2 * n2)), &nrm_old, &eta);
        if (conv < 0) return conv == -2 ? NDE__NEWTON_NONFINITE : NDE__NEWTON_FAIL;
        if (conv > 0) break;
    }
    if (nde__newton_rows(ig) < n) { /* rows outside the Newton matrix: f at the solved stages */
        status = nde__gauss2_eval(ig, Z, h, F);
        if (status) return status;
        for (i = 0; i < 2; i++)
            for (r = nde__newton_rows(ig); r < n; r++)
                Z[i * n + r] = h * (nde__gauss2_a[2 * i] * F[r] + nde__gauss2_a[2 * i + 1] * F[n + r]);
    }
    for (i = 0; i < 2; i++) {
        double *Yi = ig->Y + (long)(i + 1) * n, *ki = ig->k + (long)(i + 1) * n;
        for (r = 0; r < n; r++) {
            Yi[r] = ig->y[r] + Z[i * n + r];
            ki[r] = (nde__gauss2_ainv[2 * i] * Z[r] + nde__gauss2_ainv[2 * i + 1] * Z[n + r]) / h;
        }
    }
    return NDE_OK;
}

static int nde__gauss2_attempt(nde__integ *ig, nde__ows *w, double h, int *failed)
{
    long n = ig->n, r;
    int status = nde__implicit_step(ig, w, nde__gauss2_a, h, nde__gauss2_stages, failed);
    if (status || *failed) return status;
    for (r = 0; r < n; r++) ig->y1[r] = ig->y[r] + nde__gauss2_d[0] * w->Z[r] + nde__gauss2_d[1] * w->Z[n + r];
    if (!nde__all_finite(n, ig->y1)) return NDE__STEP_NONFINITE;
    memcpy(ig->Y + 3 * n, ig->y1, (size_t)n * sizeof(double));
    return nde__eval(ig, -1, ig->t1, ig->y1, ig->k + 3 * n);
}

/* Reverse: (I - h [a_ij J_i]) dk = J_i dy + f_theta,i dtheta over both stages at
   once, J_i = df/dy(t_i, Y_i). With kbar_i = h b_i ybar1: u = M^-T kbar,
   ybar += sum_i J_i^T u_i, gth += sum_i f_theta,i^T u_i. */
static int nde__gauss2_vjp(const nde__integ *ig, nde__ows *w, const double *rec, double *ybar, double *gth, long *nvjp)
{
    const double *Y = rec + NDE__TAPE_HEAD, *Js[2];
    double t = rec[0], h = rec[1];
    long n = ig->n, r, BDD = (long)ig->B * ig->D * ig->D;
    int i, status;
    Js[0] = w->J;
    Js[1] = w->J + BDD;
    w->jac_ok = 0;
    w->lu_h = 0.0;
    for (i = 0; i < 2; i++) {
        for (r = 0; r < n; r++) w->u[i * n + r] = h * nde__gauss2_b[i] * ybar[r];
        status = nde__rev_jacobian(ig, t + nde__gauss2_c[i] * h, Y + (long)(i + 1) * n, w->J + i * BDD, nvjp);
        if (status) return status;
    }
    if (nde__newton_factor(ig, w, nde__gauss2_a, h, Js)) {
        nde__msg(ig->st->msg, "gauss2 reverse: the stage matrix is singular in the step from t = %.17g", t);
        return NDE_ERR_SINGULAR;
    }
    nde__newton_solve(ig, w, w->u, 1);
    for (i = 0; i < 2; i++) {
        memset(w->v, 0, (size_t)n * sizeof(double));
        status = nde__vjp_add(ig->sys, ig->B, n, t + nde__gauss2_c[i] * h, Y + (long)(i + 1) * n, NULL, w->u + i * n, w->v, gth, nvjp);
        if (status) return status;
        for (r = 0; r < n; r++) ybar[r] += w->v[r];
    }
    return NDE_OK;
}

/* ---- EPI2 ----------------------------------------------------------------- */
/* y1 = y + h phi1(h J0) f(t, y), J0 = df/dy(t, y) (the crash course's EPI2),
   per batch row as y1_b = y_b + top-right column of exp([[h J0_b, h f_b], [0, 0]]).
   Exact for linear constant-coefficient (and affine) systems for any h; order 2
   for autonomous nonlinear ones (order 1 when f depends on t: t is frozen).
   Rows: 1 = (y1, f(t1, y1)). Backprop through it differentiates J0(y, theta),
   i.e. second derivatives of f: it needs sys->vhp (see nde__epi2_vjp). */

static int nde__epi2_attempt(nde__integ *ig, nde__ows *w, double h)
{
    int B = ig->B, D = ig->D, m1 = D + 1, b, r, c, status;
    long n = ig->n, mm = (long)m1 * m1;
    double *G = w->ex, *E = G + mm, *work = E + mm;
    status = nde__ensure_f0(ig);
    if (!status) status = nde__ows_jacobian(ig, w);
    if (status) return status;
    for (b = 0; b < B; b++) {
        const double *Jb = w->J + (long)b * D * D, *fb = ig->k + (long)b * D;
        memset(G, 0, (size_t)mm * sizeof(double));
        for (r = 0; r < D; r++) {
            for (c = 0; c < D; c++) G[(long)r * m1 + c] = h * Jb[(long)r * D + c];
            G[(long)r * m1 + D] = h * fb[r];
        }
        if (nde__expm(m1, G, E, work, w->piv)) return NDE__STEP_NONFINITE;
        for (r = 0; r < D; r++) ig->y1[(long)b * D + r] = ig->y[(long)b * D + r] + E[(long)r * m1 + D];
    }
    if (!nde__all_finite(n, ig->y1)) return NDE__STEP_NONFINITE;
    memcpy(ig->Y + n, ig->y1, (size_t)n * sizeof(double));
    return nde__eval(ig, -1, ig->t1, ig->y1, ig->k + n);
}

/* Reverse of the EPI2 step map, per row. With G = [[h J0, h f0], [0, 0]]
   (D+1,D+1), y1 = y + e^G[:D, D], and Ebar = ybar1 e_D^T (the cotangent of e^G):
     Gbar = L(G^T, Ebar)  (the adjoint of the Frechet derivative L(G, .) of exp is
            L(G^T, .), as for every power series with real coefficients), read off
            as the top-right block of exp([[G^T, Ebar], [0, G^T]]) [Higham,
            Functions of Matrices, ch. 3 and 10.6];
     fbar0 = h Gbar[:D, D] (= h phi1(h J0)^T ybar1),  Jbar0 = h Gbar[:D, :D];
     ybar0 = ybar1 + vjp(y, fbar0) + d/dy sum_ij Jbar0_ij J0_ij, gth likewise,
   the last term as D batched vhp calls with a = column j of Jbar0, v = e_j.
   Ebar is scaled by a power of 2 to the size of G^T (exact; it keeps the
   block's norm, and so the squarings, those of G^T). f0 is re-evaluated
   (the tape keeps Y rows only); t is frozen at the step start, so nothing
   depends on t1. Costs: 1 f, 1 Jacobian, 1 vjp, D vhp calls, B exponentials
   of order 2(D+1). */
static int nde__epi2_vjp(const nde__integ *ig, nde__ows *w, const double *rec, double *ybar, double *gth, long *nvjp)
{
    const nde_system *sys = ig->sys;
    const double *Y = rec + NDE__TAPE_HEAD; /* row 0: y at t */
    double t = rec[0], h = rec[1];
    int B = ig->B, D = ig->D, m1 = D + 1, M = 2 * m1, b, r, c, j, status;
    long n = ig->n, MM = (long)M * M, DD = (long)D * D;
    double *K = w->ex, *work = K + MM; /* (M,M) block matrix; Pade work (5M^2 + M) */
    double *f0 = w->F, *fbar = w->d;   /* (B,D) each */
    double *a = w->u, *e = w->v;       /* (B,D) each: vhp cotangent and direction */
    if (nde__all_zero(n, ybar)) return NDE_OK; /* (nde_grad refused a system without vhp up front) */
    if ((status = nde__cb_status(sys->f(sys->ctx, t, B, Y, sys->params, f0))) != NDE_OK) {
        nde__msg(ig->st->msg, "epi2 reverse: the dynamics callback f returned %s at t = %.17g", nde_status_name(status), t);
        return status;
    }
    w->jac_ok = 0; /* the forward Jacobian buffer is borrowed */
    status = nde__rev_jacobian(ig, t, Y, w->J, nvjp);
    if (status) return status;
    for (b = 0; b < B; b++) { /* Jbar0 overwrites J0 row by row; fbar0 into fbar */
        double *Jb = w->J + b * DD, *fbb = fbar + (long)b * D, nA = 0.0, nF, hs;
        const double *fb = f0 + (long)b * D, *yb = ybar + (long)b * D;
        int eA, eF;
        nF = nde_norm_inf(D, yb);
        if (nF == 0.0) {
            memset(Jb, 0, (size_t)DD * sizeof(double));
            memset(fbb, 0, (size_t)D * sizeof(double));
            continue;
        }
        memset(K, 0, (size_t)MM * sizeof(double));
        for (c = 0; c < D; c++) { /* row c of G^T = column c of G = h J0[:, c]; twice on the diagonal */
            double s = 0.0;
            for (r = 0; r < D; r++) {
                double x = h * Jb[(long)r * D + c];
                K[(long)c * M + r] = K[(long)(m1 + c) * M + m1 + r] = x;
                s += fabs(x);
            }
            if (s > nA) nA = s;
        }
        {   /* row D of G^T = h f0^T */
            double s = 0.0;
            for (r = 0; r < D; r++) {
                double x = h * fb[r];
                K[(long)D * M + r] = K[(long)(m1 + D) * M + m1 + r] = x;
                s += fabs(x);
            }
            if (s > nA) nA = s;
        }
        frexp(nA > 0.0 ? nA : 1.0, &eA);
        frexp(nF, &eF);
        for (r = 0; r < D; r++) K[(long)r * M + m1 + D] = ldexp(yb[r], eA - eF); /* Ebar, scaled */
        status = nde__expm(M, K, K, work, w->piv);
        if (status) {
            nde__msg(ig->st->msg, "epi2 reverse: the exponential of the (%d,%d) block matrix failed at t = %.17g (%s)",
                     M, M, t, nde_status_name(status));
            return status;
        }
        hs = ldexp(h, eF - eA);
        for (r = 0; r < D; r++) {
            for (c = 0; c < D; c++) Jb[(long)r * D + c] = hs * K[(long)r * M + m1 + c];
            fbb[r] = hs * K[(long)r * M + m1 + D];
        }
    }
    status = nde__vjp_add(sys, B, n, t, Y, NULL, fbar, ybar, gth, nvjp); /* ybar already holds ybar1: the identity path */
    if (status) return status;
    memset(e, 0, (size_t)n * sizeof(double));
    for (j = 0; j < D; j++) { /* sum_j vhp(a = Jbar0[:, j], v = e_j) = d/d(y, theta) sum_ij Jbar0_ij J0_ij */
        int any = 0;
        for (b = 0; b < B; b++) {
            const double *Jb = w->J + b * DD;
            for (r = 0; r < D; r++) {
                a[(long)b * D + r] = Jb[(long)r * D + j];
                any |= Jb[(long)r * D + j] != 0.0;
            }
            if (j > 0) e[(long)b * D + j - 1] = 0.0;
            e[(long)b * D + j] = 1.0;
        }
        if (!any) continue;
        if ((status = nde__cb_status(sys->vhp(sys->ctx, t, B, Y, sys->params, a, e, ybar, gth))) != NDE_OK) {
            nde__msg(ig->st->msg, "epi2 reverse: the second-order callback vhp returned %s at t = %.17g",
                     nde_status_name(status), t);
            return status;
        }
    }
    return NDE_OK;
}

/* ---- Stormer-Verlet (leapfrog) -------------------------------------------- */
/* Rows y = (q, p), each half of length D/2, for dq/dt = F(p), dp/dt = G(q)
   (a separable Hamiltonian H = T(p) + V(q); assumed, not checked):
     p_h = p + h/2 G(q);  q1 = q + h F(p_h);  p1 = p_h + h/2 G(q1)
   [Hairer-Lubich-Wanner, Geometric Numerical Integration, I.1.4]:
   explicit, symmetric, symplectic, order 2. G and F are the p and q parts of f
   at (q, p), (q, p_h) and (q1, p_h). Rows: 1 = (q, p_h) with f there,
   2 = (y1, f(t1, y1)). Three evaluations per step. */

/* dst = the q half of qsrc's rows with the p half of psrc's rows. */
static void nde__qp_join(const nde__integ *ig, const double *qsrc, const double *psrc, double *dst)
{
    int b, D = ig->D, Dh = D / 2;
    for (b = 0; b < ig->B; b++) {
        memcpy(dst + (long)b * D, qsrc + (long)b * D, (size_t)Dh * sizeof(double));
        memcpy(dst + (long)b * D + Dh, psrc + (long)b * D + Dh, (size_t)Dh * sizeof(double));
    }
}

/* x[half] += a * v[half] on the q half (part 0) or the p half (part 1) of every row. */
static void nde__half_axpy(const nde__integ *ig, int part, double a, const double *v, double *x)
{
    int b, i, D = ig->D, Dh = D / 2;
    for (b = 0; b < ig->B; b++)
        for (i = 0; i < Dh; i++) {
            long j = (long)b * D + part * Dh + i;
            x[j] += a * v[j];
        }
}

static int nde__leapfrog_attempt(nde__integ *ig, nde__ows *w, double h)
{
    long n = ig->n;
    double *Yh = ig->Y + n, *kh = ig->k + n;
    int status = nde__ensure_f0(ig);
    if (status) return status;
    memcpy(Yh, ig->y, (size_t)n * sizeof(double)); /* kick: p_h = p + h/2 G(q) */
    nde__half_axpy(ig, 1, 0.5 * h, ig->k, Yh);
    status = nde__eval(ig, -1, ig->t + 0.5 * h, Yh, kh);
    if (status) return status;
    memcpy(ig->y1, Yh, (size_t)n * sizeof(double)); /* drift: q1 = q + h F(p_h) */
    nde__half_axpy(ig, 0, h, kh, ig->y1);
    status = nde__eval(ig, -1, ig->t1, ig->y1, w->F); /* at (q1, p_h) */
    if (status) return status;
    nde__half_axpy(ig, 1, 0.5 * h, w->F, ig->y1); /* kick: p1 = p_h + h/2 G(q1) */
    if (!nde__all_finite(n, ig->y1)) return NDE__STEP_NONFINITE;
    memcpy(ig->Y + 2 * n, ig->y1, (size_t)n * sizeof(double));
    return nde__eval(ig, -1, ig->t1, ig->y1, ig->k + 2 * n);
}

/* Reverse of the three updates in opposite order; each is x += c * (part of f
   at a point), whose reverse adds vjp(point, c * xbar-part) to the point's
   adjoint (exact for any f, separable or not). */
static int nde__leapfrog_vjp(const nde__integ *ig, nde__ows *w, const double *rec, double *ybar, double *gth, long *nvjp)
{
    const double *Y = rec + NDE__TAPE_HEAD;
    double t = rec[0], h = rec[1], t1 = rec[2];
    long n = ig->n, r;
    int status, k;
    nde__qp_join(ig, Y + 2 * n, Y + n, w->pt); /* (q1, p_h) */
    for (k = 0; k < 3; k++) { /* p1 = p_h + h/2 G(q1, p_h); q1 = q + h F(q, p_h); p_h = p + h/2 G(q, p) */
        const double *pt = k == 0 ? w->pt : k == 1 ? Y + n : Y;
        double tk = k == 0 ? t1 : k == 1 ? t + 0.5 * h : t;
        memset(w->u, 0, (size_t)n * sizeof(double));
        nde__half_axpy(ig, k == 1 ? 0 : 1, k == 1 ? h : 0.5 * h, ybar, w->u);
        memset(w->v, 0, (size_t)n * sizeof(double));
        status = nde__vjp_add(ig->sys, ig->B, n, tk, pt, NULL, w->u, w->v, gth, nvjp);
        if (status) return status;
        for (r = 0; r < n; r++) ybar[r] += w->v[r];
    }
    return NDE_OK;
}

/* ---- dispatch --------------------------------------------------------------- */

/* err value that makes the driver halve h after a failed implicit solve:
   safety * err^(-1/q) = 1/2. */
static double nde__reject_err(const nde__integ *ig)
{
    double e = pow(2.0 * ig->o.safety, ig->info->err_order + 1.0);
    return e > 2.0 ? e : 2.0;
}

static int nde__other_attempt(nde__integ *ig, double h, double *err)
{
    nde__ows *w = (nde__ows *)ig->impl;
    int status, failed = 0;
    *err = 0.0;
    switch (ig->o.method) {
    case NDE_BACKWARD_EULER:
    case NDE_SDIRK4: status = nde__dirk_attempt(ig, w, h, err, &failed); break;
    case NDE_GAUSS2: status = nde__gauss2_attempt(ig, w, h, &failed); break;
    case NDE_EPI2: status = nde__epi2_attempt(ig, w, h); break;
    case NDE_LEAPFROG: status = nde__leapfrog_attempt(ig, w, h); break;
    default: return NDE_ERR_UNSUPPORTED;
    }
    if (status || !failed) return status;
    if (ig->info->adaptive) { /* the stages could not be solved: reject, retry with h/2 */
        *err = nde__reject_err(ig);
        return NDE_OK;
    }
    if (failed == NDE__NEWTON_SINGULAR) {
        nde__msg(ig->st->msg, "%s: the Newton matrix %s is singular in the step from t = %.17g to %.17g "
                              "(h = %.3g): take a smaller opt.h", ig->info->name,
                 ig->o.method == NDE_GAUSS2 ? "I - h (A (x) J)" : "I - h gamma J", ig->t, ig->t1, h);
        return NDE_ERR_SINGULAR;
    }
    nde__msg(ig->st->msg, "%s: the Newton iteration did not converge in the step from t = %.17g to %.17g "
                          "(h = %.3g, newton_max = %d, newton_tol = %g): take a smaller opt.h or use sdirk4",
             ig->info->name, ig->t, ig->t1, h, ig->o.newton_max, ig->o.newton_tol);
    return NDE_ERR_NEWTON;
}

static int nde__other_step_vjp(const nde__integ *ig, const double *rec, double *ybar, double *gth, long *nvjp)
{
    nde__ows *w = (nde__ows *)ig->impl;
    switch (ig->o.method) {
    case NDE_BACKWARD_EULER:
    case NDE_SDIRK4: return nde__dirk_vjp(ig, w, rec, ybar, gth, nvjp);
    case NDE_GAUSS2: return nde__gauss2_vjp(ig, w, rec, ybar, gth, nvjp);
    case NDE_LEAPFROG: return nde__leapfrog_vjp(ig, w, rec, ybar, gth, nvjp);
    case NDE_EPI2: return nde__epi2_vjp(ig, w, rec, ybar, gth, nvjp);
    default:
        nde__msg(ig->st->msg, "backprop through %s is not supported; use NDE_GRAD_INTERP or NDE_GRAD_BACKSOLVE",
                 ig->info->name);
        return NDE_ERR_UNSUPPORTED;
    }
}

/* ===================================================================== */
/* Linear stability functions                                             */
/* ===================================================================== */
/* y' = lambda y, z = h lambda: the stages solve (I - z A) k = lambda y0 1,
   so y1 = y0 (1 + z b^T (I - z A)^-1 1) = R(z) y0 [Hairer-Wanner II, IV.3].
   With z = x + i y and (I - z A) = (I - x A) - i y A, the complex system is
   the real one [[I - x A, y A], [-y A, I - x A]] (u; v) = (1; 0). EPI2 applies
   phi1 exactly: R(z) = 1 + z phi1(z) = e^z. Tables: the steps' own arrays. */

#define NDE__STAB_SMAX 8 /* most stages of any table (dopri5 and tsit5: 7) */

NDEDEF int nde_method_stability(int method, double zr, double zi, double *Rr, double *Ri, char *msg)
{
    double M[4 * NDE__STAB_SMAX * NDE__STAB_SMAX], rhs[2 * NDE__STAB_SMAX]; /* (2S,2S), (2S) */
    int piv[2 * NDE__STAB_SMAX], S, m, i, j;
    const double *A, *b;
    double wr = 0.0, wi = 0.0;
    if (!Rr || !Ri) { nde__msg(msg, "Rr or Ri is NULL"); return NDE_ERR_ARG; }
    *Rr = *Ri = NAN;
    if (method < 0 || method >= NDE_METHOD_COUNT) { nde__msg(msg, "method = %d is not an nde_method", method); return NDE_ERR_ARG; }
    if (!nde__finite(zr) || !nde__finite(zi)) { nde__msg(msg, "z = %g + %g i is not finite", zr, zi); return NDE_ERR_ARG; }
    if (method == NDE_EPI2) {
        *Rr = exp(zr) * cos(zi);
        *Ri = exp(zr) * sin(zi);
        return NDE_OK;
    }
    if (nde__methods[method].tab) {
        S = nde__methods[method].tab->S;
        A = nde__methods[method].tab->a;
        b = nde__methods[method].tab->b;
    } else if (method == NDE_BACKWARD_EULER || method == NDE_SDIRK4) {
        const nde__dirk *tb = method == NDE_SDIRK4 ? &nde__dirk_sdirk4 : &nde__dirk_be;
        S = tb->S;
        A = tb->a;
        b = tb->a + (S - 1) * S; /* stiffly accurate: b is the last row of A */
    } else if (method == NDE_GAUSS2) {
        S = 2;
        A = nde__gauss2_a;
        b = nde__gauss2_b;
    } else {
        nde__msg(msg, "%s splits y into (q, p): it has no stability function R(z) of y' = lambda y", nde_method_name(method));
        return NDE_ERR_UNSUPPORTED;
    }
    m = 2 * S;
    for (i = 0; i < S; i++) {
        for (j = 0; j < S; j++) {
            double a = A[i * S + j], d = (i == j ? 1.0 : 0.0) - zr * a;
            M[i * m + j] = M[(S + i) * m + S + j] = d;
            M[i * m + S + j] = zi * a;
            M[(S + i) * m + j] = -zi * a;
        }
        rhs[i] = 1.0;
        rhs[S + i] = 0.0;
    }
    if (nde_lu_factor(m, M, piv)) {
        *Rr = *Ri = INFINITY;
        nde__msg(msg, "z = %g + %g i is a pole of R for %s: I - z A is singular", zr, zi, nde_method_name(method));
        return NDE_ERR_SINGULAR;
    }
    nde_lu_solve(m, M, piv, rhs);
    for (i = 0; i < S; i++) {
        wr += b[i] * rhs[i];
        wi += b[i] * rhs[S + i];
    }
    *Rr = 1.0 + zr * wr - zi * wi;
    *Ri = zr * wi + zi * wr;
    return NDE_OK;
}

/* ===================================================================== */
/* Losses                                                                 */
/* ===================================================================== */
/* L = mean_{n,b,d} w_n (y - target)^2 or w_n |y - target|; dL/dy is the
   jump that every gradient method adds to the adjoint at t_n. */

NDEDEF double nde_loss_mse(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    const nde_target *tg = (const nde_target *)ctx;
    long i, m = (long)B * D, cnt = (long)N * m;
    double L = 0.0;
    int k;
    (void)t;
    for (k = 0; k < N; k++) {
        double w = tg->w ? tg->w[k] : 1.0;
        for (i = k * m; i < (k + 1) * m; i++) {
            double r = y[i] - tg->y[i];
            L += w * r * r;
            g[i] = 2.0 * w * r / (double)cnt;
        }
    }
    return L / (double)cnt;
}

NDEDEF double nde_loss_mae(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    const nde_target *tg = (const nde_target *)ctx;
    long i, m = (long)B * D, cnt = (long)N * m;
    double L = 0.0;
    int k;
    (void)t;
    for (k = 0; k < N; k++) {
        double w = tg->w ? tg->w[k] : 1.0;
        for (i = k * m; i < (k + 1) * m; i++) {
            double r = y[i] - tg->y[i];
            L += w * fabs(r);
            g[i] = (r > 0 ? w : r < 0 ? -w : 0.0) / (double)cnt;
        }
    }
    return L / (double)cnt;
}

NDEDEF void nde_time_weights(int N, const double *t, double alpha, double *w)
{
    int k;
    if (!t || !w) return;
    for (k = 0; k < N; k++)
        w[k] = 1.0 + (N > 1 ? alpha * (t[k] - t[0]) / (t[N - 1] - t[0]) : 0.0);
}

NDEDEF double nde_mse(long n, const double *a, const double *b)
{
    double s = 0.0;
    long i;
    if (!a || !b) return 0.0;
    for (i = 0; i < n; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
    return n > 0 ? s / (double)n : 0.0;
}

/* ===================================================================== */
/* Augmented Neural ODEs                                                  */
/* ===================================================================== */
/* [z; a] with a(0) = 0 (the tutorial's eq 23; Dupont, Doucet and Teh 2019).
   The dynamics are the caller's system of dim D + p; here only the data
   moves: rows are padded with zeros, the loss sees the first D components
   and its gradient on the last p is zero (a is discarded at the output). */

/* dst (rows,wd) = the first n components of every row of src (rows,ws),
   zeros after them when wd > n. */
static void nde__copy_cols(long rows, int ws, int wd, int n, const double *src, double *dst)
{
    long r;
    for (r = 0; r < rows; r++) {
        memcpy(dst + r * wd, src + r * ws, (size_t)n * sizeof(double));
        if (wd > n) memset(dst + r * wd + n, 0, (size_t)(wd - n) * sizeof(double));
    }
}

/* Scratch of at least len doubles in aug->buf; 0, or 1 (nomem set). */
static int nde__augment_reserve(nde_augment *aug, long len)
{
    double *nb;
    if (len <= aug->cap) return 0;
    nb = (double *)NDE_REALLOC(aug->buf, (size_t)len * sizeof(double));
    if (!nb) { aug->nomem = 1; return 1; }
    aug->buf = nb;
    aug->cap = len;
    return 0;
}

/* Point loss on ya (N,B,D+p): the caller's loss on the visible y (N,B,D),
   its gradient spread back into ga (N,B,D+p) with zeros on a. */
static double nde__augment_point(void *ctx, int N, int B, int Da, const double *t, const double *ya, double *ga)
{
    nde_augment *aug = (nde_augment *)ctx;
    long rows = (long)N * B, n = rows * aug->D, i;
    double L, *y, *g;
    if (Da != aug->D + aug->p || nde__augment_reserve(aug, 2 * n)) { /* another system's rows, or no memory */
        for (i = 0; i < rows * Da; i++) ga[i] = NAN;
        return NAN;
    }
    y = aug->buf; g = y + n; /* (N,B,D) each */
    nde__copy_cols(rows, aug->D + aug->p, aug->D, aug->D, ya, y);
    L = aug->inner.point(aug->inner.ctx, N, B, aug->D, t, y, g);
    nde__copy_cols(rows, aug->D, aug->D + aug->p, aug->D, g, ga);
    return L;
}

/* Running loss: g (B) of the visible rows, gya (B,D+p) = [dg/dy, 0]. */
static int nde__augment_running(void *ctx, double t, int B, int Da, const double *ya, double *g, double *gya)
{
    nde_augment *aug = (nde_augment *)ctx;
    long n = (long)B * aug->D;
    double *y, *gy;
    if (Da != aug->D + aug->p || nde__augment_reserve(aug, 2 * n)) return 1;
    y = aug->buf; gy = y + n; /* (B,D) each */
    nde__copy_cols(B, aug->D + aug->p, aug->D, aug->D, ya, y);
    if (aug->inner.running(aug->inner.ctx, t, B, aug->D, y, g, gy)) return 1;
    nde__copy_cols(B, aug->D, aug->D + aug->p, aug->D, gy, gya);
    return 0;
}

NDEDEF int nde_augment_init(nde_augment *aug, const nde_system *sys, int D, const nde_loss *loss, char *msg)
{
    if (!aug) { nde__msg(msg, "aug is NULL"); return NDE_ERR_ARG; }
    memset(aug, 0, sizeof *aug);
    if (!sys) { nde__msg(msg, "sys is NULL"); return NDE_ERR_ARG; }
    if (D < 1 || D > sys->dim) {
        nde__msg(msg, "D = %d: the visible dimension must be in [1, sys->dim = %d]", D, sys->dim);
        return NDE_ERR_ARG;
    }
    if (loss && !loss->point && !loss->running) {
        nde__msg(msg, "loss has neither a point nor a running part (pass NULL for padding and slicing only)");
        return NDE_ERR_ARG;
    }
    aug->D = D;
    aug->p = sys->dim - D;
    if (loss) aug->inner = *loss;
    aug->loss.point = aug->inner.point ? nde__augment_point : NULL;
    aug->loss.running = aug->inner.running ? nde__augment_running : NULL;
    aug->loss.ctx = aug;
    return NDE_OK;
}

NDEDEF void nde_augment_free(nde_augment *aug)
{
    if (!aug) return;
    NDE_FREE(aug->buf);
    aug->buf = NULL;
    aug->cap = 0;
}

NDEDEF void nde_augment_pad(const nde_augment *aug, long rows, const double *y, double *ya)
{
    nde__copy_cols(rows, aug->D, aug->D + aug->p, aug->D, y, ya);
}

NDEDEF void nde_augment_slice(const nde_augment *aug, long rows, const double *ya, double *y)
{
    nde__copy_cols(rows, aug->D + aug->p, aug->D, aug->D, ya, y);
}

/* ===================================================================== */
/* Running losses as a quadrature state                                   */
/* ===================================================================== */
/* G = integral of sum_b g(t, y_b) dt becomes one more state per row,
   q_b' = g(t, y_b), q_b(t0) = 0, so that G = sum_b q_b(t_end). Backprop
   differentiates it with the rest of the state; in the adjoint methods
   a_q stays constant and -a_q dg/dy is exactly the source term of the
   adjoint equation (the Julia report, eq 2.4a). */

typedef struct nde__runsys {
    const nde_system *sys;
    const nde_loss *loss;
    int cap;         /* rows the buffers hold */
    double *buf;     /* (B,D) state, (B,D) cotangent/derivative, (B,D) dg/dy, (B) g */
    int nomem;       /* set when growing buf failed (the callback then returned 1) */
} nde__runsys;

static int nde__run_reserve(nde__runsys *r, int B)
{
    double *nb;
    if (B <= r->cap) return 0;
    nb = (double *)NDE_REALLOC(r->buf, (size_t)B * (3 * r->sys->dim + 1) * sizeof(double));
    if (!nb) { r->nomem = 1; return 1; }
    r->buf = nb;
    r->cap = B;
    return 0;
}

/* Copy the first D of every D+1 numbers (strip q) from src (B,D+1) into dst (B,D). */
static void nde__strip_q(int B, int D, const double *src, double *dst)
{
    nde__copy_cols(B, D + 1, D, D, src, dst);
}

static int nde__run_f(void *ctx, double t, int B, const double *z, const double *th, double *dz)
{
    nde__runsys *r = (nde__runsys *)ctx;
    int D = r->sys->dim, b;
    double *y, *fy, *gy, *g;
    if (nde__run_reserve(r, B)) return 1;
    y = r->buf; fy = y + (long)B * D; gy = fy + (long)B * D; g = gy + (long)B * D;
    nde__strip_q(B, D, z, y);
    if (r->sys->f(r->sys->ctx, t, B, y, th, fy)) return 1;
    if (r->loss->running(r->loss->ctx, t, B, D, y, g, gy)) return 1;
    for (b = 0; b < B; b++) {
        memcpy(dz + (long)b * (D + 1), fy + (long)b * D, (size_t)D * sizeof(double));
        dz[(long)b * (D + 1) + D] = g[b];
    }
    return 0;
}

/* (a_y, a_q) -> gy += a_y^T f_y + a_q dg/dy, gth += a_y^T f_theta. */
static int nde__run_vjp(void *ctx, double t, int B, const double *z, const double *th, const double *a,
                        double *gz, double *gth, double *gt)
{
    nde__runsys *r = (nde__runsys *)ctx;
    int D = r->sys->dim, b, i;
    double *y, *ay, *gy, *g;
    if (nde__run_reserve(r, B)) return 1;
    y = r->buf; ay = y + (long)B * D; gy = ay + (long)B * D; g = gy + (long)B * D;
    nde__strip_q(B, D, z, y);
    nde__strip_q(B, D, a, ay);
    if (gz) {
        if (r->loss->running(r->loss->ctx, t, B, D, y, g, gy)) return 1;
        for (b = 0; b < B; b++)
            for (i = 0; i < D; i++) gz[(long)b * (D + 1) + i] += a[(long)b * (D + 1) + D] * gy[(long)b * D + i];
        /* a_y^T f_y lands in gy (reused as the row-compact buffer), then spreads out */
        memset(gy, 0, (size_t)B * D * sizeof(double));
    }
    if (r->sys->vjp(r->sys->ctx, t, B, y, th, ay, gz ? gy : NULL, gth, gt)) return 1;
    if (gz)
        for (b = 0; b < B; b++)
            for (i = 0; i < D; i++) gz[(long)b * (D + 1) + i] += gy[(long)b * D + i];
    return 0;
}

/* ===================================================================== */
/* Backprop through the solver (discretize-then-optimize)                 */
/* ===================================================================== */
/* Each accepted step is recorded on a tape: its t, h, t1, the outputs it
   produced, its stage inputs Y (R,n) and, when the system offers f_save,
   what that kept at each stage (R,svn). The reverse sweep runs the steps
   backwards; for an explicit RK step [y1 = y + h sum b_i k_i,
   Y_i = y + h sum_{j<i} a_ij k_j, k_i = f(t + c_i h, Y_i)]:
     kbar_i += h b_i ybar1;  for i = S-1..0: Ybar_i = kbar_i^T df/dy(Y_i),
     thbar += kbar_i^T df/dtheta(Y_i), ybar += Ybar_i, kbar_j += h a_ij Ybar_i.
   Dense outputs inside a step add w * gbar to y, y1 and the k rows.
   Step sizes count as constants: this is the exact gradient of the
   computed solution for the accepted step sequence. */

/* Records, one after another in one block grown by a quarter at a time
   (from 8 records), so the bytes held stay close to the bytes needed.
   nde__tape_next makes room for record nrec without counting it, so it can
   be filled before it is kept; growing moves the records. */
typedef struct nde__tape {
    double *d;         /* nrec records of rec_len doubles, room for cap doubles */
    long cap, nrec, rec_len;
    long max_rec;      /* never room for more records than this (0: no limit) */
} nde__tape;

static double *nde__tape_next(nde__tape *tp)
{
    if ((tp->nrec + 1) * tp->rec_len > tp->cap) {
        long nc = tp->cap ? tp->cap + tp->cap / 4 + tp->rec_len : 8 * tp->rec_len;
        if (tp->max_rec > 0 && nc > tp->max_rec * tp->rec_len) nc = tp->max_rec * tp->rec_len;
        if (nc < (tp->nrec + 1) * tp->rec_len) nc = (tp->nrec + 1) * tp->rec_len;
        double *nd = (double *)NDE_REALLOC(tp->d, (size_t)nc * sizeof(double));
        if (!nd) return NULL;
        tp->d = nd;
        tp->cap = nc;
    }
    return tp->d + tp->nrec * tp->rec_len;
}

static double *nde__tape_push(nde__tape *tp)
{
    double *r = nde__tape_next(tp);
    if (r) tp->nrec++;
    return r;
}

static double *nde__tape_rec(const nde__tape *tp, long s) { return tp->d + s * tp->rec_len; }

/* The backprop tape: one record per accepted step, and the saved
   activations (R,svn) of the first saves.max_rec steps in a second store
   (record s there belongs to step s). f_save
   writes the stages of the step being tried straight into the next free
   save record (ig->sv points there); on acceptance that record is kept and
   ig->sv moves on to the one after, whose row 0 is this step's row `end`
   (f(t1, y1): the next step's first stage), or to NULL once max_rec
   records are kept: later steps' vjps recompute their forward pass. */
typedef struct nde__bp_tape {
    nde__tape steps;   /* records of NDE__TAPE_HEAD + R*n doubles */
    nde__tape saves;   /* records of R*svn doubles, at most saves.max_rec */
} nde__bp_tape;

static int nde__tape_hook(void *ctx, nde__integ *ig, double h, int j0, int j1)
{
    nde__bp_tape *tp = (nde__bp_tape *)ctx;
    double *r = nde__tape_push(&tp->steps);
    if (!r) {
        nde__msg(ig->st->msg, "out of memory for the backprop tape after %ld steps", tp->steps.nrec);
        return NDE_ERR_NOMEM;
    }
    r[0] = ig->t;
    r[1] = h;
    r[2] = ig->t1;
    r[3] = j0;
    r[4] = j1;
    memcpy(r + NDE__TAPE_HEAD, ig->Y, (size_t)ig->info->nstage * ig->n * sizeof(double));
    if (ig->sv) {
        double *next = NULL;
        tp->saves.nrec++;
        if (tp->saves.nrec < tp->saves.max_rec) {
            next = nde__tape_next(&tp->saves); /* may move the records: read the last one after */
            if (!next) {
                nde__msg(ig->st->msg, "out of memory for the saved activations after %ld steps", tp->saves.nrec);
                return NDE_ERR_NOMEM;
            }
            memcpy(next, nde__tape_rec(&tp->saves, tp->saves.nrec - 1) + (long)ig->end * ig->svn,
                   (size_t)ig->svn * sizeof(double));
        }
        ig->sv = next;
    }
    return NDE_OK;
}

/* Reverse of one explicit RK step: ybar (n) in = dL/dy1, out = dL/dy;
   kbar (R,n) the k-row adjoints from dense outputs (consumed); scr (n). */
static int nde__rk_step_vjp(const nde__integ *ig, const double *rec, const double *SV, double *ybar,
                            double *kbar, double *scr, double *gth, long *nvjp)
{
    const nde_tableau *tab = ig->info->tab;
    const double *Y = rec + NDE__TAPE_HEAD; /* (R,n); SV (R,svn) the saved activations or NULL */
    double t = rec[0], h = rec[1], t1 = rec[2];
    long n = ig->n, r;
    int i, j, S = tab->S, status;
    if (!tab->fsal) { /* k_end = f(t1, y1), read by the dense output only */
        status = nde__vjp_add(ig->sys, ig->B, n, t1, Y + (long)ig->end * n, SV ? SV + (long)ig->end * ig->svn : NULL,
                              kbar + (long)ig->end * n, ybar, gth, nvjp);
        if (status) return status;
    }
    for (i = 0; i < S; i++) {
        double hb = h * tab->b[i];
        double *ki = kbar + (long)i * n;
        if (hb != 0.0)
            for (r = 0; r < n; r++) ki[r] += hb * ybar[r];
    }
    for (i = S - 1; i >= 0; i--) {
        double ti = tab->c[i] == 1.0 ? t1 : t + tab->c[i] * h;
        memset(scr, 0, (size_t)n * sizeof(double));
        status = nde__vjp_add(ig->sys, ig->B, n, ti, Y + (long)i * n, SV ? SV + (long)i * ig->svn : NULL,
                              kbar + (long)i * n, scr, gth, nvjp);
        if (status) return status;
        for (r = 0; r < n; r++) ybar[r] += scr[r];
        for (j = 0; j < i; j++) {
            double ha = h * tab->a[i * S + j];
            double *kj = kbar + (long)j * n;
            if (ha != 0.0)
                for (r = 0; r < n; r++) kj[r] += ha * scr[r];
        }
    }
    return NDE_OK;
}

/* The reverse sweep over the tape. g (N,n) = dL/dy(t_j); ybar (n) out = dL/dy0. */
static int nde__backprop_sweep(const nde__integ *ig, const nde__bp_tape *bt, const double *tout, const double *g,
                               double *ybar, double *gth, long *nvjp, double *work)
{
    long n = ig->n, s, r;
    int R = ig->info->nstage, status = NDE_OK;
    double *kbar = work, *ydir = kbar + (long)R * n, *scr = ydir + n;
    memset(ybar, 0, (size_t)n * sizeof(double));
    for (s = bt->steps.nrec - 1; s >= 0 && status == NDE_OK; s--) {
        const double *rec = nde__tape_rec(&bt->steps, s);
        const double *SV = s < bt->saves.nrec ? nde__tape_rec(&bt->saves, s) : NULL; /* steps 0.. kept first */
        double t = rec[0], h = rec[1], t1 = rec[2], wk[NDE__MAX_ROWS], wy, wy1;
        int j, q, j0 = (int)rec[3], j1 = (int)rec[4];
        memset(kbar, 0, (size_t)R * n * sizeof(double));
        memset(ydir, 0, (size_t)n * sizeof(double));
        for (j = j0; j < j1; j++) { /* dense outputs of this step */
            const double *gj = g + (long)j * n;
            if (tout[j] == t1) {
                for (r = 0; r < n; r++) ybar[r] += gj[r];
                continue;
            }
            nde__dense_weights(ig, h, (tout[j] - t) / h, &wy, &wy1, wk);
            for (r = 0; r < n; r++) { ybar[r] += wy1 * gj[r]; ydir[r] += wy * gj[r]; }
            for (q = 0; q < R; q++)
                if (wk[q] != 0.0)
                    for (r = 0; r < n; r++) kbar[(long)q * n + r] += wk[q] * gj[r];
        }
        if (ig->info->kind == NDE__KIND_RK) {
            status = nde__rk_step_vjp(ig, rec, SV, ybar, kbar, scr, gth, nvjp);
        } else { /* Hermite rows: k0 = f(t, y), k_end = f(t1, y1) around the step map */
            const double *Y = rec + NDE__TAPE_HEAD;
            status = nde__vjp_add(ig->sys, ig->B, n, t1, Y + (long)ig->end * n, NULL, kbar + (long)ig->end * n, ybar, gth, nvjp);
            if (!status) status = nde__other_step_vjp(ig, rec, ybar, gth, nvjp);
            if (!status) status = nde__vjp_add(ig->sys, ig->B, n, t, Y, NULL, kbar, ybar, gth, nvjp);
        }
        for (r = 0; r < n; r++) ybar[r] += ydir[r];
    }
    for (r = 0; r < n; r++) ybar[r] += g[r]; /* the output at t0 is y0 itself */
    return status;
}

/* ===================================================================== */
/* Adjoint methods                                                        */
/* ===================================================================== */
/* The adjoint a(t) = dL/dy(t) obeys, backwards from t_{N-1} to t_0,
     da/dt = -a^T df/dy,   dg/dt = -a^T df/dtheta,   g(t_{N-1}) = 0,
   with the jump a += dL/dy(t_j) at every output time (the crash course,
   eq 13; the spiral report, eqs 15-29; the Julia report, eqs 2.3-2.5).
   Backsolve (method B of the Julia report) integrates y backwards with
   them, resetting it to the stored forward value at each output time;
   interp (method A) reads y(t) from the forward dense output instead. */

/* Dense store of the forward solution for the interpolating adjoint:
   records t, h, t1, then y (n), y1 (n) and the k rows (R,n). */
typedef struct nde__dense_store {
    const nde__integ *ig;  /* the forward integrator (method, sizes) */
    nde__tape tape;        /* records of 3 + (2 + R) n doubles */
    long cursor;           /* last record used: the backward sweep moves monotonically */
} nde__dense_store;

static int nde__dense_hook(void *ctx, nde__integ *ig, double h, int j0, int j1)
{
    nde__dense_store *ds = (nde__dense_store *)ctx;
    long n = ig->n;
    double *r = nde__tape_push(&ds->tape);
    (void)j0; (void)j1;
    if (!r) {
        nde__msg(ig->st->msg, "out of memory for the dense store after %ld steps", ds->tape.nrec);
        return NDE_ERR_NOMEM;
    }
    r[0] = ig->t;
    r[1] = h;
    r[2] = ig->t1;
    memcpy(r + 3, ig->y, (size_t)n * sizeof(double));
    memcpy(r + 3 + n, ig->y1, (size_t)n * sizeof(double));
    memcpy(r + 3 + 2 * n, ig->k, (size_t)((long)ig->info->nstage * n) * sizeof(double));
    return NDE_OK;
}

/* y (n) = forward solution at time tq (within the forward span). */
static void nde__dense_lookup(nde__dense_store *ds, double tq, double *y)
{
    const nde__integ *ig = ds->ig;
    long n = ig->n, s = ds->cursor;
    const double *r;
    double dir = ig->dir;
    if (s < 0 || s >= ds->tape.nrec) s = ds->tape.nrec - 1;
    while (s > 0 && (tq - nde__tape_rec(&ds->tape, s)[0]) * dir < 0.0) s--;
    while (s < ds->tape.nrec - 1 && (tq - nde__tape_rec(&ds->tape, s)[2]) * dir > 0.0) s++;
    ds->cursor = s;
    r = nde__tape_rec(&ds->tape, s);
    nde__dense_at(ig, r[0], r[2], r[1], r + 3, r + 3 + n, r + 3 + 2 * n, tq, y);
}

/* The augmented backward system, as an nde_system with B = 1:
   backsolve z = [y (n), a (n), g (P)]; interp z = [a (n), g (P)]. */
typedef struct nde__adjsys {
    const nde_system *sys;
    int B;
    long n;
    int P;
    nde__dense_store *ds;  /* interp: the forward dense output; NULL for backsolve */
    double *y;             /* (n) scratch: y(t) for interp */
    double *J;             /* (B,D,D) scratch for the Jacobian */
    double *sv;            /* backsolve: (B,save_len) what f_save keeps for the vjp at the same
                              point, when the system offers it; else NULL */
    long nvjp;
} nde__adjsys;

static int nde__adj_f(void *ctx, double t, int one, const double *z, const double *th, double *dz)
{
    nde__adjsys *A = (nde__adjsys *)ctx;
    long n = A->n, i, m;
    const double *y, *a;
    double *da;
    (void)one; (void)th;
    if (A->ds) { /* interp */
        nde__dense_lookup(A->ds, t, A->y);
        y = A->y;
        a = z;
        da = dz;
    } else {
        y = z;
        a = z + n;
        da = dz + n;
        if (A->sv ? A->sys->f_save(A->sys->ctx, t, A->B, y, A->sys->params, dz, A->sv)
                  : A->sys->f(A->sys->ctx, t, A->B, y, A->sys->params, dz)) return 1;
    }
    m = n + A->P;
    memset(da, 0, (size_t)m * sizeof(double));
    A->nvjp++;
    if (A->sv ? A->sys->vjp_saved(A->sys->ctx, t, A->B, y, A->sys->params, A->sv, a, da, da + n, NULL)
              : A->sys->vjp(A->sys->ctx, t, A->B, y, A->sys->params, a, da, da + n, NULL)) return 1;
    for (i = 0; i < m; i++) da[i] = -da[i];
    return 0;
}

/* Jacobian of the backward system for the implicit methods: the blocks
   df/dy (y rows) and -(df/dy)^T (a rows); the second-derivative coupling
   of a to y and the g rows are left out (a simplified-Newton matrix: the
   iteration still converges to the implicit solution). J is (1,M,M). */
static int nde__adj_jac(void *ctx, double t, int one, const double *z, const double *th, double *J)
{
    nde__adjsys *A = (nde__adjsys *)ctx;
    int D = A->sys->dim, b, i, j, status;
    long n = A->n, M = (A->ds ? 1 : 2) * n + A->P, ya = A->ds ? -1 : 0, aa = A->ds ? 0 : n;
    const double *y = z;
    (void)one; (void)th;
    if (A->ds) {
        nde__dense_lookup(A->ds, t, A->y);
        y = A->y;
    }
    status = nde_system_jacobian(A->sys, t, A->B, y, A->J);
    if (status) return 1;
    memset(J, 0, (size_t)(M * M) * sizeof(double));
    for (b = 0; b < A->B; b++)
        for (i = 0; i < D; i++)
            for (j = 0; j < D; j++) {
                double v = A->J[((long)b * D + i) * D + j];
                long r = (long)b * D + i, c = (long)b * D + j;
                if (ya >= 0) J[(ya + r) * M + ya + c] = v;
                J[(aa + c) * M + aa + r] = -v;
            }
    return 0;
}

/* ===================================================================== */
/* nde_grad                                                               */
/* ===================================================================== */

static void nde__bytes(nde_grad_stats *gs, size_t *now, long delta)
{
    *now = (size_t)((long)*now + delta);
    if (*now > gs->peak_bytes) gs->peak_bytes = *now;
}

/* The adjoint methods: integrate the augmented system backwards segment by
   segment, adding the loss gradient g (N,n) at every output time.
   yfw (N,n) is the forward solution; ybar (n) out = dL/dy0. */
static int nde__adjoint_sweep(const nde_system *sys, int B, int Dy, int N, const double *t, const double *yfw,
                              const double *g, const nde_options *aopt_in, const nde_grad_options *gopt,
                              nde__dense_store *ds, int use_pair, double *ybar, double *gth, nde_grad_stats *gs,
                              size_t *bytes)
{
    long n = (long)B * sys->dim, M, i, off_a;
    int P = sys->nparams, j, status;
    nde_options aopt;
    nde__adjsys A;
    nde_system asys;
    nde__integ ig;
    double *z, *zout, worst = 0.0, tseg[2], limit;
    size_t zbytes;
    long nsv = !ds && use_pair ? (long)B * sys->save_len : 0;
    memset(&A, 0, sizeof A);
    A.sys = sys; A.B = B; A.n = n; A.P = P; A.ds = ds;
    M = (ds ? 1 : 2) * n + P;
    off_a = ds ? 0 : n;
    aopt = *aopt_in;
    if (gopt->seminorm) aopt.norm_n = (int)(ds ? n : 2 * n); /* dL/dtheta out of the error norm */
    memset(&asys, 0, sizeof asys);
    asys.dim = (int)M;
    asys.ctx = &A;
    asys.f = nde__adj_f;
    asys.jac = nde__adj_jac;
    zbytes = (size_t)(3 * M + n + (long)B * sys->dim * sys->dim + nsv) * sizeof(double);
    z = (double *)NDE_MALLOC(zbytes);
    if (!z) { nde__msg(gs->msg, "out of memory for the adjoint state (%ld numbers)", M); return NDE_ERR_NOMEM; }
    zout = z + M;              /* (2,M) segment output */
    A.y = zout + 2 * M;        /* (n) */
    A.J = A.y + n;             /* (B,D,D) */
    if (nsv) A.sv = A.J + (long)B * sys->dim * sys->dim; /* (B,save_len) */
    nde__bytes(gs, bytes, (long)zbytes);
    status = nde__integ_init(&ig, &asys, 1, &aopt, t[0] - t[N - 1], &gs->bwd);
    if (status) {
        nde__msg(gs->msg, "adjoint solve: %s", gs->bwd.msg);
        NDE_FREE(z);
        return status;
    }
    ig.newton_n = ds ? n : 2 * n; /* the Newton matrix (nde__adj_jac) leaves out the dL/dtheta rows */
    nde__bytes(gs, bytes, (long)ig.bytes);
    /* start at t_{N-1}: y = forward end state, a = dL/dy(t_{N-1}), g = 0 */
    memset(z, 0, (size_t)M * sizeof(double));
    if (!ds) memcpy(z, yfw + (long)(N - 1) * n, (size_t)n * sizeof(double));
    memcpy(z + off_a, g + (long)(N - 1) * n, (size_t)n * sizeof(double));
    limit = gopt->drift_limit > 0 ? gopt->drift_limit : 100.0;
    for (j = N - 1; j >= 1; j--) {
        tseg[0] = t[j];
        tseg[1] = t[j - 1];
        nde__integ_reset(&ig, t[j], z);
        status = nde__integrate(&ig, 2, tseg, zout, NULL, NULL);
        if (status == NDE_ERR_NONFINITE && !ds) {
            /* the re-integrated y ran away: the forward solve is not reversible here */
            gs->recon_err = INFINITY;
            gs->drift = 1;
            nde__msg(gs->msg,
                     "backsolve adjoint: the re-integrated state ran away (NaN/Inf) between t = %.10g and %.10g: "
                     "the forward dynamics cannot be reversed, no gradient; use the interpolating adjoint or backprop",
                     t[j], t[j - 1]);
            status = NDE_ERR_ADJOINT_DRIFT;
            break;
        }
        if (status) {
            nde__msg(gs->msg, "adjoint solve from t = %.17g to %.17g: %s", t[j], t[j - 1], gs->bwd.msg);
            break;
        }
        memcpy(z, zout + M, (size_t)M * sizeof(double));
        if (!ds) { /* backsolve: how far the re-integrated y is from the forward one
                      (the first Dy components of each row: not the loss quadrature) */
            const double *yf = yfw + (long)(j - 1) * n;
            for (i = 0; i < n; i++) {
                double sc, e;
                if (i % sys->dim >= Dy) continue;
                sc = aopt.atol + aopt.rtol * fabs(yf[i]);
                e = fabs(z[i] - yf[i]) / sc;
                if (!(e <= worst)) worst = e;
            }
            memcpy(z, yf, (size_t)n * sizeof(double));
        }
        for (i = 0; i < n; i++) z[off_a + i] += g[(long)(j - 1) * n + i];
    }
    gs->nvjp += A.nvjp;
    if (!status) {
        memcpy(ybar, z + off_a, (size_t)n * sizeof(double));
        for (i = 0; i < P; i++) gth[i] = z[off_a + n + i];
        if (!ds) {
            gs->recon_err = worst;
            if (!(worst <= limit)) {
                gs->drift = 1;
                nde__msg(gs->msg,
                         "backsolve adjoint: the re-integrated state misses the forward one by %.3g error scales "
                         "(limit %.3g): the backward solve is not reversible here, the gradient is unreliable; "
                         "use the interpolating adjoint or backprop",
                         worst, limit);
                if (gopt->drift_is_error) status = NDE_ERR_ADJOINT_DRIFT;
            }
        }
    }
    nde__integ_free(&ig);
    NDE_FREE(z);
    return status;
}

/* Whether sys->f_save/vjp_saved may stand in for f/vjp: offered, not refused
   (save_bytes < 0), and giving the same numbers, bit for bit, on the first
   row of y0 at t0 (a system copied from nde_mlp_system whose f or vjp was
   replaced keeps the network's pair, which no longer matches). */
static int nde__pair_ok(const nde_system *sys, const nde_grad_options *go, double t0, const double *y0)
{
    long D = sys->dim, P = sys->nparams, i;
    double *w, *f1, *f2, *g1, *g2, *p1, *p2, *sv, gt1 = 0.0, gt2 = 0.0;
    int ok;
    if (sys->save_len <= 0 || !sys->f_save || !sys->vjp_saved || go->save_bytes < 0) return 0;
    w = (double *)NDE_MALLOC((size_t)(4 * D + 2 * P + sys->save_len) * sizeof(double));
    if (!w) return 0; /* then simply do without */
    f1 = w; f2 = f1 + D; g1 = f2 + D; g2 = g1 + D; p1 = g2 + D; p2 = p1 + P; sv = p2 + P;
    memset(g1, 0, (size_t)(2 * D + 2 * P) * sizeof(double));
    ok = !sys->f(sys->ctx, t0, 1, y0, sys->params, f1) && !sys->f_save(sys->ctx, t0, 1, y0, sys->params, f2, sv) &&
         !sys->vjp(sys->ctx, t0, 1, y0, sys->params, f1, g1, p1, &gt1) &&
         !sys->vjp_saved(sys->ctx, t0, 1, y0, sys->params, sv, f1, g2, p2, &gt2) && gt1 == gt2;
    for (i = 0; ok && i < D; i++) ok = f1[i] == f2[i] && g1[i] == g2[i];
    for (i = 0; ok && i < P; i++) ok = p1[i] == p2[i];
    NDE_FREE(w);
    return ok;
}

NDEDEF int nde_grad(const nde_system *sys, int B, const double *y0, int N, const double *t,
                    const nde_options *opt, const nde_grad_options *gopt, const nde_loss *loss,
                    double *L, double *yout, double *gth, double *gy0, nde_grad_stats *gs)
{
    nde_grad_stats lgs;
    nde_grad_options go;
    nde__runsys run;
    nde_system rsys;
    const nde_system *S;
    nde__integ ig;
    nde__bp_tape tape;
    nde__dense_store ds;
    nde__step_hook hook = NULL;
    void *hctx = NULL;
    double *mem = NULL, *ya, *ga, *yp, *gp, *ybar, *work, Lval = 0.0;
    long n, na;
    int D, Da, P, status, R, b, k, use_pair;
    size_t bytes = 0, membytes;
    if (!gs) gs = &lgs;
    memset(gs, 0, sizeof *gs);
    gs->recon_err = -1.0;
    if (gopt) go = *gopt;
    else memset(&go, 0, sizeof go);
    if (sys && loss && loss->running && sys->dim == INT_MAX) {
        nde__msg(gs->msg, "sys->dim = %d: a running loss adds one state column, which does not fit an int", sys->dim);
        return NDE_ERR_ARG;
    }
    status = nde__check_problem(sys, B, y0, N, t, gs->msg);
    if (status) return status;
    if (!loss || (!loss->point && !loss->running)) { nde__msg(gs->msg, "loss is NULL or has neither a point nor a running part"); return NDE_ERR_ARG; }
    if (!L || (sys->nparams > 0 && !gth)) { nde__msg(gs->msg, "%s is NULL", !L ? "L" : "gth"); return NDE_ERR_ARG; }
    if (!sys->vjp) { nde__msg(gs->msg, "sys->vjp is NULL: every gradient method needs the reverse-mode product"); return NDE_ERR_UNSUPPORTED; }
    if (go.method < NDE_GRAD_BACKPROP || go.method > NDE_GRAD_INTERP) { nde__msg(gs->msg, "gopt->method = %d is not a gradient method", go.method); return NDE_ERR_ARG; }
    if (!(nde__finite(go.drift_limit) && go.drift_limit >= 0)) {
        nde__msg(gs->msg, "gopt->drift_limit = %g must be finite and non-negative (0 for the default 100)", go.drift_limit);
        return NDE_ERR_ARG;
    }
    if (go.adjoint) { /* the backward options, checked before any work */
        nde_options chk;
        char amsg[NDE_MSG_LEN];
        status = nde__resolve_options(go.adjoint, t[0] - t[N - 1], &chk, amsg);
        if (status) { nde__msg(gs->msg, "gopt->adjoint: %s", amsg); return status; }
    }
    if ((opt && opt->method == NDE_LEAPFROG && loss->running) ||
        (go.method != NDE_GRAD_BACKPROP && (go.adjoint ? go.adjoint->method : opt ? opt->method : 0) == NDE_LEAPFROG)) {
        nde__msg(gs->msg, "leapfrog needs a separable (q, p) state: a running loss adds a quadrature state, and "
                          "the adjoint system is not of that form; use gauss2 (or set gopt->adjoint)");
        return NDE_ERR_UNSUPPORTED;
    }
    if (go.method == NDE_GRAD_BACKPROP && opt && opt->method == NDE_EPI2 && (!sys->vhp || loss->running)) {
        nde__msg(gs->msg, "backprop through epi2 needs sys->vhp (second-order products) and no running loss; "
                          "use an adjoint method, or another solver");
        return NDE_ERR_UNSUPPORTED;
    }
    D = sys->dim;
    P = sys->nparams;
    n = (long)B * D;
    /* a running loss adds the quadrature state q: rows of D + 1 */
    S = sys;
    Da = D;
    memset(&run, 0, sizeof run);
    if (loss->running) {
        run.sys = sys;
        run.loss = loss;
        rsys = *sys;
        rsys.dim = D + 1;
        rsys.ctx = &run;
        rsys.f = nde__run_f;
        rsys.vjp = nde__run_vjp;
        rsys.jvp = NULL;
        rsys.jac = NULL;
        rsys.vhp = NULL; /* would need the Hessian of g, which nde_loss does not carry */
        rsys.save_len = 0;
        rsys.f_save = NULL;
        rsys.vjp_saved = NULL;
        S = &rsys;
        Da = D + 1;
    }
    na = (long)B * Da;
    status = nde__integ_init(&ig, S, B, opt, t[N - 1] - t[0], &gs->fwd);
    if (status) { memcpy(gs->msg, gs->fwd.msg, NDE_MSG_LEN); return status; }
    nde__bytes(gs, &bytes, (long)ig.bytes);
    /* ya, ga (N,na) forward states and loss gradients with q; yp, gp (N,n)
       the same without q; ybar (na); work ((R+2),na) for the reverse sweep */
    R = ig.info->nstage;
    membytes = (size_t)(2 * (long)N * na + 2 * (long)N * n + na + ((long)R + 2) * na) * sizeof(double);
    mem = (double *)NDE_MALLOC(membytes);
    if (!mem) {
        nde__msg(gs->msg, "out of memory for the gradient buffers");
        nde__integ_free(&ig);
        return NDE_ERR_NOMEM;
    }
    nde__bytes(gs, &bytes, (long)membytes);
    ya = mem; ga = ya + (long)N * na; yp = ga + (long)N * na; gp = yp + (long)N * n; ybar = gp + (long)N * n;
    work = ybar + na;
    for (b = 0; b < B; b++) { /* the initial state, with q = 0 */
        memcpy(work + (long)b * Da, y0 + (long)b * D, (size_t)D * sizeof(double));
        if (Da > D) work[(long)b * Da + D] = 0.0;
    }
    memset(&ds, 0, sizeof ds);
    memset(&tape, 0, sizeof tape);
    tape.steps.rec_len = NDE__TAPE_HEAD + (long)R * na;
    ds.tape.rec_len = 3 + (2 + (long)R) * na;
    if (go.work) { /* start from the buffers of earlier calls */
        nde__tape *tp[3];
        tp[0] = &tape.steps; tp[1] = &tape.saves; tp[2] = &ds.tape;
        for (k = 0; k < 3; k++) {
            tp[k]->d = go.work->buf[k];
            tp[k]->cap = go.work->cap[k];
            go.work->buf[k] = NULL;
            go.work->cap[k] = 0;
        }
    }
    use_pair = (go.method == NDE_GRAD_BACKSOLVE || (go.method == NDE_GRAD_BACKPROP && ig.info->kind == NDE__KIND_RK &&
                                                    (go.save_bytes > 0 || go.work))) &&
               nde__pair_ok(S, &go, t[0], y0);
    if (use_pair && go.method == NDE_GRAD_BACKPROP) { /* keep what f_save saves, within the budget */
        double budget = go.save_bytes > 0 ? (double)go.save_bytes : (double)NDE_SAVE_BYTES_DEFAULT;
        ig.svn = (long)B * S->save_len;
        tape.saves.rec_len = (long)R * ig.svn;
        tape.saves.max_rec = (long)fmin(budget / ((double)tape.saves.rec_len * sizeof(double)), 1e15);
    }
    if (go.method == NDE_GRAD_BACKPROP) {
        hook = nde__tape_hook;
        hctx = &tape;
        if (tape.saves.max_rec > 0) { /* the first step's stages go straight into save record 0 */
            ig.sv = nde__tape_next(&tape.saves);
            if (!ig.sv) {
                nde__msg(gs->msg, "out of memory for the saved activations");
                status = NDE_ERR_NOMEM;
                goto done;
            }
        }
    } else if (go.method == NDE_GRAD_INTERP) {
        ds.ig = &ig;
        ds.cursor = -1;
        hook = nde__dense_hook;
        hctx = &ds;
    }
    nde__integ_reset(&ig, t[0], work);
    status = nde__integrate(&ig, N, t, ya, hook, hctx);
    gs->nsteps = gs->fwd.naccept;
    gs->nsaved = tape.saves.nrec;
    nde__bytes(gs, &bytes, (long)((tape.steps.cap + tape.saves.cap + ds.tape.cap) * sizeof(double)));
    if (status) {
        nde__msg(gs->msg, "forward solve: %s", gs->fwd.msg);
        goto done;
    }
    /* the loss and its gradient at the output times */
    for (k = 0; k < N; k++)
        for (b = 0; b < B; b++)
            memcpy(yp + ((long)k * B + b) * D, ya + ((long)k * B + b) * Da, (size_t)D * sizeof(double));
    if (yout) memcpy(yout, yp, (size_t)(N * n) * sizeof(double));
    memset(ga, 0, (size_t)(N * na) * sizeof(double));
    if (loss->point) {
        memset(gp, 0, (size_t)(N * n) * sizeof(double)); /* rows the loss does not use stay 0 */
        Lval = loss->point(loss->ctx, N, B, D, t, yp, gp);
        if (!nde__finite(Lval) || !nde__all_finite(N * n, gp)) {
            nde__msg(gs->msg, "the point loss returned %s at the forward solution (L = %g)",
                     nde__finite(Lval) ? "a NaN/Inf gradient dL/dy" : "a NaN/Inf value", Lval);
            status = NDE_ERR_NONFINITE;
            goto done;
        }
        for (k = 0; k < N; k++)
            for (b = 0; b < B; b++)
                memcpy(ga + ((long)k * B + b) * Da, gp + ((long)k * B + b) * D, (size_t)D * sizeof(double));
    }
    if (Da > D)
        for (b = 0; b < B; b++) {
            Lval += ya[((long)(N - 1) * B + b) * Da + D];
            ga[((long)(N - 1) * B + b) * Da + D] = 1.0;
        }
    *L = Lval;
    if (P > 0) memset(gth, 0, (size_t)P * sizeof(double));
    if (go.method == NDE_GRAD_BACKPROP) {
        status = nde__backprop_sweep(&ig, &tape, t, ga, ybar, gth, &gs->nvjp, work);
        if (status == NDE_ERR_CALLBACK) nde__msg(gs->msg, "backprop sweep: a callback (f, vjp or vhp) returned non-zero");
        else if (status) nde__msg(gs->msg, "backprop sweep: %s", gs->fwd.msg);
    } else {
        status = nde__adjoint_sweep(S, B, D, N, t, ya, ga, go.adjoint ? go.adjoint : &ig.o, &go,
                                    go.method == NDE_GRAD_INTERP ? &ds : NULL, use_pair, ybar, gth, gs, &bytes);
    }
    if (status == NDE_ERR_ADJOINT_DRIFT && !nde__finite(gs->recon_err)) { /* the backward solve ran away: */
        long i;                                                             /* no gradient at all */
        for (i = 0; i < P; i++) gth[i] = NAN;
        for (i = 0; i < na; i++) ybar[i] = NAN;
    }
    if (gy0 && (status == NDE_OK || status == NDE_ERR_ADJOINT_DRIFT))
        for (b = 0; b < B; b++) memcpy(gy0 + (long)b * D, ybar + (long)b * Da, (size_t)D * sizeof(double));
done:
    if (status == NDE_ERR_CALLBACK && run.nomem) { /* our allocation failed, not the user's callback */
        nde__msg(gs->msg, "out of memory for the running-loss buffers");
        status = NDE_ERR_NOMEM;
    }
    if (go.work) { /* hand the buffers back for the next call */
        go.work->buf[0] = tape.steps.d; go.work->cap[0] = tape.steps.cap;
        go.work->buf[1] = tape.saves.d; go.work->cap[1] = tape.saves.cap;
        go.work->buf[2] = ds.tape.d;    go.work->cap[2] = ds.tape.cap;
    } else {
        NDE_FREE(tape.steps.d);
        NDE_FREE(tape.saves.d);
        NDE_FREE(ds.tape.d);
    }
    NDE_FREE(run.buf);
    nde__integ_free(&ig);
    NDE_FREE(mem);
    return status;
}

NDEDEF void nde_grad_work_free(nde_grad_work *w)
{
    int i;
    if (!w) return;
    for (i = 0; i < 3; i++) {
        NDE_FREE(w->buf[i]);
        w->buf[i] = NULL;
        w->cap[i] = 0;
    }
}

/* ===================================================================== */
/* Optimizers                                                             */
/* ===================================================================== */
/* Adam [Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015,
   Algorithm 1]; AdamW [Loshchilov & Hutter, "Decoupled Weight Decay
   Regularization", 2019, Algorithm 2: the decay theta *= 1 - lr*wd is
   applied to theta directly instead of being added to g, so it is not
   rescaled by the second moment]; RMSprop and SGD momentum as torch.optim
   computes them. One loop over the flat block per step. */

#include <errno.h>
#include <limits.h>
#include <time.h>

NDEDEF int nde_optim_init(nde_optim *o, int kind, long P, double lr, char *msg)
{
    if (!o) { nde__msg(msg, "nde_optim_init: o is NULL"); return NDE_ERR_ARG; }
    memset(o, 0, sizeof *o);
    if (kind < 0 || kind >= NDE_OPT_COUNT) {
        nde__msg(msg, "nde_optim_init: unknown kind %d", kind);
        return NDE_ERR_ARG;
    }
    if (P < 1) { nde__msg(msg, "nde_optim_init: P = %ld, need P >= 1", P); return NDE_ERR_ARG; }
    if (!(lr >= 0.0) || !nde__finite(lr)) {
        nde__msg(msg, "nde_optim_init: lr = %g, need a finite lr >= 0", lr);
        return NDE_ERR_ARG;
    }
    o->kind = kind;
    o->P = P;
    o->lr = lr > 0.0 ? lr : (kind == NDE_OPT_ADAM || kind == NDE_OPT_ADAMW ? 1e-3 : 1e-2);
    o->beta1 = 0.9;
    o->beta2 = 0.999;
    o->eps = 1e-8;
    o->alpha = 0.99;
    o->momentum = kind == NDE_OPT_SGD ? 0.9 : 0.0;
    o->nesterov = 0;
    o->weight_decay = kind == NDE_OPT_ADAMW ? 0.01 : 0.0;
    o->t = 0;
    o->m = (double *)NDE_MALLOC((size_t)P * sizeof(double));
    if (kind != NDE_OPT_SGD) o->v = (double *)NDE_MALLOC((size_t)P * sizeof(double));
    if (!o->m || (kind != NDE_OPT_SGD && !o->v)) {
        nde_optim_free(o);
        nde__msg(msg, "nde_optim_init: out of memory for %ld parameters", P);
        return NDE_ERR_NOMEM;
    }
    nde_optim_reset(o);
    return NDE_OK;
}

NDEDEF void nde_optim_reset(nde_optim *o)
{
    long i;
    if (!o) return;
    o->t = 0;
    for (i = 0; i < o->P; i++) {
        if (o->m) o->m[i] = 0.0;
        if (o->v) o->v[i] = 0.0;
    }
}

NDEDEF void nde_optim_free(nde_optim *o)
{
    if (!o) return;
    if (o->m) NDE_FREE(o->m);
    if (o->v) NDE_FREE(o->v);
    o->m = NULL;
    o->v = NULL;
}

NDEDEF int nde_optim_step(nde_optim *o, double *theta, const double *g)
{
    long i, P;
    double lr, wd, mu;
    if (!o || !theta || !g || !o->m || (o->kind != NDE_OPT_SGD && !o->v)) return NDE_ERR_ARG;
    if (!nde__all_finite(o->P, g)) return NDE_ERR_NONFINITE;
    P = o->P;
    lr = o->lr;
    wd = o->weight_decay;
    mu = o->momentum;
    o->t++;
    switch (o->kind) {
    case NDE_OPT_SGD:
        for (i = 0; i < P; i++) {
            double gw = g[i] + wd * theta[i];   /* L2 term */
            if (mu != 0.0) {
                o->m[i] = mu * o->m[i] + gw;     /* buffer b; b_1 = gw since b_0 = 0 */
                gw = o->nesterov ? gw + mu * o->m[i] : o->m[i];
            }
            theta[i] -= lr * gw;
        }
        break;
    case NDE_OPT_ADAM:
    case NDE_OPT_ADAMW: {
        double b1 = o->beta1, b2 = o->beta2;
        double bc1 = 1.0 - pow(b1, (double)o->t);          /* bias corrections */
        double bc2 = 1.0 - pow(b2, (double)o->t);
        double step = lr / bc1, rbc2 = 1.0 / sqrt(bc2);
        int decoupled = o->kind == NDE_OPT_ADAMW;
        for (i = 0; i < P; i++) {
            double gw = g[i];
            if (decoupled) theta[i] *= 1.0 - lr * wd;      /* AdamW: decay theta itself */
            else gw += wd * theta[i];                      /* Adam: L2 in the gradient */
            o->m[i] = b1 * o->m[i] + (1.0 - b1) * gw;
            o->v[i] = b2 * o->v[i] + (1.0 - b2) * gw * gw;
            theta[i] -= step * o->m[i] / (sqrt(o->v[i]) * rbc2 + o->eps);
        }
        break;
    }
    case NDE_OPT_RMSPROP: {
        double a = o->alpha;
        for (i = 0; i < P; i++) {
            double gw = g[i] + wd * theta[i], u;
            o->v[i] = a * o->v[i] + (1.0 - a) * gw * gw;
            u = gw / (sqrt(o->v[i]) + o->eps);
            if (mu != 0.0) {
                o->m[i] = mu * o->m[i] + u;
                u = o->m[i];
            }
            theta[i] -= lr * u;
        }
        break;
    }
    default:
        o->t--;
        return NDE_ERR_ARG;
    }
    return NDE_OK;
}

/* Global-norm clipping [Pascanu, Mikolov & Bengio 2013, Algorithm 2]:
   g <- g * max_norm / ||g|| when ||g|| > max_norm. */
NDEDEF double nde_clip_grad_norm(long P, double *g, double max_norm)
{
    long i;
    double n, c;
    if (!g || P < 1) return 0.0;
    n = nde_norm2(P, g);
    if (!nde__finite(n) || !(max_norm > 0.0) || n <= max_norm) return n;
    c = max_norm / n;
    for (i = 0; i < P; i++) g[i] *= c;
    return n;
}

/* ===================================================================== */
/* Learning-rate schedules                                                */
/* ===================================================================== */
/* Step decay lr_k = lr0 * gamma^floor(k/every); reduce-on-plateau as
   torch.optim.lr_scheduler.ReduceLROnPlateau (mode "min", threshold_mode
   "rel"): lower lr by `factor` once the metric has not improved by a
   relative `threshold` for more than `patience` steps. */

NDEDEF double nde_lr_step_decay(double lr0, long step, long every, double gamma)
{
    if (every <= 0 || step < every) return lr0;
    return lr0 * pow(gamma, (double)(step / every));
}

NDEDEF int nde_plateau_init(nde_plateau *s, double factor, int patience, char *msg)
{
    if (!s) { nde__msg(msg, "nde_plateau_init: s is NULL"); return NDE_ERR_ARG; }
    memset(s, 0, sizeof *s);
    if (factor == 0.0) factor = 0.1;
    if (!(factor > 0.0 && factor < 1.0)) {
        nde__msg(msg, "nde_plateau_init: factor = %g, need 0 < factor < 1", factor);
        return NDE_ERR_ARG;
    }
    if (patience < 0) {
        nde__msg(msg, "nde_plateau_init: patience = %d, need >= 0", patience);
        return NDE_ERR_ARG;
    }
    s->factor = factor;
    s->patience = patience;
    s->threshold = 1e-4;
    s->cooldown = 0;
    s->min_lr = 0.0;
    s->eps = 1e-8;
    s->best = HUGE_VAL;
    return NDE_OK;
}

NDEDEF int nde_plateau_step(nde_plateau *s, nde_optim *o, double metric)
{
    int reduced = 0;
    if (!s || !o) return 0;
    if (metric < s->best * (1.0 - s->threshold)) {   /* relative improvement */
        s->best = metric;
        s->bad = 0;
    } else {
        s->bad++;
    }
    if (s->cooldown_left > 0) {                      /* bad steps in cooldown do not count */
        s->cooldown_left--;
        s->bad = 0;
    }
    if (s->bad > s->patience) {
        double old = o->lr, lr = old * s->factor;
        if (lr < s->min_lr) lr = s->min_lr;
        if (old - lr > s->eps) {
            o->lr = lr;
            s->nreduce++;
            reduced = 1;
        }
        s->cooldown_left = s->cooldown;
        s->bad = 0;
    }
    return reduced;
}

/* ===================================================================== */
/* Early stopping                                                         */
/* ===================================================================== */
/* Stop after `patience` consecutive validation losses that do not beat the
   best by more than min_delta; keep a copy of the best parameters so the
   model returned is the best one seen, not the last one. */

NDEDEF int nde_early_init(nde_early_stop *e, long P, int patience, char *msg)
{
    if (!e) { nde__msg(msg, "nde_early_init: e is NULL"); return NDE_ERR_ARG; }
    memset(e, 0, sizeof *e);
    if (P < 1) { nde__msg(msg, "nde_early_init: P = %ld, need P >= 1", P); return NDE_ERR_ARG; }
    if (patience < 1) {
        nde__msg(msg, "nde_early_init: patience = %d, need >= 1", patience);
        return NDE_ERR_ARG;
    }
    e->best = (double *)NDE_MALLOC((size_t)P * sizeof(double));
    if (!e->best) {
        nde__msg(msg, "nde_early_init: out of memory for %ld parameters", P);
        return NDE_ERR_NOMEM;
    }
    e->P = P;
    e->patience = patience;
    e->min_delta = 0.0;
    e->best_loss = HUGE_VAL;
    e->best_iter = -1;
    e->n = 0;
    e->bad = 0;
    return NDE_OK;
}

NDEDEF int nde_early_update(nde_early_stop *e, double loss, const double *theta)
{
    if (!e || !e->best || !theta) return 1;
    if (!nde__finite(loss)) {                 /* diverged: no point going on */
        e->n++;
        e->bad++;
        return 1;
    }
    if (loss < e->best_loss - e->min_delta) {
        e->best_loss = loss;
        e->best_iter = e->n;
        memcpy(e->best, theta, (size_t)e->P * sizeof(double));
        e->bad = 0;
    } else {
        e->bad++;
    }
    e->n++;
    return e->bad >= e->patience;
}

NDEDEF int nde_early_restore(const nde_early_stop *e, double *theta)
{
    if (!e || !e->best || !theta || e->best_iter < 0) return NDE_ERR_ARG;
    memcpy(theta, e->best, (size_t)e->P * sizeof(double));
    return NDE_OK;
}

NDEDEF void nde_early_free(nde_early_stop *e)
{
    if (!e) return;
    if (e->best) NDE_FREE(e->best);
    e->best = NULL;
}

/* ===================================================================== */
/* Minibatches of trajectory windows                                      */
/* ===================================================================== */
/* torchdiffeq examples/ode_demo.py get_batch:
     s = choice(arange(N - T), B, replace=False)
     batch_y0 = y[s] (B,D); batch_t = t[:T]; batch_y = stack(y[s + i]) (T,B,D)
   Sampling without replacement by a partial Fisher-Yates shuffle [Knuth
   TAOCP 2, 3.4.2, Algorithm P stopped after B swaps]. */

NDEDEF int nde_sample_windows(nde_rng *r, int N, int D, const double *t, const double *y,
                              int T, int B, int *s, double *tb, double *y0, double *yb,
                              char *msg)
{
    int M, b, i, *idx;
    if (!r || !y || !s || (tb && !t)) {
        nde__msg(msg, "nde_sample_windows: %s is NULL", !r ? "r" : !y ? "y" : !s ? "s" : "t");
        return NDE_ERR_ARG;
    }
    if (D < 1 || T < 2 || T >= N) {
        nde__msg(msg, "nde_sample_windows: need D >= 1 and 2 <= T < N (D = %d, T = %d, N = %d)", D, T, N);
        return NDE_ERR_ARG;
    }
    M = N - T;                                   /* number of admissible starts */
    if (B < 1 || B > M) {
        nde__msg(msg, "nde_sample_windows: B = %d, need 1 <= B <= N - T = %d", B, M);
        return NDE_ERR_ARG;
    }
    idx = (int *)NDE_MALLOC((size_t)M * sizeof(int)); /* (M) */
    if (!idx) { nde__msg(msg, "nde_sample_windows: out of memory"); return NDE_ERR_NOMEM; }
    for (i = 0; i < M; i++) idx[i] = i;
    for (b = 0; b < B; b++) {                    /* swap a random later entry into place b */
        int j = b + (int)nde_rng_below(r, (long)(M - b));
        int tmp = idx[b];
        idx[b] = idx[j];
        idx[j] = tmp;
        s[b] = idx[b];
    }
    NDE_FREE(idx);
    if (tb) for (i = 0; i < T; i++) tb[i] = t[i] - t[0];
    if (y0) for (b = 0; b < B; b++) memcpy(y0 + (size_t)b * D, y + (size_t)s[b] * D, (size_t)D * sizeof(double));
    if (yb)
        for (i = 0; i < T; i++)
            for (b = 0; b < B; b++)
                memcpy(yb + ((size_t)i * B + b) * D, y + ((size_t)s[b] + i) * D, (size_t)D * sizeof(double));
    return NDE_OK;
}

/* ===================================================================== */
/* Progress lines                                                         */
/* ===================================================================== */
/* CPU time from clock() differences: portable C99, no wall clock. */

static double nde__train_cpu_seconds(void)
{
    clock_t c = clock();
    if (c == (clock_t)-1) return 0.0;          /* no processor time available */
    return (double)c / (double)CLOCKS_PER_SEC;
}

NDEDEF void nde_progress_init(nde_progress *p, int every, void (*log)(void *ctx, const char *line), void *ctx)
{
    if (!p) return;
    memset(p, 0, sizeof *p);
    p->every = every;
    p->log = log;
    p->ctx = ctx;
    p->c_start = p->c_last = nde__train_cpu_seconds();
}

NDEDEF int nde_progress_update(nde_progress *p, int iter, double loss, long nfe)
{
    double now;
    if (!p) return 0;
    now = nde__train_cpu_seconds();
    p->calls++;
    p->seconds = now - p->c_start;
    if (p->every <= 0 || iter % p->every != 0) return 0;
    p->ms_per_iter = 1000.0 * (now - p->c_last) / (double)p->calls;
    snprintf(p->line, sizeof p->line, "iter %5d  loss %.6e  nfe %ld  %.1f ms/iter",
             iter, loss, nfe, p->ms_per_iter);
    p->calls = 0;
    p->c_last = now;
    if (p->log) p->log(p->ctx, p->line);
    return 1;
}

/* ===================================================================== */
/* The training loop                                                      */
/* ===================================================================== */
/* The story of every fixed-batch chapter: gradient, clip, report, step.
   The best parameters are those measured before a step (the loss belongs
   to the parameters it was computed at). */

NDEDEF int nde_train(const nde_system *sys, int B, const double *y0, int N, const double *t,
                     const nde_options *opt, const nde_grad_options *gopt, const nde_loss *loss,
                     nde_optim *o, const nde_train_options *to, nde_train_stats *ts)
{
    nde_train_stats local;
    nde_early_stop own, *best = &own;
    nde_grad_options go;
    nde_grad_work work;
    double *g, L = 0.0;
    long P;
    int i, status = NDE_OK;
    if (!ts) ts = &local;
    memset(ts, 0, sizeof *ts);
    if (!sys || !o || !to) {
        nde__msg(ts->msg, "nde_train: %s is NULL", !sys ? "sys" : !o ? "o (the optimizer)" : "to (the options)");
        return NDE_ERR_ARG;
    }
    P = sys->nparams;
    if (to->iters < 1 || P < 1 || o->P != P || !nde__finite(to->clip) || to->clip < 0) {
        nde__msg(ts->msg, "nde_train: need to->iters >= 1 (got %d), sys->nparams >= 1 (got %ld) equal to the "
                          "optimizer's P (%ld), and to->clip >= 0 (got %g)", to->iters, P, o->P, to->clip);
        return NDE_ERR_ARG;
    }
    g = (double *)NDE_MALLOC((size_t)P * sizeof(double));
    if (!g) { nde__msg(ts->msg, "nde_train: out of memory for the gradient (%ld numbers)", P); return NDE_ERR_NOMEM; }
    if (to->best) {
        if (to->best->P != P) {
            nde__msg(ts->msg, "nde_train: to->best tracks %ld parameters, the system has %ld", to->best->P, P);
            NDE_FREE(g);
            return NDE_ERR_ARG;
        }
        best = to->best;
    } else {
        status = nde_early_init(&own, P, to->iters + 1, ts->msg);
        if (status) { NDE_FREE(g); return status; }
    }
    if (gopt) go = *gopt;
    else memset(&go, 0, sizeof go);
    memset(&work, 0, sizeof work);
    if (!go.work) go.work = &work; /* buffers reused from one step to the next */
    for (i = 0; i < to->iters; i++) {
        status = nde_grad(sys, B, y0, N, t, opt, &go, loss, &L, NULL, g, NULL, &ts->last);
        if (status == NDE_OK && !nde__finite(L)) status = NDE_ERR_NONFINITE;
        if (status) {
            nde__msg(ts->msg, "nde_train: step %d: %s: %s", i, nde_status_name(status), ts->last.msg);
            break;
        }
        ts->nfe += ts->last.fwd.nfe + ts->last.bwd.nfe;
        if (i == 0) ts->loss_first = L;
        ts->loss_last = L;
        if (to->loss_history) to->loss_history[i] = L;
        nde_early_update(best, L, sys->params);
        if (to->clip > 0) nde_clip_grad_norm(P, g, to->clip);
        if (to->progress) nde_progress_update(to->progress, to->iter0 + i + 1, L, ts->nfe);
        status = nde_optim_step(o, sys->params, g);
        if (status) {
            nde__msg(ts->msg, "nde_train: step %d: the optimizer refused the gradient (%s)", i, nde_status_name(status));
            break;
        }
        ts->iters = i + 1;
    }
    ts->loss_best = best->best_loss;
    ts->best_iter = (int)best->best_iter;
    if (to->keep_best && best->best_iter >= 0) nde_early_restore(best, sys->params);
    if (best == &own) nde_early_free(&own);
    nde_grad_work_free(&work);
    NDE_FREE(g);
    return status;
}

/* ===================================================================== */
/* Model files                                                            */
/* ===================================================================== */
/*
   Format version 1. Every integer is unsigned little-endian; every double
   is its IEEE-754 binary64 bit pattern written as a little-endian uint64,
   so a file reads the same on every platform. With L layers and P params:

     offset        bytes  field
     0             8      magic "NDEMODEL" (ASCII, no terminator)
     8             4      format version = 1
     12            4      in_dim
     16            4      flags (NDE_INPUT_CUBE = 1 | NDE_INPUT_TIME = 2)
     20            4      L, number of layers (1..NDE_MLP_MAX_LAYERS)
     24            16*L   per layer: kind, in, out, act (4 x uint32;
                          act is 0 for linear layers; for dropout layers,
                          kind 3, it is the rate p times 2^32, exact
                          because nde_mlp_add_dropout rounds p to that grid)
     24+16L        8      P (uint64)
     32+16L        8*P    parameters, the flat block in nde_mlp order
     32+16L+8P     8      FNV-1a 64 of bytes [0, 32+16L+8P)
   Total size 40 + 16L + 8P bytes, exactly. FNV-1a [Fowler, Noll, Vo]:
   h = 14695981039346656037; for each byte: h = (h ^ byte) * 1099511628211
   mod 2^64. Each step is a bijection of h, so any one changed byte changes
   the checksum. Readers check, in order: magic, version, size, checksum,
   fields, architecture; nothing is written into a network before all pass.
   Dropout (kind 3) came later without a version change: every older file
   reads as before; a file with a dropout layer fails in an older reader
   with "invalid layer". The mask is not stored (a loaded net evaluates).
*/

#define NDE__FILE_MAGIC "NDEMODEL"
#define NDE__FILE_HEAD 24      /* bytes before the layer table */

/* The format stores binary64 bit patterns: double must be 64 bits. */
typedef char nde__file_double_is_64bit[sizeof(double) == 8 ? 1 : -1];

/* The decoded header of a model file. */
typedef struct nde__mlp_file {
    int in_dim, flags, nlayers;
    int kind[NDE_MLP_MAX_LAYERS], in[NDE_MLP_MAX_LAYERS], out[NDE_MLP_MAX_LAYERS];
    unsigned long act[NDE_MLP_MAX_LAYERS]; /* nde_act, or a dropout rate times 2^32 */
    long nparams;
    const unsigned char *params;  /* (8P) encoded parameters inside the file buffer */
} nde__mlp_file;

static void nde__file_put_u32(unsigned char *p, unsigned long x)
{
    int k;
    for (k = 0; k < 4; k++) p[k] = (unsigned char)((x >> (8 * k)) & 0xffu);
}

static void nde__file_put_u64(unsigned char *p, unsigned long long x)
{
    int k;
    for (k = 0; k < 8; k++) p[k] = (unsigned char)((x >> (8 * k)) & 0xffu);
}

static unsigned long nde__file_get_u32(const unsigned char *p)
{
    unsigned long x = 0;
    int k;
    for (k = 3; k >= 0; k--) x = (x << 8) | p[k];
    return x;
}

static unsigned long long nde__file_get_u64(const unsigned char *p)
{
    unsigned long long x = 0;
    int k;
    for (k = 7; k >= 0; k--) x = (x << 8) | p[k];
    return x;
}

static unsigned long long nde__file_fnv1a(const unsigned char *p, size_t n)
{
    unsigned long long h = 14695981039346656037ULL;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* The act field of layer l in a file: 0 (linear), the rate on the 2^-32 grid
   (dropout) or the activation. */
static unsigned long nde__file_layer_act(const nde_layer *l)
{
    if (l->kind == NDE_LAYER_DROPOUT) return (unsigned long)(l->rate * NDE__DROPOUT_GRID);
    return l->kind == NDE_LAYER_LINEAR ? 0ul : (unsigned long)l->act;
}

/* "linear 3->8", "tanh 8->8", "residual(tanh) 8->8", "dropout(0.1) 8->8": one layer for a message. */
static void nde__file_layer_desc(char *buf, size_t cap, int kind, int in, int out, unsigned long act)
{
    static const char *const acts[NDE_ACT_COUNT] = {"identity", "tanh", "softplus", "relu", "sigmoid"};
    const char *a = act < NDE_ACT_COUNT ? acts[act] : "?";
    if (kind == NDE_LAYER_LINEAR) snprintf(buf, cap, "linear %d->%d", in, out);
    else if (kind == NDE_LAYER_ACT) snprintf(buf, cap, "%s %d->%d", a, in, out);
    else if (kind == NDE_LAYER_DROPOUT)
        snprintf(buf, cap, "dropout(%.9g) %d->%d", (double)act / NDE__DROPOUT_GRID, in, out);
    else snprintf(buf, cap, "residual(%s) %d->%d", a, in, out);
}

/* How many bytes to read from a file whose first len bytes are in buf: the
   header is read first, then the layer table, then exactly the size they
   announce plus one byte (to see trailing bytes); a bad magic, version or
   layer count stops the read where it is (the parser names the fault). */
static size_t nde__file_want(const unsigned char *buf, size_t len)
{
    size_t mlen = sizeof(NDE__FILE_MAGIC) - 1;
    unsigned long L;
    unsigned long long P;
    if (len < NDE__FILE_HEAD) return NDE__FILE_HEAD;
    if (memcmp(buf, NDE__FILE_MAGIC, mlen) != 0 || nde__file_get_u32(buf + 8) != NDE_MODEL_VERSION) return len;
    L = nde__file_get_u32(buf + 20);
    if (L < 1 || L > NDE_MLP_MAX_LAYERS) return len;
    if (len < NDE__FILE_HEAD + 16 * L + 8) return NDE__FILE_HEAD + 16 * L + 8;
    P = nde__file_get_u64(buf + NDE__FILE_HEAD + 16 * L);
    if (P > (unsigned long long)LONG_MAX / 16 || P > ((size_t)-1 - 64 - 16 * L) / 8) return len;
    return NDE__FILE_HEAD + 16 * L + 8 + 8 * (size_t)P + 8 + 1;
}

/* Read the file at path into a new buffer (*buf, *n): a model file
   (model = 1) no further than its header announces (plus one byte), any
   other file (model = 0, IDX) to its end; the buffer grows as bytes arrive,
   so a short file never costs what its header claims. The caller frees. */
static int nde__file_read_all(const char *path, int model, unsigned char **buf, size_t *n, char *msg)
{
    FILE *f;
    size_t cap = 4096, len = 0, got, want = model ? NDE__FILE_HEAD : (size_t)-1;
    unsigned char *b;
    int err;
    *buf = NULL;
    *n = 0;
    f = fopen(path, "rb");
    if (!f) {
        err = errno;
        nde__msg(msg, "%s: cannot open for reading: %s", path, strerror(err));
        return NDE_ERR_IO;
    }
    b = (unsigned char *)NDE_MALLOC(cap);
    if (!b) { fclose(f); nde__msg(msg, "%s: out of memory", path); return NDE_ERR_NOMEM; }
    while (len < want) {
        if (len == cap) {
            size_t ncap = want - cap < cap ? want : 2 * cap;
            unsigned char *nb = (unsigned char *)NDE_REALLOC(b, ncap);
            if (!nb) { NDE_FREE(b); fclose(f); nde__msg(msg, "%s: out of memory", path); return NDE_ERR_NOMEM; }
            b = nb;
            cap = ncap;
        }
        got = fread(b + len, 1, (want < cap ? want : cap) - len, f);
        len += got;
        if (got == 0) break;
        if (model && len == want) want = nde__file_want(b, len);
    }
    if (ferror(f)) {
        err = errno;
        NDE_FREE(b);
        fclose(f);
        nde__msg(msg, "%s: read error: %s", path, strerror(err));
        return NDE_ERR_IO;
    }
    fclose(f);
    *buf = b;
    *n = len;
    return NDE_OK;
}

/* Validate a file image buf (n) and decode its header into h. */
static int nde__file_parse(const unsigned char *buf, size_t n, const char *path, nde__mlp_file *h, char *msg)
{
    unsigned long version, L, x;
    unsigned long long P, need, stored, computed;
    size_t mlen = sizeof(NDE__FILE_MAGIC) - 1, k;
    int i;
    if (memcmp(buf, NDE__FILE_MAGIC, n < mlen ? n : mlen) != 0) {
        nde__msg(msg, "%s: not a neuralode model file (bad magic)", path);
        return NDE_ERR_FORMAT;
    }
    if (n < NDE__FILE_HEAD) {
        nde__msg(msg, "%s: truncated: %lu bytes, the header alone needs %d", path, (unsigned long)n, NDE__FILE_HEAD);
        return NDE_ERR_FORMAT;
    }
    version = nde__file_get_u32(buf + 8);
    if (version != NDE_MODEL_VERSION) {
        nde__msg(msg, "%s: format version %lu, this library reads version %d", path, version, NDE_MODEL_VERSION);
        return NDE_ERR_FORMAT;
    }
    L = nde__file_get_u32(buf + 20);
    if (L < 1 || L > NDE_MLP_MAX_LAYERS) {
        nde__msg(msg, "%s: %lu layers, need 1..%d", path, L, NDE_MLP_MAX_LAYERS);
        return NDE_ERR_FORMAT;
    }
    if (n < NDE__FILE_HEAD + 16 * L + 8) {
        nde__msg(msg, "%s: truncated: %lu bytes, the layer table needs %lu", path,
                 (unsigned long)n, (unsigned long)(NDE__FILE_HEAD + 16 * L + 8));
        return NDE_ERR_FORMAT;
    }
    P = nde__file_get_u64(buf + NDE__FILE_HEAD + 16 * L);
    if (P > (unsigned long long)LONG_MAX / 16) {
        nde__msg(msg, "%s: implausible parameter count %llu", path, P);
        return NDE_ERR_FORMAT;
    }
    need = NDE__FILE_HEAD + 16 * (unsigned long long)L + 8 + 8 * P + 8;
    if ((unsigned long long)n != need) {
        if ((unsigned long long)n < need)
            nde__msg(msg, "%s: truncated: %lu bytes, the header says %llu", path, (unsigned long)n, need);
        else
            nde__msg(msg, "%s: trailing bytes after the %llu the header announces", path, need);
        return NDE_ERR_FORMAT;
    }
    stored = nde__file_get_u64(buf + n - 8);
    computed = nde__file_fnv1a(buf, n - 8);
    if (stored != computed) {
        nde__msg(msg, "%s: checksum mismatch (stored 0x%016llx, computed 0x%016llx)", path, stored, computed);
        return NDE_ERR_FORMAT;
    }
    x = nde__file_get_u32(buf + 12);
    if (x < 1 || x > (unsigned long)INT_MAX) {
        nde__msg(msg, "%s: invalid in_dim %lu", path, x);
        return NDE_ERR_FORMAT;
    }
    h->in_dim = (int)x;
    x = nde__file_get_u32(buf + 16);
    if (x & ~(unsigned long)(NDE_INPUT_CUBE | NDE_INPUT_TIME)) {
        nde__msg(msg, "%s: unknown input flags 0x%lx", path, x);
        return NDE_ERR_FORMAT;
    }
    h->flags = (int)x;
    h->nlayers = (int)L;
    for (i = 0; i < (int)L; i++) {
        const unsigned char *q = buf + NDE__FILE_HEAD + 16 * (size_t)i;
        unsigned long kind = nde__file_get_u32(q), in = nde__file_get_u32(q + 4);
        unsigned long out = nde__file_get_u32(q + 8), act = nde__file_get_u32(q + 12);
        if (kind > NDE_LAYER_DROPOUT || (kind != NDE_LAYER_DROPOUT && act >= NDE_ACT_COUNT) || in < 1 || out < 1 ||
            in > (unsigned long)INT_MAX || out > (unsigned long)INT_MAX) {
            nde__msg(msg, "%s: invalid layer %d (kind %lu, in %lu, out %lu, act %lu)", path, i, kind, in, out, act);
            return NDE_ERR_FORMAT;
        }
        h->kind[i] = (int)kind;
        h->in[i] = (int)in;
        h->out[i] = (int)out;
        h->act[i] = act;
    }
    /* the widths must chain (input columns, layer to layer, square act and
       residual layers) before anything of that shape is allocated */
    for (i = 0; i < (int)L; i++) {
        unsigned long want = i == 0 ? (unsigned long)h->in_dim + (h->flags & NDE_INPUT_TIME ? 1u : 0u)
                                    : (unsigned long)h->out[i - 1];
        if ((unsigned long)h->in[i] != want || (h->kind[i] != NDE_LAYER_LINEAR && h->in[i] != h->out[i])) {
            nde__msg(msg, "%s: layer %d has in %d, out %d: %s %lu", path, i, h->in[i], h->out[i],
                     (unsigned long)h->in[i] != want ? "the widths do not chain, expected in" : "must be square, in",
                     (unsigned long)h->in[i] != want ? want : (unsigned long)h->in[i]);
            return NDE_ERR_FORMAT;
        }
    }
    {   /* the parameter count the layer table implies must be the stored one:
           checked before anything is allocated for a network of that shape */
        double implied = 0.0;
        for (i = 0; i < (int)L; i++)
            if (nde__layer_has_params(h->kind[i])) implied += (double)h->out[i] * (h->in[i] + 1.0);
        if (implied != (double)P) {
            nde__msg(msg, "%s: the layer table implies %.0f parameters, the file stores %llu", path, implied, P);
            return NDE_ERR_FORMAT;
        }
    }
    h->nparams = (long)P;
    k = NDE__FILE_HEAD + 16 * (size_t)L + 8;
    h->params = buf + k;
    return NDE_OK;
}

/* 0 when network m has the architecture in h, else 1 with a description. */
static int nde__file_arch_differs(const nde__mlp_file *h, const nde_mlp *m, char *what, size_t cap)
{
    int i;
    if (h->in_dim != m->in_dim || h->flags != m->flags) {
        snprintf(what, cap, "file has in_dim %d flags %d, network has in_dim %d flags %d",
                 h->in_dim, h->flags, m->in_dim, m->flags);
        return 1;
    }
    if (h->nlayers != m->nlayers) {
        snprintf(what, cap, "file has %d layers, network has %d", h->nlayers, m->nlayers);
        return 1;
    }
    for (i = 0; i < h->nlayers; i++) {
        const nde_layer *l = &m->layer[i];
        unsigned long lact = nde__file_layer_act(l);
        if (h->kind[i] != l->kind || h->in[i] != l->in || h->out[i] != l->out || h->act[i] != lact) {
            char fa[64], na[64];
            nde__file_layer_desc(fa, sizeof fa, h->kind[i], h->in[i], h->out[i], h->act[i]);
            nde__file_layer_desc(na, sizeof na, l->kind, l->in, l->out, lact);
            snprintf(what, cap, "layer %d: file has %s, network has %s", i, fa, na);
            return 1;
        }
    }
    if (h->nparams != m->nparams) {
        snprintf(what, cap, "file has %ld parameters, network has %ld", h->nparams, m->nparams);
        return 1;
    }
    return 0;
}

/* Decode the P parameters of h into theta (P). */
static void nde__file_get_params(const nde__mlp_file *h, double *theta)
{
    long i;
    for (i = 0; i < h->nparams; i++) {
        unsigned long long bits = nde__file_get_u64(h->params + 8 * (size_t)i);
        memcpy(&theta[i], &bits, sizeof(double));
    }
}

/* Create a new temporary file next to path, exclusively: its name
   tmp = "<path>.tmp.<16 hex digits>" (tmp holds plen + 22 bytes, path's
   plen bytes already copied) mixes the clock, the addresses of this call's
   buffers and an attempt counter, and fopen mode "x" (C11; glibc, musl,
   BSD, macOS, MSVC) fails on any existing name, a symbolic link included,
   so two writers never share or truncate a file and a planted link is
   never followed. Returns the stream, or NULL with *err = errno. */
static FILE *nde__file_create_tmp(const char *path, char *tmp, size_t plen, int *err)
{
    unsigned long long h = (unsigned long long)time(NULL) ^ ((unsigned long long)clock() << 32);
    unsigned char mix[3 * sizeof(void *)];
    const void *ptrs[3];
    int attempt, k;
    FILE *f = NULL;
    ptrs[0] = (const void *)tmp;
    ptrs[1] = (const void *)&h;
    ptrs[2] = (const void *)path;
    memcpy(mix, ptrs, sizeof mix);
    h ^= nde__file_fnv1a(mix, sizeof mix);
    *err = 0;
    for (attempt = 0; attempt < 64 && !f; attempt++) {
        unsigned long long x;
        h = h * 6364136223846793005ULL + 1442695040888963407ULL + (unsigned long long)attempt;
        x = h ^ (h >> 29);
        memcpy(tmp + plen, ".tmp.", 5);
        for (k = 0; k < 16; k++) tmp[plen + 5 + k] = "0123456789abcdef"[(x >> (4 * k)) & 15u];
        tmp[plen + 21] = 0;
        errno = 0;
        f = fopen(tmp, "wbx");
        *err = errno;
#ifdef EEXIST
        if (!f && *err != EEXIST) break; /* not a name clash: trying other names will not help */
#endif
    }
    return f;
}

/* Write buf (n) to a fresh "<path>.tmp.<16 hex digits>" (nde__file_create_tmp),
   then rename it over path: an interrupted write never leaves a half-written
   file at path. Used by the model and the IDX writers. */
static int nde__file_write_atomic(const char *path, const unsigned char *buf, size_t n, char *msg)
{
    size_t plen = strlen(path);
    char *tmp = (char *)NDE_MALLOC(plen + 22);
    FILE *f;
    int bad, err;
    if (!tmp) {
        nde__msg(msg, "%s: out of memory", path);
        return NDE_ERR_NOMEM;
    }
    memcpy(tmp, path, plen);
    f = nde__file_create_tmp(path, tmp, plen, &err);
    if (!f) {
        nde__msg(msg, "%s: cannot create %s: %s", path, tmp, strerror(err));
        NDE_FREE(tmp);
        return NDE_ERR_IO;
    }
    bad = fwrite(buf, 1, n, f) != n;
    err = errno;
    if (fflush(f) != 0) { bad = 1; err = errno; }
    if (fclose(f) != 0) { bad = 1; err = errno; }
    if (!bad && rename(tmp, path) != 0) {
        err = errno;
#ifdef _WIN32
        /* Windows' rename does not replace an existing file */
        if (remove(path) != 0 || rename(tmp, path) != 0) bad = 2;
#else
        bad = 2;
#endif
    }
    if (bad) {
        remove(tmp);
        if (bad == 2) nde__msg(msg, "%s: cannot rename %s over it: %s", path, tmp, strerror(err));
        else nde__msg(msg, "%s: error writing %s: %s", path, tmp, strerror(err));
    }
    NDE_FREE(tmp);
    return bad ? NDE_ERR_IO : NDE_OK;
}

NDEDEF int nde_mlp_save(const nde_mlp *m, const char *path, char *msg)
{
    size_t n, off;
    unsigned char *buf;
    long i;
    int L, rc;
    if (!m || !path || !*path) {
        nde__msg(msg, "nde_mlp_save: %s", !m ? "m is NULL" : !path ? "path is NULL" : "path is empty");
        return NDE_ERR_ARG;
    }
    L = m->nlayers;
    if (L < 1 || L > NDE_MLP_MAX_LAYERS || m->nparams < 0 || (m->nparams > 0 && !m->params)) {
        nde__msg(msg, "nde_mlp_save: %s: the network is not built", path);
        return NDE_ERR_ARG;
    }
    n = NDE__FILE_HEAD + 16 * (size_t)L + 8 + 8 * (size_t)m->nparams + 8;
    buf = (unsigned char *)NDE_MALLOC(n);
    if (!buf) {
        nde__msg(msg, "%s: out of memory", path);
        return NDE_ERR_NOMEM;
    }

    /* the image */
    memcpy(buf, NDE__FILE_MAGIC, 8);
    nde__file_put_u32(buf + 8, NDE_MODEL_VERSION);
    nde__file_put_u32(buf + 12, (unsigned long)m->in_dim);
    nde__file_put_u32(buf + 16, (unsigned long)m->flags);
    nde__file_put_u32(buf + 20, (unsigned long)L);
    off = NDE__FILE_HEAD;
    for (i = 0; i < L; i++) {
        const nde_layer *l = &m->layer[i];
        nde__file_put_u32(buf + off, (unsigned long)l->kind);
        nde__file_put_u32(buf + off + 4, (unsigned long)l->in);
        nde__file_put_u32(buf + off + 8, (unsigned long)l->out);
        nde__file_put_u32(buf + off + 12, nde__file_layer_act(l));
        off += 16;
    }
    nde__file_put_u64(buf + off, (unsigned long long)m->nparams);
    off += 8;
    for (i = 0; i < m->nparams; i++) {
        unsigned long long bits;
        memcpy(&bits, &m->params[i], sizeof(double));
        nde__file_put_u64(buf + off, bits);
        off += 8;
    }
    nde__file_put_u64(buf + off, nde__file_fnv1a(buf, off));
    rc = nde__file_write_atomic(path, buf, n, msg);
    NDE_FREE(buf);
    return rc;
}

NDEDEF int nde_mlp_load(nde_mlp *m, const char *path, char *msg)
{
    unsigned char *buf;
    size_t n;
    nde__mlp_file h;
    char what[200];
    int rc;
    if (!m || !path) { nde__msg(msg, "nde_mlp_load: %s is NULL", !m ? "m" : "path"); return NDE_ERR_ARG; }
    if (!m->params) { /* nde_mlp_build always allocates the block (one double at P = 0) */
        nde__msg(msg, "nde_mlp_load: %s: the network is not built (call nde_mlp_build first)", path);
        return NDE_ERR_ARG;
    }
    rc = nde__file_read_all(path, 1, &buf, &n, msg);
    if (rc != NDE_OK) return rc;
    rc = nde__file_parse(buf, n, path, &h, msg);
    if (rc == NDE_OK && nde__file_arch_differs(&h, m, what, sizeof what)) {
        nde__msg(msg, "%s: architecture mismatch: %s", path, what);
        rc = NDE_ERR_ARCH;
    }
    if (rc == NDE_OK) nde__file_get_params(&h, m->params);
    NDE_FREE(buf);
    return rc;
}

NDEDEF int nde_mlp_load_new(nde_mlp *m, const char *path, char *msg)
{
    unsigned char *buf;
    size_t n;
    nde__mlp_file h;
    nde_mlp net;
    char what[200], sub[NDE_MSG_LEN];
    int rc, i;
    if (!m || !path) { nde__msg(msg, "nde_mlp_load_new: %s is NULL", !m ? "m" : "path"); return NDE_ERR_ARG; }
    rc = nde__file_read_all(path, 1, &buf, &n, msg);
    if (rc != NDE_OK) return rc;
    rc = nde__file_parse(buf, n, path, &h, msg);
    if (rc != NDE_OK) { NDE_FREE(buf); return rc; }

    /* rebuild the network the header describes */
    sub[0] = 0;
    memset(&net, 0, sizeof net);
    rc = nde_mlp_init(&net, h.in_dim, h.flags, sub);
    for (i = 0; rc == NDE_OK && i < h.nlayers; i++) {
        if (h.kind[i] == NDE_LAYER_LINEAR) rc = nde_mlp_add_linear(&net, h.out[i], sub);
        else if (h.kind[i] == NDE_LAYER_ACT) rc = nde_mlp_add_act(&net, (int)h.act[i], sub);
        else if (h.kind[i] == NDE_LAYER_DROPOUT) rc = nde_mlp_add_dropout(&net, (double)h.act[i] / NDE__DROPOUT_GRID, sub);
        else rc = nde_mlp_add_residual(&net, (int)h.act[i], sub);
    }
    if (rc == NDE_OK) rc = nde_mlp_build(&net, sub);
    if (rc != NDE_OK) {
        nde_mlp_free(&net);
        NDE_FREE(buf);
        if (rc == NDE_ERR_NOMEM) { nde__msg(msg, "%s: out of memory: %s", path, sub); return rc; }
        nde__msg(msg, "%s: the stored architecture cannot be built: %s", path, sub);
        return NDE_ERR_FORMAT;
    }
    if (nde__file_arch_differs(&h, &net, what, sizeof what)) {
        nde_mlp_free(&net);
        NDE_FREE(buf);
        nde__msg(msg, "%s: inconsistent stored architecture: %s", path, what);
        return NDE_ERR_FORMAT;
    }
    nde__file_get_params(&h, net.params);
    NDE_FREE(buf);
    *m = net;
    return NDE_OK;
}

/* ===================================================================== */
/* Data tables: numeric CSV and whitespace-separated files                */
/* ===================================================================== */
/*
   One pass over the text, line by line. A row is first split into cells
   (offsets into its line, so every message can name line and column),
   then read as names or numbers; values go into a buffer that grows by
   doubling and reaches the caller only once the whole text has passed.
*/

typedef struct nde__csv_state {
    const char *name;  /* label of the messages (the path) */
    char *msg;
    int flags;
    char sep;          /* 0 until the first row is seen */
    long line;         /* 1-based number of the line being read */
    long ncell, ccap;  /* cells of the current row and room for them */
    long *at, *len;    /* (ccap) each cell's 0-based offset in its line and its length */
    double *data;      /* (rows, cols) values read so far */
    size_t cap;        /* doubles of room in data */
    int rows, cols;    /* cols = 0 until the first row is seen */
    long header_line;  /* line of the header row, 0 when there is none */
    char **names;      /* (cols) pointers into the same block, or NULL */
} nde__csv_state;

static int nde__csv_blank(char c) { return c == ' ' || c == '\t'; }

/* Split the line s (n bytes, no line end, no comment) into cells at st->sep;
   blanks around a cell are not part of it. */
static int nde__csv_split(nde__csv_state *st, const char *s, long n)
{
    long i = 0, a, b;
    st->ncell = 0;
    while (i <= n) {
        if (st->sep == ' ') {
            while (i < n && nde__csv_blank(s[i])) i++;
            if (i == n) break;
            for (a = i; i < n && !nde__csv_blank(s[i]); i++) {}
            b = i;
        } else {
            for (a = i; i < n && s[i] != st->sep; i++) {}
            b = i++;                                   /* i steps over the separator */
            while (a < b && nde__csv_blank(s[a])) a++;
            while (b > a && nde__csv_blank(s[b - 1])) b--;
        }
        if (st->ncell == st->ccap) {
            long nc = st->ccap ? 2 * st->ccap : 16;
            long *na = (long *)NDE_REALLOC(st->at, (size_t)nc * sizeof *na), *nl;
            if (!na) return NDE_ERR_NOMEM;
            st->at = na;
            nl = (long *)NDE_REALLOC(st->len, (size_t)nc * sizeof *nl);
            if (!nl) return NDE_ERR_NOMEM;
            st->len = nl;
            st->ccap = nc;
        }
        st->at[st->ncell] = a;
        st->len[st->ncell++] = b - a;
    }
    return NDE_OK;
}

/* Read one cell as a double: 0 and *x, or 1 not a number, 3 longer than
   NDE_CSV_CELL_MAX, 2 outside the range of a double, 4 NaN/Inf refused
   (odd: no number; even: a number the caller cannot have). */
static int nde__csv_number(const char *s, long n, int flags, double *x)
{
    char tmp[NDE_CSV_CELL_MAX + 1], *end;
    if (n == 0) return 1;
    if (n > NDE_CSV_CELL_MAX) return 3;
    memcpy(tmp, s, (size_t)n);
    tmp[n] = 0;
    errno = 0;
    *x = strtod(tmp, &end);
    if (end != tmp + n) return 1;
    if (errno == ERANGE && fabs(*x) == HUGE_VAL) return 2;
    if (!nde__finite(*x) && !(flags & NDE_CSV_NONFINITE)) return 4;
    return 0;
}

static int nde__csv_fail(nde__csv_state *st, long col, const char *what, const char *s, long n)
{
    int shown = n > 40 ? 40 : (int)n;
    if (s) nde__msg(st->msg, "%s:%ld:%ld: %s: '%.*s'%s", st->name, st->line, col, what, shown, s, n > shown ? "..." : "");
    else nde__msg(st->msg, "%s:%ld:%ld: %s", st->name, st->line, col, what);
    return NDE_ERR_FORMAT;
}

/* The header row: one name per cell (a pair of "" around it dropped). */
static int nde__csv_names(nde__csv_state *st, const char *s)
{
    size_t bytes = (size_t)st->cols * sizeof(char *);
    char *p;
    long k;
    for (k = 0; k < st->ncell; k++) {
        if (st->len[k] >= 2 && s[st->at[k]] == '"' && s[st->at[k] + st->len[k] - 1] == '"') {
            st->at[k]++;
            st->len[k] -= 2;
        }
        if (st->len[k] == 0) return nde__csv_fail(st, st->at[k] + 1, "empty column name in the header row", NULL, 0);
        bytes += (size_t)st->len[k] + 1;
    }
    st->names = (char **)NDE_MALLOC(bytes);
    if (!st->names) return NDE_ERR_NOMEM;
    p = (char *)(st->names + st->cols);
    for (k = 0; k < st->ncell; k++) {
        memcpy(p, s + st->at[k], (size_t)st->len[k]);
        p[st->len[k]] = 0;
        st->names[k] = p;
        p += st->len[k] + 1;
    }
    st->header_line = st->line;
    return NDE_OK;
}

/* One data row of exactly cols numbers, appended to st->data. */
static int nde__csv_values(nde__csv_state *st, const char *s, long n)
{
    static const char *why[5] = {"", "not a number", "outside the range of a double",
                                 "a cell longer than NDE_CSV_CELL_MAX characters", "NaN or Inf (refused without NDE_CSV_NONFINITE)"};
    size_t need = ((size_t)st->rows + 1) * (size_t)st->cols;
    char what[96];
    long k;
    int r;
    if (st->ncell < st->cols) {
        sprintf(what, "%ld cells where the first row has %d (column %ld missing)", st->ncell, st->cols, st->ncell + 1);
        return nde__csv_fail(st, n + 1, what, NULL, 0);
    }
    if (st->ncell > st->cols) {
        sprintf(what, "cell %d is one too many: the first row has %d", st->cols + 1, st->cols);
        return nde__csv_fail(st, st->at[st->cols] + 1, what, s + st->at[st->cols], st->len[st->cols]);
    }
    if (st->rows == INT_MAX || need > ((size_t)-1) / sizeof(double) / 2) return nde__csv_fail(st, 1, "too many rows", NULL, 0);
    if (need > st->cap) {
        size_t nc = st->cap ? 2 * st->cap : 64;
        double *nd;
        while (nc < need) nc *= 2;
        nd = (double *)NDE_REALLOC(st->data, nc * sizeof *nd);
        if (!nd) return NDE_ERR_NOMEM;
        st->data = nd;
        st->cap = nc;
    }
    for (k = 0; k < st->cols; k++) {
        r = nde__csv_number(s + st->at[k], st->len[k], st->flags, st->data + (size_t)st->rows * st->cols + k);
        if (r == 1 && st->len[k] == 0) return nde__csv_fail(st, st->at[k] + 1, "empty cell", NULL, 0);
        if (r == 1 && st->sep == ';' && memchr(s + st->at[k], ',', (size_t)st->len[k])) {
            sprintf(what, "column %ld is not a number (decimal commas are not read: write 1.5)", k + 1);
            return nde__csv_fail(st, st->at[k] + 1, what, s + st->at[k], st->len[k]);
        }
        if (r) {
            sprintf(what, "column %ld is %s", k + 1, why[r]);
            return nde__csv_fail(st, st->at[k] + 1, what, s + st->at[k], st->len[k]);
        }
    }
    st->rows++;
    return NDE_OK;
}

/* One non-blank line s (n bytes): the first fixes the separator and the
   number of columns and may be the header. */
static int nde__csv_line(nde__csv_state *st, const char *s, long n)
{
    int rc, header;
    long k;
    double x;
    if (!st->sep) st->sep = memchr(s, ';', (size_t)n) ? ';' : memchr(s, ',', (size_t)n) ? ',' : memchr(s, '\t', (size_t)n) ? '\t' : ' ';
    rc = nde__csv_split(st, s, n);
    if (rc != NDE_OK) return rc;
    if (st->cols) return nde__csv_values(st, s, n);
    if (st->ncell > INT_MAX / 2) return nde__csv_fail(st, 1, "too many columns", NULL, 0);
    st->cols = (int)st->ncell;
    header = (st->flags & NDE_CSV_HEADER) != 0;
    for (k = 0; k < st->ncell && !header && !(st->flags & NDE_CSV_NO_HEADER); k++)
        header = st->len[k] > 0 && nde__csv_number(s + st->at[k], st->len[k], NDE_CSV_NONFINITE, &x) % 2;
    return header ? nde__csv_names(st, s) : nde__csv_values(st, s, n);
}

NDEDEF int nde_csv_parse(const char *text, size_t len, const char *name, int flags, nde_csv *out, char *msg)
{
    nde__csv_state st;
    size_t pos = 0;
    long k;
    int rc = NDE_OK;
    memset(&st, 0, sizeof st);
    st.name = name ? name : "<text>";
    st.msg = msg;
    st.flags = flags;
    if (!out) { nde__msg(msg, "%s: out is NULL", st.name); return NDE_ERR_ARG; }
    if (!text && len) { nde__msg(msg, "%s: text is NULL", st.name); return NDE_ERR_ARG; }
    if ((flags & ~(NDE_CSV_NONFINITE | NDE_CSV_HEADER | NDE_CSV_NO_HEADER)) || ((flags & NDE_CSV_HEADER) && (flags & NDE_CSV_NO_HEADER))) {
        nde__msg(msg, "%s: flags = %d: NDE_CSV_NONFINITE, and at most one of NDE_CSV_HEADER, NDE_CSV_NO_HEADER", st.name, flags);
        return NDE_ERR_ARG;
    }
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) pos = 3;   /* a UTF-8 byte-order mark */
    for (st.line = 1; rc == NDE_OK && pos < len; st.line++) {
        const char *s = text + pos, *nl = (const char *)memchr(s, '\n', len - pos), *cut;
        long n = nl ? (long)(nl - s) : (long)(len - pos);
        pos += (size_t)n + (nl != NULL);
        if ((cut = (const char *)memchr(s, 0, (size_t)n)) != NULL) {
            rc = nde__csv_fail(&st, (long)(cut - s) + 1, "NUL byte (not a text file?)", NULL, 0);
            break;
        }
        if (n > 0 && s[n - 1] == '\r') n--;
        if (n > 0 && (cut = (const char *)memchr(s, '#', (size_t)n)) != NULL) n = (long)(cut - s);
        while (n > 0 && nde__csv_blank(s[n - 1])) n--;
        for (k = 0; k < n && nde__csv_blank(s[k]); k++) {}
        if (k < n) rc = nde__csv_line(&st, s, n);        /* else a blank line */
    }
    if (rc == NDE_OK && st.rows == 0) {
        const char *why = st.header_line ? "a header row and no data rows"
                        : len == 0 || (len == 3 && pos == 3) ? "empty: no rows"
                        : "no data rows (only comments and blank lines)";
        st.line = st.header_line ? st.header_line : st.line > 1 ? st.line - 1 : 1;
        rc = nde__csv_fail(&st, 1, why, NULL, 0);
    }
    if (rc == NDE_ERR_NOMEM) nde__msg(msg, "%s:%ld: out of memory", st.name, st.line);
    NDE_FREE(st.at);
    NDE_FREE(st.len);
    if (rc != NDE_OK) {
        NDE_FREE(st.data);
        NDE_FREE(st.names);
        return rc;
    }
    out->rows = st.rows;
    out->cols = st.cols;
    out->data = st.data;
    out->names = st.names;
    out->sep = st.sep;
    return NDE_OK;
}

NDEDEF int nde_csv_read(const char *path, int flags, nde_csv *out, char *msg)
{
    unsigned char *buf;
    size_t n;
    int rc;
    if (!path || !out) { nde__msg(msg, "path or out is NULL"); return NDE_ERR_ARG; }
    rc = nde__file_read_all(path, 0, &buf, &n, msg);
    if (rc != NDE_OK) return rc;
    rc = nde_csv_parse((const char *)buf, n, path, flags, out, msg);
    NDE_FREE(buf);
    return rc;
}

NDEDEF int nde_csv_column(const nde_csv *c, const char *name)
{
    char *end;
    long k;
    int j;
    if (!c || !name) return -1;
    for (j = 0; c->names && j < c->cols; j++)
        if (strcmp(c->names[j], name) == 0) return j;
    k = strtol(name, &end, 10);
    return *name && *end == 0 && k >= 1 && k <= c->cols ? (int)k - 1 : -1;
}

NDEDEF void nde_csv_free(nde_csv *c)
{
    if (!c) return;
    NDE_FREE(c->data);
    NDE_FREE(c->names);
    memset(c, 0, sizeof *c);
}

/* A header name must survive the round trip: not empty, no separator,
   comment mark, quote or control byte. */
static int nde__csv_name_ok(const char *name)
{
    if (!name || !*name) return 0;
    for (; *name; name++)
        if ((unsigned char)*name < 32 || strchr(",;#\"", *name)) return 0;
    return 1;
}

NDEDEF int nde_csv_write(const char *path, int rows, int cols, const double *data, const char *const *names,
                         const char *comment, char *msg)
{
    size_t cap, n = 0, k;
    char *text;
    int i, j, rc;
    if (!path || !*path || rows < 1 || cols < 1 || !data) {
        nde__msg(msg, "nde_csv_write: %s", !path || !*path ? "no path" : !data ? "data is NULL" : "rows and cols must be >= 1");
        return NDE_ERR_ARG;
    }
    for (j = 0; names && j < cols; j++)
        if (!nde__csv_name_ok(names[j])) {
            nde__msg(msg, "%s: column name %d is empty or holds , ; # \" or a control byte", path, j + 1);
            return NDE_ERR_ARG;
        }
    if (comment && strpbrk(comment, "\r\n")) { nde__msg(msg, "%s: the comment holds a line end", path); return NDE_ERR_ARG; }
    if ((size_t)rows > ((size_t)-1 - 4096) / 32 / (size_t)cols) { nde__msg(msg, "%s: table too large", path); return NDE_ERR_ARG; }
    cap = (size_t)rows * (size_t)cols * 32 + (comment ? strlen(comment) + 4 : 0) + 1;
    for (j = 0; names && j < cols; j++) cap += strlen(names[j]) + 1;
    text = (char *)NDE_MALLOC(cap);
    if (!text) { nde__msg(msg, "%s: out of memory", path); return NDE_ERR_NOMEM; }
    if (comment) n += (size_t)sprintf(text + n, "# %s\n", comment);
    for (j = 0; names && j < cols; j++) {
        k = strlen(names[j]);
        memcpy(text + n, names[j], k);
        n += k;
        text[n++] = j + 1 < cols ? ',' : '\n';
    }
    for (i = 0; i < rows; i++)
        for (j = 0; j < cols; j++) {
            double x = data[(size_t)i * cols + j];
            int digits = 15, len;
            do len = sprintf(text + n, "%.*g", digits, x);   /* the shortest of 15..17 digits that reads back as x */
            while (digits++ < 17 && nde__finite(x) && strtod(text + n, NULL) != x);
            n += (size_t)len;
            text[n++] = j + 1 < cols ? ',' : '\n';
        }
    rc = nde__file_write_atomic(path, (const unsigned char *)text, n, msg);
    NDE_FREE(text);
    return rc;
}

/* ===================================================================== */
/* Data files and classification                                          */
/* ===================================================================== */
/*
   IDX [LeCun, Cortes, Burges, "The MNIST database", "File formats"]:
     bytes 0-1 zero, byte 2 element type, byte 3 dimension count nd,
     nd x uint32 big-endian sizes, then the elements row-major, big-endian.
   gzip [RFC 1952, 2.3]: 1f 8b, CM = 8 (deflate), FLG, MTIME (4), XFL, OS,
     optional FEXTRA (2-byte length + data), FNAME and FCOMMENT (zero-
     terminated), FHCRC (2), the deflate stream [RFC 1951], then CRC-32 and
     ISIZE (the uncompressed length mod 2^32), both little-endian.
   Why our own inflate rather than stb_image's (Debian's libstb-dev, already
   compiled in ndeplot_png.c): that decoder rejects a valid stream, Fashion-
   MNIST's t10k-labels-idx1-ubyte.gz, with "bad huffman code" (Python's
   zlib decodes it; tests/test_classify.c reads it with ours), and it would
   tie the library to the plotting unit. Ours is libc-only, ~150 lines, and
   fuzzed with the parser (tests/fuzz/fuzz_idx.c). Deflate expands at most
   1032:1 (258 bytes from a 2-bit code pair, RFC 1951 3.2.5), which bounds
   what an ISIZE may claim before anything is allocated.
*/

typedef char nde__idx_float_is_32bit[sizeof(float) == 4 ? 1 : -1];

/* Bytes per element of an IDX type, 0 for an unknown type byte. */
static int nde__idx_size(int type)
{
    switch (type) {
    case NDE_IDX_U8: case NDE_IDX_I8: return 1;
    case NDE_IDX_I16: return 2;
    case NDE_IDX_I32: case NDE_IDX_F32: return 4;
    case NDE_IDX_F64: return 8;
    default: return 0;
    }
}

static const char *nde__idx_type_name(int type)
{
    switch (type) {
    case NDE_IDX_U8: return "ubyte";
    case NDE_IDX_I8: return "byte";
    case NDE_IDX_I16: return "short";
    case NDE_IDX_I32: return "int";
    case NDE_IDX_F32: return "float";
    case NDE_IDX_F64: return "double";
    default: return "?";
    }
}

static unsigned long long nde__get_be(const unsigned char *p, int bytes)
{
    unsigned long long x = 0;
    int k;
    for (k = 0; k < bytes; k++) x = (x << 8) | p[k];
    return x;
}

static void nde__put_be(unsigned char *p, unsigned long long x, int bytes)
{
    int k;
    for (k = bytes - 1; k >= 0; k--, x >>= 8) p[k] = (unsigned char)(x & 0xffu);
}

/* "60000 x 28 x 28": the dimensions of an IDX header for a message. */
static void nde__idx_dims_desc(char *buf, size_t cap, int nd, const unsigned long long *dims)
{
    size_t len = 0;
    int i;
    buf[0] = 0;
    for (i = 0; i < nd && len + 24 < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, i ? " x %llu" : "%llu", dims[i]);
}

/* Parse a plain (uncompressed) IDX image buf (n) into x. */
static int nde__idx_parse_plain(const unsigned char *buf, size_t n, nde_idx *x, char *msg)
{
    unsigned long long dims[NDE_IDX_MAX_DIMS], count = 1, row = 1, limit, need;
    char desc[NDE_IDX_MAX_DIMS * 14];
    size_t head;
    int es, nd, i;
    if (n < 4) {
        nde__msg(msg, "truncated: %lu bytes, an IDX magic number alone needs 4", (unsigned long)n);
        return NDE_ERR_FORMAT;
    }
    if (buf[0] != 0 || buf[1] != 0) {
        nde__msg(msg, "bad magic number 0x%02x%02x%02x%02x: an IDX file starts with two zero bytes", buf[0], buf[1],
                 buf[2], buf[3]);
        return NDE_ERR_FORMAT;
    }
    es = nde__idx_size(buf[2]);
    if (!es) {
        nde__msg(msg, "bad magic number 0x0000%02x%02x: unknown element type 0x%02x (08, 09, 0B, 0C, 0D, 0E)",
                 buf[2], buf[3], buf[2]);
        return NDE_ERR_FORMAT;
    }
    nd = buf[3];
    if (nd < 1 || nd > NDE_IDX_MAX_DIMS) {
        nde__msg(msg, "bad magic number 0x0000%02x%02x: %d dimensions (1..%d supported)", buf[2], buf[3], nd, NDE_IDX_MAX_DIMS);
        return NDE_ERR_FORMAT;
    }
    head = 4 + 4 * (size_t)nd;
    if (n < head) {
        nde__msg(msg, "truncated: %lu bytes, the header of %d dimensions needs %lu", (unsigned long)n, nd, (unsigned long)head);
        return NDE_ERR_FORMAT;
    }
    /* the element bytes must fit a long and a size_t: checked one factor at a time */
    limit = (unsigned long long)LONG_MAX < (unsigned long long)(size_t)-1 ? (unsigned long long)LONG_MAX
                                                                          : (unsigned long long)(size_t)-1;
    limit /= (unsigned long long)es;
    for (i = 0; i < nd; i++) dims[i] = nde__get_be(buf + 4 + 4 * i, 4);
    for (i = nd - 1; i >= 0; i--) { /* the product of the non-zero sizes must fit */
        if (dims[i] > 0 && count > limit / dims[i]) {
            nde__idx_dims_desc(desc, sizeof desc, nd, dims);
            nde__msg(msg, "sizes %s of %d-byte elements overflow the address space", desc, es);
            return NDE_ERR_FORMAT;
        }
        if (dims[i] > 0) count *= dims[i];
    }
    for (i = 1; i < nd; i++) row *= dims[i];
    count = dims[0] * row;
    need = head + count * es;
    if ((unsigned long long)n != need) {
        nde__idx_dims_desc(desc, sizeof desc, nd, dims);
        nde__msg(msg, "%s: %lu bytes, the header (%s of %s) needs %llu",
                 (unsigned long long)n < need ? "truncated" : "trailing bytes", (unsigned long)n, desc,
                 nde__idx_type_name(buf[2]), need);
        return NDE_ERR_FORMAT;
    }
    x->data = (unsigned char *)NDE_MALLOC(count * es > 0 ? (size_t)(count * es) : 1);
    if (!x->data) { nde__msg(msg, "out of memory for %llu elements", count); return NDE_ERR_NOMEM; }
    memcpy(x->data, buf + head, (size_t)(count * es));
    x->type = buf[2];
    x->ndim = nd;
    for (i = 0; i < nd; i++) x->dims[i] = (long)dims[i];
    x->count = (long)count;
    x->row = (long)row;
    return NDE_OK;
}

/* CRC-32 of RFC 1952 8 (reflected polynomial 0xEDB88320), by a table built per call. */
static unsigned long nde__crc32(const unsigned char *p, size_t n)
{
    unsigned long table[256], c;
    size_t i;
    int k;
    for (i = 0; i < 256; i++) {
        c = (unsigned long)i;
        for (k = 0; k < 8; k++) c = c & 1u ? 0xEDB88320ul ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    c = 0xFFFFFFFFul;
    for (i = 0; i < n; i++) c = table[(c ^ p[i]) & 0xffu] ^ (c >> 8);
    return (c ^ 0xFFFFFFFFul) & 0xFFFFFFFFul;
}

/* Inflate [RFC 1951]: a bit reader (least significant bit first), canonical
   Huffman codes decoded one bit at a time (counts per length and symbols in
   code order, the scheme of RFC 1951 3.2.2), and the three block types. */
typedef struct nde__inflate {
    const unsigned char *in;   /* (n_in) the deflate stream */
    size_t n_in, pos;          /* its length and the next byte to load */
    unsigned long bits;        /* bit buffer: nbits (< 8 between reads) not yet used */
    int nbits;
    unsigned char *out;        /* (n_out) the output */
    size_t n_out, len;         /* its capacity and the bytes written */
    int eof;                   /* 1 once a read went past the end of the input */
} nde__inflate;

typedef struct nde__huff {
    short count[16];           /* codes of each length 0..15 */
    short symbol[288];         /* the symbols in canonical code order */
} nde__huff;

static unsigned nde__inf_bits(nde__inflate *s, int need)
{
    unsigned long v = s->bits;
    while (s->nbits < need) {
        if (s->pos == s->n_in) { s->eof = 1; return 0; }
        v |= (unsigned long)s->in[s->pos++] << s->nbits;
        s->nbits += 8;
    }
    s->bits = v >> need;
    s->nbits -= need;
    return (unsigned)(v & ((1ul << need) - 1ul));
}

/* Canonical code from the code lengths len (n): < 0 when over-subscribed;
   incomplete codes are accepted (a code never assigned fails to decode). */
static int nde__huff_build(nde__huff *h, const unsigned char *len, int n)
{
    short offs[16];
    int sym, l, left = 1;
    memset(h->count, 0, sizeof h->count);
    for (sym = 0; sym < n; sym++) h->count[len[sym]]++;
    for (l = 1; l < 16; l++) {
        left = 2 * left - h->count[l];
        if (left < 0) return -1;
    }
    offs[1] = 0;
    for (l = 1; l < 15; l++) offs[l + 1] = (short)(offs[l] + h->count[l]);
    for (sym = 0; sym < n; sym++)
        if (len[sym]) h->symbol[offs[len[sym]]++] = (short)sym;
    return 0;
}

/* Next symbol of code h, or -1 (no such code, or the input ended). */
static int nde__huff_decode(nde__inflate *s, const nde__huff *h)
{
    int code = 0, first = 0, index = 0, l, count;
    for (l = 1; l < 16; l++) {
        code |= (int)nde__inf_bits(s, 1);
        count = h->count[l];
        if (code - first < count) return s->eof ? -1 : h->symbol[index + code - first];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    return -1;
}

/* Literal/length and distance symbols of one block until its end code. */
static int nde__inf_codes(nde__inflate *s, const nde__huff *lc, const nde__huff *dc)
{
    static const short lbase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                    35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const short lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const unsigned short dbase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                             513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const short dext[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    int sym;
    size_t L, dist;
    for (;;) {
        sym = nde__huff_decode(s, lc);
        if (sym < 0) return -1;
        if (sym < 256) {
            if (s->len == s->n_out) return -2;
            s->out[s->len++] = (unsigned char)sym;
        } else if (sym == 256) {
            return 0;
        } else {
            sym -= 257;
            if (sym >= 29) return -1;
            L = (size_t)lbase[sym] + nde__inf_bits(s, lext[sym]);
            sym = nde__huff_decode(s, dc);
            if (sym < 0 || sym >= 30) return -1;
            dist = (size_t)dbase[sym] + nde__inf_bits(s, dext[sym]);
            if (s->eof || dist > s->len) return -1;
            if (L > s->n_out - s->len) return -2;
            for (; L > 0; L--, s->len++) s->out[s->len] = s->out[s->len - dist];
        }
    }
}

/* Decode the raw deflate stream in (n_in) into out (n_out). Returns the bytes
   written; -1 corrupt or truncated data, -2 more output than n_out.
   *used receives the input bytes the stream took. */
static long nde__inflate_raw(const unsigned char *in, size_t n_in, unsigned char *out, size_t n_out, size_t *used)
{
    static const unsigned char order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    nde__inflate s;
    nde__huff lc, dc;
    unsigned char len[320];
    int last, type, rc, i, nlen, ndist, ncode, sym, rep;
    memset(&s, 0, sizeof s);
    s.in = in;
    s.n_in = n_in;
    s.out = out;
    s.n_out = n_out;
    do {
        last = (int)nde__inf_bits(&s, 1);
        type = (int)nde__inf_bits(&s, 2);
        if (s.eof) return -1;
        if (type == 0) {            /* stored: byte-aligned LEN, NLEN = ~LEN, LEN bytes */
            size_t L;
            s.bits = 0;
            s.nbits = 0;
            if (s.n_in - s.pos < 4) return -1;
            L = (size_t)s.in[s.pos] | (size_t)s.in[s.pos + 1] << 8;
            if ((s.in[s.pos] ^ s.in[s.pos + 2]) != 0xff || (s.in[s.pos + 1] ^ s.in[s.pos + 3]) != 0xff) return -1;
            s.pos += 4;
            if (L > s.n_in - s.pos) return -1;
            if (L > s.n_out - s.len) return -2;
            memcpy(s.out + s.len, s.in + s.pos, L);
            s.pos += L;
            s.len += L;
            rc = 0;
        } else if (type == 1) {     /* fixed codes (RFC 1951 3.2.6) */
            for (i = 0; i < 144; i++) len[i] = 8;
            for (; i < 256; i++) len[i] = 9;
            for (; i < 280; i++) len[i] = 7;
            for (; i < 288; i++) len[i] = 8;
            nde__huff_build(&lc, len, 288);
            for (i = 0; i < 30; i++) len[i] = 5;
            nde__huff_build(&dc, len, 30);
            rc = nde__inf_codes(&s, &lc, &dc);
        } else if (type == 2) {     /* dynamic codes (RFC 1951 3.2.7) */
            nlen = (int)nde__inf_bits(&s, 5) + 257;
            ndist = (int)nde__inf_bits(&s, 5) + 1;
            ncode = (int)nde__inf_bits(&s, 4) + 4;
            if (nlen > 286 || ndist > 30) return -1;
            memset(len, 0, 19);
            for (i = 0; i < ncode; i++) len[order[i]] = (unsigned char)nde__inf_bits(&s, 3);
            if (s.eof || nde__huff_build(&lc, len, 19) < 0) return -1;
            for (i = 0; i < nlen + ndist;) {
                sym = nde__huff_decode(&s, &lc);
                if (sym < 0) return -1;
                if (sym < 16) { len[i++] = (unsigned char)sym; continue; }
                if (sym == 16) {
                    if (i == 0) return -1;
                    rep = 3 + (int)nde__inf_bits(&s, 2);
                    sym = len[i - 1];
                } else {
                    rep = sym == 17 ? 3 + (int)nde__inf_bits(&s, 3) : 11 + (int)nde__inf_bits(&s, 7);
                    sym = 0;
                }
                if (s.eof || i + rep > nlen + ndist) return -1;
                while (rep--) len[i++] = (unsigned char)sym;
            }
            if (len[256] == 0) return -1; /* no end-of-block code */
            if (nde__huff_build(&lc, len, nlen) < 0 || nde__huff_build(&dc, len + nlen, ndist) < 0) return -1;
            rc = nde__inf_codes(&s, &lc, &dc);
        } else {
            return -1;
        }
        if (rc != 0) return rc;
    } while (!last);
    *used = s.pos;
    return (long)s.len;
}

/* Unwrap the gzip image buf (n): inflate its deflate stream into a new
   buffer (*out, *n_out) of ISIZE bytes checked against the CRC-32. */
static int nde__gunzip(const unsigned char *buf, size_t n, unsigned char **out, size_t *n_out, char *msg)
{
    size_t p = 10, dlen, used = 0;
    unsigned long crc, isize;
    unsigned char *o;
    long got;
    int flg;
    *out = NULL;
    *n_out = 0;
    if (n < 18) { nde__msg(msg, "truncated gzip data: %lu bytes, header and trailer need 18", (unsigned long)n); return NDE_ERR_FORMAT; }
    flg = buf[3];
    if (buf[2] != 8 || (flg & 0xE0)) {
        nde__msg(msg, "gzip %s 0x%02x (only deflate, method 8, and flag bits 0-4 exist)",
                 buf[2] != 8 ? "compression method" : "reserved flags", buf[2] != 8 ? buf[2] : flg);
        return NDE_ERR_FORMAT;
    }
    if (flg & 4) /* FEXTRA: a 2-byte length and that many bytes */
        p += 2 + (size_t)(buf[10] | buf[11] << 8);
    if (flg & 8) /* FNAME, zero-terminated */
        while (p < n - 8 && buf[p++]) {}
    if (flg & 16) /* FCOMMENT, zero-terminated */
        while (p < n - 8 && buf[p++]) {}
    if (flg & 2) p += 2; /* FHCRC */
    if (p >= n - 8) { nde__msg(msg, "truncated gzip data: the header fields run into the trailer"); return NDE_ERR_FORMAT; }
    dlen = n - 8 - p;
    crc = (unsigned long)buf[n - 8] | (unsigned long)buf[n - 7] << 8 | (unsigned long)buf[n - 6] << 16 | (unsigned long)buf[n - 5] << 24;
    isize = (unsigned long)buf[n - 4] | (unsigned long)buf[n - 3] << 8 | (unsigned long)buf[n - 2] << 16 | (unsigned long)buf[n - 1] << 24;
    if ((double)isize > 1032.0 * (double)dlen || (double)isize > (double)(LONG_MAX / 2)) {
        nde__msg(msg, "gzip trailer claims %lu bytes from %lu bytes of deflate data (more than deflate can expand: "
                 "truncated or corrupt)", isize, (unsigned long)dlen);
        return NDE_ERR_FORMAT;
    }
    o = (unsigned char *)NDE_MALLOC(isize ? isize : 1);
    if (!o) { nde__msg(msg, "out of memory for %lu uncompressed bytes", isize); return NDE_ERR_NOMEM; }
    got = nde__inflate_raw(buf + p, dlen, o, (size_t)isize, &used);
    if (got != (long)isize || used != dlen) {
        NDE_FREE(o);
        if (got == -1) nde__msg(msg, "corrupt or truncated deflate data");
        else if (got == -2) nde__msg(msg, "deflate data gives more than the %lu bytes the gzip trailer says", isize);
        else if (got != (long)isize) nde__msg(msg, "deflate data gives %ld bytes, the gzip trailer says %lu", got, isize);
        else nde__msg(msg, "%lu bytes after the deflate stream (several gzip members: one is supported)", (unsigned long)(dlen - used));
        return NDE_ERR_FORMAT;
    }
    if (nde__crc32(o, isize) != crc) {
        NDE_FREE(o);
        nde__msg(msg, "gzip CRC-32 mismatch: corrupt data");
        return NDE_ERR_FORMAT;
    }
    *out = o;
    *n_out = isize;
    return NDE_OK;
}

NDEDEF int nde_idx_parse(const unsigned char *buf, size_t n, nde_idx *x, char *msg)
{
    unsigned char *raw;
    size_t nraw;
    int rc;
    if (!x || (!buf && n)) { nde__msg(msg, "nde_idx_parse: %s is NULL", !x ? "x" : "buf"); return NDE_ERR_ARG; }
    memset(x, 0, sizeof *x);
    if (n < 2 || buf[0] != 0x1f || buf[1] != 0x8b) return nde__idx_parse_plain(buf, n, x, msg);
    rc = nde__gunzip(buf, n, &raw, &nraw, msg);
    if (rc != NDE_OK) return rc;
    rc = nde__idx_parse_plain(raw, nraw, x, msg);
    NDE_FREE(raw);
    return rc;
}

NDEDEF int nde_idx_read(const char *path, nde_idx *x, char *msg)
{
    unsigned char *buf;
    size_t n;
    char sub[NDE_MSG_LEN];
    int rc;
    if (!path || !x) { nde__msg(msg, "nde_idx_read: %s is NULL", !path ? "path" : "x"); return NDE_ERR_ARG; }
    memset(x, 0, sizeof *x);
    rc = nde__file_read_all(path, 0, &buf, &n, msg);
    if (rc != NDE_OK) return rc;
    rc = nde_idx_parse(buf, n, x, sub);
    if (rc != NDE_OK) nde__msg(msg, "%s: %s", path, sub);
    NDE_FREE(buf);
    return rc;
}

NDEDEF void nde_idx_free(nde_idx *x)
{
    if (!x) return;
    if (x->data) NDE_FREE(x->data);
    x->data = NULL;
    x->count = 0;
}

NDEDEF double nde_idx_value(const nde_idx *x, long i)
{
    const unsigned char *p = x->data + (size_t)i * (size_t)nde__idx_size(x->type);
    unsigned long long u;
    switch (x->type) {
    case NDE_IDX_U8: return p[0];
    case NDE_IDX_I8: return p[0] < 128 ? p[0] : (double)p[0] - 256.0;
    case NDE_IDX_I16: u = nde__get_be(p, 2); return u < 32768u ? (double)u : (double)u - 65536.0;
    case NDE_IDX_I32: u = nde__get_be(p, 4); return u < 2147483648u ? (double)u : (double)u - 4294967296.0;
    case NDE_IDX_F32: {
        unsigned long bits = (unsigned long)nde__get_be(p, 4);
        unsigned int b32 = (unsigned int)bits;
        float f;
        memcpy(&f, &b32, 4);
        return f;
    }
    default: {
        double d;
        u = nde__get_be(p, 8);
        memcpy(&d, &u, 8);
        return d;
    }
    }
}

NDEDEF int nde_idx_rows(const nde_idx *x, long first, long n, const long *rows, double scale, double *out, char *msg)
{
    long i, j, r;
    if (!x || !x->data || !out || first < 0 || n < 0) {
        nde__msg(msg, "nde_idx_rows: %s", !x || !x->data ? "x holds no data" : !out ? "out is NULL" : "first or n negative");
        return NDE_ERR_ARG;
    }
    for (i = 0; i < n; i++) {
        r = rows ? rows[first + i] : first + i;
        if (r < 0 || r >= x->dims[0]) {
            nde__msg(msg, "nde_idx_rows: item %ld (row %ld of the request) is outside 0..%ld", r, i, x->dims[0] - 1);
            return NDE_ERR_ARG;
        }
        if (x->type == NDE_IDX_U8)
            for (j = 0; j < x->row; j++) out[i * x->row + j] = scale * x->data[r * x->row + j];
        else
            for (j = 0; j < x->row; j++) out[i * x->row + j] = scale * nde_idx_value(x, r * x->row + j);
    }
    return NDE_OK;
}

NDEDEF int nde_idx_check_labels(const nde_idx *images, const nde_idx *labels, int nclass, char *msg)
{
    long i;
    double v;
    if (!images || !labels || !labels->data || nclass < 1) {
        nde__msg(msg, "nde_idx_check_labels: %s", nclass < 1 ? "nclass < 1" : "images or labels missing");
        return NDE_ERR_ARG;
    }
    if (labels->ndim != 1) {
        nde__msg(msg, "labels have %d dimensions, a label file has 1", labels->ndim);
        return NDE_ERR_FORMAT;
    }
    if (labels->dims[0] != images->dims[0]) {
        nde__msg(msg, "count mismatch: %ld images but %ld labels", images->dims[0], labels->dims[0]);
        return NDE_ERR_FORMAT;
    }
    for (i = 0; i < labels->count; i++) {
        v = nde_idx_value(labels, i);
        if (!(v >= 0 && v < nclass) || v != floor(v)) {
            nde__msg(msg, "label %ld is %g, not a class in 0..%d", i, v, nclass - 1);
            return NDE_ERR_FORMAT;
        }
    }
    return NDE_OK;
}

NDEDEF int nde_idx_save(const char *path, int type, int ndim, const long *dims, const double *values, char *msg)
{
    double lo = 0, hi = 0, v;
    unsigned long long count = 1, bits;
    unsigned char *buf, *p;
    size_t head, n;
    int es = nde__idx_size(type), i, rc;
    long k;
    if (!path || !*path || !es || ndim < 1 || ndim > NDE_IDX_MAX_DIMS || !dims) {
        nde__msg(msg, "nde_idx_save: %s", !path || !*path ? "path is NULL or empty" : !es ? "unknown element type"
                 : !dims ? "dims is NULL" : "ndim outside 1..NDE_IDX_MAX_DIMS");
        return NDE_ERR_ARG;
    }
    for (i = 0; i < ndim; i++) {
        if (dims[i] < 0 || (unsigned long long)dims[i] > 0xFFFFFFFFull ||
            (dims[i] > 0 && count > (unsigned long long)(LONG_MAX / es) / (unsigned long long)dims[i])) {
            nde__msg(msg, "nde_idx_save: %s: dims[%d] = %ld is negative, above 2^32-1 or overflows", path, i, dims[i]);
            return NDE_ERR_ARG;
        }
        count *= (unsigned long long)dims[i];
    }
    if (count > 0 && !values) { nde__msg(msg, "nde_idx_save: %s: values is NULL", path); return NDE_ERR_ARG; }
    switch (type) {
    case NDE_IDX_U8: hi = 255; break;
    case NDE_IDX_I8: lo = -128; hi = 127; break;
    case NDE_IDX_I16: lo = -32768; hi = 32767; break;
    case NDE_IDX_I32: lo = -2147483648.0; hi = 2147483647.0; break;
    default: break;
    }
    for (k = 0; hi > lo && k < (long)count; k++) {
        v = values[k];
        if (!(v >= lo && v <= hi) || v != floor(v)) {
            nde__msg(msg, "nde_idx_save: %s: values[%ld] = %g is not a %s (an integer in [%g, %g])", path, k, v,
                     nde__idx_type_name(type), lo, hi);
            return NDE_ERR_ARG;
        }
    }
    head = 4 + 4 * (size_t)ndim;
    n = head + (size_t)count * (size_t)es;
    buf = (unsigned char *)NDE_MALLOC(n);
    if (!buf) { nde__msg(msg, "%s: out of memory", path); return NDE_ERR_NOMEM; }
    buf[0] = buf[1] = 0;
    buf[2] = (unsigned char)type;
    buf[3] = (unsigned char)ndim;
    for (i = 0; i < ndim; i++) nde__put_be(buf + 4 + 4 * i, (unsigned long long)dims[i], 4);
    for (k = 0, p = buf + head; k < (long)count; k++, p += es) {
        v = values[k];
        if (type == NDE_IDX_F32) {
            float f = (float)v;
            unsigned int b32;
            memcpy(&b32, &f, 4);
            bits = b32;
        } else if (type == NDE_IDX_F64) {
            memcpy(&bits, &v, 8);
        } else {
            bits = (unsigned long long)(long long)v; /* two's complement, cut to es bytes */
        }
        nde__put_be(p, bits, es);
    }
    rc = nde__file_write_atomic(path, buf, n, msg);
    NDE_FREE(buf);
    return rc;
}

/* L = mean_b logsumexp(z_b) - z_b[y_b]; dL/dz_bk = (softmax(z_b)_k - [k = y_b]) / B. */
NDEDEF double nde_softmax_ce(int B, int K, const double *logits, const int *labels, double *g, long *correct)
{
    double L = 0.0, m, s;
    long nc = 0;
    int b, k, am;
    for (b = 0; b < B; b++) {
        const double *z = logits + (size_t)b * K;
        if (labels[b] < 0 || labels[b] >= K) return NAN;
        for (am = 0, k = 1; k < K; k++)
            if (z[k] > z[am]) am = k;
        m = z[am];
        for (s = 0.0, k = 0; k < K; k++) s += exp(z[k] - m);
        L += m + log(s) - z[labels[b]];
        nc += am == labels[b];
        if (g)
            for (k = 0; k < K; k++) g[(size_t)b * K + k] = (exp(z[k] - m) / s - (k == labels[b])) / B;
    }
    if (correct) *correct = nc;
    return B > 0 ? L / B : 0.0;
}

NDEDEF double nde_accuracy(int B, int K, const double *logits, const int *labels)
{
    long nc = 0;
    int b, k, am;
    for (b = 0; b < B; b++) {
        const double *z = logits + (size_t)b * K;
        for (am = 0, k = 1; k < K; k++)
            if (z[k] > z[am]) am = k;
        nc += am == labels[b];
    }
    return B > 0 ? (double)nc / B : 0.0;
}

NDEDEF double nde_loss_classify(void *ctx, int N, int B, int D, const double *t, const double *y, double *g)
{
    nde_classifier *c = (nde_classifier *)ctx;
    const double *yT = y + (size_t)(N - 1) * B * D;
    double *logits, *gl, L;
    int K, b, rc;
    if (!c || !c->head || !c->labels || !c->head->params || c->head->in_dim != D || N < 1 || B < 1) {
        if (c) {
            c->status = NDE_ERR_ARG;
            nde__msg(c->msg, "nde_loss_classify: %s", !c->head || !c->head->params ? "the head is not built"
                     : !c->labels ? "labels is NULL" : c->head->in_dim != D ? "the head's in_dim is not the state's D"
                     : "N or B < 1");
        }
        return NAN;
    }
    K = c->head->out_dim;
    logits = (double *)NDE_MALLOC(2 * (size_t)B * K * sizeof(double));
    if (!logits) { c->status = NDE_ERR_NOMEM; nde__msg(c->msg, "nde_loss_classify: out of memory"); return NAN; }
    gl = logits + (size_t)B * K;
    rc = nde_mlp_forward(c->head, B, yT, t[N - 1], logits);
    L = rc == NDE_OK ? nde_softmax_ce(B, K, logits, c->labels, gl, &c->correct) : NAN;
    if (rc == NDE_OK && L != L) {
        for (b = 0; b < B && c->labels[b] >= 0 && c->labels[b] < K; b++) {}
        rc = NDE_ERR_ARG;
        nde__msg(c->msg, "nde_loss_classify: labels[%d] = %d is not a class in 0..%d", b, b < B ? c->labels[b] : 0, K - 1);
    } else if (rc != NDE_OK) {
        nde__msg(c->msg, "nde_loss_classify: the head's forward pass failed (%s)", nde_status_name(rc));
    }
    if (rc == NDE_OK && g) {
        memset(g, 0, (size_t)N * B * D * sizeof(double));
        rc = nde_mlp_vjp(c->head, B, yT, t[N - 1], gl, g + (size_t)(N - 1) * B * D, c->gparams, NULL);
        if (rc != NDE_OK) nde__msg(c->msg, "nde_loss_classify: the head's reverse pass failed (%s)", nde_status_name(rc));
    }
    NDE_FREE(logits);
    c->status = rc;
    if (rc == NDE_OK) c->msg[0] = 0;
    return rc == NDE_OK ? L : NAN;
}

#endif /* NEURALODE_IMPLEMENTATION_DONE */
#endif /* NEURALODE_IMPLEMENTATION */

/*
   ------------------------------------------------------------------------------
   MIT License

   Copyright (c) 2026 the neuralode.h developers

   Permission is hereby granted, free of charge, to any person obtaining a copy
   of this software and associated documentation files (the "Software"), to deal
   in the Software without restriction, including without limitation the rights
   to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
   copies of the Software, and to permit persons to whom the Software is
   furnished to do so, subject to the following conditions:

   The above copyright notice and this permission notice shall be included in
   all copies or substantial portions of the Software.

   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
   IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
   FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
   AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
   LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
   OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
   SOFTWARE.
   ------------------------------------------------------------------------------
*/
