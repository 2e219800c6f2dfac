# Shared by the plot scripts (loaded by them, not run on its own).
# In:  results   the results directory (gnuplot -e "results='DIR'"), default results/latest
# Out: summary   DIR/summary.csv
#      exper kernel where backend mode func cache reps   provenance from the data
#      series    " kind/bufsize ..." one word per (file_kind, buf_size) in the data
#      nseries, is(w), label(w), dodge(i), human(bytes) (style.gp), subtitle, output(name),
#      svg_too(name), add_word(list, w), cat_x(list, w), field(key, n), short_subtitle
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

kind_of(w) = w[1:strstrt(w, "/") - 1]
buf_of(w) = w[strstrt(w, "/") + 1:] + 0
label(w) = sprintf("%s file, %s buffer", kind_of(w), human(buf_of(w)))
# is the current row in series w?
is(w) = (strcol("file_kind")."/".strcol("buf_size") eq w)
# spread the series a little along a log x axis so equal values stay visible
dodge(i) = 10 ** (0.012 * (i - (nseries + 1) / 2.0))

subtitle = sprintf("%s, kernel %s, %s backend, %s mode\n%s, cache=%s, %d repetition%s per point", \
	where, kernel, backend, mode, func, cache, reps, reps == 1 ? "" : "s")

load plotdir."/style.gp"   # terminal, colours, grid, key
dodge_pct = (10 ** (0.012 * (nseries - 1) / 2.0) - 1) * 100
set label 99 sprintf("data: %s; series offset along x by up to %.0f %% so equal values stay visible", \
	shown."/summary.csv", dodge_pct) at screen 0.01, 0.015 font ",8" tc rgb "#777777"
output(name) = results."/".name
# The graph just drawn, again as SVG: `eval svg_too("NAME")` after the plot
# into output("NAME.png") writes DIR/NAME.svg and switches back to PNG.
svg_too(name) = term("svg")."; set output '".output(name.".svg")."'; replot; unset output; ".term("png")
# Category axes: `cats` a " a b c " list (built with add_word in a stats pass),
# cat_x(w) the 1-based position of word w in it
add_word(list, w) = list.(strstrt(list, " ".w." ") ? "" : w." ")
cat_x(list, w) = words(list[1:strstrt(list, " ".w." ")]) + 1
# Two-part series keys, words without spaces ("none|4096"): field(k, n) is
# part n (1 or 2); each script's pretty(k) turns a key into a legend entry
field(k, n) = (n == 1) ? k[1:strstrt(k, "|") - 1] : k[strstrt(k, "|") + 1:]
# "host, kernel K, B backend, M mode, N repetitions per point" (the run's provenance)
short_subtitle = sprintf("%s, kernel %s, %s backend, %s mode, %d repetition%s per point", \
	where, kernel, backend, mode, reps, reps == 1 ? "" : "s")
