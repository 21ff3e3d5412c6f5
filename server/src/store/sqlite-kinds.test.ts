import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { op, type Doc, type Filter, type Store } from './port.js';
import { createSqliteStore } from './sqlite.js';

type AnyDoc = Doc & Record<string, unknown>;

const closing: Store[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((store) => store.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A store on `file` (in memory when unset) with `v` and `w` indexed, recording the statements it runs. */
async function tracedStore(file?: string) {
  const ran: string[] = [];
  const store = await createSqliteStore({ ...(file === undefined ? {} : { file }), trace: (sql) => ran.push(sql) });
  closing.push(store);
  await store.ensureIndexes([
    { collection: 'things', keys: { v: 1 } },
    { collection: 'things', keys: { w: 1 } },
  ]);
  const things = store.collection<AnyDoc>('things');
  return {
    things,
    /** The ids `filter` finds, in id order, and the statement the store ran for them. */
    async find(filter: Filter): Promise<{ ids: string[]; sql: string }> {
      ran.length = 0;
      const found = await things.find(filter, { sort: { _id: 1 } });
      return { ids: found.map((doc) => doc._id), sql: ran.filter((sql) => sql.startsWith('SELECT _id')).join('\n') };
    },
  };
}

function sharedFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tts-sqlite-kinds-'));
  dirs.push(dir);
  return join(dir, 'tts.sqlite');
}

const MIXED: AnyDoc[] = [
  { _id: 'a-text-1', v: '1', w: 'b' },
  { _id: 'b-number-1', v: 1, w: 'a' },
  { _id: 'c-number-2', v: 2, w: null },
  { _id: 'd-true', v: true, w: 'c' },
  { _id: 'e-false', v: false },
  { _id: 'f-object', v: { a: 1 }, w: '{"a":1}' },
  { _id: 'g-object-text', v: '{"a":1}', w: '' },
  { _id: 'h-null', v: null, w: 'zz' },
  { _id: 'i-missing' },
  { _id: 'j-date', v: new Date('2030-01-01T00:00:00Z') },
];

describe('SQLite filters and the kinds an indexed path has held', () => {
  it('keeps MongoDB’s answers on a path holding every kind, and compares a path holding strings alone without a type guard', async () => {
    const { things, find } = await tracedStore();
    await things.insertMany(MIXED);
    const answers: Array<[Filter, string[]]> = [
      [{ v: '1' }, ['a-text-1']],
      [{ v: 1 }, ['b-number-1']],
      [{ v: true }, ['d-true']],
      [{ v: false }, ['e-false']],
      [{ v: '{"a":1}' }, ['g-object-text']],
      [{ v: null }, ['h-null', 'i-missing']],
      [{ v: op.in(['1', true]) }, ['a-text-1', 'd-true']],
      [{ v: op.in([1, 2]) }, ['b-number-1', 'c-number-2']],
      [{ v: op.gt(0) }, ['b-number-1', 'c-number-2']],
      [{ v: op.lt(2) }, ['b-number-1']],
      [{ v: op.gte('1') }, ['a-text-1', 'g-object-text']],
      [{ v: op.lt(new Date('2031-01-01T00:00:00Z')) }, ['j-date']],
    ];
    for (const [filter, ids] of answers) {
      const found = await find(filter);
      expect(found.ids, JSON.stringify(filter)).toEqual(ids);
      expect(await things.count(filter), JSON.stringify(filter)).toBe(ids.length);
      // Every kind was stored at `v`: each comparison keeps its guard or bracket.
      expect(found.sql, JSON.stringify(filter)).toMatch(/json_type|IS NULL|>= '.D'/);
    }

    // `w` held strings alone (and null, and nothing): the index answers without reading the JSON.
    const strings: Array<[Filter, string[]]> = [
      [{ w: 'a' }, ['b-number-1']],
      [{ w: '{"a":1}' }, ['f-object']],
      [{ w: op.in(['a', 'c']) }, ['b-number-1', 'd-true']],
      [{ w: op.gt('a') }, ['a-text-1', 'd-true', 'f-object', 'h-null']],
      [{ w: op.lte('') }, ['g-object-text']],
    ];
    for (const [filter, ids] of strings) {
      const found = await find(filter);
      expect(found.ids, JSON.stringify(filter)).toEqual(ids);
      expect(await things.count(filter), JSON.stringify(filter)).toBe(ids.length);
      expect(found.sql, JSON.stringify(filter)).not.toContain('json_type');
    }
  });

  it('guards a path again once a document stores a second kind there, a boolean equal to 1 or an object equal to a string', async () => {
    const { things, find } = await tracedStore();
    await things.insertMany([{ _id: 'one', v: 1, w: '{"a":1}' }, { _id: 'two', v: 2, w: 'x' }, { _id: 'null', v: null, w: null }, { _id: 'missing' }]);
    expect(await find({ v: 1 })).toEqual({ ids: ['one'], sql: expect.not.stringContaining('json_type') });
    expect(await find({ v: op.gte(1) })).toEqual({ ids: ['one', 'two'], sql: expect.not.stringContaining('json_type') });
    expect((await find({ v: null })).ids).toEqual(['missing', 'null']);

    await things.insertMany([
      { _id: 'true', v: true },
      { _id: 'object', w: { a: 1 } },
    ]);
    // SQLite reads `true` as 1 and the object as its JSON text: only the guards tell them apart.
    expect(await find({ v: 1 })).toEqual({ ids: ['one'], sql: expect.stringContaining('json_type') });
    expect(await things.count({ v: op.gte(1) })).toBe(2);
    expect((await find({ v: true })).ids).toEqual(['true']);
    expect(await find({ w: '{"a":1}' })).toEqual({ ids: ['one'], sql: expect.stringContaining('json_type') });
    expect(await things.count({ w: op.in(['{"a":1}', 'x']) })).toBe(2);
  });

  it('guards a path again when another connection to the file stored a second kind there', async () => {
    const file = sharedFile();
    const reader = await tracedStore(file);
    const writer = await tracedStore(file);
    await writer.things.insertOne({ _id: 'one', v: 1 });
    // The reader has read the kinds (numbers alone) before the other connection commits a boolean.
    expect(await reader.find({ v: 1 })).toEqual({ ids: ['one'], sql: expect.not.stringContaining('json_type') });
    await writer.things.insertOne({ _id: 'true', v: true });
    expect(await reader.find({ v: 1 })).toEqual({ ids: ['one'], sql: expect.stringContaining('json_type') });
    expect(await reader.things.count({ v: 1 })).toBe(1);
    expect(await reader.things.deleteMany({ v: 1 })).toBe(1);
    expect((await reader.find({})).ids).toEqual(['true']);
  });

  it('guards a path within the very transaction whose write first stored a second kind there', async () => {
    const { things } = await tracedStore();
    await things.insertOne({ _id: 'one', v: 1 });
    // One turn of the event loop: the insert and the reads share the open write batch.
    const inserted = things.insertOne({ _id: 'true', v: true });
    const [ones, updated] = await Promise.all([things.count({ v: 1 }), things.updateMany({ v: 1 }, { $set: { seen: true } }), inserted]);
    expect(ones).toBe(1);
    expect(updated.matched).toBe(1);
    expect((await things.find({ seen: true })).map((doc) => doc._id)).toEqual(['one']);
  });
});
