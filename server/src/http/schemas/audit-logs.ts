import { z } from '@hono/zod-openapi';
import type { AuditLogEntry, AuditLogListParams } from '@trendy-tickets/sdk';
import { AUDIT_ACTIONS } from '../../domain/audit-log.js';
import { type Exact, ListQuery, listOf, timestamp, timestampOut } from './common.js';

const change = z.object({ before: z.unknown(), after: z.unknown() });

export const AuditLogEntrySchema = z
  .object({
    id: z.string().openapi({ example: 'aud_4f8Qe2kLmN0pRsTuVwXyZ1' }),
    object: z.literal('audit_log_entry'),
    created_at: timestampOut,
    livemode: z.boolean().nullable().openapi({ description: 'The mode of the data changed; null for an action about the account itself, read with either mode.' }),
    account: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    actor: z.object({
      type: z.enum(['user', 'api_key']),
      id: z.string().openapi({ description: 'The account (`acct_…`) of a person, or the API key (`key_…`).' }),
      label: z.string().openapi({ description: "A person's email, or the key's masked prefix (`sk_test_…a1b2`)." }),
    }),
    target: z.object({
      type: z.enum([
        'event',
        'order',
        'ticket',
        'checkin',
        'checkin_list',
        'question',
        'promo_code',
        'waiting_list_entry',
        'door_device',
        'api_key',
        'webhook_endpoint',
        'account',
        'member',
        'invitation',
        'payment_settings',
        'tax_profile',
        'job',
      ]),
      id: z.string(),
    }),
    changes: z.record(z.string(), change).openapi({ description: 'The fields changed, each with its value before and after (`null` where there was none). Never a secret.' }),
    domain_event: z.string().nullable().openapi({ description: 'The events-log entry (`ev_…`) of the same change, where there is one.' }),
    request: z.object({
      id: z.string().openapi({ description: 'The request id (`X-Request-Id`).' }),
      ip: z.string(),
      user_agent: z.string().nullable(),
    }),
  })
  .openapi('AuditLogEntry');

export const AuditLogListSchema = listOf(AuditLogEntrySchema, 'AuditLogList');

const filters = {
  action: z.enum(AUDIT_ACTIONS).optional().openapi({ description: 'Only entries of this action.' }),
  actor: z.string().max(64).optional().openapi({ description: 'Only entries by this actor: a team member (`mem_…`) or a key (`key_…`).' }),
  target: z.string().max(64).optional().openapi({ description: 'Only entries about this object.' }),
  created_gte: timestamp.optional().openapi({ description: 'Only entries at or after this time.' }),
  created_lt: timestamp.optional().openapi({ description: 'Only entries before this time.' }),
};

export const AuditLogQuery = ListQuery.extend(filters);

/** The CSV export takes the list's filters and is never paged. */
export const AuditLogCsvQuery = z.strictObject(filters);

export const auditLogSchemasMatchWireTypes: [Exact<z.infer<typeof AuditLogEntrySchema>, AuditLogEntry>] = [true];

/** The list's query takes exactly the SDK's parameters (limit arrives as text, hence the input type). */
export const auditLogQueryMatchesWireTypes: [Exact<keyof z.input<typeof AuditLogQuery>, keyof AuditLogListParams>] = [true];
