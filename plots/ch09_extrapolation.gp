# ch09_extrapolation.gp: gnuplot version of ch09_extrapolation.png, written by ndeplot.h. Data: ch09_extrapolation.dat.
# Run it in this directory: gnuplot ch09_extrapolation.gp   (writes ch09_extrapolation_gnuplot.png)
set terminal pngcairo size 1500,700 font 'sans,12' noenhanced
set output 'ch09_extrapolation_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Phase portraits (the tutorial''s Fig 3): truth against the models, solved once from y0 = (2, 0)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06000
set rmargin at screen 0.48333
set tmargin at screen 0.90857
set bmargin at screen 0.08857
unset label
set title ''
set label 1 'training range, t in [0, 25]' at screen 0.27167, 0.93286 center

set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2:2]
set yrange [-2:2]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch09_extrapolation.dat' index 0 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'truth', \
     'ch09_extrapolation.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'full model (Residual-64, extended)', \
     'ch09_extrapolation.dat' index 2 using 1:2 with lines lw 1.33 dt 3 lc rgb '#009E73' title 'baseline Dense-128x4 (best checkpoint)'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56000
set rmargin at screen 0.98333
set tmargin at screen 0.90857
set bmargin at screen 0.08857
unset label
set title ''
set label 1 'extrapolation range, t in [0, 35]' at screen 0.77167, 0.93286 center

set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2:2]
set yrange [-2:2]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch09_extrapolation.dat' index 3 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'truth', \
     'ch09_extrapolation.dat' index 4 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'full model (Residual-64, extended)', \
     'ch09_extrapolation.dat' index 5 using 1:2 with lines lw 1.33 dt 3 lc rgb '#009E73' title 'baseline Dense-128x4 (best checkpoint)'

unset multiplot
