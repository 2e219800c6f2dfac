#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "meta.h"

Test(meta, utc_iso_times)
{
	char b[32];

	cr_assert_str_eq(cob_utc_iso(0, b, sizeof(b)), "1970-01-01T00:00:00Z");
	cr_assert_str_eq(cob_utc_iso(1587297600, b, sizeof(b)), "2020-04-19T12:00:00Z");
}

Test(meta, cpuinfo_model_and_count)
{
	char path[] = "/tmp/cob-test-cpuinfo-XXXXXX", model[128];
	int fd = mkstemp(path), n;
	FILE *f = fdopen(fd, "w");

	fputs("processor\t: 0\nvendor_id\t: X\nmodel name\t: Test CPU @ 1.00GHz\n\n"
	      "processor\t: 1\nmodel name\t: Test CPU @ 1.00GHz\n\nprocessor\t: 2\n",
	      f);
	fclose(f);
	cr_assert_eq(cob_cpuinfo(path, model, sizeof(model), &n), 0);
	cr_assert_str_eq(model, "Test CPU @ 1.00GHz");
	cr_assert_eq(n, 3);
	unlink(path);
	cr_assert_eq(cob_cpuinfo(path, model, sizeof(model), &n), -1);
	cr_assert_str_eq(model, "");
	cr_assert_eq(n, 0);
}

Test(meta, written_atomically_with_the_provenance)
{
	char dir[] = "/tmp/cob-test-meta-XXXXXX", path[128], tmp[140];
	char *argv[] = { "cob-sweep", "--config", "x.conf", NULL };
	json_t *m, *back;
	json_error_t e;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	setenv("COB_GIT_REV", "abc1234", 1);
	setenv("COB_WHERE", "guest-tcg", 1);
	setenv("COB_GUEST_ACCEL", "tcg,thread=single", 1);
	m = cob_meta_new(3, argv);
	cr_assert_not_null(m);
	cob_meta_set_config(m, "x.conf", "[experiment]\nname = x\n");
	cob_meta_set_tool(m, "iostat", "sysstat version 12.6.1");
	cr_assert_eq(cob_meta_write(m, path), 0);
	json_decref(m);
	cr_assert_neq(access(tmp, F_OK), 0, "no tmp file left");
	back = json_load_file(path, 0, &e);
	cr_assert_not_null(back, "%s", e.text);
	cr_assert_str_eq(json_string_value(json_object_get(back, "git_rev")), "abc1234");
	cr_assert_str_eq(json_string_value(json_object_get(back, "where")), "guest-tcg");
	cr_assert_str_eq(json_string_value(json_object_get(back, "guest_accel")), "tcg,thread=single");
	cr_assert_str_eq(json_string_value(json_object_get(back, "command")), "cob-sweep --config x.conf");
	cr_assert_eq(json_array_size(json_object_get(back, "argv")), 3);
	cr_assert_not_null(json_string_value(json_object_get(back, "kernel")));
	cr_assert_gt(json_integer_value(json_object_get(json_object_get(back, "cpu"), "online")), 0);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(back, "config"), "text")),
			 "[experiment]\nname = x\n");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(back, "tools"), "iostat")),
			 "sysstat version 12.6.1");
	cr_assert_not_null(json_object_get(json_object_get(back, "end"), "utc"));
	cr_assert_geq(json_real_value(json_object_get(back, "duration_s")), 0.0);
	json_decref(back);
	unlink(path);
	rmdir(dir);
}
