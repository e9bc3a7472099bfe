# ch08_memory.gp: gnuplot version of ch08_memory.png, written by ndeplot.h. Data: ch08_memory.dat.
# Run it in this directory: gnuplot ch08_memory.gp   (writes ch08_memory_gnuplot.png)
set terminal pngcairo size 1500,620 font 'sans,12' noenhanced
set output 'ch08_memory_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'What a gradient holds: backprop and method A grow with the steps, backsolve does not'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.07600
set rmargin at screen 0.47933
set tmargin at screen 0.89677
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'peak bytes of one gradient call (B = 4, 2-64-2 tanh)' at screen 0.27767, 0.92419 center

set xlabel 'forward steps (dopri5, rtol 1e-6)'
set ylabel 'bytes'
unset logscale
set logscale x
set xrange [5:1000]
set logscale y
set yrange [1000:100000000]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch08_memory.dat' index 0 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'backprop (default)', \
     'ch08_memory.dat' index 1 using 1:2 with lines lw 2.00 dt 2 lc rgb '#D55E00' title 'backprop, 2 MB kept', \
     'ch08_memory.dat' index 2 using 1:2 with lines lw 2.00 dt 2 lc rgb '#009E73' title 'backprop recompute', \
     'ch08_memory.dat' index 3 using 1:2 with lines lw 2.00 dt 1 lc rgb '#E69F00' title 'interp adjoint', \
     'ch08_memory.dat' index 4 using 1:2 with lines lw 2.00 dt 1 lc rgb '#56B4E9' title 'backsolve adjoint'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.54400
set rmargin at screen 0.99133
set tmargin at screen 0.83548
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'the batch''s orbits (closed: Phi is conserved)' at screen 0.76767, 0.92419 center
set key default
set key at screen 0.56267, 0.89677 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-3:3]
set yrange [-3:3]
unset colorbox
plot 'ch08_memory.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'row 0', \
     'ch08_memory.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'row 1', \
     'ch08_memory.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'row 2', \
     'ch08_memory.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'row 3', \
     'ch08_memory.dat' index 9 using 1:2 with points pt 7 ps 1.00 lc rgb '#56B4E9' title 'y0'

unset multiplot
