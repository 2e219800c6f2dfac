#include <criterion/criterion.h>
#include <string.h>
#include <time.h>
#include "subproc.h"

static char *const sh_out_err[] = { "/bin/sh", "-c", "echo one; echo two; echo err >&2; exit 3", NULL };

Test(subproc, captures_output_and_exit_code)
{
	char *const argv[] = { "/bin/sh", "-c", "echo one; echo two; exit 3", NULL };
	const struct subproc_run o = { .timeout_ms = -1 };
	char out[64];

	cr_assert_eq(subproc_run(argv, &o, out, sizeof(out)), 3);
	cr_assert_str_eq(out, "one\ntwo\n");
}

Test(subproc, merges_stderr_and_keeps_the_first_line)
{
	const struct subproc_run all = { .merge_stderr = true, .timeout_ms = -1 };
	const struct subproc_run first = { .merge_stderr = true, .first_line = true, .timeout_ms = -1 };
	char out[64];

	cr_assert_eq(subproc_run(sh_out_err, &all, out, sizeof(out)), 3);
	cr_assert_str_eq(out, "one\ntwo\nerr\n");
	cr_assert_eq(subproc_run(sh_out_err, &first, out, sizeof(out)), 3);
	cr_assert_str_eq(out, "one");
}

Test(subproc, keeps_the_start_of_long_output)
{
	char *const argv[] = { "/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo 0123456789; i=$((i+1)); done",
			       NULL };
	const struct subproc_run o = { .timeout_ms = -1 };
	char out[16];

	cr_assert_eq(subproc_run(argv, &o, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "0123456789\n0123");
}

Test(subproc, searches_path_and_says_why_a_command_cannot_run)
{
	char *const sh[] = { "sh", "-c", "exit 0", NULL };
	char *const none[] = { "/nonexistent/cmd", NULL };
	const struct subproc_run path = { .search = true, .timeout_ms = -1 };
	const struct subproc_run named = { .merge_stderr = true, .first_line = true, .timeout_ms = -1,
					   .prog = "prog" };
	char out[128];

	cr_assert_eq(subproc_run(sh, &path, out, sizeof(out)), 0);
	cr_assert_eq(subproc_run(none, &named, out, sizeof(out)), 127);
	cr_assert_str_eq(out, "prog: cannot run /nonexistent/cmd: No such file or directory");
}

Test(subproc, a_timeout_kills_the_whole_group)
{
	char *const argv[] = { "/bin/sh", "-c", "echo started; sleep 30 & sleep 30", NULL };
	const struct subproc_run o = { .timeout_ms = 300 };
	struct timespec t0, t1;
	char out[64];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(subproc_run(argv, &o, out, sizeof(out)), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_str_eq(out, "started\n");
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 5, "the background sleep must not hold the pipe open");
}

/* What the callbacks saw, through their arg. */
struct tracked {
	int nstarted, nreaped, nidle;
	pid_t seen;
};
static void on_started(void *arg, pid_t pid, const char *what)
{
	struct tracked *t = arg;

	t->seen = pid;
	t->nstarted += !strcmp(what, "/bin/sh");
}
static void on_reaped(void *arg, pid_t pid)
{
	struct tracked *t = arg;

	t->nreaped += pid == t->seen;
}
static void on_idle(void *arg)
{
	((struct tracked *)arg)->nidle++;
}

Test(subproc, tells_a_caller_that_tracks_its_children)
{
	char *const argv[] = { "/bin/sh", "-c", "sleep 0.3; echo done", NULL };
	struct tracked t = { 0 };
	const struct subproc_run o = { .timeout_ms = 5000, .started = on_started, .reaped = on_reaped,
				       .idle = on_idle, .arg = &t };
	char out[64];

	cr_assert_eq(subproc_run(argv, &o, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "done\n");
	cr_assert_eq(t.nstarted, 1);
	cr_assert_eq(t.nreaped, 1);
	cr_assert_geq(t.nidle, 3, "idle runs at least every 100 ms (%d calls)", t.nidle);
}
