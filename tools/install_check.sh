#!/bin/sh
# make install into a temporary prefix, compile README.md's first program with
# `pkg-config --cflags --libs neuralode` (from the installed headers only), run it, then
# make uninstall and check that nothing is left. Usage: tools/install_check.sh BUILD_DIR
build=$1
make=${MAKE:-make}
prefix=$(mktemp -d "${TMPDIR:-/tmp}/neuralode_prefix.XXXXXX") || exit 1
trap 'rm -rf "$prefix"' EXIT
$make --no-print-directory install PREFIX="$prefix" > "$build/install.log" 2>&1 || { cat "$build/install.log"; echo "FAIL make install"; exit 1; }
n=$(find "$prefix" -type f | wc -l)
[ "$n" -eq 4 ] || { echo "FAIL make install put $n files (want 4):"; find "$prefix" -type f; exit 1; }
mkdir -p "$build/install_check"
awk '/<!-- readme-example/ {grab=1; next} grab && /^```c/ {on=1; next} on && /^```/ {exit} on {print}' README.md > "$build/install_check/first.c"
flags=$(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --cflags --libs neuralode) || { echo "FAIL pkg-config does not find neuralode"; exit 1; }
# compiled away from the repository, so only the installed header can be found
( cd "$build/install_check" && ${CC:-cc} -std=c99 -Wall -Wextra -Werror first.c -o first $flags ) || { echo "FAIL README program with pkg-config flags '$flags'"; exit 1; }
out=$("$build/install_check/first") || { echo "FAIL README program exited non-zero"; exit 1; }
$make --no-print-directory uninstall PREFIX="$prefix" >> "$build/install.log" 2>&1 || { echo "FAIL make uninstall"; exit 1; }
left=$(find "$prefix" -type f | wc -l)
[ "$left" -eq 0 ] || { echo "FAIL make uninstall left $left files:"; find "$prefix" -type f; exit 1; }
echo "install: 4 files into a temporary prefix, README program built with '$flags' prints '$out'; uninstall removed all 4"
