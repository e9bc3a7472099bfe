# ch01_recipe.gp: gnuplot version of ch01_recipe.png, written by ndeplot.h. Data: ch01_recipe.dat.
# Run it in this directory: gnuplot ch01_recipe.gp   (writes ch01_recipe_gnuplot.png)
set terminal pngcairo size 1400,600 font 'sans,12' noenhanced
set output 'ch01_recipe_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Chapter 01: the full-trajectory MSE of seeds 0-9, classic recipe and the one that converges'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06429
set rmargin at screen 0.47786
set tmargin at screen 0.89333
set bmargin at screen 0.10333
unset label
set title ''
set label 1 '(a) classic: RMSprop, 10-point windows, MAE' at screen 0.27107, 0.92167 center

set xlabel 'iteration'
set ylabel 'full-trajectory MSE'
unset logscale
set xrange [0:2000]
set logscale y
set yrange [0.01:1]
unset key
unset colorbox
plot 'ch01_recipe.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'seed 0', \
     'ch01_recipe.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'seed 1', \
     'ch01_recipe.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'seed 2', \
     'ch01_recipe.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'seed 3', \
     'ch01_recipe.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#56B4E9' title 'seed 4', \
     'ch01_recipe.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'seed 5', \
     'ch01_recipe.dat' index 6 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'seed 6', \
     'ch01_recipe.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#F0E442' title 'seed 7', \
     'ch01_recipe.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'seed 8', \
     'ch01_recipe.dat' index 9 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'seed 9', \
     'ch01_recipe.dat' index 10 using 1:2 with lines lw 1.67 dt 2 lc rgb '#000000' title 'MSE 0.01'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.57286
set rmargin at screen 0.97786
set tmargin at screen 0.89333
set bmargin at screen 0.10333
unset label
set title ''
set label 1 '(b) then: Adam, windows 20 to 500, whole' at screen 0.77536, 0.92167 center

set xlabel 'iteration (continuing the classic run)'
set ylabel 'full-trajectory MSE'
unset logscale
set xrange [2000:3000]
set logscale y
set yrange [0.0050000000000000001:2]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch01_recipe.dat' index 11 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'seed 0', \
     'ch01_recipe.dat' index 12 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'seed 1', \
     'ch01_recipe.dat' index 13 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'seed 2', \
     'ch01_recipe.dat' index 14 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'seed 3', \
     'ch01_recipe.dat' index 15 using 1:2 with lines lw 1.67 dt 1 lc rgb '#56B4E9' title 'seed 4', \
     'ch01_recipe.dat' index 16 using 1:2 with lines lw 1.67 dt 1 lc rgb '#CC79A7' title 'seed 5', \
     'ch01_recipe.dat' index 17 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'seed 6', \
     'ch01_recipe.dat' index 18 using 1:2 with lines lw 1.67 dt 1 lc rgb '#F0E442' title 'seed 7', \
     'ch01_recipe.dat' index 19 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'seed 8', \
     'ch01_recipe.dat' index 20 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'seed 9', \
     'ch01_recipe.dat' index 21 using 1:2 with lines lw 1.67 dt 2 lc rgb '#000000' title 'MSE 0.01'

unset multiplot
