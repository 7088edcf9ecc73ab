import { createHash } from 'node:crypto'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { complaint, intakeDispute, settlementOf2700 } from '../helpers/disputes.js'
import { fakeFile, multipartUpload } from '../helpers/files.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

async function setUp(t: Parameters<typeof testApp>[0]) {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const shop = await enrolEnterprise(app, regulatorToken, '北京某视频科技有限责任公司')
  const other = await enrolEnterprise(app, regulatorToken, '北京另一家电器有限公司')
  return { app, database, regulatorToken, shop, other, regulator: as(app, regulatorToken) }
}

type Call = ReturnType<typeof as>

function upload(call: Call, fields: Record<string, string>, file: Parameters<typeof multipartUpload>[1]) {
  const { payload, headers } = multipartUpload(fields, file)
  return call({ method: 'POST', url: '/v1/files', payload, headers })
}

async function rowCounts(database: Awaited<ReturnType<typeof testApp>>['database']) {
  const files = await database.db
    .selectFrom('files')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
  const chunks = await database.db
    .selectFrom('file_chunks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst()
  return { files: Number(files?.n), chunks: Number(chunks?.n) }
}

/** The audit entries of a dispute that cite files, parsed. */
async function evidenceEntries(regulator: Call) {
  const res = await regulator({ method: 'GET', url: '/v1/audit/entries?start=0&end=1000' })
  return (
    res.json().data as { entry: { action: string; evidence?: { file_id: string; sha256: string }[] } }[]
  )
    .map((row) => row.entry)
    .filter((entry) => entry.evidence)
}

t.test(
  `an enterprise uploads a recording to its dispute; who may see the dispute may download it, others get 404 (${backend})`,
  async (t) => {
    const { app, shop, other, regulator, regulatorToken } = await setUp(t)
    const enterprise = as(app, shop.token)
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    const content = fakeFile('amr', 700_000) // several chunks
    const res = await upload(
      enterprise,
      { purpose: 'consent_record', dispute_id: dispute.id },
      {
        content,
        filename: '通话录音.amr',
        type: 'audio/amr',
      },
    )
    t.equal(res.statusCode, 201, res.body)
    const file = res.json()
    t.match(file, {
      object: 'file',
      purpose: 'consent_record',
      dispute_id: dispute.id,
      filename: '通话录音.amr',
      content_type: 'audio/amr',
      size: content.length,
      sha256: sha256(content),
      content_erased_at: null,
    })
    t.match(file.id, /^fil_/)

    for (const [who, call] of [
      ['the enterprise', enterprise],
      ['the regulator', regulator],
    ] as const) {
      const got = await call({ method: 'GET', url: `/v1/files/${file.id}` })
      t.equal(got.statusCode, 200, `${who} reads the file`)
      const download = await call({ method: 'GET', url: `/v1/files/${file.id}/content` })
      t.equal(download.statusCode, 200, `${who} downloads it`)
      t.equal(download.headers['content-type'], 'audio/amr')
      t.ok(download.rawPayload.equals(content), `${who} gets the bytes as uploaded`)
      t.equal(
        download.headers['repr-digest'],
        `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`,
      )
    }

    const stranger = as(app, other.token)
    t.equal((await stranger({ method: 'GET', url: `/v1/files/${file.id}` })).statusCode, 404)
    t.equal((await stranger({ method: 'GET', url: `/v1/files/${file.id}/content` })).statusCode, 404)
    t.equal((await stranger({ method: 'GET', url: '/v1/files/fil_nothing' })).statusCode, 404)
    const intoOthers = await upload(
      stranger,
      { purpose: 'other', dispute_id: dispute.id },
      { content: fakeFile('pdf', 100) },
    )
    t.equal(intoOthers.statusCode, 404, 'nobody uploads into a dispute they cannot see')

    const entries = await evidenceEntries(regulator)
    t.match(entries, [{ action: 'file.uploaded', evidence: [{ file_id: file.id, sha256: sha256(content) }] }])
  },
)

t.test(
  `a file over 10 MiB (413) or whose content is not its type (415) changes nothing (${backend})`,
  async (t) => {
    const { app, database, shop, regulatorToken } = await setUp(t)
    const enterprise = as(app, shop.token)
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    const before = await rowCounts(database)

    const tooLarge = await upload(
      enterprise,
      { purpose: 'other', dispute_id: dispute.id },
      {
        content: fakeFile('pdf', 10 * 1024 * 1024 + 1),
        type: 'application/pdf',
      },
    )
    t.equal(tooLarge.statusCode, 413, tooLarge.body)
    t.match(tooLarge.json(), { code: 'file_too_large', limit_bytes: 10 * 1024 * 1024 })

    const notAPdf = await upload(
      enterprise,
      { purpose: 'other', dispute_id: dispute.id },
      {
        content: fakeFile('png', 2000),
        filename: 'contract.pdf',
        type: 'application/pdf',
      },
    )
    t.equal(notAPdf.statusCode, 415, notAPdf.body)
    t.match(notAPdf.json(), { code: 'unsupported_file_type' })
    t.ok(notAPdf.json().accepted_types.includes('application/pdf'), 'the problem names the accepted types')

    const text = await upload(enterprise, { purpose: 'other' }, { content: fakeFile('text', 5000) })
    t.equal(text.statusCode, 415)

    const noPurpose = await upload(enterprise, {}, { content: fakeFile('pdf', 100) })
    t.equal(noPurpose.statusCode, 400)
    t.match(noPurpose.json(), { code: 'validation_failed' })

    t.same(await rowCounts(database), before, 'no file row and no chunk is left')
  },
)

t.test(
  `a file uploaded for an intake is bound by the intake that cites it, and records cite files as evidence (${backend})`,
  async (t) => {
    const { app, shop, other, regulator } = await setUp(t)
    const enterprise = as(app, shop.token)
    const material = fakeFile('png', 3000)
    const uploaded = (
      await upload(regulator, { purpose: 'complaint_material' }, { content: material, type: 'image/png' })
    ).json()
    t.equal(uploaded.dispute_id, null)

    const stolen = await as(app, other.token)({ method: 'GET', url: `/v1/files/${uploaded.id}` })
    t.equal(stolen.statusCode, 404, 'an unbound file is its uploader’s alone')

    const created = await regulator({
      method: 'POST',
      url: '/v1/disputes',
      payload: complaint(shop.id, { evidence: [uploaded.id] }),
    })
    t.equal(created.statusCode, 201, created.body)
    const dispute = created.json()
    const bound = await enterprise({ method: 'GET', url: `/v1/files/${uploaded.id}` })
    t.equal(bound.statusCode, 200, 'the assigned enterprise now sees it')
    t.equal(bound.json().dispute_id, dispute.id)

    await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept`, payload: {} })
    const ownFile = (
      await upload(enterprise, { purpose: 'consent_record' }, { content: fakeFile('amr', 1000) })
    ).json()
    const foreign = await regulator({
      method: 'POST',
      url: '/v1/disputes',
      payload: complaint(shop.id, { evidence: [ownFile.id] }),
    })
    t.equal(foreign.statusCode, 422, 'nobody cites a file someone else uploaded')
    t.match(foreign.json(), { code: 'invalid_evidence', errors: [{ path: 'body/evidence/0' }] })

    const contact = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/contacts`,
      payload: {
        channel: 'phone',
        contacted_at: new Date().toISOString(),
        reached: true,
        summary: '已电话联系消费者',
        evidence: [ownFile.id, uploaded.id],
      },
    })
    t.equal(contact.statusCode, 201, contact.body)
    t.same(contact.json().evidence, [ownFile.id, uploaded.id])

    const listed = await enterprise({ method: 'GET', url: `/v1/disputes/${dispute.id}/contacts` })
    t.equal(listed.statusCode, 200)
    t.match(listed.json(), {
      object: 'list',
      has_more: false,
      data: [{ id: contact.json().id, evidence: [ownFile.id, uploaded.id] }],
    })
    for (const kind of ['settlements', 'refunds', 'mediation-records']) {
      const empty = await regulator({ method: 'GET', url: `/v1/disputes/${dispute.id}/${kind}` })
      t.match(empty.json(), { object: 'list', data: [] }, `${kind} is a list`)
    }
    t.equal(
      (await as(app, other.token)({ method: 'GET', url: `/v1/disputes/${dispute.id}/contacts` })).statusCode,
      404,
    )

    const entries = await evidenceEntries(regulator)
    const recorded = entries.find((entry) => entry.action === 'contact.recorded')
    t.same(
      recorded?.evidence,
      [
        { file_id: ownFile.id, sha256: ownFile.sha256 },
        { file_id: uploaded.id, sha256: sha256(material) },
      ],
      'the contact’s audit entry carries each file’s SHA-256',
    )
  },
)

t.test(
  `erasure of personal data deletes the files' content and names and keeps their hashes (${backend})`,
  async (t) => {
    const { app, database, shop, regulator, regulatorToken } = await setUp(t)
    const enterprise = as(app, shop.token)
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    const content = fakeFile('amr', 600_000)
    const sendRecording = () => {
      const { payload, headers } = multipartUpload(
        { purpose: 'consent_record', dispute_id: dispute.id },
        { content, filename: '张伟-录音.amr' },
      )
      return enterprise({
        method: 'POST',
        url: '/v1/files',
        payload,
        headers: { ...headers, 'idempotency-key': 'recording-1' },
      })
    }
    const file = (await sendRecording()).json()
    t.equal(file.filename, '张伟-录音.amr')

    const erased = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/erase-personal-data`,
      payload: {},
    })
    t.equal(erased.statusCode, 200, erased.body)
    const after = await regulator({ method: 'GET', url: `/v1/files/${file.id}` })
    t.equal(after.json().sha256, sha256(content), 'the hash stays')
    t.equal(after.json().filename, file.id, 'the name it was uploaded with goes')
    const replayed = await sendRecording()
    t.equal(replayed.headers['idempotent-replayed'], 'true')
    t.equal(replayed.json().filename, file.id, 'a replay of the upload does not bring the name back')
    t.ok(after.json().content_erased_at)
    const download = await regulator({ method: 'GET', url: `/v1/files/${file.id}/content` })
    t.equal(download.statusCode, 410)
    t.match(download.json(), { code: 'file_content_erased', sha256: sha256(content) })
    const chunks = await database.db
      .selectFrom('file_chunks')
      .select('seq')
      .where('file_id', '=', file.id)
      .execute()
    t.same(chunks, [], 'no chunk of it is left')
  },
)

t.test(
  `settlements, refunds, the outcome and mediation records cite evidence, listed with each record (${backend})`,
  async (t) => {
    const { app, shop, regulator, regulatorToken } = await setUp(t)
    const enterprise = as(app, shop.token)
    const dispute = await intakeDispute(app, regulatorToken, shop.id)
    const uploadFor = async (call: Call, purpose: string) =>
      (await upload(call, { purpose, dispute_id: dispute.id }, { content: fakeFile('pdf', 2000) })).json()
        .id as string
    await enterprise({ method: 'POST', url: `/v1/disputes/${dispute.id}/accept`, payload: {} })

    const consent = await uploadFor(enterprise, 'consent_record')
    const settlement = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/settlements`,
      payload: { ...settlementOf2700, agreed_at: new Date().toISOString(), evidence: [consent] },
    })
    t.equal(settlement.statusCode, 201, settlement.body)
    const receipt = await uploadFor(enterprise, 'refund_receipt')
    const refund = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/refunds`,
      payload: {
        amount: { amount: 1000, currency: 'CNY' },
        method: 'wechat_pay',
        reference: 'WX-EVIDENCE-1',
        refunded_at: new Date().toISOString(),
        evidence: [receipt],
      },
    })
    t.equal(refund.statusCode, 201, refund.body)
    const letter = await uploadFor(enterprise, 'other')
    const outcome = await enterprise({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/outcome`,
      payload: { result: 'not_settled', summary: '消费者不同意剩余退款方案', evidence: [letter] },
    })
    t.equal(outcome.statusCode, 200, outcome.body)
    const minutes = await uploadFor(regulator, 'mediation_record')
    const mediation = await regulator({
      method: 'POST',
      url: `/v1/disputes/${dispute.id}/mediation-records`,
      payload: {
        held_at: new Date().toISOString(),
        method: 'phone',
        participants: [{ role: 'consumer', name: '张伟' }],
        summary: '电话调解，双方同意再次协商',
        evidence: [minutes],
      },
    })
    t.equal(mediation.statusCode, 201, mediation.body)

    for (const [kind, file] of [
      ['settlements', consent],
      ['refunds', receipt],
      ['mediation-records', minutes],
    ] as const) {
      const list = await regulator({ method: 'GET', url: `/v1/disputes/${dispute.id}/${kind}` })
      t.match(list.json().data, [{ evidence: [file] }], `${kind} lists its record with its evidence`)
    }
    const cited = (await evidenceEntries(regulator)).filter((entry) => entry.action !== 'file.uploaded')
    t.same(
      cited.map((entry) => [entry.action, entry.evidence?.map((e) => e.file_id)]),
      [
        ['settlement.recorded', [consent]],
        ['refund.recorded', [receipt]],
        ['dispute.outcome_reported', [letter]],
        ['mediation.recorded', [minutes]],
      ],
      'each action’s audit entry carries the files it cites',
    )
  },
)
