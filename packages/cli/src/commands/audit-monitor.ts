import { type AuditCheckpoint, type Hejie, leafHash, MerkleProofError, verifyInclusion } from '@hejie/sdk'
import { type Command, Option } from 'commander'
import { connect } from '../connection.js'
import { credentialsFor } from '../credentials.js'
import { t } from '../i18n/index.js'
import {
  bytes,
  followExitCodes,
  LogAlarm,
  readHead,
  relationTo,
  rounds,
  StateFolder,
  type TreeHead,
  verifyHead,
} from './audit-follow.js'
import { duration } from './options.js'

/** The `format` of a monitor's `checkpoint.json`. */
const MONITOR_STATE_FORMAT = 'hejie-monitor-state/1'
/** How many failing entries an alarm names (the rest are counted). */
const LISTED = 20

interface MonitorOptions {
  gateway?: string
  state?: string
  once?: boolean
  interval: number
}

interface EntryFailure {
  index: number
  message: string
}

/**
 * Every entry from `from` to `to` (exclusive), checked: there, once, in order; its bytes hash
 * to its leaf hash and name its index; its inclusion proof leads to the checkpoint's root.
 */
async function checkEntries(hejie: Hejie, from: number, to: number, root: Uint8Array) {
  const failures: EntryFailure[] = []
  let failed = 0
  const fail = (index: number, message: string) => {
    failed += 1
    if (failures.length < LISTED) failures.push({ index, message })
  }
  let next = from
  for await (const entry of hejie.audit.entries({ start: from, end: to, limit: 1000 })) {
    if (entry.index !== next) {
      if (entry.index < next) {
        fail(entry.index, `it is listed again, or out of order after entry ${next - 1}`)
        continue
      }
      for (let index = next; index < entry.index; index += 1) fail(index, 'missing from the entries')
    }
    next = entry.index + 1
    const canonical = Buffer.from(entry.canonical, 'base64')
    const hash = leafHash(canonical)
    const problems: string[] = []
    if (Buffer.from(hash).toString('base64') !== entry.leaf_hash) {
      problems.push('its stored bytes do not hash to its leaf_hash')
    }
    let index: unknown
    try {
      index = JSON.parse(canonical.toString('utf8')).index
    } catch {
      problems.push('its stored bytes are not a JSON entry')
    }
    if (index !== undefined && index !== entry.index) {
      problems.push(`its bytes say index ${String(index)}, but it is leaf ${entry.index}`)
    }
    const proof = await hejie.audit.inclusionProof({ leaf_index: entry.index, tree_size: to })
    try {
      verifyInclusion({
        leafHash: hash,
        leafIndex: entry.index,
        treeSize: to,
        proof: proof.hashes.map(bytes),
        rootHash: root,
      })
    } catch (error) {
      if (!(error instanceof MerkleProofError)) throw error
      problems.push(`its inclusion proof fails: ${error.message}`)
    }
    if (problems.length > 0) fail(entry.index, problems.join('; '))
  }
  for (let index = next; index < to; index += 1) fail(index, 'missing from the entries')
  return { checked: to - from, failed, failures }
}

/**
 * One round of the monitor: the gateway's checkpoint, its note verified with the pinned log
 * keys and the same as its JSON, consistent with the checkpoint accepted last, and every new
 * entry shown to be in it. Only then is it accepted.
 */
async function monitorRound(hejie: Hejie, state: StateFolder, gateway: string) {
  const [listed, checkpoint] = await Promise.all([hejie.audit.noteKeys(), hejie.audit.checkpoint()])
  const note = typeof checkpoint.note === 'string' ? checkpoint.note : ''
  const last = await state.last()
  let current: TreeHead | undefined
  let accepted: TreeHead
  let summary: string
  try {
    if (note === '') {
      throw new LogAlarm(
        'bad_signature',
        'BAD SIGNATURE: the gateway serves its checkpoint without a signed note.',
      )
    }
    current = readHead(note)
    const keys = await state.logKeys(listed.data, (text) => console.error(text))
    const verified = verifyHead(note, keys)
    current = verified.head
    sameCheckpoint(checkpoint, current)
    const { relation } = await relationTo(hejie, last, current)
    const from = last?.tree_size ?? 0
    const entries = await checkEntries(hejie, from, current.tree_size, bytes(current.root_hash))
    if (entries.failed > 0) {
      const listedFailures = entries.failures.map((failure) => `  entry ${failure.index}: ${failure.message}`)
      const more = entries.failed - entries.failures.length
      throw new LogAlarm(
        'bad_entries',
        [
          `BAD ENTRIES: ${entries.failed} of the entries ${from}–${current.tree_size} do not verify against the checkpoint of size ${current.tree_size} (root ${current.root_hash}):`,
          ...listedFailures,
          ...(more > 0 ? [`  … and ${more} more`] : []),
        ].join('\n'),
        {
          entries_from: from,
          entries_to: current.tree_size,
          failed: entries.failed,
          failures: entries.failures,
        },
      )
    }
    const how = {
      first: 'the first checkpoint this monitor sees',
      same: 'the same checkpoint as before',
      extends: `it extends size ${last?.tree_size} (root ${last?.root_hash})`,
    }[relation]
    accepted = current
    summary = `Checkpoint size ${current.tree_size}, root ${current.root_hash}: signed by log key ${verified.keyId}; ${how}; ${entries.checked === 0 ? 'no new entries' : `entries ${from}–${current.tree_size} (${entries.checked}) each in the tree`}.`
  } catch (error) {
    if (!(error instanceof LogAlarm)) throw error
    throw await state.keepEvidence(error, last, { note, head: current, fetched_from: gateway })
  }
  await state.accept(accepted)
  const witnesses = (checkpoint.cosignatures ?? []).map((cosignature) => cosignature.witness)
  console.log(
    `${summary}${witnesses.length > 0 ? ` Cosignatures shown (not checked here): ${witnesses.join(', ')}.` : ''}`,
  )
}

/** The checkpoint's JSON must say what its signed note says. */
function sameCheckpoint(checkpoint: AuditCheckpoint, head: TreeHead): void {
  const differing = (['origin', 'tree_size', 'root_hash'] as const).filter(
    (field) => checkpoint[field] !== head[field],
  )
  if (differing.length > 0) {
    throw new LogAlarm(
      'mismatch',
      `MISMATCH: the checkpoint's JSON (size ${checkpoint.tree_size}, root ${checkpoint.root_hash}) and its signed note (size ${head.tree_size}, root ${head.root_hash}) differ in ${differing.join(', ')}.`,
    )
  }
}

export function monitorCommand(audit: Command): void {
  audit
    .command('monitor')
    .description(t('monitor.description'))
    .option('--gateway <url>', "the gateway (default: the credentials' gateway)")
    .option(
      '--state <dir>',
      'where the monitor keeps the last checkpoint it verified and the pinned log keys',
    )
    .option('--once', 'one round, then exit')
    .addOption(
      new Option('--interval <duration>', 'time between rounds, e.g. 30s, 5m')
        .argParser(duration)
        .default(30, '30s'),
    )
    .addHelpText(
      'after',
      `
Runs with a regulator client's credentials (it reads every entry). Each round it fetches
the checkpoint and the log's keys, and:

  1. verifies the checkpoint's signed note with the log keys pinned in <dir>/log-keys.json,
     and that the note and the JSON are the same checkpoint;
  2. checks that it extends the checkpoint verified last (<dir>/checkpoint.json): the same
     size and root, or a larger tree with a consistency proof that verifies;
  3. reads every entry added since (all of them on the first round), and checks each: its
     bytes hash to its leaf hash, and its inclusion proof leads to the new root.

Only then is the checkpoint kept as the last one. Anything else is an alarm: both
checkpoints are kept in <dir>/conflict-<time>/, and it exits 3.
${followExitCodes}

Examples:
  hejie audit monitor --gateway https://odr.example.gov.cn --state ./monitor --once
  hejie audit monitor --state ./monitor --interval 5m`,
    )
    .action(async (options: MonitorOptions) => {
      if (!options.state) throw new Error('hejie audit monitor needs --state <dir> (see --help).')
      const credentials = await credentialsFor(options.gateway)
      const hejie = await connect(credentials)
      const me = await hejie.me()
      if (me.role !== 'regulator') {
        throw new Error(
          `These credentials are a ${me.role} client's; the monitor reads every entry, which takes a regulator client's.`,
        )
      }
      const state = new StateFolder(options.state, MONITOR_STATE_FORMAT)
      await state.open()
      if (!options.once) console.error(`Monitoring the audit log of ${credentials.baseUrl}; Ctrl-C to stop.`)
      await rounds({
        once: Boolean(options.once),
        intervalSeconds: options.interval,
        round: () => monitorRound(hejie, state, credentials.baseUrl),
      })
    })
}
