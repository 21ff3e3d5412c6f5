import { createRoute } from '@hono/zod-openapi';
import type { WaitingListEntry } from '@trendy-tickets/sdk';
import type { Context } from 'hono';
import type { EntryAccess, WaitingListEntryDoc } from '../../domain/waiting-list.js';
import { AppError } from '../../kernel/errors.js';
import { auditContext } from '../audit-context.js';
import type { AppEnv } from '../context.js';
import { requireKey } from '../middleware/auth.js';
import { foreignOrigin } from '../middleware/cors.js';
import { bearer, createRouter } from '../router.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import {
  CreateWaitingListEntryBody,
  ResendWaitingListCodeBody,
  VerifyWaitingListEntryBody,
  WaitingListEntryListQuery,
  WaitingListEntryListSchema,
  WaitingListEntryQuery,
  WaitingListEntrySchema,
} from '../schemas/waiting-list.js';
import { toWaitingListEntryJson, waitingListEntryList } from '../waiting-list-json.js';

const entryJson = { 'application/json': { schema: WaitingListEntrySchema } };
const anyKey = { security: bearer, middleware: [requireKey('any')], tags: ['Waiting list'] };
const secretKey = { security: bearer, middleware: [requireKey('secret')], tags: ['Waiting list'] };
const body = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

/** With a secret key, the organizer; with a publishable key, only whoever holds the entry's client secret. */
function accessOf(c: Context<AppEnv>, clientSecret: string | undefined): EntryAccess {
  const owner = c.get('owner');
  if (c.get('auth').key.kind === 'secret') return { owner };
  if (clientSecret === undefined) {
    throw new AppError('VALIDATION_FAILED', 'With a publishable key, send the entry’s client_secret.', [{ field: 'client_secret', message: 'is required with a publishable key' }]);
  }
  return { owner, clientSecret };
}

async function entryBody(c: Context<AppEnv>, entry: WaitingListEntryDoc, clientSecret?: string): Promise<WaitingListEntry> {
  return toWaitingListEntryJson(entry, await c.var.services.waitingList.positionOf(entry), clientSecret);
}

const createEntry = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/waiting_list_entries',
  summary: 'Join a sold-out ticket type’s waiting list',
  description:
    'Only while the type is sold out for buyers and the event’s waiting list is on (`WAITING_LIST_CLOSED` otherwise; `SEATS_AVAILABLE` when the seats can be bought). One live entry per email and type (`ALREADY_WAITING`). A 6-digit code is mailed; the entry joins the line once it is verified. The response carries the `client_secret`, shown only here.',
  request: { body: body(CreateWaitingListEntryBody) },
  responses: { 201: { description: 'The entry, awaiting its email code.', content: entryJson }, ...errorResponses(400, 401, 403, 404, 409, 429) },
});

const verifyEntry = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/waiting_list_entries/{id}/verify',
  summary: 'Verify a waiting-list entry’s email',
  description: 'Checks the 6-digit code (5 tries per code, valid 10 minutes). On success the entry is `waiting`, with its `position`.',
  request: { params: IdParam, body: body(VerifyWaitingListEntryBody) },
  responses: { 200: { description: 'The entry, in line.', content: entryJson }, ...errorResponses(400, 401, 403, 404, 409) },
});

const resendCode = createRoute({
  ...anyKey,
  method: 'post',
  path: '/v1/waiting_list_entries/{id}/resend_code',
  summary: 'Send a waiting-list entry a new email code',
  description: 'Replaces the code (the old one stops working). At most 5 codes per email address per hour.',
  request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: ResendWaitingListCodeBody } } } },
  responses: { 200: { description: 'The entry.', content: entryJson }, ...errorResponses(400, 401, 403, 404, 409, 429) },
});

const retrieveEntry = createRoute({
  ...anyKey,
  method: 'get',
  path: '/v1/waiting_list_entries/{id}',
  summary: 'Retrieve a waiting-list entry',
  request: { params: IdParam, query: WaitingListEntryQuery },
  responses: { 200: { description: 'The entry.', content: entryJson }, ...errorResponses(400, 401, 403, 404) },
});

const removeEntry = createRoute({
  ...secretKey,
  method: 'delete',
  path: '/v1/waiting_list_entries/{id}',
  summary: 'Remove a waiting-list entry',
  description: 'Takes the entry off the list. The seats of an offered entry go back, to the next in line.',
  request: { params: IdParam },
  responses: { 200: { description: 'The removed entry.', content: entryJson }, ...errorResponses(401, 403, 404, 409) },
});

const listEntries = createRoute({
  ...secretKey,
  method: 'get',
  path: '/v1/events/{id}/waiting_list_entries',
  summary: 'List an event’s waiting list',
  description: 'Entries that joined the line (verified their email), in line order.',
  request: { params: IdParam, query: WaitingListEntryListQuery },
  responses: { 200: { description: 'A page of entries.', content: { 'application/json': { schema: WaitingListEntryListSchema } } }, ...errorResponses(400, 401, 403, 404) },
});

/** The waiting list of sold-out types (docs/waiting-list.md). */
export function waitingListRoutes() {
  return createRouter()
    .openapi(createEntry, async (c) => {
      const publishable = c.get('auth').key.kind === 'publishable';
      const origin = publishable ? foreignOrigin(c) : undefined;
      // Kept so a live offer's claim page can open the hosted checkout with the same key.
      const publishableKey = publishable
        ? c.req
            .header('Authorization')
            ?.replace(/^Bearer\s+/i, '')
            .trim()
        : undefined;
      const { entry, clientSecret } = await c.var.services.waitingList.join(c.get('owner'), c.req.valid('json'), { ip: c.get('clientKey'), origin, publishableKey });
      return c.json(await entryBody(c, entry, clientSecret), 201);
    })
    .openapi(verifyEntry, async (c) => {
      const { code, client_secret } = c.req.valid('json');
      return c.json(await entryBody(c, await c.var.services.waitingList.verify(accessOf(c, client_secret), c.req.valid('param').id, code)), 200);
    })
    .openapi(resendCode, async (c) => {
      const { client_secret } = (c.req.valid('json') ?? {}) as { client_secret?: string };
      const entry = await c.var.services.waitingList.resendCode(accessOf(c, client_secret), c.req.valid('param').id, { ip: c.get('clientKey') });
      return c.json(await entryBody(c, entry), 200);
    })
    .openapi(retrieveEntry, async (c) => {
      const { client_secret } = c.req.valid('query');
      return c.json(await entryBody(c, await c.var.services.waitingList.retrieve(accessOf(c, client_secret), c.req.valid('param').id)), 200);
    })
    .openapi(removeEntry, async (c) => {
      return c.json(await entryBody(c, await c.var.services.waitingList.remove(c.get('owner'), c.req.valid('param').id, auditContext(c))), 200);
    })
    .openapi(listEntries, async (c) => {
      const page = await c.var.services.waitingList.list(c.get('owner'), c.req.valid('param').id, c.req.valid('query'));
      return c.json(await waitingListEntryList(page, (entry) => c.var.services.waitingList.positionOf(entry)), 200);
    });
}
