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

# panel (0,0)
set title 'euler: stable inside'
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

# panel (0,1)
set title 'midpoint = heun (1 + z + z^2/2)'
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

# panel (0,2)
set title 'rk4: stable inside'
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

# panel (0,3)
set title 'dopri5: stable inside'
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

# panel (1,0)
set title 'backward_euler: unstable inside'
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

# panel (1,1)
set title 'sdirk4: unstable inside'
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

# panel (1,2)
set title 'gauss2: stable for Re z <= 0'
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

# panel (1,3)
set title 'epi2: R = e^z (exact)'
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
