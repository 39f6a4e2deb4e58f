/* cmd_check.c - `cancelsim check FILE...`: validate scenario files only. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "load.h"

int cs_cmd_check(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs("usage: cancelsim check FILE...\n\n"
              "Validates each scenario file without running it.  Each invalid file gets\n"
              "one line FILE:LINE:COLUMN: error: MESSAGE.  Exit status: 0 all valid,\n"
              "2 any invalid.\n",
              stdout);
        return 0;
    }
    if (argc < 2)
        return cs_cli_usage_error("check", "missing FILE");
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        cs_scenario *sc = NULL;
        cs_load_error err;
        if (cs_load_file(argv[i], &sc, &err) != 0) {
            cs_load_error_print(&err, stderr);
            rc = 2;
            continue;
        }
        cs_scenario_free(sc);
    }
    return rc;
}
