import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.js';
import { backgroundJobs, startBackgroundJobs, webhookDeliverer } from './background.js';
import { createMailRenderer } from './delivery/mail-renderer.js';
import { createCapturedMailer, createSmtpMailer, type CapturedMailer, type Mailer } from './delivery/mailer.js';
import { createOutboxWorker } from './delivery/outbox.js';
import { loopCongested } from './delivery/loop-congestion.js';
import { createWebhookWorker } from './delivery/webhook-jobs.js';
import { createCancellationWorker } from './delivery/cancellation-jobs.js';
import { ensureDemo, type DemoSetup } from './demo.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { systemClock } from './kernel/clock.js';
import { createJsonLogger, type Logger } from './logger.js';
import { createServices } from './services.js';
import { ensureIndexesOrWarn, INDEXES } from './indexes.js';
import { isAddressInUse, portInUseMessage, portIsFree } from './port-check.js';
import { openStore } from './store/open-store.js';
import { StoreDamagedError } from './store/sqlite-file.js';
import type { Store } from './store/port.js';

/**
 * Connections the kernel queues for the server before it accepts them (the kernel caps it at
 * `net.core.somaxconn`, 4096 on current Linux). A ticket rush opens thousands at once; with
 * Node's default of 511 the rest are dropped, and a client whose connection was dropped tries
 * again only a second later, then three. See docs/operations.md (Performance budgets,
 * connections at once).
 */
const LISTEN_BACKLOG = 4096;
/** How long a shutdown waits for in-flight requests before closing anyway. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * The signing secret: `TTS_SECRET` when set (always in production, which
 * `loadConfig` enforces); otherwise generated once into the data directory so
 * sessions and codes survive restarts of a development server.
 */
async function resolveSecret(config: Readonly<Config>): Promise<string> {
  if (config.secret) return config.secret;
  const file = join(config.dataDir, 'secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('hex');
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
      // Another process created it between our read and write: use theirs.
    });
    return (await readFile(file, 'utf8')).trim();
  }
}

/** SMTP when configured; otherwise mail is captured into the data dir and shown at /dev/mailbox. */
function openMailer(config: Readonly<Config>): { mailer: Mailer; mailbox: CapturedMailer | null } {
  if (config.smtpUrl) return { mailer: createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom }), mailbox: null };
  const mailbox = createCapturedMailer({ dir: join(config.dataDir, 'mailbox'), from: config.mailFrom });
  return { mailer: mailbox, mailbox };
}

/** Stops taking connections, lets in-flight requests finish, then stops the workers and closes the store. */
function installShutdown(server: Server, store: Store, logger: Logger, workers: Array<{ stop(): Promise<void> }>, mailer: Mailer): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.warn('drain timed out; closing remaining connections', { timeout_ms: DRAIN_TIMEOUT_MS });
      server.closeAllConnections();
    }, DRAIN_TIMEOUT_MS).unref();
    server.close(async () => {
      clearTimeout(force);
      try {
        await Promise.all(workers.map((w) => w.stop()));
        await mailer.close();
        await store.close();
        logger.info('stopped');
        process.exitCode = 0;
      } catch (err) {
        logger.error('store did not close cleanly', { err });
        process.exitCode = 1;
      }
    });
    // Keep-alive connections with no request in flight would hold close() open.
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

/**
 * Reads `./.env` when there is one. Variables already set in the environment win,
 * so a deployment's real settings are never overridden by a stray file.
 */
function loadDotEnv(): void {
  try {
    process.loadEnvFile('.env');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function main(): Promise<void> {
  loadDotEnv();
  let config: Readonly<Config>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createJsonLogger(config.logLevel);
  if (!(await portIsFree(config.port))) portInUse(config.port);
  await mkdir(config.dataDir, { recursive: true });
  const secret = await resolveSecret(config);
  const runtimeConfig: Readonly<Config> = Object.freeze({ ...config, secret });

  const store = await openStore({
    mongodbUri: config.mongodbUri,
    mongodbWriteConcern: config.mongodbWriteConcern,
    dataDir: resolve(config.dataDir),
    onNotice: (message, fields) => logger.warn(message, fields),
    onBackgroundError: (err) => logger.error(err instanceof StoreDamagedError ? err.message : 'store background work failed', { err }),
  });
  await ensureIndexesOrWarn(store, INDEXES, logger);
  const services = createServices({ config: runtimeConfig, store, clock: systemClock });
  // Hold ledgers an earlier version kept inside event documents move to hold documents, before serving.
  await services.repair.migrateLedgers();
  // Tickets sold before figures were counters: the figures job counts each one once.
  await services.figures.scheduleUncounted();
  const { mailer, mailbox } = openMailer(runtimeConfig);
  const demo = await ensureDemo({ config: runtimeConfig, store, services });
  // /demo gets the demo's event and publishable key, never its secret key.
  const demoPage = demo && { eventId: demo.eventId, publishableKey: demo.publishableKey };
  const app = createApp({ config: runtimeConfig, store, clock: systemClock, logger, services, mailer, mailbox, demo: demoPage });

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  server.listen({ port: config.port, backlog: LISTEN_BACKLOG });
  await new Promise<void>((resolveListening, reject) => {
    server.once('listening', resolveListening);
    server.once('error', (err) => (isAddressInUse(err) ? portInUse(config.port) : reject(err)));
  });
  const outboxWorker = createOutboxWorker({
    store,
    mailer,
    render: createMailRenderer({ store, publicUrl: config.publicUrl }),
    onError: (err, job) => logger.warn('mail not sent yet', { job: job?._id, kind: job?.kind, err }),
  });
  outboxWorker.start();
  const webhookWorker = createWebhookWorker({
    store,
    leaseMs: config.webhookLeaseMs,
    deliver: webhookDeliverer(services, config.publicUrl),
    // During a rush the checkout's requests go first; deliveries catch up once it eases.
    busy: () => loopCongested(),
    onError: (err, job) => logger.warn('webhook not delivered yet', { job: job?._id, err }),
  });
  webhookWorker.start();
  // A cancelled event's refunds and notices (domain/event-cancellation.ts).
  const cancellationWorker = createCancellationWorker({
    store,
    perform: (job) => services.eventCancellation.perform(job),
    onError: (err, job) => logger.warn('cancellation job not done yet', { job: job?._id, kind: job?.kind, err }),
  });
  cancellationWorker.start();
  const jobs = startBackgroundJobs(backgroundJobs(services, logger), { leases: services.leases, logger });
  // Seats back while people wait: offer them now; the job's 5-second round stays as the net.
  services.seatsBack.listen(() => void jobs.wake('waiting-list'));
  installShutdown(server, store, logger, [outboxWorker, webhookWorker, cancellationWorker, jobs], mailer);
  logger.info('listening', { port: config.port, store: store.driver, env: config.env });
  process.stdout.write(startupBanner(runtimeConfig, store, mailbox !== null, demo));
}

/** Says which port is taken and how to choose another, in one line, and exits: a stack trace would bury it. */
function portInUse(port: number): never {
  process.stderr.write(`${portInUseMessage(port)}\n`);
  process.exit(1);
}

/** What `npm start` prints: where everything is, and the demo's keys on a development install. */
function startupBanner(config: Readonly<Config>, store: Store, capturingMail: boolean, demo: DemoSetup | null): string {
  const url = config.publicUrl;
  const lines = [
    '',
    `  Trendy Ticket Service is running (${config.env}, ${store.driver} store${store.driver === 'embedded' ? ` in ${resolve(config.dataDir)}` : ''})`,
    '',
    `  API            ${url}/v1`,
    `  API reference  ${url}/docs`,
    `  OpenAPI        ${url}/openapi.json`,
    `  Health         ${url}/healthz`,
    `  Console        ${url}/console`,
  ];
  if (capturingMail) lines.push(`  Mailbox        ${url}/dev/mailbox   (mail is captured here, not sent)`);
  if (demo) {
    lines.push(
      '',
      '  Demo organizer (test mode: no real money moves)',
      `  Demo page      ${url}/demo`,
      `  Checkout       ${url}/checkout/${demo.eventId}?key=${demo.publishableKey}`,
      `  Event Token    ${demo.eventId}`,
      `  Publishable    ${demo.publishableKey}`,
      `  Secret key     ${demo.secretKey}`,
      `  Login          ${demo.email} / ${demo.password}`,
    );
  }
  lines.push('', '  Stop with Ctrl+C.', '');
  return lines.join('\n');
}

main().catch((err: unknown) => {
  // The message says which file and what to do; a stack trace would only bury it.
  if (err instanceof StoreDamagedError) {
    process.stderr.write(`Failed to start: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
