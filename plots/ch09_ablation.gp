# ch09_ablation.gp: gnuplot version of ch09_ablation.png, written by ndeplot.h. Data: ch09_ablation.dat.
# Run it in this directory: gnuplot ch09_ablation.gp   (writes ch09_ablation_gnuplot.png)
set terminal pngcairo size 1500,640 font 'sans,12' noenhanced
set output 'ch09_ablation_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,2 title 'Table 2, one component removed at a time: circles ours, crosses the document, dots other seeds'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.06800
set rmargin at screen 0.49133
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'test loss (full-trajectory MSE)' at screen 0.27967, 0.92656 center

set xlabel 'configuration (numbered as in the legend)'
set ylabel 'test MSE'
unset logscale
set xrange [0.5:7.5]
set logscale y
set yrange [0.0030000000000000001:5]
set key default
set key reverse Left top right box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch09_ablation.dat' index 0 using 1:2 with points pt 7 ps 1.75 lc rgb '#0072B2' title '1 = Full model (Residual-64, extended)', \
     'ch09_ablation.dat' index 1 using 1:2 with points pt 2 ps 1.75 lc rgb '#0072B2' notitle, \
     'ch09_ablation.dat' index 2 using 1:2 with points pt 7 ps 1.75 lc rgb '#D55E00' title '2 = without residual connection', \
     'ch09_ablation.dat' index 3 using 1:2 with points pt 2 ps 1.75 lc rgb '#D55E00' notitle, \
     'ch09_ablation.dat' index 4 using 1:2 with points pt 7 ps 1.75 lc rgb '#009E73' title '3 = without time-weighted loss', \
     'ch09_ablation.dat' index 5 using 1:2 with points pt 2 ps 1.75 lc rgb '#009E73' notitle, \
     'ch09_ablation.dat' index 6 using 1:2 with points pt 7 ps 1.75 lc rgb '#E69F00' title '4 = without longer sequences', \
     'ch09_ablation.dat' index 7 using 1:2 with points pt 2 ps 1.75 lc rgb '#E69F00' notitle, \
     'ch09_ablation.dat' index 8 using 1:2 with points pt 7 ps 1.75 lc rgb '#56B4E9' title '5 = without weight decay', \
     'ch09_ablation.dat' index 9 using 1:2 with points pt 2 ps 1.75 lc rgb '#56B4E9' notitle, \
     'ch09_ablation.dat' index 10 using 1:2 with points pt 7 ps 1.75 lc rgb '#CC79A7' title '6 = without gradient clipping', \
     'ch09_ablation.dat' index 11 using 1:2 with points pt 2 ps 1.75 lc rgb '#CC79A7' notitle, \
     'ch09_ablation.dat' index 12 using 1:2 with points pt 7 ps 1.75 lc rgb '#000000' title '7 = without LR scheduling', \
     'ch09_ablation.dat' index 13 using 1:2 with points pt 2 ps 1.75 lc rgb '#000000' notitle, \
     'ch09_ablation.dat' index 14 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' notitle, \
     'ch09_ablation.dat' index 15 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.55200
set rmargin at screen 0.99133
set tmargin at screen 0.90000
set bmargin at screen 0.09688
unset label
set title ''
set label 1 'drift ratio: RMS error last third / first third' at screen 0.77167, 0.92656 center

set xlabel 'configuration (numbered as in the legend)'
set ylabel 'drift ratio'
unset logscale
set xrange [0.5:7.5]
set logscale y
set yrange [0.10000000000000001:2]
unset key
unset colorbox
plot 'ch09_ablation.dat' index 16 using 1:2 with points pt 7 ps 1.75 lc rgb '#0072B2' notitle, \
     'ch09_ablation.dat' index 17 using 1:2 with points pt 2 ps 1.75 lc rgb '#0072B2' notitle, \
     'ch09_ablation.dat' index 18 using 1:2 with points pt 7 ps 1.75 lc rgb '#D55E00' notitle, \
     'ch09_ablation.dat' index 19 using 1:2 with points pt 2 ps 1.75 lc rgb '#D55E00' notitle, \
     'ch09_ablation.dat' index 20 using 1:2 with points pt 7 ps 1.75 lc rgb '#009E73' notitle, \
     'ch09_ablation.dat' index 21 using 1:2 with points pt 2 ps 1.75 lc rgb '#009E73' notitle, \
     'ch09_ablation.dat' index 22 using 1:2 with points pt 7 ps 1.75 lc rgb '#E69F00' notitle, \
     'ch09_ablation.dat' index 23 using 1:2 with points pt 2 ps 1.75 lc rgb '#E69F00' notitle, \
     'ch09_ablation.dat' index 24 using 1:2 with points pt 7 ps 1.75 lc rgb '#56B4E9' notitle, \
     'ch09_ablation.dat' index 25 using 1:2 with points pt 2 ps 1.75 lc rgb '#56B4E9' notitle, \
     'ch09_ablation.dat' index 26 using 1:2 with points pt 7 ps 1.75 lc rgb '#CC79A7' notitle, \
     'ch09_ablation.dat' index 27 using 1:2 with points pt 2 ps 1.75 lc rgb '#CC79A7' notitle, \
     'ch09_ablation.dat' index 28 using 1:2 with points pt 7 ps 1.75 lc rgb '#000000' notitle, \
     'ch09_ablation.dat' index 29 using 1:2 with points pt 2 ps 1.75 lc rgb '#000000' notitle, \
     'ch09_ablation.dat' index 30 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' notitle, \
     'ch09_ablation.dat' index 31 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' notitle

unset multiplot
