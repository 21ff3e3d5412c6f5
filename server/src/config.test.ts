import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

/** A complete production environment on MongoDB; tests change one setting at a time. */
const PRODUCTION = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://tickets.example.com',
  MONGODB_URI: 'mongodb://db:27017/tts',
  SMTP_URL: 'smtp://mail:587',
  MAIL_FROM: 'Tickets <t@example.com>',
  TTS_SECRET: 'x'.repeat(64),
  RAZORPAY_KEY_ID: 'rzp_live_x',
  RAZORPAY_KEY_SECRET: 'secret',
  RAZORPAY_WEBHOOK_SECRET: 'whsec',
};

describe('loadConfig', () => {
  it('runs with no settings at all, on embedded defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 8787,
      publicUrl: 'http://localhost:8787',
      dataDir: './.data',
      mongodbUri: undefined,
      smtpUrl: undefined,
      passwordCost: 12,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('derives the public URL from the port and drops a trailing slash', () => {
    expect(loadConfig({ PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
    expect(loadConfig({ PUBLIC_URL: 'https://tickets.example.com/' }).publicUrl).toBe('https://tickets.example.com');
  });

  it('asks MongoDB for majority-acknowledged writes unless MONGODB_WRITE_CONCERN says otherwise', () => {
    expect(loadConfig({}).mongodbWriteConcern).toBe('majority');
    expect(loadConfig({ MONGODB_WRITE_CONCERN: '2' }).mongodbWriteConcern).toBe(2);
    expect(loadConfig({ MONGODB_WRITE_CONCERN: 'majority' }).mongodbWriteConcern).toBe('majority');
    expect(problemsOf({ MONGODB_WRITE_CONCERN: 'all' })).toEqual(['MONGODB_WRITE_CONCERN: must be majority or a number of members from 1 to 50']);
    expect(problemsOf({ MONGODB_WRITE_CONCERN: '0' })).toHaveLength(1);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', SMTP_URL: '  ' })).toMatchObject({ mongodbUri: undefined, smtpUrl: undefined });
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({ PORT: 'eighty', MONGODB_URI: 'postgres://x', SMTP_URL: 'http://mail', TTS_SECRET: 'short' });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/MONGODB_URI: must be a URL starting with mongodb:\/\//);
    expect(problems.join('\n')).toMatch(/SMTP_URL/);
    expect(problems.join('\n')).toMatch(/TTS_SECRET: must be at least 32 characters/);
  });

  it('reports malformed and missing production settings together', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: 'eighty' });
    expect(problems[0]).toBe('PORT: must be a port number from 1 to 65535');
    expect(problems).toContain('MONGODB_URI: required in production');
    expect(problems).toHaveLength(6);
  });

  it('lists every missing production setting in one message', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PUBLIC_URL', 'MONGODB_URI', 'SMTP_URL', 'MAIL_FROM', 'TTS_SECRET']);
  });

  it('needs the installation’s own Razorpay keys in production only when the platform collects for organizers', () => {
    const { RAZORPAY_KEY_ID: _id, RAZORPAY_KEY_SECRET: _secret, RAZORPAY_WEBHOOK_SECRET: _webhook, ...production } = PRODUCTION;
    expect(loadConfig(production).platformCollects).toBe(false);
    expect(problemsOf({ ...production, TTS_PLATFORM_COLLECTS: 'true' })).toEqual([
      'RAZORPAY_KEY_ID: required in production when TTS_PLATFORM_COLLECTS=true',
      'RAZORPAY_KEY_SECRET: required in production when TTS_PLATFORM_COLLECTS=true',
      'RAZORPAY_WEBHOOK_SECRET: required in production when TTS_PLATFORM_COLLECTS=true',
    ]);
    expect(loadConfig({ ...PRODUCTION, TTS_PLATFORM_COLLECTS: 'true' }).platformCollects).toBe(true);
  });

  it('keeps earlier server secrets from TTS_SECRET_PREVIOUS, so secrets sealed under them still open', () => {
    expect(loadConfig({ ...PRODUCTION, TTS_SECRET_PREVIOUS: ' old-one , older-one ,' }).previousSecrets).toEqual(['old-one', 'older-one']);
    expect(loadConfig(PRODUCTION).previousSecrets).toEqual([]);
  });

  it('refuses a weak password cost and the fake-gateway setting in production', () => {
    const production = PRODUCTION;
    expect(loadConfig(production).env).toBe('production');
    expect(problemsOf({ ...production, TTS_PASSWORD_COST: '10', RAZORPAY_API_BASE: 'http://127.0.0.1:9' })).toEqual([
      'TTS_PASSWORD_COST: must be at least 12 in production',
      'RAZORPAY_API_BASE: a test-only setting, not allowed in production',
    ]);
  });

  it('runs production on SQLite only when TTS_STORE=sqlite says so, with a named data directory', () => {
    const { MONGODB_URI: _mongo, ...production } = PRODUCTION;
    expect(problemsOf(production)).toEqual(['MONGODB_URI: required in production']);
    expect(problemsOf({ ...production, TTS_STORE: 'sqlite' })).toEqual(['TTS_DATA_DIR: required in production with TTS_STORE=sqlite (a directory on local disk)']);
    expect(loadConfig({ ...production, TTS_STORE: 'sqlite', TTS_DATA_DIR: '/var/lib/tts' })).toMatchObject({ store: 'sqlite', dataDir: '/var/lib/tts' });
    expect(problemsOf({ ...production, TTS_STORE: 'sqlite', TTS_DATA_DIR: '/d', MONGODB_URI: 'mongodb://db/tts' })).toEqual([
      'TTS_STORE and MONGODB_URI: TTS_STORE=sqlite uses no MongoDB; unset one',
    ]);
    expect(problemsOf({ TTS_STORE: 'postgres' })).toEqual(['TTS_STORE: must be sqlite or mongodb']);
    expect(loadConfig({}).store).toBe('sqlite');
    expect(loadConfig({ MONGODB_URI: 'mongodb://db/tts' }).store).toBe('mongodb');
  });

  it('refuses a Razorpay test key in production', () => {
    const production = { ...PRODUCTION, RAZORPAY_KEY_ID: 'rzp_test_x' };
    expect(problemsOf(production)).toEqual(['RAZORPAY_KEY_ID: a Razorpay test key (rzp_test_…) in production; use the live key (rzp_live_…)']);
    expect(loadConfig({ ...production, NODE_ENV: 'development' }).razorpay.keyId).toBe('rzp_test_x');
  });

  it('wants Razorpay key id and secret together', () => {
    expect(problemsOf({ RAZORPAY_KEY_ID: 'rzp_test_x' })).toEqual(['RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET: set both or neither']);
  });
});
