# Shared by the plot scripts (loaded by them, not run on its own).
# In:  results   the results directory (gnuplot -e "results='DIR'"), default results/latest
# Out: summary   DIR/summary.csv
#      exper kernel where backend mode func cache reps   provenance from the data
#      series    " kind/bufsize ..." one word per (file_kind, buf_size) in the data
#      nseries, is(w), label(w), dodge(i), human(bytes), subtitle, output(name)
if (!exists("results")) results = "results/latest"
# where the data will be read by people (run.sh draws into a staging directory)
if (!exists("shown")) shown = results
summary = results."/summary.csv"

set datafile separator comma
set datafile columnheaders

exper = ""; kernel = ""; where = ""; backend = ""; mode = ""; func = ""; cache = ""; reps = 0
series = " "
stats summary using (exper = strcol("experiment"), kernel = strcol("kernel"), \
	where = strcol("where"), backend = strcol("backend"), mode = strcol("mode"), \
	func = strcol("function"), cache = strcol("cache"), reps = column("reps"), \
	k = strcol("file_kind")."/".strcol("buf_size"), \
	series = series.(strstrt(series, " ".k." ") ? "" : k." "), 0) nooutput
nseries = words(series)
if (nseries == 0) { print "no rows in ".summary; exit error "empty summary" }

human(b) = (b >= 1073741824 && int(b) % 1073741824 == 0) ? sprintf("%d GiB", b / 1073741824) : \
	(b >= 1048576 && int(b) % 1048576 == 0) ? sprintf("%d MiB", b / 1048576) : \
	(b >= 1024 && int(b) % 1024 == 0) ? sprintf("%d KiB", b / 1024) : sprintf("%d B", b)
kind_of(w) = w[1:strstrt(w, "/") - 1]
buf_of(w) = w[strstrt(w, "/") + 1:] + 0
label(w) = sprintf("%s file, %s buffer", kind_of(w), human(buf_of(w)))
# is the current row in series w?
is(w) = (strcol("file_kind")."/".strcol("buf_size") eq w)
# spread the series a little along a log x axis so equal values stay visible
dodge(i) = 10 ** (0.012 * (i - (nseries + 1) / 2.0))

subtitle = sprintf("%s, kernel %s, %s backend, %s mode\n%s, cache=%s, %d repetition%s per point", \
	where, kernel, backend, mode, func, cache, reps, reps == 1 ? "" : "s")

set terminal pngcairo size 1200,700 noenhanced font "DejaVu Sans,12" linewidth 1.5
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
dodge_pct = (10 ** (0.012 * (nseries - 1) / 2.0) - 1) * 100
set label 99 sprintf("data: %s; series offset along x by up to %.0f %% so equal values stay visible", \
	shown."/summary.csv", dodge_pct) at screen 0.01, 0.015 font ",8" tc rgb "#777777"
output(name) = results."/".name
# After a PNG's plot command: name = "FILE"; eval svg_copy  -> the same graph as
# DIR/FILE.svg (vector, for documents), the PNG terminal restored afterwards.
svg_copy = 'set terminal push; set terminal svg size 1200,800 noenhanced font "DejaVu Sans,12" dynamic; ' . \
	'set output output(name.".svg"); replot; unset output; set terminal pop'
