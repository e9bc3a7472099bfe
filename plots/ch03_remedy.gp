# ch03_remedy.gp: gnuplot version of ch03_remedy.png, written by ndeplot.h. Data: ch03_remedy.dat.
# Run it in this directory: gnuplot ch03_remedy.gp   (writes ch03_remedy_gnuplot.png)
set terminal pngcairo size 1500,900 font 'sans,12' noenhanced
set output 'ch03_remedy_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 2,1 title 'Chapter 03: trained on [0, 30], the report''s suggested remedy'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.03600
set rmargin at screen 0.98733
set tmargin at screen 0.92889
set bmargin at screen 0.55222
unset label
set title ''
set label 1 '(a) prey, forward to t = 50 and backward to t = -50 (model clipped: it reaches [-2.69, 5.06])' at screen 0.51167, 0.94778 center

set xlabel 't'
set ylabel 'prey x'
unset logscale
set xrange [-50:50]
set yrange [-0.89134486532606305:4.4567243266303151]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch03_remedy.dat' index 0 using 1:2 with lines lw 2.00 dt 1 lc rgb '#8C8C8C' title 'truth', \
     'ch03_remedy.dat' index 1 using 1:2 with lines lw 2.00 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch03_remedy.dat' index 2 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'Neural ODE prey x', \
     'ch03_remedy.dat' index 3 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' notitle, \
     'ch03_remedy.dat' index 4 using 1:2 with lines lw 1.67 dt 3 lc rgb '#000000' title 'training window [0, 30]', \
     'ch03_remedy.dat' index 5 using 1:2 with lines lw 1.67 dt 3 lc rgb '#000000' notitle

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06000
set rmargin at screen 0.98733
set tmargin at screen 0.44556
set bmargin at screen 0.06889
unset label
set title ''
set label 1 '(b) predator (model clipped: it reaches [-1.24, 3.95])' at screen 0.52367, 0.46444 center

set xlabel 't'
set ylabel 'predator y'
unset logscale
set xrange [-50:50]
set yrange [-0.5:2.5]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch03_remedy.dat' index 6 using 1:2 with lines lw 2.00 dt 1 lc rgb '#8C8C8C' title 'truth', \
     'ch03_remedy.dat' index 7 using 1:2 with lines lw 2.00 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch03_remedy.dat' index 8 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'Neural ODE predator y', \
     'ch03_remedy.dat' index 9 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' notitle, \
     'ch03_remedy.dat' index 10 using 1:2 with lines lw 1.67 dt 3 lc rgb '#000000' title 'training window [0, 30]', \
     'ch03_remedy.dat' index 11 using 1:2 with lines lw 1.67 dt 3 lc rgb '#000000' notitle

unset multiplot
