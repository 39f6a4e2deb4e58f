/* backends.c - the one file that knows both backends: the policy table of
 * each, picked at run start (engine.c).  The core and each backend know only
 * policy.h; adding a backend is a table here and a room of its own. */
#include "asyncio/aio.h"
#include "trio/trio.h"

const cs__policy *cs__policy_of(cs_backend backend)
{
    static const cs__policy *const tables[] = {
        [CS_BACKEND_ASYNCIO] = &cs__policy_asyncio,
        [CS_BACKEND_TRIO] = &cs__policy_trio,
    };
    return tables[backend];
}
