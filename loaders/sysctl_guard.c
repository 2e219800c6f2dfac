/* A sysctl set for the life of this process, restored by a guard process. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sysctl_guard.h"

int sysctl_read_int(const char *path)
{
	char b[32] = "";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	return atoi(b);
}

static int write_int(const char *path, int v)
{
	char b[32];
	int fd = open(path, O_WRONLY | O_CLOEXEC), n = snprintf(b, sizeof(b), "%d\n", v), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, b, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

/* The guard: a session of its own (a signal to the caller's or the terminal's
 * process group does not reach it), no signals that end it before it
 * restored; it sets the value, says so, and waits for EOF. */
static void guard_main(struct sysctl_guard *g, int val, int in, int ready)
{
	char c;

	setsid();
	prctl(PR_SET_NAME, g->name);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != in && fd != ready)
			close(fd);
	/* hold none of the caller's output pipes open */
	int dn = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (dn >= 0) {
		dup2(dn, 0);
		dup2(dn, 1);
		dup2(dn, 2);
	}
	c = write_int(g->path, val) ? 'E' : 'K';
	if (write(ready, &c, 1) < 0)
		_exit(1);
	close(ready);
	for (;;) { /* EOF: the owner closed its end or is gone */
		ssize_t n = read(in, &c, 1);

		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	write_int(g->path, g->old);
	_exit(0);
}

int sysctl_guard_set(struct sysctl_guard *g, int val, char *note, size_t len)
{
	int p[2], ready[2];
	pid_t pid;
	char c = 0;

	if (g->pipe >= 0)
		return 0;
	g->old = sysctl_read_int(g->path);
	if (g->old < 0) {
		snprintf(note, len, "no %s", g->path);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) || pipe2(ready, O_CLOEXEC)) {
		snprintf(note, len, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(note, len, "fork: %s", strerror(errno));
		close(p[0]), close(p[1]), close(ready[0]), close(ready[1]);
		return -1;
	}
	if (pid == 0)
		guard_main(g, val, p[0], ready[1]);
	close(p[0]);
	close(ready[1]);
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	g->pipe = p[1];
	g->pid = pid;
	if (c != 'K') {
		sysctl_guard_restore(g);
		snprintf(note, len, "cannot write %d to %s", val, g->path);
		return -1;
	}
	snprintf(note, len, "%s set to %d for the run (was %d; a guard restores it)", g->path, val, g->old);
	return 0;
}

void sysctl_guard_restore(struct sysctl_guard *g)
{
	if (g->pipe < 0)
		return;
	close(g->pipe);
	g->pipe = -1;
	while (waitpid(g->pid, NULL, 0) < 0 && errno == EINTR)
		;
}
