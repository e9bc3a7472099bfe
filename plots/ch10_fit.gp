# ch10_fit.gp: gnuplot version of ch10_fit.png, written by ndeplot.h. Data: ch10_fit.dat.
# Run it in this directory: gnuplot ch10_fit.gp   (writes ch10_fit_gnuplot.png)
set terminal pngcairo size 1400,620 font 'sans,12' noenhanced
set output 'ch10_fit_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Section 7: learning (a, b) from one noisy spiral, by the known form and through the family network'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06429
set rmargin at screen 0.48214
set tmargin at screen 0.76452
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'Adam iterates from the training spiral''s (0, 1)' at screen 0.27321, 0.92419 center
set key default
set key at screen 0.01714, 0.89677 left top vertical maxrows 3 reverse Left nobox samplen 2 font ',10'

set xlabel 'iteration'
set ylabel 'a, b'
unset logscale
set xrange [0:400]
set yrange [-0.5:1.5]
unset colorbox
plot 'ch10_fit.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'a, known form', \
     'ch10_fit.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'b, known form', \
     'ch10_fit.dat' index 2 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'a, through the network', \
     'ch10_fit.dat' index 3 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'b, through the network', \
     'ch10_fit.dat' index 4 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' title 'true a, b', \
     'ch10_fit.dat' index 5 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56429
set rmargin at screen 0.98214
set tmargin at screen 0.72903
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'the observed spiral a = -0.15, b = 1.3 from (1, 0)' at screen 0.77321, 0.92419 center
set key default
set key at screen 0.59429, 0.89677 left top vertical maxrows 4 reverse Left nobox samplen 2 font ',10'

set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-1:1.5]
set yrange [-1:1]
unset colorbox
plot 'ch10_fit.dat' index 6 using 1:2 with points pt 7 ps 1.00 lc rgb '#000000' title 'observations (noise 0.02)', \
     'ch10_fit.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_fit.dat' index 8 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'known form, fitted', \
     'ch10_fit.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#E69F00' title 'network at its fitted (a, b)', \
     'ch10_fit.dat' index 10 using 1:2 with lines lw 1.67 dt 3 lc rgb '#CC79A7' title 'network at the true (a, b)'

unset multiplot
