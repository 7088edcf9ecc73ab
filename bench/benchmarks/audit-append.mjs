import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { integer, median, round3 } from '../lib/stats.mjs'

const parts = new URL('../lib/audit-log.mjs', import.meta.url).href

/**
 * Audit entries appended per second through the gateway's own append code, committed as the
 * write path commits them on SQLite (group commit, WAL, synchronous=FULL), against the floor
 * of storing the very same rows with prepared inserts in batches of the same size.
 */
export default {
  name: 'audit-append',
  description: 'audit entries/s through the append path with group commit vs raw inserts of the same rows',
  defaults: { rounds: 3, warmup: 1 },
  options: {
    entries: {
      default: 20_000,
      min: 100,
      max: 10_000_000,
      description: 'entries appended per round and side',
    },
    writers: {
      default: 64,
      min: 1,
      max: 1_000,
      description: 'writes kept in flight (group commit takes up to 64 per commit)',
    },
  },
  async run(context) {
    const { options, log } = context
    const { entries, writers, rounds, warmup } = options
    const batch = Math.min(writers, 64)
    const single = Math.max(100, Math.round(entries / 10))
    const directory = await mkdtemp(join(tmpdir(), 'hejie-bench-audit-'))
    let appender
    let raw
    try {
      appender = await context.service('appender', parts, 'startAuditAppender', {
        path: join(directory, 'gateway.db'),
      })
      raw = await context.service('raw', parts, 'startRawAppender', {
        path: join(directory, 'raw.db'),
        sourcePath: join(directory, 'gateway.db'),
      })
      if (warmup > 0) {
        // JIT and page cache, on both sides, not counted.
        const first = await appender.call('append', Math.min(entries, 2_000), writers)
        await raw.call('append', first.from, first.size - first.from, batch)
      }
      const measured = { grouped: [], single: [], raw: [] }
      for (let round = 1; round <= rounds; round++) {
        const grouped = await context.measure('append, group commit', () =>
          appender.call('append', entries, writers),
        )
        measured.grouped.push({
          perSecond: entries / grouped.value.seconds,
          cores: grouped.cpu.cores.appender,
          size: grouped.value.size,
        })
        const rawRound = await context.measure('raw inserts', () =>
          raw.call('append', grouped.value.from, entries, batch),
        )
        measured.raw.push({ perSecond: entries / rawRound.value.seconds, cores: rawRound.cpu.cores.raw })
        const one = await context.measure('append, one writer', () => appender.call('append', single, 1))
        measured.single.push({ perSecond: single / one.value.seconds, cores: one.cpu.cores.appender })
        log(
          `round ${round}/${rounds}: group commit ${integer(entries / grouped.value.seconds)}/s ` +
            `(log at ${integer(grouped.value.size)}), raw ${integer(entries / rawRound.value.seconds)}/s, ` +
            `one writer ${integer(single / one.value.seconds)}/s; others ${grouped.cpu.others?.toFixed(2)}`,
        )
      }
      const row = (side, label, list, count) => ({
        side,
        label,
        count,
        perSecond: Math.round(median(list.map((r) => r.perSecond))),
        rounds: list.map((r) => integer(r.perSecond)).join(', '),
        cores: round3(median(list.map((r) => r.cores))),
        perCpu: Math.round(median(list.map((r) => r.perSecond / r.cores))),
      })
      const grouped = row(
        'target',
        `\`appendAuditEntries\`, one entry per write, ${writers} writes in flight, group commit`,
        measured.grouped,
        entries,
      )
      const oneWriter = row(
        'target, one writer',
        'the same, one write at a time: one commit per entry',
        measured.single,
        single,
      )
      const floor = row(
        'baseline',
        `the same rows, prepared inserts, ${batch} entries per commit`,
        measured.raw,
        entries,
      )
      return {
        settings: {
          entriesPerRound: entries,
          writers,
          rawBatch: batch,
          singleWriterEntries: single,
          rounds,
          warmup,
        },
        summary:
          `${rounds} round(s), each appending ${integer(entries)} entries through the append path, then the same rows ` +
          `raw, then ${integer(single)} entries with one writer; SQLite in WAL mode with synchronous=FULL, one fresh ` +
          'file per side. A unit is one audit entry of a recorded contact (about 400 bytes of canonical JSON) with ' +
          'its timeline row and the Merkle nodes it completes, in a write of its own: the next index read, a ' +
          'savepoint, the inserts, acknowledged after the durable commit of its batch.',
        tables: [
          {
            columns: [
              { key: 'side', label: 'side' },
              { key: 'label', label: 'what' },
              { key: 'perSecond', label: 'entries/s (median)', numeric: true },
              { key: 'rounds', label: 'rounds', numeric: true },
              { key: 'cores', label: 'CPU, cores', numeric: true },
              { key: 'perCpu', label: 'entries per CPU-second', numeric: true },
            ],
            rows: [grouped, oneWriter, floor],
          },
        ],
        bars: [
          {
            bar: 'append ≥ 5,000 entries/s',
            value: `${integer(grouped.perSecond)}/s (${round3(grouped.perSecond / floor.perSecond).toFixed(2)} of raw inserts)`,
            met: grouped.perSecond >= 5_000,
          },
        ],
        notes: [
          'A write of the API appends one such entry and also its change, event and idempotency record in the ' +
            'same transaction (see `dispute-writes`); this measures the audit log alone.',
        ],
        data: measured,
      }
    } finally {
      await raw?.stop()
      await appender?.stop()
      await rm(directory, { recursive: true, force: true })
    }
  },
}
