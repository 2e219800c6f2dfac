/* The conditions a sweep sets around each run (axes of cob_sweep_params):
 *   cpus = N              cob-hook and its workload run on the first N CPUs
 *                         the sweep was allowed (affinity, set in the child)
 *   vfs_cache_pressure    vm.vfs_cache_pressure, set before the run; the
 *                         value found is restored at the end (undo action)
 *   mem_limit = SIZE      cob-hook and its workload run in a memory cgroup
 *                         of the sweep's own with that limit: cgroup v2
 *                         (memory.max) or v1 (memory.limit_in_bytes),
 *                         whichever the kernel has mounted; removed at the end
 * "all", "keep", "none" leave the condition as it is. Each condition is a
 * column of reads.csv and summary.csv; meta.json "conditions" says what was
 * found and where the cgroup was. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PRESSURE "/proc/sys/vm/vfs_cache_pressure"

static int axis_all_none(const struct cob_config *c, const char *key)
{
	const struct cob_axis *ax = &c->axes[cob_config_axis(c, key)];

	for (size_t i = 0; i < ax->n; i++)
		if (ax->v[i].num != COB_VALUE_NONE)
			return 0;
	return 1;
}

/* The first line of PATH in buf ("" when it has none); 0, or -1 when it
 * cannot be opened */
static int first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	return 0;
}

/* The cgroup for mem_limit: v2 where /sys/fs/cgroup is cgroup2 with the
 * memory controller, else v1's memory hierarchy (s->cond.cgroup); -1 and a
 * reason if neither. */
static int make_cgroup(struct sweep *s, char *why, size_t len)
{
	static const char v2[] = "/sys/fs/cgroup", v1[] = "/sys/fs/cgroup/memory";
	char ctl[PATH_MAX], buf[256];

	snprintf(ctl, sizeof(ctl), "%s/cgroup.controllers", v2);
	if (!first_line(ctl, buf, sizeof(buf))) {
		if (!strstr(buf, "memory")) {
			snprintf(why, len, "cgroup v2 without the memory controller (%s: %s)", ctl, buf);
			return -1;
		}
		/* the limit needs memory enabled for the root's children */
		snprintf(ctl, sizeof(ctl), "%s/cgroup.subtree_control", v2);
		first_line(ctl, buf, sizeof(buf));
		if (!strstr(buf, "memory")) {
			sweep_undo(s, "w %s -memory", ctl);
			if (write_text(ctl, "+memory")) {
				snprintf(why, len, "cannot enable memory in %s: %s", ctl, strerror(errno));
				return -1;
			}
		}
		s->cond.cgroup_v2 = 1;
		snprintf(s->cond.cgroup, sizeof(s->cond.cgroup), "%s/cob-sweep-%d", v2, (int)getpid());
	} else {
		snprintf(ctl, sizeof(ctl), "%s/memory.limit_in_bytes", v1);
		if (access(ctl, W_OK)) {
			snprintf(why, len, "no cgroup v2 with memory at %s and no v1 memory hierarchy at %s", v2, v1);
			return -1;
		}
		snprintf(s->cond.cgroup, sizeof(s->cond.cgroup), "%s/cob-sweep-%d", v1, (int)getpid());
	}
	sweep_undo(s, "c %s", s->cond.cgroup);
	if (mkdir(s->cond.cgroup, 0755)) {
		snprintf(why, len, "mkdir %s: %s", s->cond.cgroup, strerror(errno));
		return -1;
	}
	return 0;
}

/* Before the sweep: cpus values beyond the CPUs we may use are dropped
 * (one line each); what vfs_cache_pressure was is kept and its restoring
 * registered; the cgroup is made if a mem_limit asks for one. */
void sweep_conditions_init(struct sweep *s, struct cob_config *c)
{
	struct cob_axis *ax = &c->axes[cob_config_axis(c, "cpus")];
	char why[2 * PATH_MAX];
	FILE *f;

	if (sched_getaffinity(0, sizeof(s->cond.allowed), &s->cond.allowed))
		sweep_fail(s, 1, "sched_getaffinity: %s", strerror(errno));
	s->cond.nallowed = CPU_COUNT(&s->cond.allowed);
	for (size_t i = ax->n; i-- > 0;) {
		if (ax->v[i].num == COB_VALUE_NONE || ax->v[i].num <= (uint64_t)s->cond.nallowed)
			continue;
		snprintf(why, sizeof(why), "only %d CPUs are allowed here", s->cond.nallowed);
		if (ax->n == 1)
			sweep_fail(s, 3, "cpus = %s: %s", ax->v[i].text, why);
		fprintf(stderr, "%s: skipping cpus = %s: %s\n", c->name, ax->v[i].text, why);
		json_object_set_new(s->cond_skipped, ax->v[i].text, json_string(why));
		cob_config_drop(c, "cpus", i);
	}
	if (!axis_all_none(c, "vfs_cache_pressure")) {
		f = fopen(PRESSURE, "r");
		if (!f || fscanf(f, "%ld", &s->cond.pressure_before) != 1)
			sweep_fail(s, 3, "vfs_cache_pressure: cannot read %s: %s", PRESSURE, strerror(errno));
		fclose(f);
		sweep_undo(s, "w %s %ld", PRESSURE, s->cond.pressure_before);
	}
	if (!axis_all_none(c, "mem_limit") && make_cgroup(s, why, sizeof(why)))
		sweep_fail(s, 3, "mem_limit: %s", why);
}

/* Before the cob-hook of the point SEL: the sysctl now, the cgroup limit
 * and affinity for the child (die_with_us). Never inside a timed read. */
void sweep_conditions_apply(struct sweep *s, const struct cob_config *c, const size_t *sel)
{
	const struct cob_value *cpus = cob_config_value(c, sel, "cpus");
	const struct cob_value *vp = cob_config_value(c, sel, "vfs_cache_pressure");
	const struct cob_value *mem = cob_config_value(c, sel, "mem_limit");
	char path[PATH_MAX + 32], v[32];

	sweep_conditions_clear(s);
	if (vp->num != COB_VALUE_NONE || s->cond.pressure_before >= 0) {
		long want = vp->num == COB_VALUE_NONE ? s->cond.pressure_before : (long)vp->num;

		snprintf(v, sizeof(v), "%ld", want);
		if (write_text(PRESSURE, v))
			sweep_fail(s, 1, "vfs_cache_pressure = %s: %s", v, strerror(errno));
	}
	if (mem->num != COB_VALUE_NONE) {
		snprintf(path, sizeof(path), "%s/%s", s->cond.cgroup,
			 s->cond.cgroup_v2 ? "memory.max" : "memory.limit_in_bytes");
		snprintf(v, sizeof(v), "%llu", (unsigned long long)mem->num);
		if (write_text(path, v))
			sweep_fail(s, 1, "mem_limit = %s: %s: %s", mem->text, path, strerror(errno));
		snprintf(path, sizeof(path), "%s/cgroup.procs", s->cond.cgroup);
		s->cond.procs_fd = open(path, O_WRONLY | O_CLOEXEC);
		if (s->cond.procs_fd < 0)
			sweep_fail(s, 1, "mem_limit: %s: %s", path, strerror(errno));
	}
	if (cpus->num != COB_VALUE_NONE) {
		uint64_t n = 0;

		CPU_ZERO(&s->cond.cpus);
		for (int cpu = 0; cpu < CPU_SETSIZE && n < cpus->num; cpu++)
			if (CPU_ISSET(cpu, &s->cond.allowed)) {
				CPU_SET(cpu, &s->cond.cpus);
				n++;
			}
		s->cond.set_cpus = 1;
	}
}

/* After the spawn: the next child is not conditioned. */
void sweep_conditions_clear(struct sweep *s)
{
	if (s->cond.procs_fd >= 0)
		close(s->cond.procs_fd);
	s->cond.procs_fd = -1;
	s->cond.set_cpus = 0;
}

/* meta.json conditions */
json_t *sweep_conditions_meta(struct sweep *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "cpus_allowed_at_start", json_integer(s->cond.nallowed));
	json_object_set_new(o, "vfs_cache_pressure_before",
			    s->cond.pressure_before < 0 ? json_null() : json_integer(s->cond.pressure_before));
	json_object_set_new(o, "cgroup", s->cond.cgroup[0] ? json_string(s->cond.cgroup) : json_null());
	json_object_set_new(o, "cgroup_version",
			    s->cond.cgroup[0] ? json_integer(s->cond.cgroup_v2 ? 2 : 1) : json_null());
	json_object_set_new(o, "skipped", s->cond_skipped ? json_incref(s->cond_skipped) : json_object());
	return o;
}
