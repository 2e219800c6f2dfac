/* Noise control in meta.json (bench/noise.c): governors from a sysfs tree,
 * CPU lists, the record itself. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "noise.h"

static char root[] = "/tmp/cob-noise-XXXXXX";

static void put_gov(const char *cpu, const char *gov)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/devices/system/cpu/%s/cpufreq", root, cpu);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
	strcat(path, "/scaling_governor");
	f = fopen(path, "w");
	cr_assert(f);
	fprintf(f, "%s\n", gov);
	fclose(f);
}

static void make_root(void)
{
	cr_assert(mkdtemp(root));
}

static void drop_root(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

Test(noise, governors_distinct_sorted, .init = make_root, .fini = drop_root)
{
	char buf[128];

	put_gov("cpu0", "schedutil");
	put_gov("cpu1", "performance");
	put_gov("cpu2", "schedutil");
	put_gov("cpufreq", "bogus"); /* not a cpuN directory */
	cr_assert_eq(cob_noise_governors(root, buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "performance,schedutil");
}

Test(noise, no_cpufreq_is_empty, .init = make_root, .fini = drop_root)
{
	char buf[128] = "x";

	cr_assert_eq(cob_noise_governors(root, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "");
}

Test(noise, cpulist)
{
	const unsigned char a[] = { 1, 1, 1, 0, 0, 1, 0, 1, 1 }, b[] = { 0, 1, 0 }, c[] = { 0, 0 };
	char buf[64];

	cob_noise_cpulist(a, sizeof(a), buf, sizeof(buf));
	cr_assert_str_eq(buf, "0-2,5,7-8");
	cob_noise_cpulist(b, sizeof(b), buf, sizeof(buf));
	cr_assert_str_eq(buf, "1");
	cob_noise_cpulist(c, sizeof(c), buf, sizeof(buf));
	cr_assert_str_eq(buf, "");
}

Test(noise, record_has_every_key)
{
	json_t *n;

	setenv("COB_GUEST_ACCEL", "tcg,thread=single", 1);
	n = cob_noise_control();
	cr_assert(n);
	cr_assert(json_object_get(n, "governor"));
	cr_assert(json_is_string(json_object_get(n, "cpus_allowed")));
	cr_assert(json_integer_value(json_object_get(n, "cpus_online")) >= 1);
	cr_assert(json_is_boolean(json_object_get(n, "pinned")));
	cr_assert_str_eq(json_string_value(json_object_get(n, "accelerator")), "tcg,thread=single");
	json_decref(n);
	unsetenv("COB_GUEST_ACCEL");
	n = cob_noise_control();
	cr_assert_str_eq(json_string_value(json_object_get(n, "accelerator")), "none");
	json_decref(n);
}
