import type { WebhookEventType } from '@trendy-tickets/sdk';
import { createHmac } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from './config.js';
import { createOutbox } from './delivery/outbox.js';
import { createWebhookSender, systemResolve } from './delivery/webhook-delivery.js';
import { createWebhookFanout } from './delivery/webhook-jobs.js';
import { bcryptHasher, createAccountService, type PasswordHasher } from './domain/accounts.js';
import { createTaxProfileService } from './domain/tax-profiles.js';
import { createCheckinService } from './domain/checkins.js';
import { createCheckinListService } from './domain/checkin-lists.js';
import { createQuestionService } from './domain/questions.js';
import { createDoorDeviceService } from './domain/door-devices.js';
import { createOfflineSyncService } from './domain/offline-sync.js';
import { createPromoRecount } from './domain/promo-recount.js';
import { createDashboardService } from './domain/dashboard.js';
import { createEmailVerification } from './domain/email-verification.js';
import { createAttendanceService } from './domain/attendance.js';
import { createAuditLog } from './domain/audit-log.js';
import type { Clock } from './kernel/clock.js';
import { createEventService, type EventDoc } from './domain/events.js';
import { createEventCancellation } from './domain/event-cancellation.js';
import { createDomainEvents } from './domain/domain-events.js';
import type { WebhookFanout } from './domain/ports.js';
import { createFiguresService } from './domain/figures.js';
import { createListFigures } from './domain/list-figures.js';
import { createFulfilmentService } from './domain/fulfilment.js';
import { createInvoiceService } from './domain/invoices.js';
import { randomBase62 } from './kernel/ids.js';
import { createInventory } from './domain/inventory.js';
import { createSeatsBack } from './domain/seats-back.js';
import { createLeases } from './domain/leases.js';
import { createLiveModeGate } from './domain/live-mode-gate.js';
import { createMemberService } from './domain/members.js';
import { createNewPassword } from './domain/new-password.js';
import { createOrderService } from './domain/orders.js';
import { createPromoCodeService } from './domain/promo-codes.js';
import { createPaymentAccounts } from './domain/payment-accounts.js';
import { createPasswordGuard } from './domain/password-guard.js';
import { createPasswordReset } from './domain/password-reset.js';
import { createRateLimiter } from './domain/rate-limit.js';
import { createRepairService } from './domain/repair.js';
import { createSessionList } from './domain/session-list.js';
import { createSessionService } from './domain/sessions.js';
import { createSignInUsers } from './domain/sign-in-users.js';
import { createTicketCodes } from './domain/ticket-codes.js';
import { createTicketFinder } from './domain/ticket-finder.js';
import { createTicketMailService } from './domain/ticket-mail.js';
import { createTicketService } from './domain/tickets.js';
import { createTwoFactor } from './domain/two-factor.js';
import { createWaitingListService } from './domain/waiting-list.js';
import { createWaitingListOffers } from './domain/waiting-list-offers.js';
import { createWebhookEndpointService } from './domain/webhook-endpoints.js';
import type { ResolveHost } from './domain/webhook-url.js';
import { createWebhookService } from './domain/webhooks.js';
import { createSecretBox } from './domain/webhook-secrets.js';
import { credentialCheck } from './payments/registry.js';
import { createGatewayResolver } from './payments/resolver.js';
import { createRazorpayGateway } from './payments/razorpay.js';
import { createTestCheckout } from './payments/test-checkout.js';
import { createTestGateway } from './payments/test-gateway.js';
import type { Store } from './store/port.js';

export interface ServiceDeps {
  config: Readonly<Config>;
  store: Store;
  clock: Clock;
  /** Defaults to bcrypt at `config.passwordCost`. */
  hasher?: PasswordHasher;
  /** Names this server in the leases it holds (default: host, pid and a random suffix, unique per process). */
  instanceId?: string;
  /** Resolves webhook endpoint hosts (default: the system resolver); tests point names anywhere. */
  resolveHost?: ResolveHost;
  /** Who hears about events in the log: the organizers' webhook endpoints (default: nobody). */
  webhookFanout?: WebhookFanout;
}

/** A name for this server instance that no other process shares, readable in the `leases` collection. */
function newInstanceId(): string {
  return `${hostname()}/${process.pid}/${randomBase62(8)}`;
}

/**
 * The test gateway's signing secret, derived from TTS_SECRET so every server of
 * one installation agrees on it without another setting.
 */
export function testGatewaySecret(secret: string): string {
  return createHmac('sha256', secret).update('tts:test-gateway:signing').digest('hex');
}

/**
 * Builds the domain services once; the API routes, the hosted pages and the
 * console all call these, so each rule lives in one place.
 *
 * @example
 * const services = createServices({ config, store, clock });
 */
export function createServices({
  config,
  store,
  clock,
  hasher = bcryptHasher(config.passwordCost),
  instanceId = newInstanceId(),
  resolveHost = systemResolve,
  webhookFanout,
}: ServiceDeps) {
  const secret = config.secret;
  if (!secret) throw new Error('createServices needs config.secret (main.ts resolves TTS_SECRET before building services)');

  const testSecret = testGatewaySecret(secret);
  const testGateway = createTestGateway({ store, secret: testSecret, clock });
  const { keyId, keySecret, webhookSecret, previousWebhookSecret, apiBase } = config.razorpay;
  const settings = { razorpayApiBase: apiBase };
  // The installation's own Razorpay account: live sales when the platform collects, and the orders it took before.
  const platform =
    keyId && keySecret
      ? createRazorpayGateway({
          keyId,
          keySecret,
          webhookSecrets: [webhookSecret, previousWebhookSecret].filter((s): s is string => !!s),
          ...(apiBase ? { apiBase } : {}),
        })
      : null;
  // One audit log for every service that records who changed what (docs/audit-log.md).
  const auditLog = createAuditLog({ store, clock });
  const paymentAccounts = createPaymentAccounts({
    store,
    clock,
    box: createSecretBox(secret, { purpose: 'gateway-credentials', previousSecrets: config.previousSecrets }),
    check: credentialCheck(settings),
    platformCollects: config.platformCollects,
    auditLog,
  });
  const gateways = createGatewayResolver({
    testGateway,
    platform,
    platformWebhooks: !!webhookSecret,
    platformCollects: config.platformCollects,
    paymentAccounts,
    settings,
  });

  const outbox = createOutbox({ store, clock, auditLog });
  // One events log for every service, so each records through the same fan-out: a `webhook` job
  // per subscribed endpoint, run by the webhook worker (background.ts, docs/webhooks.md).
  const fanout =
    webhookFanout ??
    createWebhookFanout({
      outbox,
      endpointsFor: async (account, livemode, type) => (await webhookEndpoints.subscribedTo(account, livemode, type as WebhookEventType)).map((e) => e._id),
    });
  const domainEvents = createDomainEvents({ store, clock, fanout });
  // Seats back to an event with people waiting: main.ts wakes the waiting-list job on it.
  const seatsBack = createSeatsBack();
  const inventory = createInventory({ store, clock, seatsBack });
  const limiter = createRateLimiter({ store, clock });
  const codes = createTicketCodes({ store, clock, secret });
  const figures = createFiguresService({ store, clock });
  const tickets = createTicketService({ store, clock, codes, inventory, figures, domainEvents, auditLog });
  const invoices = createInvoiceService({ store, clock });
  const fulfilment = createFulfilmentService({ store, clock, inventory, outbox, gateways, tickets, domainEvents, auditLog, figures, invoices });
  // An event's promo codes (docs/promo-codes.md): read by checkout, counted atomically on each code.
  const promoCodes = createPromoCodeService({
    store,
    clock,
    auditLog,
    eventOf: async (owner, id) => store.collection<EventDoc>('events').findOne({ _id: id, account: owner.account, livemode: owner.livemode }),
  });
  const orders = createOrderService({
    store,
    clock,
    secret,
    promoCodes,
    inventory,
    outbox,
    limiter,
    gateways,
    completeUnpaid: (orderId) => fulfilment.completePayment(orderId, null),
    domainEvents,
    auditLog,
  });
  const webhooks = createWebhookService({ store, clock, fulfilment, gateways });
  // The waiting list of sold-out types (docs/waiting-list.md).
  const waitingOffers = createWaitingListOffers({ store, clock, inventory, outbox, createClaimed: (input) => orders.createClaimed(input), domainEvents });
  const waitingList = createWaitingListService({ store, clock, secret, outbox, limiter, inventory, auditLog, offerNow: (id) => waitingOffers.offerFor(id) });

  const webhookEndpoints = createWebhookEndpointService({ store, clock, secret, previousSecrets: config.previousSecrets, resolve: resolveHost, outbox, fanout, auditLog });
  const events = createEventService({ store, clock, domainEvents, auditLog, inventory, seatsBack });
  const accounts = createAccountService({ store, clock, hasher, auditLog });
  // Account security, keyed on whoever signs in (domain/sign-in-users.ts; docs/account-security.md).
  const users = createSignInUsers({ store });
  const sessionList = createSessionList({ store, clock });
  const setNewPassword = createNewPassword({ store, hasher, users, sessionList });
  const emailVerification = createEmailVerification({ store, clock, outbox, limiter, users });
  const twoFactor = createTwoFactor({ store, clock, limiter, secret });
  const members = createMemberService({ store, clock, hasher, outbox, auditLog });
  const taxProfiles = createTaxProfileService({ store, clock, auditLog });
  const passwords = createPasswordGuard({ store, clock, limiter, hasher, secret });
  // An event's check-in lists beyond its default one (docs/domain-rules.md#check-in-lists).
  const checkinLists = createCheckinListService({
    store,
    clock,
    auditLog,
    eventOf: async (owner, id) => {
      const event = await events.findById(id);
      return event && event.account === owner.account && event.livemode === owner.livemode ? event : null;
    },
  });

  // What checkout asks of buyers and attendees (docs/attendee-details.md).
  const questions = createQuestionService({ store, clock, auditLog, onChange: (id) => events.forgetCached(id) });

  const checkins = createCheckinService({ store, clock, codes, figures, eventOf: (id) => events.findByIdCached(id), domainEvents, auditLog, lists: checkinLists });
  const doorDevices = createDoorDeviceService({ store, clock, auditLog });

  return {
    seatsBack,
    accounts,
    taxProfiles,
    // The account's team: members with roles, and invitations (docs/teams.md).
    members,
    domainEvents,
    auditLog,
    // Every password check (console sign-in, live keys in the console, crossing modes in the
    // API) goes through this one guard; the account service itself cannot check a password.
    passwords,
    attendance: createAttendanceService({ store, clock, figures }),
    figures,
    events,
    // Cancelling an event for its buyers: refunds and notices, run by the cancellation worker (main.ts).
    eventCancellation: createEventCancellation({
      store,
      clock,
      outbox,
      cancelEvent: async (owner, id, audit, run) => {
        const cancelled = await events.cancel(owner, id, audit, run);
        // Its seats are no longer for sale: open waiting-list offers end with it.
        await waitingOffers.lapseAllOf(id);
        return cancelled;
      },
      refund: (owner, id, input) => fulfilment.refund(owner, id, input),
    }),
    orders,
    waitingList,
    // Offers, claims and lapses of the waiting list, run by background.ts.
    waitingOffers,
    fulfilment,
    // Tax invoices, receipts and credit notes.
    invoices,
    // The reconciler and the sweeper, run by background.ts.
    listFigures: createListFigures({ store, clock }),
    // Promo codes' uses set right after a crash took one without storing its order.
    promoRecount: createPromoRecount({ store, clock }),
    repair: createRepairService({ store, clock, inventory, gateways, fulfilment, domainEvents, offerOf: (id) => waitingOffers.entryOfOrder(id) }),
    webhooks,
    // Organizers' own endpoints, which outbound events are POSTed to.
    webhookEndpoints,
    // One webhook delivery attempt, recorded: what the job queue's webhook jobs call.
    sendWebhook: createWebhookSender({ endpoints: webhookEndpoints, clock, resolve: resolveHost }),
    tickets,
    checkins,
    checkinLists,
    questions,
    promoCodes,
    // Phones signed in to scan one event, offline if need be, and what they upload (docs/door.md).
    doorDevices,
    offlineSync: createOfflineSyncService({ store, clock, codes, checkins, devices: doorDevices }),
    codes,
    outbox,
    limiter,
    testGateway,
    // Paying test orders at the test gateway, for the API and the hosted checkout.
    testCheckout: createTestCheckout({ testGateway, orders, fulfilment }),
    gateways,
    // Organizers' own Razorpay accounts (Settings → Payments, /v1/account/payment_settings).
    paymentAccounts,
    // The console's own needs; its pages call the services above for everything else.
    sessions: createSessionService({ store, clock }),
    users,
    sessionList,
    setNewPassword,
    passwordReset: createPasswordReset({ store, clock, outbox, limiter, users, setNewPassword, clearPasswordLock: passwords.clearFor }),
    emailVerification,
    twoFactor,
    // Asked by the console's mode switch and by POST /v1/keys/roll into live mode.
    liveModeGate: createLiveModeGate({ users, emailVerification, twoFactor }),
    dashboard: createDashboardService({ store, clock, figures }),
    ticketMail: createTicketMailService({ store, clock, outbox, limiter, auditLog }),
    // Which server runs each background job (background.ts).
    leases: createLeases({ store, clock, holder: instanceId }),
    ticketFinder: createTicketFinder({ store, clock, outbox, limiter }),
  };
}

export type Services = ReturnType<typeof createServices>;
