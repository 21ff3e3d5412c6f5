import { z } from 'zod';

/**
 * Server configuration, read once from the environment by `main.ts` and passed
 * everywhere else as a frozen object. Every variable has an embedded default
 * except the secrets a live deployment needs (docs/operations.md#configuration).
 */
export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  /** Where the server is reached from outside, without a trailing slash. */
  publicUrl: string;
  dataDir: string;
  /**
   * `TTS_STORE`: `sqlite` (the embedded store in `dataDir`, one machine) or `mongodb`. Unset, it
   * follows `MONGODB_URI`; production must choose SQLite explicitly (decision 0019).
   */
  store: 'sqlite' | 'mongodb';
  mongodbUri: string | undefined;
  /**
   * How many MongoDB members must have a write before it is acknowledged: `majority` (the
   * default: an acknowledged sale survives a primary's failover) or a number of members.
   */
  mongodbWriteConcern: 'majority' | number;
  smtpUrl: string | undefined;
  mailFrom: string;
  razorpay: {
    keyId: string | undefined;
    keySecret: string | undefined;
    webhookSecret: string | undefined;
    /**
     * The webhook secret being replaced, accepted alongside `webhookSecret` while a rotation
     * is under way (Razorpay signs with the new one once it is saved in its dashboard).
     */
    previousWebhookSecret: string | undefined;
    /** Test-only: point the Razorpay SDK at a fake server (every Razorpay account's, the platform's and organizers'). */
    apiBase: string | undefined;
  };
  /**
   * `TTS_PLATFORM_COLLECTS=true`: live orders of accounts that connected no payment account
   * are paid to the installation's own Razorpay keys above (the operator then collects for
   * organizers, with the tax consequences in docs/operations.md#payments). Off by default:
   * live sales need the organizer's own Razorpay account.
   */
  platformCollects: boolean;
  /**
   * Earlier values of TTS_SECRET (`TTS_SECRET_PREVIOUS`, comma-separated), kept so secrets
   * sealed under them still open after a rotation (docs/operations.md#rotating-tts_secret).
   */
  previousSecrets: readonly string[];
  /** Signs sessions and OTP hashes; generated into the data dir when unset outside production. */
  secret: string | undefined;
  /** bcrypt cost for passwords; never below 12 in production. */
  passwordCost: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** How many reverse proxies append to X-Forwarded-For in front of the server (0: trust none). */
  trustProxy: number;
  /**
   * How long a webhook worker's claim on a delivery holds: after a crash mid-delivery, the job is
   * tried again once it lapses. Longer than a delivery's 10 s timeout, so no live send is taken over.
   */
  webhookLeaseMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const urlString = (protocols: readonly string[]) =>
  optionalString.refine((v) => v === undefined || isUrlWithProtocol(v, protocols), {
    message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  });

function isUrlWithProtocol(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number({ error: 'must be a port number from 1 to 65535' }).int().min(1).max(65_535).default(8787),
  PUBLIC_URL: urlString(['http:', 'https:']),
  TTS_DATA_DIR: optionalString,
  TTS_STORE: z.enum(['sqlite', 'mongodb'], { error: 'must be sqlite or mongodb' }).optional(),
  MONGODB_URI: urlString(['mongodb:', 'mongodb+srv:']),
  MONGODB_WRITE_CONCERN: z
    .union([z.literal('majority'), z.coerce.number().int().min(1).max(50)], { error: 'must be majority or a number of members from 1 to 50' })
    .default('majority'),
  SMTP_URL: urlString(['smtp:', 'smtps:']),
  MAIL_FROM: optionalString,
  RAZORPAY_KEY_ID: optionalString,
  RAZORPAY_KEY_SECRET: optionalString,
  RAZORPAY_WEBHOOK_SECRET: optionalString,
  RAZORPAY_WEBHOOK_SECRET_PREVIOUS: optionalString,
  RAZORPAY_API_BASE: urlString(['http:', 'https:']),
  TTS_PLATFORM_COLLECTS: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  TTS_SECRET_PREVIOUS: optionalString,
  TTS_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters (use `openssl rand -hex 32`)',
  }),
  TTS_PASSWORD_COST: z.coerce.number({ error: 'must be a whole number from 4 to 15' }).int().min(4).max(15).optional(),
  TTS_MAX_BODY_BYTES: z.coerce.number({ error: 'must be a number of bytes from 1024 to 10485760' }).int().min(1024).max(10_485_760).default(102_400),
  TTS_TRUST_PROXY: z.coerce.number({ error: 'must be the number of proxies in front of the server, 0–10' }).int().min(0).max(10).default(0),
  TTS_WEBHOOK_LEASE_SECONDS: z.coerce
    .number({ error: 'must be a whole number of seconds from 11 to 3600' })
    .int()
    .min(11, 'must be at least 11: longer than a webhook delivery may take (10 s)')
    .max(3600)
    .default(60),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

/** Settings a production deployment must set; each is listed when missing. */
const REQUIRED_IN_PRODUCTION = ['PUBLIC_URL', 'MONGODB_URI', 'SMTP_URL', 'MAIL_FROM', 'TTS_SECRET'] as const;

/** The installation's own Razorpay keys: needed in production only when the platform collects for organizers. */
const REQUIRED_WHEN_PLATFORM_COLLECTS = ['RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET', 'RAZORPAY_WEBHOOK_SECRET'] as const;

/** Thrown by `loadConfig` with every problem at once, so one restart fixes them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads and validates the environment. Reports every bad or missing variable in
 * one `ConfigError`; returns a frozen `Config`.
 *
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): Readonly<Config> {
  // An empty variable means "unset" (as `FOO= npm start` or an empty .env line intends).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = EnvSchema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  const sqliteChosen = present.TTS_STORE === 'sqlite';
  if (sqliteChosen && present.MONGODB_URI !== undefined) problems.push('TTS_STORE and MONGODB_URI: TTS_STORE=sqlite uses no MongoDB; unset one');
  if (present.TTS_STORE === 'mongodb' && present.MONGODB_URI === undefined && present.NODE_ENV !== 'production') {
    problems.push('MONGODB_URI: required when TTS_STORE=mongodb');
  }
  if (present.NODE_ENV === 'production') {
    for (const name of REQUIRED_IN_PRODUCTION) {
      // One machine may run on SQLite when it says so; it then needs its data directory named.
      if (name === 'MONGODB_URI' && sqliteChosen) continue;
      if (present[name] === undefined) problems.push(`${name}: required in production`);
    }
    if (sqliteChosen && present.TTS_DATA_DIR === undefined) problems.push('TTS_DATA_DIR: required in production with TTS_STORE=sqlite (a directory on local disk)');
    if (present.TTS_PASSWORD_COST !== undefined && Number(present.TTS_PASSWORD_COST) < 12) {
      problems.push('TTS_PASSWORD_COST: must be at least 12 in production');
    }
    if (present.TTS_PLATFORM_COLLECTS === 'true') {
      for (const name of REQUIRED_WHEN_PLATFORM_COLLECTS) if (present[name] === undefined) problems.push(`${name}: required in production when TTS_PLATFORM_COLLECTS=true`);
    }
    if (present.RAZORPAY_API_BASE !== undefined) {
      problems.push('RAZORPAY_API_BASE: a test-only setting, not allowed in production');
    }
    // A test key takes no real money: live orders would "sell" tickets nobody paid for.
    if (present.RAZORPAY_KEY_ID?.startsWith('rzp_test_')) {
      problems.push('RAZORPAY_KEY_ID: a Razorpay test key (rzp_test_…) in production; use the live key (rzp_live_…)');
    }
  }
  if ((present.RAZORPAY_KEY_ID === undefined) !== (present.RAZORPAY_KEY_SECRET === undefined)) {
    problems.push('RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET: set both or neither');
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    env: e.NODE_ENV,
    port: e.PORT,
    publicUrl,
    dataDir: e.TTS_DATA_DIR ?? './.data',
    store: e.TTS_STORE ?? (e.MONGODB_URI ? 'mongodb' : 'sqlite'),
    mongodbUri: e.MONGODB_URI,
    mongodbWriteConcern: e.MONGODB_WRITE_CONCERN,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? 'Trendy Ticket Service <tickets@localhost>',
    razorpay: Object.freeze({
      keyId: e.RAZORPAY_KEY_ID,
      keySecret: e.RAZORPAY_KEY_SECRET,
      webhookSecret: e.RAZORPAY_WEBHOOK_SECRET,
      previousWebhookSecret: e.RAZORPAY_WEBHOOK_SECRET_PREVIOUS,
      apiBase: e.RAZORPAY_API_BASE,
    }),
    platformCollects: e.TTS_PLATFORM_COLLECTS === 'true',
    previousSecrets: Object.freeze(
      (e.TTS_SECRET_PREVIOUS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
    secret: e.TTS_SECRET,
    passwordCost: e.TTS_PASSWORD_COST ?? 12,
    maxBodyBytes: e.TTS_MAX_BODY_BYTES,
    trustProxy: e.TTS_TRUST_PROXY,
    webhookLeaseMs: e.TTS_WEBHOOK_LEASE_SECONDS * 1000,
    logLevel: e.LOG_LEVEL,
  });
}
