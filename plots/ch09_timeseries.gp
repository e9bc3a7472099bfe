# ch09_timeseries.gp: gnuplot version of ch09_timeseries.png, written by ndeplot.h. Data: ch09_timeseries.dat.
# Run it in this directory: gnuplot ch09_timeseries.gp   (writes ch09_timeseries_gnuplot.png)
set terminal pngcairo size 1500,1000 font 'sans,12' noenhanced
set output 'ch09_timeseries_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,2 title 'Time series (the tutorial''s Fig 4): top the training range, bottom the extrapolation range'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04400
set rmargin at screen 0.48733
set tmargin at screen 0.89800
set bmargin at screen 0.54700
unset label
set title ''
set label 1 'y1(t), t in [0, 25]' at screen 0.26567, 0.95300 center
set key default
set key at screen 0.02667, 0.93600 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'y1'
unset logscale
set xrange [0:26]
set yrange [-2:2]
unset colorbox
plot 'ch09_timeseries.dat' index 0 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'truth', \
     'ch09_timeseries.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'full model', \
     'ch09_timeseries.dat' index 2 using 1:2 with lines lw 1.33 dt 3 lc rgb '#009E73' title 'baseline (best checkpoint)'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.54400
set rmargin at screen 0.98733
set tmargin at screen 0.89800
set bmargin at screen 0.54700
unset label
set title ''
set label 1 'y2(t), t in [0, 25]' at screen 0.76567, 0.95300 center
set key default
set key at screen 0.52667, 0.93600 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'y2'
unset logscale
set xrange [0:26]
set yrange [-2:2]
unset colorbox
plot 'ch09_timeseries.dat' index 3 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'truth', \
     'ch09_timeseries.dat' index 4 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'full model', \
     'ch09_timeseries.dat' index 5 using 1:2 with lines lw 1.33 dt 3 lc rgb '#009E73' title 'baseline (best checkpoint)'

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04400
set rmargin at screen 0.48733
set tmargin at screen 0.39100
set bmargin at screen 0.06200
unset label
set title ''
set label 1 'y1(t), t in [0, 35]' at screen 0.26567, 0.46800 center
set key default
set key at screen 0.07533, 0.45100 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'y1'
unset logscale
set xrange [0:40]
set yrange [-2:2]
unset colorbox
plot 'ch09_timeseries.dat' index 6 using 1:(-2):(2) with filledcurves fs solid 1.0 noborder lc rgb '#BFE7DC' title 'training region', \
     'ch09_timeseries.dat' index 7 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'truth', \
     'ch09_timeseries.dat' index 8 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'full model', \
     'ch09_timeseries.dat' index 9 using 1:2 with lines lw 1.33 dt 3 lc rgb '#009E73' title 'baseline (best checkpoint)'

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.54400
set rmargin at screen 0.98733
set tmargin at screen 0.39100
set bmargin at screen 0.06200
unset label
set title ''
set label 1 'y2(t), t in [0, 35]' at screen 0.76567, 0.46800 center
set key default
set key at screen 0.57533, 0.45100 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'y2'
unset logscale
set xrange [0:40]
set yrange [-2:2]
unset colorbox
plot 'ch09_timeseries.dat' index 10 using 1:(-2):(2) with filledcurves fs solid 1.0 noborder lc rgb '#BFE7DC' title 'training region', \
     'ch09_timeseries.dat' index 11 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'truth', \
     'ch09_timeseries.dat' index 12 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'full model', \
     'ch09_timeseries.dat' index 13 using 1:2 with lines lw 1.33 dt 3 lc rgb '#009E73' title 'baseline (best checkpoint)'

unset multiplot
