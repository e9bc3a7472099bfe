# ch13_training.gp: gnuplot version of ch13_training.png, written by ndeplot.h. Data: ch13_training.dat.
# Run it in this directory: gnuplot ch13_training.gp   (writes ch13_training_gnuplot.png)
set terminal pngcairo size 1900,660 font 'sans,12' noenhanced
set output 'ch13_training_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'Training on the annuli (dopri5, rtol = atol = 1e-3; loss and evaluations: running means over 50 iterations)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04000
set rmargin at screen 0.31684
set tmargin at screen 0.74545
set bmargin at screen 0.09394
unset label
set title ''
set label 1 'batch loss (MSE of the read-out)' at screen 0.17868, 0.92879 center
set key default
set key at screen 0.00895, 0.90303 left top vertical maxrows 4 reverse Left nobox samplen 2 font ',10'

set xlabel 'iteration'
set ylabel ''
unset logscale
set xrange [0:3000]
set logscale y
set yrange [1.0000000000000001e-05:10]
unset colorbox
plot 'ch13_training.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'plain, seed 14', \
     'ch13_training.dat' index 1 using 1:2 with lines lw 1.00 dt 2 lc rgb '#D55E00' title 'plain, seed 15', \
     'ch13_training.dat' index 2 using 1:2 with lines lw 1.00 dt 2 lc rgb '#D55E00' title 'plain, seed 16', \
     'ch13_training.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'p = 1, seed 14', \
     'ch13_training.dat' index 4 using 1:2 with lines lw 1.00 dt 2 lc rgb '#0072B2' title 'p = 1, seed 15', \
     'ch13_training.dat' index 5 using 1:2 with lines lw 1.00 dt 2 lc rgb '#0072B2' title 'p = 1, seed 16', \
     'ch13_training.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'p = 5, seed 14', \
     'ch13_training.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'p = 1, read-out of z only'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.36053
set rmargin at screen 0.65000
set tmargin at screen 0.90303
set bmargin at screen 0.09394
unset label
set title ''
set label 1 'accuracy on the 3000 training points' at screen 0.50553, 0.92879 center

set xlabel 'iteration'
set ylabel ''
unset logscale
set xrange [0:3000]
set yrange [0.40000000000000002:1.02]
set key default
set key reverse Left bottom right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_training.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'plain, seed 14', \
     'ch13_training.dat' index 9 using 1:2 with lines lw 1.00 dt 2 lc rgb '#D55E00' title 'plain, seed 15', \
     'ch13_training.dat' index 10 using 1:2 with lines lw 1.00 dt 2 lc rgb '#D55E00' title 'plain, seed 16', \
     'ch13_training.dat' index 11 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'p = 1, seed 14', \
     'ch13_training.dat' index 12 using 1:2 with lines lw 1.00 dt 2 lc rgb '#0072B2' title 'p = 1, seed 15', \
     'ch13_training.dat' index 13 using 1:2 with lines lw 1.00 dt 2 lc rgb '#0072B2' title 'p = 1, seed 16', \
     'ch13_training.dat' index 14 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'p = 5, seed 14', \
     'ch13_training.dat' index 15 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'p = 1, read-out of z only'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.68737
set rmargin at screen 0.98368
set tmargin at screen 0.90303
set bmargin at screen 0.09394
unset label
set title ''
set label 1 'forward evaluations per iteration' at screen 0.83553, 0.92879 center

set xlabel 'iteration'
set ylabel ''
unset logscale
set xrange [0:3000]
set yrange [20:60]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_training.dat' index 16 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'plain, seed 14', \
     'ch13_training.dat' index 17 using 1:2 with lines lw 1.00 dt 2 lc rgb '#D55E00' title 'plain, seed 15', \
     'ch13_training.dat' index 18 using 1:2 with lines lw 1.00 dt 2 lc rgb '#D55E00' title 'plain, seed 16', \
     'ch13_training.dat' index 19 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'p = 1, seed 14', \
     'ch13_training.dat' index 20 using 1:2 with lines lw 1.00 dt 2 lc rgb '#0072B2' title 'p = 1, seed 15', \
     'ch13_training.dat' index 21 using 1:2 with lines lw 1.00 dt 2 lc rgb '#0072B2' title 'p = 1, seed 16', \
     'ch13_training.dat' index 22 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'p = 5, seed 14', \
     'ch13_training.dat' index 23 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'p = 1, read-out of z only'

unset multiplot
