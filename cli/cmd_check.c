/* cmd_check.c - `cancelsim check FILE...`: validate scenario files only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "load.h"
#include "util.h"

int cs_cmd_check(int argc, char **argv)
{
    const char **files = cs_xcalloc((size_t)argc, sizeof *files);
    int nfiles = 0;
    cs_cli_parser p;
    cs_cli_parser_init(&p, "check", argc, argv, (const char *const[]){"help|h", NULL});
    const char *o, *v;
    for (int got; (got = cs_cli_next(&p, &o, &v)) != CS_CLI_END;) {
        if (got == CS_CLI_BAD) {
            free(files);
            return 2;
        }
        if (got == CS_CLI_OPERAND) {
            files[nfiles++] = o;
        } else if (strcmp(o, "--help") == 0) {
            fputs("usage: cancelsim check FILE...\n\n"
                  "Validates each scenario file without running it (- reads standard input).\n"
                  "Each invalid file gets one line FILE:LINE:COLUMN: error: MESSAGE.  Exit\n"
                  "status: 0 all valid, 2 any invalid.\n",
                  stdout);
            free(files);
            return 0;
        }
    }
    if (nfiles == 0) {
        free(files);
        return cs_cli_usage_error("check", "missing FILE");
    }
    int rc = 0;
    for (int i = 0; i < nfiles; i++) {
        cs_scenario *sc = NULL;
        cs_load_error err;
        if (cs_cli_load(files[i], &sc, &err) != 0) {
            cs_load_error_print(&err, stderr);
            rc = 2;
            continue;
        }
        cs_scenario_free(sc);
    }
    free(files);
    return rc;
}
