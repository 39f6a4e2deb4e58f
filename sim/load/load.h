/* load.h - reads a scenario file (scenario-format.md sections 1-3, 6-8) into a
 * validated cs_program plus the expectations, kept as JSON.
 *
 * Everything a file can get wrong is reported before anything runs, as one
 * cs_load_error: the file, the 1-based line and column of the offending value
 * (of the offending key for unknown keys; of the statement for problems with
 * names, references and where a statement may appear, as the reference oracle
 * does), and a message.  Columns count characters as Jansson does.  Printed:
 *
 *     PATH:LINE:COL: error: MESSAGE
 *     PATH: error: MESSAGE                  (line 0: the file could not be read)
 *
 * Limits (a hostile file must fail cleanly, not exhaust the machine):
 * files up to CS_LOAD_MAX_FILE bytes, nesting up to Jansson's 2048 levels,
 * start_soon `count` up to CS_LOAD_MAX_COUNT, `repeat` up to INT64_MAX.
 *
 * Resolved references in the program (program.h): a limiter reference to
 * "default", or a to_thread without `limiter`, is the index of a declared
 * "default" limiter when the file declares one, else -1 (the built-in default
 * limiter with 40 tokens).
 */
#ifndef CS_LOAD_H
#define CS_LOAD_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "program.h"

#define CS_LOAD_MAX_FILE (64u * 1024u * 1024u)
#define CS_LOAD_MAX_COUNT 10000000
/* Data flow (flow.h): values in one `args`/`print`/`params` list, `not`s
 * nested in one condition, named values in one function. */
#define CS_LOAD_MAX_ARGS 255
#define CS_LOAD_MAX_NOT 64
#define CS_LOAD_MAX_NAMES 4096

typedef struct cs_load_error {
    char path[1024];
    uint32_t line, col; /* 1-based; line 0 = no position (unreadable file) */
    char message[512];
} cs_load_error;

typedef struct cs_scenario {
    cs_program *program;       /* owned */
    json_t *expect;            /* owned references, NULL when absent */
    json_t *expect_by_backend; /* object: backend name -> expectations */
    json_t *expect_any;        /* array of expectation objects */
    json_t *always;
} cs_scenario;

/* The name standard input goes by in errors and as the scenario's path. */
#define CS_LOAD_STDIN "<stdin>"

/* Loads the scenario at `path` ("-": standard input, named CS_LOAD_STDIN).  Returns 0 and a new scenario in *out (free it
 * with cs_scenario_free), or -1 with *err filled and *out NULL. */
int cs_load_file(const char *path, cs_scenario **out, cs_load_error *err);

/* As cs_load_file, for `len` bytes of `text` (need not be NUL-terminated);
 * `path` names the file in errors and gives the default scenario name. */
int cs_load_buffer(const char *path, const char *text, size_t len, cs_scenario **out, cs_load_error *err);

void cs_scenario_free(cs_scenario *sc);

/* Writes "PATH:LINE:COL: error: MESSAGE\n" (or "PATH: error: MESSAGE\n"). */
void cs_load_error_print(const cs_load_error *err, FILE *f);

#endif
