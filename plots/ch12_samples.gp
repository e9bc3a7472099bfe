# ch12_samples.gp: gnuplot version of ch12_samples.png, written by ndeplot.h. Data: ch12_samples.dat.
# Run it in this directory: gnuplot ch12_samples.gp   (writes ch12_samples_gnuplot.png)
set terminal pngcairo size 1000,1060 font 'sans,8' noenhanced
set output 'ch12_samples_gnuplot.png'
set palette defined (0 '#440154', 1 '#482878', 2 '#3E4A89', 3 '#31688E', 4 '#26828E', 5 '#1F9E89', 6 '#35B779', 7 '#6DCD59', 8 '#FDE725')
set grid lt 1 lc rgb '#E6E6E6'
set tics out nomirror
set format xy '%g'
set format cb '%g'
set multiplot layout 4,4 title 'Test images: predicted label (true label); first 12, then the first 4 mistakes (X)'

# panel (0,0)
set title 'Boot (Boot)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 0 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (0,1)
set title 'Pullover (Pullover)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 1 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (0,2)
set title 'Trouser (Trouser)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 2 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (0,3)
set title 'Trouser (Trouser)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 3 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (1,0)
set title 'Shirt (Shirt)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:0.99607843137254903]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 4 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (1,1)
set title 'Trouser (Trouser)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 5 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (1,2)
set title 'Coat (Coat)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 6 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (1,3)
set title 'Shirt (Shirt)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 7 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (2,0)
set title 'Sandal (Sandal)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:0.99607843137254903]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 8 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (2,1)
set title 'Sneaker (Sneaker)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 9 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (2,2)
set title 'Coat (Coat)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 10 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (2,3)
set title 'Sandal (Sandal)'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 11 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (3,0)
set title 'Pullover (Coat) X'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 12 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (3,1)
set title 'Sandal (Boot) X'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 13 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (3,2)
set title 'Pullover (Coat) X'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 14 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

# panel (3,3)
set title 'T-shirt (Shirt) X'
set xlabel ''
set ylabel ''
unset logscale
set xrange [0:28]
set yrange [0:28]
unset key
set colorbox
set cbrange [0:1]
set cblabel 'pixel'
plot 'ch12_samples.dat' index 15 matrix using (0+($1+0.5)*1):(0+($2+0.5)*1):3 with image notitle

unset multiplot
