/* fit_csv.c - fit a Neural ODE dy/dt = NN(y, t) to your own time series.

   build/ex_fit_csv data.csv [--time-column t] [--split-column id] [--hidden 64] [--iters N]
                    [--lr 0.01] [--seed 0] [--method backprop|backsolve|interp]
                    [--autonomous] [--extrapolate T] [--save model.nde] [--out DIR]

   The table (read by nde_csv_read: comma, semicolon, tab or blank separated, an optional
   header row, '#' comments) holds one column of times and one column per state variable.
   The time column is --time-column (a name or a 1-based number), else the column called
   "t" or "time", else the first. With --split-column the rows form several trajectories,
   one per run of equal values in that column, all at the same times (one batch).

   What it does: scales each state column to mean 0 and standard deviation 1 (the network
   sees numbers of order one whatever your units), fits dz/dt = NN(z, t) (a D+1 - H - D tanh
   network; --autonomous drops t) from the first row of each trajectory through all of its
   times by Adam on the mean squared error, printing a progress line every tenth of the run
   (iteration, loss, evaluations, ms), and keeps the parameters of the lowest loss. Then:
     DIR/STEM_fit.png           the data (markers) and the model (lines), one colour per column
     DIR/STEM_extrapolation.png the model run on to t = T (default: twice the data's span)
     (each with .dat + .gp for gnuplot), DIR = the data's directory, STEM = its name;
     model.nde (default DIR/STEM_model.nde): the network (nde_mlp_load_new reads it), and
     model.nde.scale.csv: the mean and standard deviation of each column (y = mean + std z).

   Without arguments it is a quick demo (60 iterations) on examples/data/lotka_volterra_noisy.csv,
   chapter 04's noisy predator-prey data, writing into build/fit_csv_demo/; make test runs it.
   Exit status: 0 when the training ran and lowered the loss, 1 otherwise, 2 on a usage error. */
#define NEURALODE_IMPLEMENTATION
#include "neuralode.h"
#define NDEPLOT_IMPLEMENTATION
#include "ndeplot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NPLOT 400   /* points of each model curve */

typedef struct args {
    const char *path, *time_col, *split_col, *save, *out, *method;
    int hidden, iters, seed, autonomous;
    double lr, extrapolate;   /* extrapolate: end time T, 0 = twice the span */
} args;

/* The table cut into B trajectories of N times and D states (z scaled, as trained). */
typedef struct series {
    int B, N, D;
    double *t;            /* (N) times */
    double *z;            /* (N,B,D) scaled states: z = (y - mean) / sd */
    double *mean, *sd;    /* (D) per state column */
    const char **names;   /* (D) state column names */
    char name_buf[16][8]; /* "y1".."y16" when the table has no header */
} series;

static void usage(void)
{
    fprintf(stderr, "usage: build/ex_fit_csv data.csv [--time-column t] [--split-column id] [--hidden 64]\n"
                    "         [--iters N] [--lr 0.01] [--seed 0] [--method backprop|backsolve|interp]\n"
                    "         [--autonomous] [--extrapolate T] [--save model.nde] [--out DIR]\n");
}

static int number(const char *opt, const char *s, double lo, double hi, double *x)
{
    char *end;
    *x = s ? strtod(s, &end) : 0;
    if (!s || end == s || *end || !(*x >= lo && *x <= hi)) {
        fprintf(stderr, "fit_csv: %s needs a number in [%g, %g], got '%s'\n", opt, lo, hi, s ? s : "(nothing)");
        return 0;
    }
    return 1;
}

/* Read the command line into a; returns 0 on a usage error (after saying which). */
static int parse_args(int argc, char **argv, args *a)
{
    char word[48];
    int i;
    double x;
    memset(a, 0, sizeof *a);
    a->hidden = 64;
    a->iters = 1000;
    a->lr = 1e-2;
    a->method = "backprop";
    if (argc == 1) {   /* the demo */
        a->path = "examples/data/lotka_volterra_noisy.csv";
        a->iters = 60;
        a->out = "build/fit_csv_demo";
        return 1;
    }
    for (i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (o[0] != '-') { if (a->path) { fprintf(stderr, "fit_csv: two data files: %s and %s\n", a->path, o); return 0; } a->path = o; continue; }
        if (!strcmp(o, "--autonomous")) { a->autonomous = 1; continue; }
        snprintf(word, sizeof word, " %.40s ", o);
        if (!strstr(" --time-column --split-column --save --out --method --hidden --iters --seed --lr --extrapolate ", word)) {
            fprintf(stderr, "fit_csv: unknown option %s\n", o);
            return 0;
        }
        if (!v) { fprintf(stderr, "fit_csv: %s needs a value\n", o); return 0; }
        i++;
        if (!strcmp(o, "--time-column")) a->time_col = v;
        else if (!strcmp(o, "--split-column")) a->split_col = v;
        else if (!strcmp(o, "--save")) a->save = v;
        else if (!strcmp(o, "--out")) a->out = v;
        else if (!strcmp(o, "--method")) a->method = v;
        else if (!strcmp(o, "--hidden")) { if (!number(o, v, 1, 4096, &x)) return 0; a->hidden = (int)x; }
        else if (!strcmp(o, "--iters")) { if (!number(o, v, 1, 1e7, &x)) return 0; a->iters = (int)x; }
        else if (!strcmp(o, "--seed")) { if (!number(o, v, 0, 1e9, &x)) return 0; a->seed = (int)x; }
        else if (!strcmp(o, "--lr")) { if (!number(o, v, 1e-12, 10, &x)) return 0; a->lr = x; }
        else { if (!number(o, v, -1e300, 1e300, &x)) return 0; a->extrapolate = x; }   /* --extrapolate */
    }
    if (!a->path) { fprintf(stderr, "fit_csv: no data file given\n"); return 0; }
    if (strcmp(a->method, "backprop") && strcmp(a->method, "backsolve") && strcmp(a->method, "interp")) {
        fprintf(stderr, "fit_csv: --method %s: use backprop, backsolve or interp\n", a->method);
        return 0;
    }
    return 1;
}

/* Column index of --time-column / --split-column spec (NULL: fallback), or -1 with a message. */
static int find_column(const nde_csv *c, const char *spec, const char *opt, int fallback)
{
    int k = spec ? nde_csv_column(c, spec) : fallback;
    if (k < 0) fprintf(stderr, "fit_csv: %s %s: no such column (the table has %d)\n", opt, spec, c->cols);
    return k;
}

/* Cut the table into trajectories at changes of column split (-1: one trajectory), check
   that they share the times of column tc, and scale the other columns into s. */
static int load_series(const nde_csv *c, int tc, int split, series *s)
{
    int r, b, d, k, n;
    memset(s, 0, sizeof *s);
    s->D = c->cols - 1 - (split >= 0);
    if (s->D < 1 || s->D > 16) { fprintf(stderr, "fit_csv: %d state columns; 1 to 16 are supported\n", s->D); return 0; }
    s->B = 1;
    for (r = 1; split >= 0 && r < c->rows; r++) s->B += c->data[r * c->cols + split] != c->data[(r - 1) * c->cols + split];
    s->N = c->rows / s->B;
    if (s->N * s->B != c->rows || s->N < 2) {
        fprintf(stderr, "fit_csv: %d rows in %d trajectories: each needs the same number (>= 2) of times\n", c->rows, s->B);
        return 0;
    }
    s->t = (double *)malloc(sizeof(double) * s->N);
    s->z = (double *)malloc(sizeof(double) * s->N * s->B * s->D);
    s->mean = (double *)calloc(2 * s->D, sizeof(double));
    s->names = (const char **)malloc(sizeof(char *) * s->D);
    if (!s->t || !s->z || !s->mean || !s->names) { fprintf(stderr, "fit_csv: out of memory\n"); return 0; }
    s->sd = s->mean + s->D;
    for (k = 0, d = 0; k < c->cols; k++) {
        if (k == tc || k == split) continue;
        if (c->names) s->names[d] = c->names[k];
        else { sprintf(s->name_buf[d], "y%d", d + 1); s->names[d] = s->name_buf[d]; }
        for (b = 0; b < s->B; b++)
            for (n = 0; n < s->N; n++) {
                int row = b * s->N + n;
                double t = c->data[row * c->cols + tc];
                if (b == 0) s->t[n] = t;
                if (t != s->t[n] || (n > 0 && !(t > s->t[n - 1]))) {
                    fprintf(stderr, "fit_csv: data row %d: time %g %s\n", row + 1, t,
                            t != s->t[n] ? "differs from the first trajectory's at the same index" : "does not increase");
                    return 0;
                }
                s->z[(n * s->B + b) * s->D + d] = c->data[row * c->cols + k];
            }
        d++;
    }
    for (d = 0; d < s->D; d++) {   /* z = (y - mean) / sd, over every row */
        double m = 0, v = 0;
        for (k = 0; k < s->N * s->B; k++) m += s->z[k * s->D + d];
        m /= s->N * s->B;
        for (k = 0; k < s->N * s->B; k++) v += (s->z[k * s->D + d] - m) * (s->z[k * s->D + d] - m);
        s->mean[d] = m;
        s->sd[d] = v > 0 ? sqrt(v / (s->N * s->B)) : 1.0;
        for (k = 0; k < s->N * s->B; k++) s->z[k * s->D + d] = (s->z[k * s->D + d] - m) / s->sd[d];
    }
    return 1;
}

static void print_line(void *ctx, const char *line)
{
    (void)ctx;
    printf("  %s\n", line);
}

/* Fit sys->params to the series by nde_train (Adam, keep the best); fills ts. */
static int train(const nde_system *sys, const series *s, const args *a, nde_train_stats *ts)
{
    nde_target target;
    nde_loss loss = {nde_loss_mse, NULL, NULL};
    nde_grad_options gopt;
    nde_train_options to;
    nde_progress pr;
    nde_optim adam;
    int rc;
    memset(&gopt, 0, sizeof gopt);
    gopt.method = !strcmp(a->method, "backsolve") ? NDE_GRAD_BACKSOLVE : !strcmp(a->method, "interp") ? NDE_GRAD_INTERP
                                                                                                      : NDE_GRAD_BACKPROP;
    target.y = s->z;
    target.w = NULL;
    loss.ctx = &target;
    memset(&to, 0, sizeof to);
    nde_progress_init(&pr, a->iters >= 10 ? a->iters / 10 : 1, print_line, NULL);
    to.iters = a->iters;
    to.keep_best = 1;
    to.progress = &pr;
    rc = nde_optim_init(&adam, NDE_OPT_ADAM, sys->nparams, a->lr, ts->msg);
    if (rc == NDE_OK) rc = nde_train(sys, s->B, s->z, s->N, s->t, NULL, &gopt, &loss, &adam, &to, ts);
    if (rc != NDE_OK) fprintf(stderr, "fit_csv: training failed: %s: %s\n", nde_status_name(rc), ts->msg);
    nde_optim_free(&adam);
    return rc == NDE_OK;
}

/* One figure: the data (markers) and the model from the first rows solved through
   NPLOT times on [t0, t1] (lines), every column its own colour and marker, in units. */
static int draw(const nde_system *sys, const series *s, double t1, const char *title, const char *dir,
                const char *name)
{
    double *tp = (double *)malloc(sizeof(double) * NPLOT), *zp = (double *)malloc(sizeof(double) * NPLOT * s->B * s->D);
    double *yd = (double *)malloc(sizeof(double) * s->N * s->B * s->D);
    char msg[NDP_MSG_LEN], label[NDP_TEXT_LEN];
    ndp_figure *fig = ndp_figure_create(1200, 650, 1, 1, msg);
    ndp_panel *p = ndp_panel_at(fig, 0, 0);
    nde_stats st;
    int b, d, k, rc = 0;
    if (!tp || !zp || !yd || !fig) { fprintf(stderr, "fit_csv: %s\n", fig ? "out of memory" : msg); rc = 1; goto done; }
    nde_linspace(NPLOT, s->t[0], t1, tp);
    if (nde_solve(sys, s->B, s->z, NPLOT, tp, NULL, zp, &st) != NDE_OK) {
        fprintf(stderr, "fit_csv: the model cannot be solved to t = %g: %s\n", t1, st.msg);
        rc = 1;
        goto done;
    }
    for (k = 0; k < NPLOT * s->B * s->D; k++) zp[k] = s->mean[k % s->D] + s->sd[k % s->D] * zp[k];
    for (k = 0; k < s->N * s->B * s->D; k++) yd[k] = s->mean[k % s->D] + s->sd[k % s->D] * s->z[k];
    for (d = 0; d < s->D; d++) {
        ndp_style line = ndp_paired(d, NDP_ROLE_MODEL), dots = ndp_paired(d, NDP_ROLE_DATA);
        for (b = 0; b < s->B; b++) {
            snprintf(label, sizeof label, "%s data", s->names[d]);
            ndp_scatter_strided(p, s->t, 1, yd + b * s->D + d, s->B * s->D, s->N, b ? NULL : label, &dots);
            snprintf(label, sizeof label, "%s model", s->names[d]);
            ndp_line_strided(p, tp, 1, zp + b * s->D + d, s->B * s->D, NPLOT, b ? NULL : label, &line);
        }
    }
    ndp_title(p, title);
    ndp_xlabel(p, "t");
    ndp_ylabel(p, "value (the table's units)");
    ndp_legend(p, NDP_LEGEND_OUTSIDE);
    rc = ndp_finish(fig, dir, name, msg) != NDP_OK;
    fig = NULL;
    printf("%s\n", msg);
done:
    ndp_figure_free(fig);
    free(tp);
    free(zp);
    free(yd);
    return rc;
}

int main(int argc, char **argv)
{
    args a;
    nde_csv table;
    series s;
    nde_mlp net;
    nde_system sys;
    nde_rng rng;
    nde_train_stats ts;
    char msg[NDE_MSG_LEN], dir[1024], stem[256], name[300], model[1400], scale[1500], title[200];
    const char *slash, *dot;
    int widths[3], tc, split = -1, ok = 0;
    double t1;
    clock_t c0;

    /* 1. The data: the table, its time column, its trajectories, scaled. */
    memset(&table, 0, sizeof table);
    memset(&s, 0, sizeof s);
    memset(&net, 0, sizeof net);
    if (!parse_args(argc, argv, &a)) { usage(); return 2; }
    if (nde_csv_read(a.path, 0, &table, msg) != NDE_OK) { fprintf(stderr, "fit_csv: %s\n", msg); return 1; }
    tc = find_column(&table, a.time_col, "--time-column",
                     nde_csv_column(&table, "t") >= 0 ? nde_csv_column(&table, "t")
                     : nde_csv_column(&table, "time") >= 0 ? nde_csv_column(&table, "time") : 0);
    if (a.split_col) split = find_column(&table, a.split_col, "--split-column", -1);
    if (tc < 0 || (a.split_col && split < 0) || split == tc || !load_series(&table, tc, split, &s)) {
        if (split == tc && tc >= 0) fprintf(stderr, "fit_csv: the time and split columns are the same\n");
        goto done;
    }
    slash = strrchr(a.path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - a.path) : 1, slash ? a.path : ".");
    snprintf(stem, sizeof stem, "%s", slash ? slash + 1 : a.path);
    if ((dot = strrchr(stem, '.')) != NULL) stem[dot - stem] = 0;
    if (a.out) snprintf(dir, sizeof dir, "%s", a.out);
    printf("%s%s: %d trajectory(ies) x %d times on [%g, %g], %d state column(s), time column %d%s\n",
           a.path, argc == 1 ? " (demo: 60 iterations; see the top of examples/fit_csv.c)" : "", s.B, s.N, s.t[0],
           s.t[s.N - 1], s.D, tc + 1, table.names ? " (from the header)" : "");

    /* 2. The model: dz/dt = NN(z, t), (D+1)-H-D tanh, Glorot weights from the seed. */
    widths[0] = s.D;
    widths[1] = a.hidden;
    widths[2] = s.D;
    nde_rng_seed(&rng, (unsigned long long)a.seed);
    if (nde_mlp_dense(&net, 3, widths, NDE_ACT_TANH, a.autonomous ? 0 : NDE_INPUT_TIME, msg) ||
        nde_mlp_system(&net, &sys, msg)) {
        fprintf(stderr, "fit_csv: %s\n", msg);
        goto done;
    }
    nde_mlp_init_glorot(&net, &rng);
    printf("model dz/dt = NN(z%s): %d-%d-%d tanh, %ld parameters; Adam lr %g, %d iterations, gradient by %s\n",
           a.autonomous ? "" : ", t", s.D + !a.autonomous, a.hidden, s.D, net.nparams, a.lr, a.iters, a.method);

    /* 3. Train. */
    c0 = clock();
    if (!train(&sys, &s, &a, &ts)) goto done;
    printf("loss (scaled MSE) %.4g at the start, %.4g at its lowest (iteration %d); %ld evaluations, %.2f s CPU\n",
           ts.loss_first, ts.loss_best, ts.best_iter, ts.nfe, (double)(clock() - c0) / CLOCKS_PER_SEC);

    /* 4. Draw the fit and the extrapolation; save the model and its scales. */
    t1 = a.extrapolate != 0 ? a.extrapolate : s.t[0] + 2 * (s.t[s.N - 1] - s.t[0]);
    snprintf(name, sizeof name, "%s_fit", stem);
    snprintf(title, sizeof title, "%.80s: data and Neural ODE fit", stem);
    ok = !draw(&sys, &s, s.t[s.N - 1], title, dir, name);
    snprintf(name, sizeof name, "%s_extrapolation", stem);
    snprintf(title, sizeof title, "%.80s: the model run on to t = %g", stem, t1);
    ok = !draw(&sys, &s, t1, title, dir, name) && ok;
    if (a.save) snprintf(model, sizeof model, "%s", a.save);
    else snprintf(model, sizeof model, "%s/%s_model.nde", dir, stem);
    snprintf(scale, sizeof scale, "%s.scale.csv", model);
    if (nde_mlp_save(&net, model, msg) != NDE_OK ||   /* s.mean, s.sd: one (2,D) block */
        nde_csv_write(scale, 2, s.D, s.mean, s.names, "rows: mean, standard deviation; y = mean + sd * z", msg) != NDE_OK) {
        fprintf(stderr, "fit_csv: %s\n", msg);
        ok = 0;
    } else printf("wrote %s and %s\n", model, scale);
    ok = ok && ts.loss_best < ts.loss_first;
    printf("fit_csv: %s\n", ok ? "done" : "the loss did not decrease, or a file was not written");
done:
    nde_mlp_free(&net);
    nde_csv_free(&table);
    free(s.t);
    free(s.z);
    free(s.mean);
    free(s.names);
    return ok ? 0 : 1;
}
