import { isValidInclusion, leafHash } from '@hejie/sdk'
import t from 'tap'
import { storedNodes, treeSize } from '../../src/services/audit/index.js'
import { merkle } from '../../src/services/audit/merkle.js'
import { testApp } from '../helpers/app.js'
import { backend } from '../helpers/database.js'
import { intakeDispute } from '../helpers/disputes.js'
import { accessToken, enrolEnterprise, regulatorCredentials } from '../helpers/identity.js'

t.test(`proofs from one node store stay right whichever order they are asked in (${backend})`, async (t) => {
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

  // One store for every proof: it remembers the last two nodes read at each level, which the
  // proofs of consecutive leaves share; leaves asked in reverse and by leaps must not be
  // answered from what it remembered for another leaf.
  const nodes = storedNodes(database)
  const root = await merkle.rootHash(size, nodes)
  t.same(root, await merkle.rootHash(size, storedNodes(database)), 'the same root as from a fresh store')
  const leaps = entries.filter((_, i) => i % 2 === 0).concat(entries.filter((_, i) => i % 2 === 1))
  for (const entry of [...entries, ...entries.toReversed(), ...leaps]) {
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
