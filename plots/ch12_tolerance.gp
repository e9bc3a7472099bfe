# ch12_tolerance.gp: gnuplot version of ch12_tolerance.png, written by ndeplot.h. Data: ch12_tolerance.dat.
# Run it in this directory: gnuplot ch12_tolerance.gp   (writes ch12_tolerance_gnuplot.png)
set terminal pngcairo size 1400,560 font 'sans,12' noenhanced
set output 'ch12_tolerance_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.07286
set rmargin at screen 0.48214
set tmargin at screen 0.93929
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'Trained ODE-Net solved at other tolerances' at screen 0.27750, 0.96964 center

set xlabel 'rtol = atol at test time (trained at 1e-3)'
set ylabel 'test accuracy'
unset logscale
set logscale x
set xrange [9.9999999999999995e-07:0.10000000000000001]
set yrange [0.86470000000000002:0.88480000000000003]
unset key
unset colorbox
plot 'ch12_tolerance.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' notitle, \
     'ch12_tolerance.dat' index 1 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.57286
set rmargin at screen 0.98643
set tmargin at screen 0.93929
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'Accuracy against evaluations per test batch' at screen 0.77964, 0.96964 center

set xlabel 'evaluations of f per batch of 1000'
set ylabel 'test accuracy'
unset logscale
set logscale x
set xrange [10:50]
set yrange [0.86470000000000002:0.88480000000000003]
unset key
unset colorbox
plot 'ch12_tolerance.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' notitle, \
     'ch12_tolerance.dat' index 3 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle

unset multiplot
