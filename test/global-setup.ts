/**
 * Test-run setup: a real PostgreSQL server for the tests that exercise it. Uses FIS_TEST_PG_URL
 * when set (.ci/run starts one); otherwise starts a throwaway cluster if PostgreSQL is installed.
 * Under CI=true a missing server is an error, never a skip.
 */
import type { TestProject } from 'vitest/node';
import { startPgCluster, type PgCluster } from './pg-server';

let cluster: PgCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.FIS_TEST_PG_URL ?? '';
  let reason = '';
  if (!url) {
    try {
      cluster = await startPgCluster();
      url = cluster.url;
    } catch (e) {
      reason = (e as Error).message;
      if (process.env.CI === 'true') throw new Error(`CI=true but no PostgreSQL server for the tests: ${reason}`, { cause: e });
    }
  }
  project.provide('pgUrl', url);
  project.provide('pgMissingReason', reason);
}

export async function teardown(): Promise<void> {
  cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    pgMissingReason: string;
  }
}
