/* The brd feature: a RAM block device (ram0) is there, or `modprobe brd`
 * makes one (the module is removed again). A storage concern, not a BPF
 * one, hence apart from the trials in feature_checks.c. */
#include <stdio.h>
#include <unistd.h>

#include "feature_checks.h"
#include "subproc.h"

static bool exists(const char *p)
{
	return access(p, F_OK) == 0;
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
	return exists("/sys/block/ram0") || exists("/dev/ram0");
}

/* modprobe ARGS...: its exit status (-1 if it could not run), the first
 * line of what it said in out. */
static int modprobe(char *const argv[], char *out, size_t len)
{
	static const struct subproc_run o = { .merge_stderr = true, .first_line = true, .timeout_ms = -1 };

	return subproc_run(argv, &o, out, len);
}

bool feature_brd(char *r, size_t len)
{
	const char *mp;
	char out[160], out2[160];
	int st;

	if (ram0_present()) {
		snprintf(r, len, "ramdisk present (%s)", exists("/dev/ram0") ? "/dev/ram0" : "/sys/block/ram0");
		return true;
	}
	if (exists("/sys/module/brd")) {
		snprintf(r, len, "brd is loaded but there is no ram0 (loaded with rd_nr=0?)");
		return false;
	}
	mp = find_modprobe();
	if (!mp) {
		snprintf(r, len, "no /dev/ram0 and no modprobe to load brd");
		return false;
	}
	char *load[] = { (char *)mp, "brd", "rd_nr=1", NULL };

	st = modprobe(load, out, sizeof(out));
	if (st != 0) {
		snprintf(r, len, "no /dev/ram0 and `modprobe brd` failed%s%s", out[0] ? ": " : "", out);
		return false;
	}
	/* the block device shows up in sysfs synchronously with the module */
	bool ok = ram0_present();
	char *unload[] = { (char *)mp, "-r", "brd", NULL };

	st = modprobe(unload, out2, sizeof(out2));
	if (!ok)
		snprintf(r, len, "`modprobe brd` succeeded but no ram0 appeared");
	else if (st != 0)
		snprintf(r, len, "`modprobe brd` works, but `modprobe -r brd` failed: %s", out2);
	else
		snprintf(r, len, "`modprobe brd` works (ram0 appeared; module removed again)");
	return ok;
}
