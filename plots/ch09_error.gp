# ch09_error.gp: gnuplot version of ch09_error.png, written by ndeplot.h. Data: ch09_error.dat.
# Run it in this directory: gnuplot ch09_error.gp   (writes ch09_error_gnuplot.png)
set terminal pngcairo size 1500,640 font 'sans,12' noenhanced
set output 'ch09_error_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,1 title 'Prediction error against t (the tutorial''s Fig 5): trained on [0, 25], extrapolated to 35'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06800
set rmargin at screen 0.98733
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 '|y_model(t) - y(t)| (Euclidean), the model solved once from y0' at screen 0.52767, 0.92656 center

set xlabel 't'
set ylabel 'error'
unset logscale
set xrange [0:36]
set logscale y
set yrange [0.0033846833623690418:1.2823632897916264]
set key default
set key reverse Left bottom right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch09_error.dat' index 0 using 1:(0.0033846833623690418):(1.2823632897916264) with filledcurves fs solid 1.0 noborder lc rgb '#BFE7DC' title 'training region', \
     'ch09_error.dat' index 1 using 1:(0.0033846833623690418):(1.2823632897916264) with filledcurves fs solid 1.0 noborder lc rgb '#F9E7BF' title 'extrapolation region', \
     'ch09_error.dat' index 2 using 1:2 with lines lw 1.33 dt 1 lc rgb '#0072B2' title 'baseline Dense-128x4 (best checkpoint)', \
     'ch09_error.dat' index 3 using 1:2 with lines lw 1.33 dt 1 lc rgb '#D55E00' title 'full model (Residual-64)'

unset multiplot
