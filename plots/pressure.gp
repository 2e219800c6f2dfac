# E9 pressure: read() latency and success vs vm.vfs_cache_pressure, one series
# per cgroup memory limit.
#   gnuplot -e "results='DIR'" plots/pressure.gp
# Writes DIR/pressure_latency.{png,svg} and DIR/pressure_success.{png,svg}.
catcol = "vfs_cache_pressure"; sercol = "mem_limit"; name = "pressure"
catlabel = "vm.vfs_cache_pressure during the run (keep: as found)"
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/categories.gp"
