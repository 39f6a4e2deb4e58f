/* backend_op.h - statements only one backend has (AnyIO code calling the
 * backend's own API directly).
 *
 * The core knows them only as "backend-specific": cs__exec hands them to the
 * policy table's exec_native, which a backend without them leaves NULL (the
 * loader refuses such a scenario for that backend before it runs).
 */
#ifndef CS_BACKEND_OP_H
#define CS_BACKEND_OP_H

#include "interp.h"

int cs__exec_backend_op(cs__engine *e, cs__task *t, const cs_stmt *st, cs__completion *c);

#endif
