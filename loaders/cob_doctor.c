/* cob-doctor: which kernel features and copyout-hook backends work here,
 * each found by a real trial (loaders/probe.c). */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "backend.h"
#include "copyout_hook.h"
#include "monitors.h"
#include "probe.h"
#include "subproc.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cob-doctor [--json] [--where host|guest-tcg|guest-kvm] [--help]\n"
		"\n"
		"Probes which kernel features and copyout-hook backends are usable here by\n"
		"loading and attaching a tiny BPF program for each (then removing it again).\n"
		"\n"
		"  --json          one JSON object: kernel, where, features, backends, auto (what --backend auto\n"
		"                  picks in the default mode, observe), auto_by_mode {observe, override} and\n"
		"                  monitors {NAME: {works, reason}} (each monitor's --probe)\n"
		"  --where PLACE   where this runs (default: $COB_WHERE, else host)\n"
		"  --help          this text\n"
		"\n"
		"Exit status: 0 when the probing ran (unavailable features are not errors),\n"
		"2 on usage errors or without the privileges to load BPF programs.\n");
}

static bool has_cap(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return false;
	if (cap >= 32 && h.version != _LINUX_CAPABILITY_VERSION_3)
		return false;
	return d[cap / 32].effective & (1u << (cap % 32));
}

/* Any tracefs the probes mount must vanish with us, even on SIGKILL: probe in
 * a private mount namespace. Harmless if it fails (trial.c unmounts itself). */
static void private_mounts(void)
{
	if (unshare(CLONE_NEWNS) == 0)
		mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* Each monitor's state: asked with `EXEC --probe` when the kernel may refuse
 * it (bench/monitors.h), else it works wherever the suite runs. */
struct monitor_state {
	const char *name;
	bool works;
	char reason[512];
};

static void probe_monitor(const struct cob_monitor *m, struct monitor_state *st)
{
	char bin[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", bin, sizeof(bin) - 1);
	const struct subproc_run o = { .merge_stderr = true, .first_line = true, .timeout_ms = 90000,
				       .prog = "cob-doctor" };
	char *argv[] = { path, "--probe", NULL };
	int rc;

	st->name = m->name;
	st->works = true;
	snprintf(st->reason, sizeof(st->reason), "works");
	if (!m->probe)
		return;
	bin[n > 0 ? n : 0] = '\0';
	if (strrchr(bin, '/'))
		*strrchr(bin, '/') = '\0';
	cob_monitor_path(m, bin, path, sizeof(path));
	rc = subproc_run(argv, &o, st->reason, sizeof(st->reason));
	if (rc == 0)
		return;
	st->works = false;
	if (rc != COB_MONITOR_REFUSED) {
		char out[400];

		snprintf(out, sizeof(out), "%.399s", st->reason);
		snprintf(st->reason, sizeof(st->reason), "%.100s --probe failed (%d): %.300s", path, rc, out);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "where", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *where = getenv("COB_WHERE");
	bool json = false;
	struct utsname uts;
	int c, nf, nb;
	/* what --backend auto picks, per mode (index COB_MODE_*) */
	static const char *const mode_names[] = { "observe", "override" };
	const struct hook_backend *auto_be[2];

	if (!where || !*where)
		where = "host";
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'w':
			where = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "cob-doctor: %s needs a value (see cob-doctor --help)\n", argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "cob-doctor: unknown option '%s' (see cob-doctor --help)\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "cob-doctor: unexpected argument '%s' (see cob-doctor --help)\n", argv[optind]);
		return 2;
	}
	if (strcmp(where, "host") && strcmp(where, "guest-tcg") && strcmp(where, "guest-kvm")) {
		fprintf(stderr, "cob-doctor: --where must be host, guest-tcg or guest-kvm, not '%s'\n", where);
		return 2;
	}
	if (!has_cap(CAP_BPF) && !has_cap(CAP_SYS_ADMIN)) {
		fprintf(stderr, "cob-doctor: needs root (CAP_BPF or CAP_SYS_ADMIN) to trial-load BPF programs\n");
		return 2;
	}
	if (uname(&uts))
		strcpy(uts.release, "unknown");

	libbpf_set_print(NULL); /* the trials capture what they need (bpf_log.c) */
	private_mounts();

	for (nf = 0; cob_features[nf]; nf++)
		;
	for (nb = 0; hook_backends[nb]; nb++)
		;
	struct cob_probe feat[nf], be[nb];

	for (int i = 0; i < nf; i++) {
		feat[i].name = cob_features[i];
		feat[i].available = cob_probe_feature(cob_features[i], feat[i].reason, sizeof(feat[i].reason));
	}
	for (int i = 0; i < nb; i++) {
		be[i].name = hook_backends[i]->name;
		be[i].available = cob_probe_backend(hook_backends[i], be[i].reason, sizeof(be[i].reason));
		if (be[i].available && hook_backends[i]->can_override) {
			char why[200];

			if (!cob_probe_backend_override(hook_backends[i], why, sizeof(why)))
				snprintf(be[i].reason, sizeof(be[i].reason), "observe only: %.185s", why);
		}
	}
	size_t nm = 0;

	while (cob_monitor_choice(nm))
		nm++;
	struct monitor_state mon[nm];

	for (size_t i = 0; i < nm; i++)
		probe_monitor(cob_monitor_find(cob_monitor_choice(i)), &mon[i]);
	auto_be[COB_MODE_OBSERVE] = cob_probe_auto(COB_MODE_OBSERVE, NULL, 0);
	auto_be[COB_MODE_OVERRIDE] = cob_probe_auto(COB_MODE_OVERRIDE, NULL, 0);

	if (json) {
		json_t *root = json_object(), *jf = json_object(), *jb = json_object();
		char *s;

		json_object_set_new(root, "kernel", json_string(uts.release));
		json_object_set_new(root, "where", json_string(where));
		for (int i = 0; i < nf; i++)
			json_object_set_new(jf, feat[i].name,
					    json_pack("{s:b,s:s}", "available", feat[i].available, "reason",
						      feat[i].reason));
		for (int i = 0; i < nb; i++)
			json_object_set_new(jb, be[i].name,
					    json_pack("{s:b,s:s}", "available", be[i].available, "reason",
						      be[i].reason));
		json_object_set_new(root, "features", jf);
		json_object_set_new(root, "backends", jb);
		/* "auto": what --backend auto picks in the default mode (observe) */
		json_object_set_new(root, "auto", json_string(auto_be[0] ? auto_be[0]->name : "none"));
		json_t *ja = json_object();
		for (int m = 0; m < 2; m++)
			json_object_set_new(ja, mode_names[m], json_string(auto_be[m] ? auto_be[m]->name : "none"));
		json_object_set_new(root, "auto_by_mode", ja);
		json_t *jm = json_object();
		for (size_t i = 0; i < nm; i++)
			json_object_set_new(jm, mon[i].name,
					    json_pack("{s:b,s:s}", "works", mon[i].works, "reason", mon[i].reason));
		json_object_set_new(root, "monitors", jm);
		s = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (!s) {
			fprintf(stderr, "cob-doctor: cannot encode JSON\n");
			return 1;
		}
		puts(s);
		free(s);
		json_decref(root);
		return 0;
	}

	printf("kernel   %s\n", uts.release);
	printf("where    %s\n\n", where);
	printf("%-21s %-4s %s\n", "FEATURE", "OK", "REASON");
	for (int i = 0; i < nf; i++)
		printf("%-21s %-4s %s\n", feat[i].name, feat[i].available ? "yes" : "no", feat[i].reason);
	printf("\n%-21s %-4s %s\n", "BACKEND", "OK", "REASON");
	for (int i = 0; i < nb; i++)
		printf("%-21s %-4s %s\n", be[i].name, be[i].available ? "yes" : "no", be[i].reason);
	printf("\n%-21s %s\n", "MONITOR", "STATE");
	for (size_t i = 0; i < nm; i++)
		printf("%-21s %s%s\n", mon[i].name, mon[i].works ? "" : "refused: ", mon[i].reason);
	printf("\n");
	for (int m = 0; m < 2; m++)
		printf("auto (%s)%*s %s\n", mode_names[m], 9 - (int)strlen(mode_names[m]), "",
		       auto_be[m] ? auto_be[m]->name : "none (no backend that can do this is usable here)");
	return 0;
}
