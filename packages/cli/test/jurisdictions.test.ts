import stringWidth from 'string-width'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { complaint, enrolEnterprise, gatewayWithRegulator } from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

// Beijing as the city bureau sets it up: the root named, 丰台区 with 卢沟桥所, 朝阳区 with 三里屯所.
const { baseUrl, regulator: city, regulatorCredentials } = await gatewayWithRegulator(t)
const root = (await city.me()).jurisdiction
if (!root) throw new Error('a regulator has a jurisdiction')
await city.jurisdictions.update(root.id, { name: '北京市市场监督管理局', code: '110000' })
const fengtai = await city.jurisdictions.create({
  name: '丰台区市场监督管理局',
  code: '110106',
  level: 'district',
})
const chaoyang = await city.jurisdictions.create({
  name: '朝阳区市场监督管理局',
  code: '110105',
  level: 'district',
})
const lugouqiao = await city.jurisdictions.create({
  name: '卢沟桥市场监管所',
  code: '110106001',
  level: 'station',
  parent_id: fengtai.id,
})
const sanlitun = await city.jurisdictions.create({
  name: '三里屯市场监管所',
  code: '110105001',
  level: 'station',
  parent_id: chaoyang.id,
})

const asCity = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: regulatorCredentials.clientId,
  HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
}
const fengtaiClient = await city.clients.createForRegulator({
  name: '丰台区局 12315',
  jurisdiction_id: fengtai.id,
})
const asFengtai = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: fengtaiClient.client_id,
  HEJIE_CLIENT_SECRET: fengtaiClient.client_secret ?? '',
}

/** The NAME column of a line of the tree, with its indent (the names here have no spaces). */
const nameColumn = (line: string) => /^\s*\S+/.exec(line)?.[0]

t.test(`jurisdictions list shows the caller's subtree as an indented tree (${backend})`, async (t) => {
  const list = runCli(t, ['jurisdictions', 'list'], asCity)
  t.same(await list.exited, { code: 0, signal: null }, list.stderr.join('\n'))
  const [header, ...rows] = list.stdout
  t.match(header, /^NAME\s+CODE\s+LEVEL\s+ID$/)
  const expected: [indent: string, name: string, code: string, level: string, id: string][] = [
    ['', '北京市市场监督管理局', '110000', 'city', root.id],
    ['  ', '丰台区市场监督管理局', '110106', 'district', fengtai.id],
    ['    ', '卢沟桥市场监管所', '110106001', 'station', lugouqiao.id],
    ['  ', '朝阳区市场监督管理局', '110105', 'district', chaoyang.id],
    ['    ', '三里屯市场监管所', '110105001', 'station', sanlitun.id],
  ]
  t.equal(rows.length, expected.length)
  expected.forEach(([indent, name, code, level, id], i) => {
    t.match(
      rows[i],
      new RegExp(`^${indent}${name}\\s+${code}\\s+${level}\\s+${id}$`),
      `${name} under its parent`,
    )
  })
  const column = (line: string | undefined, text: string) =>
    stringWidth((line ?? '').slice(0, (line ?? '').indexOf(text)))
  t.ok(
    rows.every((row, i) => column(row, expected[i]?.[2] ?? '') === column(header, 'CODE')),
    'codes line up on screen under CODE, whatever the width of the names',
  )

  const asJson = runCli(t, ['jurisdictions', 'list', '--json'], asCity)
  t.same(await asJson.exited, { code: 0, signal: null })
  t.same(
    JSON.parse(asJson.stdout.join('\n')).map((node: { code: string }) => node.code),
    ['110000', '110106', '110105', '110106001', '110105001'],
    'as the API lists them: parents first',
  )

  const stations = runCli(t, ['jurisdictions', 'list', '--level', 'station'], asCity)
  t.same(await stations.exited, { code: 0, signal: null })
  t.same(
    stations.stdout.slice(1).map(nameColumn),
    ['卢沟桥市场监管所', '三里屯市场监管所'],
    'a level alone: each node at the left, its parent not being listed',
  )

  const district = runCli(t, ['jurisdictions', 'list'], asFengtai)
  t.same(await district.exited, { code: 0, signal: null })
  t.same(
    district.stdout.slice(1).map(nameColumn),
    ['丰台区市场监督管理局', '  卢沟桥市场监管所'],
    'a district regulator sees its own node at the top and nothing of the city or of 朝阳区',
  )
})

t.test(`jurisdictions create adds a station under a parent named by its code (${backend})`, async (t) => {
  const created = runCli(
    t,
    [
      'jurisdictions',
      'create',
      '--name',
      '新村市场监管所',
      '--code',
      '110106002',
      '--level',
      'station',
      '--parent',
      '110106',
    ],
    asCity,
  )
  t.same(await created.exited, { code: 0, signal: null }, created.stderr.join('\n'))
  t.match(created.stdout[0], /^Jurisdiction\s+jur_\S+ {2}新村市场监管所$/)
  const printed = created.stdout.join('\n')
  t.match(printed, /^Code\s+110106002$/m)
  t.match(printed, /^Level\s+station$/m)
  t.match(printed, new RegExp(`^Parent\\s+${fengtai.id}$`, 'm'))
  const listed = await city.jurisdictions.list({ level: 'station' })
  t.ok(listed.data.some((node) => node.code === '110106002' && node.parent_id === fengtai.id))

  const byDistrict = runCli(
    t,
    ['jurisdictions', 'create', '--name', '大红门所', '--code', '110106003', '--level', 'station', '--json'],
    asFengtai,
  )
  t.same(await byDistrict.exited, { code: 0, signal: null }, byDistrict.stderr.join('\n'))
  t.match(JSON.parse(byDistrict.stdout.join('\n')), {
    object: 'jurisdiction',
    code: '110106003',
    parent_id: fengtai.id,
  })

  const outside = runCli(
    t,
    [
      'jurisdictions',
      'create',
      '--name',
      '朝外所',
      '--code',
      '110105002',
      '--level',
      'station',
      '--parent',
      '110105',
    ],
    asFengtai,
  )
  t.same(await outside.exited, { code: 1, signal: null })
  t.same(outside.stderr, [
    'hejie: No jurisdiction with the code 110105 in your subtree (see `hejie jurisdictions list`).',
  ])

  const taken = runCli(
    t,
    ['jurisdictions', 'create', '--name', '丰台区', '--code', '110106', '--level', 'district'],
    asCity,
  )
  t.same(await taken.exited, { code: 1, signal: null })
  t.match(taken.stderr[0], /^hejie: 409 conflict: .*110106.*\(request id \S+\)$/)

  const noLevel = runCli(t, ['jurisdictions', 'create', '--name', '某所', '--code', 'X1'], asCity)
  t.same(await noLevel.exited, { code: 1, signal: null })
  t.match(noLevel.stderr.join('\n'), /required option '--level <level>' not specified/)
})

t.test(`disputes list --jurisdiction keeps what was received there or below (${backend})`, async (t) => {
  const shop = await enrolEnterprise(city, '北京优品电商有限公司')
  const atLugouqiao = await city.disputes.create({
    ...complaint(shop.enterprise.id),
    jurisdiction_id: lugouqiao.id,
  })
  const atSanlitun = await city.disputes.create({
    ...complaint(shop.enterprise.id),
    jurisdiction_id: sanlitun.id,
  })

  const ids = async (args: string[], env: Record<string, string>) => {
    const run = runCli(t, ['disputes', 'list', '--json', ...args], env)
    t.same(await run.exited, { code: 0, signal: null }, run.stderr.join('\n'))
    return JSON.parse(run.stdout.join('\n')).map((dispute: { id: string }) => dispute.id)
  }
  t.same(await ids(['--jurisdiction', '110106'], asCity), [atLugouqiao.id], 'by code')
  t.same(await ids(['--jurisdiction', chaoyang.id], asCity), [atSanlitun.id], 'by id')
  t.same(await ids([], asCity), [atSanlitun.id, atLugouqiao.id])
  t.same(await ids([], asFengtai), [atLugouqiao.id], 'a district regulator sees its subtree only')
})

t.test(`login names a regulator's jurisdiction (${backend})`, async (t) => {
  const login = runCli(t, [
    'login',
    '--base-url',
    baseUrl,
    '--client-id',
    asFengtai.HEJIE_CLIENT_ID,
    '--client-secret',
    asFengtai.HEJIE_CLIENT_SECRET,
  ])
  t.same(await login.exited, { code: 0, signal: null }, login.stderr.join('\n'))
  t.equal(
    login.stdout[0],
    `Logged in to ${baseUrl} as ${asFengtai.HEJIE_CLIENT_ID}, regulator of 丰台区市场监督管理局 (110106).`,
  )
})
