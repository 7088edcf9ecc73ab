// Holds the write lock of a SQLite file until this process ends, as another program (an
// administrator's shell left in a transaction, a stuck batch job) could. Prints "locked"
// once it has the lock. In WAL mode readers go on reading; every writer waits, then fails.
//
//   node hold-sqlite-lock.mjs <file>
import SQLite from 'better-sqlite3'

const file = process.argv[2]
if (!file) {
  process.stderr.write('usage: node hold-sqlite-lock.mjs <file>\n')
  process.exit(0)
}
const holder = new SQLite(file)
holder.pragma('busy_timeout = 10000')
holder.exec('begin immediate')
process.stdout.write('locked\n')
// Gone with the process that started it, so that the lock never outlives the test. (The
// timer also keeps the connection referenced: collected, it would close and let the lock go.)
const parent = process.ppid
setInterval(() => {
  try {
    process.kill(parent, 0)
  } catch {
    holder.close()
    process.exit(0)
  }
}, 500)
