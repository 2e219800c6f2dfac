#include "meta.h"
#include "csv.h"
#include "noise.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

const char *cob_utc_iso(long long epoch_s, char *buf, size_t len)
{
	time_t t = (time_t)epoch_s;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "?");
	return buf;
}

int cob_cpuinfo(const char *path, char *model, size_t len, int *count)
{
	FILE *f = fopen(path, "r");
	char line[512];

	model[0] = '\0';
	*count = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		char *v;

		if (!colon)
			continue;
		if (!strncmp(line, "processor", 9) && (line[9] == ' ' || line[9] == '\t'))
			(*count)++;
		else if (!model[0] && !strncmp(line, "model name", 10)) {
			v = colon + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, "\n")] = '\0';
			snprintf(model, len, "%s", v);
		}
	}
	fclose(f);
	return 0;
}

static json_t *time_obj(void)
{
	struct timespec rt, mono;
	char iso[32];

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return json_pack("{s:s, s:I, s:I}", "utc", cob_utc_iso(rt.tv_sec, iso, sizeof(iso)),
			 "epoch_ns", (json_int_t)rt.tv_sec * 1000000000 + rt.tv_nsec,
			 /* the clock of the reads' timestamps (t_start_ns ...) */
			 "monotonic_ns", (json_int_t)mono.tv_sec * 1000000000 + mono.tv_nsec);
}

static json_t *env_or_null(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? json_string(v) : json_null();
}

static long meminfo_kb(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	long kb = -1;

	if (f) {
		if (fscanf(f, "MemTotal: %ld kB", &kb) != 1)
			kb = -1;
		fclose(f);
	}
	return kb;
}

json_t *cob_meta_new(int argc, char *const argv[])
{
	json_t *m = json_object(), *cmd = json_array(), *tools = json_object();
	struct utsname u;
	char model[256], cwd[PATH_MAX], *line = NULL;
	size_t linelen = 0;
	int ncpu;
	FILE *mf;
	const char *where = getenv("COB_WHERE");

	if (!m || !cmd || !tools) {
		json_decref(m);
		json_decref(cmd);
		json_decref(tools);
		return NULL;
	}
	mf = open_memstream(&line, &linelen);
	for (int i = 0; i < argc; i++) {
		json_array_append_new(cmd, json_string(argv[i]));
		if (mf)
			fprintf(mf, "%s%s", i ? " " : "", argv[i]);
	}
	if (mf)
		fclose(mf);
	json_object_set_new(m, "command", json_string(line ? line : ""));
	json_object_set_new(m, "argv", cmd);
	free(line);
	json_object_set_new(m, "cwd", getcwd(cwd, sizeof(cwd)) ? json_string(cwd) : json_null());
	if (!uname(&u)) {
		json_object_set_new(m, "kernel", json_string(u.release));
		json_object_set_new(m, "kernel_version", json_string(u.version));
		json_object_set_new(m, "machine", json_string(u.machine));
		json_object_set_new(m, "hostname", json_string(u.nodename));
	}
	json_object_set_new(m, "where", json_string(where && *where ? where : "host"));
	json_object_set_new(m, "guest_kernel", env_or_null("COB_GUEST_KERNEL"));
	/* qemu accelerator and vCPU threading of a guest run (null on a host) */
	json_object_set_new(m, "guest_accel", env_or_null("COB_GUEST_ACCEL"));
	json_object_set_new(m, "git_rev", env_or_null("COB_GIT_REV"));
	/* governor, pinning, accelerator: compared by ./run.sh compare (noise.h) */
	json_object_set_new(m, "noise_control", cob_noise_control());
	cob_cpuinfo("/proc/cpuinfo", model, sizeof(model), &ncpu);
	json_object_set_new(m, "cpu", json_pack("{s:s, s:i, s:i}", "model", model, "count", ncpu,
						"online", (int)sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(m, "memory_kb", json_integer(meminfo_kb()));
	json_object_set_new(m, "start", time_obj());
	json_object_set_new(tools, "jansson", json_string(JANSSON_VERSION));
#ifdef __VERSION__
	json_object_set_new(tools, "cc", json_string(__VERSION__));
#endif
	json_object_set_new(m, "tools", tools);
	return m;
}

void cob_meta_set_config(json_t *m, const char *path, const char *text)
{
	char *real = realpath(path, NULL);

	json_object_set_new(m, "config", json_pack("{s:s, s:s?, s:s}", "path", path, "realpath",
						   real, "text", text));
	free(real);
}

void cob_meta_set_command(json_t *m, const char *command)
{
	json_object_set_new(m, "command", json_string(command));
}

void cob_meta_set_where(json_t *m, const char *where)
{
	json_object_set_new(m, "where", json_string(where));
}

void cob_meta_set_tool(json_t *m, const char *name, const char *version)
{
	json_t *tools = json_object_get(m, "tools");

	if (tools)
		json_object_set_new(tools, name, json_string(version));
}

int cob_meta_write(json_t *m, const char *path)
{
	json_t *start = json_object_get(m, "start"), *end = time_obj();
	char *tmp;
	FILE *f;

	if (!end)
		return -1;
	if (start) {
		json_int_t a = json_integer_value(json_object_get(start, "epoch_ns"));
		json_int_t b = json_integer_value(json_object_get(end, "epoch_ns"));

		json_object_set_new(m, "duration_s", json_real((double)(b - a) / 1e9));
	}
	json_object_set_new(m, "end", end);
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return -1;
	f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return -1;
	}
	if (json_dumpf(m, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) || fputc('\n', f) == EOF) {
		int err = errno ? errno : EIO;

		fclose(f);
		unlink(tmp);
		free(tmp);
		errno = err;
		return -1;
	}
	{
		int rc = cob_file_commit(f, tmp, path), err = errno;

		free(tmp);
		errno = err;
		return rc;
	}
}
