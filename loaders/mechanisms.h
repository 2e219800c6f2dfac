/* The hook mechanisms whose bare cost `bench trigger` measures (one row
 * each in trigger.csv, named so) and that the overhead report adds up per
 * read (a backend's per_read names them): the one list of their names. */
#ifndef COB_MECHANISMS_H
#define COB_MECHANISMS_H

enum cob_mech {
	COB_MECH_TP,       /* syscall tracepoint */
	COB_MECH_RAW_TP,   /* raw tracepoint */
	COB_MECH_KPROBE,
	COB_MECH_FENTRY,
	COB_MECH_FEXIT,
	COB_MECH_FMOD_RET,
	COB_NMECHS
};

extern const char *const cob_mech_names[COB_NMECHS];

/* The mechanism called NAME, or -1. */
int cob_mech_find(const char *name);

#endif
