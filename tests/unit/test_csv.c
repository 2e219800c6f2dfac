#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "csv.h"

static char dir[64], path[128], tmp[140];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/cob-test-csv-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.csv", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
}

static void teardown(void)
{
	unlink(path);
	unlink(tmp);
	rmdir(dir);
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *p)
{
	static char buf[4096];
	FILE *f = fopen(p, "r");
	size_t n;

	cr_assert_not_null(f, "%s", p);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

TestSuite(csv, .init = setup, .fini = teardown);

Test(csv, round_trip_finds_columns_by_name)
{
	const char *cols[] = { "iter", "lat_ns", "match" };
	const char *r1[] = { "0", "1234", "1" }, *r2[] = { "1", "99", "0" };
	struct cob_csvw *w = cob_csvw_open(path, cols, 3);
	struct cob_csvr *r;

	cr_assert_not_null(w);
	cr_assert_eq(cob_csvw_row(w, r1, 3), 0);
	cr_assert_eq(cob_csvw_row(w, r2, 3), 0);
	cr_assert_eq(cob_csvw_rows(w), 2);
	cr_assert_eq(cob_csvw_commit(w), 0);
	cr_assert_str_eq(slurp(path), "iter,lat_ns,match\n0,1234,1\n1,99,0\n");

	r = cob_csvr_open(path);
	cr_assert_not_null(r);
	cr_assert_eq(cob_csvr_ncols(r), 3);
	cr_assert_eq(cob_csvr_col(r, "match"), 2);
	cr_assert_eq(cob_csvr_col(r, "lat_ns"), 1);
	cr_assert_eq(cob_csvr_col(r, "nosuch"), -1);
	cr_assert_str_eq(cob_csvr_name(r, 0), "iter");
	cr_assert_eq(cob_csvr_next(r), 1);
	cr_assert_str_eq(cob_csvr_field(r, "lat_ns"), "1234");
	cr_assert_eq(cob_csvr_line(r), 2);
	cr_assert_eq(cob_csvr_next(r), 1);
	cr_assert_str_eq(cob_csvr_get(r, 2), "0");
	cr_assert_null(cob_csvr_field(r, "nosuch"));
	cr_assert_eq(cob_csvr_next(r), 0);
	cob_csvr_close(r);
}

Test(csv, awkward_fields_are_quoted_and_come_back)
{
	const char *cols[] = { "a", "b", "c", "d", "e", "f" };
	const char *row[] = { "x,y", "say \"hi\"", "two\nlines", " lead", "", NULL };
	struct cob_csvw *w = cob_csvw_open(path, cols, 6);
	struct cob_csvr *r;

	cr_assert_eq(cob_csvw_row(w, row, 6), 0);
	cr_assert_eq(cob_csvw_commit(w), 0);
	cr_assert_str_eq(slurp(path), "a,b,c,d,e,f\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\",\" lead\",,\n");
	r = cob_csvr_open(path);
	cr_assert_eq(cob_csvr_next(r), 1);
	for (int i = 0; i < 5; i++)
		cr_assert_str_eq(cob_csvr_get(r, i), row[i], "field %d", i);
	cr_assert_str_eq(cob_csvr_get(r, 5), "");
	cr_assert_eq(cob_csvr_next(r), 0);
	cob_csvr_close(r);
}

Test(csv, nothing_appears_before_commit)
{
	const char *cols[] = { "a" }, *row[] = { "1" };
	struct cob_csvw *w;

	write_file("old\nfile\n");
	w = cob_csvw_open(path, cols, 1);
	cr_assert_eq(cob_csvw_row(w, row, 1), 0);
	cr_assert_eq(access(tmp, F_OK), 0, "rows go to PATH.tmp");
	cr_assert_str_eq(slurp(path), "old\nfile\n", "PATH is untouched until commit");
	cr_assert_eq(cob_csvw_commit(w), 0);
	cr_assert_neq(access(tmp, F_OK), 0, "the tmp file is renamed away");
	cr_assert_str_eq(slurp(path), "a\n1\n");
}

Test(csv, abort_leaves_the_old_file)
{
	const char *cols[] = { "a" }, *row[] = { "1" };
	struct cob_csvw *w;

	write_file("a\nold\n");
	w = cob_csvw_open(path, cols, 1);
	cob_csvw_row(w, row, 1);
	cob_csvw_abort(w);
	cr_assert_neq(access(tmp, F_OK), 0);
	cr_assert_str_eq(slurp(path), "a\nold\n");
	cob_csvw_abort(NULL);
}

Test(csv, wrong_field_count_is_refused)
{
	const char *cols[] = { "a", "b" }, *row[] = { "1", "2", "3" };
	struct cob_csvw *w = cob_csvw_open(path, cols, 2);

	errno = 0;
	cr_assert_eq(cob_csvw_row(w, row, 3), -1);
	cr_assert_eq(errno, EINVAL);
	cr_assert_eq(cob_csvw_row(w, row, 1), -1);
	cr_assert_eq(cob_csvw_rows(w), 0);
	cob_csvw_abort(w);
	cr_assert_null(cob_csvw_open(path, cols, 0));
}

Test(csv, ragged_rows_are_errors_with_a_line)
{
	struct cob_csvr *r;

	write_file("a,b\n1,2\n3\n");
	r = cob_csvr_open(path);
	cr_assert_eq(cob_csvr_next(r), 1);
	cr_assert_eq(cob_csvr_next(r), -1);
	cr_assert_eq(errno, EBADMSG);
	cr_assert(strstr(cob_csvr_error(r), "line 3: 1 fields, the header has 2"), "%s",
		  cob_csvr_error(r));
	cob_csvr_close(r);
}

Test(csv, bad_headers_are_refused)
{
	write_file("");
	cr_assert_null(cob_csvr_open(path));
	cr_assert_eq(errno, EBADMSG);
	write_file("a,b,a\n1,2,3\n");
	cr_assert_null(cob_csvr_open(path), "duplicate column names");
	write_file("a,,c\n");
	cr_assert_null(cob_csvr_open(path), "an unnamed column");
	unlink(path);
	cr_assert_null(cob_csvr_open(path));
	cr_assert_eq(errno, ENOENT);
}

Test(csv, crlf_blank_lines_and_no_final_newline)
{
	struct cob_csvr *r;

	write_file("a,b\r\n1,2\r\n\r\n\n3,\"4\"");
	r = cob_csvr_open(path);
	cr_assert_not_null(r);
	cr_assert_str_eq(cob_csvr_name(r, 1), "b", "no CR in the last name");
	cr_assert_eq(cob_csvr_next(r), 1);
	cr_assert_str_eq(cob_csvr_get(r, 1), "2");
	cr_assert_eq(cob_csvr_next(r), 1, "blank lines are skipped");
	cr_assert_str_eq(cob_csvr_get(r, 0), "3");
	cr_assert_str_eq(cob_csvr_get(r, 1), "4");
	cr_assert_eq(cob_csvr_line(r), 5);
	cr_assert_eq(cob_csvr_next(r), 0);
	cob_csvr_close(r);
}

Test(csv, malformed_quotes)
{
	struct cob_csvr *r;

	write_file("a\n\"open\n");
	r = cob_csvr_open(path);
	cr_assert_eq(cob_csvr_next(r), -1);
	cr_assert(strstr(cob_csvr_error(r), "unterminated"), "%s", cob_csvr_error(r));
	cob_csvr_close(r);
	write_file("a\n\"x\"y\n");
	r = cob_csvr_open(path);
	cr_assert_eq(cob_csvr_next(r), -1);
	cr_assert(strstr(cob_csvr_error(r), "after a closing quote"), "%s", cob_csvr_error(r));
	cob_csvr_close(r);
}

Test(csv, empty_single_column_rows_survive)
{
	const char *cols[] = { "only" }, *e[] = { "" }, *x[] = { "x" };
	struct cob_csvw *w = cob_csvw_open(path, cols, 1);
	struct cob_csvr *r;

	cob_csvw_row(w, e, 1);
	cob_csvw_row(w, x, 1);
	cr_assert_eq(cob_csvw_commit(w), 0);
	r = cob_csvr_open(path);
	cr_assert_eq(cob_csvr_next(r), 1);
	cr_assert_str_eq(cob_csvr_get(r, 0), "");
	cr_assert_eq(cob_csvr_next(r), 1);
	cr_assert_str_eq(cob_csvr_get(r, 0), "x");
	cr_assert_eq(cob_csvr_next(r), 0);
	cob_csvr_close(r);
}

Test(csv, commit_into_a_missing_directory_fails_cleanly)
{
	const char *cols[] = { "a" };
	char bad[200];

	snprintf(bad, sizeof(bad), "%s/nosuch/out.csv", dir);
	errno = 0;
	cr_assert_null(cob_csvw_open(bad, cols, 1));
	cr_assert_eq(errno, ENOENT);
}

Test(csv, file_commit_replaces_atomically)
{
	FILE *f;

	write_file("old");
	f = fopen(tmp, "w");
	fputs("new", f);
	cr_assert_eq(cob_file_commit(f, tmp, path), 0);
	cr_assert_str_eq(slurp(path), "new");
	cr_assert_neq(access(tmp, F_OK), 0);
}

Test(csv, sync_close_truncate_append_continues_the_rows)
{
	const char *cols[] = { "a", "b" };
	const char *r1[] = { "1", "x" }, *r2[] = { "2", "y" }, *r3[] = { "3", "z" };
	struct cob_csvw *w = cob_csvw_open(path, cols, 2);
	long long one, two;

	cr_assert_not_null(w);
	cr_assert_eq(cob_csvw_row(w, r1, 2), 0);
	cr_assert_eq(cob_csvw_sync(w, &one), 0);
	cr_assert_eq(one, (long long)strlen("a,b\n1,x\n"));
	cr_assert_eq(cob_csvw_row(w, r2, 2), 0);
	cr_assert_eq(cob_csvw_sync(w, &two), 0);
	cob_csvw_close(w); /* kept, not committed */
	cr_assert_str_eq(slurp(tmp), "a,b\n1,x\n2,y\n");
	cr_assert_eq(access(path, F_OK), -1);
	/* back to the first row's end, then continue */
	cr_assert_eq(truncate(tmp, one), 0);
	w = cob_csvw_append(path, 2, 1);
	cr_assert_not_null(w);
	cr_assert_eq(cob_csvw_rows(w), 1);
	cr_assert_eq(cob_csvw_row(w, r3, 2), 0);
	cr_assert_eq(cob_csvw_rows(w), 2);
	cr_assert_eq(cob_csvw_commit(w), 0);
	cr_assert_str_eq(slurp(path), "a,b\n1,x\n3,z\n");
	cr_assert_eq(access(tmp, F_OK), -1);
	errno = 0;
	cr_assert_null(cob_csvw_append(path, 2, 0)); /* no PATH.tmp any more */
	cr_assert_eq(errno, ENOENT);
}
