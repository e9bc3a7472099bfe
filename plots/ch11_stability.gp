# ch11_stability.gp: gnuplot version of ch11_stability.png, written by ndeplot.h. Data: ch11_stability.dat.
# Run it in this directory: gnuplot ch11_stability.gp   (writes ch11_stability_gnuplot.png)
set terminal pngcairo size 1800,860 font 'sans,12' noenhanced
set output 'ch11_stability_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,4 title 'Linear stability: log10 |R(z)|, z = h lambda (clipped to [-2, 2]); line: |R(z)| = 1; stable where log10 |R| <= 0 (dark)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.03667
set rmargin at screen 0.19556
set tmargin at screen 0.92558
set bmargin at screen 0.55465
unset label
set title ''
set label 1 'euler: stable inside' at screen 0.11639, 0.94535 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-6:6]
set yrange [-4.5:4.5]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 0 matrix using (-6+($1+0.5)*0.0745341615):(-4.5+($2+0.5)*0.0743801653):3 with image notitle, \
     'ch11_stability.dat' index 1 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 2 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 3 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.28667
set rmargin at screen 0.44556
set tmargin at screen 0.92558
set bmargin at screen 0.55465
unset label
set title ''
set label 1 'midpoint = heun (1 + z + z^2/2)' at screen 0.36639, 0.94535 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-6:6]
set yrange [-4.5:4.5]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 4 matrix using (-6+($1+0.5)*0.0745341615):(-4.5+($2+0.5)*0.0743801653):3 with image notitle, \
     'ch11_stability.dat' index 5 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 6 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 7 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.53667
set rmargin at screen 0.69556
set tmargin at screen 0.92558
set bmargin at screen 0.55465
unset label
set title ''
set label 1 'rk4: stable inside' at screen 0.61639, 0.94535 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-6:6]
set yrange [-4.5:4.5]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 8 matrix using (-6+($1+0.5)*0.0745341615):(-4.5+($2+0.5)*0.0743801653):3 with image notitle, \
     'ch11_stability.dat' index 9 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 10 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 11 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

# panel (0,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.78667
set rmargin at screen 0.94556
set tmargin at screen 0.92558
set bmargin at screen 0.55465
unset label
set title ''
set label 1 'dopri5: stable inside' at screen 0.86639, 0.94535 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-6:6]
set yrange [-4.5:4.5]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 12 matrix using (-6+($1+0.5)*0.0745341615):(-4.5+($2+0.5)*0.0743801653):3 with image notitle, \
     'ch11_stability.dat' index 13 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 14 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 15 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04333
set rmargin at screen 0.19556
set tmargin at screen 0.44302
set bmargin at screen 0.07209
unset label
set title ''
set label 1 'backward_euler: unstable inside' at screen 0.11972, 0.46279 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-15:35]
set yrange [-18.75:18.75]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 16 matrix using (-15+($1+0.5)*0.310559006):(-18.75+($2+0.5)*0.309917355):3 with image notitle, \
     'ch11_stability.dat' index 17 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 18 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 19 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.29333
set rmargin at screen 0.44556
set tmargin at screen 0.44302
set bmargin at screen 0.07209
unset label
set title ''
set label 1 'sdirk4: unstable inside' at screen 0.36972, 0.46279 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-15:35]
set yrange [-18.75:18.75]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 20 matrix using (-15+($1+0.5)*0.310559006):(-18.75+($2+0.5)*0.309917355):3 with image notitle, \
     'ch11_stability.dat' index 21 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 22 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 23 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

# panel (1,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.54333
set rmargin at screen 0.69556
set tmargin at screen 0.44302
set bmargin at screen 0.07209
unset label
set title ''
set label 1 'gauss2: stable for Re z <= 0' at screen 0.61972, 0.46279 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-15:35]
set yrange [-18.75:18.75]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 24 matrix using (-15+($1+0.5)*0.310559006):(-18.75+($2+0.5)*0.309917355):3 with image notitle, \
     'ch11_stability.dat' index 25 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 26 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 27 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

# panel (1,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.79333
set rmargin at screen 0.94556
set tmargin at screen 0.44302
set bmargin at screen 0.07209
unset label
set title ''
set label 1 'epi2: R = e^z (exact)' at screen 0.86972, 0.46279 center

set xlabel 'Re z'
set ylabel 'Im z'
unset logscale
set xrange [-15:35]
set yrange [-18.75:18.75]
unset key
set colorbox
set cbrange [-2:2]
set cblabel 'log10|R|'
plot 'ch11_stability.dat' index 28 matrix using (-15+($1+0.5)*0.310559006):(-18.75+($2+0.5)*0.309917355):3 with image notitle, \
     'ch11_stability.dat' index 29 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 30 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle, \
     'ch11_stability.dat' index 31 using 1:2 with points pt 7 ps 0.40 lc rgb '#D55E00' notitle

unset multiplot
