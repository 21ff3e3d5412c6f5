/**
 * Copies every collection of a store to a directory of JSON-lines files and back, through the
 * store port only, so it moves data between any two drivers: the embedded SQLite store on one
 * machine to MongoDB when the service outgrows one machine, or back
 * (docs/operations.md#moving-to-mongodb). One file per collection, `<collection>.jsonl`, one
 * document per line; a `Date` is written as `{"$date":"<ISO 8601>"}` (MongoDB's Extended JSON),
 * which no stored document can mean otherwise because field names never start with `$`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { op, type Doc, type Store } from './port.js';

const PAGE = 1_000;

function toJson(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value;
}

function fromJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJson);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const [only] = entries;
    if (entries.length === 1 && only?.[0] === '$date' && typeof only[1] === 'string') return new Date(only[1]);
    return Object.fromEntries(entries.map(([k, v]) => [k, fromJson(v)]));
  }
  return value;
}

/**
 * Writes every collection of `store` to `<dir>/<collection>.jsonl`, paging by `_id` so memory
 * stays flat. Returns the documents written per collection.
 *
 * @example
 * const counts = await exportStore(store, '/tmp/tts-export');
 */
export async function exportStore(store: Store, dir: string): Promise<Record<string, number>> {
  await mkdir(dir, { recursive: true });
  const counts: Record<string, number> = {};
  for (const name of await store.listCollections()) {
    const out = createWriteStream(path.join(dir, `${name}.jsonl`), { flags: 'wx' });
    const collection = store.collection<Doc>(name);
    let last: string | undefined;
    let written = 0;
    for (;;) {
      const page = await collection.find(last === undefined ? {} : { _id: op.gt(last) }, { sort: { _id: 1 }, limit: PAGE });
      for (const doc of page) if (!out.write(`${JSON.stringify(toJson(doc))}\n`)) await once(out, 'drain');
      written += page.length;
      if (page.length < PAGE) break;
      last = page.at(-1)?._id;
    }
    out.end();
    await once(out, 'finish');
    counts[name] = written;
  }
  return counts;
}

/**
 * Reads every `<collection>.jsonl` file of `dir` into `store`. Refuses a collection that already
 * holds documents, so an import never mixes two histories. Returns the documents read per
 * collection, each checked against the store's count afterwards.
 *
 * @example
 * await importStore(store, '/tmp/tts-export');
 */
export async function importStore(store: Store, dir: string): Promise<Record<string, number>> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.jsonl')).sort();
  const counts: Record<string, number> = {};
  for (const file of files) {
    const name = file.slice(0, -'.jsonl'.length);
    const collection = store.collection<Doc>(name);
    if ((await collection.count({})) > 0) throw new Error(`Collection '${name}' is not empty: import into an empty store`);
    let batch: Doc[] = [];
    let read = 0;
    const lines = createInterface({ input: createReadStream(path.join(dir, file)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      batch.push(fromJson(JSON.parse(line)) as Doc);
      read += 1;
      if (batch.length >= PAGE) {
        await collection.insertMany(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await collection.insertMany(batch);
    const stored = await collection.count({});
    if (stored !== read) throw new Error(`Import of '${name}' stored ${stored} of ${read} documents`);
    counts[name] = read;
  }
  return counts;
}
