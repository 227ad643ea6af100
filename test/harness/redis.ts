import { Redis } from 'ioredis';

/** The Redis server tests use; CI and developer machines run one on loopback. */
export const REDIS_URL = process.env.MESHWORK_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** True when Redis answers; with CI=true a missing server is a failure, not a skip. */
export async function redisAvailable(): Promise<boolean> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await r.connect();
    await r.ping();
    return true;
  } catch (err) {
    if (process.env.CI === 'true')
      throw new Error(`Redis is required in CI but not reachable at ${REDIS_URL}: ${(err as Error).message}`, {
        cause: err,
      });
    return false;
  } finally {
    r.disconnect();
  }
}
