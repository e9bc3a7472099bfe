#!/bin/sh
# The woven book: build/book/index.html from README.md, chapters/*.c, plots/ and the logs of
# the last `make plots` (build/NN_*.plots.log). POSIX sh and awk only (Debian's base).
#
# Per chapter: its header comment as prose, then the file in order, each comment block as
# narrative and the code between them as code, every figure placed right after the code
# that writes it (the "chNN_name" string), any figure not named literally at the chapter's
# end, and what the last full run printed (tables and the RESULT line), or a note that there
# is no log. Up front: the README's introduction and a table of contents; at the end, the
# gallery (plots/README.md's captions). Figures are copied next to index.html, so the
# directory reads offline with no network access.
# Usage: tools/book.sh [OUT_DIR]   (default build/book)
out=${1:-build/book}
mkdir -p "$out" || exit 1
html="$out/index.html"
tmp="$html.tmp"

# the figures: plots/chNN_*.png, not the gnuplot renderings
figs=$(ls plots/ch[0-9][0-9]_*.png 2>/dev/null | grep -v '_gnuplot\.png$')
for f in $figs; do cp "$f" "$out/" || exit 1; done

# shared awk: HTML escaping
esc='function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }'

# Markdown subset of README.md -> HTML: headings, paragraphs, fenced code, lists, tables,
# `code`, **bold**; links become their text (their targets are repository files).
md() {
    awk "$esc"'
    function inline(s,   out, pre) {
        s = esc(s)
        while (match(s, /\[[^]]*\]\([^)]*\)/)) { pre = substr(s, RSTART, RLENGTH); sub(/\]\(.*$/, "", pre); s = substr(s, 1, RSTART - 1) substr(pre, 2) substr(s, RSTART + RLENGTH) }
        while (match(s, /`[^`]*`/)) s = substr(s, 1, RSTART - 1) "<code>" substr(s, RSTART + 1, RLENGTH - 2) "</code>" substr(s, RSTART + RLENGTH)
        while (match(s, /\*\*[^*]*\*\*/)) s = substr(s, 1, RSTART - 1) "<strong>" substr(s, RSTART + 2, RLENGTH - 4) "</strong>" substr(s, RSTART + RLENGTH)
        return s
    }
    function close_all() { if (para) print "</p>"; if (list) print "</ul>"; if (table) print "</table>"; para = list = table = 0 }
    /^<!--/ { next }
    /^```/ { if (code) { print "</code></pre>"; code = 0 } else { close_all(); print "<pre><code>"; code = 1 } next }
    code { print esc($0); next }
    /^#+ / { close_all(); n = index($0, " ") - 1; h = n == 1 ? 1 : n > 4 ? 5 : n + 1
             print "<h" h ">" inline(substr($0, n + 2)) (h == 1 ? ": the book" : "") "</h" h ">"; next }
    /^[-*] / { if (!list) { close_all(); print "<ul>"; list = 1 } print "<li>" inline(substr($0, 3)) "</li>"; next }
    /^\|/ { if ($0 ~ /^\|[-| :]*$/) next
            if (!table) { close_all(); print "<table>"; table = 1 }
            n = split($0, c, "|"); row = "<tr>"; for (i = 2; i < n; i++) row = row "<td>" inline(c[i]) "</td>"; print row "</tr>"; next }
    /^[ \t]*$/ { close_all(); next }
    list && /^  / { print inline($0); next }
    { if (!para) { close_all(); print "<p>"; para = 1 } print inline($0) }
    END { close_all(); if (code) print "</code></pre>" }'
}

# One chapter file -> its section. Variables: id, figs (space-separated figure names of this
# chapter), log (path, may not exist).
chapter() {
    awk -v id="$1" -v figs="$2" -v logf="$3" "$esc"'
    BEGIN { nf = split(figs, fig, " "); for (i = 1; i <= nf; i++) placed[fig[i]] = 0 }
    function flush_code(   i, first) {
        if (ncode == 0) return
        while (ncode > 0 && codebuf[ncode] ~ /^[ \t]*$/) ncode--
        for (first = 1; first <= ncode && codebuf[first] ~ /^[ \t]*$/; first++) {}
        if (first <= ncode) {
            print "<pre class=\"code\"><code>" esc(codebuf[first])
            for (i = first + 1; i <= ncode; i++) print esc(codebuf[i])
            print "</code></pre>"
            for (i = 1; i <= nf; i++)
                if (!placed[fig[i]] && index(codetext, "\"" fig[i] "\"")) { show(fig[i]); placed[fig[i]] = 1 }
        }
        ncode = 0; codetext = ""
    }
    function show(name) {
        print "<figure id=\"" name "\"><a href=\"" name ".png\"><img src=\"" name ".png\" alt=\"figure " name "\"></a>"
        print "<figcaption>" name ".png (plots/" name ".png, with " name ".dat and " name ".gp for gnuplot)</figcaption></figure>"
    }
    # a comment block: its lines without the comment marks, as narrative paragraphs
    function flush_note(   i, t, heading, body) {
        heading = 0; body = ""
        for (i = 1; i <= nnote; i++) {
            t = notebuf[i]
            if (t ~ /^[ \t]*(=+|-+)[ \t]*$/) { heading = 1; continue }
            body = body (body == "" ? "" : "\n") t
        }
        gsub(/^\n+|\n+$/, "", body)
        if (body != "") {
            if (heading) { gsub(/[ \t]+/, " ", body); sub(/^ /, "", body); print "<h3>" esc(body) "</h3>" }
            else {
                n = split(body, para, /\n[ \t]*\n/)
                for (i = 1; i <= n; i++) print "<p class=\"note\">" esc(para[i]) "</p>"
            }
        }
        nnote = 0
    }
    # header comment: the first comment of the file, as the chapter prose
    FNR == 1 && /^\/\*/ { inhead = 1 }
    inhead {
        line = $0; done = sub(/\*\/[ \t]*$/, "", line); sub(/^\/\*[ \t]?/, "", line); sub(/^   /, "", line)
        if (nhead == 0 && title == "") { title = line; sub(/^[0-9][0-9]_[a-z_0-9]*\.c:[ \t]*/, "", title); if (title !~ /^Chapter/) title = "Chapter " substr(id, 3) ": " title }
        else head[++nhead] = line
        if (done) {
            inhead = 0
            print "<section id=\"" id "\">"
            print "<h2>" esc(title) "</h2>"
            t = ""
            for (i = 1; i <= nhead; i++) t = t (t == "" ? "" : "\n") head[i]
            gsub(/^\n+|\n+$/, "", t)
            n = split(t, para, /\n[ \t]*\n/)
            for (i = 1; i <= n; i++) print "<p class=\"prose\">" esc(para[i]) "</p>"
        }
        next
    }
    # comments on lines of their own (nothing after their end): narrative; consecutive
    # comment blocks make one note (a banner: rule, title, rule -> a heading)
    innote {
        line = $0
        if (sub(/\*\/[ \t]*$/, "", line)) innote = 0
        sub(/^[ \t]*\*?[ \t]?/, "", line); notebuf[++nnote] = line; next
    }
    /^[ \t]*\/\*/ && !/\*\/.*[^ \t]/ {
        line = $0; sub(/^[ \t]*\/\*[ \t]?/, "", line)
        flush_code()
        if (!sub(/[ \t]*\*\/[ \t]*$/, "", line)) innote = 1
        notebuf[++nnote] = line
        next
    }
    { if (nnote) flush_note(); codebuf[++ncode] = $0; codetext = codetext "\n" $0 }
    END {
        if (nnote) flush_note()
        flush_code()
        rest = 0
        for (i = 1; i <= nf; i++) if (!placed[fig[i]]) rest++
        if (rest) {
            print "<h3>Figures</h3>"
            for (i = 1; i <= nf; i++) if (!placed[fig[i]]) show(fig[i])
        }
        print "<h3>What the last full run measured</h3>"
        if ((getline l < logf) > 0) {
            print "<p>From <code>" esc(logf) "</code>, the log of the last <code>make plots</code> (progress lines of the training loops left out):</p>"
            print "<pre class=\"log\">"
            do { if (l !~ /^[ \t]*(node |hnn |)?iter +[0-9]+ +loss/) print esc(l) } while ((getline l < logf) > 0)
            print "</pre>"
        } else {
            print "<p class=\"missing\">No log of a full run here (<code>" esc(logf) "</code> is absent): run <code>make plots</code>, then <code>make book</code>, to see the numbers this chapter measures beside the documents&#39; own, which its header above quotes.</p>"
        }
        print "</section>"
    }' "$4"
}

# Gallery: every figure with its caption from plots/README.md.
gallery() {
    awk "$esc"'
    /^## / { h = substr($0, 4); gsub(/`/, "", h); print "<h3>" esc(h) "</h3>"; next }
    /^!\[\]\(/ { if (name) print "</figcaption></figure>"; name = $0; sub(/^!\[\]\(/, "", name); sub(/\.png\).*$/, "", name)
                 print "<figure class=\"thumb\"><a href=\"#" name "\"><img src=\"" name ".png\" alt=\"figure " name "\"></a><figcaption><strong>" name "</strong> "; next }
    /^[ \t]*$/ { if (name) print "</figcaption></figure>"; name = ""; next }
    name { s = esc($0); gsub(/`/, "", s); print s }
    END { if (name) print "</figcaption></figure>" }' plots/README.md
}

{
    cat <<'EOF'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>neuralode.h: the book</title>
<style>
body { max-width: 60em; margin: 2em auto; padding: 0 1em; font-family: Georgia, serif; line-height: 1.45; color: #222; }
h1, h2, h3 { font-family: sans-serif; } h2 { border-top: 2px solid #ccc; padding-top: 1em; margin-top: 2.5em; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; line-height: 1.3; }
pre.log { background: #f2f7ee; }
p.prose, p.note { white-space: pre-wrap; }
p.note { border-left: 3px solid #9bc; padding-left: 0.7em; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figure.thumb { display: inline-block; width: 30%; vertical-align: top; margin: 0.5em; font-size: 0.8em; }
table { border-collapse: collapse; font-size: 0.85em; } td { border: 1px solid #ccc; padding: 0.2em 0.4em; vertical-align: top; }
.missing { color: #a33; }
</style>
</head>
<body>
EOF
    # the README's introduction: everything before "## The book"
    awk '/^## The book/ { exit } { print }' README.md | md
    echo '<h2 id="contents">Contents</h2>'
    echo '<ol>'
    for c in chapters/[0-9][0-9]_*.c; do
        id=ch$(basename "$c" | cut -c1-2)
        t=$(awk -v nn="$(basename "$c" | cut -c1-2)" 'NR == 1 { sub(/^\/\*[ \t]*/, ""); sub(/^[0-9][0-9]_[a-z_0-9]*\.c:[ \t]*/, ""); if ($0 !~ /^Chapter/) $0 = "Chapter " nn ": " $0; print; exit }' "$c" | awk "$esc"'{ print esc($0) }')
        echo "<li><a href=\"#$id\">$t</a></li>"
    done
    echo '<li><a href="#gallery">Gallery: every figure</a></li>'
    echo '</ol>'
    for c in chapters/[0-9][0-9]_*.c; do
        nn=$(basename "$c" | cut -c1-2)
        names=""
        for f in $figs; do
            case "$(basename "$f")" in ch${nn}_*) names="$names $(basename "$f" .png)" ;; esac
        done
        chapter "ch$nn" "$names" "build/$(basename "$c" .c).plots.log" "$c"
    done
    echo '<section id="gallery">'
    echo '<h2>Gallery</h2>'
    gallery
    echo '</section>'
    echo '</body>'
    echo '</html>'
} > "$tmp" || exit 1
mv "$tmp" "$html"
n=$(ls chapters/[0-9][0-9]_*.c | wc -l)
logs=$(ls build/[0-9][0-9]_*.plots.log 2>/dev/null | wc -l)
echo "book: $html ($n chapters, $(echo $figs | wc -w) figures, numbers from $logs of $n full-run logs)"
