# ch10_heatmap.gp: gnuplot version of ch10_heatmap.png, written by ndeplot.h. Data: ch10_heatmap.dat.
# Run it in this directory: gnuplot ch10_heatmap.gp   (writes ch10_heatmap_gnuplot.png)
set terminal pngcairo size 1950,640 font 'sans,12' noenhanced
set output 'ch10_heatmap_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'log10 test MSE over (a, b): trajectories from (1, 0) on t in [0, 5], truth e^{at} (cos bt, sin bt)'

# panel (0,0)
set title 'single-spiral model'
set xlabel 'a (damping)'
set ylabel 'b (angular speed)'
unset logscale
set xrange [-0.52500000000000002:0.22500000000000009]
set yrange [-0.125:2.875]
set key default
set key reverse Left above nobox
set colorbox
set cbrange [-4:1]
set cblabel 'log10 MSE'
plot 'ch10_heatmap.dat' index 0 matrix using (-0.525+($1+0.5)*0.05):(-0.125+($2+0.5)*0.25):3 with image notitle, \
     'ch10_heatmap.dat' index 1 using 1:2 with points pt 5 ps 1.50 lc rgb '#D55E00' title 'the one training spiral (0, 1)'

# panel (0,1)
set title 'family model, dropout 0.1 (the report''s)'
set xlabel 'a (damping)'
set ylabel 'b (angular speed)'
unset logscale
set xrange [-0.52500000000000002:0.22500000000000009]
set yrange [-0.125:2.875]
set key default
set key reverse Left above nobox
set colorbox
set cbrange [-4:1]
set cblabel 'log10 MSE'
plot 'ch10_heatmap.dat' index 2 matrix using (-0.525+($1+0.5)*0.05):(-0.125+($2+0.5)*0.25):3 with image notitle, \
     'ch10_heatmap.dat' index 3 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'training box'

# panel (0,2)
set title 'family model, no dropout'
set xlabel 'a (damping)'
set ylabel 'b (angular speed)'
unset logscale
set xrange [-0.52500000000000002:0.22500000000000009]
set yrange [-0.125:2.875]
set key default
set key reverse Left above nobox
set colorbox
set cbrange [-4:1]
set cblabel 'log10 MSE'
plot 'ch10_heatmap.dat' index 4 matrix using (-0.525+($1+0.5)*0.05):(-0.125+($2+0.5)*0.25):3 with image notitle, \
     'ch10_heatmap.dat' index 5 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'training box'

unset multiplot
