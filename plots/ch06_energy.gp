# ch06_energy.gp: gnuplot version of ch06_energy.png, written by ndeplot.h. Data: ch06_energy.dat.
# Run it in this directory: gnuplot ch06_energy.gp   (writes ch06_energy_gnuplot.png)
set terminal pngcairo size 1800,600 font 'sans,12' noenhanced
set output 'ch06_energy_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,3 title 'Energy (true H of eq 3.5) along each model, from z(0) (report Fig 11)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.07000
set rmargin at screen 0.31944
set tmargin at screen 0.79333
set bmargin at screen 0.10333
unset label
set title ''
set label 1 'H(t) - H(0) on [0, 200], Gauss-Legendre h 0.01' at screen 0.17583, 0.92167 center
set key default
set key at screen 0.00444, 0.89333 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'energy error H(t) - H(0)'
unset logscale
set xrange [0:200]
set yrange [-0.0015:0.0015]
unset colorbox
plot 'ch06_energy.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'HNN (c) trajectory', \
     'ch06_energy.dat' index 1 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'HNN (b) collocation', \
     'ch06_energy.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'HNN (a) exact derivatives', \
     'ch06_energy.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.39000
set rmargin at screen 0.65278
set tmargin at screen 0.75667
set bmargin at screen 0.10333
unset label
set title ''
set label 1 'max over [0, t] of |H - H(0)|' at screen 0.52139, 0.92167 center
set key default
set key at screen 0.33778, 0.89333 left top vertical maxrows 3 reverse Left nobox samplen 2 font ',10'

set xlabel 't'
set ylabel 'max |H - H(0)| so far'
unset logscale
set xrange [0:200]
set logscale y
set yrange [9.9999999999999998e-13:10000]
unset colorbox
plot 'ch06_energy.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth', \
     'ch06_energy.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'HNN (a) exact derivatives', \
     'ch06_energy.dat' index 6 using 1:2 with lines lw 1.67 dt 2 lc rgb '#009E73' title 'HNN (b) collocation', \
     'ch06_energy.dat' index 7 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'HNN (c) trajectory', \
     'ch06_energy.dat' index 8 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'Neural ODE (ch 05)'

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.73000
set rmargin at screen 0.98611
set tmargin at screen 0.89333
set bmargin at screen 0.10333
unset label
set title ''
set label 1 'H(t) - H(0), tsit5 rtol 1e-3 (the report)' at screen 0.85806, 0.92167 center

set xlabel 't'
set ylabel 'energy error H(t) - H(0)'
unset logscale
set xrange [0:200]
set yrange [-0.002:0.016]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch06_energy.dat' index 9 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth, tsit5', \
     'ch06_energy.dat' index 10 using 1:2 with lines lw 1.67 dt 2 lc rgb '#0072B2' title 'best HNN, tsit5'

unset multiplot
