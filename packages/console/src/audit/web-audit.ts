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
  entries: number
}

interface Verifier {
  verifyCheckpointSignature(
    checkpoint: AuditCheckpoint,
    jwks: Jwks,
  ): Promise<{ ok: boolean; kid?: string; message: string }>
  verifyAuditEntry(input: {
    entry: AuditEntry
    proof: InclusionProof
    checkpoint: AuditCheckpoint
  }): Promise<{
    ok: boolean
    message: string
  }>
  verifyTimelineEntry(input: {
    timelineEntry: TimelineEntry
    entry: AuditEntry
  }): Promise<{ ok: boolean; message: string }>
  verifyAuditBundle(
    stream: ReadableStream<Uint8Array>,
    options: { onProgress?: (progress: BundleProgress) => void },
  ): Promise<{ ok: boolean; entries: number; message: string }>
}

/** Loaded on first use, so the verifier's code is fetched only by pages that verify. */
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

/** Checks the checkpoint's signature against the JWKS once, then the entry's proof under it. */
export async function verifyTimeline(input: {
  checkpoint: AuditCheckpoint
  jwks: Jwks
  entry: AuditEntry
  proof: InclusionProof
  timelineEntry: TimelineEntry
}): Promise<Verdict> {
  const v = await verifier()
  if (!v) return unavailable
  try {
    const signature = await v.verifyCheckpointSignature(input.checkpoint, input.jwks)
    if (!signature.ok) return verdict(signature)
    const inclusion = await v.verifyAuditEntry(input)
    if (!inclusion.ok) return verdict(inclusion)
    return verdict(await v.verifyTimelineEntry(input))
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
    const result = await v.verifyAuditBundle(file.stream(), { onProgress })
    return { ...verdict(result), entries: result.entries }
  } catch (error) {
    return { state: 'failed', message: error instanceof Error ? error.message : String(error) }
  }
}
