/* cob-sweep: run the sweep an experiment config describes.
 *
 * For every repetition and every point of the config's grid (the cartesian
 * product of its sweep axes; repetitions are the outer loop so that the
 * repetitions of one point are spread over the sweep) it makes the data file
 * once (cob-mkfile), starts the monitors, runs `cob-hook run ... -- cob-read
 * ...`, stops the monitors and appends the rows. At the end it writes
 * summary.csv (one row per point), overhead.csv when the config says
 * report = overhead, and meta.json. Before the sweep, every value of the
 * hook axis is asked whether it attaches here (`cob-hook can`); those that
 * cannot are dropped with one line each. Every output file is
 * written as NAME.tmp and renamed into place only when the sweep completed,
 * so a results directory never holds a partial file.
 *
 * Signals (INT, TERM, HUP, CHLD) stay blocked and are taken with
 * sigtimedwait() wherever cob-sweep waits, so an interrupt is seen at once
 * and every exit path goes through cleanup(): children (each in its own
 * process group) are stopped, tmp files and the work directory removed.
 *
 * A SIGKILL runs no cleanup, so nothing depends on it:
 *  - every child dies with cob-sweep (PR_SET_PDEATHSIG SIGKILL, set right
 *    after fork and checked against getppid(), so a cob-sweep that died
 *    before the prctl is noticed too);
 *  - a guard process (cob-sweep-guard, in a session of its own) holds the
 *    read end of a pipe only cob-sweep writes: when cob-sweep ends without
 *    saying it cleaned up, the guard sees EOF, SIGKILLs every child's process
 *    group (grandchildren too, e.g. the monitor's iostat) and removes the
 *    work directory;
 *  - cob-sweep dies with its own parent (--parent, else the parent it
 *    started with: PDEATHSIG SIGHUP): it then stops its children and removes
 *    the work directory, but keeps the results so far for --resume.
 *
 * Resume: DIR/.progress records the sweep's fingerprint (config text,
 * options, the hook axis as probed) and, after every run whose rows are in
 * DIR's .tmp files (flushed and fdatasync'd first), one line with the size of each
 * of those files. --resume truncates them back to the last such line, rebuilds
 * the statistics from the rows kept and continues with the next run. */
#include "backend.h" /* hook_backend_choice */
#include "config.h"
#include "csv.h"
#include "meta.h"
#include "stats.h"
#include "subproc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "kprobe_opt.h"

#define PROG "cob-sweep"
#define MAX_CHILDREN (COB_MAX_NAMES + 4) /* monitors, cob-hook, one more */
#define MONITOR_READY_MS 5000
#define STOP_GRACE_MS 10000
#define CAPTURE_MS 10000
/* cob-hook can runs the feature trials behind --backend auto: several kprobe
 * and trampoline attaches, each seconds long in a TCG guest on a busy host. */
#define PROBE_MS 120000

static const char usage_text[] =
	"usage: cob-sweep --config FILE --out DIR [options]\n"
	"Run the sweep of an experiment config and write DIR/reads.csv, DIR/summary.csv,\n"
	"DIR/MONITOR.csv (e.g. iostat.csv), DIR/plots.txt (the config's plots) and DIR/meta.json.\n"
	"\n"
	"  --config FILE   experiment config (configs/NAME.conf), INI data\n"
	"  --out DIR       results directory (created if missing; removed again if\n"
	"                  cob-sweep created it and the sweep does not complete)\n"
	"  --quick         use the config's [quick] overrides (a reduced grid)\n"
	"  --hook B        run this one hook backend (%s)\n"
	"                  instead of the config's hook axis; with report = overhead\n"
	"                  the baseline none runs too\n"
	"  --mode M        override [experiment] mode (observe, override)\n"
	"  --where W       host, guest-tcg or guest-kvm (default: env COB_WHERE, else host)\n"
	"  --bin DIR       where cob-hook, cob-read and cob-mkfile are (default: the\n"
	"                  directory of this program)\n"
	"  --workdir DIR   make the work directory copyout-bench-PID (data files, parts)\n"
	"                  inside DIR (default /var/tmp); it is removed at exit\n"
	"  --command STR   the command to record in meta.json (e.g. the ./run.sh line)\n"
	"  --resume        continue the sweep whose state is in DIR (--out; left by a\n"
	"                  cob-sweep that was killed, or whose parent died): its complete\n"
	"                  runs are kept, the rows of an unfinished run dropped, the rest\n"
	"                  run; the config and options must be those of that sweep (exit 2\n"
	"                  if not). A resumed sweep that fails keeps DIR resumable\n"
	"  --parent PID    our parent (e.g. ./run.sh): when it dies, stop, remove the work\n"
	"                  directory and keep DIR resumable (default: the parent at start)\n"
	"  --check         only validate: config, options, programs, monitors; write nothing\n"
	"                  (attaches nothing)\n"
	"  --check-hook    only ask cob-hook whether the config's hook backends attach here\n"
	"                  (exit 0: at least one besides none does, or the axis is just\n"
	"                  none; 3: no)\n"
	"  --help          this text\n"
	"\n"
	"Axes with named values ([sweep] KEY = one of them, or a comma list):\n"
	"%s"
	"\n"
	"The hook axis ([sweep] hook = none,tp-read,... or [experiment] hook) is probed\n"
	"first with `cob-hook can`: a backend that cannot attach here is skipped with\n"
	"one line 'NAME: skipping BACKEND: reason'; if none is left, exit 3.\n"
	"With report = overhead, DIR/overhead.csv gets each backend's extra ns per read\n"
	"against none (difference of means with Welch's 95 %% CI, difference of\n"
	"medians, per-read latencies pooled over the repetitions), also printed as a table.\n"
	"Monitors are found in $COB_ROOT/bench/monitors, else BIN/../../bench/monitors.\n"
	"Children die with cob-sweep, even of SIGKILL (PDEATHSIG, and a guard process\n"
	"that kills their process groups and removes the work directory).\n"
	"Exit: 0 done, 1 failure, 2 bad usage or config, 3 hook backend not available,\n"
	"130 interrupted (SIGINT), 143 terminated (SIGTERM), 129 (SIGHUP).\n";

/* The names come from the registries (loaders/backends.c, bench/config.c's axes). */
static void print_usage(FILE *f)
{
	char list[256], axes[1024];

	fprintf(f, usage_text, cob_choice_join(hook_backend_choice, ", ", list, sizeof(list)),
		cob_sweep_choices_text(axes, sizeof(axes)));
}

static struct {
	const char *config, *out, *hook, *mode, *where, *bin, *workdir, *command;
	int quick, check, check_hook, resume;
	pid_t parent;
} opt;

/* ---- state every exit path cleans up ---- */

static sigset_t g_sigs; /* blocked: taken with sigtimedwait */
static struct {
	pid_t pid;
	const char *what;
} g_child[MAX_CHILDREN];
static char *g_workdir;     /* ours: removed at exit */
static char *g_out_created; /* results dir we made: removed unless the sweep completed */
static pid_t g_self;        /* our pid: what our children expect as their parent */
static pid_t g_parent;      /* we die with it */
static int g_guard = -1;    /* write end of the guard's pipe (O_CLOEXEC) */
static pid_t g_guard_pid;
static int g_keep;          /* an unfinished sweep keeps DIR's state for --resume */
static char *g_progress;    /* DIR/.progress */

struct monitor {
	char name[COB_NAME_LEN];
	char path[PATH_MAX];
	char *header;         /* `NAME --header` */
	char out[PATH_MAX];   /* per-run CSV in the work directory */
	char err[PATH_MAX];
	pid_t pid;
	struct cob_csvw *w;   /* DIR/NAME.csv */
};
static struct monitor g_mon[COB_MAX_NAMES];
static size_t g_nmon;
static struct cob_csvw *g_reads, *g_summary, *g_overhead;
/* files renamed into DIR: removed again if a later step fails */
static char *g_committed[8 + COB_MAX_NAMES];
static size_t g_ncommitted;
static int g_complete;

static void committed(const char *path)
{
	if (g_ncommitted < sizeof(g_committed) / sizeof(g_committed[0]))
		g_committed[g_ncommitted++] = strdup(path);
}

static void cleanup(void);

static void fail(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void fail(int code, const char *fmt, ...)
{
	va_list ap;

	cleanup();
	fflush(stdout);
	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	exit(2);
}

static void interrupted(int sig) __attribute__((noreturn));
static void interrupted(int sig)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };
	sigset_t one;
	int orphan = getppid() != g_parent;

	if (orphan)
		g_keep = 1; /* like a crash of the caller: what is complete stays resumable */
	cleanup();
	fflush(stdout);
	if (orphan)
		fprintf(stderr, PROG ": parent (pid %d) died: children stopped, work directory removed%s\n",
			(int)g_parent, g_progress ? ", results so far kept for --resume" : "");
	else
		fprintf(stderr, PROG ": interrupted by SIG%s: children stopped, work directory removed%s\n",
			sigabbrev_np(sig),
			g_keep && g_progress ? ", results so far kept for --resume"
			: g_out_created ? ", partial results removed" : "");
	/* die of the signal so that a calling shell sees it too (status 128+sig) */
	sigaction(sig, &sa, NULL);
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigprocmask(SIG_UNBLOCK, &one, NULL);
	raise(sig);
	exit(128 + sig);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Sleep up to ms, waking for SIGCHLD; an INT/TERM/HUP ends the sweep unless
 * quiet (while cleaning up, when the sweep is ending anyway). */
static void pause_ms(long ms, int quiet)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	siginfo_t si;
	int s = sigtimedwait(&g_sigs, &si, &ts);

	if (s == SIGUSR1 && getppid() == g_parent)
		return; /* not our parent's death (PDEATHSIG): someone's stray USR1 */
	if ((s == SIGINT || s == SIGTERM || s == SIGHUP || s == SIGUSR1) && !quiet)
		interrupted(s);
}

static void check_interrupt(void)
{
	pause_ms(0, 0);
}

/* ---- children ---- */

static void child_add(pid_t pid, const char *what)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (!g_child[i].pid) {
			g_child[i].pid = pid;
			g_child[i].what = what;
			return;
		}
}

/* One line to the guard (atomic: shorter than PIPE_BUF). Async-signal-safe
 * enough for a child between fork and exec (no locks, no allocation). */
static void guard_say(char kind, long v)
{
	char buf[32], *p = buf + sizeof(buf);
	unsigned long u = (unsigned long)v;

	if (g_guard < 0)
		return;
	*--p = '\n';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	*--p = ' ';
	*--p = kind;
	if (write(g_guard, p, (size_t)(buf + sizeof(buf) - p)) < 0) {
		/* the guard is gone: nothing better to do */
	}
}

static void child_del(pid_t pid)
{
	for (int i = 0; i < MAX_CHILDREN; i++)
		if (g_child[i].pid == pid) {
			g_child[i].pid = 0;
			guard_say('U', pid); /* reaped: its group id may be reused now */
		}
}

/* In each child, right after fork: die with cob-sweep, even of SIGKILL (a
 * cob-sweep that died before the prctl shows in getppid()); from then on the
 * guard kills the child's group if cob-sweep dies. */
static void die_with_us(void)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != g_self)
		_exit(127);
	guard_say('P', getpid());
}

/* Start argv[0] (a path, or a PATH name when search) in its own process
 * group with stdin from /dev/null; out_fd/err_fd < 0 keep ours. */
static pid_t spawn(char *const argv[], int out_fd, int err_fd, int search, const char *what)
{
	pid_t pid = subproc_spawn(argv, out_fd, err_fd, search, PROG, die_with_us);

	if (pid < 0)
		fail(1, "fork: %s", strerror(errno));
	child_add(pid, what);
	return pid;
}

/* Wait for pid up to timeout_ms (< 0: no limit). 1 = it ended (*status),
 * 0 = still running. Interrupts end the sweep unless quiet. */
static int wait_child(pid_t pid, int *status, long timeout_ms, int quiet)
{
	long long deadline = timeout_ms < 0 ? 0 : now_ns() + timeout_ms * 1000000LL;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		long left = 1000;

		if (r == pid || (r < 0 && errno == ECHILD)) {
			if (r < 0)
				*status = 0;
			child_del(pid);
			return 1;
		}
		if (timeout_ms >= 0) {
			long long rem = deadline - now_ns();

			if (rem <= 0)
				return 0;
			if (rem / 1000000 < left)
				left = (long)(rem / 1000000) + 1;
		}
		pause_ms(left, quiet);
	}
}

/* Stop every child: SIGTERM to its group, then SIGKILL after a grace time. */
static void stop_children(void)
{
	int st;

	for (int i = 0; i < MAX_CHILDREN; i++)
		if (g_child[i].pid)
			kill(-g_child[i].pid, SIGTERM);
	for (int i = 0; i < MAX_CHILDREN; i++) {
		pid_t pid = g_child[i].pid;

		if (!pid)
			continue;
		if (!wait_child(pid, &st, STOP_GRACE_MS, 1)) {
			fprintf(stderr, PROG ": %s (pid %d) ignored SIGTERM, killing it\n", g_child[i].what,
				(int)pid);
			kill(-pid, SIGKILL);
			wait_child(pid, &st, STOP_GRACE_MS, 1);
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

/* ---- the guard: the cleanup a SIGKILL of cob-sweep would skip ---- */

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
 * was reaped, "W" + path the work directory, "D 0" cob-sweep cleaned up
 * itself. At EOF without "D": kill the groups, remove the work directory. */
static void __attribute__((noreturn)) guard_main(int fd)
{
	pid_t groups[GUARD_MAX];
	size_t ngroups = 0, len = 0;
	char buf[PATH_MAX + 64], workdir[PATH_MAX] = "";
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
		if (workdir[0])
			nftw(workdir, rm_quiet, 16, FTW_DEPTH | FTW_PHYS);
	}
	_exit(0);
}

/* Fork the guard. It runs in a session of its own, so that a signal to our
 * process group (a terminal's ^C, a supervisor killing the group) leaves it
 * to do its work, and holds no descriptor but the pipe and stderr. */
static void guard_start(void)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		fail(1, "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		fail(1, "fork: %s", strerror(errno));
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
	g_guard = p[1];
	g_guard_pid = pid;
}

static void guard_workdir(const char *path)
{
	char line[PATH_MAX + 4];
	int n = snprintf(line, sizeof(line), "W%.*s\n", PATH_MAX, path);

	if (g_guard >= 0 && n > 0 && (size_t)n < sizeof(line) && write(g_guard, line, (size_t)n) < 0) {
		/* the guard is gone */
	}
}

/* We cleaned up: the guard has nothing to do; reap it. */
static void guard_done(void)
{
	if (g_guard < 0)
		return;
	guard_say('D', 0);
	close(g_guard);
	g_guard = -1;
	while (waitpid(g_guard_pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static void cleanup(void)
{
	/* g_keep: DIR keeps reads.csv.tmp, the monitors' tmp files and .progress
	 * (resume truncates them back to the last complete run) */
	void (*drop)(struct cob_csvw *) = g_keep ? cob_csvw_close : cob_csvw_abort;

	stop_children();
	drop(g_reads);
	cob_csvw_abort(g_summary);
	cob_csvw_abort(g_overhead);
	g_reads = g_summary = g_overhead = NULL;
	for (size_t i = 0; i < g_nmon; i++) {
		drop(g_mon[i].w);
		g_mon[i].w = NULL;
	}
	if (g_workdir) {
		nftw(g_workdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(g_workdir);
		g_workdir = NULL;
	}
	for (size_t i = 0; i < g_ncommitted; i++) {
		if (!g_complete && !g_keep && g_committed[i])
			unlink(g_committed[i]);
		free(g_committed[i]);
	}
	g_ncommitted = 0;
	if (g_progress && (g_complete || !g_keep))
		unlink(g_progress);
	/* every writer removed its tmp file: DIR is empty again unless someone else wrote there */
	if (g_out_created && !g_complete && !g_keep && rmdir(g_out_created) && errno != ENOENT)
		fprintf(stderr, PROG ": left %s: %s\n", g_out_created, strerror(errno));
	guard_done();
}

/* Exit status of a child as text. */
static const char *status_text(int st, char *buf, size_t len)
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
static const char *last_line(const char *path, char *buf, size_t len)
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

/* Run argv and capture its output (with its stderr when merge), up to len
 * - 1 bytes (only the first line when first_line). Returns its exit code, or
 * -1 when it could not run or took longer than CAPTURE_MS. Interrupts end the
 * sweep (and stop it) while it runs. */
static int capture_all(char *const argv[], int search, int merge, int first_line, long timeout_ms, char *buf,
		       size_t len)
{
	const struct subproc_run o = { .search = search, .merge_stderr = merge, .first_line = first_line,
				       .timeout_ms = timeout_ms, .prog = PROG, .started = child_add,
				       .reaped = child_del, .idle = check_interrupt,
				       .in_child = die_with_us };

	return subproc_run(argv, &o, buf, len);
}

/* The same, keeping the first line of the output. */
static int capture(char *const argv[], int search, char *buf, size_t len)
{
	return capture_all(argv, search, 0, 1, CAPTURE_MS, buf, len);
}

/* ---- files and directories ---- */

static int mkdir_p(const char *path, int *created)
{
	char tmp[PATH_MAX];
	size_t len = strlen(path);

	*created = 0;
	if (len >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp, path, len + 1);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0755)) {
		struct stat sb;

		if (errno != EEXIST)
			return -1;
		if (stat(tmp, &sb) || !S_ISDIR(sb.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		return 0;
	}
	*created = 1;
	return 0;
}

static char *path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		fail(1, "out of memory");
	return p;
}

static void make_workdir(void)
{
	const char *base = opt.workdir ? opt.workdir : "/var/tmp";
	char path[PATH_MAX];
	int created;

	if (mkdir_p(base, &created))
		fail(1, "cannot create %s: %s", base, strerror(errno));
	for (int i = 0; i < 100; i++) {
		if (i)
			snprintf(path, sizeof(path), "%s/copyout-bench-%d.%d", base, (int)getpid(), i);
		else
			snprintf(path, sizeof(path), "%s/copyout-bench-%d", base, (int)getpid());
		if (!mkdir(path, 0700)) {
			g_workdir = realpath(path, NULL);
			if (!g_workdir)
				g_workdir = strdup(path);
			return;
		}
		if (errno != EEXIST)
			break;
	}
	fail(1, "cannot create a work directory in %s: %s", base, strerror(errno));
}

/* ---- the run ---- */

/* Canonical text of axis k at a point, with file_size = buf resolved. */
static const char *axis_text(const struct cob_config *c, const size_t *sel, size_t k)
{
	const struct cob_value *v = &c->axes[k].v[sel[k]];

	if (c->axes[k].param->type == COB_PT_FILESIZE && v->num == COB_FILESIZE_BUF) {
		const struct cob_value *buf = cob_config_value(c, sel, "buf_size");

		return buf ? buf->text : v->text;
	}
	return v->text;
}

/* The same for people: sizes as 4K, 1M. */
static const char *axis_show(const struct cob_config *c, const size_t *sel, size_t k)
{
	static char buf[32];
	const char *t = axis_text(c, sel, k);
	enum cob_ptype type = c->axes[k].param->type;

	if (type != COB_PT_SIZE && type != COB_PT_FILESIZE)
		return t;
	return cob_format_size(strtoull(t, NULL, 10), buf, sizeof(buf));
}

struct argv_buf {
	char *v[128];
	size_t n;
};

static void arg(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->n + 1 >= sizeof(a->v) / sizeof(a->v[0]))
		fail(1, "internal: command line too long");
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		fail(1, "out of memory");
	va_end(ap);
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void argv_free(struct argv_buf *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
}

struct datafile {
	char *key, *path;
};
static struct datafile *g_files;
static size_t g_nfiles;

/* The data file of a point, made on first use with cob-mkfile. */
static const char *data_file(const struct cob_config *c, const size_t *sel)
{
	char key[512] = "data";
	size_t off = strlen(key);
	struct argv_buf a = { 0 };
	char *err, why[256], stbuf[64];
	int fd, st;
	pid_t pid;

	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->mkfile_opt)
			off += (size_t)snprintf(key + off, sizeof(key) - off, "-%s", axis_text(c, sel, k));
	for (size_t i = 0; i < g_nfiles; i++)
		if (!strcmp(g_files[i].key, key))
			return g_files[i].path;

	arg(&a, "%s/cob-mkfile", opt.bin);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->mkfile_opt) {
			arg(&a, "%s", c->axes[k].param->mkfile_opt);
			arg(&a, "%s", axis_text(c, sel, k));
		}
	g_files = realloc(g_files, (g_nfiles + 1) * sizeof(*g_files));
	if (!g_files)
		fail(1, "out of memory");
	g_files[g_nfiles].key = strdup(key);
	g_files[g_nfiles].path = path_join(g_workdir, key);
	arg(&a, "--seed");
	arg(&a, "1");
	arg(&a, "--out");
	arg(&a, "%s", g_files[g_nfiles].path);

	err = path_join(g_workdir, "mkfile.err");
	fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fail(1, "%s: %s", err, strerror(errno));
	pid = spawn(a.v, fd, fd, 0, "cob-mkfile");
	close(fd);
	wait_child(pid, &st, -1, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail(1, "cob-mkfile failed (%s) making %s: %s", status_text(st, stbuf, sizeof(stbuf)),
		     key, last_line(err, why, sizeof(why)));
	if (access(g_files[g_nfiles].path, R_OK))
		fail(1, "cob-mkfile exited 0 but made no %s", g_files[g_nfiles].path);
	free(err);
	argv_free(&a);
	return g_files[g_nfiles++].path;
}

static int file_has_line(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n > 0 && memchr(buf, '\n', (size_t)n) != NULL;
}

static void monitors_start(void)
{
	for (size_t i = 0; i < g_nmon; i++) {
		struct monitor *m = &g_mon[i];
		char *argv[] = { m->path, m->out, NULL };
		int fd, st;
		long long deadline;
		char stbuf[64], why[256];

		unlink(m->out);
		fd = open(m->err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			fail(1, "%s: %s", m->err, strerror(errno));
		m->pid = spawn(argv, fd, fd, 0, m->name);
		close(fd);
		/* ready once it wrote its header */
		deadline = now_ns() + MONITOR_READY_MS * 1000000LL;
		while (!file_has_line(m->out)) {
			if (wait_child(m->pid, &st, 0, 0))
				fail(1, "monitor %s exited at start (%s): %s", m->name,
				     status_text(st, stbuf, sizeof(stbuf)), last_line(m->err, why, sizeof(why)));
			if (now_ns() > deadline)
				fail(1, "monitor %s wrote no header to %s within %d s", m->name, m->out,
				     MONITOR_READY_MS / 1000);
			pause_ms(10, 0);
		}
	}
}

static void monitors_stop(void)
{
	for (size_t i = 0; i < g_nmon; i++) {
		struct monitor *m = &g_mon[i];
		char stbuf[64], why[256];
		int st;

		if (wait_child(m->pid, &st, 0, 0))
			fail(1, "monitor %s exited during the run (%s): %s", m->name,
			     status_text(st, stbuf, sizeof(stbuf)), last_line(m->err, why, sizeof(why)));
		kill(m->pid, SIGTERM);
		if (!wait_child(m->pid, &st, STOP_GRACE_MS, 0))
			fail(1, "monitor %s did not stop within %d s of SIGTERM", m->name,
			     STOP_GRACE_MS / 1000);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			fail(1, "monitor %s failed (%s): %s", m->name, status_text(st, stbuf, sizeof(stbuf)),
			     last_line(m->err, why, sizeof(why)));
		m->pid = 0;
	}
}

/* Per point, over its repetitions. */
struct point_acc {
	struct cob_stats lat;
	size_t rows, match, ok;
	unsigned reps;
	double *rep_mean; /* mean latency of each repetition (NaN: none) */
	char *backend, *mode, *function, *kernel;
};

static char *g_reads_header; /* "a,b,c" of the first part: every part must match */

static char *header_string(const struct cob_csvr *r)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		fail(1, "out of memory");
	for (size_t i = 0; i < cob_csvr_ncols(r); i++)
		fprintf(f, "%s%s", i ? "," : "", cob_csvr_name(r, i));
	fclose(f);
	return s;
}

static void keep_first(char **dst, const char *v)
{
	if (!*dst && v && *v)
		*dst = strdup(v);
}

/* What one run added to a point. */
struct run_tally {
	size_t rows, matches, lat_n;
	double lat_sum;
};

struct row_cols {
	int lat, match, status;
};

static int row_cols(struct cob_csvr *r, struct row_cols *c)
{
	c->lat = cob_csvr_col(r, "lat_ns");
	c->match = cob_csvr_col(r, "match");
	c->status = cob_csvr_col(r, "status");
	return c->lat < 0 || c->match < 0 || c->status < 0 ? -1 : 0;
}

/* The current row of r into the point's statistics. */
static void acc_row(struct point_acc *acc, struct cob_csvr *r, const struct row_cols *c,
		    struct run_tally *t)
{
	const char *lat = cob_csvr_get(r, (size_t)c->lat);
	char *end;
	double v;

	t->rows++;
	if (!strcmp(cob_csvr_get(r, (size_t)c->match), "1"))
		t->matches++;
	if (!strcmp(cob_csvr_get(r, (size_t)c->status), "ok"))
		acc->ok++;
	v = strtod(lat, &end);
	if (*lat && !*end && !isnan(v)) {
		if (cob_stats_add(&acc->lat, v))
			fail(1, "out of memory");
		t->lat_sum += v;
		t->lat_n++;
	}
	keep_first(&acc->backend, cob_csvr_field(r, "backend"));
	keep_first(&acc->mode, cob_csvr_field(r, "mode"));
	keep_first(&acc->function, cob_csvr_field(r, "function"));
	keep_first(&acc->kernel, cob_csvr_field(r, "kernel"));
}

static void acc_run(struct point_acc *acc, unsigned rep, const struct run_tally *t)
{
	acc->rows += t->rows;
	acc->match += t->matches;
	acc->reps++;
	if (acc->rep_mean)
		acc->rep_mean[rep - 1] = t->lat_n ? t->lat_sum / (double)t->lat_n : NAN;
}

/* Append the rows of cob-hook's CSV to reads.csv and to the point's stats. */
static void ingest_part(const char *part, struct point_acc *acc, unsigned rep, size_t *rows,
			size_t *matches)
{
	struct cob_csvr *r = cob_csvr_open(part);
	struct run_tally t = { 0 };
	struct row_cols cols;
	int rc;
	char *hdr;

	if (!r)
		fail(1, "cob-hook wrote no readable CSV %s: %s", part,
		     errno == EBADMSG ? "malformed header" : strerror(errno));
	hdr = header_string(r);
	if (!g_reads_header) {
		g_reads_header = hdr;
	} else if (strcmp(g_reads_header, hdr)) {
		fail(1, "cob-hook's CSV header changed between runs: was '%s', now '%s'", g_reads_header,
		     hdr);
	} else {
		free(hdr);
	}
	if (!g_reads) {
		const char **cols = calloc(cob_csvr_ncols(r), sizeof(*cols));
		char *path = path_join(opt.out, "reads.csv");

		if (!cols)
			fail(1, "out of memory");
		for (size_t i = 0; i < cob_csvr_ncols(r); i++)
			cols[i] = cob_csvr_name(r, i);
		g_reads = cob_csvw_open(path, cols, cob_csvr_ncols(r));
		if (!g_reads)
			fail(1, "cannot write %s.tmp: %s", path, strerror(errno));
		free(cols);
		free(path);
	}
	if (row_cols(r, &cols))
		fail(1, "%s lacks one of the columns lat_ns, match, status", part);
	while ((rc = cob_csvr_next(r)) > 0) {
		if (cob_csvw_row(g_reads, cob_csvr_row(r), cob_csvr_ncols(r)))
			fail(1, "writing reads.csv: %s", strerror(errno));
		acc_row(acc, r, &cols, &t);
	}
	if (rc < 0)
		fail(1, "%s: %s", part, cob_csvr_error(r));
	cob_csvr_close(r);
	if (!t.rows)
		fail(1, "cob-hook exited 0 but wrote no rows to %s", part);
	acc_run(acc, rep, &t);
	*rows = t.rows;
	*matches = t.matches;
}

/* Provenance prefix of monitor rows: experiment, where, kernel, every axis, rep. */
static size_t monitor_prefix(const struct cob_config *c, const size_t *sel, unsigned rep,
			     const char *kernel, const char **vals, char *repbuf)
{
	size_t n = 0;

	vals[n++] = c->name;
	vals[n++] = opt.where;
	vals[n++] = kernel;
	for (size_t k = 0; k < c->naxes; k++)
		vals[n++] = axis_text(c, sel, k);
	sprintf(repbuf, "%u", rep);
	vals[n++] = repbuf;
	return n;
}

static void ingest_monitors(const struct cob_config *c, const size_t *sel, unsigned rep,
			    const char *kernel)
{
	for (size_t i = 0; i < g_nmon; i++) {
		struct monitor *m = &g_mon[i];
		struct cob_csvr *r = cob_csvr_open(m->out);
		const char *vals[COB_MAX_VALUES + 256];
		char repbuf[16], *hdr;
		size_t np, nc;
		int rc;

		if (!r)
			fail(1, "monitor %s: cannot read %s: %s", m->name, m->out,
			     errno == EBADMSG ? "malformed header" : strerror(errno));
		hdr = header_string(r);
		if (strcmp(hdr, m->header))
			fail(1, "monitor %s wrote the header '%s', its --header says '%s'", m->name, hdr,
			     m->header);
		free(hdr);
		nc = cob_csvr_ncols(r);
		np = monitor_prefix(c, sel, rep, kernel, vals, repbuf);
		if (np + nc > sizeof(vals) / sizeof(vals[0]))
			fail(1, "monitor %s: too many columns", m->name);
		if (!m->w) {
			char *path;

			vals[0] = "experiment";
			vals[1] = "where";
			vals[2] = "kernel";
			for (size_t k = 0; k < c->naxes; k++)
				vals[3 + k] = c->axes[k].param->key;
			vals[np - 1] = "rep";
			for (size_t j = 0; j < nc; j++)
				vals[np + j] = cob_csvr_name(r, j);
			if (asprintf(&path, "%s/%s.csv", opt.out, m->name) < 0)
				fail(1, "out of memory");
			m->w = cob_csvw_open(path, vals, np + nc);
			if (!m->w)
				fail(1, "cannot write %s.tmp: %s", path, strerror(errno));
			free(path);
			monitor_prefix(c, sel, rep, kernel, vals, repbuf);
		}
		while ((rc = cob_csvr_next(r)) > 0) {
			for (size_t j = 0; j < nc; j++)
				vals[np + j] = cob_csvr_get(r, j);
			if (cob_csvw_row(m->w, vals, np + nc))
				fail(1, "writing %s.csv: %s", m->name, strerror(errno));
		}
		if (rc < 0)
			fail(1, "monitor %s: %s: %s", m->name, m->out, cob_csvr_error(r));
		cob_csvr_close(r);
	}
}

static void commit_writer(struct cob_csvw **w, const char *name)
{
	char *path = path_join(opt.out, name);
	int rc = cob_csvw_commit(*w);

	*w = NULL;
	if (rc)
		fail(1, "writing %s: %s", path, strerror(errno));
	committed(path);
	free(path);
}

/* ---- summary ---- */

static const char *num(double v, char *buf, size_t len)
{
	if (isnan(v))
		buf[0] = '\0';
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.3f", v);
	return buf;
}

static const char *rate(size_t part, size_t whole, char *buf, size_t len)
{
	if (!whole)
		buf[0] = '\0';
	else
		snprintf(buf, len, "%.6g", (double)part / (double)whole);
	return buf;
}

static void write_summary(const struct cob_config *c, struct point_acc *acc, const char *kernel)
{
	static const char *const fixed[] = { "experiment", "backend", "mode", "function", "kernel",
					     "where" };
	static const char *const tail[] = { "n",	   "reps",	 "lat_median_ns",
					    "lat_mean_ns", "lat_sd_ns",	 "lat_min_ns",
					    "lat_max_ns",  "lat_ci95_ns", "success_rate",
					    "ok_rate" };
	const size_t nf = sizeof(fixed) / sizeof(fixed[0]), nt = sizeof(tail) / sizeof(tail[0]);
	size_t ncols = nf + c->naxes + nt, npoints = cob_config_points(c), nax = 0;
	const char **cols = calloc(ncols, sizeof(*cols));
	char (*bufs)[32] = calloc(nt, sizeof(*bufs));
	size_t *sel = calloc(c->naxes, sizeof(*sel));
	char *path = path_join(opt.out, "summary.csv");

	if (!cols || !bufs || !sel)
		fail(1, "out of memory");
	memcpy(cols, fixed, sizeof(fixed));
	/* function and hook are the fixed columns function and backend */
	for (size_t k = 0; k < c->naxes; k++)
		if (!c->axes[k].param->from_experiment)
			cols[nf + nax++] = c->axes[k].param->key;
	ncols = nf + nax + nt;
	memcpy(cols + nf + nax, tail, sizeof(tail));
	g_summary = cob_csvw_open(path, cols, ncols);
	if (!g_summary)
		fail(1, "cannot write %s.tmp: %s", path, strerror(errno));
	for (size_t p = 0; p < npoints; p++) {
		struct point_acc *a = &acc[p];
		struct cob_summary s = cob_stats_summary(&a->lat);
		size_t i = 0;

		cob_config_point(c, p, sel);
		cols[i++] = c->name;
		cols[i++] = a->backend ? a->backend : cob_config_value(c, sel, "hook")->text;
		cols[i++] = a->mode ? a->mode : c->mode;
		cols[i++] = a->function ? a->function : cob_config_value(c, sel, "function")->text;
		cols[i++] = a->kernel ? a->kernel : kernel;
		cols[i++] = opt.where;
		for (size_t k = 0; k < c->naxes; k++)
			if (!c->axes[k].param->from_experiment)
				cols[i++] = axis_text(c, sel, k);
		snprintf(bufs[0], 32, "%zu", a->rows);
		snprintf(bufs[1], 32, "%u", a->reps);
		num(s.median, bufs[2], 32);
		num(s.mean, bufs[3], 32);
		num(s.sd, bufs[4], 32);
		num(s.min, bufs[5], 32);
		num(s.max, bufs[6], 32);
		num(s.ci95, bufs[7], 32);
		rate(a->match, a->rows, bufs[8], 32);
		rate(a->ok, a->rows, bufs[9], 32);
		for (size_t t = 0; t < nt; t++)
			cols[i++] = bufs[t];
		if (cob_csvw_row(g_summary, cols, ncols))
			fail(1, "writing summary.csv: %s", strerror(errno));
	}
	free(cols);
	free(bufs);
	free(sel);
	free(path);
}

/* ---- setup ---- */

static void parse_args(int argc, char **argv)
{
	enum { O_CONFIG = 1, O_OUT, O_QUICK, O_HOOK, O_MODE, O_WHERE, O_BIN, O_WORKDIR, O_COMMAND,
	       O_CHECK, O_CHECK_HOOK, O_RESUME, O_PARENT, O_HELP };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "out", required_argument, NULL, O_OUT },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "hook", required_argument, NULL, O_HOOK },
		{ "mode", required_argument, NULL, O_MODE },
		{ "where", required_argument, NULL, O_WHERE },
		{ "bin", required_argument, NULL, O_BIN },
		{ "workdir", required_argument, NULL, O_WORKDIR },
		{ "command", required_argument, NULL, O_COMMAND },
		{ "check", no_argument, NULL, O_CHECK },
		{ "check-hook", no_argument, NULL, O_CHECK_HOOK },
		{ "resume", no_argument, NULL, O_RESUME },
		{ "parent", required_argument, NULL, O_PARENT },
		{ "help", no_argument, NULL, O_HELP },
		{ 0 },
	};
	int o;

	opterr = 0;
	while ((o = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (o) {
		case O_CONFIG: opt.config = optarg; break;
		case O_OUT: opt.out = optarg; break;
		case O_QUICK: opt.quick = 1; break;
		case O_HOOK: opt.hook = optarg; break;
		case O_MODE: opt.mode = optarg; break;
		case O_WHERE: opt.where = optarg; break;
		case O_BIN: opt.bin = optarg; break;
		case O_WORKDIR: opt.workdir = optarg; break;
		case O_COMMAND: opt.command = optarg; break;
		case O_CHECK: opt.check = 1; break;
		case O_CHECK_HOOK: opt.check_hook = 1; break;
		case O_RESUME: opt.resume = 1; break;
		case O_PARENT: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v <= 0 || v > INT_MAX)
				usage_error("--parent needs a pid: '%s'", optarg);
			opt.parent = (pid_t)v;
			break;
		}
		case O_HELP:
			print_usage(stdout);
			exit(0);
		case ':':
			usage_error("%s needs a value", argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!opt.config)
		usage_error("--config FILE is required");
	if (!opt.out && !opt.check && !opt.check_hook)
		usage_error("--out DIR is required");
	if (opt.out && !*opt.out)
		usage_error("--out needs a directory");
	if (opt.workdir && !*opt.workdir)
		usage_error("--workdir needs a directory");
}

static int in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

static void resolve_bin(const char *argv0)
{
	static char dir[PATH_MAX];
	static const char *const need[] = { "cob-hook", "cob-read", "cob-mkfile" };
	ssize_t n;

	if (!opt.bin) {
		n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
		if (n > 0)
			dir[n] = '\0';
		else
			snprintf(dir, sizeof(dir), "%s", argv0);
		if (strrchr(dir, '/'))
			*strrchr(dir, '/') = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
		opt.bin = dir;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		char *p = path_join(opt.bin, need[i]);

		if (access(p, X_OK))
			fail(1, "%s: %s (build with make, or give --bin DIR)", p, strerror(errno));
		free(p);
	}
}

static void find_monitors(const struct cob_config *c)
{
	const char *root = getenv("COB_ROOT");

	for (size_t i = 0; i < c->nmonitors; i++) {
		struct monitor *m = &g_mon[g_nmon];
		char *argv[] = { m->path, "--header", NULL };
		char hdr[4096];
		int rc;

		snprintf(m->name, sizeof(m->name), "%s", c->monitors[i]);
		if (root && *root)
			snprintf(m->path, sizeof(m->path), "%s/bench/monitors/%s", root, c->monitors[i]);
		else
			snprintf(m->path, sizeof(m->path), "%s/../../bench/monitors/%s", opt.bin,
				 c->monitors[i]);
		if (access(m->path, X_OK))
			fail(1, "monitor %s: %s: %s (set COB_ROOT to the source tree)", m->name, m->path,
			     strerror(errno));
		rc = capture(argv, 0, hdr, sizeof(hdr));
		if (rc || !hdr[0])
			fail(1, "monitor %s: '%s --header' failed (%d)", m->name, m->path, rc);
		m->header = strdup(hdr);
		g_nmon++;
	}
}

/* ---- which hook backends attach here ---- */

static json_t *g_skipped; /* meta.json hooks_skipped: backend -> reason */

/* `cob-hook can --backend B`: its exit status; *line = its last output line
 * without cob-hook's prefixes (the backend it picked, or why it cannot). */
static int hook_can(const struct cob_config *c, const char *backend, char *line, size_t len)
{
	char *hook = path_join(opt.bin, "cob-hook"), out[4096];
	char *argv[] = { hook, "can", "--backend", (char *)backend, "--mode", (char *)c->mode,
			 "--function", (char *)c->axes[cob_config_axis(c, "function")].v[0].text, NULL };
	int rc = capture_all(argv, 0, 1, 0, PROBE_MS, out, sizeof(out));
	const char *l = "", *p;
	size_t n;

	for (p = out; *p; p += n + (p[n] ? 1 : 0)) { /* the last non-empty line */
		n = strcspn(p, "\r\n");
		if (n)
			l = p;
	}
	n = strcspn(l, "\r\n");
	for (;;) { /* "cob-hook: no usable backend: B: reason" -> "reason" */
		static const char *const prefixes[] = { "cob-hook: ", "no usable backend: " };
		size_t blen = strlen(backend);
		int cut = 0;

		for (size_t i = 0; i < 2; i++)
			if (!strncmp(l, prefixes[i], strlen(prefixes[i]))) {
				l += strlen(prefixes[i]);
				n -= strlen(prefixes[i]);
				cut = 1;
			}
		if (rc == 3 && n > blen + 2 && !strncmp(l, backend, blen) && !strncmp(l + blen, ": ", 2)) {
			l += blen + 2;
			n -= blen + 2;
			cut = 1;
		}
		if (!cut)
			break;
	}
	snprintf(line, len, "%.*s", (int)n, n ? l : "(no message)");
	free(hook);
	return rc;
}

/* What the hook axis value auto resolved to when the sweep started: every run
 * then attaches that backend by name instead of probing again. */
static char g_auto_backend[COB_VALUE_LEN];

/* Probe every value of the hook axis and drop those that cannot attach here,
 * each with one line on stderr. When nothing worth running is left (no
 * value; with report = overhead, no baseline or nothing but the baseline)
 * exit 3 with one line. */
static void select_hooks(struct cob_config *c)
{
	int k = cob_config_axis(c, "hook");
	struct cob_axis *ax = &c->axes[k];
	int overhead = !strcmp(c->report, "overhead");
	size_t n = ax->n, left = 0, real_left = 0, none_ok = 0, none_at = 0;
	char (*why)[512] = calloc(n, sizeof(*why)), picked[COB_MAX_VALUES][COB_VALUE_LEN];
	char all[4096] = "";
	int ok[COB_MAX_VALUES];

	if (!why)
		fail(1, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *b = ax->v[i].text;
		int rc = hook_can(c, b, why[i], sizeof(why[i]));

		check_interrupt();
		if (rc != 0 && rc != 3)
			fail(1, "cob-hook can --backend %s failed (exit %d): %s", b, rc, why[i]);
		ok[i] = rc == 0;
		snprintf(picked[i], sizeof(picked[i]), "%s", ok[i] ? why[i] : "");
		if (ok[i] && !strcmp(b, "auto"))
			snprintf(g_auto_backend, sizeof(g_auto_backend), "%s", picked[i]);
	}
	/* auto picks one of the others: it would measure that one twice */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; ok[i] && j < n; j++)
			if (j != i && ok[j] && !strcmp(ax->v[i].text, "auto") &&
			    !strcmp(picked[i], ax->v[j].text)) {
				ok[i] = 0;
				snprintf(why[i], sizeof(why[i]), "it picks %s, which is in the list already",
					 picked[i]);
			}
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(all);

		left += ok[i];
		if (!strcmp(ax->v[i].text, "none")) {
			none_ok = ok[i];
			none_at = i;
		} else
			real_left += ok[i];
		if (!ok[i])
			snprintf(all + used, sizeof(all) - used, "%s%s: %s", used ? "; " : "",
				 ax->v[i].text, why[i]);
	}
	if (n == 1 && !left)
		fail(3, "hook backend '%s' is not available here: %s", ax->v[0].text, why[0]);
	if (!left)
		fail(3, "%s: no hook backend attaches here: %s", c->name, all);
	if (overhead && !none_ok)
		fail(3, "%s: the baseline 'none' cannot run here: %s", c->name, why[none_at]);
	if (overhead && !real_left)
		fail(3, "%s: no hook backend to compare with none attaches here: %s", c->name, all);
	for (size_t i = 0; i < n; i++)
		if (!ok[i]) {
			fprintf(stderr, "%s: skipping %s: %s\n", c->name, ax->v[i].text, why[i]);
			if (g_skipped)
				json_object_set_new(g_skipped, ax->v[i].text, json_string(why[i]));
		}
	for (size_t i = n; i-- > 0;) /* from the end: the indices before stay valid */
		if (!ok[i])
			cob_config_drop(c, "hook", i);
	free(why);
}

/* --check-hook: 0 when a backend other than none attaches here (or the axis
 * is just none), 3 when not. */
static int real_hooks(const struct cob_config *c)
{
	const struct cob_axis *ax = &c->axes[cob_config_axis(c, "hook")];
	int n = 0;

	for (size_t i = 0; i < ax->n; i++)
		n += strcmp(ax->v[i].text, "none") != 0;
	return n;
}

static int check_hook(struct cob_config *c)
{
	int wanted = real_hooks(c);

	select_hooks(c);
	return !wanted || real_hooks(c) ? 0 : 3;
}

/* DIR/plots.txt: the config's plot names, one a line, for ./run.sh. */
static void write_plots_txt(const struct cob_config *c)
{
	char *path = path_join(opt.out, "plots.txt"), *tmp;
	FILE *f;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		fail(1, "out of memory");
	f = fopen(tmp, "w");
	if (!f)
		fail(1, "cannot write %s: %s", tmp, strerror(errno));
	for (size_t i = 0; i < c->nplots; i++)
		fprintf(f, "%s\n", c->plots[i]);
	if (cob_file_commit(f, tmp, path))
		fail(1, "writing %s: %s", path, strerror(errno));
	committed(path);
	free(tmp);
	free(path);
}

/* ---- one run ---- */

static char *g_part, *g_hook_err, *g_hook_out; /* per-run files in the work directory */

/* cob-hook run ... -- cob-read ...: the options each axis says it goes to. */
static void hook_command(struct argv_buf *a, const struct cob_config *c, const size_t *sel,
			 unsigned rep, const char *data)
{
	arg(a, "%s/cob-hook", opt.bin);
	arg(a, "run");
	const char *hook = cob_config_value(c, sel, "hook")->text;

	arg(a, "--backend");
	arg(a, "%s", !strcmp(hook, "auto") && g_auto_backend[0] ? g_auto_backend : hook);
	arg(a, "--mode");
	arg(a, "%s", c->mode);
	arg(a, "--function");
	arg(a, "%s", cob_config_value(c, sel, "function")->text);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->hook_opt) {
			arg(a, "%s", c->axes[k].param->hook_opt);
			arg(a, "%s", axis_text(c, sel, k));
		}
	arg(a, "--where");
	arg(a, "%s", opt.where);
	arg(a, "--csv");
	arg(a, "%s", g_part);
	arg(a, "--label");
	arg(a, "experiment=%s", c->name);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->label) {
			arg(a, "--label");
			arg(a, "%s=%s", c->axes[k].param->key, axis_text(c, sel, k));
		}
	arg(a, "--label");
	arg(a, "rep=%u", rep);
	arg(a, "--");
	arg(a, "%s/cob-read", opt.bin);
	arg(a, "--file");
	arg(a, "%s", data);
	for (size_t k = 0; k < c->naxes; k++)
		if (c->axes[k].param->read_opt) {
			arg(a, "%s", c->axes[k].param->read_opt);
			arg(a, "%s", axis_text(c, sel, k));
		}
}

/* "[ 3/48] kind=known buf=4K iterations=100 rep=1": the axes that vary, then rep */
static void progress_prefix(char *line, size_t len, const struct cob_config *c, const size_t *sel,
			    size_t run, size_t nruns, unsigned rep)
{
	int width = snprintf(NULL, 0, "%zu", nruns);
	size_t off;

	if (width < 2)
		width = 2; /* "[ 1/8]": the columns of short sweeps line up too */
	off = (size_t)snprintf(line, len, "[%*zu/%zu]", width, run, nruns);
	for (size_t k = 0; k < c->naxes && off < len; k++)
		if (c->axes[k].n > 1)
			off += (size_t)snprintf(line + off, len - off, " %s=%s", c->axes[k].param->show,
						axis_show(c, sel, k));
	if (off < len)
		snprintf(line + off, len - off, " rep=%u", rep);
}

/* One repetition of one point: data file, monitors, cob-hook, rows.
 * Returns the number of rows it added. */
static size_t run_one(const struct cob_config *c, const size_t *sel, unsigned rep, size_t run,
		    size_t nruns, struct point_acc *acc, const char *kernel)
{
	struct argv_buf a = { 0 };
	char line[512], stbuf[64], why[512];
	const char *data = data_file(c, sel);
	size_t rows, matches;
	long long t0, t1;
	int fdo, fde, st;
	pid_t pid;

	progress_prefix(line, sizeof(line), c, sel, run, nruns, rep);
	hook_command(&a, c, sel, rep, data);
	unlink(g_part);
	fdo = open(g_hook_out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	fde = open(g_hook_err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fdo < 0 || fde < 0)
		fail(1, "%s: %s", g_workdir, strerror(errno));
	monitors_start();
	t0 = now_ns();
	pid = spawn(a.v, fdo, fde, 0, "cob-hook");
	close(fdo);
	close(fde);
	wait_child(pid, &st, -1, 0);
	t1 = now_ns();
	monitors_stop();
	if (WIFEXITED(st) && WEXITSTATUS(st) == 3)
		fail(3, "hook backend '%s' is not available here: %s",
		     cob_config_value(c, sel, "hook")->text, last_line(g_hook_err, why, sizeof(why)));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 2)
		fail(1, "cob-hook rejected its arguments (exit 2): %s",
		     last_line(g_hook_err, why, sizeof(why)));
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		fail(1, "%s: cob-hook failed (%s): %s", line, status_text(st, stbuf, sizeof(stbuf)),
		     last_line(g_hook_err, why, sizeof(why)));
	ingest_part(g_part, acc, rep, &rows, &matches);
	ingest_monitors(c, sel, rep, kernel);
	printf("%s: %.2f s, %zu/%zu match\n", line, (double)(t1 - t0) / 1e9, matches, rows);
	argv_free(&a);
	return rows;
}

/* ---- progress and resume ---- */

static uint64_t g_fp;         /* fingerprint of the sweep: config text, options, hook axis */
static char g_describe[1024]; /* the same for people */
static json_t *g_resumed;     /* meta.json resumed_after_runs */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (;; s++) { /* the NUL too: "ab","c" differs from "a","bc" */
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
		if (!*s)
			return h;
	}
}

static void fingerprint(const struct cob_config *c, size_t nruns)
{
	const struct cob_axis *h = &c->axes[cob_config_axis(c, "hook")];
	uint64_t x = 14695981039346656037ULL;
	char b[32];
	size_t off;

	snprintf(b, sizeof(b), "%zu", nruns);
	x = fnv(x, c->text);
	x = fnv(x, opt.quick ? "quick" : "full");
	x = fnv(x, c->mode);
	x = fnv(x, opt.where);
	x = fnv(x, b);
	off = (size_t)snprintf(g_describe, sizeof(g_describe), "%s%s, %zu runs, mode %s, where %s, hook ",
			       c->name, opt.quick ? " --quick" : "", nruns, c->mode, opt.where);
	for (size_t i = 0; i < h->n; i++) {
		x = fnv(x, h->v[i].text);
		if (off < sizeof(g_describe))
			off += (size_t)snprintf(g_describe + off, sizeof(g_describe) - off, "%s%s",
						i ? "," : "", h->v[i].text);
	}
	g_fp = x;
}

/* Write .progress anew (via .progress.tmp): the header, then `lines`. */
static void progress_rewrite(size_t nruns, const char *lines)
{
	char *tmp;
	FILE *f;

	if (asprintf(&tmp, "%s.tmp", g_progress) < 0)
		fail(1, "out of memory");
	f = fopen(tmp, "w");
	if (!f)
		fail(1, "cannot write %s: %s", tmp, strerror(errno));
	fprintf(f, "cob-sweep progress 1\nfingerprint %016llx\nruns %zu\ndescribe %s\n%s",
		(unsigned long long)g_fp, nruns, g_describe, lines);
	if (cob_file_commit(f, tmp, g_progress))
		fail(1, "writing %s: %s", g_progress, strerror(errno));
	free(tmp);
}

/* After run `run` (point p, repetition rep, `rows` rows): the rows of every
 * run so far are on disk; say so, with the size of each file. */
static void progress_run(size_t run, size_t p, unsigned rep, size_t rows)
{
	char line[2048];
	long long size;
	size_t off;
	int fd;

	if (cob_csvw_sync(g_reads, &size))
		fail(1, "writing reads.csv: %s", strerror(errno));
	off = (size_t)snprintf(line, sizeof(line), "run %zu %zu %u %zu reads.csv.tmp %lld", run, p, rep,
			       rows, size);
	for (size_t i = 0; i < g_nmon; i++) {
		if (!g_mon[i].w)
			continue;
		if (cob_csvw_sync(g_mon[i].w, &size))
			fail(1, "writing %s.csv: %s", g_mon[i].name, strerror(errno));
		if (off < sizeof(line))
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s.csv.tmp %lld",
						g_mon[i].name, size);
	}
	if (off + 2 > sizeof(line))
		fail(1, "internal: progress line too long");
	line[off++] = '\n';
	fd = open(g_progress, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0 || write(fd, line, off) != (ssize_t)off || fdatasync(fd))
		fail(1, "writing %s: %s", g_progress, strerror(errno));
	close(fd);
}

/* One run as .progress has it. */
struct done_run {
	size_t p, rows;
	unsigned rep;
};

static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Before meta.json, nothing in DIR is final. keep: NAME.tmp holds rows to
 * continue (taken back from NAME when a commit was cut short); else both go. */
static void uncommit(const char *name, int keep)
{
	char *path = path_join(opt.out, name), *tmp;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		fail(1, "out of memory");
	if (!keep)
		unlink(tmp);
	if (keep && !file_exists(tmp) && file_exists(path)) {
		if (rename(path, tmp))
			fail(1, "cannot rename %s back to %s: %s", path, tmp, strerror(errno));
	} else {
		unlink(path);
	}
	free(tmp);
	free(path);
}

/* Columns and rows of a kept file. */
static void count_rows(const char *name, size_t *ncols, size_t *rows)
{
	char *path = path_join(opt.out, name);
	struct cob_csvr *r = cob_csvr_open(path);
	int rc;

	if (!r)
		fail(1, "cannot resume: %s: %s", path, strerror(errno));
	*ncols = cob_csvr_ncols(r);
	*rows = 0;
	while ((rc = cob_csvr_next(r)) > 0)
		(*rows)++;
	if (rc < 0)
		fail(1, "cannot resume: %s: %s", path, cob_csvr_error(r));
	cob_csvr_close(r);
	free(path);
}

/* --resume: DIR's state back to its last complete run; the statistics of
 * the runs kept rebuilt from their rows. Returns the number of runs kept
 * (nruns + 1: the sweep completed already, nothing to do). */
static size_t progress_resume(struct point_acc *acc, size_t npoints,
			      size_t nruns)
{
	FILE *f = fopen(g_progress, "r");
	char *line = NULL, *last = NULL, *meta = path_join(opt.out, "meta.json");
	char their[sizeof(g_describe)] = "?", *kept = NULL;
	size_t cap = 0, done = 0, keptlen = 0;
	struct done_run *runs = calloc(nruns + 1, sizeof(*runs));
	unsigned long long fp = 0;
	ssize_t n;
	int hdr = 0;
	FILE *keep;

	if (!runs)
		fail(1, "out of memory");
	if (!f) {
		if (errno == ENOENT && file_exists(meta)) { /* completed; only .progress was removed */
			free(meta);
			free(runs);
			return nruns + 1;
		}
		fail(2, "--resume: %s holds no sweep to resume (%s: %s)", opt.out, g_progress,
		     strerror(errno));
	}
	keep = open_memstream(&kept, &keptlen);
	if (!keep)
		fail(1, "out of memory");
	while ((n = getline(&line, &cap, f)) > 0) {
		size_t run, p, rows;
		unsigned rep;
		int used = 0;

		if (line[n - 1] != '\n')
			break; /* torn: never completed */
		line[n - 1] = '\0';
		if (hdr == 0) {
			if (strcmp(line, "cob-sweep progress 1"))
				fail(2, "--resume: %s is not a cob-sweep progress file", g_progress);
			hdr++;
		} else if (sscanf(line, "fingerprint %llx", &fp) == 1) {
			hdr++;
		} else if (!strncmp(line, "runs ", 5)) {
			hdr++;
		} else if (!strncmp(line, "describe ", 9)) {
			snprintf(their, sizeof(their), "%s", line + 9);
			hdr++;
		} else if (sscanf(line, "run %zu %zu %u %zu %n", &run, &p, &rep, &rows, &used) == 4 && used) {
			/* runs go repetitions outside, points inside */
			if (run != done + 1 || run > nruns || p != done % npoints ||
			    rep != done / npoints + 1)
				break;
			runs[done++] = (struct done_run){ p, rows, rep };
			free(last);
			last = strdup(line + used);
			fprintf(keep, "%s\n", line);
		} else if (!strncmp(line, "resume ", 7)) {
			json_array_append_new(g_resumed, json_integer(strtoll(line + 7, NULL, 10)));
			fprintf(keep, "%s\n", line);
		} else {
			break;
		}
	}
	fclose(f);
	free(line);
	if (hdr < 4)
		fail(2, "--resume: %s is incomplete (no header)", g_progress);
	if (fp != g_fp)
		fail(2, "--resume: %s holds another sweep (%s); this one is %s", opt.out, their, g_describe);
	if (file_exists(meta)) { /* it completed; only .progress is left to remove */
		fclose(keep);
		free(kept);
		free(last);
		free(meta);
		free(runs);
		return nruns + 1;
	}
	free(meta);

	/* the files of the last complete run back to their sizes; the rest goes */
	uncommit("summary.csv", 0);
	uncommit("overhead.csv", 0);
	uncommit("plots.txt", 0);
	uncommit("meta.json", 0);
	uncommit("reads.csv", done > 0);
	for (size_t i = 0; i < g_nmon; i++) {
		char name[COB_NAME_LEN + 8];

		snprintf(name, sizeof(name), "%.*s.csv", COB_NAME_LEN - 1, g_mon[i].name);
		uncommit(name, last && strstr(last, name));
	}
	for (char *tok = last ? strtok(last, " ") : NULL; tok; tok = strtok(NULL, " ")) {
		char *size = strtok(NULL, " "), *path;

		if (!size || strchr(tok, '/'))
			fail(1, "cannot resume: malformed line in %s", g_progress);
		path = path_join(opt.out, tok);
		if (truncate(path, strtoll(size, NULL, 10)))
			fail(1, "cannot resume: truncating %s: %s", path, strerror(errno));
		free(path);
	}
	free(last);

	if (done) { /* statistics of the runs kept, from their rows */
		char *path = path_join(opt.out, "reads.csv.tmp");
		struct cob_csvr *r = cob_csvr_open(path);
		struct row_cols cols;
		size_t total = 0;
		int rc = 1;

		if (!r || row_cols(r, &cols))
			fail(1, "cannot resume: %s: %s", path, r ? "lacks lat_ns, match or status" : strerror(errno));
		g_reads_header = header_string(r);
		for (size_t k = 0; k < done; k++) {
			struct run_tally t = { 0 };

			for (size_t i = 0; i < runs[k].rows && (rc = cob_csvr_next(r)) > 0; i++)
				acc_row(&acc[runs[k].p], r, &cols, &t);
			if (t.rows != runs[k].rows)
				fail(1, "cannot resume: %s has fewer rows than %s says (run %zu)", path,
				     g_progress, k + 1);
			acc_run(&acc[runs[k].p], runs[k].rep, &t);
			total += t.rows;
		}
		if ((rc = cob_csvr_next(r)) != 0)
			fail(1, "cannot resume: %s has more rows than %s says", path, g_progress);
		path[strlen(path) - 4] = '\0'; /* reads.csv */
		g_reads = cob_csvw_append(path, cob_csvr_ncols(r), total);
		if (!g_reads)
			fail(1, "cannot resume: %s.tmp: %s", path, strerror(errno));
		cob_csvr_close(r);
		free(path);
		for (size_t i = 0; i < g_nmon; i++) {
			char name[COB_NAME_LEN + 16], *mpath;
			size_t ncols, rows;

			snprintf(name, sizeof(name), "%.*s.csv.tmp", COB_NAME_LEN - 1, g_mon[i].name);
			mpath = path_join(opt.out, name);
			if (file_exists(mpath)) {
				count_rows(name, &ncols, &rows);
				mpath[strlen(mpath) - 4] = '\0';
				g_mon[i].w = cob_csvw_append(mpath, ncols, rows);
				if (!g_mon[i].w)
					fail(1, "cannot resume: %s.tmp: %s", mpath, strerror(errno));
			}
			free(mpath);
		}
	}
	json_array_append_new(g_resumed, json_integer((json_int_t)done));
	fprintf(keep, "resume %zu\n", done);
	fclose(keep);
	progress_rewrite(nruns, kept);
	free(kept);
	free(runs);
	return done;
}

/* ---- report = overhead ---- */

/* One row of overhead.csv: point p against its baseline (the point with the
 * same values but hook = none; base == p for the baseline itself). */
struct overhead_row {
	size_t p, base;
	char label[96]; /* backend, and buf/fn when those vary */
	double mean, median;
	struct cob_welch w;
	double median_diff, rep_lo, rep_hi; /* rep_*: range of per-repetition overheads */
};
static struct overhead_row *g_orows;
static size_t g_norows;

static void compute_overhead(const struct cob_config *c, struct point_acc *acc)
{
	size_t npoints = cob_config_points(c), *sel = calloc(c->naxes, sizeof(*sel));
	int kh = cob_config_axis(c, "hook"), kb = cob_config_axis(c, "buf_size");
	int kf = cob_config_axis(c, "function");
	size_t none = 0;
	char b[32];

	g_orows = calloc(npoints, sizeof(*g_orows));
	if (!sel || !g_orows)
		fail(1, "out of memory");
	while (strcmp(c->axes[kh].v[none].text, "none"))
		none++; /* select_hooks kept it */
	for (size_t p = 0; p < npoints; p++) {
		struct overhead_row *r = &g_orows[g_norows++];
		struct point_acc *a = &acc[p], *z;
		size_t off;

		cob_config_point(c, p, sel);
		sel[kh] = none;
		r->p = p;
		r->base = cob_config_index(c, sel);
		z = &acc[r->base];
		cob_config_point(c, p, sel);
		off = (size_t)snprintf(r->label, sizeof(r->label), "%s",
				       a->backend ? a->backend : c->axes[kh].v[sel[kh]].text);
		if (c->axes[kb].n > 1)
			off += (size_t)snprintf(r->label + off, sizeof(r->label) - off, " buf=%s",
						cob_format_size(c->axes[kb].v[sel[kb]].num, b, sizeof(b)));
		if (c->axes[kf].n > 1)
			snprintf(r->label + off, sizeof(r->label) - off, " fn=%s",
				 c->axes[kf].v[sel[kf]].text);
		r->mean = cob_stats_mean(&a->lat);
		r->median = cob_stats_median(&a->lat);
		r->rep_lo = INFINITY;
		r->rep_hi = -INFINITY;
		if (r->base == p) {
			r->w = (struct cob_welch){ NAN, NAN, NAN, NAN };
			r->median_diff = r->rep_lo = r->rep_hi = NAN;
			continue;
		}
		r->w = cob_stats_welch(&z->lat, &a->lat);
		r->median_diff = r->median - cob_stats_median(&z->lat);
		/* the same difference within each repetition: a point and its
		 * baseline ran back to back there */
		for (unsigned i = 0; i < c->repetitions; i++) {
			double d = a->rep_mean[i] - z->rep_mean[i];

			if (isnan(d))
				continue;
			r->rep_lo = fmin(r->rep_lo, d);
			r->rep_hi = fmax(r->rep_hi, d);
		}
		if (isinf(r->rep_lo))
			r->rep_lo = r->rep_hi = NAN;
	}
	free(sel);
}

/* DIR/overhead.csv (tmp until commit): one row per point, the baseline's
 * with empty overhead columns. */
static void write_overhead(const struct cob_config *c, struct point_acc *acc, const char *kernel)
{
	static const char *const cols[] = {
		"experiment",	      "kernel",		 "where",
		"backend",	      "function",	 "buf_size",
		"n",		      "lat_mean_ns",	 "lat_median_ns",
		"overhead_mean_ns",   "overhead_ci95_ns", "overhead_median_ns",
		"overhead_df",	      "overhead_rep_min_ns", "overhead_rep_max_ns",
	};
	const size_t ncols = sizeof(cols) / sizeof(cols[0]);
	char *path = path_join(opt.out, "overhead.csv");
	size_t *sel = calloc(c->naxes, sizeof(*sel));
	char bufs[10][32], nbuf[32];

	if (!sel)
		fail(1, "out of memory");
	compute_overhead(c, acc);
	g_overhead = cob_csvw_open(path, cols, ncols);
	if (!g_overhead)
		fail(1, "cannot write %s.tmp: %s", path, strerror(errno));
	for (size_t i = 0; i < g_norows; i++) {
		const struct overhead_row *r = &g_orows[i];
		const struct point_acc *a = &acc[r->p];
		const char *row[sizeof(cols) / sizeof(cols[0])];

		cob_config_point(c, r->p, sel);
		snprintf(nbuf, sizeof(nbuf), "%zu", a->lat.n);
		row[0] = c->name;
		row[1] = a->kernel ? a->kernel : kernel;
		row[2] = opt.where;
		row[3] = a->backend ? a->backend : cob_config_value(c, sel, "hook")->text;
		row[4] = a->function ? a->function : cob_config_value(c, sel, "function")->text;
		row[5] = cob_config_value(c, sel, "buf_size")->text;
		row[6] = nbuf;
		row[7] = num(r->mean, bufs[0], 32);
		row[8] = num(r->median, bufs[1], 32);
		row[9] = num(r->w.diff, bufs[2], 32);
		row[10] = num(r->w.ci95, bufs[3], 32);
		row[11] = num(r->median_diff, bufs[4], 32);
		row[12] = num(r->w.df, bufs[5], 32);
		row[13] = num(r->rep_lo, bufs[6], 32);
		row[14] = num(r->rep_hi, bufs[7], 32);
		if (cob_csvw_row(g_overhead, row, ncols))
			fail(1, "writing overhead.csv: %s", strerror(errno));
	}
	free(sel);
	free(path);
}

/* The table on stdout, once the results are in place. */
static void print_overhead(const struct cob_config *c, const char *kernel)
{
	int width = 4;
	char b[32];

	for (size_t i = 0; i < g_norows; i++)
		if ((int)strlen(g_orows[i].label) > width)
			width = (int)strlen(g_orows[i].label);
	printf("overhead per read() against no hook (none): %s mode", c->mode);
	if (c->axes[cob_config_axis(c, "function")].n == 1)
		printf(", function %s", c->axes[cob_config_axis(c, "function")].v[0].text);
	if (c->axes[cob_config_axis(c, "buf_size")].n == 1)
		printf(", %s reads",
		       cob_format_size(c->axes[cob_config_axis(c, "buf_size")].v[0].num, b, sizeof(b)));
	printf(", read latencies of %u repetition%s pooled\n", c->repetitions,
	       c->repetitions == 1 ? "" : "s");
	printf("%s, kernel %s: compare these only within one run (host, guest-tcg and guest-kvm "
	       "numbers differ in kind)\n", opt.where, kernel);
	for (size_t i = 0; i < g_norows; i++) {
		const struct overhead_row *r = &g_orows[i];

		if (r->base == r->p) {
			printf("%-*s baseline %.0f ns/read, median %.0f\n", width, r->label, r->mean,
			       r->median);
			continue;
		}
		printf("%-*s %+.0f ns/read", width, r->label, r->w.diff);
		if (isnan(r->w.ci95))
			printf(" (95%% CI n/a)");
		else
			printf(" (95%% CI \u00b1%.0f)", r->w.ci95);
		printf(", median %+.0f", r->median_diff);
		if (c->repetitions > 1 && !isnan(r->rep_lo))
			printf("; per repetition %+.0f..%+.0f", r->rep_lo, r->rep_hi);
		printf("\n");
	}
}

/* ---- meta.json ---- */

static void finish_meta(json_t *meta, const struct cob_config *c, const struct point_acc *acc,
			size_t npoints)
{
	json_t *backends = json_array(), *axes = json_object(), *files, *mons = json_array();
	json_t *plots = json_array();

	for (size_t p = 0; p < npoints; p++) {
		const char *b = acc[p].backend;
		int seen = 0;

		for (size_t i = 0; b && i < json_array_size(backends); i++)
			seen |= !strcmp(json_string_value(json_array_get(backends, i)), b);
		if (b && !seen)
			json_array_append_new(backends, json_string(b));
	}
	for (size_t k = 0; k < c->naxes; k++) {
		json_t *vals = json_array();

		for (size_t i = 0; i < c->axes[k].n; i++)
			json_array_append_new(vals, json_string(c->axes[k].v[i].text));
		json_object_set_new(axes, c->axes[k].param->key, vals);
	}
	files = json_pack("[s,s,s]", "reads.csv", "summary.csv", "plots.txt");
	if (!strcmp(c->report, "overhead"))
		json_array_append_new(files, json_string("overhead.csv"));
	for (size_t i = 0; i < g_nmon; i++) {
		json_array_append_new(mons, json_string(g_mon[i].name));
		json_array_append_new(files, json_sprintf("%s.csv", g_mon[i].name));
	}
	json_array_append_new(files, json_string("meta.json"));
	for (size_t i = 0; i < c->nplots; i++)
		json_array_append_new(plots, json_sprintf("plots/%s.gp", c->plots[i]));

	cob_meta_set_config(meta, opt.config, c->text);
	if (opt.command)
		cob_meta_set_command(meta, opt.command);
	cob_meta_set_where(meta, opt.where);
	json_object_set_new(meta, "experiment", json_string(c->name));
	json_object_set_new(meta, "description", json_string(c->description));
	json_object_set_new(meta, "function", json_string(c->function));
	json_object_set_new(meta, "mode", json_string(c->mode));
	{
		/* the hook axis as it ran: one backend as before, else a list */
		const struct cob_axis *h = &c->axes[cob_config_axis(c, "hook")];
		json_t *hooks = json_array();

		for (size_t i = 0; i < h->n; i++)
			json_array_append_new(hooks, json_string(h->v[i].text));
		if (h->n == 1)
			json_object_set_new(meta, "hook", json_string(h->v[0].text));
		else
			json_object_set_new(meta, "hook", json_incref(hooks));
		json_object_set_new(meta, "hooks", hooks);
		{
			/* E17: which hooks ran with debug.kprobes-optimization=0
			 * (kprobe-copyout-unopt), and the sysctl as the sweep
			 * leaves it (null: no such sysctl, no optprobes) */
			json_t *ko = json_object(), *unopt = json_array();
			int v = kprobe_opt_sysctl();

			for (size_t i = 0; i < h->n; i++)
				if (strstr(h->v[i].text, "-unopt"))
					json_array_append_new(unopt, json_string(h->v[i].text));
			json_object_set_new(ko, "hooks_run_unoptimized", unopt);
			json_object_set_new(ko, "sysctl_after", v < 0 ? json_null() : json_integer(v));
			json_object_set_new(meta, "kprobes_optimization", ko);
		}
		json_object_set_new(meta, "hooks_skipped", g_skipped ? json_incref(g_skipped)
								    : json_object());
	}
	json_object_set_new(meta, "report", json_string(c->report));
	json_object_set_new(meta, "backends", backends);
	json_object_set_new(meta, "quick", json_boolean(c->quick));
	json_object_set_new(meta, "axes", axes);
	json_object_set_new(meta, "repetitions", json_integer(c->repetitions));
	json_object_set_new(meta, "points", json_integer((json_int_t)npoints));
	json_object_set_new(meta, "runs", json_integer((json_int_t)(npoints * c->repetitions)));
	json_object_set_new(meta, "reads", json_integer((json_int_t)cob_csvw_rows(g_reads)));
	json_object_set_new(meta, "monitors", mons);
	json_object_set_new(meta, "plots", plots);
	json_object_set_new(meta, "cache_method",
			    json_string("cob-read, per run, outside the timed reads (column cache)"));
	json_object_set_new(meta, "bin", json_string(opt.bin));
	json_object_set_new(meta, "out", json_string(opt.out));
	json_object_set_new(meta, "files", files);
	if (g_resumed && json_array_size(g_resumed))
		json_object_set_new(meta, "resumed_after_runs", json_incref(g_resumed));
	json_object_set_new(meta, "status", json_string("complete"));
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	struct cob_config cfg;
	char err[1024], kernel[256];
	struct utsname u;
	struct point_acc *acc;
	size_t npoints, nruns, run = 0, done = 0, *sel;
	json_t *meta;
	char *meta_path;
	const char *env_where = getenv("COB_WHERE");
	int created;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	/* a shell starts background jobs with SIGINT ignored: an ignored signal
	 * would never reach sigtimedwait (SIGHUP stays as given: nohup) */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&g_sigs);
	sigaddset(&g_sigs, SIGINT);
	sigaddset(&g_sigs, SIGTERM);
	sigaddset(&g_sigs, SIGHUP);
	sigaddset(&g_sigs, SIGCHLD);
	sigaddset(&g_sigs, SIGUSR1);
	sigprocmask(SIG_BLOCK, &g_sigs, NULL);
	g_self = getpid();

	/* 1. everything that can be checked before anything is written */
	parse_args(argc, argv);
	/* die with the parent: SIGUSR1 when it ends, then getppid() differs */
	g_parent = opt.parent ? opt.parent : getppid();
	if (prctl(PR_SET_PDEATHSIG, SIGUSR1) || getppid() != g_parent) {
		fprintf(stderr, PROG ": %s%d is not (or no longer) our parent\n",
			opt.parent ? "--parent " : "pid ", (int)g_parent);
		return 2;
	}
	if (cob_config_load(&cfg, opt.config, opt.quick, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return 2;
	}
	if ((opt.hook && cob_config_override(&cfg, "hook", opt.hook, err, sizeof(err))) ||
	    (opt.mode && cob_config_override(&cfg, "mode", opt.mode, err, sizeof(err))))
		usage_error("%s", err);
	if (!opt.where)
		opt.where = env_where && *env_where ? env_where : "host";
	if (!in_list(cob_wheres, opt.where))
		usage_error("--where: '%s' is not one of host, guest-tcg, guest-kvm", opt.where);
	resolve_bin(argv[0]);
	/* from here on, children and the work directory go with us however we end */
	guard_start();
	if (opt.check_hook) {
		int rc = check_hook(&cfg);

		guard_done();
		return rc;
	}
	find_monitors(&cfg);
	if (opt.check) {
		npoints = cob_config_points(&cfg);
		printf("%s: %s: %zu points x %u repetitions = %zu runs\n", opt.config, cfg.name, npoints,
		       cfg.repetitions, npoints * cfg.repetitions);
		guard_done();
		return 0;
	}
	/* the hook backends that cannot attach here leave the grid now */
	g_skipped = json_object();
	select_hooks(&cfg);
	npoints = cob_config_points(&cfg);
	nruns = npoints * cfg.repetitions;
	snprintf(kernel, sizeof(kernel), "%s", uname(&u) ? "unknown" : u.release);
	meta = cob_meta_new(argc, argv);
	acc = calloc(npoints, sizeof(*acc));
	sel = calloc(cfg.naxes, sizeof(*sel));
	if (!meta || !acc || !sel)
		fail(1, "out of memory");
	for (size_t i = 0; i < g_nmon; i++)
		if (!strcmp(g_mon[i].name, "iostat")) {
			char *v[] = { "iostat", "-V", NULL };
			char line[256];

			if (capture(v, 1, line, sizeof(line)) == 0 && line[0])
				cob_meta_set_tool(meta, "iostat", line);
		}
	check_interrupt();

	/* 2. directories */
	if (mkdir_p(opt.out, &created))
		fail(1, "cannot create %s: %s", opt.out, strerror(errno));
	if (created)
		g_out_created = strdup(opt.out);
	make_workdir();
	guard_workdir(g_workdir);
	g_progress = path_join(opt.out, ".progress");
	g_keep = opt.resume; /* a resumed sweep that fails stays resumable */
	g_part = path_join(g_workdir, "part.csv");
	g_hook_err = path_join(g_workdir, "hook.err");
	g_hook_out = path_join(g_workdir, "hook.out");
	for (size_t i = 0; i < g_nmon; i++) {
		struct monitor *m = &g_mon[i];
		char name[COB_NAME_LEN];

		memcpy(name, m->name, sizeof(name));
		snprintf(m->out, sizeof(m->out), "%s/%s.csv", g_workdir, name);
		snprintf(m->err, sizeof(m->err), "%s/%s.err", g_workdir, name);
	}

	/* 3. the sweep: repetitions outside, grid points inside */
	for (size_t p = 0; p < npoints; p++) {
		cob_stats_init(&acc[p].lat);
		acc[p].rep_mean = malloc(cfg.repetitions * sizeof(double));
		if (!acc[p].rep_mean)
			fail(1, "out of memory");
		for (unsigned i = 0; i < cfg.repetitions; i++)
			acc[p].rep_mean[i] = NAN;
	}
	fingerprint(&cfg, nruns);
	g_resumed = json_array();
	if (opt.resume) {
		done = progress_resume(acc, npoints, nruns);
		if (done > nruns) {
			g_complete = 1; /* and so is what is in DIR */
			cleanup();
			printf("%s: the sweep in %s is complete already\n", cfg.name, opt.out);
			return 0;
		}
		printf("%s: resuming %s after run %zu of %zu\n", cfg.name, opt.out, done, nruns);
	} else {
		progress_rewrite(nruns, "");
	}
	for (unsigned rep = 1; rep <= cfg.repetitions; rep++)
		for (size_t p = 0; p < npoints; p++) {
			size_t rows;

			if (++run <= done)
				continue;
			check_interrupt();
			cob_config_point(&cfg, p, sel);
			rows = run_one(&cfg, sel, rep, run, nruns, &acc[p], kernel);
			progress_run(run, p, rep, rows);
		}

	/* 4. summary and meta, then everything renamed into place, meta.json last */
	write_summary(&cfg, acc, kernel);
	if (!strcmp(cfg.report, "overhead"))
		write_overhead(&cfg, acc, kernel);
	finish_meta(meta, &cfg, acc, npoints);
	commit_writer(&g_reads, "reads.csv");
	for (size_t i = 0; i < g_nmon; i++) {
		char name[COB_NAME_LEN + 8];

		snprintf(name, sizeof(name), "%.*s.csv", COB_NAME_LEN - 1, g_mon[i].name);
		commit_writer(&g_mon[i].w, name);
	}
	commit_writer(&g_summary, "summary.csv");
	if (g_overhead)
		commit_writer(&g_overhead, "overhead.csv");
	write_plots_txt(&cfg);
	meta_path = path_join(opt.out, "meta.json");
	if (cob_meta_write(meta, meta_path))
		fail(1, "writing %s: %s", meta_path, strerror(errno));
	g_complete = 1; /* keep DIR and what is in it */
	cleanup();
	if (g_orows)
		print_overhead(&cfg, kernel);
	printf("%zu runs, %lld reads -> %s\n", nruns,
	       (long long)json_integer_value(json_object_get(meta, "reads")), opt.out);

	json_decref(meta);
	free(meta_path);
	for (size_t p = 0; p < npoints; p++) {
		cob_stats_free(&acc[p].lat);
		free(acc[p].backend);
		free(acc[p].mode);
		free(acc[p].function);
		free(acc[p].rep_mean);
		free(acc[p].kernel);
	}
	free(acc);
	free(sel);
	cob_config_free(&cfg);
	return 0;
}
