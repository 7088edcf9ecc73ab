/**
 * The one place the console meets the browser audit verifier, `@hejie/sdk/web-audit`
 * (WebCrypto Ed25519 and SHA-256 over the same RFC 6962 package as the SDK). Pages call these
 * functions only, and never decide a verdict themselves: a mark is green only when the
 * verifier said so.
 */
import type { AuditCheckpoint, AuditEntry, InclusionProof, TimelineEntry } from '../api/types.js'

export type Verdict =
  | { state: 'ok'; message: string }
  | { state: 'failed'; message: string }
  | { state: 'unavailable'; message: string }

/** The gateway's JWKS, as `/.well-known/jwks.json` serves it. */
export type Jwks = { keys: import('@hejie/sdk/web-audit').PublicJwk[] }

export interface BundleProgress {
  entries: number
  bytesRead: number
}

/** Loaded on first use, as a chunk of its own: only pages that verify fetch the verifier. */
function verifier() {
  return import('@hejie/sdk/web-audit')
}

function verdict(result: { ok: boolean; message: string }): Verdict {
  return result.ok ? { state: 'ok', message: result.message } : { state: 'failed', message: result.message }
}

function thrown(error: unknown): Verdict {
  return { state: 'failed', message: error instanceof Error ? error.message : String(error) }
}

/**
 * Checks the checkpoint's signature against the JWKS, then the entry under it (its leaf
 * hash recomputed from its stored bytes, its inclusion proof to the signed root), then
 * that the timeline line says what the proved entry says.
 */
export async function verifyTimeline(input: {
  checkpoint: AuditCheckpoint
  jwks: Jwks
  entry: AuditEntry
  proof: InclusionProof
  timelineEntry: TimelineEntry
  disputeId: string
}): Promise<Verdict> {
  try {
    const v = await verifier()
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
    return thrown(error)
  }
}

/** An export bundle read from disk as a stream, never uploaded. */
export async function verifyBundle(
  file: File,
  onProgress: (progress: BundleProgress) => void,
): Promise<Verdict & { entries?: number }> {
  try {
    const v = await verifier()
    const report = await v.verifyAuditBundle(file.stream(), { totalBytes: file.size, onProgress })
    const problems = [
      report.signature.ok ? undefined : report.signature.message,
      ...report.manifest.problems,
      ...report.entries.failures.map((f) => f.message),
      report.entries.missing > 0 ? `${report.entries.missing} missing` : undefined,
    ].filter((p): p is string => Boolean(p))
    return {
      ...verdict({ ok: report.ok, message: report.ok ? `${report.entries.verified}` : problems.join('; ') }),
      entries: report.entries.verified,
    }
  } catch (error) {
    return thrown(error)
  }
}
