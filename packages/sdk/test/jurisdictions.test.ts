import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { accessToken, testUscc } from '../../gateway/test/helpers/identity.js'
import {
  BadRequestError,
  ConflictError,
  type Hejie,
  type Jurisdiction,
  NotFoundError,
  PermissionDeniedError,
  verifyAuditBundle,
} from '../src/index.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  recordingAgent,
  sdkClient,
} from './helpers/gateway.js'

type Teardown = Parameters<typeof gatewayWithRegulator>[0]

/** A regulator client of `jurisdiction`, made by the city's regulator through the SDK. */
async function regulatorOf(t: Teardown, baseUrl: string, city: Hejie, jurisdiction: Jurisdiction) {
  const client = await city.clients.createForRegulator({
    name: `${jurisdiction.name} 12315`,
    jurisdiction_id: jurisdiction.id,
  })
  return sdkClient(t, baseUrl, { clientId: client.client_id, clientSecret: client.client_secret ?? '' })
}

/**
 * Beijing: the root named as the city bureau, with 丰台区 (two stations) and 朝阳区 (one),
 * set up by the city's regulator as the docs describe.
 */
async function beijing(t: Teardown) {
  const gateway = await gatewayWithRegulator(t)
  const city = gateway.regulator
  const root = (await city.me()).jurisdiction
  if (!root) throw new Error('a regulator has a jurisdiction')
  const renamed = await city.jurisdictions.update(root.id, { name: '北京市市场监督管理局', code: '110000' })
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
  const xincun = await city.jurisdictions.create({
    name: '新村市场监管所',
    code: '110106002',
    level: 'station',
    parent_id: fengtai.id,
  })
  const sanlitun = await city.jurisdictions.create({
    name: '三里屯市场监管所',
    code: '110105001',
    level: 'station',
    parent_id: chaoyang.id,
  })
  return { ...gateway, city, root: renamed, fengtai, chaoyang, lugouqiao, xincun, sanlitun }
}

t.test(
  `the city's regulator names the root, adds districts and stations, and lists the tree parents first (${backend})`,
  async (t) => {
    const { baseUrl, regulatorCredentials, root, fengtai, chaoyang, lugouqiao, xincun, sanlitun } =
      await beijing(t)
    t.match(root, { object: 'jurisdiction', name: '北京市市场监督管理局', code: '110000', level: 'city' })
    t.equal(root.parent_id, null, 'the root has no parent')
    t.match(fengtai, { object: 'jurisdiction', level: 'district', parent_id: root.id })
    t.match(lugouqiao, { level: 'station', code: '110106001', parent_id: fengtai.id })

    const { dispatcher, sent } = recordingAgent()
    const city = sdkClient(t, baseUrl, regulatorCredentials, { dispatcher })
    const listed: string[] = []
    for await (const node of city.jurisdictions.list({ limit: 2 })) listed.push(node.code)
    t.same(
      listed,
      ['110000', '110106', '110105', '110106001', '110106002', '110105001'],
      'by depth, then in the order they were made',
    )
    t.equal(sent.filter((line) => line.startsWith('GET /v1/jurisdictions')).length, 3, 'three pages of two')

    const stations = await city.jurisdictions.list({ level: 'station' })
    t.same(
      stations.data.map((node) => node.id),
      [lugouqiao.id, xincun.id, sanlitun.id],
    )
    t.same(await city.jurisdictions.retrieve(chaoyang.id), chaoyang)
  },
)

t.test(
  `a district regulator sees its own subtree and nothing of the other district (${backend})`,
  async (t) => {
    const { baseUrl, city, root, fengtai, chaoyang, lugouqiao, xincun, sanlitun } = await beijing(t)
    const fengtaiRegulator = await regulatorOf(t, baseUrl, city, fengtai)
    const chaoyangRegulator = await regulatorOf(t, baseUrl, city, chaoyang)
    const made = await city.clients.list({ role: 'regulator' })
    t.ok(
      made.data.some((client) => client.jurisdiction_id === fengtai.id),
      'a regulator client belongs to the node it was made for',
    )

    t.match((await fengtaiRegulator.me()).jurisdiction, { id: fengtai.id, code: '110106' })
    const tree = await fengtaiRegulator.jurisdictions.list()
    t.same(
      tree.data.map((node) => node.id),
      [fengtai.id, lugouqiao.id, xincun.id],
      'its node first, then its stations; neither the city above nor 朝阳区 beside it',
    )
    await t.rejects(fengtaiRegulator.jurisdictions.retrieve(sanlitun.id), NotFoundError)
    await t.rejects(fengtaiRegulator.jurisdictions.retrieve(root.id), {
      constructor: NotFoundError,
      code: 'not_found',
      status: 404,
    })

    // One enterprise, registered by the city, receives complaints from both districts.
    const shop = await enrolEnterprise(city, '北京优品电商有限公司')
    const fromFengtai = await fengtaiRegulator.disputes.create(complaint(shop.enterprise.id))
    t.equal(fromFengtai.jurisdiction_id, fengtai.id, 'received where the regulator is, when not named')
    const atLugouqiao = await fengtaiRegulator.disputes.create({
      ...complaint(shop.enterprise.id),
      jurisdiction_id: lugouqiao.id,
    })
    const fromChaoyang = await chaoyangRegulator.disputes.create(complaint(shop.enterprise.id))

    await t.rejects(chaoyangRegulator.disputes.retrieve(fromFengtai.id), {
      constructor: NotFoundError,
      code: 'not_found',
      status: 404,
    })
    await t.rejects(fengtaiRegulator.disputes.retrieve(fromChaoyang.id), NotFoundError)
    await t.rejects(
      chaoyangRegulator.disputes.create({ ...complaint(shop.enterprise.id), jurisdiction_id: lugouqiao.id }),
      NotFoundError,
      'nor may it receive a complaint in a node of the other district',
    )

    const seenInFengtai = []
    for await (const dispute of fengtaiRegulator.disputes.list()) seenInFengtai.push(dispute.id)
    t.same(seenInFengtai, [atLugouqiao.id, fromFengtai.id])
    const seenAtStation = await fengtaiRegulator.disputes.list({ jurisdiction_id: lugouqiao.id })
    t.same(
      seenAtStation.data.map((dispute) => dispute.id),
      [atLugouqiao.id],
    )
    const seenByCity = await city.disputes.list({ jurisdiction_id: fengtai.id })
    t.same(
      seenByCity.data.map((dispute) => dispute.id),
      [atLugouqiao.id, fromFengtai.id],
      'the city filters to 丰台区 and its stations',
    )
    await t.rejects(
      async () => fengtaiRegulator.disputes.list({ jurisdiction_id: chaoyang.id }),
      NotFoundError,
      'a filter naming a node outside the subtree is not found, as in stats',
    )

    // The directory of enterprises is everyone's; managing one is for its subtree.
    const directory = await chaoyangRegulator.enterprises.list()
    t.ok(directory.data.some((enterprise) => enterprise.id === shop.enterprise.id))
    const registered = await fengtaiRegulator.enterprises.create({
      name: '北京卢沟桥农产品批发市场有限公司',
      uscc: testUscc(),
      contact: { name: '李经理', phone: '01083216677' },
      jurisdiction_id: lugouqiao.id,
    })
    t.equal(registered.jurisdiction_id, lugouqiao.id)
    const inFengtai = await city.enterprises.list({ jurisdiction_id: fengtai.id })
    t.same(
      inFengtai.data.map((enterprise) => enterprise.id),
      [registered.id],
    )
    await t.rejects(
      chaoyangRegulator.enterprises.update(registered.id, { odr_status: 'suspended' }),
      NotFoundError,
      'another district does not manage it',
    )
    await t.rejects(
      chaoyangRegulator.clients.createForEnterprise(registered.id, { name: 'CRM' }),
      NotFoundError,
    )

    const clients = []
    for await (const client of chaoyangRegulator.clients.list()) clients.push(client.jurisdiction_id)
    t.ok(clients.length > 0)
    t.ok(
      clients.every((id) => id === chaoyang.id || id === sanlitun.id),
      'it lists the clients of its subtree only',
    )

    // Stats: per node where the dispute was received, not rolled up.
    const perNode = await city.stats.retrieve({ group_by: 'jurisdiction' })
    t.same(Object.fromEntries(perNode.data.map((group) => [group.group, group.received])), {
      [fengtai.id]: 1,
      [lugouqiao.id]: 1,
      [chaoyang.id]: 1,
    })
    const fengtaiTotals = await city.stats.retrieve({ jurisdiction_id: fengtai.id })
    t.equal(fengtaiTotals.data[0]?.received, 2, '丰台区 with its stations')
    t.equal((await chaoyangRegulator.stats.retrieve()).data[0]?.received, 1, 'a district counts its own')
    await t.rejects(
      chaoyangRegulator.stats.retrieve({ jurisdiction_id: fengtai.id }),
      NotFoundError,
      'stats of a node outside the subtree are not found',
    )
  },
)

t.test(
  `the tree refuses a taken code, a wrong level and a regulator editing its own node (${backend})`,
  async (t) => {
    const { baseUrl, city, root, fengtai, chaoyang, lugouqiao } = await beijing(t)
    const fengtaiRegulator = await regulatorOf(t, baseUrl, city, fengtai)

    await t.rejects(city.jurisdictions.create({ name: '丰台区又一局', code: '110106', level: 'district' }), {
      constructor: ConflictError,
      code: 'conflict',
      status: 409,
    })
    await t.rejects(
      city.jurisdictions.create({
        name: '卢沟桥下的区',
        code: '110107',
        level: 'district',
        parent_id: lugouqiao.id,
      }),
      { constructor: BadRequestError, code: 'validation_failed' },
      'a district cannot sit under a station',
    )
    await t.rejects(
      city.jurisdictions.create({ name: '石景山区市场监督管理局', code: 'SJS', level: 'district' }),
      { constructor: BadRequestError, code: 'validation_failed' },
      'a district is coded by its six-digit area code',
    )
    await t.rejects(
      fengtaiRegulator.jurisdictions.create({
        name: '朝阳门所',
        code: '110105009',
        level: 'station',
        parent_id: chaoyang.id,
      }),
      NotFoundError,
      'a parent outside its subtree is not found',
    )
    await t.rejects(
      fengtaiRegulator.jurisdictions.update(fengtai.id, { name: '丰台分局' }),
      { constructor: PermissionDeniedError, code: 'forbidden', status: 403 },
      'a district is renamed by the city, not by itself',
    )
    await t.rejects(fengtaiRegulator.jurisdictions.update(root.id, { name: '北京' }), NotFoundError)

    const renamed = await fengtaiRegulator.jurisdictions.update(lugouqiao.id, { name: '卢沟桥所' })
    t.match(renamed, { id: lugouqiao.id, name: '卢沟桥所', code: '110106001', parent_id: fengtai.id })
    t.equal((await city.jurisdictions.retrieve(lugouqiao.id)).name, '卢沟桥所')
  },
)

t.test(
  `a district's audit export verifies as a filtered bundle, the city's as the whole log (${backend})`,
  async (t) => {
    const { app, regulator: city, regulatorCredentials } = await gatewayWithRegulator(t)
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
    const shop = await enrolEnterprise(city, '北京优品电商有限公司')
    await city.disputes.create({ ...complaint(shop.enterprise.id), jurisdiction_id: fengtai.id })
    await city.disputes.create({ ...complaint(shop.enterprise.id), jurisdiction_id: chaoyang.id })
    const client = await city.clients.createForRegulator({ name: '丰台区 审计', jurisdiction_id: fengtai.id })
    const exportAs = async (token: string) => {
      const res = await app.inject({ url: '/v1/audit/export', headers: { authorization: `Bearer ${token}` } })
      return verifyAuditBundle(
        (async function* () {
          yield res.body
        })(),
      )
    }
    const district = await exportAs(
      await accessToken(app, { clientId: client.client_id, clientSecret: client.client_secret ?? '' }),
    )
    t.ok(district.ok, 'every entry of the district verifies')
    t.equal(district.manifest.jurisdictionId, fengtai.id)
    t.equal(district.entries.contiguous, false, 'the other districts’ entries are not expected')
    t.ok(district.entries.verified > 0)
    const whole = await exportAs(await accessToken(app, regulatorCredentials))
    t.ok(whole.ok)
    t.equal(whole.manifest.jurisdictionId, null, 'the city exports the whole log')
    t.equal(whole.entries.contiguous, true, 'so every index must be there')
    t.ok(whole.entries.verified > district.entries.verified)
  },
)
