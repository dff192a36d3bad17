import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  approvalStatus,
  buildModelPackageInput,
  clientToken,
  finalMetrics,
  metricsReport,
  metricsReportUri,
  modelPackageVersion,
} from '../../shared/domain/build-model-package';
import { estimateCostUsd, priceTable, spotSavings } from '../../shared/domain/instance-prices';
import type { TrainingRun } from '../../shared/domain/training-run';

const run: TrainingRun = {
  runId: '0123456789ab',
  attempt: 2,
  trigger: 'dataset-upload',
  datasetVersion: {
    bucket: 'gto-datasets',
    dataset: 'cats & dogs',
    version: 'v1',
    versionRoot: 'datasets/cats & dogs/v1/',
    manifestKey: 'datasets/cats & dogs/v1/manifest.json',
  },
  instanceType: 'ml.g5.4xlarge',
  spot: true,
  hyperparameters: {},
  channels: [],
};

describe('approvalStatus', () => {
  it('approves at or above the threshold, at or below for losses, never without one', () => {
    assert.equal(approvalStatus('validation:accuracy', 0.9, 0.9), 'Approved');
    assert.equal(approvalStatus('validation:accuracy', 0.89, 0.9), 'PendingManualApproval');
    assert.equal(approvalStatus('validation:loss', 0.2, 0.3), 'Approved');
    assert.equal(approvalStatus('validation:loss', 0.4, 0.3), 'PendingManualApproval');
    assert.equal(approvalStatus('validation:accuracy', 0.99, undefined), 'PendingManualApproval');
    assert.equal(approvalStatus('validation:accuracy', undefined, 0.5), 'PendingManualApproval');
  });
});

describe('clientToken', () => {
  it('is deterministic and fits SageMaker (1-36 of [a-zA-Z0-9-])', () => {
    const token = clientToken('gto-cats-0123456789ab-2');
    assert.equal(token, clientToken('gto-cats-0123456789ab-2'));
    assert.notEqual(token, clientToken('gto-cats-0123456789ab-3'));
    assert.match(token, /^[a-zA-Z0-9-]{1,36}$/);
  });
});

describe('buildModelPackageInput', () => {
  it('builds the exact request with lineage, approval and the metrics report', () => {
    const input = buildModelPackageInput(
      {
        trainingImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/resnet-trainer:abc',
        registry: {
          modelPackageGroupName: 'gto-models',
          approvalMetric: 'validation:accuracy',
          approvalThreshold: 0.9,
          inferenceInstanceTypes: ['ml.g5.xlarge'],
        },
      },
      {
        job: {
          TrainingJobName: 'gto-cats-dogs-0123456789ab-2',
          TrainingJobArn:
            'arn:aws:sagemaker:us-east-1:123456789012:training-job/gto-cats-dogs-0123456789ab-2',
        },
        run,
        modelDataUrl:
          's3://gto-artifacts/models/0123456789ab/gto-cats-dogs-0123456789ab-2/output/model.tar.gz',
        metrics: { 'validation:accuracy': 0.93, 'validation:loss': 0.21 },
      },
    );
    assert.deepEqual(input, {
      ModelPackageGroupName: 'gto-models',
      ModelPackageDescription: 'Trained by gto-cats-dogs-0123456789ab-2 on cats & dogs version v1',
      InferenceSpecification: {
        Containers: [
          {
            Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/resnet-trainer:abc',
            ModelDataUrl:
              's3://gto-artifacts/models/0123456789ab/gto-cats-dogs-0123456789ab-2/output/model.tar.gz',
          },
        ],
        SupportedContentTypes: ['application/x-image', 'image/jpeg', 'image/png'],
        SupportedResponseMIMETypes: ['application/json'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.g5.xlarge'],
      },
      ModelApprovalStatus: 'Approved',
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: 'application/json',
            S3Uri:
              's3://gto-artifacts/models/0123456789ab/gto-cats-dogs-0123456789ab-2/output/metrics-report.json',
          },
        },
      },
      MetadataProperties: {
        GeneratedBy: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/gto-cats-dogs-0123456789ab-2',
      },
      CustomerMetadataProperties: {
        'dataset-uri': 's3://gto-datasets/datasets/cats _ dogs/v1/',
        dataset: 'cats _ dogs',
        'dataset-version': 'v1',
        'training-job': 'gto-cats-dogs-0123456789ab-2',
        'run-id': '0123456789ab',
        trigger: 'dataset-upload',
        attempt: '2',
        'instance-type': 'ml.g5.4xlarge',
        'metric:validation:accuracy': '0.93',
      },
      ClientToken: clientToken('gto-cats-dogs-0123456789ab-2'),
    });
  });
});

describe('metrics, report and costs', () => {
  it('reads final metrics and writes the model-quality statistics shape', () => {
    const metrics = finalMetrics({
      FinalMetricDataList: [
        { MetricName: 'validation:accuracy', Value: 0.93 },
        { MetricName: 'epoch', Value: 10 },
        { MetricName: 'broken' },
      ],
    });
    assert.deepEqual(metrics, { 'validation:accuracy': 0.93, epoch: 10 });
    assert.deepEqual(
      metricsReport({
        jobName: 'j',
        runId: 'r',
        attempt: 1,
        metrics,
        trainingSeconds: 100,
        billableSeconds: 30,
      }),
      {
        version: 0,
        multiclass_classification_metrics: { accuracy: { value: 0.93, standard_deviation: 'NaN' } },
        metrics,
        training_job: { name: 'j', run_id: 'r', attempt: 1, training_seconds: 100, billable_seconds: 30 },
      },
    );
    assert.equal(metricsReportUri('s3://b/p/output/model.tar.gz'), 's3://b/p/output/metrics-report.json');
    assert.equal(modelPackageVersion('arn:aws:sagemaker:us-east-1:1:model-package/gto-models/7'), 7);
  });

  it('estimates cost from the overridable price table and spot savings from billable/training', () => {
    assert.equal(estimateCostUsd(priceTable({}), 'ml.g5.2xlarge', 1, 3600), 1.52);
    assert.equal(estimateCostUsd(priceTable({ 'ml.g5.2xlarge': 2 }), 'ml.g5.2xlarge', 2, 1800), 2);
    assert.equal(estimateCostUsd(priceTable({}), 'ml.unknown.xlarge', 1, 3600), undefined);
    assert.equal(spotSavings(1000, 300), 0.7);
    assert.equal(spotSavings(0, 0), undefined);
  });
});
