# E8 cpus: read() latency and success vs the CPUs the reader may run on.
#   gnuplot -e "results='DIR'" plots/cpus.gp
# Writes DIR/cpus_latency.{png,svg} and DIR/cpus_success.{png,svg}.
catcol = "cpus"; sercol = "cache"; name = "cpus"
catlabel = "CPUs cob-hook and its reader may run on (affinity; all = no restriction)"
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/categories.gp"
