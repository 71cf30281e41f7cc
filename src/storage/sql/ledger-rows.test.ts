import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleRecord } from '../../../test/contract/usage-ledger.contract.ts';
import { usageFields } from '../../domain/usage/usage-view.ts';
import { LEDGER_COLUMNS, toLedgerRow } from './ledger-rows.ts';

test('a ledger row carries exactly the usage fields the admin view and the log line use (no drift), in LEDGER_COLUMNS', () => {
  const record = sampleRecord({ ttftMs: null, costUsd: 0.0123, reasoningTokens: 3 });
  const row = toLedgerRow(record);
  for (const [field, value] of Object.entries(usageFields(record))) assert.equal(row[field as keyof typeof row], value, field);
  assert.deepEqual(Object.keys(row).sort(), [...LEDGER_COLUMNS].sort());
});
