import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function EnterprisesPage(_props: { id?: string }) {
  return <Page title={t('enterprises.title')}>{null}</Page>
}

export function EnterprisePage(_props: { id?: string }) {
  return <Page title={t('enterprises.title')}>{null}</Page>
}
