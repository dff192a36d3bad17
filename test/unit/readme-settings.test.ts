import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { settingsTable } from '../../scripts/settings-table';

describe('README configuration table', () => {
  it('is the table generated from shared/config/settings.ts and serverless.yml', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const between = readme
      .split('<!-- settings-table:start -->')[1]
      ?.split('<!-- settings-table:end -->')[0]
      ?.trim();
    const expected = settingsTable(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'));
    assert.equal(between, expected, 'regenerate it: bash scripts/update-readme-table.sh');
  });
});
