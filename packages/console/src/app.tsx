import type { ComponentChildren, JSX } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { language, setLanguage, t } from './i18n/i18n.js'
import type { MessageKey } from './i18n/zh.js'
import { BundleCheckPage } from './pages/audit/bundle-check.js'
import { DashboardPage } from './pages/bureau/dashboard.js'
import { DispatchQueuePage } from './pages/bureau/dispatch-queue.js'
import { DisputeSearchPage } from './pages/bureau/dispute-search.js'
import { EnterprisePage, EnterprisesPage } from './pages/bureau/enterprises.js'
import { UnitsPage } from './pages/bureau/units.js'
import { IndicatorsPage } from './pages/enterprise/indicators.js'
import { QueuePage } from './pages/enterprise/queue.js'
import { WebhookEndpointPage, WebhooksPage } from './pages/enterprise/webhooks.js'
import { DisputePage } from './pages/shared/dispute-page.js'
import { NotFoundPage } from './pages/shared/not-found.js'
import { Link, match, navigate, useLocation } from './router.js'
import {
  type ConsoleSession,
  type EndReason,
  onSessionEnd,
  type Role,
  restore,
  signOut,
} from './session/session.js'
import { SignInPage } from './session/sign-in-page.js'
import { forgetToken } from './session/tokens.js'

interface Route {
  path: string
  /** In the menu when it has a label. */
  menu?: MessageKey
  roles: Role[]
  page: (params: Record<string, string>) => JSX.Element
}

const bureau: Role[] = ['regulator']
const handlers: Role[] = ['enterprise', 'unit']

/** The pages, in menu order; the role decides the menu, and the API decides what a page may show. */
const routes: Route[] = [
  { path: '/dashboard', menu: 'nav.dashboard', roles: bureau, page: () => <DashboardPage /> },
  { path: '/queue', menu: 'nav.queue', roles: handlers, page: () => <QueuePage /> },
  {
    path: '/dispatch',
    menu: 'nav.dispatch',
    roles: ['regulator', 'unit'],
    page: () => <DispatchQueuePage />,
  },
  { path: '/disputes', menu: 'nav.disputes', roles: bureau, page: () => <DisputeSearchPage /> },
  {
    path: '/disputes/:id',
    roles: ['regulator', 'unit', 'enterprise'],
    page: (p) => <DisputePage id={p.id ?? ''} />,
  },
  { path: '/enterprises', menu: 'nav.enterprises', roles: bureau, page: () => <EnterprisesPage /> },
  { path: '/enterprises/:id', roles: bureau, page: (p) => <EnterprisePage id={p.id ?? ''} /> },
  { path: '/units', menu: 'nav.units', roles: bureau, page: () => <UnitsPage /> },
  { path: '/indicators', menu: 'nav.indicators', roles: handlers, page: () => <IndicatorsPage /> },
  { path: '/webhooks', menu: 'nav.webhooks', roles: handlers, page: () => <WebhooksPage /> },
  { path: '/webhooks/:id', roles: handlers, page: (p) => <WebhookEndpointPage id={p.id ?? ''} /> },
  { path: '/audit', menu: 'nav.audit', roles: ['regulator', 'enterprise'], page: () => <BundleCheckPage /> },
]

export function App() {
  const [session, setSession] = useState<ConsoleSession | undefined>()
  const [restoring, setRestoring] = useState(true)
  const [ended, setEnded] = useState<EndReason | undefined>()
  const [, setLang] = useState(language())
  const { path } = useLocation()

  useEffect(() => {
    restore()
      .then(setSession)
      .finally(() => setRestoring(false))
    return onSessionEnd((reason) => {
      forgetToken()
      setSession(undefined)
      setEnded(reason)
    })
  }, [])

  if (restoring) return null
  if (!session) {
    return (
      <Shell onLanguage={setLang}>
        <SignInPage
          reason={ended}
          onSignedIn={(s) => {
            setEnded(undefined)
            setSession(s)
          }}
        />
      </Shell>
    )
  }
  const role = session.principal.role
  const allowed = routes.filter((r) => r.roles.includes(role))
  const home = allowed.find((r) => r.menu)?.path ?? '/dashboard'
  if (path === '/' || path === '/sign-in') {
    queueMicrotask(() => navigate(home))
    return null
  }
  let content: JSX.Element = <NotFoundPage />
  for (const route of allowed) {
    const params = match(route.path, path)
    if (params) {
      content = route.page(params)
      break
    }
  }
  return (
    <Shell onLanguage={setLang} session={session}>
      <nav class="menu" aria-label={t('app.menu')}>
        <ul>
          {allowed
            .filter((r) => r.menu)
            .map((r) => (
              <li key={r.path}>
                <Link to={r.path} aria-current={path.startsWith(r.path) ? 'page' : undefined}>
                  {t(r.menu as MessageKey)}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {content}
      </main>
    </Shell>
  )
}

function Shell(props: {
  children: ComponentChildren
  session?: ConsoleSession
  onLanguage: (l: 'zh' | 'en') => void
}) {
  const other = language() === 'zh' ? 'en' : 'zh'
  return (
    <>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="top">
        <span class="brand">{t('app.title')}</span>
        <span class="spacer" />
        {props.session ? (
          <span class="who">
            {t(`role.${props.session.principal.role}` as MessageKey)} ·{' '}
            <code>{props.session.principal.client_id}</code>
          </span>
        ) : null}
        <button
          type="button"
          class="link"
          lang={other === 'en' ? 'en' : 'zh-CN'}
          aria-label={t('lang.switchLabel')}
          onClick={() => {
            setLanguage(other)
            props.onLanguage(other)
          }}
        >
          {t('lang.switch')}
        </button>
        {props.session ? (
          <button type="button" class="link" onClick={() => void signOut()}>
            {t('nav.signOut')}
          </button>
        ) : null}
      </header>
      <div class="layout">{props.children}</div>
    </>
  )
}
