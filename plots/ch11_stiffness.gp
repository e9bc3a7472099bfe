# ch11_stiffness.gp: gnuplot version of ch11_stiffness.png, written by ndeplot.h. Data: ch11_stiffness.dat.
# Run it in this directory: gnuplot ch11_stiffness.gp   (writes ch11_stiffness_gnuplot.png)
set terminal pngcairo size 1900,640 font 'sans,12' noenhanced
set output 'ch11_stiffness_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'Stiffness: u'' = -lambda (u - cos t), u(0) = 0, t in [0, 10], rtol = atol = 1e-6 (epi2: fewest steps reaching 1e-6)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06000
set rmargin at screen 0.31368
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'accepted steps against lambda' at screen 0.18711, 0.92656 center

set xlabel 'lambda'
set ylabel 'steps'
unset logscale
set logscale x
set xrange [1:10000]
set logscale y
set yrange [1:100000]
set key default
set key reverse Left bottom right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch11_stiffness.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_stiffness.dat' index 1 using 1:2 with points pt 5 ps 1.75 lc rgb '#0072B2' title 'squares: stiffness flagged', \
     'ch11_stiffness.dat' index 2 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'tsit5', \
     'ch11_stiffness.dat' index 3 using 1:2 with points pt 5 ps 1.75 lc rgb '#0072B2' notitle, \
     'ch11_stiffness.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'bs32', \
     'ch11_stiffness.dat' index 5 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_stiffness.dat' index 6 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2', \
     'ch11_stiffness.dat' index 7 using 1:2 with lines lw 1.67 dt 2 lc rgb '#8C8C8C' title 'lambda T / 3.31 (dopri5 interval)'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.38053
set rmargin at screen 0.65632
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'lambda = 1000: steps taken up to t' at screen 0.51868, 0.92656 center

set xlabel 't'
set ylabel 'steps'
unset logscale
set xrange [0:10]
set yrange [0:3500]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch11_stiffness.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_stiffness.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_stiffness.dat' index 10 using 1:2 with lines lw 1.67 dt 2 lc rgb '#8C8C8C' title '1000 t / 3.31 (stability limit)', \
     'ch11_stiffness.dat' index 11 using 1:2 with lines lw 1.67 dt 3 lc rgb '#000000' title 'stiffness detected, t = 1.55'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.72632
set rmargin at screen 0.98053
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 '|R(-x)| on the negative real axis' at screen 0.85342, 0.92656 center

set xlabel 'x = h lambda'
set ylabel '|R(-x)| (clipped)'
unset logscale
set logscale x
set xrange [0.01:10000]
set logscale y
set yrange [9.9999999999999998e-13:1000000000000]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch11_stiffness.dat' index 12 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'euler', \
     'ch11_stiffness.dat' index 13 using 1:2 with lines lw 1.67 dt 1 lc rgb '#56B4E9' title 'rk4', \
     'ch11_stiffness.dat' index 14 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'dopri5', \
     'ch11_stiffness.dat' index 15 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'backward_euler', \
     'ch11_stiffness.dat' index 16 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'sdirk4', \
     'ch11_stiffness.dat' index 17 using 1:2 with lines lw 1.67 dt 2 lc rgb '#CC79A7' title 'gauss2', \
     'ch11_stiffness.dat' index 18 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'epi2', \
     'ch11_stiffness.dat' index 19 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle

unset multiplot
