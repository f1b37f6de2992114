// `node bin/run-ts.mjs scripts/pg-cluster.ts start` prints `URL DIR` of a new throwaway cluster;
// `… stop DIR` stops it and removes its files. Used by .ci/run.
import { startPgCluster, stopPgClusterAt } from '../test/pg-server';

const [cmd, dir] = process.argv.slice(2);
if (cmd === 'start') {
  const c = await startPgCluster();
  process.stdout.write(`${c.url} ${c.dir}\n`);
} else if (cmd === 'stop' && dir) {
  stopPgClusterAt(dir);
} else {
  process.stderr.write('usage: pg-cluster.ts start | stop <dir>\n');
  process.exit(2);
}
