/* cmd_translate.c - `cancelsim translate FILE.py`: print the scenario that
 * stands for an AnyIO program (docs/python.md), checked by the loader first,
 * so what it prints is what `run FILE.py` runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"

static const char *const cs__translate_help =
    "usage: cancelsim translate FILE.py [--function NAME] [-o OUT.json]\n"
    "\n"
    "Translates an AnyIO program into a scenario (docs/python.md lists the Python\n"
    "it reads) and prints it, or writes it to OUT.json.  NAME is the async function\n"
    "to run as anyio.run(NAME) (default: the one the file passes to anyio.run(),\n"
    "else main).  Every statement keeps its Python position as \"pos\": [LINE, COL].\n"
    "`run`, `verify`, `explore`, `inject`, `dot`, `timeline` and `check` accept a\n"
    ".py file directly.  Needs python3 (or $CANCELSIM_PYTHON).  Exit status: 0,\n"
    "2 unsupported or bad input (FILE.py:LINE:COL: error: ...).\n";

static const char *const cs__translate_opts[] = {"help|h", "function=", "output|o=", NULL};

int cs_cmd_translate(int argc, char **argv)
{
    const char *file = NULL, *function = NULL, *outpath = NULL;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "translate", argc, argv, cs__translate_opts);
    const char *o, *v;
    for (int got; (got = cs_cli_next(&p, &o, &v)) != CS_CLI_END;) {
        if (got == CS_CLI_BAD)
            return 2;
        if (got == CS_CLI_OPERAND) {
            if (file)
                return cs_cli_usage_error("translate", "only one FILE may be given");
            file = o;
        } else if (strcmp(o, "--help") == 0) {
            fputs(cs__translate_help, stdout);
            return 0;
        } else if (strcmp(o, "--function") == 0) {
            function = v;
        } else if (strcmp(o, "--output") == 0) {
            outpath = v;
        }
    }
    if (!file)
        return cs_cli_usage_error("translate", "missing FILE");
    if (!cs_cli_is_python(file))
        return cs_cli_usage_error("translate", "FILE must be a Python file (.py), not '%s'", file);
    char *text;
    size_t len;
    cs_load_error err;
    cs_scenario *sc = NULL;
    if (cs_cli_translate(file, function, &text, &len, &err) != 0) {
        cs_load_error_print(&err, stderr);
        return 2;
    }
    if (cs_load_buffer(file, text, len, &sc, &err) != 0) {
        cs_load_error_print(&err, stderr);
        free(text);
        return 2;
    }
    cs_scenario_free(sc);
    FILE *f = outpath ? fopen(outpath, "w") : stdout;
    int rc = 0;
    bool ok = f && fwrite(text, 1, len, f) == len;
    if (f && outpath && fclose(f) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "cancelsim translate: cannot write %s\n", outpath ? outpath : "standard output");
        rc = 2;
    }
    free(text);
    return rc;
}
