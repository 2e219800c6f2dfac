/* The guard: the cleanup a SIGKILL of cob-sweep would skip. A process of
 * its own (cob-sweep-guard, in a session of its own) holds the read end of a
 * pipe only cob-sweep writes: when cob-sweep ends without saying it cleaned
 * up, the guard sees EOF, SIGKILLs every child's process group (grandchildren
 * too, e.g. the monitor's iostat), runs the undo actions cob-sweep registered
 * (mounts, devices, modules, sysctls, cgroups: undo.h), last first, and
 * removes the work directory. */
#include "sweep.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* One line to the guard (atomic: shorter than PIPE_BUF). Async-signal-safe
 * enough for a child between fork and exec (no locks, no allocation). */
void sweep_guard_say(struct sweep *s, char kind, long v)
{
	char buf[32], *p = buf + sizeof(buf);
	unsigned long u = (unsigned long)v;

	if (s->guard < 0)
		return;
	*--p = '\n';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	*--p = ' ';
	*--p = kind;
	if (write(s->guard, p, (size_t)(buf + sizeof(buf) - p)) < 0) {
		/* the guard is gone: nothing better to do */
	}
}
#define GUARD_MAX 64

static int rm_quiet(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Lines from cob-sweep: "P PID" a child's process group to kill, "U PID" it
 * was reaped, "W" + path the work directory, "A" + an undo action, "D 0"
 * cob-sweep cleaned up itself. At EOF without "D": kill the groups, undo,
 * remove the work directory. */
static void __attribute__((noreturn)) guard_main(int fd)
{
	pid_t groups[GUARD_MAX];
	size_t ngroups = 0, len = 0;
	static char buf[UNDO_LINE + 64];
	char workdir[PATH_MAX] = "";
	struct undo_list undo = { 0 };
	int done = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		char *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		while ((nl = memchr(buf, '\n', len))) {
			long v;

			*nl = '\0';
			v = strtol(buf + 1, NULL, 10);
			if (buf[0] == 'P' && v > 0) {
				if (ngroups < GUARD_MAX)
					groups[ngroups++] = (pid_t)v;
			} else if (buf[0] == 'U') {
				for (size_t i = ngroups; i-- > 0;)
					if (groups[i] == (pid_t)v)
						groups[i] = groups[--ngroups];
			} else if (buf[0] == 'W') {
				snprintf(workdir, sizeof(workdir), "%.*s", PATH_MAX - 1, buf + 1);
			} else if (buf[0] == 'A') {
				undo_push(&undo, buf + 1);
			} else if (buf[0] == 'D') {
				done = 1;
			}
			len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, len);
		}
		if (len == sizeof(buf) - 1)
			len = 0; /* no line that long is ever sent */
	}
	if (!done) {
		for (size_t i = 0; i < ngroups; i++)
			kill(-groups[i], SIGKILL);
		undo_all(&undo, 0); /* busy for a moment while the killed close their files: retried */
		if (workdir[0])
			nftw(workdir, rm_quiet, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	}
	_exit(0);
}

/* Fork the guard. It runs in a session of its own, so that a signal to our
 * process group (a terminal's ^C, a supervisor killing the group) leaves it
 * to do its work, and holds no descriptor but the pipe and stderr. */
void sweep_guard_start(struct sweep *s)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		sweep_fail(s, 1, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		sweep_fail(s, 1, "fork: %s", strerror(errno));
	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR);

		setsid();
		prctl(PR_SET_NAME, "cob-sweep-guard");
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (dup2(p[0], 3) < 0)
			_exit(1);
		close_range(4, ~0U, 0); /* the write end too: EOF when cob-sweep is gone */
		guard_main(3);
	}
	close(p[0]);
	s->guard = p[1];
	s->guard_pid = pid;
}

void sweep_guard_workdir(struct sweep *s, const char *path)
{
	char line[PATH_MAX + 4];
	int n = snprintf(line, sizeof(line), "W%.*s\n", PATH_MAX, path);

	if (s->guard >= 0 && n > 0 && (size_t)n < sizeof(line) && write(s->guard, line, (size_t)n) < 0) {
		/* the guard is gone */
	}
}

/* We cleaned up: the guard has nothing to do; reap it. */
void sweep_guard_done(struct sweep *s)
{
	if (s->guard < 0)
		return;
	sweep_guard_say(s, 'D', 0);
	close(s->guard);
	s->guard = -1;
	while (waitpid(s->guard_pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void sweep_undo(struct sweep *s, const char *fmt, ...)
{
	char line[UNDO_LINE + 2];
	va_list ap;
	int n;

	line[0] = 'A';
	va_start(ap, fmt);
	n = vsnprintf(line + 1, UNDO_LINE, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= UNDO_LINE - 1 || undo_push(&s->undo, line + 1))
		sweep_fail(s, 1, "internal: cannot register undo action '%s'", line + 1);
	line[n + 1] = '\n';
	if (s->guard >= 0 && write(s->guard, line, (size_t)n + 2) < 0) {
		/* the guard is gone */
	}
}
