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

# panel (0,0)
set title 'inside: a = -0.20, b = 1.50'
set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-1.5:1.5]
set yrange [-1.5:1.5]
set key default
set key reverse Left above nobox
unset colorbox
plot 'ch10_trajectories.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_trajectories.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'family model', \
     'ch10_trajectories.dat' index 2 using 1:2 with lines lw 1.67 dt 3 lc rgb '#D55E00' title 'single-spiral model'

# panel (0,1)
set title 'outside: a = 0.15, b = 2.50'
set xlabel 'x'
set ylabel 'y'
unset logscale
set xrange [-2:3]
set yrange [-2:2]
set key default
set key reverse Left above nobox
unset colorbox
plot 'ch10_trajectories.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch10_trajectories.dat' index 4 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'family model', \
     'ch10_trajectories.dat' index 5 using 1:2 with lines lw 1.67 dt 3 lc rgb '#D55E00' title 'single-spiral model'

unset multiplot
