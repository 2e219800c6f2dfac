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
 * Resume: see sweep_progress.c. The parts and their one context: sweep.h. */
#include "meta.h"
#include "reports.h"
#include "sweep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

/* Everything that can be checked before anything is written: options, parent,
 * config, programs, monitors. Returns -1 when main should exit 2 (said why). */
static int prepare(struct sweep *s, int argc, char **argv)
{
	char err[1024];

	sweep_parse_args(s, argc, argv);
	if (sweep_die_with_parent(s)) {
		fprintf(stderr, PROG ": %s%d is not (or no longer) our parent\n",
			s->opt.parent ? "--parent " : "pid ", (int)s->parent);
		return -1;
	}
	if (cob_config_load(&s->cfg, s->opt.config, s->opt.quick, err, sizeof(err))) {
		fprintf(stderr, PROG ": %s\n", err);
		return -1;
	}
	if ((s->opt.hook && cob_config_override(&s->cfg, "hook", s->opt.hook, err, sizeof(err))) ||
	    (s->opt.mode && cob_config_override(&s->cfg, "mode", s->opt.mode, err, sizeof(err))))
		sweep_usage_error("%s", err);
	sweep_resolve_where(s);
	sweep_resolve_bin(s, argv[0]);
	return 0;
}

/* Summary and reports, then everything renamed into place, meta.json last. */
static void finish(struct sweep *s, json_t *meta)
{
	char *meta_path = sweep_path(s, s->opt.out, "meta.json");

	cob_reports_write(s);
	sweep_meta_finish(s, meta, &s->cfg, s->acc, s->npoints);
	sweep_commit_writer(s, &s->reads, "reads.csv");
	for (size_t i = 0; i < s->nmon; i++) {
		char name[COB_NAME_LEN + 8];

		snprintf(name, sizeof(name), "%.*s.csv", COB_NAME_LEN - 1, s->mon[i].name);
		sweep_commit_writer(s, &s->mon[i].w, name);
	}
	cob_reports_commit(s);
	sweep_write_plots_txt(s, &s->cfg);
	if (cob_meta_write(meta, meta_path))
		sweep_fail(s, 1, "writing %s: %s", meta_path, strerror(errno));
	free(meta_path);
}

int main(int argc, char **argv)
{
	static struct sweep sweep; /* main's; every part gets it as an argument */
	struct sweep *s = &sweep;
	struct utsname u;
	size_t done = 0;
	json_t *meta;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sweep_signals_init(s);
	if (prepare(s, argc, argv))
		return 2;
	if (!s->opt.describe && !cob_reproduce_is_sweep(&s->cfg.repro)) {
		fprintf(stderr, PROG ": %s: %s is not a sweep: run it with ./run.sh %s\n", s->opt.config,
			s->cfg.name, s->cfg.repro.run);
		return 2;
	}
	if (s->opt.describe) {
		cob_config_describe(&s->cfg, stdout);
		return 0;
	}
	/* from here on, children and the work directory go with us however we end */
	sweep_guard_start(s);
	if (s->opt.check_hook) {
		int rc = sweep_check_hook(s, &s->cfg);

		sweep_guard_done(s);
		return rc;
	}
	sweep_find_monitors(s, &s->cfg);
	if (s->opt.check) {
		s->npoints = cob_config_points(&s->cfg);
		printf("%s: %s: %zu points x %u repetitions = %zu runs\n", s->opt.config, s->cfg.name,
		       s->npoints, s->cfg.repetitions, s->npoints * s->cfg.repetitions);
		sweep_guard_done(s);
		return 0;
	}
	/* the hook backends that cannot attach here leave the grid now */
	s->skipped = json_object();
	s->storage_skipped = json_object();
	s->cond_skipped = json_object();
	sweep_select_storage(s, &s->cfg);
	sweep_select_hooks(s, &s->cfg);
	sweep_conditions_init(s, &s->cfg); /* may drop cpus values too */
	s->npoints = cob_config_points(&s->cfg);
	s->nruns = s->npoints * s->cfg.repetitions;
	snprintf(s->kernel, sizeof(s->kernel), "%s", uname(&u) ? "unknown" : u.release);
	meta = cob_meta_new(argc, argv);
	if (!meta)
		sweep_fail(s, 1, "out of memory");
	sweep_monitor_versions(s, meta);
	sweep_check_interrupt(s);

	sweep_make_dirs(s);
	sweep_acc_init(s);
	sweep_fingerprint(s, &s->cfg, s->nruns);
	s->resumed = json_array();
	if (s->opt.resume) {
		done = sweep_progress_resume(s, s->acc, s->npoints, s->nruns);
		if (done > s->nruns) {
			s->complete = 1; /* and so is what is in DIR */
			sweep_cleanup(s);
			printf("%s: the sweep in %s is complete already\n", s->cfg.name, s->opt.out);
			return 0;
		}
		printf("%s: resuming %s after run %zu of %zu\n", s->cfg.name, s->opt.out, done, s->nruns);
	} else {
		sweep_progress_rewrite(s, s->nruns, "");
	}
	cob_reports_prepare(s);
	sweep_run_all(s, done);
	finish(s, meta);
	s->complete = 1; /* keep DIR and what is in it */
	sweep_cleanup(s);
	cob_reports_print(s);
	printf("%zu runs, %lld reads -> %s\n", s->nruns,
	       (long long)json_integer_value(json_object_get(meta, "reads")), s->opt.out);

	json_decref(meta);
	sweep_acc_free(s);
	cob_config_free(&s->cfg);
	return 0;
}
