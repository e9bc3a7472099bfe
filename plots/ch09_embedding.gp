# ch09_embedding.gp: gnuplot version of ch09_embedding.png, written by ndeplot.h. Data: ch09_embedding.dat.
# Run it in this directory: gnuplot ch09_embedding.gp   (writes ch09_embedding_gnuplot.png)
set terminal pngcairo size 1500,650 font 'sans,12' noenhanced
set output 'ch09_embedding_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'TimeAware-64''s time embedding phi(t) = tanh(W_t t + b_t) (eq 22), the kept model'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06000
set rmargin at screen 0.48733
set tmargin at screen 0.84308
set bmargin at screen 0.09538
unset label
set title ''
set label 1 'the 16 components' at screen 0.27367, 0.92769 center
set key default
set key at screen 0.09067, 0.90154 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'phi_k(t)'
unset logscale
set xrange [0:35.010010010010014]
set yrange [-1:1]
unset colorbox
plot 'ch09_embedding.dat' index 0 using 1:(-1):(1) with filledcurves fs solid 1.0 noborder lc rgb '#BFE7DC' title 'training region', \
     'ch09_embedding.dat' index 1 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' title 'phi_k(t), k = 1..16', \
     'ch09_embedding.dat' index 2 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 3 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 4 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 5 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 6 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 7 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 8 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 9 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 10 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 11 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 12 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 13 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 14 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 15 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle, \
     'ch09_embedding.dat' index 16 using 1:2 with lines lw 1.20 dt 1 lc rgb '#0072B2' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56000
set rmargin at screen 0.98733
set tmargin at screen 0.84308
set bmargin at screen 0.09538
unset label
set title ''
set label 1 'how fast the clock the network sees still moves' at screen 0.77367, 0.92769 center
set key default
set key at screen 0.58667, 0.90154 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'max_k |W_t,k| (1 - phi_k^2)'
unset logscale
set xrange [0:35.010010010010014]
set logscale y
set yrange [0.01:1]
unset colorbox
plot 'ch09_embedding.dat' index 17 using 1:(0.01):(1) with filledcurves fs solid 1.0 noborder lc rgb '#BFE7DC' title 'training region', \
     'ch09_embedding.dat' index 18 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'max_k |d phi_k / dt|'

unset multiplot
