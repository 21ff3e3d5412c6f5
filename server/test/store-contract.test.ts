import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../src/store/contract.js';
import { createEmbeddedStore } from '../src/store/embedded.js';
import { createMongoStore } from '../src/store/mongo.js';
import { DuplicateKeyError, type Doc, type IndexSpec } from '../src/store/port.js';

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tts-store-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeStoreContract('embedded, in memory', () => createEmbeddedStore({}));
describeStoreContract('embedded, file-backed', async () => createEmbeddedStore({ dataDir: await tempDir() }));

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

    const second = await createEmbeddedStore({ dataDir });
    await second.ensureIndexes(indexes);
    const sessions = second.collection<Session>('sessions');
    await sessions.insertOne({ _id: 'stale', expires_at: new Date(Date.now() - 1_000) });
    expect((await sessions.find({})).map((doc) => doc._id)).toEqual(['live']);
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

const mongoUri = process.env.TTS_TEST_MONGODB_URI ?? process.env.MONGODB_URI;
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
