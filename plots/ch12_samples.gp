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

# panel (0,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.02100
set rmargin at screen 0.19200
set tmargin at screen 0.96981
set bmargin at screen 0.75755
unset label
set title ''
set label 1 'Boot (Boot)' at screen 0.10600, 0.97783 center

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

# panel (0,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.27100
set rmargin at screen 0.44200
set tmargin at screen 0.96981
set bmargin at screen 0.75755
unset label
set title ''
set label 1 'Pullover (Pullover)' at screen 0.35600, 0.97783 center

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

# panel (0,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.52100
set rmargin at screen 0.69200
set tmargin at screen 0.96981
set bmargin at screen 0.75755
unset label
set title ''
set label 1 'Trouser (Trouser)' at screen 0.60600, 0.97783 center

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

# panel (0,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.77100
set rmargin at screen 0.94200
set tmargin at screen 0.96981
set bmargin at screen 0.75755
unset label
set title ''
set label 1 'Trouser (Trouser)' at screen 0.85600, 0.97783 center

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

# panel (1,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.02100
set rmargin at screen 0.19200
set tmargin at screen 0.72358
set bmargin at screen 0.51132
unset label
set title ''
set label 1 'Shirt (Shirt)' at screen 0.10600, 0.73160 center

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

# panel (1,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.27100
set rmargin at screen 0.44200
set tmargin at screen 0.72358
set bmargin at screen 0.51132
unset label
set title ''
set label 1 'Trouser (Trouser)' at screen 0.35600, 0.73160 center

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

# panel (1,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.52100
set rmargin at screen 0.69200
set tmargin at screen 0.72358
set bmargin at screen 0.51132
unset label
set title ''
set label 1 'Coat (Coat)' at screen 0.60600, 0.73160 center

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

# panel (1,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.77100
set rmargin at screen 0.94200
set tmargin at screen 0.72358
set bmargin at screen 0.51132
unset label
set title ''
set label 1 'Shirt (Shirt)' at screen 0.85600, 0.73160 center

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

# panel (2,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.02100
set rmargin at screen 0.19200
set tmargin at screen 0.47736
set bmargin at screen 0.26509
unset label
set title ''
set label 1 'Sandal (Sandal)' at screen 0.10600, 0.48538 center

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

# panel (2,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.27100
set rmargin at screen 0.44200
set tmargin at screen 0.47736
set bmargin at screen 0.26509
unset label
set title ''
set label 1 'Sneaker (Sneaker)' at screen 0.35600, 0.48538 center

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

# panel (2,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.52100
set rmargin at screen 0.69200
set tmargin at screen 0.47736
set bmargin at screen 0.26509
unset label
set title ''
set label 1 'Coat (Coat)' at screen 0.60600, 0.48538 center

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

# panel (2,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.77100
set rmargin at screen 0.94200
set tmargin at screen 0.47736
set bmargin at screen 0.26509
unset label
set title ''
set label 1 'Sandal (Sandal)' at screen 0.85600, 0.48538 center

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

# panel (3,0): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.02100
set rmargin at screen 0.19200
set tmargin at screen 0.23113
set bmargin at screen 0.01792
unset label
set title ''
set label 1 'Pullover (Coat) X' at screen 0.10600, 0.23915 center

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

# panel (3,1): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.27100
set rmargin at screen 0.44200
set tmargin at screen 0.23113
set bmargin at screen 0.01792
unset label
set title ''
set label 1 'Sandal (Boot) X' at screen 0.35600, 0.23915 center

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

# panel (3,2): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.52100
set rmargin at screen 0.69200
set tmargin at screen 0.23113
set bmargin at screen 0.01792
unset label
set title ''
set label 1 'Pullover (Coat) X' at screen 0.60600, 0.23915 center

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

# panel (3,3): the plot area where the PNG has it, so the figure title, the panel
# title and a legend above the plot get the room the PNG gave them
set lmargin at screen 0.77100
set rmargin at screen 0.94200
set tmargin at screen 0.23113
set bmargin at screen 0.01792
unset label
set title ''
set label 1 'T-shirt (Shirt) X' at screen 0.85600, 0.23915 center

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
