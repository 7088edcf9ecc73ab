// Generated from openapi/hejie.openapi.json by `pnpm --filter @hejie/sdk generate`: do not edit.
// Regenerate after `pnpm openapi`; a test fails while this file and the spec disagree.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is up */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The database is reachable and its schema is current */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Get an access token (OAuth 2.0 client credentials) */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Public keys of access tokens and audit checkpoints (JWKS) */
        get: operations["getJwks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the caller is */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jurisdictions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's subtree as a list, parents first */
        get: operations["listJurisdictions"];
        put?: never;
        /** Add a district or a station under a node of the caller’s subtree */
        post: operations["createJurisdiction"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/jurisdictions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a jurisdiction of the caller’s subtree */
        get: operations["getJurisdiction"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename, recode or re-level a node below the caller’s (the root by its own regulators) */
        patch: operations["updateJurisdiction"];
        trace?: never;
    };
    "/v1/enterprises": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List enterprises: the whole directory for a regulator, itself for an enterprise */
        get: operations["listEnterprises"];
        put?: never;
        /** Register an ODR enterprise */
        post: operations["createEnterprise"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/enterprises/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an enterprise */
        get: operations["getEnterprise"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update an enterprise registered in the caller’s subtree, or suspend or exit it */
        patch: operations["updateEnterprise"];
        trace?: never;
    };
    "/v1/enterprises/{id}/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an enterprise's API clients (never their secrets) */
        get: operations["listEnterpriseClients"];
        put?: never;
        /** Create an API client for an enterprise (the secret is shown once) */
        post: operations["createEnterpriseClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clients": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the API clients of the caller's jurisdiction and below */
        get: operations["listClients"];
        put?: never;
        /** Create a regulator API client, or with `unit_id` a handling unit's (the secret is shown once) */
        post: operations["createRegulatorClient"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/clients/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API client: its tokens stop working within seconds on every instance */
        delete: operations["revokeClient"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List disputes, newest first
         * @description With `Accept: text/csv` or `format=csv`, the whole filtered set as one CSV download (`limit` and `cursor` do not apply), consumers masked unless a regulator asks `include_personal_data=true`, which is recorded in the audit log (`personal_data.exported`).
         */
        get: operations["listDisputes"];
        put?: never;
        /** Intake: route a consumer complaint to an enterprise or a handling unit (the dispatcher chooses when none is named) */
        post: operations["createDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a dispute */
        get: operations["getDispute"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every change to a dispute, in order, with actor and time (each an audit-log entry) */
        get: operations["getDisputeTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The contacts recorded with the consumer, oldest first, with their evidence */
        get: operations["listDisputeContacts"];
        put?: never;
        /** Record a contact with the consumer */
        post: operations["recordDisputeContact"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/settlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The settlements recorded, oldest first, with their evidence */
        get: operations["listDisputeSettlements"];
        put?: never;
        /** Record the settlement agreed with the consumer */
        post: operations["recordDisputeSettlement"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The refunds recorded, oldest first, with their evidence */
        get: operations["listDisputeRefunds"];
        put?: never;
        /** Record a refund paid under the settlement */
        post: operations["recordDisputeRefund"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/mediation-records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The sessions of administrative mediation recorded, oldest first, with their evidence */
        get: operations["listDisputeMediationRecords"];
        put?: never;
        /** Record a session of administrative mediation (行政调解) on an escalated dispute */
        post: operations["recordDisputeMediation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Accept a dispute assigned to the enterprise */
        post: operations["acceptDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/decline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decline a dispute (it returns to the regulator) */
        post: operations["declineDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/outcome": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Report the outcome: fulfilled (closes) or not settled (escalates) */
        post: operations["reportDisputeOutcome"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Route a returned dispute, or one waiting at the centre, to an enterprise or a handling unit */
        post: operations["assignDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/escalate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Escalate to administrative mediation */
        post: operations["escalateDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/withdraw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close a dispute the consumer withdrew */
        post: operations["withdrawDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close an escalated or returned dispute */
        post: operations["closeDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record the consumer callback (回访) on a closed dispute */
        post: operations["recordDisputeFeedback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/urge": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Urge (督办) the assignee: a note, and optionally a new deadline */
        post: operations["urgeDispute"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/erase-personal-data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Erase the consumer’s name and phone (PIPL); audit proofs stay valid */
        post: operations["eraseDisputePersonalData"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/handling-units": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the handling units of the caller's subtree, newest first */
        get: operations["listHandlingUnits"];
        put?: never;
        /** Create a handling unit in the caller's subtree */
        post: operations["createHandlingUnit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/handling-units/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a handling unit */
        get: operations["getHandlingUnit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Rename a handling unit, or make it inactive (it then receives no disputes) or active again */
        patch: operations["updateHandlingUnit"];
        trace?: never;
    };
    "/v1/routing-rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the routing rules of the caller's subtree, newest first */
        get: operations["listRoutingRules"];
        put?: never;
        /** Create a routing rule: complaints whose conditions all match go to its unit */
        post: operations["createRoutingRule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/routing-rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a routing rule */
        get: operations["getRoutingRule"];
        put?: never;
        post?: never;
        /** Delete a routing rule */
        delete: operations["deleteRoutingRule"];
        options?: never;
        head?: never;
        /** Change a routing rule: priority, enabled, conditions (replaced whole) or target */
        patch: operations["updateRoutingRule"];
        trace?: never;
    };
    "/v1/dispatch/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** What intake would do with this body, and why, changing nothing */
        post: operations["previewDispatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/disputes/{id}/confirmation-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask the consumer to confirm the settlement (回访): a one-time link and a 6-digit code
         * @description For the assignee holding the dispute or a regulator, once a settlement is recorded (status `settled`, or closed as settled). Answers the link (`url`, under `HEJIE_PUBLIC_URL`) and the `code`, which is shown only in this answer. Emits `confirmation.requested` with the link and without the code, for an SMS gateway to send; Hejie sends no message itself. A newer request voids the older open links of the dispute. See docs/confirmation.md.
         */
        post: operations["requestDisputeConfirmation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/c/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The consumer’s confirmation page (HTML): asks for the code first */
        get: operations["confirmationPage"];
        put?: never;
        /** The page’s form (HTML): the code, then the decision */
        post: operations["confirmationPageForm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Indicators over the disputes assigned in a window: totals, or per enterprise, problem type or month
         * @description With `Accept: text/csv` or `format=csv`, one CSV line per group.
         */
        get: operations["getStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stats/rankings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Enterprises and handling units of the caller’s subtree ranked by one indicator
         * @description Ranks each assignee holding disputes assigned in the window by `metric`, with the indicators behind the rank. Ties share a rank ("1224"). With `Accept: text/csv` or `format=csv`, one CSV line per ranked assignee. docs/supervision.md has each formula.
         */
        get: operations["getStatsRankings"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/risk-signals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the risk signals of the caller's subtree, newest first */
        get: operations["listRiskSignals"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/risk-signals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a risk signal */
        get: operations["getRiskSignal"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events in commit order: page with `after` (an event id); never misses or repeats one */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's webhook endpoints, newest first */
        get: operations["listWebhookEndpoints"];
        put?: never;
        /** Subscribe a URL to events (the signing secret is shown once) */
        post: operations["createWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A webhook endpoint */
        get: operations["getWebhookEndpoint"];
        put?: never;
        post?: never;
        /** Delete an endpoint with its delivery log; nothing more is sent to it */
        delete: operations["deleteWebhookEndpoint"];
        options?: never;
        head?: never;
        /** Change the URL, the event types or the description; enable or disable */
        patch: operations["updateWebhookEndpoint"];
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new signing secret (shown once); the old one keeps signing beside it for 24 hours */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a `ping` event to this endpoint only */
        post: operations["pingWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An endpoint's deliveries, newest first, with every attempt */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-endpoints/{id}/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue again every failed delivery of the endpoint created since a time */
        post: operations["recoverWebhookEndpoint"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhook-deliveries/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Attempt one delivery again now */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload an evidence file (multipart/form-data), for a dispute or for an intake to cite
         * @description The content is streamed into storage and hashed on the way; it is checked by its first bytes (not its name or claimed type). An upload that is refused or broken off leaves nothing stored. A file sent with `dispute_id` gets an audit entry carrying its SHA-256; a file without one must be cited by an intake of its uploader within 24 hours, or it is purged.
         */
        post: operations["uploadFile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a file’s description and SHA-256 */
        get: operations["getFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/files/{id}/content": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download a file’s content (streamed)
         * @description The bytes as stored, with `content-type`, `content-length` and `repr-digest` (RFC 9530, its SHA-256). The content of a file erased with its dispute’s personal data is gone: 410 `file_content_erased`, with the kept `sha256`.
         */
        get: operations["downloadFile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/checkpoint": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The latest signed tree head, as JSON with its JWS, or as a C2SP signed note
         * @description With `Accept: text/x.tlog-checkpoint`, the checkpoint as a C2SP signed note (c2sp.org/tlog-checkpoint): origin, tree size and root hash, the log's Ed25519 signature, then the witnesses' cosignatures (c2sp.org/tlog-cosignature).
         */
        get: operations["getAuditCheckpoint"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/note-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The keys that sign checkpoints, as C2SP verifier keys, current and retired */
        get: operations["listAuditNoteKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/cosignatures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A witness's cosignature of a checkpoint it checked (c2sp.org/tlog-cosignature) */
        post: operations["createAuditCosignature"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Entries by index (`end` exclusive); an enterprise sees those of its own disputes */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/proofs/inclusion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Inclusion proof of one entry in a tree of a given size (RFC 9162 §2.1.3) */
        get: operations["getAuditInclusionProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/proofs/consistency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Consistency proof between two tree sizes (RFC 9162 §2.1.4) */
        get: operations["getAuditConsistencyProof"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** NDJSON bundle: manifest, checkpoint, JWKS, optionally a consistency proof, then every entry with its inclusion proof */
        get: operations["exportAuditLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The console session of this browser
         * @description For a page that was reloaded: its CSRF token and who is signed in. Counts as a use of the session.
         */
        get: operations["getConsoleSession"];
        put?: never;
        /**
         * Sign in to the web console with a client’s credentials
         * @description Sets the HttpOnly, SameSite=Strict session cookie (path `/console`; Secure over HTTPS) and answers the session with its CSRF token. Wrong, unknown or revoked credentials: 401 `invalid_client`.
         */
        post: operations["createConsoleSession"];
        /**
         * Sign out of the console
         * @description Needs the session cookie and the `x-csrf-token` header; ends the session and clears the cookie.
         */
        delete: operations["deleteConsoleSession"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/console/session/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A fresh access token for the signed-in client
         * @description Needs the session cookie and the `x-csrf-token` header. The page keeps the token in memory and sends it to `/v1` as Bearer. Counts as a use of the session.
         */
        post: operations["createConsoleToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Problem: {
            /** @description `urn:hejie:problem:<code>` */
            type: string;
            title: string;
            status: number;
            detail: string;
            /**
             * @description Stable identifier; see docs/errors.md.
             * @enum {string}
             */
            code: "validation_failed" | "malformed_json" | "malformed_url" | "invalid_cursor" | "unauthenticated" | "invalid_token" | "invalid_client" | "console_session_required" | "console_session_expired" | "csrf_failed" | "https_required" | "forbidden" | "not_found" | "file_content_erased" | "method_not_allowed" | "conflict" | "invalid_transition" | "idempotency_key_in_use" | "no_settlement" | "consumer_already_answered" | "last_regulator_client" | "precondition_failed" | "payload_too_large" | "file_too_large" | "uri_too_long" | "unsupported_media_type" | "unsupported_file_type" | "unprocessable" | "idempotency_key_reused" | "refund_exceeds_settlement" | "enterprise_not_active" | "unit_not_active" | "no_dispatch_target" | "invalid_evidence" | "time_in_future" | "time_before_assignment" | "webhook_url_not_allowed" | "cosignature_invalid" | "cosignature_stale" | "rate_limited" | "internal_error" | "database_unavailable" | "storage_full" | "not_ready";
            request_id: string;
            errors?: {
                path: string;
                message: string;
            }[];
        } & {
            [key: string]: unknown;
        };
        TokenResponse: {
            access_token: string;
            /** @enum {string} */
            token_type: "Bearer";
            /** @description Seconds until the token expires (at most 900). */
            expires_in: number;
            /** @description Space-separated scopes the token carries. */
            scope: string;
        };
        Enterprise: {
            /** @example ent_01jdq2v8a3k9f0m7c5x4z6w2ht */
            id: string;
            /** @enum {string} */
            object: "enterprise";
            name: string;
            /** @description Unified social credit code (统一社会信用代码). */
            uscc: string;
            address: string | null;
            contact: {
                name: string;
                phone: string;
                email: string | null;
            };
            /**
             * @description `suspended` and `exited` (动态退出) enterprises receive no new disputes.
             * @enum {string}
             */
            odr_status: "active" | "suspended" | "exited";
            /** @description Other names it is known by: the dispatcher matches a respondent by name or alias. */
            aliases: string[];
            /** @description Where it is registered: regulators of this subtree manage it; every regulator reads it. */
            jurisdiction_id: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
        };
        EnterpriseList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Enterprise"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        ApiClient: {
            /** @example cli_01jdq2w1b7r3n8p5t2v9y4e6qa */
            id: string;
            /** @enum {string} */
            object: "api_client";
            /** @description The OAuth 2.0 client id (the same as `id`). */
            client_id: string;
            name: string;
            /** @enum {string} */
            role: "regulator" | "enterprise" | "witness" | "unit";
            enterprise_id: string | null;
            unit_id: string | null;
            /** @description Whose regulators manage it: a regulator client's own node (it sees that subtree), the node an enterprise client's enterprise is registered in, a unit client's unit's jurisdiction, the root for a witness. */
            jurisdiction_id: string;
            scopes: ("jurisdictions:read" | "jurisdictions:write" | "disputes:read" | "disputes:write" | "enterprises:read" | "enterprises:write" | "clients:write" | "events:read" | "webhooks:write" | "audit:read" | "stats:read" | "audit:cosign")[];
            witness_key: string | null;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            revoked_at: string | null;
        };
        ApiClientWithSecret: components["schemas"]["ApiClient"] & {
            client_secret: string | null;
        };
        ApiClientList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["ApiClient"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        /** @description A regulator has its jurisdiction; an enterprise client its enterprise. */
        Me: {
            /** @enum {string} */
            object: "me";
            /** @enum {string} */
            role: "regulator" | "enterprise" | "witness" | "unit";
            client_id: string;
            unit_id?: string | null;
            scopes: ("jurisdictions:read" | "jurisdictions:write" | "disputes:read" | "disputes:write" | "enterprises:read" | "enterprises:write" | "clients:write" | "events:read" | "webhooks:write" | "audit:read" | "stats:read" | "audit:cosign")[];
            enterprise: components["schemas"]["Enterprise"] | null;
            jurisdiction: components["schemas"]["Jurisdiction"] | null;
        };
        Jurisdiction: {
            /** @example jur_01jdq2v8a3k9f0m7c5x4z6w2ht */
            id: string;
            /** @enum {string} */
            object: "jurisdiction";
            /** @example 丰台区市场监督管理局 */
            name: string;
            /** @example 110106 */
            code: string;
            /**
             * @description 市局 → 区局 → 所: a child is always at a lower level than its parent.
             * @enum {string}
             */
            level: "city" | "district" | "station";
            parent_id: string | null;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
        };
        JurisdictionList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Jurisdiction"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        HandlingUnit: {
            /** @example hnu_01jdq2v8a3k9f0m7c5x4z6w2ht */
            id: string;
            /** @enum {string} */
            object: "handling_unit";
            jurisdiction_id: string;
            /** @example 丰台区12345接诉即办中心 */
            name: string;
            /**
             * @description center (中心调度: receives what nothing else matches and dispatches by hand), division (科室), station (所队), task_force (专班). Fixed at creation.
             * @enum {string}
             */
            kind: "center" | "division" | "station" | "task_force";
            /**
             * @description An inactive unit receives no disputes.
             * @enum {string}
             */
            status: "active" | "inactive";
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
        };
        HandlingUnitList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["HandlingUnit"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        RoutingRule: {
            /** @example rtr_01jdq2v8a3k9f0m7c5x4z6w2ht */
            id: string;
            /** @enum {string} */
            object: "routing_rule";
            jurisdiction_id: string;
            /** @description Lower first, within one jurisdiction. */
            priority: number;
            enabled: boolean;
            /** @description All given conditions must match; an absent one matches anything. */
            conditions: {
                /** @enum {string} */
                problem_type?: "quality" | "after_sales" | "contract" | "price" | "food_safety" | "false_advertising" | "measurement" | "safety" | "personal_rights" | "other";
                category?: string;
                /** @description Matches when the respondent's `area_code` starts with it. */
                area_code_prefix?: string;
                /** @enum {string} */
                channel?: "hotline_12315" | "hotline_12345" | "web" | "app" | "mini_program" | "walk_in";
                /** @description Matches when any keyword occurs in the claim's description or the respondent's name (NFKC, lower-cased). */
                keywords?: string[];
            };
            target: {
                unit_id: string;
            };
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
        };
        RoutingRuleList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["RoutingRule"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        DispatchPreview: {
            /** @enum {string} */
            object: "dispatch_preview";
            assignee: components["schemas"]["Assignee"];
            routing: components["schemas"]["Routing"];
        };
        ConsumerConfirmation: {
            /**
             * @description The consumer confirmed the settlement as agreed, or rejected it.
             * @enum {string}
             */
            decision: "confirmed" | "rejected";
            /**
             * @description 满意 / 基本满意 / 不满意.
             * @enum {string}
             */
            rating: "satisfied" | "basically_satisfied" | "dissatisfied";
            /** @description What the consumer wrote, as typed; absent when they wrote nothing; null once `erase-personal-data` erased it (decision, rating and `at` stay). */
            comment?: string | null;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            at: string;
        };
        /** @description Who holds a dispute: an ODR enterprise or a handling unit. */
        Assignee: {
            /** @enum {string} */
            type: "enterprise" | "unit";
            id: string;
        };
        Routing: {
            /** @description The routing rule that matched (`matched_by: rule`). */
            rule_id?: string;
            /** @enum {string} */
            matched_by: "explicit" | "uscc" | "name" | "rule" | "fallback";
            /** @description Why, in words: stored on the dispute and in its audit entry. */
            explanation: string;
        };
        Money: {
            /** @description Minor units (fen). */
            amount: number;
            /** @enum {string} */
            currency: "CNY";
        };
        Settlement: {
            id: string;
            /** @enum {string} */
            object: "settlement";
            dispute_id: string;
            /** @enum {string} */
            remedy: "refund" | "partial_refund" | "return_and_refund" | "replacement" | "repair" | "compensation" | "apology" | "other";
            amount: components["schemas"]["Money"] | null;
            terms: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            agreed_at: string;
            consumer_consent: {
                method: string;
                reference: string;
            };
            /** @description The ids of the files (`fil_…`) cited as evidence. */
            evidence?: string[];
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            consumer_confirmation?: components["schemas"]["ConsumerConfirmation"] | null;
        };
        Refund: {
            id: string;
            /** @enum {string} */
            object: "refund";
            dispute_id: string;
            settlement_id: string;
            amount: components["schemas"]["Money"];
            method: string;
            reference: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            refunded_at: string;
            /** @description The ids of the files (`fil_…`) cited as evidence. */
            evidence: string[];
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
        };
        Contact: {
            id: string;
            /** @enum {string} */
            object: "contact";
            dispute_id: string;
            channel: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            contacted_at: string;
            reached: boolean;
            summary: string;
            /** @description The ids of the files (`fil_…`) cited as evidence. */
            evidence: string[];
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
        };
        MediationParticipant: {
            /** @enum {string} */
            role: "consumer" | "respondent" | "mediator" | "other";
            name: string;
        };
        /** @description A session of administrative mediation (行政调解). */
        MediationRecord: {
            /** @example med_01jdq3c0k2m4n6p8r0t2v4x6z8 */
            id: string;
            /** @enum {string} */
            object: "mediation_record";
            dispute_id: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            held_at: string;
            /** @enum {string} */
            method: "phone" | "in_person" | "online";
            participants: components["schemas"]["MediationParticipant"][];
            summary: string;
            agreement: string | null;
            /** @description The ids of the files (`fil_…`) cited as evidence. */
            evidence: string[];
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
        };
        Feedback: {
            id: string;
            /** @enum {string} */
            object: "feedback";
            dispute_id: string;
            resolved: boolean;
            /** @enum {string} */
            satisfaction: "satisfied" | "basically_satisfied" | "dissatisfied";
            note: string | null;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            recorded_at: string;
        };
        Dispute: {
            /** @example dsp_01jdq3a5m8c2x7v4b9n6k1p3rt */
            id: string;
            /** @enum {string} */
            object: "dispute";
            /** @description The intake ticket number; unique. */
            external_ref: string;
            /** @enum {string} */
            channel: "hotline_12315" | "hotline_12345" | "web" | "app" | "mini_program" | "walk_in";
            /** @enum {string} */
            status: "assigned" | "in_progress" | "settled" | "returned" | "escalated" | "closed";
            resolution: ("settled" | "withdrawn" | "mediated" | "terminated" | "rejected") | null;
            enterprise_id: string | null;
            assignee: components["schemas"]["Assignee"];
            respondent: {
                name: string;
                uscc?: string;
                address?: string;
                area_code?: string;
            } | null;
            routing: components["schemas"]["Routing"] | null;
            /** @description Where the complaint was received (see Jurisdictions). */
            jurisdiction_id: string;
            /** @description Full to the assigned enterprise while open, masked once closed, null after erasure; never in events. */
            consumer: {
                name: string | null;
                phone: string | null;
            };
            /** @enum {string} */
            problem_type: "quality" | "after_sales" | "contract" | "price" | "food_safety" | "false_advertising" | "measurement" | "safety" | "personal_rights" | "other";
            category: string | null;
            claim: {
                description: string;
                demands: ("refund" | "return" | "replacement" | "repair" | "compensation" | "apology" | "other")[];
                amount?: components["schemas"]["Money"];
            };
            purchase: {
                /**
                 * Format: date
                 * @description YYYY-MM-DD
                 */
                date?: string;
                order_ref?: string;
                amount?: components["schemas"]["Money"];
                /** @enum {string} */
                channel?: "online" | "offline" | "live_stream";
            };
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            received_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            assigned_at: string;
            respond_by: string | null;
            /** @description True when `respond_by` was counted through a year whose holiday schedule was not published yet: its statutory days off were derived from the law's rules and make-up working days were unknown. A deadline, once set, keeps its date when the schedule is published. */
            respond_by_provisional: boolean;
            accepted_at: string | null;
            settled_at: string | null;
            closed_at: string | null;
            overdue: boolean;
            settlement: components["schemas"]["Settlement"] | null;
            refunded: components["schemas"]["Money"];
            outcome: {
                /** @enum {string} */
                result: "fulfilled" | "not_settled";
                reason: string | null;
                summary: string;
                /**
                 * Format: date-time
                 * @example 2026-11-28T08:00:00.000Z
                 */
                reported_at: string;
            } | null;
            feedback: components["schemas"]["Feedback"] | null;
            /** @description Times a regulator urged (督办) the assignee now holding it. */
            urge_count: number;
            last_urged_at: string | null;
            mediation_due_at: string | null;
            allowed_actions: ("accept" | "decline" | "contacts" | "settlements" | "refunds" | "outcome" | "assign" | "escalate" | "withdraw" | "close" | "feedback" | "erase-personal-data" | "urge" | "mediation-records")[];
            version: number;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
        };
        DisputeList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Dispute"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        TimelineEntry: {
            /** @enum {string} */
            object: "timeline_entry";
            /** @description The index of the audit-log entry that commits to this change. */
            audit_index: number;
            action: string;
            actor: {
                role: string;
                client_id: string;
                enterprise_id?: string;
                unit_id?: string;
            };
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            at: string;
            object_id: string;
            details: {
                [key: string]: unknown;
            };
        };
        Timeline: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["TimelineEntry"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        ContactList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Contact"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        SettlementList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Settlement"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        RefundList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Refund"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        MediationRecordList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["MediationRecord"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        ConfirmationRequest: {
            /** @example cfr_01jdq3c0k2m4n6p8r0t2v4x6z8 */
            id: string;
            /** @enum {string} */
            object: "confirmation_request";
            dispute_id: string;
            settlement_id: string;
            /**
             * Format: uri
             * @description The one-time link for the consumer, under `HEJIE_PUBLIC_URL`. Send it to the consumer (SMS); it is the key to the page.
             * @example https://odr.example.gov.cn/c/3q2-7wXbQ0m8Zr1yH5kLfA
             */
            url: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            expires_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /** @description The 6-digit code the page asks for before it shows anything. Returned only in this answer (a replay of the request omits it); give it to the consumer by another way than the link if you can. */
            code?: string;
        };
        StatsGroup: {
            /** @description The enterprise id, the problem type, the month as `YYYY-MM` in UTC+8, the jurisdiction id, or the assignee id (`ent_…` or `hnu_…`); null for the totals. */
            group: string | null;
            /** @description Disputes assigned in the window (to the enterprise they are assigned to now). */
            received: number;
            /** @description Of those, accepted by the enterprise. */
            accepted: number;
            /** @description Closed after the enterprise reported its settlement fulfilled (resolution `settled`). */
            settled: number;
            /** @description Sent to administrative mediation: `escalated` now, or closed by the regulator after it. */
            escalated: number;
            /** @description Declined by the enterprise: `returned` now, or closed by the regulator without mediation. */
            returned: number;
            /** @description Closed because the consumer withdrew the complaint. */
            withdrawn: number;
            /** @description Still awaiting the enterprise after `respond_by`, now or at some point. */
            overdue: number;
            /** @description 和解成功率: settled ÷ (settled + escalated + returned). Null when the denominator is 0. */
            settlement_rate: number | null;
            /** @description 按时办结率: concluded without ever being overdue ÷ (settled + escalated + returned). Null when the denominator is 0. */
            on_time_rate: number | null;
            /** @description 响应率: accepted with a contact recorded by `respond_by` ÷ received. Null when the denominator is 0. */
            response_rate: number | null;
            /** @description 满意率: feedback satisfied or basically satisfied ÷ feedback given. Null when the denominator is 0. */
            satisfaction_rate: number | null;
            /** @description 解决率: feedback saying the problem was resolved ÷ feedback given. Null when the denominator is 0. */
            resolution_rate: number | null;
            /** @description Mean hours from assignment to closing over the settled disputes, to 0.01 h. Null when none is settled. */
            avg_handling_hours: number | null;
            /** @description How long the consumer waited, settled directly against through mediation; null where there is none. */
            avg_days_to_resolution: {
                /** @description Mean calendar days from receipt to closing over the disputes settled directly by their assignee (resolution `settled`), to 0.01 day. */
                direct: number | null;
                /** @description The same over the disputes closed as `mediated` after administrative mediation. */
                mediated: number | null;
            };
            /** @description Urges (督办) of the assignees now holding these disputes. */
            urged: number;
            /** @description 消费者确认率: settlements the consumer confirmed on the confirmation page ÷ those the consumer answered (confirmed or rejected). Null when the denominator is 0. */
            consumer_confirmed_rate: number | null;
            /** @description 消费者满意率: answers on the confirmation page rated satisfied or basically satisfied ÷ answers. Null when the denominator is 0. */
            consumer_satisfaction_rate: number | null;
            refunded: components["schemas"]["Money"];
        };
        StatsReport: {
            /** @enum {string} */
            object: "stats";
            /** @description The window’s start as applied, in UTC; null: since the first dispute. */
            from: string | null;
            /**
             * Format: date-time
             * @description The window’s end (exclusive) as applied, in UTC.
             * @example 2026-01-31T16:00:00.000Z
             */
            to: string;
            /** @description The grouping asked for; null for the totals. */
            group_by: ("enterprise" | "problem_type" | "month" | "jurisdiction" | "assignee") | null;
            data: components["schemas"]["StatsGroup"][];
        };
        RankedAssignee: {
            /** @description Standard competition ranking ("1224"): equal values share a rank, and the next rank skips as many places as shared it. */
            rank: number;
            assignee: {
                /** @enum {string} */
                type: "enterprise" | "unit";
                /** @description `ent_…` or `hnu_…` */
                id: string;
                /** @description The enterprise’s registered name or the unit’s name. */
                name: string;
            };
            /** @description The metric’s value for this assignee. */
            value: number;
            indicators: components["schemas"]["StatsGroup"];
        };
        Ranking: {
            /** @enum {string} */
            object: "ranking";
            /** @enum {string} */
            metric: "settlement_rate" | "on_time_rate" | "response_rate" | "avg_handling_hours" | "received";
            /** @description The window’s start as applied, in UTC; null: since the first dispute. */
            from: string | null;
            /**
             * Format: date-time
             * @description The window’s end (exclusive) as applied, in UTC.
             */
            to: string;
            /** @description The kind of assignee ranked; null for both. */
            assignee_type: ("enterprise" | "unit") | null;
            /** @description The minimum volume applied. */
            min_concluded: number;
            /** @description Best first; ties by assignee id. */
            data: components["schemas"]["RankedAssignee"][];
            /** @description Assignees with disputes in the window but fewer than `min_concluded` concluded. */
            excluded_below_minimum: number;
            /** @description Assignees above the minimum whose metric has no value (a rate over nothing, or no settled dispute for `avg_handling_hours`). */
            excluded_without_value: number;
        };
        RiskSignal: {
            /** @example rsk_01jdq2v8a3k9f0m7c5x4z6w2ht */
            id: string;
            /** @enum {string} */
            object: "risk_signal";
            /**
             * @description rising_volume (a window’s count against the mean of the windows before), repeated_problem (one enterprise, one category, many disputes), low_settlement_rate, overdue_cluster, repeat_complainant (one consumer, many disputes; the consumer is never named). docs/risk-signals.md gives each formula.
             * @enum {string}
             */
            kind: "rising_volume" | "repeated_problem" | "low_settlement_rate" | "overdue_cluster" | "repeat_complainant";
            /** @description Where the disputes were received. */
            jurisdiction_id: string;
            /** @description What the signal is about; empty for a repeat complainant. */
            subject: {
                enterprise_id?: string;
                category?: string;
                problem_type?: string;
            };
            /** @description A calendar week in Beijing time: Monday 00:00 (inclusive) to the next Monday 00:00. */
            window: {
                /**
                 * Format: date-time
                 * @example 2026-11-28T08:00:00.000Z
                 */
                start: string;
                /**
                 * Format: date-time
                 * @example 2026-11-28T08:00:00.000Z
                 */
                end: string;
            };
            /** @description The count, or for low_settlement_rate the rate (0–1). */
            value: number;
            baseline: number | null;
            /** @description Where the signal is raised, in the unit of `value`. */
            threshold: number;
            /** @description The first 20 disputes, oldest first. */
            disputes: string[];
            explanation: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            first_raised_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            last_seen_at: string;
        };
        RiskSignalList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["RiskSignal"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        Event: {
            /** @example evt_01jdq3c0k2m4n6p8r0t2v4x6z8 */
            id: string;
            /** @enum {string} */
            object: "event";
            /** @enum {string} */
            type: "dispute.assigned" | "dispute.updated" | "dispute.deadline_approaching" | "dispute.overdue" | "dispute.escalated" | "dispute.closed" | "dispute.reassigned_away" | "dispute.urged" | "dispute.mediation_deadline_approaching" | "dispute.mediation_overdue" | "settlement.recorded" | "settlement.confirmed" | "settlement.rejected" | "confirmation.requested" | "refund.recorded" | "webhook_endpoint.disabled" | "risk_signal.raised" | "ping";
            /** @description Commit order: ascending, never reused. */
            sequence: number;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            enterprise_id: string | null;
            assignee?: {
                /** @enum {string} */
                type: "enterprise" | "unit";
                id: string;
            } | null;
            data: {
                /** @description The object after the change. */
                object: {
                    [key: string]: unknown;
                };
            };
        };
        EventList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["Event"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        WebhookEndpoint: {
            /** @example whe_01jdq3c0k2m4n6p8r0t2v4x6z8 */
            id: string;
            /** @enum {string} */
            object: "webhook_endpoint";
            enterprise_id: string | null;
            unit_id?: string | null;
            url: string;
            event_types: string[];
            description: string | null;
            /** @enum {string} */
            status: "enabled" | "disabled";
            disabled_reason: string | null;
            failing_since: string | null;
            previous_secret_expires_at: string | null;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
        };
        WebhookEndpointWithSecret: {
            /** @example whe_01jdq3c0k2m4n6p8r0t2v4x6z8 */
            id: string;
            /** @enum {string} */
            object: "webhook_endpoint";
            enterprise_id: string | null;
            unit_id?: string | null;
            url: string;
            event_types: string[];
            description: string | null;
            /** @enum {string} */
            status: "enabled" | "disabled";
            disabled_reason: string | null;
            failing_since: string | null;
            previous_secret_expires_at: string | null;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
            secret: string | null;
        };
        WebhookEndpointList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["WebhookEndpoint"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        WebhookAttempt: {
            attempt: number;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            started_at: string;
            duration_ms: number;
            status_code: number | null;
            error: string | null;
            response_excerpt: string | null;
        };
        WebhookDelivery: {
            /** @example whd_01jdq3c0k2m4n6p8r0t2v4x6z8 */
            id: string;
            /** @enum {string} */
            object: "webhook_delivery";
            endpoint_id: string;
            event_id: string;
            event_sequence: number;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            next_attempt_at: string | null;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            updated_at: string;
            /** @description Every attempt, first to last. */
            attempts: components["schemas"]["WebhookAttempt"][];
        };
        WebhookDeliveryList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["WebhookDelivery"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        WebhookRecovery: {
            /** @enum {string} */
            object: "webhook_recovery";
            endpoint_id: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            since: string;
            /** @description Failed deliveries queued again. */
            requeued: number;
        };
        /** @description An evidence file: a recording, a photo, a receipt, a signed agreement. */
        File: {
            /** @example fil_01jdq3c0k2m4n6p8r0t2v4x6z8 */
            id: string;
            /** @enum {string} */
            object: "file";
            /**
             * @description What the file shows: the complaint, the consumer’s consent, a refund, a mediation session, or other.
             * @enum {string}
             */
            purpose: "complaint_material" | "consent_record" | "refund_receipt" | "mediation_record" | "other";
            dispute_id: string | null;
            /** @description The name the uploader gave; never used to decide the type. */
            filename: string;
            /** @description The type recognised from the content’s first bytes. */
            content_type: string;
            /** @description Bytes. */
            size: number;
            /** @description Lower-case hex SHA-256 of the content; audit entries citing the file carry it. */
            sha256: string;
            /**
             * Format: date-time
             * @example 2026-11-28T08:00:00.000Z
             */
            created_at: string;
            content_erased_at: string | null;
        };
        AuditCheckpointCosignature: {
            /** @description The witness's key name */
            witness: string;
            /** @description When the witness cosigned, POSIX seconds */
            timestamp: number;
            /** @description The note signature line, as the witness made it */
            line: string;
        };
        AuditCosignature: {
            /** @enum {string} */
            object: "cosignature";
            witness: string;
            tree_size: number;
            timestamp: number;
            line: string;
        };
        AuditNoteKey: {
            /** @enum {string} */
            object: "note_key";
            /** @description The key in the JWKS */
            kid: string;
            /** @description C2SP verifier key: `<origin>+<key id>+base64(0x01 ‖ Ed25519 key)` */
            verifier_key: string;
            /** @description Signs new checkpoints; the others are retired */
            current: boolean;
        };
        AuditNoteKeyList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["AuditNoteKey"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        AuditCheckpoint: {
            origin: string;
            tree_size: number;
            /** @description SHA-256, base64 */
            root_hash: string;
            /** Format: date-time */
            timestamp: string;
            /** @description Compact JWS (EdDSA, `typ: audit-checkpoint+jwt`, key in the JWKS) over the other four fields. */
            signature: string;
            /** @description The same checkpoint as a C2SP signed note (origin, tree size, root hash), signed by the JWS's key; verifier keys at /v1/audit/note-keys */
            note: string;
            /** @description Witnesses' cosignatures of this checkpoint (c2sp.org/tlog-cosignature), the latest of each witness */
            cosignatures: components["schemas"]["AuditCheckpointCosignature"][];
        };
        AuditEntry: {
            index: number;
            /** @description SHA-256(0x00 ‖ canonical), base64 */
            leaf_hash: string;
            /** @description The RFC 8785 bytes exactly as hashed, base64 */
            canonical: string;
            /** @description The same bytes parsed, for reading; absent when they do not parse (a damaged row) */
            entry?: {
                [key: string]: unknown;
            };
        };
        AuditEntryList: {
            /** @enum {string} */
            object: "list";
            data: components["schemas"]["AuditEntry"][];
            has_more: boolean;
            next_cursor: string | null;
        };
        InclusionProof: {
            leaf_index: number;
            tree_size: number;
            hashes: string[];
        };
        ConsistencyProof: {
            first: number;
            second: number;
            hashes: string[];
        };
        Health: {
            /** @enum {string} */
            status: "ok";
        };
        OAuthError: {
            /** @enum {string} */
            error: "invalid_request" | "invalid_client" | "unsupported_grant_type" | "invalid_scope" | "temporarily_unavailable";
            error_description: string;
        };
        Jwks: {
            keys: ({
                kty: string;
                crv: string;
                x: string;
                kid: string;
                alg: string;
                use: string;
            } & {
                [key: string]: unknown;
            })[];
        };
        ConsoleSession: {
            /** @enum {string} */
            object: "console_session";
            /** @description Send it as `x-csrf-token` with every other console request; only a page of this origin can read it. */
            csrf_token: string;
            /**
             * Format: date-time
             * @description The absolute end of the session.
             */
            expires_at: string;
            /**
             * Format: date-time
             * @description When the session ends unless used: each token fetched moves it forward.
             */
            idle_expires_at: string;
            idle_timeout_seconds: number;
            principal: {
                role: string;
                client_id: string;
                enterprise_id: string | null;
                jurisdiction_id: string | null;
                unit_id: string | null;
            };
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is unreachable or not migrated */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": {
                    /** @enum {string} */
                    grant_type: "client_credentials";
                    client_id?: string;
                    client_secret?: string;
                    /** @description Space-separated subset of the client’s scopes. */
                    scope?: string;
                } & {
                    [key: string]: unknown;
                };
                "application/json": {
                    /** @enum {string} */
                    grant_type: "client_credentials";
                    client_id?: string;
                    client_secret?: string;
                    /** @description Space-separated subset of the client’s scopes. */
                    scope?: string;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description RFC 6749 §5.2 error */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Unknown client or wrong secret */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`invalid_request`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description The body is neither form-encoded nor JSON (`invalid_request`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach: `temporarily_unavailable`, with `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OAuthError"];
                };
            };
        };
    };
    getJwks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jwks"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A regulator has its jurisdiction; an enterprise client its enterprise. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listJurisdictions: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                level?: "city" | "district" | "station";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JurisdictionList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createJurisdiction: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /**
                     * @description A city or district: its GB/T 2260 six-digit area code (丰台区 110106). A station: an internal code, usually below its district (110106001). Unique in the deployment.
                     * @example 110106
                     */
                    code: string;
                    /**
                     * @description 市局 → 区局 → 所: a child is always at a lower level than its parent.
                     * @enum {string}
                     */
                    level: "city" | "district" | "station";
                    /** @description The caller's own jurisdiction when absent; always within the caller's subtree. */
                    parent_id?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jurisdiction"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The code is taken; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getJurisdiction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jurisdiction"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateJurisdiction: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    name?: string;
                    /**
                     * @description A city or district: its GB/T 2260 six-digit area code (丰台区 110106). A station: an internal code, usually below its district (110106001). Unique in the deployment.
                     * @example 110106
                     */
                    code?: string;
                    /**
                     * @description 市局 → 区局 → 所: a child is always at a lower level than its parent.
                     * @enum {string}
                     */
                    level?: "city" | "district" | "station";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Jurisdiction"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The code is taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEnterprises: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                odr_status?: "active" | "suspended" | "exited";
                /** @description Registered in this jurisdiction or below it. */
                jurisdiction_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EnterpriseList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createEnterprise: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description 18 characters with a valid GB 32100-2015 check character. */
                    uscc: string;
                    address?: string;
                    contact: {
                        name: string;
                        phone: string;
                        /** Format: email */
                        email?: string;
                    };
                    /** @description Other names it is known by (brand, former name, shop name), matched by the dispatcher. */
                    aliases?: string[];
                    /** @description Where it is registered: the caller's jurisdiction when absent, always within its subtree. */
                    jurisdiction_id?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Enterprise"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credit code is registered; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getEnterprise: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Enterprise"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateEnterprise: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    name?: string;
                    address?: string | null;
                    contact?: {
                        name: string;
                        phone: string;
                        /** Format: email */
                        email?: string;
                    };
                    /**
                     * @description `suspended` and `exited` (动态退出) enterprises receive no new disputes.
                     * @enum {string}
                     */
                    odr_status?: "active" | "suspended" | "exited";
                    /** @description Replaces the list of other names. */
                    aliases?: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Enterprise"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller may not do this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description An exited enterprise is final */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEnterpriseClients: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage API clients */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise or client */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createEnterpriseClient: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description Narrows the client; all scopes of its role when absent. */
                    scopes?: ("jurisdictions:read" | "jurisdictions:write" | "disputes:read" | "disputes:write" | "enterprises:read" | "enterprises:write" | "clients:write" | "events:read" | "webhooks:write" | "audit:read" | "stats:read" | "audit:cosign")[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientWithSecret"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage API clients */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise or client */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listClients: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                role?: "regulator" | "enterprise" | "witness" | "unit";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage API clients */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise or client */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createRegulatorClient: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description Narrows the client; all scopes of its role when absent. */
                    scopes?: ("jurisdictions:read" | "jurisdictions:write" | "disputes:read" | "disputes:write" | "enterprises:read" | "enterprises:write" | "clients:write" | "events:read" | "webhooks:write" | "audit:read" | "stats:read" | "audit:cosign")[];
                    /** @description The node the client sees the subtree of: the caller's own when absent, always within its subtree. */
                    jurisdiction_id?: string;
                    /** @description Creates a client of this handling unit (role `unit`) instead of a regulator client; the unit must lie in the caller’s subtree. */
                    unit_id?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClientWithSecret"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage API clients */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise or client */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeClient: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiClient"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage API clients */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise or client */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The client is the last active regulator client */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDisputes: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                status?: ("assigned" | "in_progress" | "settled" | "returned" | "escalated" | "closed")[];
                /** @description Regulators only. */
                enterprise_id?: string;
                /** @description Held by this enterprise (`ent_…`) or handling unit (`hnu_…`). */
                assignee?: string;
                /** @description Waiting at a centre to be dispatched by hand (no deadline yet): the centre's queue. */
                awaiting_dispatch?: boolean;
                /** @description Received in this jurisdiction or below it. */
                jurisdiction_id?: string;
                overdue?: boolean;
                problem_type?: "quality" | "after_sales" | "contract" | "price" | "food_safety" | "false_advertising" | "measurement" | "safety" | "personal_rights" | "other";
                external_ref?: string;
                /** @example 2026-11-28T08:00:00.000Z */
                created_after?: string;
                /** @example 2026-11-28T08:00:00.000Z */
                created_before?: string;
                /** @description `csv` answers `text/csv`, as `Accept: text/csv` does (for links and spreadsheets). */
                format?: "json" | "csv";
                /** @description CSV only: column headers in Chinese (default) or English. */
                lang?: "zh" | "en";
                /** @description CSV, regulators only: the consumers’ names and phones in the clear; the export is audited. Anyone else asking is refused (403). */
                include_personal_data?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of disputes, or all of them as CSV */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DisputeList"];
                    "text/csv": string;
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    external_ref: string;
                    /** @enum {string} */
                    channel: "hotline_12315" | "hotline_12345" | "web" | "app" | "mini_program" | "walk_in";
                    /** @description The enterprise that handles it; when given it wins (`matched_by: explicit`), else the dispatcher chooses. */
                    enterprise_id?: string;
                    /** @description Whom the consumer complains about, as the intake centre recorded it. */
                    respondent?: {
                        name: string;
                        uscc?: string;
                        address?: string;
                        /** @description Where the respondent trades: a GB/T 2260 code or a station's code. */
                        area_code?: string;
                    };
                    /** @description Where the complaint was received: the caller's jurisdiction when absent, always within its subtree. */
                    jurisdiction_id?: string;
                    consumer: {
                        name: string;
                        phone: string;
                    };
                    /** @enum {string} */
                    problem_type: "quality" | "after_sales" | "contract" | "price" | "food_safety" | "false_advertising" | "measurement" | "safety" | "personal_rights" | "other";
                    category?: string;
                    claim: {
                        description: string;
                        demands: ("refund" | "return" | "replacement" | "repair" | "compensation" | "apology" | "other")[];
                        amount?: components["schemas"]["Money"];
                    };
                    purchase?: {
                        /**
                         * Format: date
                         * @description YYYY-MM-DD
                         */
                        date?: string;
                        order_ref?: string;
                        amount?: components["schemas"]["Money"];
                        /** @enum {string} */
                        channel?: "online" | "offline" | "live_stream";
                    };
                    /**
                     * Format: date-time
                     * @example 2026-11-28T08:00:00.000Z
                     */
                    received_at?: string;
                    /** @description Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry. */
                    evidence?: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The intake ticket (`external_ref`) is already a dispute; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The enterprise does not take new disputes, or no dispatch target exists (`no_dispatch_target`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDispute: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDisputeTimeline: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Timeline"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDisputeContacts: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recordDisputeContact: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    channel: "phone" | "sms" | "im" | "email" | "in_person";
                    /**
                     * Format: date-time
                     * @example 2026-11-28T08:00:00.000Z
                     */
                    contacted_at: string;
                    reached: boolean;
                    summary: string;
                    /** @description Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry. */
                    evidence?: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Contact"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDisputeSettlements: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SettlementList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recordDisputeSettlement: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    remedy: "refund" | "partial_refund" | "return_and_refund" | "replacement" | "repair" | "compensation" | "apology" | "other";
                    amount?: {
                        amount: number;
                        /** @enum {string} */
                        currency: "CNY";
                    };
                    terms: string;
                    /**
                     * Format: date-time
                     * @example 2026-11-28T08:00:00.000Z
                     */
                    agreed_at: string;
                    consumer_consent: {
                        /** @enum {string} */
                        method: "phone_recording" | "sms" | "written" | "in_app";
                        reference: string;
                    };
                    /** @description Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry. */
                    evidence?: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Settlement"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDisputeRefunds: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefundList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recordDisputeRefund: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    amount: {
                        amount: number;
                        /** @enum {string} */
                        currency: "CNY";
                    };
                    /** @enum {string} */
                    method: "original_payment" | "bank_transfer" | "wechat_pay" | "alipay" | "cash" | "other";
                    reference: string;
                    /**
                     * Format: date-time
                     * @example 2026-11-28T08:00:00.000Z
                     */
                    refunded_at: string;
                    /** @description Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry. */
                    evidence?: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Refund"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listDisputeMediationRecords: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MediationRecordList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recordDisputeMediation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: date-time
                     * @example 2026-11-28T08:00:00.000Z
                     */
                    held_at: string;
                    /** @enum {string} */
                    method: "phone" | "in_person" | "online";
                    participants: components["schemas"]["MediationParticipant"][];
                    summary: string;
                    agreement?: string;
                    /** @description Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry. */
                    evidence?: string[];
                };
            };
        };
        responses: {
            /** @description A session of administrative mediation (行政调解). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MediationRecord"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    acceptDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    declineDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    reason: "not_responsible" | "duplicate" | "insufficient_information" | "other";
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reportDisputeOutcome: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    result: "fulfilled" | "not_settled";
                    reason?: string;
                    summary: string;
                    /** @description Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry. */
                    evidence?: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    assignDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description Exactly one of `enterprise_id` or `unit_id`. */
        requestBody?: {
            content: {
                "application/json": {
                    enterprise_id: string;
                } | {
                    unit_id: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    escalateDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    withdrawDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    closeDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    resolution: "mediated" | "terminated" | "rejected";
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recordDisputeFeedback: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    resolved: boolean;
                    /** @enum {string} */
                    satisfaction: "satisfied" | "basically_satisfied" | "dissatisfied";
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Feedback"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    urgeDispute: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    note: string;
                    /**
                     * Format: date-time
                     * @description A new deadline for the assignee, in the future; its deadline events fire again against it.
                     */
                    respond_by?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    eraseDisputePersonalData: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
                /** @description The dispute’s ETag (`"<version>"`): act only on that version. */
                "if-match"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Dispute"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not allowed in the current status (`invalid_transition`), or a duplicate; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description If-Match does not match the dispute’s version */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The request cannot be carried out (e.g. `refund_exceeds_settlement`); or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listHandlingUnits: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                /** @description Of this jurisdiction (units: or below it). */
                jurisdiction_id?: string;
                kind?: "center" | "division" | "station" | "task_force";
                status?: "active" | "inactive";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HandlingUnitList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createHandlingUnit: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @enum {string} */
                    kind: "center" | "division" | "station" | "task_force";
                    /** @description The caller's jurisdiction when absent; always within its subtree. */
                    jurisdiction_id?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HandlingUnit"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getHandlingUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HandlingUnit"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateHandlingUnit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    name?: string;
                    /** @enum {string} */
                    status?: "active" | "inactive";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HandlingUnit"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRoutingRules: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                /** @description Of this jurisdiction (units: or below it). */
                jurisdiction_id?: string;
                unit_id?: string;
                enabled?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoutingRuleList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createRoutingRule: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The caller's jurisdiction when absent; always within its subtree. */
                    jurisdiction_id?: string;
                    priority: number;
                    /** @default true */
                    enabled?: boolean;
                    /** @description All given conditions must match; an absent one matches anything. */
                    conditions: {
                        /** @enum {string} */
                        problem_type?: "quality" | "after_sales" | "contract" | "price" | "food_safety" | "false_advertising" | "measurement" | "safety" | "personal_rights" | "other";
                        category?: string;
                        /** @description Matches when the respondent's `area_code` starts with it. */
                        area_code_prefix?: string;
                        /** @enum {string} */
                        channel?: "hotline_12315" | "hotline_12345" | "web" | "app" | "mini_program" | "walk_in";
                        /** @description Matches when any keyword occurs in the claim's description or the respondent's name (NFKC, lower-cased). */
                        keywords?: string[];
                    };
                    target: {
                        unit_id: string;
                    };
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoutingRule"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRoutingRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoutingRule"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteRoutingRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        object: "routing_rule";
                        /** @enum {boolean} */
                        deleted: true;
                    };
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateRoutingRule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    priority?: number;
                    enabled?: boolean;
                    /** @description All given conditions must match; an absent one matches anything. */
                    conditions?: {
                        /** @enum {string} */
                        problem_type?: "quality" | "after_sales" | "contract" | "price" | "food_safety" | "false_advertising" | "measurement" | "safety" | "personal_rights" | "other";
                        category?: string;
                        /** @description Matches when the respondent's `area_code` starts with it. */
                        area_code_prefix?: string;
                        /** @enum {string} */
                        channel?: "hotline_12315" | "hotline_12345" | "web" | "app" | "mini_program" | "walk_in";
                        /** @description Matches when any keyword occurs in the claim's description or the respondent's name (NFKC, lower-cased). */
                        keywords?: string[];
                    };
                    target?: {
                        unit_id: string;
                    };
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RoutingRule"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    previewDispatch: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    external_ref: string;
                    /** @enum {string} */
                    channel: "hotline_12315" | "hotline_12345" | "web" | "app" | "mini_program" | "walk_in";
                    /** @description The enterprise that handles it; when given it wins (`matched_by: explicit`), else the dispatcher chooses. */
                    enterprise_id?: string;
                    /** @description Whom the consumer complains about, as the intake centre recorded it. */
                    respondent?: {
                        name: string;
                        uscc?: string;
                        address?: string;
                        /** @description Where the respondent trades: a GB/T 2260 code or a station's code. */
                        area_code?: string;
                    };
                    /** @description Where the complaint was received: the caller's jurisdiction when absent, always within its subtree. */
                    jurisdiction_id?: string;
                    consumer: {
                        name: string;
                        phone: string;
                    };
                    /** @enum {string} */
                    problem_type: "quality" | "after_sales" | "contract" | "price" | "food_safety" | "false_advertising" | "measurement" | "safety" | "personal_rights" | "other";
                    category?: string;
                    claim: {
                        description: string;
                        demands: ("refund" | "return" | "replacement" | "repair" | "compensation" | "apology" | "other")[];
                        amount?: components["schemas"]["Money"];
                    };
                    purchase?: {
                        /**
                         * Format: date
                         * @description YYYY-MM-DD
                         */
                        date?: string;
                        order_ref?: string;
                        amount?: components["schemas"]["Money"];
                        /** @enum {string} */
                        channel?: "online" | "offline" | "live_stream";
                    };
                    /**
                     * Format: date-time
                     * @example 2026-11-28T08:00:00.000Z
                     */
                    received_at?: string;
                    /** @description Evidence files (`fil_…`, from `POST /v1/files`): each of this dispute, or uploaded by the caller and not yet bound (it is bound by this request). Each file’s SHA-256 enters the audit entry. */
                    evidence?: string[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DispatchPreview"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators manage handling units and routing rules */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such unit, rule or jurisdiction in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The enterprise named takes no new disputes, or no dispatch target exists */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    requestDisputeConfirmation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfirmationRequest"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token (`unauthenticated`, `invalid_token`) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller does not hold the dispute and is no regulator (`forbidden`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such dispute visible to the caller (`not_found`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No settlement to confirm (`no_settlement`), or the consumer has already answered (`consumer_already_answered`); or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    confirmationPage: {
        parameters: {
            query?: {
                /** @description `zh` (the default) or `en`; anything else shows Chinese. */
                lang?: string;
            };
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The page: the code form, the settlement with the decision form, or the thanks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The form could not be read; or, from the router, a malformed URL (`malformed_url`, as a problem) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The form did not come from this link’s page in this browser (CSRF refused); nothing changes */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description No such link */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The link has expired, was voided (five wrong codes, or a newer link) or was used */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The form is larger than 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The form is not form-encoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description A wrong code (the page says how many tries are left), or a decision without its choices */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Too many requests for this link or from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The database is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    confirmationPageForm: {
        parameters: {
            query?: {
                /** @description `zh` (the default) or `en`; anything else shows Chinese. */
                lang?: string;
            };
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @enum {string} */
                    step: "code" | "decide";
                    form: string;
                    code?: string;
                    decision?: string;
                    rating?: string;
                    comment?: string;
                };
            };
        };
        responses: {
            /** @description The page: the code form, the settlement with the decision form, or the thanks */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The form could not be read; or, from the router, a malformed URL (`malformed_url`, as a problem) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The form did not come from this link’s page in this browser (CSRF refused); nothing changes */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description No such link */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The link has expired, was voided (five wrong codes, or a newer link) or was used */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The form is larger than 1 MiB */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The form is not form-encoded */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description A wrong code (the page says how many tries are left), or a decision without its choices */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description Too many requests for this link or from this address */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description The database is not reachable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
        };
    };
    getStats: {
        parameters: {
            query?: {
                /**
                 * @description Start of the window (inclusive): disputes assigned at or after it. Any offset; `+08:00` for Beijing time. Default: since the first dispute.
                 * @example 2026-01-01T00:00:00+08:00
                 */
                from?: string;
                /**
                 * @description End of the window (exclusive): disputes assigned before it. Default: now.
                 * @example 2026-02-01T00:00:00+08:00
                 */
                to?: string;
                /** @description Only this enterprise (regulators; an enterprise always sees only its own). */
                enterprise_id?: string;
                /** @description Regulators: only disputes received in this jurisdiction or below it (within the caller's subtree). */
                jurisdiction_id?: string;
                /** @description One element per enterprise (counting only what enterprises hold), problem type, month (China Standard Time, UTC+8), jurisdiction where the dispute was received, or assignee (an enterprise or a handling unit, by its prefixed id); without it, one element: the totals. */
                group_by?: "enterprise" | "problem_type" | "month" | "jurisdiction" | "assignee";
                /** @description `csv` answers `text/csv`, as `Accept: text/csv` does (for links and spreadsheets). */
                format?: "json" | "csv";
                /** @description CSV only: column headers in Chinese (default) or English. */
                lang?: "zh" | "en";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The indicators */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatsReport"];
                    "text/csv": string;
                };
            };
            /** @description Bad parameters, or `from` not before `to` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks stats:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such enterprise visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getStatsRankings: {
        parameters: {
            query: {
                /** @description What to rank by. Higher ranks first, except `avg_handling_hours`, where the fastest ranks first. */
                metric: "settlement_rate" | "on_time_rate" | "response_rate" | "avg_handling_hours" | "received";
                /**
                 * @description Start of the window (inclusive): disputes assigned at or after it. Any offset; `+08:00` for Beijing time. Default: since the first dispute.
                 * @example 2026-01-01T00:00:00+08:00
                 */
                from?: string;
                /**
                 * @description End of the window (exclusive): disputes assigned before it. Default: now.
                 * @example 2026-02-01T00:00:00+08:00
                 */
                to?: string;
                /** @description Leave out assignees with fewer concluded disputes (settled + escalated + returned) in the window, so that one lucky dispute does not top the table. Default 5; 0 ranks everyone with a value. */
                min_concluded?: number;
                /** @description Rank only enterprises, or only handling units; default both. */
                assignee_type?: "enterprise" | "unit";
                /** @description Regulators: only disputes received in this jurisdiction or below it (within the caller's subtree). */
                jurisdiction_id?: string;
                /** @description `csv` answers `text/csv`, as `Accept: text/csv` does (for links and spreadsheets). */
                format?: "json" | "csv";
                /** @description CSV only: column headers in Chinese (default) or English. */
                lang?: "zh" | "en";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The ranking */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ranking"];
                    "text/csv": string;
                };
            };
            /** @description Bad parameters, or `from` not before `to` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not a regulator, or the token lacks stats:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such jurisdiction in the caller’s subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRiskSignals: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                /**
                 * @description Signals whose window ends after it. Any offset.
                 * @example 2026-11-01T00:00:00+08:00
                 */
                from?: string;
                /**
                 * @description Signals whose window starts before it.
                 * @example 2026-12-01T00:00:00+08:00
                 */
                to?: string;
                kind?: "rising_volume" | "repeated_problem" | "low_settlement_rate" | "overdue_cluster" | "repeat_complainant";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RiskSignalList"];
                };
            };
            /** @description The request is not valid, or `from` is not before `to` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators read risk signals */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such risk signal in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRiskSignal: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RiskSignal"];
                };
            };
            /** @description The request is not valid, or `from` is not before `to` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Only regulators read risk signals */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such risk signal in the caller's subtree */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description Return events after this event id. */
                after?: string;
                /** @description Event types to return, repeated or comma-separated. */
                types?: string[];
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventList"];
                };
            };
            /** @description Unknown `after` event or bad parameters */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks events:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookEndpoints: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description https only, and never a private, loopback or link-local address (checked again after DNS).
                     * @example https://crm.example.com/hejie/webhooks
                     */
                    url: string;
                    /** @description The event types to receive, or `["*"]` for all. */
                    event_types: ("*" | "dispute.assigned" | "dispute.updated" | "dispute.deadline_approaching" | "dispute.overdue" | "dispute.escalated" | "dispute.closed" | "dispute.reassigned_away" | "dispute.urged" | "dispute.mediation_deadline_approaching" | "dispute.mediation_overdue" | "settlement.recorded" | "settlement.confirmed" | "settlement.rejected" | "confirmation.requested" | "refund.recorded" | "webhook_endpoint.disabled" | "risk_signal.raised" | "ping")[];
                    description?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The URL is not an allowed webhook target; or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /**
                     * @description https only, and never a private, loopback or link-local address (checked again after DNS).
                     * @example https://crm.example.com/hejie/webhooks
                     */
                    url?: string;
                    /** @description The event types to receive, or `["*"]` for all. */
                    event_types?: ("*" | "dispute.assigned" | "dispute.updated" | "dispute.deadline_approaching" | "dispute.overdue" | "dispute.escalated" | "dispute.closed" | "dispute.reassigned_away" | "dispute.urged" | "dispute.mediation_deadline_approaching" | "dispute.mediation_overdue" | "settlement.recorded" | "settlement.confirmed" | "settlement.rejected" | "confirmation.requested" | "refund.recorded" | "webhook_endpoint.disabled" | "risk_signal.raised" | "ping")[];
                    description?: string | null;
                    /** @enum {string} */
                    status?: "enabled" | "disabled";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The URL is not an allowed webhook target; or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpointWithSecret"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    pingWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookEndpoint"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The endpoint is disabled; or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description Items per page (1–100). */
                limit?: number;
                /** @description Opaque cursor from `next_cursor`. */
                cursor?: string;
                status?: "pending" | "succeeded" | "failed";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryList"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    recoverWebhookEndpoint: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: date-time
                     * @example 2026-11-28T08:00:00.000Z
                     */
                    since: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookRecovery"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDelivery"];
                };
            };
            /** @description The request is not valid */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks webhooks:write */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such webhook endpoint or delivery visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    uploadFile: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * @description What the file shows: the complaint, the consumer’s consent, a refund, a mediation session, or other.
                     * @enum {string}
                     */
                    purpose: "complaint_material" | "consent_record" | "refund_receipt" | "mediation_record" | "other";
                    /** @description The dispute the file is for. Without it the file waits for an intake that cites it. */
                    dispute_id?: string;
                    /**
                     * Format: binary
                     * @description The content: pdf, jpeg, png, webp, mp3, m4a, amr or wav, at most 10 MiB, recognised by its first bytes. Send it as the last part.
                     */
                    file: string;
                };
            };
        };
        responses: {
            /** @description An evidence file: a recording, a photo, a receipt, a signed agreement. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["File"];
                };
            };
            /** @description No file part, a second file, or a missing or unknown field (`validation_failed`) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `dispute_id` names no dispute visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A request with the same `Idempotency-Key` is still running (`idempotency_key_in_use`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The file is larger than 10 MiB (`file_too_large`, with `limit_bytes`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The content is not pdf, jpeg, png, webp, mp3, m4a, amr or wav, or is not the type claimed (`unsupported_file_type`, with `accepted_types`); or the body is not multipart/form-data (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The `Idempotency-Key` was used with a different request (`idempotency_key_reused`) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An evidence file: a recording, a photo, a receipt, a signed agreement. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["File"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such file visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    downloadFile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file’s content */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/octet-stream": string;
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The caller’s role or scopes do not allow this */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such file visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The content was erased (`file_content_erased`); the SHA-256 is kept */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A path parameter is too long (`uri_too_long`) */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAuditCheckpoint: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The latest checkpoint */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditCheckpoint"];
                    "text/x.tlog-checkpoint": string;
                };
            };
            /** @description Indices out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks audit:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditNoteKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditNoteKeyList"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createAuditCosignature: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes the request safe to retry: the same key with the same body replays the first response (kept at least 24 h). */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    tree_size: number;
                    /** @description The note signature line: `— <witness key name> base64(key id ‖ timestamp ‖ Ed25519 signature)` */
                    cosignature: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditCosignature"];
                };
            };
            /** @description Indices out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not a witness client */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The gateway signed no checkpoint of this size */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not newer than the witness’s last cosignature; or `idempotency_key_in_use` (a request with the same `Idempotency-Key` is still running) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The cosignature is not this witness’s or does not verify; or `idempotency_key_reused` (the `Idempotency-Key` was used with a different request) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditEntries: {
        parameters: {
            query: {
                start: number;
                end?: number;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEntryList"];
                };
            };
            /** @description Indices out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks audit:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAuditInclusionProof: {
        parameters: {
            query: {
                leaf_index: number;
                tree_size: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InclusionProof"];
                };
            };
            /** @description Indices out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks audit:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No such entry visible to the caller */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAuditConsistencyProof: {
        parameters: {
            query: {
                first: number;
                second: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsistencyProof"];
                };
            };
            /** @description Indices out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks audit:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    exportAuditLog: {
        parameters: {
            query?: {
                from?: number;
                to?: number;
                /** @description Regulators: only this enterprise's entries. */
                enterprise_id?: string;
                /** @description A tree size the verifier already trusts (an earlier checkpoint): the bundle then carries the consistency proof from it to its checkpoint. */
                consistency_from?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One JSON document per line */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                };
            };
            /** @description Indices out of range */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid access token */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The token lacks audit:read */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConsoleSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsoleSession"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `console_session_required` (no sign-in cookie, or an unknown one) or `console_session_expired` (8 h after sign-in, 30 min unused, or the client revoked) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `csrf_failed`: the `x-csrf-token` header is missing or wrong; or `https_required`: plain HTTP at an address other than the machine itself */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createConsoleSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    client_id: string;
                    client_secret: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsoleSession"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `invalid_client`: unknown client, wrong secret, or a revoked client */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `https_required`: plain HTTP at an address other than the machine itself */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteConsoleSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `console_session_required` (no sign-in cookie, or an unknown one) or `console_session_expired` (8 h after sign-in, 30 min unused, or the client revoked) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `csrf_failed`: the `x-csrf-token` header is missing or wrong; or `https_required`: plain HTTP at an address other than the machine itself */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createConsoleToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenResponse"];
                };
            };
            /** @description The request is not valid: `validation_failed` (fields, query parameters, unknown names, text that cannot be stored), `malformed_json`, `malformed_url`, `invalid_cursor` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `console_session_required` (no sign-in cookie, or an unknown one) or `console_session_expired` (8 h after sign-in, 30 min unused, or the client revoked) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description `csrf_failed`: the `x-csrf-token` header is missing or wrong; or `https_required`: plain HTTP at an address other than the machine itself */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The path does not take the method used (`method_not_allowed`); `Allow` lists those it takes */
            405: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is larger than 1 MiB (`payload_too_large`) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The body is not JSON (`unsupported_media_type`) */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too many requests (`rate_limited`); see `retry-after` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The database is out of reach (`database_unavailable`) or full (`storage_full`); see `retry-after` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
