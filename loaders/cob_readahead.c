/* cob-readahead: pages allocated by readahead, those never accessed, and
 * the time from readahead to first access, system-wide, as bcc's readahead
 * reports them; the `readahead` monitor's fallback (bench/monitors/readahead)
 * where Debian's libbpf-tools readahead cannot attach.
 *
 *   cob-readahead
 *
 * Prints "Tracing fs read-ahead ... Hit Ctrl-C to end." once every program
 * is attached; on SIGINT or SIGTERM the totals and the histogram in the
 * tool's form, then exit 0:
 *   Readahead unused/total pages: UNUSED/TOTAL
 *        msecs               : count    distribution
 *            0 -> 0          : N        |****      |
 *            1 -> 1          : ...
 * (bucket k >= 1: 2^(k-1) to 2^k - 1 ms). A kernel that refuses a program:
 * one line on stderr naming what failed, exit 1. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "attach_first.h"
#include "bpf_log.h"
#include "readahead.h"
#include "readahead.skel.h"

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static void print_hist(const struct ra_hist *h)
{
	int last = -1;
	__u32 max = 0;

	printf("Readahead unused/total pages: %u/%u\n", h->unused, h->total);
	for (int i = 0; i < RA_SLOTS; i++) {
		if (h->slots[i])
			last = i;
		if (h->slots[i] > max)
			max = h->slots[i];
	}
	if (last < 0)
		return;
	printf("%5s%-19s : count    distribution\n", "", "msecs");
	for (int i = 0; i <= last; i++) {
		unsigned long long lo = i ? 1ull << (i - 1) : 0, hi = i ? (1ull << i) - 1 : 0;
		int stars = max ? (int)((unsigned long long)h->slots[i] * 40 / max) : 0;

		printf("%10llu -> %-10llu : %-8u |%-40.*s|\n", lo, hi, h->slots[i], stars,
		       "****************************************");
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = { { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 } };
	/* the function that reads ahead: 5.x and 6.x; 4.x */
	static const struct attach_point ra[] = { { .func = "page_cache_ra_unbounded" },
						  { .func = "__do_page_cache_readahead" } };
	/* without CONFIG_NUMA (the thesis kernel) the first two are inline and
	 * __folio_alloc is where the page cache's folio comes from */
	static const struct attach_point alloc[] = { { .func = "filemap_alloc_folio" },
						     { .func = "__page_cache_alloc" },
						     { .func = "__folio_alloc" } };
	static const struct attach_point accessed[] = { { .func = "folio_mark_accessed" },
							{ .func = "mark_page_accessed" } };
	struct bpf_link *links[4] = { 0 };
	struct readahead *skel;
	char why[1024];
	int c, err, nl = 0;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'h') {
			printf("usage: cob-readahead\n"
			       "Pages allocated by readahead, those never accessed, and the time to their first access\n"
			       "(a histogram, ms), system-wide, as bcc's readahead; printed at SIGINT/SIGTERM.\n");
			return 0;
		}
		return 2;
	}
	if (optind != argc) {
		fprintf(stderr, "cob-readahead: unexpected argument %s (see --help)\n", argv[optind]);
		return 2;
	}

	bpf_log_capture(true);
	skel = readahead__open();
	if (!skel) {
		fprintf(stderr, "cob-readahead: failed to open the BPF object: %s\n", strerror(errno));
		return 1;
	}
	err = readahead__load(skel);
	if (err) {
		char sum[300];

		bpf_log_summary(sum, sizeof(sum));
		fprintf(stderr, "cob-readahead: failed to load its programs: %s\n", sum[0] ? sum : strerror(-err));
		readahead__destroy(skel);
		return 1;
	}
	const struct {
		const char *what;
		struct bpf_program *prog;
		bool ret;
		const struct attach_point *pts;
		int n;
	} slots[] = {
		/* the return first: a thread marked on entry is always unmarked */
		{ "readahead-exit", skel->progs.ra_exit, true, ra, 2 },
		{ "readahead-entry", skel->progs.ra_enter, false, ra, 2 },
		{ "page-allocation", skel->progs.ra_alloc_ret, true, alloc, 3 },
		{ "page-access", skel->progs.ra_accessed, false, accessed, 2 },
	};
	for (size_t i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		links[nl] = attach_first(slots[i].prog, slots[i].ret, NULL, slots[i].pts, slots[i].n, why, sizeof(why));
		if (!links[nl]) {
			fprintf(stderr, "cob-readahead: failed to attach the %s probe (%s)\n", slots[i].what, why);
			while (nl--)
				bpf_link__destroy(links[nl]);
			readahead__destroy(skel);
			return 1;
		}
		nl++;
	}
	bpf_log_capture(false);

	struct sigaction sa = { .sa_handler = on_sig };
	sigset_t block, old;

	/* blocked until sigsuspend: a signal between the test and the wait
	 * would otherwise leave us waiting for another */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	printf("Tracing fs read-ahead ... Hit Ctrl-C to end.\n");
	fflush(stdout);
	while (!stop)
		sigsuspend(&old);
	while (nl--)
		bpf_link__destroy(links[nl]);
	print_hist(&skel->bss->hist);
	fflush(stdout);
	readahead__destroy(skel);
	return 0;
}
