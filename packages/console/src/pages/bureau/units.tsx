import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function UnitsPage(_props: { id?: string }) {
  return <Page title={t('units.title')}>{null}</Page>
}
