/**
 * Writes an export to a file or standard output. A file appears complete or not at all: the bytes
 * go to a temporary file next to it, which is then renamed.
 */
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ExportFile } from '../dashboards/exports/doc';
import { UserError } from '../platform/errors';

/** Returns the path written, or undefined for standard output. */
export async function writeOutput(file: ExportFile, output: string | undefined): Promise<string | undefined> {
  const source = async function* () {
    if (Buffer.isBuffer(file.body)) {
      yield file.body;
      return;
    }
    if (file.body.prefix) yield Buffer.from(file.body.prefix, 'utf8');
    yield* createReadStream(file.body.path, { highWaterMark: 1 << 20 });
  };
  try {
    if (output === '-') {
      await pipeline(source(), process.stdout);
      return undefined;
    }
    const target = resolve(output ?? file.filename);
    const tmp = `${target}.part-${process.pid}`;
    try {
      await pipeline(source(), createWriteStream(tmp));
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EROFS') throw new UserError(`Cannot write ${target}: ${code === 'ENOENT' ? 'its directory does not exist' : code === 'EISDIR' ? 'it is a directory' : 'permission denied'}.`, { exitCode: 3 });
      throw e;
    }
    return target;
  } finally {
    if (!Buffer.isBuffer(file.body)) rmSync(file.body.path, { force: true });
  }
}
