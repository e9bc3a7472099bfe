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

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.04000
set rmargin at screen 0.28308
set tmargin at screen 0.84062
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'single-spiral model' at screen 0.16179, 0.92656 center
set key default
set key at screen 0.05128, 0.90000 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'a (damping)'
set ylabel 'b (angular speed)'
unset logscale
set xrange [-0.52500000000000002:0.22500000000000009]
set yrange [-0.125:2.875]
set colorbox
set cbrange [-4:1]
set cblabel 'log10 MSE'
plot 'ch10_heatmap.dat' index 0 matrix using (-0.525+($1+0.5)*0.05):(-0.125+($2+0.5)*0.25):3 with image notitle, \
     'ch10_heatmap.dat' index 1 using 1:2 with points pt 5 ps 1.50 lc rgb '#D55E00' title 'the one training spiral (0, 1)'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.37333
set rmargin at screen 0.61641
set tmargin at screen 0.84062
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'family model, dropout 0.1 (the report''s)' at screen 0.49513, 0.92656 center
set key default
set key at screen 0.44000, 0.90000 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'a (damping)'
set ylabel 'b (angular speed)'
unset logscale
set xrange [-0.52500000000000002:0.22500000000000009]
set yrange [-0.125:2.875]
set colorbox
set cbrange [-4:1]
set cblabel 'log10 MSE'
plot 'ch10_heatmap.dat' index 2 matrix using (-0.525+($1+0.5)*0.05):(-0.125+($2+0.5)*0.25):3 with image notitle, \
     'ch10_heatmap.dat' index 3 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'training box'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.70667
set rmargin at screen 0.94974
set tmargin at screen 0.84062
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'family model, no dropout' at screen 0.82846, 0.92656 center
set key default
set key at screen 0.77333, 0.90000 left top vertical maxrows 1 reverse Left nobox samplen 2 font ',10'

set xlabel 'a (damping)'
set ylabel 'b (angular speed)'
unset logscale
set xrange [-0.52500000000000002:0.22500000000000009]
set yrange [-0.125:2.875]
set colorbox
set cbrange [-4:1]
set cblabel 'log10 MSE'
plot 'ch10_heatmap.dat' index 4 matrix using (-0.525+($1+0.5)*0.05):(-0.125+($2+0.5)*0.25):3 with image notitle, \
     'ch10_heatmap.dat' index 5 using 1:2 with lines lw 2.00 dt 1 lc rgb '#D55E00' title 'training box'

unset multiplot
