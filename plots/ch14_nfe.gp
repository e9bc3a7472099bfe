# ch14_nfe.gp: gnuplot version of ch14_nfe.png, written by ndeplot.h. Data: ch14_nfe.dat.
# Run it in this directory: gnuplot ch14_nfe.gp   (writes ch14_nfe_gnuplot.png)
set terminal pngcairo size 1400,560 font 'sans,12' noenhanced
set output 'ch14_nfe_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Cost and noise of the trace (dopri5, rtol = atol = 1e-4 as in training, 512 rows)'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.03714
set rmargin at screen 0.48214
set tmargin at screen 0.88571
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'forward evaluations per training iteration' at screen 0.25964, 0.91607 center

set xlabel 'iteration'
set ylabel ''
unset logscale
set xrange [0:300]
set yrange [10:100]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch14_nfe.dat' index 0 using 1:2 with lines lw 1.67 dt 1 lc rgb '#0072B2' title 'circles', \
     'ch14_nfe.dat' index 1 using 1:2 with lines lw 1.67 dt 1 lc rgb '#D55E00' title 'moons', \
     'ch14_nfe.dat' index 2 using 1:2 with lines lw 1.67 dt 1 lc rgb '#009E73' title '8gauss'

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.54571
set rmargin at screen 0.98643
set tmargin at screen 0.77857
set bmargin at screen 0.11071
unset label
set title ''
set label 1 'circles, trained: batch NLL of repeated calls' at screen 0.76607, 0.91607 center
set key default
set key at screen 0.55643, 0.88571 left top vertical maxrows 2 reverse Left nobox samplen 2 font ',10'

set xlabel 'call'
set ylabel ''
unset logscale
set xrange [0:20]
set yrange [1.5:1.5700000000000001]
unset colorbox
plot 'ch14_nfe.dat' index 3 using 1:2 with points pt 7 ps 1.00 lc rgb '#0072B2' title 'exact trace, a new batch each call', \
     'ch14_nfe.dat' index 4 using 1:2 with points pt 2 ps 1.00 lc rgb '#D55E00' title 'Hutchinson (Rademacher), one batch, new eps'

unset multiplot
