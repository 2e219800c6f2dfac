/* The kernel feature checks. See feature_checks.h, trial.h and bpf/probe.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "feature_checks.h"
#include "kprobe_opt.h"
#include "ksyms.h"
#include "probe.h"
#include "trial.h"

const char *const cob_features[] = {
	"btf", "tracepoint", "raw_tracepoint", "kprobe", "kprobe_copyout",
	"override_return", "fentry", "fexit", "fmod_ret_permission",
	"fmod_ret_copyout", "probe_write_user", "bpf_loop", "ringbuf", "brd",
	NULL,
};

static bool p_btf(char *r, size_t len)
{
	struct btf *btf = ksyms_btf();

	if (!btf) {
		snprintf(r, len, "cannot load /sys/kernel/btf/vmlinux: %s", trial_errname(ksyms_btf_err()));
		return false;
	}
	snprintf(r, len, "vmlinux BTF loaded (%u types)", btf__type_cnt(btf));
	return true;
}

/* What a trial's program should fire on. */
enum trigger { ON_BADFD_READ, ON_VFS_READ, ON_PIPE_READ };

struct fires {
	const char *what; /* "kprobe on vfs_read" */
	enum trigger on;
};

/* Make the system call and require the program to have run; a trampoline on
 * the pipe read's copy must also have seen its length (raw ctx[2]). */
static bool fires(struct trial *t, const void *arg, char *r, size_t len)
{
	const struct fires *f = arg;
	const char *trig = f->on == ON_PIPE_READ ? "a pipe read()" : "a read()";
	char buf[8];

	if (f->on == ON_BADFD_READ)
		trig_badfd_read(buf, 4);
	else if (f->on == ON_VFS_READ)
		trig_vfs_read();
	else
		trig_pipe_read(buf);
	if (!trial_hits(t)) {
		snprintf(r, len, "attached %s, but it did not fire on %s", f->what, trig);
		return false;
	}
	if (t->kind == TRIAL_TRACE && f->on == ON_PIPE_READ && t->skel->bss->last_arg != 4) {
		snprintf(r, len, "attached %s, but raw ctx[2] (n) was %llu, not 4", f->what,
			 (unsigned long long)t->skel->bss->last_arg);
		return false;
	}
	snprintf(r, len, "attached %s; fired on %s", f->what, trig);
	return true;
}

/* A kprobe or trampoline (what: "kprobe", "fexit", ...) on func fires. */
static bool fires_on(const char *prog, enum trial_kind kind, const char *what, const char *func, bool pipe,
		     char *r, size_t len)
{
	char desc[96];
	const struct trial_spec s = { .prog = prog, .kind = kind, .func = func };
	const struct fires f = { desc, pipe ? ON_PIPE_READ : ON_VFS_READ };

	snprintf(desc, sizeof(desc), "%s on %s", what, func);
	return trial_run(&s, fires, &f, r, len);
}

static bool p_tracepoint(char *r, size_t len)
{
	static const struct trial_spec s = { .prog = "cob_pr_tp", .kind = TRIAL_TP };
	static const struct fires f = { "tp/syscalls/sys_enter_read", ON_BADFD_READ };

	return trial_run(&s, fires, &f, r, len);
}

static bool p_raw_tracepoint(char *r, size_t len)
{
	static const struct trial_spec s = { .prog = "cob_pr_rawtp", .kind = TRIAL_RAWTP };
	static const struct fires f = { "raw_tp/sys_enter", ON_BADFD_READ };

	return trial_run(&s, fires, &f, r, len);
}

static bool kprobe_on(const char *func, bool pipe, char *r, size_t len)
{
	if (!ksym_present(func, r, len))
		return false;
	return fires_on("cob_pr_kprobe", TRIAL_KPROBE, "kprobe", func, pipe, r, len);
}

static bool p_kprobe(char *r, size_t len)
{
	return kprobe_on("vfs_read", false, r, len);
}

static bool p_kprobe_copyout(char *r, size_t len)
{
	return kprobe_on("copyout", true, r, len);
}

/* The override trial fills two results: override_return (the helper works
 * on some error-injectable function) and override_copyout (on copyout),
 * which keeps its result here. */
static bool ovr_copy_ok;
static char ovr_copy_reason[220];

static bool p_override_return(char *r, size_t len)
{
	struct trial t;
	char cr[200], sr[200], buf[4];
	const char *sc = ksym_getpgid();
	bool sys_ok = false;

	ovr_copy_ok = false;
	if (trial_begin(&t, "cob_pr_override", TRIAL_KPROBE, NULL, false, r, len)) {
		snprintf(ovr_copy_reason, sizeof(ovr_copy_reason), "%s", r);
		trial_end(&t);
		return false;
	}

	/* 1. copyout: override to 0 ("nothing left to copy") and check the
	 * copy really was skipped. */
	if (ksym_present("copyout", cr, sizeof(cr)) && !trial_attach(&t, "copyout", cr, sizeof(cr))) {
		ssize_t n;

		t.skel->bss->override_rc = 0;
		memcpy(buf, "XXXX", 4);
		n = trig_pipe_read(buf);
		if (!trial_hits(&t))
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

static bool p_override_copyout(char *r, size_t len)
{
	cob_probe_feature("override_return", NULL, 0); /* runs that trial once */
	snprintf(r, len, "%s", ovr_copy_reason);
	return ovr_copy_ok;
}

static long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does the override on copyout outlive the kprobe optimizer? An int3 kprobe
 * is jump-optimized a few jiffies after it is armed (kernel/kprobes.c:
 * optimize_kprobe queues it and sets the [OPTIMIZED] flag at once,
 * kprobe_optimizer installs the jump OPTIMIZE_DELAY jiffies and an RCU-tasks
 * grace period later), and from then on the handler's change of regs->ip,
 * which is how bpf_override_return works, is ignored
 * (arch/x86/kernel/kprobes/opt.c optimized_callback). So: attach, and unless
 * the kprobes list shows an ftrace-based probe or the sysctl is 0, check the
 * override by behaviour every 10 ms for up to 2 s. */
static bool pipe_overridden(void)
{
	char buf[4];

	memcpy(buf, "XXXX", 4);
	return trig_pipe_read(buf) == 4 && !memcmp(buf, "XXXX", 4);
}

static bool p_override_copyout_lasting(char *r, size_t len)
{
	struct trial t;
	char flags[96] = "";
	long long t0, waited;
	int st, sysctl = kprobe_opt_sysctl();
	bool ok = true;

	if (!cob_probe_feature("override_copyout", r, len))
		return false;
	if (trial_begin(&t, "cob_pr_override", TRIAL_KPROBE, NULL, false, r, len)) {
		trial_end(&t);
		return false;
	}
	if (trial_attach(&t, "copyout", r, len)) {
		trial_end(&t);
		return false;
	}
	t.skel->bss->override_rc = 0;
	t0 = mono_ms();
	st = kprobe_state("copyout", flags, sizeof(flags));
	if (!strstr(flags, "FTRACE") && sysctl != 0) {
		do {
			if (!(ok = pipe_overridden()))
				break;
			usleep(10000);
		} while (mono_ms() - t0 < 2000);
		if (!ok) /* the flag as it is now */
			st = kprobe_state("copyout", flags, sizeof(flags));
	} else
		ok = pipe_overridden();
	waited = mono_ms() - t0;
	trial_end(&t);
	if (!ok && strstr(flags, "OPTIMIZED"))
		snprintf(r, len, "override is ignored once the kprobe is jump-optimized (copyout's int3 kprobe, "
			 "[OPTIMIZED]; override failed %lld ms after attach; kprobe-copyout-unopt keeps it int3)", waited);
	else if (!ok)
		snprintf(r, len, "copyout override stopped working %lld ms after attach (kprobe %s%s)", waited,
			 st < 0 ? "state unknown: no " KPROBE_LIST : "flags ", st < 0 ? "" : (flags[0] ? flags : "none"));
	else if (strstr(flags, "FTRACE"))
		snprintf(r, len, "ftrace-based kprobe on copyout: never jump-optimized; override works");
	else if (sysctl < 0)
		snprintf(r, len, "no kprobe optimizer (no %s); override still works after %lld ms", KPROBE_OPT_SYSCTL, waited);
	else if (sysctl == 0)
		snprintf(r, len, "int3 kprobe on copyout kept unoptimized (debug.kprobes-optimization=0); override works");
	else
		snprintf(r, len, "override on copyout still works %lld ms after attach (kprobe flags: %s)", waited,
			 flags[0] ? flags : "none");
	return ok;
}

static bool p_fentry(char *r, size_t len)
{
	return fires_on("cob_pr_fentry", TRIAL_TRACE, "fentry", "vfs_read", false, r, len);
}

static bool p_fexit(char *r, size_t len)
{
	return fires_on("cob_pr_fexit", TRIAL_TRACE, "fexit", "vfs_read", false, r, len);
}

static bool p_fmod_ret_permission(char *r, size_t len)
{
	return fires_on("cob_pr_fmr_perm", TRIAL_TRACE, "fmod_ret", "security_file_permission", false, r, len);
}

static bool p_fmod_ret_copyout(char *r, size_t len)
{
	if (!ksym_present("copyout", r, len))
		return false;
	return fires_on("cob_pr_fmr_copy", TRIAL_TRACE, "fmod_ret", "copyout", true, r, len);
}

static bool writes_user_from_tp(struct trial *t, const void *arg, char *r, size_t len)
{
	char buf[4] = { 'X', 'X', 'X', 'X' };

	(void)arg;
	trig_badfd_read(buf, sizeof(buf));
	if (!trial_hits(t))
		snprintf(r, len, "attached on tp/syscalls/sys_enter_read but it did not fire");
	else if (t->skel->bss->helper_ret)
		snprintf(r, len, "bpf_probe_write_user returned %lld in tp/syscalls/sys_enter_read",
			 (long long)t->skel->bss->helper_ret);
	else if (memcmp(buf, "COB!", 4))
		snprintf(r, len, "bpf_probe_write_user returned 0 but the buffer is unchanged");
	else {
		snprintf(r, len, "wrote 4 bytes into a user buffer from tp/syscalls/sys_enter_read");
		return true;
	}
	return false;
}

static bool p_probe_write_user(char *r, size_t len)
{
	static const struct trial_spec s = { .prog = "cob_pr_pwu", .kind = TRIAL_TP };

	return trial_run(&s, writes_user_from_tp, NULL, r, len);
}

static bool writes_user_from_copyout(struct trial *t, const void *arg, char *r, size_t len)
{
	char buf[8];

	(void)arg;
	trig_pipe_read(buf);
	if (!trial_hits(t))
		snprintf(r, len, "attached kprobe on copyout but it did not fire");
	else if (t->skel->bss->helper_ret == -EPERM)
		snprintf(r, len,
			 "bpf_probe_write_user returned -EPERM in the copyout kprobe (int3-based kprobe: "
			 "copyout has no ftrace site)");
	else if (t->skel->bss->helper_ret)
		snprintf(r, len, "bpf_probe_write_user returned %lld in the copyout kprobe",
			 (long long)t->skel->bss->helper_ret);
	else {
		snprintf(r, len, "bpf_probe_write_user works inside the copyout kprobe");
		return true;
	}
	return false;
}

static bool p_kprobe_copyout_write(char *r, size_t len)
{
	static const struct trial_spec s = { .prog = "cob_pr_kp_write", .kind = TRIAL_KPROBE, .func = "copyout" };

	if (!ksym_present("copyout", r, len))
		return false;
	return trial_run(&s, writes_user_from_copyout, NULL, r, len);
}

static bool loops(struct trial *t, const void *arg, char *r, size_t len)
{
	char buf[4];

	(void)arg;
	trig_badfd_read(buf, sizeof(buf));
	if (!trial_hits(t))
		snprintf(r, len, "loaded, but the test program did not fire");
	else if (t->skel->bss->helper_ret != 4 || t->skel->bss->last_arg != 10)
		snprintf(r, len, "bpf_loop returned %lld (sum %llu), expected 4 (10)",
			 (long long)t->skel->bss->helper_ret, (unsigned long long)t->skel->bss->last_arg);
	else {
		snprintf(r, len, "bpf_loop ran 4 iterations in a tracepoint program");
		return true;
	}
	return false;
}

static bool p_bpf_loop(char *r, size_t len)
{
	static const struct trial_spec s = { .prog = "cob_pr_loop", .kind = TRIAL_TP };

	return trial_run(&s, loops, NULL, r, len);
}

static int rb_event(void *ctx, void *data, size_t size)
{
	if (size == sizeof(__u64) && *(__u64 *)data == 0xc0b)
		++*(int *)ctx;
	return 0;
}

static bool delivers_event(struct trial *t, const void *arg, char *r, size_t len)
{
	struct ring_buffer *rb;
	char buf[4];
	int got = 0;

	(void)arg;
	rb = ring_buffer__new(bpf_map__fd(t->skel->maps.cob_pr_rb), rb_event, &got, NULL);
	if (!rb) {
		trial_fail_reason(r, len, "ring_buffer__new", TRIAL_TP, errno);
		return false;
	}
	trig_badfd_read(buf, sizeof(buf));
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	if (!got) {
		snprintf(r, len, "ring buffer created, but no event arrived (program fired %llu times)",
			 trial_hits(t));
		return false;
	}
	snprintf(r, len, "event received through a BPF ring buffer");
	return true;
}

static bool p_ringbuf(char *r, size_t len)
{
	static const struct trial_spec s = { .prog = "cob_pr_ringbuf", .kind = TRIAL_TP, .ringbuf = true };

	return trial_run(&s, delivers_event, NULL, r, len);
}

const struct feature_check feature_checks[] = {
	{ "btf", p_btf },
	{ "tracepoint", p_tracepoint },
	{ "raw_tracepoint", p_raw_tracepoint },
	{ "kprobe", p_kprobe },
	{ "kprobe_copyout", p_kprobe_copyout },
	{ "override_return", p_override_return },
	{ "fentry", p_fentry },
	{ "fexit", p_fexit },
	{ "fmod_ret_permission", p_fmod_ret_permission },
	{ "fmod_ret_copyout", p_fmod_ret_copyout },
	{ "probe_write_user", p_probe_write_user },
	{ "bpf_loop", p_bpf_loop },
	{ "ringbuf", p_ringbuf },
	{ "brd", feature_brd },
	/* internal (probe.h) */
	{ "override_copyout", p_override_copyout },
	{ "kprobe_copyout_write", p_kprobe_copyout_write },
	{ "override_copyout_lasting", p_override_copyout_lasting },
};
