#include "shopdesk_sqlite.h"

/* Declared here rather than by including sqlite-nio's header, which is not a product of that
   package; the definition is linked in through SQLiteNIO. */
int sqlite_nio_sqlite3_db_config(void *db, int op, ...);

/* The value of SQLITE_DBCONFIG_ENABLE_QPSG in sqlite3.h; part of SQLite's stable interface. */
#define SHOPDESK_DBCONFIG_ENABLE_QPSG 1007

int shopdesk_sqlite_enable_qpsg(void *db) {
    int enabled = 0;
    return sqlite_nio_sqlite3_db_config(db, SHOPDESK_DBCONFIG_ENABLE_QPSG, 1, &enabled);
}
