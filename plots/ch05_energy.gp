# ch05_energy.gp: gnuplot version of ch05_energy.png, written by ndeplot.h. Data: ch05_energy.dat.
# Run it in this directory: gnuplot ch05_energy.gp   (writes ch05_energy_gnuplot.png)
set terminal pngcairo size 1300,560 font 'sans,12' noenhanced
set output 'ch05_energy_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Energy along the truth and the Neural ODE (report Fig 10)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.07846
set rmargin at screen 0.48077
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'H(t) - H(0), axis cut at +-oscillation energy' at screen 0.27962, 0.91607 center

set xlabel 't'
set ylabel 'energy error H(t) - H(0)'
unset logscale
set xrange [0:200]
set yrange [-0.036742344387992176:0.036742344387992176]
set key default
set key reverse Left bottom left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch05_energy.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth, tsit5 rtol 1e-3', \
     'ch05_energy.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth, Gauss-Legendre h 0.01', \
     'ch05_energy.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'Neural ODE'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.57846
set rmargin at screen 0.98077
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'max over [0, t] of |H - H(0)|' at screen 0.77962, 0.91607 center

set xlabel 't'
set ylabel 'max |H - H(0)| so far'
unset logscale
set xrange [0:200]
set logscale y
set yrange [9.9999999999999998e-13:10000]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch05_energy.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'truth, tsit5 rtol 1e-3', \
     'ch05_energy.dat' index 4 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'truth, Gauss-Legendre h 0.01', \
     'ch05_energy.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'Neural ODE'

unset multiplot
