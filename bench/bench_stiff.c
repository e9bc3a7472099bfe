/* bench_stiff.c: benchmarks of the stiff solver and a work-precision table.
   BENCH lines:
     robertson_sdirk4 Robertson (k = 0.04, 3e7, 1e4) to t = 100 with sdirk4:
                      steps, evaluations, Jacobians, LU factorisations, time,
                      worst relative error against the Radau reference;
     wp_lv_<method>   Lotka-Volterra (the Julia report, 3.2) to t = 10 with
                      every adaptive method at rtol 1e-4 ... 1e-10 (atol =
                      rtol/1000): max error against ref_lv_y[9], steps,
                      evaluations, time per solve.
   Each solve is warmed up once, then repeated for 20 ms; times are per solve. */
#define _POSIX_C_SOURCE 199309L
#include "../neuralode.h"
#include "../tests/fixtures/refs.h"
#include "../tests/problems.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double bs_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e6 * (double)ts.tv_sec + 1e-3 * (double)ts.tv_nsec;
}

/* One untimed warm-up solve, then solves repeated for at least 20 ms and 3
   repetitions; returns microseconds per solve (the outputs and statistics of
   the last solve are left in y, st). */
static double bs_time(const nde_system *s, const double *y0, int N, const double *t, const nde_options *o,
                      double *y, nde_stats *st, int *status)
{
    double t0, el;
    long reps = 0;
    *status = nde_solve(s, 1, y0, N, t, o, y, st);
    t0 = bs_now_us();
    do {
        *status = nde_solve(s, 1, y0, N, t, o, y, st);
        reps++;
        el = bs_now_us() - t0;
    } while ((el < 20000.0 || reps < 3) && *status == NDE_OK);
    return el / (double)reps;
}

void bench_stiff(void)
{
    nde_system s;
    nde_options o;
    nde_stats st;
    int status, i, m;
    double us;
    /* Robertson to t = 100 */
    {
        double y0[3] = {1, 0, 0}, t[2] = {0.0, 100.0}, y[6], tol[3][2] = {{1e-5, 1e-10}, {1e-7, 1e-12}, {1e-8, 1e-14}};
        s = prob_rober();
        for (i = 0; i < 3; i++) {
            double err = 0.0;
            int c;
            memset(&o, 0, sizeof o);
            o.method = NDE_SDIRK4;
            o.rtol = tol[i][0];
            o.atol = tol[i][1];
            us = bs_time(&s, y0, 2, t, &o, y, &st, &status);
            for (c = 0; c < 3; c++) {
                double r = fabs(y[3 + c] - ref_rober_y[2][c]) / ref_rober_y[2][c];
                if (r > err) err = r;
            }
            printf("BENCH name=robertson_sdirk4 rtol=%.0e atol=%.0e status=%s steps=%ld rejected=%ld nfe=%ld "
                   "njac=%ld nlu=%ld newton=%ld time_us=%.1f max_rel_err=%.2e\n",
                   o.rtol, o.atol, nde_status_name(status), st.naccept, st.nreject, st.nfe, st.njac, st.nlu,
                   st.nnewton, us, err);
        }
    }
    /* work-precision on Lotka-Volterra to t = 10 */
    {
        double th[4];
        int methods[4] = {NDE_DOPRI5, NDE_TSIT5, NDE_BS32, NDE_SDIRK4};
        double t[2] = {0.0, 10.0}, y[4];
        memcpy(th, prob_lv_theta, sizeof th);
        s = prob_lv(th);
        for (m = 0; m < 4; m++) {
            printf("BENCH name=wp_lv_%s", nde_method_name(methods[m]));
            for (i = 4; i <= 10; i++) {
                double err;
                memset(&o, 0, sizeof o);
                o.method = methods[m];
                o.rtol = pow(10.0, -i);
                o.atol = 1e-3 * o.rtol;
                us = bs_time(&s, ref_lv_u0, 2, t, &o, y, &st, &status);
                err = fmax(fabs(y[2] - ref_lv_y[9][0]), fabs(y[3] - ref_lv_y[9][1]));
                if (status) printf(" rtol=1e-%02d:%s", i, nde_status_name(status));
                else printf(" rtol=1e-%02d:err=%.2e,steps=%ld,nfe=%ld,us=%.1f", i, err, st.naccept, st.nfe, us);
            }
            printf("\n");
        }
    }
}
