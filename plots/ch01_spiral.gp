# ch01_spiral.gp: gnuplot version of ch01_spiral.png, written by ndeplot.h. Data: ch01_spiral.dat.
# Run it in this directory: gnuplot ch01_spiral.gp   (writes ch01_spiral_gnuplot.png)
set terminal pngcairo size 1300,1050 font 'sans,12' noenhanced
set output 'ch01_spiral_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,2 title 'Neural ODE dy/dt = NN(y^3) on the cubic spiral (the classic torchdiffeq demo)'

# panel (0,0)
set title 'trajectories from y0 = (2, 0)'
set xlabel 't'
set ylabel 'y1, y2'
unset logscale
set xrange [0:25]
set yrange [-2:2.6000000000000001]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch01_spiral.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'y1 true', \
     'ch01_spiral.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'y2 true', \
     'ch01_spiral.dat' index 2 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'y1 model', \
     'ch01_spiral.dat' index 3 using 1:2 with lines lw 1.67 dt 2 lc rgb '#CC79A7' title 'y2 model'

# panel (0,1)
set title 'phase portrait'
set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2:2]
set yrange [-2:2]
set key default
set key reverse Left above nobox
unset colorbox
plot 'ch01_spiral.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'true', \
     'ch01_spiral.dat' index 5 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'model'

# panel (1,0)
set title 'learned vector field (directions)'
set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2.2000000000000002:2.2000000000000002]
set yrange [-2.2000000000000002:2.2000000000000002]
unset key
unset colorbox
plot 'ch01_spiral.dat' index 6 using 1:2:3:4 with vectors head size screen 0.008,25 lw 1.17 lc rgb '#000000' notitle

# panel (1,1)
set title 'loss'
set xlabel 'iteration'
set ylabel 'loss'
unset logscale
set xrange [0:2000]
set logscale y
set yrange [0.0001:1]
set key default
set key reverse Left above nobox
unset colorbox
plot 'ch01_spiral.dat' index 7 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' title 'minibatch MAE (training loss)', \
     'ch01_spiral.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'full-trajectory MSE', \
     'ch01_spiral.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'torchdiffeq run: MSE 0.029'

unset multiplot
