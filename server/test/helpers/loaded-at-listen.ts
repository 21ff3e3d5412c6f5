/**
 * Preloaded into a real server process (`startServer(env, { preload: [LOADED_AT_LISTEN] })`):
 * when the HTTP server starts listening, it notes which CommonJS files of `node_modules` the
 * process has loaded by then, and writes them as one line, `loaded-at-listen [...]`, to stderr
 * when the process exits. ES modules importing a CommonJS package load it through the same
 * cache, so every package the start loaded is listed. Changes nothing else.
 */
import { Server } from 'node:http';
import Module from 'node:module';

const cache = (Module as unknown as { _cache: Record<string, unknown> })._cache;
let loaded: string[] | null = null;
const listen = Server.prototype.listen;

Server.prototype.listen = function listenAndNote(this: Server, ...args: unknown[]) {
  loaded ??= Object.keys(cache)
    .filter((file) => file.includes('/node_modules/'))
    .map((file) => file.slice(file.lastIndexOf('/node_modules/') + '/node_modules/'.length));
  return listen.apply(this, args as Parameters<typeof listen>);
} as typeof listen;

process.on('exit', () => {
  process.stderr.write(`loaded-at-listen ${JSON.stringify(loaded)}\n`);
});
