#!/bin/sh
# Run the unit tests, then every chapter with --quick, and print the totals.
# Usage: tools/run_tests.sh BUILD_DIR [chapter binaries...]
build=$1; shift
mkdir -p "$build/quick"
log="$build/test_all.log"
mkdir -p "$build/tmp"   # the tests' files: private to this build, not shared /tmp names
TMPDIR="$(cd "$build/tmp" && pwd)" "$build/test_all" > "$log" 2>&1
unit_rc=$?
grep -v '^ok ' "$log" | grep -v '^[0-9]* passed, [0-9]* failed$'
pass=$(grep -c '^ok ' "$log")
fail=$(grep -c '^FAIL ' "$log")
if [ $unit_rc -ne 0 ] && [ "$fail" -eq 0 ]; then
    echo "FAIL unit test binary exited with status $unit_rc"; fail=$((fail + 1))
fi
if sh tools/readme_example.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
for ex in "$build"/ex_*; do
    [ -x "$ex" ] || continue
    if "$ex" > "$ex.log" 2>&1; then
        echo "ok   example $(basename "$ex") runs"; pass=$((pass + 1))
    else
        echo "FAIL example $(basename "$ex") exited non-zero:"; tail -n 5 "$ex.log"; fail=$((fail + 1))
    fi
done
# The RESULT keys each chapter must print (issue 6 for 01-07; outside checks parse them).
keys_for() {
    case "$1" in
    01_*) echo "final_mse train_seconds nfe_per_iter recipe_median_final_mse recipe_max_final_mse" ;;
    02_*) echo "train_mse extrap_forward_mse extrap_backward_mse extrap_backward_mse_fixed" ;;
    03_*) echo "train_mse extrap_forward_mse extrap_backward_mse extrap_backward_mse_fixed alpha beta delta gamma param_max_rel_err" ;;
    04_*) echo "sigma mse_vs_truth mse_vs_data" ;;
    05_*) echo "train_mse energy_drift_node energy_drift_truth_rk energy_drift_truth_symplectic" ;;
    06_*) echo "energy_drift_hnn energy_drift_node" ;;
    07_*) echo "grad_rel_err_backsolve_100 grad_rel_err_backsolve_10000 grad_rel_err_interp_10000" ;;
    09_*) echo "params_baseline params_residual64 test_mse_baseline test_mse_residual64 test_mse_full drift_ratio_full seed_spread_full first_iter_005_baseline first_iter_005_full ext_ratio_baseline ext_ratio_full lipschitz_baseline lipschitz_full params_timeaware test_mse_timeaware" ;;
    11_*) echo "order_euler order_midpoint order_heun order_rk4 order_bs32 order_dopri5 order_tsit5 order_backward_euler order_sdirk4 order_epi2 order_leapfrog order_gauss2 nfe_dopri5_stiff nfe_sdirk4_stiff nfe_epi2_stiff" ;;
    10_*) echo "single_test_mse family_test_mse_inside family_test_mse_outside ab_rel_err" ;;
    13_*) echo "flip_loss_node flip_loss_anode annuli_acc_node annuli_acc_anode nfe_final_node nfe_final_anode recon_err_node recon_err_anode recon_break_t_node recon_break_t_anode" ;;
    14_*) echo "nll_train_circles nll_test_circles nll_gauss_circles nll_train_moons nll_test_moons nll_gauss_moons nll_train_8gauss nll_test_8gauss nll_gauss_8gauss density_integral trace_exact_ms trace_hutch_ms" ;;
    08_*) echo "bytes_per_step_backprop bytes_per_step_backprop_recompute bytes_per_step_interp bytes_per_step_backsolve bytes_ratio_backprop_backsolve time_ratio_backsolve_backprop grad_rel_diff_T16 lagrange_adjoint_max_diff" ;;
    12_*) echo "test_acc_odenet test_acc_resnet test_acc_mlp params_odenet nfe_fwd_per_iter nfe_bwd_per_iter seconds_per_epoch epochs" ;;
    08_*) echo "bytes_per_step_backprop bytes_per_step_backprop_recompute bytes_per_step_interp bytes_per_step_backsolve bytes_ratio_backprop_backsolve time_ratio_backsolve_backprop grad_rel_diff_T16" ;;
    esac
}
# Strict command lines (issue 13, defect 9): an unknown option and a malformed value are
# usage errors with exit status 2 and a usage line on stderr, before any work is done.
for bin in "$@"; do
    name=$(basename "$bin")
    if ! grep -q '^#include "args.h"' "chapters/$name.c" 2>/dev/null; then
        echo "note chapter $name does not parse its command line with chapters/args.h yet: not checked"
        continue
    fi
    "$bin" --no-such-option > /dev/null 2> "$build/$name.args.err"; rc1=$?
    "$bin" --quick=1 > /dev/null 2>> "$build/$name.args.err"; rc2=$?
    if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ "$(grep -c '^usage: ' "$build/$name.args.err")" -eq 2 ]; then
        echo "ok   chapter $name rejects an unknown option and a malformed value (status 2, usage)"; pass=$((pass + 1))
    else
        echo "FAIL chapter $name: --no-such-option gave $rc1, --quick=1 gave $rc2 (want 2 and a usage line each)"
        fail=$((fail + 1))
    fi
done
for bin in "$@"; do
    name=$(basename "$bin")
    out="$build/$name.quick.log"
    start=$(date +%s.%N)
    "$bin" --quick > "$out" 2>&1
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    result=$(grep '^RESULT chapter=' "$out" | tail -n 1)
    last=$(tail -n 1 "$out")
    missing=""
    for k in $(keys_for "$name"); do
        echo "$result" | grep -Eq " $k=[^ ]+" || missing="$missing $k"
    done
    # the chapter number must be this chapter's, and no value may be NaN or infinite
    echo "$result" | grep -q "^RESULT chapter=${name%%_*} " || missing="$missing chapter=${name%%_*}"
    echo "$result" | grep -Eiq "=[-+]?(nan|inf)( |$)" && missing="$missing (a NaN/Inf value)"
    if [ $rc -eq 0 ] && [ -n "$result" ] && [ "$result" = "$last" ] && [ -z "$missing" ]; then
        echo "ok   chapter $name --quick (${secs}s): $result"; pass=$((pass + 1))
    else
        echo "FAIL chapter $name --quick: exit $rc, RESULT line ${result:-missing}${missing:+ (missing keys:$missing)} (last line: $last)"
        tail -n 15 "$out"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
