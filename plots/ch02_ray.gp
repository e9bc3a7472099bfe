# ch02_ray.gp: gnuplot version of ch02_ray.png, written by ndeplot.h. Data: ch02_ray.dat.
# Run it in this directory: gnuplot ch02_ray.gp   (writes ch02_ray_gnuplot.png)
set terminal pngcairo size 1000,620 font 'sans,12' noenhanced
set output 'ch02_ray_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,1 title 'Chapter 02: why backward extrapolation fails'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.07800
set rmargin at screen 0.98100
set tmargin at screen 0.89677
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'the fields along the ray u = r e through the test u0' at screen 0.52950, 0.92419 center

set xlabel 'radius r = |u|'
set ylabel '|du/dt|'
unset logscale
set xrange [0:75]
set yrange [0:160]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch02_ray.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title '|A u|, the true field', \
     'ch02_ray.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title '|net(u)|, the learned field', \
     'ch02_ray.dat' index 2 using 1:2 with lines lw 1.67 dt 2 lc rgb '#8C8C8C' title 'limit of |net(r e)|: tanh saturated', \
     'ch02_ray.dat' index 3 using 1:2 with lines lw 1.67 dt 3 lc rgb '#000000' title 'largest |u| in the training data', \
     'ch02_ray.dat' index 4 using 1:2 with lines lw 1.67 dt 3 lc rgb '#CC79A7' title '|u(-30)| of the plotted trajectory'

unset multiplot
