import { createEmbeddedStore } from './embedded.js';
import { createMongoStore } from './mongo.js';
import type { Store } from './port.js';

/** Where the data lives: MongoDB when a URI is given, else the embedded store. */
export interface OpenStoreOptions {
  /** `MONGODB_URI`; when set, the MongoDB driver is used and `dataDir` is ignored. */
  mongodbUri?: string | undefined;
  /** `MONGODB_WRITE_CONCERN`: `majority` unless set. */
  mongodbWriteConcern?: 'majority' | number | undefined;
  /** `TTS_DATA_DIR` for the embedded store; unset keeps the embedded store in memory. */
  dataDir?: string | undefined;
}

/**
 * Opens the store the configuration asks for (docs/architecture.md#storage): MongoDB in production, the embedded
 * file-backed store otherwise.
 *
 * @example
 * const store = await openStore({ mongodbUri: config.mongodbUri, dataDir: config.dataDir });
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  if (options.mongodbUri) return createMongoStore({ uri: options.mongodbUri, writeConcern: options.mongodbWriteConcern ?? 'majority' });
  return createEmbeddedStore(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
}
