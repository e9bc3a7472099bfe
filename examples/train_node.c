/* train_node.c - train a Neural ODE dy/dt = NN(y) on one trajectory of a
   damped oscillator, with nde_train (gradient, Adam step, progress line).
   Build: make build/ex_train_node */
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#include <math.h>
#include <stdio.h>

#define N 41 /* observation times on [0, 4] */

static void print_line(void *ctx, const char *line) { (void)ctx; printf("  %s\n", line); }

int main(void)
{
    double t[N], truth[N * 2], model[N * 2], y0[2] = {1.0, 0.0};
    int widths[3] = {2, 16, 2}, i;
    nde_mlp net;
    nde_system sys;
    nde_rng rng;
    nde_optim adam;
    nde_progress progress;
    nde_train_options to = {0};
    nde_train_stats ts;
    nde_target target = {truth, NULL};
    nde_loss loss = {nde_loss_mse, NULL, &target};
    /* 1. data: the exact solution of y' = A y, A = [[-0.1, 1], [-1, -0.1]] (a damped rotation) */
    nde_linspace(N, 0.0, 4.0, t);
    truth[0] = y0[0];
    truth[1] = y0[1];
    for (i = 1; i < N; i++) { /* exp(tA) y0 */
        double e = exp(-0.1 * t[i]);
        truth[2 * i] = e * cos(t[i]);
        truth[2 * i + 1] = -e * sin(t[i]);
    }
    /* 2. model: 2-16-2 tanh, Glorot weights from seed 0 */
    nde_rng_seed(&rng, 0);
    nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, 0, NULL);
    nde_mlp_init_glorot(&net, &rng);
    nde_mlp_system(&net, &sys, NULL);
    /* 3. train: 500 Adam steps, gradient by backprop through dopri5 */
    nde_optim_init(&adam, NDE_OPT_ADAM, net.nparams, 1e-2, NULL);
    nde_progress_init(&progress, 100, print_line, NULL);
    to.iters = 500;
    to.progress = &progress;
    to.keep_best = 1;
    if (nde_train(&sys, 1, y0, N, t, NULL, NULL, &loss, &adam, &to, &ts) != NDE_OK) {
        printf("training failed: %s\n", ts.msg);
        return 1;
    }
    /* 4. measure */
    nde_solve(&sys, 1, y0, N, t, NULL, model, NULL);
    printf("MSE on [0, 4]: %.3e at the start, %.3e after training (best step %d)\n", ts.loss_first,
           nde_mse(2 * N, model, truth), ts.best_iter);
    nde_optim_free(&adam);
    nde_mlp_free(&net);
    return ts.loss_best < 0.1 * ts.loss_first ? 0 : 1;
}
