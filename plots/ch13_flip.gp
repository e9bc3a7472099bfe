# ch13_flip.gp: gnuplot version of ch13_flip.png, written by ndeplot.h. Data: ch13_flip.dat.
# Run it in this directory: gnuplot ch13_flip.gp   (writes ch13_flip_gnuplot.png)
set terminal pngcairo size 1300,1000 font 'sans,12' noenhanced
set output 'ch13_flip_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,2 title 'The flip g(-1) = 1, g(1) = -1: plain Neural ODE on R against one extra dimension'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06923
set rmargin at screen 0.48077
set tmargin at screen 0.93600
set bmargin at screen 0.54700
unset label
set title ''
set label 1 'plain Neural ODE: x(t) (the paths cannot cross)' at screen 0.27500, 0.95300 center

set xlabel 't'
set ylabel 'x'
unset logscale
set xrange [0:1]
set yrange [-1.6000000000000001:1.6000000000000001]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_flip.dat' index 0 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'from x = -1', \
     'ch13_flip.dat' index 1 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'from x = 1', \
     'ch13_flip.dat' index 2 using 1:2 with points pt 2 ps 2.00 lc rgb '#000000' title 'targets'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56923
set rmargin at screen 0.98077
set tmargin at screen 0.93600
set bmargin at screen 0.54700
unset label
set title ''
set label 1 'augmented [x, a]: x(t) (the points pass)' at screen 0.77500, 0.95300 center

set xlabel 't'
set ylabel 'x'
unset logscale
set xrange [0:1]
set yrange [-1.6000000000000001:1.6000000000000001]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_flip.dat' index 3 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'from x = -1', \
     'ch13_flip.dat' index 4 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'from x = 1', \
     'ch13_flip.dat' index 5 using 1:2 with points pt 2 ps 2.00 lc rgb '#000000' title 'targets'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06923
set rmargin at screen 0.48077
set tmargin at screen 0.45100
set bmargin at screen 0.06200
unset label
set title ''
set label 1 'augmented: the same paths in (x, a)' at screen 0.27500, 0.46800 center

set xlabel 'x'
set ylabel 'a'
unset logscale
set xrange [-1.5:1.5]
set yrange [-2:2]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_flip.dat' index 6 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'from (-1, 0)', \
     'ch13_flip.dat' index 7 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'from (1, 0)'

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.57846
set rmargin at screen 0.97615
set tmargin at screen 0.45100
set bmargin at screen 0.06200
unset label
set title ''
set label 1 'training loss (mean squared error at T)' at screen 0.77731, 0.46800 center

set xlabel 'iteration'
set ylabel 'loss'
unset logscale
set xrange [0:1000]
set logscale y
set yrange [1e-14:100]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_flip.dat' index 8 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'plain Neural ODE', \
     'ch13_flip.dat' index 9 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'augmented, p = 1', \
     'ch13_flip.dat' index 10 using 1:2 with lines lw 1.33 dt 2 lc rgb '#8C8C8C' title 'floor of any flow on R: 1'

unset multiplot
