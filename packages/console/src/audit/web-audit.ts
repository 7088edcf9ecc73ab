/**
 * The one place the console meets the browser audit verifier (`@hejie/sdk/web-audit`:
 * WebCrypto Ed25519 and SHA-256 over the same RFC 6962 package as the SDK). Pages call
 * these functions only; until the verifier is wired in, every check answers "unavailable",
 * never a green mark that nothing earned.
 */
import type { AuditCheckpoint, AuditEntry, InclusionProof, TimelineEntry } from '../api/types.js'

export type Verdict =
  | { state: 'ok'; message: string }
  | { state: 'failed'; message: string }
  | { state: 'unavailable'; message: string }

export interface Jwks {
  keys: JsonWebKey[]
}

export interface BundleProgress {
  entries?: number
  bytesRead?: number
}

/** The part of `@hejie/sdk/web-audit` the console uses, as that module names it. */
interface Verifier {
  verifyCheckpointSignature(
    checkpoint: AuditCheckpoint,
    jwks: Jwks,
  ): Promise<{ ok: boolean; kid?: string; message: string }>
  /** Proves the entry (leaf hash from its bytes, inclusion proof) and holds the timeline line to it. */
  verifyTimelineEntry(input: {
    entry: AuditEntry
    proof: InclusionProof
    checkpoint: AuditCheckpoint
    timeline: TimelineEntry
    disputeId?: string
  }): Promise<{ ok: boolean; message: string }>
  verifyAuditBundle(
    source: ReadableStream<Uint8Array>,
    options: { totalBytes?: number; onProgress?: (progress: BundleProgress) => void },
  ): Promise<{
    ok: boolean
    signature: { ok: boolean; message: string }
    manifest: { ok: boolean; problems: string[] }
    entries: { read: number; verified: number; failed: number; failures: { message?: string }[] }
  }>
}

/**
 * Loaded on first use, so the verifier's code is fetched only by pages that verify. Until
 * the browser verifier is part of the SDK this answers nothing, and every check says
 * "unavailable".
 */
async function verifier(): Promise<Verifier | undefined> {
  return undefined
}

const unavailable: Verdict = {
  state: 'unavailable',
  message: 'the browser verifier is not available in this build',
}

function verdict(result: { ok: boolean; message: string }): Verdict {
  return result.ok ? { state: 'ok', message: result.message } : { state: 'failed', message: result.message }
}

/** Checks the checkpoint's signature against the JWKS, then the entry's proof and the timeline line under it. */
export async function verifyTimeline(input: {
  checkpoint: AuditCheckpoint
  jwks: Jwks
  entry: AuditEntry
  proof: InclusionProof
  timelineEntry: TimelineEntry
  disputeId: string
}): Promise<Verdict> {
  const v = await verifier()
  if (!v) return unavailable
  try {
    const signature = await v.verifyCheckpointSignature(input.checkpoint, input.jwks)
    if (!signature.ok) return verdict(signature)
    return verdict(
      await v.verifyTimelineEntry({
        entry: input.entry,
        proof: input.proof,
        checkpoint: input.checkpoint,
        timeline: input.timelineEntry,
        disputeId: input.disputeId,
      }),
    )
  } catch (error) {
    return { state: 'failed', message: error instanceof Error ? error.message : String(error) }
  }
}

export async function verifyBundle(
  file: File,
  onProgress: (progress: BundleProgress) => void,
): Promise<Verdict & { entries?: number }> {
  const v = await verifier()
  if (!v) return unavailable
  try {
    const report = await v.verifyAuditBundle(file.stream(), { totalBytes: file.size, onProgress })
    const message = report.ok
      ? `${report.entries.verified}`
      : [
          report.signature.ok ? undefined : report.signature.message,
          ...report.manifest.problems,
          ...report.entries.failures.map((f) => f.message),
        ]
          .filter(Boolean)
          .join('; ')
    return { ...verdict({ ok: report.ok, message }), entries: report.entries.verified }
  } catch (error) {
    return { state: 'failed', message: error instanceof Error ? error.message : String(error) }
  }
}
