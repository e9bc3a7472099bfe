# ch08_cost.gp: gnuplot version of ch08_cost.png, written by ndeplot.h. Data: ch08_cost.dat.
# Run it in this directory: gnuplot ch08_cost.gp   (writes ch08_cost_gnuplot.png)
set terminal pngcairo size 1500,620 font 'sans,12' noenhanced
set output 'ch08_cost_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'What the memory saving costs: time per gradient, and how far each gradient is from a tight one'

# panel (0,0)
set title 'CPU time of one gradient call'
set xlabel 'forward steps'
set ylabel 'ms'
unset logscale
set logscale x
set xrange [5:1000]
set logscale y
set yrange [0.050000000000000003:100]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch08_cost.dat' index 0 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'backprop (default)', \
     'ch08_cost.dat' index 1 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'backprop, 2 MB kept', \
     'ch08_cost.dat' index 2 using 1:2 with lines lw 2.00 dt 2 lc rgb '#009E73' title 'backprop recompute', \
     'ch08_cost.dat' index 3 using 1:2 with lines lw 2.00 dt 1 lc rgb '#E69F00' title 'interp adjoint', \
     'ch08_cost.dat' index 4 using 1:2 with lines lw 2.00 dt 1 lc rgb '#56B4E9' title 'backsolve adjoint'

# panel (0,1)
set title 'distance from backprop at rtol = atol = 1e-12'
set xlabel 'horizon T'
set ylabel '||g - g_ref|| / ||g_ref||'
unset logscale
set logscale x
set xrange [1:500]
set logscale y
set yrange [1e-08:0.10000000000000001]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch08_cost.dat' index 5 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'backprop (default)', \
     'ch08_cost.dat' index 6 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'backprop, 2 MB kept', \
     'ch08_cost.dat' index 7 using 1:2 with lines lw 2.00 dt 2 lc rgb '#009E73' title 'backprop recompute', \
     'ch08_cost.dat' index 8 using 1:2 with lines lw 2.00 dt 1 lc rgb '#E69F00' title 'interp adjoint', \
     'ch08_cost.dat' index 9 using 1:2 with lines lw 2.00 dt 1 lc rgb '#56B4E9' title 'backsolve adjoint'

unset multiplot
