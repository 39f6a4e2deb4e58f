/* load_arena.h - how the loader builds a cs_program: the program's arena and
 * the builtin class table, implemented in sim/program.c (Jansson-free, part of
 * the engine library) and used only by the loader (sim/load*.c). */
#ifndef CS_LOAD_ARENA_H
#define CS_LOAD_ARENA_H

#include <stddef.h>

#include "program.h"

/* A new, zeroed program that owns an arena; cs_program_free releases both. */
cs_program *cs__program_new(void);
/* Zeroed memory owned by the program, aligned for any type. Never NULL. */
void *cs__program_alloc(cs_program *prog, size_t n);
char *cs__program_strdup(cs_program *prog, const char *s);
/* Name and base of builtin class i (0 <= i < CS_EXC_BUILTIN_COUNT). */
cs_exc_class cs__builtin_class(int32_t i);

#endif
