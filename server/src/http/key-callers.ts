import type { KeyAuth } from '../domain/accounts.js';
import type { KeyActor } from '../domain/actors.js';
import type { Owner } from '../domain/events.js';
import { guardServices } from '../domain/service-permissions.js';

/** What a request made with one key acts as: who (for permissions and the audit log), whose data, and the services guarded for it. */
export interface KeyCaller<S extends object> {
  actor: KeyActor;
  owner: Owner;
  services: S;
}

/**
 * By the services and then by the key look-up: the account service hands out one `KeyAuth`
 * object per look-up of the store (its short key cache, KEY_CACHE_MS) and a new one after a
 * roll or a revocation, so a caller kept here never outlives what it was made from.
 */
const callers = new WeakMap<object, WeakMap<KeyAuth, KeyCaller<object>>>();

/**
 * The caller a key look-up stands for, made once per look-up rather than once per request:
 * the actor, the owner, and `services` guarded for that actor (a proxy per service, and a
 * wrapper per method, which every request would otherwise build again;
 * docs/decisions/0055-public-read-cost.md). Nothing in it is per request, and nothing
 * changes it, so requests may share it.
 *
 * @example
 * const { actor, owner, services } = keyCaller(c.get('services'), auth);
 */
export function keyCaller<S extends object>(services: S, auth: KeyAuth): KeyCaller<S> {
  let byAuth = callers.get(services);
  if (byAuth === undefined) {
    byAuth = new WeakMap();
    callers.set(services, byAuth);
  }
  const known = byAuth.get(auth) as KeyCaller<S> | undefined;
  if (known !== undefined) return known;
  const actor: KeyActor = { kind: 'key', account: auth.account._id, key: auth.key._id, permissions: auth.key.permissions ?? null };
  const caller: KeyCaller<S> = { actor, owner: { account: auth.account._id, livemode: auth.livemode }, services: guardServices(services, actor) };
  byAuth.set(auth, caller);
  return caller;
}
