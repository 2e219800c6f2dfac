/* cob-cachestat: page-cache hits, misses and dirtied pages per interval,
 * system-wide, as bcc's cachestat counts them; the `cachestat` monitor's
 * fallback (bench/monitors/cachestat) where Debian's libbpf-tools cachestat
 * cannot attach.
 *
 *   cob-cachestat [--interval S]
 *
 * Prints the same lines as `cachestat -T S` of libbpf-tools, so that the
 * monitor reads either: a header once every program is attached, then
 *   HH:MM:SS HITS MISSES DIRTIES HITRATIO% BUFFERS_MB CACHED_MB
 * per interval, and one more for the rest of the interval on SIGINT or
 * SIGTERM, then exit 0. A kernel that refuses a program: one line on stderr
 * naming what failed, exit 1 (the tool's behaviour too).
 *
 * The counts (bcc's definitions): total = pages marked accessed - buffers
 * marked dirty; misses = pages added to the cache - pages dirtied (a write
 * adds a page too), at least 0; hits = total - misses. Each program goes on
 * the first function of its list the kernel lets it attach to: the folio
 * names first, then the page names of older kernels. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "attach_first.h"
#include "bpf_log.h"
#include "cachestat.h"
#include "cachestat.skel.h"

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static long long meminfo_mb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t kl = strlen(key);
	long long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			kb = atoll(line + kl + 1);
			break;
		}
	fclose(f);
	return kb < 0 ? -1 : kb / 1024;
}

static void print_row(const unsigned long long now[CS_NR], unsigned long long last[CS_NR])
{
	long long d[CS_NR], total, misses, hits;
	char ts[16];
	time_t t = time(NULL);

	for (int i = 0; i < CS_NR; i++) {
		d[i] = (long long)(now[i] - last[i]);
		last[i] = now[i];
	}
	total = d[CS_ACCESSED] - d[CS_BUFFER_DIRTY];
	misses = d[CS_ADDED] - d[CS_DIRTIED];
	if (misses < 0)
		misses = 0;
	if (total < 0)
		total = 0;
	hits = total - misses;
	if (hits < 0) /* more additions than accesses in the interval */
		hits = 0;
	strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
	printf("%-8s %8lld %8lld %8lld %7.2f%% %12lld %10lld\n", ts, hits, misses, d[CS_DIRTIED],
	       hits + misses ? 100.0 * (double)hits / (double)(hits + misses) : 0.0, meminfo_mb("Buffers"),
	       meminfo_mb("Cached"));
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interval", required_argument, 0, 'i' },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	static const struct attach_point accessed[] = { { .func = "folio_mark_accessed" }, { .func = "mark_page_accessed" } };
	static const struct attach_point added[] = { { .func = "filemap_add_folio" }, { .func = "add_to_page_cache_lru" } };
	/* 6.x: folio_account_dirtied is static and inlined, its tracepoint is there */
	static const struct attach_point dirtied[] = { { .func = "folio_account_dirtied" },
						{ .func = "account_page_dirtied" },
						{ .tp = 0, .name = "writeback/writeback_dirty_folio" },
						{ .tp = 1, .name = "writeback/writeback_dirty_page" } };
	static const struct attach_point bufdirty[] = { { .func = "mark_buffer_dirty" } };
	struct bpf_link *links[CS_NR] = { 0 };
	unsigned long long last[CS_NR] = { 0 };
	struct cachestat *skel;
	char why[1024];
	long interval = 1;
	int c, err;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'i': {
			char *end;

			interval = strtol(optarg, &end, 10);
			if (*end || interval < 1 || interval > 3600) {
				fprintf(stderr, "cob-cachestat: --interval must be 1 to 3600 seconds: %s\n", optarg);
				return 2;
			}
			break;
		}
		case 'h':
			printf("usage: cob-cachestat [--interval S]\n"
			       "Page-cache hits, misses and dirtied pages every S seconds (default 1), system-wide,\n"
			       "as bcc's cachestat; the lines of libbpf-tools' cachestat -T S. Stops on SIGINT/SIGTERM\n"
			       "after a last line for the rest of the interval.\n");
			return 0;
		default: return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "cob-cachestat: unexpected argument %s (see --help)\n", argv[optind]);
		return 2;
	}

	bpf_log_capture(true);
	skel = cachestat__open();
	if (!skel) {
		fprintf(stderr, "cob-cachestat: failed to open the BPF object: %s\n", strerror(errno));
		return 1;
	}
	err = cachestat__load(skel);
	if (err) {
		char sum[300];

		bpf_log_summary(sum, sizeof(sum));
		fprintf(stderr, "cob-cachestat: failed to load its programs: %s\n", sum[0] ? sum : strerror(-err));
		cachestat__destroy(skel);
		return 1;
	}
	/* the tracepoint programs, as struct attach_point's tp numbers them */
	struct bpf_program *tps[] = { skel->progs.cs_dirtied_tp_folio, skel->progs.cs_dirtied_tp_page };
	const struct {
		const char *what;
		struct bpf_program *kp;
		const struct attach_point *pts;
		int n;
	} slots[CS_NR] = {
		[CS_ACCESSED] = { "accessed-pages", skel->progs.cs_accessed, accessed, 2 },
		[CS_ADDED] = { "added-pages", skel->progs.cs_added, added, 2 },
		[CS_DIRTIED] = { "dirtied-pages", skel->progs.cs_dirtied, dirtied, 4 },
		[CS_BUFFER_DIRTY] = { "dirtied-buffers", skel->progs.cs_buffer_dirty, bufdirty, 1 },
	};
	for (int i = 0; i < CS_NR; i++) {
		links[i] = attach_first(slots[i].kp, false, tps, slots[i].pts, slots[i].n, why, sizeof(why));
		if (!links[i]) {
			fprintf(stderr, "cob-cachestat: failed to attach the %s counter (%s)\n", slots[i].what, why);
			for (int j = 0; j < i; j++)
				bpf_link__destroy(links[j]);
			cachestat__destroy(skel);
			return 1;
		}
	}
	bpf_log_capture(false);

	struct sigaction sa = { .sa_handler = on_sig };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < CS_NR; i++)
		last[i] = skel->bss->counts[i];
	printf("%-8s %8s %8s %8s %8s %12s %10s\n", "TIME", "HITS", "MISSES", "DIRTIES", "HITRATIO", "BUFFERS_MB",
	       "CACHED_MB");
	while (!stop) {
		struct timespec ts = { .tv_sec = interval };
		unsigned long long now[CS_NR];

		/* a signal ends the sleep early: the last line covers the rest */
		nanosleep(&ts, NULL);
		for (int i = 0; i < CS_NR; i++)
			now[i] = __atomic_load_n(&skel->bss->counts[i], __ATOMIC_RELAXED);
		print_row(now, last);
	}
	for (int i = 0; i < CS_NR; i++)
		bpf_link__destroy(links[i]);
	cachestat__destroy(skel);
	return 0;
}
