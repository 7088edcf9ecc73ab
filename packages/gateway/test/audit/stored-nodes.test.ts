import { isValidInclusion, leafHash } from '@hejie/sdk'
import t from 'tap'
import { storedNodes, treeSize } from '../../src/services/audit/index.js'
import { merkle } from '../../src/services/audit/merkle.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test(`proofs stay right when the node cache is cleared in the middle of a read (${backend})`, async (t) => {
  const { app, database } = await testApp(t)
  const regulatorToken = await accessToken(app, await regulatorCredentials(database))
  const enterprise = await enrolEnterprise(app, regulatorToken, '甲')
  for (let i = 0; i < 12; i++) await intakeDispute(app, regulatorToken, enterprise.id)
  const size = await treeSize(database.db)
  t.ok(size >= 13, `a log of ${size} entries`)
  const entries = await database.db
    .selectFrom('audit_entries')
    .select(['leaf_index', 'canonical'])
    .orderBy('leaf_index')
    .execute()

  // One store for every proof, with a cache so small that reading one proof's nodes clears it.
  const nodes = storedNodes(database, { cacheLimit: 2 })
  const root = await merkle.rootHash(size, nodes)
  t.same(root, await merkle.rootHash(size, storedNodes(database)), 'the same root as with a roomy cache')
  for (const entry of entries) {
    const index = Number(entry.leaf_index)
    const proof = await merkle.inclusionProof(index, size, nodes)
    t.ok(
      isValidInclusion({
        leafHash: leafHash(new Uint8Array(entry.canonical)),
        leafIndex: index,
        treeSize: size,
        proof,
        rootHash: root,
      }),
      `entry ${index} is proved`,
    )
  }
})
