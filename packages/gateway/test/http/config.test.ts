import t from 'tap'
import { ConfigError, configurationTable, loadConfig, publicUrlOf } from '../../src/config.js'

t.test(
  'with no environment the gateway runs on the embedded database with documented defaults',
  async (t) => {
    const config = loadConfig({})
    t.equal(config.port, 3000)
    t.equal(config.databaseUrl, undefined)
    t.equal(config.sqlitePath, './data/hejie.db')
    t.equal(config.redisUrl, undefined)
  },
)

t.test('values are parsed into their types', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/hejie',
    HEJIE_TRUST_PROXY: 'true',
    LOG_LEVEL: 'warn',
  })
  t.equal(config.port, 8080)
  t.equal(config.databaseUrl, 'postgres://postgres@127.0.0.1:5432/hejie')
  t.equal(config.trustProxy, true)
  t.equal(config.logLevel, 'warn')
})

t.test('a bad value is refused with a message naming the variable', async (t) => {
  const cases: { env: Record<string, string>; want: RegExp }[] = [
    { env: { PORT: 'abc' }, want: /^PORT: expected an integer, got "abc"$/ },
    { env: { PORT: '70000' }, want: /^PORT: expected 0–65535/ },
    { env: { DATABASE_URL: 'nonsense' }, want: /^DATABASE_URL: expected a URL/ },
    {
      env: { DATABASE_URL: 'mysql://localhost/x' },
      want: /^DATABASE_URL: expected a postgres or postgresql URL/,
    },
    { env: { REDIS_URL: 'http://localhost' }, want: /^REDIS_URL: / },
    { env: { LOG_LEVEL: 'loud' }, want: /^LOG_LEVEL: expected one of/ },
    { env: { HEJIE_TRUST_PROXY: 'maybe' }, want: /^HEJIE_TRUST_PROXY: expected true or false/ },
  ]
  for (const { env, want } of cases) {
    const [name = ''] = Object.keys(env)
    t.throws(() => loadConfig(env), ConfigError, name)
    t.throws(() => loadConfig(env), { message: want }, name)
  }
})

t.test('the configuration reference lists every variable with its default', async (t) => {
  const table = configurationTable()
  for (const name of ['PORT', 'HOST', 'DATABASE_URL', 'HEJIE_SQLITE_PATH', 'REDIS_URL', 'LOG_LEVEL']) {
    t.match(table, new RegExp(`\\| \`${name}\` \\|`), name)
  }
})

t.test(
  'in production the public URL of confirmation links must be set; elsewhere it defaults to the gateway',
  async (t) => {
    t.throws(
      () => loadConfig({ NODE_ENV: 'production' }),
      /^HEJIE_PUBLIC_URL: must be set when NODE_ENV=production$/,
    )
    const production = loadConfig({ NODE_ENV: 'production', HEJIE_PUBLIC_URL: 'https://odr.example.gov.cn/' })
    t.equal(publicUrlOf(production), 'https://odr.example.gov.cn', 'without its trailing slash')
    t.equal(
      publicUrlOf(loadConfig({ PORT: '8080' })),
      'http://127.0.0.1:8080',
      'development: the gateway itself',
    )
    t.equal(
      publicUrlOf(loadConfig({ HOST: '0.0.0.0' })),
      'http://127.0.0.1:3000',
      'a wildcard bind is reached on loopback',
    )
    t.throws(
      () => loadConfig({ HEJIE_PUBLIC_URL: 'ftp://odr.example.gov.cn' }),
      /^HEJIE_PUBLIC_URL: expected a https or http URL/,
    )
    t.equal(loadConfig({}).confirmationTtlHours, 168, 'links last seven days by default')
  },
)
