# ch14_8gauss.gp: gnuplot version of ch14_8gauss.png, written by ndeplot.h. Data: ch14_8gauss.dat.
# Run it in this directory: gnuplot ch14_8gauss.gp   (writes ch14_8gauss_gnuplot.png)
set terminal pngcairo size 1600,820 font 'sans,12' noenhanced
set output 'ch14_8gauss_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,4 title 'Continuous normalizing flow: 8gauss (base N(0, 0.1 I) at t = 1, data at t = 0)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.02500
set rmargin at screen 0.24188
set tmargin at screen 0.92195
set bmargin at screen 0.52561
unset label
set title ''
set label 1 'target samples (held out)' at screen 0.13344, 0.94268 center

set xlabel ''
set ylabel ''
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset key
unset colorbox
plot 'ch14_8gauss.dat' index 0 using 1:2 with points pt 7 ps 0.25 lc rgb '#0072B2' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.27500
set rmargin at screen 0.43125
set tmargin at screen 0.92195
set bmargin at screen 0.52561
unset label
set title ''
set label 1 'learned density exp(log p)' at screen 0.35344, 0.94268 center

set xlabel ''
set ylabel ''
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset key
set colorbox
set cbrange [1.9915293400255408e-18:1.4853170581428141]
set cblabel 'p(x)'
plot 'ch14_8gauss.dat' index 1 matrix using (-2+($1+0.5)*0.0333333333):(-2+($2+0.5)*0.0333333333):3 with image notitle

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.52500
set rmargin at screen 0.74187
set tmargin at screen 0.92195
set bmargin at screen 0.52561
unset label
set title ''
set label 1 'model samples (t = 0)' at screen 0.63344, 0.94268 center

set xlabel ''
set ylabel ''
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset key
unset colorbox
plot 'ch14_8gauss.dat' index 2 using 1:2 with points pt 7 ps 0.25 lc rgb '#0072B2' notitle

# panel (0,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.76750
set rmargin at screen 0.98438
set tmargin at screen 0.92195
set bmargin at screen 0.55732
unset label
set title ''
set label 1 'training' at screen 0.87594, 0.94268 center

set xlabel 'iteration'
set ylabel ''
unset logscale
set xrange [0:300]
set yrange [0:5]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch14_8gauss.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'batch NLL', \
     'ch14_8gauss.dat' index 4 using 1:2 with lines lw 1.67 dt 2 lc rgb '#8C8C8C' title 'best Gaussian'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.02500
set rmargin at screen 0.24188
set tmargin at screen 0.44024
set bmargin at screen 0.04390
unset label
set title ''
set label 1 'samples at t = 1.00' at screen 0.13344, 0.46098 center

set xlabel ''
set ylabel ''
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset key
unset colorbox
plot 'ch14_8gauss.dat' index 5 using 1:2 with points pt 7 ps 0.25 lc rgb '#0072B2' notitle

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.27500
set rmargin at screen 0.49188
set tmargin at screen 0.44024
set bmargin at screen 0.04390
unset label
set title ''
set label 1 'samples at t = 0.75' at screen 0.38344, 0.46098 center

set xlabel ''
set ylabel ''
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset key
unset colorbox
plot 'ch14_8gauss.dat' index 6 using 1:2 with points pt 7 ps 0.25 lc rgb '#0072B2' notitle

# panel (1,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.52500
set rmargin at screen 0.74187
set tmargin at screen 0.44024
set bmargin at screen 0.04390
unset label
set title ''
set label 1 'samples at t = 0.50' at screen 0.63344, 0.46098 center

set xlabel ''
set ylabel ''
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset key
unset colorbox
plot 'ch14_8gauss.dat' index 7 using 1:2 with points pt 7 ps 0.25 lc rgb '#0072B2' notitle

# panel (1,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.77500
set rmargin at screen 0.99187
set tmargin at screen 0.44024
set bmargin at screen 0.04390
unset label
set title ''
set label 1 'samples at t = 0.25' at screen 0.88344, 0.46098 center

set xlabel ''
set ylabel ''
unset logscale
set xrange [-2:2]
set yrange [-2:2]
unset key
unset colorbox
plot 'ch14_8gauss.dat' index 8 using 1:2 with points pt 7 ps 0.25 lc rgb '#0072B2' notitle

unset multiplot
