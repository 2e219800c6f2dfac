/* One registry per concept: each kind of thing a sweep can vary (storage
 * backends, file kinds, cache methods, reposition modes, access methods; hook
 * backends in loaders/backends.c) is one table of small ops entries, owned by
 * the module that implements it. The config parser, every usage text and
 * every error message take their names from that table through its choice
 * function, so a new entry is one line in one file. */
#ifndef REGISTRY_H
#define REGISTRY_H
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The i-th name of a list of choices; NULL past the end. */
typedef const char *(*cob_choice_fn)(size_t i);

/* The functions of a registry PREFIX over entries of TYPE:
 *   PREFIX_find(name)  the entry of that name, or NULL
 *   PREFIX_choice(i)   the i-th name in table order, NULL past the end
 *   PREFIX_help(i)     its one-line description, NULL past the end */
#define COB_REGISTRY_DECLARE(prefix, type)              \
	const type *prefix##_find(const char *name);    \
	const char *prefix##_choice(size_t i);          \
	const char *prefix##_help(size_t i)

/* Defines them over TABLE, an array (in this file) of TYPE, whose members
 * name and help say what the entry is called and what it does. */
#define COB_REGISTRY_DEFINE(prefix, type, table)                                         \
	const type *prefix##_find(const char *name)                                      \
	{                                                                                \
		for (size_t i = 0; i < sizeof(table) / sizeof((table)[0]); i++)         \
			if (!strcmp((table)[i].name, name))                              \
				return &(table)[i];                                      \
		return NULL;                                                             \
	}                                                                                \
	const char *prefix##_choice(size_t i)                                            \
	{                                                                                \
		return i < sizeof(table) / sizeof((table)[0]) ? (table)[i].name : NULL;  \
	}                                                                                \
	const char *prefix##_help(size_t i)                                              \
	{                                                                                \
		return i < sizeof(table) / sizeof((table)[0]) ? (table)[i].help : NULL;  \
	}

/* Is S one of the choices? */
int cob_choice_has(cob_choice_fn names, const char *s);
/* The choices joined with SEP ("a, b, c") into buf; returns buf. */
const char *cob_choice_join(cob_choice_fn names, const char *sep, char *buf, size_t len);
/* "WHAT: 'VALUE' is not one of a, b, c" into buf; returns buf. */
const char *cob_choice_error(cob_choice_fn names, const char *what, const char *value, char *buf,
			     size_t len);
/* Usage lines, one per choice: "    NAME         HELP", "(default)" after DFLT. */
void cob_choice_usage(FILE *f, cob_choice_fn names, cob_choice_fn helps, const char *dflt);

#endif
