/* Kprobe jump optimization: state, sysctl, and the guard that restores it. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kprobe_opt.h"

int kprobe_state(const char *sym, char *flags, size_t len)
{
	FILE *f = fopen(KPROBE_LIST, "r");
	char line[512], want[128];
	int found = 0;

	if (flags && len)
		flags[0] = 0;
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s+0x0", sym);
	while (fgets(line, sizeof(line), f)) {
		char addr[40], type[8], where[160];
		int n = 0;

		/* "ffffffff8123 k  copyout+0x0    [OPTIMIZED]" */
		if (sscanf(line, "%39s %7s %159s %n", addr, type, where, &n) < 3)
			continue;
		if (strcmp(where, want) && strcmp(where, sym))
			continue;
		found = 1;
		if (flags && len) {
			char *e = line + n;

			e[strcspn(e, "\n")] = 0;
			snprintf(flags, len, "%s", e);
		}
		break;
	}
	fclose(f);
	return found;
}

static int read_sysctl(void)
{
	char b[16] = "";
	int fd = open(KPROBE_OPT_SYSCTL, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	return atoi(b) ? 1 : 0;
}

static int write_sysctl(int v)
{
	int fd = open(KPROBE_OPT_SYSCTL, O_WRONLY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, v ? "1\n" : "0\n", 2) == 2;
	close(fd);
	return ok ? 0 : -1;
}

int kprobe_opt_sysctl(void)
{
	return read_sysctl();
}

static int g_pipe = -1;
static pid_t g_guard;

int kprobe_opt_keep_off(char *note, size_t len)
{
	int old = read_sysctl(), p[2], ready[2];
	pid_t pid;
	char c;

	if (old < 0) {
		snprintf(note, len, "no %s (no CONFIG_OPTPROBES): kprobes are never optimized", KPROBE_OPT_SYSCTL);
		return 0;
	}
	if (g_pipe >= 0) {
		snprintf(note, len, "debug.kprobes-optimization already 0 for this process");
		return 0;
	}
	if (pipe2(p, O_CLOEXEC) || pipe2(ready, O_CLOEXEC)) {
		snprintf(note, len, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(note, len, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* The guard: a session of its own (a signal to the sweep's or the
		 * terminal's process group does not reach it), no signals that end
		 * it before it restored; it only waits for EOF. */
		setsid();
		prctl(PR_SET_NAME, "cob-kpopt-guard");
		signal(SIGINT, SIG_IGN);
		signal(SIGTERM, SIG_IGN);
		signal(SIGHUP, SIG_IGN);
		signal(SIGPIPE, SIG_IGN);
		close(p[1]);
		close(ready[0]);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != p[0] && fd != ready[1])
				close(fd);
		/* hold none of the loader's output pipes open */
		int dn = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (dn >= 0) {
			dup2(dn, 0);
			dup2(dn, 1);
			dup2(dn, 2);
		}
		c = write_sysctl(0) ? 'E' : 'K';
		if (write(ready[1], &c, 1) < 0)
			_exit(1);
		close(ready[1]);
		for (;;) { /* EOF: the owner closed its end or is gone */
			ssize_t n = read(p[0], &c, 1);

			if (n == 0 || (n < 0 && errno != EINTR))
				break;
		}
		write_sysctl(old);
		_exit(0);
	}
	close(p[0]);
	close(ready[1]);
	c = 0;
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	g_pipe = p[1];
	g_guard = pid;
	if (c != 'K') {
		kprobe_opt_restore();
		snprintf(note, len, "cannot write 0 to %s", KPROBE_OPT_SYSCTL);
		return -1;
	}
	snprintf(note, len, "debug.kprobes-optimization set to 0 for the run (was %d; a guard restores it)", old);
	return 0;
}

void kprobe_opt_restore(void)
{
	if (g_pipe < 0)
		return;
	close(g_pipe);
	g_pipe = -1;
	while (waitpid(g_guard, NULL, 0) < 0 && errno == EINTR)
		;
}
