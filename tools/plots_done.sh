#!/bin/sh
# After every chapter ran: render the gnuplot scripts (when gnuplot is there)
# and list the figures under plots/.
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
