/* Two threads at once (make check builds this with ThreadSanitizer): each
   solves and differentiates its own Neural ODE (own nde_mlp, own buffers)
   and the results must equal, bit for bit, the same work done serially;
   then two threads save one model path 20 times each while a third loads
   it: every load must find a complete model (issue 13, defect 2). The
   library keeps no global state, so nothing here needs a lock. */
#define _POSIX_C_SOURCE 200809L
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TC_N 6
#define TC_ROUNDS 20

typedef struct tc_job {
    int seed, method, gmethod;
    double yout[TC_N * 2], L, gth[200], gy0[2];
    int rc;
} tc_job;

static int tc_net(nde_mlp *m, int seed)
{
    int w[3] = {2, 16, 2};
    nde_rng r;
    int rc = nde_mlp_dense(m, 3, w, NDE_ACT_TANH, NDE_INPUT_CUBE, NULL);
    nde_rng_seed(&r, (unsigned long long)seed);
    if (rc == NDE_OK) nde_mlp_init_glorot(m, &r);
    return rc;
}

static void *tc_work(void *arg)
{
    tc_job *j = (tc_job *)arg;
    nde_mlp m;
    nde_system sys;
    nde_options o;
    nde_grad_options go;
    nde_loss loss;
    nde_target tg;
    double y0[2] = {2.0, 0.0}, t[TC_N], target[TC_N * 2];
    int i;
    memset(&o, 0, sizeof o);
    memset(&go, 0, sizeof go);
    o.method = j->method;
    go.method = j->gmethod;
    j->rc = tc_net(&m, j->seed);
    if (j->rc) return NULL;
    nde_mlp_system(&m, &sys, NULL);
    nde_linspace(TC_N, 0.0, 1.0, t);
    for (i = 0; i < TC_N * 2; i++) target[i] = 0.1 * i;
    tg.y = target;
    tg.w = NULL;
    loss.point = nde_loss_mse;
    loss.running = NULL;
    loss.ctx = &tg;
    j->rc = nde_solve(&sys, 1, y0, TC_N, t, &o, j->yout, NULL);
    if (!j->rc) j->rc = nde_grad(&sys, 1, y0, TC_N, t, &o, &go, &loss, &j->L, NULL, j->gth, j->gy0, NULL);
    nde_mlp_free(&m);
    return NULL;
}

static const char *tc_path;
static int tc_save_fail[3], tc_load_fail, tc_loads; /* tc_save_fail[seed]: one counter per writer */

static void *tc_saver(void *arg)
{
    nde_mlp m;
    int k, seed = *(int *)arg;
    tc_net(&m, seed);
    for (k = 0; k < TC_ROUNDS; k++)
        if (nde_mlp_save(&m, tc_path, NULL) != NDE_OK) tc_save_fail[seed]++;
    nde_mlp_free(&m);
    return NULL;
}

static void *tc_loader(void *arg)
{
    int k;
    (void)arg;
    for (k = 0; k < 4 * TC_ROUNDS; k++) {
        nde_mlp c;
        char msg[NDE_MSG_LEN];
        memset(&c, 0, sizeof c);
        if (nde_mlp_load_new(&c, tc_path, msg) != NDE_OK) { tc_load_fail++; fprintf(stderr, "load: %s\n", msg); }
        else nde_mlp_free(&c);
        tc_loads++;
    }
    return NULL;
}

int main(void)
{
    static tc_job serial[2], par[2];
    pthread_t th[3];
    int i, bad = 0, s0 = 1, s1 = 2;
    char path[600];
    const char *env = getenv("TMPDIR");
    int methods[2][2] = {{NDE_DOPRI5, NDE_GRAD_BACKPROP}, {NDE_SDIRK4, NDE_GRAD_INTERP}};
    for (i = 0; i < 2; i++) {
        serial[i].seed = par[i].seed = 10 + i;
        serial[i].method = par[i].method = methods[i][0];
        serial[i].gmethod = par[i].gmethod = methods[i][1];
        tc_work(&serial[i]);
    }
    for (i = 0; i < 2; i++) pthread_create(&th[i], NULL, tc_work, &par[i]);
    for (i = 0; i < 2; i++) pthread_join(th[i], NULL);
    for (i = 0; i < 2; i++) {
        int same = serial[i].rc == 0 && par[i].rc == 0 && memcmp(serial[i].yout, par[i].yout, sizeof par[i].yout) == 0 &&
                   memcmp(&serial[i].L, &par[i].L, sizeof(double)) == 0 &&
                   memcmp(serial[i].gth, par[i].gth, sizeof par[i].gth) == 0 &&
                   memcmp(serial[i].gy0, par[i].gy0, sizeof par[i].gy0) == 0;
        printf("%s thread %d (%s, gradient method %d): solve and gradient bit-identical to the serial run\n",
               same ? "ok  " : "FAIL", i, nde_method_name(par[i].method), par[i].gmethod);
        bad += !same;
    }
    snprintf(path, sizeof path, "%s/nde_thread_check_model.bin", env && env[0] ? env : "/tmp");
    tc_path = path;
    tc_saver(&s0); /* a model exists before the loader starts */
    pthread_create(&th[0], NULL, tc_saver, &s0);
    pthread_create(&th[1], NULL, tc_saver, &s1);
    pthread_create(&th[2], NULL, tc_loader, NULL);
    for (i = 0; i < 3; i++) pthread_join(th[i], NULL);
    i = tc_save_fail[1] + tc_save_fail[2];
    printf("%s two writers x %d saves of one path, %d concurrent loads: %d saves and %d loads failed\n",
           i + tc_load_fail ? "FAIL" : "ok  ", TC_ROUNDS, tc_loads, i, tc_load_fail);
    bad += i + tc_load_fail > 0;
    remove(path);
    return bad != 0;
}
