# Shared by the BPF cost graphs (plots/bpfcost-*.gp; loaded, not run alone).
# In:  results  the results directory (gnuplot -e "results='DIR'"); shown: the
#      directory named on the graph; csvname: the CSV in it (set by the caller)
# Out: data (its path), kernel where accel (provenance from its rows),
#      prov (one line for subtitles), human(bytes) (style.gp), and
#      footnote(text): the command for the data note; term(ext), out(ext): the
#      terminal and output file for "png" and "svg" (graph name: fig)
if (!exists("results")) results = "results/latest"
if (!exists("shown")) shown = results
data = results."/".csvname
set datafile separator comma
set datafile columnheaders
kernel = ""; where = ""; accel = ""
stats data using (kernel = strcol("kernel"), where = strcol("where"), accel = strcol("accel"), 0) nooutput
if (STATS_records == 0) { print "no rows in ".data; exit error "empty CSV" }
prov = sprintf("kernel %s, %s%s", kernel, where, accel ne "none" ? " (".accel.")" : "")
fig_w = 1500; fig_h = 620
load plotdir."/style.gp"
footnote(t) = sprintf("set label 99 \"data: %s/%s; %s\" at screen 0.01, 0.015 font \",8\" tc rgb \"#777777\"", shown, csvname, t)
# each graph in both formats: do for [ext in "png svg"] { eval term(ext); set output out(ext); ... }
out(ext) = results."/".fig.".".ext
# rows(col, val): the data's header and the rows whose column col is val, as a
# data source (smooth unique averages the repetitions only on such a clean subset)
rows(col, val) = sprintf("< awk -F, -v c='%s' -v v='%s' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i } NR == 1 || $k == v' '%s'", col, val, data)
# med(col, val, xcol, ycol): per value of xcol, the median of ycol over the
# rows whose column col is val (col "" : every row), as a CSV "x,median"
# (plot ... using 1:2): the lines through the repetitions
med(col, val, xcol, ycol) = sprintf("< awk -F, -v c='%s' -v v='%s' -v xc='%s' -v yc='%s' '%s' '%s' | sort -n -k1,1 -k2,2 | awk '%s'", \
	col, val, xcol, ycol, \
	'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == c) k = i; if ($i == xc) x = i; if ($i == yc) y = i }; next } (c == "" || $k == v) && $y != "" { print $x, $y }', \
	data, \
	'function out() { if (n) print px "," (n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2) } BEGIN { print "x,median" } $1 != px { out(); n = 0 } { a[++n] = $2; px = $1 } END { out() }')
