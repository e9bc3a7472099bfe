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

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.05077
set rmargin at screen 0.48538
set tmargin at screen 0.93905
set bmargin at screen 0.54476
unset label
set title ''
set label 1 'trajectories from y0 = (2, 0)' at screen 0.26808, 0.95524 center

set xlabel 't'
set ylabel 'y1, y2'
unset logscale
set xrange [0:25]
set yrange [-2:2.6000000000000001]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch01_spiral.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'y1 true', \
     'ch01_spiral.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'y2 true', \
     'ch01_spiral.dat' index 2 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'y1 model', \
     'ch01_spiral.dat' index 3 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'y2 model'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.55077
set rmargin at screen 0.99000
set tmargin at screen 0.90286
set bmargin at screen 0.54476
unset label
set title ''
set label 1 'phase portrait' at screen 0.77038, 0.95524 center
set key default
set key at screen 0.67462, 0.93905 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset colorbox
plot 'ch01_spiral.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'true', \
     'ch01_spiral.dat' index 5 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'model'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06923
set rmargin at screen 0.49000
set tmargin at screen 0.45333
set bmargin at screen 0.05905
unset label
set title ''
set label 1 'learned vector field (directions)' at screen 0.27962, 0.46952 center

set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2.2000000000000002:2.2000000000000002]
set yrange [-2.2000000000000002:2.2000000000000002]
unset key
unset colorbox
plot 'ch01_spiral.dat' index 6 using 1:2:3:4 with vectors head size screen 0.008,25 lw 1.17 lc rgb '#000000' notitle

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.57846
set rmargin at screen 0.97615
set tmargin at screen 0.37524
set bmargin at screen 0.05905
unset label
set title ''
set label 1 'loss' at screen 0.77731, 0.46952 center
set key default
set key at screen 0.61615, 0.45333 left top vertical maxrows 3 reverse Left nobox samplen 2 font ',10'

set xlabel 'iteration'
set ylabel 'loss'
unset logscale
set xrange [0:2000]
set logscale y
set yrange [0.0001:1]
unset colorbox
plot 'ch01_spiral.dat' index 7 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' title 'minibatch MAE (training loss)', \
     'ch01_spiral.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'full-trajectory MSE', \
     'ch01_spiral.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'torchdiffeq run: MSE 0.029'

unset multiplot
