/* Capability probing by trial load + attach. See probe.h and bpf/probe.bpf.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "backend.h"
#include "bpf_log.h"
#include "copyout_hook.h"
#include "probe.h"
#include "probe.skel.h"
#include "subproc.h"

const char *const cob_features[] = {
	"btf", "tracepoint", "raw_tracepoint", "kprobe", "kprobe_copyout",
	"override_return", "fentry", "fexit", "fmod_ret_permission",
	"fmod_ret_copyout", "probe_write_user", "bpf_loop", "ringbuf", "brd",
	NULL,
};


#define TRACEFS "/sys/kernel/tracing"
#define KPROBE_PMU "/sys/bus/event_source/devices/kprobe"

static const char *errname(int err)
{
	const char *n = err > 0 ? strerrorname_np(err) : NULL;

	return n ? n : "error";
}

enum kind { K_TP, K_RAWTP, K_KPROBE, K_TRACE };

static bool path_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* A hint for well-known failures; NULL when the message says enough. */
static const char *hint_for(const char *stage, enum kind kind, int err, const char *line)
{
	bool load = !strcmp(stage, "load");

	if (strstr(line, "bpf_probe_write_user"))
		return "kernel lockdown forbids writing user memory";
	if (strstr(line, "bpf_override_return"))
		return "kernel built without CONFIG_BPF_KPROBE_OVERRIDE / FUNCTION_ERROR_INJECTION";
	if (strstr(line, "unknown func bpf_loop"))
		return "bpf_loop needs Linux 5.17+";
	if (load && kind == K_TRACE && err == EPERM)
		return "this kernel refuses BPF trampolines: fentry/fexit/fmod_ret";
	if (!load && kind == K_KPROBE && err == ENOENT && !path_exists(KPROBE_PMU))
		return "no kprobe PMU: kernel without CONFIG_KPROBES";
	if (!load && kind == K_KPROBE && err == EINVAL)
		return "function is notrace or on the kprobe blacklist";
	if (!load && kind == K_TRACE && err == EBUSY)
		return "function has no ftrace site";
	if (!load && kind == K_TP && err == ENOENT && !path_exists(TRACEFS "/events"))
		return "tracefs not mounted";
	return NULL;
}

/* "<stage> failed: EXXX: <libbpf line> (<hint>)" */
static void fail_reason(char *r, size_t len, const char *stage, enum kind kind, int err)
{
	char line[200];
	const char *hint;

	bpf_log_summary(line, sizeof(line));
	hint = hint_for(stage, kind, err, line);
	/* "BPF program load failed: Operation not permitted" adds nothing */
	if (line[0] && strstr(line, strerror(err)) && strstr(line, "load failed"))
		line[0] = '\0';
	snprintf(r, len, "%s failed: %s%s%s%s%s%s", stage, errname(err), line[0] ? ": " : "", line,
		 hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
}

/* ------------------------------------------------------------------ */
/* symbols                                                              */

static struct btf *vmlinux_btf;
static int vmlinux_btf_err;

static struct btf *get_btf(void)
{
	if (!vmlinux_btf && !vmlinux_btf_err) {
		vmlinux_btf = btf__load_vmlinux_btf();
		if (!vmlinux_btf)
			vmlinux_btf_err = errno ? errno : ENOENT;
	}
	return vmlinux_btf;
}

static bool btf_has_func(const char *name)
{
	struct btf *btf = get_btf();

	return btf && btf__find_by_name_kind(btf, name, BTF_KIND_FUNC) > 0;
}

/* 1: text symbol `name` in /proc/kallsyms; 0: absent (clone, if any, gets the
 * first "name.suffix" compiler clone); -1: kallsyms unreadable. */
static int ksym_lookup(const char *name, char *clone, size_t clen)
{
	char line[512], sym[256];
	char type;
	size_t nlen = strlen(name);
	int found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (clone && clen)
		clone[0] = '\0';
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*s %c %255s", &type, sym) != 2)
			continue;
		if (type != 't' && type != 'T')
			continue;
		if (!strcmp(sym, name)) {
			found = 1;
			break;
		}
		if (clone && clen && !clone[0] && !strncmp(sym, name, nlen) && sym[nlen] == '.')
			snprintf(clone, clen, "%.*s", (int)(clen - 1), sym);
	}
	fclose(f);
	return found;
}

/* Is `name` a function here? Fills r with the reason when it is not. */
static bool symbol_present(const char *name, char *r, size_t len)
{
	char clone[128];
	int k = ksym_lookup(name, clone, sizeof(clone));
	bool b = btf_has_func(name);

	if (k == 1 || b)
		return true;
	if (k < 0 && !get_btf())
		return true; /* cannot tell: let the trial decide */
	if (clone[0])
		snprintf(r, len, "no symbol %s in /proc/kallsyms or BTF (only the compiler clone %s)", name,
			 clone);
	else
		snprintf(r, len, "no symbol %s in /proc/kallsyms or BTF (inlined or absent)", name);
	return false;
}

/* ------------------------------------------------------------------ */
/* tracefs: mounted only for the duration of a probe, if it was missing */

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

struct trial {
	struct probe *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
	enum kind kind;
};

static int trial_begin(struct trial *t, const char *prog_name, enum kind kind, const char *btf_target,
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
		fail_reason(r, len, "open", kind, errno);
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
			if (!get_btf())
				snprintf(r, len, "no vmlinux BTF to find %s in (%s)", btf_target,
					 errname(vmlinux_btf_err));
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
		fail_reason(r, len, "load", kind, -err);
		return -1;
	}
	return 0;
}

static int trial_attach(struct trial *t, const char *func, char *r, size_t len)
{
	bpf_link__destroy(t->link);
	t->link = NULL;
	t->skel->bss->hits = 0;
	t->skel->bss->helper_ret = 0;
	t->skel->bss->last_arg = 0;
	bpf_log_reset();
	if (t->kind == K_KPROBE)
		t->link = bpf_program__attach_kprobe(t->prog, false, func);
	else
		t->link = bpf_program__attach(t->prog);
	if (!t->link) {
		int err = errno;

		fail_reason(r, len, "attach", t->kind, err);
		return -1;
	}
	return 0;
}

static void trial_detach(struct trial *t)
{
	bpf_link__destroy(t->link);
	t->link = NULL;
}

static void trial_end(struct trial *t)
{
	trial_detach(t);
	probe__destroy(t->skel);
	t->skel = NULL;
	tracefs_release();
	bpf_log_end();
}

/* ------------------------------------------------------------------ */
/* triggers: system calls made by this thread                           */

static void trig_badfd_read(char *buf, size_t n)
{
	ssize_t r = read(-1, buf, n); /* EBADF; the tracepoint fires anyway */

	(void)r;
}

static void trig_vfs_read(void)
{
	char b[16];
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t r = read(fd, b, sizeof(b));

		(void)r;
		close(fd);
	}
}

/* Reads 4 bytes "abcd" through a pipe into buf: pipe_read -> copyout. */
static ssize_t trig_pipe_read(char *buf)
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

static unsigned long long hits(struct trial *t)
{
	return t->skel->bss->hits;
}

/* ------------------------------------------------------------------ */
/* features                                                             */

static bool p_btf(char *r, size_t len)
{
	struct btf *btf = get_btf();

	if (!btf) {
		snprintf(r, len, "cannot load /sys/kernel/btf/vmlinux: %s", errname(vmlinux_btf_err));
		return false;
	}
	snprintf(r, len, "vmlinux BTF loaded (%u types)", btf__type_cnt(btf));
	return true;
}

/* Attach, run the trigger, require the program to have run. */
static bool fire_check(struct trial *t, unsigned long long h, const char *what, const char *trig,
		       char *r, size_t len)
{
	if (!h) {
		snprintf(r, len, "attached %s, but it did not fire on %s", what, trig);
		return false;
	}
	snprintf(r, len, "attached %s; fired on %s", what, trig);
	(void)t;
	return true;
}

static bool p_tracepoint(char *r, size_t len)
{
	struct trial t;
	char buf[4];
	bool ok = false;

	if (!trial_begin(&t, "cob_pr_tp", K_TP, NULL, false, r, len) && !trial_attach(&t, NULL, r, len)) {
		trig_badfd_read(buf, sizeof(buf));
		ok = fire_check(&t, hits(&t), "tp/syscalls/sys_enter_read", "a read()", r, len);
	}
	trial_end(&t);
	return ok;
}

static bool p_raw_tracepoint(char *r, size_t len)
{
	struct trial t;
	char buf[4];
	bool ok = false;

	if (!trial_begin(&t, "cob_pr_rawtp", K_RAWTP, NULL, false, r, len) &&
	    !trial_attach(&t, NULL, r, len)) {
		trig_badfd_read(buf, sizeof(buf));
		ok = fire_check(&t, hits(&t), "raw_tp/sys_enter", "a read()", r, len);
	}
	trial_end(&t);
	return ok;
}

static bool kprobe_on(const char *func, bool pipe, char *r, size_t len)
{
	struct trial t;
	char what[96], buf[8];
	bool ok = false;

	if (!symbol_present(func, r, len))
		return false;
	if (!trial_begin(&t, "cob_pr_kprobe", K_KPROBE, NULL, false, r, len) &&
	    !trial_attach(&t, func, r, len)) {
		if (pipe)
			trig_pipe_read(buf);
		else
			trig_vfs_read();
		snprintf(what, sizeof(what), "kprobe on %s", func);
		ok = fire_check(&t, hits(&t), what, pipe ? "a pipe read()" : "a read()", r, len);
	}
	trial_end(&t);
	return ok;
}

static bool p_kprobe(char *r, size_t len)
{
	return kprobe_on("vfs_read", false, r, len);
}

static bool p_kprobe_copyout(char *r, size_t len)
{
	return kprobe_on("copyout", true, r, len);
}

/* The override probe fills two results: override_return (the helper works
 * on some error-injectable function) and override_copyout (on copyout). */
static bool ovr_copy_ok;
static char ovr_copy_reason[220];

static const char *syscall_for_override(void)
{
	static const char *const cands[] = { "__x64_sys_getpgid", "__arm64_sys_getpgid",
					     "__se_sys_getpgid", "sys_getpgid", NULL };
	for (int i = 0; cands[i]; i++)
		if (ksym_lookup(cands[i], NULL, 0) == 1)
			return cands[i];
	return "__x64_sys_getpgid";
}

static bool p_override_return(char *r, size_t len)
{
	struct trial t;
	char cr[200], sr[200], buf[4];
	const char *sc = syscall_for_override();
	bool sys_ok = false;

	ovr_copy_ok = false;
	if (trial_begin(&t, "cob_pr_override", K_KPROBE, NULL, false, r, len)) {
		snprintf(ovr_copy_reason, sizeof(ovr_copy_reason), "%s", r);
		trial_end(&t);
		return false;
	}

	/* 1. copyout: override to 0 ("nothing left to copy") and check the
	 * copy really was skipped. */
	if (symbol_present("copyout", cr, sizeof(cr)) && !trial_attach(&t, "copyout", cr, sizeof(cr))) {
		ssize_t n;

		t.skel->bss->override_rc = 0;
		memcpy(buf, "XXXX", 4);
		n = trig_pipe_read(buf);
		if (!hits(&t))
			snprintf(cr, sizeof(cr), "attached on copyout but it did not fire");
		else if (n == 4 && !memcmp(buf, "XXXX", 4)) {
			snprintf(cr, sizeof(cr), "copyout overridden (read()=4, buffer untouched)");
			ovr_copy_ok = true;
		} else
			snprintf(cr, sizeof(cr), "attached on copyout but the copy happened (read()=%zd)", n);
	}
	trial_detach(&t);

	/* 2. an error-injectable syscall: make getpgid() fail with EDOM. */
	if (!trial_attach(&t, sc, sr, sizeof(sr))) {
		long rc;

		t.skel->bss->override_rc = (__u64)(long)-EDOM;
		errno = 0;
		rc = syscall(SYS_getpgid, 0);
		if (rc == -1 && errno == EDOM) {
			snprintf(sr, sizeof(sr), "getpgid() overridden to -EDOM");
			sys_ok = true;
		} else
			snprintf(sr, sizeof(sr), "attached but getpgid() returned %ld", rc);
	}
	trial_end(&t);

	snprintf(ovr_copy_reason, sizeof(ovr_copy_reason), "copyout: %.190s", cr);
	snprintf(r, len, "copyout: %s; %s: %s", cr, sc, sr);
	return ovr_copy_ok || sys_ok;
}

static bool trampoline(const char *prog, const char *what, const char *func, bool pipe, char *r,
		       size_t len)
{
	struct trial t;
	char desc[96], buf[8];
	bool ok = false;

	if (!trial_begin(&t, prog, K_TRACE, func, false, r, len) && !trial_attach(&t, NULL, r, len)) {
		if (pipe)
			trig_pipe_read(buf);
		else
			trig_vfs_read();
		snprintf(desc, sizeof(desc), "%s on %s", what, func);
		ok = fire_check(&t, hits(&t), desc, pipe ? "a pipe read()" : "a read()", r, len);
		if (ok && pipe && t.skel->bss->last_arg != 4) {
			snprintf(r, len, "attached %s, but raw ctx[2] (n) was %llu, not 4", desc,
				 (unsigned long long)t.skel->bss->last_arg);
			ok = false;
		}
	}
	trial_end(&t);
	return ok;
}

static bool p_fentry(char *r, size_t len)
{
	return trampoline("cob_pr_fentry", "fentry", "vfs_read", false, r, len);
}

static bool p_fexit(char *r, size_t len)
{
	return trampoline("cob_pr_fexit", "fexit", "vfs_read", false, r, len);
}

static bool p_fmod_ret_permission(char *r, size_t len)
{
	return trampoline("cob_pr_fmr_perm", "fmod_ret", "security_file_permission", false, r, len);
}

static bool p_fmod_ret_copyout(char *r, size_t len)
{
	if (!symbol_present("copyout", r, len))
		return false;
	return trampoline("cob_pr_fmr_copy", "fmod_ret", "copyout", true, r, len);
}

static bool p_probe_write_user(char *r, size_t len)
{
	struct trial t;
	char buf[4] = { 'X', 'X', 'X', 'X' };
	bool ok = false;

	if (!trial_begin(&t, "cob_pr_pwu", K_TP, NULL, false, r, len) && !trial_attach(&t, NULL, r, len)) {
		trig_badfd_read(buf, sizeof(buf));
		if (!hits(&t))
			snprintf(r, len, "attached on tp/syscalls/sys_enter_read but it did not fire");
		else if (t.skel->bss->helper_ret)
			snprintf(r, len, "bpf_probe_write_user returned %lld in tp/syscalls/sys_enter_read",
				 (long long)t.skel->bss->helper_ret);
		else if (memcmp(buf, "COB!", 4))
			snprintf(r, len, "bpf_probe_write_user returned 0 but the buffer is unchanged");
		else {
			snprintf(r, len, "wrote 4 bytes into a user buffer from tp/syscalls/sys_enter_read");
			ok = true;
		}
	}
	trial_end(&t);
	return ok;
}

static bool p_kprobe_copyout_write(char *r, size_t len)
{
	struct trial t;
	char buf[8];
	bool ok = false;

	if (!symbol_present("copyout", r, len))
		return false;
	if (!trial_begin(&t, "cob_pr_kp_write", K_KPROBE, NULL, false, r, len) &&
	    !trial_attach(&t, "copyout", r, len)) {
		trig_pipe_read(buf);
		if (!hits(&t))
			snprintf(r, len, "attached kprobe on copyout but it did not fire");
		else if (t.skel->bss->helper_ret == -EPERM)
			snprintf(r, len,
				 "bpf_probe_write_user returned -EPERM in the copyout kprobe (int3-based kprobe: "
				 "copyout has no ftrace site)");
		else if (t.skel->bss->helper_ret)
			snprintf(r, len, "bpf_probe_write_user returned %lld in the copyout kprobe",
				 (long long)t.skel->bss->helper_ret);
		else {
			snprintf(r, len, "bpf_probe_write_user works inside the copyout kprobe");
			ok = true;
		}
	}
	trial_end(&t);
	return ok;
}

static bool p_bpf_loop(char *r, size_t len)
{
	struct trial t;
	char buf[4];
	bool ok = false;

	if (!trial_begin(&t, "cob_pr_loop", K_TP, NULL, false, r, len) && !trial_attach(&t, NULL, r, len)) {
		trig_badfd_read(buf, sizeof(buf));
		if (!hits(&t))
			snprintf(r, len, "loaded, but the test program did not fire");
		else if (t.skel->bss->helper_ret != 4 || t.skel->bss->last_arg != 10)
			snprintf(r, len, "bpf_loop returned %lld (sum %llu), expected 4 (10)",
				 (long long)t.skel->bss->helper_ret,
				 (unsigned long long)t.skel->bss->last_arg);
		else {
			snprintf(r, len, "bpf_loop ran 4 iterations in a tracepoint program");
			ok = true;
		}
	}
	trial_end(&t);
	return ok;
}

static int rb_event(void *ctx, void *data, size_t size)
{
	if (size == sizeof(__u64) && *(__u64 *)data == 0xc0b)
		++*(int *)ctx;
	return 0;
}

static bool p_ringbuf(char *r, size_t len)
{
	struct trial t;
	struct ring_buffer *rb = NULL;
	char buf[4];
	int got = 0;
	bool ok = false;

	if (!trial_begin(&t, "cob_pr_ringbuf", K_TP, NULL, true, r, len) &&
	    !trial_attach(&t, NULL, r, len)) {
		rb = ring_buffer__new(bpf_map__fd(t.skel->maps.cob_pr_rb), rb_event, &got, NULL);
		if (!rb) {
			fail_reason(r, len, "ring_buffer__new", K_TP, errno);
		} else {
			trig_badfd_read(buf, sizeof(buf));
			ring_buffer__consume(rb);
			if (got) {
				snprintf(r, len, "event received through a BPF ring buffer");
				ok = true;
			} else
				snprintf(r, len, "ring buffer created, but no event arrived (program fired %llu times)",
					 hits(&t));
			ring_buffer__free(rb);
		}
	}
	trial_end(&t);
	return ok;
}

/* Runs argv, stdout+stderr into out (first line kept). Returns exit status,
 * or -1 if it could not run. */
static int run_cmd(char *const argv[], char *out, size_t len)
{
	static const struct subproc_run o = { .merge_stderr = true, .first_line = true, .timeout_ms = -1 };

	return subproc_run(argv, &o, out, len);
}

static const char *find_modprobe(void)
{
	static const char *const c[] = { "/sbin/modprobe", "/usr/sbin/modprobe", "/bin/modprobe",
					 "/usr/bin/modprobe", NULL };
	for (int i = 0; c[i]; i++)
		if (access(c[i], X_OK) == 0)
			return c[i];
	return NULL;
}

static bool ram0_present(void)
{
	return path_exists("/sys/block/ram0") || path_exists("/dev/ram0");
}

static bool p_brd(char *r, size_t len)
{
	const char *mp;
	char out[160], out2[160];
	int st;

	if (ram0_present()) {
		snprintf(r, len, "ramdisk present (%s)", path_exists("/dev/ram0") ? "/dev/ram0" : "/sys/block/ram0");
		return true;
	}
	if (path_exists("/sys/module/brd")) {
		snprintf(r, len, "brd is loaded but there is no ram0 (loaded with rd_nr=0?)");
		return false;
	}
	mp = find_modprobe();
	if (!mp) {
		snprintf(r, len, "no /dev/ram0 and no modprobe to load brd");
		return false;
	}
	{
		char *argv[] = { (char *)mp, "brd", "rd_nr=1", NULL };

		st = run_cmd(argv, out, sizeof(out));
	}
	if (st != 0) {
		snprintf(r, len, "no /dev/ram0 and `modprobe brd` failed%s%s", out[0] ? ": " : "", out);
		return false;
	}
	/* the block device shows up in sysfs synchronously with the module */
	bool ok = ram0_present();
	char *argv2[] = { (char *)mp, "-r", "brd", NULL };

	st = run_cmd(argv2, out2, sizeof(out2));
	if (!ok)
		snprintf(r, len, "`modprobe brd` succeeded but no ram0 appeared");
	else if (st != 0)
		snprintf(r, len, "`modprobe brd` works, but `modprobe -r brd` failed: %s", out2);
	else
		snprintf(r, len, "`modprobe brd` works (ram0 appeared; module removed again)");
	return ok;
}

static bool p_override_copyout(char *r, size_t len);

/* ------------------------------------------------------------------ */
/* cache and public API                                                 */

struct feat {
	const char *name;
	bool (*fn)(char *r, size_t len);
	bool done, ok;
	char reason[200];
};

static struct feat feats[] = {
	{ .name = "btf", .fn = p_btf },
	{ .name = "tracepoint", .fn = p_tracepoint },
	{ .name = "raw_tracepoint", .fn = p_raw_tracepoint },
	{ .name = "kprobe", .fn = p_kprobe },
	{ .name = "kprobe_copyout", .fn = p_kprobe_copyout },
	{ .name = "override_return", .fn = p_override_return },
	{ .name = "fentry", .fn = p_fentry },
	{ .name = "fexit", .fn = p_fexit },
	{ .name = "fmod_ret_permission", .fn = p_fmod_ret_permission },
	{ .name = "fmod_ret_copyout", .fn = p_fmod_ret_copyout },
	{ .name = "probe_write_user", .fn = p_probe_write_user },
	{ .name = "bpf_loop", .fn = p_bpf_loop },
	{ .name = "ringbuf", .fn = p_ringbuf },
	{ .name = "brd", .fn = p_brd },
	{ .name = "override_copyout", .fn = p_override_copyout },
	{ .name = "kprobe_copyout_write", .fn = p_kprobe_copyout_write },
};

#define NFEATS (sizeof(feats) / sizeof(feats[0]))

static struct feat *feat_run(const char *name)
{
	for (size_t i = 0; i < NFEATS; i++) {
		struct feat *f = &feats[i];

		if (strcmp(f->name, name))
			continue;
		if (!f->done) {
			f->reason[0] = '\0';
			f->ok = f->fn(f->reason, sizeof(f->reason));
			f->done = true;
		}
		return f;
	}
	return NULL;
}

static bool p_override_copyout(char *r, size_t len)
{
	feat_run("override_return");
	snprintf(r, len, "%s", ovr_copy_reason);
	return ovr_copy_ok;
}

bool cob_probe_feature(const char *feature, char *reason, size_t len)
{
	struct feat *f = feat_run(feature);

	if (!f) {
		if (reason && len)
			snprintf(reason, len, "unknown feature %s", feature);
		return false;
	}
	if (reason && len)
		snprintf(reason, len, "%s", f->reason);
	return f->ok;
}

static void append(char *dst, size_t len, const char *name)
{
	size_t used = strlen(dst);

	snprintf(dst + used, len - used, "%s%s", used ? ", " : "", name);
}

bool cob_probe_backend(const struct hook_backend *b, char *reason, size_t len)
{
	char missing[120] = "", first[200] = "", have[120] = "", checks[120] = "";
	const char *first_name = NULL;
	char tmp[200];

	for (int i = 0; i < (int)(sizeof(b->needs) / sizeof(b->needs[0])) && b->needs[i]; i++) {
		if (cob_probe_feature(b->needs[i], tmp, sizeof(tmp))) {
			append(have, sizeof(have), b->needs[i]);
			continue;
		}
		append(missing, sizeof(missing), b->needs[i]);
		if (!first_name) {
			first_name = b->needs[i];
			snprintf(first, sizeof(first), "%s", tmp);
		}
	}
	if (first_name) {
		snprintf(reason, len, "missing %s; %s: %s", missing, first_name, first);
		return false;
	}
	for (int i = 0; i < (int)(sizeof(b->checks) / sizeof(b->checks[0])) && b->checks[i]; i++) {
		if (!cob_probe_feature(b->checks[i], tmp, sizeof(tmp))) {
			snprintf(reason, len, "%s available, but %s: %s", have, b->checks[i], tmp);
			return false;
		}
		append(checks, sizeof(checks), b->checks[i]);
	}
	if (!have[0])
		snprintf(have, sizeof(have), "nothing needed");
	if (checks[0])
		snprintf(reason, len, "%s available; %s verified", have, checks);
	else
		snprintf(reason, len, "%s available", have);
	return true;
}

const struct hook_backend *cob_probe_auto(int mode, char *reason, size_t len)
{
	char tmp[200];

	for (int i = 0; hook_backends[i]; i++) {
		const struct hook_backend *b = hook_backends[i];

		if (!b->auto_pick || !hook_backend_has_mode(b, mode))
			continue;
		if (cob_probe_backend(b, tmp, sizeof(tmp))) {
			if (reason && len)
				snprintf(reason, len, "%s: %s", b->name, tmp);
			return b;
		}
	}
	if (reason && len)
		snprintf(reason, len, "no backend that can %s is usable on this kernel",
			 mode == COB_MODE_OVERRIDE ? "override" : "observe");
	return NULL;
}

void cob_probe_forget(void)
{
	for (size_t i = 0; i < NFEATS; i++)
		feats[i].done = false;
	ovr_copy_ok = false;
	ovr_copy_reason[0] = '\0';
	btf__free(vmlinux_btf);
	vmlinux_btf = NULL;
	vmlinux_btf_err = 0;
}
