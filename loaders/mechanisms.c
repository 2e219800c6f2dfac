/* The hook mechanisms' names: see mechanisms.h. */
#include "mechanisms.h"

#include <string.h>

const char *const cob_mech_names[COB_NMECHS] = {
	[COB_MECH_TP] = "tp",         [COB_MECH_RAW_TP] = "raw_tp", [COB_MECH_KPROBE] = "kprobe",
	[COB_MECH_FENTRY] = "fentry", [COB_MECH_FEXIT] = "fexit",   [COB_MECH_FMOD_RET] = "fmod_ret",
};

int cob_mech_find(const char *name)
{
	for (int i = 0; i < COB_NMECHS; i++)
		if (!strcmp(cob_mech_names[i], name))
			return i;
	return -1;
}
