# ch11_work.gp: gnuplot version of ch11_work.png, written by ndeplot.h. Data: ch11_work.dat.
# Run it in this directory: gnuplot ch11_work.gp   (writes ch11_work_gnuplot.png)
set terminal pngcairo size 1800,1300 font 'sans,12' noenhanced
set output 'ch11_work_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,2 title 'Work-precision: top, pendulum over one period; bottom, Robertson to t = 40 (dotted: the stated accuracy 1e-5)'

# panel (0,0)
set title 'pendulum: error against evaluations of f'
set xlabel 'evaluations of f (Jacobians not counted)'
set ylabel 'max |y(T) - y(0)|'
unset logscale
set logscale x
set xrange [10:1000000]
set logscale y
set yrange [9.9999999999999998e-17:100]
set key default
set key reverse Left above nobox
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

# panel (0,1)
set title 'pendulum: error against CPU time'
set xlabel 'CPU ms per solve'
set ylabel 'max |y(T) - y(0)|'
unset logscale
set logscale x
set xrange [0.001:100]
set logscale y
set yrange [9.9999999999999998e-17:100]
set key default
set key reverse Left above nobox
unset colorbox
plot 'ch11_work.dat' index 24 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_work.dat' index 25 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_work.dat' index 26 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'euler', \
     'ch11_work.dat' index 27 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_work.dat' index 28 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'midpoint', \
     'ch11_work.dat' index 29 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_work.dat' index 30 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'heun', \
     'ch11_work.dat' index 31 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_work.dat' index 32 using 1:2 with lines lw 1.67 dt 1 lc rgb '#56B4E9' title 'rk4', \
     'ch11_work.dat' index 33 using 1:2 with points pt 7 ps 1.00 lc rgb '#56B4E9' notitle, \
     'ch11_work.dat' index 34 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'bs32', \
     'ch11_work.dat' index 35 using 1:2 with points pt 7 ps 1.00 lc rgb '#CC79A7' notitle, \
     'ch11_work.dat' index 36 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'tsit5', \
     'ch11_work.dat' index 37 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_work.dat' index 38 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'backward_euler', \
     'ch11_work.dat' index 39 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_work.dat' index 40 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_work.dat' index 41 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_work.dat' index 42 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2', \
     'ch11_work.dat' index 43 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_work.dat' index 44 using 1:2 with lines lw 1.67 dt 2 lc rgb '#56B4E9' title 'leapfrog', \
     'ch11_work.dat' index 45 using 1:2 with points pt 7 ps 1.00 lc rgb '#56B4E9' notitle, \
     'ch11_work.dat' index 46 using 1:2 with lines lw 1.67 dt 2 lc rgb '#CC79A7' title 'gauss2', \
     'ch11_work.dat' index 47 using 1:2 with points pt 7 ps 1.00 lc rgb '#CC79A7' notitle

# panel (1,0)
set title 'Robertson: error against evaluations of f'
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
plot 'ch11_work.dat' index 48 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_work.dat' index 49 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_work.dat' index 50 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_work.dat' index 51 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_work.dat' index 52 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2', \
     'ch11_work.dat' index 53 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_work.dat' index 54 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'backward_euler', \
     'ch11_work.dat' index 55 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_work.dat' index 56 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle

# panel (1,1)
set title 'Robertson: error against CPU time'
set xlabel 'CPU ms per solve'
set ylabel 'max relative error at t = 40'
unset logscale
set logscale x
set xrange [0.001:1000]
set logscale y
set yrange [1e-10:100]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch11_work.dat' index 57 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_work.dat' index 58 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch11_work.dat' index 59 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_work.dat' index 60 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch11_work.dat' index 61 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2', \
     'ch11_work.dat' index 62 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch11_work.dat' index 63 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'backward_euler', \
     'ch11_work.dat' index 64 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch11_work.dat' index 65 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle

unset multiplot
