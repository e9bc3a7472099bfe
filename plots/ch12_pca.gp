# ch12_pca.gp: gnuplot version of ch12_pca.png, written by ndeplot.h. Data: ch12_pca.dat.
# Run it in this directory: gnuplot ch12_pca.gp   (writes ch12_pca_gnuplot.png)
set terminal pngcairo size 1600,470 font 'sans,8' noenhanced
set output 'ch12_pca_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 1,4 title 'z(t) of 1000 test images on the first two principal components at each t'

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.02125
set rmargin at screen 0.24625
set tmargin at screen 0.93191
set bmargin at screen 0.06809
unset label
set title ''
set label 1 't = 0.00: 58% by class mean' at screen 0.13375, 0.95000 center

set xlabel 'PC1'
set ylabel 'PC2'
unset logscale
set xrange [-5:5]
set yrange [-4:5]
unset key
unset colorbox
plot 'ch12_pca.dat' index 0 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' notitle, \
     'ch12_pca.dat' index 1 using 1:2 with points pt 7 ps 0.75 lc rgb '#D55E00' notitle, \
     'ch12_pca.dat' index 2 using 1:2 with points pt 7 ps 0.75 lc rgb '#009E73' notitle, \
     'ch12_pca.dat' index 3 using 1:2 with points pt 7 ps 0.75 lc rgb '#E69F00' notitle, \
     'ch12_pca.dat' index 4 using 1:2 with points pt 7 ps 0.75 lc rgb '#56B4E9' notitle, \
     'ch12_pca.dat' index 5 using 1:2 with points pt 7 ps 0.75 lc rgb '#CC79A7' notitle, \
     'ch12_pca.dat' index 6 using 1:2 with points pt 7 ps 0.75 lc rgb '#000000' notitle, \
     'ch12_pca.dat' index 7 using 1:2 with points pt 7 ps 0.75 lc rgb '#F0E442' notitle, \
     'ch12_pca.dat' index 8 using 1:2 with points pt 7 ps 0.75 lc rgb '#8C8C8C' notitle, \
     'ch12_pca.dat' index 9 using 1:2 with points pt 2 ps 0.75 lc rgb '#0072B2' notitle

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.27125
set rmargin at screen 0.49625
set tmargin at screen 0.93191
set bmargin at screen 0.06809
unset label
set title ''
set label 1 't = 0.33: 62% by class mean' at screen 0.38375, 0.95000 center

set xlabel 'PC1'
set ylabel 'PC2'
unset logscale
set xrange [-7:6]
set yrange [-5:6]
unset key
unset colorbox
plot 'ch12_pca.dat' index 10 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' notitle, \
     'ch12_pca.dat' index 11 using 1:2 with points pt 7 ps 0.75 lc rgb '#D55E00' notitle, \
     'ch12_pca.dat' index 12 using 1:2 with points pt 7 ps 0.75 lc rgb '#009E73' notitle, \
     'ch12_pca.dat' index 13 using 1:2 with points pt 7 ps 0.75 lc rgb '#E69F00' notitle, \
     'ch12_pca.dat' index 14 using 1:2 with points pt 7 ps 0.75 lc rgb '#56B4E9' notitle, \
     'ch12_pca.dat' index 15 using 1:2 with points pt 7 ps 0.75 lc rgb '#CC79A7' notitle, \
     'ch12_pca.dat' index 16 using 1:2 with points pt 7 ps 0.75 lc rgb '#000000' notitle, \
     'ch12_pca.dat' index 17 using 1:2 with points pt 7 ps 0.75 lc rgb '#F0E442' notitle, \
     'ch12_pca.dat' index 18 using 1:2 with points pt 7 ps 0.75 lc rgb '#8C8C8C' notitle, \
     'ch12_pca.dat' index 19 using 1:2 with points pt 2 ps 0.75 lc rgb '#0072B2' notitle

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.52125
set rmargin at screen 0.74625
set tmargin at screen 0.93191
set bmargin at screen 0.06809
unset label
set title ''
set label 1 't = 0.67: 64% by class mean' at screen 0.63375, 0.95000 center

set xlabel 'PC1'
set ylabel 'PC2'
unset logscale
set xrange [-10:8]
set yrange [-8:10]
unset key
unset colorbox
plot 'ch12_pca.dat' index 20 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' notitle, \
     'ch12_pca.dat' index 21 using 1:2 with points pt 7 ps 0.75 lc rgb '#D55E00' notitle, \
     'ch12_pca.dat' index 22 using 1:2 with points pt 7 ps 0.75 lc rgb '#009E73' notitle, \
     'ch12_pca.dat' index 23 using 1:2 with points pt 7 ps 0.75 lc rgb '#E69F00' notitle, \
     'ch12_pca.dat' index 24 using 1:2 with points pt 7 ps 0.75 lc rgb '#56B4E9' notitle, \
     'ch12_pca.dat' index 25 using 1:2 with points pt 7 ps 0.75 lc rgb '#CC79A7' notitle, \
     'ch12_pca.dat' index 26 using 1:2 with points pt 7 ps 0.75 lc rgb '#000000' notitle, \
     'ch12_pca.dat' index 27 using 1:2 with points pt 7 ps 0.75 lc rgb '#F0E442' notitle, \
     'ch12_pca.dat' index 28 using 1:2 with points pt 7 ps 0.75 lc rgb '#8C8C8C' notitle, \
     'ch12_pca.dat' index 29 using 1:2 with points pt 2 ps 0.75 lc rgb '#0072B2' notitle

# panel (0,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.77500
set rmargin at screen 0.99438
set tmargin at screen 0.93191
set bmargin at screen 0.06809
unset label
set title ''
set label 1 't = 1.00: 65% by class mean' at screen 0.88438, 0.95000 center

set xlabel 'PC1'
set ylabel 'PC2'
unset logscale
set xrange [-15:10]
set yrange [-10:14]
set key default
set key reverse Left top left box lc rgb '#BEBEBE' opaque
unset colorbox
plot 'ch12_pca.dat' index 30 using 1:2 with points pt 7 ps 0.75 lc rgb '#0072B2' title 'T-shirt', \
     'ch12_pca.dat' index 31 using 1:2 with points pt 7 ps 0.75 lc rgb '#D55E00' title 'Trouser', \
     'ch12_pca.dat' index 32 using 1:2 with points pt 7 ps 0.75 lc rgb '#009E73' title 'Pullover', \
     'ch12_pca.dat' index 33 using 1:2 with points pt 7 ps 0.75 lc rgb '#E69F00' title 'Dress', \
     'ch12_pca.dat' index 34 using 1:2 with points pt 7 ps 0.75 lc rgb '#56B4E9' title 'Coat', \
     'ch12_pca.dat' index 35 using 1:2 with points pt 7 ps 0.75 lc rgb '#CC79A7' title 'Sandal', \
     'ch12_pca.dat' index 36 using 1:2 with points pt 7 ps 0.75 lc rgb '#000000' title 'Shirt', \
     'ch12_pca.dat' index 37 using 1:2 with points pt 7 ps 0.75 lc rgb '#F0E442' title 'Sneaker', \
     'ch12_pca.dat' index 38 using 1:2 with points pt 7 ps 0.75 lc rgb '#8C8C8C' title 'Bag', \
     'ch12_pca.dat' index 39 using 1:2 with points pt 2 ps 0.75 lc rgb '#0072B2' title 'Boot'

unset multiplot
