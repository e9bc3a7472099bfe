# ch01_euler.gp: gnuplot version of ch01_euler.png, written by ndeplot.h. Data: ch01_euler.dat.
# Run it in this directory: gnuplot ch01_euler.gp   (writes ch01_euler_gnuplot.png)
set terminal pngcairo size 1300,560 font 'sans,12' noenhanced
set output 'ch01_euler_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'A residual network h(l+1) = h(l) + dt f(h(l)), dt = 25/L, is Euler''s method'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.05077
set rmargin at screen 0.49000
set tmargin at screen 0.77857
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'phase plane, t in [0, 25]' at screen 0.27038, 0.91607 center
set key default
set key at screen 0.07769, 0.88571 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2.5:2.5]
set yrange [-2.5:2.5]
unset colorbox
plot 'ch01_euler.dat' index 0 using 1:2 with linespoints lw 2.33 dt 1 pt 7 ps 1.00 pi 32 lc rgb '#0072B2' title 'L = 2048 blocks', \
     'ch01_euler.dat' index 1 using 1:2 with linespoints lw 1.67 dt 1 pt 9 ps 1.00 pi 32 lc rgb '#009E73' title 'L = 8192 blocks', \
     'ch01_euler.dat' index 2 using 1:2 with linespoints lw 1.00 dt 1 pt 5 ps 1.00 pi 32 lc rgb '#D55E00' title 'L = 65536 blocks', \
     'ch01_euler.dat' index 3 using 1:2 with lines lw 1.00 dt 2 lc rgb '#000000' title 'exact (dopri5)'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56923
set rmargin at screen 0.98077
set tmargin at screen 0.77857
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'error at t = 25 against depth L' at screen 0.77500, 0.91607 center
set key default
set key at screen 0.59538, 0.88571 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'blocks L (Euler steps)'
set ylabel 'error'
unset logscale
set logscale x
set xrange [1000:1000000]
set logscale y
set yrange [0.02:2]
unset colorbox
plot 'ch01_euler.dat' index 4 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' title '|h(L) - y(25)|', \
     'ch01_euler.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' notitle, \
     'ch01_euler.dat' index 6 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'fit over L >= 16384: slope -1.042'

unset multiplot
