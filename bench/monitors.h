/* The monitors a config may name (`monitors = ...`): one table, owned here.
 * Each entry says which executable records it (bench/monitors/EXEC: `EXEC
 * --header` prints the CSV header, `EXEC OUTFILE` records until SIGTERM),
 * what it depends on (a command and the Debian package that has it), how to
 * ask that command its version (for meta.json's tools) and whether the
 * kernel may refuse it (`probe`: then `EXEC --probe` prints "works" and exits
 * 0, or prints the one-line reason and exits 3). The config parser takes its
 * choices from here; cob-sweep finds, probes, runs and records them;
 * cob-doctor lists them with their state. */
#ifndef COB_MONITORS_H
#define COB_MONITORS_H
#include <stdbool.h>
#include <stddef.h>
#include "registry.h"

struct cob_monitor {
	const char *name;
	const char *help;
	const char *exec;            /* file name in bench/monitors/ */
	const char *command;         /* the program it runs (searched in PATH) */
	const char *package;         /* the Debian package that has it */
	const char *const *version;  /* argv that prints command's version (first line kept) */
	bool probe;                  /* EXEC --probe says whether the kernel lets it run */
};

COB_REGISTRY_DECLARE(cob_monitor, struct cob_monitor);

/* The executable of monitor M into buf: $COB_ROOT/bench/monitors/EXEC, else
 * BIN/../../bench/monitors/EXEC (BIN: the directory of the cob-* binaries). */
void cob_monitor_path(const struct cob_monitor *m, const char *bin, char *buf, size_t len);

/* Exit status of `EXEC --probe` for a monitor the kernel refuses. */
#define COB_MONITOR_REFUSED 3

#endif
