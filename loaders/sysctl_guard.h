/* A sysctl changed for the life of this process and restored however it
 * ends (SIGKILL too): a guard process (own session, named by the caller)
 * writes the old value back once this process's end of a pipe closes, i.e.
 * when it exits, or at sysctl_guard_restore(). One guard per struct. */
#ifndef SYSCTL_GUARD_H
#define SYSCTL_GUARD_H
#include <stddef.h>
#include <sys/types.h>

struct sysctl_guard {
	const char *path;  /* /proc/sys/... */
	const char *name;  /* the guard process's name (prctl PR_SET_NAME) */
	int pipe;          /* -1: not set */
	pid_t pid;
	int old;
};
#define SYSCTL_GUARD_INIT(p, n) { .path = (p), .name = (n), .pipe = -1 }

/* The sysctl's integer value, -1 when it cannot be read (no such sysctl). */
int sysctl_read_int(const char *path);
/* Write VAL to g->path and start the guard that restores the old value.
 * 0 on success (or when already set by this guard), -1 with a reason in note
 * (absent sysctl, no permission, fork). */
int sysctl_guard_set(struct sysctl_guard *g, int val, char *note, size_t len);
/* Restore now: close the pipe and wait for the guard to write the value back. */
void sysctl_guard_restore(struct sysctl_guard *g);

#endif
