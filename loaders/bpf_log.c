/* The one capture of libbpf's messages. See bpf_log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "bpf_log.h"

#define MAX_DEPTH 8

/* Every open capture appends to one buffer; capture i owns buf[base[i]..len). */
static char buf[16384];
static size_t len;
static size_t base[MAX_DEPTH];
static int depth;
static libbpf_print_fn_t saved_print;
static char reason[256];

static bool verbose(void)
{
	const char *v = getenv("COB_BPF_VERBOSE");

	return v && *v && strcmp(v, "0");
}

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (verbose()) {
		va_list copy;

		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	}
	if (!depth || level == LIBBPF_DEBUG || len >= sizeof(buf) - 1)
		return 0;
	n = vsnprintf(buf + len, sizeof(buf) - len, fmt, ap);
	if (n > 0)
		len += (size_t)n < sizeof(buf) - 1 - len ? (size_t)n : sizeof(buf) - 1 - len;
	return 0;
}

/* Where the current capture starts in buf. */
static const char *current(void)
{
	return buf + (depth ? base[depth > MAX_DEPTH ? MAX_DEPTH - 1 : depth - 1] : len);
}

void bpf_log_begin(void)
{
	if (!depth)
		saved_print = libbpf_set_print(capture_print);
	if (depth < MAX_DEPTH) /* deeper ones share the innermost capture */
		base[depth] = len;
	depth++;
}

void bpf_log_end(void)
{
	if (!depth)
		return;
	if (--depth < MAX_DEPTH)
		len = base[depth];
	buf[len] = '\0';
	if (!depth)
		libbpf_set_print(saved_print);
}

void bpf_log_reset(void)
{
	if (!depth)
		return;
	len = (size_t)(current() - buf);
	buf[len] = '\0';
}

void bpf_log_capture(bool on)
{
	if (on) {
		bpf_log_begin();
		return;
	}
	bpf_log_end();
	if (!depth)
		libbpf_set_print(capture_print);
}

const char *bpf_log_reason(void)
{
	const char *p = current();

	p += strspn(p, "\n");
	snprintf(reason, sizeof(reason), "%.*s", (int)strcspn(p, "\n"), p);
	return reason;
}

static void trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* Copy line [b, e) into out, dropping "libbpf: " and "prog 'x': " prefixes. */
static void copy_line(char *out, size_t size, const char *b, const char *e)
{
	size_t n;

	if (!strncmp(b, "libbpf: ", 8))
		b += 8;
	if (!strncmp(b, "prog '", 6)) {
		const char *q = strstr(b, "': ");

		if (q && q < e)
			b = q + 3;
	}
	n = (size_t)(e - b);
	if (n >= size)
		n = size - 1;
	memcpy(out, b, n);
	out[n] = '\0';
	trim(out);
}

static bool boring_verifier_line(const char *b, const char *e)
{
	static const char *const skip[] = { "processed ", "verification time", "stack depth",
					    "-- END", "-- BEGIN", "; ", NULL };
	if (b == e)
		return true;
	for (int i = 0; skip[i]; i++)
		if (!strncmp(b, skip[i], strlen(skip[i])))
			return true;
	return false;
}

void bpf_log_summary(char *out, size_t size)
{
	const char *log = current();
	const char *b = strstr(log, "-- BEGIN PROG LOAD LOG --");
	const char *p, *nl;

	out[0] = '\0';
	if (b) {
		const char *end = strstr(b, "-- END PROG LOAD LOG --");

		if (!end)
			end = buf + len;
		p = strchr(b, '\n');
		for (p = p ? p + 1 : end; p < end; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl)
				nl = end;
			if (!boring_verifier_line(p, nl))
				copy_line(out, size, p, nl);
		}
		if (out[0])
			return;
	}
	for (p = log; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		if (memmem(p, (size_t)(nl - p), "fail", 4) || memmem(p, (size_t)(nl - p), "rror", 4) ||
		    memmem(p, (size_t)(nl - p), "not ", 4) || memmem(p, (size_t)(nl - p), "unknown", 7)) {
			copy_line(out, size, p, nl);
			return;
		}
		if (!*nl)
			break;
	}
}
