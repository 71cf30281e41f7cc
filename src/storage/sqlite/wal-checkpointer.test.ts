import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { startWalCheckpointer } from './wal-checkpointer.ts';

function openWal(dir: string): { db: Database.Database; path: string } {
  const path = join(dir, 'x.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB)');
  return { db, path };
}

/** 40 commits of ~100 KB each (about 1,000 WAL pages in all), a pause after each. */
async function writeBatches(db: Database.Database, pauseMs: number): Promise<void> {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  const batch = db.transaction(() => {
    for (let i = 0; i < 25; i++) insert.run(Buffer.alloc(4000, i));
  });
  for (let i = 0; i < 40; i++) {
    batch();
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

const walBytes = (path: string): number => statSync(`${path}-wal`).size;

test('the worker checkpoints the WAL (it stays small) while automatic checkpoints are off; a control without it grows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-wal-'));
  try {
    const control = openWal(dir);
    control.db.pragma('wal_autocheckpoint = 0');
    await writeBatches(control.db, 1);
    const grown = walBytes(control.path);
    control.db.close();
    rmSync(join(dir, 'x.db'), { force: true });

    const { db, path } = openWal(dir);
    const checkpointer = await startWalCheckpointer(db, path, { intervalMs: 10 });
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 0, 'SQLite no longer checkpoints inside commits');
    await writeBatches(db, 25);
    const kept = walBytes(path);
    assert.ok(grown > 3_000_000, `control WAL ${grown} bytes`);
    assert.ok(kept < grown / 3, `checkpointed WAL ${kept} bytes vs ${grown} without checkpoints`);
    await checkpointer.stop();
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    assert.equal(row!.log, row!.checkpointed, 'stop() ran a last checkpoint: nothing left to copy');
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 1000);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that cannot start leaves SQLite its automatic checkpoints, reports why, and stop() still resolves', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-wal-'));
  try {
    const { db, path } = openWal(dir);
    db.pragma('wal_autocheckpoint = 0'); // as if a worker had turned them off
    const errors: string[] = [];
    const checkpointer = await startWalCheckpointer(db, path, { driver: join(dir, 'no-such-driver.js'), onError: (m) => errors.push(m) });
    assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), 1000);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /no-such-driver/);
    await checkpointer.stop();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
