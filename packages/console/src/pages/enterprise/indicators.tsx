import { Page } from '../../components/page.js'
import { t } from '../../i18n/i18n.js'

export function IndicatorsPage(_props: { id?: string }) {
  return <Page title={t('indicators.title')}>{null}</Page>
}
