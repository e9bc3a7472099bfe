# ch07_atol.gp: gnuplot version of ch07_atol.png, written by ndeplot.h. Data: ch07_atol.dat.
# Run it in this directory: gnuplot ch07_atol.gp   (writes ch07_atol_gnuplot.png)
set terminal pngcairo size 1400,560 font 'sans,12' noenhanced
set output 'ch07_atol_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Backsolve adjoint at lambda = 100: dL/dlambda error follows the forward y(1) error'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.07286
set rmargin at screen 0.49071
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'against atol' at screen 0.28179, 0.91607 center

set xlabel 'atol (rtol = 1e-6)'
set ylabel 'relative error'
unset logscale
set logscale x
set xrange [1.0000000000000001e-60:1]
set logscale y
set yrange [9.9999999999999998e-13:1e+40]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch07_atol.dat' index 0 using 1:2 with lines lw 2.67 dt 1 lc rgb '#0072B2' title '|grad error| / |dL/dlambda|', \
     'ch07_atol.dat' index 1 using 1:2 with points pt 7 ps 1.25 lc rgb '#D55E00' title 'rel. error of forward y(1)', \
     'ch07_atol.dat' index 2 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title '|y rebuilt backwards (0) - 1|', \
     'ch07_atol.dat' index 3 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' title 'atol = y(1) = e^-100'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.57286
set rmargin at screen 0.97786
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'against rtol: a relative error is not amplified' at screen 0.77536, 0.91607 center

set xlabel 'rtol (atol = 1e-60)'
set ylabel 'relative error'
unset logscale
set logscale x
set xrange [9.9999999999999998e-13:0.01]
set logscale y
set yrange [9.9999999999999998e-13:1]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch07_atol.dat' index 4 using 1:2 with lines lw 2.67 dt 1 lc rgb '#0072B2' title '|grad error| / |dL/dlambda|', \
     'ch07_atol.dat' index 5 using 1:2 with points pt 7 ps 1.25 lc rgb '#D55E00' title 'rel. error of forward y(1)', \
     'ch07_atol.dat' index 6 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title '|y rebuilt backwards (0) - 1|'

unset multiplot
