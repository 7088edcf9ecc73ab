import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function DashboardPage(_props: { id?: string }) {
  return <Page title={t('dashboard.title')}>{null}</Page>
}
