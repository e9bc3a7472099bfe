/* check.h: the test harness. Every check prints one line with the measured
   value and the bound, and counts itself; test_main prints the totals. */
#ifndef CHECK_H
#define CHECK_H

extern int check_pass, check_fail;

/* name: condition holds. */
void check_true(const char *file, int line, const char *name, int cond);
/* name: |got - want| <= tol * max(|want|, floor) (relative; floor 1e-300). */
void check_rel(const char *file, int line, const char *name, double got, double want, double tol);
/* name: |got - want| <= tol. */
void check_abs(const char *file, int line, const char *name, double got, double want, double tol);
/* name: value <= bound (value NaN fails). */
void check_le(const char *file, int line, const char *name, double value, double bound);

#define CHECK(name, cond) check_true(__FILE__, __LINE__, name, (cond))
#define CHECK_REL(name, got, want, tol) check_rel(__FILE__, __LINE__, name, got, want, tol)
#define CHECK_ABS(name, got, want, tol) check_abs(__FILE__, __LINE__, name, got, want, tol)
#define CHECK_LE(name, value, bound) check_le(__FILE__, __LINE__, name, value, bound)

/* Whole-file helpers of the file tests: read up to cap bytes (-1 when it cannot be
   opened), write n bytes (silently nothing when it cannot be created). */
long read_file(const char *path, unsigned char *buf, long cap);
void write_file(const char *path, const unsigned char *buf, long n);

/* Largest relative difference max_i |a_i - b_i| / max(|b_i|, floor). */
double max_rel_diff(int n, const double *a, const double *b, double floor);

#endif
