/* Child processes. See subproc.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "subproc.h"

pid_t subproc_spawn(char *const argv[], int out_fd, int err_fd, bool search, const char *prog,
		    void (*in_child)(void *arg), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		int in = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		if (in_child)
			in_child(arg);
		sigaction(SIGPIPE, &dfl, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (in >= 0)
			dup2(in, 0);
		if (out_fd >= 0)
			dup2(out_fd, 1);
		if (err_fd >= 0)
			dup2(err_fd, 2);
		if (search)
			execvp(argv[0], argv);
		else
			execv(argv[0], argv);
		if (prog)
			fprintf(stderr, "%s: cannot run %s: %s\n", prog, argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	return pid;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int subproc_run(char *const argv[], const struct subproc_run *o, char *out, size_t len)
{
	bool limited = o->timeout_ms >= 0, timed_out = false;
	long long deadline = now_ms() + (limited ? o->timeout_ms : 0);
	int fds[2], st = 0;
	size_t got = 0;
	pid_t pid, r;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = subproc_spawn(argv, fds[1], o->merge_stderr ? fds[1] : -1, o->search, o->prog, o->in_child,
			    o->arg);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	if (o->started)
		o->started(o->arg, pid, argv[0]);
	for (;;) { /* read until EOF, keeping the start */
		struct pollfd p = { fds[0], POLLIN, 0 };
		char chunk[512];
		ssize_t n;

		if (o->idle)
			o->idle(o->arg);
		if (limited && now_ms() > deadline) {
			kill(-pid, SIGKILL);
			timed_out = true;
			break;
		}
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fds[0], chunk, sizeof(chunk));
		if (n <= 0)
			break;
		if ((size_t)n > len - 1 - got)
			n = (ssize_t)(len - 1 - got);
		memcpy(out + got, chunk, (size_t)n);
		got += (size_t)n;
	}
	close(fds[0]);
	out[got] = '\0';
	if (o->first_line)
		out[strcspn(out, "\r\n")] = '\0';
	/* reap it: blocking when nothing else needs doing, else polling */
	while ((r = waitpid(pid, &st, o->idle || limited ? WNOHANG : 0)) != pid) {
		struct timespec ts = { 0, 2000000 };

		if (r < 0 && errno != EINTR) {
			st = -1;
			break;
		}
		if (o->idle)
			o->idle(o->arg);
		if (limited && !timed_out && now_ms() > deadline) {
			kill(-pid, SIGKILL);
			timed_out = true;
		}
		if (r == 0)
			nanosleep(&ts, NULL);
	}
	if (o->reaped)
		o->reaped(o->arg, pid);
	return timed_out || st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}
