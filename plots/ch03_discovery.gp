# ch03_discovery.gp: gnuplot version of ch03_discovery.png, written by ndeplot.h. Data: ch03_discovery.dat.
# Run it in this directory: gnuplot ch03_discovery.gp   (writes ch03_discovery_gnuplot.png)
set terminal pngcairo size 1500,1050 font 'sans,12' noenhanced
set output 'ch03_discovery_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,2 title 'Chapter 03: discovering (alpha, beta, delta, gamma) with the adjoint'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.05200
set rmargin at screen 0.48333
set tmargin at screen 0.88190
set bmargin at screen 0.54476
unset label
set title ''
set label 1 '(a) loss on the whole trajectory: trapped' at screen 0.26767, 0.95524 center
set key default
set key at screen 0.07667, 0.93905 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'Adam step'
set ylabel 'parameter value'
unset logscale
set xrange [0:400]
set yrange [0.5:3.5]
unset colorbox
plot 'ch03_discovery.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'alpha (true 0.6667)', \
     'ch03_discovery.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' notitle, \
     'ch03_discovery.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'beta (true 1.333)', \
     'ch03_discovery.dat' index 3 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' notitle, \
     'ch03_discovery.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'delta (true 1)', \
     'ch03_discovery.dat' index 5 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' notitle, \
     'ch03_discovery.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'gamma (true 1)', \
     'ch03_discovery.dat' index 7 using 1:2 with lines lw 1.67 dt 2 lc rgb '#CC79A7' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.55200
set rmargin at screen 0.98333
set tmargin at screen 0.93905
set bmargin at screen 0.54476
unset label
set title ''
set label 1 '(b) loss on 90 windows of 1 time unit' at screen 0.76767, 0.95524 center

set xlabel 'Adam step'
set ylabel 'parameter value'
unset logscale
set xrange [0:400]
set yrange [0.59999999999999998:2.2000000000000002]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch03_discovery.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'alpha (true 0.6667)', \
     'ch03_discovery.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' notitle, \
     'ch03_discovery.dat' index 10 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'beta (true 1.333)', \
     'ch03_discovery.dat' index 11 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' notitle, \
     'ch03_discovery.dat' index 12 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'delta (true 1)', \
     'ch03_discovery.dat' index 13 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' notitle, \
     'ch03_discovery.dat' index 14 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'gamma (true 1)', \
     'ch03_discovery.dat' index 15 using 1:2 with lines lw 1.67 dt 2 lc rgb '#CC79A7' notitle

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06800
set rmargin at screen 0.48333
set tmargin at screen 0.45333
set bmargin at screen 0.05905
unset label
set title ''
set label 1 '(c) max relative parameter error' at screen 0.27567, 0.46952 center

set xlabel 'Adam step'
set ylabel 'max_k |theta_k - true_k| / true_k'
unset logscale
set xrange [0:400]
set logscale y
set yrange [9.9999999999999995e-08:10]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch03_discovery.dat' index 16 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title '(a) whole trajectory', \
     'ch03_discovery.dat' index 17 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title '(b) windows', \
     'ch03_discovery.dat' index 18 using 1:2 with lines lw 1.67 dt 3 lc rgb '#000000' title 'claim: 1e-2'

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.55200
set rmargin at screen 0.98733
set tmargin at screen 0.45333
set bmargin at screen 0.05905
unset label
set title ''
set label 1 '(d) models after training vs data' at screen 0.76967, 0.46952 center

set xlabel 't'
set ylabel 'population'
unset logscale
set xrange [0:10]
set yrange [0:3]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch03_discovery.dat' index 19 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'trapped (a) x', \
     'ch03_discovery.dat' index 20 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'trapped (a) y', \
     'ch03_discovery.dat' index 21 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'discovered (b) x', \
     'ch03_discovery.dat' index 22 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'discovered (b) y', \
     'ch03_discovery.dat' index 23 using 1:2 with points pt 7 ps 0.75 lc rgb '#56B4E9' title 'observed x', \
     'ch03_discovery.dat' index 24 using 1:2 with points pt 5 ps 0.75 lc rgb '#E69F00' title 'observed y'

unset multiplot
