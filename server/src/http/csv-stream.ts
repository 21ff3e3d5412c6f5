// Excel opens a BOM-less CSV in the machine's legacy code page, turning राहुल into mojibake.
const UTF8_BOM = '\uFEFF';
/** Characters gathered before a chunk is handed to the socket: fewer, larger writes than one per row. */
const CHUNK_CHARS = 16 * 1024;

/**
 * A CSV download's body: a pull stream that takes lines from `lines` only as fast as the
 * client reads, so an export of any size holds one batch of rows in memory at a time.
 * Starts with a UTF-8 BOM; a client that goes away stops the source.
 *
 * @example
 * return c.body(csvStream(await services.attendance.attendeesCsv(owner, id, {})), 200, csvHeaders(`attendees-${id}.csv`));
 */
export function csvStream(lines: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = lines[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = started ? '' : UTF8_BOM;
      started = true;
      while (chunk.length < CHUNK_CHARS) {
        const next = await iterator.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * Headers of a CSV download of personal data: an attachment that no shared or browser cache keeps.
 *
 * @example
 * csvHeaders('attendees-evt_1.csv');
 */
export function csvHeaders(filename: string): Record<string, string> {
  return {
    'Content-Type': 'text/csv; charset=utf-8',
    // Ids are base62 (kernel/ids.ts); the replace only keeps a stray character from breaking the header.
    'Content-Disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
    'Cache-Control': 'no-store',
  };
}
