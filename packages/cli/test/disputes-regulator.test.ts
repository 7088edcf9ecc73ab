import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import stringWidth from 'string-width'
import t from 'tap'
import { defaultCalendar } from '../../gateway/src/domain/working-days.js'
import { scanDeadlines } from '../../gateway/src/services/disputes/deadline-scan.js'
import { backend } from '../../gateway/test/helpers/database.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  sdkClient,
} from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

// One gateway for the file; the 12315 intake centre of the city works it from the command line.
const { baseUrl, database, regulator: city, regulatorCredentials } = await gatewayWithRegulator(t)
const asCity = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: regulatorCredentials.clientId,
  HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
}
const video = await enrolEnterprise(city, '北京爱看视频科技有限公司')
const shop = await enrolEnterprise(city, '北京优品电商有限公司')
const asVideo = {
  HEJIE_BASE_URL: baseUrl,
  HEJIE_CLIENT_ID: video.credentials.clientId,
  HEJIE_CLIENT_SECRET: video.credentials.clientSecret,
}
const videoClient = sdkClient(t, baseUrl, video.credentials)

const folder = mkdtempSync(join(tmpdir(), 'hejie-cli-intake-'))
t.teardown(() => rmSync(folder, { recursive: true, force: true }))
function file(name: string, content: string): string {
  const path = join(folder, name)
  writeFileSync(path, content)
  return path
}

/** Runs `hejie` and waits for it to end. */
async function hejie(args: string[], env: Record<string, string>, options: { input?: string } = {}) {
  const run = runCli(t, args, env, options)
  const { code } = await run.exited
  return { code, stdout: run.stdout.join('\n'), stderr: run.stderr.join('\n') }
}

/** The value printed on a field's line of `describeDispute` (`Assignee  enterprise ent_…`). */
function field(printed: string, label: string): string | undefined {
  return new RegExp(`^${label} +(.*)$`, 'm').exec(printed)?.[1]
}

t.test(`disputes create takes the intake from a file or from standard input (${backend})`, async (t) => {
  const fromFile = complaint(video.enterprise.id)
  const created = await hejie(
    ['disputes', 'create', file('complaint.json', JSON.stringify(fromFile))],
    asCity,
  )
  t.equal(created.code, 0, created.stderr)
  const id = /^Dispute +(dsp_\S+) {2}assigned$/m.exec(created.stdout)?.[1]
  t.ok(id, 'the new dispute is printed, assigned')
  t.equal(field(created.stdout, 'Assignee'), `enterprise ${video.enterprise.id}`)
  t.equal(field(created.stdout, 'Intake ticket'), `${fromFile.external_ref} via hotline_12315`)
  t.equal(field(created.stdout, 'Next actions'), 'escalate, withdraw, erase-personal-data, urge')
  t.equal((await city.disputes.retrieve(id ?? '')).external_ref, fromFile.external_ref, 'and it is stored')

  const piped = complaint(shop.enterprise.id)
  for (const args of [
    ['disputes', 'create', '--json'],
    ['disputes', 'create', '-', '--json'],
  ]) {
    const body = { ...piped, external_ref: `${piped.external_ref}-${args.length}` }
    const fromStdin = await hejie(args, asCity, { input: JSON.stringify(body) })
    t.equal(fromStdin.code, 0, fromStdin.stderr)
    t.match(
      JSON.parse(fromStdin.stdout),
      {
        object: 'dispute',
        status: 'assigned',
        enterprise_id: shop.enterprise.id,
        external_ref: body.external_ref,
      },
      `${args.join(' ')} reads standard input and prints the dispute as the API returns it`,
    )
  }
})

t.test(`disputes create with an idempotency key can be repeated safely (${backend})`, async (t) => {
  const intake = file('repeat.json', JSON.stringify(complaint(video.enterprise.id)))
  const once = ['disputes', 'create', intake, '--json', '--idempotency-key', `intake-${Date.now()}`]
  const first = await hejie(once, asCity)
  const again = await hejie(once, asCity)
  t.equal(first.code, 0, first.stderr)
  t.equal(again.code, 0, again.stderr)
  t.equal(
    JSON.parse(again.stdout).id,
    JSON.parse(first.stdout).id,
    'the repeat answers with the same dispute',
  )

  const withoutKey = await hejie(['disputes', 'create', intake], asCity)
  t.equal(withoutKey.code, 1)
  t.match(
    withoutKey.stderr,
    /^hejie: 409 conflict: .* \(request id \S+\)$/,
    'a new request for the same ticket',
  )
})

t.test(
  `disputes create says what is wrong with a body before or after sending it (${backend})`,
  async (t) => {
    const missing = await hejie(['disputes', 'create', join(folder, 'nope.json')], asCity)
    t.same(missing, {
      code: 1,
      stdout: '',
      stderr: `hejie: Cannot read the intake from ${join(folder, 'nope.json')}: no such file.`,
    })

    const broken = file('broken.json', '{ "external_ref": "12315-1", ')
    const notJson = await hejie(['disputes', 'create', broken], asCity)
    t.equal(notJson.code, 1)
    t.match(notJson.stderr, new RegExp(`^hejie: The intake in ${broken} is not valid JSON: .+\\.$`))

    const list = await hejie(['disputes', 'create', file('list.json', '[]')], asCity)
    t.equal(list.code, 1)
    t.equal(list.stderr, `hejie: The intake in ${join(folder, 'list.json')} must be a JSON object ({ … }).`)

    const nothing = await hejie(['disputes', 'create'], asCity)
    t.equal(nothing.code, 1)
    t.equal(nothing.stderr, 'hejie: The intake on standard input is empty.')

    const { claim: _claim, ...withoutClaim } = complaint(video.enterprise.id)
    const invalid = await hejie(['disputes', 'create'], asCity, { input: JSON.stringify(withoutClaim) })
    t.equal(invalid.code, 1)
    t.match(
      invalid.stderr,
      /^hejie: 400 validation_failed: .*claim.* \(request id \S+\)$/,
      'the field is named',
    )

    const byEnterprise = await hejie(['disputes', 'create'], asVideo, {
      input: JSON.stringify(complaint(video.enterprise.id)),
    })
    t.equal(byEnterprise.code, 1)
    t.match(byEnterprise.stderr, /^hejie: 403 forbidden: /, 'an enterprise takes no complaints in')
  },
)

t.test(`disputes assign routes a returned dispute to another enterprise (${backend})`, async (t) => {
  const dispute = await city.disputes.create(complaint(video.enterprise.id))
  const returned = await videoClient.disputes.decline(dispute.id, { reason: 'not_responsible' })

  const stale = await hejie(
    [
      'disputes',
      'assign',
      dispute.id,
      '--enterprise',
      shop.enterprise.id,
      '--if-version',
      String(dispute.version),
    ],
    asCity,
  )
  t.equal(stale.code, 1)
  t.match(stale.stderr, /^hejie: 412 precondition_failed: /, 'a version the dispute has moved past')
  t.match(await city.disputes.retrieve(dispute.id), { status: 'returned', version: returned.version })

  const assigned = await hejie(
    [
      'disputes',
      'assign',
      dispute.id,
      '--enterprise',
      shop.enterprise.id,
      '--if-version',
      String(returned.version),
    ],
    asCity,
  )
  t.equal(assigned.code, 0, assigned.stderr)
  t.match(assigned.stdout, new RegExp(`^Dispute +${dispute.id} {2}assigned$`, 'm'))
  t.equal(field(assigned.stdout, 'Assignee'), `enterprise ${shop.enterprise.id}`)
  t.match(field(assigned.stdout, 'Respond by'), /^\d{4}-\d\d-\d\d 23:59 Asia\/Shanghai$/)

  const again = await hejie(['disputes', 'assign', dispute.id, '--enterprise', video.enterprise.id], asCity)
  t.equal(again.code, 1)
  t.match(again.stderr, /^hejie: 409 invalid_transition: .*assigned/, 'names the status it is in')
})

t.test(`disputes escalate, withdraw and close take disputes to their end (${backend})`, async (t) => {
  const mediated = await city.disputes.create(complaint(video.enterprise.id))
  const escalated = await hejie(
    ['disputes', 'escalate', mediated.id, '--reason', '企业拒不联系消费者，转行政调解'],
    asCity,
  )
  t.equal(escalated.code, 0, escalated.stderr)
  t.match(escalated.stdout, new RegExp(`^Dispute +${mediated.id} {2}escalated$`, 'm'))

  const closed = await hejie(
    [
      'disputes',
      'close',
      mediated.id,
      '--resolution',
      'mediated',
      '--note',
      '调解成功，退款 27 元',
      '--json',
    ],
    asCity,
  )
  t.equal(closed.code, 0, closed.stderr)
  t.match(JSON.parse(closed.stdout), { id: mediated.id, status: 'closed', resolution: 'mediated' })

  const withdrawn = await city.disputes.create(complaint(video.enterprise.id))
  const withdraw = await hejie(['disputes', 'withdraw', withdrawn.id, '--note', '消费者撤诉'], asCity)
  t.equal(withdraw.code, 0, withdraw.stderr)
  t.match(withdraw.stdout, new RegExp(`^Dispute +${withdrawn.id} {2}closed \\(withdrawn\\)$`, 'm'))

  const closeClosed = await hejie(['disputes', 'close', withdrawn.id, '--resolution', 'rejected'], asCity)
  t.equal(closeClosed.code, 1)
  t.match(closeClosed.stderr, /^hejie: 409 invalid_transition: /)

  const wrongResolution = await hejie(['disputes', 'close', withdrawn.id, '--resolution', 'settled'], asCity)
  t.equal(wrongResolution.code, 1)
  t.match(
    wrongResolution.stderr,
    /argument 'settled' is invalid. Allowed choices are mediated, terminated, rejected/,
  )

  const noReason = await hejie(['disputes', 'escalate', withdrawn.id], asCity)
  t.equal(noReason.code, 1)
  t.match(noReason.stderr, /required option '--reason <text>' not specified/)
})

t.test(
  `disputes list shows a regulator who holds each dispute and keeps the overdue ones (${backend})`,
  async (t) => {
    const station = await city.jurisdictions.create({
      name: '卢沟桥市场监管所',
      code: '110106001',
      level: 'station',
    })
    const late = await city.disputes.create({
      ...complaint(video.enterprise.id),
      jurisdiction_id: station.id,
    })
    // Ten working days pass unanswered: the deadline scanner marks it, as it would at night.
    const policy = {
      calendar: defaultCalendar(),
      responseWorkingDays: 10,
      warningWorkingDays: 2,
      mediationWorkingDays: 45,
      autoEscalateOverdue: false,
    }
    await scanDeadlines(database, policy, new Date(Date.parse(late.respond_by ?? '') + 1))
    const onTime = await city.disputes.create({
      ...complaint(shop.enterprise.id),
      jurisdiction_id: station.id,
    })

    const list = await hejie(['disputes', 'list', '--jurisdiction', '110106001'], asCity)
    t.equal(list.code, 0, list.stderr)
    const [header, ...rows] = list.stdout.split('\n')
    t.match(
      header,
      /^ID\s+STATUS\s+ASSIGNEE\s+RESPOND BY\s+OVERDUE\s+CONSUMER\s+PROBLEM\s+CLAIM\s+INTAKE TICKET$/,
    )
    t.equal(rows.length, 2)
    t.match(
      rows[0],
      new RegExp(`^${onTime.id}\\s+assigned\\s+${shop.enterprise.id}\\s+\\d{4}-\\d\\d-\\d\\d\\s+张伟`),
    )
    t.match(
      rows[1],
      new RegExp(
        `^${late.id}\\s+assigned\\s+${video.enterprise.id}\\s+\\d{4}-\\d\\d-\\d\\d\\s+overdue\\s+张伟`,
      ),
    )
    const column = (line: string | undefined, text: string) =>
      stringWidth((line ?? '').slice(0, (line ?? '').indexOf(text)))
    t.equal(column(rows[1], 'contract'), column(header, 'PROBLEM'), 'columns line up on screen')

    const overdue = await hejie(['disputes', 'list', '--jurisdiction', '110106001', '--overdue'], asCity)
    t.equal(overdue.code, 0, overdue.stderr)
    t.same(
      overdue.stdout
        .split('\n')
        .slice(1)
        .map((row) => row.split(/\s+/)[0]),
      [late.id],
      'only the one past its deadline',
    )
    const asJson = await hejie(['disputes', 'list', '--overdue', '--json'], asCity)
    const ids = JSON.parse(asJson.stdout).map((dispute: { id: string }) => dispute.id)
    t.ok(ids.includes(late.id) && !ids.includes(onTime.id), '--overdue with --json')

    const byEnterprise = await hejie(['disputes', 'list', '--overdue'], asVideo)
    t.equal(byEnterprise.code, 0, byEnterprise.stderr)
    t.match(
      byEnterprise.stdout.split('\n')[0],
      /^ID\s+STATUS\s+RESPOND BY\s/,
      'an enterprise holds all it sees: no ASSIGNEE',
    )
    t.match(byEnterprise.stdout, late.id)
  },
)

t.test(
  `a complaint without an enterprise waits at the centre until assigned to a unit (${backend})`,
  async (t) => {
    const centre = await city.handlingUnits.create({ name: '北京市12345接诉即办中心', kind: 'center' })
    const price = await city.handlingUnits.create({ name: '价格监督检查科', kind: 'division' })
    const { enterprise_id: _none, ...intake } = complaint('')
    const created = await hejie(['disputes', 'create'], asCity, {
      input: JSON.stringify({ ...intake, respondent: { name: '丰台某五金店', area_code: '110106' } }),
    })
    t.equal(created.code, 0, created.stderr)
    const id = /^Dispute +(dsp_\S+) {2}assigned$/m.exec(created.stdout)?.[1] ?? ''
    t.equal(field(created.stdout, 'Respondent'), '丰台某五金店  area 110106')
    t.equal(field(created.stdout, 'Assignee'), `unit ${centre.id}`, 'no enterprise, no rule: the centre')
    t.match(field(created.stdout, 'Routing'), /^fallback: .+/, 'with the reason')
    t.equal(field(created.stdout, 'Respond by'), 'no deadline yet: waiting at the centre to be dispatched')

    const queue = await hejie(['disputes', 'list', '--awaiting-dispatch'], asCity)
    t.equal(queue.code, 0, queue.stderr)
    const [header, ...rows] = queue.stdout.split('\n')
    t.match(header, /^ID\s+STATUS\s+ASSIGNEE\s+RESPOND BY\s+OVERDUE\s+CONSUMER/)
    t.equal(rows.length, 1)
    t.match(
      rows[0],
      new RegExp(`^${id}\\s+assigned\\s+${centre.id}\\s+张伟\\s+contract`),
      'no deadline in the row',
    )

    const heldBy = async (assignee: string) => {
      const run = await hejie(['disputes', 'list', '--assignee', assignee, '--json'], asCity)
      t.equal(run.code, 0, run.stderr)
      return JSON.parse(run.stdout).map((dispute: { id: string }) => dispute.id)
    }
    t.same(await heldBy(centre.id), [id], '--assignee takes a unit')

    const both = await hejie(
      ['disputes', 'assign', id, '--unit', price.id, '--enterprise', shop.enterprise.id],
      asCity,
    )
    t.equal(both.code, 1)
    t.match(both.stderr, /option '--enterprise <id>' cannot be used with option '--unit <id>'/)
    const neither = await hejie(['disputes', 'assign', id], asCity)
    t.same(neither, {
      code: 1,
      stdout: '',
      stderr: 'hejie: Give --enterprise <id> or --unit <id>: who is to handle it.',
    })

    const assigned = await hejie(['disputes', 'assign', id, '--unit', price.id], asCity)
    t.equal(assigned.code, 0, assigned.stderr)
    t.equal(field(assigned.stdout, 'Assignee'), `unit ${price.id}`)
    t.match(
      field(assigned.stdout, 'Respond by'),
      /^\d{4}-\d\d-\d\d 23:59 Asia\/Shanghai$/,
      'the clock starts now',
    )
    t.same(await heldBy(price.id), [id])
    t.same(await heldBy(centre.id), [])
    t.equal((await hejie(['disputes', 'list', '--awaiting-dispatch'], asCity)).stdout, 'No disputes.')

    const byEnterprise = await heldBy(video.enterprise.id)
    t.ok(byEnterprise.length > 0 && !byEnterprise.includes(id), '--assignee takes an enterprise')
    const notAnAssignee = await hejie(['disputes', 'list', '--assignee', 'jur_123'], asCity)
    t.equal(notAnAssignee.code, 1)
    t.match(notAnAssignee.stderr, /expected an enterprise id \(ent_…\) or a handling unit id \(hnu_…\)/)
  },
)
