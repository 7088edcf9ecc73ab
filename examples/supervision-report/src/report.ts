/**
 * One report: read the month from the API, verify its audit bundle, render it. `run` is the
 * command (arguments and environment in, an exit code out), so that tests run it in-process.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Hejie } from '@hejie/sdk'
import { type AuditCheck, auditVerdict, checkMonthAudit } from './audit-check.js'
import { fetchReportData, type ReportData } from './fetch.js'
import { isMonth, lastFullMonth, monthPeriod } from './period.js'
import { renderHtml } from './render-html.js'
import { renderMarkdown } from './render-markdown.js'

export interface Report {
  data: ReportData
  audit: AuditCheck
  /** When the report was made, RFC 3339. */
  generatedAt: string
  /** The gateway it was read from. */
  source: string
}

export type Format = 'markdown' | 'html'

export async function buildReport(
  hejie: Hejie,
  month: string,
  options: { source: string; minConcluded?: number | undefined; now?: Date },
): Promise<Report> {
  const [data, audit] = await Promise.all([
    fetchReportData(hejie, month, { minConcluded: options.minConcluded }),
    checkMonthAudit(hejie, monthPeriod(month)),
  ])
  return { data, audit, generatedAt: (options.now ?? new Date()).toISOString(), source: options.source }
}

export function render(report: Report, format: Format): string {
  return format === 'html' ? renderHtml(report) : renderMarkdown(report)
}

export function fileName(month: string, format: Format): string {
  return `report-${month}.${format === 'html' ? 'html' : 'md'}`
}

export interface RunOptions {
  argv: string[]
  env: Record<string, string | undefined>
  log?: (line: string) => void
  error?: (line: string) => void
  now?: Date
}

const USAGE =
  'usage: supervision-report [--month YYYY-MM] [--format markdown|html] [--out DIR] [--min-concluded N]'

/** Exit codes: 0 written and verified, 1 written but the audit verification failed, 2 not run. */
export async function run(options: RunOptions): Promise<number> {
  const log = options.log ?? console.log
  const error = options.error ?? console.error
  const now = options.now ?? new Date()
  let args: Args
  try {
    args = parseArgs(options.argv, now)
  } catch (problem) {
    error(`${(problem as Error).message}\n${USAGE}`)
    return 2
  }
  const baseUrl = options.env.HEJIE_BASE_URL ?? 'http://127.0.0.1:3000'
  const clientId = options.env.HEJIE_CLIENT_ID
  const clientSecret = options.env.HEJIE_CLIENT_SECRET
  if (!clientId || !clientSecret) {
    error(
      'Set HEJIE_CLIENT_ID and HEJIE_CLIENT_SECRET to a regulator client; `pnpm start` at the repository root prints the demo city’s.',
    )
    return 2
  }
  const hejie = new Hejie({ baseUrl, clientId, clientSecret })
  const me = await hejie.me()
  if (me.role !== 'regulator') {
    error(`The report is the regulator's: ${me.client_id} is a ${me.role} client.`)
    return 2
  }
  const report = await buildReport(hejie, args.month, {
    source: baseUrl,
    minConcluded: args.minConcluded,
    now,
  })
  const file = join(args.out, fileName(args.month, args.format))
  await writeFile(file, render(report, args.format))
  log(`Wrote ${file}`)
  if (report.audit.ok) {
    log(auditVerdict(report.audit))
    return 0
  }
  error(auditVerdict(report.audit))
  for (const problem of report.audit.problems) error(`  ${problem}`)
  return 1
}

interface Args {
  month: string
  format: Format
  out: string
  minConcluded?: number | undefined
}

function parseArgs(argv: string[], now: Date): Args {
  const args: Args = { month: lastFullMonth(now), format: 'markdown', out: '.' }
  const rest = argv.filter((arg) => arg !== '--')
  for (let i = 0; i < rest.length; i += 1) {
    const name = rest[i]
    const value = rest[i + 1]
    if (value === undefined) throw new Error(`${name} needs a value`)
    i += 1
    if (name === '--month') {
      if (!isMonth(value)) throw new Error(`--month ${value}: expected YYYY-MM`)
      args.month = value
    } else if (name === '--format') {
      if (value === 'md' || value === 'markdown') args.format = 'markdown'
      else if (value === 'html') args.format = 'html'
      else throw new Error(`--format ${value}: expected markdown or html`)
    } else if (name === '--out') {
      args.out = value
    } else if (name === '--min-concluded') {
      const n = Number(value)
      if (!Number.isInteger(n) || n < 0) throw new Error(`--min-concluded ${value}: expected a whole number`)
      args.minConcluded = n
    } else {
      throw new Error(`unknown option ${name}`)
    }
  }
  return args
}
