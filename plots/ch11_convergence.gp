# ch11_convergence.gp: gnuplot version of ch11_convergence.png, written by ndeplot.h. Data: ch11_convergence.dat.
# Run it in this directory: gnuplot ch11_convergence.gp   (writes ch11_convergence_gnuplot.png)
set terminal pngcairo size 1700,720 font 'sans,12' noenhanced
set output 'ch11_convergence_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Pendulum over one period: error at T against the step h (fixed steps); legend: fitted order (method''s order)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06000
set rmargin at screen 0.49235
set tmargin at screen 0.91111
set bmargin at screen 0.08611
unset label
set title ''
set label 1 'explicit Runge-Kutta (adaptive ones at fixed h)' at screen 0.27618, 0.93472 center

set xlabel 'h'
set ylabel 'max |y(T) - y(0)|'
unset logscale
set logscale x
set xrange [1.0000000000000001e-05:1]
set logscale y
set yrange [1e-14:10000]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch11_convergence.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5 5.01 (5)', \
     'ch11_convergence.dat' index 1 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_convergence.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'euler 1.00 (1)', \
     'ch11_convergence.dat' index 3 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_convergence.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'midpoint 2.00 (2)', \
     'ch11_convergence.dat' index 5 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_convergence.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'heun 2.00 (2)', \
     'ch11_convergence.dat' index 7 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_convergence.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#56B4E9' title 'rk4 4.00 (4)', \
     'ch11_convergence.dat' index 9 using 1:2 with points pt 7 ps 1.00 lc rgb '#56B4E9' notitle, \
     'ch11_convergence.dat' index 10 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'bs32 3.00 (3)', \
     'ch11_convergence.dat' index 11 using 1:2 with points pt 7 ps 1.00 lc rgb '#CC79A7' notitle, \
     'ch11_convergence.dat' index 12 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'tsit5 5.03 (5)', \
     'ch11_convergence.dat' index 13 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56000
set rmargin at screen 0.99235
set tmargin at screen 0.91111
set bmargin at screen 0.08611
unset label
set title ''
set label 1 'implicit, exponential, symplectic' at screen 0.77618, 0.93472 center

set xlabel 'h'
set ylabel 'max |y(T) - y(0)|'
unset logscale
set logscale x
set xrange [1.0000000000000001e-05:1]
set logscale y
set yrange [1e-14:10000]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch11_convergence.dat' index 14 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'backward_euler 1.00 (1)', \
     'ch11_convergence.dat' index 15 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_convergence.dat' index 16 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4 3.96 (4)', \
     'ch11_convergence.dat' index 17 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_convergence.dat' index 18 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2 2.00 (2)', \
     'ch11_convergence.dat' index 19 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_convergence.dat' index 20 using 1:2 with lines lw 1.67 dt 2 lc rgb '#56B4E9' title 'leapfrog 2.00 (2)', \
     'ch11_convergence.dat' index 21 using 1:2 with points pt 7 ps 1.00 lc rgb '#56B4E9' notitle, \
     'ch11_convergence.dat' index 22 using 1:2 with lines lw 1.67 dt 2 lc rgb '#CC79A7' title 'gauss2 4.00 (4)', \
     'ch11_convergence.dat' index 23 using 1:2 with points pt 7 ps 1.00 lc rgb '#CC79A7' notitle

unset multiplot
