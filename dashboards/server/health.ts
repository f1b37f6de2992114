/** Readiness of a web process for the platform's load balancer: a snapshot to answer from, an app-state database that answers. */
import 'server-only';
import { sql } from 'kysely';
import { oneLine } from '../../platform/errors';
import { appDb, services } from './services';

const within = <T>(ms: number, p: Promise<T>, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms).unref())]);

export async function readiness(): Promise<{ status: 'ready' | 'unavailable'; reasons: string[] }> {
  const reasons: string[] = [];
  await within(3000, services().reader.use((duck) => duck.all('SELECT 1')), 'the warehouse').catch((e: unknown) => reasons.push(`warehouse: ${oneLine(e)}`));
  await within(3000, appDb().then((db) => sql`SELECT 1`.execute(db)), 'the app-state database').catch((e: unknown) => reasons.push(`app-state database: ${oneLine(e)}`));
  return { status: reasons.length ? 'unavailable' : 'ready', reasons };
}
