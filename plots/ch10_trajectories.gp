# ch10_trajectories.gp: gnuplot version of ch10_trajectories.png, written by ndeplot.h. Data: ch10_trajectories.dat.
# Run it in this directory: gnuplot ch10_trajectories.gp   (writes ch10_trajectories_gnuplot.png)
set terminal pngcairo size 1300,620 font 'sans,12' noenhanced
set output 'ch10_trajectories_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Inside the training box the family model interpolates; outside it extrapolates'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06923
set rmargin at screen 0.48077
set tmargin at screen 0.80000
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'inside: a = -0.20, b = 1.50' at screen 0.27500, 0.92419 center
set key default
set key at screen 0.14231, 0.89677 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-1.5:1.5]
set yrange [-1.5:1.5]
unset colorbox
plot 'ch10_trajectories.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_trajectories.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'family model', \
     'ch10_trajectories.dat' index 2 using 1:2 with lines lw 1.67 dt 3 lc rgb '#D55E00' title 'single-spiral model'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56923
set rmargin at screen 0.99000
set tmargin at screen 0.80000
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'outside: a = 0.15, b = 2.50' at screen 0.77962, 0.92419 center
set key default
set key at screen 0.64692, 0.89677 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-2:3]
set yrange [-2:2]
unset colorbox
plot 'ch10_trajectories.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_trajectories.dat' index 4 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'family model', \
     'ch10_trajectories.dat' index 5 using 1:2 with lines lw 1.67 dt 3 lc rgb '#D55E00' title 'single-spiral model'

unset multiplot
