#!/bin/sh
# After every chapter ran: render the gnuplot scripts (when gnuplot is there),
# list the figures under plots/, and print each chapter's wall and CPU time
# (from BUILD/*.plots.time, written by the Makefile's .plots rule) and the
# whole run's wall time since START (seconds since the epoch).
# Usage: tools/plots_done.sh [BUILD [START]]
build=${1:-build}
start=$2
times=$(cat "$build"/*.plots.time 2>/dev/null | sort -rn)
cd plots || exit 1
if command -v gnuplot >/dev/null 2>&1; then
    failed=0
    for gp in *.gp; do
        [ -f "$gp" ] || continue
        gnuplot "$gp" 2> "/tmp/neuralode_gnuplot_$$.err" || { echo "gnuplot failed on plots/$gp:"; cat "/tmp/neuralode_gnuplot_$$.err"; failed=1; }
    done
    rm -f "/tmp/neuralode_gnuplot_$$.err"
    [ $failed -eq 0 ] || exit 1
    echo "gnuplot renderings: plots/*_gnuplot.png"
else
    echo "gnuplot is not installed: skipped the gnuplot renderings (apt-get install gnuplot-nox)"
fi
echo "figures written:"
for png in *.png; do
    case "$png" in *_gnuplot.png) continue ;; esac
    echo "  plots/$png"
done
if [ -n "$times" ]; then
    echo "chapter run times, longest first (wall s, CPU s; chapters run side by side):"
    echo "$times" | awk '{ printf "  %-28s %7.1f %7s\n", $3, $1, $2 }'
fi
[ -n "$start" ] && echo "make plots: $(($(date +%s) - start)) s wall in all"
exit 0
