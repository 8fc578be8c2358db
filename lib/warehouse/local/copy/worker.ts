/**
 * Worker thread of a large COPY: encodes the batches of objects it is given (encoder.ts), in order,
 * and reports each chunk file as it is written, then each batch's outcome. It stays at most CHUNKS_AHEAD
 * chunks ahead of the main thread, which answers 'consumed' when Postgres has loaded one of its chunks, so
 * memory and disk use stay flat however large the load.
 *
 * Messages to the main thread, in order: per batch { kind: 'chunk', chunk }… then { kind: 'batch', outcome };
 * finally { kind: 'done' }, or { kind: 'error', name, message, stack } if encoding failed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { S3Object } from './s3-mounts';
import { encodeChunks, type EncodeSettings } from './encoder';

/** What the loader gives a worker: the plan, and the batches (consecutive objects) that are this worker's. */
export interface WorkerData {
  readonly plan: EncodeSettings;
  readonly batches: readonly { readonly index: number; readonly objects: readonly S3Object[] }[];
}

const CHUNKS_AHEAD = 2;

const port = parentPort!;
let credits = CHUNKS_AHEAD;
let wake: (() => void) | undefined;
port.on('message', (message) => {
  if (message === 'consumed') {
    credits++;
    wake?.();
  }
});

async function main(): Promise<void> {
  const { plan, batches } = workerData as WorkerData;
  for (const batch of batches) {
    const chunks = encodeChunks({ ...plan, objects: batch.objects, chunkPrefix: `${batch.index}-` });
    for (;;) {
      const next = chunks.next();
      if (next.done) {
        port.postMessage({ kind: 'batch', outcome: next.value });
        if (next.value.tooMany) return; // the load fails at this batch: the later ones are not needed
        break;
      }
      port.postMessage({ kind: 'chunk', chunk: next.value });
      credits--;
      while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    }
  }
}

main().then(
  () => {
    port.postMessage({ kind: 'done' });
    port.close();
  },
  (e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ kind: 'error', name: error.name, message: error.message, stack: error.stack });
    port.close();
  },
);
