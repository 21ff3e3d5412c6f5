/**
 * The store contract: one vitest suite every driver must pass (docs/architecture.md#storage), so repositories
 * written against `port.ts` behave the same on the embedded store and on MongoDB.
 * Every test works in collections of its own, named with a per-run prefix.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateKeyError, op, type Collection, type Doc, type Filter, type IndexSpec, type Store, type Update } from './port.js';

/** How a driver differs in ways the contract allows. */
export interface StoreContractOptions {
  /**
   * `immediate`: expired documents are never returned (embedded). `background`: they vanish
   * when MongoDB's TTL monitor runs (every 60 s), so the test polls for up to 90 s.
   */
  ttl?: 'immediate' | 'background';
}

type AnyDoc = Doc & Record<string, any>;

const at = (iso: string): Date => new Date(iso);
const minutes = (n: number): Date => new Date(Date.UTC(2024, 2, 1, 9, 0) + n * 60_000);
const idsOf = (docs: readonly Doc[]): string[] => docs.map((doc) => doc._id);

/**
 * Registers the contract suite for one driver.
 *
 * @param label names the suite, e.g. `embedded, in memory`.
 * @param makeStore opens a new store; called once for the suite and once more for the close test.
 * @example
 * describeStoreContract('embedded, in memory', () => createEmbeddedStore({}));
 */
export function describeStoreContract(label: string, makeStore: () => Promise<Store>, options: StoreContractOptions = {}): void {
  describe(`store contract: ${label}`, () => {
    const runId = randomBytes(3).toString('hex');
    let store: Store;
    let serial = 0;
    const fresh = <T extends Doc = AnyDoc>(topic: string): Collection<T> => {
      serial += 1;
      return store.collection<T>(`c${runId}_${serial}_${topic}`);
    };

    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('round-trips nested objects, arrays and Dates through insert, find, findOne and count', async () => {
      const orders = fresh('roundtrip');
      const order = {
        _id: 'ord_1',
        amount: 150_000,
        paid: true,
        refund: null,
        buyer: { name: 'Asha', email: 'asha@example.com', tags: ['vip', 'early'] },
        items: [
          { sku: 'ga', qty: 2, scanned_at: at('2024-03-01T10:00:00.000Z') },
          { sku: 'vip', qty: 1, scanned_at: null },
        ],
        created_at: at('2024-03-01T09:30:00.123Z'),
      };
      await orders.insertOne(order);
      await orders.insertMany([
        { _id: 'ord_2', amount: 1, skipped: undefined },
        { _id: 'ord_3', amount: 2 },
      ]);
      const found = await orders.findOne({ _id: 'ord_1' });
      expect(found).toEqual(order);
      expect(found?.created_at).toBeInstanceOf(Date);
      expect(found?.items[0].scanned_at).toBeInstanceOf(Date);
      expect(idsOf(await orders.find({ 'buyer.email': 'asha@example.com' }))).toEqual(['ord_1']);
      expect(Object.keys((await orders.findOne({ _id: 'ord_2' })) ?? {})).toEqual(['_id', 'amount']);
      expect(await orders.findOne({ _id: 'missing' })).toBeNull();
      expect(await orders.count({})).toBe(3);
      expect(await orders.count({ amount: op.lt(10) })).toBe(2);
    });

    it('hands out copies: changing an inserted or returned object leaves the stored one alone', async () => {
      const docs = fresh('copies');
      const input = { _id: 'd1', nested: { n: 1 }, list: [1], when: at('2024-01-01T00:00:00.000Z') };
      await docs.insertOne(input);
      input.nested.n = 99;
      input.list.push(2);
      input.when.setTime(0);
      const first = await docs.findOne({ _id: 'd1' });
      expect(first).toEqual({ _id: 'd1', nested: { n: 1 }, list: [1], when: at('2024-01-01T00:00:00.000Z') });
      first?.when.setTime(0);
      if (first) first.nested.n = 7;
      expect(await docs.findOne({ _id: 'd1' })).toEqual({ _id: 'd1', nested: { n: 1 }, list: [1], when: at('2024-01-01T00:00:00.000Z') });
    });

    it('refuses duplicate _ids and unique keys with DuplicateKeyError, on insert and on update', async () => {
      const accounts = fresh('unique');
      await store.ensureIndexes([{ collection: accounts.name, keys: { email: 1 }, unique: true }]);
      await accounts.insertOne({ _id: 'acc_1', email: 'a@x.in' });
      await accounts.insertOne({ _id: 'acc_2', email: 'b@x.in' });
      const duplicate = accounts.insertOne({ _id: 'acc_3', email: 'a@x.in' });
      await expect(duplicate).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(duplicate).rejects.toMatchObject({ name: 'DuplicateKeyError', collection: accounts.name });
      await expect(accounts.insertOne({ _id: 'acc_1', email: 'c@x.in' })).rejects.toBeInstanceOf(DuplicateKeyError);
      const batch = [
        { _id: 'acc_4', email: 'd@x.in' },
        { _id: 'acc_5', email: 'b@x.in' },
      ];
      await expect(accounts.insertMany(batch)).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(accounts.updateOne({ _id: 'acc_2' }, { $set: { email: 'a@x.in' } })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await accounts.findOne({ _id: 'acc_2' })).toEqual({ _id: 'acc_2', email: 'b@x.in' });
      expect(await accounts.count({ email: 'a@x.in' })).toBe(1);
    });

    it('enforces a unique compound index on the combination, and a sparse one only where the field exists', async () => {
      const seats = fresh('compound');
      await store.ensureIndexes([
        { collection: seats.name, keys: { event: 1, seat: 1 }, unique: true },
        { collection: seats.name, keys: { external_ref: 1 }, unique: true, sparse: true },
      ]);
      await seats.insertMany([
        { _id: 's1', event: 'e1', seat: 'A1' },
        { _id: 's2', event: 'e1', seat: 'A2' },
        { _id: 's3', event: 'e2', seat: 'A1', external_ref: 'r1' },
      ]);
      await expect(seats.insertOne({ _id: 's4', event: 'e1', seat: 'A1' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await expect(seats.insertOne({ _id: 's5', event: 'e3', seat: 'A1', external_ref: 'r1' })).rejects.toBeInstanceOf(DuplicateKeyError);
      await seats.insertOne({ _id: 's6', event: 'e3', seat: 'A1', external_ref: 'r2' });
      expect(await seats.count({})).toBe(4);
    });

    it('treats ensureIndexes as idempotent', async () => {
      const keys = fresh('idempotent');
      const specs: IndexSpec[] = [
        { collection: keys.name, keys: { hash: 1 }, unique: true },
        { collection: keys.name, keys: { account: 1, created_at: -1 } },
        { collection: keys.name, keys: { expires_at: 1 }, expireAfterSeconds: 3600 },
      ];
      await store.ensureIndexes(specs);
      await store.ensureIndexes(specs);
      await keys.insertOne({ _id: 'k1', hash: 'h' });
      await expect(keys.insertOne({ _id: 'k2', hash: 'h' })).rejects.toBeInstanceOf(DuplicateKeyError);
    });

    it('leaves an index whose options changed as it is, reports it by name, and still creates the others', async () => {
      const docs = fresh('index_conflict');
      await store.ensureIndexes([{ collection: docs.name, keys: { code: 1 } }]);
      const conflicts = await store.ensureIndexes([
        { collection: docs.name, keys: { code: 1 }, unique: true },
        { collection: docs.name, keys: { ref: 1 }, unique: true },
      ]);
      expect(conflicts).toEqual([{ collection: docs.name, name: 'code_1', keys: { code: 1 }, detail: expect.any(String) }]);
      await docs.insertMany([
        { _id: 'a', code: 'x', ref: 'r1' },
        { _id: 'b', code: 'x', ref: 'r2' },
      ]);
      await expect(docs.insertOne({ _id: 'c', code: 'y', ref: 'r1' })).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.ensureIndexes([{ collection: docs.name, keys: { code: 1 } }])).toEqual([]);
    });

    it('lets exactly 137 of 200 racing conditional decrements succeed, never going below zero', async () => {
      const inventory = fresh('race');
      await inventory.insertOne({ _id: 'inv', inventory: { available: 137, held: 0 } });
      const hold = { $inc: { 'inventory.available': -1, 'inventory.held': 1 } };
      const results = await Promise.all(Array.from({ length: 200 }, () => inventory.updateOne({ _id: 'inv', 'inventory.available': op.gte(1) }, hold)));
      expect(results.filter((r) => r.modified === 1)).toHaveLength(137);
      expect(results.filter((r) => r.matched === 0 && r.modified === 0)).toHaveLength(63);
      expect(await inventory.findOne({ _id: 'inv' })).toEqual({ _id: 'inv', inventory: { available: 0, held: 137 } });
    });

    it('serialises racing findOneAndUpdate calls: each unit handed out once, each after-state consistent', async () => {
      const inventory = fresh('race_fau');
      await inventory.insertOne({ _id: 'inv', available: 137, sold: 0 });
      const sell = { $inc: { available: -1, sold: 1 } };
      const after = await Promise.all(Array.from({ length: 200 }, () => inventory.findOneAndUpdate({ _id: 'inv', available: op.gte(1) }, sell)));
      const granted = after.filter((doc) => doc !== null);
      expect(granted).toHaveLength(137);
      expect(granted.every((doc) => doc.available >= 0 && doc.available + doc.sold === 137)).toBe(true);
      expect(granted.map((doc) => doc.sold).sort((a, b) => a - b)).toEqual(Array.from({ length: 137 }, (_, i) => i + 1));
    });

    it('findOneAndUpdate returns the after-state, and null when the filter no longer matches', async () => {
      const orders = fresh('fau');
      await orders.insertOne({ _id: 'o1', state: 'awaiting_payment', attempts: 0 });
      const paidAt = at('2024-03-01T10:00:00.000Z');
      const transition = { $set: { state: 'paid', paid_at: paidAt }, $inc: { attempts: 1 } };
      const paid = { _id: 'o1', state: 'paid', attempts: 1, paid_at: paidAt };
      expect(await orders.findOneAndUpdate({ _id: 'o1', state: 'awaiting_payment' }, transition)).toEqual(paid);
      expect(await orders.findOneAndUpdate({ _id: 'o1', state: 'awaiting_payment' }, transition)).toBeNull();
      expect(await orders.findOne({ _id: 'o1' })).toEqual(paid);
    });

    it('merges 100 concurrent upserts ($inc + $set) on one key into one document counting 100', async () => {
      const counters = fresh('upsert');
      await store.ensureIndexes([{ collection: counters.name, keys: { key: 1 }, unique: true }]);
      const seen = at('2024-03-01T10:00:00.000Z');
      const hit = { $inc: { count: 1 }, $set: { last_seen: seen } };
      const results = await Promise.all(Array.from({ length: 100 }, () => counters.updateOne({ key: 'ip:10.0.0.1' }, hit, { upsert: true })));
      expect(results.filter((r) => r.upserted)).toHaveLength(1);
      const docs = await counters.find({ key: 'ip:10.0.0.1' });
      expect(docs).toHaveLength(1);
      expect(docs[0]).toMatchObject({ key: 'ip:10.0.0.1', count: 100, last_seen: seen });
      expect(typeof docs[0]?._id).toBe('string');
      const buckets = await Promise.all(Array.from({ length: 50 }, () => counters.findOneAndUpdate({ _id: 'bucket', key: 'b' }, { $inc: { count: 1 } }, { upsert: true })));
      expect(buckets.map((doc) => doc?.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('builds an upserted document from the filter’s equality fields, as MongoDB does', async () => {
      const limits = fresh('upsert_seed');
      const filter = { _id: 'u1', 'scope.kind': 'ip', status: op.eq('open'), hits: op.lt(5), name: /x/ };
      const update = { $inc: { hits: 1 }, $set: { 'scope.value': '10.0.0.1' } };
      expect(await limits.updateOne(filter, update, { upsert: true })).toEqual({ matched: 0, modified: 0, upserted: true });
      expect(await limits.findOne({ _id: 'u1' })).toEqual({ _id: 'u1', scope: { kind: 'ip', value: '10.0.0.1' }, status: 'open', hits: 1 });
    });

    it('applies $set, $unset (all value forms), $inc on a missing field, $push, $min and $max, counting real changes', async () => {
      const docs = fresh('update_ops');
      await docs.insertOne({ _id: 'd', a: { b: 1 }, x: 1, y: 2, z: 3, low: 10, high: at('2024-01-01T00:00:00.000Z'), tags: ['a'] });
      const update: Update = {
        $set: { 'a.c.d': 'deep', name: 'N' },
        $unset: { x: '', y: true, z: 1, 'not.there': '' },
        $inc: { 'counters.views': 5 },
        $push: { tags: 'b', log: { n: 1 } },
        $min: { low: 5 },
        $max: { high: at('2024-06-01T00:00:00.000Z') },
      };
      expect(await docs.updateOne({ _id: 'd' }, update)).toEqual({ matched: 1, modified: 1, upserted: false });
      const expected = {
        ...{ _id: 'd', a: { b: 1, c: { d: 'deep' } }, name: 'N', counters: { views: 5 } },
        ...{ low: 5, high: at('2024-06-01T00:00:00.000Z'), tags: ['a', 'b'], log: [{ n: 1 }] },
      };
      expect(await docs.findOne({ _id: 'd' })).toEqual(expected);
      const noChange = { $set: { name: 'N' }, $min: { low: 7 }, $max: { high: at('2024-02-01T00:00:00.000Z') } };
      expect(await docs.updateOne({ _id: 'd' }, noChange)).toEqual({ matched: 1, modified: 0, upserted: false });
      expect(await docs.findOne({ _id: 'd' })).toEqual(expected);
    });

    it('counts matches and modifications in updateMany, and removals in deleteOne and deleteMany', async () => {
      const docs = fresh('many');
      await docs.insertMany(['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ _id: id, status: i < 3 ? 'open' : 'closed', flag: id === 'a' })));
      expect(await docs.updateMany({ status: 'open' }, { $set: { flag: true } })).toEqual({ matched: 3, modified: 2, upserted: false });
      expect(await docs.updateOne({ status: 'nope' }, { $set: { flag: true } })).toEqual({ matched: 0, modified: 0, upserted: false });
      expect(await docs.deleteOne({ status: 'open' })).toBe(1);
      expect(await docs.deleteOne({ status: 'nope' })).toBe(0);
      expect(await docs.deleteMany({ status: op.in(['open', 'closed']) })).toBe(4);
      expect(await docs.count({})).toBe(0);
    });

    it('matches every filter operator of the port with MongoDB semantics', async () => {
      const people = fresh('filters');
      await people.insertMany([
        {
          ...{ _id: 'p1', name: 'Asha Rao', email: 'ASHA@example.com', tier: 'gold', score: 90, tags: ['vip', 'early'] },
          ...{
            seats: [
              { row: 'A', n: 1 },
              { row: 'B', n: 7 },
            ],
            created_at: minutes(1),
            refund: null,
          },
        },
        {
          ...{ _id: 'p2', name: 'bilal', email: 'bilal@example.com', tier: 'silver', score: 75, tags: ['early'] },
          ...{ seats: [{ row: 'A', n: 9 }], created_at: minutes(2) },
        },
        {
          ...{ _id: 'p3', name: 'Chen', email: 'chen@sample.org', tier: 'gold', score: 60, tags: [], seats: [] },
          ...{ created_at: minutes(3), refund: { amount: 500 } },
        },
        { _id: 'p4', name: 'Devi', email: 'devi@example.com', score: 100, created_at: minutes(4) },
      ]);
      // Indexes let a driver pick candidates by index; that must never change the answer.
      const indexed = ['tier', 'score', 'created_at', 'tags', 'refund', 'email'];
      await store.ensureIndexes(indexed.map((field) => ({ collection: people.name, keys: { [field]: 1 as const } })));
      const cases: [Filter, string[]][] = [
        [{ tier: 'gold' }, ['p1', 'p3']],
        [{ 'refund.amount': 500 }, ['p3']],
        [{ tags: 'vip' }, ['p1']],
        [{ score: op.gt(75) }, ['p1', 'p4']],
        [{ score: op.and(op.gte(75), op.lt(100)) }, ['p1', 'p2']],
        [{ created_at: op.and(op.gte(minutes(2)), op.lte(minutes(3))) }, ['p2', 'p3']],
        [{ created_at: minutes(4) }, ['p4']],
        [{ tier: op.in(['silver', 'bronze']) }, ['p2']],
        [{ _id: op.in(['p1', 'p4', 'zz']) }, ['p1', 'p4']],
        [{ tier: op.nin(['gold']) }, ['p2', 'p4']],
        [{ tags: op.nin(['vip']) }, ['p2', 'p3', 'p4']],
        [{ tags: op.ne('early') }, ['p3', 'p4']],
        [{ tier: op.ne('gold') }, ['p2', 'p4']],
        [{ tier: op.exists(false) }, ['p4']],
        [{ refund: op.exists(true) }, ['p1', 'p3']],
        [{ refund: null }, ['p1', 'p2', 'p4']],
        [{ refund: op.ne(null) }, ['p3']],
        [{ email: /@EXAMPLE\.com$/i }, ['p1', 'p2', 'p4']],
        [{ name: op.regex(/^a/i) }, ['p1']],
        [{ name: op.regex('^B', 'i') }, ['p2']],
        [{ seats: op.elemMatch({ row: 'A', n: op.gt(5) }) }, ['p2']],
        [{ 'seats.row': 'B' }, ['p1']],
        [{ $or: [{ tier: 'silver' }, { score: op.gte(100) }] }, ['p2', 'p4']],
        [{ $and: [{ tier: 'gold' }, { score: op.lt(80) }] }, ['p3']],
        [{ score: op.not(op.gt(80)) }, ['p2', 'p3']],
      ];
      for (const [filter, expected] of cases) {
        expect(idsOf(await people.find(filter, { sort: { _id: 1 } })), JSON.stringify(filter)).toEqual(expected);
      }
      await expect(people.findOne({ email: undefined })).rejects.toThrow(TypeError);
      await expect(people.updateOne({ _id: 'p1' }, { $rename: { name: 'n' } } as Update)).rejects.toThrow(TypeError);
      await expect(people.insertOne({ name: 'no id' } as unknown as Doc)).rejects.toThrow(TypeError);
    });

    it('refuses operator objects from outside where a plain value is expected, in every call that takes a filter', async () => {
      const orders = fresh('injection');
      await orders.insertMany([
        { _id: 'o1', payment_id: 'pay_1', buyer: { email: 'a@x.in' }, tags: ['a'] },
        { _id: 'o2', payment_id: 'pay_2', buyer: { email: 'b@x.in' }, tags: ['b'] },
      ]);
      // What a webhook body parsed with JSON.parse can carry: an object that looks like an operator.
      const fromOutside: unknown = JSON.parse('{ "$gt": "" }');
      const injected: Filter = { payment_id: fromOutside };
      const refused = [
        orders.find(injected),
        orders.findOne(injected),
        orders.count(injected),
        orders.updateOne(injected, { $set: { state: 'paid' } }),
        orders.updateOne(injected, { $set: { state: 'paid' } }, { upsert: true }),
        orders.updateMany(injected, { $set: { state: 'paid' } }),
        orders.findOneAndUpdate(injected, { $set: { state: 'paid' } }),
        orders.deleteOne(injected),
        orders.deleteMany(injected),
        orders.find({ $or: [{ _id: 'o9' }, injected] }),
        orders.aggregate([{ $match: injected }]),
        orders.aggregate([{ $sort: { _id: 1 } }, { $match: injected }]),
        // A copy of an operator made by op.* is no longer trusted.
        orders.find({ payment_id: { ...op.gt('') } }),
        // Operator arguments are plain values too.
        orders.find({ payment_id: op.in([fromOutside as string]) }),
        orders.find({ payment_id: op.ne(fromOutside as string) }),
        // Subdocuments and arrays are matched by dot path and op.*, never as a whole value.
        orders.find({ buyer: { email: 'a@x.in' } }),
        orders.find({ tags: ['a'] }),
        orders.find({ $where: 'true' }),
      ];
      for (const [i, call] of refused.entries()) await expect(call, `call ${i}`).rejects.toThrow(TypeError);
      expect(await orders.find({}, { sort: { _id: 1 } })).toEqual([
        { _id: 'o1', payment_id: 'pay_1', buyer: { email: 'a@x.in' }, tags: ['a'] },
        { _id: 'o2', payment_id: 'pay_2', buyer: { email: 'b@x.in' }, tags: ['b'] },
      ]);
      expect(idsOf(await orders.find({ payment_id: op.gt('pay_1') }))).toEqual(['o2']);
      expect(idsOf(await orders.find({ 'buyer.email': 'a@x.in', tags: 'a' }))).toEqual(['o1']);
    });

    it('refuses undefined in filters, update filters and every $match stage of a pipeline', async () => {
      const tickets = fresh('undefined');
      await tickets.insertMany([
        { _id: 't1', account: 'acc_1' },
        { _id: 't2', account: 'acc_2' },
      ]);
      const account: string | undefined = undefined;
      const refused = [
        tickets.find({ account }),
        tickets.count({ $or: [{ account }] }),
        tickets.find({ account: op.in([account as unknown as string]) }),
        tickets.updateMany({ account }, { $set: { seen: true } }),
        tickets.deleteMany({ account }),
        tickets.aggregate([{ $match: { account } }]),
        tickets.aggregate([{ $sort: { _id: 1 } }, { $match: { account } }, { $count: 'n' }]),
        tickets.aggregate([{ $group: { _id: account, n: { $sum: 1 } } }]),
      ];
      for (const [i, call] of refused.entries()) await expect(call, `call ${i}`).rejects.toThrow(TypeError);
      expect(await tickets.count({})).toBe(2);
      expect(await tickets.aggregate([{ $match: { account: 'acc_1' } }, { $count: 'n' }])).toEqual([{ n: 1 }]);
    });

    it('sorts by Date, string and compound keys, with skip and limit, ranking a missing field with null', async () => {
      const docs = fresh('sort');
      await docs.insertMany([
        { _id: 's1', group: 'b', at: minutes(3), rank: 2 },
        { _id: 's2', group: 'a', at: minutes(1) },
        { _id: 's3', group: 'b', at: minutes(2), rank: null },
        { _id: 's4', group: 'a', at: minutes(4), rank: 1 },
        { _id: 's5', group: 'B', at: minutes(0), rank: 3 },
      ]);
      expect(idsOf(await docs.find({}, { sort: { at: 1 } }))).toEqual(['s5', 's2', 's3', 's1', 's4']);
      expect(idsOf(await docs.find({}, { sort: { at: -1 } }))).toEqual(['s4', 's1', 's3', 's2', 's5']);
      expect(idsOf(await docs.find({}, { sort: { group: 1, at: -1 } }))).toEqual(['s5', 's4', 's2', 's1', 's3']);
      expect(idsOf(await docs.find({}, { sort: { rank: 1, _id: -1 } }))).toEqual(['s3', 's2', 's4', 's1', 's5']);
      expect(idsOf(await docs.find({}, { sort: { at: 1 }, skip: 1, limit: 2 }))).toEqual(['s2', 's3']);
      expect((await docs.findOne({ group: 'a' }, { sort: { at: -1 } }))?._id).toBe('s4');
    });

    it('pages 250 documents with many equal created_at values by keyset, each exactly once and in order', async () => {
      const events = fresh('paging');
      const docs = Array.from({ length: 250 }, (_, i) => ({ _id: `evt_${randomBytes(6).toString('hex')}`, created_at: minutes(i % 25) }));
      await events.insertMany(docs);
      const expected = [...docs].sort((a, b) => b.created_at.getTime() - a.created_at.getTime() || (a._id < b._id ? 1 : -1)).map((doc) => doc._id);
      const seen: string[] = [];
      let last: AnyDoc | undefined;
      for (let page = 0; page < 20; page += 1) {
        const filter = last ? { $or: [{ created_at: op.lt(last.created_at) }, { created_at: last.created_at, _id: op.lt(last._id) }] } : {};
        const batch = await events.find(filter, { sort: { created_at: -1, _id: -1 }, limit: 20 });
        if (batch.length === 0) break;
        expect(batch.length).toBeLessThanOrEqual(20);
        seen.push(...idsOf(batch));
        last = batch.at(-1);
      }
      expect(seen).toEqual(expected);
    });

    it('aggregates for stats: $group with $sum and $cond, by day in a time zone, then $sort', async () => {
      const orders = fresh('stats');
      const order = (id: string, event: string, type: string, amount: number, status: string, iso: string, codes: string[]) => ({
        _id: id,
        event,
        ticket_type: type,
        amount,
        status,
        created_at: at(iso),
        codes,
      });
      await orders.insertMany([
        order('o1', 'evt_a', 'ga', 1000, 'paid', '2024-03-01T10:00:00.000Z', ['x', 'y']),
        order('o2', 'evt_a', 'ga', 1000, 'pending', '2024-03-01T19:00:00.000Z', ['z']),
        order('o3', 'evt_a', 'vip', 5000, 'paid', '2024-03-01T20:00:00.000Z', ['z']),
        order('o4', 'evt_a', 'vip', 5000, 'paid', '2024-03-02T12:00:00.000Z', ['z']),
        order('o5', 'evt_b', 'ga', 700, 'paid', '2024-03-01T10:00:00.000Z', ['z']),
      ]);
      const paid = { $sum: { $cond: [{ $eq: ['$status', 'paid'] }, 1, 0] } };
      expect(
        await orders.aggregate([
          { $match: { event: 'evt_a' } },
          { $group: { _id: '$ticket_type', revenue: { $sum: '$amount' }, orders: { $sum: 1 }, paid } },
          { $sort: { _id: 1 } },
        ]),
      ).toEqual([
        { _id: 'ga', revenue: 2000, orders: 2, paid: 1 },
        { _id: 'vip', revenue: 10000, orders: 2, paid: 2 },
      ]);
      const byDay = (timezone?: string) => [
        { $match: { event: 'evt_a', status: 'paid' } },
        {
          $group: {
            _id: { $dateToString: { format: '%Y-%m-%d', date: '$created_at', ...(timezone ? { timezone } : {}) } },
            revenue: { $sum: '$amount' },
            orders: { $sum: 1 },
          },
        },
        { $sort: { _id: 1 } },
      ];
      const ist = [
        { _id: '2024-03-01', revenue: 1000, orders: 1 },
        { _id: '2024-03-02', revenue: 10000, orders: 2 },
      ];
      expect(await orders.aggregate(byDay('Asia/Kolkata'))).toEqual(ist);
      expect(await orders.aggregate(byDay('+05:30'))).toEqual(ist);
      const utc = [
        { _id: '2024-03-01', revenue: 6000, orders: 2 },
        { _id: '2024-03-02', revenue: 5000, orders: 1 },
      ];
      expect(await orders.aggregate(byDay())).toEqual(utc);
      expect(await orders.aggregate(byDay('UTC'))).toEqual(utc);
      // Etc/GMT-12 is UTC+12 (POSIX signs): o3 (20:00Z) falls on 2 March there, o4 (12:00Z) on 3 March.
      expect(await orders.aggregate(byDay('Etc/GMT-12'))).toEqual([
        { _id: '2024-03-01', revenue: 1000, orders: 1 },
        { _id: '2024-03-02', revenue: 5000, orders: 1 },
        { _id: '2024-03-03', revenue: 5000, orders: 1 },
      ]);
      // A three-part name; UTC-3 keeps every paid order on its UTC day.
      expect(await orders.aggregate(byDay('America/Argentina/Buenos_Aires'))).toEqual(utc);
      expect(await orders.aggregate([{ $unwind: '$codes' }, { $count: 'codes' }])).toEqual([{ codes: 6 }]);
      const top = [{ $match: { event: 'evt_a' } }, { $project: { _id: 0, amount: 1 } }, { $sort: { amount: -1 } }, { $limit: 1 }];
      expect(await orders.aggregate(top)).toEqual([{ amount: 5000 }]);
    });

    it('refuses in $dateToString a time zone name MongoDB does not know: another case, or unknown', async () => {
      const orders = fresh('zones');
      await orders.insertOne({ _id: 'o1', created_at: at('2024-03-01T20:00:00.000Z') });
      const byDay = (timezone: string) => [{ $project: { day: { $dateToString: { format: '%Y-%m-%d', date: '$created_at', timezone } } } }];
      for (const timezone of ['asia/kolkata', 'utc', 'Mars/Olympus']) {
        await expect(orders.aggregate(byDay(timezone)), timezone).rejects.toThrow(/time ?zone/i);
      }
      expect(await orders.aggregate(byDay('Asia/Kolkata'))).toEqual([{ _id: 'o1', day: '2024-03-02' }]);
    });

    it(
      'removes a document once its TTL field is in the past',
      async () => {
        const sessions = fresh('ttl');
        await store.ensureIndexes([{ collection: sessions.name, keys: { expires_at: 1 }, expireAfterSeconds: 0 }]);
        await sessions.insertMany([
          { _id: 'gone', expires_at: new Date(Date.now() - 60_000) },
          { _id: 'kept', expires_at: new Date(Date.now() + 3_600_000) },
        ]);
        if (options.ttl === 'background') {
          // MongoDB's TTL monitor runs every 60 s; bounded polling is the only way to observe it.
          const deadline = Date.now() + 90_000;
          while ((await sessions.count({ _id: 'gone' })) > 0 && Date.now() < deadline) await delay(1_000);
        }
        expect(idsOf(await sessions.find({}))).toEqual(['kept']);
        expect(await sessions.count({})).toBe(1);
      },
      options.ttl === 'background' ? 100_000 : undefined,
    );

    it('answers ping, and after close rejects every operation instead of hanging', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      const other = await makeStore();
      const docs = other.collection<AnyDoc>(`c${runId}_closing`);
      await docs.insertOne({ _id: 'x' });
      await other.close();
      await other.close();
      await expect(other.ping()).rejects.toThrow();
      await expect(docs.findOne({ _id: 'x' })).rejects.toThrow();
      await expect(docs.insertOne({ _id: 'y' })).rejects.toThrow();
      await expect(docs.updateOne({ _id: 'x' }, { $set: { a: 1 } })).rejects.toThrow();
      await expect(other.collection(`c${runId}_never_opened`).count({})).rejects.toThrow();
    });
  });
}
