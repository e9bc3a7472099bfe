#!/bin/sh
# Run the unit tests, then every chapter with --quick, and print the totals.
# Usage: tools/run_tests.sh BUILD_DIR [chapter binaries...]
build=$1; shift
mkdir -p "$build/quick"
log="$build/test_all.log"
"$build/test_all" > "$log" 2>&1
unit_rc=$?
grep -v '^ok ' "$log"
pass=$(grep -c '^ok ' "$log")
fail=$(grep -c '^FAIL ' "$log")
if [ $unit_rc -ne 0 ] && [ "$fail" -eq 0 ]; then
    echo "FAIL unit test binary exited with status $unit_rc"; fail=$((fail + 1))
fi
if sh tools/readme_example.sh "$build"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
for bin in "$@"; do
    name=$(basename "$bin")
    out="$build/$name.quick.log"
    start=$(date +%s.%N)
    "$bin" --quick > "$out" 2>&1
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
    result=$(grep '^RESULT chapter=' "$out" | tail -n 1)
    last=$(tail -n 1 "$out")
    if [ $rc -eq 0 ] && [ -n "$result" ] && [ "$result" = "$last" ]; then
        echo "ok   chapter $name --quick (${secs}s): $result"; pass=$((pass + 1))
    else
        echo "FAIL chapter $name --quick: exit $rc, RESULT line ${result:-missing} (last line: $last)"
        tail -n 15 "$out"
        fail=$((fail + 1))
    fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
