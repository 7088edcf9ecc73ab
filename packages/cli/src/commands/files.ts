import { createHash } from 'node:crypto'
import { type Hejie, isValidInclusion, leafHash } from '@hejie/sdk'
import { type Command, Option } from 'commander'
import { connect } from '../connection.js'
import { t } from '../i18n/index.js'

/** What `hejie files verify` exits with: 3, as `hejie audit verify`, when a file does not match the log. */
export const filesExitCodes = { verified: 0, failed: 3 } as const

const purposes = [
  'complaint_material',
  'consent_record',
  'refund_receipt',
  'mediation_record',
  'other',
] as const

/** One file's verdict. */
export interface FileVerdict {
  file_id: string
  status: 'verified' | 'erased' | 'mismatch' | 'unproven'
  detail: string
}

/**
 * Checks each file a dispute's audit entries cite: the entry is in the log (its inclusion
 * proof against the current checkpoint's root), and the content downloaded now hashes to the
 * SHA-256 the entry committed to. A file whose content was erased with the dispute's personal
 * data cannot be hashed; it is reported as erased when its kept hash still matches the entry.
 */
export async function verifyDisputeFiles(hejie: Hejie, disputeId: string): Promise<FileVerdict[]> {
  const indices: number[] = []
  for await (const line of hejie.disputes.timeline(disputeId, { limit: 100 })) indices.push(line.audit_index)
  const checkpoint = await checkpointCovering(hejie, Math.max(-1, ...indices))
  const rootHash = Buffer.from(checkpoint.root_hash, 'base64')
  // The SHA-256 each file was committed with, and the entry that committed it (the first).
  const committed = new Map<string, { sha256: string; index: number; proven: boolean }>()
  for (const index of indices) {
    const page = await hejie.audit.entries({ start: index, end: index + 1 })
    const stored = page.data[0]
    if (!stored) continue
    const canonical = Buffer.from(stored.canonical, 'base64')
    const entry = JSON.parse(canonical.toString('utf8')) as {
      evidence?: { file_id: string; sha256: string }[]
    }
    if (!entry.evidence?.length) continue
    let proven = false
    if (index < checkpoint.tree_size) {
      const proof = await hejie.audit.inclusionProof({ leaf_index: index, tree_size: checkpoint.tree_size })
      proven = isValidInclusion({
        leafHash: leafHash(canonical),
        leafIndex: index,
        treeSize: checkpoint.tree_size,
        proof: proof.hashes.map((hash) => Buffer.from(hash, 'base64')),
        rootHash,
      })
    }
    for (const { file_id, sha256 } of entry.evidence) {
      if (!committed.has(file_id)) committed.set(file_id, { sha256, index, proven })
    }
  }

  const verdicts: FileVerdict[] = []
  for (const [fileId, { sha256, index, proven }] of committed) {
    if (!proven) {
      verdicts.push({
        file_id: fileId,
        status: 'unproven',
        detail: `audit entry #${index} is not proved included in the checkpoint of size ${checkpoint.tree_size}`,
      })
      continue
    }
    const file = await hejie.files.retrieve(fileId)
    if (file.content_erased_at !== null) {
      verdicts.push(
        file.sha256 === sha256
          ? {
              file_id: fileId,
              status: 'erased',
              detail: `content erased ${file.content_erased_at}; hash kept`,
            }
          : {
              file_id: fileId,
              status: 'mismatch',
              detail: `kept hash ${file.sha256} is not entry #${index}'s`,
            },
      )
      continue
    }
    const download = await hejie.files.download(fileId)
    const hash = createHash('sha256')
    for await (const chunk of download.content) hash.update(chunk as Buffer)
    const actual = hash.digest('hex')
    verdicts.push(
      actual === sha256
        ? { file_id: fileId, status: 'verified', detail: `sha256 ${actual} as in audit entry #${index}` }
        : {
            file_id: fileId,
            status: 'mismatch',
            detail: `content hashes to ${actual}, audit entry #${index} says ${sha256}`,
          },
    )
  }
  return verdicts
}

/**
 * A signed checkpoint that includes the entry at `index`. The gateway signs one at least
 * every minute while entries arrive, so an entry just written is waited for, a minute at most.
 */
async function checkpointCovering(hejie: Hejie, index: number) {
  const deadline = Date.now() + 65_000
  let checkpoint = await hejie.audit.checkpoint()
  while (checkpoint.tree_size <= index && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000))
    checkpoint = await hejie.audit.checkpoint()
  }
  return checkpoint
}

/** `hejie files`: upload evidence, and check a dispute's files against the audit log. */
export function filesCommand(program: Command): void {
  const files = program.command('files').description(t('files.description'))

  files
    .command('upload <path>')
    .description('upload a file (pdf, jpeg, png, webp, mp3, m4a, amr or wav, at most 10 MiB), streamed')
    .addOption(new Option('--purpose <purpose>', 'what the file shows').choices(purposes).default('other'))
    .option('--dispute <id>', 'the dispute it is for; without one, cite it on an intake within 24 hours')
    .option('--json', 'print the file as JSON')
    .action(
      async (
        path: string,
        options: { purpose: (typeof purposes)[number]; dispute?: string; json?: boolean },
      ) => {
        const hejie = await connect()
        const file = await hejie.files.upload({
          file: path,
          purpose: options.purpose,
          ...(options.dispute ? { dispute_id: options.dispute } : {}),
        })
        if (options.json) return console.log(JSON.stringify(file, null, 2))
        console.log(`${file.id}  ${file.content_type}  ${file.size} bytes  sha256 ${file.sha256}`)
      },
    )

  files
    .command('verify <dispute>')
    .description(
      'download each file the dispute’s audit entries cite and check its SHA-256 against the entry and the entry’s inclusion proof',
    )
    .option('--json', 'print the verdicts as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 every file verified (or erased with its hash kept), 3 a file does not match the log.',
    )
    .action(async (disputeId: string, options: { json?: boolean }) => {
      const hejie = await connect()
      const verdicts = await verifyDisputeFiles(hejie, disputeId)
      if (options.json) console.log(JSON.stringify(verdicts, null, 2))
      else if (verdicts.length === 0) console.log('No files are cited in this dispute’s audit entries.')
      else
        for (const v of verdicts)
          console.log(`${v.status.toUpperCase().padEnd(8)}  ${v.file_id}  ${v.detail}`)
      const failed = verdicts.some((v) => v.status === 'mismatch' || v.status === 'unproven')
      if (failed) process.exitCode = filesExitCodes.failed
    })
}
