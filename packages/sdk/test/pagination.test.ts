import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  recordingAgent,
  sdkClient,
} from './helpers/gateway.js'

/** A gateway with `count` disputes assigned to one enterprise, and a recording client of that enterprise. */
async function enterpriseWithDisputes(t: Parameters<typeof gatewayWithRegulator>[0], count: number) {
  const { baseUrl, regulator } = await gatewayWithRegulator(t)
  const company = await enrolEnterprise(regulator, '重庆山城火锅连锁有限公司')
  const created = []
  for (let i = 0; i < count; i++)
    created.push(await regulator.disputes.create(complaint(company.enterprise.id)))
  const { dispatcher, sent } = recordingAgent()
  const enterprise = sdkClient(t, baseUrl, company.credentials, { dispatcher })
  const listed = () => sent.filter((line) => /^GET \/v1\/disputes(\?|$)/.test(line))
  return { enterprise, created, listed }
}

t.test(`for await walks every page, fetching each only when it is reached (${backend})`, async (t) => {
  const { enterprise, created, listed } = await enterpriseWithDisputes(t, 7)

  const seen: string[] = []
  const pagesFetchedWhenSeen: number[] = []
  for await (const dispute of enterprise.disputes.list({ status: 'assigned', limit: 3 })) {
    seen.push(dispute.id)
    pagesFetchedWhenSeen.push(listed().length)
  }

  t.same(seen, created.map((dispute) => dispute.id).reverse(), 'every dispute once, newest first')
  t.same(pagesFetchedWhenSeen, [1, 1, 1, 2, 2, 2, 3], 'a page is fetched when its first item is due')
  t.match(listed()[0], /status=assigned/, 'the filter goes with every page')
  t.match(listed()[1], /cursor=/)
})

t.test(`leaving a for await early fetches no further pages (${backend})`, async (t) => {
  const { enterprise, listed } = await enterpriseWithDisputes(t, 5)
  for await (const _ of enterprise.disputes.list({ limit: 2 })) break
  t.equal(listed().length, 1)
})

t.test(`await gives one page, and its cursor resumes the walk later (${backend})`, async (t) => {
  const { enterprise, created, listed } = await enterpriseWithDisputes(t, 5)
  const newestFirst = created.map((dispute) => dispute.id).reverse()

  const first = await enterprise.disputes.list({ limit: 2 })
  t.same(
    first.data.map((dispute) => dispute.id),
    newestFirst.slice(0, 2),
  )
  t.equal(first.has_more, true)

  const second = await first.nextPage()
  t.same(
    second?.data.map((dispute) => dispute.id),
    newestFirst.slice(2, 4),
  )

  const rest: string[] = []
  for await (const dispute of enterprise.disputes.list({ limit: 2, cursor: second?.next_cursor ?? '' })) {
    rest.push(dispute.id)
  }
  t.same(rest, newestFirst.slice(4), 'resumed after the second page')

  const last = await enterprise.disputes.list({ limit: 10 })
  t.equal(last.has_more, false)
  t.equal(await last.nextPage(), null, 'nothing after the last page')
  t.equal(listed().length, 4, 'one request per page')
})

t.test(`a list promise is fetched once however it is used (${backend})`, async (t) => {
  const { enterprise, listed } = await enterpriseWithDisputes(t, 2)
  const list = enterprise.disputes.list()
  t.equal(listed().length, 0, 'nothing is fetched before it is used')
  const page = await list
  const items = []
  for await (const dispute of list) items.push(dispute)
  t.equal(items.length, page.data.length)
  t.equal(listed().length, 1)
})
