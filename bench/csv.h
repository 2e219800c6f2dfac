/* CSV (RFC 4180: comma separated, fields with , " CR LF or edge spaces are
 * double-quoted, "" inside quotes is a quote).
 *
 * The writer is atomic: it writes PATH.tmp and renames it to PATH on commit,
 * so PATH is either absent/old or complete. The reader takes the first line
 * as the header and finds columns by name. */
#ifndef COB_CSV_H
#define COB_CSV_H
#include <stddef.h>
#include <stdio.h>

struct cob_csvw;

/* Create PATH.tmp and write the header row. NULL on error (errno set). */
struct cob_csvw *cob_csvw_open(const char *path, const char *const *cols, size_t ncols);
/* One row of exactly ncols fields (NULL = empty). -1 on error (errno;
 * EINVAL for a wrong field count). */
int cob_csvw_row(struct cob_csvw *w, const char *const *fields, size_t n);
size_t cob_csvw_ncols(const struct cob_csvw *w);
size_t cob_csvw_rows(const struct cob_csvw *w);
/* Flush, fsync, rename PATH.tmp -> PATH; frees w. On error the tmp file is
 * removed, errno set, -1 returned. */
int cob_csvw_commit(struct cob_csvw *w);
/* Drop PATH.tmp; frees w. NULL is fine. */
void cob_csvw_abort(struct cob_csvw *w);
/* Close, keeping PATH.tmp as it is (flushed, not committed); frees w. NULL is
 * fine. For a writer whose rows are to be continued later (cob_csvw_append). */
void cob_csvw_close(struct cob_csvw *w);
/* Continue PATH.tmp, which holds a header of ncols fields and `rows` rows:
 * new rows are appended. NULL on error (errno set; ENOENT: no PATH.tmp). */
struct cob_csvw *cob_csvw_append(const char *path, size_t ncols, size_t rows);
/* Flush and fdatasync PATH.tmp; *size (if not NULL) gets its length in bytes,
 * every row so far complete. -1 on error (errno). */
int cob_csvw_sync(struct cob_csvw *w, long long *size);

/* Shared by the writers of other files: flush + fsync + close F (open on
 * TMP), then rename TMP -> PATH. On any error TMP is removed and -1 returned
 * with errno set. */
int cob_file_commit(FILE *f, const char *tmp, const char *path);

struct cob_csvr;

/* Open PATH and read its header. NULL on error with errno set (EBADMSG:
 * empty file, malformed or duplicate header names). */
struct cob_csvr *cob_csvr_open(const char *path);
size_t cob_csvr_ncols(const struct cob_csvr *r);
const char *cob_csvr_name(const struct cob_csvr *r, size_t i);
/* Column index of NAME, or -1. */
int cob_csvr_col(const struct cob_csvr *r, const char *name);
/* Next row: 1, 0 at the end, -1 on error (errno EBADMSG for a malformed row
 * or one whose field count differs from the header's; see cob_csvr_error). */
int cob_csvr_next(struct cob_csvr *r);
/* Field i of the current row ("" when i is out of range). */
const char *cob_csvr_get(const struct cob_csvr *r, size_t i);
/* All fields of the current row (ncols of them). */
const char *const *cob_csvr_row(const struct cob_csvr *r);
/* Field NAME of the current row, or NULL when there is no such column. */
const char *cob_csvr_field(const struct cob_csvr *r, const char *name);
/* Line where the current row starts. */
size_t cob_csvr_line(const struct cob_csvr *r);
/* Reason of the last error ("" if none). */
const char *cob_csvr_error(const struct cob_csvr *r);
void cob_csvr_close(struct cob_csvr *r);

#endif
