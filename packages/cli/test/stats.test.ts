import type { Test } from 'tap'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { complaint, enrolEnterprise, gatewayWithRegulator } from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

// Three enterprises: 爱看视频 receives 3 disputes, 优品电商 and 安居维修 1 each.
const { baseUrl, regulator, regulatorCredentials } = await gatewayWithRegulator(t)
const video = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
const shop = await enrolEnterprise(regulator, '北京优品电商有限公司')
const repair = await enrolEnterprise(regulator, '北京安居家电维修服务有限公司')
for (const id of [
  video.enterprise.id,
  video.enterprise.id,
  video.enterprise.id,
  shop.enterprise.id,
  repair.enterprise.id,
]) {
  await regulator.disputes.create(complaint(id))
}
const asRegulator = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: regulatorCredentials.clientId,
  HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
}

const run = async (t: Test, args: string[], env = asRegulator) => {
  const cli = runCli(t, args, env)
  const exited = await cli.exited
  return { ...exited, stdout: cli.stdout, stderr: cli.stderr }
}

t.test(`stats rankings prints the table, ties sharing a rank (${backend})`, async (t) => {
  const { code, stdout, stderr } = await run(t, [
    'stats',
    'rankings',
    '--metric',
    'received',
    '--min-concluded',
    '0',
  ])
  t.equal(code, 0, stderr.join('\n'))
  const [header, ...rows] = stdout
  t.match(header, /^RANK\s+NAME\s+RECEIVED\s+CONCLUDED\s+RECEIVED\s+ASSIGNEE$/)
  const tied = [shop.enterprise.id, repair.enterprise.id].sort()
  t.same(
    rows.map((line) => {
      const cells = line.trim().split(/\s{2,}/)
      return [cells[0], cells[2], cells.at(-1)]
    }),
    [
      ['1', '3', video.enterprise.id],
      ['2', '1', tied[0]],
      ['2', '1', tied[1]],
    ],
  )
  t.match(rows[0], /北京爱看视频科技有限公司/)
})

t.test('stats rankings says who was left out below the minimum', async (t) => {
  const { code, stdout } = await run(t, ['stats', 'rankings', '--metric', 'settlement_rate'])
  t.equal(code, 0)
  t.same(stdout, ['No assignee to rank.', '', 'Left out: 3 with fewer than 5 concluded.'])
})

t.test('stats rankings --json and --csv print what the API answers', async (t) => {
  const jsonRun = await run(t, [
    'stats',
    'rankings',
    '--metric',
    'received',
    '--min-concluded',
    '0',
    '--json',
  ])
  const ranking = JSON.parse(jsonRun.stdout.join('\n'))
  t.match(ranking, { object: 'ranking', metric: 'received', min_concluded: 0 })
  t.equal(ranking.data.length, 3)
  const csvRun = await run(t, ['stats', 'rankings', '--metric', 'received', '--min-concluded', '0', '--csv'])
  t.equal(csvRun.code, 0)
  t.match(csvRun.stdout[0], /^\uFEFF排名,承办方类型,承办方编号,承办方名称,指标值,/)
  t.match(csvRun.stdout[1], new RegExp(`^1,enterprise,${video.enterprise.id},北京爱看视频科技有限公司,3,`))
  t.equal(csvRun.stdout.length, 4)
})

t.test('stats prints the indicators per enterprise as a table, or CSV in English', async (t) => {
  const { code, stdout, stderr } = await run(t, ['stats', '--group-by', 'enterprise'])
  t.equal(code, 0, stderr.join('\n'))
  t.match(stdout[0], /^GROUP\s+RECEIVED\s+SETTLED\s+ESCALATED\s+RETURNED\s+OVERDUE\s+SETTLEMENT/)
  const line = stdout.find((row) => row.startsWith(video.enterprise.id))
  t.match(line, new RegExp(`^${video.enterprise.id}\\s+3\\s+0\\s+0\\s+0\\s+0\\s+—`))
  const csv = await run(t, ['stats', '--csv', '--lang', 'en'])
  t.match(csv.stdout[0], /^\uFEFFgroup,received,accepted,settled,/)
  t.match(csv.stdout[1], /^,5,0,0,/)
})

t.test('an enterprise asking for rankings is told it may not', async (t) => {
  const asEnterprise = {
    HEJIE_BASE_URL: baseUrl,
    HEJIE_CLIENT_ID: video.credentials.clientId,
    HEJIE_CLIENT_SECRET: video.credentials.clientSecret,
  }
  const { code, stderr } = await run(t, ['stats', 'rankings', '--metric', 'received'], asEnterprise)
  t.not(code, 0)
  t.match(stderr.join('\n'), /forbidden|may not/i)
  const missing = await run(t, ['stats', 'rankings'])
  t.not(missing.code, 0)
  t.match(missing.stderr.join('\n'), /--metric/)
})
