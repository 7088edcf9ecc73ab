import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { testUscc } from '../../gateway/test/helpers/identity.js'
import {
  APIConnectionError,
  BadRequestError,
  ConflictError,
  HejieError,
  NotFoundError,
  PermissionDeniedError,
  PreconditionFailedError,
  UnprocessableEntityError,
} from '../src/index.js'
import { complaint, enrolEnterprise, gatewayWithRegulator, sdkClient } from './helpers/gateway.js'

t.test(
  `each refusal of the gateway is an error class of its status, with code and request id (${backend})`,
  async (t) => {
    const { baseUrl, regulator } = await gatewayWithRegulator(t)
    const company = await enrolEnterprise(regulator, '武汉江城数码有限公司')
    const other = await enrolEnterprise(regulator, '南京秦淮百货有限公司')
    const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
    const enterprise = sdkClient(t, baseUrl, company.credentials)
    const otherEnterprise = sdkClient(t, baseUrl, other.credentials)
    const settledDispute = await regulator.disputes.create(complaint(company.enterprise.id))
    await enterprise.disputes.accept(settledDispute.id)
    await enterprise.disputes.recordSettlement(settledDispute.id, {
      remedy: 'partial_refund',
      amount: { amount: 2700, currency: 'CNY' },
      terms: 'Refund of 27.00 yuan.',
      agreed_at: new Date().toISOString(),
      consumer_consent: { method: 'sms', reference: 'SMS-1' },
    })

    const cases = [
      {
        why: 'a body the schema refuses',
        call: () =>
          enterprise.disputes.decline(dispute.id, { reason: 'not_responsible', note: 'x'.repeat(5001) }),
        want: { Class: BadRequestError, status: 400, code: 'validation_failed' },
      },
      {
        why: 'a regulator action by an enterprise',
        call: () => enterprise.disputes.escalate(dispute.id, { reason: 'overdue' }),
        want: { Class: PermissionDeniedError, status: 403, code: 'forbidden' },
      },
      {
        why: 'another enterprise’s dispute',
        call: () => otherEnterprise.disputes.retrieve(dispute.id),
        want: { Class: NotFoundError, status: 404, code: 'not_found' },
      },
      {
        why: 'an action the status does not allow',
        call: () => enterprise.disputes.reportOutcome(dispute.id, { result: 'fulfilled', summary: 'done' }),
        want: { Class: ConflictError, status: 409, code: 'invalid_transition' },
      },
      {
        why: 'a version the dispute has moved past',
        call: () => enterprise.disputes.accept(dispute.id, {}, { ifMatch: dispute.version + 5 }),
        want: { Class: PreconditionFailedError, status: 412, code: 'precondition_failed' },
      },
      {
        why: 'a refund above the settled amount',
        call: () =>
          enterprise.disputes.recordRefund(settledDispute.id, {
            amount: { amount: 2701, currency: 'CNY' },
            method: 'wechat_pay',
            reference: 'WX-1',
            refunded_at: new Date().toISOString(),
          }),
        want: { Class: UnprocessableEntityError, status: 422, code: 'refund_exceeds_settlement' },
      },
    ]
    for (const { why, call, want } of cases) {
      const error = await call().catch((error: unknown) => error)
      t.type(error, want.Class, why)
      t.type(error, HejieError)
      t.match(
        error,
        {
          status: want.status,
          code: want.code,
          requestId: /\S/,
          message: new RegExp(`^${want.status} ${want.code}: `),
          problem: { status: want.status, code: want.code },
        },
        why,
      )
    }
  },
)

t.test(`a validation error names the field that failed (${backend})`, async (t) => {
  const { regulator } = await gatewayWithRegulator(t)
  const error = await regulator.enterprises
    .create({ name: '长沙星城超市有限公司', uscc: testUscc(), contact: { name: '王', phone: '1' } })
    .catch((error: unknown) => error)

  t.type(error, BadRequestError)
  t.match(error, {
    code: 'validation_failed',
    problem: { errors: [{ path: 'body/contact/phone', message: 'must NOT have fewer than 5 characters' }] },
  })
  t.equal((error as HejieError).requestId, (error as HejieError).headers['x-request-id'])
})

t.test('an If-Match given as a version is sent as its ETag', async (t) => {
  const { regulator, baseUrl } = await gatewayWithRegulator(t)
  const company = await enrolEnterprise(regulator, '西安长安食品有限公司')
  const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
  const enterprise = sdkClient(t, baseUrl, company.credentials)
  const accepted = await enterprise.disputes.accept(dispute.id, {}, { ifMatch: `"${dispute.version}"` })
  t.equal(accepted.status, 'in_progress', 'an ETag string is passed as it is')
  await t.rejects(
    enterprise.disputes.decline(dispute.id, { reason: 'duplicate' }, { ifMatch: dispute.version }),
    PreconditionFailedError,
    'a version number is quoted as the ETag, and it is stale now',
  )
})

t.test('instanceof recognises errors thrown by another copy of the SDK', async (t) => {
  // The package's built form is a second copy of every class beside the source these tests use.
  const other = await import('@hejie/sdk')
  t.not(other.ConflictError, ConflictError, 'two copies are loaded')
  const conflict = new other.ConflictError('duplicate', { status: 409, code: 'conflict' })
  t.ok(conflict instanceof ConflictError, 'a 409 of the other copy is a ConflictError')
  t.ok(conflict instanceof HejieError, 'and a HejieError')
  t.notOk(conflict instanceof NotFoundError, 'but not a NotFoundError')
  const timeout = new other.APITimeoutError('slow')
  t.ok(timeout instanceof APIConnectionError, 'subclasses count as their parents')
  t.notOk(new Error('plain') instanceof HejieError, 'an unrelated error is not one')
  t.notOk(new ConflictError('x') instanceof other.PreconditionFailedError)
})
