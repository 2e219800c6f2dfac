#include "join.h"

void join_events(const struct read_record *recs, size_t nrec, const struct cob_event *evs,
		 size_t nev, const struct cob_event **out)
{
	size_t j = 0;

	for (size_t i = 0; i < nrec; i++) {
		out[i] = NULL;
		if (recs[i].flags & REC_NO_SYSCALL)
			continue; /* nothing a backend hooks: an event in its interval is not its */
		while (j < nev && evs[j].enter_ts < recs[i].t0)
			j++;
		if (j < nev && evs[j].enter_ts <= recs[i].t1)
			out[i] = &evs[j++];
	}
}

const char *read_status_name(enum read_status s)
{
	static const char *const names[] = { "ok", "copied", "bad_ret", "no_hook", "no_syscall" };

	return names[s];
}

static int fr_same(const struct cob_fr *b, const struct fr_result *u)
{
	return b->count == u->count && b->sum == u->sum && b->min == u->min && b->max == u->max;
}

enum read_status classify_read(const struct read_record *r, const struct cob_event *e, int function,
			       int mode, int64_t expect_ret, int *match)
{
	*match = 0;
	/* no read syscall: no backend saw it, in either mode, so the bytes must
	 * be the file's; no_syscall says they were and that nothing hooked it */
	if (r->flags & REC_NO_SYSCALL)
		return r->ret >= 0 && (uint64_t)r->ret == r->expect_len && (r->flags & REC_BYTES_MATCH)
			       ? RS_NO_SYSCALL
			       : RS_BAD_RET;
	if (!e)
		return RS_NO_HOOK;
	*match = function == COB_FN_NULL ? 1 : ((e->flags & COB_EV_COMPUTED) || !r->expect_len) && fr_same(&e->fr, &r->user);
	if (mode == COB_MODE_OBSERVE) {
		/* observe: the read must deliver exactly the file bytes */
		if (r->ret < 0 || (uint64_t)r->ret != r->expect_len || !(r->flags & REC_BYTES_MATCH))
			return RS_BAD_RET;
		return RS_OK;
	}
	/* override: no file byte may reach the buffer, read() returns what the
	 * contract says, and a result in the buffer is the one the hook computed */
	if (r->flags & REC_COPIED)
		return RS_COPIED;
	if (r->ret != expect_ret)
		return RS_BAD_RET;
	if (r->req >= sizeof(struct cob_override_result) && !(r->flags & REC_RESULT_BUF))
		return RS_BAD_RET;
	if ((r->flags & REC_RESULT_BUF) && !fr_same(&e->fr, &r->inbuf))
		return RS_BAD_RET;
	return RS_OK;
}
