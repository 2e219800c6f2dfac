/* cob-hook: loads a copyout hook backend, starts the read workload under it
 * and writes one CSV row per read, joining what the workload saw with what
 * the hook saw.
 *
 *   cob-hook run [options] -- cob-read --file PATH --buf N --iterations N ...
 *
 * Order of events: fork the workload (it prepares its reference bytes and
 * waits), load + attach the backend for exactly that pid and file, let the
 * workload go, collect events until it exits, detach, join, write the CSV.
 * Links are owned by this process (nothing is pinned), so they go away when
 * it exits, whatever the reason; the workload dies with us (PDEATHSIG, set
 * in the child right after fork and checked against getppid() so a parent
 * that died before the prctl is seen too). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "access.h"
#include "backend.h"
#include "grow.h"
#include "join.h"
#include "probe.h"

#define MAX_LABELS 32

struct run_opts {
	const char *backend, *csv, *where, *file, *access;
	int mode, function;
	uint64_t threshold;
	const char *label_key[MAX_LABELS], *label_val[MAX_LABELS];
	int nlabels;
	char **wl_argv;
	int wl_argc;
};

struct event_buf {
	struct cob_event *ev;
	size_t n, cap;
};

static volatile sig_atomic_t stop_signal;
static pid_t child = -1;
/* The workload's records go to a file without a name (memfd, else an
 * O_TMPFILE in /tmp, else a /tmp file unlinked at once): the workload writes
 * it through /proc/self/fd/N (inherited), we read it back through our
 * descriptor, and nothing is left anywhere however either process ends. */
static int records_fd = -1;
static char records_path[32];

static void on_signal(int sig)
{
	stop_signal = sig;
	if (child > 0)
		kill(child, SIGKILL);
}

static int fail(int code, const char *fmt, const char *arg)
{
	fprintf(stderr, "cob-hook: ");
	fprintf(stderr, fmt, arg ? arg : "");
	fputc('\n', stderr);
	return code;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: cob-hook run [options] -- WORKLOAD [ARGS...]\n"
		"       cob-hook list\n"
		"       cob-hook can [--backend NAME|auto] [--mode M] [--access M]   (exit 0 and print the backend if it attaches here)\n"
		"       cob-hook progs [PREFIX]   loaded BPF programs named PREFIX* (default cob_): 'ID NAME' lines\n"
		"Attach a copyout hook to WORKLOAD (cob-read) and write one CSV row per read.\n"
		"  --backend NAME|auto   hook backend (default auto: the first usable one in 'list' order that can\n"
		"                        do the mode, found by the same trials as cob-doctor)\n"
		"  --mode observe|override\n"
		"  --function filter-reduce|null\n"
		"  --threshold N         filter: keep numbers >= N\n"
		"  --file PATH           target file (default: the workload's --file)\n"
		"  --access M            the workload's access method (default: its --access, else read);\n"
		"                        a backend that cannot handle it in the mode is refused (exit 3)\n"
		"  --csv PATH            output (written atomically; default stdout)\n"
		"  --where host|guest-tcg|guest-kvm  provenance (default $COB_WHERE or host)\n"
		"  --label KEY=VALUE     leading provenance column (repeatable, in order)\n"
		"Exit: 0 run complete, 2 bad usage, 3 backend unavailable, 1 other failure.\n");
}

/* The names --mode and --function take, and the codes the BPF side knows. */
struct name_code {
	const char *name;
	int code;
};
static const struct name_code modes[] = { { "observe", COB_MODE_OBSERVE }, { "override", COB_MODE_OVERRIDE },
					   { NULL, 0 } };
static const struct name_code functions[] = { { "filter-reduce", COB_FN_FILTER_REDUCE },
					      { "null", COB_FN_NULL }, { NULL, 0 } };

/* *code of NAME in TABLE; -1 when it is not there. */
static int name_code(const struct name_code *table, const char *name, int *code)
{
	for (; table->name; table++)
		if (!strcmp(table->name, name)) {
			*code = table->code;
			return 0;
		}
	return -1;
}

static int parse_run(int argc, char **argv, struct run_opts *o)
{
	static const struct option lo[] = {
		{ "backend", required_argument, 0, 'b' }, { "mode", required_argument, 0, 'm' },
		{ "function", required_argument, 0, 'f' }, { "threshold", required_argument, 0, 't' },
		{ "file", required_argument, 0, 'F' },	  { "csv", required_argument, 0, 'c' },
		{ "where", required_argument, 0, 'w' },	  { "label", required_argument, 0, 'l' },
		{ "access", required_argument, 0, 'a' },  { "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c, have_threshold = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	o->backend = "auto";
	o->function = COB_FN_FILTER_REDUCE;
	o->where = getenv("COB_WHERE") ? getenv("COB_WHERE") : "host";
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (c) {
		case 'b': o->backend = optarg; break;
		case 'm':
			if (name_code(modes, optarg, &o->mode))
				return fail(2, "--mode must be observe or override: %s", optarg);
			break;
		case 'f':
			if (name_code(functions, optarg, &o->function))
				return fail(2, "--function must be filter-reduce or null: %s", optarg);
			break;
		case 't':
			errno = 0;
			o->threshold = strtoull(optarg, &end, 10);
			if (errno || *end || *optarg == '-')
				return fail(2, "bad --threshold: %s", optarg);
			have_threshold = 1;
			break;
		case 'F': o->file = optarg; break;
		case 'a': o->access = optarg; break;
		case 'c': o->csv = optarg; break;
		case 'w':
			if (strcmp(optarg, "host") && strcmp(optarg, "guest-tcg") && strcmp(optarg, "guest-kvm"))
				return fail(2, "--where must be host, guest-tcg or guest-kvm: %s", optarg);
			o->where = optarg;
			break;
		case 'l': {
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || o->nlabels == MAX_LABELS || strpbrk(optarg, ",\n\""))
				return fail(2, "--label takes KEY=VALUE without commas: %s", optarg);
			*eq = 0;
			o->label_key[o->nlabels] = optarg;
			o->label_val[o->nlabels++] = eq + 1;
			break;
		}
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return 2;
		}
	}
	if (strcmp(o->backend, "auto") && !hook_backend_find(o->backend))
		return fail(2, "unknown backend %s (see cob-hook list)", o->backend);
	if (optind >= argc)
		return fail(2, "no workload given (cob-hook run [options] -- cob-read ...)%s", NULL);
	o->wl_argv = argv + optind;
	o->wl_argc = argc - optind;
	/* The workload's own --file / --access / --threshold count unless given here. */
	for (int i = 0; i + 1 < o->wl_argc; i++) {
		if (!o->file && !strcmp(o->wl_argv[i], "--file"))
			o->file = o->wl_argv[i + 1];
		if (!o->access && !strcmp(o->wl_argv[i], "--access"))
			o->access = o->wl_argv[i + 1];
		if (!have_threshold && !strcmp(o->wl_argv[i], "--threshold"))
			o->threshold = strtoull(o->wl_argv[i + 1], NULL, 10);
	}
	if (!o->file)
		return fail(2, "no target file: give --file or the workload's --file%s", NULL);
	if (!o->access)
		o->access = "read";
	if (!access_find(o->access))
		return fail(2, "unknown access method %s", o->access);
	return 0;
}

/* Fork the workload with the handshake pipes and records path appended. */
static int start_workload(const struct run_opts *o, int *to_child, int *from_child)
{
	int down[2], up[2];
	char sync[32], thr[32];
	pid_t self = getpid();

	if (pipe(down) || pipe(up))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		char **argv = calloc((size_t)o->wl_argc + 9, sizeof(char *));
		int n = 0;

		/* die with cob-hook; if it died before the prctl, we are orphaned already */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != self)
			_exit(127);
		close(down[1]);
		close(up[0]);
		snprintf(sync, sizeof(sync), "%d,%d", down[0], up[1]);
		snprintf(thr, sizeof(thr), "%" PRIu64, o->threshold);
		for (int i = 0; i < o->wl_argc; i++)
			argv[n++] = o->wl_argv[i];
		argv[n++] = "--sync";
		argv[n++] = sync;
		argv[n++] = "--records";
		argv[n++] = records_path;
		argv[n++] = "--threshold";
		argv[n++] = thr;
		argv[n++] = "--mode";
		argv[n++] = o->mode == COB_MODE_OVERRIDE ? "override" : "observe";
		execv(argv[0], argv);
		fprintf(stderr, "cob-hook: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(down[0]);
	close(up[1]);
	*to_child = down[1];
	*from_child = up[0];
	return 0;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct event_buf *b = ctx;
	struct cob_event *ev;

	if (size < sizeof(struct cob_event))
		return 0;
	ev = cob_grow(b->ev, &b->cap, b->n, sizeof(*ev), 1024);
	if (!ev)
		return -ENOMEM;
	b->ev = ev;
	memcpy(&b->ev[b->n++], data, sizeof(struct cob_event));
	return 0;
}

static const struct hook_backend *attach_backend(const struct run_opts *o, const struct hook_cfg *cfg,
						 void **handle, int *events_fd)
{
	char reason[320];
	const char *why;
	const struct hook_backend *b;

	/* auto: exactly what cob-doctor reports for this mode (the same probes) */
	if (!strcmp(o->backend, "auto")) {
		b = cob_probe_auto(o->mode, reason, sizeof(reason));
		if (!b) {
			fprintf(stderr, "cob-hook: no usable backend: %s\n", reason);
			return NULL;
		}
	} else if (!(b = hook_backend_find(o->backend))) {
		fprintf(stderr, "cob-hook: no usable backend: unknown backend %s (see cob-hook list)\n", o->backend);
		return NULL;
	}
	if (!hook_backend_has_mode(b, o->mode)) {
		fprintf(stderr, "cob-hook: no usable backend: %s: cannot %s\n", b->name,
			o->mode == COB_MODE_OVERRIDE ? "override" : "observe");
		return NULL;
	}
	if (b->refuse_access && (why = b->refuse_access(o->access, o->mode))) {
		fprintf(stderr, "cob-hook: no usable backend: %s: cannot %s access %s: %s\n", b->name,
			o->mode == COB_MODE_OVERRIDE ? "override" : "observe", o->access, why);
		return NULL;
	}
	bpf_log_capture(true);
	*handle = b->attach(cfg, events_fd, reason, sizeof(reason));
	bpf_log_capture(false);
	if (!*handle) {
		fprintf(stderr, "cob-hook: no usable backend: %s: %s\n", b->name, reason);
		return NULL;
	}
	return b;
}

static void print_u64_or_blank(FILE *f, int have, uint64_t v)
{
	if (have)
		fprintf(f, ",%" PRIu64, v);
	else
		fputs(",", f);
}

static int write_csv(const struct run_opts *o, const struct hook_backend *b, const struct read_record *recs,
		     size_t n, const struct cob_event **evs, size_t *nmatch, size_t *nok)
{
	static const char *const mode_names[] = { "observe", "override" };
	static const char *const fn_names[] = { "null", "filter-reduce" };
	struct utsname u;
	char *tmp = NULL;
	FILE *f = stdout;

	uname(&u);
	if (o->csv) {
		if (asprintf(&tmp, "%s.tmp.%d", o->csv, getpid()) < 0 || !(f = fopen(tmp, "w")))
			return -1;
	}
	for (int i = 0; i < o->nlabels; i++)
		fprintf(f, "%s,", o->label_key[i]);
	fputs("backend,mode,function,source,kernel,where,buf_size,iterations,threshold,iter,offset,ret,lat_ns,"
	      "t_start_ns,t_end_ns,enter_ts_ns,hook_ts_ns,hook_exit_ts_ns,exit_ts_ns,calls,flags,bytes_seen,status,"
	      "bpf_count,bpf_sum,bpf_min,bpf_max,user_count,user_sum,user_min,user_max,match,minflt,majflt,"
	      "user_fr_ns,bpf_load_ns\n", f);
	int64_t oret;
	*nmatch = *nok = 0;
	for (size_t i = 0; i < n; i++) {
		const struct read_record *r = &recs[i];
		const struct cob_event *e = evs[i];
		int match, have = e != NULL, hooked = have && e->calls;

		oret = o->mode == COB_MODE_OVERRIDE ? b->override_ret(r) : r->ret;
		enum read_status st = classify_read(r, e, o->function, o->mode, oret, &match);

		*nmatch += match;
		*nok += st == RS_OK;
		for (int k = 0; k < o->nlabels; k++)
			fprintf(f, "%s,", o->label_val[k]);
		fprintf(f, "%s,%s,%s,%s,%s,%s,%" PRIu64 ",%zu,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRIu64
			   ",%" PRIu64 ",%" PRIu64,
			b->name, mode_names[o->mode], fn_names[o->function], b->source, u.release, o->where, r->req, n,
			o->threshold, r->iter, r->offset, r->ret, r->t1 - r->t0, r->t0, r->t1);
		print_u64_or_blank(f, have, have ? e->enter_ts : 0);
		print_u64_or_blank(f, hooked, hooked ? e->hook_ts : 0);
		print_u64_or_blank(f, hooked, hooked ? e->hook_exit_ts : 0);
		print_u64_or_blank(f, have, have ? e->exit_ts : 0);
		print_u64_or_blank(f, have, have ? e->calls : 0);
		if (have)
			fprintf(f, ",0x%x", e->flags);
		else
			fputs(",", f);
		print_u64_or_blank(f, have, have ? e->bytes_seen : 0);
		fprintf(f, ",%s", read_status_name(st));
		int fr = have && o->function == COB_FN_FILTER_REDUCE;
		print_u64_or_blank(f, fr, fr ? e->fr.count : 0);
		print_u64_or_blank(f, fr, fr ? e->fr.sum : 0);
		print_u64_or_blank(f, fr && e->fr.count, fr ? e->fr.min : 0);
		print_u64_or_blank(f, fr && e->fr.count, fr ? e->fr.max : 0);
		fprintf(f, ",%" PRIu64 ",%" PRIu64, r->user.count, r->user.sum);
		print_u64_or_blank(f, r->user.count != 0, r->user.min);
		print_u64_or_blank(f, r->user.count != 0, r->user.max);
		fprintf(f, ",%d", match);
		print_u64_or_blank(f, r->flags & REC_FAULTS, r->minflt);
		print_u64_or_blank(f, r->flags & REC_FAULTS, r->majflt);
		fprintf(f, ",%" PRIu64, r->user_ns);
		print_u64_or_blank(f, fr, fr ? e->load_ns : 0);
		fputc('\n', f);
	}
	if (o->csv) {
		if (fclose(f) || rename(tmp, o->csv)) {
			unlink(tmp);
			free(tmp);
			return -1;
		}
		free(tmp);
	}
	return 0;
}

/* A file for the workload's records that has no name anywhere. */
static int records_file(void)
{
	char tmpl[] = "/tmp/cob-records.XXXXXX";
	int fd = memfd_create("cob-records", 0); /* inherited by the workload */

	if (fd >= 0)
		return fd;
	fd = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	if (fd >= 0)
		return fd;
	fd = mkstemp(tmpl);
	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

static struct read_record *load_records(size_t *n)
{
	FILE *f = fdopen(dup(records_fd), "rb");
	struct read_record *r = NULL;
	long sz;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	*n = (size_t)sz / sizeof(*r);
	r = malloc(*n ? *n * sizeof(*r) : 1);
	if (r && *n && fread(r, sizeof(*r), *n, f) != *n) {
		free(r);
		r = NULL;
	}
	fclose(f);
	return r;
}

static int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct stat st;
	struct hook_cfg cfg = { 0 };
	struct event_buf evb = { 0 };
	struct ring_buffer *rb = NULL;
	const struct hook_backend *b = NULL;
	void *handle = NULL;
	int to_child, from_child, events_fd = -1, status = 0, rc;
	char c;

	if ((rc = parse_run(argc, argv, &o)))
		return rc;
	if (stat(o.file, &st))
		return fail(2, "target file: %s", strerror(errno));
	if (geteuid() != 0)
		return fail(2, "loading BPF programs needs root (CAP_BPF and CAP_PERFMON)%s", NULL);
	records_fd = records_file();
	if (records_fd < 0)
		return fail(1, "cannot create a records file: %s", strerror(errno));
	snprintf(records_path, sizeof(records_path), "/proc/self/fd/%d", records_fd);

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = 1;
	if (start_workload(&o, &to_child, &from_child)) {
		fail(1, "cannot start the workload: %s", strerror(errno));
		goto out;
	}
	/* The workload has read its reference bytes once 'R' arrives. */
	if (read(from_child, &c, 1) != 1 || c != 'R') {
		fail(1, "the workload ended before it was ready%s", NULL);
		goto out;
	}
	cfg = (struct hook_cfg){ .tgid = child, .ino = st.st_ino, .kdev = kernel_dev(st.st_dev),
				 .threshold = o.threshold, .mode = o.mode, .function = o.function };
	struct timespec a0, a1;

	clock_gettime(CLOCK_MONOTONIC, &a0);
	if (!(b = attach_backend(&o, &cfg, &handle, &events_fd))) {
		rc = 3;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &a1);
	/* When the hook was armed, on the reads' clock: a kprobe's age decides
	 * whether an override holds (E17: the optimizer converts it OPTIMIZE_DELAY
	 * or later after arming), and a monitor polling the kprobes list can
	 * see it tens of ms late in a busy TCG guest. */
	fprintf(stderr, "cob-hook: %s attached between %lld and %lld ns (CLOCK_MONOTONIC)\n", b->name,
		(long long)a0.tv_sec * 1000000000LL + a0.tv_nsec, (long long)a1.tv_sec * 1000000000LL + a1.tv_nsec);
	rb = ring_buffer__new(events_fd, on_event, &evb, NULL);
	if (!rb) {
		fail(1, "cannot open the ring buffer: %s", strerror(errno));
		goto out;
	}
	c = 'G';
	if (write(to_child, &c, 1) != 1) {
		fail(1, "the workload ended before it started%s", NULL);
		goto out;
	}
	for (;;) {
		pid_t w = waitpid(child, &status, WNOHANG);

		if (w == child || stop_signal)
			break;
		/* events come without wakeups (see read_track.bpf.h): drain on a timer */
		ring_buffer__poll(rb, 20);
		ring_buffer__consume(rb);
	}
	ring_buffer__consume(rb);
	if (stop_signal) {
		fprintf(stderr, "cob-hook: interrupted\n");
		rc = 128 + stop_signal;
		goto out;
	}
	child = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "cob-hook: workload failed (%s %d)\n",
			WIFEXITED(status) ? "exit" : "signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		rc = 1;
		goto out;
	}
	ring_buffer__free(rb);
	rb = NULL;
	b->detach(handle);
	handle = NULL;

	size_t n, nmatch, nok;
	struct read_record *recs = load_records(&n);
	const struct cob_event **joined = calloc(n ? n : 1, sizeof(*joined));

	if (!recs || !joined) {
		fail(1, "cannot read the workload's records%s", NULL);
		goto out;
	}
	join_events(recs, n, evb.ev, evb.n, joined);
	if (write_csv(&o, b, recs, n, joined, &nmatch, &nok)) {
		fail(1, "cannot write the CSV: %s", strerror(errno));
	} else {
		fprintf(stderr, "cob-hook: %s %s: %zu reads, %zu events, %zu ok, %zu match\n", b->name,
			o.mode ? "override" : "observe", n, evb.n, nok, nmatch);
		rc = 0;
	}
	free(recs);
	free(joined);
out:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	ring_buffer__free(rb);
	if (handle && b)
		b->detach(handle);
	close(records_fd);
	free(evb.ev);
	return rc;
}

/* Trial attach with a target that matches nothing (pid 0 is never a reader),
 * to tell whether a backend works on this kernel. */
static int cmd_can(int argc, char **argv)
{
	static char *dummy[] = { "true", "--file", "/proc/self/exe", NULL };
	char **args = calloc((size_t)argc + 4, sizeof(char *));
	struct run_opts o;
	struct hook_cfg cfg = { 0 };
	const struct hook_backend *b = NULL;
	void *handle;
	int events_fd, rc, n = 0;

	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	args[n++] = "--";
	for (int i = 0; dummy[i]; i++)
		args[n++] = dummy[i];
	if ((rc = parse_run(n, args, &o)))
		return rc;
	if (geteuid() != 0)
		return fail(2, "probing BPF backends needs root%s", NULL);
	cfg.mode = o.mode;
	cfg.function = o.function;
	if (!(b = attach_backend(&o, &cfg, &handle, &events_fd)))
		return 3;
	b->detach(handle);
	printf("%s\n", b->name);
	return 0;
}

/* `cob-hook progs [PREFIX]`: every loaded BPF program whose name starts with
 * PREFIX (default cob_), one 'ID NAME' line each, to check that none is left
 * where there is no bpftool (the guests). Exit 1 when the list cannot be read. */
static int cmd_progs(int argc, char **argv)
{
	const char *prefix = argc > 1 ? argv[1] : "cob_";
	__u32 id = 0;

	for (;;) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd;

		if (bpf_prog_get_next_id(id, &id)) {
			if (errno == ENOENT)
				return 0;
			return fail(1, "cannot list BPF programs: %s", strerror(errno));
		}
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue; /* gone meanwhile */
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strncmp(info.name, prefix, strlen(prefix)))
			printf("%u %s\n", id, info.name);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "can"))
		return cmd_can(argc - 1, argv + 1);
	if (!strcmp(argv[1], "progs"))
		return cmd_progs(argc - 1, argv + 1);
	if (!strcmp(argv[1], "list")) {
		for (int i = 0; hook_backends[i]; i++) {
			const struct hook_backend *b = hook_backends[i];

			printf("%-20s %s\n%-20s source: %s\n%-20s modes: %s%s%s; auto: %s; needs:", b->name, b->help, "",
			       b->source, "", b->can_observe ? "observe" : "", b->can_observe && b->can_override ? "|" : "",
			       b->can_override ? "override" : "", b->auto_pick ? "yes" : "no (by name only)");
			for (size_t k = 0; k < sizeof(b->needs) / sizeof(b->needs[0]) && b->needs[k]; k++)
				printf(" %s", b->needs[k]);
			printf("\n%-20s hooks per read:", "");
			for (size_t k = 0; k < sizeof(b->per_read) / sizeof(b->per_read[0]) && b->per_read[k]; k++)
				printf(" %s", b->per_read[k]);
			printf("%s\n", b->per_read[0] ? "" : " (nothing)");
		}
		return 0;
	}
	return fail(2, "unknown command %s (try --help)", argv[1]);
}
