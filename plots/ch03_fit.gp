# ch03_fit.gp: gnuplot version of ch03_fit.png, written by ndeplot.h. Data: ch03_fit.dat.
# Run it in this directory: gnuplot ch03_fit.gp   (writes ch03_fit_gnuplot.png)
set terminal pngcairo size 1650,560 font 'sans,12' noenhanced
set output 'ch03_fit_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'Chapter 03: Neural ODE on Lotka-Volterra (the Julia report, Fig 3)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04727
set rmargin at screen 0.32182
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(a) training interval [0, 10]' at screen 0.18455, 0.91607 center

set xlabel 't'
set ylabel 'population'
unset logscale
set xrange [0:10]
set yrange [0:2.6000000000000001]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch03_fit.dat' index 0 using 1:2 with points pt 7 ps 0.75 lc rgb '#56B4E9' title 'observed prey x', \
     'ch03_fit.dat' index 1 using 1:2 with points pt 5 ps 0.75 lc rgb '#E69F00' title 'observed predator y', \
     'ch03_fit.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'Neural ODE x', \
     'ch03_fit.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'Neural ODE y'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.38061
set rmargin at screen 0.65152
set tmargin at screen 0.77857
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(b) phase portrait' at screen 0.51606, 0.91607 center
set key default
set key at screen 0.40727, 0.88571 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'prey x'
set ylabel 'predator y'
unset logscale
set xrange [0:2]
set yrange [0:1]
unset colorbox
plot 'ch03_fit.dat' index 4 using 1:2 with lines lw 2.00 dt 1 lc rgb '#8C8C8C' title 'true orbit', \
     'ch03_fit.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'Neural ODE, t in [0, 50]'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.72121
set rmargin at screen 0.98121
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 '(c) training loss (Adam 1e-3)' at screen 0.85121, 0.91607 center

set xlabel 'Adam step'
set ylabel 'MSE'
unset logscale
set xrange [0:3000]
set logscale y
set yrange [0.01:2]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch03_fit.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'MSE on the 101 points'

unset multiplot
