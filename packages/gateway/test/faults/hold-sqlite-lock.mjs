// Holds the write lock of a SQLite file until this process ends, as another program (an
// administrator's shell left in a transaction, a stuck batch job) could. Prints "locked"
// once it has the lock. In WAL mode readers go on reading; every writer waits, then fails.
//
//   node hold-sqlite-lock.mjs <file>
import SQLite from 'better-sqlite3'

const holder = new SQLite(process.argv[2])
holder.pragma('busy_timeout = 10000')
holder.exec('begin immediate')
process.stdout.write('locked\n')
setInterval(() => {}, 60_000)
