# ch07_robertson.gp: gnuplot version of ch07_robertson.png, written by ndeplot.h. Data: ch07_robertson.dat.
# Run it in this directory: gnuplot ch07_robertson.gp   (writes ch07_robertson_gnuplot.png)
set terminal pngcairo size 1100,620 font 'sans,12' noenhanced
set output 'ch07_robertson_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,1

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.07091
set rmargin at screen 0.96636
set tmargin at screen 0.94516
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'Robertson, lines: sdirk4 (297 steps to t = 100, 590 to t = 1e5)' at screen 0.51864, 0.97258 center

set xlabel 't'
set ylabel 'concentration'
unset logscale
set logscale x
set xrange [9.9999999999999995e-07:100000]
set yrange [0:1.3999999999999999]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch07_robertson.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'y1', \
     'ch07_robertson.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title '1e4 y2', \
     'ch07_robertson.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'y3', \
     'ch07_robertson.dat' index 3 using 1:2 with points pt 2 ps 1.00 lc rgb '#0072B2' title 'crosses: dopri5 (104311 steps to t = 100)', \
     'ch07_robertson.dat' index 4 using 1:2 with points pt 2 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch07_robertson.dat' index 5 using 1:2 with points pt 2 ps 1.00 lc rgb '#009E73' notitle, \
     'ch07_robertson.dat' index 6 using 1:2 with points pt 5 ps 1.12 lc rgb '#000000' title 'reference (Radau IIA)', \
     'ch07_robertson.dat' index 7 using 1:2 with points pt 5 ps 1.12 lc rgb '#000000' notitle, \
     'ch07_robertson.dat' index 8 using 1:2 with points pt 5 ps 1.12 lc rgb '#000000' notitle

unset multiplot
