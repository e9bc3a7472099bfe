/* args.h: the strict command line every chapter shares.

   A chapter lists its options in a table and hands argv over once:

       int quick = 0, method = 0;
       unsigned long long seed = 0;
       const ch_opt opts[] = {
           {"--quick", CH_FLAG, &quick, NULL, 0, 0, "under 2 s, figures under build/quick/"},
           {"--seed", CH_U64, &seed, NULL, 0, 0, "random seed"},
           {"--method", CH_CHOICE, &method, "backprop|backsolve|interp", 0, 0, "gradient method"},
       };
       int rc = ch_args(argc, argv, opts, CH_NOPTS(opts));
       if (rc >= 0) return rc;            (2: a usage error, 0: --help was asked)

   Values come as "--seed 7" or "--seed=7". Unknown options, missing or
   malformed values (trailing characters, out of range, a sign on an
   unsigned, NaN) print what was wrong and the usage to stderr and give
   exit status 2; -h/--help prints the usage to stdout and gives 0. Numbers
   are checked against [lo, hi] when lo < hi. Only libc; every function is
   static. */
#ifndef CHAPTERS_ARGS_H
#define CHAPTERS_ARGS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
#define CH_FN static __attribute__((unused))
#else
#define CH_FN static
#endif

enum { CH_FLAG, CH_INT, CH_U64, CH_DOUBLE, CH_CHOICE };

typedef struct ch_opt {
    const char *name;    /* "--seed" */
    int kind;            /* CH_FLAG (int* set to 1), CH_INT (int*), CH_U64 (unsigned long long*),
                            CH_DOUBLE (double*), CH_CHOICE (int*: index into choices) */
    void *dst;
    const char *choices; /* CH_CHOICE: "a|b|c"; else NULL */
    double lo, hi;       /* accepted range of numbers when lo < hi */
    const char *help;
} ch_opt;

#define CH_NOPTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

CH_FN void ch_usage(FILE *f, const char *prog, const ch_opt *o, int n)
{
    int i;
    fprintf(f, "usage: %s", prog);
    for (i = 0; i < n; i++) {
        if (o[i].kind == CH_FLAG) fprintf(f, " [%s]", o[i].name);
        else fprintf(f, " [%s %s]", o[i].name, o[i].kind == CH_CHOICE ? o[i].choices : o[i].kind == CH_DOUBLE ? "X" : "N");
    }
    fprintf(f, "\n");
    for (i = 0; i < n; i++) fprintf(f, "  %-10s %s\n", o[i].name, o[i].help ? o[i].help : "");
}

/* Index of word in "a|b|c", or -1. */
CH_FN int ch_choice(const char *choices, const char *word)
{
    size_t len = strlen(word);
    int k = 0;
    const char *p = choices;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == len && strncmp(p, word, l) == 0) return k;
        k++;
        p = bar ? bar + 1 : NULL;
    }
    return -1;
}

/* Store the value text v of option o; returns 0, or 1 with why[] filled. */
CH_FN int ch_value(const ch_opt *o, const char *v, char *why, size_t cap)
{
    char *end = NULL;
    double x = 0.0;
    errno = 0;
    if (!*v) { snprintf(why, cap, "%s needs a value", o->name); return 1; }
    if (o->kind == CH_CHOICE) {
        int k = ch_choice(o->choices, v);
        if (k < 0) { snprintf(why, cap, "%s %s: expected one of %s", o->name, v, o->choices); return 1; }
        *(int *)o->dst = k;
        return 0;
    }
    if (o->kind == CH_U64) {
        unsigned long long u;
        if (strchr("+-", v[0]) || v[0] == ' ') { snprintf(why, cap, "%s %s: expected an unsigned integer", o->name, v); return 1; }
        u = strtoull(v, &end, 10);
        if (*end || errno == ERANGE) { snprintf(why, cap, "%s %s: expected an unsigned integer", o->name, v); return 1; }
        x = (double)u;
        if (o->lo < o->hi && (x < o->lo || x > o->hi)) goto range;
        *(unsigned long long *)o->dst = u;
        return 0;
    }
    if (o->kind == CH_INT) {
        long l = strtol(v, &end, 10);
        if (*end || errno == ERANGE || l < -2147483647L || l > 2147483647L) {
            snprintf(why, cap, "%s %s: expected an integer", o->name, v);
            return 1;
        }
        x = (double)l;
        if (o->lo < o->hi && (x < o->lo || x > o->hi)) goto range;
        *(int *)o->dst = (int)l;
        return 0;
    }
    x = strtod(v, &end);
    if (*end || errno == ERANGE || x != x || x - x != 0.0) {
        snprintf(why, cap, "%s %s: expected a finite number", o->name, v);
        return 1;
    }
    if (o->lo < o->hi && (x < o->lo || x > o->hi)) goto range;
    *(double *)o->dst = x;
    return 0;
range:
    snprintf(why, cap, "%s %s: out of range [%g, %g]", o->name, v, o->lo, o->hi);
    return 1;
}

/* Parse argv against the table: -1 to go on, else the exit status to return. */
CH_FN int ch_args(int argc, char **argv, const ch_opt *o, int n)
{
    char why[256];
    int i, k;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            ch_usage(stdout, argv[0], o, n);
            return 0;
        }
        for (k = 0; k < n && !(strlen(o[k].name) == len && strncmp(o[k].name, a, len) == 0); k++) {}
        if (k == n) {
            snprintf(why, sizeof why, "unknown option %s", a);
            goto bad;
        }
        if (o[k].kind == CH_FLAG) {
            if (eq) { snprintf(why, sizeof why, "%s takes no value", o[k].name); goto bad; }
            *(int *)o[k].dst = 1;
            continue;
        }
        if (!eq && i + 1 >= argc) { snprintf(why, sizeof why, "%s needs a value", o[k].name); goto bad; }
        if (ch_value(&o[k], eq ? eq + 1 : argv[++i], why, sizeof why)) goto bad;
    }
    return -1;
bad:
    fprintf(stderr, "%s: %s\n", argv[0], why);
    ch_usage(stderr, argv[0], o, n);
    return 2;
}

/* The common case, a chapter whose only option is --quick: ch_args_quick(argc, argv, &quick). */
CH_FN int ch_args_quick(int argc, char **argv, int *quick)
{
    ch_opt o[1];
    o[0].name = "--quick";
    o[0].kind = CH_FLAG;
    o[0].dst = quick;
    o[0].choices = NULL;
    o[0].lo = o[0].hi = 0.0;
    o[0].help = "a short run (under 2 s; figures under build/quick/)";
    return ch_args(argc, argv, o, 1);
}

#endif
