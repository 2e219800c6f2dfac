#include <criterion/criterion.h>
#include <stdarg.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "bpf_log.h"

/* libbpf warns through the print callback when a file cannot be opened. */
static void libbpf_warns(const char *path)
{
	struct bpf_object *o = bpf_object__open_file(path, NULL);

	cr_assert_null(o);
}

static int mine(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

Test(bpf_log, keeps_the_first_line_and_forgets_on_reset)
{
	bpf_log_begin();
	cr_assert_str_eq(bpf_log_reason(), "");
	libbpf_warns("/nonexistent/a.bpf.o");
	cr_assert(strstr(bpf_log_reason(), "/nonexistent/a.bpf.o"), "reason: %s", bpf_log_reason());
	libbpf_warns("/nonexistent/b.bpf.o");
	cr_assert(strstr(bpf_log_reason(), "/nonexistent/a.bpf.o"), "the first line stays");
	bpf_log_reset();
	cr_assert_str_eq(bpf_log_reason(), "");
	bpf_log_end();
}

Test(bpf_log, summary_drops_the_prefix_and_picks_the_failure)
{
	char line[200];

	bpf_log_begin();
	libbpf_warns("/nonexistent/a.bpf.o");
	bpf_log_summary(line, sizeof(line));
	cr_assert(strncmp(line, "libbpf: ", 8), "prefix dropped: %s", line);
	cr_assert(strstr(line, "fail"), "summary: %s", line);
	bpf_log_end();
}

Test(bpf_log, captures_nest_and_restore_the_caller_print_function)
{
	libbpf_set_print(mine);
	bpf_log_begin();
	libbpf_warns("/nonexistent/outer.bpf.o");
	bpf_log_begin();
	cr_assert_str_eq(bpf_log_reason(), "", "an inner capture starts empty");
	libbpf_warns("/nonexistent/inner.bpf.o");
	cr_assert(strstr(bpf_log_reason(), "inner"));
	bpf_log_end();
	cr_assert(strstr(bpf_log_reason(), "outer"), "the outer capture has its own back: %s",
		  bpf_log_reason());
	bpf_log_end();
	cr_assert_eq(libbpf_set_print(NULL), mine);
}
