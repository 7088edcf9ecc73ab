/**
 * @hejie/sdk: the typed client of the Hejie settlement API.
 */
export * from './audit/merkle.js'
