import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.js';
import { createEmbeddedStore } from '../src/store/embedded.js';
import { openStore } from '../src/store/open-store.js';
import { DuplicateKeyError, op, type Doc, type IndexSpec } from '../src/store/port.js';
import { StoreDamagedError } from '../src/store/sqlite-file.js';
import { toOrderBy, toSql } from '../src/store/sqlite-filter.js';
import { readKinds, sortsPlainly } from '../src/store/sqlite-kinds.js';
import { createSqliteStore } from '../src/store/sqlite.js';
import { exportStore, importStore } from '../src/store/transfer.js';
import { eventually } from './helpers/eventually.js';

type AnyDoc = Doc & Record<string, any>;

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tts-sqlite-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

const INDEXES: IndexSpec[] = [
  { collection: 'orders', keys: { account: 1, livemode: 1, created_at: -1 } },
  { collection: 'tickets', keys: { code: 1 }, unique: true },
  { collection: 'sessions', keys: { expires_at: 1 }, expireAfterSeconds: 0 },
];

function order(i: number): AnyDoc {
  return {
    _id: `ord_${String(i).padStart(4, '0')}`,
    account: `acc_${i % 3}`,
    livemode: i % 2 === 0,
    status: i % 4 === 0 ? 'paid' : 'awaiting_payment',
    amount: i * 100,
    buyer: { email: `b${i}@example.com` },
    items: [{ ticket_type: 'tt_1', quantity: 1 + (i % 2) }],
    created_at: new Date(Date.UTC(2024, 2, 1) + i * 60_000),
  };
}

describe('SQLite store, file-backed', () => {
  it('keeps documents, Dates, unique indexes and TTL settings across close and reopen', async () => {
    const file = path.join(await tempDir(), 'tts.sqlite');
    const first = await createSqliteStore({ file });
    await first.ensureIndexes(INDEXES);
    const issuedAt = new Date('2024-03-01T10:00:00.123Z');
    await first.collection<AnyDoc>('tickets').insertOne({ _id: 't1', code: 'C1', issued_at: issuedAt, scans: [{ at: issuedAt }] });
    await first.collection<AnyDoc>('tickets').updateOne({ _id: 't1' }, { $push: { scans: { at: new Date(issuedAt.getTime() + 1) } } });
    await first.close();

    let now = new Date('2040-01-01T00:00:00Z');
    const second = await createSqliteStore({ file, ttlSweepIntervalMs: 10, now: () => now });
    const tickets = second.collection<AnyDoc>('tickets');
    const ticket = await tickets.findOne({ issued_at: issuedAt });
    expect(ticket).toEqual({ _id: 't1', code: 'C1', issued_at: issuedAt, scans: [{ at: issuedAt }, { at: new Date(issuedAt.getTime() + 1) }] });
    await expect(tickets.insertOne({ _id: 't2', code: 'C1' })).rejects.toBeInstanceOf(DuplicateKeyError);
    // No ensureIndexes this time: the TTL declaration is kept in the file.
    const sessions = second.collection<AnyDoc>('sessions');
    await sessions.insertMany([
      { _id: 'past-for-the-store', expires_at: new Date('2039-12-31T23:00:00Z') },
      { _id: 'future-for-the-store', expires_at: new Date('2040-01-01T01:00:00Z') },
    ]);
    expect(await eventually(async () => (await sessions.find({})).map((doc) => doc._id), ['future-for-the-store'])).toEqual(['future-for-the-store']);
    now = new Date('2040-01-01T02:00:00Z');
    expect(await eventually(async () => sessions.count({}), 0)).toBe(0);
    await second.close();
  });

  it('answers filters on declared fields from the expression index, not by reading the whole table', async () => {
    const file = path.join(await tempDir(), 'tts.sqlite');
    const store = await createSqliteStore({ file });
    await store.ensureIndexes(INDEXES);
    await store.collection<AnyDoc>('orders').insertMany(Array.from({ length: 50 }, (_, i) => order(i)));
    const filter = { account: 'acc_1', livemode: false, created_at: op.gte(new Date(Date.UTC(2024, 2, 1, 0, 10))) };
    const where = toSql(filter, new Set(['items']));
    expect(where.exact).toBe(true);
    const db = new Database(file, { readonly: true });
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT _id, doc FROM "orders" WHERE ${where.sql}`).all(...(where.params as unknown[])) as { detail: string }[];
    db.close();
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/SEARCH orders USING INDEX "?orders\.account_1_livemode_1_created_at_-1"?/);
    const found = await store.collection<AnyDoc>('orders').find(filter, { sort: { created_at: -1 }, limit: 3 });
    expect(found.map((doc) => doc._id)).toEqual(['ord_0049', 'ord_0043', 'ord_0037']);
    expect(await store.collection('orders').count(filter)).toBe(7);
    await store.close();
  });

  it('reads a page of a sorted list in index order, without sorting every match', async () => {
    const file = path.join(await tempDir(), 'tts.sqlite');
    const store = await createSqliteStore({ file });
    await store.collection<AnyDoc>('orders').insertMany(Array.from({ length: 50 }, (_, i) => order(i)));
    // Declared after the documents exist: the kinds they hold are recorded when the index is made.
    await store.ensureIndexes(INDEXES);
    const filter = { account: 'acc_2', livemode: true };
    const sort = { created_at: -1 } as const;
    const db = new Database(file, { readonly: true });
    const orderBy = toOrderBy(sort, new Set(['items']), (p) =>
      sortsPlainly(
        p,
        readKinds((sql) => db.prepare(sql), 'orders'),
      ),
    );
    const where = toSql(filter, new Set(['items']));
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT _id FROM "orders" WHERE ${where.sql} ORDER BY ${orderBy} LIMIT 5`).all(...(where.params as unknown[]));
    db.close();
    const steps = (plan as { detail: string }[]).map((step) => step.detail).join('\n');
    expect(steps).toMatch(/USING INDEX "?orders\.account_1_livemode_1_created_at_-1"?/);
    expect(steps).not.toMatch(/TEMP B-TREE/);
    const page = await store.collection<AnyDoc>('orders').find(filter, { sort, limit: 5 });
    expect(page.map((doc) => doc._id)).toEqual(['ord_0044', 'ord_0038', 'ord_0032', 'ord_0026', 'ord_0020']);
    await store.close();
  });

  it('sorts an indexed field holding several kinds of value in MongoDB’s type order', async () => {
    const store = await createSqliteStore({});
    await store.ensureIndexes([{ collection: 'mixed', keys: { v: 1 } }]);
    const mixed = store.collection<AnyDoc>('mixed');
    await mixed.insertMany([
      { _id: 'date', v: new Date('2024-01-01T00:00:00Z') },
      { _id: 'true', v: true },
      { _id: 'text', v: 'abc' },
      { _id: 'two', v: 2 },
      { _id: 'object', v: { a: 1 } },
      { _id: 'missing' },
      { _id: 'one', v: 1.5 },
      { _id: 'false', v: false },
    ]);
    expect((await mixed.find({}, { sort: { v: 1, _id: 1 } })).map((doc) => doc._id)).toEqual(['missing', 'one', 'two', 'text', 'object', 'false', 'true', 'date']);
    expect((await mixed.find({}, { sort: { v: -1, _id: 1 }, limit: 3 })).map((doc) => doc._id)).toEqual(['date', 'true', 'false']);
    await store.close();
  });

  it('matches arrays by element after another process sharing the file first stored one there', async () => {
    const file = path.join(await tempDir(), 'shared.sqlite');
    const first = await createSqliteStore({ file });
    const second = await createSqliteStore({ file });
    // The second process has read the collection (and knows its shapes) before any array is stored.
    await second.collection<AnyDoc>('things').insertOne({ _id: 'plain', tags: 'x' });
    expect((await second.collection<AnyDoc>('things').find({ tags: 'x' })).map((doc) => doc._id)).toEqual(['plain']);
    await first.collection<AnyDoc>('things').insertOne({ _id: 'listed', tags: ['x', 'y'] });
    expect((await second.collection<AnyDoc>('things').find({ tags: 'x' }, { sort: { _id: 1 } })).map((doc) => doc._id)).toEqual(['listed', 'plain']);
    await Promise.all([first.close(), second.close()]);
  });

  it('records an array path again after the write that first held it was rolled back', async () => {
    const file = path.join(await tempDir(), 'rollback.sqlite');
    const writer = await createSqliteStore({ file });
    const things = writer.collection<AnyDoc>('things');
    await things.insertOne({ _id: 'taken', tags: 'plain' });
    await expect(things.insertMany([{ _id: 'new', tags: ['x'] }, { _id: 'taken' }])).rejects.toBeInstanceOf(DuplicateKeyError);
    await things.insertOne({ _id: 'later', tags: ['x'] });
    // A process that opens the file afterwards learns the array path from the file alone.
    const reader = await createSqliteStore({ file });
    expect((await reader.collection<AnyDoc>('things').find({ tags: 'x' })).map((doc) => doc._id)).toEqual(['later']);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('records an array that an update puts below an existing field', async () => {
    const file = path.join(await tempDir(), 'nested.sqlite');
    const writer = await createSqliteStore({ file });
    const things = writer.collection<AnyDoc>('things');
    await things.insertOne({ _id: 'a', buyer: { name: 'Asha' } });
    await things.updateOne({ _id: 'a' }, { $set: { buyer: { name: 'Asha', seats: ['A1', 'A2'] } } });
    const reader = await createSqliteStore({ file });
    expect((await reader.collection<AnyDoc>('things').find({ 'buyer.seats': 'A2' })).map((doc) => doc._id)).toEqual(['a']);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('commits the writes of one turn together, each all or nothing, and acknowledges them only once committed', async () => {
    const file = path.join(await tempDir(), 'batch.sqlite');
    const writer = await createSqliteStore({ file });
    const reader = await createSqliteStore({ file });
    const things = writer.collection<AnyDoc>('things');
    await things.insertOne({ _id: 'taken', n: 0 });
    // Issued in one turn: a failing insert of two documents sits between two good writes.
    const writes = [things.insertOne({ _id: 'first' }), things.insertMany([{ _id: 'half' }, { _id: 'taken' }]), things.updateOne({ _id: 'taken' }, { $inc: { n: 1 } })];
    // Not acknowledged yet, so not in the file yet.
    expect(await reader.collection<AnyDoc>('things').findOne({ _id: 'first' })).toBeNull();
    const settled = await Promise.allSettled(writes);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKeyError);
    const stored = await reader.collection<AnyDoc>('things').find({}, { sort: { _id: 1 } });
    expect(stored).toEqual([{ _id: 'first' }, { _id: 'taken', n: 1 }]);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('refuses to open a damaged file, naming it and saying how to restore', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'tts.sqlite');
    const store = await createSqliteStore({ file });
    await store.collection<AnyDoc>('orders').insertMany(Array.from({ length: 400 }, (_, i) => order(i)));
    await store.close();
    const bytes = await readFile(file);
    // Page 2 onwards holds the tables' b-trees; overwrite part of them with garbage.
    bytes.fill(0x5a, 4096 + 16, 4096 * 3);
    await writeFile(file, bytes);
    const opening = createSqliteStore({ file });
    await expect(opening).rejects.toBeInstanceOf(StoreDamagedError);
    await expect(opening).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged[\\s\\S]*restore the latest backup`));
  });
});

describe('SQLite store, integrity check of a big file', () => {
  /** A file of 400 orders whose last pages (table and index leaves, never the schema) are overwritten. */
  async function damagedAtTheEnd(): Promise<string> {
    const file = path.join(await tempDir(), 'tts.sqlite');
    const store = await createSqliteStore({ file });
    await store.collection<AnyDoc>('orders').insertMany(Array.from({ length: 400 }, (_, i) => order(i)));
    await store.close();
    const bytes = await readFile(file);
    bytes.fill(0x5a, bytes.length - 4096 * 3 + 16, bytes.length - 16);
    await writeFile(file, bytes);
    return file;
  }

  it('opens a file above the check size without reading every page, then refuses every call once the check finds damage', async () => {
    const file = await damagedAtTheEnd();
    const ran: string[] = [];
    const reported: unknown[] = [];
    const store = await createSqliteStore({ file, checkAtOpenBytes: 0, trace: (sql) => ran.push(sql), onBackgroundError: (error) => reported.push(error) });
    expect(ran.filter((sql) => /quick_check|integrity_check/i.test(sql))).toEqual([]);
    const refused = async () =>
      (await store.ping().then(
        () => 'answers',
        (error: unknown) => (error instanceof StoreDamagedError ? 'damaged' : String(error)),
      )) as string;
    expect(await eventually(refused, 'damaged')).toBe('damaged');
    await expect(store.collection('orders').find({})).rejects.toBeInstanceOf(StoreDamagedError);
    await expect(store.collection<AnyDoc>('orders').insertOne({ _id: 'late' })).rejects.toThrow(/is damaged[\s\S]*restore the latest backup/);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(StoreDamagedError);
    await store.close();
  });

  it('keeps serving a sound file above the check size once the check has read it', async () => {
    const file = path.join(await tempDir(), 'tts.sqlite');
    const first = await createSqliteStore({ file });
    await first.collection<AnyDoc>('orders').insertMany(Array.from({ length: 400 }, (_, i) => order(i)));
    await first.close();
    const reported: unknown[] = [];
    const store = await createSqliteStore({ file, checkAtOpenBytes: 0, onBackgroundError: (error) => reported.push(error) });
    const { quickCheckInWorker } = await import('../src/store/sqlite-integrity.js');
    expect(await quickCheckInWorker(file)).toEqual({ problems: ['ok'] });
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.collection('orders').count({})).toBe(400);
    expect(reported).toEqual([]);
    await store.close();
  });
});

describe('SQLite store, moving data', () => {
  it('imports an earlier version’s nedb data directory on first start, verified, and moves the old files aside', async () => {
    const dataDir = await tempDir();
    const nedb = await createEmbeddedStore({ dataDir });
    await nedb.collection<AnyDoc>('orders').insertMany(Array.from({ length: 30 }, (_, i) => order(i)));
    await nedb.collection<AnyDoc>('tickets').insertMany([{ _id: 't1', code: 'C1', issued_at: new Date('2024-03-01T10:00:00Z') }]);
    await nedb.close();
    const notices: Array<{ message: string; fields: Record<string, unknown> }> = [];

    const store = await openStore({ dataDir, onNotice: (message, fields) => notices.push({ message, fields }), now: () => new Date('2024-05-01T00:00:00Z') });
    await store.ensureIndexes(INDEXES);
    expect(await store.collection('orders').count({})).toBe(30);
    expect(await store.collection<AnyDoc>('orders').findOne({ _id: 'ord_0007' })).toEqual(order(7));
    expect(await store.collection<AnyDoc>('tickets').findOne({ code: 'C1' })).toEqual({ _id: 't1', code: 'C1', issued_at: new Date('2024-03-01T10:00:00Z') });
    await store.close();
    expect(notices).toEqual([{ message: expect.stringMatching(/may be deleted/), fields: expect.objectContaining({ counts: { orders: 30, tickets: 1 } }) }]);
    expect((await readdir(dataDir)).sort()).toEqual(expect.arrayContaining(['nedb-imported-2024-05-01', 'tts.sqlite']));
    expect((await readdir(dataDir)).filter((name) => name.endsWith('.db'))).toEqual([]);
    expect((await readdir(path.join(dataDir, 'nedb-imported-2024-05-01'))).sort()).toEqual(['orders.db', 'tickets.db']);

    // A second start opens the SQLite file and imports nothing.
    const again = await openStore({ dataDir, onNotice: (message, fields) => notices.push({ message, fields }) });
    expect(await again.collection('orders').count({})).toBe(30);
    await again.close();
    expect(notices).toHaveLength(1);
  });

  it('exports every collection as JSON lines and imports them into a fresh store, identical', async () => {
    const source = await createSqliteStore({ file: path.join(await tempDir(), 'tts.sqlite') });
    const orders = Array.from({ length: 2_345 }, (_, i) => order(i));
    await source.collection<AnyDoc>('orders').insertMany(orders);
    await source.collection<AnyDoc>('tickets').insertMany([{ _id: 't1', code: '\u0001odd', at: null, nested: { when: new Date(0) } }]);
    const dir = path.join(await tempDir(), 'export');
    expect(await exportStore(source, dir)).toEqual({ orders: 2_345, tickets: 1 });
    await source.close();

    const target = await createSqliteStore({});
    expect(await importStore(target, dir)).toEqual({ orders: 2_345, tickets: 1 });
    expect(await target.collection('orders').find({}, { sort: { _id: 1 } })).toEqual(orders);
    expect(await target.collection('tickets').find({})).toEqual([{ _id: 't1', code: '\u0001odd', at: null, nested: { when: new Date(0) } }]);
    await expect(importStore(target, dir)).rejects.toThrow(/not empty/);
    await target.close();
  });

  it('backs up the data directory’s file with the backup command, and the copy opens as a store', async () => {
    const dataDir = path.join(await tempDir(), 'not', 'made', 'yet');
    const dest = path.join(await tempDir(), 'backup.sqlite');
    await expect(runCli(['backup', dest], { TTS_DATA_DIR: dataDir })).rejects.toThrow(/No embedded store at .*check TTS_DATA_DIR/);
    const store = await openStore({ dataDir });
    await store.collection<AnyDoc>('orders').insertMany(Array.from({ length: 100 }, (_, i) => order(i)));
    // The server keeps its connection open (and WAL content uncheckpointed) while the backup runs.
    expect(await runCli(['backup', dest], { TTS_DATA_DIR: dataDir })).toMatch(/backed up/);
    await expect(runCli(['backup', dest], { TTS_DATA_DIR: dataDir })).rejects.toThrow(/exists/);
    await store.close();
    const copy = await createSqliteStore({ file: dest });
    expect(await copy.collection('orders').count({})).toBe(100);
    await copy.close();
  });
});
