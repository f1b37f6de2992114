// Fails when the lock file lacks an optional (platform) dependency that `npm ci` would demand:
// the registry here carries the newest versions of platform binaries for linux-x64 only.
import { readFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8'));
const missing = new Set();
for (const pkg of Object.values(lock.packages)) {
  for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
    if (!lock.packages[`node_modules/${dep}`] && !Object.keys(lock.packages).some((k) => k.endsWith(`/node_modules/${dep}`))) missing.add(dep);
  }
}
if (missing.size) {
  console.error(`package-lock.json lacks optional dependencies (npm ci would fail): ${[...missing].join(', ')}`);
  process.exit(1);
}
