#include "noise.h"

#include <dirent.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cob_noise_governors(const char *root, char *buf, size_t len)
{
	char path[4096], gov[64], *seen[64];
	size_t nseen = 0, used = 0;
	int ncpu = 0;
	struct dirent *e;
	DIR *d;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/devices/system/cpu", root);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		FILE *f;
		char *nl;
		size_t i;

		if (strncmp(e->d_name, "cpu", 3) || !e->d_name[3] ||
		    strspn(e->d_name + 3, "0123456789") != strlen(e->d_name + 3))
			continue;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/%s/cpufreq/scaling_governor", root,
			 e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(gov, sizeof(gov), f)) {
			fclose(f);
			continue;
		}
		fclose(f);
		if ((nl = strchr(gov, '\n')))
			*nl = '\0';
		ncpu++;
		for (i = 0; i < nseen && strcmp(seen[i], gov); i++)
			;
		if (i == nseen && nseen < sizeof(seen) / sizeof(seen[0]))
			if ((seen[nseen] = strdup(gov)))
				nseen++;
	}
	closedir(d);
	qsort(seen, nseen, sizeof(*seen), cmp_str);
	for (size_t i = 0; i < nseen; i++) {
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", i ? "," : "",
					 seen[i]);
		free(seen[i]);
	}
	return ncpu;
}

void cob_noise_cpulist(const unsigned char *set, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		int j = i;

		if (!set[i])
			continue;
		while (j + 1 < n && set[j + 1])
			j++;
		if (j == i)
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%d",
						 used ? "," : "", i);
		else
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%d-%d",
						 used ? "," : "", i, j);
		i = j;
	}
}

json_t *cob_noise_control(void)
{
	char gov[256], cpus[1024];
	unsigned char set[CPU_SETSIZE];
	int allowed = 0, online = (int)sysconf(_SC_NPROCESSORS_ONLN);
	const char *accel = getenv("COB_GUEST_ACCEL");
	cpu_set_t cs;

	cpus[0] = '\0';
	if (!sched_getaffinity(0, sizeof(cs), &cs)) {
		for (int i = 0; i < CPU_SETSIZE; i++)
			allowed += (set[i] = CPU_ISSET(i, &cs) ? 1 : 0);
		cob_noise_cpulist(set, CPU_SETSIZE, cpus, sizeof(cpus));
	}
	cob_noise_governors("/sys", gov, sizeof(gov));
	return json_pack("{s:o, s:s, s:i, s:b, s:s}", "governor", *gov ? json_string(gov) : json_null(),
			 "cpus_allowed", cpus, "cpus_online", online, "pinned",
			 allowed > 0 && allowed < online, "accelerator",
			 accel && *accel ? accel : "none");
}
