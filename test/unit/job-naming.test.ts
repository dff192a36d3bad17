import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseTrainingJobName,
  runIdFor,
  slugify,
  TRAINING_JOB_NAME_PATTERN,
  trainingJobName,
} from '../../shared/domain/job-naming';

describe('job naming', () => {
  const upload = {
    trigger: 'dataset-upload',
    bucket: 'b',
    key: 'datasets/cats/v1/manifest.json',
    versionOrEtag: 'v-1',
  } as const;

  it('derives the same run id from the same upload and a different one from another version', () => {
    assert.equal(runIdFor(upload), runIdFor({ ...upload }));
    assert.match(runIdFor(upload), /^[0-9a-f]{12}$/);
    assert.notEqual(runIdFor(upload), runIdFor({ ...upload, versionOrEtag: 'v-2' }));
    const slot = {
      trigger: 'schedule',
      bucket: 'b',
      datasetVersionRoot: 'datasets/cats/v1/',
      slot: '2026-12-04T03:00:00Z',
    } as const;
    assert.notEqual(runIdFor(slot), runIdFor({ ...slot, slot: '2026-12-05T03:00:00Z' }));
  });

  it('builds <prefix>-<slug>-<run>-<attempt> and reads it back', () => {
    const name = trainingJobName('gto', 'Cats & Dogs', 'abcdef012345', 2);
    assert.equal(name, 'gto-cats-dogs-abcdef012345-2');
    assert.deepEqual(parseTrainingJobName('gto', name), { prefix: 'gto', runId: 'abcdef012345', attempt: 2 });
    assert.equal(parseTrainingJobName('gto', 'someone-elses-job'), undefined);
    assert.equal(parseTrainingJobName('gto', 'gto-cats-notahash-1'), undefined);
  });

  it('keeps long and unicode names within 63 valid characters without cutting the identity', () => {
    const name = trainingJobName('a-twenty-char-prefix', `Données ${'x'.repeat(300)}`, 'abcdef012345', 10);
    assert.ok(name.length <= 63, `${name.length}`);
    assert.match(name, TRAINING_JOB_NAME_PATTERN);
    assert.ok(name.endsWith('-abcdef012345-10'));
    assert.ok(name.startsWith('a-twenty-char-prefix-donnees-x'));
    assert.equal(trainingJobName('gto', '日本語', 'abcdef012345', 1), 'gto-dataset-abcdef012345-1');
    assert.equal(slugify('--A__b--'), 'a-b');
  });

  it('refuses attempt numbers below 1', () => {
    assert.throws(() => trainingJobName('gto', 'cats', 'abcdef012345', 0), RangeError);
  });
});
