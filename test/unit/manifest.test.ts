import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifest } from '../../shared/domain/manifest';
import { InvalidManifestError } from '../../shared/errors';

const policy = {
  maxBytes: 1024,
  allowedHyperparameters: ['epochs', 'learning_rate'],
  allowedInstanceTypes: ['ml.g5.2xlarge', 'ml.p3.2xlarge'],
};
const parse = (body: string) => parseManifest(body, Buffer.byteLength(body), policy);
const rejects = (body: string, message: RegExp) =>
  assert.throws(
    () => parse(body),
    (error: unknown) => error instanceof InvalidManifestError && message.test(error.message),
  );

describe('manifest', () => {
  it('accepts an empty object and an empty file', () => {
    assert.deepEqual(parse('{}'), {});
    assert.deepEqual(parse(''), {});
  });

  it('accepts channels, allow-listed hyperparameters and a ladder instance type', () => {
    const manifest = parse(
      JSON.stringify({
        channels: { train: 'images/train/', pretrained: { path: 'weights/', inputMode: 'File' } },
        hyperparameters: { epochs: 20, learning_rate: '0.1' },
        instanceType: 'ml.p3.2xlarge',
        inputMode: 'FastFile',
      }),
    );
    assert.equal(manifest.instanceType, 'ml.p3.2xlarge');
    assert.deepEqual(manifest.hyperparameters, { epochs: 20, learning_rate: '0.1' });
  });

  it('refuses what the deployment owns: role, image, output, network', () => {
    rejects('{"roleArn": "arn:aws:iam::1:role/admin"}', /may not set roleArn/);
    rejects('{"image": "evil"}', /may not set image/);
    rejects('{"OutputDataConfig": {}}', /may not set OutputDataConfig/);
    rejects('{"VpcConfig": {}}', /may not set VpcConfig/);
  });

  it('refuses bad JSON, unknown keys, escaping paths and over-size bodies', () => {
    rejects('{not json', /not valid JSON/);
    rejects('[]', /must be a JSON object/);
    rejects('{"epochs": 3}', /invalid: epochs/);
    rejects('{"channels": {"train": "../other-team/"}}', /channels.train/);
    rejects('{"channels": {"train": "/abs/"}}', /channels.train/);
    rejects('{"channels": {"bad name!": "x/"}}', /channel names/);
    assert.throws(() => parseManifest('{}', 5000, policy), /5000 bytes; the limit is 1024/);
  });

  it('enforces allow-lists and SageMaker hyperparameter limits', () => {
    rejects('{"hyperparameters": {"sagemaker_program": "x"}}', /not allow-listed: sagemaker_program/);
    rejects('{"instanceType": "ml.p5.48xlarge"}', /not on the instance-type ladder/);
    const long = JSON.stringify({ hyperparameters: { epochs: 'x'.repeat(2501) } });
    assert.throws(
      () => parseManifest(long, long.length, { ...policy, maxBytes: 65536 }),
      /hyperparameters.epochs: Invalid length/,
    );
    assert.doesNotThrow(() => parse(JSON.stringify({ hyperparameters: { epochs: 'x'.repeat(900) } })));
  });
});
