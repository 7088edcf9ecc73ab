import { keywordText } from './names.js'

/**
 * The dispatcher's decision, as a pure function over candidates the caller has loaded: who
 * handles a complaint that names no assignee, and why (API.md, "Handling units and
 * dispatch"). The order is fixed:
 *
 * 1. an active enterprise whose credit code matches the respondent's, else one whose name or
 *    alias matches the respondent's name (normalised; suspended and exited enterprises are
 *    skipped, and were filtered out by the caller or are marked so here);
 * 2. the first rule whose conditions all match, rules of the dispute's jurisdiction first,
 *    then of its parent and so on to the root; within one jurisdiction by priority, then id.
 *    Disabled rules never match, nor rules whose unit is not active;
 * 3. the centre of the dispute's jurisdiction, else of the nearest ancestor that has one.
 */

export interface DispatchComplaint {
  problem_type: string
  category: string | null
  channel: string
  description: string
  respondent: { name: string; area_code: string | null }
}

export interface RuleConditions {
  problem_type?: string | undefined
  category?: string | undefined
  area_code_prefix?: string | undefined
  channel?: string | undefined
  keywords?: readonly string[] | undefined
}

export interface CandidateRule {
  id: string
  jurisdiction_id: string
  priority: number
  enabled: boolean
  conditions: RuleConditions
  unit_id: string
  unit_active: boolean
}

export interface CandidateEnterprise {
  id: string
  name: string
  odr_status: 'active' | 'suspended' | 'exited'
}

export interface DispatchCandidates {
  /** Enterprises whose credit code equals the respondent's. */
  byUscc: readonly CandidateEnterprise[]
  /** Enterprises whose normalised name or an alias equals the respondent's normalised name. */
  byName: readonly CandidateEnterprise[]
  /** The dispute's jurisdiction and its ancestors, nearest first. */
  chain: readonly string[]
  /** Rules of the jurisdictions in `chain`. */
  rules: readonly CandidateRule[]
  /** Active centre units by jurisdiction. */
  centers: ReadonlyMap<string, { id: string; name: string }>
}

export type MatchedBy = 'uscc' | 'name' | 'rule' | 'fallback'

export type DispatchDecision =
  | {
      assignee: { type: 'enterprise' | 'unit'; id: string }
      routing: { rule_id?: string; matched_by: MatchedBy; explanation: string }
    }
  | { assignee: null; routing: null; skipped: readonly CandidateEnterprise[] }

/** A complaint as the rules read it: its texts normalised once, however many rules there are. */
interface PreparedComplaint {
  complaint: DispatchComplaint
  description: string
  respondentName: string
}

function prepare(complaint: DispatchComplaint): PreparedComplaint {
  return {
    complaint,
    description: keywordText(complaint.description),
    respondentName: keywordText(complaint.respondent.name),
  }
}

/** A rule as tried: its keywords normalised once, when its rule book is made. */
interface PreparedRule {
  rule: CandidateRule
  keywords: readonly string[] | undefined
}

function matches(rule: PreparedRule, text: PreparedComplaint): boolean {
  const { conditions } = rule.rule
  const { complaint } = text
  if (conditions.problem_type !== undefined && conditions.problem_type !== complaint.problem_type)
    return false
  if (conditions.category !== undefined && conditions.category !== complaint.category) return false
  if (conditions.channel !== undefined && conditions.channel !== complaint.channel) return false
  if (
    conditions.area_code_prefix !== undefined &&
    !(complaint.respondent.area_code ?? '').startsWith(conditions.area_code_prefix)
  ) {
    return false
  }
  if (rule.keywords !== undefined) {
    return rule.keywords.some(
      (needle) => text.description.includes(needle) || text.respondentName.includes(needle),
    )
  }
  return true
}

function prepareRule(rule: CandidateRule): PreparedRule {
  return { rule, keywords: rule.conditions.keywords?.map(keywordText) }
}

/** What the conditions that matched were, for the explanation. */
function describeConditions(conditions: RuleConditions): string {
  const parts = [
    conditions.problem_type !== undefined ? `problem_type ${conditions.problem_type}` : null,
    conditions.category !== undefined ? `category ${conditions.category}` : null,
    conditions.area_code_prefix !== undefined ? `area code starting ${conditions.area_code_prefix}` : null,
    conditions.channel !== undefined ? `channel ${conditions.channel}` : null,
    conditions.keywords !== undefined ? `a keyword of ${conditions.keywords.join(', ')}` : null,
  ].filter((part) => part !== null)
  return parts.length === 0 ? 'no conditions (matches every complaint)' : parts.join('; ')
}

const byPriorityThenId = (a: CandidateRule, b: CandidateRule) =>
  a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The rules in the order they are tried: nearest jurisdiction first, then priority, then id.
 * Bucketed by jurisdiction, each bucket sorted: rules loaded in index order (priority, id)
 * are sorted already, which costs one pass.
 */
function ruleOrder(rules: readonly CandidateRule[], chain: readonly string[]): CandidateRule[] {
  const buckets = new Map<string, CandidateRule[]>(chain.map((id) => [id, []]))
  for (const rule of rules) buckets.get(rule.jurisdiction_id)?.push(rule)
  return [...buckets.values()].flatMap((bucket) => bucket.sort(byPriorityThenId))
}

/**
 * What stages 2 and 3 need for one jurisdiction, made once and reused for every complaint
 * received there until its rules, units or chain change: the rules that can match (enabled,
 * their unit active) in the order they are tried, and the centres up the chain.
 */
export interface RuleBook {
  readonly chain: readonly string[]
  readonly tried: readonly PreparedRule[]
  readonly centers: ReadonlyMap<string, { id: string; name: string }>
}

export function ruleBook(candidates: Pick<DispatchCandidates, 'chain' | 'rules' | 'centers'>): RuleBook {
  return {
    chain: candidates.chain,
    tried: ruleOrder(candidates.rules, candidates.chain)
      .filter((rule) => rule.enabled && rule.unit_active)
      .map(prepareRule),
    centers: candidates.centers,
  }
}

export function dispatch(complaint: DispatchComplaint, candidates: DispatchCandidates): DispatchDecision {
  return decide(complaint, candidates, ruleBook(candidates))
}

/** The decision, with stages 2 and 3 read from a rule book made beforehand. */
export function decide(
  complaint: DispatchComplaint,
  enterprises: Pick<DispatchCandidates, 'byUscc' | 'byName'>,
  book: RuleBook,
): DispatchDecision {
  const skipped: CandidateEnterprise[] = []
  for (const [matchedBy, found] of [
    ['uscc', enterprises.byUscc],
    ['name', enterprises.byName],
  ] as const) {
    const sorted = [...found].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const active = sorted.find((enterprise) => enterprise.odr_status === 'active')
    // An enterprise found by credit code and again by name is skipped, and named, once.
    skipped.push(
      ...sorted.filter(
        (enterprise) =>
          enterprise.odr_status !== 'active' && !skipped.some((seen) => seen.id === enterprise.id),
      ),
    )
    if (active) {
      const how =
        matchedBy === 'uscc'
          ? `the respondent's credit code is that of ${active.name}`
          : `the respondent's name "${complaint.respondent.name}" matches ${active.name} (normalised name or alias)`
      return {
        assignee: { type: 'enterprise', id: active.id },
        routing: { matched_by: matchedBy, explanation: `${how}${skippedNote(skipped)}.` },
      }
    }
  }
  const text = prepare(complaint)
  for (const candidate of book.tried) {
    if (!matches(candidate, text)) continue
    const { rule } = candidate
    return {
      assignee: { type: 'unit', id: rule.unit_id },
      routing: {
        rule_id: rule.id,
        matched_by: 'rule',
        explanation: `routing rule ${rule.id} (jurisdiction ${rule.jurisdiction_id}, priority ${rule.priority}) matched: ${describeConditions(rule.conditions)}${skippedNote(skipped)}.`,
      },
    }
  }
  for (const jurisdictionId of book.chain) {
    const center = book.centers.get(jurisdictionId)
    if (!center) continue
    return {
      assignee: { type: 'unit', id: center.id },
      routing: {
        matched_by: 'fallback',
        explanation: `no enterprise or routing rule matched; the centre ${center.name} of jurisdiction ${jurisdictionId} dispatches it by hand${skippedNote(skipped)}.`,
      },
    }
  }
  return { assignee: null, routing: null, skipped }
}

function skippedNote(skipped: readonly CandidateEnterprise[]): string {
  if (skipped.length === 0) return ''
  return ` (skipped, taking no new disputes: ${skipped.map((e) => `${e.name} ${e.id}, ${e.odr_status}`).join('; ')})`
}
