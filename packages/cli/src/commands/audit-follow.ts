import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  APIConnectionError,
  type AuditNoteKey,
  type Hejie,
  InternalServerError,
  MerkleProofError,
  NoteVerificationError,
  parseCheckpointNote,
  RateLimitError,
  verifyCheckpointNote,
  verifyConsistency,
} from '@hejie/sdk'
import { pause, stopSignal } from '../stop-signal.js'

/**
 * What `hejie audit witness` and `hejie audit monitor` share: a state folder that keeps the
 * last checkpoint they accepted and the log's keys pinned on first use, the check that a new
 * checkpoint extends the last one, and the alarm, with both checkpoints kept as evidence,
 * when it does not.
 */

/** The exit codes of `hejie audit witness` and `hejie audit monitor`, for their help. */
export const followExitCodes = `
Exit codes:
  0  done (--once), or stopped with Ctrl-C or SIGTERM
  1  a usage error, an unreadable key or state file, or an error answer from the gateway
  2  not logged in, or the credentials were refused
  3  ALARM: the log forked, shrank or was rewritten (a consistency proof fails), its
     checkpoint is not signed by the log's pinned keys, or (monitor) an entry does not
     verify; nothing was cosigned or accepted, and the conflicting checkpoints are kept in
     <dir>/conflict-<time>/`

/** What went wrong with the log, as an alarm names it. */
export type AlarmKind =
  | 'fork'
  | 'shrunk'
  | 'inconsistent'
  | 'bad_signature'
  | 'key_swap'
  | 'other_log'
  | 'mismatch'
  | 'bad_entries'

/** The log showed something a witness or monitor must not accept: the command exits 3. */
export class LogAlarm extends Error {
  override name = 'LogAlarm'
  constructor(
    readonly kind: AlarmKind,
    message: string,
    readonly evidence: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

/** A checkpoint as the state folder keeps it: the signed note and what it says. */
export interface TreeHead {
  origin: string
  tree_size: number
  root_hash: string
  /** The checkpoint as a C2SP signed note, as the gateway gave it. */
  note: string
}

/** What `checkpoint.json` holds: the last checkpoint accepted, with when, and what the command adds. */
export interface SavedHead extends TreeHead {
  format: string
  accepted_at: string
  /** The witness's cosignature line, and its time (POSIX seconds). */
  cosignature?: string
  timestamp?: number
}

interface PinnedKeys {
  format: typeof PINNED_KEYS_FORMAT
  keys: { verifier_key: string; kid: string; pinned_at: string }[]
}

const PINNED_KEYS_FORMAT = 'hejie-log-keys/1'

/** The state folder of a witness or a monitor. One process per folder. */
export class StateFolder {
  constructor(
    readonly dir: string,
    readonly format: string,
  ) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 })
  }

  path(name: string): string {
    return join(this.dir, name)
  }

  async last(): Promise<SavedHead | undefined> {
    const saved = await this.#readJson<SavedHead>('checkpoint.json')
    if (saved === undefined) return undefined
    if (
      saved.format !== this.format ||
      typeof saved.note !== 'string' ||
      typeof saved.origin !== 'string' ||
      !Number.isSafeInteger(saved.tree_size) ||
      typeof saved.root_hash !== 'string'
    ) {
      throw new Error(
        `${this.path('checkpoint.json')} is not a ${this.format} state file: was the folder used by another command?`,
      )
    }
    return saved
  }

  /** Keeps the checkpoint accepted: `checkpoint.json`, and its note alone in `checkpoint.note`. */
  async accept(head: TreeHead & Partial<SavedHead>): Promise<void> {
    const saved: SavedHead = { ...head, format: this.format, accepted_at: new Date().toISOString() }
    await this.#write('checkpoint.json', `${JSON.stringify(saved, null, 2)}\n`)
    await this.#write('checkpoint.note', head.note)
  }

  /**
   * The log's checkpoint keys to verify notes with. On first use, every key the gateway
   * lists is pinned (`log-keys.json`). Later, a key the gateway adds is pinned too, but only
   * while it still lists a pinned one: a log whose keys were all replaced raises a
   * `key_swap` alarm instead of being believed.
   */
  async logKeys(listed: readonly AuditNoteKey[], notice: (text: string) => void): Promise<string[]> {
    const now = new Date().toISOString()
    const pinned = await this.#readJson<PinnedKeys>('log-keys.json')
    if (pinned !== undefined && (pinned.format !== PINNED_KEYS_FORMAT || !Array.isArray(pinned.keys))) {
      throw new Error(`${this.path('log-keys.json')} is not a ${PINNED_KEYS_FORMAT} file.`)
    }
    if (pinned === undefined || pinned.keys.length === 0) {
      if (listed.length === 0) throw new LogAlarm('key_swap', 'The gateway lists no checkpoint keys.')
      const keys = listed.map((key) => ({ verifier_key: key.verifier_key, kid: key.kid, pinned_at: now }))
      await this.#write('log-keys.json', `${JSON.stringify({ format: PINNED_KEYS_FORMAT, keys }, null, 2)}\n`)
      notice(
        `Pinned the log's ${keys.length === 1 ? 'checkpoint key' : `${keys.length} checkpoint keys`} (${keys.map((key) => key.kid).join(', ')}) in ${this.path('log-keys.json')}.`,
      )
      return keys.map((key) => key.verifier_key)
    }
    const listedKeys = new Set(listed.map((key) => key.verifier_key))
    const pinnedKeys = new Set(pinned.keys.map((key) => key.verifier_key))
    const kept = pinned.keys.filter((key) => listedKeys.has(key.verifier_key))
    if (kept.length === 0) {
      throw new LogAlarm(
        'key_swap',
        `KEY SWAP: the gateway no longer lists any of the ${pinned.keys.length} log keys pinned in ${this.path('log-keys.json')} (${pinned.keys.map((key) => key.kid).join(', ')}); it lists only ${listed.map((key) => key.kid).join(', ') || 'none'}. A log's keys are rotated beside the old ones, never swapped: the new keys are not accepted.`,
        { pinned_keys: pinned.keys, listed_keys: listed },
      )
    }
    const added = listed.filter((key) => !pinnedKeys.has(key.verifier_key))
    if (added.length > 0) {
      pinned.keys.push(
        ...added.map((key) => ({ verifier_key: key.verifier_key, kid: key.kid, pinned_at: now })),
      )
      await this.#write('log-keys.json', `${JSON.stringify(pinned, null, 2)}\n`)
      notice(
        `Pinned the log's new checkpoint key ${added.map((key) => key.kid).join(', ')}: the gateway still lists the pinned ${kept.map((key) => key.kid).join(', ')}.`,
      )
    }
    return pinned.keys.map((key) => key.verifier_key)
  }

  /**
   * Keeps the evidence of an alarm in `conflict-<time>/`: the checkpoint accepted before
   * (`previous.note`, `previous.json`), the one that raised the alarm (`current.note`,
   * `current.json`), what else the alarm carries (`evidence.json`) and its message
   * (`alarm.txt`). Returns the alarm with the folder named in its message.
   */
  async keepEvidence(
    alarm: LogAlarm,
    previous: SavedHead | undefined,
    current: { note: string; head?: TreeHead | undefined; fetched_from: string },
  ): Promise<LogAlarm> {
    const folder = this.path(`conflict-${new Date().toISOString().replace(/:/g, '-')}`)
    await mkdir(folder, { recursive: true, mode: 0o700 })
    if (previous) {
      await writeFile(join(folder, 'previous.note'), previous.note)
      await writeFile(join(folder, 'previous.json'), `${JSON.stringify(previous, null, 2)}\n`)
    }
    await writeFile(join(folder, 'current.note'), current.note)
    const seen = { ...(current.head ?? {}), note: current.note, fetched_from: current.fetched_from }
    await writeFile(
      join(folder, 'current.json'),
      `${JSON.stringify({ ...seen, fetched_at: new Date().toISOString() }, null, 2)}\n`,
    )
    if (Object.keys(alarm.evidence).length > 0) {
      await writeFile(join(folder, 'evidence.json'), `${JSON.stringify(alarm.evidence, null, 2)}\n`)
    }
    await writeFile(join(folder, 'alarm.txt'), `${alarm.kind}: ${alarm.message}\n`)
    return new LogAlarm(
      alarm.kind,
      `${alarm.message}\nThe checkpoints are kept in ${folder} (previous.note, current.note).`,
      alarm.evidence,
    )
  }

  async #readJson<T>(name: string): Promise<T | undefined> {
    let text: string
    try {
      text = await readFile(this.path(name), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new Error(`Cannot read ${this.path(name)}: ${(error as Error).message}`)
    }
    try {
      return JSON.parse(text) as T
    } catch {
      throw new Error(`${this.path(name)} is not JSON.`)
    }
  }

  /** Written beside its final name and renamed over it: a crash never leaves half a state file. */
  async #write(name: string, text: string): Promise<void> {
    const file = this.path(name)
    const partial = `${file}.${process.pid}.tmp`
    await writeFile(partial, text, { mode: 0o600 })
    await chmod(partial, 0o600)
    await rename(partial, file)
  }
}

/** What the note says, before it is verified; a `bad_signature` alarm if it is not a checkpoint note at all. */
export function readHead(note: string): TreeHead {
  try {
    const { origin, treeSize, rootHash } = parseCheckpointNote(note)
    return { origin, tree_size: treeSize, root_hash: rootHash, note }
  } catch (error) {
    throw new LogAlarm(
      'bad_signature',
      `The gateway's checkpoint is not a checkpoint note: ${(error as Error).message}.`,
    )
  }
}

/** Verifies the note with the pinned keys; a note they do not verify raises a `bad_signature` alarm. */
export function verifyHead(note: string, keys: readonly string[]): { head: TreeHead; keyId: string } {
  try {
    const verified = verifyCheckpointNote(note, keys)
    return {
      head: { origin: verified.origin, tree_size: verified.treeSize, root_hash: verified.rootHash, note },
      keyId: verified.keyId,
    }
  } catch (error) {
    if (!(error instanceof NoteVerificationError)) throw error
    throw new LogAlarm(
      'bad_signature',
      `BAD SIGNATURE: the gateway's checkpoint does not verify with the pinned log keys: ${error.message}.`,
    )
  }
}

export type Relation = 'first' | 'same' | 'extends'

/**
 * How `current` relates to the last checkpoint accepted: the first one seen, the same one,
 * or a larger tree that a consistency proof from the gateway shows to extend it. Anything
 * else raises an alarm: another log, a smaller tree, another root at the same size, a proof
 * that fails.
 */
export async function relationTo(
  hejie: Hejie,
  last: TreeHead | undefined,
  current: TreeHead,
): Promise<{ relation: Relation; proof?: string[] }> {
  if (!last) return { relation: 'first' }
  if (current.origin !== last.origin) {
    throw new LogAlarm(
      'other_log',
      `OTHER LOG: the checkpoint is of log ${current.origin}; this state folder follows ${last.origin}.`,
    )
  }
  if (current.tree_size < last.tree_size) {
    throw new LogAlarm(
      'shrunk',
      `SHRUNK: the gateway's checkpoint has ${current.tree_size} entries (root ${current.root_hash}), fewer than the ${last.tree_size} (root ${last.root_hash}) accepted before: the log lost entries, or is being rewritten.`,
    )
  }
  if (current.tree_size === last.tree_size) {
    if (current.root_hash === last.root_hash) return { relation: 'same' }
    throw new LogAlarm(
      'fork',
      `FORK: two checkpoints of size ${current.tree_size} with different roots: ${last.root_hash} accepted before, ${current.root_hash} now. The log was rewritten, or shows different histories to different readers.`,
    )
  }
  if (last.tree_size === 0) return { relation: 'extends' }
  const proof = await hejie.audit.consistencyProof({ first: last.tree_size, second: current.tree_size })
  const hashes = proof.hashes
  try {
    if (proof.first !== last.tree_size || proof.second !== current.tree_size) {
      throw new MerkleProofError(
        `the gateway answered with a proof from size ${proof.first} to ${proof.second}`,
      )
    }
    verifyConsistency({
      firstSize: last.tree_size,
      secondSize: current.tree_size,
      proof: hashes.map(bytes),
      firstRoot: bytes(last.root_hash),
      secondRoot: bytes(current.root_hash),
    })
  } catch (error) {
    if (!(error instanceof MerkleProofError)) throw error
    throw new LogAlarm(
      'inconsistent',
      `INCONSISTENT: the checkpoint of size ${current.tree_size} (root ${current.root_hash}) does not extend the checkpoint of size ${last.tree_size} (root ${last.root_hash}) accepted before: ${error.message}. The history before it was rewritten.`,
      { consistency_proof: proof },
    )
  }
  return { relation: 'extends', proof: hashes }
}

export function bytes(base64: string): Uint8Array {
  return new Uint8Array(Buffer.from(base64, 'base64'))
}

/** Failures a later round can cure: the gateway unreachable, overloaded or failing. */
function passing(error: unknown): error is Error {
  return (
    error instanceof APIConnectionError ||
    error instanceof InternalServerError ||
    error instanceof RateLimitError
  )
}

/**
 * Runs `round` once, or every `intervalSeconds` until Ctrl-C or SIGTERM (exit 0). A passing
 * failure is reported and the round tried again at the next interval; an alarm or any other
 * failure ends the loop (and the command, with its exit code).
 */
export async function rounds(options: {
  once: boolean
  intervalSeconds: number
  round: () => Promise<void>
}): Promise<void> {
  const stop = stopSignal()
  let failing = false
  try {
    while (!stop.signal.aborted) {
      try {
        await options.round()
        if (failing) console.error('hejie: the gateway answers again.')
        failing = false
      } catch (error) {
        if (options.once || !passing(error)) throw error
        failing = true
        console.error(`hejie: ${error.message}; trying again in ${options.intervalSeconds} s.`)
      }
      if (options.once) return
      await pause(options.intervalSeconds * 1000, stop.signal)
    }
    console.error('Stopped.')
  } finally {
    stop.release()
  }
}
