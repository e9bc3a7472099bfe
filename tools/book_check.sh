#!/bin/sh
# Check the woven book: every chapter and figure present, every link and image resolves
# inside the book's directory (nothing from the network), the HTML validates (tidy, and
# xmllint --html), and a headless Chromium screenshot of the first page when Chromium is
# installed. Usage: tools/book_check.sh BOOK_DIR   (after tools/book.sh BOOK_DIR)
dir=${1:-build/book}
html="$dir/index.html"
fail=0
bad() { echo "FAIL book: $*"; fail=1; }
[ -s "$html" ] || { echo "FAIL book: $html missing"; exit 1; }
nch=0
for c in chapters/[0-9][0-9]_*.c; do
    id=ch$(basename "$c" | cut -c1-2)
    n=$(grep -c "<section id=\"$id\">" "$html")
    [ "$n" -eq 1 ] || bad "chapter $c: $n sections id=\"$id\""
    nch=$((nch + 1))
done
nfig=0
for f in plots/ch[0-9][0-9]_*.png; do
    case "$f" in *_gnuplot.png) continue ;; esac
    name=$(basename "$f")
    grep -q "<img src=\"$name\"" "$html" || bad "figure $name not shown"
    cmp -s "$f" "$dir/$name" || bad "figure $name not copied next to index.html (or stale)"
    nfig=$((nfig + 1))
done
# every href and src: a fragment must name an id of the page, a file must exist in DIR
nlink=0
for ref in $(grep -o -E '(href|src)="[^"]*"' "$html" | sed -E 's/^(href|src)="([^"]*)"$/\2/' | sort -u); do
    nlink=$((nlink + 1))
    case "$ref" in
    \#*) grep -q "id=\"${ref#\#}\"" "$html" || bad "link $ref: no such id" ;;
    *:*) bad "link $ref leaves the book (network or absolute)" ;;
    *) [ -f "$dir/$ref" ] || bad "link $ref: no file $dir/$ref" ;;
    esac
done
valid=""
if command -v tidy > /dev/null 2>&1; then
    tidy -q -e "$html" > "$dir/tidy.log" 2>&1
    rc=$?
    [ $rc -lt 2 ] || { bad "tidy finds errors:"; head -20 "$dir/tidy.log"; }
    warn=$(grep -c 'Warning' "$dir/tidy.log")
    [ "$warn" -eq 0 ] || { bad "tidy warnings: $warn"; head -10 "$dir/tidy.log"; }
    valid="tidy clean"
else
    valid="tidy skipped (not installed: apt-get install tidy)"
fi
# xmllint's HTML parser predates HTML5: it names section, figure and figcaption unknown
# tags; anything else it reports (unclosed or misnested elements, bad entities) fails
if command -v xmllint > /dev/null 2>&1; then
    xmllint --html --noout "$html" > "$dir/xmllint.log" 2>&1
    other=$(grep 'error :' "$dir/xmllint.log" | grep -v -E 'Tag (section|figure|figcaption) invalid' | head -5)
    [ -z "$other" ] || { bad "xmllint --html:"; echo "$other"; }
    valid="$valid, xmllint --html clean but for HTML5 tag names"
else
    valid="$valid, xmllint skipped (not installed: apt-get install libxml2-utils)"
fi
shot="skipped: Chromium is not installed (apt-get install chromium for the screenshot check)"
for b in chromium chromium-browser google-chrome; do
    command -v "$b" > /dev/null 2>&1 || continue
    rm -f "$dir/first_page.png"
    "$b" --headless --no-sandbox --disable-gpu --window-size=1200,1600 --screenshot="$dir/first_page.png" \
        "file://$(cd "$dir" && pwd)/index.html" > "$dir/chromium.log" 2>&1
    if [ -s "$dir/first_page.png" ]; then shot="headless $b screenshot $dir/first_page.png"; else bad "headless $b wrote no screenshot"; fi
    break
done
[ $fail -eq 0 ] || exit 1
echo "ok   book: $nch chapters, $nfig figures, $nlink links and images resolve, $valid; $shot"
