/* cob-sweep's process control: its children (each in its own process group,
 * dying with it), the signals it takes with sigtimedwait() wherever it waits,
 * and the one way out of a sweep that fails or is interrupted: sweep_cleanup()
 * stops the children and removes what the sweep made. See sweep.h. */
#include "reports.h"
#include "subproc.h"
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Signals (INT, TERM, HUP, CHLD, USR1) stay blocked and are taken with
 * sigtimedwait(), so an interrupt is seen at once and every exit path goes
 * through sweep_cleanup(). */
void sweep_signals_init(struct sweep *s)
{
	/* a shell starts background jobs with SIGINT ignored: an ignored signal
	 * would never reach sigtimedwait (SIGHUP stays as given: nohup) */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&s->sigs);
	sigaddset(&s->sigs, SIGINT);
	sigaddset(&s->sigs, SIGTERM);
	sigaddset(&s->sigs, SIGHUP);
	sigaddset(&s->sigs, SIGCHLD);
	sigaddset(&s->sigs, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s->sigs, NULL);
	s->self = getpid();
	s->guard = -1;
	s->cond.procs_fd = -1;
	s->cond.pressure_before = -1;
}

/* Die with the parent (--parent, else the one we started with): SIGUSR1
 * when it ends, then getppid() differs. -1 when it is not our parent. */
int sweep_die_with_parent(struct sweep *s)
{
	s->parent = s->opt.parent ? s->opt.parent : getppid();
	return prctl(PR_SET_PDEATHSIG, SIGUSR1) || getppid() != s->parent ? -1 : 0;
}

void sweep_fail(struct sweep *s, int code, const char *fmt, ...)
{
	va_list ap;

	sweep_cleanup(s);
	fflush(stdout);
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void __attribute__((noreturn)) interrupted(struct sweep *s, int sig)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t one;
	int orphan = getppid() != s->parent;

	if (orphan)
		s->keep = 1; /* like a crash of the caller: what is complete stays resumable */
	sweep_cleanup(s);
	fflush(stdout);
	if (orphan)
		fprintf(stderr, PROG ": parent (pid %d) died: children stopped, work directory removed%s\n",
			(int)s->parent, s->progress ? ", results so far kept for --resume" : "");
	else
		fprintf(stderr, PROG ": interrupted by SIG%s: children stopped, work directory removed%s\n",
			sigabbrev_np(sig),
			s->keep && s->progress ? ", results so far kept for --resume"
			: s->out_created ? ", partial results removed" : "");
	/* die of the signal so that a calling shell sees it too (status 128+sig) */
	sigaction(sig, &sa, NULL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	raise(sig);
	exit(128 + sig);
}


/* Sleep up to ms, waking for SIGCHLD; an INT/TERM/HUP ends the sweep unless
 * quiet (while cleaning up, when the sweep is ending anyway). */
void sweep_pause(struct sweep *s, long ms, int quiet)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	siginfo_t si;
	int sig = sigtimedwait(&s->sigs, &si, &ts);

	if (sig == SIGUSR1 && getppid() == s->parent)
		return; /* not our parent's death (PDEATHSIG): someone's stray USR1 */
	if ((sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGUSR1) && !quiet)
		interrupted(s, sig);
}

void sweep_check_interrupt(struct sweep *s)
{
	sweep_pause(s, 0, 0);
}

/* ---- children ---- */

static void child_add(struct sweep *s, pid_t pid, const char *what)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (!s->child[i].pid) {
			s->child[i].pid = pid;
			s->child[i].what = what;
			return;
		}
}

static void child_del(struct sweep *s, pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (s->child[i].pid == pid) {
			s->child[i].pid = 0;
			sweep_guard_say(s, 'U', pid); /* reaped: its group id may be reused now */
		}
}

/* In each child, right after fork: die with cob-sweep, even of SIGKILL (a
 * cob-sweep that died before the prctl shows in getppid()); from then on the
 * guard kills the child's group if cob-sweep dies. */
static void die_with_us(void *arg)
{
	struct sweep *s = arg;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != s->self)
		_exit(127);
	sweep_guard_say(s, 'P', getpid());
	/* the conditions of the next run (sweep_conditions.c): this child only */
	if (s->cond.procs_fd >= 0 && write(s->cond.procs_fd, "0", 1) != 1)
		_exit(125);
	if (s->cond.set_cpus && sched_setaffinity(0, sizeof(s->cond.cpus), &s->cond.cpus))
		_exit(125);
}

/* Start argv[0] (a path, or a PATH name when search) in its own process
 * group with stdin from /dev/null; out_fd/err_fd < 0 keep ours. */
pid_t sweep_spawn(struct sweep *s, char *const argv[], int out_fd, int err_fd, int search, const char *what)
{
	pid_t pid = subproc_spawn(argv, out_fd, err_fd, search, PROG, die_with_us, s);

	if (pid < 0)
		sweep_fail(s, 1, "fork: %s", strerror(errno));
	child_add(s, pid, what);
	return pid;
}

/* Wait for pid up to timeout_ms (< 0: no limit). 1 = it ended (*status),
 * 0 = still running. Interrupts end the sweep unless quiet. */
int sweep_wait(struct sweep *s, pid_t pid, int *status, long timeout_ms, int quiet)
{
	long long deadline = timeout_ms < 0 ? 0 : cob_now_ns() + timeout_ms * 1000000LL;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		long left = 1000;

		if (r == pid || (r < 0 && errno == ECHILD)) {
			if (r < 0)
				*status = 0;
			child_del(s, pid);
			return 1;
		}
		if (timeout_ms >= 0) {
			long long rem = deadline - cob_now_ns();

			if (rem <= 0)
				return 0;
			if (rem / 1000000 < left)
				left = (long)(rem / 1000000) + 1;
		}
		sweep_pause(s, left, quiet);
	}
}

/* Stop every child: SIGTERM to its group, then SIGKILL after a grace time. */
static void stop_children(struct sweep *s)
{
	int st;

	for (int i = 0; i < MAX_CHILDREN; i++)
		if (s->child[i].pid)
			kill(-s->child[i].pid, SIGTERM);
	for (int i = 0; i < MAX_CHILDREN; i++) {
		pid_t pid = s->child[i].pid;

		if (!pid)
			continue;
		if (!sweep_wait(s, pid, &st, STOP_GRACE_MS, 1)) {
			fprintf(stderr, PROG ": %s (pid %d) ignored SIGTERM, killing it\n", s->child[i].what,
				(int)pid);
			kill(-pid, SIGKILL);
			sweep_wait(s, pid, &st, STOP_GRACE_MS, 1);
		}
	}
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path))
		fprintf(stderr, PROG ": cannot remove %s: %s\n", path, strerror(errno));
	return 0;
}
void sweep_cleanup(struct sweep *s)
{
	/* s->keep: DIR keeps reads.csv.tmp, the monitors' tmp files and .progress
	 * (resume truncates them back to the last complete run) */
	void (*drop)(struct cob_csvw *) = s->keep ? cob_csvw_close : cob_csvw_abort;

	stop_children(s);
	sweep_conditions_clear(s);
	undo_all(&s->undo, 1); /* mounts, devices, sysctls, cgroups: before the work directory */
	drop(s->reads);
	s->reads = NULL;
	cob_reports_abort(s);
	for (size_t i = 0; i < s->nmon; i++) {
		drop(s->mon[i].w);
		s->mon[i].w = NULL;
	}
	if (s->workdir) {
		nftw(s->workdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
		free(s->workdir);
		s->workdir = NULL;
	}
	for (size_t i = 0; i < s->ncommitted; i++) {
		if (!s->complete && !s->keep && s->committed[i])
			unlink(s->committed[i]);
		free(s->committed[i]);
	}
	s->ncommitted = 0;
	if (s->progress && (s->complete || !s->keep))
		unlink(s->progress);
	/* every writer removed its tmp file: DIR is empty again unless someone else wrote there */
	if (s->out_created && !s->complete && !s->keep && rmdir(s->out_created) && errno != ENOENT)
		fprintf(stderr, PROG ": left %s: %s\n", s->out_created, strerror(errno));
	sweep_guard_done(s);
}

/* Exit status of a child as text. */
const char *sweep_status_text(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by %s", strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "status %d", st);
	return buf;
}

/* Last non-empty line of a (small) log file, for one-line errors. */
const char *sweep_last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	buf[0] = '\0';
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strcspn(line, "\r\n");

		if (!n)
			continue;
		if (n >= len)
			n = len - 1;
		memcpy(buf, line, n);
		buf[n] = '\0';
	}
	fclose(f);
	return buf[0] ? buf : "(no message)";
}

/* subproc_run's callbacks: its children are ours to stop and reap */
static void on_started(void *arg, pid_t pid, const char *what)
{
	child_add(arg, pid, what);
}

static void on_reaped(void *arg, pid_t pid)
{
	child_del(arg, pid);
}

static void on_idle(void *arg)
{
	sweep_check_interrupt(arg);
}

/* Run argv and capture its output (with its stderr when merge), up to len
 * - 1 bytes (only the first line when first_line). Returns its exit code, or
 * -1 when it could not run or took longer than CAPTURE_MS. Interrupts end the
 * sweep (and stop it) while it runs. */
int sweep_capture_all(struct sweep *s, char *const argv[], int search, int merge, int first_line, long timeout_ms, char *buf,
		      size_t len)
		      {
		      const struct subproc_run o = { .search = search, .merge_stderr = merge, .first_line = first_line,
		      .timeout_ms = timeout_ms, .prog = PROG, .started = on_started,
				       .reaped = on_reaped, .idle = on_idle, .in_child = die_with_us,
				       .arg = s };

	return subproc_run(argv, &o, buf, len);
}

/* The same, keeping the first line of the output. */
int sweep_capture(struct sweep *s, char *const argv[], int search, char *buf, size_t len)
{
	return sweep_capture_all(s, argv, search, 0, 1, CAPTURE_MS, buf, len);
}

