#include "csv.h"
#include "grow.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- writer ---- */

struct cob_csvw {
	FILE *f;
	char *path, *tmp;
	size_t ncols, rows;
};

int cob_file_commit(FILE *f, const char *tmp, const char *path)
{
	int err = 0;

	if (fflush(f) || ferror(f))
		err = errno ? errno : EIO;
	if (!err && fsync(fileno(f)))
		err = errno;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err) {
		unlink(tmp);
		errno = err;
		return -1;
	}
	return 0;
}

static int needs_quotes(const char *s, size_t ncols)
{
	if (!*s)
		return ncols == 1; /* keep an empty single-column row apart from a blank line */
	if (s[0] == ' ' || s[0] == '\t' || s[strlen(s) - 1] == ' ' || s[strlen(s) - 1] == '\t')
		return 1;
	return strpbrk(s, ",\"\r\n") != NULL;
}

static int put_fields(struct cob_csvw *w, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";

		if (i && putc(',', w->f) == EOF)
			return -1;
		if (!needs_quotes(s, w->ncols)) {
			if (fputs(s, w->f) == EOF)
				return -1;
			continue;
		}
		if (putc('"', w->f) == EOF)
			return -1;
		for (; *s; s++)
			if ((*s == '"' && putc('"', w->f) == EOF) || putc(*s, w->f) == EOF)
				return -1;
		if (putc('"', w->f) == EOF)
			return -1;
	}
	return putc('\n', w->f) == EOF ? -1 : 0;
}

/* A writer of path (through path.tmp) opened with fopen mode, positioned at
 * its end; NULL with errno on failure. */
static struct cob_csvw *csvw_new(const char *path, size_t ncols, size_t rows, const char *mode)
{
	struct cob_csvw *w;
	int err;

	if (!ncols) {
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->ncols = ncols;
	w->rows = rows;
	w->path = strdup(path);
	if (w->path && asprintf(&w->tmp, "%s.tmp", path) < 0)
		w->tmp = NULL;
	if (w->path && w->tmp && (w->f = fopen(w->tmp, mode)) && !fseeko(w->f, 0, SEEK_END))
		return w;
	err = errno;
	if (w->f)
		fclose(w->f);
	free(w->path);
	free(w->tmp);
	free(w);
	errno = err;
	return NULL;
}

struct cob_csvw *cob_csvw_open(const char *path, const char *const *cols, size_t ncols)
{
	struct cob_csvw *w = csvw_new(path, ncols, 0, "w");

	if (w && put_fields(w, cols, ncols)) {
		int err = errno;

		cob_csvw_abort(w);
		errno = err;
		return NULL;
	}
	return w;
}

int cob_csvw_row(struct cob_csvw *w, const char *const *fields, size_t n)
{
	if (n != w->ncols) {
		errno = EINVAL;
		return -1;
	}
	if (put_fields(w, fields, n))
		return -1;
	w->rows++;
	return 0;
}

size_t cob_csvw_ncols(const struct cob_csvw *w)
{
	return w->ncols;
}

size_t cob_csvw_rows(const struct cob_csvw *w)
{
	return w->rows;
}

int cob_csvw_commit(struct cob_csvw *w)
{
	int rc = cob_file_commit(w->f, w->tmp, w->path);
	int err = errno;

	free(w->path);
	free(w->tmp);
	free(w);
	errno = err;
	return rc;
}

/* close, and the temporary file goes too */
void cob_csvw_abort(struct cob_csvw *w)
{
	if (!w)
		return;
	if (w->f)
		fclose(w->f);
	w->f = NULL;
	unlink(w->tmp);
	cob_csvw_close(w);
}

void cob_csvw_close(struct cob_csvw *w)
{
	if (!w)
		return;
	if (w->f)
		fclose(w->f);
	free(w->path);
	free(w->tmp);
	free(w);
}

struct cob_csvw *cob_csvw_append(const char *path, size_t ncols, size_t rows)
{
	return csvw_new(path, ncols, rows, "r+");
}

int cob_csvw_sync(struct cob_csvw *w, long long *size)
{
	off_t at;

	if (fflush(w->f) || ferror(w->f) || fdatasync(fileno(w->f)))
		return -1;
	at = ftello(w->f);
	if (at < 0)
		return -1;
	if (size)
		*size = (long long)at;
	return 0;
}

/* ---- reader ---- */

struct cob_csvr {
	FILE *f;
	char *buf;     /* fields of the current record, each NUL-terminated */
	size_t len, cap;
	size_t *off;   /* field starts in buf */
	size_t nf, offcap;
	char **hdr;
	size_t ncols;
	const char **row;
	size_t line;     /* lines consumed */
	size_t rec_line; /* first line of the current record */
	char err[160];
};

static int setf(struct cob_csvr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int setf(struct cob_csvr *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	errno = EBADMSG;
	return -1;
}

static int put(struct cob_csvr *r, char c)
{
	char *b = cob_grow(r->buf, &r->cap, r->len, 1, 256);

	if (!b)
		return -1;
	r->buf = b;
	r->buf[r->len++] = c;
	return 0;
}

static int new_field(struct cob_csvr *r)
{
	size_t *o = cob_grow(r->off, &r->offcap, r->nf, sizeof(*o), 32);

	if (!o)
		return -1;
	r->off = o;
	r->off[r->nf++] = r->len;
	return 0;
}

/* One record into buf/off. 1, 0 at EOF, -1 on error. Blank lines are skipped. */
static int read_record(struct cob_csvr *r)
{
	int c, quoted, closed, any;

again:
	r->len = r->nf = 0;
	quoted = closed = any = 0;
	r->rec_line = r->line + 1;
	if (new_field(r))
		return -1;
	for (;;) {
		c = getc(r->f);
		if (c == EOF) {
			if (ferror(r->f))
				return setf(r, "line %zu: read error", r->line + 1);
			if (quoted && !closed)
				return setf(r, "line %zu: unterminated quoted field", r->rec_line);
			if (!any && r->len == 0 && r->nf == 1)
				return 0;
			r->line++;
			break;
		}
		any = 1;
		if (quoted && !closed) {
			if (c == '"') {
				int d = getc(r->f);

				if (d == '"') {
					if (put(r, '"'))
						return -1;
					continue;
				}
				if (d != EOF)
					ungetc(d, r->f);
				closed = 1;
				continue;
			}
			if (c == '\n')
				r->line++;
			if (put(r, (char)c))
				return -1;
			continue;
		}
		if (c == '\r') {
			int d = getc(r->f);

			if (d == '\n')
				c = '\n';
			else if (d != EOF)
				ungetc(d, r->f);
		}
		if (c == ',' || c == '\n') {
			if (put(r, '\0'))
				return -1;
			if (c == '\n') {
				r->line++;
				break;
			}
			if (new_field(r))
				return -1;
			quoted = closed = 0;
			continue;
		}
		if (closed)
			return setf(r, "line %zu: text after a closing quote", r->line + 1);
		if (c == '"' && r->len == r->off[r->nf - 1]) {
			quoted = 1;
			continue;
		}
		if (put(r, (char)c))
			return -1;
	}
	if (c == EOF && put(r, '\0'))
		return -1;
	/* a blank line: one empty, unquoted field */
	if (r->nf == 1 && r->buf[0] == '\0' && !quoted) {
		if (c == EOF)
			return 0;
		goto again;
	}
	return 1;
}

struct cob_csvr *cob_csvr_open(const char *path)
{
	struct cob_csvr *r = calloc(1, sizeof(*r));
	int rc, err;

	if (!r)
		return NULL;
	r->f = fopen(path, "r");
	if (!r->f)
		goto fail;
	rc = read_record(r);
	if (rc <= 0) {
		if (rc == 0)
			setf(r, "empty file (no header)");
		goto fail;
	}
	r->ncols = r->nf;
	r->hdr = calloc(r->ncols, sizeof(*r->hdr));
	r->row = calloc(r->ncols, sizeof(*r->row));
	if (!r->hdr || !r->row)
		goto fail;
	for (size_t i = 0; i < r->ncols; i++) {
		const char *name = r->buf + r->off[i];

		if (!*name) {
			setf(r, "header: column %zu has no name", i + 1);
			goto fail;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(r->hdr[j], name)) {
				setf(r, "header: duplicate column '%s'", name);
				goto fail;
			}
		r->hdr[i] = strdup(name);
		if (!r->hdr[i])
			goto fail;
		r->row[i] = "";
	}
	return r;
fail:
	err = errno;
	cob_csvr_close(r);
	errno = err;
	return NULL;
}

size_t cob_csvr_ncols(const struct cob_csvr *r)
{
	return r->ncols;
}

const char *cob_csvr_name(const struct cob_csvr *r, size_t i)
{
	return i < r->ncols ? r->hdr[i] : NULL;
}

int cob_csvr_col(const struct cob_csvr *r, const char *name)
{
	for (size_t i = 0; i < r->ncols; i++)
		if (!strcmp(r->hdr[i], name))
			return (int)i;
	return -1;
}

int cob_csvr_next(struct cob_csvr *r)
{
	int rc = read_record(r);

	for (size_t i = 0; i < r->ncols; i++)
		r->row[i] = "";
	if (rc <= 0)
		return rc;
	if (r->nf != r->ncols)
		return setf(r, "line %zu: %zu fields, the header has %zu", r->rec_line, r->nf, r->ncols);
	for (size_t i = 0; i < r->ncols; i++)
		r->row[i] = r->buf + r->off[i];
	return 1;
}

const char *cob_csvr_get(const struct cob_csvr *r, size_t i)
{
	return i < r->ncols ? r->row[i] : "";
}

const char *const *cob_csvr_row(const struct cob_csvr *r)
{
	return r->row;
}

const char *cob_csvr_field(const struct cob_csvr *r, const char *name)
{
	int i = cob_csvr_col(r, name);

	return i < 0 ? NULL : r->row[i];
}

size_t cob_csvr_line(const struct cob_csvr *r)
{
	return r->rec_line;
}

const char *cob_csvr_error(const struct cob_csvr *r)
{
	return r->err;
}

void cob_csvr_close(struct cob_csvr *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	for (size_t i = 0; r->hdr && i < r->ncols; i++)
		free(r->hdr[i]);
	free(r->hdr);
	free(r->row);
	free(r->buf);
	free(r->off);
	free(r);
}
