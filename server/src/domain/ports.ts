/**
 * What the domain needs from the layers above it, as interfaces those layers implement.
 *
 * The domain only describes these; `delivery/outbox.ts` implements the outbox over the store
 * and `services.ts` hands it in. So a domain module never imports `delivery/`, and a test can
 * give a service any outbox that keeps this contract (docs/architecture.md, "Layers").
 */
import type { Doc } from '../store/port.js';
import type { AuditContext } from './audit-log.js';

/** Where an outbox job is in its life. */
export type OutboxState = 'pending' | 'sending' | 'sent' | 'dead';

/** Every state, in life order (for stats and console filters). */
export const OUTBOX_STATES: readonly OutboxState[] = ['pending', 'sending', 'sent', 'dead'];

/**
 * The job queue's channels, each with its own worker: `mail` (jobs stored without a channel,
 * as before there were others) and `webhook` (one delivery of an events-log entry to an
 * organizer's endpoint), and `cancellation` (the fan-out and per-order refunds of a cancelled
 * event, `domain/event-cancellation.ts`). A channel without a worker in `main.ts` would never run.
 */
export type JobChannel = 'mail' | 'webhook' | 'cancellation';

/** A stored job of the queue: one mail or one webhook delivery, from its queuing to its end (docs/domain-rules.md#mail-delivery). */
export interface OutboxJob extends Doc {
  /** `mail_…` */
  _id: string;
  /** The account and mode the job works for, where it has one: the console shows the account its failed jobs. */
  account?: string;
  livemode?: boolean;
  /** Absent for mail; otherwise the channel whose worker runs it. */
  channel?: Exclude<JobChannel, 'mail'>;
  /** What to render, e.g. `verification_code`, `tickets`, `refund_notice`; `webhook` for deliveries. */
  kind: string;
  to: string;
  /** Ids and small facts the renderer needs; never rendered HTML or PDFs (they are built at send time). */
  payload: Record<string, unknown>;
  /** Absent when none was given, so the sparse unique index ignores the job. */
  dedupe_key?: string;
  /** Payload fields erased once the job ends (sent or dead), e.g. a one-time code. */
  secret_fields?: string[];
  state: OutboxState;
  /** Send attempts started so far (a claim counts, so a crash mid-send counts too). */
  attempts: number;
  next_attempt_at: Date;
  lease_owner?: string;
  lease_token?: string;
  lease_until?: Date;
  last_error?: string;
  message_id?: string;
  created_at: Date;
  updated_at: Date;
  sent_at?: Date;
}

/** A mail to send later. */
export interface EnqueueInput {
  kind: string;
  to: string;
  payload: Record<string, unknown>;
  /** Same key → same job: e.g. `tickets:ord_…`, so racing issuers produce one tickets mail. */
  dedupeKey?: string;
  /** Payload fields that must not outlive the job (erased when it is sent or dead). */
  secretFields?: string[];
  /** Leave out for mail. */
  channel?: Exclude<JobChannel, 'mail'>;
  /** Whose job it is: its failures are shown to that account in the console. */
  owner?: { account: string; livemode: boolean };
}

/** The outbox as the services and the console see it: they only enqueue and read; workers send. */
export interface Outbox {
  /** Stores a pending job; with a `dedupeKey` already used, returns that job and `created: false`. */
  enqueue(input: EnqueueInput): Promise<{ job: OutboxJob; created: boolean }>;
  /**
   * Stores those of `inputs` (each with a `dedupeKey`) whose key is not used yet, in one write
   * when none is; resolves how many it stored. For many jobs queued by one change.
   */
  enqueueMany(inputs: readonly (EnqueueInput & { dedupeKey: string })[]): Promise<number>;
  /** @throws AppError NOT_FOUND */
  get(id: string): Promise<OutboxJob>;
  /** Newest first, optionally one state only. `limit` defaults to 50 (max 200). */
  list(options?: { state?: OutboxState; limit?: number }): Promise<OutboxJob[]>;
  /** One order's jobs of one kind (`payload.order`), newest first: e.g. every sending of its tickets mail. */
  listForOrder(orderId: string, kind: string, limit: number): Promise<OutboxJob[]>;
  /**
   * An account's jobs in one mode that failed: dead, or waiting to retry after a failure;
   * newest first, at most `limit`.
   */
  listFailed(owner: { account: string; livemode: boolean }, limit: number): Promise<OutboxJob[]>;
  /**
   * `retry`, for a job of this account and mode only. `audit` names who asked, for the audit
   * log (`job.retried`: the job's state, attempts and next attempt, before and after).
   * @throws AppError NOT_FOUND for another's job, CONFLICT for one sending or sent.
   */
  retryFor(owner: { account: string; livemode: boolean }, id: string, audit?: AuditContext): Promise<OutboxJob>;
  /** How many jobs are in each state. */
  stats(): Promise<Record<OutboxState, number>>;
  /**
   * Makes a dead (or waiting) job due now with a fresh attempt budget.
   * @throws AppError NOT_FOUND, or CONFLICT for a job that is sending or sent.
   */
  retry(id: string): Promise<OutboxJob>;
}

/**
 * Who hears about an event in the events log (`domain/domain-events.ts`): the organizer's
 * webhook endpoints. The log calls it after every recording, also when the event already
 * existed, so a crash between recording and queuing is finished by the next recording.
 * Until webhook endpoints exist, {@link noWebhookFanout} subscribes nobody.
 */
export interface WebhookFanout {
  /** Ids of the account's enabled endpoints, in that mode, that take events of this type. */
  endpointsFor(account: string, livemode: boolean, type: string): Promise<readonly string[]>;
  /**
   * Queues one delivery of the event to the endpoint. Must be idempotent on `dedupeKey`
   * (`webhook:<event id>:<endpoint id>`): the same event is handed over more than once.
   */
  enqueueDelivery(input: WebhookDeliveryInput): Promise<void>;
  /** Queues the deliveries of one event to all its endpoints at once (one store write), as idempotently. */
  enqueueDeliveries(inputs: readonly WebhookDeliveryInput[]): Promise<void>;
}

/** One delivery of an events-log entry to one endpoint. */
export interface WebhookDeliveryInput {
  event: string;
  endpoint: string;
  dedupeKey: string;
  account: string;
  livemode: boolean;
}

/** Subscribes nobody: the events log's fan-out before webhook endpoints are wired in. */
export const noWebhookFanout: WebhookFanout = {
  endpointsFor: async () => [],
  enqueueDelivery: async () => undefined,
  enqueueDeliveries: async () => undefined,
};
