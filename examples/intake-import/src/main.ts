import { writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { Hejie } from '@hejie/sdk'
import { importTickets } from './import.js'
import { mapTicket } from './map-ticket.js'
import { readExport } from './read-export.js'
import { reportCsv, reportTable, summary } from './report.js'

const usage = 'usage: intake-import <tickets.csv|tickets.xlsx> [--report report.csv]'

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { report: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
})
if (values.help || positionals.length !== 1) {
  console.error(usage)
  process.exit(values.help ? 0 : 1)
}

const baseUrl = process.env.HEJIE_BASE_URL ?? 'http://127.0.0.1:3000'
const clientId = process.env.HEJIE_CLIENT_ID
const clientSecret = process.env.HEJIE_CLIENT_SECRET
if (!clientId || !clientSecret) {
  console.error(
    'Set HEJIE_CLIENT_ID and HEJIE_CLIENT_SECRET to a regulator’s API client (`pnpm start` at the ' +
      'repository root prints the demo city’s 12315 intake centre), and HEJIE_BASE_URL if the ' +
      'gateway is not at http://127.0.0.1:3000.',
  )
  process.exit(1)
}

const file = positionals[0] as string
const rows = await readExport(file).catch((error: Error) => {
  console.error(`${file}: ${error.message}`)
  process.exit(1)
})
const hejie = new Hejie({ baseUrl, clientId, clientSecret })
const lines = await importTickets(hejie, rows.map(mapTicket))

console.log(reportTable(lines))
console.log(`\n${summary(lines)}`)
if (values.report) {
  await writeFile(values.report, reportCsv(lines))
  console.log(`report written to ${values.report}`)
}
// 0: every line is in Hejie (now or before); 2: some were refused, see 原因.
process.exitCode = lines.some((line) => line.result === 'refused') ? 2 : 0
