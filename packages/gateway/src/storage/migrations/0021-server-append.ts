import { type Kysely, sql } from 'kysely'
import type { DialectName } from '../dialect.js'

/**
 * PostgreSQL only: `hejie_append(payload jsonb)`, the append of a write done by the database
 * (`services/write/server-append.ts` builds the payload and says why). In one call it:
 *
 * 1. takes the transaction-scoped append lock (`payload.lock`), held until commit, so that
 *    indices and sequences are gap-free and in commit order;
 * 2. reads where the audit log and the outbox end;
 * 3. for each entry, puts its index in its canonical JSON in place of `payload.index_token`,
 *    stores the entry with its leaf hash SHA-256(0x00 ‖ entry), its salt and its timeline
 *    line, and the Merkle nodes it completes, SHA-256(0x01 ‖ left ‖ right), as
 *    `@hejie/merkle`'s `nodesCompletedBy` does;
 * 4. for each event, puts its sequence in its envelope in place of `payload.sequence_token`
 *    and stores it with its deliveries;
 * 5. notifies `payload.notify`, when set, at commit.
 *
 * SQLite appends from the gateway (`appendAuditEntries`): its writes go through group commit,
 * where no other writer waits on a lock held across round trips.
 */
export function serverAppend(dialect: DialectName) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect !== 'postgres') return
      await sql`
        create function hejie_append(payload jsonb) returns void
        language plpgsql
        as $append$
        declare
          v_at text := payload->>'at';
          v_index bigint;
          v_sequence bigint;
          v_entry jsonb;
          v_event jsonb;
          v_canonical bytea;
          v_hash bytea;
          v_level integer;
          v_position bigint;
        begin
          perform pg_advisory_xact_lock((payload->>'lock')::bigint);
          select coalesce(max(leaf_index) + 1, 0) into v_index from audit_entries;
          select coalesce(max(sequence) + 1, 1) into v_sequence from events;

          for v_entry in select value from jsonb_array_elements(payload->'entries') loop
            v_canonical := convert_to(
              replace(v_entry->>'template', payload->>'index_token', v_index::text), 'UTF8');
            v_hash := sha256(decode('00', 'hex') || v_canonical);
            if v_entry->>'salt' is not null then
              insert into audit_salts (leaf_index, dispute_id, salt)
              values (v_index, v_entry->>'salt_dispute_id', decode(v_entry->>'salt', 'hex'));
            end if;
            insert into audit_entries
              (leaf_index, leaf_hash, canonical, dispute_id, enterprise_id, jurisdiction_id, created_at)
            values (v_index, v_hash, v_canonical, v_entry->>'dispute_id', v_entry->>'enterprise_id',
              v_entry->>'jurisdiction_id', v_at);
            insert into audit_nodes (level, position, hash) values (0, v_index, v_hash);
            v_level := 0;
            v_position := v_index;
            while v_position % 2 = 1 loop
              v_hash := sha256(decode('01', 'hex')
                || (select hash from audit_nodes where level = v_level and position = v_position - 1)
                || v_hash);
              if v_hash is null then
                raise exception 'audit log node %:% is missing', v_level, v_position - 1;
              end if;
              v_level := v_level + 1;
              v_position := v_position / 2;
              insert into audit_nodes (level, position, hash) values (v_level, v_position, v_hash);
            end loop;
            if jsonb_typeof(v_entry->'timeline') = 'object' then
              insert into timeline_entries (leaf_index, dispute_id, action, actor, at, object_id, details)
              values (v_index, v_entry->'timeline'->>'dispute_id', v_entry->'timeline'->>'action',
                v_entry->'timeline'->>'actor', v_at, v_entry->'timeline'->>'object_id',
                v_entry->'timeline'->>'details');
            end if;
            v_index := v_index + 1;
          end loop;

          for v_event in select value from jsonb_array_elements(payload->'events') loop
            insert into events (sequence, id, type, enterprise_id, dispute_id, jurisdiction_id, created_at, data)
            values (v_sequence, v_event->>'id', v_event->>'type', v_event->>'enterprise_id',
              v_event->>'dispute_id', v_event->>'jurisdiction_id', v_at,
              replace(v_event->>'template', payload->>'sequence_token', v_sequence::text));
            insert into webhook_deliveries (id, endpoint_id, event_id, event_sequence, status, attempts,
              next_attempt_at, lease_until, created_at, updated_at)
            select delivery->>'id', delivery->>'endpoint_id', v_event->>'id', v_sequence, 'pending', 0,
              v_at, null, v_at, v_at
            from jsonb_array_elements(v_event->'deliveries') as delivery;
            v_sequence := v_sequence + 1;
          end loop;

          if payload->>'notify' is not null then
            perform pg_notify(payload->>'notify', '');
          end if;
        end
        $append$
      `.execute(db)
    },
  }
}
