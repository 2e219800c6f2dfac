# E7 storage: read() latency and success per storage backend.
#   gnuplot -e "results='DIR'" plots/storage.gp
# Writes DIR/storage_latency.{png,svg} and DIR/storage_success.{png,svg}.
catcol = "storage"; sercol = "cache"; name = "storage"
catlabel = "storage backend (disk: the work directory's filesystem; brd/zram: ext2 on a RAM disk; loop: ext4 image)"
plotdir = "."
do for [i = strlen(ARG0):1:-1] { if (plotdir eq "." && ARG0[i:i] eq "/") { plotdir = ARG0[1:i - 1] } }
load plotdir."/categories.gp"
