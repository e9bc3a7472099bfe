# ch10_single.gp: gnuplot version of ch10_single.png, written by ndeplot.h. Data: ch10_single.dat.
# Run it in this directory: gnuplot ch10_single.gp   (writes ch10_single_gnuplot.png)
set terminal pngcairo size 1300,1100 font 'sans,12' noenhanced
set output 'ch10_single_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,2 title 'One spiral learned, the law not: a model trained on x = cos t, y = sin t (a = 0, b = 1)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06923
set rmargin at screen 0.48077
set tmargin at screen 0.94182
set bmargin at screen 0.54273
unset label
set title ''
set label 1 'training spiral: a = 0, b = 1, t in [0, 5]' at screen 0.27500, 0.95727 center

set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-1.5:1.5]
set yrange [-1.5:1.5]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch10_single.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_single.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'model'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56923
set rmargin at screen 0.98077
set tmargin at screen 0.94182
set bmargin at screen 0.54273
unset label
set title ''
set label 1 'test spiral: a = -0.20, b = 1.50' at screen 0.77500, 0.95727 center

set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-1.5:1.5]
set yrange [-1.5:1.5]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch10_single.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_single.dat' index 3 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'single-spiral model'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06923
set rmargin at screen 0.48077
set tmargin at screen 0.45545
set bmargin at screen 0.05636
unset label
set title ''
set label 1 'test spiral: a = -0.10, b = 0.50' at screen 0.27500, 0.47091 center

set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-1.5:1.5]
set yrange [-1.5:1.5]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch10_single.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_single.dat' index 5 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'single-spiral model'

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56923
set rmargin at screen 0.98077
set tmargin at screen 0.42091
set bmargin at screen 0.05636
unset label
set title ''
set label 1 'test spiral: a = 0.10, b = 2.50' at screen 0.77500, 0.47091 center
set key default
set key at screen 0.61000, 0.45545 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-1.5:2]
set yrange [-2:1.5]
unset colorbox
plot 'ch10_single.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_single.dat' index 7 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'single-spiral model'

unset multiplot
