import fc from 'fast-check'
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, as, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'
import { addNode, uniqueCode } from '../helpers/jurisdictions.js'

/**
 * A random tree below the root: each node a district (under the root) or a station (under the
 * root or an earlier district), and random disputes received at random nodes. `parent` is an
 * index into the nodes, -1 for the root.
 */
const scenario = fc.record({
  nodes: fc.array(
    fc.record({ level: fc.constantFrom('district' as const, 'station' as const), parentPick: fc.nat() }),
    { minLength: 1, maxLength: 5 },
  ),
  disputes: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
})

t.test(`what each regulator sees equals an independent filter of the tree (${backend})`, async (t) => {
  const { app, database } = await testApp(t, { config: { rateLimitMax: 1_000_000 } })
  const rootToken = await accessToken(app, await regulatorCredentials(database))
  const rootId = (await as(app, rootToken)({ method: 'GET', url: '/v1/me' })).json().jurisdiction.id as string
  const enterprise = await enrolEnterprise(app, rootToken, '某视频平台')
  let runs = 0

  await fc.assert(
    fc.asyncProperty(scenario, async ({ nodes, disputes }) => {
      runs += 1
      // The model: parents by index, decided the same way the nodes are created below.
      const parents: number[] = []
      for (const [i, node] of nodes.entries()) {
        const districts = parents.flatMap((_, j) => (nodes[j]?.level === 'district' ? [j] : []))
        parents[i] =
          node.level === 'district'
            ? -1
            : ([-1, ...districts][node.parentPick % (districts.length + 1)] ?? -1)
      }
      const created: { id: string; token: string }[] = []
      for (const [i, node] of nodes.entries()) {
        const parent = parents[i] ?? -1
        const made = await addNode(app, rootToken, {
          name: `${node.level} ${runs}-${i}`,
          code: uniqueCode(node.level),
          level: node.level,
          parent_id: parent === -1 ? rootId : (created[parent]?.id ?? rootId),
        })
        created.push({ id: made.id, token: made.regulator.token })
      }
      const placed: { id: string; node: number }[] = []
      for (const pick of disputes) {
        const node = pick % nodes.length
        const dispute = await intakeDispute(app, rootToken, enterprise.id, {
          jurisdiction_id: created[node]?.id,
        })
        placed.push({ id: dispute.id, node })
      }
      // The reference: a dispute is seen by a node's regulator when the node is on the path
      // from the dispute's node up to the root, walked through the model's parent indices.
      const seenBy = (viewer: number) =>
        placed
          .filter(({ node }) => {
            for (let at = node; at !== -1; at = parents[at] ?? -1) if (at === viewer) return true
            return false
          })
          .map(({ id }) => id)
          .sort()
      const ours = new Set(placed.map(({ id }) => id))
      for (const [viewer, { token }] of created.entries()) {
        const seen: string[] = []
        let cursor: string | null = null
        do {
          const page = await as(
            app,
            token,
          )({
            method: 'GET',
            url: `/v1/disputes?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          })
          seen.push(...page.json().data.map((d: { id: string }) => d.id))
          cursor = page.json().next_cursor
        } while (cursor)
        const expected = seenBy(viewer)
        // Nodes are new in each run, so a non-root regulator sees nothing of earlier runs.
        if (JSON.stringify(seen.sort()) !== JSON.stringify(expected)) return false
        for (const { id } of placed) {
          const res = await as(app, token)({ method: 'GET', url: `/v1/disputes/${id}` })
          if (res.statusCode !== (expected.includes(id) ? 200 : 404)) return false
        }
        const stats = await as(app, token)({ method: 'GET', url: '/v1/stats' })
        if (stats.json().data[0].received !== expected.length) return false
      }
      const rootSees = await as(app, rootToken)({ method: 'GET', url: '/v1/disputes?limit=100' })
      const rootIds = new Set(rootSees.json().data.map((d: { id: string }) => d.id))
      return [...ours].every((id) => rootIds.has(id))
    }),
    { numRuns: 6, seed: 20261207, endOnFailure: true },
  )
  t.equal(runs, 6, 'every generated tree was checked')
})
