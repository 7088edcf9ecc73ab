import { readFile, rename, writeFile } from 'node:fs/promises'
import {
  AuditBundleError,
  type AuditBundleReport,
  CheckpointError,
  type EntryFailure,
  readTrustedCheckpoint,
  savedCheckpoint,
  type TrustedCheckpoint,
  verifyAuditBundle,
  type WitnessedCheckpointCheck,
  WitnessKeyError,
} from '@hejie/sdk'
import { type Command, InvalidArgumentError } from 'commander'
import { loadCredentials } from '../credentials.js'
import { t } from '../i18n/index.js'
import { fields } from '../output.js'
import { downloadBundle } from './audit-export.js'
import { monitorCommand } from './audit-monitor.js'
import { progress } from './audit-progress.js'
import { witnessCommand } from './audit-witness.js'
import { several } from './options.js'

/**
 * What `hejie audit verify` exits with: scripts must tell "the log is not intact" from "the
 * check could not be made". 1 and 2 are the codes every `hejie` command uses.
 */
export const auditExitCodes = { verified: 0, unreadable: 1, failed: 3 } as const

function positive(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) throw new InvalidArgumentError(t('options.positive'))
  return number
}

function count(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 0) throw new InvalidArgumentError(t('options.count'))
  return number
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new Error(t('audit.cannotRead', { what, file, reason: (error as Error).message }))
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(t('audit.notJson', { what, file }))
  }
}

async function trustedCheckpointFrom(file: string): Promise<TrustedCheckpoint> {
  const value = await readJson(file, t('audit.trustedCheckpointFile'))
  try {
    return readTrustedCheckpoint(value)
  } catch (error) {
    if (error instanceof CheckpointError)
      throw new Error(t('audit.checkpointUnusable', { file, reason: error.message }))
    throw error
  }
}

async function trustedKeysFrom(file: string) {
  const value = (await readJson(file, t('audit.trustedKeysFile'))) as { keys?: unknown }
  if (!Array.isArray(value?.keys)) throw new Error(t('audit.notJwks', { file, shape: '{ "keys": [...] }' }))
  return value.keys
}

/** Written beside its final name and renamed over it, so that a crash never leaves half a checkpoint. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const partial = `${file}.${process.pid}.tmp`
  await writeFile(partial, text)
  await rename(partial, file)
}

function named(failure: EntryFailure): string {
  const about = [
    failure.disputeId ? t('audit.entryDispute', { id: failure.disputeId }) : undefined,
    failure.objectId && failure.objectId !== failure.disputeId
      ? t('audit.entryObject', { id: failure.objectId })
      : undefined,
    failure.action,
    failure.at,
  ].filter(Boolean)
  const where = failure.index < 0 ? t('audit.entryUnknown') : t('audit.entry', { index: failure.index })
  return `${where}${about.length > 0 ? ` (${about.join(', ')})` : ''}: ${failure.message}`
}

/** `ok` or `FAILED`, in the reader's language: what one check of the report came to. */
function verdict(ok: boolean): string {
  return ok ? t('audit.ok') : t('audit.failed')
}

/** A check's verdict and what it found: `ok: signed by key …`. */
function checked(verdict: string, message: string): string {
  return t('audit.checked', { verdict, message })
}

function witnessLines(check: WitnessedCheckpointCheck | undefined): [string, string | undefined][] {
  if (!check) return []
  const required = check.verified.length + check.missing.length + check.failed.length
  const cosigned = check.verified
    .map((verdict) =>
      t('audit.cosignedAt', {
        name: verdict.name,
        time: new Date((verdict.timestamp ?? 0) * 1000).toISOString(),
      }),
    )
    .join(', ')
  const tally = t('audit.witnessCount', {
    verified: check.verified.length,
    required,
    threshold: check.threshold,
  })
  return [
    [t('audit.note'), checked(verdict(check.note.ok), check.note.message)],
    [
      t('audit.witnesses'),
      checked(
        verdict(check.verified.length >= check.threshold),
        `${tally}${cosigned ? ` (${cosigned})` : ''}`,
      ),
    ],
  ]
}

/** The report for people: one line per check, then what failed, entry by entry. */
export function describeReport(report: AuditBundleReport, bundle: string): string {
  const { manifest, checkpoint, signature, entries, trusted } = report
  const scope =
    manifest.enterpriseId === null
      ? t('audit.everyEnterprise')
      : t('audit.enterpriseOnly', { id: manifest.enterpriseId ?? '?' })
  const expected =
    manifest.to !== undefined && manifest.from !== undefined ? manifest.to - manifest.from : undefined
  const lines: [string, string | undefined][] = [
    [
      t('audit.bundle'),
      t('audit.bundleLine', {
        bundle,
        origin: String(manifest.origin),
        from: String(manifest.from),
        to: String(manifest.to),
        scope,
      }),
    ],
    [t('audit.exported'), manifest.generatedAt],
    [
      t('audit.checkpoint'),
      checkpoint
        ? t('audit.checkpointLine', {
            size: checkpoint.tree_size,
            root: checkpoint.root_hash,
            time: checkpoint.timestamp,
          })
        : t('audit.none'),
    ],
    [
      t('audit.signature'),
      checked(
        verdict(signature.ok),
        `${signature.message}${signature.ok && !signature.pinned ? t('audit.keyFromBundle') : ''}`,
      ),
    ],
    [
      t('audit.manifest'),
      manifest.ok ? verdict(true) : checked(verdict(false), manifest.problems.join('; ')),
    ],
    [
      t('audit.entries'),
      t('audit.entriesVerified', {
        verified: entries.verified,
        total: entries.contiguous && expected !== undefined ? expected : entries.read,
      }) +
        (entries.failed > 0 ? t('audit.entriesFailed', { count: entries.failed }) : '') +
        (entries.missing > 0 ? t('audit.entriesMissing', { count: entries.missing }) : '') +
        (entries.contiguous ? '' : t('audit.filtered')),
    ],
    [
      t('audit.trusted'),
      trusted
        ? checked(trusted.ok ? trusted.status : `${verdict(false)} (${trusted.status})`, trusted.message)
        : undefined,
    ],
    ...witnessLines(report.witnesses),
    [t('audit.result'), report.ok ? t('audit.verified') : t('audit.verificationFailed')],
  ]
  const text = [fields(lines)]
  const uncosigned = [
    ...(report.witnesses?.failed ?? []),
    ...(report.witnesses?.missing ?? []).map((verdict) => ({
      ...verdict,
      reason: verdict.reason ?? t('audit.noCosignature'),
    })),
  ]
  if (uncosigned.length > 0) {
    text.push(
      '',
      t('audit.uncosigned'),
      ...uncosigned.map((verdict) =>
        t('audit.uncosignedLine', {
          name: verdict.name,
          keyId: verdict.keyId,
          reason: String(verdict.reason),
        }),
      ),
    )
  }
  if (entries.failures.length > 0) {
    text.push('', t('audit.failedEntries'), ...entries.failures.map((failure) => `  ${named(failure)}`))
    const unlisted = entries.failed + entries.missing - entries.failures.length
    if (unlisted > 0) text.push(t('audit.more', { count: unlisted }))
  }
  if (!signature.pinned && !trusted) {
    text.push('', t('audit.selfChecked'))
  }
  return text.join('\n')
}

interface VerifyOptions {
  trustedCheckpoint?: string
  trustedKeys?: string
  saveCheckpoint?: string
  requireWitness?: string[]
  witnessThreshold?: number
  json?: boolean
}

interface ExportOptions {
  output: string
  from?: number
  to?: number
  enterprise?: string
  consistencyFrom?: number
}

export function auditCommand(program: Command): void {
  const audit = program.command('audit').description(t('audit.description'))

  audit
    .command('verify')
    .description(t('verify.description'))
    .argument('<bundle>', t('verify.bundle'))
    .option('--trusted-checkpoint <file>', t('verify.trustedCheckpoint'))
    .option('--trusted-keys <file>', t('verify.trustedKeys'))
    .option('--save-checkpoint <file>', t('verify.saveCheckpoint'))
    .option('--require-witness <vkey>', t('verify.requireWitness'), several())
    .option('--witness-threshold <n>', t('verify.witnessThreshold'), positive)
    .option('--json', t('verify.json'))
    .addHelpText('after', `${t('verify.after')}\n${t('audit.exitCodes')}`)
    .action(async (bundle: string, options: VerifyOptions) => {
      if (options.witnessThreshold !== undefined && !options.requireWitness) {
        throw new Error(t('verify.thresholdAlone'))
      }
      const witnesses = options.requireWitness
        ? { keys: options.requireWitness, threshold: options.witnessThreshold }
        : undefined
      const trustedCheckpoint = options.trustedCheckpoint
        ? await trustedCheckpointFrom(options.trustedCheckpoint)
        : undefined
      const trustedKeys = options.trustedKeys ? await trustedKeysFrom(options.trustedKeys) : undefined
      const bar = progress(t('progress.verifying'))
      let report: AuditBundleReport
      try {
        report = await verifyAuditBundle(bundle, {
          ...(trustedCheckpoint ? { trustedCheckpoint } : {}),
          ...(trustedKeys ? { trustedKeys } : {}),
          ...(witnesses ? { witnesses } : {}),
          onProgress: ({ bytesRead, totalBytes, entries }) =>
            bar.update({ bytes: bytesRead, totalBytes, entries }),
        })
      } catch (error) {
        if (error instanceof AuditBundleError)
          throw new Error(t('verify.cannotVerify', { bundle, reason: error.message }))
        if (error instanceof WitnessKeyError) throw new Error(`--require-witness: ${error.message}.`)
        if (error instanceof RangeError) throw new Error(`--witness-threshold: ${error.message}.`)
        throw error
      } finally {
        bar.stop()
      }
      console.log(options.json ? JSON.stringify(report, null, 2) : describeReport(report, bundle))
      if (options.saveCheckpoint) {
        if (report.ok && report.checkpoint) {
          const saved = savedCheckpoint(report.checkpoint, report.signature)
          await writeAtomically(options.saveCheckpoint, `${JSON.stringify(saved, null, 2)}\n`)
          console.error(t('verify.saved', { size: saved.tree_size, file: options.saveCheckpoint }))
        } else {
          console.error(t('verify.notSaved', { file: options.saveCheckpoint }))
        }
      }
      process.exitCode = report.ok ? auditExitCodes.verified : auditExitCodes.failed
    })

  audit
    .command('export')
    .description(t('export.description'))
    .requiredOption('-o, --output <file>', t('export.output'))
    .option('--from <index>', t('export.from'), count)
    .option('--to <index>', t('export.to'), count)
    .option('--enterprise <id>', t('export.enterprise'))
    .option('--consistency-from <size>', t('export.consistencyFrom'), count)
    .addHelpText('after', t('export.after'))
    .action(async (options: ExportOptions) => {
      const credentials = await loadCredentials()
      const bar = progress(t('progress.downloading'))
      try {
        const { bytes, entries } = await downloadBundle(
          credentials,
          {
            from: options.from,
            to: options.to,
            enterpriseId: options.enterprise,
            consistencyFrom: options.consistencyFrom,
          },
          options.output,
          (advance) => bar.update(advance),
        )
        bar.stop()
        console.log(t('export.done', { entries, bytes, file: options.output }))
      } finally {
        bar.stop()
      }
    })

  witnessCommand(audit)
  monitorCommand(audit)
}
