/* Child processes: start a command, or run one to its end capturing its
 * output and exit status, with an optional time limit. Used by cob-sweep
 * (monitors, cob-hook) and by the brd feature check (modprobe).
 *
 * Every child runs in its own process group (so it can be stopped with all
 * it started), with stdin from /dev/null, SIGPIPE at its default and no
 * signal blocked. */
#ifndef SUBPROC_H
#define SUBPROC_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Start argv: argv[0] is a path, or a name looked up in PATH when search.
 * out_fd/err_fd < 0 keep ours. in_child (optional) runs in the child right
 * after fork, before anything else (e.g. to make it die with its parent),
 * given arg (the caller's context). If the command cannot run, the child says
 * "PROG: cannot run ARGV0: error" on its stderr (when prog is not NULL) and
 * exits 127. Returns its pid, or -1 (errno) when fork failed. */
pid_t subproc_spawn(char *const argv[], int out_fd, int err_fd, bool search, const char *prog,
		    void (*in_child)(void *arg), void *arg);

struct subproc_run {
	bool search;       /* as for subproc_spawn */
	bool merge_stderr; /* capture its stderr too (else it goes to ours) */
	bool first_line;   /* keep only the first line of the output */
	long timeout_ms;   /* < 0: no limit; past it the group is killed */
	const char *prog;  /* as for subproc_spawn */
	/* Optional, for a caller that keeps track of its children: told the
	 * pid once started and once reaped, and idle() runs at least every
	 * 100 ms while the command runs (e.g. to act on a pending signal). */
	void (*started)(void *arg, pid_t pid, const char *what);
	void (*reaped)(void *arg, pid_t pid);
	void (*idle)(void *arg);
	void (*in_child)(void *arg); /* as for subproc_spawn */
	void *arg;                   /* what the callbacks get: the caller's context */
};

/* Run argv to its end; its output (the first len - 1 bytes; the rest is
 * read and dropped) goes to out. Returns its exit code, or -1 when it could
 * not be started, died of a signal or ran out of time. */
int subproc_run(char *const argv[], const struct subproc_run *o, char *out, size_t len);

#endif
