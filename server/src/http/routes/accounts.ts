import { recordSignUp } from '../audit-sign-up.js';
import { auditContext } from '../audit-context.js';
import { createRoute } from '@hono/zod-openapi';
import { AppError } from '../../kernel/errors.js';
import { requireKey } from '../middleware/auth.js';
import { bearer, createRouter } from '../router.js';
import {
  AccountCreatedSchema,
  AccountSchema,
  ApiKeyListSchema,
  ApiKeySchema,
  CreateAccountBody,
  RollKeyBody,
  TaxProfileSchema,
  UpdateTaxProfileBody,
} from '../schemas/accounts.js';
import { errorResponses } from '../schemas/common.js';
import { toAccountJson, toApiKeyJson, toTaxProfileJson } from '../serializers.js';

const signUp = createRoute({
  method: 'post',
  path: '/v1/accounts',
  tags: ['Accounts'],
  summary: 'Sign up an organizer',
  description: 'Creates an account and returns its test-mode secret and publishable keys. The keys are shown only here.',
  request: { body: { required: true, content: { 'application/json': { schema: CreateAccountBody } } } },
  responses: {
    201: { description: 'The account and its keys.', content: { 'application/json': { schema: AccountCreatedSchema } } },
    ...errorResponses(400, 409, 413),
  },
});

const retrieveAccount = createRoute({
  method: 'get',
  path: '/v1/account',
  tags: ['Accounts'],
  summary: 'The account of the key',
  security: bearer,
  middleware: [requireKey('secret')],
  responses: {
    200: { description: 'The account.', content: { 'application/json': { schema: AccountSchema } } },
    ...errorResponses(401, 403),
  },
});

const rollKey = createRoute({
  method: 'post',
  path: '/v1/keys/roll',
  tags: ['Accounts'],
  summary: 'Roll a key',
  description: [
    'Issues a new key of the kind and mode and revokes the old ones at once. The new key is shown only here.',
    'Keys of the other mode (live keys from a test key) need the account `password`. Live keys also need a verified account email and, for the owner, two-step sign-in on (403 `FORBIDDEN` says which is missing). Password attempts share the console sign-in limits, per client address and per account: past them the answer is 429 `RATE_LIMITED` with `Retry-After`, even for the right password.',
    'Rolls of the same kind and mode that overlap do not revoke each other: the last to start wins and answers 201; each other one answers 409 `CONFLICT` and issued no key. Afterwards exactly one key of that kind and mode from the rolls is active.',
  ].join('\n\n'),
  security: bearer,
  middleware: [requireKey('secret')],
  request: { body: { required: true, content: { 'application/json': { schema: RollKeyBody } } } },
  responses: {
    201: { description: 'The new key, with its secret.', content: { 'application/json': { schema: ApiKeySchema } } },
    ...errorResponses(400, 401, 403, 409, 429),
  },
});

const listKeys = createRoute({
  method: 'get',
  path: '/v1/keys',
  tags: ['Accounts'],
  summary: 'List active keys',
  description: 'Active keys, newest first, without their secrets.',
  security: bearer,
  middleware: [requireKey('secret')],
  responses: {
    200: { description: 'The keys.', content: { 'application/json': { schema: ApiKeyListSchema } } },
    ...errorResponses(401, 403),
  },
});

const retrieveTaxProfile = createRoute({
  method: 'get',
  path: '/v1/account/tax_profile',
  tags: ['Accounts'],
  summary: 'The tax profile',
  description: 'Who the organizer is for GST: legal name, address, state and GSTIN. 404 `NOT_FOUND` until one is set; an account without one charges no GST.',
  security: bearer,
  middleware: [requireKey('secret')],
  responses: {
    200: { description: 'The tax profile.', content: { 'application/json': { schema: TaxProfileSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

const updateTaxProfile = createRoute({
  method: 'put',
  path: '/v1/account/tax_profile',
  tags: ['Accounts'],
  summary: 'Set the tax profile',
  description: [
    'Sets the whole tax profile, for both modes. `gstin` is checked for its shape and check character, and must begin with the code of `state`; `null` means not registered for GST.',
    'Orders created afterwards are taxed by it; orders already made keep their figures.',
  ].join('\n\n'),
  security: bearer,
  middleware: [requireKey('secret')],
  request: { body: { required: true, content: { 'application/json': { schema: UpdateTaxProfileBody } } } },
  responses: {
    200: { description: 'The tax profile as stored.', content: { 'application/json': { schema: TaxProfileSchema } } },
    ...errorResponses(400, 401, 403),
  },
});

/** Sign-up, the account, its tax profile and its API keys. */
export function accountRoutes() {
  return createRouter()
    .openapi(signUp, async (c) => {
      const created = await c.var.services.accounts.signUp(c.req.valid('json'));
      await recordSignUp(c, created.account);
      c.header('Cache-Control', 'no-store'); // carries keys: never cached, never replayed
      return c.json({ account: toAccountJson(created.account), secret_key: created.secretKey, publishable_key: created.publishableKey }, 201);
    })
    .openapi(retrieveAccount, (c) => c.json(toAccountJson(c.var.auth.account), 200))
    .openapi(rollKey, async (c) => {
      const { kind, mode, password } = c.req.valid('json');
      const { auth, services } = c.var;
      const target = mode ?? auth.key.mode;
      // A test key is handed to CI and contractors; it must not be enough to mint live keys,
      // nor to guess the password faster than the console's sign-in allows.
      if (target !== auth.key.mode) {
        const needsPassword = `Creating ${target} keys with a ${auth.key.mode} key needs the account password: send it as \`password\`.`;
        if (password === undefined) throw new AppError('FORBIDDEN', needsPassword);
        try {
          await services.passwords.authenticate(auth.account.email, password, { client: c.get('clientKey') });
        } catch (err) {
          // RATE_LIMITED passes through with its Retry-After.
          if (err instanceof AppError && err.code === 'UNAUTHENTICATED') throw new AppError('FORBIDDEN', needsPassword);
          throw err;
        }
        if (target === 'live') await services.liveModeGate.assertMayGoLive(auth.account._id);
      }
      const rolled = await services.accounts.rollKey(auth.account._id, kind, target, auditContext(c));
      c.header('Cache-Control', 'no-store'); // carries the new key: never cached, never replayed
      return c.json(toApiKeyJson(rolled.key, rolled.raw), 201);
    })
    .openapi(retrieveTaxProfile, async (c) => c.json(toTaxProfileJson(await c.var.services.taxProfiles.get(c.var.auth.account._id)), 200))
    .openapi(updateTaxProfile, async (c) => c.json(toTaxProfileJson(await c.var.services.taxProfiles.put(c.var.auth.account._id, c.req.valid('json'), auditContext(c))), 200))
    .openapi(listKeys, async (c) => {
      const keys = await c.var.services.accounts.listKeys(c.var.auth.account._id);
      return c.json({ object: 'list' as const, data: keys.map((k) => toApiKeyJson(k)), has_more: false, next_cursor: null }, 200);
    });
}
