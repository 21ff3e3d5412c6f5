import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureIndexesOrWarn } from '../src/indexes.js';
import { createMemoryLogger } from '../src/logger.js';
import { describeStoreContract } from '../src/store/contract.js';
import { createEmbeddedStore } from '../src/store/embedded.js';
import { createMongoStore } from '../src/store/mongo.js';
import { createSqliteStore } from '../src/store/sqlite.js';
import { DuplicateKeyError, type Doc, type IndexSpec } from '../src/store/port.js';
import { contractMongoUri } from './helpers/contract-target.js';
import { eventually } from './helpers/eventually.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tts-store-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// A fast sweep, so the TTL test (which polls, as it must for MongoDB's monitor) finishes quickly.
describeStoreContract('embedded, in memory', () => createEmbeddedStore({ ttlSweepIntervalMs: 20 }), { ttl: 'background' });
describeStoreContract('embedded, file-backed', async () => createEmbeddedStore({ dataDir: await tempDir(), ttlSweepIntervalMs: 20 }), { ttl: 'background' });
describeStoreContract('sqlite, in memory', () => createSqliteStore({ ttlSweepIntervalMs: 20 }), { ttl: 'background' });
describeStoreContract('sqlite, file-backed', async () => createSqliteStore({ file: path.join(await tempDir(), 'tts.sqlite'), ttlSweepIntervalMs: 20 }), {
  ttl: 'background',
});

describe('embedded store, file-backed, across a restart', () => {
  interface Ticket extends Doc {
    code: string;
    counters: { scans: number; reprints: number };
    issued_at: Date;
    history: { at: Date; what: string }[];
  }
  interface Session extends Doc {
    expires_at: Date;
  }
  const indexes: IndexSpec[] = [
    { collection: 'tickets', keys: { code: 1 }, unique: true },
    { collection: 'sessions', keys: { expires_at: 1 }, expireAfterSeconds: 0 },
  ];

  it('keeps documents, Dates and counters, and still enforces unique indexes after close and reopen', async () => {
    const dataDir = await tempDir();
    const first = await createEmbeddedStore({ dataDir });
    await first.ensureIndexes(indexes);
    const tickets = first.collection<Ticket>('tickets');
    const issuedAt = new Date('2024-03-01T10:00:00.123Z');
    await tickets.insertOne({ _id: 'tkt_1', code: 'C1', counters: { scans: 0, reprints: 0 }, issued_at: issuedAt, history: [] });
    for (let i = 0; i < 5; i += 1) {
      const scan = { at: new Date(issuedAt.getTime() + i), what: 'scan' };
      await tickets.updateOne({ _id: 'tkt_1' }, { $inc: { 'counters.scans': 1 }, $push: { history: scan } });
    }
    await tickets.updateOne({ _id: 'tkt_1' }, { $inc: { 'counters.reprints': 2 } });
    await first.close();
    expect(await readFile(path.join(dataDir, 'tickets.db'), 'utf8')).toContain('"$$date"');

    const second = await createEmbeddedStore({ dataDir });
    const reopened = second.collection<Ticket>('tickets');
    const ticket = await reopened.findOne({ _id: 'tkt_1' });
    expect(ticket?.counters).toEqual({ scans: 5, reprints: 2 });
    expect(ticket?.issued_at).toBeInstanceOf(Date);
    expect(ticket?.issued_at.getTime()).toBe(issuedAt.getTime());
    expect(ticket?.history.map((entry) => entry.at.getTime())).toEqual([0, 1, 2, 3, 4].map((i) => issuedAt.getTime() + i));
    expect(await reopened.findOne({ issued_at: issuedAt })).not.toBeNull();
    const clash = { _id: 'tkt_2', code: 'C1', counters: { scans: 0, reprints: 0 }, issued_at: issuedAt, history: [] };
    await expect(reopened.insertOne(clash)).rejects.toBeInstanceOf(DuplicateKeyError);
    await second.close();
  });

  it('re-arms a TTL index on reopen when ensureIndexes runs again (nedb does not persist expireAfterSeconds)', async () => {
    const dataDir = await tempDir();
    const first = await createEmbeddedStore({ dataDir });
    await first.ensureIndexes(indexes);
    await first.collection<Session>('sessions').insertOne({ _id: 'live', expires_at: new Date(Date.now() + 3_600_000) });
    await first.close();

    const second = await createEmbeddedStore({ dataDir, ttlSweepIntervalMs: 10 });
    await second.ensureIndexes(indexes);
    const sessions = second.collection<Session>('sessions');
    await sessions.insertOne({ _id: 'stale', expires_at: new Date(Date.now() - 1_000) });
    expect(await eventually(async () => (await sessions.find({})).map((doc) => doc._id), ['live'])).toEqual(['live']);
    await second.close();
  });

  it('expires by the clock it is given, not the wall clock', async () => {
    let now = new Date('2040-01-01T00:00:00Z');
    const store = await createEmbeddedStore({ ttlSweepIntervalMs: 10, now: () => now });
    await store.ensureIndexes(indexes);
    const sessions = store.collection<Session>('sessions');
    // In the wall clock's future, but in the store clock's past: swept.
    await sessions.insertOne({ _id: 'past-for-the-store', expires_at: new Date('2039-12-31T23:00:00Z') });
    await sessions.insertOne({ _id: 'future-for-the-store', expires_at: new Date('2040-01-01T01:00:00Z') });
    expect(await eventually(async () => (await sessions.find({})).map((doc) => doc._id), ['future-for-the-store'])).toEqual(['future-for-the-store']);
    now = new Date('2040-01-01T02:00:00Z');
    expect(await eventually(async () => (await sessions.find({})).map((doc) => doc._id), [])).toEqual([]);
    await store.close();
  });

  it('starts with an index whose options changed in the code, warning with its name and how to migrate', async () => {
    const dataDir = await tempDir();
    const first = await createEmbeddedStore({ dataDir });
    await first.ensureIndexes([{ collection: 'tickets', keys: { code: 1 } }]);
    await first.close();

    const second = await createEmbeddedStore({ dataDir });
    const logger = createMemoryLogger();
    const specs: IndexSpec[] = [
      { collection: 'tickets', keys: { code: 1 }, unique: true },
      { collection: 'tickets', keys: { order: 1, index: 1 }, unique: true },
    ];
    expect(await ensureIndexesOrWarn(second, specs, logger)).toMatchObject([{ collection: 'tickets', name: 'code_1' }]);
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'warn', index: 'code_1', collection: 'tickets', migrate: expect.stringContaining("dropIndex('code_1')") })]);
    const tickets = second.collection<Doc & Record<string, unknown>>('tickets');
    await tickets.insertOne({ _id: 't1', code: 'C1', order: 'o1', index: 0 });
    await expect(tickets.insertOne({ _id: 't2', code: 'C2', order: 'o1', index: 0 })).rejects.toBeInstanceOf(DuplicateKeyError);
    await second.close();
  });

  it('reports an unreadable datafile on every operation instead of hanging', async () => {
    const dataDir = await tempDir();
    await writeFile(path.join(dataDir, 'orders.db'), 'not json\nstill not json\n');
    const store = await createEmbeddedStore({ dataDir });
    await expect(store.collection('orders').count({})).rejects.toThrow(/corrupt/);
    await expect(store.collection('orders').insertOne({ _id: 'o1' })).rejects.toThrow(/corrupt/);
    await store.close();
  });
});

describe('the contract suite’s MongoDB target', () => {
  it('runs only against TTS_TEST_MONGODB_URI, never against a MONGODB_URI that may be production', () => {
    expect(contractMongoUri({ MONGODB_URI: 'mongodb://prod.example.com/tts' })).toBeUndefined();
    expect(contractMongoUri({ MONGODB_URI: 'mongodb://prod.example.com/tts', TTS_TEST_MONGODB_URI: ' ' })).toBeUndefined();
    expect(contractMongoUri({ MONGODB_URI: 'mongodb://prod.example.com/tts', TTS_TEST_MONGODB_URI: 'mongodb://127.0.0.1:27017' })).toBe('mongodb://127.0.0.1:27017');
  });
});

const mongoUri = contractMongoUri(process.env);
if (mongoUri) {
  const dbName = `tts_contract_${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const client = new MongoClient(mongoUri);
    try {
      await client.db(dbName).dropDatabase();
    } finally {
      await client.close();
    }
  });
  describeStoreContract('mongodb', () => createMongoStore({ uri: mongoUri, dbName }), { ttl: 'background' });
}
