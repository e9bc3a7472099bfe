# ch04_sigma.gp: gnuplot version of ch04_sigma.png, written by ndeplot.h. Data: ch04_sigma.dat.
# Run it in this directory: gnuplot ch04_sigma.gp   (writes ch04_sigma_gnuplot.png)
set terminal pngcairo size 1000,620 font 'sans,12' noenhanced
set output 'ch04_sigma_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,1 title 'Chapter 04: error of the fit against the noise level'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.10200
set rmargin at screen 0.97500
set tmargin at screen 0.76452
set bmargin at screen 0.10000
unset label
set title ''
set label 1 'one model per sigma: same draws z, same initialisation' at screen 0.53850, 0.92419 center
set key default
set key at screen 0.11400, 0.89677 left top vertical maxrows 3 reverse Left nobox samplen 2 font ',10'

set xlabel 'noise standard deviation sigma'
set ylabel 'MSE per component at the 41 times'
unset logscale
set logscale x
set xrange [0.01:0.10000000000000001]
set logscale y
set yrange [1.0000000000000001e-05:0.10000000000000001]
unset colorbox
plot 'ch04_sigma.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'mse_vs_truth after 300 updates', \
     'ch04_sigma.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'mse_vs_data (kept parameters)', \
     'ch04_sigma.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'noise MSE (data vs truth)', \
     'ch04_sigma.dat' index 3 using 1:2 with lines lw 2.00 dt 2 lc rgb '#8C8C8C' title 'sigma^2 (the claim''s bound)', \
     'ch04_sigma.dat' index 4 using 1:2 with lines lw 2.00 dt 1 lc rgb '#000000' title 'mse_vs_truth (kept parameters)', \
     'ch04_sigma.dat' index 5 using 1:2 with points pt 7 ps 1.25 lc rgb '#000000' notitle

unset multiplot
