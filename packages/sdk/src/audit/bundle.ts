/**
 * Offline verification of an audit export bundle (`GET /v1/audit/export`): NDJSON of a
 * manifest, the signed checkpoint, the JWKS, optionally a consistency proof, then every entry
 * with its inclusion proof. The bundle is read as a stream, one line at a time, so its size
 * is bounded by the disk, not by memory.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { JWK } from 'jose'
import {
  AuditBundleError,
  type AuditBundleProgress,
  type ConsistencyLine,
  type EntryFailure,
  type EntryProblem,
  headerProblems,
  type Manifest,
  nameOf,
  parseEntry,
  readConsistency,
  readManifest,
  type TrustedCheckpointCheck,
} from './bundle-format.js'
import {
  type CheckpointError,
  checkSignature,
  readTrustedCheckpoint,
  type SignatureCheck,
  type SignedCheckpoint,
  type TrustedCheckpoint,
} from './checkpoint.js'
import { ndjsonLines } from './lines.js'
import { decodeBase64, type InclusionWalk, isValidConsistency, leafHash, merkle } from './merkle.js'
import { extensionMessages, verdictsAbout, verdictWithoutProof } from './trusted-comparison.js'
import {
  verifyWitnessedCheckpoint,
  type WitnessedCheckpoint,
  type WitnessedCheckpointCheck,
  witnessPolicy,
} from './witness.js'

/** A file path, or the bundle's bytes as a stream (a `Readable`, a response body). */
export type AuditBundleSource = string | URL | AsyncIterable<Uint8Array | string>

export interface VerifyAuditBundleOptions {
  /**
   * A checkpoint verified earlier: the bundle's checkpoint must extend it (same entries
   * first) or, at the same size, equal it. Without one, the bundle is only checked against
   * itself, and its keys are the ones it carries.
   */
  trustedCheckpoint?: TrustedCheckpoint
  /** Public keys to check the checkpoint signature with instead of the JWKS in the bundle. */
  trustedKeys?: readonly JWK[]
  /** Called every few thousand entries and at the end. */
  onProgress?: (progress: AuditBundleProgress) => void
  /** How many failing entries the report lists (the rest are counted); default 20. */
  listLimit?: number
  /**
   * Witnesses whose cosignatures the bundle's checkpoint must carry: their C2SP verifier keys
   * (type 0x04), and how many of them must have cosigned (default all). The checkpoint line's
   * `note` must then be the checkpoint, signed by a key of the trusted keys, else of the
   * bundle's JWKS. The verdict is the report's `witnesses`.
   */
  witnesses?: { keys: readonly string[]; threshold?: number | undefined }
}

export interface AuditBundleReport {
  /** True only when every check passed. */
  ok: boolean
  manifest: {
    ok: boolean
    origin?: string
    from?: number
    to?: number
    enterpriseId?: string | null
    /** The jurisdiction whose subtree was exported; null for the whole log. */
    jurisdictionId?: string | null
    generatedAt?: string
    problems: string[]
  }
  checkpoint?: SignedCheckpoint
  signature: SignatureCheck
  entries: {
    /** Whether every index from `from` to `to` must be present (an export filtered neither by enterprise nor by jurisdiction). */
    contiguous: boolean
    /** Entry lines read. */
    read: number
    verified: number
    /** Entry lines that failed a check. */
    failed: number
    /** Indices in range that are not in the bundle (contiguous bundles only). */
    missing: number
    /** The first failures, in the order found (`listLimit` of them). */
    failures: EntryFailure[]
  }
  trusted?: TrustedCheckpointCheck
  /** With the `witnesses` option: the checkpoint's signed note, and which witnesses cosigned it. */
  witnesses?: WitnessedCheckpointCheck
  bytesRead: number
}

const PROGRESS_EVERY = 4096
const MISSING_REMEMBERED = 10_000

/**
 * Verifies an export bundle offline and reports every check: the checkpoint's signature,
 * the manifest, each entry's leaf hash (SHA-256 of 0x00 and its stored bytes) and inclusion
 * proof against the checkpoint root, that no index in range is missing, and, given a trusted
 * checkpoint, that the bundle's checkpoint extends it. Throws AuditBundleError only when the
 * source is not an audit bundle at all; everything wrong inside one is in the report.
 */
export async function verifyAuditBundle(
  source: AuditBundleSource,
  options: VerifyAuditBundleOptions = {},
): Promise<AuditBundleReport> {
  // A policy that cannot be applied is the caller's mistake: said before the bundle is read.
  if (options.witnesses) witnessPolicy(options.witnesses.keys, options.witnesses.threshold)
  const { chunks, totalBytes } = await open(source)
  const limit = options.listLimit ?? 20
  const trusted = options.trustedCheckpoint
  const report: AuditBundleReport = {
    ok: false,
    manifest: { ok: true, problems: [] },
    signature: { ok: false, pinned: false, message: 'the bundle has no checkpoint' },
    entries: { contiguous: false, read: 0, verified: 0, failed: 0, missing: 0, failures: [] },
    bytesRead: 0,
  }
  const problem = (text: string) => {
    report.manifest.ok = false
    if (report.manifest.problems.length < limit) report.manifest.problems.push(text)
  }
  const fail = (failure: EntryFailure) => {
    if (report.entries.failures.length < limit) report.entries.failures.push(failure)
  }

  let manifest: Manifest | undefined
  let checkpoint: SignedCheckpoint | undefined
  let witnessed: Pick<WitnessedCheckpoint, 'note' | 'cosignatures'> = {}
  let jwks: JWK[] | undefined
  let consistency: ConsistencyLine | undefined
  let walk: InclusionWalk | undefined
  let headerDone = false
  let next = 0
  let prefixRoot: Uint8Array | undefined
  const prefixLeaf = trusted && trusted.tree_size > 0 ? trusted.tree_size - 1 : undefined

  const progress = () =>
    options.onProgress?.({
      bytesRead: report.bytesRead,
      ...(totalBytes === undefined ? {} : { totalBytes }),
      entries: report.entries.read,
      ...(manifest && report.entries.contiguous ? { expectedEntries: manifest.to - manifest.from } : {}),
    })

  /** Once the header lines are read: check the checkpoint and its signature, ready the proofs. */
  const finishHeader = async () => {
    headerDone = true
    if (!manifest) return
    for (const text of headerProblems(manifest, checkpoint, Boolean(jwks || options.trustedKeys)))
      problem(text)
    if (!checkpoint) return
    report.signature = await checkSignature(checkpoint, {
      pinned: options.trustedKeys ?? (trusted?.key ? [trusted.key] : undefined),
      ...(options.trustedKeys ? {} : { published: jwks ?? [] }),
    })
    walk = merkle.inclusionWalk(
      checkpoint.tree_size,
      Buffer.from(checkpoint.root_hash, 'base64'),
      decodeBase64,
    )
    next = manifest.from
  }

  // Indices found missing, remembered (up to a bound) so that one arriving late is reported as
  // out of order rather than as missing.
  const missingSeen = new Set<number>()
  const missingUpTo = (end: number) => {
    if (!report.entries.contiguous || end <= next) return
    for (let index = next; index < end && report.entries.failures.length < limit; index += 1) {
      fail({ index, problems: ['missing'], message: 'missing from the bundle' })
    }
    for (let index = next; index < end && missingSeen.size < MISSING_REMEMBERED; index += 1)
      missingSeen.add(index)
    report.entries.missing += end - next
  }
  const arrivedLate = (index: number) => {
    if (!missingSeen.delete(index)) return false
    report.entries.missing -= 1
    const listed = report.entries.failures.findIndex(
      (failure) => failure.index === index && failure.problems[0] === 'missing',
    )
    if (listed !== -1) report.entries.failures.splice(listed, 1)
    return true
  }

  const checkEntry = (line: Record<string, unknown>, lineNumber: number) => {
    report.entries.read += 1
    const { index, canonical, leaf_hash, proof } = line
    if (!Number.isSafeInteger(index) || (index as number) < 0) {
      report.entries.failed += 1
      fail({
        index: -1,
        problems: ['malformed'],
        message: `line ${lineNumber}: an entry without a valid index`,
      })
      return
    }
    const leafIndex = index as number
    const problems: EntryProblem[] = []
    const reasons: string[] = []
    const add = (kind: EntryProblem, reason: string) => {
      problems.push(kind)
      reasons.push(reason)
    }
    if (manifest) {
      if (leafIndex < next) {
        add(
          'order',
          arrivedLate(leafIndex)
            ? `out of order: it comes after entry ${next - 1}`
            : `it appears twice, or out of order after entry ${next - 1}`,
        )
      } else if (leafIndex < manifest.from || leafIndex >= manifest.to) {
        add('order', `outside the manifest's range ${manifest.from}–${manifest.to}`)
      } else {
        missingUpTo(leafIndex)
        next = leafIndex + 1
      }
    }
    let named: Pick<EntryFailure, 'disputeId' | 'objectId' | 'action' | 'at'> = {}
    if (
      typeof canonical !== 'string' ||
      typeof leaf_hash !== 'string' ||
      !Array.isArray(proof) ||
      !proof.every((hash) => typeof hash === 'string')
    ) {
      add('malformed', 'the line lacks canonical, leaf_hash or proof')
    } else {
      const bytes = Buffer.from(canonical, 'base64')
      const hash = leafHash(bytes)
      if (Buffer.from(hash.buffer, hash.byteOffset, hash.length).toString('base64') !== leaf_hash) {
        add('leaf_hash', 'its stored bytes do not hash to its leaf_hash')
      }
      const parsed = parseEntry(bytes)
      if (parsed === undefined) {
        add('malformed', 'its stored bytes are not a JSON entry')
      } else {
        named = nameOf(parsed)
        if (parsed.index !== leafIndex) {
          add('index', `its bytes say index ${String(parsed.index)}, but it is leaf ${leafIndex}`)
        }
      }
      if (walk) {
        const wrong = walk.verify(leafIndex, hash, proof as string[])
        if (wrong) add('inclusion', `its inclusion proof fails: ${wrong}`)
        else if (leafIndex === prefixLeaf && checkpoint) {
          prefixRoot = merkle.rootOfPrefix(
            leafIndex,
            checkpoint.tree_size,
            hash,
            (proof as string[]).map((sibling) => Buffer.from(sibling, 'base64')),
          )
        }
      }
    }
    if (problems.length === 0 && walk) {
      report.entries.verified += 1
      return
    }
    if (problems.length > 0) {
      report.entries.failed += 1
      fail({ index: leafIndex, problems, message: reasons.join('; '), ...named })
    }
  }

  for await (const { number, text, bytesRead } of ndjsonLines(chunks)) {
    report.bytesRead = bytesRead
    let line: unknown
    try {
      line = JSON.parse(text)
    } catch {
      line = undefined
    }
    if (number === 1 || manifest === undefined) {
      manifest = readManifest(line, number)
      Object.assign(report.manifest, {
        origin: manifest.origin,
        from: manifest.from,
        to: manifest.to,
        enterpriseId: manifest.enterpriseId,
        jurisdictionId: manifest.jurisdictionId,
        generatedAt: (line as { generated_at?: string }).generated_at,
      })
      report.entries.contiguous = manifest.enterpriseId === null && manifest.jurisdictionId === null
      continue
    }
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      problem(`line ${number} is not a JSON object`)
      continue
    }
    const record = line as Record<string, unknown>
    if (record.type === 'entry') {
      if (!headerDone) await finishHeader()
      checkEntry(record, number)
      if (report.entries.read % PROGRESS_EVERY === 0) progress()
      continue
    }
    if (headerDone) {
      problem(`line ${number}: a ${String(record.type)} line after the entries`)
      continue
    }
    if (record.type === 'checkpoint') {
      if (checkpoint) problem(`line ${number}: a second checkpoint`)
      else {
        try {
          checkpoint = readTrustedCheckpoint(record)
          const { origin, tree_size, root_hash, timestamp, signature } = checkpoint
          checkpoint = { origin, tree_size, root_hash, timestamp, signature }
          report.checkpoint = checkpoint
          witnessed = {
            ...(typeof record.note === 'string' ? { note: record.note } : {}),
            ...(Array.isArray(record.cosignatures)
              ? { cosignatures: record.cosignatures as WitnessedCheckpoint['cosignatures'] }
              : {}),
          }
        } catch (error) {
          problem(`line ${number}: ${(error as CheckpointError).message}`)
        }
      }
    } else if (record.type === 'jwks') {
      if (jwks) problem(`line ${number}: a second JWKS`)
      else if (!Array.isArray(record.keys)) problem(`line ${number}: the JWKS has no keys`)
      else jwks = record.keys as JWK[]
    } else if (record.type === 'consistency') {
      const read = readConsistency(record, decodeBase64)
      if (consistency || !read)
        problem(`line ${number}: ${read ? 'a second' : 'an unreadable'} consistency proof`)
      else consistency = read
    } else {
      problem(`line ${number}: unknown line type ${JSON.stringify(record.type)}`)
    }
  }
  if (!manifest) throw new AuditBundleError('the bundle is empty: it has no manifest line')
  if (!headerDone) await finishHeader()
  missingUpTo(manifest.to)
  progress()

  if (trusted)
    report.trusted = await compareWithTrusted(trusted, { checkpoint, jwks, consistency, prefixRoot, options })
  if (options.witnesses) {
    const logKeys = options.trustedKeys ?? [...(trusted?.key ? [trusted.key] : []), ...(jwks ?? [])]
    report.witnesses = checkpoint
      ? verifyWitnessedCheckpoint(
          { ...checkpoint, ...witnessed },
          { logKeys, witnesses: options.witnesses.keys, threshold: options.witnesses.threshold },
        )
      : {
          ok: false,
          threshold: witnessPolicy(options.witnesses.keys, options.witnesses.threshold).needed,
          verified: [],
          missing: [],
          failed: [],
          note: { ok: false, message: 'the bundle has no checkpoint' },
          message: 'the bundle has no checkpoint for witnesses to have cosigned',
        }
  }
  report.ok =
    report.manifest.ok &&
    report.signature.ok &&
    report.entries.failed === 0 &&
    report.entries.missing === 0 &&
    (report.trusted?.ok ?? true) &&
    (report.witnesses?.ok ?? true)
  return report
}

async function open(source: AuditBundleSource) {
  if (typeof source !== 'string' && !(source instanceof URL)) return { chunks: source, totalBytes: undefined }
  const path = source instanceof URL ? fileURLToPath(source) : source
  let totalBytes: number
  try {
    totalBytes = (await stat(path)).size
  } catch (error) {
    throw new AuditBundleError(`cannot read ${path}: ${(error as Error).message}`)
  }
  return { chunks: createReadStream(path, { highWaterMark: 1 << 20 }), totalBytes }
}

async function compareWithTrusted(
  trusted: TrustedCheckpoint,
  found: {
    checkpoint: SignedCheckpoint | undefined
    jwks: JWK[] | undefined
    consistency: ConsistencyLine | undefined
    prefixRoot: Uint8Array | undefined
    options: VerifyAuditBundleOptions
  },
): Promise<TrustedCheckpointCheck> {
  const { checkpoint, jwks, consistency, prefixRoot, options } = found
  const result = verdictsAbout(trusted)
  const own = await checkSignature(trusted, {
    pinned: options.trustedKeys ?? (trusted.key ? [trusted.key] : undefined),
    ...(options.trustedKeys ? {} : { published: jwks ?? [] }),
  })
  // Signed with a key that neither it, the verifier nor the bundle has (retired long ago):
  // the checkpoint is trusted as given, since it came from outside the bundle.
  const unverifiable = !own.ok && !own.key
  if (!own.ok && !unverifiable) {
    return result(false, 'untrusted', `the trusted checkpoint's own signature fails: ${own.message}`)
  }
  const settled = verdictWithoutProof(trusted, checkpoint, result)
  if (settled || !checkpoint) return settled ?? result(false, 'unproven', 'the bundle has no checkpoint')
  const m = trusted.tree_size
  const n = checkpoint.tree_size
  const messages = extensionMessages(m, n)
  const trustedRoot = Buffer.from(trusted.root_hash, 'base64')
  const { rewritten } = messages
  if (consistency && consistency.first === m && consistency.second === n) {
    const consistent = isValidConsistency({
      firstSize: m,
      secondSize: n,
      proof: consistency.hashes,
      firstRoot: trustedRoot,
      secondRoot: Buffer.from(checkpoint.root_hash, 'base64'),
    })
    return consistent
      ? result(true, 'consistent', messages.extends, 'consistency_proof')
      : result(false, 'inconsistent', `${rewritten} (its consistency proof fails)`, 'consistency_proof')
  }
  if (prefixRoot) {
    return Buffer.from(prefixRoot).equals(trustedRoot)
      ? result(true, 'consistent', messages.extends, 'entries')
      : result(false, 'inconsistent', `${rewritten} (its first ${m} entries have another root)`, 'entries')
  }
  return result(
    false,
    'unproven',
    `the bundle does not show whether its checkpoint (size ${n}) extends the trusted one (size ${m}): it lacks verified entry ${m - 1}; export it with consistency_from=${m}`,
  )
}

export {
  AUDIT_BUNDLE_FORMAT,
  AuditBundleError,
  type AuditBundleProgress,
  type EntryFailure,
  type EntryProblem,
  type TrustedCheckpointCheck,
  type TrustedStatus,
} from './bundle-format.js'
export {
  CHECKPOINT_TYPE,
  CheckpointError,
  readTrustedCheckpoint,
  SAVED_CHECKPOINT_FORMAT,
  type SavedCheckpoint,
  type SignatureCheck,
  type SignedCheckpoint,
  savedCheckpoint,
  type TrustedCheckpoint,
} from './checkpoint.js'
