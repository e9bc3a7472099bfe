# ch04_fit.gp: gnuplot version of ch04_fit.png, written by ndeplot.h. Data: ch04_fit.dat.
# Run it in this directory: gnuplot ch04_fit.gp   (writes ch04_fit_gnuplot.png)
set terminal pngcairo size 1300,1000 font 'sans,12' noenhanced
set output 'ch04_fit_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,1 title 'Chapter 04: Lotka-Volterra, observations with noise sigma = 0.1 (report Fig 5)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06000
set rmargin at screen 0.98538
set tmargin at screen 0.87600
set bmargin at screen 0.54700
unset label
set title ''
set label 1 '(a) after 300 Adam updates (the report''s setting)' at screen 0.52269, 0.95300 center
set key default
set key at screen 0.05538, 0.93600 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'time t'
set ylabel 'population'
unset logscale
set xrange [0:10]
set yrange [0:2.5]
unset colorbox
plot 'ch04_fit.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth prey x', \
     'ch04_fit.dat' index 1 using 1:2 with lines lw 2.00 dt 2 lc rgb '#0072B2' title 'Neural ODE x', \
     'ch04_fit.dat' index 2 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' title 'noisy observations x', \
     'ch04_fit.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'truth predator y', \
     'ch04_fit.dat' index 4 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'Neural ODE y', \
     'ch04_fit.dat' index 5 using 1:2 with points pt 5 ps 1.00 lc rgb '#D55E00' title 'noisy observations y'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06000
set rmargin at screen 0.98538
set tmargin at screen 0.39100
set bmargin at screen 0.06200
unset label
set title ''
set label 1 '(b) lowest training loss in 3000 updates (update 2975)' at screen 0.52269, 0.46800 center
set key default
set key at screen 0.05538, 0.45100 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'time t'
set ylabel 'population'
unset logscale
set xrange [0:10]
set yrange [0:2.5]
unset colorbox
plot 'ch04_fit.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth prey x', \
     'ch04_fit.dat' index 7 using 1:2 with lines lw 2.00 dt 2 lc rgb '#0072B2' title 'Neural ODE x', \
     'ch04_fit.dat' index 8 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' title 'noisy observations x', \
     'ch04_fit.dat' index 9 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'truth predator y', \
     'ch04_fit.dat' index 10 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'Neural ODE y', \
     'ch04_fit.dat' index 11 using 1:2 with points pt 5 ps 1.00 lc rgb '#D55E00' title 'noisy observations y'

unset multiplot
