/* The test runner: every area's tests, then the totals. */
#include "check.h"
#include <stdio.h>

void test_solvers(void);
void test_grad(void);
void test_mlp(void);
void test_train(void);
void test_stiff(void);
void test_plot(void);
void test_cnf(void);
void test_tour(void);
void test_dropout(void);
void test_harden(void);
void test_badinput(void);
void test_augment(void);
void test_kernels(void);
void test_csv(void);
void test_classify(void);
void test_timeaware(void);

int main(void)
{
    test_solvers();
    test_mlp();
    test_kernels();
    test_grad();
    test_stiff();
    test_plot();
    test_train();
    test_cnf();
    test_tour();
    test_dropout();
    test_harden();
    test_badinput();
    test_augment();
    test_csv();
    test_classify();
    test_timeaware();
    printf("%d passed, %d failed\n", check_pass, check_fail);
    return check_fail != 0;
}
