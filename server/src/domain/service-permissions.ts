/**
 * The one guard in front of the domain services for a request made by someone: every call a
 * route makes through `c.get('services')` after sign-in or key check passes here, so the
 * console and the API are held to the same permission table (docs/teams.md).
 */
import { AppError } from '../kernel/errors.js';
import { grantOf, type Actor } from './actors.js';
import { requirePermission, type Permission } from './permissions.js';

/**
 * What one service method needs: a permission (and, for event-scoped roles, where the event
 * id is in its arguments), or `open` for calls any signed-in caller may make (sessions, the
 * rate limiter, public reads).
 */
export type MethodRule =
  | 'open'
  | {
      permission: Permission;
      event?: (args: readonly unknown[]) => unknown;
      /**
       * For a method given an object of an event rather than the event (a ticket, a scan): reads
       * which event that object belongs to. Asked only for an actor limited to some events (a
       * door member), so owners and keys pay no extra read.
       */
      eventOf?: (services: EventLookups, args: readonly unknown[]) => Promise<string | null>;
    };

/** The reads {@link MethodRule.eventOf} may use, on the unguarded services. */
export interface EventLookups {
  tickets: { findById(id: string): Promise<{ event: string } | null> };
  checkins: { eventOfScan(id: string): Promise<string | null> };
}

const eventArg = (args: readonly unknown[]) => args[1];
const scanEvent = (args: readonly unknown[]) => (args[1] as { event?: unknown } | undefined)?.event;
/** The event of the ticket whose id is the second argument. */
const ticketEvent = async (services: EventLookups, args: readonly unknown[]) => (typeof args[1] === 'string' ? ((await services.tickets.findById(args[1]))?.event ?? null) : null);
/** The event of the scan whose id is the second argument. */
const scanOfEvent = async (services: EventLookups, args: readonly unknown[]) => (typeof args[1] === 'string' ? services.checkins.eventOfScan(args[1]) : null);

/**
 * `service.method` → what it needs. A method missing here is refused to everyone but an
 * owner or a full key, so a new method is closed until it is placed in this table.
 */
export const SERVICE_PERMISSIONS: Readonly<Record<string, MethodRule>> = {
  'accounts.authenticateKey': 'open',
  'accounts.get': 'open',
  'accounts.findByEmail': 'open',
  'accounts.listKeys': { permission: 'keys:manage' },
  'accounts.createKey': { permission: 'keys:manage' },
  'accounts.createRestrictedKey': { permission: 'keys:manage' },
  'accounts.rollKey': { permission: 'keys:manage' },
  'accounts.rollRestrictedKey': { permission: 'keys:manage' },
  'accounts.revokeKey': { permission: 'keys:manage' },
  'attendance.listAttendees': { permission: 'attendees:read', event: eventArg },
  'attendance.attendeesCsv': { permission: 'attendees:read', event: eventArg },
  'attendance.doorCounts': { permission: 'attendees:read', event: eventArg },
  'attendance.stats': { permission: 'reports:read' },
  'checkins.scan': { permission: 'checkins:write', event: scanEvent },
  'checkins.undo': { permission: 'checkins:write', eventOf: scanOfEvent },
  'checkins.log': { permission: 'attendees:read', event: eventArg },
  'checkins.listForTicket': { permission: 'attendees:read', eventOf: ticketEvent },
  'checkins.admissionOf': { permission: 'attendees:read', eventOf: ticketEvent },
  // Read only by the guard itself (eventOf above).
  'checkins.eventOfScan': { permission: 'attendees:read' },
  'checkinLists.list': { permission: 'attendees:read', event: eventArg },
  'checkinLists.get': { permission: 'attendees:read', event: eventArg },
  'checkinLists.passes': { permission: 'attendees:read', event: eventArg },
  'checkinLists.create': { permission: 'events:write', event: eventArg },
  'checkinLists.update': { permission: 'events:write', event: eventArg },
  'checkinLists.delete': { permission: 'events:write', event: eventArg },
  'codes.publicKey': 'open',
  // Promo codes: managed with the event; `usable` answers a buyer's code on the public event.
  'promoCodes.list': { permission: 'events:read', event: eventArg },
  'promoCodes.get': { permission: 'events:read', event: eventArg },
  'promoCodes.usage': { permission: 'reports:read', event: eventArg },
  'promoCodes.create': { permission: 'events:write', event: eventArg },
  'promoCodes.update': { permission: 'events:write', event: eventArg },
  'promoCodes.delete': { permission: 'events:write', event: eventArg },
  'promoCodes.usable': 'open',
  'promoCodes.redeem': { permission: 'orders:write' },
  'promoCodes.unredeem': { permission: 'orders:write' },
  // Door devices and their offline uploads: whoever may scan an event (a door member of it, a
  // restricted key with checkins:write) signs a device in and syncs it; the lists are read with attendees.
  'doorDevices.signIn': { permission: 'checkins:write', event: eventArg },
  'doorDevices.list': { permission: 'attendees:read', event: eventArg },
  'doorDevices.revoke': { permission: 'checkins:write', event: eventArg },
  'doorDevices.touch': { permission: 'checkins:write', event: eventArg },
  'offlineSync.snapshot': { permission: 'checkins:write', event: eventArg },
  'offlineSync.upload': { permission: 'checkins:write', event: eventArg },
  'offlineSync.conflicts': { permission: 'attendees:read', event: eventArg },
  'offlineSync.stats': { permission: 'attendees:read', event: eventArg },
  'listFigures.forEvent': { permission: 'attendees:read', event: eventArg },
  'dashboard.summary': { permission: 'reports:read' },
  'domainEvents.get': { permission: 'events_log:read' },
  'domainEvents.list': { permission: 'events_log:read' },
  'events.get': { permission: 'events:read', event: eventArg },
  'events.list': { permission: 'events:read' },
  'events.findById': { permission: 'events:read' },
  'events.getPublic': 'open',
  'events.create': { permission: 'events:write' },
  'events.update': { permission: 'events:write' },
  'events.cancel': { permission: 'events:write' },
  // Only the question service calls it, after a change it was allowed to make.
  'events.forgetCached': 'open',
  // Questions are part of the event: read with it, changed with it.
  'questions.list': { permission: 'events:read', event: eventArg },
  'questions.create': { permission: 'events:write', event: eventArg },
  'questions.update': { permission: 'events:write', event: eventArg },
  'questions.delete': { permission: 'events:write', event: eventArg },
  'eventCancellation.cancel': { permission: 'events:write', event: eventArg },
  'eventCancellation.cancelAndRefund': { permission: 'orders:refund', event: eventArg },
  'eventCancellation.retryFailed': { permission: 'orders:refund', event: eventArg },
  'eventCancellation.failures': { permission: 'orders:read', event: eventArg },
  'fulfilment.issue': { permission: 'orders:write' },
  'fulfilment.issueWithTickets': { permission: 'orders:write' },
  'fulfilment.pay': 'open',
  'fulfilment.payByRedirect': 'open',
  'fulfilment.refund': { permission: 'orders:refund' },
  'limiter.hit': 'open',
  'members.forSession': 'open',
  'members.findForSignIn': 'open',
  'members.checkInvitation': 'open',
  'members.accept': 'open',
  'members.list': { permission: 'team:manage' },
  'members.invite': { permission: 'team:manage' },
  'members.invitations': { permission: 'team:manage' },
  'members.revokeInvitation': { permission: 'team:manage' },
  'members.changeRole': { permission: 'team:manage' },
  'members.remove': { permission: 'team:manage' },
  'invoices.list': { permission: 'reports:read' },
  'invoices.get': { permission: 'reports:read' },
  'invoices.ofOrder': { permission: 'reports:read' },
  'orders.create': { permission: 'orders:write' },
  'orders.verify': { permission: 'orders:write' },
  'orders.resendCode': { permission: 'orders:write' },
  'orders.cancel': { permission: 'orders:write' },
  'orders.clientSecretOf': { permission: 'orders:write' },
  'orders.retrieve': { permission: 'orders:read' },
  'waitingList.join': { permission: 'orders:write' },
  'waitingList.verify': { permission: 'orders:write' },
  'waitingList.resendCode': { permission: 'orders:write' },
  'waitingList.retrieve': { permission: 'orders:read' },
  'waitingList.positionOf': { permission: 'orders:read' },
  'waitingList.list': { permission: 'orders:read', event: eventArg },
  'waitingList.remove': { permission: 'orders:write' },
  'outbox.listFailed': { permission: 'webhooks:manage' },
  'outbox.retryFor': { permission: 'webhooks:manage' },
  'passwords.authenticate': 'open',
  'sessions.create': 'open',
  'sessions.resolve': 'open',
  'sessions.destroy': 'open',
  'sessions.setMode': 'open',
  'testCheckout.payOrder': { permission: 'orders:write' },
  'testCheckout.simulate': { permission: 'orders:write' },
  'ticketFinder.request': 'open',
  'ticketMail.deliveries': { permission: 'orders:read' },
  'ticketMail.resend': { permission: 'orders:write' },
  'tickets.get': { permission: 'attendees:read', eventOf: ticketEvent },
  'tickets.findById': { permission: 'attendees:read' },
  'tickets.listForOrder': { permission: 'orders:read' },
  'tickets.void': { permission: 'orders:refund' },
  'webhookEndpoints.list': { permission: 'webhooks:manage' },
  'webhookEndpoints.get': { permission: 'webhooks:manage' },
  'webhookEndpoints.create': { permission: 'webhooks:manage' },
  'webhookEndpoints.update': { permission: 'webhooks:manage' },
  'webhookEndpoints.remove': { permission: 'webhooks:manage' },
  'webhookEndpoints.rollSecret': { permission: 'webhooks:manage' },
  'webhookEndpoints.recentDeliveries': { permission: 'webhooks:manage' },
  'webhookEndpoints.resend': { permission: 'webhooks:manage' },
  'taxProfiles.get': { permission: 'reports:read' },
  'taxProfiles.put': { permission: 'payments:manage' },
  // Whether live sales are on shows on every dashboard; only last fours leave the server.
  'paymentAccounts.settings': 'open',
  'paymentAccounts.connect': { permission: 'payments:manage' },
  'paymentAccounts.disconnect': { permission: 'payments:manage' },
  // Whoever acts is recorded; reading who did what is for those who run the team.
  'auditLog.record': 'open',
  'auditLog.list': { permission: 'team:manage' },
  'auditLog.entries': { permission: 'team:manage' },
  'auditLog.csv': { permission: 'team:manage' },
  'webhooks.receive': 'open',
  // Account security acts on the signed-in user's own sign-in (the routes pass
  // `users.ofSession(session).id`), so any member may use it for themselves.
  'users.byId': 'open',
  'users.byEmail': 'open',
  'users.ofSession': 'open',
  'users.setPasswordHash': 'open',
  'sessionList.list': 'open',
  'sessionList.end': 'open',
  'sessionList.endOthers': 'open',
  'sessionList.endAll': 'open',
  'passwordReset.request': 'open',
  'passwordReset.check': 'open',
  'passwordReset.complete': 'open',
  'emailVerification.isVerified': 'open',
  'emailVerification.send': 'open',
  'emailVerification.confirm': 'open',
  'twoFactor.status': 'open',
  'twoFactor.startEnrolment': 'open',
  'twoFactor.pendingSecret': 'open',
  'twoFactor.confirmEnrolment': 'open',
  'twoFactor.verifyCode': 'open',
  'twoFactor.disable': 'open',
  'twoFactor.startChallenge': 'open',
  'twoFactor.challengeOpen': 'open',
  'twoFactor.answerChallenge': 'open',
  'liveModeGate.problem': 'open',
  'liveModeGate.assertMayGoLive': 'open',
};

/**
 * Checks one call against {@link SERVICE_PERMISSIONS} for an actor.
 * @throws AppError FORBIDDEN naming the missing permission
 *
 * @example
 * checkCall(actor, 'fulfilment', 'refund', [owner, 'ord_…']);
 */
export function checkCall(actor: Actor, service: string, method: string, args: readonly unknown[]): void {
  const rule = SERVICE_PERMISSIONS[`${service}.${method}`];
  // A method whose event is read from its object is checked by checkScopedCall once it is read.
  if (rule !== undefined && rule !== 'open' && rule.eventOf !== undefined && grantOf(actor).events !== null) {
    requirePermission({ ...grantOf(actor), events: null }, rule.permission);
    return;
  }
  checkRule(actor, service, method, args);
}

/**
 * Whether a call needs {@link checkScopedCall}: its event is read from the object it is given,
 * and the actor is limited to some events.
 */
function needsEventLookup(actor: Actor, service: string, method: string): boolean {
  const rule = SERVICE_PERMISSIONS[`${service}.${method}`];
  return rule !== undefined && rule !== 'open' && rule.eventOf !== undefined && grantOf(actor).events !== null;
}

/**
 * The check of {@link checkCall} for a method whose event is read from its object (a ticket, a
 * scan), for an actor limited to some events. An object of another event is refused the way
 * an event is.
 * @throws AppError FORBIDDEN naming the missing permission
 */
export async function checkScopedCall(actor: Actor, services: EventLookups, service: string, method: string, args: readonly unknown[]): Promise<void> {
  const rule = SERVICE_PERMISSIONS[`${service}.${method}`];
  if (rule === undefined || rule === 'open' || rule.eventOf === undefined) return checkCall(actor, service, method, args);
  const event = await rule.eventOf(services, args);
  requirePermission(grantOf(actor), rule.permission, { event: event ?? undefined });
}

function checkRule(actor: Actor, service: string, method: string, args: readonly unknown[]): void {
  const rule = SERVICE_PERMISSIONS[`${service}.${method}`];
  if (rule === 'open') return;
  const grant = grantOf(actor);
  if (rule === undefined) {
    if (grant.permissions.has('team:owners')) return;
    throw new AppError('FORBIDDEN', `Only an owner or a full secret key may do this (${service}.${method}); ${grant.who} may not.`);
  }
  const event = rule.event?.(args);
  requirePermission(grant, rule.permission, { event: typeof event === 'string' ? event : undefined });
}

/**
 * The services as one actor may use them: each method call is checked by {@link checkCall}
 * before it runs. Values that are not objects of methods pass through unchanged.
 *
 * @example
 * c.set('services', guardServices(services, actor));
 */
export function guardServices<S extends object>(services: S, actor: Actor): S {
  const guarded = new Map<PropertyKey, unknown>();
  return new Proxy(services, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof name !== 'string' || value === null || typeof value !== 'object') return value;
      let wrapped = guarded.get(name);
      if (wrapped === undefined) {
        wrapped = guardService(value, actor, name, target as unknown as EventLookups);
        guarded.set(name, wrapped);
      }
      return wrapped;
    },
  });
}

function guardService(service: object, actor: Actor, serviceName: string, lookups: EventLookups): object {
  return new Proxy(service, {
    get(target, name, receiver) {
      const value: unknown = Reflect.get(target, name, receiver);
      if (typeof name !== 'string' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          checkCall(actor, serviceName, name, args);
        } catch (err) {
          // A refusal arrives the way the method's own errors do: a rejected promise from an async
          // method, but a throw from a generator (a CSV export), whose caller expects no promise.
          if (value.constructor.name === 'AsyncGeneratorFunction' || value.constructor.name === 'GeneratorFunction') throw err;
          return Promise.reject(err);
        }
        if (needsEventLookup(actor, serviceName, name)) {
          return checkScopedCall(actor, lookups, serviceName, name, args).then(() => (value as (...a: unknown[]) => unknown).apply(target, args));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
