import { update } from 'mingo';
import { describe, expect, it } from 'vitest';
import { updateDocument } from './update-document.js';

describe('updateDocument', () => {
  it('changes a document as mingo.update does, and names the changed paths', () => {
    const modifier = {
      $set: { 'a.b': 2, 'list.1': 'y', at: new Date(5) },
      $inc: { n: 3, 'deep.count': 1 },
      $unset: { gone: '' as const },
      $min: { low: 1 },
      $max: { high: 9 },
      $push: { log: 'e' },
    };
    const ours = { _id: 'd', a: { b: 1 }, list: ['x', 'x'], n: 1, gone: true, low: 4, high: 4, log: ['a'] };
    const theirs = structuredClone(ours);
    expect(updateDocument(ours, modifier)).toEqual(update(theirs, modifier));
    expect(ours).toEqual(theirs);
  });

  it('reports nothing changed for an update that sets what is there', () => {
    const doc = { _id: 'd', n: 1, s: 'a', low: 2 };
    expect(updateDocument(doc, { $set: { n: 1, s: 'a' }, $min: { low: 5 } })).toEqual([]);
  });

  it('refuses two operators on one path, or on a path inside the other', () => {
    expect(() => updateDocument({ _id: 'd' }, { $set: { a: 1 }, $inc: { a: 1 } })).toThrow(/conflict at 'a'/);
    expect(() => updateDocument({ _id: 'd' }, { $set: { a: {} }, $inc: { 'a.b': 1 } })).toThrow(/conflict/);
  });

  it('refuses an operator the port does not have', () => {
    expect(() => updateDocument({ _id: 'd' }, { $rename: { a: 'b' } })).toThrow(/Unknown update operator/);
  });
});
