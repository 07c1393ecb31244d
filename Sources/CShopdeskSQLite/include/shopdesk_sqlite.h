#ifndef SHOPDESK_SQLITE_H
#define SHOPDESK_SQLITE_H

/// SQLite's configuration calls are C variadic functions, which Swift cannot call. These are
/// fixed-argument wrappers around the few we need, for the SQLite copy that sqlite-nio links
/// in (its symbols carry the `sqlite_nio_` prefix). `db` is that library's `sqlite3 *`.

/// Turns on the query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG): a prepared
/// statement keeps its plan whatever values are bound. Without it, SQLite marks a statement for
/// re-preparing when a bound value could change the plan (a bound LIMIT, a parameter compared
/// with a partial index's condition), and every cached statement of ours was parsed again on
/// each use. Returns SQLite's result code.
int shopdesk_sqlite_enable_qpsg(void *db);

#endif
