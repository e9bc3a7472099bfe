# ch12_training.gp: gnuplot version of ch12_training.png, written by ndeplot.h. Data: ch12_training.dat.
# Run it in this directory: gnuplot ch12_training.gp   (writes ch12_training_gnuplot.png)
set terminal pngcairo size 1400,560 font 'sans,12' noenhanced
set output 'ch12_training_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06429
set rmargin at screen 0.48643
set tmargin at screen 0.93929
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'Test accuracy after each epoch' at screen 0.27536, 0.96964 center

set xlabel 'epoch'
set ylabel 'test accuracy'
unset logscale
set xrange [1:10]
set yrange [0.82999999999999996:0.88]
set key default
set key reverse Left bottom right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch12_training.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'ODE-Net backprop', \
     'ch12_training.dat' index 1 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch12_training.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'ODE-Net adjoint', \
     'ch12_training.dat' index 3 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch12_training.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'ResNet 6 blocks', \
     'ch12_training.dat' index 5 using 1:2 with points pt 7 ps 1.00 lc rgb '#009E73' notitle, \
     'ch12_training.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'MLP 784-64-10', \
     'ch12_training.dat' index 7 using 1:2 with points pt 7 ps 1.00 lc rgb '#E69F00' notitle, \
     'ch12_training.dat' index 8 using 1:2 with points pt 2 ps 1.50 lc rgb '#8C8C8C' title 'torchdiffeq ODE-Net (issue 10)'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56429
set rmargin at screen 0.98643
set tmargin at screen 0.83214
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'ODE-Net: evaluations of f per iteration (epoch mean)' at screen 0.77179, 0.96964 center
set key default
set key at screen 0.55786, 0.93929 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'epoch'
set ylabel 'evaluations per iteration'
unset logscale
set xrange [1:10]
set yrange [17.5:20.5]
unset colorbox
plot 'ch12_training.dat' index 9 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'backprop forward', \
     'ch12_training.dat' index 10 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch12_training.dat' index 11 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'backprop (vjp) backward', \
     'ch12_training.dat' index 12 using 1:2 with points pt 5 ps 1.00 lc rgb '#0072B2' notitle, \
     'ch12_training.dat' index 13 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'adjoint forward', \
     'ch12_training.dat' index 14 using 1:2 with points pt 7 ps 1.00 lc rgb '#D55E00' notitle, \
     'ch12_training.dat' index 15 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'adjoint backward', \
     'ch12_training.dat' index 16 using 1:2 with points pt 5 ps 1.00 lc rgb '#D55E00' notitle

unset multiplot
