# The look every graph shares (loaded by common.gp, bpfcost.gp, compare.gp and nightly-trend.gp).
# The one terminal definition: term("png") or term("svg") (eval it), at
# fig_w x fig_h pixels (set them before loading this file to change the size).
if (!exists("fig_w")) fig_w = 1200
if (!exists("fig_h")) fig_h = 700
term(ext) = (ext eq "svg") ? \
	sprintf('set terminal svg size %d,%d noenhanced font "DejaVu Sans,12" dynamic linewidth 1.5 background rgb "white"', fig_w, fig_h) : \
	sprintf('set terminal pngcairo size %d,%d noenhanced font "DejaVu Sans,12" linewidth 1.5', fig_w, fig_h)
eval term("png")
# A size in bytes as people write it: "4 KiB", "16 MiB", "1 GiB", else "4097 B"
human(b) = (b >= 1073741824 && int(b) % 1073741824 == 0) ? sprintf("%d GiB", b / 1073741824) : \
	(b >= 1048576 && int(b) % 1048576 == 0) ? sprintf("%d MiB", b / 1048576) : \
	(b >= 1024 && int(b) % 1024 == 0) ? sprintf("%d KiB", b / 1024) : sprintf("%d B", b)
# colour-blind safe (Okabe-Ito), distinct points
set linetype 1 lc rgb "#0072B2" pt 7 ps 1.3
set linetype 2 lc rgb "#E69F00" pt 5 ps 1.3
set linetype 3 lc rgb "#009E73" pt 9 ps 1.5
set linetype 4 lc rgb "#D55E00" pt 11 ps 1.5
set linetype 5 lc rgb "#CC79A7" pt 13 ps 1.5
set linetype 6 lc rgb "#56B4E9" pt 6 ps 1.3
set linetype 7 lc rgb "#000000" pt 4 ps 1.3
set linetype 8 lc rgb "#F0E442" pt 8 ps 1.3
set linetype cycle 8
set grid xtics ytics mxtics lc rgb "#dddddd"
set border 3
set bmargin 5
set tics nomirror
set key box opaque samplen 3 spacing 1.2 width 1
