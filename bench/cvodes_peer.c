/* cvodes_peer.c - neuralode.h's dopri5 against CVODES on Lotka-Volterra, in one run.

   Optional (make bench-peer; needs Debian's libsundials-dev, SUNDIALS 6). Not part of
   make bench. Both solvers integrate dx/dt = alpha x - beta x y, dy/dt = delta x y - gamma y,
   (alpha, beta, delta, gamma) = (2/3, 4/3, 1, 1), u0 = (1, 1), from t = 0 to 10 at
   rtol 1e-8, atol 1e-10; the error is the max over both components against the reference
   fixture (tests/fixtures/refs.h). CVODES runs Adams with its default Newton iteration and a
   dense direct linear solver, Jacobian by its difference quotients (nfe counts the right-
   hand side calls of both). Time: best of 5 repeats of many solves; for CVODES each solve
   is CVodeReInit + CVode (its setup is left out, which favours it); for ours each solve
   is one nde_solve call, allocation included.

   Prints "BENCH name=lv_dopri5_vs_cvodes ..." plus '#' comment lines. */
#define _POSIX_C_SOURCE 199309L
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include "tests/fixtures/refs.h"

#include <cvodes/cvodes.h>
#include <nvector/nvector_serial.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define REPEATS 5
#define REPS 1000

static volatile double sink;

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ours: the right-hand side as an nde_system callback */
static int lv_f(void *ctx, double t, int B, const double *y, const double *th, double *dydt)
{
    (void)ctx; (void)t; (void)B;
    dydt[0] = th[0] * y[0] - th[1] * y[0] * y[1];
    dydt[1] = th[2] * y[0] * y[1] - th[3] * y[1];
    return 0;
}

/* CVODES: the same right-hand side on an N_Vector */
static int lv_cv(realtype t, N_Vector y, N_Vector ydot, void *user)
{
    const double *th = (const double *)user, *u = N_VGetArrayPointer(y);
    double *du = N_VGetArrayPointer(ydot);
    (void)t;
    du[0] = th[0] * u[0] - th[1] * u[0] * u[1];
    du[1] = th[2] * u[0] * u[1] - th[3] * u[1];
    return 0;
}

int main(void)
{
    double p[4], tt[2] = {0.0, 10.0}, y[4], best_nde = 1e30, best_cv = 1e30, err_nde, err_cv, t0, tret;
    long nsteps = 0, nfe = 0, nfels = 0;
    nde_system sys;
    nde_options opt;
    nde_stats st;
    SUNContext sctx;
    N_Vector u;
    SUNMatrix A;
    SUNLinearSolver LS;
    void *cv;
    int k, i, flag = 0;
    memcpy(p, ref_lv_p, sizeof p);

    /* ours */
    memset(&sys, 0, sizeof sys);
    sys.dim = 2;
    sys.nparams = 4;
    sys.params = p;
    sys.f = lv_f;
    memset(&opt, 0, sizeof opt);
    opt.rtol = 1e-8;
    opt.atol = 1e-10;
    if (nde_solve(&sys, 1, ref_lv_u0, 2, tt, &opt, y, &st) != NDE_OK) { printf("# nde_solve: %s\n", st.msg); return 1; }
    err_nde = fmax(fabs(y[2] - ref_lv_y[9][0]), fabs(y[3] - ref_lv_y[9][1]));

    /* CVODES: Adams-Moulton, Newton iteration, dense direct solver */
    if (SUNContext_Create(NULL, &sctx)) { printf("# SUNContext_Create failed\n"); return 1; }
    u = N_VNew_Serial(2, sctx);
    N_VGetArrayPointer(u)[0] = ref_lv_u0[0];
    N_VGetArrayPointer(u)[1] = ref_lv_u0[1];
    cv = CVodeCreate(CV_ADAMS, sctx);
    A = SUNDenseMatrix(2, 2, sctx);
    LS = SUNLinSol_Dense(u, A, sctx);
    if (!cv || !A || !LS || CVodeInit(cv, lv_cv, 0.0, u) || CVodeSStolerances(cv, 1e-8, 1e-10) ||
        CVodeSetUserData(cv, p) || CVodeSetLinearSolver(cv, LS, A) || CVodeSetMaxNumSteps(cv, 100000)) {
        printf("# CVODES setup failed\n");
        return 1;
    }
    flag = CVode(cv, 10.0, u, &tret, CV_NORMAL);
    CVodeGetNumSteps(cv, &nsteps);
    CVodeGetNumRhsEvals(cv, &nfe);
    CVodeGetNumLinRhsEvals(cv, &nfels);
    err_cv = fmax(fabs(N_VGetArrayPointer(u)[0] - ref_lv_y[9][0]), fabs(N_VGetArrayPointer(u)[1] - ref_lv_y[9][1]));
    if (flag < 0) { printf("# CVode failed: flag %d\n", flag); return 1; }

    for (k = 0; k < REPEATS; k++) {   /* interleaved repeats */
        t0 = wall_now();
        for (i = 0; i < REPS; i++) nde_solve(&sys, 1, ref_lv_u0, 2, tt, &opt, y, NULL);
        best_nde = fmin(best_nde, (wall_now() - t0) / REPS);
        sink += y[2];
        t0 = wall_now();
        for (i = 0; i < REPS; i++) {
            N_VGetArrayPointer(u)[0] = ref_lv_u0[0];
            N_VGetArrayPointer(u)[1] = ref_lv_u0[1];
            CVodeReInit(cv, 0.0, u);
            CVode(cv, 10.0, u, &tret, CV_NORMAL);
        }
        best_cv = fmin(best_cv, (wall_now() - t0) / REPS);
        sink += N_VGetArrayPointer(u)[0];
    }
    printf("# CVODES (SUNDIALS %s) Adams/Newton, dense linear solver, difference-quotient Jacobian; the issue quoted ~160 us, "
           "170 evaluations, max error 1.7e-7\n", SUNDIALS_VERSION);
    printf("BENCH name=lv_cvodes us_per_solve=%.2f steps=%ld nfe=%ld max_err=%.2e\n",
           1e6 * best_cv, nsteps, nfe + nfels, err_cv);
    printf("BENCH name=lv_dopri5_vs_cvodes us_per_solve=%.2f steps=%ld nfe=%ld max_err=%.2e ratio_vs_cvodes=%.1f "
           "error_ratio=%.2g\n", 1e6 * best_nde, st.naccept, st.nfe, err_nde, best_cv / best_nde, err_nde / err_cv);
    CVodeFree(&cv);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    N_VDestroy(u);
    SUNContext_Free(&sctx);
    return 0;
}
