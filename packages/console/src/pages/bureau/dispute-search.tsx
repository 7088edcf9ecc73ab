import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function DisputeSearchPage(_props: { id?: string }) {
  return <Page title={t('search.title')}>{null}</Page>
}
