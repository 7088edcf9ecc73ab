import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { complaint, gatewayWithRegulator } from '../../sdk/test/helpers/gateway.js'
import { runCli } from './helpers/cli.js'

t.test(`routing-rules create and list, then dispatch preview of an intake file (${backend})`, async (t) => {
  const { baseUrl, regulator, regulatorCredentials } = await gatewayWithRegulator(t)
  const env = {
    HEJIE_BASE_URL: baseUrl,
    HEJIE_CLIENT_ID: regulatorCredentials.clientId,
    HEJIE_CLIENT_SECRET: regulatorCredentials.clientSecret,
  }
  await regulator.handlingUnits.create({ name: '12345接诉即办中心', kind: 'center' })
  const food = await regulator.handlingUnits.create({ name: '食品经营监管科', kind: 'division' })

  const create = runCli(
    t,
    [
      'routing-rules',
      'create',
      '--priority',
      '10',
      '--unit',
      food.id,
      '--problem-type',
      'food_safety',
      '--keyword',
      '外卖',
      '变质',
      '--json',
    ],
    env,
  )
  t.same(await create.exited, { code: 0, signal: null }, create.stderr.join('\n'))
  const rule = JSON.parse(create.stdout.join('\n'))
  t.same(
    rule.conditions,
    { problem_type: 'food_safety', keywords: ['外卖', '变质'] },
    'the rule has its conditions',
  )

  const list = runCli(t, ['routing-rules', 'list'], env)
  t.same(await list.exited, { code: 0, signal: null }, list.stderr.join('\n'))
  t.match(list.stdout[0], /^ID\s+JURISDICTION\s+PRIORITY\s+ENABLED\s+CONDITIONS\s+UNIT$/)
  t.match(
    list.stdout[1],
    new RegExp(
      `^${rule.id}\\s.*\\s10\\s+yes\\s+problem_type=food_safety keywords=外卖\\|变质\\s+${food.id}$`,
    ),
  )

  const { enterprise_id: _none, ...body } = complaint('')
  const intake = {
    ...body,
    problem_type: 'food_safety',
    respondent: { name: '某餐馆' },
    claim: { description: '外卖餐品变质。', demands: ['refund'] },
  }
  const file = join(mkdtempSync(join(tmpdir(), 'hejie-dispatch-')), 'intake.json')
  writeFileSync(file, JSON.stringify(intake))
  const preview = runCli(t, ['dispatch', 'preview', '--file', file], env)
  t.same(await preview.exited, { code: 0, signal: null }, preview.stderr.join('\n'))
  const shown = preview.stdout.join('\n')
  t.match(shown, new RegExp(`Assignee\\s+unit ${food.id}`), 'the preview names the unit')
  t.match(shown, /Matched by\s+rule/, 'and how it matched')
  t.match(shown, new RegExp(`Rule\\s+${rule.id}`), 'and which rule')

  const broken = runCli(t, ['dispatch', 'preview'], env, { input: '{"respondent": ' })
  t.equal((await broken.exited).code, 1, 'a broken intake on standard input is refused')
  t.match(
    broken.stderr.join('\n'),
    /The intake on standard input is not valid JSON/,
    'saying what is wrong with it',
  )
})
