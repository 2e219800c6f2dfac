/* cob-die-with: run a command that dies with a given parent process.
 *
 *   cob-die-with PID CMD [ARGS...]
 *
 * Sets PR_SET_PDEATHSIG (SIGKILL) and execs CMD, after checking that our
 * parent is still PID: a parent that died before the prctl would never send
 * the signal. ./run.sh starts its worker with it (the process run.sh's pid
 * names only supervises, see run.sh), so that a SIGKILL of run.sh takes the
 * worker and, through the worker, the whole sweep with it; also inside the
 * guests, whose busybox setpriv has no --pdeathsig.
 * Exit: CMD's; 125 bad usage or the parent is gone; 127 CMD not found. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	long parent;

	if (argc < 3 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fprintf(argc < 3 ? stderr : stdout,
			"usage: cob-die-with PARENT-PID CMD [ARGS...]: run CMD, SIGKILLed when PARENT-PID (our parent) dies\n");
		return argc < 3 ? 125 : 0;
	}
	errno = 0;
	parent = strtol(argv[1], &end, 10);
	if (errno || *end || parent <= 0) {
		fprintf(stderr, "cob-die-with: not a pid: %s\n", argv[1]);
		return 125;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL)) {
		fprintf(stderr, "cob-die-with: prctl: %s\n", strerror(errno));
		return 125;
	}
	if (getppid() != (pid_t)parent)
		return 125; /* it is gone already (or was never our parent) */
	execvp(argv[2], argv + 2);
	fprintf(stderr, "cob-die-with: cannot run %s: %s\n", argv[2], strerror(errno));
	return 127;
}
