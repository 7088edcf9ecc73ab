/**
 * The month's part of the tamper-evident audit log: find the entries written in the month,
 * export them as a bundle (GET /v1/audit/export) and verify it offline with the SDK's
 * `verifyAuditBundle`: every entry's bytes against its leaf hash, every inclusion proof
 * against the signed checkpoint, the checkpoint's signature, no gap in the range.
 */
import { type AuditBundleReport, type Hejie, verifyAuditBundle } from '@hejie/sdk'
import type { Period } from './period.js'

export interface AuditCheck {
  ok: boolean
  /** The index range exported, `[from, to)`. */
  from: number
  to: number
  /** Entry lines in the bundle, and how many passed every check. */
  read: number
  verified: number
  failed: number
  missing: number
  treeSize?: number
  rootHash?: string
  checkpointTime?: string
  keyId?: string
  signatureOk: boolean
  /** What failed, in the verifier's words: the signature, the manifest, then the entries. */
  problems: string[]
}

export async function checkMonthAudit(hejie: Hejie, period: Period): Promise<AuditCheck> {
  const size = (await hejie.audit.checkpoint()).tree_size
  const from = await firstIndexFrom(hejie, Date.parse(period.from), size)
  const to = await firstIndexFrom(hejie, Date.parse(period.to), Math.max(size, from))
  const bundle = await hejie.get('/v1/audit/export', {
    query: { from, to },
    options: { headers: { accept: 'application/x-ndjson' } },
  })
  if (typeof bundle !== 'string') throw new TypeError('the audit export did not answer NDJSON')
  const report = await verifyAuditBundle(chunks(bundle))
  return summary(report, from, to)
}

function summary(report: AuditBundleReport, from: number, to: number): AuditCheck {
  const problems = [
    ...(report.signature.ok ? [] : [`checkpoint signature: ${report.signature.message}`]),
    ...report.manifest.problems.map((p) => `manifest: ${p}`),
    ...report.entries.failures.map((f) => `entry ${f.index}: ${f.message}`),
  ]
  const hidden = report.entries.failed - report.entries.failures.length
  if (hidden > 0) problems.push(`… and ${hidden} more failing entries`)
  if (report.entries.missing > 0) problems.push(`${report.entries.missing} entries missing from the range`)
  const check: AuditCheck = {
    ok: report.ok,
    from,
    to,
    read: report.entries.read,
    verified: report.entries.verified,
    failed: report.entries.failed,
    missing: report.entries.missing,
    signatureOk: report.signature.ok,
    problems,
  }
  if (report.checkpoint) {
    check.treeSize = report.checkpoint.tree_size
    check.rootHash = report.checkpoint.root_hash
    check.checkpointTime = report.checkpoint.timestamp
  }
  if (report.signature.kid) check.keyId = report.signature.kid
  return check
}

/**
 * The first index whose entries (the ones this regulator may read) are written at or after
 * `time`: a binary search on the entries' `at`, which grows with the index. `hint` is a size
 * of the log; entries written since are found by doubling past it.
 */
async function firstIndexFrom(hejie: Hejie, time: number, hint: number): Promise<number> {
  const atOrAfter = async (index: number) => {
    // An entry whose bytes no longer parse (altered) has no time: the next readable one decides.
    const page = await hejie.get('/v1/audit/entries', { query: { start: index, limit: 10 } })
    const first = page.data.find((e) => typeof e.entry?.at === 'string')
    if (first === undefined) return !page.has_more
    return Date.parse(String(first.entry?.at)) >= time
  }
  let high = hint
  while (!(await atOrAfter(high))) high = high * 2 + 1
  let low = 0
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    if (await atOrAfter(middle)) high = middle
    else low = middle + 1
  }
  return low
}

async function* chunks(text: string): AsyncIterable<string> {
  yield text
}

/** The verdict in one sentence, Chinese then English, as both renderers print it. */
export function auditVerdict(check: AuditCheck): string {
  const range = `[${check.from}, ${check.to})`
  if (check.ok && check.read === 0) {
    return `审计包核验通过：本月没有审计记录，检查点签名有效。 The audit bundle verified: 0 entries verified (no audit entry was written in the month).`
  }
  if (check.ok) {
    return `审计包核验通过：本月 ${check.verified} 条审计记录（序号 ${range}）全部核验通过。 The audit bundle verified: ${check.verified} entries verified.`
  }
  return `审计核验失败：${check.failed} 条记录未通过，${check.missing} 条缺失${check.signatureOk ? '' : '，检查点签名无效'}。 AUDIT VERIFICATION FAILED: ${check.failed} of ${check.read} entries failed, ${check.missing} missing${check.signatureOk ? '' : ', the checkpoint signature is invalid'}.`
}
