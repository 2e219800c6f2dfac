/* cob-sweep's parts and the one context they share.
 *
 * A sweep is one `struct sweep`: main makes it, every part takes it as its
 * first argument, and every exit path (sweep_fail, an interrupt, the end)
 * cleans up what it names. Which part does what:
 *   sweep_cli.c       options and usage text
 *   sweep_proc.c      children, signals, failing and cleaning up
 *   sweep_guard.c     the guard process (the cleanup a SIGKILL would skip)
 *   sweep_files.c     directories, paths, committing results into DIR
 *   sweep_hooks.c     which hook backends attach here (cob-hook can)
 *   sweep_monitors.c  starting, stopping and ingesting the monitors
 *   sweep_rows.c      cob-hook's rows into reads.csv and the point statistics
 *   sweep_storage.c   the storage axis: which storages this kernel gives, setting them up
 *   sweep_conditions.c  cpus, vfs_cache_pressure, mem_limit around each run
 *   sweep_run.c       one run (data file, cob-hook command line) and the loop
 *   sweep_progress.c  DIR/.progress and --resume
 *   sweep_meta.c      meta.json
 *   reports.c         the report kinds (report_summary.c, report_overhead.c) */
#ifndef COB_SWEEP_H
#define COB_SWEEP_H
#include "clock.h"
#include "config.h"
#include "csv.h"
#include "monitors.h"
#include "stats.h"
#include "storage.h"
#include "undo.h"

#include <jansson.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#define PROG "cob-sweep"
#define MAX_CHILDREN (COB_MAX_NAMES + 4) /* monitors, cob-hook, one more */
#define MONITOR_READY_MS 5000
/* a libbpf-tools monitor loads its BPF programs to answer --probe: seconds in a TCG guest */
#define MONITOR_PROBE_MS 90000
#define STOP_GRACE_MS 10000
#define CAPTURE_MS 10000
/* cob-hook can runs the feature trials behind --backend auto: several kprobe
 * and trampoline attaches, each seconds long in a TCG guest on a busy host. */
#define PROBE_MS 120000
#define MAX_REPORTS 8

struct sweep_opts {
	const char *config, *out, *hook, *mode, *where, *bin, *workdir, *command;
	int quick, check, check_hook, describe, resume;
	pid_t parent;
};

/* A monitor of the config, as this sweep runs it. */
struct sweep_monitor {
	const struct cob_monitor *m; /* its registry entry */
	char name[COB_NAME_LEN];
	char path[PATH_MAX];
	char *header;       /* `NAME --header` */
	char out[PATH_MAX]; /* per-run CSV in the work directory */
	char err[PATH_MAX];
	pid_t pid;
	struct cob_csvw *w; /* DIR/NAME.csv */
};

/* Per point, over its repetitions. */
struct point_acc {
	struct cob_stats lat;
	size_t rows, match, ok;
	unsigned reps;
	double *rep_mean; /* mean latency of each repetition (NaN: none) */
	char *backend, *mode, *function, *kernel;
};

/* A report kind as this sweep writes it (see reports.h). */
struct sweep_report {
	const struct cob_report *ops;
	struct cob_csvw *w; /* DIR/FILE, tmp until committed */
	void *data;         /* what its print needs once the results are in place */
};

/* A storage of the axis, once set up (its undo actions are in s->undo). */
struct sweep_storage {
	int made;
	struct storage_made m;
};

/* The conditions: what was changed, and what the next cob-hook gets. */
struct sweep_conditions {
	cpu_set_t allowed; /* ours at the start: cpus = N takes its first N */
	int nallowed;
	long pressure_before; /* vm.vfs_cache_pressure at the start; -1: untouched */
	char cgroup[PATH_MAX]; /* ours, for mem_limit; "" none */
	int cgroup_v2;
	/* for the next spawn only (die_with_us applies them in the child) */
	int procs_fd;     /* the cgroup's cgroup.procs; -1: stay */
	int set_cpus;
	cpu_set_t cpus;
};

struct datafile {
	char *key, *path;
};

struct sweep {
	struct sweep_opts opt;
	struct cob_config cfg;
	char kernel[256];
	size_t npoints, nruns;
	struct point_acc *acc; /* one per point */

	/* process control: every child in its own group, stopped at exit */
	sigset_t sigs; /* blocked: taken with sigtimedwait */
	struct {
		pid_t pid;
		const char *what;
	} child[MAX_CHILDREN];
	pid_t self;     /* our pid: what our children expect as their parent */
	pid_t parent;   /* we die with it */
	int guard;      /* write end of the guard's pipe (O_CLOEXEC); -1: none */
	pid_t guard_pid;

	/* files: removed at exit unless the sweep completed (or keep) */
	char *workdir;     /* ours: removed at exit */
	char *out_created; /* results dir we made: removed unless the sweep completed */
	char *progress;    /* DIR/.progress */
	int keep;          /* an unfinished sweep keeps DIR's state for --resume */
	int complete;
	char *committed[8 + COB_MAX_NAMES + MAX_REPORTS]; /* renamed into DIR */
	size_t ncommitted;
	struct datafile *files;
	size_t nfiles;
	char *part, *hook_err, *hook_out; /* per-run files in the work directory */

	struct sweep_monitor mon[COB_MAX_NAMES];
	size_t nmon;
	json_t *mon_skipped; /* meta.json monitors_skipped: monitor -> reason */
	struct cob_csvw *reads;
	char *reads_header; /* "a,b,c" of the first part: every part must match */
	struct sweep_report report[MAX_REPORTS];
	size_t nreport;

	json_t *skipped; /* meta.json hooks_skipped: backend -> reason */
	json_t *storage_skipped; /* meta.json storage_skipped: storage -> reason */
	json_t *cond_skipped;    /* meta.json conditions.skipped: "cpus=4" -> reason */
	struct sweep_storage storage[COB_MAX_VALUES]; /* by value index of the storage axis */
	struct sweep_conditions cond;
	struct undo_list undo; /* what to undo at the end (undo.h); the guard has a copy */
	char auto_backend[COB_VALUE_LEN];

	uint64_t fp;         /* fingerprint of the sweep: config text, options, hook axis */
	char describe[1024]; /* the same for people */
	json_t *resumed;     /* meta.json resumed_after_runs */
};

/* sweep_cli.c */
void sweep_print_usage(FILE *f);
void sweep_parse_args(struct sweep *s, int argc, char **argv);
void sweep_resolve_bin(struct sweep *s, const char *argv0);
void sweep_resolve_where(struct sweep *s);
void sweep_usage_error(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* sweep_proc.c */
void sweep_signals_init(struct sweep *s);
int sweep_die_with_parent(struct sweep *s);
void sweep_fail(struct sweep *s, int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
void sweep_pause(struct sweep *s, long ms, int quiet);
void sweep_check_interrupt(struct sweep *s);
pid_t sweep_spawn(struct sweep *s, char *const argv[], int out_fd, int err_fd, int search, const char *what);
int sweep_wait(struct sweep *s, pid_t pid, int *status, long timeout_ms, int quiet);
int sweep_capture_all(struct sweep *s, char *const argv[], int search, int merge, int first_line,
		      long timeout_ms, char *buf, size_t len);
int sweep_capture(struct sweep *s, char *const argv[], int search, char *buf, size_t len);
const char *sweep_status_text(int st, char *buf, size_t len);
const char *sweep_last_line(const char *path, char *buf, size_t len);
void sweep_cleanup(struct sweep *s);

/* sweep_guard.c */
void sweep_guard_start(struct sweep *s);
void sweep_guard_say(struct sweep *s, char kind, long v);
void sweep_guard_workdir(struct sweep *s, const char *path);
void sweep_guard_done(struct sweep *s);
/* Register an undo action (undo.h) with us and the guard, before the change. */
void sweep_undo(struct sweep *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* sweep_files.c */
int sweep_mkdir_p(const char *path, int *created);
char *sweep_path(struct sweep *s, const char *dir, const char *name);
int sweep_file_exists(const char *path);
void sweep_make_dirs(struct sweep *s);
void sweep_committed(struct sweep *s, const char *path);
void sweep_commit_writer(struct sweep *s, struct cob_csvw **w, const char *name);
void sweep_write_plots_txt(struct sweep *s, const struct cob_config *c);

/* sweep_storage.c */
void sweep_select_storage(struct sweep *s, struct cob_config *c);
const char *sweep_storage_dir(struct sweep *s, const struct cob_config *c, const size_t *sel);
json_t *sweep_storage_meta(struct sweep *s, const struct cob_config *c);

/* sweep_conditions.c */
void sweep_conditions_init(struct sweep *s, struct cob_config *c);
void sweep_conditions_apply(struct sweep *s, const struct cob_config *c, const size_t *sel);
void sweep_conditions_clear(struct sweep *s);
json_t *sweep_conditions_meta(struct sweep *s);

/* sweep_hooks.c */
void sweep_select_hooks(struct sweep *s, struct cob_config *c);
/* The mode backend runs in: the config's; none observes (the plain read). */
const char *sweep_hook_mode(const struct cob_config *c, const char *backend);
int sweep_check_hook(struct sweep *s, struct cob_config *c);

/* sweep_monitors.c */
void sweep_find_monitors(struct sweep *s, const struct cob_config *c);
void sweep_monitor_files(struct sweep *s);
void sweep_monitors_start(struct sweep *s);
void sweep_monitors_stop(struct sweep *s);
void sweep_ingest_monitors(struct sweep *s, const struct cob_config *c, const size_t *sel, unsigned rep, size_t run,
			   const char *kernel);
void sweep_monitor_versions(struct sweep *s, json_t *meta);

/* sweep_rows.c */
struct row_cols {
	int lat, match, status;
};
struct run_tally { /* what one run added to a point */
	size_t rows, matches, lat_n;
	double lat_sum;
};
void sweep_acc_init(struct sweep *s);
void sweep_acc_free(struct sweep *s);
char *sweep_header_string(struct sweep *s, const struct cob_csvr *r);
int sweep_row_cols(struct cob_csvr *r, struct row_cols *c);
void sweep_acc_row(struct sweep *s, struct point_acc *acc, struct cob_csvr *r, const struct row_cols *c,
		   struct run_tally *t);
void sweep_acc_run(struct point_acc *acc, unsigned rep, const struct run_tally *t);
void sweep_ingest_part(struct sweep *s, const char *part, struct point_acc *acc, unsigned rep, size_t run, size_t *rows,
		       size_t *matches);

/* sweep_run.c */
const char *sweep_axis_text(const struct cob_config *c, const size_t *sel, size_t k);
void sweep_run_all(struct sweep *s, size_t done);

/* sweep_progress.c */
void sweep_fingerprint(struct sweep *s, const struct cob_config *c, size_t nruns);
void sweep_progress_rewrite(struct sweep *s, size_t nruns, const char *lines);
void sweep_progress_run(struct sweep *s, size_t run, size_t p, unsigned rep, size_t rows);
size_t sweep_progress_resume(struct sweep *s, struct point_acc *acc, size_t npoints, size_t nruns);

/* sweep_meta.c */
void sweep_meta_finish(struct sweep *s, json_t *meta, const struct cob_config *c,
		       const struct point_acc *acc, size_t npoints);

#endif
