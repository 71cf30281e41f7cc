/**
 * WAL checkpoints off the event loop. better-sqlite3 is synchronous, and SQLite's automatic
 * checkpoint runs inside the commit that crosses 1,000 WAL pages: that commit (a ledger write on
 * the request path) then copies the pages back and fsyncs the WAL and the database, blocking every
 * request in the process for the duration (the slowest requests of a run). SQLite's advice for
 * latency (wal.html §"Automatic Checkpoint") is to disable it and checkpoint from another thread:
 * here a worker thread with its own connection runs `wal_checkpoint(PASSIVE)` every `intervalMs`
 * (passive: never waits for, nor blocks, the writer). If the worker cannot start, the automatic
 * checkpoint stays on.
 */
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointer {
  /** A last checkpoint, then the worker's connection closes (before the main connection closes). */
  stop(): Promise<void>;
}

// CommonJS, evaluated in the worker: no separate file, so it works from src/ (tsx) and from the bundle.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String((error && error.message) || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close(); // nothing left to run: the worker exits
});
parentPort.postMessage({ type: 'ready' });
`;

const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

export interface WalCheckpointerOptions {
  intervalMs?: number;
  /** The better-sqlite3 module the worker loads (default: the one this module resolves). */
  driver?: string;
  /** Checkpoint failures (logged by the caller; the next interval tries again). */
  onError?: (message: string) => void;
}

/** Resolves once the worker runs (automatic checkpoints off) or could not start (they stay on). */
export function startWalCheckpointer(database: Database.Database, path: string, options: WalCheckpointerOptions = {}): Promise<WalCheckpointer> {
  const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs: options.intervalMs ?? 1000 } });
  worker.unref();
  let stopping = false;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A worker that dies (could not load the driver, say) hands the checkpoints back to SQLite.
  const handBack = (): void => {
    if (!stopping && database.open) database.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`);
  };
  void exited.then(handBack);
  const stop = (): Promise<void> => {
    stopping = true;
    worker.ref(); // the last checkpoint keeps the process alive until it is done
    worker.postMessage('stop'); // ignored by a worker that already exited
    return exited;
  };
  return new Promise((resolve) => {
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'ready') {
        database.pragma('wal_autocheckpoint = 0');
        resolve({ stop });
      } else if (message.type === 'error') {
        options.onError?.(message.message ?? 'checkpoint failed');
      }
    });
    worker.on('error', (error) => {
      options.onError?.(error.message);
      handBack();
      resolve({ stop });
    });
  });
}
