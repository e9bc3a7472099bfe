#!/bin/sh
# deps.sh: make sure the figure dependencies are present; used by `make plots` and `make test`.
#
#   - stb (Debian package libstb-dev): <stb/stb_image_write.h> and <stb/stb_image.h>, compiled
#     by ndeplot_png.c. Required: exit status 1 when missing and it cannot be installed.
#   - gnuplot (Debian package gnuplot-nox): renders the .gp scripts written next to each
#     figure. Optional: when missing, those renderings are skipped (exit status 0).
#   - Fashion-MNIST (Debian package dataset-fashion-mnist): chapter 12's data, for
#     `make plots` only (its --quick mode in `make test` needs no package). Optional here:
#     when missing and not root, the command is printed and chapter 12's full run fails.
#
# Missing packages are installed with apt-get when running as root; otherwise the exact
# command to run is printed. Silent when everything is present. Run it once per make
# invocation (not from parallel recipes: apt-get takes a lock).
#
# Usage: tools/deps.sh [--quiet-gnuplot | --stb-only]
#   --quiet-gnuplot: no note when gnuplot is missing
#   --stb-only: only stb (builds and tests; only `make plots` needs gnuplot)

stb_dir=${STB_INCLUDE_DIR:-/usr/include/stb}
quiet_gnuplot=0
stb_only=0
[ "$1" = "--quiet-gnuplot" ] && quiet_gnuplot=1
[ "$1" = "--stb-only" ] && stb_only=1

have_stb() { [ -f "$stb_dir/stb_image_write.h" ] && [ -f "$stb_dir/stb_image.h" ]; }
have_gnuplot() { command -v gnuplot > /dev/null 2>&1; }
fmnist_dir=/usr/share/datasets/fashion-mnist
have_fmnist() { [ -f "$fmnist_dir/train-images-idx3-ubyte.gz" ] && [ -f "$fmnist_dir/t10k-labels-idx1-ubyte.gz" ]; }

# apt-get update + install of the packages given, as root. Returns apt-get's status.
install() {
    echo "deps.sh: installing $* with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq > /dev/null &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
}

missing=""
have_stb || missing="libstb-dev"
[ $stb_only -eq 1 ] || have_gnuplot || missing="$missing gnuplot-nox"
[ $stb_only -eq 1 ] || have_fmnist || missing="$missing dataset-fashion-mnist"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null 2>&1; then
    # shellcheck disable=SC2086  # the package list is meant to split into words
    install $missing || echo "deps.sh: apt-get failed installing:$missing" >&2
fi

if ! have_stb; then
    echo "deps.sh: stb headers not found in $stb_dir (needed to write PNG figures)." >&2
    echo "deps.sh: install them with:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y libstb-dev" >&2
    exit 1
fi
if [ $stb_only -eq 0 ] && ! have_gnuplot && [ "$quiet_gnuplot" -eq 0 ]; then
    echo "deps.sh: gnuplot not found: the gnuplot renderings (*_gnuplot.png) are skipped." >&2
    echo "deps.sh: to get them: sudo apt-get update && sudo apt-get install -y gnuplot-nox" >&2
fi
if [ $stb_only -eq 0 ] && ! have_fmnist; then
    echo "deps.sh: Fashion-MNIST not found in $fmnist_dir: chapter 12's full run needs it." >&2
    echo "deps.sh: install it with: sudo apt-get update && sudo apt-get install -y dataset-fashion-mnist" >&2
fi
exit 0
