# ch02_extrapolation.gp: gnuplot version of ch02_extrapolation.png, written by ndeplot.h. Data: ch02_extrapolation.dat.
# Run it in this directory: gnuplot ch02_extrapolation.gp   (writes ch02_extrapolation_gnuplot.png)
set terminal pngcairo size 2000,560 font 'sans,12' noenhanced
set output 'ch02_extrapolation_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'Chapter 02: extrapolation outside [0, 1] (report Fig 2), and the remedy'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.03900
set rmargin at screen 0.32650
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(a) backward to t = -30: the truth grows' at screen 0.18275, 0.91607 center

set xlabel 'time t'
set ylabel 'u'
unset logscale
set xrange [-30:0]
set yrange [-60:60]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch02_extrapolation.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth u1', \
     'ch02_extrapolation.dat' index 1 using 1:2 with lines lw 2.00 dt 2 lc rgb '#0072B2' title 'Neural ODE u1', \
     'ch02_extrapolation.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'truth u2', \
     'ch02_extrapolation.dat' index 3 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'Neural ODE u2'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.35300
set rmargin at screen 0.65700
set tmargin at screen 0.77857
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(b) forward to t = 10: the truth decays' at screen 0.50525, 0.91607 center
set key default
set key at screen 0.36550, 0.88571 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'time t'
set ylabel ''
unset logscale
set xrange [0:10]
set yrange [-3:3]
unset colorbox
plot 'ch02_extrapolation.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth u1', \
     'ch02_extrapolation.dat' index 5 using 1:2 with lines lw 2.00 dt 2 lc rgb '#0072B2' title 'Neural ODE u1', \
     'ch02_extrapolation.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'truth u2', \
     'ch02_extrapolation.dat' index 7 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'Neural ODE u2'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.69850
set rmargin at screen 0.99350
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(c) backward, trained on radii up to |u(-30)|' at screen 0.84625, 0.91607 center

set xlabel 'time t'
set ylabel ''
unset logscale
set xrange [-30:0]
set yrange [-150:150]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch02_extrapolation.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth u1', \
     'ch02_extrapolation.dat' index 9 using 1:2 with lines lw 2.00 dt 2 lc rgb '#0072B2' title 'Neural ODE u1', \
     'ch02_extrapolation.dat' index 10 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'truth u2', \
     'ch02_extrapolation.dat' index 11 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'Neural ODE u2'

unset multiplot
