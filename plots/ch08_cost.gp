# ch08_cost.gp: gnuplot version of ch08_cost.png, written by ndeplot.h. Data: ch08_cost.dat.
# Run it in this directory: gnuplot ch08_cost.gp   (writes ch08_cost_gnuplot.png)
set terminal pngcairo size 900,620 font 'sans,12' noenhanced
set output 'ch08_cost_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,1 title 'What the memory saving costs in accuracy'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.11333
set rmargin at screen 0.97222
set tmargin at screen 0.89677
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'distance from backprop at rtol = atol = 1e-12' at screen 0.54278, 0.92419 center

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
plot 'ch08_cost.dat' index 0 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'backprop (3 variants, same gradient)', \
     'ch08_cost.dat' index 1 using 1:2 with lines lw 2.00 dt 1 lc rgb '#E69F00' title 'interp adjoint', \
     'ch08_cost.dat' index 2 using 1:2 with lines lw 2.00 dt 1 lc rgb '#56B4E9' title 'backsolve adjoint'

unset multiplot
