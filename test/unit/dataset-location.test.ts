import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeS3Key, readiness } from '../../shared/domain/dataset-location';

const watched = { bucket: 'data', prefix: 'datasets' };

describe('readiness gate', () => {
  it('accepts only manifest.json at a version root', () => {
    const decision = readiness(watched, 'data', 'datasets/cats/v1/manifest.json');
    assert.deepEqual(decision, {
      ready: true,
      datasetVersion: {
        bucket: 'data',
        dataset: 'cats',
        version: 'v1',
        versionRoot: 'datasets/cats/v1/',
        manifestKey: 'datasets/cats/v1/manifest.json',
      },
    });
  });

  const ignored: Array<[string, string, string]> = [
    ['data', 'datasets/cats/v1/train/cat/001.jpg', 'not-a-manifest'],
    ['data', 'datasets/cats/v1/train/manifest.json', 'manifest-not-at-version-root'],
    ['data', 'datasets/cats/manifest.json', 'manifest-not-at-version-root'],
    ['data', 'datasets/cats/v1/', 'folder-placeholder'],
    ['data', 'other/cats/v1/manifest.json', 'outside-datasets-prefix'],
    ['data', 'datasetsX/cats/v1/manifest.json', 'outside-datasets-prefix'],
    ['data', 'datasets/_outputs/v1/manifest.json', 'reserved-name'],
    ['data', 'datasets/cats/../manifest.json', 'reserved-name'],
    ['data', 'datasets//v1/manifest.json', 'reserved-name'],
    ['elsewhere', 'datasets/cats/v1/manifest.json', 'other-bucket'],
  ];
  for (const [bucket, key, reason] of ignored)
    it(`ignores ${bucket}/${key} as ${reason}`, () => {
      assert.deepEqual(readiness(watched, bucket, key), { ready: false, reason });
    });

  it('works with a nested datasets prefix and unicode names', () => {
    const decision = readiness(
      { bucket: 'data', prefix: 'teams/vision/datasets' },
      'data',
      'teams/vision/datasets/chats é/2026 01/manifest.json',
    );
    assert.equal(decision.ready, true);
    if (decision.ready) assert.equal(decision.datasetVersion.version, '2026 01');
  });
});

describe('decodeS3Key', () => {
  it("decodes '+' as a space and '%2B' as a plus", () => {
    assert.equal(decodeS3Key('datasets/my+cats/v%2B1/manifest.json'), 'datasets/my cats/v+1/manifest.json');
    assert.equal(decodeS3Key('Happy%20Face.jpg'), 'Happy Face.jpg');
    assert.equal(decodeS3Key('datasets/%E7%8C%AB/v1/manifest.json'), 'datasets/猫/v1/manifest.json');
  });
});
