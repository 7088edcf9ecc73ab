import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function BundleCheckPage(_props: { id?: string }) {
  return <Page title={t('audit.bundleTitle')}>{null}</Page>
}
