# ch13_invert.gp: gnuplot version of ch13_invert.png, written by ndeplot.h. Data: ch13_invert.dat.
# Run it in this directory: gnuplot ch13_invert.gp   (writes ch13_invert_gnuplot.png)
set terminal pngcairo size 1500,640 font 'sans,12' noenhanced
set output 'ch13_invert_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Invertibility: inputs integrated forward to z(T) and back to t = 0 (worst point; each point alone)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06800
set rmargin at screen 0.47933
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'reconstruction error against rtol = atol (T = 1)' at screen 0.27367, 0.92656 center

set xlabel 'tolerance'
set ylabel 'max |z_back(0) - z(0)|'
unset logscale
set logscale x
set xrange [9.9999999999999998e-13:0.01]
set logscale y
set yrange [9.9999999999999998e-13:100]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_invert.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'plain Neural ODE', \
     'ch13_invert.dat' index 1 using 1:2 with points pt 7 ps 1.25 lc rgb '#D55E00' notitle, \
     'ch13_invert.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'augmented p = 1', \
     'ch13_invert.dat' index 3 using 1:2 with points pt 5 ps 1.25 lc rgb '#0072B2' notitle, \
     'ch13_invert.dat' index 4 using 1:2 with lines lw 1.33 dt 3 lc rgb '#009E73' title 'plain, untrained (its start)', \
     'ch13_invert.dat' index 5 using 1:2 with points pt 1 ps 1.25 lc rgb '#009E73' notitle, \
     'ch13_invert.dat' index 6 using 1:2 with lines lw 1.33 dt 2 lc rgb '#8C8C8C' title 'error = tol'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.56800
set rmargin at screen 0.98333
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'reconstruction error against the span T (tol 1e-08)' at screen 0.77567, 0.92656 center

set xlabel 'T (the model was trained for T = 1)'
set ylabel 'max error (lost points drawn at 1e3)'
unset logscale
set logscale x
set xrange [1:100]
set logscale y
set yrange [9.9999999999999995e-07:10000]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch13_invert.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'plain Neural ODE', \
     'ch13_invert.dat' index 8 using 1:2 with points pt 7 ps 1.25 lc rgb '#D55E00' notitle, \
     'ch13_invert.dat' index 9 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'augmented p = 1', \
     'ch13_invert.dat' index 10 using 1:2 with points pt 5 ps 1.25 lc rgb '#0072B2' notitle

unset multiplot
