#include "check.h"
#include <math.h>
#include <stdio.h>

int check_pass = 0, check_fail = 0;

static void report(const char *file, int line, const char *name, int ok, const char *detail)
{
    if (ok) check_pass++; else check_fail++;
    printf("%s %s: %s", ok ? "ok  " : "FAIL", name, detail);
    if (!ok) printf("   (%s:%d)", file, line);
    printf("\n");
}

void check_true(const char *file, int line, const char *name, int cond)
{
    report(file, line, name, cond != 0, cond ? "true" : "false");
}

void check_rel(const char *file, int line, const char *name, double got, double want, double tol)
{
    char d[160];
    double scale = fabs(want) > 1e-300 ? fabs(want) : 1e-300;
    double rel = fabs(got - want) / scale;
    snprintf(d, sizeof d, "got %.10g want %.10g rel %.2e <= %.1e", got, want, rel, tol);
    report(file, line, name, rel <= tol, d);
}

void check_abs(const char *file, int line, const char *name, double got, double want, double tol)
{
    char d[160];
    double diff = fabs(got - want);
    snprintf(d, sizeof d, "got %.10g want %.10g diff %.2e <= %.1e", got, want, diff, tol);
    report(file, line, name, diff <= tol, d);
}

void check_le(const char *file, int line, const char *name, double value, double bound)
{
    char d[160];
    snprintf(d, sizeof d, "%.4g <= %.4g", value, bound);
    report(file, line, name, value <= bound, d);
}

double max_rel_diff(int n, const double *a, const double *b, double floor)
{
    double m = 0;
    int i;
    for (i = 0; i < n; i++) {
        double s = fabs(b[i]) > floor ? fabs(b[i]) : floor;
        double r = fabs(a[i] - b[i]) / s;
        if (r != r) return INFINITY;
        if (r > m) m = r;
    }
    return m;
}

long read_file(const char *path, unsigned char *buf, long cap)
{
    FILE *f = fopen(path, "rb");
    long n;
    if (!f) return -1;
    n = (long)fread(buf, 1, (size_t)cap, f);
    fclose(f);
    return n;
}

void write_file(const char *path, const unsigned char *buf, long n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(buf, 1, (size_t)n, f);
    fclose(f);
}
