/**
 * A text for people, in both languages the API speaks: English (the default) and Chinese.
 * Problems carry their title and detail this way; the response picks one by `Accept-Language`.
 */
export interface Localized {
  en: string
  zh: string
}
