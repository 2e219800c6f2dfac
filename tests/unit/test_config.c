#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"
#include "backend.h"

#define EXAMPLE                                                                              \
	"[experiment]\n"                                                                     \
	"name = iterations\n"                                                                \
	"description = Does the hook keep working? (log 19/4/2020)\n"                        \
	"function = filter-reduce     ; filter-reduce | null\n"                              \
	"mode = observe               ; observe | override\n"                                \
	"hook = auto                  ; auto | tp-read\n"                                    \
	"plots = iterations           ; plots/iterations.gp\n"                               \
	"[sweep]\n"                                                                          \
	"iterations = 1,10,100,1000\n"                                                       \
	"buf_size = 4K,64K\n"                                                                \
	"file_kind = known,random\n"                                                         \
	"file_size = buf              ; 'buf' = same as buf_size\n"                          \
	"repetitions = 3\n"                                                                  \
	"storage = disk\n"                                                                   \
	"cache = drop                 ; drop | none | dontneed\n"                            \
	"reposition = seek\n"                                                                \
	"threshold = 0\n"                                                                    \
	"monitors = iostat\n"                                                                \
	"[quick]                      ; a reduced grid\n"                                    \
	"iterations = 1,100\n"                                                               \
	"buf_size = 4K,64K\n"                                                                \
	"repetitions = 1\n"

/* A minimal valid head; tests append a [sweep] body. */
#define HEAD "[experiment]\nname = t\n[sweep]\n"

static struct cob_config cfg;
static char err[1024];

static int parse(const char *text, int quick)
{
	err[0] = '\0';
	return cob_config_parse(&cfg, text, "t.conf", quick, err, sizeof(err));
}

/* The text must fail with a message that starts with PREFIX and holds WORD. */
static void expect_error(const char *text, int quick, const char *prefix, const char *word)
{
	cr_assert_eq(parse(text, quick), -1, "accepted: %s", text);
	cr_assert(!strncmp(err, prefix, strlen(prefix)), "message '%s' does not start with '%s'", err,
		  prefix);
	cr_assert(strstr(err, word), "message '%s' lacks '%s'", err, word);
	cr_assert_null(strchr(err, '\n'), "message is not one line: %s", err);
}

static const struct cob_axis *axis(const char *key)
{
	int k = cob_config_axis(&cfg, key);

	cr_assert_geq(k, 0, "no axis %s", key);
	return &cfg.axes[k];
}

Test(config, example_parses_completely)
{
	cr_assert_eq(parse(EXAMPLE, 0), 0, "%s", err);
	cr_assert_str_eq(cfg.name, "iterations");
	cr_assert_str_eq(cfg.description, "Does the hook keep working? (log 19/4/2020)");
	cr_assert_str_eq(cfg.function, "filter-reduce");
	cr_assert_str_eq(cfg.mode, "observe");
	cr_assert_str_eq(cfg.hook, "auto");
	cr_assert_eq(cfg.nplots, 1);
	cr_assert_str_eq(cfg.plots[0], "iterations");
	cr_assert_eq(cfg.nmonitors, 1);
	cr_assert_str_eq(cfg.monitors[0], "iostat");
	cr_assert_eq(cfg.repetitions, 3);
	cr_assert_eq(axis("iterations")->n, 4);
	cr_assert_eq(axis("iterations")->v[3].num, 1000);
	cr_assert_eq(axis("buf_size")->n, 2);
	cr_assert_eq(axis("buf_size")->v[0].num, 4096);
	cr_assert_str_eq(axis("buf_size")->v[1].text, "65536");
	cr_assert_str_eq(axis("file_kind")->v[1].text, "random");
	cr_assert_eq(axis("file_size")->v[0].num, COB_FILESIZE_BUF);
	cr_assert_str_eq(axis("cache")->v[0].text, "drop");
	cr_assert_eq(cob_config_points(&cfg), 16);
	cob_config_free(&cfg);
}

Test(config, quick_overrides_only_what_it_names)
{
	cr_assert_eq(parse(EXAMPLE, 1), 0, "%s", err);
	cr_assert_eq(cfg.quick, 1);
	cr_assert_eq(axis("iterations")->n, 2);
	cr_assert_eq(axis("iterations")->v[1].num, 100);
	cr_assert_eq(cfg.repetitions, 1);
	cr_assert_eq(axis("file_kind")->n, 2, "file_kind comes from [sweep]");
	cr_assert_eq(cfg.nmonitors, 1, "monitors come from [sweep]");
	cr_assert_eq(cob_config_points(&cfg), 8);
	cob_config_free(&cfg);
}

Test(config, quick_needs_a_quick_section)
{
	expect_error(HEAD "buf_size = 4K\niterations = 1\n", 1, "t.conf: ", "[quick]");
	cr_assert_eq(parse(HEAD "buf_size = 4K\niterations = 1\n", 0), 0, "%s", err);
	cob_config_free(&cfg);
}

Test(config, size_suffixes_are_binary)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "4096", 4096 },	 { "4K", 4096 },	   { "4k", 4096 },
		{ "64KiB", 65536 },	 { "1M", 1 << 20 },	   { "3m", 3 << 20 },
		{ "1G", 1ULL << 30 },	 { "16GiB", 16ULL << 30 }, { "0", 0 },
		{ "007", 7 },		 { "4KB", 4096 },	   { "512B", 512 },
	};
	static const char *const bad[] = { "", "-4K", "4Q", "4.5K", "K", "4 K", "4KK", "0x10", " 4K",
					   "99999999999999999999", "17179869184G" };
	uint64_t v;
	const char *why;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		cr_assert_eq(cob_parse_size(ok[i].s, &v, &why), 0, "'%s' rejected", ok[i].s);
		cr_assert_eq(v, ok[i].v, "'%s' -> %llu", ok[i].s, (unsigned long long)v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(cob_parse_size(bad[i], &v, &why), -1, "'%s' accepted", bad[i]);
	cob_parse_size("-4K", &v, &why);
	cr_assert_str_eq(why, "negative size");
	cob_parse_size("", &v, &why);
	cr_assert_str_eq(why, "empty size");
}

Test(config, sizes_format_back_exactly)
{
	char b[32];

	cr_assert_str_eq(cob_format_size(4096, b, sizeof(b)), "4K");
	cr_assert_str_eq(cob_format_size(1ULL << 30, b, sizeof(b)), "1G");
	cr_assert_str_eq(cob_format_size(3ULL << 20, b, sizeof(b)), "3M");
	cr_assert_str_eq(cob_format_size(1536, b, sizeof(b)), "1536");
	cr_assert_str_eq(cob_format_size(1000, b, sizeof(b)), "1000");
	cr_assert_str_eq(cob_format_size(0, b, sizeof(b)), "0");
}

Test(config, suffixed_values_land_in_bytes)
{
	cr_assert_eq(parse(HEAD "buf_size = 1M, 2K ,1G\niterations = 1\nfile_size = 16G\n", 0), 0,
		     "%s", err);
	cr_assert_eq(axis("buf_size")->v[0].num, 1 << 20);
	cr_assert_eq(axis("buf_size")->v[1].num, 2048);
	cr_assert_eq(axis("buf_size")->v[2].num, 1ULL << 30, "1 GiB is the largest buffer");
	cr_assert_str_eq(axis("file_size")->v[0].text, "17179869184");
	cob_config_free(&cfg);
}

/* The configs of tests/unit/bad_configs.txt, one at a time: "== PREFIX | WORD"
 * starts one (its message starts with PREFIX and a space and holds WORD), the
 * lines up to the next "==" are its text; lines starting with '#' are the
 * file's comments. */
Test(config, bad_configs_fail_with_one_line)
{
	FILE *f = fopen("tests/unit/bad_configs.txt", "r");
	char line[512], text[4096] = "", prefix[64] = "", word[256] = "";
	size_t n = 0;

	if (!f)
		f = fopen("../../tests/unit/bad_configs.txt", "r");
	cr_assert_not_null(f, "run the tests from the repository root");
	for (int more = 1; more;) {
		more = fgets(line, sizeof(line), f) != NULL;
		if (more && line[0] == '#')
			continue;
		if (!more || !strncmp(line, "== ", 3)) {
			if (prefix[0]) {
				expect_error(text, 0, prefix, word);
				n++;
			}
			if (more) {
				char *bar = strstr(line, " | ");

				cr_assert_not_null(bar, "malformed: %s", line);
				snprintf(prefix, sizeof(prefix), "%.*s ", (int)(bar - line - 3), line + 3);
				snprintf(word, sizeof(word), "%.*s", (int)strcspn(bar + 3, "\n"), bar + 3);
				text[0] = '\0';
			}
			continue;
		}
		strncat(text, line, sizeof(text) - strlen(text) - 1);
	}
	fclose(f);
	cr_assert_geq(n, 50, "only %zu bad configs read", n);
}

Test(config, overlong_lines_are_rejected)
{
	char text[600];

	snprintf(text, sizeof(text), "[experiment]\nname = t\ndescription = %0300d\n", 0);
	expect_error(text, 0, "t.conf:3: ", "longer than");
}

Test(config, defaults_comments_and_indentation)
{
	cr_assert_eq(parse("; comment\n# another\n[experiment]\n  name = t   ; trailing\n\n[sweep]\n"
			   "\tbuf_size = 4K\n    iterations = 1\r\n  cache = none\n",
			   0),
		     0, "%s", err);
	cr_assert_str_eq(cfg.name, "t");
	cr_assert_str_eq(cfg.function, "filter-reduce");
	cr_assert_str_eq(cfg.mode, "observe");
	cr_assert_str_eq(cfg.hook, "auto");
	cr_assert_eq(cfg.repetitions, 1);
	cr_assert_eq(cfg.nmonitors, 0);
	cr_assert_eq(cfg.nplots, 0);
	cr_assert_str_eq(axis("cache")->v[0].text, "none", "an indented key is a key");
	cr_assert_str_eq(axis("file_kind")->v[0].text, "known");
	cr_assert_str_eq(axis("storage")->v[0].text, "disk");
	cr_assert_str_eq(axis("reposition")->v[0].text, "seek");
	cr_assert_str_eq(axis("file_size")->v[0].text, "buf");
	cr_assert_eq(axis("threshold")->v[0].num, 0);
	cr_assert_eq(axis("iterations")->v[0].num, 1);
	cob_config_free(&cfg);
}

Test(config, grid_last_axis_varies_fastest)
{
	size_t sel[32];
	int ki = -1, kb = -1, kk = -1;

	cr_assert_eq(parse(EXAMPLE, 0), 0, "%s", err);
	ki = cob_config_axis(&cfg, "iterations");
	kb = cob_config_axis(&cfg, "buf_size");
	kk = cob_config_axis(&cfg, "file_kind");
	cr_assert_eq(cob_config_axis(&cfg, "nosuch"), -1);
	cob_config_point(&cfg, 0, sel);
	cr_assert(sel[ki] == 0 && sel[kb] == 0 && sel[kk] == 0);
	cob_config_point(&cfg, 2, sel);
	cr_assert_eq(cob_config_value(&cfg, sel, "iterations")->num, 100);
	cr_assert_eq(cob_config_value(&cfg, sel, "buf_size")->num, 4096);
	cob_config_point(&cfg, 5, sel);
	cr_assert_eq(cob_config_value(&cfg, sel, "iterations")->num, 10);
	cr_assert_eq(cob_config_value(&cfg, sel, "buf_size")->num, 65536);
	cr_assert_str_eq(cob_config_value(&cfg, sel, "file_kind")->text, "known");
	cob_config_point(&cfg, 15, sel);
	cr_assert_str_eq(cob_config_value(&cfg, sel, "file_kind")->text, "random");
	cr_assert_eq(cob_config_value(&cfg, sel, "iterations")->num, 1000);
	cr_assert_null(cob_config_value(&cfg, sel, "nosuch"));
	cob_config_free(&cfg);
}

Test(config, command_line_overrides)
{
	char e[256];

	cr_assert_eq(parse(EXAMPLE, 0), 0, "%s", err);
	cr_assert_eq(cob_config_override(&cfg, "hook", "tp-read", e, sizeof(e)), 0);
	cr_assert_str_eq(cfg.hook, "tp-read");
	cr_assert_eq(cob_config_override(&cfg, "mode", "override", e, sizeof(e)), 0);
	cr_assert_str_eq(cfg.mode, "override");
	cr_assert_eq(cob_config_override(&cfg, "hook", "bogus", e, sizeof(e)), -1);
	cr_assert(strstr(e, "--hook: 'bogus'"), "%s", e);
	cr_assert_str_eq(cfg.hook, "tp-read", "a rejected override changes nothing");
	cr_assert_eq(cob_config_override(&cfg, "mode", "", e, sizeof(e)), -1);
	cr_assert_eq(cob_config_override(&cfg, "name", "x", e, sizeof(e)), -1);
	cob_config_free(&cfg);
}

Test(config, load_reads_files_and_reports_the_path)
{
	char dir[] = "/tmp/cob-test-config-XXXXXX", path[256];
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.conf", dir);
	cr_assert_eq(cob_config_load(&cfg, path, 0, err, sizeof(err)), -1);
	cr_assert(strstr(err, path) == err && strstr(err, "No such file"), "%s", err);
	f = fopen(path, "w");
	fputs(EXAMPLE, f);
	fclose(f);
	cr_assert_eq(cob_config_load(&cfg, path, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(cfg.text, EXAMPLE, "the full text is kept for meta.json");
	cr_assert_str_eq(cfg.path, path);
	cob_config_free(&cfg);
	f = fopen(path, "w");
	fputs("[experiment]\nname = t\n[sweep]\nbuf_size = -4K\n", f);
	fclose(f);
	cr_assert_eq(cob_config_load(&cfg, path, 0, err, sizeof(err)), -1);
	cr_assert(!strncmp(err, path, strlen(path)) && strstr(err, ":4: buf_size: negative"), "%s", err);
	f = fopen(path, "w");
	fwrite("[experiment]\nname = t\0x\n", 1, 24, f);
	fclose(f);
	cr_assert_eq(cob_config_load(&cfg, path, 0, err, sizeof(err)), -1);
	cr_assert(strstr(err, "NUL"), "%s", err);
	cr_assert_eq(cob_config_load(&cfg, dir, 0, err, sizeof(err)), -1, "a directory is no config");
	unlink(path);
	rmdir(dir);
}

/* Load configs/NAME.conf (from the repository root or build/tests) into cfg;
 * returns its path. */
static const char *load_shipped(const char *name, int quick)
{
	static char path[256];

	snprintf(path, sizeof(path), "configs/%s.conf", name);
	if (access(path, R_OK))
		snprintf(path, sizeof(path), "../../configs/%s.conf", name);
	cr_assert_eq(access(path, R_OK), 0, "run the tests from the repository root");
	cr_assert_eq(cob_config_load(&cfg, path, quick, err, sizeof(err)), 0, "%s", err);
	return path;
}

Test(config, shipped_iterations_config_is_valid)
{
	const char *path = load_shipped("iterations", 0);

	cr_assert_str_eq(cfg.name, "iterations");
	cr_assert_eq(cob_config_points(&cfg) * cfg.repetitions, 48);
	cob_config_free(&cfg);
	cr_assert_eq(cob_config_load(&cfg, path, 1, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(cob_config_points(&cfg) * cfg.repetitions, 8);
	cob_config_free(&cfg);
}

/* ---- the hook and function axes, report ---- */

Test(config, hook_and_function_axes_default_to_experiment)
{
	cr_assert_eq(parse(EXAMPLE, 0), 0, "%s", err);
	cr_assert_eq(axis("hook")->n, 1);
	cr_assert_str_eq(axis("hook")->v[0].text, "auto");
	cr_assert_eq(axis("function")->n, 1);
	cr_assert_str_eq(axis("function")->v[0].text, "filter-reduce");
	cr_assert_str_eq(cfg.report, "none");
	cr_assert_eq(cob_config_points(&cfg), 16, "one-value axes add no points");
	cob_config_free(&cfg);
	cr_assert_eq(parse("[experiment]\nname = t\nhook = tp-read\nfunction = null\n[sweep]\n"
			   "buf_size = 4K\niterations = 1\n", 0), 0, "%s", err);
	cr_assert_str_eq(axis("hook")->v[0].text, "tp-read");
	cr_assert_str_eq(axis("function")->v[0].text, "null");
	cob_config_free(&cfg);
}

Test(config, hook_axis_in_sweep_and_quick)
{
	cr_assert_eq(parse("[experiment]\nname = t\nhook = tp-read\n[sweep]\nbuf_size = 4K\n"
			   "iterations = 1\nhook = none, tp-read ,auto\nfunction = null,filter-reduce\n"
			   "[quick]\nhook = none\n", 0), 0, "%s", err);
	cr_assert_eq(axis("hook")->n, 3, "[sweep] wins over [experiment]");
	cr_assert_str_eq(axis("hook")->v[1].text, "tp-read");
	cr_assert_str_eq(axis("hook")->v[2].text, "auto");
	cr_assert_eq(axis("function")->n, 2);
	cr_assert_eq(cob_config_points(&cfg), 6);
	cob_config_free(&cfg);
	cr_assert_eq(parse("[experiment]\nname = t\n[sweep]\nbuf_size = 4K\niterations = 1\n"
			   "hook = none,tp-read\n[quick]\nhook = none\n", 1), 0, "%s", err);
	cr_assert_eq(axis("hook")->n, 1);
	cr_assert_str_eq(axis("hook")->v[0].text, "none");
	cob_config_free(&cfg);
}

Test(config, hook_varies_fastest)
{
	size_t sel[32];

	cr_assert_eq(parse(HEAD "buf_size = 4K,8K\niterations = 1\nhook = none,tp-read\n", 0), 0, "%s",
		     err);
	cob_config_point(&cfg, 0, sel);
	cr_assert_str_eq(cob_config_value(&cfg, sel, "hook")->text, "none");
	cob_config_point(&cfg, 1, sel);
	cr_assert_str_eq(cob_config_value(&cfg, sel, "hook")->text, "tp-read");
	cr_assert_eq(cob_config_value(&cfg, sel, "buf_size")->num, 4096);
	for (size_t p = 0; p < cob_config_points(&cfg); p++) {
		cob_config_point(&cfg, p, sel);
		cr_assert_eq(cob_config_index(&cfg, sel), p, "index is the inverse of point");
	}
	cob_config_free(&cfg);
}

Test(config, report_is_checked)
{
	expect_error("[experiment]\nname = t\nreport = speed\n", 0, "t.conf:3: ",
		     "report: 'speed' is not one of none, overhead");
	expect_error("[experiment]\nname = t\nreport = overhead\n[sweep]\nbuf_size = 4K\n"
		     "iterations = 1\nhook = tp-read,fexit-read\n", 0, "t.conf: ",
		     "the hook axis needs none and at least one backend");
	expect_error("[experiment]\nname = t\nreport = overhead\n[sweep]\nbuf_size = 4K\n"
		     "iterations = 1\nhook = none\n", 0, "t.conf: ", "needs none and at least one");
	expect_error("[experiment]\nname = t\nreport = overhead\nhook = tp-read\n[sweep]\n"
		     "buf_size = 4K\niterations = 1\n", 0, "t.conf: ", "needs none");
	expect_error("[experiment]\nname = t\nreport = overhead\n[sweep]\nbuf_size = 4K\n"
		     "iterations = 1,10\nhook = none,tp-read\n", 0, "t.conf: ",
		     "only hook, function and buf_size may take several values (iterations has 2)");
	/* the [quick] grid is checked when it is the one used */
	expect_error("[experiment]\nname = t\nreport = overhead\n[sweep]\nbuf_size = 4K\n"
		     "iterations = 1\nhook = none,tp-read\n[quick]\nhook = tp-read\n", 1, "t.conf: ",
		     "needs none");
	cr_assert_eq(parse("[experiment]\nname = t\nreport = overhead\n[sweep]\nbuf_size = 4K,64K\n"
			   "iterations = 1\nhook = none,tp-read\nfunction = null,filter-reduce\n", 0),
		     0, "%s", err);
	cr_assert_str_eq(cfg.report, "overhead");
	cob_config_free(&cfg);
}

Test(config, hook_override_is_one_backend)
{
	char e[256];

	cr_assert_eq(parse(HEAD "buf_size = 4K\niterations = 1\nhook = none,tp-read,fexit-read\n", 0),
		     0, "%s", err);
	cr_assert_eq(cob_config_override(&cfg, "hook", "kprobe-copyout", e, sizeof(e)), 0, "%s", e);
	cr_assert_eq(axis("hook")->n, 1);
	cr_assert_str_eq(axis("hook")->v[0].text, "kprobe-copyout");
	cr_assert_str_eq(cfg.hook, "kprobe-copyout");
	cr_assert_eq(cob_config_override(&cfg, "function", "null", e, sizeof(e)), 0, "%s", e);
	cr_assert_str_eq(axis("function")->v[0].text, "null");
	cr_assert_eq(cob_config_override(&cfg, "hook", "none", e, sizeof(e)), 0, "%s", e);
	cr_assert_str_eq(axis("hook")->v[0].text, "none");
	cob_config_free(&cfg);
}

Test(config, hook_override_keeps_the_overhead_baseline)
{
	char e[256];

	cr_assert_eq(parse("[experiment]\nname = t\nreport = overhead\n[sweep]\nbuf_size = 4K\n"
			   "iterations = 1\nhook = none,tp-read,fexit-read\n", 0), 0, "%s", err);
	cr_assert_eq(cob_config_override(&cfg, "hook", "fexit-read", e, sizeof(e)), 0, "%s", e);
	cr_assert_eq(axis("hook")->n, 2);
	cr_assert_str_eq(axis("hook")->v[0].text, "none");
	cr_assert_str_eq(axis("hook")->v[1].text, "fexit-read");
	cr_assert_eq(cob_config_override(&cfg, "hook", "none", e, sizeof(e)), -1);
	cr_assert(strstr(e, "--hook none: report = overhead"), "%s", e);
	cr_assert_eq(axis("hook")->n, 2, "a rejected override changes nothing");
	cob_config_free(&cfg);
}

Test(config, drop_removes_a_value_but_not_the_last)
{
	cr_assert_eq(parse(HEAD "buf_size = 4K\niterations = 1\nhook = none,tp-read,fexit-read\n", 0),
		     0, "%s", err);
	cr_assert_eq(cob_config_drop(&cfg, "hook", 1), 0);
	cr_assert_eq(axis("hook")->n, 2);
	cr_assert_str_eq(axis("hook")->v[0].text, "none");
	cr_assert_str_eq(axis("hook")->v[1].text, "fexit-read");
	cr_assert_eq(cob_config_drop(&cfg, "hook", 2), -1, "no such value");
	cr_assert_eq(cob_config_drop(&cfg, "nosuch", 0), -1);
	cr_assert_eq(cob_config_drop(&cfg, "hook", 0), 0);
	cr_assert_eq(cob_config_drop(&cfg, "hook", 0), -1, "the last value stays");
	cr_assert_str_eq(axis("hook")->v[0].text, "fexit-read");
	cr_assert_eq(cob_config_points(&cfg), 1);
	cob_config_free(&cfg);
}

Test(config, shipped_overhead_config_is_valid)
{
	const char *path = load_shipped("overhead", 0);

	cr_assert_str_eq(cfg.report, "overhead");
	cr_assert_str_eq(axis("hook")->v[0].text, "none");
	/* none and every backend there is */
	for (size_t i = 0; hook_backend_choice(i); i++) {
		int found = 0;

		for (size_t j = 0; j < axis("hook")->n; j++)
			found |= !strcmp(axis("hook")->v[j].text, hook_backend_choice(i));
		cr_assert(found == !!strcmp(hook_backend_choice(i), "auto"), "%s", hook_backend_choice(i));
	}
	cr_assert_str_eq(axis("function")->v[0].text, "null");
	cr_assert_eq(axis("buf_size")->v[0].num, 4096);
	cr_assert_str_eq(axis("cache")->v[0].text, "none");
	cr_assert_eq(axis("iterations")->v[0].num, 20000);
	cr_assert_eq(cfg.repetitions, 5);
	cob_config_free(&cfg);
	cr_assert_eq(cob_config_load(&cfg, path, 1, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(axis("iterations")->v[0].num, 2000);
	cr_assert_eq(cfg.repetitions, 2);
	cob_config_free(&cfg);
}

Test(config, reproduce_keys_are_parsed_with_defaults)
{
	cr_assert_eq(parse("[experiment]\nname = t\nid = E12\ntitle = T\nthesis = it was slow\n"
			   "headline = h\nheadline_thesis = 3x\n"
			   "headline_from = summary.csv   lat_median_ns  median cache=none\n"
			   "[sweep]\nbuf_size = 4K\niterations = 1\n", 0), 0, "%s", err);
	cr_assert_str_eq(cfg.repro.id, "E12");
	cr_assert_str_eq(cfg.repro.thesis, "it was slow");
	cr_assert_str_eq(cfg.repro.target, "both");
	cr_assert_str_eq(cfg.repro.kernel, "thesis");
	cr_assert_str_eq(cfg.repro.headline_unit, "ns");
	cr_assert_str_eq(cfg.repro.headline_from, "summary.csv lat_median_ns median cache=none");
	cob_config_free(&cfg);
	cr_assert_eq(parse(HEAD "buf_size = 4K\niterations = 1\n", 0), 0, "%s", err);
	cr_assert_str_eq(cfg.repro.id, "", "no id: not part of reproduce");
	cob_config_free(&cfg);
}

/* The conditions (cpus, vfs_cache_pressure, mem_limit): a number or the word
 * that leaves the condition alone, the default; nothing else. */
Test(config, conditions_take_numbers_or_their_none_word)
{
	cr_assert_eq(parse(HEAD "buf_size = 4K\niterations = 1\n", 0), 0, "%s", err);
	cr_assert_str_eq(axis("cpus")->v[0].text, "all");
	cr_assert_str_eq(axis("vfs_cache_pressure")->v[0].text, "keep");
	cr_assert_str_eq(axis("mem_limit")->v[0].text, "none");
	cr_assert_eq(axis("mem_limit")->v[0].num, COB_VALUE_NONE);
	cob_config_free(&cfg);

	cr_assert_eq(parse(HEAD "buf_size = 4K\niterations = 1\ncpus = 1,all\nvfs_cache_pressure = keep,0,1000\n"
				"mem_limit = none,64M\n", 0),
		     0, "%s", err);
	cr_assert_eq(axis("cpus")->n, 2);
	cr_assert_eq(axis("cpus")->v[0].num, 1);
	cr_assert_eq(axis("cpus")->v[1].num, COB_VALUE_NONE);
	cr_assert_eq(axis("vfs_cache_pressure")->v[1].num, 0); /* 0 is a value, not "keep" */
	cr_assert_str_eq(axis("mem_limit")->v[1].text, "67108864");
	cob_config_free(&cfg);

	expect_error(HEAD "buf_size = 4K\niterations = 1\ncpus = 0\n", 0, "t.conf:6:", "cpus");
	expect_error(HEAD "buf_size = 4K\niterations = 1\ncpus = some\n", 0, "t.conf:6:", "(or all)");
	expect_error(HEAD "buf_size = 4K\niterations = 1\nvfs_cache_pressure = none\n", 0, "t.conf:6:", "(or keep)");
	expect_error(HEAD "buf_size = 4K\niterations = 1\nmem_limit = 4K\n", 0, "t.conf:6:", "minimum");
	expect_error(HEAD "buf_size = 4K\niterations = 1\nmem_limit = keep\n", 0, "t.conf:6:", "mem_limit");
}
