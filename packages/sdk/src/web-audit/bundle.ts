/**
 * An export bundle (`GET /v1/audit/export`, NDJSON `hejie-audit-export/1`) verified in a
 * browser, read as a stream (a `File.stream()`, a response body) one line at a time. Its
 * report means what the Node.js verifier's does (audit/bundle.ts) for the checks that need
 * no file system: the manifest, the checkpoint's signature against the bundle's JWKS (or
 * keys the caller pins), every entry's leaf hash and inclusion proof, no index missing, and
 * a consistency proof from a trusted checkpoint when the bundle carries one.
 *
 * WebCrypto's SHA-256 is asynchronous, so each entry's proof is walked on its own (log2(n)
 * digests) instead of through the Node.js verifier's synchronous shared walk.
 */
import { MerkleProofError, toBase64 } from '@hejie/merkle'
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
} from '../audit/bundle-format.js'
import { checkpointFieldsProblem, type SignedCheckpoint } from '../audit/checkpoint-format.js'
import { ndjsonLines } from '../audit/lines.js'
import { type CheckpointSignatureCheck, type PublicJwk, verifyCheckpointSignature } from './checkpoint.js'
import { compareWithTrusted } from './compare-trusted.js'
import { decodeBase64, webMerkle } from './crypto.js'
import { chunksOf, type WebBundleSource } from './source.js'

export interface VerifyWebAuditBundleOptions {
  /** The bundle's size in bytes (a File's `size`), for progress. */
  totalBytes?: number
  /** Called every few hundred entries and at the end. */
  onProgress?: (progress: AuditBundleProgress) => void
  /** How many failing entries the report lists (the rest are counted); default 20. */
  listLimit?: number
  /** Public keys to check the checkpoint signature with instead of the JWKS in the bundle. */
  trustedKeys?: readonly PublicJwk[]
  /**
   * A checkpoint verified earlier: the bundle's must extend it, shown by the bundle's
   * consistency proof (export with `consistency_from`), or equal it at the same size.
   */
  trustedCheckpoint?: Pick<SignedCheckpoint, 'origin' | 'tree_size' | 'root_hash'>
}

export interface WebAuditBundleReport {
  /** True only when every check passed. */
  ok: boolean
  manifest: {
    ok: boolean
    origin?: string
    from?: number
    to?: number
    enterpriseId?: string | null
    jurisdictionId?: string | null
    generatedAt?: string
    problems: string[]
  }
  checkpoint?: SignedCheckpoint
  signature: CheckpointSignatureCheck
  entries: {
    /** Whether every index from `from` to `to` must be present (an unfiltered export). */
    contiguous: boolean
    read: number
    verified: number
    failed: number
    /** Indices in range that are not in the bundle (contiguous bundles only). */
    missing: number
    /** The first failures, in the order found (`listLimit` of them). */
    failures: EntryFailure[]
  }
  /** With `trustedCheckpoint`: whether the bundle's checkpoint extends it. */
  trusted?: TrustedCheckpointCheck
  bytesRead: number
}

const PROGRESS_EVERY = 256

/**
 * Verifies an export bundle and reports every check. Throws AuditBundleError only when the
 * source is not an audit bundle at all; everything wrong inside one is in the report.
 */
export async function verifyAuditBundle(
  source: WebBundleSource,
  options: VerifyWebAuditBundleOptions = {},
): Promise<WebAuditBundleReport> {
  const limit = options.listLimit ?? 20
  const report: WebAuditBundleReport = {
    ok: false,
    manifest: { ok: true, problems: [] },
    signature: { ok: false, message: 'the bundle has no checkpoint' },
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
  let root: Uint8Array | undefined
  let jwks: PublicJwk[] | undefined
  let consistency: ConsistencyLine | undefined
  let headerDone = false
  let next = 0

  const progress = () =>
    options.onProgress?.({
      bytesRead: report.bytesRead,
      ...(options.totalBytes === undefined ? {} : { totalBytes: options.totalBytes }),
      entries: report.entries.read,
      ...(manifest && report.entries.contiguous ? { expectedEntries: manifest.to - manifest.from } : {}),
    })

  const finishHeader = async () => {
    headerDone = true
    if (!manifest) return
    for (const text of headerProblems(manifest, checkpoint, Boolean(jwks || options.trustedKeys)))
      problem(text)
    if (!checkpoint) return
    report.signature = await verifyCheckpointSignature(checkpoint, {
      keys: options.trustedKeys ?? jwks ?? [],
    })
    root = decodeBase64(checkpoint.root_hash)
    next = manifest.from
  }

  const missingUpTo = (end: number) => {
    if (!report.entries.contiguous || end <= next) return
    for (let index = next; index < end && report.entries.failures.length < limit; index += 1) {
      fail({ index, problems: ['missing'], message: `entry ${index}: missing from the bundle` })
    }
    report.entries.missing += end - next
  }

  const checkEntry = async (line: Record<string, unknown>, lineNumber: number) => {
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
      if (leafIndex < next) add('order', `it appears twice, or out of order after entry ${next - 1}`)
      else if (leafIndex < manifest.from || leafIndex >= manifest.to) {
        add('order', `outside the manifest's range ${manifest.from}–${manifest.to}`)
      } else {
        missingUpTo(leafIndex)
        next = leafIndex + 1
      }
    }
    let named: Pick<EntryFailure, 'disputeId' | 'objectId' | 'action' | 'at'> = {}
    const bytes = decodeBase64(canonical)
    const hashes = Array.isArray(proof) ? proof.map(decodeBase64) : []
    if (!bytes || typeof leaf_hash !== 'string' || !Array.isArray(proof)) {
      add('malformed', 'the line lacks canonical, leaf_hash or proof')
    } else {
      const hash = await webMerkle.leafHash(bytes)
      if (toBase64(hash) !== leaf_hash) add('leaf_hash', 'its stored bytes do not hash to its leaf_hash')
      const parsed = parseEntry(bytes)
      if (parsed === undefined) add('malformed', 'its stored bytes are not a JSON entry')
      else {
        named = nameOf(parsed)
        if (parsed.index !== leafIndex) {
          add('index', `its bytes say index ${String(parsed.index)}, but it is leaf ${leafIndex}`)
        }
      }
      if (checkpoint && root) {
        const wrong = await inclusionProblem(leafIndex, hash, hashes, checkpoint.tree_size, root)
        if (wrong) add('inclusion', `its inclusion proof fails: ${wrong}`)
      }
    }
    if (problems.length === 0 && root) report.entries.verified += 1
    else if (problems.length > 0) {
      report.entries.failed += 1
      fail({
        index: leafIndex,
        problems,
        message: `entry ${leafIndex} (line ${lineNumber}): ${reasons.join('; ')}`,
        ...named,
      })
    }
  }

  for await (const { number, text, bytesRead } of ndjsonLines(chunksOf(source))) {
    report.bytesRead = bytesRead
    let line: unknown
    try {
      line = JSON.parse(text)
    } catch {
      line = undefined
    }
    if (manifest === undefined) {
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
      await checkEntry(record, number)
      if (report.entries.read % PROGRESS_EVERY === 0) progress()
      continue
    }
    if (headerDone) {
      problem(`line ${number}: a ${String(record.type)} line after the entries`)
    } else if (record.type === 'checkpoint') {
      const wrong = checkpointFieldsProblem(record)
      if (checkpoint) problem(`line ${number}: a second checkpoint`)
      else if (wrong) problem(`line ${number}: ${wrong}`)
      else {
        const { origin, tree_size, root_hash, timestamp, signature } = record as unknown as SignedCheckpoint
        checkpoint = { origin, tree_size, root_hash, timestamp, signature }
        report.checkpoint = checkpoint
      }
    } else if (record.type === 'jwks') {
      if (jwks) problem(`line ${number}: a second JWKS`)
      else if (!Array.isArray(record.keys)) problem(`line ${number}: the JWKS has no keys`)
      else jwks = record.keys as PublicJwk[]
    } else if (record.type === 'consistency') {
      const read = readConsistency(record)
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
  if (options.trustedCheckpoint) {
    report.trusted = await compareWithTrusted(options.trustedCheckpoint, checkpoint, consistency)
  }
  report.ok =
    report.manifest.ok &&
    report.signature.ok &&
    report.entries.failed === 0 &&
    report.entries.missing === 0 &&
    (report.trusted?.ok ?? true)
  return report
}

/** Undefined when the proof leads from the leaf to the root, else why not. */
async function inclusionProblem(
  leafIndex: number,
  leafHash: Uint8Array,
  proof: (Uint8Array | undefined)[],
  treeSize: number,
  rootHash: Uint8Array,
): Promise<string | undefined> {
  const unreadable = proof.indexOf(undefined)
  if (unreadable !== -1) return `proof hash ${unreadable} is not a base64 SHA-256 hash`
  try {
    await webMerkle.verifyInclusion({ leafHash, leafIndex, treeSize, proof: proof as Uint8Array[], rootHash })
    return undefined
  } catch (error) {
    if (error instanceof MerkleProofError) return error.message
    throw error
  }
}
