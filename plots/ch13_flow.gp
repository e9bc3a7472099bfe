# ch13_flow.gp: gnuplot version of ch13_flow.png, written by ndeplot.h. Data: ch13_flow.dat.
# Run it in this directory: gnuplot ch13_flow.gp   (writes ch13_flow_gnuplot.png)
set terminal pngcairo size 1800,640 font 'sans,12' noenhanced
set output 'ch13_flow_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'Where the flow sends the plane at T = 1 (every 2nd data point, grid lines 0.25 apart)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.05000
set rmargin at screen 0.31944
set tmargin at screen 0.80625
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'the inputs x (t = 0)' at screen 0.18472, 0.92656 center
set key default
set key at screen 0.06222, 0.90000 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'x1'
set ylabel 'x2'
unset logscale
set xrange [-1.5:1.5]
set yrange [-1.5:2]
unset colorbox
plot 'ch13_flow.dat' index 0 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' title 'grid of the plane', \
     'ch13_flow.dat' index 1 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 2 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 3 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 4 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 5 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 6 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 7 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 8 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 9 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 10 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 11 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 12 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 13 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 14 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 15 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 16 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 17 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 18 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 19 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 20 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 21 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 22 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 23 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 24 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 25 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 26 using 1:2 with points pt 7 ps 0.50 lc rgb '#0072B2' title 'label -1', \
     'ch13_flow.dat' index 27 using 1:2 with points pt 7 ps 0.50 lc rgb '#D55E00' title 'label +1'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.38333
set rmargin at screen 0.65944
set tmargin at screen 0.80625
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'plain Neural ODE: z(T)' at screen 0.52139, 0.92656 center
set key default
set key at screen 0.39889, 0.90000 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'z1'
set ylabel 'z2'
unset logscale
set xrange [-2:3]
set yrange [-2:2]
unset colorbox
plot 'ch13_flow.dat' index 28 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' title 'grid of the plane', \
     'ch13_flow.dat' index 29 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 30 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 31 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 32 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 33 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 34 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 35 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 36 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 37 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 38 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 39 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 40 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 41 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 42 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 43 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 44 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 45 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 46 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 47 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 48 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 49 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 50 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 51 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 52 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 53 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 54 using 1:2 with points pt 7 ps 0.50 lc rgb '#0072B2' title 'label -1', \
     'ch13_flow.dat' index 55 using 1:2 with points pt 7 ps 0.50 lc rgb '#D55E00' title 'label +1', \
     'ch13_flow.dat' index 56 using 1:2 with lines lw 1.67 dt 2 lc rgb '#000000' title 'read-out = 0'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.71667
set rmargin at screen 0.99278
set tmargin at screen 0.80625
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'augmented p = 1: [z; a](T)' at screen 0.85472, 0.92656 center
set key default
set key at screen 0.73222, 0.90000 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'u: (z1, z2) along the read-out''s w'
set ylabel 'a'
unset logscale
set xrange [-1:3]
set yrange [-1.5:2]
unset colorbox
plot 'ch13_flow.dat' index 57 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' title 'grid of the plane', \
     'ch13_flow.dat' index 58 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 59 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 60 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 61 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 62 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 63 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 64 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 65 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 66 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 67 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 68 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 69 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 70 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 71 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 72 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 73 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 74 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 75 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 76 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 77 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 78 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 79 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 80 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 81 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 82 using 1:2 with lines lw 0.67 dt 1 lc rgb '#8C8C8C' notitle, \
     'ch13_flow.dat' index 83 using 1:2 with points pt 7 ps 0.50 lc rgb '#0072B2' title 'label -1', \
     'ch13_flow.dat' index 84 using 1:2 with points pt 7 ps 0.50 lc rgb '#D55E00' title 'label +1', \
     'ch13_flow.dat' index 85 using 1:2 with lines lw 1.67 dt 2 lc rgb '#000000' title 'read-out = 0'

unset multiplot
