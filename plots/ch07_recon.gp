# ch07_recon.gp: gnuplot version of ch07_recon.png, written by ndeplot.h. Data: ch07_recon.dat.
# Run it in this directory: gnuplot ch07_recon.gp   (writes ch07_recon_gnuplot.png)
set terminal pngcairo size 1800,640 font 'sans,12' noenhanced
set output 'ch07_recon_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'dy/dt = -lambda y: forward |y(t)| and |y(t)| rebuilt backwards from the forward y(1) (rtol 1e-6 unless named)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.05667
set rmargin at screen 0.31944
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'lambda = 100: forward (dopri5)' at screen 0.18806, 0.92656 center

set xlabel 't'
set ylabel '|y|'
unset logscale
set xrange [0:1]
set logscale y
set yrange [1e-50:1e+40]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch07_recon.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'atol 1e-9', \
     'ch07_recon.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'atol 1e-30', \
     'ch07_recon.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'atol 1e-42', \
     'ch07_recon.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'atol 1e-60', \
     'ch07_recon.dat' index 4 using 1:2 with lines lw 1.67 dt 2 lc rgb '#000000' title 'e^(-100 t)'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.39000
set rmargin at screen 0.65278
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'lambda = 100: rebuilt from y(1)' at screen 0.52139, 0.92656 center

set xlabel 't'
set ylabel '|y|'
unset logscale
set xrange [0:1]
set logscale y
set yrange [1e-50:1e+40]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch07_recon.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'atol 1e-9', \
     'ch07_recon.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'atol 1e-30', \
     'ch07_recon.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'atol 1e-42', \
     'ch07_recon.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'atol 1e-60', \
     'ch07_recon.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#000000' title 'e^(-100 t)'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.73000
set rmargin at screen 0.98611
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'lambda = 10,000: sdirk4 |y| = 3e-24..2e-15' at screen 0.85583, 0.92656 center

set xlabel 't'
set ylabel '|y|'
unset logscale
set xrange [0:1]
set logscale y
set yrange [9.8813129168249309e-324:1e+308]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch07_recon.dat' index 10 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'forward, sdirk4 1e-8/1e-12', \
     'ch07_recon.dat' index 11 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'rebuilt from y(1) = 3e-24', \
     'ch07_recon.dat' index 12 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'forward, dopri5 1e-6/1e-300', \
     'ch07_recon.dat' index 13 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'rebuilt from y(1) = 2.6e-301', \
     'ch07_recon.dat' index 14 using 1:2 with lines lw 1.67 dt 2 lc rgb '#000000' title 'e^(-10000 t) while a double', \
     'ch07_recon.dat' index 15 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' title 'largest / smallest double', \
     'ch07_recon.dat' index 16 using 1:2 with lines lw 1.67 dt 3 lc rgb '#8C8C8C' notitle

unset multiplot
