import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'
import { backend } from '../../gateway/test/helpers/database.js'
import { complaint, enrolEnterprise, gatewayWithRegulator } from '../../sdk/test/helpers/gateway.js'

// The published packages as a newcomer gets them: packed with `pnpm pack` (which builds them
// and turns workspace:* into versions), installed with npm into a project outside the
// workspace, and used as the docs say, against a running gateway.

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../../', import.meta.url))
const published = ['merkle', 'sdk', 'cli']

const work = mkdtempSync(join(tmpdir(), 'hejie-packages-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))
const tarballs = join(work, 'tarballs')
const project = join(work, 'project')

/** The first ```ts block of a docs page that contains `marker`. */
function snippet(page: string, marker: string): string {
  const text = readFileSync(join(root, 'docs', page), 'utf8')
  const block = [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((match) => match[1] ?? '')
    .find((code) => code.includes(marker))
  if (!block) throw new Error(`docs/${page} has no TypeScript snippet with ${marker}`)
  return block
}

t.test('each package to publish has what the registry and its users need', async (t) => {
  for (const name of published) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'))
    t.equal(manifest.name, `@hejie/${name}`)
    t.notOk(manifest.private, `${name} is not private`)
    for (const field of ['description', 'license', 'keywords', 'files', 'exports', 'engines']) {
      t.ok(manifest[field], `${name} has ${field}`)
    }
    t.equal(manifest.scripts?.prepack, 'tsc -b', `${name} builds itself when packed`)
    t.equal(manifest.publishConfig?.access, 'public', `${name} is published as a public scoped package`)
  }
})

t.test(
  `the packed packages install outside the workspace, and the docs' SDK snippets and npx hejie work (${backend})`,
  async (t) => {
    for (const name of published) {
      await run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, 'packages', name) })
    }
    const files = readdirSync(tarballs).sort()
    t.same(files, ['hejie-cli-0.1.0.tgz', 'hejie-merkle-0.1.0.tgz', 'hejie-sdk-0.1.0.tgz'])
    const { stdout: listing } = await run('tar', ['-tzf', join(tarballs, 'hejie-sdk-0.1.0.tgz')])
    t.ok(listing.includes('package/dist/index.d.ts'), 'the types are in the package')
    t.notOk(/package\/test\//.test(listing), 'the tests are not')
    const { stdout: manifest } = await run('tar', [
      '-xzOf',
      join(tarballs, 'hejie-cli-0.1.0.tgz'),
      'package/package.json',
    ])
    t.equal(JSON.parse(manifest).dependencies['@hejie/sdk'], '0.1.0', 'workspace:* became the version')

    // A fresh project, as `npm init` leaves one, away from the workspace and its node_modules.
    mkdirSync(project)
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'try-hejie', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
    )
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...files.map((file) => join(tarballs, file)),
      ],
      { cwd: project, env: { ...process.env, npm_config_workspaces: '' } },
    )

    const { baseUrl, regulator } = await gatewayWithRegulator(t)
    const company = await enrolEnterprise(regulator, '北京爱看视频科技有限公司')
    const dispute = await regulator.disputes.create(complaint(company.enterprise.id))
    const env = {
      ...process.env,
      HEJIE_CLIENT_ID: company.credentials.clientId,
      HEJIE_CLIENT_SECRET: company.credentials.clientSecret,
    }

    // docs/sdk.md's "Construct a client", then getting-started's settle loop, as one program.
    const construct = snippet('sdk.md', 'const me = await hejie.me()').replace(
      "'https://odr.example.gov.cn'",
      `'${baseUrl}'`,
    )
    const settle = snippet('getting-started.md', "import { Hejie } from '@hejie/sdk'")
      .replace("'http://127.0.0.1:3000'", `'${baseUrl}'`)
      .replace(/^import .*\n/m, '')
    const program = [
      construct,
      'console.log(JSON.stringify({ role: me.role }))',
      '{',
      'const clientId = process.env.HEJIE_CLIENT_ID!',
      'const clientSecret = process.env.HEJIE_CLIENT_SECRET!',
      settle,
      '}',
      "import * as webAudit from '@hejie/sdk/web-audit'",
      'console.log(JSON.stringify({ webAudit: typeof webAudit }))',
    ].join('\n')
    writeFileSync(join(project, 'try.mts'), program)

    // Type-checked against the installed package's types, as an integrator's compiler would.
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        files: ['try.mts'],
      }),
    )
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    const checked = await run(process.execPath, [tsc, '-p', project]).catch((error) => error)
    t.equal(checked.code ?? 0, 0, `the snippets type-check:\n${checked.stdout ?? ''}`)

    const ran = await run(process.execPath, ['--experimental-strip-types', '--no-warnings', 'try.mts'], {
      cwd: project,
      env,
    })
    t.same(
      ran.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
      [{ role: 'enterprise' }, { webAudit: 'object' }],
    )
    const accepted = await regulator.disputes.retrieve(dispute.id)
    t.equal(accepted.status, 'in_progress', "getting started's loop accepted the assigned dispute")

    const help = await run('npx', ['--no-install', 'hejie', '--help'], { cwd: project })
    t.match(help.stdout, /^Usage: hejie \[options\] \[command\]/)
    t.match(help.stdout, /Start with `hejie login`/)
    const list = await run('npx', ['--no-install', 'hejie', 'disputes', 'list', '--status', 'in_progress'], {
      cwd: project,
      env: { ...env, HEJIE_BASE_URL: baseUrl, HEJIE_CONFIG_DIR: join(work, 'config') },
    })
    t.match(list.stdout, new RegExp(`^${dispute.id}\\s+in_progress`, 'm'), 'the installed hejie lists it')
  },
)
