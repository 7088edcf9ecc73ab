/**
 * The CLI's messages in English: what a person reads (help, progress, results, errors). The
 * Chinese catalogue (zh.ts) has the same keys and `{placeholders}`. Never put here what a
 * script parses: ids, API values, JSON and exit codes stay as they are in every locale.
 */
export const en = {
  // Commander's own words in help, and the program.
  'help.usage': 'Usage:',
  'help.arguments': 'Arguments:',
  'help.options': 'Options:',
  'help.commands': 'Commands:',
  'help.globalOptions': 'Global Options:',
  'help.helpOption': 'display help for command',
  'help.helpCommand': 'display help for command',
  'help.versionOption': 'output the version number',
  'program.description': 'Work with a Hejie gateway: the disputes routed to you, from the command line.',
  'program.after':
    '\nStart with `hejie login`. Exit codes: 0 done, 1 a usage or API error, 2 not logged in or\n' +
    'credentials refused, 3 `hejie audit verify` found the log does not verify, or\n' +
    '`hejie audit witness` or `hejie audit monitor` raised an alarm (a fork, a bad signature).',
  'failure.alarm': 'ALARM: {message}',
  'failure.refused': '{message}\nThe credentials were refused: check them, or run `hejie login` again.',
  'failure.requestId': ' (request id {id})',

  // Credentials.
  'credentials.notLoggedIn': 'Not logged in: run `hejie login` first.',
  'credentials.unreadable': 'Cannot read {file}: run `hejie login` again.',
  'credentials.incomplete': '{file} is incomplete: run `hejie login` again.',
  'credentials.notUrl': '{url} is not a URL (e.g. https://odr.example.gov.cn).',
  'credentials.otherGateway':
    'The credentials are for {saved}, not {gateway}: run `hejie login --base-url {gateway}` (with HEJIE_CONFIG_DIR for a second set), or set HEJIE_CLIENT_ID and HEJIE_CLIENT_SECRET.',

  // Option values.
  'options.seconds': 'expected a number of seconds from 0.1 to 3600',
  'options.duration': 'expected a duration such as 30s, 5m or 1h, from 0.1 s to a day',
  'options.value': 'expected a value',
  'options.choices': 'Allowed choices are {choices}.',
  'options.wholeFromOne': 'expected a whole number of 1 or more',
  'options.assignee': 'expected an enterprise id (ent_…) or a handling unit id (hnu_…)',
  'options.version': 'expected a dispute version: a whole number of 1 or more',
  'options.positive': 'expected a whole number, 1 or more',
  'options.count': 'expected a whole number, 0 or more',

  // JSON input.
  'json.intake': 'the intake',
  'json.terminal': 'Give {what} as a JSON file, or pipe it to standard input.',
  'json.stdin': 'standard input',
  'json.onStdin': 'on standard input',
  'json.inFile': 'in {file}',
  'json.noSuchFile': 'no such file',
  'json.unreadable': 'Cannot read {what} from {source}: {reason}.',
  'json.empty': '{What} {where} is empty.',
  'json.invalid': '{What} {where} is not valid JSON: {reason}.',
  'json.notObject': '{What} {where} must be a JSON object ({ … }).',
  'jurisdiction.unknownCode':
    'No jurisdiction with the code {code} in your subtree (see `hejie jurisdictions list`).',

  // hejie login
  'login.description': 'save the API client credentials that the other commands use, after checking them',
  'login.baseUrl': 'where the gateway is, e.g. https://odr.example.gov.cn',
  'login.clientId': 'the API client id (cli_…)',
  'login.clientSecret': 'its secret (asked for when left out, without echo)',
  'login.after':
    '\nValues left out are asked for; piped, they are read one per line from standard input.\n' +
    'The credentials are checked by getting an access token, then saved with mode 0600 to\n' +
    '$HEJIE_CONFIG_DIR/credentials.json (default ~/.config/hejie/credentials.json).',
  'login.askBaseUrl': 'Gateway URL',
  'login.askClientId': 'Client id',
  'login.askClientSecret': 'Client secret',
  'login.required': '{label} is required.',
  'login.enterprise': 'enterprise {name} ({id})',
  'login.regulator': '{role} of {name} ({code})',
  'login.done': 'Logged in to {baseUrl} as {clientId}, {who}.',
  'login.saved': 'Credentials saved to {file}.',

  // hejie disputes
  'disputes.description': 'read the disputes routed to you; regulators: take complaints in and route them',
  'disputes.id': 'the dispute id (dsp_…)',
  'disputes.list.description': 'list disputes, newest first',
  'disputes.list.status': 'only disputes in these statuses (repeat, or separate with commas)',
  'disputes.list.jurisdiction': 'only disputes received in this jurisdiction or below (regulators)',
  'disputes.list.assignee':
    'only disputes held by this enterprise (ent_…) or handling unit (hnu_…) (regulators)',
  'disputes.list.awaitingDispatch':
    "only disputes waiting at a centre to be assigned by hand: the centre's queue",
  'disputes.list.overdue': 'only disputes past their deadline while still unanswered or unsettled',
  'disputes.list.limit': 'show at most this many',
  'disputes.list.json': 'print the disputes as JSON, as the API returns them',
  'disputes.list.statuses': 'Statuses:',
  'disputes.list.assigneeColumn':
    "A regulator's table has an ASSIGNEE column: who holds each dispute (ent_… or hnu_…).",
  'disputes.list.none': 'No disputes.',
  'disputes.show.description': 'show one dispute',
  'disputes.show.json': 'print the dispute as JSON, as the API returns it',
  'disputes.show.records':
    'also list its contacts, settlements, refunds and mediation records, with their evidence',
  'status.assigned': 'waiting for the enterprise (or unit) to accept or decline',
  'status.in_progress': 'accepted; settle with the consumer',
  'status.settled': 'settlement recorded; refund and report the outcome',
  'status.returned': 'declined, back with the regulator to assign again',
  'status.escalated': 'gone to administrative mediation',
  'status.closed': 'finished',
  'column.id': 'ID',
  'column.status': 'STATUS',
  'column.assignee': 'ASSIGNEE',
  'column.respondBy': 'RESPOND BY',
  'column.overdue': 'OVERDUE',
  'column.consumer': 'CONSUMER',
  'column.problem': 'PROBLEM',
  'column.claim': 'CLAIM',
  'column.intakeTicket': 'INTAKE TICKET',
  'dispute.dispute': 'Dispute',
  'dispute.version': 'Version',
  'dispute.intakeTicket': 'Intake ticket',
  'dispute.via': '{ref} via {channel}',
  'dispute.jurisdiction': 'Jurisdiction',
  'dispute.respondent': 'Respondent',
  'dispute.assignee': 'Assignee',
  'dispute.routing': 'Routing',
  'dispute.consumer': 'Consumer',
  'dispute.erased': 'erased',
  'dispute.problem': 'Problem',
  'dispute.claim': 'Claim',
  'dispute.demands': 'Demands',
  'dispute.received': 'Received',
  'dispute.respondBy': 'Respond by',
  'dispute.overdue': '  OVERDUE',
  'dispute.noDeadline': 'no deadline yet: waiting at the centre to be dispatched',
  'dispute.settlement': 'Settlement',
  'dispute.refunded': 'Refunded',
  'dispute.outcome': 'Outcome',
  'dispute.nextActions': 'Next actions',
  'dispute.none': 'none',
  'records.contacts': 'Contacts',
  'records.settlements': 'Settlements',
  'records.refunds': 'Refunds',
  'records.mediation': 'Mediation records',
  'records.notReached': ' (not reached)',
  'records.evidence': '  evidence: {ids}',
  'records.none': 'No contacts, settlements, refunds or mediation records.',

  // The regulator's writes on disputes.
  'resolution.mediated': 'agreement reached in administrative mediation',
  'resolution.terminated': 'mediation ended without agreement',
  'resolution.rejected': 'the complaint was not taken up',
  'write.idempotencyKey':
    'repeat safely: the same key with the same body answers as the first time (kept 24 h)',
  'write.json': 'print the dispute as JSON, as the API returns it',
  'write.ifVersion': 'act only if the dispute is still at this version (`Version` in `hejie disputes show`)',
  'create.description': 'take a complaint in (regulators): the intake body as JSON, from a file or piped',
  'create.file': 'the intake body as a JSON file; `-` or left out: read standard input',
  'create.after':
    '\nThe body is that of POST /v1/disputes (see docs/disputes.md): external_ref, channel,\n' +
    'consumer, problem_type, claim; enterprise_id, or the respondent for the dispatcher to\n' +
    'route (see docs/dispatch.md); optionally category, purchase, received_at and\n' +
    'jurisdiction_id. It is sent as it is; the gateway checks it. To see where a complaint\n' +
    'would go without taking it in: hejie dispatch preview.\n\n' +
    'Examples:\n' +
    '  hejie disputes create complaint.json\n' +
    '  jq --arg ref "$TICKET" \'.external_ref = $ref\' template.json | hejie disputes create',
  'assign.description': 'route a dispute to an enterprise or a handling unit (regulators, centre units)',
  'assign.enterprise': 'the ODR enterprise that is to handle it (ent_…)',
  'assign.unit': 'the handling unit that is to handle it (hnu_…)',
  'assign.after':
    '\nGive exactly one of --enterprise and --unit. A dispute can be assigned when it is returned\n' +
    '(declined by its assignee) or while it waits at a centre to be dispatched by hand.',
  'assign.missing': 'Give --enterprise <id> or --unit <id>: who is to handle it.',
  'escalate.description': 'take a dispute to administrative mediation (regulators)',
  'escalate.reason': 'why, for the record (up to 2000 characters)',
  'withdraw.description': 'close a dispute the consumer withdrew (regulators)',
  'write.note': 'a note for the record (up to 2000 characters)',
  'close.description': 'close an escalated or returned dispute (regulators)',
  'close.resolution': 'how it ended',
  'close.resolutions': 'Resolutions:',

  // hejie disputes request-confirmation
  'confirmation.link': 'Link',
  'confirmation.code': 'Code',
  'confirmation.codeHidden': '(shown only when the link was made)',
  'confirmation.expires': 'Expires',
  'confirmation.request': 'Request',
  'confirmation.send':
    'Send the link to the consumer (Hejie sends no SMS); give the code by another way if you can.',
  'confirmation.description':
    'ask the consumer to confirm the settlement: a one-time link and a 6-digit code (assignee, regulators)',
  'confirmation.idempotencyKey':
    'repeat safely: the same key answers the same link (without the code) for 24 h',
  'confirmation.json': 'print the request as JSON, as the API returns it',
  'confirmation.after':
    '\nThe dispute must have a settlement (status settled, or closed as settled). A newer link\n' +
    'voids the older one. The consumer opens the link, enters the code, and confirms or rejects\n' +
    'the settlement with a rating; settlement.confirmed or settlement.rejected follows.\n' +
    'See docs/confirmation.md.',

  // hejie sandbox
  'sandbox.advanceFormat': 'write it as working days and/or hours, e.g. 3wd, 4h or 2wd4h',
  'sandbox.realTime': 'real time (never moved)',
  'sandbox.days': '{days} days',
  'sandbox.hours': '{hours} h',
  'sandbox.ahead': '{amount} ahead of real time',
  'sandbox.clock': 'Sandbox clock: {time} (Asia/Shanghai), {ahead}',
  'sandbox.description': 'the sandbox of a gateway started with --sandbox (pnpm start): its movable clock',
  'sandbox.clock.description': 'show the sandbox clock',
  'sandbox.clock.json': 'print the clock as JSON, as the API returns it',
  'sandbox.advance.description':
    'move the clock forward for every instance: 3wd (working days), 4h (hours), or 2wd4h',
  'sandbox.advance.after':
    '\nDeadlines, scanners and timestamps follow; the deadline scan runs before the answer, so\nthe events of deadlines passed are in the feed (hejie events tail) when it returns.\n\nExample:\n  hejie sandbox clock advance 11wd',

  // hejie audit verify and export
  'audit.exitCodes': `
Exit codes:
  0  everything verified
  1  could not verify: a usage error, or a file that cannot be read or is not an audit bundle
     or checkpoint
  3  verification failed: an entry altered, missing or out of place, a bad signature, a
     checkpoint that does not extend the trusted one (a fork), or, with --require-witness,
     too few of the witnesses required cosigned the checkpoint`,
  'audit.trustedCheckpointFile': 'trusted checkpoint',
  'audit.trustedKeysFile': 'trusted keys',
  'audit.cannotRead': 'Cannot read the {what} {file}: {reason}',
  'audit.notJson': 'The {what} {file} is not JSON.',
  'audit.checkpointUnusable': 'The trusted checkpoint {file} is not usable: {reason}.',
  'audit.notJwks': 'The trusted keys {file} are not a JWKS ({shape}).',
  'audit.entryDispute': 'dispute {id}',
  'audit.entryObject': 'object {id}',
  'audit.entryUnknown': 'entry ?',
  'audit.entry': 'entry {index}',
  'audit.ok': 'ok',
  'audit.failed': 'FAILED',
  'audit.note': 'Note',
  'audit.witnesses': 'Witnesses',
  'audit.cosignedAt': '{name} at {time}',
  'audit.witnessCount': '{verified} of {required} required witnesses cosigned, {threshold} needed',
  'audit.everyEnterprise': 'every enterprise',
  'audit.enterpriseOnly': 'enterprise {id} only',
  'audit.bundle': 'Bundle',
  'audit.bundleLine': '{bundle}: log {origin}, entries {from}–{to} ({scope})',
  'audit.exported': 'Exported',
  'audit.checkpoint': 'Checkpoint',
  'audit.checkpointLine': 'size {size}, root {root}, {time}',
  'audit.none': 'none',
  'audit.signature': 'Signature',
  'audit.keyFromBundle': ' (with a key from the bundle itself)',
  'audit.manifest': 'Manifest',
  'audit.entries': 'Entries',
  'audit.entriesVerified': '{verified} of {total} verified',
  'audit.entriesFailed': ', {count} failed',
  'audit.entriesMissing': ', {count} missing',
  'audit.filtered': ' (a filtered export: the entries between are not in it)',
  'audit.trusted': 'Trusted',
  'audit.result': 'Result',
  'audit.verified': 'VERIFIED',
  'audit.verificationFailed': 'VERIFICATION FAILED',
  'audit.noCosignature': 'no cosignature of this checkpoint',
  'audit.uncosigned': 'Witnesses without a valid cosignature:',
  'audit.uncosignedLine': '  {name} (key {keyId}): {reason}',
  'audit.failedEntries': 'Entries that failed:',
  'audit.more': '  … and {count} more',
  'audit.selfChecked':
    'The bundle was checked against itself and the keys it carries. Pass --trusted-checkpoint\n' +
    '(saved by an earlier run with --save-checkpoint) to know it extends what you saw before.',
  'audit.description': 'export, verify, witness and monitor the tamper-evident audit log',
  'verify.description':
    'verify an audit export bundle offline: signature, every entry and its proof, no gaps',
  'verify.bundle': 'the NDJSON bundle from `hejie audit export` or GET /v1/audit/export',
  'verify.trustedCheckpoint': 'a checkpoint verified earlier: the bundle must extend it',
  'verify.trustedKeys': 'a JWKS to check signatures with instead of the keys in the bundle',
  'verify.saveCheckpoint': "when everything verifies, save the bundle's checkpoint for next time",
  'verify.requireWitness':
    "a witness's verifier key (repeat, or separate with commas): the checkpoint must carry its cosignature",
  'verify.witnessThreshold': 'how many of the required witnesses must have cosigned (default: all)',
  'verify.json': 'print the report as JSON',
  'verify.after': `
With --require-witness, the bundle's checkpoint line must also carry the checkpoint as a
signed note, signed by the key that the JWS is checked with (the trusted keys, else the
bundle's JWKS), and cosignatures by at least --witness-threshold of the witnesses named.

The report goes to standard output; progress to standard error, as a bar in a terminal.
A failing entry is named by its leaf index, with its dispute, action and time when its
bytes still say them. See docs/audit.md.`,
  'verify.thresholdAlone': '--witness-threshold counts the witnesses of --require-witness: name them.',
  'verify.cannotVerify': 'Cannot verify {bundle}: {reason}.',
  'verify.saved': 'Checkpoint of size {size} saved to {file}.',
  'verify.notSaved': 'Checkpoint not saved to {file}: the bundle did not verify.',
  'export.description': 'download an audit export bundle to a file, with the saved credentials',
  'export.output': 'where to write the bundle',
  'export.from': 'first entry (default 0)',
  'export.to': 'end of the range, exclusive (default: the checkpoint size)',
  'export.enterprise': "regulators: only this enterprise's entries",
  'export.consistencyFrom':
    'include the proof that the log extends the tree of this size (a trusted checkpoint)',
  'export.after':
    '\nThe bundle is written to <file>.partial and renamed when complete. Verify it with\n`hejie audit verify <file>`; pass the size of your trusted checkpoint as --consistency-from\nwhen the export does not start at entry 0.',
  'export.done': '{entries} entries ({bytes} bytes) written to {file}.',
  'dispatch.description': 'the dispatcher (接诉即办): who handles a complaint (regulators)',
  'routingRules.description': "the dispatcher's rules: conditions → a handling unit (regulators)",
  'events.description': 'read the event feed: the events webhooks deliver, pulled in commit order',
  'files.description': 'upload evidence files; verify a dispute’s files',
  'jurisdictions.description': 'the tree of regulators below yours: city, districts, stations (regulators)',
  'riskSignals.description':
    'list the risk signals of your jurisdiction and below, newest first (regulators)',
  'stats.description': "the regulator's indicators over a window: totals, or per group (docs/stats.md)",
  'webhooks.description': 'develop a webhook receiver: real events, signed as the gateway signs them',
  'monitor.description':
    'follow the log: each new checkpoint verified, consistent with the last, its new entries in it',
  'witness.description':
    "cosign the gateway's checkpoints, each only if it extends the last one cosigned (a witness)",
  'audit.checked': '{verdict}: {message}',
  'export.tokenFailed': 'Getting an access token failed',
  'export.failed': 'The export failed',
  'events.none': 'No events.',
  'events.stopped': 'Stopped.',
  'events.stoppedAfter': 'Stopped. To continue from here: --after {last}',
  'listen.notAccepted': ', {count} not accepted',
  'listen.done': 'Done: {delivered} forwarded{failed}.',
  'listen.stopped': 'Stopped: {delivered} forwarded{failed}.',
  'listen.continue': 'To continue from here: {command}',
  'listen.continueFromFailed':
    'To continue from here, from {failed}, the first event not accepted: {command}',
  'listen.noEventBefore': '{failed} was not accepted, and the feed has no event before it to continue after.',
  'progress.verifying': 'Verifying',
  'progress.downloading': 'Downloading',
  'progress.line': '{verb}: {entries} entries, {done}{share}',
  'progress.entries': 'entries',
  'progress.eta': 'ETA',
} as const
