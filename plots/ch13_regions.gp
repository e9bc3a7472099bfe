# ch13_regions.gp: gnuplot version of ch13_regions.png, written by ndeplot.h. Data: ch13_regions.dat.
# Run it in this directory: gnuplot ch13_regions.gp   (writes ch13_regions_gnuplot.png)
set terminal pngcairo size 2400,660 font 'sans,12' noenhanced
set output 'ch13_regions_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,4 title 'Decision regions: the read-out at T over the input plane (clipped to [-1.5, 1.5]; its sign is the class)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.03750
set rmargin at screen 0.19917
set tmargin at screen 0.77879
set bmargin at screen 0.09394
unset label
set title ''
set label 1 'plain Neural ODE' at screen 0.11854, 0.92879 center
set key default
set key at screen 0.02875, 0.90303 left top vertical maxrows 3 reverse Left nobox samplen 2 font ',10'

set xlabel 'x1'
set ylabel 'x2'
unset logscale
set xrange [-2.0166666666666666:2.0166666666666666]
set yrange [-2.0166666666666666:2.0166666666666666]
set colorbox
set cbrange [-1.5:1.5]
set cblabel 'read-out'
plot 'ch13_regions.dat' index 0 matrix using (-2.01666667+($1+0.5)*0.0333333333):(-2.01666667+($2+0.5)*0.0333333333):3 with image notitle, \
     'ch13_regions.dat' index 1 using 1:2 with points pt 7 ps 0.50 lc rgb '#E69F00' title 'label -1', \
     'ch13_regions.dat' index 2 using 1:2 with points pt 2 ps 0.62 lc rgb '#000000' title 'label +1', \
     'ch13_regions.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'ray of -1 pulled back to t = 0', \
     'ch13_regions.dat' index 4 using 1:2 with points pt 7 ps 1.50 lc rgb '#D55E00' title 'channel at |x| = 1.25'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.28750
set rmargin at screen 0.44917
set tmargin at screen 0.84545
set bmargin at screen 0.09394
unset label
set title ''
set label 1 'augmented, p = 1' at screen 0.36854, 0.92879 center
set key default
set key at screen 0.29917, 0.90303 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'x1'
set ylabel 'x2'
unset logscale
set xrange [-2.0166666666666666:2.0166666666666666]
set yrange [-2.0166666666666666:2.0166666666666666]
set colorbox
set cbrange [-1.5:1.5]
set cblabel 'read-out'
plot 'ch13_regions.dat' index 5 matrix using (-2.01666667+($1+0.5)*0.0333333333):(-2.01666667+($2+0.5)*0.0333333333):3 with image notitle, \
     'ch13_regions.dat' index 6 using 1:2 with points pt 7 ps 0.50 lc rgb '#E69F00' title 'label -1', \
     'ch13_regions.dat' index 7 using 1:2 with points pt 2 ps 0.62 lc rgb '#000000' title 'label +1'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.53750
set rmargin at screen 0.69917
set tmargin at screen 0.84545
set bmargin at screen 0.09394
unset label
set title ''
set label 1 'augmented, p = 5' at screen 0.61854, 0.92879 center
set key default
set key at screen 0.54917, 0.90303 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'x1'
set ylabel 'x2'
unset logscale
set xrange [-2.0166666666666666:2.0166666666666666]
set yrange [-2.0166666666666666:2.0166666666666666]
set colorbox
set cbrange [-1.5:1.5]
set cblabel 'read-out'
plot 'ch13_regions.dat' index 8 matrix using (-2.01666667+($1+0.5)*0.0333333333):(-2.01666667+($2+0.5)*0.0333333333):3 with image notitle, \
     'ch13_regions.dat' index 9 using 1:2 with points pt 7 ps 0.50 lc rgb '#E69F00' title 'label -1', \
     'ch13_regions.dat' index 10 using 1:2 with points pt 2 ps 0.62 lc rgb '#000000' title 'label +1'

# panel (0,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.78750
set rmargin at screen 0.94917
set tmargin at screen 0.84545
set bmargin at screen 0.09394
unset label
set title ''
set label 1 'p = 1, read-out of z only' at screen 0.86854, 0.92879 center
set key default
set key at screen 0.79917, 0.90303 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'x1'
set ylabel 'x2'
unset logscale
set xrange [-2.0166666666666666:2.0166666666666666]
set yrange [-2.0166666666666666:2.0166666666666666]
set colorbox
set cbrange [-1.5:1.5]
set cblabel 'read-out'
plot 'ch13_regions.dat' index 11 matrix using (-2.01666667+($1+0.5)*0.0333333333):(-2.01666667+($2+0.5)*0.0333333333):3 with image notitle, \
     'ch13_regions.dat' index 12 using 1:2 with points pt 7 ps 0.50 lc rgb '#E69F00' title 'label -1', \
     'ch13_regions.dat' index 13 using 1:2 with points pt 2 ps 0.62 lc rgb '#000000' title 'label +1'

unset multiplot
