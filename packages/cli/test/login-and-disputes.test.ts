import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hejie } from '@hejie/sdk'
import stringWidth from 'string-width'
import t from 'tap'
import { sampleComplaint } from '../../gateway/src/demo/complaint.js'
import { backend, freshDatabase } from '../../gateway/test/helpers/database.js'
import { testUscc } from '../../gateway/test/helpers/identity.js'
import { runGateway, startGateway } from '../../gateway/test/helpers/process.js'

const cliBin = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Runs the built `hejie` with its own config folder and nothing else from this environment. */
function hejie(args: string[], options: { configDir: string; input?: string }) {
  const child = spawn(process.execPath, [cliBin, ...args], {
    env: { PATH: process.env.PATH, HEJIE_CONFIG_DIR: options.configDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  child.stdin.end(options.input ?? '')
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  )
}

// One gateway process for the file, as an operator runs it, on a database of its own. The
// database is migrated here first, so that the gateway and `clients create` find it ready.
const { location } = await freshDatabase(t)
const databaseEnv: Record<string, string> =
  backend === 'sqlite'
    ? { HEJIE_SQLITE_PATH: location.sqlitePath }
    : { DATABASE_URL: `${location.databaseUrl}?options=-c%20search_path%3D${location.searchPath}` }
const gatewayEnv = { ...databaseEnv, HEJIE_MASTER_KEY: randomBytes(32).toString('base64') }
const gateway = await startGateway(t, gatewayEnv)

// The regulator's client comes from the operator's command line, as on a real deployment.
const created = runGateway(
  ['clients', 'create', '--role', 'regulator', '--name', '12315 intake centre'],
  gatewayEnv,
)
await created.exited
const printed = (label: string) =>
  created.output.map((line) => new RegExp(`^${label}:\\s+(\\S+)`).exec(line)?.[1]).find(Boolean) ?? ''
const regulator = new Hejie({
  baseUrl: gateway.baseUrl,
  clientId: printed('client_id'),
  clientSecret: printed('client_secret'),
})

const enterprise = await regulator.enterprises.create({
  name: '北京爱看视频科技有限公司',
  uscc: testUscc(),
  contact: { name: '王经理', phone: '01088886666' },
})
const apiClient = await regulator.clients.createForEnterprise(enterprise.id, { name: 'Customer service CRM' })
const clientId = apiClient.client_id
const clientSecret = apiClient.client_secret ?? ''
const dispute = await regulator.disputes.create(sampleComplaint(enterprise.id, `12315-2026-${Date.now()}`))

t.test(
  `hejie login saves checked credentials readable by the owner only, and disputes list uses them (${backend})`,
  async (t) => {
    const configDir = temporaryDir('hejie-cli-config-')
    const login = await hejie(
      ['login', '--base-url', gateway.baseUrl, '--client-id', clientId, '--client-secret', clientSecret],
      { configDir },
    )
    t.equal(login.code, 0, login.stderr)
    t.match(
      login.stdout,
      `Logged in to ${gateway.baseUrl} as ${clientId}, enterprise 北京爱看视频科技有限公司 (${enterprise.id}).`,
    )

    const file = join(configDir, 'credentials.json')
    t.equal(statSync(file).mode & 0o777, 0o600, 'the file is readable by its owner only')
    t.same(JSON.parse(readFileSync(file, 'utf8')), {
      base_url: gateway.baseUrl,
      client_id: clientId,
      client_secret: clientSecret,
    })

    const list = await hejie(['disputes', 'list', '--status', 'assigned'], { configDir })
    t.equal(list.code, 0, list.stderr)
    const [header, row, ...more] = list.stdout.trimEnd().split('\n')
    t.match(header, /^ID\s+STATUS\s+RESPOND BY\s+OVERDUE\s+CONSUMER\s+PROBLEM\s+CLAIM\s+INTAKE TICKET$/)
    t.match(
      row,
      new RegExp(
        `^${dispute.id}\\s+assigned\\s+\\d{4}-\\d\\d-\\d\\d\\s+张伟\\s+contract\\s+¥27\\.00\\s+${dispute.external_ref}$`,
      ),
    )
    t.same(more, [])
    const displayColumn = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)))
    t.equal(
      displayColumn(row ?? '', 'contract'),
      displayColumn(header ?? '', 'PROBLEM'),
      'columns line up on screen although 张伟 is two columns a character',
    )

    const asJson = await hejie(['disputes', 'list', '--json'], { configDir })
    t.same(
      JSON.parse(asJson.stdout).map((listed: { id: string }) => listed.id),
      [dispute.id],
    )

    const none = await hejie(['disputes', 'list', '--status', 'closed'], { configDir })
    t.equal(none.stdout, 'No disputes.\n')

    const show = await hejie(['disputes', 'show', dispute.id], { configDir })
    t.equal(show.code, 0, show.stderr)
    t.match(show.stdout, new RegExp(`^Dispute\\s+${dispute.id}  assigned\\n`))
    t.match(show.stdout, /\nConsumer\s+张伟 {2}13812341234\n/)
    t.match(show.stdout, /\nNext actions\s+accept, decline, contacts$/m)
    t.same(
      JSON.parse((await hejie(['disputes', 'show', dispute.id, '--json'], { configDir })).stdout).id,
      dispute.id,
    )
  },
)

t.test('hejie login reads values left out from standard input', async (t) => {
  const configDir = temporaryDir('hejie-cli-config-')
  const login = await hejie(['login', '--base-url', gateway.baseUrl], {
    configDir,
    input: `${clientId}\n${clientSecret}\n`,
  })
  t.equal(login.code, 0, login.stderr)
  t.match(login.stderr, 'Client id: Client secret: ')
  t.ok(existsSync(join(configDir, 'credentials.json')))
})

t.test('refused credentials exit 2 and save nothing', async (t) => {
  const configDir = temporaryDir('hejie-cli-config-')
  const login = await hejie(
    ['login', '--base-url', gateway.baseUrl, '--client-id', clientId, '--client-secret', 'wrong'],
    { configDir },
  )
  t.equal(login.code, 2)
  t.match(login.stderr, /^hejie: 401 invalid_client: .*\nThe credentials were refused/)
  t.notOk(existsSync(join(configDir, 'credentials.json')))
})

t.test('a command before login exits 2 and says how to log in', async (t) => {
  const list = await hejie(['disputes', 'list'], { configDir: temporaryDir('hejie-cli-config-') })
  t.equal(list.code, 2)
  t.equal(list.stderr, 'hejie: Not logged in: run `hejie login` first.\n')
})

t.test('an API refusal exits 1 with its message and request id', async (t) => {
  const configDir = temporaryDir('hejie-cli-config-')
  await hejie(
    ['login', '--base-url', gateway.baseUrl, '--client-id', clientId, '--client-secret', clientSecret],
    {
      configDir,
    },
  )
  const show = await hejie(['disputes', 'show', 'dsp_nonexistent'], { configDir })
  t.equal(show.code, 1)
  t.match(show.stderr, /^hejie: 404 not_found: .* \(request id \S+\)\n$/)
})

t.test('--help explains the commands; a wrong usage exits 1', async (t) => {
  const configDir = temporaryDir('hejie-cli-config-')
  const help = await hejie(['--help'], { configDir })
  t.equal(help.code, 0)
  t.match(help.stdout, /login \[options\]\s+save the API client credentials/)
  t.match(help.stdout, /disputes\s+read the disputes routed to you/)
  t.match(help.stdout, /Exit codes: 0 done, 1 a usage or API error, 2 not logged in/)

  const version = await hejie(['--version'], { configDir })
  t.equal(
    version.stdout,
    `${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`,
  )

  const listHelp = await hejie(['disputes', 'list', '--help'], { configDir })
  t.match(listHelp.stdout, /in_progress\s+accepted; settle with the consumer/)

  const wrong = await hejie(['disputes', 'list', '--status', 'open'], { configDir })
  t.equal(wrong.code, 1)
  t.match(
    wrong.stderr,
    /option '--status <status...>' argument 'open' is invalid. Allowed choices are assigned, in_progress/,
  )
})
