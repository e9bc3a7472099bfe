# ch11_work.gp: gnuplot version of ch11_work.png, written by ndeplot.h. Data: ch11_work.dat.
# Run it in this directory: gnuplot ch11_work.gp   (writes ch11_work_gnuplot.png)
set terminal pngcairo size 1000,1300 font 'sans,12' noenhanced
set output 'ch11_work_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,1 title 'Work-precision against evaluations (dotted: the stated accuracy 1e-5)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.10200
set rmargin at screen 0.97500
set tmargin at screen 0.90462
set bmargin at screen 0.53615
unset label
set title ''
set label 1 'pendulum over one period: error against evaluations of f' at screen 0.53850, 0.96385 center
set key default
set key at screen 0.08200, 0.95077 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'evaluations of f (Jacobians not counted)'
set ylabel 'max |y(T) - y(0)|'
unset logscale
set logscale x
set xrange [10:1000000]
set logscale y
set yrange [9.9999999999999998e-17:100]
unset colorbox
plot 'ch11_work.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_work.dat' index 1 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_work.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'euler', \
     'ch11_work.dat' index 3 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_work.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'midpoint', \
     'ch11_work.dat' index 5 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_work.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'heun', \
     'ch11_work.dat' index 7 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_work.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#56B4E9' title 'rk4', \
     'ch11_work.dat' index 9 using 1:2 with points pt 7 ps 1.00 lc rgb '#56B4E9' notitle, \
     'ch11_work.dat' index 10 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'bs32', \
     'ch11_work.dat' index 11 using 1:2 with points pt 7 ps 1.00 lc rgb '#CC79A7' notitle, \
     'ch11_work.dat' index 12 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'tsit5', \
     'ch11_work.dat' index 13 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_work.dat' index 14 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'backward_euler', \
     'ch11_work.dat' index 15 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_work.dat' index 16 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_work.dat' index 17 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_work.dat' index 18 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2', \
     'ch11_work.dat' index 19 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_work.dat' index 20 using 1:2 with lines lw 1.67 dt 2 lc rgb '#56B4E9' title 'leapfrog', \
     'ch11_work.dat' index 21 using 1:2 with points pt 7 ps 1.00 lc rgb '#56B4E9' notitle, \
     'ch11_work.dat' index 22 using 1:2 with lines lw 1.67 dt 2 lc rgb '#CC79A7' title 'gauss2', \
     'ch11_work.dat' index 23 using 1:2 with points pt 7 ps 1.00 lc rgb '#CC79A7' notitle

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.10200
set rmargin at screen 0.97500
set tmargin at screen 0.46231
set bmargin at screen 0.04769
unset label
set title ''
set label 1 'Robertson to t = 40: error against evaluations of f' at screen 0.53850, 0.47538 center

set xlabel 'evaluations of f (Jacobians not counted)'
set ylabel 'max relative error at t = 40'
unset logscale
set logscale x
set xrange [10:10000000]
set logscale y
set yrange [1e-10:100]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch11_work.dat' index 24 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_work.dat' index 25 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_work.dat' index 26 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_work.dat' index 27 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_work.dat' index 28 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2', \
     'ch11_work.dat' index 29 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_work.dat' index 30 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'backward_euler', \
     'ch11_work.dat' index 31 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_work.dat' index 32 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle

unset multiplot
