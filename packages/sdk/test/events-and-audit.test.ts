import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { type HejieEvent, leafHash, verifyConsistency, verifyInclusion } from '../src/index.js'
import {
  complaint,
  enrolEnterprise,
  gatewayWithRegulator,
  recordingAgent,
  sdkClient,
} from './helpers/gateway.js'

const bytes = (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'))

t.test(
  `the event feed is read in commit order and resumes after a stored event id (${backend})`,
  async (t) => {
    const { baseUrl, regulator } = await gatewayWithRegulator(t)
    const company = await enrolEnterprise(regulator, '苏州园林文旅有限公司')
    const disputes = []
    for (let i = 0; i < 3; i++)
      disputes.push(await regulator.disputes.create(complaint(company.enterprise.id)))
    const { dispatcher, sent } = recordingAgent()
    const enterprise = sdkClient(t, baseUrl, company.credentials, { dispatcher })

    const feed: HejieEvent[] = []
    for await (const event of enterprise.events.list({ limit: 2 })) feed.push(event)

    t.same(
      feed.map((event) => event.type === 'dispute.assigned' && event.data.object.id),
      disputes.map((dispute) => dispute.id),
      'one dispute.assigned per intake, in order',
    )
    t.ok(
      feed.every((event, i) => i === 0 || event.sequence > (feed[i - 1]?.sequence ?? 0)),
      'ascending sequence',
    )
    t.equal(sent.filter((line) => line.startsWith('GET /v1/events')).length, 2, 'two pages of two')

    const stored = feed[0]?.id
    await enterprise.disputes.accept(disputes[0]?.id ?? '')
    const resumed: string[] = []
    for await (const event of enterprise.events.list({ after: stored })) resumed.push(event.id)
    t.same(resumed.slice(0, 2), [feed[1]?.id, feed[2]?.id], 'resumed right after the stored event')
    t.equal(resumed.length, 3, 'and the event of the accept is there too')

    const caughtUp = await enterprise.events.list({ after: resumed.at(-1) })
    t.same(caughtUp.data, [])
    t.equal(caughtUp.next_cursor, resumed.at(-1), 'an empty page still says where to resume')
  },
)

t.test(`an audit entry's proof from the gateway verifies against its checkpoint (${backend})`, async (t) => {
  // Checkpoints signed every 100 ms rather than every 30 s, so that the test sees two.
  const { regulator } = await gatewayWithRegulator(t, { config: { checkpointIntervalMs: 100 } })
  const company = await enrolEnterprise(regulator, '天津海河物流有限公司')
  await regulator.disputes.create(complaint(company.enterprise.id))
  const first = await regulator.audit.checkpoint()

  const entries = []
  for await (const entry of regulator.audit.entries({ start: 0, limit: 2 })) entries.push(entry)
  t.ok(entries.length >= first.tree_size, 'every entry of the signed tree is listed')
  t.same(
    entries.map((entry) => entry.index),
    entries.map((_, index) => index),
    'in index order',
  )

  for (const entry of entries.slice(0, first.tree_size)) {
    const proof = await regulator.audit.inclusionProof({
      leaf_index: entry.index,
      tree_size: first.tree_size,
    })
    t.doesNotThrow(
      () =>
        verifyInclusion({
          leafHash: leafHash(bytes(entry.canonical)),
          leafIndex: entry.index,
          treeSize: first.tree_size,
          proof: proof.hashes.map(bytes),
          rootHash: bytes(first.root_hash),
        }),
      `entry ${entry.index} is in the signed tree`,
    )
  }

  await regulator.disputes.create(complaint(company.enterprise.id))
  let second = await regulator.audit.checkpoint()
  while (second.tree_size === first.tree_size) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    second = await regulator.audit.checkpoint()
  }
  const consistency = await regulator.audit.consistencyProof({
    first: first.tree_size,
    second: second.tree_size,
  })
  t.doesNotThrow(() =>
    verifyConsistency({
      firstSize: first.tree_size,
      secondSize: second.tree_size,
      proof: consistency.hashes.map(bytes),
      firstRoot: bytes(first.root_hash),
      secondRoot: bytes(second.root_hash),
    }),
  )
})
