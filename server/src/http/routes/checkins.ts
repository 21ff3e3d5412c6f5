import { auditContext } from '../audit-context.js';
import { createRoute } from '@hono/zod-openapi';
import { requireKey } from '../middleware/auth.js';
import { assertCanSellFrom } from '../../domain/events.js';
import { foreignOrigin } from '../middleware/cors.js';
import { bearer, createRouter } from '../router.js';
import { CheckinListSchema, CheckinLogQuery, CheckinSchema, CreateCheckinBody, VerificationKeySchema } from '../schemas/checkins.js';
import { errorResponses, IdParam } from '../schemas/common.js';
import { toCheckinJson, toList } from '../serializers.js';

const json = <T>(schema: T) => ({ 'application/json': { schema } });
const secret = { security: bearer, middleware: [requireKey('secret')], tags: ['Check-in'] };

const scan = createRoute({
  ...secret,
  method: 'post',
  path: '/v1/checkins',
  summary: 'Scan a ticket',
  description:
    'Admits a ticket exactly once per check-in list (the default list when `list` is absent). Both outcomes answer 200: `result` is `accepted`, or `rejected` with a `reason` (`already_checked_in` names the first scan in `first_checkin`; `not_on_list` and `outside_list_window` come from the list). On a list with re-entry, accepted scans alternate `direction` `in` and `out`. A list of another event than `event` is 400; an unknown list 404. Every scan is logged.',
  request: { body: { required: true, content: json(CreateCheckinBody) } },
  responses: { 200: { description: 'The scan and its outcome.', content: json(CheckinSchema) }, ...errorResponses(400, 401, 403, 404) },
});

const undo = createRoute({
  ...secret,
  method: 'delete',
  path: '/v1/checkins/{id}',
  summary: 'Undo an admission',
  description: 'For a mistaken scan: the ticket admits again. Only accepted scans can be undone.',
  request: { params: IdParam },
  responses: { 200: { description: 'The scan, now undone.', content: json(CheckinSchema) }, ...errorResponses(401, 403, 404, 409) },
});

const listCheckins = createRoute({
  ...secret,
  method: 'get',
  path: '/v1/events/{id}/checkins',
  summary: 'The scan log of an event',
  description: 'Every scan, newest first; with `list`, only the scans on that check-in list (`default` for those that named none).',
  request: { params: IdParam, query: CheckinLogQuery },
  responses: { 200: { description: 'Scans, newest first.', content: json(CheckinListSchema) }, ...errorResponses(400, 401, 403, 404) },
});

const verificationKey = createRoute({
  security: bearer,
  middleware: [requireKey('any')],
  tags: ['Check-in'],
  method: 'get',
  path: '/v1/events/{id}/verification-key',
  summary: 'Key for checking ticket codes offline',
  description: 'The Ed25519 public key that signs this event’s ticket codes. See docs/tickets.md for the code format.',
  request: { params: IdParam },
  responses: { 200: { description: 'The public key.', content: json(VerificationKeySchema) }, ...errorResponses(401, 403, 404) },
});

/** Door check-in and the key offline scanners verify codes with. */
export function checkinRoutes() {
  return createRouter()
    .openapi(scan, async (c) => {
      const { code, event, nonce, by, list } = c.req.valid('json');
      const { auth, services, deps } = c.var;
      const outcome = await services.checkins.scan(c.get('owner'), { code, event, nonce, list, by: by ?? `API key ${auth.key.display}` }, auditContext(c));
      return c.json(toCheckinJson(outcome.checkin, outcome.ticket, deps.config.publicUrl), 200);
    })
    .openapi(undo, async (c) => {
      const { auth, services, deps } = c.var;
      const outcome = await services.checkins.undo(c.get('owner'), c.req.valid('param').id, `API key ${auth.key.display}`, auditContext(c));
      return c.json(toCheckinJson(outcome.checkin, outcome.ticket, deps.config.publicUrl), 200);
    })
    .openapi(listCheckins, async (c) => {
      const { services, deps } = c.var;
      const { list, ...page } = c.req.valid('query');
      const scans = await services.checkins.log(c.get('owner'), c.req.valid('param').id, page, { list });
      return c.json(
        toList(scans, ({ checkin, ticket }) => toCheckinJson(checkin, ticket, deps.config.publicUrl)),
        200,
      );
    })
    .openapi(verificationKey, async (c) => {
      const { services } = c.var;
      const owner = c.get('owner');
      const event = c.var.auth.key.kind === 'secret' ? await services.events.get(owner, c.req.valid('param').id) : await services.events.getPublic(owner, c.req.valid('param').id);
      assertCanSellFrom(event, foreignOrigin(c));
      const x = await services.codes.publicKey(owner.account);
      return c.json(
        {
          object: 'verification_key' as const,
          event: event._id,
          algorithm: 'Ed25519' as const,
          public_key: x,
          jwk: { kty: 'OKP' as const, crv: 'Ed25519' as const, x },
          code_format: 'TTS1.<ticket id>.<event id>.<base64url Ed25519 signature of the text before the last dot>',
        },
        200,
      );
    });
}
