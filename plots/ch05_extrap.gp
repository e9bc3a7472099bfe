# ch05_extrap.gp: gnuplot version of ch05_extrap.png, written by ndeplot.h. Data: ch05_extrap.dat.
# Run it in this directory: gnuplot ch05_extrap.gp   (writes ch05_extrap_gnuplot.png)
set terminal pngcairo size 1800,800 font 'sans,12' noenhanced
set output 'ch05_extrap_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,3 title 'Extrapolation beyond the training interval [0, 2.5] (report Fig 9)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04222
set rmargin at screen 0.32278
set tmargin at screen 0.87250
set bmargin at screen 0.55875
unset label
set title ''
set label 1 'theta1 on [0, 10]' at screen 0.18250, 0.94125 center
set key default
set key at screen 0.09333, 0.92000 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel ''
unset logscale
set xrange [0:10]
set yrange [-0.10000000000000001:0.10000000000000001]
unset colorbox
plot 'ch05_extrap.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'truth', \
     'ch05_extrap.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'Neural ODE'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.37556
set rmargin at screen 0.65278
set tmargin at screen 0.87250
set bmargin at screen 0.55875
unset label
set title ''
set label 1 'theta1 on [190, 200]: the truth alone' at screen 0.51417, 0.94125 center
set key default
set key at screen 0.47778, 0.92000 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel ''
unset logscale
set xrange [190:200]
set yrange [-0.050000000000000003:0.050000000000000003]
unset colorbox
plot 'ch05_extrap.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'truth'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.68889
set rmargin at screen 0.98611
set tmargin at screen 0.92000
set bmargin at screen 0.55875
unset label
set title ''
set label 1 'theta1 on [190, 200]' at screen 0.83750, 0.94125 center

set xlabel 't'
set ylabel ''
unset logscale
set xrange [190:200]
set yrange [-6:6]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch05_extrap.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'truth', \
     'ch05_extrap.dat' index 4 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'Neural ODE'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04222
set rmargin at screen 0.32278
set tmargin at screen 0.39125
set bmargin at screen 0.07750
unset label
set title ''
set label 1 'theta2 on [0, 10]' at screen 0.18250, 0.46000 center
set key default
set key at screen 0.09333, 0.43875 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel ''
unset logscale
set xrange [0:10]
set yrange [-0.10000000000000001:0.10000000000000001]
unset colorbox
plot 'ch05_extrap.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'truth', \
     'ch05_extrap.dat' index 6 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'Neural ODE'

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.37556
set rmargin at screen 0.65278
set tmargin at screen 0.43875
set bmargin at screen 0.07750
unset label
set title ''
set label 1 'theta2 on [190, 200]: the truth alone' at screen 0.51417, 0.46000 center

set xlabel 't'
set ylabel ''
unset logscale
set xrange [190:200]
set yrange [-0.10000000000000001:0.10000000000000001]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch05_extrap.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'truth'

# panel (1,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.69556
set rmargin at screen 0.98611
set tmargin at screen 0.43875
set bmargin at screen 0.07750
unset label
set title ''
set label 1 'theta2 on [190, 200]' at screen 0.84083, 0.46000 center

set xlabel 't'
set ylabel ''
unset logscale
set xrange [190:200]
set yrange [-10:5]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch05_extrap.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'truth', \
     'ch05_extrap.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'Neural ODE'

unset multiplot
