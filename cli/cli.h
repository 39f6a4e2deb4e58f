/* cli.h - the `cancelsim` subcommands (one file each) and their shared parsing. */
#ifndef CS_CLI_H
#define CS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "fault.h"
#include "load.h"

int cs_cmd_run(int argc, char **argv);
int cs_cmd_check(int argc, char **argv);
int cs_cmd_explore(int argc, char **argv);
int cs_cmd_inject(int argc, char **argv);
int cs_cmd_verify(int argc, char **argv);
int cs_cmd_dot(int argc, char **argv);
int cs_cmd_timeline(int argc, char **argv);
int cs_cmd_explain(int argc, char **argv);
int cs_cmd_trace(int argc, char **argv);
int cs_cmd_help(int argc, char **argv);
int cs_cmd_translate(int argc, char **argv);
int cs_cmd_compare(int argc, char **argv);

/* Which backends a command runs. */
typedef enum { CS_SEL_BOTH, CS_SEL_ASYNCIO, CS_SEL_TRIO } cs_backend_sel;

/* Parses "asyncio|trio|both"; false on anything else. */
bool cs_cli_parse_backend(const char *s, cs_backend_sel *out);
/* Parses a non-negative integer / a positive finite number; false on junk. */
bool cs_cli_parse_u64(const char *s, uint64_t *out);
bool cs_cli_parse_seconds(const char *s, double *out);
/* Parses "K/N" with 1 <= K <= N (--shard of inject and verify); false on junk. */
bool cs_cli_parse_shard(const char *v, uint64_t *k, uint64_t *n);
/* The limit options beyond --time/--step/--task-limit: --timer-limit N,
 * --trace-limit N (events), --memory-limit MIB (0 = none), --depth-limit N,
 * stored into `opt`.  Returns 0 when `o` is none of them, 1 when it took `v`,
 * 2 after printing a usage error for `cmd`. */
int cs_cli_parse_limit(const char *cmd, const char *o, const char *v, cs_run_options *opt);
/* The help text lines for those options. */
#define CS_CLI_LIMITS_HELP                                                         \
    "Limits (reaching one ends the run with {\"limit\": NAME}, section 4):\n"      \
    "  --time-limit SECONDS  virtual time (default 1e9)            \"time\"\n"     \
    "  --step-limit N        statements executed (default 2000000) \"steps\"\n"    \
    "  --task-limit N        tasks created, main included (2^20+1) \"tasks\"\n"    \
    "  --timer-limit N       live timers at once (default 4194304) \"timers\"\n"   \
    "  --trace-limit N       trace events emitted (default 1e8)    \"trace\"\n"    \
    "  --memory-limit MIB    resident memory (default: half RAM)  \"memory\"\n"    \
    "  --depth-limit N       statement nesting, calls included (default 10000);\n" \
    "                        a deeper scenario is refused before it runs (exit 2)\n"
/* Parses "c0,c1,..." (schedule choices) into a new array; false on junk. */
bool cs_cli_parse_schedule(const char *s, uint32_t **out, size_t *n);
/* Prints "cancelsim: MESSAGE" and the usage hint to stderr; returns 2. */
int cs_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The option parser of every subcommand (opts.c): getopt_long's conventions.
 * `spec` lists the options, NULL-terminated: "NAME" a flag, "NAME=?" a flag that
 * may take a value written as --NAME=VALUE (*v NULL without one), "NAME=" an option
 * with a value, "NAME|C" / "NAME|C=" one with the short form -C. */
#define CS_CLI_MAX_OPTS 32
typedef struct cs_cli_parser {
    const char *cmd;
    int argc;
    char **argv;
    size_t nopts;
    struct option longopts[CS_CLI_MAX_OPTS + 1];
    char names[CS_CLI_MAX_OPTS][24];
    char shortopts[2 * CS_CLI_MAX_OPTS + 3];
    char opt[32]; /* the current option's long name, "--NAME" */
    bool mid;     /* inside a bundle of short options */
    bool ended;   /* past `--` or the last option: the rest are operands */
} cs_cli_parser;
enum { CS_CLI_END, CS_CLI_OPTION, CS_CLI_OPERAND, CS_CLI_BAD, CS_CLI_HELP };
void cs_cli_parser_init(cs_cli_parser *p, const char *cmd, int argc, char **argv, const char *const *spec);
/* The next argument: CS_CLI_OPTION with *o its long name ("--backend", however
 * it was written) and *v its value (NULL for a flag), CS_CLI_OPERAND with *o
 * the operand, CS_CLI_END, or CS_CLI_BAD after printing a usage error (exit 2).
 * *o and *v are borrowed from argv or the parser. */
int cs_cli_next(cs_cli_parser *p, const char **o, const char **v);
/* The loop of a command that takes one FILE (*file NULL at first): takes the
 * operand into *file and answers --help itself.  Returns CS_CLI_OPTION for
 * every other option (for the caller), CS_CLI_END once the arguments are done
 * and FILE was given, CS_CLI_HELP after printing `help` to standard output
 * (exit 0), or CS_CLI_BAD after a usage error (exit 2): the parser's own,
 * "only one FILE may be given", "missing FILE". */
int cs_cli_next_for_file(cs_cli_parser *p, const char *help, const char **file, const char **o, const char **v);
/* Levenshtein distance (names up to 64 characters), and the name of `names`
 * closest to `word` when at most two edits away (a "did you mean"), or NULL. */
size_t cs_cli_edit_distance(const char *a, const char *b);
const char *cs_cli_closest(const char *word, const char *const *names, size_t n);

/* How FILE is named in error lines: "<stdin>" for "-" (the loader's name). */
const char *cs_cli_file_name(const char *file);

/* Parses "asyncio|trio" (commands that draw one run); false otherwise. */
bool cs_cli_parse_one_backend(const char *s, cs_backend *out);
/* run_once.c: loads FILE (cs_cli_load) and parses `plan_text` (a fault plan,
 * or NULL: *plan is empty) against it.  Returns 0 with a new *sc and *plan
 * (cs_plan_free), or 2 after printing why: the load error, or
 * "cancelsim CMD: FLAG: why" for the plan. */
int cs_cli_open(const char *cmd, const char *file, const char *plan_text, const char *flag, cs_scenario **sc,
                cs_plan *plan);
/* run_once.c: the backends to run under --backend `sel` (`given`: it was
 * given; else the scenario's own `backends`), asyncio first.  Returns how many. */
size_t cs_cli_backends(const cs_program *prog, cs_backend_sel sel, bool given, cs_backend out[2]);
/* run_once.c: loads FILE and runs it once into `sink` (dot, timeline,
 * explain), with the faults of `inject` (a plan, or NULL).  Returns 0, or 2
 * after printing why (bad file or plan, scenario error at run time, backend
 * not available). */
int cs_cli_run_one_sink(const char *cmd, const char *file, cs_backend backend, uint64_t seed, const char *inject,
                        cs_sink sink);

/* inject_print.c: the report of an inject sweep (drive/inject_sweep.h) as
 * text, or as JSON Lines (`truncated`: stopped at --max-plans). */
struct cs_inject_sweep;
struct cs_inject_distinct;
void cs_cli_inject_print_text(const struct cs_inject_sweep *sw, const struct cs_inject_distinct *d, size_t nd,
                              bool truncated);
void cs_cli_inject_print_json(const struct cs_inject_sweep *sw, const struct cs_inject_distinct *d, size_t nd,
                              bool truncated);

/* trace_input.c: dot, timeline and explain draw a scenario's run or a trace
 * file's (run --trace, the recorder).  FILE is a trace when its name ends in
 * ".jsonl" or its first line is a JSON object with a string "ev" (section 5);
 * "-" is always a scenario. */
bool cs_cli_is_trace(const char *file);
/* What chooses the run drawn: --backend (a trace: its first run of that
 * backend; without it the first run; a scenario: asyncio by default), --seed
 * and --inject (a scenario's only: a usage error with a trace). */
typedef struct cs_cli_source {
    cs_backend backend;
    bool backend_given, seed_given;
    uint64_t seed;
    const char *inject;
} cs_cli_source;
/* Feeds the run FILE stands for into `sink`: cs_cli_run_one_sink for a
 * scenario, the chosen run of a trace otherwise.  0, or 2 after printing why. */
int cs_cli_source_one_sink(const char *cmd, const char *file, const cs_cli_source *src, cs_sink sink);
/* The trace part alone: the first run (of `backend` when want_backend). */
int cs_cli_trace_one_sink(const char *cmd, const char *file, bool want_backend, cs_backend backend, cs_sink sink);

/* pyfront.c: whether FILE names a Python program (ends in ".py"). */
bool cs_cli_is_python(const char *file);
/* pyfront.c: loads a scenario file as cs_load_file does, or, for a .py file,
 * translates the AnyIO program (function `main`, or the one anyio.run() runs)
 * with python3 and loads the result under FILE's name; errors name FILE.py's
 * lines and columns.  Every subcommand loads its files through this. */
int cs_cli_load(const char *file, cs_scenario **out, cs_load_error *err);
/* pyfront.c: the scenario text translated from FILE.py (`function` or NULL
 * for the default); 0 with a new NUL-terminated *text, or -1 with err filled. */
int cs_cli_translate(const char *file, const char *function, char **text, size_t *len, cs_load_error *err);

#endif
