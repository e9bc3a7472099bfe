# ch09_architectures.gp: gnuplot version of ch09_architectures.png, written by ndeplot.h. Data: ch09_architectures.dat.
# Run it in this directory: gnuplot ch09_architectures.gp   (writes ch09_architectures_gnuplot.png)
set terminal pngcairo size 1500,700 font 'sans,12' noenhanced
set output 'ch09_architectures_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Architecture search on the cubic spiral: circles ours, crosses the document''s Tables 1-2'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06800
set rmargin at screen 0.47133
set tmargin at screen 0.69714
set bmargin at screen 0.08857
unset label
set title ''
set label 1 'test loss (full-trajectory MSE) against parameters' at screen 0.26967, 0.93286 center
set key default
set key at screen 0.03333, 0.90857 left top vertical maxrows 6 reverse Left nobox samplen 2 font ',10'

set xlabel 'parameters'
set ylabel 'test MSE'
unset logscale
set logscale x
set xrange [100:100000]
set logscale y
set yrange [0.002:1]
unset colorbox
plot 'ch09_architectures.dat' index 0 using 1:2 with points pt 7 ps 1.75 lc rgb '#0072B2' title 'Dense-128x4 (baseline, 3000 it)', \
     'ch09_architectures.dat' index 1 using 1:2 with points pt 2 ps 1.75 lc rgb '#0072B2' notitle, \
     'ch09_architectures.dat' index 2 using 1:2 with points pt 7 ps 1.75 lc rgb '#D55E00' title 'Compact-32-L2', \
     'ch09_architectures.dat' index 3 using 1:2 with points pt 2 ps 1.75 lc rgb '#D55E00' notitle, \
     'ch09_architectures.dat' index 4 using 1:2 with points pt 7 ps 1.75 lc rgb '#009E73' title 'Compact-64-L3', \
     'ch09_architectures.dat' index 5 using 1:2 with points pt 2 ps 1.75 lc rgb '#009E73' notitle, \
     'ch09_architectures.dat' index 6 using 1:2 with points pt 7 ps 1.75 lc rgb '#E69F00' title 'Compact-96-L3', \
     'ch09_architectures.dat' index 7 using 1:2 with points pt 2 ps 1.75 lc rgb '#E69F00' notitle, \
     'ch09_architectures.dat' index 8 using 1:2 with points pt 7 ps 1.75 lc rgb '#56B4E9' title 'Residual-64', \
     'ch09_architectures.dat' index 9 using 1:2 with points pt 2 ps 1.75 lc rgb '#56B4E9' notitle, \
     'ch09_architectures.dat' index 10 using 1:2 with points pt 7 ps 1.75 lc rgb '#CC79A7' title 'TimeAware-64 (eqs 21-22)', \
     'ch09_architectures.dat' index 11 using 1:2 with points pt 2 ps 1.75 lc rgb '#CC79A7' notitle, \
     'ch09_architectures.dat' index 12 using 1:2 with points pt 7 ps 1.75 lc rgb '#000000' title 'Residual-64 (Extended) = full model', \
     'ch09_architectures.dat' index 13 using 1:2 with points pt 2 ps 1.75 lc rgb '#000000' notitle, \
     'ch09_architectures.dat' index 14 using 1:2 with points pt 9 ps 1.75 lc rgb '#0072B2' title 'baseline''s last iterate (not the kept best)', \
     'ch09_architectures.dat' index 15 using 1:2 with lines lw 1.33 dt 1 lc rgb '#8C8C8C' title 'Pareto front, ours', \
     'ch09_architectures.dat' index 16 using 1:2 with lines lw 1.33 dt 2 lc rgb '#8C8C8C' title 'Pareto front, the document''s'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56800
set rmargin at screen 0.97933
set tmargin at screen 0.76000
set bmargin at screen 0.08857
unset label
set title ''
set label 1 'validation MSE (every 10th point) during training' at screen 0.77367, 0.93286 center
set key default
set key at screen 0.55867, 0.90857 left top vertical maxrows 4 reverse Left nobox samplen 2 font ',10'

set xlabel 'iteration'
set ylabel 'MSE'
unset logscale
set xrange [0:3000]
set logscale y
set yrange [0.001:100]
unset colorbox
plot 'ch09_architectures.dat' index 17 using 1:2 with lines lw 2.00 dt 1 lc rgb '#0072B2' title 'baseline Dense-128x4 (3000 iterations)', \
     'ch09_architectures.dat' index 18 using 1:2 with points pt 7 ps 1.75 lc rgb '#0072B2' title 'its best look: the model kept', \
     'ch09_architectures.dat' index 19 using 1:2 with points pt 9 ps 1.75 lc rgb '#0072B2' title 'its last look', \
     'ch09_architectures.dat' index 20 using 1:2 with lines lw 2.00 dt 1 lc rgb '#009E73' title 'full model, seed 9', \
     'ch09_architectures.dat' index 21 using 1:2 with lines lw 1.33 dt 2 lc rgb '#E69F00' title 'full model, seed 10', \
     'ch09_architectures.dat' index 22 using 1:2 with lines lw 1.33 dt 2 lc rgb '#CC79A7' title 'full model, seed 11'

unset multiplot
