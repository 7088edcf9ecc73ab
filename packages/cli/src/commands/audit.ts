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

const exitCodeHelp = `
Exit codes:
  0  everything verified
  1  could not verify: a usage error, or a file that cannot be read or is not an audit bundle
     or checkpoint
  3  verification failed: an entry altered, missing or out of place, a bad signature, a
     checkpoint that does not extend the trusted one (a fork), or, with --require-witness,
     too few of the witnesses required cosigned the checkpoint`

function positive(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1)
    throw new InvalidArgumentError('expected a whole number, 1 or more')
  return number
}

function count(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 0)
    throw new InvalidArgumentError('expected a whole number, 0 or more')
  return number
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new Error(`Cannot read the ${what} ${file}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`The ${what} ${file} is not JSON.`)
  }
}

async function trustedCheckpointFrom(file: string): Promise<TrustedCheckpoint> {
  const value = await readJson(file, 'trusted checkpoint')
  try {
    return readTrustedCheckpoint(value)
  } catch (error) {
    if (error instanceof CheckpointError)
      throw new Error(`The trusted checkpoint ${file} is not usable: ${error.message}.`)
    throw error
  }
}

async function trustedKeysFrom(file: string) {
  const value = (await readJson(file, 'trusted keys')) as { keys?: unknown }
  if (!Array.isArray(value?.keys))
    throw new Error(`The trusted keys ${file} are not a JWKS ({ "keys": [...] }).`)
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
    failure.disputeId ? `dispute ${failure.disputeId}` : undefined,
    failure.objectId && failure.objectId !== failure.disputeId ? `object ${failure.objectId}` : undefined,
    failure.action,
    failure.at,
  ].filter(Boolean)
  const where = failure.index < 0 ? 'entry ?' : `entry ${failure.index}`
  return `${where}${about.length > 0 ? ` (${about.join(', ')})` : ''}: ${failure.message}`
}

function witnessLines(check: WitnessedCheckpointCheck | undefined): [string, string | undefined][] {
  if (!check) return []
  const required = check.verified.length + check.missing.length + check.failed.length
  const cosigned = check.verified
    .map((verdict) => `${verdict.name} at ${new Date((verdict.timestamp ?? 0) * 1000).toISOString()}`)
    .join(', ')
  return [
    ['Note', `${check.note.ok ? 'ok' : 'FAILED'}: ${check.note.message}`],
    [
      'Witnesses',
      `${check.verified.length >= check.threshold ? 'ok' : 'FAILED'}: ${check.verified.length} of ${required} required witnesses cosigned, ${check.threshold} needed${cosigned ? ` (${cosigned})` : ''}`,
    ],
  ]
}

/** The report for people: one line per check, then what failed, entry by entry. */
export function describeReport(report: AuditBundleReport, bundle: string): string {
  const { manifest, checkpoint, signature, entries, trusted } = report
  const scope =
    manifest.enterpriseId === null ? 'every enterprise' : `enterprise ${manifest.enterpriseId ?? '?'} only`
  const expected =
    manifest.to !== undefined && manifest.from !== undefined ? manifest.to - manifest.from : undefined
  const lines: [string, string | undefined][] = [
    ['Bundle', `${bundle}: log ${manifest.origin}, entries ${manifest.from}–${manifest.to} (${scope})`],
    ['Exported', manifest.generatedAt],
    [
      'Checkpoint',
      checkpoint
        ? `size ${checkpoint.tree_size}, root ${checkpoint.root_hash}, ${checkpoint.timestamp}`
        : 'none',
    ],
    [
      'Signature',
      `${signature.ok ? 'ok' : 'FAILED'}: ${signature.message}${
        signature.ok && !signature.pinned ? ' (with a key from the bundle itself)' : ''
      }`,
    ],
    ['Manifest', manifest.ok ? 'ok' : `FAILED: ${manifest.problems.join('; ')}`],
    [
      'Entries',
      `${entries.verified} of ${entries.contiguous && expected !== undefined ? expected : entries.read} verified` +
        (entries.failed > 0 ? `, ${entries.failed} failed` : '') +
        (entries.missing > 0 ? `, ${entries.missing} missing` : '') +
        (entries.contiguous ? '' : ' (a filtered export: the entries between are not in it)'),
    ],
    [
      'Trusted',
      trusted
        ? `${trusted.ok ? trusted.status : `FAILED (${trusted.status})`}: ${trusted.message}`
        : undefined,
    ],
    ...witnessLines(report.witnesses),
    ['Result', report.ok ? 'VERIFIED' : 'VERIFICATION FAILED'],
  ]
  const text = [fields(lines)]
  const uncosigned = [
    ...(report.witnesses?.failed ?? []),
    ...(report.witnesses?.missing ?? []).map((verdict) => ({
      ...verdict,
      reason: verdict.reason ?? 'no cosignature of this checkpoint',
    })),
  ]
  if (uncosigned.length > 0) {
    text.push(
      '',
      'Witnesses without a valid cosignature:',
      ...uncosigned.map((verdict) => `  ${verdict.name} (key ${verdict.keyId}): ${verdict.reason}`),
    )
  }
  if (entries.failures.length > 0) {
    text.push('', 'Entries that failed:', ...entries.failures.map((failure) => `  ${named(failure)}`))
    const unlisted = entries.failed + entries.missing - entries.failures.length
    if (unlisted > 0) text.push(`  … and ${unlisted} more`)
  }
  if (!signature.pinned && !trusted) {
    text.push(
      '',
      'The bundle was checked against itself and the keys it carries. Pass --trusted-checkpoint\n' +
        '(saved by an earlier run with --save-checkpoint) to know it extends what you saw before.',
    )
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
  const audit = program
    .command('audit')
    .description('export, verify, witness and monitor the tamper-evident audit log')

  audit
    .command('verify')
    .description('verify an audit export bundle offline: signature, every entry and its proof, no gaps')
    .argument('<bundle>', 'the NDJSON bundle from `hejie audit export` or GET /v1/audit/export')
    .option('--trusted-checkpoint <file>', 'a checkpoint verified earlier: the bundle must extend it')
    .option('--trusted-keys <file>', 'a JWKS to check signatures with instead of the keys in the bundle')
    .option(
      '--save-checkpoint <file>',
      "when everything verifies, save the bundle's checkpoint for next time",
    )
    .option(
      '--require-witness <vkey>',
      "a witness's verifier key (repeat, or separate with commas): the checkpoint must carry its cosignature",
      several(),
    )
    .option(
      '--witness-threshold <n>',
      'how many of the required witnesses must have cosigned (default: all)',
      positive,
    )
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
With --require-witness, the bundle's checkpoint line must also carry the checkpoint as a
signed note, signed by the key that the JWS is checked with (the trusted keys, else the
bundle's JWKS), and cosignatures by at least --witness-threshold of the witnesses named.

The report goes to standard output; progress to standard error, as a bar in a terminal.
A failing entry is named by its leaf index, with its dispute, action and time when its
bytes still say them. See docs/audit.md.
${exitCodeHelp}`,
    )
    .action(async (bundle: string, options: VerifyOptions) => {
      if (options.witnessThreshold !== undefined && !options.requireWitness) {
        throw new Error('--witness-threshold counts the witnesses of --require-witness: name them.')
      }
      const witnesses = options.requireWitness
        ? { keys: options.requireWitness, threshold: options.witnessThreshold }
        : undefined
      const trustedCheckpoint = options.trustedCheckpoint
        ? await trustedCheckpointFrom(options.trustedCheckpoint)
        : undefined
      const trustedKeys = options.trustedKeys ? await trustedKeysFrom(options.trustedKeys) : undefined
      const bar = progress('Verifying')
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
        if (error instanceof AuditBundleError) throw new Error(`Cannot verify ${bundle}: ${error.message}.`)
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
          console.error(`Checkpoint of size ${saved.tree_size} saved to ${options.saveCheckpoint}.`)
        } else {
          console.error(`Checkpoint not saved to ${options.saveCheckpoint}: the bundle did not verify.`)
        }
      }
      process.exitCode = report.ok ? auditExitCodes.verified : auditExitCodes.failed
    })

  audit
    .command('export')
    .description('download an audit export bundle to a file, with the saved credentials')
    .requiredOption('-o, --output <file>', 'where to write the bundle')
    .option('--from <index>', 'first entry (default 0)', count)
    .option('--to <index>', 'end of the range, exclusive (default: the checkpoint size)', count)
    .option('--enterprise <id>', "regulators: only this enterprise's entries")
    .option(
      '--consistency-from <size>',
      'include the proof that the log extends the tree of this size (a trusted checkpoint)',
      count,
    )
    .addHelpText(
      'after',
      '\nThe bundle is written to <file>.partial and renamed when complete. Verify it with\n`hejie audit verify <file>`; pass the size of your trusted checkpoint as --consistency-from\nwhen the export does not start at entry 0.',
    )
    .action(async (options: ExportOptions) => {
      const credentials = await loadCredentials()
      const bar = progress('Downloading')
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
        console.log(`${entries} entries (${bytes} bytes) written to ${options.output}.`)
      } finally {
        bar.stop()
      }
    })

  witnessCommand(audit)
  monitorCommand(audit)
}
