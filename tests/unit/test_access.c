/* The access methods and the cache hints against a plain pread of the same
 * file: every method must deliver the same bytes and return value (short at
 * EOF, 0 past it), so the reference and byte checks of cob-read hold for all
 * of them. The file lives in /var/tmp (a disk filesystem: tmpfs can neither
 * evict pages nor, before 6.6, do O_DIRECT). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "access.h"
#include "cache.h"
#include "filter_reduce.h"

#define FSIZE (64 * 1024 + 1000) /* not a page multiple: the last read is short */

static char path[64];
static unsigned char *want;

static void make_file(void)
{
	int fd;

	strcpy(path, "/var/tmp/cob-test-access.XXXXXX");
	fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
	want = malloc(FSIZE);
	srand(42);
	for (size_t i = 0; i < FSIZE; i++)
		want[i] = (unsigned char)(i % 11 == 10 ? '\n' : '0' + rand() % 10);
	cr_assert_eq(write(fd, want, FSIZE), FSIZE);
	close(fd);
}

static void remove_file(void)
{
	unlink(path);
	free(want);
}

/* What a plain pread of the file returns for [off, off+n). */
static ssize_t plain(unsigned char *buf, size_t n, off_t off)
{
	int fd = open(path, O_RDONLY);
	ssize_t r = pread(fd, buf, n, off);

	close(fd);
	return r;
}

/* One read of the method at off (the file position there, as cob-read
 * leaves it), compared with the plain read: same return value, same bytes,
 * the same filter-reduce result, and no byte past the return value touched. */
static void same_as_plain(const struct access_ops *a, size_t n, off_t off)
{
	unsigned char *got, *ref = malloc(n + 1);
	int fd = open(path, O_RDONLY);
	ssize_t r, pr = plain(ref, n, off);

	cr_assert_geq(fd, 0);
	cr_assert_eq(posix_memalign((void **)&got, 4096, n + 4096), 0);
	memset(got, 0xAA, n + 4096);
	if (a->prepare)
		cr_assert_eq(a->prepare(fd), 0, "%s: prepare failed", a->name);
	cr_assert_eq(lseek(fd, off, SEEK_SET), off);
	r = a->read(fd, got, n, off, FSIZE);
	cr_assert_eq(r, pr, "%s: %zu bytes at %lld returned %zd, a plain read %zd", a->name, n, (long long)off, r,
		     pr);
	cr_assert_eq(memcmp(got, ref, (size_t)r), 0, "%s: bytes differ at offset %lld", a->name, (long long)off);
	/* O_DIRECT may transfer the whole request at EOF (zeros past the file's
	 * end): only the bytes past the request must stay untouched */
	size_t clean = a->prepare ? n : (size_t)r;

	for (size_t i = clean; i < n + 4096; i++)
		cr_assert_eq(got[i], 0xAA, "%s: byte %zu past the read was written", a->name, i);
	struct fr_result fg = fr_compute(got, (size_t)r, 100), fw = fr_compute(ref, (size_t)pr, 100);
	cr_assert(fg.count == fw.count && fg.sum == fw.sum);
	close(fd);
	free(got);
	free(ref);
}

TestSuite(access, .init = make_file, .fini = remove_file);

Test(access, every_method_reads_what_a_plain_read_reads)
{
	const char *name;

	for (size_t i = 0; (name = access_choice(i)); i++) {
		const struct access_ops *a = access_find(name);

		/* direct I/O takes block-aligned offsets and sizes only */
		same_as_plain(a, 4096, 0);
		same_as_plain(a, 4096, 8192);
		same_as_plain(a, 65536, 0);
		same_as_plain(a, 8192, 64 * 1024); /* short: 1000 bytes to EOF */
		same_as_plain(a, 4096, FSIZE);	   /* at EOF: 0 */
		if (strcmp(name, "direct")) {
			same_as_plain(a, 100, 4000); /* across a page boundary, unaligned */
			same_as_plain(a, 1, FSIZE - 1);
			same_as_plain(a, 3 * 4096 + 5, 4095);
		}
	}
}

Test(access, the_new_methods_are_in_the_table)
{
	const char *names[] = { "mmap-shared", "mmap-private", "direct" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert_not_null(access_find(names[i]), "%s missing", names[i]);
}

/* Only the syscall methods reach a read syscall; mmap must say it does not,
 * or its rows would claim hook results that never happened. */
Test(access, mmap_is_not_a_read_syscall)
{
	cr_assert(access_find("read")->syscall && access_find("pread")->syscall && access_find("readv")->syscall);
	cr_assert(access_find("direct")->syscall);
	cr_assert_not(access_find("mmap-shared")->syscall);
	cr_assert_not(access_find("mmap-private")->syscall);
}

Test(access, direct_really_bypasses_the_page_cache)
{
	int fd = open(path, O_RDONLY);

	cr_assert_eq(access_find("direct")->prepare(fd), 0);
	cr_assert(fcntl(fd, F_GETFL) & O_DIRECT, "direct's prepare did not set O_DIRECT");
	close(fd);
}

/* Pages of the file in the page cache (mincore over a mapping of it). */
static size_t resident(void)
{
	int fd = open(path, O_RDONLY);
	size_t pages = (FSIZE + 4095) / 4096, n = 0;
	unsigned char vec[32];
	void *m = mmap(NULL, FSIZE, PROT_READ, MAP_SHARED, fd, 0);

	cr_assert_neq(m, MAP_FAILED);
	cr_assert_eq(mincore(m, FSIZE, vec), 0);
	for (size_t i = 0; i < pages; i++)
		n += vec[i] & 1;
	munmap(m, FSIZE);
	close(fd);
	return n;
}

static void cache_before_read(const char *name)
{
	int fd = open(path, O_RDONLY);
	const struct cache_ops *c = cache_find(name);

	cr_assert_not_null(c, "%s missing", name);
	cr_assert_eq(c->before_run(fd), 0, "%s: before_run failed", name);
	cr_assert_eq(c->before_read(fd), 0, "%s: before_read failed", name);
	close(fd);
}

Test(cache, evicting_hints_leave_nothing_cached, .init = make_file, .fini = remove_file)
{
	/* (plain dontneed keeps dirty pages: the file was just written) */
	const char *names[] = { "fsync-dontneed", "fadvise-sequential", "fadvise-random" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		unsigned char b[FSIZE];

		plain(b, FSIZE, 0);
		cache_before_read(names[i]);
		cr_assert_eq(resident(), 0, "%s left pages of the file cached", names[i]);
	}
}

/* Pages of the file cached and read, waiting up to 5 s for WANT: the
 * readahead a hint starts is asynchronous, and mincore counts a page only
 * once its read has completed. */
static size_t resident_within(size_t want)
{
	size_t n = 0;

	for (int i = 0; i < 500 && (n = resident()) != want; i++)
		usleep(10000);
	return n;
}

/* The prefetching hints evict, then bring the whole file back (a file this
 * small is one readahead). */
Test(cache, prefetching_hints_bring_the_file_in, .init = make_file, .fini = remove_file)
{
	const char *names[] = { "readahead", "fadvise-willneed", "madvise-willneed" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cache_before_read("fsync-dontneed");
		cr_assert_eq(resident(), 0);
		cache_before_read(names[i]);
		cr_assert_eq(resident_within((FSIZE + 4095) / 4096), (FSIZE + 4095) / 4096,
			     "%s did not bring the file in", names[i]);
	}
}

Test(cache, the_hints_keep_the_bytes, .init = make_file, .fini = remove_file)
{
	const char *name;

	for (size_t i = 0; (name = cache_choice(i)); i++) {
		unsigned char b[FSIZE];

		if (!strcmp(name, "drop") || !strcmp(name, "drop-each"))
			continue; /* drop_caches: the whole machine's, not this file's */
		cache_before_read(name);
		cr_assert_eq(plain(b, FSIZE, 0), FSIZE);
		cr_assert_eq(memcmp(b, want, FSIZE), 0, "%s changed what the file reads as", name);
	}
}
