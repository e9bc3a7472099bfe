# ch02_fit.gp: gnuplot version of ch02_fit.png, written by ndeplot.h. Data: ch02_fit.dat.
# Run it in this directory: gnuplot ch02_fit.gp   (writes ch02_fit_gnuplot.png)
set terminal pngcairo size 1400,560 font 'sans,12' noenhanced
set output 'ch02_fit_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Chapter 02: du/dt = A u, a new random u0 (report Fig 1)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04714
set rmargin at screen 0.48214
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(a) truth vs Neural ODE on the training interval [0, 1]' at screen 0.25893, 0.91607 center

set xlabel 'time t'
set ylabel 'u'
unset logscale
set xrange [0:1]
set yrange [-3:2]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch02_fit.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth u1', \
     'ch02_fit.dat' index 1 using 1:2 with lines lw 2.00 dt 2 lc rgb '#0072B2' title 'Neural ODE u1', \
     'ch02_fit.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'truth u2', \
     'ch02_fit.dat' index 3 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'Neural ODE u2'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.57286
set rmargin at screen 0.97786
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(b) training loss' at screen 0.77536, 0.91607 center

set xlabel 'Adam update'
set ylabel 'MSE'
unset logscale
set xrange [0:2000]
set logscale y
set yrange [1.0000000000000001e-05:100]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch02_fit.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'MSE on the 8 trajectories'

unset multiplot
