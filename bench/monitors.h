/* The monitors a config may name (`monitors = ...`): one table, owned here.
 * Each entry says which executable records it (bench/monitors/EXEC: `EXEC
 * --header` prints the CSV header, `EXEC OUTFILE` records until SIGTERM),
 * what it depends on (a command and the Debian package that has it) and how
 * to ask that command its version (for meta.json's tools). The config parser
 * takes its choices from here; cob-sweep finds, runs and records them. */
#ifndef COB_MONITORS_H
#define COB_MONITORS_H
#include "registry.h"

struct cob_monitor {
	const char *name;
	const char *help;
	const char *exec;            /* file name in bench/monitors/ */
	const char *command;         /* the program it runs (searched in PATH) */
	const char *package;         /* the Debian package that has it */
	const char *const *version;  /* argv that prints command's version (first line kept) */
};

COB_REGISTRY_DECLARE(cob_monitor, struct cob_monitor);

#endif
