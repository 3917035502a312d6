/** Worker-thread entry for runLoadInWorker: runs one load and posts the result back. */
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadSpec } from './http-load.js';

const result = await runLoad(workerData as LoadSpec);
parentPort?.postMessage(result);
