/* cob-read: the read workload. Reads a file N times with a given buffer size,
 * timestamps every read() with CLOCK_MONOTONIC (the clock bpf_ktime_get_ns
 * reads), verifies the bytes it got and computes the filter-reduce reference.
 * Everything that is not the read itself (repositioning, cache handling,
 * buffer pre-fill, checks) happens outside the timed interval.
 *
 * With --sync RFD,WFD (set by cob-hook) it prepares, writes 'R', and waits for
 * 'G' before the first read, so the hook is attached before any timed read and
 * the reference read of the file is never seen by the hook. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "access.h"
#include "cache.h"
#include "clock.h"
#include "filegen.h"
#include "filter_reduce.h"
#include "read_check.h"
#include "read_record.h"
#include "reposition.h"

/* Defaults of --reposition, --access, --cache. */
#define DEFAULT_REPOSITION "seek"
#define DEFAULT_ACCESS "read"
#define DEFAULT_CACHE "none"
/* --interval-us at most 10 s: a pause, not a way to stall a sweep */
#define MAX_INTERVAL_US 10000000ull

struct opts {
	const char *file, *records;
	uint64_t buf, iterations, threshold;
	uint64_t interval_us; /* --interval-us: pause before every read but the first */
	const struct reposition_ops *repo;
	const struct access_ops *access;
	const struct cache_ops *cache;
	int sync_r, sync_w;
	int quiet;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: cob-read --file PATH --buf SIZE --iterations N [options]\n"
		   "  --reposition M    where each read starts, set before it (untimed):\n");
	cob_choice_usage(f, reposition_choice, reposition_help, DEFAULT_REPOSITION);
	fprintf(f, "  --access M        how to read:\n");
	cob_choice_usage(f, access_choice, access_help, DEFAULT_ACCESS);
	fprintf(f, "  --cache M         page cache handling (untimed):\n");
	cob_choice_usage(f, cache_choice, cache_help, DEFAULT_CACHE);
	fprintf(f,
		"  --threshold N     filter: keep numbers >= N (default 0)\n"
		"  --interval-us N   pace the reads: sleep N microseconds before every read but\n"
		"                    the first (untimed; default 0: back to back). The same bytes\n"
		"                    read over a longer time (E17: time since attach vs data read)\n"		"  --mode observe|override  accepted for cob-hook; the checks are the same\n"
		"  --records PATH    write binary per-read records (for cob-hook)\n"
		"  --sync RFD,WFD    handshake with cob-hook before the first read\n"
		"Without --records, prints one CSV row per read on stdout.\n");
}

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "cob-read: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	return 2;
}

/* An unknown name for OPT: the list comes from the registry. */
static int bad_choice(cob_choice_fn names, const char *opt, const char *arg)
{
	char why[512];

	return fail(cob_choice_error(names, opt, arg, why, sizeof(why)), NULL);
}

/* Fit a freshly opened descriptor to the access method (direct: O_DIRECT). */
static int prepare(const struct opts *o, int fd)
{
	int rc = o->access->prepare ? o->access->prepare(fd) : 0;

	if (rc)
		fprintf(stderr, "cob-read: --access %s: %s: the filesystem refuses it (%s)\n", o->access->name,
			o->file, strerror(-rc));
	return rc ? 2 : 0;
}

/* A method that needs more than a plain read (direct) gets one untimed read
 * of the first buffer before the hook attaches: a filesystem or block size
 * that refuses it is one clear line now, not a run of failed reads. */
static int probe_read(const struct opts *o, int fd, void *buf)
{
	if (!o->access->prepare || pread(fd, buf, o->buf, 0) >= 0)
		return 0;
	fprintf(stderr, "cob-read: --access %s: %s: a %" PRIu64 "-byte read at offset 0 fails (%s)%s\n",
		o->access->name, o->file, o->buf, strerror(errno),
		errno == EINVAL ? ": --buf must be a multiple of the device's logical block size" : "");
	return 2;
}

/* The workload's page faults so far. Taken around the mmap methods' reads
 * only: faults are how they read. A read syscall cannot fault in the buffer
 * the workload has just written, and two more syscalls between reads would
 * slow the next read (see the comment after the loop in main). */
static void faults(uint64_t *minflt, uint64_t *majflt)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*minflt = (uint64_t)ru.ru_minflt;
	*majflt = (uint64_t)ru.ru_majflt;
}

/* TEST ONLY: COB_TEST_READ_DELAY_NS=N in the environment makes every timed
 * read N ns slower (a busy loop inside the timed interval, after the
 * read returns), so tests/bats/compare.bats can build a results directory with
 * a known latency regression. It passes through run.sh, cob-sweep and cob-hook
 * untouched. Never set it for a real measurement; unset or 0 changes nothing. */
static uint64_t test_delay_ns(void)
{
	const char *v = getenv("COB_TEST_READ_DELAY_NS");
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || *end || n > 1000000000ull) {
		fprintf(stderr, "cob-read: ignoring COB_TEST_READ_DELAY_NS=%s (ns, 0 to 1e9)\n", v);
		return 0;
	}
	return n;
}

static void test_delay(uint64_t ns)
{
	uint64_t t = ns ? (uint64_t)cob_now_ns() : 0;

	while (ns && (uint64_t)cob_now_ns() - t < ns)
		;
}

/* Reads per batch at most (see the batch comment in main). */
#define MAX_BATCH 16

/* Bring the buffer a read is about to fill into L1 (untimed, a few ns: one
 * prefetch per cache line, up to 16 KiB). A program reading in a loop
 * reuses one hot buffer; this workload rotates 16 (64 KiB, more than L1
 * holds) so that it can check each read after the batch, and without this
 * the kernel's copy met a destination in L2: measured on a 2-core EPYC VM
 * against the bare loop of `./run.sh bench workload` (paired medians of 41
 * alternating runs), 0.94-0.98 of its speed without, 0.95-1.00 with. */
static void warm_buffer(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len && i < 16384; i += 64)
		__builtin_prefetch(buf + i, 1, 3);
}

/* --interval-us: plain decimal microseconds, 0 to MAX_INTERVAL_US (no size
 * suffixes: "1K" would read as 1024 us). */
static int parse_us(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || n > MAX_INTERVAL_US)
		return -1;
	*out = n;
	return 0;
}

/* Sleep US microseconds (CLOCK_MONOTONIC, resumed after a signal). */
static void pause_us(uint64_t us)
{
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000 };

	while (us && clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "file", required_argument, 0, 'f' },	     { "buf", required_argument, 0, 'b' },
		{ "iterations", required_argument, 0, 'n' }, { "reposition", required_argument, 0, 'r' },
		{ "access", required_argument, 0, 'a' },     { "cache", required_argument, 0, 'c' },
		{ "threshold", required_argument, 0, 't' },  { "mode", required_argument, 0, 'm' },
		{ "records", required_argument, 0, 'R' },    { "sync", required_argument, 0, 's' },
		{ "interval-us", required_argument, 0, 'i' }, { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->repo = reposition_find(DEFAULT_REPOSITION);
	o->access = access_find(DEFAULT_ACCESS);
	o->cache = cache_find(DEFAULT_CACHE);
	o->sync_r = o->sync_w = -1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'f': o->file = optarg; break;
		case 'b':
			if (parse_size(optarg, &o->buf) || !o->buf || o->buf > (1ull << 30))
				return fail("--buf must be a size from 1 to 1G", optarg);
			break;
		case 'n':
			if (parse_size(optarg, &o->iterations) || !o->iterations)
				return fail("--iterations must be a positive number", optarg);
			break;
		case 'r':
			if (!(o->repo = reposition_find(optarg)))
				return bad_choice(reposition_choice, "--reposition", optarg);
			break;
		case 'a':
			if (!(o->access = access_find(optarg)))
				return bad_choice(access_choice, "--access", optarg);
			break;
		case 'c':
			if (!(o->cache = cache_find(optarg)))
				return bad_choice(cache_choice, "--cache", optarg);
			break;
		case 't':
			if (parse_size(optarg, &o->threshold))
				return fail("bad --threshold", optarg);
			break;
		case 'm':
			if (strcmp(optarg, "observe") && strcmp(optarg, "override"))
				return fail("--mode must be observe or override", optarg);
			break;
		case 'i':
			if (parse_us(optarg, &o->interval_us))
				return fail("--interval-us must be a number of microseconds from 0 to 10000000", optarg);
			break;
		case 'R': o->records = optarg; break;
		case 's':
			if (sscanf(optarg, "%d,%d", &o->sync_r, &o->sync_w) != 2)
				return fail("--sync takes RFD,WFD", optarg);
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc)
		return fail("unexpected argument", argv[optind]);
	if (!o->file || !o->buf || !o->iterations)
		return fail("--file, --buf and --iterations are required (see --help)", NULL);
	return 0;
}

/* Reads [0, len) of the file into memory with pread on its own descriptor:
 * the reference every read is checked against. */
static unsigned char *load_reference(const char *path, uint64_t len)
{
	unsigned char *ref = malloc(len ? len : 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (!ref || fd < 0)
		goto err;
	for (uint64_t done = 0; done < len;) {
		ssize_t r = pread(fd, ref + done, len - done, (off_t)done);

		if (r <= 0)
			goto err;
		done += (uint64_t)r;
	}
	close(fd);
	return ref;
err:
	if (fd >= 0)
		close(fd);
	free(ref);
	return NULL;
}

static int handshake(const struct opts *o)
{
	char c = 'R';

	if (o->sync_w < 0)
		return 0;
	if (write(o->sync_w, &c, 1) != 1 || read(o->sync_r, &c, 1) != 1 || c != 'G')
		return -1;
	close(o->sync_r);
	close(o->sync_w);
	return 0;
}

static void print_csv(const struct read_record *r, uint64_t n)
{
	printf("iter,offset,req,ret,errno,lat_ns,t_start_ns,t_end_ns,bytes_match,copied_bytes,user_count,user_sum,user_min,user_max,minflt,majflt,user_fr_ns\n");
	for (uint64_t i = 0; i < n; i++, r++) {
		printf("%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64
		       ",%d,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64,
		       r->iter, r->offset, r->req, r->ret, r->err, r->t1 - r->t0, r->t0, r->t1,
		       !!(r->flags & REC_BYTES_MATCH), r->copied_bytes, r->user.count, r->user.sum,
		       r->user.min, r->user.max);
		if (r->flags & REC_FAULTS)
			printf(",%" PRIu64 ",%" PRIu64, r->minflt, r->majflt);
		else
			printf(",,");
		printf(",%" PRIu64 "\n", r->user_ns);
	}
}

static int write_records(const char *path, const struct read_record *r, uint64_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (n && fwrite(r, sizeof(*r), n, f) != n) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct stat st;
	int rc = parse_opts(argc, argv, &o), fd;

	if (rc)
		return rc;
	fd = open(o.file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return fail(strerror(errno), o.file);
	if (!S_ISREG(st.st_mode))
		return fail("not a regular file", o.file);

	uint64_t fsize = (uint64_t)st.st_size;
	/* Bytes any read may touch (the reposition mode knows). */
	uint64_t span = o.repo->span(o.buf, o.iterations, fsize);
	unsigned char *ref = load_reference(o.file, span);
	/* A batch of reads is laid out (offsets, expected bytes, pre-filled
	 * buffers), then read back to back, then checked: the time between two
	 * reads is part of what the next one costs (on this busy 2-core host a
	 * 1 us pause made a cached 4 KiB read 10 % slower, 3 us 30 %), so the
	 * work between two reads of a batch is only what must be there (reopen,
	 * lseek, the cache method). The first read of a batch still follows the
	 * check and layout (about 2 us for 4 KiB reads) and is 30-50 % slower
	 * than the others (medians by position within a batch); with batches of
	 * 4 reads that was every fourth read, enough to lift the median by a few
	 * percent. So a batch is as many buffers as fit in 64 KiB (16 of 4 KiB),
	 * at most 16; one read each from 64 KiB up. Checking each read right
	 * after it instead, in one buffer, was slower still: about 5 % on the
	 * median 4 KiB read, against a loop of bare reads, all of it the pre-fill
	 * and check between reads. The buffers are page-aligned, a whole number
	 * of pages each: what O_DIRECT asks. */
	size_t stride = (o.buf + 4095) / 4096 * 4096;
	uint64_t batch = 65536 / stride ? 65536 / stride : 1;
	unsigned char *bufs = NULL;
	/* touched now (not calloc's lazily mapped zero pages): the page faults
	 * of writing the records would otherwise fall between two reads */
	struct read_record *recs = malloc(o.iterations * sizeof(*recs));

	if (batch > MAX_BATCH)
		batch = MAX_BATCH;
	if (posix_memalign((void **)&bufs, 4096, stride * batch))
		bufs = NULL;
	if (!ref || !bufs || !recs)
		return fail("cannot load the reference bytes (out of memory?)", o.file);
	memset(recs, 0, o.iterations * sizeof(*recs));
	if ((rc = prepare(&o, fd)) || (rc = probe_read(&o, fd, bufs)))
		return rc;
	if ((rc = o.cache->before_run(fd)))
		return fail(strerror(-rc), o.cache->name);
	if (handshake(&o))
		return fail("lost the handshake with the loader", NULL);

	uint64_t end = 0; /* where the last read ended */
	uint64_t delay = test_delay_ns(); /* test only: 0 */
	/* What the reads of a batch write: a few hundred bytes that stay in L1,
	 * copied into the records (about 150 bytes a read, 3 MB for 20,000
	 * reads) when the batch is checked; stores into lines of the records
	 * that are not cached would be pending when the next read starts. */
	struct lap {
		uint64_t offset, t0, t1;
		int64_t ret;
		int err;
	} laps[MAX_BATCH];
	for (uint64_t first = 0; first < o.iterations; first += batch) {
		uint64_t n = o.iterations - first < batch ? o.iterations - first : batch;

		/* lay out: where each read starts, what it must deliver */
		for (uint64_t j = 0; j < n; j++) {
			struct read_record *r = &recs[first + j];
			uint64_t off = o.repo->offset(end, fsize);

			r->iter = first + j;
			r->offset = off;
			r->req = o.buf;
			r->expect_len = fsize - off < o.buf ? fsize - off : o.buf;
			read_prefill(bufs + j * stride, o.buf, ref + off, r->expect_len);
			laps[j].offset = off;
			end = off + (r->expect_len ? r->expect_len : 1);
		}
		/* read */
		for (uint64_t j = 0; j < n; j++) {
			struct lap *l = &laps[j];
			uint64_t minflt = 0, majflt = 0;

			/* pacing (untimed): the same reads spread over a longer time since
			 * the hook attached; it also changes what a read costs (see the
			 * batch comment above), so compare latencies only at one pace */
			if (first + j)
				pause_us(o.interval_us);
			if (o.repo->before && (rc = o.repo->before(&fd, o.file)))
				return fail(strerror(-rc), o.file);
			/* every time: reopen may give a new fd the same number */
			if ((rc = prepare(&o, fd)))
				return rc;
			if (!o.access->at_offset && lseek(fd, (off_t)l->offset, SEEK_SET) < 0)
				return fail(strerror(errno), "lseek");
			if ((rc = o.cache->before_read(fd)))
				return fail(strerror(-rc), o.cache->name);
			if (!o.access->syscall)
				faults(&minflt, &majflt);
			warm_buffer(bufs + j * stride, o.buf);
			l->t0 = (uint64_t)cob_now_ns();
			ssize_t got = o.access->read(fd, bufs + j * stride, o.buf, (off_t)l->offset, fsize);
			test_delay(delay);
			l->t1 = (uint64_t)cob_now_ns();

			l->ret = got;
			l->err = got < 0 ? errno : 0;
			if (!o.access->syscall) {
				struct read_record *r = &recs[first + j];

				faults(&r->minflt, &r->majflt);
				r->minflt -= minflt;
				r->majflt -= majflt;
			}
		}
		/* check */
		for (uint64_t j = 0; j < n; j++) {
			struct read_record *r = &recs[first + j];

			r->t0 = laps[j].t0;
			r->t1 = laps[j].t1;
			r->ret = laps[j].ret;
			r->err = laps[j].err;
			read_check(r, bufs + j * stride, ref + r->offset);
			if (!o.access->syscall)
				r->flags |= REC_NO_SYSCALL | REC_FAULTS;
		}
	}
	/* The reference result of each read, from the same bytes, after all
	 * reads (it is pure computation, and would lengthen the pauses); its
	 * time is what filtering the read in user space costs (E15). */
	for (uint64_t i = 0; i < o.iterations; i++) {
		uint64_t t = (uint64_t)cob_now_ns();

		recs[i].user = fr_compute(ref + recs[i].offset, recs[i].expect_len, o.threshold);
		recs[i].user_ns = (uint64_t)cob_now_ns() - t;
	}
	close(fd);
	if (o.records) {
		if (write_records(o.records, recs, o.iterations))
			return fail(strerror(errno), o.records);
	} else {
		print_csv(recs, o.iterations);
	}
	free(recs);
	free(bufs);
	free(ref);
	return 0;
}
