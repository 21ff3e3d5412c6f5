/**
 * Which MongoDB the store contract suite runs against, if any.
 *
 * Only `TTS_TEST_MONGODB_URI`, a variable meant for tests: the suite creates and drops a
 * database wherever it points, and `MONGODB_URI` may name a production deployment that a
 * developer's shell or a CI runner happens to have set.
 *
 * @example
 * const uri = contractMongoUri(process.env); // undefined unless TTS_TEST_MONGODB_URI is set
 */
export function contractMongoUri(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const uri = env.TTS_TEST_MONGODB_URI?.trim();
  return uri ? uri : undefined;
}
