import { randomBytes } from 'node:crypto'

/**
 * A value that only the database can give, written into JSON before the database gives it:
 * an audit entry's index, an event's sequence. Serialized, it is a JSON string holding a
 * random token (new in every process, so no stored or client-sent text can hold it), and the
 * database puts the value in the place of that string, token and quotes.
 */
export class Placeholder {
  private readonly token: string

  constructor(name: string) {
    this.token = `hejie:${name}:${randomBytes(16).toString('hex')}`
  }

  toJSON(): string {
    return this.token
  }

  /** How the placeholder reads in serialized JSON: the text the database replaces. */
  get serialized(): string {
    return JSON.stringify(this.token)
  }

  /**
   * The serialized JSON, checked to hold the placeholder exactly once: replacing one that was
   * missing, or one of two, would commit to something other than what was meant.
   */
  template(json: string): string {
    const first = json.indexOf(this.serialized)
    if (first < 0 || json.indexOf(this.serialized, first + 1) >= 0)
      throw new Error(`expected one placeholder in the JSON, found ${first < 0 ? 'none' : 'several'}`)
    return json
  }
}
