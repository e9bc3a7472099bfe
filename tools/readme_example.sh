#!/bin/sh
# Compile and run the C example of README.md exactly as printed.
# Usage: tools/readme_example.sh BUILD_DIR
build=$1
mkdir -p "$build"
awk '/<!-- readme-example/ {grab=1; next} grab && /^```c/ {on=1; next} on && /^```/ {exit} on {print}' README.md > "$build/first.c"
lines=$(wc -l < "$build/first.c")
if [ "$lines" -gt 30 ] || [ "$lines" -lt 5 ]; then echo "FAIL README example: $lines lines (must be 5..30)"; exit 1; fi
if ! ${CC:-cc} -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -I. "$build/first.c" -o "$build/first" -lm 2> "$build/first.err"; then
    echo "FAIL README example does not compile:"; cat "$build/first.err"; exit 1
fi
out=$("$build/first") || { echo "FAIL README example exited non-zero: $out"; exit 1; }
# finite numbers and a positive step count, not just a zero exit status
echo "$out" | grep -Eq '^y\(1\) = \(-?[0-9]+\.[0-9]{6}, -?[0-9]+\.[0-9]{6}\): [1-9][0-9]* steps, [1-9][0-9]* evaluations$' ||
    { echo "FAIL README example printed an unexpected line: $out"; exit 1; }
echo "ok   README example ($lines lines) compiles with -Werror and runs: $out"
