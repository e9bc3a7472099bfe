# ch06_collocation.gp: gnuplot version of ch06_collocation.png, written by ndeplot.h. Data: ch06_collocation.dat.
# Run it in this directory: gnuplot ch06_collocation.gp   (writes ch06_collocation_gnuplot.png)
set terminal pngcairo size 1200,800 font 'sans,12' noenhanced
set output 'ch06_collocation_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,2 title 'Collocation: derivatives from the 26 observations (bandwidth 0.21)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.05333
set rmargin at screen 0.47917
set tmargin at screen 0.84500
set bmargin at screen 0.55875
unset label
set title ''
set label 1 'd theta1/dt' at screen 0.26625, 0.94125 center
set key default
set key at screen 0.11667, 0.92000 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel ''
unset logscale
set xrange [0:2.5]
set yrange [-0.40000000000000002:0.40000000000000002]
unset colorbox
plot 'ch06_collocation.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'exact (eq 3.6)', \
     'ch06_collocation.dat' index 1 using 1:2 with points pt 2 ps 1.00 lc rgb '#D55E00' title 'local quadratic estimate'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.55333
set rmargin at screen 0.97917
set tmargin at screen 0.84500
set bmargin at screen 0.55875
unset label
set title ''
set label 1 'd theta2/dt' at screen 0.76625, 0.94125 center
set key default
set key at screen 0.61667, 0.92000 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel ''
unset logscale
set xrange [0:2.5]
set yrange [-0.40000000000000002:0.40000000000000002]
unset colorbox
plot 'ch06_collocation.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'exact (eq 3.6)', \
     'ch06_collocation.dat' index 3 using 1:2 with points pt 2 ps 1.00 lc rgb '#D55E00' title 'local quadratic estimate'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.03333
set rmargin at screen 0.47917
set tmargin at screen 0.36375
set bmargin at screen 0.07750
unset label
set title ''
set label 1 'd p_theta1/dt' at screen 0.25625, 0.46000 center
set key default
set key at screen 0.10667, 0.43875 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel ''
unset logscale
set xrange [0:2.5]
set yrange [-2:1]
unset colorbox
plot 'ch06_collocation.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'exact (eq 3.6)', \
     'ch06_collocation.dat' index 5 using 1:2 with points pt 2 ps 1.00 lc rgb '#D55E00' title 'local quadratic estimate'

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.55333
set rmargin at screen 0.97917
set tmargin at screen 0.43875
set bmargin at screen 0.07750
unset label
set title ''
set label 1 'd p_theta2/dt' at screen 0.76625, 0.46000 center

set xlabel 't'
set ylabel ''
unset logscale
set xrange [0:2.5]
set yrange [-1:1]
set key default
set key reverse Left bottom right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch06_collocation.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#8C8C8C' title 'exact (eq 3.6)', \
     'ch06_collocation.dat' index 7 using 1:2 with points pt 2 ps 1.00 lc rgb '#D55E00' title 'local quadratic estimate'

unset multiplot
