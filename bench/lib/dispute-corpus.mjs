// The scale benchmark's dispute corpus: a given number of disputes, as the gateway would
// store them, built once per schema version and kept in bench/.cache/. Built in a process of
// its own (lib/service.mjs); what serves and measures it is in lib/scale-parts.mjs.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const cacheDirectory = fileURLToPath(new URL('../.cache/', import.meta.url))

const gatewayDist = new URL('../../packages/gateway/dist/', import.meta.url)
const gatewayPackage = new URL('../../packages/gateway/package.json', import.meta.url)

/** The gateway's own Kysely, so that the SQL captured is what the gateway sends. */
function importFromGateway(specifier) {
  return import(pathToFileURL(createRequire(gatewayPackage).resolve(specifier)).href)
}

/** The built .js files of a folder, in a stable order. */
function builtFiles(folder) {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.js'))
    .sort()
    .map((file) => new URL(file, folder))
}

/**
 * What a cached corpus depends on: the schema (every migration, the migrator), the code
 * whose rows it imitates (intake, the actions and their effects, the dispute rules, the
 * presenter that reads them back) and this file. A change to any of them builds a new corpus.
 */
export function codeKey() {
  const files = [
    ...builtFiles(new URL('storage/migrations/', gatewayDist)),
    new URL('storage/migrator.js', gatewayDist),
    new URL('services/disputes/intake.js', gatewayDist),
    new URL('services/disputes/actions.js', gatewayDist),
    ...builtFiles(new URL('services/disputes/effects/', gatewayDist)),
    ...builtFiles(new URL('domain/disputes/', gatewayDist)),
    new URL('services/disputes/presenter.js', gatewayDist),
    new URL('./dispute-corpus.mjs', import.meta.url),
  ]
  const hash = createHash('sha256')
  for (const file of files) hash.update(readFileSync(file))
  return hash.digest('hex').slice(0, 12)
}

/** The cached corpus of `disputes` disputes for this code, and the facts the benchmark needs about it. */
export function cachedCorpusPaths(disputes, enterprises) {
  const stem = join(cacheDirectory, `disputes-${disputes}-${enterprises}-${codeKey()}`)
  return { database: `${stem}.db`, meta: `${stem}.json` }
}

/** A small deterministic generator (mulberry32): the same corpus for the same size. */
function generator(seed) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    /** Picks a key of `weights` ({ key: weight }) in proportion to its weight. */
    weighted(weights) {
      const entries = Object.entries(weights)
      let total = 0
      for (const [, w] of entries) total += w
      let r = next() * total
      for (const [key, w] of entries) {
        r -= w
        if (r < 0) return key
      }
      return entries.at(-1)[0]
    },
  }
}

/**
 * Each enterprise's share of the disputes: Zipf-like (the k-th largest gets 1/k^1.1), so a
 * handful of platforms hold most of them, as on a district bureau's books: with 270
 * enterprises the largest holds about a fifth and the ten largest about three fifths.
 */
function enterpriseShares(count) {
  const weights = Array.from({ length: count }, (_, k) => 1 / (k + 1) ** 1.1)
  const total = weights.reduce((a, b) => a + b, 0)
  let running = 0
  return weights.map((w) => {
    running += w / total
    return running
  })
}

function pickEnterprise(cumulative, r) {
  let low = 0
  let high = cumulative.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if (cumulative[middle] < r) low = middle + 1
    else high = middle
  }
  return low
}

const surnames = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
]
const givenNames = [
  '伟',
  '芳',
  '娜',
  '秀英',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
]
const platforms = [
  '视频',
  '外卖',
  '出行',
  '电商',
  '旅游',
  '教育',
  '健身',
  '直播',
  '票务',
  '家政',
  '租车',
  '通信',
]
const cities = ['北京', '上海', '杭州', '深圳', '广州', '成都', '南京', '武汉']
const categories = {
  quality: 'goods / household appliances',
  after_sales: 'services / after-sales repair',
  contract: 'online services / membership',
  price: 'goods / online shopping',
  food_safety: 'food / delivery',
  false_advertising: 'services / education and training',
  measurement: 'goods / fuel and utilities',
  safety: 'goods / children’s products',
  personal_rights: 'services / personal information',
  other: 'other',
}
const problemWeights = {
  contract: 30,
  quality: 20,
  after_sales: 15,
  price: 10,
  false_advertising: 8,
  food_safety: 6,
  personal_rights: 4,
  measurement: 2,
  safety: 2,
  other: 3,
}
const channelWeights = { hotline_12315: 45, web: 20, app: 15, mini_program: 10, hotline_12345: 8, walk_in: 2 }
const demandsByType = {
  quality: ['return', 'refund'],
  after_sales: ['repair'],
  contract: ['refund'],
  other: ['other'],
}
const remedyWeights = {
  refund: 35,
  partial_refund: 20,
  return_and_refund: 15,
  replacement: 10,
  repair: 8,
  compensation: 7,
  apology: 5,
}
const withMoney = new Set(['refund', 'partial_refund', 'return_and_refund', 'compensation'])

const DAY = 86_400_000
const HOUR = 3_600_000

/**
 * Where a dispute stands, by whether its deadline has passed when the corpus is made: most
 * recent ones are still with the enterprise, most old ones closed, a few old ones still
 * open (late, marked overdue), escalated or waiting for the regulator after a decline.
 */
const recentStatus = { assigned: 35, in_progress: 38, settled: 12, returned: 5, escalated: 2, closed: 8 }
const pastStatus = { closed: 86, escalated: 5, settled: 3, in_progress: 2, returned: 2, assigned: 2 }
const closedResolution = { settled: 72, withdrawn: 14, mediated: 8, terminated: 4, rejected: 2 }

const iso = (ms) => new Date(ms).toISOString()

/**
 * One dispute row as the gateway would hold it after intake and the actions that brought it
 * to its status (intake.ts, actions.ts): the same columns, JSON shapes and key order, ids
 * from the gateway's own `newId`, `respond_by` from its working-day calendar, `version` one
 * more per action, `overdue` and the scanner's marks as the deadline scanner leaves them.
 */
function disputeRow({
  rng,
  newId,
  intakeRow,
  phoneKeyer,
  repeatPhones,
  laterId,
  respondBy,
  createdAt,
  enterpriseId,
  jurisdictionId,
  sequence,
  end,
}) {
  const id = newId('dsp', createdAt)
  const problemType = rng.weighted(problemWeights)
  const demands = demandsByType[problemType] ?? ['refund', 'compensation']
  const paid = rng.int(9, 2_000) * 100
  const claim = {
    description: '会员自动续费后无法取消，客服不予退款。The consumer asks for the renewal to be refunded.',
    demands,
    amount: { amount: Math.min(paid, rng.int(1, 20) * 1_000), currency: 'CNY' },
  }
  const purchase = rng.chance(0.85)
    ? {
        date: iso(createdAt - rng.int(1, 60) * DAY).slice(0, 10),
        order_ref: `ORD${sequence.toString(36).toUpperCase().padStart(10, '0')}`,
        amount: { amount: paid, currency: 'CNY' },
        channel: rng.weighted({ online: 80, offline: 15, live_stream: 5 }),
      }
    : null
  const assignedAt = createdAt
  const deadline = respondBy(assignedAt)
  const past = Date.parse(deadline) < end
  const status = rng.weighted(past ? pastStatus : recentStatus)
  const at = (from, maxHours) => Math.min(end - 1_000, from + rng.int(1, maxHours) * HOUR)

  // The row exactly as intake stores it (the gateway's own `intakeRow`), then the actions'
  // changes below. The random draws keep the order of the row's columns.
  const externalRef = `12315-${iso(createdAt).slice(0, 10).replaceAll('-', '')}-${String(sequence).padStart(9, '0')}`
  const channel = rng.weighted(channelWeights)
  // Most consumers complain once; a few come back again and again (the repeat complainants
  // of the risk signals), about one complaint in fifty.
  const consumer = {
    name: `${rng.pick(surnames)}${rng.pick(givenNames)}`,
    phone: rng.chance(0.02)
      ? rng.pick(repeatPhones)
      : `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`,
  }
  const receivedAt = iso(createdAt - rng.int(0, 36) * HOUR)
  const row = intakeRow(
    {
      external_ref: externalRef,
      channel,
      enterprise_id: enterpriseId,
      consumer,
      problem_type: problemType,
      category: categories[problemType],
      claim,
      ...(purchase ? { purchase } : {}),
      received_at: receivedAt,
    },
    {
      id,
      at: iso(assignedAt),
      respondBy: deadline,
      jurisdictionId,
      phoneKey: phoneKeyer.keyOf(consumer.phone),
    },
  )
  row.status = status
  let last = createdAt
  let version = 1
  const step = (maxHours) => {
    last = at(last, maxHours)
    version += 1
    return iso(last)
  }
  // The indicator columns the writes keep: the first contact's time, and an escalation's.
  const contacts = (n) => {
    for (let i = 0; i < n; i++) {
      const contacted = step(24)
      row.first_contact_at ??= contacted
    }
  }
  const accept = () => {
    row.accepted_at = step(48)
  }
  const settle = () => {
    const remedy = rng.weighted(remedyWeights)
    const agreed = step(72)
    row.settled_at = agreed
    const amount = withMoney.has(remedy) ? Math.max(100, Math.round(paid * (rng.int(30, 100) / 100))) : null
    row.settlement = JSON.stringify({
      id: laterId('stl', last),
      object: 'settlement',
      dispute_id: id,
      remedy,
      amount: amount === null ? null : { amount, currency: 'CNY' },
      terms: '平台同意退还续费款项并取消自动续费。',
      agreed_at: agreed,
      consumer_consent: {
        method: rng.weighted({ phone_recording: 50, sms: 25, in_app: 20, written: 5 }),
        reference: `REC-${sequence}`,
      },
      created_at: agreed,
    })
    return amount ?? 0
  }
  const outcome = (result) => {
    const reported = step(96)
    if (result === 'not_settled') row.escalated_at ??= reported
    row.outcome = JSON.stringify(
      result === 'fulfilled'
        ? { result, summary: '已按和解协议履行。', reason: null, reported_at: reported }
        : { result, reason: '消费者不接受方案。', summary: '未达成和解。', reported_at: reported },
    )
  }

  switch (status) {
    case 'assigned':
      contacts(rng.int(0, 1))
      break
    case 'in_progress':
      accept()
      contacts(rng.int(0, 2))
      break
    case 'settled': {
      accept()
      contacts(rng.int(1, 2))
      const amount = settle()
      if (amount > 0 && rng.chance(0.3)) {
        step(48)
        row.refunded_amount = Math.round(amount / 2)
      }
      break
    }
    case 'returned':
      step(48)
      break
    case 'escalated':
      if (rng.chance(0.5)) {
        accept()
        contacts(rng.int(1, 2))
        outcome('not_settled')
      } else row.escalated_at = step(240)
      break
    case 'closed': {
      const resolution = rng.weighted(closedResolution)
      row.resolution = resolution
      if (resolution === 'settled') {
        accept()
        contacts(rng.int(1, 3))
        const amount = settle()
        if (amount > 0) {
          step(72)
          row.refunded_amount = amount
        }
        outcome('fulfilled')
      } else if (resolution === 'withdrawn') {
        if (rng.chance(0.5)) accept()
        step(120)
      } else {
        // Declined or escalated first, then closed by the regulator.
        if (rng.chance(0.5)) {
          accept()
          contacts(1)
          outcome('not_settled')
        } else step(48)
        step(240)
      }
      row.closed_at = iso(last)
      if (resolution === 'settled') row.handling_ms = last - createdAt
      if (resolution === 'settled' || resolution === 'mediated') {
        row.resolution_ms = last - Date.parse(receivedAt)
      }
      if (rng.chance(0.3)) {
        const recorded = step(240)
        const satisfied = rng.weighted({ satisfied: 60, basically_satisfied: 25, dissatisfied: 15 })
        row.feedback = JSON.stringify({
          id: laterId('fbk', last),
          object: 'feedback',
          dispute_id: id,
          resolved: satisfied !== 'dissatisfied',
          satisfaction: satisfied,
          note: null,
          recorded_at: recorded,
        })
        row.feedback_satisfaction = satisfied
        row.feedback_resolved = satisfied !== 'dissatisfied' ? 1 : 0
      }
      if (end - createdAt > 365 * DAY && rng.chance(0.01)) {
        const erased = step(24 * 30)
        row.consumer_name = null
        row.consumer_phone = null
        row.consumer_phone_key = null
        row.personal_data_erased_at = erased
      }
      break
    }
  }
  // The deadline scanner's marks: a dispute still awaiting the enterprise after respond_by is
  // overdue and was told so; one answered late stays overdue.
  const respondByMs = Date.parse(deadline)
  const awaiting = status === 'assigned' || status === 'in_progress'
  if (awaiting && past) {
    row.overdue = 1
    row.deadline_warned_at = iso(respondByMs - 2 * DAY)
    row.overdue_notified_at = iso(respondByMs + 60_000)
    version += 1
    last = Math.max(last, respondByMs + 60_000)
    // The bureau urges about a third of the late ones (督办), some twice.
    if (rng.chance(0.3)) {
      row.urge_count = rng.int(1, 2)
      version += row.urge_count
      last = Math.min(end - 1_000, last + rng.int(1, 48) * HOUR)
      row.last_urged_at = iso(last)
    }
  } else if (awaiting && respondByMs - end < 3 * DAY) {
    row.deadline_warned_at = iso(Math.min(end - 1_000, respondByMs - 2 * DAY))
  } else if (row.accepted_at && Date.parse(row.accepted_at) > respondByMs) {
    row.overdue = 1
  }
  row.version = version
  row.updated_at = iso(Math.min(last, end - 1_000))
  return row
}

const columns = [
  'id',
  'external_ref',
  'channel',
  'status',
  'resolution',
  'assignee_type',
  'assignee_id',
  'enterprise_id',
  'respondent',
  'routing',
  'jurisdiction_id',
  'consumer_name',
  'consumer_phone',
  'consumer_phone_key',
  'personal_data_erased_at',
  'problem_type',
  'category',
  'claim',
  'purchase',
  'received_at',
  'assigned_at',
  'respond_by',
  'accepted_at',
  'settled_at',
  'closed_at',
  'overdue',
  'deadline_warned_at',
  'overdue_notified_at',
  'settlement',
  'refunded_amount',
  'outcome',
  'feedback',
  'first_contact_at',
  'escalated_at',
  'feedback_satisfaction',
  'feedback_resolved',
  'handling_ms',
  'resolution_ms',
  'urge_count',
  'last_urged_at',
  'version',
  'created_at',
  'updated_at',
]

/**
 * Builds the corpus into the cache unless it is there for this code: the real migrations
 * through the gateway's migrator, `enterprises` enterprises (created over the first months),
 * `disputes` disputes over the two years before now spread over them by `enterpriseShares`,
 * inserted with prepared statements in transactions of 50,000 in id order, as they would have
 * arrived; then API clients for the regulator and the largest enterprise through the
 * gateway's own `createClient`. Written under a temporary name and renamed when complete.
 */
export async function buildCorpus({ disputes, enterprises }, log = () => {}) {
  const paths = cachedCorpusPaths(disputes, enterprises)
  if (existsSync(paths.database) && existsSync(paths.meta)) return { ...paths, built: false }
  await mkdir(cacheDirectory, { recursive: true })
  // Corpora of this size built by other code are stale (about a gigabyte at a million).
  for (const file of readdirSync(cacheDirectory)) {
    if (file.startsWith(`disputes-${disputes}-${enterprises}-`))
      rmSync(join(cacheDirectory, file), { force: true })
  }
  const partial = `${paths.database}.partial`
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true })

  const [{ default: SQLite }, gateway] = await Promise.all([
    import('better-sqlite3'),
    import('@hejie/gateway'),
  ])
  // Settlements and feedback come later than the next disputes arrive: their ids are made in
  // the same format but apart from the monotonic sequence, which would otherwise carry their
  // later time into the ids of the disputes that follow.
  const { ulid } = await importFromGateway('ulid')
  const laterId = (prefix, ms) => `${prefix}_${ulid(ms).toLowerCase()}`
  const begin = performance.now()
  const migrated = gateway.openDatabase({ sqlitePath: partial })
  await gateway.migrateToLatest(migrated)
  await migrated.close()

  const rng = generator(disputes ^ 0x5eed)
  // Signing keys the gateway makes on its first start are sealed with this key, so that
  // later starts on the same file can open them; the consumers' phone keys derive from it.
  // A throwaway: the file is a benchmark's.
  const masterKey = randomBytes(32).toString('base64')
  const phoneKeyer = gateway.PhoneKeyer.fromMasterKey(gateway.MasterKey.fromBase64(masterKey))
  const repeatPhones = Array.from(
    { length: Math.max(10, Math.round(disputes / 500)) },
    () => `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`,
  )
  const end = Date.now() - HOUR
  const start = end - 730 * DAY
  const policy = gateway.deadlinePolicyFrom(gateway.loadConfig({}, {}))
  // respond_by depends only on the Shanghai date of assignment.
  const deadlines = new Map()
  const respondBy = (ms) => {
    const day = new Date(ms + 8 * HOUR).toISOString().slice(0, 10)
    let value = deadlines.get(day)
    if (value === undefined) {
      value = gateway.respondBy(policy, new Date(ms))
      deadlines.set(day, value)
    }
    return value
  }

  const db = new SQLite(partial)
  db.pragma('journal_mode = WAL')
  // A cache: an interrupted build is thrown away, so it need not survive a power cut.
  db.pragma('synchronous = OFF')
  db.pragma('foreign_keys = ON')
  // Every dispute and enterprise in the root jurisdiction the migrator made: a city bureau
  // reading its whole city, the heaviest regulator query there is.
  const rootJurisdiction = db.prepare('select id from jurisdictions where parent_id is null').get().id
  const insertEnterprise = db.prepare(
    'insert into enterprises (id, name, uscc, address, contact_name, contact_phone, contact_email, odr_status, jurisdiction_id, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const enterpriseIds = []
  db.transaction(() => {
    for (let k = 0; k < enterprises; k++) {
      const createdAt = start - 90 * DAY + k * 20 * 60_000
      const first17 = `91${rng.pick(['110105', '310115', '330106', '440305'])}MA${String(k + 1).padStart(7, '0')}`
      const code = first17 + gateway.usccCheckCharacter(first17)
      if (!gateway.isValidUscc(code)) throw new Error(`made an invalid USCC ${code}`)
      // The largest stay in the programme; a few small ones were suspended or left.
      const odrStatus = k < 200 ? 'active' : rng.weighted({ active: 90, suspended: 5, exited: 5 })
      const id = gateway.newId('ent', createdAt)
      insertEnterprise.run(
        id,
        `${rng.pick(cities)}${rng.pick(platforms)}${k + 1}号科技有限公司`,
        code,
        null,
        '客服中心',
        `400${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
        null,
        odrStatus,
        rootJurisdiction,
        iso(createdAt),
        iso(createdAt),
      )
      enterpriseIds.push(id)
    }
  })()

  const insertDispute = db.prepare(
    `insert into disputes (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  )
  const shares = enterpriseShares(enterprises)
  const counts = new Array(enterprises).fill(0)
  const byStatus = {}
  const spacing = (end - start) / disputes
  let createdAt = start
  const BATCH = 50_000
  const insertBatch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      // Exponential gaps: arrivals at a steady rate, in increasing time (ids are time-ordered).
      createdAt += Math.max(1, Math.round(-Math.log(1 - rng.next()) * spacing))
      const k = pickEnterprise(shares, rng.next())
      counts[k] += 1
      const row = disputeRow({
        rng,
        newId: gateway.newId,
        intakeRow: gateway.intakeRow,
        phoneKeyer,
        repeatPhones,
        laterId,
        respondBy,
        createdAt: Math.min(createdAt, end - 2_000),
        enterpriseId: enterpriseIds[k],
        jurisdictionId: rootJurisdiction,
        sequence: i + 1,
        end,
      })
      byStatus[row.status] = (byStatus[row.status] ?? 0) + 1
      insertDispute.run(...columns.map((c) => row[c]))
    }
  })
  for (let from = 0; from < disputes; from += BATCH) {
    const to = Math.min(disputes, from + BATCH)
    insertBatch(from, to)
    log(`  ${to.toLocaleString('en-US')} disputes inserted`)
  }
  db.pragma('wal_checkpoint(TRUNCATE)')

  // The measured enterprise: the largest. Ids to fetch at random and a cursor deep in its list.
  const measured = enterpriseIds[0]
  const sample = db
    .prepare('select id from disputes where enterprise_id = ? order by random() limit 2000')
    .all(measured)
    .map((r) => r.id)
  const deep = db
    .prepare('select id from disputes where enterprise_id = ? order by id desc limit 1 offset ?')
    .get(measured, Math.floor(counts[0] / 2))
  db.close()

  // API clients through the gateway's own code (secret hashed, audited).
  const database = gateway.openDatabase({ sqlitePath: partial })
  const context = { actor: gateway.operator, requestId: 'bench-scale' }
  const { body: regulator } = await gateway.createClient(database, context, {
    name: 'district bureau',
    role: 'regulator',
    enterpriseId: null,
  })
  const { body: enterprise } = await gateway.createClient(database, context, {
    name: 'customer service system',
    role: 'enterprise',
    enterpriseId: measured,
  })
  await database.close()

  const meta = {
    disputes,
    enterprises,
    builtAt: iso(end + HOUR),
    span: { from: iso(start), to: iso(end) },
    byStatus,
    largest: counts
      .slice()
      .sort((a, b) => b - a)
      .slice(0, 10),
    measured: { enterpriseId: measured, disputes: counts[0] },
    deepCursorAfter: deep.id,
    deepPosition: Math.floor(counts[0] / 2),
    sampleIds: sample,
    clients: {
      regulator: { clientId: regulator.client_id, clientSecret: regulator.client_secret },
      enterprise: { clientId: enterprise.client_id, clientSecret: enterprise.client_secret },
    },
    masterKey,
    seconds: (performance.now() - begin) / 1000,
  }
  writeFileSync(paths.meta, `${JSON.stringify(meta, null, 2)}\n`)
  renameSync(partial, paths.database)
  for (const suffix of ['-wal', '-shm']) rmSync(`${partial}${suffix}`, { force: true })
  return { ...paths, built: true, seconds: meta.seconds }
}

/** Builds a corpus (see `buildCorpus`) in a process of its own, reporting progress. */
export async function startCorpusBuilder() {
  return { build: (args) => buildCorpus(args, (line) => console.log(line)) }
}
