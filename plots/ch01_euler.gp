# ch01_euler.gp: gnuplot version of ch01_euler.png, written by ndeplot.h. Data: ch01_euler.dat.
# Run it in this directory: gnuplot ch01_euler.gp   (writes ch01_euler_gnuplot.png)
set terminal pngcairo size 1300,560 font 'sans,12' noenhanced
set output 'ch01_euler_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'A residual network h(l+1) = h(l) + dt f(h(l)), dt = 25/L, is Euler''s method'

# panel (0,0)
set title 'phase plane, t in [0, 25]'
set xlabel 'y1'
set ylabel 'y2'
unset logscale
set xrange [-2.5:2.5]
set yrange [-2.5:2.5]
set key default
set key reverse Left above nobox
unset colorbox
plot 'ch01_euler.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#000000' title 'exact (dopri5)', \
     'ch01_euler.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'L = 2048 blocks', \
     'ch01_euler.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title 'L = 8192 blocks', \
     'ch01_euler.dat' index 3 using 1:2 with lines lw 1.67 dt 1 lc rgb '#E69F00' title 'L = 65536 blocks'

# panel (0,1)
set title 'error at t = 25 against depth L'
set xlabel 'blocks L (Euler steps)'
set ylabel 'error'
unset logscale
set logscale x
set xrange [1000:1000000]
set logscale y
set yrange [0.02:1]
set key default
set key reverse Left above nobox
unset colorbox
plot 'ch01_euler.dat' index 4 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' title '|h(L) - y(25)|', \
     'ch01_euler.dat' index 5 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' notitle, \
     'ch01_euler.dat' index 6 using 1:2 with lines lw 1.67 dt 2 lc rgb '#D55E00' title 'fit over L >= 16384: slope -1.042'

unset multiplot
