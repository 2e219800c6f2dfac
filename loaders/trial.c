/* The trial harness of the feature checks. See trial.h and bpf/probe.bpf.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bpf_log.h"
#include "ksyms.h"
#include "trial.h"

#define TRACEFS "/sys/kernel/tracing"
#define KPROBE_PMU "/sys/bus/event_source/devices/kprobe"

const char *trial_errname(int err)
{
	const char *n = err > 0 ? strerrorname_np(err) : NULL;

	return n ? n : "error";
}

static bool path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* A hint for well-known failures; NULL when the message says enough. */
static const char *hint_for(const char *stage, enum trial_kind kind, int err, const char *line)
{
	bool load = !strcmp(stage, "load");

	if (strstr(line, "bpf_probe_write_user"))
		return "kernel lockdown forbids writing user memory";
	if (strstr(line, "bpf_override_return"))
		return "kernel built without CONFIG_BPF_KPROBE_OVERRIDE / FUNCTION_ERROR_INJECTION";
	if (strstr(line, "unknown func bpf_loop"))
		return "bpf_loop needs Linux 5.17+";
	if (load && kind == TRIAL_TRACE && err == EPERM)
		return "this kernel refuses BPF trampolines: fentry/fexit/fmod_ret";
	if (!load && kind == TRIAL_KPROBE && err == ENOENT && !path_exists(KPROBE_PMU))
		return "no kprobe PMU: kernel without CONFIG_KPROBES";
	if (!load && kind == TRIAL_KPROBE && err == EINVAL)
		return "function is notrace or on the kprobe blacklist";
	if (!load && kind == TRIAL_TRACE && err == EBUSY)
		return "function has no ftrace site";
	if (!load && kind == TRIAL_TP && err == ENOENT && !path_exists(TRACEFS "/events"))
		return "tracefs not mounted";
	return NULL;
}

void trial_fail_reason(char *r, size_t len, const char *stage, enum trial_kind kind, int err)
{
	char line[200];
	const char *hint;

	bpf_log_summary(line, sizeof(line));
	hint = hint_for(stage, kind, err, line);
	/* "BPF program load failed: Operation not permitted" adds nothing */
	if (line[0] && strstr(line, strerror(err)) && strstr(line, "load failed"))
		line[0] = '\0';
	snprintf(r, len, "%s failed: %s%s%s%s%s%s", stage, trial_errname(err), line[0] ? ": " : "", line,
		 hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
}

/* ------------------------------------------------------------------ */
/* tracefs: mounted only for the duration of a trial, if it was missing */

static bool tracefs_mounted_by_us;

static void tracefs_acquire(void)
{
	if (path_exists(TRACEFS "/events") || path_exists("/sys/kernel/debug/tracing/events"))
		return;
	if (mount("nodev", TRACEFS, "tracefs", 0, NULL) == 0)
		tracefs_mounted_by_us = true;
}

static void tracefs_release(void)
{
	if (tracefs_mounted_by_us && umount2(TRACEFS, MNT_DETACH) == 0)
		tracefs_mounted_by_us = false;
}

/* ------------------------------------------------------------------ */
/* trial: open the skeleton with only one program, load, attach         */

int trial_begin(struct trial *t, const char *prog_name, enum trial_kind kind, const char *btf_target,
		bool ringbuf, char *r, size_t len)
{
	struct bpf_program *p;
	int err;

	memset(t, 0, sizeof(*t));
	t->kind = kind;
	bpf_log_begin();
	tracefs_acquire();
	t->skel = probe__open();
	if (!t->skel) {
		trial_fail_reason(r, len, "open", kind, errno);
		return -1;
	}
	bpf_object__for_each_program(p, t->skel->obj) {
		bool me = !strcmp(bpf_program__name(p), prog_name);

		bpf_program__set_autoload(p, me);
		if (me)
			t->prog = p;
	}
	if (!t->prog) {
		snprintf(r, len, "internal: no program %s in probe.bpf.c", prog_name);
		return -1;
	}
	if (!ringbuf)
		bpf_map__set_autocreate(t->skel->maps.cob_pr_rb, false);
	t->skel->bss->target_tid = (__u32)gettid();
	if (btf_target) {
		bpf_log_reset();
		err = bpf_program__set_attach_target(t->prog, 0, btf_target);
		if (err) {
			if (!ksyms_btf())
				snprintf(r, len, "no vmlinux BTF to find %s in (%s)", btf_target,
					 trial_errname(ksyms_btf_err()));
			else
				snprintf(r, len, "no BTF FUNC %s in vmlinux BTF (%s in /proc/kallsyms)",
					 btf_target,
					 ksym_lookup(btf_target, NULL, 0) == 1 ? "present" : "absent");
			return -1;
		}
	}
	bpf_log_reset();
	err = probe__load(t->skel);
	if (err) {
		trial_fail_reason(r, len, "load", kind, -err);
		return -1;
	}
	return 0;
}

int trial_attach(struct trial *t, const char *func, char *r, size_t len)
{
	bpf_link__destroy(t->link);
	t->link = NULL;
	t->skel->bss->hits = 0;
	t->skel->bss->helper_ret = 0;
	t->skel->bss->last_arg = 0;
	bpf_log_reset();
	if (t->kind == TRIAL_KPROBE)
		t->link = bpf_program__attach_kprobe(t->prog, false, func);
	else
		t->link = bpf_program__attach(t->prog);
	if (!t->link) {
		int err = errno;

		trial_fail_reason(r, len, "attach", t->kind, err);
		return -1;
	}
	return 0;
}

void trial_detach(struct trial *t)
{
	bpf_link__destroy(t->link);
	t->link = NULL;
}

void trial_end(struct trial *t)
{
	trial_detach(t);
	probe__destroy(t->skel);
	t->skel = NULL;
	tracefs_release();
	bpf_log_end();
}

bool trial_run(const struct trial_spec *s, trial_fire_fn fire, const void *arg, char *r, size_t len)
{
	struct trial t;
	bool ok = false;

	if (!trial_begin(&t, s->prog, s->kind, s->kind == TRIAL_TRACE ? s->func : NULL, s->ringbuf, r, len) &&
	    !trial_attach(&t, s->kind == TRIAL_KPROBE ? s->func : NULL, r, len))
		ok = fire(&t, arg, r, len);
	trial_end(&t);
	return ok;
}

unsigned long long trial_hits(const struct trial *t)
{
	return t->skel->bss->hits;
}

/* ------------------------------------------------------------------ */
/* triggers: system calls made by this thread                           */

void trig_badfd_read(char *buf, size_t n)
{
	ssize_t r = read(-1, buf, n); /* EBADF; the tracepoint fires anyway */

	(void)r;
}

void trig_vfs_read(void)
{
	char b[16];
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t r = read(fd, b, sizeof(b));

		(void)r;
		close(fd);
	}
}

ssize_t trig_pipe_read(char *buf)
{
	int p[2];
	ssize_t r = -1;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	if (write(p[1], "abcd", 4) == 4)
		r = read(p[0], buf, 4);
	close(p[0]);
	close(p[1]);
	return r;
}
